/* nd.h - internal interfaces between neardup's stages.
 *
 * Every stage is a plain function over plain arrays.  Nothing here holds global
 * state; scratch memory lives in small handles owned by the caller, so two
 * threads with two handles never share anything mutable.
 *
 *   corpus.c   inputs -> raw records (JSONL lines or whole files), batched
 *   record.c   raw record -> (id, text) (jansson for JSONL)
 *   tokenize.c text -> token hashes + byte spans (utf8proc, NFKC + case fold)
 *   shingle.c  token hashes -> word n-gram hashes (XXH3 over n token hashes)
 *   minhash.c  n-gram hashes -> k-lane signature (one permutation + densification)
 *   lsh.c      signatures -> band records -> candidate pairs (sorting, no maps)
 *   cluster.c  accepted pairs -> union-find clusters
 *   align.c    two token arrays -> shared passages
 *   edits.c    a passage's two token ranges -> its word edit script and counts
 */
#ifndef ND_H
#define ND_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "neardup.h"

/* ---------- errors ---------- */

/* An error as it travels between stages: a public code plus a message that
 * already names the file, line/record and byte offset where there is one. */
typedef struct {
    int code; /* neardup_status */
    char msg[768];
} nd_error;

/* Sets err (if not NULL) and returns code; printf-style message. */
int nd_fail(nd_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Process exit status for a status code: 0 ok, 2 usage/bad input, 1 other. */
int nd_exit_status(int code);

/* ---------- small growable arrays ---------- */

/* Grows *ptr (of elements of size elem) so that it holds at least need
 * elements; *cap tracks capacity.  Returns 0, or -1 on out of memory (the old
 * block stays valid). */
int nd_grow(void **ptr, size_t *cap, size_t need, size_t elem);
/* Maps in the pages of base[from..to) at once (Linux MADV_POPULATE_WRITE):
 * half the cost of faulting them in one by one, which on a VM is ~3 ms a MB.
 * For large arrays about to be filled; does nothing where unsupported. */
void nd_prefault(void *base, size_t from, size_t to);
/* For an array filled front to back (cap bytes allocated, the first *done
 * already mapped in): maps in at least up to need bytes, 4 MiB at a time and
 * never past cap, so resident memory stays near what is used.  A realloc
 * keeps *done valid (it moves or copies the mapped part). */
void nd_prefault_ahead(void *base, size_t *done, size_t need, size_t cap);
/* A large array mapped on its own, 2 MiB aligned, with transparent huge pages
 * asked for (Linux MADV_HUGEPAGE): one fault maps 2 MiB instead of 4 KiB.
 * Zero-filled.  NULL when out of memory.  Free with nd_map_free(p, bytes). */
void *nd_map_alloc(size_t bytes);
/* Grows p (old_bytes, from nd_map_alloc; NULL: a new array) to new_bytes,
 * contents kept (the pages move, nothing is copied); NULL when out of
 * memory, p then still valid. */
void *nd_map_realloc(void *p, size_t old_bytes, size_t new_bytes);
/* nd_grow for nd_map_alloc'ed arrays (free with nd_map_free(*ptr, *cap * elem)). */
int nd_map_grow(void **ptr, size_t *cap, size_t need, size_t elem);
void nd_map_free(void *p, size_t bytes);
/* A zstd stream decoder whose window is an nd_map_alloc mapping (zstd_mem.c);
 * free it with ZSTD_freeDCtx. */
struct ZSTD_DCtx_s *nd_zstd_dctx_new(void);

/* ---------- threads ---------- */

/* Runs fn(arg, i) for i in [0, n) on threads threads (this one included),
 * which take items from a shared counter (parallel.c).  label: a progress bar
 * on standard error drawn by this thread (NULL: none).  Stops handing out
 * items after a failure.  Returns NEARDUP_OK, or NEARDUP_E_NOMEM if fn
 * failed (returned non-zero) for some item. */
int nd_parallel_for(size_t n, unsigned threads, int (*fn)(void *, size_t), void *arg, const char *label);
/* The same where item i stands for `per` units of `total` (blocks of work):
 * the bar counts units. */
int nd_parallel_for_blocks(size_t n, size_t per, size_t total, unsigned threads, int (*fn)(void *, size_t),
                           void *arg, const char *label);

/* ---------- sorting ---------- */

/* Stable sorts by key (sort.c): a pass on the top bits, then insertion or
 * LSD radix sort within buckets.  Return NEARDUP_OK or NEARDUP_E_NOMEM. */
int nd_sort_u64(uint64_t *a, size_t n);

/* ---------- hashing keys ---------- */

/* All hash seeds derive from one 64-bit seed, or from a secret key (issue 7).
 * The default seed is fixed and documented so results are reproducible. */
#define ND_DEFAULT_SEED UINT64_C(0x6e6561726475703a) /* "neardup:" */

/* Bytes of the XXH3 secret used for tokens in keyed mode (XXH3 needs >= 136). */
#define ND_SECRET_BYTES 192

typedef struct {
    uint64_t token_seed;   /* XXH3 seed for normalised token bytes */
    uint64_t shingle_seed; /* XXH3 seed for n-gram hashes */
    uint64_t sketch_seed;  /* MinHash / SimHash / band-key seed */
    uint64_t anchor_seed;  /* overlap anchor selection */
    /* Keyed mode: tokens are hashed with XXH3 and this secret (derived from
     * the key with BLAKE2b) instead of a 64-bit seed, so token hashes, and
     * everything built on them, are unpredictable without the key. */
    int keyed;
    unsigned char token_secret[ND_SECRET_BYTES];
} nd_seeds;

/* Derives the four seeds from a base seed (splitmix64 steps). */
void nd_seeds_from_seed(nd_seeds *s, uint64_t seed);

/* The finaliser of MurmurHash3 (fmix64): a bijection on 64 bits, so distinct
 * inputs stay distinct, with every bit of the input in every bit of the
 * output.  The one mixer of MinHash, SimHash, anchors and fingerprints. */
static inline uint64_t nd_fmix64(uint64_t x)
{
    x ^= x >> 33;
    x *= UINT64_C(0xff51afd7ed558ccd);
    x ^= x >> 33;
    x *= UINT64_C(0xc4ceb9fe1a85ec53);
    x ^= x >> 33;
    return x;
}

/* ---------- tokens ---------- */

/* Byte range [start, end) of a token in the original text. */
typedef struct {
    uint32_t start, end;
} nd_span;

/* Tokens of one text: parallel arrays, reused across documents. */
typedef struct {
    uint64_t *hash; /* XXH3(token_seed) of the normalised (NFKC + casefold) token */
    nd_span *span;
    size_t n, cap;
} nd_tokens;

void nd_tokens_free(nd_tokens *t);

typedef struct nd_tokenizer nd_tokenizer;

/* Creates a tokenizer with its own scratch buffers.  lossy != 0 treats
 * invalid UTF-8 bytes as separators (and counts them) instead of failing. */
nd_tokenizer *nd_tokenizer_create(uint64_t token_seed, int lossy);
/* Keyed mode: hash tokens with XXH3_64bits_withSecret(secret of
 * ND_SECRET_BYTES, copied) instead of the seed. */
void nd_tokenizer_set_secret(nd_tokenizer *tk, const unsigned char *secret);
void nd_tokenizer_free(nd_tokenizer *tk);

/* Tokenizes text[0..len).  Words are runs of Unicode letters, digits and
 * combining marks; each Han / kana / Hangul / Thai (etc.) character written
 * without spaces is a token of its own.  Each token is normalised with NFKC +
 * case fold and hashed once.  Returns NEARDUP_OK, or NEARDUP_E_UTF8 with
 * *bad_offset = byte offset of the first invalid sequence (strict mode), or
 * NEARDUP_E_NOMEM.  *replaced (may be NULL) receives the number of invalid
 * bytes skipped in lossy mode.  Texts over 4 GiB are refused (NEARDUP_E_INPUT). */
int nd_tokenize(nd_tokenizer *tk, const char *text, size_t len, nd_tokens *out,
                size_t *bad_offset, size_t *replaced);

/* The same tokens from the byte-at-a-time tokenizer alone (nd_tokenize's
 * reference; for tests and benchmarks). */
int nd_tokenize_scalar(nd_tokenizer *tk, const char *text, size_t len, nd_tokens *out,
                       size_t *bad_offset, size_t *replaced);

/* The tokenizer's 64-byte classifier: plain C, the portable default of the
 * build (SSE2 on x86-64), AVX2, AVX-512BW.  nd_tokenizer_create picks the best
 * the CPU runs; nd_tokenizer_simd(tk, level) lowers it to level (at most the
 * best; level < 0 changes nothing) and returns the one in use.  All give the
 * same tokens; for tests and benchmarks. */
enum { ND_SIMD_C, ND_SIMD_BASE, ND_SIMD_AVX2, ND_SIMD_AVX512 };
int nd_tokenizer_simd(nd_tokenizer *tk, int level);

/* The normalised form of one token, for tests and display: writes at most cap
 * bytes (NUL-terminated) to buf and returns the full length, or -1 on bad input. */
long nd_normalize_token(nd_tokenizer *tk, const char *s, size_t len, char *buf, size_t cap);

/* ---------- shingles ---------- */

/* Word n-gram hashes: out[i] = XXH3_64bits_withSeed(&tok[i], n * 8, seed) for
 * i in [0, ntok - n]; a text of 1..n-1 tokens gives one shingle over all its
 * tokens, an empty text none.  out must hold nd_shingle_count(ntok, n)
 * entries.  Returns the number written.  Duplicates are kept (sets are formed
 * by the consumers that need them). */
size_t nd_shingle_count(size_t ntok, unsigned n);
size_t nd_shingle(const uint64_t *tok, size_t ntok, unsigned n, uint64_t seed, uint64_t *out);
/* nd_shingle with the AVX-512 path (5-grams, CPUs with AVX-512F/DQ) only when
 * level >= ND_SIMD_AVX512 (see nd_tokenizer_simd); the same hashes. */
size_t nd_shingle_simd(const uint64_t *tok, size_t ntok, unsigned n, uint64_t seed, uint64_t *out, int level);

/* Sorts and uniques a hash array in place; returns the new length. */
size_t nd_hash_set(uint64_t *h, size_t n);

/* |A n B| / |A u B| of two sorted unique hash arrays (0 when both empty). */
double nd_set_jaccard(const uint64_t *a, size_t na, const uint64_t *b, size_t nb);
/* |A n B| of two sorted unique hash arrays. */
size_t nd_set_intersection(const uint64_t *a, size_t na, const uint64_t *b, size_t nb);

/* ---------- MinHash ---------- */

/* One-permutation MinHash with optimal densification (Shrivastava 2017):
 * one mixing step per shingle, k bins, an empty bin borrowing the minimum of
 * the first filled bin of a seeded probe sequence.  A filled bin's lane is
 * its minimum's 32-bit value; a borrowing lane is a 32-bit hash of that
 * minimum's whole 64-bit mixed hash and of the lane, so that every lane of a
 * short document carries bits of its own (see lane_value in minhash.c).
 * sig gets k 32-bit lanes.  m == 0 gives an all-ones signature; callers
 * treat documents without shingles as "empty". */
void nd_minhash(const uint64_t *shingles, size_t m, unsigned k, uint64_t seed, uint32_t *sig);

/* The same signatures faster for documents with few shingles: a handle that
 * holds the seed's densification table (k x k x 2 bytes for k <= 256, built
 * in about k^2 ln k probes: 0.1-1 ms), read-only once made, so threads may
 * share one.  NULL when out of memory.  nd_minhasher_free(NULL) is a no-op. */
typedef struct nd_minhasher nd_minhasher;
nd_minhasher *nd_minhasher_new(unsigned k, uint64_t seed);
void nd_minhasher_free(nd_minhasher *mh);
/* nd_minhash(shingles, m, k, seed, sig) with mh's k and seed. */
void nd_minhash_sig(const nd_minhasher *mh, const uint64_t *shingles, size_t m, uint32_t *sig);
/* The same signature by the plain loop (nd_minhash's reference, for tests). */
void nd_minhash_ref(const uint64_t *shingles, size_t m, unsigned k, uint64_t seed, uint32_t *sig);

/* Classic k-permutation MinHash (k multiply-add per shingle), kept for the
 * benchmarks and the unbiasedness test that compares the two. */
void nd_minhash_kperm(const uint64_t *shingles, size_t m, unsigned k, uint64_t seed, uint32_t *sig);

/* Fraction of equal lanes: an unbiased estimate of Jaccard. */
double nd_minhash_jaccard(const uint32_t *a, const uint32_t *b, unsigned k);

/* ---------- LSH ---------- */

/* Bands and rows (bands * rows <= k) minimising the probability of a false
 * positive plus a false negative at threshold t (see lsh.c for the formula). */
void nd_lsh_params(double t, unsigned k, unsigned *bands, unsigned *rows);
/* The S-curve: the probability 1 - (1 - s^rows)^bands that a pair of
 * Jaccard s shares a band, so becomes a candidate. */
double nd_lsh_p_candidate(double s, unsigned bands, unsigned rows);
/* The expected error rates of banding at threshold t (neardup explain):
 * *fn, the mean probability that a pair of Jaccard uniform in [t, 1] never
 * becomes a candidate (a lost pair); *fp, the mean probability that a pair
 * of Jaccard uniform in [0, t) does (verified and dropped: time, not
 * precision). */
void nd_lsh_rates(double t, unsigned bands, unsigned rows, double *fn, double *fp);

typedef struct {
    uint64_t key; /* hash of (band index, the band's rows) */
    uint32_t doc;
    uint32_t pad;
} nd_band_rec;

/* The seed of band keys, from the sketch seed: one definition, so that
 * `pairs`, `dedup` and the index always agree on band keys. */
static inline uint64_t nd_band_seed(uint64_t sketch_seed)
{
    return sketch_seed ^ UINT64_C(0x62616e6473); /* "bands" */
}

/* Band b's record of one signature. */
nd_band_rec nd_lsh_band_record(const uint32_t *sig, unsigned b, unsigned rows, uint64_t seed,
                               uint32_t doc);

/* The keys of all bands of one signature (those of nd_lsh_band_record) into key[0..bands). */
void nd_lsh_band_keys(const uint32_t *sig, unsigned bands, unsigned rows, uint64_t seed, uint64_t *key);
/* Writes the bands band records of one signature. */
void nd_lsh_band_records(const uint32_t *sig, unsigned bands, unsigned rows, uint64_t seed,
                         uint32_t doc, nd_band_rec *out);

typedef struct {
    uint32_t a, b; /* a < b, document indexes in input order */
} nd_pair;

int nd_sort_band_recs(nd_band_rec *a, size_t n); /* by key; stable (sort.c) */

/* Sorts recs by key (stable: give them in document order) and returns every
 * pair of documents that share a key, each pair once, sorted by (a, b).  A
 * bucket of more than max_bucket documents yields only pairs that connect its
 * members (first-to-each and neighbours), not all of them: use SIZE_MAX where
 * every pair is wanted.  *pairs is malloc'ed (caller frees).
 * Returns NEARDUP_OK or NEARDUP_E_NOMEM. */
int nd_lsh_candidates(nd_band_rec *recs, size_t nrec, size_t max_bucket, nd_pair **pairs,
                      size_t *npairs);

/* The bucket pairs of recs (sorted by key first, stably), appended to *pairs
 * (n used, cap allocated) without removing duplicates: for callers that band
 * one band at a time and call nd_pairs_unique once at the end. */
int nd_lsh_append_candidates(nd_band_rec *recs, size_t nrec, size_t max_bucket, nd_pair **pairs,
                             size_t *n, size_t *cap);

/* Sorts pairs by (a, b) and removes duplicates; returns the new count. */
size_t nd_pairs_unique(nd_pair *p, size_t n);

/* ---------- clusters ---------- */

/* Union-find over pairs on ndocs documents; rep[i] receives the smallest
 * document index in i's cluster (so the first document in input order is the
 * one kept).  Returns NEARDUP_OK or NEARDUP_E_NOMEM. */
int nd_cluster(size_t ndocs, const nd_pair *pairs, size_t npairs, uint32_t *rep);

/* Which document of a cluster is kept (dedup --keep). */
enum { ND_KEEP_FIRST, ND_KEEP_LONGEST, ND_KEEP_SHORTEST, ND_KEEP_MAX, ND_KEEP_MIN, ND_KEEP_NONE };

/* Per-document arrays of n entries, allocated by the caller. */
typedef struct {
    uint8_t *kept;     /* 1: written */
    uint32_t *anchor;  /* what a removed document is counted a duplicate of: its cluster's kept
                        * document, else (a reference in the cluster) its first reference, else
                        * (--keep none) its first member (the second, for the first); itself
                        * when kept, a reference or skipped */
    uint32_t *cluster; /* its cluster's number, 0, 1, ... in the order of the clusters' first
                        * input documents (singletons included); UINT32_MAX for references
                        * and skipped records */
    uint64_t nclusters, kept_n, removed, by_ref; /* by_ref: removed for a reference */
} nd_choice;

/* From the clusters of nd_cluster (rep: each document's smallest member):
 * documents [0, nref) are references, never kept, and a cluster holding one
 * keeps none of its inputs; else mode chooses the kept member: the first,
 * or the largest (LONGEST, MAX) or smallest (SHORTEST, MIN) key[i] (ties:
 * the first of them; key NULL for FIRST and NONE), or NONE keeps no member
 * of a cluster of two or more.  Depends only on rep and key, never on the
 * order pairs were found in.  skipped may be NULL.  Returns NEARDUP_OK or
 * NEARDUP_E_NOMEM. */
int nd_cluster_choose(size_t n, const uint32_t *rep, size_t nref, const uint8_t *skipped, int mode,
                      const double *key, nd_choice *c);

/* ---------- SimHash, exact duplicates (simhash.c, exact.c) ---------- */

/* Charikar SimHash of a document's shingles (with repeats: a shingle weighs
 * its count). */
uint64_t nd_simhash(const uint64_t *shingles, size_t m, uint64_t seed);
/* The expected Hamming distance of the 64-bit SimHashes of two documents of
 * Jaccard j (of equal size, shingles counted once): a bit differs with
 * probability angle / pi (Charikar 2002), and the sets' cosine is
 * 2j / (1 + j), so 64 arccos(2j / (1 + j)) / pi. */
double nd_simhash_distance_for(double j);

/* Every pair of live documents whose fingerprints are at most d bits apart,
 * by permuted tables (never all pairs); sorted by (a, b), each once. */
int nd_simhash_pairs(const uint64_t *fp, const uint8_t *live, size_t n, unsigned d, nd_pair **out,
                     size_t *nout);

#define ND_DIGEST_BYTES 16

/* XXH3-128 of the token hash stream: equal for documents whose
 * normalised words are equal. */
void nd_digest_tokens(const nd_tokens *t, uint8_t out[ND_DIGEST_BYTES]);

/* rep[i] = the first live document (input order) with i's digest, or i.
 * Returns NEARDUP_OK or NEARDUP_E_NOMEM. */
int nd_exact_groups(const uint8_t *digest, const uint8_t *live, size_t n, uint32_t *rep);

/* ---------- alignment ---------- */

typedef struct {
    uint32_t a_tok, a_tok_end; /* token range [a_tok, a_tok_end) in A */
    uint32_t b_tok, b_tok_end;
    uint32_t a_start, a_end;   /* byte range in A's original text */
    uint32_t b_start, b_end;
    /* How the words align (nd_passage_edits, edits.c): words = matches +
     * substituted + inserted + deleted, one column each, from the edit
     * script of the two token ranges; inserted words are B's, deleted A's. */
    uint32_t words;            /* aligned word columns */
    uint32_t matches;          /* matching words */
    double identity;           /* matches / words */
    uint32_t substituted;      /* a word of A aligned with another word of B */
    uint32_t inserted;         /* words of B aligned with nothing in A */
    uint32_t deleted;          /* words of A aligned with nothing in B */
    uint32_t sentences;        /* rewritten passages (reuse.h): the sentence pairs that seeded it; 0: exact */
    float similarity;          /* rewritten passages: tf-isf cosine of its two sides */
} nd_passage;

typedef struct {
    unsigned min_words; /* report passages of at least this many words (default 20) */
    unsigned seed_len;  /* exact word seed length (default 5 = shingle n) */
    unsigned max_gap;   /* largest run of edited words bridged inside a passage (default 8) */
    double min_identity;/* drop passages below this identity (default 0.5) */
    unsigned merge;     /* k-gram merge: ND_MERGE_AUTO (default: the widest this CPU runs), or one
                         * forced, for tests and benchmarks (unsupported: the portable one) */
    int verbatim;       /* 1: exact aligner only; 0 (default): also rewritten passages (reuse.h) */
    const char *language; /* stemmer and stop words of the edited aligner (NULL: English) */
} nd_align_opts;

enum { ND_MERGE_AUTO, ND_MERGE_PORTABLE, ND_MERGE_AVX2, ND_MERGE_AVX512 };

void nd_align_opts_default(nd_align_opts *o);

/* A word's id for alignment: the low half of its token hash.  4 bytes a
 * word where overlap holds every document's words at once; two words of a
 * pair collide with probability 2^-32 (a false match inside a gap). */
static inline uint32_t nd_word_id(uint64_t hash) { return (uint32_t)hash; }

/* t's word ids (malloc'ed, t->n of them), or NULL when out of memory. */
uint32_t *nd_word_ids(const nd_tokens *t);

/* A text's word k-grams sorted by key, then position: key[i] is the top 32
 * bits of XXH3 of k word ids, and the k-gram's position is pos16[i] (texts
 * of at most 65536 k-grams) or pos32[i].  Computed once per text, they let
 * nd_align_kgrams pair two texts by a linear merge, which streams only the
 * keys (4 bytes a word: overlap holds the k-grams of every candidate
 * document, so memory and memory traffic are what the merge costs) and
 * reads a position only where keys match.  Two texts of m and n words share
 * a false 32-bit key with probability about m n / 2^32 (2e-5 for two
 * 300-word articles); one false 5-word seed cannot make a passage of
 * min_words (>= 2 seeds), it can at most sit in a gap. */
typedef struct {
    uint32_t *key;
    uint16_t *pos16;
    uint32_t *pos32;
    size_t n;
} nd_kgrams;

#define ND_KGRAM_POS16_MAX 65536

size_t nd_kgram_count(size_t ntok, unsigned k);

/* Bytes the k-grams of a text of ntok words take (a multiple of 4). */
size_t nd_kgram_bytes(size_t ntok, unsigned k);

/* The k-grams of a text of ntok words laid out in mem by nd_kgrams_fill. */
nd_kgrams nd_kgrams_view(void *mem, size_t ntok, unsigned k);

/* The k-grams of ntok word ids into mem (nd_kgram_bytes of them, 4-byte
 * aligned); *g points into mem.  Returns NEARDUP_OK, NEARDUP_E_NOMEM or
 * NEARDUP_E_INPUT (2^32 k-grams or more). */
int nd_kgrams_fill(const uint32_t *id, size_t ntok, unsigned k, void *mem, nd_kgrams *g);

/* The same into memory of its own: free it with nd_kgrams_free. */
int nd_kgrams_make(const uint32_t *id, size_t ntok, unsigned k, nd_kgrams *g);
void nd_kgrams_free(nd_kgrams *g);

/* Working memory for aligning one pair after another (one per thread). */
typedef struct nd_align_scratch nd_align_scratch;
nd_align_scratch *nd_align_scratch_new(void);
void nd_align_scratch_free(nd_align_scratch *sc);

/* nd_align on word ids alone (nta words in A) and their sorted k-grams
 * (k = o->seed_len), in sc (NULL: its own): the passages' token ranges are
 * set, their byte ranges left 0 for the caller (nd_passage_bytes).  *out
 * stays NULL when no passage is found. */
int nd_align_ids(const uint32_t *ida, size_t nta, const nd_kgrams *ga, const uint32_t *idb, const nd_kgrams *gb,
                 const nd_align_opts *o, nd_align_scratch *sc, nd_passage **out, size_t *nout);

/* Sets the np passages' byte ranges from the two texts' token spans. */
void nd_passage_bytes(nd_passage *p, size_t np, const nd_span *sa, const nd_span *sb);

/* nd_align_ids with the byte ranges set from ta's and tb's spans (ida, idb:
 * their word ids, so that a text aligned with many others converts once). */
int nd_align_kgrams(const nd_tokens *ta, const uint32_t *ida, const nd_kgrams *ga, const nd_tokens *tb,
                    const uint32_t *idb, const nd_kgrams *gb, const nd_align_opts *o, nd_align_scratch *sc,
                    nd_passage **out, size_t *nout);

/* Finds the passages A and B share.  ta/tb are the token arrays of the two
 * texts (hashes + spans).  Passages come back sorted by a_start, then
 * b_start; *out is malloc'ed (caller frees).  Runs in about
 * O((|A| + |B|) log + seeds) time; never quadratic in text length for texts
 * without massive self-repetition.  Returns NEARDUP_OK or NEARDUP_E_NOMEM. */
int nd_align(const nd_tokens *ta, const nd_tokens *tb, const nd_align_opts *o, nd_passage **out,
             size_t *nout);

/* ---------- word edits (edits.c) ---------- */

/* How two runs of word ids align, as an edit script turning A into B: runs
 * of matching words, substituted words (one of A in place of one of B),
 * inserted words (B's, not in A) and deleted words (A's, not in B).
 * The matches are a longest common subsequence (Myers' O(ND) algorithm,
 * linear space); between two matches, the unmatched words are paired in
 * order as substitutions, the longer side's rest being deletions or
 * insertions.  Cost O((n + m) D) for D words outside the common
 * subsequence, O(n + m) memory; very dissimilar long runs are split at a
 * good (not always optimal) point once a search passes 2^23 steps. */
enum { ND_EDIT_MATCH, ND_EDIT_SUB, ND_EDIT_INS, ND_EDIT_DEL };

typedef struct {
    uint32_t op;  /* ND_EDIT_* */
    uint32_t len; /* words (for a substitution: of each side) */
} nd_edit_run;

/* A script and the scratch that computes it, reused from call to call
 * (zero-initialise; free with nd_edit_script_free). */
typedef struct {
    nd_edit_run *run; /* in order along both texts; no two neighbours share an op */
    size_t n, cap;
    long *v;          /* the searches' furthest points */
    size_t v_cap;
} nd_edit_script;

void nd_edit_script_free(nd_edit_script *s);

/* The script of a[0, na) against b[0, nb) into s (replacing what it held).
 * Returns NEARDUP_OK, NEARDUP_E_NOMEM or NEARDUP_E_INPUT (2^32 words). */
int nd_edit_align(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, nd_edit_script *s);

typedef struct {
    uint32_t matches, substituted, inserted, deleted;
} nd_edit_counts;

nd_edit_counts nd_edit_count(const nd_edit_script *s);

/* Sets the np passages' words, matches, identity, substituted, inserted and
 * deleted from the edit script of their token ranges in ida and idb (the
 * word ids they were aligned on).  s: scratch (NULL: its own). */
int nd_passage_edits(nd_passage *p, size_t np, const uint32_t *ida, const uint32_t *idb, nd_edit_script *s);

/* A run of edited words on one side: words [start, end) counted from the
 * start of the side's range (nd_edit_marks), or, once mapped through the
 * spans, bytes [start, end) of its text; op is ND_EDIT_SUB, or ND_EDIT_DEL
 * (side A) / ND_EDIT_INS (side B). */
typedef struct {
    uint32_t start, end, op;
} nd_edit_mark;

/* The edited words of s on each side, in order: *ma for A (substituted and
 * deleted), *mb for B (substituted and inserted); malloc'ed (free both). */
int nd_edit_marks(const nd_edit_script *s, nd_edit_mark **ma, size_t *na, nd_edit_mark **mb, size_t *nb);

/* ---------- corpus reading ---------- */

/* Input formats (--input-format): how a file's bytes become records. */
enum { ND_FORMAT_AUTO, ND_FORMAT_TEXT, ND_FORMAT_JSONL, ND_FORMAT_HTML, ND_FORMAT_WARC };

/* A raw record: one JSONL line (without its newline), one whole plain file
 * or HTML page, or one WARC record (header and block). */
typedef struct {
    size_t off;     /* offset of the bytes in the batch buffer */
    size_t len;
    uint32_t input; /* index of the input file (nd_reader_path) */
    uint32_t jsonl; /* 1 for a JSONL line, 0 otherwise */
    uint64_t line;  /* 1-based line number for JSONL, record number for WARC, 0 for whole files */
    uint32_t format; /* ND_FORMAT_TEXT, _HTML or _WARC when not JSONL (0: text) */
    uint64_t offset; /* WARC: byte offset of the record in the (decompressed) file */
} nd_raw_record;

/* A batch of raw records; owns its memory and is reused from batch to batch.
 * A JSONL record is followed in buf by one '\n' (outside its len). */
typedef struct {
    char *buf;
    size_t len, cap;
    nd_raw_record *rec;
    size_t n, cap_rec;
    uint64_t first_doc; /* index (input order) of rec[0] among all records */
} nd_batch;

void nd_batch_free(nd_batch *b);

typedef struct {
    int follow_symlinks; /* follow symlinks found inside directories (default 1; loops are detected) */
    /* Asked about each regular file a directory walk finds (NULL: none):
     * non-zero leaves it out.  path: as listed; name: its entry in the
     * directory of identity (dir_dev, dir_ino); (dev, ino): the file's.  The
     * CLI leaves out the run's own outputs and their temporary files, and
     * says so (cli_output.c). */
    int (*skip)(void *ctx, const char *path, const char *name, uint64_t dir_dev, uint64_t dir_ino,
                uint64_t dev, uint64_t ino);
    void *skip_ctx;
    int input_format;    /* ND_FORMAT_*: AUTO (default) by name, then by content; else every input */
    int include_hidden;  /* walks also take hidden files, _SUCCESS and *.crc (default 0) */
    const char *const *include, *const *exclude; /* walks: globs (NULL-terminated lists; NULL: none) */
} nd_reader_opts;

typedef struct nd_reader nd_reader;

/* Expands the inputs into an ordered list of files: a directory is walked
 * recursively, its regular files taken in byte-wise sorted path order; "-"
 * is standard input.  Files ending in .jsonl or .ndjson (optionally followed
 * by .gz or .zst) are JSONL, .html / .htm HTML, .warc / .wet WARC, .txt
 * text; other names are told by their first bytes (corpus.c: sniff), or
 * o->input_format decides for every input.  Walks leave out hidden files,
 * _SUCCESS and *.crc (unless o->include_hidden) and apply o->include /
 * o->exclude.  Fails (NULL + err) on a
 * missing or unreadable input or a directory loop. */
nd_reader *nd_reader_open(const char *const *inputs, size_t ninputs, const nd_reader_opts *o,
                          nd_error *err);
void nd_reader_free(nd_reader *r);

/* Appends whole records to b (after clearing it) until about target bytes
 * or 4096 records are in it (at least one record).  Returns 1 when b holds records, 0 at the
 * end of all inputs, or a negative neardup_status with err set (a decompression
 * error, a read error, a truncated compressed stream), naming the file. */
int nd_reader_next(nd_reader *r, nd_batch *b, size_t target, nd_error *err);

size_t nd_reader_count(const nd_reader *r);          /* number of files */
/* The files the first nargs arguments of nd_reader_open expanded to: they
 * come first, in that order (dedup --against puts the references there). */
size_t nd_reader_arg_files(const nd_reader *r, size_t nargs);
/* WARC records read so far that are not documents (warcinfo, request,
 * metadata, responses that are not HTML or text): *total of them, and a
 * note "3 request, 1 warcinfo" (cap bytes) of up to 8 kinds. */
size_t nd_reader_other_records(const nd_reader *r, uint64_t *total, char *note, size_t cap);
const char *nd_reader_path(const nd_reader *r, uint32_t input); /* "-" for stdin */

/* Re-opens the inputs from the start, for a second pass (dedup writes its
 * kept records this way instead of holding the corpus in memory).  Standard
 * input is spooled to a temporary file on the first pass so it can be re-read. */
int nd_reader_rewind(nd_reader *r, nd_error *err);

/* With on != 0 (before the first pass), the decoded bytes of each compressed
 * input are also copied to an unlinked temporary file in $TMPDIR, and a rewind
 * reads that copy instead of decompressing again: dedup's second pass then
 * costs a file read, not a decompression.  Uses as much temporary disk as the
 * decompressed inputs (about the size of dedup's output).  When the copy
 * cannot be written (disk full), rewind silently falls back to decompressing:
 * the output is the same either way. */
void nd_reader_spool_decoded(nd_reader *r, int on);
/* For the last pass over the inputs (dedup's writing pass): each decoded copy
 * gives its bytes back to the system as they are read (fallocate
 * PUNCH_HOLE), so the page-cache pages the output is written to are those
 * just read, not fresh ones (on this VM a fresh page costs several times the
 * copy: the writing pass took 0.02-0.03 s of CPU instead of 0.04-0.14 s).
 * A later rewind decompresses again. */
void nd_reader_give_back(nd_reader *r, int on);

/* Shares of the inputs, for MPI ranks that each read a part (mpi_input.c).
 * Flags of input i: JSONL, compressed (.gz/.zst: cannot be entered in the
 * middle), a stream (not a regular file: standard input, a fifo). */
enum { ND_INPUT_JSONL = 1, ND_INPUT_COMPRESSED = 2, ND_INPUT_STREAM = 4 };
unsigned nd_reader_input_flags(const nd_reader *r, size_t i);
/* Before the first pass: input i yields no records (another rank reads it). */
void nd_reader_exclude(nd_reader *r, size_t i);
/* Before the first pass, for an uncompressed JSONL regular file: input i
 * yields only the lines that start at a byte offset in (lo, hi], or [0, hi]
 * when lo == 0 (so shares [0, a), [a, b), ... split the lines exactly once:
 * a share reads through the line holding its end offset, the next one skips
 * its bytes through the first '\n' at or after its start).  lines_before is
 * the number of '\n' in bytes [0, lo): line numbers stay the file's own. */
void nd_reader_limit(nd_reader *r, size_t i, uint64_t lo, uint64_t hi, uint64_t lines_before);

/* ---------- records ---------- */

typedef struct {
    const char *id_field;   /* "id"; a dotted path (a.b) reaches into nested objects */
    const char *text_field; /* "text"; dotted as id_field */
    const char *encoding;   /* plain, HTML, WARC: NULL/"auto" to detect, or a label for all */
    int lossy;              /* undecodable bytes (any format) become U+FFFD / separators, and a
                             * raw control character inside a JSON string (invalid JSON) is
                             * read as if escaped, and counted (nd_doc.ctrl), not an error */
    int keep_furniture;     /* HTML: keep menus, footers, cookie banners (html.c) */
    int id_from_line;       /* JSONL: the id is PATH:LINE, no id field is read */
    int padded;             /* every record's bytes are followed by ND_RECORD_PAD readable bytes
                             * (nd_reader's batches are), so the JSON parser reads them in place */
} nd_record_opts;

/* The slack nd_reader leaves after each record of a batch: simdjson reads up
 * to 64 bytes past the end of its input (SIMDJSON_PADDING). */
#define ND_RECORD_PAD 64

/* One run of a map from extracted text back to the original bytes (see
 * offmap.h): text from byte t (to the next run's t) came from original
 * bytes [o, oe). */
typedef struct {
    uint32_t t, o, oe;
} nd_map_run;

/* A parsed document.  Strings point into memory owned by the parser handle
 * and stay valid until the next nd_record_parse on that handle. */
typedef struct {
    const char *id;    /* every byte kept: \u0000 included */
    size_t id_len;
    const char *text;
    size_t text_len;
    size_t ctrl;       /* raw control characters read as escaped (lossy) */
    /* Where text did not come byte for byte from the file (HTML, another
     * encoding, a BOM): its map back to the original bytes (offmap.h);
     * nmap == 0 for the identity. */
    const nd_map_run *map;
    size_t nmap;
    const char *encoding; /* what the bytes were decoded from ("utf-8", "windows-1252 (detected)"...) */
    const char *date;     /* WARC-Date of a WARC record (else NULL) */
    size_t date_len;
    size_t replaced;      /* bytes the decoder replaced by U+FFFD (lossy) */
} nd_doc;

typedef struct nd_record_parser nd_record_parser;
nd_record_parser *nd_record_parser_create(const nd_record_opts *o);
void nd_record_parser_free(nd_record_parser *p);

/* Parses one raw record.  For a plain file, id = path and text = the bytes.
 * For JSONL, the id and text fields must exist and be strings; errors name
 * path:line and the field; a raw control character (U+0000-U+001F) inside a
 * string is invalid JSON, an error naming path:line:column (unless lossy).
 * Returns NEARDUP_OK or NEARDUP_E_INPUT / _E_NOMEM. */
int nd_record_parse(nd_record_parser *p, const nd_raw_record *rec, const char *bytes,
                    const char *path, nd_doc *out, nd_error *err);

/* The number in field (a dotted path as --id-field takes) of the JSON
 * object bytes[0, len), for dedup --keep max:FIELD: 0 with *out set, 1 when
 * the field is missing, 2 when it is not a number, -1 when the line is not
 * JSON. */
int nd_json_number_field(const char *bytes, size_t len, const char *field, double *out);
/* The same for a string (or a number, as written) field: 0 with *out a
 * malloc'ed copy (a string's bytes up to its first NUL), 1 missing, 2 neither
 * string nor number, -1 not JSON, -2 out of memory. */
int nd_json_string_field(const char *bytes, size_t len, const char *field, char **out);

/* Writes s as a JSON string literal (quotes, escapes) to f. */
int nd_json_write_string(FILE *f, const char *s, size_t len);
/* Writes an id for text and TSV output, escaped as PostgreSQL's text format
 * does (\\ \t \n \r, other control characters, DEL and invalid UTF-8 bytes
 * as \xHH), so that a TSV line stays one line of fields and a terminal shows
 * what is there.  Returns 0, or -1 if f failed. */
int nd_write_id(FILE *f, const char *s, size_t len);
/* Writes s as one CSV field (RFC 4180): as it is, or in double quotes, with
 * each quote doubled, when it holds a comma, a quote, CR or LF.  Every byte
 * is kept (CSV can carry them inside quotes; TSV has to escape them).
 * Returns 0, or -1 if f failed. */
int nd_csv_write_field(FILE *f, const char *s, size_t len);
/* The same escaping into buf (cap >= 8 bytes), for messages: at most about
 * cap - 4 bytes, then "..."; always NUL-terminated.  Returns buf. */
char *nd_id_text(char *buf, size_t cap, const char *s, size_t len);
/* The whole id escaped as nd_id_text does, malloc'ed (NULL: out of memory). */
char *nd_id_text_dup(const char *s, size_t len);
/* The same, with <, > and & also escaped (\u003c...), for JSON inside an
 * HTML <script> block, which no text can then close. */
int nd_json_write_string_html(FILE *f, const char *s, size_t len);
/* Length of the valid multi-byte UTF-8 sequence at s (n bytes left), or 0
 * when it is invalid: the rule the JSON writers use to decide which bytes
 * become U+FFFD (the report's UTF-16 offsets must follow it exactly). */
size_t nd_utf8_len(const unsigned char *s, size_t n);

#endif
