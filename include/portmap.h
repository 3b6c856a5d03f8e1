/* portmap.h: which dissector serves which server port, per transport. */
#ifndef TRK_PORTMAP_H
#define TRK_PORTMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dissect.h"

struct portmap {
    uint8_t tcp[65536], udp[65536];   /* 1-based index into trk_dissectors, 0 = none */
    bool auto_detect;                  /* probe flows on any port */
};

void portmap_defaults(struct portmap *pm);
/* "PORT=PROTO": maps PORT for every transport PROTO uses.  0 or -1 with err set. */
int portmap_add(struct portmap *pm, const char *spec, char *err, size_t errlen);
const struct dissector *portmap_get(const struct portmap *pm, uint16_t port, unsigned transport);
bool portmap_is_server(void *pm, uint16_t port, unsigned transport);
/* the capture filter selecting mapped ports ("tcp port 5027 or ..."); "" with auto */
void portmap_bpf(const struct portmap *pm, char *buf, size_t n);

#endif
