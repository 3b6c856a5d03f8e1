/* expect.c: reads the --expect CSV (see expect.h) and finds an IMEI in it. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expect.h"

static char *trim(char *s)
{
    while (isspace((unsigned char)*s)) s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) s[--n] = 0;
    if (n >= 2 && s[0] == '"' && s[n - 1] == '"') { s[n - 1] = 0; s++; }
    return s;
}

static int by_imei(const void *a, const void *b)
{
    return strcmp(((const struct expected *)a)->imei, ((const struct expected *)b)->imei);
}

int expect_load(const char *path, struct expect_list *l, char *err, size_t errlen)
{
    memset(l, 0, sizeof *l);
    FILE *f = fopen(path, "r");
    if (!f) { snprintf(err, errlen, "cannot read --expect file '%s': %s", path, strerror(errno)); return -1; }
    char line[1024];
    size_t cap = 0, lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *s = trim(line);
        if (!*s || *s == '#') continue;
        char *col[4] = {0};
        int nc = 0;
        for (char *p = s; p && nc < 4; nc++) {
            col[nc] = p;
            p = strchr(p, ',');
            if (p) *p++ = 0;
        }
        char *imei = trim(col[0]);
        if (lineno == 1 && !isdigit((unsigned char)*imei)) continue;     /* a header */
        if (!*imei || strlen(imei) >= TRK_IMEI_MAX) {
            snprintf(err, errlen, "%s line %zu: '%s' is not a device id", path, lineno, imei);
            fclose(f);
            expect_free(l);
            return -1;
        }
        if (l->n == cap) {
            cap = cap ? cap * 2 : 256;
            struct expected *v = realloc(l->v, cap * sizeof *v);
            if (!v) { snprintf(err, errlen, "out of memory reading '%s'", path); fclose(f); expect_free(l); return -1; }
            l->v = v;
        }
        struct expected *e = &l->v[l->n++];
        memset(e, 0, sizeof *e);
        snprintf(e->imei, sizeof e->imei, "%s", imei);
        if (nc > 1) snprintf(e->model, sizeof e->model, "%s", trim(col[1]));
        if (nc > 2) snprintf(e->carrier, sizeof e->carrier, "%s", trim(col[2]));
        if (nc > 3 && *trim(col[3])) {
            char *end;
            long p = strtol(trim(col[3]), &end, 10);
            if (*end || p < 1 || p > 65535) {
                snprintf(err, errlen, "%s line %zu: port '%s' is not 1..65535", path, lineno, trim(col[3]));
                fclose(f);
                expect_free(l);
                return -1;
            }
            e->port = (uint16_t)p;
        }
    }
    fclose(f);
    if (l->n) qsort(l->v, l->n, sizeof l->v[0], by_imei);
    return 0;
}

const struct expected *expect_find(const struct expect_list *l, const char *imei)
{
    if (!l->n) return NULL;
    struct expected key;
    memset(&key, 0, sizeof key);
    snprintf(key.imei, sizeof key.imei, "%s", imei);
    return bsearch(&key, l->v, l->n, sizeof l->v[0], by_imei);
}

void expect_free(struct expect_list *l)
{
    free(l->v);
    memset(l, 0, sizeof *l);
}
