/* warc.h - WARC records (ISO 28500: WARC/1.0 and WARC/1.1), for web crawls
 * and Common Crawl's WARC and WET files (warc.c).  No Debian package parses
 * WARC, so this is a small reader of its own, fuzzed (fuzz/fuzz_warc.c).
 *
 * Two steps.  Framing, on the reading thread: a record is a header ("WARC/1.x"
 * line, "Name: value" lines, a blank line) and a block of exactly
 * Content-Length bytes, then CR LF CR LF; nd_warc_frame finds where it ends
 * and whether it is a document.  Parsing, on a worker: nd_warc_parse reads
 * its fields and, for a response, the HTTP message in its block, and
 * decodes the body (chunked transfer coding; gzip or deflate content
 * coding). */
#ifndef ND_WARC_H
#define ND_WARC_H

#include "nd.h"

/* Headers larger than this are not WARC (a record header is a few hundred bytes). */
#define ND_WARC_MAX_HEADER ((size_t)64 << 10)
/* Decoded bodies are refused past this (a gzip body can expand 1000-fold). */
#define ND_WARC_MAX_BODY ((size_t)256 << 20)

enum { ND_WARC_SKIP, ND_WARC_HTML, ND_WARC_TEXT };

typedef struct {
    size_t header_len;       /* bytes of the header, its blank line included */
    uint64_t content_length; /* bytes of the block */
    int kind;                /* ND_WARC_HTML / _TEXT: a document; ND_WARC_SKIP: not one */
    char type[24];           /* WARC-Type */
    char why[64];            /* for a record that is not a document: what it is */
} nd_warc_frame;

/* Reads the header at buf[0..n): 1 with f filled when it is complete, 0 when
 * more bytes are needed, -1 when it is not a WARC header (why, cap bytes,
 * says what is wrong).  The kind needs the block: see nd_warc_classify. */
int nd_warc_header(const char *buf, size_t n, nd_warc_frame *f, char *why, size_t cap);

/* Sets f->kind (and f->why) from the header and the block's first bytes
 * (block[0..n), n <= the block): a response with an HTTP status 2xx and an
 * HTML or text Content-Type (or none), a resource of such a type, or a
 * conversion (WET text) record is a document; warcinfo, request, metadata,
 * revisit and other responses are not. */
void nd_warc_classify(const char *hdr, const char *block, size_t n, nd_warc_frame *f);

/* A parsed record.  Pointers are into the record or the handle; valid
 * until the next nd_warc_parse on the handle. */
typedef struct {
    const char *uri, *record_id, *date;
    size_t uri_len, record_id_len, date_len;
    const char *body;   /* the document: the decoded HTTP body, or the block */
    size_t body_len;
    int html;           /* body is HTML (else text) */
    char charset[48];   /* charset of the HTTP (or WARC) Content-Type; "" when none */
} nd_warc_doc;

typedef struct nd_warc nd_warc;
nd_warc *nd_warc_create(void);
void nd_warc_free(nd_warc *w);

/* Parses one framed record rec[0..len) (a document, by nd_warc_frame).
 * where names it in errors ("crawl.warc.gz: record 3 at byte 5120").
 * Errors (NEARDUP_E_INPUT): a malformed HTTP message, bad chunked coding, a
 * corrupt or oversized compressed body, an unsupported content coding. */
int nd_warc_parse(nd_warc *w, const char *rec, size_t len, const char *where, nd_warc_doc *out, nd_error *err);

#endif
