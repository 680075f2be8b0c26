/* mpi_input.c - which part of the inputs each MPI rank reads (mpi_dedup.h).
 *
 * The inputs, in their order, are laid end to end as one byte space of
 * T = the sum of their sizes; rank r is given bytes [r T / N, (r+1) T / N).
 * An uncompressed JSONL regular file is cut at those offsets into byte
 * ranges that split on line boundaries (nd_reader_limit); any other file
 * (.gz / .zst, plain text, a fifo) goes whole to the rank holding its middle
 * byte.  Both rules hand files and parts of files to ranks in input order,
 * so rank 0 reads the first records, rank 1 the next ones and so on: global
 * record numbers are a rank's first number (an MPI_Exscan of the per-rank
 * counts) plus its own numbering, the single-process numbering.
 *
 * A rank entering a file mid-way must know the line number of its first
 * line, for error messages: every rank counts the '\n' of its last part
 * when a later rank continues that file, and an MPI_Allgather of those
 * counts gives each rank the newlines before its start.
 *
 * One compressed JSONL file alone cannot be split (a .zst / .gz stream
 * cannot be entered in the middle): then every rank decodes all of it and
 * records are dealt in blocks of ND_SHARD_BLOCK ("cyclic" mode). */
#include "mpi_dedup.h"

#ifdef ND_HAVE_MPI

#include <errno.h>
#include <fcntl.h>
#include <mpi.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
    uint64_t size;
    unsigned flags; /* ND_INPUT_* */
} input_info;

/* Rank 0 stats every input and broadcasts the sizes, so every rank plans
 * from the same figures even if a file grows meanwhile. */
static int input_sizes(nd_reader *r, input_info *v, size_t n, nd_error *err)
{
    int rc = NEARDUP_OK;
    if (nd_mpi_rank() == 0)
        for (size_t i = 0; i < n && !rc; i++) {
            struct stat st;
            const char *path = nd_reader_path(r, (uint32_t)i);
            v[i].flags = nd_reader_input_flags(r, i);
            if (stat(path, &st) != 0)
                rc = nd_fail(err, NEARDUP_E_IO, "%s: cannot stat: %s", path, strerror(errno));
            else if (!S_ISREG(st.st_mode))
                v[i].flags |= ND_INPUT_STREAM, v[i].size = 0;
            else
                v[i].size = (uint64_t)st.st_size;
        }
    MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (rc) return rc; /* rank 0 holds the message */
    MPI_Bcast(v, (int)(n * sizeof *v), MPI_BYTE, 0, MPI_COMM_WORLD);
    return NEARDUP_OK;
}

/* '\n' bytes in [lo, hi) of path. */
static int count_newlines(const char *path, uint64_t lo, uint64_t hi, uint64_t *out, nd_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return nd_fail(err, NEARDUP_E_IO, "%s: cannot open: %s", path, strerror(errno));
    size_t cap = (size_t)1 << 20;
    char *buf = malloc(cap);
    if (!buf) {
        close(fd);
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
    }
    uint64_t n = 0;
    int rc = NEARDUP_OK;
    while (lo < hi) {
        size_t want = hi - lo < cap ? (size_t)(hi - lo) : cap;
        ssize_t k = pread(fd, buf, want, (off_t)lo);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) {
            rc = nd_fail(err, NEARDUP_E_IO, "%s: read error at byte %llu: %s", path, (unsigned long long)lo,
                         k < 0 ? strerror(errno) : "the file shrank while being read");
            break;
        }
        for (const char *p = buf, *e = buf + k; (p = memchr(p, '\n', (size_t)(e - p))); p++) n++;
        lo += (uint64_t)k;
    }
    free(buf);
    close(fd);
    *out = n;
    return rc;
}

/* The rank whose byte range [r T / N, (r+1) T / N) holds byte x (x < T). */
static int rank_of_byte(uint64_t x, uint64_t total, int size)
{
    int r = (int)((unsigned __int128)x * (unsigned)size / total);
    return r < size ? r : size - 1;
}

static uint64_t bound(int r, uint64_t total, int size)
{
    return (uint64_t)((unsigned __int128)total * (unsigned)r / (unsigned)size);
}

/* What the next rank needs to number its lines: the input this rank's
 * share ends inside (-1: none) and the newlines of its part of it. */
typedef struct {
    int64_t input;
    uint64_t newlines;
} tail_count;

int nd_mpi_share_inputs(nd_reader *r, nd_mpi_share *sh, nd_error *err)
{
    int rank = nd_mpi_rank(), size = nd_mpi_size();
    size_t n = nd_reader_count(r);
    memset(sh, 0, sizeof *sh);
    input_info *v = calloc(n ? n : 1, sizeof *v);
    tail_count *tails = calloc((size_t)size, sizeof *tails);
    if (!v || !tails) {
        free(v);
        free(tails);
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory planning the ranks' shares");
    }
    int rc = input_sizes(r, v, n, err);
    if (rc) goto out;
    if (n == 1 && (v[0].flags & (ND_INPUT_COMPRESSED | ND_INPUT_STREAM | ND_INPUT_JSONL)) ==
                      (ND_INPUT_COMPRESSED | ND_INPUT_JSONL)) {
        sh->cyclic = 1;
        sh->bytes = v[0].size;
        sh->parts = 1;
        goto out;
    }
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++) total += v[i].size;
    uint64_t my_lo = bound(rank, total, size), my_hi = bound(rank + 1, total, size);
    /* first input / offset of this share that starts mid-file (for its line numbers) */
    int64_t mid_input = -1;
    uint64_t mid_hi = 0;
    tail_count mine = {-1, 0};
    uint64_t g = 0; /* where input i starts in the byte space */
    for (size_t i = 0; i < n; g += v[i].size, i++) {
        const char *path = nd_reader_path(r, (uint32_t)i);
        int splittable = (v[i].flags & (ND_INPUT_JSONL | ND_INPUT_COMPRESSED | ND_INPUT_STREAM)) == ND_INPUT_JSONL;
        if (!splittable) {
            int owner = total ? rank_of_byte(g + v[i].size / 2, total, size) : 0;
            if (owner != rank) nd_reader_exclude(r, i);
            else sh->bytes += v[i].size, sh->parts++;
            continue;
        }
        uint64_t lo = g > my_lo ? g : my_lo, hi = g + v[i].size < my_hi ? g + v[i].size : my_hi;
        if (lo >= hi) { /* not one byte of it here (empty files yield nothing) */
            nd_reader_exclude(r, i);
            continue;
        }
        lo -= g;
        hi -= g;
        nd_reader_limit(r, i, lo, hi, 0); /* lines_before set below for a mid-file start */
        sh->bytes += hi - lo;
        sh->parts++;
        if (lo > 0) mid_input = (int64_t)i, sh->mid_offset = lo, mid_hi = hi;
        if (hi < v[i].size && (rc = count_newlines(path, lo, hi, &mine.newlines, err))) break;
        if (hi < v[i].size) mine.input = (int64_t)i;
    }
    /* every rank reaches the gather, failed or not; the caller agrees on errors */
    if (rc) mine.input = -1;
    MPI_Allgather(&mine, sizeof mine, MPI_BYTE, tails, sizeof mine, MPI_BYTE, MPI_COMM_WORLD);
    if (!rc && mid_input >= 0) {
        uint64_t before = 0;
        for (int q = 0; q < rank; q++)
            if (tails[q].input == mid_input) before += tails[q].newlines;
        nd_reader_limit(r, (size_t)mid_input, sh->mid_offset, mid_hi, before);
        sh->mid_line = before + 2; /* the first line read follows the '\n' at or after mid_offset */
    }
out:
    free(v);
    free(tails);
    return rc;
}

#endif
