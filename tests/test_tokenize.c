/* test_tokenize.c - words, offsets, NFKC + case fold, scripts without spaces,
 * invalid UTF-8, and the shingler's counts, hashes and set algebra. */
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "nd_test.h"
#include "shingle.h"
#include "tokenize.h"

static nd_seeds seeds(void)
{
    nd_seeds s;
    nd_seeds_from_seed(&s, ND_DEFAULT_SEED);
    return s;
}

/* Tokenizes s (strict) and returns the number of tokens; fails the test on error. */
static size_t tok(nd_tokenizer *tk, const char *s, nd_tokens *t)
{
    size_t bad = 0, rep = 0;
    assert_int_equal(nd_tokenize(tk, s, strlen(s), t, &bad, &rep), NEARDUP_OK);
    assert_int_equal(rep, 0);
    return t->n;
}

/* The hash of the single token in s. */
static uint64_t one(nd_tokenizer *tk, const char *s)
{
    nd_tokens t = {0};
    assert_int_equal(tok(tk, s, &t), 1);
    uint64_t h = t.hash[0];
    nd_tokens_free(&t);
    return h;
}

static void assert_norm(nd_tokenizer *tk, const char *in, const char *want)
{
    char buf[256];
    long n = nd_normalize_token(tk, in, strlen(in), buf, sizeof buf);
    assert_true(n >= 0);
    assert_string_equal(buf, want);
    assert_int_equal((size_t)n, strlen(want));
}

static void words_and_offsets(void **state)
{
    nd_tokenizer *tk = nd_tokenizer_create(seeds().token_seed, 0);
    nd_tokens t = {0};
    const char *s = "Hello, World! 42nd\tst.";
    assert_int_equal(tok(tk, s, &t), 4);
    const nd_span want[] = {{0, 5}, {7, 12}, {14, 18}, {19, 21}};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(t.span[i].start, want[i].start);
        assert_int_equal(t.span[i].end, want[i].end);
    }
    /* The hash is XXH3 of the normalised bytes with the token seed. */
    assert_true(t.hash[0] == XXH3_64bits_withSeed("hello", 5, seeds().token_seed));
    assert_true(t.hash[1] == one(tk, "WORLD"));
    assert_int_equal(tok(tk, "", &t), 0);
    assert_int_equal(tok(tk, "  ,.;!? \n\t-- ", &t), 0);
    /* Apostrophes and hyphens separate words. */
    assert_int_equal(tok(tk, "don't well-known", &t), 4);
    nd_tokens_free(&t);
    nd_tokenizer_free(tk);
}

static void accents_and_case(void **state)
{
    nd_tokenizer *tk = nd_tokenizer_create(1, 0);
    uint64_t cafe = one(tk, "caf\xc3\xa9");                 /* café, precomposed */
    assert_true(one(tk, "CAF\xc3\x89") == cafe);            /* CAFÉ */
    assert_true(one(tk, "cafe\xcc\x81") == cafe);           /* e + combining acute */
    assert_true(one(tk, "cafe") != cafe);                    /* the accent matters */
    assert_true(one(tk, "Stra\xc3\x9f" "e") == one(tk, "STRASSE")); /* ß folds to ss */
    /* Greek: final and medial sigma fold alike. */
    assert_true(one(tk, "\xce\xa3\xce\x8a\xce\xa3\xce\xa5\xce\xa6\xce\x9f\xce\xa3") ==
                one(tk, "\xcf\x83\xce\xaf\xcf\x83\xcf\x85\xcf\x86\xce\xbf\xcf\x82"));
    /* A combining mark continues the word; the span covers it. */
    nd_tokens t = {0};
    assert_int_equal(tok(tk, "cafe\xcc\x81 x", &t), 2);
    assert_int_equal(t.span[0].end, 6);
    /* A soft hyphen inside a word keeps it whole and is ignored. */
    assert_int_equal(tok(tk, "co\xc2\xad" "operate", &t), 1);
    assert_true(t.hash[0] == one(tk, "cooperate"));
    nd_tokens_free(&t);
    nd_tokenizer_free(tk);
}

static void compatibility_forms(void **state)
{
    nd_tokenizer *tk = nd_tokenizer_create(1, 0);
    assert_true(one(tk, "\xef\xac\x81nance") == one(tk, "finance"));         /* ﬁ ligature */
    assert_true(one(tk, "\xef\xbc\xa1\xef\xbc\xa2\xef\xbd\x83\xef\xbc\x91") == /* ＡＢｃ１ */
                one(tk, "abc1"));
    assert_true(one(tk, "\xe2\x91\xa0") == one(tk, "1"));                    /* ① */
    assert_norm(tk, "\xef\xac\x81", "fi");
    assert_norm(tk, "\xef\xbc\xa1\xef\xbc\xa2", "ab");
    assert_norm(tk, "Stra\xc3\x9f" "e", "strasse");
    nd_tokenizer_free(tk);
}

/* The ASCII fast path must equal utf8proc's NFKC_Casefold on every ASCII
 * letter and digit, alone and inside a token that takes the slow path. */
static void ascii_fast_path_matches_utf8proc(void **state)
{
    nd_tokenizer *tk = nd_tokenizer_create(7, 0);
    for (int c = 0; c < 128; c++) {
        char s[2] = {(char)c, 0}, want[2] = {(char)c, 0}, buf[8];
        int word = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        nd_tokens t = {0};
        size_t bad = 0;
        assert_int_equal(nd_tokenize(tk, s, 1, &t, &bad, NULL), NEARDUP_OK);
        assert_int_equal(t.n, (size_t)word);
        if (word) {
            if (c >= 'A' && c <= 'Z') want[0] = (char)(c + 32);
            assert_int_equal(nd_normalize_token(tk, s, 1, buf, sizeof buf), 1);
            assert_string_equal(buf, want);
            assert_true(t.hash[0] == XXH3_64bits_withSeed(want, 1, 7));
        }
        nd_tokens_free(&t);
    }
    /* "ABC" + U+00AD takes the utf8proc path; it must hash like "abc". */
    assert_true(one(tk, "ABC\xc2\xad") == one(tk, "abc"));
    nd_tokenizer_free(tk);
}

static void scripts_without_spaces(void **state)
{
    nd_tokenizer *tk = nd_tokenizer_create(1, 0);
    nd_tokens t = {0};
    /* 東京タワー: one token per character, 3 bytes each. */
    assert_int_equal(tok(tk, "\xe6\x9d\xb1\xe4\xba\xac\xe3\x82\xbf\xe3\x83\xaf\xe3\x83\xbc", &t), 5);
    for (uint32_t i = 0; i < 5; i++) {
        assert_int_equal(t.span[i].start, 3 * i);
        assert_int_equal(t.span[i].end, 3 * i + 3);
    }
    /* Mixed with Latin: "ABC漢字def" -> abc, 漢, 字, def. */
    assert_int_equal(tok(tk, "ABC\xe6\xbc\xa2\xe5\xad\x97" "def", &t), 4);
    assert_true(t.hash[0] == one(tk, "abc"));
    assert_true(t.hash[3] == one(tk, "def"));
    /* Thai: a consonant keeps its combining vowel/tone marks.  ที่ = 3 code
     * points, one base + two marks: one token of 9 bytes. */
    assert_int_equal(tok(tk, "\xe0\xb8\x97\xe0\xb8\xb5\xe0\xb9\x88", &t), 1);
    assert_int_equal(t.span[0].end, 9);
    /* Korean is written with spaces: Hangul syllables form words. */
    assert_int_equal(tok(tk, "\xed\x95\x9c\xea\xb5\xad \xec\x96\xb4", &t), 2);
    nd_tokens_free(&t);
    nd_tokenizer_free(tk);
}

static void emoji_and_symbols_separate(void **state)
{
    nd_tokenizer *tk = nd_tokenizer_create(1, 0);
    nd_tokens t = {0};
    /* a😀b 👍🏽 c€d: emoji and currency signs are not words. */
    const char *s = "a\xf0\x9f\x98\x80" "b \xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd c\xe2\x82\xac" "d";
    assert_int_equal(tok(tk, s, &t), 4);
    assert_int_equal(t.span[1].start, 5);
    assert_int_equal(t.span[1].end, 6);
    assert_int_equal(tok(tk, "\xf0\x9f\x98\x80\xf0\x9f\x98\x80", &t), 0);
    /* a lone variation selector (a mark that normalises to nothing; found by
     * fuzzing) is a token whose normal form is empty */
    assert_int_equal(tok(tk, "a \xef\xb8\x8f b", &t), 3);
    assert_true(t.hash[1] == XXH3_64bits_withSeed("", 0, 1));
    nd_tokens_free(&t);
    nd_tokenizer_free(tk);
}

static void invalid_utf8(void **state)
{
    nd_tokenizer *strict = nd_tokenizer_create(1, 0), *lossy = nd_tokenizer_create(1, 1);
    nd_tokens t = {0};
    size_t bad = 99, rep = 99;
    const char *cases[] = {"abc\xff" "def", "abc\xc3", "abc\xed\xa0\x80x", "abc\xc0\xaf", "abc\x80"};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t len = strlen(cases[i]);
        assert_int_equal(nd_tokenize(strict, cases[i], len, &t, &bad, &rep), NEARDUP_E_UTF8);
        assert_int_equal(bad, 3);
        assert_int_equal(nd_tokenize(lossy, cases[i], len, &t, &bad, &rep), NEARDUP_OK);
        assert_true(rep >= 1);
        assert_true(t.hash[0] == one(strict, "abc"));
    }
    /* Lossy: a bad byte separates words and is counted once per byte. */
    assert_int_equal(nd_tokenize(lossy, "ab\xff\xfe" "cd", 6, &t, &bad, &rep), NEARDUP_OK);
    assert_int_equal(t.n, 2);
    assert_int_equal(rep, 2);
    assert_int_equal(t.span[1].start, 4);
    /* NUL bytes are valid UTF-8 and separate words. */
    assert_int_equal(nd_tokenize(strict, "ab\0cd", 5, &t, &bad, &rep), NEARDUP_OK);
    assert_int_equal(t.n, 2);
    nd_tokens_free(&t);
    nd_tokenizer_free(strict);
    nd_tokenizer_free(lossy);
}

static void long_token_and_many_tokens(void **state)
{
    nd_tokenizer *tk = nd_tokenizer_create(1, 0);
    size_t n = 1 << 20;
    char *s = malloc(n + 1);
    memset(s, 'A', n);
    s[n] = 0;
    nd_tokens t = {0};
    assert_int_equal(tok(tk, s, &t), 1);
    assert_int_equal(t.span[0].end, n);
    for (size_t i = 1; i < n; i += 2) s[i] = ' ';
    assert_int_equal(tok(tk, s, &t), n / 2);
    free(s);
    nd_tokens_free(&t);
    nd_tokenizer_free(tk);
}

/* Pins the default seeds and a few hashes: changing any of them changes every
 * signature and makes existing indexes incompatible (bump the index version). */
static void golden_vectors(void **state)
{
    nd_seeds s = seeds();
    assert_true(ND_DEFAULT_SEED == UINT64_C(7954871460759433274));
    nd_tokenizer *tk = nd_tokenizer_create(s.token_seed, 0);
    nd_tokens t = {0};
    assert_int_equal(tok(tk, "The quick brown fox jumps over the lazy dog", &t), 9);
    uint64_t sh[5];
    assert_int_equal(nd_shingle(t.hash, t.n, 5, s.shingle_seed, sh), 5);
    assert_true(t.hash[0] == t.hash[6]); /* "The" == "the" */
    uint64_t golden_tok0 = XXH3_64bits_withSeed("the", 3, s.token_seed);
    assert_true(t.hash[0] == golden_tok0);
    assert_true(sh[0] == XXH3_64bits_withSeed(t.hash, 40, s.shingle_seed));
    /* Literal values computed once with libxxhash 0.8.1. */
    assert_true(s.token_seed == UINT64_C(6083681922940641260));
    assert_true(golden_tok0 == UINT64_C(15018874429022257263));
    assert_true(sh[0] == UINT64_C(15015990989166027597));
    nd_tokens_free(&t);
    nd_tokenizer_free(tk);
}

/* Keyed mode: token hashes come from XXH3 with the secret, not the seed. */
static void keyed_tokens(void **state)
{
    unsigned char secret[ND_SECRET_BYTES], other[ND_SECRET_BYTES];
    for (size_t i = 0; i < sizeof secret; i++) secret[i] = (unsigned char)(i * 37 + 11), other[i] = (unsigned char)(i * 91 + 3);
    nd_tokenizer *plain = nd_tokenizer_create(5, 0), *k1 = nd_tokenizer_create(5, 0),
                 *k2 = nd_tokenizer_create(5, 0);
    nd_tokenizer_set_secret(k1, secret);
    nd_tokenizer_set_secret(k2, other);
    assert_true(one(k1, "Hello") == XXH3_64bits_withSecret("hello", 5, secret, sizeof secret));
    assert_true(one(k1, "caf\xc3\xa9") == XXH3_64bits_withSecret("caf\xc3\xa9", 5, secret, sizeof secret));
    assert_true(one(k1, "Hello") != one(plain, "Hello"));
    assert_true(one(k1, "Hello") != one(k2, "Hello"));
    assert_true(one(k1, "HELLO") == one(k1, "hello"));
    nd_tokenizer_free(plain);
    nd_tokenizer_free(k1);
    nd_tokenizer_free(k2);
}

static void shingle_counts_and_sets(void **state)
{
    assert_int_equal(nd_shingle_count(0, 5), 0);
    assert_int_equal(nd_shingle_count(1, 5), 1);
    assert_int_equal(nd_shingle_count(4, 5), 1);
    assert_int_equal(nd_shingle_count(5, 5), 1);
    assert_int_equal(nd_shingle_count(9, 5), 5);
    uint64_t tok[9] = {1, 2, 3, 4, 5, 1, 2, 3, 4}, out[9];
    /* Short text: one shingle over all its tokens. */
    assert_int_equal(nd_shingle(tok, 3, 5, 9, out), 1);
    assert_true(out[0] == XXH3_64bits_withSeed(tok, 24, 9));
    /* Order matters; the same n-gram twice gives the same hash. */
    assert_int_equal(nd_shingle(tok, 9, 4, 9, out), 6);
    assert_true(out[0] == out[5]);
    assert_true(out[0] != out[1]);
    assert_int_equal(nd_hash_set(out, 6), 5);
    for (int i = 1; i < 5; i++) assert_true(out[i - 1] < out[i]);
    uint64_t a[] = {1, 3, 5, 7}, b[] = {3, 4, 5, 6, 7, 8};
    assert_int_equal(nd_set_intersection(a, 4, b, 6), 3);
    assert_true(nd_set_jaccard(a, 4, b, 6) == 3.0 / 7.0);
    assert_true(nd_set_jaccard(a, 0, b, 0) == 0.0);
    assert_true(nd_set_jaccard(a, 4, a, 4) == 1.0);
}

/* The classifier levels this machine runs (ND_SIMD_C .. the best). */
static int simd_levels(void)
{
    nd_tokenizer *tk = nd_tokenizer_create(1, 0);
    int best = nd_tokenizer_simd(tk, -1);
    nd_tokenizer_free(tk);
    return best + 1;
}

/* nd_tokenize at every classifier level against nd_tokenize_scalar on text[0..len). */
static void check_all_levels(nd_tokenizer **tk, const char *text, size_t len, nd_tokens *a, nd_tokens *b)
{
    for (int mode = 0; mode < 2; mode++) {
        size_t bad_b = 0, rep_b = 9;
        int rc_b = nd_tokenize_scalar(tk[mode], text, len, b, &bad_b, &rep_b);
        for (int level = ND_SIMD_C; level < simd_levels(); level++) {
            assert_int_equal(nd_tokenizer_simd(tk[mode], level), level);
            size_t bad_a = 0, rep_a = 7;
            int rc_a = nd_tokenize(tk[mode], text, len, a, &bad_a, &rep_a);
            assert_int_equal(rc_a, rc_b);
            if (rc_a == NEARDUP_E_UTF8) {
                assert_int_equal(bad_a, bad_b);
                continue;
            }
            assert_int_equal(rc_a, NEARDUP_OK);
            assert_int_equal(rep_a, rep_b);
            assert_int_equal(a->n, b->n);
            assert_memory_equal(a->hash, b->hash, a->n * sizeof *a->hash);
            assert_memory_equal(a->span, b->span, a->n * sizeof *a->span);
        }
    }
}

/* The 64-byte mask path (every classifier: plain C, SSE2, AVX2, AVX-512BW as
 * the CPU allows) and the byte-at-a-time tokenizer give the same tokens,
 * spans, errors and counts on random text mixing ASCII words of every length
 * (1..40: all of XXH3's short-key formulas), other scripts, marks,
 * ignorables, typographic quotes and invalid bytes, at every length across
 * the 64-byte block edges, seeded and keyed. */
static void fast_path_matches_reference(void **state)
{
    static const char *piece[] = {"a", "Z", "q", "9", "x", " ", ",", "\n", "-", "'", "Word", "the",
                                  "ABCDEFGHIJKLMNO", "abcdefghijklmnopqrstuvwxyz0123456789",
                                  "\xc3\xa9", "\xe2\x80\x99",
                                  "\xe4\xb8\xad", "\xc2\xad", "\xcc\x81", "\xff", "\xc3", "\xc3\x9f",
                                  "\xc4\xb0", "\xef\xbb\xbf", "\xe0\xb8\x81", "\t"};
    const size_t npiece = sizeof piece / sizeof *piece, nascii = 14;
    unsigned char secret[ND_SECRET_BYTES];
    for (size_t i = 0; i < sizeof secret; i++) secret[i] = (unsigned char)(i * 53 + 7);
    nd_tokenizer *tk[2] = {nd_tokenizer_create(5, 0), nd_tokenizer_create(5, 1)};
    nd_tokens a = {0}, b = {0};
    char text[700];
    uint64_t x = 88172645463325252u;
    for (int iter = 0; iter < 4000; iter++) {
        if (iter == 2000) /* the second half keyed */
            for (int m = 0; m < 2; m++) nd_tokenizer_set_secret(tk[m], secret);
        size_t len = 0, want = (size_t)(iter % 300);
        int ascii_only = iter % 3 == 0; /* mostly the fast path, as in news text */
        while (len < want) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            const char *p = piece[x % (ascii_only ? nascii : npiece)];
            size_t n = strlen(p);
            if (n > 3 && (x >> 40) % 2) n = 1 + (x >> 20) % n; /* a prefix: every word length */
            memcpy(text + len, p, n);
            len += n;
        }
        check_all_levels(tk, text, len, &a, &b);
    }
    nd_tokens_free(&a);
    nd_tokens_free(&b);
    nd_tokenizer_free(tk[0]);
    nd_tokenizer_free(tk[1]);
}

/* Random bytes of all 256 values, weighted to the edges of the classifier's
 * ranges ('/' '0' '9' ':' '@' 'A' 'Z' '[' '`' 'a' 'z' '{' 0x7f 0x80 0xff),
 * at every classifier level, against the byte-at-a-time tokenizer. */
static void classifiers_match_reference_on_random_bytes(void **state)
{
    static const unsigned char edge[] = {'/', '0', '9', ':', '@', 'A', 'Z', '[', '`', 'a', 'z', '{',
                                         0x7f, 0x80, 0xff, 0x00, ' ', 0xc0, 0xbf, 0xe2};
    nd_tokenizer *tk[2] = {nd_tokenizer_create(11, 0), nd_tokenizer_create(11, 1)};
    nd_tokens a = {0}, b = {0};
    char text[300];
    uint64_t x = 0x9e3779b97f4a7c15u;
    for (int iter = 0; iter < 3000; iter++) {
        size_t len = (size_t)(iter % 257);
        for (size_t i = 0; i < len; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            unsigned r = (unsigned)(x >> 32);
            text[i] = (char)(r % 4 == 0 ? edge[(r >> 8) % sizeof edge]
                             : r % 4 == 1 ? (unsigned char)(r >> 8) /* any byte */
                                          : (unsigned char)('a' + (r >> 8) % 26 - (r >> 16) % 2 * 32));
        }
        check_all_levels(tk, text, len, &a, &b);
    }
    nd_tokens_free(&a);
    nd_tokens_free(&b);
    nd_tokenizer_free(tk[0]);
    nd_tokenizer_free(tk[1]);
}

/* Every ASCII word of 1..48 bytes is hashed as XXH3 (seeded or keyed) of its
 * lower-cased bytes, wherever it lies: at the very start of the text (the
 * reads before the word), at its very end with the text a multiple of 64
 * bytes long (the reads after it), and inside; alone and among 2..23 words of
 * the same length (the AVX-512 path hashes 8 words at a time, the rest one
 * by one). */
static void word_hash_matches_xxh3_at_every_length(void **state)
{
    unsigned char secret[ND_SECRET_BYTES];
    for (size_t i = 0; i < sizeof secret; i++) secret[i] = (unsigned char)(i * 29 + 5);
    const uint64_t seed = UINT64_C(0xfedcba9876543210);
    nd_tokenizer *plain = nd_tokenizer_create(seed, 0), *keyed = nd_tokenizer_create(3, 0);
    nd_tokenizer_set_secret(keyed, secret);
    nd_tokens t = {0};
    char text[1280], lower[24][64];
    size_t at[24];
    uint64_t x = 12345;
    for (size_t n = 1; n <= 48; n++) {
        for (int rep = 0; rep < 12; rep++) {
            size_t nw = rep < 3 ? 1 : 2 + (size_t)rep * 2 % 22, len = 0;
            int where = rep % 3; /* 0: from the start, 1: to the end at a multiple of 64, 2: inside */
            size_t body = nw * (n + 1) - 1, total = where == 1 ? (body + 63) / 64 * 64 : body + (where ? 5 : 0);
            if (where) {
                memset(text, where == 1 ? ' ' : '.', total - body - (where == 2 ? 2 : 0));
                len = total - body - (where == 2 ? 2 : 0);
            }
            for (size_t w = 0; w < nw; w++) {
                if (w) text[len++] = (char)(w % 2 ? ' ' : ',');
                at[w] = len;
                for (size_t i = 0; i < n; i++) {
                    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                    static const char al[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
                    char c = al[x % 62];
                    text[len++] = c;
                    lower[w][i] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
                }
            }
            if (where == 2) text[len++] = '!', text[len++] = ' ';
            assert_true(where != 1 || len % 64 == 0);
            for (int level = ND_SIMD_C; level < simd_levels(); level++) {
                nd_tokenizer_simd(plain, level);
                nd_tokenizer_simd(keyed, level);
                size_t bad = 0, r = 0;
                assert_int_equal(nd_tokenize(plain, text, len, &t, &bad, &r), NEARDUP_OK);
                assert_int_equal(t.n, nw);
                for (size_t w = 0; w < nw; w++) {
                    assert_int_equal(t.span[w].start, at[w]);
                    assert_int_equal(t.span[w].end, at[w] + n);
                    assert_true(t.hash[w] == XXH3_64bits_withSeed(lower[w], n, seed));
                }
                assert_int_equal(nd_tokenize(keyed, text, len, &t, &bad, &r), NEARDUP_OK);
                assert_int_equal(t.n, nw);
                for (size_t w = 0; w < nw; w++)
                    assert_true(t.hash[w] == XXH3_64bits_withSecret(lower[w], n, secret, sizeof secret));
            }
        }
    }
    nd_tokens_free(&t);
    nd_tokenizer_free(plain);
    nd_tokenizer_free(keyed);
}

/* nd_shingle at every level (the AVX-512 5-gram path where the CPU has it,
 * 8 shingles at a time, and the scalar tail) equals XXH3 of the n token
 * hashes from the library, for random token hashes, 0..100 tokens, n 1..8. */
static void shingle_simd_matches_xxh3(void **state)
{
    uint64_t tok[100], out[100], x = 0x5eed;
    for (int iter = 0; iter < 3000; iter++) {
        size_t ntok = (size_t)(iter % 101);
        unsigned n = 1 + (unsigned)(iter / 101) % 8;
        uint64_t seed = iter % 7 == 0 ? 0 : x * 31;
        for (size_t i = 0; i < ntok; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            tok[i] = iter % 11 == 0 ? (x & 1 ? UINT64_MAX : 0) : x; /* extreme words too */
        }
        for (int level = ND_SIMD_C; level <= ND_SIMD_AVX512; level++) {
            size_t m = nd_shingle_simd(tok, ntok, n, seed, out, level);
            assert_int_equal(m, nd_shingle_count(ntok, n));
            size_t width = ntok < n ? ntok : n;
            for (size_t i = 0; i < m; i++)
                assert_true(out[i] == XXH3_64bits_withSeed(tok + i, width * sizeof *tok, seed));
        }
    }
}

/* nd_tokenizer_simd: never above what the CPU runs, levels below it as asked. */
static void simd_level_forcing(void **state)
{
    nd_tokenizer *tk = nd_tokenizer_create(1, 0);
    int best = nd_tokenizer_simd(tk, -1);
    assert_true(best >= ND_SIMD_BASE && best <= ND_SIMD_AVX512);
    assert_int_equal(nd_tokenizer_simd(tk, ND_SIMD_AVX512 + 5), best);
    assert_int_equal(nd_tokenizer_simd(tk, ND_SIMD_C), ND_SIMD_C);
    assert_int_equal(nd_tokenizer_simd(tk, -1), ND_SIMD_C);
    assert_int_equal(nd_tokenizer_simd(tk, ND_SIMD_BASE), ND_SIMD_BASE);
    print_message("classifier levels on this CPU: 0..%d\n", best);
    nd_tokenizer_free(tk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(words_and_offsets),
        cmocka_unit_test(accents_and_case),
        cmocka_unit_test(compatibility_forms),
        cmocka_unit_test(ascii_fast_path_matches_utf8proc),
        cmocka_unit_test(scripts_without_spaces),
        cmocka_unit_test(emoji_and_symbols_separate),
        cmocka_unit_test(invalid_utf8),
        cmocka_unit_test(long_token_and_many_tokens),
        cmocka_unit_test(golden_vectors),
        cmocka_unit_test(keyed_tokens),
        cmocka_unit_test(shingle_counts_and_sets),
        cmocka_unit_test(fast_path_matches_reference),
        cmocka_unit_test(classifiers_match_reference_on_random_bytes),
        cmocka_unit_test(word_hash_matches_xxh3_at_every_length),
        cmocka_unit_test(simd_level_forcing),
        cmocka_unit_test(shingle_simd_matches_xxh3),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
