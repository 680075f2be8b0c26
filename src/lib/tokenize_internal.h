/* tokenize_internal.h - what the tokenizer's two files share: tokenize.c
 * (the handle, the short-key hashes and the 64-byte fast path, nd_tokenize)
 * and tokenize_unicode.c (the byte-at-a-time tokenizer it hands every
 * stretch holding non-ASCII bytes to).  The handle's layout, the ASCII byte
 * classes, the token hash and the token append live here so that both keep
 * them inline; nothing outside the tokenizer includes this. */
#ifndef ND_TOKENIZE_INTERNAL_H
#define ND_TOKENIZE_INTERNAL_H

#include <utf8proc.h>
#include <xxhash.h> /* each file defines XXH_INLINE_ALL before including it */

#include "nd.h"
#include "tokenize.h"

struct nd_tokenizer {
    uint64_t seed;
    int lossy;
    int keyed;
    unsigned char secret[ND_SECRET_BYTES];
    char *buf; /* lower-cased ASCII token bytes */
    size_t buf_cap;
    unsigned char *low; /* the fast path's lower-cased copy of the text, after LOW_PAD bytes */
    size_t low_cap;
    /* XXH3's constants for keys of 1..16 bytes under this seed or secret
     * (see short_hash) */
    uint64_t flip1to3, flip4to8, flip9to16a, flip9to16b;
    int simd; /* the classifier: ND_SIMD_* (chosen at creation, see classify_text) */
    uint64_t *seg; /* the fast path's bit masks (see nd_tokenize) */
    size_t seg_cap;
    utf8proc_int32_t *cps; /* code points for utf8proc (also its output buffer) */
    size_t cps_cap;
};

/* Byte classes for the ASCII fast path: 0 separator, 0x80 a byte of a
 * multi-byte sequence (or invalid), else the lower-cased letter or digit.
 * A table instead of comparisons: word boundaries in text are unpredictable,
 * and the branches they cost dominated the tokenizer's profile. */
#define L_(c) (unsigned char)(c)
static const unsigned char ascii_class[256] = {
    ['0'] = L_('0'), ['1'] = L_('1'), ['2'] = L_('2'), ['3'] = L_('3'), ['4'] = L_('4'),
    ['5'] = L_('5'), ['6'] = L_('6'), ['7'] = L_('7'), ['8'] = L_('8'), ['9'] = L_('9'),
    ['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd', ['e'] = 'e', ['f'] = 'f', ['g'] = 'g',
    ['h'] = 'h', ['i'] = 'i', ['j'] = 'j', ['k'] = 'k', ['l'] = 'l', ['m'] = 'm', ['n'] = 'n',
    ['o'] = 'o', ['p'] = 'p', ['q'] = 'q', ['r'] = 'r', ['s'] = 's', ['t'] = 't', ['u'] = 'u',
    ['v'] = 'v', ['w'] = 'w', ['x'] = 'x', ['y'] = 'y', ['z'] = 'z',
    ['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e', ['F'] = 'f', ['G'] = 'g',
    ['H'] = 'h', ['I'] = 'i', ['J'] = 'j', ['K'] = 'k', ['L'] = 'l', ['M'] = 'm', ['N'] = 'n',
    ['O'] = 'o', ['P'] = 'p', ['Q'] = 'q', ['R'] = 'r', ['S'] = 's', ['T'] = 't', ['U'] = 'u',
    ['V'] = 'v', ['W'] = 'w', ['X'] = 'x', ['Y'] = 'y', ['Z'] = 'z',
#define H8_(b) [b] = 0x80, [b + 1] = 0x80, [b + 2] = 0x80, [b + 3] = 0x80, [b + 4] = 0x80,          \
               [b + 5] = 0x80, [b + 6] = 0x80, [b + 7] = 0x80
    H8_(0x80), H8_(0x88), H8_(0x90), H8_(0x98), H8_(0xa0), H8_(0xa8), H8_(0xb0), H8_(0xb8),
    H8_(0xc0), H8_(0xc8), H8_(0xd0), H8_(0xd8), H8_(0xe0), H8_(0xe8), H8_(0xf0), H8_(0xf8),
#undef H8_
};
#undef L_

/* The one token hash: seeded, or keyed with the secret. */
static inline uint64_t token_hash(const nd_tokenizer *tk, const char *p, size_t n)
{
    return tk->keyed ? XXH3_64bits_withSecret(p, n, tk->secret, sizeof tk->secret)
                     : XXH3_64bits_withSeed(p, n, tk->seed);
}

static inline int push_token(nd_tokens *out, uint64_t h, size_t start, size_t end)
{
    if (__builtin_expect(out->n == out->cap, 0)) {
        size_t cap = out->cap;
        if (nd_grow((void **)&out->hash, &cap, out->n + 1, sizeof *out->hash)) return -1;
        size_t cap2 = out->cap;
        if (nd_grow((void **)&out->span, &cap2, out->n + 1, sizeof *out->span)) return -1;
        out->cap = cap < cap2 ? cap : cap2;
    }
    out->hash[out->n] = h;
    out->span[out->n] = (nd_span){(uint32_t)start, (uint32_t)end};
    out->n++;
    return 0;
}

/* The byte-at-a-time tokenizer over text[from..to), appending to out with
 * offsets into the whole text.  Its state is "between words" at every ASCII
 * separator, so any range that starts and ends at one (or at the text's ends)
 * gives the tokens the whole text has there: nd_tokenize runs it only on the
 * stretches that hold non-ASCII bytes.  *nbad counts bytes skipped (lossy).
 * (tokenize_unicode.c) */
int nd_tokenize_range(nd_tokenizer *tk, const char *text, size_t from, size_t len, nd_tokens *out,
                      size_t *bad_offset, size_t *nbad_out);

/* The best 64-byte classifier this CPU runs: ND_SIMD_* (tokenize.c). */
int nd_tokenizer_simd_best(void);

#endif
