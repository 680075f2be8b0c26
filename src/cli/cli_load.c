/* cli_load.c - one whole document from one input, for commands that take
 * documents one by one (align). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void nd_loaded_doc_free(nd_loaded_doc *d)
{
    free(d->id);
    free(d->text);
    free(d->map);
    memset(d, 0, sizeof *d);
}

int nd_cli_load_one(const nd_common *c, const char *path, const nd_pipeline_opts *po, nd_loaded_doc *d,
                    nd_tokens *tok, nd_error *err)
{
    return nd_cli_load_id(c, path, NULL, po, d, tok, err);
}

int nd_cli_load_id(const nd_common *c, const char *path, const char *want, const nd_pipeline_opts *po,
                   nd_loaded_doc *d, nd_tokens *tok, nd_error *err)
{
    char *in[1] = {(char *)path};
    nd_reader *r = nd_cli_open_inputs(c, po, in, 1, err);
    if (!r) return err->code;
    nd_batch b = {0};
    nd_record_parser *rp = nd_record_parser_create(&po->rec);
    nd_tokenizer *tk = nd_tokenizer_create(po->token_seed, po->lossy);
    int rc = rp && tk ? NEARDUP_OK : nd_fail(err, NEARDUP_E_NOMEM, "out of memory reading %s", path);
    if (tk && po->keyed) nd_tokenizer_set_secret(tk, po->token_secret);
    size_t nrec = 0, found = 0;
    int got;
    while (!rc && (got = nd_reader_next(r, &b, (size_t)1 << 30, err)) != 0) {
        if (got < 0) {
            rc = err->code ? err->code : -got;
            break;
        }
        for (size_t i = 0; i < b.n && !rc; i++, nrec++) {
            if (nrec > 0 && !want) {
                rc = nd_fail(err, NEARDUP_E_USAGE, "%s holds more than one record; align takes one document "
                             "per input (use neardup overlap for collections)", path);
                break;
            }
            nd_doc doc;
            const nd_raw_record *rec = &b.rec[i];
            rc = nd_record_parse(rp, rec, b.buf + rec->off, nd_reader_path(r, rec->input), &doc, err);
            if (rc) break;
            /* with an id: stream past the other records, and read all of
             * them, so an id given twice is an error and not a guess */
            if (want && (doc.id_len != strlen(want) || memcmp(doc.id, want, doc.id_len))) continue;
            if (want && found++) {
                rc = nd_fail(err, NEARDUP_E_INPUT, "%s%s%llu: a second record with id \"%s\"", path,
                             rec->line ? ":" : "", (unsigned long long)rec->line, want);
                break;
            }
            size_t bad = 0, replaced = 0;
            rc = nd_tokenize(tk, doc.text, doc.text_len, tok, &bad, &replaced);
            if (rc == NEARDUP_E_UTF8) {
                rc = nd_fail(err, rc, "%s%s%llu: invalid UTF-8 at byte %zu of the text (use --lossy to "
                             "replace bad bytes)", path, rec->line ? ":" : "", (unsigned long long)rec->line,
                             bad);
                break;
            }
            if (rc) {
                nd_fail(err, rc, "%s: %s", path, neardup_strerror(rc));
                break;
            }
            d->id = malloc(doc.id_len + 1); /* every byte of the id, NUL included */
            if (d->id) memcpy(d->id, doc.id, doc.id_len), d->id[doc.id_len] = 0;
            d->id_len = doc.id_len;
            d->text = malloc(doc.text_len + 1);
            if (!d->id || !d->text) {
                rc = nd_fail(err, NEARDUP_E_NOMEM, "out of memory reading %s", path);
                break;
            }
            memcpy(d->text, doc.text, doc.text_len);
            d->text[doc.text_len] = 0;
            d->len = doc.text_len;
            d->replaced = replaced + doc.replaced;
            if (doc.nmap && !(d->map = malloc(doc.nmap * sizeof *d->map))) {
                rc = nd_fail(err, NEARDUP_E_NOMEM, "out of memory reading %s", path);
                break;
            }
            if (doc.nmap) memcpy(d->map, doc.map, doc.nmap * sizeof *d->map);
            d->nmap = doc.nmap;
        }
    }
    if (!rc && nrec == 0) rc = nd_fail(err, NEARDUP_E_INPUT, "%s holds no record", path);
    else if (!rc && want && !found) rc = nd_fail(err, NEARDUP_E_INPUT, "%s holds no record with id \"%s\"", path, want);
    nd_batch_free(&b);
    nd_record_parser_free(rp);
    nd_tokenizer_free(tk);
    nd_reader_free(r);
    if (rc) nd_loaded_doc_free(d);
    return rc;
}
