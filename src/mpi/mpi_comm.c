/* mpi_comm.c - what the MPI parts of dedup share (mpi_internal.h): starting
 * MPI and the rank and size (mpi_dedup.h), who owns
 * a record, the exchanges (MPI_Alltoallv of fixed-size items or of bytes
 * grouped by destination, gathers to rank 0, with the bytes each rank sends
 * and receives counted), and the agreement on errors. */
#include "mpi_dedup.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int nd_mpi_error(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = nd_error_vprint(code, fmt, ap);
    va_end(ap);
    return rc;
}

#ifndef ND_HAVE_MPI

/* Started by mpirun / srun: the ranks need the MPI build, neardup-mpi, which
 * `make` builds and installs beside this binary (this one does not load the
 * MPI libraries: 3 ms less start-up for every command run without mpirun).
 * Without it, N copies of a one-process run would race for the same output:
 * an error instead. */
void nd_mpi_init(int *argc, char ***argv)
{
    if (!getenv("OMPI_COMM_WORLD_SIZE") && !getenv("PMIX_RANK") && !getenv("PMI_RANK")) return;
    char self[PATH_MAX], mpi[PATH_MAX + 16];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = '\0';
        char *slash = strrchr(self, '/');
        if (slash) slash[1] = '\0';
        snprintf(mpi, sizeof mpi, "%sneardup-mpi", slash ? self : "");
        execv(mpi, *argv); /* returns only on failure */
    }
    fprintf(stderr, "neardup: started by mpirun or srun, but %s cannot run (%s); build with mpicc "
            "on the PATH (Debian libopenmpi-dev) to get it\n", n > 0 ? mpi : "neardup-mpi", strerror(errno));
    exit(2);
}
void nd_mpi_finalize(void) {}
int nd_mpi_size(void) { return 1; }
int nd_mpi_rank(void) { return 0; }
#else

#include "mpi_internal.h"

void nd_mpi_init(int *argc, char ***argv)
{
    /* started by mpirun (Open MPI), srun / PMIx, or another PMI launcher */
    if (!getenv("OMPI_COMM_WORLD_SIZE") && !getenv("PMIX_RANK") && !getenv("PMI_RANK")) return;
    int provided;
    MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided); /* MPI from the main thread only */
}

void nd_mpi_finalize(void)
{
    int init = 0, fin = 0;
    MPI_Initialized(&init);
    MPI_Finalized(&fin);
    if (init && !fin) MPI_Finalize();
}

int nd_mpi_size(void)
{
    int init = 0, n = 1;
    MPI_Initialized(&init);
    if (init) MPI_Comm_size(MPI_COMM_WORLD, &n);
    return n;
}

int nd_mpi_rank(void)
{
    int init = 0, r = 0;
    MPI_Initialized(&init);
    if (init) MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}


/* ---------- ownership ---------- */

int nd_owner_of(const nd_owners *o, uint64_t d)
{
    if (o->cyclic) return (int)(d / ND_SHARD_BLOCK % (uint64_t)o->size);
    int lo = 0, hi = o->size - 1; /* the last rank whose first record is <= d */
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (o->first[mid] <= d) lo = mid;
        else hi = mid - 1;
    }
    return lo;
}

uint64_t nd_owner_local(const nd_owners *o, uint64_t d)
{
    if (o->cyclic) return d / ND_SHARD_BLOCK / (uint64_t)o->size * ND_SHARD_BLOCK + d % ND_SHARD_BLOCK;
    return d - o->first[nd_owner_of(o, d)];
}

uint64_t nd_owner_global(const nd_owners *o, uint64_t l)
{
    if (o->cyclic)
        return (l / ND_SHARD_BLOCK * (uint64_t)o->size + (uint64_t)o->rank) * ND_SHARD_BLOCK + l % ND_SHARD_BLOCK;
    return o->first[o->rank] + l;
}

uint64_t nd_owner_count(const nd_owners *o)
{
    if (!o->cyclic) return o->first[o->rank + 1] - o->first[o->rank];
    uint64_t b = ND_SHARD_BLOCK, p = (uint64_t)o->size, full = o->total / b, rest = o->total % b;
    uint64_t n = full / p * b + (full % p > (uint64_t)o->rank ? b : 0);
    return n + (full % p == (uint64_t)o->rank ? rest : 0);
}

uint64_t nd_owner_ci(const nd_owners *o, uint64_t l) { return o->cyclic ? nd_owner_global(o, l) : l; }

/* ---------- exchanges ---------- */

_Noreturn void nd_mpi_die(int code, const char *msg)
{
    nd_mpi_error(code, "MPI rank %d: %s", nd_mpi_rank(), msg);
    MPI_Abort(MPI_COMM_WORLD, nd_exit_status(code));
    exit(nd_exit_status(code));
}

void *nd_mpi_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) nd_mpi_die(NEARDUP_E_NOMEM, "out of memory");
    return p;
}

char *nd_mpi_exchange(const char *buf, const size_t *count, size_t *rcount, size_t *total, nd_traffic *t)
{
    int p = nd_mpi_size(), me = nd_mpi_rank();
    int *sc = nd_mpi_xmalloc((size_t)p * sizeof *sc), *sd = nd_mpi_xmalloc((size_t)p * sizeof *sd);
    int *rc = nd_mpi_xmalloc((size_t)p * sizeof *rc), *rd = nd_mpi_xmalloc((size_t)p * sizeof *rd);
    size_t off = 0;
    for (int r = 0; r < p; r++) {
        if (count[r] > INT_MAX || off > INT_MAX)
            nd_mpi_die(NEARDUP_E_INTERNAL, "an exchange exceeds 2 GiB between two ranks: run more ranks");
        sc[r] = (int)count[r];
        sd[r] = (int)off;
        off += count[r];
    }
    MPI_Alltoall(sc, 1, MPI_INT, rc, 1, MPI_INT, MPI_COMM_WORLD);
    size_t sum = 0;
    for (int r = 0; r < p; r++) {
        if (sum > INT_MAX) nd_mpi_die(NEARDUP_E_INTERNAL, "an exchange exceeds 2 GiB on one rank: run more ranks");
        rd[r] = (int)sum;
        sum += (size_t)rc[r];
        if (rcount) rcount[r] = (size_t)rc[r];
        if (r != me) t->sent += (uint64_t)sc[r], t->recv += (uint64_t)rc[r];
    }
    char *rb = nd_mpi_xmalloc(sum);
    MPI_Alltoallv(buf, sc, sd, MPI_BYTE, rb, rc, rd, MPI_BYTE, MPI_COMM_WORLD);
    free(sc);
    free(sd);
    free(rc);
    free(rd);
    *total = sum;
    return rb;
}

void *nd_mpi_alltoallv(const void *items, size_t n, size_t sz, const int *dest, size_t *nrecv, nd_traffic *t)
{
    int p = nd_mpi_size();
    size_t *cnt = calloc((size_t)p, sizeof *cnt), *pos = calloc((size_t)p, sizeof *pos);
    if (!cnt || !pos) nd_mpi_die(NEARDUP_E_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) cnt[dest[i]]++;
    for (int r = 1; r < p; r++) pos[r] = pos[r - 1] + cnt[r - 1];
    char *sb = nd_mpi_xmalloc(n * sz);
    for (size_t i = 0; i < n; i++) memcpy(sb + pos[dest[i]]++ * sz, (const char *)items + i * sz, sz);
    for (int r = 0; r < p; r++) cnt[r] *= sz;
    size_t total;
    char *rb = nd_mpi_exchange(sb, cnt, NULL, &total, t);
    free(sb);
    free(cnt);
    free(pos);
    *nrecv = total / sz;
    return rb;
}

char *nd_mpi_gather(const void *buf, size_t n, int **offs, nd_traffic *t)
{
    int p = nd_mpi_size(), me = nd_mpi_rank();
    if (n > INT_MAX) nd_mpi_die(NEARDUP_E_INTERNAL, "a gather to rank 0 exceeds 2 GiB: run more ranks");
    int cnt = (int)n, *counts = NULL, *displ = NULL;
    char *all = NULL;
    if (me == 0) {
        counts = nd_mpi_xmalloc((size_t)p * sizeof *counts);
        displ = nd_mpi_xmalloc(((size_t)p + 1) * sizeof *displ);
    }
    MPI_Gather(&cnt, 1, MPI_INT, counts, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (me == 0) {
        size_t total = 0;
        for (int r = 0; r < p; r++) {
            if (total > INT_MAX) nd_mpi_die(NEARDUP_E_INTERNAL, "a gather to rank 0 exceeds 2 GiB");
            displ[r] = (int)total;
            total += (size_t)counts[r];
            if (r) t->recv += (uint64_t)counts[r];
        }
        displ[p] = (int)total;
        all = nd_mpi_xmalloc(total);
    } else {
        t->sent += n;
    }
    MPI_Gatherv(buf, cnt, MPI_BYTE, all, counts, displ, MPI_BYTE, 0, MPI_COMM_WORLD);
    free(counts);
    *offs = displ;
    return all;
}

int nd_mpi_agree(int rc, double pos, const nd_error *err)
{
    int rank = nd_mpi_rank();
    struct {
        double pos;
        int rank;
    } mine = {rc ? pos : 1e300, rank}, first;
    MPI_Allreduce(&mine, &first, 1, MPI_DOUBLE_INT, MPI_MINLOC, MPI_COMM_WORLD);
    if (first.pos >= 1e300) return 0;
    int code = rc;
    MPI_Bcast(&code, 1, MPI_INT, first.rank, MPI_COMM_WORLD);
    if (rank == first.rank) nd_mpi_error(rc, "%s", err->msg);
    return nd_exit_status(code);
}

/* Global numbering: every rank's first record (an exclusive scan of the
 * per-rank counts), or the cyclic rule. */
int nd_mpi_number_records(nd_owners *own, const nd_corpus_info *ci, int cyclic)
{
    nd_error err = {0, ""};
    own->cyclic = cyclic;
    uint64_t mine = ci->n, before = 0;
    if (cyclic) {
        own->total = ci->n; /* every rank read every record */
    } else {
        MPI_Exscan(&mine, &before, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
        if (own->rank == 0) before = 0; /* MPI_Exscan leaves rank 0's undefined */
        own->first = nd_mpi_xmalloc(((size_t)own->size + 1) * sizeof *own->first);
        MPI_Allgather(&before, 1, MPI_UINT64_T, own->first, 1, MPI_UINT64_T, MPI_COMM_WORLD);
        MPI_Allreduce(&mine, &own->total, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
        own->first[own->size] = own->total;
    }
    int rc = own->total >= UINT32_MAX
                 ? nd_fail(&err, NEARDUP_E_INPUT, "%llu records: more than neardup handles under mpirun (2^32 - 1)",
                           (unsigned long long)own->total)
                 : NEARDUP_OK;
    return nd_mpi_agree(rc, 0, &err);
}

#endif
