/* devices.h: the device table: one entry per device identity (IMEI or the
 * protocol's device id) with what a support engineer asks of it: protocol,
 * model, port, peers, connections, messages, interval, fixes, clock offset,
 * duplicates and the request/ACK ledger.  Connections whose device never
 * identified itself get an entry of their own ("unidentified"). */
#ifndef TRK_DEVICES_H
#define TRK_DEVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flows.h"
#include "msg.h"

#define DEV_PEERS 4        /* past peer addresses kept */
#define DEV_TYPES 10       /* message types counted by name */
#define DEV_GAPS 32        /* recent intervals kept (for the median) */
#define DEV_OFFS 48        /* recent clock offsets kept */
#define DEV_LAT 16         /* recent ACK latencies kept */
#define DEV_RECS 16        /* recent records remembered (duplicates) */

struct dev_type_count { const char *type; uint32_t n; };

struct device {
    char id[TRK_IMEI_MAX];     /* IMEI / device id; unidentified: "?" + connection number */
    bool identified;
    const char *proto;
    char model[32], firmware[32];
    uint16_t port;
    unsigned transport;
    struct endpoint peer;                  /* the latest client address */
    struct endpoint past[DEV_PEERS];       /* earlier distinct client addresses */
    unsigned npast;

    /* connections */
    uint32_t conns, midstream, open_now, reconnects;
    uint32_t closed[CLOSE__N], closed_by_server, closed_by_device;
    uint32_t server_closed_after_login;    /* the server closed within 5 s of the login */
    int64_t conn_ns;                       /* total time connected (closed connections) */
    int64_t last_open_ns, last_close_ns;
    uint8_t last_close_why;                /* enum conn_close_why, valid when last_close_ns */

    /* messages */
    int64_t first_ns, last_ns;             /* any message of the device (capture time) */
    int64_t last_up_ns;                    /* last message the device sent */
    uint64_t msgs[4], msgs_down;           /* up messages by status; server messages */
    struct dev_type_count types[DEV_TYPES];
    uint32_t types_other;
    const char *last_type;
    uint8_t last_status;
    char last_problem[TRK_PROBLEM_MAX];

    /* records */
    uint64_t rec_valid, rec_invalid, duplicates;
    bool has_fix;
    int64_t fix_time_ms;                   /* newest valid fix */
    double lat, lon;
    uint64_t rec_hash[DEV_RECS];
    unsigned nrec_hash;

    /* intervals between up messages, ms */
    int32_t gaps[DEV_GAPS];
    unsigned ngaps;                        /* total gaps seen (ring index = ngaps % DEV_GAPS) */

    /* device time - capture time of each message's newest record, ms */
    int64_t offs[DEV_OFFS];
    unsigned noffs;

    /* request/ACK ledger */
    uint64_t requests, ack_ok, ack_wrong, ack_rejected, ack_missing, ack_resent, ack_pending_end;
    int32_t lat_us[DEV_LAT];
    unsigned nlat;
    uint8_t last_ack;                      /* enum trk_ack_verdict of the latest answer */
    char last_ack_detail[96];
    uint32_t logins, logins_rejected;
    int64_t last_login_ns;

    struct device *next;                   /* hash chain */
};

void devices_init(void);
void devices_free(void);
void devices_message(const struct trk_msg *m, const struct conn *c);
void devices_unanswered(const struct trk_ack *a, const char *imei, const struct conn *c);
void devices_conn_close(struct conn *c, enum conn_close_why why, int64_t ts);
size_t devices_count(void);
struct device *devices_find(const char *id);
/* every device, in no particular order; the array stays valid until the next call */
struct device **devices_all(size_t *n);

/* derived values */
int64_t device_interval_ms(const struct device *d);     /* median gap, -1 when < 2 gaps */
/* the device's current clock offset (ms): a high quantile of its offsets, so
 * buffered history (always older) does not pull it; false when no sample */
bool device_offset_ms(const struct device *d, int64_t *off, int64_t *spread);
/* the median offset, and how many recent messages carried buffered history
 * (more than 10 min older than the current offset) */
bool device_offset_median_ms(const struct device *d, int64_t *median, unsigned *history);
int64_t device_ack_latency_us(const struct device *d);  /* median, -1 when none */
/* The judgement the report and top share.  Silent: no message for more than
 * max(3 x interval, 2 s) at now_ns (interval_ms: the device's, or the fleet's when
 * it has none; -1 unknown: never silent); *silent_ms (may be NULL) gets the time
 * since its last message, -1 when it sent none. */
enum device_state { DEV_ONLINE = 0, DEV_SILENT, DEV_CLOSED, DEV_REJECTED };
bool device_silent(const struct device *d, int64_t interval_ms, int64_t now_ns, int64_t *silent_ms);
/* rejected (a refused login, or closed by the server right after it), else silent,
 * else online (a connection open) or closed */
enum device_state device_state(const struct device *d, int64_t interval_ms, int64_t now_ns);
const char *device_state_name(enum device_state s);
uint64_t device_msgs(const struct device *d);           /* up messages of every status */
uint64_t device_errors(const struct device *d);         /* malformed + unsupported */

/* median of v[0..n) (sorts a copy); n > 0 */
int64_t median_i64(const int64_t *v, size_t n);

#endif
