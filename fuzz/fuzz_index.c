/* fuzz_index.c - the index loader on arbitrary bytes: opening must fail
 * cleanly or yield an index whose lookups and texts stay in bounds. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "index.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[] = "/tmp/nd-fuzz-index-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return 0;
    if (write(fd, data, size) != (ssize_t)size) {
        close(fd);
        unlink(path);
        return 0;
    }
    close(fd);
    nd_index *ix = NULL;
    nd_error err;
    if (nd_index_open(path, ND_IX_ALL, &ix, &err) == NEARDUP_OK) {
        uint64_t nbad = 0;
        nd_index_verify_texts(ix, &nbad, &err);
        nd_index_close(ix);
    }
    unlink(path);
    return 0;
}
