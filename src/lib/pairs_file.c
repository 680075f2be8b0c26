/* pairs_file.c - a file of document pairs to align (`align --pairs`): read,
 * checked line by line, and resolved to record indexes of a corpus.
 *
 * Three formats, told apart by the first line that is not blank: TSV
 * (`a<TAB>b` a line, further columns ignored, such as the jaccard of `pairs
 * --format tsv`; a first line "a<TAB>b..." is a header), CSV (`a,b` with
 * RFC 4180 quoting, as `pairs --format csv` writes; a first line "a,b,..."
 * is a header) or the JSONL that `pairs` and `overlap` write (an object a
 * line with string fields "a" and "b"; other fields ignored).  The file may
 * be compressed (.gz, .zst: read by the corpus reader).  Blank lines are
 * skipped but counted, so every error names file:line. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pairs_file.h"
#include "reader.h"
#include "record.h"

void nd_pair_list_free(nd_pair_list *l)
{
    free(l->p);
    free(l->buf);
    memset(l, 0, sizeof *l);
}

/* Appends the id s[0, n) to l's buffer; returns its offset, or -1. */
static long put_id(nd_pair_list *l, const char *s, size_t n)
{
    if (nd_grow((void **)&l->buf, &l->buf_cap, l->buf_len + n + 1, 1)) return -1;
    long at = (long)l->buf_len;
    memcpy(l->buf + l->buf_len, s, n);
    l->buf[l->buf_len + n] = 0;
    l->buf_len += n + 1;
    return at;
}

static int add_pair(nd_pair_list *l, const char *a, size_t na, const char *b, size_t nb, uint64_t line,
                    const char *path, nd_error *err)
{
    if (!na || !nb)
        return nd_fail(err, NEARDUP_E_INPUT, "%s:%llu: an empty id", path, (unsigned long long)line);
    if (memchr(a, 0, na) || memchr(b, 0, nb))
        return nd_fail(err, NEARDUP_E_INPUT, "%s:%llu: an id holds a NUL character", path, (unsigned long long)line);
    long oa = put_id(l, a, na), ob = oa >= 0 ? put_id(l, b, nb) : -1;
    if (ob < 0 || nd_grow((void **)&l->p, &l->cap, l->n + 1, sizeof *l->p))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory reading %s", path);
    l->p[l->n++] = (nd_id_pair){(size_t)oa, (size_t)ob, line};
    return NEARDUP_OK;
}

/* One TSV line (without its newline): two ids, or the header. */
static int tsv_line(nd_pair_list *l, char *s, size_t n, uint64_t line, int first, const char *path, nd_error *err)
{
    if (n && s[n - 1] == '\r') n--; /* a file written on Windows */
    char *tab = memchr(s, '\t', n);
    if (!tab)
        return nd_fail(err, NEARDUP_E_INPUT, "%s:%llu: expected two ids separated by a tab (a<TAB>b), or a JSON "
                       "object with \"a\" and \"b\"", path, (unsigned long long)line);
    size_t na = (size_t)(tab - s);
    char *b = tab + 1, *end = memchr(b, '\t', n - na - 1);
    size_t nb = end ? (size_t)(end - b) : n - na - 1;
    if (first && na == 1 && s[0] == 'a' && nb == 1 && b[0] == 'b') return NEARDUP_OK; /* the header */
    return add_pair(l, s, na, b, nb, line, path, err);
}

/* One CSV field at s[*at, n) (RFC 4180: quoted with "" for a quote, as
 * `pairs --format csv` writes ids), unquoted into l's buffer; its offset,
 * or -1 with err set.  *at moves past the field and its comma. */
static long csv_field(nd_pair_list *l, const char *s, size_t n, size_t *at, uint64_t line, const char *path,
                      nd_error *err)
{
    size_t i = *at;
    if (nd_grow((void **)&l->buf, &l->buf_cap, l->buf_len + (n - i) + 1, 1)) {
        nd_fail(err, NEARDUP_E_NOMEM, "out of memory reading %s", path);
        return -1;
    }
    long start = (long)l->buf_len;
    if (i < n && s[i] == '"') {
        for (i++;; i++) {
            if (i >= n) {
                nd_fail(err, NEARDUP_E_INPUT, "%s:%llu: a quoted id is not closed on its line", path,
                        (unsigned long long)line);
                return -1;
            }
            if (s[i] == '"' && i + 1 < n && s[i + 1] == '"') l->buf[l->buf_len++] = s[i++];
            else if (s[i] == '"') break;
            else l->buf[l->buf_len++] = s[i];
        }
        i++;
        if (i < n && s[i] != ',') {
            nd_fail(err, NEARDUP_E_INPUT, "%s:%llu: text after a quoted id", path, (unsigned long long)line);
            return -1;
        }
    } else {
        while (i < n && s[i] != ',') l->buf[l->buf_len++] = s[i++];
    }
    l->buf[l->buf_len++] = 0;
    *at = i < n ? i + 1 : i;
    return start;
}

/* One CSV line: two ids and further fields (ignored), or the header a,b,... */
static int csv_line(nd_pair_list *l, const char *s, size_t n, uint64_t line, int first, const char *path,
                    nd_error *err)
{
    size_t at = 0, mark = l->buf_len;
    long oa = csv_field(l, s, n, &at, line, path, err);
    if (oa < 0) return err->code;
    if (at == n && (n == 0 || s[n - 1] != ','))
        return nd_fail(err, NEARDUP_E_INPUT, "%s:%llu: expected two comma-separated ids (a,b)", path,
                       (unsigned long long)line);
    long ob = csv_field(l, s, n, &at, line, path, err);
    if (ob < 0) return err->code;
    const char *a = l->buf + oa, *b = l->buf + ob;
    if (first && !strcmp(a, "a") && !strcmp(b, "b")) {
        l->buf_len = mark; /* the header */
        return NEARDUP_OK;
    }
    if (!*a || !*b) return nd_fail(err, NEARDUP_E_INPUT, "%s:%llu: an empty id", path, (unsigned long long)line);
    if (nd_grow((void **)&l->p, &l->cap, l->n + 1, sizeof *l->p))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory reading %s", path);
    l->p[l->n++] = (nd_id_pair){(size_t)oa, (size_t)ob, line};
    return NEARDUP_OK;
}

enum { FMT_UNDECIDED, FMT_TSV, FMT_CSV, FMT_JSONL };

/* The format, from the first line that is not blank. */
static int sniff_format(const char *s, size_t n)
{
    size_t sp = 0;
    while (sp < n && (s[sp] == ' ' || s[sp] == '\t')) sp++;
    if (sp < n && s[sp] == '{') return FMT_JSONL;
    if (memchr(s, '\t', n)) return FMT_TSV;
    return memchr(s, ',', n) ? FMT_CSV : FMT_TSV; /* TSV without a tab: its error says what was expected */
}

int nd_pairs_file_read(const char *path, const char *label, nd_pair_list *l, nd_error *err)
{
    memset(l, 0, sizeof *l);
    struct stat st;
    if (strcmp(path, "-") && !stat(path, &st) && S_ISDIR(st.st_mode))
        return nd_fail(err, NEARDUP_E_INPUT, "%s is a directory, not a pairs file", label);
    /* lines come from the corpus reader: .gz and .zst are decompressed,
     * blank lines skipped but counted, CR and a byte order mark dropped */
    nd_reader_opts ro_read = {0};
    ro_read.input_format = ND_FORMAT_JSONL;
    nd_reader *r = nd_reader_open(&path, 1, &ro_read, err);
    if (!r) return err->code ? err->code : NEARDUP_E_IO;
    nd_record_opts ro = {.id_field = "a", .text_field = "b"};
    nd_record_parser *rp = nd_record_parser_create(&ro);
    int rc = rp ? NEARDUP_OK : nd_fail(err, NEARDUP_E_NOMEM, "out of memory reading %s", label);
    nd_batch batch = {0};
    char *s = NULL;
    size_t cap = 0;
    int format = FMT_UNDECIDED, more;
    while (!rc && (more = nd_reader_next(r, &batch, 1 << 20, err)) != 0) {
        if (more < 0) {
            rc = -more;
            break;
        }
        for (size_t i = 0; !rc && i < batch.n; i++) {
            const nd_raw_record *rec = &batch.rec[i];
            size_t n = rec->len;
            if (nd_grow((void **)&s, &cap, n + 1, 1)) {
                rc = nd_fail(err, NEARDUP_E_NOMEM, "out of memory reading %s", label);
                break;
            }
            memcpy(s, batch.buf + rec->off, n);
            s[n] = 0;
            int first = format == FMT_UNDECIDED;
            if (first) format = sniff_format(s, n);
            if (format == FMT_TSV) {
                rc = tsv_line(l, s, n, rec->line, first, label, err);
            } else if (format == FMT_CSV) {
                rc = csv_line(l, s, n, rec->line, first, label, err);
            } else {
                nd_raw_record one = {0, n, 0, 1, rec->line, ND_FORMAT_JSONL, 0};
                nd_doc d;
                if (!(rc = nd_record_parse(rp, &one, s, label, &d, err)))
                    rc = add_pair(l, d.id, d.id_len, d.text, d.text_len, rec->line, label, err);
            }
        }
    }
    free(s);
    nd_batch_free(&batch);
    nd_record_parser_free(rp);
    nd_reader_free(r);
    if (rc) nd_pair_list_free(l);
    return rc;
}

/* ---------- resolving ids ---------- */

typedef struct {
    const char *id;
    uint32_t rec;
} id_ref;

static int cmp_id_ref(const void *x, const void *y)
{
    const id_ref *p = x, *q = y;
    int c = strcmp(p->id, q->id);
    return c ? c : (p->rec > q->rec) - (p->rec < q->rec);
}

int nd_pairs_resolve(const nd_pair_list *l, const char *label, const nd_corpus_info *ci, const char *inputs,
                     nd_anchor_pair **out, nd_error *err)
{
    *out = NULL;
    size_t n = 0;
    id_ref *ix = malloc((ci->n ? ci->n : 1) * sizeof *ix);
    nd_anchor_pair *p = malloc((l->n ? l->n : 1) * sizeof *p);
    if (!ix || !p) {
        free(ix), free(p);
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory resolving the pairs of %s", label);
    }
    for (uint64_t i = 0; i < ci->n; i++)
        if (!ci->skipped || !ci->skipped[i]) ix[n++] = (id_ref){nd_corpus_id(ci, i), (uint32_t)i};
    qsort(ix, n, sizeof *ix, cmp_id_ref);
    int rc = NEARDUP_OK;
    for (size_t i = 0; i < l->n && !rc; i++) {
        uint32_t d[2];
        for (int k = 0; k < 2 && !rc; k++) {
            id_ref key = {nd_pair_id(l, i, k), 0};
            size_t lo = 0, hi = n; /* the first id >= key */
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (strcmp(ix[mid].id, key.id) < 0) lo = mid + 1;
                else hi = mid;
            }
            if (lo == n || strcmp(ix[lo].id, key.id))
                rc = nd_fail(err, NEARDUP_E_INPUT, "%s:%llu: unknown id \"%.200s\" (no record of %s has it)", label,
                             (unsigned long long)l->p[i].line, key.id, inputs);
            else d[k] = ix[lo].rec;
        }
        if (!rc) p[i] = (nd_anchor_pair){d[0], d[1], 0, 0};
    }
    free(ix);
    if (rc) {
        free(p);
        return rc;
    }
    *out = p;
    return NEARDUP_OK;
}

int nd_pairs_paths(const nd_pair_list *l, const char *label, char ***paths, size_t *npaths, nd_error *err)
{
    *paths = NULL;
    *npaths = 0;
    size_t m = 2 * l->n, u = 0;
    id_ref *all = malloc((m ? m : 1) * sizeof *all);
    char **out = malloc((m ? m : 1) * sizeof *out);
    if (!all || !out) {
        free(all), free(out);
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory reading %s", label);
    }
    /* each distinct path once, in order of first appearance (rec: its position in the file) */
    for (size_t i = 0; i < m; i++) all[i] = (id_ref){nd_pair_id(l, i / 2, (int)(i % 2)), (uint32_t)i};
    qsort(all, m, sizeof *all, cmp_id_ref);
    uint8_t *first = calloc(m ? m : 1, 1);
    if (!first) {
        free(all), free(out);
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory reading %s", label);
    }
    for (size_t i = 0; i < m; i++)
        if (!i || strcmp(all[i].id, all[i - 1].id)) first[all[i].rec] = 1;
    int rc = NEARDUP_OK;
    for (size_t i = 0; i < m && !rc; i++) {
        if (!first[i]) continue;
        const char *path = nd_pair_id(l, i / 2, (int)(i % 2));
        struct stat st;
        if (stat(path, &st))
            rc = nd_fail(err, NEARDUP_E_INPUT, "%s:%llu: cannot read \"%.200s\": %s (with no INPUT, ids are file "
                         "paths)", label, (unsigned long long)l->p[i / 2].line, path, strerror(errno));
        else if (S_ISDIR(st.st_mode))
            rc = nd_fail(err, NEARDUP_E_INPUT, "%s:%llu: \"%.200s\" is a directory (with no INPUT, ids are files of "
                         "one document each)", label, (unsigned long long)l->p[i / 2].line, path);
        else out[u++] = (char *)path;
    }
    free(first);
    free(all);
    if (rc) {
        free(out);
        return rc;
    }
    *paths = out;
    *npaths = u;
    return NEARDUP_OK;
}

int nd_pairs_resolve_paths(const nd_pair_list *l, const char *label, char **paths, size_t npaths,
                           const nd_corpus_info *ci, nd_anchor_pair **out, nd_error *err)
{
    *out = NULL;
    uint64_t *rec = malloc((npaths ? npaths : 1) * sizeof *rec); /* input -> its record, or UINT64_MAX */
    uint32_t *count = calloc(npaths ? npaths : 1, sizeof *count);
    id_ref *ix = malloc((npaths ? npaths : 1) * sizeof *ix);
    nd_anchor_pair *p = malloc((l->n ? l->n : 1) * sizeof *p);
    int rc = rec && count && ix && p ? NEARDUP_OK : nd_fail(err, NEARDUP_E_NOMEM, "out of memory resolving %s", label);
    for (uint64_t i = 0; !rc && i < ci->n; i++)
        if (ci->input[i] < npaths && count[ci->input[i]]++ == 0) rec[ci->input[i]] = i;
    for (size_t i = 0; !rc && i < npaths; i++) ix[i] = (id_ref){paths[i], (uint32_t)i};
    if (!rc) qsort(ix, npaths, sizeof *ix, cmp_id_ref);
    for (size_t i = 0; i < l->n && !rc; i++) {
        uint32_t d[2];
        for (int k = 0; k < 2 && !rc; k++) {
            const char *id = nd_pair_id(l, i, k);
            size_t lo = 0, hi = npaths;
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (strcmp(ix[mid].id, id) < 0) lo = mid + 1;
                else hi = mid;
            }
            uint32_t in = lo < npaths && !strcmp(ix[lo].id, id) ? ix[lo].rec : UINT32_MAX;
            if (in == UINT32_MAX) rc = nd_fail(err, NEARDUP_E_INPUT, "%s:%llu: \"%.200s\" was not read", label,
                                               (unsigned long long)l->p[i].line, id);
            else if (count[in] != 1 || (ci->skipped && ci->skipped[rec[in]]))
                rc = nd_fail(err, NEARDUP_E_INPUT, "%s:%llu: \"%.200s\" holds %u records (with no INPUT, each id is a "
                             "file of one document; give a JSONL corpus as INPUT to pick records by id)", label,
                             (unsigned long long)l->p[i].line, id, count[in]);
            else d[k] = (uint32_t)rec[in];
        }
        if (!rc) p[i] = (nd_anchor_pair){d[0], d[1], 0, 0};
    }
    free(rec);
    free(count);
    free(ix);
    if (rc) {
        free(p);
        return rc;
    }
    *out = p;
    return NEARDUP_OK;
}
