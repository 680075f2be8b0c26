/* corpus_reader.h - the reader's state, shared by corpus_inputs.c (the
 * input list: arguments, directory walks, formats by name, MPI shares),
 * corpus_decode.c (opening, raw reading, decoding) and corpus.c (bytes ->
 * records).  Private to those three files. */
#ifndef ND_CORPUS_READER_H
#define ND_CORPUS_READER_H

#include <zlib.h>
#ifndef ZSTD_STATIC_LINKING_ONLY
#define ZSTD_STATIC_LINKING_ONLY /* the buffer-less decoder (corpus_decode.c) */
#endif
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
    /* A JSONL .zst input is decoded block by block (ZSTD_decompressContinue)
     * into ring, which is also zstd's window: no block is copied out of the
     * decoder's own buffer first (a fifth of the decompression's time).
     * corpus.c reads lines in place there (nd_rd_zring_block). */
    int zr_on, zr_in_frame, zr_frames;
    char *ring, *ring_old; /* ring_old: the ring before the last growth, freed on the next block */
    size_t ring_cap, ring_old_cap, ring_wp, zr_bsmax;
    unsigned char *zin;    /* a unit of compressed input split across reads */
    size_t zin_len;
    unsigned char zhdr[ZSTD_FRAMEHEADERSIZE_MAX];
    size_t zhdr_len;
    char *zr_last;         /* the last block handed out and its length */
    size_t zr_last_len;
    int flush;    /* the decoder filled its output and may hold more */
    /* decoded JSONL bytes not yet handed out: [pos, end); scan = where the
     * newline search resumes, so a huge line is searched once */
    char *pend;
    size_t pos, end, scan, pcap;
    char *lb;     /* where [pos, end) lies: pend, or (zr_on) a stretch of ring */
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

/* corpus_decode.c, for corpus.c */
void nd_rd_close_input(nd_reader *r);
int nd_rd_open_fd(nd_reader *r, nd_error *err);    /* r->cur's descriptor (or copy) only */
int nd_rd_open_input(nd_reader *r, nd_error *err); /* r->cur from its start, decoder reset */
/* read() of up to cap bytes of the current input; *got = 0 at its end. */
int nd_rd_read_raw(nd_reader *r, void *dst, size_t cap, size_t *got, nd_error *err);
/* Up to cap decoded bytes of the current input; *got = 0 at its end. */
int nd_rd_decode(nd_reader *r, char *dst, size_t cap, size_t *got, nd_error *err);
/* zr_on: the next block of decoded bytes, at *out in the ring (*got = 0 at
 * the input's end).  A block follows the one before it in memory unless the
 * ring wraps (nd_rd_zring_wraps says so before) or grows for a frame of a
 * larger window (then the old ring stays readable until the next call). */
int nd_rd_zring_block(nd_reader *r, char **out, size_t *got, nd_error *err);
static inline int nd_rd_zring_wraps(const nd_reader *r)
{
    return r->ring && r->ring_wp + r->zr_bsmax > r->ring_cap;
}
void nd_rd_zring_free(nd_reader *r);
/* The next documents of a docs input (ND_FORMAT_DOC) into b (corpus_inputs.c);
 * *more = 0 after the last. */
int nd_reader_docs_next(nd_reader *r, nd_batch *b, size_t target, int *more, nd_error *err);

#endif
