/* cli_dedup_prewrite.c - dedup's output written during the first pass.
 *
 * Most of a corpus is kept (news-40k: 39,378 of 40,114 records), and a kept
 * JSONL record goes out byte for byte.  So the first pass writes every
 * record of the inputs, each with its "\n", to the output's temporary file
 * while it sketches them (nd_pipeline_opts.prewrite: the workers pwrite
 * each batch at its place), and the second pass only takes the removed
 * records out of that file, moving what follows them down in place.  The
 * old second pass read the inputs again (a decoded copy written to $TMPDIR
 * in the first pass) and wrote all 58 MB after the clustering into fresh
 * page-cache pages: on this VM the largest serial step of dedup -j 2
 * (a fifth of its CPU samples).  Now the pages written are the ones the
 * first pass wrote, and no decoded copy is made.
 *
 * It applies when the output is a regular file written through its
 * temporary file, not compressed, without --annotate, outside mpirun; and it
 * gives up (the second pass writes as before) when a record turns out not
 * to be a JSONL line (a plain file, an HTML page, a WARC record). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_dedup.h"

void nd_dedup_prewrite_begin(dedup_ctx *c, const nd_out *out)
{
    nd_job *j = &c->job;
    if (out->fd < 0 || c->annotate) return;
    j->prewrite = 1;
    j->prewrite_fd = out->fd;
    j->prewrite_args = c->nrefs; /* the references are never written */
    /* --keep max:FIELD reads the inputs again for its keys: a decoded copy
     * still saves that pass a decompression */
    j->prewrite_nospool = c->keep_field == NULL;
}

/* Takes the records not kept out of the copy of n records of size bytes:
 * each kept line moves down to where the lines kept before it end; lines
 * before the first removed one stay where they are. */
static int compact(int fd, const uint8_t *kept, uint64_t n, uint64_t size, const char *path, nd_error *err)
{
    size_t cap = (size_t)1 << 20;
    char *buf = malloc(cap);
    if (!buf) return nd_fail(err, NEARDUP_E_NOMEM, "out of memory writing %s", path);
    uint64_t rd = 0, wr = 0, r = 0; /* file offsets of the next byte read and written */
    int moved = 0;                   /* a line was removed: the kept ones after it move */
    int rc = NEARDUP_OK;
    while (rc == NEARDUP_OK && rd < size) {
        size_t want = size - rd < cap ? (size_t)(size - rd) : cap, len = 0;
        while (len < want) {
            ssize_t k = pread(fd, buf + len, want - len, (off_t)(rd + len));
            if (k < 0 && errno == EINTR) continue;
            if (k <= 0) {
                rc = nd_fail(err, NEARDUP_E_IO, "cannot write %s: %s", path, k < 0 ? strerror(errno) : "it was cut short");
                break;
            }
            len += (size_t)k;
        }
        if (rc) break;
        size_t p = 0, out = 0; /* lines in buf[0, p) are done; the moved ones are in buf[0, out) */
        for (;;) {
            char *nl = memchr(buf + p, '\n', len - p);
            if (!nl) break;
            size_t e = (size_t)(nl - buf) + 1;
            if (r >= n) {
                rc = nd_fail(err, NEARDUP_E_INTERNAL, "%s: more records written than read", path);
                break;
            }
            if (!kept[r]) moved = 1;
            else if (!moved) wr += e - p;
            else {
                memmove(buf + out, buf + p, e - p);
                out += e - p;
            }
            r++;
            p = e;
        }
        if (rc) break;
        if (p == 0 && len < cap) {
            rc = nd_fail(err, NEARDUP_E_INTERNAL, "%s: the last record written has no newline", path);
            break;
        }
        if (p == 0) { /* a line longer than the buffer */
            char *nb = cap * 2 > cap ? realloc(buf, cap * 2) : NULL;
            if (!nb) {
                rc = nd_fail(err, NEARDUP_E_NOMEM, "out of memory writing %s", path);
                break;
            }
            buf = nb;
            cap *= 2;
            continue;
        }
        if (nd_pwrite_all(fd, buf, out, wr)) { /* below rd + p: bytes already read */
            rc = nd_fail(err, NEARDUP_E_IO, "cannot write %s: %s", path, strerror(errno));
            break;
        }
        wr += out;
        rd += p;
    }
    free(buf);
    if (!rc && r != n)
        rc = nd_fail(err, NEARDUP_E_INTERNAL, "%s: %llu records written of %llu read", path, (unsigned long long)r,
                     (unsigned long long)n);
    if (!rc && ftruncate(fd, (off_t)wr))
        rc = nd_fail(err, NEARDUP_E_IO, "cannot write %s: %s", path, strerror(errno));
    return rc;
}

int nd_dedup_prewrite_finish(dedup_ctx *c, const nd_out *out, int *done, nd_error *err)
{
    nd_job *j = &c->job;
    const nd_corpus_info *ci = &j->ci;
    *done = 0;
    if (!j->prewrite) return NEARDUP_OK;
    if (ci->prewrite_errno)
        return nd_fail(err, NEARDUP_E_IO, "cannot write %s: %s", out->path, strerror(ci->prewrite_errno));
    if (ci->prewrite_lost) { /* the second pass writes it all, from the start */
        if (ftruncate(out->fd, 0)) return nd_fail(err, NEARDUP_E_IO, "cannot write %s: %s", out->path, strerror(errno));
        return NEARDUP_OK;
    }
    uint64_t first = c->nref - c->nix; /* the job's first record of an input (not a reference) */
    int rc = compact(out->fd, c->ch.kept + c->nref, ci->n - first, ci->prewrite_bytes, out->path, err);
    *done = rc == NEARDUP_OK;
    return rc;
}
