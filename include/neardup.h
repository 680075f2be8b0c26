/* neardup.h - find near-duplicate documents and the passages they share.
 *
 * The one public header of libneardup.  All state lives in opaque handles:
 * there are no globals, so separate handles may be used from separate threads
 * at the same time.  A handle itself is not safe to use from two threads at
 * once.  Every *_free accepts NULL and does nothing.
 */
#ifndef NEARDUP_H
#define NEARDUP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NEARDUP_VERSION_MAJOR 0
#define NEARDUP_VERSION_MINOR 1
#define NEARDUP_VERSION_PATCH 0
#define NEARDUP_VERSION_STRING "0.1.0"

/* Status codes.  Stable: values never change meaning once released. */
typedef enum {
    NEARDUP_OK = 0,
    NEARDUP_E_USAGE = 1,   /* a bad argument or option value */
    NEARDUP_E_INPUT = 2,   /* malformed input: bad JSON, missing field, duplicate id... */
    NEARDUP_E_UTF8 = 3,    /* invalid UTF-8 in a text */
    NEARDUP_E_IO = 4,      /* a read, write, open or rename failed */
    NEARDUP_E_NOMEM = 5,   /* out of memory */
    NEARDUP_E_FORMAT = 6,  /* a damaged or incompatible index / sketch file */
    NEARDUP_E_KEY = 7,     /* a missing, malformed or mismatched key */
    NEARDUP_E_INTERNAL = 8 /* a bug: please report it */
} neardup_status;

/* A static, human-readable name for a status code ("invalid UTF-8", ...).
 * Never NULL, also for unknown codes. */
const char *neardup_strerror(int status);

/* The library version as a string, e.g. "0.1.0". */
const char *neardup_version(void);

#ifdef __cplusplus
}
#endif
#endif
