/* test_doc_fields.c - each document's date and series (doc_fields.c): the
 * witness order is date as an instant, then store order (two spellings of
 * one instant tie; undated records last); series are numbered in the byte
 * order of their names, a record without one gets "" (numbered first); each
 * distinct text is stored once however many documents carry it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc_fields.h"
#include "nd_test.h"

static void set(nd_doc_fields *f, uint64_t d, const char *date, const char *series)
{
    int64_t key = 0;
    if (date) assert_int_equal(nd_parse_date(date, &key), 0);
    assert_int_equal(nd_doc_fields_set(f, d, date, key, series), NEARDUP_OK);
}

static void witnesses_go_by_instant_then_store_order(void **state)
{
    nd_doc_fields f = {0};
    nd_field_opts fo = {"date", "series", 0};
    assert_int_equal(nd_doc_fields_resize(&f, 5, 1, 1), NEARDUP_OK);
    set(&f, 0, "2024-05-02", "b");
    set(&f, 1, "2024-05-01T23:00-02:00", "a"); /* 2024-05-02T01:00Z: after doc 0 */
    /* doc 2: a skipped record, no fields */
    set(&f, 3, "2024-05-02T00:00:00Z", "b"); /* the instant of doc 0: store order */
    set(&f, 4, "1987-03-01", "c");
    assert_int_equal(nd_doc_fields_finish(&f, &fo), NEARDUP_OK);
    uint32_t want[5] = {1, 3, 4, 2, 0};
    for (int d = 0; d < 5; d++) assert_int_equal(f.rank[d], want[d]);
    assert_string_equal(nd_doc_date(&f, 1), "2024-05-01T23:00-02:00"); /* as written */
    assert_null(nd_doc_date(&f, 2));
    /* "" (the skipped record), then a, b, c */
    assert_int_equal(f.nseries, 4);
    assert_int_equal(f.series[2], 0);
    assert_int_equal(f.series[1], 1);
    assert_int_equal(f.series[0], 2);
    assert_int_equal(f.series[3], 2);
    assert_int_equal(f.series[4], 3);
    assert_string_equal(nd_doc_series(&f, 0), "b");
    assert_string_equal(nd_doc_series(&f, 4), "c");
    assert_int_equal(f.dates.n, 4); /* doc 0 and 3: two spellings, two texts */
    nd_doc_fields_free(&f);
}

/* 100,000 documents over 3,000 series and 365 days: every text once, and
 * the numbers agree with the names (across many rehashes). */
static void each_distinct_text_is_stored_once(void **state)
{
    enum { N = 100000, SERIES = 3000, DAYS = 365 };
    nd_doc_fields f = {0};
    nd_field_opts fo = {"date", "series", 0};
    assert_int_equal(nd_doc_fields_resize(&f, N, 1, 1), NEARDUP_OK);
    char date[32], name[32];
    for (uint64_t d = 0; d < N; d++) {
        unsigned day = (unsigned)(d * 7919 % DAYS);
        snprintf(date, sizeof date, "2023-%02u-%02u", day / 28 % 12 + 1, day % 28 + 1);
        snprintf(name, sizeof name, "outlet %05u", (unsigned)(d * 104729 % SERIES));
        set(&f, d, date, name);
    }
    assert_true(f.dates.n <= DAYS);
    assert_int_equal(f.names.n, SERIES);
    assert_int_equal(nd_doc_fields_finish(&f, &fo), NEARDUP_OK);
    assert_int_equal(f.nseries, SERIES);
    for (uint64_t d = 0; d < N; d++) {
        snprintf(name, sizeof name, "outlet %05u", (unsigned)(d * 104729 % SERIES));
        assert_string_equal(nd_doc_series(&f, d), name);
        assert_int_equal(f.series[d], d * 104729 % SERIES); /* zero-padded: byte order is number order */
    }
    /* ranks: a permutation, in date order */
    uint8_t *seen = calloc(N, 1);
    uint32_t *by_rank = malloc(N * sizeof *by_rank);
    for (uint64_t d = 0; d < N; d++) {
        assert_false(seen[f.rank[d]]);
        seen[f.rank[d]] = 1;
        by_rank[f.rank[d]] = (uint32_t)d;
    }
    for (uint64_t r = 1; r < N; r++) {
        int c = strcmp(nd_doc_date(&f, by_rank[r - 1]), nd_doc_date(&f, by_rank[r]));
        assert_true(c < 0 || (c == 0 && by_rank[r - 1] < by_rank[r]));
    }
    free(seen);
    free(by_rank);
    nd_doc_fields_free(&f);
}

static void without_a_date_field_store_order_is_the_order(void **state)
{
    nd_doc_fields f = {0};
    nd_field_opts fo = {NULL, NULL, 1};
    assert_int_equal(nd_doc_fields_resize(&f, 3, 0, 1), NEARDUP_OK);
    set(&f, 0, NULL, "/news/z");
    set(&f, 1, NULL, "/news/a");
    set(&f, 2, NULL, "/news/z");
    assert_int_equal(nd_doc_fields_finish(&f, &fo), NEARDUP_OK);
    for (uint32_t d = 0; d < 3; d++) assert_int_equal(f.rank[d], d);
    assert_null(nd_doc_date(&f, 0));
    assert_int_equal(f.nseries, 2);
    assert_int_equal(f.series[0], 1);
    assert_int_equal(f.series[1], 0);
    nd_doc_fields_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(witnesses_go_by_instant_then_store_order),
        cmocka_unit_test(each_distinct_text_is_stored_once),
        cmocka_unit_test(without_a_date_field_store_order_is_the_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
