/* tokenize.c - UTF-8 text -> word tokens: 64-bit hashes of the normalised
 * form plus byte spans into the original text.
 *
 * A word is a run of Unicode letters (L*), digits (N*) and combining marks
 * (M*).  Scripts written without spaces between words (Han, kana, Thai, Lao,
 * Khmer, Myanmar) give one token per character (with its combining marks), so
 * that word n-grams over them are character n-grams, as most text-reuse
 * tools do for Chinese and Japanese.
 *
 * Normalisation is NFKC + case fold + removal of default-ignorable code points
 * (utf8proc COMPAT|COMPOSE|CASEFOLD|IGNORE|STABLE, i.e. Unicode's
 * NFKC_Casefold).  Tokens made only of ASCII skip utf8proc: for ASCII letters
 * and digits NFKC_Casefold is exactly lower-casing, and news text is almost all
 * ASCII (utf8proc runs at ~50 MB/s, the ASCII path at ~1 GB/s).  A test checks
 * the two paths agree on every ASCII letter and digit.
 *
 * This file: the tokenizer handle, the branch-free hash of short words, and
 * the fast path (nd_tokenize), which classifies the text 64 bytes at a time
 * and hashes ASCII words straight from the masks.  The stretches that hold
 * non-ASCII bytes go to the byte-at-a-time tokenizer, tokenize_unicode.c
 * (utf8proc categories and normalisation); tokenize_internal.h is what the
 * two share.
 */
#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL /* short keys: inlining XXH3 halves the per-token cost */
#include <xxhash.h>

#include "nd.h"
#include "tokenize.h"
#include "tokenize_internal.h"
#include "xxh3_avx512.h"

/* The "bitflip" constants of XXH3_len_1to3_64b, XXH3_len_4to8_64b and
 * XXH3_len_9to16_64b for a secret and a seed (XXH3_64bits_withSeed: XXH3's
 * default secret and the seed; XXH3_64bits_withSecret: the secret and 0). */
static void short_hash_init(nd_tokenizer *tk, const unsigned char *secret, uint64_t seed)
{
    tk->flip1to3 = (XXH_readLE32(secret) ^ XXH_readLE32(secret + 4)) + seed;
    tk->flip4to8 = (XXH_readLE64(secret + 8) ^ XXH_readLE64(secret + 16)) -
                   (seed ^ (uint64_t)XXH_swap32((uint32_t)seed) << 32);
    tk->flip9to16a = (XXH_readLE64(secret + 24) ^ XXH_readLE64(secret + 32)) + seed;
    tk->flip9to16b = (XXH_readLE64(secret + 40) ^ XXH_readLE64(secret + 48)) - seed;
}

nd_tokenizer *nd_tokenizer_create(uint64_t token_seed, int lossy)
{
    nd_tokenizer *tk = calloc(1, sizeof *tk);
    if (!tk) return NULL;
    tk->seed = token_seed;
    tk->lossy = lossy;
    short_hash_init(tk, XXH3_kSecret, token_seed);
    tk->simd = nd_tokenizer_simd_best();
    return tk;
}

int nd_tokenizer_simd(nd_tokenizer *tk, int level)
{
    if (level >= 0) tk->simd = level < nd_tokenizer_simd_best() ? level : nd_tokenizer_simd_best();
    return tk->simd;
}

void nd_tokenizer_set_secret(nd_tokenizer *tk, const unsigned char *secret)
{
    memcpy(tk->secret, secret, sizeof tk->secret);
    tk->keyed = 1;
    short_hash_init(tk, tk->secret, 0);
}

/* Bytes readable before and after the lower-cased copy (short_hash). */
#define LOW_PAD 16

/* token_hash of the len bytes at p, where the 8 bytes before p and the 16
 * after it are readable (any values).  Keys of 1..16 bytes are nearly all
 * words, and XXH3 picks one of three formulas by length with a branch that
 * word lengths make unpredictable: here all three are computed (a few
 * independent multiplies) and the length selects one without a branch.
 * Each formula is XXH3's own (XXH3_len_1to3_64b, _4to8_, _9to16_ of
 * xxhash.h) with its seed-dependent constants precomputed; a test checks the
 * result against the library on every length. */
/* token_hash out of line, for short_hash's rare long words: inlined, its
 * XXH3 grew short_hash and cost the ASCII path 5%. */
static __attribute__((noinline)) uint64_t long_hash(const nd_tokenizer *tk, const unsigned char *p, size_t len)
{
    return token_hash(tk, (const char *)p, len);
}

static inline uint64_t short_hash(const nd_tokenizer *tk, const unsigned char *p, size_t len)
{
    if (__builtin_expect(len > 16 || len == 0, 0)) return long_hash(tk, p, len);
    uint32_t comb = (uint32_t)p[0] << 16 | (uint32_t)p[len >> 1] << 24 | (uint32_t)p[len - 1] |
                    (uint32_t)len << 8;
    uint64_t h1 = XXH64_avalanche((uint64_t)comb ^ tk->flip1to3);
    uint64_t in4 = (uint64_t)XXH_readLE32(p + len - 4) + ((uint64_t)XXH_readLE32(p) << 32);
    uint64_t h4 = XXH3_rrmxmx(in4 ^ tk->flip4to8, len);
    uint64_t lo = XXH_readLE64(p) ^ tk->flip9to16a, hi = XXH_readLE64(p + len - 8) ^ tk->flip9to16b;
    uint64_t h9 = XXH3_avalanche(len + XXH_swap64(lo) + hi + XXH3_mul128_fold64(lo, hi));
    /* masks, not ?:, so that the compiler keeps it branch-free */
    uint64_t m9 = (uint64_t)0 - (len > 8), m4 = (uint64_t)0 - (len >= 4);
    return (h9 & m9) | (~m9 & ((h4 & m4) | (h1 & ~m4)));
}

void nd_tokenizer_free(nd_tokenizer *tk)
{
    if (!tk) return;
    free(tk->buf);
    free(tk->seg);
    free(tk->low ? tk->low - LOW_PAD : NULL);
    free(tk->cps);
    free(tk);
}

void nd_tokens_free(nd_tokens *t)
{
    if (!t) return;
    free(t->hash);
    free(t->span);
    t->hash = NULL;
    t->span = NULL;
    t->n = t->cap = 0;
}

/* ---------- the fast path: 64 bytes at a time ---------- */

/* For 64 bytes at p: bit i of *word is set when p[i] is an ASCII letter or
 * digit, of *high when p[i] >= 0x80; low receives the bytes with A-Z
 * lower-cased (NFKC_Casefold of an ASCII letter or digit, see the top).
 * Plain C; the SSE2, AVX2 and AVX-512BW versions below compute the same. */
static inline void classify64_c(const unsigned char *p, unsigned char *low, uint64_t *word,
                                uint64_t *high)
{
    uint64_t w = 0, h = 0;
    for (int i = 0; i < 64; i++) {
        unsigned char c = ascii_class[p[i]];
        w |= (uint64_t)(c != 0 && c != 0x80) << i;
        h |= (uint64_t)(p[i] >= 0x80) << i;
        low[i] = c != 0 && c != 0x80 ? c : p[i];
    }
    *word = w;
    *high = h;
}

#if defined(__SSE2__)
#include <emmintrin.h>
static inline void classify64(const unsigned char *p, unsigned char *low, uint64_t *word,
                              uint64_t *high)
{
    uint64_t w = 0, h = 0;
    for (int q = 0; q < 4; q++) {
        __m128i x = _mm_loadu_si128((const __m128i *)(p + 16 * q));
        /* unsigned range checks as signed compares: shift the range to -128.. */
        __m128i lx = _mm_or_si128(x, _mm_set1_epi8(0x20));
        __m128i letter = _mm_cmplt_epi8(_mm_add_epi8(lx, _mm_set1_epi8((char)(0x80 - 'a'))),
                                        _mm_set1_epi8(-128 + 26));
        __m128i digit = _mm_cmplt_epi8(_mm_add_epi8(x, _mm_set1_epi8((char)(0x80 - '0'))),
                                       _mm_set1_epi8(-128 + 10));
        __m128i upper = _mm_cmplt_epi8(_mm_add_epi8(x, _mm_set1_epi8((char)(0x80 - 'A'))),
                                       _mm_set1_epi8(-128 + 26));
        _mm_storeu_si128((__m128i *)(low + 16 * q),
                         _mm_add_epi8(x, _mm_and_si128(upper, _mm_set1_epi8(0x20))));
        w |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_or_si128(letter, digit)) << (16 * q);
        h |= (uint64_t)(uint16_t)_mm_movemask_epi8(x) << (16 * q);
    }
    *word = w;
    *high = h;
}
#else
#define classify64 classify64_c
#endif

/* Classifies text[0..len) block by block into seg (word-or-non-ASCII bytes),
 * high (non-ASCII bytes) and low; the last block is padded with separators.
 * Returns the OR of all high words (0: the text is ASCII). */
#define CLASSIFY_TEXT(name, attr, classify)                                                        \
    attr static uint64_t name(const unsigned char *s, size_t len, unsigned char *low,              \
                              uint64_t *seg, uint64_t *high)                                       \
    {                                                                                              \
        size_t nblk = (len + 63) / 64;                                                             \
        uint64_t anyhigh = 0;                                                                      \
        for (size_t b = 0; b < nblk; b++) {                                                        \
            uint64_t w, h;                                                                         \
            if (64 * b + 64 <= len) {                                                              \
                classify(s + 64 * b, low + 64 * b, &w, &h);                                        \
            } else { /* the tail, padded with separators */                                        \
                unsigned char pad[64] = {0};                                                       \
                memcpy(pad, s + 64 * b, len - 64 * b);                                             \
                classify(pad, low + 64 * b, &w, &h);                                               \
            }                                                                                      \
            seg[b] = w | h;                                                                        \
            high[b] = h;                                                                           \
            anyhigh |= h;                                                                          \
        }                                                                                          \
        return anyhigh;                                                                            \
    }

CLASSIFY_TEXT(classify_text_c, , classify64_c)
CLASSIFY_TEXT(classify_text_base, , classify64)

/* x86-64 with GCC or Clang: AVX2 (two 32-byte halves) and AVX-512BW (the 64
 * bytes in one register, compares straight into bit masks), compiled for
 * those instruction sets with target attributes and chosen at run time, so
 * the build stays portable. */
#if defined(__x86_64__) && defined(__GNUC__) && defined(__SSE2__)
#define ND_HAVE_X86_SIMD 1
#include <immintrin.h>

__attribute__((target("avx2"))) static inline void classify64_avx2(const unsigned char *p,
                                                                   unsigned char *low,
                                                                   uint64_t *word, uint64_t *high)
{
    uint64_t w = 0, h = 0;
    for (int q = 0; q < 2; q++) {
        __m256i x = _mm256_loadu_si256((const __m256i *)(p + 32 * q));
        __m256i lx = _mm256_or_si256(x, _mm256_set1_epi8(0x20));
        __m256i letter = _mm256_cmpgt_epi8(_mm256_set1_epi8(-128 + 26),
                                           _mm256_add_epi8(lx, _mm256_set1_epi8((char)(0x80 - 'a'))));
        __m256i digit = _mm256_cmpgt_epi8(_mm256_set1_epi8(-128 + 10),
                                          _mm256_add_epi8(x, _mm256_set1_epi8((char)(0x80 - '0'))));
        __m256i upper = _mm256_cmpgt_epi8(_mm256_set1_epi8(-128 + 26),
                                          _mm256_add_epi8(x, _mm256_set1_epi8((char)(0x80 - 'A'))));
        _mm256_storeu_si256((__m256i *)(low + 32 * q),
                            _mm256_add_epi8(x, _mm256_and_si256(upper, _mm256_set1_epi8(0x20))));
        w |= (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_or_si256(letter, digit)) << (32 * q);
        h |= (uint64_t)(uint32_t)_mm256_movemask_epi8(x) << (32 * q);
    }
    *word = w;
    *high = h;
}

__attribute__((target("avx512f,avx512bw"))) static inline void
classify64_avx512(const unsigned char *p, unsigned char *low, uint64_t *word, uint64_t *high)
{
    __m512i x = _mm512_loadu_si512((const void *)p);
    __m512i lx = _mm512_or_si512(x, _mm512_set1_epi8(0x20));
    __mmask64 letter = _mm512_cmplt_epu8_mask(_mm512_sub_epi8(lx, _mm512_set1_epi8('a')),
                                              _mm512_set1_epi8(26));
    __mmask64 digit = _mm512_cmplt_epu8_mask(_mm512_sub_epi8(x, _mm512_set1_epi8('0')),
                                             _mm512_set1_epi8(10));
    __mmask64 upper = _mm512_cmplt_epu8_mask(_mm512_sub_epi8(x, _mm512_set1_epi8('A')),
                                             _mm512_set1_epi8(26));
    _mm512_storeu_si512((void *)low, _mm512_mask_add_epi8(x, upper, x, _mm512_set1_epi8(0x20)));
    *word = (uint64_t)(letter | digit);
    *high = (uint64_t)_mm512_movepi8_mask(x);
}

CLASSIFY_TEXT(classify_text_avx2, __attribute__((target("avx2"))), classify64_avx2)
CLASSIFY_TEXT(classify_text_avx512, __attribute__((target("avx512f,avx512bw"))), classify64_avx512)
#endif

/* The best classifier this CPU runs (libgcc's CPU check, which also asks the
 * OS whether it saves the AVX registers). */
int nd_tokenizer_simd_best(void)
{
#ifdef ND_HAVE_X86_SIMD
    if (nd_cpu_avx512()) return ND_SIMD_AVX512;
    if (__builtin_cpu_supports("avx2")) return ND_SIMD_AVX2;
#endif
    return ND_SIMD_BASE;
}

static uint64_t classify_text(const nd_tokenizer *tk, const unsigned char *s, size_t len,
                              unsigned char *low, uint64_t *seg, uint64_t *high)
{
    switch (tk->simd) {
#ifdef ND_HAVE_X86_SIMD
    case ND_SIMD_AVX512: return classify_text_avx512(s, len, low, seg, high);
    case ND_SIMD_AVX2: return classify_text_avx2(s, len, low, seg, high);
#endif
    case ND_SIMD_C: return classify_text_c(s, len, low, seg, high);
    default: return classify_text_base(s, len, low, seg, high);
    }
}

/* First position >= pos (< len) whose bit in m is `bit`, or len. */
static inline size_t next_bit(const uint64_t *m, size_t pos, size_t len, int bit)
{
    if (pos >= len) return len;
    size_t blk = pos >> 6, nblk = (len + 63) >> 6;
    uint64_t w = (bit ? m[blk] : ~m[blk]) & (~UINT64_C(0) << (pos & 63));
    while (!w) {
        if (++blk >= nblk) return len;
        w = bit ? m[blk] : ~m[blk];
    }
    size_t r = (blk << 6) + (size_t)__builtin_ctzll(w);
    return r < len ? r : len;
}

/* Whether any bit of m in [a, b) is set. */
static inline int any_bit(const uint64_t *m, size_t a, size_t b)
{
    return next_bit(m, a, b, 1) < b;
}

/* A text of ASCII only (most news text): every run of set bits in the word
 * mask is one word.  The runs' edges are the set bits of m ^ (m << 1), which
 * alternate start, end, start...: a few instructions per word.  The words'
 * spans first (hashes 0), then their hashes (ascii_words, 8 at a time in
 * ascii_words_avx512). */
static inline int ascii_spans(const uint64_t *m, size_t nblk, size_t len, nd_tokens *out)
{
    uint64_t carry = 0;
    size_t start = 0;
    int inside = 0;
    for (size_t b = 0; b < nblk; b++) {
        uint64_t edges = m[b] ^ (m[b] << 1 | carry);
        carry = m[b] >> 63;
        while (edges) {
            size_t pos = 64 * b + (size_t)__builtin_ctzll(edges);
            edges &= edges - 1;
            if (!inside) start = pos;
            else if (push_token(out, 0, start, pos)) return NEARDUP_E_NOMEM;
            inside = !inside;
        }
    }
    /* a word running to the end (the tail's padding ends it unless len % 64 == 0) */
    if (inside && push_token(out, 0, start, len)) return NEARDUP_E_NOMEM;
    return NEARDUP_OK;
}

static int ascii_words(nd_tokenizer *tk, const uint64_t *m, size_t nblk, size_t len,
                       const unsigned char *low, nd_tokens *out)
{
    size_t first = out->n;
    if (ascii_spans(m, nblk, len, out)) return NEARDUP_E_NOMEM;
    for (size_t i = first; i < out->n; i++)
        out->hash[i] = short_hash(tk, low + out->span[i].start, out->span[i].end - out->span[i].start);
    return NEARDUP_OK;
}

#ifdef ND_HAVE_XXH3_AVX512
/* short_hash of 8 words at once: their spans (start | end << 32 a lane) in,
 * hashes out.  Two gathers give the 8 bytes at the word's start and the 8
 * before its end, which hold every byte XXH3's three short formulas read
 * (see short_hash: the same arithmetic, lane by lane).  Words over 16 bytes
 * come out wrong here; the caller hashes them again. */
ND_AVX512_TARGET static inline __m512i short_hash8_avx512(const nd_tokenizer *tk, const unsigned char *low,
                                                        __m512i sp)
{
    const __m512i lo32 = _mm512_set1_epi64(0xffffffff), b8 = _mm512_set1_epi64(0xff);
    __m512i start = _mm512_and_si512(sp, lo32), end = _mm512_srli_epi64(sp, 32);
    __m512i len = _mm512_sub_epi64(end, start);
    __m512i a = _mm512_i64gather_epi64(start, (const void *)low, 1);
    __m512i e = _mm512_i64gather_epi64(_mm512_sub_epi64(end, _mm512_set1_epi64(8)), (const void *)low, 1);
    /* XXH3_len_1to3_64b */
    __m512i c1 = _mm512_and_si512(a, b8), c3 = _mm512_srli_epi64(e, 56);
    __m512i c2 = _mm512_and_si512(_mm512_srlv_epi64(a, _mm512_slli_epi64(_mm512_srli_epi64(len, 1), 3)), b8);
    __m512i h1 = _mm512_or_si512(_mm512_or_si512(_mm512_slli_epi64(c1, 16), _mm512_slli_epi64(c2, 24)),
                                 _mm512_or_si512(c3, _mm512_slli_epi64(len, 8)));
    h1 = _mm512_xor_si512(h1, _mm512_set1_epi64((long long)tk->flip1to3));
    h1 = _mm512_xor_si512(h1, _mm512_srli_epi64(h1, 33)); /* XXH64_avalanche */
    h1 = _mm512_mullo_epi64(h1, _mm512_set1_epi64((long long)XXH_PRIME64_2));
    h1 = _mm512_xor_si512(h1, _mm512_srli_epi64(h1, 29));
    h1 = _mm512_mullo_epi64(h1, _mm512_set1_epi64((long long)XXH_PRIME64_3));
    h1 = _mm512_xor_si512(h1, _mm512_srli_epi64(h1, 32));
    /* XXH3_len_4to8_64b: the first 4 bytes (a's low half) and the last 4 (e's high half) */
    const __m512i rr = _mm512_set1_epi64((long long)UINT64_C(0x9FB21C651E98DF25));
    __m512i h4 = _mm512_add_epi64(_mm512_srli_epi64(e, 32), _mm512_slli_epi64(a, 32));
    h4 = _mm512_xor_si512(h4, _mm512_set1_epi64((long long)tk->flip4to8));
    h4 = _mm512_xor_si512(h4, _mm512_xor_si512(_mm512_rol_epi64(h4, 49), _mm512_rol_epi64(h4, 24))); /* rrmxmx */
    h4 = _mm512_mullo_epi64(h4, rr);
    h4 = _mm512_xor_si512(h4, _mm512_add_epi64(_mm512_srli_epi64(h4, 35), len));
    h4 = _mm512_mullo_epi64(h4, rr);
    h4 = _mm512_xor_si512(h4, _mm512_srli_epi64(h4, 28));
    /* XXH3_len_9to16_64b */
    const __m512i swap = _mm512_set_epi8(8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7,
                                         8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7,
                                         8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7,
                                         8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
    __m512i lo = _mm512_xor_si512(a, _mm512_set1_epi64((long long)tk->flip9to16a));
    __m512i hi = _mm512_xor_si512(e, _mm512_set1_epi64((long long)tk->flip9to16b));
    __m512i h9 = _mm512_add_epi64(_mm512_add_epi64(len, _mm512_shuffle_epi8(lo, swap)),
                                  _mm512_add_epi64(hi, nd_fold128_avx512(lo, hi)));
    h9 = nd_xxh3_avalanche_avx512(h9);
    __m512i h = _mm512_mask_blend_epi64(_mm512_cmpge_epu64_mask(len, _mm512_set1_epi64(4)), h1, h4);
    return _mm512_mask_blend_epi64(_mm512_cmpgt_epu64_mask(len, _mm512_set1_epi64(8)), h, h9);
}

/* ascii_words in two passes: the spans of all words, then their hashes 8 at
 * a time (short_hash8_avx512; the last few and words over 16 bytes by
 * short_hash).  Same tokens. */
ND_AVX512_TARGET static int ascii_words_avx512(nd_tokenizer *tk, const uint64_t *m, size_t nblk, size_t len,
                                              const unsigned char *low, nd_tokens *out)
{
    size_t i = out->n;
    if (ascii_spans(m, nblk, len, out)) return NEARDUP_E_NOMEM;
    size_t n = out->n;
    const __m512i sixteen = _mm512_set1_epi64(16);
    for (; i + 8 <= n; i += 8) {
        __m512i sp = _mm512_loadu_si512((const void *)(out->span + i));
        _mm512_storeu_si512((void *)(out->hash + i), short_hash8_avx512(tk, low, sp));
        __m512i wlen = _mm512_sub_epi64(_mm512_srli_epi64(sp, 32), _mm512_and_si512(sp, _mm512_set1_epi64(0xffffffff)));
        unsigned long_words = _mm512_cmpgt_epu64_mask(wlen, sixteen);
        for (; long_words; long_words &= long_words - 1) {
            size_t j = i + (size_t)__builtin_ctz(long_words);
            out->hash[j] = short_hash(tk, low + out->span[j].start, out->span[j].end - out->span[j].start);
        }
    }
    for (; i < n; i++) out->hash[i] = short_hash(tk, low + out->span[i].start, out->span[i].end - out->span[i].start);
    return NEARDUP_OK;
}
#endif

/* Classifies the text 64 bytes at a time into two bit masks - word bytes
 * (ASCII letters and digits) and non-ASCII bytes - and a lower-cased copy.
 * Between ASCII separators lie stretches of word and non-ASCII bytes; one
 * without a non-ASCII byte is exactly one ASCII word, hashed straight from the
 * copy; the others (accents, other scripts, typographic quotes) go to the
 * byte-at-a-time tokenizer.  On news text this doubled the tokenizer's speed;
 * a test checks both paths give the same tokens on random mixed text. */
int nd_tokenize(nd_tokenizer *tk, const char *text, size_t len, nd_tokens *out,
                size_t *bad_offset, size_t *replaced)
{
    out->n = 0;
    if (replaced) *replaced = 0;
    if (len > UINT32_MAX) return NEARDUP_E_INPUT; /* spans are 32-bit */
    size_t nblk = (len + 63) / 64;
    if (nblk * 64 + 2 * LOW_PAD > tk->low_cap) {
        /* LOW_PAD readable bytes on each side for short_hash (zeros: their
         * values never matter, but they are defined) */
        size_t cap = tk->low_cap, need = nblk * 64 + 2 * LOW_PAD;
        unsigned char *mem = tk->low ? tk->low - LOW_PAD : NULL;
        if (nd_grow((void **)&mem, &cap, need, 1)) return NEARDUP_E_NOMEM;
        memset(mem, 0, cap);
        tk->low = mem + LOW_PAD;
        tk->low_cap = cap;
    }
    if (nd_grow((void **)&tk->seg, &tk->seg_cap, 2 * nblk + 1, sizeof *tk->seg))
        return NEARDUP_E_NOMEM;
    uint64_t *seg = tk->seg, *high = tk->seg + nblk; /* word-or-non-ASCII bytes; non-ASCII */
    unsigned char *low = tk->low;
    uint64_t anyhigh = classify_text(tk, (const unsigned char *)text, len, low, seg, high);
#ifdef ND_HAVE_XXH3_AVX512
    if (!anyhigh && tk->simd == ND_SIMD_AVX512) return ascii_words_avx512(tk, seg, nblk, len, low, out);
#endif
    if (!anyhigh) return ascii_words(tk, seg, nblk, len, low, out);
    size_t nbad = 0;
    for (size_t pos = 0;;) {
        size_t a = next_bit(seg, pos, len, 1);
        if (a >= len) break;
        size_t b = next_bit(seg, a, len, 0);
        if (!any_bit(high, a, b)) {
            if (push_token(out, short_hash(tk, low + a, b - a), a, b)) return NEARDUP_E_NOMEM;
        } else {
            int rc = nd_tokenize_range(tk, text, a, b, out, bad_offset, &nbad);
            if (rc) return rc;
        }
        pos = b;
    }
    if (replaced) *replaced = nbad;
    return NEARDUP_OK;
}
