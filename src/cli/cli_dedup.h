/* cli_dedup.h - what the files of `neardup dedup` share: cli_dedup.c (the
 * command, the kept records, the clusters) and cli_dedup_keep.c (--keep's
 * keys and the --removed records). */
#ifndef ND_CLI_DEDUP_H
#define ND_CLI_DEDUP_H

#include "cli.h"

#define ND_MAX_AGAINST 64

typedef struct {
    nd_job job;
    const char *clusters, *removed;
    char *refs[ND_MAX_AGAINST]; /* --against: read before the inputs, so their records come first */
    int nrefs, annotate, keep;  /* keep: ND_KEEP_* */
    const char *keep_field;     /* max:FIELD, min:FIELD */
    /* after the first pass */
    uint64_t nref;      /* records [0, nref) are the references' */
    size_t nref_files;  /* the reader's files [0, nref_files) are the references' */
    uint32_t *rep;      /* nd_cluster's smallest member of each record's cluster */
    nd_choice ch;       /* nd_cluster_choose */
} dedup_ctx;

/* --keep longest|shortest|max:FIELD|min:FIELD: each input record's key in
 * *key (malloc'ed, ci.n entries), read in one more pass over the inputs for
 * the records in clusters of two or more (the others need none).  Errors
 * (exit 2) name the record without the field, or whose field is not a
 * number.  Returns NEARDUP_OK or an error code with err set. */
int nd_dedup_keys(dedup_ctx *c, double **key, nd_error *err);

/* --removed: one record a removed input, in input order. */
int nd_dedup_write_removed(const dedup_ctx *c, FILE *f);

#endif
