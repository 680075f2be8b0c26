/* fuzz_reuse.c - both aligners (nd_align_texts) on two texts made from the
 * input: each byte is a word of a small vocabulary, a stop word or a
 * sentence end, so sentence seeds, fingerprints, summaries, crossings and
 * joins all happen.  Passages must be well formed, in both texts. */
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "reuse.h"
#include "tokenize.h"

static const char *const vocab[] = {"council", "budget", "tram", "line", "night", "buses", "approved", "plan",
                                    "workers", "routes", "grant", "parking", "spring", "years", "city", "north"};
static const char *const stop[] = {"the", "a", "of", "and", "to", "in", "is", "was"};

/* n bytes -> text; returns its length */
static size_t text_of(const uint8_t *d, size_t n, char *out)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const char *w = d[i] < 160 ? vocab[d[i] % 16] : d[i] < 240 ? stop[d[i] % 8] : NULL;
        if (w) {
            size_t l = strlen(w);
            memcpy(out + m, w, l);
            m += l;
            out[m++] = ' ';
        } else {
            out[m++] = d[i] & 1 ? '.' : '\n';
            out[m++] = d[i] & 2 ? '\n' : ' ';
        }
    }
    return m;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 4096) return 0;
    size_t cut = size > 1 ? data[0] * (size - 1) / 255 : 0;
    char *a = malloc(16 * size + 1), *b = malloc(16 * size + 1);
    size_t la = text_of(data + 1, cut, a), lb = text_of(data + 1 + cut, size - 1 - cut, b);
    nd_tokenizer *tk = nd_tokenizer_create(1, 0);
    nd_tokens ta = {0}, tb = {0};
    size_t bad, rep;
    if (!tk || nd_tokenize(tk, a, la, &ta, &bad, &rep) || nd_tokenize(tk, b, lb, &tb, &bad, &rep)) abort();
    nd_align_opts o;
    nd_align_opts_default(&o);
    o.min_words = 6;
    nd_passage *p = NULL;
    size_t np = 0;
    nd_error err;
    if (nd_align_texts(a, &ta, b, &tb, &o, &p, &np, &err) == NEARDUP_OK)
        for (size_t i = 0; i < np; i++)
            if (p[i].a_tok >= p[i].a_tok_end || p[i].a_tok_end > ta.n || p[i].b_tok >= p[i].b_tok_end ||
                p[i].b_tok_end > tb.n || p[i].a_end > la || p[i].b_end > lb || p[i].a_start >= p[i].a_end ||
                p[i].b_start >= p[i].b_end ||
                p[i].words != p[i].matches + p[i].substituted + p[i].inserted + p[i].deleted ||
                (i && p[i].a_tok < p[i - 1].a_tok))
                abort();
    free(p);
    nd_tokens_free(&ta);
    nd_tokens_free(&tb);
    nd_tokenizer_free(tk);
    free(a);
    free(b);
    return 0;
}
