/* json_field.c - the byte range of one field's value in a JSON record
 * (json_field.h).  The records reaching it were parsed already (cJSON or
 * jansson): this only walks their structure, skipping strings, nested
 * values and literals, and compares keys. */
#include <stdint.h>
#include <string.h>

#include "json_field.h"

#define BAD SIZE_MAX

static size_t skip_ws(const char *s, size_t n, size_t i)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) i++;
    return i;
}

/* Past the string literal at s[i] == '"' (BAD when unterminated). */
static size_t skip_string(const char *s, size_t n, size_t i)
{
    for (i++; i < n; i++) {
        if (s[i] == '\\') i++;
        else if (s[i] == '"') return i + 1;
    }
    return BAD;
}

/* Past the value at s[i]. */
static size_t skip_value(const char *s, size_t n, size_t i)
{
    if (i >= n) return BAD;
    if (s[i] == '"') return skip_string(s, n, i);
    if (s[i] == '{' || s[i] == '[') {
        size_t depth = 0;
        while (i < n) {
            if (s[i] == '"') {
                if ((i = skip_string(s, n, i)) == BAD) return BAD;
                continue;
            }
            if (s[i] == '{' || s[i] == '[') depth++;
            else if ((s[i] == '}' || s[i] == ']') && --depth == 0) return i + 1;
            i++;
        }
        return BAD;
    }
    size_t from = i; /* a number, true, false or null */
    while (i < n && s[i] != ',' && s[i] != '}' && s[i] != ']' && s[i] != ' ' && s[i] != '\t' && s[i] != '\n' &&
           s[i] != '\r')
        i++;
    return i > from ? i : BAD;
}

static unsigned hex4(const char *s)
{
    unsigned v = 0;
    for (int k = 0; k < 4; k++) {
        char c = s[k];
        v = v << 4 | (unsigned)(c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : 0);
    }
    return v;
}

static size_t put_utf8(char *o, unsigned c)
{
    if (c < 0x80) return o[0] = (char)c, 1;
    if (c < 0x800) return o[0] = (char)(0xc0 | c >> 6), o[1] = (char)(0x80 | (c & 63)), 2;
    if (c < 0x10000)
        return o[0] = (char)(0xe0 | c >> 12), o[1] = (char)(0x80 | (c >> 6 & 63)), o[2] = (char)(0x80 | (c & 63)), 3;
    o[0] = (char)(0xf0 | c >> 18), o[1] = (char)(0x80 | (c >> 12 & 63));
    o[2] = (char)(0x80 | (c >> 6 & 63)), o[3] = (char)(0x80 | (c & 63));
    return 4;
}

/* The key literal s[a, b) (quotes included) decoded into out (256 bytes);
 * its length, or BAD when longer. */
static size_t decode_key(const char *s, size_t a, size_t b, char *out)
{
    size_t k = 0;
    for (size_t i = a + 1; i + 1 < b; i++) {
        if (k + 4 > 255) return BAD;
        if (s[i] != '\\') {
            out[k++] = s[i];
            continue;
        }
        char c = s[++i];
        if (c == 'u' && i + 4 < b) {
            unsigned u = hex4(s + i + 1);
            i += 4;
            if (u >= 0xd800 && u < 0xdc00 && i + 6 < b && s[i + 1] == '\\' && s[i + 2] == 'u') {
                unsigned lo = hex4(s + i + 3);
                if (lo >= 0xdc00 && lo < 0xe000) {
                    u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
                    i += 6;
                }
            }
            k += put_utf8(out + k, u);
        } else {
            out[k++] = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c == 'b' ? '\b' : c == 'f' ? '\f' : c;
        }
    }
    return k;
}

/* In the object at s[i]: the value of its last member named name[0, k).
 * Returns 0 with the range, 1 when absent, -1 when malformed. */
static int member(const char *s, size_t n, size_t i, const char *name, size_t k, size_t *vs, size_t *ve)
{
    i = skip_ws(s, n, i);
    if (i >= n || s[i] != '{') return -1;
    int found = 0;
    i = skip_ws(s, n, i + 1);
    if (i < n && s[i] == '}') return 1;
    for (;;) {
        if (i >= n || s[i] != '"') return -1;
        size_t ks = i, ke = skip_string(s, n, i);
        if (ke == BAD) return -1;
        i = skip_ws(s, n, ke);
        if (i >= n || s[i] != ':') return -1;
        size_t a = skip_ws(s, n, i + 1), b = skip_value(s, n, a);
        if (b == BAD) return -1;
        int same;
        if (memchr(s + ks, '\\', ke - ks)) {
            char key[256];
            size_t kl = decode_key(s, ks, ke, key);
            same = kl == k && !memcmp(key, name, k);
        } else {
            same = ke - ks - 2 == k && !memcmp(s + ks + 1, name, k);
        }
        if (same) {
            *vs = a;
            *ve = b;
            found = 1;
        }
        i = skip_ws(s, n, b);
        if (i < n && s[i] == '}') return found ? 0 : 1;
        if (i >= n || s[i] != ',') return -1;
        i = skip_ws(s, n, i + 1);
    }
}

int nd_json_field_range(const char *bytes, size_t len, const char *field, size_t *start, size_t *end)
{
    int rc = member(bytes, len, 0, field, strlen(field), start, end);
    if (rc != 1 || !strchr(field, '.')) return rc;
    size_t at = 0;
    for (const char *p = field;;) {
        const char *dot = strchr(p, '.');
        size_t k = dot ? (size_t)(dot - p) : strlen(p);
        size_t j = skip_ws(bytes, len, at);
        if (j >= len || bytes[j] != '{') return 1; /* not an object: as the parser, absent */
        if ((rc = member(bytes, len, at, p, k, start, end))) return rc;
        if (!dot) return 0;
        at = *start;
        p = dot + 1;
    }
}
