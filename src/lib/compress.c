/* compress.c - streaming zstd and gzip compression of outputs (compress.h).
 *
 * One compressor per output, written by whichever thread holds the output's
 * stream lock, so it needs no lock of its own.  Both formats are written
 * deterministically: the same input bytes give the same file (zstd at a
 * fixed level and one thread; gzip with mtime 0 and no name in its header),
 * so a compressed output is as reproducible as the plain one. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "compress.h"
#include "nd.h"

#define ZSTD_LEVEL 3  /* the zstd tool's default: ~300 MB/s here, a third of the size of text */
#define GZIP_LEVEL 6  /* gzip's default */
#define OUT_CAP ((size_t)128 << 10)

struct nd_compressor {
    int kind;
    nd_compress_emit emit;
    void *user;
    ZSTD_CCtx *zc;
    z_stream gz;
    int gz_live; /* deflateInit2 succeeded: deflateEnd is owed */
    unsigned char *out;
};

int nd_compress_kind(const char *path)
{
    size_t n = path ? strlen(path) : 0;
    if (n > 4 && !strcasecmp(path + n - 4, ".zst")) return ND_COMP_ZSTD;
    if (n > 3 && !strcasecmp(path + n - 3, ".gz")) return ND_COMP_GZIP;
    return ND_COMP_NONE;
}

nd_compressor *nd_compressor_create(int kind, nd_compress_emit emit, void *user)
{
    if (kind != ND_COMP_ZSTD && kind != ND_COMP_GZIP) return NULL;
    nd_compressor *c = calloc(1, sizeof *c);
    if (!c || !(c->out = malloc(OUT_CAP))) goto fail;
    c->kind = kind;
    c->emit = emit;
    c->user = user;
    if (kind == ND_COMP_ZSTD) {
        /* the checksum lets `zstd -t` (and our reader) catch a damaged file */
        if (!(c->zc = ZSTD_createCCtx()) || ZSTD_isError(ZSTD_CCtx_setParameter(c->zc, ZSTD_c_compressionLevel, ZSTD_LEVEL)) ||
            ZSTD_isError(ZSTD_CCtx_setParameter(c->zc, ZSTD_c_checksumFlag, 1)))
            goto fail;
    } else {
        /* windowBits 15 + 16: a gzip wrapper, whose default header has
         * mtime 0 and no file name */
        if (deflateInit2(&c->gz, GZIP_LEVEL, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) goto fail;
        c->gz_live = 1;
    }
    return c;
fail:
    nd_compressor_free(c);
    return NULL;
}

static int emit(nd_compressor *c, size_t n)
{
    return n && c->emit(c->user, c->out, n) ? NEARDUP_E_IO : NEARDUP_OK;
}

/* Runs the zstd stream over in with mode until the input is taken and, for
 * an end, the frame is flushed (ZSTD_compressStream2 returns 0). */
static int zstd_run(nd_compressor *c, const void *buf, size_t n, ZSTD_EndDirective mode)
{
    ZSTD_inBuffer in = {buf, n, 0};
    for (;;) {
        ZSTD_outBuffer out = {c->out, OUT_CAP, 0};
        size_t left = ZSTD_compressStream2(c->zc, &out, &in, mode);
        if (ZSTD_isError(left))
            return ZSTD_getErrorCode(left) == ZSTD_error_memory_allocation ? NEARDUP_E_NOMEM : NEARDUP_E_INTERNAL;
        int rc = emit(c, out.pos);
        if (rc) return rc;
        if (mode == ZSTD_e_end ? left == 0 : in.pos == in.size) return NEARDUP_OK;
    }
}

/* Deflates n bytes of buf (finish: then ends the stream) until the input is
 * taken and no output is pending (an output buffer left with room). */
static int gzip_run(nd_compressor *c, const unsigned char *buf, size_t n, int finish)
{
    for (;;) {
        if (!c->gz.avail_in && n) { /* avail_in is a uInt: at most 1 GiB at a time */
            size_t k = n < ((size_t)1 << 30) ? n : (size_t)1 << 30;
            c->gz.next_in = (Bytef *)buf;
            c->gz.avail_in = (uInt)k;
            buf += k;
            n -= k;
        }
        int flush = finish && !n ? Z_FINISH : Z_NO_FLUSH;
        c->gz.next_out = c->out;
        c->gz.avail_out = (uInt)OUT_CAP;
        int z = deflate(&c->gz, flush); /* Z_BUF_ERROR: no progress this call, not an error */
        if (z == Z_STREAM_ERROR) return NEARDUP_E_INTERNAL;
        int rc = emit(c, OUT_CAP - c->gz.avail_out);
        if (rc) return rc;
        if (flush == Z_FINISH) {
            if (z == Z_STREAM_END) return NEARDUP_OK;
        } else if (!n && !c->gz.avail_in && c->gz.avail_out) {
            return NEARDUP_OK;
        }
    }
}

int nd_compressor_write(nd_compressor *c, const void *buf, size_t n)
{
    if (!n) return NEARDUP_OK;
    return c->kind == ND_COMP_ZSTD ? zstd_run(c, buf, n, ZSTD_e_continue) : gzip_run(c, buf, n, 0);
}

int nd_compressor_end(nd_compressor *c)
{
    return c->kind == ND_COMP_ZSTD ? zstd_run(c, "", 0, ZSTD_e_end) : gzip_run(c, NULL, 0, 1);
}

void nd_compressor_free(nd_compressor *c)
{
    if (!c) return;
    ZSTD_freeCCtx(c->zc);
    if (c->gz_live) deflateEnd(&c->gz);
    free(c->out);
    free(c);
}
