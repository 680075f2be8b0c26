/* cluster.c - union-find over accepted pairs.
 *
 * The root of every set is its smallest document index, so the document
 * kept for a cluster is the first one in input order, whatever order the
 * pairs come in. */
#include <stdlib.h>

#include "cluster.h"
#include "lsh.h"
#include "nd.h"

int nd_cluster(size_t ndocs, const nd_pair *pairs, size_t npairs, uint32_t *rep)
{
    for (size_t i = 0; i < ndocs; i++) rep[i] = (uint32_t)i;
    for (size_t i = 0; i < npairs; i++) {
        nd_uf_unite(rep, pairs[i].a, pairs[i].b); /* the root stays the smallest index */
    }
    for (size_t i = 0; i < ndocs; i++) rep[i] = nd_uf_find(rep, (uint32_t)i);
    return NEARDUP_OK;
}

/* Whether key a beats key b for mode (ties keep the earlier document). */
static int better(int mode, double a, double b)
{
    if (mode == ND_KEEP_LONGEST || mode == ND_KEEP_MAX) return a > b;
    if (mode == ND_KEEP_SHORTEST || mode == ND_KEEP_MIN) return a < b;
    return 0; /* first: the first input member stays */
}

int nd_cluster_choose(size_t n, const uint32_t *rep, size_t nref, const uint8_t *skipped, int mode,
                      const double *key, nd_choice *c)
{
    /* best[root]: the member kept so far; second[root]: the cluster's second
     * member (what its first one duplicates under --keep none); size[root]. */
    uint32_t *best = malloc((n ? n : 1) * sizeof *best), *second = malloc((n ? n : 1) * sizeof *second),
             *size = calloc(n ? n : 1, sizeof *size);
    if (!best || !second || !size) {
        free(best);
        free(second);
        free(size);
        return NEARDUP_E_NOMEM;
    }
    for (size_t i = 0; i < n; i++) best[i] = second[i] = UINT32_MAX;
    for (size_t i = 0; i < n; i++) {
        uint32_t r = rep[i];
        if (size[r]++ == 1) second[r] = (uint32_t)i;
        if (i < nref || (skipped && skipped[i])) continue;
        if (best[r] == UINT32_MAX || (key && better(mode, key[i], key[best[r]]))) best[r] = (uint32_t)i;
    }
    c->nclusters = c->kept_n = c->removed = c->by_ref = 0;
    for (size_t i = 0; i < n; i++) c->cluster[i] = UINT32_MAX;
    for (size_t i = 0; i < n; i++) {
        uint32_t r = rep[i];
        c->kept[i] = 0;
        c->anchor[i] = (uint32_t)i;
        if (i < nref || (skipped && skipped[i])) continue; /* references are never written */
        /* clusters numbered in the order of their first input document */
        if (c->cluster[r] == UINT32_MAX) c->cluster[r] = (uint32_t)c->nclusters++;
        c->cluster[i] = c->cluster[r];
        if (r < nref) { /* the root is the smallest index: the cluster holds a reference */
            c->anchor[i] = r;
            c->removed++;
            c->by_ref++;
        } else if (mode == ND_KEEP_NONE && size[r] > 1) {
            c->anchor[i] = i == r ? second[r] : r;
            c->removed++;
        } else if (best[r] == i) {
            c->kept[i] = 1;
            c->kept_n++;
        } else {
            c->anchor[i] = best[r];
            c->removed++;
        }
    }
    free(best);
    free(second);
    free(size);
    return NEARDUP_OK;
}

int nd_dedup_decide(size_t n, const nd_pair *pairs, size_t npairs, size_t nref, const uint8_t *skipped, int mode,
                    nd_keep_keys keys, void *keys_user, uint32_t *rep, nd_choice *ch, nd_error *err)
{
    if (nd_cluster(n, pairs, npairs, rep)) return nd_fail(err, NEARDUP_E_NOMEM, "out of memory clustering");
    double *key = NULL;
    int rc = NEARDUP_OK;
    if (mode != ND_KEEP_FIRST && mode != ND_KEEP_NONE) {
        if (!keys) return nd_fail(err, NEARDUP_E_INTERNAL, "--keep without keys");
        if ((rc = keys(keys_user, rep, &key, err))) return rc;
    }
    if (nd_cluster_choose(n, rep, nref, skipped, mode, key, ch))
        rc = nd_fail(err, NEARDUP_E_NOMEM, "out of memory choosing the kept documents");
    free(key);
    return rc;
}
