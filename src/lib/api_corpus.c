/* api_corpus.c - neardup_corpus, the input source of the public jobs: texts
 * given by the caller and records read from files as the command line reads
 * them, kept as ids and texts; each job reads them through a reader of
 * documents (nd_reader_open_docs: ids and texts as they are, no JSON written
 * or parsed), so the jobs run the command line's own path from there on:
 * the same tokenizer and pipeline, hence the same results. */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "reader.h"
#include "record.h"
#include "tokenize.h"

struct neardup_corpus {
    char *bytes;        /* ids and texts, each id followed by its text */
    size_t len, cap;
    size_t *off;        /* text i: id at bytes + off[2i], text at off[2i + 1], ends at off[2i + 2] */
    size_t n, off_cap;
};

neardup_corpus *neardup_corpus_create(void)
{
    neardup_corpus *c = calloc(1, sizeof *c);
    if (c && nd_grow((void **)&c->off, &c->off_cap, 1, sizeof *c->off)) {
        free(c);
        return NULL;
    }
    if (c) c->off[0] = 0;
    return c;
}

void neardup_corpus_free(neardup_corpus *c)
{
    if (!c) return;
    free(c->bytes);
    free(c->off);
    free(c);
}

size_t neardup_corpus_count(const neardup_corpus *c) { return c ? c->n : 0; }

const char *neardup_corpus_id(const neardup_corpus *c, size_t i, size_t *len)
{
    if (!c || i >= c->n) return NULL;
    if (len) *len = c->off[2 * i + 1] - c->off[2 * i];
    return c->bytes + c->off[2 * i];
}

const char *neardup_corpus_text(const neardup_corpus *c, size_t i, size_t *len)
{
    if (!c || i >= c->n) return NULL;
    if (len) *len = c->off[2 * i + 2] - c->off[2 * i + 1];
    return c->bytes + c->off[2 * i + 1];
}

int nd_api_error(neardup_error *e, int code, const nd_error *err)
{
    if (!e) return code;
    e->status = code;
    const char *m = !code ? "" : err && err->msg[0] ? err->msg : neardup_strerror(code);
    size_t k = strlen(m) < sizeof e->message ? strlen(m) : sizeof e->message - 1; /* cut: a long id */
    memcpy(e->message, m, k);
    e->message[k] = '\0';
    return code;
}

static int add(neardup_corpus *c, const char *id, size_t id_len, const char *text, size_t len, nd_error *err)
{
    char num[24];
    if (!id) id_len = (size_t)snprintf(num, sizeof num, "%zu", c->n), id = num;
    if (len >= ((size_t)1 << 31) || id_len >= ((size_t)1 << 31))
        return nd_fail(err, NEARDUP_E_INPUT, "text %zu: a text or id of 2 GiB or more", c->n);
    if (nd_grow((void **)&c->bytes, &c->cap, c->len + id_len + len + 1, 1) ||
        nd_grow((void **)&c->off, &c->off_cap, 2 * c->n + 3, sizeof *c->off))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory adding text %zu", c->n);
    if (id_len) memcpy(c->bytes + c->len, id, id_len);
    if (len) memcpy(c->bytes + c->len + id_len, text, len);
    c->off[2 * c->n + 1] = c->len + id_len;
    c->len += id_len + len;
    c->off[2 * c->n + 2] = c->len;
    c->n++;
    return NEARDUP_OK;
}

int neardup_corpus_add(neardup_corpus *c, const char *id, size_t id_len, const char *text, size_t len,
                       neardup_error *e)
{
    nd_error err = {0, ""};
    if (!c || (!text && len) || (!id && id_len))
        return nd_api_error(e, nd_fail(&err, NEARDUP_E_USAGE, "neardup_corpus_add: NULL argument"), &err);
    return nd_api_error(e, add(c, id, id_len, text ? text : "", len, &err), &err);
}

/* ---------- reading files: the pipeline, each record copied in order ---------- */

typedef struct {
    char *bytes;
    size_t len, cap;
    size_t *off; /* per document: id start, text start (pairs) */
    size_t n, off_cap;
} read_batch;

static void *batch_init(void *u) { return calloc(1, sizeof(read_batch)); }
static void batch_reset(void *u, void *p) { ((read_batch *)p)->len = ((read_batch *)p)->n = 0; }
static void batch_free(void *u, void *p)
{
    read_batch *b = p;
    free(b->bytes);
    free(b->off);
    free(b);
}

static int read_doc(void *u, void *ts, void *bo, uint64_t doc, const nd_doc *d, const nd_tokens *tok,
                    nd_error *err)
{
    read_batch *b = bo;
    if (nd_grow((void **)&b->bytes, &b->cap, b->len + d->id_len + d->text_len + 1, 1) ||
        nd_grow((void **)&b->off, &b->off_cap, 2 * b->n + 3, sizeof *b->off))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory reading record %s", d->id);
    b->off[2 * b->n] = b->len;
    memcpy(b->bytes + b->len, d->id, d->id_len);
    b->len += d->id_len;
    b->off[2 * b->n + 1] = b->len;
    memcpy(b->bytes + b->len, d->text, d->text_len);
    b->len += d->text_len;
    b->n++;
    b->off[2 * b->n] = b->len;
    return NEARDUP_OK;
}

static int read_collect(void *u, void *bo, uint64_t first, size_t n, nd_error *err)
{
    neardup_corpus *c = u;
    read_batch *b = bo;
    int rc = NEARDUP_OK;
    for (size_t i = 0; !rc && i < b->n; i++)
        rc = add(c, b->bytes + b->off[2 * i], b->off[2 * i + 1] - b->off[2 * i], b->bytes + b->off[2 * i + 1],
                 b->off[2 * i + 2] - b->off[2 * i + 1], err);
    return rc;
}

int neardup_corpus_read(neardup_corpus *c, const char *path, const char *text_field, const char *id_field,
                        neardup_error *e)
{
    nd_error err = {0, ""};
    if (!c || !path) return nd_api_error(e, nd_fail(&err, NEARDUP_E_USAGE, "neardup_corpus_read: NULL argument"), &err);
    nd_pipeline_opts po;
    nd_pipeline_opts_default(&po);
    po.rec.text_field = text_field ? text_field : "text";
    po.rec.id_field = id_field ? id_field : "id";
    po.reader.follow_symlinks = 1;
    nd_reader *r = nd_reader_open(&path, 1, &po.reader, &err);
    if (!r) return nd_api_error(e, err.code, &err);
    size_t n0 = c->n, len0 = c->len;
    nd_pipeline_fns f = {.user = c, .batch_init = batch_init, .batch_reset = batch_reset, .batch_free = batch_free,
                         .doc = read_doc, .collect = read_collect};
    nd_corpus_info ci = {0};
    int rc = nd_pipeline_run(r, &po, &f, &ci, &err);
    nd_corpus_info_free(&ci);
    nd_reader_free(r);
    if (rc) c->n = n0, c->len = len0; /* nothing of path is kept */
    return nd_api_error(e, rc, &err);
}

/* ---------- what the jobs read ---------- */

/* The offset of the first invalid UTF-8 sequence of s[0, n), or n.  ASCII
 * is skipped eight bytes at a time: every job checks every text first. */
static size_t utf8_bad(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        uint64_t w;
        if (i + 8 <= n && (memcpy(&w, s + i, 8), !(w & 0x8080808080808080ULL))) {
            i += 8;
            continue;
        }
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = nd_utf8_len((const unsigned char *)s + i, n - i);
        if (!k) return i;
        i += k;
    }
    return n;
}

/* Fails (NEARDUP_E_UTF8) naming the first text of c with invalid UTF-8:
 * "name:LINE: text I (id ID): invalid UTF-8 at byte B", B its own offset. */
static int check_utf8(const neardup_corpus *c, const char *name, nd_error *err)
{
    for (size_t i = 0; i < c->n; i++) {
        size_t n = c->off[2 * i + 2] - c->off[2 * i + 1], il = c->off[2 * i + 1] - c->off[2 * i];
        size_t bad = utf8_bad(c->bytes + c->off[2 * i + 1], n);
        const char *id = c->bytes + c->off[2 * i];
        char idt[96];
        if (bad < n)
            return nd_fail(err, NEARDUP_E_UTF8, "%s:%zu: text %zu (id %s): invalid UTF-8 at byte %zu", name, i + 1, i,
                           nd_id_text(idt, sizeof idt, id, il), bad);
    }
    return NEARDUP_OK;
}

nd_reader *nd_api_reader(const neardup_corpus *c, int lossy, nd_error *err)
{
    return nd_api_reader_sets(&c, NULL, 1, lossy, err);
}

nd_reader *nd_api_reader_sets(const neardup_corpus *const *c, const char *const *names, size_t n, int lossy,
                              nd_error *err)
{
    for (size_t k = 0; !lossy && k < n; k++)
        if (check_utf8(c[k], names ? names[k] : "corpus", err)) return NULL;
    nd_reader_opts o = {.follow_symlinks = 1};
    nd_reader *r = nd_reader_open(NULL, 0, &o, err);
    for (size_t k = 0; r && k < n; k++)
        if (nd_reader_add_docs(r, names ? names[k] : "corpus", c[k]->bytes ? c[k]->bytes : "", c[k]->off, c[k]->n,
                               err))
            nd_reader_free(r), r = NULL;
    return r;
}
