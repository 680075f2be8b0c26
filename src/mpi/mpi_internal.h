/* mpi_internal.h - what the MPI files share: record ownership, the
 * exchanges and the agreement on errors (mpi_comm.c); the end of dedup
 * (mpi_ids.c, mpi_clusters.c, mpi_output.c, mpi_keep.c, mpi_removed.c); a
 * dedup rank's signatures and the pairs found among them (mpi_dedup.c,
 * mpi_pairs.c).  overlap's driver (mpi_overlap.c) uses the first two.
 * Only with MPI. */
#ifndef ND_MPI_INTERNAL_H
#define ND_MPI_INTERNAL_H

#include <errno.h>
#include <mpi.h>
#include <unistd.h>

#include "mpi_dedup.h"
#include "reader.h"
#include "sketch.h"

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

/* ---------- the end of dedup ---------- */
/* (mpi_ids.c, mpi_clusters.c, mpi_output.c, mpi_keep.c, mpi_removed.c) */

/* An unlinked temporary file in dir (NULL: $TMPDIR, else /tmp); -1 + err. */
int nd_mpi_temp_fd(const char *dir, nd_error *err);
/* The same as a stream open for writing and reading back; NULL + err. */
FILE *nd_mpi_temp_file(const char *dir, nd_error *err);
/* The same for a rank's part of what goes to rank 0: a failure stops every rank. */
FILE *nd_mpi_part_file(void);

/* Fails like nd_corpus_check_unique_ids, with the same message, on every
 * rank: ids are hashed to ranks, each rank checks its hashes. */
int nd_mpi_check_ids(const nd_owners *own, const nd_corpus_info *ci, const nd_reader *r,
                     nd_traffic *t);

/* Rank 0, from every accepted pair: the sorted documents in clusters of
 * two or more (u, nu) and their representatives (root[i]: the first
 * document of u[i]'s cluster). */
void nd_mpi_cluster(const nd_scored_pair *p, size_t np, uint32_t **u, uint32_t **root, size_t *nu);

/* What rank 0 chose for each clustered document u[i] (mpi_keep.c), as
 * nd_cluster_choose does for one process. */
typedef struct {
    uint64_t nix;      /* every rank: numbers [0, nix) are an index's documents (nd_mpi_dedup_opts); u and
                        * root hold numbers, record g is number nix + g */
    const nd_index_matcher *ixm; /* their ids and signatures (rank 0) */
    uint64_t nref;     /* every rank: numbers [0, nref) are --against references, never written */
    size_t nref_files; /* the reader's files [0, nref_files) are the corpus references' */
    uint64_t own_refs; /* this rank's records of them: its first ones, not read again */
    uint8_t *kept;     /* per u[i]: written */
    uint32_t *anchor;  /* per u[i]: the document a removed one is counted a duplicate of */
    uint32_t *cluster; /* per u[i]: its cluster's number, one process's (UINT32_MAX: a reference) */
    uint8_t *first;    /* per u[i]: the first input document of its cluster */
    uint64_t removed, by_ref, nclusters; /* inputs removed, of them for a reference; clusters counted */
} nd_mpi_choice;

/* Collective: rank 0 chooses from u/root (nd_mpi_cluster) with x's --keep,
 * the keys of the clustered inputs read by the ranks that read them; the
 * cluster numbers (for --annotate and --removed) count every rank's
 * singletons and skipped records.  ch->nref must be set on every rank.
 * Returns the agreed exit status (a record without its --keep field). */
int nd_mpi_choose(const nd_owners *own, nd_mpi_job *j, const nd_mpi_dedup_opts *x, const uint32_t *u,
                  const uint32_t *root, size_t nu, nd_mpi_choice *ch, nd_traffic *t);
void nd_mpi_choice_free(nd_mpi_choice *ch);

/* Rank 0 asks rank dest[i] about doc[i], i < n (n = 0 on the other ranks);
 * every rank gets the requests sent to it, *nq of them, in rank 0's order. */
uint32_t *nd_mpi_ask(const uint32_t *doc, const int *dest, size_t n, size_t *nq, nd_traffic *t);
/* Every rank answers its nq requests (sz bytes each, in their order); rank
 * 0 gets the answers in the order it asked (dest, n as given to nd_mpi_ask;
 * NULL elsewhere). */
char *nd_mpi_answer(const void *ans, size_t nq, size_t sz, const int *dest, size_t n, nd_traffic *t);

/* The ids of docs[0, n) (numbers: ch's) on rank 0 (collective; n = 0
 * elsewhere): doc i's at id[i], len[i] bytes (every byte kept); an index
 * document's from rank 0's index, a record's from its owner. */
typedef struct {
    char *buf;
    const char **id;
    uint32_t *len;
} nd_mpi_idlist;
void nd_mpi_fetch_ids(const nd_owners *own, const nd_corpus_info *ci, const nd_mpi_choice *ch, const uint32_t *docs,
                      size_t n, nd_mpi_idlist *ids, nd_traffic *t);
void nd_mpi_idlist_free(nd_mpi_idlist *ids);

/* How many of the sorted u[0, n) are below d (where d is or would be). */
size_t nd_mpi_lower_bound(const uint32_t *u, size_t n, uint32_t d);

/* Rewinds j's reader for another pass over this rank's records, leaving out
 * the corpus references' files; returns the number of the first record
 * the pass reads among this rank's (ch->own_refs), or -1 with err set. */
int64_t nd_mpi_rewind(nd_mpi_job *j, const nd_mpi_choice *ch, nd_error *err);

/* Global numbers of this rank's skipped records, sorted (*n of them). */
uint32_t *nd_mpi_skipped_docs(const nd_owners *own, const nd_corpus_info *ci, size_t *n);

/* --removed (mpi_removed.c), collective: rank 0 writes one record a removed
 * input in input order, with the score of its signature and its anchor's,
 * fetched from their owners (sig: an owner's l-th record's k lanes, read
 * into tmp where they are not in memory). */
typedef const uint32_t *(*nd_mpi_sig_fn)(void *ctx, uint64_t l, uint32_t *tmp);
void nd_mpi_write_removed(const nd_owners *own, const nd_corpus_info *ci, const uint32_t *u, size_t nu,
                          const nd_mpi_choice *ch, unsigned k, nd_mpi_sig_fn sig, void *ctx, FILE *f,
                          nd_traffic *t);

typedef struct {
    uint64_t records, kept; /* read and written by this rank's part */
    uint64_t streamed;      /* bytes of output sent to rank 0 (received there) */
    double t_write;
} nd_mpi_write_stats;

/* Writes the kept records: every rank its own share (rank 0 straight to
 * out, the others to a temporary file streamed to rank 0 in rank order),
 * or rank 0 all of them in cyclic mode.  u (rank 0) as from
 * nd_mpi_cluster, ch as from nd_mpi_choose; skipped docs of every rank are
 * gathered where needed; references are never written; with annotate,
 * each record carries its cluster's number.  Returns the agreed exit
 * status (0 = written). */
int nd_mpi_write_kept(const nd_owners *own, nd_mpi_job *j, const uint32_t *u, size_t nu, const nd_mpi_choice *ch,
                      int annotate, FILE *out, const char *tmpdir, nd_mpi_write_stats *ws, nd_traffic *t);

/* Every rank q > 0 sends its part of the output (a temporary file) to rank
 * 0, which appends them to out in rank order (collective). */
void nd_mpi_append_parts(const nd_owners *own, FILE *part, FILE *out, uint64_t *streamed);
/* The same with each rank's part handed to take (rank 0, in rank order) in
 * chunks of whole records of rec bytes; take's failure stops every rank. */
void nd_mpi_stream_parts(const nd_owners *own, FILE *part, size_t rec, int (*take)(void *user, const char *b, size_t n),
                         void *user, uint64_t *streamed);

/* Rank 0 writes the clusters file as one process does (those holding an
 * input; "kept" by ch, null when none; "reference"; inputs as members);
 * the ids come from their owners (collective: every rank calls, rank 0
 * with u/root/ch). */
int nd_mpi_write_clusters(const nd_owners *own, const nd_corpus_info *ci, const uint32_t *u,
                          const uint32_t *root, size_t nu, const nd_mpi_choice *ch, FILE *f, nd_traffic *t);

/* Rank 0 gets the skipped count and the first 8 skip notes in input order
 * (into sum, which also gets replaced_bytes). */
void nd_mpi_gather_skips(const nd_owners *own, const nd_corpus_info *ci, nd_corpus_info *sum,
                         nd_traffic *t);

/* ---------- mpi_dedup.c and mpi_pairs.c ---------- */

/* A dedup rank's records: their signatures, live flags and digests, as the
 * sketching pipeline delivered them (mpi_dedup.c's collect). */
typedef struct {
    const nd_sketch_opts *so; /* first: the shared worker reads it */
    const nd_corpus_info *ci;
    int rank, size, cyclic;
    uint32_t *sig;   /* k lanes per owned record, in record order (in memory) */
    int sig_fd;      /* --memory: the signatures in an unlinked file instead; -1 = in memory */
    uint8_t *live;   /* per owned record */
    uint8_t *dg;     /* digest per owned record */
    uint64_t nown;   /* owned records so far */
    size_t sig_cap, live_cap, dg_cap;
    uint64_t docs;   /* owned documents sketched (not skipped) */
    double t_shingle, t_sketch;
    const char *tmpdir;
} nd_mpi_ctx;

/* Own record l's signature: in memory, or read into tmp from the file. */
static inline const uint32_t *nd_mpi_sig_of(const nd_mpi_ctx *c, uint64_t l, uint32_t *tmp)
{
    size_t n = (size_t)c->so->k * sizeof *tmp;
    if (c->sig_fd < 0) return c->sig + l * c->so->k;
    for (size_t got = 0; got < n;) {
        ssize_t k = pread(c->sig_fd, (char *)tmp + got, n - got, (off_t)(l * n + got));
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) nd_mpi_die(NEARDUP_E_IO, "cannot read signatures back from their temporary file");
        got += (size_t)k;
    }
    return tmp;
}

/* The pairs a rank found (and, on rank 0, all of them): nd_scored_pair's
 * score set, cluster -1. */
typedef struct {
    nd_scored_pair *p;
    size_t n, cap;
} nd_mpi_edges;

/* LSH as every rank runs it: bands x rows, the band seed, --memory's rounds. */
typedef struct {
    unsigned bands, rows, rounds;
    uint64_t seed;
} nd_mpi_lsh_shape;

/* 1. Marks exact duplicates dead (live = 0) on their owners; their pairs
 * with their group's first document go to out.  Returns this rank's share of
 * the duplicates (collective). */
uint64_t nd_mpi_exact_groups(nd_mpi_ctx *c, const nd_owners *own, nd_mpi_edges *out, nd_traffic *t);
/* 2, 3. The candidates of the live records' band records (sh->rounds rounds),
 * scored at a's owner; those at j->dup.threshold or above go to out
 * (collective). */
void nd_mpi_lsh_pairs(nd_mpi_ctx *c, const nd_owners *own, const nd_mpi_job *j, const nd_mpi_lsh_shape *sh,
                      nd_mpi_edges *out, nd_traffic *t, nd_pairs_stats *ps);
/* --against INDEX: e's pairs renumbered after the index's documents, and
 * this rank's live records matched against it. */
void nd_mpi_index_pairs(nd_mpi_ctx *c, const nd_owners *own, const nd_mpi_dedup_opts *x, nd_mpi_edges *e);
/* --against INDEX: no record has an index document's id (the first clash in
 * input order is reported); the agreed status (collective). */
int nd_mpi_check_index_ids(nd_mpi_job *j, const nd_owners *own, const nd_mpi_dedup_opts *x);
/* Rank 0, --against INDEX: the references reached, joined to one another,
 * appended to p[0, *np) (reallocated; returned). */
nd_scored_pair *nd_mpi_join_refs(const nd_mpi_dedup_opts *x, nd_scored_pair *p, size_t *np);

#endif
