/* encoding.h - bytes in some encoding -> UTF-8, with a map back to the
 * original bytes (encoding.c).
 *
 * --encoding auto decides, in this order (as browsers do, WHATWG Encoding):
 * a byte order mark; a charset declared outside the bytes (the HTTP
 * Content-Type of a WARC record); for HTML, a <meta charset> or <meta
 * http-equiv=Content-Type> in the first 1024 bytes; valid UTF-8; else the
 * guess of uchardet.  Decoding is iconv's; single-byte encodings (the
 * Windows and ISO-8859 code pages, KOI8) become a 256-entry table built
 * from iconv once per decoder, so they decode at memory speed. */
#ifndef ND_ENCODING_H
#define ND_ENCODING_H

#include "offmap.h"

typedef struct nd_decoder nd_decoder;

/* forced: NULL or "auto" to decide per document, else a label (utf-8,
 * latin1, windows-1252, shift_jis...) for every document; "utf-8" keeps
 * bytes as they are (invalid UTF-8 is then the tokenizer's error, or
 * --lossy's separators).  lossy: undecodable bytes become U+FFFD instead of
 * an error.  NULL when out of memory or when forced names no encoding iconv
 * knows (*bad_label set to 1). */
nd_decoder *nd_decoder_create(const char *forced, int lossy, int *bad_label);
void nd_decoder_free(nd_decoder *d);

/* The result of a decode; valid until the next nd_decode on the handle. */
typedef struct {
    const char *text; /* UTF-8 (the input itself when it was UTF-8 already) */
    size_t len;
    const nd_map_run *map; /* text -> input bytes; nmap == 0: identity */
    size_t nmap;
    const char *encoding;  /* e.g. "windows-1252 (detected)"; "utf-8" for plain UTF-8 */
    size_t replaced;       /* bytes replaced by U+FFFD (lossy) */
} nd_decoded;

/* Decodes bytes[0..len).  declared: a charset label from outside the bytes
 * (NULL: none); html != 0: also look for <meta charset>.  where names the
 * document in errors ("page.html", "crawl.warc: record 3").  Errors
 * (NEARDUP_E_INPUT): an unknown declared label, bytes that are invalid in
 * the declared or forced encoding (with the byte offset), an encoding
 * uchardet cannot tell. */
int nd_decode(nd_decoder *d, const char *bytes, size_t len, const char *declared, int html,
              const char *where, nd_decoded *out, nd_error *err);

/* The charset label of an HTML <meta> in the first 1024 bytes of s (WHATWG
 * prescan, simplified: comments skipped, charset= and http-equiv content
 * read), copied to label (cap bytes); *at = its byte offset.  0 when none. */
int nd_html_meta_charset(const char *s, size_t len, char *label, size_t cap, size_t *at);

/* The canonical name and iconv name of a label (case and spaces ignored):
 * iso-8859-1 and us-ascii are windows-1252 as in browsers, gb2312 and gbk
 * gb18030, shift_jis windows-31j.  0 when the label is unknown to both the
 * table and iconv. */
int nd_encoding_lookup(const char *label, char *name, size_t name_cap, char *iconv_name, size_t iconv_cap);

/* 1 when s[0..n) is valid UTF-8; else 0 and *bad = the offset of the first
 * invalid sequence. */
int nd_utf8_valid(const char *s, size_t n, size_t *bad);

#endif
