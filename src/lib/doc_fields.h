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

/* Distinct strings, each stored once (dates and series repeat across a
 * corpus: a few thousand days and outlets for millions of documents). */
typedef struct {
    char *buf;       /* the strings, each NUL-terminated */
    size_t len, cap;
    uint64_t *off;   /* n: where each starts in buf */
    uint32_t n, ncap;
    uint32_t *slot;  /* open addressing: string number + 1 (0: empty) */
    uint32_t nslot;  /* a power of two, at least twice n */
} nd_strings;

#define ND_FIELD_NONE UINT32_MAX /* a document without the field (a skipped record) */

/* Every document's date and series, in store order (inputs, then
 * references): 12 bytes a document plus the distinct strings.  The series
 * are numbered in the byte order of their names by nd_doc_fields_finish. */
typedef struct {
    uint64_t n, cap;
    uint32_t *date;      /* n: a string of dates (ND_FIELD_NONE: none), or NULL without --date-field */
    nd_strings dates;    /* as written */
    int64_t *date_key;   /* dates.n: seconds since 1970 (UTC), for ordering */
    uint32_t *series;    /* n: a string of names until finish, then series numbers (NULL: no series known) */
    nd_strings names;
    const char **series_name; /* nseries, after finish */
    uint32_t nseries;
    uint32_t *rank;      /* n: witness order: date, then store order */
} nd_doc_fields;

/* Document d's date as written, or NULL. */
const char *nd_doc_date(const nd_doc_fields *f, uint64_t d);

/* Document d's series name (before or after finish), or NULL. */
const char *nd_doc_series(const nd_doc_fields *f, uint64_t d);

/* Sets document d's fields (d < f->n; date or series NULL: none; the date
 * parsed already into key).  0 or NEARDUP_E_NOMEM. */
int nd_doc_fields_set(nd_doc_fields *f, uint64_t d, const char *date, int64_t key, const char *series);

/* Makes room for n documents in all (their fields none), for
 * nd_doc_fields_set; with_date and with_series as the options ask.  0 or
 * NEARDUP_E_NOMEM. */
int nd_doc_fields_resize(nd_doc_fields *f, uint64_t n, int with_date, int with_series);

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
