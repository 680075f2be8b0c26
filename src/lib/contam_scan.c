/* contam_scan.c - the corpus scan of `contamination` (contam.h): the
 * corpus streamed once through the pipeline against a benchmark index,
 * every document scanned on the workers, what it found handed to a sink in
 * input order.  One process merges straight into a result; under mpirun
 * each rank's sink keeps its documents' findings for rank 0 (mpi_contam.c),
 * so both run this same scan. */
#include <stdlib.h>
#include <string.h>

#include "contam.h"
#include "reader.h"
#include "record.h"
#include "tokenize.h"

typedef struct {
    uint64_t doc;
    size_t hit_off, nhit, sum_off, nsum;
} doc_found;

/* What the documents of one batch found, filled by the workers. */
typedef struct {
    doc_found *d;
    size_t nd, d_cap;
    nd_contam_hit *hit;
    size_t nhit, hit_cap;
    nd_contam_sum *sum;
    size_t nsum, sum_cap;
} batch_found;

typedef struct {
    const nd_contam *ix;
    nd_contam_sink sink;
    void *sink_user;
} scan_ctx;

static void *thread_init(void *user) { return calloc(1, sizeof(nd_contam_scratch)); }

static void thread_free(void *user, void *ts)
{
    nd_contam_scratch_free(ts);
    free(ts);
}

static void *batch_init(void *user) { return calloc(1, sizeof(batch_found)); }

static void batch_reset(void *user, void *bo)
{
    batch_found *b = bo;
    b->nd = b->nhit = b->nsum = 0;
}

static void batch_free(void *user, void *bo)
{
    batch_found *b = bo;
    if (!b) return;
    free(b->d);
    free(b->hit);
    free(b->sum);
    free(b);
}

static int scan_doc(void *user, void *ts, void *bo, uint64_t doc, const nd_doc *d, const nd_tokens *tok, nd_error *err)
{
    const scan_ctx *sc = user;
    nd_contam_scratch *s = ts;
    batch_found *b = bo;
    if (nd_contam_scan(sc->ix, s, tok)) return nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
    if (!s->nsum) return NEARDUP_OK;
    if (nd_grow((void **)&b->d, &b->d_cap, b->nd + 1, sizeof *b->d) ||
        nd_grow((void **)&b->hit, &b->hit_cap, b->nhit + s->nhit, sizeof *b->hit) ||
        nd_grow((void **)&b->sum, &b->sum_cap, b->nsum + s->nsum, sizeof *b->sum))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
    b->d[b->nd++] = (doc_found){doc, b->nhit, s->nhit, b->nsum, s->nsum};
    if (s->nhit) memcpy(b->hit + b->nhit, s->hit, s->nhit * sizeof *s->hit);
    if (s->nsum) memcpy(b->sum + b->nsum, s->sum, s->nsum * sizeof *s->sum);
    b->nhit += s->nhit;
    b->nsum += s->nsum;
    return NEARDUP_OK;
}

static int doc_found_cmp(const void *x, const void *y)
{
    const doc_found *a = x, *b = y;
    return a->doc < b->doc ? -1 : a->doc > b->doc;
}

static int collect(void *user, void *bo, uint64_t first, size_t n, nd_error *err)
{
    scan_ctx *sc = user;
    batch_found *b = bo;
    if (b->nd > 1) qsort(b->d, b->nd, sizeof *b->d, doc_found_cmp); /* input order, whoever scanned them */
    for (size_t i = 0; i < b->nd; i++)
        if (sc->sink(sc->sink_user, b->d[i].doc, b->hit + b->d[i].hit_off, b->d[i].nhit, b->sum + b->d[i].sum_off,
                     b->d[i].nsum))
            return nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
    return NEARDUP_OK;
}

int nd_contam_stream(nd_reader *r, const nd_pipeline_opts *po, const nd_contam *ix, nd_contam_sink sink,
                     void *sink_user, nd_corpus_info *ci, nd_error *err)
{
    scan_ctx sc = {ix, sink, sink_user};
    nd_pipeline_fns fns = {.user = &sc, .thread_init = thread_init, .thread_free = thread_free, .batch_init = batch_init,
                           .batch_reset = batch_reset, .batch_free = batch_free, .doc = scan_doc, .collect = collect};
    return nd_pipeline_run(r, po, &fns, ci, err);
}

int nd_contam_merge_sink(void *result, uint64_t doc, const nd_contam_hit *hit, size_t nhit, const nd_contam_sum *sum,
                         size_t nsum)
{
    return nd_contam_merge(result, doc, hit, nhit, sum, nsum);
}
