/* align.h - two token arrays -> the passages they share (align.c; the k-grams and seeds: align_seeds.c). */
#ifndef ND_ALIGN_H
#define ND_ALIGN_H

#include "nd.h"
#include "tokenize.h"

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

#endif
