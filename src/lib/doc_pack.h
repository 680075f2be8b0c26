/* doc_pack.h - one document of an overlap store (nd_doc_ref) as a flat
 * record (doc_pack.c): what overlap --memory keeps on disk and reads back in
 * batches, and what MPI ranks send each other when a rank aligns a document
 * another rank loaded.  One layout, so both see the same words, spans, map,
 * edited-reuse arrays and text. */
#ifndef ND_DOC_PACK_H
#define ND_DOC_PACK_H

#include "overlap.h"

/* Bytes nd_doc_pack writes for d (a multiple of 8), with its text when text
 * is set, and an id of id_len bytes. */
size_t nd_doc_pack_bytes(const nd_doc_ref *d, size_t id_len, int text);

/* Writes d (its number doc, its id) at p (8-byte aligned) and returns the
 * end (p + nd_doc_pack_bytes). */
char *nd_doc_pack(char *p, const nd_doc_ref *d, uint32_t doc, const char *id, size_t id_len, int text);

/* Reads the record at p (8-byte aligned) in place: d's arrays point into it
 * (writable when p is).  *doc, *id and *id_len may be NULL.  Returns the
 * next record. */
const char *nd_doc_unpack(const char *p, nd_doc_ref *d, uint32_t *doc, const char **id, size_t *id_len);

#endif
