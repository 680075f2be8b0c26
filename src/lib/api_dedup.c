/* api_dedup.c - the public dedup jobs (include/neardup.h): neardup_dedup
 * (keep the first) and neardup_dedup_run (references, keep policies, the
 * records of --removed and --annotate).  The near-duplicate job reads the
 * references and the corpus in one pass, references first, as `neardup
 * dedup --against` reads its files; the decisions are nd_dedup_decide's,
 * which the command runs too. */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "cluster.h"
#include "job.h"
#include "lsh.h"

/* The keys of LONGEST / SHORTEST (text bytes) or MAX / MIN (the caller's),
 * numbered as the job's records: the references' first (never read). */
typedef struct {
    const neardup_corpus *c;
    size_t nref;
    int keep;
    const double *given;
} key_src;

static int keys_of(void *u, const uint32_t *rep, double **keyp, nd_error *err)
{
    const key_src *k = u;
    size_t n = neardup_corpus_count(k->c);
    double *key = calloc(k->nref + n + 1, sizeof *key);
    if (!key) return nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        size_t len = 0;
        if (k->given) key[k->nref + i] = k->given[i];
        else neardup_corpus_text(k->c, i, &len), key[k->nref + i] = (double)len;
    }
    *keyp = key;
    return NEARDUP_OK;
}

int neardup_dedup_run(const neardup_options *o, const neardup_dedup_opts *dd, const neardup_corpus *c,
                      neardup_decision *out, neardup_error *e)
{
    nd_error err = {0, ""};
    neardup_dedup_opts none = {0};
    if (!dd) dd = &none;
    if (!c || !out) return nd_api_error(e, nd_fail(&err, NEARDUP_E_USAGE, "neardup_dedup_run: NULL argument"), &err);
    if ((unsigned)dd->keep > NEARDUP_KEEP_NONE)
        return nd_api_error(e, nd_fail(&err, NEARDUP_E_USAGE, "unknown keep policy %d", (int)dd->keep), &err);
    if ((dd->keep == NEARDUP_KEEP_MAX || dd->keep == NEARDUP_KEEP_MIN) && !dd->keep_key)
        return nd_api_error(e, nd_fail(&err, NEARDUP_E_USAGE, "keep max / min: no keep_key given"), &err);
    /* the public values are the library's ND_KEEP_* */
    _Static_assert((int)NEARDUP_KEEP_LONGEST == (int)ND_KEEP_LONGEST && (int)NEARDUP_KEEP_NONE == (int)ND_KEEP_NONE &&
                   (int)NEARDUP_KEEP_MAX == (int)ND_KEEP_MAX, "keep policies");
    const neardup_corpus *sets[2] = {dd->against, c};
    static const char *const names[2] = {"references", "corpus"};
    size_t first = dd->against ? 0 : 1, nref = dd->against ? neardup_corpus_count(dd->against) : 0;
    nd_dup_opts d = {0};
    nd_dup_result res;
    int rc = nd_api_dup_job(o, sets + first, names + first, 2 - first, 1, &d, &res, &err);
    size_t n = res.ci.n, m = n ? n : 1;
    uint32_t *rep = rc ? NULL : malloc(m * sizeof *rep);
    nd_pair *pp = rc ? NULL : malloc((res.npairs ? res.npairs : 1) * sizeof *pp);
    nd_choice ch = {0};
    if (!rc) {
        ch.kept = malloc(m);
        ch.anchor = malloc(m * sizeof *ch.anchor);
        ch.cluster = malloc(m * sizeof *ch.cluster);
        if (!rep || !pp || !ch.kept || !ch.anchor || !ch.cluster)
            rc = nd_fail(&err, NEARDUP_E_NOMEM, "out of memory clustering");
    }
    for (size_t i = 0; !rc && i < res.npairs; i++) pp[i] = (nd_pair){res.pairs[i].a, res.pairs[i].b};
    key_src ks = {c, nref, dd->keep, dd->keep_key};
    if (!rc) rc = nd_dedup_decide(n, pp, res.npairs, nref, res.ci.skipped, dd->keep, keys_of, &ks, rep, &ch, &err);
    for (size_t i = nref; !rc && i < n; i++) {
        neardup_decision *x = &out[i - nref];
        int removed = !ch.kept[i] && ch.cluster[i] != UINT32_MAX;
        uint32_t a = ch.anchor[i];
        x->kept = !removed;
        x->reference = removed && a < nref;
        x->duplicate_of = !removed ? (size_t)-1 : a < nref ? a : a - nref;
        x->score = removed ? nd_dup_score(&d, &res.sk, (uint32_t)i, a) : -1;
        x->cluster = ch.cluster[i] == UINT32_MAX ? (size_t)-1 : ch.cluster[i];
    }
    free(rep);
    free(pp);
    free(ch.kept);
    free(ch.anchor);
    free(ch.cluster);
    nd_dup_result_free(&res);
    return nd_api_error(e, rc, &err);
}

int neardup_dedup(const neardup_options *o, const neardup_corpus *c, size_t *duplicate_of, double *score,
                  neardup_error *e)
{
    size_t n = neardup_corpus_count(c);
    neardup_decision *x = malloc((n ? n : 1) * sizeof *x);
    if (!x) {
        nd_error err = {0, ""};
        return nd_api_error(e, nd_fail(&err, NEARDUP_E_NOMEM, "out of memory"), &err);
    }
    int rc = neardup_dedup_run(o, NULL, c, x, e);
    for (size_t i = 0; !rc && i < n; i++) {
        duplicate_of[i] = x[i].duplicate_of;
        if (score) score[i] = x[i].score;
    }
    free(x);
    return rc;
}
