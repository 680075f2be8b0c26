/* overlap.c - source overlap: documents -> tokens + winnowed anchors (on the
 * pipeline) -> candidate pairs from the anchor index -> alignment of each
 * candidate on all threads (a shared counter hands out pairs; results land at
 * the pair's index, so output is identical for any thread count). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>

#include "overlap.h"
#include "reuse.h"

void nd_overlap_opts_default(nd_overlap_opts *o)
{
    memset(o, 0, sizeof *o);
    o->ngram = 5;
    o->min_words = 20;
    o->max_df = 50;
    o->max_df_sentence = 5;
    o->scope.max_series_df = 5; /* an outlet's furniture is in more of its articles than a reprint is */
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
    uint64_t *sh, *ah;
    uint32_t *ap;
    size_t cap;
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
} batch_out;

typedef struct {
    const nd_overlap_opts *o;
    nd_doc_store *s;
    pthread_mutex_t arena_lock;
} ctx;

static void *thread_init(void *u) { return calloc(1, sizeof(thread_state)); }

static void thread_free(void *u, void *p)
{
    thread_state *ts = p;
    free(ts->sh);
    free(ts->ah);
    free(ts->ap);
    nd_lang_free(ts->lang);
    nd_tokenizer_free(ts->fold);
    free(ts->term);
    free(ts->sent);
    free(ts->fp);
    free(ts);
}

static void *batch_init(void *u) { return calloc(1, sizeof(batch_out)); }

static void batch_reset(void *u, void *p)
{
    batch_out *b = p;
    b->n = b->nanc = 0;
}

static void batch_free(void *u, void *p)
{
    batch_out *b = p;
    free(b->doc);
    free(b->ref);
    nd_map_free(b->anc, b->anc_cap * sizeof *b->anc);
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
    size_t m = nd_shingle_count(tok->n, c->o->ngram);
    size_t old = ts->cap;
    if (nd_grow((void **)&ts->sh, &ts->cap, m ? m : 1, sizeof *ts->sh) ||
        (ts->cap != old && (!(ts->ah = realloc(ts->ah, ts->cap * sizeof *ts->ah)) ||
                            !(ts->ap = realloc(ts->ap, ts->cap * sizeof *ts->ap)))))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory holding record %.200s", d->id);
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
        nd_shingle(tok->hash, tok->n, c->o->ngram, ND_ANCHOR_SHINGLE_SEED, ts->sh);
        size_t na = nd_winnow(ts->sh, m, nd_anchor_window(c->o->min_words, c->o->ngram), c->o->anchor_seed,
                              ts->ap, ts->ah);
        for (size_t i = 0; i < na; i++) b->anc[b->nanc++] = (nd_anchor){ts->ah[i], (uint32_t)doc, ts->ap[i]};
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
    nd_doc_ref r = {NULL, {NULL, NULL, NULL, 0}, NULL, tok->n, text_len, NULL, NULL, NULL, 0, 0, NULL, 0};
    if (bytes) {
        /* 8-byte fingerprints first, then the 4-byte arrays, the spans, the map, the text */
        char *p = thread_take(c, ts, bytes);
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
static int collect(void *u, void *bop, uint64_t first, size_t n, nd_error *err)
{
    const ctx *c = u;
    nd_doc_store *s = c->s;
    batch_out *b = bop;
    size_t acap = s->anc_cap;
    if (nd_grow((void **)&s->doc, &s->doc_cap, first + n, sizeof *s->doc) ||
        nd_map_grow((void **)&s->anc, &acap, s->nanc + b->nanc, sizeof *s->anc))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory holding the documents");
    s->anc_cap = acap;
    nd_prefault_ahead(s->anc, &s->anc_mapped, (s->nanc + b->nanc) * sizeof *s->anc, s->anc_cap * sizeof *s->anc);
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t r = first + i;
        nd_doc_ref d = {NULL, {NULL, NULL, NULL, 0}, NULL, 0, 0, NULL, NULL, NULL, 0, 0, NULL, 0};
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

int nd_overlap_load(nd_reader *r, const nd_pipeline_opts *po, const nd_overlap_opts *o,
                    nd_doc_store *s, nd_corpus_info *ci, nd_error *err)
{
    memset(s, 0, sizeof *s);
    ctx c = {o, s, PTHREAD_MUTEX_INITIALIZER};
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
    return rc;
}

/* ---------- boilerplate ---------- */

/* Boilerplate (signatures, wire footers, disclaimers) must not become a
 * passage, and dropping its anchors alone does not stop that: a pair found
 * through other anchors would still align it.  So the words of boilerplate
 * blocks get hashes of their own that match nothing.  Every window of w
 * n-grams lying inside a repeated block selects the same anchor in every
 * document holding the block, so that anchor is dropped too: dropped anchors
 * at most w apart belong to one block, and the block reaches at most w - 1
 * n-grams beyond its first and last dropped anchors.  The mask covers those
 * margins as well (at worst w - 1 words of the text next to a block). */
/* Removes the fingerprints mask_boilerplate marked from d's list. */
static void drop_marked_fingerprints(nd_doc_ref *d)
{
    uint32_t w = 0;
    for (uint32_t i = 0; i < d->nfp; i++)
        if (d->fp[i] >> 32 != UINT32_MAX) d->fp[w++] = d->fp[i];
    d->nfp = w;
}

static void mask_boilerplate(nd_doc_store *s, const nd_overlap_opts *o, const nd_anchor *drop, size_t n)
{
    unsigned w = nd_anchor_window(o->min_words, o->ngram);
    for (size_t i = 0; i < n;) {
        if (drop[i].pos & ND_FP_POS) { /* a formula seen everywhere: it no longer counts (below) */
            s->doc[drop[i].doc].fp[drop[i].pos & ~ND_FP_POS] |= (uint64_t)UINT32_MAX << 32;
            i++;
            continue;
        }
        uint64_t doc = drop[i].doc, ntok = s->doc[doc].ntok;
        uint32_t *id = s->doc[doc].id, *term = s->doc[doc].term;
        size_t j = i + 1; /* the run of dropped anchors at most w apart: one block */
        while (j < n && drop[j].doc == doc && !(drop[j].pos & ND_FP_POS) && drop[j].pos <= drop[j - 1].pos + w) j++;
        uint64_t from = drop[i].pos >= w - 1 ? drop[i].pos - (w - 1) : 0;
        uint64_t to = (uint64_t)drop[j - 1].pos + (w - 1) + o->ngram;
        if (to > ntok) to = ntok;
        for (uint64_t t = from; t < to; t++) {
            /* a bijection of (doc, t): unique, so masked words match nothing */
            uint64_t x = (doc << 32 | t) ^ UINT64_C(0x626f696c6572706c); /* "boilerpl" */
            x ^= x >> 33;
            x *= UINT64_C(0xff51afd7ed558ccd);
            id[t] = nd_word_id(x ^ (x >> 29));
            if (term) term[t] = (uint32_t)(x >> 7) & ND_TERM_MASK; /* a content word no other text has */
        }
        i = j;
    }
    for (uint64_t d = 0; d < s->n; d++)
        if (s->doc[d].nfp) drop_marked_fingerprints(&s->doc[d]);
}

/* ---------- aligning the candidates ---------- */

/* Each candidate document's k-grams, sorted once (so each pair is a merge). */
typedef struct {
    const nd_doc_store *s;
    unsigned k;
    const uint64_t *kg_off; /* n + 1: where each document's k-grams start in kg (bytes) */
    char *kg;
    const uint8_t *need;
} kgram_job;

#define PREFAULT_CHUNK ((size_t)4 << 20)

typedef struct {
    void *base;
    size_t bytes;
} prefault_job;

static int prefault_one(void *arg, size_t i)
{
    prefault_job *j = arg;
    size_t from = i * PREFAULT_CHUNK, to = from + PREFAULT_CHUNK < j->bytes ? from + PREFAULT_CHUNK : j->bytes;
    nd_prefault(j->base, from, to);
    return 0;
}

static int kgram_one(void *arg, size_t d)
{
    kgram_job *j = arg;
    if (!j->need[d]) return 0;
    const nd_doc_ref *r = &j->s->doc[d];
    nd_kgrams g;
    return nd_kgrams_fill(r->id, r->ntok, j->k, j->kg + j->kg_off[d], &g) ? -1 : 0;
}

typedef struct {
    const nd_doc_store *s;
    const nd_overlap_opts *o;
    const nd_anchor_pair *cand;
    nd_overlap_pair *res;
    unsigned k;              /* words a k-gram */
    const uint64_t *kg_off;
    char *kg;
} align_job;

/* Fraction of n tokens covered by the union of the ranges [lo[i], hi[i]). */
double nd_passage_coverage(nd_passage *p, size_t np, int side, size_t n)
{
    if (!n) return 0;
    uint64_t covered = 0, end = 0;
    /* passages are sorted by A; for B, ranges are merged after sorting starts */
    uint32_t *r = malloc(2 * (np ? np : 1) * sizeof *r);
    if (!r) return 0;
    for (size_t i = 0; i < np; i++) {
        r[2 * i] = side ? p[i].b_tok : p[i].a_tok;
        r[2 * i + 1] = side ? p[i].b_tok_end : p[i].a_tok_end;
    }
    /* insertion sort by start: a pair has few passages */
    for (size_t i = 1; i < np; i++)
        for (size_t j = i; j > 0 && r[2 * (j - 1)] > r[2 * j]; j--) {
            uint32_t t0 = r[2 * j], t1 = r[2 * j + 1];
            r[2 * j] = r[2 * (j - 1)], r[2 * j + 1] = r[2 * (j - 1) + 1];
            r[2 * (j - 1)] = t0, r[2 * (j - 1) + 1] = t1;
        }
    for (size_t i = 0; i < np; i++) {
        uint64_t lo = r[2 * i] > end ? r[2 * i] : end, hi = r[2 * i + 1];
        if (hi > lo) covered += hi - lo;
        if (hi > end) end = hi;
    }
    free(r);
    return (double)covered / (double)n;
}

/* Document d's k-grams, where kgram_one put them. */
static nd_kgrams doc_kgrams(const align_job *j, uint32_t d)
{
    return nd_kgrams_view(j->kg + j->kg_off[d], j->s->doc[d].ntok, j->k);
}

/* A thread's last document A in rewritten-passage form: candidates come
 * sorted by A, so each A is prepared once for all its B. */
typedef struct {
    uint32_t doc;
    int valid;
    nd_reuse_text t;
} reuse_cache;

static void reuse_cache_free(reuse_cache *rc)
{
    if (rc && rc->valid) nd_reuse_text_free(&rc->t);
}

/* The rewritten passages of a and b, merged with the exact ones in r (the
 * same as nd_align_texts for the pair). */
static int align_edited(const nd_doc_ref *da, uint32_t a, const nd_doc_ref *db, uint32_t related, const nd_align_opts *o,
                        const nd_passage *explain, size_t nexplain, reuse_cache *cache, nd_overlap_pair *r)
{
    /* the anchors weighed the shared fingerprints by rarity (anchors.h); a pair from a file is gated here */
    if (related ? related != ND_PAIR_RELATED : !nd_reuse_related(da->fp, da->nfp, db->fp, db->nfp)) {
        r->np = nd_reuse_one_to_one(r->p, r->np);
        return 0;
    }
    reuse_cache own = {0, 0, {0}};
    if (!cache) cache = &own;
    if (!cache->valid || cache->doc != a) {
        reuse_cache_free(cache);
        cache->valid = 0;
        if (nd_reuse_units(da->term, da->ntok, da->sent, da->nsent, da->fp, da->nfp, &cache->t)) return -1;
        cache->valid = 1;
        cache->doc = a;
    }
    nd_reuse_text ub;
    nd_passage *p = NULL;
    size_t np = 0;
    int rc = nd_reuse_units(db->term, db->ntok, db->sent, db->nsent, db->fp, db->nfp, &ub);
    if (!rc) {
        rc = nd_reuse_align(&cache->t, &ub, r->p, r->np, explain, nexplain, o, &p, &np);
        nd_reuse_text_free(&ub);
    }
    /* the exact passages carry their edit scripts already */
    for (size_t k = 0; !rc && k < np; k++)
        if (p[k].sentences) rc = nd_passage_edits(&p[k], 1, da->id, db->id, NULL);
    reuse_cache_free(&own);
    if (rc) {
        free(p);
        return -1;
    }
    free(r->p);
    r->p = np ? p : NULL;
    r->np = np;
    if (!np) free(p);
    return 0;
}

/* Aligns candidate i into *r (its passages malloc'ed, NULL when none). */
static int align_pair(const align_job *j, size_t i, nd_align_scratch *sc, reuse_cache *cache, nd_overlap_pair *r)
{
    uint32_t a = j->cand[i].a, b = j->cand[i].b;
    const nd_doc_ref *da = &j->s->doc[a], *db = &j->s->doc[b];
    memset(r, 0, sizeof *r);
    r->a = a;
    r->b = b;
    nd_kgrams ga = doc_kgrams(j, a), gb = doc_kgrams(j, b);
    if (nd_align_ids(da->id, da->ntok, &ga, db->id, &gb, &j->o->align, sc, &r->p, &r->np))
        return -1;
    if (!j->o->align.verbatim) {
        /* as nd_align_texts: the shorter copies explain sentences too */
        nd_passage *xp = NULL;
        size_t nxp = 0;
        int rc = 0;
        if (j->o->align.min_words > ND_REUSE_EXPLAIN_WORDS) {
            nd_align_opts x = j->o->align;
            x.min_words = ND_REUSE_EXPLAIN_WORDS;
            rc = nd_align_ids(da->id, da->ntok, &ga, db->id, &gb, &x, sc, &xp, &nxp);
        }
        if (!rc) rc = align_edited(da, a, db, j->cand[i].related, &j->o->align, xp, nxp, cache, r);
        free(xp);
        if (rc) {
            free(r->p);
            r->p = NULL;
            return -1;
        }
    }
    for (size_t k = 0; k < r->np; k++) {
        nd_passage *p = &r->p[k];
        p->a_start = nd_spans_get(&da->span, p->a_tok).start;
        p->a_end = nd_spans_get(&da->span, p->a_tok_end - 1).end;
        p->b_start = nd_spans_get(&db->span, p->b_tok).start;
        p->b_end = nd_spans_get(&db->span, p->b_tok_end - 1).end;
    }
    for (size_t k = 0; k < r->np; k++) r->shared_words += r->p[k].matches;
    r->containment_a = nd_passage_coverage(r->p, r->np, 0, da->ntok);
    r->containment_b = nd_passage_coverage(r->p, r->np, 1, db->ntok);
    return 0;
}

static int align_one(void *arg, size_t i)
{
    align_job *j = arg;
    if (align_pair(j, i, NULL, NULL, &j->res[i])) return -1;
    nd_overlap_pair *r = &j->res[i];
    if (r->np && j->o->collect && j->o->collect(j->o->collect_user, r)) return -1;
    if (j->cand[i].shared == ND_ANCHOR_STAR) { /* a star pair: for the clusters only */
        free(r->p);
        r->p = NULL;
        r->np = 0;
    }
    return 0;
}

/* ---------- streaming the pairs to a sink ---------- */

/* Candidates a block: about 18 pairs and 20 KB of text output on news-40k,
 * so blocks finish close to in order and few wait to be written. */
#define STREAM_BLOCK 64

typedef struct {
    const align_job *aj;
    const nd_overlap_sink *sink;
    size_t ncand, nblock;
    pthread_mutex_t mu;  /* guards the fields below */
    size_t next;         /* the next block to write */
    int writing;         /* a thread is writing blocks out */
    char **buf;          /* a finished block's output until written (NULL: none) */
    size_t *len;
    uint8_t *ready;
    atomic_size_t pairs;
} stream_job;

/* Block b is done: the thread that completes the next block in order writes
 * it and every finished block after it (outside the lock); the others just
 * leave their output for it. */
static void stream_commit(stream_job *j, size_t b, char *p, size_t n)
{
    pthread_mutex_lock(&j->mu);
    j->buf[b] = p;
    j->len[b] = n;
    j->ready[b] = 1;
    if (!j->writing) {
        j->writing = 1;
        while (j->next < j->nblock && j->ready[j->next]) {
            size_t k = j->next++;
            char *q = j->buf[k];
            size_t m = j->len[k];
            j->buf[k] = NULL;
            pthread_mutex_unlock(&j->mu);
            if (m) fwrite(q, 1, m, j->sink->out); /* errors stay on out for its commit */
            free(q);
            pthread_mutex_lock(&j->mu);
        }
        j->writing = 0;
    }
    pthread_mutex_unlock(&j->mu);
}

static int stream_block(void *arg, size_t b)
{
    stream_job *j = arg;
    char *p = NULL;
    size_t n = 0, found = 0, end = (b + 1) * STREAM_BLOCK < j->ncand ? (b + 1) * STREAM_BLOCK : j->ncand;
    FILE *f = NULL; /* opened at the first pair: most blocks of a sparse corpus have none */
    nd_align_scratch *sc = nd_align_scratch_new();
    reuse_cache cache = {0, 0, {0}};
    int rc = sc ? 0 : -1;
    for (size_t i = b * STREAM_BLOCK; !rc && i < end; i++) {
        nd_overlap_pair r;
        if (align_pair(j->aj, i, sc, &cache, &r)) {
            rc = -1;
            break;
        }
        const nd_overlap_opts *o = j->aj->o;
        if (r.np && o->collect && o->collect(o->collect_user, &r)) rc = -1;
        /* a star pair is for the clusters only */
        if (!rc && ((r.np && j->aj->cand[i].shared != ND_ANCHOR_STAR) || j->sink->all)) {
            found += r.np > 0;
            if (!f && (f = open_memstream(&p, &n))) __fsetlocking(f, FSETLOCKING_BYCALLER); /* this thread's */
            if (!f || j->sink->format(j->sink->user, f, &r)) rc = -1;
        }
        free(r.p);
    }
    reuse_cache_free(&cache);
    nd_align_scratch_free(sc);
    if (f && ferror(f)) rc = -1;
    if (f && fclose(f)) rc = -1;
    if (rc) {
        free(p);
        return -1;
    }
    atomic_fetch_add(&j->pairs, found);
    stream_commit(j, b, p, n);
    return 0;
}

static int stream_pairs(const align_job *aj, const nd_overlap_sink *sink, size_t ncand, unsigned threads,
                        int progress, size_t *npairs)
{
    stream_job j = {.aj = aj, .sink = sink, .ncand = ncand, .nblock = (ncand + STREAM_BLOCK - 1) / STREAM_BLOCK};
    atomic_init(&j.pairs, 0);
    size_t nb = j.nblock ? j.nblock : 1;
    j.buf = calloc(nb, sizeof *j.buf);
    j.len = calloc(nb, sizeof *j.len);
    j.ready = calloc(nb, 1);
    int rc = j.buf && j.len && j.ready && !pthread_mutex_init(&j.mu, NULL) ? NEARDUP_OK : NEARDUP_E_NOMEM;
    if (!rc) {
        rc = nd_parallel_for_blocks(j.nblock, STREAM_BLOCK, ncand, threads, stream_block, &j,
                                    progress ? "aligning candidate pairs" : NULL);
        pthread_mutex_destroy(&j.mu);
    }
    if (j.buf) /* after a failure: the blocks that could not be written */
        for (size_t i = 0; i < j.nblock; i++) free(j.buf[i]);
    free(j.buf);
    free(j.len);
    free(j.ready);
    *npairs = atomic_load(&j.pairs);
    return rc;
}

void nd_overlap_pairs_free(nd_overlap_pair *p, size_t n)
{
    if (!p) return;
    for (size_t i = 0; i < n; i++) free(p[i].p);
    free(p);
}

int nd_overlap_run(nd_doc_store *s, const nd_overlap_opts *o, uint32_t split, unsigned threads,
                   const nd_overlap_sink *sink, nd_overlap_pair **pairs, size_t *npairs, nd_overlap_stats *st,
                   nd_error *err)
{
    memset(st, 0, sizeof *st);
    *pairs = NULL;
    *npairs = 0;
    double t0 = nd_now();
    nd_anchor_pair *cand = NULL;
    size_t ncand = 0;
    if (nd_anchor_pairs(s->anc, s->nanc, o->max_df, o->max_df_sentence, split, o->star_boilerplate, threads,
                        &o->scope, &cand, &ncand, &st->anchors))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory listing candidate pairs");
    mask_boilerplate(s, o, s->anc, st->anchors.dropped_occ);
    if (o->min_b || o->min_shared > 1) { /* after the masking: a reference's boilerplate is masked all the same */
        size_t kept = 0;
        for (size_t i = 0; i < ncand; i++)
            if (cand[i].b >= o->min_b && cand[i].shared >= o->min_shared) cand[kept++] = cand[i];
        ncand = kept;
    }
    /* The anchors have done their work: their pages go back now, for the
     * 5-grams below to take (fresh pages are what cost most on a VM whose
     * host takes freed memory back; news-40k: 18 MB of 325). */
    nd_map_free(s->anc, s->anc_cap * sizeof *s->anc);
    s->anc = NULL;
    s->nanc = s->anc_cap = s->anc_mapped = 0;
    st->t_anchor = nd_now() - t0;
    nd_anchor_stats as = st->anchors;
    double ta = st->t_anchor;
    int rc = nd_overlap_align(s, o, cand, ncand, threads, sink, pairs, npairs, st, err);
    st->anchors = as;
    st->t_anchor = ta;
    free(cand);
    return rc;
}

int nd_overlap_align(const nd_doc_store *s, const nd_overlap_opts *o, const nd_anchor_pair *cand, size_t ncand,
                     unsigned threads, const nd_overlap_sink *sink, nd_overlap_pair **pairs, size_t *npairs,
                     nd_overlap_stats *st, nd_error *err)
{
    memset(st, 0, sizeof *st);
    *pairs = NULL;
    *npairs = 0;
    double t1 = nd_now();
    st->candidates = ncand;
    unsigned k = o->align.seed_len ? o->align.seed_len : 1;
    uint64_t *kg_off = malloc((s->n + 1) * sizeof *kg_off);
    uint8_t *need = calloc(s->n ? s->n : 1, 1);
    /* streamed pairs are never held all at once */
    nd_overlap_pair *res = sink ? NULL : calloc(ncand ? ncand : 1, sizeof *res);
    char *kg = NULL;
    int rc = kg_off && need && (res || sink) ? NEARDUP_OK : NEARDUP_E_NOMEM;
    if (!rc) {
        for (size_t i = 0; i < ncand; i++) need[cand[i].a] = need[cand[i].b] = 1;
        kg_off[0] = 0;
        for (uint64_t d = 0; d < s->n; d++) {
            uint64_t nt = s->doc[d].ntok;
            kg_off[d + 1] = kg_off[d] + (need[d] ? nd_kgram_bytes(nt, k) : 0);
        }
        kg = nd_map_alloc(kg_off[s->n] ? kg_off[s->n] : 1);
        if (!kg) rc = NEARDUP_E_NOMEM;
    }
    if (!rc) {
        /* 6 bytes a k-gram of fresh memory: its pages mapped in by all
         * threads at once, 4 MiB apiece, before the k-grams fill them */
        prefault_job pj = {kg, kg_off[s->n]};
        rc = nd_parallel_for((pj.bytes + PREFAULT_CHUNK - 1) / PREFAULT_CHUNK, threads, prefault_one, &pj, NULL);
    }
    if (!rc) {
        kgram_job kj = {s, k, kg_off, kg, need};
        rc = nd_parallel_for(s->n, threads, kgram_one, &kj, NULL);
    }
    size_t streamed = 0;
    if (!rc) {
        align_job aj = {s, o, cand, res, k, kg_off, kg};
        if (sink)
            rc = stream_pairs(&aj, sink, ncand, threads, o->progress, &streamed);
        else
            rc = nd_parallel_for(ncand, threads, align_one, &aj, o->progress ? "aligning candidate pairs" : NULL);
    }
    if (kg) nd_map_free(kg, kg_off[s->n] ? kg_off[s->n] : 1);
    free(kg_off);
    free(need);
    if (rc) {
        nd_overlap_pairs_free(res, ncand);
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory aligning candidate pairs");
    }
    if (sink) {
        st->pairs = streamed;
        st->t_align = nd_now() - t1;
        *npairs = streamed;
        return NEARDUP_OK;
    }
    align_job j = {.res = res};
    size_t m = 0; /* keep the pairs that share passages, in order */
    for (size_t i = 0; i < ncand; i++) {
        if (j.res[i].np) j.res[m++] = j.res[i];
        else free(j.res[i].p);
    }
    st->pairs = m;
    st->t_align = nd_now() - t1;
    *pairs = j.res;
    *npairs = m;
    return NEARDUP_OK;
}
