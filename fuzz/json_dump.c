/* json_dump.c - what nd_record_parse makes of every line of a file, one line
 * out per line in: "LINE STATUS ID | TEXT_LEN TEXT | REPLACED CTRL", or
 * "LINE STATUS MESSAGE".  fuzz/json_paths_diff.sh runs it from the simdjson
 * build and from the plain C build (cJSON + jansson) and compares.
 * usage: json_dump FILE MODE   (0 plain, 1 --lossy, 2 --text-field a.b,
 *                               3 plain with the reader's padding promise) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nd.h"
#include "reader.h"
#include "record.h"

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: json_dump FILE MODE\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    size_t cap = (size_t)1 << 20, n = 0, k;
    char *buf = malloc(cap + ND_RECORD_PAD);
    while (buf && (k = fread(buf + n, 1, cap - n, f)) > 0)
        if ((n += k) == cap) buf = realloc(buf, (cap *= 2) + ND_RECORD_PAD);
    fclose(f);
    if (!buf) return 1;
    memset(buf + n, 0, ND_RECORD_PAD);
    int mode = atoi(argv[2]);
    nd_record_opts o = {.lossy = mode == 1, .text_field = mode == 2 ? "a.b" : NULL, .padded = mode == 3};
    nd_record_parser *p = nd_record_parser_create(&o);
    if (!p) return 1;
    uint64_t line = 0;
    for (char *q = buf; q < buf + n;) {
        char *e = memchr(q, '\n', (size_t)(buf + n - q));
        if (!e) e = buf + n;
        nd_raw_record r = {0, (size_t)(e - q), 0, 1, ++line, ND_FORMAT_JSONL, 0};
        nd_doc d;
        nd_error err = {0, ""};
        int rc = nd_record_parse(p, &r, q, "f", &d, &err);
        printf("%llu %d ", (unsigned long long)line, rc);
        if (rc) {
            printf("%s\n", err.msg);
        } else {
            fwrite(d.id, 1, d.id_len, stdout);
            printf(" | %zu ", d.text_len);
            fwrite(d.text, 1, d.text_len, stdout);
            printf(" | %zu %zu\n", d.replaced, d.ctrl);
        }
        q = e + 1;
    }
    nd_record_parser_free(p);
    free(buf);
    return 0;
}
