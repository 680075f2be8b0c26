/* dedup_record.c - dedup's per-record kernels: the --keep key and the
 * --annotate'd copy (dedup_record.h). */
#include <string.h>

#include "cluster.h"
#include "dedup_record.h"
#include "reader.h"
#include "record.h"

int nd_keep_key(int mode, const char *field, nd_record_parser *rp, const nd_raw_record *rec, const char *bytes,
                const char *path, const char *id, size_t id_len, double *key, nd_error *err)
{
    if (mode == ND_KEEP_LONGEST || mode == ND_KEEP_SHORTEST) {
        nd_doc d;
        int rc = nd_record_parse(rp, rec, bytes, path, &d, err);
        if (!rc) *key = (double)d.text_len;
        return rc;
    }
    char idt[256], where[24];
    nd_id_text(idt, sizeof idt, id, id_len);
    const char *how = mode == ND_KEEP_MAX ? "max" : "min";
    if (!rec->jsonl)
        return nd_fail(err, NEARDUP_E_INPUT, "%s: record \"%s\" is not JSONL: --keep %s:%s reads a field of JSONL "
                       "records (use --keep longest or shortest)", path, idt, how, field);
    int rc = nd_json_number_field(bytes, rec->len, field, key);
    snprintf(where, sizeof where, ":%llu", (unsigned long long)rec->line);
    if (rc == 1)
        return nd_fail(err, NEARDUP_E_INPUT, "%s%s: record \"%s\" has no field \"%s\" (--keep %s:%s needs it in "
                       "every record of a cluster)", path, where, idt, field, how, field);
    if (rc)
        return nd_fail(err, NEARDUP_E_INPUT, "%s%s: record \"%s\": field \"%s\" is not a number (--keep %s:%s)",
                       path, where, idt, field, how, field);
    return NEARDUP_OK;
}

void nd_write_annotated(FILE *out, const char *rec, size_t len, uint32_t cluster)
{
    size_t close = len;
    while (close > 0 && rec[close - 1] != '}') close--;
    if (close == 0) close = len + 1; /* cannot be: a record is an object */
    fwrite(rec, 1, close - 1, out);
    fprintf(out, ", \"cluster\": %u", cluster);
    fwrite(rec + close - 1, 1, len - (close - 1), out);
    putc('\n', out);
}
