/* gen_big.c - a large benchmark corpus with known near-duplicates, fast.
 *
 * Why C: bench/gen_edited.py does the same edits through json.loads/dumps and
 * Python's random per word (a few MB/s); a 1 GB corpus must be generated in
 * seconds so that `make bench` stays short.
 *
 * Reads JSONL on stdin whose records are flat objects of string values
 * (news-40k: id, source, text) and writes COPIES rounds of the first LIMIT
 * records (0 = all) to stdout.  Round 0 is every line unchanged; in round c >= 1
 * the id gets the suffix "~c<c>" and the text is edited word by word: each
 * space-separated unit of the JSON-escaped text is deleted, replaced by a
 * vocabulary unit or followed by an inserted one, each with probability
 * RATE/3 (as gen_edited.py does).  Units are split only at spaces, and a JSON
 * escape never holds a space, so every edited string stays valid JSON.  So the
 * duplicates are known: the COPIES records of one input record form one
 * family of near-duplicates (rate 0.01: word 5-gram Jaccard ~0.9 to round 0).
 * Deterministic for a given SEED.
 *
 * usage: gen_big COPIES RATE SEED [LIMIT] < in.jsonl > out.jsonl
 * Exit 2 with the line number on a record it cannot handle.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *p;
    size_t n;
} span;

typedef struct {
    char *line;     /* the whole record, no newline */
    size_t len;
    span id, text;  /* string contents (escaped), inside line */
} rec;

static uint64_t rng_next(uint64_t *s) /* splitmix64: fast, good enough for edits */
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Scans a JSON string starting at the opening quote; returns the index of the
 * closing quote or 0 when unterminated. */
static size_t str_end(const char *s, size_t i, size_t n)
{
    for (i++; i < n; i++) {
        if (s[i] == '\\') i++;
        else if (s[i] == '"') return i;
    }
    return 0;
}

static size_t skip_ws(const char *s, size_t i, size_t n)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r')) i++;
    return i;
}

/* Finds the "id" and "text" string values of a flat object of strings. */
static int parse(rec *r)
{
    const char *s = r->line;
    size_t n = r->len, i = skip_ws(s, 0, n);
    if (i >= n || s[i] != '{') return -1;
    i = skip_ws(s, i + 1, n);
    while (i < n && s[i] == '"') {
        size_t ke = str_end(s, i, n);
        if (!ke) return -1;
        const char *key = s + i + 1;
        size_t klen = ke - i - 1;
        i = skip_ws(s, ke + 1, n);
        if (i >= n || s[i] != ':') return -1;
        i = skip_ws(s, i + 1, n);
        if (i >= n || s[i] != '"') return -1; /* only string values */
        size_t ve = str_end(s, i, n);
        if (!ve) return -1;
        span v = {r->line + i + 1, ve - i - 1};
        if (klen == 2 && !memcmp(key, "id", 2)) r->id = v;
        else if (klen == 4 && !memcmp(key, "text", 4)) r->text = v;
        i = skip_ws(s, ve + 1, n);
        if (i < n && s[i] == ',') i = skip_ws(s, i + 1, n);
    }
    if (i >= n || s[i] != '}' || !r->id.p || !r->text.p) return -1;
    return 0;
}

static void put(const char *p, size_t n) { fwrite(p, 1, n, stdout); }

int main(int argc, char **argv)
{
    if (argc < 4 || argc > 5) {
        fprintf(stderr, "usage: gen_big COPIES RATE SEED [LIMIT] < in.jsonl > out.jsonl\n");
        return 2;
    }
    long copies = atol(argv[1]);
    double rate = atof(argv[2]);
    uint64_t seed = strtoull(argv[3], NULL, 10);
    long limit = argc > 4 ? atol(argv[4]) : 0;
    if (copies < 1 || rate < 0 || rate >= 1) {
        fprintf(stderr, "gen_big: COPIES must be >= 1 and RATE in [0, 1)\n");
        return 2;
    }
    static char obuf[1 << 20];
    setvbuf(stdout, obuf, _IOFBF, sizeof obuf);

    rec *recs = NULL;
    size_t nrec = 0, cap = 0;
    char *line = NULL;
    size_t lcap = 0;
    ssize_t got;
    unsigned long long lineno = 0;
    while ((limit == 0 || (long)nrec < limit) && (got = getline(&line, &lcap, stdin)) > 0) {
        lineno++;
        while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r')) got--;
        if (got == 0) continue;
        if (nrec == cap) {
            cap = cap ? 2 * cap : 4096;
            recs = realloc(recs, cap * sizeof *recs);
            if (!recs) { perror("gen_big"); return 1; }
        }
        rec *r = &recs[nrec];
        memset(r, 0, sizeof *r);
        r->line = malloc((size_t)got);
        if (!r->line) { perror("gen_big"); return 1; }
        memcpy(r->line, line, (size_t)got);
        r->len = (size_t)got;
        if (parse(r)) {
            fprintf(stderr, "gen_big: stdin:%llu: not a flat JSON object of strings with \"id\" and \"text\"\n",
                    lineno);
            return 2;
        }
        nrec++;
    }
    free(line);
    if (!nrec) { fprintf(stderr, "gen_big: no records on stdin\n"); return 2; }

    /* vocabulary: the first 50 units of the first 2000 texts (all valid escaped JSON) */
    span *vocab = NULL;
    size_t nv = 0, vcap = 0;
    for (size_t k = 0; k < nrec && k < 2000; k++) {
        const char *p = recs[k].text.p, *e = p + recs[k].text.n;
        for (int w = 0; w < 50 && p < e; w++) {
            while (p < e && *p == ' ') p++;
            const char *q = p;
            while (q < e && *q != ' ') q++;
            if (q > p) {
                if (nv == vcap) {
                    vcap = vcap ? 2 * vcap : 4096;
                    vocab = realloc(vocab, vcap * sizeof *vocab);
                    if (!vocab) { perror("gen_big"); return 1; }
                }
                vocab[nv++] = (span){(char *)p, (size_t)(q - p)};
            }
            p = q;
        }
    }
    if (!nv) { fprintf(stderr, "gen_big: no words in the input texts\n"); return 2; }

    uint64_t st = seed, thr = (uint64_t)(rate / 3 * 18446744073709551615.0);
    for (long c = 0; c < copies; c++) {
        for (size_t k = 0; k < nrec; k++) {
            rec *r = &recs[k];
            if (c == 0) {
                put(r->line, r->len);
                putchar('\n');
                continue;
            }
            /* everything up to the end of the id, the suffix, up to the text */
            char *ide = r->id.p + r->id.n, *ts = r->text.p, *te = ts + r->text.n;
            if (ide <= ts) {
                put(r->line, (size_t)(ide - r->line));
                printf("~c%ld", c);
                put(ide, (size_t)(ts - ide));
            } else {
                put(r->line, (size_t)(ts - r->line));
            }
            /* the text, unit by unit, spaces kept as they were */
            const char *p = ts;
            while (p < te) {
                const char *q = p;
                while (q < te && *q == ' ') q++;
                put(p, (size_t)(q - p));
                p = q;
                while (q < te && *q != ' ') q++;
                if (q == p) break;
                uint64_t x = rng_next(&st);
                if (x < thr) {                          /* delete */
                } else if (x < 2 * thr) {               /* replace */
                    span v = vocab[rng_next(&st) % nv];
                    put(v.p, v.n);
                } else {
                    put(p, (size_t)(q - p));
                    if (x < 3 * thr) {                  /* insert after */
                        span v = vocab[rng_next(&st) % nv];
                        putchar(' ');
                        put(v.p, v.n);
                    }
                }
                p = q;
            }
            if (ide <= ts) {
                put(te, (size_t)(r->line + r->len - te));
            } else { /* id after the text */
                put(te, (size_t)(ide - te));
                printf("~c%ld", c);
                put(ide, (size_t)(r->line + r->len - ide));
            }
            putchar('\n');
        }
    }
    if (fflush(stdout) || ferror(stdout)) { perror("gen_big: write"); return 1; }
    return 0;
}
