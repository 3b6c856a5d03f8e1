/* rowsort.h: sorting many rows by numbers first: each row is an entry of two
 * 64-bit keys and a 32-bit rank, ordered by (g, k, rank); entries whose
 * numbers cannot decide alone (texts longer than the key holds) carry a tie
 * flag and are ordered among their equals by the caller's comparison. */
#ifndef TRK_ROWSORT_H
#define TRK_ROWSORT_H

#include <stddef.h>
#include <stdint.h>

struct sortent {
    uint64_t g, k;        /* the group, then the key */
    uint32_t rank;        /* the last word: unique per row */
    uint8_t tie;          /* ROWSORT_TIE_G / _K: equal g (or g and k) still need cmp */
    const void *p;        /* the row */
};
enum { ROWSORT_TIE_G = 1, ROWSORT_TIE_K = 2 };

/* sorts e[0..n) by (g, k, rank) in linear time; runs of equal g with a
 * ROWSORT_TIE_G entry, and of equal (g, k) with a ROWSORT_TIE_K entry, are then
 * put in the order of cmp (which must agree with (g, k, rank) elsewhere).
 * Returns -1 when the scratch memory cannot be had (e is then sorted by cmp). */
int rowsort(struct sortent *e, size_t n, int (*cmp)(const void *, const void *));

#endif
