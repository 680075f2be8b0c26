/* index.c - a persistent reference index (neardup.Index): build, add, open,
 * query; the same files as `neardup index build|add` and `neardup query`.
 *
 * An open index is a capsule around a neardup_index handle, closed when the
 * capsule goes.  A handle serves one thread at a time: the Python class
 * holds a lock around query (the GIL is released inside it). */
#include "py_neardup.h"

#include <stdlib.h>
#include <string.h>

#define CAPSULE "neardup._index"

static void close_capsule(PyObject *cap) { neardup_index_close(PyCapsule_GetPointer(cap, CAPSULE)); }

/* path: str or os.PathLike -> a bytes object holding the file-system path. */
static PyObject *fs_path(PyObject *path)
{
    PyObject *b = NULL;
    return PyUnicode_FSConverter(path, &b) ? b : NULL;
}

/* Writes the index at path from texts and ids: a new one with o's
 * parameters (build), or add: the texts added to the one there, with o's
 * key, lossy and threads (its own parameters otherwise). */
static PyObject *write_index(PyObject *module, PyObject *path, PyObject *texts, PyObject *ids, const neardup_options *o,
                             int add)
{
    PyObject *p = fs_path(path);
    neardup_corpus *c = p ? nd_py_corpus(module, texts, ids, NULL) : NULL;
    if (!c) {
        Py_XDECREF(p);
        return NULL;
    }
    neardup_error err = {0};
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = add ? neardup_index_add_opts(PyBytes_AS_STRING(p), o, c, &err) : neardup_index_build(PyBytes_AS_STRING(p), o, c, &err);
    Py_END_ALLOW_THREADS
    neardup_corpus_free(c);
    Py_DECREF(p);
    if (rc) {
        nd_py_raise_error(module, &err, rc);
        return NULL;
    }
    Py_RETURN_NONE;
}

/* index_build(path, texts, ids, options) */
PyObject *nd_py_index_build(PyObject *module, PyObject *args)
{
    PyObject *path, *texts, *ids, *kw = NULL;
    nd_py_options o;
    if (!PyArg_ParseTuple(args, "OOO|O", &path, &texts, &ids, &kw) || nd_py_options_parse(kw, &o)) return NULL;
    return write_index(module, path, texts, ids, &o.o, 0);
}

/* index_add(path, texts, ids[, options]): options key, threads (the index's own parameters otherwise) */
PyObject *nd_py_index_add(PyObject *module, PyObject *args)
{
    PyObject *path, *texts, *ids, *kw = NULL;
    nd_py_options o;
    if (!PyArg_ParseTuple(args, "OOO|O", &path, &texts, &ids, &kw) || nd_py_options_parse(kw, &o)) return NULL;
    return write_index(module, path, texts, ids, &o.o, 1);
}

/* index_open(path) -> capsule */
PyObject *nd_py_index_open(PyObject *module, PyObject *path)
{
    PyObject *p = fs_path(path);
    if (!p) return NULL;
    neardup_error err = {0};
    neardup_index *ix;
    Py_BEGIN_ALLOW_THREADS
    ix = neardup_index_open(PyBytes_AS_STRING(p), &err);
    Py_END_ALLOW_THREADS
    Py_DECREF(p);
    if (!ix) {
        nd_py_raise_error(module, &err, NEARDUP_E_IO);
        return NULL;
    }
    PyObject *cap = PyCapsule_New(ix, CAPSULE, close_capsule);
    if (!cap) neardup_index_close(ix);
    return cap;
}

/* The options of a query that gives none: the defaults with the index's own
 * parameters (threshold, ngram, k, seed; min_words its anchors' guarantee),
 * as `neardup query` takes them. */
static void index_options(const neardup_index *ix, neardup_options *o)
{
    neardup_index_info info;
    neardup_index_get_info(ix, &info);
    neardup_options_default(o);
    o->params.ngram = info.ngram;
    o->params.k = info.k;
    o->params.threshold = info.threshold;
    o->params.seed = info.seed;
    if (info.min_words) o->min_words = info.min_words;
}

/* index_info(capsule) -> dict: what `neardup index info` shows. */
PyObject *nd_py_index_info(PyObject *module, PyObject *cap)
{
    neardup_index *ix = PyCapsule_GetPointer(cap, CAPSULE);
    if (!ix) return NULL;
    neardup_index_info i;
    neardup_index_get_info(ix, &i);
    return Py_BuildValue("{s:n,s:I,s:I,s:d,s:I,s:I,s:K,s:O,s:I,s:K,s:K}", "count", (Py_ssize_t)i.docs, "ngram",
                         i.ngram, "num_perm", i.k, "threshold", i.threshold, "bands", i.bands, "rows", i.rows, "seed",
                         (unsigned long long)i.seed, "keyed", i.keyed ? Py_True : Py_False, "min_words", i.min_words,
                         "text_bytes", (unsigned long long)i.text_bytes, "file_bytes",
                         (unsigned long long)i.file_bytes);
}

/* The reference side of a match's passages, as a text view: its stored
 * text when some byte is not ASCII (the offsets then need converting), an
 * ASCII view without text otherwise, and also for a reference read through
 * a transforming reader (its offsets are into the original file, which the
 * index does not hold: they stay byte offsets, as `neardup query` prints).
 * *owned: the text to free.  -1 with neardup.Error set. */
static int ref_view(PyObject *module, neardup_index *ix, size_t ref, nd_py_text *b, char **owned)
{
    neardup_error err = {0};
    size_t len = 0;
    int mapped = 0, rc;
    memset(b, 0, sizeof *b);
    b->ascii = 1;
    Py_BEGIN_ALLOW_THREADS
    rc = neardup_index_text(ix, ref, owned, &len, &mapped, &err);
    Py_END_ALLOW_THREADS
    if (rc) {
        nd_py_raise_error(module, &err, rc);
        return -1;
    }
    for (size_t i = 0; !mapped && i < len; i++)
        if ((unsigned char)(*owned)[i] >= 0x80) {
            b->p = *owned;
            b->len = len;
            b->ascii = 0;
            break;
        }
    return 0;
}

/* index_query(capsule, texts, mode, options) -> [(query, ref, ref_id, score, passages or None)];
 * options over the index's own parameters (index_options); passage
 * offsets are string indices into the query text and the reference text. */
PyObject *nd_py_index_query(PyObject *module, PyObject *args)
{
    PyObject *cap, *texts, *kw = NULL;
    const char *mode_name;
    if (!PyArg_ParseTuple(args, "OOs|O", &cap, &texts, &mode_name, &kw)) return NULL;
    neardup_index *ix = PyCapsule_GetPointer(cap, CAPSULE);
    if (!ix) return NULL;
    nd_py_options o;
    memset(&o, 0, sizeof o);
    index_options(ix, &o.o);
    if (nd_py_options_apply(kw, &o)) return NULL;
    neardup_query_mode mode;
    if (!strcmp(mode_name, "dup")) mode = NEARDUP_QUERY_DUP;
    else if (!strcmp(mode_name, "overlap")) mode = NEARDUP_QUERY_OVERLAP;
    else {
        PyErr_Format(PyExc_ValueError, "mode: %R is not dup or overlap", PyTuple_GET_ITEM(args, 2));
        return NULL;
    }
    unsigned char *ascii = NULL;
    neardup_corpus *c = nd_py_corpus(module, texts, NULL, &ascii);
    if (!c) return NULL;
    neardup_match *m = NULL;
    size_t n = 0;
    neardup_error err = {0};
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = neardup_index_query(ix, &o.o, mode, c, &m, &n, &err);
    Py_END_ALLOW_THREADS
    PyObject *out = rc ? (nd_py_raise_error(module, &err, rc), NULL) : PyList_New((Py_ssize_t)n);
    for (size_t i = 0; out && i < n; i++) {
        PyObject *ps = NULL;
        if (mode == NEARDUP_QUERY_OVERLAP) {
            nd_py_text a = nd_py_corpus_text(c, m[i].query, ascii), b;
            char *ref_text = NULL;
            if (!ref_view(module, ix, m[i].ref, &b, &ref_text))
                ps = nd_py_passages(module, &a, &b, m[i].passages, m[i].npassages);
            free(ref_text);
        } else {
            ps = Py_NewRef(Py_None);
        }
        PyObject *t = ps ? Py_BuildValue("(nns#dN)", (Py_ssize_t)m[i].query, (Py_ssize_t)m[i].ref, m[i].ref_id,
                                         (Py_ssize_t)m[i].ref_id_len, m[i].score, ps)
                         : NULL;
        if (!t) Py_CLEAR(out);
        else PyList_SET_ITEM(out, (Py_ssize_t)i, t);
    }
    neardup_matches_free(m, n);
    neardup_corpus_free(c);
    free(ascii);
    return out;
}
