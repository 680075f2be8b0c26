/* encoding.c - detection (BOM, declared charset, <meta>, valid UTF-8,
 * uchardet) and decoding to UTF-8 by iconv, with a byte map back to the
 * original bytes (encoding.h).
 *
 * The map costs one run per non-ASCII character of a re-encoded document
 * (12 bytes each; ASCII stretches are one verbatim run): a document decoded
 * from Windows-1252 is mostly ASCII, so its map is small; a Cyrillic or
 * Japanese one costs about 12 bytes a character.  Documents that are UTF-8
 * already (nearly all) have no map and no copy. */
#define _GNU_SOURCE /* strcasestr */
#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <uchardet/uchardet.h>
#include <utf8proc.h>

#include "encoding.h"

#define TABLES 4       /* single-byte tables kept per decoder */
#define DETECT_MAX ((size_t)1 << 20) /* bytes uchardet sees (it settles long before) */

typedef struct {
    char iconv_name[40];
    unsigned char len[256];   /* UTF-8 bytes of each byte's character; 0: undefined */
    char utf8[256][4];
} byte_table;

struct nd_decoder {
    int forced;               /* an encoding was given for every document */
    int keep;                 /* forced utf-8: bytes pass as they are */
    char forced_name[40], forced_iconv[40];
    int lossy;
    uchardet_t ud;
    byte_table *table[TABLES];
    byte_table *w1252;        /* Windows-1252's, for prefer_1252 */
    size_t ntable, next_table;
    char *out;                /* decoded text */
    size_t out_cap;
    nd_offmap map;
    char encoding[96];
};

/* ---------- labels ---------- */

typedef struct {
    const char *label, *name, *iconv;
} label_row;

/* WHATWG Encoding labels that differ from what iconv calls them, or that
 * browsers read as a superset (latin1 is windows-1252 on the web). */
static const label_row labels[] = {
    {"utf-8", "utf-8", "UTF-8"}, {"utf8", "utf-8", "UTF-8"}, {"unicode-1-1-utf-8", "utf-8", "UTF-8"},
    {"us-ascii", "windows-1252", "WINDOWS-1252"}, {"ascii", "windows-1252", "WINDOWS-1252"},
    {"iso-8859-1", "windows-1252", "WINDOWS-1252"}, {"iso8859-1", "windows-1252", "WINDOWS-1252"},
    {"latin1", "windows-1252", "WINDOWS-1252"}, {"l1", "windows-1252", "WINDOWS-1252"},
    {"cp1252", "windows-1252", "WINDOWS-1252"}, {"windows-1252", "windows-1252", "WINDOWS-1252"},
    {"x-cp1252", "windows-1252", "WINDOWS-1252"}, {"cp819", "windows-1252", "WINDOWS-1252"},
    {"ansi_x3.4-1968", "windows-1252", "WINDOWS-1252"}, {"iso-ir-100", "windows-1252", "WINDOWS-1252"},
    {"iso-8859-9", "windows-1254", "WINDOWS-1254"}, {"latin5", "windows-1254", "WINDOWS-1254"},
    {"iso-8859-11", "windows-874", "CP874"}, {"tis-620", "windows-874", "CP874"},
    {"windows-874", "windows-874", "CP874"},
    {"gb2312", "gb18030", "GB18030"}, {"gbk", "gb18030", "GB18030"}, {"x-gbk", "gb18030", "GB18030"},
    {"chinese", "gb18030", "GB18030"}, {"csgb2312", "gb18030", "GB18030"}, {"gb18030", "gb18030", "GB18030"},
    {"shift_jis", "shift_jis", "CP932"}, {"shift-jis", "shift_jis", "CP932"}, {"sjis", "shift_jis", "CP932"},
    {"ms_kanji", "shift_jis", "CP932"}, {"x-sjis", "shift_jis", "CP932"}, {"windows-31j", "shift_jis", "CP932"},
    {"euc-kr", "euc-kr", "CP949"}, {"ks_c_5601-1987", "euc-kr", "CP949"}, {"windows-949", "euc-kr", "CP949"},
    {"big5", "big5", "BIG5-HKSCS"}, {"big5-hkscs", "big5", "BIG5-HKSCS"},
    {"utf-16", "utf-16le", "UTF-16LE"}, {"utf-16le", "utf-16le", "UTF-16LE"}, {"utf-16be", "utf-16be", "UTF-16BE"},
    {NULL, NULL, NULL},
};

int nd_encoding_lookup(const char *label, char *name, size_t name_cap, char *iconv_name, size_t iconv_cap)
{
    char low[40];
    size_t n = 0;
    while (*label && isspace((unsigned char)*label)) label++;
    for (; *label && n + 1 < sizeof low; label++) low[n++] = (char)tolower((unsigned char)*label);
    while (n && isspace((unsigned char)low[n - 1])) n--;
    low[n] = 0;
    if (*label || !n) return 0; /* too long to be a label, or empty */
    for (const label_row *r = labels; r->label; r++)
        if (!strcmp(low, r->label)) {
            snprintf(name, name_cap, "%s", r->name);
            snprintf(iconv_name, iconv_cap, "%s", r->iconv);
            return 1;
        }
    char up[40];
    for (size_t i = 0; i <= n; i++) up[i] = (char)toupper((unsigned char)low[i]);
    iconv_t cd = iconv_open("UTF-8", up);
    if (cd == (iconv_t)-1) return 0;
    iconv_close(cd);
    snprintf(name, name_cap, "%s", low);
    snprintf(iconv_name, iconv_cap, "%s", up);
    return 1;
}

/* ---------- UTF-8 ---------- */

int nd_utf8_valid(const char *s, size_t n, size_t *bad)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        if (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, u + i, 8);
            if (!(w & UINT64_C(0x8080808080808080))) {
                i += 8;
                continue;
            }
        }
        if (u[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = nd_utf8_len(u + i, n - i);
        if (!k) {
            if (bad) *bad = i;
            return 0;
        }
        i += k;
    }
    return 1;
}

/* ---------- the decoder ---------- */

nd_decoder *nd_decoder_create(const char *forced, int lossy, int *bad_label)
{
    if (bad_label) *bad_label = 0;
    nd_decoder *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->lossy = lossy;
    if (forced && strcasecmp(forced, "auto")) {
        if (!nd_encoding_lookup(forced, d->forced_name, sizeof d->forced_name, d->forced_iconv,
                                sizeof d->forced_iconv)) {
            if (bad_label) *bad_label = 1;
            free(d);
            return NULL;
        }
        d->forced = 1;
        d->keep = !strcmp(d->forced_name, "utf-8");
    }
    return d;
}

void nd_decoder_free(nd_decoder *d)
{
    if (!d) return;
    if (d->ud) uchardet_delete(d->ud);
    for (size_t i = 0; i < d->ntable; i++) free(d->table[i]);
    free(d->w1252);
    free(d->out);
    nd_offmap_free(&d->map);
    free(d);
}

static int put(nd_decoder *d, size_t *len, const char *p, size_t n)
{
    if (nd_grow((void **)&d->out, &d->out_cap, *len + n + 1, 1)) return -1;
    memcpy(d->out + *len, p, n);
    *len += n;
    return 0;
}

/* The table of a single-byte encoding, or NULL when it is not one (some
 * byte starts a longer sequence, or ASCII bytes do not stand for ASCII). */
static byte_table *single_byte_table(nd_decoder *d, const char *iconv_name, int *nomem)
{
    *nomem = 0;
    for (size_t i = 0; i < d->ntable; i++)
        if (!strcmp(d->table[i]->iconv_name, iconv_name)) return d->table[i];
    iconv_t cd = iconv_open("UTF-8", iconv_name);
    if (cd == (iconv_t)-1) return NULL;
    byte_table *t = calloc(1, sizeof *t);
    int single = t != NULL;
    for (int b = 0; b < 256 && single; b++) {
        iconv(cd, NULL, NULL, NULL, NULL);
        char in = (char)b, *ip = &in, *op = t->utf8[b];
        size_t il = 1, ol = 4;
        if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1) {
            if (errno != EILSEQ) single = 0; /* EINVAL: b begins a longer sequence */
            continue;                        /* EILSEQ: b is undefined here */
        }
        t->len[b] = (unsigned char)(4 - ol);
        if (b < 0x80 && (t->len[b] != 1 || t->utf8[b][0] != (char)b)) single = 0;
    }
    iconv_close(cd);
    if (!single) {
        free(t);
        *nomem = t == NULL;
        return NULL;
    }
    snprintf(t->iconv_name, sizeof t->iconv_name, "%s", iconv_name);
    if (d->ntable < TABLES) d->table[d->ntable++] = t;
    else {
        free(d->table[d->next_table]);
        d->table[d->next_table] = t;
        d->next_table = (d->next_table + 1) % TABLES;
    }
    return t;
}

static int nomem(nd_error *err, const char *where)
{
    return nd_fail(err, NEARDUP_E_NOMEM, "%s: out of memory decoding it", where);
}

static int undecodable(nd_decoder *d, nd_error *err, const char *where, const char *name, const char *why,
                       size_t at, const unsigned char *b, size_t left)
{
    return nd_fail(err, NEARDUP_E_INPUT, "%s: byte %zu (0x%02x) is not valid %s (the encoding chosen by %s); use --encoding "
                   "LABEL to read it as another encoding, or --lossy to replace such bytes",
                   where, at, left ? b[0] : 0, name, why);
}

/* Decodes by a single-byte table: ASCII runs are verbatim, each other byte
 * is a run of its own. */
static int decode_table(nd_decoder *d, const byte_table *t, const unsigned char *b, size_t n, size_t base,
                        const char *where, const char *name, const char *why, nd_decoded *out, nd_error *err)
{
    size_t len = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && b[j] < 0x80) j++;
        if (j > i) {
            if (put(d, &len, (const char *)b + i, j - i) || nd_offmap_push(&d->map, j - i, base + i, base + j))
                return nomem(err, where);
            i = j;
            continue;
        }
        const char *u = t->utf8[b[i]];
        size_t k = t->len[b[i]];
        if (!k) {
            if (!d->lossy) return undecodable(d, err, where, name, why, base + i, b + i, n - i);
            u = "\xef\xbf\xbd", k = 3;
            out->replaced++;
        }
        if (put(d, &len, u, k) || nd_offmap_push(&d->map, k, base + i, base + i + 1)) return nomem(err, where);
        i++;
    }
    out->text = d->out ? d->out : "";
    out->len = len;
    return NEARDUP_OK;
}

/* Decodes by iconv one character at a time (multi-byte and stateful
 * encodings), so each character's bytes are known. */
static int decode_iconv(nd_decoder *d, const char *iconv_name, const unsigned char *b, size_t n, size_t base,
                        const char *where, const char *name, const char *why, nd_decoded *out, nd_error *err)
{
    iconv_t cd = iconv_open("UTF-8", iconv_name);
    if (cd == (iconv_t)-1)
        return nd_fail(err, NEARDUP_E_INPUT, "%s: encoding %s (%s) is not known to iconv", where, name, why);
    size_t len = 0;
    int rc = NEARDUP_OK;
    for (size_t i = 0; i < n && !rc;) {
        char buf[32];
        size_t k = 1, made = 0;
        for (;; k++) {
            char *ip = (char *)b + i, *op = buf;
            size_t il = k, ol = sizeof buf;
            if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1) {
                made = sizeof buf - ol;
                break;
            }
            if (errno == EINVAL && k < 8 && i + k < n) continue; /* incomplete: one byte more */
            k = 0;
            break;
        }
        if (!k) { /* invalid here, or cut off at the end */
            if (!d->lossy) {
                rc = undecodable(d, err, where, name, why, base + i, b + i, n - i);
                break;
            }
            iconv(cd, NULL, NULL, NULL, NULL);
            memcpy(buf, "\xef\xbf\xbd", 3);
            made = 3, k = 1;
            out->replaced++;
        }
        if (put(d, &len, buf, made) || nd_offmap_push(&d->map, made, base + i, base + i + k))
            rc = nomem(err, where);
        i += k;
    }
    iconv_close(cd);
    out->text = d->out ? d->out : "";
    out->len = len;
    return rc;
}

/* Decodes b[0..n) (the document's bytes from offset base on) from the
 * encoding named name / iconv_name; why says how it was chosen. */
static int decode_as(nd_decoder *d, const char *name, const char *iconv_name, const char *why,
                     const unsigned char *b, size_t n, size_t base, const char *where, nd_decoded *out,
                     nd_error *err)
{
    nd_offmap_reset(&d->map);
    snprintf(d->encoding, sizeof d->encoding, "%s (%s)", name, why);
    out->encoding = strcmp(name, "utf-8") ? d->encoding : "utf-8"; /* the summary counts the others */
    int rc;
    if (!strcmp(name, "utf-8")) {
        size_t bad;
        if (!d->lossy && !nd_utf8_valid((const char *)b, n, &bad))
            return undecodable(d, err, where, name, why, base + bad, b + bad, n - bad);
        /* valid, or lossy (the tokenizer then counts the bad bytes) */
        out->text = (const char *)b;
        out->len = n;
        if (base && nd_offmap_push(&d->map, n, base, base + n)) return nomem(err, where);
        rc = NEARDUP_OK;
    } else {
        int nm;
        const byte_table *t = single_byte_table(d, iconv_name, &nm);
        if (nm) return nomem(err, where);
        rc = t ? decode_table(d, t, b, n, base, where, name, why, out, err)
               : decode_iconv(d, iconv_name, b, n, base, where, name, why, out, err);
    }
    if (rc) return rc;
    if (d->map.n && nd_offmap_finish(&d->map)) return nomem(err, where);
    out->map = d->map.n ? d->map.run : NULL;
    out->nmap = d->map.n;
    return NEARDUP_OK;
}

/* Whether every byte of b[0..n) past ASCII is in 0x80-0x9f. */
static int only_c1_range(const unsigned char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (b[i] >= 0xa0) return 0;
    return 1;
}

static int utf8_letter(const char *u, size_t k, int32_t *cp)
{
    utf8proc_int32_t c;
    if (!k || utf8proc_iterate((const utf8proc_uint8_t *)u, (utf8proc_ssize_t)k, &c) <= 0) return 0;
    *cp = c;
    utf8proc_category_t cat = utf8proc_category(c);
    /* modifier letters (ˇ, ˘ in ISO-8859-2) are accents, not letters of words */
    return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO && cat != UTF8PROC_CATEGORY_LM;
}

/* Whether uchardet's single-byte guess iconv_name should give way to
 * Windows-1252 for the text b[0..n): the guess writes Latin script (its
 * letters are all below U+0250: ISO-8859-2, Windows-1250, Mac Central
 * European, Windows-1258...) and Windows-1252 reads at least as many of the
 * text's bytes as letters.  uchardet 0.0.7 leans to Central European code
 * pages: on news-40k texts with Windows-1252 accents (é, ü, ñ) it said
 * iso-8859-2 or windows-1250 for 93% of them, making ñ an n acute; real
 * Polish or Czech, whose ą, ł, ż are symbols in Windows-1252, keeps its guess,
 * and Cyrillic, Greek or Hebrew guesses (not Latin) are never overridden. */
static int prefer_1252(nd_decoder *d, const char *iconv_name, const unsigned char *b, size_t n)
{
    int nm;
    if (!d->w1252) { /* kept apart from the cache, which could evict it under g */
        const byte_table *t = single_byte_table(d, "WINDOWS-1252", &nm);
        if (!t || !(d->w1252 = malloc(sizeof *d->w1252))) return 0;
        *d->w1252 = *t;
    }
    const byte_table *w = d->w1252, *g = single_byte_table(d, iconv_name, &nm);
    if (!g) return 0; /* multi-byte (CJK): uchardet's models are good there */
    int32_t cp;
    for (int c = 0x80; c < 256; c++)
        if (utf8_letter(g->utf8[c], g->len[c], &cp) && cp >= 0x250) return 0;
    size_t hist[256] = {0};
    for (size_t i = 0; i < n; i++) hist[b[i]]++;
    size_t lw = 0, lg = 0;
    for (int c = 0x80; c < 256; c++) {
        if (!hist[c]) continue;
        if (!w->len[c]) return 0; /* a byte Windows-1252 does not define */
        lw += utf8_letter(w->utf8[c], w->len[c], &cp) ? hist[c] : 0;
        lg += utf8_letter(g->utf8[c], g->len[c], &cp) ? hist[c] : 0;
    }
    return lw >= lg;
}

/* uchardet's guess for b[0..n), as a label; NULL when it has none. */
static const char *detect(nd_decoder *d, const char *b, size_t n)
{
    if (!d->ud && !(d->ud = uchardet_new())) return NULL;
    uchardet_reset(d->ud);
    if (uchardet_handle_data(d->ud, b, n < DETECT_MAX ? n : DETECT_MAX)) return NULL;
    uchardet_data_end(d->ud);
    const char *cs = uchardet_get_charset(d->ud);
    return cs && *cs ? cs : NULL;
}

int nd_decode(nd_decoder *d, const char *bytes, size_t len, const char *declared, int html,
              const char *where, nd_decoded *out, nd_error *err)
{
    const unsigned char *b = (const unsigned char *)bytes;
    memset(out, 0, sizeof *out);
    out->text = bytes;
    out->len = len;
    out->encoding = "utf-8";
    if (d->keep) return NEARDUP_OK; /* --encoding utf-8: today's strict reading */
    char name[40], ic[40], why[96];
    if (d->forced)
        return decode_as(d, d->forced_name, d->forced_iconv, "--encoding", b, len, 0, where, out, err);
    if (len >= 3 && !memcmp(b, "\xef\xbb\xbf", 3))
        return decode_as(d, "utf-8", "UTF-8", "byte order mark", b + 3, len - 3, 3, where, out, err);
    if (len >= 2 && (!memcmp(b, "\xff\xfe", 2) || !memcmp(b, "\xfe\xff", 2))) {
        int le = b[0] == 0xff;
        return decode_as(d, le ? "utf-16le" : "utf-16be", le ? "UTF-16LE" : "UTF-16BE", "byte order mark",
                         b + 2, len - 2, 2, where, out, err);
    }
    if (declared) {
        if (!nd_encoding_lookup(declared, name, sizeof name, ic, sizeof ic))
            return nd_fail(err, NEARDUP_E_INPUT, "%s: the HTTP Content-Type names charset \"%.60s\", which is "
                           "not an encoding iconv knows; use --encoding LABEL", where, declared);
        return decode_as(d, name, ic, "HTTP Content-Type", b, len, 0, where, out, err);
    }
    size_t at;
    char label[48];
    if (html && nd_html_meta_charset(bytes, len, label, sizeof label, &at)) {
        if (!nd_encoding_lookup(label, name, sizeof name, ic, sizeof ic))
            return nd_fail(err, NEARDUP_E_INPUT, "%s: the <meta> at byte %zu names charset \"%s\", which is not "
                           "an encoding iconv knows; use --encoding LABEL", where, at, label);
        /* a page in UTF-16 cannot hold an ASCII <meta>: the label lies (WHATWG) */
        if (!strncmp(name, "utf-16", 6)) snprintf(name, sizeof name, "utf-8"), snprintf(ic, sizeof ic, "UTF-8");
        snprintf(why, sizeof why, "<meta charset> at byte %zu", at);
        return decode_as(d, name, ic, why, b, len, 0, where, out, err);
    }
    size_t bad = 0;
    if (nd_utf8_valid(bytes, len, &bad)) return NEARDUP_OK;
    /* text in a single- or multi-byte encoding holds no NUL: guessing one for
     * a binary file would make words of garbage */
    const char *nul = memchr(bytes, 0, len < DETECT_MAX ? len : DETECT_MAX);
    if (nul)
        return nd_fail(err, NEARDUP_E_INPUT, "%s: invalid UTF-8 at byte %zu, and NUL bytes (at byte %zu: binary?), so "
                       "no encoding is guessed; use --encoding LABEL (or --lossy with --encoding utf-8)", where, bad,
                       (size_t)(nul - bytes));
    /* Only bytes 0x80-0x9f beyond ASCII: typographic quotes, dashes and the
     * euro sign of the Windows code pages (in ISO-8859 they are C1 controls).
     * uchardet guesses too much from so little: on news-40k texts with
     * Windows-1252 quotes it said windows-1250, mac-centraleurope (which
     * makes 0x93 an i grave) or windows-1258 for 78% of them.  Windows-1252
     * is what browsers assume of such text (WHATWG). */
    if (only_c1_range(b, len))
        return decode_as(d, "windows-1252", "WINDOWS-1252", "detected: only Windows punctuation", b, len, 0, where,
                         out, err);
    const char *guess = detect(d, bytes, len);
    if (!guess || !nd_encoding_lookup(guess, name, sizeof name, ic, sizeof ic))
        return nd_fail(err, NEARDUP_E_INPUT, "%s: invalid UTF-8 at byte %zu, and uchardet cannot tell its "
                       "encoding%s%s%s; use --encoding LABEL", where, bad,
                       guess ? " (it says \"" : "", guess ? guess : "", guess ? "\")" : "");
    if (strcmp(name, "windows-1252") && prefer_1252(d, ic, b, len))
        return decode_as(d, "windows-1252", "WINDOWS-1252", "detected", b, len, 0, where, out, err);
    /* (uchardet saying UTF-8 of invalid UTF-8 ends in the error naming the byte) */
    return decode_as(d, name, ic, "detected", b, len, 0, where, out, err);
}

/* ---------- <meta charset> ---------- */

static int is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }

/* Reads one attribute at s[*i..n) (WHATWG "get an attribute", simplified):
 * name lower-cased into nm, value into val.  0 at '>' or the end. */
static int get_attr(const char *s, size_t n, size_t *i, char *nm, size_t ncap, char *val, size_t vcap)
{
    size_t p = *i, k = 0;
    while (p < n && (is_space((unsigned char)s[p]) || s[p] == '/')) p++;
    if (p >= n || s[p] == '>') return 0;
    while (p < n && !is_space((unsigned char)s[p]) && s[p] != '=' && s[p] != '>' && s[p] != '/') {
        if (k + 1 < ncap) nm[k++] = (char)tolower((unsigned char)s[p]);
        p++;
    }
    nm[k] = 0;
    val[0] = 0;
    while (p < n && is_space((unsigned char)s[p])) p++;
    if (p < n && s[p] == '=') {
        p++;
        while (p < n && is_space((unsigned char)s[p])) p++;
        k = 0;
        if (p < n && (s[p] == '"' || s[p] == '\'')) {
            char q = s[p++];
            while (p < n && s[p] != q) {
                if (k + 1 < vcap) val[k++] = s[p];
                p++;
            }
            if (p < n) p++;
        } else {
            while (p < n && !is_space((unsigned char)s[p]) && s[p] != '>') {
                if (k + 1 < vcap) val[k++] = s[p];
                p++;
            }
        }
        val[k] = 0;
    }
    *i = p;
    return 1;
}

/* The charset=... inside a Content-Type value, into label. */
static int charset_param(const char *v, char *label, size_t cap)
{
    for (const char *p = v; (p = strcasestr(p, "charset")) != NULL; p += 7) {
        const char *q = p + 7;
        while (is_space((unsigned char)*q)) q++;
        if (*q != '=') continue;
        q++;
        while (is_space((unsigned char)*q)) q++;
        char quote = *q == '"' || *q == '\'' ? *q++ : 0;
        size_t k = 0;
        while (*q && *q != quote && *q != ';' && !(quote == 0 && is_space((unsigned char)*q)) && k + 1 < cap)
            label[k++] = *q++;
        label[k] = 0;
        return k > 0;
    }
    return 0;
}

int nd_html_meta_charset(const char *s, size_t len, char *label, size_t cap, size_t *at)
{
    size_t n = len < 1024 ? len : 1024;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '<') continue;
        if (i + 4 <= n && !memcmp(s + i, "<!--", 4)) { /* skip the comment */
            const char *e = NULL;
            for (size_t j = i + 4; j + 3 <= n; j++)
                if (!memcmp(s + j, "-->", 3)) { e = s + j; break; }
            if (!e) return 0;
            i = (size_t)(e - s) + 2;
            continue;
        }
        if (i + 6 > n || strncasecmp(s + i + 1, "meta", 4) || !(is_space((unsigned char)s[i + 5]) || s[i + 5] == '/'))
            continue;
        size_t p = i + 5;
        char nm[32], val[256], cs[48] = "";
        int http_ct = 0, got = 0;
        while (get_attr(s, n, &p, nm, sizeof nm, val, sizeof val)) {
            if (!strcmp(nm, "charset") && val[0] && !cs[0]) {
                snprintf(cs, sizeof cs, "%.47s", val);
                got = 1;
            } else if (!strcmp(nm, "http-equiv") && !strcasecmp(val, "content-type")) {
                http_ct = 1;
            } else if (!strcmp(nm, "content") && !cs[0] && charset_param(val, cs, sizeof cs)) {
                got = 2;
            }
        }
        if (got == 1 || (got == 2 && http_ct)) {
            snprintf(label, cap, "%s", cs);
            *at = i;
            return 1;
        }
        cs[0] = 0;
        i = p;
    }
    return 0;
}
