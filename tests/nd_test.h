/* nd_test.h - what every CMocka test file includes. */
#ifndef ND_TEST_H
#define ND_TEST_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "nd.h"
#endif
