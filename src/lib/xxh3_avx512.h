/* xxh3_avx512.h - pieces of XXH3 on 8 64-bit lanes (AVX-512), for the
 * tokenizer's word hashes and the shingle hashes.  Internal; functions carry
 * target attributes, so callers must check the CPU first. */
#ifndef ND_XXH3_AVX512_H
#define ND_XXH3_AVX512_H
#if defined(__x86_64__) && defined(__GNUC__)
#define ND_HAVE_XXH3_AVX512 1
#include <immintrin.h>

#define ND_AVX512_TARGET __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl")))

/* Whether this CPU (and OS) runs ND_AVX512_TARGET code (libgcc's check). */
static inline int nd_cpu_avx512(void)
{
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
}

/* XXH3_mul128_fold64 per lane: the 128-bit product of a and b, its halves
 * XORed.  AVX-512 has no 64 x 64 -> 128-bit multiply: four 32 x 32 -> 64
 * ones (vpmuludq) and the carries. */
ND_AVX512_TARGET static inline __m512i nd_fold128_avx512(__m512i a, __m512i b)
{
    const __m512i lo32 = _mm512_set1_epi64(0xffffffff);
    __m512i a1 = _mm512_srli_epi64(a, 32), b1 = _mm512_srli_epi64(b, 32);
    __m512i p00 = _mm512_mul_epu32(a, b), p01 = _mm512_mul_epu32(a, b1);
    __m512i p10 = _mm512_mul_epu32(a1, b), p11 = _mm512_mul_epu32(a1, b1);
    __m512i mid = _mm512_add_epi64(_mm512_srli_epi64(p00, 32),
                                   _mm512_add_epi64(_mm512_and_si512(p01, lo32), _mm512_and_si512(p10, lo32)));
    __m512i lo = _mm512_or_si512(_mm512_slli_epi64(mid, 32), _mm512_and_si512(p00, lo32));
    __m512i hi = _mm512_add_epi64(_mm512_add_epi64(p11, _mm512_srli_epi64(mid, 32)),
                                  _mm512_add_epi64(_mm512_srli_epi64(p01, 32), _mm512_srli_epi64(p10, 32)));
    return _mm512_xor_si512(lo, hi);
}

/* XXH3_avalanche per lane. */
ND_AVX512_TARGET static inline __m512i nd_xxh3_avalanche_avx512(__m512i h)
{
    h = _mm512_xor_si512(h, _mm512_srli_epi64(h, 37));
    h = _mm512_mullo_epi64(h, _mm512_set1_epi64((long long)UINT64_C(0x165667919E3779F9)));
    return _mm512_xor_si512(h, _mm512_srli_epi64(h, 32));
}
#endif
#endif
