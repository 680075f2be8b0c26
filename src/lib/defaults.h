/* defaults.h - the one table of defaults: the public API
 * (neardup_params_default, neardup_options_default), the command line's
 * options and their --help strings (ND_DEFAULT_STR) all read these. */
#ifndef ND_DEFAULTS_H
#define ND_DEFAULTS_H

#define ND_DEFAULT_NGRAM 5          /* words per shingle, anchor and alignment seed */
#define ND_DEFAULT_K 128            /* MinHash lanes */
#define ND_DEFAULT_THRESHOLD 0.8    /* Jaccard / containment threshold */
#define ND_DEFAULT_DISTANCE 3       /* SimHash Hamming distance */
#define ND_DEFAULT_MAX_DF 50        /* containment shingles, overlap anchors: boilerplate beyond */
#define ND_DEFAULT_MIN_WORDS 20     /* shortest passage reported */
#define ND_DEFAULT_MAX_GAP 8        /* edited words bridged inside a passage */
#define ND_DEFAULT_MIN_IDENTITY 0.5 /* passages below are dropped */
#define ND_DEFAULT_MAX_DF_SENTENCE 5 /* overlap --edited: sentence fingerprints that are formulas */
#define ND_DEFAULT_MAX_SERIES_DF 5  /* overlap with series: an outlet's furniture is in more of its articles */
#define ND_DEFAULT_ZSTD_LEVEL 3     /* index texts */
#define ND_DEFAULT_STRIP_MIN_WORDS 50      /* strip: shortest repeat cut */
#define ND_DEFAULT_STRIP_MIN_KEEP 20       /* strip: a document with cuts left shorter is dropped */
#define ND_DEFAULT_STRIP_MIN_IDENTITY 0.8  /* strip: a few edited words still make a repeat */
#define ND_DEFAULT_CONTAM_NGRAM 13         /* contamination: words per n-gram (GPT-3's) */
#define ND_DEFAULT_CONTAM_MIN_COVERAGE 0.2 /* contamination: a 30% excerpt counts */
#define ND_DEFAULT_CONTAM_MAX_MATCHES 10   /* contamination: matching documents listed per item */

/* strip: only long repeats are cut, and only near-copies of them */
#define ND_DEFAULT_STRIP_MIN_WORDS 50     /* shortest passage cut */
#define ND_DEFAULT_STRIP_MIN_KEEP 20      /* a document cut to fewer words is dropped */
#define ND_DEFAULT_STRIP_MIN_IDENTITY 0.8 /* a few edited words */

/* contamination: benchmark items against a corpus */
#define ND_DEFAULT_CONTAM_NGRAM 13          /* the GPT-3 setting */
#define ND_DEFAULT_CONTAM_MIN_COVERAGE 0.2  /* an item this covered is contaminated */
#define ND_DEFAULT_CONTAM_MAX_MATCHES 10    /* matching documents listed per item */

/* A default as help text: "(default " ND_DEFAULT_STR(ND_DEFAULT_K) ")". */
#define ND_DEFAULT_STR_(x) #x
#define ND_DEFAULT_STR(x) ND_DEFAULT_STR_(x)

#endif
