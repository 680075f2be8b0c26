/* test_index.c - the index file: round trip, add by copy, and every way a
 * file can be wrong (truncated, foreign, other version, damaged section,
 * damaged text block, other parameters, other key) failing cleanly. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#include "index.h"
#include "lsh.h"
#include "nd_test.h"
#include "record.h"

#define K 32
#define SEED 42

static char dir[64], path[128];

static int setup(void **state)
{
    strcpy(dir, "/tmp/nd_test_index.XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/ref.ndx", dir);
    return 0;
}

static int teardown(void **state)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd);
}

/* The writer writes a stream; making the file appear whole is the caller's
 * (the CLI's nd_out): here, a file beside path renamed over it. */
static FILE *wf;
static char wpath[160];

static int writer_open(nd_index_writer **w, const nd_index_params *p, nd_error *err)
{
    snprintf(wpath, sizeof wpath, "%s.new", path);
    assert_non_null(wf = fopen(wpath, "w"));
    return nd_index_writer_open(w, wf, wpath, p, 77, err);
}

static int writer_commit(nd_index_writer *w, nd_error *err)
{
    int rc = nd_index_writer_finish(w, err);
    assert_int_equal(fclose(wf), 0);
    if (rc) unlink(wpath);
    else assert_int_equal(rename(wpath, path), 0);
    return rc;
}

static void writer_abort(nd_index_writer *w)
{
    nd_index_writer_abort(w);
    fclose(wf);
    unlink(wpath);
}

static nd_index_params params(void)
{
    nd_index_params p;
    memset(&p, 0, sizeof p);
    p.ngram = 5, p.k = K, p.bands = 4, p.rows = 8, p.threshold = 0.8, p.seed = SEED;
    p.anchor_ngram = 5, p.anchor_w = 16, p.anchor_scheme = 1, p.text_block = 64;
    return p;
}

static const char *texts[] = {"the first text", "second", "", "a fourth, longer text than the others"};
static const char *ids[] = {"doc-a", "doc-b", "doc-c", "doc-d"};

/* Offset maps (offmap.h) of docs 1 and 3, as an HTML page's would be; docs
 * 0 and 2 have none (identity, nothing stored). */
static const nd_map_run map1[] = {{0, 100, 103}, {3, 110, 113}, {6, 113, 113}};
static const nd_map_run map3[] = {{0, 7, 8}, {1, 20, 56}, {37, 56, 56}};

static const nd_map_run *map_of(int d, size_t *n)
{
    *n = d == 1 ? 3 : d == 3 ? 3 : 0;
    return d == 1 ? map1 : d == 3 ? map3 : NULL;
}

/* Signature of document d: lanes differ per doc except docs 0 and 3 share all. */
static void sig_of(int d, uint32_t *s)
{
    for (int i = 0; i < K; i++) s[i] = (uint32_t)((d == 3 ? 0 : d) * 1000 + i);
}

/* Writes docs [from, to) of the fixture, texts in blocks of two documents. */
static void add_docs(nd_index_writer *w, int from, int to)
{
    nd_error err;
    nd_text_block b = {0};
    for (int d = from; d < to; d++) {
        uint32_t s[K];
        sig_of(d, s);
        nd_index_anchor a[2] = {{100 + d, 0, 7}, {5, 0, 3}}; /* out of position order on purpose */
        size_t nm;
        const nd_map_run *m = map_of(d, &nm);
        assert_int_equal(nd_index_writer_doc(w, ids[d], strlen(ids[d]), texts[d][0] ? 3 : 0, s, a, 2,
                                             (uint32_t)strlen(texts[d]), m, nm, &err), NEARDUP_OK);
        assert_int_equal(nd_text_block_add(&b, texts[d], strlen(texts[d])), NEARDUP_OK);
        if (b.ndocs == 2 || d == to - 1) {
            assert_int_equal(nd_text_block_seal(&b, 3, &err), NEARDUP_OK);
            assert_int_equal(nd_index_writer_block(w, &b, &err), NEARDUP_OK);
            nd_text_block_clear(&b);
        }
    }
    nd_text_block_free(&b);
}

static void build(int ndocs)
{
    nd_index_writer *w;
    nd_error err;
    nd_index_params p = params();
    assert_int_equal(writer_open(&w, &p, &err), NEARDUP_OK);
    add_docs(w, 0, ndocs);
    assert_int_equal(writer_commit(w, &err), NEARDUP_OK);
}

static void check_contents(const nd_index *ix, int ndocs)
{
    nd_error err;
    assert_int_equal(ix->ndocs, ndocs);
    nd_index_texts *t = nd_index_texts_create();
    for (int d = 0; d < ndocs; d++) {
        assert_string_equal(nd_index_id(ix, d), ids[d]);
        uint32_t s[K];
        sig_of(d, s);
        assert_memory_equal(ix->sig + (size_t)d * K, s, sizeof s);
        const char *txt;
        size_t len;
        assert_int_equal(nd_index_text(ix, t, d, &txt, &len, &err), NEARDUP_OK);
        assert_int_equal(len, strlen(texts[d]));
        assert_memory_equal(txt, texts[d], len);
        size_t nm;
        const nd_map_run *want = map_of(d, &nm), *got;
        assert_int_equal(nd_index_doc_map(ix, d, &got), nm);
        if (nm) assert_memory_equal(got, want, nm * sizeof *want);
        else assert_null(got);
    }
    assert_int_equal(ix->nmaps, ndocs > 3 ? 2 : ndocs > 1);
    nd_index_texts_free(t);
    /* the band keys of doc 0 find doc 0 and doc 3 (same signature), never empty doc 2 */
    uint32_t s[K];
    sig_of(0, s);
    nd_band_rec r[4];
    nd_lsh_band_records(s, 4, 8, 77, 0, r);
    for (int b = 0; b < 4; b++) {
        const nd_band_rec *first;
        size_t n = nd_index_band_lookup(ix, r[b].key, &first);
        assert_int_equal(n, ndocs > 3 ? 2 : 1);
        assert_int_equal(first[0].doc, 0);
        if (n == 2) assert_int_equal(first[1].doc, 3);
    }
    assert_int_equal(ix->nbands, (size_t)(ndocs > 2 ? ndocs - 1 : ndocs) * 4);
    /* anchor 5 occurs in every document, sorted by doc */
    const nd_index_anchor *a;
    assert_int_equal(nd_index_anchor_lookup(ix, 5, &a), ndocs);
    for (int d = 0; d < ndocs; d++) assert_int_equal(a[d].doc, d), assert_int_equal(a[d].pos, 3);
    assert_int_equal(nd_index_anchor_lookup(ix, 101, &a), ndocs > 1);
    assert_int_equal(nd_index_anchor_lookup(ix, 99, &a), 0);
}

static void test_round_trip(void **state)
{
    build(4);
    nd_index *ix;
    nd_error err;
    assert_int_equal(nd_index_open(path, ND_IX_ALL, &ix, &err), NEARDUP_OK);
    nd_index_params p = params();
    assert_int_equal(nd_index_params_check(&ix->p, &p, path, &err), NEARDUP_OK);
    assert_int_equal(ix->nblocks, 2);
    check_contents(ix, 4);
    uint64_t nbad;
    assert_int_equal(nd_index_verify_texts(ix, &nbad, &err), NEARDUP_OK);
    nd_index_close(ix);
}

static void test_add_by_copy_equals_build(void **state)
{
    build(2);
    nd_index *old;
    nd_index_writer *w;
    nd_error err;
    nd_index_params p = params();
    assert_int_equal(nd_index_open(path, ND_IX_ALL, &old, &err), NEARDUP_OK);
    assert_int_equal(writer_open(&w, &p, &err), NEARDUP_OK);
    assert_int_equal(nd_index_writer_copy(w, old, &err), NEARDUP_OK);
    add_docs(w, 2, 4);
    assert_int_equal(writer_commit(w, &err), NEARDUP_OK);
    /* the old mapping still reads the old file (rename keeps its inode) */
    check_contents(old, 2);
    nd_index_close(old);
    nd_index *ix;
    assert_int_equal(nd_index_open(path, ND_IX_ALL, &ix, &err), NEARDUP_OK);
    check_contents(ix, 4);
    nd_index_close(ix);
}

static void test_add_duplicate_id_refused(void **state)
{
    build(2);
    nd_index *old;
    nd_index_writer *w;
    nd_error err;
    nd_index_params p = params();
    assert_int_equal(nd_index_open(path, ND_IX_ALL, &old, &err), NEARDUP_OK);
    assert_int_equal(writer_open(&w, &p, &err), NEARDUP_OK);
    assert_int_equal(nd_index_writer_copy(w, old, &err), NEARDUP_OK);
    add_docs(w, 0, 1); /* doc-a again */
    assert_int_equal(writer_commit(w, &err), NEARDUP_E_INPUT);
    assert_non_null(strstr(err.msg, "\"doc-a\" is already in the index"));
    nd_index_close(old);
    /* the old index is still there and whole; no temporary file is left */
    assert_int_equal(nd_index_open(path, ND_IX_ALL, &old, &err), NEARDUP_OK);
    check_contents(old, 2);
    nd_index_close(old);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "test $(ls %s | wc -l) -eq 1", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_empty_index(void **state)
{
    build(0);
    nd_index *ix;
    nd_error err;
    assert_int_equal(nd_index_open(path, ND_IX_ALL, &ix, &err), NEARDUP_OK);
    assert_int_equal(ix->ndocs, 0);
    const nd_band_rec *r;
    assert_int_equal(nd_index_band_lookup(ix, 1, &r), 0);
    nd_index_close(ix);
}

/* ---------- damaged files ---------- */

static unsigned char *slurp(size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *n = (size_t)ftell(f);
    rewind(f);
    unsigned char *b = malloc(*n);
    assert_int_equal(fread(b, 1, *n, f), *n);
    fclose(f);
    return b;
}

static void spit(const unsigned char *b, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b, 1, n, f), n);
    fclose(f);
}

static void expect_open_fails(int code, const char *words)
{
    nd_index *ix = (nd_index *)1;
    nd_error err = {0, ""};
    assert_int_equal(nd_index_open(path, ND_IX_ALL, &ix, &err), code);
    assert_null(ix);
    print_message("    -> %s\n", err.msg);
    assert_non_null(strstr(err.msg, words));
    assert_non_null(strstr(err.msg, path));
}

static void test_truncated(void **state)
{
    build(4);
    size_t n;
    unsigned char *b = slurp(&n);
    spit(b, n - 1);
    expect_open_fails(NEARDUP_E_FORMAT, "truncated");
    spit(b, 100);
    expect_open_fails(NEARDUP_E_FORMAT, "truncated");
    spit(b, 0);
    expect_open_fails(NEARDUP_E_FORMAT, "truncated");
    free(b);
}

static void test_foreign_file(void **state)
{
    unsigned char junk[4096];
    memset(junk, 'x', sizeof junk);
    spit(junk, sizeof junk);
    expect_open_fails(NEARDUP_E_FORMAT, "not a neardup index");
}

/* Rewrites the version with a valid header hash: an honest newer file. */
static void test_other_version(void **state)
{
    build(2);
    size_t n;
    unsigned char *b = slurp(&n);
    uint32_t v = ND_INDEX_VERSION + 1;
    memcpy(b + 8, &v, 4);
    uint64_t h = XXH3_64bits(b, 504);
    memcpy(b + 504, &h, 8);
    spit(b, n);
    expect_open_fails(NEARDUP_E_FORMAT, "reads version 3");
    /* an index of the previous format (no maps section) is refused: rebuild it */
    v = ND_INDEX_VERSION - 1;
    memcpy(b + 8, &v, 4);
    h = XXH3_64bits(b, 504);
    memcpy(b + 504, &h, 8);
    spit(b, n);
    expect_open_fails(NEARDUP_E_FORMAT, "version 2; this neardup reads version 3: rebuild it");
    free(b);
}

static void test_damaged_header(void **state)
{
    build(2);
    size_t n;
    unsigned char *b = slurp(&n);
    b[200] ^= 1; /* a parameter byte */
    spit(b, n);
    expect_open_fails(NEARDUP_E_FORMAT, "header checksum");
    free(b);
}

/* Flips one byte in each non-text section in turn: each is named. */
static void test_damaged_sections(void **state)
{
    build(4);
    size_t n;
    unsigned char *orig = slurp(&n);
    const char *names[] = {"ids", "docs", "signatures", "bands", "anchors", "blocks", "maps"};
    for (int s = 1; s <= 7; s++) {
        uint64_t off, len;
        memcpy(&off, orig + 248 + 32 * s, 8); /* section table at byte 248, 32 bytes a row */
        memcpy(&len, orig + 248 + 32 * s + 8, 8);
        assert_true(len > 0);
        unsigned char *b = malloc(n);
        memcpy(b, orig, n);
        b[off + len / 2] ^= 0x10;
        spit(b, n);
        char want[64];
        snprintf(want, sizeof want, "checksum mismatch in the %s section", names[s - 1]);
        expect_open_fails(NEARDUP_E_FORMAT, want);
        free(b);
    }
    free(orig);
}

/* A map that passes its checksum (rehashed) but does not fit its document:
 * refused, not believed. */
static void test_inconsistent_map(void **state)
{
    build(4);
    size_t n;
    unsigned char *orig = slurp(&n);
    for (int k = 0; k < 3; k++) {
        unsigned char *b = malloc(n);
        memcpy(b, orig, n);
        uint64_t off, len;
        memcpy(&off, b + 248 + 32 * 7, 8);
        memcpy(&len, b + 248 + 32 * 7 + 8, 8);
        assert_int_equal(len, 2 * 16 + 6 * 12);
        nd_map_run *r = (nd_map_run *)(b + off + 2 * 16);
        const char *want = "does not cover its text";
        if (k == 0) r[2].t = 7; /* doc 1's sentinel past its 6 bytes of text */
        if (k == 1) r[1].t = 9, want = "out of order"; /* runs out of text order */
        if (k == 2) b[off + 16] = 1, want = "map table inconsistent"; /* doc 3's map claims doc 1 */
        uint64_t h = XXH3_64bits(b + off, len);
        memcpy(b + 248 + 32 * 7 + 16, &h, 8);
        h = XXH3_64bits(b, 504);
        memcpy(b + 504, &h, 8);
        spit(b, n);
        expect_open_fails(NEARDUP_E_FORMAT, want);
        free(b);
    }
    free(orig);
}

/* A damaged text block: open succeeds (texts are checked per block), the
 * damaged text fails on use, the others still read, verify counts it. */
static void test_damaged_text_block(void **state)
{
    build(4);
    size_t n;
    unsigned char *b = slurp(&n);
    b[512 + 3] ^= 0xff; /* inside the first zstd frame */
    spit(b, n);
    free(b);
    nd_index *ix;
    nd_error err;
    assert_int_equal(nd_index_open(path, ND_IX_ALL, &ix, &err), NEARDUP_OK);
    nd_index_texts *t = nd_index_texts_create();
    const char *txt;
    size_t len;
    assert_int_equal(nd_index_text(ix, t, 0, &txt, &len, &err), NEARDUP_E_FORMAT);
    assert_non_null(strstr(err.msg, "text block 0"));
    assert_int_equal(nd_index_text(ix, t, 3, &txt, &len, &err), NEARDUP_OK);
    assert_memory_equal(txt, texts[3], len);
    uint64_t nbad;
    assert_int_equal(nd_index_verify_texts(ix, &nbad, &err), NEARDUP_E_FORMAT);
    assert_int_equal(nbad, 1);
    nd_index_texts_free(t);
    nd_index_close(ix);
}

static void test_other_parameters(void **state)
{
    build(1);
    nd_index *ix;
    nd_error err;
    assert_int_equal(nd_index_open(path, ND_IX_ALL, &ix, &err), NEARDUP_OK);
    nd_index_params p = params();
    p.ngram = 3;
    assert_int_equal(nd_index_params_check(&ix->p, &p, path, &err), NEARDUP_E_FORMAT);
    assert_non_null(strstr(err.msg, "--ngram 5"));
    p = params();
    p.seed = 1;
    assert_int_equal(nd_index_params_check(&ix->p, &p, path, &err), NEARDUP_E_FORMAT);
    p = params();
    p.key_id[0] = 9; /* a keyed run against an unkeyed index */
    assert_int_equal(nd_index_params_check(&ix->p, &p, path, &err), NEARDUP_E_KEY);
    assert_non_null(strstr(err.msg, "without a key"));
    nd_index_params keyed = ix->p;
    keyed.key_id[0] = 1;
    p.key_id[0] = 2; /* two keys */
    assert_int_equal(nd_index_params_check(&keyed, &p, path, &err), NEARDUP_E_KEY);
    assert_non_null(strstr(err.msg, "another key"));
    nd_index_close(ix);
}

static void test_abort_leaves_nothing(void **state)
{
    nd_index_writer *w;
    nd_error err;
    nd_index_params p = params();
    assert_int_equal(writer_open(&w, &p, &err), NEARDUP_OK);
    add_docs(w, 0, 3);
    writer_abort(w);
    assert_int_equal(access(path, F_OK), -1);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "test -z \"$(ls %s)\"", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_by_copy_equals_build, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_duplicate_id_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_index, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_foreign_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_header, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_sections, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_text_block, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inconsistent_map, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_parameters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_abort_leaves_nothing, setup, teardown),
    };
    return cmocka_run_group_tests_name("index", tests, NULL, NULL);
}
