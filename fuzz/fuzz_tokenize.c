/* fuzz_tokenize.c - the tokenizer (strict and lossy) and shingler on
 * arbitrary bytes: spans must lie inside the text, in order. */
#include <stdlib.h>

#include "nd.h"
#include "shingle.h"
#include "tokenize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (int lossy = 0; lossy < 2; lossy++) {
        nd_tokenizer *tk = nd_tokenizer_create(1, lossy);
        nd_tokens t = {0};
        size_t bad = 0, rep = 0;
        int rc = nd_tokenize(tk, (const char *)data, size, &t, &bad, &rep);
        if (rc == NEARDUP_OK) {
            for (size_t i = 0; i < t.n; i++)
                if (t.span[i].start >= t.span[i].end || t.span[i].end > size ||
                    (i && t.span[i].start < t.span[i - 1].end))
                    abort();
            uint64_t *sh = malloc((t.n + 1) * sizeof *sh);
            size_t m = nd_shingle(t.hash, t.n, 5, 2, sh);
            nd_hash_set(sh, m);
            free(sh);
        } else if (rc == NEARDUP_E_UTF8 && (lossy || bad >= size)) {
            abort(); /* lossy never fails on UTF-8; the offset lies inside the text */
        }
        nd_tokens_free(&t);
        nd_tokenizer_free(tk);
    }
    return 0;
}
