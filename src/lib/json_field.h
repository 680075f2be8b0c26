/* json_field.h - where a field's value lies in a JSON record's bytes
 * (json_field.c), so that a command can write the record back with that one
 * value replaced and every other byte as it was (neardup strip). */
#ifndef ND_JSON_FIELD_H
#define ND_JSON_FIELD_H

#include <stddef.h>

/* The value of field in the JSON object bytes[0, len), found as the record
 * parser finds it (record.c): the last member of that name; else, for a
 * dotted name a.b, the last "b" inside the last "a".  *start and *end get the
 * value's bytes (a string's quotes included).  Returns 0, 1 when the field
 * is missing, -1 when the bytes are not an object this scanner can walk.
 * Keys with escapes are compared decoded; keys are limited to 255 bytes. */
int nd_json_field_range(const char *bytes, size_t len, const char *field, size_t *start, size_t *end);

#endif
