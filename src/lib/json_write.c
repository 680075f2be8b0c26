/* json_write.c - the writers' escapes: JSON string literals (UTF-8 kept,
 * invalid bytes as U+FFFD, also for an HTML <script> block), and ids for
 * text, TSV, CSV and messages (record.h).  What counts as valid UTF-8 is the
 * parser's rule (nd_utf8_len, record.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"

/* Writes s as a JSON string literal.  UTF-8 passes through unescaped; '"',
 * '\\' and control characters (NUL included) are escaped.  We do not use
 * jansson's encoder here: it refuses invalid UTF-8 outright (json_stringn
 * returns NULL) and it copies every string into a new json_t, while plain
 * files read in --lossy mode may hold invalid bytes, which we write as
 * U+FFFD so the output is always valid JSON.  Returns 0, or -1 if f failed. */
static int write_string(FILE *f, const char *s, size_t len, int html)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;
    size_t run = 0; /* start of the pending run of bytes written as they are */
    putc('"', f);
    for (size_t i = 0; i < len;) {
        unsigned c = u[i];
        size_t k = 1;
        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80 && !(html && (c == '<' || c == '>' || c == '&'))) {
            i++;
            continue;
        }
        if (c >= 0x80 && (k = nd_utf8_len(u + i, len - i)) > 0) { i += k; continue; }
        fwrite(s + run, 1, i - run, f);
        char esc[8] = {'\\', 0};
        switch (c) {
        case '"': case '\\': esc[1] = (char)c; fwrite(esc, 1, 2, f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        case '\b': fputs("\\b", f); break;
        case '\f': fputs("\\f", f); break;
        default:
            if (c >= 0x80) { fputs("\\ufffd", f); break; } /* an invalid UTF-8 byte */
            memcpy(esc, "\\u00", 4);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            fwrite(esc, 1, 6, f);
        }
        run = ++i;
    }
    fwrite(s + run, 1, len - run, f);
    putc('"', f);
    return ferror(f) ? -1 : 0;
}

int nd_json_write_string(FILE *f, const char *s, size_t len) { return write_string(f, s, len, 0); }

int nd_json_write_string_html(FILE *f, const char *s, size_t len) { return write_string(f, s, len, 1); }

/* ---------- ids in text, TSV and messages ---------- */

/* The escape of byte c (len 2 or 4 in out), or 0 when it stands for itself
 * (k: the length of the valid UTF-8 sequence it starts, 0 when invalid). */
static size_t id_escape(unsigned c, size_t k, char out[4])
{
    static const char hex[] = "0123456789abcdef";
    const char *two = c == '\\' ? "\\\\" : c == '\t' ? "\\t" : c == '\n' ? "\\n" : c == '\r' ? "\\r" : NULL;
    if (two) {
        memcpy(out, two, 2);
        return 2;
    }
    if (c >= 0x20 && c < 0x7f) return 0;
    if (c >= 0x80 && k) return 0;
    out[0] = '\\', out[1] = 'x', out[2] = hex[c >> 4], out[3] = hex[c & 15];
    return 4;
}

int nd_write_id(FILE *f, const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t run = 0;
    for (size_t i = 0; i < len;) {
        size_t k = u[i] >= 0x80 ? nd_utf8_len(u + i, len - i) : 0;
        char esc[4];
        size_t e = id_escape(u[i], k, esc);
        if (!e) {
            i += k ? k : 1;
            continue;
        }
        fwrite(s + run, 1, i - run, f);
        fwrite(esc, 1, e, f);
        run = ++i;
    }
    fwrite(s + run, 1, len - run, f);
    return ferror(f) ? -1 : 0;
}

int nd_csv_write_field(FILE *f, const char *s, size_t len)
{
    if (!memchr(s, ',', len) && !memchr(s, '"', len) && !memchr(s, '\r', len) && !memchr(s, '\n', len)) {
        fwrite(s, 1, len, f);
        return ferror(f) ? -1 : 0;
    }
    putc('"', f);
    const char *end = s + len;
    for (const char *q; (q = memchr(s, '"', (size_t)(end - s))); s = q + 1) {
        fwrite(s, 1, (size_t)(q + 1 - s), f); /* up to the quote, and the quote */
        putc('"', f);                          /* doubled */
    }
    fwrite(s, 1, (size_t)(end - s), f);
    putc('"', f);
    return ferror(f) ? -1 : 0;
}

char *nd_id_text(char *buf, size_t cap, const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        size_t k = u[i] >= 0x80 ? nd_utf8_len(u + i, len - i) : 0;
        char esc[4];
        size_t e = id_escape(u[i], k, esc), w = e ? e : k ? k : 1;
        if (o + w + 4 > cap) { /* room for "..." and the NUL */
            memcpy(buf + o, "...", 3);
            o += 3;
            break;
        }
        memcpy(buf + o, e ? esc : s + i, w);
        o += w;
        i += k ? k : 1;
    }
    buf[o] = '\0';
    return buf;
}

char *nd_id_text_dup(const char *s, size_t len)
{
    char *buf = malloc(4 * len + 8); /* an escape is 4 bytes at most a byte, so nothing is cut */
    return buf ? nd_id_text(buf, 4 * len + 8, s, len) : NULL;
}
