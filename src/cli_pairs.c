/* cli_pairs.c - `neardup pairs`: every near-duplicate pair, one record each. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const nd_cli_option pairs_opts[] = {
    ND_OPT_THRESHOLD("0.8"),
    ND_OPT_NGRAM,
    ND_OPT_K,
    {"exact", 0, NULL, "verify candidates on the real shingle sets and print exact Jaccard (default off: MinHash estimate)", 100},
    ND_OPT_FORMAT("text|tsv|jsonl", "text"),
    ND_OPT_OUTPUT,
    ND_OPT_THREADS,
    ND_OPT_ID_FIELD,
    ND_OPT_TEXT_FIELD,
    ND_OPT_LOSSY,
    ND_OPT_SKIP_BAD,
    ND_OPT_SEED,
    ND_OPT_KEY,
    ND_OPT_TIMINGS,
    ND_OPT_QUIET,
    ND_OPT_END,
};

static int on_option(void *ctx, int id, const char *arg)
{
    nd_job *j = ctx;
    if (id == 100) {
        j->exact = 1;
        return 0;
    }
    return nd_common_option(&j->common, id, arg);
}

int nd_job_run(nd_job *j, char **inputs, int ninputs)
{
    nd_error err = {0, ""};
    nd_pipeline_opts po;
    nd_sketch_opts so = {.ngram = j->common.ngram, .k = j->common.k, .keep_sets = j->exact};
    j->t_start = nd_now();
    nd_common_pipeline(&j->common, &po, &so.seeds);
    if (ninputs == 0) return nd_cli_error(NEARDUP_E_USAGE, "no input given (see --help; use - for standard input)");
    j->reader = nd_cli_open_inputs(inputs, ninputs, &err);
    if (!j->reader) return nd_cli_error(err.code, "%s", err.msg);
    nd_reader_spool_decoded(j->reader, j->spool_decoded);
    int rc = nd_sketch_corpus(j->reader, &po, &so, &j->sk, &j->ci, &err);
    if (!rc) rc = nd_corpus_check_unique_ids(&j->ci, j->reader, &err);
    if (rc) return nd_cli_error(rc, "%s", err.msg);
    nd_pairs_opts pa = {
        .threshold = j->common.threshold,
        .verify_exact = j->exact,
        .max_bucket = j->max_bucket,
        .band_seed = nd_band_seed(so.seeds.sketch_seed),
    };
    rc = nd_find_pairs(&j->sk, &pa, &j->pairs, &j->npairs, &j->ps, &err);
    if (rc) return nd_cli_error(rc, "%s", err.msg);
    return 0;
}

void nd_job_free(nd_job *j)
{
    nd_reader_free(j->reader);
    nd_corpus_info_free(&j->ci);
    nd_sketches_free(&j->sk);
    free(j->pairs);
}

static void write_pair(FILE *f, int format, const char *a, const char *b, double jac)
{
    switch (format) {
    case ND_FMT_JSONL:
        fputs("{\"a\": ", f);
        nd_json_write_string(f, a, strlen(a));
        fputs(", \"b\": ", f);
        nd_json_write_string(f, b, strlen(b));
        fprintf(f, ", \"jaccard\": %.6g}\n", jac);
        break;
    case ND_FMT_TSV: fprintf(f, "%s\t%s\t%.6g\n", a, b, jac); break;
    default: fprintf(f, "%.4f  %s  %s\n", jac, a, b); break;
    }
}

int nd_cmd_pairs(int argc, char **argv)
{
    nd_job j = {.max_bucket = SIZE_MAX};
    nd_common_default(&j.common);
    char **pos;
    int npos;
    int rc = nd_cli_parse(argc, argv, "neardup pairs INPUT... [-t T] [-n N] [-k K] [--format text|tsv|jsonl]",
                          "List every pair of documents whose word n-gram Jaccard similarity is at least T\n"
                          "(MinHash + LSH; --exact verifies on the real shingle sets). Pairs come in input\n"
                          "order: a before b, sorted by a then b. INPUT: files, directories, .jsonl/.ndjson\n"
                          "(optionally .gz or .zst), or - for JSONL on standard input.",
                          pairs_opts, on_option, &j, &pos, &npos);
    if (rc) {
        free(pos);
        return rc == 1 ? 0 : 2;
    }
    rc = nd_job_run(&j, pos, npos);
    free(pos);
    nd_error err = {0, ""};
    nd_out out;
    if (!rc && (rc = nd_out_open(&out, j.common.output, &err)))
        rc = nd_cli_error(rc, "%s", err.msg);
    if (!rc) {
        if (j.common.format == ND_FMT_TSV) fputs("a\tb\tjaccard\n", out.f);
        for (size_t i = 0; i < j.npairs; i++)
            write_pair(out.f, j.common.format, nd_corpus_id(&j.ci, j.pairs[i].a),
                       nd_corpus_id(&j.ci, j.pairs[i].b), j.pairs[i].jaccard);
        if ((rc = nd_out_commit(&out, &err))) rc = nd_cli_error(rc, "%s", err.msg);
    }
    if (!rc) {
        nd_cli_print_skips(&j.ci);
        double wall = nd_now() - j.t_start;
        if (!j.common.quiet)
            fprintf(stderr, "neardup pairs: %llu records read (%llu documents, %llu skipped), %zu pairs at "
                    "Jaccard >= %g (%llu candidates, %u bands x %u rows), %.1f MB in %.2f s, %.1f MB/s\n",
                    (unsigned long long)j.ci.n, (unsigned long long)(j.ci.n - j.ci.skipped_n),
                    (unsigned long long)j.ci.skipped_n, j.npairs, j.common.threshold,
                    (unsigned long long)j.ps.candidates, j.ps.bands, j.ps.rows, j.ci.text_bytes / 1e6,
                    wall, wall > 0 ? j.ci.text_bytes / 1e6 / wall : 0.0);
        if (j.common.timings) {
            nd_cli_print_timings(&j.ci);
            fprintf(stderr, "timings: shingle %.3f s, sketch %.3f s (summed over threads), band+candidates %.3f s, verify %.3f s\n",
                    j.sk.t_shingle, j.sk.t_sketch, j.ps.t_band, j.ps.t_verify);
        }
    }
    nd_job_free(&j);
    return rc;
}
