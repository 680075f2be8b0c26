/* mpi_output.c - the end of `dedup` under mpirun (mpi_dedup.h): the id
 * check, the clusters, and the output written by the ranks that read the
 * records.  Nothing here holds per-record state for records another rank
 * owns: rank 0 keeps only the documents that are in clusters (from the
 * accepted pairs) and the first skip notes. */
#include "mpi_dedup.h"
#include "reader.h"
#include "record.h"

#ifdef ND_HAVE_MPI

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#include "dedup_record.h"
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

/* ---------- clusters ---------- */

static uint32_t find(uint32_t *parent, uint32_t x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

size_t nd_mpi_lower_bound(const uint32_t *u, size_t n, uint32_t d)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (u[mid] < d) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static int cmp_u32(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return (a > b) - (a < b);
}

void nd_mpi_cluster(const nd_scored_pair *p, size_t np, uint32_t **uo, uint32_t **rooto, size_t *nuo)
{
    uint32_t *u = nd_mpi_xmalloc(2 * np * sizeof *u);
    for (size_t i = 0; i < np; i++) u[2 * i] = p[i].a, u[2 * i + 1] = p[i].b;
    qsort(u, 2 * np, sizeof *u, cmp_u32);
    size_t nu = 0;
    for (size_t i = 0; i < 2 * np; i++)
        if (!nu || u[nu - 1] != u[i]) u[nu++] = u[i];
    /* union-find over positions in u; positions follow document order, so
     * the root - the smallest position - is the cluster's first document,
     * as nd_cluster keeps it */
    uint32_t *parent = nd_mpi_xmalloc(nu * sizeof *parent);
    for (size_t i = 0; i < nu; i++) parent[i] = (uint32_t)i;
    for (size_t i = 0; i < np; i++) {
        uint32_t ra = find(parent, (uint32_t)nd_mpi_lower_bound(u, nu, p[i].a));
        uint32_t rb = find(parent, (uint32_t)nd_mpi_lower_bound(u, nu, p[i].b));
        if (ra < rb) parent[rb] = ra;
        else if (rb < ra) parent[ra] = rb;
    }
    uint32_t *root = nd_mpi_xmalloc(nu * sizeof *root);
    for (size_t i = 0; i < nu; i++) root[i] = u[find(parent, (uint32_t)i)];
    free(parent);
    *uo = u;
    *rooto = root;
    *nuo = nu;
}

/* ---------- skipped records ---------- */

typedef struct {
    uint64_t doc;
    char note[sizeof ((nd_corpus_info *)0)->skip_notes[0]];
} skip_note;

static int cmp_note(const void *x, const void *y)
{
    const skip_note *a = x, *b = y;
    return (a->doc > b->doc) - (a->doc < b->doc);
}

void nd_mpi_gather_skips(const nd_owners *own, const nd_corpus_info *ci, nd_corpus_info *sum, nd_traffic *t)
{
    /* a rank's k-th note is about its k-th skipped record: both are in input order */
    skip_note mine[8];
    size_t m = 0;
    uint64_t n = nd_owner_count(own);
    for (uint64_t l = 0; l < n && m < 8 && m < ci->skipped_n; l++)
        if (ci->skipped[nd_owner_ci(own, l)]) {
            mine[m].doc = nd_owner_global(own, l);
            memcpy(mine[m].note, ci->skip_notes[m], sizeof mine[m].note);
            m++;
        }
    int *offs;
    skip_note *all = (skip_note *)nd_mpi_gather(mine, m * sizeof *mine, &offs, t);
    uint64_t v[3] = {ci->skipped_n, ci->replaced_bytes, ci->ctrl_chars}, tot[3];
    MPI_Reduce(v, tot, 3, MPI_UINT64_T, MPI_SUM, 0, MPI_COMM_WORLD);
    if (own->rank != 0) return;
    size_t na = (size_t)offs[own->size] / sizeof *all;
    qsort(all, na, sizeof *all, cmp_note);
    for (size_t i = 0; i < na && i < 8; i++) memcpy(sum->skip_notes[i], all[i].note, sizeof all[i].note);
    sum->skipped_n = tot[0];
    sum->replaced_bytes = tot[1];
    sum->ctrl_chars = tot[2];
    free(all);
    free(offs);
}

uint32_t *nd_mpi_skipped_docs(const nd_owners *own, const nd_corpus_info *ci, size_t *n)
{
    uint64_t cnt = nd_owner_count(own);
    uint32_t *v = nd_mpi_xmalloc(ci->skipped_n * sizeof *v);
    size_t m = 0;
    for (uint64_t l = 0; l < cnt && m < ci->skipped_n; l++)
        if (ci->skipped[nd_owner_ci(own, l)]) v[m++] = (uint32_t)nd_owner_global(own, l);
    *n = m;
    return v;
}

/* ---------- the kept records ---------- */

/* What the writer must know of a record it reads: a clustered input (its
 * cluster's number, whether it is kept, whether it is its cluster's first
 * input: --annotate numbers the singletons between), or, in cyclic mode, a
 * record another rank skipped. */
typedef struct {
    uint32_t doc, cluster;
    uint8_t kept, first, skipped, pad;
} mark;

static int cmp_mark(const void *x, const void *y)
{
    const mark *a = x, *b = y;
    return (a->doc > b->doc) - (a->doc < b->doc);
}

/* The marks of the records the writer reads, sorted: in cyclic mode (rank
 * 0 writes everything) the clustered inputs and every rank's skipped
 * records; else the clustered inputs this rank owns (its skipped ones are
 * in ci). */
static mark *mark_list(const nd_owners *own, const nd_corpus_info *ci, const uint32_t *u, size_t nu,
                       const nd_mpi_choice *ch, size_t *nd, nd_traffic *t)
{
    size_t nr = 0;
    mark *rem = nd_mpi_xmalloc(nu * sizeof *rem);
    for (size_t i = 0; i < nu; i++) /* the records' own numbers, not ch's */
        if (u[i] >= ch->nref)
            rem[nr++] = (mark){(uint32_t)(u[i] - ch->nix), ch->cluster[i], ch->kept[i], ch->first[i], 0, 0};
    if (!own->cyclic) {
        int *dest = nd_mpi_xmalloc(nr * sizeof *dest);
        for (size_t i = 0; i < nr; i++) dest[i] = nd_owner_of(own, rem[i].doc);
        mark *mine = nd_mpi_alltoallv(rem, nr, sizeof *rem, dest, nd, t); /* stays sorted */
        free(dest);
        free(rem);
        return mine;
    }
    size_t ns;
    uint32_t *sk = nd_mpi_skipped_docs(own, ci, &ns);
    int *offs;
    uint32_t *all = (uint32_t *)nd_mpi_gather(sk, ns * sizeof *sk, &offs, t);
    free(sk);
    if (own->rank != 0) {
        free(rem);
        *nd = 0;
        return NULL;
    }
    size_t na = (size_t)offs[own->size] / sizeof *all;
    free(offs);
    mark *drop = nd_mpi_xmalloc((nr + na) * sizeof *drop);
    memcpy(drop, rem, nr * sizeof *rem);
    for (size_t i = 0; i < na; i++) drop[nr + i] = (mark){all[i], UINT32_MAX, 0, 0, 1, 0};
    free(rem);
    free(all);
    qsort(drop, nr + na, sizeof *drop, cmp_mark);
    *nd = nr + na;
    return drop;
}

/* --annotate: the number of the first cluster this rank's records can
 * open, i.e. how many clusters the records before its share open (a
 * record opens one when it is an input, not skipped, and its cluster's
 * first input; a singleton is a cluster).  In cyclic mode rank 0 reads
 * everything: 0. */
static uint32_t first_cluster(const nd_owners *own, const nd_corpus_info *ci, const mark *m, size_t nm,
                              uint64_t nref)
{
    uint64_t opens = 0, before = 0, n = nd_owner_count(own);
    if (!own->cyclic) {
        for (uint64_t l = 0; l < n; l++) opens += nd_owner_global(own, l) >= nref && !ci->skipped[l];
        for (size_t i = 0; i < nm; i++) opens -= !m[i].first;
    }
    MPI_Exscan(&opens, &before, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
    return own->rank == 0 || own->cyclic ? 0 : (uint32_t)before;
}

/* Pass 2 over this rank's share: copies the kept records to f in input
 * order, as cli_dedup.c's write_kept does for one process. */
static int write_share(const nd_owners *own, nd_mpi_job *j, const mark *drop, size_t ndrop, const nd_mpi_choice *ch,
                       int annotate, uint32_t cluster, FILE *f, nd_mpi_write_stats *ws, nd_error *err)
{
    int64_t first = nd_mpi_rewind(j, ch, err); /* the references' records are never written */
    if (first < 0) return err->code;
    uint64_t nref = ch->nref - ch->nix;
    int rc;
    nd_batch b = {0};
    nd_record_opts ro = j->rec;
    nd_record_parser *rp = nd_record_parser_create(&ro);
    if (!rp) return nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
    uint64_t x = (uint64_t)first, base = own->cyclic ? 0 : own->first[own->rank];
    size_t di = 0;
    while ((rc = nd_reader_next(j->reader, &b, 1 << 22, err)) == 1) {
        for (size_t i = 0; i < b.n; i++, x++) {
            if (x >= j->ci.n) {
                nd_batch_free(&b);
                nd_record_parser_free(rp);
                return nd_fail(err, NEARDUP_E_IO, "%s changed while it was being read",
                               nd_reader_path(j->reader, b.rec[i].input));
            }
            uint64_t g = base + x;
            while (di < ndrop && drop[di].doc < g) di++;
            const mark *mk = di < ndrop && drop[di].doc == g ? &drop[di] : NULL;
            if (g < nref || j->ci.skipped[x] || (mk && mk->skipped)) continue;
            uint32_t cl = mk ? mk->cluster : cluster; /* a singleton's: the next number */
            cluster += !mk || mk->first;
            if (mk && !mk->kept) continue;
            const nd_raw_record *rec = &b.rec[i];
            if (rec->jsonl && annotate) {
                nd_write_annotated(f, b.buf + rec->off, rec->len, cl);
                ws->kept++;
                continue;
            }
            if (rec->jsonl) {
                fwrite(b.buf + rec->off, 1, rec->len, f);
            } else { /* as cli_dedup.c: the id, a WARC date, the text the tokenizer saw */
                nd_doc d;
                if ((rc = nd_record_parse(rp, rec, b.buf + rec->off, nd_reader_path(j->reader, rec->input), &d, err))) {
                    nd_batch_free(&b);
                    nd_record_parser_free(rp);
                    return rc;
                }
                fputs("{\"id\": ", f);
                nd_json_write_string(f, d.id, d.id_len);
                if (d.date) {
                    fputs(", \"date\": ", f);
                    nd_json_write_string(f, d.date, d.date_len);
                }
                fputs(", \"text\": ", f);
                nd_json_write_string(f, d.text, d.text_len);
                if (annotate) fprintf(f, ", \"cluster\": %u", cl);
                fputc('}', f);
            }
            fputc('\n', f);
            ws->kept++;
        }
    }
    nd_batch_free(&b);
    nd_record_parser_free(rp);
    if (rc < 0) return err->code ? err->code : -rc;
    if (x != j->ci.n)
        return nd_fail(err, NEARDUP_E_IO, "the inputs changed while they were being read (%llu records, then %llu)",
                       (unsigned long long)j->ci.n, (unsigned long long)x);
    ws->records = x;
    return NEARDUP_OK;
}

int nd_mpi_temp_fd(const char *dir, nd_error *err)
{
    if (!dir || !*dir) dir = getenv("TMPDIR");
    if (!dir || !*dir) dir = "/tmp";
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/neardup-mpi-XXXXXX", dir) >= (int)sizeof path)
        return nd_fail(err, NEARDUP_E_IO, "%s: path too long", dir), -1;
    int fd = mkstemp(path);
    if (fd < 0) return nd_fail(err, NEARDUP_E_IO, "cannot create a temporary file in %s: %s", dir, strerror(errno)), -1;
    unlink(path); /* nothing is left behind, whatever happens next */
    return fd;
}

static FILE *temp_file(const char *dir, nd_error *err)
{
    int fd = nd_mpi_temp_fd(dir, err);
    if (fd < 0) return NULL;
    FILE *f = fdopen(fd, "w+");
    if (!f) {
        close(fd);
        nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
    }
    return f;
}

#define CHUNK ((size_t)4 << 20)
#define TAG_OUT 11

/* Rank q > 0 sends its part (the temporary file) to rank 0 in chunks, an
 * empty chunk last; rank 0 appends each rank's part in rank order. */
static void stream_parts(const nd_owners *own, FILE *tmp, FILE *out, uint64_t *streamed)
{
    char *buf = nd_mpi_xmalloc(CHUNK);
    if (own->rank != 0) {
        if (fflush(tmp) || fseek(tmp, 0, SEEK_SET)) nd_mpi_die(NEARDUP_E_IO, "cannot read back its part of the output");
        for (;;) {
            size_t k = fread(buf, 1, CHUNK, tmp);
            if (ferror(tmp)) nd_mpi_die(NEARDUP_E_IO, "cannot read back its part of the output");
            MPI_Send(buf, (int)k, MPI_BYTE, 0, TAG_OUT, MPI_COMM_WORLD);
            *streamed += k;
            if (k == 0) break;
        }
    } else {
        for (int q = 1; q < own->size; q++)
            for (;;) {
                MPI_Status s;
                int k;
                MPI_Recv(buf, (int)CHUNK, MPI_BYTE, q, TAG_OUT, MPI_COMM_WORLD, &s);
                MPI_Get_count(&s, MPI_BYTE, &k);
                if (k == 0) break;
                fwrite(buf, 1, (size_t)k, out); /* errors surface at nd_out_commit */
                *streamed += (uint64_t)k;
            }
    }
    free(buf);
}

void nd_mpi_append_parts(const nd_owners *own, FILE *part, FILE *out, uint64_t *streamed)
{
    stream_parts(own, part, out, streamed);
}

int nd_mpi_write_kept(const nd_owners *own, nd_mpi_job *j, const uint32_t *u, size_t nu, const nd_mpi_choice *ch,
                      int annotate, FILE *out, const char *tmpdir, nd_mpi_write_stats *ws, nd_traffic *t)
{
    double t0 = nd_now();
    size_t nd;
    mark *drop = mark_list(own, &j->ci, u, nu, ch, &nd, t);
    uint64_t nref = ch->nref - ch->nix; /* the records of the corpus references */
    uint32_t cluster = annotate ? first_cluster(own, &j->ci, drop, nd, nref) : 0;
    nd_error err = {0, ""};
    int rc = NEARDUP_OK;
    FILE *f = own->rank == 0 ? out : NULL;
    if (!own->cyclic && own->rank != 0 && !(f = temp_file(tmpdir, &err))) rc = err.code;
    if (!rc && f) rc = write_share(own, j, drop, nd, ch, annotate, cluster, f, ws, &err);
    if (!rc && f && f != out && (fflush(f) || ferror(f)))
        rc = nd_fail(&err, NEARDUP_E_IO, "cannot write its part of the output to a temporary file: %s",
                     strerror(errno));
    free(drop);
    int st = nd_mpi_agree(rc, own->rank, &err);
    if (!st && !own->cyclic) stream_parts(own, f, out, &ws->streamed);
    if (f && f != out) fclose(f);
    ws->t_write = nd_now() - t0;
    return st;
}

/* ---------- the clusters file ---------- */

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

typedef struct {
    uint32_t root, doc;
    size_t i; /* in u */
} member;

static int cmp_member(const void *x, const void *y)
{
    const member *a = x, *b = y;
    if (a->root != b->root) return a->root < b->root ? -1 : 1;
    return (a->doc > b->doc) - (a->doc < b->doc);
}

int nd_mpi_write_clusters(const nd_owners *own, const nd_corpus_info *ci, const uint32_t *u,
                          const uint32_t *root, size_t nu, const nd_mpi_choice *ch, FILE *f, nd_traffic *t)
{
    nd_mpi_idlist ids;
    nd_mpi_fetch_ids(own, ci, ch, u, nu, &ids, t);
    if (own->rank == 0) {
        /* as cli_dedup.c writes them: by first document, the inputs in input order */
        member *m = nd_mpi_xmalloc(nu * sizeof *m);
        for (size_t i = 0; i < nu; i++) m[i] = (member){root[i], u[i], i};
        qsort(m, nu, sizeof *m, cmp_member);
        for (size_t a = 0, b; a < nu; a = b) {
            int inputs = 0;
            size_t kept = SIZE_MAX;
            for (b = a; b < nu && m[b].root == m[a].root; b++) {
                inputs += m[b].doc >= ch->nref;
                if (kept == SIZE_MAX && ch->kept[m[b].i]) kept = m[b].i;
            }
            if (!inputs) continue;
            fputs("{\"kept\": ", f);
            if (kept == SIZE_MAX) fputs("null", f);
            else nd_json_write_string(f, ids.id[kept], ids.len[kept]);
            if (m[a].root < ch->nref) {
                fputs(", \"reference\": ", f);
                nd_json_write_string(f, ids.id[m[a].i], ids.len[m[a].i]);
            }
            fputs(", \"members\": [", f);
            for (size_t x = a, any = 0; x < b; x++) {
                if (m[x].doc < ch->nref) continue;
                if (any++) fputs(", ", f);
                nd_json_write_string(f, ids.id[m[x].i], ids.len[m[x].i]);
            }
            fputs("]}\n", f);
        }
        free(m);
    }
    nd_mpi_idlist_free(&ids);
    return 0;
}

#endif
