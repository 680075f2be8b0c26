/* pairs.c - signatures to verified near-duplicate pairs: LSH banding by
 * sorting, then each candidate scored once. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "lsh.h"
#include "minhash.h"
#include "shingle.h"
#include "sketch.h"

static float score(const nd_sketches *s, const nd_pairs_opts *o, uint32_t a, uint32_t b)
{
    if (o->verify_exact && s->set_off) {
        const uint64_t *sa = s->set + s->set_off[a], *sb = s->set + s->set_off[b];
        return (float)nd_set_jaccard(sa, s->set_off[a + 1] - s->set_off[a], sb,
                                     s->set_off[b + 1] - s->set_off[b]);
    }
    return (float)nd_minhash_jaccard(s->sig + (size_t)a * s->k, s->sig + (size_t)b * s->k, s->k);
}

#define ND_MAX_BAND_THREADS 64

/* The band keys computed while sketching, when they were for these parameters. */
static uint64_t *const *band_keys(const nd_sketches *s, const nd_pairs_opts *o, unsigned bands,
                                  unsigned rows)
{
    return s->bandkey && s->bands == bands && s->rows == rows && s->band_seed == o->band_seed
               ? s->bandkey : NULL;
}

/* Band b's record of every live document, in document order; returns how many. */
static size_t fill_band(const nd_sketches *s, const nd_pairs_opts *o, uint64_t *const *keys, unsigned b,
                        unsigned rows, nd_band_rec *recs)
{
    size_t nrec = 0;
    for (uint64_t i = 0; i < s->n; i++) {
        if (!s->nshingles[i]) continue; /* empty documents never pair */
        if (o->skip && o->skip[i] != i) continue;
        recs[nrec++] = keys ? (nd_band_rec){keys[b][i], (uint32_t)i, 0}
                            : nd_lsh_band_record(s->sig + i * s->k, b, rows, o->band_seed, (uint32_t)i);
    }
    return nrec;
}

/* A share of the bands: first, first + step, ... */
typedef struct {
    const nd_sketches *s;
    const nd_pairs_opts *o;
    uint64_t live;
    unsigned first, step, bands, rows;
    nd_pair *p; /* candidates, sorted and unique */
    size_t n;
    uint64_t nrec;
    int rc;
} band_worker;

/* w->p = w->p u band, both sorted and unique.  Each band's candidates are made
 * unique before they join: a near-duplicate pair collides in most bands, and
 * keeping every band's copies cost `pairs` 1.3 GB on a 1 GB corpus of
 * 18-document families (86 million candidates for 6 million pairs). */
static int merge_unique(band_worker *w, const nd_pair *band, size_t nb)
{
    if (!nb) return NEARDUP_OK;
    nd_pair *m = malloc((w->n + nb) * sizeof *m);
    if (!m) return NEARDUP_E_NOMEM;
    size_t i = 0, j = 0, n = 0;
    while (i < w->n || j < nb) {
        int take_a = j == nb || (i < w->n && (w->p[i].a < band[j].a ||
                                               (w->p[i].a == band[j].a && w->p[i].b <= band[j].b)));
        nd_pair x = take_a ? w->p[i++] : band[j++];
        if (n == 0 || m[n - 1].a != x.a || m[n - 1].b != x.b) m[n++] = x;
    }
    free(w->p);
    w->p = m;
    w->n = n;
    return NEARDUP_OK;
}

static void *band_main(void *arg)
{
    band_worker *w = arg;
    const nd_sketches *s = w->s;
    const nd_pairs_opts *o = w->o;
    nd_band_rec *recs = malloc((w->live ? w->live : 1) * sizeof *recs);
    if (!recs) {
        w->rc = NEARDUP_E_NOMEM;
        return NULL;
    }
    uint64_t *const *keys = band_keys(s, o, w->bands, w->rows);
    nd_pair *band = NULL; /* one band's candidates */
    size_t band_cap = 0;
    for (unsigned b = w->first; b < w->bands && !w->rc; b += w->step) {
        size_t nrec = fill_band(s, o, keys, b, w->rows, recs);
        w->nrec += nrec;
        size_t nb = 0;
        w->rc = nd_lsh_append_candidates(recs, nrec, o->max_bucket, &band, &nb, &band_cap);
        if (!w->rc) w->rc = merge_unique(w, band, nd_pairs_unique(band, nb));
    }
    free(band);
    free(recs);
    return NULL;
}

/* ---------- connect_only: a spanning forest of the accepted pairs ---------- */

typedef struct {
    const nd_sketches *s;
    const nd_pairs_opts *o;
    uint32_t *parent;
    nd_scored_pair *p; /* the forest's edges */
    size_t n, cap;
    nd_pairs_stats *st;
} forest;

/* A candidate (a, b): scored only when a and b are not connected yet, joined
 * when it passes.  A pair inside one component would not change any
 * component, so the components are those of all accepted pairs, in any order. */
static int try_pair(forest *f, uint32_t a, uint32_t b)
{
    if (a == b) return 0;
    uint32_t ra = nd_uf_find(f->parent, a), rb = nd_uf_find(f->parent, b);
    if (ra == rb) return 0;
    f->st->candidates++;
    float j = score(f->s, f->o, a, b);
    if (j < (float)f->o->threshold) return 0;
    nd_uf_unite(f->parent, ra, rb);
    if (nd_grow((void **)&f->p, &f->cap, f->n + 1, sizeof *f->p)) return -1;
    f->p[f->n++] = a < b ? (nd_scored_pair){a, b, j, -1} : (nd_scored_pair){b, a, j, -1};
    return 0;
}

/* The candidates of one sorted band, as nd_lsh_candidates forms them (all
 * pairs of a bucket, or first-to-each and neighbours past max_bucket). */
static int connect_band(forest *f, const nd_band_rec *r, size_t nrec, size_t max_bucket)
{
    for (size_t i = 0; i < nrec;) {
        size_t j = i + 1;
        while (j < nrec && r[j].key == r[i].key) j++;
        size_t m = j - i;
        /* after the first bands a bucket is mostly one component already:
         * m finds settle it, where its pairs would cost m (m - 1) */
        uint32_t root = m > 1 ? nd_uf_find(f->parent, r[i].doc) : 0;
        size_t same = 1;
        while (same < m && nd_uf_find(f->parent, r[i + same].doc) == root) same++;
        if (same == m) m = 1;
        /* the members' signatures lie anywhere in the corpus: ask for all of
         * them at once, so their cache misses overlap (scoring waited on them
         * one by one: 2 us a score on a 1 GB corpus) */
        for (size_t x = 0; m > 1 && x < m && x < 64; x++) {
            const char *sig = (const char *)(f->s->sig + (size_t)r[i + x].doc * f->s->k);
            for (size_t line = 0; line < f->s->k * sizeof *f->s->sig; line += 64) __builtin_prefetch(sig + line);
        }
        for (size_t y = 1; m > 1 && y < m; y++) {
            if (m <= max_bucket) {
                for (size_t x = 0; x < y; x++)
                    if (try_pair(f, r[i + x].doc, r[i + y].doc)) return -1;
            } else if (try_pair(f, r[i].doc, r[i + y].doc) ||
                       (y > 1 && try_pair(f, r[i + y - 1].doc, r[i + y].doc))) {
                return -1;
            }
        }
        i = j;
    }
    return 0;
}

static int cmp_scored_ab(const void *x, const void *y)
{
    const nd_scored_pair *a = x, *b = y;
    if (a->a != b->a) return a->a < b->a ? -1 : 1;
    return a->b < b->b ? -1 : a->b > b->b;
}

/* Bands filled and sorted ahead, on every thread, into a ring of slots,
 * while the union-find takes them strictly in band order (so the forest, the
 * candidate count and the output never depend on the thread count).  At -j 2
 * the sorting - most of the banding time - is shared, where it ran on one
 * thread after the pipeline. */
enum { FEED_SLOTS = 3 };

typedef struct {
    const nd_sketches *s;
    const nd_pairs_opts *o;
    uint64_t *const *keys;
    unsigned bands, rows;
    nd_band_rec *recs[FEED_SLOTS];
    size_t nrec[FEED_SLOTS];
    int ready[FEED_SLOTS];
    unsigned nslots;             /* FEED_SLOTS, or 1 on one thread */
    unsigned claimed, connected; /* bands claimed for sorting; bands connected */
    int rc;
    pthread_mutex_t mu;
    pthread_cond_t cv;
} band_feed;

/* Fills and sorts band b into its slot; called without the lock. */
static void feed_sort(band_feed *fd, unsigned b)
{
    unsigned k = b % fd->nslots;
    size_t n = fill_band(fd->s, fd->o, fd->keys, b, fd->rows, fd->recs[k]);
    int rc = nd_sort_band_recs(fd->recs[k], n);
    pthread_mutex_lock(&fd->mu);
    fd->nrec[k] = n;
    fd->ready[k] = 1;
    if (rc) fd->rc = rc;
    pthread_cond_broadcast(&fd->cv);
    pthread_mutex_unlock(&fd->mu);
}

/* Claims the next band when its slot is free (the lock is held). */
static int feed_claim(band_feed *fd, unsigned *b)
{
    if (fd->rc || fd->claimed >= fd->bands || fd->claimed >= fd->connected + fd->nslots) return 0;
    *b = fd->claimed++;
    return 1;
}

static void *feed_helper(void *arg)
{
    band_feed *fd = arg;
    pthread_mutex_lock(&fd->mu);
    while (!fd->rc && fd->claimed < fd->bands) {
        unsigned b;
        if (!feed_claim(fd, &b)) {
            pthread_cond_wait(&fd->cv, &fd->mu);
            continue;
        }
        pthread_mutex_unlock(&fd->mu);
        feed_sort(fd, b);
        pthread_mutex_lock(&fd->mu);
    }
    pthread_mutex_unlock(&fd->mu);
    return NULL;
}

/* For dedup: only the components matter.  Band by band, each candidate is
 * checked against a union-find first, so a family of m near-identical
 * documents costs m - 1 scores instead of m (m - 1) / 2 in each of the bands
 * (on a 1 GB corpus of 18-document families: 86 million candidates formed and
 * sorted, 6 million scored, before). */
static int find_forest(const nd_sketches *s, const nd_pairs_opts *o, unsigned bands, unsigned rows,
                       uint64_t live, nd_scored_pair **out, size_t *nout, nd_pairs_stats *st, nd_error *err)
{
    forest f = {s, o, malloc((s->n ? s->n : 1) * sizeof *f.parent), NULL, 0, 0, st};
    unsigned nt = o->threads ? o->threads : 1, nhelp = 0;
    band_feed fd = {.s = s, .o = o, .keys = band_keys(s, o, bands, rows), .bands = bands, .rows = rows,
                    .nslots = nt > 1 ? FEED_SLOTS : 1};
    int rc = f.parent ? NEARDUP_OK : NEARDUP_E_NOMEM;
    for (unsigned k = 0; k < fd.nslots && !rc; k++)
        if (!(fd.recs[k] = malloc((live ? live : 1) * sizeof *fd.recs[k]))) rc = NEARDUP_E_NOMEM;
    if (rc) {
        free(f.parent);
        for (unsigned k = 0; k < FEED_SLOTS; k++) free(fd.recs[k]);
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory for %llu band records", (unsigned long long)live);
    }
    for (uint64_t i = 0; i < s->n; i++) f.parent[i] = (uint32_t)i;
    double t0 = nd_now();
    pthread_mutex_init(&fd.mu, NULL);
    pthread_cond_init(&fd.cv, NULL);
    pthread_t tid[FEED_SLOTS - 1];
    for (; nhelp + 1 < nt && nhelp < FEED_SLOTS - 1 && nhelp + 1 < bands; nhelp++)
        if (pthread_create(&tid[nhelp], NULL, feed_helper, &fd)) break; /* fewer helpers: still correct */
    pthread_mutex_lock(&fd.mu);
    while (!fd.rc && fd.connected < bands) {
        unsigned k = fd.connected % fd.nslots, b;
        if (fd.ready[k]) { /* the next band in order: connect it */
            pthread_mutex_unlock(&fd.mu);
            st->band_records += fd.nrec[k];
            int bad = connect_band(&f, fd.recs[k], fd.nrec[k], o->max_bucket);
            pthread_mutex_lock(&fd.mu);
            if (bad) fd.rc = NEARDUP_E_NOMEM;
            fd.ready[k] = 0;
            fd.connected++;
            pthread_cond_broadcast(&fd.cv);
        } else if (feed_claim(&fd, &b)) { /* sort one ahead, as the helpers do */
            pthread_mutex_unlock(&fd.mu);
            feed_sort(&fd, b);
            pthread_mutex_lock(&fd.mu);
        } else {
            pthread_cond_wait(&fd.cv, &fd.mu);
        }
    }
    rc = fd.rc; /* the helpers stop on it, or find every band claimed */
    pthread_cond_broadcast(&fd.cv);
    pthread_mutex_unlock(&fd.mu);
    for (unsigned t = 0; t < nhelp; t++) pthread_join(tid[t], NULL);
    pthread_cond_destroy(&fd.cv);
    pthread_mutex_destroy(&fd.mu);
    for (unsigned k = 0; k < FEED_SLOTS; k++) free(fd.recs[k]);
    free(f.parent);
    if (rc) {
        free(f.p);
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory forming candidate pairs");
    }
    if (f.n > 1) qsort(f.p, f.n, sizeof *f.p, cmp_scored_ab);
    st->accepted = f.n;
    st->t_band = nd_now() - t0; /* banding and scoring are interleaved here */
    *out = f.p;
    *nout = f.n;
    return NEARDUP_OK;
}

int nd_find_pairs(const nd_sketches *s, const nd_pairs_opts *o, nd_scored_pair **out, size_t *nout,
                  nd_pairs_stats *st, nd_error *err)
{
    memset(st, 0, sizeof *st);
    *out = NULL;
    *nout = 0;
    unsigned bands = o->bands, rows = o->rows;
    if (!bands || !rows) nd_lsh_params(o->threshold, s->k, &bands, &rows);
    st->bands = bands;
    st->rows = rows;
    double t0 = nd_now();
    uint64_t live = 0;
    for (uint64_t i = 0; i < s->n; i++) live += s->nshingles[i] > 0 && (!o->skip || o->skip[i] == i);
    if (o->connect_only) return find_forest(s, o, bands, rows, live, out, nout, st, err);
    /* One band at a time: a band's records (16 bytes a document) stay in
     * cache and are reused, where all bands at once cost bands x 32 bytes a
     * document of fresh memory.  Keys of different bands never meet, so the
     * buckets - and the candidates - are the same.  Threads take every
     * nth band; the union of their candidates is sorted and made unique, so
     * the result does not depend on the thread count. */
    unsigned nt = o->threads ? o->threads : 1;
    if (nt > bands) nt = bands;
    band_worker w[ND_MAX_BAND_THREADS];
    pthread_t tid[ND_MAX_BAND_THREADS];
    if (nt > ND_MAX_BAND_THREADS) nt = ND_MAX_BAND_THREADS;
    int running[ND_MAX_BAND_THREADS] = {0};
    for (unsigned t = 0; t < nt; t++) {
        w[t] = (band_worker){.s = s, .o = o, .live = live, .first = t, .step = nt, .bands = bands, .rows = rows};
        if (t > 0) running[t] = pthread_create(&tid[t], NULL, band_main, &w[t]) == 0;
        if (t > 0 && !running[t]) band_main(&w[t]); /* no thread: do its share here */
    }
    band_main(&w[0]);
    for (unsigned t = 1; t < nt; t++)
        if (running[t]) pthread_join(tid[t], NULL);
    nd_pair *cand = NULL;
    size_t ncand = 0, cap = 0;
    int rc = NEARDUP_OK;
    for (unsigned t = 0; t < nt; t++) {
        if (w[t].rc) rc = w[t].rc;
        st->band_records += w[t].nrec;
        if (!rc && nd_grow((void **)&cand, &cap, ncand + w[t].n, sizeof *cand)) rc = NEARDUP_E_NOMEM;
        if (!rc && w[t].n) memcpy(cand + ncand, w[t].p, w[t].n * sizeof *cand);
        if (!rc) ncand += w[t].n;
        free(w[t].p);
    }
    if (rc) {
        free(cand);
        return nd_fail(err, rc, "out of memory forming candidate pairs");
    }
    ncand = nd_pairs_unique(cand, ncand);
    st->candidates = ncand;
    double t1 = nd_now();
    st->t_band = t1 - t0;
    nd_scored_pair *p = malloc((ncand ? ncand : 1) * sizeof *p);
    if (!p) {
        free(cand);
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory scoring %zu candidates", ncand);
    }
    size_t n = 0;
    for (size_t i = 0; i < ncand; i++) {
        float j = score(s, o, cand[i].a, cand[i].b);
        /* compare in float: the printed value is the float, so a pair shown
         * as 0.8 is never dropped at -t 0.8 */
        if (j >= (float)o->threshold) p[n++] = (nd_scored_pair){cand[i].a, cand[i].b, j, -1};
    }
    free(cand);
    st->accepted = n;
    st->t_verify = nd_now() - t1;
    *out = p;
    *nout = n;
    return NEARDUP_OK;
}
