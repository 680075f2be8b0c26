/* extract.h - a raw record that is not JSONL (a plain file, an HTML page, a
 * WARC record) -> the document the tokenizer sees: its id, its UTF-8 text
 * and the map from that text back to the original bytes (extract.c, on
 * encoding.c, html.c and warc.c).  nd_record_parse calls it; one handle per
 * thread. */
#ifndef ND_EXTRACT_H
#define ND_EXTRACT_H

#include "encoding.h"
#include "html.h"
#include "warc.h"

typedef struct nd_extractor nd_extractor;

/* NULL when out of memory or when o->encoding is not a known label
 * (*bad_label = 1). */
nd_extractor *nd_extractor_create(const nd_record_opts *o, int *bad_label);
void nd_extractor_free(nd_extractor *x);

/* Fills out (pointers valid until the next call on x).  Offsets of plain
 * files and HTML pages map to the file's bytes; those of a WARC record to
 * its payload (the HTTP body as the server sent it, after undoing chunked
 * and gzip codings; the block for WET and resource records). */
int nd_extract(nd_extractor *x, const nd_raw_record *rec, const char *bytes, const char *path, nd_doc *out,
               nd_error *err);

#endif
