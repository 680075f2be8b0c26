/* contam.h - benchmark contamination (neardup contamination): an index of
 * every word n-gram of a small benchmark, a corpus streamed once against it.
 *
 * Each benchmark item has nfields texts ("units": unit = item * nfields +
 * field).  A unit of w >= n words contributes its w - n + 1 n-grams; a unit
 * of 1..n-1 words is checked whole (one n-gram of all its words, so it
 * matches only where it appears verbatim); an empty unit never matches.  A
 * corpus document is hashed at each width the units need (n, and the
 * lengths of the short units) and every n-gram looked up in a hash table
 * built once: time grows with the corpus, not corpus x benchmark.
 *
 * A word of a unit is covered when it lies in an n-gram found in some corpus
 * document; an item's coverage is its covered words over its words (all
 * fields).  With one field an item is contaminated when coverage >=
 * min_coverage (and > 0); with several, when one corpus document covers
 * every field at >= min_coverage by itself ("question and answer appear
 * together"). */
#ifndef ND_CONTAM_H
#define ND_CONTAM_H

#include "pipeline.h"
#include "reader.h"
#include "tokenize.h"

typedef struct nd_contam nd_contam;

/* An empty index for items of nfields texts, n-grams of n words hashed with
 * seed (nd_shingle).  NULL when out of memory.  nd_contam_free(NULL) is a no-op. */
nd_contam *nd_contam_create(unsigned n, uint64_t seed, unsigned nfields, double min_coverage);
void nd_contam_free(nd_contam *c);
/* Adds the next unit (units come item by item, fields in order): its token
 * hashes and spans are copied.  NEARDUP_OK or NEARDUP_E_NOMEM. */
int nd_contam_add(nd_contam *c, const nd_tokens *tok);
/* Sorts the n-grams and builds the table; after it the index is read-only
 * and threads may share it.  NEARDUP_OK or NEARDUP_E_NOMEM. */
int nd_contam_build(nd_contam *c);
size_t nd_contam_items(const nd_contam *c);
/* Bytes the built index holds, with a result's marks: what --memory bounds. */
size_t nd_contam_bytes(const nd_contam *c);

/* What one corpus document found in one unit. */
typedef struct {
    uint32_t unit;
    uint32_t covered;            /* the unit's words this document covers */
    uint32_t tok_start, tok_end; /* first and past-last covered word */
} nd_contam_sum;

/* A unit's n-gram at word pos found in a document. */
typedef struct {
    uint32_t unit, pos;
} nd_contam_hit;

/* Per-thread scratch of nd_contam_scan (free with nd_contam_scratch_free). */
typedef struct {
    uint64_t *sh;
    size_t sh_cap;
    nd_contam_hit *hit;
    size_t nhit, hit_cap;
    nd_contam_sum *sum;
    size_t nsum, sum_cap;
} nd_contam_scratch;
void nd_contam_scratch_free(nd_contam_scratch *s);

/* Looks up every n-gram of a document's tokens: s->hit gets the distinct
 * (unit, pos) found, sorted, and s->sum one entry per unit hit, by unit.
 * NEARDUP_OK or NEARDUP_E_NOMEM. */
int nd_contam_scan(const nd_contam *c, nd_contam_scratch *s, const nd_tokens *tok);

/* The results over a corpus, merged document by document in input order. */
typedef struct nd_contam_result nd_contam_result;
/* Results keeping the first max_matches matching documents of each item. */
nd_contam_result *nd_contam_result_create(const nd_contam *c, unsigned max_matches);
void nd_contam_result_free(nd_contam_result *r);
/* Adds what document doc found (nd_contam_scan's hits and sums); documents
 * must come in increasing order for the matches to be the first ones.
 * NEARDUP_OK or NEARDUP_E_NOMEM. */
int nd_contam_merge(nd_contam_result *r, uint64_t doc, const nd_contam_hit *hit, size_t nhit,
                    const nd_contam_sum *sum, size_t nsum);

/* A match of an item: the document, the field, the byte range of the
 * field's text it covers (from the first to the last covered word). */
typedef struct {
    uint64_t doc;
    uint32_t field;
    uint32_t start, end;
} nd_contam_match;

typedef struct {
    uint64_t words, covered;  /* all fields */
    double coverage;          /* covered / words (0 when no words) */
    int contaminated;
    uint64_t ndocs;           /* documents matching the item at all */
    const nd_contam_match *match; /* of the first max_matches of those documents */
    size_t nmatch;
} nd_contam_item;

/* Item i's figures (valid until r is freed). */
void nd_contam_get(const nd_contam_result *r, size_t i, nd_contam_item *out);

/* ---------- the corpus scan (contam_scan.c) ---------- */

/* Takes what document doc found (as nd_contam_scan gives it); documents
 * come in input order.  Returns NEARDUP_OK or NEARDUP_E_NOMEM. */
typedef int (*nd_contam_sink)(void *user, uint64_t doc, const nd_contam_hit *hit, size_t nhit,
                              const nd_contam_sum *sum, size_t nsum);

/* Streams the records of r through the pipeline (po) against the built
 * index ix: each document is tokenized and scanned on the workers, and what
 * the documents that found anything found reaches sink in input order.  ci
 * receives the corpus' records (ids, skips; free with
 * nd_corpus_info_free).  Returns NEARDUP_OK or the first error in input
 * order (err names the file and line). */
int nd_contam_stream(nd_reader *r, const nd_pipeline_opts *po, const nd_contam *ix, nd_contam_sink sink,
                     void *sink_user, nd_corpus_info *ci, nd_error *err);

/* The sink of one process: merges into the nd_contam_result `result`. */
int nd_contam_merge_sink(void *result, uint64_t doc, const nd_contam_hit *hit, size_t nhit,
                         const nd_contam_sum *sum, size_t nsum);

/* ---------- the benchmark (contam_bench.c) ---------- */

#define ND_CONTAM_MAX_FIELDS 8

/* The benchmark's items in input order: ids and raw records (--clean writes them back). */
typedef struct {
    char **id;
    size_t *id_len;
    char **raw;   /* the record's bytes (a JSONL line without its newline) */
    size_t *raw_len;
    size_t n, cap;
} nd_contam_bench;
void nd_contam_bench_free(nd_contam_bench *b);

/* Reads every benchmark record of r into ix and b: each of the nfields
 * fields parsed (po->rec with field[f] as the text field: a missing or
 * non-string field is an error naming file:line), tokenized and added as a
 * unit.  A record of documents given apart (ND_FORMAT_DOC: the public
 * corpus) is one unit: nfields of them make an item, the first one's id
 * its id.  NEARDUP_E_INPUT when no item is read. */
int nd_contam_load_bench(nd_reader *r, const nd_pipeline_opts *po, const char *const *field, unsigned nfields,
                         nd_contam *ix, nd_contam_bench *b, nd_error *err);
/* Fails (NEARDUP_E_INPUT) when two items share an id: the report would be ambiguous. */
int nd_contam_check_ids(const nd_contam_bench *b, nd_error *err);

#endif
