/* util.c - errors, growable arrays, seeds: the few helpers every stage shares. */
#define _GNU_SOURCE /* mremap */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/mman.h>
#include <unistd.h>

#include "nd.h"

int nd_fail(nd_error *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}

int nd_error_vprint(int code, const char *fmt, va_list ap)
{
    fputs("neardup: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    return nd_exit_status(code);
}

int nd_exit_status(int code)
{
    switch (code) {
    case NEARDUP_OK: return 0;
    case NEARDUP_E_USAGE:
    case NEARDUP_E_INPUT:
    case NEARDUP_E_UTF8:
    case NEARDUP_E_FORMAT:
    case NEARDUP_E_KEY: return 2;
    default: return 1;
    }
}

/* The capacity (doubling from cap, or from first) that holds need; 0 on overflow. */
static size_t doubled_cap(size_t cap, size_t first, size_t need, size_t elem)
{
    size_t ncap = cap ? cap : first;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2 / elem) return 0;
        ncap *= 2;
    }
    return ncap;
}

int nd_grow(void **ptr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return 0;
    size_t ncap = doubled_cap(*cap, 16, need, elem);
    if (!ncap) return -1;
    void *p = realloc(*ptr, ncap * elem);
    if (!p) return -1;
    *ptr = p;
    *cap = ncap;
    return 0;
}

void nd_prefault(void *base, size_t from, size_t to)
{
#ifdef MADV_POPULATE_WRITE
    long ps = sysconf(_SC_PAGESIZE); /* madvise wants page-aligned starts: 4 KiB or 64 KiB */
    uintptr_t page = ps > 0 ? (uintptr_t)ps : 4096, a = ((uintptr_t)base + from + page - 1) & ~(page - 1),
              b = ((uintptr_t)base + to) & ~(page - 1);
    if (b > a) (void)madvise((void *)a, b - a, MADV_POPULATE_WRITE); /* a hint: failure is harmless */
#else
    (void)base, (void)from, (void)to;
#endif
}

void nd_prefault_ahead(void *base, size_t *done, size_t need, size_t cap)
{
    if (need <= *done) return;
    const size_t step = (size_t)4 << 20;
    size_t to = need - *done < step ? *done + step : need;
    if (to > cap) to = cap;
    nd_prefault(base, *done, to);
    *done = to;
}

#define HUGE_PAGE ((size_t)2 << 20)

static size_t map_size(size_t bytes) { return (bytes + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1); }

void *nd_map_alloc(size_t bytes)
{
    size_t size = map_size(bytes ? bytes : 1);
    if (size < bytes || size + HUGE_PAGE < size) return NULL;
    /* over-map by one huge page, then trim to a 2 MiB-aligned window */
    char *raw = mmap(NULL, size + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) return NULL;
    uintptr_t at = ((uintptr_t)raw + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
    char *p = (char *)at;
    if (p > raw) munmap(raw, (size_t)(p - raw));
    if (raw + size + HUGE_PAGE > p + size) munmap(p + size, (size_t)(raw + size + HUGE_PAGE - (p + size)));
#ifdef MADV_HUGEPAGE
    (void)madvise(p, size, MADV_HUGEPAGE); /* a hint: without it, 4 KiB pages */
#endif
    return p;
}

void *nd_map_realloc(void *p, size_t old_bytes, size_t new_bytes)
{
    if (!p) return nd_map_alloc(new_bytes);
    size_t old_size = map_size(old_bytes ? old_bytes : 1);
    if (map_size(new_bytes ? new_bytes : 1) <= old_size) return p;
    char *q = nd_map_alloc(new_bytes);
    if (!q) return NULL;
#ifdef MREMAP_FIXED
    /* the old pages move over the start of the new mapping: no copy, no new faults */
    if (mremap(p, old_size, old_size, MREMAP_MAYMOVE | MREMAP_FIXED, q) == q) return q;
#endif
    memcpy(q, p, old_bytes);
    munmap(p, old_size);
    return q;
}

int nd_map_grow(void **ptr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return 0;
    size_t ncap = doubled_cap(*cap, 4096, need, elem);
    if (!ncap) return -1;
    void *p = nd_map_realloc(*ptr, *cap * elem, ncap * elem);
    if (!p) return -1;
    *ptr = p;
    *cap = ncap;
    return 0;
}

void nd_map_free(void *p, size_t bytes)
{
    if (p) munmap(p, map_size(bytes ? bytes : 1));
}

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

void nd_seeds_from_seed(nd_seeds *s, uint64_t seed)
{
    uint64_t x = seed;
    s->token_seed = splitmix64(&x);
    s->shingle_seed = splitmix64(&x);
    s->sketch_seed = splitmix64(&x);
    s->anchor_seed = splitmix64(&x);
    s->keyed = 0;
    memset(s->token_secret, 0, sizeof s->token_secret);
}

const char *neardup_strerror(int status)
{
    switch (status) {
    case NEARDUP_OK: return "success";
    case NEARDUP_E_USAGE: return "invalid argument";
    case NEARDUP_E_INPUT: return "malformed input";
    case NEARDUP_E_UTF8: return "invalid UTF-8";
    case NEARDUP_E_IO: return "input/output error";
    case NEARDUP_E_NOMEM: return "out of memory";
    case NEARDUP_E_FORMAT: return "damaged or incompatible file";
    case NEARDUP_E_KEY: return "missing, malformed or mismatched key";
    case NEARDUP_E_INTERNAL: return "internal error";
    default: return "unknown error";
    }
}

const char *neardup_version(void) { return NEARDUP_VERSION_STRING; }

/* ---------- temporary files, whole reads and writes ---------- */

uint64_t nd_memory_budget(uint64_t memory, uint64_t fixed)
{
    return memory > fixed + memory / 4 ? memory - fixed : memory / 4;
}

uint64_t nd_memory_for_budget(uint64_t b, uint64_t fixed)
{
    return 3 * b > fixed ? b + fixed : 4 * b;
}

int nd_tmp_open(const char *dir, nd_error *err)
{
    if (!dir || !*dir) dir = getenv("TMPDIR");
    if (!dir || !*dir) dir = "/tmp";
    size_t n = strlen(dir) + 32;
    char *path = malloc(n);
    if (!path) return nd_fail(err, NEARDUP_E_NOMEM, "out of memory"), -1;
    snprintf(path, n, "%s/neardup-spill-XXXXXX", dir);
    int fd = mkstemp(path);
    if (fd < 0) {
        nd_fail(err, NEARDUP_E_IO, "cannot create a temporary file in %s: %s (see --tmp)", dir, strerror(errno));
        free(path);
        return -1;
    }
    unlink(path);
    free(path);
    return fd;
}

int nd_write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            if (w == 0) errno = ENOSPC;
            return -1;
        }
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

int nd_pwrite_all(int fd, const void *p, size_t n, uint64_t off)
{
    const char *c = p;
    while (n) {
        ssize_t w = pwrite(fd, c, n, (off_t)off);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            if (w == 0) errno = ENOSPC;
            return -1;
        }
        c += w;
        n -= (size_t)w;
        off += (uint64_t)w;
    }
    return 0;
}

int nd_pread_all(int fd, void *p, size_t n, uint64_t off)
{
    char *c = p;
    while (n) {
        ssize_t r = pread(fd, c, n, (off_t)off);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
            if (r == 0) errno = EIO;
            return -1;
        }
        c += r;
        n -= (size_t)r;
        off += (uint64_t)r;
    }
    return 0;
}
