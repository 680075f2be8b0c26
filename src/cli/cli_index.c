/* cli_index.c - `neardup index build | add | info`: a persistent reference
 * index (format in index.h).
 *
 * Workers sketch each document and pack its text into zstd blocks of about
 * 32 KiB, compressed in parallel; the collector hands documents and blocks
 * to the writer in input order, so the file is the same for any thread
 * count.  Only signatures, ids and anchors stay in memory, never the texts. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "anchors.h"
#include "cli.h"
#include "compress.h"
#include "index.h"

typedef struct {
    nd_common common;
    int level;      /* zstd level */
    unsigned given; /* bits: which parameters the user set (GIVEN_*) */
    unsigned min_words; /* overlap anchors guarantee passages of this many words */
} opts;

enum { GIVEN_NGRAM = 1, GIVEN_K = 2, GIVEN_T = 4, GIVEN_SEED = 8 };

static const nd_cli_option build_opts[] = {
    {"output", 'o', "FILE", "the index file to write, atomically (required)", 12},
    ND_OPT_THRESHOLD("0.8; the LSH bands are chosen for it"),
    ND_OPT_NGRAM,
    ND_OPT_K,
    ND_OPT_SEED,
    ND_OPT_KEY,
    {"zstd-level", 0, "L", "zstd level for the stored texts (default 3)", 100},
    {"min-words", 'w', "W", "store overlap anchors that find every shared passage of >= W words "
     "(query --mode overlap; default 20)", 101},
    ND_OPT_THREADS,
    ND_OPT_ID_FIELD,
    ND_OPT_TEXT_FIELD,
    ND_OPT_READERS,
    ND_OPT_LOSSY,
    ND_OPT_SKIP_BAD,
    ND_OPT_TIMINGS,
    ND_OPT_QUIET,
    ND_OPT_END,
};

static const nd_cli_option add_opts[] = {
    ND_OPT_KEY,
    {"zstd-level", 0, "L", "zstd level for the stored texts (default 3)", 100},
    ND_OPT_THREADS,
    ND_OPT_ID_FIELD,
    ND_OPT_TEXT_FIELD,
    ND_OPT_READERS,
    ND_OPT_LOSSY,
    ND_OPT_SKIP_BAD,
    ND_OPT_TIMINGS,
    ND_OPT_QUIET,
    ND_OPT_END,
};

static const nd_cli_option info_opts[] = {ND_OPT_END};

static int on_option(void *ctx, int id, const char *arg)
{
    opts *o = ctx;
    if (id == 100) {
        unsigned long u;
        if (nd_cli_uint("--zstd-level", arg, 1, 19, &u)) return 2;
        o->level = (int)u;
        return 0;
    }
    if (id == 101) {
        unsigned long u;
        if (nd_cli_uint("--min-words", arg, 1, 1000000, &u)) return 2;
        o->min_words = (unsigned)u;
        return 0;
    }
    o->given |= id == 1 ? GIVEN_NGRAM : id == 2 ? GIVEN_K : id == 3 ? GIVEN_T : id == 11 ? GIVEN_SEED : 0;
    return nd_common_option(&o->common, id, arg);
}

/* ---------- the pipeline: sketch + pack texts ---------- */

typedef struct {
    uint32_t nsh, text_len;
    size_t id_off, id_len;
    size_t anc_off, nanc; /* the document's overlap anchors in batch_out.anc */
    size_t map_off, nmap; /* its offset map in batch_out.runs (nmap 0: identity) */
} doc_meta;

typedef struct {
    doc_meta *meta;
    size_t n, meta_cap;
    char *ids;
    size_t ids_len, ids_cap;
    uint32_t *sig;
    size_t sig_cap;
    nd_index_anchor *anc;
    size_t nanc, anc_cap;
    nd_map_run *runs;      /* offset maps of the documents that have one */
    size_t nruns, runs_cap;
    nd_text_block *blocks; /* the last one may still be open */
    size_t nblocks, blocks_cap;
    int open;
} batch_out;

typedef struct {
    uint64_t *sh;
    size_t cap;
    uint64_t *ash, *ahash; /* anchor n-grams in text order, winnowed hashes */
    uint32_t *apos;
    size_t acap;
    nd_minhasher *mh;
} thread_state;

typedef struct {
    nd_index_params p;
    nd_seeds seeds;
    int level;
    nd_index_writer *w;
    uint64_t docs;
    double t_compress;
} build_ctx;

static void thread_free(void *u, void *p)
{
    thread_state *ts = p;
    if (!ts) return;
    nd_minhasher_free(ts->mh);
    free(ts->sh);
    free(ts->ash);
    free(ts->ahash);
    free(ts->apos);
    free(ts);
}

static void *thread_init(void *u)
{
    const build_ctx *c = u;
    thread_state *ts = calloc(1, sizeof(thread_state));
    if (ts && !(ts->mh = nd_minhasher_new(c->p.k, c->seeds.sketch_seed))) thread_free(u, ts), ts = NULL;
    return ts;
}

static void *batch_init(void *u) { return calloc(1, sizeof(batch_out)); }

static void batch_reset(void *u, void *p)
{
    batch_out *b = p;
    for (size_t i = 0; i < b->nblocks; i++) nd_text_block_clear(&b->blocks[i]);
    b->n = b->ids_len = b->nblocks = b->nanc = b->nruns = 0;
    b->open = 0;
}

static void batch_free(void *u, void *p)
{
    batch_out *b = p;
    for (size_t i = 0; i < b->blocks_cap; i++) nd_text_block_free(&b->blocks[i]);
    free(b->blocks);
    free(b->meta);
    free(b->ids);
    free(b->sig);
    free(b->anc);
    free(b->runs);
    free(b);
}

/* Appends the text to the batch's open block. */
static int pack_text(build_ctx *c, batch_out *b, const char *text, size_t len, nd_error *err)
{
    if (!b->open) {
        size_t old = b->blocks_cap;
        if (nd_grow((void **)&b->blocks, &b->blocks_cap, b->nblocks + 1, sizeof *b->blocks))
            return nd_fail(err, NEARDUP_E_NOMEM, "out of memory packing texts");
        memset(b->blocks + old, 0, (b->blocks_cap - old) * sizeof *b->blocks);
        nd_text_block_clear(&b->blocks[b->nblocks++]);
        b->open = 1;
    }
    nd_text_block *tb = &b->blocks[b->nblocks - 1];
    if (nd_text_block_add(tb, text, len)) return nd_fail(err, NEARDUP_E_NOMEM, "out of memory packing texts");
    return NEARDUP_OK;
}

/* Seals a full block.  A failure is not the document's fault (it is already
 * kept): the block stays open and collect seals it again, failing there. */
static int seal_if_full(build_ctx *c, batch_out *b, nd_error *err)
{
    nd_text_block *tb = &b->blocks[b->nblocks - 1];
    if (tb->len >= c->p.text_block && !nd_text_block_seal(tb, c->level, NULL)) b->open = 0;
    return NEARDUP_OK;
}

static int index_doc(void *u, void *tsp, void *bop, uint64_t doc, const nd_doc *d, const nd_tokens *tok,
                     nd_error *err)
{
    build_ctx *c = u;
    thread_state *ts = tsp;
    batch_out *b = bop;
    unsigned k = c->p.k;
    if (nd_grow((void **)&b->meta, &b->meta_cap, b->n + 1, sizeof *b->meta) ||
        nd_grow((void **)&b->sig, &b->sig_cap, (b->n + 1) * k, sizeof *b->sig) ||
        nd_grow((void **)&b->ids, &b->ids_cap, b->ids_len + d->id_len, 1))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory indexing record %s", d->id);
    doc_meta *m = &b->meta[b->n];
    if (nd_index_sketch(tok, c->p.ngram, k, &c->seeds, ts->mh, &ts->sh, &ts->cap, b->sig + b->n * k, &m->nsh))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory sketching record %s", d->id);
    m->anc_off = b->nanc;
    m->nanc = 0;
    if (c->p.anchor_ngram) { /* exactly the anchors `overlap` selects (overlap.c load_doc) */
        size_t na = nd_shingle_count(tok->n, c->p.anchor_ngram), old = ts->acap;
        if (nd_grow((void **)&ts->ash, &ts->acap, na ? na : 1, sizeof *ts->ash) ||
            (ts->acap != old && (!(ts->ahash = realloc(ts->ahash, ts->acap * sizeof *ts->ahash)) ||
                                 !(ts->apos = realloc(ts->apos, ts->acap * sizeof *ts->apos)))) ||
            nd_grow((void **)&b->anc, &b->anc_cap, b->nanc + na, sizeof *b->anc))
            return nd_fail(err, NEARDUP_E_NOMEM, "out of memory indexing record %s", d->id);
        nd_shingle(tok->hash, tok->n, c->p.anchor_ngram, ND_ANCHOR_SHINGLE_SEED, ts->ash);
        na = nd_winnow(ts->ash, na, c->p.anchor_w, c->seeds.anchor_seed, ts->apos, ts->ahash);
        for (size_t i = 0; i < na; i++) b->anc[b->nanc + i] = (nd_index_anchor){ts->ahash[i], 0, ts->apos[i]};
        m->nanc = na;
    }
    /* the map back to the original bytes (HTML, WARC, re-encoded files): query prints offsets through it */
    m->map_off = b->nruns;
    m->nmap = d->nmap >= 2 ? d->nmap : 0;
    if (m->nmap && nd_grow((void **)&b->runs, &b->runs_cap, b->nruns + m->nmap, sizeof *b->runs))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory indexing record %s", d->id);
    int rc = pack_text(c, b, d->text, d->text_len, err);
    if (rc) return rc; /* nothing of this document was kept */
    if (m->nmap) memcpy(b->runs + b->nruns, d->map, m->nmap * sizeof *b->runs);
    b->nruns += m->nmap;
    b->nanc += m->nanc;
    memcpy(b->ids + b->ids_len, d->id, d->id_len);
    m->id_off = b->ids_len;
    m->id_len = d->id_len;
    m->text_len = (uint32_t)d->text_len;
    b->ids_len += d->id_len;
    b->n++;
    return seal_if_full(c, b, err);
}

/* Main thread, in input order: documents, then the block holding their texts. */
static int collect(void *u, void *bop, uint64_t first, size_t n, nd_error *err)
{
    build_ctx *c = u;
    batch_out *b = bop;
    size_t j = 0;
    int rc = NEARDUP_OK;
    for (size_t i = 0; !rc && i < b->nblocks; i++) {
        nd_text_block *tb = &b->blocks[i];
        for (uint32_t t = 0; !rc && t < tb->ndocs; t++, j++) {
            const doc_meta *m = &b->meta[j];
            rc = nd_index_writer_doc(c->w, b->ids + m->id_off, m->id_len, m->nsh, b->sig + j * c->p.k,
                                     b->anc + m->anc_off, m->nanc, m->text_len,
                                     m->nmap ? b->runs + m->map_off : NULL, m->nmap, err);
        }
        if (!rc && i == b->nblocks - 1 && b->open) {
            double t0 = nd_now();
            rc = nd_text_block_seal(tb, c->level, err);
            c->t_compress += nd_now() - t0;
        }
        if (!rc) rc = nd_index_writer_block(c->w, tb, err);
    }
    c->docs += j;
    return rc;
}

/* Sketches every input into the writer; prints errors; returns exit status. */
static int index_inputs(build_ctx *c, const opts *o, char **inputs, int n, nd_corpus_info *ci, nd_out *out)
{
    nd_error err = {0, ""};
    nd_pipeline_opts po;
    nd_common_pipeline(&o->common, &po, &c->seeds);
    nd_reader *r = nd_cli_open_inputs(&o->common, &po, inputs, n, &err);
    if (!r) return nd_cli_error(err.code, "%s", err.msg);
    nd_pipeline_fns f = {
        .user = c,
        .thread_init = thread_init,
        .thread_free = thread_free,
        .batch_init = batch_init,
        .batch_reset = batch_reset,
        .batch_free = batch_free,
        .doc = index_doc,
        .collect = collect,
    };
    int rc = nd_pipeline_run(r, &po, &f, ci, &err);
    if (!rc) rc = nd_corpus_check_unique_ids(ci, r, &err);
    if (!rc) nd_cli_print_skips(ci);
    nd_reader_free(r);
    if (rc) rc = nd_out_failed(out, rc, &err); /* a full disk is named as such */
    return rc ? nd_cli_error(rc, "%s", err.msg) : 0;
}

static void summary(const char *what, const opts *o, const build_ctx *c, const nd_corpus_info *ci,
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
    o->level = 3;
    int rc = nd_cli_parse(argc, argv, usage, sum, t, on_option, o, pos, npos);
    if (rc) free(*pos);
    return rc == 1 ? -1 : rc;
}

/* The index file through nd_out (temporary file, lock, signal cleanup,
 * mode, symbolic links), synced: it is not regenerable like the other
 * outputs, and a query may map it the moment it is renamed. */
static int write_open(nd_out *out, const char *path, build_ctx *c, nd_error *err)
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

static int write_commit(nd_out *out, build_ctx *c, nd_error *err)
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
    build_ctx c = {.level = o.level};
    nd_error err = {0, ""};
    const nd_key *key = &o.common.key;
    nd_pipeline_opts po;
    nd_common_pipeline(&o.common, &po, &c.seeds);
    nd_index_params_init(&c.p, o.common.ngram, o.common.k, o.common.threshold, o.common.seed,
                         key->present ? key->id : NULL, key->present ? sizeof key->id : 0);
    /* overlap anchors: winnowed word 5-grams, as `neardup overlap` selects them */
    c.p.anchor_ngram = 5;
    c.p.anchor_w = nd_anchor_window(o.min_words ? o.min_words : 20, c.p.anchor_ngram);
    c.p.anchor_scheme = 1;
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
    build_ctx c = {.level = o.level};
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
