/* mpi_overlap_internal.h - what mpi_overlap.c and mpi_overlap_spill.c take from
 * mpi_overlap_share.c.  Only with MPI. */
#ifndef ND_MPI_OVERLAP_INTERNAL_H
#define ND_MPI_OVERLAP_INTERNAL_H

#include "mpi_overlap.h"

#ifdef ND_HAVE_MPI
#include "mpi_internal.h"

/* A document fetched from its owner: its words (and text) in place in the
 * received bytes. */
typedef struct {
    uint32_t doc; /* global number */
    nd_doc_ref ref;
    const char *id;
    size_t id_len;
} nd_fetched;

typedef struct {
    char *buf;
    nd_fetched *d; /* n, in want's order */
    size_t n;
} nd_fetched_docs;

/* Fetches the documents want (sorted global numbers, none of them this
 * rank's) from their owners (collective: every rank serves the others'
 * requests from s, its share's store, and ci).  text: with their texts. */
int nd_mpi_fetch_docs(const nd_owners *own, const nd_doc_store *s, const nd_corpus_info *ci, const uint32_t *want,
                      size_t nwant, int text, nd_fetched_docs *out, nd_traffic *t);
void nd_fetched_free(nd_fetched_docs *f);

/* Steps 1-2 of mpi_overlap.c: this rank's share loaded (into j->spill when
 * set, else s), numbered, its ids checked, the fields shared.  The agreed
 * exit status. */
int nd_mpi_overlap_load(const nd_mpi_overlap_job *j, char **inputs, int ninputs, nd_owners *own, nd_doc_store *s,
                        nd_corpus_info *ci, nd_doc_fields *fields, nd_traffic *t);

/* Rank 0: the ranks' anchor statistics, candidates and pairs summed into as,
 * st and *total_pairs. */
void nd_mpi_overlap_sum_stats(nd_anchor_stats *as, nd_overlap_stats *st, size_t npairs, size_t *total_pairs);

/* Rank 0: every record's id, the skipped records and the figures into sum. */
void nd_mpi_overlap_sum_info(const nd_owners *own, const nd_corpus_info *ci, nd_corpus_info *sum, nd_traffic *t);

/* nd_mpi_overlap with --memory (j->spill; mpi_overlap_spill.c). */
int nd_mpi_overlap_spill(const nd_mpi_overlap_job *j, char **inputs, int ninputs, FILE *out, nd_corpus_info *sum,
                         nd_doc_fields *fields, nd_overlap_stats *st, size_t *npairs);

/* Rank 0: every record's id into sum (n, id_buf, id_off, id_len). */
void nd_mpi_gather_ids(const nd_owners *own, const nd_corpus_info *ci, nd_corpus_info *sum, nd_traffic *t);

/* mine: this rank's records' fields (nd_doc_fields_read).  On rank 0, all
 * gets every document's, finished (nd_doc_fields_finish); on every rank
 * its rank and series arrays (the global ones). */
int nd_mpi_share_fields(const nd_owners *own, const nd_field_opts *fo, nd_doc_fields *mine, nd_doc_fields *all,
                        nd_traffic *t);
#endif

#endif
