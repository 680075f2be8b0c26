/* anchors.h - sampled word n-gram anchors and their inverted index, which
 * find the document pairs that may share a passage without comparing all
 * pairs (anchors.c).
 *
 * The guarantee (winnowing, Schleimer, Wilkerson and Aiken, SIGMOD 2003):
 * anchors are the minimum (by a seeded hash) of every window of w = W - n + 1
 * consecutive word n-grams.  A passage of W or more words that two documents
 * share word for word (after normalisation) holds w consecutive n-grams that
 * are identical in both, so the window over them has the same minimum in
 * both, and both documents select it: every shared passage of >= W words
 * contains at least one shared anchor.  A passage with edits is found when
 * some run of W unedited words survives in it, or (in practice, with high
 * probability) when two of its unedited stretches each hold an anchor. */
#ifndef ND_ANCHORS_H
#define ND_ANCHORS_H

#include "nd.h"

/* Seed of the n-gram hashes anchors are winnowed from (overlap and the index
 * must agree on it, or a query would share no anchor with its references). */
#define ND_ANCHOR_SHINGLE_SEED UINT64_C(0x616e63686f7273)

/* The winnowing window (in n-grams) that guarantees passages of min_words. */
unsigned nd_anchor_window(unsigned min_words, unsigned ngram);

/* Selects anchors from the m n-gram hashes sh of one document: pos[i] is the
 * n-gram index and hash[i] the anchor hash (sh mixed with seed), in order of
 * position, each selected position once.  pos and hash must hold m entries.
 * A document with fewer than w n-grams keeps the minimum of all of them.
 * Returns the number selected. */
size_t nd_winnow(const uint64_t *sh, size_t m, unsigned w, uint64_t seed, uint32_t *pos,
                 uint64_t *hash);

/* Sentence fingerprint anchors (reuse.h) share the index with the n-gram
 * anchors: their positions carry this bit (the fingerprint's index in its
 * document), and their own frequency limit. */
#define ND_ANCHOR_SENTENCE UINT32_C(0x80000000)

/* An anchor occurrence: anchor hash, document, n-gram position. */
typedef struct {
    uint64_t hash;
    uint32_t doc, pos;
} nd_anchor;

typedef struct {
    uint32_t a, b;   /* documents, a < b (with split: a < split <= b) */
    uint32_t shared; /* distinct anchors they share */
} nd_anchor_pair;

typedef struct {
    uint64_t anchors;       /* distinct anchor hashes */
    uint64_t dropped;       /* distinct anchors dropped as boilerplate (df > max_df) */
    uint64_t dropped_occ;   /* their occurrences */
    uint64_t max_df_seen;   /* the largest document frequency kept */
    uint64_t sentence_anchors, sentence_dropped; /* of the above, sentence fingerprints */
    uint64_t star;          /* with star: distinct anchors over max_df kept, their first document paired with each other */
} nd_anchor_stats;

/* Lists every pair of documents sharing at least one anchor that occurs in
 * at most max_df documents (a sentence fingerprint: max_df_sentence), each pair once with its count of shared anchors,
 * sorted by (a, b), on threads threads.  occ should come in (doc, pos) order,
 * as the loader writes it (otherwise it is sorted so first).  With split > 0,
 * only pairs with a < split <= b (inputs against references).  *pairs is
 * malloc'ed.  The occurrences of the dropped (boilerplate) anchors are moved
 * to occ[0, st->dropped_occ), sorted by (doc, pos) with key doc << 32 | pos,
 * so the caller can mask them; the rest of occ is left undefined.  Returns
 * NEARDUP_OK or NEARDUP_E_NOMEM (also for 2^32 - 2 or more occurrences).
 * With star, an n-gram anchor in more than max_df documents is not dropped:
 * it pairs the first document holding it with each later one (df - 1
 * pairs, not df (df - 1) / 2; with split, when that first document is an
 * input), so a block repeated everywhere is still found in every copy after
 * the first (strip cuts it); sentence fingerprints are dropped as before. */
int nd_anchor_pairs(nd_anchor *occ, size_t n, uint64_t max_df, uint64_t max_df_sentence, uint32_t split, int star,
                    unsigned threads, nd_anchor_pair **pairs, size_t *npairs, nd_anchor_stats *st);

#endif
