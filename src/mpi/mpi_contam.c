/* mpi_contam.c - the corpus scan of `contamination` across the ranks
 * (mpi_dedup.h).  Every rank loads the benchmark (small) and scans its share
 * of the corpus with the one-process scan (nd_contam_stream); what its
 * documents found travels to rank 0 with their global numbers and ids, and
 * rank 0 merges it in input order with nd_contam_merge, as one process
 * merges its own: the report is the same, byte for byte. */
#include "mpi_dedup.h"
#include "reader.h"

#ifndef ND_HAVE_MPI

int nd_mpi_contam(nd_reader *r, nd_pipeline_opts *po, const nd_contam *ix, nd_contam_result *res, nd_mpi_ids *ids,
                  nd_corpus_info *sum)
{
    return nd_mpi_error(NEARDUP_E_INTERNAL, "built without MPI");
}
int nd_mpi_bcast_status(int rc) { return rc; }
const char *nd_mpi_id_of(const nd_mpi_ids *ids, uint64_t doc, size_t *len)
{
    *len = 0;
    return "";
}
void nd_mpi_ids_free(nd_mpi_ids *ids) {}

#else

#include <stdlib.h>
#include <string.h>

#include "mpi_internal.h"

/* A found document on the wire: this header, then the id's bytes, the
 * hits and the sums. */
typedef struct {
    uint64_t doc;
    uint32_t id_len, nhit, nsum, pad;
} found_head;

typedef struct {
    char *buf;
    size_t len, cap;
} wire;

static int put(wire *w, const void *p, size_t n)
{
    if (nd_grow((void **)&w->buf, &w->cap, w->len + n, 1)) return NEARDUP_E_NOMEM;
    if (n) memcpy(w->buf + w->len, p, n);
    w->len += n;
    return NEARDUP_OK;
}

/* The sink of a rank: its documents' findings, numbered locally (the ids
 * and global numbers are known once the share is read). */
static int keep_found(void *user, uint64_t doc, const nd_contam_hit *hit, size_t nhit, const nd_contam_sum *sum,
                      size_t nsum)
{
    wire *w = user;
    found_head h = {doc, 0, (uint32_t)nhit, (uint32_t)nsum, 0};
    if (put(w, &h, sizeof h) || put(w, hit, nhit * sizeof *hit) || put(w, sum, nsum * sizeof *sum))
        return NEARDUP_E_NOMEM;
    return NEARDUP_OK;
}

/* The findings again with global numbers and ids, ready to send. */
static int with_ids(const wire *in, const nd_owners *own, const nd_corpus_info *ci, wire *out)
{
    for (size_t o = 0; o < in->len;) {
        found_head h;
        memcpy(&h, in->buf + o, sizeof h);
        size_t body = h.nhit * sizeof(nd_contam_hit) + h.nsum * sizeof(nd_contam_sum);
        /* h.doc indexes this rank's ci; in cyclic mode the pipeline numbers
         * every record, owned or not, so it is the global number already */
        const char *id = nd_corpus_id(ci, h.doc);
        size_t id_len = nd_corpus_id_len(ci, h.doc);
        if (!own->cyclic) h.doc = nd_owner_global(own, h.doc);
        h.id_len = (uint32_t)id_len;
        if (put(out, &h, sizeof h) || put(out, id, id_len) || put(out, in->buf + o + sizeof h, body))
            return NEARDUP_E_NOMEM;
        o += sizeof h + body;
    }
    return NEARDUP_OK;
}

typedef struct {
    uint64_t doc;
    size_t off; /* of its header in the gathered bytes */
} found_ref;

static int cmp_found(const void *x, const void *y)
{
    const found_ref *a = x, *b = y;
    return a->doc < b->doc ? -1 : a->doc > b->doc;
}

/* Rank 0: every rank's findings merged in input order; ids keeps the
 * gathered bytes for the matching documents' ids. */
static int merge_all(char *all, size_t n, nd_contam_result *res, nd_mpi_ids *ids)
{
    size_t cnt = 0;
    for (size_t o = 0; o < n; cnt++) {
        found_head h;
        memcpy(&h, all + o, sizeof h);
        o += sizeof h + h.id_len + h.nhit * sizeof(nd_contam_hit) + h.nsum * sizeof(nd_contam_sum);
    }
    found_ref *ref = malloc((cnt ? cnt : 1) * sizeof *ref);
    if (!ref) return NEARDUP_E_NOMEM;
    size_t i = 0;
    for (size_t o = 0; o < n; i++) {
        found_head h;
        memcpy(&h, all + o, sizeof h);
        ref[i] = (found_ref){h.doc, o};
        o += sizeof h + h.id_len + h.nhit * sizeof(nd_contam_hit) + h.nsum * sizeof(nd_contam_sum);
    }
    if (cnt > 1) qsort(ref, cnt, sizeof *ref, cmp_found); /* cyclic shares interleave */
    int rc = NEARDUP_OK;
    nd_contam_hit *hit = NULL;
    nd_contam_sum *sum = NULL;
    size_t hcap = 0, scap = 0;
    for (i = 0; i < cnt && !rc; i++) {
        found_head h;
        const char *p = all + ref[i].off;
        memcpy(&h, p, sizeof h);
        p += sizeof h + h.id_len;
        /* copied out: the gathered bytes need not be aligned for the structs */
        if (nd_grow((void **)&hit, &hcap, h.nhit + 1, sizeof *hit) || nd_grow((void **)&sum, &scap, h.nsum + 1, sizeof *sum)) {
            rc = NEARDUP_E_NOMEM;
            break;
        }
        memcpy(hit, p, h.nhit * sizeof *hit);
        memcpy(sum, p + h.nhit * sizeof *hit, h.nsum * sizeof *sum);
        rc = nd_contam_merge(res, h.doc, hit, h.nhit, sum, h.nsum);
    }
    free(hit);
    free(sum);
    ids->buf = all;
    ids->doc = malloc((cnt ? cnt : 1) * sizeof *ids->doc);
    ids->off = malloc((cnt ? cnt : 1) * sizeof *ids->off);
    if (!ids->doc || !ids->off) rc = NEARDUP_E_NOMEM;
    for (i = 0; i < cnt && !rc; i++) {
        ids->doc[i] = ref[i].doc;
        ids->off[i] = ref[i].off;
    }
    ids->n = rc ? 0 : cnt;
    free(ref);
    return rc;
}

int nd_mpi_contam(nd_reader *r, nd_pipeline_opts *po, const nd_contam *ix, nd_contam_result *res, nd_mpi_ids *ids,
                  nd_corpus_info *sum)
{
    nd_error err = {0, ""};
    nd_traffic t = {0, 0};
    nd_mpi_share sh;
    nd_owners own = {.rank = nd_mpi_rank(), .size = nd_mpi_size()};
    nd_corpus_info ci = {0};
    wire found = {0}, sent = {0};
    int rc = nd_mpi_share_inputs(r, &sh, &err);
    int st = nd_mpi_agree(rc, own.rank, &err);
    if (!st) {
        if (sh.cyclic) {
            po->shard_n = (unsigned)own.size;
            po->shard_i = (unsigned)own.rank;
        }
        rc = nd_contam_stream(r, po, ix, keep_found, &found, &ci, &err);
        /* the first error in input order: in cyclic mode the lowest record
         * number (ranks stop at their own first error), else the lowest rank */
        st = nd_mpi_agree(rc, sh.cyclic ? (double)ci.n : (double)own.rank, &err);
    }
    if (!st) st = nd_mpi_number_records(&own, &ci, sh.cyclic);
    if (!st) {
        if ((rc = with_ids(&found, &own, &ci, &sent))) nd_fail(&err, rc, "out of memory");
        st = nd_mpi_agree(rc, own.rank, &err);
    }
    if (!st) {
        int *offs = NULL;
        char *all = nd_mpi_gather(sent.buf, sent.len, &offs, &t);
        nd_mpi_gather_skips(&own, &ci, sum, &t);
        uint64_t bytes = ci.raw_bytes, tot = 0;
        MPI_Reduce(&bytes, &tot, 1, MPI_UINT64_T, MPI_SUM, 0, MPI_COMM_WORLD);
        if (own.rank == 0) {
            sum->n = own.total;
            sum->raw_bytes = sh.cyclic ? ci.raw_bytes : tot; /* in cyclic mode every rank read all of it */
            rc = merge_all(all, (size_t)offs[own.size], res, ids);
            if (rc) nd_fail(&err, rc, "out of memory");
            free(offs);
        } else {
            free(all);
        }
        st = nd_mpi_agree(own.rank == 0 ? rc : 0, 0, &err);
    }
    free(found.buf);
    free(sent.buf);
    free(own.first);
    nd_corpus_info_free(&ci);
    return st;
}

int nd_mpi_bcast_status(int rc)
{
    MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
    return rc;
}

const char *nd_mpi_id_of(const nd_mpi_ids *ids, uint64_t doc, size_t *len)
{
    size_t lo = 0, hi = ids->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ids->doc[mid] < doc) lo = mid + 1;
        else hi = mid;
    }
    if (lo == ids->n || ids->doc[lo] != doc) {
        *len = 0;
        return "";
    }
    found_head h;
    memcpy(&h, ids->buf + ids->off[lo], sizeof h);
    *len = h.id_len;
    return ids->buf + ids->off[lo] + sizeof h;
}

void nd_mpi_ids_free(nd_mpi_ids *ids)
{
    free(ids->buf);
    free(ids->doc);
    free(ids->off);
    memset(ids, 0, sizeof *ids);
}

#endif
