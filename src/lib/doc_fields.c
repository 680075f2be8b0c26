/* doc_fields.c - each document's date and series for `overlap`: JSONL
 * fields read in a second pass over the inputs (the first keeps no field
 * of any record, as dedup --keep's keys), or a plain file's directory.
 *
 * Dates are ISO 8601 (what JSONL exports of news and archives carry); they
 * are ordered as instants, so "2024-05-01T23:00-02:00" comes after
 * "2024-05-02", and kept as written for the output. */
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "doc_fields.h"
#include "nd.h"
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

/* ---------- distinct strings ---------- */

static uint32_t strings_find(const nd_strings *t, const char *str, size_t len, uint64_t h, uint32_t *slot)
{
    uint32_t mask = t->nslot - 1, i = (uint32_t)h & mask;
    for (; t->slot[i]; i = (i + 1) & mask) {
        const char *x = t->buf + t->off[t->slot[i] - 1];
        if (!strncmp(x, str, len) && !x[len]) break;
    }
    *slot = i;
    return t->slot[i] ? t->slot[i] - 1 : ND_FIELD_NONE;
}

static int strings_rehash(nd_strings *t, uint32_t nslot)
{
    uint32_t *slot = calloc(nslot, sizeof *slot);
    if (!slot) return -1;
    free(t->slot);
    t->slot = slot;
    t->nslot = nslot;
    for (uint32_t k = 0; k < t->n; k++) {
        const char *x = t->buf + t->off[k];
        uint32_t at;
        strings_find(t, x, strlen(x), XXH3_64bits(x, strlen(x)), &at);
        t->slot[at] = k + 1;
    }
    return 0;
}

/* The number of str in t, added when new (*added 1).  -1: out of memory. */
static int strings_add(nd_strings *t, const char *str, uint32_t *id, int *added)
{
    size_t len = strlen(str), cap = t->cap, ncap = t->ncap;
    uint64_t h = XXH3_64bits(str, len);
    uint32_t at;
    *added = 0;
    if (t->nslot && (*id = strings_find(t, str, len, h, &at)) != ND_FIELD_NONE) return 0;
    if (t->n >= UINT32_MAX - 1) return -1;
    if (nd_grow((void **)&t->buf, &cap, t->len + len + 1, 1)) return -1;
    t->cap = cap;
    if (nd_grow((void **)&t->off, &ncap, (size_t)t->n + 1, sizeof *t->off)) return -1;
    t->ncap = (uint32_t)ncap;
    memcpy(t->buf + t->len, str, len + 1);
    t->off[t->n] = t->len;
    t->len += len + 1;
    *id = t->n++;
    *added = 1;
    if (2 * (uint64_t)t->n > t->nslot) return strings_rehash(t, t->nslot ? 2 * t->nslot : 64);
    strings_find(t, str, len, h, &at);
    t->slot[at] = *id + 1;
    return 0;
}

static const char *strings_get(const nd_strings *t, uint32_t id) { return t->buf + t->off[id]; }

static void strings_free(nd_strings *t)
{
    free(t->buf);
    free(t->off);
    free(t->slot);
    memset(t, 0, sizeof *t);
}

/* ---------- the documents' fields ---------- */

int nd_doc_fields_resize(nd_doc_fields *f, uint64_t n, int with_date, int with_series)
{
    if (n > f->cap) {
        uint64_t cap = f->cap ? f->cap : 1024;
        while (cap < n) cap *= 2;
        if (with_date) {
            uint32_t *d = realloc(f->date, cap * sizeof *d);
            if (!d) return NEARDUP_E_NOMEM;
            f->date = d;
        }
        if (with_series) {
            uint32_t *x = realloc(f->series, cap * sizeof *x);
            if (!x) return NEARDUP_E_NOMEM;
            f->series = x;
        }
        f->cap = cap;
    }
    for (uint64_t i = f->n; i < n; i++) {
        if (with_date) f->date[i] = ND_FIELD_NONE;
        if (with_series) f->series[i] = ND_FIELD_NONE;
    }
    if (n > f->n) f->n = n;
    return NEARDUP_OK;
}

int nd_doc_fields_set(nd_doc_fields *f, uint64_t d, const char *date, int64_t key, const char *series)
{
    uint32_t id;
    int added;
    if (date && f->date) {
        if (strings_add(&f->dates, date, &id, &added)) return NEARDUP_E_NOMEM;
        if (added) {
            int64_t *k = realloc(f->date_key, (size_t)f->dates.ncap * sizeof *k);
            if (!k) return NEARDUP_E_NOMEM;
            f->date_key = k;
            k[id] = key;
        }
        f->date[d] = id;
    }
    if (series && f->series) {
        if (strings_add(&f->names, series, &id, &added)) return NEARDUP_E_NOMEM;
        f->series[d] = id;
    }
    return NEARDUP_OK;
}

const char *nd_doc_date(const nd_doc_fields *f, uint64_t d)
{
    return f->date && f->date[d] != ND_FIELD_NONE ? strings_get(&f->dates, f->date[d]) : NULL;
}

const char *nd_doc_series(const nd_doc_fields *f, uint64_t d)
{
    if (!f->series || f->series[d] == ND_FIELD_NONE) return NULL;
    return f->series_name ? f->series_name[f->series[d]] : strings_get(&f->names, f->series[d]);
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

/* Record at of the store: its fields. */
static int record_fields(nd_doc_fields *f, const nd_field_opts *fo, const nd_raw_record *rec, const char *bytes,
                         const char *path, const char *id, uint64_t at, nd_error *err)
{
    if ((fo->date_field || fo->series_field) && !rec->jsonl)
        return nd_fail(err, NEARDUP_E_INPUT, "%s: record \"%s\" is not JSONL: --%s reads a field of JSONL records%s",
                       path, id, fo->date_field ? "date-field" : "series-field",
                       fo->series_field ? " (for plain files: --series-from-dir)" : "");
    char *date = NULL, *series = NULL;
    int64_t key = 0;
    int rc = NEARDUP_OK;
    if (fo->date_field) {
        rc = read_field(bytes, rec->len, fo->date_field, "--date-field", path, rec->line, id, &date, err);
        if (!rc && nd_parse_date(date, &key))
            rc = nd_fail(err, NEARDUP_E_INPUT, "%s:%llu: record \"%s\": field \"%s\" is not a date: \"%.64s\" "
                         "(ISO 8601: 2024-05-01, 2024-05-01T09:30:00Z, 2024-05-01 09:30+02:00)", path,
                         (unsigned long long)rec->line, id, fo->date_field, date);
    }
    if (!rc && fo->series_field) {
        rc = read_field(bytes, rec->len, fo->series_field, "--series-field", path, rec->line, id, &series, err);
        if (!rc && !series[0])
            rc = nd_fail(err, NEARDUP_E_INPUT, "%s:%llu: record \"%s\": field \"%s\" is empty (--series-field names "
                         "the outlet, site or title of each record)", path, (unsigned long long)rec->line, id,
                         fo->series_field);
    }
    if (!rc && nd_doc_fields_set(f, at, date, key, series))
        rc = nd_fail(err, NEARDUP_E_NOMEM, "out of memory reading dates and series");
    free(date);
    free(series);
    return rc;
}

int nd_doc_fields_read(nd_doc_fields *f, const nd_field_opts *fo, nd_reader *r,
                       const nd_corpus_info *ci, nd_error *err)
{
    uint64_t base = f->n, n = ci->n;
    if (nd_doc_fields_resize(f, base + n, fo->date_field != NULL, fo->series_field || fo->series_from_dir))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory reading dates and series");
    if (fo->series_from_dir && !fo->series_field)
        for (uint64_t i = 0; i < n; i++) {
            if (ci->skipped && ci->skipped[i]) continue;
            /* a JSONL file's records all lie in one directory: one series */
            if (nd_reader_input_flags(r, ci->input[i]) & ND_INPUT_JSONL)
                return nd_fail(err, NEARDUP_E_USAGE, "%s is JSONL: --series-from-dir takes the series of plain files "
                               "from their directories (for JSONL records: --series-field NAME)",
                               nd_reader_path(r, ci->input[i]));
            char *dir = parent_dir(nd_reader_path(r, ci->input[i]));
            int rc = dir ? nd_doc_fields_set(f, base + i, NULL, 0, dir) : NEARDUP_E_NOMEM;
            free(dir);
            if (rc) return nd_fail(err, NEARDUP_E_NOMEM, "out of memory reading series");
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
    uint32_t id;
} named;

static int by_name(const void *x, const void *y) { return strcmp(((const named *)x)->name, ((const named *)y)->name); }

typedef struct {
    int64_t key;
    uint32_t id;
} dated;

static int by_date(const void *x, const void *y)
{
    const dated *a = x, *b = y;
    return (a->key > b->key) - (a->key < b->key);
}

/* Witnesses by date, then store order (undated records: skipped, last):
 * the distinct dates ranked by instant (two spellings of one instant tie),
 * then one sort of (date rank, document). */
static int rank_documents(nd_doc_fields *f)
{
    uint64_t n = f->n;
    uint32_t m = f->date ? f->dates.n : 0;
    uint32_t *ord = malloc(((size_t)m + 1) * sizeof *ord);
    dated *dt = malloc(((size_t)m + 1) * sizeof *dt);
    uint64_t *key = malloc((n ? n : 1) * sizeof *key);
    f->rank = malloc((n ? n : 1) * sizeof *f->rank);
    int rc = ord && dt && key && f->rank ? NEARDUP_OK : NEARDUP_E_NOMEM;
    if (!rc) {
        for (uint32_t i = 0; i < m; i++) dt[i] = (dated){f->date_key[i], i};
        qsort(dt, m, sizeof *dt, by_date);
        for (uint32_t i = 0, r = 0; i < m; i++) {
            r += i && dt[i].key != dt[i - 1].key;
            ord[dt[i].id] = r;
        }
        for (uint64_t d = 0; d < n; d++) {
            uint64_t o = !f->date ? 0 : f->date[d] == ND_FIELD_NONE ? m : ord[f->date[d]];
            key[d] = o << 32 | d;
        }
        rc = nd_sort_u64(key, n);
    }
    for (uint64_t i = 0; !rc && i < n; i++) f->rank[(uint32_t)key[i]] = (uint32_t)i;
    free(ord);
    free(dt);
    free(key);
    return rc;
}

/* Series numbered in the byte order of their names; a skipped record has
 * none: a name of its own ("" sorts first and no pair reaches it). */
static int number_series(nd_doc_fields *f)
{
    uint32_t none = ND_FIELD_NONE;
    int added;
    for (uint64_t d = 0; d < f->n; d++)
        if (f->series[d] == ND_FIELD_NONE) {
            if (none == ND_FIELD_NONE && strings_add(&f->names, "", &none, &added)) return NEARDUP_E_NOMEM;
            f->series[d] = none;
        }
    uint32_t m = f->names.n;
    named *nm = malloc(((size_t)m + 1) * sizeof *nm);
    uint32_t *num = malloc(((size_t)m + 1) * sizeof *num);
    f->series_name = malloc(((size_t)m + 1) * sizeof *f->series_name);
    if (!nm || !num || !f->series_name) {
        free(nm);
        free(num);
        return NEARDUP_E_NOMEM;
    }
    for (uint32_t i = 0; i < m; i++) nm[i] = (named){strings_get(&f->names, i), i};
    qsort(nm, m, sizeof *nm, by_name); /* names are distinct: no ties */
    for (uint32_t i = 0; i < m; i++) {
        num[nm[i].id] = i;
        f->series_name[i] = nm[i].name;
    }
    for (uint64_t d = 0; d < f->n; d++) f->series[d] = num[f->series[d]];
    f->nseries = m;
    free(nm);
    free(num);
    return NEARDUP_OK;
}

int nd_doc_fields_finish(nd_doc_fields *f, const nd_field_opts *fo)
{
    if (f->n > UINT32_MAX) return NEARDUP_E_NOMEM; /* ranks are 32-bit, as document numbers */
    int rc = rank_documents(f);
    if (!rc && f->series) rc = number_series(f);
    return rc;
}

void nd_doc_fields_free(nd_doc_fields *f)
{
    free(f->date);
    strings_free(&f->dates);
    free(f->date_key);
    free(f->series);
    strings_free(&f->names);
    free(f->series_name);
    free(f->rank);
    memset(f, 0, sizeof *f);
}
