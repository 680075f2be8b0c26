/* anchors.c - winnowing anchors and the anchor index (see anchors.h for the
 * guarantee).  The index is a sorted array of (hash, doc, pos) records: a run
 * of equal hashes is one posting list, so no hash map is needed and the same
 * code runs on a spilled or distributed array. */
#include <stdlib.h>
#include <string.h>
#include <stdatomic.h>

#include "anchors.h"
#include "lsh.h"
#include "shingle.h"
#include "tokenize.h"
#include "reuse.h"

#define ND_EVIDENCE_UNIT 65536
#define ND_EVIDENCE_NEEDED ((uint64_t)ND_REUSE_MIN_SHARED * ND_EVIDENCE_UNIT)

unsigned nd_anchor_window(unsigned min_words, unsigned ngram)
{
    return min_words > ngram ? min_words - ngram + 1 : 1;
}

void nd_anchor_scratch_free(nd_anchor_scratch *s)
{
    free(s->sh);
    free(s->hash);
    free(s->pos);
    memset(s, 0, sizeof *s);
}

int nd_doc_anchors(const nd_tokens *tok, unsigned ngram, unsigned w, uint64_t seed, nd_anchor_scratch *s,
                   size_t *n)
{
    size_t m = nd_shingle_count(tok->n, ngram), old = s->cap;
    *n = 0;
    if (nd_grow((void **)&s->sh, &s->cap, m ? m : 1, sizeof *s->sh)) return NEARDUP_E_NOMEM;
    if (s->cap != old) {
        uint64_t *h = realloc(s->hash, s->cap * sizeof *h);
        if (h) s->hash = h;
        uint32_t *p = h ? realloc(s->pos, s->cap * sizeof *p) : NULL;
        if (p) s->pos = p;
        if (!p) {
            s->cap = old; /* the arrays all hold old entries still */
            return NEARDUP_E_NOMEM;
        }
    }
    nd_shingle(tok->hash, tok->n, ngram, ND_ANCHOR_SHINGLE_SEED, s->sh);
    *n = nd_winnow(s->sh, m, w, seed, s->pos, s->hash);
    return NEARDUP_OK;
}

size_t nd_winnow(const uint64_t *sh, size_t m, unsigned w, uint64_t seed, uint32_t *pos,
                 uint64_t *hash)
{
    if (m == 0) return 0;
    if (w == 0) w = 1;
    if (w > m) w = (unsigned)m;
    /* hash[] doubles as scratch for the mixed values until positions are chosen */
    uint64_t *hv = hash;
    for (size_t i = 0; i < m; i++) hv[i] = nd_fmix64(sh[i] ^ seed);
    size_t n = 0, min = 0;
    for (size_t end = w - 1; end < m; end++) {
        size_t start = end + 1 - w;
        if (end == w - 1 || min < start) { /* the minimum left the window: rescan */
            min = start;
            for (size_t i = start + 1; i <= end; i++)
                if (hv[i] <= hv[min]) min = i; /* rightmost minimum (robust winnowing) */
        } else if (hv[end] <= hv[min]) {
            min = end;
        }
        if (n == 0 || pos[n - 1] != min) pos[n++] = (uint32_t)min;
    }
    /* pos is increasing and pos[i] >= i, so hash[i] may be overwritten in place */
    for (size_t i = 0; i < n; i++) hash[i] = hv[pos[i]];
    return n;
}

/* ---------- the anchor index, on all threads ----------
 *
 * 1. The occurrences are sorted by hash into srt (pos replaced by the
 *    occurrence's index in occ): each slice of occ counts its buckets (the top
 *    bits of the hash), then scatters into place; stable, so a run of equal
 *    hashes lists its documents in order.
 * 2. Groups of buckets are finished (insertion sort) and their runs classified:
 *    each occurrence learns its index in srt (a kept anchor in 2 or more
 *    documents), or that its anchor is boilerplate, or in one document only.
 * 3. Ranges of documents list their pairs: for each anchor of document a,
 *    the later documents b of its run; a's b's sorted and counted are a's
 *    pairs with their shared-anchor counts, already in (a, b) order, so the
 *    ranges' lists are concatenated and no global sort of pair keys is needed.
 * 4. With series (nd_anchor_scope), step 2 also sorts out the anchors in more
 *    than max_df documents: a series' boilerplate, or a reprint spread over
 *    series, whose carriers are each paired with one representative (star
 *    pairs, listed by the group of buckets, then sorted and merged into the
 *    pairs with shared = ND_ANCHOR_STAR). */

#define OCC_NONE UINT32_MAX         /* an anchor of one document */
#define OCC_DROP (UINT32_MAX - 1)   /* a boilerplate anchor */
#define MAX_SLICES 8                /* threads sorting: counts are slices x buckets */
#define GROUP_BUCKETS 256           /* buckets finished per work item */
#define DOC_CHUNK 8192              /* occurrences per work item listing pairs */

typedef struct {
    const nd_anchor *occ;
    nd_anchor *srt;
    uint32_t *sidx;       /* per occurrence: its index in srt, OCC_NONE or OCC_DROP */
    size_t n;
    unsigned shift, nslice;
    size_t nb;            /* buckets */
    uint32_t *cnt;        /* nslice x nb: counts, then where each slice's bucket starts */
    size_t *bstart;       /* nb + 1 bucket starts in srt */
    uint64_t max_df, max_df_sentence;
    uint32_t split;
    const nd_anchor_scope *scope; /* NULL: no series */
    uint8_t *star;        /* with star mode: 1 at srt index x where x's anchor is over max_df (NULL: none) */
    nd_anchor_stats *gst; /* per group of buckets */
    uint64_t **gstar;     /* per group: its star pairs (a << 32 | b), and how many */
    size_t *gnstar, *gcap;
    nd_anchor_pair **cp;  /* per chunk of documents: its pairs */
    size_t *cn;
    nd_anchor **cd;       /* per chunk: its dropped occurrences, and how many */
    size_t *cdn;
    atomic_int unordered; /* occ is not in (doc, pos) order */
} index_job;

static size_t slice_lo(const index_job *j, size_t t) { return j->n / j->nslice * t + (t < j->n % j->nslice ? t : j->n % j->nslice); }

static int count_slice(void *arg, size_t t)
{
    index_job *j = arg;
    uint32_t *c = j->cnt + t * j->nb;
    size_t lo = slice_lo(j, t), hi = slice_lo(j, t + 1);
    const nd_anchor *o = j->occ;
    int unordered = 0;
    for (size_t i = lo; i < hi; i++) {
        c[o[i].hash >> j->shift]++;
        /* (doc, pos) order, checked on the way: the first read of occ is the costly one */
        if (i && (o[i].doc < o[i - 1].doc || (o[i].doc == o[i - 1].doc && o[i].pos < o[i - 1].pos))) unordered = 1;
    }
    if (unordered) atomic_store(&j->unordered, 1);
    /* srt is fresh memory: each slice maps in its share of it at once */
    nd_prefault(j->srt, lo * sizeof *j->srt, hi * sizeof *j->srt);
    return 0;
}

static int scatter_slice(void *arg, size_t t)
{
    index_job *j = arg;
    uint32_t *c = j->cnt + t * j->nb;
    size_t lo = slice_lo(j, t), hi = slice_lo(j, t + 1);
    for (size_t i = lo; i < hi; i++) {
        nd_anchor a = j->occ[i];
        j->srt[c[a.hash >> j->shift]++] = (nd_anchor){a.hash, a.doc, (uint32_t)i};
    }
    return 0;
}

/* Whether series v is one of the nh heavy ones (sorted). */
static int is_heavy(const uint64_t *heavy, size_t nh, uint64_t v)
{
    size_t lo = 0, hi = nh;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (heavy[mid] < v) lo = mid + 1;
        else hi = mid;
    }
    return lo < nh && heavy[lo] == v;
}

/* A run r[i, k) of nd documents, with series known.  Boilerplate is a
 * property of an anchor in one series: the carriers in a series holding
 * more than max_series_df of them (an outlet's footer or masthead) are
 * dropped and masked, and the anchor lives on among the other series (a
 * story one outlet printed again and again is still a reprint elsewhere).
 * Returns 1 when every carrier was dropped so (the caller drops the run),
 * 0 when none was and the rest is not spread (an anchor as any other), 3
 * when some were and the rest is listed as pairs (sidx set here), 2 when the
 * rest is more than max_df documents (a reprint spread over series): its
 * carriers are each paired with one representative, star pairs listed into
 * the group's list, sidx set here; -1: out of memory. */
static int series_run(index_job *j, size_t g, size_t i, size_t k, size_t nd)
{
    const nd_anchor *r = j->srt;
    const uint32_t *series = j->scope->series, *rank = j->scope->rank;
    uint64_t *ser = malloc((k - i) * sizeof *ser);
    if (!ser) return -1;
    size_t m = 0, nh = 0, heavy_docs = 0;
    for (size_t x = i; x < k; x++)
        if (x == i || r[x].doc != r[x - 1].doc) ser[m++] = series[r[x].doc]; /* the run lists its documents in order */
    if (nd_sort_u64(ser, m)) {
        free(ser);
        return -1;
    }
    /* the heavy series, in place at the front of ser (sorted) */
    for (size_t x = 0; x < m;) {
        size_t y = x + 1;
        while (y < m && ser[y] == ser[x]) y++;
        if (y - x > j->scope->max_series_df) {
            ser[nh++] = ser[x];
            heavy_docs += y - x;
        }
        x = y;
    }
    size_t rest = nd - heavy_docs;
    int cls = 0;
    if (nh && rest <= 1) cls = 1;
    else if (rest > j->max_df) cls = 2;
    else if (nh) cls = 3;
    if (cls == 0 || cls == 1) {
        free(ser);
        return cls;
    }
#define HEAVY(d) (nh && is_heavy(ser, nh, series[d]))
    for (size_t x = i; x < k; x++)
        j->sidx[r[x].pos] = HEAVY(r[x].doc) ? OCC_DROP : cls == 3 ? (uint32_t)x : OCC_NONE;
    if (cls == 3) {
        free(ser);
        return 3;
    }
    /* rep: the carrier of lowest rank (with split, a reference); alt: the
     * one of lowest rank in another series than rep's, for the carriers of
     * rep's own series (unless within_series, a pair inside one series is
     * not aligned: it would join an outlet's articles by their footer) */
    uint32_t rep = UINT32_MAX, alt = UINT32_MAX;
    for (size_t x = i; x < k; x++) {
        uint32_t d = r[x].doc;
        if ((j->split && d < j->split) || HEAVY(d)) continue;
        if (rep == UINT32_MAX || (rank ? rank[d] < rank[rep] : d < rep)) rep = d;
    }
    for (size_t x = i; rep != UINT32_MAX && x < k; x++) {
        uint32_t d = r[x].doc;
        if ((j->split && d < j->split) || series[d] == series[rep] || HEAVY(d)) continue;
        if (alt == UINT32_MAX || (rank ? rank[d] < rank[alt] : d < alt)) alt = d;
    }
    for (size_t x = i; rep != UINT32_MAX && x < k; x++) {
        uint32_t d = r[x].doc;
        if ((x > i && d == r[x - 1].doc) || d == rep || (j->split && d >= j->split) || HEAVY(d)) continue;
        uint32_t to = rep;
        if (!j->scope->within_series && series[d] == series[rep]) to = alt;
        if (to == UINT32_MAX || to == d) continue;
        if (nd_grow((void **)&j->gstar[g], &j->gcap[g], j->gnstar[g] + 1, sizeof **j->gstar)) {
            free(ser);
            return -1;
        }
        uint32_t a = d < to ? d : to, b = d < to ? to : d;
        j->gstar[g][j->gnstar[g]++] = (uint64_t)a << 32 | b;
    }
#undef HEAVY
    free(ser);
    return 2; /* no reference carries it: inputs are not paired */
}

static int finish_group(void *arg, size_t g)
{
    index_job *j = arg;
    size_t v0 = g * GROUP_BUCKETS, v1 = v0 + GROUP_BUCKETS < j->nb ? v0 + GROUP_BUCKETS : j->nb;
    for (size_t v = v0; v < v1; v++) {
        size_t lo = j->bstart[v], m = j->bstart[v + 1] - lo;
        /* stable by hash (a small bucket: its insertion sort; skewed keys: its radix sort) */
        if (nd_sort_band_recs((nd_band_rec *)(j->srt + lo), m)) return -1;
    }
    nd_anchor_stats *st = &j->gst[g];
    const nd_anchor *r = j->srt;
    for (size_t i = j->bstart[v0], end = j->bstart[v1]; i < end;) {
        size_t k = i + 1, nd = 1;
        for (; k < end && r[k].hash == r[i].hash; k++) nd += r[k].doc != r[k - 1].doc;
        int sentence = (j->occ[r[i].pos].pos & ND_ANCHOR_SENTENCE) != 0;
        st->anchors++;
        st->sentence_anchors += (uint64_t)sentence;
        /* with series: a series' boilerplate (1), a reprint spread over series (2) */
        int cls = 0, series = !sentence && j->scope && j->scope->series;
        if (series && (nd > j->scope->max_series_df || nd > j->max_df) && (cls = series_run(j, g, i, k, nd)) < 0)
            return -1;
        if (cls == 2 || cls == 3) { /* series_run set sidx: kept (listed when 3), a heavy series' carriers dropped */
            st->spread += (uint64_t)(cls == 2);
            size_t dropped = 0;
            for (size_t x = i; x < k; x++) dropped += j->sidx[r[x].pos] == OCC_DROP;
            st->series_dropped += (uint64_t)(dropped > 0); /* in some series only */
            st->dropped_occ += dropped;
            if (cls == 3 && nd > st->max_df_seen) st->max_df_seen = nd;
        } else if (!series && j->star && !sentence && nd > j->max_df) { /* its first document pairs with the others */
            st->star++;
            for (size_t x = i; x < k; x++) {
                j->sidx[r[x].pos] = (uint32_t)x;
                j->star[x] = 1;
            }
        } else if (cls == 1 || (!series && nd > j->max_df)) { /* a sentence fingerprint over max_df_sentence: weak, list_chunk */
            st->series_dropped += (uint64_t)(cls == 1);
            st->dropped++;
            st->sentence_dropped += (uint64_t)sentence;
            st->dropped_occ += k - i;
            for (size_t x = i; x < k; x++) j->sidx[r[x].pos] = OCC_DROP;
        } else if (nd > 1) {
            if (nd > st->max_df_seen) st->max_df_seen = nd;
            for (size_t x = i; x < k; x++) j->sidx[r[x].pos] = (uint32_t)x;
        } else {
            for (size_t x = i; x < k; x++) j->sidx[r[x].pos] = OCC_NONE;
        }
        i = k;
    }
    return 0;
}

/* The first occurrence of a document at or after i (chunks start there). */
static size_t doc_start(const index_job *j, size_t i)
{
    if (i >= j->n) return j->n;
    while (i > 0 && i < j->n && j->occ[i].doc == j->occ[i - 1].doc) i++;
    return i;
}

/* The documents of the run holding srt index x. */
static uint64_t run_docs(const index_job *j, size_t x)
{
    const nd_anchor *r = j->srt;
    size_t lo = x, hi = x + 1;
    while (lo > 0 && r[lo - 1].hash == r[x].hash) lo--;
    while (hi < j->n && r[hi].hash == r[x].hash) hi++;
    uint64_t nd = 1;
    for (size_t y = lo + 1; y < hi; y++) nd += r[y].doc != r[y - 1].doc;
    return nd;
}

/* A fingerprint's evidence for each pair of its df carriers, in units of
 * 1 / ND_EVIDENCE_UNIT of a rare one's (see anchors.h). */
static uint64_t fingerprint_weight(uint64_t rare_df, uint64_t df)
{
    return df <= rare_df ? ND_EVIDENCE_UNIT : ND_EVIDENCE_UNIT * rare_df / df;
}

static int list_chunk(void *arg, size_t c)
{
    index_job *j = arg;
    size_t lo = doc_start(j, c * DOC_CHUNK), hi = doc_start(j, (c + 1) * DOC_CHUNK);
    const nd_anchor *r = j->srt;
    uint64_t *bs = NULL; /* the later documents b sharing an anchor with a, one per anchor */
    size_t nbs = 0, bcap = 0, np = 0, pcap = 0, nd = 0, dcap = 0;
    nd_anchor_pair *out = NULL;
    nd_anchor *drop = NULL;
    for (size_t i0 = lo; i0 < hi;) {
        uint32_t a = j->occ[i0].doc;
        size_t i1 = i0 + 1;
        while (i1 < hi && j->occ[i1].doc == a) i1++;
        nbs = 0;
        for (size_t i = i0; i < i1; i++) {
            uint32_t x = j->sidx[i];
            if (x == OCC_DROP) {
                if (nd_grow((void **)&drop, &dcap, nd + 1, sizeof *drop)) goto nomem;
                drop[nd++] = (nd_anchor){(uint64_t)a << 32 | j->occ[i].pos, a, j->occ[i].pos};
            }
            if (x >= OCC_DROP || (j->split && a >= j->split)) continue;
            uint64_t h = r[x].hash;
            if (x > 0 && r[x - 1].hash == h && r[x - 1].doc == a) continue; /* not a's first in the run */
            if (j->star && j->star[x] && x > 0 && r[x - 1].hash == h) continue; /* a star pairs its first document only */
            /* beside each b: 0 for an n-gram anchor, a fingerprint's df */
            uint64_t df = j->occ[i].pos & ND_ANCHOR_SENTENCE ? run_docs(j, x) : 0;
            uint32_t prev = a;
            for (size_t y = (size_t)x + 1; y < j->n && r[y].hash == h; y++) {
                uint32_t b = r[y].doc;
                if (b == prev) continue;
                prev = b;
                if (j->sidx[r[y].pos] == OCC_DROP) continue; /* its series' boilerplate */
                if (j->split && b < j->split) continue;
                if (j->scope && j->scope->series && !j->scope->within_series &&
                    j->scope->series[b] == j->scope->series[a])
                    continue; /* an outlet's own repeat */
                if (nd_grow((void **)&bs, &bcap, nbs + 1, sizeof *bs)) goto nomem;
                bs[nbs++] = (uint64_t)b << 32 | df;
            }
        }
        if (nbs && nd_sort_u64(bs, nbs)) goto nomem;
        for (size_t x = 0; x < nbs;) {
            size_t y = x + 1;
            uint64_t evidence = 0;
            int ngram = 0;
            for (y = x; y < nbs && bs[y] >> 32 == bs[x] >> 32; y++) {
                ngram |= (uint32_t)bs[y] == 0;
                if ((uint32_t)bs[y]) evidence += fingerprint_weight(j->max_df_sentence, (uint32_t)bs[y]);
            }
            int related = evidence >= ND_EVIDENCE_NEEDED, partial = j->scope && j->scope->partial;
            /* no anchor of a copied passage, too little of a rewritten one
             * (partial: other calls may hold more of its evidence) */
            if (!ngram && !related && !partial) {
                x = y;
                continue;
            }
            uint32_t rel = related ? ND_PAIR_RELATED : ND_PAIR_UNRELATED;
            if (partial) rel = (uint32_t)(evidence < ND_PAIR_NGRAM ? evidence : ND_PAIR_NGRAM - 1) | (ngram ? ND_PAIR_NGRAM : 0);
            if (nd_grow((void **)&out, &pcap, np + 1, sizeof *out)) goto nomem;
            out[np++] = (nd_anchor_pair){a, (uint32_t)(bs[x] >> 32), (uint32_t)(y - x), rel};
            x = y;
        }
        i0 = i1;
    }
    free(bs);
    j->cp[c] = out;
    j->cn[c] = np;
    j->cd[c] = drop;
    j->cdn[c] = nd;
    return 0;
nomem:
    free(bs);
    free(out);
    free(drop);
    return -1;
}

static int by_doc_pos(const void *x, const void *y)
{
    const nd_anchor *a = x, *b = y;
    if (a->doc != b->doc) return a->doc < b->doc ? -1 : 1;
    if (a->pos != b->pos) return a->pos < b->pos ? -1 : 1;
    return a->hash < b->hash ? -1 : a->hash > b->hash;
}

/* The pairs p (sorted by (a, b)) with the star pairs of every group merged
 * in (shared = ND_ANCHOR_STAR where not already a pair).  Returns the new array (p is
 * freed) and its length in *n, or NULL (p kept). */
static nd_anchor_pair *merge_star(index_job *j, size_t ngroup, nd_anchor_pair *p, size_t *n, uint64_t *nstar)
{
    size_t ns = 0;
    for (size_t g = 0; g < ngroup; g++) ns += j->gnstar[g];
    *nstar = 0;
    if (!ns) return p;
    uint64_t *key = malloc(ns * sizeof *key);
    nd_anchor_pair *out = key ? malloc((*n + ns) * sizeof *out) : NULL;
    if (!out) {
        free(key);
        return NULL;
    }
    ns = 0;
    for (size_t g = 0; g < ngroup; g++) {
        if (j->gnstar[g]) memcpy(key + ns, j->gstar[g], j->gnstar[g] * sizeof *key);
        ns += j->gnstar[g];
    }
    if (nd_sort_u64(key, ns)) {
        free(key);
        free(out);
        return NULL;
    }
    size_t m = 0, x = 0;
    for (size_t i = 0; i <= *n; i++) {
        uint64_t pk = i < *n ? (uint64_t)p[i].a << 32 | p[i].b : UINT64_MAX;
        for (; x < ns && key[x] <= pk; x++) {
            if (x && key[x] == key[x - 1]) continue;
            if (key[x] == pk && !(j->scope && j->scope->partial)) continue; /* a pair already */
            out[m++] = (nd_anchor_pair){(uint32_t)(key[x] >> 32), (uint32_t)key[x], ND_ANCHOR_STAR, 0};
            ++*nstar;
        }
        if (i < *n) out[m++] = p[i];
    }
    free(key);
    free(p);
    *n = m;
    return out;
}

int nd_anchor_pair_cmp(const void *x, const void *y)
{
    const nd_anchor_pair *a = x, *b = y;
    if (a->a != b->a) return a->a < b->a ? -1 : 1;
    return (a->b > b->b) - (a->b < b->b);
}

int nd_anchor_pair_combine(const nd_anchor_pair *e, size_t n, nd_anchor_pair *out)
{
    uint64_t shared = 0, evidence = 0;
    int pair = 0, ngram = 0, star = 0;
    for (size_t i = 0; i < n; i++) {
        if (e[i].shared == ND_ANCHOR_STAR) {
            star = 1;
            continue;
        }
        pair = 1;
        shared += e[i].shared;
        ngram |= (e[i].related & ND_PAIR_NGRAM) != 0;
        evidence += e[i].related & ~ND_PAIR_NGRAM;
    }
    int related = evidence >= ND_EVIDENCE_NEEDED;
    if (pair && (ngram || related)) {
        *out = (nd_anchor_pair){e[0].a, e[0].b, (uint32_t)(shared < ND_ANCHOR_STAR ? shared : ND_ANCHOR_STAR - 1),
                                related ? ND_PAIR_RELATED : ND_PAIR_UNRELATED};
        return 1;
    }
    if (!star) return 0;
    *out = (nd_anchor_pair){e[0].a, e[0].b, ND_ANCHOR_STAR, 0};
    return 2;
}

int nd_anchor_pairs(nd_anchor *occ, size_t n, uint64_t max_df, uint64_t max_df_sentence, uint32_t split, int star,
                    unsigned threads, const nd_anchor_scope *scope, nd_anchor_pair **pairs, size_t *npairs,
                    nd_anchor_stats *st)
{
    memset(st, 0, sizeof *st);
    *pairs = NULL;
    *npairs = 0;
    _Static_assert(sizeof(nd_anchor) == sizeof(nd_band_rec), "anchors sort as band records");
    if (n >= OCC_DROP) return NEARDUP_E_NOMEM; /* indices are 32-bit: 4 billion anchors */
    if (threads < 1) threads = 1;
    index_job j = {.occ = occ, .n = n, .max_df = max_df, .max_df_sentence = max_df_sentence, .split = split,
                   .scope = scope};
    unsigned bits = 8;
    while (bits < 20 && ((size_t)1 << (bits + 3)) < n) bits++; /* about 8 occurrences a bucket */
    j.shift = 64 - bits;
    j.nb = (size_t)1 << bits;
    j.nslice = n < 65536 ? 1 : threads < MAX_SLICES ? threads : MAX_SLICES;
    size_t ngroup = (j.nb + GROUP_BUCKETS - 1) / GROUP_BUCKETS, nchunk = (n + DOC_CHUNK - 1) / DOC_CHUNK;
    /* mappings: tens of MB touched once (first touches of 4 KiB pages were
     * a tenth of overlap's page faults on news-40k) */
    j.srt = nd_map_alloc((n ? n : 1) * sizeof *j.srt);
    j.sidx = nd_map_alloc((n ? n : 1) * sizeof *j.sidx);
    j.star = star ? calloc(n ? n : 1, 1) : NULL;
    j.cnt = calloc((size_t)j.nslice * j.nb, sizeof *j.cnt);
    j.bstart = malloc((j.nb + 1) * sizeof *j.bstart);
    j.gst = calloc(ngroup, sizeof *j.gst);
    j.gstar = calloc(ngroup, sizeof *j.gstar);
    j.gnstar = calloc(ngroup, sizeof *j.gnstar);
    j.gcap = calloc(ngroup, sizeof *j.gcap);
    j.cp = calloc(nchunk ? nchunk : 1, sizeof *j.cp);
    j.cn = calloc(nchunk ? nchunk : 1, sizeof *j.cn);
    j.cd = calloc(nchunk ? nchunk : 1, sizeof *j.cd);
    j.cdn = calloc(nchunk ? nchunk : 1, sizeof *j.cdn);
    nd_anchor_pair *out = NULL;
    int rc = j.srt && j.sidx && (j.star || !star) && j.cnt && j.bstart && j.gst && j.gstar && j.gnstar && j.gcap &&
             j.cp && j.cn && j.cd && j.cdn ? NEARDUP_OK : NEARDUP_E_NOMEM;
    atomic_init(&j.unordered, 0);
    if (!rc) rc = nd_parallel_for(j.nslice, threads, count_slice, &j, NULL);
    if (!rc && atomic_load(&j.unordered)) { /* the loader's order already; anyone else's made so */
        qsort(occ, n, sizeof *occ, by_doc_pos);
        memset(j.cnt, 0, (size_t)j.nslice * j.nb * sizeof *j.cnt);
        rc = nd_parallel_for(j.nslice, threads, count_slice, &j, NULL);
    }
    if (!rc) { /* bucket v of slice t starts after bucket v of the slices before t */
        size_t sum = 0;
        for (size_t v = 0; v < j.nb; v++) {
            j.bstart[v] = sum;
            for (unsigned t = 0; t < j.nslice; t++) {
                uint32_t c = j.cnt[t * j.nb + v];
                j.cnt[t * j.nb + v] = (uint32_t)sum;
                sum += c;
            }
        }
        j.bstart[j.nb] = sum;
        rc = nd_parallel_for(j.nslice, threads, scatter_slice, &j, NULL);
    }
    free(j.cnt);
    if (!rc) rc = nd_parallel_for(ngroup, threads, finish_group, &j, NULL);
    if (!rc) rc = nd_parallel_for(nchunk, threads, list_chunk, &j, NULL);
    size_t m = 0;
    for (size_t c = 0; !rc && c < nchunk; c++) m += j.cn[c];
    if (!rc && !(out = malloc((m ? m : 1) * sizeof *out))) rc = NEARDUP_E_NOMEM;
    if (!rc) {
        m = 0;
        for (size_t c = 0; c < nchunk; c++) {
            if (j.cn[c]) memcpy(out + m, j.cp[c], j.cn[c] * sizeof *out);
            m += j.cn[c];
        }
        for (size_t g = 0; g < ngroup; g++) {
            st->anchors += j.gst[g].anchors;
            st->dropped += j.gst[g].dropped;
            st->dropped_occ += j.gst[g].dropped_occ;
            st->sentence_anchors += j.gst[g].sentence_anchors;
            st->sentence_dropped += j.gst[g].sentence_dropped;
            st->spread += j.gst[g].spread;
            st->series_dropped += j.gst[g].series_dropped;
            st->star += j.gst[g].star;
            if (j.gst[g].max_df_seen > st->max_df_seen) st->max_df_seen = j.gst[g].max_df_seen;
        }
        /* the dropped occurrences to the front, still by (doc, pos): key doc << 32 | pos */
        size_t k = 0;
        for (size_t c = 0; c < nchunk; c++) {
            if (j.cdn[c]) memcpy(occ + k, j.cd[c], j.cdn[c] * sizeof *occ);
            k += j.cdn[c];
        }
        nd_anchor_pair *merged = merge_star(&j, ngroup, out, &m, &st->star_pairs);
        if (merged) {
            *pairs = merged;
            *npairs = m;
        } else {
            free(out);
            rc = NEARDUP_E_NOMEM;
        }
    }
    for (size_t c = 0; j.cp && c < nchunk; c++) free(j.cp[c]);
    for (size_t c = 0; j.cd && c < nchunk; c++) free(j.cd[c]);
    free(j.cp);
    free(j.cn);
    free(j.cd);
    free(j.cdn);
    for (size_t g = 0; j.gstar && g < ngroup; g++) free(j.gstar[g]);
    free(j.gstar);
    free(j.gnstar);
    free(j.gcap);
    free(j.gst);
    free(j.bstart);
    nd_map_free(j.sidx, (n ? n : 1) * sizeof *j.sidx);
    free(j.star);
    nd_map_free(j.srt, (n ? n : 1) * sizeof *j.srt);
    return rc ? NEARDUP_E_NOMEM : NEARDUP_OK;
}
