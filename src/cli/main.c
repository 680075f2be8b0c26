/* main.c - `neardup COMMAND ...`: dispatch to one file per command. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#ifdef __GLIBC__ /* mallopt */
#include <malloc.h>
#endif

#include "cli.h"
#include "mpi_dedup.h"

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"pairs", nd_cmd_pairs, "list near-duplicate pairs (Jaccard >= T)"},
    {"dedup", nd_cmd_dedup, "cluster near-duplicates, keep one per cluster"},
    {"overlap", nd_cmd_overlap, "list document pairs that share passages, with the passages"},
    {"align", nd_cmd_align, "print the passages two documents share, with byte offsets"},
    {"keygen", nd_cmd_keygen, "write a secret key for keyed mode (--key)"},
    {"index", nd_cmd_index, "build, extend or inspect a reference index (build | add | info)"},
    {"query", nd_cmd_query, "query documents against a reference index (--mode dup | overlap)"},
    {"explain", nd_cmd_explain, "print what a threshold means: bands x rows, S-curve, error rates"},
    {"contamination", nd_cmd_contamination, "find benchmark items in a corpus (test-set contamination), with coverage"},
    {"strip", nd_cmd_strip, "cut passages that repeat an earlier document (or a reference) out of each document"},
    {NULL, NULL, NULL},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: neardup COMMAND [OPTIONS] INPUT...\n\n"
               "Find near-duplicate documents and the passages they share.\n\ncommands:\n");
    for (const command *c = commands; c->name; c++) fprintf(f, "  %-13s %s\n", c->name, c->summary);
    fprintf(f, "\n`neardup COMMAND --help` lists a command's options and their defaults.\n"
               "Exit status: 0 success, 2 usage error or bad input, 1 other failure.\n");
}

/* Started with descriptor 0, 1 or 2 closed (`<&-`), the first file the tool
 * opens would take it: `dedup - <&-` read its own output temporary as
 * standard input, an empty one, and succeeded.  Each closed one gets
 * /dev/null opened the wrong way round (standard input write-only, the
 * others read-only), so that no later open can become 0-2 and any use of
 * it fails: the reader refuses a standard input not open for reading, and
 * writes to the others fail as write errors.  -1 when /dev/null cannot be
 * opened. */
static int guard_std_fds(void)
{
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF) continue;
        int got = open("/dev/null", fd == 0 ? O_WRONLY : O_RDONLY);
        if (got != fd) { /* the lowest free descriptor is fd, as the ones below it are open */
            if (got >= 0) close(got);
            return -1;
        }
    }
    return 0;
}

/* 0, or 1 with a message when standard output could not be written (a full
 * disk, /dev/full): --help, --version and `index info` print there, and a
 * lost listing must not exit 0. */
static int flush_stdout(int rc)
{
    if (rc || (fflush(stdout) == 0 && !ferror(stdout))) return rc; /* a failed command said why */
    int e = errno;
    fprintf(stderr, "neardup: error writing standard output: %s\n", strerror(e ? e : EIO));
    return 1;
}

int main(int argc, char **argv)
{
    if (guard_std_fds()) {
        /* stderr may be the closed one: try anyway */
        fputs("neardup: descriptors 0-2 are not all open and /dev/null cannot be opened\n", stderr);
        return 1;
    }
    /* A file-size limit (ulimit -f) must surface as a write error naming the
     * file, not kill the process with SIGXFSZ and leave a partial file. */
    signal(SIGXFSZ, SIG_IGN);
    signal(SIGPIPE, SIG_DFL);
    /* SIGINT, SIGTERM and SIGHUP remove the temporary outputs in flight */
    nd_cli_signals_init();
    /* Blocks under 4 MiB from the heap, and up to 64 MiB of freed heap kept:
     * the steps after sketching each allocate and free arrays of a few bytes
     * a document, and glibc's default (a fresh mmap per large block, returned
     * on free) made every step touch new 4 KiB pages again (~11 us each on a
     * paravirtualised VM; the id check on news-40k took 5 ms, now 1 ms).
     * Larger blocks stay mappings, returned when freed: with 32 MiB here,
     * pairs on a 1 GB corpus peaked 76 MB higher (freed arrays left holes
     * that the next, larger ones could not use).  The largest arrays are
     * nd_map_alloc mappings and do not depend on this. */
#ifdef __GLIBC__
    mallopt(M_MMAP_THRESHOLD, 4 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
    nd_mpi_init(&argc, &argv); /* only when started by mpirun / srun */
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return flush_stdout(0);
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
        printf("neardup %s\n", neardup_version());
        return flush_stdout(0);
    }
    for (const command *c = commands; c->name; c++)
        if (!strcmp(argv[1], c->name)) {
            int rc = c->run(argc - 1, argv + 1);
            nd_mpi_finalize();
            return flush_stdout(rc);
        }
    const char *names[16];
    size_t n = 0;
    for (const command *c = commands; c->name && n < 16; c++) names[n++] = c->name;
    const char *near = nd_cli_closest(argv[1], strlen(argv[1]), names, n);
    fprintf(stderr, "neardup: unknown command \"%s\"", argv[1]);
    if (near) fprintf(stderr, ": did you mean %s?", near);
    fputs(" (commands:", stderr);
    for (size_t i = 0; i < n; i++) fprintf(stderr, " %s", names[i]);
    fputs("; neardup --help)\n", stderr);
    return 2;
}
