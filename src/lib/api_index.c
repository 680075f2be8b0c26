/* api_index.c - the public index (include/neardup.h): build and add with
 * the library's build pipeline (index_build.c), query with its query job
 * (query.c): the files and the matches of `neardup index` / `neardup query`. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <sodium.h>

#include "align.h"
#include "api.h"
#include "compress.h"
#include "index_build.h"
#include "key.h"
#include "lsh.h"
#include "query.h"
#include "reader.h"
#include "record.h"

struct neardup_index {
    nd_index *ix;
};

/* A temporary file beside path (the rename is then atomic), open for
 * writing: *tmp its name (malloc'ed). */
static FILE *open_beside(const char *path, char **tmp, nd_error *err)
{
    size_t n = strlen(path);
    *tmp = malloc(n + 16);
    if (!*tmp) return nd_fail(err, NEARDUP_E_NOMEM, "out of memory"), NULL;
    memcpy(*tmp, path, n);
    memcpy(*tmp + n, ".tmp.XXXXXX", 12);
    int fd = mkstemp(*tmp);
    FILE *f = fd >= 0 ? fdopen(fd, "w+b") : NULL;
    if (!f) {
        nd_fail(err, NEARDUP_E_IO, "%s: cannot create a temporary file beside it: %s", path, strerror(errno));
        if (fd >= 0) close(fd), unlink(*tmp);
        free(*tmp);
        *tmp = NULL;
    }
    return f;
}

/* Writes c's texts into b->w (opened on f) and puts the file in place:
 * flushed, synced (an index is not regenerable), renamed over path.  On
 * any failure the temporary file goes and path stays as it was. */
static int write_index(nd_index_build *b, const char *path, FILE *f, char *tmp, const nd_index *copy,
                       const neardup_corpus *c, const nd_pipeline_opts *po, nd_error *err)
{
    int rc = nd_index_writer_open(&b->w, f, path, &b->p, nd_index_band_seed(b->seeds.sketch_seed), err);
    if (!rc && copy && (rc = nd_index_writer_copy(b->w, copy, err))) nd_index_writer_abort(b->w);
    nd_reader *r = rc ? NULL : nd_api_reader(c, po->lossy, err);
    if (!rc && !r) rc = err->code, nd_index_writer_abort(b->w);
    nd_corpus_info ci = {0};
    if (r) {
        if ((rc = nd_index_build_run(b, r, po, &ci, err))) nd_index_writer_abort(b->w);
        else rc = nd_index_writer_finish(b->w, err);
    }
    b->w = NULL;
    nd_reader_free(r);
    nd_corpus_info_free(&ci);
    if (!rc && (fflush(f) || fsync(fileno(f))))
        rc = nd_fail(err, NEARDUP_E_IO, "cannot write %s: %s", path, strerror(errno));
    if (fclose(f) && !rc) rc = nd_fail(err, NEARDUP_E_IO, "cannot write %s: %s", path, strerror(errno));
    if (!rc && rename(tmp, path)) rc = nd_fail(err, NEARDUP_E_IO, "cannot rename into %s: %s", path, strerror(errno));
    if (rc) unlink(tmp);
    free(tmp);
    return rc;
}

int neardup_index_build(const char *path, const neardup_options *o, const neardup_corpus *c, neardup_error *e)
{
    neardup_options def;
    if (!o) neardup_options_default(&def), o = &def;
    nd_error err = {0, ""};
    nd_pipeline_opts po;
    nd_index_build b = {.level = ND_DEFAULT_ZSTD_LEVEL};
    if (!path || !c) return nd_api_error(e, nd_fail(&err, NEARDUP_E_USAGE, "neardup_index_build: NULL argument"), &err);
    /* as `neardup index build`: the index is mapped in place, never compressed */
    if (nd_compress_kind(path))
        return nd_api_error(e, nd_fail(&err, NEARDUP_E_USAGE, "%s: an index is not compressed: name it without .zst "
                                       "or .gz", path), &err);
    int rc = nd_api_pipeline(o, &po, &b.seeds, &err);
    if (rc) return nd_api_error(e, rc, &err);
    nd_key key = {0};
    if (o->params.key) nd_key_from_bytes(&key, o->params.key, &err); /* valid: nd_api_pipeline checked it */
    nd_index_build_params(&b.p, o->params.ngram, o->params.k, o->params.threshold, o->params.seed,
                          o->params.key ? key.id : NULL, o->params.key ? sizeof key.id : 0, o->min_words);
    sodium_memzero(&key, sizeof key);
    char *tmp;
    FILE *f = open_beside(path, &tmp, &err);
    rc = f ? write_index(&b, path, f, tmp, NULL, c, &po, &err) : err.code;
    sodium_memzero(&b.seeds, sizeof b.seeds);
    sodium_memzero(&po, sizeof po);
    return nd_api_error(e, rc, &err);
}

int neardup_index_add(const char *path, const neardup_corpus *c, neardup_error *e)
{
    return neardup_index_add_opts(path, NULL, c, e);
}

int neardup_index_add_opts(const char *path, const neardup_options *given, const neardup_corpus *c,
                           neardup_error *e)
{
    nd_error err = {0, ""};
    if (!path || !c) return nd_api_error(e, nd_fail(&err, NEARDUP_E_USAGE, "neardup_index_add: NULL argument"), &err);
    const unsigned char *kb = given ? given->params.key : NULL;
    nd_key key = {0};
    if (kb && nd_key_from_bytes(&key, kb, &err)) return nd_api_error(e, NEARDUP_E_KEY, &err);
    /* one add at a time: two would both copy the old file and lose each other's documents */
    int lock = open(path, O_RDONLY | O_CLOEXEC);
    if (lock >= 0 && flock(lock, LOCK_EX | LOCK_NB)) {
        close(lock);
        sodium_memzero(&key, sizeof key);
        return nd_api_error(e, nd_fail(&err, NEARDUP_E_IO, "%s: another add is writing this index", path), &err);
    }
    nd_index *ix = NULL;
    int rc = nd_index_open(path, ND_IX_ALL, &ix, &err);
    /* a keyed index needs its key (NEARDUP_E_KEY without it, or with another) */
    if (!rc) rc = nd_index_check_key(ix, kb ? key.id : NULL, kb ? sizeof key.id : 0, &err);
    sodium_memzero(&key, sizeof key);
    if (!rc) {
        neardup_options o;
        neardup_options_default(&o);
        o.params.ngram = ix->p.ngram;
        o.params.k = ix->p.k;
        o.params.threshold = ix->p.threshold;
        o.params.seed = ix->p.seed;
        o.params.key = kb;
        if (given) o.params.lossy = given->params.lossy, o.threads = given->threads;
        nd_pipeline_opts po;
        nd_index_build b = {.level = ND_DEFAULT_ZSTD_LEVEL, .p = ix->p};
        rc = nd_api_pipeline(&o, &po, &b.seeds, &err);
        char *tmp = NULL;
        FILE *f = rc ? NULL : open_beside(path, &tmp, &err);
        if (!rc) rc = f ? write_index(&b, path, f, tmp, ix, c, &po, &err) : err.code;
        sodium_memzero(&b.seeds, sizeof b.seeds);
        sodium_memzero(&po, sizeof po);
    }
    nd_index_close(ix);
    if (lock >= 0) close(lock);
    return nd_api_error(e, rc, &err);
}

neardup_index *neardup_index_open(const char *path, neardup_error *e)
{
    nd_error err = {0, ""};
    neardup_index *h = calloc(1, sizeof *h);
    int rc = h ? nd_index_open(path, ND_IX_ALL, &h->ix, &err) : nd_fail(&err, NEARDUP_E_NOMEM, "out of memory");
    nd_api_error(e, rc, &err);
    if (rc) free(h), h = NULL;
    return h;
}

void neardup_index_close(neardup_index *h)
{
    if (!h) return;
    nd_index_close(h->ix);
    free(h);
}

void neardup_index_get_info(const neardup_index *h, neardup_index_info *info)
{
    const nd_index *ix = h->ix;
    static const uint8_t zero[ND_INDEX_KEY_ID_BYTES];
    int keyed = memcmp(ix->p.key_id, zero, sizeof zero) != 0;
    *info = (neardup_index_info){ix->ndocs, ix->p.ngram, ix->p.k, ix->p.threshold, ix->p.bands, ix->p.rows,
                                 keyed ? 0 : ix->p.seed, keyed,
                                 ix->p.anchor_ngram ? ix->p.anchor_w + ix->p.anchor_ngram - 1 : 0, ix->text_bytes,
                                 ix->size};
}

const char *neardup_index_id(const neardup_index *h, size_t i, size_t *len)
{
    if (!h || i >= h->ix->ndocs) return NULL;
    if (len) *len = nd_index_id_len(h->ix, i);
    return nd_index_id(h->ix, i);
}

/* ---------- query ---------- */

typedef struct {
    neardup_match *m;
    size_t n, cap;
    int failed;
} match_list;

static void *list_init(void *u) { return calloc(1, sizeof(match_list)); }
static void list_clear(match_list *l)
{
    for (size_t i = 0; i < l->n; i++) free(l->m[i].passages);
    l->n = 0;
}
static void list_reset(void *u, void *p) { list_clear(p); }
static void list_free(void *u, void *p)
{
    match_list *l = p;
    list_clear(l);
    free(l->m);
    free(l);
}

static int on_hit(void *u, void *bo, const nd_doc *d, nd_query_hit *h, size_t nth, nd_error *err)
{
    const nd_query *q = u;
    match_list *l = bo;
    if (nd_grow((void **)&l->m, &l->cap, l->n + 1, sizeof *l->m))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
    neardup_match *m = &l->m[l->n];
    *m = (neardup_match){h->query, h->ref, nd_index_id(q->ix, h->ref), nd_index_id_len(q->ix, h->ref),
                         q->mode == ND_QUERY_DUP ? (double)h->jaccard : h->ca, NULL, 0};
    if (h->np && !(m->passages = malloc(h->np * sizeof *m->passages)))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
    for (size_t i = 0; i < h->np; i++)
        m->passages[i] = (neardup_passage){h->p[i].a_start, h->p[i].a_end, h->p[i].b_start, h->p[i].b_end,
                                           h->p[i].words, h->p[i].matches, h->p[i].identity};
    m->npassages = h->np;
    l->n++;
    return NEARDUP_OK;
}

typedef struct {
    nd_query q;
    match_list all;
} query_job;

static int on_collect(void *u, void *bo, nd_error *err)
{
    query_job *j = u;
    match_list *l = bo;
    if (nd_grow((void **)&j->all.m, &j->all.cap, j->all.n + l->n, sizeof *j->all.m))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
    if (l->n) memcpy(j->all.m + j->all.n, l->m, l->n * sizeof *l->m);
    j->all.n += l->n;
    l->n = 0; /* the passages moved */
    return NEARDUP_OK;
}

/* The run takes the index's parameters, as `neardup query` (cli_query.c adopt_params). */
static int adopt(const nd_index *ix, const neardup_options *o, neardup_query_mode mode, nd_query *q, nd_error *err)
{
    nd_key key = {0};
    int rc = o->params.key ? nd_key_from_bytes(&key, o->params.key, err) : NEARDUP_OK;
    if (!rc) rc = nd_index_check_key(ix, o->params.key ? key.id : NULL, sizeof key.id, err);
    if (!rc && o->params.key) nd_key_seeds(&key, &q->seeds);
    else if (!rc) nd_seeds_from_seed(&q->seeds, ix->p.seed);
    sodium_memzero(&key, sizeof key);
    if (rc) return rc;
    unsigned b, r;
    nd_lsh_params(o->params.threshold, ix->p.k, &b, &r);
    if (b != ix->p.bands || r != ix->p.rows)
        return nd_fail(err, NEARDUP_E_USAGE, "%s was built for threshold %g (%u bands x %u rows); %g needs %u x %u",
                       ix->path, ix->p.threshold, ix->p.bands, ix->p.rows, o->params.threshold, b, r);
    q->ix = ix;
    q->mode = mode == NEARDUP_QUERY_OVERLAP ? ND_QUERY_OVERLAP : ND_QUERY_DUP;
    q->threshold = (float)o->params.threshold;
    q->max_df = o->max_df;
    nd_align_opts_default(&q->align);
    if (q->mode == ND_QUERY_OVERLAP) {
        if (!ix->p.anchor_ngram || !ix->nanchors)
            return nd_fail(err, NEARDUP_E_USAGE, "%s holds no overlap anchors: rebuild it", ix->path);
        unsigned guaranteed = ix->p.anchor_w + ix->p.anchor_ngram - 1;
        if (o->min_words < guaranteed)
            return nd_fail(err, NEARDUP_E_USAGE, "min_words %u: %s finds every passage of >= %u words only",
                           o->min_words, ix->path, guaranteed);
        q->align.min_words = o->min_words;
        q->align.seed_len = ix->p.anchor_ngram;
    }
    return NEARDUP_OK;
}

int neardup_index_query(neardup_index *h, const neardup_options *o, neardup_query_mode mode,
                        const neardup_corpus *queries, neardup_match **m, size_t *n, neardup_error *e)
{
    nd_error err = {0, ""};
    *m = NULL;
    *n = 0;
    if (!h || !queries) return nd_api_error(e, nd_fail(&err, NEARDUP_E_USAGE, "neardup_index_query: NULL argument"), &err);
    neardup_options def;
    if (!o) {
        neardup_options_default(&def);
        def.params.threshold = h->ix->p.threshold; /* the index's */
        o = &def;
    }
    query_job j;
    memset(&j, 0, sizeof j);
    nd_pipeline_opts po;
    nd_seeds unused;
    int rc = nd_api_pipeline(o, &po, &unused, &err);
    if (!rc) rc = adopt(h->ix, o, mode, &j.q, &err);
    if (!rc) {
        /* the tokens hashed as the index's were */
        po.token_seed = j.q.seeds.token_seed;
        po.keyed = j.q.seeds.keyed;
        memcpy(po.token_secret, j.q.seeds.token_secret, sizeof po.token_secret);
        j.q.user = &j;
        j.q.batch_init = list_init;
        j.q.batch_reset = list_reset;
        j.q.batch_free = list_free;
        j.q.hit = on_hit;
        j.q.collect = on_collect;
        nd_reader *r = nd_api_reader(queries, o->params.lossy, &err);
        nd_corpus_info ci = {0};
        rc = r ? nd_query_run(&j.q, r, &po, &ci, &err) : err.code;
        nd_reader_free(r);
        nd_corpus_info_free(&ci);
    }
    free(j.q.lat);
    sodium_memzero(&j.q.seeds, sizeof j.q.seeds);
    sodium_memzero(&po, sizeof po);
    sodium_memzero(&unused, sizeof unused);
    if (rc) {
        neardup_matches_free(j.all.m, j.all.n);
        return nd_api_error(e, rc, &err);
    }
    *m = j.all.m;
    *n = j.all.n;
    return nd_api_error(e, NEARDUP_OK, &err);
}

void neardup_matches_free(neardup_match *m, size_t n)
{
    if (!m) return;
    for (size_t i = 0; i < n; i++) free(m[i].passages);
    free(m);
}

/* ---------- a reference's stored text (include/neardup.h) ---------- */

int neardup_index_text(const neardup_index *h, size_t ref, char **text, size_t *len, int *mapped,
                       neardup_error *e)
{
    nd_error err = {0, ""};
    *text = NULL;
    *len = 0;
    if (!h || ref >= h->ix->ndocs)
        return nd_api_error(e, nd_fail(&err, NEARDUP_E_USAGE, "neardup_index_text: reference %zu out of range", ref),
                            &err);
    nd_index_texts *t = nd_index_texts_create();
    const char *p = NULL;
    size_t n = 0;
    int rc = t ? nd_index_text(h->ix, t, ref, &p, &n, &err) : nd_fail(&err, NEARDUP_E_NOMEM, "out of memory");
    if (!rc && !(*text = malloc(n ? n : 1))) rc = nd_fail(&err, NEARDUP_E_NOMEM, "out of memory");
    if (!rc) {
        if (n) memcpy(*text, p, n);
        *len = n;
        if (mapped) {
            const nd_map_run *run;
            *mapped = nd_index_doc_map(h->ix, ref, &run) > 0;
        }
    }
    nd_index_texts_free(t);
    return nd_api_error(e, rc, &err);
}
