/* cli_passage.c - how `align`, `overlap` and `query --mode overlap` print a
 * passage: JSON fields, and a text view that shows both sides in full. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "edits.h"
#include "offmap.h"
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

void nd_print_passage_text(FILE *f, unsigned i, const nd_passage *p, const nd_passage *orig, const char *a_id,
                           const char *a_text, const char *b_id, const char *b_text, int color,
                           const nd_passage_marks *m)
{
    if (!orig) orig = p;
    /* colour: ids in cyan, matching words in bold yellow, edited words
     * (with marks) in magenta (substituted) or red (inserted, deleted) */
    const char *id_on = color ? "\033[36m" : "", *txt_on = color ? ND_COLOR_MATCH : "",
               *off = color ? "\033[0m" : "";
    if (!color) m = NULL;
    fprintf(f, "  passage %u: %u words, %u matching, identity %.3f (%u substituted, %u inserted, %u deleted)\n", i,
            p->words, p->matches, p->identity, p->substituted, p->inserted, p->deleted);
    /* the words (and marks) are cut at p's text offsets; orig's are printed */
    fprintf(f, "    %s%s:%u-%u%s\n      \"%s", id_on, a_id, orig->a_start, orig->a_end, off, txt_on);
    if (a_text) put_marked(f, a_text, p->a_start, p->a_end, m ? m->a : NULL, m ? m->na : 0, txt_on, off);
    fprintf(f, "%s\"\n    %s%s:%u-%u%s\n      \"%s", off, id_on, b_id, orig->b_start, orig->b_end, off, txt_on);
    if (b_text) put_marked(f, b_text, p->b_start, p->b_end, m ? m->b : NULL, m ? m->nb : 0, txt_on, off);
    fprintf(f, "%s\"\n", off);
}

int nd_print_pair(FILE *f, int format, const nd_overlap_pair *p, const char *a, size_t la, const char *b, size_t lb,
                  const char *a_text, const char *b_text, const nd_doc_words *wa, const nd_doc_words *wb,
                  const nd_map_run *ma, size_t na, const nd_map_run *mb, size_t nb, int color)
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
            fputc('}', f);
        }
        fputs("]}\n", f);
        return 0;
    }
    /* ids escaped (nd_id_text: 4 bytes a byte at most) */
    char *ea = malloc(4 * la + 8), *eb = malloc(4 * lb + 8);
    if (!ea || !eb) {
        free(ea);
        free(eb);
        return -1;
    }
    nd_id_text(ea, 4 * la + 8, a, la);
    nd_id_text(eb, 4 * lb + 8, b, lb);
    fprintf(f, "%s  %s  %llu shared words in %zu passage%s (containment %.3f / %.3f)\n", ea, eb,
            (unsigned long long)p->shared_words, p->np, p->np == 1 ? "" : "s", p->containment_a,
            p->containment_b);
    for (size_t i = 0; i < p->np; i++) {
        nd_passage_marks m = {0};
        /* the edited words are marked in colour only (without, the excerpts stay the texts' own bytes) */
        int marked = color && wa && wb && !nd_passage_marks_make(&p->p[i], wa, wb, NULL, &m);
        nd_passage o = p->p[i];
        nd_passage_to_original(&o, ma, na, mb, nb);
        nd_print_passage_text(f, (unsigned)i + 1, &p->p[i], &o, ea, a_text, eb, b_text, color, marked ? &m : NULL);
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
