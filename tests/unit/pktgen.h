/* pktgen.h: crafted IPv4/IPv6 TCP segments fed straight into the reassembly
 * engine, for tests of the engine and the session layer. */
#ifndef TRK_PKTGEN_H
#define TRK_PKTGEN_H

#include <arpa/inet.h>
#include <string.h>

#include "flows.h"

struct pktgen {
    int v6;
    const char *cli, *srv;      /* addresses as text */
    uint16_t cport, sport;
    int64_t now_ns;
};

static struct pktgen PG = {0, "10.0.0.2", "10.0.0.1", 40000, 5027, 1700000000LL * 1000000000LL};

enum { PG_FIN = 1, PG_SYN = 2, PG_RST = 4, PG_PSH = 8, PG_ACK = 16 };

static inline void pg_put16(uint8_t *p, unsigned v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static inline void pg_put32(uint8_t *p, uint32_t v) { pg_put16(p, v >> 16); pg_put16(p + 2, v & 0xFFFF); }

/* one segment from the client (from_cli) or the server, through flows_packet */
static inline void pg_tcp(int from_cli, uint32_t seq, uint32_t ack, uint8_t flags, const uint8_t *data, size_t n)
{
    static uint8_t pkt[70000];
    size_t iph = PG.v6 ? 40 : 20;
    memset(pkt, 0, iph + 20);
    uint8_t a[16] = {0}, b[16] = {0};
    if (PG.v6) {
        inet_pton(AF_INET6, PG.cli, a);
        inet_pton(AF_INET6, PG.srv, b);
        pkt[0] = 0x60;
        pg_put16(pkt + 4, (unsigned)(20 + n));
        pkt[6] = 6;
        pkt[7] = 64;
        memcpy(pkt + 8, from_cli ? a : b, 16);
        memcpy(pkt + 24, from_cli ? b : a, 16);
    } else {
        inet_pton(AF_INET, PG.cli, a);
        inet_pton(AF_INET, PG.srv, b);
        pkt[0] = 0x45;
        pg_put16(pkt + 2, (unsigned)(20 + 20 + n));
        pkt[8] = 64;
        pkt[9] = 6;
        memcpy(pkt + 12, from_cli ? a : b, 4);
        memcpy(pkt + 16, from_cli ? b : a, 4);
    }
    uint8_t *t = pkt + iph;
    pg_put16(t, from_cli ? PG.cport : PG.sport);
    pg_put16(t + 2, from_cli ? PG.sport : PG.cport);
    pg_put32(t + 4, seq);
    pg_put32(t + 8, ack);
    t[12] = 5 << 4;
    t[13] = flags;
    pg_put16(t + 14, 8192);
    if (n) memcpy(t + 20, data, n);
    struct l3pkt l = {pkt, iph + 20 + n, iph + 20 + n, PG.v6 ? 6 : 4};
    struct raw_frame f = {PG.now_ns, pkt, l.len, l.len, NULL};
    PG.now_ns += 1000000;
    flows_packet(&l, &f);
}

/* a whole connection: handshake, the client's messages (each answered by `reply`
 * when given), FIN both ways */
static inline void pg_conversation(const uint8_t *const *msgs, const size_t *lens, int nmsgs,
                                   const uint8_t *reply, size_t rlen)
{
    uint32_t c = 1000, s = 5000;
    pg_tcp(1, c, 0, PG_SYN, NULL, 0);
    pg_tcp(0, s, c + 1, PG_SYN | PG_ACK, NULL, 0);
    c++; s++;
    pg_tcp(1, c, s, PG_ACK, NULL, 0);
    for (int i = 0; i < nmsgs; i++) {
        pg_tcp(1, c, s, PG_ACK | PG_PSH, msgs[i], lens[i]);
        c += (uint32_t)lens[i];
        if (reply) { pg_tcp(0, s, c, PG_ACK | PG_PSH, reply, rlen); s += (uint32_t)rlen; }
    }
    pg_tcp(1, c, s, PG_ACK | PG_FIN, NULL, 0);
    pg_tcp(0, s, c + 1, PG_ACK | PG_FIN, NULL, 0);
    pg_tcp(1, c + 1, s + 1, PG_ACK, NULL, 0);
}

#endif
