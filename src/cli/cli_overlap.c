/* cli_overlap.c - `neardup overlap INPUT... [--against REF...]`: the pairs
 * of documents that share passages, and the passages. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "edits.h"
#include "overlap.h"
#include "reader.h"
#include "report.h"

enum { OPT_AGAINST = ND_ID_COMMAND, OPT_MIN_WORDS, OPT_MAX_DF, OPT_MAX_GAP, OPT_MIN_IDENTITY, OPT_EDITED, OPT_LANGUAGE,
       OPT_MAX_DF_SENTENCE };

static const nd_cli_option overlap_opts[] = {
    {"against", 0, "REF", "compare the inputs only with these references (repeatable; default: the inputs with each other)", OPT_AGAINST},
    {"min-words", 'w', "W", "report passages of at least W aligned words (default " ND_DEFAULT_STR(ND_DEFAULT_MIN_WORDS) ")", OPT_MIN_WORDS},
    {"max-df", 0, "N", "drop anchors found in more than N documents as boilerplate, and mask their words (default " ND_DEFAULT_STR(ND_DEFAULT_MAX_DF) ")", OPT_MAX_DF},
    {"max-gap", 0, "G", "bridge runs of up to G edited words inside a passage (default " ND_DEFAULT_STR(ND_DEFAULT_MAX_GAP) ")", OPT_MAX_GAP},
    {"min-identity", 0, "X", "drop passages whose matching fraction of words is below X (default " ND_DEFAULT_STR(ND_DEFAULT_MIN_IDENTITY) ")", OPT_MIN_IDENTITY},
    {"edited", 0, NULL, "also find rewritten passages (reworded, reordered, summarised), through sentence fingerprints; costs about 5x the time (default off: copied passages)", OPT_EDITED},
    {"language", 0, "L", "with --edited: language of the stemmer and stop words: a Snowball name or code, or none (default english)", OPT_LANGUAGE},
    {"max-df-sentence", 0, "N", "with --edited: a sentence fingerprint in more than N documents is a formula and finds no candidates (default " ND_DEFAULT_STR(ND_DEFAULT_MAX_DF_SENTENCE) ")", OPT_MAX_DF_SENTENCE},
    {"ngram", 'n', "N", "words per anchor n-gram and exact seed (default " ND_DEFAULT_STR(ND_DEFAULT_NGRAM) ")", ND_ID_NGRAM},
    ND_OPT_FORMAT("text|jsonl|html", "text"),
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
    ND_OPT_COLOR,
    ND_OPT_PASSAGE_VIEW,
    ND_OPT_QUIET,
    ND_OPT_END,
};

typedef struct {
    nd_common common;
    nd_overlap_opts ov;
    char **refs;
    int nrefs;
    int edited_only; /* an option that needs --edited was given */
} overlap_ctx;

static int on_option(void *ctx, int id, const char *arg)
{
    overlap_ctx *c = ctx;
    unsigned long v;
    double x;
    switch (id) {
    case OPT_AGAINST: {
        char **r = realloc(c->refs, (size_t)(c->nrefs + 1) * sizeof *r);
        if (!r) return nd_cli_error(NEARDUP_E_NOMEM, "out of memory");
        c->refs = r;
        c->refs[c->nrefs++] = (char *)arg;
        return 0;
    }
    case OPT_MIN_WORDS:
        if (nd_cli_uint("--min-words", arg, 1, 1000000, &v)) return 2;
        c->ov.min_words = (unsigned)v;
        return 0;
    case OPT_MAX_DF:
        if (nd_cli_uint("--max-df", arg, 2, 4294967295UL, &v)) return 2;
        c->ov.max_df = v;
        return 0;
    case OPT_MAX_GAP:
        if (nd_cli_uint("--max-gap", arg, 0, 64, &v)) return 2;
        c->ov.align.max_gap = (unsigned)v;
        return 0;
    case OPT_MIN_IDENTITY:
        if (nd_cli_double("--min-identity", arg, 0, 1, &x)) return 2;
        c->ov.align.min_identity = x;
        return 0;
    case OPT_EDITED: c->ov.align.verbatim = 0; return 0;
    case OPT_MAX_DF_SENTENCE:
        if (nd_cli_uint("--max-df-sentence", arg, 2, 4294967295UL, &v)) return 2;
        c->ov.max_df_sentence = v;
        c->edited_only = 1;
        return 0;
    case OPT_LANGUAGE:
        if (nd_cli_language(arg)) return 2;
        c->ov.align.language = arg;
        c->edited_only = 1;
        return 0;
    default: return nd_common_option(&c->common, id, arg);
    }
}

/* Reads one set of inputs (the inputs, or the references). */
static int load_set(const nd_common *c, char **in, int n, const nd_pipeline_opts *po, const nd_overlap_opts *o,
                    nd_doc_store *s, nd_corpus_info *ci, nd_reader **r)
{
    nd_error err = {0, ""};
    *r = nd_cli_open_inputs(c, po, in, n, &err);
    if (!*r) return nd_cli_error(err.code, "%s", err.msg);
    int rc = nd_overlap_load(*r, po, o, s, ci, &err);
    if (!rc) rc = nd_corpus_check_unique_ids(ci, *r, &err);
    if (rc) return nd_cli_error(rc, "%s", err.msg);
    nd_cli_print_skips(ci);
    /* read in full: its decoder's window and buffers (12 MB for a .zst)
     * go back now, for the steps after loading to reuse */
    nd_reader_free(*r);
    *r = NULL;
    return 0;
}

static const char *id_of(const nd_corpus_info *ci, const nd_corpus_info *cr, uint64_t split, uint32_t d)
{
    return split && d >= split ? nd_corpus_id(cr, d - split) : nd_corpus_id(ci, d);
}

/* A document's words in the store, for marking edited words. */
static nd_doc_words store_words(const nd_doc_store *s, uint32_t d)
{
    return (nd_doc_words){s->doc[d].id, NULL, &s->doc[d].span};
}

static size_t id_len_of(const nd_corpus_info *ci, const nd_corpus_info *cr, uint64_t split, uint32_t d)
{
    return split && d >= split ? nd_corpus_id_len(cr, d - split) : nd_corpus_id_len(ci, d);
}

/* What formats a streamed pair (nd_overlap_sink). */
typedef struct {
    int format;
    nd_passage_view view;
    const nd_doc_store *s;
    const nd_corpus_info *ci, *cr;
    uint64_t split;
} pair_writer;

static int format_pair(void *user, FILE *f, const nd_overlap_pair *p)
{
    const pair_writer *w = user;
    const nd_doc_ref *da = &w->s->doc[p->a], *db = &w->s->doc[p->b];
    nd_doc_words wa = store_words(w->s, p->a), wb = store_words(w->s, p->b);
    /* offsets written in the original files' (HTML, re-encoded inputs) */
    if (nd_print_pair(f, w->format, p, id_of(w->ci, w->cr, w->split, p->a), id_len_of(w->ci, w->cr, w->split, p->a),
                      id_of(w->ci, w->cr, w->split, p->b), id_len_of(w->ci, w->cr, w->split, p->b), da->text,
                      da->text_len, db->text, db->text_len, &wa, &wb, da->map, da->nmap, db->map, db->nmap, &w->view))
        return -1;
    return ferror(f) ? -1 : 0;
}

int nd_overlap_report(FILE *f, const char *title, const nd_doc_store *s, const nd_corpus_info *ci,
                      const nd_corpus_info *cr, uint64_t split, const nd_overlap_pair *pairs, size_t npairs, int argc,
                      char **argv)
{
    char *cmd = nd_report_command(argc, argv);
    nd_report *r = cmd ? nd_report_create(title, cmd) : NULL;
    free(cmd);
    long *idx = malloc((s->n ? s->n : 1) * sizeof *idx);
    int rc = r && idx ? 0 : -1;
    for (uint64_t i = 0; !rc && i < s->n; i++) idx[i] = -1;
    for (size_t i = 0; !rc && i < npairs; i++) {
        uint32_t d[2] = {pairs[i].a, pairs[i].b};
        for (int k = 0; k < 2 && !rc; k++)
            if (idx[d[k]] < 0) {
                const nd_doc_ref *dr = &s->doc[d[k]];
                idx[d[k]] = nd_report_doc(r, id_of(ci, cr, split, d[k]), id_len_of(ci, cr, split, d[k]),
                                          dr->text ? dr->text : "", dr->text_len);
                if (idx[d[k]] < 0) rc = -1;
            }
        nd_doc_words wa = store_words(s, d[0]), wb = store_words(s, d[1]);
        if (!rc)
            rc = nd_report_pair_words(r, idx[d[0]], idx[d[1]], &pairs[i], &wa, &wb);
    }
    if (!rc) rc = nd_report_write(r, f);
    nd_report_free(r);
    free(idx);
    return rc;
}

int nd_cmd_overlap(int argc, char **argv)
{
    overlap_ctx c = {0};
    nd_common_default(&c.common);
    nd_overlap_opts_default(&c.ov);
    char **pos = NULL;
    int npos = 0;
    int rc = nd_cli_parse(argc, argv,
                          "neardup overlap INPUT... [--against REF]... [--min-words W] [--max-df N] "
                          "[--edited [--language L]] [--format text|jsonl|html]",
                          "List the pairs of documents that share at least one passage of W or more\n"
                          "words, with the passages (byte ranges in both texts). Candidates come from\n"
                          "an inverted index of winnowed word n-gram anchors, never from comparing all\n"
                          "pairs: every passage of >= W identical words holds a shared anchor. Anchors\n"
                          "in more than --max-df documents (signatures, wire footers) are dropped as\n"
                          "boilerplate and counted. With --against, only input x reference pairs.\n"
                          "With --edited, rewritten passages too: sentence fingerprints are anchors\n"
                          "as well, and pairs sharing two are aligned sentence by sentence.",
                          overlap_opts, on_option, &c, &pos, &npos);
    if (!rc && (nd_check_format(&c.common, "overlap", "text|jsonl|html") || nd_check_passage_view(&c.common, "overlap")))
        rc = 2;
    if (!rc && c.edited_only && c.ov.align.verbatim)
        rc = nd_cli_error(NEARDUP_E_USAGE, "--language and --max-df-sentence take effect with --edited only");
    if (rc) {
        free(c.refs);
        free(pos);
        return rc == 1 ? 0 : rc;
    }
    double t0 = nd_now();
    nd_pipeline_opts po;
    nd_seeds seeds;
    nd_common_pipeline(&c.common, &po, &seeds);
    c.ov.ngram = c.common.ngram;
    c.ov.anchor_seed = seeds.anchor_seed;
    c.ov.keep_text = c.common.format == ND_FMT_TEXT || c.common.format == ND_FMT_HTML || c.common.excerpts;
    c.ov.progress = po.progress;
    c.ov.align.min_words = c.ov.min_words;
    c.ov.align.seed_len = c.ov.ngram;
    nd_doc_store s = {0}, sr = {0};
    nd_corpus_info ci = {0}, cr = {0};
    nd_reader *r = NULL, *rr = NULL;
    nd_overlap_pair *pairs = NULL;
    size_t npairs = 0;
    nd_overlap_stats st = {0};
    nd_out out = {0};
    nd_error err = {0, ""};
    uint64_t split = 0;
    if (npos == 0) rc = nd_cli_error(NEARDUP_E_USAGE, "no input given (see --help; use - for standard input)");
    /* the output checked (against the inputs and references) and opened
     * before anything is read; text and JSONL stream out while the pairs
     * are aligned (written in order by the aligning threads); the HTML
     * report needs every pair */
    int html = c.common.format == ND_FMT_HTML;
    if (!rc) rc = nd_cli_check_output(&c.common, pos, (size_t)npos);
    if (!rc && c.nrefs) rc = nd_cli_check_output(&c.common, c.refs, (size_t)c.nrefs);
    if (!rc && (rc = nd_out_open(&out, c.common.output, &err))) rc = nd_cli_error(rc, "%s", err.msg);
    if (!rc) rc = load_set(&c.common, pos, npos, &po, &c.ov, &s, &ci, &r);
    if (!rc && c.nrefs) {
        rc = load_set(&c.common, c.refs, c.nrefs, &po, &c.ov, &sr, &cr, &rr);
        split = s.n;
        if (!rc && (split == 0 || split + sr.n > UINT32_MAX - 1))
            rc = nd_cli_error(NEARDUP_E_USAGE, split ? "too many documents" : "the inputs hold no document");
        if (!rc && nd_doc_store_append(&s, &sr)) rc = nd_cli_error(NEARDUP_E_NOMEM, "out of memory");
    }
    double t_load = nd_now() - t0;
    pair_writer pw = {c.common.format, {0}, &s, &ci, &cr, split};
    nd_overlap_sink sink = {format_pair, &pw, NULL, 0};
    if (!rc && !html) {
        nd_cli_passage_view(&c.common, &pw.view); /* once: it asks the terminal (a system call) */
        sink.out = out.f;
    }
    if (!rc && (rc = nd_overlap_run(&s, &c.ov, (uint32_t)split, c.common.threads ? c.common.threads : ci.threads,
                                    html ? NULL : &sink, &pairs, &npairs, &st, &err))) {
        /* nothing partial is left (stdout: as far as written); a full disk is named as such */
        rc = nd_cli_error(nd_out_failed(&out, rc, &err), "%s", err.msg);
    }
    double t_write0 = nd_now();
    if (!rc && html) {
        if (nd_overlap_report(out.f, "neardup overlap", &s, &ci, &cr, split, pairs, npairs, argc, argv)) {
            nd_fail(&err, NEARDUP_E_NOMEM, "out of memory writing the report");
            rc = nd_cli_error(nd_out_failed(&out, NEARDUP_E_NOMEM, &err), "%s", err.msg);
        } else if ((rc = nd_out_commit(&out, &err))) {
            rc = nd_cli_error(rc, "%s", err.msg);
        }
    } else if (!rc) {
        if ((rc = nd_out_commit(&out, &err))) rc = nd_cli_error(rc, "%s", err.msg);
    }
    nd_out_abort(&out); /* after an error before the writing (nothing if committed) */
    double t_write = nd_now() - t_write0;
    if (!rc && !c.common.quiet) {
        double secs = nd_now() - t0, mb = (ci.text_bytes + cr.text_bytes) / 1e6;
        fprintf(stderr, "neardup overlap: %llu records read (%llu documents, %llu skipped); %llu anchors, "
                "%llu dropped as boilerplate (in more than %llu documents; %llu occurrences); %llu candidate "
                "pairs aligned; %zu pairs share passages of >= %u words; %.1f MB in %.2f s\n",
                (unsigned long long)(ci.n + cr.n), (unsigned long long)(ci.n + cr.n - ci.skipped_n - cr.skipped_n),
                (unsigned long long)(ci.skipped_n + cr.skipped_n), (unsigned long long)st.anchors.anchors,
                (unsigned long long)st.anchors.dropped, (unsigned long long)c.ov.max_df,
                (unsigned long long)st.anchors.dropped_occ, (unsigned long long)st.candidates, npairs,
                c.ov.min_words, mb, secs);
        if (c.common.timings) {
            nd_cli_print_timings(&ci);
            fprintf(stderr, "timings: load %.3f s (read, tokenize, anchors), candidates %.3f s, align %.3f s%s, "
                    "write %.3f s\n", t_load, st.t_anchor, st.t_align,
                    html ? "" : " (pairs written as they are aligned)", t_write);
        }
    }
    nd_overlap_pairs_free(pairs, npairs);
    nd_doc_store_free(&s);
    nd_doc_store_free(&sr);
    nd_corpus_info_free(&ci);
    nd_corpus_info_free(&cr);
    nd_reader_free(r);
    nd_reader_free(rr);
    free(pos);
    free(c.refs);
    return rc;
}
