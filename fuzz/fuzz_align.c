/* fuzz_align.c - the aligner on two token streams cut from the input: the
 * first byte splits it; each byte is a word (a small vocabulary, so seeds,
 * repeats and edits abound).  Passages must be well formed. */
#include <stdlib.h>

#include "align.h"
#include "nd.h"
#include "tokenize.h"

static nd_tokens tokens(const uint8_t *d, size_t n)
{
    nd_tokens t = {malloc((n + 1) * sizeof(uint64_t)), malloc((n + 1) * sizeof(nd_span)), n, n};
    for (size_t i = 0; i < n; i++) {
        t.hash[i] = (uint64_t)(d[i] % 16 + 1) * UINT64_C(0x9e3779b97f4a7c15);
        t.span[i] = (nd_span){(uint32_t)(2 * i), (uint32_t)(2 * i + 1)};
    }
    return t;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    size_t cut = size > 1 ? data[0] * (size - 1) / 255 : 0;
    nd_tokens a = tokens(data + 1, cut), b = tokens(data + 1 + cut, size - 1 - cut);
    nd_align_opts o;
    nd_align_opts_default(&o);
    o.min_words = 6;
    o.seed_len = 3;
    nd_passage *p = NULL;
    size_t np = 0;
    if (nd_align(&a, &b, &o, &p, &np) == NEARDUP_OK)
        for (size_t i = 0; i < np; i++)
            if (p[i].a_tok >= p[i].a_tok_end || p[i].a_tok_end > a.n || p[i].b_tok >= p[i].b_tok_end ||
                p[i].b_tok_end > b.n || p[i].matches > p[i].words || p[i].words < o.min_words ||
                p[i].a_start >= p[i].a_end || (i && p[i].a_start < p[i - 1].a_start))
                abort();
    free(p);
    nd_tokens_free(&a);
    nd_tokens_free(&b);
    return 0;
}
