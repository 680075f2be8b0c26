/* key.c - secret keys for keyed mode.
 *
 * Without a key every hash seed is public (ND_DEFAULT_SEED), so anyone can
 * compute neardup's shingle hashes and craft texts that collide or dodge the
 * sketch.  With a 32-byte secret key, every seed is derived from the key with
 * BLAKE2b (libsodium crypto_generichash keyed mode); nobody without the key
 * can predict which shingles are sampled or which bands collide.  Files that
 * store sketches record only the key id: a BLAKE2b digest under another
 * personalisation, never the key itself. */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "key.h"

static int sodium_ready(nd_error *err)
{
    /* sodium_init is idempotent and thread-safe; 1 means "already done" */
    if (sodium_init() < 0) return nd_fail(err, NEARDUP_E_INTERNAL, "libsodium failed to initialise");
    return NEARDUP_OK;
}

/* BLAKE2b keyed with the secret key over a fixed context string. */
static void derive(const nd_key *k, const char *context, unsigned char *out, size_t outlen)
{
    crypto_generichash(out, outlen, (const unsigned char *)context, strlen(context), k->key,
                       sizeof k->key);
}

static int finish(nd_key *k)
{
    derive(k, "neardup key id v1", k->id, sizeof k->id);
    k->present = 1;
    return NEARDUP_OK;
}

int nd_key_generate(const char *path, nd_key *k, nd_error *err)
{
    if (sodium_ready(err)) return err->code;
    randombytes_buf(k->key, sizeof k->key);
    finish(k);
    char hex[2 * ND_KEY_BYTES + 1];
    sodium_bin2hex(hex, sizeof hex, k->key, sizeof k->key);
    int fd = 1;
    if (path && strcmp(path, "-")) {
        /* O_EXCL: never overwrite a key (it would orphan every index built with it) */
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
        if (fd < 0)
            return nd_fail(err, NEARDUP_E_IO, "cannot create key file %s: %s%s", path, strerror(errno),
                           errno == EEXIST ? " (refusing to overwrite an existing key)" : "");
        fchmod(fd, 0600); /* umask may have cleared bits; never widen */
    }
    char line[2 * ND_KEY_BYTES + 32];
    int n = snprintf(line, sizeof line, "neardup-key-v1 %s\n", hex);
    int bad = write(fd, line, (size_t)n) != n;
    if (fd != 1) bad |= fsync(fd) != 0, bad |= close(fd) != 0;
    sodium_memzero(hex, sizeof hex);
    sodium_memzero(line, sizeof line);
    if (bad) {
        if (fd != 1) unlink(path);
        return nd_fail(err, NEARDUP_E_IO, "cannot write key file %s: %s", path ? path : "standard output",
                       strerror(errno));
    }
    return NEARDUP_OK;
}

int nd_key_load(const char *path, nd_key *k, nd_error *err)
{
    memset(k, 0, sizeof *k);
    if (sodium_ready(err)) return err->code;
    int fd = open(path, O_RDONLY);
    if (fd < 0) return nd_fail(err, NEARDUP_E_IO, "cannot open key file %s: %s", path, strerror(errno));
    char buf[256];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n < 0) return nd_fail(err, NEARDUP_E_IO, "cannot read key file %s: %s", path, strerror(errno));
    buf[n] = '\0';
    const char *prefix = "neardup-key-v1 ";
    size_t bin_len = 0;
    const char *hex_end;
    int ok = !strncmp(buf, prefix, strlen(prefix)) &&
             sodium_hex2bin(k->key, sizeof k->key, buf + strlen(prefix), n - strlen(prefix), NULL,
                            &bin_len, &hex_end) == 0 &&
             bin_len == sizeof k->key && (*hex_end == '\n' || *hex_end == '\0') &&
             (*hex_end == '\0' || hex_end[1] == '\0');
    sodium_memzero(buf, sizeof buf);
    if (!ok) {
        sodium_memzero(k->key, sizeof k->key);
        return nd_fail(err, NEARDUP_E_KEY, "%s: not a neardup key (expected one line \"neardup-key-v1 <64 hex digits>\" as written by neardup keygen)", path);
    }
    return finish(k);
}

int nd_key_from_bytes(nd_key *k, const unsigned char bytes[ND_KEY_BYTES], nd_error *err)
{
    memset(k, 0, sizeof *k);
    if (sodium_ready(err)) return err->code;
    memcpy(k->key, bytes, ND_KEY_BYTES);
    return finish(k);
}

void nd_key_seeds(const nd_key *k, nd_seeds *s)
{
    unsigned char out[32];
    derive(k, "neardup seeds v1", out, sizeof out);
    memcpy(&s->token_seed, out, 8);
    memcpy(&s->shingle_seed, out + 8, 8);
    memcpy(&s->sketch_seed, out + 16, 8);
    memcpy(&s->anchor_seed, out + 24, 8);
    sodium_memzero(out, sizeof out);
    /* BLAKE2b gives at most 64 bytes a call: three contexts, 192 bytes. */
    _Static_assert(ND_SECRET_BYTES == 3 * 64, "the token secret is three BLAKE2b outputs");
    derive(k, "neardup token secret v1 a", s->token_secret, 64);
    derive(k, "neardup token secret v1 b", s->token_secret + 64, 64);
    derive(k, "neardup token secret v1 c", s->token_secret + 128, 64);
    s->keyed = 1;
}

void nd_key_id_hex(const nd_key *k, char *out)
{
    sodium_bin2hex(out, 2 * sizeof k->id + 1, k->id, sizeof k->id);
}
