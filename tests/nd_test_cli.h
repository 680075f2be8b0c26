/* nd_test_cli.h - for tests that compare the library with the command:
 * the standard output of a shell command. */
#ifndef ND_TEST_CLI_H
#define ND_TEST_CLI_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nd_test.h"

/* The standard output of the shell command cmd (malloc'ed, NUL-terminated);
 * the command must exit 0. */
static char *run_sh(const char *cmd)
{
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    char *out = NULL;
    size_t len = 0, cap = 0, k;
    char buf[65536];
    while ((k = fread(buf, 1, sizeof buf, f)) > 0) {
        if (len + k + 1 > cap) out = realloc(out, cap = 2 * (len + k + 1));
        memcpy(out + len, buf, k);
        len += k;
    }
    assert_int_equal(pclose(f), 0);
    if (!out) out = calloc(1, 1);
    out[len] = '\0';
    return out;
}
#endif
