/* mpi_ids.c - record ids across the ranks of `dedup` under mpirun
 * (mpi_internal.h): the check that every id is unique (each id travels to
 * the rank of its hash, which finds the first duplicate in input order and
 * fails as one process fails, nd_corpus_check_unique_ids), and the ids of
 * given documents fetched to rank 0 from their owners (for the clusters and
 * --removed files; an index's documents' ids are rank 0's already). */
#include "mpi_dedup.h"
#include "reader.h"
#include "record.h"

#ifdef ND_HAVE_MPI

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "mpi_internal.h"

/* ---------- unique ids ---------- */

/* What travels per record: its id's hash, number and origin, then the id. */
typedef struct {
    uint64_t key, line;
    uint32_t doc, input, len;
} id_head;

#define ID_HEAD 28 /* packed size of id_head */

static void put_head(char *p, const id_head *h)
{
    memcpy(p, &h->key, 8);
    memcpy(p + 8, &h->line, 8);
    memcpy(p + 16, &h->doc, 4);
    memcpy(p + 20, &h->input, 4);
    memcpy(p + 24, &h->len, 4);
}

static void get_head(const char *p, id_head *h)
{
    memcpy(&h->key, p, 8);
    memcpy(&h->line, p + 8, 8);
    memcpy(&h->doc, p + 16, 4);
    memcpy(&h->input, p + 20, 4);
    memcpy(&h->len, p + 24, 4);
}

typedef struct {
    uint64_t key;
    uint32_t doc;
    size_t off; /* of its head in the received bytes */
} id_ent;

static int cmp_ent(const void *x, const void *y)
{
    const id_ent *a = x, *b = y;
    if (a->key != b->key) return a->key < b->key ? -1 : 1;
    return (a->doc > b->doc) - (a->doc < b->doc);
}

/* The first duplicate in (hash, doc) order among this rank's hashes - the
 * one nd_corpus_check_unique_ids finds first when the hash is the lowest. */
static int first_duplicate(const char *in, size_t total, const nd_reader *r, uint64_t *key, nd_error *err)
{
    size_t n = 0;
    for (size_t off = 0; off < total; n++) {
        id_head h;
        get_head(in + off, &h);
        off += ID_HEAD + h.len;
    }
    id_ent *e = nd_mpi_xmalloc(n * sizeof *e);
    n = 0;
    for (size_t off = 0; off < total; n++) {
        id_head h;
        get_head(in + off, &h);
        e[n] = (id_ent){h.key, h.doc, off};
        off += ID_HEAD + h.len;
    }
    qsort(e, n, sizeof *e, cmp_ent);
    int rc = NEARDUP_OK;
    for (size_t i = 0; !rc && i + 1 < n; i++) {
        id_head a, b;
        get_head(in + e[i].off, &a);
        for (size_t j = i + 1; j < n && e[j].key == e[i].key; j++) {
            get_head(in + e[j].off, &b);
            if (a.len != b.len || memcmp(in + e[i].off + ID_HEAD, in + e[j].off + ID_HEAD, a.len)) continue;
            *key = a.key;
            char idt[256], la[24], lb[24];
            rc = nd_fail(err, NEARDUP_E_INPUT,
                         "%s%s: duplicate id \"%s\" (first seen at %s%s); ids must be unique",
                         nd_reader_path(r, b.input), nd_line_suffix(lb, b.line),
                         nd_id_text(idt, sizeof idt, in + e[j].off + ID_HEAD, b.len),
                         nd_reader_path(r, a.input), nd_line_suffix(la, a.line));
            break;
        }
    }
    free(e);
    return rc;
}

/* This rank's ids, packed for the rank of their hash: bytes grouped by
 * destination, count[q] of them for rank q.  Two passes: sizes, then bytes. */
static char *pack_ids(const nd_owners *own, const nd_corpus_info *ci, size_t *count)
{
    int p = own->size;
    uint64_t n = nd_owner_count(own);
    size_t *pos = calloc((size_t)p, sizeof *pos);
    if (!pos) nd_mpi_die(NEARDUP_E_NOMEM, "out of memory");
    char *buf = NULL;
    for (int pass = 0; pass < 2; pass++) {
        if (pass) {
            size_t total = 0;
            for (int q = 0; q < p; q++) pos[q] = total, total += count[q];
            buf = nd_mpi_xmalloc(total);
        }
        for (uint64_t l = 0; l < n; l++) {
            uint64_t x = nd_owner_ci(own, l);
            if (ci->skipped[x]) continue;
            const char *id = nd_corpus_id(ci, x);
            size_t len = nd_corpus_id_len(ci, x);
            uint64_t key = XXH3_64bits(id, len); /* the hash nd_corpus_check_unique_ids sorts by */
            int q = (int)(key % (uint64_t)p);
            if (!pass) {
                count[q] += ID_HEAD + len;
                continue;
            }
            id_head h = {key, ci->line[x], (uint32_t)nd_owner_global(own, l), ci->input[x], (uint32_t)len};
            put_head(buf + pos[q], &h);
            memcpy(buf + pos[q] + ID_HEAD, id, len);
            pos[q] += ID_HEAD + len;
        }
    }
    free(pos);
    return buf;
}

int nd_mpi_check_ids(const nd_owners *own, const nd_corpus_info *ci, const nd_reader *r, nd_traffic *t)
{
    size_t *count = calloc((size_t)own->size, sizeof *count), total;
    if (!count) nd_mpi_die(NEARDUP_E_NOMEM, "out of memory");
    char *buf = pack_ids(own, ci, count);
    char *in = nd_mpi_exchange(buf, count, NULL, &total, t);
    free(buf);
    free(count);
    nd_error err = {0, ""};
    uint64_t key = UINT64_MAX, low;
    int rc = first_duplicate(in, total, r, &key, &err);
    free(in);
    /* every hash lives on one rank: the lowest hash with a duplicate is the
     * one a single process reports */
    MPI_Allreduce(&key, &low, 1, MPI_UINT64_T, MPI_MIN, MPI_COMM_WORLD);
    return nd_mpi_agree(rc && key == low ? rc : NEARDUP_OK, 0, &err);
}

/* ---------- the ids of given documents ---------- */

void nd_mpi_fetch_ids(const nd_owners *own, const nd_corpus_info *ci, const nd_mpi_choice *ch, const uint32_t *docs,
                      size_t n, nd_mpi_idlist *ids, nd_traffic *t)
{
    int p = own->size;
    /* rank 0 asks each owner for the ids of the records (an index's are here) */
    uint32_t *rec = nd_mpi_xmalloc(n * sizeof *rec);
    int *dest = nd_mpi_xmalloc(n * sizeof *dest);
    size_t nrec = 0;
    for (size_t i = 0; i < n; i++)
        if (docs[i] >= ch->nix) rec[nrec] = (uint32_t)(docs[i] - ch->nix), dest[nrec] = nd_owner_of(own, rec[nrec]), nrec++;
    size_t nq;
    uint32_t *ask = nd_mpi_alltoallv(rec, nrec, sizeof *rec, dest, &nq, t);
    free(rec);
    /* each id as a 4-byte length and its bytes: an id keeps every byte, NULs included */
    size_t len = 0;
    for (size_t i = 0; i < nq; i++) len += 4 + nd_corpus_id_len(ci, nd_owner_ci(own, nd_owner_local(own, ask[i])));
    char *buf = nd_mpi_xmalloc(len ? len : 1);
    len = 0;
    for (size_t i = 0; i < nq; i++) {
        uint64_t x = nd_owner_ci(own, nd_owner_local(own, ask[i]));
        uint32_t l = (uint32_t)nd_corpus_id_len(ci, x);
        memcpy(buf + len, &l, 4);
        memcpy(buf + len + 4, nd_corpus_id(ci, x), l);
        len += 4 + l;
    }
    free(ask);
    size_t *count = calloc((size_t)p, sizeof *count), *rcount = calloc((size_t)p, sizeof *rcount), total;
    if (!count || !rcount) nd_mpi_die(NEARDUP_E_NOMEM, "out of memory");
    count[0] = len;
    ids->buf = nd_mpi_exchange(buf, count, rcount, &total, t);
    free(buf);
    ids->id = NULL;
    ids->len = NULL;
    if (own->rank == 0) {
        /* each owner's ids come in the order asked */
        size_t *at = nd_mpi_xmalloc((size_t)p * sizeof *at), off = 0;
        for (int q = 0; q < p; q++) at[q] = off, off += rcount[q];
        ids->id = nd_mpi_xmalloc(n * sizeof *ids->id);
        ids->len = nd_mpi_xmalloc(n * sizeof *ids->len);
        for (size_t i = 0, r = 0; i < n; i++) {
            if (docs[i] < ch->nix) {
                size_t l;
                ids->id[i] = nd_index_matcher_id(ch->ixm, docs[i], &l);
                ids->len[i] = (uint32_t)l;
                continue;
            }
            int q = dest[r++];
            memcpy(&ids->len[i], ids->buf + at[q], 4);
            ids->id[i] = ids->buf + at[q] + 4;
            at[q] += 4 + ids->len[i];
        }
        free(at);
    }
    free(count);
    free(rcount);
    free(dest);
}

void nd_mpi_idlist_free(nd_mpi_idlist *ids)
{
    free(ids->buf);
    free(ids->id);
    free(ids->len);
}

#endif
