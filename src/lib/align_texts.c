/* align_texts.c - two texts aligned whole (nd_align_texts, reuse.h): the
 * exact aligner's copies, then, unless verbatim, the rewritten passages
 * (reuse.c) over both texts' terms and sentences, with their word edits and
 * byte offsets. */
#include <stdlib.h>

#include "align.h"
#include "edits.h"
#include "reuse.h"
#include "tokenize.h"

int nd_align_texts(const char *a, const nd_tokens *ta, const char *b, const nd_tokens *tb, const nd_align_opts *o,
                   nd_passage **out, size_t *nout, nd_error *err)
{
    nd_align_opts def;
    if (!o) nd_align_opts_default(&def), o = &def;
    *out = NULL;
    *nout = 0;
    /* the word ids and k-grams of each text once, for every pass below */
    unsigned k = o->seed_len ? o->seed_len : 1;
    nd_kgrams ga = {0}, gb = {0};
    nd_passage *ex = NULL, *xp = NULL;
    size_t nex = 0, nxp = 0;
    nd_lang *l = NULL;
    nd_tokenizer *tk = NULL;
    uint32_t *ida = nd_word_ids(ta), *idb = nd_word_ids(tb);
    int rc = ida && idb ? nd_kgrams_make(ida, ta->n, k, &ga) : NEARDUP_E_NOMEM;
    if (!rc) rc = nd_kgrams_make(idb, tb->n, k, &gb);
    if (!rc) rc = nd_align_kgrams(ta, ida, &ga, tb, idb, &gb, o, NULL, &ex, &nex);
    if (!rc && o->verbatim) {
        *out = ex;
        *nout = nex;
        ex = NULL;
        goto done;
    }
    if (!rc && o->min_words > ND_REUSE_EXPLAIN_WORDS) { /* the shorter copies, which explain sentences */
        nd_align_opts x = *o;
        x.min_words = ND_REUSE_EXPLAIN_WORDS;
        rc = nd_align_kgrams(ta, ida, &ga, tb, idb, &gb, &x, NULL, &xp, &nxp);
    }
    if (!rc && !(l = nd_lang_create(o->language, err))) {
        rc = err ? err->code : NEARDUP_E_USAGE;
        goto done;
    }
    if (!rc && !(tk = nd_tokenizer_create(0, 1))) rc = NEARDUP_E_NOMEM;
    nd_reuse_text ra, rb;
    if (!rc) rc = nd_reuse_prepare(l, tk, a, ta, &ra);
    if (!rc && (rc = nd_reuse_prepare(l, tk, b, tb, &rb))) nd_reuse_text_free(&ra);
    if (!rc) {
        rc = nd_reuse_align(&ra, &rb, ex, nex, xp, nxp, o, out, nout);
        nd_reuse_text_free(&ra);
        nd_reuse_text_free(&rb);
    }
    /* how the words of the rewritten passages align (edits.c; the copies carry theirs) */
    for (size_t i = 0; !rc && i < *nout; i++)
        if ((*out)[i].sentences) rc = nd_passage_edits(&(*out)[i], 1, ida, idb, NULL);
    if (!rc) nd_passage_bytes(*out, *nout, ta->span, tb->span);
    if (rc) nd_fail(err, rc, "out of memory aligning two texts");
done:
    if (rc && *out) {
        free(*out);
        *out = NULL;
        *nout = 0;
    }
    nd_kgrams_free(&ga);
    nd_kgrams_free(&gb);
    free(ida);
    free(idb);
    free(ex);
    free(xp);
    nd_tokenizer_free(tk);
    nd_lang_free(l);
    return rc;
}
