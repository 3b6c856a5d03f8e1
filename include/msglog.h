/* msglog.h: bounded per-device stores for drill-down in `top`: the recent
 * messages of a device (copied: summary, decoded fields and records, raw bytes,
 * the server's verdict) and the packets of its connections (for writing them
 * to a pcap).  Each store is a FIFO per device inside a pool with two limits,
 * per device and overall; the oldest entries go first and are counted. */
#ifndef TRK_MSGLOG_H
#define TRK_MSGLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flows.h"
#include "msg.h"
#include "strutil.h"

struct logq;
struct lognode {
    struct lognode *gprev, *gnext;     /* the pool, oldest first */
    struct lognode *prev, *next;       /* the owner's queue, oldest first */
    struct logq *q;
    size_t bytes;
};
struct logpool {
    struct lognode *ghead, *gtail;
    size_t n, bytes;
    size_t max_bytes;                  /* overall */
    size_t q_max_n, q_max_bytes;       /* per owner (0: no limit) */
    uint64_t evicted;                  /* entries dropped to stay within the limits */
};
/* one device's (or one connection's) queue; zero-initialised */
struct logq {
    struct logpool *pool;
    struct lognode *head, *tail;
    size_t n, bytes;
    uint64_t evicted;
};

/* ---- messages ---- */

#define MSGLOG_RAW_MAX 4096            /* raw bytes kept of one message */

struct mlog_msg {
    struct lognode node;               /* first member */
    uint64_t id;                       /* 1, 2, ... in the order stored */
    int64_t ts_ns;
    uint64_t conn_id;
    uint32_t seq;                      /* message number in its connection */
    uint8_t dir, status, transport;
    bool acked;                        /* request: the server's verdict is in `ack` */
    const char *proto, *type;          /* static strings of the dissectors */
    char imei[TRK_IMEI_MAX];
    struct endpoint cli, srv;
    struct trk_ack ack;                /* reply: what it answers; request: its verdict */
    size_t rawlen, rawkept;
    const char *problem;               /* "" when ok */
    bool has_problem_span;             /* the problem's bytes: problem_len at problem_off of raw */
    size_t problem_off, problem_len;
    const uint8_t *raw;
    /* the decoded values, copied as they are (rendered only when shown) */
    size_t nfield, nrec, nio;
    const struct trk_field *field;
    const struct trk_record *rec;
    const struct trk_io *io;
};

extern struct logpool msglog_pool;
void msglog_setup(size_t per_device, size_t max_bytes);
void msglog_add(struct logq *q, const struct trk_msg *m, const struct conn *c);
/* the server's verdict (or its silence) on request `seq` of connection conn_id */
void msglog_verdict(struct logq *q, uint64_t conn_id, uint32_t seq, const struct trk_ack *a);
/* the messages of q with id <= max_id (0: all), oldest first; returns how many */
size_t msglog_list(const struct logq *q, uint64_t max_id, const struct mlog_msg ***out, size_t *cap);
uint64_t msglog_last_id(void);
/* the decoded values on one line (as the text output has them after the type) */
void msglog_summary(const struct mlog_msg *e, struct sbuf *out);
/* "key=value" lines, then "record N: ..." lines */
void msglog_detail(const struct mlog_msg *e, struct sbuf *out);

/* ---- packets ---- */

extern struct logpool pktlog_pool;
void pktlog_setup(size_t per_device_bytes, size_t max_bytes);
void pktlog_add(struct logq *q, const struct raw_frame *f);
/* every packet of `from` joins `to` (a connection's packets, once its device is known) */
void pktlog_move(struct logq *to, struct logq *from);
void pktlog_clear(struct logq *q);
/* writes q's packets in capture order to path with the link type and snaplen
 * of the capture `src`; 0 with *written, or -1 with err */
struct pcap;
int pktlog_write(const struct logq *q, struct pcap *src, const char *path, size_t *written,
                 char *err, size_t errlen);

/* ---- the pool (shared by both) ---- */
void logq_push(struct logq *q, struct lognode *n);
void logq_remove(struct lognode *n);
void logpool_free(struct logpool *p);

#endif
