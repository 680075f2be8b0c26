/* mpi_overlap.h - `neardup overlap` (with --clusters) under mpirun: the
 * distributed driver (mpi_overlap.c, mpi_overlap_share.c), over the library
 * and the MPI layer only; the command line hands it the job in the
 * library's terms and the callbacks that are the command's: how the inputs
 * are opened and how a pair is printed (cli_overlap_mpi.c).  Without MPI, a
 * stub. */
#ifndef ND_MPI_OVERLAP_H
#define ND_MPI_OVERLAP_H

#include <stdio.h>

#include "doc_fields.h"
#include "mpi_dedup.h"
#include "overlap.h"
#include "overlap_spill.h"
#include "passage_clusters.h"
#include "passage_clusters_spill.h"
#include "pipeline.h"
#include "reader.h"

/* Writes one pair that shares passages to f (a private memory stream, on an
 * aligning thread): ia, ib its documents' ids (la, lb bytes), da, db the
 * documents (words, spans, texts, maps to the original files' offsets).
 * Non-zero: failure. */
typedef int (*nd_mpi_pair_fn)(void *user, FILE *f, const nd_overlap_pair *p, const char *ia, size_t la,
                              const char *ib, size_t lb, const nd_doc_ref *da, const nd_doc_ref *db);

typedef struct {
    const nd_pipeline_opts *po;
    nd_overlap_opts *ov;         /* its scope gets the global series and ranks */
    const nd_field_opts *fo;
    int skip_pairs;              /* the pairs are not written (--clusters - without -o) */
    int timings;                 /* --timings: each rank's documents and traffic to stderr */
    /* --memory (NULL: unbounded): this rank's empty store, bounded as in
     * one process (the bound is each rank's); clusters (rank 0, NULL when
     * not wanted) gets every passage; spill_stats this rank's figures */
    nd_spill_store *spill;
    nd_pcluster_spill *clusters;
    nd_spill_ostats *spill_stats;
    int passages;                /* --memory: the passages are collected (clusters, or series) */
    unsigned threads;
    /* the command's: the inputs opened as it opens them (every rank, the
     * same inputs); a pair printed */
    void *user;
    nd_reader *(*open_inputs)(void *user, const nd_pipeline_opts *po, char **inputs, int ninputs, nd_error *err);
    nd_mpi_pair_fn write_pair;
} nd_mpi_overlap_job;

/* The whole of overlap's finding and aligning across the ranks (with
 * j->spill: within --memory on each rank, mpi_overlap_spill.c; links is
 * then unused and the passages go to j->clusters), call when
 * nd_mpi_size() > 1: each rank loads its share of the inputs (its
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
