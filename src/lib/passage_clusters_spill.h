/* passage_clusters_spill.h - the reused-passage clusters in bounded memory
 * (`overlap --memory SIZE --clusters FILE`; passage_clusters_spill.c): the
 * clusters nd_passage_clusters makes, the same ones in the same order,
 * streamed to a sink, with the passages on disk.
 *
 * Design.  The passages' intervals (24 bytes each, two a passage) collect
 * in a buffer that goes to sorted runs (runs.h) by (document, start) when
 * full.  Merged back, they give the sweep of nd_passage_clusters: the runs
 * of joined intervals of each document (the pieces: the witnesses to be,
 * numbered and written to disk in turn), and for each interval its
 * passage and piece, sorted by passage so the two pieces of each passage
 * are joined by union-find over the piece numbers, one compact array.
 * Then two more external sorts: the pieces by (component, rank), which
 * gives each component's first witness, its size, documents, series and
 * source; and the pieces and the components' summaries by that first
 * witness, the order the clusters are written in.
 *
 * What stays in memory: 4 bytes a piece (the union-find parents; a piece
 * is a witness, of a reported cluster or of one left out, within one
 * series: about the clusters output's size, far fewer than the passages)
 * and, with series, 4 bytes a series; the rest is the buffers, about
 * buf_bytes each (collecting: one; building: up to two and a quarter at
 * once, the store's memory free by then).  A cluster is never held: its
 * witnesses stream to the sink. */
#ifndef ND_PASSAGE_CLUSTERS_SPILL_H
#define ND_PASSAGE_CLUSTERS_SPILL_H

#include "overlap.h"
#include "passage_clusters.h"

typedef struct nd_pcluster_spill nd_pcluster_spill;

/* An empty collector: intervals buffered buf_bytes at a time, spilled to an
 * unlinked file in tmpdir (NULL: $TMPDIR, else /tmp).  NULL when out of
 * memory. */
nd_pcluster_spill *nd_pcluster_spill_new(size_t buf_bytes, const char *tmpdir);

/* Adds the passages of the pair p, their byte ranges mapped to the original
 * files' through da's and db's offset maps (thread-safe).  0, or -1 on a
 * failure (out of memory, a full disk), kept for nd_pcluster_spill_error. */
int nd_pcluster_spill_add(nd_pcluster_spill *s, const nd_overlap_pair *p, const nd_doc_ref *da,
                          const nd_doc_ref *db);

/* Adds n passages given as links (offsets already the original files'; under
 * mpirun, the other ranks' passages), as nd_pcluster_spill_add would. */
int nd_pcluster_spill_add_links(nd_pcluster_spill *s, const nd_link *l, size_t n);

/* The first failure of nd_pcluster_spill_add (its code; err filled), or 0. */
int nd_pcluster_spill_error(const nd_pcluster_spill *s, nd_error *err);

/* Passages collected. */
uint64_t nd_pcluster_spill_count(const nd_pcluster_spill *s);

/* Where the clusters go, in nd_passage_clusters' order: for cluster i,
 * head (c->first is 0 and c->source the source's place among c->n
 * witnesses; src the source witness), then witness for each of its
 * witnesses in rank order, then end.  Each returns 0, or non-zero to stop
 * (the build then fails with NEARDUP_E_IO). */
typedef struct {
    int (*head)(void *user, size_t i, const nd_pcluster *c, const nd_witness *src);
    int (*witness)(void *user, size_t x, const nd_witness *w);
    int (*end)(void *user, size_t i);
    void *user;
} nd_pcluster_sink;

typedef struct {
    uint64_t passages, pieces, components, clusters;
    uint64_t runs;  /* sorted runs written, all sorts */
    uint64_t bytes; /* written to disk, all sorts */
} nd_pcluster_spill_stats;

/* Builds the clusters of the collected passages with o (as
 * nd_passage_clusters), buf_bytes for each buffer, and streams them to
 * sink.  The collector is used up.  NEARDUP_OK or an error with err set. */
int nd_pcluster_spill_build(nd_pcluster_spill *s, const nd_pcluster_opts *o, size_t buf_bytes,
                            const nd_pcluster_sink *sink, nd_pcluster_spill_stats *st, nd_error *err);

void nd_pcluster_spill_free(nd_pcluster_spill *s);

#endif
