/* cli_overlap_mpi.h - `neardup overlap` under mpirun, the command's side
 * (cli_overlap_mpi.c): the job as the command line describes it, handed to
 * the distributed driver (src/mpi/mpi_overlap.h) with the callbacks that are
 * the command's: the inputs opened as it opens them, the pairs printed as it
 * prints them. */
#ifndef ND_CLI_OVERLAP_MPI_H
#define ND_CLI_OVERLAP_MPI_H

#include "cli.h"
#include "mpi_overlap.h"

typedef struct {
    const nd_common *common;
    const nd_pipeline_opts *po;
    nd_overlap_opts *ov;         /* its scope gets the global series and ranks */
    const nd_field_opts *fo;
    int format;                  /* of the pairs */
    int skip_pairs;              /* the pairs are not written (--clusters - without -o) */
    const nd_passage_view *view;
    unsigned threads;
    /* --memory (NULL: unbounded; see nd_mpi_overlap_job) */
    nd_spill_store *spill;
    nd_pcluster_spill *clusters;
    nd_spill_ostats *spill_stats;
    int passages;
} nd_cli_mpi_overlap_job;

/* nd_mpi_overlap (mpi_overlap.h) for j: same arguments, results and exit
 * status. */
int nd_cli_mpi_overlap(const nd_cli_mpi_overlap_job *j, char **inputs, int ninputs, FILE *out, nd_corpus_info *sum,
                       nd_doc_fields *fields, nd_link_list *links, nd_overlap_stats *st, size_t *npairs);

#endif
