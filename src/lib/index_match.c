/* index_match.c - matching signatures against the band tables of neardup
 * indexes (index_match.h).
 *
 * An index holds each reference's signature and its band records sorted by
 * (key, document): a bucket of dedup's LSH, for the reference side, is one
 * binary search away.  A query's candidates are verified as dedup verifies
 * its candidates, so an input pairs with a reference exactly when the two
 * would pair if the reference's corpus were read with the inputs. */
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "index_match.h"
#include "lsh.h"
#include "minhash.h"
#include "reader.h"
#include "record.h"

int nd_index_matcher_init(nd_index_matcher *m, nd_index *const *ix, int n, size_t max_bucket, double threshold,
                          uint64_t band_seed)
{
    *m = (nd_index_matcher){.ix = ix, .n = n, .k = n ? ix[0]->p.k : 0, .max_bucket = max_bucket,
                            .threshold = (float)threshold, .band_seed = band_seed};
    for (int i = 0; i < n; i++) m->ndocs += ix[i]->ndocs;
    m->keys = malloc((n ? ix[0]->p.bands : 1) * sizeof *m->keys);
    return m->keys ? NEARDUP_OK : NEARDUP_E_NOMEM;
}

void nd_index_matcher_free(nd_index_matcher *m)
{
    free(m->keys);
    free(m->cand);
    free(m->idh);
    m->keys = NULL;
    m->cand = NULL;
    m->idh = NULL;
}

const nd_index *nd_index_matcher_index(const nd_index_matcher *m, uint64_t g, uint64_t *doc)
{
    for (int i = 0;; i++) {
        if (g < m->ix[i]->ndocs || i + 1 == m->n) {
            *doc = g;
            return m->ix[i];
        }
        g -= m->ix[i]->ndocs;
    }
}

const char *nd_index_matcher_id(const nd_index_matcher *m, uint64_t g, size_t *len)
{
    uint64_t d;
    const nd_index *ix = nd_index_matcher_index(m, g, &d);
    *len = nd_index_id_len(ix, d);
    return nd_index_id(ix, d);
}

int nd_index_matcher_has_id(nd_index_matcher *m, const char *id, size_t len, uint64_t *g)
{
    if (!m->idh) {
        if (!(m->idh = malloc((m->ndocs ? m->ndocs : 1) * sizeof *m->idh))) return -1;
        for (uint64_t i = 0; i < m->ndocs; i++) {
            size_t l;
            const char *s = nd_index_matcher_id(m, i, &l);
            m->idh[i] = (nd_band_rec){XXH3_64bits(s, l), (uint32_t)i, 0};
        }
        if (nd_sort_band_recs(m->idh, m->ndocs)) {
            free(m->idh);
            m->idh = NULL;
            return -1;
        }
    }
    uint64_t h = XXH3_64bits(id, len);
    size_t lo = 0, hi = m->ndocs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->idh[mid].key < h) lo = mid + 1;
        else hi = mid;
    }
    for (; lo < m->ndocs && m->idh[lo].key == h; lo++) {
        size_t l;
        const char *s = nd_index_matcher_id(m, m->idh[lo].doc, &l);
        if (l == len && !memcmp(s, id, len)) return *g = m->idh[lo].doc, 1;
    }
    return 0;
}

int nd_index_matcher_check_id(nd_index_matcher *m, const nd_corpus_info *ci, const nd_reader *rd, uint64_t r,
                              nd_error *err)
{
    uint64_t g, d;
    if (ci->skipped[r]) return NEARDUP_OK;
    int has = nd_index_matcher_has_id(m, nd_corpus_id(ci, r), nd_corpus_id_len(ci, r), &g);
    if (has < 0) return nd_fail(err, NEARDUP_E_NOMEM, "out of memory checking ids");
    if (!has) return NEARDUP_OK;
    char idt[256], where[24];
    const nd_index *ix = nd_index_matcher_index(m, g, &d);
    return nd_fail(err, NEARDUP_E_INPUT, "%s%s: duplicate id \"%s\" (also the id of document %llu of the reference "
                   "index %s); ids must be unique", nd_reader_path(rd, ci->input[r]), nd_line_suffix(where, ci->line[r]),
                   nd_id_text(idt, sizeof idt, nd_corpus_id(ci, r), nd_corpus_id_len(ci, r)),
                   (unsigned long long)d + 1, ix->path);
}

const uint32_t *nd_index_matcher_sig(const nd_index_matcher *m, uint64_t g)
{
    uint64_t d;
    const nd_index *ix = nd_index_matcher_index(m, g, &d);
    return ix->docs[d].nshingles ? ix->sig + d * m->k : NULL;
}

static int add_cand(nd_index_matcher *m, uint64_t g)
{
    if (nd_grow((void **)&m->cand, &m->cand_cap, m->ncand + 1, sizeof *m->cand)) return -1;
    m->cand[m->ncand++] = g;
    return 0;
}

/* The candidates of sig from one index's bucket r[0, m) (numbers from base). */
static int bucket(nd_index_matcher *mt, const nd_band_rec *r, size_t m, uint64_t base, uint64_t ndocs, uint64_t self)
{
    if (m <= mt->max_bucket) {
        for (size_t i = 0; i < m; i++)
            if (add_cand(mt, base + r[i].doc)) return -1;
        return 0;
    }
    /* past max_bucket: the first, and a member's neighbours */
    if (add_cand(mt, base + r[0].doc)) return -1;
    if (self < base || self >= base + ndocs) return add_cand(mt, base + r[m - 1].doc);
    size_t lo = 0, hi = m;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r[mid].doc < self - base) lo = mid + 1;
        else hi = mid;
    }
    if (lo == 0) { /* the first pairs with every member */
        for (size_t i = 1; i < m; i++)
            if (add_cand(mt, base + r[i].doc)) return -1;
        return 0;
    }
    if (add_cand(mt, base + r[lo - 1].doc)) return -1;
    return lo + 1 < m ? add_cand(mt, base + r[lo + 1].doc) : 0;
}

int nd_index_match(nd_index_matcher *m, const uint32_t *sig, uint64_t self, const uint64_t **refs, size_t *n)
{
    m->ncand = 0;
    uint64_t base = 0;
    for (int x = 0; x < m->n; base += m->ix[x]->ndocs, x++) {
        const nd_index *ix = m->ix[x];
        nd_lsh_band_records(sig, ix->p.bands, ix->p.rows, m->band_seed, 0, m->keys);
        for (unsigned b = 0; b < ix->p.bands; b++) {
            const nd_band_rec *r;
            size_t k = nd_index_band_lookup(ix, m->keys[b].key, &r);
            if (k && bucket(m, r, k, base, ix->ndocs, self)) return NEARDUP_E_NOMEM;
        }
    }
    if (m->ncand) qsort(m->cand, m->ncand, sizeof *m->cand, nd_cmp_u64);
    size_t u = 0;
    for (size_t i = 0; i < m->ncand; i++) {
        uint64_t g = m->cand[i];
        if (g == self || (u && g == m->cand[u - 1])) continue;
        const uint32_t *rs = nd_index_matcher_sig(m, g);
        if (rs && (float)nd_minhash_jaccard(sig, rs, m->k) >= m->threshold) m->cand[u++] = g;
    }
    m->ncand = u;
    *refs = m->cand;
    *n = u;
    return NEARDUP_OK;
}

int nd_index_join_refs(nd_index_matcher *m, const uint64_t *seeds, size_t n, nd_pair **pairs, size_t *np,
                       size_t *cap)
{
    uint8_t *seen = calloc(m->ndocs ? m->ndocs : 1, 1);
    uint64_t *queue = malloc((m->ndocs ? m->ndocs : 1) * sizeof *queue); /* each reference once at most */
    size_t nq = 0;
    int rc = seen && queue ? NEARDUP_OK : NEARDUP_E_NOMEM;
    for (size_t i = 0; !rc && i < n; i++)
        if (!seen[seeds[i]]) seen[seeds[i]] = 1, queue[nq++] = seeds[i];
    for (size_t q = 0; !rc && q < nq; q++) {
        uint64_t g = queue[q];
        const uint32_t *sig = nd_index_matcher_sig(m, g);
        const uint64_t *refs;
        size_t nr;
        if (!sig) continue;
        if ((rc = nd_index_match(m, sig, g, &refs, &nr))) break;
        for (size_t i = 0; i < nr; i++) {
            uint64_t r = refs[i];
            if (nd_grow((void **)pairs, cap, *np + 1, sizeof **pairs)) {
                rc = NEARDUP_E_NOMEM;
                break;
            }
            (*pairs)[(*np)++] = r < g ? (nd_pair){(uint32_t)r, (uint32_t)g} : (nd_pair){(uint32_t)g, (uint32_t)r};
            if (!seen[r]) seen[r] = 1, queue[nq++] = r;
        }
    }
    free(seen);
    free(queue);
    return rc;
}
