/* index.h - the persistent reference index (index.c): a writer that builds a
 * new file (index_write.c; the CLI's nd_out renames it into place, synced),
 * and a reader that maps a file with mmap
 * and checks it before any of its bytes are believed.
 *
 * File layout (little-endian, every section 8-byte aligned):
 *
 *   header   512 bytes: magic "NDUPIDX\0", version, parameters (n-gram, k,
 *            bands x rows, threshold, seed or 32-byte key id, anchor
 *            sampling), file size, counts, a table of sections with the
 *            XXH3-64 of each, and the XXH3-64 of the header itself
 *   ids      (ndocs + 1) uint64 offsets, then the id bytes (NUL after each)
 *   docs     ndocs x nd_index_doc: shingle count, text block, place in block
 *   sigs     ndocs x k uint32 MinHash lanes
 *   bands    nd_band_rec sorted by (key, doc): a query binary-searches its keys
 *   anchors  nd_index_anchor sorted by (hash, doc, pos): overlap postings
 *   blocks   nd_index_block per zstd frame: where it is, sizes, XXH3-64
 *   maps     the offset maps of the documents that have one (offmap.h: HTML
 *            pages, WARC records, re-encoded files): nmaps nd_index_map
 *            sorted by doc, then their runs (nd_map_run, 12 bytes each, a
 *            sentinel included), so query prints offsets into the original
 *            files; a plain UTF-8 or JSONL document has no entry (identity)
 *   texts    the reference texts, zstd frames of about text_block raw bytes
 *            of consecutive documents, so a query decompresses only the
 *            blocks holding the documents it aligns
 *
 * Why texts are stored and not paths: files move, change and disappear; an
 * index must answer alone, on another machine, a year later, with offsets
 * that are still true.  Compressed news text costs about a third of its size.
 *
 * Every section but texts is hashed whole and checked when the index is
 * opened; the texts section is checked block by block (each block's hash sits
 * in the checked blocks section) when a block is decompressed, so opening a
 * large index does not read every text.  nd_index_verify_texts checks them all.
 */
#ifndef ND_INDEX_H
#define ND_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "nd.h"

/* Bump when the file layout changes, and whenever tests/test_golden.c's
 * pinned hash values change (old signatures and band keys no longer match).
 * 2: a densified MinHash lane is a hash of the borrowed minimum's 64 bits
 *    and of the lane, no longer a copy of its 32-bit value (issue 19).
 * 3: a maps section: each document's map back to its original bytes
 *    (issue 22), so offsets printed by query are into the original files. */
#define ND_INDEX_VERSION 3
#define ND_INDEX_KEY_ID_BYTES 32 /* a key id (key.h: 16 bytes) zero-padded; all zero = unkeyed */

/* What an index was built with; a query must use exactly the same. */
typedef struct {
    unsigned ngram, k;      /* shingle words, MinHash lanes */
    unsigned bands, rows;   /* LSH banding (chosen from threshold at build) */
    double threshold;       /* the Jaccard threshold the bands were chosen for */
    uint64_t seed;          /* base hash seed; 0 in keyed mode */
    uint8_t key_id[ND_INDEX_KEY_ID_BYTES];
    unsigned anchor_ngram;  /* words per anchor n-gram (0: no anchors) */
    unsigned anchor_w;      /* anchor sampling window */
    unsigned anchor_scheme; /* anchor selection scheme id (see anchors.h) */
    unsigned text_block;    /* raw bytes of text per zstd block (target) */
} nd_index_params;

/* Parameters for a new index: bands x rows chosen from threshold as
 * `pairs` does; key (may be NULL or not present) replaces the seed by its id;
 * no anchors (callers that store anchors set the anchor fields). */
void nd_index_params_init(nd_index_params *p, unsigned ngram, unsigned k, double threshold,
                          uint64_t seed, const uint8_t *key_id, size_t key_id_len);

/* The signature and distinct shingle count of one tokenized document,
 * computed exactly as sketch.c does for `pairs` (shingle, set, one-permutation
 * MinHash), so index answers equal pairs answers.  *scratch grows as needed.
 * mh: k and seeds->sketch_seed's minhasher (NULL: the same signature, slower
 * for short documents).  Returns NEARDUP_OK or NEARDUP_E_NOMEM. */
int nd_index_sketch(const nd_tokens *tok, unsigned ngram, unsigned k, const nd_seeds *seeds,
                    const nd_minhasher *mh, uint64_t **scratch, size_t *cap, uint32_t *sig,
                    uint32_t *nshingles);

/* Compares the parameters an index was built with (have) to the ones a
 * caller needs (want); on a mismatch fails with NEARDUP_E_FORMAT naming path,
 * the parameter and both values. */
int nd_index_params_check(const nd_index_params *have, const nd_index_params *want,
                          const char *path, nd_error *err);

typedef struct {
    uint32_t nshingles; /* distinct shingles; 0 = empty (never pairs) */
    uint32_t block;     /* text block */
    uint32_t off, len;  /* the text's bytes in the block's raw data */
} nd_index_doc;

typedef struct {
    uint64_t hash;
    uint32_t doc;
    uint32_t pos;       /* where the anchor starts in the document (token) */
} nd_index_anchor;

typedef struct {
    uint64_t off;       /* absolute file offset of the zstd frame */
    uint32_t csize, raw;
    uint64_t hash;      /* XXH3-64 of the compressed frame */
    uint32_t first_doc, ndocs;
} nd_index_block;

/* The map of one document (maps section): runs [first, first + nruns) of
 * the run array, its sentinel included (nruns >= 2). */
typedef struct {
    uint32_t doc;
    uint32_t nruns;
    uint64_t first;
} nd_index_map;

/* ---------- reader ---------- */

/* An open index.  All pointers point into the read-only mapping; a pointer
 * is NULL when its section was not verified at open (see nd_index_open), so
 * nothing unchecked can be read by mistake. */
typedef struct {
    char *path;
    void *map;
    size_t size;
    nd_index_params p;
    uint64_t ndocs, nbands, nanchors, nblocks, text_bytes;
    uint64_t nmaps, nmap_runs;
    uint64_t section_bytes[8]; /* texts, ids, docs, signatures, bands, anchors, blocks, maps */
    const uint64_t *id_off;  /* ndocs + 1 offsets into id_bytes */
    const char *id_bytes;
    const nd_index_doc *docs;
    const uint32_t *sig;
    const nd_band_rec *bands;
    const nd_index_anchor *anchors;
    const nd_index_block *blocks;
    const nd_index_map *maps;     /* nmaps, sorted by doc */
    const nd_map_run *map_runs;   /* nmap_runs */
    const uint8_t *texts_base; /* the start of the file: blocks hold absolute offsets */
    unsigned verified;         /* ND_IX_* bits of the sections checked */
} nd_index;

/* Section bits for nd_index_open's want mask. */
enum {
    ND_IX_IDS = 1 << 0,
    ND_IX_DOCS = 1 << 1,
    ND_IX_SIGS = 1 << 2,
    ND_IX_BANDS = 1 << 3,
    ND_IX_ANCHORS = 1 << 4,
    ND_IX_BLOCKS = 1 << 5,
    ND_IX_MAPS = 1 << 6,
    ND_IX_ALL = 0x7f,
};

/* Maps path and checks the header (magic, version, byte order, header hash,
 * file size, section bounds and sizes) and the XXH3-64 of every section in
 * want (ND_IX_ALL for everything; texts are checked per block on use).  A
 * truncated, damaged, foreign or other-version file fails with
 * NEARDUP_E_FORMAT and a message naming path and what is wrong; NEARDUP_E_IO
 * when it cannot be opened.  *out is malloc'ed; close with nd_index_close. */
int nd_index_open(const char *path, unsigned want, nd_index **out, nd_error *err);
void nd_index_close(nd_index *ix);

/* Fails with NEARDUP_E_KEY unless key_id (NULL when the run has no key) is
 * the key the open index was built with (none for an unkeyed index). */
int nd_index_check_key(const nd_index *ix, const uint8_t *key_id, size_t key_id_len, nd_error *err);

static inline const char *nd_index_id(const nd_index *ix, uint64_t doc)
{
    return ix->id_bytes + ix->id_off[doc];
}

/* Its length (every byte kept, a NUL included: the terminator is not counted). */
static inline size_t nd_index_id_len(const nd_index *ix, uint64_t doc)
{
    return ix->id_off[doc + 1] - ix->id_off[doc] - 1;
}

/* The offset map of doc back to its original file's bytes (offmap.h):
 * sets *run and returns its number of runs; 0 (identity, *run NULL) for a
 * document stored without one, or when the maps section was not opened.
 * Binary search over the maps. */
size_t nd_index_doc_map(const nd_index *ix, uint64_t doc, const nd_map_run **run);

/* The band records with this key: returns how many, *first the first one.
 * Binary search over the sorted section. */
size_t nd_index_band_lookup(const nd_index *ix, uint64_t key, const nd_band_rec **first);
/* The anchor postings with this hash, likewise. */
size_t nd_index_anchor_lookup(const nd_index *ix, uint64_t hash, const nd_index_anchor **first);

/* Decompresses reference texts, keeping the last block: a per-thread handle. */
typedef struct nd_index_texts nd_index_texts;
nd_index_texts *nd_index_texts_create(void);
void nd_index_texts_free(nd_index_texts *t);

/* The text of doc (valid until the next call on t).  Checks the block's hash
 * and sizes; a damaged block fails with NEARDUP_E_FORMAT naming the file. */
int nd_index_text(const nd_index *ix, nd_index_texts *t, uint64_t doc, const char **text,
                  size_t *len, nd_error *err);

/* Decompresses and checks every text block (for `index info`).  *bad gets the
 * number of damaged blocks; the first one is described in err. */
int nd_index_verify_texts(const nd_index *ix, uint64_t *bad, nd_error *err);

/* ---------- text blocks, built by worker threads ---------- */

/* Consecutive texts packed into one zstd frame. */
typedef struct {
    char *raw;
    size_t len, cap;
    uint32_t ndocs;
    void *frame;        /* the compressed frame after nd_text_block_seal */
    size_t csize, fcap;
    void *cctx;         /* ZSTD_CCtx, reused */
} nd_text_block;

/* Appends a text.  Returns NEARDUP_OK or NEARDUP_E_NOMEM. */
int nd_text_block_add(nd_text_block *b, const char *text, size_t len);
/* Compresses what was added into b->frame / b->csize (zstd level). */
int nd_text_block_seal(nd_text_block *b, int level, nd_error *err);
void nd_text_block_clear(nd_text_block *b); /* empties, keeps memory */
void nd_text_block_free(nd_text_block *b);

/* ---------- writer ---------- */

typedef struct nd_index_writer nd_index_writer;

/* Starts a new index written to f, a seekable stream at offset 0 (the
 * header is written last, at the start); path names it in messages and must
 * outlive w.  Making the file appear whole (a temporary file, fsync, rename)
 * is the caller's: the CLI's nd_out.  band_seed: nd_index_band_seed(sketch
 * seed), for the band records. */
int nd_index_writer_open(nd_index_writer **w, FILE *f, const char *path, const nd_index_params *p,
                         uint64_t band_seed, nd_error *err);

/* Adds a document: its id, shingle count, signature (k lanes), anchors
 * (their doc fields are ignored), the length of its text, which must come
 * in the next block given to nd_index_writer_block, and its offset map
 * (nd_doc.map: nmap runs, its sentinel included, covering text_len bytes;
 * nmap < 2: identity, nothing stored). */
int nd_index_writer_doc(nd_index_writer *w, const char *id, size_t id_len, uint32_t nshingles,
                        const uint32_t *sig, const nd_index_anchor *a, size_t na,
                        uint32_t text_len, const nd_map_run *map, size_t nmap, nd_error *err);

/* Adds a sealed text block holding the texts of every document added since
 * the previous block, in order. */
int nd_index_writer_block(nd_index_writer *w, const nd_text_block *b, nd_error *err);

/* Copies every document of an open index (opened with ND_IX_ALL), its
 * compressed blocks verbatim (each checked first). */
int nd_index_writer_copy(nd_index_writer *w, const nd_index *ix, nd_error *err);

/* Refuses duplicate ids, sorts the bands and anchors, writes the sections
 * and the header, and flushes f.  Frees w in every case (f stays open). */
int nd_index_writer_finish(nd_index_writer *w, nd_error *err);
/* Frees w; f is left as it is (the caller removes the file). */
void nd_index_writer_abort(nd_index_writer *w);

/* The band seed of the pairs command for a sketch seed (kept here so the
 * index and `pairs` cannot drift apart). */
static inline uint64_t nd_index_band_seed(uint64_t sketch_seed)
{
    return nd_band_seed(sketch_seed);
}

#endif
