/* nd.h - the base of neardup's internal interfaces: errors, growable and
 * mapped arrays, threads, sorting, and the hash seeds.  Each stage has a
 * header of its own, and each file includes the ones it uses:
 *
 *   reader.h   inputs -> raw records (JSONL lines or whole files), batched (corpus.c)
 *   record.h   raw record -> (id, text) (record.c; jansson for JSONL); the writers' escapes (json_write.c)
 *   tokenize.h text -> token hashes + byte spans (tokenize.c, tokenize_unicode.c; utf8proc, NFKC + case fold)
 *   shingle.h  token hashes -> word n-gram hashes (shingle.c; XXH3 over n token hashes)
 *   minhash.h  n-gram hashes -> k-lane signature (minhash.c; one permutation + densification)
 *   lsh.h      signatures -> band records -> candidate pairs (lsh.c; sorting, no maps)
 *   simhash.h  SimHash fingerprints and exact digests (simhash.c, exact.c)
 *   cluster.h  accepted pairs -> union-find clusters (cluster.c)
 *   align.h    two token arrays -> shared passages (align_seeds.c, align.c)
 *   edits.h    a passage's two token ranges -> its word edit script and counts (edits.c)
 *
 * Every stage is a plain function over plain arrays.  Nothing here holds global
 * state; scratch memory lives in small handles owned by the caller, so two
 * threads with two handles never share anything mutable.
 */
#ifndef ND_H
#define ND_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "defaults.h"
#include "neardup.h"

/* ---------- errors ---------- */

/* An error as it travels between stages: a public code plus a message that
 * already names the file, line/record and byte offset where there is one. */
typedef struct {
    int code; /* neardup_status */
    char msg[768];
} nd_error;

/* Sets err (if not NULL) and returns code; printf-style message. */
int nd_fail(nd_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Process exit status for a status code: 0 ok, 2 usage/bad input, 1 other. */
int nd_exit_status(int code);

/* Prints "neardup: MSG" (a line) to standard error and returns
 * nd_exit_status(code): the error line of the drivers, the command line
 * (nd_cli_error) and the MPI driver (nd_mpi_error).  The library's own
 * functions never print their errors; they return them. */
int nd_error_vprint(int code, const char *fmt, va_list ap);

/* ---------- small growable arrays ---------- */

/* Grows *ptr (of elements of size elem) so that it holds at least need
 * elements; *cap tracks capacity.  Returns 0, or -1 on out of memory (the old
 * block stays valid). */
int nd_grow(void **ptr, size_t *cap, size_t need, size_t elem);
/* Maps in the pages of base[from..to) at once (Linux MADV_POPULATE_WRITE):
 * half the cost of faulting them in one by one, which on a VM is ~3 ms a MB.
 * For large arrays about to be filled; does nothing where unsupported. */
void nd_prefault(void *base, size_t from, size_t to);
/* For an array filled front to back (cap bytes allocated, the first *done
 * already mapped in): maps in at least up to need bytes, 4 MiB at a time and
 * never past cap, so resident memory stays near what is used.  A realloc
 * keeps *done valid (it moves or copies the mapped part). */
void nd_prefault_ahead(void *base, size_t *done, size_t need, size_t cap);
/* A large array mapped on its own, 2 MiB aligned, with transparent huge pages
 * asked for (Linux MADV_HUGEPAGE): one fault maps 2 MiB instead of 4 KiB.
 * Zero-filled.  NULL when out of memory.  Free with nd_map_free(p, bytes). */
void *nd_map_alloc(size_t bytes);
/* Grows p (old_bytes, from nd_map_alloc; NULL: a new array) to new_bytes,
 * contents kept (the pages move, nothing is copied); NULL when out of
 * memory, p then still valid. */
void *nd_map_realloc(void *p, size_t old_bytes, size_t new_bytes);
/* nd_grow for nd_map_alloc'ed arrays (free with nd_map_free(*ptr, *cap * elem)). */
int nd_map_grow(void **ptr, size_t *cap, size_t need, size_t elem);
void nd_map_free(void *p, size_t bytes);
/* A zstd stream decoder whose window is an nd_map_alloc mapping (zstd_mem.c);
 * free it with ZSTD_freeDCtx. */
struct ZSTD_DCtx_s *nd_zstd_dctx_new(void);

/* ---------- temporary files, whole reads and writes ---------- */

/* What a --memory bound leaves for what grows with the corpus once fixed
 * bytes (the program, the pipeline's buffers) come off: memory - fixed, or a
 * quarter of a bound too small for that (which is then exceeded); and its
 * inverse, the smallest bound that leaves a budget of b. */
uint64_t nd_memory_budget(uint64_t memory, uint64_t fixed);
uint64_t nd_memory_for_budget(uint64_t b, uint64_t fixed);

/* An unlinked temporary file in dir (NULL or "": $TMPDIR, else /tmp): gone
 * from the directory before it holds a byte, so nothing survives an exit of
 * any kind.  Returns the descriptor, or -1 with err set (naming dir). */
int nd_tmp_open(const char *dir, nd_error *err);

/* Writes n bytes (at the file position, or at off), reads n bytes at off,
 * whole (EINTR and short transfers retried).  Returns 0, or -1 with errno
 * set (ENOSPC for a full disk; EIO at an unexpected end). */
int nd_write_all(int fd, const void *p, size_t n);
int nd_pwrite_all(int fd, const void *p, size_t n, uint64_t off);
int nd_pread_all(int fd, void *p, size_t n, uint64_t off);

/* ---------- threads ---------- */

/* Runs fn(arg, i) for i in [0, n) on threads threads (this one included),
 * which take items from a shared counter (parallel.c).  label: a progress bar
 * on standard error drawn by this thread (NULL: none).  Stops handing out
 * items after a failure.  Returns NEARDUP_OK, or NEARDUP_E_NOMEM if fn
 * failed (returned non-zero) for some item. */
int nd_parallel_for(size_t n, unsigned threads, int (*fn)(void *, size_t), void *arg, const char *label);
/* The same where item i stands for `per` units of `total` (blocks of work):
 * the bar counts units. */
int nd_parallel_for_blocks(size_t n, size_t per, size_t total, unsigned threads, int (*fn)(void *, size_t),
                           void *arg, const char *label);

/* ---------- sorting ---------- */

/* Stable sorts by key (sort.c): a pass on the top bits, then insertion or
 * LSD radix sort within buckets.  Return NEARDUP_OK or NEARDUP_E_NOMEM. */
int nd_sort_u64(uint64_t *a, size_t n);

/* Ascending order of uint32_t and uint64_t values, for qsort, bsearch and
 * merged runs (sort.c). */
int nd_cmp_u32(const void *x, const void *y);
int nd_cmp_u64(const void *x, const void *y);

/* ---------- union-find ---------- */

/* Sets over parent[] (parent[x] == x: a root).  nd_uf_find: the root of x,
 * halving the path.  nd_uf_unite: joins the sets of x and y under the
 * smaller root, so a root is its set's smallest member (a cluster keeps its
 * first document, whatever the order of the unions). */
static inline uint32_t nd_uf_find(uint32_t *parent, uint32_t x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

static inline void nd_uf_unite(uint32_t *parent, uint32_t x, uint32_t y)
{
    x = nd_uf_find(parent, x), y = nd_uf_find(parent, y);
    if (x < y) parent[y] = x;
    else if (y < x) parent[x] = y;
}

/* ---------- hashing keys ---------- */

/* All hash seeds derive from one 64-bit seed, or from a secret key (issue 7).
 * The default seed is fixed and documented so results are reproducible. */
#define ND_DEFAULT_SEED UINT64_C(0x6e6561726475703a) /* "neardup:" */

/* Bytes of the XXH3 secret used for tokens in keyed mode (XXH3 needs >= 136). */
#define ND_SECRET_BYTES 192

typedef struct {
    uint64_t token_seed;   /* XXH3 seed for normalised token bytes */
    uint64_t shingle_seed; /* XXH3 seed for n-gram hashes */
    uint64_t sketch_seed;  /* MinHash / SimHash / band-key seed */
    uint64_t anchor_seed;  /* overlap anchor selection */
    /* Keyed mode: tokens are hashed with XXH3 and this secret (derived from
     * the key with BLAKE2b) instead of a 64-bit seed, so token hashes, and
     * everything built on them, are unpredictable without the key. */
    int keyed;
    unsigned char token_secret[ND_SECRET_BYTES];
} nd_seeds;

/* Derives the four seeds from a base seed (splitmix64 steps). */
void nd_seeds_from_seed(nd_seeds *s, uint64_t seed);

/* The finaliser of MurmurHash3 (fmix64): a bijection on 64 bits, so distinct
 * inputs stay distinct, with every bit of the input in every bit of the
 * output.  The one mixer of MinHash, SimHash, anchors and fingerprints. */
static inline uint64_t nd_fmix64(uint64_t x)
{
    x ^= x >> 33;
    x *= UINT64_C(0xff51afd7ed558ccd);
    x ^= x >> 33;
    x *= UINT64_C(0xc4ceb9fe1a85ec53);
    x ^= x >> 33;
    return x;
}

#endif
