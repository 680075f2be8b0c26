/* cli_passage.c - how `align`, `overlap` and `query --mode overlap` print a
 * passage: JSON fields, and a text view that shows both sides in full. */
#include <stdint.h>
#include <string.h>

#include "cli.h"

void nd_print_passage_fields(FILE *f, const nd_passage *p)
{
    fprintf(f, "\"a_start\": %u, \"a_end\": %u, \"b_start\": %u, \"b_end\": %u, \"words\": %u, "
               "\"identity\": %.4g",
            p->a_start, p->a_end, p->b_start, p->b_end, p->words, p->identity);
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

void nd_print_passage_text(FILE *f, unsigned i, const nd_passage *p, const nd_passage *orig, const char *a_id,
                           const char *a_text, const char *b_id, const char *b_text, int color)
{
    if (!orig) orig = p;
    /* colour: ids in cyan, the shared words in bold yellow */
    const char *id_on = color ? "\033[36m" : "", *txt_on = color ? "\033[1;33m" : "",
               *off = color ? "\033[0m" : "";
    fprintf(f, "  passage %u: %u words, %u matching, identity %.3f\n", i, p->words, p->matches,
            p->identity);
    fprintf(f, "    %s%s:%u-%u%s\n      \"%s", id_on, a_id, orig->a_start, orig->a_end, off, txt_on);
    if (a_text) put_excerpt(f, a_text, p->a_start, p->a_end);
    fprintf(f, "%s\"\n    %s%s:%u-%u%s\n      \"%s", off, id_on, b_id, orig->b_start, orig->b_end, off, txt_on);
    if (b_text) put_excerpt(f, b_text, p->b_start, p->b_end);
    fprintf(f, "%s\"\n", off);
}
