/* mpi_dedup.h - `neardup dedup` under mpirun (mpi_dedup.c, mpi_pairs.c,
 * mpi_input.c, mpi_output.c, over mpi_comm.c).  Built with MPI when the
 * Makefile finds mpicc (-DND_HAVE_MPI); without it, or when not started by
 * mpirun, everything here is a no-op and the size is 1.  The driver depends on the
 * library only (job.h, spill.h); the command line hands it the job in the
 * library's terms and the callbacks that are the command's (cli_dedup.c). */
#ifndef ND_MPI_DEDUP_H
#define ND_MPI_DEDUP_H

#include <stdio.h>

#include "contam.h"
#include "index_match.h"
#include "job.h"
#include "reader.h"
#include "record.h"

/* Prints "neardup: MSG" to standard error; returns the exit status for code
 * (the command line's format, nd_cli_error). */
int nd_mpi_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Starts MPI when the process was started by mpirun/srun (Open MPI or PMIx
 * environment); call first thing in main.  nd_mpi_finalize at exit. */
void nd_mpi_init(int *argc, char ***argv);
void nd_mpi_finalize(void);
int nd_mpi_size(void); /* 1 when MPI is not running */
int nd_mpi_rank(void); /* 0 when MPI is not running */

/* A distributed dedup, as the command line describes it. */
typedef struct {
    nd_dup_opts dup;         /* ngram, k, threshold, metric, exact, exact_first, max_bucket, seeds */
    nd_pipeline_opts po;     /* threads, record and reader options, token seeds */
    int ninputs, stdin_given; /* the inputs given ("-" is refused under mpirun) */
    uint64_t memory;         /* --memory: bytes (0: all in memory) */
    const char *tmpdir;      /* --tmp */
    int spool_decoded, quiet, timings;
    char describe[64];       /* what pairs are kept, for the summary ("Jaccard >= 0.8") */
    nd_record_opts rec;      /* the second pass's record parser (the options as given) */
    int lossy;               /* --lossy: the --keep pass reads records as the first pass did */
    int want_clusters;       /* --clusters given (every rank) */
    FILE *out, *clusters;    /* rank 0's outputs; NULL elsewhere */
    /* the command's: the inputs opened as it opens them; the outputs completed
     * (keep 1, rank 0) or dropped (keep 0); its notes on skipped records */
    void *user;
    nd_reader *(*open_inputs)(void *user, const nd_pipeline_opts *po, nd_error *err);
    int (*finish_outputs)(void *user, int keep, nd_error *err);
    void (*print_skips)(const nd_corpus_info *ci);
    /* results (the caller frees reader and ci) */
    nd_reader *reader;
    nd_corpus_info ci;
    uint64_t exact_dups;
    double t_start;
} nd_mpi_job;

/* What dedup's options ask of the ranks beyond the kept records and the
 * clusters. */
typedef struct {
    int nrefs;              /* the first nrefs inputs are --against references: never written */
    int want_removed;       /* --removed given (every rank) */
    FILE *removed;          /* --removed: rank 0's output (NULL elsewhere); completed with the
                             * others by the job's finish_outputs */
    int annotate;           /* --annotate */
    int keep;               /* --keep: ND_KEEP_* */
    const char *keep_field; /* max:FIELD, min:FIELD */
    /* --against INDEX: its documents are numbered before the records (the
     * ranks' record g is number nix + g); every rank matches its records,
     * rank 0 joins the references reached (NULL, 0: none) */
    const nd_index_matcher *ixm;
    uint64_t nix;
} nd_mpi_dedup_opts;

/* The whole of `dedup` across the ranks (call when nd_mpi_size() > 1): each
 * rank reads and sketches its share of the inputs, band records meet at the
 * rank owning their key, candidates are verified with signatures fetched
 * from their owners, rank 0 clusters the accepted pairs, and every rank
 * writes the kept records of its share, which rank 0 appends to out in rank
 * (= input) order; x's options (--against corpora, --removed, --annotate,
 * --keep) as one process does them (mpi_keep.c, mpi_removed.c).  j->out,
 * j->clusters and x->removed are open on rank 0 (NULL elsewhere); they are
 * completed on rank 0 and dropped elsewhere (j->finish_outputs).  Prints errors (once,
 * on the rank that saw the first one) and rank 0's summary; returns the
 * exit status, the same on every rank. */
int nd_mpi_dedup(nd_mpi_job *j, const nd_mpi_dedup_opts *x);

/* Which part of the inputs this rank reads (mpi_input.c); collective. */
typedef struct {
    int cyclic;          /* one compressed JSONL stream: every rank decodes all of it */
    uint64_t bytes;      /* input bytes given to this rank (compressed size for .gz/.zst) */
    uint64_t parts;      /* files or byte ranges of files */
    uint64_t mid_offset; /* a share entering a file mid-way: its start offset */
    uint64_t mid_line;   /* ... and the line number of the first line it reads */
} nd_mpi_share;

/* Restricts r (opened on every rank over the same inputs) to this rank's
 * share with nd_reader_exclude / nd_reader_limit.  Returns NEARDUP_OK or an
 * error (err names the file) on the rank that met it; every rank returns. */
int nd_mpi_share_inputs(nd_reader *r, nd_mpi_share *sh, nd_error *err);

/* ---------- contamination (mpi_contam.c) ---------- */

/* The ids of the matching documents, as rank 0 received them. */
typedef struct {
    char *buf;     /* the gathered findings */
    uint64_t *doc; /* sorted global numbers */
    size_t *off;   /* of each one's record in buf */
    size_t n;
} nd_mpi_ids;

/* contamination's corpus scan across the ranks (call when nd_mpi_size() >
 * 1, with r open on every rank over the same inputs and ix built from the
 * same benchmark): each rank scans its share; on rank 0, res receives every
 * rank's findings in input order (what one process gets), ids the matching
 * documents' ids and sum the corpus figures (records, skips, bytes).
 * Prints an error once, on the rank that met the first one; returns the
 * exit status, the same on every rank. */
int nd_mpi_contam(nd_reader *r, nd_pipeline_opts *po, const nd_contam *ix, nd_contam_result *res, nd_mpi_ids *ids,
                  nd_corpus_info *sum);
/* The id of global record doc among ids (len 0 and "" when absent). */
const char *nd_mpi_id_of(const nd_mpi_ids *ids, uint64_t doc, size_t *len);
void nd_mpi_ids_free(nd_mpi_ids *ids);
/* Rank 0's status on every rank (the report is written there). */
int nd_mpi_bcast_status(int rc);

#endif
