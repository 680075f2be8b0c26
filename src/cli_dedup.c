/* cli_dedup.c - `neardup dedup`: clusters of near-duplicates, one kept each.
 *
 * Pass 1 sketches (signatures only, never the text); clusters come from
 * union-find over the verified pairs; pass 2 re-reads the inputs and copies
 * the kept records through unchanged (all their original fields). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mpi_dedup.h"

enum { OPT_CLUSTERS = 100, OPT_EXACT };

typedef struct {
    nd_job job;
    const char *clusters;
} dedup_ctx;

static const nd_cli_option dedup_opts[] = {
    ND_OPT_OUTPUT,
    {"clusters", 0, "FILE", "also write clusters of 2+ documents as JSONL {\"kept\": ID, \"members\": [ID, ...]}; FILE.zst or FILE.gz is compressed (default none)", OPT_CLUSTERS},
    ND_OPT_THRESHOLD("0.8"),
    ND_OPT_NGRAM,
    ND_OPT_K,
    {"exact", 0, NULL, "verify candidates on the real shingle sets (default off: MinHash estimate)", OPT_EXACT},
    ND_OPT_METRIC,
    ND_OPT_DISTANCE,
    ND_OPT_MAX_DF,
    ND_OPT_THREADS,
    ND_OPT_ID_FIELD,
    ND_OPT_TEXT_FIELD,
    ND_OPT_READERS,
    ND_OPT_LOSSY,
    ND_OPT_SKIP_BAD,
    ND_OPT_SEED,
    ND_OPT_KEY,
    ND_OPT_TIMINGS,
    ND_OPT_QUIET,
    ND_OPT_MEMORY,
    ND_OPT_TMP,
    ND_OPT_END,
};

static int on_option(void *p, int id, const char *arg)
{
    dedup_ctx *c = p;
    if (id == OPT_CLUSTERS) c->clusters = arg;
    else if (id == OPT_EXACT) c->job.exact = 1;
    else if (id >= 90 && id <= 92) return nd_job_option(&c->job, id, arg);
    else if (id == 95 || id == 96) return nd_scale_option(&c->job, id, arg);
    else return nd_common_option(&c->job.common, id, arg);
    return 0;
}

/* Writes the kept records of one batch of the second pass; *r counts records. */
static int write_batch(const nd_job *j, nd_record_parser *rp, const uint32_t *rep, const nd_batch *b, uint64_t *r,
                       FILE *out, nd_error *err)
{
    size_t run = 0, run_end = 0; /* kept JSONL records next to each other, with their "\n" */
    for (size_t i = 0; i < b->n; i++, ++*r) {
        if (*r >= j->ci.n)
            return nd_fail(err, NEARDUP_E_IO, "%s changed while it was being read",
                           nd_reader_path(j->reader, b->rec[i].input));
        const nd_raw_record *rec = &b->rec[i];
        int keep = !j->ci.skipped[*r] && rep[*r] == *r;
        if (keep && rec->jsonl && rec->off == run_end && run_end > run) {
            run_end = rec->off + rec->len + 1; /* extends the run */
            continue;
        }
        if (run_end > run) fwrite(b->buf + run, 1, run_end - run, out);
        run = run_end = 0;
        if (!keep) continue;
        if (rec->jsonl) {
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
    const nd_job *j;
    nd_record_parser *rp;
    const uint32_t *rep;
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
        int rc = p->failed ? NEARDUP_OK : write_batch(p->j, p->rp, p->rep, &p->slot[k], &p->r, p->out, &p->err);
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
static int write_kept(nd_job *j, const uint32_t *rep, FILE *out, nd_error *err)
{
    int rc = nd_reader_rewind(j->reader, err);
    if (rc) return rc;
    unsigned threads = j->common.threads ? j->common.threads : nd_online_cpus();
    pass2 p = {.j = j, .rep = rep, .out = out, .err = {0, ""}};
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
            if ((rc = write_batch(j, p.rp, rep, &p.slot[k], &p.r, out, err))) break;
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

/* Clusters of two or more, ordered by their kept document. */
static int write_clusters(const nd_job *j, const uint32_t *rep, FILE *f)
{
    uint64_t n = j->ci.n;
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
        if (rep[i] != i || next[i] == UINT32_MAX) continue;
        fputs("{\"kept\": ", f);
        nd_json_write_string(f, nd_corpus_id(&j->ci, i), nd_corpus_id_len(&j->ci, i));
        fputs(", \"members\": [", f);
        for (uint32_t m = (uint32_t)i; m != UINT32_MAX; m = next[m]) {
            if (m != i) fputs(", ", f);
            nd_json_write_string(f, nd_corpus_id(&j->ci, m), nd_corpus_id_len(&j->ci, m));
        }
        fputs("]}\n", f);
    }
    free(next);
    free(last);
    return NEARDUP_OK;
}

static int run(dedup_ctx *c, char **pos, int npos)
{
    nd_job *j = &c->job;
    nd_error err = {0, ""};
    if (!j->common.output)
        return nd_cli_error(NEARDUP_E_USAGE, "dedup needs -o KEPT.jsonl (use -o - for standard output)");
    /* No output may be an input or the other output; then the outputs are
     * opened, so that an unwritable path fails before hours of reading.
     * Under mpirun only rank 0 writes them (the others leave them unopened). */
    const char *outs[2] = {j->common.output, c->clusters};
    static const char *const names[2] = {"-o", "--clusters"};
    int rc = nd_cli_check_files(&j->common, outs, names, 2, pos, (size_t)npos);
    if (rc) return rc;
    nd_out out = {0}, cl = {0};
    if (nd_mpi_rank() == 0) {
        rc = nd_out_open(&out, j->common.output, &err);
        if (!rc && c->clusters && (rc = nd_out_open(&cl, c->clusters, &err))) nd_out_abort(&out);
    }
    if (rc) return nd_cli_error(rc, "%s", err.msg);
    if (nd_mpi_size() > 1) /* under mpirun: each rank writes its share (mpi_dedup.c) */
        return nd_mpi_dedup(j, pos, npos, &out, c->clusters ? &cl : NULL);
    if ((rc = nd_job_run_scaled(j, pos, npos))) {
        nd_out_abort(&out);
        nd_out_abort(&cl);
        return rc;
    }
    double t0 = nd_now();
    uint32_t *rep = malloc((j->ci.n ? j->ci.n : 1) * sizeof *rep);
    nd_pair *pp = malloc((j->npairs ? j->npairs : 1) * sizeof *pp);
    if (!rep || !pp) {
        free(rep);
        free(pp);
        nd_out_abort(&out);
        nd_out_abort(&cl);
        return nd_cli_error(NEARDUP_E_NOMEM, "out of memory clustering");
    }
    for (size_t i = 0; i < j->npairs; i++) pp[i] = (nd_pair){j->pairs[i].a, j->pairs[i].b};
    nd_cluster(j->ci.n, pp, j->npairs, rep);
    free(pp);
    double t_cluster = nd_now() - t0;
    {
        rc = write_kept(j, rep, out.f, &err);
        if (rc) rc = nd_out_failed(&out, rc, &err);
        if (!rc && c->clusters && write_clusters(j, rep, cl.f))
            rc = nd_out_failed(&cl, nd_fail(&err, NEARDUP_E_NOMEM, "out of memory writing clusters"), &err);
        nd_out *both[2] = {&out, &cl}; /* both complete before either is renamed */
        if (rc) nd_out_abort(&out), nd_out_abort(&cl);
        else rc = nd_out_commit_all(both, 2, &err);
    }
    if (rc) {
        free(rep);
        return nd_cli_error(rc, "%s", err.msg);
    }
    uint64_t docs = j->ci.n - j->ci.skipped_n, kept = 0, clusters = 0;
    for (uint64_t i = 0; i < j->ci.n; i++) {
        if (j->ci.skipped[i]) continue;
        kept += rep[i] == i;
        /* a cluster of two or more is counted at its second member; the
         * root's slot is reused as the mark (roots point to themselves) */
        if (rep[i] != i && rep[rep[i]] == rep[i]) {
            clusters++;
            rep[rep[i]] = UINT32_MAX; /* marked: no longer used after this */
        }
    }
    free(rep);
    nd_cli_print_skips(&j->ci);
    double wall = nd_now() - j->t_start;
    char what[64];
    nd_job_describe(j, what, sizeof what);
    if (!j->common.quiet)
        fprintf(stderr, "neardup dedup: %llu records read = %llu kept + %llu removed + %llu skipped; "
                "%llu clusters of 2+ documents (%s); exact duplicates grouped before LSH: %llu; "
                "%.1f MB of text in %.2f s, %.1f MB/s\n",
                (unsigned long long)j->ci.n, (unsigned long long)kept,
                (unsigned long long)(docs - kept), (unsigned long long)j->ci.skipped_n,
                (unsigned long long)clusters, what, (unsigned long long)j->exact_dups,
                j->ci.text_bytes / 1e6, wall, wall > 0 ? j->ci.text_bytes / 1e6 / wall : 0.0);
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
    dedup_ctx c = {.job = {.max_bucket = 256, .spool_decoded = 1, .distance = 3, .max_df = 50, .exact_first = 1,
                           .clusters_only = 1}};
    nd_common_default(&c.job.common);
    char **pos;
    int npos;
    int rc = nd_cli_parse(argc, argv, "neardup dedup INPUT... [-t T] -o KEPT.jsonl [--clusters CLUSTERS.jsonl]",
                          "Cluster near-duplicate documents (word n-gram Jaccard >= T, MinHash + LSH, union-find)\n"
                          "and keep the first document of each cluster in input order. Kept JSONL records are\n"
                          "copied unchanged; plain files become {\"id\": PATH, \"text\": ...}.",
                          dedup_opts, on_option, &c, &pos, &npos);
    if (!rc && nd_job_check(&c.job)) rc = 2;
    if (rc) {
        free(pos);
        return rc == 1 ? 0 : 2;
    }
    rc = run(&c, pos, npos);
    free(pos);
    nd_job_free(&c.job);
    return rc;
}
