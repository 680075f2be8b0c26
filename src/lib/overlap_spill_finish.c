/* overlap_spill_finish.c - overlap --memory, between finding and aligning
 * (overlap_spill_run.h): every document read back in chunks that fit, its
 * boilerplate words masked by the dropped anchor occurrences (merged in
 * (document, position) order) and its seed k-grams made, written to a new
 * document file. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "align.h"
#include "doc_pack.h"
#include "overlap_spill.h"
#include "overlap_spill_run.h"

/* The dropped occurrences in (doc, pos) order: merged runs, or the buffer. */
typedef struct {
    nd_runs_merge *mg;
    const uint64_t *mem;
    size_t i, n;
    uint64_t key;  /* the next one; UINT64_MAX: none left */
} drop_src;

static int drop_advance(drop_src *d, nd_error *err)
{
    if (!d->mg) {
        d->key = d->i < d->n ? d->mem[d->i++] : UINT64_MAX;
        return NEARDUP_OK;
    }
    const void *x;
    int got = nd_runs_merge_next(d->mg, &x, err);
    if (got < 0) return err->code;
    d->key = got ? *(const uint64_t *)x : UINT64_MAX;
    return NEARDUP_OK;
}

/* A chunk of consecutive documents [d0, d0 + n) finished on all threads. */
typedef struct {
    const run_ctx *c;
    uint32_t d0;
    const char *in;       /* their records as read */
    const uint64_t *from; /* n: where each starts in in */
    nd_doc_ref *ref;      /* n */
    const nd_anchor *drop; /* the chunk's dropped occurrences (doc 0: each masks a one-document store) */
    const size_t *dstart; /* n + 1 */
    uint64_t *to;         /* n + 1: where each starts in out */
    char *out;
} finish_job;

static int finish_mask(void *arg, size_t i)
{
    finish_job *j = arg;
    nd_doc_ref *r = &j->ref[i];
    nd_doc_unpack(j->in + j->from[i], r, NULL, NULL, NULL);
    if (j->dstart[i + 1] > j->dstart[i]) {
        nd_doc_store one = {0};
        one.n = 1;
        one.doc = r;
        /* document 0 of one is d0 + i of the store, base + d0 + i of the corpus: masked words hashed so */
        nd_overlap_mask(&one, j->c->o, j->drop + j->dstart[i], j->dstart[i + 1] - j->dstart[i], j->c->base + j->d0 + i);
    }
    r->kg = NULL;
    r->kg_bytes = nd_kgram_bytes(r->ntok, j->c->s->k);
    j->to[i + 1] = nd_doc_pack_bytes(r, 0, 1); /* summed into offsets after */
    return 0;
}

static int finish_pack(void *arg, size_t i)
{
    finish_job *j = arg;
    char *p = j->out + j->to[i];
    nd_doc_pack(p, &j->ref[i], 0, NULL, 0, 1);
    nd_doc_ref r;
    nd_doc_unpack(p, &r, NULL, NULL, NULL);
    nd_kgrams g;
    return r.kg_bytes && nd_kgrams_fill(r.id, r.ntok, j->c->s->k, (void *)r.kg, &g) ? -1 : 0;
}

/* Documents [d0, d1) (their records in chunk) finished and appended to fd. */
static int finish_chunk(run_ctx *c, uint32_t d0, uint32_t d1, drop_src *ds, char *chunk, int fd, uint64_t *at,
                        nd_error *err)
{
    nd_spill_store *s = c->s;
    size_t n = d1 - d0, nd = 0, dcap = 0;
    uint64_t *from = malloc(n * sizeof *from), *to = malloc((n + 1) * sizeof *to);
    size_t *dstart = malloc((n + 1) * sizeof *dstart);
    nd_doc_ref *ref = malloc(n * sizeof *ref);
    nd_anchor *drop = NULL;
    char *out = NULL;
    int rc = from && to && dstart && ref ? NEARDUP_OK : nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
    for (size_t i = 0; !rc && i < n; i++) {
        from[i] = s->off[d0 + i] - s->off[d0];
        dstart[i] = nd;
        while (!rc && ds->key != UINT64_MAX && ds->key >> 32 == d0 + i) {
            if (nd_grow((void **)&drop, &dcap, nd + 1, sizeof *drop)) {
                rc = nd_fail(err, NEARDUP_E_NOMEM, "out of memory masking boilerplate");
                break;
            }
            drop[nd++] = (nd_anchor){ds->key, 0, (uint32_t)ds->key};
            rc = drop_advance(ds, err);
        }
        c->ss->masked_docs += nd > dstart[i];
    }
    dstart[n] = nd;
    finish_job j = {c, d0, chunk, from, ref, drop, dstart, to, NULL};
    if (!rc && nd_parallel_for(n, c->threads, finish_mask, &j, NULL)) rc = nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
    if (!rc) {
        to[0] = 0;
        for (size_t i = 0; i < n; i++) to[i + 1] += to[i];
        if (!(out = j.out = malloc(to[n] ? to[n] : 1))) rc = nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
    }
    if (!rc && nd_parallel_for(n, c->threads, finish_pack, &j, NULL))
        rc = nd_fail(err, NEARDUP_E_NOMEM, "out of memory making k-grams");
    if (!rc && to[n] && nd_pwrite_all(fd, out, to[n], *at))
        rc = nd_fail(err, NEARDUP_E_IO, "cannot write documents to the temporary directory: %s (see --tmp)",
                     strerror(errno ? errno : ENOSPC));
    for (size_t i = 0; !rc && i < n; i++) s->off[d0 + i] = *at + to[i]; /* the next chunk's start stays: read already */
    if (!rc) *at += to[n];
    free(from);
    free(to);
    free(dstart);
    free(ref);
    free(drop);
    free(out);
    return rc;
}

/* Every document rewritten into a new file, masked, with its k-grams: a
 * document is read back for each batch it is aligned in, its k-grams made
 * once here (making them per batch cost 3x the alignment's time). */
int nd_spill_finish_docs(run_ctx *c, nd_error *err)
{
    double t0 = nd_now();
    nd_spill_store *s = c->s;
    drop_src ds = {NULL, c->drop, 0, c->ndrop, UINT64_MAX};
    int rc = NEARDUP_OK, fd = -1;
    if (c->druns.nruns) { /* spilled: the rest joins the runs, all merged */
        if (!(rc = nd_spill_drops(c, err)) && !(ds.mg = nd_runs_merge_open(&c->druns, nd_cmp_u64, (size_t)1 << 20, err)))
            rc = err->code;
    } else if (nd_sort_u64(c->drop, c->ndrop)) {
        rc = nd_fail(err, NEARDUP_E_NOMEM, "out of memory sorting boilerplate");
    }
    if (!rc) rc = drop_advance(&ds, err);
    if (!rc && (fd = nd_tmp_open(s->tmpdir, err)) < 0) rc = err->code;
    /* in, out (with k-grams, ~1.5x) and the chunk's arrays: a sixth of the budget read at once */
    uint64_t max_in = s->budget / 6, at = 0;
    char *chunk = NULL;
    size_t chunk_cap = 0;
    for (uint64_t d0 = 0; !rc && d0 < s->n;) {
        uint64_t d1 = d0 + 1;
        while (d1 < s->n && s->off[d1 + 1] - s->off[d0] <= max_in) d1++;
        uint64_t bytes = s->off[d1] - s->off[d0];
        if (nd_grow((void **)&chunk, &chunk_cap, bytes ? bytes : 1, 1)) {
            rc = nd_fail(err, NEARDUP_E_NOMEM, "out of memory reading documents back");
            break;
        }
        if (bytes && nd_pread_all(s->doc_fd, chunk, bytes, s->off[d0])) {
            rc = nd_fail(err, NEARDUP_E_IO, "cannot read documents back from the temporary directory: %s",
                         strerror(errno));
            break;
        }
        rc = finish_chunk(c, (uint32_t)d0, (uint32_t)d1, &ds, chunk, fd, &at, err);
        d0 = d1;
    }
    free(chunk);
    nd_runs_merge_free(ds.mg);
    if (!rc) {
        s->off[s->n] = at;
        close(s->doc_fd);
        s->doc_fd = fd;
        s->doc_bytes = at;
    } else if (fd >= 0) {
        close(fd);
    }
    free(c->drop);
    c->drop = NULL;
    c->ndrop = c->drop_cap = 0;
    nd_runs_free(&c->druns);
    c->ss->t_mask = nd_now() - t0;
    return rc;
}
