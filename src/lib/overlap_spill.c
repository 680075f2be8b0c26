/* overlap_spill.c - overlap --memory, the loading half (see
 * overlap_spill.h): each batch of documents from the pipeline is packed
 * into the document file and its anchor occurrences spread over the
 * partition lists of the anchor file, in input order, so a partition's
 * occurrences come back in (document, position) order. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "doc_pack.h"
#include "overlap_spill.h"
#include "reader.h"

/* Records are written a megabyte at a time. */
#define WRITE_BYTES ((size_t)1 << 20)

int nd_spill_store_init(nd_spill_store *s, uint64_t memory, const char *tmpdir, const nd_overlap_opts *o,
                        const nd_pipeline_opts *po, nd_error *err)
{
    memset(s, 0, sizeof *s);
    s->doc_fd = s->anc_fd = -1;
    s->tmpdir = tmpdir;
    s->memory = memory;
    s->k = o->align.seed_len ? o->align.seed_len : 1;
    /* What does not grow with the corpus comes off the top, as for dedup
     * --memory (spill.c): the pipeline's batch slots (2 x threads + 2, each
     * a raw batch, its documents' words and anchors), the reader's buffers,
     * the program, and each aligning thread's scratch. */
    uint64_t nt = po->threads ? po->threads : nd_online_cpus();
    uint64_t slot = po->batch_bytes <= ((size_t)256 << 10) ? 2 : 4; /* MiB a slot, as measured on news-40k */
    /* --edited: each aligning thread's sentence units of two documents, the stemmer (measured: news-40k
     * at --memory 64M went 4 MB past it without these) */
    uint64_t fixed = (16 + (2 * nt + 2) * slot + nt * (o->align.verbatim ? 2 : 8)) << 20;
    s->budget = nd_memory_budget(memory, fixed);
    s->fixed = fixed;
    /* the partitions' buffers: an eighth of the budget, 4 KiB to 64 KiB each */
    s->pcap = (size_t)(s->budget / 8 / ND_SPILL_PARTS / sizeof(nd_anchor));
    if (s->pcap < 256) s->pcap = 256;
    if (s->pcap > 4096) s->pcap = 4096;
    s->wcap = WRITE_BYTES;
    if ((s->doc_fd = nd_tmp_open(tmpdir, err)) < 0 || (s->anc_fd = nd_tmp_open(tmpdir, err)) < 0) {
        nd_spill_store_free(s);
        return err->code;
    }
    s->pbuf = malloc(ND_SPILL_PARTS * s->pcap * sizeof *s->pbuf);
    s->pn = calloc(ND_SPILL_PARTS, sizeof *s->pn);
    s->wbuf = malloc(s->wcap);
    s->pre = calloc(ND_SPILL_PREFIXES, sizeof *s->pre);
    if (!s->pbuf || !s->pn || !s->wbuf || !s->pre) {
        nd_spill_store_free(s);
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
    }
    return NEARDUP_OK;
}

uint64_t nd_spill_memory_for(const nd_spill_store *s, uint64_t b)
{
    return nd_memory_for_budget(b, s->fixed) + s->aside;
}

void nd_spill_store_free(nd_spill_store *s)
{
    if (s->doc_fd >= 0) close(s->doc_fd);
    if (s->anc_fd >= 0) close(s->anc_fd);
    free(s->off);
    free(s->ntok);
    free(s->wbuf);
    free(s->pbuf);
    free(s->pn);
    free(s->ext);
    free(s->pre);
    memset(s, 0, sizeof *s);
    s->doc_fd = s->anc_fd = -1;
}

static int disk_error(nd_error *err, const char *what)
{
    return nd_fail(err, NEARDUP_E_IO, "cannot write %s to the temporary directory: %s (see --tmp)", what,
                   strerror(errno ? errno : ENOSPC));
}

int nd_spill_flush_docs(nd_spill_store *s, nd_error *err)
{
    if (s->wn && nd_pwrite_all(s->doc_fd, s->wbuf, s->wn, s->doc_bytes - s->wn)) return disk_error(err, "documents");
    s->wn = 0;
    return NEARDUP_OK;
}

int nd_spill_flush_part(nd_spill_store *s, uint32_t p, nd_error *err)
{
    uint32_t n = s->pn[p];
    if (!n) return NEARDUP_OK;
    if (nd_grow((void **)&s->ext, &s->ext_cap, s->next + 1, sizeof *s->ext))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
    if (nd_pwrite_all(s->anc_fd, s->pbuf + (size_t)p * s->pcap, n * sizeof *s->pbuf, s->anc_bytes))
        return disk_error(err, "anchors");
    s->ext[s->next++] = (nd_spill_extent){s->anc_bytes, p, n};
    s->anc_bytes += n * sizeof *s->pbuf;
    s->pn[p] = 0;
    return NEARDUP_OK;
}

/* One document's record into the write buffer (a large one written alone). */
static int put_doc(nd_spill_store *s, const nd_doc_ref *d, nd_error *err)
{
    size_t bytes = nd_doc_pack_bytes(d, 0, 1);
    if (s->wn + bytes > s->wcap && nd_spill_flush_docs(s, err)) return err->code;
    if (bytes > s->wcap) {
        char *p = malloc(bytes);
        if (!p) return nd_fail(err, NEARDUP_E_NOMEM, "out of memory writing a document of %llu words",
                               (unsigned long long)d->ntok);
        nd_doc_pack(p, d, 0, NULL, 0, 1);
        int rc = nd_pwrite_all(s->doc_fd, p, bytes, s->doc_bytes) ? disk_error(err, "documents") : NEARDUP_OK;
        free(p);
        s->doc_bytes += bytes;
        return rc;
    }
    nd_doc_pack(s->wbuf + s->wn, d, 0, NULL, 0, 1);
    s->wn += bytes;
    s->doc_bytes += bytes;
    return NEARDUP_OK;
}

static int on_batch(void *user, uint64_t first, size_t n, const nd_doc_ref *ref, const nd_anchor *anc, size_t nanc,
                    nd_error *err)
{
    nd_spill_store *s = user;
    uint64_t base = s->base, end = base + first + n;
    if (end > UINT32_MAX - 1) return nd_fail(err, NEARDUP_E_INPUT, "overlap handles at most 4294967294 documents");
    if (nd_grow((void **)&s->off, &s->cap, end + 1, sizeof *s->off) ||
        nd_grow((void **)&s->ntok, &s->ntok_cap, end, sizeof *s->ntok))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory holding the documents' offsets");
    for (size_t i = 0; i < n; i++) {
        uint64_t d = base + first + i;
        s->off[d] = s->doc_bytes;
        s->ntok[d] = ref[i].ntok < UINT32_MAX ? (uint32_t)ref[i].ntok : UINT32_MAX;
        s->ntok_all += ref[i].ntok;
        s->text_len += ref[i].text_len;
        if (put_doc(s, &ref[i], err)) return err->code;
        s->off[d + 1] = s->doc_bytes;
    }
    for (size_t i = 0; i < nanc; i++) {
        uint32_t p = (uint32_t)(anc[i].hash >> 56);
        nd_anchor a = anc[i];
        a.doc += (uint32_t)base;
        s->pbuf[(size_t)p * s->pcap + s->pn[p]++] = a;
        s->pre[a.hash >> 48]++;
        if (s->pn[p] == s->pcap && nd_spill_flush_part(s, p, err)) return err->code;
    }
    return NEARDUP_OK;
}

int nd_spill_store_load(nd_spill_store *s, nd_reader *r, const nd_pipeline_opts *po, const nd_overlap_opts *o,
                        nd_corpus_info *ci, nd_error *err)
{
    _Static_assert(ND_SPILL_PARTS == 256, "partitions are the top 8 bits of the hash");
    s->base = s->n;
    nd_overlap_batches b = {on_batch, s};
    int rc = nd_overlap_load_batches(r, po, o, &b, ci, err);
    /* every record came in some batch; an empty input in none */
    if (nd_grow((void **)&s->off, &s->cap, s->base + ci->n + 1, sizeof *s->off))
        return rc ? rc : nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
    s->n = s->base + ci->n;
    s->off[s->n] = s->doc_bytes;
    return rc;
}
