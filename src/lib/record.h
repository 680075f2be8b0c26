/* record.h - a raw record -> id and text (record.c: JSONL by jansson, plain, HTML, WARC), and writing ids
 * and JSON strings (json_write.c). */
#ifndef ND_RECORD_H
#define ND_RECORD_H

#include "nd.h"
#include "reader.h"

typedef struct {
    const char *id_field;   /* "id"; a dotted path (a.b) reaches into nested objects */
    const char *text_field; /* "text"; dotted as id_field */
    const char *encoding;   /* plain, HTML, WARC: NULL/"auto" to detect, or a label for all */
    int lossy;              /* undecodable bytes (any format) become U+FFFD / separators, and a
                             * raw control character inside a JSON string (invalid JSON) is
                             * read as if escaped, and counted (nd_doc.ctrl), not an error */
    int keep_furniture;     /* HTML: keep menus, footers, cookie banners (html.c) */
    int id_from_line;       /* JSONL: the id is PATH:LINE, no id field is read */
    int padded;             /* every record's bytes are followed by ND_RECORD_PAD readable bytes
                             * (nd_reader's batches are), so the JSON parser reads them in place */
} nd_record_opts;

/* The slack nd_reader leaves after each record of a batch: simdjson reads up
 * to 64 bytes past the end of its input (SIMDJSON_PADDING). */
#define ND_RECORD_PAD 64

/* One run of a map from extracted text back to the original bytes (see
 * offmap.h): text from byte t (to the next run's t) came from original
 * bytes [o, oe). */
typedef struct {
    uint32_t t, o, oe;
} nd_map_run;

/* A parsed document.  Strings point into memory owned by the parser handle
 * and stay valid until the next nd_record_parse on that handle. */
typedef struct {
    const char *id;    /* every byte kept: \u0000 included */
    size_t id_len;
    const char *text;
    size_t text_len;
    size_t ctrl;       /* raw control characters read as escaped (lossy) */
    /* Where text did not come byte for byte from the file (HTML, another
     * encoding, a BOM): its map back to the original bytes (offmap.h);
     * nmap == 0 for the identity. */
    const nd_map_run *map;
    size_t nmap;
    const char *encoding; /* what the bytes were decoded from ("utf-8", "windows-1252 (detected)"...) */
    const char *date;     /* WARC-Date of a WARC record (else NULL) */
    size_t date_len;
    size_t replaced;      /* bytes the decoder replaced by U+FFFD (lossy) */
} nd_doc;

typedef struct nd_record_parser nd_record_parser;
nd_record_parser *nd_record_parser_create(const nd_record_opts *o);
void nd_record_parser_free(nd_record_parser *p);

/* Parses one raw record.  For a plain file, id = path and text = the bytes.
 * For JSONL, the id and text fields must exist and be strings; errors name
 * path:line and the field; a raw control character (U+0000-U+001F) inside a
 * string is invalid JSON, an error naming path:line:column (unless lossy).
 * Returns NEARDUP_OK or NEARDUP_E_INPUT / _E_NOMEM. */
int nd_record_parse(nd_record_parser *p, const nd_raw_record *rec, const char *bytes,
                    const char *path, nd_doc *out, nd_error *err);

/* The number in field (a dotted path as --id-field takes) of the JSON
 * object bytes[0, len), for dedup --keep max:FIELD: 0 with *out set, 1 when
 * the field is missing, 2 when it is not a number, -1 when the line is not
 * JSON. */
int nd_json_number_field(const char *bytes, size_t len, const char *field, double *out);
/* The same for a string (or a number, as written) field: 0 with *out a
 * malloc'ed copy (a string's bytes up to its first NUL), 1 missing, 2 neither
 * string nor number, -1 not JSON, -2 out of memory. */
int nd_json_string_field(const char *bytes, size_t len, const char *field, char **out);

/* Writes s as a JSON string literal (quotes, escapes) to f. */
int nd_json_write_string(FILE *f, const char *s, size_t len);
/* Writes an id for text and TSV output, escaped as PostgreSQL's text format
 * does (\\ \t \n \r, other control characters, DEL and invalid UTF-8 bytes
 * as \xHH), so that a TSV line stays one line of fields and a terminal shows
 * what is there.  Returns 0, or -1 if f failed. */
int nd_write_id(FILE *f, const char *s, size_t len);
/* Writes s as one CSV field (RFC 4180): as it is, or in double quotes, with
 * each quote doubled, when it holds a comma, a quote, CR or LF.  Every byte
 * is kept (CSV can carry them inside quotes; TSV has to escape them).
 * Returns 0, or -1 if f failed. */
int nd_csv_write_field(FILE *f, const char *s, size_t len);
/* The same escaping into buf (cap >= 8 bytes), for messages: at most about
 * cap - 4 bytes, then "..."; always NUL-terminated.  Returns buf. */
char *nd_id_text(char *buf, size_t cap, const char *s, size_t len);
/* The whole id escaped as nd_id_text does, malloc'ed (NULL: out of memory). */
char *nd_id_text_dup(const char *s, size_t len);
/* The same, with <, > and & also escaped (\u003c...), for JSON inside an
 * HTML <script> block, which no text can then close. */
int nd_json_write_string_html(FILE *f, const char *s, size_t len);
/* Length of the valid multi-byte UTF-8 sequence at s (n bytes left), or 0
 * when it is invalid: the rule the JSON writers use to decide which bytes
 * become U+FFFD (the report's UTF-16 offsets must follow it exactly). */
size_t nd_utf8_len(const unsigned char *s, size_t n);

#endif
