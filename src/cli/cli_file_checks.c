/* cli_file_checks.c - the checks each command makes on its files before it
 * reads or writes anything (cli.h): an output that is also an input, or two
 * outputs that are one file, is refused with a message naming both (files
 * compared by device and inode, so another spelling, a hard link or a
 * symbolic link is the same file; /dev/null may take any number of
 * outputs); and directory walks leave out the run's outputs and their
 * temporary files (nd_cli_walk_skip), so that a run never reads what it is
 * writing.  Writing the outputs themselves is cli_output.c. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cli_output_internal.h"

typedef struct {
    int known;      /* a file is there (or standard input / output is a file) */
    struct stat st;
} file_id;

/* What an input names: "-" is standard input. */
static file_id input_id(const char *path)
{
    file_id f = {0};
    f.known = !strcmp(path, "-") ? !fstat(STDIN_FILENO, &f.st) : !stat(path, &f.st);
    return f;
}

static int same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* /dev/null may take any number of outputs. */
static int is_dev_null(const struct stat *st)
{
    struct stat nul;
    return S_ISCHR(st->st_mode) && !stat("/dev/null", &nul) && S_ISCHR(nul.st_mode) && st->st_rdev == nul.st_rdev;
}

/* Fills id for output path (not "-"): its directory and name as a walk meets
 * them (through a symbolic link at path, the file it names), and the file
 * there now.  Returns 0, or -1 when the directory cannot be found (opening
 * the output will say why). */
static int output_id(const char *path, nd_out_id *id, struct stat *now)
{
    char *real = NULL, *dir, *base;
    struct stat st;
    if (!lstat(path, &st) && S_ISLNK(st.st_mode)) real = realpath(path, NULL);
    id->exists = !stat(path, now);
    if (id->exists) id->dev = (uint64_t)now->st_dev, id->ino = (uint64_t)now->st_ino;
    int rc = nd_out_split_path(real ? real : path, &dir, &base);
    free(real);
    if (rc) return -1;
    if (!stat(dir, &st) && strlen(base) < sizeof id->base) {
        strcpy(id->base, base);
        id->dir_dev = (uint64_t)st.st_dev;
        id->dir_ino = (uint64_t)st.st_ino;
    }
    free(dir);
    free(base);
    return 0;
}

int nd_cli_check_files(nd_common *c, const char *const *outs, const char *const *what, size_t nout,
                       char *const *inputs, size_t nin)
{
    struct stat now[ND_OUT_MAX];
    int known[ND_OUT_MAX] = {0};
    const char *name[ND_OUT_MAX];
    c->nouts = 0;
    for (size_t i = 0; i < nout && c->nouts < ND_OUT_MAX; i++) {
        if (!outs[i]) continue;
        size_t k = c->nouts++;
        nd_out_id *id = &c->outs[k];
        memset(id, 0, sizeof *id);
        id->what = what[i];
        name[k] = outs[i];
        if (!strcmp(outs[i], "-")) {
            known[k] = !fstat(STDOUT_FILENO, &now[k]);
            if (known[k] && S_ISREG(now[k].st_mode))
                id->exists = 1, id->dev = (uint64_t)now[k].st_dev, id->ino = (uint64_t)now[k].st_ino;
        } else if (!output_id(outs[i], id, &now[k])) {
            known[k] = id->exists;
        }
        for (size_t j = 0; j < k; j++) {
            int both_stdout = !strcmp(name[j], "-") && !strcmp(name[k], "-");
            int same = both_stdout || (known[j] && known[k] && same_file(&now[j], &now[k]) && !is_dev_null(&now[k])) ||
                       (!known[j] && !known[k] && c->outs[j].dir_ino && c->outs[j].dir_dev == id->dir_dev &&
                        c->outs[j].dir_ino == id->dir_ino && !strcmp(c->outs[j].base, id->base));
            if (both_stdout)
                return nd_cli_error(NEARDUP_E_USAGE, "%s and %s both write to standard output: the two would be "
                                    "interleaved; give one of them a file", c->outs[j].what, id->what);
            if (same)
                return nd_cli_error(NEARDUP_E_USAGE, "%s %s and %s %s are the same file: one would overwrite the "
                                    "other; give each its own file", c->outs[j].what, name[j], id->what, name[k]);
        }
    }
    for (size_t i = 0; i < nin; i++) {
        file_id in = input_id(inputs[i]);
        if (!in.known || !S_ISREG(in.st.st_mode)) continue; /* a directory may hold outputs: walks skip them */
        for (size_t k = 0; k < c->nouts; k++)
            if (known[k] && S_ISREG(now[k].st_mode) && same_file(&in.st, &now[k]))
                return nd_cli_error(NEARDUP_E_USAGE, "%s %s is also an input (%s): writing it would destroy "
                                    "the input; write the output elsewhere", c->outs[k].what,
                                    !strcmp(name[k], "-") ? "(standard output)" : name[k],
                                    !strcmp(inputs[i], "-") ? "standard input" : inputs[i]);
    }
    return 0;
}

int nd_cli_check_output(nd_common *c, char *const *inputs, size_t nin)
{
    /* a report is a page for a browser, not for a terminal */
    if (c->format == ND_FMT_HTML && (!c->output || !strcmp(c->output, "-")) && isatty(STDOUT_FILENO))
        return nd_cli_error(NEARDUP_E_USAGE, "--format html writes a whole HTML page: give -o FILE.html "
                            "(standard output is a terminal; nothing written)");
    const char *out[1] = {c->output ? c->output : "-"};
    static const char *const what[1] = {"-o"};
    return nd_cli_check_files(c, out, what, 1, inputs, nin);
}

int nd_cli_walk_skip(void *ctx, const char *path, const char *name, uint64_t dir_dev, uint64_t dir_ino,
                     uint64_t dev, uint64_t ino)
{
    const nd_common *c = ctx;
    for (size_t k = 0; k < c->nouts; k++) {
        const nd_out_id *o = &c->outs[k];
        int here = o->dir_ino && o->dir_dev == dir_dev && o->dir_ino == dir_ino;
        const char *why = NULL;
        if ((o->exists && o->dev == dev && o->ino == ino) || (here && !strcmp(name, o->base)))
            why = "it is this run's output";
        else if (here && nd_out_is_temp_of(name, o->base))
            why = "it is a temporary file of this run's output";
        if (why) {
            fprintf(stderr, "neardup: %s: not read as an input: %s (%s)\n", path, why, o->what);
            return 1;
        }
    }
    return 0;
}
