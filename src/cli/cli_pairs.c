/* cli_pairs.c - `neardup pairs`: every near-duplicate pair, one record each. */
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include "cli.h"

static const nd_cli_option pairs_opts[] = {
    ND_OPT_THRESHOLD("0.8"),
    ND_OPT_NGRAM,
    ND_OPT_K,
    {"exact", 0, NULL, "verify candidates on the real shingle sets and print exact Jaccard (default off: MinHash estimate)", 100},
    {"explain", 0, NULL, "--metric jaccard: also print each pair's MinHash estimate, exact Jaccard and the LSH bands it matched in (default off)", 101},
    ND_OPT_METRIC,
    ND_OPT_DISTANCE,
    ND_OPT_MAX_DF,
    ND_OPT_FORMAT("text|tsv|csv|jsonl", "text"),
    ND_OPT_OUTPUT,
    ND_OPT_THREADS,
    ND_OPT_ID_FIELD,
    ND_OPT_TEXT_FIELD,
    ND_OPT_READERS,
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
    if (id == 101) {
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
    case 90:
        if (!strcmp(arg, "jaccard")) j->metric = ND_METRIC_JACCARD;
        else if (!strcmp(arg, "simhash")) j->metric = ND_METRIC_SIMHASH;
        else if (!strcmp(arg, "exact")) j->metric = ND_METRIC_EXACT;
        else if (!strcmp(arg, "containment")) j->metric = ND_METRIC_CONTAINMENT;
        else return nd_cli_error(NEARDUP_E_USAGE, "--metric: unknown metric \"%s\" (jaccard, simhash, exact, containment)", arg);
        return 0;
    case 91:
        if (nd_cli_uint("--distance", arg, 0, 16, &v)) return 2;
        j->distance = (unsigned)v;
        j->given_distance = 1;
        return 0;
    case 92:
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

static int cmp_scored(const void *x, const void *y)
{
    const nd_scored_pair *p = x, *q = y;
    if (p->a != q->a) return p->a < q->a ? -1 : 1;
    return (p->b > q->b) - (p->b < q->b);
}

/* Exact duplicates: rep[] from the digests; with all_pairs every pair in a
 * group, else each member paired with its group's first document. */
static int exact_pairs(nd_job *j, uint32_t **rep_out, int all_pairs, nd_error *err)
{
    uint64_t n = j->sk.n;
    uint8_t *live = malloc(n ? n : 1);
    uint32_t *rep = malloc((n ? n : 1) * sizeof *rep);
    if (!live || !rep) goto nomem;
    for (uint64_t i = 0; i < n; i++) live[i] = j->sk.nshingles[i] > 0;
    if (nd_exact_groups(j->sk.digest, live, n, rep)) goto nomem;
    free(live);
    live = NULL;
    size_t np = 0, cap = 0;
    nd_scored_pair *p = NULL;
    for (uint64_t i = 0; i < n; i++) {
        if (rep[i] == i) continue;
        j->exact_dups++;
        if (!all_pairs) {
            if (nd_grow((void **)&p, &cap, np + 1, sizeof *p)) goto nomem_p;
            p[np++] = (nd_scored_pair){rep[i], (uint32_t)i, 1.0f, -1};
            continue;
        }
        /* every earlier member of the group pairs with i */
        for (uint64_t k = rep[i]; k < i; k++)
            if (rep[k] == rep[i]) {
                if (nd_grow((void **)&p, &cap, np + 1, sizeof *p)) goto nomem_p;
                p[np++] = (nd_scored_pair){(uint32_t)k, (uint32_t)i, 1.0f, -1};
            }
    }
    if (np) qsort(p, np, sizeof *p, cmp_scored); /* p is NULL when np == 0 (UBSan: nonnull) */
    j->pairs = p;
    j->npairs = np;
    *rep_out = rep;
    return NEARDUP_OK;
nomem_p:
    free(p);
nomem:
    free(live);
    free(rep);
    return nd_fail(err, NEARDUP_E_NOMEM, "out of memory grouping exact duplicates");
}

int nd_job_run(nd_job *j, char **inputs, int ninputs)
{
    nd_error err = {0, ""};
    nd_pipeline_opts po;
    nd_sketch_opts so = {.ngram = j->common.ngram, .k = j->common.k,
                         .keep_sets = j->exact || j->explain || j->metric == ND_METRIC_CONTAINMENT,
                         .simhash = j->metric == ND_METRIC_SIMHASH,
                         .digest = j->metric == ND_METRIC_EXACT || j->exact_first};
    j->t_start = nd_now();
    nd_common_pipeline(&j->common, &po, &so.seeds);
    if (j->metric == ND_METRIC_JACCARD) { /* band keys while each signature is in cache */
        nd_lsh_params(j->common.threshold, so.k, &so.bands, &so.rows);
        so.band_seed = nd_band_seed(so.seeds.sketch_seed);
    }
    if (ninputs == 0) return nd_cli_error(NEARDUP_E_USAGE, "no input given (see --help; use - for standard input)");
    j->reader = nd_cli_open_inputs(&j->common, &po, inputs, ninputs, &err);
    if (!j->reader) return nd_cli_error(err.code, "%s", err.msg);
    nd_reader_spool_decoded(j->reader, j->spool_decoded);
    int rc = nd_sketch_corpus(j->reader, &po, &so, &j->sk, &j->ci, &err);
    if (!rc) rc = nd_corpus_check_unique_ids(&j->ci, j->reader, &err);
    if (rc) return nd_cli_error(rc, "%s", err.msg);
    double t0 = nd_now();
    if (j->metric == ND_METRIC_SIMHASH) {
        uint8_t *live = malloc(j->sk.n ? j->sk.n : 1);
        nd_pair *pp = NULL;
        size_t np = 0;
        if (!live) return nd_cli_error(NEARDUP_E_NOMEM, "out of memory");
        for (uint64_t i = 0; i < j->sk.n; i++) live[i] = j->sk.nshingles[i] > 0;
        rc = nd_simhash_pairs(j->sk.simhash, live, j->sk.n, j->distance, &pp, &np);
        free(live);
        if (!rc && !(j->pairs = malloc((np ? np : 1) * sizeof *j->pairs))) rc = NEARDUP_E_NOMEM;
        for (size_t i = 0; !rc && i < np; i++) {
            int d = __builtin_popcountll(j->sk.simhash[pp[i].a] ^ j->sk.simhash[pp[i].b]);
            j->pairs[i] = (nd_scored_pair){pp[i].a, pp[i].b, (float)d, d};
        }
        free(pp);
        if (rc) return nd_cli_error(rc, "out of memory forming SimHash pairs");
        j->npairs = j->ps.accepted = np;
        j->ps.t_band = nd_now() - t0;
        return 0;
    }
    if (j->metric == ND_METRIC_CONTAINMENT) {
        rc = nd_containment_pairs(&j->sk, j->common.threshold, j->max_df, &j->pairs, &j->npairs,
                                  &j->ps.candidates);
        if (rc) return nd_cli_error(rc, "out of memory forming containment pairs");
        j->ps.accepted = j->npairs;
        j->ps.t_band = nd_now() - t0;
        return 0;
    }
    uint32_t *rep = NULL;
    if (j->metric == ND_METRIC_EXACT || j->exact_first) {
        if ((rc = exact_pairs(j, &rep, j->metric == ND_METRIC_EXACT, &err))) return nd_cli_error(rc, "%s", err.msg);
        if (j->metric == ND_METRIC_EXACT) {
            free(rep);
            j->ps.accepted = j->npairs;
            j->ps.t_band = nd_now() - t0;
            return 0;
        }
    }
    nd_pairs_opts pa = {
        .threshold = j->common.threshold,
        .bands = so.bands, /* chosen before the first pass (0: nd_find_pairs chooses): 3-4 ms each time */
        .rows = so.rows,
        .verify_exact = j->exact,
        .max_bucket = j->max_bucket,
        .band_seed = nd_band_seed(so.seeds.sketch_seed),
        .skip = rep, /* exact duplicates are already grouped: LSH sees one of each */
        .threads = po.threads ? po.threads : nd_online_cpus(),
        .connect_only = j->clusters_only,
    };
    nd_scored_pair *lp = NULL;
    size_t nlp = 0;
    rc = nd_find_pairs(&j->sk, &pa, &lp, &nlp, &j->ps, &err);
    free(rep);
    if (rc) return nd_cli_error(rc, "%s", err.msg);
    if (!j->npairs) {
        free(j->pairs);
        j->pairs = lp;
        j->npairs = nlp;
        return 0;
    }
    nd_scored_pair *all = realloc(j->pairs, (j->npairs + nlp) * sizeof *all);
    if (!all) {
        free(lp);
        return nd_cli_error(NEARDUP_E_NOMEM, "out of memory merging pairs");
    }
    if (nlp) memcpy(all + j->npairs, lp, nlp * sizeof *lp); /* lp may be NULL when empty */
    free(lp);
    j->pairs = all;
    j->npairs += nlp;
    qsort(j->pairs, j->npairs, sizeof *j->pairs, cmp_scored);
    return 0;
}

double nd_job_score(const nd_job *j, uint32_t a, uint32_t b)
{
    const nd_sketches *s = &j->sk;
    if (j->metric == ND_METRIC_EXACT) return 1;
    if (j->metric == ND_METRIC_SIMHASH) return __builtin_popcountll(s->simhash[a] ^ s->simhash[b]);
    if (j->metric == ND_METRIC_CONTAINMENT || j->exact) {
        const uint64_t *sa = s->set + s->set_off[a], *sb = s->set + s->set_off[b];
        size_t na = s->set_off[a + 1] - s->set_off[a], nb = s->set_off[b + 1] - s->set_off[b];
        if (j->exact) return (float)nd_set_jaccard(sa, na, sb, nb);
        size_t m = na < nb ? na : nb;
        return m ? (float)((double)nd_set_intersection(sa, na, sb, nb) / m) : 0;
    }
    unsigned k = j->common.k;
    if (!j->has_sig_fd) return (float)nd_minhash_jaccard(s->sig + (size_t)a * k, s->sig + (size_t)b * k, k);
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
    nd_job j = {.max_bucket = SIZE_MAX, .distance = 3, .max_df = 50};
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
