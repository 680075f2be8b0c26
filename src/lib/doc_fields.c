/* doc_fields.c - each document's date and series for `overlap`: JSONL
 * fields read in a second pass over the inputs (the first keeps no field
 * of any record, as dedup --keep's keys), or a plain file's directory.
 *
 * Dates are ISO 8601 (what JSONL exports of news and archives carry); they
 * are ordered as instants, so "2024-05-01T23:00-02:00" comes after
 * "2024-05-02", and kept as written for the output. */
#include <stdlib.h>
#include <string.h>

#include "doc_fields.h"
#include "reader.h"
#include "record.h"

int nd_field_opts_any(const nd_field_opts *fo)
{
    return fo->date_field || fo->series_field || fo->series_from_dir;
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int nd_parse_date(const char *s, int64_t *key)
{
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, mo, d, h = 0, mi = 0, sec = 0;
    if (strlen(s) < 10 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
        digits(s + 8, 2, &d))
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1]) return -1;
    if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))) return -1;
    const char *p = s + 10;
    int64_t off = 0;
    if (*p == 'T' || *p == ' ') {
        if (digits(p + 1, 2, &h) || p[3] != ':' || digits(p + 4, 2, &mi) || h > 23 || mi > 59) return -1;
        p += 6;
        if (*p == ':') {
            if (digits(p + 1, 2, &sec) || sec > 60) return -1;
            p += 3;
            if (*p == '.' || *p == ',') {
                p++;
                if (*p < '0' || *p > '9') return -1;
                while (*p >= '0' && *p <= '9') p++; /* fractions order nothing a second apart */
            }
        }
        if (*p == 'Z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int oh, om;
            if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om) || oh > 23 || om > 59) return -1;
            off = (int64_t)(oh * 60 + om) * 60 * (*p == '+' ? 1 : -1);
            p += 6;
        }
    }
    if (*p) return -1;
    *key = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off;
    return 0;
}

static int grow(nd_doc_fields *f, uint64_t n)
{
    if (n <= f->cap) return 0;
    uint64_t cap = f->cap ? f->cap : 1024;
    while (cap < n) cap *= 2;
    char **d = realloc(f->date, cap * sizeof *d);
    if (d) f->date = d;
    int64_t *k = d ? realloc(f->date_key, cap * sizeof *k) : NULL;
    if (k) f->date_key = k;
    char **so = k ? realloc(f->series_of, cap * sizeof *so) : NULL;
    if (!so) return -1;
    f->series_of = so;
    for (uint64_t i = f->cap; i < cap; i++) f->date[i] = f->series_of[i] = NULL, f->date_key[i] = 0;
    f->cap = cap;
    return 0;
}

/* The directory part of path ("." for a bare name), malloc'ed. */
static char *parent_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return strdup(".");
    if (slash == path) return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

/* One field of a JSONL record into *out; errors name path:line and the record. */
static int read_field(const char *bytes, size_t len, const char *field, const char *opt, const char *path,
                      uint64_t line, const char *id, char **out, nd_error *err)
{
    int rc = nd_json_string_field(bytes, len, field, out);
    if (rc == 1)
        return nd_fail(err, NEARDUP_E_INPUT, "%s:%llu: record \"%s\" has no field \"%s\" (%s %s needs it in every "
                       "record)", path, (unsigned long long)line, id, field, opt, field);
    if (rc == 2)
        return nd_fail(err, NEARDUP_E_INPUT, "%s:%llu: record \"%s\": field \"%s\" is neither a string nor a number "
                       "(%s %s)", path, (unsigned long long)line, id, field, opt, field);
    if (rc == -2) return nd_fail(err, NEARDUP_E_NOMEM, "out of memory reading %s", opt);
    if (rc) return nd_fail(err, NEARDUP_E_INPUT, "%s:%llu: record \"%s\" is not a JSON object", path,
                           (unsigned long long)line, id);
    return NEARDUP_OK;
}

/* Record i of the set (store index base + i): its fields. */
static int record_fields(nd_doc_fields *f, const nd_field_opts *fo, const nd_raw_record *rec, const char *bytes,
                         const char *path, const char *id, uint64_t at, nd_error *err)
{
    if ((fo->date_field || fo->series_field) && !rec->jsonl)
        return nd_fail(err, NEARDUP_E_INPUT, "%s: record \"%s\" is not JSONL: --%s reads a field of JSONL records%s",
                       path, id, fo->date_field ? "date-field" : "series-field",
                       fo->series_field ? " (for plain files: --series-from-dir)" : "");
    int rc = NEARDUP_OK;
    if (fo->date_field) {
        rc = read_field(bytes, rec->len, fo->date_field, "--date-field", path, rec->line, id, &f->date[at], err);
        if (!rc && nd_parse_date(f->date[at], &f->date_key[at]))
            rc = nd_fail(err, NEARDUP_E_INPUT, "%s:%llu: record \"%s\": field \"%s\" is not a date: \"%.64s\" "
                         "(ISO 8601: 2024-05-01, 2024-05-01T09:30:00Z, 2024-05-01 09:30+02:00)", path,
                         (unsigned long long)rec->line, id, fo->date_field, f->date[at]);
    }
    if (!rc && fo->series_field) {
        rc = read_field(bytes, rec->len, fo->series_field, "--series-field", path, rec->line, id, &f->series_of[at],
                        err);
        if (!rc && !f->series_of[at][0])
            rc = nd_fail(err, NEARDUP_E_INPUT, "%s:%llu: record \"%s\": field \"%s\" is empty (--series-field names "
                         "the outlet, site or title of each record)", path, (unsigned long long)rec->line, id,
                         fo->series_field);
    }
    return rc;
}

int nd_doc_fields_read(nd_doc_fields *f, const nd_field_opts *fo, nd_reader *r,
                       const nd_corpus_info *ci, nd_error *err)
{
    uint64_t base = f->n, n = ci->n;
    if (grow(f, base + n)) return nd_fail(err, NEARDUP_E_NOMEM, "out of memory reading dates and series");
    f->n = base + n;
    if (fo->series_from_dir && !fo->series_field)
        for (uint64_t i = 0; i < n; i++) {
            if (ci->skipped && ci->skipped[i]) continue;
            /* a JSONL file's records all lie in one directory: one series */
            if (nd_reader_input_flags(r, ci->input[i]) & ND_INPUT_JSONL)
                return nd_fail(err, NEARDUP_E_USAGE, "%s is JSONL: --series-from-dir takes the series of plain files "
                               "from their directories (for JSONL records: --series-field NAME)",
                               nd_reader_path(r, ci->input[i]));
            if (!(f->series_of[base + i] = parent_dir(nd_reader_path(r, ci->input[i]))))
                return nd_fail(err, NEARDUP_E_NOMEM, "out of memory reading series");
        }
    if (!fo->date_field && !fo->series_field) return NEARDUP_OK;
    nd_batch b = {0};
    int rc = nd_reader_rewind(r, err);
    uint64_t i = 0;
    while (!rc) {
        int got = nd_reader_next(r, &b, 1 << 20, err);
        if (got < 0) rc = err->code ? err->code : -got;
        if (got <= 0) break;
        for (size_t k = 0; !rc && k < b.n; k++, i++) {
            if (i >= n) {
                rc = nd_fail(err, NEARDUP_E_IO, "%s changed while it was being read",
                             nd_reader_path(r, b.rec[k].input));
                break;
            }
            if (ci->skipped && ci->skipped[i]) continue;
            char idt[256];
            nd_id_text(idt, sizeof idt, nd_corpus_id(ci, i), nd_corpus_id_len(ci, i));
            rc = record_fields(f, fo, &b.rec[k], b.buf + b.rec[k].off, nd_reader_path(r, b.rec[k].input), idt,
                               base + i, err);
        }
    }
    if (!rc && i != n)
        rc = nd_fail(err, NEARDUP_E_IO, "the inputs changed while they were being read (%llu records, then %llu)",
                     (unsigned long long)n, (unsigned long long)i);
    nd_batch_free(&b);
    return rc;
}

typedef struct {
    const char *name;
    uint64_t doc;
} named;

static int by_name(const void *x, const void *y)
{
    const named *a = x, *b = y;
    int c = strcmp(a->name, b->name);
    return c ? c : (a->doc > b->doc) - (a->doc < b->doc);
}

typedef struct {
    int64_t key;
    uint64_t doc;
} dated;

static int by_date(const void *x, const void *y)
{
    const dated *a = x, *b = y;
    if (a->key != b->key) return a->key < b->key ? -1 : 1;
    return (a->doc > b->doc) - (a->doc < b->doc);
}

int nd_doc_fields_finish(nd_doc_fields *f, const nd_field_opts *fo)
{
    uint64_t n = f->n;
    f->rank = malloc((n ? n : 1) * sizeof *f->rank);
    dated *dt = malloc((n ? n : 1) * sizeof *dt);
    if (!f->rank || !dt) {
        free(dt);
        return NEARDUP_E_NOMEM;
    }
    /* witnesses by date, then store order (undated records: skipped, last) */
    for (uint64_t i = 0; i < n; i++)
        dt[i] = (dated){fo->date_field ? (f->date[i] ? f->date_key[i] : INT64_MAX) : 0, i};
    qsort(dt, n, sizeof *dt, by_date);
    for (uint64_t i = 0; i < n; i++) f->rank[dt[i].doc] = (uint32_t)i;
    free(dt);
    if (!fo->series_field && !fo->series_from_dir) return NEARDUP_OK;
    named *nm = malloc((n ? n : 1) * sizeof *nm);
    f->series = malloc((n ? n : 1) * sizeof *f->series);
    f->series_name = malloc((n ? n : 1) * sizeof *f->series_name);
    if (!nm || !f->series || !f->series_name) {
        free(nm);
        return NEARDUP_E_NOMEM;
    }
    /* a skipped record has no series: a name of its own ("" sorts first and
     * no pair reaches it) */
    for (uint64_t i = 0; i < n; i++) nm[i] = (named){f->series_of[i] ? f->series_of[i] : "", i};
    qsort(nm, n, sizeof *nm, by_name);
    f->nseries = 0;
    for (uint64_t i = 0; i < n; i++) {
        if (!i || strcmp(nm[i].name, nm[i - 1].name)) f->series_name[f->nseries++] = (char *)nm[i].name;
        f->series[nm[i].doc] = f->nseries - 1;
    }
    free(nm);
    return NEARDUP_OK;
}

void nd_doc_fields_free(nd_doc_fields *f)
{
    for (uint64_t i = 0; i < f->n; i++) {
        free(f->date[i]);
        free(f->series_of[i]);
    }
    free(f->date);
    free(f->date_key);
    free(f->series_of);
    free(f->series);
    free(f->series_name);
    free(f->rank);
    memset(f, 0, sizeof *f);
}
