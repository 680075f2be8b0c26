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
 * Then, with MPI_Alltoallv each time:
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
 *      rank 0 appends them in rank order (mpi_output.c).
 * The pairs are exactly the single-process pairs, so the output is
 * byte-identical for any number of ranks. */
#include "lsh.h"
#include "minhash.h"
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

typedef struct {
    const nd_sketch_opts *so; /* first: the shared worker reads it */
    const nd_corpus_info *ci;
    int rank, size, cyclic;
    uint32_t *sig;   /* k lanes per owned record, in record order (in memory) */
    int sig_fd;      /* --memory: the signatures in an unlinked file instead; -1 = in memory */
    uint8_t *live;   /* per owned record */
    uint8_t *dg;     /* digest per owned record */
    uint64_t nown;   /* owned records so far */
    size_t sig_cap, live_cap, dg_cap;
    uint64_t docs;   /* owned documents sketched (not skipped) */
    double t_shingle, t_sketch;
    const char *tmpdir;
} mpi_ctx;

static int write_all(int fd, const void *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        p = (const char *)p + w;
        n -= (size_t)w;
    }
    return 0;
}

static int collect(void *u, void *bop, uint64_t first, size_t n, nd_error *err)
{
    mpi_ctx *c = u;
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
    if (c->sig_fd >= 0 && write_all(c->sig_fd, c->sig, (c->nown - base) * k * sizeof *c->sig))
        return nd_fail(err, NEARDUP_E_IO, "cannot write signatures to a temporary file in %s: %s",
                       c->tmpdir, strerror(errno));
    return NEARDUP_OK;
}

/* Own record l's signature: in memory, or read into tmp from the file. */
static const uint32_t *sig_of(const mpi_ctx *c, uint64_t l, uint32_t *tmp)
{
    size_t n = (size_t)c->so->k * sizeof *tmp;
    if (c->sig_fd < 0) return c->sig + l * c->so->k;
    for (size_t got = 0; got < n;) {
        ssize_t k = pread(c->sig_fd, (char *)tmp + got, n - got, (off_t)(l * n + got));
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) nd_mpi_die(NEARDUP_E_IO, "cannot read signatures back from their temporary file");
        got += (size_t)k;
    }
    return tmp;
}

static const uint32_t *sig_fn(void *c, uint64_t l, uint32_t *tmp) { return sig_of(c, l, tmp); }

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

typedef struct {
    nd_scored_pair *p;
    size_t n, cap;
} edges;

typedef struct {
    unsigned bands, rows, rounds;
    uint64_t seed;
} lsh_shape;

static void push_edge(edges *e, uint32_t a, uint32_t b, float s)
{
    if (nd_grow((void **)&e->p, &e->cap, e->n + 1, sizeof *e->p)) nd_mpi_die(NEARDUP_E_NOMEM, "out of memory");
    e->p[e->n++] = (nd_scored_pair){a, b, s, -1};
}

/* Marks exact duplicates dead (live = 0) on their owners; their pairs with
 * their group's first document go to out. */
static uint64_t exact_groups(mpi_ctx *c, const nd_owners *own, edges *out, nd_traffic *t)
{
    int p = c->size;
    size_t n = 0;
    for (uint64_t l = 0; l < c->nown; l++) n += c->live[l];
    dg_rec *r = nd_mpi_xmalloc(n * sizeof *r);
    int *dest = nd_mpi_xmalloc(n * sizeof *dest);
    size_t m = 0;
    for (uint64_t l = 0; l < c->nown; l++) {
        if (!c->live[l]) continue;
        memcpy(r[m].dg, c->dg + l * ND_DIGEST_BYTES, ND_DIGEST_BYTES);
        r[m].doc = (uint32_t)nd_owner_global(own, l);
        uint64_t h;
        memcpy(&h, r[m].dg, 8);
        dest[m++] = (int)(h % (uint64_t)p);
    }
    size_t nr;
    dg_rec *in = nd_mpi_alltoallv(r, m, sizeof *r, dest, &nr, t);
    free(r);
    free(dest);
    qsort(in, nr, sizeof *in, cmp_dg);
    uint32_t *dead = nd_mpi_xmalloc(nr * sizeof *dead);
    int *ddest = nd_mpi_xmalloc(nr * sizeof *ddest);
    size_t nd = 0;
    uint64_t dups = 0;
    for (size_t i = 0; i < nr;) {
        size_t e = i + 1;
        while (e < nr && !memcmp(in[e].dg, in[i].dg, ND_DIGEST_BYTES)) e++;
        for (size_t x = i + 1; x < e; x++) {
            push_edge(out, in[i].doc, in[x].doc, 1.0f);
            dead[nd] = in[x].doc;
            ddest[nd++] = nd_owner_of(own, in[x].doc);
            dups++;
        }
        i = e;
    }
    free(in);
    size_t nb;
    uint32_t *back = nd_mpi_alltoallv(dead, nd, sizeof *dead, ddest, &nb, t);
    for (size_t i = 0; i < nb; i++) c->live[nd_owner_local(own, back[i])] = 0;
    free(back);
    free(dead);
    free(ddest);
    return dups;
}

/* ---------- 2. band records, candidates; 3. verification ---------- */

/* Round rd of nr: the band records whose key falls in the round go to the
 * rank of their key, which sorts them by (key, doc) - the order a stable
 * sort by key gives documents in input order - and forms the candidates of
 * its keys.  A bucket lies wholly in one round, so the rounds together give
 * exactly the pairs of one pass; --memory uses several to bound the band
 * records held at once. */
static void round_candidates(mpi_ctx *c, const nd_owners *own, const nd_mpi_job *j, const lsh_shape *sh,
                             unsigned rd, nd_pair **cand, size_t *ncand, nd_traffic *t, nd_pairs_stats *ps)
{
    int p = c->size;
    unsigned bands = sh->bands;
    nd_band_rec *one = nd_mpi_xmalloc(bands * sizeof *one);
    uint32_t *tmp = nd_mpi_xmalloc((size_t)c->so->k * sizeof *tmp);
    size_t m = 0;
    for (int pass = 0; pass < 2; pass++) { /* count, then fill: sized exactly */
        nd_band_rec *recs = pass ? nd_mpi_xmalloc(m * sizeof *recs) : NULL;
        int *dest = pass ? nd_mpi_xmalloc(m * sizeof *dest) : NULL;
        size_t at = 0;
        for (uint64_t l = 0; l < c->nown; l++) {
            if (!c->live[l]) continue;
            nd_lsh_band_records(sig_of(c, l, tmp), bands, sh->rows, sh->seed, (uint32_t)nd_owner_global(own, l), one);
            for (unsigned b = 0; b < bands; b++) {
                if ((one[b].key >> 16) % sh->rounds != rd) continue;
                if (pass) recs[at] = one[b], dest[at] = (int)((one[b].key >> 40) % (uint64_t)p);
                at++;
            }
        }
        if (!pass) {
            m = at;
            continue;
        }
        ps->band_records += m;
        size_t nr;
        nd_band_rec *in = nd_mpi_alltoallv(recs, m, sizeof *recs, dest, &nr, t);
        free(recs);
        free(dest);
        qsort(in, nr, sizeof *in, cmp_band);
        nd_pair *got;
        size_t ngot;
        if (nd_lsh_candidates(in, nr, j->dup.max_bucket, &got, &ngot))
            nd_mpi_die(NEARDUP_E_NOMEM, "out of memory forming candidates");
        free(in);
        if (*ncand == 0) {
            free(*cand);
            *cand = got;
        } else {
            nd_pair *all = realloc(*cand, (*ncand + ngot) * sizeof *all);
            if (!all) nd_mpi_die(NEARDUP_E_NOMEM, "out of memory forming candidates");
            memcpy(all + *ncand, got, ngot * sizeof *got);
            *cand = all;
            free(got);
        }
        *ncand += ngot;
    }
    free(one);
    free(tmp);
}

static void lsh_pairs(mpi_ctx *c, const nd_owners *own, const nd_mpi_job *j, const lsh_shape *sh, edges *out,
                      nd_traffic *t, nd_pairs_stats *ps)
{
    unsigned k = c->so->k;
    nd_pair *cand = NULL;
    size_t ncand = 0;
    for (unsigned rd = 0; rd < sh->rounds; rd++) round_candidates(c, own, j, sh, rd, &cand, &ncand, t, ps);
    /* to the owner of b, which de-duplicates (two keys may meet on two
     * ranks) and attaches b's signature */
    int *dest = nd_mpi_xmalloc(ncand * sizeof *dest);
    for (size_t i = 0; i < ncand; i++) dest[i] = nd_owner_of(own, cand[i].b);
    size_t nb;
    nd_pair *atb = nd_mpi_alltoallv(cand, ncand, sizeof *cand, dest, &nb, t);
    free(cand);
    free(dest);
    nb = nd_pairs_unique(atb, nb);
    ps->candidates = nb;
    /* a pair whose two documents are both here is scored here; the others
     * travel with b's signature to a's owner */
    size_t msz = 8 + (size_t)k * 4, nfar = 0;
    uint32_t *sa = nd_mpi_xmalloc((size_t)k * 4), *sb = nd_mpi_xmalloc((size_t)k * 4);
    for (size_t i = 0; i < nb; i++) {
        int oa = nd_owner_of(own, atb[i].a);
        if (oa != c->rank) {
            atb[nfar++] = atb[i];
            continue;
        }
        const uint32_t *x = sig_of(c, nd_owner_local(own, atb[i].a), sa);
        float s = (float)nd_minhash_jaccard(x, sig_of(c, nd_owner_local(own, atb[i].b), sb), k);
        if (s >= (float)j->dup.threshold) push_edge(out, atb[i].a, atb[i].b, s);
    }
    char *msg = nd_mpi_xmalloc(nfar * msz);
    dest = nd_mpi_xmalloc(nfar * sizeof *dest);
    for (size_t i = 0; i < nfar; i++) {
        memcpy(msg + i * msz, &atb[i], 8);
        memcpy(msg + i * msz + 8, sig_of(c, nd_owner_local(own, atb[i].b), sb), (size_t)k * 4);
        dest[i] = nd_owner_of(own, atb[i].a);
    }
    free(atb);
    size_t na;
    char *ata = nd_mpi_alltoallv(msg, nfar, msz, dest, &na, t);
    free(msg);
    free(dest);
    for (size_t i = 0; i < na; i++) {
        nd_pair q;
        memcpy(&q, ata + i * msz, 8);
        memcpy(sb, ata + i * msz + 8, (size_t)k * 4);
        float s = (float)nd_minhash_jaccard(sig_of(c, nd_owner_local(own, q.a), sa), sb, k);
        if (s >= (float)j->dup.threshold) push_edge(out, q.a, q.b, s);
    }
    free(sa);
    free(sb);
    free(ata);
}

/* ---------- --against INDEX ---------- */

/* The pairs found so far renumbered after the index's documents, and this
 * rank's records matched against the index (cli_dedup_index.c does the
 * same for one process).  The exact duplicates left out of LSH need no
 * query: they pair with their group's first document, which is queried. */
static void index_pairs(mpi_ctx *c, const nd_owners *own, const nd_mpi_dedup_opts *x, edges *e)
{
    uint32_t nix = (uint32_t)x->nix;
    for (size_t i = 0; i < e->n; i++) e->p[i].a += nix, e->p[i].b += nix;
    nd_index_matcher *m = (nd_index_matcher *)x->ixm; /* its scratch: this rank's */
    uint32_t *tmp = nd_mpi_xmalloc((size_t)c->so->k * sizeof *tmp);
    for (uint64_t l = 0; l < c->nown; l++) {
        if (!c->live[l]) continue;
        const uint64_t *refs;
        size_t nr;
        if (nd_index_match(m, sig_of(c, l, tmp), UINT64_MAX, &refs, &nr)) nd_mpi_die(NEARDUP_E_NOMEM, "out of memory");
        for (size_t i = 0; i < nr; i++) push_edge(e, (uint32_t)refs[i], nix + (uint32_t)nd_owner_global(own, l), 1.0f);
    }
    free(tmp);
}

/* No record of this rank has an index document's id; the first clash in
 * input order is reported, as one process reports it. */
static int check_index_ids(nd_mpi_job *j, const nd_owners *own, const nd_mpi_dedup_opts *x)
{
    nd_error err = {0, ""};
    int rc = NEARDUP_OK;
    uint64_t l = 0, n = nd_owner_count(own);
    for (; l < n && !rc; l++) rc = nd_index_matcher_check_id((nd_index_matcher *)x->ixm, &j->ci, j->reader,
                                                             nd_owner_ci(own, l), &err);
    return nd_mpi_agree(rc, rc ? (double)nd_owner_global(own, l - 1) : 0, &err);
}

/* Rank 0: the references reached, joined to one another (all pairs p[0, *np)). */
static nd_scored_pair *join_refs(const nd_mpi_dedup_opts *x, nd_scored_pair *p, size_t *np)
{
    uint64_t *seeds = nd_mpi_xmalloc(*np * sizeof *seeds);
    size_t ns = 0, nj = 0, cap = 0;
    for (size_t i = 0; i < *np; i++)
        if (p[i].a < x->nix) seeds[ns++] = p[i].a;
    nd_pair *j = NULL;
    if (nd_index_join_refs((nd_index_matcher *)x->ixm, seeds, ns, &j, &nj, &cap))
        nd_mpi_die(NEARDUP_E_NOMEM, "out of memory");
    free(seeds);
    p = realloc(p, (*np + nj ? *np + nj : 1) * sizeof *p);
    if (!p) nd_mpi_die(NEARDUP_E_NOMEM, "out of memory");
    for (size_t i = 0; i < nj; i++) p[(*np)++] = (nd_scored_pair){j[i].a, j[i].b, 1.0f, -1};
    free(j);
    return p;
}

/* ---------- the run ---------- */

/* Reads and sketches this rank's share; the agreed exit status. */
static int read_share(nd_mpi_job *j, mpi_ctx *c, nd_sketch_opts *so, nd_mpi_share *sh)
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
static int open_spill(nd_mpi_job *j, mpi_ctx *c)
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
static unsigned band_rounds(const nd_mpi_job *j, const mpi_ctx *c, unsigned bands)
{
    unsigned mine = 1, all = 1;
    if (j->memory) {
        uint64_t live = 0;
        for (uint64_t l = 0; l < c->nown; l++) live += c->live[l];
        uint64_t need = live * bands * 52;
        uint64_t resident = c->ci->cap * 21 + c->ci->id_cap + c->nown;
        uint64_t budget = j->memory > resident ? j->memory - resident : 0;
        if (budget < j->memory / 4) budget = j->memory / 4;
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
static void print_timings(const nd_mpi_job *j, const mpi_ctx *c, const nd_owners *own, const nd_mpi_share *sh,
                          const lsh_shape *shape, const nd_pairs_stats *ps, const nd_mpi_write_stats *ws,
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
    mpi_ctx c = {.so = &so, .ci = &j->ci, .rank = rank, .size = size, .sig_fd = -1};
    nd_mpi_share sh;
    nd_owners own = {.rank = rank, .size = size};
    nd_traffic t = {0, 0};
    int st = open_spill(j, &c);
    if (!st) st = read_share(j, &c, &so, &sh);
    if (!st) st = nd_mpi_number_records(&own, &j->ci, sh.cyclic);
    if (!st) st = nd_mpi_check_ids(&own, &j->ci, j->reader, &t);
    if (!st && x->nix) st = check_index_ids(j, &own, x);
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
    edges e = {0};
    nd_pairs_stats ps = {0};
    double t0 = nd_now();
    uint64_t dups = exact_groups(&c, &own, &e, &t);
    free(c.dg);
    c.dg = NULL;
    lsh_shape shape = {.seed = nd_band_seed(so.seeds.sketch_seed)};
    nd_lsh_params(j->dup.threshold, so.k, &shape.bands, &shape.rows);
    shape.rounds = band_rounds(j, &c, shape.bands);
    uint64_t nexact = e.n;
    lsh_pairs(&c, &own, j, &shape, &e, &t, &ps);
    ps.accepted = e.n - nexact;
    if (x->nix) index_pairs(&c, &own, x, &e);
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
        if (x->nix) all = (char *)join_refs(x, (nd_scored_pair *)all, &np);
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
