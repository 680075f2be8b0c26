/* api_strip.c - the public strip job (include/neardup.h): the job of
 * `neardup strip` (strip_job.c) on the caller's texts, references read
 * first; the stripped texts and the cuts with their repeats, what the
 * command writes to -o and --spans. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "api.h"
#include "reader.h"
#include "strip.h"

void neardup_strip_opts_default(neardup_strip_opts *s)
{
    memset(s, 0, sizeof *s);
    s->min_words = ND_DEFAULT_STRIP_MIN_WORDS;
    s->min_keep = ND_DEFAULT_STRIP_MIN_KEEP;
    s->max_gap = ND_DEFAULT_MAX_GAP;
    s->min_identity = ND_DEFAULT_STRIP_MIN_IDENTITY;
}

void neardup_stripped_free(neardup_stripped *p, size_t n)
{
    if (!p) return;
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < p[i].ncuts; k++) free(p[i].cuts[k].repeats);
        free(p[i].cuts);
        free(p[i].text);
    }
    free(p);
}

/* Reads one corpus into the job (refs: the references). */
static int load(nd_strip_job *j, const neardup_corpus *c, const char *name, int refs, const nd_pipeline_opts *po,
                nd_error *err)
{
    nd_reader *r = nd_api_reader_sets(&c, &name, 1, po->lossy, err);
    if (!r) return err->code;
    int rc = nd_strip_load(j, r, po, refs, err);
    nd_reader_free(r);
    return rc;
}

/* Text d's (store index) result: its cuts and repeats, its stripped text. */
static int result_of(const nd_strip_job *j, uint32_t d, const neardup_corpus *c, unsigned long min_keep,
                     neardup_stripped *x)
{
    const nd_strip_result *res = &j->res;
    size_t a = res->doc_first[d], b = res->doc_first[d + 1];
    x->words = j->s.doc[d].ntok;
    x->kept_words = nd_strip_kept_words(res, &j->s, d);
    x->dropped = nd_strip_dropped(j, d, min_keep);
    if (a == b) return NEARDUP_OK;
    if (!(x->cuts = calloc(b - a, sizeof *x->cuts))) return NEARDUP_E_NOMEM;
    x->ncuts = b - a;
    for (size_t i = a; i < b; i++) {
        const nd_strip_range *g = &res->range[i];
        neardup_cut *cut = &x->cuts[i - a];
        *cut = (neardup_cut){g->start, g->end, g->tok_end - g->tok, NULL, 0};
        if (g->n && !(cut->repeats = malloc(g->n * sizeof *cut->repeats))) return NEARDUP_E_NOMEM;
        cut->nrepeats = g->n;
        for (size_t k = 0; k < g->n; k++) {
            const nd_strip_passage *p = &res->passage[g->first + k];
            int ref = p->src < j->nref;
            cut->repeats[k] = (neardup_repeat){ref ? p->src : p->src - j->nref, ref, p->src_start, p->src_end,
                                               p->start, p->end, p->identity};
        }
    }
    size_t len;
    const char *text = neardup_corpus_text(c, d - j->nref, &len);
    if (!(x->text = malloc(len ? len : 1))) return NEARDUP_E_NOMEM;
    x->len = nd_strip_text(res, &j->s, d, text, len, x->text);
    return x->len == SIZE_MAX ? NEARDUP_E_INTERNAL : NEARDUP_OK;
}

int neardup_strip(const neardup_options *o, const neardup_strip_opts *so, const neardup_corpus *c,
                  neardup_stripped **out, neardup_error *e)
{
    neardup_options def;
    neardup_strip_opts sdef;
    if (!o) neardup_options_default(&def), o = &def;
    if (!so) neardup_strip_opts_default(&sdef), so = &sdef;
    nd_error err = {0, ""};
    if (!c || !out) return nd_api_error(e, nd_fail(&err, NEARDUP_E_USAGE, "neardup_strip: NULL argument"), &err);
    *out = NULL;
    if (!so->min_words || so->min_words > 1000000 || so->max_gap > 64 ||
        !(so->min_identity >= 0 && so->min_identity <= 1))
        return nd_api_error(e, nd_fail(&err, NEARDUP_E_USAGE, "strip: min_words %u (1 to 1000000), max_gap %u (0 to "
                                       "64), min_identity %g (0 to 1)", so->min_words, so->max_gap, so->min_identity),
                            &err);
    nd_pipeline_opts po;
    nd_seeds seeds;
    int rc = nd_api_pipeline(o, &po, &seeds, &err);
    if (rc) return nd_api_error(e, rc, &err);
    /* as cli_strip.c sets them */
    nd_overlap_opts ov;
    nd_overlap_opts_default(&ov);
    ov.ngram = o->params.ngram;
    ov.anchor_seed = seeds.anchor_seed;
    ov.max_df = o->max_df;
    ov.align.min_words = so->min_words;
    ov.align.max_gap = so->max_gap;
    ov.align.min_identity = so->min_identity;
    sodium_memzero(&seeds, sizeof seeds);
    nd_strip_job j;
    nd_strip_job_init(&j, &ov, so->sentences);
    if (so->against) rc = load(&j, so->against, "references", 1, &po, &err);
    if (!rc) rc = load(&j, c, "corpus", 0, &po, &err);
    if (!rc) rc = nd_strip_cut(&j, o->threads, &err);
    size_t n = neardup_corpus_count(c);
    neardup_stripped *x = rc ? NULL : calloc(n ? n : 1, sizeof *x);
    if (!rc && !x) rc = nd_fail(&err, NEARDUP_E_NOMEM, "out of memory");
    for (size_t i = 0; !rc && i < n; i++)
        if ((rc = result_of(&j, (uint32_t)(j.nref + i), c, so->min_keep, &x[i])))
            nd_fail(&err, rc, rc == NEARDUP_E_NOMEM ? "out of memory" : "text %zu does not fit its words", i);
    if (rc) neardup_stripped_free(x, n);
    else *out = x;
    nd_strip_job_free(&j);
    sodium_memzero(&po, sizeof po);
    return nd_api_error(e, rc, &err);
}
