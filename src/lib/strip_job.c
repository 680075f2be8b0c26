/* strip_job.c - the strip job (strip.h) from readers to cuts, for the
 * command (cli_strip.c, which then writes the texts and --spans) and the
 * public neardup_strip alike: the references loaded first, then the
 * inputs, into one store as the overlap job loads them, then the cuts. */
#include <string.h>

#include "reader.h"
#include "strip.h"

void nd_strip_job_init(nd_strip_job *j, const nd_overlap_opts *o, int whole_sentences)
{
    memset(j, 0, sizeof *j);
    j->o = *o;
    j->sentences = whole_sentences;
    j->o.keep_text = whole_sentences; /* sentence ends are read from the texts */
    j->o.min_words = nd_strip_anchor_words(o->align.min_words, o->ngram);
    j->o.align.seed_len = o->ngram;
}

int nd_strip_load(nd_strip_job *j, nd_reader *r, const nd_pipeline_opts *po, int refs, nd_error *err)
{
    if (refs && (j->loaded || j->nref_sets))
        return nd_fail(err, NEARDUP_E_INTERNAL, "strip: the references come first");
    if (!refs && j->loaded) return nd_fail(err, NEARDUP_E_INTERNAL, "strip: the inputs are loaded once");
    nd_corpus_info *ci = refs ? &j->cr : &j->ci;
    nd_doc_store *s = refs || !j->nref_sets ? &j->s : &j->si;
    int rc = nd_overlap_load(r, po, &j->o, s, ci, err);
    if (!rc) rc = nd_corpus_check_unique_ids(ci, r, err);
    if (refs) j->nref_sets++;
    else j->loaded = 1;
    return rc;
}

int nd_strip_cut(nd_strip_job *j, unsigned threads, nd_error *err)
{
    if (j->nref_sets) {
        j->nref = (uint32_t)j->s.n;
        if (j->s.n + j->si.n > UINT32_MAX - 1) return nd_fail(err, NEARDUP_E_USAGE, "too many documents");
        if (nd_doc_store_append(&j->s, &j->si)) return nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
    }
    return nd_strip_find(&j->s, &j->o, j->nref, j->sentences, threads ? threads : j->ci.threads, &j->res, &j->st,
                         err);
}

int nd_strip_dropped(const nd_strip_job *j, uint32_t d, unsigned long min_keep)
{
    const nd_strip_result *r = &j->res;
    return r->doc_first[d + 1] > r->doc_first[d] && nd_strip_kept_words(r, &j->s, d) < min_keep;
}

void nd_strip_job_free(nd_strip_job *j)
{
    nd_strip_result_free(&j->res);
    nd_doc_store_free(&j->s);
    nd_doc_store_free(&j->si);
    nd_corpus_info_free(&j->ci);
    nd_corpus_info_free(&j->cr);
    memset(j, 0, sizeof *j);
}
