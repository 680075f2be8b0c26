/* anchors.c - winnowing anchors and the anchor index (see anchors.h for the
 * guarantee).  The index is a sorted array of (hash, doc, pos) records: a run
 * of equal hashes is one posting list, so no hash map is needed and the same
 * code runs on a spilled or distributed array. */
#include <stdlib.h>
#include <string.h>

#include "anchors.h"

unsigned nd_anchor_window(unsigned min_words, unsigned ngram)
{
    return min_words > ngram ? min_words - ngram + 1 : 1;
}

static inline uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= UINT64_C(0xff51afd7ed558ccd);
    x ^= x >> 33;
    x *= UINT64_C(0xc4ceb9fe1a85ec53);
    x ^= x >> 33;
    return x;
}

size_t nd_winnow(const uint64_t *sh, size_t m, unsigned w, uint64_t seed, uint32_t *pos,
                 uint64_t *hash)
{
    if (m == 0) return 0;
    if (w == 0) w = 1;
    if (w > m) w = (unsigned)m;
    /* hash[] doubles as scratch for the mixed values until positions are chosen */
    uint64_t *hv = hash;
    for (size_t i = 0; i < m; i++) hv[i] = mix(sh[i] ^ seed);
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

int nd_anchor_pairs(nd_anchor *occ, size_t n, uint64_t max_df, uint32_t split,
                    nd_anchor_pair **pairs, size_t *npairs, nd_anchor_stats *st)
{
    memset(st, 0, sizeof *st);
    *pairs = NULL;
    *npairs = 0;
    _Static_assert(sizeof(nd_anchor) == sizeof(nd_band_rec), "anchors sort as band records");
    if (nd_sort_band_recs((nd_band_rec *)occ, n)) return NEARDUP_E_NOMEM;
    uint64_t *pk = NULL; /* a << 32 | b, one per shared anchor */
    size_t np = 0, cap = 0;
    uint32_t *docs = NULL;
    size_t dcap = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i, nd = 0;
        while (j < n && occ[j].hash == occ[i].hash) {
            /* stable sort: a document's occurrences are adjacent */
            if (nd == 0 || docs[nd - 1] != occ[j].doc) {
                if (nd_grow((void **)&docs, &dcap, nd + 1, sizeof *docs)) goto nomem;
                docs[nd++] = occ[j].doc;
            }
            j++;
        }
        st->anchors++;
        if (nd > max_df) {
            st->dropped++;
            /* compact the dropped occurrences to the front (never overtakes i) */
            memmove(occ + st->dropped_occ, occ + i, (j - i) * sizeof *occ);
            st->dropped_occ += j - i;
        } else if (nd > 1) {
            if (nd > st->max_df_seen) st->max_df_seen = nd;
            for (size_t x = 0; x < nd; x++)
                for (size_t y = x + 1; y < nd; y++) {
                    uint32_t a = docs[x], b = docs[y];
                    if (split && !(a < split && b >= split)) continue;
                    if (nd_grow((void **)&pk, &cap, np + 1, sizeof *pk)) goto nomem;
                    pk[np++] = (uint64_t)a << 32 | b;
                }
        }
        i = j;
    }
    free(docs);
    docs = NULL;
    /* the dropped occurrences by (doc, pos): key doc << 32 | pos */
    for (size_t i = 0; i < st->dropped_occ; i++)
        occ[i] = (nd_anchor){(uint64_t)occ[i].doc << 32 | occ[i].pos, occ[i].doc, occ[i].pos};
    if (nd_sort_band_recs((nd_band_rec *)occ, st->dropped_occ)) goto nomem;
    if (nd_sort_u64(pk, np)) goto nomem;
    nd_anchor_pair *out = malloc((np ? np : 1) * sizeof *out);
    if (!out) goto nomem;
    size_t m = 0;
    for (size_t i = 0; i < np;) {
        size_t j = i;
        while (j < np && pk[j] == pk[i]) j++;
        out[m++] = (nd_anchor_pair){(uint32_t)(pk[i] >> 32), (uint32_t)pk[i], (uint32_t)(j - i)};
        i = j;
    }
    free(pk);
    *pairs = out;
    *npairs = m;
    return NEARDUP_OK;
nomem:
    free(docs);
    free(pk);
    return NEARDUP_E_NOMEM;
}
