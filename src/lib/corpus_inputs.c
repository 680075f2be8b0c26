/* corpus_inputs.c - the reader's input list: the arguments in order, each
 * directory walked recursively in byte-wise sorted path order, the walk
 * filters, each file's format and compression by name (rules in corpus.c),
 * a JSONL buffer in memory as an input, and the MPI ranks' shares. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "corpus_reader.h"
#include "nd.h"
#include "reader.h"
#include "record.h"

/* ---------- the input list ---------- */

static int ends_with(const char *s, size_t n, const char *suf)
{
    size_t k = strlen(suf);
    return n >= k && strncasecmp(s + n - k, suf, k) == 0;
}

/* The format by name (after any .gz / .zst); AUTO when the name does not
 * tell, and the first bytes will (sniff). */
static void classify(nd_input *in, int forced)
{
    size_t n = strlen(in->path);
    if (ends_with(in->path, n, ".gz")) in->comp = COMP_GZ, n -= 3;
    else if (ends_with(in->path, n, ".zst")) in->comp = COMP_ZST, n -= 4;
    const char *p = in->path;
    if (forced) in->fmt = (uint8_t)forced;
    else if (ends_with(p, n, ".jsonl") || ends_with(p, n, ".ndjson")) in->fmt = ND_FORMAT_JSONL;
    else if (ends_with(p, n, ".html") || ends_with(p, n, ".htm") || ends_with(p, n, ".xhtml"))
        in->fmt = ND_FORMAT_HTML;
    else if (ends_with(p, n, ".warc") || ends_with(p, n, ".wet") || ends_with(p, n, ".arc"))
        in->fmt = ND_FORMAT_WARC;
    else if (ends_with(p, n, ".txt") || ends_with(p, n, ".text")) in->fmt = ND_FORMAT_TEXT;
    else in->fmt = ND_FORMAT_AUTO, in->json = ends_with(p, n, ".json");
    in->jsonl = in->fmt == ND_FORMAT_JSONL;
}

/* Takes ownership of path (freed on failure). */
static int add_input(nd_reader *r, char *path, int stream, nd_error *err)
{
    if (r->n >= UINT32_MAX || nd_grow((void **)&r->in, &r->cap, r->n + 1, sizeof *r->in)) {
        free(path);
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory listing the inputs");
    }
    nd_input *in = &r->in[r->n++];
    memset(in, 0, sizeof *in);
    in->path = path;
    in->stream = (uint8_t)stream;
    in->spool_fd = -1;
    in->dspool_fd = -1;
    if (strcmp(path, "-") == 0) { /* standard input: JSONL unless told */
        in->fmt = (uint8_t)(r->o.input_format ? r->o.input_format : ND_FORMAT_JSONL);
        in->jsonl = in->fmt == ND_FORMAT_JSONL;
    } else {
        classify(in, r->o.input_format);
    }
    return NEARDUP_OK;
}

typedef struct {
    dev_t dev;
    ino_t ino;
    const char *path;
} dir_id;

typedef struct {
    dir_id *v;
    size_t n, cap;
    int follow;
    const nd_reader_opts *o; /* its skip callback */
} dir_stack;

static char *join(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    int slash = a > 0 && dir[a - 1] != '/';
    char *p = malloc(a + slash + b + 1);
    if (!p) return NULL;
    memcpy(p, dir, a);
    if (slash) p[a] = '/';
    memcpy(p + a + slash, name, b + 1);
    return p;
}

static const char *kind_name(mode_t m)
{
    if (S_ISFIFO(m)) return "fifo";
    if (S_ISSOCK(m)) return "socket";
    if (S_ISCHR(m)) return "character device";
    if (S_ISBLK(m)) return "block device";
    if (S_ISLNK(m)) return "symbolic link";
    return "special file";
}

static int walk(nd_reader *r, const char *dir, const struct stat *st, dir_stack *ds, nd_error *err);

/* The status of a failed stat, open or access of an input: a file that is
 * missing, a dangling or looping link, a permission are the user's input
 * (exit 2), inside a directory as on the command line; the rest is the
 * system's (exit 1). */
static int input_errno_code(int e)
{
    return e == ENOENT || e == ENOTDIR || e == EACCES || e == ELOOP || e == ENAMETOOLONG ? NEARDUP_E_INPUT
                                                                                          : NEARDUP_E_IO;
}

/* A glob without '/' matches the file name; one with '/' the walked path or
 * any tail of it after a slash (sub/NAME matches corpus/sub/NAME). */
static int glob_hit(const char *const *globs, const char *name, const char *path)
{
    for (; globs && *globs; globs++) {
        if (!strchr(*globs, '/')) {
            if (fnmatch(*globs, name, 0) == 0) return 1;
            continue;
        }
        for (const char *p = path; p; p = strchr(p, '/') ? strchr(p, '/') + 1 : NULL)
            if (fnmatch(*globs, p, FNM_PATHNAME) == 0) return 1;
    }
    return 0;
}

/* Whether a walk leaves an entry out (named inputs are never left out).
 * Before stat (file == 0): hidden entries, _SUCCESS and .crc files, the
 * markers Hadoop and Spark leave beside their outputs, unless
 * include_hidden.  For a regular file (file == 1): --include (when given,
 * one must match) and --exclude.  A glob with a '/' matches the path as
 * walked, one without the file name. */
static int walk_skips(const nd_reader *r, const char *name, const char *path, int file)
{
    if (!file) {
        size_t n = strlen(name);
        return !r->o.include_hidden && (name[0] == '.' || !strcmp(name, "_SUCCESS") || ends_with(name, n, ".crc"));
    }
    if (r->o.include && r->o.include[0] && !glob_hit(r->o.include, name, path)) return 1;
    return glob_hit(r->o.exclude, name, path);
}

/* One directory entry: recurse, add, or refuse. */
static int walk_entry(nd_reader *r, DIR *d, const char *dir, const char *name, dir_stack *ds,
                      nd_error *err)
{
    char *path = join(dir, name);
    if (!path) return nd_fail(err, NEARDUP_E_NOMEM, "out of memory walking %s", dir);
    struct stat st;
    int rc = NEARDUP_OK;
    if (walk_skips(r, name, path, 0)) {
        free(path);
        return NEARDUP_OK;
    }
    if (fstatat(dirfd(d), name, &st, ds->follow ? 0 : AT_SYMLINK_NOFOLLOW) != 0)
        rc = nd_fail(err, input_errno_code(errno), "%s: cannot stat: %s%s", path, strerror(errno),
                     errno == ENOENT ? " (a dangling symbolic link?)"
                     : errno == ELOOP ? " (a loop of symbolic links)" : "");
    else if (S_ISLNK(st.st_mode))
        ; /* follow_symlinks off: links inside directories are not read (documented) */
    else if (S_ISDIR(st.st_mode))
        rc = walk(r, path, &st, ds, err);
    else if (walk_skips(r, name, path, 1))
        ; /* --include / --exclude */
    else if (!S_ISREG(st.st_mode))
        rc = nd_fail(err, NEARDUP_E_INPUT, "%s: is a %s, not a regular file or directory",
                     path, kind_name(st.st_mode));
    else if (ds->o && ds->o->skip &&
             ds->o->skip(ds->o->skip_ctx, path, name, ds->v[ds->n - 1].dev, ds->v[ds->n - 1].ino, st.st_dev,
                         st.st_ino))
        ; /* left out by the caller, which says so */
    else if (faccessat(dirfd(d), name, R_OK, 0) != 0)
        rc = nd_fail(err, input_errno_code(errno), "%s: cannot read: %s", path, strerror(errno));
    else
        return add_input(r, path, 0, err);
    free(path);
    return rc;
}

static int walk_dir(nd_reader *r, DIR *d, const char *dir, dir_stack *ds, nd_error *err)
{
    for (;;) {
        errno = 0;
        struct dirent *e = readdir(d);
        if (!e) {
            if (errno) return nd_fail(err, NEARDUP_E_IO, "%s: cannot list: %s", dir, strerror(errno));
            return NEARDUP_OK;
        }
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        int rc = walk_entry(r, d, dir, e->d_name, ds, err);
        if (rc) return rc;
    }
}

/* Walks dir unless it is already on the current path (a symlink loop). */
static int walk(nd_reader *r, const char *dir, const struct stat *st, dir_stack *ds, nd_error *err)
{
    for (size_t i = 0; i < ds->n; i++)
        if (ds->v[i].dev == st->st_dev && ds->v[i].ino == st->st_ino)
            return nd_fail(err, NEARDUP_E_INPUT,
                           "%s: directory loop: it is %s again (through a symbolic link)", dir,
                           ds->v[i].path);
    if (nd_grow((void **)&ds->v, &ds->cap, ds->n + 1, sizeof *ds->v))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory walking %s", dir);
    DIR *d = opendir(dir);
    if (!d) return nd_fail(err, input_errno_code(errno), "%s: cannot open directory: %s", dir, strerror(errno));
    ds->v[ds->n++] = (dir_id){st->st_dev, st->st_ino, dir};
    int rc = walk_dir(r, d, dir, ds, err);
    ds->n--;
    closedir(d);
    return rc;
}

static int cmp_input(const void *a, const void *b)
{
    return strcmp(((const nd_input *)a)->path, ((const nd_input *)b)->path);
}

static int add_arg(nd_reader *r, const char *arg, dir_stack *ds, nd_error *err)
{
    struct stat st;
    int is_stdin = strcmp(arg, "-") == 0;
    /* A named input that is missing or unreadable is the user's error
     * (exit 2); failures while reading an existing file are system errors. */
    if (!is_stdin && stat(arg, &st) != 0)
        return nd_fail(err, input_errno_code(errno), "%s: %s", arg, strerror(errno));
    if (!is_stdin && S_ISDIR(st.st_mode)) {
        size_t first = r->n;
        int rc = walk(r, arg, &st, ds, err);
        if (!rc) qsort(r->in + first, r->n - first, sizeof *r->in, cmp_input);
        return rc;
    }
    if (is_stdin) { /* closed (main.c left it write-only on /dev/null): not an empty input */
        int fl = fcntl(0, F_GETFL);
        if (fl < 0 || (fl & O_ACCMODE) == O_WRONLY)
            return nd_fail(err, NEARDUP_E_INPUT, "standard input (\"-\") is closed or not open for reading");
    }
    if (!is_stdin && access(arg, R_OK) != 0)
        return nd_fail(err, errno == EACCES ? NEARDUP_E_INPUT : NEARDUP_E_IO, "%s: cannot read: %s",
                       arg, strerror(errno));
    char *p = strdup(arg);
    if (!p) return nd_fail(err, NEARDUP_E_NOMEM, "out of memory listing the inputs");
    return add_input(r, p, is_stdin || !S_ISREG(st.st_mode), err);
}

nd_reader *nd_reader_open(const char *const *inputs, size_t ninputs, const nd_reader_opts *o,
                          nd_error *err)
{
    nd_reader *r = calloc(1, sizeof *r);
    if (!r) return nd_fail(err, NEARDUP_E_NOMEM, "out of memory"), NULL;
    r->fd = -1;
    if (o) r->o = *o;
    else r->o.follow_symlinks = 1;
    dir_stack ds = {NULL, 0, 0, r->o.follow_symlinks, &r->o};
    int rc = NEARDUP_OK, nstdin = 0;
    for (size_t i = 0; i < ninputs && !rc; i++) {
        if (strcmp(inputs[i], "-") == 0 && nstdin++)
            rc = nd_fail(err, NEARDUP_E_USAGE, "standard input (\"-\") is given more than once");
        else {
            size_t first = r->n;
            rc = add_arg(r, inputs[i], &ds, err);
            for (size_t k = first; !rc && k < r->n; k++) r->in[k].arg = (uint32_t)i;
        }
    }
    free(ds.v);
    if (!rc && (!(r->raw = malloc(RAW_CAP)) || !(r->zd = nd_zstd_dctx_new())))
        rc = nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
    /* accept frames made with zstd --long (windows up to 2 GiB) */
    if (!rc) ZSTD_DCtx_setParameter(r->zd, ZSTD_d_windowLogMax, sizeof(size_t) > 4 ? 31 : 27);
    if (rc) {
        nd_reader_free(r);
        return NULL;
    }
    return r;
}

nd_reader *nd_reader_open_memory(const char *name, const char *bytes, size_t len, nd_error *err)
{
    nd_reader_opts o = {.follow_symlinks = 1, .input_format = ND_FORMAT_JSONL};
    nd_reader *r = nd_reader_open(NULL, 0, &o, err);
    char *path = r ? strdup(name) : NULL;
    if (r && (!path || add_input(r, path, 0, err))) {
        if (!path) nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
        nd_reader_free(r);
        return NULL;
    }
    if (r) {
        r->in[0].mem = bytes;
        r->in[0].mem_len = len;
    }
    return r;
}

nd_reader *nd_reader_open_docs(const char *name, const char *bytes, const size_t *off, size_t n, nd_error *err)
{
    nd_reader_opts o = {.follow_symlinks = 1};
    nd_reader *r = nd_reader_open(NULL, 0, &o, err);
    if (r && nd_reader_add_docs(r, name, bytes, off, n, err)) {
        nd_reader_free(r);
        return NULL;
    }
    return r;
}

int nd_reader_add_docs(nd_reader *r, const char *name, const char *bytes, const size_t *off, size_t n, nd_error *err)
{
    char *path = strdup(name);
    if (!path) return nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
    int rc = add_input(r, path, 0, err);
    if (rc) return rc;
    nd_input *in = &r->in[r->n - 1];
    in->arg = (uint32_t)(r->n - 1); /* each its own argument (nd_reader_arg_files) */
    in->fmt = ND_FORMAT_DOC;
    in->jsonl = 0;
    in->comp = COMP_NONE;
    in->mem = bytes;
    in->mem_len = n ? off[2 * n] : 0;
    in->doc_off = off;
    in->ndocs = n;
    return NEARDUP_OK;
}

int nd_reader_docs_next(nd_reader *r, nd_batch *b, size_t target, int *more, nd_error *err)
{
    nd_input *in = &r->in[r->cur];
    /* a batch's records are copied into it (62 MB of news-40k in ~10 ms):
     * every consumer of batches (the pipeline, strip, contamination,
     * dedup's writing pass) then reads them as it reads a file's */
    for (; in->mem_pos < in->ndocs && (b->n == 0 || (b->len < target && b->n < 4096 /* corpus.c: ND_BATCH_MAX_RECORDS */)); in->mem_pos++) {
        size_t i = in->mem_pos, o = in->doc_off[2 * i], len = in->doc_off[2 * i + 2] - o;
        if (nd_grow((void **)&b->rec, &b->cap_rec, b->n + 1, sizeof *b->rec) ||
            nd_map_grow((void **)&b->buf, &b->cap, b->len + len + 1 + ND_RECORD_PAD, 1))
            return nd_fail(err, NEARDUP_E_NOMEM, "%s:%zu: out of memory for a record of %zu bytes", in->path,
                           i + 1, len);
        memcpy(b->buf + b->len, in->mem + o, len);
        b->rec[b->n++] = (nd_raw_record){b->len, len, (uint32_t)r->cur, 0, i + 1, ND_FORMAT_DOC,
                                         in->doc_off[2 * i + 1] - o};
        b->buf[b->len + len] = '\n';
        b->len += len + 1;
    }
    *more = in->mem_pos < in->ndocs;
    return NEARDUP_OK;
}

/* ---------- shares of the inputs (MPI ranks) ---------- */

unsigned nd_reader_input_flags(const nd_reader *r, size_t i)
{
    const nd_input *in = &r->in[i];
    return (in->jsonl ? ND_INPUT_JSONL : 0) | (in->comp != COMP_NONE ? ND_INPUT_COMPRESSED : 0) |
           (in->stream ? ND_INPUT_STREAM : 0);
}

void nd_reader_exclude(nd_reader *r, size_t i) { r->in[i].excluded = 1; }

void nd_reader_limit(nd_reader *r, size_t i, uint64_t lo, uint64_t hi, uint64_t lines_before)
{
    nd_input *in = &r->in[i];
    in->limited = 1;
    in->lo = lo;
    in->hi = hi;
    in->lines_before = lines_before;
}

const char *nd_reader_path(const nd_reader *r, uint32_t input)
{
    return input < r->n ? r->in[input].path : "?";
}

