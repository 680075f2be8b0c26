/* cli_clusters.h - how `overlap --clusters` writes the clusters in the CLI:
 * as JSONL or, on a terminal, compactly (cli_clusters.c), with each
 * document's date and series (doc_fields.h, the library's). */
#ifndef ND_CLI_CLUSTERS_H
#define ND_CLI_CLUSTERS_H

#include "cli.h"
#include "doc_fields.h"
#include "overlap.h"
#include "passage_clusters.h"
#include "passage_clusters_spill.h"
#include "reader.h"

/* How the clusters are written: the store for ids and texts, the fields. */
typedef struct {
    const nd_doc_store *s;         /* NULL: the witnesses' offsets are the original files' already (MPI) */
    const nd_corpus_info *ci, *cr; /* inputs, references (split > 0) */
    uint64_t split;
    const nd_doc_fields *f;        /* NULL: no dates, no series */
    int terminal;                  /* the compact view (standard output is a terminal) */
    int color;
} nd_cluster_writer;

/* Writes the clusters c: one JSONL record each, or the terminal view.
 * Returns 0, or -1 when f failed or out of memory. */
int nd_write_clusters(FILE *f, const nd_cluster_writer *w, const nd_pclusters *c);

/* The clusters streamed as JSONL to f (NULL: counted only) as
 * nd_pcluster_spill_build makes them (overlap --memory): the same bytes
 * as nd_write_clusters; nc counts them, big and big_pairs those of more
 * than max_df documents and their pairs (the summary's). */
typedef struct {
    FILE *f;
    const nd_cluster_writer *w;
    uint64_t max_df;
    uint64_t nc, big, big_pairs;
} nd_cluster_stream;

nd_pcluster_sink nd_cluster_stream_sink(nd_cluster_stream *cs);

/* The clusters for the HTML report (nd_overlap_report). */
struct nd_cluster_report {
    const nd_cluster_writer *w;
    const nd_pclusters *c;
};

struct nd_report;
/* Adds the clusters c to the HTML report r (its cluster view): each
 * witness's document through idx (store index -> report document, -1: not
 * in it yet, then added).  Returns 0 or -1. */
int nd_report_add_clusters(struct nd_report *r, long *idx, const nd_cluster_writer *w, const nd_pclusters *c);

#endif
