/* record.c - raw record -> (id, text) (the writers: json_write.c).
 *
 * Two JSON libraries, each for what it does best.  cJSON parses a line about
 * nine times faster than jansson (768 vs 84 MB/s on news-40k, measured by
 * bench/json_speed.c), which decides dedup's wall time; but its strings are
 * NUL-terminated and it does not check UTF-8.  So a line goes to cJSON only
 * when it holds no "\u0000" escape and its bytes are valid UTF-8 (checked
 * here, ~GB/s); every other line, and every line cJSON rejects, is parsed by
 * jansson, which keeps \u0000 in place (JSON_ALLOW_NUL) and writes the precise
 * error messages.  Both paths give the same (id, text) for any line.
 *
 * Trailing garbage after the object is an error.  The parsed value lives in
 * the parser handle until the next parse: id and text point into it, with no
 * copy.  Duplicate keys are not rejected; the last one wins on both paths. */
#include <cjson/cJSON.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "reader.h"
#include "record.h"
#ifdef ND_HAVE_SIMDJSON
#include "json_simd.h"
#endif

struct nd_record_parser {
    char *id_field, *text_field;
    int id_from_line, lossy, padded;
    json_t *root;  /* the last record parsed by jansson, owned */
    cJSON *croot;  /* the last record parsed by cJSON, owned */
    char *esc;     /* lossy: the line with its raw control characters escaped */
    size_t esc_cap;
    nd_extractor *ex; /* plain, HTML and WARC records */
    char id_buf[64];  /* an integer id, or PATH:LINE's number, as text */
    char *line_id;    /* --id-from line: PATH:LINE */
    size_t line_id_cap;
    char *fixed;      /* --lossy: the line with bad UTF-8 bytes made U+FFFD */
    size_t fixed_cap;
#ifdef ND_HAVE_SIMDJSON
    nd_json_simd *simd; /* the first path a line tries (json_simd.h) */
#endif
};

nd_record_parser *nd_record_parser_create(const nd_record_opts *o)
{
    nd_record_parser *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->id_field = strdup(o && o->id_field ? o->id_field : "id");
    p->text_field = strdup(o && o->text_field ? o->text_field : "text");
    p->id_from_line = o && o->id_from_line;
    p->lossy = o && o->lossy;
    p->padded = o && o->padded;
    p->ex = nd_extractor_create(o, NULL);
#ifdef ND_HAVE_SIMDJSON
    p->simd = nd_json_simd_create();
    if (!p->simd) p->ex = (nd_extractor_free(p->ex), NULL);
#endif
    if (!p->id_field || !p->text_field || !p->ex) {
        nd_record_parser_free(p);
        return NULL;
    }
    return p;
}

void nd_record_parser_free(nd_record_parser *p)
{
    if (!p) return;
    json_decref(p->root);
    cJSON_Delete(p->croot);
    nd_extractor_free(p->ex);
#ifdef ND_HAVE_SIMDJSON
    nd_json_simd_free(p->simd);
#endif
    free(p->line_id);
    free(p->fixed);
    free(p->id_field);
    free(p->text_field);
    free(p->esc);
    free(p);
}

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER:
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    default: return "null";
    }
}

/* The member at a field name: the key itself, else a dotted path into
 * nested objects ("content.body"). */
static const json_t *lookup(const json_t *obj, const char *name)
{
    const json_t *v = json_object_get(obj, name);
    if (v || !strchr(name, '.')) return v;
    char seg[256];
    for (const char *p = name;;) {
        const char *dot = strchr(p, '.');
        size_t k = dot ? (size_t)(dot - p) : strlen(p);
        if (k >= sizeof seg || !json_is_object(obj)) return NULL;
        memcpy(seg, p, k);
        seg[k] = 0;
        if (!(v = json_object_get(obj, seg)) || !dot) return v;
        obj = v;
        p = dot + 1;
    }
}

/* The string field name of obj, or an error naming path:line and the field.
 * With id_buf (the id), an integer is taken too, as its decimal digits. */
static int get_string(const json_t *obj, const char *name, const char *path, uint64_t line,
                      const char **s, size_t *len, char *id_buf, nd_error *err)
{
    const json_t *v = lookup(obj, name);
    const char *opt = id_buf ? "--id-field" : "--text-field";
    if (!v)
        return nd_fail(err, NEARDUP_E_INPUT, "%s:%llu: field \"%s\" is missing (%s names the field%s)", path,
                       (unsigned long long)line, name, opt,
                       id_buf ? "; --id-from line numbers records that have no id" : "; a.b reaches into objects");
    if (id_buf && json_is_integer(v)) {
        *len = (size_t)snprintf(id_buf, 64, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        *s = id_buf;
        return NEARDUP_OK;
    }
    if (!json_is_string(v))
        return nd_fail(err, NEARDUP_E_INPUT, "%s:%llu: field \"%s\" is %s, expected a string%s", path,
                       (unsigned long long)line, name, type_name(v), id_buf ? " or an integer" : "");
    *s = json_string_value(v);
    *len = json_string_length(v);
    return NEARDUP_OK;
}

static int json_error(const json_error_t *je, const char *path, uint64_t line, nd_error *err)
{
    unsigned long long ln = (unsigned long long)line;
    switch (json_error_code(je)) {
    case json_error_invalid_utf8:
        return nd_fail(err, NEARDUP_E_INPUT, "%s:%llu: invalid UTF-8 in the JSON at byte %d: %s",
                       path, ln, je->position, je->text);
    case json_error_out_of_memory:
        return nd_fail(err, NEARDUP_E_NOMEM, "%s:%llu: out of memory parsing JSON", path, ln);
    default:
        return nd_fail(err, NEARDUP_E_INPUT, "%s:%llu: invalid JSON at column %d: %s", path, ln,
                       je->column, je->text);
    }
}

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0 if invalid
 * (overlong forms, surrogates and code points past U+10FFFF are invalid). */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t k;
    unsigned min;
    if (c >= 0xc2 && c <= 0xdf) k = 2, min = 0x80;
    else if (c >= 0xe0 && c <= 0xef) k = 3, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4) k = 4, min = 0x10000;
    else return 0;
    if (n < k) return 0;
    unsigned cp = c & (0x3f >> (k - 1));
    for (size_t i = 1; i < k; i++) {
        if ((s[i] & 0xc0) != 0x80) return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
    return k;
}

size_t nd_utf8_len(const unsigned char *s, size_t n) { return n ? utf8_len(s, n) : 0; }

/* 1 when s[0..n) holds a byte below 0x20. */
static int memchr_ctrl(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20) return 1;
    return 0;
}

/* 1 when s[0..n) is valid UTF-8 with no "\u0000" escape and no control
 * byte: cJSON may take it.  cJSON's strings end at a NUL (a raw one or
 * \u0000 cut the text there: "X\0<a copy>" hid the copy), and it accepts raw
 * control characters inside strings, which JSON forbids; 2 when a control
 * byte is there (the caller looks whether it lies inside a string). */
static int fast_path_ok(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    int ctrl = 0;
    while (i < n) {
        if (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, u + i, 8);
            /* no byte >= 0x80 and none < 0x20 (SWAR: a byte below 0x20 borrows) */
            if (!((w | ((w - UINT64_C(0x2020202020202020)) & ~w)) & UINT64_C(0x8080808080808080))) {
                i += 8;
                continue;
            }
        }
        if (u[i] < 0x20) {
            ctrl = 1;
            i++;
            continue;
        }
        if (u[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = utf8_len(u + i, n - i);
        if (!k) return 0;
        i += k;
    }
    if (ctrl) return 2;
    for (const char *q = s; (q = memchr(q, '\\', (size_t)(s + n - q))) != NULL; q += 2) {
        if (q + 1 >= s + n) break;
        if (q[1] == 'u' && s + n - q >= 6 && !memcmp(q + 2, "0000", 4)) return 0;
    }
    return 1;
}

/* The offset of the first raw control byte inside a JSON string of s[0..n)
 * at or after from (in_string: whether from is inside one), or n.  Outside
 * strings, tab and carriage return are whitespace, and any other control
 * byte is an error the JSON parser reports. */
static size_t raw_ctrl_in_string(const char *s, size_t n, size_t from, int *in_string)
{
    int in = *in_string;
    for (size_t i = from; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!in) {
            in = c == '"';
        } else if (c == '\\') {
            i++;
        } else if (c == '"') {
            in = 0;
        } else if (c < 0x20) {
            *in_string = 1;
            return i;
        }
    }
    *in_string = in;
    return n;
}

/* Column (1-based, in characters as jansson counts them) of byte off of s. */
static size_t column_of(const char *s, size_t off)
{
    size_t col = 1;
    for (size_t i = 0; i < off; i++) col += ((unsigned char)s[i] & 0xc0) != 0x80;
    return col;
}

/* The last member named name of a cJSON object (cJSON's own lookup takes
 * the first), else the dotted path's member, as lookup() does. */
static const cJSON *last_member(const cJSON *obj, const char *name)
{
    const cJSON *found = NULL;
    for (const cJSON *c = obj->child; c; c = c->next)
        if (c->string && !strcmp(c->string, name)) found = c;
    if (found || !strchr(name, '.')) return found;
    for (const char *p = name;;) {
        const char *dot = strchr(p, '.');
        size_t k = dot ? (size_t)(dot - p) : strlen(p);
        if (!cJSON_IsObject(obj)) return NULL;
        found = NULL;
        for (const cJSON *c = obj->child; c; c = c->next)
            if (c->string && strlen(c->string) == k && !memcmp(c->string, p, k)) found = c;
        if (!found || !dot) return found;
        obj = found;
        p = dot + 1;
    }
}

int nd_json_number_field(const char *bytes, size_t len, const char *field, double *out)
{
    cJSON *root = cJSON_ParseWithLength(bytes, len);
    if (!root) return -1;
    const cJSON *v = cJSON_IsObject(root) ? last_member(root, field) : NULL;
    int rc = !v ? 1 : cJSON_IsNumber(v) ? 0 : 2;
    if (!rc) *out = v->valuedouble;
    cJSON_Delete(root);
    return rc;
}

int nd_json_string_field(const char *bytes, size_t len, const char *field, char **out)
{
    *out = NULL;
    cJSON *root = cJSON_ParseWithLength(bytes, len);
    if (!root) return -1;
    const cJSON *v = cJSON_IsObject(root) ? last_member(root, field) : NULL;
    int rc = !v ? 1 : cJSON_IsString(v) || cJSON_IsNumber(v) ? 0 : 2;
    if (!rc && cJSON_IsString(v)) {
        *out = strdup(v->valuestring);
    } else if (!rc) { /* a number: as written in the record */
        char *t = cJSON_PrintUnformatted(v);
        *out = t ? strdup(t) : NULL;
        cJSON_free(t);
    }
    if (!rc && !*out) rc = -2;
    cJSON_Delete(root);
    return rc;
}

/* The cJSON path: returns 1 with *out filled, 0 to hand the line to jansson
 * (which then also words any error). */
static int parse_fast(nd_record_parser *p, const char *bytes, size_t len, nd_doc *out)
{
    if (fast_path_ok(bytes, len) != 1) return 0;
    const char *end = NULL;
    p->croot = cJSON_ParseWithLengthOpts(bytes, len, &end, 0);
    if (!p->croot || !cJSON_IsObject(p->croot)) return 0;
    for (; end < bytes + len; end++) /* only JSON whitespace may follow */
        if (*end != ' ' && *end != '\t' && *end != '\r' && *end != '\n') return 0;
    const cJSON *id = p->id_from_line ? NULL : last_member(p->croot, p->id_field);
    const cJSON *text = last_member(p->croot, p->text_field);
    if (!cJSON_IsString(text)) return 0;
    memset(out, 0, sizeof *out);
    if (!p->id_from_line && cJSON_IsNumber(id)) {
        /* an integer id: its digits (doubles hold integers exactly below 2^53;
         * others go to jansson, which reads 64-bit integers: 2^53 + 1 rounds
         * to 2^53, so that one goes too) */
        double v = id->valuedouble;
        if (v != (double)(long long)v || v >= 9007199254740992.0 || v <= -9007199254740992.0) return 0;
        out->id_len = (size_t)snprintf(p->id_buf, sizeof p->id_buf, "%lld", (long long)v);
        out->id = p->id_buf;
    } else if (!p->id_from_line) {
        if (!cJSON_IsString(id)) return 0;
        out->id = id->valuestring;
        out->id_len = strlen(id->valuestring);
    }
    out->text = text->valuestring;
    out->text_len = strlen(text->valuestring);
    out->encoding = "utf-8";
    return 1;
}

#ifdef ND_HAVE_SIMDJSON
/* The simdjson path, tried first (about 5x faster than cJSON on news-40k,
 * bench/json_speed.c): returns 1 with *out filled, 0 to hand the line to
 * cJSON and jansson as before.  It takes only valid JSON that jansson also
 * takes (json_simd.h) and then gives the (id, text) jansson gives: a
 * "\u0000" in the text or id stays a NUL byte, as with JSON_ALLOW_NUL (cJSON
 * never sees such a line). */
static int parse_simd(nd_record_parser *p, const char *bytes, size_t len, int padded, nd_doc *out)
{
    nd_json_fields f;
    if (!nd_json_simd_fields(p->simd, bytes, len, padded, p->id_from_line ? NULL : p->id_field, p->text_field, &f))
        return 0;
    memset(out, 0, sizeof *out);
    if (f.id_is_int) {
        out->id_len = (size_t)snprintf(p->id_buf, sizeof p->id_buf, "%lld", f.id_int);
        out->id = p->id_buf;
    } else {
        out->id = f.id;
        out->id_len = f.id_len;
    }
    out->text = f.text;
    out->text_len = f.text_len;
    out->encoding = "utf-8";
    return 1;
}
#endif

/* A line with control bytes: an error at the first one inside a string, or
 * (lossy) the line with each such byte written as \u00XX into p->esc, where
 * *bytes and *len then point; *ctrl counts them.  The parsed strings hold
 * the bytes themselves again (a text's control character is a word
 * separator, an id keeps it); a later error's column counts the escapes. */
static int control_chars(nd_record_parser *p, const char **bytes, size_t *len, const char *path,
                         uint64_t line, size_t *ctrl, nd_error *err)
{
    static const char hex[] = "0123456789abcdef";
    const char *s = *bytes;
    size_t n = *len, out = 0, from = 0;
    int in = 0;
    *ctrl = 0;
    for (;;) {
        size_t at = raw_ctrl_in_string(s, n, from, &in);
        if (at == n && !*ctrl) return NEARDUP_OK; /* tabs between tokens: valid JSON */
        if (at < n && !p->lossy)
            return nd_fail(err, NEARDUP_E_INPUT, "%s:%llu:%zu: invalid JSON: raw control character U+%04X "
                           "inside a string (write it as \\u%04x; --lossy reads it as a word separator)",
                           path, (unsigned long long)line, column_of(s, at), (unsigned)(unsigned char)s[at],
                           (unsigned)(unsigned char)s[at]);
        if (nd_grow((void **)&p->esc, &p->esc_cap, out + (at - from) + 6 + (at == n ? 0 : 1), 1))
            return nd_fail(err, NEARDUP_E_NOMEM, "%s:%llu: out of memory parsing JSON", path,
                           (unsigned long long)line);
        memcpy(p->esc + out, s + from, at - from);
        out += at - from;
        if (at == n) break;
        unsigned c = (unsigned char)s[at];
        memcpy(p->esc + out, "\\u00", 4);
        p->esc[out + 4] = hex[c >> 4];
        p->esc[out + 5] = hex[c & 15];
        out += 6;
        ++*ctrl;
        from = at + 1;
    }
    *bytes = p->esc;
    *len = out;
    return NEARDUP_OK;
}

/* --lossy: a copy of the line with each byte that is not valid UTF-8 made
 * U+FFFD, so that it parses as JSON (RFC 8259 allows nothing else); NULL
 * when out of memory.  *replaced counts the bytes. */
static const char *repair_utf8(nd_record_parser *p, const char *s, size_t n, size_t *len, size_t *replaced)
{
    size_t k = 0;
    *replaced = 0;
    if (nd_grow((void **)&p->fixed, &p->fixed_cap, 3 * n + 1, 1)) return NULL;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        size_t m = c < 0x80 ? 1 : nd_utf8_len((const unsigned char *)s + i, n - i);
        if (m) {
            memcpy(p->fixed + k, s + i, m);
            k += m, i += m;
        } else {
            memcpy(p->fixed + k, "\xef\xbf\xbd", 3);
            k += 3, i++;
            ++*replaced;
        }
    }
    *len = k;
    return p->fixed;
}

/* --id-from line: the id is PATH:LINE. */
static int line_id(nd_record_parser *p, const nd_raw_record *rec, const char *path, nd_doc *out, nd_error *err)
{
    size_t n = strlen(path) + 24;
    if (nd_grow((void **)&p->line_id, &p->line_id_cap, n, 1))
        return nd_fail(err, NEARDUP_E_NOMEM, "%s:%llu: out of memory", path, (unsigned long long)rec->line);
    out->id_len = (size_t)snprintf(p->line_id, n, "%s:%llu", path, (unsigned long long)rec->line);
    out->id = p->line_id;
    return NEARDUP_OK;
}

int nd_record_parse(nd_record_parser *p, const nd_raw_record *rec, const char *bytes,
                    const char *path, nd_doc *out, nd_error *err)
{
    json_decref(p->root);
    p->root = NULL;
    cJSON_Delete(p->croot);
    p->croot = NULL;
    if (!rec->jsonl) return nd_extract(p->ex, rec, bytes, path, out, err);
    size_t len = rec->len, replaced = 0, ctrl = 0;
#ifdef ND_HAVE_SIMDJSON
    const char *given = bytes; /* the caller's buffer, padded or not (--lossy may copy the line) */
#endif
    /* lossy: bad UTF-8 bytes become U+FFFD first, so that what remains is
     * JSON but for raw control characters (control_chars below) */
    if (p->lossy && !fast_path_ok(bytes, len) && !(bytes = repair_utf8(p, bytes, rec->len, &len, &replaced)))
        return nd_fail(err, NEARDUP_E_NOMEM, "%s:%llu: out of memory", path, (unsigned long long)rec->line);
#ifdef ND_HAVE_SIMDJSON
    /* in place when the caller's buffer has the slack and --lossy made no copy */
    int fast = parse_simd(p, bytes, len, p->padded && bytes == given, out) || parse_fast(p, bytes, len, out);
#else
    int fast = parse_fast(p, bytes, len, out);
#endif
    if (fast) {
        out->replaced = replaced;
        return p->id_from_line ? line_id(p, rec, path, out, err) : NEARDUP_OK;
    }
    cJSON_Delete(p->croot);
    p->croot = NULL;
    if (memchr_ctrl(bytes, len)) {
        int rc = control_chars(p, &bytes, &len, path, rec->line, &ctrl, err);
        if (rc) return rc;
    }
    json_error_t je;
    p->root = json_loadb(bytes, len, JSON_ALLOW_NUL, &je);
    if (!p->root) return json_error(&je, path, rec->line, err);
    if (!json_is_object(p->root))
        return nd_fail(err, NEARDUP_E_INPUT, "%s:%llu: the record is %s, expected an object", path,
                       (unsigned long long)rec->line, type_name(p->root));
    memset(out, 0, sizeof *out);
    out->encoding = "utf-8";
    out->replaced = replaced;
    out->ctrl = ctrl;
    int rc = p->id_from_line ? line_id(p, rec, path, out, err)
                             : get_string(p->root, p->id_field, path, rec->line, &out->id, &out->id_len, p->id_buf, err);
    if (!rc) rc = get_string(p->root, p->text_field, path, rec->line, &out->text, &out->text_len, NULL, err);
    return rc;
}
