/* cluster.h - accepted pairs -> union-find clusters, and the kept member of each (cluster.c). */
#ifndef ND_CLUSTER_H
#define ND_CLUSTER_H

#include "nd.h"
#include "lsh.h"

/* Union-find over pairs on ndocs documents; rep[i] receives the smallest
 * document index in i's cluster (so the first document in input order is the
 * one kept).  Returns NEARDUP_OK or NEARDUP_E_NOMEM. */
int nd_cluster(size_t ndocs, const nd_pair *pairs, size_t npairs, uint32_t *rep);

/* Which document of a cluster is kept (dedup --keep). */
enum { ND_KEEP_FIRST, ND_KEEP_LONGEST, ND_KEEP_SHORTEST, ND_KEEP_MAX, ND_KEEP_MIN, ND_KEEP_NONE };

/* Per-document arrays of n entries, allocated by the caller. */
typedef struct {
    uint8_t *kept;     /* 1: written */
    uint32_t *anchor;  /* what a removed document is counted a duplicate of: its cluster's kept
                        * document, else (a reference in the cluster) its first reference, else
                        * (--keep none) its first member (the second, for the first); itself
                        * when kept, a reference or skipped */
    uint32_t *cluster; /* its cluster's number, 0, 1, ... in the order of the clusters' first
                        * input documents (singletons included); UINT32_MAX for references
                        * and skipped records */
    uint64_t nclusters, kept_n, removed, by_ref; /* by_ref: removed for a reference */
} nd_choice;

/* From the clusters of nd_cluster (rep: each document's smallest member):
 * documents [0, nref) are references, never kept, and a cluster holding one
 * keeps none of its inputs; else mode chooses the kept member: the first,
 * or the largest (LONGEST, MAX) or smallest (SHORTEST, MIN) key[i] (ties:
 * the first of them; key NULL for FIRST and NONE), or NONE keeps no member
 * of a cluster of two or more.  Depends only on rep and key, never on the
 * order pairs were found in.  skipped may be NULL.  Returns NEARDUP_OK or
 * NEARDUP_E_NOMEM. */
int nd_cluster_choose(size_t n, const uint32_t *rep, size_t nref, const uint8_t *skipped, int mode,
                      const double *key, nd_choice *c);

/* --keep's keys, asked once the clusters are known (rep: each document's
 * smallest member; only the members of clusters of two or more need one):
 * *key malloc'ed, one entry a document (freed by the caller).  NEARDUP_OK,
 * or an error with err set. */
typedef int (*nd_keep_keys)(void *user, const uint32_t *rep, double **key, nd_error *err);

/* The decisions of dedup, for the command and the public job alike: pairs
 * over n documents -> clusters (rep, n entries) -> the kept member of each
 * (nd_cluster_choose into ch, whose arrays of n entries the caller
 * allocates); keys (NULL for FIRST and NONE) gives the keys of LONGEST,
 * SHORTEST, MAX and MIN between the two.  NEARDUP_OK, NEARDUP_E_NOMEM, or
 * the keys' error, with err set. */
int nd_dedup_decide(size_t n, const nd_pair *pairs, size_t npairs, size_t nref, const uint8_t *skipped, int mode,
                    nd_keep_keys keys, void *keys_user, uint32_t *rep, nd_choice *ch, nd_error *err);

#endif
