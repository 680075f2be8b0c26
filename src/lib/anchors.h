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
#include "tokenize.h"

/* Seed of the n-gram hashes anchors are winnowed from (overlap and the index
 * must agree on it, or a query would share no anchor with its references). */
#define ND_ANCHOR_SHINGLE_SEED UINT64_C(0x616e63686f7273)

/* The hash a boilerplate-masked word gets (overlap.c masks the store's words,
 * query.c the query's): a bijection of key (unique keys: masked words match
 * nothing, not even each other), far from any real word's hash. */
static inline uint64_t nd_mask_mix(uint64_t key)
{
    uint64_t x = key ^ UINT64_C(0x626f696c6572706c); /* "boilerpl" */
    x ^= x >> 33;
    return x * UINT64_C(0xff51afd7ed558ccd);
}
static inline uint64_t nd_mask_word(uint64_t key)
{
    uint64_t x = nd_mask_mix(key);
    return x ^ (x >> 29);
}

/* The winnowing window (in n-grams) that guarantees passages of min_words. */
unsigned nd_anchor_window(unsigned min_words, unsigned ngram);

/* Selects anchors from the m n-gram hashes sh of one document: pos[i] is the
 * n-gram index and hash[i] the anchor hash (sh mixed with seed), in order of
 * position, each selected position once.  pos and hash must hold m entries.
 * A document with fewer than w n-grams keeps the minimum of all of them.
 * Returns the number selected. */
size_t nd_winnow(const uint64_t *sh, size_t m, unsigned w, uint64_t seed, uint32_t *pos,
                 uint64_t *hash);

/* One document's working arrays for nd_doc_anchors (one per thread). */
typedef struct {
    uint64_t *sh;   /* the n-gram hashes */
    uint64_t *hash; /* the anchors' hashes */
    uint32_t *pos;  /* the anchors' n-gram positions */
    size_t cap;     /* entries each holds */
} nd_anchor_scratch;

void nd_anchor_scratch_free(nd_anchor_scratch *s);

/* The anchors of one tokenized document, the one kernel of overlap, index
 * build and query (they must select the same ones, or a query would miss
 * its references' passages): its word ngram-grams hashed with
 * ND_ANCHOR_SHINGLE_SEED, winnowed in windows of w n-grams with seed.  The
 * anchors are s->pos[0, *n) and s->hash[0, *n), in position order.  Returns
 * NEARDUP_OK or NEARDUP_E_NOMEM. */
int nd_doc_anchors(const nd_tokens *tok, unsigned ngram, unsigned w, uint64_t seed, nd_anchor_scratch *s,
                   size_t *n);

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
    uint32_t related; /* ND_PAIR_RELATED: the sentence fingerprints they share are evidence enough of a
                       * rewritten passage; ND_PAIR_UNRELATED: not; 0: not known (a pair from a file) */
} nd_anchor_pair;

enum { ND_PAIR_RELATED = 1, ND_PAIR_UNRELATED = 2 };

typedef struct {
    uint64_t anchors;       /* distinct anchor hashes */
    uint64_t dropped;       /* distinct anchors dropped as boilerplate (df > max_df) */
    uint64_t dropped_occ;   /* their occurrences */
    uint64_t max_df_seen;   /* the largest document frequency kept */
    uint64_t sentence_anchors, sentence_dropped; /* of the above, sentence fingerprints */
    uint64_t spread;        /* with series: anchors in more than max_df documents but at most
                             * max_series_df of any one series (reprints): kept, pairs not listed */
    uint64_t series_dropped; /* with series: of dropped, those in more than max_series_df
                              * documents of one series */
    uint64_t star_pairs;    /* with series: (carrier, representative) pairs they gave */
    uint64_t star;          /* with star: distinct anchors over max_df kept, their first document paired with each other */
} nd_anchor_stats;

/* Who may pair with whom, when the documents' series (outlets, sites) are
 * known (the rules are applied in anchors.c).
 *
 * - A pair of documents of one series is not listed unless within_series
 *   (an outlet's own repeats are not reuse).
 * - An anchor found in more than max_series_df documents of ONE series is
 *   that series' boilerplate (a footer, a masthead, a standing disclaimer):
 *   dropped and masked, as every anchor in more than max_df documents is
 *   without series.  An outlet runs a wire story once, or again as an update
 *   or a correction; its furniture is in every article.  A footer shared by
 *   outlets of one chain is dropped as soon as one of them holds it in more
 *   than max_series_df articles (left in, it would join every story those
 *   outlets carried into one cluster).
 * - An anchor in more than max_df documents in all, but in at most
 *   max_series_df of any one series, is a reprint carried across series
 *   ("spread"): kept (not
 *   masked), but its pairs are not enumerated, which would cost the square
 *   of its carriers.  Each carrier is paired with the anchor's
 *   representative instead, the carrier of lowest rank (the earliest, or the
 *   first reference): linear in the carriers.  A carrier of the
 *   representative's own series is paired with the first carrier of another
 *   series instead (unless within_series): a pair inside one series would
 *   join an outlet's articles through their footer.  These star pairs are
 *   merged into the candidate list with shared = ND_ANCHOR_STAR; they feed
 *   the passage clusters (passage_clusters.h) and are not listed as pairs.
 *   With split, only (input, reference) star pairs: the representative must
 *   be a reference. */
typedef struct {
    const uint32_t *series; /* per document: its series number (NULL: no series known) */
    const uint32_t *rank;   /* per document: order of representatives (NULL: document order) */
    int within_series;      /* list pairs inside one series too */
    uint64_t max_series_df; /* more documents of one series: its boilerplate */
    /* The caller merges the lists of several calls over disjoint sets of
     * anchors (hash partitions of overlap --memory, MPI ranks): each pair's
     * related carries the evidence of its fingerprints (saturating, in units
     * of 1/65536 of a rare one's) with ND_PAIR_NGRAM when it shares an
     * n-gram anchor, no pair is dropped for too little evidence, and a star
     * pair is listed also where the pair is (then the star entry first).
     * nd_anchor_pair_combine finishes the entries of one pair. */
    int partial;
} nd_anchor_scope;

#define ND_PAIR_NGRAM UINT32_C(0x80000000)

/* The entries e[0, n) (n >= 1) of one pair from partial calls, combined as
 * one call over all the anchors would have listed the pair: 1 and *out the
 * pair (shared summed, related decided), 2 and *out a star pair, or 0 when
 * the pair is not a candidate at all. */
int nd_anchor_pair_combine(const nd_anchor_pair *e, size_t n, nd_anchor_pair *out);

/* Candidate entries in (a, b) order, for qsort and merged runs. */
int nd_anchor_pair_cmp(const void *x, const void *y);

/* The shared count of a star pair (see nd_anchor_scope). */
#define ND_ANCHOR_STAR UINT32_MAX

/* Lists every pair of documents sharing at least one n-gram anchor that
 * occurs in at most max_df documents, or sentence fingerprints (in at most
 * max_df documents) whose evidence reaches ND_REUSE_MIN_SHARED rare ones: a
 * fingerprint in df <= max_df_sentence documents weighs 1, one in more
 * max_df_sentence / df (its evidence spread over its carriers, so a passage
 * reused by a few documents still counts and a formula in dozens hardly;
 * related tells whether a pair's evidence reached it), each pair once with its count of shared anchors,
 * sorted by (a, b), on threads threads.  occ should come in (doc, pos) order,
 * as the loader writes it (otherwise it is sorted so first).  With split > 0,
 * only pairs with a < split <= b (inputs against references).  *pairs is
 * malloc'ed.  The occurrences of the dropped (boilerplate) anchors are moved
 * to occ[0, st->dropped_occ), sorted by (doc, pos) with key doc << 32 | pos,
 * so the caller can mask them; the rest of occ is left undefined.  Returns
 * NEARDUP_OK or NEARDUP_E_NOMEM (also for 2^32 - 2 or more occurrences).
 * With star (and no series), an n-gram anchor in more than max_df documents
 * is not dropped: it pairs the first document holding it with each later
 * one (df - 1 pairs, not df (df - 1) / 2; with split, when that first
 * document is an input), so a block repeated everywhere is still found in
 * every copy after the first (strip cuts it); sentence fingerprints are
 * dropped as before.  scope: NULL, or the series rules above (then star
 * plays no part: spread anchors give star pairs of their own). */
int nd_anchor_pairs(nd_anchor *occ, size_t n, uint64_t max_df, uint64_t max_df_sentence, uint32_t split, int star,
                    unsigned threads, const nd_anchor_scope *scope, nd_anchor_pair **pairs, size_t *npairs,
                    nd_anchor_stats *st);

#endif
