/* test_spans.c - packed token spans give back every span exactly: gaps and
 * lengths of 0, 254, 255 and more (kept whole as exceptions), spans that
 * touch or overlap their neighbour, texts of 1 to 300 tokens (across the
 * marks every 32 tokens), and the packed size stays near 2 bytes a token. */
#include <stdlib.h>
#include <string.h>

#include "nd_test.h"
#include "spans.h"
#include "tokenize.h"

static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* A gap or length: mostly short, sometimes right at the 255-byte edge or far past it. */
static uint32_t some_width(uint64_t *rng)
{
    static const uint32_t edge[] = {0, 1, 253, 254, 255, 256, 1000, 70000};
    uint64_t x = rng_next(rng);
    return x % 8 == 0 ? edge[x / 8 % 8] : (uint32_t)(x / 8 % 12);
}

static void check(const nd_span *sp, size_t n)
{
    size_t nexc, bytes = nd_spans_packed_bytes(sp, n, &nexc);
    assert_int_equal(bytes % 4, 0);
    uint32_t *mem = malloc(bytes + 64);
    memset(mem, 0xab, bytes + 64); /* guard bytes past the end stay as they are */
    nd_packed_spans p;
    nd_spans_pack(sp, n, nexc, mem, &p);
    for (size_t t = 0; t < n; t++) {
        nd_span got = nd_spans_get(&p, t);
        assert_int_equal(got.start, sp[t].start);
        assert_int_equal(got.end, sp[t].end);
    }
    for (size_t i = 0; i < 64; i++) assert_int_equal(((unsigned char *)mem)[bytes + i], 0xab);
    free(mem);
}

static void random_spans_come_back_exactly(void **state)
{
    uint64_t rng = 5;
    nd_span sp[300];
    for (int round = 0; round < 2000; round++) {
        size_t n = 1 + rng_next(&rng) % 300;
        uint32_t at = 0;
        for (size_t i = 0; i < n; i++) {
            uint64_t x = rng_next(&rng);
            if (i && x % 97 == 0) at = sp[i - 1].start; /* overlaps the token before */
            else at += some_width(&rng);
            sp[i].start = at;
            sp[i].end = at + some_width(&rng);
            at = sp[i].end;
        }
        check(sp, n);
    }
}

static void plain_text_packs_in_two_bytes_a_token(void **state)
{
    enum { N = 6400 };
    static nd_span sp[N];
    for (size_t i = 0; i < N; i++) sp[i] = (nd_span){(uint32_t)(6 * i), (uint32_t)(6 * i + 5)};
    size_t nexc, bytes = nd_spans_packed_bytes(sp, N, &nexc);
    assert_true(bytes <= 2 * N + 4 * (N / ND_SPAN_STRIDE + 1));
    check(sp, N);
}

static void a_text_of_long_words_is_all_exceptions(void **state)
{
    nd_span sp[130];
    for (size_t i = 0; i < 130; i++) sp[i] = (nd_span){(uint32_t)(400 * i), (uint32_t)(400 * i + 300)};
    check(sp, 130);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(random_spans_come_back_exactly),
        cmocka_unit_test(plain_text_packs_in_two_bytes_a_token),
        cmocka_unit_test(a_text_of_long_words_is_all_exceptions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
