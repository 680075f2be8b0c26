/* tokenize_unicode.c - the byte-at-a-time tokenizer: any UTF-8 text, one
 * code point at a time.  A word is a run of Unicode letters (L*), digits (N*)
 * and combining marks (M*), by utf8proc's categories; a format character (Cf:
 * soft hyphen, zero-width joiner) inside a word keeps it whole; each
 * character of a script written without spaces (Han, kana, Thai, Lao, Khmer,
 * Myanmar) is a token with its combining marks.  Tokens holding a non-ASCII
 * byte are normalised by utf8proc (NFKC_Casefold) before they are hashed,
 * ASCII ones are lower-cased.  nd_tokenize (tokenize.c) sends it only the
 * stretches of a text that hold non-ASCII bytes; nd_tokenize_scalar runs it
 * on the whole text, as the reference the tests compare the fast path with. */
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>
#define XXH_INLINE_ALL /* short keys: inlining XXH3 halves the per-token cost */
#include <xxhash.h>

#include "nd.h"
#include "tokenize.h"
#include "tokenize_internal.h"

#define ND_NORM_OPTS                                                                               \
    (UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE)

static int is_word_category(utf8proc_category_t c)
{
    switch (c) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
        return 1;
    default:
        return 0;
    }
}

static int is_mark(utf8proc_category_t c)
{
    return c == UTF8PROC_CATEGORY_MN || c == UTF8PROC_CATEGORY_MC || c == UTF8PROC_CATEGORY_ME;
}

/* Scripts written without spaces between words. */
static int is_spaceless(utf8proc_int32_t cp)
{
    return (cp >= 0x0E00 && cp <= 0x0EFF)     /* Thai, Lao */
        || (cp >= 0x1000 && cp <= 0x109F)     /* Myanmar */
        || (cp >= 0x1780 && cp <= 0x17FF)     /* Khmer */
        || (cp >= 0x3040 && cp <= 0x30FF)     /* Hiragana, Katakana */
        || (cp >= 0x31F0 && cp <= 0x31FF)     /* Katakana extensions */
        || (cp >= 0x3400 && cp <= 0x4DBF)     /* CJK extension A */
        || (cp >= 0x4E00 && cp <= 0x9FFF)     /* CJK unified ideographs */
        || (cp >= 0xF900 && cp <= 0xFAFF)     /* CJK compatibility ideographs */
        || (cp >= 0xFF66 && cp <= 0xFF9F)     /* half-width katakana */
        || (cp >= 0x20000 && cp <= 0x3FFFF);  /* CJK extensions B.. */
}

/* NFKC_Casefold of s[0..len) (valid UTF-8) into tk->cps, re-encoded as UTF-8
 * in place.  Returns the UTF-8 length, or -1 on error (bad input / memory). */
static long normalize(nd_tokenizer *tk, const char *s, size_t len, const char **out)
{
    for (;;) {
        utf8proc_ssize_t n = utf8proc_decompose((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len,
                                                tk->cps, (utf8proc_ssize_t)tk->cps_cap,
                                                (utf8proc_option_t)ND_NORM_OPTS);
        if (n < 0) return -1;
        if (n == 0) { /* only default-ignorable code points, e.g. a lone U+FE0F (found by fuzzing) */
            *out = "";
            return 0;
        }
        if ((size_t)n > tk->cps_cap) {
            if (nd_grow((void **)&tk->cps, &tk->cps_cap, (size_t)n, sizeof *tk->cps)) return -1;
            continue;
        }
        /* Composition and re-encoding happen in place; UTF-8 needs at most 4
         * bytes per code point, exactly the size of the int32 buffer. */
        utf8proc_ssize_t m = utf8proc_reencode(tk->cps, n, (utf8proc_option_t)ND_NORM_OPTS);
        if (m < 0) return -1;
        *out = (const char *)tk->cps;
        return (long)m;
    }
}

long nd_normalize_token(nd_tokenizer *tk, const char *s, size_t len, char *buf, size_t cap)
{
    const char *norm;
    long m = normalize(tk, s, len, &norm);
    if (m < 0) return -1;
    if (cap) {
        size_t c = (size_t)m < cap - 1 ? (size_t)m : cap - 1;
        memcpy(buf, norm, c);
        buf[c] = 0;
    }
    return m;
}

/* Hashes and appends the token text[start..end).  ascii: every byte is an
 * ASCII letter/digit, already lower-cased into tk->buf. */
static int emit(nd_tokenizer *tk, const char *text, size_t start, size_t end, int ascii,
                nd_tokens *out)
{
    uint64_t h;
    if (ascii) {
        h = token_hash(tk, tk->buf, end - start);
    } else {
        const char *norm;
        long m = normalize(tk, text + start, end - start, &norm);
        if (m < 0) return NEARDUP_E_NOMEM;
        h = token_hash(tk, norm, (size_t)m);
    }
    return push_token(out, h, start, end) ? NEARDUP_E_NOMEM : NEARDUP_OK;
}

/* The byte-at-a-time tokenizer (tokenize_internal.h says what it promises). */
int nd_tokenize_range(nd_tokenizer *tk, const char *text, size_t from, size_t len, nd_tokens *out,
                      size_t *bad_offset, size_t *nbad_out)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = from, start = 0, nb = 0, nbad = 0;
    int in_tok = 0, ascii = 1, rc;

#define FLUSH()                                                                                    \
    do {                                                                                           \
        if (in_tok) {                                                                              \
            if ((rc = emit(tk, text, start, i, ascii, out))) return rc;                            \
            in_tok = 0;                                                                            \
        }                                                                                          \
    } while (0)

    while (i < len) {
        unsigned char l = ascii_class[s[i]];
        if (l == 0) { /* a run of ASCII separators */
            FLUSH();
            do i++; while (i < len && ascii_class[s[i]] == 0);
            continue;
        }
        if (l != 0x80) { /* a run of ASCII letters and digits */
            size_t j = i;
            unsigned upper = 0;
            while (j < len && (l = ascii_class[s[j]]) != 0 && l != 0x80) upper |= l ^ s[j++];
            if (!in_tok && (j == len || ascii_class[s[j]] == 0)) {
                /* The common case, a whole ASCII word: hash it in place when
                 * it is already lower case. */
                const char *w = text + i;
                if (upper) {
                    if (nd_grow((void **)&tk->buf, &tk->buf_cap, j - i, 1)) return NEARDUP_E_NOMEM;
                    for (size_t q = i; q < j; q++) tk->buf[q - i] = (char)ascii_class[s[q]];
                    w = tk->buf;
                }
                if (push_token(out, token_hash(tk, w, j - i), i, j))
                    return NEARDUP_E_NOMEM;
                i = j;
                continue;
            }
            j = i;
            if (!in_tok) {
                in_tok = 1;
                ascii = 1;
                start = i;
                nb = 0;
            }
            
            while (j < len && (l = ascii_class[s[j]]) != 0 && l != 0x80) j++;
            if (ascii) {
                if (nd_grow((void **)&tk->buf, &tk->buf_cap, nb + (j - i), 1)) return NEARDUP_E_NOMEM;
                for (size_t q = i; q < j; q++) tk->buf[nb++] = (char)ascii_class[s[q]];
            }
            i = j;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(s + i, (utf8proc_ssize_t)(len - i), &cp);
        if (k < 0) {
            if (!tk->lossy) {
                if (bad_offset) *bad_offset = i;
                return NEARDUP_E_UTF8;
            }
            /* A bad byte separates words, exactly like a space would. */
            FLUSH();
            nbad++;
            i++;
            continue;
        }
        utf8proc_category_t cat = utf8proc_category(cp);
        if (cat == UTF8PROC_CATEGORY_CF && in_tok) {
            /* A soft hyphen or zero-width joiner inside a word keeps it whole;
             * normalisation removes it (default ignorable). */
            ascii = 0;
            i += (size_t)k;
            continue;
        }
        if (!is_word_category(cat)) {
            FLUSH();
            i += (size_t)k;
            continue;
        }
        if (is_spaceless(cp) && !is_mark(cat)) {
            FLUSH();
            /* One token: this character and the combining marks after it. */
            start = i;
            i += (size_t)k;
            while (i < len && s[i] >= 0x80) {
                utf8proc_ssize_t k2 = utf8proc_iterate(s + i, (utf8proc_ssize_t)(len - i), &cp);
                if (k2 < 0 || !is_mark(utf8proc_category(cp))) break;
                i += (size_t)k2;
            }
            in_tok = 1;
            ascii = 0;
            FLUSH();
            continue;
        }
        if (!in_tok) {
            in_tok = 1;
            start = i;
        }
        ascii = 0;
        i += (size_t)k;
    }
    FLUSH();
#undef FLUSH
    *nbad_out += nbad;
    return NEARDUP_OK;
}

int nd_tokenize_scalar(nd_tokenizer *tk, const char *text, size_t len, nd_tokens *out,
                       size_t *bad_offset, size_t *replaced)
{
    out->n = 0;
    if (replaced) *replaced = 0;
    if (len > UINT32_MAX) return NEARDUP_E_INPUT; /* spans are 32-bit */
    size_t nbad = 0;
    int rc = nd_tokenize_range(tk, text, 0, len, out, bad_offset, &nbad);
    if (replaced) *replaced = nbad;
    return rc;
}
