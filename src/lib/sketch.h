/* sketch.h - a whole corpus to MinHash signatures (sketch.c), and signatures
 * to verified near-duplicate pairs (pairs.c). */
#ifndef ND_SKETCH_H
#define ND_SKETCH_H

#include "minhash.h"
#include "pipeline.h"
#include "reader.h"
#include "tokenize.h"

typedef struct {
    unsigned ngram;    /* words per shingle */
    unsigned k;        /* signature lanes */
    int keep_sets;     /* keep each document's sorted shingle set (for --exact) */
    int simhash;       /* compute 64-bit SimHash fingerprints */
    int digest;        /* compute XXH3-128 digests of the token streams (exact duplicates) */
    unsigned bands, rows; /* when bands > 0, also each document's LSH band keys (see nd_find_pairs) */
    uint64_t band_seed;
    nd_seeds seeds;
    int untimed;       /* no per-document step times (nd_pipeline_opts.untimed) */
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

/* ---------- one document: the kernel every caller runs (sketch_doc.c) ---------- */

/* What to make of one document's tokens.  The corpus sketcher (sketch.c),
 * the bounded-memory one (spill.c), the index (index_build.c, query.c via
 * nd_index_sketch) and the public sketcher (api.c) all call nd_sketch_doc,
 * so their signatures cannot drift apart. */
typedef struct {
    unsigned ngram;             /* words per shingle */
    const nd_seeds *seeds;      /* shingle_seed, sketch_seed */
    const nd_minhasher *mh;     /* the signature's k lanes and seed */
    int distinct;               /* sort and unique the shingles before MinHash: the set
                                 * (kept for --exact, counted by the index); MinHash of the
                                 * set equals MinHash of the shingles with repeats */
    int simhash;                /* SimHash of the shingles, with repeats */
    int digest;                 /* XXH3-128 digest of the token stream (exact duplicates) */
    unsigned bands, rows;       /* LSH band keys of the signature (bands 0: none) */
    uint64_t band_seed;
} nd_doc_sketch_opts;

/* Where nd_sketch_doc's results go (NULL: not wanted; only sig is required). */
typedef struct {
    uint32_t *sig;              /* k lanes */
    uint64_t *simhash;          /* with o->simhash */
    uint8_t *digest;            /* with o->digest: ND_DIGEST_BYTES */
    uint64_t *bandkey;          /* with bands: bands keys */
    size_t nshingles;           /* shingles (distinct with o->distinct) */
} nd_doc_sketch;

/* A sketching worker's per-thread state on the pipeline: the kernel's
 * scratch and the signature's minhasher.  For nd_pipeline_fns.thread_init
 * and thread_free: the user pointer must point to a struct whose first
 * member is the const nd_sketch_opts * (sketch.c's, spill.c's and the MPI
 * driver's contexts are). */
typedef struct {
    uint64_t *sh;      /* shingle scratch */
    size_t cap;
    nd_minhasher *mh;
} nd_sketch_thread;
void *nd_sketch_thread_init(void *u);
void nd_sketch_thread_free(void *u, void *ts);

/* The sketching worker that dedup --memory (spill.c) and MPI share (sketch_doc.c): each document's
 * shingles, 16-byte digest (exact duplicates) and MinHash go into a
 * per-batch nd_sketch_batch, dense over the records `doc` was called for.
 * Fills every callback but collect; f->user must point to a struct whose
 * first member is a `const nd_sketch_opts *`. */
typedef struct {
    uint32_t *sig; /* n * k */
    uint32_t *nsh; /* shingles (with repeats) per document */
    uint8_t *dg;   /* n * ND_DIGEST_BYTES */
    size_t n, cap;
    double t_shingle, t_digest, t_sketch;
    uint64_t big_need, big_doc; /* the batch's largest record (nd_spill_stats) */
} nd_sketch_batch;
void nd_sketch_worker_fns(nd_pipeline_fns *f);

/* Seconds per step, added to (for --timings; NULL: not timed). */
typedef struct {
    double shingle, digest, sketch, band_keys;
} nd_doc_sketch_times;

/* tok -> shingles (in *scratch: the set with o->distinct, in
 * [0, out->nshingles)) -> signature, SimHash, digest, band keys.  *scratch
 * (capacity *cap) grows as needed.  Returns NEARDUP_OK or NEARDUP_E_NOMEM. */
int nd_sketch_doc(const nd_tokens *tok, const nd_doc_sketch_opts *o, uint64_t **scratch, size_t *cap,
                  nd_doc_sketch *out, nd_doc_sketch_times *t);

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
