/* cmd_protocols.c: `trackdump protocols`: the dissectors, their ports and transports. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "dissect.h"

int cmd_protocols(int argc, char **argv)
{
    if (argc > 1) {
        if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
            printf("Usage: trackdump protocols\n  List the protocols trackdump decodes, their default ports,\n"
                   "  transports and the other names accepted for them.\n");
            return 0;
        }
        fprintf(stderr, "trackdump: protocols takes no arguments\n");
        return 2;
    }
    printf("%-12s %-12s %-9s %-28s %s\n", "PROTOCOL", "PORTS", "TRANSPORT", "ALSO ACCEPTED AS", "DESCRIPTION");
    for (size_t i = 0; trk_dissectors[i]; i++) {
        const struct dissector *d = trk_dissectors[i];
        char ports[64] = "", aliases[128] = "";
        size_t o = 0;
        for (const uint16_t *p = d->ports; p && *p && o < sizeof ports - 8; p++)
            o += (size_t)snprintf(ports + o, sizeof ports - o, "%s%u", o ? "," : "", *p);
        o = 0;
        for (size_t a = 0; d->aliases && d->aliases[a] && o < sizeof aliases - 16; a++)
            o += (size_t)snprintf(aliases + o, sizeof aliases - o, "%s%s", o ? "," : "", d->aliases[a]);
        const char *tr = (d->transports & TRK_TCP) && (d->transports & TRK_UDP) ? "tcp,udp" :
                         (d->transports & TRK_UDP) ? "udp" : "tcp";
        printf("%-12s %-12s %-9s %-28s %s\n", d->name, ports, tr, aliases[0] ? aliases : "-", d->title);
    }
    return 0;
}
