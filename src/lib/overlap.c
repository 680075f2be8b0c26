/* overlap.c - source overlap: the loaded documents (overlap_load.c) ->
 * candidate pairs from the anchor index, boilerplate masked -> alignment of
 * each candidate on all threads (a shared counter hands out pairs; results
 * land at the pair's index, so output is identical for any thread count). */
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

void nd_overlap_mask(nd_doc_store *s, const nd_overlap_opts *o, const nd_anchor *drop, size_t n, uint64_t base)
{
    unsigned w = nd_anchor_window(o->min_words, o->ngram);
    for (size_t i = 0; i < n;) {
        if (drop[i].pos & ND_ANCHOR_SENTENCE) { /* a formula seen everywhere: it no longer counts (below) */
            s->doc[drop[i].doc].fp[drop[i].pos & ~ND_ANCHOR_SENTENCE] |= (uint64_t)UINT32_MAX << 32;
            i++;
            continue;
        }
        uint64_t doc = drop[i].doc, ntok = s->doc[doc].ntok;
        uint32_t *id = s->doc[doc].id, *term = s->doc[doc].term;
        size_t j = i + 1; /* the run of dropped anchors at most w apart: one block */
        while (j < n && drop[j].doc == doc && !(drop[j].pos & ND_ANCHOR_SENTENCE) && drop[j].pos <= drop[j - 1].pos + w) j++;
        uint64_t from = drop[i].pos >= w - 1 ? drop[i].pos - (w - 1) : 0;
        uint64_t to = (uint64_t)drop[j - 1].pos + (w - 1) + o->ngram;
        if (to > ntok) to = ntok;
        for (uint64_t t = from; t < to; t++) {
            /* a bijection of (doc, t): unique, so masked words match nothing */
            id[t] = nd_word_id(nd_mask_word((doc + base) << 32 | t));
            if (term) term[t] = (uint32_t)(nd_mask_mix((doc + base) << 32 | t) >> 7) & ND_TERM_MASK; /* a content word no other text has */
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
    if (r->kg) return 0; /* made already */
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
    const nd_doc_ref *r = &j->s->doc[d];
    return nd_kgrams_view(r->kg ? (void *)r->kg : j->kg + j->kg_off[d], r->ntok, j->k);
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
    if (j->s->global) { /* a batch of a larger store: the pair in the corpus' numbers */
        r->a = j->s->global[a];
        r->b = j->s->global[b];
    }
    return 0;
}

static int align_one(void *arg, size_t i)
{
    align_job *j = arg;
    if (align_pair(j, i, NULL, NULL, &j->res[i])) return -1;
    nd_overlap_pair *r = &j->res[i];
    const nd_doc_ref *da = &j->s->doc[j->cand[i].a], *db = &j->s->doc[j->cand[i].b];
    if (r->np && j->o->collect && j->o->collect(j->o->collect_user, r, da, db)) return -1;
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
        const nd_doc_ref *da = &j->aj->s->doc[j->aj->cand[i].a], *db = &j->aj->s->doc[j->aj->cand[i].b];
        if (r.np && o->collect && o->collect(o->collect_user, &r, da, db)) rc = -1;
        /* a star pair is for the clusters only */
        if (!rc && ((r.np && j->aj->cand[i].shared != ND_ANCHOR_STAR) || j->sink->all)) {
            found += r.np > 0;
            if (!f && (f = open_memstream(&p, &n))) __fsetlocking(f, FSETLOCKING_BYCALLER); /* this thread's */
            if (!f || j->sink->format(j->sink->user, f, &r, da, db)) rc = -1;
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
    nd_overlap_mask(s, o, s->anc, st->anchors.dropped_occ, 0);
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
            kg_off[d + 1] = kg_off[d] + (need[d] && !s->doc[d].kg ? nd_kgram_bytes(nt, k) : 0);
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
