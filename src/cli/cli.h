/* cli.h - what the command files (src/cli/cli_*.c) share: option tables that
 * parse and print --help from one place, number parsing with named errors,
 * output files that appear whole or not at all, and the common options. */
#ifndef ND_CLI_H
#define ND_CLI_H

#include <stdio.h>

#include "align.h"
#include "defaults.h"
#include "edits.h"
#include "key.h"
#include "nd.h"
#include "overlap.h"
#include "pipeline.h"
#include "reader.h"
#include "record.h"
#include "tokenize.h"

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

/* The name of names[0, n) that given[0, len) most likely meant: the nearest
 * by edit distance (a swap of neighbours is one edit; a prefix of 3 or more
 * bytes is near), when within a third of its length (1 to 3 edits); NULL
 * when none is that near.  For "did you mean --threshold?". */
const char *nd_cli_closest(const char *given, size_t len, const char *const *names, size_t n);

/* Strict number parsing: the whole string, within [lo, hi].  On failure they
 * print "neardup: OPTION: ..." and return 2. */
int nd_cli_double(const char *opt, const char *s, double lo, double hi, double *out);
int nd_cli_uint(const char *opt, const char *s, unsigned long lo, unsigned long hi, unsigned long *out);

/* The passage options of align, overlap, query, strip and index, with the
 * one range each that all of them accept (on failure the message, and 2):
 * --min-words W in [1, 1000000], --max-gap G in [0, 64] (the aligner's gap
 * LCS is bounded), --min-identity X in [0, 1]. */
int nd_cli_min_words(const char *arg, unsigned *out);
int nd_cli_max_gap(const char *arg, unsigned *out);
int nd_cli_min_identity(const char *arg, double *out);

/* A repeatable option's value appended to *list (*n of them, realloc'ed;
 * the strings are argv's, not copied): 0, or 2 with the message. */
int nd_cli_push_arg(char ***list, int *n, const char *arg);

/* Prints "neardup: MSG" to stderr and returns the exit status for code. */
int nd_cli_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---------- outputs that appear whole or not at all (cli_output.c) ---------- */

typedef struct nd_out_sink nd_out_sink;

typedef struct {
    FILE *f;
    char *path;   /* as given, for messages; NULL for standard output */
    char *target; /* the file replaced: path, or the file a symbolic link at path names */
    char *tmp;    /* the temporary file beside target; NULL when written in place
                   * (standard output, a device or a fifo such as /dev/null) */
    char *buf;    /* stdio buffer: glibc ignores setvbuf's size without one */
    nd_out_sink *sink; /* the descriptor and the first write error (errno) */
    int slot;     /* 1 + tmp's slot in the signal-cleanup table, 0 for none */
    int sync;     /* set after opening: fsync the file, and its directory after the rename */
    int fd;       /* the temporary file's descriptor when its bytes are the output's as
                   * written (not compressed), else -1: dedup writes it early (pwrite) */
} nd_out;

/* Opens path for writing through a temporary file PATH.tmp.XXXXXX beside it
 * (same directory: the rename is atomic); NULL or "-" is standard output; a
 * device or a fifo is written in place; a symbolic link is written through
 * (its target is replaced, the link stays).  A new file gets 0666 less the
 * umask, a rewritten one keeps its mode (and, where allowed, its owner).
 * The temporary file is locked for the life of the process and listed for
 * removal on SIGINT, SIGTERM and SIGHUP; stale ones of the same output whose
 * lock is free (their run was killed) are removed first, with a note.
 * A path ending in .zst or .gz (any case) is compressed, zstd or gzip
 * (compress.h), through the same temporary file; such a stream cannot seek.
 * Errors name the path.  Returns NEARDUP_OK, NEARDUP_E_IO or NEARDUP_E_NOMEM. */
int nd_out_open(nd_out *o, const char *path, nd_error *err);
/* Completes n outputs together: flushes and checks every write of all of
 * them (the reason given is the errno of the first failed write, whichever
 * thread wrote), and only then renames them all into place, so a failure of
 * any leaves every target as it was.  No fsync unless o->sync: these outputs
 * can be made again from their inputs, and on this kind of machine a 60 MB
 * fsync cost as much as sketching 10,000 documents (like sort -o and zstd
 * -o; the index, which is not regenerable, sets sync).  An output never
 * opened (f NULL) is passed over.  On error every output is aborted. */
int nd_out_commit_all(nd_out *const *o, size_t n, nd_error *err);
int nd_out_commit(nd_out *o, nd_error *err); /* nd_out_commit_all of one */
/* Removes the temporary file (after a failure elsewhere); buffered bytes are
 * dropped.  A zeroed nd_out is fine. */
void nd_out_abort(nd_out *o);
/* After a writer into o failed with code and err: when o saw a write error,
 * err becomes "cannot write PATH: <that errno>" and the code NEARDUP_E_IO (a
 * full disk is not "out of memory").  Aborts o; returns the code. */
int nd_out_failed(nd_out *o, int code, nd_error *err);
/* Installs the handler that removes the temporary files in flight on
 * SIGINT, SIGTERM and SIGHUP, then dies of the signal; a signal ignored at
 * start (nohup, a background job) stays ignored.  Call first in main. */
void nd_cli_signals_init(void);

/* The outputs of a run as directory walks may meet them (nd_cli_check_files). */
#define ND_OUT_MAX 3
typedef struct {
    const char *what;          /* the option naming it: "-o", "--clusters" */
    char base[256];            /* its file name, in the directory (dir_dev, dir_ino) */
    uint64_t dir_dev, dir_ino; /* 0, 0: not known (standard output) */
    int exists;                /* a file is there already: (dev, ino) */
    uint64_t dev, ino;
} nd_out_id;

/* ---------- common options ---------- */

enum { ND_FMT_TEXT, ND_FMT_TSV, ND_FMT_JSONL, ND_FMT_HTML, ND_FMT_CSV };
enum { ND_COLOR_AUTO, ND_COLOR_ALWAYS, ND_COLOR_NEVER };

/* Option ids: the common options' (handled by nd_common_option), the
 * metric's (nd_job_option) and bounded memory's (nd_scale_option); each
 * command numbers its own from ND_ID_COMMAND. */
enum {
    ND_ID_NGRAM = 1, ND_ID_K, ND_ID_THRESHOLD, ND_ID_THREADS, ND_ID_FORMAT, ND_ID_ID_FIELD, ND_ID_TEXT_FIELD,
    ND_ID_LOSSY, ND_ID_SKIP_BAD, ND_ID_TIMINGS, ND_ID_SEED, ND_ID_OUTPUT, ND_ID_QUIET, ND_ID_KEY, ND_ID_COLOR,
    ND_ID_INPUT_FORMAT, ND_ID_ENCODING, ND_ID_INCLUDE, ND_ID_EXCLUDE, ND_ID_INCLUDE_HIDDEN, ND_ID_ID_FROM,
    ND_ID_KEEP_FURNITURE, ND_ID_EXCERPTS, ND_ID_CONTEXT, ND_ID_FULL,
    ND_ID_METRIC = 90, ND_ID_DISTANCE, ND_ID_MAX_DF,
    ND_ID_MEMORY = 95, ND_ID_TMP,
    ND_ID_COMMAND = 100
};

/* Options most commands share; ids below ND_ID_COMMAND are theirs. */
typedef struct {
    unsigned ngram, k, threads;
    double threshold;
    int format;
    int lossy, skip_bad, timings, quiet;
    int color;          /* ND_COLOR_* (--color) */
    int excerpts;       /* --excerpts: JSONL passages carry their text */
    unsigned context;   /* --context N: words shown around each excerpt of the text view */
    int full, given_context; /* --full: never shorten excerpts; --context given */
    uint64_t seed;
    const char *output;
    nd_record_opts rec;
    nd_key key; /* --key FILE: loaded when parsed; key.present = 0 without */
    nd_out_id outs[ND_OUT_MAX]; /* the run's outputs (nd_cli_check_files) */
    size_t nouts;
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
/* 0 when the --format given is one of list ("text|tsv|jsonl"), else 2 with
 * a message naming cmd and list: an unsupported format is refused, never
 * silently written as text. */
int nd_check_format(const nd_common *c, const char *cmd, const char *list);
/* The pipeline options and seeds the common options imply. */
void nd_common_pipeline(const nd_common *c, nd_pipeline_opts *po, nd_seeds *seeds);

/* Option table rows for the common options (use inside a command's table). */
#define ND_OPT_NGRAM {"ngram", 'n', "N", "words per shingle (default " ND_DEFAULT_STR(ND_DEFAULT_NGRAM) ")", ND_ID_NGRAM}
#define ND_OPT_K {"num-perm", 'k', "K", "MinHash signature lanes (default " ND_DEFAULT_STR(ND_DEFAULT_K) ")", ND_ID_K}
#define ND_OPT_THRESHOLD(def) {"threshold", 't', "T", "similarity threshold in [0, 1] (default " def ")", ND_ID_THRESHOLD}
#define ND_OPT_THREADS {"threads", 'j', "N", "threads in all, the reading thread included (default: number of cores)", ND_ID_THREADS}
#define ND_OPT_FORMAT(list, def) {"format", 0, list, "output format (default " def ")", ND_ID_FORMAT}
#define ND_OPT_ID_FIELD {"id-field", 0, "NAME", "JSONL field holding the id (default id)", ND_ID_ID_FIELD}
#define ND_OPT_TEXT_FIELD {"text-field", 0, "NAME", "JSONL field holding the text (default text)", ND_ID_TEXT_FIELD}
#define ND_OPT_LOSSY {"lossy", 0, NULL, "skip invalid UTF-8 bytes instead of failing, and count them (default off)", ND_ID_LOSSY}
#define ND_OPT_SKIP_BAD {"skip-bad", 0, NULL, "skip bad records, report how many and where (default off: stop at the first)", ND_ID_SKIP_BAD}
#define ND_OPT_TIMINGS {"timings", 0, NULL, "print per-stage times and throughput to stderr (default off)", ND_ID_TIMINGS}
#define ND_OPT_SEED {"seed", 0, "N", "hash seed (default 7954871460759433274, fixed for reproducible results)", ND_ID_SEED}
#define ND_OPT_OUTPUT {"output", 'o', "FILE", "write output to FILE, atomically; FILE.zst or FILE.gz is compressed, zstd or gzip (default standard output)", ND_ID_OUTPUT}
#define ND_OPT_QUIET {"quiet", 'q', NULL, "no summary on standard error (default off)", ND_ID_QUIET}
#define ND_OPT_KEY {"key", 0, "FILE", "keyed mode: derive every hash seed and secret from this key file, written by neardup keygen (default unkeyed)", ND_ID_KEY}
#define ND_OPT_COLOR {"color", 0, "WHEN", "colour the passages: auto (on a terminal, unless NO_COLOR is set), always, never (default auto)", ND_ID_COLOR}
#define ND_OPT_EXCERPTS {"excerpts", 0, NULL, "jsonl: each passage also carries its words, \"a_text\" and \"b_text\" (default off)", ND_ID_EXCERPTS}
#define ND_OPT_CONTEXT {"context", 0, "N", "text: show N words before and after each excerpt, outside its quotes (default 0)", ND_ID_CONTEXT}
#define ND_OPT_FULL {"full", 0, NULL, "text: print every excerpt whole (default: on a terminal, excerpts over 2000 bytes are cut in the middle, [... N words ...])", ND_ID_FULL}
/* The passage view options of the commands that print passages. */
#define ND_OPT_PASSAGE_VIEW ND_OPT_EXCERPTS, ND_OPT_CONTEXT, ND_OPT_FULL
#define ND_OPT_INPUT_FORMAT {"input-format", 0, "FMT", "auto, text, jsonl, html or warc: how to read every input (default auto: by name, then by content)", ND_ID_INPUT_FORMAT}
#define ND_OPT_ENCODING {"encoding", 0, "LABEL", "auto (BOM, HTTP or <meta> charset, valid UTF-8, else uchardet's guess) or an encoding for every plain, HTML and WARC input, e.g. windows-1252; utf-8 reads bytes as they are (default auto; JSONL is always UTF-8)", ND_ID_ENCODING}
#define ND_OPT_INCLUDE {"include", 0, "GLOB", "directory walks: take only files matching GLOB (repeatable; a GLOB with / matches the path, else the name) (default all)", ND_ID_INCLUDE}
#define ND_OPT_EXCLUDE {"exclude", 0, "GLOB", "directory walks: leave out files matching GLOB (repeatable) (default none)", ND_ID_EXCLUDE}
#define ND_OPT_INCLUDE_HIDDEN {"include-hidden", 0, NULL, "directory walks: also take hidden files, _SUCCESS and *.crc (default off)", ND_ID_INCLUDE_HIDDEN}
#define ND_OPT_ID_FROM {"id-from", 0, "WHAT", "field: the --id-field of each JSONL record; line: PATH:LINE, for corpora without ids (default field)", ND_ID_ID_FROM}
#define ND_OPT_KEEP_FURNITURE {"keep-furniture", 0, NULL, "HTML: keep navigation, headers, footers, cookie banners and hidden elements (default off: dropped)", ND_ID_KEEP_FURNITURE}
/* The reader options every command that reads corpora takes. */
#define ND_OPT_READERS ND_OPT_INPUT_FORMAT, ND_OPT_ENCODING, ND_OPT_INCLUDE, ND_OPT_EXCLUDE, ND_OPT_INCLUDE_HIDDEN, \
    ND_OPT_ID_FROM, ND_OPT_KEEP_FURNITURE
/* ... and the reading options of every command over a corpus (threads, the
 * JSONL fields, the readers, bad input), in the order --help lists them. */
#define ND_OPT_CORPUS ND_OPT_THREADS, ND_OPT_ID_FIELD, ND_OPT_TEXT_FIELD, ND_OPT_READERS, ND_OPT_LOSSY, ND_OPT_SKIP_BAD
#define ND_OPT_END {NULL, 0, NULL, NULL, 0}

/* Before anything is read or written (cli_file_checks.c): refuses, with a
 * message naming both and exit status 2, an output that is also an input,
 * and two outputs that are one file ("-" twice; /dev/null may be given twice).  Files are compared
 * by device and inode, so another spelling, a hard link or a symbolic link
 * is the same file; an input directory may hold an output (walks leave it
 * out).  outs[i] (NULL: none; "-": standard output) is named by what[i];
 * inputs may hold "-" (standard input).  Records the outputs in c->outs for
 * nd_cli_walk_skip.  Returns 0 or the exit status 2 (message printed). */
int nd_cli_check_files(nd_common *c, const char *const *outs, const char *const *what, size_t nout,
                       char *const *inputs, size_t nin);
/* nd_cli_check_files for the one output -o (c->output; NULL: standard output). */
int nd_cli_check_output(nd_common *c, char *const *inputs, size_t nin);
/* nd_reader_opts.skip for ctx = an nd_common: leaves out of directory walks
 * the run's outputs (c->outs: the file there now, and the file the rename
 * will put there) and their temporary files, with a note on standard error. */
int nd_cli_walk_skip(void *ctx, const char *path, const char *name, uint64_t dir_dev, uint64_t dir_ino,
                     uint64_t dev, uint64_t ino);

/* Opens a reader over the positional inputs with po's reader options (input
 * format, walk filters); walks skip c's outputs.  Prints the error if any. */
nd_reader *nd_cli_open_inputs(const nd_common *c, const nd_pipeline_opts *po, char **inputs, int n, nd_error *err);

/* Prints --timings lines for the pipeline stages to stderr. */
void nd_cli_print_timings(const nd_corpus_info *ci);
/* Prints the skipped-record notes of --skip-bad, the --lossy count, the
 * documents decoded from other encodings and the WARC records that are not
 * documents to stderr. */
void nd_cli_print_skips(const nd_corpus_info *ci);

/* ---------- the near-duplicate job pairs and dedup share ---------- */

/* Option rows and their handler for the metric options. */
#define ND_OPT_METRIC {"metric", 0, "M", "jaccard (MinHash + LSH), simhash (Hamming <= D), exact (equal normalised text) or containment (>= T of the smaller document's shingles in the larger) (default jaccard)", ND_ID_METRIC}
#define ND_OPT_DISTANCE {"distance", 'd', "D", "--metric simhash: largest Hamming distance, 0 to 16 (default " ND_DEFAULT_STR(ND_DEFAULT_DISTANCE) ")", ND_ID_DISTANCE}
#define ND_OPT_MAX_DF {"max-df", 0, "N", "--metric containment: shingles found in more than N documents find no candidates (default " ND_DEFAULT_STR(ND_DEFAULT_MAX_DF) ")", ND_ID_MAX_DF}

#include "job.h"

typedef struct {
    nd_common common;
    int exact;          /* --exact: verify on real shingle sets */
    int explain;        /* pairs --explain: estimate, exact Jaccard and bands of each pair */
    size_t max_bucket;  /* SIZE_MAX for pairs; bounded for dedup */
    int spool_decoded;  /* dedup: keep decoded copies for the second pass */
    int metric;         /* ND_METRIC_* */
    unsigned distance;  /* SimHash: Hamming distance D */
    uint64_t max_df;    /* containment: shingles in more documents find no candidates */
    int given_distance, given_max_df; /* -d / --max-df given: refused with a metric that ignores them */
    int exact_first;    /* dedup: group exact duplicates before LSH */
    int clusters_only;  /* dedup: only the clusters matter, not every pair (nd_pairs_opts.connect_only) */
    uint64_t exact_dups;/* documents that exactly duplicate an earlier one */
    uint64_t memory;    /* dedup --memory: bytes (0 = unbounded, all in memory) */
    const char *tmpdir; /* dedup --tmp: where spill runs go */
    int keep_sigs;      /* --memory: keep the signature file for nd_job_score (sig_fd) */
    /* dedup's early copy of its output (cli_dedup_prewrite.c): the records of
     * the inputs after the first prewrite_args arguments go to prewrite_fd
     * during the first pass (nd_pipeline_opts.prewrite); prewrite_nospool:
     * no decoded copies for a second pass when every such input is JSONL by
     * name (nothing reads them again) */
    int prewrite, prewrite_fd, prewrite_args, prewrite_nospool;
    /* results */
    nd_reader *reader;
    nd_corpus_info ci;
    nd_sketches sk;
    nd_scored_pair *pairs;
    size_t npairs;
    nd_pairs_stats ps;
    double t_start;
    int has_sig_fd, sig_fd; /* --memory with keep_sigs: the spilled signatures */
} nd_job;

/* Refuses (2, with a message) options this job's metric or mode would
 * silently ignore: --exact beside another metric than jaccard, -d without
 * simhash, --max-df without containment, --tmp without --memory. */
int nd_job_check(const nd_job *j);

/* Option rows and handler for bounded memory (cli_scale.c). */
#define ND_OPT_MEMORY {"memory", 0, "SIZE", "bound memory: spill signatures and band records to sorted zstd runs beyond SIZE (512M, 2G; same output) (default unbounded)", ND_ID_MEMORY}
#define ND_OPT_TMP {"tmp", 0, "DIR", "--memory: directory for spill files, removed on any exit (default $TMPDIR or /tmp)", ND_ID_TMP}
int nd_scale_option(nd_job *j, int id, const char *arg);
/* nd_job_run, or its bounded-memory (--memory) form.  (Under mpirun, dedup
 * runs nd_mpi_dedup instead: mpi_dedup.h.) */
int nd_job_run_scaled(nd_job *j, char **inputs, int ninputs);

/* Reads, sketches and pairs the inputs.  Prints the error and returns the
 * exit status on failure (0 on success).  Free with nd_job_free. */
int nd_job_run(nd_job *j, char **inputs, int ninputs);
/* After the reader is open: the pipeline options of dedup's early copy
 * (j->prewrite; nothing otherwise), and no decoded copies when nothing reads
 * the inputs again. */
void nd_job_prewrite_opts(nd_job *j, nd_pipeline_opts *po);
/* Handles the metric options (ND_ID_METRIC...); -1 when id is not one of them. */
int nd_job_option(nd_job *j, int id, const char *arg);
/* The similarity of documents a and b in the job's metric, as its pairs
 * carry it (estimated or exact Jaccard, Hamming distance, containment, 1 for
 * exact duplicates), after nd_job_run or its --memory form (with keep_sigs).
 * -1 when it cannot be computed (a read error of the spilled signatures). */
double nd_job_score(const nd_job *j, uint32_t a, uint32_t b);
/* The metric as written in records and summaries ("jaccard", "hamming", ...). */
const char *nd_job_score_name(const nd_job *j);
/* What pairs were kept, for summaries: "Jaccard >= 0.8", "exact duplicates"... */
void nd_job_describe(const nd_job *j, char *buf, size_t n);
void nd_job_free(nd_job *j);

/* ---------- single documents and passages (align, overlap) ---------- */

typedef struct {
    char *id, *text; /* malloc'ed, NUL-terminated */
    size_t id_len;   /* the id's bytes (it may hold NUL bytes: JSON \u0000) */
    size_t len;
    size_t replaced; /* invalid bytes replaced under --lossy */
    nd_map_run *map; /* malloc'ed: text offsets -> the file's (offmap.h); nmap == 0: identity */
    size_t nmap;
} nd_loaded_doc;

/* Reads the one record of path (a plain file, or JSONL holding exactly one
 * record) and tokenizes it.  Errors name the file; more than one record is a
 * usage error. */
int nd_cli_load_one(const nd_common *c, const char *path, const nd_pipeline_opts *po, nd_loaded_doc *d,
                    nd_tokens *tok, nd_error *err);
void nd_loaded_doc_free(nd_loaded_doc *d);
/* The record of path whose id is want (want NULL: nd_cli_load_one).  Reads
 * the whole input; no such record, or two, is an error naming the file. */
int nd_cli_load_id(const nd_common *c, const char *path, const char *want, const nd_pipeline_opts *po,
                   nd_loaded_doc *d, nd_tokens *tok, nd_error *err);

/* How passages are printed: what --color, --excerpts, --context and --full
 * decided (nd_cli_passage_view). */
typedef struct {
    int color;        /* colour the words (nd_cli_use_color) */
    int excerpts;     /* JSONL: "a_text" and "b_text" in each passage */
    unsigned context; /* text: words shown before and after each excerpt */
    int shorten;      /* text: excerpts over ND_EXCERPT_SCREEN bytes are cut in the middle */
} nd_passage_view;
/* A screen of text: longer excerpts are shortened on a terminal. */
#define ND_EXCERPT_SCREEN 2000
/* The view c asks for.  Excerpts are shortened only when standard output is
 * a terminal (what "a screen" means) and --full is not given: a file or a
 * pipe gets every excerpt whole, as before --full existed.  Asks the
 * terminal: call once, not per passage. */
void nd_cli_passage_view(const nd_common *c, nd_passage_view *v);
/* Refuses (2, with a message naming cmd) view options the format would
 * ignore: --excerpts without --format jsonl, --context or --full without
 * the text view. */
int nd_check_passage_view(const nd_common *c, const char *cmd);

/* The passage fields of the JSONL records (no braces). */
void nd_print_passage_fields(FILE *f, const nd_passage *p);
/* ", \"a_text\": ..., \"b_text\": ...": the passage's words, cut from the
 * texts at p's (text) offsets, as JSON strings (--excerpts). */
void nd_print_passage_excerpts(FILE *f, const nd_passage *p, const char *a_text, const char *b_text);
/* The colours of the terminal view: matching words, substituted words,
 * inserted or deleted words. */
#define ND_COLOR_MATCH "\033[1;33m"
#define ND_COLOR_SUB "\033[1;35m"
#define ND_COLOR_INDEL "\033[1;31m"
/* A passage as text: its figures, then each side as id:start-end and its
 * words; with v->color, matching words in ND_COLOR_MATCH and the edited
 * words of m (NULL: none marked) in ND_COLOR_SUB / ND_COLOR_INDEL; with
 * v->context, that many words around, outside the quotes (dim in colour);
 * with v->shorten, an excerpt over ND_EXCERPT_SCREEN bytes keeps its first
 * and last 1000 bytes or so, cut at spaces, around "[... N words ...]".
 * The words are cut from the texts at p's offsets (a_len, b_len: the
 * texts' lengths); the offsets printed are orig's (p mapped to the
 * original files; NULL: p's own). */
void nd_print_passage_text(FILE *f, unsigned i, const nd_passage *p, const nd_passage *orig, const char *a_id,
                           const char *a_text, size_t a_len, const char *b_id, const char *b_text, size_t b_len,
                           const nd_passage_view *v, const nd_passage_marks *m);
/* A pair sharing passages as overlap prints it: a JSONL record
 * {"a", "b", "shared_words", "containment_a", "containment_b", "passages"},
 * or text (a line for the pair, ids escaped, then each passage; with color
 * and both texts' words wa, wb, edited words marked; v as
 * nd_print_passage_text, and JSONL excerpts with v->excerpts).  a, b: the
 * ids (la, lb bytes, every byte kept); a_text, b_text: the texts (a_len,
 * b_len bytes).  Offsets are written in the original files' by the texts'
 * maps ma, mb (na, nb runs; 0: the identity; offmap.h).  Returns 0, or -1
 * when out of memory. */
/* text[start, end) on one line, as the passages' text view shows it (line
 * breaks and tabs as spaces, other control characters as '?'). */
void nd_print_excerpt(FILE *f, const char *text, uint32_t start, uint32_t end);

int nd_print_pair(FILE *f, int format, const nd_overlap_pair *p, const char *a, size_t la, const char *b, size_t lb,
                  const char *a_text, size_t a_len, const char *b_text, size_t b_len, const nd_doc_words *wa,
                  const nd_doc_words *wb, const nd_map_run *ma, size_t na, const nd_map_run *mb, size_t nb,
                  const nd_passage_view *v);

/* Checks a --language value (a Snowball stemmer name or code, or none):
 * 0, or prints the error listing the languages and returns 2. */
int nd_cli_language(const char *arg);

/* The HTML report of pairs of a document store (overlap, align --pairs):
 * every document in a pair once, the pairs with their passages and edited
 * words; ids from ci (records [0, split)) and cr (the rest; split 0: ci
 * only); with clusters (overlap --clusters; NULL: none), the cluster view
 * too.  Returns 0, or -1 (out of memory, or f failed). */
struct nd_cluster_report;
int nd_overlap_report(FILE *f, const char *title, const nd_doc_store *s, const nd_corpus_info *ci,
                      const nd_corpus_info *cr, uint64_t split, const nd_overlap_pair *pairs, size_t npairs, int argc,
                      char **argv, const struct nd_cluster_report *clusters);

/* ---------- commands: one file each, registered in main.c ---------- */

int nd_cmd_pairs(int argc, char **argv);
int nd_cmd_dedup(int argc, char **argv);
int nd_cmd_keygen(int argc, char **argv);
int nd_cmd_index(int argc, char **argv);
int nd_cmd_query(int argc, char **argv);
int nd_cmd_align(int argc, char **argv);
/* align --pairs FILE [INPUT...] (cli_align_pairs.c), once align's options
 * are parsed; argc, argv for the report's command line.  Returns the exit
 * status (errors printed). */
int nd_align_pairs_run(nd_common *common, const nd_align_opts *al, const char *pairs, char **inputs,
                       int ninputs, int argc, char **argv);
int nd_cmd_overlap(int argc, char **argv);
int nd_cmd_explain(int argc, char **argv);
int nd_cmd_contamination(int argc, char **argv);
int nd_cmd_strip(int argc, char **argv);

#endif
