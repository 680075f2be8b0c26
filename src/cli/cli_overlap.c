/* cli_overlap.c - `neardup overlap INPUT... [--against REF...]`: the pairs
 * of documents that share passages, and the passages. */
#include <stdlib.h>
#include <string.h>

#include <sys/resource.h>
#include <unistd.h>

#include "align.h"
#include "cli.h"
#include "cli_clusters.h"
#include "cli_overlap_mpi.h"
#include "edits.h"
#include "overlap.h"
#include "overlap_spill.h"
#include "reader.h"
#include "report.h"
#include "spill.h"

enum { OPT_AGAINST = ND_ID_COMMAND, OPT_MIN_WORDS, OPT_MAX_DF, OPT_MAX_GAP, OPT_MIN_IDENTITY, OPT_EDITED, OPT_LANGUAGE,
       OPT_MAX_DF_SENTENCE, OPT_CLUSTERS, OPT_DATE_FIELD, OPT_SERIES_FIELD, OPT_SERIES_FROM_DIR, OPT_WITHIN_SERIES,
       OPT_MAX_SERIES_DF, OPT_MEMORY, OPT_TMP };

static const nd_cli_option overlap_opts[] = {
    {"against", 0, "REF", "compare the inputs only with these references (repeatable; default: the inputs with each other)", OPT_AGAINST},
    {"min-words", 'w', "W", "report passages of at least W aligned words (default " ND_DEFAULT_STR(ND_DEFAULT_MIN_WORDS) ")", OPT_MIN_WORDS},
    {"max-df", 0, "N", "drop anchors found in more than N documents as boilerplate, and mask their words (default " ND_DEFAULT_STR(ND_DEFAULT_MAX_DF) "); with series, such an anchor is a reprint unless --max-series-df says it is boilerplate: kept, its carriers not listed as pairs but clustered", OPT_MAX_DF},
    {"clusters", 0, "FILE", "also write the reused-passage clusters, one JSONL record each: {\"cluster\": N, \"size\": S, \"source\": ID, \"words\": W, \"witnesses\": [{\"id\": ID, \"start\": B, \"end\": B, \"date\": ..., \"series\": ...}, ...]}; - is standard output (the pairs then go only to -o), shown compactly on a terminal; with --format html the report gets a cluster view too (default none)", OPT_CLUSTERS},
    {"date-field", 0, "NAME", "JSONL field of each record's date (ISO 8601: 2024-05-01, 2024-05-01T09:30:00Z): witnesses are ordered by it, the earliest is the source (default none: input order)", OPT_DATE_FIELD},
    {"series-field", 0, "NAME", "JSONL field of each record's series (outlet, site, newspaper title): reuse inside one series is not reported, and --max-df counts documents of one series (default none)", OPT_SERIES_FIELD},
    {"series-from-dir", 0, NULL, "the series of a document is the directory of its file (plain files: one directory per outlet)", OPT_SERIES_FROM_DIR},
    {"within-series", 0, NULL, "with a series: report reuse inside one series too", OPT_WITHIN_SERIES},
    {"max-series-df", 0, "N", "with a series: an anchor in more than N documents of one series is its boilerplate (footer, masthead), dropped and masked (default " ND_DEFAULT_STR(ND_DEFAULT_MAX_SERIES_DF) ")", OPT_MAX_SERIES_DF},
    {"max-gap", 0, "G", "bridge runs of up to G edited words inside a passage (default " ND_DEFAULT_STR(ND_DEFAULT_MAX_GAP) ")", OPT_MAX_GAP},
    {"min-identity", 0, "X", "drop passages whose matching fraction of words is below X (default " ND_DEFAULT_STR(ND_DEFAULT_MIN_IDENTITY) ")", OPT_MIN_IDENTITY},
    {"edited", 0, NULL, "also find rewritten passages (reworded, reordered, summarised), through sentence fingerprints; costs about 5x the time (default off: copied passages)", OPT_EDITED},
    {"language", 0, "L", "with --edited: language of the stemmer and stop words: a Snowball name or code, or none (default english)", OPT_LANGUAGE},
    {"max-df-sentence", 0, "N", "with --edited: a sentence fingerprint in at most N documents is rare (weight 1), one in df more weighs N/df; a pair needs 2 (default " ND_DEFAULT_STR(ND_DEFAULT_MAX_DF_SENTENCE) ")", OPT_MAX_DF_SENTENCE},
    {"ngram", 'n', "N", "words per anchor n-gram and exact seed (default " ND_DEFAULT_STR(ND_DEFAULT_NGRAM) ")", ND_ID_NGRAM},
    {"memory", 0, "SIZE", "bound memory (512M, 2G; same output): documents and anchors go to --tmp and are read back in batches; what stays: ~40 bytes a document plus its id (with --date-field/--series-field 12 more), 4 bytes a witness of the clusters (their passages go to --tmp too), and two documents that share a candidate (one is never split); under mpirun, each rank's bound (its share on its --tmp, 12 bytes a document of the whole corpus more); not with --format html (default unbounded: ~6 bytes a word and 16 an anchor in memory)", OPT_MEMORY},
    {"tmp", 0, "DIR", "--memory: directory for the spill files, removed on any exit (default $TMPDIR or /tmp)", OPT_TMP},
    ND_OPT_FORMAT("text|jsonl|html", "text"),
    ND_OPT_OUTPUT,
    ND_OPT_CORPUS,
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
    const char *clusters; /* --clusters FILE */
    nd_field_opts fo;
    int within_series;
    int series_only; /* an option that needs a series was given */
    uint64_t memory;    /* --memory (0: unbounded) */
    const char *tmpdir; /* --tmp */
} overlap_ctx;

static int on_option(void *ctx, int id, const char *arg)
{
    overlap_ctx *c = ctx;
    unsigned long v;
    switch (id) {
    case OPT_AGAINST: return nd_cli_push_arg(&c->refs, &c->nrefs, arg);
    case OPT_MIN_WORDS: return nd_cli_min_words(arg, &c->ov.min_words);
    case OPT_MAX_DF:
        if (nd_cli_uint("--max-df", arg, 2, 4294967295UL, &v)) return 2;
        c->ov.max_df = v;
        return 0;
    case OPT_MAX_GAP: return nd_cli_max_gap(arg, &c->ov.align.max_gap);
    case OPT_MIN_IDENTITY: return nd_cli_min_identity(arg, &c->ov.align.min_identity);
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
    case OPT_MEMORY:
        if (nd_parse_size(arg, &c->memory) || c->memory < (1u << 20))
            return nd_cli_error(NEARDUP_E_USAGE, "--memory: expected a size of at least 1M such as 512M or 2G, got \"%s\"", arg);
        return 0;
    case OPT_TMP:
        if (!*arg) return nd_cli_error(NEARDUP_E_USAGE, "--tmp: empty directory name");
        c->tmpdir = arg;
        return 0;
    case OPT_CLUSTERS: c->clusters = arg; return 0;
    case OPT_DATE_FIELD: c->fo.date_field = arg; return 0;
    case OPT_SERIES_FIELD: c->fo.series_field = arg; return 0;
    case OPT_SERIES_FROM_DIR: c->fo.series_from_dir = 1; return 0;
    case OPT_WITHIN_SERIES: c->within_series = 1; return 0;
    case OPT_MAX_SERIES_DF:
        if (nd_cli_uint("--max-series-df", arg, 1, 4294967295UL, &v)) return 2;
        c->ov.scope.max_series_df = v;
        c->series_only = 1;
        return 0;
    default: return nd_common_option(&c->common, id, arg);
    }
}

/* Reads one set of inputs (the inputs, or the references) into s, or with
 * --memory into sp (after what it holds). */
static int load_set(const nd_common *c, char **in, int n, const nd_pipeline_opts *po, const nd_overlap_opts *o,
                    const nd_field_opts *fo, nd_doc_fields *f, nd_doc_store *s, nd_spill_store *sp,
                    nd_corpus_info *ci, nd_reader **r)
{
    nd_error err = {0, ""};
    *r = nd_cli_open_inputs(c, po, in, n, &err);
    if (!*r) return nd_cli_error(err.code, "%s", err.msg);
    int rc = sp ? nd_spill_store_load(sp, *r, po, o, ci, &err) : nd_overlap_load(*r, po, o, s, ci, &err);
    if (!rc) rc = nd_corpus_check_unique_ids(ci, *r, &err);
    if (!rc && nd_field_opts_any(fo)) rc = nd_doc_fields_read(f, fo, *r, ci, &err); /* a second pass */
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
    int skip;  /* --clusters - without -o: the pairs are not written */
    nd_passage_view view;
    const nd_doc_store *s;
    const nd_corpus_info *ci, *cr;
    uint64_t split;
} pair_writer;

static int format_pair(void *user, FILE *f, const nd_overlap_pair *p, const nd_doc_ref *da, const nd_doc_ref *db)
{
    const pair_writer *w = user;
    if (w->skip) return 0;
    nd_doc_words wa = {da->id, NULL, &da->span}, wb = {db->id, NULL, &db->span};
    /* offsets written in the original files' (HTML, re-encoded inputs) */
    if (nd_print_pair(f, w->format, p, id_of(w->ci, w->cr, w->split, p->a), id_len_of(w->ci, w->cr, w->split, p->a),
                      id_of(w->ci, w->cr, w->split, p->b), id_len_of(w->ci, w->cr, w->split, p->b), da->text,
                      da->text_len, db->text, db->text_len, &wa, &wb, da->map, da->nmap, db->map, db->nmap, &w->view))
        return -1;
    return ferror(f) ? -1 : 0;
}

static int collect_links(void *user, const nd_overlap_pair *p, const nd_doc_ref *da, const nd_doc_ref *db)
{
    return nd_link_list_add(user, p->a, p->b, p->p, p->np);
}

/* With --memory: the passages to the clusters' sorted runs on disk, with
 * the original files' offsets already (the documents' maps are not in
 * memory when the clusters are written). */
static int collect_spill(void *user, const nd_overlap_pair *p, const nd_doc_ref *da, const nd_doc_ref *db)
{
    return nd_pcluster_spill_add(user, p, da, db);
}

/* What the clusters and series changed, on standard error: the star pairs,
 * the clusters, and what a frequency cut left out of the pairs (and how to
 * get it). */
/* The clusters' count, and those of more than max_df documents with their
 * pairs (print_cluster_summary's). */
static void count_clusters(const nd_pclusters *pc, uint64_t max_df, nd_cluster_stream *cs)
{
    cs->nc = pc->nc;
    for (size_t i = 0; i < pc->nc; i++)
        if (pc->c[i].ndocs > max_df) {
            cs->big++;
            cs->big_pairs += (uint64_t)pc->c[i].ndocs * (pc->c[i].ndocs - 1) / 2;
        }
}

static void print_cluster_summary(const overlap_ctx *c, const nd_overlap_stats *st, const nd_cluster_stream *cs,
                                  int series)
{
    if (series)
        fprintf(stderr, "neardup overlap: series: %llu anchors in more than %llu documents of one series dropped as its "
                "boilerplate (--max-series-df); %llu anchors in more than %llu documents of several series kept as "
                "reprints (%llu carrier-representative pairs aligned for the clusters)%s\n",
                (unsigned long long)st->anchors.series_dropped, (unsigned long long)c->ov.scope.max_series_df,
                (unsigned long long)st->anchors.spread, (unsigned long long)c->ov.max_df,
                (unsigned long long)st->anchors.star_pairs,
                c->within_series ? "" : "; reuse within one series is not reported (--within-series reports it)");
    if (c->clusters) fprintf(stderr, "neardup overlap: %llu passage clusters written to %s\n", (unsigned long long)cs->nc,
                             strcmp(c->clusters, "-") ? c->clusters : "standard output");
    /* the pairs of a text spread over more than max_df documents of several
     * series are not listed (without series, a large cluster is made of
     * listed pairs chained together) */
    uint64_t big = st->anchors.spread ? cs->big : 0, big_pairs = cs->big_pairs;
    if (big)
        fprintf(stderr, "neardup overlap: %llu passages carried by more than %llu documents (up to %llu pairs of "
                "their carriers) are not listed as pairs: %s; --max-df N lists their pairs\n",
                (unsigned long long)big, (unsigned long long)c->ov.max_df, (unsigned long long)big_pairs,
                c->clusters ? "their clusters are in the clusters output" : "--clusters FILE lists them as clusters");
    if (!series && st->anchors.dropped > st->anchors.sentence_dropped)
        fprintf(stderr, "neardup overlap: the %llu anchors in more than %llu documents are not reported (an outlet's "
                "footer cannot be told from a reprint without series: --series-field or --series-from-dir tells "
                "them apart; --max-df N raises the cut)\n",
                (unsigned long long)(st->anchors.dropped - st->anchors.sentence_dropped),
                (unsigned long long)c->ov.max_df);
}

int nd_overlap_report(FILE *f, const char *title, const nd_doc_store *s, const nd_corpus_info *ci,
                      const nd_corpus_info *cr, uint64_t split, const nd_overlap_pair *pairs, size_t npairs, int argc,
                      char **argv, const struct nd_cluster_report *clusters)
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
    if (!rc && clusters) rc = nd_report_add_clusters(r, idx, clusters->w, clusters->c);
    if (!rc) rc = nd_report_write(r, f);
    nd_report_free(r);
    free(idx);
    return rc;
}

/* What overlap cannot do under mpirun yet, refused before anything is read
 * (an index into mpi_unsupported_why; 0: nothing). */
static const char *const mpi_unsupported_why[] = {
    "",
    "under mpirun, overlap does not take --format html (the report needs every document on one rank): "
    "write jsonl or text, or run one process",
    "",
    "under mpirun, overlap does not take --against (references are not shared among the ranks): run one process",
};

static int mpi_unsupported(const overlap_ctx *c, int html)
{
    if (html) return 1;
    if (c->nrefs) return 3;
    return 0;
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
                          "[--edited [--language L]] [--format text|jsonl|html] [--clusters FILE] "
                          "[--date-field NAME] [--series-field NAME | --series-from-dir] [--within-series] "
                          "[--memory SIZE [--tmp DIR]]",
                          "List the pairs of documents that share at least one passage of W or more\n"
                          "words, with the passages (byte ranges in both texts). Candidates come from\n"
                          "an inverted index of winnowed word n-gram anchors, never from comparing all\n"
                          "pairs: every passage of >= W identical words holds a shared anchor. Anchors\n"
                          "in more than --max-df documents (signatures, wire footers) are dropped as\n"
                          "boilerplate and counted. With --against, only input x reference pairs.\n"
                          "With --edited, rewritten passages too: sentence fingerprints are anchors\n"
                          "as well, and pairs sharing two are aligned sentence by sentence.\n"
                          "With --clusters, the reused passages as clusters: every document that\n"
                          "carried a text (passages A-B and B-C over one span of B join), ordered by\n"
                          "--date-field, the earliest (or the first reference) its source. With a\n"
                          "series (--series-field, --series-from-dir), an outlet's own repeats are not\n"
                          "reported, an anchor in more than --max-series-df documents of one series is\n"
                          "its footer, and one in more than --max-df documents spread over series is a\n"
                          "reprint: each carrier is aligned with one representative, so 10,000\n"
                          "carriers cost 10,000 alignments.\n"
                          "Under mpirun -np N, each rank loads its share of the inputs, anchors meet at\n"
                          "the rank owning their hash, each pair is aligned by the owner of its first\n"
                          "document, and rank 0 writes pairs and clusters identical to one process's\n"
                          "(standard output written as to a file); --format html and --against run\n"
                          "as one process only (refused under mpirun).\n"
                          "With --memory SIZE, the documents (words, spans, texts) and the anchors go\n"
                          "to --tmp and are read back in batches, and the clusters' passages go to\n"
                          "sorted runs there and are joined from them: the same output within SIZE.\n"
                          "Not bounded: ~40 bytes a document plus its id (dates and series: 12\n"
                          "more), 4 bytes a witness of the clusters, and two documents that share a\n"
                          "candidate (a document is never split); below about\n"
                          "48 MiB at -j 2 the program and its reading pipeline alone exceed SIZE.\n"
                          "Under mpirun, --memory bounds each rank: its share goes to its own files,\n"
                          "a batch fetches the documents it lacks from their owners, and the\n"
                          "passages go to rank 0's runs; the same output as one process.",
                          overlap_opts, on_option, &c, &pos, &npos);
    if (!rc && (nd_check_format(&c.common, "overlap", "text|jsonl|html") || nd_check_passage_view(&c.common, "overlap")))
        rc = 2;
    if (!rc && c.edited_only && c.ov.align.verbatim)
        rc = nd_cli_error(NEARDUP_E_USAGE, "--language and --max-df-sentence take effect with --edited only");
    int series = c.fo.series_field || c.fo.series_from_dir;
    if (!rc && (c.within_series || c.series_only) && !series)
        rc = nd_cli_error(NEARDUP_E_USAGE, "--within-series and --max-series-df need --series-field or --series-from-dir");
    if (!rc && c.fo.series_field && c.fo.series_from_dir)
        rc = nd_cli_error(NEARDUP_E_USAGE, "--series-field and --series-from-dir: give one of them");
    if (!rc && c.clusters && !strcmp(c.clusters, "-") && c.common.format == ND_FMT_HTML && !c.common.output)
        rc = nd_cli_error(NEARDUP_E_USAGE, "--clusters - and --format html: give the report -o FILE.html");
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
    /* --clusters -: standard output is the clusters' (the pairs go to -o only) */
    int clusters_stdout = c.clusters && !strcmp(c.clusters, "-");
    /* under mpirun, standard output is mpirun's pipe or pseudo-terminal, not
     * known to be the user's: written as to a file (no colour unless
     * --color always, no shortening, clusters as JSONL) */
    int mpi = nd_mpi_size() > 1, rank0 = nd_mpi_rank() == 0, bounded = c.memory != 0;
    /* with --memory the texts are not at hand when the clusters are written */
    int clusters_terminal = clusters_stdout && !mpi && !bounded && isatty(STDOUT_FILENO);
    int skip_pairs = clusters_stdout && !c.common.output;
    c.ov.keep_text = (!skip_pairs && (c.common.format == ND_FMT_TEXT || c.common.format == ND_FMT_HTML ||
                                      c.common.excerpts)) || clusters_terminal;
    c.ov.progress = po.progress;
    c.ov.align.min_words = c.ov.min_words;
    c.ov.align.seed_len = c.ov.ngram;
    nd_doc_store s = {0}, sr = {0};
    nd_spill_store sp;
    nd_spill_ostats sst = {0};
    int sp_open = 0;
    nd_corpus_info ci = {0}, cr = {0};
    nd_reader *r = NULL, *rr = NULL;
    nd_overlap_pair *pairs = NULL;
    size_t npairs = 0;
    nd_overlap_stats st = {0};
    nd_out out = {0}, cl = {0};
    nd_error err = {0, ""};
    uint64_t split = 0;
    nd_doc_fields fields = {0};
    nd_link_list links;
    nd_pclusters pc = {0};
    nd_pcluster_spill *ps = NULL;     /* --memory: the clusters' passages on disk */
    nd_pcluster_spill_stats pss = {0};
    nd_cluster_stream cst = {NULL, NULL, c.ov.max_df, 0, 0, 0};
    /* --memory: what collecting the clusters' passages buffers, off the store's bound */
    uint64_t clusters_share = c.memory / 16 < (1u << 20) ? (1u << 20) : c.memory / 16;
    int links_ok = !nd_link_list_init(&links), links_wanted = 0, mpi_done = 0;
    if (!links_ok) rc = nd_cli_error(NEARDUP_E_NOMEM, "out of memory");
    if (npos == 0) rc = nd_cli_error(NEARDUP_E_USAGE, "no input given (see --help; use - for standard input)");
    /* the output checked (against the inputs and references) and opened
     * before anything is read; text and JSONL stream out while the pairs
     * are aligned (written in order by the aligning threads); the HTML
     * report needs every pair */
    int html = c.common.format == ND_FMT_HTML;
    const char *outs[2] = {skip_pairs ? NULL : c.common.output ? c.common.output : "-", c.clusters};
    static const char *const names[2] = {"-o", "--clusters"};
    if (!rc && !c.clusters) { /* the one output -o */
        rc = nd_cli_check_output(&c.common, pos, (size_t)npos);
        if (!rc && c.nrefs) rc = nd_cli_check_output(&c.common, c.refs, (size_t)c.nrefs);
    } else if (!rc) {
        rc = nd_cli_check_files(&c.common, outs, names, 2, pos, (size_t)npos);
        if (!rc && c.nrefs) rc = nd_cli_check_files(&c.common, outs, names, 2, c.refs, (size_t)c.nrefs);
    }
    if (!rc && bounded && html && !mpi)
        rc = nd_cli_error(NEARDUP_E_USAGE, "--memory and --format html: the report holds every pair and document in "
                          "memory; write jsonl or text");
    if (!rc && c.tmpdir && !bounded) rc = nd_cli_error(NEARDUP_E_USAGE, "--tmp takes effect with --memory only");
    /* the reader spools standard input and decoded .gz/.zst for a second
     * pass (--date-field, --series-field) to $TMPDIR: to --tmp as well */
    if (!rc && bounded && c.tmpdir && setenv("TMPDIR", c.tmpdir, 1)) rc = nd_cli_error(NEARDUP_E_NOMEM, "out of memory");
    /* the pipeline's slots (2 x threads + 2 batches in flight) are most of
     * what --memory cannot bound: smaller batches under a small bound */
    if (bounded && c.memory < ((uint64_t)256 << 20)) po.batch_bytes = 256 << 10;
    if (!rc && bounded) {
        uint64_t store_mem = (c.clusters || series) && c.memory > 2 * clusters_share ? c.memory - clusters_share : c.memory;
        if ((rc = nd_spill_store_init(&sp, store_mem, c.tmpdir, &c.ov, &po, &err))) rc = nd_cli_error(rc, "%s", err.msg);
        else sp_open = 1;
        sp.aside = c.memory - store_mem; /* the clusters' share: the messages name the --memory given */
        /* under mpirun, rank 0 makes the clusters */
        if (!rc && (c.clusters || series) && rank0 && !(ps = nd_pcluster_spill_new((size_t)clusters_share, c.tmpdir)))
            rc = nd_cli_error(NEARDUP_E_NOMEM, "out of memory");
    }
    /* under mpirun, rank 0 writes (the others' pairs reach it) */
    if (!rc && mpi && (rc = mpi_unsupported(&c, html)))
        rc = rank0 ? nd_cli_error(NEARDUP_E_USAGE, "%s", mpi_unsupported_why[rc]) : nd_exit_status(NEARDUP_E_USAGE);
    if (!rc && !skip_pairs && rank0 && (rc = nd_out_open(&out, c.common.output, &err))) rc = nd_cli_error(rc, "%s", err.msg);
    if (!rc && c.clusters && rank0 && (rc = nd_out_open(&cl, c.clusters, &err))) rc = nd_cli_error(rc, "%s", err.msg);
    nd_spill_store *spp = sp_open ? &sp : NULL;
    if (!rc && !mpi) rc = load_set(&c.common, pos, npos, &po, &c.ov, &c.fo, &fields, &s, spp, &ci, &r);
    if (!rc && !mpi && c.nrefs) {
        split = bounded ? ci.n : s.n;
        rc = load_set(&c.common, c.refs, c.nrefs, &po, &c.ov, &c.fo, &fields, &sr, spp, &cr, &rr);
        if (!rc && !mpi && (split == 0 || split + cr.n > UINT32_MAX - 1))
            rc = nd_cli_error(NEARDUP_E_USAGE, split ? "too many documents" : "the inputs hold no document");
        if (!rc && !mpi && !bounded && nd_doc_store_append(&s, &sr)) rc = nd_cli_error(NEARDUP_E_NOMEM, "out of memory");
    }
    if (!rc && !mpi && nd_field_opts_any(&c.fo) && nd_doc_fields_finish(&fields, &c.fo))
        rc = nd_cli_error(NEARDUP_E_NOMEM, "out of memory");
    if (!rc && !mpi && nd_field_opts_any(&c.fo)) {
        c.ov.scope.series = fields.series;
        c.ov.scope.rank = fields.rank;
        c.ov.scope.within_series = c.within_series;
    }
    /* the passages are collected for the clusters (asked for, or, with
     * series, to count what the pairs leave out) */
    if (!rc && !mpi && (c.clusters || series)) {
        c.ov.collect = bounded ? collect_spill : collect_links;
        c.ov.collect_user = bounded ? (void *)ps : (void *)&links;
    }
    if (!rc && (c.clusters || series)) links_wanted = 1;
    if (!rc && mpi) {
        c.ov.scope.within_series = c.within_series;
        nd_passage_view view = {0};
        if (!html) nd_cli_passage_view(&c.common, &view);
        view.color = c.common.color == ND_COLOR_ALWAYS;
        view.shorten = 0;
        nd_cli_mpi_overlap_job mj = {&c.common, &po, &c.ov, &c.fo, c.common.format, skip_pairs, &view,
                                     c.common.threads ? c.common.threads : nd_online_cpus(),
                                     sp_open ? &sp : NULL, ps, &sst, links_wanted};
        rc = nd_cli_mpi_overlap(&mj, pos, npos, rank0 && !skip_pairs ? out.f : NULL, &ci, &fields,
                                links_wanted && !bounded ? &links : NULL, &st, &npairs);
        if (!rc && rank0) nd_cli_print_skips(&ci);
        if (!rc && !rank0) mpi_done = 1; /* rank 0 writes the clusters and the summary */
    }
    double t_load = nd_now() - t0;
    pair_writer pw = {c.common.format, skip_pairs, {0}, &s, &ci, &cr, split};
    nd_overlap_sink sink = {format_pair, &pw, NULL, 0};
    if (!rc && !html) {
        nd_cli_passage_view(&c.common, &pw.view); /* once: it asks the terminal (a system call) */
        sink.out = skip_pairs ? cl.f : out.f; /* skip: nothing is written to it */
    }
    unsigned threads = c.common.threads ? c.common.threads : ci.threads;
    if (!rc && bounded && !mpi && (rc = nd_spill_overlap(&sp, &c.ov, (uint32_t)split, threads, &sink, &npairs, &st, &sst, &err))) {
        if (sst.big_need) /* name the document that is never split */
            snprintf(err.msg, sizeof err.msg, "--memory %.0f MiB is too small to align \"%s\" with a document it "
                     "shares a candidate with: together they need about %.1f MiB (words, k-grams, text); a document is "
                     "never split, so give at least %.0f MiB", c.memory / 1048576.0,
                     id_of(&ci, &cr, split, (uint32_t)sst.big_doc), sst.big_need / 1048576.0,
                     nd_spill_memory_for(&sp, 2 * sst.big_need) / 1048576.0 + 1);
        else if (ps && nd_pcluster_spill_error(ps, &err)) /* a failure collecting the clusters' passages */
            rc = err.code;
        rc = nd_cli_error(nd_out_failed(&out, rc, &err), "%s", err.msg);
    }
    if (sp_open) { /* used up: its memory goes to making the clusters */
        nd_spill_store_free(&sp);
        sp_open = 0;
    }
    if (!rc && !mpi && !bounded && (rc = nd_overlap_run(&s, &c.ov, (uint32_t)split, threads,
                                    html ? NULL : &sink, &pairs, &npairs, &st, &err))) {
        /* nothing partial is left (stdout: as far as written); a full disk is named as such */
        rc = nd_cli_error(nd_out_failed(&out, rc, &err), "%s", err.msg);
    }
    if (mpi_done) rc = -1; /* nothing more on this rank */
    double t_cluster0 = nd_now();
    nd_pcluster_opts pco = {fields.rank, fields.series, c.within_series, (uint32_t)split, c.ov.ngram};
    if (!rc && links_wanted && !ps && nd_passage_clusters(links.l, links.n, &pco, &pc)) {
        nd_fail(&err, NEARDUP_E_NOMEM, "out of memory making the clusters");
        rc = nd_cli_error(NEARDUP_E_NOMEM, "%s", err.msg);
    }
    nd_cluster_writer cw = {mpi || bounded ? NULL : &s, &ci, &cr, split, nd_field_opts_any(&c.fo) ? &fields : NULL, clusters_terminal,
                            clusters_terminal && nd_cli_use_color(&c.common)};
    if (!rc && ps) { /* --memory: made from the sorted runs, streamed out as they are made */
        cst.f = c.clusters ? cl.f : NULL;
        cst.w = &cw;
        nd_pcluster_sink csink = nd_cluster_stream_sink(&cst);
        /* the store is gone: an eighth of the bound a buffer (up to three at once) */
        if ((rc = nd_pcluster_spill_build(ps, &pco, (size_t)(c.memory / 8), &csink, &pss, &err)))
            rc = nd_cli_error(c.clusters ? nd_out_failed(&cl, rc, &err) : rc, "%s", err.msg);
    } else if (!rc) {
        count_clusters(&pc, c.ov.max_df, &cst);
    }
    if (!rc && !ps && c.clusters && nd_write_clusters(cl.f, &cw, &pc)) {
        nd_fail(&err, NEARDUP_E_NOMEM, "out of memory writing the clusters");
        rc = nd_cli_error(nd_out_failed(&cl, NEARDUP_E_NOMEM, &err), "%s", err.msg);
    }
    double t_cluster = nd_now() - t_cluster0;
    double t_write0 = nd_now();
    nd_out *both[2] = {&out, &cl};
    size_t nboth = 0;
    if (!skip_pairs) both[nboth++] = &out;
    if (c.clusters) both[nboth++] = &cl;
    if (!rc && html) {
        /* the clusters (--clusters, or found with series) get the report's cluster view */
        struct nd_cluster_report crep = {&cw, &pc};
        if (nd_overlap_report(out.f, "neardup overlap", &s, &ci, &cr, split, pairs, npairs, argc, argv,
                              c.ov.collect ? &crep : NULL)) {
            nd_fail(&err, NEARDUP_E_NOMEM, "out of memory writing the report");
            rc = nd_cli_error(nd_out_failed(&out, NEARDUP_E_NOMEM, &err), "%s", err.msg);
        } else if ((rc = nd_out_commit_all(both, nboth, &err))) {
            rc = nd_cli_error(rc, "%s", err.msg);
        }
    } else if (!rc) {
        if ((rc = nd_out_commit_all(both, nboth, &err))) rc = nd_cli_error(rc, "%s", err.msg);
    }
    nd_out_abort(&out); /* after an error before the writing (nothing if committed) */
    nd_out_abort(&cl);
    double t_write = nd_now() - t_write0;
    if (!rc && !c.common.quiet) {
        double secs = nd_now() - t0, mb = (ci.text_bytes + cr.text_bytes) / 1e6;
        fprintf(stderr, "neardup overlap: %llu records read (%llu documents, %llu skipped); %llu anchors, "
                "%llu dropped as boilerplate (in more than %llu documents%s; %llu occurrences); %llu candidate "
                "pairs aligned; %zu pairs share passages of >= %u words; %.1f MB in %.2f s\n",
                (unsigned long long)(ci.n + cr.n), (unsigned long long)(ci.n + cr.n - ci.skipped_n - cr.skipped_n),
                (unsigned long long)(ci.skipped_n + cr.skipped_n), (unsigned long long)st.anchors.anchors,
                (unsigned long long)st.anchors.dropped,
                (unsigned long long)(series ? c.ov.scope.max_series_df : c.ov.max_df), series ? " of one series" : "",
                (unsigned long long)st.anchors.dropped_occ, (unsigned long long)st.candidates, npairs,
                c.ov.min_words, mb, secs);
        print_cluster_summary(&c, &st, &cst, series);
        if (c.common.timings) {
            nd_cli_print_timings(&ci);
            fprintf(stderr, "timings: load %.3f s (read, tokenize, anchors), candidates %.3f s, align %.3f s%s, "
                    "clusters %.3f s, write %.3f s\n", t_load, st.t_anchor, st.t_align,
                    html ? "" : " (pairs written as they are aligned)", t_cluster, t_write);
            if (bounded) {
                struct rusage ru;
                getrusage(RUSAGE_SELF, &ru);
                fprintf(stderr, "timings: --memory %.0f MiB: documents %.1f MB and anchors %.1f MB on disk, %llu "
                        "anchor ranges, %llu + %llu sorted runs (candidates, boilerplate), %llu documents masked in "
                        "%.3f s, %llu batches aligned; peak RSS %.1f MiB\n", c.memory / 1048576.0,
                        sst.doc_bytes / 1e6, sst.anc_bytes / 1e6, (unsigned long long)sst.groups,
                        (unsigned long long)sst.pair_runs, (unsigned long long)sst.drop_runs,
                        (unsigned long long)sst.masked_docs, sst.t_mask, (unsigned long long)sst.batches,
                        ru.ru_maxrss / 1024.0);
                if (ps)
                    fprintf(stderr, "timings: --memory clusters: %llu passages, %llu pieces, %llu components, %llu "
                            "sorted runs, %.1f MB written\n", (unsigned long long)pss.passages,
                            (unsigned long long)pss.pieces, (unsigned long long)pss.components,
                            (unsigned long long)pss.runs, pss.bytes / 1e6);
            }
        }
    }
    nd_overlap_pairs_free(pairs, npairs);
    nd_pclusters_free(&pc);
    nd_pcluster_spill_free(ps);
    if (links_ok) nd_link_list_free(&links);
    nd_doc_fields_free(&fields);
    nd_doc_store_free(&s);
    nd_doc_store_free(&sr);
    if (sp_open) nd_spill_store_free(&sp);
    nd_corpus_info_free(&ci);
    nd_corpus_info_free(&cr);
    nd_reader_free(r);
    nd_reader_free(rr);
    free(pos);
    free(c.refs);
    return mpi_done ? 0 : rc;
}
