/* cli_align.c - `neardup align A B`: the passages two documents share
 * (`align --pairs FILE`: many pairs, cli_align_pairs.c). */
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "cli.h"
#include "edits.h"
#include "offmap.h"
#include "record.h"
#include "report.h"
#include "reuse.h"
#include "tokenize.h"

enum { OPT_MIN_WORDS = ND_ID_COMMAND, OPT_MAX_GAP, OPT_MIN_IDENTITY, OPT_A_ID, OPT_B_ID, OPT_PAIRS, OPT_VERBATIM, OPT_LANGUAGE };

static const nd_cli_option align_opts[] = {
    {"min-words", 'w', "W", "report passages of at least W aligned words (default " ND_DEFAULT_STR(ND_DEFAULT_MIN_WORDS) ")", OPT_MIN_WORDS},
    {"max-gap", 0, "G", "bridge runs of up to G edited words inside a passage (default " ND_DEFAULT_STR(ND_DEFAULT_MAX_GAP) ")", OPT_MAX_GAP},
    {"min-identity", 0, "X", "drop passages whose matching fraction of words is below X (default " ND_DEFAULT_STR(ND_DEFAULT_MIN_IDENTITY) ")", OPT_MIN_IDENTITY},
    {"ngram", 'n', "N", "words per exact seed (default " ND_DEFAULT_STR(ND_DEFAULT_NGRAM) ")", ND_ID_NGRAM},
    {"verbatim", 0, NULL, "find copied passages only, not rewritten ones (default: both)", OPT_VERBATIM},
    {"language", 0, "L", "language of the stemmer and stop words that find rewritten passages: a Snowball name or code, or none (default english)", OPT_LANGUAGE},
    {"a-id", 0, "ID", "take A's record with this id from a JSONL input of many (default: A holds one record)", OPT_A_ID},
    {"b-id", 0, "ID", "take B's record with this id from a JSONL input of many (default: B holds one record)", OPT_B_ID},
    {"pairs", 0, "FILE", "align every pair of FILE (TSV a<TAB>b, CSV a,b, or the JSONL of pairs/overlap; .gz/.zst; - for standard input): "
     "ids of records of the INPUTs, or file paths when no INPUT is given; one record a pair, in FILE's order "
     "(default: align A B)", OPT_PAIRS},
    ND_OPT_THREADS,
    ND_OPT_FORMAT("text|jsonl|html", "text"),
    ND_OPT_OUTPUT,
    ND_OPT_ID_FIELD,
    ND_OPT_TEXT_FIELD,
    ND_OPT_READERS,
    ND_OPT_LOSSY,
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
    nd_align_opts al;
    const char *id[2]; /* --a-id, --b-id */
    const char *pairs; /* --pairs FILE */
} align_ctx;

static int on_option(void *ctx, int id, const char *arg)
{
    align_ctx *c = ctx;
    switch (id) {
    case OPT_MIN_WORDS: return nd_cli_min_words(arg, &c->al.min_words);
    case OPT_MAX_GAP: return nd_cli_max_gap(arg, &c->al.max_gap);
    case OPT_MIN_IDENTITY: return nd_cli_min_identity(arg, &c->al.min_identity);
    case OPT_A_ID:
    case OPT_B_ID: c->id[id == OPT_B_ID] = arg; return 0;
    case OPT_PAIRS: c->pairs = arg; return 0;
    case OPT_VERBATIM: c->al.verbatim = 1; return 0;
    case OPT_LANGUAGE:
        if (nd_cli_language(arg)) return 2;
        c->al.language = arg;
        return 0;
    default: return nd_common_option(&c->common, id, arg);
    }
}

int nd_cmd_align(int argc, char **argv)
{
    align_ctx c = {.id = {NULL, NULL}};
    nd_common_default(&c.common);
    nd_align_opts_default(&c.al);
    char **pos = NULL;
    int npos = 0;
    int rc = nd_cli_parse(argc, argv, "neardup align A B | --pairs FILE [INPUT...] [--min-words W] [--format text|jsonl|html]",
                          "Align two documents and print every passage they share: byte ranges in\n"
                          "both original texts, aligned words (matching, substituted, inserted,\n"
                          "deleted) and identity. Exact word seeds are chained along both texts\n"
                          "across small edits. A and B are plain files, or JSONL inputs holding one\n"
                          "record each (or many, with --a-id / --b-id picking one: A and B may be the\n"
                          "same corpus, to show a pair that neardup overlap reported). With --pairs,\n"
                          "every pair of FILE, on all threads, as overlap's pair records.",
                          align_opts, on_option, &c, &pos, &npos);
    if (!rc && (nd_check_format(&c.common, "align", "text|jsonl|html") || nd_check_passage_view(&c.common, "align")))
        rc = 2;
    if (rc) {
        free(pos);
        return rc == 1 ? 0 : rc;
    }
    c.al.seed_len = c.common.ngram;
    if (c.pairs) {
        rc = c.id[0] || c.id[1] ? nd_cli_error(NEARDUP_E_USAGE, "--pairs names its pairs by id: --a-id and --b-id "
                                                "do not apply")
                                : nd_align_pairs_run(&c.common, &c.al, c.pairs, pos, npos, argc, argv);
        free(pos);
        return rc;
    }
    if (npos != 2) {
        free(pos);
        return nd_cli_error(NEARDUP_E_USAGE, "align takes exactly two inputs, A and B (see --help)");
    }
    c.al.seed_len = c.common.ngram;
    nd_pipeline_opts po;
    nd_seeds seeds;
    nd_common_pipeline(&c.common, &po, &seeds);
    nd_loaded_doc d[2] = {{0}};
    nd_error err = {0, ""};
    nd_tokens tok[2] = {{0}};
    nd_passage *p = NULL;
    size_t np = 0;
    nd_out out = {0};
    rc = nd_cli_check_output(&c.common, pos, 2);
    if (!rc && (rc = nd_out_open(&out, c.common.output, &err))) rc = nd_cli_error(rc, "%s", err.msg);
    for (int i = 0; i < 2 && !rc; i++)
        if ((rc = nd_cli_load_id(&c.common, pos[i], c.id[i], &po, &d[i], &tok[i], &err)))
            rc = nd_cli_error(rc, "%s", err.msg);
    if (!rc && (rc = nd_align_texts(d[0].text, &tok[0], d[1].text, &tok[1], &c.al, &p, &np, &err)))
        rc = nd_cli_error(rc, "%s", err.msg);
    /* the texts' words, for marking edited words (colour, HTML) */
    uint32_t *ids[2] = {NULL, NULL};
    nd_doc_words w[2];
    for (int i = 0; i < 2 && !rc; i++) {
        if (!(ids[i] = nd_word_ids(&tok[i]))) rc = nd_cli_error(NEARDUP_E_NOMEM, "out of memory");
        w[i] = (nd_doc_words){ids[i], tok[i].span, NULL};
    }
    /* the ids escaped for the text views and the summary (JSONL keeps every byte) */
    char *eid[2] = {NULL, NULL};
    for (int i = 0; i < 2 && !rc; i++) {
        if (!(eid[i] = nd_id_text_dup(d[i].id, d[i].id_len))) rc = nd_cli_error(NEARDUP_E_NOMEM, "out of memory");
    }
    if (!rc && c.common.format == ND_FMT_HTML) {
        char *cmd = nd_report_command(argc, argv);
        nd_report *r = cmd ? nd_report_create("neardup align", cmd) : NULL;
        free(cmd);
        nd_overlap_pair pr = {0, 1, p, np, 0, nd_passage_coverage(p, np, 0, tok[0].n), nd_passage_coverage(p, np, 1, tok[1].n)};
        for (size_t i = 0; i < np; i++) pr.shared_words += p[i].matches;
        long ia = r ? nd_report_doc(r, d[0].id, d[0].id_len, d[0].text, d[0].len) : -1;
        long ib = ia >= 0 ? nd_report_doc(r, d[1].id, d[1].id_len, d[1].text, d[1].len) : -1;
        if (ib < 0 || (np && nd_report_pair_words(r, ia, ib, &pr, &w[0], &w[1])) || nd_report_write(r, out.f)) {
            nd_fail(&err, NEARDUP_E_NOMEM, "out of memory writing the report");
            rc = nd_cli_error(nd_out_failed(&out, NEARDUP_E_NOMEM, &err), "%s", err.msg);
        } else if ((rc = nd_out_commit(&out, &err))) {
            rc = nd_cli_error(rc, "%s", err.msg);
        }
        nd_report_free(r);
    } else if (!rc) {
        uint64_t words = 0;
        nd_passage_view view;
        nd_cli_passage_view(&c.common, &view);
        for (size_t i = 0; i < np; i++) {
            nd_passage o = p[i]; /* offsets into the original files */
            nd_passage_to_original(&o, d[0].map, d[0].nmap, d[1].map, d[1].nmap);
            words += p[i].matches;
            if (c.common.format == ND_FMT_JSONL) {
                fputs("{\"a\": ", out.f);
                nd_json_write_string(out.f, d[0].id, d[0].id_len);
                fputs(", \"b\": ", out.f);
                nd_json_write_string(out.f, d[1].id, d[1].id_len);
                fputs(", ", out.f);
                nd_print_passage_fields(out.f, &o);
                if (view.excerpts) nd_print_passage_excerpts(out.f, &p[i], d[0].text, d[1].text);
                fputs("}\n", out.f);
            } else {
                nd_passage_marks m = {0};
                int marked = view.color && !nd_passage_marks_make(&p[i], &w[0], &w[1], NULL, &m);
                nd_print_passage_text(out.f, (unsigned)i + 1, &p[i], &o, eid[0], d[0].text, d[0].len, eid[1],
                                      d[1].text, d[1].len, &view, marked ? &m : NULL);
                nd_passage_marks_free(&m);
            }
        }
        if ((rc = nd_out_commit(&out, &err))) rc = nd_cli_error(rc, "%s", err.msg);
        else if (!c.common.quiet)
            fprintf(stderr, "neardup align: %s (%zu words) and %s (%zu words): %zu passage%s of >= %u words, "
                    "%llu matching words\n", eid[0], tok[0].n, eid[1], tok[1].n, np, np == 1 ? "" : "s",
                    c.al.min_words, (unsigned long long)words);
    }
    nd_out_abort(&out); /* after an error before the writing (nothing if committed) */
    free(eid[0]);
    free(eid[1]);
    free(p);
    for (int i = 0; i < 2; i++) {
        free(ids[i]);
        nd_tokens_free(&tok[i]);
        nd_loaded_doc_free(&d[i]);
    }
    free(pos);
    return rc;
}
