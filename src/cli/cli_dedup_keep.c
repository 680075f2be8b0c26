/* cli_dedup_keep.c - `dedup --keep` and `dedup --removed`: the keys that
 * choose each cluster's kept document, and the records of the removed ones.
 *
 * The keys are read in a pass of their own over the inputs, between the
 * clustering and the writing, and only for the records in clusters of two
 * or more: the first pass keeps no text and no field of any record (a
 * corpus of a billion records would pay 8 bytes each for a key that
 * matters to a few percent of them). */
#include <stdlib.h>
#include <string.h>

#include "cli_dedup.h"
#include "cluster.h"
#include "dedup_record.h"
#include "reader.h"
#include "record.h"

int nd_dedup_keys(dedup_ctx *c, double **keyp, nd_error *err)
{
    nd_job *j = &c->job;
    uint64_t n = c->nix + j->ci.n; /* numbers: the indexes' documents first (cli_dedup.h) */
    *keyp = NULL;
    /* a key matters where a cluster of two or more holds no reference */
    uint32_t *size = calloc(n ? n : 1, sizeof *size);
    double *key = calloc(n ? n : 1, sizeof *key);
    nd_record_opts ro = j->common.rec;
    ro.lossy = j->common.lossy;
    nd_record_parser *rp = nd_record_parser_create(&ro);
    nd_batch b = {0};
    int rc = size && key && rp ? NEARDUP_OK : nd_fail(err, NEARDUP_E_NOMEM, "out of memory reading --keep's keys");
    for (uint64_t i = 0; !rc && i < n; i++) size[c->rep[i]]++;
    for (size_t i = 0; !rc && i < c->nref_files; i++) nd_reader_exclude(j->reader, i);
    if (!rc) rc = nd_reader_rewind(j->reader, err);
    uint64_t r = c->nref - c->nix; /* the job's record */
    while (!rc) {
        int got = nd_reader_next(j->reader, &b, 1 << 20, err);
        if (got < 0) rc = err->code ? err->code : -got;
        if (got <= 0) break;
        for (size_t i = 0; !rc && i < b.n; i++, r++) {
            if (r >= j->ci.n) {
                rc = nd_fail(err, NEARDUP_E_IO, "%s changed while it was being read",
                             nd_reader_path(j->reader, b.rec[i].input));
                break;
            }
            uint32_t root = c->rep[c->nix + r];
            if (j->ci.skipped[r] || size[root] < 2 || root < c->nref) continue;
            rc = nd_keep_key(c->keep, c->keep_field, rp, &b.rec[i], b.buf + b.rec[i].off,
                             nd_reader_path(j->reader, b.rec[i].input), nd_corpus_id(&j->ci, r),
                             nd_corpus_id_len(&j->ci, r), &key[c->nix + r], err);
        }
    }
    if (!rc && r != j->ci.n)
        rc = nd_fail(err, NEARDUP_E_IO, "the inputs changed while they were being read (%llu records, then %llu)",
                     (unsigned long long)j->ci.n, (unsigned long long)r);
    nd_batch_free(&b);
    nd_record_parser_free(rp);
    free(size);
    if (rc) {
        free(key);
        return rc;
    }
    *keyp = key;
    return NEARDUP_OK;
}

int nd_dedup_write_removed(const dedup_ctx *c, FILE *f)
{
    const nd_job *j = &c->job;
    for (uint64_t i = c->nref; i < c->nix + j->ci.n; i++) {
        if (c->ch.kept[i] || c->ch.cluster[i] == UINT32_MAX) continue; /* kept, or skipped */
        uint32_t a = c->ch.anchor[i];
        double x = nd_dedup_score(c, i, a);
        if (x < 0) return NEARDUP_E_IO;
        size_t len;
        const char *id = nd_dedup_id(c, i, &len);
        fputs("{\"id\": ", f);
        nd_json_write_string(f, id, len);
        fputs(", \"duplicate_of\": ", f);
        id = nd_dedup_id(c, a, &len);
        nd_json_write_string(f, id, len);
        if (j->metric == ND_METRIC_SIMHASH) fprintf(f, ", \"score\": %d", (int)x);
        else fprintf(f, ", \"score\": %.6g", x);
        fprintf(f, ", \"cluster\": %u}\n", c->ch.cluster[i]);
    }
    return NEARDUP_OK;
}
