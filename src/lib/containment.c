/* containment.c - pairs where at least a fraction T of the smaller
 * document's shingle set lies in the larger one.
 *
 * Candidates come from an inverted index of every shingle (sorted
 * (hash, doc) records, as the anchor index): each shingle found in at most
 * max_df documents pairs them and counts one shared shingle for the pair.
 * A shingle in more documents is boilerplate for candidate finding; it is
 * counted per document instead, so that shared + (boilerplate shingles of the
 * smaller side) bounds the true intersection from above.  A pair whose bound
 * reaches T is verified on the real sets, so the containment printed is
 * exact.  Pairs sharing only shingles found in more than max_df documents are
 * not found.  Memory: 16 bytes per distinct shingle of every document plus 8
 * per shared (shingle, pair); the anchor index of `overlap` samples instead. */
#include <stdlib.h>
#include <string.h>

#include "sketch.h"

int nd_containment_pairs(const nd_sketches *s, double t, uint64_t max_df, nd_scored_pair **out,
                         size_t *nout, uint64_t *ncand)
{
    *out = NULL;
    *nout = 0;
    *ncand = 0;
    size_t nrec = s->set_len;
    nd_band_rec *r = malloc((nrec ? nrec : 1) * sizeof *r);
    uint32_t *hi = calloc(s->n ? s->n : 1, sizeof *hi);
    uint64_t *pk = NULL;

    nd_scored_pair *p = NULL;
    size_t m = 0, np = 0, cap = 0, n = 0, pcap = 0;
    if (!r || !hi) goto nomem;
    for (uint64_t d = 0; d < s->n; d++)
        for (uint64_t i = s->set_off[d]; i < s->set_off[d + 1]; i++)
            r[m++] = (nd_band_rec){s->set[i], (uint32_t)d, 0};
    if (nd_sort_band_recs(r, m)) goto nomem;
    for (size_t i = 0; i < m;) {
        size_t j = i + 1;
        while (j < m && r[j].key == r[i].key) j++;
        size_t df = j - i; /* sets are sets: one record per document */
        if (df > max_df) {
            for (size_t x = i; x < j; x++) hi[r[x].doc]++;
        } else if (df > 1) {
            if (nd_grow((void **)&pk, &cap, np + df * (df - 1) / 2, sizeof *pk)) goto nomem;
            for (size_t x = i; x < j; x++)
                for (size_t y = x + 1; y < j; y++) pk[np++] = (uint64_t)r[x].doc << 32 | r[y].doc;
        }
        i = j;
    }
    free(r);
    r = NULL;

    if (nd_sort_u64(pk, np)) goto nomem;
    for (size_t i = 0; i < np;) {
        size_t j = i + 1;
        while (j < np && pk[j] == pk[i]) j++;
        uint32_t a = (uint32_t)(pk[i] >> 32), b = (uint32_t)pk[i];
        uint64_t na = s->set_off[a + 1] - s->set_off[a], nb = s->set_off[b + 1] - s->set_off[b];
        uint64_t small = na < nb ? na : nb, bound = (j - i) + (hi[a] < hi[b] ? hi[a] : hi[b]);
        (*ncand)++;
        if (small && (double)bound >= t * (double)small) {
            size_t inter = nd_set_intersection(s->set + s->set_off[a], na, s->set + s->set_off[b], nb);
            float c = (float)((double)inter / (double)small);
            if (c >= (float)t) {
                if (nd_grow((void **)&p, &pcap, n + 1, sizeof *p)) goto nomem;
                p[n++] = (nd_scored_pair){a, b, c, -1};
            }
        }
        i = j;
    }
    free(pk);
    free(hi);
    *out = p;
    *nout = n;
    return NEARDUP_OK;
nomem:
    free(r);
    free(hi);
    free(pk);
    free(p);
    return NEARDUP_E_NOMEM;
}
