/* cli_output_internal.h - what the two files about a run's outputs share:
 * cli_output.c (writing them whole or not at all, through OUT.tmp.XXXXXX
 * beside the target) and cli_file_checks.c (refusing an output that is an
 * input, leaving outputs and their temporary files out of walks). */
#ifndef ND_CLI_OUTPUT_INTERNAL_H
#define ND_CLI_OUTPUT_INTERNAL_H

/* Whether name is base + ".tmp." + 6 letters or digits: the name of a
 * temporary file nd_out_open creates for an output named base. */
int nd_out_is_temp_of(const char *name, const char *base);

/* Splits path into its directory ("." when none) and file name (both
 * malloc'ed); 0, or -1 (out of memory) with both NULL. */
int nd_out_split_path(const char *path, char **dir, char **base);

#endif
