/* reader_speed.c - how fast nd_reader_next delivers records, against `zstd -dc`.
 *
 * Build and run (from the repository root):
 *   make build/reader_speed && build/reader_speed [FILE] [TARGET_BYTES] [REPEATS]
 * Defaults: ../shared/corpora/news-40k.jsonl.zst, 4 MiB, 5.  Prints the best
 * wall time of REPEATS passes for the reader (records, lines, bytes), for
 * `zstd -dc FILE > /dev/null`, and their ratio; and the same with parsing
 * every record (nd_record_parse) added.  The file is read once first, so both
 * runs start from the page cache. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "nd.h"
#include "reader.h"
#include "record.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

/* One pass; returns seconds, or -1 on error (printed). */
static double pass(const char *file, size_t target, int parse, uint64_t *recs, uint64_t *bytes)
{
    nd_error err = {0, ""};
    double t0 = now();
    nd_reader *r = nd_reader_open(&file, 1, NULL, &err);
    if (!r) return fprintf(stderr, "%s\n", err.msg), -1;
    nd_record_parser *p = parse ? nd_record_parser_create(NULL) : NULL;
    nd_batch b = {0};
    int rc;
    *recs = *bytes = 0;
    while ((rc = nd_reader_next(r, &b, target, &err)) == 1) {
        *recs += b.n;
        *bytes += b.len;
        for (size_t i = 0; p && i < b.n; i++) {
            nd_doc d;
            if (nd_record_parse(p, &b.rec[i], b.buf + b.rec[i].off, file, &d, &err)) {
                fprintf(stderr, "%s\n", err.msg);
                break;
            }
        }
    }
    if (rc < 0) fprintf(stderr, "%s\n", err.msg);
    nd_batch_free(&b);
    nd_record_parser_free(p);
    nd_reader_free(r);
    return rc < 0 ? -1 : now() - t0;
}

static double zstd_cli(const char *file)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "zstd -qdc '%s' > /dev/null", file);
    double t0 = now();
    if (system(cmd) != 0) return -1;
    return now() - t0;
}

int main(int argc, char **argv)
{
    const char *file = argc > 1 ? argv[1] : "../shared/corpora/news-40k.jsonl.zst";
    size_t target = argc > 2 ? strtoull(argv[2], NULL, 0) : (size_t)4 << 20;
    int reps = argc > 3 ? atoi(argv[3]) : 5;
    uint64_t recs = 0, bytes = 0;
    double best_r = 1e9, best_z = 1e9, best_p = 1e9;
    if (pass(file, target, 0, &recs, &bytes) < 0) return 1; /* warm the page cache */
    for (int i = 0; i < reps; i++) {
        double r = pass(file, target, 0, &recs, &bytes), z = zstd_cli(file);
        double p = pass(file, target, 1, &recs, &bytes);
        if (r < 0 || z < 0 || p < 0) return 1;
        best_r = r < best_r ? r : best_r;
        best_z = z < best_z ? z : best_z;
        best_p = p < best_p ? p : best_p;
    }
    printf("file %s: %llu records, %.1f MB of record bytes, target %zu bytes, best of %d\n", file,
           (unsigned long long)recs, bytes / 1e6, target, reps);
    printf("nd_reader_next        %.3f s  %7.1f MB/s\n", best_r, bytes / 1e6 / best_r);
    printf("zstd -dc > /dev/null  %.3f s  %7.1f MB/s\n", best_z, bytes / 1e6 / best_z);
    printf("ratio reader / zstd   %.2f\n", best_r / best_z);
    printf("reader + json parse   %.3f s  %7.1f MB/s (1 thread)\n", best_p, bytes / 1e6 / best_p);
    return 0;
}
