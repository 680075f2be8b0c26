/* key.h - secret keys: generate, load, derive seeds and a public key id. */
#ifndef ND_KEY_H
#define ND_KEY_H

#include "nd.h"

#define ND_KEY_BYTES 32
#define ND_KEY_ID_BYTES 16

typedef struct {
    int present;
    unsigned char key[ND_KEY_BYTES];
    unsigned char id[ND_KEY_ID_BYTES]; /* BLAKE2b(key, "neardup key id v1"): safe to store */
} nd_key;

/* Writes a new random key to path (mode 0600, never overwriting an existing
 * file) or to standard output when path is NULL or "-". */
int nd_key_generate(const char *path, nd_key *k, nd_error *err);

/* Loads a key file written by nd_key_generate; errors name the file. */
int nd_key_load(const char *path, nd_key *k, nd_error *err);

/* A key from its 32 raw bytes (the library's keyed mode). */
int nd_key_from_bytes(nd_key *k, const unsigned char bytes[ND_KEY_BYTES], nd_error *err);

/* All hash seeds, derived from the key with keyed BLAKE2b. */
void nd_key_seeds(const nd_key *k, nd_seeds *s);

/* The key id as 32 hex digits + NUL (out must hold 33 bytes). */
void nd_key_id_hex(const nd_key *k, char *out);

#endif
