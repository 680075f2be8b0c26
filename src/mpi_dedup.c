/* mpi_dedup.c - `neardup dedup` across MPI ranks (see mpi_dedup.h).
 *
 * Records are owned in blocks of ND_SHARD_BLOCK: record d belongs to rank
 * (d / ND_SHARD_BLOCK) % N.  Every rank reads the whole input stream (a
 * .zst/.gz stream cannot be entered in the middle) but parses, tokenizes and
 * sketches only its own records.  Then, with MPI_Alltoallv each time:
 *   1. (digest, doc) to the rank of the digest: exact-duplicate groups, the
 *      first document of each represents it; the others are reported back
 *      to their owners, which leave them out of LSH (as nd_job_run does);
 *   2. band records (16 bytes) to the rank of their key, which sorts them by
 *      (key, doc) - the order of the single-process stable sort - and forms
 *      the same candidate pairs (nd_lsh_candidates);
 *   3. each candidate to the owner of b, which attaches b's signature and
 *      passes it to the owner of a, which scores it;
 *   4. accepted pairs, exact-duplicate pairs, ids and skipped flags gathered
 *      to rank 0, which clusters (union-find) and writes the output with a
 *      second pass over the input.
 * The pairs are exactly the single-process pairs, so the output is
 * byte-identical for any number of ranks. */
#include "mpi_dedup.h"

#ifndef ND_HAVE_MPI

void nd_mpi_init(int *argc, char ***argv) {}
void nd_mpi_finalize(void) {}
int nd_mpi_size(void) { return 1; }
int nd_mpi_rank(void) { return 0; }
int nd_mpi_job_run(nd_job *j, char **inputs, int ninputs) { return nd_job_run(j, inputs, ninputs); }

#else

#include <limits.h>
#include <mpi.h>
#include <stdlib.h>
#include <string.h>

#include "spill.h"

void nd_mpi_init(int *argc, char ***argv)
{
    /* started by mpirun (Open MPI), srun / PMIx, or another PMI launcher */
    if (!getenv("OMPI_COMM_WORLD_SIZE") && !getenv("PMIX_RANK") && !getenv("PMI_RANK")) return;
    int provided;
    MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided); /* MPI from the main thread only */
}

void nd_mpi_finalize(void)
{
    int init = 0, fin = 0;
    MPI_Initialized(&init);
    MPI_Finalized(&fin);
    if (init && !fin) MPI_Finalize();
}

int nd_mpi_size(void)
{
    int init = 0, n = 1;
    MPI_Initialized(&init);
    if (init) MPI_Comm_size(MPI_COMM_WORLD, &n);
    return n;
}

int nd_mpi_rank(void)
{
    int init = 0, r = 0;
    MPI_Initialized(&init);
    if (init) MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}

static int owner(uint64_t doc, int n) { return (int)(doc / ND_SHARD_BLOCK % (uint64_t)n); }

/* Index of an owned document among its rank's documents. */
static uint64_t local_index(uint64_t doc, int n)
{
    return doc / ND_SHARD_BLOCK / (uint64_t)n * ND_SHARD_BLOCK + doc % ND_SHARD_BLOCK;
}

typedef struct {
    const nd_sketch_opts *so; /* first: the shared worker reads it */
    const nd_corpus_info *ci;
    int rank, size;
    uint32_t *sig;   /* k lanes per owned record, in record order */
    uint8_t *live;   /* per owned record */
    uint8_t *dg;     /* digest per owned record */
    uint64_t nown;   /* owned records so far */
    size_t sig_cap, live_cap, dg_cap;
    uint64_t docs;   /* owned documents sketched (not skipped) */
    double t_shingle, t_sketch;
} mpi_ctx;

static int collect(void *u, void *bop, uint64_t first, size_t n, nd_error *err)
{
    mpi_ctx *c = u;
    nd_sketch_batch *b = bop;
    unsigned k = c->so->k;
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t r = first + i;
        if (owner(r, c->size) != c->rank) continue;
        uint64_t l = c->nown++;
        if (nd_grow((void **)&c->sig, &c->sig_cap, (l + 1) * k, sizeof *c->sig) ||
            nd_grow((void **)&c->live, &c->live_cap, l + 1, 1) ||
            nd_grow((void **)&c->dg, &c->dg_cap, l + 1, ND_DIGEST_BYTES))
            return nd_fail(err, NEARDUP_E_NOMEM, "out of memory keeping signatures");
        if (c->ci->skipped[r] || j >= b->n) {
            memset(c->sig + l * k, 0xff, k * sizeof *c->sig);
            c->live[l] = 0;
            memset(c->dg + l * ND_DIGEST_BYTES, 0, ND_DIGEST_BYTES);
            continue;
        }
        memcpy(c->sig + l * k, b->sig + j * k, k * sizeof *c->sig);
        c->live[l] = b->nsh[j] > 0;
        memcpy(c->dg + l * ND_DIGEST_BYTES, b->dg + j * ND_DIGEST_BYTES, ND_DIGEST_BYTES);
        c->docs++;
        j++;
    }
    c->t_shingle += b->t_shingle;
    c->t_sketch += b->t_sketch;
    return NEARDUP_OK;
}

/* ---------- exchanges ---------- */

typedef struct {
    uint64_t sent, recv; /* bytes to / from other ranks */
} traffic;

/* Stops every rank: past the sketching phase, an error on one rank (out of
 * memory, an exchange too large) cannot be agreed on collectively. */
static void die(int code, const char *msg)
{
    nd_cli_error(code, "MPI rank %d: %s", nd_mpi_rank(), msg);
    MPI_Abort(MPI_COMM_WORLD, nd_exit_status(code));
    exit(nd_exit_status(code));
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) die(NEARDUP_E_NOMEM, "out of memory");
    return p;
}

/* Sends n items of sz bytes, item i to rank dest[i]; returns the items this
 * rank receives (malloc'ed), from rank 0's first. */
static void *alltoallv(const void *items, size_t n, size_t sz, const int *dest, size_t *nrecv,
                       traffic *t)
{
    int p = nd_mpi_size(), me = nd_mpi_rank();
    size_t *cnt = calloc((size_t)p, sizeof *cnt), *pos = calloc((size_t)p, sizeof *pos);
    int *sc = xmalloc((size_t)p * sizeof *sc), *sd = xmalloc((size_t)p * sizeof *sd);
    int *rc = xmalloc((size_t)p * sizeof *rc), *rd = xmalloc((size_t)p * sizeof *rd);
    if (!cnt || !pos) die(NEARDUP_E_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) cnt[dest[i]]++;
    size_t off = 0;
    for (int r = 0; r < p; r++) {
        if (cnt[r] * sz > INT_MAX || off * sz > INT_MAX)
            die(NEARDUP_E_INTERNAL, "an exchange exceeds 2 GiB between two ranks: run more ranks");
        pos[r] = off;
        sc[r] = (int)(cnt[r] * sz);
        sd[r] = (int)(off * sz);
        off += cnt[r];
    }
    char *sb = xmalloc(n * sz);
    for (size_t i = 0; i < n; i++) memcpy(sb + pos[dest[i]]++ * sz, (const char *)items + i * sz, sz);
    MPI_Alltoall(sc, 1, MPI_INT, rc, 1, MPI_INT, MPI_COMM_WORLD);
    size_t total = 0;
    for (int r = 0; r < p; r++) {
        if (total > INT_MAX) die(NEARDUP_E_INTERNAL, "an exchange exceeds 2 GiB on one rank: run more ranks");
        rd[r] = (int)total;
        total += (size_t)rc[r];
        if (r != me) t->sent += (uint64_t)sc[r], t->recv += (uint64_t)rc[r];
    }
    char *rb = xmalloc(total);
    MPI_Alltoallv(sb, sc, sd, MPI_BYTE, rb, rc, rd, MPI_BYTE, MPI_COMM_WORLD);
    free(sb);
    free(cnt);
    free(pos);
    free(sc);
    free(sd);
    free(rc);
    free(rd);
    *nrecv = total / sz;
    return rb;
}

/* ---------- 1. exact duplicates ---------- */

typedef struct {
    uint8_t dg[ND_DIGEST_BYTES];
    uint32_t doc;
} dg_rec;

static int cmp_dg(const void *x, const void *y)
{
    const dg_rec *a = x, *b = y;
    int c = memcmp(a->dg, b->dg, ND_DIGEST_BYTES);
    return c ? c : (a->doc > b->doc) - (a->doc < b->doc);
}

static int cmp_scored(const void *x, const void *y)
{
    const nd_scored_pair *p = x, *q = y;
    if (p->a != q->a) return p->a < q->a ? -1 : 1;
    return (p->b > q->b) - (p->b < q->b);
}

static int cmp_band(const void *x, const void *y)
{
    const nd_band_rec *a = x, *b = y;
    if (a->key != b->key) return a->key < b->key ? -1 : 1;
    return (a->doc > b->doc) - (a->doc < b->doc);
}

/* Record index of the l-th owned record. */
static uint64_t global_index(uint64_t l, int rank, int n)
{
    return (l / ND_SHARD_BLOCK * (uint64_t)n + (uint64_t)rank) * ND_SHARD_BLOCK + l % ND_SHARD_BLOCK;
}

typedef struct {
    nd_scored_pair *p;
    size_t n, cap;
} edges;

static void push_edge(edges *e, uint32_t a, uint32_t b, float s)
{
    if (nd_grow((void **)&e->p, &e->cap, e->n + 1, sizeof *e->p)) die(NEARDUP_E_NOMEM, "out of memory");
    e->p[e->n++] = (nd_scored_pair){a, b, s, -1};
}

/* Marks exact duplicates dead (live = 0) on their owners; their pairs with
 * their group's first document go to out. */
static uint64_t exact_groups(mpi_ctx *c, edges *out, traffic *t)
{
    int p = c->size;
    size_t n = 0;
    for (uint64_t l = 0; l < c->nown; l++) n += c->live[l];
    dg_rec *r = xmalloc(n * sizeof *r);
    int *dest = xmalloc(n * sizeof *dest);
    size_t m = 0;
    for (uint64_t l = 0; l < c->nown; l++) {
        if (!c->live[l]) continue;
        memcpy(r[m].dg, c->dg + l * ND_DIGEST_BYTES, ND_DIGEST_BYTES);
        r[m].doc = (uint32_t)global_index(l, c->rank, p);
        uint64_t h;
        memcpy(&h, r[m].dg, 8);
        dest[m++] = (int)(h % (uint64_t)p);
    }
    size_t nr;
    dg_rec *in = alltoallv(r, m, sizeof *r, dest, &nr, t);
    free(r);
    free(dest);
    qsort(in, nr, sizeof *in, cmp_dg);
    uint32_t *dead = xmalloc(nr * sizeof *dead);
    int *ddest = xmalloc(nr * sizeof *ddest);
    size_t nd = 0;
    uint64_t dups = 0;
    for (size_t i = 0; i < nr;) {
        size_t e = i + 1;
        while (e < nr && !memcmp(in[e].dg, in[i].dg, ND_DIGEST_BYTES)) e++;
        for (size_t x = i + 1; x < e; x++) {
            push_edge(out, in[i].doc, in[x].doc, 1.0f);
            dead[nd] = in[x].doc;
            ddest[nd++] = owner(in[x].doc, p);
            dups++;
        }
        i = e;
    }
    free(in);
    size_t nb;
    uint32_t *back = alltoallv(dead, nd, sizeof *dead, ddest, &nb, t);
    for (size_t i = 0; i < nb; i++) c->live[local_index(back[i], p)] = 0;
    free(back);
    free(dead);
    free(ddest);
    return dups;
}

/* ---------- 2. band records, candidates; 3. verification ---------- */

typedef struct {
    uint32_t a, b;
} pair_msg;

static void lsh_pairs(mpi_ctx *c, const nd_job *j, unsigned bands, unsigned rows, uint64_t seed,
                      edges *out, traffic *t, nd_pairs_stats *ps)
{
    int p = c->size;
    unsigned k = c->so->k;
    size_t n = 0;
    for (uint64_t l = 0; l < c->nown; l++) n += c->live[l];
    nd_band_rec *recs = xmalloc(n * bands * sizeof *recs);
    int *dest = xmalloc(n * bands * sizeof *dest);
    size_t m = 0;
    for (uint64_t l = 0; l < c->nown; l++) {
        if (!c->live[l]) continue;
        nd_lsh_band_records(c->sig + l * k, bands, rows, seed, (uint32_t)global_index(l, c->rank, p), recs + m);
        for (unsigned b = 0; b < bands; b++) dest[m + b] = (int)(recs[m + b].key >> 40) % p;
        m += bands;
    }
    ps->band_records = m;
    size_t nr;
    nd_band_rec *in = alltoallv(recs, m, sizeof *recs, dest, &nr, t);
    free(recs);
    free(dest);
    /* (key, doc): the order a stable sort by key gives documents in input order */
    qsort(in, nr, sizeof *in, cmp_band);
    nd_pair *cand;
    size_t ncand;
    if (nd_lsh_candidates(in, nr, j->max_bucket, &cand, &ncand)) die(NEARDUP_E_NOMEM, "out of memory forming candidates");
    free(in);
    /* to the owner of b, which de-duplicates (two keys may meet on two
     * ranks) and attaches b's signature */
    dest = xmalloc(ncand * sizeof *dest);
    for (size_t i = 0; i < ncand; i++) dest[i] = owner(cand[i].b, p);
    size_t nb;
    nd_pair *atb = alltoallv(cand, ncand, sizeof *cand, dest, &nb, t);
    free(cand);
    free(dest);
    nb = nd_pairs_unique(atb, nb);
    ps->candidates = nb;
    size_t msz = 8 + (size_t)k * 4;
    char *msg = xmalloc(nb * msz);
    dest = xmalloc(nb * sizeof *dest);
    for (size_t i = 0; i < nb; i++) {
        memcpy(msg + i * msz, &atb[i], 8);
        memcpy(msg + i * msz + 8, c->sig + local_index(atb[i].b, p) * k, (size_t)k * 4);
        dest[i] = owner(atb[i].a, p);
    }
    free(atb);
    size_t na;
    char *ata = alltoallv(msg, nb, msz, dest, &na, t);
    free(msg);
    free(dest);
    uint32_t *sb = xmalloc((size_t)k * 4);
    for (size_t i = 0; i < na; i++) {
        nd_pair q;
        memcpy(&q, ata + i * msz, 8);
        memcpy(sb, ata + i * msz + 8, (size_t)k * 4);
        float s = (float)nd_minhash_jaccard(c->sig + local_index(q.a, p) * k, sb, k);
        if (s >= (float)j->common.threshold) push_edge(out, q.a, q.b, s);
    }
    free(sb);
    free(ata);
}

/* ---------- 4. everything to rank 0 ---------- */

/* Gathers n bytes from every rank to rank 0; returns the buffer and the
 * per-rank byte offsets there (rank 0 only). */
static char *gather(const void *buf, size_t n, int **offs, traffic *t)
{
    int p = nd_mpi_size(), me = nd_mpi_rank();
    if (n > INT_MAX) die(NEARDUP_E_INTERNAL, "a gather to rank 0 exceeds 2 GiB: run with fewer documents a rank");
    int cnt = (int)n, *counts = NULL, *displ = NULL;
    char *all = NULL;
    if (me == 0) {
        counts = xmalloc((size_t)p * sizeof *counts);
        displ = xmalloc(((size_t)p + 1) * sizeof *displ);
    }
    MPI_Gather(&cnt, 1, MPI_INT, counts, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (me == 0) {
        size_t total = 0;
        for (int r = 0; r < p; r++) {
            if (total > INT_MAX) die(NEARDUP_E_INTERNAL, "a gather to rank 0 exceeds 2 GiB");
            displ[r] = (int)total;
            total += (size_t)counts[r];
            if (r) t->recv += (uint64_t)counts[r];
        }
        displ[p] = (int)total;
        all = xmalloc(total);
    } else {
        t->sent += n;
    }
    MPI_Gatherv(buf, cnt, MPI_BYTE, all, counts, displ, MPI_BYTE, 0, MPI_COMM_WORLD);
    free(counts);
    *offs = displ;
    return all;
}

/* Rank 0: the ids and skipped flags of every record, from their owners. */
static void gather_ids(mpi_ctx *c, nd_corpus_info *ci, traffic *t)
{
    int p = c->size;
    size_t len = 0, cap = 0;
    char *buf = NULL;
    for (uint64_t r = 0; r < ci->n; r++) {
        if (owner(r, p) != c->rank) continue;
        const char *id = nd_corpus_id(ci, r);
        size_t l = strlen(id);
        if (nd_grow((void **)&buf, &cap, len + l + 2, 1)) die(NEARDUP_E_NOMEM, "out of memory");
        buf[len++] = (char)ci->skipped[r];
        memcpy(buf + len, id, l + 1);
        len += l + 1;
    }
    /* the first skip notes of each rank, for the summary */
    uint64_t local_skips = 0;
    for (uint64_t r = 0; r < ci->n; r++) local_skips += owner(r, p) == c->rank && ci->skipped[r];
    size_t nn = local_skips < 8 ? (size_t)local_skips : 8, ns = sizeof ci->skip_notes[0];
    int *noffs;
    char *notes = gather(ci->skip_notes, nn * ns, &noffs, t);
    int *offs;
    char *all = gather(buf, len, &offs, t);
    free(buf);
    if (c->rank != 0) return;
    size_t got = 0;
    for (size_t i = 0; i < (size_t)noffs[p] / ns && got < 8; i++)
        memcpy(ci->skip_notes[got++], notes + i * ns, ns);
    free(notes);
    free(noffs);
    size_t *at = xmalloc((size_t)p * sizeof *at);
    for (int r = 0; r < p; r++) at[r] = (size_t)offs[r];
    char *ids = xmalloc((size_t)offs[p] + 1);
    size_t il = 0;
    ci->skipped_n = 0;
    for (uint64_t r = 0; r < ci->n; r++) {
        int o = owner(r, p);
        const char *e = all + at[o];
        ci->skipped[r] = (uint8_t)e[0];
        ci->skipped_n += ci->skipped[r];
        size_t l = strlen(e + 1);
        memcpy(ids + il, e + 1, l + 1);
        ci->id_off[r] = il;
        il += l + 1;
        at[o] += l + 2;
    }
    free(ci->id_buf);
    ci->id_buf = ids;
    ci->id_len = ci->id_cap = il;
    free(at);
    free(all);
    free(offs);
}

int nd_mpi_job_run(nd_job *j, char **inputs, int ninputs)
{
    int rank = nd_mpi_rank(), size = nd_mpi_size();
    nd_error err = {0, ""};
    if (j->metric != ND_METRIC_JACCARD || j->exact || !j->exact_first)
        return rank ? 2 : nd_cli_error(NEARDUP_E_USAGE, "under mpirun, dedup supports --metric jaccard (MinHash estimate) without --exact");
    if (ninputs == 0) return rank ? 2 : nd_cli_error(NEARDUP_E_USAGE, "no input given (see --help)");
    for (int i = 0; i < ninputs; i++)
        if (!strcmp(inputs[i], "-"))
            return rank ? 2 : nd_cli_error(NEARDUP_E_USAGE, "under mpirun, inputs must be files (every rank reads them), not standard input");
    double t_start = j->t_start = nd_now();
    nd_pipeline_opts po;
    nd_sketch_opts so = {.ngram = j->common.ngram, .k = j->common.k, .digest = 1};
    nd_common_pipeline(&j->common, &po, &so.seeds);
    po.shard_n = (unsigned)size;
    po.shard_i = (unsigned)rank;
    mpi_ctx c = {.so = &so, .ci = &j->ci, .rank = rank, .size = size};
    int rc = NEARDUP_OK;
    j->reader = nd_cli_open_inputs(inputs, ninputs, &err);
    if (!j->reader) rc = err.code ? err.code : NEARDUP_E_IO;
    else {
        nd_reader_spool_decoded(j->reader, rank == 0 && j->spool_decoded); /* only rank 0 reads twice */
        nd_pipeline_fns f = {.user = &c, .collect = collect};
        nd_sketch_worker_fns(&f);
        rc = nd_pipeline_run(j->reader, &po, &f, &j->ci, &err);
    }
    /* agree on failure: the rank whose error comes first in the input reports it */
    struct { double pos; int rank; } mine = {rc ? (double)j->ci.n : 1e300, rank}, first;
    MPI_Allreduce(&mine, &first, 1, MPI_DOUBLE_INT, MPI_MINLOC, MPI_COMM_WORLD);
    if (first.pos < 1e300) {
        int code = rc;
        MPI_Bcast(&code, 1, MPI_INT, first.rank, MPI_COMM_WORLD);
        if (rank == first.rank) nd_cli_error(rc, "%s", err.msg);
        free(c.sig); free(c.live); free(c.dg);
        return nd_exit_status(code);
    }
    double t_sketch = nd_now() - t_start;
    traffic t = {0, 0};
    edges e = {0};
    nd_pairs_stats ps = {0};
    double t0 = nd_now();
    uint64_t dups = exact_groups(&c, &e, &t);
    free(c.dg);
    c.dg = NULL;
    unsigned bands, rows;
    nd_lsh_params(j->common.threshold, so.k, &bands, &rows);
    ps.bands = bands;
    ps.rows = rows;
    uint64_t nexact = e.n;
    lsh_pairs(&c, j, bands, rows, nd_band_seed(so.seeds.sketch_seed), &e, &t, &ps);
    ps.accepted = e.n - nexact;
    free(c.sig);
    free(c.live);
    c.sig = NULL;
    c.live = NULL;
    double t_pairs = nd_now() - t0;
    /* rank 0 gets every pair, id and skipped flag, and the totals */
    int *offs;
    char *all = gather(e.p, e.n * sizeof *e.p, &offs, &t);
    free(e.p);
    gather_ids(&c, &j->ci, &t);
    uint64_t sums[7] = {j->ci.text_bytes, j->ci.tokens, j->ci.replaced_bytes, dups, ps.band_records,
                        ps.candidates, ps.accepted}, tot[7];
    MPI_Reduce(sums, tot, 7, MPI_UINT64_T, MPI_SUM, 0, MPI_COMM_WORLD);
    if (j->common.timings)
        fprintf(stderr, "timings: MPI rank %d/%d: %llu documents sketched in %.3f s, pairs in %.3f s; "
                "%llu bytes sent, %llu bytes received (%llu band records out)\n",
                rank, size, (unsigned long long)c.docs, t_sketch, t_pairs, (unsigned long long)t.sent,
                (unsigned long long)t.recv, (unsigned long long)ps.band_records);
    if (rank != 0) return -1;
    j->ci.text_bytes = tot[0];
    j->ci.tokens = tot[1];
    j->ci.replaced_bytes = tot[2];
    j->exact_dups = tot[3];
    ps.band_records = tot[4];
    ps.candidates = tot[5];
    ps.accepted = tot[6];
    ps.t_band = t_pairs;
    j->ps = ps;
    j->sk.t_shingle = c.t_shingle;
    j->sk.t_sketch = c.t_sketch;
    size_t np = (size_t)offs[size] / sizeof(nd_scored_pair);
    free(offs);
    j->pairs = (nd_scored_pair *)all;
    j->npairs = np;
    qsort(j->pairs, np, sizeof *j->pairs, cmp_scored);
    if ((rc = nd_corpus_check_unique_ids(&j->ci, j->reader, &err))) return nd_cli_error(rc, "%s", err.msg);
    return 0;
}

#endif
