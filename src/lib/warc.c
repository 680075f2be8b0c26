/* warc.c - WARC framing and record parsing (warc.h).  Every length is
 * checked against the bytes there are: a record is hostile input. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "warc.h"

struct nd_warc {
    char *dechunk, *inflated;
    size_t dechunk_cap, inflated_cap;
};

nd_warc *nd_warc_create(void) { return calloc(1, sizeof(nd_warc)); }

void nd_warc_free(nd_warc *w)
{
    if (!w) return;
    free(w->dechunk);
    free(w->inflated);
    free(w);
}

/* The end of the line at s[i..n) (the index of its '\n'), or n. */
static size_t line_end(const char *s, size_t i, size_t n)
{
    const char *nl = memchr(s + i, '\n', n - i);
    return nl ? (size_t)(nl - s) : n;
}

/* The value of header field name in the "Name: value" lines of s[0..n)
 * (the first line, a status or version line, is skipped); trimmed. */
static int field(const char *s, size_t n, const char *name, const char **v, size_t *vl)
{
    size_t k = strlen(name);
    for (size_t i = line_end(s, 0, n) + 1; i < n;) {
        size_t e = line_end(s, i, n), le = e;
        if (le > i && s[le - 1] == '\r') le--;
        if (le == i) return 0; /* the blank line: end of the header */
        if (le - i > k && s[i + k] == ':' && !strncasecmp(s + i, name, k)) {
            size_t a = i + k + 1;
            while (a < le && (s[a] == ' ' || s[a] == '\t')) a++;
            size_t b = le;
            while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t')) b--;
            *v = s + a;
            *vl = b - a;
            return 1;
        }
        i = e + 1;
    }
    return 0;
}

/* End of the header block s[0..n) (after its blank line), or 0 when it
 * has none within n bytes. */
static size_t header_end(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t e = line_end(s, i, n);
        if (e >= n) return 0;
        if (e == i || (e == i + 1 && s[i] == '\r')) return e + 1;
        i = e + 1;
    }
    return 0;
}

int nd_warc_header(const char *buf, size_t n, nd_warc_frame *f, char *why, size_t cap)
{
    memset(f, 0, sizeof *f);
    size_t look = n < 8 ? n : 8;
    if (memcmp(buf, "WARC/1.0", look < 8 ? look : 8) && memcmp(buf, "WARC/1.1", look < 8 ? look : 8)) {
        snprintf(why, cap, "not a WARC/1.0 or WARC/1.1 record header");
        return -1;
    }
    if (n < 8) return 0;
    size_t lim = n < ND_WARC_MAX_HEADER ? n : ND_WARC_MAX_HEADER;
    size_t h = header_end(buf, lim);
    if (!h) {
        if (n >= ND_WARC_MAX_HEADER) {
            snprintf(why, cap, "no blank line ends the record header within %zu KiB", ND_WARC_MAX_HEADER >> 10);
            return -1;
        }
        return 0;
    }
    const char *v;
    size_t vl;
    if (!field(buf, h, "Content-Length", &v, &vl) || vl == 0 || vl > 19) {
        snprintf(why, cap, "the record header has no valid Content-Length");
        return -1;
    }
    uint64_t cl = 0;
    for (size_t i = 0; i < vl; i++) {
        if (v[i] < '0' || v[i] > '9') {
            snprintf(why, cap, "Content-Length \"%.*s\" is not a number", (int)(vl > 24 ? 24 : vl), v);
            return -1;
        }
        cl = cl * 10 + (uint64_t)(v[i] - '0');
    }
    if (field(buf, h, "WARC-Type", &v, &vl)) snprintf(f->type, sizeof f->type, "%.*s", (int)(vl > 23 ? 23 : vl), v);
    f->header_len = h;
    f->content_length = cl;
    return 1;
}

static int html_type(const char *v, size_t vl)
{
    return (vl >= 9 && !strncasecmp(v, "text/html", 9)) || (vl >= 21 && !strncasecmp(v, "application/xhtml+xml", 21));
}

static int text_type(const char *v, size_t vl) { return vl >= 10 && !strncasecmp(v, "text/plain", 10); }

void nd_warc_classify(const char *hdr, const char *block, size_t n, nd_warc_frame *f)
{
    const char *v;
    size_t vl;
    f->kind = ND_WARC_SKIP;
    if (!strcasecmp(f->type, "conversion")) {
        f->kind = ND_WARC_TEXT;
        return;
    }
    if (!strcasecmp(f->type, "resource")) {
        int has = field(hdr, f->header_len, "Content-Type", &v, &vl);
        if (!has || html_type(v, vl)) f->kind = ND_WARC_HTML;
        else if (text_type(v, vl)) f->kind = ND_WARC_TEXT;
        else snprintf(f->why, sizeof f->why, "resource of another type");
        return;
    }
    if (strcasecmp(f->type, "response")) {
        snprintf(f->why, sizeof f->why, "%s", f->type[0] ? f->type : "untyped");
        return;
    }
    /* a response: its block is an HTTP message */
    size_t le = line_end(block, 0, n);
    if (le >= n || n < 12 || strncmp(block, "HTTP/", 5)) {
        snprintf(f->why, sizeof f->why, "response without an HTTP status line");
        return;
    }
    const char *sp = memchr(block, ' ', le);
    if (!sp || sp + 4 > block + le || sp[1] != '2') {
        snprintf(f->why, sizeof f->why, "response with a non-2xx HTTP status");
        return;
    }
    size_t he = header_end(block, n);
    if (!he) he = n;
    if (!field(block, he, "Content-Type", &v, &vl) || html_type(v, vl)) f->kind = ND_WARC_HTML;
    else if (text_type(v, vl)) f->kind = ND_WARC_TEXT;
    else snprintf(f->why, sizeof f->why, "response of another content type");
}

/* The charset parameter of a Content-Type value, into out (cap bytes). */
static void charset_of(const char *v, size_t vl, char *out, size_t cap)
{
    out[0] = 0;
    for (size_t i = 0; i + 8 <= vl; i++) {
        if (strncasecmp(v + i, "charset=", 8)) continue;
        size_t a = i + 8, b;
        if (a < vl && (v[a] == '"' || v[a] == '\'')) a++;
        for (b = a; b < vl && v[b] != ';' && v[b] != '"' && v[b] != '\'' && v[b] != ' '; b++) {}
        if (b > a && b - a < cap) {
            memcpy(out, v + a, b - a);
            out[b - a] = 0;
        }
        return;
    }
}

/* Decodes the chunked body s[0..n) into w->dechunk. */
static int dechunk(nd_warc *w, const char *s, size_t n, const char *where, size_t base, size_t *outlen, nd_error *err)
{
    size_t i = 0, len = 0;
    for (;;) {
        size_t e = line_end(s, i, n);
        if (e >= n)
            return nd_fail(err, NEARDUP_E_INPUT, "%s: chunked HTTP body cut off at byte %zu of the block (no "
                           "final zero-size chunk)", where, base + i);
        uint64_t size = 0;
        size_t p = i, digits = 0;
        for (; p < e; p++, digits++) {
            char c = s[p];
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (d < 0) break;
            if (size > (ND_WARC_MAX_BODY >> 4)) break;
            size = size * 16 + (uint64_t)d;
        }
        if (!digits || (p < e && s[p] != ';' && s[p] != '\r' && s[p] != ' '))
            return nd_fail(err, NEARDUP_E_INPUT, "%s: bad chunk size line at byte %zu of the block", where, base + i);
        i = e + 1;
        if (size == 0) break; /* trailers, if any, are not the document */
        if (size > n - i || len + size > ND_WARC_MAX_BODY)
            return nd_fail(err, NEARDUP_E_INPUT, "%s: a chunk of %llu bytes at byte %zu of the block runs past the "
                           "record's end", where, (unsigned long long)size, base + i);
        if (nd_grow((void **)&w->dechunk, &w->dechunk_cap, len + size + 1, 1))
            return nd_fail(err, NEARDUP_E_NOMEM, "%s: out of memory", where);
        memcpy(w->dechunk + len, s + i, size);
        len += size;
        i += size;
        if (i < n && s[i] == '\r') i++;
        if (i < n && s[i] == '\n') i++;
        else if (i < n)
            return nd_fail(err, NEARDUP_E_INPUT, "%s: a chunk does not end with CR LF at byte %zu of the block", where, base + i);
    }
    *outlen = len;
    return NEARDUP_OK;
}

/* Inflates a gzip or deflate body s[0..n) into w->inflated. */
static int inflate_body(nd_warc *w, const char *s, size_t n, int raw, const char *where, size_t *outlen, nd_error *err)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, raw ? -15 : 15 + 32) != Z_OK) return nd_fail(err, NEARDUP_E_NOMEM, "%s: out of memory", where);
    size_t len = 0;
    int zr = Z_OK;
    z.next_in = (Bytef *)s;
    z.avail_in = n > UINT32_MAX ? UINT32_MAX : (uInt)n;
    while (zr != Z_STREAM_END) {
        if (len + 65536 > ND_WARC_MAX_BODY) {
            inflateEnd(&z);
            return nd_fail(err, NEARDUP_E_INPUT, "%s: the compressed HTTP body decodes to more than %zu MiB",
                           where, ND_WARC_MAX_BODY >> 20);
        }
        if (nd_grow((void **)&w->inflated, &w->inflated_cap, len + 65536 + 1, 1)) {
            inflateEnd(&z);
            return nd_fail(err, NEARDUP_E_NOMEM, "%s: out of memory", where);
        }
        z.next_out = (Bytef *)w->inflated + len;
        z.avail_out = 65536;
        zr = inflate(&z, Z_NO_FLUSH);
        len += 65536 - z.avail_out;
        if (zr == Z_STREAM_END) break;
        if (zr != Z_OK || (z.avail_in == 0 && z.avail_out != 0)) {
            inflateEnd(&z);
            return nd_fail(err, NEARDUP_E_INPUT, "%s: the %s HTTP body is %s", where, raw ? "deflate" : "gzip",
                           zr == Z_OK || zr == Z_BUF_ERROR ? "cut off" : "corrupt");
        }
    }
    inflateEnd(&z);
    *outlen = len;
    return NEARDUP_OK;
}

/* Whether v[0..vl) holds word, any case (v is not NUL-terminated). */
static int contains(const char *v, size_t vl, const char *word)
{
    size_t k = strlen(word);
    for (size_t i = 0; i + k <= vl; i++)
        if (!strncasecmp(v + i, word, k)) return 1;
    return 0;
}

/* The HTTP message of a response block: its headers and decoded body. */
static int http_body(nd_warc *w, const char *blk, size_t n, size_t base, const char *where, nd_warc_doc *out,
                     nd_error *err)
{
    size_t he = header_end(blk, n);
    if (!he) return nd_fail(err, NEARDUP_E_INPUT, "%s: the HTTP headers of the response do not end (no blank line)", where);
    const char *v;
    size_t vl;
    if (field(blk, he, "Content-Type", &v, &vl)) charset_of(v, vl, out->charset, sizeof out->charset);
    const char *body = blk + he;
    size_t blen = n - he;
    if (field(blk, he, "Transfer-Encoding", &v, &vl) && contains(v, vl, "chunked")) {
        int rc = dechunk(w, body, blen, where, base + he, &blen, err);
        if (rc) return rc;
        body = w->dechunk ? w->dechunk : "";
    }
    if (field(blk, he, "Content-Encoding", &v, &vl) && vl && !(vl == 8 && !strncasecmp(v, "identity", 8))) {
        int gz = (vl == 4 && !strncasecmp(v, "gzip", 4)) || (vl == 6 && !strncasecmp(v, "x-gzip", 6));
        int df = vl == 7 && !strncasecmp(v, "deflate", 7);
        if (!gz && !df)
            return nd_fail(err, NEARDUP_E_INPUT, "%s: HTTP Content-Encoding \"%.*s\" is not supported (gzip and "
                           "deflate are)", where, (int)(vl > 32 ? 32 : vl), v);
        size_t ilen;
        int rc = inflate_body(w, body, blen, 0, where, &ilen, err);
        if (rc && df) rc = inflate_body(w, body, blen, 1, where, &ilen, err); /* deflate sent without zlib wrapper */
        if (rc) return rc;
        body = w->inflated;
        blen = ilen;
    }
    out->body = body;
    out->body_len = blen;
    return NEARDUP_OK;
}

int nd_warc_parse(nd_warc *w, const char *rec, size_t len, const char *where, nd_warc_doc *out, nd_error *err)
{
    memset(out, 0, sizeof *out);
    nd_warc_frame f;
    char why[128];
    if (nd_warc_header(rec, len, &f, why, sizeof why) != 1)
        return nd_fail(err, NEARDUP_E_INPUT, "%s: %s", where, nd_warc_header(rec, len, &f, why, sizeof why) ? why
                       : "the record header is cut off");
    if (f.content_length > len - f.header_len)
        return nd_fail(err, NEARDUP_E_INPUT, "%s: Content-Length %llu runs past the record's %zu bytes", where,
                       (unsigned long long)f.content_length, len - f.header_len);
    const char *blk = rec + f.header_len;
    size_t n = (size_t)f.content_length;
    nd_warc_classify(rec, blk, n, &f);
    field(rec, f.header_len, "WARC-Target-URI", &out->uri, &out->uri_len);
    field(rec, f.header_len, "WARC-Record-ID", &out->record_id, &out->record_id_len);
    field(rec, f.header_len, "WARC-Date", &out->date, &out->date_len);
    out->html = f.kind == ND_WARC_HTML;
    if (f.kind == ND_WARC_SKIP)
        return nd_fail(err, NEARDUP_E_INPUT, "%s: a %s record is not a document", where, f.why);
    const char *v;
    size_t vl;
    if (!strcasecmp(f.type, "response")) return http_body(w, blk, n, f.header_len, where, out, err);
    if (field(rec, f.header_len, "Content-Type", &v, &vl)) charset_of(v, vl, out->charset, sizeof out->charset);
    out->body = blk;
    out->body_len = n;
    return NEARDUP_OK;
}
