/* mpi_pairs.c - the accepted pairs of a distributed dedup (mpi_dedup.c runs
 * it): every rank holds the signatures of the records it owns, and with
 * MPI_Alltoallv each time
 *   1. (digest, doc) go to the rank of the digest: exact-duplicate groups,
 *      whose first document represents them; the others are reported back to
 *      their owners, which leave them out of LSH (as nd_job_run does);
 *   2. band records (16 bytes) go to the rank of their key, which sorts them
 *      by (key, doc) - the order of the single-process stable sort - and
 *      forms the same candidate pairs (nd_lsh_candidates), in rounds under
 *      --memory;
 *   3. each candidate goes to the owner of b, which attaches b's signature
 *      and passes it to the owner of a, which scores it.
 * With --against INDEX, each rank also matches its records against the
 * index and rank 0 joins the references reached.  The pairs are exactly the
 * single-process pairs; rank 0 clusters them (mpi_dedup.c). */
#include "lsh.h"
#include "minhash.h"
#include "mpi_dedup.h"
#include "simhash.h"

#ifdef ND_HAVE_MPI

#include <stdlib.h>
#include <string.h>

#include "mpi_internal.h"

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

static int cmp_band(const void *x, const void *y)
{
    const nd_band_rec *a = x, *b = y;
    if (a->key != b->key) return a->key < b->key ? -1 : 1;
    return (a->doc > b->doc) - (a->doc < b->doc);
}

static void push_edge(nd_mpi_edges *e, uint32_t a, uint32_t b, float s)
{
    if (nd_grow((void **)&e->p, &e->cap, e->n + 1, sizeof *e->p)) nd_mpi_die(NEARDUP_E_NOMEM, "out of memory");
    e->p[e->n++] = (nd_scored_pair){a, b, s, -1};
}

/* Marks exact duplicates dead (live = 0) on their owners; their pairs with
 * their group's first document go to out. */
uint64_t nd_mpi_exact_groups(nd_mpi_ctx *c, const nd_owners *own, nd_mpi_edges *out, nd_traffic *t)
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
static void round_candidates(nd_mpi_ctx *c, const nd_owners *own, const nd_mpi_job *j, const nd_mpi_lsh_shape *sh,
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
            nd_lsh_band_records(nd_mpi_sig_of(c, l, tmp), bands, sh->rows, sh->seed, (uint32_t)nd_owner_global(own, l), one);
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

void nd_mpi_lsh_pairs(nd_mpi_ctx *c, const nd_owners *own, const nd_mpi_job *j, const nd_mpi_lsh_shape *sh,
                      nd_mpi_edges *out, nd_traffic *t, nd_pairs_stats *ps)
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
        const uint32_t *x = nd_mpi_sig_of(c, nd_owner_local(own, atb[i].a), sa);
        float s = (float)nd_minhash_jaccard(x, nd_mpi_sig_of(c, nd_owner_local(own, atb[i].b), sb), k);
        if (s >= (float)j->dup.threshold) push_edge(out, atb[i].a, atb[i].b, s);
    }
    char *msg = nd_mpi_xmalloc(nfar * msz);
    dest = nd_mpi_xmalloc(nfar * sizeof *dest);
    for (size_t i = 0; i < nfar; i++) {
        memcpy(msg + i * msz, &atb[i], 8);
        memcpy(msg + i * msz + 8, nd_mpi_sig_of(c, nd_owner_local(own, atb[i].b), sb), (size_t)k * 4);
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
        float s = (float)nd_minhash_jaccard(nd_mpi_sig_of(c, nd_owner_local(own, q.a), sa), sb, k);
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
void nd_mpi_index_pairs(nd_mpi_ctx *c, const nd_owners *own, const nd_mpi_dedup_opts *x, nd_mpi_edges *e)
{
    uint32_t nix = (uint32_t)x->nix;
    for (size_t i = 0; i < e->n; i++) e->p[i].a += nix, e->p[i].b += nix;
    nd_index_matcher *m = (nd_index_matcher *)x->ixm; /* its scratch: this rank's */
    uint32_t *tmp = nd_mpi_xmalloc((size_t)c->so->k * sizeof *tmp);
    for (uint64_t l = 0; l < c->nown; l++) {
        if (!c->live[l]) continue;
        const uint64_t *refs;
        size_t nr;
        if (nd_index_match(m, nd_mpi_sig_of(c, l, tmp), UINT64_MAX, &refs, &nr)) nd_mpi_die(NEARDUP_E_NOMEM, "out of memory");
        for (size_t i = 0; i < nr; i++) push_edge(e, (uint32_t)refs[i], nix + (uint32_t)nd_owner_global(own, l), 1.0f);
    }
    free(tmp);
}

/* No record of this rank has an index document's id; the first clash in
 * input order is reported, as one process reports it. */
int nd_mpi_check_index_ids(nd_mpi_job *j, const nd_owners *own, const nd_mpi_dedup_opts *x)
{
    nd_error err = {0, ""};
    int rc = NEARDUP_OK;
    uint64_t l = 0, n = nd_owner_count(own);
    for (; l < n && !rc; l++) rc = nd_index_matcher_check_id((nd_index_matcher *)x->ixm, &j->ci, j->reader,
                                                             nd_owner_ci(own, l), &err);
    return nd_mpi_agree(rc, rc ? (double)nd_owner_global(own, l - 1) : 0, &err);
}

/* Rank 0: the references reached, joined to one another (all pairs p[0, *np)). */
nd_scored_pair *nd_mpi_join_refs(const nd_mpi_dedup_opts *x, nd_scored_pair *p, size_t *np)
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

#endif
