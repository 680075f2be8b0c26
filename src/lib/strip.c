/* strip.c - the cuts of neardup strip (strip.h): the overlap job's aligned
 * pairs turned into, for each later document, the union of its passages
 * that repeat an earlier one; and the text with those cut out. */
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "strip.h"
#include "terms.h"

static int passage_cmp(const void *x, const void *y)
{
    const nd_strip_passage *a = x, *b = y;
    if (a->doc != b->doc) return a->doc < b->doc ? -1 : 1;
    if (a->tok != b->tok) return a->tok < b->tok ? -1 : 1;
    if (a->tok_end != b->tok_end) return a->tok_end < b->tok_end ? -1 : 1;
    if (a->src != b->src) return a->src < b->src ? -1 : 1;
    if (a->src_start != b->src_start) return a->src_start < b->src_start ? -1 : 1;
    return a->src_end < b->src_end ? -1 : a->src_end > b->src_end; /* a total order: any -j, one result */
}

/* Each pair's passages of >= W words on its later side, as cuts of b. */
static int collect_passages(const nd_overlap_pair *pairs, size_t npairs, unsigned min_words, nd_strip_result *r)
{
    size_t cap = 0;
    for (size_t i = 0; i < npairs; i++) {
        const nd_overlap_pair *p = &pairs[i];
        for (size_t k = 0; k < p->np; k++) {
            const nd_passage *q = &p->p[k];
            if (q->b_tok_end - q->b_tok < min_words) continue; /* W words of the document cut, not of the columns */
            if (nd_grow((void **)&r->passage, &cap, r->npassage + 1, sizeof *r->passage)) return NEARDUP_E_NOMEM;
            r->passage[r->npassage++] = (nd_strip_passage){p->b, q->b_tok, q->b_tok_end, q->b_start, q->b_end,
                                                           p->a, q->a_start, q->a_end, q->identity};
        }
    }
    if (r->npassage > 1) qsort(r->passage, r->npassage, sizeof *r->passage, passage_cmp);
    return NEARDUP_OK;
}

/* Where two tokens touch, with no separator between them (CJK characters,
 * a CJK character next to digits), a cut there would read as a cut inside a
 * word: a range's ends move inwards to the nearest separator.  Returns 0
 * when fewer than W words are left. */
static int shrink_to_separators(nd_strip_range *g, const nd_doc_ref *d, unsigned min_words)
{
    while (g->tok > 0 && g->tok < g->tok_end &&
           nd_spans_get(&d->span, g->tok - 1).end == nd_spans_get(&d->span, g->tok).start)
        g->tok++;
    while (g->tok_end < d->ntok && g->tok_end > g->tok &&
           nd_spans_get(&d->span, g->tok_end - 1).end == nd_spans_get(&d->span, g->tok_end).start)
        g->tok_end--;
    if (g->tok_end - g->tok < min_words) return 0;
    g->start = nd_spans_get(&d->span, g->tok).start;
    g->end = nd_spans_get(&d->span, g->tok_end - 1).end;
    return 1;
}

/* Does a sentence end before word i of d (0 < i < ntok)? */
static int sentence_before(const nd_doc_ref *d, uint32_t i)
{
    uint32_t a = nd_spans_get(&d->span, i - 1).end, b = nd_spans_get(&d->span, i).start;
    return nd_gap_ends_sentence(d->text + a, b - a);
}

/* whole_sentences: a range shrinks to the sentences wholly inside it, so
 * that every sentence kept is whole.  Returns 0 when none is. */
static int shrink_to_sentences(nd_strip_range *g, const nd_doc_ref *d)
{
    uint32_t t = g->tok, e = g->tok_end;
    while (t < e && t > 0 && !sentence_before(d, t)) t++;
    while (e > t && e < d->ntok && !sentence_before(d, e)) e--;
    if (e == t) return 0;
    g->tok = t;
    g->tok_end = e;
    g->start = nd_spans_get(&d->span, t).start;
    g->end = nd_spans_get(&d->span, e - 1).end;
    return 1;
}

/* Overlapping or touching passages of a document become one range, its
 * ends on separators (or sentence ends). */
static int merge_ranges(nd_strip_result *r, const nd_doc_store *s, unsigned min_words, int whole_sentences)
{
    size_t cap = 0;
    r->doc_first = calloc(r->n + 1, sizeof *r->doc_first);
    if (!r->doc_first) return NEARDUP_E_NOMEM;
    for (size_t i = 0; i < r->npassage;) {
        const nd_strip_passage *p = &r->passage[i];
        nd_strip_range g = {p->doc, p->tok, p->tok_end, p->start, p->end, i, 0};
        for (; i < r->npassage && r->passage[i].doc == g.doc && r->passage[i].tok <= g.tok_end; i++, g.n++)
            if (r->passage[i].tok_end > g.tok_end) g.tok_end = r->passage[i].tok_end;
        if (whole_sentences ? !shrink_to_sentences(&g, &s->doc[g.doc]) : !shrink_to_separators(&g, &s->doc[g.doc], min_words))
            continue;
        if (nd_grow((void **)&r->range, &cap, r->nrange + 1, sizeof *r->range)) return NEARDUP_E_NOMEM;
        r->range[r->nrange++] = g;
        r->doc_first[g.doc + 1] = r->nrange; /* ranges come by document: the last one's count wins */
    }
    /* doc_first[d + 1] holds the end of d's ranges where d has any: carry it over the others */
    for (uint64_t d = 1; d <= r->n; d++)
        if (r->doc_first[d] < r->doc_first[d - 1]) r->doc_first[d] = r->doc_first[d - 1];
    return NEARDUP_OK;
}

unsigned nd_strip_anchor_words(unsigned min_words, unsigned ngram)
{
    unsigned w = min_words > 2 ? (min_words - 2) / 3 : 1;
    return w > ngram ? w : ngram;
}

int nd_strip_find(nd_doc_store *s, const nd_overlap_opts *o, uint32_t nref, int whole_sentences, unsigned threads,
                  nd_strip_result *res, nd_overlap_stats *st, nd_error *err)
{
    memset(res, 0, sizeof *res);
    if (whole_sentences && !o->keep_text)
        return nd_fail(err, NEARDUP_E_USAGE, "strip: whole sentences need the texts in the store (keep_text)");
    res->n = s->n;
    nd_overlap_opts oo = *o;
    oo.min_b = nref; /* a reference is never cut: pairs of two references are not aligned */
    oo.min_shared = 2; /* see strip.h */
    oo.star_boilerplate = 1; /* a block in many documents is cut from all but the first, at a linear cost */
    nd_overlap_pair *pairs = NULL;
    size_t npairs = 0;
    int rc = nd_overlap_run(s, &oo, 0, threads, NULL, &pairs, &npairs, st, err);
    if (rc) return rc;
    if (collect_passages(pairs, npairs, o->align.min_words, res) || merge_ranges(res, s, o->align.min_words, whole_sentences))
        rc = nd_fail(err, NEARDUP_E_NOMEM, "out of memory listing the repeated passages");
    nd_overlap_pairs_free(pairs, npairs);
    if (rc) nd_strip_result_free(res);
    return rc;
}

void nd_strip_result_free(nd_strip_result *r)
{
    free(r->passage);
    free(r->range);
    free(r->doc_first);
    memset(r, 0, sizeof *r);
}

uint64_t nd_strip_kept_words(const nd_strip_result *r, const nd_doc_store *s, uint32_t d)
{
    uint64_t cut = 0;
    for (size_t i = r->doc_first[d]; i < r->doc_first[d + 1]; i++) cut += r->range[i].tok_end - r->range[i].tok;
    return s->doc[d].ntok - cut;
}

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

size_t nd_strip_text(const nd_strip_result *r, const nd_doc_store *s, uint32_t d, const char *text, size_t len,
                     char *out)
{
    const nd_doc_ref *doc = &s->doc[d];
    if (doc->ntok && nd_spans_get(&doc->span, doc->ntok - 1).end > len) return SIZE_MAX;
    size_t o = 0, from = 0;
    for (size_t i = r->doc_first[d]; i < r->doc_first[d + 1]; i++) {
        const nd_strip_range *g = &r->range[i];
        size_t cut = nd_spans_get(&doc->span, g->tok).start;
        size_t next = g->tok_end < doc->ntok ? nd_spans_get(&doc->span, g->tok_end).start : len;
        size_t to = nd_spans_get(&doc->span, g->tok_end - 1).end;
        /* the last word's own punctuation, then the white space after it; a
         * symbol that opens the next word ("$", an emoji, a quote) stays */
        while (to < next && !is_space(text[to])) to++;
        while (to < next && is_space(text[to])) to++;
        memcpy(out + o, text + from, cut - from);
        o += cut - from;
        from = to;
    }
    memcpy(out + o, text + from, len - from);
    return o + len - from;
}
