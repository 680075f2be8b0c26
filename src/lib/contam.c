/* contam.c - the benchmark n-gram index and the corpus scan of
 * neardup contamination (contam.h). */
#include <stdlib.h>
#include <string.h>

#include "contam.h"
#include "shingle.h"
#include "tokenize.h"

typedef struct {
    uint64_t hash;
    uint32_t unit, pos;
} gram;

typedef struct {
    uint32_t ntok, width; /* width: words per n-gram of this unit (0: none) */
    size_t span_off;      /* its spans at c->span + span_off */
} unit_info;

struct nd_contam {
    unsigned n, nfields;
    uint64_t seed;
    double min_cov;
    unit_info *unit;
    size_t nunit, unit_cap;
    nd_span *span;
    size_t nspan, span_cap;
    gram *gram;
    size_t ngram, gram_cap;
    /* open addressing over the distinct hashes: slot -> [first, first + count) of gram */
    uint64_t *slot_hash;
    uint32_t *slot_first, *slot_count;
    size_t mask;
    unsigned widths[64]; /* the widths corpus documents are hashed at, n first */
    unsigned nwidths;
};

nd_contam *nd_contam_create(unsigned n, uint64_t seed, unsigned nfields, double min_coverage)
{
    nd_contam *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->n = n ? n : ND_DEFAULT_CONTAM_NGRAM;
    c->seed = seed;
    c->nfields = nfields ? nfields : 1;
    c->min_cov = min_coverage;
    return c;
}

void nd_contam_free(nd_contam *c)
{
    if (!c) return;
    free(c->unit);
    free(c->span);
    free(c->gram);
    free(c->slot_hash);
    free(c->slot_first);
    free(c->slot_count);
    free(c);
}

size_t nd_contam_items(const nd_contam *c) { return c->nunit / c->nfields; }

size_t nd_contam_bytes(const nd_contam *c)
{
    size_t slots = c->slot_hash ? c->mask + 1 : 0;
    return sizeof *c + c->unit_cap * sizeof *c->unit + c->span_cap * sizeof *c->span + c->gram_cap * sizeof *c->gram +
           slots * (sizeof *c->slot_hash + sizeof *c->slot_first + sizeof *c->slot_count) + c->nspan /* result marks */;
}

int nd_contam_add(nd_contam *c, const nd_tokens *tok)
{
    if (tok->n > UINT32_MAX / 2 || c->nunit >= UINT32_MAX / 2) return NEARDUP_E_NOMEM;
    size_t m = nd_shingle_count(tok->n, c->n);
    if (nd_grow((void **)&c->unit, &c->unit_cap, c->nunit + 1, sizeof *c->unit) ||
        nd_grow((void **)&c->span, &c->span_cap, c->nspan + tok->n, sizeof *c->span) ||
        nd_grow((void **)&c->gram, &c->gram_cap, c->ngram + m, sizeof *c->gram))
        return NEARDUP_E_NOMEM;
    unit_info *u = &c->unit[c->nunit];
    u->ntok = (uint32_t)tok->n;
    u->width = tok->n == 0 ? 0 : tok->n < c->n ? (uint32_t)tok->n : c->n;
    u->span_off = c->nspan;
    if (tok->n) memcpy(c->span + c->nspan, tok->span, tok->n * sizeof *tok->span);
    c->nspan += tok->n;
    uint64_t *h = malloc((m ? m : 1) * sizeof *h);
    if (!h) return NEARDUP_E_NOMEM;
    nd_shingle(tok->hash, tok->n, c->n, c->seed, h);
    for (size_t i = 0; i < m; i++) c->gram[c->ngram++] = (gram){h[i], (uint32_t)c->nunit, (uint32_t)i};
    free(h);
    c->nunit++;
    return NEARDUP_OK;
}

static int gram_cmp(const void *a, const void *b)
{
    const gram *x = a, *y = b;
    if (x->hash != y->hash) return x->hash < y->hash ? -1 : 1;
    if (x->unit != y->unit) return x->unit < y->unit ? -1 : 1;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

int nd_contam_build(nd_contam *c)
{
    if (c->ngram > UINT32_MAX / 4) return NEARDUP_E_NOMEM;
    if (c->ngram > 1) qsort(c->gram, c->ngram, sizeof *c->gram, gram_cmp);
    size_t size = 16;
    while (size < 2 * c->ngram) size *= 2;
    c->slot_hash = calloc(size, sizeof *c->slot_hash);
    c->slot_first = calloc(size, sizeof *c->slot_first);
    c->slot_count = calloc(size, sizeof *c->slot_count);
    if (!c->slot_hash || !c->slot_first || !c->slot_count) return NEARDUP_E_NOMEM;
    c->mask = size - 1;
    for (size_t i = 0; i < c->ngram;) {
        size_t j = i;
        while (j < c->ngram && c->gram[j].hash == c->gram[i].hash) j++;
        size_t s = nd_fmix64(c->gram[i].hash) & c->mask;
        while (c->slot_count[s]) s = (s + 1) & c->mask;
        c->slot_hash[s] = c->gram[i].hash;
        c->slot_first[s] = (uint32_t)i;
        c->slot_count[s] = (uint32_t)(j - i);
        i = j;
    }
    /* the widths: n, then each shorter unit length, once */
    uint8_t seen[64] = {0};
    c->nwidths = 0;
    c->widths[c->nwidths++] = c->n;
    for (size_t u = 0; u < c->nunit; u++) {
        unsigned w = c->unit[u].width;
        if (w && w < c->n && w < 64 && !seen[w]) {
            seen[w] = 1;
            c->widths[c->nwidths++] = w;
        }
    }
    return NEARDUP_OK;
}

void nd_contam_scratch_free(nd_contam_scratch *s)
{
    free(s->sh);
    free(s->hit);
    free(s->sum);
    memset(s, 0, sizeof *s);
}

static int hit_cmp(const void *a, const void *b)
{
    const nd_contam_hit *x = a, *y = b;
    if (x->unit != y->unit) return x->unit < y->unit ? -1 : 1;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

int nd_contam_scan(const nd_contam *c, nd_contam_scratch *s, const nd_tokens *tok)
{
    s->nhit = s->nsum = 0;
    if (tok->n == 0 || c->ngram == 0) return NEARDUP_OK;
    if (nd_grow((void **)&s->sh, &s->sh_cap, tok->n, sizeof *s->sh)) return NEARDUP_E_NOMEM;
    for (unsigned k = 0; k < c->nwidths; k++) {
        unsigned w = c->widths[k];
        if (w > tok->n) continue; /* a shorter document holds no n-gram of w words */
        size_t m = nd_shingle(tok->hash, tok->n, w, c->seed, s->sh);
        for (size_t i = 0; i < m; i++) {
            uint64_t h = s->sh[i];
            size_t q = nd_fmix64(h) & c->mask;
            while (c->slot_count[q] && c->slot_hash[q] != h) q = (q + 1) & c->mask;
            if (!c->slot_count[q]) continue;
            size_t f = c->slot_first[q], e = f + c->slot_count[q];
            if (nd_grow((void **)&s->hit, &s->hit_cap, s->nhit + (e - f), sizeof *s->hit)) return NEARDUP_E_NOMEM;
            for (size_t g = f; g < e; g++)
                if (c->unit[c->gram[g].unit].width == w) /* a 64-bit hash of another width: never in practice */
                    s->hit[s->nhit++] = (nd_contam_hit){c->gram[g].unit, c->gram[g].pos};
        }
    }
    if (!s->nhit) return NEARDUP_OK;
    if (s->nhit > 1) qsort(s->hit, s->nhit, sizeof *s->hit, hit_cmp);
    size_t o = 0;
    for (size_t i = 0; i < s->nhit; i++)
        if (!o || hit_cmp(&s->hit[o - 1], &s->hit[i])) s->hit[o++] = s->hit[i];
    s->nhit = o;
    /* per unit: the words covered, the union of [pos, pos + width) */
    for (size_t i = 0; i < s->nhit;) {
        uint32_t u = s->hit[i].unit, w = c->unit[u].width, covered = 0, end = 0, first = s->hit[i].pos;
        size_t j = i;
        for (; j < s->nhit && s->hit[j].unit == u; j++) {
            uint32_t a = s->hit[j].pos, b = a + w;
            covered += b - (a > end ? a : end);
            end = b;
        }
        if (nd_grow((void **)&s->sum, &s->sum_cap, s->nsum + 1, sizeof *s->sum)) return NEARDUP_E_NOMEM;
        s->sum[s->nsum++] = (nd_contam_sum){u, covered, first, end};
        i = j;
    }
    return NEARDUP_OK;
}

typedef struct {
    nd_contam_match *match;
    size_t nmatch, cap;
    uint64_t ndocs;
    int together; /* one document covered every field at >= min_cov */
} item_state;

struct nd_contam_result {
    const nd_contam *c;
    unsigned max_matches;
    uint8_t *mark;      /* a byte per word of every unit (at c->unit[u].span_off) */
    item_state *item;
};

nd_contam_result *nd_contam_result_create(const nd_contam *c, unsigned max_matches)
{
    nd_contam_result *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->c = c;
    r->max_matches = max_matches;
    r->mark = calloc(c->nspan ? c->nspan : 1, 1);
    r->item = calloc(nd_contam_items(c) ? nd_contam_items(c) : 1, sizeof *r->item);
    if (!r->mark || !r->item) {
        nd_contam_result_free(r);
        return NULL;
    }
    return r;
}

void nd_contam_result_free(nd_contam_result *r)
{
    if (!r) return;
    if (r->item)
        for (size_t i = 0; i < nd_contam_items(r->c); i++) free(r->item[i].match);
    free(r->item);
    free(r->mark);
    free(r);
}

int nd_contam_merge(nd_contam_result *r, uint64_t doc, const nd_contam_hit *hit, size_t nhit,
                    const nd_contam_sum *sum, size_t nsum)
{
    const nd_contam *c = r->c;
    for (size_t i = 0; i < nhit; i++) {
        const unit_info *u = &c->unit[hit[i].unit];
        memset(r->mark + u->span_off + hit[i].pos, 1, u->width);
    }
    for (size_t i = 0; i < nsum;) {
        size_t item = sum[i].unit / c->nfields, j = i;
        unsigned fields_ok = 0;
        while (j < nsum && sum[j].unit / c->nfields == item) j++;
        item_state *it = &r->item[item];
        for (size_t k = i; k < j; k++) {
            const unit_info *u = &c->unit[sum[k].unit];
            if (u->ntok && (double)sum[k].covered >= c->min_cov * u->ntok) fields_ok++;
            if (it->ndocs < r->max_matches) {
                if (nd_grow((void **)&it->match, &it->cap, it->nmatch + 1, sizeof *it->match)) return NEARDUP_E_NOMEM;
                const nd_span *sp = c->span + u->span_off;
                it->match[it->nmatch++] = (nd_contam_match){doc, sum[k].unit % c->nfields, sp[sum[k].tok_start].start,
                                                            sp[sum[k].tok_end - 1].end};
            }
        }
        if (fields_ok == c->nfields) it->together = 1;
        it->ndocs++;
        i = j;
    }
    return NEARDUP_OK;
}

void nd_contam_get(const nd_contam_result *r, size_t i, nd_contam_item *out)
{
    const nd_contam *c = r->c;
    uint64_t words = 0, covered = 0;
    for (unsigned f = 0; f < c->nfields; f++) {
        const unit_info *u = &c->unit[i * c->nfields + f];
        words += u->ntok;
        for (uint32_t k = 0; k < u->ntok; k++) covered += r->mark[u->span_off + k];
    }
    const item_state *it = &r->item[i];
    out->words = words;
    out->covered = covered;
    out->coverage = words ? (double)covered / (double)words : 0;
    out->contaminated = c->nfields > 1 ? it->together : covered > 0 && out->coverage >= c->min_cov;
    out->ndocs = it->ndocs;
    out->match = it->match;
    out->nmatch = it->nmatch;
}
