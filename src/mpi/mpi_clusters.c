/* mpi_clusters.c - the clusters of `dedup` under mpirun (mpi_internal.h):
 * rank 0 joins the accepted pairs by union-find over the documents in pairs
 * only (nothing for a document in no pair, so its memory follows the
 * duplicates, not the corpus), and writes the clusters file as one process
 * does, with the ids fetched from their owners (mpi_ids.c). */
#include "mpi_dedup.h"
#include "reader.h"
#include "record.h"

#ifdef ND_HAVE_MPI

#include <stdlib.h>
#include <string.h>

#include "mpi_internal.h"

/* ---------- clusters ---------- */

size_t nd_mpi_lower_bound(const uint32_t *u, size_t n, uint32_t d)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (u[mid] < d) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

void nd_mpi_cluster(const nd_scored_pair *p, size_t np, uint32_t **uo, uint32_t **rooto, size_t *nuo)
{
    uint32_t *u = nd_mpi_xmalloc(2 * np * sizeof *u);
    for (size_t i = 0; i < np; i++) u[2 * i] = p[i].a, u[2 * i + 1] = p[i].b;
    qsort(u, 2 * np, sizeof *u, nd_cmp_u32);
    size_t nu = 0;
    for (size_t i = 0; i < 2 * np; i++)
        if (!nu || u[nu - 1] != u[i]) u[nu++] = u[i];
    /* union-find over positions in u; positions follow document order, so
     * the root - the smallest position - is the cluster's first document,
     * as nd_cluster keeps it */
    uint32_t *parent = nd_mpi_xmalloc(nu * sizeof *parent);
    for (size_t i = 0; i < nu; i++) parent[i] = (uint32_t)i;
    for (size_t i = 0; i < np; i++) {
        nd_uf_unite(parent, (uint32_t)nd_mpi_lower_bound(u, nu, p[i].a), (uint32_t)nd_mpi_lower_bound(u, nu, p[i].b));
    }
    uint32_t *root = nd_mpi_xmalloc(nu * sizeof *root);
    for (size_t i = 0; i < nu; i++) root[i] = u[nd_uf_find(parent, (uint32_t)i)];
    free(parent);
    *uo = u;
    *rooto = root;
    *nuo = nu;
}

/* ---------- the clusters file ---------- */

typedef struct {
    uint32_t root, doc;
    size_t i; /* in u */
} member;

static int cmp_member(const void *x, const void *y)
{
    const member *a = x, *b = y;
    if (a->root != b->root) return a->root < b->root ? -1 : 1;
    return (a->doc > b->doc) - (a->doc < b->doc);
}

int nd_mpi_write_clusters(const nd_owners *own, const nd_corpus_info *ci, const uint32_t *u,
                          const uint32_t *root, size_t nu, const nd_mpi_choice *ch, FILE *f, nd_traffic *t)
{
    nd_mpi_idlist ids;
    nd_mpi_fetch_ids(own, ci, ch, u, nu, &ids, t);
    if (own->rank == 0) {
        /* as cli_dedup.c writes them: by first document, the inputs in input order */
        member *m = nd_mpi_xmalloc(nu * sizeof *m);
        for (size_t i = 0; i < nu; i++) m[i] = (member){root[i], u[i], i};
        qsort(m, nu, sizeof *m, cmp_member);
        for (size_t a = 0, b; a < nu; a = b) {
            int inputs = 0;
            size_t kept = SIZE_MAX;
            for (b = a; b < nu && m[b].root == m[a].root; b++) {
                inputs += m[b].doc >= ch->nref;
                if (kept == SIZE_MAX && ch->kept[m[b].i]) kept = m[b].i;
            }
            if (!inputs) continue;
            fputs("{\"kept\": ", f);
            if (kept == SIZE_MAX) fputs("null", f);
            else nd_json_write_string(f, ids.id[kept], ids.len[kept]);
            if (m[a].root < ch->nref) {
                fputs(", \"reference\": ", f);
                nd_json_write_string(f, ids.id[m[a].i], ids.len[m[a].i]);
            }
            fputs(", \"members\": [", f);
            for (size_t x = a, any = 0; x < b; x++) {
                if (m[x].doc < ch->nref) continue;
                if (any++) fputs(", ", f);
                nd_json_write_string(f, ids.id[m[x].i], ids.len[m[x].i]);
            }
            fputs("]}\n", f);
        }
        free(m);
    }
    nd_mpi_idlist_free(&ids);
    return 0;
}

#endif
