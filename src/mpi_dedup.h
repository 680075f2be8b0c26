/* mpi_dedup.h - `neardup dedup` under mpirun (mpi_dedup.c).  Built with MPI
 * when the Makefile finds mpicc (-DND_HAVE_MPI); without it, or when not
 * started by mpirun, everything here is a no-op and the size is 1. */
#ifndef ND_MPI_DEDUP_H
#define ND_MPI_DEDUP_H

#include "cli.h"

/* Starts MPI when the process was started by mpirun/srun (Open MPI or PMIx
 * environment); call first thing in main.  nd_mpi_finalize at exit. */
void nd_mpi_init(int *argc, char ***argv);
void nd_mpi_finalize(void);
int nd_mpi_size(void); /* 1 when MPI is not running */
int nd_mpi_rank(void); /* 0 when MPI is not running */

/* nd_job_run across the ranks: each rank sketches its share of the records,
 * band records meet at the rank owning their key, candidates are verified
 * with the signatures fetched from their owners, and rank 0 receives every
 * edge, every id and every skipped flag.  Returns 0 on rank 0 (j holds what
 * nd_job_run would), -1 on the other ranks once their part is done, or the
 * exit status after printing an error (on the rank that saw it). */
int nd_mpi_job_run(nd_job *j, char **inputs, int ninputs);

#endif
