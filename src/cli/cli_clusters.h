/* cli_clusters.h - what `overlap --clusters` and the series options need in
 * the CLI: each document's date and series, read from JSONL fields or from
 * the directories of plain files (doc_fields.c), and the clusters written
 * as JSONL or, on a terminal, compactly (cli_clusters.c). */
#ifndef ND_CLI_CLUSTERS_H
#define ND_CLI_CLUSTERS_H

#include "cli.h"
#include "overlap.h"
#include "passage_clusters.h"
#include "passage_clusters_spill.h"
#include "reader.h"

typedef struct {
    const char *date_field;   /* --date-field NAME (NULL: none) */
    const char *series_field; /* --series-field NAME */
    int series_from_dir;      /* --series-from-dir */
} nd_field_opts;

/* Every document's date and series, in store order (inputs, then
 * references).  The series are numbered in the byte order of their names. */
typedef struct {
    uint64_t n, cap;
    char **date;        /* n: as written (NULL: none: no --date-field, or a skipped record) */
    int64_t *date_key;  /* n: seconds since 1970 (UTC), for ordering */
    char **series_of;   /* n: the series' name, until nd_doc_fields_finish */
    uint32_t *series;   /* n: series numbers (NULL: no series known) */
    char **series_name; /* nseries */
    uint32_t nseries;
    uint32_t *rank;     /* n: witness order: date, then store order */
} nd_doc_fields;

/* Whether any option asks for fields. */
int nd_field_opts_any(const nd_field_opts *fo);

/* Appends the date and series of the records of r (rewound: read again)
 * to f; ci is the set's corpus (ids, skipped records).  Errors name the
 * file, the line and the record.  Returns NEARDUP_OK or an error code. */
int nd_doc_fields_read(nd_doc_fields *f, const nd_field_opts *fo, nd_reader *r,
                       const nd_corpus_info *ci, nd_error *err);

/* Numbers the series and ranks the documents.  0 or NEARDUP_E_NOMEM. */
int nd_doc_fields_finish(nd_doc_fields *f, const nd_field_opts *fo);

void nd_doc_fields_free(nd_doc_fields *f);

/* Parses an ISO 8601 date: YYYY-MM-DD, then optionally [T or space]HH:MM
 * [:SS[.fraction]] and Z or +HH:MM / -HH:MM.  0 with *key in seconds since
 * 1970 UTC, or -1 when s is not such a date. */
int nd_parse_date(const char *s, int64_t *key);

/* How the clusters are written: the store for ids and texts, the fields. */
typedef struct {
    const nd_doc_store *s;         /* NULL: the witnesses' offsets are the original files' already (MPI) */
    const nd_corpus_info *ci, *cr; /* inputs, references (split > 0) */
    uint64_t split;
    const nd_doc_fields *f;        /* NULL: no dates, no series */
    int terminal;                  /* the compact view (standard output is a terminal) */
    int color;
} nd_cluster_writer;

/* Writes the clusters c: one JSONL record each, or the terminal view.
 * Returns 0, or -1 when f failed or out of memory. */
int nd_write_clusters(FILE *f, const nd_cluster_writer *w, const nd_pclusters *c);

/* The clusters streamed as JSONL to f (NULL: counted only) as
 * nd_pcluster_spill_build makes them (overlap --memory): the same bytes
 * as nd_write_clusters; nc counts them, big and big_pairs those of more
 * than max_df documents and their pairs (the summary's). */
typedef struct {
    FILE *f;
    const nd_cluster_writer *w;
    uint64_t max_df;
    uint64_t nc, big, big_pairs;
} nd_cluster_stream;

nd_pcluster_sink nd_cluster_stream_sink(nd_cluster_stream *cs);

/* The clusters for the HTML report (nd_overlap_report). */
struct nd_cluster_report {
    const nd_cluster_writer *w;
    const nd_pclusters *c;
};

struct nd_report;
/* Adds the clusters c to the HTML report r (its cluster view): each
 * witness's document through idx (store index -> report document, -1: not
 * in it yet, then added).  Returns 0 or -1. */
int nd_report_add_clusters(struct nd_report *r, long *idx, const nd_cluster_writer *w, const nd_pclusters *c);

#endif
