/* index_format.h - the on-disk layout of an index file, shared by the reader
 * (index.c) and the writer (index_write.c); see index.h for the picture. */
#ifndef ND_INDEX_FORMAT_H
#define ND_INDEX_FORMAT_H

#include "index.h"

#define HEADER_BYTES 512
#define NSECTIONS 8
static const char nd_index_magic[8] = {'N', 'D', 'U', 'P', 'I', 'D', 'X', '\0'};

enum { S_TEXTS, S_IDS, S_DOCS, S_SIGS, S_BANDS, S_ANCHORS, S_BLOCKS, S_MAPS };
static const char *const nd_index_sec_name[NSECTIONS] = {"texts", "ids", "docs", "signatures", "bands",
                                                "anchors", "blocks", "maps"};

typedef struct {
    uint64_t off, len, hash;
    uint32_t kind, flags;
} section;

typedef struct {
    char magic[8];
    uint32_t version, header_bytes;
    uint32_t endian, nsections;
    uint64_t file_bytes, ndocs, nblocks, nbands, nanchors, text_bytes;
    uint64_t seed;
    uint8_t key_id[ND_INDEX_KEY_ID_BYTES];
    double threshold;
    uint32_t ngram, k, bands, rows;
    uint32_t anchor_ngram, anchor_w, anchor_scheme, text_block;
    uint64_t nmaps, nmap_runs; /* the maps section: records, runs */
    uint32_t reserved[20];
    section sec[8];
    uint64_t header_hash; /* XXH3-64 of every byte before it */
} header;

_Static_assert(sizeof(header) == HEADER_BYTES, "index header must be 512 bytes");
_Static_assert(sizeof(nd_index_doc) == 16 && sizeof(nd_index_anchor) == 16 &&
               sizeof(nd_index_block) == 32 && sizeof(nd_band_rec) == 16 &&
               sizeof(nd_index_map) == 16 && sizeof(nd_map_run) == 12,
               "on-disk records must have no padding");

#endif
