/* fuzz_index.c - the index loader on arbitrary bytes: opening must fail
 * cleanly or yield an index whose lookups and texts stay in bounds. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "index.h"
#include "offmap.h"
#include "record.h"

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
        for (uint64_t d = 0; d < ix->ndocs; d++) { /* maps passed their checks: lookups stay inside */
            const nd_map_run *r;
            size_t n = nd_index_doc_map(ix, d, &r);
            if (n) (void)(nd_offmap_start(r, n, ix->docs[d].len / 2) + nd_offmap_end(r, n, ix->docs[d].len));
        }
        nd_index_close(ix);
    }
    unlink(path);
    return 0;
}
