/* cli_output.c - outputs that appear whole or not at all (cli.h).
 *
 * Every output goes to OUT.tmp.XXXXXX beside its target and is renamed over
 * it when the run's outputs are all complete.  What can go wrong, and what
 * this file does about it:
 *  - a signal (SIGINT, SIGTERM, SIGHUP): the handler removes the temporary
 *    files in flight (the table below) and the process dies of the signal;
 *  - SIGKILL or a crash: each temporary file is flock'ed for the life of the
 *    process, so the next run on the same output, finding one whose lock it
 *    can take, knows its owner is gone and removes it;
 *  - a failed write: the errno of the failed write(2) itself is kept (a
 *    stream's error flag says nothing of why, and errno has moved on by the
 *    time anyone looks, or lives in another thread), and nothing is renamed;
 *  - an output that is an input, or two outputs on one file: refused first
 *    (cli_file_checks.c);
 *  - modes: a new file gets 0666 less the umask (open(2) applies it), a
 *    rewritten one its old mode; a symbolic link is written through;
 *  - compression (a name ending in .zst or .gz): the stream's bytes pass
 *    through a compressor (compress.c) on their way to the same temporary
 *    file, so all of the above holds; the frame is ended before the commit,
 *    and a compressor that fails fails the commit like a write. */
#define _GNU_SOURCE /* fopencookie */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cli_output_internal.h"
#include "compress.h"

/* ---------- the temporary files in flight: the one process-wide state ----------
 *
 * A signal handler can reach nothing but static storage, so each temporary
 * file being written is also listed here.  A slot is claimed (FREE -> BUSY),
 * its path written, then published (LIVE) before the file is created; it is
 * freed once the file is renamed or removed.  The handler reads only LIVE
 * slots and calls only unlink, sigaction and raise (async-signal-safe).
 * While a commit renames outputs into place the handler only notes the
 * signal, and the commit dies of it when its renames are done, so that a
 * run's outputs appear all or none even then. */
enum { SLOT_FREE, SLOT_BUSY, SLOT_LIVE };
#define TEMP_SLOTS 8

_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "the signal handler needs lock-free atomics");

static struct {
    struct {
        atomic_int state;
        char path[PATH_MAX];
    } slot[TEMP_SLOTS];
    atomic_int committing, pending;
} temps;

static void remove_temps(void)
{
    for (int i = 0; i < TEMP_SLOTS; i++)
        if (atomic_load(&temps.slot[i].state) == SLOT_LIVE) unlink(temps.slot[i].path);
}

static void die_of(int sig)
{
    struct sigaction sa;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    sa.sa_handler = SIG_DFL;
    sigaction(sig, &sa, NULL);
    raise(sig); /* in the handler: delivered (and fatal) as soon as it returns */
}

static void on_signal(int sig)
{
    if (atomic_load(&temps.committing)) {
        atomic_store(&temps.pending, sig);
        return;
    }
    remove_temps();
    die_of(sig);
}

void nd_cli_signals_init(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction old, sa;
        if (sigaction(sigs[i], NULL, &old) || old.sa_handler == SIG_IGN) continue;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESTART;
        sa.sa_handler = on_signal;
        sigaction(sigs[i], &sa, NULL);
    }
}

/* Publishes path before the file exists: a signal in between unlinks a name
 * not yet created, which is harmless, whereas a file created first could be
 * left behind.  Returns 1 + the slot, or 0 when the table is full. */
static int temp_publish(const char *path)
{
    if (strlen(path) >= PATH_MAX) return 0;
    for (int i = 0; i < TEMP_SLOTS; i++) {
        int want = SLOT_FREE;
        if (atomic_compare_exchange_strong(&temps.slot[i].state, &want, SLOT_BUSY)) {
            strcpy(temps.slot[i].path, path);
            atomic_store(&temps.slot[i].state, SLOT_LIVE);
            return i + 1;
        }
    }
    return 0;
}

/* slot: 1 + the slot (0: none, so that a zeroed nd_out holds none). */
static void temp_retire(int *slot)
{
    if (*slot > 0) atomic_store(&temps.slot[*slot - 1].state, SLOT_FREE);
    *slot = 0;
}

/* ---------- names ---------- */

#define TEMP_SUFFIX ".tmp."
#define TEMP_RANDOM 6

/* Whether name is base + ".tmp." + 6 letters or digits: what nd_out_open
 * creates for an output named base. */
int nd_out_is_temp_of(const char *name, const char *base)
{
    size_t n = strlen(base);
    if (strncmp(name, base, n) || strncmp(name + n, TEMP_SUFFIX, 5)) return 0;
    const char *x = name + n + 5;
    for (int i = 0; i < TEMP_RANDOM; i++)
        if (!isalnum((unsigned char)x[i]) || (unsigned char)x[i] >= 0x80) return 0;
    return x[TEMP_RANDOM] == '\0';
}

/* Splits path into its directory ("." when none) and file name (malloc'ed). */
int nd_out_split_path(const char *path, char **dir, char **base)
{
    const char *slash = strrchr(path, '/');
    *base = strdup(slash ? slash + 1 : path);
    if (!slash) *dir = strdup(".");
    else if (slash == path) *dir = strdup("/");
    else *dir = strndup(path, (size_t)(slash - path));
    if (*dir && *base) return 0;
    free(*dir);
    free(*base);
    *dir = *base = NULL;
    return -1;
}

/* Removes the temporary files of base in dir that an earlier run left when it
 * was killed: a live run holds its file's lock until it exits, however it
 * exits, so a lock we can take proves the owner gone.  (A file renamed over
 * between our open and unlink is left alone: the identities must match.) */
static void remove_stale(const char *dir, const char *base)
{
    DIR *d = opendir(dir);
    if (!d) return; /* creating the temporary file will say why */
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!nd_out_is_temp_of(e->d_name, base)) continue;
        int fd = openat(dirfd(d), e->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        struct stat a, b;
        if (fd >= 0 && !fstat(fd, &a) && S_ISREG(a.st_mode) && !flock(fd, LOCK_EX | LOCK_NB) &&
            !fstatat(dirfd(d), e->d_name, &b, AT_SYMLINK_NOFOLLOW) && a.st_dev == b.st_dev && a.st_ino == b.st_ino &&
            !unlinkat(dirfd(d), e->d_name, 0))
            fprintf(stderr, "neardup: removed %s/%s, left by an interrupted run\n", dir, e->d_name);
        if (fd >= 0) close(fd);
    }
    closedir(d);
}

/* ---------- the stream: stdio over a descriptor that keeps its errno ---------- */

struct nd_out_sink {
    int fd, own_fd; /* own_fd: closed with the output (not standard output) */
    int err;        /* errno of the first failed write, 0 if none */
    int discard;    /* aborting: buffered bytes go nowhere */
    nd_compressor *z; /* FILE.zst, FILE.gz: the stream's bytes go through it to fd */
};

/* Writes all of buf to the descriptor; on failure keeps the errno of the
 * write that failed (the first one) and returns the bytes written. */
static size_t raw_write(nd_out_sink *s, const char *buf, size_t n)
{
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(s->fd, buf + done, n - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            if (!s->err) s->err = w < 0 ? errno : ENOSPC;
            break;
        }
        done += (size_t)w;
    }
    return done;
}

static int z_emit(void *user, const void *buf, size_t n)
{
    return raw_write(user, buf, n) == n ? 0 : -1;
}

/* A compressor's own failure, as the errno the output reports (an emit
 * failure has set s->err already). */
static void z_failed(nd_out_sink *s, int rc)
{
    if (!s->err) s->err = rc == NEARDUP_E_NOMEM ? ENOMEM : EIO;
}

static ssize_t sink_write(void *cookie, const char *buf, size_t n)
{
    nd_out_sink *s = cookie;
    if (s->discard) return (ssize_t)n;
    if (s->z) {
        /* all or nothing: a compressed stream cut anywhere is lost anyway */
        int rc = s->err ? NEARDUP_E_IO : nd_compressor_write(s->z, buf, n);
        if (rc) z_failed(s, rc);
        return rc ? 0 : (ssize_t)n; /* fewer bytes than asked: stdio sets the stream's error flag */
    }
    return (ssize_t)raw_write(s, buf, n);
}

static int sink_seek(void *cookie, off64_t *off, int whence)
{
    nd_out_sink *s = cookie;
    if (s->z) return errno = ESPIPE, -1; /* a compressed stream only goes forward */
    off_t at = lseek(s->fd, (off_t)*off, whence);
    if (at < 0) return -1;
    *off = at;
    return 0;
}

static int sink_close(void *cookie) { return 0; } /* the descriptor outlives the stream: fsync comes after */

static void free_out(nd_out *o)
{
    if (o->sink && o->sink->own_fd) close(o->sink->fd);
    if (o->sink) nd_compressor_free(o->sink->z);
    free(o->sink);
    free(o->path);
    free(o->target);
    free(o->tmp);
    free(o->buf);
    memset(o, 0, sizeof *o);
}

static const char *shown(const nd_out *o) { return o->path ? o->path : "standard output"; }

static int open_stream(nd_out *o, int fd, int own_fd, nd_error *err)
{
    static const cookie_io_functions_t io = {NULL, sink_write, sink_seek, sink_close};
    if (!(o->sink = calloc(1, sizeof *o->sink))) {
        if (own_fd) close(fd);
        return NEARDUP_E_NOMEM;
    }
    *o->sink = (nd_out_sink){fd, own_fd, 0, 0, NULL};
    /* standard output is never compressed: the name is the only instruction */
    int kind = o->path ? nd_compress_kind(o->path) : ND_COMP_NONE;
    if (kind != ND_COMP_NONE && !(o->sink->z = nd_compressor_create(kind, z_emit, o->sink))) return NEARDUP_E_NOMEM;
    o->fd = kind == ND_COMP_NONE && o->tmp ? fd : -1;
    if (!(o->f = fopencookie(o->sink, "w", io))) return NEARDUP_E_NOMEM;
    /* 1 MiB writes: with glibc's default of one 4 KiB page per write(2),
     * dedup's output alone took 14,000 system calls (0.1 s) on news-40k */
    static const size_t bufsz = 1 << 20;
    if ((o->buf = malloc(bufsz))) setvbuf(o->f, o->buf, _IOFBF, bufsz);
    return NEARDUP_OK;
}

/* Creates, publishes and locks a fresh temporary file beside o->target;
 * mode: for open(2) (the umask applies).  Returns the descriptor or -1. */
static int create_temp(nd_out *o, mode_t mode)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    size_t n = strlen(o->target);
    if (!(o->tmp = malloc(n + sizeof TEMP_SUFFIX + TEMP_RANDOM))) return errno = ENOMEM, -1;
    for (int tries = 0; tries < 100; tries++) {
        unsigned char r[TEMP_RANDOM];
        if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) /* no entropy: any name, O_EXCL decides */
            for (int i = 0; i < TEMP_RANDOM; i++) r[i] = (unsigned char)(getpid() * 31 + tries * 7 + i * 13);
        memcpy(o->tmp, o->target, n);
        memcpy(o->tmp + n, TEMP_SUFFIX, 5);
        for (int i = 0; i < TEMP_RANDOM; i++) o->tmp[n + 5 + i] = abc[r[i] % 62];
        o->tmp[n + 5 + TEMP_RANDOM] = '\0';
        if (!(o->slot = temp_publish(o->tmp))) return errno = EMFILE, -1;
        int fd = open(o->tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode); /* dedup reads it back */
        if (fd < 0) {
            int e = errno;
            temp_retire(&o->slot); /* not ours to remove */
            if (e == EEXIST) continue;
            return errno = e, -1;
        }
        /* Locked for as long as we live (remove_stale).  Another run's
         * cleanup may have taken the lock before us and removed the file:
         * then the name no longer leads to our descriptor, and we start again. */
        struct stat a, b;
        if (!flock(fd, LOCK_EX) && !fstat(fd, &a) && !lstat(o->tmp, &b) && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
            return fd;
        close(fd);
        temp_retire(&o->slot);
    }
    return errno = EEXIST, -1;
}

int nd_out_open(nd_out *o, const char *path, nd_error *err)
{
    memset(o, 0, sizeof *o);
    if (!path || !strcmp(path, "-")) {
        if (open_stream(o, STDOUT_FILENO, 0, err)) {
            free_out(o);
            return nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
        }
        return NEARDUP_OK;
    }
    struct stat st, lst;
    int e = 0, linked = !lstat(path, &lst) && S_ISLNK(lst.st_mode), exists = !stat(path, &st);
    if (!exists && errno != ENOENT) e = errno;
    if (!(o->path = strdup(path))) goto nomem;
    if (linked && !exists) {
        free_out(o);
        if (e) return nd_fail(err, NEARDUP_E_IO, "cannot write %s: %s", path, strerror(e));
        return nd_fail(err, NEARDUP_E_IO, "cannot write %s: it is a symbolic link to a missing file", path);
    }
    if (exists && S_ISDIR(st.st_mode)) {
        free_out(o);
        return nd_fail(err, NEARDUP_E_IO, "cannot write %s: %s", path, strerror(EISDIR));
    }
    if (exists && !S_ISREG(st.st_mode)) {
        /* a device or a fifo (/dev/null, /dev/stdout, >(gzip > x)): renaming
         * over it would replace it, so it is written in place */
        int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
        if (fd < 0) {
            e = errno;
            free_out(o);
            return nd_fail(err, NEARDUP_E_IO, "cannot write %s: %s", path, strerror(e));
        }
        if (open_stream(o, fd, 1, err)) goto nomem;
        return NEARDUP_OK;
    }
    /* through a symbolic link, the file it names is replaced, beside it:
     * replacing the link would leave that file, which others read through
     * the link, unchanged */
    if (!(o->target = linked ? realpath(path, NULL) : strdup(path))) {
        if (errno == ENOMEM) goto nomem;
        e = errno;
        free_out(o);
        return nd_fail(err, NEARDUP_E_IO, "cannot write %s: %s", path, strerror(e));
    }
    char *dir, *base;
    if (nd_out_split_path(o->target, &dir, &base)) goto nomem;
    remove_stale(dir, base);
    /* a new file: 0666 less the umask, as open(2) applies it; a rewritten
     * one: its own mode and, where we may, its owner (as sed -i does) */
    int fd = create_temp(o, exists ? 0600 : 0666);
    free(dir);
    free(base);
    if (fd < 0) {
        e = errno;
        nd_out_abort(o);
        return nd_fail(err, NEARDUP_E_IO, "cannot write %s: %s", path, strerror(e));
    }
    if (exists) {
        if ((st.st_uid != geteuid() || st.st_gid != getegid()) && fchown(fd, st.st_uid, st.st_gid))
            (void)!fchown(fd, (uid_t)-1, st.st_gid);
        if (fchmod(fd, st.st_mode & 0777)) {
            e = errno;
            close(fd);
            nd_out_abort(o);
            return nd_fail(err, NEARDUP_E_IO, "cannot keep the mode of %s: %s", path, strerror(e));
        }
    }
    if (open_stream(o, fd, 1, err)) goto nomem;
    return NEARDUP_OK;
nomem:
    nd_out_abort(o);
    return nd_fail(err, NEARDUP_E_NOMEM, "out of memory");
}

/* Flushes and closes o's stream (and syncs it if asked); the errno of the
 * first failure, 0 if none. */
static int finish(nd_out *o)
{
    int bad = ferror(o->f) || fflush(o->f), e = bad ? errno : 0;
    /* the frame's end (zstd checksum, gzip trailer) after the last byte:
     * a compressed output is complete only when its compressor is */
    int zrc = !bad && o->sink->z ? nd_compressor_end(o->sink->z) : NEARDUP_OK;
    if (zrc) bad = 1, z_failed(o->sink, zrc);
    if (fclose(o->f) && !bad) bad = 1, e = errno;
    o->f = NULL;
    if (o->sink->err) e = o->sink->err; /* the write that failed says why */
    else if (bad && !e) e = EIO;
    if (!e && o->sync && fsync(o->sink->fd)) e = errno;
    if (o->sink->own_fd) {
        o->sink->own_fd = 0;
        if (close(o->sink->fd) && !e) e = errno; /* NFS reports write errors here */
    }
    return e;
}

/* fsync of the directory holding target, so the rename itself is durable. */
static void sync_dir(const char *target)
{
    char *dir, *base;
    if (nd_out_split_path(target, &dir, &base)) return;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) fsync(fd), close(fd);
    free(dir);
    free(base);
}

int nd_out_commit_all(nd_out *const *outs, size_t n, nd_error *err)
{
    int rc = NEARDUP_OK;
    for (size_t i = 0; i < n; i++) {
        if (!outs[i]->f) continue;
        int e = finish(outs[i]);
        if (e && !rc) rc = nd_fail(err, NEARDUP_E_IO, "cannot write %s: %s", shown(outs[i]), strerror(e));
    }
    if (rc) {
        for (size_t i = 0; i < n; i++) nd_out_abort(outs[i]);
        return rc;
    }
    /* every output is complete: only now does any of them replace its target */
    atomic_store(&temps.committing, 1);
    for (size_t i = 0; i < n; i++) {
        nd_out *o = outs[i];
        if (!o->tmp) continue;
        if (!rc && rename(o->tmp, o->target))
            rc = nd_fail(err, NEARDUP_E_IO, "cannot write %s: %s%s", shown(o), strerror(errno),
                         i ? " (the outputs before it are already in place)" : "");
        if (rc) unlink(o->tmp);
        temp_retire(&o->slot);
    }
    atomic_store(&temps.committing, 0);
    int sig = atomic_exchange(&temps.pending, 0);
    if (sig) { /* interrupted while renaming: the outputs are whole; now die of it */
        remove_temps();
        die_of(sig);
    }
    for (size_t i = 0; i < n; i++) {
        if (!rc && outs[i]->sync && outs[i]->tmp) sync_dir(outs[i]->target);
        free_out(outs[i]);
    }
    return rc;
}

int nd_out_commit(nd_out *o, nd_error *err)
{
    nd_out *one[1] = {o};
    return nd_out_commit_all(one, 1, err);
}

void nd_out_abort(nd_out *o)
{
    if (o->f) {
        o->sink->discard = 1;
        fclose(o->f);
    }
    if (o->slot) unlink(o->tmp);
    temp_retire(&o->slot);
    free_out(o);
}

int nd_out_failed(nd_out *o, int code, nd_error *err)
{
    int e = o->sink ? o->sink->err : 0;
    if (!e && o->f && ferror(o->f)) e = EIO;
    if (e) code = nd_fail(err, NEARDUP_E_IO, "cannot write %s: %s", shown(o), strerror(e));
    nd_out_abort(o);
    return code;
}
