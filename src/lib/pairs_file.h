/* pairs_file.h - the pairs file of `align --pairs` (pairs_file.c): TSV
 * (a<TAB>b, an optional "a<TAB>b" header) or the JSONL of `pairs` and
 * `overlap` ({"a": ID, "b": ID, ...}), read and checked with errors naming
 * file:line, then resolved to record indexes. */
#ifndef ND_PAIRS_FILE_H
#define ND_PAIRS_FILE_H

#include "anchors.h"
#include "pipeline.h"

typedef struct {
    size_t a, b;   /* offsets of the two ids (NUL-terminated) in the list's buffer */
    uint64_t line; /* 1-based line of the pairs file */
} nd_id_pair;

typedef struct {
    nd_id_pair *p; /* in file order */
    size_t n, cap;
    char *buf;
    size_t buf_len, buf_cap;
} nd_pair_list;

/* Side k (0: a, 1: b) of pair i. */
static inline const char *nd_pair_id(const nd_pair_list *l, size_t i, int k)
{
    return l->buf + (k ? l->p[i].b : l->p[i].a);
}

/* Reads path ("-": standard input); label names it in errors.  A bad line (no
 * tab, invalid JSON, a missing or non-string "a" or "b", an empty id) is an
 * error naming label:line (NEARDUP_E_INPUT).  Free with nd_pair_list_free. */
int nd_pairs_file_read(const char *path, const char *label, nd_pair_list *l, nd_error *err);
void nd_pair_list_free(nd_pair_list *l);

/* The record indexes of every pair's ids among ci's records (skipped ones
 * excluded): *out (malloc'ed) holds l->n pairs, in file order, a and b as
 * written (not reordered; shared is 0).  An id no record has is an error
 * naming label:line; inputs describes where ids were looked for. */
int nd_pairs_resolve(const nd_pair_list *l, const char *label, const nd_corpus_info *ci, const char *inputs,
                     nd_anchor_pair **out, nd_error *err);

/* Without inputs, ids are file paths: the distinct paths in order of first
 * appearance (*paths: malloc'ed array of pointers into l).  A path that
 * cannot be stat'ed or is a directory is an error naming label:line. */
int nd_pairs_paths(const nd_pair_list *l, const char *label, char ***paths, size_t *npaths, nd_error *err);

/* After the paths of nd_pairs_paths were read as inputs (in that order) into
 * ci: each pair's record indexes, as nd_pairs_resolve.  A path that gave no
 * record or more than one is an error naming label:line. */
int nd_pairs_resolve_paths(const nd_pair_list *l, const char *label, char **paths, size_t npaths,
                           const nd_corpus_info *ci, nd_anchor_pair **out, nd_error *err);

#endif
