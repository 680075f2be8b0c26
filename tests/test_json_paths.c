/* test_json_paths.c - every path a JSONL line can take through nd_record_parse
 * (simdjson when built with it, cJSON, jansson) gives what the cJSON + jansson
 * parser gave before simdjson came in: the same (id, text) for a line it
 * takes, the same status and message for one it refuses.  The table was made
 * by that parser (commit 9da0845) on edge cases: numbers as ids, duplicate
 * keys, escapes, surrogates, U+0000 in values and keys, invalid UTF-8, raw
 * control bytes, trailing garbage, non-objects, dotted field paths, integers
 * past 2^63 - 1 (jansson refuses them, cJSON does not); each
 * line in four modes (plain, --lossy, --text-field content.body, --id-from
 * line).  One entry differs from that parser, a fix: the id 9007199254740993
 * (2^53 + 1) was read as a double by cJSON and came out as ...992; it is now
 * the integer jansson and simdjson read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nd_test.h"
#include "reader.h"
#include "record.h"

typedef struct {
    int mode;           /* 0 plain, 1 lossy, 2 --text-field content.body, 3 --id-from line */
    const char *line;
    size_t len;         /* of line, which may hold NUL bytes */
    int rc;
    const char *id_or_msg; /* the id (rc 0) or the error message */
    size_t id_len;
    const char *text;
    size_t text_len;
} case_t;

#define L(s) s, sizeof(s) - 1

static const case_t cases[] = {
    {0, L("{\"id\": \"a\", \"text\": \"hello world\"}"), 0, "a", 1, "hello world", 11},
    {1, L("{\"id\": \"a\", \"text\": \"hello world\"}"), 0, "a", 1, "hello world", 11},
    {2, L("{\"id\": \"a\", \"text\": \"hello world\"}"), 2, "f.jsonl:17: field \"content.body\" is missing (--text-field names the field; a.b reaches into objects)", 0, NULL, 0},
    {3, L("{\"id\": \"a\", \"text\": \"hello world\"}"), 0, "f.jsonl:17", 10, "hello world", 11},
    {0, L("{\"id\": 1.0, \"text\": \"x y\"}"), 0, "1", 1, "x y", 3},
    {1, L("{\"id\": 1.0, \"text\": \"x y\"}"), 0, "1", 1, "x y", 3},
    {2, L("{\"id\": 1.0, \"text\": \"x y\"}"), 2, "f.jsonl:17: field \"id\" is a number, expected a string or an integer", 0, NULL, 0},
    {3, L("{\"id\": 1.0, \"text\": \"x y\"}"), 0, "f.jsonl:17", 10, "x y", 3},
    {0, L("{\"id\": 1e2, \"text\": \"x y\"}"), 0, "100", 3, "x y", 3},
    {1, L("{\"id\": 1e2, \"text\": \"x y\"}"), 0, "100", 3, "x y", 3},
    {2, L("{\"id\": 1e2, \"text\": \"x y\"}"), 2, "f.jsonl:17: field \"id\" is a number, expected a string or an integer", 0, NULL, 0},
    {3, L("{\"id\": 1e2, \"text\": \"x y\"}"), 0, "f.jsonl:17", 10, "x y", 3},
    {0, L("{\"id\": -0, \"text\": \"x y\"}"), 0, "0", 1, "x y", 3},
    {1, L("{\"id\": -0, \"text\": \"x y\"}"), 0, "0", 1, "x y", 3},
    {2, L("{\"id\": -0, \"text\": \"x y\"}"), 2, "f.jsonl:17: field \"content.body\" is missing (--text-field names the field; a.b reaches into objects)", 0, NULL, 0},
    {3, L("{\"id\": -0, \"text\": \"x y\"}"), 0, "f.jsonl:17", 10, "x y", 3},
    {0, L("{\"id\": 9007199254740993, \"text\": \"x y\"}"), 0, "9007199254740993", 16, "x y", 3},
    {1, L("{\"id\": 9007199254740993, \"text\": \"x y\"}"), 0, "9007199254740993", 16, "x y", 3},
    {2, L("{\"id\": 9007199254740993, \"text\": \"x y\"}"), 2, "f.jsonl:17: field \"content.body\" is missing (--text-field names the field; a.b reaches into objects)", 0, NULL, 0},
    {3, L("{\"id\": 9007199254740993, \"text\": \"x y\"}"), 0, "f.jsonl:17", 10, "x y", 3},
    {0, L("{\"id\": 18446744073709551615, \"text\": \"x y\"}"), 2, "f.jsonl:17: invalid JSON at column 27: too big integer near '18446744073709551615'", 0, NULL, 0},
    {1, L("{\"id\": 18446744073709551615, \"text\": \"x y\"}"), 2, "f.jsonl:17: invalid JSON at column 27: too big integer near '18446744073709551615'", 0, NULL, 0},
    {2, L("{\"id\": 18446744073709551615, \"text\": \"x y\"}"), 2, "f.jsonl:17: invalid JSON at column 27: too big integer near '18446744073709551615'", 0, NULL, 0},
    {3, L("{\"id\": 18446744073709551615, \"text\": \"x y\"}"), 0, "f.jsonl:17", 10, "x y", 3},
    {0, L("{\"id\": 99999999999999999999999, \"text\": \"x y\"}"), 2, "f.jsonl:17: invalid JSON at column 30: too big integer", 0, NULL, 0},
    {1, L("{\"id\": 99999999999999999999999, \"text\": \"x y\"}"), 2, "f.jsonl:17: invalid JSON at column 30: too big integer", 0, NULL, 0},
    {2, L("{\"id\": 99999999999999999999999, \"text\": \"x y\"}"), 2, "f.jsonl:17: invalid JSON at column 30: too big integer", 0, NULL, 0},
    {3, L("{\"id\": 99999999999999999999999, \"text\": \"x y\"}"), 0, "f.jsonl:17", 10, "x y", 3},
    {0, L("{\"id\": 1.5, \"text\": \"x y\"}"), 2, "f.jsonl:17: field \"id\" is a number, expected a string or an integer", 0, NULL, 0},
    {1, L("{\"id\": 1.5, \"text\": \"x y\"}"), 2, "f.jsonl:17: field \"id\" is a number, expected a string or an integer", 0, NULL, 0},
    {2, L("{\"id\": 1.5, \"text\": \"x y\"}"), 2, "f.jsonl:17: field \"id\" is a number, expected a string or an integer", 0, NULL, 0},
    {3, L("{\"id\": 1.5, \"text\": \"x y\"}"), 0, "f.jsonl:17", 10, "x y", 3},
    {0, L("{\"id\": true, \"text\": \"x y\"}"), 2, "f.jsonl:17: field \"id\" is a boolean, expected a string or an integer", 0, NULL, 0},
    {1, L("{\"id\": true, \"text\": \"x y\"}"), 2, "f.jsonl:17: field \"id\" is a boolean, expected a string or an integer", 0, NULL, 0},
    {2, L("{\"id\": true, \"text\": \"x y\"}"), 2, "f.jsonl:17: field \"id\" is a boolean, expected a string or an integer", 0, NULL, 0},
    {3, L("{\"id\": true, \"text\": \"x y\"}"), 0, "f.jsonl:17", 10, "x y", 3},
    {0, L("{\"id\": null, \"text\": \"x y\"}"), 2, "f.jsonl:17: field \"id\" is null, expected a string or an integer", 0, NULL, 0},
    {1, L("{\"id\": null, \"text\": \"x y\"}"), 2, "f.jsonl:17: field \"id\" is null, expected a string or an integer", 0, NULL, 0},
    {2, L("{\"id\": null, \"text\": \"x y\"}"), 2, "f.jsonl:17: field \"id\" is null, expected a string or an integer", 0, NULL, 0},
    {3, L("{\"id\": null, \"text\": \"x y\"}"), 0, "f.jsonl:17", 10, "x y", 3},
    {0, L("{\"id\": \"a\", \"text\": \"x\", \"text\": \"last wins\"}"), 0, "a", 1, "last wins", 9},
    {1, L("{\"id\": \"a\", \"text\": \"x\", \"text\": \"last wins\"}"), 0, "a", 1, "last wins", 9},
    {2, L("{\"id\": \"a\", \"text\": \"x\", \"text\": \"last wins\"}"), 2, "f.jsonl:17: field \"content.body\" is missing (--text-field names the field; a.b reaches into objects)", 0, NULL, 0},
    {3, L("{\"id\": \"a\", \"text\": \"x\", \"text\": \"last wins\"}"), 0, "f.jsonl:17", 10, "last wins", 9},
    {0, L("{\"id\": \"a\", \"id\": \"b\", \"text\": \"x y\"}"), 0, "b", 1, "x y", 3},
    {1, L("{\"id\": \"a\", \"id\": \"b\", \"text\": \"x y\"}"), 0, "b", 1, "x y", 3},
    {2, L("{\"id\": \"a\", \"id\": \"b\", \"text\": \"x y\"}"), 2, "f.jsonl:17: field \"content.body\" is missing (--text-field names the field; a.b reaches into objects)", 0, NULL, 0},
    {3, L("{\"id\": \"a\", \"id\": \"b\", \"text\": \"x y\"}"), 0, "f.jsonl:17", 10, "x y", 3},
    {0, L("{\"id\": \"a\", \"text\": 5}"), 2, "f.jsonl:17: field \"text\" is a number, expected a string", 0, NULL, 0},
    {1, L("{\"id\": \"a\", \"text\": 5}"), 2, "f.jsonl:17: field \"text\" is a number, expected a string", 0, NULL, 0},
    {2, L("{\"id\": \"a\", \"text\": 5}"), 2, "f.jsonl:17: field \"content.body\" is missing (--text-field names the field; a.b reaches into objects)", 0, NULL, 0},
    {3, L("{\"id\": \"a\", \"text\": 5}"), 2, "f.jsonl:17: field \"text\" is a number, expected a string", 0, NULL, 0},
    {0, L("{\"id\": \"a\"}"), 2, "f.jsonl:17: field \"text\" is missing (--text-field names the field; a.b reaches into objects)", 0, NULL, 0},
    {1, L("{\"id\": \"a\"}"), 2, "f.jsonl:17: field \"text\" is missing (--text-field names the field; a.b reaches into objects)", 0, NULL, 0},
    {2, L("{\"id\": \"a\"}"), 2, "f.jsonl:17: field \"content.body\" is missing (--text-field names the field; a.b reaches into objects)", 0, NULL, 0},
    {3, L("{\"id\": \"a\"}"), 2, "f.jsonl:17: field \"text\" is missing (--text-field names the field; a.b reaches into objects)", 0, NULL, 0},
    {0, L("{\"text\": \"no id\"}"), 2, "f.jsonl:17: field \"id\" is missing (--id-field names the field; --id-from line numbers records that have no id)", 0, NULL, 0},
    {1, L("{\"text\": \"no id\"}"), 2, "f.jsonl:17: field \"id\" is missing (--id-field names the field; --id-from line numbers records that have no id)", 0, NULL, 0},
    {2, L("{\"text\": \"no id\"}"), 2, "f.jsonl:17: field \"id\" is missing (--id-field names the field; --id-from line numbers records that have no id)", 0, NULL, 0},
    {3, L("{\"text\": \"no id\"}"), 0, "f.jsonl:17", 10, "no id", 5},
    {0, L("{\"id\": \"a\", \"text\": \"bad \\x escape\"}"), 2, "f.jsonl:17: invalid JSON at column 27: invalid escape near '\"bad \\x'", 0, NULL, 0},
    {1, L("{\"id\": \"a\", \"text\": \"bad \\x escape\"}"), 2, "f.jsonl:17: invalid JSON at column 27: invalid escape near '\"bad \\x'", 0, NULL, 0},
    {2, L("{\"id\": \"a\", \"text\": \"bad \\x escape\"}"), 2, "f.jsonl:17: invalid JSON at column 27: invalid escape near '\"bad \\x'", 0, NULL, 0},
    {3, L("{\"id\": \"a\", \"text\": \"bad \\x escape\"}"), 2, "f.jsonl:17: invalid JSON at column 27: invalid escape near '\"bad \\x'", 0, NULL, 0},
    {0, L("{\"id\": \"a\", \"text\": \"lone \\udc00\"}"), 2, "f.jsonl:17: invalid JSON at column 33: invalid Unicode '\\uDC00' near '\"lone \\udc00\"'", 0, NULL, 0},
    {1, L("{\"id\": \"a\", \"text\": \"lone \\udc00\"}"), 2, "f.jsonl:17: invalid JSON at column 33: invalid Unicode '\\uDC00' near '\"lone \\udc00\"'", 0, NULL, 0},
    {2, L("{\"id\": \"a\", \"text\": \"lone \\udc00\"}"), 2, "f.jsonl:17: invalid JSON at column 33: invalid Unicode '\\uDC00' near '\"lone \\udc00\"'", 0, NULL, 0},
    {3, L("{\"id\": \"a\", \"text\": \"lone \\udc00\"}"), 2, "f.jsonl:17: invalid JSON at column 33: invalid Unicode '\\uDC00' near '\"lone \\udc00\"'", 0, NULL, 0},
    {0, L("{\"id\": \"a\", \"text\": \"lone \\ud800 x\"}"), 2, "f.jsonl:17: invalid JSON at column 35: invalid Unicode '\\uD800' near '\"lone \\ud800 x\"'", 0, NULL, 0},
    {1, L("{\"id\": \"a\", \"text\": \"lone \\ud800 x\"}"), 2, "f.jsonl:17: invalid JSON at column 35: invalid Unicode '\\uD800' near '\"lone \\ud800 x\"'", 0, NULL, 0},
    {2, L("{\"id\": \"a\", \"text\": \"lone \\ud800 x\"}"), 2, "f.jsonl:17: invalid JSON at column 35: invalid Unicode '\\uD800' near '\"lone \\ud800 x\"'", 0, NULL, 0},
    {3, L("{\"id\": \"a\", \"text\": \"lone \\ud800 x\"}"), 2, "f.jsonl:17: invalid JSON at column 35: invalid Unicode '\\uD800' near '\"lone \\ud800 x\"'", 0, NULL, 0},
    {0, L("{\"id\": \"a\", \"text\": \"pair \\ud83d\\ude00 ok\"}"), 0, "a", 1, "pair \360\237\230\200 ok", 12},
    {1, L("{\"id\": \"a\", \"text\": \"pair \\ud83d\\ude00 ok\"}"), 0, "a", 1, "pair \360\237\230\200 ok", 12},
    {2, L("{\"id\": \"a\", \"text\": \"pair \\ud83d\\ude00 ok\"}"), 2, "f.jsonl:17: field \"content.body\" is missing (--text-field names the field; a.b reaches into objects)", 0, NULL, 0},
    {3, L("{\"id\": \"a\", \"text\": \"pair \\ud83d\\ude00 ok\"}"), 0, "f.jsonl:17", 10, "pair \360\237\230\200 ok", 12},
    {0, L("{\"id\": \"a\", \"text\": \"nul \\u0000 inside\"}"), 0, "a", 1, "nul \000 inside", 12},
    {1, L("{\"id\": \"a\", \"text\": \"nul \\u0000 inside\"}"), 0, "a", 1, "nul \000 inside", 12},
    {2, L("{\"id\": \"a\", \"text\": \"nul \\u0000 inside\"}"), 2, "f.jsonl:17: field \"content.body\" is missing (--text-field names the field; a.b reaches into objects)", 0, NULL, 0},
    {3, L("{\"id\": \"a\", \"text\": \"nul \\u0000 inside\"}"), 0, "f.jsonl:17", 10, "nul \000 inside", 12},
    {0, L("{\"id\": \"a\\u0000b\", \"text\": \"nul in id\"}"), 0, "a\000b", 3, "nul in id", 9},
    {1, L("{\"id\": \"a\\u0000b\", \"text\": \"nul in id\"}"), 0, "a\000b", 3, "nul in id", 9},
    {2, L("{\"id\": \"a\\u0000b\", \"text\": \"nul in id\"}"), 2, "f.jsonl:17: field \"content.body\" is missing (--text-field names the field; a.b reaches into objects)", 0, NULL, 0},
    {3, L("{\"id\": \"a\\u0000b\", \"text\": \"nul in id\"}"), 0, "f.jsonl:17", 10, "nul in id", 9},
    {0, L("{\"a\\u0000\": 1, \"id\": \"a\", \"text\": \"nul in key\"}"), 2, "f.jsonl:17: invalid JSON at column 10: NUL byte in object key not supported near '\"a\\u0000\"'", 0, NULL, 0},
    {1, L("{\"a\\u0000\": 1, \"id\": \"a\", \"text\": \"nul in key\"}"), 2, "f.jsonl:17: invalid JSON at column 10: NUL byte in object key not supported near '\"a\\u0000\"'", 0, NULL, 0},
    {2, L("{\"a\\u0000\": 1, \"id\": \"a\", \"text\": \"nul in key\"}"), 2, "f.jsonl:17: invalid JSON at column 10: NUL byte in object key not supported near '\"a\\u0000\"'", 0, NULL, 0},
    {3, L("{\"a\\u0000\": 1, \"id\": \"a\", \"text\": \"nul in key\"}"), 2, "f.jsonl:17: invalid JSON at column 10: NUL byte in object key not supported near '\"a\\u0000\"'", 0, NULL, 0},
    {0, L("{\"id\": \"a\", \"text\": \"x\"} trailing"), 2, "f.jsonl:17: invalid JSON at column 33: end of file expected near 'trailing'", 0, NULL, 0},
    {1, L("{\"id\": \"a\", \"text\": \"x\"} trailing"), 2, "f.jsonl:17: invalid JSON at column 33: end of file expected near 'trailing'", 0, NULL, 0},
    {2, L("{\"id\": \"a\", \"text\": \"x\"} trailing"), 2, "f.jsonl:17: invalid JSON at column 33: end of file expected near 'trailing'", 0, NULL, 0},
    {3, L("{\"id\": \"a\", \"text\": \"x\"} trailing"), 2, "f.jsonl:17: invalid JSON at column 33: end of file expected near 'trailing'", 0, NULL, 0},
    {0, L("{\"id\": \"a\", \"text\": \"x\"}   "), 0, "a", 1, "x", 1},
    {1, L("{\"id\": \"a\", \"text\": \"x\"}   "), 0, "a", 1, "x", 1},
    {2, L("{\"id\": \"a\", \"text\": \"x\"}   "), 2, "f.jsonl:17: field \"content.body\" is missing (--text-field names the field; a.b reaches into objects)", 0, NULL, 0},
    {3, L("{\"id\": \"a\", \"text\": \"x\"}   "), 0, "f.jsonl:17", 10, "x", 1},
    {0, L("[1, 2]"), 2, "f.jsonl:17: the record is an array, expected an object", 0, NULL, 0},
    {1, L("[1, 2]"), 2, "f.jsonl:17: the record is an array, expected an object", 0, NULL, 0},
    {2, L("[1, 2]"), 2, "f.jsonl:17: the record is an array, expected an object", 0, NULL, 0},
    {3, L("[1, 2]"), 2, "f.jsonl:17: the record is an array, expected an object", 0, NULL, 0},
    {0, L("\"just a string\""), 2, "f.jsonl:17: invalid JSON at column 15: '[' or '{' expected near '\"just a string\"'", 0, NULL, 0},
    {1, L("\"just a string\""), 2, "f.jsonl:17: invalid JSON at column 15: '[' or '{' expected near '\"just a string\"'", 0, NULL, 0},
    {2, L("\"just a string\""), 2, "f.jsonl:17: invalid JSON at column 15: '[' or '{' expected near '\"just a string\"'", 0, NULL, 0},
    {3, L("\"just a string\""), 2, "f.jsonl:17: invalid JSON at column 15: '[' or '{' expected near '\"just a string\"'", 0, NULL, 0},
    {0, L("{\"id\": \"a\", \"text\": \"x\",}"), 2, "f.jsonl:17: invalid JSON at column 25: string or '}' expected near '}'", 0, NULL, 0},
    {1, L("{\"id\": \"a\", \"text\": \"x\",}"), 2, "f.jsonl:17: invalid JSON at column 25: string or '}' expected near '}'", 0, NULL, 0},
    {2, L("{\"id\": \"a\", \"text\": \"x\",}"), 2, "f.jsonl:17: invalid JSON at column 25: string or '}' expected near '}'", 0, NULL, 0},
    {3, L("{\"id\": \"a\", \"text\": \"x\",}"), 2, "f.jsonl:17: invalid JSON at column 25: string or '}' expected near '}'", 0, NULL, 0},
    {0, L("{\"id\": \"a\", \"text\": \"x\" \"y\"}"), 2, "f.jsonl:17: invalid JSON at column 27: '}' expected near '\"y\"'", 0, NULL, 0},
    {1, L("{\"id\": \"a\", \"text\": \"x\" \"y\"}"), 2, "f.jsonl:17: invalid JSON at column 27: '}' expected near '\"y\"'", 0, NULL, 0},
    {2, L("{\"id\": \"a\", \"text\": \"x\" \"y\"}"), 2, "f.jsonl:17: invalid JSON at column 27: '}' expected near '\"y\"'", 0, NULL, 0},
    {3, L("{\"id\": \"a\", \"text\": \"x\" \"y\"}"), 2, "f.jsonl:17: invalid JSON at column 27: '}' expected near '\"y\"'", 0, NULL, 0},
    {0, L("{\"id\": \"a\", \"te\\u0078t\": \"escaped key\"}"), 0, "a", 1, "escaped key", 11},
    {1, L("{\"id\": \"a\", \"te\\u0078t\": \"escaped key\"}"), 0, "a", 1, "escaped key", 11},
    {2, L("{\"id\": \"a\", \"te\\u0078t\": \"escaped key\"}"), 2, "f.jsonl:17: field \"content.body\" is missing (--text-field names the field; a.b reaches into objects)", 0, NULL, 0},
    {3, L("{\"id\": \"a\", \"te\\u0078t\": \"escaped key\"}"), 0, "f.jsonl:17", 10, "escaped key", 11},
    {0, L("{\"id\": \"a\", \"text\": \"x\", \"n\": 1e400}"), 0, "a", 1, "x", 1},
    {1, L("{\"id\": \"a\", \"text\": \"x\", \"n\": 1e400}"), 0, "a", 1, "x", 1},
    {2, L("{\"id\": \"a\", \"text\": \"x\", \"n\": 1e400}"), 2, "f.jsonl:17: invalid JSON at column 35: real number overflow near '1e400'", 0, NULL, 0},
    {3, L("{\"id\": \"a\", \"text\": \"x\", \"n\": 1e400}"), 0, "f.jsonl:17", 10, "x", 1},
    {0, L("{\"id\": \"a\", \"text\": \"x\", \"n\": -}"), 2, "f.jsonl:17: invalid JSON at column 31: invalid token near '-'", 0, NULL, 0},
    {1, L("{\"id\": \"a\", \"text\": \"x\", \"n\": -}"), 2, "f.jsonl:17: invalid JSON at column 31: invalid token near '-'", 0, NULL, 0},
    {2, L("{\"id\": \"a\", \"text\": \"x\", \"n\": -}"), 2, "f.jsonl:17: invalid JSON at column 31: invalid token near '-'", 0, NULL, 0},
    {3, L("{\"id\": \"a\", \"text\": \"x\", \"n\": -}"), 2, "f.jsonl:17: invalid JSON at column 31: invalid token near '-'", 0, NULL, 0},
    {0, L("{\"id\": \"a\", \"text\": \"x\", \"n\": 01}"), 0, "a", 1, "x", 1},
    {1, L("{\"id\": \"a\", \"text\": \"x\", \"n\": 01}"), 0, "a", 1, "x", 1},
    {2, L("{\"id\": \"a\", \"text\": \"x\", \"n\": 01}"), 2, "f.jsonl:17: invalid JSON at column 31: invalid token near '0'", 0, NULL, 0},
    {3, L("{\"id\": \"a\", \"text\": \"x\", \"n\": 01}"), 0, "f.jsonl:17", 10, "x", 1},
    {0, L("{\"id\": \"a\", \"text\": \"x\", \"n\": NaN}"), 2, "f.jsonl:17: invalid JSON at column 33: invalid token near 'NaN'", 0, NULL, 0},
    {1, L("{\"id\": \"a\", \"text\": \"x\", \"n\": NaN}"), 2, "f.jsonl:17: invalid JSON at column 33: invalid token near 'NaN'", 0, NULL, 0},
    {2, L("{\"id\": \"a\", \"text\": \"x\", \"n\": NaN}"), 2, "f.jsonl:17: invalid JSON at column 33: invalid token near 'NaN'", 0, NULL, 0},
    {3, L("{\"id\": \"a\", \"text\": \"x\", \"n\": NaN}"), 2, "f.jsonl:17: invalid JSON at column 33: invalid token near 'NaN'", 0, NULL, 0},
    {0, L("{\"id\": 'a', \"text\": \"x\"}"), 2, "f.jsonl:17: invalid JSON at column 8: invalid token near '''", 0, NULL, 0},
    {1, L("{\"id\": 'a', \"text\": \"x\"}"), 2, "f.jsonl:17: invalid JSON at column 8: invalid token near '''", 0, NULL, 0},
    {2, L("{\"id\": 'a', \"text\": \"x\"}"), 2, "f.jsonl:17: invalid JSON at column 8: invalid token near '''", 0, NULL, 0},
    {3, L("{\"id\": 'a', \"text\": \"x\"}"), 2, "f.jsonl:17: invalid JSON at column 8: invalid token near '''", 0, NULL, 0},
    {0, L("{id: \"a\", \"text\": \"x\"}"), 2, "f.jsonl:17: invalid JSON at column 3: string or '}' expected near 'id'", 0, NULL, 0},
    {1, L("{id: \"a\", \"text\": \"x\"}"), 2, "f.jsonl:17: invalid JSON at column 3: string or '}' expected near 'id'", 0, NULL, 0},
    {2, L("{id: \"a\", \"text\": \"x\"}"), 2, "f.jsonl:17: invalid JSON at column 3: string or '}' expected near 'id'", 0, NULL, 0},
    {3, L("{id: \"a\", \"text\": \"x\"}"), 2, "f.jsonl:17: invalid JSON at column 3: string or '}' expected near 'id'", 0, NULL, 0},
    {0, L("{\"id\": \"a\", \"text\": \"x\\/y\"}"), 0, "a", 1, "x/y", 3},
    {1, L("{\"id\": \"a\", \"text\": \"x\\/y\"}"), 0, "a", 1, "x/y", 3},
    {2, L("{\"id\": \"a\", \"text\": \"x\\/y\"}"), 2, "f.jsonl:17: field \"content.body\" is missing (--text-field names the field; a.b reaches into objects)", 0, NULL, 0},
    {3, L("{\"id\": \"a\", \"text\": \"x\\/y\"}"), 0, "f.jsonl:17", 10, "x/y", 3},
    {0, L("{\"id\": \"a\", \"content\": {\"body\": \"nested text\"}}"), 2, "f.jsonl:17: field \"text\" is missing (--text-field names the field; a.b reaches into objects)", 0, NULL, 0},
    {1, L("{\"id\": \"a\", \"content\": {\"body\": \"nested text\"}}"), 2, "f.jsonl:17: field \"text\" is missing (--text-field names the field; a.b reaches into objects)", 0, NULL, 0},
    {2, L("{\"id\": \"a\", \"content\": {\"body\": \"nested text\"}}"), 0, "a", 1, "nested text", 11},
    {3, L("{\"id\": \"a\", \"content\": {\"body\": \"nested text\"}}"), 2, "f.jsonl:17: field \"text\" is missing (--text-field names the field; a.b reaches into objects)", 0, NULL, 0},
    {0, L("{\"id\": \"a\", \"text\": \"x\", \"deep\": [[[[[[[[[[1]]]]]]]]]]}"), 0, "a", 1, "x", 1},
    {1, L("{\"id\": \"a\", \"text\": \"x\", \"deep\": [[[[[[[[[[1]]]]]]]]]]}"), 0, "a", 1, "x", 1},
    {2, L("{\"id\": \"a\", \"text\": \"x\", \"deep\": [[[[[[[[[[1]]]]]]]]]]}"), 2, "f.jsonl:17: field \"content.body\" is missing (--text-field names the field; a.b reaches into objects)", 0, NULL, 0},
    {3, L("{\"id\": \"a\", \"text\": \"x\", \"deep\": [[[[[[[[[[1]]]]]]]]]]}"), 0, "f.jsonl:17", 10, "x", 1},
    {0, L("{\"id\": \"a\", \"text\": \"\\u00e9t\\u00e9\"}"), 0, "a", 1, "\303\251t\303\251", 5},
    {1, L("{\"id\": \"a\", \"text\": \"\\u00e9t\\u00e9\"}"), 0, "a", 1, "\303\251t\303\251", 5},
    {2, L("{\"id\": \"a\", \"text\": \"\\u00e9t\\u00e9\"}"), 2, "f.jsonl:17: field \"content.body\" is missing (--text-field names the field; a.b reaches into objects)", 0, NULL, 0},
    {3, L("{\"id\": \"a\", \"text\": \"\\u00e9t\\u00e9\"}"), 0, "f.jsonl:17", 10, "\303\251t\303\251", 5},
    {0, L("{\"id\": \"a\", \"text\": \"x\"}{\"id\": \"b\"}"), 2, "f.jsonl:17: invalid JSON at column 25: end of file expected near '{'", 0, NULL, 0},
    {1, L("{\"id\": \"a\", \"text\": \"x\"}{\"id\": \"b\"}"), 2, "f.jsonl:17: invalid JSON at column 25: end of file expected near '{'", 0, NULL, 0},
    {2, L("{\"id\": \"a\", \"text\": \"x\"}{\"id\": \"b\"}"), 2, "f.jsonl:17: invalid JSON at column 25: end of file expected near '{'", 0, NULL, 0},
    {3, L("{\"id\": \"a\", \"text\": \"x\"}{\"id\": \"b\"}"), 2, "f.jsonl:17: invalid JSON at column 25: end of file expected near '{'", 0, NULL, 0},
    {0, L("{\"id\": \"a\", \"text\": \"x\", \"t\": tru}"), 2, "f.jsonl:17: invalid JSON at column 33: invalid token near 'tru'", 0, NULL, 0},
    {1, L("{\"id\": \"a\", \"text\": \"x\", \"t\": tru}"), 2, "f.jsonl:17: invalid JSON at column 33: invalid token near 'tru'", 0, NULL, 0},
    {2, L("{\"id\": \"a\", \"text\": \"x\", \"t\": tru}"), 2, "f.jsonl:17: invalid JSON at column 33: invalid token near 'tru'", 0, NULL, 0},
    {3, L("{\"id\": \"a\", \"text\": \"x\", \"t\": tru}"), 2, "f.jsonl:17: invalid JSON at column 33: invalid token near 'tru'", 0, NULL, 0},
    {0, L("{\"id\": \"a\", \"text\": \"unterminated}"), 2, "f.jsonl:17: invalid JSON at column 34: premature end of input near '\"unterminated}'", 0, NULL, 0},
    {1, L("{\"id\": \"a\", \"text\": \"unterminated}"), 2, "f.jsonl:17: invalid JSON at column 34: premature end of input near '\"unterminated}'", 0, NULL, 0},
    {2, L("{\"id\": \"a\", \"text\": \"unterminated}"), 2, "f.jsonl:17: invalid JSON at column 34: premature end of input near '\"unterminated}'", 0, NULL, 0},
    {3, L("{\"id\": \"a\", \"text\": \"unterminated}"), 2, "f.jsonl:17: invalid JSON at column 34: premature end of input near '\"unterminated}'", 0, NULL, 0},
    {0, L("{\"id\": \"a\", \"text\": \"x\", \"n\": 1.}"), 0, "a", 1, "x", 1},
    {1, L("{\"id\": \"a\", \"text\": \"x\", \"n\": 1.}"), 0, "a", 1, "x", 1},
    {2, L("{\"id\": \"a\", \"text\": \"x\", \"n\": 1.}"), 2, "f.jsonl:17: invalid JSON at column 32: invalid token near '1.'", 0, NULL, 0},
    {3, L("{\"id\": \"a\", \"text\": \"x\", \"n\": 1.}"), 0, "f.jsonl:17", 10, "x", 1},
    {0, L("{\"id\": \"a\", \"text\": \"x\", \"n\": .5}"), 2, "f.jsonl:17: invalid JSON at column 31: invalid token near '.'", 0, NULL, 0},
    {1, L("{\"id\": \"a\", \"text\": \"x\", \"n\": .5}"), 2, "f.jsonl:17: invalid JSON at column 31: invalid token near '.'", 0, NULL, 0},
    {2, L("{\"id\": \"a\", \"text\": \"x\", \"n\": .5}"), 2, "f.jsonl:17: invalid JSON at column 31: invalid token near '.'", 0, NULL, 0},
    {3, L("{\"id\": \"a\", \"text\": \"x\", \"n\": .5}"), 2, "f.jsonl:17: invalid JSON at column 31: invalid token near '.'", 0, NULL, 0},
    {0, L("{\"id\": \"a\", \"text\": \"x\", \"n\": +1}"), 2, "f.jsonl:17: invalid JSON at column 31: invalid token near '+'", 0, NULL, 0},
    {1, L("{\"id\": \"a\", \"text\": \"x\", \"n\": +1}"), 2, "f.jsonl:17: invalid JSON at column 31: invalid token near '+'", 0, NULL, 0},
    {2, L("{\"id\": \"a\", \"text\": \"x\", \"n\": +1}"), 2, "f.jsonl:17: invalid JSON at column 31: invalid token near '+'", 0, NULL, 0},
    {3, L("{\"id\": \"a\", \"text\": \"x\", \"n\": +1}"), 2, "f.jsonl:17: invalid JSON at column 31: invalid token near '+'", 0, NULL, 0},
    {0, L("{\"id\": \"a\", \"text\": \"\\uZZZZ\"}"), 0, "a", 1, "", 0},
    {1, L("{\"id\": \"a\", \"text\": \"\\uZZZZ\"}"), 0, "a", 1, "", 0},
    {2, L("{\"id\": \"a\", \"text\": \"\\uZZZZ\"}"), 2, "f.jsonl:17: invalid JSON at column 24: invalid escape near '\"\\uZ'", 0, NULL, 0},
    {3, L("{\"id\": \"a\", \"text\": \"\\uZZZZ\"}"), 0, "f.jsonl:17", 10, "", 0},
    {0, L("{\"id\": \"a\", \"text\": \"\\u12\"}"), 2, "f.jsonl:17: invalid JSON at column 26: invalid escape near '\"\\u12\"'", 0, NULL, 0},
    {1, L("{\"id\": \"a\", \"text\": \"\\u12\"}"), 2, "f.jsonl:17: invalid JSON at column 26: invalid escape near '\"\\u12\"'", 0, NULL, 0},
    {2, L("{\"id\": \"a\", \"text\": \"\\u12\"}"), 2, "f.jsonl:17: invalid JSON at column 26: invalid escape near '\"\\u12\"'", 0, NULL, 0},
    {3, L("{\"id\": \"a\", \"text\": \"\\u12\"}"), 2, "f.jsonl:17: invalid JSON at column 26: invalid escape near '\"\\u12\"'", 0, NULL, 0},
    {0, L("{\"id\":\"a\",\"text\":\"x\",\"k\":{\"a\":{\"b\":[1,{\"c\":null}]}}}"), 0, "a", 1, "x", 1},
    {1, L("{\"id\":\"a\",\"text\":\"x\",\"k\":{\"a\":{\"b\":[1,{\"c\":null}]}}}"), 0, "a", 1, "x", 1},
    {2, L("{\"id\":\"a\",\"text\":\"x\",\"k\":{\"a\":{\"b\":[1,{\"c\":null}]}}}"), 2, "f.jsonl:17: field \"content.body\" is missing (--text-field names the field; a.b reaches into objects)", 0, NULL, 0},
    {3, L("{\"id\":\"a\",\"text\":\"x\",\"k\":{\"a\":{\"b\":[1,{\"c\":null}]}}}"), 0, "f.jsonl:17", 10, "x", 1},
    {0, L("{\"id\": \"a\", \"text\": \"x\\\\u0000y\"}"), 0, "a", 1, "x\\u0000y", 8},
    {1, L("{\"id\": \"a\", \"text\": \"x\\\\u0000y\"}"), 0, "a", 1, "x\\u0000y", 8},
    {2, L("{\"id\": \"a\", \"text\": \"x\\\\u0000y\"}"), 2, "f.jsonl:17: field \"content.body\" is missing (--text-field names the field; a.b reaches into objects)", 0, NULL, 0},
    {3, L("{\"id\": \"a\", \"text\": \"x\\\\u0000y\"}"), 0, "f.jsonl:17", 10, "x\\u0000y", 8},
    {0, L("{\"id\": -9223372036854775808, \"text\": \"x y\"}"), 0, "-9223372036854775808", 20, "x y", 3},
    {1, L("{\"id\": -9223372036854775808, \"text\": \"x y\"}"), 0, "-9223372036854775808", 20, "x y", 3},
    {2, L("{\"id\": -9223372036854775808, \"text\": \"x y\"}"), 2, "f.jsonl:17: field \"content.body\" is missing (--text-field names the field; a.b reaches into objects)", 0, NULL, 0},
    {3, L("{\"id\": -9223372036854775808, \"text\": \"x y\"}"), 0, "f.jsonl:17", 10, "x y", 3},
    {0, L("{\"id\": 9223372036854775807, \"text\": \"x y\"}"), 0, "9223372036854775807", 19, "x y", 3},
    {1, L("{\"id\": 9223372036854775807, \"text\": \"x y\"}"), 0, "9223372036854775807", 19, "x y", 3},
    {2, L("{\"id\": 9223372036854775807, \"text\": \"x y\"}"), 2, "f.jsonl:17: field \"content.body\" is missing (--text-field names the field; a.b reaches into objects)", 0, NULL, 0},
    {3, L("{\"id\": 9223372036854775807, \"text\": \"x y\"}"), 0, "f.jsonl:17", 10, "x y", 3},
    {0, L("{\"id\": 9223372036854775808, \"text\": \"x y\"}"), 2, "f.jsonl:17: invalid JSON at column 26: too big integer near '9223372036854775808'", 0, NULL, 0},
    {1, L("{\"id\": 9223372036854775808, \"text\": \"x y\"}"), 2, "f.jsonl:17: invalid JSON at column 26: too big integer near '9223372036854775808'", 0, NULL, 0},
    {2, L("{\"id\": 9223372036854775808, \"text\": \"x y\"}"), 2, "f.jsonl:17: invalid JSON at column 26: too big integer near '9223372036854775808'", 0, NULL, 0},
    {3, L("{\"id\": 9223372036854775808, \"text\": \"x y\"}"), 0, "f.jsonl:17", 10, "x y", 3},
    {0, L("{\"id\": \"\", \"text\": \"\"}"), 0, "", 0, "", 0},
    {1, L("{\"id\": \"\", \"text\": \"\"}"), 0, "", 0, "", 0},
    {2, L("{\"id\": \"\", \"text\": \"\"}"), 2, "f.jsonl:17: field \"content.body\" is missing (--text-field names the field; a.b reaches into objects)", 0, NULL, 0},
    {3, L("{\"id\": \"\", \"text\": \"\"}"), 0, "f.jsonl:17", 10, "", 0},
    {0, L("{}"), 2, "f.jsonl:17: field \"id\" is missing (--id-field names the field; --id-from line numbers records that have no id)", 0, NULL, 0},
    {1, L("{}"), 2, "f.jsonl:17: field \"id\" is missing (--id-field names the field; --id-from line numbers records that have no id)", 0, NULL, 0},
    {2, L("{}"), 2, "f.jsonl:17: field \"id\" is missing (--id-field names the field; --id-from line numbers records that have no id)", 0, NULL, 0},
    {3, L("{}"), 2, "f.jsonl:17: field \"text\" is missing (--text-field names the field; a.b reaches into objects)", 0, NULL, 0},
    {0, L("{\"id\": \"a\", \"text\": \"tab\011here\"}"), 2, "f.jsonl:17:25: invalid JSON: raw control character U+0009 inside a string (write it as \\u0009; --lossy reads it as a word separator)", 0, NULL, 0},
    {1, L("{\"id\": \"a\", \"text\": \"tab\011here\"}"), 0, "a", 1, "tab\011here", 8},
    {2, L("{\"id\": \"a\", \"text\": \"tab\011here\"}"), 2, "f.jsonl:17:25: invalid JSON: raw control character U+0009 inside a string (write it as \\u0009; --lossy reads it as a word separator)", 0, NULL, 0},
    {3, L("{\"id\": \"a\", \"text\": \"tab\011here\"}"), 2, "f.jsonl:17:25: invalid JSON: raw control character U+0009 inside a string (write it as \\u0009; --lossy reads it as a word separator)", 0, NULL, 0},
    {0, L("{\"id\": \"a\",\011\"text\": \"tab between\"}"), 0, "a", 1, "tab between", 11},
    {1, L("{\"id\": \"a\",\011\"text\": \"tab between\"}"), 0, "a", 1, "tab between", 11},
    {2, L("{\"id\": \"a\",\011\"text\": \"tab between\"}"), 2, "f.jsonl:17: field \"content.body\" is missing (--text-field names the field; a.b reaches into objects)", 0, NULL, 0},
    {3, L("{\"id\": \"a\",\011\"text\": \"tab between\"}"), 0, "f.jsonl:17", 10, "tab between", 11},
    {0, L("{\"id\": \"a\", \"text\": \"bad utf8 \377 here\"}"), 2, "f.jsonl:17: invalid UTF-8 in the JSON at byte 30: unable to decode byte 0xff near '\"bad utf8 '", 0, NULL, 0},
    {1, L("{\"id\": \"a\", \"text\": \"bad utf8 \377 here\"}"), 0, "a", 1, "bad utf8 \357\277\275 here", 17},
    {2, L("{\"id\": \"a\", \"text\": \"bad utf8 \377 here\"}"), 2, "f.jsonl:17: invalid UTF-8 in the JSON at byte 30: unable to decode byte 0xff near '\"bad utf8 '", 0, NULL, 0},
    {3, L("{\"id\": \"a\", \"text\": \"bad utf8 \377 here\"}"), 2, "f.jsonl:17: invalid UTF-8 in the JSON at byte 30: unable to decode byte 0xff near '\"bad utf8 '", 0, NULL, 0},
    {0, L("{\"id\": \"a\", \"text\": \"overlong \300\257\"}"), 2, "f.jsonl:17: invalid UTF-8 in the JSON at byte 30: unable to decode byte 0xc0 near '\"overlong '", 0, NULL, 0},
    {1, L("{\"id\": \"a\", \"text\": \"overlong \300\257\"}"), 0, "a", 1, "overlong \357\277\275\357\277\275", 15},
    {2, L("{\"id\": \"a\", \"text\": \"overlong \300\257\"}"), 2, "f.jsonl:17: invalid UTF-8 in the JSON at byte 30: unable to decode byte 0xc0 near '\"overlong '", 0, NULL, 0},
    {3, L("{\"id\": \"a\", \"text\": \"overlong \300\257\"}"), 2, "f.jsonl:17: invalid UTF-8 in the JSON at byte 30: unable to decode byte 0xc0 near '\"overlong '", 0, NULL, 0},
    {0, L("{\"id\": \"a\", \"text\": \"surrogate bytes \355\240\200\"}"), 2, "f.jsonl:17: invalid UTF-8 in the JSON at byte 37: unable to decode byte 0xed near '\"surrogate bytes '", 0, NULL, 0},
    {1, L("{\"id\": \"a\", \"text\": \"surrogate bytes \355\240\200\"}"), 0, "a", 1, "surrogate bytes \357\277\275\357\277\275\357\277\275", 25},
    {2, L("{\"id\": \"a\", \"text\": \"surrogate bytes \355\240\200\"}"), 2, "f.jsonl:17: invalid UTF-8 in the JSON at byte 37: unable to decode byte 0xed near '\"surrogate bytes '", 0, NULL, 0},
    {3, L("{\"id\": \"a\", \"text\": \"surrogate bytes \355\240\200\"}"), 2, "f.jsonl:17: invalid UTF-8 in the JSON at byte 37: unable to decode byte 0xed near '\"surrogate bytes '", 0, NULL, 0},
    {0, L("{\"id\": \"a\", \"text\": \"cr\015\"}"), 2, "f.jsonl:17:24: invalid JSON: raw control character U+000D inside a string (write it as \\u000d; --lossy reads it as a word separator)", 0, NULL, 0},
    {1, L("{\"id\": \"a\", \"text\": \"cr\015\"}"), 0, "a", 1, "cr\015", 3},
    {2, L("{\"id\": \"a\", \"text\": \"cr\015\"}"), 2, "f.jsonl:17:24: invalid JSON: raw control character U+000D inside a string (write it as \\u000d; --lossy reads it as a word separator)", 0, NULL, 0},
    {3, L("{\"id\": \"a\", \"text\": \"cr\015\"}"), 2, "f.jsonl:17:24: invalid JSON: raw control character U+000D inside a string (write it as \\u000d; --lossy reads it as a word separator)", 0, NULL, 0},
    {0, L("{\"id\": \"a\", \"text\": \"x\"}\000"), 2, "f.jsonl:17: invalid JSON at column 25: end of file expected near end of file", 0, NULL, 0},
    {1, L("{\"id\": \"a\", \"text\": \"x\"}\000"), 2, "f.jsonl:17: invalid JSON at column 25: end of file expected near end of file", 0, NULL, 0},
    {2, L("{\"id\": \"a\", \"text\": \"x\"}\000"), 2, "f.jsonl:17: invalid JSON at column 25: end of file expected near end of file", 0, NULL, 0},
    {3, L("{\"id\": \"a\", \"text\": \"x\"}\000"), 2, "f.jsonl:17: invalid JSON at column 25: end of file expected near end of file", 0, NULL, 0},
    {0, L("{\"id\": \"a\", \"text\": \"raw nul \000 x\"}"), 2, "f.jsonl:17:30: invalid JSON: raw control character U+0000 inside a string (write it as \\u0000; --lossy reads it as a word separator)", 0, NULL, 0},
    {1, L("{\"id\": \"a\", \"text\": \"raw nul \000 x\"}"), 0, "a", 1, "raw nul \000 x", 11},
    {2, L("{\"id\": \"a\", \"text\": \"raw nul \000 x\"}"), 2, "f.jsonl:17:30: invalid JSON: raw control character U+0000 inside a string (write it as \\u0000; --lossy reads it as a word separator)", 0, NULL, 0},
    {3, L("{\"id\": \"a\", \"text\": \"raw nul \000 x\"}"), 2, "f.jsonl:17:30: invalid JSON: raw control character U+0000 inside a string (write it as \\u0000; --lossy reads it as a word separator)", 0, NULL, 0},
    {0, L("{\"id\": \"\377\", \"text\": \"x\"}"), 2, "f.jsonl:17: invalid UTF-8 in the JSON at byte 8: unable to decode byte 0xff near '\"'", 0, NULL, 0},
    {1, L("{\"id\": \"\377\", \"text\": \"x\"}"), 0, "\357\277\275", 3, "x", 1},
    {2, L("{\"id\": \"\377\", \"text\": \"x\"}"), 2, "f.jsonl:17: invalid UTF-8 in the JSON at byte 8: unable to decode byte 0xff near '\"'", 0, NULL, 0},
    {3, L("{\"id\": \"\377\", \"text\": \"x\"}"), 2, "f.jsonl:17: invalid UTF-8 in the JSON at byte 8: unable to decode byte 0xff near '\"'", 0, NULL, 0},
    {0, L("{\"id\": \"a\", \"text\": \"x\", \"m\": {\"k\\u0000\": 1}}"), 2, "f.jsonl:17: invalid JSON at column 40: NUL byte in object key not supported near '\"k\\u0000\"'", 0, NULL, 0},
    {1, L("{\"id\": \"a\", \"text\": \"x\", \"m\": {\"k\\u0000\": 1}}"), 2, "f.jsonl:17: invalid JSON at column 40: NUL byte in object key not supported near '\"k\\u0000\"'", 0, NULL, 0},
    {2, L("{\"id\": \"a\", \"text\": \"x\", \"m\": {\"k\\u0000\": 1}}"), 2, "f.jsonl:17: invalid JSON at column 40: NUL byte in object key not supported near '\"k\\u0000\"'", 0, NULL, 0},
    {3, L("{\"id\": \"a\", \"text\": \"x\", \"m\": {\"k\\u0000\": 1}}"), 2, "f.jsonl:17: invalid JSON at column 40: NUL byte in object key not supported near '\"k\\u0000\"'", 0, NULL, 0},
    {0, L("{\"id\": \"a\", \"text\": \"x\", \"m\": [1, {\"z\": {\"k\\u0000\": 1}}]}"), 2, "f.jsonl:17: invalid JSON at column 50: NUL byte in object key not supported near '\"k\\u0000\"'", 0, NULL, 0},
    {1, L("{\"id\": \"a\", \"text\": \"x\", \"m\": [1, {\"z\": {\"k\\u0000\": 1}}]}"), 2, "f.jsonl:17: invalid JSON at column 50: NUL byte in object key not supported near '\"k\\u0000\"'", 0, NULL, 0},
    {2, L("{\"id\": \"a\", \"text\": \"x\", \"m\": [1, {\"z\": {\"k\\u0000\": 1}}]}"), 2, "f.jsonl:17: invalid JSON at column 50: NUL byte in object key not supported near '\"k\\u0000\"'", 0, NULL, 0},
    {3, L("{\"id\": \"a\", \"text\": \"x\", \"m\": [1, {\"z\": {\"k\\u0000\": 1}}]}"), 2, "f.jsonl:17: invalid JSON at column 50: NUL byte in object key not supported near '\"k\\u0000\"'", 0, NULL, 0},
    {0, L("{\"id\": \"a\", \"text\": \"x\", \"other\": \"v\\u0000w\"}"), 0, "a", 1, "x", 1},
    {1, L("{\"id\": \"a\", \"text\": \"x\", \"other\": \"v\\u0000w\"}"), 0, "a", 1, "x", 1},
    {2, L("{\"id\": \"a\", \"text\": \"x\", \"other\": \"v\\u0000w\"}"), 2, "f.jsonl:17: field \"content.body\" is missing (--text-field names the field; a.b reaches into objects)", 0, NULL, 0},
    {3, L("{\"id\": \"a\", \"text\": \"x\", \"other\": \"v\\u0000w\"}"), 0, "f.jsonl:17", 10, "x", 1},
    {0, L("{\"id\": \"a\\u0000\", \"text\": \"x\\u0000y z\"}"), 0, "a\000", 2, "x\000y z", 5},
    {1, L("{\"id\": \"a\\u0000\", \"text\": \"x\\u0000y z\"}"), 0, "a\000", 2, "x\000y z", 5},
    {2, L("{\"id\": \"a\\u0000\", \"text\": \"x\\u0000y z\"}"), 2, "f.jsonl:17: field \"content.body\" is missing (--text-field names the field; a.b reaches into objects)", 0, NULL, 0},
    {3, L("{\"id\": \"a\\u0000\", \"text\": \"x\\u0000y z\"}"), 0, "f.jsonl:17", 10, "x\000y z", 5},
    {0, L("{\"id\": \"a\", \"text\": \"x \\\\u0000 literal\"}"), 0, "a", 1, "x \\u0000 literal", 16},
    {1, L("{\"id\": \"a\", \"text\": \"x \\\\u0000 literal\"}"), 0, "a", 1, "x \\u0000 literal", 16},
    {2, L("{\"id\": \"a\", \"text\": \"x \\\\u0000 literal\"}"), 2, "f.jsonl:17: field \"content.body\" is missing (--text-field names the field; a.b reaches into objects)", 0, NULL, 0},
    {3, L("{\"id\": \"a\", \"text\": \"x \\\\u0000 literal\"}"), 0, "f.jsonl:17", 10, "x \\u0000 literal", 16},
    {0, L("{\"id\": \"a\", \"text\": \"x\", \"t\\u0000\": \"y\"}"), 2, "f.jsonl:17: invalid JSON at column 34: NUL byte in object key not supported near '\"t\\u0000\"'", 0, NULL, 0},
    {1, L("{\"id\": \"a\", \"text\": \"x\", \"t\\u0000\": \"y\"}"), 2, "f.jsonl:17: invalid JSON at column 34: NUL byte in object key not supported near '\"t\\u0000\"'", 0, NULL, 0},
    {2, L("{\"id\": \"a\", \"text\": \"x\", \"t\\u0000\": \"y\"}"), 2, "f.jsonl:17: invalid JSON at column 34: NUL byte in object key not supported near '\"t\\u0000\"'", 0, NULL, 0},
    {3, L("{\"id\": \"a\", \"text\": \"x\", \"t\\u0000\": \"y\"}"), 2, "f.jsonl:17: invalid JSON at column 34: NUL byte in object key not supported near '\"t\\u0000\"'", 0, NULL, 0},
    {0, L("{\"id\": \"a\", \"text\": \"x\", \"n\": 9223372036854775808}"), 0, "a", 1, "x", 1},
    {1, L("{\"id\": \"a\", \"text\": \"x\", \"n\": 9223372036854775808}"), 0, "a", 1, "x", 1},
    {2, L("{\"id\": \"a\", \"text\": \"x\", \"n\": 9223372036854775808}"), 2, "f.jsonl:17: invalid JSON at column 49: too big integer near '9223372036854775808'", 0, NULL, 0},
    {3, L("{\"id\": \"a\", \"text\": \"x\", \"n\": 9223372036854775808}"), 0, "f.jsonl:17", 10, "x", 1},
    {0, L("{\"id\": 9105708128801406546, \"text\": \"x\", \"n\": 12945203170618633536}"), 2, "f.jsonl:17: invalid JSON at column 66: too big integer near '12945203170618633536'", 0, NULL, 0},
    {1, L("{\"id\": 9105708128801406546, \"text\": \"x\", \"n\": 12945203170618633536}"), 2, "f.jsonl:17: invalid JSON at column 66: too big integer near '12945203170618633536'", 0, NULL, 0},
    {2, L("{\"id\": 9105708128801406546, \"text\": \"x\", \"n\": 12945203170618633536}"), 2, "f.jsonl:17: invalid JSON at column 66: too big integer near '12945203170618633536'", 0, NULL, 0},
    {3, L("{\"id\": 9105708128801406546, \"text\": \"x\", \"n\": 12945203170618633536}"), 0, "f.jsonl:17", 10, "x", 1},
    {0, L("{\"id\": \"a\", \"text\": \"x\", \"n\": 1e-400}"), 0, "a", 1, "x", 1},
    {1, L("{\"id\": \"a\", \"text\": \"x\", \"n\": 1e-400}"), 0, "a", 1, "x", 1},
    {2, L("{\"id\": \"a\", \"text\": \"x\", \"n\": 1e-400}"), 2, "f.jsonl:17: field \"content.body\" is missing (--text-field names the field; a.b reaches into objects)", 0, NULL, 0},
    {3, L("{\"id\": \"a\", \"text\": \"x\", \"n\": 1e-400}"), 0, "f.jsonl:17", 10, "x", 1},
    {0, L("{\"id\": \"a\", \"text\": \"x\", \"n\": [1, {\"m\": 18446744073709551615}]}"), 0, "a", 1, "x", 1},
    {1, L("{\"id\": \"a\", \"text\": \"x\", \"n\": [1, {\"m\": 18446744073709551615}]}"), 0, "a", 1, "x", 1},
    {2, L("{\"id\": \"a\", \"text\": \"x\", \"n\": [1, {\"m\": 18446744073709551615}]}"), 2, "f.jsonl:17: invalid JSON at column 60: too big integer near '18446744073709551615'", 0, NULL, 0},
    {3, L("{\"id\": \"a\", \"text\": \"x\", \"n\": [1, {\"m\": 18446744073709551615}]}"), 0, "f.jsonl:17", 10, "x", 1},
    {0, L("{\"id\": 9223372036854775807, \"text\": \"x\", \"n\": [18446744073709551615]}"), 2, "f.jsonl:17: invalid JSON at column 67: too big integer near '18446744073709551615'", 0, NULL, 0},
    {1, L("{\"id\": 9223372036854775807, \"text\": \"x\", \"n\": [18446744073709551615]}"), 2, "f.jsonl:17: invalid JSON at column 67: too big integer near '18446744073709551615'", 0, NULL, 0},
    {2, L("{\"id\": 9223372036854775807, \"text\": \"x\", \"n\": [18446744073709551615]}"), 2, "f.jsonl:17: invalid JSON at column 67: too big integer near '18446744073709551615'", 0, NULL, 0},
    {3, L("{\"id\": 9223372036854775807, \"text\": \"x\", \"n\": [18446744073709551615]}"), 0, "f.jsonl:17", 10, "x", 1},
    {0, L("{\"id\": \"a\",\011\"text\": \"x\", \"n\": 18446744073709551615}"), 2, "f.jsonl:17: invalid JSON at column 50: too big integer near '18446744073709551615'", 0, NULL, 0},
    {1, L("{\"id\": \"a\",\011\"text\": \"x\", \"n\": 18446744073709551615}"), 2, "f.jsonl:17: invalid JSON at column 50: too big integer near '18446744073709551615'", 0, NULL, 0},
    {2, L("{\"id\": \"a\",\011\"text\": \"x\", \"n\": 18446744073709551615}"), 2, "f.jsonl:17: invalid JSON at column 50: too big integer near '18446744073709551615'", 0, NULL, 0},
    {3, L("{\"id\": \"a\",\011\"text\": \"x\", \"n\": 18446744073709551615}"), 2, "f.jsonl:17: invalid JSON at column 50: too big integer near '18446744073709551615'", 0, NULL, 0},
};

static nd_record_parser *parser_for(int mode)
{
    nd_record_opts o = {0};
    if (mode == 1) o.lossy = 1;
    if (mode == 2) o.text_field = "content.body";
    if (mode == 3) o.id_from_line = 1;
    return nd_record_parser_create(&o);
}

/* Parses line as line 17 of f.jsonl. */
static int parse(nd_record_parser *p, const char *line, size_t len, nd_doc *d, nd_error *err)
{
    nd_raw_record r = {0, len, 0, 1, 17, ND_FORMAT_JSONL, 0};
    return nd_record_parse(p, &r, line, "f.jsonl", d, err);
}

static void table_of_edge_cases(void **state)
{
    nd_record_parser *p[4];
    for (int m = 0; m < 4; m++) assert_non_null(p[m] = parser_for(m));
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const case_t *c = &cases[i];
        size_t len = c->len;
        nd_doc d;
        nd_error err = {0, ""};
        int rc = parse(p[c->mode], c->line, len, &d, &err);
        if (rc != c->rc || (rc && strcmp(err.msg, c->id_or_msg)) ||
            (!rc && (d.id_len != c->id_len || memcmp(d.id, c->id_or_msg, c->id_len) || d.text_len != c->text_len ||
                     memcmp(d.text, c->text, c->text_len)))) {
            fprintf(stderr, "case %zu (mode %d) %s: rc %d (want %d) %s\n", i, c->mode, c->line, rc, c->rc,
                    rc ? err.msg : "");
            fail();
        }
    }
    for (int m = 0; m < 4; m++) nd_record_parser_free(p[m]);
}

/* Nesting: cJSON stops at 1000 levels, simdjson at 1024, jansson at 2048. */
static void deep_nesting(void **state)
{
    nd_record_parser *p = parser_for(0);
    const char *head = "{\"id\": \"deep\", \"text\": \"x\", \"d\": ";
    size_t depths[] = {1010, 1030, 3000};
    for (int k = 0; k < 3; k++) {
        size_t n = depths[k], h = strlen(head), len = h + 2 * n + 1;
        char *s = malloc(len + 1);
        assert_non_null(s);
        memcpy(s, head, h);
        memset(s + h, '[', n);
        memset(s + h + n, ']', n);
        s[len - 1] = '}';
        s[len] = 0;
        nd_doc d;
        nd_error err = {0, ""};
        int rc = parse(p, s, len, &d, &err);
        if (n < 2048) {
            assert_int_equal(rc, NEARDUP_OK);
            assert_int_equal(d.id_len, 4);
            assert_memory_equal(d.id, "deep", 4);
            assert_int_equal(d.text_len, 1);
        } else {
            assert_int_equal(rc, NEARDUP_E_INPUT);
            assert_string_equal(err.msg, "f.jsonl:17: invalid JSON at column 2081: maximum parsing depth reached near '['");
        }
        free(s);
    }
    nd_record_parser_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_of_edge_cases),
        cmocka_unit_test(deep_nesting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
