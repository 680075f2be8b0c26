/* contam_bench.c - a benchmark's items into the contamination index
 * (contam.h), for the command (cli_contam.c) and the public
 * neardup_contamination alike: each item's fields parsed, tokenized and
 * added as units; ids kept (unique) and the raw records (--clean). */
#include <stdlib.h>
#include <string.h>

#include "contam.h"
#include "reader.h"
#include "record.h"
#include "tokenize.h"

void nd_contam_bench_free(nd_contam_bench *b)
{
    for (size_t i = 0; i < b->n; i++) {
        free(b->id[i]);
        free(b->raw[i]);
    }
    free(b->id);
    free(b->id_len);
    free(b->raw);
    free(b->raw_len);
    memset(b, 0, sizeof *b);
}

static char *dup_bytes(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static int bench_push(nd_contam_bench *b, const char *id, size_t id_len, const char *raw, size_t raw_len)
{
    size_t c1 = b->cap, c2 = b->cap, c3 = b->cap;
    if (nd_grow((void **)&b->id, &c1, b->n + 1, sizeof *b->id) ||
        nd_grow((void **)&b->id_len, &c2, b->n + 1, sizeof *b->id_len) ||
        nd_grow((void **)&b->raw, &c3, b->n + 1, sizeof *b->raw) ||
        nd_grow((void **)&b->raw_len, &b->cap, b->n + 1, sizeof *b->raw_len))
        return NEARDUP_E_NOMEM;
    b->id[b->n] = dup_bytes(id, id_len);
    b->raw[b->n] = dup_bytes(raw, raw_len);
    if (!b->id[b->n] || !b->raw[b->n]) {
        free(b->id[b->n]);
        free(b->raw[b->n]);
        return NEARDUP_E_NOMEM;
    }
    b->id_len[b->n] = id_len;
    b->raw_len[b->n++] = raw_len;
    return NEARDUP_OK;
}

/* One unit: field f of the record rr (d parsed from it) tokenized into ix. */
static int add_unit(nd_contam *ix, nd_tokenizer *tk, nd_tokens *tok, const nd_doc *d, const nd_raw_record *rr,
                    const char *path, const char *field, nd_error *err)
{
    size_t bad = 0, repl = 0;
    int rc = nd_tokenize(tk, d->text, d->text_len, tok, &bad, &repl);
    if (rc == NEARDUP_E_UTF8)
        return nd_fail(err, NEARDUP_E_INPUT, "%s:%llu: field %s: invalid UTF-8 at byte %zu (--lossy replaces it)", path,
                       (unsigned long long)rr->line, field, bad);
    if (rc)
        return nd_fail(err, rc, "%s:%llu: field %s cannot be tokenized", path, (unsigned long long)rr->line, field);
    if ((rc = nd_contam_add(ix, tok))) nd_fail(err, rc, "out of memory");
    return rc;
}

int nd_contam_load_bench(nd_reader *r, const nd_pipeline_opts *po, const char *const *field, unsigned nfields,
                         nd_contam *ix, nd_contam_bench *b, nd_error *err)
{
    nd_record_parser *p[ND_CONTAM_MAX_FIELDS] = {0};
    nd_tokenizer *tk = nd_tokenizer_create(po->token_seed, po->lossy);
    if (tk && po->keyed) nd_tokenizer_set_secret(tk, po->token_secret);
    nd_tokens tok = {0};
    nd_batch batch = {0};
    int rc = tk ? NEARDUP_OK : nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
    if (!rc && (!nfields || nfields > ND_CONTAM_MAX_FIELDS))
        rc = nd_fail(err, NEARDUP_E_USAGE, "1 to %d fields an item, not %u", ND_CONTAM_MAX_FIELDS, nfields);
    for (unsigned f = 0; !rc && f < nfields; f++) {
        nd_record_opts ro = po->rec;
        ro.text_field = field[f];
        if (!(p[f] = nd_record_parser_create(&ro))) rc = nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
    }
    uint64_t unit = 0; /* documents (ND_FORMAT_DOC) are one unit each, fields in order */
    int more;
    while (!rc && (more = nd_reader_next(r, &batch, 1 << 20, err)) != 0) {
        if (more < 0) {
            rc = -more;
            break;
        }
        for (size_t i = 0; !rc && i < batch.n; i++) {
            const nd_raw_record *rr = &batch.rec[i];
            const char *bytes = batch.buf + rr->off, *path = nd_reader_path(r, rr->input);
            int doc = rr->format == ND_FORMAT_DOC;
            for (unsigned f = doc ? (unsigned)(unit++ % nfields) : 0, last = doc ? f + 1 : nfields; !rc && f < last;
                 f++) {
                nd_doc d;
                if ((rc = nd_record_parse(p[f], rr, bytes, path, &d, err))) break;
                if (f == 0 && (rc = bench_push(b, d.id, d.id_len, bytes, rr->len))) nd_fail(err, rc, "out of memory");
                if (!rc) rc = add_unit(ix, tk, &tok, &d, rr, path, field[f], err);
            }
        }
    }
    nd_batch_free(&batch);
    nd_tokens_free(&tok);
    nd_tokenizer_free(tk);
    for (unsigned f = 0; f < nfields && f < ND_CONTAM_MAX_FIELDS; f++) nd_record_parser_free(p[f]);
    if (!rc && unit % nfields)
        rc = nd_fail(err, NEARDUP_E_INPUT, "the benchmark's %llu texts are not %u fields an item",
                     (unsigned long long)unit, nfields);
    if (!rc && b->n == 0) rc = nd_fail(err, NEARDUP_E_INPUT, "the benchmark holds no item");
    return rc;
}

/* An item's id and index, sorted by id then index (no global comparator state). */
typedef struct {
    const char *id;
    size_t len, i;
} id_ref;

static int cmp_ids(const void *x, const void *y)
{
    const id_ref *a = x, *b = y;
    size_t n = a->len < b->len ? a->len : b->len;
    int d = n ? memcmp(a->id, b->id, n) : 0;
    if (d) return d;
    if (a->len != b->len) return a->len < b->len ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

int nd_contam_check_ids(const nd_contam_bench *b, nd_error *err)
{
    id_ref *o = malloc((b->n ? b->n : 1) * sizeof *o);
    if (!o) return nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
    for (size_t i = 0; i < b->n; i++) o[i] = (id_ref){b->id[i], b->id_len[i], i};
    if (b->n > 1) qsort(o, b->n, sizeof *o, cmp_ids);
    int rc = NEARDUP_OK;
    for (size_t i = 1; i < b->n && !rc; i++)
        if (o[i].len == o[i - 1].len && (!o[i].len || !memcmp(o[i].id, o[i - 1].id, o[i].len))) {
            char t[128];
            rc = nd_fail(err, NEARDUP_E_INPUT, "the benchmark has two items with id \"%s\" (items %zu and %zu)",
                         nd_id_text(t, sizeof t, o[i].id, o[i].len), o[i - 1].i + 1, o[i].i + 1);
        }
    free(o);
    return rc;
}
