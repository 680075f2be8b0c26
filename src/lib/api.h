/* api.h - what the public library's files share (api.c: building blocks;
 * api_corpus.c: the input source; api_jobs.c, api_index.c: the jobs).
 * Internal: nothing here is exported. */
#ifndef ND_API_H
#define ND_API_H

#include "defaults.h"
#include "job.h"
#include "overlap.h"
#include "pipeline.h"
#include "reader.h"

/* The largest MinHash signature the library makes (neardup_params.k). */
#define ND_API_MAX_K 4096

/* The seeds (and token secret) p implies; -1 when p is invalid. */
int nd_api_seeds(const neardup_params *p, nd_seeds *s);

/* Copies a job's error into the caller's (e may be NULL); returns code. */
int nd_api_error(neardup_error *e, int code, const nd_error *err);

/* The pipeline options and seeds o implies (checked: NEARDUP_E_USAGE with
 * err naming the bad field). */
int nd_api_pipeline(const neardup_options *o, nd_pipeline_opts *po, nd_seeds *seeds, nd_error *err);

/* A reader over c's ids and texts for one job (nd_reader_open_docs, named
 * "corpus": an error in text i names "corpus:<i + 1>"); c must outlive it.
 * Unless lossy, invalid UTF-8 in a text fails first (NEARDUP_E_UTF8, the
 * text's number, id and byte offset). */
nd_reader *nd_api_reader(const neardup_corpus *c, int lossy, nd_error *err);
/* The same over n corpora read one after another in one pass (the
 * references first), named names[k] (NULL: all "corpus"). */
nd_reader *nd_api_reader_sets(const neardup_corpus *const *c, const char *const *names, size_t n, int lossy,
                              nd_error *err);

/* Runs the near-duplicate job (job.c) on the corpora sets[0, nsets) read
 * one after another (names as nd_api_reader_sets), as `neardup pairs`
 * (dedup 0) or `neardup dedup` (o NULL: defaults); d receives the job's
 * options (seeds wiped after), res its results (free with
 * nd_dup_result_free, also after an error). */
int nd_api_dup_job(const neardup_options *o, const neardup_corpus *const *sets, const char *const *names,
                   size_t nsets, int dedup, nd_dup_opts *d, nd_dup_result *res, nd_error *err);

/* The pipeline and overlap options o implies, as cli_overlap.c sets them. */
int nd_api_overlap_opts(const neardup_options *o, nd_pipeline_opts *po, nd_overlap_opts *ov, nd_error *err);
/* The overlap job on c with those options: *op, *nop its pairs (free with
 * nd_overlap_pairs_free), ov->collect called as nd_overlap_run calls it. */
int nd_api_overlap_run(const neardup_options *o, const nd_pipeline_opts *po, const nd_overlap_opts *ov,
                       const neardup_corpus *c, nd_overlap_pair **op, size_t *nop, nd_error *err);

#endif
