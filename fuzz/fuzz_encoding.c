/* fuzz_encoding.c - encoding detection and decoding (BOM, <meta> prescan,
 * uchardet, iconv by table and by character) on arbitrary bytes: the text
 * must be valid UTF-8 (unless lossy left bad bytes for the tokenizer) and
 * every map run inside the input. */
#include <stdlib.h>
#include <string.h>

#include "encoding.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* the first byte picks the mode: auto, a forced label, a declared charset */
    static const char *const labels[] = {NULL, "windows-1252", "shift_jis", "utf-16le", "koi8-r", "gb18030", "iso-2022-jp", "utf-8"};
    unsigned mode = size ? data[0] : 0;
    const char *forced = (mode & 8) ? labels[mode & 7] : NULL;
    const char *declared = (mode & 16) ? labels[(mode >> 5) & 7] : NULL;
    int lossy = (mode & 4) != 0;
    nd_decoder *d = nd_decoder_create(forced, lossy, NULL);
    if (!d) return 0;
    nd_decoded out;
    nd_error err;
    const char *s = (const char *)data + (size ? 1 : 0);
    size_t n = size ? size - 1 : 0;
    if (nd_decode(d, s, n, declared, mode & 2, "fuzz", &out, &err) == NEARDUP_OK) {
        if (!lossy && !(forced && !strcmp(forced, "utf-8")) && !nd_utf8_valid(out.text, out.len, NULL)) abort();
        for (size_t i = 0; i < out.nmap; i++)
            if (out.map[i].o > out.map[i].oe || out.map[i].oe > n) abort();
        if (out.nmap && out.map[out.nmap - 1].t != out.len) abort();
    }
    char label[48];
    size_t at;
    if (nd_html_meta_charset(s, n, label, sizeof label, &at) && (at >= n || strlen(label) >= sizeof label)) abort();
    nd_decoder_free(d);
    return 0;
}
