/* neardup.h - find near-duplicate documents and the passages they share.
 *
 * The one public header of libneardup.  All state lives in opaque handles:
 * there are no globals, so separate handles may be used from separate threads
 * at the same time.  A handle itself is not safe to use from two threads at
 * once.  Every *_free accepts NULL and does nothing.
 *
 * Two levels: building blocks (a sketcher, a deduper, an aligner: one text
 * or one pair at a time, single-threaded), and jobs over a corpus (pairs,
 * dedup, overlap, align with the command's options, an index), threaded
 * inside the library and giving exactly what the `neardup` command prints.
 *
 * ABI: libneardup.so.1 since 0.2.0 (0.1.x was .so.0): neardup_params is
 * unchanged, the job functions are new.  0.3.0 only adds (marked "(0.3)"):
 * neardup_dedup_run (references, keep policies, the decisions of
 * --removed), neardup_strip, neardup_contamination,
 * neardup_overlap_clusters, neardup_index_add_opts; every 0.2 function and
 * struct is as it was.
 */
#ifndef NEARDUP_H
#define NEARDUP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NEARDUP_VERSION_MAJOR 0
#define NEARDUP_VERSION_MINOR 3
#define NEARDUP_VERSION_PATCH 0
#define NEARDUP_VERSION_STRING "0.3.0"

/* Status codes.  Stable: values never change meaning once released. */
typedef enum {
    NEARDUP_OK = 0,
    NEARDUP_E_USAGE = 1,   /* a bad argument or option value */
    NEARDUP_E_INPUT = 2,   /* malformed input: bad JSON, missing field, duplicate id... */
    NEARDUP_E_UTF8 = 3,    /* invalid UTF-8 in a text */
    NEARDUP_E_IO = 4,      /* a read, write, open or rename failed */
    NEARDUP_E_NOMEM = 5,   /* out of memory */
    NEARDUP_E_FORMAT = 6,  /* a damaged or incompatible index / sketch file */
    NEARDUP_E_KEY = 7,     /* a missing, malformed or mismatched key */
    NEARDUP_E_INTERNAL = 8 /* a bug: please report it */
} neardup_status;

/* Every public function is exported from libneardup.so; everything else is
 * hidden (built with -fvisibility=hidden). */
#if defined(__GNUC__) && !defined(NEARDUP_STATIC)
#define NEARDUP_API __attribute__((visibility("default")))
#else
#define NEARDUP_API
#endif

/* ====================================================================== */
/* Errors and version                                                      */
/* ====================================================================== */

/* A static, human-readable name for a status code ("invalid UTF-8", ...).
 * Never NULL, also for unknown codes.  Thread-safe. */
NEARDUP_API const char *neardup_strerror(int status);

/* The library version as a string, e.g. "0.1.0".  Thread-safe. */
NEARDUP_API const char *neardup_version(void);

/* ====================================================================== */
/* Parameters                                                              */
/* ====================================================================== */

/* The documented default hash seed ("neardup:"): results are reproducible
 * across runs and machines.  The same value the command line uses. */
#define NEARDUP_DEFAULT_SEED 0x6e6561726475703aULL

/* How texts are compared.  Fill with neardup_params_default, then change
 * fields.  The struct is read at create time and not kept. */
typedef struct {
    unsigned ngram;     /* words per shingle (default 5) */
    unsigned k;         /* MinHash lanes (default 128; 1..4096) */
    double threshold;   /* Jaccard threshold for the deduper (default 0.8) */
    uint64_t seed;      /* hash seed (default NEARDUP_DEFAULT_SEED) */
    const unsigned char *key; /* NULL, or a 32-byte secret key: keyed mode (every hash
                                 seed and the token secret derived from it with BLAKE2b) */
    int lossy;          /* 0: invalid UTF-8 is an error; 1: bad bytes separate words */
} neardup_params;

/* Fills p with the defaults above.  p must not be NULL. */
NEARDUP_API void neardup_params_default(neardup_params *p);

/* ====================================================================== */
/* Sketcher: one text -> a MinHash signature                               */
/* ====================================================================== */

/* Opaque.  Holds its own scratch buffers: one per thread, never shared
 * between threads at the same time; separate sketchers are independent. */
typedef struct neardup_sketcher neardup_sketcher;

/* Returns a sketcher for p (NULL p: defaults), or NULL when p is invalid
 * (ngram 0, k 0 or > 4096, threshold outside [0, 1]) or memory ran out. */
NEARDUP_API neardup_sketcher *neardup_sketcher_create(const neardup_params *p);
/* Frees s; NULL is a no-op. */
NEARDUP_API void neardup_sketcher_free(neardup_sketcher *s);

/* Sketches text[0..len) (UTF-8): sig receives k lanes (the caller owns it;
 * k * 4 bytes).  *nshingles (may be NULL) receives the number of word
 * n-grams; a text without words gives an all-ones signature and 0.
 * Returns NEARDUP_OK; NEARDUP_E_UTF8 with *bad_offset (may be NULL) = the
 * byte offset of the first invalid sequence (strict mode); NEARDUP_E_NOMEM;
 * NEARDUP_E_INPUT for a text over 4 GiB. */
NEARDUP_API int neardup_sketch(neardup_sketcher *s, const char *text, size_t len, uint32_t *sig,
                               size_t *nshingles, size_t *bad_offset);

/* The fraction of equal lanes of two k-lane signatures: an unbiased estimate
 * of the Jaccard similarity of the two texts' shingle sets.  Thread-safe. */
NEARDUP_API double neardup_jaccard_estimate(const uint32_t *a, const uint32_t *b, unsigned k);

/* ====================================================================== */
/* Deduper: many texts -> clusters of near-duplicates                      */
/* ====================================================================== */

/* Opaque.  Keeps one signature per text (k * 4 bytes), never the text.
 * One thread at a time; separate dedupers are independent. */
typedef struct neardup_deduper neardup_deduper;

/* Returns a deduper for p (NULL p: defaults), or NULL (see sketcher_create). */
NEARDUP_API neardup_deduper *neardup_deduper_create(const neardup_params *p);
/* Frees d; NULL is a no-op. */
NEARDUP_API void neardup_deduper_free(neardup_deduper *d);

/* Adds a text; texts are numbered 0, 1, ... in the order added.  Errors as
 * neardup_sketch; a text that fails is not added.  After finish: NEARDUP_E_USAGE. */
NEARDUP_API int neardup_deduper_add(neardup_deduper *d, const char *text, size_t len,
                                    size_t *bad_offset);

/* Finds the pairs with estimated Jaccard >= threshold (MinHash + LSH, as the
 * command line) and clusters them (union-find).  Returns NEARDUP_OK or
 * NEARDUP_E_NOMEM.  Call once, after the last add. */
NEARDUP_API int neardup_deduper_finish(neardup_deduper *d);

/* Number of texts added. */
NEARDUP_API size_t neardup_deduper_count(const neardup_deduper *d);

/* After finish: the first text (smallest number) of text i's cluster; i
 * itself when i has no near-duplicate or is the one to keep.  (size_t)-1
 * when i is out of range or finish was not called. */
NEARDUP_API size_t neardup_deduper_representative(const neardup_deduper *d, size_t i);

/* A near-duplicate pair: text numbers a < b and their estimated Jaccard. */
typedef struct {
    size_t a, b;
    double jaccard;
} neardup_pair;

/* After finish: the pairs, sorted by (a, b); *pairs points into d (valid
 * until d is freed).  Returns their number. */
NEARDUP_API size_t neardup_deduper_pairs(const neardup_deduper *d, const neardup_pair **pairs);

/* ====================================================================== */
/* Aligner: the passages two texts share                                   */
/* ====================================================================== */

/* A shared passage: byte ranges [start, end) in each text, on whole words;
 * words = aligned word columns, matches = equal words, identity = matches /
 * words. */
typedef struct {
    size_t a_start, a_end, b_start, b_end;
    unsigned words, matches;
    double identity;
} neardup_passage;

/* Finds every passage of at least min_words words (0: default 20) that texts
 * a and b share, across small edits, sorted by a_start.  *out is allocated
 * (free it with neardup_passages_free), *nout its length.  p: NULL for
 * defaults (its ngram is the exact seed length, its seed/key/lossy apply).
 * Returns NEARDUP_OK, NEARDUP_E_UTF8 (*bad_offset may be NULL; *bad_side =
 * 0 for a, 1 for b when not NULL), NEARDUP_E_NOMEM or NEARDUP_E_INPUT.
 * Thread-safe: it keeps no state. */
NEARDUP_API int neardup_align(const neardup_params *p, const char *a, size_t alen, const char *b,
                              size_t blen, unsigned min_words, neardup_passage **out, size_t *nout,
                              size_t *bad_offset, int *bad_side);

/* Frees what neardup_align returned; NULL is a no-op. */
NEARDUP_API void neardup_passages_free(neardup_passage *p);


/* ====================================================================== */
/* Jobs over a corpus: what the command line runs, as functions            */
/* ====================================================================== */

/* Error detail of the job functions: the status they return, and a message
 * naming the file, line or record, as the command line prints it.  Every
 * err argument may be NULL. */
typedef struct {
    int status;
    char message[512];
} neardup_error;

/* An input source: texts given by the caller (copied) and/or records read
 * from files as the command line reads them.  Built by one thread; once
 * built, any number of jobs may read it at the same time (they do not
 * change it).  Texts are numbered 0, 1, ... in the order added or read. */
typedef struct neardup_corpus neardup_corpus;

/* A new, empty corpus, or NULL when out of memory. */
NEARDUP_API neardup_corpus *neardup_corpus_create(void);
/* Frees c and every text and id in it; NULL is a no-op. */
NEARDUP_API void neardup_corpus_free(neardup_corpus *c);

/* Adds a copy of text[0, len) with a copy of its id[0, id_len) (every byte
 * kept); id NULL: the text's number in decimal ("0", "1", ...), as the
 * command line numbers JSONL records without an id.  The text is checked
 * when a job reads it (invalid UTF-8 fails the job unless params.lossy).
 * Returns NEARDUP_OK or NEARDUP_E_NOMEM; NEARDUP_E_INPUT for a text or id
 * of 2 GiB or more. */
NEARDUP_API int neardup_corpus_add(neardup_corpus *c, const char *id, size_t id_len, const char *text,
                                   size_t len, neardup_error *err);

/* Reads path as the command line does (a plain file, a directory walked in
 * sorted order, JSONL including .gz / .zst, HTML, WARC), appending each
 * record's id and text (HTML: the extracted text).  text_field / id_field
 * NULL: "text" and "id".  Errors name the file and line; on error nothing
 * of path is added.  Returns NEARDUP_OK, NEARDUP_E_INPUT (also a missing
 * file, as the command line), NEARDUP_E_IO,
 * NEARDUP_E_UTF8 or NEARDUP_E_NOMEM. */
NEARDUP_API int neardup_corpus_read(neardup_corpus *c, const char *path, const char *text_field,
                                    const char *id_field, neardup_error *err);

/* The number of texts in c. */
NEARDUP_API size_t neardup_corpus_count(const neardup_corpus *c);
/* The id of text i (not NUL-terminated; valid while c lives), its length in
 * *len (len may be NULL); NULL when i is out of range. */
NEARDUP_API const char *neardup_corpus_id(const neardup_corpus *c, size_t i, size_t *len);
/* The text i, as the jobs read it (valid while c lives), its length in *len. */
NEARDUP_API const char *neardup_corpus_text(const neardup_corpus *c, size_t i, size_t *len);

/* How the pairs and dedup jobs compare texts. */
typedef enum {
    NEARDUP_METRIC_JACCARD = 0, /* MinHash + LSH estimate of word n-gram Jaccard >= threshold */
    NEARDUP_METRIC_SIMHASH,     /* SimHash Hamming distance <= distance */
    NEARDUP_METRIC_EXACT,       /* equal normalised text */
    NEARDUP_METRIC_CONTAINMENT  /* >= threshold of the smaller text's shingles in the larger */
} neardup_metric;

/* Options of every job.  Fill with neardup_options_default (the command
 * line's defaults, from the one defaults table), then change fields.  Read
 * when a job starts, not kept. */
typedef struct {
    neardup_params params;   /* ngram, k, threshold, seed, key, lossy */
    neardup_metric metric;   /* pairs, dedup (default NEARDUP_METRIC_JACCARD) */
    unsigned threads;        /* threads in all; 0: one per core */
    unsigned min_words;      /* overlap, align, index query overlap: passages of >= W words (20) */
    unsigned max_df;         /* overlap: anchors in more texts are boilerplate (50); containment:
                                shingles in more texts find no candidates (50) */
    int edited;              /* rewritten passages too: 1 yes, 0 no (align --verbatim), -1 (the
                                default) each command's default: overlap no (--edited: 1),
                                align and align --pairs yes */
    const char *language;    /* stemmer of the rewritten passages: "english" default; NULL = default */
    /* added after the contract of 0.2.0: */
    unsigned distance;       /* simhash: largest Hamming distance (3) */
    int exact;               /* jaccard: verify on the real shingle sets, exact Jaccard (0) */
} neardup_options;

/* Fills o with the defaults.  o must not be NULL.  Thread-safe. */
NEARDUP_API void neardup_options_default(neardup_options *o);

/* pairs: every pair (a < b) with score >= threshold in o's metric (Hamming
 * distance <= distance for simhash), sorted by (a, b): what `neardup pairs`
 * prints.  neardup_pair.jaccard holds the metric's score (the Hamming
 * distance for simhash, 1 for exact).  *pairs is allocated (free it with
 * neardup_pairs_free; NULL when *n is 0).  o NULL: defaults.  Returns
 * NEARDUP_OK, NEARDUP_E_USAGE (bad options), NEARDUP_E_INPUT (a duplicate
 * id), NEARDUP_E_UTF8, NEARDUP_E_NOMEM.  Thread-safe: keeps no state. */
NEARDUP_API int neardup_pairs(const neardup_options *o, const neardup_corpus *c, neardup_pair **pairs,
                              size_t *n, neardup_error *err);
/* Frees what neardup_pairs returned; NULL is a no-op. */
NEARDUP_API void neardup_pairs_free(neardup_pair *p);

/* dedup: the decisions of `neardup dedup` (keep the first of each cluster):
 * duplicate_of[i] (the caller's array of neardup_corpus_count entries) is
 * the kept text of i's cluster, or (size_t)-1 when i is kept; score[i] (may
 * be NULL) the metric's score of i against it (-1 when kept).  Errors as
 * neardup_pairs.  Thread-safe. */
NEARDUP_API int neardup_dedup(const neardup_options *o, const neardup_corpus *c, size_t *duplicate_of,
                              double *score, neardup_error *err);

/* (0.3) Which text of each cluster dedup keeps (`dedup --keep`). */
typedef enum {
    NEARDUP_KEEP_FIRST = 0, /* the first in corpus order (the default) */
    NEARDUP_KEEP_LONGEST,   /* the longest text (bytes); ties: the first of them */
    NEARDUP_KEEP_SHORTEST,  /* the shortest text */
    NEARDUP_KEEP_MAX,       /* the largest keep_key (--keep max:FIELD) */
    NEARDUP_KEEP_MIN,       /* the smallest keep_key (--keep min:FIELD) */
    NEARDUP_KEEP_NONE       /* no member of a cluster of two or more */
} neardup_keep;

/* (0.3) What neardup_dedup_run does beyond neardup_dedup.  Zero-fill it
 * (memset or = {0}) for the defaults: keep the first, no references. */
typedef struct {
    neardup_keep keep;
    const double *keep_key;          /* KEEP_MAX / KEEP_MIN: one number per text of the corpus; else NULL */
    const neardup_corpus *against;   /* NULL, or references (`dedup --against`): texts of the corpus that
                                        are near-duplicates of a reference (or of a text that is one) are
                                        removed; references are never kept or returned; ids must be
                                        unique across both */
} neardup_dedup_opts;

/* (0.3) The decision on one text, what `dedup --removed` and `--annotate`
 * write for it. */
typedef struct {
    int kept;               /* 1: kept (written by `dedup -o`) */
    size_t duplicate_of;    /* removed: the text it is counted a duplicate of (--removed's
                               "duplicate_of": its cluster's kept text, else its first reference,
                               else, with KEEP_NONE, the cluster's first member); a number in the
                               corpus, or in the references when reference is 1; kept: (size_t)-1 */
    int reference;          /* 1: duplicate_of is a reference */
    double score;           /* removed: the metric's score against duplicate_of (--removed's "score");
                               kept: -1 */
    size_t cluster;         /* its cluster's number (--removed's and --annotate's "cluster"): 0, 1, ...
                               in the order of the clusters' first texts, singletons included */
} neardup_decision;

/* (0.3) dedup with references and keep policies: out[i] (the caller's
 * array of neardup_corpus_count(c) entries) is the decision on text i of c,
 * exactly as `neardup dedup [--against REF] [--keep WHICH] --removed FILE
 * --annotate` decides on the same records.  d NULL: as neardup_dedup.
 * Errors as neardup_pairs; NEARDUP_E_USAGE for a keep policy out of range
 * or KEEP_MAX / KEEP_MIN without keep_key.  Thread-safe: keeps no state;
 * c and d->against are only read. */
NEARDUP_API int neardup_dedup_run(const neardup_options *o, const neardup_dedup_opts *d, const neardup_corpus *c,
                                  neardup_decision *out, neardup_error *err);

/* overlap: every pair of texts (a < b) sharing passages of >= min_words
 * words, sorted by (a, b), with the passages (byte offsets into the texts
 * as given), as `neardup overlap` finds them (edited: as `overlap
 * --edited`).  Free with neardup_overlap_free.  Errors as neardup_pairs.
 * Thread-safe. */
typedef struct {
    size_t a, b;
    neardup_passage *passages;
    size_t npassages;
} neardup_overlap_pair;
NEARDUP_API int neardup_overlap(const neardup_options *o, const neardup_corpus *c, neardup_overlap_pair **pairs,
                                size_t *n, neardup_error *err);
/* Frees n pairs and their passages; NULL is a no-op. */
NEARDUP_API void neardup_overlap_free(neardup_overlap_pair *p, size_t n);

/* (0.3) A witness of a passage cluster: bytes [start, end) (words of them)
 * of text `text` carry the cluster's passage. */
typedef struct {
    size_t text;
    size_t start, end;
    unsigned words;
} neardup_witness;

/* (0.3) A reused-passage cluster: every text carrying one passage, joined
 * through the pairs' passages where they cover the same words of a text.
 * size: distinct texts; witnesses in corpus order (a text repeating the
 * passage has two); witnesses[source] the source (the first); words: the
 * source witness's. */
typedef struct {
    size_t size;
    size_t source;
    unsigned words;
    neardup_witness *witnesses;
    size_t nwitnesses;
} neardup_passage_cluster;

/* (0.3) overlap --clusters: the clusters of the passages the overlap job
 * finds with o (min_words, max_df, edited...), ordered by their first
 * witness, as `neardup overlap --clusters FILE` writes them (no dates or
 * series).  *out: *n clusters (free with neardup_passage_clusters_free).
 * Errors as neardup_pairs.  Thread-safe: keeps no state. */
NEARDUP_API int neardup_overlap_clusters(const neardup_options *o, const neardup_corpus *c,
                                         neardup_passage_cluster **out, size_t *n, neardup_error *err);
/* Frees n clusters and their witnesses; NULL is a no-op. */
NEARDUP_API void neardup_passage_clusters_free(neardup_passage_cluster *p, size_t n);

/* align: the passages two texts share, exactly as `neardup align` prints
 * them (exact and rewritten by default, o->edited 0: --verbatim; o NULL:
 * defaults).  *out allocated (neardup_passages_free), sorted by a_start.
 * Returns NEARDUP_OK, NEARDUP_E_UTF8 (the message names the side and
 * offset), NEARDUP_E_USAGE (an unknown language), NEARDUP_E_NOMEM,
 * NEARDUP_E_INPUT.  Thread-safe. */
NEARDUP_API int neardup_align_opts(const neardup_options *o, const char *a, size_t alen, const char *b,
                                   size_t blen, neardup_passage **out, size_t *nout, neardup_error *err);

/* align --pairs: the given pairs of c's texts (a[i], b[i] < the count; a
 * may equal or exceed b), aligned on every core as `neardup align --pairs`
 * does, with align's options (exact and rewritten by default, o->edited 0:
 * --verbatim).  *out: the pairs sharing passages, in the given order
 * (neardup_overlap_free).  Errors as neardup_pairs; NEARDUP_E_USAGE for a
 * text number out of range.  Thread-safe. */
NEARDUP_API int neardup_align_pairs(const neardup_options *o, const neardup_corpus *c, const size_t *a,
                                    const size_t *b, size_t npairs, neardup_overlap_pair **out, size_t *nout,
                                    neardup_error *err);

/* ---------- (0.3) strip: repeated passages cut out of texts ---------- */

/* Options of neardup_strip (`neardup strip`): fill with
 * neardup_strip_opts_default (the command's defaults), then change fields.
 * ngram (anchors and seeds), max_df, seed / key, lossy and threads come
 * from neardup_options. */
typedef struct {
    unsigned min_words;       /* W: cut passages of >= W words repeating an earlier text (50) */
    unsigned long min_keep;   /* a text with cuts left with fewer words is dropped (20; 0: never) */
    int sentences;            /* 1: cut whole sentences only (--sentences) (0) */
    unsigned max_gap;         /* edited words bridged inside a repeat (8) */
    double min_identity;      /* matching over aligned words for a repeat (0.8) */
    const neardup_corpus *against; /* NULL, or references: earlier than every text, never cut */
} neardup_strip_opts;

/* Fills s with the defaults.  s must not be NULL.  Thread-safe. */
NEARDUP_API void neardup_strip_opts_default(neardup_strip_opts *s);

/* An earlier passage a cut repeats: in text `text` (a number in the corpus,
 * or in the references when reference is 1), bytes [start, end); where it
 * lies in the stripped text, [this_start, this_end); its identity. */
typedef struct {
    size_t text;
    int reference;
    size_t start, end, this_start, this_end;
    double identity;
} neardup_repeat;

/* A cut: bytes [start, end) of the text removed (the first removed word's
 * start to the last one's end; the text written also loses the punctuation
 * and white space after it), words of them, and every earlier passage it
 * repeats, earliest first (`strip --spans` lists the first 8 of them). */
typedef struct {
    size_t start, end;
    unsigned words;
    neardup_repeat *repeats;
    size_t nrepeats;
} neardup_cut;

/* What strip made of one text: the text less its cuts (text, len: malloc'ed
 * by the library; NULL and 0 when it had no cut: it is the corpus's as it
 * was), dropped (1: it had cuts and kept fewer than min_keep words: `strip
 * -o` leaves it out), its words before and after, its cuts by start. */
typedef struct {
    char *text;
    size_t len;
    int dropped;
    uint64_t words, kept_words;
    neardup_cut *cuts;
    size_t ncuts;
} neardup_stripped;

/* strip: each text of c less the passages of >= min_words words that also
 * occur in an earlier text (corpus order) or in a reference, the first
 * occurrence kept: the texts `neardup strip [--against REF] -o OUT` writes
 * and the records of its --spans.  *out is an array of
 * neardup_corpus_count(c) entries (free with neardup_stripped_free).
 * Errors as neardup_pairs (duplicate ids within c or within the
 * references: NEARDUP_E_INPUT).  Thread-safe: keeps no state. */
NEARDUP_API int neardup_strip(const neardup_options *o, const neardup_strip_opts *s, const neardup_corpus *c,
                              neardup_stripped **out, neardup_error *err);
/* Frees n results and everything in them; NULL is a no-op. */
NEARDUP_API void neardup_stripped_free(neardup_stripped *p, size_t n);

/* ---------- (0.3) contamination: benchmark items found in a corpus ---------- */

/* Options of neardup_contamination (`neardup contamination`): fill with
 * neardup_contam_opts_default, then change fields.  seed / key, lossy and
 * threads come from neardup_options (its ngram is not used: ngram here). */
typedef struct {
    unsigned ngram;         /* words per n-gram; a field of fewer words must appear whole (13) */
    double min_coverage;    /* an item is contaminated at >= this fraction of its words covered (0.2) */
    unsigned nfields;       /* texts per item (--fields a,b: 2): one corpus text must cover each (1) */
    unsigned max_matches;   /* matching corpus texts listed per item, the first in corpus order (10) */
} neardup_contam_opts;

/* Fills c with the defaults.  c must not be NULL.  Thread-safe. */
NEARDUP_API void neardup_contam_opts_default(neardup_contam_opts *c);

/* A corpus text matching an item: text (its number in the corpus), the
 * item's field, bytes [start, end) of that field's text it covers (from the
 * first to the last covered word). */
typedef struct {
    size_t text;
    unsigned field;
    size_t start, end;
} neardup_contam_match;

/* One benchmark item, as a record of the command's report. */
typedef struct {
    int contaminated;
    double coverage;               /* covered / words (0 without words) */
    uint64_t words, covered;       /* all its fields */
    uint64_t matched_texts;        /* corpus texts holding any of its n-grams ("matched_docs") */
    neardup_contam_match *matches; /* the first max_matches of them */
    size_t nmatches;
} neardup_contam_item;

/* contamination: which items of the benchmark appear in c, as `neardup
 * contamination --benchmark B [--fields ...] INPUT` reports them.  The
 * benchmark holds nfields texts an item, item after item (item i's field f
 * is text i * nfields + f; the item's id is its first text's, unique
 * among items); c is streamed once against an index of its n-grams.  *items
 * is an array of count / nfields entries (free with
 * neardup_contam_items_free).  Errors as neardup_pairs; NEARDUP_E_INPUT
 * for an empty benchmark, a count that is not a multiple of nfields or two
 * items with one id.  Thread-safe: keeps no state. */
NEARDUP_API int neardup_contamination(const neardup_options *o, const neardup_contam_opts *co,
                                      const neardup_corpus *benchmark, const neardup_corpus *c,
                                      neardup_contam_item **items, size_t *nitems, neardup_error *err);
/* Frees n items and their matches; NULL is a no-op. */
NEARDUP_API void neardup_contam_items_free(neardup_contam_item *p, size_t n);

/* index: build / add / open / query, the same files and results as
 * `neardup index build|add` and `neardup query`.  An index handle is used
 * by one thread at a time; separate handles are independent. */
typedef struct neardup_index neardup_index;

/* Writes an index of c's texts to path (atomically: a temporary file beside
 * it, renamed when complete) with o's ngram, k, threshold, seed / key and
 * min_words.  Returns NEARDUP_OK, NEARDUP_E_IO, NEARDUP_E_USAGE,
 * NEARDUP_E_INPUT, NEARDUP_E_NOMEM. */
NEARDUP_API int neardup_index_build(const char *path, const neardup_options *o, const neardup_corpus *c,
                                    neardup_error *err);
/* Adds c's texts to the index at path with the index's own parameters,
 * atomically (a new file renamed over it; one add at a time: a second one
 * meanwhile fails with NEARDUP_E_IO).  A keyed index: NEARDUP_E_KEY. */
NEARDUP_API int neardup_index_add(const char *path, const neardup_corpus *c, neardup_error *err);
/* (0.3) neardup_index_add with options (o NULL: as neardup_index_add): the
 * index's own ngram, k, threshold and seed are kept whatever o says; of o
 * are used params.key (a keyed index needs its key: without it or with
 * another, NEARDUP_E_KEY naming the index), params.lossy and threads. */
NEARDUP_API int neardup_index_add_opts(const char *path, const neardup_options *o, const neardup_corpus *c,
                                       neardup_error *err);
/* Opens an index (checks its header and sections), or NULL with err set. */
NEARDUP_API neardup_index *neardup_index_open(const char *path, neardup_error *err);
/* Closes ix; NULL is a no-op. */
NEARDUP_API void neardup_index_close(neardup_index *ix);

/* What `neardup index info` prints of an index's parameters and sizes. */
typedef struct {
    size_t docs;            /* references */
    unsigned ngram, k;      /* its shingles and signatures */
    double threshold;       /* the threshold its LSH bands were chosen for */
    unsigned bands, rows;
    uint64_t seed;          /* unkeyed: the hash seed; keyed: 0 */
    int keyed;              /* 1: built with a key (queries need it) */
    unsigned min_words;     /* overlap queries find every passage of >= this many words (0: no anchors) */
    uint64_t text_bytes;    /* the references' text */
    uint64_t file_bytes;
} neardup_index_info;
/* Fills *info from ix (both not NULL).  Thread-safe on separate handles. */
NEARDUP_API void neardup_index_get_info(const neardup_index *ix, neardup_index_info *info);
/* The id of reference i (valid while ix is open), its length in *len; NULL
 * when i is out of range. */
NEARDUP_API const char *neardup_index_id(const neardup_index *ix, size_t i, size_t *len);

typedef enum { NEARDUP_QUERY_DUP = 0, NEARDUP_QUERY_OVERLAP } neardup_query_mode;
/* One match of a query text: query = its number in the queries corpus, ref
 * = the reference's number in the index and its id (valid while ix is
 * open); dup: score = Jaccard estimate, no passages; overlap: the passages
 * (offsets into the query text and the reference text), score = the
 * fraction of the query's words inside them. */
typedef struct {
    size_t query;
    size_t ref;
    const char *ref_id;
    size_t ref_id_len;
    double score;
    neardup_passage *passages;
    size_t npassages;
} neardup_match;
/* Every match of every query text, sorted by query then as `neardup query`
 * lists them.  o: threshold (dup; NULL o: the index's), min_words and
 * max_df (overlap), threads.  Free with neardup_matches_free. */
NEARDUP_API int neardup_index_query(neardup_index *ix, const neardup_options *o, neardup_query_mode mode,
                                    const neardup_corpus *queries, neardup_match **m, size_t *n,
                                    neardup_error *err);
NEARDUP_API void neardup_matches_free(neardup_match *m, size_t n);

/* A malloc'ed copy of reference ref's stored text (free it with free()),
 * its length in *len: the text a query's passage offsets (b_start, b_end)
 * point into.  *mapped (may be NULL) = 1 when the reference was read
 * through a transforming reader (an HTML page, a re-encoded file): then the
 * offsets are into its original file, not into this text.  Returns
 * NEARDUP_OK, NEARDUP_E_USAGE (ref out of range), NEARDUP_E_FORMAT (a
 * damaged text block, named), NEARDUP_E_NOMEM.  One thread at a time per ix. */
NEARDUP_API int neardup_index_text(const neardup_index *ix, size_t ref, char **text, size_t *len, int *mapped,
                                   neardup_error *err);

#ifdef __cplusplus
}
#endif
#endif
