/* portmap.c: the port map: defaults from every dissector's ports, --port
 * overrides, lookups for the session layer and the default capture filter. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portmap.h"

static uint8_t index_of(const struct dissector *d)
{
    for (size_t i = 0; trk_dissectors[i]; i++)
        if (trk_dissectors[i] == d) return (uint8_t)(i + 1);
    return 0;
}

static void map(struct portmap *pm, uint16_t port, const struct dissector *d)
{
    uint8_t ix = index_of(d);
    if (d->transports & TRK_TCP) pm->tcp[port] = ix;
    if (d->transports & TRK_UDP) pm->udp[port] = ix;
}

void portmap_defaults(struct portmap *pm)
{
    memset(pm, 0, sizeof *pm);
    for (size_t i = 0; trk_dissectors[i]; i++)
        for (const uint16_t *p = trk_dissectors[i]->ports; p && *p; p++) map(pm, *p, trk_dissectors[i]);
}

int portmap_add(struct portmap *pm, const char *spec, char *err, size_t errlen)
{
    const char *eq = strchr(spec, '=');
    if (!eq) { snprintf(err, errlen, "--port takes PORT=PROTO, not '%s'", spec); return -1; }
    char *end;
    errno = 0;
    long port = strtol(spec, &end, 10);
    if (end != eq || errno || port < 1 || port > 65535) {
        snprintf(err, errlen, "--port '%s': the port must be a number from 1 to 65535", spec);
        return -1;
    }
    const struct dissector *d = dissector_find(eq + 1);
    if (!d) {
        snprintf(err, errlen, "--port '%s': unknown protocol '%s' (see 'trackdump protocols')", spec, eq + 1);
        return -1;
    }
    pm->tcp[port] = pm->udp[port] = 0;
    map(pm, (uint16_t)port, d);
    return 0;
}

const struct dissector *portmap_get(const struct portmap *pm, uint16_t port, unsigned transport)
{
    uint8_t ix = transport == TRK_UDP ? pm->udp[port] : pm->tcp[port];
    return ix ? trk_dissectors[ix - 1] : NULL;
}

bool portmap_is_server(void *ctx, uint16_t port, unsigned transport)
{
    const struct portmap *pm = ctx;
    return (transport == TRK_UDP ? pm->udp[port] : pm->tcp[port]) != 0;
}

void portmap_bpf(const struct portmap *pm, char *buf, size_t n)
{
    size_t o = 0;
    buf[0] = 0;
    if (pm->auto_detect) { snprintf(buf, n, "tcp or udp"); return; }
    for (int t = 0; t < 2; t++)
        for (unsigned p = 1; p < 65536; p++) {
            if (!(t ? pm->udp[p] : pm->tcp[p])) continue;
            int k = snprintf(buf + o, n - o, "%s%s port %u", o ? " or " : "", t ? "udp" : "tcp", p);
            if (k < 0 || (size_t)k >= n - o) { snprintf(buf, n, "tcp or udp"); return; }
            o += (size_t)k;
        }
}
