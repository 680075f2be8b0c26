/* doc_pack.c - a document of the overlap store as a flat record (see
 * doc_pack.h).  Layout: the header, the 8-byte fingerprints (nfp), then the
 * 4-byte arrays - word ids (ntok), terms (ntok) and sentence starts
 * (nsent + 1) when it carries the edited-reuse arrays, span marks
 * (ntok / 32 + 1), span exceptions (nexc), offset map runs (nmap), the seed
 * k-grams when made (kg_bytes, 4-byte aligned) - then the span gap / length bytes (2 ntok), the text and the id, padded to 8
 * bytes.  Every array is used in place, aligned. */
#include <string.h>

#include "doc_pack.h"
#include "record.h"

typedef struct {
    uint32_t doc, id_len, nexc, nmap;
    uint64_t ntok, text_len;
    uint32_t nsent, nfp;
    uint32_t edited, pad; /* edited: term, sent and fp follow */
    uint64_t kg_bytes;    /* seed k-grams, after the map */
} doc_head;

static size_t pad8(size_t n) { return (n + 7) & ~(size_t)7; }

size_t nd_doc_pack_bytes(const nd_doc_ref *d, size_t id_len, int text)
{
    uint64_t nt = d->ntok;
    size_t edit = d->term ? (size_t)d->nfp * 8 + (nt + d->nsent + 1) * 4 : 0;
    return pad8(sizeof(doc_head) + edit + nt * 4 + (nt / ND_SPAN_STRIDE + 1) * 4 +
                d->span.nexc * sizeof(nd_span_exception) + d->nmap * sizeof(nd_map_run) + d->kg_bytes + 2 * nt +
                (text ? d->text_len : 0) + id_len);
}

static char *put(char *p, const void *x, size_t n)
{
    if (n) memcpy(p, x, n);
    return p + n;
}

char *nd_doc_pack(char *p, const nd_doc_ref *d, uint32_t doc, const char *id, size_t id_len, int text)
{
    char *p0 = p;
    uint64_t nt = d->ntok;
    int edited = d->term != NULL;
    doc_head h = {doc, (uint32_t)id_len, d->span.nexc, (uint32_t)d->nmap, nt, text ? d->text_len : 0,
                  edited ? d->nsent : 0, edited ? d->nfp : 0, (uint32_t)edited, 0, d->kg_bytes};
    static const uint32_t zero_mark = 0;
    p = put(p, &h, sizeof h);
    if (edited) p = put(p, d->fp, (size_t)d->nfp * 8);
    p = put(p, d->id, nt * 4);
    if (edited) {
        p = put(p, d->term, nt * 4);
        p = put(p, d->sent, ((size_t)d->nsent + 1) * 4);
    }
    p = put(p, nt ? d->span.mark : &zero_mark, (nt / ND_SPAN_STRIDE + 1) * 4);
    p = put(p, d->span.exc, d->span.nexc * sizeof(nd_span_exception));
    p = put(p, d->map, d->nmap * sizeof(nd_map_run));
    if (d->kg) p = put(p, d->kg, d->kg_bytes);
    else if (d->kg_bytes) memset(p, 0, d->kg_bytes), p += d->kg_bytes; /* room for nd_kgrams_fill */
    p = put(p, d->span.gl, 2 * nt);
    if (text) p = put(p, d->text, d->text_len);
    p = put(p, id, id_len);
    size_t n = (size_t)(p - p0);
    memset(p, 0, pad8(n) - n);
    return p0 + pad8(n);
}

const char *nd_doc_unpack(const char *p, nd_doc_ref *d, uint32_t *doc, const char **id, size_t *id_len)
{
    doc_head h;
    memcpy(&h, p, sizeof h);
    char *q = (char *)p + sizeof h;
    memset(d, 0, sizeof *d);
    if (doc) *doc = h.doc;
    d->ntok = h.ntok;
    if (h.edited) {
        d->fp = (uint64_t *)q;
        d->nfp = h.nfp;
        d->nsent = h.nsent;
        q += (size_t)h.nfp * 8;
    }
    d->id = h.ntok ? (uint32_t *)q : NULL;
    q += h.ntok * 4;
    if (h.edited) {
        d->term = (uint32_t *)q;
        q += h.ntok * 4;
        d->sent = (uint32_t *)q;
        q += ((size_t)h.nsent + 1) * 4;
    }
    d->span.mark = (const uint32_t *)q;
    q += (h.ntok / ND_SPAN_STRIDE + 1) * 4;
    d->span.exc = (const nd_span_exception *)q;
    d->span.nexc = h.nexc;
    q += h.nexc * sizeof(nd_span_exception);
    d->map = h.nmap ? (const nd_map_run *)q : NULL;
    d->nmap = h.nmap;
    q += h.nmap * sizeof(nd_map_run);
    d->kg = h.kg_bytes ? q : NULL;
    d->kg_bytes = h.kg_bytes;
    q += h.kg_bytes;
    d->span.gl = (const uint8_t *)q;
    q += 2 * h.ntok;
    d->text = h.text_len ? q : NULL;
    d->text_len = h.text_len;
    q += h.text_len;
    if (id) *id = q;
    if (id_len) *id_len = h.id_len;
    q += h.id_len;
    return p + pad8((size_t)(q - p));
}
