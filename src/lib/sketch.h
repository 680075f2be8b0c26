/* sketch.h - a whole corpus to MinHash signatures (sketch.c), and signatures
 * to verified near-duplicate pairs (pairs.c). */
#ifndef ND_SKETCH_H
#define ND_SKETCH_H

#include "pipeline.h"

typedef struct {
    unsigned ngram;    /* words per shingle */
    unsigned k;        /* signature lanes */
    int keep_sets;     /* keep each document's sorted shingle set (for --exact) */
    int simhash;       /* compute 64-bit SimHash fingerprints */
    int digest;        /* compute XXH3-128 digests of the token streams (exact duplicates) */
    unsigned bands, rows; /* when bands > 0, also each document's LSH band keys (see nd_find_pairs) */
    uint64_t band_seed;
    nd_seeds seeds;
} nd_sketch_opts;

/* Signatures of every record, by record index. */
typedef struct {
    uint64_t n;          /* records (skipped ones included, flagged empty) */
    unsigned k;
    uint32_t *sig;       /* n * k lanes */
    uint32_t *nshingles; /* shingles per record: distinct with keep_sets, else counted
                          * with repeats (MinHash ignores repeats, and sorting only to
                          * count them cost 12% of dedup); 0 = empty or skipped */
    uint64_t *set;       /* with keep_sets: all sets, concatenated */
    uint64_t *set_off;   /* n + 1 offsets into set */
    uint64_t *simhash;   /* with simhash: n fingerprints */
    uint8_t *digest;     /* with digest: n * ND_DIGEST_BYTES */
    uint64_t **bandkey;  /* with bands: bandkey[b][i] = document i's key in band b, computed
                          * while the signature was in cache (banding after the fact missed
                          * the cache once a band and document: 10% of dedup's wall time);
                          * one array a band, so banding reads each band's keys in a row */
    unsigned bands, rows;
    uint64_t band_seed;
    size_t cap, set_len, set_cap;
    size_t sig_mapped, *bk_mapped; /* bytes of sig and of each bandkey[b] mapped in (nd_prefault_ahead) */
    size_t sig_cap, bk_cap; /* documents sig and the bands' one mapping (bands * bk_cap keys) hold:
                             * both nd_map_alloc'ed, for huge pages (collecting into fresh 4 KiB
                             * pages was a sixth of the reading thread's time) */
    double t_shingle, t_digest, t_sketch, t_band_keys; /* summed over threads */
} nd_sketches;

void nd_sketches_free(nd_sketches *s);

/* Reads, tokenizes, shingles and sketches everything r yields. */
int nd_sketch_corpus(nd_reader *r, const nd_pipeline_opts *po, const nd_sketch_opts *so,
                     nd_sketches *out, nd_corpus_info *ci, nd_error *err);

typedef struct {
    uint32_t a, b;
    float score;  /* Jaccard (estimated, or exact with verify_exact), or containment */
    int hamming;  /* SimHash distance; -1 for the other metrics */
} nd_scored_pair;

typedef struct {
    double threshold;
    unsigned bands, rows; /* 0 = chosen from threshold */
    int verify_exact;     /* verify on the shingle sets (needs keep_sets) */
    size_t max_bucket;    /* see nd_lsh_candidates; SIZE_MAX for all pairs */
    uint64_t band_seed;
    const uint32_t *skip; /* when set, documents with skip[i] != i take no part */
    unsigned threads;     /* bands shared among this many threads (0 = 1) */
    int connect_only;     /* only a spanning forest of the accepted pairs: the same
                           * components (clusters), far fewer scores; candidates
                           * then counts the pairs scored */
} nd_pairs_opts;

typedef struct {
    uint64_t band_records, candidates, accepted;
    unsigned bands, rows;
    double t_band, t_verify;
} nd_pairs_stats;

/* LSH candidates from the signatures, kept when their (estimated or exact)
 * Jaccard >= threshold (with connect_only, only those that joined two
 * components).  Pairs come sorted by (a, b).  Empty documents never
 * pair.  *out is malloc'ed (caller frees). */
int nd_find_pairs(const nd_sketches *s, const nd_pairs_opts *o, nd_scored_pair **out, size_t *nout,
                  nd_pairs_stats *st, nd_error *err);

/* Pairs whose containment |A n B| / min(|A|, |B|) of shingle sets is >= t
 * (needs keep_sets), from an inverted index of shingles found in at most
 * max_df documents (see containment.c).  *ncand: pairs counted. */
int nd_containment_pairs(const nd_sketches *s, double t, uint64_t max_df, nd_scored_pair **out,
                         size_t *nout, uint64_t *ncand);

#endif
