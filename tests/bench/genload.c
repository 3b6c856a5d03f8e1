/* genload.c: the benchmark's workload generator.
 *
 * Writes a reproducible pcap (Ethernet, IPv4, TCP and UDP) of N tracker devices
 * over M minutes of capture time, as a server's capture would show them: TCP
 * handshakes with options, every protocol's login and reports with the server's
 * answers, pure ACK segments, FIN and RST closes, reconnects from new ports and
 * a few messages with a broken checksum.  The message bytes come from the
 * simulator's encoders (tests/sim/trksim.c, included with TRKSIM_NO_MAIN), with
 * the simulator's clock set to capture time, so device times match the capture.
 *
 * The same seed and options give the same file byte for byte.  --counts writes
 * what was put in it (messages by direction and protocol, statuses, connections,
 * closes), which the bench compares with what trackdump reports.
 *
 * Addresses are in 127.0.0.0/8 (the server is 127.0.0.1), so a replay of the
 * file can never reach another host. */
#include <stdint.h>
#include <time.h>

/* the simulator reads the wall clock for message times: give it capture time */
static const int64_t gen_epoch = 1795392000;     /* capture start: 2026-11-23T00:00:00Z */
static int64_t gen_now_us;                          /* capture time since the start */
static int gen_clock_gettime(clockid_t id, struct timespec *ts)
{
    if (id != CLOCK_REALTIME) return clock_gettime(id, ts);
    ts->tv_sec = (time_t)(gen_epoch + gen_now_us / 1000000);
    ts->tv_nsec = (long)(gen_now_us % 1000000) * 1000;
    return 0;
}
#define clock_gettime gen_clock_gettime
#define TRKSIM_NO_MAIN
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wunused-variable"
#include "../sim/trksim.c"
#undef clock_gettime

/* ------------------------------------------------------------------ */
/* options                                                              */

static struct {
    long devices, minutes, concurrency, mb, bad_every;
    long once;              /* each device connects once and sends this many reports */
    uint64_t seed;
    const char *out, *counts;
} G = { 20000, 10, -1, 200, 20000, 0, 1, NULL, NULL };

#define SERVER_IP 0x7F000001u        /* 127.0.0.1 */
#define DEVICE_NET 0x7F100000u       /* devices from 127.16.0.0 */
#define MSS 1448                     /* payload per segment with the timestamp option */
#define DELAYED_ACK_US 40000

/* ------------------------------------------------------------------ */
/* devices                                                              */

struct gdev {
    /* the simulator's device state its encoders use */
    double lat, lon, heading, speed;
    uint64_t rng;                    /* the encoders' */
    uint64_t srng;                   /* this generator's choices */
    uint32_t odo;
    int alt, sent, idx;
    uint16_t serial, pkt_id, peer, peer2;
    uint8_t avl_id, proto;
    int8_t codec;
    char imei[16], full[16];
    /* the connection */
    uint32_t ip, cseq, sseq, tsoff;
    uint16_t cport, rtt_ms, left;    /* messages left in this session */
    uint8_t online;
    uint8_t quiet;                   /* UDP: no datagram sent yet in this session */
};

static struct gdev *gd;
static struct dev scratch;

static void dev_load(struct dev *d, const struct gdev *g)
{
    d->proto = g->proto; d->idx = g->idx; d->gidx = 0;
    memcpy(d->imei, g->imei, sizeof d->imei);
    memcpy(d->full, g->full, sizeof d->full);
    d->lstep = 0; d->peer = g->peer; d->peer2 = g->peer2;
    d->sent = g->sent; d->codec = g->codec; d->rng = g->rng;
    d->lat = g->lat; d->lon = g->lon; d->heading = g->heading; d->speed = g->speed;
    d->odo = g->odo; d->alt = g->alt; d->serial = g->serial;
    d->pkt_id = g->pkt_id; d->avl_id = g->avl_id;
    d->nwant = 0;
}

static void dev_store(struct gdev *g, const struct dev *d)
{
    g->peer = d->peer; g->peer2 = d->peer2; g->sent = d->sent; g->rng = d->rng;
    g->lat = d->lat; g->lon = d->lon; g->heading = d->heading; g->speed = d->speed;
    g->odo = d->odo; g->alt = d->alt; g->serial = d->serial;
    g->pkt_id = d->pkt_id; g->avl_id = d->avl_id;
}

/* identities that stay unique past the simulator's 100/1000 devices per protocol */
static void gen_ident(int proto, int idx, char id[16], char full[16])
{
    if (proto == P_TELT || proto == P_GT06) {
        snprintf(id, 16, "%s%06d", proto == P_TELT ? "35630704" : "35860801", idx % 1000000);
        id[14] = (char)('0' + luhn_digit(id));
        id[15] = 0;
        memcpy(full, id, 16);
        return;
    }
    int x = proto - 2;
    snprintf(full, 16, "86%02u%010u", (unsigned)(10 + x) % 100u, (unsigned)idx);
    full[14] = (char)('0' + luhn_digit(full));
    full[15] = 0;
    switch (x) {
    case X_TK103: case X_JT808: snprintf(id, 16, "%s", full + 3); break;   /* 12 digits */
    case X_H02: case X_WATCH: snprintf(id, 16, "%s", full + 5); break;     /* 10 digits */
    case X_OSMAND: snprintf(id, 16, "%08d", 48240000 + idx); break;
    case X_MEILIGAO: snprintf(id, 16, "%s", full + 4); break;              /* 11 digits */
    case X_EGTS: snprintf(id, 16, "%d", 3000000 + idx * 17 + x); break;    /* terminal ID */
    case X_SUNTECH: snprintf(id, 16, "%s", full + 6); break;               /* 9 digits */
    case X_CELLOCATOR: snprintf(id, 16, "%d", 1430000 + idx * 37); break;  /* unit ID */
    default: snprintf(id, 16, "%s", full); break;
    }
}

/* protocol mix: Teltonika and GT06 a fifth each, the 21 others 3/103 each; the
 * first 23 devices cover every protocol */
static int mix[103];
static void make_mix(void)
{
    int k = 0;
    for (int round = 0; round < 20; round++) {
        mix[k++] = P_TELT;
        mix[k++] = P_GT06;
        if (round < 3)
            for (int x = 0; x < NX; x++) mix[k++] = 2 + x;
    }
}

/* ------------------------------------------------------------------ */
/* what was written                                                     */

static struct {
    uint64_t up[NPROTO], down[NPROTO], bad, conns, udp_flows, fin, rst, open_end;
    uint64_t packets, bytes, sessions, peak, live;
    int64_t last_us;
} W;

/* ------------------------------------------------------------------ */
/* packets: a heap ordered by capture time, written once no earlier one can come */

struct pkt { int64_t ts; uint64_t seq; uint32_t len; uint8_t b[]; };
static struct pkt **pheap;
static size_t phn, phcap;
static uint64_t pseq;
static FILE *out;

static bool pkt_less(const struct pkt *a, const struct pkt *b)
{
    return a->ts < b->ts || (a->ts == b->ts && a->seq < b->seq);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p) { fprintf(stderr, "genload: out of memory\n"); exit(1); }
    return p;
}

static void pkt_push(struct pkt *p)
{
    if (phn == phcap) {
        phcap = phcap ? phcap * 2 : 4096;
        struct pkt **n = realloc(pheap, phcap * sizeof *pheap);
        if (!n) { fprintf(stderr, "genload: out of memory\n"); exit(1); }
        pheap = n;
    }
    size_t i = phn++;
    while (i && pkt_less(p, pheap[(i - 1) / 2])) { pheap[i] = pheap[(i - 1) / 2]; i = (i - 1) / 2; }
    pheap[i] = p;
}

static struct pkt *pkt_pop(void)
{
    struct pkt *top = pheap[0], *last = pheap[--phn];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= phn) break;
        if (c + 1 < phn && pkt_less(pheap[c + 1], pheap[c])) c++;
        if (!pkt_less(pheap[c], last)) break;
        pheap[i] = pheap[c];
        i = c;
    }
    if (phn) pheap[i] = last;
    return top;
}

static void wr32(uint32_t v) { fwrite(&v, 4, 1, out); }

/* write every packet stamped before `upto` */
static void pkt_flush(int64_t upto)
{
    while (phn && pheap[0]->ts < upto) {
        struct pkt *p = pkt_pop();
        int64_t ts = gen_epoch * 1000000 + p->ts;
        wr32((uint32_t)(ts / 1000000));
        wr32((uint32_t)(ts % 1000000));
        wr32(p->len);
        wr32(p->len);
        fwrite(p->b, 1, p->len, out);
        W.packets++;
        W.bytes += 16 + p->len;
        W.last_us = p->ts;
        free(p);
    }
}

static void st16(uint8_t *p, unsigned v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void st32(uint8_t *p, uint32_t v) { st16(p, v >> 16); st16(p + 2, v & 0xFFFF); }

static uint32_t sum16(uint32_t s, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i += 2) s += (uint32_t)p[i] << 8 | p[i + 1];
    if (n & 1) s += (uint32_t)p[n - 1] << 8;
    return s;
}
static uint16_t fold(uint32_t s)
{
    while (s >> 16) s = (s & 0xFFFF) + (s >> 16);
    return (uint16_t)~s;
}

static uint16_t ipid;

/* an Ethernet/IPv4 frame with an L4 header of hl bytes (filled by the caller) and payload */
static struct pkt *frame(int64_t ts, uint32_t sip, uint32_t dip, uint8_t proto, size_t hl,
                         const uint8_t *pl, size_t n, uint8_t **l4)
{
    size_t len = 14 + 20 + hl + n;
    struct pkt *p = xmalloc(sizeof *p + len);
    p->ts = ts;
    p->seq = pseq++;
    p->len = (uint32_t)len;
    uint8_t *e = p->b, *ip = e + 14;
    bool from_srv = sip == SERVER_IP;
    uint32_t dev = from_srv ? dip : sip;
    uint8_t smac[6] = {0x02, 0x00, 0x5E, 0x00, 0x00, 0x01};
    uint8_t dmac[6] = {0x02, 0x42, (uint8_t)(dev >> 24), (uint8_t)(dev >> 16), (uint8_t)(dev >> 8), (uint8_t)dev};
    memcpy(e, from_srv ? dmac : smac, 6);
    memcpy(e + 6, from_srv ? smac : dmac, 6);
    st16(e + 12, 0x0800);
    memset(ip, 0, 20);
    ip[0] = 0x45;
    st16(ip + 2, (unsigned)(20 + hl + n));
    st16(ip + 4, ipid++);
    st16(ip + 6, 0x4000);
    ip[8] = from_srv ? 64 : 52;
    ip[9] = proto;
    st32(ip + 12, sip);
    st32(ip + 16, dip);
    st16(ip + 10, fold(sum16(0, ip, 20)));
    *l4 = ip + 20;
    if (n) memcpy(ip + 20 + hl, pl, n);
    return p;
}

static void l4_csum(struct pkt *p, size_t csum_at)
{
    uint8_t *ip = p->b + 14;
    size_t l4len = p->len - 34;
    uint8_t pseudo[12];
    memcpy(pseudo, ip + 12, 8);
    pseudo[8] = 0;
    pseudo[9] = ip[9];
    st16(pseudo + 10, (unsigned)l4len);
    st16(ip + 20 + csum_at, 0);
    uint16_t c = fold(sum16(sum16(0, pseudo, 12), ip + 20, l4len));
    if (ip[9] == 17 && c == 0) c = 0xFFFF;
    st16(ip + 20 + csum_at, c);
}

enum { FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10 };

/* one TCP segment of g's connection */
static void tcp_seg(struct gdev *g, bool from_dev, int64_t ts, uint8_t flags, const uint8_t *pl, size_t n)
{
    bool syn = flags & SYN;
    size_t hl = syn ? 40 : 32;
    uint16_t sport = proto_port(g->proto) & 0xFFFF;
    uint8_t *t;
    struct pkt *p = frame(ts, from_dev ? g->ip : SERVER_IP, from_dev ? SERVER_IP : g->ip, 6, hl, pl, n, &t);
    uint32_t *seq = from_dev ? &g->cseq : &g->sseq, ack = from_dev ? g->sseq : g->cseq;
    st16(t, from_dev ? g->cport : sport);
    st16(t + 2, from_dev ? sport : g->cport);
    st32(t + 4, *seq);
    st32(t + 8, (flags & ACK) ? ack : 0);
    t[12] = (uint8_t)((hl / 4) << 4);
    t[13] = flags;
    st16(t + 14, from_dev ? 1024 : 502);              /* scaled windows */
    st16(t + 16, 0);
    st16(t + 18, 0);
    uint8_t *o = t + 20;
    uint32_t tsval = (uint32_t)(ts / 1000) + g->tsoff + (from_dev ? 0 : 0x40000000u);
    uint32_t tsecr = (uint32_t)(ts / 1000) + g->tsoff + (from_dev ? 0x40000000u : 0) - g->rtt_ms / 2;
    if (syn) {
        static const uint8_t mss[4] = {2, 4, 0x05, 0xB4}, sack[2] = {4, 2}, ws[4] = {1, 3, 3, 7};
        memcpy(o, mss, 4);
        memcpy(o + 4, sack, 2);
        o[6] = 8; o[7] = 10;
        st32(o + 8, tsval);
        st32(o + 12, (flags & ACK) ? tsecr : 0);
        memcpy(o + 16, ws, 4);
    } else {
        o[0] = 1; o[1] = 1; o[2] = 8; o[3] = 10;
        st32(o + 4, tsval);
        st32(o + 8, tsecr);
    }
    l4_csum(p, 16);
    *seq += (uint32_t)n + ((flags & (SYN | FIN)) ? 1 : 0);
    pkt_push(p);
}

static void udp_dgram(struct gdev *g, bool from_dev, int64_t ts, const uint8_t *pl, size_t n)
{
    uint16_t sport = proto_port(g->proto) & 0xFFFF;
    uint8_t *u;
    struct pkt *p = frame(ts, from_dev ? g->ip : SERVER_IP, from_dev ? SERVER_IP : g->ip, 17, 8, pl, n, &u);
    st16(u, from_dev ? g->cport : sport);
    st16(u + 2, from_dev ? sport : g->cport);
    st16(u + 4, (unsigned)(8 + n));
    l4_csum(p, 6);
    pkt_push(p);
}

/* ------------------------------------------------------------------ */
/* exchanges                                                            */

static bool dev_udp(const struct gdev *g) { return proto_udp(g->proto); }

/* frames in a server answer: one, but for the EGTS login, answered by a
 * response packet and a result-code packet */
static int answer_frames(const struct gdev *g, int type, const struct buf *ans)
{
    if (!ans->n) return 0;
    if (g->proto == 2 + X_EGTS && type == T_LOGIN) return 2;
    return 1;
}

/* the device sends `up`, the server answers `ans` (or only acknowledges); with
 * `then` the device's next message follows at once and carries the ACK.
 * Returns the time the exchange is over. */
static int64_t exchange(struct gdev *g, int64_t t, const struct buf *up, const struct buf *ans, bool then)
{
    int64_t proc = 300 + (int64_t)rng_range(&g->srng, 0, 4000);      /* server think time, us */
    int64_t rtt = (int64_t)g->rtt_ms * 1000;
    if (dev_udp(g)) {
        if (g->quiet) { g->quiet = 0; W.udp_flows++; }   /* a flow once it has a datagram */
        udp_dgram(g, true, t, up->b, up->n);
        if (ans->n) udp_dgram(g, false, t + proc, ans->b, ans->n);
        return t + proc + rtt;
    }
    int segs = 0;
    for (size_t off = 0; off < up->n; off += MSS, segs++) {
        size_t k = up->n - off < MSS ? up->n - off : MSS;
        tcp_seg(g, true, t + segs * 20, ACK | (off + k == up->n ? PSH : 0), up->b + off, k);
    }
    int64_t at = t + segs * 20 + proc;
    if (ans->n) {
        tcp_seg(g, false, at, PSH | ACK, ans->b, ans->n);
        if (!then) tcp_seg(g, true, at + rtt, ACK, NULL, 0);
        return at + rtt;
    }
    tcp_seg(g, false, t + (segs > 1 ? proc : DELAYED_ACK_US), ACK, NULL, 0);
    return at + rtt;
}

/* note what a device message and its answer add to the counts */
static void count(const struct gdev *g, int type, const struct buf *ans)
{
    W.up[g->proto]++;
    W.down[g->proto] += (uint64_t)answer_frames(g, type, ans);
}

static void check_buf(const struct gdev *g, const struct buf *b)
{
    if (b->over) {
        fprintf(stderr, "genload: %s message too large for the encoder buffer\n", pname(g->proto));
        exit(1);
    }
}

/* Teltonika and GT06 as the simulator's devices build them */
static int core_login(struct dev *d, struct buf *o, struct buf *ans)
{
    if (d->proto == P_TELT) {
        tel_login(o, d->imei);
        put_u8(ans, 0x01);
    } else {
        gt06_login(o, d->imei, d->serial);
        gt06_echo(ans, GT_LOGIN, d->serial);
        d->serial++;
    }
    return T_LOGIN;
}

static int core_message(struct dev *d, struct buf *o, struct buf *ans, bool bad)
{
    int64_t now = wall_ms();
    int k = d->sent, type = T_POSITION;
    if (d->proto == P_TELT) {
        static const int codecs[3] = { CODEC8, CODEC8E, CODEC16 };
        int codec = d->codec >= 0 ? d->codec : codecs[(d->idx + k) % 3];
        struct trec r[3];
        int nrec = (int)rng_range(&d->rng, 1, 3);
        for (int i = 0; i < nrec; i++)
            tel_make_record(d, &r[i], now - 300 - (int64_t)(nrec - 1 - i) * 1000, codec);
        tel_tcp_packet(o, codec, r, nrec);
        if (bad && o->n > 12) o->b[o->n - 1] ^= 0x5A;     /* the CRC's low byte */
        put_be32(ans, bad ? 0 : (uint32_t)nrec);            /* records accepted */
    } else if (k % 3 == 2) {
        gt06_heartbeat(o, 0x46, (unsigned)rng_range(&d->rng, 3, 6), (unsigned)rng_range(&d->rng, 2, 4), d->serial);
        if (!bad) gt06_echo(ans, GT_HEARTBEAT, d->serial);
        type = T_HEARTBEAT;
    } else {
        struct gtpos p;
        unsigned pn = gt06_next_fix(d, now, &p);
        gt06_location(o, pn, &p, d->serial);
        if (!bad) gt06_echo(ans, pn, d->serial);
    }
    if (bad && d->proto == P_GT06 && o->n > 6) o->b[o->n - 3] ^= 0x5A;   /* the CRC's low byte */
    if (d->proto == P_GT06) d->serial++;
    d->sent++;
    return type;
}

/* connect, then every login step; returns when the device can report */
static int64_t session_start(struct gdev *g, int64_t t)
{
    struct dev *d = &scratch;
    if (g->cport >= 60999 || g->cport < 32768) g->cport = (uint16_t)(32768 + rng_range(&g->srng, 0, 999));
    else g->cport = (uint16_t)(g->cport + 1 + rng_range(&g->srng, 0, 7));     /* the next ephemeral port */
    g->rtt_ms = (uint16_t)rng_range(&g->srng, 40, 400);
    g->tsoff = (uint32_t)rng_next(&g->srng);
    W.sessions++;
    if (dev_udp(g)) {
        g->quiet = 1;
    } else {
        g->cseq = (uint32_t)rng_next(&g->srng);
        g->sseq = (uint32_t)rng_next(&g->srng);
        tcp_seg(g, true, t, SYN, NULL, 0);
        tcp_seg(g, false, t + 60, SYN | ACK, NULL, 0);
        t += g->rtt_ms * 1000 + 60;
        tcp_seg(g, true, t, ACK, NULL, 0);
        t += 200;
        W.conns++;
        if (++W.live > W.peak) W.peak = W.live;
    }
    g->online = 1;
    gen_now_us = t;
    dev_load(d, g);
    for (d->lstep = 0; d->lstep < 4; d->lstep++) {
        struct buf o, ans;
        buf_reset(&o);
        buf_reset(&ans);
        int type = g->proto < 2 ? (d->lstep ? -1 : core_login(d, &o, &ans)) : x_login(d, &o, &ans);
        if (type < 0) break;
        check_buf(g, &o);
        check_buf(g, &ans);
        count(g, type, &ans);
        t = exchange(g, t, &o, &ans, true) + 1000;
    }
    dev_store(g, d);
    return t;
}

static void session_message(struct gdev *g, int64_t t)
{
    struct dev *d = &scratch;
    struct buf o, ans;
    buf_reset(&o);
    buf_reset(&ans);
    gen_now_us = t;
    dev_load(d, g);
    opt.messages = d->sent;          /* fixes one second before the message */
    int type;
    if (g->proto < 2) {
        bool bad = G.bad_every > 0 && rng_range(&g->srng, 0, G.bad_every - 1) == 0;
        type = core_message(d, &o, &ans, bad);
        if (bad) W.bad++;
    } else {
        type = x_message(d, d->sent, &o, &ans);
        d->sent++;
    }
    dev_store(g, d);
    check_buf(g, &o);
    check_buf(g, &ans);
    count(g, type, &ans);
    exchange(g, t, &o, &ans, false);
}

static void session_end(struct gdev *g, int64_t t)
{
    g->online = 0;
    if (dev_udp(g)) return;
    W.live--;
    long how = rng_range(&g->srng, 0, 9);
    int64_t rtt = (int64_t)g->rtt_ms * 1000;
    if (how == 0) {                                   /* the device vanishes: the server resets */
        tcp_seg(g, false, t, RST | ACK, NULL, 0);
        W.rst++;
    } else if (how == 1) {                            /* the server closes first */
        tcp_seg(g, false, t, FIN | ACK, NULL, 0);
        tcp_seg(g, true, t + rtt, FIN | ACK, NULL, 0);
        tcp_seg(g, false, t + rtt + 80, ACK, NULL, 0);
        W.fin++;
    } else {
        tcp_seg(g, true, t, FIN | ACK, NULL, 0);
        tcp_seg(g, false, t + 150, FIN | ACK, NULL, 0);
        tcp_seg(g, true, t + 150 + rtt, ACK, NULL, 0);
        W.fin++;
    }
}

/* ------------------------------------------------------------------ */
/* the schedule: a heap of (time, device)                               */

struct ev { int64_t t; uint32_t i; };
static struct ev *eh;
static size_t ehn;

static bool ev_less(const struct ev *a, const struct ev *b) { return a->t < b->t || (a->t == b->t && a->i < b->i); }

static void ev_push(int64_t t, uint32_t i)
{
    struct ev e = { t, i };
    size_t k = ehn++;
    while (k && ev_less(&e, &eh[(k - 1) / 2])) { eh[k] = eh[(k - 1) / 2]; k = (k - 1) / 2; }
    eh[k] = e;
}

static struct ev ev_pop(void)
{
    struct ev top = eh[0], last = eh[--ehn];
    size_t k = 0;
    for (;;) {
        size_t c = 2 * k + 1;
        if (c >= ehn) break;
        if (c + 1 < ehn && ev_less(&eh[c + 1], &eh[c])) c++;
        if (!ev_less(&eh[c], &last)) break;
        eh[k] = eh[c];
        k = c;
    }
    if (ehn) eh[k] = last;
    return top;
}

static void gen_dev_setup(struct gdev *g, int proto, int idx, uint32_t ip)
{
    struct dev *d = &scratch;
    dev_init(d, proto, idx, 0);
    memset(g, 0, sizeof *g);
    g->proto = (uint8_t)proto;
    g->idx = idx;
    g->codec = (int8_t)d->codec;
    gen_ident(proto, idx, g->imei, g->full);
    memcpy(d->imei, g->imei, 16);
    memcpy(d->full, g->full, 16);
    dev_store(g, d);
    g->srng = G.seed * 0x9E3779B97F4A7C15ULL ^ ((uint64_t)ip << 17) ^ 0xA5A5A5A5u;
    rng_next(&g->srng);
    g->ip = ip;
}

/* mean bytes on the wire per report (its packets and answer) and per session
 * (handshake, login, close), from a sample of devices that is then thrown away */
static void calibrate(double *per_msg, double *per_session)
{
    uint64_t b0 = 0, nmsg = 0, bs = 0, nses = 0;
    struct gdev g;
    for (int i = 0; i < 206; i++) {
        gen_dev_setup(&g, mix[i % 103], 1000000 + i, DEVICE_NET + 0xF00000u + (uint32_t)i);
        size_t before = phn;
        uint64_t bytes = 0;
        int64_t t = session_start(&g, 0);
        session_end(&g, t);
        for (size_t k = before; k < phn; k++) bytes += pheap[k]->len + 16;
        bs += bytes;
        nses++;
        before = phn;
        bytes = 0;
        for (int k = 0; k < 6; k++) session_message(&g, t + k * 1000000);
        for (size_t k = before; k < phn; k++) bytes += pheap[k]->len + 16;
        b0 += bytes;
        nmsg += 6;
    }
    while (phn) free(pkt_pop());
    memset(&W, 0, sizeof W);
    ipid = 0;
    pseq = 0;
    *per_msg = (double)b0 / (double)nmsg;
    *per_session = (double)bs / (double)nses;
}

static void gen_usage(FILE *f)
{
    fputs("Usage: genload -o FILE [--devices N] [--minutes M] [--concurrency C] [--mb MB]\n"
          "               [--seed S] [--bad-every K] [--once K] [--counts FILE]\n"
          "Writes a pcap of N tracker devices (every protocol) over M minutes, about MB\n"
          "megabytes, with at most about C connections open at once (default N/2), one\n"
          "Teltonika or GT06 message in K with a broken checksum (0: none).  With --once K\n"
          "each device connects once, at a random time, sends K reports 10 s apart and\n"
          "closes (the size follows from N; --mb and --concurrency are not used).\n", f);
}

static long num(const char *o, const char *s, long lo, long hi)
{
    char *e;
    long v = strtol(s, &e, 10);
    if (*e || e == s || v < lo || v > hi) {
        fprintf(stderr, "genload: %s takes a number from %ld to %ld\n", o, lo, hi);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    static const struct option lo[] = {
        {"devices", required_argument, 0, 'n'}, {"minutes", required_argument, 0, 'm'},
        {"concurrency", required_argument, 0, 'c'}, {"mb", required_argument, 0, 'b'},
        {"seed", required_argument, 0, 's'}, {"bad-every", required_argument, 0, 'k'},
        {"counts", required_argument, 0, 'C'}, {"once", required_argument, 0, 'O'},
        {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "o:h", lo, NULL)) != -1) {
        switch (c) {
        case 'o': G.out = optarg; break;
        case 'n': G.devices = num("--devices", optarg, 1, 5000000); break;
        case 'm': G.minutes = num("--minutes", optarg, 1, 24 * 60); break;
        case 'c': G.concurrency = num("--concurrency", optarg, 1, 5000000); break;
        case 'b': G.mb = num("--mb", optarg, 1, 1000000); break;
        case 's': G.seed = (uint64_t)num("--seed", optarg, 0, 0x7fffffffL); break;
        case 'k': G.bad_every = num("--bad-every", optarg, 0, 0x7fffffffL); break;
        case 'C': G.counts = optarg; break;
        case 'O': G.once = num("--once", optarg, 1, 1000); break;
        case 'h': gen_usage(stdout); return 0;
        default: gen_usage(stderr); return 2;
        }
    }
    if (!G.out || optind != argc) { gen_usage(stderr); return 2; }
    if (G.concurrency < 0) G.concurrency = G.devices / 2 > 0 ? G.devices / 2 : 1;

    opt.codec = -1;
    opt.seed = G.seed;
    opt.udp = false;
    for (int k = 0; k < NX; k++) opt.xport[k] = xport_default[k];
    gen_now_us = 0;
    make_mix();

    double per_msg, per_session;
    calibrate(&per_msg, &per_session);

    /* reports per device and the interval that fill MB in M minutes */
    double span_s = (double)G.minutes * 60.0;
    double online = G.concurrency >= G.devices ? 1.0 : (double)G.concurrency / (double)G.devices;
    const double per_session_msgs = 15.0;            /* sessions of 5..25 reports */
    double want = (double)G.mb * 1e6 - 24;
    double msgs = want / (per_msg + per_session / per_session_msgs) / (double)G.devices;
    if (msgs < 1) msgs = 1;
    double interval_s = span_s * online / msgs;
    if (interval_s < 1) interval_s = 1;
    double offline_s = online >= 1.0 ? 30.0 : per_session_msgs * interval_s * (1 - online) / online;
    if (G.once) interval_s = 10.0;

    out = fopen(G.out, "wb");
    if (!out) { fprintf(stderr, "genload: cannot write '%s': %s\n", G.out, strerror(errno)); return 1; }
    setvbuf(out, NULL, _IOFBF, 1 << 20);
    wr32(0xA1B2C3D4u);
    uint16_t v[2] = {2, 4};
    fwrite(v, 2, 2, out);
    wr32(0); wr32(0); wr32(262144); wr32(1);
    W.bytes = 24;

    gd = calloc((size_t)G.devices, sizeof *gd);
    eh = calloc((size_t)G.devices, sizeof *eh);
    if (!gd || !eh) { fprintf(stderr, "genload: out of memory for %ld devices\n", G.devices); return 1; }
    int per_proto[NPROTO] = {0};
    uint64_t sched = G.seed ^ 0x2545F4914F6CDD1DULL;
    for (long i = 0; i < G.devices; i++) {
        int p = mix[i % 103];
        struct gdev *g = &gd[i];
        gen_dev_setup(g, p, per_proto[p]++, DEVICE_NET + (uint32_t)i);
        double first;
        if (G.once) {
            double room = span_s - (double)(G.once + 1) * interval_s * 1.2;
            first = room > 0 ? (double)(rng_next(&sched) % 1000000) / 1e6 * room : 0;
            g->left = (uint16_t)G.once;
        } else if ((double)(rng_next(&sched) % 1000000) / 1e6 < online) {
            first = (double)(rng_next(&sched) % 1000000) / 1e6 * interval_s;
            g->left = (uint16_t)rng_range(&sched, 1, 25);
        } else {
            first = (double)(rng_next(&sched) % 1000000) / 1e6 * offline_s;
        }
        ev_push((int64_t)(first * 1e6), (uint32_t)i);
    }

    int64_t end_us = (int64_t)(span_s * 1e6);
    uint64_t target = (uint64_t)G.mb * 1000000u;
    while (ehn) {
        struct ev e = ev_pop();
        if (e.t >= end_us || (!G.once && W.bytes >= target)) break;
        pkt_flush(e.t);
        struct gdev *g = &gd[e.i];
        int64_t next;
        double jit = 0.8 + (double)rng_range(&g->srng, 0, 400) / 1000.0;
        if (!g->online) {
            int64_t t = session_start(g, e.t);
            if (!g->left) g->left = (uint16_t)rng_range(&g->srng, 5, 25);
            next = t + (int64_t)(interval_s * jit * 1e6);
        } else if (g->left == 0) {
            session_end(g, e.t);
            if (G.once) continue;
            next = e.t + (int64_t)(offline_s * jit * 1e6);
        } else {
            session_message(g, e.t);
            g->left--;
            next = e.t + (int64_t)(interval_s * jit * 1e6);
        }
        ev_push(next, e.i);
    }
    pkt_flush(INT64_MAX);
    for (long i = 0; i < G.devices; i++)
        if (gd[i].online && !dev_udp(&gd[i])) W.open_end++;
    if (fclose(out) != 0) { fprintf(stderr, "genload: write error on '%s'\n", G.out); return 1; }

    uint64_t up = 0, down = 0;
    for (int p = 0; p < NPROTO; p++) { up += W.up[p]; down += W.down[p]; }
    FILE *cf = G.counts ? fopen(G.counts, "w") : NULL;
    if (G.counts && !cf) { fprintf(stderr, "genload: cannot write '%s'\n", G.counts); return 1; }
    if (cf) {
        fprintf(cf, "# genload --devices %ld --minutes %ld --concurrency %ld --mb %ld --seed %llu "
                "--bad-every %ld --once %ld\n",
                G.devices, G.minutes, G.concurrency, G.mb, (unsigned long long)G.seed, G.bad_every, G.once);
        fprintf(cf, "devices %ld\nbytes %llu\npackets %llu\nseconds %.3f\ninterval %.3f\n", G.devices,
                (unsigned long long)W.bytes, (unsigned long long)W.packets, (double)W.last_us / 1e6, interval_s);
        fprintf(cf, "messages %llu\nok %llu\nmalformed %llu\n", (unsigned long long)(up + down),
                (unsigned long long)(up + down - W.bad), (unsigned long long)W.bad);
        fprintf(cf, "connections %llu\nudp_flows %llu\nfin %llu\nrst %llu\nopen_end %llu\npeak_connections %llu\n",
                (unsigned long long)W.conns, (unsigned long long)W.udp_flows, (unsigned long long)W.fin,
                (unsigned long long)W.rst, (unsigned long long)W.open_end, (unsigned long long)W.peak);
        for (int p = 0; p < NPROTO; p++)
            fprintf(cf, "proto %s %llu %llu\n", pname(p), (unsigned long long)W.up[p], (unsigned long long)W.down[p]);
        fclose(cf);
    }
    fprintf(stderr, "genload: %s: %.1f MB, %llu packets, %llu messages (%llu malformed), %ld devices, "
            "%llu connections (peak %llu open), %.0f s of capture, a report every %.1f s\n",
            G.out, (double)W.bytes / 1e6, (unsigned long long)W.packets, (unsigned long long)(up + down),
            (unsigned long long)W.bad, G.devices, (unsigned long long)W.conns, (unsigned long long)W.peak,
            (double)W.last_us / 1e6, interval_s);
    free(gd);
    free(eh);
    free(pheap);
    return 0;
}
