/* trksim.c: tracker simulator for trackdump's captures and live tests.
 *
 * One poll()-driven process plays N Teltonika devices (TCP or UDP), N GT06
 * devices and the server that answers them, over real sockets on the loopback
 * interface.  It has its own small encoders and checkers for both protocols and
 * does not use trackdump's sources, so captures made with it test the
 * dissectors independently.  Runs are deterministic for a given --seed (apart
 * from the wall-clock timestamps inside the messages).
 *
 * With --manifest FILE it writes one line per message sent, by a device or by
 * the server: "<up|down> <proto> <imei> <type>", then counts as '#' comments.
 * Exit status: 0 when every device got every answer it expected, 1 otherwise,
 * 2 on a usage error.  --self-test checks the encoders against published
 * examples and exits. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_TELT 100        /* IMEI scheme 356307042441 + 2 digits + check digit */
#define MAX_GT06 1000
#define BUF_MAX 4096
#define IN_MAX 8192

/* ------------------------------------------------------------------ */
/* checksums                                                            */

/* CRC-16/ARC: poly 0x8005 reflected (0xA001), init 0, no final xor */
static uint16_t crc16_arc(const uint8_t *p, size_t n)
{
    uint16_t c = 0;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int b = 0; b < 8; b++)
            c = (c & 1) ? (uint16_t)((c >> 1) ^ 0xA001) : (uint16_t)(c >> 1);
    }
    return c;
}

/* CRC-16/X-25: poly 0x1021 reflected (0x8408), init 0xFFFF, final xor 0xFFFF */
static uint16_t crc16_x25(const uint8_t *p, size_t n)
{
    uint16_t c = 0xFFFF;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int b = 0; b < 8; b++)
            c = (c & 1) ? (uint16_t)((c >> 1) ^ 0x8408) : (uint16_t)(c >> 1);
    }
    return (uint16_t)(c ^ 0xFFFF);
}

/* ------------------------------------------------------------------ */
/* byte buffers                                                         */

struct buf {
    uint8_t b[BUF_MAX];
    size_t n;
    bool over;
};

static void put_u8(struct buf *o, unsigned v)
{
    if (o->n >= sizeof o->b) { o->over = true; return; }
    o->b[o->n++] = (uint8_t)v;
}
static void put_be16(struct buf *o, unsigned v) { put_u8(o, (v >> 8) & 0xFF); put_u8(o, v & 0xFF); }
static void put_be24(struct buf *o, uint32_t v) { put_u8(o, (v >> 16) & 0xFF); put_be16(o, v & 0xFFFF); }
static void put_be32(struct buf *o, uint32_t v) { put_be16(o, v >> 16); put_be16(o, v & 0xFFFF); }
static void put_be64(struct buf *o, uint64_t v) { put_be32(o, (uint32_t)(v >> 32)); put_be32(o, (uint32_t)v); }
static void put_bytes(struct buf *o, const void *p, size_t n)
{
    const uint8_t *q = p;
    for (size_t i = 0; i < n; i++) put_u8(o, q[i]);
}
static void put_beN(struct buf *o, uint64_t v, unsigned width)
{
    for (unsigned i = width; i-- > 0;) put_u8(o, (unsigned)((v >> (8 * i)) & 0xFF));
}
/* overwrite a big-endian u32 at offset `at` */
static void set_be32(struct buf *o, size_t at, uint32_t v)
{
    if (at + 4 > o->n) { o->over = true; return; }
    o->b[at] = (uint8_t)(v >> 24); o->b[at + 1] = (uint8_t)(v >> 16);
    o->b[at + 2] = (uint8_t)(v >> 8); o->b[at + 3] = (uint8_t)v;
}

static uint32_t get_be16(const uint8_t *p) { return (uint32_t)p[0] << 8 | p[1]; }
static uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* bounded cursor used by the server-side checkers */
struct cur {
    const uint8_t *p;
    size_t n, off;
    bool err;
};
static uint64_t cur_get(struct cur *c, unsigned width)
{
    uint64_t v = 0;
    if (c->err || width > c->n - c->off) { c->err = true; return 0; }
    for (unsigned i = 0; i < width; i++) v = v << 8 | c->p[c->off + i];
    c->off += width;
    return v;
}
static void cur_skip(struct cur *c, size_t k)
{
    if (c->err || k > c->n - c->off) { c->err = true; return; }
    c->off += k;
}

/* ------------------------------------------------------------------ */
/* PRNG (splitmix64) and clocks                                         */

static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}
/* uniform in [lo, hi] */
static long rng_range(uint64_t *s, long lo, long hi)
{
    return lo + (long)(rng_next(s) % (uint64_t)(hi - lo + 1));
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {}
}

/* ------------------------------------------------------------------ */
/* IMEIs                                                                */

static int luhn_digit(const char *d14)
{
    int sum = 0;
    for (int i = 0; i < 14; i++) {
        int v = d14[i] - '0';
        if (i % 2 == 1) { v *= 2; if (v > 9) v -= 9; }
        sum += v;
    }
    return (10 - sum % 10) % 10;
}
static bool luhn_ok(const char *imei)
{
    if (strlen(imei) != 15) return false;
    for (int i = 0; i < 15; i++) if (imei[i] < '0' || imei[i] > '9') return false;
    return luhn_digit(imei) == imei[14] - '0';
}
/* Teltonika: 356307042441 + 2-digit index + check digit (356307042441xxx) */
static void imei_teltonika(int idx, char out[16])
{
    snprintf(out, 16, "356307042441%02d", idx % 100);
    out[14] = (char)('0' + luhn_digit(out));
    out[15] = 0;
}
/* GT06: 35860801 + 6-digit index + check digit (35860801xxxxxxx) */
static void imei_gt06(int idx, char out[16])
{
    snprintf(out, 16, "35860801%06d", idx % 1000000);
    out[14] = (char)('0' + luhn_digit(out));
    out[15] = 0;
}

/* ------------------------------------------------------------------ */
/* Teltonika encoder                                                    */

enum { CODEC8 = 0x08, CODEC8E = 0x8E, CODEC16 = 0x10 };

struct tio {
    uint16_t id;
    uint16_t len;          /* 1, 2, 4, 8, or any length for codec 8E NX values */
    uint64_t v;            /* value when len <= 8 */
    const uint8_t *bytes;  /* value when it is a variable-length (NX) element */
};

#define TREC_MAX_IO 16
struct trec {
    uint64_t ts_ms;
    uint8_t prio;
    int32_t lon, lat;      /* degrees * 1e7 */
    int16_t alt;
    uint16_t angle;
    uint8_t sats;
    uint16_t speed;
    uint16_t event_id;
    uint8_t gen_type;      /* codec 16 only */
    struct tio io[TREC_MAX_IO];
    int nio;
};

static bool tio_fixed(const struct tio *e)
{
    return !e->bytes && (e->len == 1 || e->len == 2 || e->len == 4 || e->len == 8);
}

/* codec ID, N1, records, N2 */
static void tel_avl_body(struct buf *o, int codec, const struct trec *r, int nrec)
{
    put_u8(o, (unsigned)codec);
    put_u8(o, (unsigned)nrec);
    for (int i = 0; i < nrec; i++) {
        const struct trec *x = &r[i];
        put_be64(o, x->ts_ms);
        put_u8(o, x->prio);
        put_be32(o, (uint32_t)x->lon);
        put_be32(o, (uint32_t)x->lat);
        put_be16(o, (uint16_t)x->alt);
        put_be16(o, x->angle);
        put_u8(o, x->sats);
        put_be16(o, x->speed);
        static const unsigned widths[4] = { 1, 2, 4, 8 };
        int nx = 0;
        for (int k = 0; k < x->nio; k++) if (!tio_fixed(&x->io[k])) nx++;
        if (codec == CODEC8E) {
            put_be16(o, x->event_id);
            put_be16(o, (unsigned)x->nio);
        } else if (codec == CODEC16) {
            put_be16(o, x->event_id);
            put_u8(o, x->gen_type);
            put_u8(o, (unsigned)(x->nio - nx));
        } else {
            put_u8(o, x->event_id);
            put_u8(o, (unsigned)(x->nio - nx));
        }
        for (int g = 0; g < 4; g++) {
            int cnt = 0;
            for (int k = 0; k < x->nio; k++)
                if (tio_fixed(&x->io[k]) && x->io[k].len == widths[g]) cnt++;
            if (codec == CODEC8E) put_be16(o, (unsigned)cnt); else put_u8(o, (unsigned)cnt);
            for (int k = 0; k < x->nio; k++) {
                const struct tio *e = &x->io[k];
                if (!tio_fixed(e) || e->len != widths[g]) continue;
                if (codec == CODEC8) put_u8(o, e->id); else put_be16(o, e->id);
                put_beN(o, e->v, widths[g]);
            }
        }
        if (codec == CODEC8E) {
            put_be16(o, (unsigned)nx);
            for (int k = 0; k < x->nio; k++) {
                const struct tio *e = &x->io[k];
                if (tio_fixed(e)) continue;
                put_be16(o, e->id);
                put_be16(o, e->len);
                put_bytes(o, e->bytes, e->len);
            }
        }
    }
    put_u8(o, (unsigned)nrec);
}

/* TCP AVL packet: preamble, data length, body, CRC-16/ARC in a 4-byte field */
static void tel_tcp_packet(struct buf *o, int codec, const struct trec *r, int nrec)
{
    size_t start = o->n;
    put_be32(o, 0);
    put_be32(o, 0);
    size_t body = o->n;
    tel_avl_body(o, codec, r, nrec);
    if (o->over) return;
    set_be32(o, start + 4, (uint32_t)(o->n - body));
    put_be32(o, crc16_arc(o->b + body, o->n - body));
}

/* UDP datagram: length, packet ID, packet type 0x01, AVL packet ID, IMEI, body */
static void tel_udp_packet(struct buf *o, uint16_t pkt_id, uint8_t avl_id, const char *imei,
                           int codec, const struct trec *r, int nrec)
{
    size_t start = o->n;
    put_be16(o, 0);
    put_be16(o, pkt_id);
    put_u8(o, 0x01);
    put_u8(o, avl_id);
    put_be16(o, (unsigned)strlen(imei));
    put_bytes(o, imei, strlen(imei));
    tel_avl_body(o, codec, r, nrec);
    if (o->over) return;
    size_t len = o->n - start - 2;
    o->b[start] = (uint8_t)(len >> 8);
    o->b[start + 1] = (uint8_t)len;
}

static void tel_login(struct buf *o, const char *imei)
{
    put_be16(o, (unsigned)strlen(imei));
    put_bytes(o, imei, strlen(imei));
}

/* Walk an AVL body (codec .. N2).  Returns the record count, or -1 with *why set. */
static int tel_check_body(const uint8_t *p, size_t n, const char **why)
{
    struct cur c = { p, n, 0, false };
    int codec = (int)cur_get(&c, 1);
    int n1 = (int)cur_get(&c, 1);
    if (c.err) { *why = "short AVL body"; return -1; }
    if (codec != CODEC8 && codec != CODEC8E && codec != CODEC16) { *why = "unknown codec"; return -1; }
    for (int i = 0; i < n1; i++) {
        cur_skip(&c, 8 + 1 + 4 + 4 + 2 + 2 + 1 + 2);
        unsigned total, seen = 0;
        if (codec == CODEC8E) { cur_skip(&c, 2); total = (unsigned)cur_get(&c, 2); }
        else if (codec == CODEC16) { cur_skip(&c, 3); total = (unsigned)cur_get(&c, 1); }
        else { cur_skip(&c, 1); total = (unsigned)cur_get(&c, 1); }
        for (unsigned w = 1; w <= 8; w *= 2) {
            unsigned cnt = (unsigned)cur_get(&c, codec == CODEC8E ? 2 : 1);
            seen += cnt;
            for (unsigned k = 0; k < cnt && !c.err; k++) cur_skip(&c, (codec == CODEC8 ? 1 : 2) + w);
        }
        if (codec == CODEC8E) {
            unsigned cnt = (unsigned)cur_get(&c, 2);
            seen += cnt;
            for (unsigned k = 0; k < cnt && !c.err; k++) {
                cur_skip(&c, 2);
                cur_skip(&c, (size_t)cur_get(&c, 2));
            }
        }
        if (c.err) { *why = "record runs past the end"; return -1; }
        if (seen != total) { *why = "IO total count differs from the group counts"; return -1; }
    }
    int n2 = (int)cur_get(&c, 1);
    if (c.err) { *why = "no N2"; return -1; }
    if (n1 != n2) { *why = "N1 differs from N2"; return -1; }
    if (c.off != c.n) { *why = "bytes after N2"; return -1; }
    return n1;
}

/* ------------------------------------------------------------------ */
/* GT06 encoder                                                         */

enum { GT_LOGIN = 0x01, GT_LOC = 0x12, GT_HEARTBEAT = 0x13, GT_LOC22 = 0x22 };

/* 78 78, length, protocol number, content, serial, CRC-16/X-25 over length..serial, 0D 0A */
static void gt06_frame(struct buf *o, unsigned proto, const uint8_t *content, size_t clen,
                       uint16_t serial)
{
    size_t start = o->n;
    put_u8(o, 0x78);
    put_u8(o, 0x78);
    put_u8(o, (unsigned)(clen + 5));
    put_u8(o, proto);
    put_bytes(o, content, clen);
    put_be16(o, serial);
    if (o->over) return;
    put_be16(o, crc16_x25(o->b + start + 2, o->n - start - 2));
    put_u8(o, 0x0D);
    put_u8(o, 0x0A);
}

/* login: IMEI as 8 bytes BCD with a leading 0 nibble */
static void gt06_login(struct buf *o, const char *imei, uint16_t serial)
{
    uint8_t bcd[8];
    char d[17];
    snprintf(d, sizeof d, "0%s", imei);
    for (int i = 0; i < 8; i++)
        bcd[i] = (uint8_t)((d[2 * i] - '0') << 4 | (d[2 * i + 1] - '0'));
    gt06_frame(o, GT_LOGIN, bcd, sizeof bcd, serial);
}

struct gtpos {
    int64_t time_ms;       /* UTC */
    unsigned sats;
    double lat, lon;
    unsigned speed;        /* km/h */
    unsigned course;
    bool fixed;
    unsigned mcc, mnc, lac;
    uint32_t cell;
};

static void gt06_location(struct buf *o, unsigned proto, const struct gtpos *g, uint16_t serial)
{
    struct buf c;
    c.n = 0;
    c.over = false;
    time_t t = (time_t)(g->time_ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    put_u8(&c, (unsigned)(tm.tm_year % 100));
    put_u8(&c, (unsigned)(tm.tm_mon + 1));
    put_u8(&c, (unsigned)tm.tm_mday);
    put_u8(&c, (unsigned)tm.tm_hour);
    put_u8(&c, (unsigned)tm.tm_min);
    put_u8(&c, (unsigned)tm.tm_sec);
    put_u8(&c, 0xC0 | (g->sats & 0x0F));
    put_be32(&c, (uint32_t)lround(fabs(g->lat) * 1800000.0));
    put_be32(&c, (uint32_t)lround(fabs(g->lon) * 1800000.0));
    put_u8(&c, g->speed & 0xFF);
    unsigned cs = g->course % 360;
    if (g->lat >= 0) cs |= 1u << 10;   /* north */
    if (g->lon < 0) cs |= 1u << 11;    /* west */
    if (g->fixed) cs |= 1u << 12;
    put_be16(&c, cs);
    put_be16(&c, g->mcc);
    put_u8(&c, g->mnc);
    put_be16(&c, g->lac);
    put_be24(&c, g->cell);
    if (proto == GT_LOC22) {
        put_u8(&c, 1);     /* ACC on */
        put_u8(&c, 0);     /* upload mode: timed */
        put_u8(&c, 0);     /* real-time, not re-uploaded */
    }
    gt06_frame(o, proto, c.b, c.n, serial);
}

static void gt06_heartbeat(struct buf *o, unsigned info, unsigned voltage, unsigned gsm,
                           uint16_t serial)
{
    uint8_t c[5] = { (uint8_t)info, (uint8_t)voltage, (uint8_t)gsm, 0x00, 0x02 };
    gt06_frame(o, GT_HEARTBEAT, c, sizeof c, serial);
}

/* The server's echo: same protocol number and serial, empty content. */
static void gt06_echo(struct buf *o, unsigned proto, uint16_t serial)
{
    gt06_frame(o, proto, NULL, 0, serial);
}

/* Check a complete 0x7878 frame of `n` bytes; returns the protocol number or -1. */
static int gt06_check(const uint8_t *p, size_t n, uint16_t *serial, const char **why)
{
    if (n < 10 || p[0] != 0x78 || p[1] != 0x78) { *why = "bad start bytes"; return -1; }
    if ((size_t)p[2] + 5 != n) { *why = "length field mismatch"; return -1; }
    if (p[n - 2] != 0x0D || p[n - 1] != 0x0A) { *why = "no 0D 0A tail"; return -1; }
    uint16_t crc = (uint16_t)get_be16(p + n - 4);
    if (crc != crc16_x25(p + 2, n - 6)) { *why = "CRC-16/X-25 mismatch"; return -1; }
    *serial = (uint16_t)get_be16(p + n - 6);
    return p[3];
}

/* ------------------------------------------------------------------ */
/* options and global state                                             */

static struct {
    int ntelt, ngt06, messages, interval_ms;
    int port_telt, port_gt06;
    const char *host;
    bool ipv6, udp, split, coalesce, rst, quiet;
    uint64_t seed;
    int hold_ms, pre_ms, pause_after, pause_ms, timeout_ms;
    const char *manifest;
    int codec;             /* CODEC8/8E/16, or -1 for a mix */
} opt = {
    .ntelt = 2, .ngt06 = 2, .messages = 5, .interval_ms = 100,
    .port_telt = 5027, .port_gt06 = 5023, .seed = 1, .codec = CODEC8,
};

enum proto { P_TELT = 0, P_GT06 = 1 };
static const char *const proto_name[2] = { "teltonika", "gt06" };

static FILE *manifest;

/* manifest counts per (dir, proto, type) */
enum { T_LOGIN, T_POSITION, T_HEARTBEAT, T_ACK, T_N };
static const char *const type_name[T_N] = { "login", "position", "heartbeat", "ack" };
static long counts[2][2][T_N];   /* [dir up=0/down=1][proto][type] */
static long total_records[2];

static void note(int dir, int proto, const char *imei, int type)
{
    counts[dir][proto][type]++;
    if (manifest)
        fprintf(manifest, "%s %s %s %s\n", dir ? "down" : "up", proto_name[proto],
                imei[0] ? imei : "-", type_name[type]);
}

static int server_errors;
static void server_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void server_error(const char *fmt, ...)
{
    va_list ap;
    server_errors++;
    fprintf(stderr, "trksim: server: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* ------------------------------------------------------------------ */
/* socket helpers                                                       */

static struct sockaddr_storage server_addr[2];   /* per protocol */
static socklen_t server_addrlen;
static int family;

static int resolve(void)
{
    const char *h = opt.host ? opt.host : (opt.ipv6 ? "::1" : "127.0.0.1");
    struct in6_addr a6;
    struct in_addr a4;
    memset(server_addr, 0, sizeof server_addr);
    for (int p = 0; p < 2; p++) {
        unsigned port = (unsigned)(p == P_TELT ? opt.port_telt : opt.port_gt06);
        if (inet_pton(AF_INET6, h, &a6) == 1) {
            struct sockaddr_in6 *s = (struct sockaddr_in6 *)&server_addr[p];
            s->sin6_family = AF_INET6;
            s->sin6_addr = a6;
            s->sin6_port = htons((uint16_t)port);
            family = AF_INET6;
            server_addrlen = sizeof *s;
        } else if (inet_pton(AF_INET, h, &a4) == 1) {
            struct sockaddr_in *s = (struct sockaddr_in *)&server_addr[p];
            s->sin_family = AF_INET;
            s->sin_addr = a4;
            s->sin_port = htons((uint16_t)port);
            family = AF_INET;
            server_addrlen = sizeof *s;
        } else {
            fprintf(stderr, "trksim: --host needs a numeric IPv4 or IPv6 address: %s\n", h);
            return -1;
        }
    }
    return 0;
}

static void set_nodelay(int fd)
{
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static int make_listener(int proto, int type)
{
    int fd = socket(family, type, 0);
    if (fd < 0) { perror("trksim: socket"); return -1; }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&server_addr[proto], server_addrlen) < 0) {
        fprintf(stderr, "trksim: bind %s port %d: %s\n", proto_name[proto],
                proto == P_TELT ? opt.port_telt : opt.port_gt06, strerror(errno));
        close(fd);
        return -1;
    }
    if (type == SOCK_STREAM && listen(fd, 1024) < 0) {
        perror("trksim: listen");
        close(fd);
        return -1;
    }
    return fd;
}

/* Send a whole message.  With --split, in 2..4 small writes with a short sleep
 * between them, so each piece leaves as its own TCP segment. */
static int send_all(int fd, const uint8_t *p, size_t n, uint64_t *rng)
{
    size_t off = 0;
    int pieces = 1;
    if (opt.split && n >= 2) {
        pieces = (int)rng_range(rng, 2, 4);
        if ((size_t)pieces > n) pieces = (int)n;
    }
    for (int j = 0; j < pieces; j++) {
        size_t left = n - off, sz = left;
        if (j < pieces - 1) {
            size_t room = left - (size_t)(pieces - 1 - j);     /* keep >= 1 byte per later piece */
            size_t even = left / (size_t)(pieces - j);
            sz = (size_t)rng_range(rng, 1, (long)(even * 2 < room ? even * 2 : room));
            if (sz == 0) sz = 1;
        }
        size_t done = 0;
        while (done < sz) {
            ssize_t w = send(fd, p + off + done, sz - done, MSG_NOSIGNAL);
            if (w < 0) {
                if (errno == EINTR) continue;
                return -1;
            }
            done += (size_t)w;
        }
        off += sz;
        if (j < pieces - 1) sleep_ms(3);
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* devices                                                              */

enum dstate { D_START, D_PRE, D_LOGIN_WAIT, D_SEND, D_ACK_WAIT, D_BARRIER, D_HOLD, D_DONE };
static const char *const dstate_name[] = {
    "start", "pre-login wait", "login answer wait", "send", "answer wait", "pause", "hold", "done",
};

/* an answer the device waits for */
struct want {
    int kind;              /* W_TEL_LOGIN, W_TEL_COUNT, W_UDP, W_GT06 */
    uint32_t a, b, c;      /* count / packet id, avl id, count / protocol, serial */
};
enum { W_TEL_LOGIN, W_TEL_COUNT, W_UDP, W_GT06 };

struct dev {
    int proto, idx, gidx;
    char imei[16];
    int fd;
    enum dstate st;
    int64_t due;
    int sent;              /* messages sent after the login */
    int answers;           /* answers received (login answer included) */
    int codec;             /* Teltonika: fixed codec or -1 = mix */
    uint64_t rng;
    /* motion along a line */
    double lat, lon, heading, speed;
    uint32_t odo;
    int alt;
    uint16_t serial;       /* GT06 information serial number */
    uint16_t pkt_id;       /* Teltonika UDP */
    uint8_t avl_id;
    struct want want[2];
    int nwant;
    uint8_t in[512];
    size_t inlen;
    bool failed;
    char err[200];
};

static struct dev *devs;
static int ndev;
static bool pause_released;

static void dev_fail(struct dev *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void dev_fail(struct dev *d, const char *fmt, ...)
{
    va_list ap;
    if (!d->failed) {
        va_start(ap, fmt);
        vsnprintf(d->err, sizeof d->err, fmt, ap);
        va_end(ap);
        fprintf(stderr, "trksim: %s %s: %s\n", proto_name[d->proto], d->imei, d->err);
    }
    d->failed = true;
    if (d->fd >= 0) close(d->fd);
    d->fd = -1;
    d->st = D_DONE;
}

/* starting points: two per hemisphere combination, spread by device index */
static void dev_init(struct dev *d, int proto, int idx, int gidx)
{
    static const double base[2][4][2] = {
        { { 54.6872, 25.2797 }, { 43.6532, -79.3832 }, { -33.8688, 151.2093 }, { -23.5505, -46.6333 } },
        { { 22.5431, 114.0579 }, { -34.6037, -58.3816 }, { 51.5072, -0.1276 }, { -6.2088, 106.8456 } },
    };
    memset(d, 0, sizeof *d);
    d->proto = proto;
    d->idx = idx;
    d->gidx = gidx;
    d->fd = -1;
    d->st = D_START;
    d->rng = opt.seed * 0x100000001B3ULL + (uint64_t)proto * 1000003u + (uint64_t)idx;
    rng_next(&d->rng);
    if (proto == P_TELT) imei_teltonika(idx, d->imei); else imei_gt06(idx, d->imei);
    const double *b = base[proto][idx % 4];
    d->lat = b[0] + 0.01 * (idx / 4) + rng_range(&d->rng, -500, 500) * 1e-5;
    d->lon = b[1] + 0.01 * (idx / 4) + rng_range(&d->rng, -500, 500) * 1e-5;
    d->heading = (double)rng_range(&d->rng, 0, 359);
    d->speed = (double)rng_range(&d->rng, 20, 90);
    d->alt = (int)rng_range(&d->rng, 50, 300);
    d->odo = (uint32_t)rng_range(&d->rng, 1000, 900000);
    d->codec = opt.codec;
    d->serial = 1;
    d->pkt_id = (uint16_t)(0xCA00 + (idx & 0xFF));
    d->avl_id = (uint8_t)rng_range(&d->rng, 0, 255);
}

/* advance one second along the heading */
static void dev_move(struct dev *d)
{
    double m = d->speed / 3.6;
    double rad = d->heading * M_PI / 180.0;
    d->lat += m * cos(rad) / 111320.0;
    d->lon += m * sin(rad) / (111320.0 * cos(d->lat * M_PI / 180.0));
    d->odo += (uint32_t)lround(m);
}

static void dev_want(struct dev *d, int kind, uint32_t a, uint32_t b, uint32_t c)
{
    if (d->nwant < 2) d->want[d->nwant++] = (struct want){ kind, a, b, c };
}

static int dev_write(struct dev *d, const struct buf *o)
{
    if (o->over) { dev_fail(d, "message too large for the encoder buffer"); return -1; }
    if (opt.udp && d->proto == P_TELT) {
        if (send(d->fd, o->b, o->n, MSG_NOSIGNAL) != (ssize_t)o->n) {
            dev_fail(d, "send: %s", strerror(errno));
            return -1;
        }
        return 0;
    }
    if (send_all(d->fd, o->b, o->n, &d->rng) < 0) {
        dev_fail(d, "send: %s", strerror(errno));
        return -1;
    }
    return 0;
}

static void dev_connect(struct dev *d, int64_t now)
{
    bool udp = opt.udp && d->proto == P_TELT;
    d->fd = socket(family, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
    if (d->fd < 0) { dev_fail(d, "socket: %s", strerror(errno)); return; }
    if (!udp && opt.split) set_nodelay(d->fd);
    if (connect(d->fd, (struct sockaddr *)&server_addr[d->proto], server_addrlen) < 0) {
        dev_fail(d, "connect: %s", strerror(errno));
        return;
    }
    d->st = D_PRE;
    d->due = now + opt.pre_ms;
}

static void dev_answered(struct dev *d, int64_t now);

static void dev_login(struct dev *d, int64_t now)
{
    struct buf o;
    o.n = 0;
    o.over = false;
    if (d->proto == P_TELT && opt.udp) {   /* no login over UDP: the IMEI is in each datagram */
        dev_answered(d, now);
        return;
    }
    if (d->proto == P_TELT) {
        tel_login(&o, d->imei);
        dev_want(d, W_TEL_LOGIN, 1, 0, 0);
    } else {
        gt06_login(&o, d->imei, d->serial);
        dev_want(d, W_GT06, GT_LOGIN, d->serial, 0);
        d->serial++;
    }
    if (dev_write(d, &o) < 0) return;
    note(0, d->proto, d->imei, T_LOGIN);
    d->st = D_LOGIN_WAIT;
}

static void tel_make_record(struct dev *d, struct trec *r, int64_t ts, int codec)
{
    static const uint8_t vin[] = "WVWZZZ1JZXW000001";
    memset(r, 0, sizeof *r);
    dev_move(d);
    d->heading += (double)rng_range(&d->rng, -5, 5);
    if (d->heading < 0) d->heading += 360;
    if (d->heading >= 360) d->heading -= 360;
    r->ts_ms = (uint64_t)ts;
    r->prio = 0;
    r->lat = (int32_t)lround(d->lat * 1e7);
    r->lon = (int32_t)lround(d->lon * 1e7);
    r->alt = (int16_t)(d->alt + rng_range(&d->rng, -3, 3));
    r->angle = (uint16_t)lround(d->heading) % 360;
    r->sats = (uint8_t)rng_range(&d->rng, 6, 14);
    r->speed = (uint16_t)lround(d->speed);
    r->event_id = 0;
    r->gen_type = 7;   /* periodical */
    int k = 0;
    r->io[k++] = (struct tio){ 239, 1, 1, NULL };                                  /* ignition */
    r->io[k++] = (struct tio){ 240, 1, 1, NULL };                                  /* movement */
    r->io[k++] = (struct tio){ 21, 1, (uint64_t)rng_range(&d->rng, 2, 5), NULL };  /* GSM signal */
    r->io[k++] = (struct tio){ 66, 2, (uint64_t)rng_range(&d->rng, 12000, 14200), NULL }; /* ext. voltage mV */
    r->io[k++] = (struct tio){ 67, 2, (uint64_t)rng_range(&d->rng, 3900, 4200), NULL };   /* battery mV */
    r->io[k++] = (struct tio){ 16, 4, d->odo, NULL };                              /* odometer m */
    r->io[k++] = (struct tio){ 78, 8, 0x01000016B8A3F2C4ULL + (uint64_t)d->idx, NULL }; /* iButton */
    if (codec != CODEC8)
        r->io[k++] = (struct tio){ 10800, 2, (uint64_t)rng_range(&d->rng, 0, 100), NULL };
    if (codec == CODEC8E)
        r->io[k++] = (struct tio){ 256, (uint16_t)(sizeof vin - 1), 0, vin };       /* VIN */
    r->nio = k;
}

/* build one message into o and register the answer it needs */
static void dev_build(struct dev *d, struct buf *o)
{
    int64_t now = wall_ms();
    int k = d->sent;
    if (d->proto == P_TELT) {
        static const int mix[3] = { CODEC8, CODEC8E, CODEC16 };
        int codec = d->codec >= 0 ? d->codec : mix[(d->idx + k) % 3];
        struct trec r[3];
        int nrec = (int)rng_range(&d->rng, 1, 3);
        for (int i = 0; i < nrec; i++)
            tel_make_record(d, &r[i], now - 300 - (int64_t)(nrec - 1 - i) * 1000, codec);
        if (opt.udp) {
            tel_udp_packet(o, d->pkt_id, d->avl_id, d->imei, codec, r, nrec);
            dev_want(d, W_UDP, d->pkt_id, d->avl_id, (uint32_t)nrec);
            d->pkt_id++;
            d->avl_id++;
        } else {
            tel_tcp_packet(o, codec, r, nrec);
            dev_want(d, W_TEL_COUNT, (uint32_t)nrec, 0, 0);
        }
        total_records[P_TELT] += nrec;
        note(0, P_TELT, d->imei, T_POSITION);
    } else {
        if (k % 3 == 2) {
            gt06_heartbeat(o, 0x46, (unsigned)rng_range(&d->rng, 3, 6),
                           (unsigned)rng_range(&d->rng, 2, 4), d->serial);
            dev_want(d, W_GT06, GT_HEARTBEAT, d->serial, 0);
            note(0, P_GT06, d->imei, T_HEARTBEAT);
        } else {
            struct gtpos g;
            dev_move(d);
            d->heading += (double)rng_range(&d->rng, -5, 5);
            if (d->heading < 0) d->heading += 360;
            if (d->heading >= 360) d->heading -= 360;
            g.time_ms = now - 1000;
            g.sats = (unsigned)rng_range(&d->rng, 5, 12);
            g.lat = d->lat;
            g.lon = d->lon;
            g.speed = (unsigned)lround(d->speed);
            g.course = (unsigned)lround(d->heading) % 360;
            g.fixed = true;
            g.mcc = d->idx % 2 ? 722 : 460;
            g.mnc = d->idx % 2 ? 7 : 0;
            g.lac = 0x2800 + (unsigned)(d->idx & 0xFF);
            g.cell = 0x00A000u + (uint32_t)rng_range(&d->rng, 0, 0xFFF);
            unsigned proto = d->idx % 2 ? GT_LOC22 : GT_LOC;
            gt06_location(o, proto, &g, d->serial);
            dev_want(d, W_GT06, proto, d->serial, 0);
            total_records[P_GT06]++;
            note(0, P_GT06, d->imei, T_POSITION);
        }
        d->serial++;
    }
    d->sent++;
}

static void dev_send(struct dev *d)
{
    struct buf o;
    o.n = 0;
    o.over = false;
    int limit = opt.messages;
    if (opt.pause_after > 0 && d->sent < opt.pause_after && opt.pause_after < limit)
        limit = opt.pause_after;
    bool tcp = !(opt.udp && d->proto == P_TELT);
    dev_build(d, &o);
    if (opt.coalesce && tcp && d->sent < limit)
        dev_build(d, &o);              /* two messages in one write */
    if (dev_write(d, &o) < 0) return;
    d->st = D_ACK_WAIT;
}

static void dev_close(struct dev *d)
{
    if (d->fd < 0) return;
    if (opt.rst && d->gidx == ndev - 1 && !(opt.udp && d->proto == P_TELT)) {
        struct linger l = { 1, 0 };
        setsockopt(d->fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    }
    close(d->fd);
    d->fd = -1;
    d->st = D_DONE;
}

/* all awaited answers have arrived */
static void dev_answered(struct dev *d, int64_t now)
{
    if (d->sent >= opt.messages) {
        d->st = D_HOLD;
        d->due = now + opt.hold_ms;
    } else if (opt.pause_after > 0 && d->sent == opt.pause_after && !pause_released) {
        d->st = D_BARRIER;
    } else {
        d->st = D_SEND;
        d->due = now + opt.interval_ms;
    }
}

static void dev_readable(struct dev *d, int64_t now)
{
    ssize_t r = recv(d->fd, d->in + d->inlen, sizeof d->in - d->inlen, 0);
    if (r < 0 && errno == EINTR) return;
    if (r <= 0) {
        dev_fail(d, "server %s in state '%s'", r == 0 ? "closed the connection" : strerror(errno),
                 dstate_name[d->st]);
        return;
    }
    bool udp = opt.udp && d->proto == P_TELT;
    d->inlen += (size_t)r;
    for (;;) {
        if (d->nwant == 0) {
            if (d->inlen) dev_fail(d, "%zu unexpected bytes from the server", d->inlen);
            return;
        }
        struct want *w = &d->want[0];
        size_t used = 0;
        if (w->kind == W_TEL_LOGIN) {
            if (d->inlen < 1) return;
            if (d->in[0] != 0x01) { dev_fail(d, "login rejected (0x%02X)", d->in[0]); return; }
            used = 1;
        } else if (w->kind == W_TEL_COUNT) {
            if (d->inlen < 4) return;
            uint32_t cnt = get_be32(d->in);
            if (cnt != w->a) { dev_fail(d, "server accepted %u records, sent %u", cnt, w->a); return; }
            used = 4;
        } else if (w->kind == W_UDP) {
            if (d->inlen != 7 || d->in[0] != 0 || d->in[1] != 5 || get_be16(d->in + 2) != w->a ||
                d->in[4] != 0x01 || d->in[5] != w->b || d->in[6] != w->c) {
                dev_fail(d, "bad UDP ACK (%zu bytes) for packet 0x%04X", d->inlen, w->a);
                return;
            }
            used = 7;
        } else {
            if (d->inlen < 3) return;
            if (d->in[0] != 0x78 || d->in[1] != 0x78) { dev_fail(d, "bad GT06 answer start"); return; }
            size_t n = (size_t)d->in[2] + 5;
            if (d->inlen < n) return;
            uint16_t serial;
            const char *why = NULL;
            int p = gt06_check(d->in, n, &serial, &why);
            if (p < 0) { dev_fail(d, "GT06 answer: %s", why); return; }
            if ((uint32_t)p != w->a || serial != w->b || n != 10) {
                dev_fail(d, "GT06 answer 0x%02X serial %u, wanted 0x%02X serial %u", (unsigned)p,
                         serial, w->a, w->b);
                return;
            }
            used = n;
        }
        memmove(d->in, d->in + used, d->inlen - used);
        d->inlen -= used;
        d->answers++;
        d->want[0] = d->want[1];
        if (--d->nwant == 0) dev_answered(d, now);
        if (udp) return;
    }
}

/* ------------------------------------------------------------------ */
/* server                                                               */

struct sconn {
    int fd, proto;
    char imei[16];
    bool logged;
    uint8_t in[IN_MAX];
    size_t inlen;
    uint64_t rng;
};

static struct sconn *conns;
static int nconn, capconn;

static void sconn_close(int i)
{
    close(conns[i].fd);
    conns[i] = conns[--nconn];
}

static void server_accept(int lfd, int proto)
{
    int fd = accept(lfd, NULL, NULL);
    if (fd < 0) { server_error("accept: %s", strerror(errno)); return; }
    if (nconn == capconn) {
        int ncap = capconn ? capconn * 2 : 16;
        struct sconn *nc = realloc(conns, (size_t)ncap * sizeof *nc);
        if (!nc) { close(fd); server_error("out of memory"); return; }
        conns = nc;
        capconn = ncap;
    }
    if (opt.split) set_nodelay(fd);
    struct sconn *c = &conns[nconn++];
    memset(c, 0, sizeof *c);
    c->fd = fd;
    c->proto = proto;
    c->rng = opt.seed ^ 0xD1B54A32D192ED03ULL ^ (uint64_t)(nconn * 7919 + proto);
}

/* Parse every complete message in c->in; append the answers to o.
 * Returns -1 when the stream cannot be parsed any further. */
static int server_parse(struct sconn *c, struct buf *o)
{
    size_t off = 0;
    int rc = 0;
    while (off < c->inlen) {
        const uint8_t *p = c->in + off;
        size_t n = c->inlen - off;
        const char *why = NULL;
        if (c->proto == P_TELT && !c->logged) {
            if (n < 2) break;
            size_t len = get_be16(p);
            if (len < 1 || len > 17) { server_error("teltonika: bad IMEI length %zu", len); rc = -1; break; }
            if (n < 2 + len) break;
            memcpy(c->imei, p + 2, len);
            c->imei[len] = 0;
            for (size_t i = 0; i < len; i++)
                if (c->imei[i] < '0' || c->imei[i] > '9') { server_error("teltonika: IMEI not digits"); rc = -1; }
            if (rc) break;
            c->logged = true;
            put_u8(o, 0x01);
            note(1, P_TELT, c->imei, T_ACK);
            off += 2 + len;
        } else if (c->proto == P_TELT) {
            if (n < 8) break;
            if (get_be32(p) != 0) { server_error("teltonika %s: no zero preamble", c->imei); rc = -1; break; }
            size_t dlen = get_be32(p + 4);
            if (dlen < 3 || dlen > IN_MAX - 12) { server_error("teltonika %s: bad data length %zu", c->imei, dlen); rc = -1; break; }
            if (n < 12 + dlen) break;
            uint32_t crc = get_be32(p + 8 + dlen);
            uint16_t want = crc16_arc(p + 8, dlen);
            int nrec = tel_check_body(p + 8, dlen, &why);
            if (crc != want) { server_error("teltonika %s: CRC 0x%08X, computed 0x%04X", c->imei, crc, want); nrec = 0; }
            else if (nrec < 0) { server_error("teltonika %s: %s", c->imei, why); nrec = 0; }
            put_be32(o, (uint32_t)nrec);
            note(1, P_TELT, c->imei, T_ACK);
            off += 12 + dlen;
        } else {
            if (n < 3) break;
            if (p[0] != 0x78 || p[1] != 0x78) { server_error("gt06: bad start bytes"); rc = -1; break; }
            size_t len = (size_t)p[2] + 5;
            if (n < len) break;
            uint16_t serial;
            int pn = gt06_check(p, len, &serial, &why);
            if (pn < 0) { server_error("gt06 %s: %s", c->imei, why); rc = -1; break; }
            if (pn == GT_LOGIN) {
                if (len != 18) { server_error("gt06: login length %zu", len); rc = -1; break; }
                char d[17];
                for (int i = 0; i < 8; i++) {
                    d[2 * i] = (char)('0' + (p[4 + i] >> 4));
                    d[2 * i + 1] = (char)('0' + (p[4 + i] & 0x0F));
                }
                d[16] = 0;
                memcpy(c->imei, d + 1, 16);
                c->logged = true;
            } else if (!c->logged) {
                server_error("gt06: protocol 0x%02X before the login", (unsigned)pn);
            } else if (pn == GT_LOC && len != 0x1F + 5) {
                server_error("gt06 %s: 0x12 length %zu", c->imei, len);
            } else if (pn == GT_LOC22 && len != 0x22 + 5) {
                server_error("gt06 %s: 0x22 length %zu", c->imei, len);
            } else if (pn == GT_HEARTBEAT && len != 0x0A + 5) {
                server_error("gt06 %s: 0x13 length %zu", c->imei, len);
            }
            gt06_echo(o, (unsigned)pn, serial);
            note(1, P_GT06, c->imei, T_ACK);
            off += len;
        }
    }
    memmove(c->in, c->in + off, c->inlen - off);
    c->inlen -= off;
    return rc;
}

/* returns false when the connection was closed (and removed) */
static bool server_readable(int i)
{
    struct sconn *c = &conns[i];
    if (c->inlen == sizeof c->in) { server_error("input buffer full"); sconn_close(i); return false; }
    ssize_t r = recv(c->fd, c->in + c->inlen, sizeof c->in - c->inlen, 0);
    if (r < 0 && errno == EINTR) return true;
    if (r <= 0) {
        if (c->inlen)
            server_error("%s %s: connection ended with %zu unparsed bytes", proto_name[c->proto],
                         c->imei, c->inlen);
        sconn_close(i);
        return false;
    }
    c->inlen += (size_t)r;
    struct buf o;
    o.n = 0;
    o.over = false;
    int rc = server_parse(c, &o);
    if (o.n && send_all(c->fd, o.b, o.n, &c->rng) < 0)
        server_error("send to %s: %s", c->imei, strerror(errno));
    if (rc < 0) { sconn_close(i); return false; }
    return true;
}

static void server_udp(int fd)
{
    uint8_t p[IN_MAX];
    struct sockaddr_storage from;
    socklen_t fl = sizeof from;
    ssize_t r = recvfrom(fd, p, sizeof p, 0, (struct sockaddr *)&from, &fl);
    if (r < 0) { if (errno != EINTR) server_error("recvfrom: %s", strerror(errno)); return; }
    size_t n = (size_t)r;
    if (n < 8 || get_be16(p) != n - 2 || p[4] != 0x01) { server_error("udp: bad channel header"); return; }
    uint16_t pid = (uint16_t)get_be16(p + 2);
    uint8_t avl = p[5];
    size_t ilen = get_be16(p + 6);
    if (ilen < 1 || ilen > 17 || 8 + ilen > n) { server_error("udp: bad IMEI length"); return; }
    char imei[18];
    memcpy(imei, p + 8, ilen);
    imei[ilen] = 0;
    const char *why = NULL;
    int nrec = tel_check_body(p + 8 + ilen, n - 8 - ilen, &why);
    if (nrec < 0) { server_error("udp %s: %s", imei, why); nrec = 0; }
    uint8_t ack[7] = { 0x00, 0x05, (uint8_t)(pid >> 8), (uint8_t)pid, 0x01, avl, (uint8_t)nrec };
    if (sendto(fd, ack, sizeof ack, 0, (struct sockaddr *)&from, fl) != (ssize_t)sizeof ack)
        server_error("udp sendto: %s", strerror(errno));
    note(1, P_TELT, imei, T_ACK);
}

/* ------------------------------------------------------------------ */
/* self-test                                                            */

static size_t unhex(const char *s, uint8_t *out, size_t max)
{
    size_t n = 0;
    int hi = -1;
    for (; *s && n < max; s++) {
        int v;
        if (*s >= '0' && *s <= '9') v = *s - '0';
        else if (*s >= 'a' && *s <= 'f') v = *s - 'a' + 10;
        else if (*s >= 'A' && *s <= 'F') v = *s - 'A' + 10;
        else continue;
        if (hi < 0) hi = v;
        else { out[n++] = (uint8_t)(hi << 4 | v); hi = -1; }
    }
    return n;
}

static int st_fail;
static void st_check(bool ok, const char *what)
{
    printf("%s: %s\n", ok ? "ok  " : "FAIL", what);
    if (!ok) st_fail++;
}
static bool same(const struct buf *o, const uint8_t *want, size_t n)
{
    return !o->over && o->n == n && memcmp(o->b, want, n) == 0;
}

static int self_test(void)
{
    const uint8_t check[] = "123456789";
    st_check(crc16_arc(check, 9) == 0xBB3D, "CRC-16/ARC check value 0xBB3D");
    st_check(crc16_x25(check, 9) == 0x906E, "CRC-16/X-25 check value 0x906E");

    /* GT06 login example and its answer */
    uint8_t ex[256];
    size_t exn = unhex("78 78 0D 01 01 23 45 67 89 01 23 45 00 01 8C DD 0D 0A", ex, sizeof ex);
    st_check(crc16_x25(ex + 2, exn - 6) == 0x8CDD, "GT06 login example CRC-16/X-25 = 0x8CDD");
    struct buf o;
    o.n = 0; o.over = false;
    gt06_login(&o, "123456789012345", 1);
    st_check(same(&o, ex, exn), "GT06 login encoder reproduces the example byte for byte");
    exn = unhex("78 78 05 01 00 01 D9 DC 0D 0A", ex, sizeof ex);
    o.n = 0;
    gt06_echo(&o, GT_LOGIN, 1);
    st_check(same(&o, ex, exn), "GT06 login answer encoder reproduces 7878050100 01D9DC0D0A");

    /* Teltonika codec 8 wiki example */
    exn = unhex("000000000000003608010000016B40D8EA30010000000000000000000000000000000105021503010101"
                "425E0F01F10000601A014E0000000000000000010000C7CF", ex, sizeof ex);
    st_check(crc16_arc(ex + 8, exn - 12) == 0xC7CF, "Teltonika codec 8 example CRC-16/ARC = 0xC7CF");
    struct trec r;
    memset(&r, 0, sizeof r);
    r.ts_ms = 0x16B40D8EA30ULL;
    r.prio = 1;
    r.event_id = 1;
    r.io[0] = (struct tio){ 0x15, 1, 3, NULL };
    r.io[1] = (struct tio){ 0x01, 1, 1, NULL };
    r.io[2] = (struct tio){ 0x42, 2, 0x5E0F, NULL };
    r.io[3] = (struct tio){ 0xF1, 4, 0x601A, NULL };
    r.io[4] = (struct tio){ 0x4E, 8, 0, NULL };
    r.nio = 5;
    o.n = 0;
    tel_tcp_packet(&o, CODEC8, &r, 1);
    st_check(same(&o, ex, exn), "Teltonika codec 8 encoder reproduces the wiki example byte for byte");
    const char *why = "";
    st_check(tel_check_body(ex + 8, exn - 12, &why) == 1, "Teltonika body checker accepts the example");

    /* Teltonika UDP header layout (Traccar test vector, codec 8, IMEI 357454072713975) */
    exn = unhex("0049cafe0122000f33353734353430373237313339373508010000015d3766f6a800003eef961ec6215e"
                "0063006d09003100070401000200f001c8000242381c18003201c7000000e10001", ex, sizeof ex);
    st_check(tel_check_body(ex + 8 + 15, exn - 8 - 15, &why) == 1, "Teltonika UDP vector body walks");
    memset(&r, 0, sizeof r);
    r.ts_ms = 0x15d3766f6a8ULL;
    r.lon = 0x003eef96;
    r.lat = 0x1ec6215e;
    r.alt = 0x63;
    r.angle = 0x6d;
    r.sats = 9;
    r.speed = 0x31;
    r.event_id = 0;
    r.io[0] = (struct tio){ 0x01, 1, 0, NULL };
    r.io[1] = (struct tio){ 0x02, 1, 0, NULL };
    r.io[2] = (struct tio){ 0xf0, 1, 1, NULL };
    r.io[3] = (struct tio){ 0xc8, 1, 0, NULL };
    r.io[4] = (struct tio){ 0x42, 2, 0x381c, NULL };
    r.io[5] = (struct tio){ 0x18, 2, 0x32, NULL };
    r.io[6] = (struct tio){ 0xc7, 4, 0xe1, NULL };
    r.nio = 7;
    o.n = 0;
    tel_udp_packet(&o, 0xCAFE, 0x22, "357454072713975", CODEC8, &r, 1);
    st_check(same(&o, ex, exn), "Teltonika UDP encoder reproduces the Traccar vector byte for byte");

    /* round trips through the server-side checkers, every codec */
    opt.udp = false;
    struct dev d;
    dev_init(&d, P_TELT, 3, 0);
    static const int codecs[3] = { CODEC8, CODEC8E, CODEC16 };
    for (int i = 0; i < 3; i++) {
        struct trec rr[3];
        for (int k = 0; k < 3; k++) tel_make_record(&d, &rr[k], 1700000000000LL + k * 1000, codecs[i]);
        o.n = 0;
        tel_tcp_packet(&o, codecs[i], rr, 3);
        bool ok = !o.over && get_be32(o.b + 4) == o.n - 12 &&
                  get_be32(o.b + o.n - 4) == crc16_arc(o.b + 8, o.n - 12) &&
                  tel_check_body(o.b + 8, o.n - 12, &why) == 3;
        char what[80];
        snprintf(what, sizeof what, "Teltonika codec 0x%02X packet of 3 records checks", codecs[i]);
        st_check(ok, what);
    }
    struct gtpos g = { 1700000000000LL, 9, -34.6, -58.4, 60, 270, true, 722, 7, 0x2801, 0xA123 };
    for (int i = 0; i < 2; i++) {
        o.n = 0;
        unsigned pn = i ? GT_LOC22 : GT_LOC;
        gt06_location(&o, pn, &g, 7);
        uint16_t serial = 0;
        int got = gt06_check(o.b, o.n, &serial, &why);
        unsigned cs = (unsigned)get_be16(o.b + 20);
        /* 2023-11-14 22:13:20 UTC; south (bit 10 clear), west (bit 11), fixed (bit 12) */
        bool ok = got == (int)pn && serial == 7 && o.n == (i ? 0x22u : 0x1Fu) + 5 &&
                  o.b[4] == 23 && o.b[5] == 11 && o.b[6] == 14 && o.b[7] == 22 && o.b[8] == 13 &&
                  o.b[9] == 20 && o.b[10] == 0xC9 && get_be32(o.b + 11) == 62280000u &&
                  get_be32(o.b + 15) == 105120000u && o.b[19] == 60 && (cs & 0x3FF) == 270 &&
                  !(cs & 0x400) && (cs & 0x800) && (cs & 0x1000);
        st_check(ok, i ? "GT06 0x22 location encodes time, lat/lon, south/west, fixed" :
                         "GT06 0x12 location encodes time, lat/lon, south/west, fixed");
    }
    o.n = 0;
    gt06_heartbeat(&o, 0x46, 4, 3, 9);
    uint16_t hs = 0;
    st_check(gt06_check(o.b, o.n, &hs, &why) == GT_HEARTBEAT && hs == 9 && o.n == 15, "GT06 heartbeat frame checks");

    char imei[16];
    bool all = true;
    for (int i = 0; i < MAX_TELT; i++) { imei_teltonika(i, imei); all = all && luhn_ok(imei) && !strncmp(imei, "356307042441", 12); }
    st_check(all, "Teltonika IMEIs are 15 digits, prefix 356307042441, Luhn-valid");
    all = true;
    for (int i = 0; i < MAX_GT06; i++) { imei_gt06(i, imei); all = all && luhn_ok(imei) && !strncmp(imei, "35860801", 8); }
    st_check(all, "GT06 IMEIs are 15 digits, prefix 35860801, Luhn-valid");
    st_check(luhn_ok("356307042441013"), "Luhn check accepts the wiki IMEI 356307042441013");

    printf("self-test: %s\n", st_fail ? "FAILED" : "passed");
    return st_fail ? 1 : 0;
}

/* ------------------------------------------------------------------ */
/* main                                                                 */

static void usage(FILE *f)
{
    fprintf(f,
        "usage: trksim [options]\n"
        "Plays Teltonika and GT06 devices and their server over loopback sockets.\n"
        "  --teltonika N       Teltonika devices (default 2, max %d)\n"
        "  --gt06 N            GT06 devices (default 2, max %d)\n"
        "  --messages M        messages per device after the login (default 5)\n"
        "  --interval-ms T     pause between a device's messages (default 100)\n"
        "  --port-teltonika P  server port for Teltonika (default 5027)\n"
        "  --port-gt06 P       server port for GT06 (default 5023)\n"
        "  --host ADDR         numeric address to listen on and connect to (default 127.0.0.1)\n"
        "  --ipv6              use ::1\n"
        "  --udp               Teltonika over UDP instead of TCP\n"
        "  --codec C           Teltonika codec: 8, 8e, 16 or mix (default 8)\n"
        "  --seed S            PRNG seed (default 1)\n"
        "  --pre-ms T          wait T ms after connecting, before the login\n"
        "  --hold-ms T         keep connections open T ms after the last answer\n"
        "  --pause-after K     after K messages, wait until every device got there, then\n"
        "  --pause-ms T        pause T ms (for captures started mid-stream; writes '# pause')\n"
        "  --split             write each message in several small writes (TCP_NODELAY)\n"
        "  --coalesce          write two messages in one write\n"
        "  --rst               close the last device's connection with an RST\n"
        "  --manifest FILE     one line per message sent: <up|down> <proto> <imei> <type>\n"
        "  --timeout-ms T      give up after T ms (default: computed from the options)\n"
        "  --quiet             no per-device lines, only errors and the summary\n"
        "  --self-test         check the encoders against published examples and exit\n"
        "  -h, --help          this text\n", MAX_TELT, MAX_GT06);
}

static bool parse_int(const char *s, long lo, long hi, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) return false;
    *out = (int)v;
    return true;
}

int main(int argc, char **argv)
{
    enum {
        O_TELT = 256, O_GT06, O_MSG, O_INT, O_PT, O_PG, O_HOST, O_V6, O_UDP, O_SEED, O_HOLD, O_PRE,
        O_SPLIT, O_COAL, O_RST, O_MAN, O_QUIET, O_CODEC, O_PAFTER, O_PMS, O_TMO, O_SELF,
    };
    static const struct option lo[] = {
        { "teltonika", required_argument, NULL, O_TELT },
        { "gt06", required_argument, NULL, O_GT06 },
        { "messages", required_argument, NULL, O_MSG },
        { "interval-ms", required_argument, NULL, O_INT },
        { "port-teltonika", required_argument, NULL, O_PT },
        { "port-gt06", required_argument, NULL, O_PG },
        { "host", required_argument, NULL, O_HOST },
        { "ipv6", no_argument, NULL, O_V6 },
        { "udp", no_argument, NULL, O_UDP },
        { "seed", required_argument, NULL, O_SEED },
        { "hold-ms", required_argument, NULL, O_HOLD },
        { "pre-ms", required_argument, NULL, O_PRE },
        { "split", no_argument, NULL, O_SPLIT },
        { "coalesce", no_argument, NULL, O_COAL },
        { "rst", no_argument, NULL, O_RST },
        { "manifest", required_argument, NULL, O_MAN },
        { "quiet", no_argument, NULL, O_QUIET },
        { "codec", required_argument, NULL, O_CODEC },
        { "pause-after", required_argument, NULL, O_PAFTER },
        { "pause-ms", required_argument, NULL, O_PMS },
        { "timeout-ms", required_argument, NULL, O_TMO },
        { "self-test", no_argument, NULL, O_SELF },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;
    bool ok = true;
    while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        switch (c) {
        case O_TELT: ok = parse_int(optarg, 0, MAX_TELT, &opt.ntelt); break;
        case O_GT06: ok = parse_int(optarg, 0, MAX_GT06, &opt.ngt06); break;
        case O_MSG: ok = parse_int(optarg, 0, 100000, &opt.messages); break;
        case O_INT: ok = parse_int(optarg, 0, 3600000, &opt.interval_ms); break;
        case O_PT: ok = parse_int(optarg, 1, 65535, &opt.port_telt); break;
        case O_PG: ok = parse_int(optarg, 1, 65535, &opt.port_gt06); break;
        case O_HOST: opt.host = optarg; break;
        case O_V6: opt.ipv6 = true; break;
        case O_UDP: opt.udp = true; break;
        case O_SEED: {
            char *end;
            errno = 0;
            opt.seed = strtoull(optarg, &end, 0);
            ok = !errno && end != optarg && !*end;
            break;
        }
        case O_HOLD: ok = parse_int(optarg, 0, 3600000, &opt.hold_ms); break;
        case O_PRE: ok = parse_int(optarg, 0, 3600000, &opt.pre_ms); break;
        case O_SPLIT: opt.split = true; break;
        case O_COAL: opt.coalesce = true; break;
        case O_RST: opt.rst = true; break;
        case O_MAN: opt.manifest = optarg; break;
        case O_QUIET: opt.quiet = true; break;
        case O_CODEC:
            if (!strcmp(optarg, "8")) opt.codec = CODEC8;
            else if (!strcasecmp(optarg, "8e")) opt.codec = CODEC8E;
            else if (!strcmp(optarg, "16")) opt.codec = CODEC16;
            else if (!strcmp(optarg, "mix")) opt.codec = -1;
            else ok = false;
            break;
        case O_PAFTER: ok = parse_int(optarg, 0, 100000, &opt.pause_after); break;
        case O_PMS: ok = parse_int(optarg, 0, 3600000, &opt.pause_ms); break;
        case O_TMO: ok = parse_int(optarg, 1, 86400000, &opt.timeout_ms); break;
        case O_SELF: return self_test();
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
        if (!ok) {
            fprintf(stderr, "trksim: bad value for --%s: %s\n", lo[c - O_TELT].name, optarg);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "trksim: unexpected argument: %s\n", argv[optind]);
        usage(stderr);
        return 2;
    }
    if (opt.port_telt == opt.port_gt06 && !opt.udp && opt.ntelt && opt.ngt06) {
        fprintf(stderr, "trksim: the two protocols need different ports\n");
        return 2;
    }
    if (resolve() < 0) return 2;
    signal(SIGPIPE, SIG_IGN);

    /* two descriptors per TCP device (its own and the server's side) */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }

    if (opt.manifest) {
        manifest = fopen(opt.manifest, "w");
        if (!manifest) {
            fprintf(stderr, "trksim: %s: %s\n", opt.manifest, strerror(errno));
            return 1;
        }
        setvbuf(manifest, NULL, _IOLBF, 0);
        fprintf(manifest, "# trksim seed=%llu teltonika=%d gt06=%d messages=%d transport=%s codec=%s%s%s%s\n",
                (unsigned long long)opt.seed, opt.ntelt, opt.ngt06, opt.messages,
                opt.udp ? "udp" : "tcp",
                opt.codec == CODEC8 ? "8" : opt.codec == CODEC8E ? "8e" : opt.codec == CODEC16 ? "16" : "mix",
                opt.split ? " split" : "", opt.coalesce ? " coalesce" : "", opt.rst ? " rst" : "");
    }

    int lt = -1, lg = -1, lu = -1;
    if (opt.ntelt) {
        if (opt.udp) lu = make_listener(P_TELT, SOCK_DGRAM);
        else lt = make_listener(P_TELT, SOCK_STREAM);
        if (lt < 0 && lu < 0) return 1;
    }
    if (opt.ngt06 && (lg = make_listener(P_GT06, SOCK_STREAM)) < 0) return 1;

    ndev = opt.ntelt + opt.ngt06;
    devs = calloc((size_t)(ndev ? ndev : 1), sizeof *devs);
    struct pollfd *pfd = calloc((size_t)(2 * ndev + 4), sizeof *pfd);
    int *pref = calloc((size_t)(2 * ndev + 4), sizeof *pref);
    if (!devs || !pfd || !pref) { fprintf(stderr, "trksim: out of memory\n"); return 1; }

    int64_t t0 = mono_ms();
    for (int i = 0; i < ndev; i++) {
        bool tel = i < opt.ntelt;
        dev_init(&devs[i], tel ? P_TELT : P_GT06, tel ? i : i - opt.ntelt, i);
        devs[i].due = t0 + 5 * i;     /* staggered starts keep the order stable */
    }
    int64_t budget = opt.timeout_ms ? opt.timeout_ms :
        10000 + opt.pre_ms + opt.hold_ms + opt.pause_ms + 5L * ndev +
        (int64_t)opt.messages * (opt.interval_ms + (opt.split ? 100 : 20));
    int64_t deadline = t0 + budget;
    bool timed_out = false;

    for (;;) {
        int64_t now = mono_ms();
        /* timers */
        for (int i = 0; i < ndev; i++) {
            struct dev *d = &devs[i];
            if (d->failed || d->due > now) continue;
            switch (d->st) {
            case D_START: dev_connect(d, now); if (d->st == D_PRE && d->due <= now) dev_login(d, now); break;
            case D_PRE: dev_login(d, now); break;
            case D_SEND: dev_send(d); break;
            case D_HOLD: dev_close(d); break;
            default: break;
            }
        }
        /* the pause barrier: release when no device is still before it */
        if (opt.pause_after > 0 && !pause_released) {
            bool any = false, all = true;
            for (int i = 0; i < ndev; i++) {
                if (devs[i].st == D_BARRIER) any = true;
                else if (devs[i].st != D_DONE) all = false;
            }
            if (any && all) {
                pause_released = true;
                now = mono_ms();
                if (manifest) fprintf(manifest, "# pause %d ms after %d messages per device\n",
                                      opt.pause_ms, opt.pause_after);
                for (int i = 0; i < ndev; i++)
                    if (devs[i].st == D_BARRIER) { devs[i].st = D_SEND; devs[i].due = now + opt.pause_ms; }
            }
        }
        bool active = false;
        int64_t next = deadline;
        for (int i = 0; i < ndev; i++) {
            struct dev *d = &devs[i];
            if (d->st == D_DONE) continue;
            active = true;
            if ((d->st == D_START || d->st == D_PRE || d->st == D_SEND || d->st == D_HOLD) && d->due < next)
                next = d->due;
        }
        if (!active && nconn == 0) break;
        if (now >= deadline) { timed_out = true; break; }

        int np = 0;
        if (lt >= 0) { pfd[np] = (struct pollfd){ lt, POLLIN, 0 }; pref[np++] = -1; }
        if (lg >= 0) { pfd[np] = (struct pollfd){ lg, POLLIN, 0 }; pref[np++] = -2; }
        if (lu >= 0) { pfd[np] = (struct pollfd){ lu, POLLIN, 0 }; pref[np++] = -3; }
        int firstconn = np;
        for (int i = 0; i < nconn && np < 2 * ndev + 4; i++) {
            pfd[np] = (struct pollfd){ conns[i].fd, POLLIN, 0 };
            pref[np++] = i;
        }
        int firstdev = np;
        for (int i = 0; i < ndev; i++) {
            if (devs[i].fd < 0 || devs[i].st == D_START || devs[i].st == D_DONE) continue;
            pfd[np] = (struct pollfd){ devs[i].fd, POLLIN, 0 };
            pref[np++] = i;
        }
        int64_t wait = next - now;
        if (wait < 0) wait = 0;
        int pr = poll(pfd, (nfds_t)np, (int)wait);
        if (pr < 0) {
            if (errno == EINTR) continue;
            perror("trksim: poll");
            return 1;
        }
        if (pr == 0) continue;
        now = mono_ms();
        /* devices first (their indices are stable), then server connections
         * from the highest index down, since closing one moves the last into its slot */
        for (int k = firstdev; k < np; k++)
            if (pfd[k].revents && devs[pref[k]].fd == pfd[k].fd) dev_readable(&devs[pref[k]], now);
        for (int k = firstdev - 1; k >= firstconn; k--)
            if (pfd[k].revents && pref[k] < nconn && conns[pref[k]].fd == pfd[k].fd) server_readable(pref[k]);
        for (int k = 0; k < firstconn; k++) {
            if (!pfd[k].revents) continue;
            if (pref[k] == -1) server_accept(lt, P_TELT);
            else if (pref[k] == -2) server_accept(lg, P_GT06);
            else server_udp(lu);
        }
    }

    if (timed_out) {
        for (int i = 0; i < ndev; i++)
            if (devs[i].st != D_DONE)
                dev_fail(&devs[i], "timeout after %lld ms in state '%s' (%d of %d messages sent)",
                         (long long)budget, dstate_name[devs[i].st], devs[i].sent, opt.messages);
        while (nconn) sconn_close(nconn - 1);
    }
    if (lt >= 0) close(lt);
    if (lg >= 0) close(lg);
    if (lu >= 0) close(lu);

    int failed = 0;
    long up = 0, down = 0;
    for (int dir = 0; dir < 2; dir++)
        for (int p = 0; p < 2; p++)
            for (int t = 0; t < T_N; t++) *(dir ? &down : &up) += counts[dir][p][t];
    for (int i = 0; i < ndev; i++) {
        struct dev *d = &devs[i];
        if (d->failed) failed++;
        if (!opt.quiet)
            fprintf(stderr, "trksim: %-9s %s %s: %d messages sent, %d answers%s%s\n", proto_name[d->proto],
                    d->imei, d->failed ? "FAILED" : "ok", d->sent, d->answers, d->failed ? ": " : "",
                    d->failed ? d->err : "");
    }
    if (manifest) {
        for (int dir = 0; dir < 2; dir++)
            for (int p = 0; p < 2; p++)
                for (int t = 0; t < T_N; t++)
                    if (counts[dir][p][t])
                        fprintf(manifest, "# count %s %s %s %ld\n", dir ? "down" : "up", proto_name[p],
                                type_name[t], counts[dir][p][t]);
        fprintf(manifest, "# records teltonika %ld\n# records gt06 %ld\n", total_records[P_TELT],
                total_records[P_GT06]);
        fprintf(manifest, "# total up %ld down %ld\n# result %s\n", up, down,
                failed || server_errors ? "failed" : "ok");
        fclose(manifest);
    }
    fprintf(stderr, "trksim: %s: %d teltonika (%s) + %d gt06 devices, %ld up / %ld down messages, "
            "%ld teltonika records, %d devices failed, %d server errors\n",
            failed || server_errors ? "FAILED" : "ok", opt.ntelt, opt.udp ? "udp" : "tcp", opt.ngt06,
            up, down, total_records[P_TELT], failed, server_errors);
    free(devs);
    free(pfd);
    free(pref);
    free(conns);
    return failed || server_errors ? 1 : 0;
}
