#define _GNU_SOURCE /* fallocate */
/* corpus.c - inputs -> raw records (JSONL lines or whole plain files), batched.
 *
 * Rules (also in the README):
 *  - Inputs keep their command-line order.  A directory is walked recursively
 *    and its regular files are taken in byte-wise sorted full-path order
 *    (strcmp), so the order never depends on the file system.  Hidden files
 *    are included.  Symlinks inside directories are followed when
 *    follow_symlinks is set (a loop back to a directory on the current path
 *    is an error naming it); when it is not set they are not read.  Anything
 *    else that is not a regular file (fifo, socket, device) inside a
 *    directory is an error naming it: nothing is skipped silently.
 *  - Names ending in .jsonl / .ndjson, optionally followed by .gz / .zst, are
 *    JSONL (case-insensitive).  .gz / .zst of anything else is one compressed
 *    plain file; everything else is one plain file.  "-" is standard input,
 *    always read as uncompressed JSONL.
 *  - A JSONL record is one line without its "\n" and a trailing "\r".  Lines
 *    holding only JSON whitespace (space, tab, CR) are not records, but they
 *    count in line numbers, so a line number is the one an editor shows.
 *  - Standard input and other non-regular inputs named on the command line
 *    (fifos such as <(zcat x)) are copied, as read, to an unlinked temporary
 *    file in $TMPDIR (or /tmp), so nd_reader_rewind can read them again.
 *  - Truncated or corrupt gzip / zstd streams are errors naming the file.
 *
 * The input list (arguments, walks, formats by name) is corpus_inputs.c;
 * this file reads the inputs' bytes into records.  After an error the
 * reader can only be freed. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "corpus_reader.h"
#include "nd.h"
#include "reader.h"
#include "record.h"
#include "warc.h"

/* ---------- opening, raw reading, spooling ---------- */

static void close_input(nd_reader *r)
{
    if (r->open && r->own_fd) close(r->fd);
    r->open = r->own_fd = r->spooling = 0;
    r->fd = -1;
}

void nd_reader_free(nd_reader *r)
{
    if (!r) return;
    close_input(r);
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
static int open_fd(nd_reader *r, nd_error *err)
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

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* read() of up to cap bytes of the current input; *got = 0 at its end. */
static int read_raw(nd_reader *r, void *dst, size_t cap, size_t *got, nd_error *err)
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
    if (r->spooling && k > 0 && write_all(in->spool_fd, dst, (size_t)k))
        return nd_fail(err, NEARDUP_E_IO, "%s: cannot write its temporary copy: %s", in->path,
                       strerror(errno));
    return NEARDUP_OK;
}

static int open_input(nd_reader *r, nd_error *err)
{
    int rc = open_fd(r, err);
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
    int rc = read_raw(r, r->raw, RAW_CAP, &r->raw_len, err);
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
static int decode(nd_reader *r, char *dst, size_t cap, size_t *got, nd_error *err)
{
    int rc;
    switch (r->comp) {
    case COMP_GZ: rc = decode_gz(r, dst, cap, got, err); break;
    case COMP_ZST: rc = decode_zst(r, dst, cap, got, err); break;
    default: return read_raw(r, dst, cap, got, err);
    }
    if (rc || !r->dspooling) return rc;
    nd_input *in = &r->in[r->cur];
    if (*got == 0) { /* the whole stream decoded cleanly: rewind reads the copy */
        in->dspooled = 1;
        r->dspooling = 0;
    } else if (write_all(in->dspool_fd, dst, *got)) {
        /* No room for the copy: rewind will decompress again instead. */
        r->dspooling = 0;
        (void)!ftruncate(in->dspool_fd, 0); /* give the space back; failure changes nothing */
    }
    return NEARDUP_OK;
}

void nd_reader_spool_decoded(nd_reader *r, int on) { r->spool_decoded = on; }

void nd_reader_give_back(nd_reader *r, int on) { r->give_back = on; }

/* ---------- records ---------- */

static int append(nd_reader *r, nd_batch *b, const char *p, size_t len, nd_error *err)
{
    if (nd_grow((void **)&b->rec, &b->cap_rec, b->n + 1, sizeof *b->rec) ||
        nd_map_grow((void **)&b->buf, &b->cap, b->len + len + 1 + ND_RECORD_PAD, 1))
        return nd_fail(err, NEARDUP_E_NOMEM, "%s:%llu: out of memory for a record of %zu bytes",
                       r->in[r->cur].path, (unsigned long long)r->line, len);
    memcpy(b->buf + b->len, p, len);
    b->rec[b->n++] = (nd_raw_record){b->len, len, (uint32_t)r->cur, 1, r->line, ND_FORMAT_JSONL, 0};
    /* each line keeps a "\n" after it (not counted in its len), so records
     * that follow each other are one range: dedup writes runs of them whole */
    b->buf[b->len + len] = '\n';
    b->len += len + 1;
    return NEARDUP_OK;
}

/* Decodes more JSONL bytes into pend, keeping [pos, end). */
static int fill_pending(nd_reader *r, nd_error *err)
{
    if (r->pos > 0) {
        memmove(r->pend, r->pend + r->pos, r->end - r->pos);
        r->boff += r->pos;
        r->end -= r->pos;
        r->scan -= r->pos;
        r->pos = 0;
    }
    size_t want = r->end + RAW_CAP > PEND_MIN ? r->end + RAW_CAP : PEND_MIN;
    if (nd_map_grow((void **)&r->pend, &r->pcap, want, 1))
        return nd_fail(err, NEARDUP_E_NOMEM, "%s:%llu: out of memory for a line of over %zu bytes",
                       r->in[r->cur].path, (unsigned long long)r->line + 1, r->end);
    size_t got;
    int rc = decode(r, r->pend + r->end, r->pcap - r->end, &got, err);
    r->end += got;
    if (!rc && got == 0) r->dec_eof = 1;
    return rc;
}

static int blank(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r') return 0;
    return 1;
}

/* Appends the next non-blank line of the current JSONL input; *more = 0 at its end. */
static int jsonl_next(nd_reader *r, nd_batch *b, int *more, nd_error *err)
{
    for (;;) {
        char *nl = r->scan < r->end ? memchr(r->pend + r->scan, '\n', r->end - r->scan) : NULL;
        size_t stop;
        if (nl) {
            stop = (size_t)(nl - r->pend);
        } else if (!r->dec_eof) {
            r->scan = r->end;
            int rc = fill_pending(r, err);
            if (rc) return rc;
            continue;
        } else if (r->pos == r->end) {
            *more = 0;
            return NEARDUP_OK;
        } else {
            stop = r->end; /* a last line without "\n" */
        }
        size_t start = r->pos, len = stop - start;
        nd_input *in = &r->in[r->cur];
        if (in->limited && !r->skip_partial && r->boff + start > in->hi) {
            *more = 0; /* this line starts past the share: the next share's */
            return NEARDUP_OK;
        }
        r->pos = r->scan = nl ? stop + 1 : stop;
        r->line++;
        if (r->skip_partial) {
            r->skip_partial = 0;
            continue;
        }
        if (len && r->pend[start + len - 1] == '\r') len--;
        /* a UTF-8 byte order mark opening a file is not part of its first
         * record: dedup copied it into the middle of its output (every
         * input's first line after the first), and jansson refused it */
        if (r->line == 1 && len >= 3 && !memcmp(r->pend + start, "\xef\xbb\xbf", 3)) start += 3, len -= 3;
        if (blank(r->pend + start, len)) continue;
        *more = 1;
        return append(r, b, r->pend + start, len, err);
    }
}

/* Appends the whole current plain file as one record, decoding straight into b. */
static int plain_next(nd_reader *r, nd_batch *b, int *more, nd_error *err)
{
    *more = !r->done;
    if (r->done) return NEARDUP_OK;
    struct stat st;
    size_t hint = fstat(r->fd, &st) == 0 && S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 0;
    if (r->in[r->cur].comp != COMP_NONE || hint < 65536) hint = 65536;
    size_t start = b->len;
    if (r->end > r->pos) { /* bytes read ahead to tell the format (sniff) */
        if (nd_map_grow((void **)&b->buf, &b->cap, b->len + (r->end - r->pos) + hint, 1))
            return nd_fail(err, NEARDUP_E_NOMEM, "%s: out of memory reading it", r->in[r->cur].path);
        memcpy(b->buf + b->len, r->pend + r->pos, r->end - r->pos);
        b->len += r->end - r->pos;
        r->pos = r->end;
    }
    for (;;) {
        if (nd_map_grow((void **)&b->buf, &b->cap, b->len + hint, 1) ||
            nd_grow((void **)&b->rec, &b->cap_rec, b->n + 1, sizeof *b->rec))
            return nd_fail(err, NEARDUP_E_NOMEM, "%s: out of memory reading it", r->in[r->cur].path);
        size_t got;
        int rc = decode(r, b->buf + b->len, b->cap - b->len, &got, err);
        if (rc) return rc;
        if (got == 0) break;
        b->len += got;
    }
    b->rec[b->n++] = (nd_raw_record){start, b->len - start, (uint32_t)r->cur, 0, 0,
                                     r->fmt == ND_FORMAT_HTML ? ND_FORMAT_HTML : ND_FORMAT_TEXT, 0};
    r->done = 1;
    return NEARDUP_OK;
}

/* Records a batch holds at most, whatever target says: a consumer's
 * per-record arrays (a 512-byte signature, band keys...) are sized by the
 * records of a batch, and 1 MiB of one-word records is 30,000 of them: 20 MB
 * a pipeline slot to map and clear, the larger part of sketching them. */
#define ND_BATCH_MAX_RECORDS 4096

/* ---------- formats by content, WARC records ---------- */

/* Whether s[0..n) starts (after a BOM and blanks) with prefix, any case. */
static int starts_with_ci(const char *s, size_t n, const char *prefix)
{
    size_t i = 0, k = strlen(prefix);
    if (n >= 3 && !memcmp(s, "\xef\xbb\xbf", 3)) i = 3;
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) i++;
    return n - i >= k && !strncasecmp(s + i, prefix, k);
}

/* Decides the format of an input whose name did not, from its first bytes
 * (read into pend, where the record readers then find them): "WARC/1." is
 * WARC; "<!doctype html", "<html" or an HTML comment first is HTML; a .json
 * file whose first line is an object is JSONL (and one that is not is an
 * error: a JSON document is not a corpus); anything else is text. */
static int sniff(nd_reader *r, nd_error *err)
{
    nd_input *in = &r->in[r->cur];
    while (!r->dec_eof && r->end - r->pos < 4096) {
        int rc = fill_pending(r, err);
        if (rc) return rc;
    }
    const char *s = r->pend + r->pos;
    size_t n = r->end - r->pos;
    if (in->json) {
        size_t i = 0;
        while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) i++;
        const char *nl = i < n ? memchr(s + i, '\n', n - i) : NULL;
        size_t e = nl ? (size_t)(nl - s) : n;
        while (e > i && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r')) e--;
        if (i < n && s[i] == '{' && e > i + 1 && s[e - 1] == '}') r->fmt = ND_FORMAT_JSONL;
        else if (i == n) r->fmt = ND_FORMAT_JSONL; /* empty: no records */
        else
            return nd_fail(err, NEARDUP_E_INPUT, "%s: a .json file whose first line is not a JSON object: neardup "
                           "reads JSON Lines (one object a line; jq -c '.[]' makes them from an array), or "
                           "give --input-format text", in->path);
    } else if (n >= 7 && !memcmp(s, "WARC/1.", 7)) {
        r->fmt = ND_FORMAT_WARC;
    } else if (starts_with_ci(s, n, "<!doctype html") || starts_with_ci(s, n, "<html") || starts_with_ci(s, n, "<!--")) {
        r->fmt = ND_FORMAT_HTML;
    } else {
        r->fmt = ND_FORMAT_TEXT;
    }
    return NEARDUP_OK;
}

static void count_other(nd_reader *r, const char *why)
{
    r->other_n++;
    for (size_t i = 0; i < r->nother; i++)
        if (!strcmp(r->other[i].why, why)) {
            r->other[i].n++;
            return;
        }
    if (r->nother < 8) {
        snprintf(r->other[r->nother].why, sizeof r->other[0].why, "%s", why);
        r->other[r->nother++].n = 1;
    }
}

/* Waits until pend holds need bytes from pos (or the input ends). */
static int pend_need(nd_reader *r, size_t need, nd_error *err)
{
    while (r->end - r->pos < need && !r->dec_eof) {
        int rc = fill_pending(r, err);
        if (rc) return rc;
    }
    return NEARDUP_OK;
}

/* Appends the next WARC record that is a document; records that are not
 * (warcinfo, request, metadata, non-HTML responses) are counted, not
 * handed out.  Every framing error names the record and its byte offset. */
static int warc_next(nd_reader *r, nd_batch *b, int *more, nd_error *err)
{
    const char *path = r->in[r->cur].path;
    const char *dec = r->comp != COMP_NONE ? " (decompressed)" : "";
    for (;;) {
        int rc = pend_need(r, 1, err);
        if (rc) return rc;
        if (r->pos == r->end) {
            *more = 0;
            return NEARDUP_OK;
        }
        unsigned long long at = (unsigned long long)(r->boff + r->pos), rno = (unsigned long long)r->line + 1;
        nd_warc_frame f;
        char why[128];
        int h;
        size_t want = 512;
        while ((h = nd_warc_header(r->pend + r->pos, r->end - r->pos, &f, why, sizeof why)) == 0) {
            if (r->dec_eof)
                return nd_fail(err, NEARDUP_E_INPUT, "%s: WARC record %llu at byte %llu%s: truncated record header "
                               "(the file ends inside it)", path, rno, at, dec);
            want = r->end - r->pos + 4096;
            if ((rc = pend_need(r, want, err))) return rc;
        }
        if (h < 0)
            return nd_fail(err, NEARDUP_E_INPUT, "%s: WARC record %llu at byte %llu%s: %s", path, rno, at, dec, why);
        if (f.content_length > UINT32_MAX)
            return nd_fail(err, NEARDUP_E_INPUT, "%s: WARC record %llu at byte %llu%s: Content-Length %llu is over "
                           "the 4 GiB limit of one document", path, rno, at, dec, (unsigned long long)f.content_length);
        size_t total = f.header_len + (size_t)f.content_length;
        if ((rc = pend_need(r, total + 4, err))) return rc;
        size_t have = r->end - r->pos;
        if (have < total)
            return nd_fail(err, NEARDUP_E_INPUT, "%s: WARC record %llu at byte %llu%s: truncated: Content-Length "
                           "says %llu bytes of block, the file ends after %zu", path, rno, at, dec,
                           (unsigned long long)f.content_length, have - f.header_len);
        const char *end = r->pend + r->pos + total;
        if (have < total + 4 || memcmp(end, "\r\n\r\n", 4))
            return nd_fail(err, NEARDUP_E_INPUT, "%s: WARC record %llu at byte %llu%s: wrong Content-Length %llu: "
                           "the block is not followed by CR LF CR LF at byte %llu", path, rno, at, dec,
                           (unsigned long long)f.content_length, at + (unsigned long long)total);
        r->line++;
        const char *rec = r->pend + r->pos;
        nd_warc_classify(rec, rec + f.header_len, (size_t)f.content_length, &f);
        r->pos += total + 4;
        r->scan = r->pos;
        if (f.kind == ND_WARC_SKIP) {
            count_other(r, f.why);
            continue;
        }
        if ((rc = append(r, b, rec, total, err))) return rc;
        nd_raw_record *rr = &b->rec[b->n - 1];
        rr->jsonl = 0;
        rr->format = ND_FORMAT_WARC;
        rr->offset = at;
        *more = 1;
        return NEARDUP_OK;
    }
}

size_t nd_reader_other_records(const nd_reader *r, uint64_t *total, char *note, size_t cap)
{
    size_t k = 0;
    *total = r->other_n;
    if (cap) note[0] = 0;
    for (size_t i = 0; i < r->nother && k < cap; i++)
        k += (size_t)snprintf(note + k, cap - k, "%s%llu %s", i ? ", " : "", (unsigned long long)r->other[i].n,
                              r->other[i].why);
    return r->nother;
}

int nd_reader_next(nd_reader *r, nd_batch *b, size_t target, nd_error *err)
{
    b->len = b->n = 0;
    b->first_doc = r->ndoc;
    while (r->cur < r->n && (b->n == 0 || (b->len < target && b->n < ND_BATCH_MAX_RECORDS))) {
        if (r->in[r->cur].excluded) {
            r->cur++;
            continue;
        }
        int opened = !r->open, more = 0;
        int rc = r->open ? NEARDUP_OK : open_input(r, err);
        if (!rc && opened && r->fmt == ND_FORMAT_AUTO) rc = sniff(r, err);
        if (!rc)
            rc = r->fmt == ND_FORMAT_DOC   ? nd_reader_docs_next(r, b, target, &more, err)
               : r->fmt == ND_FORMAT_JSONL ? jsonl_next(r, b, &more, err)
               : r->fmt == ND_FORMAT_WARC  ? warc_next(r, b, &more, err)
                                           : plain_next(r, b, &more, err);
        if (rc) return -rc;
        if (!more) {
            close_input(r);
            r->cur++;
        }
    }
    r->ndoc += b->n;
    return b->n > 0;
}

/* Copies the rest of stream input i to its spool. */
static int drain(nd_reader *r, size_t i, nd_error *err)
{
    if (!(r->open && r->cur == i)) {
        close_input(r);
        r->cur = i;
        int rc = open_fd(r, err);
        if (rc) return rc;
    }
    size_t got = 1;
    while (got) {
        int rc = read_raw(r, r->raw, RAW_CAP, &got, err);
        if (rc) return rc;
    }
    close_input(r);
    return NEARDUP_OK;
}

int nd_reader_rewind(nd_reader *r, nd_error *err)
{
    for (size_t i = 0; i < r->n; i++) {
        if (!r->in[i].stream || r->in[i].spooled || r->in[i].excluded) continue;
        int rc = drain(r, i, err);
        if (rc) return rc;
    }
    close_input(r);
    r->cur = 0;
    r->ndoc = 0;
    return NEARDUP_OK;
}

size_t nd_reader_count(const nd_reader *r) { return r->n; }

size_t nd_reader_arg_files(const nd_reader *r, size_t nargs)
{
    size_t n = 0;
    while (n < r->n && r->in[n].arg < nargs) n++;
    return n;
}

void nd_batch_free(nd_batch *b)
{
    if (!b) return;
    nd_map_free(b->buf, b->cap);
    free(b->rec);
    memset(b, 0, sizeof *b);
}
