/* report.h - one self-contained HTML file for `overlap` and `align`
 * (report_html.c): every document once, the pairs with their passages, a
 * filter box, a side-by-side view with the passages highlighted in both texts
 * and linked to each other, and a histogram of pair scores as inline SVG;
 * and, where passage clusters are added (nd_report_cluster), a cluster view:
 * each cluster's text, its witnesses on a timeline, each witness's variant
 * with its edits against the source marked, filterable by series.
 * No network, no external scripts or fonts.  All document text reaches the
 * page as JSON rendered with textContent, so markup in a text (a
 * "<script>") shows as text. */
#ifndef ND_REPORT_H
#define ND_REPORT_H

#include <stdio.h>

#include "align.h"
#include "edits.h"
#include "nd.h"
#include "overlap.h"

typedef struct nd_report nd_report;

/* An empty report; title and command are shown at the top. */
nd_report *nd_report_create(const char *title, const char *command);

/* Adds a document (copied; its id of id_len bytes shown escaped, every byte
 * kept) and returns its index in the report, or -1 on out of memory.  Add
 * each document once, however many pairs it is in. */
long nd_report_doc(nd_report *r, const char *id, size_t id_len, const char *text, size_t len);

/* Adds a pair of report documents with their passages (copied) and, where
 * m is not NULL, each passage's edited words (m[0, np), copied): the page
 * marks them apart from the matching words. */
int nd_report_pair(nd_report *r, long a, long b, uint64_t shared_words, double containment_a,
                   double containment_b, const nd_passage *p, size_t np, const nd_passage_marks *m);

/* nd_report_pair for an overlap pair whose texts' words are wa and wb: the
 * marks are computed here.  Returns 0 or -1. */
int nd_report_pair_words(nd_report *r, long a, long b, const nd_overlap_pair *p, const nd_doc_words *wa,
                         const nd_doc_words *wb);

/* One witness of a passage cluster: a document carrying the passage. */
typedef struct {
    long doc;             /* its report document (nd_report_doc) */
    uint32_t start, end;  /* the passage: bytes [start, end) of the text given to nd_report_doc (the
                           * store's text, before any map to the original file's offsets) */
    const char *date;     /* as given (--date-field), or NULL; copied.  An ISO 8601 date
                           * ("2024-03-01", "2024-03-01T09:30Z") places it on the timeline */
    const char *series;   /* its series (--series-field, --series-from-dir), or NULL; copied */
    nd_doc_words words;   /* the document's words (ids and spans, as for nd_report_pair_words),
                           * for the edit marks; words.id NULL: shown unmarked */
    uint64_t ntok;        /* how many words words holds */
} nd_report_witness;

/* Adds a passage cluster (one --clusters record): its number in the
 * record ("cluster"), its words ("words"), and its n >= 2 witnesses w[0, n)
 * in the record's order (by date, then input order: the timeline keeps it
 * where there are no dates); w[source] is the source (the record's
 * "source", its first witness).  Each witness's passage is aligned word by
 * word against the source's with the edit script of the pair view
 * (nd_passage_marks_make, edits.c): its substituted and inserted words are
 * marked in its variant, the source's words it lacks in the source's text.
 * Everything is copied: w and the words may be freed after.  The page lists
 * clusters by size (most witnesses first).  Returns 0, or -1 on out of
 * memory or bad arguments (n < 2, source >= n, a document not in r).
 *
 * From a cluster record, with the overlap document store s (cli_overlap.c):
 *     long idx = ... nd_report_doc(r, id, id_len, s->doc[d].text, s->doc[d].text_len) once per document;
 *     w[k] = (nd_report_witness){idx, start, end, date, series,
 *                                {s->doc[d].id, NULL, &s->doc[d].span}, s->doc[d].ntok};
 *     nd_report_cluster(r, cluster, words, w, n, 0);
 * Memory: the witnesses' marks (a few words each), the texts once per document. */
int nd_report_cluster(nd_report *r, uint64_t cluster, uint32_t words, const nd_report_witness *w, size_t n,
                      size_t source);

/* Writes the page to f (pairs sorted by shared words, most first; clusters
 * by size).
 * Returns 0, or -1 when f failed or memory ran out.  Free r after. */
int nd_report_write(nd_report *r, FILE *f);
void nd_report_free(nd_report *r);

/* The command line for the report's header: "neardup" and argv[0..argc),
 * each argument quoted for a POSIX shell where needed, so it can be pasted
 * back.  malloc'ed; NULL on out of memory. */
char *nd_report_command(int argc, char **argv);

/* Byte offsets of a UTF-8 text as UTF-16 code unit offsets (what JavaScript
 * strings index): out[i] for byte offset i, i in [0, len].  Bytes inside a
 * sequence map to the sequence's start.  out holds len + 1 entries. */
void nd_utf16_offsets(const char *text, size_t len, uint32_t *out);

#endif
