/* mpi_internal.h - what mpi_dedup.c and mpi_output.c share: record
 * ownership, the exchanges and the agreement on errors (mpi_comm.c).  Only
 * with MPI. */
#ifndef ND_MPI_INTERNAL_H
#define ND_MPI_INTERNAL_H

#include <mpi.h>

#include "mpi_dedup.h"

typedef struct {
    uint64_t sent, recv; /* bytes to / from other ranks */
} nd_traffic;

/* Who owns record d (global number, input order).  Normally the rank that
 * read it: ranks read consecutive runs of records, rank r from first[r]
 * (first[size] = the total).  In cyclic mode (one compressed stream that
 * every rank reads), rank (d / ND_SHARD_BLOCK) % size. */
typedef struct {
    int rank, size, cyclic;
    uint64_t total;
    uint64_t *first; /* size + 1 entries; NULL in cyclic mode */
} nd_owners;

int nd_owner_of(const nd_owners *o, uint64_t d);
uint64_t nd_owner_local(const nd_owners *o, uint64_t d); /* d's index among its owner's records */
uint64_t nd_owner_global(const nd_owners *o, uint64_t l); /* this rank's l-th record */
uint64_t nd_owner_count(const nd_owners *o);             /* this rank's records */
/* Index in this rank's nd_corpus_info of its l-th record: l, or the global
 * number in cyclic mode (where the pipeline counts every record). */
uint64_t nd_owner_ci(const nd_owners *o, uint64_t l);

/* Stops every rank (MPI_Abort): for failures no rank can recover from past
 * the reading phase (out of memory, an exchange over 2 GiB). */
_Noreturn void nd_mpi_die(int code, const char *msg);
void *nd_mpi_xmalloc(size_t n);

/* Fixed-size items: item i (sz bytes) goes to rank dest[i]; returns what
 * this rank receives (malloc'ed), rank 0's first, each rank's in order. */
void *nd_mpi_alltoallv(const void *items, size_t n, size_t sz, const int *dest, size_t *nrecv,
                       nd_traffic *t);
/* Bytes already grouped by destination: count[q] bytes for rank q, in rank
 * order.  Returns the received bytes (malloc'ed); rcount[q] from rank q. */
char *nd_mpi_exchange(const char *buf, const size_t *count, size_t *rcount, size_t *total,
                      nd_traffic *t);
/* n bytes from every rank to rank 0; there, the buffer and offs[size + 1]. */
char *nd_mpi_gather(const void *buf, size_t n, int **offs, nd_traffic *t);

/* Numbers the records globally (fills own->cyclic, first, total; own->rank
 * and size set by the caller): every rank's first record is an exclusive
 * scan of the per-rank counts, or the cyclic rule.  The agreed status. */
int nd_mpi_number_records(nd_owners *own, const nd_corpus_info *ci, int cyclic);

/* Collective agreement on an error: returns 0 when no rank failed, else the
 * exit status of the failure with the lowest pos (ties: lowest rank), on
 * every rank; that rank prints err. */
int nd_mpi_agree(int rc, double pos, const nd_error *err);

/* ---------- mpi_output.c ---------- */

/* An unlinked temporary file in dir (NULL: $TMPDIR, else /tmp); -1 + err. */
int nd_mpi_temp_fd(const char *dir, nd_error *err);

/* Fails like nd_corpus_check_unique_ids, with the same message, on every
 * rank: ids are hashed to ranks, each rank checks its hashes. */
int nd_mpi_check_ids(const nd_owners *own, const nd_corpus_info *ci, const nd_reader *r,
                     nd_traffic *t);

/* Rank 0, from every accepted pair: the sorted documents in clusters of
 * two or more (u, nu) and their representatives (root[i]: the first
 * document of u[i]'s cluster). */
void nd_mpi_cluster(const nd_scored_pair *p, size_t np, uint32_t **u, uint32_t **root, size_t *nu);

typedef struct {
    uint64_t records, kept; /* read and written by this rank's part */
    uint64_t streamed;      /* bytes of output sent to rank 0 (received there) */
    double t_write;
} nd_mpi_write_stats;

/* Writes the kept records: every rank its own share (rank 0 straight to
 * out, the others to a temporary file streamed to rank 0 in rank order),
 * or rank 0 all of them in cyclic mode.  u/root (rank 0) as from
 * nd_mpi_cluster; skipped docs of every rank are gathered where needed.
 * Returns the agreed exit status (0 = written). */
int nd_mpi_write_kept(const nd_owners *own, nd_job *j, const uint32_t *u, const uint32_t *root, size_t nu,
                      FILE *out, const char *tmpdir, nd_mpi_write_stats *ws, nd_traffic *t);

/* Every rank q > 0 sends its part of the output (a temporary file) to rank
 * 0, which appends them to out in rank order (collective). */
void nd_mpi_append_parts(const nd_owners *own, FILE *part, FILE *out, uint64_t *streamed);

/* Rank 0 writes the clusters file; the ids come from their owners
 * (collective: every rank calls, rank 0 with u/root). */
int nd_mpi_write_clusters(const nd_owners *own, const nd_corpus_info *ci, const uint32_t *u,
                          const uint32_t *root, size_t nu, FILE *f, nd_traffic *t);

/* Rank 0 gets the skipped count and the first 8 skip notes in input order
 * (into sum, which also gets replaced_bytes). */
void nd_mpi_gather_skips(const nd_owners *own, const nd_corpus_info *ci, nd_corpus_info *sum,
                         nd_traffic *t);

#endif
