/* cli_index.c - `neardup index build | add | info`: a persistent reference
 * index (format in index.h), built by the library's pipeline (index_build.c). */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "compress.h"
#include "defaults.h"
#include "index_build.h"
#include "reader.h"

typedef struct {
    nd_common common;
    int level;      /* zstd level */
    unsigned given; /* bits: which parameters the user set (GIVEN_*) */
    unsigned min_words; /* overlap anchors guarantee passages of this many words */
} opts;

enum { GIVEN_NGRAM = 1, GIVEN_K = 2, GIVEN_T = 4, GIVEN_SEED = 8 };
enum { OPT_ZSTD_LEVEL = ND_ID_COMMAND, OPT_MIN_WORDS };

static const nd_cli_option build_opts[] = {
    {"output", 'o', "FILE", "the index file to write, atomically (required)", ND_ID_OUTPUT},
    ND_OPT_THRESHOLD(ND_DEFAULT_STR(ND_DEFAULT_THRESHOLD) "; the LSH bands are chosen for it"),
    ND_OPT_NGRAM,
    ND_OPT_K,
    ND_OPT_SEED,
    ND_OPT_KEY,
    {"zstd-level", 0, "L", "zstd level for the stored texts (default " ND_DEFAULT_STR(ND_DEFAULT_ZSTD_LEVEL) ")", OPT_ZSTD_LEVEL},
    {"min-words", 'w', "W", "store overlap anchors that find every shared passage of >= W words "
     "(query --mode overlap; default " ND_DEFAULT_STR(ND_DEFAULT_MIN_WORDS) ")", OPT_MIN_WORDS},
    ND_OPT_CORPUS,
    ND_OPT_TIMINGS,
    ND_OPT_QUIET,
    ND_OPT_END,
};

static const nd_cli_option add_opts[] = {
    ND_OPT_KEY,
    {"zstd-level", 0, "L", "zstd level for the stored texts (default " ND_DEFAULT_STR(ND_DEFAULT_ZSTD_LEVEL) ")", OPT_ZSTD_LEVEL},
    ND_OPT_CORPUS,
    ND_OPT_TIMINGS,
    ND_OPT_QUIET,
    ND_OPT_END,
};

static const nd_cli_option info_opts[] = {ND_OPT_END};

static int on_option(void *ctx, int id, const char *arg)
{
    opts *o = ctx;
    if (id == OPT_ZSTD_LEVEL) {
        unsigned long u;
        if (nd_cli_uint("--zstd-level", arg, 1, 19, &u)) return 2;
        o->level = (int)u;
        return 0;
    }
    if (id == OPT_MIN_WORDS) return nd_cli_min_words(arg, &o->min_words);
    o->given |= id == ND_ID_NGRAM ? GIVEN_NGRAM : id == ND_ID_K ? GIVEN_K : id == ND_ID_THRESHOLD ? GIVEN_T
              : id == ND_ID_SEED ? GIVEN_SEED : 0;
    return nd_common_option(&o->common, id, arg);
}

/* Sketches every input into the writer; prints errors; returns exit status. */
static int index_inputs(nd_index_build *c, const opts *o, char **inputs, int n, nd_corpus_info *ci, nd_out *out)
{
    nd_error err = {0, ""};
    nd_pipeline_opts po;
    nd_common_pipeline(&o->common, &po, &c->seeds);
    nd_reader *r = nd_cli_open_inputs(&o->common, &po, inputs, n, &err);
    if (!r) return nd_cli_error(err.code, "%s", err.msg);
    int rc = nd_index_build_run(c, r, &po, ci, &err);
    if (!rc) nd_cli_print_skips(ci);
    nd_reader_free(r);
    if (rc) rc = nd_out_failed(out, rc, &err); /* a full disk is named as such */
    return rc ? nd_cli_error(rc, "%s", err.msg) : 0;
}

static void summary(const char *what, const opts *o, const nd_index_build *c, const nd_corpus_info *ci,
                    uint64_t before, const char *path, double t0)
{
    if (o->common.quiet) return;
    double wall = nd_now() - t0;
    fprintf(stderr, "neardup index %s: %llu documents indexed (%llu skipped), %llu in %s; %.1f MB of text "
            "in %.2f s, %.1f MB/s\n", what, (unsigned long long)c->docs, (unsigned long long)ci->skipped_n,
            (unsigned long long)(before + c->docs), path, ci->text_bytes / 1e6, wall,
            wall > 0 ? ci->text_bytes / 1e6 / wall : 0.0);
    if (o->common.timings) {
        nd_cli_print_timings(ci);
        fprintf(stderr, "timings: compress on the main thread %.3f s\n", c->t_compress);
    }
}

static int parse(int argc, char **argv, const char *usage, const char *sum, const nd_cli_option *t,
                 opts *o, char ***pos, int *npos)
{
    memset(o, 0, sizeof *o);
    nd_common_default(&o->common);
    o->level = ND_DEFAULT_ZSTD_LEVEL;
    int rc = nd_cli_parse(argc, argv, usage, sum, t, on_option, o, pos, npos);
    if (rc) free(*pos);
    return rc == 1 ? -1 : rc;
}

/* The index file through nd_out (temporary file, lock, signal cleanup,
 * mode, symbolic links), synced: it is not regenerable like the other
 * outputs, and a query may map it the moment it is renamed. */
static int write_open(nd_out *out, const char *path, nd_index_build *c, nd_error *err)
{
    /* nd_out_open would compress a FILE.zst: an index is mapped and read in
     * place by query (and its header rewritten by seeking), and its texts
     * are zstd blocks already */
    if (nd_compress_kind(path))
        return nd_fail(err, NEARDUP_E_USAGE, "%s: an index is not compressed (query maps it in place; its texts "
                       "are compressed already): name it without .zst or .gz", path);
    int rc = nd_out_open(out, path, err);
    if (rc) return rc;
    out->sync = 1;
    if ((rc = nd_index_writer_open(&c->w, out->f, path, &c->p, nd_index_band_seed(c->seeds.sketch_seed), err)))
        nd_out_abort(out);
    return rc;
}

static int write_commit(nd_out *out, nd_index_build *c, nd_error *err)
{
    int rc = nd_index_writer_finish(c->w, err);
    c->w = NULL;
    if (rc) return nd_out_failed(out, rc, err);
    return nd_out_commit(out, err);
}

static int cmd_build(int argc, char **argv)
{
    opts o;
    char **pos;
    int npos, rc = parse(argc, argv, "neardup index build INPUT... -o REF.ndx [-t T] [-n N] [-k K] [--key FILE]",
                         "Build a reference index: ids, MinHash signatures, LSH band records sorted by\n"
                         "key and the texts (zstd), in one checksummed file that `neardup query` maps.",
                         build_opts, &o, &pos, &npos);
    if (rc) return rc < 0 ? 0 : rc;
    double t0 = nd_now();
    if (!o.common.output || !strcmp(o.common.output, "-")) rc = nd_cli_error(NEARDUP_E_USAGE, "index build needs -o REF.ndx");
    else if (!npos) rc = nd_cli_error(NEARDUP_E_USAGE, "no input given (see --help; use - for standard input)");
    nd_index_build c = {.level = o.level};
    nd_error err = {0, ""};
    const nd_key *key = &o.common.key;
    nd_pipeline_opts po;
    nd_common_pipeline(&o.common, &po, &c.seeds);
    nd_index_build_params(&c.p, o.common.ngram, o.common.k, o.common.threshold, o.common.seed,
                          key->present ? key->id : NULL, key->present ? sizeof key->id : 0,
                          o.min_words ? o.min_words : ND_DEFAULT_MIN_WORDS);
    if (!rc) rc = nd_cli_check_output(&o.common, pos, (size_t)npos);
    nd_out out = {0};
    if (!rc && (rc = write_open(&out, o.common.output, &c, &err))) rc = nd_cli_error(rc, "%s", err.msg);
    nd_corpus_info ci = {0};
    if (!rc) {
        rc = index_inputs(&c, &o, pos, npos, &ci, &out);
        if (rc) nd_index_writer_abort(c.w), nd_out_abort(&out);
        else if ((rc = write_commit(&out, &c, &err))) rc = nd_cli_error(rc, "%s", err.msg);
    }
    if (!rc) summary("build", &o, &c, &ci, 0, o.common.output, t0);
    nd_corpus_info_free(&ci);
    free(pos);
    return rc;
}

/* Takes an exclusive lock on the index file for the whole add, so two adds
 * cannot both copy the old file and lose each other's documents.  The lock
 * is on the inode: after a wait, a path that now names a newer file (an add
 * renamed over it meanwhile) is refused rather than copied stale. */
static int lock_index(const char *path, int *fd)
{
    struct stat a, b;
    *fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC); /* a fifo: no wait for a writer */
    if (*fd < 0) return NEARDUP_OK; /* nd_index_open reports it */
    struct stat s;
    if (fstat(*fd, &s) == 0 && !S_ISREG(s.st_mode)) return NEARDUP_OK; /* nd_index_open refuses it */
    if (flock(*fd, LOCK_EX | LOCK_NB))
        return nd_cli_error(NEARDUP_E_IO, "%s: another `neardup index add` is writing this index", path);
    if (fstat(*fd, &a) || stat(path, &b) || a.st_ino != b.st_ino || a.st_dev != b.st_dev)
        return nd_cli_error(NEARDUP_E_IO, "%s changed while waiting for it; run the add again", path);
    return NEARDUP_OK;
}

/* The run takes the index's parameters (a --key must match its key id). */
static int adopt_params(const nd_index *ix, nd_common *c, nd_error *err)
{
    int rc = nd_index_check_key(ix, c->key.present ? c->key.id : NULL, sizeof c->key.id, err);
    c->ngram = ix->p.ngram;
    c->k = ix->p.k;
    c->seed = ix->p.seed;
    return rc;
}

static int cmd_add(int argc, char **argv)
{
    opts o;
    char **pos;
    int npos, rc = parse(argc, argv, "neardup index add REF.ndx INPUT... [--key FILE]",
                         "Add documents to an index.  A new file is written beside REF.ndx and renamed\n"
                         "over it when complete, so a crash or a kill leaves the old index intact.\n"
                         "The documents are sketched with the index's own parameters.",
                         add_opts, &o, &pos, &npos);
    if (rc) return rc < 0 ? 0 : rc;
    if (npos < 2) {
        free(pos);
        return nd_cli_error(NEARDUP_E_USAGE, "usage: neardup index add REF.ndx INPUT... (see --help)");
    }
    double t0 = nd_now();
    nd_error err = {0, ""};
    nd_index *ix = NULL;
    nd_index_build c = {.level = o.level};
    nd_corpus_info ci = {0};
    int lock = -1;
    nd_out out = {0};
    static const char *const what[1] = {"index"};
    if ((rc = nd_cli_check_files(&o.common, (const char *const *)pos, what, 1, pos + 1, (size_t)npos - 1)) ||
        (rc = lock_index(pos[0], &lock)))
        goto done;
    if ((rc = nd_index_open(pos[0], ND_IX_ALL, &ix, &err)) || (rc = adopt_params(ix, &o.common, &err))) {
        rc = nd_cli_error(rc, "%s", err.msg);
        goto done;
    }
    nd_pipeline_opts po;
    nd_common_pipeline(&o.common, &po, &c.seeds);
    c.p = ix->p;
    if ((rc = write_open(&out, pos[0], &c, &err))) {
        rc = nd_cli_error(rc, "%s", err.msg);
        goto done;
    }
    if ((rc = nd_index_writer_copy(c.w, ix, &err))) {
        nd_index_writer_abort(c.w);
        rc = nd_cli_error(nd_out_failed(&out, rc, &err), "%s", err.msg);
        goto done;
    }
    rc = index_inputs(&c, &o, pos + 1, npos - 1, &ci, &out);
    if (rc) nd_index_writer_abort(c.w), nd_out_abort(&out);
    else if ((rc = write_commit(&out, &c, &err))) rc = nd_cli_error(rc, "%s", err.msg);
    if (!rc) summary("add", &o, &c, &ci, ix->ndocs, pos[0], t0);
done:
    nd_index_close(ix);
    if (lock >= 0) close(lock);
    nd_corpus_info_free(&ci);
    free(pos);
    return rc;
}

static void print_params(const nd_index *ix)
{
    const nd_index_params *p = &ix->p;
    static const uint8_t zero[ND_INDEX_KEY_ID_BYTES];
    printf("parameters: --ngram %u --num-perm %u, threshold %g (%u bands x %u rows)", p->ngram, p->k,
           p->threshold, p->bands, p->rows);
    if (memcmp(p->key_id, zero, sizeof zero)) {
        printf(", keyed (key id ");
        for (int i = 0; i < ND_KEY_ID_BYTES; i++) printf("%02x", p->key_id[i]);
        printf(")\n");
    } else {
        printf(", --seed %llu\n", (unsigned long long)p->seed);
    }
    if (p->anchor_ngram)
        printf("anchors:    %llu postings (%u-word anchors, window %u, scheme %u)\n",
               (unsigned long long)ix->nanchors, p->anchor_ngram, p->anchor_w, p->anchor_scheme);
    else
        printf("anchors:    none (index built without overlap anchors)\n");
}

static int cmd_info(int argc, char **argv)
{
    opts o;
    char **pos;
    int npos, rc = parse(argc, argv, "neardup index info REF.ndx",
                         "Print an index's parameters, documents and sizes, and check every checksum\n"
                         "(header, each section, each text block).  Exit 2 if any is wrong.",
                         info_opts, &o, &pos, &npos);
    if (rc) return rc < 0 ? 0 : rc;
    if (npos != 1) {
        free(pos);
        return nd_cli_error(NEARDUP_E_USAGE, "usage: neardup index info REF.ndx");
    }
    nd_error err = {0, ""};
    nd_index *ix;
    rc = nd_index_open(pos[0], ND_IX_ALL, &ix, &err);
    free(pos);
    if (rc) return nd_cli_error(rc, "%s", err.msg);
    static const char *names[8] = {"texts", "ids", "docs", "signatures", "bands", "anchors", "blocks", "maps"};
    printf("index:      %s (format version %d, %zu bytes)\n", ix->path, ND_INDEX_VERSION, ix->size);
    printf("documents:  %llu (%.1f MB of text stored as %.1f MB zstd in %llu blocks; %.0f bytes per document)\n",
           (unsigned long long)ix->ndocs, ix->text_bytes / 1e6, ix->section_bytes[0] / 1e6,
           (unsigned long long)ix->nblocks, ix->ndocs ? (double)ix->size / ix->ndocs : 0.0);
    print_params(ix);
    printf("sections:  ");
    for (int i = 0; i < 8; i++) printf(" %s %llu%s", names[i], (unsigned long long)ix->section_bytes[i], i < 7 ? "," : "\n");
    printf("maps:       %llu documents with an offset map to their original bytes (%llu runs)\n",
           (unsigned long long)ix->nmaps, (unsigned long long)ix->nmap_runs);
    uint64_t nbad;
    rc = nd_index_verify_texts(ix, &nbad, &err);
    if (!rc) printf("checksums:  header, 7 sections and %llu text blocks OK\n", (unsigned long long)ix->nblocks);
    else printf("checksums:  header and 7 sections OK; %llu of %llu text blocks DAMAGED\n",
                (unsigned long long)nbad, (unsigned long long)ix->nblocks);
    nd_index_close(ix);
    return rc ? nd_cli_error(rc, "%s (%llu damaged text blocks)", err.msg, (unsigned long long)nbad) : 0;
}

int nd_cmd_index(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(int, char **);
        const char *summary;
    } sub[] = {
        {"build", cmd_build, "build an index from inputs: neardup index build INPUT... -o REF.ndx"},
        {"add", cmd_add, "add inputs to an index (atomic): neardup index add REF.ndx INPUT..."},
        {"info", cmd_info, "parameters, sizes and checksum state: neardup index info REF.ndx"},
    };
    if (argc >= 2)
        for (size_t i = 0; i < sizeof sub / sizeof sub[0]; i++)
            if (!strcmp(argv[1], sub[i].name)) return sub[i].run(argc - 1, argv + 1);
    int help = argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"));
    FILE *f = help ? stdout : stderr;
    if (argc >= 2 && !help) {
        static const char *const names[] = {"build", "add", "info"};
        const char *near = nd_cli_closest(argv[1], strlen(argv[1]), names, 3);
        fprintf(f, "neardup: index: unknown subcommand \"%s\"%s%s%s\n", argv[1], near ? ": did you mean " : "",
                near ? near : "", near ? "?" : "");
    }
    fprintf(f, "usage: neardup index build|add|info ...\n\nA persistent reference index for `neardup query`.\n\n");
    for (size_t i = 0; i < sizeof sub / sizeof sub[0]; i++) fprintf(f, "  %-6s %s\n", sub[i].name, sub[i].summary);
    fprintf(f, "\n`neardup index SUBCOMMAND --help` lists its options.\n");
    return help ? 0 : 2;
}
