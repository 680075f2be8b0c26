/* cli_passage.c - how `align`, `overlap` and `query --mode overlap` print a
 * passage: JSON fields (and, with --excerpts, its words), and a text view
 * of both sides: whole, or shortened on a terminal, with --context words. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "cli.h"
#include "edits.h"
#include "offmap.h"
#include "record.h"
#include "terms.h"

void nd_print_passage_fields(FILE *f, const nd_passage *p)
{
    /* the fields of the first release, then how the words align (words =
     * matches + substituted + inserted + deleted) */
    fprintf(f, "\"a_start\": %u, \"a_end\": %u, \"b_start\": %u, \"b_end\": %u, \"words\": %u, "
               "\"identity\": %.4g, \"matches\": %u, \"substituted\": %u, \"inserted\": %u, \"deleted\": %u",
            p->a_start, p->a_end, p->b_start, p->b_end, p->words, p->identity, p->matches, p->substituted,
            p->inserted, p->deleted);
}

/* Writes text[start, end) on one line: line breaks and tabs become spaces,
 * other control characters are shown as '?', so a passage cannot move the
 * cursor or hide text in a terminal.  Clean runs go out with one fwrite each
 * (putc per byte, with its lock, was a fifth of `overlap`'s time on
 * news-40k), found 8 bytes at a time. */
static void put_excerpt(FILE *f, const char *text, uint32_t start, uint32_t end)
{
    const uint64_t ones = UINT64_C(0x0101010101010101), highs = UINT64_C(0x8080808080808080);
    uint32_t run = start;
    for (uint32_t i = start; i < end;) {
        if (end - i >= 8) {
            uint64_t w, del;
            memcpy(&w, text + i, 8);
            del = w ^ (0x7f * ones);
            /* no byte below 0x20 and none equal to 0x7f (bytes >= 0x80 never flag) */
            if (!(((w - 0x20 * ones) & ~w & highs) | ((del - ones) & ~del & highs))) {
                i += 8;
                continue;
            }
        }
        unsigned char c = (unsigned char)text[i];
        if (c >= 0x20 && c != 0x7f) {
            i++;
            continue;
        }
        if (i > run) fwrite(text + run, 1, i - run, f);
        putc(c == '\n' || c == '\r' || c == '\t' ? ' ' : '?', f);
        run = ++i;
    }
    if (end > run) fwrite(text + run, 1, end - run, f);
}

void nd_print_excerpt(FILE *f, const char *text, uint32_t start, uint32_t end)
{
    put_excerpt(f, text, start, end);
}

/* text[start, end) with the edited words in their colours (marks in byte
 * order, inside [start, end)), the rest in colour on; off ends a colour. */
static void put_marked(FILE *f, const char *text, uint32_t start, uint32_t end, const nd_edit_mark *m, size_t n,
                       const char *on, const char *off)
{
    uint32_t at = start;
    for (size_t i = 0; i < n; i++) {
        uint32_t s = m[i].start < at ? at : m[i].start, e = m[i].end > end ? end : m[i].end;
        if (s >= e) continue;
        put_excerpt(f, text, at, s);
        fputs(m[i].op == ND_EDIT_SUB ? ND_COLOR_SUB : ND_COLOR_INDEL, f);
        put_excerpt(f, text, s, e);
        fprintf(f, "%s%s", off, on);
        at = e;
    }
    put_excerpt(f, text, at, end);
}

void nd_print_passage_excerpts(FILE *f, const nd_passage *p, const char *a_text, const char *b_text)
{
    fputs(", \"a_text\": ", f);
    nd_json_write_string(f, a_text ? a_text + p->a_start : "", a_text ? p->a_end - p->a_start : 0);
    fputs(", \"b_text\": ", f);
    nd_json_write_string(f, b_text ? b_text + p->b_start : "", b_text ? p->b_end - p->b_start : 0);
}

/* ---------- the text view's context and shortening ----------
 * A displayed word is a run of non-space bytes (the reader's view of a
 * word, punctuation included), not the tokenizer's: context and the
 * shortened middle are for reading, and cut only at spaces. */

static int is_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

/* Where the n words before at begin (the spaces up to at included). */
static size_t words_before(const char *t, size_t at, unsigned n)
{
    size_t i = at;
    for (unsigned k = 0; k < n; k++) {
        while (i > 0 && is_space((unsigned char)t[i - 1])) i--;
        if (i == 0) break;
        while (i > 0 && !is_space((unsigned char)t[i - 1])) i--;
    }
    return i;
}

/* Where the n words after at end (the spaces from at included). */
static size_t words_after(const char *t, size_t len, size_t at, unsigned n)
{
    size_t i = at;
    for (unsigned k = 0; k < n; k++) {
        while (i < len && is_space((unsigned char)t[i])) i++;
        if (i == len) break;
        while (i < len && !is_space((unsigned char)t[i])) i++;
    }
    return i;
}

/* Whether t[from, to) holds anything but spaces. */
static int has_words(const char *t, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        if (!is_space((unsigned char)t[i])) return 1;
    return 0;
}

static size_t count_words(const char *t, size_t from, size_t to)
{
    size_t n = 0;
    for (size_t i = from; i < to; i++)
        n += !is_space((unsigned char)t[i]) && (i == from || is_space((unsigned char)t[i - 1]));
    return n;
}

/* A cut near at inside (lo, hi): the nearest space at or before at (back
 * to lo), else the UTF-8 character boundary at or before at. */
static size_t cut_at(const char *t, size_t lo, size_t at)
{
    for (size_t i = at; i > lo; i--)
        if (is_space((unsigned char)t[i])) return i;
    while (at > lo && ((unsigned char)t[at] & 0xc0) == 0x80) at--;
    return at;
}

#define SHORT_KEEP (ND_EXCERPT_SCREEN / 2)

/* A context line ("before: ...words", "after: words..."), when there is
 * context: its own line, so the excerpt's line stays what it is without
 * --context, and no quote in the text can blur where the passage ends. */
static void put_context(FILE *f, const char *what, const char *text, size_t len, size_t from, size_t to,
                        const nd_passage_view *v)
{
    while (from < to && is_space((unsigned char)text[from])) from++;
    while (to > from && is_space((unsigned char)text[to - 1])) to--;
    if (from == to) return;
    fprintf(f, "      %s%s: %s", v->color ? "\033[2m" : "", what, !strcmp(what, "before") && has_words(text, 0, from) ? "..." : "");
    put_excerpt(f, text, (uint32_t)from, (uint32_t)to);
    fprintf(f, "%s%s\n", !strcmp(what, "after") && has_words(text, to, len) ? "..." : "", v->color ? "\033[0m" : "");
}

/* One side's words: the context before (--context), the excerpt in quotes
 * (shortened in the middle when asked and longer than a screen), the
 * context after. */
static void put_side(FILE *f, const char *text, size_t len, uint32_t start, uint32_t end, const nd_edit_mark *m,
                     size_t nm, const nd_passage_view *v, const char *on, const char *off)
{
    if (text && v->context) put_context(f, "before", text, len, words_before(text, start, v->context), start, v);
    fprintf(f, "      \"%s", on);
    if (text && v->shorten && end - start > ND_EXCERPT_SCREEN) {
        /* the head ends at a space, the tail starts after one: the marker
         * counts exactly the words left out */
        size_t h = cut_at(text, start, start + SHORT_KEEP), t = cut_at(text, h, end - SHORT_KEEP);
        if (t < end && is_space((unsigned char)text[t])) t++;
        put_marked(f, text, start, (uint32_t)h, m, nm, on, off);
        fprintf(f, "%s%s [... %zu words ...] %s%s", off, v->color ? "\033[2m" : "", count_words(text, h, t), off, on);
        put_marked(f, text, (uint32_t)t, end, m, nm, on, off);
    } else if (text) {
        put_marked(f, text, start, end, m, nm, on, off);
    }
    fprintf(f, "%s\"\n", off);
    if (text && v->context) put_context(f, "after", text, len, end, words_after(text, len, end, v->context), v);
}

void nd_print_passage_text(FILE *f, unsigned i, const nd_passage *p, const nd_passage *orig, const char *a_id,
                           const char *a_text, size_t a_len, const char *b_id, const char *b_text, size_t b_len,
                           const nd_passage_view *v, const nd_passage_marks *m)
{
    if (!orig) orig = p;
    /* colour: ids in cyan, matching words in bold yellow, edited words
     * (with marks) in magenta (substituted) or red (inserted, deleted) */
    int color = v->color;
    const char *id_on = color ? "\033[36m" : "", *txt_on = color ? ND_COLOR_MATCH : "",
               *off = color ? "\033[0m" : "";
    if (!color) m = NULL;
    fprintf(f, "  passage %u: %u words, %u matching, identity %.3f (%u substituted, %u inserted, %u deleted)\n", i,
            p->words, p->matches, p->identity, p->substituted, p->inserted, p->deleted);
    /* the words (and marks) are cut at p's text offsets; orig's are printed */
    fprintf(f, "    %s%s:%u-%u%s\n", id_on, a_id, orig->a_start, orig->a_end, off);
    put_side(f, a_text, a_len, p->a_start, p->a_end, m ? m->a : NULL, m ? m->na : 0, v, txt_on, off);
    fprintf(f, "    %s%s:%u-%u%s\n", id_on, b_id, orig->b_start, orig->b_end, off);
    put_side(f, b_text, b_len, p->b_start, p->b_end, m ? m->b : NULL, m ? m->nb : 0, v, txt_on, off);
}

int nd_print_pair(FILE *f, int format, const nd_overlap_pair *p, const char *a, size_t la, const char *b, size_t lb,
                  const char *a_text, size_t a_len, const char *b_text, size_t b_len, const nd_doc_words *wa,
                  const nd_doc_words *wb, const nd_map_run *ma, size_t na, const nd_map_run *mb, size_t nb,
                  const nd_passage_view *v)
{
    /* passages are held in text offsets (the excerpts and marks are cut
     * there) and written in the original files' (offmap.h) */
    if (format == ND_FMT_JSONL) {
        fputs("{\"a\": ", f);
        nd_json_write_string(f, a, la);
        fputs(", \"b\": ", f);
        nd_json_write_string(f, b, lb);
        fprintf(f, ", \"shared_words\": %llu, \"containment_a\": %.4g, \"containment_b\": %.4g, \"passages\": [",
                (unsigned long long)p->shared_words, p->containment_a, p->containment_b);
        for (size_t i = 0; i < p->np; i++) {
            nd_passage o = p->p[i];
            nd_passage_to_original(&o, ma, na, mb, nb);
            fputs(i ? ", {" : "{", f);
            nd_print_passage_fields(f, &o);
            if (v->excerpts) nd_print_passage_excerpts(f, &p->p[i], a_text, b_text);
            fputc('}', f);
        }
        fputs("]}\n", f);
        return 0;
    }
    char *ea = nd_id_text_dup(a, la), *eb = nd_id_text_dup(b, lb);
    if (!ea || !eb) {
        free(ea);
        free(eb);
        return -1;
    }
    fprintf(f, "%s  %s  %llu shared words in %zu passage%s (containment %.3f / %.3f)\n", ea, eb,
            (unsigned long long)p->shared_words, p->np, p->np == 1 ? "" : "s", p->containment_a,
            p->containment_b);
    for (size_t i = 0; i < p->np; i++) {
        nd_passage_marks m = {0};
        /* the edited words are marked in colour only (without, the excerpts stay the texts' own bytes) */
        int marked = v->color && wa && wb && !nd_passage_marks_make(&p->p[i], wa, wb, NULL, &m);
        nd_passage o = p->p[i];
        nd_passage_to_original(&o, ma, na, mb, nb);
        nd_print_passage_text(f, (unsigned)i + 1, &p->p[i], &o, ea, a_text, a_len, eb, b_text, b_len, v,
                              marked ? &m : NULL);
        nd_passage_marks_free(&m);
    }
    free(ea);
    free(eb);
    return 0;
}

int nd_cli_language(const char *arg)
{
    nd_error err = {0, ""};
    nd_lang *l = nd_lang_create(arg, &err);
    if (!l) return nd_cli_error(err.code, "--language: %s", err.msg);
    nd_lang_free(l);
    return 0;
}
