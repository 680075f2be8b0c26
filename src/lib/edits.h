/* edits.h - where a passage's edited words lie in its two texts, for the
 * terminal view and the HTML report (edits.c; the edit script itself is in
 * nd.h).  The views recompute a passage's script from the word ids it was
 * aligned on, so they mark exactly the words its counts count. */
#ifndef ND_EDITS_H
#define ND_EDITS_H

#include "spans.h"

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
