/* mpi_dedup.c - `neardup dedup` across MPI ranks (see mpi_dedup.h).
 *
 * Each rank reads only its share of the inputs (mpi_input.c: whole files,
 * or byte ranges of uncompressed JSONL split on line boundaries) and owns
 * the records it read; ranks read consecutive runs of records, so a record's
 * global number is its rank's first number (MPI_Exscan of the counts) plus
 * its number there, exactly the single-process numbering.  One compressed
 * JSONL stream alone cannot be split: then every rank decodes all of it and
 * records are dealt in blocks of ND_SHARD_BLOCK ("cyclic" mode).
 *
 * Then, with MPI_Alltoallv each time (1 to 3: mpi_pairs.c):
 *   1. (digest, doc) to the rank of the digest: exact-duplicate groups, the
 *      first document of each represents it; the others are reported back
 *      to their owners, which leave them out of LSH (as nd_job_run does);
 *   2. band records (16 bytes) to the rank of their key, which sorts them by
 *      (key, doc) - the order of the single-process stable sort - and forms
 *      the same candidate pairs (nd_lsh_candidates);
 *   3. each candidate to the owner of b, which attaches b's signature and
 *      passes it to the owner of a, which scores it;
 *   4. accepted pairs to rank 0, which clusters them (union-find over the
 *      documents in pairs only) and tells each owner which of its records
 *      are removed; every rank writes the kept records of its share and
 *      rank 0 appends them in rank order (mpi_clusters.c, mpi_output.c).
 * The pairs are exactly the single-process pairs, so the output is
 * byte-identical for any number of ranks. */
#include "lsh.h"
#include "mpi_dedup.h"
#include "reader.h"
#include "simhash.h"

#ifndef ND_HAVE_MPI

int nd_mpi_dedup(nd_mpi_job *j, const nd_mpi_dedup_opts *x)
{
    return nd_mpi_error(NEARDUP_E_INTERNAL, "built without MPI");
}

#else

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "mpi_internal.h"
#include "spill.h"

/* ---------- sketching this rank's records ---------- */

static int collect(void *u, void *bop, uint64_t first, size_t n, nd_error *err)
{
    nd_mpi_ctx *c = u;
    nd_sketch_batch *b = bop;
    unsigned k = c->so->k;
    size_t j = 0;
    /* on disk, c->sig only holds this batch's signatures on their way out */
    uint64_t base = c->sig_fd >= 0 ? c->nown : 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t r = first + i; /* the pipeline's number: global in cyclic mode, else this rank's */
        if (c->cyclic && (int)(r / ND_SHARD_BLOCK % (uint64_t)c->size) != c->rank) continue;
        uint64_t l = c->nown++;
        if (nd_grow((void **)&c->sig, &c->sig_cap, (l - base + 1) * k, sizeof *c->sig) ||
            nd_grow((void **)&c->live, &c->live_cap, l + 1, 1) ||
            nd_grow((void **)&c->dg, &c->dg_cap, l + 1, ND_DIGEST_BYTES))
            return nd_fail(err, NEARDUP_E_NOMEM, "out of memory keeping signatures");
        if (c->ci->skipped[r] || j >= b->n) {
            memset(c->sig + (l - base) * k, 0xff, k * sizeof *c->sig);
            c->live[l] = 0;
            memset(c->dg + l * ND_DIGEST_BYTES, 0, ND_DIGEST_BYTES);
            continue;
        }
        memcpy(c->sig + (l - base) * k, b->sig + j * k, k * sizeof *c->sig);
        c->live[l] = b->nsh[j] > 0;
        memcpy(c->dg + l * ND_DIGEST_BYTES, b->dg + j * ND_DIGEST_BYTES, ND_DIGEST_BYTES);
        c->docs++;
        j++;
    }
    c->t_shingle += b->t_shingle;
    c->t_sketch += b->t_sketch;
    if (c->sig_fd >= 0 && nd_write_all(c->sig_fd, c->sig, (c->nown - base) * k * sizeof *c->sig))
        return nd_fail(err, NEARDUP_E_IO, "cannot write signatures to a temporary file in %s: %s",
                       c->tmpdir, strerror(errno));
    return NEARDUP_OK;
}

static const uint32_t *sig_fn(void *c, uint64_t l, uint32_t *tmp) { return nd_mpi_sig_of(c, l, tmp); }

/* --against: how many records the references hold (they come first), and
 * how many of them were skipped, the same on every rank. */
static void count_refs(const nd_mpi_job *j, const nd_owners *own, int nrefs, nd_mpi_choice *ch, uint64_t *skipped_refs)
{
    size_t files = nrefs ? nd_reader_arg_files(j->reader, (size_t)nrefs) : 0;
    uint64_t mine[2] = {0, 0}, all[2];
    for (uint64_t l = 0, n = nd_owner_count(own); l < n; l++) {
        uint64_t x = nd_owner_ci(own, l);
        if (j->ci.input[x] < files) mine[0]++, mine[1] += j->ci.skipped[x];
    }
    MPI_Allreduce(mine, all, 2, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
    ch->nref = all[0];
    ch->nref_files = files;
    ch->own_refs = own->cyclic ? 0 : mine[0]; /* one stream holds no reference */
    *skipped_refs = all[1];
}

static int cmp_scored(const void *x, const void *y)
{
    const nd_scored_pair *p = x, *q = y;
    if (p->a != q->a) return p->a < q->a ? -1 : 1;
    return (p->b > q->b) - (p->b < q->b);
}


/* ---------- the run ---------- */

/* Reads and sketches this rank's share; the agreed exit status. */
static int read_share(nd_mpi_job *j, nd_mpi_ctx *c, nd_sketch_opts *so, nd_mpi_share *sh)
{
    nd_error err = {0, ""};
    nd_pipeline_opts po = j->po;
    so->seeds = j->dup.seeds;
    j->reader = j->open_inputs(j->user, &po, &err);
    int rc = j->reader ? NEARDUP_OK : err.code ? err.code : NEARDUP_E_IO;
    int st = nd_mpi_agree(rc, 0, &err); /* the same inputs on every rank: rank 0 reports */
    if (st) return st;
    rc = nd_mpi_share_inputs(j->reader, sh, &err);
    if ((st = nd_mpi_agree(rc, c->rank, &err))) return st;
    c->cyclic = sh->cyclic;
    if (sh->cyclic) {
        po.shard_n = (unsigned)c->size;
        po.shard_i = (unsigned)c->rank;
    }
    /* the second pass reads the same share again: keep decoded copies where
     * this rank writes (only rank 0 in cyclic mode) */
    nd_reader_spool_decoded(j->reader, j->spool_decoded && (!sh->cyclic || c->rank == 0));
    nd_pipeline_fns f = {.user = c, .collect = collect};
    nd_sketch_worker_fns(&f);
    rc = nd_pipeline_run(j->reader, &po, &f, &j->ci, &err);
    /* the first error in input order: in cyclic mode the lowest record
     * number (ranks stop at their own first error), else the lowest rank */
    return nd_mpi_agree(rc, sh->cyclic ? (double)j->ci.n : (double)c->rank, &err);
}

/* --memory: signatures go to an unlinked file in --tmp (or $TMPDIR), as
 * do the decoded copies of compressed inputs the reader keeps. */
static int open_spill(nd_mpi_job *j, nd_mpi_ctx *c)
{
    nd_error err = {0, ""};
    int rc = NEARDUP_OK;
    if (j->tmpdir && setenv("TMPDIR", j->tmpdir, 1)) rc = nd_fail(&err, NEARDUP_E_NOMEM, "out of memory");
    c->tmpdir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    if (!rc && j->memory) c->sig_fd = nd_mpi_temp_fd(c->tmpdir, &err), rc = c->sig_fd < 0 ? err.code : 0;
    return nd_mpi_agree(rc, c->rank, &err);
}

/* --memory: how many rounds of band records keep them within the budget
 * on every rank (the most any rank needs).  At the peak of an exchange a
 * band record (16 bytes) is held three times - built, packed for sending,
 * received - with a 4-byte destination: 52 bytes.  What stays for the
 * whole run is the pipeline's accounting of this rank's records and their
 * live flags; the signatures are on disk. */
static unsigned band_rounds(const nd_mpi_job *j, const nd_mpi_ctx *c, unsigned bands)
{
    unsigned mine = 1, all = 1;
    if (j->memory) {
        uint64_t live = 0;
        for (uint64_t l = 0; l < c->nown; l++) live += c->live[l];
        uint64_t need = live * bands * 52;
        uint64_t resident = c->ci->cap * 21 + c->ci->id_cap + c->nown;
        uint64_t budget = nd_memory_budget(j->memory, resident);
        uint64_t r = need / budget + 1;
        mine = r > 4096 ? 4096 : (unsigned)r;
    }
    MPI_Allreduce(&mine, &all, 1, MPI_UNSIGNED, MPI_MAX, MPI_COMM_WORLD);
    return all;
}

/* The summary line of dedup, as one process prints it (rank 0). */
static void summary(nd_mpi_job *j, const nd_corpus_info *sum, uint64_t total, const nd_mpi_choice *ch,
                    uint64_t skipped_refs, int nrefs, uint64_t text_bytes)
{
    j->print_skips(sum);
    double wall = nd_now() - j->t_start;
    const char *what = j->describe;
    /* the inputs' records, the references apart */
    uint64_t nin = total - ch->nref, skipped = sum->skipped_n - skipped_refs, docs = nin - skipped;
    if (!j->quiet)
        fprintf(stderr, "neardup dedup: %llu records read = %llu kept + %llu removed + %llu skipped; "
                "%llu clusters of 2+ documents (%s); exact duplicates grouped before LSH: %llu; "
                "%.1f MB of text in %.2f s, %.1f MB/s\n",
                (unsigned long long)nin, (unsigned long long)(docs - ch->removed), (unsigned long long)ch->removed,
                (unsigned long long)skipped, (unsigned long long)ch->nclusters, what,
                (unsigned long long)j->exact_dups, text_bytes / 1e6, wall, wall > 0 ? text_bytes / 1e6 / wall : 0.0);
    if (!j->quiet && nrefs)
        fprintf(stderr, "neardup dedup: --against: %llu reference records read; %llu inputs removed as "
                "near-duplicates of a reference (or of an input that is one)\n",
                (unsigned long long)ch->nref, (unsigned long long)ch->by_ref);
}

/* --timings: one line a rank, what it read, how long each step took, what
 * it sent and received (exchanges; its part of the output apart). */
static void print_timings(const nd_mpi_job *j, const nd_mpi_ctx *c, const nd_owners *own, const nd_mpi_share *sh,
                          const nd_mpi_lsh_shape *shape, const nd_pairs_stats *ps, const nd_mpi_write_stats *ws,
                          const nd_traffic *t, double t_pairs)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    char mem[112] = "", owned[64] = "";
    if (j->memory)
        snprintf(mem, sizeof mem, "; --memory %.0f MiB: signatures on disk, band records in %u round%s",
                 j->memory / 1048576.0, shape->rounds, shape->rounds == 1 ? "" : "s");
    if (own->cyclic)
        snprintf(owned, sizeof owned, " (%llu its own: one compressed stream, every rank decodes it)",
                 (unsigned long long)nd_owner_count(own));
    fprintf(stderr, "timings: MPI rank %d/%d: read %llu records%s, %llu input bytes in %llu part%s, "
            "%llu documents sketched in %.3f s; pairs in %.3f s; wrote %llu records in %.3f s; "
            "%llu bytes sent, %llu bytes received in exchanges (%llu band records out), "
            "%llu bytes of output %s rank 0%s; peak RSS %.1f MiB\n",
            c->rank, c->size, (unsigned long long)j->ci.n, owned, (unsigned long long)sh->bytes,
            (unsigned long long)sh->parts, sh->parts == 1 ? "" : "s", (unsigned long long)c->docs,
            j->ci.t_wall, t_pairs, (unsigned long long)ws->kept, ws->t_write, (unsigned long long)t->sent,
            (unsigned long long)t->recv, (unsigned long long)ps->band_records, (unsigned long long)ws->streamed,
            c->rank ? "sent to" : "received by", mem, ru.ru_maxrss / 1024.0);
}

static void abort_outputs(nd_mpi_job *j)
{
    nd_error ignored;
    j->finish_outputs(j->user, 0, &ignored);
}

/* Rank 0 commits the outputs (both complete before either is renamed);
 * every rank learns the status. */
static int commit_outputs(int rank, nd_mpi_job *j)
{
    nd_error err = {0, ""};
    int rc = NEARDUP_OK;
    if (rank == 0) rc = j->finish_outputs(j->user, 1, &err);
    else abort_outputs(j);
    return nd_mpi_agree(rc, 0, &err);
}

int nd_mpi_dedup(nd_mpi_job *j, const nd_mpi_dedup_opts *x)
{
    int rank = nd_mpi_rank(), size = nd_mpi_size();
    const char *bad = NULL;
    if (j->dup.metric != ND_METRIC_JACCARD || j->dup.exact || !j->dup.exact_first)
        bad = "under mpirun, dedup supports --metric jaccard (MinHash estimate) without --exact";
    else if (j->ninputs <= x->nrefs)
        bad = "no input given (see --help)";
    else if (j->stdin_given)
        bad = "under mpirun, inputs must be files, not standard input";
    if (bad) {
        abort_outputs(j);
        return rank ? nd_exit_status(NEARDUP_E_USAGE) : nd_mpi_error(NEARDUP_E_USAGE, "%s", bad);
    }
    j->t_start = nd_now();
    nd_sketch_opts so = {.ngram = j->dup.ngram, .k = j->dup.k, .digest = 1};
    nd_mpi_ctx c = {.so = &so, .ci = &j->ci, .rank = rank, .size = size, .sig_fd = -1};
    nd_mpi_share sh;
    nd_owners own = {.rank = rank, .size = size};
    nd_traffic t = {0, 0};
    int st = open_spill(j, &c);
    if (!st) st = read_share(j, &c, &so, &sh);
    if (!st) st = nd_mpi_number_records(&own, &j->ci, sh.cyclic);
    if (!st) st = nd_mpi_check_ids(&own, &j->ci, j->reader, &t);
    if (!st && x->nix) st = nd_mpi_check_index_ids(j, &own, x);
    if (st) {
        free(c.sig), free(c.live), free(c.dg), free(own.first);
        if (c.sig_fd >= 0) close(c.sig_fd);
        abort_outputs(j);
        return st;
    }
    nd_mpi_choice ch = {.nix = x->nix, .ixm = x->ixm};
    uint64_t skipped_refs;
    count_refs(j, &own, x->nrefs, &ch, &skipped_refs);
    ch.nref += x->nix;
    nd_mpi_edges e = {0};
    nd_pairs_stats ps = {0};
    double t0 = nd_now();
    uint64_t dups = nd_mpi_exact_groups(&c, &own, &e, &t);
    free(c.dg);
    c.dg = NULL;
    nd_mpi_lsh_shape shape = {.seed = nd_band_seed(so.seeds.sketch_seed)};
    nd_lsh_params(j->dup.threshold, so.k, &shape.bands, &shape.rows);
    shape.rounds = band_rounds(j, &c, shape.bands);
    uint64_t nexact = e.n;
    nd_mpi_lsh_pairs(&c, &own, j, &shape, &e, &t, &ps);
    ps.accepted = e.n - nexact;
    if (x->nix) nd_mpi_index_pairs(&c, &own, x, &e);
    free(c.live);
    if (!x->want_removed) { /* --removed scores with them at the end */
        free(c.sig);
        c.sig = NULL;
        if (c.sig_fd >= 0) close(c.sig_fd);
        c.sig_fd = -1;
    }
    double t_pairs = nd_now() - t0;
    /* rank 0 gets every pair and clusters them */
    int *offs;
    char *all = nd_mpi_gather(e.p, e.n * sizeof *e.p, &offs, &t);
    free(e.p);
    uint32_t *u = NULL, *root = NULL;
    size_t nu = 0;
    if (rank == 0) {
        size_t np = (size_t)offs[size] / sizeof(nd_scored_pair);
        if (x->nix) all = (char *)nd_mpi_join_refs(x, (nd_scored_pair *)all, &np);
        qsort(all, np, sizeof(nd_scored_pair), cmp_scored);
        nd_mpi_cluster((nd_scored_pair *)all, np, &u, &root, &nu);
        free(offs);
    }
    free(all);
    nd_corpus_info sum = {0};
    nd_mpi_gather_skips(&own, &j->ci, &sum, &t);
    nd_mpi_write_stats ws = {0};
    st = nd_mpi_choose(&own, j, x, u, root, nu, &ch, &t);
    if (!st) st = nd_mpi_write_kept(&own, j, u, nu, &ch, x->annotate, j->out, j->tmpdir, &ws, &t);
    if (!st && j->want_clusters) st = nd_mpi_write_clusters(&own, &j->ci, u, root, nu, &ch, j->clusters, &t);
    if (!st && x->want_removed)
        nd_mpi_write_removed(&own, &j->ci, u, nu, &ch, so.k, sig_fn, &c, rank ? NULL : x->removed, &t);
    if (st) abort_outputs(j);
    else st = commit_outputs(rank, j);
    free(c.sig);
    if (c.sig_fd >= 0) close(c.sig_fd);
    free(u);
    free(root);
    uint64_t sums[2] = {j->ci.text_bytes, dups}, tot[2];
    MPI_Reduce(sums, tot, 2, MPI_UINT64_T, MPI_SUM, 0, MPI_COMM_WORLD);
    if (j->timings) print_timings(j, &c, &own, &sh, &shape, &ps, &ws, &t, t_pairs);
    free(own.first);
    if (st || rank != 0) {
        nd_mpi_choice_free(&ch);
        return st;
    }
    j->exact_dups = tot[1];
    summary(j, &sum, own.total + x->nix, &ch, skipped_refs, x->nrefs || x->nix, tot[0]);
    if (!j->quiet && x->nix)
        fprintf(stderr, "neardup dedup: --against: %llu reference documents in %d index%s, never read again\n",
                (unsigned long long)x->nix, x->ixm->n, x->ixm->n == 1 ? "" : "es");
    nd_mpi_choice_free(&ch);
    return 0;
}

#endif
