/* mpi_keep.c - dedup's choice of the kept documents under mpirun
 * (mpi_internal.h): --keep, --against references, and the cluster numbers
 * of --annotate and --removed, equal to one process's.
 *
 * Rank 0 holds only the clustered documents (u, from the accepted pairs).
 * It chooses among them with nd_cluster_choose, the kernel one process
 * uses, on the clusters renumbered by position in u: positions follow
 * document order and the references come first, which is all it needs.
 * The keys of --keep longest, shortest, max:FIELD and min:FIELD are read
 * where the records are read, for the clustered inputs only.  A cluster's
 * number counts the clusters opened before its first input, singletons
 * included: from the input number, less the skipped records and the
 * clustered inputs that open none, both known on rank 0. */
#include "cluster.h"
#include "mpi_dedup.h"
#include "reader.h"
#include "record.h"

#ifdef ND_HAVE_MPI

#include <stdlib.h>
#include <string.h>

#include "dedup_record.h"
#include "mpi_internal.h"

int64_t nd_mpi_rewind(nd_mpi_job *j, const nd_mpi_choice *ch, nd_error *err)
{
    for (size_t i = 0; i < ch->nref_files; i++) nd_reader_exclude(j->reader, i);
    return nd_reader_rewind(j->reader, err) ? -1 : (int64_t)ch->own_refs;
}

uint32_t *nd_mpi_ask(const uint32_t *doc, const int *dest, size_t n, size_t *nq, nd_traffic *t)
{
    return nd_mpi_alltoallv(doc, n, sizeof *doc, dest, nq, t);
}

char *nd_mpi_answer(const void *ans, size_t nq, size_t sz, const int *dest, size_t n, nd_traffic *t)
{
    int p = nd_mpi_size();
    size_t *count = calloc((size_t)p, sizeof *count), *rcount = calloc((size_t)p, sizeof *rcount), total;
    if (!count || !rcount) nd_mpi_die(NEARDUP_E_NOMEM, "out of memory");
    count[0] = nq * sz;
    char *got = nd_mpi_exchange(ans, count, rcount, &total, t);
    char *out = NULL;
    if (nd_mpi_rank() == 0) { /* each rank's answers come in the order it was asked */
        size_t *at = nd_mpi_xmalloc((size_t)p * sizeof *at), off = 0;
        for (int q = 0; q < p; q++) at[q] = off, off += rcount[q];
        out = nd_mpi_xmalloc(n * sz);
        for (size_t i = 0; i < n; i++) {
            memcpy(out + i * sz, got + at[dest[i]], sz);
            at[dest[i]] += sz;
        }
        free(at);
    }
    free(got);
    free(count);
    free(rcount);
    return out;
}

/* The keys of the records asked (sorted global numbers), in one pass over
 * what this rank reads: its share, or everything in cyclic mode (rank 0).
 * *fail: the first failing record's number (for the agreement). */
static int read_keys(const nd_owners *own, nd_mpi_job *j, const nd_mpi_dedup_opts *x, const nd_mpi_choice *ch,
                     const uint32_t *ask, size_t nq, double *key, double *fail, nd_error *err)
{
    if (!nq) return NEARDUP_OK;
    int64_t first = nd_mpi_rewind(j, ch, err);
    if (first < 0) return err->code;
    int rc;
    nd_record_opts ro = j->rec;
    ro.lossy = j->lossy;
    nd_record_parser *rp = nd_record_parser_create(&ro);
    if (!rp) return nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
    nd_batch b = {0};
    uint64_t x0 = (uint64_t)first, base = own->cyclic ? 0 : own->first[own->rank];
    size_t qi = 0;
    while (qi < nq && (rc = nd_reader_next(j->reader, &b, 1 << 22, err)) == 1) {
        for (size_t i = 0; i < b.n && qi < nq; i++, x0++) {
            if (base + x0 != ask[qi]) continue;
            const nd_raw_record *rec = &b.rec[i];
            rc = nd_keep_key(x->keep, x->keep_field, rp, rec, b.buf + rec->off, nd_reader_path(j->reader, rec->input),
                             nd_corpus_id(&j->ci, x0), nd_corpus_id_len(&j->ci, x0), &key[qi], err);
            if (rc) {
                *fail = (double)ask[qi];
                break;
            }
            qi++;
        }
        if (rc != 1) break;
    }
    nd_batch_free(&b);
    nd_record_parser_free(rp);
    if (rc < 0) rc = err->code ? err->code : -rc;
    if (rc == 1 || rc == 0) rc = qi == nq ? NEARDUP_OK
                                          : nd_fail(err, NEARDUP_E_IO, "the inputs changed while they were being read");
    return rc;
}

/* Rank 0: the keys of the clustered inputs of clusters without a
 * reference (key[i] for u[i]; NULL for --keep first and none). */
static int fetch_keys(const nd_owners *own, nd_mpi_job *j, const nd_mpi_dedup_opts *x, const nd_mpi_choice *ch,
                      const uint32_t *u, const uint32_t *root, size_t nu, double **keyp, nd_traffic *t)
{
    uint64_t nix = ch->nix, nref = ch->nref;
    *keyp = NULL;
    if (x->keep == ND_KEEP_FIRST || x->keep == ND_KEEP_NONE) return 0;
    size_t n = 0;
    uint32_t *doc = nd_mpi_xmalloc(nu * sizeof *doc);
    size_t *at = nd_mpi_xmalloc(nu * sizeof *at);
    int *dest = nd_mpi_xmalloc(nu * sizeof *dest);
    for (size_t i = 0; i < nu; i++)
        if (u[i] >= nref && root[i] >= nref) {
            doc[n] = (uint32_t)(u[i] - nix); /* the record's own number */
            at[n] = i;
            dest[n] = own->cyclic ? 0 : nd_owner_of(own, doc[n]); /* who reads it again */
            n++;
        }
    size_t nq;
    uint32_t *ask = nd_mpi_ask(doc, dest, n, &nq, t);
    double *mine = nd_mpi_xmalloc(nq * sizeof *mine), fail = 0;
    nd_error err = {0, ""};
    int rc = read_keys(own, j, x, ch, ask, nq, mine, &fail, &err);
    free(ask);
    int st = nd_mpi_agree(rc, fail, &err); /* the first record in input order, as one process */
    char *got = st ? NULL : nd_mpi_answer(mine, nq, sizeof *mine, dest, n, t);
    free(mine);
    if (got) {
        double *key = calloc(nu ? nu : 1, sizeof *key);
        if (!key) nd_mpi_die(NEARDUP_E_NOMEM, "out of memory");
        for (size_t i = 0; i < n; i++) memcpy(&key[at[i]], got + i * sizeof *key, sizeof *key);
        *keyp = key;
        free(got);
    }
    free(doc);
    free(at);
    free(dest);
    return st;
}

/* Rank 0: each cluster's number, as nd_cluster_choose numbers them over
 * every document: the clusters opened by the inputs before its first one
 * (an input opens one unless an earlier input of its cluster did). */
static void number_clusters(const uint32_t *u, const uint32_t *pos_root, size_t nu, uint64_t nref,
                            const uint32_t *skipped, size_t nskipped, nd_mpi_choice *ch)
{
    uint32_t *num = nd_mpi_xmalloc(nu * sizeof *num); /* by root position */
    uint64_t quiet = 0;                               /* clustered inputs so far that opened none */
    size_t skipped_refs = nd_mpi_lower_bound(skipped, nskipped, (uint32_t)nref);
    for (size_t i = 0; i < nu; i++) num[i] = ch->cluster[i] = UINT32_MAX, ch->first[i] = 0;
    for (size_t i = 0; i < nu; i++) {
        if (u[i] < nref) continue; /* references are in no numbered cluster */
        uint32_t r = pos_root[i];
        if (num[r] == UINT32_MAX) {
            uint64_t inputs_before = u[i] - nref - (nd_mpi_lower_bound(skipped, nskipped, u[i]) - skipped_refs);
            num[r] = (uint32_t)(inputs_before - quiet);
            ch->first[i] = 1;
        } else {
            quiet++;
        }
        ch->cluster[i] = num[r];
    }
    free(num);
}

int nd_mpi_choose(const nd_owners *own, nd_mpi_job *j, const nd_mpi_dedup_opts *x, const uint32_t *u,
                  const uint32_t *root, size_t nu, nd_mpi_choice *ch, nd_traffic *t)
{
    uint64_t nref = ch->nref;
    double *key;
    int st = fetch_keys(own, j, x, ch, u, root, nu, &key, t);
    if (st) return st;
    /* the skipped records, for the numbers */
    size_t ns;
    uint32_t *sk = nd_mpi_skipped_docs(own, &j->ci, &ns);
    int *offs;
    uint32_t *skipped = (uint32_t *)nd_mpi_gather(sk, ns * sizeof *sk, &offs, t);
    free(sk);
    if (own->rank != 0) {
        free(skipped);
        return 0;
    }
    size_t nskipped = (size_t)offs[own->size] / sizeof *skipped;
    free(offs);
    for (size_t i = 0; i < nskipped; i++) skipped[i] += (uint32_t)ch->nix; /* as numbers */
    qsort(skipped, nskipped, sizeof *skipped, nd_cmp_u32);
    /* the clusters by position in u: u is sorted, so positions keep document order */
    uint32_t *pos_root = nd_mpi_xmalloc(nu * sizeof *pos_root);
    size_t nref_u = nd_mpi_lower_bound(u, nu, (uint32_t)nref);
    for (size_t i = 0; i < nu; i++) pos_root[i] = (uint32_t)nd_mpi_lower_bound(u, nu, root[i]);
    nd_choice c = {.kept = nd_mpi_xmalloc(nu), .anchor = nd_mpi_xmalloc(nu * sizeof *c.anchor),
                   .cluster = nd_mpi_xmalloc(nu * sizeof *c.cluster)};
    if (nd_cluster_choose(nu, pos_root, nref_u, NULL, x->keep, key, &c)) nd_mpi_die(NEARDUP_E_NOMEM, "out of memory");
    free(key);
    ch->kept = c.kept;
    ch->anchor = c.anchor;
    for (size_t i = 0; i < nu; i++) ch->anchor[i] = u[ch->anchor[i]];
    ch->removed = c.removed;
    ch->by_ref = c.by_ref;
    ch->cluster = c.cluster;
    ch->first = nd_mpi_xmalloc(nu);
    number_clusters(u, pos_root, nu, nref, skipped, nskipped, ch);
    /* clusters counted as one process counts them: those with an input beside their first document */
    ch->nclusters = 0;
    for (size_t i = 0; i < nu; i++)
        if (u[i] >= nref && pos_root[i] != i && pos_root[pos_root[i]] == pos_root[i]) {
            ch->nclusters++;
            pos_root[pos_root[i]] = UINT32_MAX; /* counted */
        }
    free(pos_root);
    free(skipped);
    return 0;
}

void nd_mpi_choice_free(nd_mpi_choice *ch)
{
    free(ch->kept);
    free(ch->anchor);
    free(ch->cluster);
    free(ch->first);
}

#endif
