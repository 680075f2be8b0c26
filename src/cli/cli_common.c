/* cli_common.c - option parsing, number parsing and the common options shared
 * by the commands (outputs: cli_output.c). */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "encoding.h"
#include "reader.h"

int nd_cli_error(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = nd_error_vprint(code, fmt, ap);
    va_end(ap);
    return rc;
}

static void print_help(const char *usage, const char *summary, const nd_cli_option *opts)
{
    printf("usage: %s\n\n%s\n\noptions:\n", usage, summary);
    for (const nd_cli_option *o = opts; o->name; o++) {
        char left[64];
        if (o->short_name)
            snprintf(left, sizeof left, "-%c, --%s%s%s", o->short_name, o->name, o->arg ? " " : "",
                     o->arg ? o->arg : "");
        else
            snprintf(left, sizeof left, "    --%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
        printf("  %-26s %s\n", left, o->help);
    }
    printf("  %-26s %s\n", "-h, --help", "show this help and exit");
    fflush(stdout);
}

/* ---------- suggestions for a mistyped name ---------- */

/* Edit distance between a[0, la) and b, counting a swap of two neighbours
 * as one edit (optimal string alignment): "--treshold" and "--thershold"
 * are both one edit from --threshold.  Names are short (< 64 bytes); longer
 * ones are as far as can be. */
static size_t edit_distance(const char *a, size_t la, const char *b)
{
    size_t lb = strlen(b);
    if (la >= 64 || lb >= 64) return SIZE_MAX;
    size_t d[64][64];
    for (size_t i = 0; i <= la; i++) d[i][0] = i;
    for (size_t j = 0; j <= lb; j++) d[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]), del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;
            size_t best = sub < del ? sub : del;
            if (ins < best) best = ins;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[la][lb];
}

/* How far a name may be from the one meant: a third of its length, 1 to 3
 * edits (so "--fromat" finds --format, but "--x" does not find --k). */
static size_t near_enough(size_t len)
{
    size_t k = len / 3;
    return k < 1 ? 1 : k > 3 ? 3 : k;
}

const char *nd_cli_closest(const char *given, size_t len, const char *const *names, size_t n)
{
    const char *best = NULL;
    size_t bd = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        size_t d = edit_distance(given, len, names[i]);
        /* a unique-looking prefix ("--thresh") is meant too */
        if (len >= 3 && strlen(names[i]) > len && !strncmp(names[i], given, len)) d = 1;
        if (d < bd) bd = d, best = names[i]; /* ties: the first in table order */
    }
    return bd <= near_enough(len) ? best : NULL;
}

/* "unknown option --NAME: did you mean --X?", or the command's options when
 * no name is near. */
static int unknown_long(const char *usage, const nd_cli_option *opts, const char *name, size_t len)
{
    const char *names[128];
    size_t n = 0;
    for (const nd_cli_option *o = opts; o->name && n < 127; o++) names[n++] = o->name;
    names[n++] = "help";
    const char *near = nd_cli_closest(name, len, names, n);
    /* the command, from the usage line ("neardup dedup INPUT...") */
    const char *cmd = usage;
    size_t cl = strcspn(cmd, " ");
    if (!strncmp(cmd, "neardup ", 8)) cmd += 8, cl = strcspn(cmd, " ");
    if (!strncmp(cmd, "index ", 6)) cl = 6 + strcspn(cmd + 6, " ");
    /* a near name is the answer; without one, every name, to pick from */
    if (near) {
        fprintf(stderr, "neardup: unknown option --%.*s: did you mean --%s? (neardup %.*s --help lists every "
                "option)\n", (int)len, name, near, (int)cl, cmd);
        return nd_exit_status(NEARDUP_E_USAGE);
    }
    fprintf(stderr, "neardup: unknown option --%.*s; %.*s takes:", (int)len, name, (int)cl, cmd);
    size_t col = 40 + len + cl;
    for (size_t i = 0; i < n; i++) {
        size_t w = strlen(names[i]) + 3;
        if (col + w > 100) fputs("\n ", stderr), col = 1;
        fprintf(stderr, " --%s", names[i]);
        col += w;
    }
    fputc('\n', stderr);
    return nd_exit_status(NEARDUP_E_USAGE);
}

static const nd_cli_option *find_long(const nd_cli_option *opts, const char *name, size_t len)
{
    for (const nd_cli_option *o = opts; o->name; o++)
        if (strlen(o->name) == len && !strncmp(o->name, name, len)) return o;
    return NULL;
}

static const nd_cli_option *find_short(const nd_cli_option *opts, char c)
{
    for (const nd_cli_option *o = opts; o->name; o++)
        if (o->short_name == c) return o;
    return NULL;
}

/* Applies one option whose value may be inline ("--t=0.8", "-t0.8") or the
 * next argument.  Returns 0, or 2 after printing the error. */
static int apply(const nd_cli_option *o, const char *inl, int argc, char **argv, int *i,
                 nd_cli_handler h, void *ctx, const char *shown)
{
    const char *val = NULL;
    if (o->arg) {
        if (inl) val = inl;
        else if (*i + 1 < argc) val = argv[++*i];
        else return nd_cli_error(NEARDUP_E_USAGE, "option %s needs a value %s", shown, o->arg);
    } else if (inl) {
        return nd_cli_error(NEARDUP_E_USAGE, "option %s takes no value", shown);
    }
    return h(ctx, o->id, val);
}

int nd_cli_parse(int argc, char **argv, const char *usage, const char *summary,
                 const nd_cli_option *opts, nd_cli_handler h, void *ctx, char ***pos, int *npos)
{
    *pos = calloc((size_t)argc + 1, sizeof **pos);
    *npos = 0;
    if (!*pos) return nd_cli_error(NEARDUP_E_NOMEM, "out of memory");
    int only_pos = 0;
    for (int i = 1; i < argc; i++) {
        char *a = argv[i];
        int rc = 0;
        if (only_pos || a[0] != '-' || a[1] == '\0') {
            (*pos)[(*npos)++] = a;
        } else if (!strcmp(a, "--")) {
            only_pos = 1;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            print_help(usage, summary, opts);
            return 1;
        } else if (a[1] == '-') {
            const char *eq = strchr(a + 2, '=');
            size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
            const nd_cli_option *o = find_long(opts, a + 2, len);
            if (!o) rc = unknown_long(usage, opts, a + 2, len);
            else rc = apply(o, eq ? eq + 1 : NULL, argc, argv, &i, h, ctx, a);
        } else {
            /* -abc: flags bundled; an option with a value takes the rest */
            for (char *p = a + 1; *p && !rc; p++) {
                const nd_cli_option *o = find_short(opts, *p);
                char shown[3] = {'-', *p, 0};
                if (!o) {
                    rc = nd_cli_error(NEARDUP_E_USAGE, "unknown option -%c (see --help)", *p);
                } else if (o->arg) {
                    rc = apply(o, p[1] ? p + 1 : NULL, argc, argv, &i, h, ctx, shown);
                    break;
                } else {
                    rc = apply(o, NULL, argc, argv, &i, h, ctx, shown);
                }
            }
        }
        if (rc) return 2;
    }
    return 0;
}

int nd_cli_double(const char *opt, const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (!*s || *end || errno || isnan(v) || v < lo || v > hi)
        return nd_cli_error(NEARDUP_E_USAGE, "%s: expected a number in [%g, %g], got \"%s\"", opt, lo, hi, s);
    *out = v;
    return 0;
}

int nd_cli_uint(const char *opt, const char *s, unsigned long lo, unsigned long hi, unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (!*s || *end || errno || s[0] == '-' || v < lo || v > hi)
        return nd_cli_error(NEARDUP_E_USAGE, "%s: expected a whole number in [%lu, %lu], got \"%s\"",
                            opt, lo, hi, s);
    *out = v;
    return 0;
}

int nd_cli_min_words(const char *arg, unsigned *out)
{
    unsigned long v;
    if (nd_cli_uint("--min-words", arg, 1, 1000000, &v)) return 2;
    *out = (unsigned)v;
    return 0;
}

int nd_cli_max_gap(const char *arg, unsigned *out)
{
    unsigned long v;
    if (nd_cli_uint("--max-gap", arg, 0, 64, &v)) return 2;
    *out = (unsigned)v;
    return 0;
}

int nd_cli_min_identity(const char *arg, double *out)
{
    return nd_cli_double("--min-identity", arg, 0, 1, out) ? 2 : 0;
}

int nd_cli_push_arg(char ***list, int *n, const char *arg)
{
    char **r = realloc(*list, (size_t)(*n + 1) * sizeof *r);
    if (!r) return nd_cli_error(NEARDUP_E_NOMEM, "out of memory");
    *list = r;
    r[(*n)++] = (char *)arg;
    return 0;
}

/* ---------- common options ---------- */

void nd_common_default(nd_common *c)
{
    memset(c, 0, sizeof *c);
    c->ngram = ND_DEFAULT_NGRAM;
    c->k = ND_DEFAULT_K;
    c->threshold = ND_DEFAULT_THRESHOLD;
    c->format = ND_FMT_TEXT;
    c->seed = ND_DEFAULT_SEED;
    c->rec.id_field = "id";
    c->rec.text_field = "text";
}

int nd_check_format(const nd_common *c, const char *cmd, const char *list)
{
    static const char *const names[] = {"text", "tsv", "jsonl", "html", "csv"};
    const char *name = names[c->format], *p = list;
    size_t n = strlen(name);
    for (; (p = strstr(p, name)) != NULL; p += n)
        if ((p == list || p[-1] == '|') && (p[n] == '|' || p[n] == '\0')) return 0;
    return nd_cli_error(NEARDUP_E_USAGE, "--format %s: %s writes %s", name, cmd, list);
}

int nd_common_option(nd_common *c, int id, const char *arg)
{
    unsigned long u;
    switch (id) {
    case ND_ID_NGRAM:
        if (nd_cli_uint("--ngram", arg, 1, 64, &u)) return 2;
        c->ngram = (unsigned)u;
        return 0;
    case ND_ID_K:
        if (nd_cli_uint("--num-perm", arg, 8, 4096, &u)) return 2;
        c->k = (unsigned)u;
        return 0;
    case ND_ID_THRESHOLD: return nd_cli_double("--threshold", arg, 0.0, 1.0, &c->threshold) ? 2 : 0;
    case ND_ID_THREADS:
        if (nd_cli_uint("--threads", arg, 1, 1024, &u)) return 2;
        c->threads = (unsigned)u;
        return 0;
    case ND_ID_FORMAT:
        if (!strcmp(arg, "text")) c->format = ND_FMT_TEXT;
        else if (!strcmp(arg, "tsv")) c->format = ND_FMT_TSV;
        else if (!strcmp(arg, "jsonl")) c->format = ND_FMT_JSONL;
        else if (!strcmp(arg, "html")) c->format = ND_FMT_HTML;
        else if (!strcmp(arg, "csv")) c->format = ND_FMT_CSV;
        else {
            static const char *const formats[] = {"text", "tsv", "csv", "jsonl", "html"};
            const char *near = nd_cli_closest(arg, strlen(arg), formats, 5);
            return nd_cli_error(NEARDUP_E_USAGE, "--format: unknown format \"%s\"%s%s%s (one of: text, tsv, csv, jsonl, "
                                "html; see the command's --help for those it writes)", arg, near ? ": did you mean " : "",
                                near ? near : "", near ? "?" : "");
        }
        return 0;
    case ND_ID_ID_FIELD:
    case ND_ID_TEXT_FIELD:
        if (!*arg) return nd_cli_error(NEARDUP_E_USAGE, "%s: empty field name", id == ND_ID_ID_FIELD ? "--id-field" : "--text-field");
        *(id == ND_ID_ID_FIELD ? &c->rec.id_field : &c->rec.text_field) = arg;
        return 0;
    case ND_ID_LOSSY: c->lossy = c->rec.lossy = 1; return 0;
    case ND_ID_SKIP_BAD: c->skip_bad = 1; return 0;
    case ND_ID_TIMINGS: c->timings = 1; return 0;
    case ND_ID_SEED: {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(arg, &end, 0);
        if (!*arg || *end || errno || arg[0] == '-')
            return nd_cli_error(NEARDUP_E_USAGE, "--seed: expected a whole number, got \"%s\"", arg);
        c->seed = v;
        return 0;
    }
    case ND_ID_OUTPUT: c->output = arg; return 0;
    case ND_ID_QUIET: c->quiet = 1; return 0;
    case ND_ID_COLOR:
        if (!strcmp(arg, "auto")) c->color = ND_COLOR_AUTO;
        else if (!strcmp(arg, "always")) c->color = ND_COLOR_ALWAYS;
        else if (!strcmp(arg, "never")) c->color = ND_COLOR_NEVER;
        else return nd_cli_error(NEARDUP_E_USAGE, "--color: expected auto, always or never, got \"%s\"", arg);
        return 0;
    case ND_ID_INPUT_FORMAT: {
        static const char *const names[] = {"auto", "text", "jsonl", "html", "warc"};
        for (int i = 0; i < 5; i++)
            if (!strcmp(arg, names[i])) {
                c->reader.input_format = i; /* ND_FORMAT_AUTO .. ND_FORMAT_WARC */
                return 0;
            }
        return nd_cli_error(NEARDUP_E_USAGE, "--input-format: expected auto, text, jsonl, html or warc, got \"%s\"", arg);
    }
    case ND_ID_ENCODING: {
        char name[40], ic[40];
        if (strcmp(arg, "auto") && !nd_encoding_lookup(arg, name, sizeof name, ic, sizeof ic))
            return nd_cli_error(NEARDUP_E_USAGE, "--encoding: \"%s\" is not an encoding iconv knows (iconv -l lists "
                                "them; or auto)", arg);
        c->rec.encoding = arg;
        return 0;
    }
    case ND_ID_INCLUDE:
    case ND_ID_EXCLUDE: {
        int *n = id == ND_ID_INCLUDE ? &c->ninclude : &c->nexclude;
        const char **v = id == ND_ID_INCLUDE ? c->include : c->exclude;
        if (*n >= 32) return nd_cli_error(NEARDUP_E_USAGE, "--%s: at most 32 globs", id == ND_ID_INCLUDE ? "include" : "exclude");
        v[(*n)++] = arg;
        return 0;
    }
    case ND_ID_INCLUDE_HIDDEN: c->reader.include_hidden = 1; return 0;
    case ND_ID_ID_FROM:
        if (!strcmp(arg, "line")) c->rec.id_from_line = 1;
        else if (!strcmp(arg, "field")) c->rec.id_from_line = 0;
        else return nd_cli_error(NEARDUP_E_USAGE, "--id-from: expected field or line, got \"%s\"", arg);
        return 0;
    case ND_ID_KEEP_FURNITURE: c->rec.keep_furniture = 1; return 0;
    case ND_ID_EXCERPTS: c->excerpts = 1; return 0;
    case ND_ID_CONTEXT:
        if (nd_cli_uint("--context", arg, 0, 1000, &u)) return 2;
        c->context = (unsigned)u;
        c->given_context = 1;
        return 0;
    case ND_ID_FULL: c->full = 1; return 0;
    case ND_ID_KEY: {
        nd_error err = {0, ""};
        if (nd_key_load(arg, &c->key, &err)) return nd_cli_error(err.code, "%s", err.msg);
        return 0;
    }
    default: return -1;
    }
}

int nd_cli_use_color(const nd_common *c)
{
    if (c->color != ND_COLOR_AUTO) return c->color == ND_COLOR_ALWAYS;
    const char *nc = getenv("NO_COLOR");
    return isatty(STDOUT_FILENO) && !(nc && *nc) && !(c->output && strcmp(c->output, "-"));
}

void nd_cli_passage_view(const nd_common *c, nd_passage_view *v)
{
    v->color = nd_cli_use_color(c);
    v->excerpts = c->excerpts;
    v->context = c->context;
    v->shorten = !c->full && isatty(STDOUT_FILENO) && !(c->output && strcmp(c->output, "-"));
}

int nd_check_passage_view(const nd_common *c, const char *cmd)
{
    if (c->excerpts && c->format != ND_FMT_JSONL)
        return nd_cli_error(NEARDUP_E_USAGE, "--excerpts adds the passages' words to JSONL: use it with --format jsonl "
                            "(%s's text view and report show the words already)", cmd);
    if ((c->given_context || c->full) && c->format != ND_FMT_TEXT)
        return nd_cli_error(NEARDUP_E_USAGE, "%s shapes %s's text view: use it with --format text",
                            c->full ? "--full" : "--context", cmd);
    return 0;
}

void nd_common_pipeline(const nd_common *c, nd_pipeline_opts *po, nd_seeds *seeds)
{
    if (c->key.present) nd_key_seeds(&c->key, seeds);
    else nd_seeds_from_seed(seeds, c->seed);
    nd_pipeline_opts_default(po);
    po->threads = c->threads;
    po->untimed = !c->timings;
    po->rec = c->rec;
    po->rec.lossy = c->lossy;
    po->reader = c->reader;
    po->reader.follow_symlinks = 1;
    po->reader.include = c->ninclude ? c->include : NULL;
    po->reader.exclude = c->nexclude ? c->exclude : NULL;
    po->lossy = c->lossy;
    po->skip_bad = c->skip_bad;
    po->token_seed = seeds->token_seed;
    po->keyed = seeds->keyed;
    po->progress = !c->quiet && isatty(STDERR_FILENO);
    memcpy(po->token_secret, seeds->token_secret, sizeof po->token_secret);
}

nd_reader *nd_cli_open_inputs(const nd_common *c, const nd_pipeline_opts *po, char **inputs, int n, nd_error *err)
{
    /* po's reader options (format, walk filters), and walks leave out c's outputs */
    nd_reader_opts ro = po->reader;
    ro.skip = nd_cli_walk_skip;
    ro.skip_ctx = (void *)c;
    return nd_reader_open((const char *const *)inputs, (size_t)n, &ro, err);
}

void nd_cli_print_timings(const nd_corpus_info *ci)
{
    double mb = ci->text_bytes / 1e6;
    fprintf(stderr, "timings: read+decompress %.3f s (main thread), parse %.3f s, tokenize+shingle %.3f s, "
            "sketch %.3f s (summed over %u threads), collect %.3f s, pipeline wall %.3f s (%.1f MB/s of text)\n",
            ci->t_read, ci->t_parse, ci->t_tokenize, ci->t_work, ci->threads, ci->t_collect, ci->t_wall,
            ci->t_wall > 0 ? mb / ci->t_wall : 0.0);
}

void nd_cli_print_skips(const nd_corpus_info *ci)
{
    if (ci->replaced_bytes)
        fprintf(stderr, "neardup: --lossy: %llu invalid UTF-8 byte%s treated as word separators\n",
                (unsigned long long)ci->replaced_bytes, ci->replaced_bytes == 1 ? "" : "s");
    if (ci->ctrl_chars)
        fprintf(stderr, "neardup: --lossy: %llu raw control character%s inside JSON strings read as escaped "
                "(word separators in texts)\n", (unsigned long long)ci->ctrl_chars, ci->ctrl_chars == 1 ? "" : "s");
    if (ci->nenc || ci->enc_other) {
        uint64_t other = ci->enc_other;
        for (size_t i = 0; i < ci->nenc; i++) other += ci->enc[i].n;
        fprintf(stderr, "neardup: %llu document%s decoded from other encodings than UTF-8:",
                (unsigned long long)other, other == 1 ? "" : "s");
        for (size_t i = 0; i < ci->nenc; i++)
            fprintf(stderr, "%s %llu %s", i ? "," : "", (unsigned long long)ci->enc[i].n, ci->enc[i].name);
        if (ci->enc_other) fprintf(stderr, ", %llu of other encodings", (unsigned long long)ci->enc_other);
        fputc('\n', stderr);
    }
    if (ci->warc_other)
        fprintf(stderr, "neardup: %llu WARC record%s not documents (%s)\n", (unsigned long long)ci->warc_other,
                ci->warc_other == 1 ? " is" : "s are", ci->warc_note);
    if (!ci->skipped_n) return;
    fprintf(stderr, "neardup: skipped %llu bad record%s:\n", (unsigned long long)ci->skipped_n,
            ci->skipped_n == 1 ? "" : "s");
    for (uint64_t i = 0; i < ci->skipped_n && i < 8; i++) fprintf(stderr, "  %s\n", ci->skip_notes[i]);
    if (ci->skipped_n > 8) fprintf(stderr, "  ... and %llu more\n", (unsigned long long)(ci->skipped_n - 8));
}
