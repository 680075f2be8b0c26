/* cli_keygen.c - `neardup keygen`: a new secret key for keyed mode. */
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"

static const nd_cli_option keygen_opts[] = {
    {"output", 'o', "FILE", "write the key to FILE, created with mode 0600; never overwrites (default standard output)", 12},
    ND_OPT_END,
};

static int on_option(void *ctx, int id, const char *arg)
{
    *(const char **)ctx = arg;
    return 0;
}

int nd_cmd_keygen(int argc, char **argv)
{
    const char *path = NULL;
    char **pos;
    int npos;
    int rc = nd_cli_parse(argc, argv, "neardup keygen [-o secret.key]",
                          "Write 32 random bytes (libsodium) as a key for --key. With a key, every hash\n"
                          "seed is derived from it (keyed BLAKE2b), so nobody without it can craft texts\n"
                          "that collide or evade detection. Indexes record only a key id, never the key.",
                          keygen_opts, on_option, &path, &pos, &npos);
    free(pos);
    if (rc) return rc == 1 ? 0 : 2;
    if (npos) return nd_cli_error(NEARDUP_E_USAGE, "keygen takes no input (see --help)");
    if ((!path || (path[0] == '-' && !path[1])) && isatty(1))
        return nd_cli_error(NEARDUP_E_USAGE, "refusing to print a secret key to a terminal; use -o FILE or redirect");
    nd_key k;
    nd_error err = {0, ""};
    if ((rc = nd_key_generate(path, &k, &err))) return nd_cli_error(rc, "%s", err.msg);
    if (path) {
        char id[2 * ND_KEY_ID_BYTES + 1];
        nd_key_id_hex(&k, id);
        fprintf(stderr, "neardup keygen: wrote %s (key id %s); keep it secret, keep a backup\n", path, id);
    }
    return 0;
}
