/* mpi_overlap_internal.h - what mpi_overlap.c takes from
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

/* Rank 0: every record's id into sum (n, id_buf, id_off, id_len). */
void nd_mpi_gather_ids(const nd_owners *own, const nd_corpus_info *ci, nd_corpus_info *sum, nd_traffic *t);

/* mine: this rank's records' fields (nd_doc_fields_read).  On rank 0, all
 * gets every document's, finished (nd_doc_fields_finish); on every rank
 * its rank and series arrays (the global ones). */
int nd_mpi_share_fields(const nd_owners *own, const nd_field_opts *fo, nd_doc_fields *mine, nd_doc_fields *all,
                        nd_traffic *t);
#endif

#endif
