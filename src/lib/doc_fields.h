/* doc_fields.h - each document's date and series for `overlap` (its
 * clusters' witness order, the series rules): read from JSONL fields in a
 * second pass over the inputs, or from the directories of plain files
 * (doc_fields.c).  The one-process command and the MPI driver both read
 * them. */
#ifndef ND_DOC_FIELDS_H
#define ND_DOC_FIELDS_H

#include "pipeline.h"
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

#endif
