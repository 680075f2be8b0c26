/* _neardup.c - the CPython extension module under python/neardup/: the
 * module, its exception classes and result type, str -> UTF-8 views, and
 * align.  Options: options.c; the jobs over many texts and read: jobs.c;
 * the index: index.c; offsets to string indices: offsets.c.
 *
 * Every call into the library runs with the GIL released
 * (Py_BEGIN_ALLOW_THREADS): the texts are immutable str objects (or
 * temporary bytes) that this call holds references to, so nothing they
 * point to can change or go away meanwhile. */
#include "py_neardup.h"

#include <string.h>

nd_py_state *nd_py_state_of(PyObject *module) { return (nd_py_state *)PyModule_GetState(module); }

void nd_py_raise(PyObject *module, int status, const char *message)
{
    nd_py_state *st = nd_py_state_of(module);
    if (!message || !*message) message = neardup_strerror(status);
    PyObject *type = status == NEARDUP_E_USAGE ? st->usage_error : st->error;
    PyObject *exc = PyObject_CallFunction(type, "s", message);
    if (!exc) return;
    PyObject *code = PyLong_FromLong(status), *msg = PyUnicode_FromString(message);
    if (code && msg && !PyObject_SetAttrString(exc, "status", code) && !PyObject_SetAttrString(exc, "message", msg))
        PyErr_SetObject(type, exc);
    Py_XDECREF(code);
    Py_XDECREF(msg);
    Py_DECREF(exc);
}

void nd_py_raise_error(PyObject *module, const neardup_error *err, int status)
{
    nd_py_raise(module, err->status ? err->status : status, err->message);
}

/* ---------- texts ---------- */

int nd_py_text_get(PyObject *o, nd_py_text *t, const char *what)
{
    memset(t, 0, sizeof *t);
    if (!PyUnicode_Check(o)) {
        PyErr_Format(PyExc_TypeError, "%s: expected str, not %.100s", what, Py_TYPE(o)->tp_name);
        return -1;
    }
    if (PyUnicode_READY(o)) return -1; /* a legacy string made canonical (a no-op since 3.12) */
    if (PyUnicode_IS_ASCII(o)) { /* compact ASCII: the characters are the UTF-8 bytes */
        t->p = (const char *)PyUnicode_DATA(o);
        t->len = (size_t)PyUnicode_GET_LENGTH(o);
        t->ascii = 1;
        return 0;
    }
    if (!(t->owner = PyUnicode_AsUTF8String(o))) return -1;
    t->p = PyBytes_AS_STRING(t->owner);
    t->len = (size_t)PyBytes_GET_SIZE(t->owner);
    return 0;
}

void nd_py_text_release(nd_py_text *t)
{
    Py_CLEAR(t->owner);
}

/* ---------- passages ---------- */

static PyStructSequence_Field passage_fields[] = {
    {"a_start", "start of the passage in a (a Python string index)"},
    {"a_end", "end of the passage in a (exclusive)"},
    {"b_start", "start of the passage in b"},
    {"b_end", "end of the passage in b (exclusive)"},
    {"words", "aligned word columns"},
    {"matches", "equal words"},
    {"identity", "matches / words"},
    {NULL, NULL},
};

static PyStructSequence_Desc passage_desc = {
    "neardup.Passage",
    "A passage two texts share: a[a_start:a_end] and b[b_start:b_end], on whole words.",
    passage_fields,
    7,
};

PyObject *nd_py_passages(PyObject *module, const nd_py_text *a, const nd_py_text *b, neardup_passage *p,
                         size_t n)
{
    nd_py_offset *offs = PyMem_Malloc((n ? n : 1) * 2 * sizeof *offs);
    if (!offs) return PyErr_NoMemory();
    if (!a->ascii) {
        for (size_t i = 0; i < n; i++) offs[2 * i].slot = &p[i].a_start, offs[2 * i + 1].slot = &p[i].a_end;
        nd_py_code_points(a->p, a->len, offs, 2 * n);
    }
    if (!b->ascii) {
        for (size_t i = 0; i < n; i++) offs[2 * i].slot = &p[i].b_start, offs[2 * i + 1].slot = &p[i].b_end;
        nd_py_code_points(b->p, b->len, offs, 2 * n);
    }
    PyMem_Free(offs);
    PyTypeObject *type = nd_py_state_of(module)->passage;
    PyObject *list = PyList_New((Py_ssize_t)n);
    for (size_t i = 0; list && i < n; i++) {
        PyObject *ps = PyStructSequence_New(type);
        if (!ps) {
            Py_CLEAR(list);
            break;
        }
        PyStructSequence_SET_ITEM(ps, 0, PyLong_FromSize_t(p[i].a_start));
        PyStructSequence_SET_ITEM(ps, 1, PyLong_FromSize_t(p[i].a_end));
        PyStructSequence_SET_ITEM(ps, 2, PyLong_FromSize_t(p[i].b_start));
        PyStructSequence_SET_ITEM(ps, 3, PyLong_FromSize_t(p[i].b_end));
        PyStructSequence_SET_ITEM(ps, 4, PyLong_FromUnsignedLong(p[i].words));
        PyStructSequence_SET_ITEM(ps, 5, PyLong_FromUnsignedLong(p[i].matches));
        PyStructSequence_SET_ITEM(ps, 6, PyFloat_FromDouble(p[i].identity));
        for (int f = 0; f < 7; f++)
            if (!PyStructSequence_GET_ITEM(ps, f)) {
                Py_DECREF(ps);
                Py_CLEAR(list);
                return NULL;
            }
        PyList_SET_ITEM(list, (Py_ssize_t)i, ps);
    }
    return list;
}

/* ---------- align ---------- */

static PyObject *py_align(PyObject *module, PyObject *args)
{
    PyObject *a_obj, *b_obj, *kw = NULL;
    if (!PyArg_ParseTuple(args, "OO|O:align", &a_obj, &b_obj, &kw)) return NULL;
    nd_py_options o;
    if (nd_py_options_parse(kw, &o)) return NULL;
    nd_py_text a, b = {0};
    if (nd_py_text_get(a_obj, &a, "a") || nd_py_text_get(b_obj, &b, "b")) {
        nd_py_text_release(&a);
        return NULL;
    }
    neardup_passage *p = NULL;
    size_t n = 0;
    neardup_error err = {0};
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = neardup_align_opts(&o.o, a.p, a.len, b.p, b.len, &p, &n, &err);
    Py_END_ALLOW_THREADS
    PyObject *out = rc ? (nd_py_raise_error(module, &err, rc), NULL) : nd_py_passages(module, &a, &b, p, n);
    neardup_passages_free(p);
    nd_py_text_release(&a);
    nd_py_text_release(&b);
    return out;
}

static PyObject *py_version(PyObject *module, PyObject *unused) { return PyUnicode_FromString(neardup_version()); }

static PyObject *py_strerror(PyObject *module, PyObject *arg)
{
    long status = PyLong_AsLong(arg);
    if (status == -1 && PyErr_Occurred()) return NULL;
    return PyUnicode_FromString(neardup_strerror((int)status));
}

/* ---------- the module ---------- */

PyObject *nd_py_dedup(PyObject *module, PyObject *args);
PyObject *nd_py_pairs(PyObject *module, PyObject *args);
PyObject *nd_py_overlap(PyObject *module, PyObject *args);
PyObject *nd_py_read(PyObject *module, PyObject *args);
PyObject *nd_py_index_build(PyObject *module, PyObject *args);
PyObject *nd_py_index_add(PyObject *module, PyObject *args);
PyObject *nd_py_index_open(PyObject *module, PyObject *path);
PyObject *nd_py_index_info(PyObject *module, PyObject *cap);
PyObject *nd_py_index_query(PyObject *module, PyObject *args);
PyObject *nd_py_dedup_run(PyObject *module, PyObject *args);
PyObject *nd_py_strip(PyObject *module, PyObject *args);
PyObject *nd_py_contamination(PyObject *module, PyObject *args);
PyObject *nd_py_overlap_clusters(PyObject *module, PyObject *args);

static PyMethodDef methods[] = {
    {"align", py_align, METH_VARARGS, "align(a, b, options) -> [Passage]"},
    {"dedup", nd_py_dedup, METH_VARARGS, "dedup(texts, options) -> ([duplicate_of or -1], [score or -1])"},
    {"pairs", nd_py_pairs, METH_VARARGS, "pairs(texts, options) -> [(i, j, score)]"},
    {"overlap", nd_py_overlap, METH_VARARGS, "overlap(texts, options) -> [(i, j, [Passage])]"},
    {"read", nd_py_read, METH_VARARGS, "read(path, text_field, id_field) -> [(id, text)]"},
    {"index_build", nd_py_index_build, METH_VARARGS, "index_build(path, texts, ids, options)"},
    {"index_add", nd_py_index_add, METH_VARARGS, "index_add(path, texts, ids)"},
    {"index_open", nd_py_index_open, METH_O, "index_open(path) -> handle"},
    {"index_info", nd_py_index_info, METH_O, "index_info(handle) -> {count, ngram, num_perm, threshold, seed, min_words}"},
    {"index_query", nd_py_index_query, METH_VARARGS,
     "index_query(handle, texts, mode, options) -> [(query, ref, ref_id, score, passages)]"},
    {"dedup_run", nd_py_dedup_run, METH_VARARGS,
     "dedup_run(texts, ids, options, against_texts, against_ids, keep, keys) -> [(kept, dup, reference, score, cluster)]"},
    {"strip", nd_py_strip, METH_VARARGS,
     "strip(texts, ids, options, against_texts, against_ids) -> [(text or None, dropped, words, kept_words, cuts)]"},
    {"contamination", nd_py_contamination, METH_VARARGS,
     "contamination(bench_texts, bench_ids, nfields, texts, ids, options) -> [(contaminated, coverage, words, covered, "
     "matched, [(text, field, start, end)])]"},
    {"overlap_clusters", nd_py_overlap_clusters, METH_VARARGS,
     "overlap_clusters(texts, options) -> [(size, source, words, [(text, start, end, words)])]"},
    {"version", py_version, METH_NOARGS, "the library version"},
    {"strerror", py_strerror, METH_O, "the name of a status code"},
    {NULL, NULL, 0, NULL},
};

static int module_traverse(PyObject *m, visitproc visit, void *arg)
{
    nd_py_state *st = nd_py_state_of(m);
    Py_VISIT(st->error);
    Py_VISIT(st->usage_error);
    Py_VISIT(st->passage);
    return 0;
}

static int module_clear(PyObject *m)
{
    nd_py_state *st = nd_py_state_of(m);
    Py_CLEAR(st->error);
    Py_CLEAR(st->usage_error);
    Py_CLEAR(st->passage);
    return 0;
}

static struct PyModuleDef moduledef = {
    PyModuleDef_HEAD_INIT, "_neardup", "The C core of the neardup module (use neardup, not this).",
    sizeof(nd_py_state),   methods,    NULL,
    module_traverse,       module_clear, NULL,
};

static const struct {
    const char *name;
    int value;
} statuses[] = {
    {"OK", NEARDUP_OK},         {"E_USAGE", NEARDUP_E_USAGE}, {"E_INPUT", NEARDUP_E_INPUT},
    {"E_UTF8", NEARDUP_E_UTF8}, {"E_IO", NEARDUP_E_IO},       {"E_NOMEM", NEARDUP_E_NOMEM},
    {"E_FORMAT", NEARDUP_E_FORMAT}, {"E_KEY", NEARDUP_E_KEY}, {"E_INTERNAL", NEARDUP_E_INTERNAL},
};

PyMODINIT_FUNC PyInit__neardup(void)
{
    PyObject *m = PyModule_Create(&moduledef);
    if (!m) return NULL;
    nd_py_state *st = nd_py_state_of(m);
    st->error = PyErr_NewExceptionWithDoc("neardup.Error",
                                          "A library error: .status is the neardup_status code (neardup.E_INPUT, "
                                          "...), .message names the text or file and what is wrong.",
                                          NULL, NULL);
    PyObject *bases = st->error ? PyTuple_Pack(2, st->error, PyExc_ValueError) : NULL;
    st->usage_error = bases ? PyErr_NewExceptionWithDoc("neardup.UsageError",
                                                        "A bad option value the library refused (status E_USAGE); "
                                                        "also a ValueError.",
                                                        bases, NULL)
                            : NULL;
    Py_XDECREF(bases);
    st->passage = st->usage_error ? PyStructSequence_NewType(&passage_desc) : NULL;
    if (!st->passage || PyModule_AddObjectRef(m, "Error", st->error) ||
        PyModule_AddObjectRef(m, "UsageError", st->usage_error) ||
        PyModule_AddObjectRef(m, "Passage", (PyObject *)st->passage)) {
        Py_DECREF(m);
        return NULL;
    }
    for (size_t i = 0; i < sizeof statuses / sizeof *statuses; i++)
        if (PyModule_AddIntConstant(m, statuses[i].name, statuses[i].value)) {
            Py_DECREF(m);
            return NULL;
        }
    return m;
}
