/* zstd_mem.c - zstd decoders whose large buffers are huge-page mappings.
 *
 * A streaming decoder allocates its window (8 MiB for zstd -19, up to 2 GiB
 * with --long) in one piece and fills it once per window of output.  Where
 * the first touch of a 4 KiB page is expensive (~11 us on a paravirtualised
 * VM with shadow page tables), the 2,200 fresh pages of an 8 MiB window cost
 * the reading thread ~25 ms per process; in 2 MiB pages they cost ~1 ms. */
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_createDCtx_advanced */
#include <stdlib.h>
#include <zstd.h>

#include "nd.h"

/* Every block carries its size, so the free function knows how it was made;
 * 16 bytes keep malloc's alignment. */
typedef struct {
    size_t bytes;
    size_t unused;
} block_head;

/* Smaller blocks (contexts, tables) stay in the heap. */
#define MAPPED_FROM ((size_t)1 << 20)

static void *block_alloc(void *opaque, size_t size)
{
    (void)opaque;
    size_t bytes = size + sizeof(block_head);
    if (bytes < size) return NULL;
    block_head *h = bytes >= MAPPED_FROM ? nd_map_alloc(bytes) : malloc(bytes);
    if (!h) return NULL;
    h->bytes = bytes;
    return h + 1;
}

static void block_free(void *opaque, void *p)
{
    (void)opaque;
    if (!p) return;
    block_head *h = (block_head *)p - 1;
    if (h->bytes >= MAPPED_FROM) nd_map_free(h, h->bytes);
    else free(h);
}

ZSTD_DCtx *nd_zstd_dctx_new(void)
{
    ZSTD_customMem mem = {block_alloc, block_free, NULL};
    return ZSTD_createDCtx_advanced(mem);
}
