/* data.c - the training-data jobs: dedup against references with keep
 * policies and the decisions of --removed, strip, contamination, overlap
 * clusters; each one
 * call of the library's job function (include/neardup.h) with the GIL
 * released.  Results are plain tuples (the Python layer names them);
 * offsets are converted to code points of the texts they point into. */
#include "py_neardup.h"

#include <stdlib.h>
#include <string.h>

/* ---------- offsets into the texts of one or two corpora ---------- */

/* Byte offsets to convert, each with the text it points into: text t of
 * the first corpus (t < n0), else text t - n0 of the second. */
typedef struct {
    size_t text;
    size_t *slot;
} text_slot;

typedef struct {
    text_slot *v;
    size_t n, cap;
} slots;

static int slots_add(slots *s, size_t text, size_t *slot)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 256;
        text_slot *v = PyMem_Realloc(s->v, cap * sizeof *v);
        if (!v) return -1;
        s->v = v, s->cap = cap;
    }
    s->v[s->n++] = (text_slot){text, slot};
    return 0;
}

static int by_text(const void *x, const void *y)
{
    size_t a = ((const text_slot *)x)->text, b = ((const text_slot *)y)->text;
    return (a > b) - (a < b);
}

/* Converts every slot (texts of non-ASCII texts only), one pass a text,
 * and frees the list.  bad: slots_add failed.  0, or -1 with MemoryError. */
static int slots_convert(slots *s, int bad, const neardup_corpus *c0, const unsigned char *a0,
                         const neardup_corpus *c1, const unsigned char *a1)
{
    size_t n0 = c0 ? neardup_corpus_count(c0) : 0;
    if (!bad && s->n > 1) qsort(s->v, s->n, sizeof *s->v, by_text);
    nd_py_offset *offs = bad ? NULL : PyMem_Malloc((s->n ? s->n : 1) * sizeof *offs);
    if (!offs) {
        PyMem_Free(s->v);
        s->v = NULL;
        PyErr_NoMemory();
        return -1;
    }
    for (size_t i = 0; i < s->n;) {
        size_t t = s->v[i].text, k = 0;
        const neardup_corpus *c = t < n0 ? c0 : c1;
        size_t ti = t < n0 ? t : t - n0;
        int ascii = (t < n0 ? a0 : a1)[ti];
        for (; i < s->n && s->v[i].text == t; i++) offs[k++].slot = s->v[i].slot;
        if (ascii) continue;
        size_t len;
        const char *text = neardup_corpus_text(c, ti, &len);
        nd_py_code_points(text, len, offs, k);
    }
    PyMem_Free(offs);
    PyMem_Free(s->v);
    s->v = NULL;
    return 0;
}

/* texts (list), ids (list or None) -> a corpus; None -> NULL without error (*none = 1). */
static neardup_corpus *corpus_or_none(PyObject *module, PyObject *texts, PyObject *ids, unsigned char **ascii,
                                      int *none)
{
    *none = texts == Py_None;
    if (ascii) *ascii = NULL;
    return *none ? NULL : nd_py_corpus(module, texts, ids, ascii);
}

/* ---------- dedup with references and keep policies ---------- */

/* dedup_run(texts, ids, options, against_texts, against_ids, keep, keys) ->
 * [(kept, duplicate_of or -1, reference, score, cluster)] */
PyObject *nd_py_dedup_run(PyObject *module, PyObject *args)
{
    PyObject *texts, *ids, *kw, *rtexts, *rids, *keys;
    int keep;
    nd_py_options o;
    if (!PyArg_ParseTuple(args, "OOOOOiO", &texts, &ids, &kw, &rtexts, &rids, &keep, &keys) ||
        nd_py_options_parse(kw, &o))
        return NULL;
    int none;
    neardup_corpus *refs = corpus_or_none(module, rtexts, rids, NULL, &none);
    if (!none && !refs) return NULL;
    neardup_corpus *c = nd_py_corpus(module, texts, ids, NULL);
    if (!c) {
        neardup_corpus_free(refs);
        return NULL;
    }
    size_t n = neardup_corpus_count(c);
    double *key = NULL;
    neardup_decision *x = malloc((n ? n : 1) * sizeof *x);
    PyObject *out = NULL;
    if (!x) {
        PyErr_NoMemory();
        goto done;
    }
    if (keys != Py_None) {
        if (!PyList_Check(keys) || PyList_GET_SIZE(keys) != (Py_ssize_t)n) {
            PyErr_SetString(PyExc_ValueError, "keys: expected a list of numbers, one per record");
            goto done;
        }
        if (!(key = malloc((n ? n : 1) * sizeof *key))) {
            PyErr_NoMemory();
            goto done;
        }
        for (size_t i = 0; i < n; i++)
            if ((key[i] = PyFloat_AsDouble(PyList_GET_ITEM(keys, (Py_ssize_t)i))) == -1.0 && PyErr_Occurred())
                goto done;
    }
    neardup_dedup_opts d = {(neardup_keep)keep, key, refs};
    neardup_error err = {0};
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = neardup_dedup_run(&o.o, &d, c, x, &err);
    Py_END_ALLOW_THREADS
    if (rc) {
        nd_py_raise_error(module, &err, rc);
        goto done;
    }
    out = PyList_New((Py_ssize_t)n);
    for (size_t i = 0; out && i < n; i++) {
        PyObject *t = Py_BuildValue("(NnNdn)", PyBool_FromLong(x[i].kept),
                                    x[i].kept ? (Py_ssize_t)-1 : (Py_ssize_t)x[i].duplicate_of,
                                    PyBool_FromLong(x[i].reference), x[i].score,
                                    x[i].cluster == (size_t)-1 ? (Py_ssize_t)-1 : (Py_ssize_t)x[i].cluster);
        if (!t) Py_CLEAR(out);
        else PyList_SET_ITEM(out, (Py_ssize_t)i, t);
    }
done:
    free(x);
    free(key);
    neardup_corpus_free(c);
    neardup_corpus_free(refs);
    return out;
}

/* ---------- strip ---------- */

/* One stripped text as (text or None, dropped, words, kept_words, cuts),
 * cuts [(start, end, words, [(src, reference, start, end, this_start,
 * this_end, identity)])]; offsets already converted; text None when it
 * had no cut (the Python layer gives the text itself). */
static PyObject *stripped_tuple(const neardup_stripped *s)
{
    PyObject *cuts = PyList_New((Py_ssize_t)s->ncuts);
    for (size_t k = 0; cuts && k < s->ncuts; k++) {
        const neardup_cut *g = &s->cuts[k];
        PyObject *reps = PyList_New((Py_ssize_t)g->nrepeats);
        for (size_t r = 0; reps && r < g->nrepeats; r++) {
            const neardup_repeat *p = &g->repeats[r];
            PyObject *t = Py_BuildValue("(nNnnnnd)", (Py_ssize_t)p->text, PyBool_FromLong(p->reference),
                                        (Py_ssize_t)p->start, (Py_ssize_t)p->end, (Py_ssize_t)p->this_start,
                                        (Py_ssize_t)p->this_end, p->identity);
            if (!t) Py_CLEAR(reps);
            else PyList_SET_ITEM(reps, (Py_ssize_t)r, t);
        }
        PyObject *t = reps ? Py_BuildValue("(nnIN)", (Py_ssize_t)g->start, (Py_ssize_t)g->end, g->words, reps) : NULL;
        if (!t) Py_CLEAR(cuts);
        else PyList_SET_ITEM(cuts, (Py_ssize_t)k, t);
    }
    if (!cuts) return NULL;
    PyObject *text = s->text ? PyUnicode_DecodeUTF8(s->text, (Py_ssize_t)s->len, "strict") : Py_NewRef(Py_None);
    if (!text) {
        Py_DECREF(cuts);
        return NULL;
    }
    return Py_BuildValue("(NNKKN)", text, PyBool_FromLong(s->dropped), (unsigned long long)s->words,
                         (unsigned long long)s->kept_words, cuts);
}

/* strip(texts, ids, options, against_texts, against_ids) -> [stripped tuple] */
PyObject *nd_py_strip(PyObject *module, PyObject *args)
{
    PyObject *texts, *ids, *kw, *rtexts, *rids;
    nd_py_options o;
    neardup_strip_opts so;
    neardup_strip_opts_default(&so);
    unsigned min_keep = (unsigned)so.min_keep;
    if (!PyArg_ParseTuple(args, "OOOOO", &texts, &ids, &kw, &rtexts, &rids) || nd_py_options_parse(kw, &o) ||
        nd_py_opt_unsigned(kw, "min_words", 1, 1000000, &so.min_words) < 0 ||
        nd_py_opt_unsigned(kw, "min_keep", 0, UINT32_MAX, &min_keep) < 0 ||
        nd_py_opt_bool(kw, "sentences", &so.sentences) < 0 || nd_py_opt_unsigned(kw, "max_gap", 0, 64, &so.max_gap) < 0 ||
        nd_py_opt_fraction(kw, "min_identity", &so.min_identity) < 0)
        return NULL;
    so.min_keep = min_keep;
    int none;
    unsigned char *ra = NULL, *ca = NULL;
    neardup_corpus *refs = corpus_or_none(module, rtexts, rids, &ra, &none);
    if (!none && !refs) return NULL;
    neardup_corpus *c = nd_py_corpus(module, texts, ids, &ca);
    PyObject *out = NULL;
    neardup_stripped *x = NULL;
    size_t n = c ? neardup_corpus_count(c) : 0, nref = refs ? neardup_corpus_count(refs) : 0;
    if (!c) goto done;
    so.against = refs;
    neardup_error err = {0};
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = neardup_strip(&o.o, &so, c, &x, &err);
    Py_END_ALLOW_THREADS
    if (rc) {
        nd_py_raise_error(module, &err, rc);
        goto done;
    }
    /* offsets: cuts and this_* into text i; a repeat's start, end into its source */
    slots sl = {0};
    int bad = 0;
    for (size_t i = 0; !bad && i < n; i++)
        for (size_t k = 0; !bad && k < x[i].ncuts; k++) {
            neardup_cut *g = &x[i].cuts[k];
            bad |= slots_add(&sl, nref + i, &g->start) | slots_add(&sl, nref + i, &g->end);
            for (size_t r = 0; !bad && r < g->nrepeats; r++) {
                neardup_repeat *p = &g->repeats[r];
                size_t src = p->reference ? p->text : nref + p->text;
                bad |= slots_add(&sl, nref + i, &p->this_start) | slots_add(&sl, nref + i, &p->this_end) |
                       slots_add(&sl, src, &p->start) | slots_add(&sl, src, &p->end);
            }
        }
    if (slots_convert(&sl, bad, refs, ra, c, ca)) goto done;
    out = PyList_New((Py_ssize_t)n);
    for (size_t i = 0; out && i < n; i++) {
        PyObject *t = stripped_tuple(&x[i]);
        if (!t) Py_CLEAR(out);
        else PyList_SET_ITEM(out, (Py_ssize_t)i, t);
    }
done:
    neardup_stripped_free(x, n);
    neardup_corpus_free(c);
    neardup_corpus_free(refs);
    free(ra);
    free(ca);
    return out;
}

/* ---------- contamination ---------- */

/* contamination(bench_texts, bench_ids, nfields, texts, ids, options) ->
 * [(contaminated, coverage, words, covered, matched_texts, [(text, field, start, end)])] */
PyObject *nd_py_contamination(PyObject *module, PyObject *args)
{
    PyObject *btexts, *bids, *texts, *ids, *kw;
    unsigned nfields;
    nd_py_options o;
    neardup_contam_opts co;
    neardup_contam_opts_default(&co);
    if (!PyArg_ParseTuple(args, "OOIOOO", &btexts, &bids, &nfields, &texts, &ids, &kw) ||
        nd_py_options_parse(kw, &o) || nd_py_opt_unsigned(kw, "ngram", 1, 64, &co.ngram) < 0 ||
        nd_py_opt_fraction(kw, "min_coverage", &co.min_coverage) < 0 ||
        nd_py_opt_unsigned(kw, "max_matches", 0, 1000000, &co.max_matches) < 0)
        return NULL;
    co.nfields = nfields;
    unsigned char *ba = NULL;
    neardup_corpus *b = nd_py_corpus(module, btexts, bids, &ba);
    neardup_corpus *c = b ? nd_py_corpus(module, texts, ids, NULL) : NULL;
    neardup_contam_item *x = NULL;
    size_t n = 0;
    PyObject *out = NULL;
    if (!c) goto done;
    neardup_error err = {0};
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = neardup_contamination(&o.o, &co, b, c, &x, &n, &err);
    Py_END_ALLOW_THREADS
    if (rc) {
        nd_py_raise_error(module, &err, rc);
        goto done;
    }
    slots sl = {0};
    int bad = 0;
    for (size_t i = 0; !bad && i < n; i++)
        for (size_t k = 0; !bad && k < x[i].nmatches; k++) {
            neardup_contam_match *m = &x[i].matches[k];
            bad |= slots_add(&sl, i * nfields + m->field, &m->start) | slots_add(&sl, i * nfields + m->field, &m->end);
        }
    if (slots_convert(&sl, bad, b, ba, NULL, NULL)) goto done;
    out = PyList_New((Py_ssize_t)n);
    for (size_t i = 0; out && i < n; i++) {
        PyObject *ms = PyList_New((Py_ssize_t)x[i].nmatches);
        for (size_t k = 0; ms && k < x[i].nmatches; k++) {
            const neardup_contam_match *m = &x[i].matches[k];
            PyObject *t = Py_BuildValue("(nInn)", (Py_ssize_t)m->text, m->field, (Py_ssize_t)m->start, (Py_ssize_t)m->end);
            if (!t) Py_CLEAR(ms);
            else PyList_SET_ITEM(ms, (Py_ssize_t)k, t);
        }
        PyObject *t = ms ? Py_BuildValue("(NdKKKN)", PyBool_FromLong(x[i].contaminated), x[i].coverage,
                                         (unsigned long long)x[i].words, (unsigned long long)x[i].covered,
                                         (unsigned long long)x[i].matched_texts, ms)
                         : NULL;
        if (!t) Py_CLEAR(out);
        else PyList_SET_ITEM(out, (Py_ssize_t)i, t);
    }
done:
    neardup_contam_items_free(x, n);
    neardup_corpus_free(b);
    neardup_corpus_free(c);
    free(ba);
    return out;
}

/* ---------- overlap --clusters ---------- */

/* overlap_clusters(texts, options) -> [(size, source, words, [(text, start, end, words)])] */
PyObject *nd_py_overlap_clusters(PyObject *module, PyObject *args)
{
    PyObject *texts, *kw = NULL;
    nd_py_options o;
    if (!PyArg_ParseTuple(args, "O|O", &texts, &kw) || nd_py_options_parse(kw, &o)) return NULL;
    unsigned char *ascii = NULL;
    neardup_corpus *c = nd_py_corpus(module, texts, NULL, &ascii);
    if (!c) return NULL;
    neardup_passage_cluster *x = NULL;
    size_t n = 0;
    neardup_error err = {0};
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = neardup_overlap_clusters(&o.o, c, &x, &n, &err);
    Py_END_ALLOW_THREADS
    PyObject *out = NULL;
    slots sl = {0};
    int bad = 0;
    if (rc) {
        nd_py_raise_error(module, &err, rc);
        goto done;
    }
    for (size_t i = 0; !bad && i < n; i++)
        for (size_t w = 0; !bad && w < x[i].nwitnesses; w++) {
            neardup_witness *t = &x[i].witnesses[w];
            bad |= slots_add(&sl, t->text, &t->start) | slots_add(&sl, t->text, &t->end);
        }
    if (slots_convert(&sl, bad, c, ascii, NULL, NULL)) goto done;
    out = PyList_New((Py_ssize_t)n);
    for (size_t i = 0; out && i < n; i++) {
        PyObject *ws = PyList_New((Py_ssize_t)x[i].nwitnesses);
        for (size_t w = 0; ws && w < x[i].nwitnesses; w++) {
            const neardup_witness *t = &x[i].witnesses[w];
            PyObject *tt = Py_BuildValue("(nnnI)", (Py_ssize_t)t->text, (Py_ssize_t)t->start, (Py_ssize_t)t->end, t->words);
            if (!tt) Py_CLEAR(ws);
            else PyList_SET_ITEM(ws, (Py_ssize_t)w, tt);
        }
        PyObject *t = ws ? Py_BuildValue("(nnIN)", (Py_ssize_t)x[i].size, (Py_ssize_t)x[i].source, x[i].words, ws) : NULL;
        if (!t) Py_CLEAR(out);
        else PyList_SET_ITEM(out, (Py_ssize_t)i, t);
    }
done:
    PyMem_Free(sl.v);
    neardup_passage_clusters_free(x, n);
    neardup_corpus_free(c);
    free(ascii);
    return out;
}
