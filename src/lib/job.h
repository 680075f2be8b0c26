/* job.h - the near-duplicate job (job.c): a corpus read, sketched and paired
 * in one metric.  `neardup pairs` and `neardup dedup` run it (src/cli), and
 * so do neardup_pairs and neardup_dedup (api_jobs.c): one job, two faces. */
#ifndef ND_JOB_H
#define ND_JOB_H

#include "reader.h"
#include "sketch.h"

/* How documents are compared (--metric). */
enum { ND_METRIC_JACCARD, ND_METRIC_SIMHASH, ND_METRIC_EXACT, ND_METRIC_CONTAINMENT };

typedef struct {
    unsigned ngram, k;   /* words per shingle, MinHash lanes */
    double threshold;    /* Jaccard or containment threshold */
    int metric;          /* ND_METRIC_* */
    unsigned distance;   /* simhash: largest Hamming distance */
    uint64_t max_df;     /* containment: shingles in more documents find no candidates */
    int exact;           /* jaccard: verify candidates on the real shingle sets */
    int explain;         /* jaccard: keep the sets and band keys that explain each pair */
    size_t max_bucket;   /* SIZE_MAX: every pair; bounded for dedup (nd_pairs_opts) */
    int exact_first;     /* group exact duplicates before LSH (dedup) */
    int clusters_only;   /* only the clusters matter, not every pair (nd_pairs_opts.connect_only) */
    nd_seeds seeds;
} nd_dup_opts;

/* What the job found.  Free with nd_dup_result_free. */
typedef struct {
    nd_corpus_info ci;     /* ids and accounting of every record */
    nd_sketches sk;
    nd_scored_pair *pairs; /* sorted by (a, b) */
    size_t npairs;
    nd_pairs_stats ps;
    uint64_t exact_dups;   /* documents that exactly duplicate an earlier one */
} nd_dup_result;

/* Reads everything r yields on the pipeline (po: threads, readers, seeds of
 * the tokens), sketches it and forms the pairs of o's metric.  Ids must be
 * unique.  Returns NEARDUP_OK or an error code with err set (naming file,
 * line, record); res is filled in either case. */
int nd_dup_run(nd_reader *r, const nd_pipeline_opts *po, const nd_dup_opts *o, nd_dup_result *res,
               nd_error *err);

/* The similarity of documents a and b in o's metric, as the pairs carry it
 * (estimated or exact Jaccard, Hamming distance, containment, 1 for exact
 * duplicates), from the sketches of nd_dup_run. */
double nd_dup_score(const nd_dup_opts *o, const nd_sketches *s, uint32_t a, uint32_t b);

void nd_dup_result_free(nd_dup_result *r);

#endif
