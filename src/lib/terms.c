/* terms.c - stemmed terms, stop words and sentences (see terms.h). */
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "terms.h"
#include "tokenize.h"

/* English function words (the closed classes: articles, pronouns,
 * prepositions, conjunctions, auxiliaries), the words a rewrite swaps
 * freely.  Content words are what survives paraphrase and translation. */
static const char *const english_stop[] = {
    "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are",
    "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by",
    "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from",
    "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him",
    "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "may",
    "me", "might", "more", "most", "must", "my", "myself", "no", "nor", "not", "now", "of", "off",
    "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own", "s",
    "same", "shall", "she", "should", "so", "some", "such", "t", "than", "that", "the", "their",
    "theirs", "them", "themselves", "then", "there", "these", "they", "this", "those", "through",
    "to", "too", "under", "until", "up", "upon", "us", "very", "was", "we", "were", "what", "when",
    "where", "which", "while", "who", "whom", "whose", "why", "will", "with", "would", "you",
    "your", "yours", "yourself", "yourselves",
};

/* Words seen, by token hash: most of a corpus's tokens are words seen
 * before, and stemming one costs ~20 times a lookup.  Open addressing;
 * key 0 marks a free slot (a token whose hash is 0 is never cached). */
#define CACHE_MAX (1u << 21) /* slots: 24 MiB at most */

struct nd_lang {
    struct sb_stemmer *stemmer; /* NULL: plain words */
    uint64_t *stop;             /* sorted hashes of the stop words */
    size_t nstop;
    char *buf;                  /* a normalised word */
    size_t cap;
    uint64_t *ckey;             /* the cache: token hash -> packed term */
    uint32_t *cval;
    size_t cslots, cused;
};

static uint64_t word_hash(const char *s, size_t n) { return XXH3_64bits(s, n); }

void nd_lang_names(char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = 0;
    for (const char **l = sb_stemmer_list(); *l && n + 1 < cap; l++) {
        int w = snprintf(buf + n, cap - n, "%s%s", n ? ", " : "", *l);
        if (w < 0) break;
        n += (size_t)w;
    }
    if (n + 1 < cap) snprintf(buf + n, cap - n, "%snone", n ? ", " : "");
}

nd_lang *nd_lang_create(const char *name, nd_error *err)
{
    if (!name) name = "english";
    nd_lang *l = calloc(1, sizeof *l);
    if (!l) return nd_fail(err, NEARDUP_E_NOMEM, "out of memory"), NULL;
    if (strcmp(name, "none") != 0) {
        l->stemmer = sb_stemmer_new(name, "UTF_8");
        if (!l->stemmer) {
            char names[1024];
            nd_lang_names(names, sizeof names);
            nd_fail(err, NEARDUP_E_USAGE, "unknown language '%s' (one of: %s)", name, names);
            free(l);
            return NULL;
        }
    }
    if (!strcmp(name, "english") || !strcmp(name, "en") || !strcmp(name, "eng")) {
        size_t n = sizeof english_stop / sizeof *english_stop;
        l->stop = malloc(n * sizeof *l->stop);
        if (!l->stop) {
            nd_lang_free(l);
            return nd_fail(err, NEARDUP_E_NOMEM, "out of memory"), NULL;
        }
        for (size_t i = 0; i < n; i++) l->stop[i] = word_hash(english_stop[i], strlen(english_stop[i]));
        qsort(l->stop, n, sizeof *l->stop, nd_cmp_u64);
        l->nstop = n;
    }
    return l;
}

void nd_lang_free(nd_lang *l)
{
    if (!l) return;
    sb_stemmer_delete(l->stemmer);
    free(l->stop);
    free(l->buf);
    free(l->ckey);
    free(l->cval);
    free(l);
}

static int is_stop(const nd_lang *l, uint64_t h)
{
    size_t lo = 0, hi = l->nstop;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (l->stop[mid] < h) lo = mid + 1;
        else hi = mid;
    }
    return lo < l->nstop && l->stop[lo] == h;
}

/* The casefolded word: ASCII lowered here (most words), the rest by the
 * tokenizer's own NFKC casefold, so terms agree with the tokens. */
static long fold(nd_lang *l, nd_tokenizer *tk, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && !((unsigned char)s[i] & 0x80)) i++;
    if (i == n) {
        if (n + 1 > l->cap && nd_grow((void **)&l->buf, &l->cap, n + 1, 1)) return -1;
        for (i = 0; i < n; i++) l->buf[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
        return (long)n;
    }
    for (;;) {
        long m = nd_normalize_token(tk, s, n, l->buf, l->cap);
        if (m < 0) return -1;
        if ((size_t)m < l->cap) return m;
        if (nd_grow((void **)&l->buf, &l->cap, (size_t)m + 1, 1)) return -1;
    }
}

/* The packed term of one word, computed (no cache). */
static int compute_term(nd_lang *l, nd_tokenizer *tk, const char *s, size_t len, uint32_t *out)
{
    long n = fold(l, tk, s, len);
    if (n < 0) return NEARDUP_E_NOMEM;
    uint64_t h = word_hash(l->buf, (size_t)n);
    int stop = l->nstop && is_stop(l, h);
    if (l->stemmer && !stop) {
        const sb_symbol *st = sb_stemmer_stem(l->stemmer, (const sb_symbol *)l->buf, (int)n);
        if (!st) return NEARDUP_E_NOMEM;
        h = word_hash((const char *)st, (size_t)sb_stemmer_length(l->stemmer));
    }
    *out = ((uint32_t)h & ND_TERM_MASK) | (stop ? ND_TERM_STOP : 0);
    return NEARDUP_OK;
}

static size_t slot_of(uint64_t key, size_t slots) { return (size_t)((key * UINT64_C(0x9e3779b97f4a7c15)) >> 32) & (slots - 1); }

/* Doubles the cache (from nothing: 4096 slots); 0 when it may not grow. */
static int cache_grow(nd_lang *l)
{
    size_t ns = l->cslots ? 2 * l->cslots : 4096;
    if (ns > CACHE_MAX) return 0;
    uint64_t *k = calloc(ns, sizeof *k);
    uint32_t *v = malloc(ns * sizeof *v);
    if (!k || !v) {
        free(k);
        free(v);
        return 0;
    }
    for (size_t i = 0; i < l->cslots; i++) {
        if (!l->ckey[i]) continue;
        size_t j = slot_of(l->ckey[i], ns);
        while (k[j]) j = (j + 1) & (ns - 1);
        k[j] = l->ckey[i];
        v[j] = l->cval[i];
    }
    free(l->ckey);
    free(l->cval);
    l->ckey = k;
    l->cval = v;
    l->cslots = ns;
    return 1;
}

int nd_terms(nd_lang *l, nd_tokenizer *tk, const char *text, const nd_tokens *t, uint32_t *term)
{
    for (size_t i = 0; i < t->n; i++) {
        uint64_t key = t->hash[i];
        if (key && l->cslots) {
            size_t j = slot_of(key, l->cslots);
            while (l->ckey[j] && l->ckey[j] != key) j = (j + 1) & (l->cslots - 1);
            if (l->ckey[j] == key) {
                term[i] = l->cval[j];
                continue;
            }
        }
        int rc = compute_term(l, tk, text + t->span[i].start, t->span[i].end - t->span[i].start, &term[i]);
        if (rc) return rc;
        if (!key || (2 * (l->cused + 1) > l->cslots && !cache_grow(l))) continue;
        size_t j = slot_of(key, l->cslots);
        while (l->ckey[j]) j = (j + 1) & (l->cslots - 1);
        l->ckey[j] = key;
        l->cval[j] = term[i];
        l->cused++;
    }
    return NEARDUP_OK;
}

/* Does the gap between two tokens end a sentence? */
static int ends_sentence(const unsigned char *g, size_t n)
{
    int newlines = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = g[i];
        if (c == '.' || c == '!' || c == '?') return 1;
        if (c == '\n') {
            if (++newlines == 2) return 1;
        } else if (c != '\r' && c != ' ' && c != '\t') {
            newlines = 0;
        }
        /* U+3002 ideographic full stop, U+FF01 / U+FF1F full-width ! ? */
        if (c == 0xE3 && i + 2 < n && g[i + 1] == 0x80 && g[i + 2] == 0x82) return 1;
        if (c == 0xEF && i + 2 < n && g[i + 1] == 0xBC && (g[i + 2] == 0x81 || g[i + 2] == 0x9F)) return 1;
    }
    return 0;
}

int nd_gap_ends_sentence(const char *gap, size_t n) { return ends_sentence((const unsigned char *)gap, n); }

size_t nd_sentences(const char *text, const nd_tokens *t, uint32_t *start)
{
    if (!t->n) {
        start[0] = 0;
        return 0;
    }
    size_t n = 0;
    start[n++] = 0;
    for (size_t i = 0; i + 1 < t->n; i++) {
        uint32_t a = t->span[i].end, b = t->span[i + 1].start;
        if (ends_sentence((const unsigned char *)text + a, b - a)) start[n++] = (uint32_t)(i + 1);
    }
    start[n] = (uint32_t)t->n;
    return n;
}
