/* mpi_dedup.c - `neardup dedup` across MPI ranks (see mpi_dedup.h). */
#include "mpi_dedup.h"

#ifndef ND_HAVE_MPI

void nd_mpi_init(int *argc, char ***argv) {}
void nd_mpi_finalize(void) {}
int nd_mpi_size(void) { return 1; }
int nd_mpi_rank(void) { return 0; }
int nd_mpi_job_run(nd_job *j, char **inputs, int ninputs) { return nd_job_run(j, inputs, ninputs); }

#endif
