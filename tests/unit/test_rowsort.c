/* test_rowsort.c: the radix sort of rows gives the order of a plain
 * comparison sort, with texts longer than their numeric prefix, equal keys,
 * descending keys and every byte position in use. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "rowsort.h"

struct row { char gname[24], kname[24]; };

static uint64_t prefix8(const char *s)
{
    uint64_t k = 0;
    for (int i = 0; i < 8; i++) { k = k << 8 | (uint8_t)*s; if (*s) s++; }
    return k;
}

static int full_cmp(const void *a, const void *b)
{
    const struct sortent *x = a, *y = b;
    const struct row *rx = x->p, *ry = y->p;
    if (x->g != y->g) return x->g < y->g ? -1 : 1;
    int c = strcmp(rx->gname, ry->gname);
    if (c) return c;
    if (x->k != y->k) return x->k < y->k ? -1 : 1;
    c = strcmp(rx->kname, ry->kname);
    if (c) return c;
    return x->rank < y->rank ? -1 : x->rank > y->rank;
}

static uint64_t rnd(void)
{
    static uint64_t s = 0x9E3779B97F4A7C15ULL;
    s ^= s << 13; s ^= s >> 7; s ^= s << 17;
    return s;
}

static void fill(struct sortent *e, struct row *r, size_t n, int texts)
{
    for (size_t i = 0; i < n; i++) {
        /* few groups sharing an 8-byte prefix ("network-1"..), keys numeric or text */
        snprintf(r[i].gname, sizeof r[i].gname, "network-%u", (unsigned)(rnd() % 12));
        if (texts) snprintf(r[i].kname, sizeof r[i].kname, "position-%u", (unsigned)(rnd() % 5));
        else r[i].kname[0] = 0;
        e[i].g = prefix8(r[i].gname);
        e[i].k = texts ? prefix8(r[i].kname) : rnd() % 1000 * 0x0101010101ULL;
        e[i].rank = (uint32_t)(n - i);            /* unique */
        e[i].tie = (uint8_t)(ROWSORT_TIE_G | (texts ? ROWSORT_TIE_K : 0));
        e[i].p = &r[i];
    }
}

int main(void)
{
    enum { N = 20000 };
    static struct sortent a[N], b[N];
    static struct row rows[N];
    for (int texts = 0; texts < 2; texts++) {
        fill(a, rows, N, texts);
        memcpy(b, a, sizeof a);
        CHECK_INT(rowsort(a, N, full_cmp), 0);
        qsort(b, N, sizeof *b, full_cmp);
        size_t same = 0;
        for (size_t i = 0; i < N; i++) same += a[i].p == b[i].p;
        CHECK_INT(same, N);
    }
    /* numbers alone (no ties): every byte of g, k and rank differs somewhere */
    for (size_t i = 0; i < N; i++) {
        a[i].g = rnd();
        a[i].g = i % 3 ? a[i].g : a[0].g;          /* a third share one g */
        a[i].k = rnd();
        a[i].rank = (uint32_t)rnd();
        a[i].tie = 0;
        a[i].p = &rows[i];
        rows[i].gname[0] = rows[i].kname[0] = 0;   /* the numbers decide */
    }
    memcpy(b, a, sizeof a);
    rowsort(a, N, full_cmp);
    int ordered = 1;
    for (size_t i = 1; i < N; i++)
        if (a[i - 1].g > a[i].g || (a[i - 1].g == a[i].g && (a[i - 1].k > a[i].k ||
            (a[i - 1].k == a[i].k && a[i - 1].rank > a[i].rank)))) ordered = 0;
    CHECK(ordered);
    /* same multiset: the entries were moved, not lost or doubled */
    qsort(b, N, sizeof *b, full_cmp);
    size_t same = 0;
    for (size_t i = 0; i < N; i++) same += a[i].p == b[i].p;
    CHECK_INT(same, N);
    /* one entry, two entries */
    CHECK_INT(rowsort(a, 1, full_cmp), 0);
    a[0].g = 5; a[1].g = 4; a[0].tie = a[1].tie = 0;
    const void *second = a[1].p;
    rowsort(a, 2, full_cmp);
    CHECK(a[0].p == second && a[0].g == 4);
    return check_done("test_rowsort");
}
