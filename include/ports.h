/* ports.h: per server port: SYN outcomes, connections, devices, messages and
 * the protocols heard, for the report's port findings and its port table. */
#ifndef TRK_PORTS_H
#define TRK_PORTS_H

#include <stdbool.h>
#include <stdint.h>

#include "flows.h"
#include "msg.h"

#define PORTS_CLIENTS_MAX 8    /* example client addresses kept per outcome */

struct port_stat {
    uint16_t port;
    unsigned transport;        /* TRK_TCP or TRK_UDP seen on it (mask) */
    bool configured;           /* named with --port or in --expect */
    uint64_t syn_rst, syn_unanswered, syn_answered;
    uint64_t conns, midstream, udp_flows;
    uint64_t msgs[4], msgs_down;
    uint64_t devices;          /* distinct identified devices (filled by ports_finish) */
    uint64_t mismatches;       /* connections carrying another protocol than the mapped one */
    const char *mapped, *detected;   /* the last mismatch seen */
    const char *proto;         /* the protocol decoded on it (first seen) */
    struct endpoint refused[PORTS_CLIENTS_MAX];   /* clients whose SYN got an RST / no answer */
    unsigned nrefused;
    uint64_t refused_clients;  /* distinct client addresses refused or unanswered */
    int64_t first_fail_ns, last_fail_ns;
};

void ports_reset(void);
void ports_configured(uint16_t port);
void ports_conn_open(const struct conn *c);
void ports_handshake(const struct endpoint *cli, const struct endpoint *srv, enum hs_fact f, int64_t ts);
void ports_message(const struct trk_msg *m, const struct conn *c);
/* the ports seen or configured, busiest first; *n set */
struct port_stat **ports_list(size_t *n);
struct port_stat *ports_get(uint16_t port);

#endif
