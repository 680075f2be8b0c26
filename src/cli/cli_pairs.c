/* cli_pairs.c - `neardup pairs`: every near-duplicate pair, one record each. */
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include "cli.h"
#include "minhash.h"
#include "reader.h"
#include "record.h"
#include "shingle.h"

enum { OPT_EXACT = ND_ID_COMMAND, OPT_EXPLAIN };

static const nd_cli_option pairs_opts[] = {
    ND_OPT_THRESHOLD(ND_DEFAULT_STR(ND_DEFAULT_THRESHOLD)),
    ND_OPT_NGRAM,
    ND_OPT_K,
    {"exact", 0, NULL, "verify candidates on the real shingle sets and print exact Jaccard (default off: MinHash estimate)", OPT_EXACT},
    {"explain", 0, NULL, "--metric jaccard: also print each pair's MinHash estimate, exact Jaccard and the LSH bands it matched in (default off)", OPT_EXPLAIN},
    ND_OPT_METRIC,
    ND_OPT_DISTANCE,
    ND_OPT_MAX_DF,
    ND_OPT_FORMAT("text|tsv|csv|jsonl", "text"),
    ND_OPT_OUTPUT,
    ND_OPT_CORPUS,
    ND_OPT_SEED,
    ND_OPT_KEY,
    ND_OPT_TIMINGS,
    ND_OPT_QUIET,
    ND_OPT_END,
};

static int on_option(void *ctx, int id, const char *arg)
{
    nd_job *j = ctx;
    if (id == OPT_EXACT) {
        j->exact = 1;
        return 0;
    }
    if (id == OPT_EXPLAIN) {
        j->explain = 1;
        return 0;
    }
    int rc = nd_job_option(j, id, arg);
    return rc >= 0 ? rc : nd_common_option(&j->common, id, arg);
}

int nd_job_option(nd_job *j, int id, const char *arg)
{
    unsigned long v;
    switch (id) {
    case ND_ID_METRIC:
        if (!strcmp(arg, "jaccard")) j->metric = ND_METRIC_JACCARD;
        else if (!strcmp(arg, "simhash")) j->metric = ND_METRIC_SIMHASH;
        else if (!strcmp(arg, "exact")) j->metric = ND_METRIC_EXACT;
        else if (!strcmp(arg, "containment")) j->metric = ND_METRIC_CONTAINMENT;
        else return nd_cli_error(NEARDUP_E_USAGE, "--metric: unknown metric \"%s\" (jaccard, simhash, exact, containment)", arg);
        return 0;
    case ND_ID_DISTANCE:
        if (nd_cli_uint("--distance", arg, 0, 16, &v)) return 2;
        j->distance = (unsigned)v;
        j->given_distance = 1;
        return 0;
    case ND_ID_MAX_DF:
        if (nd_cli_uint("--max-df", arg, 2, 4294967295UL, &v)) return 2;
        j->max_df = v;
        j->given_max_df = 1;
        return 0;
    default: return -1;
    }
}

int nd_job_check(const nd_job *j)
{
    if (j->exact && j->metric != ND_METRIC_JACCARD)
        return nd_cli_error(NEARDUP_E_USAGE, "--exact verifies MinHash estimates: it goes with --metric jaccard "
                            "(exact and containment are exact already; simhash has no Jaccard to verify)");
    if (j->explain && j->metric != ND_METRIC_JACCARD)
        return nd_cli_error(NEARDUP_E_USAGE, "--explain shows MinHash estimates and LSH bands: it goes with --metric jaccard");
    if (j->given_distance && j->metric != ND_METRIC_SIMHASH)
        return nd_cli_error(NEARDUP_E_USAGE, "-d/--distance is SimHash's Hamming distance: it needs --metric simhash");
    if (j->given_max_df && j->metric != ND_METRIC_CONTAINMENT)
        return nd_cli_error(NEARDUP_E_USAGE, "--max-df bounds containment's shingle index: it needs --metric containment");
    if (j->tmpdir && !j->memory)
        return nd_cli_error(NEARDUP_E_USAGE, "--tmp is where --memory spills: give --memory SIZE too");
    return 0;
}

const char *nd_job_score_name(const nd_job *j)
{
    switch (j->metric) {
    case ND_METRIC_SIMHASH: return "hamming";
    case ND_METRIC_CONTAINMENT: return "containment";
    default: return "jaccard";
    }
}

void nd_job_describe(const nd_job *j, char *buf, size_t n)
{
    switch (j->metric) {
    case ND_METRIC_SIMHASH: snprintf(buf, n, "SimHash Hamming distance <= %u", j->distance); break;
    case ND_METRIC_EXACT: snprintf(buf, n, "equal normalised text"); break;
    case ND_METRIC_CONTAINMENT: snprintf(buf, n, "containment >= %g", j->common.threshold); break;
    default: snprintf(buf, n, "Jaccard >= %g", j->common.threshold); break;
    }
}

/* The job's options as the library takes them (job.h). */
static nd_dup_opts dup_opts(const nd_job *j, const nd_seeds *seeds)
{
    return (nd_dup_opts){.ngram = j->common.ngram, .k = j->common.k, .threshold = j->common.threshold,
                         .metric = j->metric, .distance = j->distance, .max_df = j->max_df, .exact = j->exact,
                         .explain = j->explain, .max_bucket = j->max_bucket, .exact_first = j->exact_first,
                         .clusters_only = j->clusters_only, .seeds = *seeds};
}

void nd_job_prewrite_opts(nd_job *j, nd_pipeline_opts *po)
{
    if (!j->prewrite) return;
    size_t from = nd_reader_arg_files(j->reader, (size_t)j->prewrite_args), n = nd_reader_count(j->reader);
    po->prewrite = 1;
    po->prewrite_fd = j->prewrite_fd;
    po->prewrite_from = (uint32_t)from;
    int named = 1; /* a .json or an unnamed file may turn out not to be JSONL: then it is read again */
    for (size_t i = from; i < n; i++) named &= (nd_reader_input_flags(j->reader, i) & ND_INPUT_JSONL) != 0;
    if (named && j->prewrite_nospool) nd_reader_spool_decoded(j->reader, 0);
}

int nd_job_run(nd_job *j, char **inputs, int ninputs)
{
    nd_error err = {0, ""};
    nd_pipeline_opts po;
    nd_seeds seeds;
    j->t_start = nd_now();
    nd_common_pipeline(&j->common, &po, &seeds);
    if (ninputs == 0) return nd_cli_error(NEARDUP_E_USAGE, "no input given (see --help; use - for standard input)");
    j->reader = nd_cli_open_inputs(&j->common, &po, inputs, ninputs, &err);
    if (!j->reader) return nd_cli_error(err.code, "%s", err.msg);
    nd_reader_spool_decoded(j->reader, j->spool_decoded);
    nd_job_prewrite_opts(j, &po);
    nd_dup_opts o = dup_opts(j, &seeds);
    nd_dup_result res;
    int rc = nd_dup_run(j->reader, &po, &o, &res, &err);
    j->ci = res.ci;
    j->sk = res.sk;
    j->pairs = res.pairs;
    j->npairs = res.npairs;
    j->ps = res.ps;
    j->exact_dups = res.exact_dups;
    return rc ? nd_cli_error(rc, "%s", err.msg) : 0;
}

double nd_job_score(const nd_job *j, uint32_t a, uint32_t b)
{
    unsigned k = j->common.k;
    if (!j->has_sig_fd || j->metric != ND_METRIC_JACCARD || j->exact) {
        nd_dup_opts o = dup_opts(j, &(nd_seeds){0});
        return nd_dup_score(&o, &j->sk, a, b);
    }
    /* --memory: the signatures are on disk (spill.c), a pread each */
    uint32_t sig[2][4096]; /* --num-perm is at most 4096 */
    size_t bytes = (size_t)k * sizeof sig[0][0];
    if (k > 4096 || pread(j->sig_fd, sig[0], bytes, (off_t)a * (off_t)bytes) != (ssize_t)bytes ||
        pread(j->sig_fd, sig[1], bytes, (off_t)b * (off_t)bytes) != (ssize_t)bytes)
        return -1;
    return (float)nd_minhash_jaccard(sig[0], sig[1], k);
}

void nd_job_free(nd_job *j)
{
    if (j->has_sig_fd) close(j->sig_fd);
    j->has_sig_fd = 0;
    nd_reader_free(j->reader);
    nd_corpus_info_free(&j->ci);
    nd_sketches_free(&j->sk);
    free(j->pairs);
}

/* Ids keep every byte: JSON escapes them; text and TSV escape control
 * characters (nd_write_id), so a TSV line stays one record of 3 fields; CSV
 * quotes them instead (RFC 4180).  TSV and CSV carry the same rows. */

/* pairs --explain: the pair's estimate, exact Jaccard and the bands whose
 * keys it shares (the bands that made it a candidate). */
static void write_explained(FILE *f, int format, const nd_job *j, const nd_scored_pair *p)
{
    const nd_sketches *s = &j->sk;
    double est = nd_minhash_jaccard(s->sig + (size_t)p->a * s->k, s->sig + (size_t)p->b * s->k, s->k);
    double ex = nd_set_jaccard(s->set + s->set_off[p->a], s->set_off[p->a + 1] - s->set_off[p->a],
                               s->set + s->set_off[p->b], s->set_off[p->b + 1] - s->set_off[p->b]);
    const char *sep = format == ND_FMT_JSONL ? ", " : format == ND_FMT_CSV ? " " : ",";
    if (format == ND_FMT_JSONL) fprintf(f, ", \"estimate\": %.6g, \"exact\": %.6g, \"bands\": [", est, ex);
    else if (format == ND_FMT_TSV) fprintf(f, "\t%.6g\t%.6g\t", est, ex);
    else if (format == ND_FMT_CSV) fprintf(f, ",%.6g,%.6g,", est, ex); /* bands: one field, space-separated */
    else fprintf(f, "  estimate %.4f  exact %.4f  bands ", est, ex);
    int any = 0;
    for (unsigned b = 0; b < s->bands; b++)
        if (s->bandkey[b][p->a] == s->bandkey[b][p->b]) fprintf(f, "%s%u", any++ ? sep : "", b);
    if (!any && format == ND_FMT_TEXT) fputs("none", f);
    if (format == ND_FMT_JSONL) fputc(']', f);
}

static void write_pair(FILE *f, int format, const char *name, const nd_job *j, const nd_scored_pair *p)
{
    const nd_corpus_info *ci = &j->ci;
    const char *a = nd_corpus_id(ci, p->a), *b = nd_corpus_id(ci, p->b);
    size_t la = nd_corpus_id_len(ci, p->a), lb = nd_corpus_id_len(ci, p->b);
    char score[32];
    if (p->hamming >= 0) snprintf(score, sizeof score, "%d", p->hamming);
    else snprintf(score, sizeof score, "%.6g", p->score);
    if (format == ND_FMT_JSONL) {
        fputs("{\"a\": ", f);
        nd_json_write_string(f, a, la);
        fputs(", \"b\": ", f);
        nd_json_write_string(f, b, lb);
        fprintf(f, ", \"%s\": %s", name, score);
        if (j->explain) write_explained(f, format, j, p);
        fputs("}\n", f);
        return;
    }
    if (format == ND_FMT_CSV) {
        nd_csv_write_field(f, a, la);
        putc(',', f);
        nd_csv_write_field(f, b, lb);
        fprintf(f, ",%s", score);
        if (j->explain) write_explained(f, format, j, p);
        fputs("\r\n", f);
        return;
    }
    const char *sep = format == ND_FMT_TSV ? "\t" : "  ";
    if (format != ND_FMT_TSV) {
        if (p->hamming >= 0) fprintf(f, "d=%d  ", p->hamming);
        else fprintf(f, "%.4f  ", p->score);
    }
    nd_write_id(f, a, la);
    fputs(sep, f);
    nd_write_id(f, b, lb);
    if (format == ND_FMT_TSV) fprintf(f, "\t%s", score);
    if (j->explain) write_explained(f, format, j, p);
    putc('\n', f);
}

int nd_cmd_pairs(int argc, char **argv)
{
    nd_job j = {.max_bucket = SIZE_MAX, .distance = ND_DEFAULT_DISTANCE, .max_df = ND_DEFAULT_MAX_DF};
    nd_common_default(&j.common);
    char **pos;
    int npos;
    int rc = nd_cli_parse(argc, argv, "neardup pairs INPUT... [-t T] [-n N] [-k K] [--format text|tsv|csv|jsonl]",
                          "List every pair of documents whose word n-gram Jaccard similarity is at least T\n"
                          "(MinHash + LSH; --exact verifies on the real shingle sets). Pairs come in input\n"
                          "order: a before b, sorted by a then b. INPUT: files, directories, .jsonl/.ndjson\n"
                          "(optionally .gz or .zst), or - for JSONL on standard input.",
                          pairs_opts, on_option, &j, &pos, &npos);
    if (!rc && (nd_check_format(&j.common, "pairs", "text|tsv|csv|jsonl") || nd_job_check(&j))) rc = 2;
    if (rc) {
        free(pos);
        return rc == 1 ? 0 : 2;
    }
    /* the output checked and opened first: an input it would overwrite, or
     * an unwritable path, fails before the reading */
    nd_error err = {0, ""};
    nd_out out = {0};
    rc = nd_cli_check_output(&j.common, pos, (size_t)npos);
    if (!rc && (rc = nd_out_open(&out, j.common.output, &err))) rc = nd_cli_error(rc, "%s", err.msg);
    if (!rc && (rc = nd_job_run(&j, pos, npos))) nd_out_abort(&out);
    free(pos);
    if (!rc) {
        const char *name = nd_job_score_name(&j);
        if (j.common.format == ND_FMT_TSV) fprintf(out.f, "a\tb\t%s%s\n", name, j.explain ? "\testimate\texact\tbands" : "");
        if (j.common.format == ND_FMT_CSV) fprintf(out.f, "a,b,%s%s\r\n", name, j.explain ? ",estimate,exact,bands" : "");
        for (size_t i = 0; i < j.npairs; i++)
            write_pair(out.f, j.common.format, name, &j, &j.pairs[i]);
        if ((rc = nd_out_commit(&out, &err))) rc = nd_cli_error(rc, "%s", err.msg);
    }
    if (!rc) {
        nd_cli_print_skips(&j.ci);
        double wall = nd_now() - j.t_start;
        char what[64], how[96] = "";
        nd_job_describe(&j, what, sizeof what);
        if (j.metric == ND_METRIC_JACCARD)
            snprintf(how, sizeof how, " (%llu candidates, %u bands x %u rows)", (unsigned long long)j.ps.candidates,
                     j.ps.bands, j.ps.rows);
        else if (j.metric == ND_METRIC_CONTAINMENT)
            snprintf(how, sizeof how, " (%llu candidates)", (unsigned long long)j.ps.candidates);
        if (!j.common.quiet)
            fprintf(stderr, "neardup pairs: %llu records read (%llu documents, %llu skipped), %zu pairs at "
                    "%s%s, %.1f MB in %.2f s, %.1f MB/s\n",
                    (unsigned long long)j.ci.n, (unsigned long long)(j.ci.n - j.ci.skipped_n),
                    (unsigned long long)j.ci.skipped_n, j.npairs, what, how, j.ci.text_bytes / 1e6,
                    wall, wall > 0 ? j.ci.text_bytes / 1e6 / wall : 0.0);
        if (j.common.timings) {
            nd_cli_print_timings(&j.ci);
            fprintf(stderr, "timings: shingle %.3f s, digest %.3f s, sketch %.3f s, band keys %.3f s (summed over "
                    "threads), band+candidates %.3f s, verify %.3f s\n",
                    j.sk.t_shingle, j.sk.t_digest, j.sk.t_sketch, j.sk.t_band_keys, j.ps.t_band, j.ps.t_verify);
        }
    }
    nd_job_free(&j);
    return rc;
}
