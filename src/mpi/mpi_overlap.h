/* mpi_overlap.h - `neardup overlap` (with --clusters) under mpirun: the
 * command's distributed driver, in src/cli because it opens inputs and prints
 * pairs through the CLI (src/mpi holds the library-only MPI layer it uses)
 * (mpi_overlap.c, mpi_overlap_docs.c).  Without MPI, a stub. */
#ifndef ND_MPI_OVERLAP_H
#define ND_MPI_OVERLAP_H

#include "cli_clusters.h"
#include "mpi_dedup.h"

typedef struct {
    const nd_common *common;
    const nd_pipeline_opts *po;
    nd_overlap_opts *ov;         /* its scope gets the global series and ranks */
    const nd_field_opts *fo;
    int format;                  /* of the pairs */
    int skip_pairs;              /* the pairs are not written (--clusters - without -o) */
    const nd_passage_view *view;
    unsigned threads;
} nd_mpi_overlap_job;

/* The whole of overlap's finding and aligning across the ranks (call when
 * nd_mpi_size() > 1): each rank loads its share of the inputs (its
 * documents' words and anchors), anchor occurrences meet at the rank owning
 * hash % N, which lists the candidates of its anchors with nd_anchor_pairs
 * (an anchor's document and series counts are complete there) and sends the
 * dropped occurrences back to their documents' owners for masking; the
 * candidates are merged at the owner of document a, which fetches the
 * documents b it lacks from their owners and aligns them with
 * nd_overlap_align, writing its pairs (in (a, b) order) to a temporary file
 * that rank 0 appends to out in rank order: the one-process output.
 * On rank 0 on success: sum holds every record's id and the figures,
 * fields every document's date, series and rank, links every passage (for
 * nd_passage_clusters), st and npairs the totals.  out (rank 0; NULL: the
 * pairs are not written).  Prints errors once; returns the exit status, the
 * same on every rank. */
int nd_mpi_overlap(const nd_mpi_overlap_job *j, char **inputs, int ninputs, FILE *out, nd_corpus_info *sum,
                   nd_doc_fields *fields, nd_link_list *links, nd_overlap_stats *st, size_t *npairs);

#endif
