/* test_corpus.c - the reader: files, directories, JSONL, gzip/zstd, stdin, batches. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "nd_test.h"
#include "reader.h"

/* ---------- fixtures ---------- */

typedef struct {
    char dir[256];
} fx;

static char *pathf(const fx *f, const char *name)
{
    static _Thread_local char buf[8][512]; /* a few live paths per test line */
    static _Thread_local int k;
    char *p = buf[k++ & 7];
    snprintf(p, 512, "%s/%s", f->dir, name);
    return p;
}

static void put(const fx *f, const char *name, const void *data, size_t len)
{
    const char *p = pathf(f, name);
    /* create parent directories */
    char tmp[512];
    snprintf(tmp, sizeof tmp, "%s", p);
    for (char *s = tmp + strlen(f->dir) + 1; (s = strchr(s, '/')); s++) {
        *s = 0;
        mkdir(tmp, 0755);
        *s = '/';
    }
    FILE *o = fopen(p, "wb");
    assert_non_null(o);
    assert_int_equal(fwrite(data, 1, len, o), len);
    assert_int_equal(fclose(o), 0);
}

static void puts_file(const fx *f, const char *name, const char *s) { put(f, name, s, strlen(s)); }

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    chmod(p, 0700);
    return remove(p);
}

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    const char *t = getenv("TMPDIR");
    snprintf(f->dir, sizeof f->dir, "%s/nd-corpus-XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(f->dir)) return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

/* gzip member of s[0..n) */
static size_t gz(const void *s, size_t n, unsigned char *out, size_t cap)
{
    z_stream z = {0};
    assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (Bytef *)s;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    size_t k = z.total_out;
    deflateEnd(&z);
    return k;
}

static size_t zst(const void *s, size_t n, unsigned char *out, size_t cap)
{
    size_t k = ZSTD_compress(out, cap, s, n, 3);
    assert_false(ZSTD_isError(k));
    return k;
}

/* ---------- collecting records ---------- */

typedef struct {
    char *bytes;
    size_t len;
    uint32_t input, jsonl;
    uint64_t line;
} rec;

typedef struct {
    rec *r;
    size_t n;
} recs;

static void recs_free(recs *rs)
{
    for (size_t i = 0; i < rs->n; i++) free(rs->r[i].bytes);
    free(rs->r);
    rs->r = NULL;
    rs->n = 0;
}

/* Reads everything left; checks the batch invariants on the way.  Returns the
 * final nd_reader_next status (0 or a negative error). */
static int drain_all(nd_reader *r, size_t target, recs *out, nd_error *err)
{
    nd_batch b = {0};
    int rc;
    uint64_t doc = 0;
    while ((rc = nd_reader_next(r, &b, target, err)) == 1) {
        assert_true(b.n >= 1);
        assert_int_equal(b.first_doc, doc);
        size_t off = 0;
        for (size_t i = 0; i < b.n; i++) { /* whole records, packed in order */
            assert_int_equal(b.rec[i].off, off);
            off += b.rec[i].len;
            if (b.rec[i].jsonl) assert_int_equal(b.buf[off++], '\n'); /* a JSONL line keeps one "\n" */
            if (i + 1 < b.n) assert_true(off < target); /* stopped only once full */
        }
        assert_int_equal(b.len, off);
        out->r = realloc(out->r, (out->n + b.n) * sizeof *out->r);
        for (size_t i = 0; i < b.n; i++) {
            rec *x = &out->r[out->n++];
            x->len = b.rec[i].len;
            x->bytes = malloc(x->len + 1);
            memcpy(x->bytes, b.buf + b.rec[i].off, x->len);
            x->bytes[x->len] = 0;
            x->input = b.rec[i].input;
            x->jsonl = b.rec[i].jsonl;
            x->line = b.rec[i].line;
        }
        doc += b.n;
    }
    nd_batch_free(&b);
    return rc;
}

static nd_reader *open1(const char *in, nd_error *err)
{
    return nd_reader_open(&in, 1, NULL, err);
}

static void assert_rec(const nd_reader *r, const rec *x, const char *path, uint64_t line,
                       const char *bytes)
{
    assert_string_equal(nd_reader_path(r, x->input), path);
    assert_int_equal(x->line, line);
    assert_int_equal(x->jsonl, line > 0);
    assert_int_equal(x->len, strlen(bytes));
    assert_string_equal(x->bytes, bytes);
}

/* ---------- tests ---------- */

static void plain_files_in_argument_order(void **state)
{
    fx *f = *state;
    puts_file(f, "b.txt", "bee\nline two\n");
    puts_file(f, "a.txt", "");
    const char *in[] = {pathf(f, "b.txt"), pathf(f, "a.txt")};
    nd_error err = {0, ""};
    nd_reader *r = nd_reader_open(in, 2, NULL, &err);
    assert_non_null(r);
    assert_int_equal(nd_reader_count(r), 2);
    recs rs = {0};
    assert_int_equal(drain_all(r, 1 << 20, &rs, &err), 0);
    assert_int_equal(rs.n, 2);
    assert_rec(r, &rs.r[0], in[0], 0, "bee\nline two\n");
    assert_rec(r, &rs.r[1], in[1], 0, ""); /* an empty file is an empty record */
    recs_free(&rs);
    nd_reader_free(r);
}

static void directory_order(void **state)
{
    fx *f = *state;
    puts_file(f, "d/b/x", "x");
    puts_file(f, "d/b.txt", "b.txt");
    puts_file(f, "d/a", "a");
    puts_file(f, "d/-first", "h");
    puts_file(f, "d/sub/deep/z", "z");
    puts_file(f, "d/B", "B");
    puts_file(f, "d/l.jsonl", "{\"id\":\"1\"}\n");
    nd_error err = {0, ""};
    char top[512];
    snprintf(top, sizeof top, "%s/", pathf(f, "d")); /* a trailing slash gives no "//" */
    nd_reader *r = open1(top, &err);
    assert_non_null(r);
    /* byte-wise full path order: '-' and '.' (0x2d, 0x2e) sort before '/' (0x2f), 'B' before 'a' */
    const char *want[] = {"-first", "B", "a", "b.txt", "b/x", "l.jsonl", "sub/deep/z"};
    assert_int_equal(nd_reader_count(r), 7);
    for (uint32_t i = 0; i < 7; i++) {
        char p[600];
        snprintf(p, sizeof p, "%s%s", top, want[i]);
        assert_string_equal(nd_reader_path(r, i), p);
    }
    recs rs = {0};
    assert_int_equal(drain_all(r, 1, &rs, &err), 0);
    assert_int_equal(rs.n, 7);
    assert_string_equal(rs.r[3].bytes, "b.txt");
    assert_int_equal(rs.r[5].jsonl, 1);
    assert_string_equal(rs.r[5].bytes, "{\"id\":\"1\"}");
    recs_free(&rs);
    nd_reader_free(r);
}

/* Walks leave out hidden files and directories, _SUCCESS and *.crc unless
 * include_hidden; --include / --exclude globs match the name, or with a '/'
 * the walked path; named inputs are always read. */
static void walk_filters(void **state)
{
    fx *f = *state;
    puts_file(f, "w/a.txt", "a");
    puts_file(f, "w/.hidden", "h");
    puts_file(f, "w/.git/config", "g");
    puts_file(f, "w/_SUCCESS", "");
    puts_file(f, "w/part-0.crc", "c");
    puts_file(f, "w/sub/b.html", "<p>b</p>");
    puts_file(f, "w/sub/c.txt", "c");
    nd_error err = {0, ""};
    const char *in = pathf(f, "w");
    nd_reader *r = nd_reader_open(&in, 1, NULL, &err);
    assert_non_null(r);
    assert_int_equal(nd_reader_count(r), 3); /* a.txt, sub/b.html, sub/c.txt */
    nd_reader_free(r);
    nd_reader_opts o = {.follow_symlinks = 1, .include_hidden = 1};
    r = nd_reader_open(&in, 1, &o, &err);
    assert_non_null(r);
    assert_int_equal(nd_reader_count(r), 7);
    nd_reader_free(r);
    const char *inc[] = {"*.txt", NULL}, *exc[] = {"sub/c.txt", NULL};
    o = (nd_reader_opts){.follow_symlinks = 1, .include = inc, .exclude = exc};
    r = nd_reader_open(&in, 1, &o, &err);
    assert_non_null(r);
    assert_int_equal(nd_reader_count(r), 1);
    char want[600];
    snprintf(want, sizeof want, "%s/a.txt", in);
    assert_string_equal(nd_reader_path(r, 0), want);
    nd_reader_free(r);
    const char *hidden = pathf(f, "w/.hidden"); /* named: read whatever its name */
    r = nd_reader_open(&hidden, 1, &o, &err);
    assert_non_null(r);
    assert_int_equal(nd_reader_count(r), 1);
    nd_reader_free(r);
}

static const char JL[] = "{\"id\":\"1\"}\r\n\n   \n{\"id\":\"2\"}\n\t\r\n{\"id\":\"3\"}";

static void jsonl_blank_lines_and_crlf(void **state)
{
    fx *f = *state;
    puts_file(f, "c.jsonl", JL);
    puts_file(f, "d.NDJSON", "x\n\n");
    const char *in[] = {pathf(f, "c.jsonl"), pathf(f, "d.NDJSON")};
    nd_error err = {0, ""};
    nd_reader *r = nd_reader_open(in, 2, NULL, &err);
    recs rs = {0};
    assert_int_equal(drain_all(r, 1 << 20, &rs, &err), 0);
    assert_int_equal(rs.n, 4);
    /* blank lines are not records but count; "\r" is stripped; the last line
     * has no "\n" */
    assert_rec(r, &rs.r[0], in[0], 1, "{\"id\":\"1\"}");
    assert_rec(r, &rs.r[1], in[0], 4, "{\"id\":\"2\"}");
    assert_rec(r, &rs.r[2], in[0], 6, "{\"id\":\"3\"}");
    assert_rec(r, &rs.r[3], in[1], 1, "x");
    recs_free(&rs);
    nd_reader_free(r);
}

/* MPI shares (nd_reader_limit): cutting a file at any offsets into ranges
 * [0, a), [a, b), ... reads every record exactly once, in order, with the
 * line numbers of the whole file - blank lines, CRLF and a last line
 * without "\n" included; lines_before is the count of "\n" before a range. */
static void limited_ranges_split_lines_once(void **state)
{
    fx *f = *state;
    static const char L[] = "{\"id\":\"1\"}\r\n\n   \n{\"id\":\"2\"}\n\t\r\n{\"id\":\"3\"}\n\n{\"id\":\"4\"}";
    size_t n = sizeof L - 1;
    puts_file(f, "s.jsonl", L);
    const char *in = pathf(f, "s.jsonl");
    nd_error err = {0, ""};
    nd_reader *whole = open1(in, &err);
    recs all = {0};
    assert_int_equal(drain_all(whole, 1 << 20, &all, &err), 0);
    nd_reader_free(whole);
    assert_int_equal(all.n, 4);
    for (size_t a = 0; a <= n; a++)
        for (size_t b = a; b <= n; b++) { /* three ranges: [0, a), [a, b), [b, n) */
            size_t cut[4] = {0, a, b, n}, got = 0;
            for (int q = 0; q < 3; q++) {
                if (cut[q] == cut[q + 1]) continue; /* the planner never gives an empty range */
                uint64_t nl = 0;
                for (size_t i = 0; i < cut[q]; i++) nl += L[i] == '\n';
                nd_reader *r = open1(in, &err);
                nd_reader_limit(r, 0, cut[q], cut[q + 1], nl);
                recs rs = {0};
                assert_int_equal(drain_all(r, 16, &rs, &err), 0);
                for (size_t i = 0; i < rs.n; i++, got++) {
                    assert_true(got < all.n);
                    assert_int_equal(rs.r[i].line, all.r[got].line);
                    assert_string_equal(rs.r[i].bytes, all.r[got].bytes);
                }
                recs_free(&rs);
                nd_reader_free(r);
            }
            assert_int_equal(got, all.n);
        }
    recs_free(&all);
    /* an excluded input yields nothing, the next one still does */
    puts_file(f, "t.jsonl", "{\"id\":\"9\"}\n");
    const char *two[] = {in, pathf(f, "t.jsonl")};
    nd_reader *r = nd_reader_open(two, 2, NULL, &err);
    nd_reader_exclude(r, 0);
    recs rs = {0};
    assert_int_equal(drain_all(r, 1 << 20, &rs, &err), 0);
    assert_int_equal(rs.n, 1);
    assert_rec(r, &rs.r[0], two[1], 1, "{\"id\":\"9\"}");
    recs_free(&rs);
    nd_reader_free(r);
}

/* The same lines as JL, split into members / frames in the middle of lines. */
static void compressed_jsonl(void **state)
{
    fx *f = *state;
    unsigned char buf[4096];
    size_t n = 0, cut[] = {0, 5, 13, 14, sizeof JL - 1};
    for (int i = 0; i < 4; i++) n += gz(JL + cut[i], cut[i + 1] - cut[i], buf + n, sizeof buf - n);
    put(f, "m.jsonl.gz", buf, n);
    n = 0;
    for (int i = 0; i < 4; i++) n += zst(JL + cut[i], cut[i + 1] - cut[i], buf + n, sizeof buf - n);
    put(f, "m.ndjson.zst", buf, n);
    n = gz("plain\ntext", 10, buf, sizeof buf);
    put(f, "p.txt.gz", buf, n);
    n = zst("zplain", 6, buf, sizeof buf);
    put(f, "p.zst", buf, n);
    const char *in[] = {pathf(f, "m.jsonl.gz"), pathf(f, "m.ndjson.zst"), pathf(f, "p.txt.gz"),
                        pathf(f, "p.zst")};
    nd_error err = {0, ""};
    nd_reader *r = nd_reader_open(in, 4, NULL, &err);
    recs rs = {0};
    assert_int_equal(drain_all(r, 7, &rs, &err), 0);
    assert_int_equal(rs.n, 8);
    for (int k = 0; k < 2; k++) {
        assert_rec(r, &rs.r[3 * k + 0], in[k], 1, "{\"id\":\"1\"}");
        assert_rec(r, &rs.r[3 * k + 1], in[k], 4, "{\"id\":\"2\"}");
        assert_rec(r, &rs.r[3 * k + 2], in[k], 6, "{\"id\":\"3\"}");
    }
    assert_rec(r, &rs.r[6], in[2], 0, "plain\ntext");
    assert_rec(r, &rs.r[7], in[3], 0, "zplain");
    recs_free(&rs);
    nd_reader_free(r);
}

/* Large, poorly compressible plain files: the decoders fill the record
 * buffer many times and must flush what they hold before reading more. */
static void compressed_plain_large(void **state)
{
    fx *f = *state;
    size_t n = 3u << 20;
    char *s = malloc(n);
    uint64_t x = 88172645463325252ULL;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        s[i] = (char)(' ' + x % 95);
    }
    size_t cap = ZSTD_compressBound(n) + 1024;
    unsigned char *c = malloc(cap);
    put(f, "big.txt.zst", c, zst(s, n, c, cap));
    put(f, "big.txt.gz", c, gz(s, n, c, cap));
    free(c);
    const char *in[] = {pathf(f, "big.txt.zst"), pathf(f, "big.txt.gz")};
    nd_error err = {0, ""};
    nd_reader *r = nd_reader_open(in, 2, NULL, &err);
    recs rs = {0};
    int rc = drain_all(r, 1, &rs, &err);
    if (rc) fail_msg("%s", err.msg);
    assert_int_equal(rs.n, 2);
    for (int k = 0; k < 2; k++) {
        assert_int_equal(rs.r[k].len, n);
        assert_memory_equal(rs.r[k].bytes, s, n);
    }
    free(s);
    recs_free(&rs);
    nd_reader_free(r);
}

/* Opens name, reads to the end, expects error code with msg containing name and what. */
static void expect_read_error(const fx *f, const char *name, int code, const char *what)
{
    nd_error err = {0, ""};
    nd_reader *r = open1(pathf(f, name), &err);
    assert_non_null(r);
    recs rs = {0};
    int rc = drain_all(r, 1 << 20, &rs, &err);
    recs_free(&rs);
    nd_reader_free(r);
    assert_int_equal(rc, -code);
    assert_int_equal(err.code, code);
    assert_non_null(strstr(err.msg, pathf(f, name)));
    if (!strstr(err.msg, what)) fail_msg("message \"%s\" lacks \"%s\"", err.msg, what);
}

static void truncated_and_corrupt_streams(void **state)
{
    fx *f = *state;
    static char text[200000];
    for (size_t i = 0; i < sizeof text; i++) text[i] = (i % 61 == 60) ? '\n' : (char)('a' + (i * 7919) % 26);
    static unsigned char c[300000];
    size_t n = gz(text, sizeof text, c, sizeof c);
    put(f, "t.jsonl.gz", c, n - 4);   /* cut inside the trailer */
    put(f, "u.txt.gz", c, n / 2);     /* cut in the middle of the data */
    put(f, "e.jsonl.gz", "", 0);      /* empty */
    c[n / 2] ^= 0x55;
    put(f, "x.txt.gz", c, n); /* corrupt: the CRC (at least) no longer matches */
    size_t gz_n = n;
    memcpy(c + gz_n, "junk", 4);
    c[n / 2] ^= 0x55;
    put(f, "j.jsonl.gz", c, gz_n + 4); /* garbage after the last member */
    n = zst(text, sizeof text, c, sizeof c);
    put(f, "t.jsonl.zst", c, n - 1);
    put(f, "u.zst", c, n / 2);
    put(f, "e.zst", "", 0);
    memcpy(c, "NOPE", 4);
    put(f, "x.jsonl.zst", c, n);
    expect_read_error(f, "t.jsonl.gz", NEARDUP_E_INPUT, "truncated gzip");
    expect_read_error(f, "u.txt.gz", NEARDUP_E_INPUT, "truncated gzip");
    expect_read_error(f, "e.jsonl.gz", NEARDUP_E_INPUT, "truncated gzip");
    expect_read_error(f, "x.txt.gz", NEARDUP_E_INPUT, "corrupt gzip");
    /* named at its real offset (it said "at compressed byte ~2": zlib's count restarts per member) */
    char where[96];
    snprintf(where, sizeof where, "trailing garbage after the gzip data, at compressed byte %zu", gz_n);
    expect_read_error(f, "j.jsonl.gz", NEARDUP_E_INPUT, where);
    expect_read_error(f, "t.jsonl.zst", NEARDUP_E_INPUT, "truncated zstd");
    expect_read_error(f, "u.zst", NEARDUP_E_INPUT, "truncated zstd");
    expect_read_error(f, "e.zst", NEARDUP_E_INPUT, "truncated zstd");
    expect_read_error(f, "x.jsonl.zst", NEARDUP_E_INPUT, "corrupt zstd");
}

/* A 100 MB line between two small ones, plain and zstd-compressed (which
 * compresses to almost nothing, so the decoder fills its output many times
 * from one small input: the flush path). */
static void huge_line(void **state)
{
    fx *f = *state;
    size_t big = (size_t)100 << 20;
    char *s = malloc(big + 64);
    size_t n = 0;
    n += (size_t)sprintf(s, "{\"a\":1}\n{\"t\":\"");
    memset(s + n, 'q', big);
    n += big;
    n += (size_t)sprintf(s + n, "\"}\n{\"z\":2}\n");
    put(f, "big.jsonl", s, n);
    size_t cap = ZSTD_compressBound(n);
    unsigned char *c = malloc(cap);
    size_t cn = zst(s, n, c, cap);
    put(f, "big.jsonl.zst", c, cn);
    free(c);
    const char *in[] = {pathf(f, "big.jsonl"), pathf(f, "big.jsonl.zst")};
    nd_error err = {0, ""};
    nd_reader *r = nd_reader_open(in, 2, NULL, &err);
    recs rs = {0};
    assert_int_equal(drain_all(r, 4 << 20, &rs, &err), 0);
    assert_int_equal(rs.n, 6);
    for (int k = 0; k < 2; k++) {
        rec *x = &rs.r[3 * k];
        assert_string_equal(x[0].bytes, "{\"a\":1}");
        assert_int_equal(x[1].line, 2);
        assert_int_equal(x[1].len, big + 8);
        assert_memory_equal(x[1].bytes, s + 8, x[1].len);
        assert_string_equal(x[2].bytes, "{\"z\":2}");
        assert_int_equal(x[2].line, 3);
    }
    free(s);
    recs_free(&rs);
    nd_reader_free(r);
    remove(in[0]);
    remove(in[1]);
}

static void symlink_loop_is_an_error(void **state)
{
    fx *f = *state;
    puts_file(f, "loop/a/file", "x");
    assert_int_equal(symlink("..", pathf(f, "loop/a/up")), 0);
    nd_error err = {0, ""};
    assert_null(open1(pathf(f, "loop"), &err));
    assert_int_equal(err.code, NEARDUP_E_INPUT);
    assert_non_null(strstr(err.msg, pathf(f, "loop/a/up")));
    assert_non_null(strstr(err.msg, "loop"));
    /* not following links: the link is not read, and there is no loop */
    nd_reader_opts o = {.follow_symlinks = 0};
    const char *in = pathf(f, "loop");
    nd_reader *r = nd_reader_open(&in, 1, &o, &err);
    assert_non_null(r);
    assert_int_equal(nd_reader_count(r), 1);
    nd_reader_free(r);
    /* a link to a file outside the loop is followed by default */
    assert_int_equal(unlink(pathf(f, "loop/a/up")), 0);
    assert_int_equal(symlink("file", pathf(f, "loop/a/again")), 0);
    r = open1(in, &err);
    assert_non_null(r);
    assert_int_equal(nd_reader_count(r), 2);
    nd_reader_free(r);
}

static void bad_entries_are_errors(void **state)
{
    fx *f = *state;
    nd_error err = {0, ""};
    /* a missing input named by the user is bad input (exit 2) */
    assert_null(open1(pathf(f, "nope.jsonl"), &err));
    assert_int_equal(err.code, NEARDUP_E_INPUT);
    assert_non_null(strstr(err.msg, pathf(f, "nope.jsonl")));
    /* a fifo inside a directory */
    puts_file(f, "sp/ok", "x");
    assert_int_equal(mkfifo(pathf(f, "sp/pipe"), 0600), 0);
    assert_null(open1(pathf(f, "sp"), &err));
    assert_int_equal(err.code, NEARDUP_E_INPUT);
    assert_non_null(strstr(err.msg, pathf(f, "sp/pipe")));
    assert_non_null(strstr(err.msg, "fifo"));
    remove(pathf(f, "sp/pipe"));
    /* a dangling symlink inside a directory: bad input (exit 2), as a missing
     * file named on the command line (issue 19: it was a system error, 1) */
    assert_int_equal(symlink("gone", pathf(f, "sp/dangling")), 0);
    assert_null(open1(pathf(f, "sp"), &err));
    assert_int_equal(err.code, NEARDUP_E_INPUT);
    assert_non_null(strstr(err.msg, pathf(f, "sp/dangling")));
    remove(pathf(f, "sp/dangling"));
    /* stdin twice */
    const char *two[] = {"-", "-"};
    assert_null(nd_reader_open(two, 2, NULL, &err));
    assert_int_equal(err.code, NEARDUP_E_USAGE);
}

/* As root every file is readable, so chmod 000 proves nothing there; what we
 * can test as anyone is a file that vanishes between listing and reading. */
static void unreadable_files(void **state)
{
    fx *f = *state;
    nd_error err = {0, ""};
    puts_file(f, "ur/a", "a");
    puts_file(f, "ur/b", "b");
    nd_reader *r = open1(pathf(f, "ur"), &err);
    assert_non_null(r);
    assert_int_equal(remove(pathf(f, "ur/b")), 0);
    recs rs = {0};
    assert_int_equal(drain_all(r, 1, &rs, &err), -NEARDUP_E_IO);
    assert_int_equal(rs.n, 1);
    assert_non_null(strstr(err.msg, pathf(f, "ur/b")));
    recs_free(&rs);
    nd_reader_free(r);
    if (geteuid() != 0) {
        puts_file(f, "ur/c", "c");
        chmod(pathf(f, "ur/c"), 0);
        assert_null(open1(pathf(f, "ur"), &err));
        assert_int_equal(err.code, NEARDUP_E_IO);
        assert_non_null(strstr(err.msg, pathf(f, "ur/c")));
        assert_null(open1(pathf(f, "ur/c"), &err));
        assert_non_null(strstr(err.msg, pathf(f, "ur/c")));
    } else {
        print_message("[ NOTE     ] running as root: the chmod 000 check is skipped\n");
    }
}

/* Varied lines; batches at a few targets; then rewind reads the same again. */
static void batches_and_rewind(void **state)
{
    fx *f = *state;
    char *s = malloc(1 << 20);
    size_t n = 0;
    for (int i = 0; i < 3000; i++) {
        n += (size_t)sprintf(s + n, "{\"id\":\"%d\",\"t\":\"", i);
        for (int k = 0; k < (i * 37) % 300; k++) s[n++] = (char)('a' + k % 26);
        n += (size_t)sprintf(s + n, "\"}\n%s", i % 10 == 0 ? "\n" : "");
    }
    put(f, "bt/x.jsonl", s, n);
    unsigned char *c = malloc(1 << 21);
    put(f, "bt/y.jsonl.zst", c, zst(s, n, c, 1 << 21));
    put(f, "bt/z.jsonl.gz", c, gz(s, n, c, 1 << 21));
    free(c);
    free(s);
    puts_file(f, "bt/p.txt", "plain");
    nd_error err = {0, ""};
    nd_reader *r = open1(pathf(f, "bt"), &err);
    recs ref = {0};
    assert_int_equal(drain_all(r, 1 << 30, &ref, &err), 0);
    assert_int_equal(ref.n, 1 + 3 * 3000);
    assert_int_equal(ref.r[3000].line, 3300); /* blank lines after every tenth */
    size_t targets[] = {1, 100, 4096, 65536};
    for (int t = 0; t < 4; t++) {
        assert_int_equal(nd_reader_rewind(r, &err), 0);
        recs rs = {0};
        assert_int_equal(drain_all(r, targets[t], &rs, &err), 0);
        assert_int_equal(rs.n, ref.n);
        for (size_t i = 0; i < rs.n; i++) {
            assert_int_equal(rs.r[i].line, ref.r[i].line);
            assert_int_equal(rs.r[i].input, ref.r[i].input);
            assert_int_equal(rs.r[i].len, ref.r[i].len);
            assert_memory_equal(rs.r[i].bytes, ref.r[i].bytes, rs.r[i].len);
        }
        recs_free(&rs);
    }
    /* rewinding in the middle of a file starts over too */
    nd_batch b = {0};
    assert_int_equal(nd_reader_rewind(r, &err), 0);
    assert_int_equal(nd_reader_next(r, &b, 10000, &err), 1);
    assert_int_equal(nd_reader_rewind(r, &err), 0);
    assert_int_equal(nd_reader_next(r, &b, 1, &err), 1);
    assert_int_equal(b.first_doc, 0);
    assert_int_equal(b.n, 1);
    assert_int_equal(b.rec[0].len, ref.r[0].len);
    nd_batch_free(&b);
    recs_free(&ref);
    nd_reader_free(r);
}

static size_t count_entries(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "ls -A '%s' | wc -l", dir);
    FILE *p = popen(cmd, "r");
    size_t k = 0;
    assert_int_equal(fscanf(p, "%zu", &k), 1);
    pclose(p);
    return k;
}

/* Standard input through a pipe from a child: read a little, rewind (which
 * spools the rest), read all, rewind, read all again. */
static void stdin_is_spooled(void **state)
{
    fx *f = *state;
    size_t n = 0, lines = 20000;
    char *s = malloc(lines * 40);
    for (size_t i = 0; i < lines; i++) n += (size_t)sprintf(s + n, "{\"id\":\"%zu\"}\r\n", i);
    int pfd[2];
    assert_int_equal(pipe(pfd), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(pfd[0]);
        for (size_t o = 0; o < n;) {
            ssize_t w = write(pfd[1], s + o, n - o);
            if (w <= 0) _exit(1);
            o += (size_t)w;
        }
        _exit(0);
    }
    close(pfd[1]);
    int saved = dup(0);
    assert_int_equal(dup2(pfd[0], 0), 0);
    close(pfd[0]);
    mkdir(pathf(f, "spool"), 0700);
    char *old = getenv("TMPDIR") ? strdup(getenv("TMPDIR")) : NULL;
    setenv("TMPDIR", pathf(f, "spool"), 1);

    const char *in[] = {"-"};
    nd_error err = {0, ""};
    nd_reader *r = nd_reader_open(in, 1, NULL, &err);
    assert_non_null(r);
    assert_string_equal(nd_reader_path(r, 0), "-");
    nd_batch b = {0};
    assert_int_equal(nd_reader_next(r, &b, 1, &err), 1);
    char *first = strndup(b.buf, b.rec[0].len);
    assert_string_equal(first, "{\"id\":\"0\"}");
    free(first);
    nd_batch_free(&b);
    assert_int_equal(count_entries(pathf(f, "spool")), 0); /* unlinked at once */
    for (int pass = 0; pass < 2; pass++) {
        assert_int_equal(nd_reader_rewind(r, &err), 0);
        recs rs = {0};
        assert_int_equal(drain_all(r, 1000, &rs, &err), 0);
        assert_int_equal(rs.n, lines);
        assert_rec(r, &rs.r[lines - 1], "-", lines, "{\"id\":\"19999\"}");
        recs_free(&rs);
    }
    nd_reader_free(r);
    assert_int_equal(count_entries(pathf(f, "spool")), 0);

    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    dup2(saved, 0);
    close(saved);
    if (old) setenv("TMPDIR", old, 1), free(old);
    else unsetenv("TMPDIR");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(plain_files_in_argument_order, setup, teardown),
        cmocka_unit_test_setup_teardown(directory_order, setup, teardown),
        cmocka_unit_test_setup_teardown(walk_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(jsonl_blank_lines_and_crlf, setup, teardown),
        cmocka_unit_test_setup_teardown(limited_ranges_split_lines_once, setup, teardown),
        cmocka_unit_test_setup_teardown(compressed_jsonl, setup, teardown),
        cmocka_unit_test_setup_teardown(compressed_plain_large, setup, teardown),
        cmocka_unit_test_setup_teardown(truncated_and_corrupt_streams, setup, teardown),
        cmocka_unit_test_setup_teardown(huge_line, setup, teardown),
        cmocka_unit_test_setup_teardown(symlink_loop_is_an_error, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_entries_are_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(unreadable_files, setup, teardown),
        cmocka_unit_test_setup_teardown(batches_and_rewind, setup, teardown),
        cmocka_unit_test_setup_teardown(stdin_is_spooled, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
