/* jobs.c - the jobs over many texts: dedup and pairs.
 *
 * The texts (a list of str, made by the Python layer from any records) are
 * seen as UTF-8 with the GIL held, then the library runs on them with the
 * GIL released. */
#include "py_neardup.h"

#include <stdio.h>

typedef struct {
    nd_py_text *t;
    Py_ssize_t n;
} text_list;

static void texts_release(text_list *l)
{
    for (Py_ssize_t i = 0; i < l->n; i++) nd_py_text_release(&l->t[i]);
    PyMem_Free(l->t);
    l->t = NULL;
}

/* UTF-8 views of every str of list (a Python list); -1 with TypeError
 * naming the first bad item. */
static int texts_get(PyObject *list, text_list *l)
{
    l->n = 0;
    l->t = NULL;
    if (!PyList_Check(list)) {
        PyErr_SetString(PyExc_TypeError, "texts: expected a list of str");
        return -1;
    }
    Py_ssize_t n = PyList_GET_SIZE(list);
    if (!(l->t = PyMem_Calloc(n ? (size_t)n : 1, sizeof *l->t))) {
        PyErr_NoMemory();
        return -1;
    }
    for (; l->n < n; l->n++) {
        char what[48];
        snprintf(what, sizeof what, "texts[%zd]", l->n);
        if (nd_py_text_get(PyList_GET_ITEM(list, l->n), &l->t[l->n], what)) {
            texts_release(l);
            return -1;
        }
    }
    return 0;
}

/* A deduper over all the texts, finished; NULL with the exception set. */
static neardup_deduper *dedupe(PyObject *module, PyObject *args, const char *name)
{
    PyObject *list, *kw = NULL;
    if (!PyArg_ParseTuple(args, "O|O", &list, &kw)) return NULL;
    nd_py_options o;
    text_list l;
    if (nd_py_options_parse(kw, &o) || texts_get(list, &l)) return NULL;
    neardup_deduper *d = neardup_deduper_create(&o.params);
    if (!d) {
        texts_release(&l);
        nd_py_raise(module, NEARDUP_E_NOMEM, NULL);
        return NULL;
    }
    int rc = NEARDUP_OK;
    Py_ssize_t i = 0;
    size_t bad = 0;
    Py_BEGIN_ALLOW_THREADS
    for (; !rc && i < l.n; i++) rc = neardup_deduper_add(d, l.t[i].p, l.t[i].len, &bad);
    if (!rc) rc = neardup_deduper_finish(d);
    Py_END_ALLOW_THREADS
    texts_release(&l);
    if (rc) {
        char msg[256];
        snprintf(msg, sizeof msg, "%s: text %zd: %s", name, i - 1, neardup_strerror(rc));
        nd_py_raise(module, rc, msg);
        neardup_deduper_free(d);
        return NULL;
    }
    return d;
}

PyObject *nd_py_dedup(PyObject *module, PyObject *args)
{
    neardup_deduper *d = dedupe(module, args, "dedup");
    if (!d) return NULL;
    size_t n = neardup_deduper_count(d);
    PyObject *out = PyList_New((Py_ssize_t)n);
    for (size_t i = 0; out && i < n; i++) {
        size_t r = neardup_deduper_representative(d, i);
        PyObject *v = r == i ? PyLong_FromLong(-1) : PyLong_FromSize_t(r);
        if (!v) Py_CLEAR(out);
        else PyList_SET_ITEM(out, (Py_ssize_t)i, v);
    }
    neardup_deduper_free(d);
    return out;
}

PyObject *nd_py_pairs(PyObject *module, PyObject *args)
{
    neardup_deduper *d = dedupe(module, args, "pairs");
    if (!d) return NULL;
    const neardup_pair *p;
    size_t n = neardup_deduper_pairs(d, &p);
    PyObject *out = PyList_New((Py_ssize_t)n);
    for (size_t i = 0; out && i < n; i++) {
        PyObject *t = Py_BuildValue("(nnd)", (Py_ssize_t)p[i].a, (Py_ssize_t)p[i].b, p[i].jaccard);
        if (!t) Py_CLEAR(out);
        else PyList_SET_ITEM(out, (Py_ssize_t)i, t);
    }
    neardup_deduper_free(d);
    return out;
}
