/* offmap.h - maps from the bytes a reader hands the tokenizer (text taken
 * out of HTML, or decoded from another encoding) back to the bytes of the
 * original file (offmap.c).
 *
 * A map is an array of runs that tile the extracted text in order.  Run i
 * covers text [run[i].t, run[i + 1].t) (the last one up to the text's end)
 * and came from original bytes [run[i].o, run[i].oe).  A run whose two
 * lengths are equal is verbatim (copied byte for byte: positions inside it
 * map linearly); any other run (an entity, a character decoded from
 * Windows-1252, a block separator the reader inserted) maps as a whole: a
 * token starting in it starts at o, one ending in it ends at oe.  Verbatim
 * runs that follow each other in both texts are merged as they are added,
 * so a page of plain paragraphs costs one run per text node, and 12 bytes a
 * run.  A finished map ends with a sentinel run {text length, end, end}, so
 * every run's text length is known; no map (n == 0) is the identity. */
#ifndef ND_OFFMAP_H
#define ND_OFFMAP_H

#include "nd.h"

/* A map being built (or held): runs, malloc'ed. */
typedef struct {
    nd_map_run *run;
    size_t n, cap;
    size_t text_len; /* text bytes covered so far */
} nd_offmap;

void nd_offmap_reset(nd_offmap *m);
void nd_offmap_free(nd_offmap *m);

/* Appends text bytes [m->text_len, m->text_len + tlen) as coming from
 * original bytes [o, oe).  Returns 0, or -1 when out of memory. */
int nd_offmap_push(nd_offmap *m, size_t tlen, size_t o, size_t oe);

/* Appends the sentinel: the map is then complete (run, n).  0 or -1. */
int nd_offmap_finish(nd_offmap *m);

/* The original offset where a token starting at text byte pos starts, and
 * where one ending at text byte pos (exclusive) ends.  run/n: a map (n == 0:
 * identity, pos is returned). */
uint32_t nd_offmap_start(const nd_map_run *run, size_t n, uint32_t pos);
uint32_t nd_offmap_end(const nd_map_run *run, size_t n, uint32_t pos);

/* out = inner after outer: text -> (inner) -> middle -> (outer) -> original.
 * inner maps the text to the middle bytes, outer maps the middle bytes to
 * the original (n == 0: identity, then out is a copy of inner); both
 * finished, and so is out.  Returns 0, or -1 when out of memory. */
int nd_offmap_compose(nd_offmap *out, const nd_offmap *inner, const nd_map_run *outer, size_t nouter);

/* Sets p's byte ranges (a_start..b_end) from the text to the original
 * files by maps ma (A's) and mb (B's). */
void nd_passage_to_original(nd_passage *p, const nd_map_run *ma, size_t na, const nd_map_run *mb, size_t nb);

#endif
