/* cli_align_pairs.c - `neardup align --pairs FILE [INPUT...]`: many pairs in
 * one process.  The pairs file is read and checked whole first (pairs_file.c:
 * a bad line or an unknown id stops the run before any output, naming
 * file:line); the documents are loaded once each on the pipeline (the inputs,
 * or, with none, every distinct path of the file); the pairs are aligned on
 * all threads and written in file order (overlap.c's streaming), so the
 * output is the same for any thread count. */
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "cli.h"
#include "edits.h"
#include "overlap.h"
#include "pairs_file.h"
#include "reader.h"
#include "report.h"

typedef struct {
    int format;
    nd_passage_view view;
    const nd_doc_store *s;
    const nd_corpus_info *ci;
} pairs_writer;

static int format_pair(void *user, FILE *f, const nd_overlap_pair *p, const nd_doc_ref *da, const nd_doc_ref *db)
{
    const pairs_writer *w = user;
    nd_doc_words wa = {da->id, NULL, &da->span}, wb = {db->id, NULL, &db->span};
    if (nd_print_pair(f, w->format, p, nd_corpus_id(w->ci, p->a), nd_corpus_id_len(w->ci, p->a),
                      nd_corpus_id(w->ci, p->b), nd_corpus_id_len(w->ci, p->b), da->text, da->text_len, db->text,
                      db->text_len, &wa, &wb, da->map, da->nmap, db->map, db->nmap, &w->view))
        return -1;
    return ferror(f) ? -1 : 0;
}

/* Loads the documents the pairs name into s and resolves the pairs to
 * record indexes (*cand).  Prints the error and returns the exit status. */
static int load(const nd_common *common, const nd_pair_list *l, const char *label, char **inputs, int ninputs,
                const nd_pipeline_opts *po, const nd_overlap_opts *o, nd_doc_store *s, nd_corpus_info *ci,
                nd_anchor_pair **cand)
{
    nd_error err = {0, ""};
    char **paths = NULL;
    size_t npaths = 0;
    int rc = NEARDUP_OK;
    if (!ninputs) {
        if ((rc = nd_pairs_paths(l, label, &paths, &npaths, &err))) return nd_cli_error(rc, "%s", err.msg);
        if (!npaths) { /* no pairs: nothing to read */
            free(paths);
            return 0;
        }
        inputs = paths;
        ninputs = (int)npaths;
    }
    nd_reader *r = nd_cli_open_inputs(common, po, inputs, ninputs, &err);
    if (!r) rc = err.code ? err.code : NEARDUP_E_IO;
    if (!rc) rc = nd_overlap_load(r, po, o, s, ci, &err);
    if (!rc && !paths) rc = nd_corpus_check_unique_ids(ci, r, &err);
    if (!rc) nd_cli_print_skips(ci);
    if (!rc && paths) rc = nd_pairs_resolve_paths(l, label, paths, npaths, ci, cand, &err);
    else if (!rc) rc = nd_pairs_resolve(l, label, ci, "the inputs", cand, &err);
    nd_reader_free(r);
    free(paths);
    return rc ? nd_cli_error(rc, "%s", err.msg) : 0;
}

int nd_align_pairs_run(nd_common *common, const nd_align_opts *al, const char *pairs_path, char **inputs,
                       int ninputs, int argc, char **argv)
{
    double t0 = nd_now();
    for (int i = 0; i < ninputs; i++)
        if (!strcmp(pairs_path, "-") && !strcmp(inputs[i], "-"))
            return nd_cli_error(NEARDUP_E_USAGE, "--pairs - and an input - cannot both be standard input");
    const char *label = strcmp(pairs_path, "-") ? pairs_path : "(standard input)";
    nd_pipeline_opts po;
    nd_seeds seeds;
    nd_common_pipeline(common, &po, &seeds);
    nd_overlap_opts o;
    nd_overlap_opts_default(&o);
    o.ngram = common->ngram;
    o.min_words = al->min_words;
    o.no_anchors = 1;
    o.keep_text = common->format == ND_FMT_TEXT || common->format == ND_FMT_HTML || common->excerpts;
    o.progress = po.progress;
    o.align = *al;
    nd_pair_list l;
    nd_error err = {0, ""};
    int rc = nd_pairs_file_read(pairs_path, label, &l, &err);
    if (rc) return nd_cli_error(rc, "%s", err.msg);
    nd_doc_store s = {0};
    nd_corpus_info ci = {0};
    nd_anchor_pair *cand = NULL;
    nd_overlap_pair *pairs = NULL;
    size_t npairs = 0;
    nd_overlap_stats st = {0};
    nd_out out = {0};
    /* outputs are checked and opened before anything is read */
    char *pp = (char *)pairs_path;
    rc = nd_cli_check_output(common, &pp, 1);
    if (!rc && ninputs) rc = nd_cli_check_output(common, inputs, (size_t)ninputs);
    if (!rc && (rc = nd_out_open(&out, common->output, &err))) rc = nd_cli_error(rc, "%s", err.msg);
    if (!rc) rc = load(common, &l, label, inputs, ninputs, &po, &o, &s, &ci, &cand);
    unsigned threads = common->threads ? common->threads : ci.threads ? ci.threads : nd_online_cpus();
    int html = common->format == ND_FMT_HTML;
    pairs_writer pw = {common->format, {0}, &s, &ci};
    nd_overlap_sink sink = {format_pair, &pw, NULL, 1};
    if (!rc && !html) {
        nd_cli_passage_view(common, &pw.view);
        sink.out = out.f;
    }
    if (!rc && (rc = nd_overlap_align(&s, &o, cand, l.n, threads, html ? NULL : &sink, &pairs, &npairs, &st, &err)))
        rc = nd_cli_error(nd_out_failed(&out, rc, &err), "%s", err.msg);
    if (!rc && html && nd_overlap_report(out.f, "neardup align --pairs", &s, &ci, NULL, 0, pairs, npairs, argc, argv, NULL)) {
        nd_fail(&err, NEARDUP_E_NOMEM, "out of memory writing the report");
        rc = nd_cli_error(nd_out_failed(&out, NEARDUP_E_NOMEM, &err), "%s", err.msg);
    }
    if (rc) nd_out_abort(&out);
    if (!rc && (rc = nd_out_commit(&out, &err))) rc = nd_cli_error(rc, "%s", err.msg);
    if (!rc && !common->quiet) {
        double secs = nd_now() - t0;
        fprintf(stderr, "neardup align: %zu pairs of %s aligned (%llu documents, %.1f MB); %zu share passages of >= "
                "%u words; %.2f s (align %.2f s on %u thread%s, %.0f pairs/s)\n", l.n, label,
                (unsigned long long)ci.n, ci.text_bytes / 1e6, npairs, al->min_words, secs, st.t_align, threads,
                threads == 1 ? "" : "s", st.t_align > 0 ? l.n / st.t_align : 0.0);
        if (common->timings) nd_cli_print_timings(&ci);
    }
    nd_overlap_pairs_free(pairs, npairs);
    free(cand);
    nd_doc_store_free(&s);
    nd_corpus_info_free(&ci);
    nd_pair_list_free(&l);
    return rc;
}
