/* fuzz_record.c - the JSONL record parser (simdjson, cJSON and jansson paths) and
 * the JSON string writer on arbitrary bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nd.h"
#include "reader.h"
#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nd_record_opts o = {.id_field = "id", .text_field = "text"};
    nd_record_parser *p = nd_record_parser_create(&o);
    nd_raw_record rec = {0, size, 0, 1, 1, ND_FORMAT_JSONL, 0};
    nd_doc d;
    nd_error err;
    if (nd_record_parse(p, &rec, (const char *)data, "fuzz", &d, &err) == NEARDUP_OK) {
        FILE *f = fopen("/dev/null", "w");
        if (f) {
            nd_json_write_string(f, d.id, d.id_len);
            nd_json_write_string(f, d.text, d.text_len);
            fclose(f);
        }
    }
    nd_record_parser_free(p);
    return 0;
}
