// json_simd.cc - nd_json_simd_fields on simdjson's DOM parser (see json_simd.h).
//
// The DOM parser, not On-Demand: it validates the whole line (structure,
// strings, numbers, UTF-8) before we look at a field, so "accepted" means
// "valid JSON", and what it gives for the two fields is what jansson and
// cJSON give for a valid line.  The only C++ file of the library; nothing
// here throws across the C interface (allocation failures become 0, and the
// caller's slower paths report them).
#include <simdjson.h>

#include <cstring>
#include <new>

extern "C" {
#include "json_simd.h"
}

struct nd_json_simd {
    simdjson::dom::parser parser;
};

extern "C" nd_json_simd *nd_json_simd_create(void)
{
    return new (std::nothrow) nd_json_simd;
}

extern "C" void nd_json_simd_free(nd_json_simd *j) { delete j; }

// The last member of obj named key[0..n), as found.
static bool last_member(simdjson::dom::object obj, const char *key, size_t n, simdjson::dom::element *found)
{
    bool any = false;
    for (simdjson::dom::key_value_pair kv : obj) {
        if (kv.key.size() == n && !std::memcmp(kv.key.data(), key, n)) {
            *found = kv.value;
            any = true;
        }
    }
    return any;
}

// The member at a field name: the key itself, else a dotted path into nested
// objects ("content.body"), each step the last member of its name.
static bool lookup(simdjson::dom::object obj, const char *name, simdjson::dom::element *v)
{
    if (last_member(obj, name, std::strlen(name), v)) return true;
    if (!std::strchr(name, '.')) return false;
    for (const char *p = name;;) {
        const char *dot = std::strchr(p, '.');
        size_t k = dot ? (size_t)(dot - p) : std::strlen(p);
        if (!last_member(obj, p, k, v)) return false;
        if (!dot) return true;
        simdjson::dom::object inner;
        if (v->get_object().get(inner)) return false;
        obj = inner;
        p = dot + 1;
    }
}

// Whether v holds, at any depth, what simdjson takes and jansson refuses: a
// key with U+0000 ("NUL byte in object key not supported") or an integer
// above 2^63 - 1 ("too big integer"; simdjson reads up to 2^64 - 1).  Such a
// line is left to the other paths, which decide it as they did before (cJSON
// takes the number as a double; jansson words the error).  A walk over the
// parsed values, not a search of the line's bytes for "\\u0000": the text's
// many escapes made that search cost as much as the parse itself.
static bool jansson_refuses(simdjson::dom::element v)
{
    simdjson::dom::object obj;
    simdjson::dom::array arr;
    if (!v.get_object().get(obj)) {
        for (simdjson::dom::key_value_pair kv : obj)
            if (std::memchr(kv.key.data(), 0, kv.key.size()) || jansson_refuses(kv.value)) return true;
    } else if (!v.get_array().get(arr)) {
        for (simdjson::dom::element e : arr)
            if (jansson_refuses(e)) return true;
    } else if (v.type() == simdjson::dom::element_type::UINT64) {
        return true;
    }
    return false;
}

extern "C" int nd_json_simd_fields(nd_json_simd *j, const char *bytes, size_t len, int padded,
                                   const char *id_field, const char *text_field, nd_json_fields *out)
{
    static_assert(simdjson::SIMDJSON_PADDING <= 64, "nd_reader leaves ND_RECORD_PAD = 64 bytes after a record (nd.h)");
    try {
        simdjson::dom::element root;
        if (j->parser.parse(bytes, len, !padded).get(root)) return 0;
        simdjson::dom::object obj;
        if (root.get_object().get(obj) || jansson_refuses(root)) return 0;
        simdjson::dom::element v;
        std::string_view s;
        if (!lookup(obj, text_field, &v) || v.get_string().get(s)) return 0;
        std::memset(out, 0, sizeof *out);
        out->text = s.data();
        out->text_len = s.size();
        if (!id_field) return 1;
        if (!lookup(obj, id_field, &v)) return 0;
        int64_t n;
        if (v.is_int64() && !v.get_int64().get(n)) {
            out->id_is_int = 1;
            out->id_int = (long long)n;
            return 1;
        }
        if (v.get_string().get(s)) return 0;
        out->id = s.data();
        out->id_len = s.size();
        return 1;
    } catch (...) {
        return 0;
    }
}
