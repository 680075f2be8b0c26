/* mpi_output.c - the kept records of `dedup` under mpirun (mpi_dedup.h):
 * every rank reads its share of the inputs again and writes the records it
 * keeps (rank 0 straight to the output, the others to a temporary file that
 * rank 0 appends in rank order, which is input order); rank 0 also gathers
 * the skipped records' count and first notes.  Nothing here holds
 * per-record state for records another rank owns: rank 0 keeps only the
 * documents that are in clusters (from the accepted pairs) and the first
 * skip notes.  The id check is mpi_ids.c, the clusters mpi_clusters.c. */
#include "mpi_dedup.h"
#include "reader.h"
#include "record.h"

#ifdef ND_HAVE_MPI

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dedup_record.h"
#include "mpi_internal.h"

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

FILE *nd_mpi_temp_file(const char *dir, nd_error *err)
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

FILE *nd_mpi_part_file(void)
{
    nd_error err = {0, ""};
    FILE *f = nd_mpi_temp_file(NULL, &err);
    if (!f) nd_mpi_die(err.code, err.msg);
    return f;
}

#define CHUNK ((size_t)4 << 20)
#define TAG_OUT 11

/* Rank q > 0 sends its part (the temporary file) to rank 0 in chunks of
 * whole records of rec bytes, an empty chunk last; rank 0 hands each rank's
 * chunks to take in rank order. */
void nd_mpi_stream_parts(const nd_owners *own, FILE *tmp, size_t rec, int (*take)(void *user, const char *b, size_t n),
                         void *user, uint64_t *streamed)
{
    size_t chunk = CHUNK - CHUNK % rec;
    char *buf = nd_mpi_xmalloc(chunk);
    if (own->rank != 0) {
        if (fflush(tmp) || fseek(tmp, 0, SEEK_SET)) nd_mpi_die(NEARDUP_E_IO, "cannot read back its part of the output");
        for (;;) {
            size_t k = fread(buf, 1, chunk, tmp);
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
                MPI_Recv(buf, (int)chunk, MPI_BYTE, q, TAG_OUT, MPI_COMM_WORLD, &s);
                MPI_Get_count(&s, MPI_BYTE, &k);
                if (k == 0) break;
                if (take(user, buf, (size_t)k)) nd_mpi_die(NEARDUP_E_NOMEM, "out of memory taking the ranks' parts");
                *streamed += (uint64_t)k;
            }
    }
    free(buf);
}

static int append(void *user, const char *b, size_t n)
{
    fwrite(b, 1, n, user); /* errors surface at nd_out_commit */
    return 0;
}

static void stream_parts(const nd_owners *own, FILE *tmp, FILE *out, uint64_t *streamed)
{
    nd_mpi_stream_parts(own, tmp, 1, append, out, streamed);
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
    if (!own->cyclic && own->rank != 0 && !(f = nd_mpi_temp_file(tmpdir, &err))) rc = err.code;
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

#endif
