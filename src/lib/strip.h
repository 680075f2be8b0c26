/* strip.h - neardup strip: the passages of each document that repeat an
 * earlier document of the corpus or a reference, and the text without them
 * (strip.c).
 *
 * It is the overlap job (overlap.h) read one way: the store holds the
 * references first, then the inputs in input order, so "earlier" is "a
 * lower store index".  Every candidate pair (a, b), a < b, found through the
 * anchors is aligned by the overlap aligner (copied passages, with up to
 * max_gap edited words bridged), and each passage of at least min_words
 * words on b's side is cut from b: the first occurrence (in a) stays.  A
 * passage in documents 1, 2 and 3 is cut from 2 and from 3.  Only repeats
 * across documents are cut (a document repeating itself is left as it is),
 * and no reference is ever cut.
 *
 * Boilerplate is cut too, which overlap masks: an anchor found in more than
 * max_df documents pairs only the first document holding it with each
 * later one (nd_anchor_pairs' star), so a footer in 10,000 documents costs
 * 9,999 alignments, not 50 million, and is cut from all but the first. */
#ifndef ND_STRIP_H
#define ND_STRIP_H

#include "overlap.h"
#include "reader.h"

/* One aligned passage of a document that repeats an earlier one. */
typedef struct {
    uint32_t doc;             /* the document it is cut from (store index) */
    uint32_t tok, tok_end;    /* its words [tok, tok_end) */
    uint32_t start, end;      /* their bytes in doc's text: first word's start to last word's end */
    uint32_t src;             /* the earlier document (store index, < doc) */
    uint32_t src_start, src_end; /* the passage's bytes in src's text */
    double identity;          /* matching words over aligned words (nd_passage) */
} nd_strip_passage;

/* A cut: the union of overlapping or touching passages of one document,
 * its ends moved inwards to the nearest separator where two words touch
 * (CJK characters have none between them), dropped when that leaves fewer
 * than W words; or, with whole sentences, moved to the nearest sentence
 * ends inside it. */
typedef struct {
    uint32_t doc;
    uint32_t tok, tok_end;    /* the words removed */
    uint32_t start, end;      /* their bytes (first word's start, last word's end) */
    size_t first, n;          /* its passages: passage[first, first + n) (they may reach past a moved end) */
} nd_strip_range;

typedef struct {
    nd_strip_passage *passage; /* sorted by (doc, tok, tok_end, src, src_start, src_end) */
    size_t npassage;
    nd_strip_range *range;     /* by (doc, tok) */
    size_t nrange;
    size_t *doc_first;         /* n + 1: document d's cuts are range[doc_first[d], doc_first[d + 1]) */
    uint64_t n;
} nd_strip_result;

/* The words the anchors guarantee to find (nd_overlap_opts.min_words) for
 * repeats of W words: a passage of W words with up to two edited words
 * spread through it keeps a run of (W - 2) / 3 unedited words, and every
 * such run holds an anchor both copies share; with more edits, a candidate
 * is still found whenever some run of that many words survives.  (Anchors
 * for W itself would miss the near-verbatim repeats: on a 60-word passage
 * with 2 words changed, no window of W - n + 1 n-grams is left intact.) */
unsigned nd_strip_anchor_words(unsigned min_words, unsigned ngram);

/* Those denser anchors also pair documents that share only a phrase of
 * (W - 2) / 3 words, most of the candidates and nothing to cut.  A repeat of
 * W words holds about 2 (W - n + 1) / (w + 1) anchors (winnowing's density,
 * w the window): 7 for W = 50, about 5 with two words edited; so a candidate
 * must share 2 distinct anchors.  On news-40k (max_df 1000) that aligned
 * 109,702 pairs instead of 511,186 and lost 1 of 16,565 passages. */

/* Finds the cuts of every document of s whose store index is >= nref (the
 * inputs; [0, nref) are the references, never cut), on threads threads.
 * o->align.min_words is W; o->min_words the anchors' guarantee, as s was
 * loaded with (nd_strip_anchor_words); o->min_b and o->min_shared are set
 * here.  With whole_sentences (s loaded with keep_text), each cut shrinks to
 * the sentences wholly inside it (nd_sentences' ends: . ! ? or a blank
 * line), and is made when it holds one: every sentence kept is whole.  s's
 * anchors are used up (nd_overlap_run).  res is deterministic for any
 * thread count.  Free with nd_strip_result_free.  NEARDUP_OK or an error
 * with err set. */
int nd_strip_find(nd_doc_store *s, const nd_overlap_opts *o, uint32_t nref, int whole_sentences, unsigned threads,
                  nd_strip_result *res, nd_overlap_stats *st, nd_error *err);
void nd_strip_result_free(nd_strip_result *r);

/* The words document d keeps (its words less those cut). */
uint64_t nd_strip_kept_words(const nd_strip_result *r, const nd_doc_store *s, uint32_t d);

/* Writes d's text (len bytes, as it was tokenized into the store) less its
 * cuts into out (len bytes).  A cut of words [t0, t1) removes the bytes from
 * the start of word t0 to the end of word t1 - 1, then what follows it up to
 * the next word: its punctuation up to white space, and that white space.
 * So the separator before the cut joins the kept parts, no two words run
 * together, and a symbol opening the next word ("$", a quote, an emoji)
 * stays.  Cuts fall on token boundaries and ASCII white space, which are
 * character boundaries: valid UTF-8 stays valid.  Returns the bytes
 * written, or SIZE_MAX when the text does not fit the stored words (it
 * changed since it was read). */
size_t nd_strip_text(const nd_strip_result *r, const nd_doc_store *s, uint32_t d, const char *text, size_t len,
                     char *out);

/* ---------- the job, from readers (strip_job.c) ---------- */

typedef struct {
    nd_overlap_opts o;     /* as nd_strip_job_init set it up */
    int sentences;
    nd_doc_store s;        /* the references [0, nref), then the inputs */
    nd_doc_store si;       /* the inputs, until nd_strip_cut appends them */
    nd_corpus_info cr, ci; /* the references' records, the inputs' */
    uint32_t nref;
    int nref_sets, loaded;
    nd_strip_result res;
    nd_overlap_stats st;
} nd_strip_job;

/* A job with o's options (ngram, anchor_seed, progress, max_df and align's
 * min_words = W, max_gap, min_identity): the anchors' guarantee
 * (nd_strip_anchor_words), the seed length and keep_text (whole_sentences)
 * are set here. */
void nd_strip_job_init(nd_strip_job *j, const nd_overlap_opts *o, int whole_sentences);
/* Reads r into the job: references (refs 1, before the inputs) or the
 * inputs (refs 0, once); ids must be unique within each.  r stays the
 * caller's (the command rewinds the inputs' for its writing pass). */
int nd_strip_load(nd_strip_job *j, nd_reader *r, const nd_pipeline_opts *po, int refs, nd_error *err);
/* Finds the cuts (nd_strip_find) on threads threads (0: the pipeline's). */
int nd_strip_cut(nd_strip_job *j, unsigned threads, nd_error *err);
/* 1 when document d (store index) had cuts and keeps fewer than min_keep words: dropped. */
int nd_strip_dropped(const nd_strip_job *j, uint32_t d, unsigned long min_keep);
void nd_strip_job_free(nd_strip_job *j);

#endif
