/* neardup.h - find near-duplicate documents and the passages they share.
 *
 * The one public header of libneardup.  All state lives in opaque handles:
 * there are no globals, so separate handles may be used from separate threads
 * at the same time.  A handle itself is not safe to use from two threads at
 * once.  Every *_free accepts NULL and does nothing.
 */
#ifndef NEARDUP_H
#define NEARDUP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NEARDUP_VERSION_MAJOR 0
#define NEARDUP_VERSION_MINOR 1
#define NEARDUP_VERSION_PATCH 0
#define NEARDUP_VERSION_STRING "0.1.0"

/* Status codes.  Stable: values never change meaning once released. */
typedef enum {
    NEARDUP_OK = 0,
    NEARDUP_E_USAGE = 1,   /* a bad argument or option value */
    NEARDUP_E_INPUT = 2,   /* malformed input: bad JSON, missing field, duplicate id... */
    NEARDUP_E_UTF8 = 3,    /* invalid UTF-8 in a text */
    NEARDUP_E_IO = 4,      /* a read, write, open or rename failed */
    NEARDUP_E_NOMEM = 5,   /* out of memory */
    NEARDUP_E_FORMAT = 6,  /* a damaged or incompatible index / sketch file */
    NEARDUP_E_KEY = 7,     /* a missing, malformed or mismatched key */
    NEARDUP_E_INTERNAL = 8 /* a bug: please report it */
} neardup_status;

/* Every public function is exported from libneardup.so; everything else is
 * hidden (built with -fvisibility=hidden). */
#if defined(__GNUC__) && !defined(NEARDUP_STATIC)
#define NEARDUP_API __attribute__((visibility("default")))
#else
#define NEARDUP_API
#endif

/* ====================================================================== */
/* Errors and version                                                      */
/* ====================================================================== */

/* A static, human-readable name for a status code ("invalid UTF-8", ...).
 * Never NULL, also for unknown codes.  Thread-safe. */
NEARDUP_API const char *neardup_strerror(int status);

/* The library version as a string, e.g. "0.1.0".  Thread-safe. */
NEARDUP_API const char *neardup_version(void);

/* ====================================================================== */
/* Parameters                                                              */
/* ====================================================================== */

/* The documented default hash seed ("neardup:"): results are reproducible
 * across runs and machines.  The same value the command line uses. */
#define NEARDUP_DEFAULT_SEED 0x6e6561726475703aULL

/* How texts are compared.  Fill with neardup_params_default, then change
 * fields.  The struct is read at create time and not kept. */
typedef struct {
    unsigned ngram;     /* words per shingle (default 5) */
    unsigned k;         /* MinHash lanes (default 128; 1..4096) */
    double threshold;   /* Jaccard threshold for the deduper (default 0.8) */
    uint64_t seed;      /* hash seed (default NEARDUP_DEFAULT_SEED) */
    const unsigned char *key; /* NULL, or a 32-byte secret key: keyed mode (every hash
                                 seed and the token secret derived from it with BLAKE2b) */
    int lossy;          /* 0: invalid UTF-8 is an error; 1: bad bytes separate words */
} neardup_params;

/* Fills p with the defaults above.  p must not be NULL. */
NEARDUP_API void neardup_params_default(neardup_params *p);

/* ====================================================================== */
/* Sketcher: one text -> a MinHash signature                               */
/* ====================================================================== */

/* Opaque.  Holds its own scratch buffers: one per thread, never shared
 * between threads at the same time; separate sketchers are independent. */
typedef struct neardup_sketcher neardup_sketcher;

/* Returns a sketcher for p (NULL p: defaults), or NULL when p is invalid
 * (ngram 0, k 0 or > 4096, threshold outside [0, 1]) or memory ran out. */
NEARDUP_API neardup_sketcher *neardup_sketcher_create(const neardup_params *p);
/* Frees s; NULL is a no-op. */
NEARDUP_API void neardup_sketcher_free(neardup_sketcher *s);

/* Sketches text[0..len) (UTF-8): sig receives k lanes (the caller owns it;
 * k * 4 bytes).  *nshingles (may be NULL) receives the number of word
 * n-grams; a text without words gives an all-ones signature and 0.
 * Returns NEARDUP_OK; NEARDUP_E_UTF8 with *bad_offset (may be NULL) = the
 * byte offset of the first invalid sequence (strict mode); NEARDUP_E_NOMEM;
 * NEARDUP_E_INPUT for a text over 4 GiB. */
NEARDUP_API int neardup_sketch(neardup_sketcher *s, const char *text, size_t len, uint32_t *sig,
                               size_t *nshingles, size_t *bad_offset);

/* The fraction of equal lanes of two k-lane signatures: an unbiased estimate
 * of the Jaccard similarity of the two texts' shingle sets.  Thread-safe. */
NEARDUP_API double neardup_jaccard_estimate(const uint32_t *a, const uint32_t *b, unsigned k);

/* ====================================================================== */
/* Deduper: many texts -> clusters of near-duplicates                      */
/* ====================================================================== */

/* Opaque.  Keeps one signature per text (k * 4 bytes), never the text.
 * One thread at a time; separate dedupers are independent. */
typedef struct neardup_deduper neardup_deduper;

/* Returns a deduper for p (NULL p: defaults), or NULL (see sketcher_create). */
NEARDUP_API neardup_deduper *neardup_deduper_create(const neardup_params *p);
/* Frees d; NULL is a no-op. */
NEARDUP_API void neardup_deduper_free(neardup_deduper *d);

/* Adds a text; texts are numbered 0, 1, ... in the order added.  Errors as
 * neardup_sketch; a text that fails is not added.  After finish: NEARDUP_E_USAGE. */
NEARDUP_API int neardup_deduper_add(neardup_deduper *d, const char *text, size_t len,
                                    size_t *bad_offset);

/* Finds the pairs with estimated Jaccard >= threshold (MinHash + LSH, as the
 * command line) and clusters them (union-find).  Returns NEARDUP_OK or
 * NEARDUP_E_NOMEM.  Call once, after the last add. */
NEARDUP_API int neardup_deduper_finish(neardup_deduper *d);

/* Number of texts added. */
NEARDUP_API size_t neardup_deduper_count(const neardup_deduper *d);

/* After finish: the first text (smallest number) of text i's cluster; i
 * itself when i has no near-duplicate or is the one to keep.  (size_t)-1
 * when i is out of range or finish was not called. */
NEARDUP_API size_t neardup_deduper_representative(const neardup_deduper *d, size_t i);

/* A near-duplicate pair: text numbers a < b and their estimated Jaccard. */
typedef struct {
    size_t a, b;
    double jaccard;
} neardup_pair;

/* After finish: the pairs, sorted by (a, b); *pairs points into d (valid
 * until d is freed).  Returns their number. */
NEARDUP_API size_t neardup_deduper_pairs(const neardup_deduper *d, const neardup_pair **pairs);

/* ====================================================================== */
/* Aligner: the passages two texts share                                   */
/* ====================================================================== */

/* A shared passage: byte ranges [start, end) in each text, on whole words;
 * words = aligned word columns, matches = equal words, identity = matches /
 * words. */
typedef struct {
    size_t a_start, a_end, b_start, b_end;
    unsigned words, matches;
    double identity;
} neardup_passage;

/* Finds every passage of at least min_words words (0: default 20) that texts
 * a and b share, across small edits, sorted by a_start.  *out is allocated
 * (free it with neardup_passages_free), *nout its length.  p: NULL for
 * defaults (its ngram is the exact seed length, its seed/key/lossy apply).
 * Returns NEARDUP_OK, NEARDUP_E_UTF8 (*bad_offset may be NULL; *bad_side =
 * 0 for a, 1 for b when not NULL), NEARDUP_E_NOMEM or NEARDUP_E_INPUT.
 * Thread-safe: it keeps no state. */
NEARDUP_API int neardup_align(const neardup_params *p, const char *a, size_t alen, const char *b,
                              size_t blen, unsigned min_words, neardup_passage **out, size_t *nout,
                              size_t *bad_offset, int *bad_side);

/* Frees what neardup_align returned; NULL is a no-op. */
NEARDUP_API void neardup_passages_free(neardup_passage *p);

#ifdef __cplusplus
}
#endif
#endif
