/* index_match.h - the references of neardup indexes that a signature
 * matches, as dedup's LSH would pair them if the indexes' corpora were read
 * with the inputs (index_match.c): `dedup --against INDEX`, in one process
 * (src/cli/cli_dedup_index.c) and under mpirun (src/mpi/mpi_dedup.c). */
#ifndef ND_INDEX_MATCH_H
#define ND_INDEX_MATCH_H

#include "index.h"
#include "lsh.h"
#include "pipeline.h"
#include "reader.h"

/* Indexes opened with at least ND_IX_DOCS | ND_IX_SIGS | ND_IX_BANDS, all
 * built with the same parameters, their documents numbered one after
 * another (index x's document d is the number of the documents before it
 * plus d).  Not thread-safe: one a thread (the scratch is its own). */
typedef struct {
    nd_index *const *ix;
    int n;
    uint64_t ndocs;       /* of all of them */
    unsigned k;
    size_t max_bucket;    /* a bucket of more documents is connected, not paired (lsh.c) */
    float threshold;      /* verified as pairs.c does: the MinHash estimate, as a float */
    uint64_t band_seed;   /* nd_index_band_seed of the run's sketch seed */
    nd_band_rec *keys;    /* scratch */
    uint64_t *cand;
    size_t ncand, cand_cap;
    nd_band_rec *idh;     /* (XXH3-64 of the id, number), sorted: made by the first nd_index_matcher_has_id */
} nd_index_matcher;

int nd_index_matcher_init(nd_index_matcher *m, nd_index *const *ix, int n, size_t max_bucket, double threshold,
                          uint64_t band_seed);
void nd_index_matcher_free(nd_index_matcher *m);

/* Whether some reference's id is id[0, len) (ids must be unique across
 * references and inputs, as with corpus references).  1 yes (*g: which),
 * 0 no, -1 out of memory. */
int nd_index_matcher_has_id(nd_index_matcher *m, const char *id, size_t len, uint64_t *g);

/* Fails (NEARDUP_E_INPUT, err naming the record, the index and its
 * document) when record r of ci (read by r) is not skipped and has the id
 * of a reference; NEARDUP_E_NOMEM; else NEARDUP_OK. */
int nd_index_matcher_check_id(nd_index_matcher *m, const nd_corpus_info *ci, const nd_reader *rd, uint64_t r,
                              nd_error *err);

/* Which index holds reference g, and its document there. */
const nd_index *nd_index_matcher_index(const nd_index_matcher *m, uint64_t g, uint64_t *doc);

/* Reference g's id, and its signature (NULL for an empty document). */
const char *nd_index_matcher_id(const nd_index_matcher *m, uint64_t g, size_t *len);
const uint32_t *nd_index_matcher_sig(const nd_index_matcher *m, uint64_t g);

/* The references sig (k lanes, not empty) shares a band key with and
 * reaches Jaccard >= threshold with: *refs (sorted numbers, *n of them,
 * valid until the next call).  self: sig's own number when it is a
 * reference's (left out), else UINT64_MAX.  A bucket of more than
 * max_bucket references gives only its first and last ones (its first and
 * self's neighbours for one of its members; everyone for its first), as
 * bucket_pairs connects such a bucket.  Returns NEARDUP_OK or
 * NEARDUP_E_NOMEM. */
int nd_index_match(nd_index_matcher *m, const uint32_t *sig, uint64_t self, const uint64_t **refs, size_t *n);

/* The pairs among the references reached from seeds[0, n) (numbers; any
 * order, repeats allowed), followed until no new reference is reached,
 * appended to *pairs (*np used, *cap allocated; a < b): with a corpus as
 * reference, references in one bucket pair up too, so a cluster's first
 * reference may be one the inputs never matched.  Returns NEARDUP_OK or
 * NEARDUP_E_NOMEM. */
int nd_index_join_refs(nd_index_matcher *m, const uint64_t *seeds, size_t n, nd_pair **pairs, size_t *np,
                       size_t *cap);

#endif
