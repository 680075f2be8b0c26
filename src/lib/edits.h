/* edits.h - a passage's word edit script, and where its edited words lie
 * in its two texts, for the terminal view and the HTML report (edits.c).
 * The views recompute a passage's script from the word ids it was aligned
 * on, so they mark exactly the words its counts count. */
#ifndef ND_EDITS_H
#define ND_EDITS_H

#include "align.h"
#include "spans.h"
#include "tokenize.h"

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


/* A text's words as the views have them: ids, and byte spans either plain
 * (span) or packed (overlap's document store; span NULL). */
typedef struct {
    const uint32_t *id;
    const nd_span *span;
    const nd_packed_spans *packed;
} nd_doc_words;

/* The edited words of one passage as byte ranges of each text, in order:
 * a: substituted and deleted words of A, b: substituted and inserted words
 * of B (a run of edited words of one kind is one range, from its first
 * word's start to its last word's end). */
typedef struct {
    nd_edit_mark *a, *b;
    size_t na, nb;
} nd_passage_marks;

/* The marks of p, whose token ranges index a and b's words; s: scratch
 * (NULL: its own).  Free with nd_passage_marks_free. */
int nd_passage_marks_make(const nd_passage *p, const nd_doc_words *a, const nd_doc_words *b, nd_edit_script *s,
                          nd_passage_marks *m);
void nd_passage_marks_free(nd_passage_marks *m);

#endif
