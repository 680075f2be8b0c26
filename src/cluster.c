/* cluster.c - union-find over accepted pairs.
 *
 * The root of every set is its smallest document index, so the document
 * kept for a cluster is the first one in input order, whatever order the
 * pairs come in. */
#include <stdlib.h>

#include "nd.h"

static uint32_t find(uint32_t *parent, uint32_t x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]]; /* path halving */
        x = parent[x];
    }
    return x;
}

int nd_cluster(size_t ndocs, const nd_pair *pairs, size_t npairs, uint32_t *rep)
{
    for (size_t i = 0; i < ndocs; i++) rep[i] = (uint32_t)i;
    for (size_t i = 0; i < npairs; i++) {
        uint32_t ra = find(rep, pairs[i].a), rb = find(rep, pairs[i].b);
        if (ra == rb) continue;
        if (ra < rb) rep[rb] = ra; /* union by smaller index keeps the root = minimum */
        else rep[ra] = rb;
    }
    for (size_t i = 0; i < ndocs; i++) rep[i] = find(rep, (uint32_t)i);
    return NEARDUP_OK;
}
