/* overlap_spill_run.h - what the two halves of overlap --memory's run
 * share (overlap_spill_run.c: anchors, candidates, batches;
 * overlap_spill_finish.c: the documents masked and their k-grams made): the
 * run's state and the calls between them. */
#ifndef ND_OVERLAP_SPILL_RUN_H
#define ND_OVERLAP_SPILL_RUN_H

#include "overlap.h"
#include "overlap_spill.h"
#include "runs.h"

typedef struct {
    nd_spill_store *s;
    const nd_overlap_opts *o;
    nd_overlap_opts bo;       /* the batches' (no progress bar of its own) */
    uint32_t split;
    unsigned threads;
    const nd_overlap_sink *sink;
    nd_overlap_stats *st;
    nd_spill_ostats *ss;
    nd_anchor_pair *pairs;    /* candidate entries not yet spilled */
    size_t npairs, pairs_cap, pairs_max;
    nd_runs pruns;
    uint64_t *drop;           /* dropped occurrences (doc << 32 | pos) not yet spilled */
    size_t ndrop, drop_cap, drop_max;
    nd_runs druns;
    nd_anchor_pair *cand;     /* the batch being gathered */
    size_t ncand, cand_cap, cand_max;
    uint32_t *docs;           /* its documents */
    size_t ndocs, docs_cap;
    uint32_t *mark, stamp;    /* per document: the batch it is in */
    uint64_t batch_bytes, batch_max;
    size_t streamed;
    /* under mpirun (NULL: one process): the exchanges; s's documents are
     * numbers [base, base + s->n) of the corpus' total */
    const nd_spill_dist *dist;
    uint64_t base, total;
    uint64_t *rec_all;        /* total: every document's record bytes (mpirun) */
} run_ctx;

/* The dropped occurrences in memory, sorted, to a run of c->druns
 * (overlap_spill_run.c). */
int nd_spill_drops(run_ctx *c, nd_error *err);

/* Step 2: every document rewritten into a new file, masked, with its
 * k-grams (overlap_spill_finish.c); frees the dropped occurrences. */
int nd_spill_finish_docs(run_ctx *c, nd_error *err);

#endif
