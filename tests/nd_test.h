/* nd_test.h - what every CMocka test file includes. */
#ifndef ND_TEST_H
#define ND_TEST_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "align.h"
#include "cluster.h"
#include "edits.h"
#include "lsh.h"
#include "minhash.h"
#include "nd.h"
#include "reader.h"
#include "record.h"
#include "shingle.h"
#include "simhash.h"
#include "tokenize.h"
#endif
