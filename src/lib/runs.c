/* runs.c - sorted runs of fixed-size records on disk, merged with a heap
 * (see runs.h).  The records are written raw: those overlap spills (16-byte
 * pairs, 8-byte occurrence keys) are few beside the documents, and a merge
 * of raw runs needs nothing but a read buffer per run. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runs.h"

void nd_runs_init(nd_runs *r, size_t rec, const char *tmpdir)
{
    memset(r, 0, sizeof *r);
    r->fd = -1;
    r->rec = rec;
    r->tmpdir = tmpdir;
}

int nd_runs_add(nd_runs *r, const void *recs, size_t n, nd_error *err)
{
    if (!n) return NEARDUP_OK;
    if (r->fd < 0 && (r->fd = nd_tmp_open(r->tmpdir, err)) < 0) return err->code;
    if (nd_grow((void **)&r->start, &r->cap, r->nruns + 2, sizeof *r->start))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
    r->start[r->nruns] = r->bytes;
    if (nd_pwrite_all(r->fd, recs, n * r->rec, r->bytes))
        return nd_fail(err, NEARDUP_E_IO, "cannot write to the temporary directory: %s", strerror(errno));
    r->bytes += n * r->rec;
    r->start[++r->nruns] = r->bytes;
    return NEARDUP_OK;
}

void nd_runs_free(nd_runs *r)
{
    if (r->fd >= 0) close(r->fd);
    free(r->start);
    nd_runs_init(r, r->rec, r->tmpdir);
}

typedef struct {
    uint64_t pos, end; /* the rest of the run in the file */
    char *buf;
    size_t n, i;       /* records in buf, the next one */
} run_in;

struct nd_runs_merge {
    const nd_runs *r;
    nd_runs_cmp cmp;
    run_in *in;
    size_t *heap, nh; /* indices into in: earlier run first on ties */
    size_t cap;       /* records a buffer */
    int pending;      /* the top run needs refilling */
};

static int fill(nd_runs_merge *m, run_in *in)
{
    size_t rec = m->r->rec;
    uint64_t left = (in->end - in->pos) / rec;
    size_t n = left < m->cap ? (size_t)left : m->cap;
    in->n = in->i = 0;
    if (!n) return 0;
    if (nd_pread_all(m->r->fd, in->buf, n * rec, in->pos)) return -1;
    in->pos += n * rec;
    in->n = n;
    return 1;
}

static int less(const nd_runs_merge *m, size_t x, size_t y)
{
    const run_in *a = &m->in[x], *b = &m->in[y];
    int c = m->cmp(a->buf + a->i * m->r->rec, b->buf + b->i * m->r->rec);
    return c ? c < 0 : x < y;
}

static void down(nd_runs_merge *m, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, s = i;
        if (l < m->nh && less(m, m->heap[l], m->heap[s])) s = l;
        if (l + 1 < m->nh && less(m, m->heap[l + 1], m->heap[s])) s = l + 1;
        if (s == i) return;
        size_t t = m->heap[i];
        m->heap[i] = m->heap[s];
        m->heap[s] = t;
        i = s;
    }
}

nd_runs_merge *nd_runs_merge_open(const nd_runs *r, nd_runs_cmp cmp, size_t buf_bytes, nd_error *err)
{
    nd_runs_merge *m = calloc(1, sizeof *m);
    size_t nr = r->nruns;
    if (m) {
        m->r = r;
        m->cmp = cmp;
        m->in = calloc(nr ? nr : 1, sizeof *m->in);
        m->heap = calloc(nr ? nr : 1, sizeof *m->heap);
        m->cap = nr ? buf_bytes / nr / r->rec : 1;
        if (m->cap < 64) m->cap = 64;
    }
    if (!m || !m->in || !m->heap) goto nomem;
    for (size_t i = 0; i < nr; i++) {
        m->in[i] = (run_in){r->start[i], r->start[i + 1], malloc(m->cap * r->rec), 0, 0};
        if (!m->in[i].buf) goto nomem;
        int f = fill(m, &m->in[i]);
        if (f < 0) {
            nd_fail(err, NEARDUP_E_IO, "cannot read back from the temporary directory: %s", strerror(errno));
            nd_runs_merge_free(m);
            return NULL;
        }
        if (f) m->heap[m->nh++] = i;
    }
    for (size_t i = m->nh; i-- > 0;) down(m, i);
    return m;
nomem:
    nd_runs_merge_free(m);
    nd_fail(err, NEARDUP_E_NOMEM, "out of memory merging spilled runs");
    return NULL;
}

int nd_runs_merge_next(nd_runs_merge *m, const void **rec, nd_error *err)
{
    if (m->pending) { /* the top run's buffer was used up by the last call: refilled only now */
        m->pending = 0;
        int f = fill(m, &m->in[m->heap[0]]);
        if (f < 0)
            return nd_fail(err, NEARDUP_E_IO, "cannot read back from the temporary directory: %s", strerror(errno)), -1;
        if (!f) m->heap[0] = m->heap[--m->nh];
        if (m->nh) down(m, 0);
    }
    if (!m->nh) return 0;
    run_in *top = &m->in[m->heap[0]];
    *rec = top->buf + top->i * m->r->rec;
    if (++top->i == top->n) m->pending = 1;
    else down(m, 0);
    return 1;
}

void nd_runs_merge_free(nd_runs_merge *m)
{
    if (!m) return;
    for (size_t i = 0; m->in && i < m->r->nruns; i++) free(m->in[i].buf);
    free(m->in);
    free(m->heap);
    free(m);
}
