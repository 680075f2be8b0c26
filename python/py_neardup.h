/* py_neardup.h - shared parts of the _neardup extension module (the .c files in python/):
 * texts as UTF-8 views, options from keyword dicts, errors, offsets.
 * Only the public include/neardup.h is used: the module is a client of the
 * library like any other. */
#ifndef PY_NEARDUP_H
#define PY_NEARDUP_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <neardup.h>

/* The module's state: its exception class and result types (no globals). */
typedef struct {
    PyObject *error;          /* neardup.Error */
    PyObject *usage_error;    /* neardup.UsageError: Error and ValueError (status E_USAGE) */
    PyTypeObject *passage;    /* neardup.Passage (a struct sequence) */
} nd_py_state;

nd_py_state *nd_py_state_of(PyObject *module);

/* Raises neardup.Error(message) with .status = status and .message;
 * neardup.UsageError (also a ValueError) for NEARDUP_E_USAGE: a bad option
 * value only the library can judge, such as an unknown language. */
void nd_py_raise(PyObject *module, int status, const char *message);

/* A Python str seen as UTF-8 bytes.  ASCII strings are used in place (their
 * storage is UTF-8 already); others are encoded into a temporary bytes
 * object, so a str never keeps a cached UTF-8 copy after the call. */
typedef struct {
    const char *p;
    size_t len;
    int ascii;
    PyObject *owner; /* the temporary bytes object, or NULL */
} nd_py_text;

/* 0, or -1 with TypeError naming what (e.g. "texts[3]") when o is not a
 * str, UnicodeEncodeError for lone surrogates. */
int nd_py_text_get(PyObject *o, nd_py_text *t, const char *what);
void nd_py_text_release(nd_py_text *t);

/* One byte offset to convert in place into a code-point index. */
typedef struct {
    size_t *slot;
} nd_py_offset;

/* Converts the byte offsets into text[0..len) (on character boundaries)
 * into code-point indices, in one pass; reorders offs. */
void nd_py_code_points(const char *text, size_t len, nd_py_offset *offs, size_t n);

/* The options every function takes, from a keyword dict (NULL: defaults):
 * the library's neardup_options, and the key bytes params.key points to. */
typedef struct {
    neardup_options o;
    unsigned char key[32];
} nd_py_options;

int nd_py_options_parse(PyObject *kw, nd_py_options *o);
/* The same over options already filled (an index's own parameters). */
int nd_py_options_apply(PyObject *kw, nd_py_options *o);

/* One option of kw (absent or None: 0, *out unchanged; given and valid: 1;
 * else -1 with TypeError / ValueError naming it): an int in [lo, hi], a
 * fraction in [0, 1], a truth value. */
int nd_py_opt_unsigned(PyObject *kw, const char *name, unsigned long long lo, unsigned long long hi, unsigned *out);
int nd_py_opt_fraction(PyObject *kw, const char *name, double *out);
int nd_py_opt_bool(PyObject *kw, const char *name, int *out);

/* Builds a list of neardup.Passage from n passages whose offsets are
 * byte offsets into a and b; converts them to code points. */
PyObject *nd_py_passages(PyObject *module, const nd_py_text *a, const nd_py_text *b,
                         neardup_passage *p, size_t n);

/* Raises neardup.Error from a job's error detail (its status and message). */
void nd_py_raise_error(PyObject *module, const neardup_error *err, int status);

/* A corpus of texts (a list of str) with ids (NULL: the texts' numbers; else
 * a list of str, as long).  *ascii (may be NULL) receives a malloc'ed flag
 * per text: 1 when byte and code-point offsets agree.  NULL with the
 * exception set. */
neardup_corpus *nd_py_corpus(PyObject *module, PyObject *texts, PyObject *ids, unsigned char **ascii);

/* The UTF-8 view of text i of corpus c (no owner). */
nd_py_text nd_py_corpus_text(const neardup_corpus *c, size_t i, const unsigned char *ascii);

#endif
