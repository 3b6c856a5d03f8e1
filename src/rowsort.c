/* rowsort.c: a least-significant-byte radix sort of row entries by
 * (g, k, rank), skipping the bytes every entry shares, then a comparison
 * sort of just the runs whose order the numbers cannot decide.  It keeps
 * `top` answering a key within a few milliseconds on 100,000 rows, where a
 * comparison sort over pointers takes tens. */
#include <stdlib.h>
#include <string.h>

#include "rowsort.h"

#define NBYTES 20          /* rank 4, k 8, g 8: least significant first */

static unsigned byte_of(const struct sortent *e, int b)
{
    if (b < 4) return (e->rank >> (8 * b)) & 0xff;
    if (b < 12) return (unsigned)(e->k >> (8 * (b - 4))) & 0xff;
    return (unsigned)(e->g >> (8 * (b - 12))) & 0xff;
}

/* comparison sort of the runs the numbers leave undecided */
static void settle_ties(struct sortent *e, size_t n, int (*cmp)(const void *, const void *))
{
    size_t i = 0;
    while (i < n) {
        size_t j = i + 1;
        unsigned tie = e[i].tie;
        while (j < n && e[j].g == e[i].g) tie |= e[j++].tie;   /* the run of equal g */
        if (tie & ROWSORT_TIE_G) {
            if (j - i > 1) qsort(e + i, j - i, sizeof *e, cmp);
        } else if (tie & ROWSORT_TIE_K) {
            for (size_t a = i; a < j;) {                          /* runs of equal k inside */
                size_t b = a + 1;
                unsigned t = e[a].tie;
                while (b < j && e[b].k == e[a].k) t |= e[b++].tie;
                if ((t & ROWSORT_TIE_K) && b - a > 1) qsort(e + a, b - a, sizeof *e, cmp);
                a = b;
            }
        }
        i = j;
    }
}

int rowsort(struct sortent *e, size_t n, int (*cmp)(const void *, const void *))
{
    if (n < 2) return 0;
    struct sortent *tmp = malloc(n * sizeof *tmp);
    size_t (*count)[256] = calloc(NBYTES, sizeof *count);
    if (!tmp || !count) {
        free(tmp);
        free(count);
        qsort(e, n, sizeof *e, cmp);
        return -1;
    }
    /* the bytes in which some entry differs from the first: only those are sorted on */
    uint64_t dg = 0, dk = 0;
    uint32_t dr = 0;
    for (size_t i = 1; i < n; i++) {
        dg |= e[i].g ^ e[0].g;
        dk |= e[i].k ^ e[0].k;
        dr |= e[i].rank ^ e[0].rank;
    }
    int used[NBYTES], nused = 0;
    for (int b = 0; b < NBYTES; b++) {
        uint64_t d = b < 4 ? dr >> (8 * b) : b < 12 ? dk >> (8 * (b - 4)) : dg >> (8 * (b - 12));
        if (d & 0xff) used[nused++] = b;
    }
    for (size_t i = 0; i < n; i++)
        for (int u = 0; u < nused; u++) count[used[u]][byte_of(&e[i], used[u])]++;
    struct sortent *src = e, *dst = tmp;
    for (int u = 0; u < nused; u++) {
        int b = used[u];
        size_t pos[256], sum = 0;
        for (int v = 0; v < 256; v++) { pos[v] = sum; sum += count[b][v]; }
        for (size_t i = 0; i < n; i++) dst[pos[byte_of(&src[i], b)]++] = src[i];
        struct sortent *t = src;
        src = dst;
        dst = t;
    }
    if (src != e) memcpy(e, src, n * sizeof *e);
    free(tmp);
    free(count);
    settle_ties(e, n, cmp);
    return 0;
}
