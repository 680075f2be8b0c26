/* cli_dedup.h - what the files of `neardup dedup` share: cli_dedup.c (the
 * command, the kept records, the clusters) and cli_dedup_keep.c (--keep's
 * keys and the --removed records). */
#ifndef ND_CLI_DEDUP_H
#define ND_CLI_DEDUP_H

#include "cli.h"
#include "cluster.h"
#include "index_match.h"
#include "lsh.h"

#define ND_MAX_AGAINST 64

typedef struct {
    nd_job job;
    const char *clusters, *removed;
    char *refs[ND_MAX_AGAINST]; /* --against: read before the inputs, so their records come first */
    int nrefs, annotate, keep;  /* keep: ND_KEEP_* */
    const char *keep_field;     /* max:FIELD, min:FIELD */
    unsigned given;             /* GIVEN_*: the sketch options set on the command line */
    /* --against INDEX (cli_dedup_index.c): the indexes' documents are
     * numbered first, [0, nix), before the corpus references and the inputs
     * (the job's record r is number nix + r in rep, ch and the keys) */
    nd_index *ix[ND_MAX_AGAINST];
    int nix_files;
    uint64_t nix;
    nd_index_matcher ixm; /* over ix, once they are open */
    /* after the first pass */
    uint64_t nref;      /* numbers [0, nref) are the references' (the indexes' included) */
    size_t nref_files;  /* the reader's files [0, nref_files) are the references' */
    uint32_t *rep;      /* nd_cluster's smallest member of each record's cluster */
    nd_choice ch;       /* nd_cluster_choose */
} dedup_ctx;

enum { ND_GIVEN_NGRAM = 1, ND_GIVEN_K = 2, ND_GIVEN_T = 4, ND_GIVEN_SEED = 8 };

/* --keep longest|shortest|max:FIELD|min:FIELD: each input record's key in
 * *key (malloc'ed, ci.n entries), read in one more pass over the inputs for
 * the records in clusters of two or more (the others need none).  Errors
 * (exit 2) name the record without the field, or whose field is not a
 * number.  Returns NEARDUP_OK or an error code with err set. */
int nd_dedup_keys(dedup_ctx *c, double **key, nd_error *err);

/* --removed: one record a removed input, in input order. */
int nd_dedup_write_removed(const dedup_ctx *c, FILE *f);

/* ---------- the output written in the first pass (cli_dedup_prewrite.c) ---------- */

/* Before the first pass: asks the job to write the inputs' records to out's
 * temporary file as it reads them, when out can take them (a regular file,
 * not compressed) and they go out as they are (no --annotate). */
void nd_dedup_prewrite_begin(dedup_ctx *c, const nd_out *out);
/* After the clustering: *done = 1 when out now holds exactly the kept
 * records (the removed ones taken out of the early copy); *done = 0 when
 * there was no early copy or it had to be given up (then out is empty and
 * the second pass writes it).  Returns NEARDUP_OK or an error with err set
 * (a write error names out). */
int nd_dedup_prewrite_finish(dedup_ctx *c, const nd_out *out, int *done, nd_error *err);

/* ---------- --against INDEX (cli_dedup_index.c) ---------- */

/* Moves the references that are neardup indexes (by their magic) from
 * c->refs to c->ix, opened and checked (a damaged one fails naming it),
 * and makes the run's parameters theirs: -n, -k, --seed and -t not given
 * are adopted (with a note unless quiet), given ones must match; the
 * metric must be jaccard without --exact.  Returns 0 or the exit status
 * (message printed). */
int nd_dedup_open_indexes(dedup_ctx *c);
void nd_dedup_close_indexes(dedup_ctx *c);

/* After the first pass: the pairs the indexes add, numbered as rep is
 * (nix + job record): every (reference, record) pair of Jaccard >= T whose
 * signatures share a band key, and between the references reached so the
 * clusters are those of --against CORPUS (refs joined through refs).
 * *pairs malloc'ed.  Returns NEARDUP_OK or an error with err set. */
int nd_dedup_index_pairs(const dedup_ctx *c, nd_pair **pairs, size_t *npairs, nd_error *err);

/* Fails (NEARDUP_E_INPUT, err naming the record and the index) when a
 * record read by the job has the id of an index document, the first such
 * record in input order: ids must be unique across references and inputs,
 * as with corpus references. */
int nd_dedup_check_index_ids(dedup_ctx *c, nd_error *err);

/* Number i's id (an index document's or the job's record nix + r). */
const char *nd_dedup_id(const dedup_ctx *c, uint64_t i, size_t *len);
/* The score of numbers i and a as --removed writes it (nd_job_score when
 * both are the job's); -1 on a read error. */
double nd_dedup_score(const dedup_ctx *c, uint64_t i, uint64_t a);

#endif
