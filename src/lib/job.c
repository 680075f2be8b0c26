/* job.c - the near-duplicate job: read, sketch (sketch.c), then the pairs of
 * one metric: MinHash + LSH (pairs.c), SimHash (simhash.c), exact digests
 * (exact.c) or containment (containment.c).  The command line's pairs and
 * dedup and the public neardup_pairs / neardup_dedup all run this. */
#include <stdlib.h>
#include <string.h>

#include "job.h"
#include "lsh.h"
#include "minhash.h"
#include "reader.h"
#include "shingle.h"
#include "simhash.h"

static int cmp_scored(const void *x, const void *y)
{
    const nd_scored_pair *p = x, *q = y;
    if (p->a != q->a) return p->a < q->a ? -1 : 1;
    return (p->b > q->b) - (p->b < q->b);
}

/* Exact duplicates: rep[] from the digests; with all_pairs every pair in a
 * group, else each member paired with its group's first document. */
static int exact_pairs(nd_dup_result *res, uint32_t **rep_out, int all_pairs, nd_error *err)
{
    uint64_t n = res->sk.n;
    uint8_t *live = malloc(n ? n : 1);
    uint32_t *rep = malloc((n ? n : 1) * sizeof *rep);
    if (!live || !rep) goto nomem;
    for (uint64_t i = 0; i < n; i++) live[i] = res->sk.nshingles[i] > 0;
    if (nd_exact_groups(res->sk.digest, live, n, rep)) goto nomem;
    free(live);
    live = NULL;
    size_t np = 0, cap = 0;
    nd_scored_pair *p = NULL;
    for (uint64_t i = 0; i < n; i++) {
        if (rep[i] == i) continue;
        res->exact_dups++;
        if (!all_pairs) {
            if (nd_grow((void **)&p, &cap, np + 1, sizeof *p)) goto nomem_p;
            p[np++] = (nd_scored_pair){rep[i], (uint32_t)i, 1.0f, -1};
            continue;
        }
        /* every earlier member of the group pairs with i */
        for (uint64_t k = rep[i]; k < i; k++)
            if (rep[k] == rep[i]) {
                if (nd_grow((void **)&p, &cap, np + 1, sizeof *p)) goto nomem_p;
                p[np++] = (nd_scored_pair){(uint32_t)k, (uint32_t)i, 1.0f, -1};
            }
    }
    if (np) qsort(p, np, sizeof *p, cmp_scored); /* p is NULL when np == 0 (UBSan: nonnull) */
    res->pairs = p;
    res->npairs = np;
    *rep_out = rep;
    return NEARDUP_OK;
nomem_p:
    free(p);
nomem:
    free(live);
    free(rep);
    return nd_fail(err, NEARDUP_E_NOMEM, "out of memory grouping exact duplicates");
}

static int simhash_pairs(const nd_dup_opts *o, nd_dup_result *res, nd_error *err)
{
    uint8_t *live = malloc(res->sk.n ? res->sk.n : 1);
    nd_pair *pp = NULL;
    size_t np = 0;
    if (!live) return nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
    for (uint64_t i = 0; i < res->sk.n; i++) live[i] = res->sk.nshingles[i] > 0;
    int rc = nd_simhash_pairs(res->sk.simhash, live, res->sk.n, o->distance, &pp, &np);
    free(live);
    if (!rc && !(res->pairs = malloc((np ? np : 1) * sizeof *res->pairs))) rc = NEARDUP_E_NOMEM;
    for (size_t i = 0; !rc && i < np; i++) {
        int d = __builtin_popcountll(res->sk.simhash[pp[i].a] ^ res->sk.simhash[pp[i].b]);
        res->pairs[i] = (nd_scored_pair){pp[i].a, pp[i].b, (float)d, d};
    }
    free(pp);
    if (rc) return nd_fail(err, rc, "out of memory forming SimHash pairs");
    res->npairs = res->ps.accepted = np;
    return NEARDUP_OK;
}

int nd_dup_run(nd_reader *r, const nd_pipeline_opts *po, const nd_dup_opts *o, nd_dup_result *res,
               nd_error *err)
{
    memset(res, 0, sizeof *res);
    nd_sketch_opts so = {.ngram = o->ngram, .k = o->k,
                         .keep_sets = o->exact || o->explain || o->metric == ND_METRIC_CONTAINMENT,
                         .simhash = o->metric == ND_METRIC_SIMHASH,
                         .digest = o->metric == ND_METRIC_EXACT || o->exact_first,
                         .seeds = o->seeds, .untimed = po->untimed};
    if (o->metric == ND_METRIC_JACCARD) { /* band keys while each signature is in cache */
        nd_lsh_params(o->threshold, so.k, &so.bands, &so.rows);
        so.band_seed = nd_band_seed(so.seeds.sketch_seed);
    }
    int rc = nd_sketch_corpus(r, po, &so, &res->sk, &res->ci, err);
    if (!rc) rc = nd_corpus_check_unique_ids(&res->ci, r, err);
    if (rc) return rc;
    double t0 = nd_now();
    if (o->metric == ND_METRIC_SIMHASH) {
        rc = simhash_pairs(o, res, err);
        res->ps.t_band = nd_now() - t0;
        return rc;
    }
    if (o->metric == ND_METRIC_CONTAINMENT) {
        rc = nd_containment_pairs(&res->sk, o->threshold, o->max_df, &res->pairs, &res->npairs,
                                  &res->ps.candidates);
        if (rc) return nd_fail(err, rc, "out of memory forming containment pairs");
        res->ps.accepted = res->npairs;
        res->ps.t_band = nd_now() - t0;
        return NEARDUP_OK;
    }
    uint32_t *rep = NULL;
    if (o->metric == ND_METRIC_EXACT || o->exact_first) {
        if ((rc = exact_pairs(res, &rep, o->metric == ND_METRIC_EXACT, err))) return rc;
        if (o->metric == ND_METRIC_EXACT) {
            free(rep);
            res->ps.accepted = res->npairs;
            res->ps.t_band = nd_now() - t0;
            return NEARDUP_OK;
        }
    }
    nd_pairs_opts pa = {
        .threshold = o->threshold,
        .bands = so.bands, /* chosen before the first pass (0: nd_find_pairs chooses): 3-4 ms each time */
        .rows = so.rows,
        .verify_exact = o->exact,
        .max_bucket = o->max_bucket,
        .band_seed = nd_band_seed(so.seeds.sketch_seed),
        .skip = rep, /* exact duplicates are already grouped: LSH sees one of each */
        .threads = po->threads ? po->threads : nd_online_cpus(),
        .connect_only = o->clusters_only,
    };
    nd_scored_pair *lp = NULL;
    size_t nlp = 0;
    rc = nd_find_pairs(&res->sk, &pa, &lp, &nlp, &res->ps, err);
    free(rep);
    if (rc) return rc;
    if (!res->npairs) {
        free(res->pairs);
        res->pairs = lp;
        res->npairs = nlp;
        return NEARDUP_OK;
    }
    nd_scored_pair *all = realloc(res->pairs, (res->npairs + nlp) * sizeof *all);
    if (!all) {
        free(lp);
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory merging pairs");
    }
    if (nlp) memcpy(all + res->npairs, lp, nlp * sizeof *lp); /* lp may be NULL when empty */
    free(lp);
    res->pairs = all;
    res->npairs += nlp;
    qsort(res->pairs, res->npairs, sizeof *res->pairs, cmp_scored);
    return NEARDUP_OK;
}

double nd_dup_score(const nd_dup_opts *o, const nd_sketches *s, uint32_t a, uint32_t b)
{
    if (o->metric == ND_METRIC_EXACT) return 1;
    if (o->metric == ND_METRIC_SIMHASH) return __builtin_popcountll(s->simhash[a] ^ s->simhash[b]);
    if (o->metric == ND_METRIC_CONTAINMENT || o->exact) {
        const uint64_t *sa = s->set + s->set_off[a], *sb = s->set + s->set_off[b];
        size_t na = s->set_off[a + 1] - s->set_off[a], nb = s->set_off[b + 1] - s->set_off[b];
        if (o->exact) return (float)nd_set_jaccard(sa, na, sb, nb);
        size_t m = na < nb ? na : nb;
        return m ? (float)((double)nd_set_intersection(sa, na, sb, nb) / m) : 0;
    }
    return (float)nd_minhash_jaccard(s->sig + (size_t)a * o->k, s->sig + (size_t)b * o->k, o->k);
}

void nd_dup_result_free(nd_dup_result *r)
{
    nd_corpus_info_free(&r->ci);
    nd_sketches_free(&r->sk);
    free(r->pairs);
    memset(r, 0, sizeof *r);
}
