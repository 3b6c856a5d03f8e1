/* problems.c: groups malformed and unsupported messages (see problems.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "problems.h"

static struct problem_group *G[PROBLEM_GROUPS_MAX];
static size_t NG;
/* messages whose shape found no room in G, by status (malformed, unsupported) */
static struct problem_group ungrouped[2] = {{.status = TRK_MALFORMED}, {.status = TRK_UNSUPPORTED}};

static struct problem_group *ungrouped_of(enum trk_status s) { return &ungrouped[s == TRK_UNSUPPORTED]; }

void problems_reset(void)
{
    for (size_t i = 0; i < NG; i++) free(G[i]);
    NG = 0;
    ungrouped[0] = (struct problem_group){.status = TRK_MALFORMED};
    ungrouped[1] = (struct problem_group){.status = TRK_UNSUPPORTED};
}

/* "crc mismatch: field 0x1234, computed 0xC7CF" -> "crc mismatch: field N, computed N" */
static void shape_of(const char *p, char *out, size_t n)
{
    size_t o = 0;
    while (*p && o + 2 < n) {
        if (isdigit((unsigned char)*p)) {
            if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) p += 2;
            while (isxdigit((unsigned char)*p)) p++;
            out[o++] = 'N';
        } else {
            out[o++] = *p++;
        }
    }
    out[o] = 0;
}

/* one more message in g: its count, its device, its bytes while examples are kept */
static void note(struct problem_group *g, const struct trk_msg *m)
{
    g->count++;
    if (m->imei[0]) {
        bool known = false;
        for (unsigned i = 0; i < g->ndevices; i++)
            if (strcmp(g->devices[i], m->imei) == 0) { known = true; break; }
        if (!known) {
            g->devices_total++;
            if (g->ndevices < PROBLEM_DEVICES) memcpy(g->devices[g->ndevices++], m->imei, TRK_IMEI_MAX);
        }
    }
    if (g->nex < PROBLEM_EXAMPLES) {
        struct problem_example *e = &g->ex[g->nex++];
        e->ts_ns = m->ts_ns;
        e->proto = m->proto ? m->proto : "unknown";
        memcpy(e->imei, m->imei, sizeof e->imei);
        memcpy(e->problem, m->problem, sizeof e->problem);
        e->fulllen = m->raw ? m->rawlen : 0;
        e->rawlen = e->fulllen < PROBLEM_HEX_MAX ? e->fulllen : PROBLEM_HEX_MAX;
        if (e->rawlen) memcpy(e->raw, m->raw, e->rawlen);
    }
}

void problems_message(const struct trk_msg *m, const struct conn *c)
{
    if (m->status != TRK_MALFORMED && m->status != TRK_UNSUPPORTED) return;
    /* bytes cut by a capture gap say nothing about the device */
    if (strcmp(m->type, "fragment") == 0 || strstr(m->problem, "capture gap")) return;
    char shape[TRK_PROBLEM_MAX];
    shape_of(m->problem, shape, sizeof shape);
    const char *proto = m->proto ? m->proto : "unknown";
    struct problem_group *g = NULL;
    for (size_t i = 0; i < NG; i++)
        if (G[i]->status == m->status && G[i]->dir == m->dir && strcmp(G[i]->proto, proto) == 0 &&
            strcmp(G[i]->type, m->type) == 0 && strcmp(G[i]->shape, shape) == 0) { g = G[i]; break; }
    if (!g) {
        if (NG == PROBLEM_GROUPS_MAX || !(g = calloc(1, sizeof *g))) {
            note(ungrouped_of(m->status), m);     /* counted as such, never in another shape's group */
            return;
        }
        g->proto = proto;
        g->type = m->type;
        g->dir = m->dir;
        g->status = m->status;
        memcpy(g->shape, shape, sizeof g->shape);
        G[NG++] = g;
    }
    note(g, m);
}

static int larger(const void *a, const void *b)
{
    const struct problem_group *x = *(struct problem_group *const *)a, *y = *(struct problem_group *const *)b;
    return x->count != y->count ? (x->count > y->count ? -1 : 1) : strcmp(x->proto, y->proto);
}

struct problem_group **problems_list(size_t *n)
{
    qsort(G, NG, sizeof G[0], larger);
    *n = NG;
    return G;
}

const struct problem_group *problems_ungrouped(enum trk_status s)
{
    return s == TRK_MALFORMED || s == TRK_UNSUPPORTED ? ungrouped_of(s) : NULL;
}
