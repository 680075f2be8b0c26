/* html.h - the visible text of an HTML page, with a map back to the page's
 * bytes (html.c, on gumbo, the HTML5 parser Debian packages as
 * libgumbo-dev). */
#ifndef ND_HTML_H
#define ND_HTML_H

#include "offmap.h"

/* Pages larger than this are refused: gumbo's tree takes about ten times
 * the page in memory (a 100 MB page would take a gigabyte per thread). */
#define ND_HTML_MAX_BYTES ((size_t)64 << 20)

typedef struct nd_html nd_html;

/* keep_furniture != 0 keeps what the reader otherwise drops as site
 * furniture (see html.c). */
nd_html *nd_html_create(int keep_furniture);
void nd_html_free(nd_html *h);

/* The visible text of the UTF-8 page s[0..n): no tags, comments, scripts,
 * styles or attribute values; entities decoded; a line break where a block
 * element (p, div, li, br, h1-h6, td, ...) begins or ends, so that words of
 * two blocks never run together.  *text (valid until the next call) holds
 * the text; *map (finished, see offmap.h) maps it to s's bytes.  where
 * names the page in errors.  Returns NEARDUP_OK, NEARDUP_E_INPUT (a page
 * over ND_HTML_MAX_BYTES) or NEARDUP_E_NOMEM. */
int nd_html_text(nd_html *h, const char *s, size_t n, const char *where, const char **text, size_t *len,
                 const nd_offmap **map, nd_error *err);

#endif
