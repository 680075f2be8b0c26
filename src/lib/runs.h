/* runs.h - sorted runs of fixed-size records in an unlinked temporary file,
 * merged back in order (runs.c): overlap --memory spills its candidate pairs
 * and its boilerplate occurrences so, as dedup --memory spills band records
 * (spill.c).  Also the temporary-file helpers its store uses. */
#ifndef ND_RUNS_H
#define ND_RUNS_H

#include "nd.h"

typedef int (*nd_runs_cmp)(const void *a, const void *b);

typedef struct {
    int fd;          /* -1 until the first run */
    const char *tmpdir;
    size_t rec;      /* bytes a record */
    uint64_t bytes;  /* written */
    uint64_t *start; /* nruns + 1 run boundaries (bytes) */
    size_t nruns, cap;
} nd_runs;

/* An empty set of runs of rec-byte records; the file is created at the
 * first run. */
void nd_runs_init(nd_runs *r, size_t rec, const char *tmpdir);

/* Appends the n records recs (sorted by the order they will be merged in) as
 * one run.  NEARDUP_OK, or an error with err set (a full disk named so). */
int nd_runs_add(nd_runs *r, const void *recs, size_t n, nd_error *err);

void nd_runs_free(nd_runs *r);

typedef struct nd_runs_merge nd_runs_merge;

/* Reads r's runs back merged by cmp (equal records: earlier run first),
 * buf_bytes of read buffer in all.  NULL with err set on failure. */
nd_runs_merge *nd_runs_merge_open(const nd_runs *r, nd_runs_cmp cmp, size_t buf_bytes, nd_error *err);

/* The next record (valid until the next call): 1, 0 at the end, or -1 on
 * a read error (err set). */
int nd_runs_merge_next(nd_runs_merge *m, const void **rec, nd_error *err);

void nd_runs_merge_free(nd_runs_merge *m);

#endif
