/* test_api_data.c - the public training-data jobs of ABI 0.3: dedup against
 * references with keep policies (neardup_dedup_run), strip, contamination,
 * overlap clusters and adding to a keyed index (neardup_index_add_opts); each checked against
 * the command line's output on tests/data/sample.jsonl (the neardup binary
 * beside this test's directory). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nd_test_cli.h"

#define SAMPLE "tests/data/sample.jsonl"

static char neardup_bin[4096]; /* BUILD/neardup, from argv[0] = BUILD/tests/test_api_data */
static char tmp[64];            /* a directory for this run's files */

/* The standard output of `neardup ARGS` (TMP in args: the run's directory). */
static char *cli(const char *args)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "T=%s; %s %s", tmp, neardup_bin, args);
    return run_sh(cmd);
}

static neardup_corpus *read_corpus(const char *path)
{
    neardup_corpus *c = neardup_corpus_create();
    neardup_error e;
    assert_int_equal(neardup_corpus_read(c, path, NULL, NULL, &e), NEARDUP_OK);
    return c;
}

static const char *id_of(const neardup_corpus *c, size_t i, int *len)
{
    size_t n;
    const char *s = neardup_corpus_id(c, i, &n);
    *len = (int)n;
    return s;
}

/* The records of --removed and the kept ids with --annotate's cluster, from decisions. */
static char *decisions_text(const neardup_corpus *c, const neardup_corpus *refs, const neardup_decision *x)
{
    char *s = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&s, &len);
    for (size_t i = 0; i < neardup_corpus_count(c); i++) {
        int la, lb;
        const char *a = id_of(c, i, &la);
        if (x[i].kept) {
            assert_true(x[i].duplicate_of == (size_t)-1 && x[i].score == -1);
            fprintf(f, "kept %.*s %zu\n", la, a, x[i].cluster);
            continue;
        }
        const char *b = id_of(x[i].reference ? refs : c, x[i].duplicate_of, &lb);
        fprintf(f, "{\"id\": \"%.*s\", \"duplicate_of\": \"%.*s\", \"score\": %.6g, \"cluster\": %zu}\n", la, a, lb, b,
                x[i].score, x[i].cluster);
    }
    fclose(f);
    return s;
}

/* The same from the command: kept records' ids and clusters, then the removed records, in input order. */
#define CLI_DECISIONS(args)                                                                                            \
    "dedup " args " -q -o $T/kept.jsonl --annotate --removed $T/removed.jsonl && "                                   \
    "{ sed 's/^{\"id\": \"\\([^\"]*\\)\".*\"cluster\": \\([0-9]*\\)}$/kept \\1 \\2/' $T/kept.jsonl; "               \
    "cat $T/removed.jsonl; }"

/* The same lines in any order (the command writes the kept records, then
 * the removed ones; decisions_text goes record by record). */
static void assert_same_lines(char *mine, char *want)
{
    char cmd[256];
    char *files[2] = {mine, want};
    for (int k = 0; k < 2; k++) {
        snprintf(cmd, sizeof cmd, "%s/lines%d", tmp, k);
        FILE *f = fopen(cmd, "w");
        fputs(files[k], f);
        fclose(f);
    }
    snprintf(cmd, sizeof cmd, "cd %s && sort lines0 > s0 && sort lines1 > s1 && cmp s0 s1", tmp);
    free(run_sh(cmd));
}

static void dedup_against(void **state)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "head -10 " SAMPLE " > %s/ref.jsonl && tail -20 " SAMPLE " > %s/in.jsonl", tmp, tmp);
    free(run_sh(cmd));
    snprintf(cmd, sizeof cmd, "%s/ref.jsonl", tmp);
    neardup_corpus *refs = read_corpus(cmd);
    snprintf(cmd, sizeof cmd, "%s/in.jsonl", tmp);
    neardup_corpus *c = read_corpus(cmd);
    neardup_options o;
    neardup_options_default(&o);
    o.params.threshold = 0.5;
    neardup_dedup_opts d = {NEARDUP_KEEP_FIRST, NULL, refs};
    neardup_decision x[20];
    neardup_error e;
    assert_int_equal(neardup_dedup_run(&o, &d, c, x, &e), NEARDUP_OK);
    int by_ref = 0;
    for (int i = 0; i < 20; i++) by_ref += x[i].reference;
    assert_true(by_ref > 0);
    char *mine = decisions_text(c, refs, x), *want = cli(CLI_DECISIONS("$T/in.jsonl --against $T/ref.jsonl -t 0.5"));
    assert_same_lines(mine, want);
    free(mine);
    free(want);
    /* keep longest, without references */
    d = (neardup_dedup_opts){NEARDUP_KEEP_LONGEST, NULL, NULL};
    neardup_corpus *s = read_corpus(SAMPLE);
    neardup_decision y[30];
    assert_int_equal(neardup_dedup_run(&o, &d, s, y, &e), NEARDUP_OK);
    mine = decisions_text(s, NULL, y);
    want = cli(CLI_DECISIONS(SAMPLE " -t 0.5 --keep longest"));
    assert_same_lines(mine, want);
    free(mine);
    free(want);
    /* max without keys; an id in both sets */
    d.keep = NEARDUP_KEEP_MAX;
    assert_int_equal(neardup_dedup_run(&o, &d, s, y, &e), NEARDUP_E_USAGE);
    d = (neardup_dedup_opts){NEARDUP_KEEP_FIRST, NULL, refs};
    assert_int_equal(neardup_dedup_run(&o, &d, s, y, &e), NEARDUP_E_INPUT);
    assert_non_null(strstr(e.message, "duplicate id"));
    neardup_corpus_free(s);
    neardup_corpus_free(c);
    neardup_corpus_free(refs);
}

/* neardup_strip's cuts: the command's --spans records, field for field (the
 * sample's ids need no JSON escapes); each text is shorter by its cuts. */
static void strip_as_cli(void **state)
{
    neardup_corpus *c = read_corpus(SAMPLE);
    neardup_strip_opts so;
    neardup_strip_opts_default(&so);
    assert_int_equal(so.min_words, 50);
    assert_int_equal(so.min_keep, 20);
    so.min_words = 10;
    neardup_stripped *x = NULL;
    neardup_error e;
    assert_int_equal(neardup_strip(NULL, &so, c, &x, &e), NEARDUP_OK);
    char *mine = NULL;
    size_t len = 0, dropped = 0;
    FILE *f = open_memstream(&mine, &len);
    for (size_t i = 0; i < 30; i++) {
        int la, ls;
        const char *id = id_of(c, i, &la);
        size_t tl;
        neardup_corpus_text(c, i, &tl);
        if (!x[i].ncuts) {
            assert_true(!x[i].text && !x[i].dropped && x[i].kept_words == x[i].words);
            continue;
        }
        assert_true(x[i].text && x[i].len < tl && x[i].kept_words < x[i].words);
        dropped += x[i].dropped;
        fprintf(f, "{\"id\": \"%.*s\", \"words\": %llu, \"kept_words\": %llu, \"dropped\": %s, \"removed\": [", la, id,
                (unsigned long long)x[i].words, (unsigned long long)x[i].kept_words, x[i].dropped ? "true" : "false");
        for (size_t k = 0; k < x[i].ncuts; k++) {
            const neardup_cut *g = &x[i].cuts[k];
            fprintf(f, "%s{\"start\": %zu, \"end\": %zu, \"words\": %u, \"nrepeats\": %zu, \"repeats\": [", k ? ", " : "",
                    g->start, g->end, g->words, g->nrepeats);
            for (size_t r = 0; r < g->nrepeats && r < 8; r++) {
                const neardup_repeat *p = &g->repeats[r];
                assert_true(!p->reference && p->text < i);
                const char *src = id_of(c, p->text, &ls);
                fprintf(f, "%s{\"id\": \"%.*s\", \"start\": %zu, \"end\": %zu, \"this_start\": %zu, \"this_end\": %zu, "
                        "\"identity\": %.4g}", r ? ", " : "", ls, src, p->start, p->end, p->this_start, p->this_end,
                        p->identity);
            }
            fputs("]}", f);
        }
        fputs("]}\n", f);
    }
    fclose(f);
    assert_true(dropped > 0);
    char *want = cli("strip " SAMPLE " -w 10 -q --spans $T/spans.jsonl && cat $T/spans.jsonl");
    assert_true(strlen(want) > 100);
    assert_string_equal(mine, want);
    free(want);
    free(mine);
    neardup_stripped_free(x, 30);
    /* references: cut from the inputs, never reported as cut themselves */
    char path[256];
    snprintf(path, sizeof path, "%s/ref.jsonl", tmp);
    neardup_corpus *refs = read_corpus(path);
    snprintf(path, sizeof path, "%s/in.jsonl", tmp);
    neardup_corpus *in = read_corpus(path);
    so.against = refs;
    assert_int_equal(neardup_strip(NULL, &so, in, &x, &e), NEARDUP_OK);
    int by_ref = 0;
    for (size_t i = 0; i < 20; i++)
        for (size_t k = 0; k < x[i].ncuts; k++) by_ref += x[i].cuts[k].repeats[0].reference;
    assert_true(by_ref > 0);
    neardup_stripped_free(x, 20);
    so.min_words = 0;
    assert_int_equal(neardup_strip(NULL, &so, in, &x, &e), NEARDUP_E_USAGE);
    neardup_corpus_free(in);
    neardup_corpus_free(refs);
    neardup_corpus_free(c);
}

/* neardup_contamination: the command's report, record for record. */
static void contamination_as_cli(void **state)
{
    char path[256];
    snprintf(path, sizeof path, "head -5 " SAMPLE " > %s/bench.jsonl", tmp);
    free(run_sh(path));
    snprintf(path, sizeof path, "%s/bench.jsonl", tmp);
    neardup_corpus *b = read_corpus(path), *c = read_corpus(SAMPLE);
    neardup_contam_opts co;
    neardup_contam_opts_default(&co);
    assert_true(co.ngram == 13 && co.min_coverage == 0.2 && co.nfields == 1 && co.max_matches == 10);
    co.ngram = 8;
    co.max_matches = 3;
    neardup_contam_item *x = NULL;
    size_t n = 0;
    neardup_error e;
    assert_int_equal(neardup_contamination(NULL, &co, b, c, &x, &n, &e), NEARDUP_OK);
    assert_int_equal(n, 5);
    char *mine = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&mine, &len);
    for (size_t i = 0; i < n; i++) {
        int la, lm;
        const char *id = id_of(b, i, &la);
        assert_true(x[i].contaminated && x[i].nmatches >= 1); /* each is a record of the corpus */
        fprintf(f, "{\"id\": \"%.*s\", \"contaminated\": %s, \"coverage\": %.4g, \"words\": %llu, \"covered\": %llu, "
                "\"matched_docs\": %llu, \"matches\": [", la, id, x[i].contaminated ? "true" : "false", x[i].coverage,
                (unsigned long long)x[i].words, (unsigned long long)x[i].covered,
                (unsigned long long)x[i].matched_texts);
        for (size_t k = 0; k < x[i].nmatches; k++) {
            const char *m = id_of(c, x[i].matches[k].text, &lm);
            fprintf(f, "%s{\"id\": \"%.*s\", \"start\": %zu, \"end\": %zu}", k ? ", " : "", lm, m, x[i].matches[k].start,
                    x[i].matches[k].end);
        }
        fputs("]}\n", f);
    }
    fclose(f);
    char *want = cli("contamination -b $T/bench.jsonl " SAMPLE " -n 8 --max-matches 3 -q");
    assert_string_equal(mine, want);
    free(mine);
    free(want);
    neardup_contam_items_free(x, n);
    /* two fields an item: a count that is not a multiple */
    co.nfields = 2;
    assert_int_equal(neardup_contamination(NULL, &co, b, c, &x, &n, &e), NEARDUP_E_INPUT);
    assert_non_null(strstr(e.message, "not 2 fields an item"));
    neardup_corpus_free(b);
    neardup_corpus_free(c);
}

/* neardup_index_add_opts: a keyed index takes additions with its key only. */
static void keyed_add(void **state)
{
    unsigned char key[32], other[32];
    for (int i = 0; i < 32; i++) key[i] = (unsigned char)i, other[i] = (unsigned char)(i + 1);
    char ix[256], path[256];
    snprintf(ix, sizeof ix, "%s/k.ndx", tmp);
    snprintf(path, sizeof path, "%s/ref.jsonl", tmp);
    neardup_corpus *refs = read_corpus(path);
    snprintf(path, sizeof path, "%s/in.jsonl", tmp);
    neardup_corpus *in = read_corpus(path);
    neardup_options o;
    neardup_options_default(&o);
    o.params.key = key;
    neardup_error e;
    assert_int_equal(neardup_index_build(ix, &o, refs, &e), NEARDUP_OK);
    assert_int_equal(neardup_index_add(ix, in, &e), NEARDUP_E_KEY);
    o.params.key = other;
    assert_int_equal(neardup_index_add_opts(ix, &o, in, &e), NEARDUP_E_KEY);
    o.params.key = key;
    assert_int_equal(neardup_index_add_opts(ix, &o, in, &e), NEARDUP_OK);
    neardup_index *h = neardup_index_open(ix, &e);
    assert_non_null(h);
    neardup_index_info info;
    neardup_index_get_info(h, &info);
    assert_true(info.docs == 30 && info.keyed);
    neardup_index_close(h);
    /* an unkeyed index: add_opts without a key as neardup_index_add */
    snprintf(ix, sizeof ix, "%s/u.ndx", tmp);
    assert_int_equal(neardup_index_build(ix, NULL, refs, &e), NEARDUP_OK);
    assert_int_equal(neardup_index_add_opts(ix, NULL, in, &e), NEARDUP_OK);
    assert_int_equal(neardup_index_add_opts(ix, &o, in, &e), NEARDUP_E_KEY); /* a key it was not built with */
    neardup_corpus_free(in);
    neardup_corpus_free(refs);
}

/* neardup_overlap_clusters: the records of `overlap --clusters FILE`. */
static void clusters_as_cli(void **state)
{
    neardup_corpus *c = read_corpus(SAMPLE);
    neardup_options o;
    neardup_options_default(&o);
    o.min_words = 15;
    neardup_passage_cluster *x = NULL;
    size_t n = 0;
    neardup_error e;
    assert_int_equal(neardup_overlap_clusters(&o, c, &x, &n, &e), NEARDUP_OK);
    assert_true(n > 0);
    char *mine = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&mine, &len);
    for (size_t i = 0; i < n; i++) {
        int l;
        assert_true(x[i].source < x[i].nwitnesses && x[i].size >= 2 && x[i].nwitnesses >= x[i].size);
        const char *id = id_of(c, x[i].witnesses[x[i].source].text, &l);
        assert_int_equal(x[i].words, x[i].witnesses[x[i].source].words);
        fprintf(f, "{\"cluster\": %zu, \"size\": %zu, \"source\": \"%.*s\", \"words\": %u, \"witnesses\": [", i, x[i].size,
                l, id, x[i].words);
        for (size_t w = 0; w < x[i].nwitnesses; w++) {
            id = id_of(c, x[i].witnesses[w].text, &l);
            fprintf(f, "%s{\"id\": \"%.*s\", \"start\": %zu, \"end\": %zu}", w ? ", " : "", l, id, x[i].witnesses[w].start,
                    x[i].witnesses[w].end);
        }
        fputs("]}\n", f);
    }
    fclose(f);
    char *want = cli("overlap " SAMPLE " --min-words 15 -q -o /dev/null --clusters $T/cl.jsonl && cat $T/cl.jsonl");
    assert_string_equal(mine, want);
    free(mine);
    free(want);
    neardup_passage_clusters_free(x, n);
    neardup_corpus_free(c);
}

int main(int argc, char **argv)
{
    const char *slash = strrchr(argv[0], '/');
    snprintf(neardup_bin, sizeof neardup_bin, "%.*s/../neardup", slash ? (int)(slash - argv[0]) : 1,
             slash ? argv[0] : ".");
    snprintf(tmp, sizeof tmp, "/tmp/nd_api_data.XXXXXX");
    if (!mkdtemp(tmp)) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dedup_against),
        cmocka_unit_test(strip_as_cli),
        cmocka_unit_test(contamination_as_cli),
        cmocka_unit_test(keyed_add),
        cmocka_unit_test(clusters_as_cli),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
    if (system(cmd)) rc = rc ? rc : 1;
    return rc;
}
