/* fuzz_html.c - the HTML reader (gumbo + the text/original walk of html.c)
 * on arbitrary bytes: every map run must lie inside the page and the runs
 * must tile the text in order, whatever the markup. */
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "record.h"

static void check_map(const nd_offmap *m, size_t text_len, size_t n)
{
    if (!m->n) return;
    if (m->run[m->n - 1].t != text_len) abort();
    for (size_t i = 0; i < m->n; i++) {
        const nd_map_run *r = &m->run[i];
        if (r->o > r->oe || r->oe > n) abort();
        if (i && r->t < m->run[i - 1].t) abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nd_html *h = nd_html_create(size & 1);
    const char *t;
    size_t len;
    const nd_offmap *m;
    nd_error err;
    if (nd_html_text(h, (const char *)data, size, "fuzz", &t, &len, &m, &err) == NEARDUP_OK) {
        check_map(m, len, size);
        for (uint32_t p = 0; p <= len; p += 7) /* lookups stay inside the page */
            if (nd_offmap_start(m->run, m->n, p) > size || nd_offmap_end(m->run, m->n, p) > size) abort();
    }
    nd_html_free(h);
    return 0;
}
