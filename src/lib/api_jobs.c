/* api_jobs.c - the public jobs over a corpus (include/neardup.h): pairs and
 * dedup (job.c; dedup's decisions in api_dedup.c), overlap (overlap.c) and align with the command's options
 * (align_texts.c).  Each reads the corpus through a reader of its own, on the
 * library's pipeline and threads, with the options the command line would
 * give: the results are the command's. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "align.h"
#include "api.h"
#include "cluster.h"
#include "job.h"
#include "lsh.h"
#include "overlap.h"
#include "reader.h"
#include "reuse.h"
#include "tokenize.h"

void neardup_options_default(neardup_options *o)
{
    memset(o, 0, sizeof *o);
    neardup_params_default(&o->params);
    o->metric = NEARDUP_METRIC_JACCARD;
    o->min_words = ND_DEFAULT_MIN_WORDS;
    o->max_df = ND_DEFAULT_MAX_DF;
    o->edited = -1;
    o->distance = ND_DEFAULT_DISTANCE;
}

int nd_api_pipeline(const neardup_options *o, nd_pipeline_opts *po, nd_seeds *seeds, nd_error *err)
{
    if (nd_api_seeds(&o->params, seeds))
        return nd_fail(err, NEARDUP_E_USAGE, "bad parameters: ngram %u, k %u (1 to %d), threshold %g (0 to 1)%s",
                       o->params.ngram, o->params.k, ND_API_MAX_K, o->params.threshold,
                       o->params.key ? ", or a bad key" : "");
    if ((unsigned)o->metric > NEARDUP_METRIC_CONTAINMENT)
        return nd_fail(err, NEARDUP_E_USAGE, "unknown metric %d", (int)o->metric);
    if (o->distance > 16) return nd_fail(err, NEARDUP_E_USAGE, "distance %u: 0 to 16", o->distance);
    if (o->max_df < 2) return nd_fail(err, NEARDUP_E_USAGE, "max_df %u: at least 2", o->max_df);
    if (!o->min_words) return nd_fail(err, NEARDUP_E_USAGE, "min_words 0: at least 1");
    nd_pipeline_opts_default(po);
    po->threads = o->threads;
    po->rec.id_field = "id";
    po->rec.text_field = "text";
    po->rec.lossy = po->lossy = o->params.lossy;
    po->reader.follow_symlinks = 1;
    po->token_seed = seeds->token_seed;
    po->keyed = seeds->keyed;
    memcpy(po->token_secret, seeds->token_secret, sizeof po->token_secret);
    return NEARDUP_OK;
}

/* ---------- pairs (dedup: api_dedup.c): the near-duplicate job ---------- */

int nd_api_dup_job(const neardup_options *o, const neardup_corpus *const *sets, const char *const *names,
                   size_t nsets, int dedup, nd_dup_opts *d, nd_dup_result *res, nd_error *err)
{
    neardup_options def;
    if (!o) neardup_options_default(&def), o = &def;
    nd_pipeline_opts po;
    memset(res, 0, sizeof *res);
    int rc = nd_api_pipeline(o, &po, &d->seeds, err);
    if (rc) return rc;
    d->ngram = o->params.ngram;
    d->k = o->params.k;
    d->threshold = o->params.threshold;
    d->metric = (int)o->metric;
    d->distance = o->distance;
    d->max_df = o->max_df;
    d->exact = o->exact && o->metric == NEARDUP_METRIC_JACCARD;
    d->max_bucket = dedup ? 256 : SIZE_MAX; /* as the commands (cli_pairs.c, cli_dedup.c) */
    d->exact_first = d->clusters_only = dedup;
    nd_reader *r = nd_api_reader_sets(sets, names, nsets, o->params.lossy, err);
    if (!r) return err->code;
    rc = nd_dup_run(r, &po, d, res, err);
    nd_reader_free(r);
    sodium_memzero(&d->seeds, sizeof d->seeds);
    return rc;
}

int neardup_pairs(const neardup_options *o, const neardup_corpus *c, neardup_pair **pairs, size_t *n,
                  neardup_error *e)
{
    nd_error err = {0, ""};
    nd_dup_opts d = {0};
    nd_dup_result res;
    *pairs = NULL;
    *n = 0;
    int rc = nd_api_dup_job(o, &c, NULL, 1, 0, &d, &res, &err);
    if (!rc && res.npairs && !(*pairs = malloc(res.npairs * sizeof **pairs)))
        rc = nd_fail(&err, NEARDUP_E_NOMEM, "out of memory");
    for (size_t i = 0; !rc && i < res.npairs; i++) {
        const nd_scored_pair *p = &res.pairs[i];
        (*pairs)[i] = (neardup_pair){p->a, p->b, p->hamming >= 0 ? (double)p->hamming : (double)p->score};
    }
    if (!rc) *n = res.npairs;
    nd_dup_result_free(&res);
    return nd_api_error(e, rc, &err);
}

void neardup_pairs_free(neardup_pair *p) { free(p); }

/* ---------- overlap and align ---------- */

static int copy_passages(const nd_passage *p, size_t np, neardup_passage **out)
{
    *out = NULL;
    if (!np) return NEARDUP_OK;
    if (!(*out = malloc(np * sizeof **out))) return NEARDUP_E_NOMEM;
    for (size_t i = 0; i < np; i++)
        (*out)[i] = (neardup_passage){p[i].a_start, p[i].a_end, p[i].b_start, p[i].b_end, p[i].words,
                                      p[i].matches, p[i].identity};
    return NEARDUP_OK;
}

static int public_pairs(nd_overlap_pair *op, size_t nop, neardup_overlap_pair **pairs, size_t *n, nd_error *err);

int nd_api_overlap_opts(const neardup_options *o, nd_pipeline_opts *po, nd_overlap_opts *ov, nd_error *err)
{
    nd_seeds seeds;
    int rc = nd_api_pipeline(o, po, &seeds, err);
    if (rc) return rc;
    /* as cli_overlap.c sets them */
    nd_overlap_opts_default(ov);
    ov->ngram = o->params.ngram;
    ov->min_words = o->min_words;
    ov->max_df = o->max_df;
    ov->anchor_seed = seeds.anchor_seed;
    if (o->edited == 1) ov->align.verbatim = 0; /* -1, 0: overlap's default, copied passages only */
    if (o->language) ov->align.language = o->language;
    ov->align.min_words = ov->min_words;
    ov->align.seed_len = ov->ngram;
    sodium_memzero(&seeds, sizeof seeds);
    return NEARDUP_OK;
}

int nd_api_overlap_run(const neardup_options *o, const nd_pipeline_opts *po, const nd_overlap_opts *ov,
                       const neardup_corpus *c, nd_overlap_pair **op, size_t *nop, nd_error *err)
{
    nd_doc_store s = {0};
    nd_corpus_info ci = {0};
    nd_overlap_stats st = {0};
    *op = NULL;
    *nop = 0;
    nd_reader *r = nd_api_reader(c, o->params.lossy, err);
    if (!r) return err->code;
    int rc = nd_overlap_load(r, po, ov, &s, &ci, err);
    if (!rc) rc = nd_corpus_check_unique_ids(&ci, r, err);
    nd_reader_free(r);
    if (!rc) rc = nd_overlap_run(&s, ov, 0, o->threads ? o->threads : ci.threads, NULL, op, nop, &st, err);
    nd_doc_store_free(&s);
    nd_corpus_info_free(&ci);
    return rc;
}

int neardup_overlap(const neardup_options *o, const neardup_corpus *c, neardup_overlap_pair **pairs, size_t *n,
                    neardup_error *e)
{
    neardup_options def;
    if (!o) neardup_options_default(&def), o = &def;
    nd_error err = {0, ""};
    nd_pipeline_opts po;
    nd_overlap_opts ov;
    *pairs = NULL;
    *n = 0;
    nd_overlap_pair *op = NULL;
    size_t nop = 0;
    int rc = nd_api_overlap_opts(o, &po, &ov, &err);
    if (!rc) rc = nd_api_overlap_run(o, &po, &ov, c, &op, &nop, &err);
    if (!rc) rc = public_pairs(op, nop, pairs, n, &err);
    else nd_overlap_pairs_free(op, nop);
    sodium_memzero(&po, sizeof po);
    return nd_api_error(e, rc, &err);
}

/* The pairs of op sharing passages as the public ones (op freed). */
static int public_pairs(nd_overlap_pair *op, size_t nop, neardup_overlap_pair **pairs, size_t *n, nd_error *err)
{
    int rc = NEARDUP_OK;
    if (nop && !(*pairs = calloc(nop, sizeof **pairs))) rc = nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
    for (size_t i = 0; !rc && i < nop; i++) {
        (*pairs)[i] = (neardup_overlap_pair){op[i].a, op[i].b, NULL, op[i].np};
        if (copy_passages(op[i].p, op[i].np, &(*pairs)[i].passages)) {
            neardup_overlap_free(*pairs, i + 1);
            *pairs = NULL;
            rc = nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
        }
    }
    if (!rc) *n = nop;
    nd_overlap_pairs_free(op, nop);
    return rc;
}

int neardup_align_pairs(const neardup_options *o, const neardup_corpus *c, const size_t *a, const size_t *b,
                        size_t npairs, neardup_overlap_pair **out, size_t *nout, neardup_error *e)
{
    neardup_options def;
    if (!o) neardup_options_default(&def), o = &def;
    nd_error err = {0, ""};
    nd_pipeline_opts po;
    nd_seeds seeds;
    *out = NULL;
    *nout = 0;
    int rc = nd_api_pipeline(o, &po, &seeds, &err);
    sodium_memzero(&seeds, sizeof seeds);
    if (rc) return nd_api_error(e, rc, &err);
    size_t n = neardup_corpus_count(c);
    nd_anchor_pair *cand = malloc((npairs ? npairs : 1) * sizeof *cand);
    if (!cand) return nd_api_error(e, nd_fail(&err, NEARDUP_E_NOMEM, "out of memory"), &err);
    for (size_t i = 0; i < npairs; i++) {
        if (a[i] >= n || b[i] >= n) {
            free(cand);
            return nd_api_error(e, nd_fail(&err, NEARDUP_E_USAGE, "pair %zu: text %zu of %zu", i,
                                           a[i] >= n ? a[i] : b[i], n), &err);
        }
        cand[i] = (nd_anchor_pair){(uint32_t)a[i], (uint32_t)b[i], 0, 0};
    }
    /* as cli_align_pairs.c: the words of every text, no anchors, align's options */
    nd_overlap_opts ov;
    nd_overlap_opts_default(&ov);
    ov.ngram = o->params.ngram;
    ov.min_words = o->min_words;
    ov.no_anchors = 1;
    nd_align_opts_default(&ov.align);
    ov.align.seed_len = o->params.ngram;
    ov.align.min_words = o->min_words;
    ov.align.verbatim = o->edited == 0;
    ov.align.language = o->language;
    nd_doc_store s = {0};
    nd_corpus_info ci = {0};
    nd_overlap_pair *op = NULL;
    size_t nop = 0;
    nd_overlap_stats st = {0};
    nd_reader *r = nd_api_reader(c, o->params.lossy, &err);
    rc = r ? nd_overlap_load(r, &po, &ov, &s, &ci, &err) : err.code;
    nd_reader_free(r);
    if (!rc) rc = nd_overlap_align(&s, &ov, cand, npairs, o->threads ? o->threads : ci.threads, NULL, &op, &nop,
                                   &st, &err);
    if (!rc) rc = public_pairs(op, nop, out, nout, &err);
    else nd_overlap_pairs_free(op, nop);
    free(cand);
    nd_doc_store_free(&s);
    nd_corpus_info_free(&ci);
    return nd_api_error(e, rc, &err);
}

void neardup_overlap_free(neardup_overlap_pair *p, size_t n)
{
    if (!p) return;
    for (size_t i = 0; i < n; i++) free(p[i].passages);
    free(p);
}

int neardup_align_opts(const neardup_options *o, const char *a, size_t alen, const char *b, size_t blen,
                       neardup_passage **out, size_t *nout, neardup_error *e)
{
    neardup_options def;
    if (!o) neardup_options_default(&def), o = &def;
    nd_error err = {0, ""};
    nd_pipeline_opts po;
    nd_seeds seeds;
    *out = NULL;
    *nout = 0;
    int rc = nd_api_pipeline(o, &po, &seeds, &err);
    sodium_memzero(&seeds, sizeof seeds);
    if (rc) return nd_api_error(e, rc, &err);
    /* as cli_align.c: each text tokenized as its reader would, then aligned */
    nd_tokenizer *tk = nd_tokenizer_create(po.token_seed, po.lossy);
    if (tk && po.keyed) nd_tokenizer_set_secret(tk, po.token_secret);
    sodium_memzero(&po, sizeof po);
    nd_tokens t[2] = {{0}};
    const char *text[2] = {a, b};
    size_t len[2] = {alen, blen};
    if (!tk) rc = nd_fail(&err, NEARDUP_E_NOMEM, "out of memory");
    for (int i = 0; i < 2 && !rc; i++) {
        size_t bad = 0;
        if ((rc = nd_tokenize(tk, text[i], len[i], &t[i], &bad, NULL)) == NEARDUP_E_UTF8)
            nd_fail(&err, rc, "text %c: invalid UTF-8 at byte %zu", "ab"[i], bad);
        else if (rc)
            nd_fail(&err, rc, "text %c: %s", "ab"[i], neardup_strerror(rc));
    }
    nd_align_opts al;
    nd_align_opts_default(&al);
    al.seed_len = o->params.ngram;
    al.min_words = o->min_words;
    al.verbatim = o->edited == 0;
    al.language = o->language;
    nd_passage *p = NULL;
    size_t np = 0;
    if (!rc) rc = nd_align_texts(a, &t[0], b, &t[1], &al, &p, &np, &err);
    if (!rc && copy_passages(p, np, out)) rc = nd_fail(&err, NEARDUP_E_NOMEM, "out of memory");
    if (!rc) *nout = np;
    free(p);
    nd_tokens_free(&t[0]);
    nd_tokens_free(&t[1]);
    nd_tokenizer_free(tk);
    return nd_api_error(e, rc, &err);
}
