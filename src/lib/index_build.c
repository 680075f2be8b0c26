/* index_build.c - the index's build pipeline.
 *
 * Workers sketch each document and pack its text into zstd blocks of about
 * 32 KiB, compressed in parallel; the collector hands documents and blocks
 * to the writer in input order, so the file is the same for any thread
 * count.  Only signatures, ids and anchors stay in memory, never the texts. */
#include <stdlib.h>
#include <string.h>

#include "anchors.h"
#include "index_build.h"
#include "minhash.h"
#include "reader.h"
#include "record.h"
#include "tokenize.h"

typedef struct {
    uint32_t nsh, text_len;
    size_t id_off, id_len;
    size_t anc_off, nanc; /* the document's overlap anchors in batch_out.anc */
    size_t map_off, nmap; /* its offset map in batch_out.runs (nmap 0: identity) */
} doc_meta;

typedef struct {
    doc_meta *meta;
    size_t n, meta_cap;
    char *ids;
    size_t ids_len, ids_cap;
    uint32_t *sig;
    size_t sig_cap;
    nd_index_anchor *anc;
    size_t nanc, anc_cap;
    nd_map_run *runs;      /* offset maps of the documents that have one */
    size_t nruns, runs_cap;
    nd_text_block *blocks; /* the last one may still be open */
    size_t nblocks, blocks_cap;
    int open;
} batch_out;

typedef struct {
    uint64_t *sh;
    size_t cap;
    nd_anchor_scratch anc;  /* the document's overlap anchors */
    nd_minhasher *mh;
} thread_state;


static void thread_free(void *u, void *p)
{
    thread_state *ts = p;
    if (!ts) return;
    nd_minhasher_free(ts->mh);
    free(ts->sh);
    nd_anchor_scratch_free(&ts->anc);
    free(ts);
}

static void *thread_init(void *u)
{
    const nd_index_build *c = u;
    thread_state *ts = calloc(1, sizeof(thread_state));
    if (ts && !(ts->mh = nd_minhasher_new(c->p.k, c->seeds.sketch_seed))) thread_free(u, ts), ts = NULL;
    return ts;
}

static void *batch_init(void *u) { return calloc(1, sizeof(batch_out)); }

static void batch_reset(void *u, void *p)
{
    batch_out *b = p;
    for (size_t i = 0; i < b->nblocks; i++) nd_text_block_clear(&b->blocks[i]);
    b->n = b->ids_len = b->nblocks = b->nanc = b->nruns = 0;
    b->open = 0;
}

static void batch_free(void *u, void *p)
{
    batch_out *b = p;
    for (size_t i = 0; i < b->blocks_cap; i++) nd_text_block_free(&b->blocks[i]);
    free(b->blocks);
    free(b->meta);
    free(b->ids);
    free(b->sig);
    free(b->anc);
    free(b->runs);
    free(b);
}

/* Appends the text to the batch's open block. */
static int pack_text(nd_index_build *c, batch_out *b, const char *text, size_t len, nd_error *err)
{
    if (!b->open) {
        size_t old = b->blocks_cap;
        if (nd_grow((void **)&b->blocks, &b->blocks_cap, b->nblocks + 1, sizeof *b->blocks))
            return nd_fail(err, NEARDUP_E_NOMEM, "out of memory packing texts");
        memset(b->blocks + old, 0, (b->blocks_cap - old) * sizeof *b->blocks);
        nd_text_block_clear(&b->blocks[b->nblocks++]);
        b->open = 1;
    }
    nd_text_block *tb = &b->blocks[b->nblocks - 1];
    if (nd_text_block_add(tb, text, len)) return nd_fail(err, NEARDUP_E_NOMEM, "out of memory packing texts");
    return NEARDUP_OK;
}

/* Seals a full block.  A failure is not the document's fault (it is already
 * kept): the block stays open and collect seals it again, failing there. */
static int seal_if_full(nd_index_build *c, batch_out *b, nd_error *err)
{
    nd_text_block *tb = &b->blocks[b->nblocks - 1];
    if (tb->len >= c->p.text_block && !nd_text_block_seal(tb, c->level, NULL)) b->open = 0;
    return NEARDUP_OK;
}

static int index_doc(void *u, void *tsp, void *bop, uint64_t doc, const nd_doc *d, const nd_tokens *tok,
                     nd_error *err)
{
    nd_index_build *c = u;
    thread_state *ts = tsp;
    batch_out *b = bop;
    unsigned k = c->p.k;
    if (nd_grow((void **)&b->meta, &b->meta_cap, b->n + 1, sizeof *b->meta) ||
        nd_grow((void **)&b->sig, &b->sig_cap, (b->n + 1) * k, sizeof *b->sig) ||
        nd_grow((void **)&b->ids, &b->ids_cap, b->ids_len + d->id_len, 1))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory indexing record %s", d->id);
    doc_meta *m = &b->meta[b->n];
    if (nd_index_sketch(tok, c->p.ngram, k, &c->seeds, ts->mh, &ts->sh, &ts->cap, b->sig + b->n * k, &m->nsh))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory sketching record %s", d->id);
    m->anc_off = b->nanc;
    m->nanc = 0;
    if (c->p.anchor_ngram) { /* exactly the anchors `overlap` selects (overlap.c load_doc) */
        size_t na;
        if (nd_doc_anchors(tok, c->p.anchor_ngram, c->p.anchor_w, c->seeds.anchor_seed, &ts->anc, &na) ||
            nd_grow((void **)&b->anc, &b->anc_cap, b->nanc + na, sizeof *b->anc))
            return nd_fail(err, NEARDUP_E_NOMEM, "out of memory indexing record %s", d->id);
        for (size_t i = 0; i < na; i++) b->anc[b->nanc + i] = (nd_index_anchor){ts->anc.hash[i], 0, ts->anc.pos[i]};
        m->nanc = na;
    }
    /* the map back to the original bytes (HTML, WARC, re-encoded files): query prints offsets through it */
    m->map_off = b->nruns;
    m->nmap = d->nmap >= 2 ? d->nmap : 0;
    if (m->nmap && nd_grow((void **)&b->runs, &b->runs_cap, b->nruns + m->nmap, sizeof *b->runs))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory indexing record %s", d->id);
    int rc = pack_text(c, b, d->text, d->text_len, err);
    if (rc) return rc; /* nothing of this document was kept */
    if (m->nmap) memcpy(b->runs + b->nruns, d->map, m->nmap * sizeof *b->runs);
    b->nruns += m->nmap;
    b->nanc += m->nanc;
    memcpy(b->ids + b->ids_len, d->id, d->id_len);
    m->id_off = b->ids_len;
    m->id_len = d->id_len;
    m->text_len = (uint32_t)d->text_len;
    b->ids_len += d->id_len;
    b->n++;
    return seal_if_full(c, b, err);
}

/* Main thread, in input order: documents, then the block holding their texts. */
static int collect(void *u, void *bop, uint64_t first, size_t n, nd_error *err)
{
    nd_index_build *c = u;
    batch_out *b = bop;
    size_t j = 0;
    int rc = NEARDUP_OK;
    for (size_t i = 0; !rc && i < b->nblocks; i++) {
        nd_text_block *tb = &b->blocks[i];
        for (uint32_t t = 0; !rc && t < tb->ndocs; t++, j++) {
            const doc_meta *m = &b->meta[j];
            rc = nd_index_writer_doc(c->w, b->ids + m->id_off, m->id_len, m->nsh, b->sig + j * c->p.k,
                                     b->anc + m->anc_off, m->nanc, m->text_len,
                                     m->nmap ? b->runs + m->map_off : NULL, m->nmap, err);
        }
        if (!rc && i == b->nblocks - 1 && b->open) {
            double t0 = nd_now();
            rc = nd_text_block_seal(tb, c->level, err);
            c->t_compress += nd_now() - t0;
        }
        if (!rc) rc = nd_index_writer_block(c->w, tb, err);
    }
    c->docs += j;
    return rc;
}

void nd_index_build_params(nd_index_params *p, unsigned ngram, unsigned k, double threshold, uint64_t seed,
                           const uint8_t *key_id, size_t key_id_len, unsigned min_words)
{
    nd_index_params_init(p, ngram, k, threshold, seed, key_id, key_id_len);
    /* overlap anchors: winnowed word 5-grams, as `neardup overlap` selects them */
    p->anchor_ngram = 5;
    p->anchor_w = nd_anchor_window(min_words, p->anchor_ngram);
    p->anchor_scheme = 1;
}

int nd_index_build_run(nd_index_build *b, nd_reader *r, const nd_pipeline_opts *po, nd_corpus_info *ci,
                       nd_error *err)
{
    nd_pipeline_fns f = {
        .user = b,
        .thread_init = thread_init,
        .thread_free = thread_free,
        .batch_init = batch_init,
        .batch_reset = batch_reset,
        .batch_free = batch_free,
        .doc = index_doc,
        .collect = collect,
    };
    int rc = nd_pipeline_run(r, po, &f, ci, err);
    if (!rc) rc = nd_corpus_check_unique_ids(ci, r, err);
    return rc;
}
