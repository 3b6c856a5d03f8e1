/* session.h: per-connection protocol state: which dissector, framing of both
 * directions, the device identity learned at login.  Consumes flow events,
 * produces decoded messages for the output layer. */
#ifndef TRK_SESSION_H
#define TRK_SESSION_H

#include "flows.h"
#include "msg.h"
#include "portmap.h"

struct session_stats {
    uint64_t msgs[4];            /* by enum trk_status */
    uint64_t gap_dropped, resyncs, skipped;   /* gaps themselves are counted by flows */
    uint64_t unknown_flows;      /* flows no dissector reads (noise, unknown protocols) */
    uint64_t mismatches;         /* connections speaking another protocol than their port's */
    uint64_t unanswered;         /* requests the server did not answer (or not before the end) */
};

/* where decoded messages go, and the requests the server never answered */
struct session_out {
    void *ctx;
    void (*message)(void *ctx, struct trk_msg *m, const struct conn *c);
    /* a request (message number a->req_seq of connection c, from device imei) got no reply */
    void (*unanswered)(void *ctx, const struct trk_ack *a, const char *imei, const struct conn *c);
};

/* a request with no reply after this long (capture time) is unanswered */
#define SESSION_ACK_TIMEOUT_NS (30LL * 1000000000LL)

void session_setup(const struct portmap *pm, const struct session_out *out);
void session_open(void *ctx, struct conn *c);
void session_data(void *ctx, struct conn *c, enum trk_dir d, const uint8_t *p, size_t n,
                  size_t gap, int64_t ts_ns);
void session_datagram(void *ctx, struct conn *c, enum trk_dir d, const uint8_t *p, size_t n,
                      int64_t ts_ns);
void session_close(void *ctx, struct conn *c, enum conn_close_why why, int64_t ts_ns);
void session_get_stats(struct session_stats *s);
/* carry the identity of a connection: learn it from m, or put it on m */
void session_bind_identity(char *conn_imei, size_t n, struct trk_msg *m);

#endif
