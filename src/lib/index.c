/* index.c - the persistent reference index: parameters, the mmap reader and
 * its checks, and reading text blocks (layout in index.h and index_format.h;
 * the writer is index_write.c).
 *
 * Crash safety: `index add` writes a whole new file beside the old one and
 * renames it over the old one after fsync.  The old file is never modified,
 * so a crash at any point leaves it intact (at worst a stray temporary file
 * beside it, which the next run on it removes), and a query that has the old
 * file mapped keeps its inode.  An append with a footer would copy less,
 * but the query then has to search several band and anchor runs per file;
 * one sorted run keeps a lookup to one binary search, and copying is a
 * sequential write of what is already compressed, which costs far less than
 * sketching the new documents. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>
#include <zstd.h>

#include "index_format.h"

/* ---------- parameters ---------- */

void nd_index_params_init(nd_index_params *p, unsigned ngram, unsigned k, double threshold,
                          uint64_t seed, const uint8_t *key_id, size_t key_id_len)
{
    memset(p, 0, sizeof *p);
    p->ngram = ngram;
    p->k = k;
    p->threshold = threshold;
    nd_lsh_params(threshold, k, &p->bands, &p->rows);
    if (key_id && key_id_len) memcpy(p->key_id, key_id, key_id_len < 32 ? key_id_len : 32);
    else p->seed = seed;
    p->text_block = 32768;
}

int nd_index_sketch(const nd_tokens *tok, unsigned ngram, unsigned k, const nd_seeds *seeds,
                    const nd_minhasher *mh, uint64_t **scratch, size_t *cap, uint32_t *sig,
                    uint32_t *nshingles)
{
    size_t m = nd_shingle_count(tok->n, ngram);
    if (nd_grow((void **)scratch, cap, m ? m : 1, sizeof **scratch)) return NEARDUP_E_NOMEM;
    nd_shingle(tok->hash, tok->n, ngram, seeds->shingle_seed, *scratch);
    m = nd_hash_set(*scratch, m);
    if (mh) nd_minhash_sig(mh, *scratch, m, sig);
    else nd_minhash(*scratch, m, k, seeds->sketch_seed, sig);
    *nshingles = m > UINT32_MAX ? UINT32_MAX : (uint32_t)m;
    return NEARDUP_OK;
}

int nd_index_params_check(const nd_index_params *have, const nd_index_params *want,
                          const char *path, nd_error *err)
{
#define CHECK_U(field, what)                                                                        \
    if (have->field != want->field)                                                                 \
        return nd_fail(err, NEARDUP_E_FORMAT, "%s was built with %s %u, this run asks for %u; "     \
                       "rebuild the index or use its parameters", path, what, have->field, want->field);
    CHECK_U(ngram, "--ngram")
    CHECK_U(k, "--num-perm")
    CHECK_U(bands, "bands")
    CHECK_U(rows, "rows")
    CHECK_U(anchor_ngram, "anchor n-gram")
    CHECK_U(anchor_w, "anchor window")
    CHECK_U(anchor_scheme, "anchor scheme")
#undef CHECK_U
    static const uint8_t zero[ND_INDEX_KEY_ID_BYTES];
    int hk = memcmp(have->key_id, zero, sizeof zero) != 0, wk = memcmp(want->key_id, zero, sizeof zero) != 0;
    if (hk != wk)
        return nd_fail(err, NEARDUP_E_KEY, hk ? "%s was built in keyed mode: give its key with --key FILE"
                                              : "%s was built without a key: drop --key", path);
    if (hk && memcmp(have->key_id, want->key_id, sizeof zero))
        return nd_fail(err, NEARDUP_E_KEY, "%s was built with another key (key ids differ)", path);
    if (!hk && have->seed != want->seed)
        return nd_fail(err, NEARDUP_E_FORMAT, "%s was built with --seed %llu, this run asks for %llu",
                       path, (unsigned long long)have->seed, (unsigned long long)want->seed);
    return NEARDUP_OK;
}

/* ---------- reader ---------- */

static int bad(nd_error *err, const char *path, const char *what)
{
    return nd_fail(err, NEARDUP_E_FORMAT, "%s: %s", path, what);
}

/* Checks a section's place and size; expect = ANY means any size. */
#define ANY UINT64_MAX
static int check_section(const header *h, int s, uint64_t size, uint64_t expect, const char *path,
                         nd_error *err)
{
    const section *x = &h->sec[s];
    if (x->kind != (uint32_t)s || x->off % 8 || x->off < HEADER_BYTES || x->off > size ||
        x->len > size - x->off)
        return nd_fail(err, NEARDUP_E_FORMAT, "%s: damaged index: the %s section lies outside the file",
                       path, nd_index_sec_name[s]);
    if (expect != ANY && x->len != expect)
        return nd_fail(err, NEARDUP_E_FORMAT, "%s: damaged index: the %s section has %llu bytes, "
                       "expected %llu", path, nd_index_sec_name[s], (unsigned long long)x->len,
                       (unsigned long long)expect);
    return NEARDUP_OK;
}

static int check_header(const header *h, uint64_t size, const char *path, nd_error *err)
{
    if (memcmp(h->magic, nd_index_magic, sizeof nd_index_magic)) return bad(err, path, "not a neardup index (bad magic)");
    if (h->version != ND_INDEX_VERSION)
        return nd_fail(err, NEARDUP_E_FORMAT, "%s: index format version %u; this neardup reads "
                       "version %u: rebuild it with `neardup index build`", path, h->version,
                       ND_INDEX_VERSION);
    if (h->endian != 0x01020304u) return bad(err, path, "index written on a machine of other byte order");
    if (h->header_bytes != HEADER_BYTES || h->nsections != NSECTIONS ||
        XXH3_64bits(h, offsetof(header, header_hash)) != h->header_hash)
        return bad(err, path, "damaged index: header checksum mismatch");
    if (h->file_bytes != size)
        return nd_fail(err, NEARDUP_E_FORMAT, "%s: truncated or damaged index: the header says %llu "
                       "bytes, the file has %llu", path, (unsigned long long)h->file_bytes,
                       (unsigned long long)size);
    if (h->k < 1 || h->k > 4096 || !h->bands || !h->rows || (uint64_t)h->bands * h->rows > h->k ||
        h->ndocs > UINT32_MAX || h->ndocs > size / 16)
        return bad(err, path, "damaged index: impossible parameters in the header");
    uint64_t n = h->ndocs;
    int rc = check_section(h, S_TEXTS, size, ANY, path, err);
    if (!rc) rc = check_section(h, S_IDS, size, ANY, path, err);
    if (!rc && h->sec[S_IDS].len < (n + 1) * 8) rc = bad(err, path, "damaged index: ids section too short");
    if (!rc) rc = check_section(h, S_DOCS, size, n * 16, path, err);
    if (!rc) rc = check_section(h, S_SIGS, size, n * h->k * 4, path, err);
    if (!rc) rc = check_section(h, S_BANDS, size, h->nbands * 16, path, err);
    if (!rc) rc = check_section(h, S_ANCHORS, size, h->nanchors * 16, path, err);
    if (!rc) rc = check_section(h, S_BLOCKS, size, h->nblocks * 32, path, err);
    if (!rc && (h->nmaps > n || h->nmap_runs > size / 12))
        rc = bad(err, path, "damaged index: impossible map counts in the header");
    if (!rc) rc = check_section(h, S_MAPS, size, h->nmaps * 16 + h->nmap_runs * 12, path, err);
    return rc;
}

/* The maps: one per document at most, in doc order, their runs tiling the
 * run array in order; each map covers its document's text from byte 0 to
 * its sentinel at the text's length, runs in text order (what the lookups
 * binary-search), each from original bytes o <= oe. */
static int check_maps(const nd_index *ix, nd_error *err)
{
    if (!(ix->verified & ND_IX_MAPS)) return NEARDUP_OK;
    uint64_t next = 0;
    for (uint64_t i = 0; i < ix->nmaps; i++) {
        const nd_index_map *m = &ix->maps[i];
        if (m->doc >= ix->ndocs || (i && m->doc <= ix->maps[i - 1].doc) || m->nruns < 2 || m->first != next ||
            m->nruns > ix->nmap_runs - next)
            return bad(err, ix->path, "damaged index: map table inconsistent");
        const nd_map_run *r = ix->map_runs + m->first;
        if (r[0].t != 0 || ((ix->verified & ND_IX_DOCS) && r[m->nruns - 1].t != ix->docs[m->doc].len))
            return bad(err, ix->path, "damaged index: a document's map does not cover its text");
        for (uint32_t j = 0; j < m->nruns; j++)
            if (r[j].o > r[j].oe || (j && r[j].t < r[j - 1].t))
                return bad(err, ix->path, "damaged index: a document's map is out of order");
        next += m->nruns;
    }
    if (next != ix->nmap_runs) return bad(err, ix->path, "damaged index: map table inconsistent");
    return NEARDUP_OK;
}

/* Structure the checksums cannot vouch for if a writer bug ever broke it. */
static int check_ids_docs(const nd_index *ix, nd_error *err)
{
    uint64_t idlen = ((const header *)ix->map)->sec[S_IDS].len - (ix->ndocs + 1) * 8;
    if ((ix->verified & ND_IX_IDS) && ix->ndocs) {
        if (ix->id_off[0] != 0 || ix->id_off[ix->ndocs] != idlen)
            return bad(err, ix->path, "damaged index: id table inconsistent");
        for (uint64_t i = 0; i < ix->ndocs; i++)
            if (ix->id_off[i + 1] <= ix->id_off[i] || ix->id_bytes[ix->id_off[i + 1] - 1] != '\0')
                return bad(err, ix->path, "damaged index: id table inconsistent");
    }
    if ((ix->verified & ND_IX_DOCS) && (ix->verified & ND_IX_BLOCKS))
        for (uint64_t i = 0; i < ix->ndocs; i++) {
            const nd_index_doc *d = &ix->docs[i];
            if (d->block >= ix->nblocks || (uint64_t)d->off + d->len > ix->blocks[d->block].raw)
                return bad(err, ix->path, "damaged index: document table points outside the texts");
        }
    return check_maps(ix, err);
}

static void set_params(nd_index_params *p, const header *h)
{
    p->ngram = h->ngram;
    p->k = h->k;
    p->bands = h->bands;
    p->rows = h->rows;
    p->threshold = h->threshold;
    p->seed = h->seed;
    memcpy(p->key_id, h->key_id, sizeof p->key_id);
    p->anchor_ngram = h->anchor_ngram;
    p->anchor_w = h->anchor_w;
    p->anchor_scheme = h->anchor_scheme;
    p->text_block = h->text_block;
}

static int map_file(const char *path, void **map, size_t *size, nd_error *err)
{
    /* O_NONBLOCK: opening a fifo for reading waits for a writer (a hang);
     * it does nothing to a regular file, and mmap ignores it */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        return nd_fail(err, e == ENOENT || e == ENOTDIR || e == EACCES || e == ELOOP ? NEARDUP_E_INPUT : NEARDUP_E_IO,
                       "cannot open index %s: %s", path, strerror(e));
    }
    struct stat st;
    if (fstat(fd, &st)) {
        int e = errno;
        close(fd);
        return nd_fail(err, NEARDUP_E_IO, "cannot read index %s: %s", path, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return nd_fail(err, NEARDUP_E_FORMAT, "%s: is a %s, not an index (an index is a regular file: "
                       "neardup index build ... -o FILE)", path,
                       S_ISDIR(st.st_mode) ? "directory" : S_ISFIFO(st.st_mode) ? "fifo"
                       : S_ISSOCK(st.st_mode) ? "socket" : "device");
    }
    if (st.st_size < HEADER_BYTES) {
        close(fd);
        return nd_fail(err, NEARDUP_E_FORMAT, "%s: not a neardup index or truncated (%lld bytes; an "
                       "index has at least %d)", path, (long long)st.st_size, HEADER_BYTES);
    }
    *size = (size_t)st.st_size;
    *map = mmap(NULL, *size, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (*map == MAP_FAILED)
        return nd_fail(err, NEARDUP_E_IO, "cannot map index %s: %s", path, strerror(errno));
    return NEARDUP_OK;
}

int nd_index_open(const char *path, unsigned want, nd_index **out, nd_error *err)
{
    *out = NULL;
    nd_index *ix = calloc(1, sizeof *ix);
    if (!ix || !(ix->path = strdup(path))) {
        free(ix);
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
    }
    int rc = map_file(path, &ix->map, &ix->size, err);
    if (rc) {
        ix->map = NULL;
        nd_index_close(ix);
        return rc;
    }
    const header *h = ix->map;
    if ((rc = check_header(h, ix->size, path, err))) {
        nd_index_close(ix);
        return rc;
    }
    set_params(&ix->p, h);
    ix->ndocs = h->ndocs;
    ix->nbands = h->nbands;
    ix->nanchors = h->nanchors;
    ix->nblocks = h->nblocks;
    ix->text_bytes = h->text_bytes;
    ix->nmaps = h->nmaps;
    ix->nmap_runs = h->nmap_runs;
    for (int i = 0; i < NSECTIONS; i++) ix->section_bytes[i] = h->sec[i].len;
    static const int bit_sec[7] = {S_IDS, S_DOCS, S_SIGS, S_BANDS, S_ANCHORS, S_BLOCKS, S_MAPS};
    const uint8_t *base = ix->map;
    for (int b = 0; b < 7; b++) {
        const section *s = &h->sec[bit_sec[b]];
        if (!(want & (1u << b))) continue;
        if (XXH3_64bits(base + s->off, s->len) != s->hash) {
            rc = nd_fail(err, NEARDUP_E_FORMAT, "%s: damaged index: checksum mismatch in the %s section",
                         path, nd_index_sec_name[bit_sec[b]]);
            nd_index_close(ix);
            return rc;
        }
        ix->verified |= 1u << b;
    }
    const uint8_t *at = base;
    if (ix->verified & ND_IX_IDS) {
        ix->id_off = (const uint64_t *)(at + h->sec[S_IDS].off);
        ix->id_bytes = (const char *)(ix->id_off + ix->ndocs + 1);
    }
    if (ix->verified & ND_IX_DOCS) ix->docs = (const nd_index_doc *)(at + h->sec[S_DOCS].off);
    if (ix->verified & ND_IX_SIGS) ix->sig = (const uint32_t *)(at + h->sec[S_SIGS].off);
    if (ix->verified & ND_IX_BANDS) ix->bands = (const nd_band_rec *)(at + h->sec[S_BANDS].off);
    if (ix->verified & ND_IX_ANCHORS) ix->anchors = (const nd_index_anchor *)(at + h->sec[S_ANCHORS].off);
    if (ix->verified & ND_IX_BLOCKS) ix->blocks = (const nd_index_block *)(at + h->sec[S_BLOCKS].off);
    if (ix->verified & ND_IX_MAPS) {
        ix->maps = (const nd_index_map *)(at + h->sec[S_MAPS].off);
        ix->map_runs = (const nd_map_run *)(ix->maps + ix->nmaps);
    }
    ix->texts_base = base;
    if ((rc = check_ids_docs(ix, err))) {
        nd_index_close(ix);
        return rc;
    }
    *out = ix;
    return NEARDUP_OK;
}

void nd_index_close(nd_index *ix)
{
    if (!ix) return;
    if (ix->map) munmap(ix->map, ix->size);
    free(ix->path);
    free(ix);
}

int nd_index_check_key(const nd_index *ix, const uint8_t *key_id, size_t key_id_len, nd_error *err)
{
    nd_index_params want = ix->p;
    memset(want.key_id, 0, sizeof want.key_id);
    if (key_id) memcpy(want.key_id, key_id, key_id_len < 32 ? key_id_len : 32), want.seed = 0;
    return nd_index_params_check(&ix->p, &want, ix->path, err);
}

size_t nd_index_doc_map(const nd_index *ix, uint64_t doc, const nd_map_run **run)
{
    *run = NULL;
    if (!(ix->verified & ND_IX_MAPS)) return 0;
    size_t lo = 0, hi = ix->nmaps;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ix->maps[mid].doc < doc) lo = mid + 1;
        else hi = mid;
    }
    if (lo == ix->nmaps || ix->maps[lo].doc != doc) return 0;
    *run = ix->map_runs + ix->maps[lo].first;
    return ix->maps[lo].nruns;
}

size_t nd_index_band_lookup(const nd_index *ix, uint64_t key, const nd_band_rec **first)
{
    size_t lo = 0, hi = ix->nbands;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ix->bands[mid].key < key) lo = mid + 1;
        else hi = mid;
    }
    size_t end = lo;
    while (end < ix->nbands && ix->bands[end].key == key) end++;
    *first = ix->bands + lo;
    return end - lo;
}

size_t nd_index_anchor_lookup(const nd_index *ix, uint64_t hash, const nd_index_anchor **first)
{
    size_t lo = 0, hi = ix->nanchors;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ix->anchors[mid].hash < hash) lo = mid + 1;
        else hi = mid;
    }
    size_t end = lo;
    while (end < ix->nanchors && ix->anchors[end].hash == hash) end++;
    *first = ix->anchors + lo;
    return end - lo;
}

/* ---------- texts ---------- */

struct nd_index_texts {
    ZSTD_DCtx *dctx;
    char *buf;
    size_t cap;
    const nd_index *ix;
    uint64_t block; /* the block in buf, valid when ix is set */
};

nd_index_texts *nd_index_texts_create(void)
{
    nd_index_texts *t = calloc(1, sizeof *t);
    if (t && !(t->dctx = ZSTD_createDCtx())) {
        free(t);
        return NULL;
    }
    return t;
}

void nd_index_texts_free(nd_index_texts *t)
{
    if (!t) return;
    ZSTD_freeDCtx(t->dctx);
    free(t->buf);
    free(t);
}

/* Checks and decompresses block b into t->buf. */
static int load_block(const nd_index *ix, nd_index_texts *t, uint64_t b, nd_error *err)
{
    const header *h = ix->map;
    /* block records are trusted only once their section passed its checksum */
    if (!(ix->verified & ND_IX_BLOCKS) || !ix->blocks || b >= ix->nblocks)
        return nd_fail(err, NEARDUP_E_INTERNAL, "index texts read without checking the block table");
    const nd_index_block *k = &ix->blocks[b];
    const section *s = &h->sec[S_TEXTS];
    if (k->off < s->off || k->off > s->off + s->len || k->csize > s->off + s->len - k->off ||
        XXH3_64bits(ix->texts_base + k->off, k->csize) != k->hash)
        return nd_fail(err, NEARDUP_E_FORMAT, "%s: damaged index: text block %llu fails its checksum",
                       ix->path, (unsigned long long)b);
    if (nd_grow((void **)&t->buf, &t->cap, (size_t)k->raw + 1, 1))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory decompressing %s", ix->path);
    size_t got = ZSTD_decompressDCtx(t->dctx, t->buf, t->cap, ix->texts_base + k->off, k->csize);
    if (ZSTD_isError(got) || got != k->raw) {
        t->ix = NULL;
        return nd_fail(err, NEARDUP_E_FORMAT, "%s: damaged index: text block %llu does not decompress (%s)",
                       ix->path, (unsigned long long)b, ZSTD_isError(got) ? ZSTD_getErrorName(got) : "size");
    }
    t->ix = ix;
    t->block = b;
    return NEARDUP_OK;
}

int nd_index_text(const nd_index *ix, nd_index_texts *t, uint64_t doc, const char **text,
                  size_t *len, nd_error *err)
{
    if (!ix->docs || !ix->blocks || doc >= ix->ndocs)
        return nd_fail(err, NEARDUP_E_INTERNAL, "%s: texts read without a checked document table", ix->path);
    const nd_index_doc *d = &ix->docs[doc];
    if (t->ix != ix || t->block != d->block) {
        int rc = load_block(ix, t, d->block, err);
        if (rc) return rc;
    }
    *text = t->buf + d->off;
    *len = d->len;
    return NEARDUP_OK;
}

int nd_index_verify_texts(const nd_index *ix, uint64_t *nbad, nd_error *err)
{
    *nbad = 0;
    nd_index_texts *t = nd_index_texts_create();
    if (!t) return nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
    nd_error first = {0, ""};
    for (uint64_t b = 0; b < ix->nblocks; b++) {
        nd_error e = {0, ""};
        if (load_block(ix, t, b, &e) && !(*nbad)++) first = e;
    }
    nd_index_texts_free(t);
    if (*nbad && err) *err = first;
    return *nbad ? first.code : NEARDUP_OK;
}
