/* edits.c - how the words of a passage align: an edit script of matching,
 * substituted, inserted and deleted words between its two token ranges.
 *
 * The script is the longest common subsequence of the two word-id runs
 * (Myers' O(ND) difference algorithm, "An O(ND) Difference Algorithm and
 * Its Variations", Algorithmica 1986, in its linear-space form: the middle
 * snake of the forward and backward searches splits the problem in two),
 * after which the unmatched words between two matches are paired in order:
 * as many substitutions as the shorter side has words, the rest deletions
 * (A's words) or insertions (B's words).  So matches are as many as any
 * alignment can have, and a word replaced by another is one column, not two.
 *
 * Cost: O((n + m) D) time for D = words outside the common subsequence (0
 * for a verbatim passage: the common prefix is stripped in one pass), and
 * O(n + m) memory.  A sub-problem whose search passes
 * ED_BUDGET / (n + m) edits (far more than a passage the aligner chains:
 * its gaps are at most 3 max_gap words) is split at the furthest point its
 * forward search reached, so even a pathological pair costs O(ED_BUDGET)
 * per split; the script is then near-optimal instead of optimal. */
#include <stdlib.h>
#include <string.h>

#include "edits.h"

#define ED_BUDGET ((size_t)1 << 23) /* diagonal steps one middle-snake search may take */
#define ED_MIN_D 64                 /* ... but never fewer edits than this */

void nd_edit_script_free(nd_edit_script *s)
{
    if (!s) return;
    free(s->run);
    free(s->v);
    memset(s, 0, sizeof *s);
}

/* Appends len words of op, merged into the last run when it has the same op. */
static int put(nd_edit_script *s, uint32_t op, size_t len)
{
    if (!len) return NEARDUP_OK;
    if (s->n && s->run[s->n - 1].op == op) {
        s->run[s->n - 1].len += (uint32_t)len;
        return NEARDUP_OK;
    }
    if (nd_grow((void **)&s->run, &s->cap, s->n + 1, sizeof *s->run)) return NEARDUP_E_NOMEM;
    s->run[s->n++] = (nd_edit_run){op, (uint32_t)len};
    return NEARDUP_OK;
}

/* Where to split A[0, n) and B[0, m) (both non-empty, their first and last
 * words differ): a point (*x, *y) on an optimal path, found where the
 * forward and the backward searches meet (the middle snake; the search of
 * diff-match-patch's diff_bisect, which stops following diagonals that run
 * off the grid).  v: 2 (2 s + 2) entries, s = (n + m + 1) / 2.  Past the
 * step budget, the end of the forward search's furthest path instead (a
 * point on a good path, not always an optimal one).  Returns 0 when the
 * two share no word at all (split nowhere: all deleted and inserted). */
static int split_point(const uint32_t *a, size_t n, const uint32_t *b, size_t m, long *v, size_t *sx, size_t *sy)
{
    long N = (long)n, M = (long)m, delta = N - M, max = (N + M + 1) / 2, off = max + 1, len = 2 * max + 2;
    long *v1 = v, *v2 = v + len;
    int front = (int)(delta & 1);
    long k1start = 0, k1end = 0, k2start = 0, k2end = 0;
    long dmax = (long)(ED_BUDGET / (n + m));
    if (dmax < ED_MIN_D) dmax = ED_MIN_D;
    for (long i = 0; i < 2 * len; i++) v[i] = -1;
    v1[off + 1] = v2[off + 1] = 0;
    for (long d = 0; d < max; d++) {
        for (long k = -d + k1start; k <= d - k1end; k += 2) { /* forward: furthest x on diagonal x - y = k */
            long x = k == -d || (k != d && v1[off + k - 1] < v1[off + k + 1]) ? v1[off + k + 1] : v1[off + k - 1] + 1;
            long y = x - k;
            while (x < N && y < M && a[x] == b[y]) x++, y++;
            v1[off + k] = x;
            if (x > N) k1end += 2; /* off the right edge */
            else if (y > M) k1start += 2; /* off the bottom */
            else if (front) {
                long c = off + delta - k;
                if (c >= 0 && c < len && v2[c] != -1 && x >= N - v2[c]) {
                    *sx = (size_t)x, *sy = (size_t)y;
                    return 1;
                }
            }
        }
        for (long k = -d + k2start; k <= d - k2end; k += 2) { /* backward, from the ends */
            long x = k == -d || (k != d && v2[off + k - 1] < v2[off + k + 1]) ? v2[off + k + 1] : v2[off + k - 1] + 1;
            long y = x - k;
            while (x < N && y < M && a[N - 1 - x] == b[M - 1 - y]) x++, y++;
            v2[off + k] = x;
            if (x > N) k2end += 2;
            else if (y > M) k2start += 2;
            else if (!front) {
                long c = off + delta - k;
                if (c >= 0 && c < len && v1[c] != -1 && v1[c] >= N - x) {
                    *sx = (size_t)v1[c], *sy = (size_t)(v1[c] - (c - off));
                    return 1;
                }
            }
        }
        if (d >= dmax) { /* too dear: split where the forward search got furthest */
            long bx = -1, by = -1;
            for (long k = -d + k1start; k <= d - k1end; k += 2) {
                long x = v1[off + k], y = x - k;
                if (x < 0 || x > N || y < 0 || y > M || x + y == N + M) continue;
                if (x + y > bx + by) bx = x, by = y;
            }
            if (bx + by > 0) {
                *sx = (size_t)bx, *sy = (size_t)by;
                return 1;
            }
        }
    }
    return 0;
}

/* The script of A[0, n) and B[0, m), matches, deletions and insertions only
 * (substitutions are paired afterwards), appended to s. */
static int diff(const uint32_t *a, size_t n, const uint32_t *b, size_t m, nd_edit_script *s)
{
    size_t pre = 0, suf = 0;
    while (pre < n && pre < m && a[pre] == b[pre]) pre++;
    while (suf < n - pre && suf < m - pre && a[n - 1 - suf] == b[m - 1 - suf]) suf++;
    int rc = put(s, ND_EDIT_MATCH, pre);
    a += pre, b += pre, n -= pre + suf, m -= pre + suf;
    size_t x, y;
    if (rc) return rc;
    if (!n || !m || !split_point(a, n, b, m, s->v, &x, &y)) {
        if ((rc = put(s, ND_EDIT_DEL, n)) || (rc = put(s, ND_EDIT_INS, m))) return rc;
    } else if ((rc = diff(a, x, b, y, s)) || (rc = diff(a + x, n - x, b + y, m - y, s))) {
        return rc;
    }
    return put(s, ND_EDIT_MATCH, suf);
}

/* Rewrites the match / delete / insert runs in place: between two matches,
 * min(deleted, inserted) substitutions, then the rest as deletions or
 * insertions (a gap of one run stays one run, of more becomes at most two,
 * so the write position never passes the read position). */
static void pair_substitutions(nd_edit_script *s)
{
    nd_edit_run *r = s->run;
    size_t n = s->n, w = 0;
    for (size_t i = 0; i < n;) {
        if (r[i].op == ND_EDIT_MATCH) {
            r[w++] = r[i++];
            continue;
        }
        uint64_t del = 0, ins = 0;
        for (; i < n && r[i].op != ND_EDIT_MATCH; i++) {
            if (r[i].op == ND_EDIT_DEL) del += r[i].len;
            else ins += r[i].len;
        }
        uint64_t sub = del < ins ? del : ins;
        if (sub) r[w++] = (nd_edit_run){ND_EDIT_SUB, (uint32_t)sub};
        if (del > sub) r[w++] = (nd_edit_run){ND_EDIT_DEL, (uint32_t)(del - sub)};
        if (ins > sub) r[w++] = (nd_edit_run){ND_EDIT_INS, (uint32_t)(ins - sub)};
    }
    s->n = w;
}

int nd_edit_align(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, nd_edit_script *s)
{
    s->n = 0;
    if (na > UINT32_MAX || nb > UINT32_MAX) return NEARDUP_E_INPUT;
    size_t need = 2 * ((na + nb + 1) / 2 * 2 + 4); /* split_point's two arrays */
    if (need > s->v_cap) {
        long *v = realloc(s->v, need * sizeof *v);
        if (!v) return NEARDUP_E_NOMEM;
        s->v = v;
        s->v_cap = need;
    }
    int rc = diff(a, na, b, nb, s);
    if (!rc) pair_substitutions(s);
    return rc;
}

nd_edit_counts nd_edit_count(const nd_edit_script *s)
{
    nd_edit_counts c = {0, 0, 0, 0};
    for (size_t i = 0; i < s->n; i++) {
        uint32_t len = s->run[i].len;
        switch (s->run[i].op) {
        case ND_EDIT_MATCH: c.matches += len; break;
        case ND_EDIT_SUB: c.substituted += len; break;
        case ND_EDIT_INS: c.inserted += len; break;
        default: c.deleted += len; break;
        }
    }
    return c;
}

int nd_passage_edits(nd_passage *p, size_t np, const uint32_t *ida, const uint32_t *idb, nd_edit_script *s)
{
    nd_edit_script own = {0};
    if (!s) s = &own;
    int rc = NEARDUP_OK;
    for (size_t i = 0; i < np && !rc; i++) {
        nd_passage *q = &p[i];
        rc = nd_edit_align(ida + q->a_tok, q->a_tok_end - q->a_tok, idb + q->b_tok, q->b_tok_end - q->b_tok, s);
        if (rc) break;
        nd_edit_counts c = nd_edit_count(s);
        q->matches = c.matches;
        q->substituted = c.substituted;
        q->inserted = c.inserted;
        q->deleted = c.deleted;
        q->words = c.matches + c.substituted + c.inserted + c.deleted;
        q->identity = q->words ? (double)q->matches / q->words : 0;
    }
    nd_edit_script_free(&own);
    return rc;
}

int nd_edit_marks(const nd_edit_script *s, nd_edit_mark **ma, size_t *na, nd_edit_mark **mb, size_t *nb)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n; i++) n += s->run[i].op != ND_EDIT_MATCH;
    *ma = malloc((n ? n : 1) * sizeof **ma);
    *mb = malloc((n ? n : 1) * sizeof **mb);
    *na = *nb = 0;
    if (!*ma || !*mb) {
        free(*ma), free(*mb);
        *ma = *mb = NULL;
        return NEARDUP_E_NOMEM;
    }
    uint32_t x = 0, y = 0; /* words of A and B so far */
    for (size_t i = 0; i < s->n; i++) {
        nd_edit_run r = s->run[i];
        if (r.op == ND_EDIT_SUB || r.op == ND_EDIT_DEL) (*ma)[(*na)++] = (nd_edit_mark){x, x + r.len, r.op};
        if (r.op == ND_EDIT_SUB || r.op == ND_EDIT_INS) (*mb)[(*nb)++] = (nd_edit_mark){y, y + r.len, r.op};
        if (r.op != ND_EDIT_INS) x += r.len;
        if (r.op != ND_EDIT_DEL) y += r.len;
    }
    return NEARDUP_OK;
}

static nd_span word_span(const nd_doc_words *w, size_t t) { return w->span ? w->span[t] : nd_spans_get(w->packed, t); }

/* Word marks (from the start of the side's range at tok) to byte ranges. */
static void marks_to_bytes(nd_edit_mark *m, size_t n, const nd_doc_words *w, uint32_t tok)
{
    for (size_t i = 0; i < n; i++)
        m[i] = (nd_edit_mark){word_span(w, tok + m[i].start).start, word_span(w, tok + m[i].end - 1).end, m[i].op};
}

int nd_passage_marks_make(const nd_passage *p, const nd_doc_words *a, const nd_doc_words *b, nd_edit_script *s,
                          nd_passage_marks *m)
{
    memset(m, 0, sizeof *m);
    nd_edit_script own = {0};
    if (!s) s = &own;
    int rc = nd_edit_align(a->id + p->a_tok, p->a_tok_end - p->a_tok, b->id + p->b_tok, p->b_tok_end - p->b_tok, s);
    if (!rc) rc = nd_edit_marks(s, &m->a, &m->na, &m->b, &m->nb);
    nd_edit_script_free(&own);
    if (rc) return rc;
    marks_to_bytes(m->a, m->na, a, p->a_tok);
    marks_to_bytes(m->b, m->nb, b, p->b_tok);
    return NEARDUP_OK;
}

void nd_passage_marks_free(nd_passage_marks *m)
{
    if (!m) return;
    free(m->a);
    free(m->b);
    memset(m, 0, sizeof *m);
}
