/* cli_dedup.c - `neardup dedup`: clusters of near-duplicates, one kept each.
 *
 * Pass 1 sketches (signatures only, never the text); clusters come from
 * union-find over the verified pairs; pass 2 re-reads the inputs and copies
 * the kept records through unchanged (all their original fields). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cli_dedup.h"
#include "cluster.h"
#include "dedup_record.h"
#include "lsh.h"
#include "mpi_dedup.h"
#include "reader.h"
#include "record.h"

enum { OPT_CLUSTERS = ND_ID_COMMAND, OPT_EXACT, OPT_AGAINST, OPT_REMOVED, OPT_ANNOTATE, OPT_KEEP };

static const nd_cli_option dedup_opts[] = {
    ND_OPT_OUTPUT,
    {"clusters", 0, "FILE", "also write clusters of 2+ documents as JSONL {\"kept\": ID, \"members\": [ID, ...]}; FILE.zst or FILE.gz is compressed (default none)", OPT_CLUSTERS},
    {"against", 0, "REF", "reference corpus (file or directory) or neardup index (neardup index build; its -n, -k, -t and --seed are used); repeatable: inputs that are near-duplicates of a reference are removed; references are never written (default none)", OPT_AGAINST},
    {"removed", 0, "FILE", "also write one JSONL record per removed document: {\"id\": ID, \"duplicate_of\": ID, \"score\": X, \"cluster\": N}; FILE.zst or FILE.gz is compressed (default none)", OPT_REMOVED},
    {"annotate", 0, NULL, "add \"cluster\": N to each kept record (default off)", OPT_ANNOTATE},
    {"keep", 0, "WHICH", "the document kept of each cluster: first, longest, shortest (text bytes), max:FIELD, min:FIELD (a numeric JSONL field), none (drop every member) (default first)", OPT_KEEP},
    ND_OPT_THRESHOLD(ND_DEFAULT_STR(ND_DEFAULT_THRESHOLD)),
    ND_OPT_NGRAM,
    ND_OPT_K,
    {"exact", 0, NULL, "verify candidates on the real shingle sets (default off: MinHash estimate)", OPT_EXACT},
    ND_OPT_METRIC,
    ND_OPT_DISTANCE,
    ND_OPT_MAX_DF,
    ND_OPT_CORPUS,
    ND_OPT_SEED,
    ND_OPT_KEY,
    ND_OPT_TIMINGS,
    ND_OPT_QUIET,
    ND_OPT_MEMORY,
    ND_OPT_TMP,
    ND_OPT_END,
};

static int parse_keep(dedup_ctx *c, const char *arg)
{
    static const char *const plain[] = {"first", "longest", "shortest"};
    for (int m = 0; m < 3; m++)
        if (!strcmp(arg, plain[m])) return c->keep = m, 0;
    if (!strcmp(arg, "none")) return c->keep = ND_KEEP_NONE, 0;
    if ((!strncmp(arg, "max:", 4) || !strncmp(arg, "min:", 4)) && arg[4]) {
        c->keep = arg[1] == 'a' ? ND_KEEP_MAX : ND_KEEP_MIN;
        c->keep_field = arg + 4;
        return 0;
    }
    return nd_cli_error(NEARDUP_E_USAGE, "--keep: expected first, longest, shortest, max:FIELD, min:FIELD or none, "
                        "got \"%s\"", arg);
}

static int on_option(void *p, int id, const char *arg)
{
    dedup_ctx *c = p;
    c->given |= id == ND_ID_NGRAM ? ND_GIVEN_NGRAM : id == ND_ID_K ? ND_GIVEN_K : id == ND_ID_THRESHOLD ? ND_GIVEN_T
               : id == ND_ID_SEED ? ND_GIVEN_SEED : 0;
    if (id == OPT_CLUSTERS) c->clusters = arg;
    else if (id == OPT_AGAINST) {
        if (c->nrefs == ND_MAX_AGAINST)
            return nd_cli_error(NEARDUP_E_USAGE, "--against: at most %d references (give a directory)", ND_MAX_AGAINST);
        c->refs[c->nrefs++] = (char *)arg;
    } else if (id == OPT_REMOVED) c->removed = arg;
    else if (id == OPT_ANNOTATE) c->annotate = 1;
    else if (id == OPT_KEEP) return parse_keep(c, arg);
    else if (id == OPT_EXACT) c->job.exact = 1;
    else if (id >= 90 && id <= 92) return nd_job_option(&c->job, id, arg);
    else if (id == ND_ID_MEMORY || id == ND_ID_TMP) return nd_scale_option(&c->job, id, arg);
    else return nd_common_option(&c->job.common, id, arg);
    return 0;
}

/* Writes the kept records of one batch of the second pass; *r counts records. */
static int write_batch(const dedup_ctx *c, nd_record_parser *rp, const nd_batch *b, uint64_t *r, FILE *out,
                       nd_error *err)
{
    const nd_job *j = &c->job;
    size_t run = 0, run_end = 0; /* kept JSONL records next to each other, with their "\n" */
    for (size_t i = 0; i < b->n; i++, ++*r) {
        if (*r >= j->ci.n)
            return nd_fail(err, NEARDUP_E_IO, "%s changed while it was being read",
                           nd_reader_path(j->reader, b->rec[i].input));
        const nd_raw_record *rec = &b->rec[i];
        int keep = c->ch.kept[c->nix + *r];
        if (keep && rec->jsonl && !c->annotate && rec->off == run_end && run_end > run) {
            run_end = rec->off + rec->len + 1; /* extends the run */
            continue;
        }
        if (run_end > run) fwrite(b->buf + run, 1, run_end - run, out);
        run = run_end = 0;
        if (!keep) continue;
        if (rec->jsonl && c->annotate) {
            nd_write_annotated(out, b->buf + rec->off, rec->len, c->ch.cluster[c->nix + *r]);
        } else if (rec->jsonl) {
            run = rec->off;
            run_end = rec->off + rec->len + 1;
        } else {
            /* the text the tokenizer saw: decoded, and taken out of HTML */
            nd_doc d;
            const char *path = nd_reader_path(j->reader, rec->input);
            int rc = nd_record_parse(rp, rec, b->buf + rec->off, path, &d, err);
            if (rc) return rc;
            fputs("{\"id\": ", out);
            nd_json_write_string(out, nd_corpus_id(&j->ci, *r), nd_corpus_id_len(&j->ci, *r));
            if (d.date) {
                fputs(", \"date\": ", out);
                nd_json_write_string(out, d.date, d.date_len);
            }
            fputs(", \"text\": ", out);
            nd_json_write_string(out, d.text, d.text_len);
            if (c->annotate) fprintf(out, ", \"cluster\": %u", c->ch.cluster[c->nix + *r]);
            fputs("}\n", out);
        }
    }
    if (run_end > run) fwrite(b->buf + run, 1, run_end - run, out);
    return NEARDUP_OK;
}

/* The second pass on two threads: this one reads batch k + 1 while a writer
 * writes batch k (reading and writing 58 MB each took 0.045 s on one thread
 * after everything else was done: the largest serial step of dedup -j 2). */
typedef struct {
    const dedup_ctx *c;
    nd_record_parser *rp;
    FILE *out;
    nd_batch slot[2];
    int full[2], done, failed;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    uint64_t r;
    nd_error err;
} pass2;

static void *pass2_writer(void *arg)
{
    pass2 *p = arg;
    for (unsigned k = 0;; k ^= 1) {
        pthread_mutex_lock(&p->mu);
        while (!p->full[k] && !p->done) pthread_cond_wait(&p->cv, &p->mu);
        int have = p->full[k];
        pthread_mutex_unlock(&p->mu);
        if (!have) return NULL; /* the reader is done and nothing is left */
        int rc = p->failed ? NEARDUP_OK : write_batch(p->c, p->rp, &p->slot[k], &p->r, p->out, &p->err);
        pthread_mutex_lock(&p->mu);
        if (rc) p->failed = 1;
        p->full[k] = 0;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
    }
}

/* Pass 2: copies kept records to out in input order.  JSONL records go out
 * byte for byte; a plain file, an HTML page or a WARC record becomes
 * {"id": ID, "text": TEXT} with the text the tokenizer saw (decoded to
 * UTF-8, taken out of the HTML), and a WARC record's "date" before it. */
static int write_kept(dedup_ctx *c, FILE *out, nd_error *err)
{
    nd_job *j = &c->job;
    /* the references are not read again: they are never written */
    for (size_t i = 0; i < c->nref_files; i++) nd_reader_exclude(j->reader, i);
    int rc = nd_reader_rewind(j->reader, err);
    if (rc) return rc;
    nd_reader_give_back(j->reader, 1); /* the last pass: the output takes the pages it reads */
    unsigned threads = j->common.threads ? j->common.threads : nd_online_cpus();
    pass2 p = {.c = c, .out = out, .r = c->nref - c->nix, .err = {0, ""}};
    nd_record_opts ro = j->common.rec;
    ro.lossy = j->common.lossy;
    if (!(p.rp = nd_record_parser_create(&ro))) return nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
    pthread_t writer;
    int two = threads >= 2;
    if (two) {
        pthread_mutex_init(&p.mu, NULL);
        pthread_cond_init(&p.cv, NULL);
        if (pthread_create(&writer, NULL, pass2_writer, &p)) {
            two = 0;
            pthread_mutex_destroy(&p.mu);
            pthread_cond_destroy(&p.cv);
        }
    }
    for (unsigned k = 0;; k ^= 1) { /* 1 MiB batches: fewer fresh pages */
        if (two) {
            pthread_mutex_lock(&p.mu);
            while (p.full[k] && !p.failed) pthread_cond_wait(&p.cv, &p.mu);
            int failed = p.failed;
            pthread_mutex_unlock(&p.mu);
            if (failed) break;
        }
        rc = nd_reader_next(j->reader, &p.slot[k], 1 << 20, err);
        if (rc != 1) break;
        if (!two) {
            if ((rc = write_batch(c, p.rp, &p.slot[k], &p.r, out, err))) break;
            continue;
        }
        pthread_mutex_lock(&p.mu);
        p.full[k] = 1;
        pthread_cond_broadcast(&p.cv);
        pthread_mutex_unlock(&p.mu);
    }
    if (two) {
        pthread_mutex_lock(&p.mu);
        p.done = 1;
        pthread_cond_broadcast(&p.cv);
        pthread_mutex_unlock(&p.mu);
        pthread_join(writer, NULL);
        pthread_mutex_destroy(&p.mu);
        pthread_cond_destroy(&p.cv);
        if (p.failed && rc >= 0) { /* the writer's error (the reader's, if any, came first) */
            *err = p.err;
            rc = -p.err.code;
        }
    }
    nd_batch_free(&p.slot[0]);
    nd_batch_free(&p.slot[1]);
    nd_record_parser_free(p.rp);
    if (rc > 0) return rc; /* write_batch's error (one thread) */
    if (rc < 0) return err->code ? err->code : -rc;
    if (p.r != j->ci.n)
        return nd_fail(err, NEARDUP_E_IO, "the inputs changed while they were being read (%llu records, then %llu)",
                       (unsigned long long)j->ci.n, (unsigned long long)p.r);
    return NEARDUP_OK;
}

/* Clusters of two or more that hold an input, ordered by their first
 * document: {"kept": ID, "members": [ID, ...]}, the inputs in input order;
 * "kept" is null when none is (--keep none, or a reference in the cluster,
 * which "reference" then names: the cluster's first one). */
static int write_clusters(const dedup_ctx *c, FILE *f)
{
    const uint32_t *rep = c->rep;
    uint64_t n = c->nix + c->job.ci.n;
    uint32_t *next = malloc((n ? n : 1) * sizeof *next), *last = malloc((n ? n : 1) * sizeof *last);
    if (!next || !last) {
        free(next);
        free(last);
        return NEARDUP_E_NOMEM;
    }
    /* Members chained in input order: next[i] = following member of i's cluster. */
    for (uint64_t i = 0; i < n; i++) next[i] = last[i] = UINT32_MAX;
    for (uint64_t i = 0; i < n; i++) {
        uint32_t r = rep[i];
        if (r == i) continue;
        if (last[r] == UINT32_MAX) next[r] = (uint32_t)i;
        else next[last[r]] = (uint32_t)i;
        last[r] = (uint32_t)i;
    }
    for (uint64_t i = 0; i < n; i++) {
        if (rep[i] != i || next[i] == UINT32_MAX || last[i] < c->nref) continue; /* no input in it */
        uint32_t kept = UINT32_MAX;
        for (uint32_t m = (uint32_t)i; m != UINT32_MAX && kept == UINT32_MAX; m = next[m])
            if (c->ch.kept[m]) kept = m;
        size_t len;
        const char *id;
        fputs("{\"kept\": ", f);
        if (kept == UINT32_MAX) fputs("null", f);
        else id = nd_dedup_id(c, kept, &len), nd_json_write_string(f, id, len);
        if (i < c->nref) {
            fputs(", \"reference\": ", f);
            id = nd_dedup_id(c, i, &len);
            nd_json_write_string(f, id, len);
        }
        fputs(", \"members\": [", f);
        int first = 1;
        for (uint32_t m = (uint32_t)i; m != UINT32_MAX; m = next[m]) {
            if (m < c->nref) continue;
            if (!first) fputs(", ", f);
            first = 0;
            id = nd_dedup_id(c, m, &len);
            nd_json_write_string(f, id, len);
        }
        fputs("]}\n", f);
    }
    free(next);
    free(last);
    return NEARDUP_OK;
}

/* The references' records: those of the reader's first files. */
static void count_refs(dedup_ctx *c)
{
    const nd_job *j = &c->job;
    c->nref_files = c->nrefs ? nd_reader_arg_files(j->reader, (size_t)c->nrefs) : 0;
    uint64_t r = 0;
    while (r < j->ci.n && j->ci.input[r] < c->nref_files) r++;
    c->nref = c->nix + r;
}

/* --keep's keys: a pass over the inputs (cli_dedup_keep.c); rep is c->rep. */
static int keys_of(void *u, const uint32_t *rep, double **key, nd_error *err) { return nd_dedup_keys(u, key, err); }

/* Clusters, then the kept document of each (--keep, --against): nd_dedup_decide, as neardup_dedup_run. */
static int choose(dedup_ctx *c, nd_error *err)
{
    nd_job *j = &c->job;
    uint64_t n = c->nix + j->ci.n;
    size_t m = n ? n : 1;
    nd_pair *ip = NULL;
    size_t nip = 0;
    int rc = c->nix_files ? nd_dedup_index_pairs(c, &ip, &nip, err) : NEARDUP_OK;
    if (rc) return rc;
    c->rep = malloc(m * sizeof *c->rep);
    c->ch.kept = malloc(m);
    c->ch.anchor = malloc(m * sizeof *c->ch.anchor);
    c->ch.cluster = malloc(m * sizeof *c->ch.cluster);
    nd_pair *pp = malloc((j->npairs + nip ? j->npairs + nip : 1) * sizeof *pp);
    /* the indexes' documents are never skipped */
    uint8_t *skipped = c->nix ? calloc(m, 1) : j->ci.skipped;
    if (!c->rep || !c->ch.kept || !c->ch.anchor || !c->ch.cluster || !pp || !skipped) {
        free(pp);
        free(ip);
        if (skipped != j->ci.skipped) free(skipped);
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory clustering");
    }
    uint32_t shift = (uint32_t)c->nix;
    for (size_t i = 0; i < j->npairs; i++) pp[i] = (nd_pair){shift + j->pairs[i].a, shift + j->pairs[i].b};
    if (nip) memcpy(pp + j->npairs, ip, nip * sizeof *ip);
    free(ip);
    if (c->nix && j->ci.n) memcpy(skipped + c->nix, j->ci.skipped, j->ci.n);
    rc = nd_dedup_decide(n, pp, j->npairs + nip, c->nref, skipped, c->keep, keys_of, c, c->rep, &c->ch, err);
    free(pp);
    if (skipped != j->ci.skipped) free(skipped);
    return rc;
}

static void free_choice(dedup_ctx *c)
{
    free(c->rep);
    free(c->ch.kept);
    free(c->ch.anchor);
    free(c->ch.cluster);
}

/* ---------- under mpirun: the job handed to the MPI driver (mpi_dedup.c) ---------- */

typedef struct {
    nd_job *j;
    char **inputs;
    int ninputs;
    nd_out *out, *clusters, *removed; /* clusters, removed NULL: none */
} mpi_glue;

static nd_reader *mpi_open_inputs(void *u, const nd_pipeline_opts *po, nd_error *err)
{
    mpi_glue *g = u;
    return nd_cli_open_inputs(&g->j->common, po, g->inputs, g->ninputs, err);
}

static int mpi_finish_outputs(void *u, int keep, nd_error *err)
{
    mpi_glue *g = u;
    nd_out *all[3] = {g->out, g->clusters, g->removed}; /* all complete before any is renamed */
    size_t n = 1;
    if (g->clusters) all[n++] = g->clusters;
    if (g->removed) all[n++] = g->removed;
    if (keep) return nd_out_commit_all(all, n, err);
    for (size_t i = 0; i < n; i++) nd_out_abort(all[i]);
    return NEARDUP_OK;
}

/* x: what dedup's options ask beyond the kept records and the clusters (x->removed
 * and x->want_removed are set here from removed). */
static int mpi_run(nd_job *j, char **inputs, int ninputs, nd_out *out, nd_out *clusters, nd_out *removed,
                   nd_mpi_dedup_opts *x)
{
    mpi_glue g = {j, inputs, ninputs, out, clusters, removed};
    nd_mpi_job m = {.dup = {.ngram = j->common.ngram, .k = j->common.k, .threshold = j->common.threshold,
                            .metric = j->metric, .exact = j->exact, .max_bucket = j->max_bucket,
                            .exact_first = j->exact_first},
                    .ninputs = ninputs, .memory = j->memory, .tmpdir = j->tmpdir, .spool_decoded = j->spool_decoded,
                    .quiet = j->common.quiet, .timings = j->common.timings, .rec = j->common.rec,
                    .lossy = j->common.lossy,
                    .want_clusters = clusters != NULL, .out = out->f, .clusters = clusters ? clusters->f : NULL,
                    .user = &g, .open_inputs = mpi_open_inputs, .finish_outputs = mpi_finish_outputs,
                    .print_skips = nd_cli_print_skips};
    x->want_removed = removed != NULL;
    x->removed = removed ? removed->f : NULL;
    for (int i = 0; i < ninputs; i++) m.stdin_given |= !strcmp(inputs[i], "-");
    nd_common_pipeline(&j->common, &m.po, &m.dup.seeds);
    nd_job_describe(j, m.describe, sizeof m.describe);
    int rc = nd_mpi_dedup(&m, x);
    j->reader = m.reader; /* freed with the job */
    j->ci = m.ci;
    return rc;
}

static int run(dedup_ctx *c, char **pos, int npos)
{
    nd_job *j = &c->job;
    nd_error err = {0, ""};
    if (!j->common.output)
        return nd_cli_error(NEARDUP_E_USAGE, "dedup needs -o KEPT.jsonl (use -o - for standard output)");
    if (c->nrefs && npos == 0)
        return nd_cli_error(NEARDUP_E_USAGE, "no input given (see --help; use - for standard input)");
    int rc = nd_dedup_open_indexes(c); /* the --against indexes leave c->refs */
    if (rc) return rc;
    /* The references are read first, in the same pass as the inputs: their
     * band records join the inputs' in the same buckets, and, holding the
     * smallest record numbers, they are the roots of their clusters. */
    char **all = malloc(((size_t)c->nrefs + (size_t)npos + (size_t)c->nix_files + 1) * sizeof *all);
    if (!all) return nd_cli_error(NEARDUP_E_NOMEM, "out of memory");
    memcpy(all, c->refs, (size_t)c->nrefs * sizeof *all);
    if (npos) memcpy(all + c->nrefs, pos, (size_t)npos * sizeof *all);
    int nall = c->nrefs + npos;
    for (int i = 0; i < c->nix_files; i++) all[nall + i] = c->ix[i]->path; /* checked, not read by the job */
    /* No output may be an input (a reference included) or another output;
     * then the outputs are opened, so that an unwritable path fails before
     * hours of reading.  Under mpirun only rank 0 writes them. */
    const char *outs[3] = {j->common.output, c->clusters, c->removed};
    static const char *const names[3] = {"-o", "--clusters", "--removed"};
    rc = nd_cli_check_files(&j->common, outs, names, 3, all, (size_t)nall + (size_t)c->nix_files);
    nd_out out = {0}, cl = {0}, rm = {0};
    if (!rc && nd_mpi_rank() == 0) {
        rc = nd_out_open(&out, j->common.output, &err);
        if (!rc && c->clusters) rc = nd_out_open(&cl, c->clusters, &err);
        if (!rc && c->removed) rc = nd_out_open(&rm, c->removed, &err);
        if (rc) rc = nd_cli_error(rc, "%s", err.msg);
    }
    nd_out *outs3[3] = {&out, &cl, &rm}; /* all complete before any is renamed */
    if (!rc && nd_mpi_size() > 1) { /* under mpirun: each rank writes its share (mpi_dedup.c) */
        nd_mpi_dedup_opts x = {.nrefs = c->nrefs, .annotate = c->annotate, .keep = c->keep,
                               .keep_field = c->keep_field, .ixm = c->nix_files ? &c->ixm : NULL, .nix = c->nix};
        rc = mpi_run(j, all, nall, &out, c->clusters ? &cl : NULL, c->removed ? &rm : NULL, &x);
        free(all);
        return rc;
    }
    /* --memory: the scores of --removed and the index queries read the spilled signatures */
    j->keep_sigs = c->removed != NULL || c->nix_files;
    if (!rc) nd_dedup_prewrite_begin(c, &out);
    if (!rc) rc = nd_job_run_scaled(j, all, nall);
    if (!rc && c->nix_files && nd_dedup_check_index_ids(c, &err)) rc = nd_cli_error(err.code, "%s", err.msg);
    free(all);
    if (rc) {
        for (int i = 0; i < 3; i++) nd_out_abort(outs3[i]);
        return rc;
    }
    double t0 = nd_now();
    count_refs(c);
    rc = choose(c, &err);
    double t_cluster = nd_now() - t0;
    int written = 0;
    if (!rc) rc = nd_dedup_prewrite_finish(c, &out, &written, &err);
    if (!rc && !written) {
        rc = write_kept(c, out.f, &err);
        if (rc) rc = nd_out_failed(&out, rc, &err);
    }
    if (!rc && c->clusters && write_clusters(c, cl.f))
        rc = nd_out_failed(&cl, nd_fail(&err, NEARDUP_E_NOMEM, "out of memory writing clusters"), &err);
    if (!rc && c->removed && (rc = nd_dedup_write_removed(c, rm.f)))
        rc = nd_out_failed(&rm, nd_fail(&err, rc, "cannot read the spilled signatures for --removed"), &err);
    if (rc) {
        for (int i = 0; i < 3; i++) nd_out_abort(outs3[i]);
    } else {
        rc = nd_out_commit_all(outs3, 3, &err);
    }
    if (rc) {
        free_choice(c);
        return nd_cli_error(rc, "%s", err.msg);
    }
    /* the summary counts the inputs' records; a cluster of two or more is
     * counted once, at its second member */
    uint64_t ntot = c->nix + j->ci.n, nin = ntot - c->nref, skipped = 0, clusters = 0;
    for (uint64_t i = 0; i < ntot; i++) {
        if (i >= c->nix && j->ci.skipped[i - c->nix]) {
            skipped += i >= c->nref;
            continue;
        }
        uint32_t r = c->rep[i];
        if (r != i && c->rep[r] == r && c->ch.cluster[i] != UINT32_MAX) {
            clusters++;
            c->rep[r] = UINT32_MAX; /* marked: no longer used after this */
        }
    }
    free_choice(c);
    nd_cli_print_skips(&j->ci);
    double wall = nd_now() - j->t_start;
    char what[64];
    nd_job_describe(j, what, sizeof what);
    if (!j->common.quiet)
        fprintf(stderr, "neardup dedup: %llu records read = %llu kept + %llu removed + %llu skipped; "
                "%llu clusters of 2+ documents (%s); exact duplicates grouped before LSH: %llu; "
                "%.1f MB of text in %.2f s, %.1f MB/s\n",
                (unsigned long long)nin, (unsigned long long)c->ch.kept_n,
                (unsigned long long)c->ch.removed, (unsigned long long)skipped,
                (unsigned long long)clusters, what, (unsigned long long)j->exact_dups,
                j->ci.text_bytes / 1e6, wall, wall > 0 ? j->ci.text_bytes / 1e6 / wall : 0.0);
    if (!j->common.quiet && (c->nrefs || c->nix_files))
        fprintf(stderr, "neardup dedup: --against: %llu reference records read; %llu inputs removed as "
                "near-duplicates of a reference (or of an input that is one)\n",
                (unsigned long long)c->nref, (unsigned long long)c->ch.by_ref);
    if (!j->common.quiet && c->nix_files)
        fprintf(stderr, "neardup dedup: --against: %llu reference documents in %d index%s, never read again\n",
                (unsigned long long)c->nix, c->nix_files, c->nix_files == 1 ? "" : "es");
    if (j->common.timings) {
        nd_cli_print_timings(&j->ci);
        fprintf(stderr, "timings: shingle %.3f s, digest %.3f s, sketch %.3f s, band keys %.3f s (summed over threads), "
                "band+candidates %.3f s (%llu candidates, %u bands x %u rows), verify %.3f s, cluster %.3f s, write %.3f s\n",
                j->sk.t_shingle, j->sk.t_digest, j->sk.t_sketch, j->sk.t_band_keys, j->ps.t_band,
                (unsigned long long)j->ps.candidates,
                j->ps.bands, j->ps.rows, j->ps.t_verify, t_cluster, nd_now() - t0 - t_cluster);
    }
    return 0;
}

int nd_cmd_dedup(int argc, char **argv)
{
    dedup_ctx c = {.job = {.max_bucket = 256, .spool_decoded = 1, .distance = ND_DEFAULT_DISTANCE, .max_df = ND_DEFAULT_MAX_DF, .exact_first = 1,
                           .clusters_only = 1}};
    nd_common_default(&c.job.common);
    char **pos;
    int npos;
    int rc = nd_cli_parse(argc, argv, "neardup dedup INPUT... [-t T] -o KEPT.jsonl [--clusters CLUSTERS.jsonl] [--against REF]... "
                          "[--removed REMOVED.jsonl] [--keep WHICH] [--annotate]",
                          "Cluster near-duplicate documents (word n-gram Jaccard >= T, MinHash + LSH, union-find)\n"
                          "and keep the first document of each cluster in input order (--keep chooses another).\n"
                          "Kept JSONL records are copied unchanged; plain files become {\"id\": PATH, \"text\": ...}.\n"
                          "With --against REF, the references join the clusters but are never written, and a\n"
                          "cluster holding a reference keeps none of its inputs; an index as REF gives what its\n"
                          "corpus gives, without reading it. All of it runs under mpirun too.",
                          dedup_opts, on_option, &c, &pos, &npos);
    if (!rc && nd_job_check(&c.job)) rc = 2;
    if (rc) {
        free(pos);
        return rc == 1 ? 0 : 2;
    }
    rc = run(&c, pos, npos);
    nd_dedup_close_indexes(&c);
    free(pos);
    nd_job_free(&c.job);
    return rc;
}
