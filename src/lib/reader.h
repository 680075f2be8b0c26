/* reader.h - inputs -> batches of raw records: files, directory walks, compression, formats (corpus.c). */
#ifndef ND_READER_H
#define ND_READER_H

#include "nd.h"

/* Input formats (--input-format): how a file's bytes become records. */
enum { ND_FORMAT_AUTO, ND_FORMAT_TEXT, ND_FORMAT_JSONL, ND_FORMAT_HTML, ND_FORMAT_WARC,
       ND_FORMAT_DOC /* an id and a text given apart (nd_reader_open_docs): nothing to parse */ };

/* A raw record: one JSONL line (without its newline), one whole plain file
 * or HTML page, or one WARC record (header and block). */
typedef struct {
    size_t off;     /* offset of the bytes in the batch buffer */
    size_t len;
    uint32_t input; /* index of the input file (nd_reader_path) */
    uint32_t jsonl; /* 1 for a JSONL line, 0 otherwise */
    uint64_t line;  /* 1-based line number for JSONL, record number for WARC, 0 for whole files */
    uint32_t format; /* ND_FORMAT_TEXT, _HTML or _WARC when not JSONL (0: text) */
    uint64_t offset; /* WARC: byte offset of the record in the (decompressed) file;
                      * ND_FORMAT_DOC: the id's length (the record is the id's bytes, then the text's) */
} nd_raw_record;

/* A batch of raw records; owns its memory and is reused from batch to batch.
 * A JSONL record is followed in buf by one '\n' (outside its len). */
typedef struct {
    char *buf;
    size_t len, cap;
    nd_raw_record *rec;
    size_t n, cap_rec;
    uint64_t first_doc; /* index (input order) of rec[0] among all records */
} nd_batch;

void nd_batch_free(nd_batch *b);

typedef struct {
    int follow_symlinks; /* follow symlinks found inside directories (default 1; loops are detected) */
    /* Asked about each regular file a directory walk finds (NULL: none):
     * non-zero leaves it out.  path: as listed; name: its entry in the
     * directory of identity (dir_dev, dir_ino); (dev, ino): the file's.  The
     * CLI leaves out the run's own outputs and their temporary files, and
     * says so (cli_file_checks.c). */
    int (*skip)(void *ctx, const char *path, const char *name, uint64_t dir_dev, uint64_t dir_ino,
                uint64_t dev, uint64_t ino);
    void *skip_ctx;
    int input_format;    /* ND_FORMAT_*: AUTO (default) by name, then by content; else every input */
    int include_hidden;  /* walks also take hidden files, _SUCCESS and *.crc (default 0) */
    const char *const *include, *const *exclude; /* walks: globs (NULL-terminated lists; NULL: none) */
} nd_reader_opts;

typedef struct nd_reader nd_reader;

/* Expands the inputs into an ordered list of files: a directory is walked
 * recursively, its regular files taken in byte-wise sorted path order; "-"
 * is standard input.  Files ending in .jsonl or .ndjson (optionally followed
 * by .gz or .zst) are JSONL, .html / .htm HTML, .warc / .wet WARC, .txt
 * text; other names are told by their first bytes (corpus.c: sniff), or
 * o->input_format decides for every input.  Walks leave out hidden files,
 * _SUCCESS and *.crc (unless o->include_hidden) and apply o->include /
 * o->exclude.  Fails (NULL + err) on a
 * missing or unreadable input or a directory loop. */
nd_reader *nd_reader_open(const char *const *inputs, size_t ninputs, const nd_reader_opts *o,
                          nd_error *err);
void nd_reader_free(nd_reader *r);
/* A reader of JSONL records held in memory (bytes[0, len), not copied: they
 * must outlive the reader), named name in errors ("name:LINE").  The public
 * corpus (api_corpus.c) is read this way, by each job a reader of its own. */
nd_reader *nd_reader_open_memory(const char *name, const char *bytes, size_t len, nd_error *err);
/* A reader of documents held in memory, already split into ids and texts:
 * document i's id is bytes[off[2i], off[2i + 1]), its text bytes[off[2i + 1],
 * off[2i + 2]) (not copied: they must outlive the reader).  Its records are
 * ND_FORMAT_DOC (line = i + 1, so errors say "name:LINE" as for JSONL): the
 * parser takes id and text as they are, with no JSON to write or parse (the
 * public corpus, api_corpus.c, is read this way by each job). */
nd_reader *nd_reader_open_docs(const char *name, const char *bytes, const size_t *off, size_t n, nd_error *err);
/* Adds another such set of documents as r's next input (named name): the
 * references and the inputs of one job, read in one pass. */
int nd_reader_add_docs(nd_reader *r, const char *name, const char *bytes, const size_t *off, size_t n, nd_error *err);

/* Appends whole records to b (after clearing it) until about target bytes
 * or 4096 records are in it (at least one record).  Returns 1 when b holds records, 0 at the
 * end of all inputs, or a negative neardup_status with err set (a decompression
 * error, a read error, a truncated compressed stream), naming the file. */
int nd_reader_next(nd_reader *r, nd_batch *b, size_t target, nd_error *err);

size_t nd_reader_count(const nd_reader *r);          /* number of files */
/* The files the first nargs arguments of nd_reader_open expanded to: they
 * come first, in that order (dedup --against puts the references there). */
size_t nd_reader_arg_files(const nd_reader *r, size_t nargs);
/* WARC records read so far that are not documents (warcinfo, request,
 * metadata, responses that are not HTML or text): *total of them, and a
 * note "3 request, 1 warcinfo" (cap bytes) of up to 8 kinds. */
size_t nd_reader_other_records(const nd_reader *r, uint64_t *total, char *note, size_t cap);
const char *nd_reader_path(const nd_reader *r, uint32_t input); /* "-" for stdin */

/* Re-opens the inputs from the start, for a second pass (dedup writes its
 * kept records this way instead of holding the corpus in memory).  Standard
 * input is spooled to a temporary file on the first pass so it can be re-read. */
int nd_reader_rewind(nd_reader *r, nd_error *err);

/* With on != 0 (before the first pass), the decoded bytes of each compressed
 * input are also copied to an unlinked temporary file in $TMPDIR, and a rewind
 * reads that copy instead of decompressing again: dedup's second pass then
 * costs a file read, not a decompression.  Uses as much temporary disk as the
 * decompressed inputs (about the size of dedup's output).  When the copy
 * cannot be written (disk full), rewind silently falls back to decompressing:
 * the output is the same either way. */
void nd_reader_spool_decoded(nd_reader *r, int on);
/* For the last pass over the inputs (dedup's writing pass): each decoded copy
 * gives its bytes back to the system as they are read (fallocate
 * PUNCH_HOLE), so the page-cache pages the output is written to are those
 * just read, not fresh ones (on this VM a fresh page costs several times the
 * copy: the writing pass took 0.02-0.03 s of CPU instead of 0.04-0.14 s).
 * A later rewind decompresses again. */
void nd_reader_give_back(nd_reader *r, int on);

/* Shares of the inputs, for MPI ranks that each read a part (mpi_input.c).
 * Flags of input i: JSONL, compressed (.gz/.zst: cannot be entered in the
 * middle), a stream (not a regular file: standard input, a fifo). */
enum { ND_INPUT_JSONL = 1, ND_INPUT_COMPRESSED = 2, ND_INPUT_STREAM = 4 };
unsigned nd_reader_input_flags(const nd_reader *r, size_t i);
/* Before the first pass: input i yields no records (another rank reads it). */
void nd_reader_exclude(nd_reader *r, size_t i);
/* Before the first pass, for an uncompressed JSONL regular file: input i
 * yields only the lines that start at a byte offset in (lo, hi], or [0, hi]
 * when lo == 0 (so shares [0, a), [a, b), ... split the lines exactly once:
 * a share reads through the line holding its end offset, the next one skips
 * its bytes through the first '\n' at or after its start).  lines_before is
 * the number of '\n' in bytes [0, lo): line numbers stay the file's own. */
void nd_reader_limit(nd_reader *r, size_t i, uint64_t lo, uint64_t hi, uint64_t lines_before);

#endif
