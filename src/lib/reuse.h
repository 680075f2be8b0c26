/* reuse.h - passages that were rewritten, not only copied (reuse_text.c: a
 * text prepared; reuse_seeds.c: a pair's seeds and extension;
 * reuse_summary.c: its summaries; reuse.c: its passages; align_texts.c: two
 * texts aligned whole).
 *
 * The exact aligner (align.c) chains identical word 5-grams: it finds copies
 * and lightly edited copies word for word, but loses passages whose words
 * were shuffled, replaced by synonyms, machine-translated back and forth, or
 * summarised.  This aligner compares sentences instead, as bags of stemmed
 * content words (terms.h), in the way of Sanchez-Perez, Sidorov and Gelbukh
 * (PAN 2014):
 *
 *   seeds      sentence pairs whose tf-isf cosine and Dice coefficient both
 *              reach a threshold (isf: inverse frequency among the
 *              sentences of the two texts, so words common to both texts
 *              weigh little);
 *   extension  seeds clustered by their positions in both texts, splitting
 *              a cluster wherever a gap in either text is larger than maxgap
 *              sentences, until stable; a cluster whose two fragments are not
 *              similar as wholes is clustered again with a smaller gap;
 *   filtering  of two detections overlapping in a text, the weaker goes;
 *              fragments shorter than min_words words go;
 *   summaries  a summary's seeds lie close together in the summary and far
 *              apart in its source: seeds are clustered again with the
 *              narrow gap in one text and the wide one in the other (each
 *              text taken as the summary in turn), and a cluster is checked
 *              against the source sentences its seeds point to (the ones
 *              between would only dilute it).  A cluster whose summary side
 *              is several times shorter and drawn from three of its sentences
 *              at least is a summary: it spans its source from the first to
 *              the last sentence it draws on, across the gaps, joined along
 *              the short side, and takes the place of the narrow fragments
 *              it overlaps, unless it is a copy or a rewrite with a stray
 *              seed: one copy covers most of its short side, or all its
 *              seeds outside its strongest narrow fragment cross it (before
 *              it in one text, after it in the other).  A narrow fragment
 *              beside a summary in the summary's text joins it; a summary of
 *              most of its source spans all of it that no other fragment
 *              holds.  Decided from the two texts alone, no flag.
 *
 * Fragment edges are then trimmed to the first and last words the two
 * fragments share, and the passages join the exact aligner's: copies stay
 * word-precise, one stretch of a text aligns with one stretch of the other,
 * and neighbours at most a sentence apart in both texts become one passage
 * (nd_align_texts; overlap's store path does the same).  Texts sharing fewer
 * than two sentence fingerprints are not searched (the gate). */
#ifndef ND_REUSE_H
#define ND_REUSE_H

#include "align.h"
#include "terms.h"
#include "tokenize.h"

/* One text, prepared once however many texts it is aligned with. */
typedef struct {
    const uint32_t *term; /* n packed terms (terms.h), one per token */
    size_t n;
    uint32_t *own_term;   /* term, when the text owns it */
    uint32_t nunit;   /* sentences, a short one joined to the next */
    uint32_t *ustart; /* nunit + 1 token starts */
    uint32_t *eoff;   /* nunit + 1 offsets into the unit entries */
    uint32_t *eterm;  /* a unit's distinct terms (stop words too: they weigh little), sorted */
    uint16_t *etf;    /* their counts in the unit */
    const uint64_t *fp; /* sentence fingerprints (value above unit), sorted, distinct values */
    size_t nfp;
    uint64_t *own_fp;   /* fp, when the text owns it */
} nd_reuse_text;

/* From a text's n packed terms and its ns sentences (starts, sent[ns] = n,
 * as nd_sentences gives them), and its fingerprints when known (fp, nfp, as
 * nd_reuse_fingerprints gives them; NULL: computed); term and fp must
 * outlive out.  Returns NEARDUP_OK or NEARDUP_E_NOMEM. */
int nd_reuse_units(const uint32_t *term, size_t n, const uint32_t *sent, size_t ns, const uint64_t *fp,
                   size_t nfp, nd_reuse_text *out);

/* From a text and its tokens (text: the bytes t's spans index): terms,
 * sentences and units.  Returns NEARDUP_OK or NEARDUP_E_NOMEM. */
int nd_reuse_prepare(nd_lang *l, nd_tokenizer *tk, const char *text, const nd_tokens *t, nd_reuse_text *out);
void nd_reuse_text_free(nd_reuse_text *r);

/* A text's sentence fingerprints (see reuse_text.c): the value above the number
 * of the sentence (unit) it first comes from, sorted, each value once, from its packed terms and
 * its ns sentences; out must hold nd_reuse_fingerprint_room(ns).  Returns
 * how many, or (size_t)-1 when out of memory. */
size_t nd_reuse_fingerprints(const uint32_t *term, size_t n, const uint32_t *sent, size_t ns, uint64_t *out);
size_t nd_reuse_fingerprint_room(size_t ns);

/* Do two texts share ND_REUSE_MIN_SHARED fingerprints at least?  One is
 * what texts on one subject share by chance (two of a sentence's rarer words
 * once); a rewritten sentence shares several of its 16, a rewritten passage
 * more.  Texts not related so are not searched for rewritten passages
 * (nd_reuse_align, overlap), and overlap's candidates come from their
 * fingerprints. */
#define ND_REUSE_MIN_SHARED 2
int nd_reuse_related(const uint64_t *a, size_t na, const uint64_t *b, size_t nb);

/* The passages a and b share, copied or rewritten (token ranges, words,
 * matches, identity; byte ranges unset), *out malloc'ed, sorted by A then B.
 * exact: the exact aligner's passages for the pair (the output keeps them).  A sentence pair inside
 * one exact passage is that passage's; a sentence one exact passage matched
 * cannot seed a match elsewhere; a rewritten passage holding exact ones
 * widens to hold them whole.  Uses o->min_words. */
int nd_reuse_align(const nd_reuse_text *a, const nd_reuse_text *b, const nd_passage *exact, size_t nexact,
                   const nd_passage *explain, size_t nexplain, const nd_align_opts *o, nd_passage **out, size_t *nout);

/* Keeps, of passages sharing most of a range in either text, the one with
 * more matching words (a stretch of one text aligns with one stretch of the
 * other), sorted by A then B; returns how many stay.  nd_reuse_align's last
 * step, for callers that skip it for unrelated texts. */
size_t nd_reuse_one_to_one(nd_passage *p, size_t n);

/* Copies of at least this many words explain the sentences they cover,
 * whatever min_words the output asks: with a higher --min-words, `explain`
 * lists the exact passages of this length (NULL: exact itself). */
#define ND_REUSE_EXPLAIN_WORDS 20

/* Every passage texts a and b share, copied or rewritten: the exact aligner's
 * (nd_align), and unless o->verbatim the edited aligner's, merged, with byte
 * ranges.  a, b: the bytes ta's and tb's spans index.  Returns NEARDUP_OK,
 * or an error with err set (an unknown o->language: NEARDUP_E_USAGE). */
int nd_align_texts(const char *a, const nd_tokens *ta, const char *b, const nd_tokens *tb, const nd_align_opts *o,
                   nd_passage **out, size_t *nout, nd_error *err);

#endif
