/* spill.c - near-duplicate pairs in bounded memory (see spill.h).
 *
 * Phase 1 (pipeline collect, input order): each signature is appended to an
 * unlinked signature file (fixed k * 4 bytes a record, so it is read back by
 * offset); its band records go to a buffer of memory / 4 bytes which, when
 * full, is sorted (stable: document order within a key) and written as one
 * zstd frame ("run") to an unlinked run file.
 * Phase 2: runs are merged with a heap on (key, run); runs hold increasing
 * documents, so equal keys come out in document order, as in the in-memory
 * sort.  Buckets give exactly the pairs nd_lsh_candidates gives; they are
 * buffered (memory / 4 bytes), sorted, de-duplicated and verified in
 * document order against signatures read with pread.
 * Peak: memory / 2 (a buffer and the radix sort's scratch) plus the
 * per-document state named in spill.h plus the pipeline's batches.  The
 * buffers grow as records come: a budget larger than the corpus needs
 * reserves only what it uses (--memory 100G once asked for 25 GiB at the
 * start, and failed on a 24 GB machine). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#include "lsh.h"
#include "minhash.h"
#include "reader.h"
#include "record.h"
#include "simhash.h"
#include "spill.h"
#include "tokenize.h"

int nd_parse_size(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (!s || !*s || *s == '-') return -1;
    double v = strtod(s, &end);
    if (errno || end == s || v <= 0) return -1;
    double mul = 1;
    switch (*end) {
    case 'k': case 'K': mul = 1024.0; end++; break;
    case 'm': case 'M': mul = 1024.0 * 1024; end++; break;
    case 'g': case 'G': mul = 1024.0 * 1024 * 1024; end++; break;
    case 't': case 'T': mul = 1024.0 * 1024 * 1024 * 1024; end++; break;
    default: break;
    }
    if (*end == 'i' && mul > 1) end++;
    if (*end == 'B' || *end == 'b') end++;
    if (*end || v * mul >= 1.8e19) return -1;
    *out = (uint64_t)(v * mul);
    return 0;
}

/* ---------- phase 1: sketch, spill runs ---------- */

typedef struct {
    uint64_t start, end; /* byte range of the run's frame in the run file */
} run_span;

typedef struct {
    const nd_sketch_opts *so; /* first: the shared worker reads it */
    const nd_spill_opts *o;
    const nd_corpus_info *ci;
    unsigned bands, rows;
    uint64_t band_seed;
    int sig_fd, run_fd;
    uint64_t sig_off, run_off;
    char *sig_out;       /* write buffer of the signature file */
    size_t sig_out_n, sig_out_cap;
    nd_band_rec *buf;    /* band records not yet spilled */
    size_t nbuf, cap;    /* cap: at most this many before a spill */
    size_t buf_cap;      /* allocated: grown as records come, so a budget far above
                          * what the corpus needs reserves nothing more */
    run_span *runs;
    size_t nruns, runs_cap;
    ZSTD_CCtx *cz;
    char *zout;
    size_t zout_cap;
    uint8_t *live;       /* per document */
    uint8_t *digest;     /* per document, ND_DIGEST_BYTES */
    size_t live_cap, dg_cap;
    uint64_t n;
    uint64_t budget;     /* bytes for the buffer, its sort scratch and per-document state */
    nd_spill_stats *st;
} spill_ctx;

/* Per-document state held in memory by the end of record r (see spill.h):
 * the pipeline's id and origin, and our live flag and digest. */
static uint64_t per_doc_bytes(const nd_corpus_info *ci, uint64_t n)
{
    return ci->id_len + n * (sizeof *ci->id_off + sizeof *ci->input + sizeof *ci->line + 1 + 1 + ND_DIGEST_BYTES);
}

typedef nd_sketch_batch batch_out;

/* Sorts the buffer and appends it to the run file as one zstd frame. */
static int spill_run(spill_ctx *c, nd_error *err)
{
    if (!c->nbuf) return NEARDUP_OK;
    if (nd_sort_band_recs(c->buf, c->nbuf))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory sorting band records (lower --memory?)");
    if (nd_grow((void **)&c->runs, &c->runs_cap, c->nruns + 1, sizeof *c->runs))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
    ZSTD_inBuffer in = {c->buf, c->nbuf * sizeof *c->buf, 0};
    uint64_t start = c->run_off;
    size_t left;
    do {
        ZSTD_outBuffer out = {c->zout, c->zout_cap, 0};
        left = ZSTD_compressStream2(c->cz, &out, &in, ZSTD_e_end);
        if (ZSTD_isError(left))
            return nd_fail(err, NEARDUP_E_INTERNAL, "zstd: %s", ZSTD_getErrorName(left));
        if (nd_write_all(c->run_fd, c->zout, out.pos))
            return nd_fail(err, NEARDUP_E_IO, "cannot write a spill run to the temporary directory: %s",
                           strerror(errno ? errno : ENOSPC));
        c->run_off += out.pos;
    } while (left);
    c->runs[c->nruns++] = (run_span){start, c->run_off};
    c->st->runs++;
    c->nbuf = 0;
    return NEARDUP_OK;
}

static int flush_sigs(spill_ctx *c, nd_error *err)
{
    if (c->sig_out_n && nd_write_all(c->sig_fd, c->sig_out, c->sig_out_n))
        return nd_fail(err, NEARDUP_E_IO, "cannot write signatures to the temporary directory: %s",
                       strerror(errno ? errno : ENOSPC));
    c->sig_off += c->sig_out_n;
    c->sig_out_n = 0;
    return NEARDUP_OK;
}

/* Doubles the band-record buffer, up to c->cap. */
static int grow_buf(spill_ctx *c, nd_error *err)
{
    size_t want = c->buf_cap ? 2 * c->buf_cap : 4096;
    if (want < c->nbuf + c->bands) want = c->nbuf + c->bands;
    if (want > c->cap) want = c->cap;
    nd_band_rec *p = realloc(c->buf, want * sizeof *p);
    if (!p) return nd_fail(err, NEARDUP_E_NOMEM, "out of memory keeping band records (lower --memory?)");
    c->buf = p;
    c->buf_cap = want;
    return NEARDUP_OK;
}

static int collect(void *u, void *bop, uint64_t first, size_t n, nd_error *err)
{
    spill_ctx *c = u;
    batch_out *b = bop;
    unsigned k = c->so->k;
    size_t sigb = (size_t)k * sizeof(uint32_t);
    if (nd_grow((void **)&c->live, &c->live_cap, first + n, 1) ||
        nd_grow((void **)&c->digest, &c->dg_cap, first + n, ND_DIGEST_BYTES))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory keeping per-document state");
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t r = first + i;
        if (c->sig_out_n + sigb > c->sig_out_cap && flush_sigs(c, err)) return err->code;
        char *dst = c->sig_out + c->sig_out_n;
        c->sig_out_n += sigb;
        if (c->ci->skipped[r] || j >= b->n) {
            memset(dst, 0xff, sigb);
            c->live[r] = 0;
            memset(c->digest + r * ND_DIGEST_BYTES, 0, ND_DIGEST_BYTES);
            continue;
        }
        const uint32_t *sig = b->sig + j * k;
        memcpy(dst, sig, sigb);
        c->live[r] = b->nsh[j] > 0;
        memcpy(c->digest + r * ND_DIGEST_BYTES, b->dg + j * ND_DIGEST_BYTES, ND_DIGEST_BYTES);
        j++;
        if (!c->live[r]) continue; /* empty documents never pair */
        /* the buffer and the radix sort's scratch (2 x 16 bytes a record)
         * share the budget with the per-document state */
        uint64_t need = 2 * (uint64_t)(c->nbuf + c->bands) * sizeof *c->buf + per_doc_bytes(c->ci, r + 1);
        if ((c->nbuf + c->bands > c->cap || (need > c->budget && c->nbuf >= 4096)) && spill_run(c, err))
            return err->code;
        if (c->nbuf + c->bands > c->buf_cap && grow_buf(c, err)) return err->code;
        nd_lsh_band_records(sig, c->bands, c->rows, c->band_seed, (uint32_t)r, c->buf + c->nbuf);
        c->nbuf += c->bands;
        c->st->band_records += c->bands;
    }
    c->n = first + n;
    if (b->big_need > c->st->big_need) c->st->big_need = b->big_need, c->st->big_doc = b->big_doc;
    c->st->t_shingle += b->t_shingle;
    c->st->t_digest += b->t_digest;
    c->st->t_sketch += b->t_sketch;
    return NEARDUP_OK;
}

/* ---------- phase 2: merge runs into buckets ---------- */

enum { RUN_IN = 1 << 16, RUN_OUT = 2048 };

typedef struct {
    uint64_t pos, end;
    ZSTD_DStream *ds;
    ZSTD_inBuffer ib;
    char in[RUN_IN];
    nd_band_rec rec[RUN_OUT];
    size_t n, i;
} run_reader;

/* Decodes the next records of a run; returns 1, 0 at its end, -1 on error. */
static int run_fill(run_reader *rr, int fd)
{
    ZSTD_outBuffer ob = {rr->rec, sizeof rr->rec, 0};
    while (ob.pos < ob.size) {
        if (rr->ib.pos == rr->ib.size) {
            if (rr->pos >= rr->end) break;
            size_t want = rr->end - rr->pos < RUN_IN ? (size_t)(rr->end - rr->pos) : RUN_IN;
            if (nd_pread_all(fd, rr->in, want, rr->pos)) return -1;
            rr->pos += want;
            rr->ib = (ZSTD_inBuffer){rr->in, want, 0};
        }
        size_t ret = ZSTD_decompressStream(rr->ds, &ob, &rr->ib);
        if (ZSTD_isError(ret)) return -1;
        if (ret == 0 && rr->ib.pos == rr->ib.size && rr->pos >= rr->end) break;
    }
    if (ob.pos % sizeof(nd_band_rec)) return -1;
    rr->n = ob.pos / sizeof(nd_band_rec);
    rr->i = 0;
    return rr->n > 0;
}

typedef struct {
    const nd_spill_opts *o;
    const uint32_t *rep;
    int sig_fd;
    unsigned k;
    nd_pair *cand;       /* candidates not yet verified */
    size_t ncand, cand_cap, cand_alloc; /* cap: verified when this many; alloc: grown up to cap */
    nd_scored_pair *acc; /* accepted */
    size_t nacc, acc_cap, acc_sorted;
    uint32_t *sa, *sb;
    nd_spill_stats *st;
} verifier;

static int cmp_scored(const void *x, const void *y)
{
    const nd_scored_pair *p = x, *q = y;
    if (p->a != q->a) return p->a < q->a ? -1 : 1;
    return (p->b > q->b) - (p->b < q->b);
}

/* Sorts and de-duplicates the candidate buffer and verifies it in document
 * order (a's signature read once per run of equal a). */
static int verify(verifier *v, nd_error *err)
{
    double t0 = nd_now();
    size_t n = nd_pairs_unique(v->cand, v->ncand);
    size_t sigb = (size_t)v->k * sizeof(uint32_t);
    uint32_t last_a = UINT32_MAX;
    for (size_t i = 0; i < n; i++) {
        nd_pair p = v->cand[i];
        if ((p.a != last_a && nd_pread_all(v->sig_fd, v->sa, sigb, (uint64_t)p.a * sigb)) ||
            nd_pread_all(v->sig_fd, v->sb, sigb, (uint64_t)p.b * sigb))
            return nd_fail(err, NEARDUP_E_IO, "cannot read signatures back from the temporary directory");
        last_a = p.a;
        float j = (float)nd_minhash_jaccard(v->sa, v->sb, v->k);
        if (j < (float)v->o->threshold) continue;
        if (nd_grow((void **)&v->acc, &v->acc_cap, v->nacc + 1, sizeof *v->acc))
            return nd_fail(err, NEARDUP_E_NOMEM, "out of memory keeping accepted pairs");
        v->acc[v->nacc++] = (nd_scored_pair){p.a, p.b, j, -1};
    }
    v->st->candidates += n;
    v->ncand = 0;
    /* a pair seen again in a later buffer is accepted again: keep the list unique */
    if (v->nacc > 2 * v->acc_sorted + 1024) {
        qsort(v->acc, v->nacc, sizeof *v->acc, cmp_scored);
        size_t m = 0;
        for (size_t i = 0; i < v->nacc; i++)
            if (!m || v->acc[i].a != v->acc[m - 1].a || v->acc[i].b != v->acc[m - 1].b) v->acc[m++] = v->acc[i];
        v->nacc = v->acc_sorted = m;
    }
    v->st->t_verify += nd_now() - t0;
    return NEARDUP_OK;
}

static int emit(verifier *v, uint32_t a, uint32_t b, nd_error *err)
{
    if (a == b) return NEARDUP_OK;
    if (v->ncand == v->cand_cap && verify(v, err)) return err->code;
    if (v->ncand == v->cand_alloc) {
        size_t want = v->cand_alloc ? 2 * v->cand_alloc : 4096;
        if (want > v->cand_cap) want = v->cand_cap;
        nd_pair *p = realloc(v->cand, want * sizeof *p);
        if (!p) return nd_fail(err, NEARDUP_E_NOMEM, "out of memory keeping candidates (lower --memory?)");
        v->cand = p;
        v->cand_alloc = want;
    }
    v->cand[v->ncand++] = a < b ? (nd_pair){a, b} : (nd_pair){b, a};
    v->st->emitted++;
    return NEARDUP_OK;
}

/* The pairs of one bucket, as lsh.c's bucket_pairs gives them, without
 * holding more than max_bucket + 1 of its records: a small bucket pairs
 * everyone; past max_bucket, each member pairs with the first and its
 * predecessor. */
typedef struct {
    nd_band_rec *r;
    size_t n, cap; /* n: members so far (only the first cap are kept) */
    int large;
    uint32_t first, prev;
} bucket;

static int bucket_add(verifier *v, bucket *bk, size_t max_bucket, uint32_t doc, nd_error *err)
{
    if (!bk->large && bk->n < max_bucket) {
        if (nd_grow((void **)&bk->r, &bk->cap, bk->n + 1, sizeof *bk->r))
            return nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
        bk->r[bk->n++].doc = doc;
        return NEARDUP_OK;
    }
    if (!bk->large) { /* the bucket just outgrew max_bucket: the large rule from the start */
        bk->large = 1;
        bk->first = bk->r[0].doc;
        for (size_t j = 1; j < bk->n; j++) {
            if (emit(v, bk->first, bk->r[j].doc, err)) return err->code;
            if (j > 1 && emit(v, bk->r[j - 1].doc, bk->r[j].doc, err)) return err->code;
        }
        bk->prev = bk->r[bk->n - 1].doc;
    }
    if (emit(v, bk->first, doc, err)) return err->code;
    if (bk->n > 1 && emit(v, bk->prev, doc, err)) return err->code;
    bk->prev = doc;
    bk->n++;
    return NEARDUP_OK;
}

static int bucket_end(verifier *v, bucket *bk, nd_error *err)
{
    if (!bk->large)
        for (size_t i = 0; i < bk->n; i++)
            for (size_t j = i + 1; j < bk->n; j++)
                if (emit(v, bk->r[i].doc, bk->r[j].doc, err)) return err->code;
    bk->n = 0;
    bk->large = 0;
    return NEARDUP_OK;
}

static int heap_less(run_reader *const *h, size_t x, size_t y)
{
    const nd_band_rec *a = &h[x]->rec[h[x]->i], *b = &h[y]->rec[h[y]->i];
    if (a->key != b->key) return a->key < b->key;
    return h[x] < h[y]; /* runs are allocated in order: earlier run = earlier documents */
}

static void heap_down(run_reader **h, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        if (l < n && heap_less(h, l, m)) m = l;
        if (l + 1 < n && heap_less(h, l + 1, m)) m = l + 1;
        if (m == i) return;
        run_reader *t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
}

static int merge_runs(spill_ctx *c, verifier *v, nd_error *err)
{
    size_t nr = c->nruns;
    run_reader *rr = calloc(nr ? nr : 1, sizeof *rr);
    run_reader **h = calloc(nr ? nr : 1, sizeof *h);
    bucket bk = {0};
    int rc = NEARDUP_OK;
    size_t nh = 0;
    if (!rr || !h) { rc = nd_fail(err, NEARDUP_E_NOMEM, "out of memory merging runs"); goto out; }
    for (size_t i = 0; i < nr; i++) {
        rr[i].pos = c->runs[i].start;
        rr[i].end = c->runs[i].end;
        if (!(rr[i].ds = ZSTD_createDStream())) { rc = nd_fail(err, NEARDUP_E_NOMEM, "out of memory merging runs"); goto out; }
        int f = run_fill(&rr[i], c->run_fd);
        if (f < 0) { rc = nd_fail(err, NEARDUP_E_IO, "cannot read a spill run back from the temporary directory"); goto out; }
        if (f) h[nh++] = &rr[i];
    }
    /* heap order ties on the run's address: rr[] is one array in run order */
    for (size_t i = nh; i-- > 0;) heap_down(h, nh, i);
    uint64_t key = 0;
    int have = 0;
    while (nh) {
        run_reader *top = h[0];
        nd_band_rec rec = top->rec[top->i++];
        if (top->i == top->n) {
            int f = run_fill(top, c->run_fd);
            if (f < 0) { rc = nd_fail(err, NEARDUP_E_IO, "cannot read a spill run back from the temporary directory"); goto out; }
            if (!f) h[0] = h[--nh];
        }
        if (nh) heap_down(h, nh, 0);
        if (v->rep && v->rep[rec.doc] != rec.doc) continue; /* exact duplicate: grouped already */
        if (have && rec.key != key && (rc = bucket_end(v, &bk, err))) goto out;
        key = rec.key;
        have = 1;
        if ((rc = bucket_add(v, &bk, c->o->max_bucket, rec.doc, err))) goto out;
    }
    if (have) rc = bucket_end(v, &bk, err);
out:
    for (size_t i = 0; rr && i < nr; i++) ZSTD_freeDStream(rr[i].ds);
    free(rr);
    free(h);
    free(bk.r);
    return rc;
}

/* ---------- the whole job ---------- */

int nd_spill_pairs(nd_reader *r, const nd_pipeline_opts *po, const nd_sketch_opts *so,
                   const nd_spill_opts *o, nd_corpus_info *ci, nd_scored_pair **pairs,
                   size_t *npairs, nd_spill_stats *st, nd_error *err)
{
    memset(st, 0, sizeof *st);
    st->sig_fd = -1;
    *pairs = NULL;
    *npairs = 0;
    spill_ctx c = {.so = so, .o = o, .ci = ci, .sig_fd = -1, .run_fd = -1, .st = st};
    verifier v = {.o = o, .k = so->k, .sig_fd = -1, .st = st};
    uint32_t *rep = NULL;
    int rc = NEARDUP_OK;
    nd_lsh_params(o->threshold, so->k, &c.bands, &c.rows);
    st->bands = c.bands;
    st->rows = c.rows;
    c.band_seed = nd_band_seed(so->seeds.sketch_seed);
    /* What does not grow with the corpus comes off the top: the pipeline's
     * batch slots (2 x threads + 2, up to ~2 MiB each as buffers double),
     * the reader's line buffer (1 MiB) and the program itself (~8 MiB). */
    uint64_t nt = po->threads ? po->threads : nd_online_cpus();
    uint64_t fixed = (12 + (2 * nt + 2) * 2) << 20;
    /* a limit below that still gets a quarter of itself (and will be exceeded) */
    c.budget = nd_memory_budget(o->memory, fixed);
    st->fixed = fixed;
    /* half the budget for records at most; sorting needs as much again */
    size_t quarter = (size_t)(c.budget / 4);
    c.cap = quarter / sizeof(nd_band_rec);
    if (c.cap < 4096) c.cap = 4096;
    if (c.cap < c.bands) c.cap = c.bands;
    c.sig_out_cap = 1 << 20;
    if (c.sig_out_cap < (size_t)so->k * 4) c.sig_out_cap = (size_t)so->k * 4;
    c.zout_cap = ZSTD_CStreamOutSize();
    if ((c.sig_fd = nd_tmp_open(o->tmpdir, err)) < 0 || (c.run_fd = nd_tmp_open(o->tmpdir, err)) < 0) {
        rc = err->code;
        goto out;
    }
    c.sig_out = malloc(c.sig_out_cap);
    c.zout = malloc(c.zout_cap);
    c.cz = ZSTD_createCCtx();
    if (!c.sig_out || !c.zout || !c.cz) { rc = nd_fail(err, NEARDUP_E_NOMEM, "out of memory"); goto out; }
    /* level 1 and a 128 KiB window: merging reads every run at once, and a
     * run's decoder holds one window */
    ZSTD_CCtx_setParameter(c.cz, ZSTD_c_compressionLevel, 1);
    ZSTD_CCtx_setParameter(c.cz, ZSTD_c_windowLog, 17);
    nd_pipeline_fns f = {.user = &c, .collect = collect};
    nd_sketch_worker_fns(&f); /* the plain worker (sketch_doc.c), as the MPI driver runs it */
    if ((rc = nd_pipeline_run(r, po, &f, ci, err))) goto out;
    if ((rc = spill_run(&c, err)) || (rc = flush_sigs(&c, err))) goto out;
    free(c.buf);
    c.buf = NULL;
    if ((rc = nd_corpus_check_unique_ids(ci, r, err))) goto out;
    st->run_bytes = c.run_off;
    st->sig_bytes = c.sig_off;
    double t0 = nd_now();
    uint64_t n = c.n;
    rep = malloc((n ? n : 1) * sizeof *rep);
    if (!rep) { rc = nd_fail(err, NEARDUP_E_NOMEM, "out of memory grouping exact duplicates"); goto out; }
    if (o->exact_first) {
        if (nd_exact_groups(c.digest, c.live, n, rep)) { rc = nd_fail(err, NEARDUP_E_NOMEM, "out of memory grouping exact duplicates"); goto out; }
        for (uint64_t i = 0; i < n; i++)
            if (rep[i] != i) {
                if (nd_grow((void **)&v.acc, &v.acc_cap, v.nacc + 1, sizeof *v.acc)) { rc = nd_fail(err, NEARDUP_E_NOMEM, "out of memory"); goto out; }
                v.acc[v.nacc++] = (nd_scored_pair){rep[i], (uint32_t)i, 1.0f, -1};
                st->exact_dups++;
            }
        v.rep = rep;
    }
    free(c.digest);
    c.digest = NULL;
    v.sig_fd = c.sig_fd;
    /* candidates: 8 bytes each and 8 more while they are sorted, next to
     * the per-document state and one decoder (~0.4 MiB) per run */
    uint64_t held = per_doc_bytes(ci, n) + n * sizeof *rep + c.nruns * (400u << 10);
    v.cand_cap = c.budget > held ? (size_t)((c.budget - held) / 2 / (2 * sizeof *v.cand)) : 0;
    if (v.cand_cap < 4096) v.cand_cap = 4096;
    v.sa = malloc((size_t)so->k * 4);
    v.sb = malloc((size_t)so->k * 4);
    if (!v.sa || !v.sb) { rc = nd_fail(err, NEARDUP_E_NOMEM, "out of memory"); goto out; }
    if ((rc = merge_runs(&c, &v, err)) || (rc = verify(&v, err))) goto out;
    if (v.nacc > 1) qsort(v.acc, v.nacc, sizeof *v.acc, cmp_scored);
    size_t m = 0;
    for (size_t i = 0; i < v.nacc; i++)
        if (!m || v.acc[i].a != v.acc[m - 1].a || v.acc[i].b != v.acc[m - 1].b) v.acc[m++] = v.acc[i];
    st->accepted = m - st->exact_dups;
    st->t_merge = nd_now() - t0 - st->t_verify;
    *pairs = v.acc;
    *npairs = m;
    v.acc = NULL;
    if (o->keep_sigs) {
        st->sig_fd = c.sig_fd;
        c.sig_fd = -1;
    }
out:
    if (c.sig_fd >= 0) close(c.sig_fd);
    if (c.run_fd >= 0) close(c.run_fd);
    ZSTD_freeCCtx(c.cz);
    free(c.buf);
    free(c.sig_out);
    free(c.zout);
    free(c.runs);
    free(c.live);
    free(c.digest);
    free(rep);
    free(v.cand);
    free(v.acc);
    free(v.sa);
    free(v.sb);
    return rc;
}
