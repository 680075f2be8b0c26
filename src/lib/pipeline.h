/* pipeline.h - the threaded document engine every command runs on.
 *
 * Three steps, as in minimap2's kt_pipeline:
 *   read     (main thread, serial)  inputs -> batches of raw records
 *   work     (N-1 workers + main)     parse -> tokenize -> the command's per-document function
 *   collect  (main thread, serial)  batches handed to the command in input order
 * Reading overlaps work; results reach the command in input order, so output is
 * identical for any thread count.  The engine also keeps every record's id and
 * origin (file, line), and accounts for every record: read = docs + skipped. */
#ifndef ND_PIPELINE_H
#define ND_PIPELINE_H

#include "nd.h"
#include "reader.h"
#include "record.h"
#include "tokenize.h"

typedef struct {
    unsigned threads;    /* threads in all (main included); 0 = online CPUs */
    size_t batch_bytes;  /* raw bytes per batch (default 1 MiB) */
    nd_record_opts rec;  /* field names, encoding, HTML options */
    nd_reader_opts reader; /* input format, walk filters (nd_cli_open_inputs) */
    int lossy;           /* replace invalid UTF-8 instead of failing */
    int skip_bad;        /* skip bad records (counted, located) instead of failing */
    uint64_t token_seed; /* from nd_seeds */
    int keyed;           /* from nd_seeds: hash tokens with token_secret */
    int progress;        /* a progress line on standard error (a terminal) */
    int untimed;         /* no per-record clock reads (t_parse, t_tokenize, t_work stay 0): without
                          * --timings they were 2-3% of dedup's CPU time on a VM's clock */
    unsigned char token_secret[ND_SECRET_BYTES];
    /* MPI (mpi_dedup.c): with shard_n > 1, only records in blocks of
     * ND_SHARD_BLOCK with (record / ND_SHARD_BLOCK) % shard_n == shard_i are
     * parsed and handed to `doc`; the others are counted with an empty id. */
    unsigned shard_n, shard_i;
    /* dedup's early copy of its output (cli_dedup_prewrite.c): with prewrite
     * set, the records of inputs prewrite_from and after, each followed by
     * "\n", go to prewrite_fd from offset 0, in input order, written (pwrite)
     * by the threads that work on their batches, while the rest runs; the
     * second pass then only takes the removed records out of that file,
     * instead of reading the inputs again and writing 58 MB of fresh pages
     * behind the clustering.  Results in nd_corpus_info.prewrite_*. */
    int prewrite, prewrite_fd;
    uint32_t prewrite_from;
} nd_pipeline_opts;

#define ND_SHARD_BLOCK 512

void nd_pipeline_opts_default(nd_pipeline_opts *o);

/* What a command plugs in.  All callbacks get `user`.  Per-thread state
 * (`ts`) is private to one worker; per-batch output (`bo`) is written by one
 * worker, then read by collect in input order.  Any of the init/free hooks
 * may be NULL. */
typedef struct {
    void *user;
    void *(*thread_init)(void *user);
    void (*thread_free)(void *user, void *ts);
    void *(*batch_init)(void *user);
    void (*batch_reset)(void *user, void *bo); /* before a batch is reused */
    void (*batch_free)(void *user, void *bo);
    /* Worker: one parsed, tokenized document; `doc` is its record index in
     * input order.  Return NEARDUP_OK, or an error code with err set (the
     * record then counts as bad: fatal, or skipped under skip_bad). */
    int (*doc)(void *user, void *ts, void *bo, uint64_t doc, const nd_doc *d, const nd_tokens *tok,
               nd_error *err);
    /* Main thread, in input order: the batch of records [first, first + n).
     * Records that were skipped are flagged in nd_corpus_info.skipped. */
    int (*collect)(void *user, void *bo, uint64_t first, size_t n, nd_error *err);
    /* Optional, so that workers write per-record results straight into the
     * command's arrays at the record's index, and collect has nothing to copy
     * on the reading thread.  reserve: main thread, while no worker is in doc
     * or batch_done (the engine holds them back): room for records [0, need),
     * *cap set to the records there is room for now (>= need); called before
     * a batch reaching past *cap is handed out.  batch_done: the worker, after
     * a batch's records, with done[i] = 1 where doc returned NEARDUP_OK for
     * record first + i (the others: bad, skipped, another rank's); not called
     * for a batch that stopped at a fatal error. */
    int (*reserve)(void *user, uint64_t need, uint64_t *cap, nd_error *err);
    int (*batch_done)(void *user, void *ts, void *bo, uint64_t first, size_t n, const uint8_t *done,
                      nd_error *err);
} nd_pipeline_fns;

/* Documents of one encoding. */
typedef struct {
    char name[96];
    uint64_t n;
} nd_enc_count;

/* What the engine learned about the corpus: ids and origins by record. */
typedef struct {
    uint64_t n;          /* records read */
    char *id_buf;        /* ids, NUL-separated */
    size_t id_len, id_cap;
    size_t *id_off;      /* id of record i at id_buf + id_off[i] (NUL-terminated) */
    uint32_t *input;     /* input file index of record i */
    uint64_t *line;      /* line of record i (0 for a plain file) */
    uint8_t *skipped;    /* 1 where record i was bad and skipped */
    size_t cap;
    uint64_t skipped_n;
    char skip_notes[8][768]; /* where the first skipped records were */
    /* figures */
    uint64_t raw_bytes, text_bytes, tokens, replaced_bytes;
    uint64_t ctrl_chars; /* --lossy: raw control characters inside JSON strings, read as escaped */
    /* documents decoded from an encoding other than UTF-8, by encoding and
     * how it was chosen ("windows-1252 (detected)"); the rest were UTF-8 */
    nd_enc_count enc[8];
    size_t nenc;
    uint64_t enc_other; /* documents of encodings past the 8 listed */
    uint64_t warc_other; /* WARC records that are not documents (nd_reader_other_records) */
    char warc_note[256];
    double t_read, t_parse, t_tokenize, t_work, t_collect, t_wall; /* seconds (work summed over threads) */
    double t_start, t_progress; /* when the run began; the last progress line */
    unsigned threads;
    /* nd_pipeline_opts.prewrite: bytes written; the errno of the first failed
     * write (0: none); lost: a record was not a JSONL line (a plain file, an
     * HTML page, a WARC record), so the copy is not the output */
    uint64_t prewrite_bytes;
    int prewrite_errno, prewrite_lost;
    double t_prewrite; /* seconds in those writes, summed over threads */
} nd_corpus_info;

void nd_corpus_info_free(nd_corpus_info *ci);

static inline const char *nd_corpus_id(const nd_corpus_info *ci, uint64_t i)
{
    return ci->id_buf + ci->id_off[i];
}

/* The length of record i's id: ids keep every byte (a \u0000 in one
 * included), so it is not strlen; the ids lie in record order, each
 * followed by a NUL. */
static inline size_t nd_corpus_id_len(const nd_corpus_info *ci, uint64_t i)
{
    return (i + 1 < ci->n ? ci->id_off[i + 1] : ci->id_len) - ci->id_off[i] - 1;
}

/* Runs the engine over everything r yields.  Returns NEARDUP_OK, or the first
 * error in input order (err names file and line / record).  ci is filled in
 * either case and must be freed with nd_corpus_info_free. */
int nd_pipeline_run(nd_reader *r, const nd_pipeline_opts *o, const nd_pipeline_fns *f,
                    nd_corpus_info *ci, nd_error *err);

/* ":LINE" for a JSONL record's line, "" for a plain file's 0 (buf: 24 bytes). */
static inline const char *nd_line_suffix(char *buf, uint64_t line)
{
    if (line) snprintf(buf, 24, ":%llu", (unsigned long long)line);
    else buf[0] = '\0';
    return buf;
}

/* Fails with NEARDUP_E_INPUT naming both records when two records that were
 * not skipped share an id. */
int nd_corpus_check_unique_ids(const nd_corpus_info *ci, const nd_reader *r, nd_error *err);

/* Online CPUs (at least 1): the default thread count. */
unsigned nd_online_cpus(void);

/* Seconds on a monotonic clock. */
double nd_now(void);

#endif
