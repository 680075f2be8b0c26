/* query.h - documents against a reference index (query.c): --mode dup (LSH
 * band keys looked up in the index, candidates scored on the stored
 * signatures) and --mode overlap (winnowed anchors looked up in the index's
 * postings, candidates aligned with the stored texts).  `neardup query`
 * formats the hits; neardup_index_query collects them. */
#ifndef ND_QUERY_H
#define ND_QUERY_H

#include "align.h"
#include "edits.h"
#include "index.h"
#include "pipeline.h"
#include "reader.h"
#include "record.h"

enum { ND_QUERY_DUP, ND_QUERY_OVERLAP };

/* One reference a query document matched, as the hit callback sees it. */
typedef struct {
    uint64_t query;            /* the query document's record number */
    uint32_t ref;              /* the reference's number in the index */
    float jaccard;             /* dup: estimated Jaccard, compared in float as `pairs` does */
    /* overlap: */
    nd_passage *p;             /* passages in text offsets; the callback may keep them (then sets p NULL) */
    size_t np;
    uint64_t shared;           /* matching words over the passages */
    double ca, cb;             /* the fraction of the query's / the reference's words inside them */
    const char *rtext;         /* the reference's stored text (valid during the call) */
    size_t rlen;
    const nd_doc_words *wq, *wr; /* both sides' words (edited-word marks) */
    const nd_map_run *rmap;    /* the reference's map to its original bytes (nrmap 0: identity) */
    size_t nrmap;
} nd_query_hit;

typedef struct {
    const nd_index *ix;        /* opened with the sections of the mode */
    int mode;                  /* ND_QUERY_* */
    nd_seeds seeds;            /* the index's */
    float threshold;           /* dup */
    uint64_t max_df;           /* overlap: anchors in more references are boilerplate */
    nd_align_opts align;       /* overlap: min_words and seed_len set from the index */
    /* the caller's output: a per-batch state (init/reset/free may be NULL),
     * hit on the worker thread for each hit of a document in order (nth: its
     * number among the document's hits), collect on the main thread for each
     * batch in input order */
    void *user;
    void *(*batch_init)(void *user);
    void (*batch_reset)(void *user, void *bo);
    void (*batch_free)(void *user, void *bo);
    int (*hit)(void *user, void *bo, const nd_doc *q, nd_query_hit *h, size_t nth, nd_error *err);
    int (*collect)(void *user, void *bo, nd_error *err);
    /* results */
    double *lat;               /* seconds per document after tokenizing, in input order */
    size_t nlat, lat_cap;
    uint64_t hits, docs, cands, dropped; /* cands, dropped: overlap's candidates aligned, anchors dropped */
    uint64_t band_seed;        /* set by nd_query_run */
} nd_query;

/* Runs every document r yields against q->ix.  Returns NEARDUP_OK or an
 * error code with err set; free q->lat after. */
int nd_query_run(nd_query *q, nd_reader *r, const nd_pipeline_opts *po, nd_corpus_info *ci, nd_error *err);

#endif
