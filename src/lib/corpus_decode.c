#define _GNU_SOURCE /* fallocate */
/* corpus_decode.c - the reader's bytes: opening an input (the file, its
 * temporary copy, its decoded copy), raw reads, spooling, and gzip / zstd
 * decoding.  corpus.c turns the decoded bytes into records; the rules of
 * both are at the top of corpus.c. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "corpus_reader.h"
#include <zstd_errors.h>
#include "nd.h"
#include "reader.h"

/* ---------- opening, raw reading, spooling ---------- */

void nd_rd_close_input(nd_reader *r)
{
    if (r->open && r->own_fd) close(r->fd);
    r->open = r->own_fd = r->spooling = 0;
    r->fd = -1;
}

void nd_reader_free(nd_reader *r)
{
    if (!r) return;
    nd_rd_close_input(r);
    for (size_t i = 0; i < r->n; i++) {
        if (r->in[i].spool_fd >= 0) close(r->in[i].spool_fd);
        if (r->in[i].dspool_fd >= 0) close(r->in[i].dspool_fd);
        free(r->in[i].path);
    }
    free(r->in);
    free(r->raw);
    nd_map_free(r->pend, r->pcap);
    if (r->z_ready) inflateEnd(&r->z);
    ZSTD_freeDCtx(r->zd);
    nd_rd_zring_free(r);
    free(r);
}

static int make_spool(nd_input *in, int *spool_fd, nd_error *err)
{
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir) dir = "/tmp";
    char tmpl[PATH_MAX];
    if (snprintf(tmpl, sizeof tmpl, "%s/neardup-spool-XXXXXX", dir) >= (int)sizeof tmpl)
        return nd_fail(err, NEARDUP_E_IO, "%s: TMPDIR path too long", in->path);
    int fd = mkstemp(tmpl);
    if (fd < 0)
        return nd_fail(err, NEARDUP_E_IO, "%s: cannot create a temporary copy in %s: %s", in->path,
                       dir, strerror(errno));
    unlink(tmpl); /* nothing is left behind, whatever happens next */
    *spool_fd = fd;
    return NEARDUP_OK;
}

/* Opens the bytes of input cur: the file, or its spool once it is complete. */
int nd_rd_open_fd(nd_reader *r, nd_error *err)
{
    nd_input *in = &r->in[r->cur];
    r->own_fd = r->spooling = r->dspooling = r->giving = 0;
    r->comp = in->comp;
    if (in->mem) { /* read from the caller's bytes */
        in->mem_pos = 0;
        r->open = 1;
        return NEARDUP_OK;
    }
    if (in->dspooled) {
        if (lseek(in->dspool_fd, 0, SEEK_SET) != 0)
            return nd_fail(err, NEARDUP_E_IO, "%s: cannot rewind its decoded copy: %s", in->path,
                           strerror(errno));
        r->fd = in->dspool_fd;
        r->comp = COMP_NONE;
        r->open = 1;
        if (r->give_back) { /* this is the copy's last reading */
            in->dspooled = 0;
            r->giving = 1;
            r->given = 0;
        }
        return NEARDUP_OK;
    }
    if (r->spool_decoded && in->comp != COMP_NONE) {
        /* The copy is only a shortcut: without room for it, rewind decodes again. */
        nd_error ignored;
        if (in->dspool_fd < 0) r->dspooling = make_spool(in, &in->dspool_fd, &ignored) == NEARDUP_OK;
        else r->dspooling = ftruncate(in->dspool_fd, 0) == 0 && lseek(in->dspool_fd, 0, SEEK_SET) == 0;
    }
    if (in->spooled) {
        if (lseek(in->spool_fd, 0, SEEK_SET) != 0)
            return nd_fail(err, NEARDUP_E_IO, "%s: cannot rewind its temporary copy: %s", in->path,
                           strerror(errno));
        r->fd = in->spool_fd;
    } else if (strcmp(in->path, "-") == 0) {
        r->fd = 0;
    } else if ((r->fd = open(in->path, O_RDONLY | O_CLOEXEC)) < 0) {
        return nd_fail(err, NEARDUP_E_IO, "%s: cannot open: %s", in->path, strerror(errno));
    } else {
        r->own_fd = 1;
    }
    r->open = 1;
    if (in->stream && !in->spooled) {
        r->spooling = 1;
        if (in->spool_fd < 0) return make_spool(in, &in->spool_fd, err);
    }
    return NEARDUP_OK;
}

/* read() of up to cap bytes of the current input; *got = 0 at its end. */
int nd_rd_read_raw(nd_reader *r, void *dst, size_t cap, size_t *got, nd_error *err)
{
    nd_input *in = &r->in[r->cur];
    if (in->mem) {
        size_t k = in->mem_len - in->mem_pos < cap ? in->mem_len - in->mem_pos : cap;
        memcpy(dst, in->mem + in->mem_pos, k);
        in->mem_pos += k;
        *got = k;
        return NEARDUP_OK;
    }
    ssize_t k;
    do k = read(r->fd, dst, cap);
    while (k < 0 && errno == EINTR);
    if (k < 0) return nd_fail(err, NEARDUP_E_IO, "%s: read error: %s", in->path, strerror(errno));
    *got = (size_t)k;
    if (r->giving && k > 0) { /* a hint: where holes are not supported, the pages stay */
        (void)fallocate(r->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)r->given, (off_t)k);
        r->given += (uint64_t)k;
    }
    if (r->spooling && k == 0) in->spooled = 1;
    if (r->spooling && k > 0 && nd_write_all(in->spool_fd, dst, (size_t)k))
        return nd_fail(err, NEARDUP_E_IO, "%s: cannot write its temporary copy: %s", in->path,
                       strerror(errno));
    return NEARDUP_OK;
}

int nd_rd_open_input(nd_reader *r, nd_error *err)
{
    int rc = nd_rd_open_fd(r, err);
    if (rc) return rc;
    r->raw_pos = r->raw_len = 0;
    r->pos = r->end = r->scan = 0;
    r->dec_eof = r->done = r->flush = 0;
    r->line = 0;
    r->z_end = 0;
    r->z_before = 0;
    r->boff = 0;
    r->skip_partial = 0;
    nd_input *in = &r->in[r->cur];
    if (in->limited && in->lo > 0) { /* enters the file mid-line: that line is the previous share's */
        if (lseek(r->fd, (off_t)in->lo, SEEK_SET) < 0)
            return nd_fail(err, NEARDUP_E_IO, "%s: cannot seek to byte %llu: %s", in->path,
                           (unsigned long long)in->lo, strerror(errno));
        r->boff = in->lo;
        r->line = in->lines_before;
        r->skip_partial = 1;
    }
    r->zret = 1;
    int comp = r->comp;
    if (comp == COMP_GZ && !r->z_ready) {
        memset(&r->z, 0, sizeof r->z);
        if (inflateInit2(&r->z, 15 + 16) != Z_OK) /* gzip wrapper only */
            return nd_fail(err, NEARDUP_E_NOMEM, "out of memory for a gzip decoder");
        r->z_ready = 1;
    } else if (comp == COMP_GZ) {
        inflateReset(&r->z);
    } else if (comp == COMP_ZST) {
        ZSTD_DCtx_reset(r->zd, ZSTD_reset_session_only);
    }
    r->fmt = in->fmt;
    /* a JSONL .zst file, not its decoded copy: block by block into the ring */
    r->zr_on = r->comp == COMP_ZST && in->fmt == ND_FORMAT_JSONL;
    r->zr_in_frame = r->zr_frames = 0;
    r->zin_len = r->ring_wp = 0;
    r->zr_last = NULL;
    r->zr_last_len = 0;
    r->lb = r->pend;
    return NEARDUP_OK;
}

/* ---------- decoding ---------- */

static int truncated(nd_reader *r, const char *what, nd_error *err)
{
    return nd_fail(err, NEARDUP_E_INPUT, "%s: truncated %s stream (the file ends inside a compressed "
                   "frame; is it complete?)", r->in[r->cur].path, what);
}

/* Refills raw when it is empty; *eof = 1 when the file has no more bytes. */
static int need_raw(nd_reader *r, int *eof, nd_error *err)
{
    *eof = 0;
    if (r->raw_pos < r->raw_len || r->flush) return NEARDUP_OK;
    r->raw_pos = 0;
    int rc = nd_rd_read_raw(r, r->raw, RAW_CAP, &r->raw_len, err);
    *eof = !rc && r->raw_len == 0;
    return rc;
}

static int decode_gz(nd_reader *r, char *dst, size_t cap, size_t *got, nd_error *err)
{
    z_stream *z = &r->z;
    if (cap > UINT_MAX) cap = UINT_MAX;
    z->next_out = (Bytef *)dst;
    z->avail_out = (uInt)cap;
    while (z->avail_out == cap) {
        int eof, rc = need_raw(r, &eof, err);
        if (rc) return rc;
        if (eof) {
            if (r->z_end) break;
            return truncated(r, "gzip", err);
        }
        if (r->z_end) { /* another member follows (multi-member gzip) */
            r->z_before += z->total_in;
            inflateReset(z);
        }
        r->z_end = 0;
        z->next_in = r->raw + r->raw_pos;
        z->avail_in = (uInt)(r->raw_len - r->raw_pos);
        int zr = inflate(z, Z_NO_FLUSH);
        r->raw_pos = r->raw_len - z->avail_in;
        r->flush = z->avail_out == 0;
        if (zr == Z_STREAM_END) r->z_end = 1;
        else if (zr != Z_OK && zr != Z_BUF_ERROR && r->z_before && z->total_in <= 10)
            /* not a gzip header where a next member would start */
            return nd_fail(err, NEARDUP_E_INPUT, "%s: trailing garbage after the gzip data, at compressed byte "
                           "%llu: %s", r->in[r->cur].path, (unsigned long long)r->z_before,
                           z->msg ? z->msg : "inflate failed");
        else if (zr != Z_OK && zr != Z_BUF_ERROR)
            return nd_fail(err, NEARDUP_E_INPUT, "%s: corrupt gzip data at compressed byte ~%llu: %s",
                           r->in[r->cur].path, (unsigned long long)(r->z_before + z->total_in),
                           z->msg ? z->msg : "inflate failed");
    }
    *got = cap - z->avail_out;
    return NEARDUP_OK;
}

static int decode_zst(nd_reader *r, char *dst, size_t cap, size_t *got, nd_error *err)
{
    ZSTD_outBuffer out = {dst, cap, 0};
    while (out.pos == 0) {
        int eof, rc = need_raw(r, &eof, err);
        if (rc) return rc;
        if (eof) {
            if (r->zret == 0) break;
            return truncated(r, "zstd", err);
        }
        ZSTD_inBuffer inb = {r->raw + r->raw_pos, r->raw_len - r->raw_pos, 0};
        size_t ret = ZSTD_decompressStream(r->zd, &out, &inb);
        r->raw_pos += inb.pos;
        if (ZSTD_isError(ret))
            return nd_fail(err, NEARDUP_E_INPUT, "%s: corrupt zstd data: %s", r->in[r->cur].path,
                           ZSTD_getErrorName(ret));
        r->zret = ret;
        r->flush = out.pos == out.size; /* more may wait inside the decoder */
    }
    *got = out.pos;
    return NEARDUP_OK;
}

/* Up to cap decoded bytes of the current input; *got = 0 at its end. */
/* The decoded bytes dst[0, got) also go to the decoded copy, if one is made. */
static void spool_decoded(nd_reader *r, const char *dst, size_t got)
{
    nd_input *in = &r->in[r->cur];
    if (got == 0) { /* the whole stream decoded cleanly: rewind reads the copy */
        in->dspooled = 1;
        r->dspooling = 0;
    } else if (nd_write_all(in->dspool_fd, dst, got)) {
        /* No room for the copy: rewind will decompress again instead. */
        r->dspooling = 0;
        (void)!ftruncate(in->dspool_fd, 0); /* give the space back; failure changes nothing */
    }
}

int nd_rd_decode(nd_reader *r, char *dst, size_t cap, size_t *got, nd_error *err)
{
    int rc;
    switch (r->comp) {
    case COMP_GZ: rc = decode_gz(r, dst, cap, got, err); break;
    case COMP_ZST: rc = decode_zst(r, dst, cap, got, err); break;
    default: return nd_rd_read_raw(r, dst, cap, got, err);
    }
    if (!rc && r->dspooling) spool_decoded(r, dst, *got);
    return rc;
}

/* ---------- zstd, block by block into the ring ---------- */

void nd_rd_zring_free(nd_reader *r)
{
    nd_map_free(r->ring, r->ring_cap);
    nd_map_free(r->ring_old, r->ring_old_cap);
    free(r->zin);
    r->ring = r->ring_old = NULL;
    r->zin = NULL;
}

/* The next n bytes of compressed input, contiguous, at *src (from raw, or
 * gathered in zin when a read boundary splits them); *eof = 1 when the
 * input ends first (at its very end when have == 0). */
static int zr_input(nd_reader *r, size_t n, const void **src, int *eof, nd_error *err)
{
    *eof = 0;
    if (r->zin_len == 0 && r->raw_len - r->raw_pos >= n) {
        *src = r->raw + r->raw_pos;
        r->raw_pos += n;
        return NEARDUP_OK;
    }
    if (!r->zin && !(r->zin = malloc(ZSTD_BLOCKSIZE_MAX + 64)))
        return nd_fail(err, NEARDUP_E_NOMEM, "%s: out of memory for a zstd decoder", r->in[r->cur].path);
    while (r->zin_len < n) { /* a unit is at most a block and its header: it fits zin */
        if (r->raw_pos == r->raw_len) {
            r->raw_pos = 0;
            int rc = nd_rd_read_raw(r, r->raw, RAW_CAP, &r->raw_len, err);
            if (rc) return rc;
            if (r->raw_len == 0) {
                *eof = 1;
                return NEARDUP_OK;
            }
        }
        size_t k = r->raw_len - r->raw_pos < n - r->zin_len ? r->raw_len - r->raw_pos : n - r->zin_len;
        memcpy(r->zin + r->zin_len, r->raw + r->raw_pos, k);
        r->zin_len += k;
        r->raw_pos += k;
    }
    r->zin_len = 0;
    *src = r->zin;
    return NEARDUP_OK;
}

/* Skips n bytes of compressed input (a skippable frame's content). */
static int zr_skip(nd_reader *r, uint64_t n, nd_error *err)
{
    while (n) {
        if (r->raw_pos == r->raw_len) {
            r->raw_pos = 0;
            int rc = nd_rd_read_raw(r, r->raw, RAW_CAP, &r->raw_len, err);
            if (rc) return rc;
            if (r->raw_len == 0) return truncated(r, "zstd", err);
        }
        size_t k = r->raw_len - r->raw_pos < n ? r->raw_len - r->raw_pos : (size_t)n;
        r->raw_pos += k;
        n -= k;
    }
    return NEARDUP_OK;
}

static int zr_corrupt(nd_reader *r, size_t code, nd_error *err)
{
    return nd_fail(err, NEARDUP_E_INPUT, "%s: corrupt zstd data: %s", r->in[r->cur].path, ZSTD_getErrorName(code));
}

/* After a frame header: a ring that holds the frame's window and two blocks. */
static int zr_ring(nd_reader *r, nd_error *err)
{
    ZSTD_frameHeader fh;
    size_t hr = ZSTD_getFrameHeader(&fh, r->zhdr, r->zhdr_len);
    if (ZSTD_isError(hr)) return zr_corrupt(r, hr, err);
    if (hr != 0) return zr_corrupt(r, (size_t)-ZSTD_error_corruption_detected, err);
    /* the limit the streaming decoder is given (corpus_inputs.c) */
    if (fh.windowSize > (sizeof(size_t) > 4 ? (1ull << 31) : (1ull << 27)))
        return zr_corrupt(r, (size_t)-ZSTD_error_frameParameter_windowTooLarge, err);
    /* sized as a ring even when the frame's size is known: given that size,
     * zstd returns just room for the frame, which its own streaming decoder
     * then never wraps; the wrap rule below (a block must fit, or back to
     * the start) is safe only with a window and a block of room */
    size_t need = ZSTD_decodingBufferSize_min(fh.windowSize, ZSTD_CONTENTSIZE_UNKNOWN);
    if (ZSTD_isError(need)) return zr_corrupt(r, need, err);
    /* the streaming decoder's own rule: a block starts where blockSizeMax fits */
    r->zr_bsmax = fh.blockSizeMax;
    if (r->ring && r->ring_cap >= need) return NEARDUP_OK;
    char *ring = nd_map_alloc(need);
    if (!ring) return nd_fail(err, NEARDUP_E_NOMEM, "%s: out of memory for a zstd window of %llu bytes",
                              r->in[r->cur].path, (unsigned long long)fh.windowSize);
    nd_map_free(r->ring_old, r->ring_old_cap);
    r->ring_old = r->ring, r->ring_old_cap = r->ring_cap; /* the caller may still read it */
    r->ring = ring, r->ring_cap = need, r->ring_wp = 0;
    return NEARDUP_OK;
}

int nd_rd_zring_block(nd_reader *r, char **out, size_t *got, nd_error *err)
{
    *got = 0;
    if (r->ring_old) { /* the caller has moved what it kept of it */
        nd_map_free(r->ring_old, r->ring_old_cap);
        r->ring_old = NULL;
    }
    for (;;) {
        int eof, rc;
        const void *src = NULL;
        if (!r->zr_in_frame) { /* a frame boundary: the input may end here (not before its first frame) */
            if (r->raw_pos == r->raw_len) {
                r->raw_pos = 0;
                if ((rc = nd_rd_read_raw(r, r->raw, RAW_CAP, &r->raw_len, err))) return rc;
                if (r->raw_len == 0) {
                    if (!r->zr_frames) return truncated(r, "zstd", err);
                    if (r->dspooling) spool_decoded(r, NULL, 0);
                    return NEARDUP_OK;
                }
            }
            size_t br = ZSTD_decompressBegin(r->zd);
            if (ZSTD_isError(br)) return zr_corrupt(r, br, err);
            r->zr_in_frame = 1;
            r->zr_frames++;
            r->zhdr_len = 0;
        }
        size_t n = ZSTD_nextSrcSizeToDecompress(r->zd);
        if (n == 0) { /* the frame is complete (its checksum checked) */
            r->zr_in_frame = 0;
            continue;
        }
        ZSTD_nextInputType_e type = ZSTD_nextInputType(r->zd);
        if ((rc = zr_input(r, n, &src, &eof, err))) return rc;
        if (eof) return truncated(r, "zstd", err);
        if (type == ZSTDnit_frameHeader && r->zhdr_len + n <= sizeof r->zhdr) {
            memcpy(r->zhdr + r->zhdr_len, src, n);
            r->zhdr_len += n;
        }
        char *dst = NULL;
        size_t cap = 0;
        if (type == ZSTDnit_block || type == ZSTDnit_lastBlock) {
            if (nd_rd_zring_wraps(r)) r->ring_wp = 0;
            dst = r->ring + r->ring_wp;
            cap = r->ring_cap - r->ring_wp;
        }
        size_t k = ZSTD_decompressContinue(r->zd, dst, cap, src, n);
        if (ZSTD_isError(k)) return zr_corrupt(r, k, err);
        if (type == ZSTDnit_skippableFrame) { /* its header read: the content is skipped here */
            if ((rc = zr_skip(r, ZSTD_nextSrcSizeToDecompress(r->zd), err))) return rc;
            r->zr_in_frame = 0;
            continue;
        }
        if (type == ZSTDnit_frameHeader && ZSTD_nextInputType(r->zd) == ZSTDnit_blockHeader &&
            (rc = zr_ring(r, err)))
            return rc;
        if (k == 0) continue; /* a header, an empty block */
        *out = dst;
        *got = k;
        r->ring_wp += k;
        if (r->dspooling) spool_decoded(r, dst, k);
        return NEARDUP_OK;
    }
}

void nd_reader_spool_decoded(nd_reader *r, int on) { r->spool_decoded = on; }

void nd_reader_give_back(nd_reader *r, int on) { r->give_back = on; }
