/* terms.h - words as an edit-tolerant aligner sees them: stemmed terms,
 * stop words apart, and the sentences they form.
 *
 * The exact aligner (align.c) compares normalised words.  Rewritten text
 * changes inflections ("reported" -> "reports"), swaps function words and
 * reorders clauses, so the edited-reuse aligner (reuse.c) compares Snowball
 * stems of content words inside sentences instead. */
#ifndef ND_TERMS_H
#define ND_TERMS_H

#include "nd.h"
#include "tokenize.h"

/* A language: its Snowball stemmer (none for a language Snowball lacks: plain
 * words) and its stop words (English has a list; other languages rely on the
 * aligner's inverse sentence frequency alone).  Not thread-safe (the stemmer
 * keeps state): one per thread. */
typedef struct nd_lang nd_lang;

/* name: a Snowball algorithm name or ISO 639 code ("english", "en", "french",
 * ...), NULL for English, or "none" for plain words without a stemmer.  An
 * unknown name fails with NEARDUP_E_USAGE and a message listing the names. */
nd_lang *nd_lang_create(const char *name, nd_error *err);
void nd_lang_free(nd_lang *l);

/* The names nd_lang_create accepts, comma-separated, for help and errors. */
void nd_lang_names(char *buf, size_t cap);

/* A packed term: the low 31 bits of the hash of a token's stem (of its
 * NFKC-casefolded form; a character of a script written without spaces is
 * its own stem), and ND_TERM_STOP for a stop word. */
#define ND_TERM_MASK UINT32_C(0x7fffffff)
#define ND_TERM_STOP UINT32_C(0x80000000)

/* A text's terms, term[i] for token i.  text: the bytes t's spans index.
 * Words are cached by token hash (t->hash), so every text given one nd_lang
 * must come from tokenizers with the same seed or key.  Returns NEARDUP_OK
 * or NEARDUP_E_NOMEM. */
int nd_terms(nd_lang *l, nd_tokenizer *tk, const char *text, const nd_tokens *t, uint32_t *term);

/* Sentence starts: start[s] is the first token of sentence s, start[n] =
 * t->n; returns n (0 for a text without tokens).  A sentence ends at a
 * token followed by . ! ? (or their full-width forms) or a blank line; start
 * must hold t->n + 1 entries. */
size_t nd_sentences(const char *text, const nd_tokens *t, uint32_t *start);
/* Whether the n bytes between two tokens end a sentence, by nd_sentences' rule. */
int nd_gap_ends_sentence(const char *gap, size_t n);

#endif
