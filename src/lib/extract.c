/* extract.c - plain, HTML and WARC records -> documents (extract.h): the
 * one place that decides which reader steps a record goes through
 * (WARC framing -> encoding -> HTML) and composes their byte maps. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extract.h"
#include "reader.h"
#include "record.h"

struct nd_extractor {
    nd_decoder *dec;
    nd_html *html;
    nd_warc *warc;
    int record_id; /* --id-field WARC-Record-ID */
    nd_offmap map; /* a composed map */
    char where[512];
};

nd_extractor *nd_extractor_create(const nd_record_opts *o, int *bad_label)
{
    nd_extractor *x = calloc(1, sizeof *x);
    if (bad_label) *bad_label = 0;
    if (!x) return NULL;
    x->dec = nd_decoder_create(o ? o->encoding : NULL, o ? o->lossy : 0, bad_label);
    x->html = nd_html_create(o ? o->keep_furniture : 0);
    x->warc = nd_warc_create();
    x->record_id = o && o->id_field && !strcasecmp(o->id_field, "WARC-Record-ID");
    if (!x->dec || !x->html || !x->warc) {
        nd_extractor_free(x);
        return NULL;
    }
    return x;
}

void nd_extractor_free(nd_extractor *x)
{
    if (!x) return;
    nd_decoder_free(x->dec);
    nd_html_free(x->html);
    nd_warc_free(x->warc);
    nd_offmap_free(&x->map);
    free(x);
}

/* bytes -> UTF-8 -> (HTML) visible text, with the map of both steps. */
static int to_text(nd_extractor *x, const char *bytes, size_t len, const char *declared, int html, nd_doc *out,
                   nd_error *err)
{
    nd_decoded dc;
    int rc = nd_decode(x->dec, bytes, len, declared, html, x->where, &dc, err);
    if (rc) return rc;
    out->encoding = dc.encoding;
    out->text = dc.text;
    out->text_len = dc.len;
    out->map = dc.map;
    out->nmap = dc.nmap;
    if (!html) return NEARDUP_OK;
    const nd_offmap *hm;
    rc = nd_html_text(x->html, dc.text, dc.len, x->where, &out->text, &out->text_len, &hm, err);
    if (rc) return rc;
    if (!dc.nmap) {
        out->map = hm->run;
        out->nmap = hm->n;
        return NEARDUP_OK;
    }
    if (nd_offmap_compose(&x->map, hm, dc.map, dc.nmap))
        return nd_fail(err, NEARDUP_E_NOMEM, "%s: out of memory mapping its text", x->where);
    out->map = x->map.run;
    out->nmap = x->map.n;
    return NEARDUP_OK;
}

static int warc_doc(nd_extractor *x, const nd_raw_record *rec, const char *bytes, const char *path, nd_doc *out,
                    nd_error *err)
{
    snprintf(x->where, sizeof x->where, "%s: WARC record %llu at byte %llu", path, (unsigned long long)rec->line,
             (unsigned long long)rec->offset);
    nd_warc_doc w;
    int rc = nd_warc_parse(x->warc, bytes, rec->len, x->where, &w, err);
    if (rc) return rc;
    const char *id = x->record_id ? w.record_id : w.uri;
    size_t id_len = x->record_id ? w.record_id_len : w.uri_len;
    if (!id || !id_len)
        return nd_fail(err, NEARDUP_E_INPUT, "%s: the record has no %s (the id; --id-field %s takes the %s instead)",
                       x->where, x->record_id ? "WARC-Record-ID" : "WARC-Target-URI",
                       x->record_id ? "WARC-Target-URI" : "WARC-Record-ID", x->record_id ? "URI" : "record id");
    rc = to_text(x, w.body, w.body_len, w.charset[0] ? w.charset : NULL, w.html, out, err);
    out->id = id;
    out->id_len = id_len;
    out->date = w.date;
    out->date_len = w.date_len;
    return rc;
}

int nd_extract(nd_extractor *x, const nd_raw_record *rec, const char *bytes, const char *path, nd_doc *out,
               nd_error *err)
{
    memset(out, 0, sizeof *out);
    out->encoding = "utf-8";
    if (rec->format == ND_FORMAT_DOC) { /* given apart: the id's bytes, then the text's, as they are */
        out->id = bytes;
        out->id_len = (size_t)rec->offset;
        out->text = bytes + out->id_len;
        out->text_len = rec->len - out->id_len;
        return NEARDUP_OK;
    }
    out->id = path;
    out->id_len = strlen(path);
    if (rec->format == ND_FORMAT_WARC) return warc_doc(x, rec, bytes, path, out, err);
    snprintf(x->where, sizeof x->where, "%s", path);
    return to_text(x, bytes, rec->len, NULL, rec->format == ND_FORMAT_HTML, out, err);
}
