/* api_contam.c - the public contamination job (include/neardup.h): the
 * benchmark's items into the n-gram index (contam_bench.c, as `neardup
 * contamination` loads its files), the corpus streamed once against it
 * (contam_scan.c); the report's figures per item. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "api.h"
#include "contam.h"
#include "reader.h"

void neardup_contam_opts_default(neardup_contam_opts *c)
{
    memset(c, 0, sizeof *c);
    c->ngram = ND_DEFAULT_CONTAM_NGRAM;
    c->min_coverage = ND_DEFAULT_CONTAM_MIN_COVERAGE;
    c->nfields = 1;
    c->max_matches = ND_DEFAULT_CONTAM_MAX_MATCHES;
}

void neardup_contam_items_free(neardup_contam_item *p, size_t n)
{
    if (!p) return;
    for (size_t i = 0; i < n; i++) free(p[i].matches);
    free(p);
}

/* The report's figures of every item into *items. */
static int items_of(const nd_contam_result *res, size_t n, neardup_contam_item **items, nd_error *err)
{
    neardup_contam_item *x = calloc(n ? n : 1, sizeof *x);
    if (!x) return nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        nd_contam_item it;
        nd_contam_get(res, i, &it);
        x[i] = (neardup_contam_item){it.contaminated != 0, it.coverage, it.words, it.covered, it.ndocs, NULL, 0};
        if (it.nmatch && !(x[i].matches = malloc(it.nmatch * sizeof *x[i].matches))) {
            neardup_contam_items_free(x, i + 1);
            return nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
        }
        x[i].nmatches = it.nmatch;
        for (size_t k = 0; k < it.nmatch; k++)
            x[i].matches[k] = (neardup_contam_match){it.match[k].doc, it.match[k].field, it.match[k].start,
                                                     it.match[k].end};
    }
    *items = x;
    return NEARDUP_OK;
}

int neardup_contamination(const neardup_options *o, const neardup_contam_opts *co, const neardup_corpus *bench,
                          const neardup_corpus *c, neardup_contam_item **items, size_t *nitems, neardup_error *e)
{
    neardup_options def;
    neardup_contam_opts cdef;
    if (!o) neardup_options_default(&def), o = &def;
    if (!co) neardup_contam_opts_default(&cdef), co = &cdef;
    nd_error err = {0, ""};
    if (!bench || !c || !items || !nitems)
        return nd_api_error(e, nd_fail(&err, NEARDUP_E_USAGE, "neardup_contamination: NULL argument"), &err);
    *items = NULL;
    *nitems = 0;
    if (!co->ngram || co->ngram > 64 || !(co->min_coverage >= 0 && co->min_coverage <= 1) || !co->nfields ||
        co->nfields > ND_CONTAM_MAX_FIELDS || co->max_matches > 1000000)
        return nd_api_error(e, nd_fail(&err, NEARDUP_E_USAGE, "contamination: ngram %u (1 to 64), min_coverage %g (0 "
                                       "to 1), nfields %u (1 to %d), max_matches %u (up to 1000000)", co->ngram,
                                       co->min_coverage, co->nfields, ND_CONTAM_MAX_FIELDS, co->max_matches), &err);
    nd_pipeline_opts po;
    nd_seeds seeds;
    int rc = nd_api_pipeline(o, &po, &seeds, &err);
    if (rc) return nd_api_error(e, rc, &err);
    static const char *const field[ND_CONTAM_MAX_FIELDS] = {"0", "1", "2", "3", "4", "5", "6", "7"};
    static const char *const names[2] = {"benchmark", "corpus"};
    nd_contam *ix = nd_contam_create(co->ngram, seeds.shingle_seed, co->nfields, co->min_coverage);
    sodium_memzero(&seeds, sizeof seeds);
    nd_contam_bench b = {0};
    nd_contam_result *res = NULL;
    nd_corpus_info ci = {0};
    if (!ix) rc = nd_fail(&err, NEARDUP_E_NOMEM, "out of memory");
    nd_reader *r = rc ? NULL : nd_api_reader_sets(&bench, names, 1, po.lossy, &err);
    if (!rc && !r) rc = err.code;
    if (!rc) rc = nd_contam_load_bench(r, &po, field, co->nfields, ix, &b, &err);
    nd_reader_free(r);
    if (!rc) rc = nd_contam_check_ids(&b, &err);
    if (!rc && (nd_contam_build(ix) || !(res = nd_contam_result_create(ix, co->max_matches))))
        rc = nd_fail(&err, NEARDUP_E_NOMEM, "out of memory");
    r = rc ? NULL : nd_api_reader_sets(&c, names + 1, 1, po.lossy, &err);
    if (!rc && !r) rc = err.code;
    if (!rc) rc = nd_contam_stream(r, &po, ix, nd_contam_merge_sink, res, &ci, &err);
    nd_reader_free(r);
    if (!rc && !(rc = items_of(res, b.n, items, &err))) *nitems = b.n;
    nd_contam_result_free(res);
    nd_contam_free(ix);
    nd_contam_bench_free(&b);
    nd_corpus_info_free(&ci);
    sodium_memzero(&po, sizeof po);
    return nd_api_error(e, rc, &err);
}
