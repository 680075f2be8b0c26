/* index_build.h - the index's build pipeline (index_build.c): every document
 * sketched, winnowed into overlap anchors and packed into zstd text blocks,
 * handed to an index writer (index_write.c) in input order.  `neardup index
 * build|add` and neardup_index_build / neardup_index_add run it. */
#ifndef ND_INDEX_BUILD_H
#define ND_INDEX_BUILD_H

#include "index.h"
#include "pipeline.h"
#include "reader.h"

typedef struct {
    nd_index_params p;
    nd_seeds seeds;
    int level;            /* zstd level of the stored texts */
    nd_index_writer *w;
    uint64_t docs;        /* documents written */
    double t_compress;    /* seconds compressing on the main thread */
} nd_index_build;

/* The parameters of a new index: ngram, k, threshold, seed (key_id NULL:
 * unkeyed) and overlap anchors (winnowed word 5-grams, as `neardup overlap`
 * selects them) that find every passage of >= min_words words. */
void nd_index_build_params(nd_index_params *p, unsigned ngram, unsigned k, double threshold, uint64_t seed,
                           const uint8_t *key_id, size_t key_id_len, unsigned min_words);

/* Reads everything r yields on the pipeline into b->w (opened on b->p).
 * Ids must be unique.  Returns NEARDUP_OK or an error code with err set. */
int nd_index_build_run(nd_index_build *b, nd_reader *r, const nd_pipeline_opts *po, nd_corpus_info *ci,
                       nd_error *err);

#endif
