/* mpi_overlap_share.c - what the ranks of `overlap` under mpirun send each
 * other besides anchors and candidates (mpi_overlap_internal.h): documents
 * fetched by the rank that aligns them, and the ids, dates and series that
 * rank 0 needs to write (and that every rank's anchors need ranked). */
#include "doc_pack.h"
#include "mpi_overlap_internal.h"
#include "reader.h"
#include "record.h"

#ifdef ND_HAVE_MPI

#include <stdlib.h>
#include <string.h>

/* A document on the wire: nd_doc_pack's record (doc_pack.h), with its id:
 * words, spans, map, text and the edited-reuse arrays, used in place. */
static size_t doc_bytes(const nd_doc_ref *d, size_t id_len, int text) { return nd_doc_pack_bytes(d, id_len, text); }

static char *put(char *p, const void *x, size_t n)
{
    if (n) memcpy(p, x, n);
    return p + n;
}

static char *put_doc(char *p, const nd_doc_ref *d, uint32_t doc, const char *id, size_t id_len, int text)
{
    return nd_doc_pack(p, d, doc, id, id_len, text);
}

static const char *get_doc(const char *p, nd_fetched *f)
{
    return nd_doc_unpack(p, &f->ref, &f->doc, &f->id, &f->id_len);
}

int nd_mpi_fetch_docs(const nd_owners *own, const nd_doc_store *s, const nd_corpus_info *ci, const uint32_t *want,
                      size_t nwant, int text, nd_fetched_docs *out, nd_traffic *t)
{
    int p = own->size;
    size_t *cnt = calloc((size_t)p, sizeof *cnt), *rcnt = calloc((size_t)p, sizeof *rcnt);
    if (!cnt || !rcnt) nd_mpi_die(NEARDUP_E_NOMEM, "out of memory");
    /* want is sorted: the requests come grouped by owner, in rank order */
    for (size_t i = 0; i < nwant; i++) cnt[nd_owner_of(own, want[i])] += sizeof *want;
    size_t total;
    char *req = nd_mpi_exchange((const char *)want, cnt, rcnt, &total, t);
    size_t nreq = total / sizeof *want, bytes = 0;
    const uint32_t *rq = (const uint32_t *)req;
    for (size_t i = 0; i < nreq; i++) {
        uint64_t l = nd_owner_local(own, rq[i]);
        bytes += doc_bytes(&s->doc[l], nd_corpus_id_len(ci, l), text);
    }
    char *reply = nd_mpi_xmalloc(bytes), *w = reply;
    size_t i = 0;
    for (int q = 0; q < p; q++) {
        char *w0 = w;
        for (size_t e = i + rcnt[q] / sizeof *want; i < e; i++) {
            uint64_t l = nd_owner_local(own, rq[i]);
            w = put_doc(w, &s->doc[l], rq[i], nd_corpus_id(ci, l), nd_corpus_id_len(ci, l), text);
        }
        cnt[q] = (size_t)(w - w0);
    }
    free(req);
    out->buf = nd_mpi_exchange(reply, cnt, NULL, &total, t);
    free(reply);
    free(cnt);
    free(rcnt);
    out->d = nd_mpi_xmalloc((nwant ? nwant : 1) * sizeof *out->d);
    out->n = nwant;
    const char *r = out->buf;
    for (size_t k = 0; k < nwant; k++) r = get_doc(r, &out->d[k]);
    return NEARDUP_OK;
}

void nd_fetched_free(nd_fetched_docs *f)
{
    free(f->buf);
    free(f->d);
    memset(f, 0, sizeof *f);
}

/* ---------- the share loaded, the figures summed (both drivers') ---------- */

int nd_mpi_overlap_load(const nd_mpi_overlap_job *j, char **inputs, int ninputs, nd_owners *own, nd_doc_store *s,
                        nd_corpus_info *ci, nd_doc_fields *fields, nd_traffic *t)
{
    nd_error err = {0, ""};
    nd_reader *r = j->open_inputs(j->user, j->po, inputs, ninputs, &err);
    int rc = r ? NEARDUP_OK : err.code ? err.code : NEARDUP_E_IO;
    int st = nd_mpi_agree(rc, 0, &err); /* the same inputs on every rank: rank 0 reports */
    nd_mpi_share sh = {0};
    if (!st) st = nd_mpi_agree(nd_mpi_share_inputs(r, &sh, &err), own->rank, &err);
    if (!st && sh.cyclic)
        st = nd_mpi_agree(own->rank ? 0 : nd_fail(&err, NEARDUP_E_USAGE, "under mpirun, overlap cannot share one "
                                                   "compressed file among the ranks: decompress it, or give several "
                                                   "files"), 0, &err);
    if (!st) {
        rc = j->spill ? nd_spill_store_load(j->spill, r, j->po, j->ov, ci, &err)
                      : nd_overlap_load(r, j->po, j->ov, s, ci, &err);
        st = nd_mpi_agree(rc, own->rank, &err); /* the lowest rank's error is the first in input order */
    }
    if (!st) st = nd_mpi_number_records(own, ci, 0);
    if (!st) st = nd_mpi_check_ids(own, ci, r, t);
    nd_doc_fields mine = {0};
    if (!st && nd_field_opts_any(j->fo)) {
        rc = nd_doc_fields_read(&mine, j->fo, r, ci, &err); /* a second pass over the share */
        st = nd_mpi_agree(rc, own->rank, &err);
        if (!st) st = nd_mpi_share_fields(own, j->fo, &mine, fields, t);
    }
    nd_doc_fields_free(&mine);
    nd_reader_free(r);
    return st;
}

void nd_mpi_overlap_sum_stats(nd_anchor_stats *as, nd_overlap_stats *st, size_t npairs, size_t *total_pairs)
{
    uint64_t v[12] = {as->anchors, as->dropped, as->dropped_occ, as->sentence_anchors, as->sentence_dropped,
                      as->spread, as->series_dropped, as->star_pairs, as->star, st->candidates, npairs, 0};
    uint64_t s[12], mx = as->max_df_seen, gmx = 0;
    MPI_Reduce(v, s, 12, MPI_UINT64_T, MPI_SUM, 0, MPI_COMM_WORLD);
    MPI_Reduce(&mx, &gmx, 1, MPI_UINT64_T, MPI_MAX, 0, MPI_COMM_WORLD);
    if (nd_mpi_rank() != 0) return;
    *as = (nd_anchor_stats){s[0], s[1], s[2], gmx, s[3], s[4], s[5], s[6], s[7], s[8]};
    st->anchors = *as;
    st->candidates = s[9];
    st->pairs = s[10];
    *total_pairs = (size_t)s[10];
}

void nd_mpi_overlap_sum_info(const nd_owners *own, const nd_corpus_info *ci, nd_corpus_info *sum, nd_traffic *t)
{
    nd_mpi_gather_ids(own, ci, sum, t);
    nd_mpi_gather_skips(own, ci, sum, t);
    uint64_t fig[3] = {ci->text_bytes, ci->raw_bytes, ci->tokens}, tot[3] = {0, 0, 0};
    MPI_Reduce(fig, tot, 3, MPI_UINT64_T, MPI_SUM, 0, MPI_COMM_WORLD);
    if (own->rank == 0) {
        sum->text_bytes = tot[0];
        sum->raw_bytes = tot[1];
        sum->tokens = tot[2];
        sum->threads = ci->threads;
    }
}

/* ---------- ids, dates and series ---------- */

void nd_mpi_gather_ids(const nd_owners *own, const nd_corpus_info *ci, nd_corpus_info *sum, nd_traffic *t)
{
    int *offs = NULL, *offs2 = NULL;
    char *ids = nd_mpi_gather(ci->id_buf, ci->id_len, &offs, t);
    size_t *loc = nd_mpi_xmalloc((ci->n ? ci->n : 1) * sizeof *loc);
    for (uint64_t i = 0; i < ci->n; i++) loc[i] = ci->id_off[i];
    char *off = nd_mpi_gather(loc, ci->n * sizeof *loc, &offs2, t);
    free(loc);
    if (own->rank != 0) return;
    sum->n = own->total;
    sum->id_buf = ids;
    sum->id_len = sum->id_cap = (size_t)offs[own->size];
    sum->id_off = nd_mpi_xmalloc((own->total ? own->total : 1) * sizeof *sum->id_off);
    for (int q = 0; q < own->size; q++) {
        const size_t *lo = (const size_t *)(off + offs2[q]);
        for (uint64_t i = 0; i < own->first[q + 1] - own->first[q]; i++)
            sum->id_off[own->first[q] + i] = (size_t)offs[q] + lo[i];
    }
    free(off);
    free(offs);
    free(offs2);
}

/* A record's fields on the wire: date key, the lengths of date and series
 * (UINT32_MAX: none), then their bytes. */
typedef struct {
    int64_t key;
    uint32_t date_len, series_len;
} field_head;

int nd_mpi_share_fields(const nd_owners *own, const nd_field_opts *fo, nd_doc_fields *mine, nd_doc_fields *all,
                        nd_traffic *t)
{
    size_t bytes = 0;
    for (uint64_t i = 0; i < mine->n; i++) {
        const char *d = nd_doc_date(mine, i), *s = nd_doc_series(mine, i);
        bytes += sizeof(field_head) + (d ? strlen(d) + 1 : 0) + (s ? strlen(s) + 1 : 0);
    }
    char *buf = nd_mpi_xmalloc(bytes ? bytes : 1), *w = buf;
    for (uint64_t i = 0; i < mine->n; i++) {
        const char *d = nd_doc_date(mine, i), *s = nd_doc_series(mine, i);
        field_head h = {d ? mine->date_key[mine->date[i]] : 0, d ? (uint32_t)strlen(d) : UINT32_MAX,
                        s ? (uint32_t)strlen(s) : UINT32_MAX};
        w = put(w, &h, sizeof h);
        if (d) w = put(w, d, h.date_len + 1); /* with its NUL: set on rank 0 in place */
        if (s) w = put(w, s, h.series_len + 1);
    }
    int *offs = NULL;
    char *got = nd_mpi_gather(buf, bytes, &offs, t);
    free(buf);
    uint64_t n = own->total;
    int rc = NEARDUP_OK;
    memset(all, 0, sizeof *all);
    if (own->rank == 0) {
        if (nd_doc_fields_resize(all, n, fo->date_field != NULL, fo->series_field || fo->series_from_dir))
            nd_mpi_die(NEARDUP_E_NOMEM, "out of memory sharing dates and series");
        const char *r = got;
        for (uint64_t i = 0; i < n && !rc; i++) {
            field_head h;
            memcpy(&h, r, sizeof h);
            r += sizeof h;
            const char *d = h.date_len == UINT32_MAX ? NULL : r;
            r += d ? h.date_len + 1 : 0;
            const char *s = h.series_len == UINT32_MAX ? NULL : r;
            r += s ? h.series_len + 1 : 0;
            rc = nd_doc_fields_set(all, i, d, h.key, s);
        }
        if (!rc)
            rc = nd_doc_fields_finish(all, fo); /* the one-process numbering and order */
        free(offs);
    }
    free(got);
    MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (rc) nd_mpi_die(rc, "out of memory ranking the documents");
    /* every rank's anchors need every document's rank and series */
    int series = fo->series_field || fo->series_from_dir;
    if (own->rank != 0) {
        all->rank = nd_mpi_xmalloc((n ? n : 1) * sizeof *all->rank);
        if (series) all->series = nd_mpi_xmalloc((n ? n : 1) * sizeof *all->series);
    }
    if (n > INT32_MAX / 4) nd_mpi_die(NEARDUP_E_INTERNAL, "too many documents to share their ranks");
    MPI_Bcast(all->rank, (int)n, MPI_UINT32_T, 0, MPI_COMM_WORLD);
    if (series) MPI_Bcast(all->series, (int)n, MPI_UINT32_T, 0, MPI_COMM_WORLD);
    t->recv += own->rank ? n * 4 * (series ? 2 : 1) : 0;
    return NEARDUP_OK;
}

#endif
