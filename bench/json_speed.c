/* json_speed.c - single-core JSON parsing of every line of a JSONL file: jansson, cJSON, simdjson
 * (nd_json_simd_fields, when built with it) and nd_record_parse (what dedup runs: simdjson first,
 * then cJSON, then jansson), best of R passes each (the figures behind record.c's order of paths).
 * build: make build/json_speed
 * run:   zstd -dc ../shared/corpora/news-40k.jsonl.zst > build/news.jsonl &&
 *        build/json_speed build/news.jsonl [R] */
#include <cjson/cJSON.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nd.h"
#include "reader.h"
#include "record.h"
#ifdef ND_HAVE_SIMDJSON
#include "json_simd.h"
#endif

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

enum { JANSSON, CJSON, SIMDJSON, RECORD, NPARSERS };
static const char *const names[] = {"jansson", "cJSON", "simdjson (json_simd.cc)", "nd_record_parse"};

/* One pass of parser k over every line; the text bytes seen (a check that all ran). */
static size_t pass(int k, const char *b, size_t n, void *h)
{
    size_t tot = 0;
    uint64_t line = 0;
    for (const char *p = b; p < b + n;) {
        const char *e = memchr(p, '\n', (size_t)(b + n - p));
        if (!e) e = b + n;
        size_t len = (size_t)(e - p);
        line++;
        if (k == JANSSON) {
            json_error_t er;
            json_t *j = json_loadb(p, len, JSON_ALLOW_NUL, &er);
            tot += json_string_length(json_object_get(j, "text"));
            json_decref(j);
        } else if (k == CJSON) {
            cJSON *j = cJSON_ParseWithLength(p, len);
            const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "text");
            tot += cJSON_IsString(t) ? strlen(t->valuestring) : 0;
            cJSON_Delete(j);
#ifdef ND_HAVE_SIMDJSON
        } else if (k == SIMDJSON) {
            nd_json_fields f;
            if (nd_json_simd_fields(h, p, len, 0, "id", "text", &f)) tot += f.text_len;
#endif
        } else if (k == RECORD) {
            nd_raw_record rec = {0, len, 0, 1, line, ND_FORMAT_JSONL, 0};
            nd_doc d;
            nd_error err = {0, ""};
            if (nd_record_parse(h, &rec, p, "in", &d, &err) == NEARDUP_OK) tot += d.text_len;
        }
        p = e + 1;
    }
    return tot;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: json_speed FILE.jsonl [REPEATS]\n");
        return 2;
    }
    int reps = argc > 2 ? atoi(argv[2]) : 3;
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *b = malloc((size_t)n + 1);
    if (!b || fread(b, 1, (size_t)n, f) != (size_t)n) return 1;
    fclose(f);
    b[n] = 0;
    nd_record_parser *rp = nd_record_parser_create(NULL);
#ifdef ND_HAVE_SIMDJSON
    nd_json_simd *sj = nd_json_simd_create();
#else
    void *sj = NULL;
#endif
    printf("| parser | seconds (best of %d, one core) | MB/s | text MB |\n|---|---|---|---|\n", reps);
    for (int k = 0; k < NPARSERS; k++) {
        if (k == SIMDJSON && !sj) continue;
        double best = 1e9;
        size_t tot = 0;
        for (int r = 0; r < reps; r++) {
            double t0 = now();
            tot = pass(k, b, (size_t)n, k == SIMDJSON ? (void *)sj : (void *)rp);
            double t = now() - t0;
            best = t < best ? t : best;
        }
        printf("| %s | %.3f | %.0f | %.1f |\n", names[k], best, n / 1e6 / best, tot / 1e6);
    }
#ifdef ND_HAVE_SIMDJSON
    nd_json_simd_free(sj);
#endif
    nd_record_parser_free(rp);
    free(b);
    return 0;
}
