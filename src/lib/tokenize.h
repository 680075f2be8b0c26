/* tokenize.h - text -> token hashes and byte spans (tokenize.c: the 64-byte fast path;
 * tokenize_unicode.c: utf8proc, NFKC + case fold). */
#ifndef ND_TOKENIZE_H
#define ND_TOKENIZE_H

#include "nd.h"

/* Byte range [start, end) of a token in the original text. */
typedef struct {
    uint32_t start, end;
} nd_span;

/* Tokens of one text: parallel arrays, reused across documents. */
typedef struct {
    uint64_t *hash; /* XXH3(token_seed) of the normalised (NFKC + casefold) token */
    nd_span *span;
    size_t n, cap;
} nd_tokens;

void nd_tokens_free(nd_tokens *t);

typedef struct nd_tokenizer nd_tokenizer;

/* Creates a tokenizer with its own scratch buffers.  lossy != 0 treats
 * invalid UTF-8 bytes as separators (and counts them) instead of failing. */
nd_tokenizer *nd_tokenizer_create(uint64_t token_seed, int lossy);
/* Keyed mode: hash tokens with XXH3_64bits_withSecret(secret of
 * ND_SECRET_BYTES, copied) instead of the seed. */
void nd_tokenizer_set_secret(nd_tokenizer *tk, const unsigned char *secret);
void nd_tokenizer_free(nd_tokenizer *tk);

/* Tokenizes text[0..len).  Words are runs of Unicode letters, digits and
 * combining marks; each Han / kana / Hangul / Thai (etc.) character written
 * without spaces is a token of its own.  Each token is normalised with NFKC +
 * case fold and hashed once.  Returns NEARDUP_OK, or NEARDUP_E_UTF8 with
 * *bad_offset = byte offset of the first invalid sequence (strict mode), or
 * NEARDUP_E_NOMEM.  *replaced (may be NULL) receives the number of invalid
 * bytes skipped in lossy mode.  Texts over 4 GiB are refused (NEARDUP_E_INPUT). */
int nd_tokenize(nd_tokenizer *tk, const char *text, size_t len, nd_tokens *out,
                size_t *bad_offset, size_t *replaced);

/* The same tokens from the byte-at-a-time tokenizer alone (nd_tokenize's
 * reference; for tests and benchmarks). */
int nd_tokenize_scalar(nd_tokenizer *tk, const char *text, size_t len, nd_tokens *out,
                       size_t *bad_offset, size_t *replaced);

/* The tokenizer's 64-byte classifier: plain C, the portable default of the
 * build (SSE2 on x86-64), AVX2, AVX-512BW.  nd_tokenizer_create picks the best
 * the CPU runs; nd_tokenizer_simd(tk, level) lowers it to level (at most the
 * best; level < 0 changes nothing) and returns the one in use.  All give the
 * same tokens; for tests and benchmarks. */
enum { ND_SIMD_C, ND_SIMD_BASE, ND_SIMD_AVX2, ND_SIMD_AVX512 };
int nd_tokenizer_simd(nd_tokenizer *tk, int level);

/* The normalised form of one token, for tests and display: writes at most cap
 * bytes (NUL-terminated) to buf and returns the full length, or -1 on bad input. */
long nd_normalize_token(nd_tokenizer *tk, const char *s, size_t len, char *buf, size_t cap);

#endif
