/* test_give_back.c - a decoded copy given back as it is read (nd_reader_give_back,
 * dedup's writing pass) yields the same records as the first pass, and a
 * rewind after it decompresses again: the records stay the same however often
 * the inputs are read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#include "nd_test.h"
#include "reader.h"

/* Every record of every batch, concatenated with their line numbers. */
static char *read_all(nd_reader *r, size_t *len)
{
    nd_batch b = {0};
    nd_error err = {0, ""};
    char *all = NULL;
    size_t n = 0;
    int rc;
    while ((rc = nd_reader_next(r, &b, 1 << 16, &err)) == 1) {
        for (size_t i = 0; i < b.n; i++) {
            all = realloc(all, n + b.rec[i].len + 32);
            assert_non_null(all);
            n += (size_t)sprintf(all + n, "%llu:", (unsigned long long)b.rec[i].line);
            memcpy(all + n, b.buf + b.rec[i].off, b.rec[i].len);
            n += b.rec[i].len;
        }
    }
    assert_int_equal(rc, 0);
    nd_batch_free(&b);
    *len = n;
    return all;
}

static void passes_agree(void **state)
{
    /* 3000 lines, a blank line and a CRLF among them, in one zstd frame */
    size_t cap = 1 << 20, n = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    for (int i = 0; i < 3000; i++)
        n += (size_t)snprintf(text + n, cap - n, "{\"id\": \"d%d\", \"text\": \"word%d and some more words %d\"}%s",
                              i, i % 97, i, i == 10 ? "\r\n\n" : "\n");
    size_t zcap = ZSTD_compressBound(n);
    char *z = malloc(zcap);
    assert_non_null(z);
    size_t zn = ZSTD_compress(z, zcap, text, n, 3);
    assert_false(ZSTD_isError(zn));
    char path[] = "/tmp/nd_give_back_XXXXXX.jsonl.zst";
    int fd = mkstemps(path, 10);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, z, zn), (ssize_t)zn);
    close(fd);
    const char *in[] = {path};
    nd_error err = {0, ""};
    nd_reader *r = nd_reader_open(in, 1, NULL, &err);
    assert_non_null(r);
    nd_reader_spool_decoded(r, 1);
    size_t l1, l2, l3;
    char *p1 = read_all(r, &l1); /* decompresses, keeps the decoded copy */
    assert_int_equal(nd_reader_rewind(r, &err), NEARDUP_OK);
    nd_reader_give_back(r, 1);
    char *p2 = read_all(r, &l2); /* reads the copy, freeing it behind */
    assert_int_equal(nd_reader_rewind(r, &err), NEARDUP_OK);
    char *p3 = read_all(r, &l3); /* the copy is gone: decompresses again */
    assert_true(l1 > n / 2);
    assert_int_equal(l1, l2);
    assert_int_equal(l1, l3);
    assert_memory_equal(p1, p2, l1);
    assert_memory_equal(p1, p3, l1);
    nd_reader_free(r);
    unlink(path);
    free(p1);
    free(p2);
    free(p3);
    free(z);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(passes_agree)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
