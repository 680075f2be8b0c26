/* mpi_overlap_spill.c - `neardup overlap --memory` across MPI ranks
 * (mpi_overlap_internal.h): each rank runs the one-process bounded run
 * (overlap_spill.h) over a store of its own share, and this file is what
 * passes between the ranks at its steps (nd_spill_dist):
 *   - the anchor ranges are cut by every rank's counts, summed, so all
 *     ranks read back the same ranges; a range's occurrences go to the
 *     owner of hash % N, which lists its candidates (an anchor's counts are
 *     complete there), sends the dropped occurrences back to their
 *     documents' owners (masked as one process masks them) and the
 *     candidate entries to the owner of a;
 *   - the owner of a aligns its candidates in batches, as one process
 *     does; the documents b a batch lacks are fetched from their owners'
 *     files in rounds that every rank takes part in (serving the others
 *     until every rank's batches are done);
 *   - its pairs go to a temporary file that rank 0 appends in rank order
 *     (owners hold consecutive runs of a: the one-process order), its
 *     passages for the clusters to another, which rank 0 adds to its
 *     clusters' runs (the order passages are added in does not change the
 *     clusters: one process adds them from several threads).
 * Each rank stays within its own --memory; what grows with the whole corpus
 * on every rank is 12 bytes a document (a record's size and a batch mark). */
#include "doc_pack.h"
#include "mpi_overlap_internal.h"
#include "reader.h"

#ifdef ND_HAVE_MPI

#include <errno.h>
#include <pthread.h>
#include <sys/resource.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* What a fetch round sends for each document before its record: its
 * number, its id's length and its record's bytes (the id follows, padded
 * to 8, then the record as the owner's file holds it). */
typedef struct {
    uint32_t doc, id_len;
    uint64_t rec;
} wire_head;

#define PAD8(n) (((n) + 7) & ~(size_t)7)
#define LINK_BUF 4096 /* passages buffered before they go to the file */

typedef struct {
    const nd_mpi_overlap_job *j;
    nd_owners *own;
    nd_traffic *t;
    const nd_corpus_info *ci;
    /* the batch's fetched documents, in want's order */
    struct {
        char *got;
        uint32_t *doc;
        nd_doc_ref *ref;
        const char **id;
        size_t *id_len;
        size_t n;
    } f;
    /* the passages for the clusters: rank 0's to j->clusters, the others' to links_f */
    pthread_mutex_t mu;
    nd_link_list links;
    FILE *links_f;
    int links_failed;
} dist_ctx;

static void sum(void *user, uint64_t *v, size_t n)
{
    (void)user;
    MPI_Allreduce(MPI_IN_PLACE, v, (int)n, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
}

static void by_hash(void *user, const nd_anchor *occ, size_t n, nd_anchor **mine, size_t *nmine)
{
    dist_ctx *d = user;
    int *dest = nd_mpi_xmalloc((n ? n : 1) * sizeof *dest);
    for (size_t i = 0; i < n; i++) dest[i] = (int)(occ[i].hash % (uint64_t)d->own->size);
    /* each rank's in (doc, pos) order, rank 0's first: all of them in that order */
    *mine = nd_mpi_alltoallv(occ, n, sizeof *occ, dest, nmine, d->t);
    free(dest);
}

static void by_doc(void *user, const nd_anchor *occ, size_t n, nd_anchor **mine, size_t *nmine)
{
    dist_ctx *d = user;
    int *dest = nd_mpi_xmalloc((n ? n : 1) * sizeof *dest);
    for (size_t i = 0; i < n; i++) dest[i] = nd_owner_of(d->own, occ[i].hash >> 32);
    *mine = nd_mpi_alltoallv(occ, n, sizeof *occ, dest, nmine, d->t);
    free(dest);
}

static void by_a(void *user, const nd_anchor_pair *p, size_t n, nd_anchor_pair **mine, size_t *nmine)
{
    dist_ctx *d = user;
    int *dest = nd_mpi_xmalloc((n ? n : 1) * sizeof *dest);
    for (size_t i = 0; i < n; i++) dest[i] = nd_owner_of(d->own, p[i].a);
    *mine = nd_mpi_alltoallv(p, n, sizeof *p, dest, nmine, d->t);
    free(dest);
}

static void sizes(void *user, const uint64_t *off, size_t n, uint64_t **all)
{
    dist_ctx *d = user;
    int p = d->own->size, *cnt = nd_mpi_xmalloc((size_t)p * sizeof *cnt), *at = nd_mpi_xmalloc((size_t)p * sizeof *at);
    if (d->own->total > INT32_MAX) nd_mpi_die(NEARDUP_E_INTERNAL, "too many documents to share their sizes");
    for (int q = 0; q < p; q++) {
        cnt[q] = (int)(d->own->first[q + 1] - d->own->first[q]);
        at[q] = (int)d->own->first[q];
    }
    uint64_t *mine = nd_mpi_xmalloc((n ? n : 1) * sizeof *mine);
    for (size_t i = 0; i < n; i++) mine[i] = off[i + 1] - off[i];
    *all = nd_mpi_xmalloc((d->own->total ? d->own->total : 1) * sizeof **all);
    MPI_Allgatherv(mine, (int)n, MPI_UINT64_T, *all, cnt, at, MPI_UINT64_T, MPI_COMM_WORLD);
    d->t->recv += (d->own->total - n) * sizeof **all;
    free(mine);
    free(cnt);
    free(at);
}

static void fetched_free(dist_ctx *d)
{
    free(d->f.got);
    free(d->f.doc);
    free(d->f.ref);
    free(d->f.id);
    free(d->f.id_len);
    memset(&d->f, 0, sizeof d->f);
}

/* The requests of the others (sorted numbers of this rank's documents,
 * rcnt[q] bytes from rank q) answered from this rank's file: the reply, its
 * bytes for each rank in cnt. */
static char *serve(dist_ctx *d, const nd_spill_store *s, const uint32_t *rq, const size_t *rcnt, size_t *cnt)
{
    size_t bytes = 0, nreq = 0;
    for (int q = 0; q < d->own->size; q++) nreq += rcnt[q] / sizeof *rq;
    for (size_t i = 0; i < nreq; i++) {
        uint64_t l = nd_owner_local(d->own, rq[i]);
        bytes += sizeof(wire_head) + PAD8(nd_corpus_id_len(d->ci, l)) + (size_t)(s->off[l + 1] - s->off[l]);
    }
    char *reply = nd_mpi_xmalloc(bytes ? bytes : 1), *w = reply;
    size_t i = 0;
    for (int q = 0; q < d->own->size; q++) {
        char *w0 = w;
        for (size_t e = i + rcnt[q] / sizeof *rq; i < e; i++) {
            uint64_t l = nd_owner_local(d->own, rq[i]);
            wire_head h = {rq[i], (uint32_t)nd_corpus_id_len(d->ci, l), s->off[l + 1] - s->off[l]};
            memcpy(w, &h, sizeof h);
            w += sizeof h;
            memset(w, 0, PAD8(h.id_len));
            memcpy(w, nd_corpus_id(d->ci, l), h.id_len);
            w += PAD8(h.id_len);
            if (h.rec && nd_pread_all(s->doc_fd, w, (size_t)h.rec, s->off[l]))
                nd_mpi_die(NEARDUP_E_IO, "cannot read documents back from the temporary directory");
            w += h.rec;
        }
        cnt[q] = (size_t)(w - w0);
    }
    return reply;
}

static void fetch(void *user, const nd_spill_store *s, const uint32_t *want, size_t n, int active,
                  const nd_doc_ref **ref, int *any)
{
    dist_ctx *d = user;
    MPI_Allreduce(&active, any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    fetched_free(d);
    *ref = NULL;
    if (!*any) return;
    int p = d->own->size;
    size_t *cnt = calloc((size_t)p, sizeof *cnt), *rcnt = calloc((size_t)p, sizeof *rcnt), total;
    if (!cnt || !rcnt) nd_mpi_die(NEARDUP_E_NOMEM, "out of memory");
    /* want is sorted: the requests come grouped by owner, in rank order */
    for (size_t i = 0; i < n; i++) cnt[nd_owner_of(d->own, want[i])] += sizeof *want;
    char *req = nd_mpi_exchange((const char *)want, cnt, rcnt, &total, d->t);
    char *reply = serve(d, s, (const uint32_t *)req, rcnt, cnt);
    free(req);
    d->f.got = nd_mpi_exchange(reply, cnt, NULL, &total, d->t);
    free(reply);
    free(cnt);
    free(rcnt);
    d->f.n = n;
    d->f.doc = nd_mpi_xmalloc((n ? n : 1) * sizeof *d->f.doc);
    d->f.ref = nd_mpi_xmalloc((n ? n : 1) * sizeof *d->f.ref);
    d->f.id = nd_mpi_xmalloc((n ? n : 1) * sizeof *d->f.id);
    d->f.id_len = nd_mpi_xmalloc((n ? n : 1) * sizeof *d->f.id_len);
    const char *r = d->f.got;
    for (size_t k = 0; k < n; k++) {
        wire_head h;
        memcpy(&h, r, sizeof h);
        r += sizeof h;
        d->f.doc[k] = h.doc;
        d->f.id[k] = r;
        d->f.id_len[k] = h.id_len;
        r += PAD8(h.id_len);
        nd_doc_unpack(r, &d->f.ref[k], NULL, NULL, NULL);
        r += h.rec;
    }
    *ref = d->f.ref;
}

/* Document g's id: this rank's, or fetched for the batch. */
static const char *id_of(const dist_ctx *d, uint32_t g, size_t *len)
{
    if (nd_owner_of(d->own, g) == d->own->rank) {
        uint64_t l = nd_owner_local(d->own, g);
        *len = nd_corpus_id_len(d->ci, l);
        return nd_corpus_id(d->ci, l);
    }
    const uint32_t *x = bsearch(&g, d->f.doc, d->f.n, sizeof *d->f.doc, nd_cmp_u32);
    *len = d->f.id_len[x - d->f.doc];
    return d->f.id[x - d->f.doc];
}

static int format_pair(void *user, FILE *f, const nd_overlap_pair *p, const nd_doc_ref *da, const nd_doc_ref *db)
{
    const dist_ctx *d = user;
    size_t la, lb;
    const char *ia = id_of(d, p->a, &la), *ib = id_of(d, p->b, &lb);
    return d->j->write_pair(d->j->user, f, p, ia, la, ib, lb, da, db);
}

static int flush_links(dist_ctx *d)
{
    if (d->links.n && fwrite(d->links.l, sizeof *d->links.l, d->links.n, d->links_f) != d->links.n) return -1;
    d->links.n = 0;
    return 0;
}

/* A pair's passages for the clusters (corpus numbers; offsets into the
 * original files): rank 0's to its clusters' runs, the others' to a file. */
static int collect(void *user, const nd_overlap_pair *p, const nd_doc_ref *da, const nd_doc_ref *db)
{
    dist_ctx *d = user;
    if (d->own->rank == 0) return nd_pcluster_spill_add(d->j->clusters, p, da, db);
    pthread_mutex_lock(&d->mu);
    int rc = nd_link_list_add_original(&d->links, p->a, p->b, p->p, p->np, da->map, da->nmap, db->map, db->nmap);
    if (!rc && d->links.n >= LINK_BUF) rc = flush_links(d);
    if (rc) d->links_failed = 1;
    pthread_mutex_unlock(&d->mu);
    return rc;
}

static int take_links(void *user, const char *b, size_t n)
{
    return nd_pcluster_spill_add_links(user, (const nd_link *)b, n / sizeof(nd_link)); /* b is malloc'ed: aligned */
}

int nd_mpi_overlap_spill(const nd_mpi_overlap_job *j, char **inputs, int ninputs, FILE *out, nd_corpus_info *sum_ci,
                         nd_doc_fields *fields, nd_overlap_stats *st, size_t *npairs)
{
    int rank = nd_mpi_rank();
    memset(st, 0, sizeof *st);
    *npairs = 0;
    nd_owners own = {.rank = rank, .size = nd_mpi_size()};
    nd_traffic t = {0, 0};
    nd_corpus_info ci = {0};
    int rc = nd_mpi_overlap_load(j, inputs, ninputs, &own, NULL, &ci, fields, &t);
    if (rc) {
        nd_corpus_info_free(&ci);
        free(own.first);
        return rc;
    }
    nd_overlap_opts o = *j->ov;
    o.scope.series = fields->series;
    o.scope.rank = nd_field_opts_any(j->fo) ? fields->rank : NULL;
    o.progress = 0;
    dist_ctx d = {.j = j, .own = &own, .t = &t, .ci = &ci};
    if (pthread_mutex_init(&d.mu, NULL) || nd_link_list_init(&d.links)) nd_mpi_die(NEARDUP_E_NOMEM, "out of memory");
    int want_links = j->passages;
    if (want_links && rank != 0) d.links_f = nd_mpi_part_file();
    o.collect = want_links ? collect : NULL;
    o.collect_user = &d;
    nd_spill_dist dist = {&d, nd_owner_global(&own, 0), own.total, (unsigned)own.size, sum, by_hash, by_doc, by_a,
                          sizes, fetch};
    FILE *part = rank != 0 || j->skip_pairs ? nd_mpi_part_file() : NULL;
    nd_overlap_sink sink = {format_pair, &d, part ? part : out, 0};
    nd_error err = {0, ""};
    size_t np = 0;
    nd_spill_ostats ss;
    rc = nd_spill_overlap_dist(j->spill, &o, &dist, j->threads, &sink, &np, st, &ss, &err);
    if (rc && d.links_failed) /* a failure collecting the clusters' passages */
        nd_fail(&err, NEARDUP_E_IO, "cannot write the passages for the clusters to a temporary file (see --tmp)");
    else if (rc && j->clusters && nd_pcluster_spill_error(j->clusters, &err))
        rc = err.code;
    /* the ranks agreed on it (each stopped where it was): the failed rank's error, printed once */
    if (rc) rc = nd_mpi_agree(ss.peer_failed ? 0 : rc, rank, &err);
    fetched_free(&d);
    if (!rc) {
        if (j->spill_stats) *j->spill_stats = ss;
        uint64_t streamed = 0;
        if (!j->skip_pairs) nd_mpi_append_parts(&own, part, out, &streamed);
        if (want_links) {
            if (d.links_f && flush_links(&d)) nd_mpi_die(NEARDUP_E_IO, "cannot write the passages to a temporary file");
            nd_mpi_stream_parts(&own, d.links_f, sizeof(nd_link), take_links, j->clusters, &streamed);
        }
        double t_anchor = st->t_anchor, t_align = st->t_align;
        nd_anchor_stats as = st->anchors;
        nd_mpi_overlap_sum_stats(&as, st, np, npairs);
        st->t_anchor = t_anchor;
        st->t_align = t_align;
        nd_mpi_overlap_sum_info(&own, &ci, sum_ci, &t);
    }
    if (!rc && j->timings) {
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        fprintf(stderr, "timings: MPI rank %d/%d: %llu documents, --memory: %llu anchor ranges, %llu batches aligned; "
                "%llu bytes sent, %llu received; peak RSS %.1f MiB\n", rank, own.size, (unsigned long long)ci.n,
                (unsigned long long)ss.groups, (unsigned long long)ss.batches, (unsigned long long)t.sent,
                (unsigned long long)t.recv, ru.ru_maxrss / 1024.0);
    }
    if (part) fclose(part);
    if (d.links_f) fclose(d.links_f);
    nd_link_list_free(&d.links);
    pthread_mutex_destroy(&d.mu);
    nd_corpus_info_free(&ci);
    free(own.first);
    return rc;
}

#endif
