/* passage_clusters.h - reused-passage clusters: the passages that pairs of
 * documents share, joined where they cover the same text of a document
 * (passage_clusters.c).
 *
 * Design.  Pairs give passages; a passage is two intervals, one in each of
 * its documents.  The clusters are the connected components of a graph
 * whose nodes are these (document, word range) intervals: a passage joins
 * its two intervals, and two intervals of one document that overlap by
 * min_overlap words or more are the same text (a passage A-B and a passage
 * B-C over the same span of B join one cluster).  Union-find over the
 * intervals sorted by (document, start): n log n in the passages, never
 * quadratic in a cluster's size.  What keeps the passages linear too is
 * upstream: an anchor carried by more than --max-df documents is not paired
 * all with all but each carrier with one representative (star pairs,
 * anchors.h), so a text carried by 10,000 documents costs about 10,000
 * alignments, and the representative's intervals join the stars.
 *
 * A cluster's witnesses are the runs of joined intervals in each document
 * (a document repeating the text has two); they are ordered by rank (date,
 * then input order) and the source is the first, or with references the
 * first reference.  Deterministic: the links are sorted first, so the
 * order they were collected in (threads) does not matter. */
#ifndef ND_PASSAGE_CLUSTERS_H
#define ND_PASSAGE_CLUSTERS_H

#include <pthread.h>

#include "align.h"
#include "nd.h"
#include "record.h"

/* One passage of a pair: documents a and b, word ranges [tok, tok_end) and
 * byte ranges [start, end) of each one's text. */
typedef struct {
    uint32_t a, b;
    uint32_t a_tok, a_tok_end, b_tok, b_tok_end;
    uint32_t a_start, a_end, b_start, b_end;
} nd_link;

/* A witness: a document's joined run of a cluster's text. */
typedef struct {
    uint32_t doc, tok, tok_end, start, end;
} nd_witness;

typedef struct {
    size_t first, n;   /* its witnesses: w[first, first + n), by rank */
    size_t source;     /* index in w of the source witness */
    uint32_t ndocs;    /* distinct documents */
    uint32_t nseries;  /* distinct series (0: none known) */
} nd_pcluster;

typedef struct {
    nd_pcluster *c;
    size_t nc;
    nd_witness *w;
    size_t nw;
} nd_pclusters;

typedef struct {
    const uint32_t *rank;   /* per document: witness order (NULL: document order); distinct */
    const uint32_t *series; /* per document (NULL: none known) */
    int within_series;      /* keep clusters inside one series */
    uint32_t split;         /* > 0: documents >= split are references (the source is one) */
    unsigned min_overlap;   /* words two intervals of a document share to be one text (>= 1) */
} nd_pcluster_opts;

/* The clusters of the n links (reordered: sorted).  With series and not
 * within_series, a cluster whose witnesses are all of one series is left
 * out.  Clusters come ordered by their first witness (rank, then start).
 * Returns NEARDUP_OK or NEARDUP_E_NOMEM. */
int nd_passage_clusters(nd_link *links, size_t n, const nd_pcluster_opts *o, nd_pclusters *out);

void nd_pclusters_free(nd_pclusters *c);

/* The links collected from the aligning threads (nd_overlap_opts.collect). */
typedef struct {
    pthread_mutex_t mu;
    nd_link *l;
    size_t n, cap;
} nd_link_list;

int nd_link_list_init(nd_link_list *l);
void nd_link_list_free(nd_link_list *l);
/* Appends the np passages p of the pair (a, b) (thread-safe): 0, or -1 when
 * out of memory. */
int nd_link_list_add(nd_link_list *l, uint32_t a, uint32_t b, const nd_passage *p, size_t np);
/* The same with the passages' byte offsets taken to the original files' by
 * the documents' maps ma, mb (na, nb runs; 0: the identity; offmap.h): for
 * clusters written where the maps are no longer at hand (overlap --memory,
 * MPI). */
int nd_link_list_add_original(nd_link_list *l, uint32_t a, uint32_t b, const nd_passage *p, size_t np,
                              const nd_map_run *ma, size_t na, const nd_map_run *mb, size_t nb);

#endif
