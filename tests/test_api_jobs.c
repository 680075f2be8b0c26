/* test_api_jobs.c - the public jobs over a corpus: the corpus, options,
 * pairs in each metric, dedup, overlap, align with options and --pairs, the
 * index (build, add, info, query in both modes), one corpus read by two jobs
 * at once; each checked against the command line's output on
 * tests/data/sample.jsonl (the neardup binary beside this test's directory). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "nd_test_cli.h"

static char neardup_bin[4096]; /* BUILD/neardup, from argv[0] = BUILD/tests/test_api_jobs */

static const char *T1 = "The central bank raised its key interest rate by a quarter point on Tuesday, "
                        "citing persistent inflation in services and a tight labour market.";
static const char *T2 = "Markets were calm ahead of the holiday weekend as investors waited for data.";

/* ---------- jobs over a corpus, against the command line ---------- */

#define SAMPLE "tests/data/sample.jsonl"

/* The standard output of `neardup ARGS`. */
static char *cli(const char *args)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "%s %s", neardup_bin, args);
    return run_sh(cmd);
}

static neardup_corpus *sample(void)
{
    neardup_corpus *c = neardup_corpus_create();
    neardup_error e;
    assert_int_equal(neardup_corpus_read(c, SAMPLE, NULL, NULL, &e), NEARDUP_OK);
    assert_int_equal(e.status, 0);
    assert_int_equal(neardup_corpus_count(c), 30);
    return c;
}

static const char *id_of(const neardup_corpus *c, size_t i, int *len)
{
    size_t n;
    const char *s = neardup_corpus_id(c, i, &n);
    *len = (int)n;
    return s;
}

static void corpus(void **state)
{
    neardup_corpus *c = neardup_corpus_create();
    neardup_error e;
    size_t n;
    assert_int_equal(neardup_corpus_add(c, NULL, 0, T1, strlen(T1), &e), NEARDUP_OK);
    assert_int_equal(neardup_corpus_add(c, "b\0x", 3, "", 0, NULL), NEARDUP_OK);
    assert_int_equal(neardup_corpus_count(c), 2);
    assert_memory_equal(neardup_corpus_id(c, 0, &n), "0", 1);
    assert_int_equal(n, 1);
    assert_memory_equal(neardup_corpus_id(c, 1, &n), "b\0x", 3);
    assert_int_equal(n, 3);
    assert_memory_equal(neardup_corpus_text(c, 0, &n), T1, strlen(T1));
    assert_null(neardup_corpus_id(c, 2, &n));
    /* a file that is not there: an error naming it, nothing added */
    assert_int_equal(neardup_corpus_read(c, "tests/data/no-such-file.jsonl", NULL, NULL, &e), NEARDUP_E_INPUT);
    assert_non_null(strstr(e.message, "no-such-file.jsonl"));
    assert_int_equal(neardup_corpus_count(c), 2);
    /* two texts with one id: the job refuses, naming it */
    assert_int_equal(neardup_corpus_add(c, "b\0x", 3, T2, strlen(T2), NULL), NEARDUP_OK);
    neardup_pair *p;
    assert_int_equal(neardup_pairs(NULL, c, &p, &n, &e), NEARDUP_E_INPUT);
    assert_int_equal(e.status, NEARDUP_E_INPUT);
    neardup_corpus_free(c);
    neardup_corpus_free(NULL);
    /* an empty corpus: every job runs and finds nothing */
    c = neardup_corpus_create();
    size_t dup0;
    neardup_overlap_pair *op;
    assert_int_equal(neardup_pairs(NULL, c, &p, &n, &e), NEARDUP_OK);
    assert_int_equal(n, 0);
    assert_null(p);
    assert_int_equal(neardup_dedup(NULL, c, &dup0, NULL, &e), NEARDUP_OK);
    assert_int_equal(neardup_overlap(NULL, c, &op, &n, &e), NEARDUP_OK);
    assert_int_equal(n, 0);
    neardup_corpus_free(c);
    /* invalid UTF-8: refused by the job in strict mode, read past in lossy mode */
    c = neardup_corpus_create();
    neardup_corpus_add(c, NULL, 0, "ab\xff cd", 6, NULL);
    assert_int_equal(neardup_pairs(NULL, c, &p, &n, &e), NEARDUP_E_UTF8);
    assert_non_null(strstr(e.message, "corpus:1: text 0 (id 0): invalid UTF-8 at byte 2"));
    neardup_options o;
    neardup_options_default(&o);
    o.params.lossy = 1;
    assert_int_equal(neardup_pairs(&o, c, &p, &n, &e), NEARDUP_OK);
    assert_int_equal(n, 0);
    o.params.k = 0;
    assert_int_equal(neardup_pairs(&o, c, &p, &n, &e), NEARDUP_E_USAGE);
    neardup_corpus_free(c);
}

static void options(void **state)
{
    neardup_options o;
    neardup_options_default(&o);
    assert_int_equal(o.params.ngram, 5);
    assert_int_equal(o.params.k, 128);
    assert_true(o.params.threshold == 0.8);
    assert_int_equal(o.metric, NEARDUP_METRIC_JACCARD);
    assert_int_equal(o.min_words, 20);
    assert_int_equal(o.max_df, 50);
    assert_int_equal(o.distance, 3);
    assert_int_equal(o.threads, 0);
}

/* neardup_pairs in each metric prints what `neardup pairs --format tsv` does */
static void pairs_each_metric(void **state)
{
    static const char *metric[] = {"jaccard", "simhash", "exact", "containment"};
    static const char *score[] = {"jaccard", "hamming", "jaccard", "containment"};
    neardup_corpus *c = sample();
    for (int m = 0; m < 5; m++) {
        neardup_options o;
        neardup_options_default(&o);
        o.metric = (neardup_metric)(m < 4 ? m : 0);
        o.exact = m == 4;
        o.threads = 2;
        neardup_pair *p;
        size_t n;
        neardup_error e;
        assert_int_equal(neardup_pairs(&o, c, &p, &n, &e), NEARDUP_OK);
        char *mine = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&mine, &len);
        fprintf(f, "a\tb\t%s\n", score[o.metric]);
        for (size_t i = 0; i < n; i++) {
            int la, lb;
            const char *a = id_of(c, p[i].a, &la), *b = id_of(c, p[i].b, &lb);
            if (o.metric == NEARDUP_METRIC_SIMHASH) fprintf(f, "%.*s\t%.*s\t%d\n", la, a, lb, b, (int)p[i].jaccard);
            else fprintf(f, "%.*s\t%.*s\t%.6g\n", la, a, lb, b, p[i].jaccard);
        }
        fclose(f);
        char args[256];
        snprintf(args, sizeof args, "pairs " SAMPLE " -q --format tsv --metric %s%s", metric[o.metric],
                 m == 4 ? " --exact" : "");
        char *want = cli(args);
        assert_true(n > 0);
        assert_string_equal(mine, want);
        free(mine);
        free(want);
        neardup_pairs_free(p);
    }
    neardup_corpus_free(c);
}

/* One corpus, two jobs at once on two threads: the same pairs. */
typedef struct {
    const neardup_corpus *c;
    neardup_pair *p;
    size_t n;
    int rc;
} pairs_job;

static void *run_pairs(void *arg)
{
    pairs_job *j = arg;
    neardup_options o;
    neardup_options_default(&o);
    o.threads = 2;
    j->rc = neardup_pairs(&o, j->c, &j->p, &j->n, NULL);
    return NULL;
}

static void shared_corpus(void **state)
{
    neardup_corpus *c = sample();
    pairs_job j[2] = {{c, NULL, 0, -1}, {c, NULL, 0, -1}};
    pthread_t t[2];
    for (int i = 0; i < 2; i++) pthread_create(&t[i], NULL, run_pairs, &j[i]);
    for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);
    assert_int_equal(j[0].rc, NEARDUP_OK);
    assert_int_equal(j[1].rc, NEARDUP_OK);
    assert_int_equal(j[0].n, j[1].n);
    assert_true(j[0].n > 0);
    assert_memory_equal(j[0].p, j[1].p, j[0].n * sizeof *j[0].p);
    neardup_pairs_free(j[0].p);
    neardup_pairs_free(j[1].p);
    neardup_corpus_free(c);
}

/* neardup_dedup decides as `neardup dedup --removed` */
static void dedup_as_cli(void **state)
{
    neardup_corpus *c = sample();
    size_t dup[30];
    double score[30];
    neardup_error e;
    assert_int_equal(neardup_dedup(NULL, c, dup, score, &e), NEARDUP_OK);
    char *mine = NULL;
    size_t len = 0, removed = 0;
    FILE *f = open_memstream(&mine, &len);
    for (size_t i = 0; i < 30; i++) {
        if (dup[i] == (size_t)-1) {
            assert_true(score[i] == -1);
            continue;
        }
        int la, lb;
        const char *a = id_of(c, i, &la), *b = id_of(c, dup[i], &lb);
        fprintf(f, "{\"id\": \"%.*s\", \"duplicate_of\": \"%.*s\", \"score\": %.6g\n", la, a, lb, b, score[i]);
        removed++;
    }
    fclose(f);
    char *want = cli("dedup " SAMPLE " -q -o /dev/null --removed - | sed 's/, \"cluster\".*//'");
    assert_true(removed > 0);
    assert_string_equal(mine, want);
    free(mine);
    free(want);
    neardup_corpus_free(c);
}

/* The passages as the JSONL of overlap and align carry them (the fields the
 * public passage has). */
static void put_passages(FILE *f, const neardup_passage *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(f, " %zu %zu %zu %zu %u %.4g %u", p[i].a_start, p[i].a_end, p[i].b_start, p[i].b_end, p[i].words,
                p[i].identity, p[i].matches);
}
/* sed turning those JSONL records into the same fields */
#define SED_PASSAGES "sed -e 's/\"[a-z_]*\": //g' -e 's/[][{}]//g' -e 's/, /,/g' | awk -F, '{" \
    "printf \"%s %s\", $1, $2; for (i = 6; i + 9 <= NF; i += 10) printf \" %s %s %s %s %s %s %s\", $i, $(i+1), " \
    "$(i+2), $(i+3), $(i+4), $(i+5), $(i+6); print \"\"}' | tr -d '\"'"

static void overlap_as_cli(void **state)
{
    neardup_corpus *c = sample();
    for (int edited = 0; edited < 2; edited++) {
        neardup_options o;
        neardup_options_default(&o);
        o.edited = edited;
        neardup_overlap_pair *p;
        size_t n;
        neardup_error e;
        assert_int_equal(neardup_overlap(&o, c, &p, &n, &e), NEARDUP_OK);
        char *mine = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&mine, &len);
        for (size_t i = 0; i < n; i++) {
            int la, lb;
            const char *a = id_of(c, p[i].a, &la), *b = id_of(c, p[i].b, &lb);
            fprintf(f, "%.*s %.*s", la, a, lb, b);
            put_passages(f, p[i].passages, p[i].npassages);
            fputc('\n', f);
        }
        fclose(f);
        /* overlap's records: a, b, shared_words, containment_a, containment_b, then 10 fields a passage */
        char *want = cli(edited ? "overlap " SAMPLE " -q --format jsonl --edited | " SED_PASSAGES
                                : "overlap " SAMPLE " -q --format jsonl | " SED_PASSAGES);
        assert_true(n >= 5);
        assert_string_equal(mine, want);
        free(mine);
        free(want);
        neardup_overlap_free(p, n);
    }
    neardup_overlap_free(NULL, 0);
    neardup_corpus_free(c);
}

static void align_as_cli(void **state)
{
    neardup_corpus *c = neardup_corpus_create();
    assert_int_equal(neardup_corpus_read(c, "tests/data/seeds", NULL, NULL, NULL), NEARDUP_OK);
    assert_int_equal(neardup_corpus_count(c), 2);
    size_t la, lb;
    const char *a = neardup_corpus_text(c, 0, &la), *b = neardup_corpus_text(c, 1, &lb);
    for (int edited = 0; edited < 2; edited++) {
        neardup_options o;
        neardup_options_default(&o);
        if (!edited) o.edited = 0; /* default: exact and rewritten, as `neardup align` */
        neardup_passage *p;
        size_t n;
        neardup_error e;
        assert_int_equal(neardup_align_opts(&o, a, la, b, lb, &p, &n, &e), NEARDUP_OK);
        char *mine = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&mine, &len);
        for (size_t i = 0; i < n; i++) {
            fprintf(f, "x y");
            put_passages(f, p + i, 1);
            fputc('\n', f);
        }
        fclose(f);
        /* align's records: a, b, then the passage's 10 fields; shaped as overlap's */
        char *want = cli(edited ? "align tests/data/seeds/*.txt -q --format jsonl | sed 's/\"b\": [^,]*,/& 0, 0, 0,/' "
                                  "| sed 's/\"a\": [^,]*, \"b\": [^,]*,/\"a\": x, \"b\": y,/' | " SED_PASSAGES
                                : "align tests/data/seeds/*.txt -q --verbatim --format jsonl | sed 's/\"b\": [^,]*,/& 0, 0, 0,/' "
                                  "| sed 's/\"a\": [^,]*, \"b\": [^,]*,/\"a\": x, \"b\": y,/' | " SED_PASSAGES);
        assert_true(n >= 1);
        assert_string_equal(mine, want);
        free(mine);
        free(want);
        neardup_passages_free(p);
    }
    /* errors name the side */
    neardup_passage *p;
    size_t n;
    neardup_error e;
    assert_int_equal(neardup_align_opts(NULL, a, la, "x\xfe", 2, &p, &n, &e), NEARDUP_E_UTF8);
    assert_non_null(strstr(e.message, "text b"));
    neardup_corpus_free(c);
}

/* neardup_align_pairs aligns given pairs as `neardup align --pairs` does:
 * the pairs overlap found, aligned with align's options (rewritten too). */
static void align_pairs_as_cli(void **state)
{
    neardup_corpus *c = sample();
    neardup_overlap_pair *ov, *p;
    size_t nov, n;
    neardup_error e;
    assert_int_equal(neardup_overlap(NULL, c, &ov, &nov, &e), NEARDUP_OK);
    size_t a[64], b[64];
    assert_true(nov > 0 && nov <= 64);
    for (size_t i = 0; i < nov; i++) a[i] = ov[i].b, b[i] = ov[i].a; /* either order */
    assert_int_equal(neardup_align_pairs(NULL, c, a, b, nov, &p, &n, &e), NEARDUP_OK);
    char *mine = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&mine, &len);
    for (size_t i = 0; i < n; i++) {
        int la, lb;
        const char *x = id_of(c, p[i].a, &la), *y = id_of(c, p[i].b, &lb);
        fprintf(f, "%.*s %.*s", la, x, lb, y);
        put_passages(f, p[i].passages, p[i].npassages);
        fputc('\n', f);
    }
    fclose(f);
    char dir[] = "/tmp/nd_test_api.XXXXXX", cmd[8192];
    assert_non_null(mkdtemp(dir));
    snprintf(cmd, sizeof cmd, "%s/pairs.tsv", dir);
    f = fopen(cmd, "w");
    for (size_t i = 0; i < nov; i++) {
        int la, lb;
        const char *x = id_of(c, a[i], &la), *y = id_of(c, b[i], &lb);
        fprintf(f, "%.*s\t%.*s\n", la, x, lb, y);
    }
    fclose(f);
    snprintf(cmd, sizeof cmd, "align --pairs %s/pairs.tsv " SAMPLE " -q --format jsonl | %s; rm -rf %s", dir,
             SED_PASSAGES, dir);
    char *want = cli(cmd);
    assert_int_equal(n, nov);
    assert_string_equal(mine, want);
    free(mine);
    free(want);
    neardup_overlap_free(p, n);
    a[0] = 30;
    assert_int_equal(neardup_align_pairs(NULL, c, a, b, 1, &p, &n, &e), NEARDUP_E_USAGE);
    assert_null(p);
    neardup_overlap_free(ov, nov);
    neardup_corpus_free(c);
}

/* The index file neardup_index_build writes is the one `neardup index build`
 * writes; add appends as `index add`; query lists what `neardup query` does. */
static void index_as_cli(void **state)
{
    char dir[] = "/tmp/nd_test_api.XXXXXX", path[256], cmd[1024];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/api.ndx", dir);
    neardup_corpus *c = sample();
    neardup_error e;
    neardup_options o;
    neardup_options_default(&o);
    o.threads = 2;
    assert_int_equal(neardup_index_build(path, &o, c, &e), NEARDUP_OK);
    snprintf(cmd, sizeof cmd, "index build " SAMPLE " -q -j 2 -o %s/cli.ndx && cmp %s/cli.ndx %s && echo same", dir, dir,
             path);
    char *same = cli(cmd);
    assert_string_equal(same, "same\n");
    free(same);
    snprintf(path, sizeof path, "%s/api.ndx.zst", dir);
    assert_int_equal(neardup_index_build(path, &o, c, &e), NEARDUP_E_USAGE);
    snprintf(path, sizeof path, "%s/api.ndx", dir);
    /* query in both modes: the references the CLI lists, in its order */
    neardup_index *ix = neardup_index_open(path, &e);
    assert_non_null(ix);
    neardup_index_info info;
    neardup_index_get_info(ix, &info);
    assert_int_equal(info.docs, 30);
    assert_int_equal(info.ngram, 5);
    assert_int_equal(info.k, 128);
    assert_int_equal(info.bands, 14);
    assert_int_equal(info.rows, 9);
    assert_int_equal(info.min_words, 20);
    assert_int_equal(info.keyed, 0);
    assert_true(info.seed == NEARDUP_DEFAULT_SEED);
    size_t il;
    const char *id0 = neardup_index_id(ix, 0, &il);
    assert_non_null(id0);
    assert_memory_equal(id0, neardup_corpus_id(c, 0, NULL), il);
    assert_null(neardup_index_id(ix, 30, &il));
    for (int mode = 0; mode < 2; mode++) {
        neardup_match *m;
        size_t n;
        assert_int_equal(neardup_index_query(ix, mode ? &o : NULL, (neardup_query_mode)mode, c, &m, &n, &e), NEARDUP_OK);
        char *mine = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&mine, &len);
        for (size_t i = 0; i < n; i++) {
            int la;
            const char *a = id_of(c, m[i].query, &la);
            fprintf(f, "%.*s %.*s", la, a, (int)m[i].ref_id_len, m[i].ref_id);
            if (!mode) fprintf(f, " %.6g", m[i].score);
            put_passages(f, m[i].passages, m[i].npassages);
            fputc('\n', f);
        }
        fclose(f);
        snprintf(cmd, sizeof cmd, "query %s " SAMPLE " -q --format jsonl%s | %s", path, mode ? " --mode overlap" : "",
                 mode ? SED_PASSAGES : "sed -e 's/\"[a-z]*\": //g' -e 's/[{}\",]//g'");
        char *want = cli(cmd);
        assert_true(n >= 30); /* every text finds itself */
        assert_string_equal(mine, want);
        free(mine);
        free(want);
        neardup_matches_free(m, n);
    }
    neardup_index_close(ix);
    neardup_index_close(NULL);
    /* add: the file `index add` makes */
    neardup_corpus *more = neardup_corpus_create();
    assert_int_equal(neardup_corpus_add(more, "new-1", 5, T1, strlen(T1), &e), NEARDUP_OK);
    assert_int_equal(neardup_index_add(path, more, &e), NEARDUP_OK);
    snprintf(cmd, sizeof cmd, "%s/more.jsonl", dir);
    FILE *f = fopen(cmd, "w");
    assert_non_null(f);
    fprintf(f, "{\"id\": \"new-1\", \"text\": \"%s\"}\n", T1);
    fclose(f);
    snprintf(cmd, sizeof cmd, "index add %s/cli.ndx %s/more.jsonl -q && cmp %s/cli.ndx %s && echo same", dir, dir, dir,
             path);
    same = cli(cmd);
    assert_string_equal(same, "same\n");
    free(same);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
    neardup_corpus_free(more);
    neardup_corpus_free(c);
}

int main(int argc, char **argv)
{
    const char *slash = strrchr(argv[0], '/');
    snprintf(neardup_bin, sizeof neardup_bin, "%.*s/../neardup", slash ? (int)(slash - argv[0]) : 1,
             slash ? argv[0] : ".");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(corpus),             cmocka_unit_test(options),
        cmocka_unit_test(pairs_each_metric),  cmocka_unit_test(dedup_as_cli),
        cmocka_unit_test(overlap_as_cli),     cmocka_unit_test(align_as_cli),
        cmocka_unit_test(align_pairs_as_cli), cmocka_unit_test(index_as_cli),
        cmocka_unit_test(shared_corpus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
