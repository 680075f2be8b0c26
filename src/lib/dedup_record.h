/* dedup_record.h - what `dedup` does to one record beyond copying it, the
 * same in one process (src/cli/cli_dedup*.c) and under mpirun
 * (src/mpi/mpi_*.c): its --keep key and its --annotate'd copy. */
#ifndef ND_DEDUP_RECORD_H
#define ND_DEDUP_RECORD_H

#include <stdio.h>

#include "nd.h"
#include "reader.h"
#include "record.h"

/* --keep mode (ND_KEEP_LONGEST, SHORTEST: its text's bytes; MAX, MIN: its
 * numeric JSONL field): the key of rec (its bytes; path and id for the
 * messages).  Errors (NEARDUP_E_INPUT) name the record without the field,
 * whose field is not a number, or that is not JSONL. */
int nd_keep_key(int mode, const char *field, nd_record_parser *rp, const nd_raw_record *rec, const char *bytes,
                const char *path, const char *id, size_t id_len, double *key, nd_error *err);

/* A kept JSONL record (len bytes) with "cluster": N added before its
 * closing brace (the rest of the line, spaces and a CR included, as it
 * was), then "\n". */
void nd_write_annotated(FILE *out, const char *rec, size_t len, uint32_t cluster);

#endif
