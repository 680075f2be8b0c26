/* cli_contam.c - `neardup contamination --benchmark B... INPUT...`: which
 * benchmark items appear in a corpus, and how much of each (contam.h).  The
 * benchmark (small) is loaded and indexed; the corpus is streamed once
 * through the pipeline against it. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "contam.h"
#include "spill.h" /* nd_parse_size */
#include "mpi_dedup.h"
#include "reader.h"
#include "record.h"
#include "tokenize.h"

enum { OPT_BENCHMARK = ND_ID_COMMAND, OPT_MIN_COVERAGE, OPT_CLEAN, OPT_FIELDS, OPT_MAX_MATCHES, OPT_MEMORY };

#define MAX_FIELDS ND_CONTAM_MAX_FIELDS

static const nd_cli_option contam_opts[] = {
    {"benchmark", 'b', "FILE", "benchmark items, JSONL (repeatable; required)", OPT_BENCHMARK},
    {"ngram", 'n', "N", "words per n-gram; an item field of fewer words must appear whole (default " ND_DEFAULT_STR(ND_DEFAULT_CONTAM_NGRAM) ", the GPT-3 setting)", ND_ID_NGRAM},
    {"min-coverage", 0, "X", "an item is contaminated when at least this fraction of its words lies in n-grams found in the corpus (default " ND_DEFAULT_STR(ND_DEFAULT_CONTAM_MIN_COVERAGE) ": a 30% excerpt counts)", OPT_MIN_COVERAGE},
    {"fields", 0, "LIST", "comma-separated text fields of each benchmark item (e.g. question,answer): contaminated only when one corpus document covers every field (default: --text-field)", OPT_FIELDS},
    {"clean", 0, "FILE", "also write the uncontaminated benchmark records, byte for byte (default none)", OPT_CLEAN},
    {"max-matches", 0, "M", "list at most M matching corpus documents per item, in input order (default " ND_DEFAULT_STR(ND_DEFAULT_CONTAM_MAX_MATCHES) ")", OPT_MAX_MATCHES},
    {"memory", 0, "SIZE", "fail early when the benchmark's n-gram index needs more than SIZE (512M, 2G); the corpus is streamed and never held (default unbounded)", OPT_MEMORY},
    ND_OPT_OUTPUT,
    ND_OPT_CORPUS,
    ND_OPT_SEED,
    ND_OPT_KEY,
    ND_OPT_TIMINGS,
    ND_OPT_QUIET,
    ND_OPT_END,
};

typedef struct {
    nd_common common;
    char **bench;
    int nbench;
    double min_cov;
    const char *clean;
    char *fields_arg;
    const char *field[MAX_FIELDS];
    unsigned nfields;
    unsigned long max_matches;
    uint64_t memory; /* --memory: bytes, 0 = unbounded */
} contam_ctx;

static int on_option(void *ctx, int id, const char *arg)
{
    contam_ctx *c = ctx;
    switch (id) {
    case OPT_BENCHMARK: {
        char **b = realloc(c->bench, (size_t)(c->nbench + 1) * sizeof *b);
        if (!b) return nd_cli_error(NEARDUP_E_NOMEM, "out of memory");
        c->bench = b;
        c->bench[c->nbench++] = (char *)arg;
        return 0;
    }
    case OPT_MIN_COVERAGE: return nd_cli_double("--min-coverage", arg, 0, 1, &c->min_cov) ? 2 : 0;
    case OPT_CLEAN: c->clean = arg; return 0;
    case OPT_MAX_MATCHES: return nd_cli_uint("--max-matches", arg, 0, 1000000, &c->max_matches) ? 2 : 0;
    case OPT_MEMORY:
        if (nd_parse_size(arg, &c->memory) || c->memory < (1u << 20))
            return nd_cli_error(NEARDUP_E_USAGE, "--memory: expected a size of at least 1M such as 512M or 2G, got \"%s\"", arg);
        return 0;
    case OPT_FIELDS: {
        free(c->fields_arg);
        c->fields_arg = strdup(arg);
        if (!c->fields_arg) return nd_cli_error(NEARDUP_E_NOMEM, "out of memory");
        c->nfields = 0;
        for (char *s = c->fields_arg, *e;; s = e + 1) {
            e = strchr(s, ',');
            if (e) *e = '\0';
            if (!*s) return nd_cli_error(NEARDUP_E_USAGE, "--fields: an empty field name in \"%s\"", arg);
            for (unsigned k = 0; k < c->nfields; k++)
                if (!strcmp(c->field[k], s)) return nd_cli_error(NEARDUP_E_USAGE, "--fields: \"%s\" given twice", s);
            if (c->nfields == MAX_FIELDS) return nd_cli_error(NEARDUP_E_USAGE, "--fields: at most %d fields", MAX_FIELDS);
            c->field[c->nfields++] = s;
            if (!e) break;
        }
        return 0;
    }
    default: return nd_common_option(&c->common, id, arg);
    }
}

/* Reads the benchmark files into ix and b (contam_bench.c: nd_contam_load_bench, as neardup_contamination). */
static int load_bench(const contam_ctx *c, const nd_pipeline_opts *po, nd_contam_bench *b, nd_contam *ix, nd_error *err)
{
    nd_reader_opts rdo = po->reader;
    rdo.input_format = ND_FORMAT_JSONL; /* a benchmark is records with fields */
    nd_reader *r = nd_reader_open((const char *const *)c->bench, (size_t)c->nbench, &rdo, err);
    if (!r) return err->code ? err->code : NEARDUP_E_IO;
    int rc = nd_contam_load_bench(r, po, c->field, c->nfields, ix, b, err);
    nd_reader_free(r);
    return rc;
}

/* ---- the report ---- */

/* A matching document's id: from the corpus accounting of one process, or
 * from what the ranks sent under mpirun. */
typedef struct {
    const nd_corpus_info *ci;
    const nd_mpi_ids *ids;
} id_source;

static const char *doc_id(const id_source *s, uint64_t doc, size_t *len)
{
    if (s->ids) return nd_mpi_id_of(s->ids, doc, len);
    *len = nd_corpus_id_len(s->ci, doc);
    return nd_corpus_id(s->ci, doc);
}

static int write_report(FILE *f, FILE *clean, const contam_ctx *c, const nd_contam_bench *b, const nd_contam_result *res,
                        const id_source *src, size_t *ncont)
{
    *ncont = 0;
    for (size_t i = 0; i < b->n; i++) {
        nd_contam_item it;
        nd_contam_get(res, i, &it);
        *ncont += it.contaminated != 0;
        fputs("{\"id\": ", f);
        nd_json_write_string(f, b->id[i], b->id_len[i]);
        fprintf(f, ", \"contaminated\": %s, \"coverage\": %.4g, \"words\": %llu, \"covered\": %llu, \"matched_docs\": %llu, "
                   "\"matches\": [", it.contaminated ? "true" : "false", it.coverage, (unsigned long long)it.words,
                (unsigned long long)it.covered, (unsigned long long)it.ndocs);
        for (size_t k = 0; k < it.nmatch; k++) {
            const nd_contam_match *m = &it.match[k];
            fputs(k ? ", {\"id\": " : "{\"id\": ", f);
            size_t id_len;
            const char *id = doc_id(src, m->doc, &id_len);
            nd_json_write_string(f, id, id_len);
            if (c->nfields > 1) {
                fputs(", \"field\": ", f);
                nd_json_write_string(f, c->field[m->field], strlen(c->field[m->field]));
            }
            fprintf(f, ", \"start\": %u, \"end\": %u}", m->start, m->end);
        }
        fputs("]}\n", f);
        if (clean && !it.contaminated) {
            fwrite(b->raw[i], 1, b->raw_len[i], clean);
            fputc('\n', clean);
        }
        if (ferror(f) || (clean && ferror(clean))) return -1;
    }
    return 0;
}

int nd_cmd_contamination(int argc, char **argv)
{
    contam_ctx c = {0};
    nd_common_default(&c.common);
    c.common.ngram = ND_DEFAULT_CONTAM_NGRAM;
    c.min_cov = ND_DEFAULT_CONTAM_MIN_COVERAGE;
    c.max_matches = ND_DEFAULT_CONTAM_MAX_MATCHES;
    char **pos = NULL, **all = NULL;
    int npos = 0;
    int rc = nd_cli_parse(argc, argv,
                          "neardup contamination --benchmark B.jsonl... INPUT... [-n N] [--min-coverage X] "
                          "[--fields a,b] [--clean FILE] [-o REPORT.jsonl]",
                          "Find which benchmark items appear in a corpus (test-set contamination). Every\n"
                          "word n-gram of the benchmark items goes into an index; the corpus is streamed\n"
                          "once against it (time grows with the corpus, not corpus x benchmark). A word\n"
                          "of an item is covered when it lies in an n-gram found in some corpus document;\n"
                          "an item is contaminated when its covered fraction reaches --min-coverage.\n"
                          "Writes one JSONL record per item, in benchmark order: {\"id\", \"contaminated\",\n"
                          "\"coverage\", \"words\", \"covered\", \"matched_docs\", \"matches\": [{\"id\", \"start\",\n"
                          "\"end\"}]}, matches being the first corpus documents (input order) holding\n"
                          "n-grams of the item, start and end the byte range of the item's text they\n"
                          "cover. With --fields, each field is checked and the item is contaminated only\n"
                          "when one corpus document covers every field (matches then name the field).",
                          contam_opts, on_option, &c, &pos, &npos);
    if (!rc && !c.nbench) rc = nd_cli_error(NEARDUP_E_USAGE, "contamination: --benchmark FILE is required (see --help)");
    if (!rc && npos == 0) rc = nd_cli_error(NEARDUP_E_USAGE, "no input given (see --help; use - for standard input)");
    if (!rc && !c.nfields) {
        c.field[0] = c.common.rec.text_field;
        c.nfields = 1;
    }
    if (!rc && c.common.format != ND_FMT_TEXT && c.common.format != ND_FMT_JSONL) rc = 2; /* no --format here */
    nd_pipeline_opts po;
    nd_seeds seeds;
    nd_common_pipeline(&c.common, &po, &seeds);
    nd_out out = {0}, cl = {0};
    nd_error err = {0, ""};
    nd_contam_bench b = {0};
    nd_contam *ix = NULL;
    nd_contam_result *res = NULL;
    nd_mpi_ids ids = {0};
    nd_corpus_info sum = {0}; /* under mpirun, rank 0: the ranks' figures */
    int mpi = nd_mpi_size() > 1, rank0 = nd_mpi_rank() == 0;
    nd_corpus_info ci = {0};
    nd_reader *r = NULL;
    double t0 = nd_now(), t_bench = 0, t_scan = 0;
    if (!rc) {
        /* outputs checked against every input, benchmark included, before anything is read */
        all = malloc((size_t)(npos + c.nbench) * sizeof *all);
        if (!all) rc = nd_cli_error(NEARDUP_E_NOMEM, "out of memory");
        else {
            memcpy(all, c.bench, (size_t)c.nbench * sizeof *all);
            memcpy(all + c.nbench, pos, (size_t)npos * sizeof *all);
            const char *outs[2] = {c.common.output, c.clean}, *what[2] = {"-o", "--clean"};
            rc = nd_cli_check_files(&c.common, outs, what, c.clean ? 2 : 1, all, (size_t)(npos + c.nbench));
        }
    }
    /* under mpirun only rank 0 writes; the others scan their share */
    if (!rc && rank0 && (rc = nd_out_open(&out, c.common.output, &err))) rc = nd_cli_error(rc, "%s", err.msg);
    if (!rc && rank0 && c.clean && (rc = nd_out_open(&cl, c.clean, &err))) rc = nd_cli_error(rc, "%s", err.msg);
    if (mpi) rc = nd_mpi_bcast_status(rc);
    if (!rc && !(ix = nd_contam_create(c.common.ngram, seeds.shingle_seed, c.nfields, c.min_cov)))
        rc = nd_cli_error(NEARDUP_E_NOMEM, "out of memory");
    if (!rc && ((rc = load_bench(&c, &po, &b, ix, &err)) || (rc = nd_contam_check_ids(&b, &err))))
        rc = nd_cli_error(rc, "%s", err.msg);
    if (!rc && (nd_contam_build(ix) || !(res = nd_contam_result_create(ix, (unsigned)c.max_matches))))
        rc = nd_cli_error(NEARDUP_E_NOMEM, "out of memory");
    if (!rc && c.memory && nd_contam_bytes(ix) > c.memory)
        rc = nd_cli_error(NEARDUP_E_USAGE, "contamination: the benchmark's n-gram index needs %.1f MiB, more than "
                          "--memory %.1f MiB (the corpus is streamed and needs only -j batches of 1 MiB and ~30 bytes "
                          "a record); give more memory, or split the benchmark", nd_contam_bytes(ix) / 1048576.0,
                          c.memory / 1048576.0);
    t_bench = nd_now() - t0;
    if (!rc) {
        r = nd_cli_open_inputs(&c.common, &po, pos, npos, &err);
        if (!r) rc = nd_cli_error(err.code, "%s", err.msg);
    }
    /* every rank met the same benchmark and inputs: the same status */
    const nd_corpus_info *figures = &ci;
    if (!rc) {
        double t1 = nd_now();
        if (mpi) {
            rc = nd_mpi_contam(r, &po, ix, res, &ids, &sum); /* prints its error */
            figures = &sum;
        } else if ((rc = nd_contam_stream(r, &po, ix, nd_contam_merge_sink, res, &ci, &err))) {
            rc = nd_cli_error(rc, "%s", err.msg);
        }
        t_scan = nd_now() - t1;
        if (!rc && rank0) nd_cli_print_skips(figures);
    }
    size_t ncont = 0;
    id_source src = {&ci, mpi ? &ids : NULL};
    if (!rc && rank0 && write_report(out.f, cl.f, &c, &b, res, &src, &ncont)) {
        nd_fail(&err, NEARDUP_E_IO, "cannot write the report");
        rc = nd_out_failed(&out, NEARDUP_E_IO, &err);
        if (c.clean) rc = nd_out_failed(&cl, rc, &err);
        rc = nd_cli_error(rc, "%s", err.msg);
    }
    if (!rc && rank0) {
        nd_out *o2[2] = {&out, &cl};
        if ((rc = nd_out_commit_all(o2, 2, &err))) rc = nd_cli_error(rc, "%s", err.msg);
    }
    nd_out_abort(&out);
    nd_out_abort(&cl);
    if (mpi) rc = nd_mpi_bcast_status(rc);
    if (!rc && rank0 && !c.common.quiet) {
        double mb = figures->raw_bytes / 1e6;
        fprintf(stderr, "neardup contamination: %zu benchmark items (%u field%s, %d-grams), %zu contaminated "
                "(coverage >= %g%s); corpus %llu records (%llu documents, %llu skipped), %.1f MB scanned in %.2f s "
                "(%.1f MB/s)\n", b.n, c.nfields, c.nfields > 1 ? "s" : "", c.common.ngram, ncont, c.min_cov,
                c.nfields > 1 ? " of every field by one document" : "", (unsigned long long)figures->n,
                (unsigned long long)(figures->n - figures->skipped_n), (unsigned long long)figures->skipped_n, mb, t_scan,
                t_scan > 0 ? mb / t_scan : 0);
        if (c.common.timings) {
            if (!mpi) nd_cli_print_timings(&ci);
            fprintf(stderr, "timings: benchmark load and index %.3f s, corpus scan %.3f s\n", t_bench, t_scan);
        }
    }
    nd_contam_result_free(res);
    nd_mpi_ids_free(&ids);
    nd_contam_free(ix);
    nd_contam_bench_free(&b);
    nd_corpus_info_free(&ci);
    nd_reader_free(r);
    free(all);
    free(pos);
    free(c.bench);
    free(c.fields_arg);
    return rc == 1 ? 0 : rc;
}
