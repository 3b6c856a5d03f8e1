/* flows.c: the reassembly engine.  libnids does IPv4 defragmentation and TCP
 * reassembly; this shim closes its gaps (see DESIGN.md §1):
 *  (a) connections picked up mid-stream get a synthesised handshake;
 *  (b) checksum checks are off unless --verify-checksums;
 *  (c) a hole the receiver acknowledged (lost in the capture) is filled with
 *      filler bytes that are never delivered: the session is told gap=N instead;
 *  (d) our own flow table with packet-time idle timeouts and LRU eviction, sized
 *      so libnids never evicts on its own;
 *  (e) a new SYN on a tuple still held closes the old connection;
 *  (f) IPv6 is translated to IPv4 with per-address pseudo-addresses (240/4);
 *  (g) libnids warnings become counters.
 * For speed and memory on captures of whole servers: one hash probe finds a
 * packet's flow in either direction, libnids's stream is remembered from its
 * JUST_EST on, its per-direction buffers are freed once delivered, and a pure
 * ACK of an established connection is applied to libnids's state instead of
 * being fed (see ack_applied).
 * UDP datagrams are handled here directly (fragmented IPv4 ones via libnids).
 * This is the only file that includes nids.h. */
#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <nids.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "flows.h"
#include "rd.h"

enum fstate { F_SYN_SENT = 0, F_OPEN, F_UDP, F_CLOSED };
enum { L_EMB = 0, L_LIVE = 1 };

#define MAX_GAPS 8
#define MAX_OOO 8
#define FILL_CHUNK 32768
/* what one connection can hold at worst: two framing buffers at their cap (256 KiB each,
 * framer.h), libnids's out-of-order queues (64 KiB each) and data buffers, our records */
#define FLOW_MEM_WORST (640u << 10)
#define FLOWS_DEFAULT_MIN 1024
#define FLOWS_DEFAULT_MAX (1u << 20)

struct fkey { uint32_t cli, srv; uint16_t cport, sport; uint8_t proto; };

struct half {                         /* one direction of data (index = sender: TRK_UP = client) */
    uint32_t ooo[MAX_OOO];            /* seqs fed beyond the expected one */
    uint8_t nooo;
    struct { uint32_t at, len; bool told; } gap[MAX_GAPS];   /* filler ranges, stream offsets */
    uint8_t ngap;
    bool fin_seen;
    uint32_t fin_seq;
};

struct flowrec {
    struct conn c;
    struct fkey k;
    uint8_t state;
    uint8_t list;
    bool opened;                      /* sink->open was called */
    bool answered;                    /* the SYN got a SYN/ACK */
    bool tomb_idle;                   /* tombstone of an idle close: data reopens it */
    int64_t syn_ns;
    struct tcp_stream *ns;            /* libnids's stream, from its JUST_EST to its end */
    struct half h[2];
    struct flowrec *hnext;
    struct flowrec *prev, *next;
};

static struct {
    struct flows_cfg cfg;
    struct flow_sink sink;
    struct flowrec **tab;
    size_t tabmask, nflows;
    struct flowrec *head[2], *tail[2];
    uint64_t next_id;
    uint64_t seed;
    int64_t now;
    struct flows_stats st;
    pcap_t *dead;
    bool in_nids;                     /* inside nids_pcap_handler (no frees allowed) */
    bool feeding_frag;                /* an IPv4 fragment is being fed */
    /* IPv6 pseudo-addresses */
    struct v6ent { uint8_t a[16]; uint32_t idx; struct v6ent *next; } **v6tab;
    uint8_t (*v6rev)[16];
    uint32_t v6n, v6cap;
    uint8_t pkt[70000];               /* synthesised / translated packets */
} F;

static struct nids_chksum_ctl chk_off[1] = {{0, 0, NIDS_DONT_CHKSUM, 0}};
static struct nids_chksum_ctl chk_on[2];

/* ---------- helpers ---------- */

static inline bool seq_after(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33; x *= 0xff51afd7ed558ccdULL; x ^= x >> 33; x *= 0xc4ceb9fe1a85ec53ULL; x ^= x >> 33;
    return x;
}

/* the same bucket for both directions of a flow, so one probe finds it */
static size_t khash(const struct fkey *k)
{
    uint64_t a = ((uint64_t)k->cli << 16) | k->cport, b = ((uint64_t)k->srv << 16) | k->sport;
    uint64_t lo = a < b ? a : b, hi = a < b ? b : a;
    return (size_t)(mix64(lo ^ F.seed) ^ mix64(hi + F.seed + k->proto)) & F.tabmask;
}

static bool keq(const struct fkey *a, const struct fkey *b)
{
    return a->cli == b->cli && a->srv == b->srv && a->cport == b->cport && a->sport == b->sport &&
           a->proto == b->proto;
}

const char *flows_close_name(enum conn_close_why why)
{
    static const char *const n[] = {"fin", "rst", "idle", "evicted", "end", "reused"};
    return why < CLOSE__N ? n[why] : "?";
}

/* decimal digits of v at p; returns the end */
static char *put_dec(char *p, unsigned v)
{
    char t[10];
    int k = 0;
    do { t[k++] = (char)('0' + v % 10); v /= 10; } while (v);
    while (k) *p++ = t[--k];
    return p;
}

void endpoint_str(const struct endpoint *e, char *buf, size_t n)
{
    char a[INET6_ADDRSTRLEN + 8], *p = a;
    if (e->family == 6) {
        *p++ = '[';
        inet_ntop(AF_INET6, e->addr, p, INET6_ADDRSTRLEN);
        p += strlen(p);
        *p++ = ']';
    } else {
        for (int i = 0; i < 4; i++) {        /* what inet_ntop writes, without its cost */
            p = put_dec(p, e->addr[i]);
            if (i < 3) *p++ = '.';
        }
    }
    *p++ = ':';
    p = put_dec(p, e->port);
    size_t k = (size_t)(p - a);
    if (!n) return;
    if (k >= n) k = n - 1;
    memcpy(buf, a, k);
    buf[k] = 0;
}

/* ---------- lists and table ---------- */

static void list_unlink(struct flowrec *f)
{
    if (f->prev) f->prev->next = f->next; else F.head[f->list] = f->next;
    if (f->next) f->next->prev = f->prev; else F.tail[f->list] = f->prev;
    f->prev = f->next = NULL;
}

static void list_append(struct flowrec *f, int list)
{
    f->list = (uint8_t)list;
    f->prev = F.tail[list];
    f->next = NULL;
    if (F.tail[list]) F.tail[list]->next = f; else F.head[list] = f;
    F.tail[list] = f;
}

static void touch(struct flowrec *f, int list)
{
    if (f->list == list && !f->next) return;   /* already the most recent */
    list_unlink(f);
    list_append(f, list);
}

static struct flowrec *lookup(const struct fkey *k)
{
    for (struct flowrec *f = F.tab[khash(k)]; f; f = f->hnext)
        if (keq(&f->k, k)) return f;
    return NULL;
}

/* the flow of a packet from k's client side (*from_cli) or of its answer */
static struct flowrec *lookup_either(const struct fkey *k, const struct fkey *rev, bool *from_cli)
{
    for (struct flowrec *f = F.tab[khash(k)]; f; f = f->hnext) {
        if (keq(&f->k, k)) { *from_cli = true; return f; }
        if (keq(&f->k, rev)) { *from_cli = false; return f; }
    }
    *from_cli = true;
    return NULL;
}

static void table_remove(struct flowrec *f)
{
    struct flowrec **pp = &F.tab[khash(&f->k)];
    while (*pp && *pp != f) pp = &(*pp)->hnext;
    if (*pp) *pp = f->hnext;
    list_unlink(f);
    if (F.sink.release) F.sink.release(F.sink.ctx, &f->c);
    F.nflows--;
    free(f);
}

static struct tuple4 tuple_of(const struct fkey *k)
{
    struct tuple4 t;
    t.saddr = k->cli; t.daddr = k->srv; t.source = k->cport; t.dest = k->sport;
    return t;
}

static struct tcp_stream *nids_stream(const struct flowrec *f)
{
    if (f->ns) return f->ns;
    struct tuple4 t = tuple_of(&f->k);
    return nids_find_tcp_stream(&t);
}

/* drop libnids's state for this connection (never from inside a callback) */
static void nids_forget(struct flowrec *f)
{
    if (f->k.proto != 6 || F.in_nids) return;
    struct tcp_stream *s = nids_stream(f);
    f->ns = NULL;
    if (s) { s->user = NULL; nids_free_tcp_stream(s); }
}

/* libnids keeps a 4 KB buffer per direction for the life of a connection; once
 * every byte was delivered, give it back so an idle connection costs little */
static void nids_trim(struct flowrec *f)
{
    struct tcp_stream *s = f->ns;
    if (!s) return;
    struct half_stream *hs[2] = {&s->client, &s->server};
    for (int i = 0; i < 2; i++)
        if (hs[i]->data && hs[i]->count == hs[i]->offset) {
            free(hs[i]->data);
            hs[i]->data = NULL;
            hs[i]->bufsize = 0;
        }
}

/* close as the session sees it; TCP flows stay as tombstones for late packets */
static void do_close(struct flowrec *f, enum conn_close_why why)
{
    if (f->state == F_CLOSED) return;
    if (f->opened) {
        F.st.closed[why]++;
        if (F.sink.close) F.sink.close(F.sink.ctx, &f->c, why, F.now);
    }
    if (f->list == L_LIVE && F.st.live_now) F.st.live_now--;
    f->opened = false;
    f->c.app = NULL;
    f->state = F_CLOSED;
    f->tomb_idle = (why == CLOSE_IDLE);
    f->c.last_ns = F.now;
    touch(f, L_EMB);
}

static void forget_flow(struct flowrec *f)
{
    if (f->state == F_SYN_SENT && !f->answered && F.now - f->syn_ns >= 3000000000LL) {
        F.st.syn_unanswered++;
        if (F.sink.handshake) F.sink.handshake(F.sink.ctx, &f->c.cli, &f->c.srv, HS_SYN_UNANSWERED, f->syn_ns);
    }
    nids_forget(f);
    if (f->state != F_CLOSED) do_close(f, CLOSE_EVICTED);
    table_remove(f);
}

static void expire(int64_t now)
{
    struct flowrec *f;
    while ((f = F.head[L_EMB]) && f->c.last_ns + F.cfg.embryonic_ns <= now) forget_flow(f);
    while ((f = F.head[L_LIVE]) && f->c.last_ns + F.cfg.idle_ns <= now) {
        nids_forget(f);
        do_close(f, CLOSE_IDLE);
    }
}

static struct flowrec *new_flow(const struct fkey *k, const struct endpoint *cli,
                                const struct endpoint *srv, unsigned transport)
{
    if (F.nflows >= F.cfg.max_flows) {
        if (F.in_nids) return NULL;                  /* cannot evict from inside libnids */
        struct flowrec *v = F.head[L_EMB];
        if (v && v->state == F_SYN_SENT) F.st.syn_evicted++;
        if (!v) { v = F.head[L_LIVE]; F.st.evicted_live++; nids_forget(v); do_close(v, CLOSE_EVICTED); }
        forget_flow(v);
    }
    struct flowrec *f = calloc(1, sizeof *f);
    if (!f) { fprintf(stderr, "trackdump: out of memory for the flow table\n"); exit(1); }
    f->k = *k;
    f->c.id = ++F.next_id;
    f->c.cli = *cli;
    f->c.srv = *srv;
    f->c.transport = transport;
    f->c.first_ns = f->c.last_ns = F.now;
    size_t h = khash(k);
    f->hnext = F.tab[h];
    F.tab[h] = f;
    F.nflows++;
    list_append(f, L_EMB);
    return f;
}

static void make_live(struct flowrec *f)
{
    if (f->list != L_LIVE) {
        touch(f, L_LIVE);
        F.st.live_now++;
        if (F.st.live_now > F.st.peak) F.st.peak = F.st.live_now;
    }
}

/* ---------- packet building ---------- */

static uint16_t csum_fold(uint32_t s)
{
    while (s >> 16) s = (s & 0xFFFF) + (s >> 16);
    return (uint16_t)~s;
}

static uint32_t csum_add(uint32_t s, const uint8_t *p, size_t n)
{
    struct trk_rd r;
    rd_init(&r, p, n);
    while (rd_left(&r) >= 2) s += rd_be16(&r);
    if (rd_left(&r)) s += (uint32_t)rd_u8(&r) << 8;
    return s;
}

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)(v >> 16)); put16(p + 2, (uint16_t)v); }

/* IPv4 header (20 bytes) for a payload of plen bytes; addresses in network order */
static void build_ip4(uint8_t *b, uint32_t saddr, uint32_t daddr, uint8_t proto, size_t plen)
{
    memset(b, 0, 20);
    b[0] = 0x45;
    put16(b + 2, (uint16_t)(20 + plen));
    b[8] = 64;
    b[9] = proto;
    memcpy(b + 12, &saddr, 4);
    memcpy(b + 16, &daddr, 4);
    put16(b + 10, csum_fold(csum_add(0, b, 20)));
}

static void tcp_csum(uint8_t *b, size_t tcplen)
{
    uint8_t ph[12];
    memcpy(ph, b + 12, 8);
    ph[8] = 0; ph[9] = 6;
    put16(ph + 10, (uint16_t)tcplen);
    put16(b + 20 + 16, 0);
    put16(b + 20 + 16, csum_fold(csum_add(csum_add(0, ph, 12), b + 20, tcplen)));
}

static void feed(const uint8_t *ip, size_t len)
{
    struct pcap_pkthdr h;
    h.ts.tv_sec = (time_t)(F.now / 1000000000LL);
    h.ts.tv_usec = (suseconds_t)((F.now % 1000000000LL) / 1000);
    h.caplen = h.len = (bpf_u_int32)len;
    F.in_nids = true;
    nids_pcap_handler(NULL, &h, (u_char *)(uintptr_t)ip);
    F.in_nids = false;
}

/* a TCP segment from `from_cli` side of f; payload of plen zero bytes */
static void synth(const struct flowrec *f, bool from_cli, uint32_t seq, uint32_t ack,
                  uint8_t flags, size_t plen)
{
    uint8_t *b = F.pkt;
    bool syn = flags & 0x02;
    size_t thl = syn ? 24 : 20;
    uint32_t sa = from_cli ? f->k.cli : f->k.srv, da = from_cli ? f->k.srv : f->k.cli;
    build_ip4(b, sa, da, 6, thl + plen);
    uint8_t *t = b + 20;
    memset(t, 0, thl + plen);
    put16(t, from_cli ? f->k.cport : f->k.sport);
    put16(t + 2, from_cli ? f->k.sport : f->k.cport);
    put32(t + 4, seq);
    put32(t + 8, ack);
    t[12] = (uint8_t)((thl / 4) << 4);
    t[13] = flags;
    put16(t + 14, 65535);
    if (syn) { t[20] = 1; t[21] = 3; t[22] = 3; t[23] = 14; }  /* NOP, window scale 14 */
    tcp_csum(b, thl + plen);
    feed(b, 20 + thl + plen);
}

/* ---------- gaps ---------- */

static void fill_hole(struct flowrec *f, int sender, uint32_t from, uint32_t upto)
{
    struct tcp_stream *s = nids_stream(f);
    if (!s || !seq_after(upto, from)) return;
    struct half_stream *snd = sender == TRK_UP ? &s->client : &s->server;
    struct half_stream *rcv = sender == TRK_UP ? &s->server : &s->client;
    struct half *h = &f->h[sender];
    uint32_t len = upto - from;
    if (h->ngap < MAX_GAPS) {
        h->gap[h->ngap].at = from - snd->first_data_seq;
        h->gap[h->ngap].len = len;
        h->gap[h->ngap].told = false;
        h->ngap++;
    }
    F.st.gaps++;
    F.st.gap_bytes += len;
    uint32_t saved_ack = rcv->ack_seq;
    uint32_t done = 0;
    if (len > FILL_CHUNK && rcv->count == rcv->offset) {
        /* a large hole (up to 2 GB, from one forged segment) is not copied: libnids counts
         * all but its last byte as received and consumed, and one filler byte is fed */
        done = len - 1;
        rcv->count = (int)((uint32_t)rcv->count + done);
        rcv->offset = rcv->count;
    }
    while (done < len) {
        uint32_t k = len - done > FILL_CHUNK ? FILL_CHUNK : len - done;
        rcv->ack_seq = from + done;          /* let libnids take bytes the receiver already acked */
        synth(f, sender == TRK_UP, from + done, snd->ack_seq, 0x18, k);
        s = nids_stream(f);
        if (!s) return;
        rcv = sender == TRK_UP ? &s->server : &s->client;
        snd = sender == TRK_UP ? &s->client : &s->server;
        done += k;
    }
    if (!seq_after(rcv->ack_seq, saved_ack)) rcv->ack_seq = saved_ack;
}

static uint32_t expected_seq(struct tcp_stream *s, int sender)
{
    struct half_stream *snd = sender == TRK_UP ? &s->client : &s->server;
    struct half_stream *rcv = sender == TRK_UP ? &s->server : &s->client;
    return snd->first_data_seq + (uint32_t)rcv->count + (uint32_t)rcv->urg_count;
}

/* Before feeding a data segment (or FIN) at `seq` from `sender`: if it lies beyond
 * what libnids expects and the receiver already acknowledged the missing bytes
 * (or too many segments wait behind the hole), the bytes were lost in the
 * capture: fill the hole so reassembly goes on. */
static void check_hole(struct flowrec *f, int sender, uint32_t seq, bool force)
{
    struct tcp_stream *s = nids_stream(f);
    if (!s || s->nids_state != NIDS_DATA) return;
    struct half_stream *rcv = sender == TRK_UP ? &s->server : &s->client;
    struct half *h = &f->h[sender];
    uint32_t exp = expected_seq(s, sender);
    uint8_t k = 0;                                 /* forget queued seqs already reached */
    for (uint8_t i = 0; i < h->nooo; i++) if (seq_after(h->ooo[i], exp)) h->ooo[k++] = h->ooo[i];
    h->nooo = k;
    bool beyond = seq_after(seq, exp);
    uint32_t upto = seq;
    for (uint8_t i = 0; i < h->nooo; i++) if (seq_after(upto, h->ooo[i])) upto = h->ooo[i];
    if (!beyond && !force) return;
    bool acked = seq_after(rcv->ack_seq, exp);
    if (h->fin_seen && h->fin_seq == exp && !force) acked = false;
    if (acked || h->nooo >= MAX_OOO || force) {
        if (seq_after(upto, exp)) fill_hole(f, sender, exp, upto);
    } else if (beyond && h->nooo < MAX_OOO) {
        h->ooo[h->nooo++] = seq;
    }
}

/* ---------- libnids callbacks ---------- */

static struct flowrec *flow_of_stream(struct tcp_stream *a)
{
    if (a->user) return a->user;
    struct fkey k = {a->addr.saddr, a->addr.daddr, a->addr.source, a->addr.dest, 6};
    return lookup(&k);
}

static void deliver(struct flowrec *f, int dir, const uint8_t *p, uint32_t start, uint32_t n)
{
    struct half *h = &f->h[dir];
    uint32_t pos = start, end = start + n;
    size_t gap = 0;
    while (pos != end) {
        int g = -1;
        for (int i = 0; i < h->ngap; i++)
            if (seq_after(h->gap[i].at + h->gap[i].len, pos)) { g = i; break; }
        if (g >= 0 && !seq_after(h->gap[g].at, pos)) {          /* inside filler */
            if (!h->gap[g].told) { gap += h->gap[g].len; h->gap[g].told = true; }
            uint32_t gend = h->gap[g].at + h->gap[g].len;
            uint32_t stop = seq_after(gend, end) ? end : gend;
            pos = stop;
            if (pos == gend) {
                memmove(&h->gap[g], &h->gap[g + 1], (size_t)(h->ngap - g - 1) * sizeof h->gap[0]);
                h->ngap--;
            }
            continue;
        }
        uint32_t stop = (g >= 0 && seq_after(end, h->gap[g].at)) ? h->gap[g].at : end;
        f->c.bytes[dir] += stop - pos;
        if (F.sink.data) F.sink.data(F.sink.ctx, &f->c, (enum trk_dir)dir, p + (pos - start), stop - pos, gap, F.now);
        gap = 0;
        pos = stop;
    }
    if (gap && F.sink.data) F.sink.data(F.sink.ctx, &f->c, (enum trk_dir)dir, NULL, 0, gap, F.now);
}

static void on_tcp(struct tcp_stream *a, void **unused)
{
    struct flowrec *f;
    switch (a->nids_state) {
    case NIDS_JUST_EST:
        f = flow_of_stream(a);
        if (!f || f->state == F_CLOSED) return;
        a->user = f;
        f->ns = a;
        a->client.collect++;
        a->server.collect++;
        f->state = F_OPEN;
        f->opened = true;
        make_live(f);
        if (f->c.midstream) F.st.tcp_midstream++;
        F.st.tcp_conns++;
        if (F.sink.open) F.sink.open(F.sink.ctx, &f->c);
        return;
    case NIDS_DATA:
        f = a->user;
        if (!f || f->state != F_OPEN) return;
        if (a->server.count_new) {
            struct half_stream *hl = &a->server;
            deliver(f, TRK_UP, (const uint8_t *)hl->data + (hl->count - hl->offset - hl->count_new),
                    (uint32_t)(hl->count - hl->count_new), (uint32_t)hl->count_new);
        }
        if (a->client.count_new) {
            struct half_stream *hl = &a->client;
            deliver(f, TRK_DOWN, (const uint8_t *)hl->data + (hl->count - hl->offset - hl->count_new),
                    (uint32_t)(hl->count - hl->count_new), (uint32_t)hl->count_new);
        }
        return;
    default: {
        f = a->user;
        a->user = NULL;
        if (f) f->ns = NULL;                 /* libnids frees the stream after this call */
        if (!f || f->state == F_CLOSED) return;
        enum conn_close_why why = a->nids_state == NIDS_RESET ? CLOSE_RST :
                                  a->nids_state == NIDS_EXITING ? CLOSE_END : CLOSE_FIN;
        do_close(f, why);
        return;
    }
    }
}

static void udp_deliver(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport,
                        const struct endpoint *src, const struct endpoint *dst,
                        const uint8_t *p, size_t n, const struct raw_frame *fr);

static void on_udp(struct tuple4 *addr, char *data, int len, struct ip *iph)
{
    struct endpoint s = {4, {0}, addr->source}, d = {4, {0}, addr->dest};
    memcpy(s.addr, &addr->saddr, 4);
    memcpy(d.addr, &addr->daddr, 4);
    udp_deliver(addr->saddr, addr->daddr, addr->source, addr->dest, &s, &d,
                (const uint8_t *)data, len > 0 ? (size_t)len : 0, NULL);
}

/* every IP packet after defragmentation: while a fragment is fed, a datagram it completed */
static void on_ip(struct ip *iph, int len)
{
    if (F.feeding_frag) F.st.frag_done++;
}

static void nids_warn(int type, int err, struct ip *iph, void *data)
{
    F.st.nids_warnings++;
}

static void nids_nomem(char *where)
{
    fprintf(stderr, "trackdump: out of memory in the reassembly engine (%s)\n", where ? where : "?");
    exit(1);
}

/* ---------- per packet ---------- */

static bool server_port(uint16_t port, unsigned transport)
{
    return F.cfg.is_server_port && F.cfg.is_server_port(F.cfg.port_ctx, port, transport);
}

/* which end is the client: the one not on a tracker port; else the higher port */
static bool src_is_client(uint16_t sport, uint16_t dport, unsigned transport)
{
    bool ds = server_port(dport, transport), ss = server_port(sport, transport);
    if (ds != ss) return ds;
    return sport >= dport;
}

static void udp_deliver(uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport,
                        const struct endpoint *src, const struct endpoint *dst,
                        const uint8_t *p, size_t n, const struct raw_frame *fr)
{
    struct fkey k1 = {saddr, daddr, sport, dport, 17}, k2 = {daddr, saddr, dport, sport, 17};
    bool from_cli;
    struct flowrec *f = lookup_either(&k1, &k2, &from_cli);
    if (f && f->state == F_CLOSED) { table_remove(f); f = NULL; }
    if (!f) {
        from_cli = src_is_client(sport, dport, TRK_UDP);
        f = new_flow(from_cli ? &k1 : &k2, from_cli ? src : dst, from_cli ? dst : src, TRK_UDP);
        if (!f) { if (fr && F.sink.frame) F.sink.frame(F.sink.ctx, NULL, fr); return; }
        f->state = F_UDP;
        f->opened = true;
        make_live(f);
        F.st.udp_flows++;
        if (F.sink.open) F.sink.open(F.sink.ctx, &f->c);
    }
    f->c.last_ns = F.now;
    touch(f, L_LIVE);
    if (fr && F.sink.frame) F.sink.frame(F.sink.ctx, &f->c, fr);
    enum trk_dir d = from_cli ? TRK_UP : TRK_DOWN;
    f->c.bytes[d] += n;
    if (F.sink.datagram) F.sink.datagram(F.sink.ctx, &f->c, d, p, n, F.now);
}

/* pseudo IPv4 address (network order) standing for an IPv6 address */
static bool v6_pseudo(const uint8_t *a, uint32_t *out)
{
    uint64_t h = 1469598103934665603ULL;
    for (int i = 0; i < 16; i++) h = (h ^ a[i]) * 1099511628211ULL;
    size_t b = (size_t)(h & 65535);
    for (struct v6ent *e = F.v6tab[b]; e; e = e->next)
        if (memcmp(e->a, a, 16) == 0) { *out = htonl(0xF0000000u | e->idx); return true; }
    if (F.v6n + 1 >= 0x0FFFFFFFu) { F.st.v6_map_full++; return false; }
    struct v6ent *e = malloc(sizeof *e);
    if (!e) { F.st.v6_map_full++; return false; }
    memcpy(e->a, a, 16);
    e->idx = ++F.v6n;
    e->next = F.v6tab[b];
    F.v6tab[b] = e;
    *out = htonl(0xF0000000u | e->idx);
    return true;
}

struct tcpseg {
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t win;
    const uint8_t *th;                /* the TCP header, thl bytes */
    size_t thl, plen;
};

/* libnids's half-closed connections waiting for their timeout (a global of the library) */
extern struct tcp_timeout *nids_tcp_timeouts;

static inline bool seq_before(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }

/* the last TCP timestamp option, scanned the way libnids scans for it */
static bool tcp_tsval(const struct tcpseg *t, uint32_t *ts)
{
    const uint8_t *o = t->th + 20;
    int len = (int)t->thl, ind = 0;
    bool found = false;
    while (ind <= len - 20 - 10) {
        if (o[ind] == 0) return found;
        if (o[ind] == 1) { ind++; continue; }
        if (o[ind] == 8) {
            *ts = (uint32_t)o[ind + 2] << 24 | (uint32_t)o[ind + 3] << 16 | (uint32_t)o[ind + 4] << 8 | o[ind + 5];
            found = true;
        }
        if (o[ind + 1] < 2) return found;
        ind += o[ind + 1];
    }
    return found;
}

static bool ip4_header_ok(const uint8_t *ip, size_t len)
{
    size_t ihl = (size_t)(ip[0] & 15) * 4;
    if (len < 20 || ihl < 20 || ihl > len || (ip[0] >> 4) != 4) return false;
    size_t tot = (size_t)ip[2] << 8 | ip[3];
    return tot <= len && tot >= ihl && csum_fold(csum_add(0, ip, ihl)) == 0;
}

/* A pure ACK inside an established connection changes nothing in libnids but the
 * sender's acknowledged sequence number and window, once it passes libnids's
 * window and timestamp checks: about a third of a tracker capture's packets.
 * When every condition holds, apply that here instead of feeding the packet;
 * anything else (FIN states, closing timers, checksum checks, a segment
 * libnids would drop or warn about) goes to libnids as always. */
static bool ack_applied(struct flowrec *f, bool from_cli, const struct tcpseg *t,
                        const uint8_t *ip, size_t ip_len)
{
    const uint8_t SYN = 0x02, RST = 0x04, ACK = 0x10, FIN = 0x01, URG = 0x20;
    struct tcp_stream *s = f->ns;
    if (!s || t->plen || (t->flags & (SYN | RST | FIN | URG)) || !(t->flags & ACK)) return false;
    if (F.cfg.verify_checksums || nids_tcp_timeouts || s->nids_state != NIDS_DATA) return false;
    struct half_stream *snd = from_cli ? &s->client : &s->server, *rcv = from_cli ? &s->server : &s->client;
    if (snd->state != TCP_ESTABLISHED || rcv->state != TCP_ESTABLISHED) return false;
    if (t->seq != rcv->ack_seq) return false;          /* what libnids's window check lets by at once */
    uint32_t ts;
    if (rcv->ts_on && tcp_tsval(t, &ts) && seq_before(ts, snd->curr_ts)) return false;   /* PAWS */
    if (!ip4_header_ok(ip, ip_len)) return false;
    if (seq_after(t->ack, snd->ack_seq)) snd->ack_seq = t->ack;
    snd->window = t->win;
    return true;
}

/* (a) a connection seen first by its data: a handshake whose sequence numbers fit
 * this segment, fed before it; the flow is marked picked up mid-stream */
static void synth_handshake(struct flowrec *f, bool from_cli, const struct tcpseg *t)
{
    uint32_t c = (from_cli ? t->seq : t->ack) - 1, s = (from_cli ? t->ack : t->seq) - 1;
    f->c.midstream = true;
    f->state = F_SYN_SENT;
    synth(f, true, c, 0, 0x02, 0);
    synth(f, false, s, c + 1, 0x12, 0);
    synth(f, true, c + 1, s + 1, 0x10, 0);
    if (f->state != F_OPEN) F.st.synth_refused++;
}

static void tcp_packet(uint32_t saddr, uint32_t daddr, const struct endpoint *src,
                       const struct endpoint *dst, const struct tcpseg *t,
                       const uint8_t *feed_ip, size_t feed_len, const struct raw_frame *fr)
{
    const uint8_t SYN = 0x02, RST = 0x04, ACK = 0x10, FIN = 0x01;
    struct fkey k1 = {saddr, daddr, t->sport, t->dport, 6}, k2 = {daddr, saddr, t->dport, t->sport, 6};
    bool from_cli;
    struct flowrec *f = lookup_either(&k1, &k2, &from_cli);
    bool syn_only = (t->flags & (SYN | ACK | RST)) == SYN;
    bool data = t->plen > 0 && (t->flags & ACK) && !(t->flags & (SYN | RST));

    if (f && syn_only && f->state != F_SYN_SENT) {       /* (e) the tuple is reused */
        if (f->state != F_CLOSED) { nids_forget(f); do_close(f, CLOSE_REUSED); }
        table_remove(f);
        f = NULL;
    }
    if (f && f->state == F_CLOSED && data && f->tomb_idle) {   /* alive after all */
        table_remove(f);
        f = NULL;
    }
    if (!f) {
        if (syn_only) {
            f = new_flow(&k1, src, dst, TRK_TCP);
            if (f) { f->state = F_SYN_SENT; f->syn_ns = F.now; from_cli = true; }
        } else if (data) {
            from_cli = src_is_client(t->sport, t->dport, TRK_TCP);
            f = new_flow(from_cli ? &k1 : &k2, from_cli ? src : dst, from_cli ? dst : src, TRK_TCP);
            if (f) synth_handshake(f, from_cli, t);
        }
    } else if (f->state == F_SYN_SENT && data) {
        /* the handshake was only partly captured (a SYN or SYN/ACK missing): take the
         * connection up from its data, as if picked up mid-stream */
        nids_forget(f);
        synth_handshake(f, from_cli, t);
    }
    if (F.sink.frame) F.sink.frame(F.sink.ctx, f ? &f->c : NULL, fr);   /* NULL: not a connection */
    if (!f) return;
    f->c.last_ns = F.now;
    touch(f, f->list);
    if (f->state == F_CLOSED) return;                    /* late packet of a closed connection */

    int sender = from_cli ? TRK_UP : TRK_DOWN;
    if (f->state == F_SYN_SENT && !from_cli && (t->flags & (SYN | ACK)) == (SYN | ACK) && !f->answered) {
        f->answered = true;
        if (F.sink.handshake) F.sink.handshake(F.sink.ctx, &f->c.cli, &f->c.srv, HS_SYN_ANSWERED, F.now);
    }
    if (f->state == F_SYN_SENT && !from_cli && (t->flags & RST) && !f->answered) {
        F.st.syn_rst++;
        if (F.sink.handshake) F.sink.handshake(F.sink.ctx, &f->c.cli, &f->c.srv, HS_SYN_RST, F.now);
        feed(feed_ip, feed_len);
        f->state = F_CLOSED;
        touch(f, L_EMB);
        return;
    }
    if ((t->flags & (FIN | RST)) && !f->c.closer) f->c.closer = from_cli ? CLOSER_DEVICE : CLOSER_SERVER;
    if (t->flags & FIN) {
        f->h[sender].fin_seen = true;
        f->h[sender].fin_seq = t->seq + (uint32_t)t->plen;
    }
    if (f->state == F_OPEN && (t->plen > 0 || (t->flags & FIN))) check_hole(f, sender, t->seq, false);
    if (f->state == F_OPEN && ack_applied(f, from_cli, t, feed_ip, feed_len)) return;
    feed(feed_ip, feed_len);
    if (t->plen > 0) nids_trim(f);
    if (f->state == F_OPEN && (t->flags & RST) && !nids_stream(f)) do_close(f, CLOSE_RST);
}

void flows_packet(const struct l3pkt *ip, const struct raw_frame *fr)
{
    F.now = fr->ts_ns;
    expire(F.now);
    if (!ip) { F.st.non_ip++; if (F.sink.frame) F.sink.frame(F.sink.ctx, NULL, fr); return; }
    struct trk_rd r;
    rd_init(&r, ip->ip, ip->len);
    uint32_t saddr, daddr;
    struct endpoint src = {0}, dst = {0};
    uint8_t proto;
    size_t l4off, l4len;
    const uint8_t *feed_ip = ip->ip;
    size_t feed_len = ip->len;
    if (ip->family == 4) {
        unsigned vihl = rd_u8(&r);
        rd_skip(&r, 5);
        unsigned frag = rd_be16(&r);
        rd_skip(&r, 1);
        proto = rd_u8(&r);
        rd_skip(&r, 2);
        const uint8_t *sa = rd_span(&r, 4), *da = rd_span(&r, 4);
        size_t ihl = (vihl & 15) * 4u;
        if (r.err || ihl < 20 || ihl > ip->len) { F.st.ip_bad++; if (F.sink.frame) F.sink.frame(F.sink.ctx, NULL, fr); return; }
        memcpy(&saddr, sa, 4);
        memcpy(&daddr, da, 4);
        if (frag & 0x3FFF) {                               /* a fragment: libnids reassembles */
            if (F.sink.frame) F.sink.frame(F.sink.ctx, NULL, fr);
            F.st.frag_v4++;
            F.feeding_frag = true;
            feed(feed_ip, feed_len);
            F.feeding_frag = false;
            return;
        }
        src.family = dst.family = 4;
        memcpy(src.addr, sa, 4);
        memcpy(dst.addr, da, 4);
        l4off = ihl;
        l4len = ip->len - ihl;
    } else {
        rd_skip(&r, 6);
        uint8_t nh = rd_u8(&r);
        rd_skip(&r, 1);
        const uint8_t *sa = rd_span(&r, 16), *da = rd_span(&r, 16);
        if (r.err) { F.st.ip_bad++; if (F.sink.frame) F.sink.frame(F.sink.ctx, NULL, fr); return; }
        while (nh == 0 || nh == 43 || nh == 60) {          /* hop-by-hop, routing, destination options */
            nh = rd_u8(&r);
            size_t elen = ((size_t)rd_u8(&r) + 1) * 8;
            rd_skip(&r, elen - 2);
            if (r.err) break;
        }
        if (r.err) { F.st.ip_bad++; if (F.sink.frame) F.sink.frame(F.sink.ctx, NULL, fr); return; }
        if (nh == 44) { F.st.frag_v6++; if (F.sink.frame) F.sink.frame(F.sink.ctx, NULL, fr); return; }
        proto = nh;
        if (!v6_pseudo(sa, &saddr) || !v6_pseudo(da, &daddr)) { if (F.sink.frame) F.sink.frame(F.sink.ctx, NULL, fr); return; }
        src.family = dst.family = 6;
        memcpy(src.addr, sa, 16);
        memcpy(dst.addr, da, 16);
        l4off = r.off;
        l4len = ip->len - r.off;
    }
    struct trk_rd l4;
    rd_init(&l4, rd_peek_span(&r, l4off, l4len), l4len);
    if (proto == 17) {
        src.port = rd_be16(&l4);
        dst.port = rd_be16(&l4);
        uint16_t ulen = rd_be16(&l4);
        rd_skip(&l4, 2);
        if (l4.err || ulen < 8) { F.st.ip_bad++; if (F.sink.frame) F.sink.frame(F.sink.ctx, NULL, fr); return; }
        size_t n = rd_left(&l4);
        if ((size_t)ulen - 8 < n) n = (size_t)ulen - 8;
        udp_deliver(saddr, daddr, src.port, dst.port, &src, &dst, rd_span(&l4, n), n, fr);
        return;
    }
    if (proto != 6) { F.st.not_tcp_udp++; if (F.sink.frame) F.sink.frame(F.sink.ctx, NULL, fr); return; }
    struct tcpseg t;
    t.sport = rd_be16(&l4);
    t.dport = rd_be16(&l4);
    t.seq = rd_be32(&l4);
    t.ack = rd_be32(&l4);
    size_t thl = (size_t)(rd_u8(&l4) >> 4) * 4;
    t.flags = rd_u8(&l4);
    t.win = rd_be16(&l4);
    if (l4.err || thl < 20 || thl > l4len) { F.st.ip_bad++; if (F.sink.frame) F.sink.frame(F.sink.ctx, NULL, fr); return; }
    t.plen = l4len - thl;
    t.th = rd_peek_span(&r, l4off, thl);
    t.thl = thl;
    src.port = t.sport;
    dst.port = t.dport;
    if (ip->family == 6) {                                 /* (f) translate for libnids */
        if (l4len + 20 > sizeof F.pkt) { F.st.ip_bad++; if (F.sink.frame) F.sink.frame(F.sink.ctx, NULL, fr); return; }
        build_ip4(F.pkt, saddr, daddr, 6, l4len);
        memcpy(F.pkt + 20, rd_peek_span(&r, l4off, l4len), l4len);
        /* the synthesised packets below reuse F.pkt: keep the translated copy apart */
        static uint8_t v6copy[70000];
        memcpy(v6copy, F.pkt, 20 + l4len);
        feed_ip = v6copy;
        feed_len = 20 + l4len;
    }
    tcp_packet(saddr, daddr, &src, &dst, &t, feed_ip, feed_len, fr);
}

void flows_tick(int64_t now_ns)
{
    if (now_ns > F.now) F.now = now_ns;
    expire(F.now);
}

void flows_finish(void)
{
    struct flowrec *f;
    /* deliver what waits behind holes, then close everything, oldest activity first */
    for (f = F.head[L_LIVE]; f; f = f->next)
        if (f->state == F_OPEN)
            for (int d = 0; d < 2; d++)
                if (f->h[d].nooo) check_hole(f, d, f->h[d].ooo[0], true);
    while ((f = F.head[L_LIVE])) {
        nids_forget(f);
        do_close(f, CLOSE_END);
    }
    /* forget_flow unlinks f from the list: the analyzer does not follow that */
    while ((f = F.head[L_EMB])) forget_flow(f);   // NOLINT(clang-analyzer-unix.Malloc)
    nids_unregister_tcp((void *)on_tcp);
    nids_unregister_udp((void *)on_udp);
    nids_unregister_ip((void *)on_ip);
    nids_exit();
    for (size_t b = 0; F.v6tab && b < 65536; b++)
        for (struct v6ent *e = F.v6tab[b], *n; e; e = n) { n = e->next; free(e); }
    free(F.v6tab);
    F.v6tab = NULL;
    free(F.tab);
    F.tab = NULL;
    if (F.dead) pcap_close(F.dead);
    F.dead = NULL;
}

void flows_get_stats(struct flows_stats *s) { *s = F.st; }

const char *flows_engine_version(void)
{
    static char v[32];
    snprintf(v, sizeof v, "libnids %d.%d", NIDS_MAJOR, NIDS_MINOR);
    return v;
}

/* bytes of memory this process may still use: MemAvailable, or less under a cgroup limit */
static uint64_t mem_available(void)
{
    uint64_t avail = 0;
    char line[256];
    FILE *f = fopen("/proc/meminfo", "r");
    if (f) {
        unsigned long long kb;
        while (fgets(line, sizeof line, f))
            if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1) { avail = (uint64_t)kb << 10; break; }
        fclose(f);
    }
    if (!avail) {
        long pages = sysconf(_SC_AVPHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
        if (pages > 0 && psz > 0) avail = (uint64_t)pages * (uint64_t)psz;
    }
    unsigned long long max, cur;
    FILE *m = fopen("/sys/fs/cgroup/memory.max", "r"), *c = fopen("/sys/fs/cgroup/memory.current", "r");
    if (m && c && fscanf(m, "%llu", &max) == 1 && fscanf(c, "%llu", &cur) == 1 && max > cur &&
        (!avail || max - cur < avail))
        avail = max - cur;
    if (m) fclose(m);
    if (c) fclose(c);
    return avail;
}

size_t flows_default_max(void)
{
    uint64_t n = mem_available() / 2 / FLOW_MEM_WORST;
    if (n < FLOWS_DEFAULT_MIN) n = FLOWS_DEFAULT_MIN;
    if (n > FLOWS_DEFAULT_MAX) n = FLOWS_DEFAULT_MAX;
    return (size_t)n;
}

int flows_init(const struct flows_cfg *cfg, const struct flow_sink *sink, char *err, size_t errlen)
{
    memset(&F, 0, sizeof F);
    F.cfg = *cfg;
    if (F.cfg.max_flows == 0) F.cfg.max_flows = flows_default_max();
    if (F.cfg.max_flows < 16) F.cfg.max_flows = 16;
    F.st.max_flows = F.cfg.max_flows;
    F.sink = *sink;
    size_t buckets = 1024;
    while (buckets < F.cfg.max_flows * 2) buckets *= 2;
    F.tab = calloc(buckets, sizeof *F.tab);
    F.v6tab = calloc(65536, sizeof *F.v6tab);
    if (!F.tab || !F.v6tab) { snprintf(err, errlen, "out of memory for %zu flows", F.cfg.max_flows); return -1; }
    F.tabmask = buckets - 1;
    F.seed = mix64((uint64_t)(uintptr_t)&F ^ 0x5bd1e995u);
    F.dead = pcap_open_dead(DLT_RAW, 262144);
    nids_params.pcap_desc = F.dead;
    nids_params.device = NULL;
    nids_params.filename = NULL;
    nids_params.n_tcp_streams = (int)(F.cfg.max_flows * 4 / 3 + 64);
    nids_params.scan_num_hosts = 0;
    nids_params.syslog = nids_warn;
    nids_params.no_mem = nids_nomem;
    nids_params.promisc = 0;
    nids_params.one_loop_less = 0;
    nids_params.multiproc = 0;
    nids_params.tcp_workarounds = 1;
    nids_params.pcap_filter = NULL;
    if (!nids_init()) { snprintf(err, errlen, "reassembly engine: %s", nids_errbuf); return -1; }
    if (cfg->verify_checksums) {
        chk_on[0].netaddr = htonl(0xF0000000u);    /* translated IPv6: not checkable after translation */
        chk_on[0].mask = htonl(0xF0000000u);
        chk_on[0].action = NIDS_DONT_CHKSUM;
        chk_on[1].netaddr = 0;
        chk_on[1].mask = 0;
        chk_on[1].action = NIDS_DO_CHKSUM;
        nids_register_chksum_ctl(chk_on, 2);
    } else {
        nids_register_chksum_ctl(chk_off, 1);
    }
    nids_register_tcp((void *)on_tcp);
    nids_register_udp((void *)on_udp);
    nids_register_ip((void *)on_ip);
    return 0;
}
