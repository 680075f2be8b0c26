/* cli.h - what the command files (src/cli_*.c) share: option tables that
 * parse and print --help from one place, number parsing with named errors,
 * output files that appear whole or not at all, and the common options. */
#ifndef ND_CLI_H
#define ND_CLI_H

#include <stdio.h>

#include "key.h"
#include "nd.h"
#include "pipeline.h"

/* One option of a command.  help should end with the default, e.g.
 * "Jaccard threshold (default 0.8)". */
typedef struct {
    const char *name; /* long name without "--" */
    char short_name;  /* 0 for none */
    const char *arg;  /* metavariable ("T") or NULL for a flag */
    const char *help;
    int id;           /* passed to the handler */
} nd_cli_option;

/* Handler for one option: returns 0, or prints an error and returns 2. */
typedef int (*nd_cli_handler)(void *ctx, int id, const char *arg);

/* Parses argv[1..] (argv[0] is the command name).  Positional arguments are
 * collected into *pos (malloc'ed array of pointers into argv; caller frees).
 * "-" is positional (standard input); "--" ends the options.  "-h"/"--help"
 * prints the usage, the summary and every option to stdout and returns 1.
 * Returns 0 on success, 1 after help, 2 on a usage error (already printed). */
int nd_cli_parse(int argc, char **argv, const char *usage, const char *summary,
                 const nd_cli_option *opts, nd_cli_handler h, void *ctx, char ***pos, int *npos);

/* Strict number parsing: the whole string, within [lo, hi].  On failure they
 * print "neardup: OPTION: ..." and return 2. */
int nd_cli_double(const char *opt, const char *s, double lo, double hi, double *out);
int nd_cli_uint(const char *opt, const char *s, unsigned long lo, unsigned long hi, unsigned long *out);

/* Prints "neardup: MSG" to stderr and returns the exit status for code. */
int nd_cli_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---------- outputs that appear whole or not at all ---------- */

typedef struct {
    FILE *f;
    char *path; /* final path, NULL for stdout */
    char *tmp;  /* temporary path beside it */
    char *buf;  /* stdio buffer: glibc ignores setvbuf's size without one */
} nd_out;

/* Opens path for writing through a temporary file in the same directory
 * (so the rename is atomic); NULL or "-" is standard output.  Errors name
 * the path.  Returns NEARDUP_OK or NEARDUP_E_IO. */
int nd_out_open(nd_out *o, const char *path, nd_error *err);
/* Flushes and checks every write, then renames into place.  On any error the
 * temporary file is removed and nothing is left at path.  No fsync: these
 * outputs can be made again from their inputs, and on this kind of machine a
 * 60 MB fsync cost as much as sketching 10,000 documents (like sort -o and
 * zstd -o; the index, which is not regenerable, does fsync). */
int nd_out_commit(nd_out *o, nd_error *err);
/* Removes the temporary file (after a failure elsewhere). */
void nd_out_abort(nd_out *o);

/* ---------- common options ---------- */

enum { ND_FMT_TEXT, ND_FMT_TSV, ND_FMT_JSONL, ND_FMT_HTML };
enum { ND_COLOR_AUTO, ND_COLOR_ALWAYS, ND_COLOR_NEVER };

/* Options most commands share; ids below 100 are theirs, commands use >= 100. */
typedef struct {
    unsigned ngram, k, threads;
    double threshold;
    int format;
    int lossy, skip_bad, timings, quiet;
    int color;          /* ND_COLOR_* (--color) */
    uint64_t seed;
    const char *output;
    nd_record_opts rec;
    nd_key key; /* --key FILE: loaded when parsed; key.present = 0 without */
    nd_reader_opts reader;   /* --input-format, --include-hidden, --include, --exclude */
    const char *include[33], *exclude[33]; /* NULL-terminated */
    int ninclude, nexclude;
} nd_common;

void nd_common_default(nd_common *c);
/* Whether to colour standard output: --color=always, or auto on a terminal
 * unless NO_COLOR is set (https://no-color.org). */
int nd_cli_use_color(const nd_common *c);
/* Handles a common option id; returns -1 when id is not a common one. */
int nd_common_option(nd_common *c, int id, const char *arg);
/* The pipeline options and seeds the common options imply. */
void nd_common_pipeline(const nd_common *c, nd_pipeline_opts *po, nd_seeds *seeds);

/* Option table rows for the common options (use inside a command's table). */
#define ND_OPT_NGRAM {"ngram", 'n', "N", "words per shingle (default 5)", 1}
#define ND_OPT_K {"num-perm", 'k', "K", "MinHash signature lanes (default 128)", 2}
#define ND_OPT_THRESHOLD(def) {"threshold", 't', "T", "similarity threshold in [0, 1] (default " def ")", 3}
#define ND_OPT_THREADS {"threads", 'j', "N", "threads in all, the reading thread included (default: number of cores)", 4}
#define ND_OPT_FORMAT(list, def) {"format", 0, list, "output format (default " def ")", 5}
#define ND_OPT_ID_FIELD {"id-field", 0, "NAME", "JSONL field holding the id (default id)", 6}
#define ND_OPT_TEXT_FIELD {"text-field", 0, "NAME", "JSONL field holding the text (default text)", 7}
#define ND_OPT_LOSSY {"lossy", 0, NULL, "skip invalid UTF-8 bytes instead of failing, and count them (default off)", 8}
#define ND_OPT_SKIP_BAD {"skip-bad", 0, NULL, "skip bad records, report how many and where (default off: stop at the first)", 9}
#define ND_OPT_TIMINGS {"timings", 0, NULL, "print per-stage times and throughput to stderr (default off)", 10}
#define ND_OPT_SEED {"seed", 0, "N", "hash seed (default 7954871460759433274, fixed for reproducible results)", 11}
#define ND_OPT_OUTPUT {"output", 'o', "FILE", "write output to FILE, atomically (default standard output)", 12}
#define ND_OPT_QUIET {"quiet", 'q', NULL, "no summary on standard error (default off)", 13}
#define ND_OPT_KEY {"key", 0, "FILE", "keyed mode: derive every hash seed and secret from this key file, written by neardup keygen (default unkeyed)", 14}
#define ND_OPT_COLOR {"color", 0, "WHEN", "colour the passages: auto (on a terminal, unless NO_COLOR is set), always, never (default auto)", 15}
#define ND_OPT_INPUT_FORMAT {"input-format", 0, "FMT", "auto, text, jsonl, html or warc: how to read every input (default auto: by name, then by content)", 16}
#define ND_OPT_ENCODING {"encoding", 0, "LABEL", "auto (BOM, HTTP or <meta> charset, valid UTF-8, else uchardet's guess) or an encoding for every plain, HTML and WARC input, e.g. windows-1252; utf-8 reads bytes as they are (default auto; JSONL is always UTF-8)", 17}
#define ND_OPT_INCLUDE {"include", 0, "GLOB", "directory walks: take only files matching GLOB (repeatable; a GLOB with / matches the path, else the name) (default all)", 18}
#define ND_OPT_EXCLUDE {"exclude", 0, "GLOB", "directory walks: leave out files matching GLOB (repeatable) (default none)", 19}
#define ND_OPT_INCLUDE_HIDDEN {"include-hidden", 0, NULL, "directory walks: also take hidden files, _SUCCESS and *.crc (default off)", 20}
#define ND_OPT_ID_FROM {"id-from", 0, "WHAT", "field: the --id-field of each JSONL record; line: PATH:LINE, for corpora without ids (default field)", 21}
#define ND_OPT_KEEP_FURNITURE {"keep-furniture", 0, NULL, "HTML: keep navigation, headers, footers, cookie banners and hidden elements (default off: dropped)", 22}
/* The reader options every command that reads corpora takes. */
#define ND_OPT_READERS ND_OPT_INPUT_FORMAT, ND_OPT_ENCODING, ND_OPT_INCLUDE, ND_OPT_EXCLUDE, ND_OPT_INCLUDE_HIDDEN, \
    ND_OPT_ID_FROM, ND_OPT_KEEP_FURNITURE
#define ND_OPT_END {NULL, 0, NULL, NULL, 0}

/* Opens a reader over the positional inputs with po's reader options. */
nd_reader *nd_cli_open_inputs(const nd_pipeline_opts *po, char **inputs, int n, nd_error *err);

/* Prints --timings lines for the pipeline stages to stderr. */
void nd_cli_print_timings(const nd_corpus_info *ci);
/* Prints the skipped-record notes of --skip-bad, the --lossy count, the
 * documents decoded from other encodings and the WARC records that are not
 * documents to stderr. */
void nd_cli_print_skips(const nd_corpus_info *ci);

/* ---------- the near-duplicate job pairs and dedup share ---------- */

enum { ND_METRIC_JACCARD, ND_METRIC_SIMHASH, ND_METRIC_EXACT, ND_METRIC_CONTAINMENT };

/* Option rows (ids 90-92) and their handler for the metric options. */
#define ND_OPT_METRIC {"metric", 0, "M", "jaccard (MinHash + LSH), simhash (Hamming <= D), exact (equal normalised text) or containment (>= T of the smaller document's shingles in the larger) (default jaccard)", 90}
#define ND_OPT_DISTANCE {"distance", 'd', "D", "--metric simhash: largest Hamming distance, 0 to 16 (default 3)", 91}
#define ND_OPT_MAX_DF {"max-df", 0, "N", "--metric containment: shingles found in more than N documents find no candidates (default 50)", 92}

#include "sketch.h"

typedef struct {
    nd_common common;
    int exact;          /* --exact: verify on real shingle sets */
    size_t max_bucket;  /* SIZE_MAX for pairs; bounded for dedup */
    int spool_decoded;  /* dedup: keep decoded copies for the second pass */
    int metric;         /* ND_METRIC_* */
    unsigned distance;  /* SimHash: Hamming distance D */
    uint64_t max_df;    /* containment: shingles in more documents find no candidates */
    int exact_first;    /* dedup: group exact duplicates before LSH */
    int clusters_only;  /* dedup: only the clusters matter, not every pair (nd_pairs_opts.connect_only) */
    uint64_t exact_dups;/* documents that exactly duplicate an earlier one */
    uint64_t memory;    /* dedup --memory: bytes (0 = unbounded, all in memory) */
    const char *tmpdir; /* dedup --tmp: where spill runs go */
    /* results */
    nd_reader *reader;
    nd_corpus_info ci;
    nd_sketches sk;
    nd_scored_pair *pairs;
    size_t npairs;
    nd_pairs_stats ps;
    double t_start;
} nd_job;

/* Option rows (ids 95-96) and handler for bounded memory (cli_scale.c). */
#define ND_OPT_MEMORY {"memory", 0, "SIZE", "bound memory: spill signatures and band records to sorted zstd runs beyond SIZE (512M, 2G; same output) (default unbounded)", 95}
#define ND_OPT_TMP {"tmp", 0, "DIR", "--memory: directory for spill files, removed on any exit (default $TMPDIR or /tmp)", 96}
int nd_scale_option(nd_job *j, int id, const char *arg);
/* nd_job_run, or its bounded-memory (--memory) form.  (Under mpirun, dedup
 * runs nd_mpi_dedup instead: mpi_dedup.h.) */
int nd_job_run_scaled(nd_job *j, char **inputs, int ninputs);

/* Reads, sketches and pairs the inputs.  Prints the error and returns the
 * exit status on failure (0 on success).  Free with nd_job_free. */
int nd_job_run(nd_job *j, char **inputs, int ninputs);
/* Handles the metric option ids 90-92; -1 when id is not one of them. */
int nd_job_option(nd_job *j, int id, const char *arg);
/* The metric as written in records and summaries ("jaccard", "hamming", ...). */
const char *nd_job_score_name(const nd_job *j);
/* What pairs were kept, for summaries: "Jaccard >= 0.8", "exact duplicates"... */
void nd_job_describe(const nd_job *j, char *buf, size_t n);
void nd_job_free(nd_job *j);

/* ---------- single documents and passages (align, overlap) ---------- */

typedef struct {
    char *id, *text; /* malloc'ed, NUL-terminated */
    size_t len;
    size_t replaced; /* invalid bytes replaced under --lossy */
    nd_map_run *map; /* malloc'ed: text offsets -> the file's (offmap.h); nmap == 0: identity */
    size_t nmap;
} nd_loaded_doc;

/* Reads the one record of path (a plain file, or JSONL holding exactly one
 * record) and tokenizes it.  Errors name the file; more than one record is a
 * usage error. */
int nd_cli_load_one(const char *path, const nd_pipeline_opts *po, nd_loaded_doc *d, nd_tokens *tok,
                    nd_error *err);
void nd_loaded_doc_free(nd_loaded_doc *d);
/* The record of path whose id is want (want NULL: nd_cli_load_one).  Reads
 * the whole input; no such record, or two, is an error naming the file. */
int nd_cli_load_id(const char *path, const char *want, const nd_pipeline_opts *po, nd_loaded_doc *d,
                   nd_tokens *tok, nd_error *err);

/* The passage fields of the JSONL records (no braces). */
void nd_print_passage_fields(FILE *f, const nd_passage *p);
/* A passage as text: its figures, then each side as id:start-end and its
 * words.  The words are cut from the texts at p's offsets; the offsets
 * printed are orig's (p mapped to the original files; NULL: p's own). */
void nd_print_passage_text(FILE *f, unsigned i, const nd_passage *p, const nd_passage *orig, const char *a_id,
                           const char *a_text, const char *b_id, const char *b_text, int color);

/* ---------- commands: one file each, registered in main.c ---------- */

int nd_cmd_pairs(int argc, char **argv);
int nd_cmd_dedup(int argc, char **argv);
int nd_cmd_keygen(int argc, char **argv);
int nd_cmd_index(int argc, char **argv);
int nd_cmd_query(int argc, char **argv);
int nd_cmd_align(int argc, char **argv);
int nd_cmd_overlap(int argc, char **argv);

#endif
