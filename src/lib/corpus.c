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
 * opening, raw reading and decoding corpus_decode.c; this file turns the
 * decoded bytes into records.  After an error the
 * reader can only be freed. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "corpus_reader.h"
#include "nd.h"
#include "reader.h"
#include "record.h"
#include "warc.h"

/* ---------- records ---------- */

/* Room for need bytes in a batch's buffer, in 4 KiB pages: a batch of about
 * 1 MiB in a 2 MiB page mapped (and had the system clear) a whole fresh page
 * for each pipeline slot, twice what it holds; fresh pages cost about 1 ms
 * a MB on the VMs measured. */
static int grow_buf(nd_batch *b, size_t need)
{
    size_t had = b->cap;
    if (nd_map_grow((void **)&b->buf, &b->cap, need, 1)) return -1;
#ifdef MADV_NOHUGEPAGE
    if (b->cap != had) (void)madvise(b->buf, b->cap, MADV_NOHUGEPAGE); /* a hint */
#endif
    return 0;
}

static int append(nd_reader *r, nd_batch *b, const char *p, size_t len, nd_error *err)
{
    if (nd_grow((void **)&b->rec, &b->cap_rec, b->n + 1, sizeof *b->rec) ||
        grow_buf(b, b->len + len + 1 + ND_RECORD_PAD))
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
    int rc = nd_rd_decode(r, r->pend + r->end, r->pcap - r->end, &got, err);
    r->end += got;
    if (!rc && got == 0) r->dec_eof = 1;
    return rc;
}

/* zr_on: [pos, end) moves to pend, with room for extra bytes more. */
static int to_pend(nd_reader *r, size_t extra, nd_error *err)
{
    size_t keep = r->end - r->pos;
    if (nd_map_grow((void **)&r->pend, &r->pcap, keep + extra, 1))
        return nd_fail(err, NEARDUP_E_NOMEM, "%s:%llu: out of memory for a line of over %zu bytes",
                       r->in[r->cur].path, (unsigned long long)r->line + 1, keep);
    memmove(r->pend, r->lb + r->pos, keep);
    r->scan -= r->pos;
    r->end = keep;
    r->pos = 0;
    r->lb = r->pend;
    return NEARDUP_OK;
}

/* zr_on: the next block after [pos, end).  Lines are read where zstd
 * decoded them, in the ring; only a line that the ring's wrap (or a larger
 * frame's new ring) cuts in two is put together in pend. */
static int fill_ring(nd_reader *r, nd_error *err)
{
    int rc;
    if (r->lb != r->pend && r->pos < r->end && nd_rd_zring_wraps(r) && (rc = to_pend(r, 0, err)))
        return rc; /* the next block goes over the ring's start */
    int in_ring = r->lb != r->pend;
    char *blk;
    size_t got;
    if ((rc = nd_rd_zring_block(r, &blk, &got, err))) return rc;
    if (got == 0) {
        r->dec_eof = 1;
        return NEARDUP_OK;
    }
    if (r->pos == r->end) { /* nothing kept: on in the ring */
        r->lb = blk;
        r->pos = r->scan = 0;
        r->end = got;
        return NEARDUP_OK;
    }
    if (in_ring && blk == r->lb + r->end) {
        r->end += got;
        return NEARDUP_OK;
    }
    if (in_ring && (rc = to_pend(r, got, err))) return rc; /* the old ring is readable until the next block */
    if (nd_map_grow((void **)&r->pend, &r->pcap, r->end + got, 1))
        return nd_fail(err, NEARDUP_E_NOMEM, "%s:%llu: out of memory for a line of over %zu bytes",
                       r->in[r->cur].path, (unsigned long long)r->line + 1, r->end);
    memcpy(r->pend + r->end, blk, got);
    r->end += got;
    r->lb = r->pend;
    r->zr_last = blk;
    r->zr_last_len = got;
    return NEARDUP_OK;
}

/* zr_on, after a line taken from pend: what is left of it is the end of the
 * last block, so reading goes back to the ring. */
static void back_to_ring(nd_reader *r)
{
    size_t keep = r->end - r->pos;
    if (r->lb != r->pend || !r->zr_last || keep > r->zr_last_len) return;
    r->lb = r->zr_last + r->zr_last_len - keep;
    r->scan -= r->pos;
    r->end = keep;
    r->pos = 0;
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
        char *base = r->zr_on ? r->lb : r->pend;
        char *nl = r->scan < r->end ? memchr(base + r->scan, '\n', r->end - r->scan) : NULL;
        size_t stop;
        if (nl) {
            stop = (size_t)(nl - base);
        } else if (!r->dec_eof) {
            r->scan = r->end;
            int rc = r->zr_on ? fill_ring(r, err) : fill_pending(r, err);
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
        if (len && base[start + len - 1] == '\r') len--;
        /* a UTF-8 byte order mark opening a file is not part of its first
         * record: dedup copied it into the middle of its output (every
         * input's first line after the first), and jansson refused it */
        if (r->line == 1 && len >= 3 && !memcmp(base + start, "\xef\xbb\xbf", 3)) start += 3, len -= 3;
        int skip = blank(base + start, len);
        int rc = skip ? NEARDUP_OK : append(r, b, base + start, len, err);
        if (r->zr_on) back_to_ring(r);
        if (skip) continue;
        *more = 1;
        return rc;
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
        int rc = nd_rd_decode(r, b->buf + b->len, b->cap - b->len, &got, err);
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
        int rc = r->open ? NEARDUP_OK : nd_rd_open_input(r, err);
        if (!rc && opened && r->fmt == ND_FORMAT_AUTO) rc = sniff(r, err);
        if (!rc)
            rc = r->fmt == ND_FORMAT_DOC   ? nd_reader_docs_next(r, b, target, &more, err)
               : r->fmt == ND_FORMAT_JSONL ? jsonl_next(r, b, &more, err)
               : r->fmt == ND_FORMAT_WARC  ? warc_next(r, b, &more, err)
                                           : plain_next(r, b, &more, err);
        if (rc) return -rc;
        if (!more) {
            nd_rd_close_input(r);
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
        nd_rd_close_input(r);
        r->cur = i;
        int rc = nd_rd_open_fd(r, err);
        if (rc) return rc;
    }
    size_t got = 1;
    while (got) {
        int rc = nd_rd_read_raw(r, r->raw, RAW_CAP, &got, err);
        if (rc) return rc;
    }
    nd_rd_close_input(r);
    return NEARDUP_OK;
}

int nd_reader_rewind(nd_reader *r, nd_error *err)
{
    for (size_t i = 0; i < r->n; i++) {
        if (!r->in[i].stream || r->in[i].spooled || r->in[i].excluded) continue;
        int rc = drain(r, i, err);
        if (rc) return rc;
    }
    nd_rd_close_input(r);
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
