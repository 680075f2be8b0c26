/* options.c - the options of every function, from the keyword dict the
 * Python layer passes (only the options given; the rest keep the library's
 * defaults, neardup_options_default: the one defaults table the command
 * line reads too).  Unknown names never get here (the Python signatures
 * refuse them); wrong types raise TypeError, values out of range ValueError. */
#include "py_neardup.h"

#include <string.h>

static PyObject *get(PyObject *kw, const char *name)
{
    PyObject *v = kw ? PyDict_GetItemString(kw, name) : NULL;
    return v == Py_None ? NULL : v;
}

/* 1 when kw[name] is given and in [lo, hi], 0 when absent, -1 on error. */
static int opt_uint(PyObject *kw, const char *name, unsigned long long lo, unsigned long long hi,
                    unsigned long long *out)
{
    PyObject *v = get(kw, name);
    if (!v) return 0;
    if (PyBool_Check(v) || !PyLong_Check(v)) {
        PyErr_Format(PyExc_TypeError, "%s: expected int, not %.100s", name, Py_TYPE(v)->tp_name);
        return -1;
    }
    unsigned long long x = PyLong_AsUnsignedLongLong(v);
    if (x == (unsigned long long)-1 && PyErr_Occurred()) {
        PyErr_Clear();
        PyErr_Format(PyExc_ValueError, "%s: must be in [%llu, %llu], not %R", name, lo, hi, v);
        return -1;
    }
    if (x < lo || x > hi) {
        PyErr_Format(PyExc_ValueError, "%s: must be in [%llu, %llu], not %llu", name, lo, hi, x);
        return -1;
    }
    *out = x;
    return 1;
}

int nd_py_opt_unsigned(PyObject *kw, const char *name, unsigned long long lo, unsigned long long hi, unsigned *out)
{
    unsigned long long x;
    int rc = opt_uint(kw, name, lo, hi, &x);
    if (rc == 1) *out = (unsigned)x;
    return rc;
}

int nd_py_opt_fraction(PyObject *kw, const char *name, double *out)
{
    PyObject *v = get(kw, name);
    if (!v) return 0;
    if (PyBool_Check(v) || !(PyFloat_Check(v) || PyLong_Check(v))) {
        PyErr_Format(PyExc_TypeError, "%s: expected a number, not %.100s", name, Py_TYPE(v)->tp_name);
        return -1;
    }
    double x = PyFloat_AsDouble(v);
    if (x == -1.0 && PyErr_Occurred()) return -1;
    if (!(x >= 0 && x <= 1)) {
        PyErr_Format(PyExc_ValueError, "%s: must be in [0, 1], not %R", name, v);
        return -1;
    }
    *out = x;
    return 1;
}

int nd_py_opt_bool(PyObject *kw, const char *name, int *out)
{
    PyObject *v = get(kw, name);
    if (!v) return 0;
    int x = PyObject_IsTrue(v);
    if (x < 0) return -1;
    *out = x;
    return 1;
}

/* A str option; *out points into the str (kw holds it for the call). */
static int opt_str(PyObject *kw, const char *name, const char **out)
{
    PyObject *v = get(kw, name);
    if (!v) return 0;
    if (!PyUnicode_Check(v)) {
        PyErr_Format(PyExc_TypeError, "%s: expected str, not %.100s", name, Py_TYPE(v)->tp_name);
        return -1;
    }
    return (*out = PyUnicode_AsUTF8(v)) ? 1 : -1;
}

static int opt_metric(PyObject *kw, neardup_metric *out)
{
    static const struct {
        const char *name;
        neardup_metric metric;
    } metrics[] = {{"jaccard", NEARDUP_METRIC_JACCARD},
                   {"simhash", NEARDUP_METRIC_SIMHASH},
                   {"exact", NEARDUP_METRIC_EXACT},
                   {"containment", NEARDUP_METRIC_CONTAINMENT}};
    const char *name = NULL;
    int rc = opt_str(kw, "metric", &name);
    if (rc <= 0) return rc;
    for (size_t i = 0; i < sizeof metrics / sizeof *metrics; i++)
        if (!strcmp(name, metrics[i].name)) {
            *out = metrics[i].metric;
            return 1;
        }
    PyErr_Format(PyExc_ValueError, "metric: %R is not one of jaccard, simhash, exact, containment", get(kw, "metric"));
    return -1;
}

static int opt_key(PyObject *kw, nd_py_options *o)
{
    PyObject *key = get(kw, "key");
    if (!key) return 0;
    Py_buffer b;
    if (PyObject_GetBuffer(key, &b, PyBUF_SIMPLE)) {
        PyErr_Format(PyExc_TypeError, "key: expected 32 bytes, not %.100s", Py_TYPE(key)->tp_name);
        return -1;
    }
    int ok = b.len == (Py_ssize_t)sizeof o->key;
    if (ok) memcpy(o->key, b.buf, sizeof o->key);
    PyBuffer_Release(&b);
    if (!ok) {
        PyErr_SetString(PyExc_ValueError, "key: must be exactly 32 bytes (a secret, e.g. os.urandom(32))");
        return -1;
    }
    o->o.params.key = o->key;
    return 1;
}

int nd_py_options_parse(PyObject *kw, nd_py_options *o)
{
    memset(o, 0, sizeof *o);
    neardup_options_default(&o->o);
    return nd_py_options_apply(kw, o);
}

int nd_py_options_apply(PyObject *kw, nd_py_options *o)
{
    if (kw && !PyDict_Check(kw)) {
        PyErr_SetString(PyExc_TypeError, "options: expected a dict");
        return -1;
    }
    neardup_options *x = &o->o;
    int verbatim = -1;
    if (nd_py_opt_fraction(kw, "threshold", &x->params.threshold) < 0 ||
        nd_py_opt_unsigned(kw, "ngram", 1, 64, &x->params.ngram) < 0 ||
        nd_py_opt_unsigned(kw, "num_perm", 1, 4096, &x->params.k) < 0 ||
        opt_uint(kw, "seed", 0, UINT64_MAX, (unsigned long long *)&x->params.seed) < 0 || opt_key(kw, o) < 0 ||
        opt_metric(kw, &x->metric) < 0 || nd_py_opt_unsigned(kw, "threads", 0, 4096, &x->threads) < 0 ||
        nd_py_opt_unsigned(kw, "min_words", 1, 1u << 30, &x->min_words) < 0 ||
        nd_py_opt_unsigned(kw, "max_df", 1, UINT32_MAX, &x->max_df) < 0 ||
        nd_py_opt_unsigned(kw, "distance", 0, 16, &x->distance) < 0 || nd_py_opt_bool(kw, "exact", &x->exact) < 0 ||
        nd_py_opt_bool(kw, "edited", &x->edited) < 0 || nd_py_opt_bool(kw, "verbatim", &verbatim) < 0 ||
        opt_str(kw, "language", &x->language) < 0)
        return -1;
    if (verbatim >= 0) x->edited = !verbatim; /* align: verbatim = copies only */
    return 0;
}
