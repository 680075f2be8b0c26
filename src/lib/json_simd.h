/* json_simd.h - the fast path of JSONL record parsing: simdjson's DOM parser
 * (C++, src/json_simd.cc) behind a C interface.  It only ever accepts: any
 * line it does not take (invalid JSON or UTF-8, a missing field, an id that
 * is not a string or a 64-bit integer...) goes to record.c's other paths,
 * which decide it exactly as before and word every error.  Built when the
 * Makefile finds simdjson (ND_HAVE_SIMDJSON); one handle per thread. */
#ifndef ND_JSON_SIMD_H
#define ND_JSON_SIMD_H

#include <stddef.h>

typedef struct nd_json_simd nd_json_simd;

typedef struct {
    const char *id, *text; /* into the handle, valid until its next parse */
    size_t id_len, text_len;
    int id_is_int;         /* the id is the integer id_int (id is NULL) */
    long long id_int;
} nd_json_fields;

nd_json_simd *nd_json_simd_create(void); /* NULL when out of memory */
void nd_json_simd_free(nd_json_simd *j);

/* 1 when bytes[0..len) is one valid JSON object (RFC 8259, strict UTF-8)
 * whose member text_field is a string and whose id_field (NULL: not wanted)
 * is a string or a 64-bit integer, with out filled; 0 otherwise.  A field
 * name is the last member of that name (duplicate keys: the last wins), else
 * a dotted path into nested objects, as record.c's other paths read it.
 * padded: ND_RECORD_PAD (64) readable bytes follow bytes[len), so simdjson
 * parses in place (else it copies the line first).  A line with U+0000 in a
 * key or an integer above 2^63 - 1 anywhere is not taken (jansson refuses
 * both, cJSON takes the number: the other paths decide it as before). */
int nd_json_simd_fields(nd_json_simd *j, const char *bytes, size_t len, int padded, const char *id_field,
                        const char *text_field, nd_json_fields *out);

#endif
