/* html.c - visible text out of HTML by gumbo (html.h).
 *
 * Why gumbo and not libxml2's HTML parser: gumbo implements the HTML5
 * parsing algorithm (what browsers do with unclosed tags, a stray "</p>", a
 * script holding "</div>"), and every text node carries the span of the page
 * it came from (original_text), which is what keeps offsets true to the
 * page; libxml2 parses HTML 4 and knows only line numbers.  libxml2 is
 * faster (bench/html_speed.c measures both; the README has the figures).
 *
 * Dropped: script, style, noscript, template, head, svg, math, iframe,
 * object, select, textarea, button; comments; attribute values.  Unless
 * keep_furniture is set, site furniture is dropped too, because it repeats
 * across the pages of a site and would pair them on menus and footers: nav,
 * aside, header and footer outside an article or main, elements marked
 * hidden or aria-hidden, with a landmark role (navigation, banner,
 * contentinfo, complementary, search), or whose id or class names a cookie
 * or consent banner, a menu, a breadcrumb, a sidebar, a footer or sharing
 * buttons.
 *
 * The map: a text node's decoded text is walked beside its original bytes;
 * the stretches they share are verbatim runs, and each character reference
 * (&#8220;, &amp;), CR LF made LF, or U+FFFD put for a NUL is a run of its
 * own, so a word's offsets are exact whatever entities stand around it. */
#define _GNU_SOURCE /* strcasestr */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gumbo.h>

#include "html.h"

struct nd_html {
    int keep_furniture;
    char *out;
    size_t len, cap;
    nd_offmap map;
    struct frame { GumboNode *node; unsigned child; int block; int article; } *stack;
    size_t depth, stack_cap;
};

nd_html *nd_html_create(int keep_furniture)
{
    nd_html *h = calloc(1, sizeof *h);
    if (h) h->keep_furniture = keep_furniture;
    return h;
}

void nd_html_free(nd_html *h)
{
    if (!h) return;
    free(h->out);
    free(h->stack);
    nd_offmap_free(&h->map);
    free(h);
}

/* Appends text t[0..tl) from original bytes [o, oe). */
static int emit(nd_html *h, const char *t, size_t tl, size_t o, size_t oe)
{
    if (!tl) return 0;
    if (nd_grow((void **)&h->out, &h->cap, h->len + tl + 1, 1)) return -1;
    memcpy(h->out + h->len, t, tl);
    h->len += tl;
    return nd_offmap_push(&h->map, tl, o, oe);
}

static int ends_blank(const nd_html *h)
{
    if (!h->len) return 1;
    char c = h->out[h->len - 1];
    return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f';
}

/* A line break at original offset at, unless the text ends with one. */
static int block_break(nd_html *h, size_t at)
{
    if (!h->len || h->out[h->len - 1] == '\n') return 0;
    return emit(h, "\n", 1, at, at);
}

static int special(char c) { return c == '&' || c == '\r' || c == '<'; }

/* Whether o[e..) goes on as t[j..) does, up to the next byte that needs
 * the walk's attention (or 8 bytes). */
static int resyncs(const char *o, size_t ol, size_t e, const char *t, size_t tl, size_t j)
{
    for (size_t m = 0; m < 8; m++) {
        if (e + m >= ol) return j + m >= tl;
        if (special(o[e + m])) return 1;
        if (j + m >= tl || o[e + m] != t[j + m]) return 0;
    }
    return 1;
}

static size_t utf8_char_len(const char *t, size_t left)
{
    size_t k = nd_utf8_len((const unsigned char *)t, left);
    return k ? k : 1;
}

/* The end of the character reference at o[i] == '&' whose decoded form is
 * t[j..j + *dl), or 0 when none fits (then the '&' is a plain '&'). */
static size_t entity_end(const char *o, size_t ol, size_t i, const char *t, size_t tl, size_t j, size_t *dl)
{
    size_t p = i + 1;
    int numeric = p < ol && o[p] == '#';
    if (numeric) {
        p++;
        int hex = p < ol && (o[p] == 'x' || o[p] == 'X');
        if (hex) p++;
        while (p < ol && (hex ? strchr("0123456789abcdefABCDEF", o[p]) && o[p] : o[p] >= '0' && o[p] <= '9')) p++;
    } else {
        while (p < ol && ((o[p] >= 'a' && o[p] <= 'z') || (o[p] >= 'A' && o[p] <= 'Z') || (o[p] >= '0' && o[p] <= '9')))
            p++;
    }
    if (p == i + 1 || (numeric && p == i + 2)) return 0;
    size_t ends[2];
    int nends = 0;
    if (p < ol && o[p] == ';') ends[nends++] = p + 1;
    ends[nends++] = p;
    for (size_t c1 = 1; c1 <= 2; c1++) { /* an entity stands for one or two code points */
        size_t k = 0;
        for (size_t c = 0; c < c1 && j + k < tl; c++) k += utf8_char_len(t + j + k, tl - j - k);
        if (j + k > tl || !k) break;
        for (int x = 0; x < nends; x++)
            if (resyncs(o, ol, ends[x], t, tl, j + k)) { *dl = k; return ends[x]; }
        /* legacy names without ';' (&copy2024): the longest name that resyncs */
        if (!numeric && nends == 1)
            for (size_t e = p; e > i + 2; e--)
                if (resyncs(o, ol, e - 1, t, tl, j + k)) { *dl = k; return e - 1; }
    }
    return 0;
}

/* Appends a text node: decoded t[0..tl) beside its original o[0..ol) at
 * page offset base. */
static int text_node(nd_html *h, const char *t, size_t tl, const char *o, size_t ol, size_t base)
{
    size_t i = 0, j = 0;
    while (j < tl) {
        if (i < ol && o[i] == t[j] && !special(o[i])) {
            size_t k = 1;
            while (i + k < ol && j + k < tl && o[i + k] == t[j + k] && !special(o[i + k])) k++;
            if (emit(h, t + j, k, base + i, base + i + k)) return -1;
            i += k, j += k;
            continue;
        }
        if (i < ol && o[i] == '&') {
            size_t dl = 0, e = entity_end(o, ol, i, t, tl, j, &dl);
            if (e) {
                if (emit(h, t + j, dl, base + i, base + e)) return -1;
                i = e, j += dl;
                continue;
            }
            if (t[j] == '&') { /* a bare ampersand */
                if (emit(h, t + j, 1, base + i, base + i + 1)) return -1;
                i++, j++;
                continue;
            }
        }
        if (i < ol && o[i] == '\r') {
            if (i + 1 < ol && o[i + 1] == '\n') { i++; continue; } /* CR LF became LF */
            if (t[j] == '\n') {
                if (emit(h, t + j, 1, base + i, base + i + 1)) return -1;
                i++, j++;
                continue;
            }
            i++;
            continue;
        }
        if (i < ol && o[i] == '<' && t[j] != '<') { /* a tag inside the node's span (a stray end tag) */
            const char *gt = memchr(o + i, '>', ol - i);
            if (gt) { i = (size_t)(gt - o) + 1; continue; }
        }
        if (tl - j >= 3 && !memcmp(t + j, "\xef\xbf\xbd", 3) && i < ol) { /* U+FFFD for a NUL or a bad byte */
            size_t k = nd_utf8_len((const unsigned char *)o + i, ol - i);
            k = k == 3 && !memcmp(o + i, "\xef\xbf\xbd", 3) ? 3 : 1;
            if (emit(h, t + j, 3, base + i, base + i + k)) return -1;
            i += k, j += 3;
            continue;
        }
        /* lost the thread: the rest of the node maps as one run */
        size_t oe = base + (i < ol ? ol : i);
        return emit(h, t + j, tl - j, base + (i < ol ? i : ol), oe);
    }
    return 0;
}

static int is_block(GumboTag t)
{
    switch (t) {
    case GUMBO_TAG_P: case GUMBO_TAG_DIV: case GUMBO_TAG_LI: case GUMBO_TAG_BR: case GUMBO_TAG_H1:
    case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6:
    case GUMBO_TAG_TD: case GUMBO_TAG_TH: case GUMBO_TAG_TR: case GUMBO_TAG_TABLE: case GUMBO_TAG_UL:
    case GUMBO_TAG_OL: case GUMBO_TAG_DL: case GUMBO_TAG_DT: case GUMBO_TAG_DD: case GUMBO_TAG_SECTION:
    case GUMBO_TAG_ARTICLE: case GUMBO_TAG_HEADER: case GUMBO_TAG_FOOTER: case GUMBO_TAG_NAV:
    case GUMBO_TAG_ASIDE: case GUMBO_TAG_MAIN: case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_PRE:
    case GUMBO_TAG_HR: case GUMBO_TAG_FIGURE: case GUMBO_TAG_FIGCAPTION: case GUMBO_TAG_FORM:
    case GUMBO_TAG_ADDRESS: case GUMBO_TAG_CAPTION: case GUMBO_TAG_BODY: case GUMBO_TAG_FIELDSET:
    case GUMBO_TAG_LEGEND: case GUMBO_TAG_DETAILS: case GUMBO_TAG_SUMMARY:
    case GUMBO_TAG_CENTER: case GUMBO_TAG_MENU: case GUMBO_TAG_OPTION: case GUMBO_TAG_TITLE:
    case GUMBO_TAG_IMG: case GUMBO_TAG_LABEL:
        return 1;
    default: return 0;
    }
}

static int never_visible(GumboTag t)
{
    switch (t) {
    case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE: case GUMBO_TAG_NOSCRIPT: case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_HEAD: case GUMBO_TAG_SVG: case GUMBO_TAG_MATH: case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_OBJECT: case GUMBO_TAG_SELECT: case GUMBO_TAG_TEXTAREA: case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_CANVAS: case GUMBO_TAG_AUDIO: case GUMBO_TAG_VIDEO: case GUMBO_TAG_DATALIST:
        return 1;
    default: return 0;
    }
}

/* Whether an id or class value names furniture (word parts, any case). */
static int furniture_name(const char *v)
{
    static const char *const words[] = {"cookie", "consent", "gdpr", "menu", "navbar", "breadcrumb", "sidebar",
                                        "footer", "share", "social", "newsletter", "subscribe", NULL};
    for (const char *const *w = words; *w; w++)
        if (strcasestr(v, *w)) return 1;
    return 0;
}

static int furniture(const GumboElement *e, int in_article)
{
    switch (e->tag) {
    case GUMBO_TAG_NAV: case GUMBO_TAG_ASIDE: return 1;
    case GUMBO_TAG_HEADER: case GUMBO_TAG_FOOTER: return !in_article;
    default: break;
    }
    for (unsigned i = 0; i < e->attributes.length; i++) {
        const GumboAttribute *a = e->attributes.data[i];
        if (!strcasecmp(a->name, "hidden")) return 1;
        if (!strcasecmp(a->name, "aria-hidden") && !strcasecmp(a->value, "true")) return 1;
        if (!strcasecmp(a->name, "role") &&
            (strcasestr(a->value, "navigation") || strcasestr(a->value, "banner") ||
             strcasestr(a->value, "contentinfo") || strcasestr(a->value, "complementary") ||
             strcasestr(a->value, "search")))
            return 1;
        if ((!strcasecmp(a->name, "id") || !strcasecmp(a->name, "class")) && furniture_name(a->value)) return 1;
    }
    return 0;
}

static int push(nd_html *h, GumboNode *n, int block, int article)
{
    if (nd_grow((void **)&h->stack, &h->stack_cap, h->depth + 1, sizeof *h->stack)) return -1;
    h->stack[h->depth++] = (struct frame){n, 0, block, article};
    return 0;
}

/* One child node met in the walk. */
static int visit(nd_html *h, GumboNode *n, const char *page, size_t plen, int article)
{
    if (n->type == GUMBO_NODE_ELEMENT) {
        const GumboElement *e = &n->v.element;
        if (never_visible(e->tag) || (!h->keep_furniture && furniture(e, article))) return 0;
        int block = is_block(e->tag);
        if (block && block_break(h, e->start_pos.offset)) return -1;
        return push(h, n, block, article || e->tag == GUMBO_TAG_ARTICLE || e->tag == GUMBO_TAG_MAIN);
    }
    if (n->type != GUMBO_NODE_TEXT && n->type != GUMBO_NODE_WHITESPACE && n->type != GUMBO_NODE_CDATA) return 0;
    const GumboText *t = &n->v.text;
    size_t tl = strlen(t->text);
    if (n->type == GUMBO_NODE_WHITESPACE && ends_blank(h)) return 0;
    const char *o = t->original_text.data;
    size_t ol = t->original_text.length;
    if (!o || o < page || o + ol > page + plen) { /* no span: the node maps as a whole */
        size_t at = t->start_pos.offset < plen ? t->start_pos.offset : plen;
        return emit(h, t->text, tl, at, at);
    }
    return text_node(h, t->text, tl, o, ol, (size_t)(o - page));
}

/* Walks the tree without recursion (a page may nest thousands deep). */
static int walk(nd_html *h, GumboNode *root, const char *page, size_t plen)
{
    h->depth = 0;
    if (push(h, root, 0, 0)) return -1;
    while (h->depth) {
        struct frame *f = &h->stack[h->depth - 1];
        const GumboVector *kids = f->node->type == GUMBO_NODE_DOCUMENT ? &f->node->v.document.children
                                                                       : &f->node->v.element.children;
        if (f->child >= kids->length) {
            if (f->block && f->node->type == GUMBO_NODE_ELEMENT) {
                size_t at = f->node->v.element.end_pos.offset;
                if (block_break(h, at > plen ? plen : at)) return -1;
            }
            h->depth--;
            continue;
        }
        GumboNode *n = kids->data[f->child++];
        if (visit(h, n, page, plen, f->article)) return -1;
    }
    return 0;
}

int nd_html_text(nd_html *h, const char *s, size_t n, const char *where, const char **text, size_t *len,
                 const nd_offmap **map, nd_error *err)
{
    if (n > ND_HTML_MAX_BYTES)
        return nd_fail(err, NEARDUP_E_INPUT, "%s: an HTML page of %zu bytes is over the reader's limit of %zu MiB "
                       "(gumbo's tree takes about ten times the page); read it with --input-format text",
                       where, n, ND_HTML_MAX_BYTES >> 20);
    h->len = 0;
    nd_offmap_reset(&h->map);
    GumboOptions opt = kGumboDefaultOptions;
    /* gumbo copies the stack of open elements into every parse error it
     * records: on 10,000 unclosed divs that took 1.5 GB; we never read them */
    opt.max_errors = 0;
    GumboOutput *g = gumbo_parse_with_options(&opt, s, n);
    if (!g) return nd_fail(err, NEARDUP_E_NOMEM, "%s: out of memory parsing the HTML", where);
    int rc = walk(h, g->document, s, n);
    gumbo_destroy_output(&opt, g);
    if (!rc && h->len && h->out[h->len - 1] == '\n') { /* no break after the last block */
        h->len--;
        h->map.text_len--;
        if (h->map.n && h->map.run[h->map.n - 1].t == h->map.text_len) h->map.n--;
    }
    if (rc || nd_offmap_finish(&h->map)) return nd_fail(err, NEARDUP_E_NOMEM, "%s: out of memory extracting its text", where);
    *text = h->out ? h->out : "";
    *len = h->len;
    *map = &h->map;
    return NEARDUP_OK;
}
