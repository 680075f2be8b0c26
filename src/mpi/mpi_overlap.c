/* mpi_overlap.c - `neardup overlap` across MPI ranks (see mpi_overlap.h).
 *
 * One kernel per computation, as one process runs them:
 *   1. each rank reads its share of the inputs (mpi_input.c) with
 *      nd_overlap_load: its documents' words and anchors; global numbers are
 *      its first record's plus its own (nd_mpi_number_records);
 *   2. the dates and series go to rank 0, which ranks the documents as one
 *      process does (nd_doc_fields_finish) and gives every rank the ranks
 *      and series numbers of all documents;
 *   3. anchor occurrences (16 bytes) go to the rank owning hash % N: every
 *      occurrence of an anchor meets there, so its document and per-series
 *      counts are complete, and nd_anchor_pairs lists exactly the pairs and
 *      star pairs that anchor gives in one process;
 *   4. the dropped (boilerplate) occurrences go back to their documents'
 *      owners, which mask those words (nd_overlap_mask, hashed by global
 *      number as one process hashes them);
 *   5. candidates go to the owner of a, which merges a pair found through
 *      anchors of several ranks into one (a star pair only where no rank
 *      found it as a pair, as merge_star does), fetches the documents b it
 *      lacks from their owners (words, spans, text) and aligns with
 *      nd_overlap_align; its pairs stream to a temporary file in (a, b)
 *      order, and rank 0 appends every rank's in rank order: owners hold
 *      consecutive runs of a, so that is the one-process order;
 *   6. the passages (nd_link, offsets already in the original files) go to
 *      rank 0, which makes the clusters (the caller, nd_passage_clusters).
 * Nothing here is quadratic in a cluster's size: a text carried by many
 * documents gives star pairs (linear), as in one process. */
#include "align.h"
#include "mpi_overlap_internal.h"
#include "reader.h"

#ifndef ND_HAVE_MPI

int nd_mpi_overlap(const nd_mpi_overlap_job *j, char **inputs, int ninputs, FILE *out, nd_corpus_info *sum,
                   nd_doc_fields *fields, nd_link_list *links, nd_overlap_stats *st, size_t *npairs)
{
    return nd_mpi_error(NEARDUP_E_INTERNAL, "built without MPI");
}

#else

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The documents this rank aligns: its own (store index = local number),
 * then the fetched ones (after nlocal, in global order). */
typedef struct {
    const nd_owners *own;
    const nd_corpus_info *ci;
    const nd_fetched_docs *fd;
    uint64_t nlocal;
    const nd_mpi_overlap_job *j;
    const nd_doc_store *ext;
    nd_link_list *links;
} aligner;

static uint32_t global_of(const aligner *a, uint32_t i)
{
    return i < a->nlocal ? (uint32_t)nd_owner_global(a->own, i) : a->fd->d[i - a->nlocal].doc;
}

static const char *id_of(const aligner *a, uint32_t i, size_t *len)
{
    if (i >= a->nlocal) {
        *len = a->fd->d[i - a->nlocal].id_len;
        return a->fd->d[i - a->nlocal].id;
    }
    *len = nd_corpus_id_len(a->ci, i);
    return nd_corpus_id(a->ci, i);
}

static int format_pair(void *user, FILE *f, const nd_overlap_pair *p, const nd_doc_ref *da, const nd_doc_ref *db)
{
    const aligner *a = user;
    size_t la, lb;
    const char *ia = id_of(a, p->a, &la), *ib = id_of(a, p->b, &lb);
    return a->j->write_pair(a->j->user, f, p, ia, la, ib, lb, da, db);
}

/* The passages of a pair for the clusters, with global numbers and the
 * offsets of the original files (rank 0 holds no maps). */
static int collect(void *user, const nd_overlap_pair *p, const nd_doc_ref *da, const nd_doc_ref *db)
{
    const aligner *a = user;
    return nd_link_list_add_original(a->links, global_of(a, p->a), global_of(a, p->b), p->p, p->np, da->map,
                                     da->nmap, db->map, db->nmap);
}

/* Step 3-4: the candidates of this rank's anchors (cand) after the
 * boilerplate of its documents is masked. */
static void anchor_candidates(const nd_mpi_overlap_job *j, const nd_owners *own, nd_doc_store *s,
                              nd_anchor_pair **cand, size_t *ncand, nd_anchor_stats *as, nd_traffic *t)
{
    int *dest = nd_mpi_xmalloc((s->nanc ? s->nanc : 1) * sizeof *dest);
    uint64_t base = nd_owner_global(own, 0);
    for (size_t i = 0; i < s->nanc; i++) {
        s->anc[i].doc += (uint32_t)base;
        dest[i] = (int)(s->anc[i].hash % (uint64_t)own->size);
    }
    size_t nocc;
    nd_anchor *occ = nd_mpi_alltoallv(s->anc, s->nanc, sizeof *s->anc, dest, &nocc, t);
    free(dest);
    nd_map_free(s->anc, s->anc_cap * sizeof *s->anc);
    s->anc = NULL;
    s->nanc = s->anc_cap = s->anc_mapped = 0;
    /* every rank's occurrences come in (doc, pos) order, rank 0's first: all
     * of them in (doc, pos) order, as the loader writes them */
    /* partial: a pair's fingerprint evidence may be spread over ranks */
    nd_anchor_scope scope = j->ov->scope;
    scope.partial = 1;
    if (nd_anchor_pairs(occ, nocc, j->ov->max_df, j->ov->max_df_sentence, 0, j->ov->star_boilerplate, j->threads,
                        &scope, cand, ncand, as))
        nd_mpi_die(NEARDUP_E_NOMEM, "out of memory listing candidate pairs");
    size_t ndrop = as->dropped_occ;
    dest = nd_mpi_xmalloc((ndrop ? ndrop : 1) * sizeof *dest);
    for (size_t i = 0; i < ndrop; i++) dest[i] = nd_owner_of(own, occ[i].doc);
    size_t nmine;
    nd_anchor *drop = nd_mpi_alltoallv(occ, ndrop, sizeof *occ, dest, &nmine, t);
    free(dest);
    free(occ);
    /* by (doc, pos) again (hash = doc << 32 | pos), in this rank's numbers */
    uint64_t *key = nd_mpi_xmalloc((nmine ? nmine : 1) * sizeof *key);
    for (size_t i = 0; i < nmine; i++) key[i] = drop[i].hash;
    if (nd_sort_u64(key, nmine)) nd_mpi_die(NEARDUP_E_NOMEM, "out of memory");
    for (size_t i = 0; i < nmine; i++) {
        uint32_t d = (uint32_t)(key[i] >> 32) - (uint32_t)base, pos = (uint32_t)key[i];
        drop[i] = (nd_anchor){(uint64_t)d << 32 | pos, d, pos};
    }
    free(key);
    nd_overlap_mask(s, j->ov, drop, nmine, base);
    free(drop);
}

/* Step 5a: the candidates of every rank's anchors for this rank's documents
 * a, one per pair. */
static nd_anchor_pair *merge_candidates(const nd_owners *own, nd_anchor_pair *cand, size_t ncand, size_t *n,
                                        uint64_t *star_pairs, nd_traffic *t)
{
    int *dest = nd_mpi_xmalloc((ncand ? ncand : 1) * sizeof *dest);
    for (size_t i = 0; i < ncand; i++) dest[i] = nd_owner_of(own, cand[i].a);
    size_t m;
    nd_anchor_pair *c = nd_mpi_alltoallv(cand, ncand, sizeof *cand, dest, &m, t);
    free(dest);
    free(cand);
    qsort(c, m, sizeof *c, nd_anchor_pair_cmp);
    size_t k = 0;
    *star_pairs = 0;
    for (size_t i = 0; i < m;) { /* as one process's single call over all anchors lists them */
        size_t e = i + 1;
        while (e < m && c[e].a == c[i].a && c[e].b == c[i].b) e++;
        nd_anchor_pair p;
        int kind = nd_anchor_pair_combine(c + i, e - i, &p);
        if (kind) c[k++] = p;
        *star_pairs += (uint64_t)(kind == 2);
        i = e;
    }
    *n = k;
    return c;
}

int nd_mpi_overlap(const nd_mpi_overlap_job *j, char **inputs, int ninputs, FILE *out, nd_corpus_info *sum,
                   nd_doc_fields *fields, nd_link_list *links, nd_overlap_stats *st, size_t *npairs)
{
    int rank = nd_mpi_rank();
    for (int i = 0; i < ninputs; i++)
        if (!strcmp(inputs[i], "-"))
            return rank ? nd_exit_status(NEARDUP_E_USAGE)
                        : nd_mpi_error(NEARDUP_E_USAGE, "under mpirun, inputs must be files, not standard input");
    if (j->spill) return nd_mpi_overlap_spill(j, inputs, ninputs, out, sum, fields, st, npairs);
    memset(st, 0, sizeof *st);
    *npairs = 0;
    nd_owners own = {.rank = rank, .size = nd_mpi_size()};
    nd_traffic t = {0, 0};
    nd_doc_store s = {0};
    nd_corpus_info ci = {0};
    int rc = nd_mpi_overlap_load(j, inputs, ninputs, &own, &s, &ci, fields, &t);
    if (rc) {
        nd_doc_store_free(&s);
        nd_corpus_info_free(&ci);
        free(own.first);
        return rc;
    }
    nd_overlap_opts o = *j->ov;
    o.scope.series = fields->series;
    o.scope.rank = nd_field_opts_any(j->fo) ? fields->rank : NULL;
    double t0 = nd_now();
    nd_anchor_pair *cand = NULL;
    size_t ncand = 0;
    nd_anchor_stats as;
    nd_mpi_overlap_job jj = *j;
    jj.ov = &o;
    anchor_candidates(&jj, &own, &s, &cand, &ncand, &as, &t);
    cand = merge_candidates(&own, cand, ncand, &ncand, &as.star_pairs, &t);
    /* the documents b this rank lacks, fetched from their owners */
    uint32_t *want = nd_mpi_xmalloc((ncand ? ncand : 1) * sizeof *want);
    size_t nwant = 0;
    for (size_t i = 0; i < ncand; i++)
        if (nd_owner_of(&own, cand[i].b) != rank) want[nwant++] = cand[i].b;
    qsort(want, nwant, sizeof *want, nd_cmp_u32);
    size_t w = 0;
    for (size_t i = 0; i < nwant; i++)
        if (!w || want[i] != want[w - 1]) want[w++] = want[i];
    nwant = w;
    nd_fetched_docs fd = {0};
    nd_mpi_fetch_docs(&own, &s, &ci, want, nwant, o.keep_text, &fd, &t);
    nd_doc_store ext = s; /* this rank's documents, then the fetched ones */
    ext.doc = nd_mpi_xmalloc((s.n + nwant ? s.n + nwant : 1) * sizeof *ext.doc);
    if (s.n) memcpy(ext.doc, s.doc, s.n * sizeof *ext.doc);
    for (size_t i = 0; i < nwant; i++) ext.doc[s.n + i] = fd.d[i].ref;
    ext.n = s.n + nwant;
    uint64_t base = nd_owner_global(&own, 0);
    for (size_t i = 0; i < ncand; i++) {
        cand[i].a -= (uint32_t)base;
        if (nd_owner_of(&own, cand[i].b) == rank) {
            cand[i].b -= (uint32_t)base;
        } else {
            uint32_t *x = bsearch(&cand[i].b, want, nwant, sizeof *want, nd_cmp_u32);
            cand[i].b = (uint32_t)(s.n + (size_t)(x - want));
        }
    }
    double t_anchor = nd_now() - t0;
    /* step 5b: aligned; rank 0's pairs straight to out, the others' to a temporary file */
    nd_error err = {0, ""};
    FILE *part = rank != 0 || j->skip_pairs ? nd_mpi_part_file() : NULL;
    aligner al = {&own, &ci, &fd, s.n, j, &ext, links};
    o.collect = links ? collect : NULL;
    o.collect_user = &al;
    nd_overlap_sink sink = {format_pair, &al, part ? part : out, 0};
    nd_overlap_pair *none = NULL;
    size_t np = 0;
    rc = nd_overlap_align(&ext, &o, cand, ncand, j->threads, &sink, &none, &np, st, &err);
    if (rc) nd_mpi_die(rc, err.msg);
    double t_align = st->t_align;
    free(cand);
    free(want);
    uint64_t streamed = 0;
    if (!j->skip_pairs) nd_mpi_append_parts(&own, part, out, &streamed);
    if (part) fclose(part);
    nd_mpi_overlap_sum_stats(&as, st, np, npairs);
    st->t_anchor = t_anchor;
    st->t_align = t_align;
    /* step 6: the passages and the ids to rank 0 */
    nd_link *all = NULL;
    if (links) {
        int *offs = NULL;
        all = (nd_link *)nd_mpi_gather(links->l, links->n * sizeof *links->l, &offs, &t);
        nd_link_list_free(links);
        nd_link_list_init(links);
        if (rank == 0) {
            free(links->l);
            links->l = all;
            links->n = links->cap = (size_t)offs[own.size] / sizeof *all;
            free(offs);
        }
    }
    nd_mpi_overlap_sum_info(&own, &ci, sum, &t);
    if (j->timings)
        fprintf(stderr, "timings: MPI rank %d/%d: %llu documents, %zu fetched for alignment; %llu bytes sent, "
                "%llu received\n", rank, own.size, (unsigned long long)s.n, nwant, (unsigned long long)t.sent,
                (unsigned long long)t.recv);
    free(ext.doc);
    nd_fetched_free(&fd);
    nd_doc_store_free(&s);
    nd_corpus_info_free(&ci);
    free(own.first);
    return 0;
}

#endif
