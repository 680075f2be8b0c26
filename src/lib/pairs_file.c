/* pairs_file.c - a file of document pairs to align (`align --pairs`): read,
 * checked line by line, and resolved to record indexes of a corpus.
 *
 * Two formats, told apart by the first line that is not blank: TSV (`a<TAB>b`
 * a line, further columns ignored, such as the jaccard of `pairs --format
 * tsv`; a first line "a<TAB>b..." is a header) or the JSONL that `pairs` and
 * `overlap` write (an object a line with string fields "a" and "b"; other
 * fields ignored).  Blank lines are skipped but counted, so every error
 * names file:line. */
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

int nd_pairs_file_read(const char *path, const char *label, nd_pair_list *l, nd_error *err)
{
    memset(l, 0, sizeof *l);
    int is_stdin = !strcmp(path, "-");
    FILE *f = is_stdin ? stdin : fopen(path, "r");
    if (!f) /* a missing or unreadable pairs file is bad input, as a missing INPUT is */
        return nd_fail(err, errno == ENOENT || errno == ENOTDIR || errno == EACCES ? NEARDUP_E_INPUT : NEARDUP_E_IO,
                       "cannot open %s: %s", path, strerror(errno));
    nd_record_opts ro = {.id_field = "a", .text_field = "b"};
    nd_record_parser *rp = nd_record_parser_create(&ro);
    int rc = rp ? NEARDUP_OK : nd_fail(err, NEARDUP_E_NOMEM, "out of memory reading %s", label);
    char *s = NULL;
    size_t cap = 0;
    ssize_t got;
    uint64_t line = 0;
    int format = 0; /* 0 undecided, 1 TSV, 2 JSONL */
    while (!rc && (got = getline(&s, &cap, f)) >= 0) {
        line++;
        size_t n = (size_t)got;
        if (n && s[n - 1] == '\n') s[--n] = 0;
        size_t sp = strspn(s, " \t\r");
        if (sp == n) continue; /* blank */
        int first = !format;
        if (!format) format = s[sp] == '{' ? 2 : 1;
        if (format == 1) {
            rc = tsv_line(l, s, n, line, first, label, err);
            continue;
        }
        nd_raw_record rec = {0, n, 0, 1, line, ND_FORMAT_JSONL, 0};
        nd_doc d;
        if ((rc = nd_record_parse(rp, &rec, s, label, &d, err))) break;
        rc = add_pair(l, d.id, d.id_len, d.text, d.text_len, line, label, err);
    }
    if (!rc && ferror(f)) rc = nd_fail(err, NEARDUP_E_IO, "cannot read %s: %s", label, strerror(errno));
    free(s);
    nd_record_parser_free(rp);
    if (!is_stdin) fclose(f);
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
        if (!rc) p[i] = (nd_anchor_pair){d[0], d[1], 0};
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
        if (!rc) p[i] = (nd_anchor_pair){d[0], d[1], 0};
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
