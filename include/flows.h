/* flows.h: connections and datagram flows as the session layer sees them, and
 * the reassembly engine's interface (three events plus handshake facts).
 * The engine is implemented in flows.c, the only file that knows libnids. */
#ifndef TRK_FLOWS_H
#define TRK_FLOWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "linklayer.h"
#include "msg.h"

struct endpoint {
    uint8_t family;        /* 4 or 6 */
    uint8_t addr[16];      /* IPv4 in the first 4 bytes */
    uint16_t port;
};

enum conn_close_why { CLOSE_FIN = 0, CLOSE_RST, CLOSE_IDLE, CLOSE_EVICTED, CLOSE_END, CLOSE_REUSED, CLOSE__N };
enum hs_fact { HS_SYN_RST, HS_SYN_UNANSWERED, HS_SYN_ANSWERED };
enum conn_closer { CLOSER_UNKNOWN = 0, CLOSER_DEVICE, CLOSER_SERVER };   /* who sent the first FIN/RST */

struct conn {
    uint64_t id;
    struct endpoint cli, srv;  /* cli = device side, srv = tracker (server) side */
    unsigned transport;        /* TRK_TCP or TRK_UDP */
    bool midstream;            /* TCP picked up without its handshake */
    uint8_t closer;            /* enum conn_closer */
    int64_t first_ns, last_ns; /* capture times */
    uint64_t bytes[2];         /* payload bytes by direction (TRK_UP, TRK_DOWN) */
    uint8_t selected;          /* packet writer: 0 undecided, 1 written, 2 not (output layer) */
    void *app;                 /* owned by the session layer */
    void *outq;                /* owned by the packet writer: packets waiting for a decision */
    void *held;                /* owned by the output layer: lines waiting for their ACK verdict */
    void *dev;                 /* owned by the device table: the device of this connection */
};

/* the captured frame a packet came in, for writers that copy packets */
struct raw_frame {
    int64_t ts_ns;
    const uint8_t *data;
    size_t caplen, len;
    const void *hdr;           /* the struct pcap_pkthdr it came with */
};

struct flow_sink {
    void *ctx;
    void (*open)(void *ctx, struct conn *c);
    /* `gap` bytes of this direction were lost in the capture before these bytes */
    void (*data)(void *ctx, struct conn *c, enum trk_dir d, const uint8_t *p, size_t n,
                 size_t gap, int64_t ts_ns);
    void (*close)(void *ctx, struct conn *c, enum conn_close_why why, int64_t ts_ns);
    void (*datagram)(void *ctx, struct conn *c, enum trk_dir d, const uint8_t *p, size_t n,
                     int64_t ts_ns);
    /* every frame, with the connection it belongs to (NULL when none), before its data */
    void (*frame)(void *ctx, struct conn *c, const struct raw_frame *f);
    void (*handshake)(void *ctx, const struct endpoint *cli, const struct endpoint *srv,
                      enum hs_fact f, int64_t ts_ns);
    /* the connection record is about to be freed (after close, or never opened) */
    void (*release)(void *ctx, struct conn *c);
};

struct flows_cfg {
    bool verify_checksums;
    size_t max_flows;          /* connections + datagram flows tracked at once (0: flows_default_max()) */
    int64_t idle_ns;           /* close a connection idle this long (packet time) */
    int64_t embryonic_ns;      /* forget an unanswered SYN or a closed tuple after this */
    /* server side decision: is `port` a tracker port for this transport? */
    bool (*is_server_port)(void *ctx, uint16_t port, unsigned transport);
    void *port_ctx;
};

/* counters for the summary */
struct flows_stats {
    uint64_t tcp_conns, tcp_midstream, udp_flows;
    uint64_t closed[CLOSE__N];
    uint64_t syn_unanswered, syn_rst;
    uint64_t gaps, gap_bytes;
    uint64_t nids_warnings, ip_bad, non_ip, frag_v6, v6_map_full, not_tcp_udp;
    uint64_t evicted_live, synth_refused;
    uint64_t frag_v4, frag_done;
    uint64_t syn_evicted;      /* half-open connections (a SYN alone) forgotten: the table was full */   /* IPv4 fragments fed to reassembly, datagrams they completed */
    size_t live_now, peak;
    size_t max_flows;          /* the size of the flow table */
};

/* the flow table's default size: as many flows as half the available memory holds at worst
 * (both framing buffers full), from 1024 to 1048576 */
size_t flows_default_max(void);
int flows_init(const struct flows_cfg *cfg, const struct flow_sink *sink, char *err, size_t errlen);
/* one captured frame: its IP packet (NULL when it has none) */
void flows_packet(const struct l3pkt *ip, const struct raw_frame *f);
/* let timers run to `now_ns` without a packet (live capture on a quiet link) */
void flows_tick(int64_t now_ns);
/* end of capture: every connection is closed (CLOSE_END), in order of last activity */
void flows_finish(void);
void flows_get_stats(struct flows_stats *s);
const char *flows_close_name(enum conn_close_why why);
/* "1.2.3.4:5027" or "[::1]:5027" */
void endpoint_str(const struct endpoint *e, char *buf, size_t n);
/* "libnids 1.26" */
const char *flows_engine_version(void);

#endif
