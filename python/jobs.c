/* jobs.c - the jobs over many texts: pairs, dedup and overlap, each one
 * call of the library's job function (include/neardup.h) on a corpus.
 *
 * The texts (a list of str, made by the Python layer from any records) are
 * copied into a neardup_corpus, then the job runs on the library's threads;
 * both with the GIL released. */
#include "py_neardup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Texts are seen and copied into the corpus a batch at a time: the views
 * (and the temporary UTF-8 copies of non-ASCII texts) are made with the GIL
 * held, the copies into the corpus run with it released; a batch bounds
 * the temporaries to about BATCH_BYTES. */
#define BATCH_TEXTS 4096
#define BATCH_BYTES (16u << 20)

typedef struct {
    nd_py_text text[BATCH_TEXTS], id[BATCH_TEXTS];
    size_t n;
} batch;

static void batch_release(batch *b)
{
    for (size_t i = 0; i < b->n; i++) nd_py_text_release(&b->text[i]), nd_py_text_release(&b->id[i]);
    b->n = 0;
}

neardup_corpus *nd_py_corpus(PyObject *module, PyObject *texts, PyObject *ids, unsigned char **ascii)
{
    if (ascii) *ascii = NULL;
    if (!PyList_Check(texts) || (ids && ids != Py_None && !PyList_Check(ids))) {
        PyErr_SetString(PyExc_TypeError, "texts and ids: expected lists of str");
        return NULL;
    }
    if (ids == Py_None) ids = NULL;
    Py_ssize_t n = PyList_GET_SIZE(texts);
    if (ids && PyList_GET_SIZE(ids) != n) {
        PyErr_SetString(PyExc_ValueError, "ids: not as many as texts");
        return NULL;
    }
    neardup_corpus *c = neardup_corpus_create();
    unsigned char *flags = ascii ? malloc(n ? (size_t)n : 1) : NULL;
    batch *b = PyMem_Calloc(1, sizeof *b);
    if (!c || (ascii && !flags) || !b) {
        neardup_corpus_free(c);
        free(flags);
        PyMem_Free(b);
        PyErr_NoMemory();
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n;) {
        size_t bytes = 0;
        for (; i < n && b->n < BATCH_TEXTS && bytes < BATCH_BYTES; i++, b->n++) {
            char what[48];
            snprintf(what, sizeof what, "texts[%zd]", i);
            if (nd_py_text_get(PyList_GET_ITEM(texts, i), &b->text[b->n], what)) goto fail;
            snprintf(what, sizeof what, "ids[%zd]", i);
            memset(&b->id[b->n], 0, sizeof b->id[b->n]);
            if (ids && nd_py_text_get(PyList_GET_ITEM(ids, i), &b->id[b->n], what)) {
                b->n++; /* released with the batch */
                goto fail;
            }
            if (flags) flags[i] = (unsigned char)b->text[b->n].ascii;
            bytes += b->text[b->n].len;
        }
        neardup_error err = {0};
        int rc = NEARDUP_OK;
        Py_BEGIN_ALLOW_THREADS
        for (size_t k = 0; !rc && k < b->n; k++)
            rc = neardup_corpus_add(c, b->id[k].p, b->id[k].len, b->text[k].p, b->text[k].len, &err);
        Py_END_ALLOW_THREADS
        batch_release(b);
        if (rc) {
            nd_py_raise_error(module, &err, rc);
            goto fail;
        }
    }
    PyMem_Free(b);
    if (ascii) *ascii = flags;
    return c;
fail:
    batch_release(b);
    PyMem_Free(b);
    neardup_corpus_free(c);
    free(flags);
    return NULL;
}

nd_py_text nd_py_corpus_text(const neardup_corpus *c, size_t i, const unsigned char *ascii)
{
    nd_py_text t = {0};
    t.p = neardup_corpus_text(c, i, &t.len);
    t.ascii = ascii[i];
    return t;
}

/* Parses (texts, options) into a corpus (ascii flags when wanted) and options. */
static neardup_corpus *job_args(PyObject *module, PyObject *args, nd_py_options *o, unsigned char **ascii)
{
    PyObject *texts, *kw = NULL;
    if (!PyArg_ParseTuple(args, "O|O", &texts, &kw) || nd_py_options_parse(kw, o)) return NULL;
    return nd_py_corpus(module, texts, NULL, ascii);
}

PyObject *nd_py_pairs(PyObject *module, PyObject *args)
{
    nd_py_options o;
    neardup_corpus *c = job_args(module, args, &o, NULL);
    if (!c) return NULL;
    neardup_pair *p = NULL;
    size_t n = 0;
    neardup_error err = {0};
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = neardup_pairs(&o.o, c, &p, &n, &err);
    Py_END_ALLOW_THREADS
    neardup_corpus_free(c);
    if (rc) {
        nd_py_raise_error(module, &err, rc);
        return NULL;
    }
    PyObject *out = PyList_New((Py_ssize_t)n);
    for (size_t i = 0; out && i < n; i++) {
        PyObject *t = Py_BuildValue("(nnd)", (Py_ssize_t)p[i].a, (Py_ssize_t)p[i].b, p[i].jaccard);
        if (!t) Py_CLEAR(out);
        else PyList_SET_ITEM(out, (Py_ssize_t)i, t);
    }
    neardup_pairs_free(p);
    return out;
}

/* -> (duplicate_of, score): two lists, -1 / -1.0 for a kept text. */
PyObject *nd_py_dedup(PyObject *module, PyObject *args)
{
    nd_py_options o;
    neardup_corpus *c = job_args(module, args, &o, NULL);
    if (!c) return NULL;
    size_t n = neardup_corpus_count(c);
    size_t *dup = malloc((n ? n : 1) * sizeof *dup);
    double *score = malloc((n ? n : 1) * sizeof *score);
    neardup_error err = {0};
    int rc = dup && score ? NEARDUP_OK : NEARDUP_E_NOMEM;
    if (!rc) {
        Py_BEGIN_ALLOW_THREADS
        rc = neardup_dedup(&o.o, c, dup, score, &err);
        Py_END_ALLOW_THREADS
    }
    neardup_corpus_free(c);
    PyObject *dups = NULL, *scores = NULL, *out = NULL;
    if (rc) {
        nd_py_raise_error(module, &err, rc);
        goto done;
    }
    dups = PyList_New((Py_ssize_t)n);
    scores = dups ? PyList_New((Py_ssize_t)n) : NULL;
    for (size_t i = 0; scores && i < n; i++) {
        PyObject *d = dup[i] == (size_t)-1 ? PyLong_FromLong(-1) : PyLong_FromSize_t(dup[i]);
        PyObject *s = PyFloat_FromDouble(dup[i] == (size_t)-1 ? -1.0 : score[i]);
        if (!d || !s) {
            Py_XDECREF(d);
            Py_XDECREF(s);
            goto done;
        }
        PyList_SET_ITEM(dups, (Py_ssize_t)i, d);
        PyList_SET_ITEM(scores, (Py_ssize_t)i, s);
    }
    if (scores) out = PyTuple_Pack(2, dups, scores);
done:
    Py_XDECREF(dups);
    Py_XDECREF(scores);
    free(dup);
    free(score);
    return out;
}

/* -> [(i, j, [Passage])], offsets converted to code points of texts i and j. */
PyObject *nd_py_overlap(PyObject *module, PyObject *args)
{
    nd_py_options o;
    unsigned char *ascii = NULL;
    neardup_corpus *c = job_args(module, args, &o, &ascii);
    if (!c) return NULL;
    neardup_overlap_pair *p = NULL;
    size_t n = 0;
    neardup_error err = {0};
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = neardup_overlap(&o.o, c, &p, &n, &err);
    Py_END_ALLOW_THREADS
    PyObject *out = rc ? (nd_py_raise_error(module, &err, rc), NULL) : PyList_New((Py_ssize_t)n);
    for (size_t i = 0; out && i < n; i++) {
        nd_py_text a = nd_py_corpus_text(c, p[i].a, ascii), b = nd_py_corpus_text(c, p[i].b, ascii);
        PyObject *ps = nd_py_passages(module, &a, &b, p[i].passages, p[i].npassages);
        PyObject *t = ps ? Py_BuildValue("(nnN)", (Py_ssize_t)p[i].a, (Py_ssize_t)p[i].b, ps) : NULL;
        if (!t) Py_CLEAR(out);
        else PyList_SET_ITEM(out, (Py_ssize_t)i, t);
    }
    neardup_overlap_free(p, n);
    neardup_corpus_free(c);
    free(ascii);
    return out;
}

/* read(path, text_field, id_field) -> [(id, text)]: a file or directory read
 * as the command line reads it (JSONL incl .gz/.zst, plain, HTML, WARC). */
PyObject *nd_py_read(PyObject *module, PyObject *args)
{
    PyObject *path;
    const char *text_field = NULL, *id_field = NULL;
    if (!PyArg_ParseTuple(args, "O&|zz:read", PyUnicode_FSConverter, &path, &text_field, &id_field)) return NULL;
    neardup_corpus *c = neardup_corpus_create();
    neardup_error err = {0};
    int rc = c ? NEARDUP_OK : NEARDUP_E_NOMEM;
    if (!rc) {
        Py_BEGIN_ALLOW_THREADS
        rc = neardup_corpus_read(c, PyBytes_AS_STRING(path), text_field, id_field, &err);
        Py_END_ALLOW_THREADS
    }
    Py_DECREF(path);
    size_t n = rc ? 0 : neardup_corpus_count(c);
    PyObject *out = rc ? (nd_py_raise_error(module, &err, rc), NULL) : PyList_New((Py_ssize_t)n);
    for (size_t i = 0; out && i < n; i++) {
        size_t il, tl;
        const char *id = neardup_corpus_id(c, i, &il), *text = neardup_corpus_text(c, i, &tl);
        /* ids may hold any bytes (the CLI keeps them): undecodable ones as surrogate escapes */
        PyObject *t = Py_BuildValue("(NN)", PyUnicode_DecodeUTF8(id, (Py_ssize_t)il, "surrogateescape"),
                                    PyUnicode_DecodeUTF8(text, (Py_ssize_t)tl, "strict"));
        if (!t) Py_CLEAR(out);
        else PyList_SET_ITEM(out, (Py_ssize_t)i, t);
    }
    neardup_corpus_free(c);
    return out;
}
