/* api_clusters.c - the public overlap clusters (include/neardup.h): the
 * overlap job with every aligned pair's passages collected, star pairs
 * included (as `overlap --clusters` collects them), joined into clusters
 * by passage_clusters.c. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "api.h"
#include "passage_clusters.h"

static int collect_links(void *user, const nd_overlap_pair *p, const nd_doc_ref *da, const nd_doc_ref *db)
{
    (void)da, (void)db;
    return nd_link_list_add(user, p->a, p->b, p->p, p->np);
}

void neardup_passage_clusters_free(neardup_passage_cluster *p, size_t n)
{
    if (!p) return;
    for (size_t i = 0; i < n; i++) free(p[i].witnesses);
    free(p);
}

static int public_clusters(const nd_pclusters *pc, neardup_passage_cluster **out, nd_error *err)
{
    neardup_passage_cluster *x = calloc(pc->nc ? pc->nc : 1, sizeof *x);
    if (!x) return nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
    for (size_t i = 0; i < pc->nc; i++) {
        const nd_pcluster *k = &pc->c[i];
        const nd_witness *src = &pc->w[k->source];
        x[i] = (neardup_passage_cluster){k->ndocs, k->source - k->first, src->tok_end - src->tok, NULL, k->n};
        if (!(x[i].witnesses = malloc((k->n ? k->n : 1) * sizeof *x[i].witnesses))) {
            neardup_passage_clusters_free(x, i + 1);
            return nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
        }
        for (size_t w = 0; w < k->n; w++) {
            const nd_witness *t = &pc->w[k->first + w];
            x[i].witnesses[w] = (neardup_witness){t->doc, t->start, t->end, t->tok_end - t->tok};
        }
    }
    *out = x;
    return NEARDUP_OK;
}

int neardup_overlap_clusters(const neardup_options *o, const neardup_corpus *c, neardup_passage_cluster **out,
                             size_t *n, neardup_error *e)
{
    neardup_options def;
    if (!o) neardup_options_default(&def), o = &def;
    nd_error err = {0, ""};
    if (!c || !out || !n) return nd_api_error(e, nd_fail(&err, NEARDUP_E_USAGE, "neardup_overlap_clusters: NULL argument"), &err);
    *out = NULL;
    *n = 0;
    nd_pipeline_opts po;
    nd_overlap_opts ov;
    nd_link_list links;
    if (nd_link_list_init(&links)) return nd_api_error(e, nd_fail(&err, NEARDUP_E_NOMEM, "out of memory"), &err);
    int rc = nd_api_overlap_opts(o, &po, &ov, &err);
    ov.collect = collect_links;
    ov.collect_user = &links;
    nd_overlap_pair *op = NULL;
    size_t nop = 0;
    if (!rc) rc = nd_api_overlap_run(o, &po, &ov, c, &op, &nop, &err);
    nd_overlap_pairs_free(op, nop);
    /* as cli_overlap.c: no dates or series, no references; intervals joined at ngram words */
    nd_pcluster_opts pco = {NULL, NULL, 0, 0, ov.ngram};
    nd_pclusters pc = {0};
    if (!rc && nd_passage_clusters(links.l, links.n, &pco, &pc))
        rc = nd_fail(&err, NEARDUP_E_NOMEM, "out of memory making the clusters");
    if (!rc && !(rc = public_clusters(&pc, out, &err))) *n = pc.nc;
    nd_pclusters_free(&pc);
    nd_link_list_free(&links);
    sodium_memzero(&po, sizeof po);
    return nd_api_error(e, rc, &err);
}
