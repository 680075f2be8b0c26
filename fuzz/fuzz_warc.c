/* fuzz_warc.c - WARC framing, classification and record parsing (chunked,
 * gzip and deflate bodies) on arbitrary bytes, then the whole reader path
 * (encoding + HTML) through nd_extract, as a worker runs it. */
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "reader.h"
#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    nd_warc_frame f;
    char why[128];
    if (nd_warc_header(s, size, &f, why, sizeof why) == 1) {
        if (f.header_len > size) abort();
        size_t blk = f.content_length < size - f.header_len ? (size_t)f.content_length : size - f.header_len;
        nd_warc_classify(s, s + f.header_len, blk, &f);
    }
    nd_record_opts o = {.id_field = (size & 1) ? "WARC-Record-ID" : "id", .text_field = "text", .lossy = (size & 2) != 0};
    nd_extractor *x = nd_extractor_create(&o, NULL);
    nd_raw_record rec = {0, size, 0, 0, 1, ND_FORMAT_WARC, 0};
    nd_doc d;
    nd_error err;
    if (x && nd_extract(x, &rec, s, "fuzz", &d, &err) == NEARDUP_OK) {
        if (!d.id || (d.text_len && !d.text)) abort();
        for (size_t i = 0; i < d.nmap; i++)
            if (d.map[i].o > d.map[i].oe) abort();
    }
    nd_extractor_free(x);
    return 0;
}
