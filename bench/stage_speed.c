/* stage_speed.c - single-core throughput of each per-document stage on the
 * texts of a JSONL file: tokenizer (byte-at-a-time reference and the 64-byte
 * mask path, as the portable build runs it and with the best SIMD this CPU
 * has), shingling (portable and best), MinHash, and the XXH3-128 digest.  Best of R runs,
 * thread CPU time (these machines are shared: wall time is noise).
 *
 * build: make build/stage_speed   (or: cc -O2 -Iinclude -Isrc bench/stage_speed.c build/libneardup.a ...)
 * run:   zstd -dc ../shared/corpora/news-40k.jsonl.zst > /tmp/news.jsonl && build/stage_speed /tmp/news.jsonl */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "minhash.h"
#include "nd.h"
#include "shingle.h"
#include "simhash.h"
#include "tokenize.h"

typedef struct {
    char **text;
    size_t *len;
    size_t n, cap, bytes;
} texts;

static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int load(const char *path, texts *t)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    unsigned long lineno = 0;
    while ((got = getline(&line, &cap, f)) > 0) {
        lineno++;
        cJSON *j = cJSON_ParseWithLength(line, (size_t)got);
        const cJSON *x = cJSON_GetObjectItemCaseSensitive(j, "text");
        if (!cJSON_IsString(x)) {
            fprintf(stderr, "%s:%lu: no string \"text\" field\n", path, lineno);
            cJSON_Delete(j);
            continue;
        }
        if (nd_grow((void **)&t->text, &t->cap, t->n + 1, sizeof *t->text)) return -1;
        t->len = realloc(t->len, t->cap * sizeof *t->len);
        if (!t->len) return -1;
        t->len[t->n] = strlen(x->valuestring);
        t->text[t->n] = strdup(x->valuestring);
        t->bytes += t->len[t->n++];
        cJSON_Delete(j);
    }
    free(line);
    fclose(f);
    return 0;
}

enum { TOK_SCALAR, TOK_BASE, TOK_FAST, SHINGLE_BASE, SHINGLE, MINHASH, DIGEST, NSTAGES };
static const char *stage_name[NSTAGES] = {"tokenize (byte at a time)", "tokenize (64-byte masks, portable build: SSE2)",
                                          "tokenize (64-byte masks, best for this CPU)",
                                          "shingle (5-grams, XXH3, portable)", "shingle (5-grams, XXH3, best for this CPU)",
                                          "minhash (k = 128, OPH)", "digest (XXH3-128)"};

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: stage_speed FILE.jsonl [RUNS]\n");
        return 2;
    }
    int runs = argc > 2 ? atoi(argv[2]) : 5;
    texts t = {0};
    if (load(argv[1], &t)) return 1;
    nd_seeds s;
    nd_seeds_from_seed(&s, ND_DEFAULT_SEED);
    nd_minhasher *mh = nd_minhasher_new(128, s.sketch_seed); /* what the commands run */
    if (!mh) return 1;
    nd_tokenizer *tk = nd_tokenizer_create(s.token_seed, 1), *tk_base = nd_tokenizer_create(s.token_seed, 1);
    nd_tokenizer_simd(tk_base, ND_SIMD_BASE);
    nd_tokens tok = {0};
    /* Every document's tokens and shingles, so each stage is timed as one
     * loop over the corpus (a clock read per document cost more than XXH3). */
    size_t *toff = calloc(t.n + 1, sizeof *toff);
    uint64_t *all = NULL, check[3] = {0, 0, 0};
    size_t allcap = 0;
    for (size_t d = 0; d < t.n; d++) {
        size_t bad, rep;
        nd_tokenize(tk, t.text[d], t.len[d], &tok, &bad, &rep);
        if (nd_grow((void **)&all, &allcap, toff[d] + tok.n + 1, sizeof *all)) return 1;
        memcpy(all + toff[d], tok.hash, tok.n * sizeof *all);
        toff[d + 1] = toff[d] + tok.n;
    }
    size_t ntok = toff[t.n];
    uint64_t *sh = malloc((ntok + t.n + 1) * sizeof *sh);
    uint32_t sig[128];
    uint8_t dg[ND_DIGEST_BYTES];
    double best[NSTAGES];
    for (int st = 0; st < NSTAGES; st++) best[st] = 1e9;
    for (int r = 0; r < runs; r++) {
        for (int st = 0; st < NSTAGES; st++) {
            double t0 = cpu_now();
            size_t pos = 0;
            for (size_t d = 0; d < t.n; d++) {
                size_t bad, rep, nt = toff[d + 1] - toff[d], m = nd_shingle_count(nt, 5);
                nd_tokens view = {all + toff[d], NULL, nt, nt};
                switch (st) {
                case TOK_SCALAR:
                case TOK_BASE:
                case TOK_FAST:
                    (st == TOK_SCALAR ? nd_tokenize_scalar : nd_tokenize)(st == TOK_BASE ? tk_base : tk, t.text[d],
                                                                          t.len[d], &tok, &bad, &rep);
                    for (size_t i = 0; i < tok.n; i++) check[st] = check[st] * 31 + tok.hash[i] + tok.span[i].start;
                    break;
                case SHINGLE_BASE: nd_shingle_simd(all + toff[d], nt, 5, s.shingle_seed, sh + pos, ND_SIMD_BASE); break;
                case SHINGLE: nd_shingle(all + toff[d], nt, 5, s.shingle_seed, sh + pos); break;
                case MINHASH: nd_minhash_sig(mh, sh + pos, m, sig); break;
                case DIGEST: nd_digest_tokens(&view, dg); break;
                }
                pos += m;
            }
            double el = cpu_now() - t0;
            if (el < best[st]) best[st] = el;
        }
    }
    if (check[TOK_SCALAR] != check[TOK_FAST] || check[TOK_SCALAR] != check[TOK_BASE]) {
        fprintf(stderr, "the two tokenizers disagree\n");
        return 1;
    }
    printf("%zu documents, %.1f MB of text, %zu tokens; best of %d runs, one core (thread CPU time)\n",
           t.n, t.bytes / 1e6, ntok, runs);
    printf("| stage | seconds | MB/s of text | ns per token |\n|---|---|---|---|\n");
    for (int st = 0; st < NSTAGES; st++)
        printf("| %s | %.3f | %.0f | %.1f |\n", stage_name[st], best[st], t.bytes / 1e6 / best[st],
               best[st] * 1e9 / (double)ntok);
    printf("tokenizer speed-up (masks over byte at a time): %.2fx (portable build %.2fx); classifier level %d\n",
           best[TOK_SCALAR] / best[TOK_FAST], best[TOK_SCALAR] / best[TOK_BASE], nd_tokenizer_simd(tk, -1));
    nd_tokens_free(&tok);
    nd_tokenizer_free(tk);
    nd_tokenizer_free(tk_base);
    nd_minhasher_free(mh);
    free(sh);
    free(all);
    free(toff);
    for (size_t d = 0; d < t.n; d++) free(t.text[d]);
    free(t.text);
    free(t.len);
    return 0;
}
