/* overlap_load.c - source overlap's first step: the document store (every
 * document's words, spans, text and anchors, in an arena of large blocks)
 * loaded on the pipeline: documents -> tokens + winnowed anchors (and, for
 * rewritten passages, terms, sentences and their fingerprints). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "edits.h"
#include "overlap.h"
#include "reader.h"
#include "record.h"
#include "reuse.h"
#include "shingle.h"
#include "tokenize.h"

void nd_overlap_opts_default(nd_overlap_opts *o)
{
    memset(o, 0, sizeof *o);
    o->ngram = ND_DEFAULT_NGRAM;
    o->min_words = ND_DEFAULT_MIN_WORDS;
    o->max_df = ND_DEFAULT_MAX_DF;
    o->max_df_sentence = ND_DEFAULT_MAX_DF_SENTENCE;
    o->scope.max_series_df = ND_DEFAULT_MAX_SERIES_DF;
    nd_seeds s;
    nd_seeds_from_seed(&s, ND_DEFAULT_SEED);
    o->anchor_seed = s.anchor_seed;
    nd_align_opts_default(&o->align);
    /* Over a corpus, rewritten passages are asked for (--edited): they cost
     * ~5x the time and ~3x the memory on news-40k, and formulaic corpora
     * (wire templates, mail headers) give sentence pairs alike in form. */
    o->align.verbatim = 1;
}

void nd_doc_store_free(nd_doc_store *s)
{
    for (size_t i = 0; i < s->nblock; i++) nd_map_free(s->block[i].p, s->block[i].cap);
    free(s->block);
    free(s->doc);
    if (s->anc) nd_map_free(s->anc, s->anc_cap * sizeof *s->anc);
    memset(s, 0, sizeof *s);
}

int nd_doc_store_take_blocks(nd_doc_store *dst, nd_doc_store *src)
{
    if (!src->nblock) return 0;
    if (nd_grow((void **)&dst->block, &dst->block_cap, dst->nblock + src->nblock, sizeof *dst->block)) return -1;
    memcpy(dst->block + dst->nblock, src->block, src->nblock * sizeof *src->block);
    dst->nblock += src->nblock;
    src->nblock = 0;
    return 0;
}

int nd_doc_store_append(nd_doc_store *dst, nd_doc_store *src)
{
    size_t ac = dst->anc_cap;
    if (nd_grow((void **)&dst->doc, &dst->doc_cap, dst->n + src->n, sizeof *dst->doc) ||
        nd_map_grow((void **)&dst->anc, &ac, dst->nanc + src->nanc, sizeof *dst->anc))
        return NEARDUP_E_NOMEM;
    dst->anc_cap = ac;
    if (nd_doc_store_take_blocks(dst, src)) return NEARDUP_E_NOMEM;
    if (src->n) memcpy(dst->doc + dst->n, src->doc, src->n * sizeof *src->doc);
    for (size_t i = 0; i < src->nanc; i++) {
        nd_anchor a = src->anc[i];
        a.doc += (uint32_t)dst->n;
        dst->anc[dst->nanc++] = a;
    }
    dst->n += src->n;
    dst->ntok += src->ntok;
    dst->text_len += src->text_len;
    nd_doc_store_free(src);
    return NEARDUP_OK;
}

#define ARENA_BLOCK ((size_t)64 << 20)

/* bytes (a multiple of 8) from the store's arena: the rest of the last
 * block, or a new block.  Called under the loading lock. */
static char *arena_take(nd_doc_store *s, size_t bytes, size_t block)
{
    nd_store_block *last = s->nblock ? &s->block[s->nblock - 1] : NULL;
    if (!last || last->cap - last->used < bytes) {
        size_t cap = bytes > block ? bytes : block;
        if (nd_grow((void **)&s->block, &s->block_cap, s->nblock + 1, sizeof *s->block)) return NULL;
        char *p = nd_map_alloc(cap);
        if (!p) return NULL;
        s->block[s->nblock++] = (nd_store_block){p, cap, 0};
        last = &s->block[s->nblock - 1];
    }
    char *p = last->p + last->used;
    last->used += bytes;
    return p;
}

/* ---------- loading ---------- */

/* Each loading thread writes documents straight into its own slice of the
 * arena, taken CHUNK bytes at a time under the lock: one copy from the
 * tokenizer's buffers, where filling a batch buffer first and copying it
 * into the arena moved every token twice (and kept ~8 MB of buffers a slot). */
#define CHUNK ((size_t)4 << 20)

typedef struct {
    nd_anchor_scratch anc; /* the document's anchors (nd_doc_anchors) */
    char *chunk;  /* the rest of this thread's arena slice */
    size_t left;
    /* rewritten passages: terms, sentences and fingerprints of a document */
    nd_lang *lang;
    nd_tokenizer *fold; /* casefolds the words nd_terms stems */
    uint32_t *term, *sent;
    uint64_t *fp;
    size_t term_cap, sent_cap, fp_cap;
} thread_state;

/* A batch's documents: where each one's tokens went, and its anchors. */
typedef struct {
    uint64_t *doc;        /* record index of each document in this batch */
    nd_doc_ref *ref;
    size_t n, cap;
    nd_anchor *anc;
    size_t nanc, anc_cap;
    nd_store_block *blk;  /* with batches: the batch's own memory, reused */
    size_t nblk, blk_cap, cur;
} batch_out;

typedef struct {
    const nd_overlap_opts *o;
    nd_doc_store *s;
    pthread_mutex_t arena_lock;
    const nd_overlap_batches *batches; /* NULL: into s */
    nd_doc_ref *all;                   /* with batches: a batch's documents, skipped ones empty */
    size_t all_cap;
} ctx;

static void *thread_init(void *u) { return calloc(1, sizeof(thread_state)); }

static void thread_free(void *u, void *p)
{
    thread_state *ts = p;
    nd_anchor_scratch_free(&ts->anc);
    nd_lang_free(ts->lang);
    nd_tokenizer_free(ts->fold);
    free(ts->term);
    free(ts->sent);
    free(ts->fp);
    free(ts);
}

static void *batch_init(void *u) { return calloc(1, sizeof(batch_out)); }

/* A batch's memory a block (with batches): a document larger goes alone. */
#define BATCH_BLOCK ((size_t)1 << 20)

static void batch_reset(void *u, void *p)
{
    batch_out *b = p;
    b->n = b->nanc = 0;
    size_t k = 0; /* the blocks of ordinary size are kept for the next batch */
    for (size_t i = 0; i < b->nblk; i++) {
        if (b->blk[i].cap > BATCH_BLOCK) free(b->blk[i].p);
        else b->blk[k++] = (nd_store_block){b->blk[i].p, b->blk[i].cap, 0};
    }
    b->nblk = k;
    b->cur = 0;
}

/* bytes (a multiple of 8) of the batch's own memory (with batches). */
static char *batch_take(batch_out *b, size_t bytes)
{
    for (; b->cur < b->nblk; b->cur++) {
        nd_store_block *k = &b->blk[b->cur];
        if (k->cap - k->used >= bytes) {
            k->used += bytes;
            return k->p + k->used - bytes;
        }
    }
    size_t cap = bytes > BATCH_BLOCK ? bytes : BATCH_BLOCK;
    char *p = nd_grow((void **)&b->blk, &b->blk_cap, b->nblk + 1, sizeof *b->blk) ? NULL : malloc(cap);
    if (!p) return NULL;
    b->blk[b->nblk] = (nd_store_block){p, cap, bytes};
    b->cur = b->nblk++;
    return p;
}

static void batch_free(void *u, void *p)
{
    batch_out *b = p;
    free(b->doc);
    free(b->ref);
    nd_map_free(b->anc, b->anc_cap * sizeof *b->anc);
    for (size_t i = 0; i < b->nblk; i++) free(b->blk[i].p);
    free(b->blk);
    free(b);
}

/* bytes (a multiple of 8) of the thread's arena slice; a document larger
 * than a quarter of a chunk gets a slice of its own. */
static char *thread_take(ctx *c, thread_state *ts, size_t bytes)
{
    size_t block = c->o->arena_block ? c->o->arena_block : ARENA_BLOCK;
    size_t chunk = CHUNK < block ? CHUNK : block;
    if (bytes > ts->left) {
        size_t want = bytes > chunk / 4 ? bytes : chunk;
        pthread_mutex_lock(&c->arena_lock);
        char *p = arena_take(c->s, want, block);
        pthread_mutex_unlock(&c->arena_lock);
        if (!p || want == bytes) return p; /* the chunk in hand stays for the next documents */
        ts->chunk = p;
        ts->left = want;
    }
    char *p = ts->chunk;
    ts->chunk += bytes;
    ts->left -= bytes;
    return p;
}

/* Fingerprint anchors live beside the n-gram anchors in one index, their
 * positions marked (ND_ANCHOR_SENTENCE) and their hashes in a domain of
 * their own. */
#define ND_FP_POS ND_ANCHOR_SENTENCE

static uint64_t fingerprint_anchor(uint64_t fp)
{
    return nd_fmix64((fp >> 32) ^ UINT64_C(0x73656e74656e6365)); /* "sentence" */
}

/* d's packed terms, sentences and fingerprints into ts's buffers (the
 * edited-reuse aligner's view of it, reuse.h); returns the sentence count
 * with *nfp the fingerprints', or SIZE_MAX with err set. */
static size_t edited_words(const ctx *c, thread_state *ts, const nd_doc *d, const nd_tokens *tok, size_t *nfp,
                           nd_error *err)
{
    if (!ts->lang && !(ts->lang = nd_lang_create(c->o->align.language, err))) return SIZE_MAX;
    if (!ts->fold && !(ts->fold = nd_tokenizer_create(0, 1)))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory"), SIZE_MAX;
    size_t n = tok->n;
    if (nd_grow((void **)&ts->term, &ts->term_cap, n ? n : 1, sizeof *ts->term) ||
        nd_grow((void **)&ts->sent, &ts->sent_cap, n + 1, sizeof *ts->sent) ||
        nd_grow((void **)&ts->fp, &ts->fp_cap, nd_reuse_fingerprint_room(n) + 1, sizeof *ts->fp) ||
        nd_terms(ts->lang, ts->fold, d->text, tok, ts->term))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory holding record %.200s", d->id), SIZE_MAX;
    size_t ns = nd_sentences(d->text, tok, ts->sent);
    size_t m = nd_reuse_fingerprints(ts->term, n, ts->sent, ns, ts->fp);
    if (m == (size_t)-1) return nd_fail(err, NEARDUP_E_NOMEM, "out of memory holding record %.200s", d->id), SIZE_MAX;
    *nfp = m;
    return ns;
}

static int load_doc(void *u, void *tsp, void *bop, uint64_t doc, const nd_doc *d, const nd_tokens *tok,
                    nd_error *err)
{
    ctx *c = u;
    thread_state *ts = tsp;
    batch_out *b = bop;
    if (doc > UINT32_MAX - 1)
        return nd_fail(err, NEARDUP_E_INPUT, "overlap handles at most 4294967294 documents");
    size_t m = nd_shingle_count(tok->n, c->o->ngram); /* at most as many anchors */
    if (b->n == b->cap) {
        size_t nc = b->cap ? 2 * b->cap : 64;
        uint64_t *x = realloc(b->doc, nc * sizeof *x);
        if (x) b->doc = x;
        nd_doc_ref *y = x ? realloc(b->ref, nc * sizeof *y) : NULL;
        if (y) b->ref = y;
        if (!y) return nd_fail(err, NEARDUP_E_NOMEM, "out of memory holding record %.200s", d->id);
        b->cap = nc;
    }
    size_t ns = 0, nfp = 0;
    if (!c->o->align.verbatim && (ns = edited_words(c, ts, d, tok, &nfp, err)) == SIZE_MAX) return err->code;
    if (nd_map_grow((void **)&b->anc, &b->anc_cap, b->nanc + m + nfp, sizeof *b->anc))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory holding record %.200s", d->id);
    if (!c->o->no_anchors) {
        size_t na;
        if (nd_doc_anchors(tok, c->o->ngram, nd_anchor_window(c->o->min_words, c->o->ngram), c->o->anchor_seed,
                           &ts->anc, &na))
            return nd_fail(err, NEARDUP_E_NOMEM, "out of memory holding record %.200s", d->id);
        for (size_t i = 0; i < na; i++)
            b->anc[b->nanc++] = (nd_anchor){ts->anc.hash[i], (uint32_t)doc, ts->anc.pos[i]};
        /* after the n-gram anchors, in (doc, pos) order as the index wants them */
        for (size_t i = 0; i < nfp; i++)
            b->anc[b->nanc++] = (nd_anchor){fingerprint_anchor(ts->fp[i]), (uint32_t)doc, ND_FP_POS | (uint32_t)i};
    }
    size_t nexc = 0, id_bytes = tok->n * sizeof(uint32_t);
    size_t fp_bytes = nfp * sizeof(uint64_t);
    size_t edit_bytes = c->o->align.verbatim ? 0 : fp_bytes + (tok->n + ns + 1) * sizeof(uint32_t);
    size_t span_bytes = tok->n ? nd_spans_packed_bytes(tok->span, tok->n, &nexc) : 0;
    size_t text_len = c->o->keep_text ? d->text_len : 0;
    size_t map_bytes = d->nmap * sizeof *d->map; /* only readers that transform bytes make one */
    size_t bytes = (id_bytes + edit_bytes + span_bytes + map_bytes + text_len + 7) & ~(size_t)7;
    nd_doc_ref r = {NULL, {NULL, NULL, NULL, 0}, NULL, tok->n, text_len, NULL, NULL, NULL, 0, 0, NULL, 0, NULL, 0};
    if (bytes) {
        /* 8-byte fingerprints first, then the 4-byte arrays, the spans, the map, the text */
        char *p = c->batches ? batch_take(b, bytes) : thread_take(c, ts, bytes);
        if (!p) return nd_fail(err, NEARDUP_E_NOMEM, "out of memory holding record %.200s", d->id);
        uint32_t *w = (uint32_t *)(p + fp_bytes * (edit_bytes != 0));
        if (tok->n) {
            r.id = w;
            for (size_t i = 0; i < tok->n; i++) r.id[i] = nd_word_id(tok->hash[i]);
        }
        if (edit_bytes) {
            r.fp = (uint64_t *)p;
            r.term = w + tok->n;
            r.sent = r.term + tok->n;
            r.nsent = (uint32_t)ns;
            r.nfp = (uint32_t)nfp;
            memcpy(r.fp, ts->fp, fp_bytes);
            memcpy(r.term, ts->term, tok->n * sizeof *r.term);
            memcpy(r.sent, ts->sent, (ns + 1) * sizeof *r.sent);
        }
        if (tok->n) nd_spans_pack(tok->span, tok->n, nexc, p + id_bytes + edit_bytes, &r.span);
        /* the map after the spans (a multiple of 4 bytes: its runs stay aligned) */
        char *mp = p + id_bytes + edit_bytes + span_bytes;
        if (map_bytes) {
            memcpy(mp, d->map, map_bytes);
            r.map = (const nd_map_run *)mp;
            r.nmap = d->nmap;
        }
        if (text_len) memcpy(mp + map_bytes, d->text, text_len);
        if (text_len) r.text = mp + map_bytes;
    }
    b->doc[b->n] = doc;
    b->ref[b->n++] = r;
    return NEARDUP_OK;
}

/* Points the store at the batch's documents, in input order. */
/* With batches: hands the batch's documents on, in input order. */
static int hand_on(ctx *c, batch_out *b, uint64_t first, size_t n, nd_error *err)
{
    if (nd_grow((void **)&c->all, &c->all_cap, n ? n : 1, sizeof *c->all))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory holding the documents");
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        nd_doc_ref d = {NULL, {NULL, NULL, NULL, 0}, NULL, 0, 0, NULL, NULL, NULL, 0, 0, NULL, 0, NULL, 0};
        if (j < b->n && b->doc[j] == first + i) d = b->ref[j++]; /* else: a skipped record, kept empty */
        c->all[i] = d;
    }
    return c->batches->batch(c->batches->user, first, n, c->all, b->anc, b->nanc, err);
}

static int collect(void *u, void *bop, uint64_t first, size_t n, nd_error *err)
{
    ctx *c = u;
    nd_doc_store *s = c->s;
    batch_out *b = bop;
    if (c->batches) return hand_on(c, b, first, n, err);
    size_t acap = s->anc_cap;
    if (nd_grow((void **)&s->doc, &s->doc_cap, first + n, sizeof *s->doc) ||
        nd_map_grow((void **)&s->anc, &acap, s->nanc + b->nanc, sizeof *s->anc))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory holding the documents");
    s->anc_cap = acap;
    nd_prefault_ahead(s->anc, &s->anc_mapped, (s->nanc + b->nanc) * sizeof *s->anc, s->anc_cap * sizeof *s->anc);
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t r = first + i;
        nd_doc_ref d = {NULL, {NULL, NULL, NULL, 0}, NULL, 0, 0, NULL, NULL, NULL, 0, 0, NULL, 0, NULL, 0};
        if (j < b->n && b->doc[j] == r) d = b->ref[j++]; /* else: a skipped record, kept empty */
        s->doc[r] = d;
        s->ntok += d.ntok;
        s->text_len += d.text_len;
    }
    if (b->nanc) memcpy(s->anc + s->nanc, b->anc, b->nanc * sizeof *s->anc);
    s->nanc += b->nanc;
    s->n = first + n;
    return NEARDUP_OK;
}

static int load(nd_reader *r, const nd_pipeline_opts *po, const nd_overlap_opts *o, nd_doc_store *s,
                const nd_overlap_batches *batches, nd_corpus_info *ci, nd_error *err)
{
    ctx c = {o, s, PTHREAD_MUTEX_INITIALIZER, batches, NULL, 0};
    nd_pipeline_fns f = {
        .user = &c,
        .thread_init = thread_init,
        .thread_free = thread_free,
        .batch_init = batch_init,
        .batch_reset = batch_reset,
        .batch_free = batch_free,
        .doc = load_doc,
        .collect = collect,
    };
    int rc = nd_pipeline_run(r, po, &f, ci, err);
    pthread_mutex_destroy(&c.arena_lock);
    free(c.all);
    return rc;
}

int nd_overlap_load(nd_reader *r, const nd_pipeline_opts *po, const nd_overlap_opts *o,
                    nd_doc_store *s, nd_corpus_info *ci, nd_error *err)
{
    memset(s, 0, sizeof *s);
    return load(r, po, o, s, NULL, ci, err);
}

int nd_overlap_load_batches(nd_reader *r, const nd_pipeline_opts *po, const nd_overlap_opts *o,
                            const nd_overlap_batches *b, nd_corpus_info *ci, nd_error *err)
{
    return load(r, po, o, NULL, b, ci, err);
}

