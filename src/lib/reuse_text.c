/* reuse_text.c - a text as the rewritten-passage aligner sees it: units
 * (sentences), their distinct terms and counts, their fingerprints; and
 * whether two texts are related enough to be aligned so (see reuse.h). */
#include <stdlib.h>
#include <string.h>

#include "reuse.h"
#include "tokenize.h"

/* A sentence with fewer content words than this carries too little to be
 * compared alone ("Mr.", a dateline, a heading): it joins the next one. */
#define MIN_UNIT_TERMS 4
enum { FINGERPRINTS = 16 };

/* Sorts a unit's few terms (insertion sort below 48: a sentence is short;
 * qsort for the rare long one, a list or a table without full stops). */
static void sort_terms(uint32_t *a, uint32_t n)
{
    if (n > 48) {
        qsort(a, n, sizeof *a, nd_cmp_u32);
        return;
    }
    for (uint32_t i = 1; i < n; i++) {
        uint32_t x = a[i], j = i;
        while (j && a[j - 1] > x) a[j] = a[j - 1], j--;
        a[j] = x;
    }
}

void nd_reuse_text_free(nd_reuse_text *r)
{
    free(r->own_term);
    free(r->ustart);
    free(r->eoff);
    free(r->eterm);
    free(r->etf);
    free(r->own_fp);
    memset(r, 0, sizeof *r);
}

/* Units: sentences, one with fewer than MIN_UNIT_TERMS content words
 * joined to the next.  ustart gets nunit + 1 token starts (room: ns + 1);
 * returns nunit. */
static uint32_t unit_bounds(const uint32_t *term, size_t n, const uint32_t *sent, size_t ns, uint32_t *ustart)
{
    uint32_t nu = 0, content = 0;
    ustart[0] = 0;
    for (size_t s = 0; s < ns; s++) {
        for (uint32_t i = sent[s]; i < sent[s + 1]; i++) content += !(term[i] & ND_TERM_STOP);
        if (content < MIN_UNIT_TERMS && s + 1 < ns) continue;
        ustart[++nu] = sent[s + 1];
        content = 0;
    }
    if (nu) ustart[nu] = (uint32_t)n;
    return nu;
}

/* A unit's fingerprints: under each of FINGERPRINTS hash functions, its two
 * smallest content terms, as one number (an LSH band of two rows).  Two
 * sentences whose content-term sets have Jaccard J share a given fingerprint
 * with probability about J^2 (both minima must agree), so a rewritten
 * sentence pair shares at least one of the 16 with probability
 * 1 - (1 - J^2)^16: 0.78 at J = 0.3, 0.96 at J = 0.45.  Sixteen, not eight,
 * because a pair needs ND_REUSE_MIN_SHARED of them: with eight, a reworded
 * or translated passage of one or two sentences (J around 0.3) passed the
 * gate less often than not (0.53 a sentence), and the short passages were
 * the ones lost.  Unrelated sentences seldom share one (two of their rarer
 * words at once).  Writes at most FINGERPRINTS to out, each above the unit
 * number; returns how many (none for fewer than two distinct content
 * terms). */
static size_t unit_fingerprints(const uint32_t *term, uint32_t from, uint32_t to, uint32_t unit, uint64_t *out)
{
    /* one mix a word; the FINGERPRINTS hash functions are multiplications
     * of it by odd constants (bijections, each its own order) */
    static const uint64_t mul[FINGERPRINTS] = {
        UINT64_C(0x9e3779b97f4a7c15), UINT64_C(0xc2b2ae3d27d4eb4f), UINT64_C(0x165667b19e3779f9),
        UINT64_C(0xd6e8feb86659fd93), UINT64_C(0xff51afd7ed558ccd), UINT64_C(0xc4ceb9fe1a85ec53),
        UINT64_C(0x94d049bb133111eb), UINT64_C(0xbf58476d1ce4e5b9),
        /* splitmix64's first eight outputs, made odd */
        UINT64_C(0xe220a8397b1dcdaf), UINT64_C(0x6e789e6aa1b965f5), UINT64_C(0x06c45d188009454f),
        UINT64_C(0xf88bb8a8724c81ed), UINT64_C(0x1b39896a51a8749b), UINT64_C(0x53cb9f0c747ea2eb),
        UINT64_C(0x2c829abe1f4532e1), UINT64_C(0xc584133ac916ab3d)};
    uint64_t m1[FINGERPRINTS], m2[FINGERPRINTS];
    for (int f = 0; f < FINGERPRINTS; f++) m1[f] = m2[f] = UINT64_MAX;
    for (uint32_t i = from; i < to; i++) {
        if (term[i] & ND_TERM_STOP) continue;
        uint64_t base = nd_fmix64(term[i] & ND_TERM_MASK);
        for (int f = 0; f < FINGERPRINTS; f++) {
            uint64_t h = base * mul[f];
            h ^= h >> 31;
            if (h < m1[f]) m2[f] = m1[f], m1[f] = h;
            else if (h < m2[f] && h != m1[f]) m2[f] = h;
        }
    }
    if (m2[0] == UINT64_MAX) return 0;
    for (int f = 0; f < FINGERPRINTS; f++) out[f] = nd_fmix64(m1[f] ^ nd_fmix64(m2[f] + (uint64_t)f)) << 32 | unit;
    return FINGERPRINTS;
}

/* Sorts fingerprints (value above unit) and keeps each value once, with its
 * first unit. */
static size_t sort_distinct_fp(uint64_t *a, size_t n)
{
    if (nd_sort_u64(a, n)) qsort(a, n, sizeof *a, nd_cmp_u64);
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        if (!w || a[w - 1] >> 32 != a[i] >> 32) a[w++] = a[i];
    return w;
}

size_t nd_reuse_fingerprint_room(size_t ns) { return ns * FINGERPRINTS; }

size_t nd_reuse_fingerprints(const uint32_t *term, size_t n, const uint32_t *sent, size_t ns, uint64_t *out)
{
    uint32_t *ustart = malloc((ns + 1) * sizeof *ustart);
    if (!ustart) return (size_t)-1;
    uint32_t nu = unit_bounds(term, n, sent, ns, ustart);
    size_t m = 0;
    for (uint32_t u = 0; u < nu; u++) m += unit_fingerprints(term, ustart[u], ustart[u + 1], u, out + m);
    free(ustart);
    return sort_distinct_fp(out, m);
}

int nd_reuse_related(const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
    size_t i = 0, j = 0, shared = 0;
    while (i < na && j < nb) {
        uint32_t x = (uint32_t)(a[i] >> 32), y = (uint32_t)(b[j] >> 32);
        if (x < y) i++;
        else if (x > y) j++;
        else if (++shared == ND_REUSE_MIN_SHARED) return 1;
        else i++, j++;
    }
    return 0;
}

int nd_reuse_units(const uint32_t *term, size_t n, const uint32_t *sent, size_t ns, const uint64_t *fp,
                   size_t nfp, nd_reuse_text *r)
{
    memset(r, 0, sizeof *r);
    r->term = term;
    r->n = n;
    r->ustart = malloc((ns + 1) * sizeof *r->ustart);
    r->eoff = malloc((ns + 1) * sizeof *r->eoff);
    r->eterm = malloc((n ? n : 1) * sizeof *r->eterm);
    r->etf = malloc((n ? n : 1) * sizeof *r->etf);
    if (!fp) r->own_fp = malloc((nd_reuse_fingerprint_room(ns) ? nd_reuse_fingerprint_room(ns) : 1) * sizeof *r->own_fp);
    uint32_t *tmp = malloc((n ? n : 1) * sizeof *tmp);
    if (!r->ustart || !r->eoff || !r->eterm || !r->etf || (!fp && !r->own_fp) || !tmp) {
        free(tmp);
        nd_reuse_text_free(r);
        return NEARDUP_E_NOMEM;
    }
    r->nunit = unit_bounds(term, n, sent, ns, r->ustart);
    uint32_t ne = 0;
    size_t nown = 0;
    r->eoff[0] = 0;
    for (uint32_t u = 0; u < r->nunit; u++) {
        uint32_t from = r->ustart[u], to = r->ustart[u + 1], m = 0;
        for (uint32_t i = from; i < to; i++) tmp[m++] = term[i] & ND_TERM_MASK;
        if (!fp) nown += unit_fingerprints(term, from, to, u, r->own_fp + nown);
        /* distinct terms, sorted, with counts */
        sort_terms(tmp, m);
        for (uint32_t i = 0; i < m;) {
            uint32_t j = i;
            while (j < m && tmp[j] == tmp[i]) j++;
            r->eterm[ne] = tmp[i];
            r->etf[ne] = (uint16_t)(j - i > 65535 ? 65535 : j - i);
            ne++;
            i = j;
        }
        r->eoff[u + 1] = ne;
    }
    free(tmp);
    if (fp) {
        r->fp = fp;
        r->nfp = nfp;
    } else {
        r->nfp = sort_distinct_fp(r->own_fp, nown);
        r->fp = r->own_fp;
    }
    return NEARDUP_OK;
}

int nd_reuse_prepare(nd_lang *l, nd_tokenizer *tk, const char *text, const nd_tokens *t, nd_reuse_text *r)
{
    memset(r, 0, sizeof *r);
    uint32_t *term = malloc((t->n ? t->n : 1) * sizeof *term);
    uint32_t *sent = malloc((t->n + 1) * sizeof *sent);
    int rc = term && sent ? nd_terms(l, tk, text, t, term) : NEARDUP_E_NOMEM;
    if (!rc) rc = nd_reuse_units(term, t->n, sent, nd_sentences(text, t, sent), NULL, 0, r);
    free(sent);
    if (rc) {
        free(term);
        return rc;
    }
    r->own_term = term;
    return NEARDUP_OK;
}

