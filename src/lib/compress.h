/* compress.h - streaming compression of an output, zstd or gzip (compress.c):
 * what `-o FILE.zst` and `-o FILE.gz` write.  The compressed bytes go to a
 * callback, so the caller keeps control of the descriptor (its errno, its
 * temporary file, its commit). */
#ifndef ND_COMPRESS_H
#define ND_COMPRESS_H

#include <stddef.h>

enum { ND_COMP_NONE, ND_COMP_ZSTD, ND_COMP_GZIP };

/* The compression a file name asks for: a name ending in .zst is zstd, in
 * .gz gzip (any case, as inputs are read), anything else none. */
int nd_compress_kind(const char *path);

/* Receives compressed bytes; returns 0, or -1 when they could not be
 * written (the callback keeps the reason). */
typedef int (*nd_compress_emit)(void *user, const void *buf, size_t n);

typedef struct nd_compressor nd_compressor;

/* A compressor of kind (ND_COMP_ZSTD: level 3 with a content checksum, as
 * the zstd tool writes; ND_COMP_GZIP: level 6, no name and mtime 0 in the
 * header, so the same bytes compress to the same file).  NULL when out of
 * memory or kind is ND_COMP_NONE. */
nd_compressor *nd_compressor_create(int kind, nd_compress_emit emit, void *user);
/* Compresses n bytes of buf; output is emitted as buffers fill.  Returns
 * NEARDUP_OK, NEARDUP_E_IO (emit failed), NEARDUP_E_NOMEM or
 * NEARDUP_E_INTERNAL (the compressor failed: a bug). */
int nd_compressor_write(nd_compressor *c, const void *buf, size_t n);
/* Ends the stream: emits what is buffered and the frame's end (checksum,
 * gzip trailer).  Only a stream ended with NEARDUP_OK is complete: `zstd -t`
 * and `gzip -t` accept it.  Returns as nd_compressor_write; no write after. */
int nd_compressor_end(nd_compressor *c);
void nd_compressor_free(nd_compressor *c); /* NULL is fine */

#endif
