/* offmap.c - extracted-text offsets back to original-file offsets (see
 * offmap.h).  Lookups binary-search the runs: a passage costs two searches a
 * side, and only passages are ever mapped (tokens keep text offsets, so the
 * aligner, the spans and the excerpts are unchanged). */
#include <stdlib.h>
#include <string.h>

#include "offmap.h"

void nd_offmap_reset(nd_offmap *m)
{
    m->n = 0;
    m->text_len = 0;
}

void nd_offmap_free(nd_offmap *m)
{
    free(m->run);
    memset(m, 0, sizeof *m);
}

int nd_offmap_push(nd_offmap *m, size_t tlen, size_t o, size_t oe)
{
    if (tlen == 0) return 0; /* covers no text: nothing can start or end in it */
    if (m->n) {
        nd_map_run *p = &m->run[m->n - 1];
        size_t ptlen = m->text_len - p->t;
        /* two verbatim runs, back to back in both texts, are one */
        if (ptlen == (size_t)(p->oe - p->o) && tlen == oe - o && p->oe == o) {
            p->oe = (uint32_t)oe;
            m->text_len += tlen;
            return 0;
        }
    }
    if (nd_grow((void **)&m->run, &m->cap, m->n + 1, sizeof *m->run)) return -1;
    m->run[m->n++] = (nd_map_run){(uint32_t)m->text_len, (uint32_t)o, (uint32_t)oe};
    m->text_len += tlen;
    return 0;
}

int nd_offmap_finish(nd_offmap *m)
{
    uint32_t end = m->n ? m->run[m->n - 1].oe : 0;
    if (nd_grow((void **)&m->run, &m->cap, m->n + 1, sizeof *m->run)) return -1;
    m->run[m->n++] = (nd_map_run){(uint32_t)m->text_len, end, end};
    return 0;
}

/* The last real run (the sentinel excluded) whose start is <= pos (strict:
 * < pos); run 0 when there is none. */
static size_t find(const nd_map_run *run, size_t n, uint32_t pos, int strict)
{
    size_t lo = 0, hi = n - 1; /* answer in [lo, hi) */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (strict ? run[mid].t < pos : run[mid].t <= pos) lo = mid;
        else hi = mid;
    }
    return lo;
}

static int verbatim(const nd_map_run *r) { return r[1].t - r[0].t == r[0].oe - r[0].o; }

uint32_t nd_offmap_start(const nd_map_run *run, size_t n, uint32_t pos)
{
    if (n < 2) return pos;
    size_t i = find(run, n, pos, 0);
    if (pos < run[i].t) return run[i].o;
    if (pos >= run[n - 1].t) return run[n - 1].o;
    return verbatim(run + i) ? run[i].o + (pos - run[i].t) : run[i].o;
}

uint32_t nd_offmap_end(const nd_map_run *run, size_t n, uint32_t pos)
{
    if (n < 2) return pos;
    size_t i = find(run, n, pos, 1);
    if (pos <= run[i].t) return run[i].o;
    if (pos > run[n - 1].t) return run[n - 1].oe;
    return verbatim(run + i) ? run[i].o + (pos - run[i].t) : run[i].oe;
}

int nd_offmap_compose(nd_offmap *out, const nd_offmap *inner, const nd_map_run *outer, size_t nouter)
{
    nd_offmap_reset(out);
    size_t n = inner->n; /* with its sentinel */
    for (size_t i = 0; i + 1 < n; i++) {
        const nd_map_run *r = &inner->run[i];
        size_t tlen = r[1].t - r->t;
        if (!verbatim(r) || nouter < 2) {
            if (nd_offmap_push(out, tlen, nd_offmap_start(outer, nouter, r->o),
                               nd_offmap_end(outer, nouter, r->oe)))
                return -1;
            continue;
        }
        /* a verbatim run of the middle bytes: cut it where outer's runs begin */
        uint32_t m = r->o;
        size_t j = find(outer, nouter, m, 0);
        while (m < r->oe) {
            uint32_t stop = j + 1 < nouter - 1 && outer[j + 1].t < r->oe ? outer[j + 1].t : r->oe;
            if (stop <= m) { j++; continue; }
            if (nd_offmap_push(out, stop - m, nd_offmap_start(outer, nouter, m), nd_offmap_end(outer, nouter, stop)))
                return -1;
            m = stop;
            j++;
        }
    }
    return nd_offmap_finish(out);
}

void nd_passage_to_original(nd_passage *p, const nd_map_run *ma, size_t na, const nd_map_run *mb, size_t nb)
{
    p->a_start = nd_offmap_start(ma, na, p->a_start);
    p->a_end = nd_offmap_end(ma, na, p->a_end);
    p->b_start = nd_offmap_start(mb, nb, p->b_start);
    p->b_end = nd_offmap_end(mb, nb, p->b_end);
}
