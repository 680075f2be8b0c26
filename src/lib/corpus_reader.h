/* corpus_reader.h - the reader's state, shared by corpus_inputs.c (the
 * input list: arguments, directory walks, formats by name, MPI shares) and
 * corpus.c (bytes -> records).  Private to those two files. */
#ifndef ND_CORPUS_READER_H
#define ND_CORPUS_READER_H

#include <zlib.h>
#include <zstd.h>

#include "reader.h"

enum { COMP_NONE, COMP_GZ, COMP_ZST };

#define RAW_CAP ((size_t)256 << 10)  /* compressed bytes read at a time */
#define PEND_MIN ((size_t)1 << 20) /* decoded bytes in flight for JSONL */

typedef struct {
    char *path;
    uint8_t jsonl, comp;
    uint8_t fmt;     /* ND_FORMAT_*: AUTO until its content decides (sniff) */
    uint8_t json;    /* named .json: JSONL when its lines are objects */
    uint8_t stream;  /* not a regular file: spooled on the first pass */
    uint8_t spooled; /* the whole stream is in spool_fd */
    int spool_fd;    /* -1 until the stream is first opened */
    uint8_t dspooled; /* the whole decoded stream is in dspool_fd */
    int dspool_fd;    /* decoded bytes of a compressed input (nd_reader_spool_decoded) */
    /* MPI shares (nd_reader_exclude, nd_reader_limit): not read at all, or
     * only the lines starting in (lo, hi] ([0, hi] when lo == 0) */
    uint8_t excluded, limited;
    uint64_t lo, hi, lines_before;
    uint32_t arg;    /* the command-line argument it came from (nd_reader_arg_files) */
    const char *mem; /* nd_reader_open_memory: the JSONL bytes [0, mem_len), read from mem_pos */
    size_t mem_len, mem_pos;
    const size_t *doc_off; /* nd_reader_open_docs: the ids and texts in mem; mem_pos counts documents */
    size_t ndocs;
} nd_input;

struct nd_reader {
    nd_input *in;
    size_t n, cap;
    size_t cur;   /* input being read; n at the end */
    int open;     /* cur is open */
    int fd, own_fd, spooling;
    int spool_decoded; /* keep decoded copies of compressed inputs for rewind */
    int give_back;     /* free a decoded copy's bytes once read (nd_reader_give_back) */
    int giving;        /* cur is read from its decoded copy, given back behind */
    uint64_t given;    /* bytes of that copy read (and freed) so far */
    int dspooling;     /* cur's decoded bytes are being copied to its dspool */
    int comp;          /* how cur is read now: its compression, or none from its dspool */
    int done;     /* the plain record of cur was handed out */
    /* compressed bytes of cur */
    unsigned char *raw;
    size_t raw_pos, raw_len;
    z_stream z;
    int z_ready, z_end; /* z_end: at a gzip member boundary */
    uint64_t z_before;  /* compressed bytes of the gzip members before the current one
                         * (inflateReset zeroes total_in: errors said "at byte ~2") */
    ZSTD_DCtx *zd;
    size_t zret;  /* last ZSTD_decompressStream result: 0 at a frame boundary */
    int flush;    /* the decoder filled its output and may hold more */
    /* decoded JSONL bytes not yet handed out: [pos, end); scan = where the
     * newline search resumes, so a huge line is searched once */
    char *pend;
    size_t pos, end, scan, pcap;
    int dec_eof;
    uint64_t line, ndoc;
    uint64_t boff;    /* file offset of pend[0] (limited inputs) */
    int skip_partial; /* a limited input: drop bytes through the first '\n' */
    int fmt;          /* the format of cur, once opened (ND_FORMAT_*) */
    nd_reader_opts o; /* input format, walk filters */
    /* WARC records that are not documents, by what they are */
    struct { char why[64]; uint64_t n; } other[8];
    size_t nother;
    uint64_t other_n;
};

/* The next documents of a docs input (ND_FORMAT_DOC) into b (corpus_inputs.c);
 * *more = 0 after the last. */
int nd_reader_docs_next(nd_reader *r, nd_batch *b, size_t target, int *more, nd_error *err);

#endif
