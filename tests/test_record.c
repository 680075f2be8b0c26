/* test_record.c - JSONL record parsing and the JSON string writer. */
#define _GNU_SOURCE /* open_memstream */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nd_test.h"
#include "reader.h"
#include "record.h"

static nd_raw_record jrec(const char *s, uint64_t line)
{
    return (nd_raw_record){0, strlen(s), 0, 1, line, ND_FORMAT_JSONL, 0};
}

/* Parses s as line 17 of f.jsonl; returns the status, err filled. */
static int parse(nd_record_parser *p, const char *s, nd_doc *d, nd_error *err)
{
    nd_raw_record r = jrec(s, 17);
    return nd_record_parse(p, &r, s, "f.jsonl", d, err);
}

static void fields_present(void **state)
{
    nd_record_parser *p = nd_record_parser_create(NULL);
    nd_doc d;
    nd_error err = {0, ""};
    assert_int_equal(parse(p, "{\"text\": \"hello world\", \"x\": [1, {}], \"id\": \"a1\"}", &d, &err),
                     NEARDUP_OK);
    assert_int_equal(d.id_len, 2);
    assert_memory_equal(d.id, "a1", 2);
    assert_int_equal(d.text_len, 11);
    assert_memory_equal(d.text, "hello world", 11);
    /* the previous value is released on the next parse (ASan checks the leak) */
    assert_int_equal(parse(p, "{\"id\": \"b\", \"text\": \"\"}", &d, &err), NEARDUP_OK);
    assert_int_equal(d.text_len, 0);
    nd_record_parser_free(p);
}

static void custom_field_names(void **state)
{
    nd_record_opts o = {.id_field = "doc_id", .text_field = "body"};
    nd_record_parser *p = nd_record_parser_create(&o);
    nd_doc d;
    nd_error err = {0, ""};
    assert_int_equal(parse(p, "{\"doc_id\": \"x\", \"body\": \"b b\", \"id\": 3}", &d, &err), NEARDUP_OK);
    assert_string_equal(d.id, "x");
    assert_string_equal(d.text, "b b");
    /* with custom names, "text" is not what is looked up */
    assert_int_equal(parse(p, "{\"doc_id\": \"x\", \"text\": \"t\"}", &d, &err), NEARDUP_E_INPUT);
    assert_string_equal(err.msg, "f.jsonl:17: field \"body\" is missing (--text-field names the field; a.b reaches into objects)");
    nd_record_parser_free(p);
}

static void missing_and_wrong_type(void **state)
{
    nd_record_parser *p = nd_record_parser_create(NULL);
    nd_doc d;
    nd_error err = {0, ""};
    assert_int_equal(parse(p, "{\"id\": \"a\"}", &d, &err), NEARDUP_E_INPUT);
    assert_int_equal(err.code, NEARDUP_E_INPUT);
    assert_string_equal(err.msg, "f.jsonl:17: field \"text\" is missing (--text-field names the field; a.b reaches into objects)");
    assert_int_equal(parse(p, "{\"id\": 5.5, \"text\": \"t\"}", &d, &err), NEARDUP_E_INPUT);
    assert_string_equal(err.msg, "f.jsonl:17: field \"id\" is a number, expected a string or an integer");
    assert_int_equal(parse(p, "{\"id\": \"a\", \"text\": null}", &d, &err), NEARDUP_E_INPUT);
    assert_string_equal(err.msg, "f.jsonl:17: field \"text\" is null, expected a string");
    assert_int_equal(parse(p, "{\"id\": \"a\", \"text\": [\"t\"]}", &d, &err), NEARDUP_E_INPUT);
    assert_string_equal(err.msg, "f.jsonl:17: field \"text\" is an array, expected a string");
    assert_int_equal(parse(p, "{\"id\": true, \"text\": \"t\"}", &d, &err), NEARDUP_E_INPUT);
    assert_string_equal(err.msg, "f.jsonl:17: field \"id\" is a boolean, expected a string or an integer");
    assert_int_equal(parse(p, "[\"id\", \"text\"]", &d, &err), NEARDUP_E_INPUT);
    assert_string_equal(err.msg, "f.jsonl:17: the record is an array, expected an object");
    nd_record_parser_free(p);
}

static void malformed_json(void **state)
{
    nd_record_parser *p = nd_record_parser_create(NULL);
    nd_doc d;
    nd_error err = {0, ""};
    /* the error is at the '}' in column 21 (1-based) */
    assert_int_equal(parse(p, "{\"id\": \"a\", \"text\": }", &d, &err), NEARDUP_E_INPUT);
    assert_string_equal(err.msg, "f.jsonl:17: invalid JSON at column 21: unexpected token near '}'");
    /* trailing garbage is an error, not silently ignored */
    assert_int_equal(parse(p, "{\"id\": \"a\", \"text\": \"t\"} x", &d, &err), NEARDUP_E_INPUT);
    assert_non_null(strstr(err.msg, "f.jsonl:17: invalid JSON at column"));
    /* a record cut short */
    assert_int_equal(parse(p, "{\"id\": \"a\", \"te", &d, &err), NEARDUP_E_INPUT);
    assert_non_null(strstr(err.msg, "f.jsonl:17: invalid JSON"));
    /* the line number comes from the record */
    nd_raw_record r = jrec("{", 123456789012ULL);
    assert_int_equal(nd_record_parse(p, &r, "{", "g.jsonl", &d, &err), NEARDUP_E_INPUT);
    assert_non_null(strstr(err.msg, "g.jsonl:123456789012: invalid JSON"));
    nd_record_parser_free(p);
}

static void invalid_utf8(void **state)
{
    nd_record_parser *p = nd_record_parser_create(NULL);
    nd_doc d;
    nd_error err = {0, ""};
    assert_int_equal(parse(p, "{\"id\": \"a\", \"text\": \"caf\xe9 au lait\"}", &d, &err), NEARDUP_E_INPUT);
    assert_non_null(strstr(err.msg, "f.jsonl:17: invalid UTF-8"));
    nd_record_parser_free(p);
}

static void embedded_nul_and_utf8(void **state)
{
    nd_record_parser *p = nd_record_parser_create(NULL);
    nd_doc d;
    nd_error err = {0, ""};
    assert_int_equal(parse(p, "{\"id\": \"n\\u0000m\", \"text\": \"a\\u0000b\"}", &d, &err), NEARDUP_OK);
    assert_int_equal(d.text_len, 3);
    assert_memory_equal(d.text, "a\0b", 3);
    assert_int_equal(d.id_len, 3);
    /* an escaped backslash before "u0000" is text, not a NUL: "a\u0000b", 8 bytes */
    assert_int_equal(parse(p, "{\"id\": \"e\", \"text\": \"a\\\\u0000b\"}", &d, &err), NEARDUP_OK);
    assert_int_equal(d.text_len, 8);
    assert_memory_equal(d.text, "a\\u0000b", 8);
    const char *u = "h\xc3\xa9llo \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80";
    char line[128];
    snprintf(line, sizeof line, "{\"id\": \"u\", \"text\": \"%s\"}", u);
    assert_int_equal(parse(p, line, &d, &err), NEARDUP_OK);
    assert_int_equal(d.text_len, strlen(u));
    assert_memory_equal(d.text, u, strlen(u));
    /* \u escapes, surrogate pairs included, decode to UTF-8 */
    assert_int_equal(parse(p, "{\"id\": \"u\", \"text\": \"\\u00e9\\ud83d\\ude00\"}", &d, &err), NEARDUP_OK);
    assert_int_equal(d.text_len, 6);
    assert_memory_equal(d.text, "\xc3\xa9\xf0\x9f\x98\x80", 6);
    nd_record_parser_free(p);
}

/* Parses the n bytes of s (raw NULs included) as line 17 of f.jsonl. */
static int parse_n(nd_record_parser *p, const char *s, size_t n, nd_doc *d, nd_error *err)
{
    nd_raw_record r = {0, n, 0, 1, 17, ND_FORMAT_JSONL, 0};
    return nd_record_parse(p, &r, s, "f.jsonl", d, err);
}

/* Issue 19, defect 2: a raw NUL cut the text at cJSON's NUL terminator
 * ("X\0<a copy>" hid the copy), and cJSON took raw control characters
 * inside strings, which JSON forbids.  Now they are an error naming
 * file:line:column, or, lossy, read as if escaped and counted. */
static void raw_control_characters(void **state)
{
    nd_record_parser *p = nd_record_parser_create(NULL);
    nd_doc d;
    nd_error err = {0, ""};
    static const char nul[] = "{\"id\": \"a\", \"text\": \"X\0copy of words\"}";
    assert_int_equal(parse_n(p, nul, sizeof nul - 1, &d, &err), NEARDUP_E_INPUT);
    assert_non_null(strstr(err.msg, "f.jsonl:17:23: invalid JSON: raw control character U+0000 inside a string"));
    assert_int_equal(parse(p, "{\"id\": \"a\", \"text\": \"tab\there\"}", &d, &err), NEARDUP_E_INPUT);
    assert_non_null(strstr(err.msg, "f.jsonl:17:25: invalid JSON: raw control character U+0009"));
    /* after an escaped quote, still inside the string; the column counts characters */
    assert_int_equal(parse(p, "{\"id\": \"\xc3\xa9\", \"text\": \"q\\\"\x01z\"}", &d, &err), NEARDUP_E_INPUT);
    assert_non_null(strstr(err.msg, "f.jsonl:17:25: invalid JSON: raw control character U+0001"));
    /* in an id too */
    assert_int_equal(parse(p, "{\"id\": \"a\x1f\", \"text\": \"t\"}", &d, &err), NEARDUP_E_INPUT);
    /* tabs and a CR between tokens are JSON whitespace */
    assert_int_equal(parse(p, "{\"id\":\t\"a\",\r\"text\": \"x y\"}\t", &d, &err), NEARDUP_OK);
    assert_int_equal(d.text_len, 3);
    nd_record_parser_free(p);

    nd_record_opts o = {.id_field = "id", .text_field = "text", .lossy = 1};
    p = nd_record_parser_create(&o);
    assert_int_equal(parse_n(p, nul, sizeof nul - 1, &d, &err), NEARDUP_OK);
    assert_int_equal(d.text_len, 15); /* the whole text: the NUL is a word separator for the tokenizer */
    assert_memory_equal(d.text, "X\0copy of words", 15);
    assert_int_equal(d.ctrl, 1);
    assert_int_equal(parse(p, "{\"id\": \"a\x01\x02\", \"text\": \"t\tu\"}", &d, &err), NEARDUP_OK);
    assert_int_equal(d.id_len, 3); /* the id keeps its bytes */
    assert_memory_equal(d.id, "a\x01\x02", 3);
    assert_memory_equal(d.text, "t\tu", 3);
    assert_int_equal(d.ctrl, 3);
    assert_int_equal(parse(p, "{\"id\": \"a\", \"text\": \"t u\"}", &d, &err), NEARDUP_OK);
    assert_int_equal(d.ctrl, 0);
    nd_record_parser_free(p);
}

/* Ids in text and TSV output and in messages: control characters, the
 * backslash, DEL and invalid UTF-8 escaped; valid UTF-8 as it is. */
static void id_escaping(void **state)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    static const char id[] = "a\tb\nc\\d\0e\x7f\xc3\xa9\xff";
    assert_int_equal(nd_write_id(f, id, sizeof id - 1), 0);
    fclose(f);
    assert_string_equal(buf, "a\\tb\\nc\\\\d\\x00e\\x7f\xc3\xa9\\xff");
    free(buf);
    char t[16];
    assert_string_equal(nd_id_text(t, sizeof t, id, sizeof id - 1), "a\\tb\\nc\\\\d...");
    assert_string_equal(nd_id_text(t, sizeof t, "plain", 5), "plain");
}

static void plain_record(void **state)
{
    nd_record_parser *p = nd_record_parser_create(NULL);
    nd_doc d;
    nd_error err = {0, ""};
    const char bytes[] = "not { json at all";
    nd_raw_record r = {0, 17, 0, 0, 0, ND_FORMAT_TEXT, 0};
    assert_int_equal(nd_record_parse(p, &r, bytes, "dir/a.txt", &d, &err), NEARDUP_OK);
    assert_string_equal(d.id, "dir/a.txt");
    assert_int_equal(d.id_len, 9);
    assert_ptr_equal(d.text, bytes); /* no copy */
    assert_int_equal(d.text_len, 17);
    nd_record_parser_free(p);
}

/* What nd_json_write_string writes for s[0..len). */
static char *written(const char *s, size_t len)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    assert_non_null(f);
    assert_int_equal(nd_json_write_string(f, s, len), 0);
    fclose(f);
    return buf;
}

static void string_writer(void **state)
{
    char *w = written("say \"hi\" \\ now", 14);
    assert_string_equal(w, "\"say \\\"hi\\\" \\\\ now\"");
    free(w);
    w = written("a\nb\tc\rd\x01\x1f\b\f\x7f", 12);
    assert_string_equal(w, "\"a\\nb\\tc\\rd\\u0001\\u001f\\b\\f\x7f\"");
    free(w);
    w = written("x\0y", 3);
    assert_string_equal(w, "\"x\\u0000y\"");
    free(w);
    /* UTF-8 is kept as is, not \u-escaped; '/' is not escaped */
    w = written("\xc3\xa9/\xe6\x97\xa5\xf0\x9f\x98\x80", 10);
    assert_string_equal(w, "\"\xc3\xa9/\xe6\x97\xa5\xf0\x9f\x98\x80\"");
    free(w);
    /* invalid UTF-8 (a lone byte, an overlong '/', a surrogate, a cut sequence) becomes U+FFFD */
    w = written("a\xff" "b\xc0\xaf" "c\xed\xa0\x80" "d\xe6\x97", 12);
    assert_string_equal(w, "\"a\\ufffdb\\ufffd\\ufffdc\\ufffd\\ufffd\\ufffdd\\ufffd\\ufffd\"");
    free(w);
    w = written("", 0);
    assert_string_equal(w, "\"\"");
    free(w);
}

/* What we write, jansson reads back byte for byte (every byte value but the
 * invalid UTF-8 ones). */
static void string_writer_round_trip(void **state)
{
    char s[200];
    size_t n = 0;
    for (int c = 0; c < 128; c++) s[n++] = (char)c;
    memcpy(s + n, "\xc3\xa9\xe2\x82\xac\xf4\x8f\xbf\xbf", 9);
    n += 9;
    char *w = written(s, n);
    json_error_t je;
    json_t *v = json_loads(w, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
    assert_non_null(v);
    assert_int_equal(json_string_length(v), n);
    assert_memory_equal(json_string_value(v), s, n);
    json_decref(v);
    free(w);
}

/* Issue 22: dotted paths, integer ids (as their digits), --id-from line,
 * --lossy on JSONL, and a missing id naming --id-field. */
static void nested_integer_line_ids(void **state)
{
    nd_record_opts o = {.id_field = "meta.n", .text_field = "content.body"};
    nd_record_parser *p = nd_record_parser_create(&o);
    nd_doc d;
    nd_error err = {0, ""};
    assert_int_equal(parse(p, "{\"meta\": {\"n\": 42}, \"content\": {\"body\": \"b\"}}", &d, &err), NEARDUP_OK);
    assert_string_equal(d.id, "42");
    assert_int_equal(d.id_len, 2);
    assert_string_equal(d.text, "b");
    /* past 2^53 cJSON's doubles lose digits: jansson reads the 64-bit integer */
    assert_int_equal(parse(p, "{\"meta\": {\"n\": 9223372036854775807}, \"content\": {\"body\": \"b\"}}", &d, &err),
                     NEARDUP_OK);
    assert_string_equal(d.id, "9223372036854775807");
    assert_int_equal(parse(p, "{\"meta\": {}, \"content\": {\"body\": \"b\"}}", &d, &err), NEARDUP_E_INPUT);
    assert_string_equal(err.msg, "f.jsonl:17: field \"meta.n\" is missing (--id-field names the field; --id-from line "
                        "numbers records that have no id)");
    nd_record_parser_free(p);
    o = (nd_record_opts){.id_field = "id", .text_field = "text", .id_from_line = 1, .lossy = 1};
    p = nd_record_parser_create(&o);
    assert_int_equal(parse(p, "{\"text\": \"no id\"}", &d, &err), NEARDUP_OK);
    assert_string_equal(d.id, "f.jsonl:17");
    /* --lossy: a byte that is not UTF-8 becomes U+FFFD, and is counted */
    assert_int_equal(parse(p, "{\"text\": \"a\377b\"}", &d, &err), NEARDUP_OK);
    assert_string_equal(d.text, "a\xef\xbf\xbd" "b");
    assert_int_equal(d.replaced, 1);
    nd_record_parser_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fields_present),
        cmocka_unit_test(custom_field_names),
        cmocka_unit_test(nested_integer_line_ids),
        cmocka_unit_test(missing_and_wrong_type),
        cmocka_unit_test(malformed_json),
        cmocka_unit_test(invalid_utf8),
        cmocka_unit_test(embedded_nul_and_utf8),
        cmocka_unit_test(raw_control_characters),
        cmocka_unit_test(id_escaping),
        cmocka_unit_test(plain_record),
        cmocka_unit_test(string_writer),
        cmocka_unit_test(string_writer_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
