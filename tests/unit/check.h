/* check.h: the tiny assertion kit of the unit tests.  Each CHECK counts; the
 * test ends with "N passed, N failed" and exits non-zero on any failure. */
#ifndef TRK_CHECK_H
#define TRK_CHECK_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_pass, check_fail;

#define CHECK(cond) do { if (cond) check_pass++; else { check_fail++; \
    fprintf(stderr, "%s:%d: FAIL: %s\n", __FILE__, __LINE__, #cond); } } while (0)
#define CHECK_STR(a, b) do { const char *a_ = (a), *b_ = (b); \
    if (a_ && b_ && strcmp(a_, b_) == 0) check_pass++; else { check_fail++; \
    fprintf(stderr, "%s:%d: FAIL: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #a, \
            a_ ? a_ : "(null)", b_ ? b_ : "(null)"); } } while (0)
#define CHECK_INT(a, b) do { long long a_ = (long long)(a), b_ = (long long)(b); \
    if (a_ == b_) check_pass++; else { check_fail++; \
    fprintf(stderr, "%s:%d: FAIL: %s == %lld, expected %lld\n", __FILE__, __LINE__, #a, a_, b_); } } while (0)
#define CHECK_NEAR(a, b, eps) do { double a_ = (a), b_ = (b); \
    if (fabs(a_ - b_) <= (eps)) check_pass++; else { check_fail++; \
    fprintf(stderr, "%s:%d: FAIL: %s == %.9f, expected %.9f\n", __FILE__, __LINE__, #a, a_, b_); } } while (0)
#define CHECK_CONTAINS(hay, needle) do { const char *h_ = (hay), *n_ = (needle); \
    if (h_ && strstr(h_, n_)) check_pass++; else { check_fail++; \
    fprintf(stderr, "%s:%d: FAIL: \"%s\" does not contain \"%s\"\n", __FILE__, __LINE__, \
            h_ ? h_ : "(null)", n_); } } while (0)

static inline int check_done(const char *name)
{
    printf("%s: %d passed, %d failed\n", name, check_pass, check_fail);
    return check_fail ? 1 : 0;
}

/* hex string (spaces ignored) to bytes; returns length */
static inline size_t check_unhex(const char *s, unsigned char *out, size_t cap)
{
    size_t n = 0;
    int hi = -1;
    for (; *s; s++) {
        int v;
        if (*s >= '0' && *s <= '9') v = *s - '0';
        else if (*s >= 'a' && *s <= 'f') v = *s - 'a' + 10;
        else if (*s >= 'A' && *s <= 'F') v = *s - 'A' + 10;
        else continue;
        if (hi < 0) hi = v;
        else { if (n < cap) out[n++] = (unsigned char)(hi << 4 | v); hi = -1; }
    }
    return n;
}

#endif
