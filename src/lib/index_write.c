/* index_write.c - building an index: zstd text blocks and the
 * writer of a new file (layout in index.h and index_format.h).
 *
 * Crash safety: `index add` writes a whole new file beside the old one (the
 * CLI's nd_out) and renames it over the old one after fsync.  The old file
 * is never modified, so a crash at any point leaves it intact (at worst a
 * stray temporary file beside it, which the next run on it removes), and a
 * query that has the old file mapped keeps its inode.  An append with a
 * footer would copy less, but the query then has to search several band and
 * anchor runs per file; one sorted run keeps a lookup to one binary search,
 * and copying is a sequential write of what is already compressed, which
 * costs far less than sketching the new documents. */
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

/* ---------- text blocks ---------- */

int nd_text_block_add(nd_text_block *b, const char *text, size_t len)
{
    if (nd_grow((void **)&b->raw, &b->cap, b->len + len + 1, 1)) return NEARDUP_E_NOMEM;
    memcpy(b->raw + b->len, text, len);
    b->len += len;
    b->ndocs++;
    return NEARDUP_OK;
}

int nd_text_block_seal(nd_text_block *b, int level, nd_error *err)
{
    if (!b->cctx && !(b->cctx = ZSTD_createCCtx())) return nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
    if (nd_grow(&b->frame, &b->fcap, ZSTD_compressBound(b->len), 1))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory compressing texts");
    size_t n = ZSTD_compressCCtx(b->cctx, b->frame, b->fcap, b->raw, b->len, level);
    if (ZSTD_isError(n))
        return nd_fail(err, NEARDUP_E_INTERNAL, "zstd compression failed: %s", ZSTD_getErrorName(n));
    b->csize = n;
    return NEARDUP_OK;
}

void nd_text_block_clear(nd_text_block *b)
{
    b->len = b->csize = 0;
    b->ndocs = 0;
}

void nd_text_block_free(nd_text_block *b)
{
    free(b->raw);
    free(b->frame);
    ZSTD_freeCCtx(b->cctx);
    memset(b, 0, sizeof *b);
}


/* ---------- writer ---------- */

struct nd_index_writer {
    const char *path; /* for messages */
    FILE *f;
    nd_index_params p;
    uint64_t band_seed, pos;
    char *ids;
    size_t ids_len, ids_cap;
    uint64_t *id_off;
    size_t id_cap;
    nd_index_doc *docs;
    size_t docs_cap;
    uint32_t *sig;
    size_t sig_cap;
    nd_index_anchor *anc;
    size_t nanc, anc_cap;
    nd_index_block *blocks;
    size_t nblocks, blocks_cap;
    nd_index_map *maps;  /* the documents that have a map, in doc order */
    size_t nmaps, maps_cap;
    nd_map_run *runs;
    size_t nruns, runs_cap;
    uint64_t ndocs, pending, copied, text_bytes;
};

static int put(nd_index_writer *w, const void *p, size_t n, XXH3_state_t *st, nd_error *err)
{
    if (n && fwrite(p, 1, n, w->f) != n)
        return nd_fail(err, NEARDUP_E_IO, "cannot write %s: %s", w->path, strerror(errno));
    if (st) XXH3_64bits_update(st, p, n);
    w->pos += n;
    return NEARDUP_OK;
}

static int pad8(nd_index_writer *w, nd_error *err)
{
    static const char zero[8];
    return put(w, zero, (8 - w->pos % 8) % 8, NULL, err);
}

int nd_index_writer_open(nd_index_writer **out, FILE *f, const char *path, const nd_index_params *p,
                         uint64_t band_seed, nd_error *err)
{
    nd_index_writer *w = calloc(1, sizeof *w);
    *out = NULL;
    if (!w || !(w->id_off = malloc(sizeof *w->id_off))) {
        nd_index_writer_abort(w);
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
    }
    w->path = path;
    w->f = f;
    w->id_cap = 1;
    w->id_off[0] = 0;
    w->p = *p;
    w->band_seed = band_seed;
    static const char zero[HEADER_BYTES]; /* the header is written last */
    int rc = put(w, zero, sizeof zero, NULL, err);
    if (rc) nd_index_writer_abort(w);
    else *out = w;
    return rc;
}

static int cmp_pos(const void *x, const void *y)
{
    const nd_index_anchor *a = x, *b = y;
    if (a->pos != b->pos) return a->pos < b->pos ? -1 : 1;
    return a->hash < b->hash ? -1 : a->hash > b->hash;
}

int nd_index_writer_doc(nd_index_writer *w, const char *id, size_t id_len, uint32_t nshingles,
                        const uint32_t *sig, const nd_index_anchor *a, size_t na,
                        uint32_t text_len, const nd_map_run *map, size_t nmap, nd_error *err)
{
    if (w->ndocs >= UINT32_MAX - 1)
        return nd_fail(err, NEARDUP_E_INPUT, "%s: an index holds at most %u documents", w->path, UINT32_MAX - 1);
    uint64_t d = w->ndocs;
    if (nd_grow((void **)&w->ids, &w->ids_cap, w->ids_len + id_len + 1, 1) ||
        nd_grow((void **)&w->id_off, &w->id_cap, d + 2, sizeof *w->id_off) ||
        nd_grow((void **)&w->docs, &w->docs_cap, d + 1, sizeof *w->docs) ||
        nd_grow((void **)&w->sig, &w->sig_cap, (d + 1) * w->p.k, sizeof *w->sig) ||
        nd_grow((void **)&w->anc, &w->anc_cap, w->nanc + na, sizeof *w->anc))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory adding document %llu to the index",
                       (unsigned long long)d);
    if (nmap >= 2) { /* fewer: the identity, which costs nothing */
        if (nmap > UINT32_MAX || map[0].t != 0 || map[nmap - 1].t != text_len)
            return nd_fail(err, NEARDUP_E_INTERNAL, "%s: document %llu: its offset map does not cover its text",
                           w->path, (unsigned long long)d + 1);
        if (nd_grow((void **)&w->maps, &w->maps_cap, w->nmaps + 1, sizeof *w->maps) ||
            nd_grow((void **)&w->runs, &w->runs_cap, w->nruns + nmap, sizeof *w->runs))
            return nd_fail(err, NEARDUP_E_NOMEM, "out of memory adding document %llu to the index",
                           (unsigned long long)d);
        w->maps[w->nmaps++] = (nd_index_map){(uint32_t)d, (uint32_t)nmap, w->nruns};
        memcpy(w->runs + w->nruns, map, nmap * sizeof *map);
        w->nruns += nmap;
    }
    memcpy(w->ids + w->ids_len, id, id_len);
    w->ids_len += id_len;
    w->ids[w->ids_len++] = '\0';
    w->id_off[d + 1] = w->ids_len;
    w->docs[d] = (nd_index_doc){nshingles, UINT32_MAX, 0, text_len};
    memcpy(w->sig + d * w->p.k, sig, w->p.k * sizeof *sig);
    nd_index_anchor *dst = w->anc + w->nanc;
    int sorted = 1;
    for (size_t i = 0; i < na; i++) {
        dst[i] = a[i];
        dst[i].doc = (uint32_t)d;
        if (i && cmp_pos(&dst[i - 1], &dst[i]) > 0) sorted = 0;
    }
    if (!sorted) qsort(dst, na, sizeof *dst, cmp_pos); /* the hash sort is stable: keep (doc, pos) order */
    w->nanc += na;
    w->ndocs++;
    return NEARDUP_OK;
}

/* Appends a compressed frame holding the texts of docs [pending, ndocs). */
static int add_frame(nd_index_writer *w, const void *frame, size_t csize, size_t raw, uint32_t ndocs,
                     nd_error *err)
{
    if (ndocs != w->ndocs - w->pending || raw > UINT32_MAX || csize > UINT32_MAX)
        return nd_fail(err, NEARDUP_E_INTERNAL, "%s: text block does not match its documents", w->path);
    if (!ndocs) return NEARDUP_OK;
    if (nd_grow((void **)&w->blocks, &w->blocks_cap, w->nblocks + 1, sizeof *w->blocks))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
    uint64_t off = 0;
    for (uint64_t d = w->pending; d < w->ndocs; d++) {
        w->docs[d].block = (uint32_t)w->nblocks;
        w->docs[d].off = (uint32_t)off;
        off += w->docs[d].len;
    }
    if (off != raw) return nd_fail(err, NEARDUP_E_INTERNAL, "%s: text block size mismatch", w->path);
    w->blocks[w->nblocks++] = (nd_index_block){w->pos, (uint32_t)csize, (uint32_t)raw,
                                               XXH3_64bits(frame, csize), (uint32_t)w->pending, ndocs};
    w->pending = w->ndocs;
    w->text_bytes += raw;
    return put(w, frame, csize, NULL, err);
}

int nd_index_writer_block(nd_index_writer *w, const nd_text_block *b, nd_error *err)
{
    return add_frame(w, b->frame, b->csize, b->len, b->ndocs, err);
}

int nd_index_writer_copy(nd_index_writer *w, const nd_index *ix, nd_error *err)
{
    if (w->ndocs || ix->verified != ND_IX_ALL)
        return nd_fail(err, NEARDUP_E_INTERNAL, "index copy needs an empty writer and a checked index");
    uint64_t bad;
    int rc = nd_index_verify_texts(ix, &bad, err);
    for (uint64_t b = 0; !rc && b < ix->nblocks; b++) {
        const nd_index_block *k = &ix->blocks[b];
        for (uint64_t d = k->first_doc; !rc && d < (uint64_t)k->first_doc + k->ndocs; d++) {
            const char *id = nd_index_id(ix, d);
            const nd_map_run *map;
            size_t nmap = nd_index_doc_map(ix, d, &map);
            rc = nd_index_writer_doc(w, id, nd_index_id_len(ix, d), ix->docs[d].nshingles, ix->sig + d * ix->p.k,
                                     NULL, 0, ix->docs[d].len, map, nmap, err);
        }
        if (!rc) rc = add_frame(w, ix->texts_base + k->off, k->csize, k->raw, k->ndocs, err);
    }
    if (!rc && w->ndocs != ix->ndocs)
        rc = nd_fail(err, NEARDUP_E_FORMAT, "%s: damaged index: blocks do not cover every document", ix->path);
    if (!rc && nd_grow((void **)&w->anc, &w->anc_cap, ix->nanchors, sizeof *w->anc))
        rc = nd_fail(err, NEARDUP_E_NOMEM, "out of memory copying anchors");
    if (rc) return rc;
    if (ix->nanchors) memcpy(w->anc, ix->anchors, ix->nanchors * sizeof *w->anc); /* sorted by hash */
    w->nanc = ix->nanchors;
    w->copied = w->ndocs;
    return NEARDUP_OK;
}

/* Stable LSD radix sort of anchors by hash, 16-bit digits. */
static int sort_anchors(nd_index_anchor *a, size_t n)
{
    nd_index_anchor *tmp = malloc((n ? n : 1) * sizeof *tmp);
    size_t *cnt = malloc(65536 * sizeof *cnt);
    if (!tmp || !cnt) {
        free(tmp);
        free(cnt);
        return NEARDUP_E_NOMEM;
    }
    nd_index_anchor *src = a, *dst = tmp;
    for (int shift = 0; shift < 64; shift += 16) {
        memset(cnt, 0, 65536 * sizeof *cnt);
        for (size_t i = 0; i < n; i++) cnt[(src[i].hash >> shift) & 0xffff]++;
        for (size_t i = 0, sum = 0; i < 65536; i++) {
            size_t c = cnt[i];
            cnt[i] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++) dst[cnt[(src[i].hash >> shift) & 0xffff]++] = src[i];
        nd_index_anchor *t = src;
        src = dst;
        dst = t;
    }
    free(tmp); /* four passes: the result is back in a */
    free(cnt);
    return NEARDUP_OK;
}

/* Ids must be unique: sorts (hash of id, doc) and compares neighbours. */
static int check_unique(const nd_index_writer *w, nd_error *err)
{
    nd_band_rec *r = malloc((w->ndocs ? w->ndocs : 1) * sizeof *r);
    if (!r) return nd_fail(err, NEARDUP_E_NOMEM, "out of memory checking ids");
    for (uint64_t d = 0; d < w->ndocs; d++)
        r[d] = (nd_band_rec){XXH3_64bits(w->ids + w->id_off[d], w->id_off[d + 1] - w->id_off[d]),
                             (uint32_t)d, 0};
    int rc = nd_sort_band_recs(r, w->ndocs) ? nd_fail(err, NEARDUP_E_NOMEM, "out of memory") : 0;
    for (uint64_t i = 1; !rc && i < w->ndocs; i++)
        for (uint64_t j = i; j-- > 0 && r[j].key == r[i].key;) {
            /* lengths with the NUL: an id keeps every byte, \u0000 included */
            uint64_t la = w->id_off[r[j].doc + 1] - w->id_off[r[j].doc], lb = w->id_off[r[i].doc + 1] - w->id_off[r[i].doc];
            const char *a = w->ids + w->id_off[r[j].doc], *b = w->ids + w->id_off[r[i].doc];
            if (la != lb || memcmp(a, b, la)) continue;
            char idt[256];
            nd_id_text(idt, sizeof idt, b, lb - 1);
            rc = r[j].doc < w->copied
                     ? nd_fail(err, NEARDUP_E_INPUT, "id \"%s\" is already in the index %s", idt, w->path)
                     : nd_fail(err, NEARDUP_E_INPUT, "duplicate id \"%s\" (documents %u and %u)", idt,
                               r[j].doc + 1, r[i].doc + 1);
            break;
        }
    free(r);
    return rc;
}

/* Writes one section from a buffer (or two buffers), recording its hash. */
static int put_section(nd_index_writer *w, header *h, int s, const void *a, size_t na, const void *b,
                       size_t nb, nd_error *err)
{
    int rc = pad8(w, err);
    if (rc) return rc;
    XXH3_state_t *st = XXH3_createState();
    if (!st) return nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
    XXH3_64bits_reset(st);
    h->sec[s] = (section){w->pos, na + nb, 0, (uint32_t)s, 0};
    if (!(rc = put(w, a, na, st, err))) rc = put(w, b, nb, st, err);
    h->sec[s].hash = XXH3_64bits_digest(st);
    XXH3_freeState(st);
    return rc;
}

static int write_bands(nd_index_writer *w, header *h, nd_error *err)
{
    uint64_t live = 0;
    for (uint64_t d = 0; d < w->ndocs; d++) live += w->docs[d].nshingles > 0;
    nd_band_rec *r = malloc((live ? live : 1) * w->p.bands * sizeof *r);
    if (!r) return nd_fail(err, NEARDUP_E_NOMEM, "out of memory for band records");
    size_t n = 0;
    for (uint64_t d = 0; d < w->ndocs; d++) {
        if (!w->docs[d].nshingles) continue; /* empty documents never pair, as in `pairs` */
        nd_lsh_band_records(w->sig + d * w->p.k, w->p.bands, w->p.rows, w->band_seed, (uint32_t)d, r + n);
        n += w->p.bands;
    }
    int rc = nd_sort_band_recs(r, n) ? nd_fail(err, NEARDUP_E_NOMEM, "out of memory sorting bands") : 0;
    if (!rc) rc = put_section(w, h, S_BANDS, r, n * sizeof *r, NULL, 0, err);
    h->nbands = n;
    free(r);
    return rc;
}

static void fill_header(const nd_index_writer *w, header *h)
{
    memcpy(h->magic, nd_index_magic, sizeof nd_index_magic);
    h->version = ND_INDEX_VERSION;
    h->header_bytes = HEADER_BYTES;
    h->endian = 0x01020304u;
    h->nsections = NSECTIONS;
    h->file_bytes = w->pos;
    h->ndocs = w->ndocs;
    h->nblocks = w->nblocks;
    h->nanchors = w->nanc;
    h->text_bytes = w->text_bytes;
    h->nmaps = w->nmaps;
    h->nmap_runs = w->nruns;
    h->seed = w->p.seed;
    memcpy(h->key_id, w->p.key_id, sizeof h->key_id);
    h->threshold = w->p.threshold;
    h->ngram = w->p.ngram;
    h->k = w->p.k;
    h->bands = w->p.bands;
    h->rows = w->p.rows;
    h->anchor_ngram = w->p.anchor_ngram;
    h->anchor_w = w->p.anchor_w;
    h->anchor_scheme = w->p.anchor_scheme;
    h->text_block = w->p.text_block;
    h->header_hash = XXH3_64bits(h, offsetof(header, header_hash));
}

/* The header last, over the zeros at the start, and the stream flushed. */
static int finish_file(nd_index_writer *w, header *h, nd_error *err)
{
    fill_header(w, h);
    if (fflush(w->f) || fseeko(w->f, 0, SEEK_SET) || fwrite(h, sizeof *h, 1, w->f) != 1 || fflush(w->f))
        return nd_fail(err, NEARDUP_E_IO, "cannot write %s: %s", w->path, strerror(errno));
    return NEARDUP_OK;
}

int nd_index_writer_finish(nd_index_writer *w, nd_error *err)
{
    header h;
    memset(&h, 0, sizeof h);
    int rc = w->pending != w->ndocs
                 ? nd_fail(err, NEARDUP_E_INTERNAL, "%s: documents without a text block", w->path)
                 : check_unique(w, err);
    h.sec[S_TEXTS] = (section){HEADER_BYTES, w->pos - HEADER_BYTES, 0, S_TEXTS, 1}; /* hashed per block */
    if (!rc) rc = put_section(w, &h, S_IDS, w->id_off, (w->ndocs + 1) * 8, w->ids, w->ids_len, err);
    if (!rc) rc = put_section(w, &h, S_DOCS, w->docs, w->ndocs * sizeof *w->docs, NULL, 0, err);
    if (!rc) rc = put_section(w, &h, S_SIGS, w->sig, w->ndocs * w->p.k * sizeof *w->sig, NULL, 0, err);
    if (!rc) rc = write_bands(w, &h, err);
    if (!rc && sort_anchors(w->anc, w->nanc))
        rc = nd_fail(err, NEARDUP_E_NOMEM, "out of memory sorting anchors");
    if (!rc) rc = put_section(w, &h, S_ANCHORS, w->anc, w->nanc * sizeof *w->anc, NULL, 0, err);
    if (!rc) rc = put_section(w, &h, S_BLOCKS, w->blocks, w->nblocks * sizeof *w->blocks, NULL, 0, err);
    if (!rc) rc = put_section(w, &h, S_MAPS, w->maps, w->nmaps * sizeof *w->maps, w->runs, w->nruns * sizeof *w->runs, err);
    if (!rc) rc = finish_file(w, &h, err);
    nd_index_writer_abort(w);
    return rc;
}

void nd_index_writer_abort(nd_index_writer *w)
{
    if (!w) return;
    free(w->ids);
    free(w->id_off);
    free(w->docs);
    free(w->sig);
    free(w->anc);
    free(w->blocks);
    free(w->maps);
    free(w->runs);
    free(w);
}
