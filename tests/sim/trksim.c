/* trksim.c: tracker simulator for trackdump's captures and live tests.
 *
 * One poll()-driven process plays N Teltonika devices (TCP or UDP), N GT06
 * devices, devices of the other protocols of protocols.md section 1 (--proto
 * NAME=N) and the server that answers them, over real sockets on the loopback
 * interface.  It has its own small encoders and checkers for every protocol and
 * does not use trackdump's sources, so captures made with it test the
 * dissectors independently.  Runs are deterministic for a given --seed (apart
 * from the wall-clock timestamps inside the messages).
 *
 * With --manifest FILE it writes one line per message sent, by a device or by
 * the server: "<up|down> <proto> <imei> <type>", then counts as '#' comments.
 * Failure scenarios (for diagnosis captures, see usage()): no server on a port,
 * logins rejected, data never answered (resends and reconnects), device clocks
 * offset, devices falling silent, unknown codecs and bad CRCs, devices on their
 * own source addresses; the manifest then also records, as '#' comments, what
 * the scenario made happen.
 * Exit status: 0 when every device got every answer it expected (in a scenario:
 * when everything it planned happened, and nothing else went wrong), 1
 * otherwise, 2 on a usage error.  --self-test checks the encoders against
 * published examples and exits. */
#include <errno.h>
#include <fcntl.h>
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

/* the reflected CRC-16s: poly given reflected, init, final xor */
static uint16_t crc16_refl(const uint8_t *p, size_t n, uint16_t poly, uint16_t init, uint16_t xorout)
{
    uint16_t c = init;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int b = 0; b < 8; b++)
            c = (c & 1) ? (uint16_t)((c >> 1) ^ poly) : (uint16_t)(c >> 1);
    }
    return (uint16_t)(c ^ xorout);
}
/* CRC-16/ARC: 0x8005, init 0 */
static uint16_t crc16_arc(const uint8_t *p, size_t n) { return crc16_refl(p, n, 0xA001, 0, 0); }
/* CRC-16/X-25: 0x1021, init 0xFFFF, final xor 0xFFFF */
static uint16_t crc16_x25(const uint8_t *p, size_t n) { return crc16_refl(p, n, 0x8408, 0xFFFF, 0xFFFF); }
/* CRC-16/KERMIT: 0x1021, init 0 */
static uint16_t crc16_kermit(const uint8_t *p, size_t n) { return crc16_refl(p, n, 0x8408, 0, 0); }
/* CRC-16/MODBUS: 0x8005, init 0xFFFF */
static uint16_t crc16_modbus(const uint8_t *p, size_t n) { return crc16_refl(p, n, 0xA001, 0xFFFF, 0); }


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
/* other protocols: names, ports, shared text helpers                   */

/* every protocol besides Teltonika and GT06, in protocols.md section 1 order
 * of the simulator's implementation (text protocols first) */
enum {
    X_GPS103, X_TK103, X_H02, X_WIALON, X_WATCH, X_OSMAND,
    X_RUPTELA, X_GALILEO, X_JT808, X_MEILIGAO, X_ATRACK, X_EGTS, X_ARNAVI, X_CALAMP,
    X_QUECLINK, X_MEITRACK, X_SUNTECH, X_GOSAFE, X_NAVTELECOM, X_TOPFLYTECH, X_CELLOCATOR,
    NX
};
static const char *const xname[NX] = {
    "gps103", "tk103", "h02", "wialon", "watch", "osmand",
    "ruptela", "galileosky", "jt808", "meiligao", "atrack", "egts", "arnavi", "calamp",
    "queclink", "meitrack", "suntech", "gosafe", "navtelecom", "topflytech", "cellocator",
};
static const int xport_default[NX] = {
    5001, 5002, 5013, 5039, 5093, 5055,
    5046, 5034, 5015, 5009, 5044, 5162, 5100, 5082,
    5004, 5020, 5011, 5078, 5019, 5094, 5033,
};
static const bool xudp[NX] = {
    false, false, false, false, false, false,
    false, false, false, false, false, false, false, true,
    false, false, false, false, false, false, false,
};

static void put_str(struct buf *o, const char *s) { put_bytes(o, s, strlen(s)); }
static void put_fmt(struct buf *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put_fmt(struct buf *o, const char *fmt, ...)
{
    char t[1024];
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(t, sizeof t, fmt, ap);
    va_end(ap);
    if (k < 0 || (size_t)k >= sizeof t) { o->over = true; return; }
    put_bytes(o, t, (size_t)k);
}
static void buf_reset(struct buf *o) { o->n = 0; o->over = false; }

/* one fix as the devices report it */
struct fix {
    int64_t t_ms;          /* UTC, whole seconds */
    double lat, lon;       /* degrees, south/west negative */
    double speed;          /* km/h */
    double course;         /* degrees */
    int alt, sats;
};

static struct tm utc_tm(int64_t ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    return tm;
}

/* |v| as degrees and minutes: degw digits of degrees, mm, '.', dec digits of minutes */
static void fmt_dm(char *out, size_t cap, double v, int degw, int dec)
{
    long scale = 1;
    for (int i = 0; i < dec; i++) scale *= 10;
    long u = lround(fabs(v) * 60.0 * (double)scale);
    long deg = u / (60 * scale), rem = u % (60 * scale);
    snprintf(out, cap, "%0*ld%02ld.%0*ld", degw, deg, rem / scale, dec, rem % scale);
}

/* parse "ddmm.mmmm" (degw degree digits) back to degrees; NAN on a bad field */
static double parse_dm(const char *s, size_t n, int degw)
{
    char t[32];
    if (n < (size_t)degw + 2 || n >= sizeof t) return NAN;
    memcpy(t, s, n);
    t[n] = 0;
    for (size_t i = 0; i < n; i++)
        if (!((t[i] >= '0' && t[i] <= '9') || (t[i] == '.' && i == (size_t)degw + 2))) return NAN;
    double m = atof(t + degw);
    t[degw] = 0;
    return atof(t) + m / 60.0;
}

/* split s[0..n) at sep into at most max fields; returns the count */
struct field { const char *p; size_t n; };
static int split_fields(const char *s, size_t n, char sep, struct field *f, int max)
{
    int k = 0;
    size_t start = 0;
    for (size_t i = 0; i <= n && k < max; i++) {
        if (i == n || s[i] == sep) {
            f[k].p = s + start;
            f[k].n = i - start;
            k++;
            start = i + 1;
        }
    }
    return k;
}
static bool field_is(const struct field *f, const char *s)
{
    return f->n == strlen(s) && memcmp(f->p, s, f->n) == 0;
}
static bool all_digits(const char *s, size_t n)
{
    if (n == 0) return false;
    for (size_t i = 0; i < n; i++) if (s[i] < '0' || s[i] > '9') return false;
    return true;
}
/* find byte c in p[0..n); index or -1 */
static long find_byte(const uint8_t *p, size_t n, uint8_t c)
{
    const uint8_t *q = memchr(p, c, n);
    return q ? (long)(q - p) : -1;
}

/* identity: d->imei is what the protocol reports as the device identifier,
 * d->full the 15-digit IMEI behind it */
static void x_ident(int x, int idx, char id[16], char full[16])
{
    snprintf(full, 16, "86%02u47%08u", (unsigned)(10 + x) % 100u,
             (10000000u + (unsigned)(idx % 1000) * 7919u + (unsigned)x * 131u) % 100000000u);
    full[14] = (char)('0' + luhn_digit(full));
    full[15] = 0;
    switch (x) {
    case X_TK103: snprintf(id, 16, "%s", full + 3); break;          /* 12 digits */
    case X_H02: case X_WATCH: snprintf(id, 16, "%s", full + 5); break;   /* 10 digits */
    case X_OSMAND: snprintf(id, 16, "%08d", 48240000 + idx); break;
    case X_JT808: snprintf(id, 16, "%s", full + 3); break;          /* 12-digit terminal phone number */
    case X_MEILIGAO: snprintf(id, 16, "%s", full + 4); break;       /* 11 digits */
    case X_EGTS: snprintf(id, 16, "%d", 3000000 + idx * 17 + x); break;   /* terminal ID */
    case X_SUNTECH: snprintf(id, 16, "%s", full + 6); break;        /* last 9 digits of the IMEI */
    case X_CELLOCATOR: snprintf(id, 16, "%d", 1430000 + idx * 37); break;   /* unit ID, not the IMEI */
    default: snprintf(id, 16, "%s", full); break;
    }
}

/* ------------------------------------------------------------------ */
/* GPS103 / Coban: ';'-terminated ASCII                                 */

static void gps103_logon(struct buf *o, const char *imei) { put_fmt(o, "##,imei:%s,A;", imei); }
static void gps103_heartbeat(struct buf *o, const char *imei) { put_fmt(o, "%s;", imei); }

/* imei:<imei>,tracker,<local YYMMDDhhmmss>,,F,<UTC hhmmss.sss>,A,lat,N,lon,E,<knots>,<course>; */
static void gps103_position(struct buf *o, const char *imei, const char *keyword, int64_t local_ms,
                            const struct fix *f)
{
    struct tm l = utc_tm(local_ms), u = utc_tm(f->t_ms);
    char la[48], lo[48];
    fmt_dm(la, sizeof la, f->lat, 2, 4);
    fmt_dm(lo, sizeof lo, f->lon, 3, 4);
    put_fmt(o, "imei:%s,%s,%02d%02d%02d%02d%02d%02d,,F,%02d%02d%02d.%03d,A,%s,%c,%s,%c,%.2f,%.2f;",
            imei, keyword, l.tm_year % 100, l.tm_mon + 1, l.tm_mday, l.tm_hour, l.tm_min, l.tm_sec,
            u.tm_hour, u.tm_min, u.tm_sec, (int)(f->t_ms % 1000), la, f->lat < 0 ? 'S' : 'N', lo,
            f->lon < 0 ? 'W' : 'E', f->speed / 1.852, f->course);
}

/* ------------------------------------------------------------------ */
/* TK103: "(" id(12) command(4) data ")"                                */

/* YYMMDD A lat N lon E speed(5, km/h) hhmmss course(6) io(8) L mileage(8 hex) */
static void tk103_locblock(struct buf *o, const struct fix *f, const char *io, uint32_t mileage)
{
    struct tm u = utc_tm(f->t_ms);
    char la[48], lo[48];
    fmt_dm(la, sizeof la, f->lat, 2, 4);
    fmt_dm(lo, sizeof lo, f->lon, 3, 4);
    put_fmt(o, "%02d%02d%02dA%s%c%s%c%05.1f%02d%02d%02d%06.2f%sL%08X", u.tm_year % 100, u.tm_mon + 1,
            u.tm_mday, la, f->lat < 0 ? 'S' : 'N', lo, f->lon < 0 ? 'W' : 'E', f->speed, u.tm_hour,
            u.tm_min, u.tm_sec, f->course, io, mileage);
}
static void tk103_login(struct buf *o, const char *id, const char *imei, const struct fix *f, uint32_t mileage)
{
    put_fmt(o, "(%sBP05%s", id, imei);
    tk103_locblock(o, f, "00000000", mileage);
    put_u8(o, ')');
}
static void tk103_position(struct buf *o, const char *id, const struct fix *f, uint32_t mileage)
{
    put_fmt(o, "(%sBR00", id);
    tk103_locblock(o, f, "01000000", mileage);
    put_u8(o, ')');
}
static void tk103_handshake(struct buf *o, const char *id, const char *imei)
{
    put_fmt(o, "(%sBP00%sHSO)", id, imei);
}

/* ------------------------------------------------------------------ */
/* H02: "*HQ,id,CMD,...#"                                               */

static void h02_v1(struct buf *o, const char *id, const struct fix *f, const char *tail)
{
    struct tm u = utc_tm(f->t_ms);
    char la[48], lo[48];
    fmt_dm(la, sizeof la, f->lat, 2, 4);
    fmt_dm(lo, sizeof lo, f->lon, 3, 4);
    put_fmt(o, "*HQ,%s,V1,%02d%02d%02d,A,%s,%c,%s,%c,%06.2f,%03d,%02d%02d%02d,FFFFFBFF%s#", id,
            u.tm_hour, u.tm_min, u.tm_sec, la, f->lat < 0 ? 'S' : 'N', lo, f->lon < 0 ? 'W' : 'E',
            f->speed / 1.852, (int)lround(f->course) % 360, u.tm_mday, u.tm_mon + 1, u.tm_year % 100,
            tail);
}
static void h02_heartbeat(struct buf *o, const char *id, int battery)
{
    put_fmt(o, "*HQ,%s,HTBT,%d#", id, battery);
}
static void h02_heartbeat_answer(struct buf *o, const char *id) { put_fmt(o, "*HQ,%s,HTBT#", id); }

/* ------------------------------------------------------------------ */
/* Wialon IPS 2.0: "#TYPE#body\r\n", CRC-16/ARC in hex at the end       */

/* append the CRC of everything after "#TYPE#" (starting at body) and CR LF */
static void wialon_finish(struct buf *o, size_t body)
{
    if (o->over || body > o->n) { o->over = true; return; }
    put_fmt(o, "%04X\r\n", crc16_arc(o->b + body, o->n - body));
}
static void wialon_login(struct buf *o, const char *imei)
{
    put_str(o, "#L#");
    size_t body = o->n;
    put_fmt(o, "2.0;%s;NA;", imei);
    wialon_finish(o, body);
}
/* #D#date;time;lat1;lat2;lon1;lon2;speed;course;alt;sats;hdop;inputs;outputs;adc;ibutton;params;crc */
static void wialon_data(struct buf *o, const struct fix *f, const char *params)
{
    struct tm u = utc_tm(f->t_ms);
    char la[48], lo[48];
    fmt_dm(la, sizeof la, f->lat, 2, 5);
    fmt_dm(lo, sizeof lo, f->lon, 3, 5);
    put_str(o, "#D#");
    size_t body = o->n;
    put_fmt(o, "%02d%02d%02d;%02d%02d%02d;%s;%c;%s;%c;%d;%d;%d;%d;1.0;0;0;;NA;%s;", u.tm_mday,
            u.tm_mon + 1, u.tm_year % 100, u.tm_hour, u.tm_min, u.tm_sec, la, f->lat < 0 ? 'S' : 'N',
            lo, f->lon < 0 ? 'W' : 'E', (int)lround(f->speed), (int)lround(f->course) % 360, f->alt,
            f->sats, params);
    wialon_finish(o, body);
}
static void wialon_ping(struct buf *o) { put_str(o, "#P#\r\n"); }

/* ------------------------------------------------------------------ */
/* Watch (SeTracker): "[MF*id*LLLL*content]", LLLL = content length in hex */

static void watch_frame(struct buf *o, const char *id, const char *content)
{
    put_fmt(o, "[SG*%s*%04X*%s]", id, (unsigned)strlen(content), content);
}
static void watch_ud(struct buf *o, const char *id, const struct fix *f, int battery)
{
    struct tm u = utc_tm(f->t_ms);
    char c[300];
    snprintf(c, sizeof c, "UD,%02d%02d%02d,%02d%02d%02d,A,%.6f,%c,%.6f,%c,%.2f,%d,%d,%d,80,%d,0,0,"
             "00000000,0,1,,,,00", u.tm_mday, u.tm_mon + 1, u.tm_year % 100, u.tm_hour, u.tm_min,
             u.tm_sec, fabs(f->lat), f->lat < 0 ? 'S' : 'N', fabs(f->lon), f->lon < 0 ? 'W' : 'E',
             f->speed, (int)lround(f->course) % 360, f->alt, f->sats, battery);
    watch_frame(o, id, c);
}

/* ------------------------------------------------------------------ */
/* OsmAnd / Traccar Client: HTTP GET with a query string                */

static void osmand_request(struct buf *o, const char *id, const struct fix *f, int battery, int port)
{
    put_fmt(o, "GET /?id=%s&timestamp=%lld&lat=%.6f&lon=%.6f&speed=%.2f&bearing=%.1f&altitude=%d"
            "&batt=%d HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUser-Agent: trksim\r\n\r\n", id,
            (long long)(f->t_ms / 1000), f->lat, f->lon, f->speed / 1.852, f->course, f->alt,
            battery, port);
}
static void osmand_answer(struct buf *o)
{
    put_str(o, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
}

/* ------------------------------------------------------------------ */
/* more checksums                                                       */

/* CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, not reflected */
static uint16_t crc16_ccitt_false(const uint8_t *p, size_t n)
{
    uint16_t c = 0xFFFF;
    for (size_t i = 0; i < n; i++) {
        c ^= (uint16_t)(p[i] << 8);
        for (int b = 0; b < 8; b++)
            c = (c & 0x8000) ? (uint16_t)((c << 1) ^ 0x1021) : (uint16_t)(c << 1);
    }
    return c;
}
/* CRC-8 as EGTS uses it: poly 0x31, init 0xFF, not reflected */
static uint8_t crc8_egts(const uint8_t *p, size_t n)
{
    uint8_t c = 0xFF;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int b = 0; b < 8; b++)
            c = (c & 0x80) ? (uint8_t)((c << 1) ^ 0x31) : (uint8_t)(c << 1);
    }
    return c;
}
static uint8_t xor8(const uint8_t *p, size_t n)
{
    uint8_t x = 0;
    for (size_t i = 0; i < n; i++) x ^= p[i];
    return x;
}
static uint8_t sum8(const uint8_t *p, size_t n)
{
    uint8_t s = 0;
    for (size_t i = 0; i < n; i++) s = (uint8_t)(s + p[i]);
    return s;
}

static void put_le16(struct buf *o, unsigned v) { put_u8(o, v & 0xFF); put_u8(o, (v >> 8) & 0xFF); }
static void put_le24(struct buf *o, uint32_t v) { put_le16(o, v & 0xFFFF); put_u8(o, (v >> 16) & 0xFF); }
static void put_le32(struct buf *o, uint32_t v) { put_le16(o, v & 0xFFFF); put_le16(o, v >> 16); }
static void put_le64(struct buf *o, uint64_t v) { put_le32(o, (uint32_t)v); put_le32(o, (uint32_t)(v >> 32)); }
static void put_f32le(struct buf *o, float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    put_le32(o, u);
}
static void set_be16(struct buf *o, size_t at, unsigned v)
{
    if (at + 2 > o->n) { o->over = true; return; }
    o->b[at] = (uint8_t)(v >> 8);
    o->b[at + 1] = (uint8_t)v;
}
static void set_le16(struct buf *o, size_t at, unsigned v)
{
    if (at + 2 > o->n) { o->over = true; return; }
    o->b[at] = (uint8_t)v;
    o->b[at + 1] = (uint8_t)(v >> 8);
}
static uint32_t get_le16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t get_le32(const uint8_t *p) { return get_le16(p) | get_le16(p + 2) << 16; }
static uint64_t get_be64(const uint8_t *p) { return (uint64_t)get_be32(p) << 32 | get_be32(p + 4); }
static uint64_t get_le64(const uint8_t *p) { return (uint64_t)get_le32(p + 4) << 32 | get_le32(p); }

/* digits packed two per byte, the last byte's low nibble (and any further
 * bytes) filled with F: "13612345678" in 7 bytes is 13 61 23 45 67 8F FF */
static void put_bcd_f(struct buf *o, const char *digits, size_t width)
{
    size_t nd = strlen(digits);
    for (size_t i = 0; i < width; i++) {
        unsigned hi = 2 * i < nd ? (unsigned)(digits[2 * i] - '0') : 0xF;
        unsigned lo = 2 * i + 1 < nd ? (unsigned)(digits[2 * i + 1] - '0') : 0xF;
        put_u8(o, hi << 4 | lo);
    }
}
/* digits right-aligned in width bytes of BCD, zero-padded on the left */
static void put_bcd_0(struct buf *o, const char *digits, size_t width)
{
    char t[64];
    size_t nd = strlen(digits);
    if (nd > 2 * width || 2 * width >= sizeof t) { o->over = true; return; }
    memset(t, '0', 2 * width - nd);
    memcpy(t + 2 * width - nd, digits, nd + 1);
    for (size_t i = 0; i < width; i++) put_u8(o, (unsigned)(t[2 * i] - '0') << 4 | (unsigned)(t[2 * i + 1] - '0'));
}
/* BCD bytes back to digits; F nibbles end the number.  false on a bad nibble */
static bool get_bcd(const uint8_t *p, size_t width, char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < 2 * width && k + 1 < cap; i++) {
        unsigned v = i % 2 ? (p[i / 2] & 0x0F) : (p[i / 2] >> 4);
        if (v == 0xF) break;
        if (v > 9) return false;
        out[k++] = (char)('0' + v);
    }
    out[k] = 0;
    return true;
}
static unsigned bcd2(int v) { return (unsigned)((v / 10) << 4 | (v % 10)); }

/* ------------------------------------------------------------------ */
/* Ruptela: u16be length, IMEI u64be, command, payload, CRC-16/KERMIT   */

struct rio { uint16_t id; uint8_t len; uint64_t v; };   /* IO element, len 1, 2, 4 or 8 */
struct rrec {
    uint32_t time;                   /* Unix seconds, UTC */
    uint8_t ext, prio;
    int32_t lon, lat;                /* 1e-7 degrees */
    uint16_t alt, angle;             /* 0.1 m, 0.01 degree */
    uint8_t sats;
    uint16_t speed;                  /* km/h */
    uint8_t hdop, event;
    struct rio io[16];
    int nio;
};

static void ruptela_packet(struct buf *o, uint64_t imei, unsigned cmd, const uint8_t *pl, size_t n)
{
    size_t start = o->n;
    put_be16(o, (unsigned)(9 + n));
    put_be64(o, imei);
    put_u8(o, cmd);
    put_bytes(o, pl, n);
    if (o->over) return;
    put_be16(o, crc16_kermit(o->b + start + 2, o->n - start - 2));
}
/* command 1 payload: records left, count, records with 1-byte IO ids */
static void ruptela_records(struct buf *o, const struct rrec *r, int nrec)
{
    put_u8(o, 0);
    put_u8(o, (unsigned)nrec);
    for (int i = 0; i < nrec; i++) {
        const struct rrec *x = &r[i];
        put_be32(o, x->time);
        put_u8(o, x->ext);
        put_u8(o, x->prio);
        put_be32(o, (uint32_t)x->lon);
        put_be32(o, (uint32_t)x->lat);
        put_be16(o, x->alt);
        put_be16(o, x->angle);
        put_u8(o, x->sats);
        put_be16(o, x->speed);
        put_u8(o, x->hdop);
        put_u8(o, x->event);
        for (unsigned w = 1; w <= 8; w *= 2) {
            int cnt = 0;
            for (int k = 0; k < x->nio; k++) if (x->io[k].len == w) cnt++;
            put_u8(o, (unsigned)cnt);
            for (int k = 0; k < x->nio; k++)
                if (x->io[k].len == w) { put_u8(o, x->io[k].id); put_beN(o, x->io[k].v, w); }
        }
    }
}
/* the server's answer: length 2, answer code, result, CRC.  The records
 * answer is 0x64 (`00 02 64 01 13 BC`); other commands get 100 + command */
static void ruptela_answer(struct buf *o, unsigned cmd, unsigned result)
{
    size_t start = o->n;
    put_be16(o, 2);
    put_u8(o, cmd == 1 ? 100 : 100 + cmd);
    put_u8(o, result);
    if (o->over) return;
    put_be16(o, crc16_kermit(o->b + start + 2, 2));
}

/* ------------------------------------------------------------------ */
/* Galileosky: 0x01, u16le length, tags, CRC-16/MODBUS (LE)             */

static void galileo_finish(struct buf *o, size_t start)
{
    if (o->over || start + 3 > o->n) { o->over = true; return; }
    set_le16(o, start + 1, (unsigned)(o->n - start - 3));
    put_le16(o, crc16_modbus(o->b + start, o->n - start));
}
static void galileo_head(struct buf *o, const char *imei, unsigned devid)
{
    size_t start = o->n;
    put_u8(o, 0x01);
    put_le16(o, 0);
    put_u8(o, 0x01); put_u8(o, 0x82);               /* hardware version */
    put_u8(o, 0x02); put_u8(o, 0x13);               /* firmware version */
    put_u8(o, 0x03); put_bytes(o, imei, 15);        /* IMEI */
    put_u8(o, 0x04); put_le16(o, devid);            /* device number */
    galileo_finish(o, start);
}
static void galileo_main(struct buf *o, unsigned recno, const struct fix *f, unsigned power, unsigned batt)
{
    size_t start = o->n;
    put_u8(o, 0x01);
    put_le16(o, 0);
    put_u8(o, 0x10); put_le16(o, recno);
    put_u8(o, 0x20); put_le32(o, (uint32_t)(f->t_ms / 1000));
    put_u8(o, 0x30); put_u8(o, (unsigned)f->sats & 0x0F);   /* high nibble 0: valid */
    put_le32(o, (uint32_t)(int32_t)lround(f->lat * 1e6));
    put_le32(o, (uint32_t)(int32_t)lround(f->lon * 1e6));
    put_u8(o, 0x33); put_le16(o, (unsigned)lround(f->speed * 10)); put_le16(o, (unsigned)lround(f->course * 10));
    put_u8(o, 0x34); put_le16(o, (unsigned)(uint16_t)(int16_t)f->alt);
    put_u8(o, 0x35); put_u8(o, 9);
    put_u8(o, 0x40); put_le16(o, 0x3E00);
    put_u8(o, 0x41); put_le16(o, power);
    put_u8(o, 0x42); put_le16(o, batt);
    galileo_finish(o, start);
}
/* value width of a Galileosky tag; 0 unknown, -1 variable */
static int galileo_width(unsigned t)
{
    if (t == 0x01 || t == 0x02 || t == 0x35 || t == 0x43 || (t >= 0x88 && t <= 0x8C) ||
        (t >= 0xA0 && t <= 0xAF) || (t >= 0xC4 && t <= 0xD2) || t == 0xD5) return 1;
    if (t == 0x04 || t == 0x10 || t == 0x34 || (t >= 0x40 && t <= 0x42) || t == 0x45 || t == 0x46 ||
        (t >= 0x54 && t <= 0x62) || (t >= 0x70 && t <= 0x77) || (t >= 0xB0 && t <= 0xB9) ||
        (t >= 0xD6 && t <= 0xDA)) return 2;
    if (t == 0x5D || (t >= 0x63 && t <= 0x6F) || (t >= 0x80 && t <= 0x87) || t == 0xFA) return 3;
    if (t == 0x20 || t == 0x33 || t == 0x44 || t == 0x47 || t == 0x5A || t == 0x90 || t == 0xC0 ||
        t == 0xC2 || t == 0xC3 || t == 0xD3 || t == 0xD4 || (t >= 0xDB && t <= 0xDF) || t == 0xE2 ||
        t == 0xE9 || (t >= 0xF0 && t <= 0xF9) || t == 0xE0) return 4;
    if (t == 0x03) return 15;
    if (t == 0x30) return 9;
    if (t == 0x5C) return 68;
    if (t == 0xFD) return 8;
    if (t == 0xE1 || t == 0xEA || t == 0xFE || t == 0x5B) return -1;
    return 0;
}

/* ------------------------------------------------------------------ */
/* JT/T 808 (2013): 7E, escaped header + body + XOR, 7E                 */

/* frame an unescaped message (header + body) with its check code */
static void jt808_wrap(struct buf *o, const uint8_t *m, size_t n)
{
    uint8_t cs = xor8(m, n);
    put_u8(o, 0x7E);
    for (size_t i = 0; i <= n; i++) {
        uint8_t v = i < n ? m[i] : cs;
        if (v == 0x7E) { put_u8(o, 0x7D); put_u8(o, 0x02); }
        else if (v == 0x7D) { put_u8(o, 0x7D); put_u8(o, 0x01); }
        else put_u8(o, v);
    }
    put_u8(o, 0x7E);
}
static void jt808_msg(struct buf *o, unsigned id, const char *phone, uint16_t serial, const uint8_t *body, size_t n)
{
    struct buf m;
    buf_reset(&m);
    put_be16(&m, id);
    put_be16(&m, (unsigned)n & 0x3FF);
    put_bcd_0(&m, phone, 6);
    put_be16(&m, serial);
    put_bytes(&m, body, n);
    if (m.over) { o->over = true; return; }
    jt808_wrap(o, m.b, m.n);
}
static void jt808_register(struct buf *o, const char *phone, uint16_t serial)
{
    struct buf b;
    buf_reset(&b);
    put_be16(&b, 44);                                 /* province */
    put_be16(&b, 300);                                /* city */
    put_bytes(&b, "TRKSM", 5);                        /* manufacturer */
    static const char model[20] = "SIM-JT808";
    put_bytes(&b, model, 20);
    put_bytes(&b, "T000001", 7);                      /* terminal ID */
    put_u8(&b, 0);                                    /* no plate */
    jt808_msg(o, 0x0100, phone, serial, b.b, b.n);
}
static void jt808_location(struct buf *o, const char *phone, uint16_t serial, const struct fix *f, uint32_t mileage)
{
    struct buf b;
    buf_reset(&b);
    uint32_t st = 0x3;                                /* ACC on, fixed */
    if (f->lat < 0) st |= 1u << 2;
    if (f->lon < 0) st |= 1u << 3;
    put_be32(&b, 0);                                  /* alarms */
    put_be32(&b, st);
    put_be32(&b, (uint32_t)lround(fabs(f->lat) * 1e6));
    put_be32(&b, (uint32_t)lround(fabs(f->lon) * 1e6));
    put_be16(&b, (unsigned)(f->alt < 0 ? 0 : f->alt));
    put_be16(&b, (unsigned)lround(f->speed * 10));
    put_be16(&b, (unsigned)lround(f->course) % 360);
    struct tm u = utc_tm(f->t_ms + 8 * 3600 * 1000LL);  /* Beijing time */
    put_u8(&b, bcd2(u.tm_year % 100)); put_u8(&b, bcd2(u.tm_mon + 1)); put_u8(&b, bcd2(u.tm_mday));
    put_u8(&b, bcd2(u.tm_hour)); put_u8(&b, bcd2(u.tm_min)); put_u8(&b, bcd2(u.tm_sec));
    put_u8(&b, 0x01); put_u8(&b, 4); put_be32(&b, mileage / 100);   /* mileage, 0.1 km */
    put_u8(&b, 0x30); put_u8(&b, 1); put_u8(&b, 25);                /* RSSI */
    put_u8(&b, 0x31); put_u8(&b, 1); put_u8(&b, (unsigned)f->sats); /* satellites */
    jt808_msg(o, 0x0200, phone, serial, b.b, b.n);
}
static void jt808_general_answer(struct buf *o, const char *phone, uint16_t serial, uint16_t ack_serial, unsigned ack_id)
{
    uint8_t b[5] = { (uint8_t)(ack_serial >> 8), (uint8_t)ack_serial, (uint8_t)(ack_id >> 8), (uint8_t)ack_id, 0 };
    jt808_msg(o, 0x8001, phone, serial, b, sizeof b);
}
static void jt808_register_answer(struct buf *o, const char *phone, uint16_t serial, uint16_t ack_serial, const char *code)
{
    struct buf b;
    buf_reset(&b);
    put_be16(&b, ack_serial);
    put_u8(&b, 0);
    put_str(&b, code);
    jt808_msg(o, 0x8100, phone, serial, b.b, b.n);
}
/* unescape one 7E..7E frame into m; false on a bad escape */
static bool jt808_unescape(const uint8_t *p, size_t n, struct buf *m)
{
    buf_reset(m);
    for (size_t i = 1; i + 1 < n; i++) {
        if (p[i] == 0x7D) {
            if (i + 2 >= n || (p[i + 1] != 1 && p[i + 1] != 2)) return false;
            put_u8(m, p[i + 1] == 1 ? 0x7D : 0x7E);
            i++;
        } else put_u8(m, p[i]);
    }
    return !m->over;
}

/* ------------------------------------------------------------------ */
/* Meiligao: "$$", u16be length, ID(7), command, data, CRC-16/CCITT-FALSE, CR LF */

static void meiligao_packet(struct buf *o, const char *head, const char *id, unsigned cmd, const void *data, size_t n)
{
    size_t start = o->n;
    put_bytes(o, head, 2);
    put_be16(o, (unsigned)(2 + 2 + 7 + 2 + n + 2 + 2));
    put_bcd_f(o, id, 7);
    put_be16(o, cmd);
    put_bytes(o, data, n);
    if (o->over) return;
    put_be16(o, crc16_ccitt_false(o->b + start, o->n - start));
    put_u8(o, 0x0D);
    put_u8(o, 0x0A);
}
/* 0x9955 data: RMC-like fields, then '|' extras */
static void meiligao_position(struct buf *o, const char *id, const struct fix *f, const char *extras)
{
    struct tm u = utc_tm(f->t_ms);
    char la[48], lo[48], rmc[200], d[400];
    fmt_dm(la, sizeof la, f->lat, 2, 4);
    fmt_dm(lo, sizeof lo, f->lon, 3, 4);
    snprintf(rmc, sizeof rmc, "%02d%02d%02d.%03d,A,%s,%c,%s,%c,%.2f,%d,%02d%02d%02d,,", u.tm_hour, u.tm_min,
             u.tm_sec, (int)(f->t_ms % 1000), la, f->lat < 0 ? 'S' : 'N', lo, f->lon < 0 ? 'W' : 'E',
             f->speed / 1.852, (int)lround(f->course) % 360, u.tm_mday, u.tm_mon + 1, u.tm_year % 100);
    snprintf(d, sizeof d, "%s*%02X%s", rmc, xor8((const uint8_t *)rmc, strlen(rmc)), extras);
    meiligao_packet(o, "$$", id, 0x9955, d, strlen(d));
}

/* ------------------------------------------------------------------ */
/* ATrack binary: "@P", CRC-16/ARC, length, sequence, unit ID, records  */

static void atrack_position(struct buf *o, uint64_t unit, uint16_t seq, const struct fix *f, uint32_t odo_m)
{
    size_t start = o->n;
    put_u8(o, '@'); put_u8(o, 'P');
    put_be16(o, 0);
    put_be16(o, 0);
    put_be16(o, seq);
    put_be64(o, unit);
    uint32_t t = (uint32_t)(f->t_ms / 1000);
    put_be32(o, t); put_be32(o, t); put_be32(o, t + 1);       /* GPS, RTC, send time */
    put_be32(o, (uint32_t)(int32_t)lround(f->lon * 1e6));
    put_be32(o, (uint32_t)(int32_t)lround(f->lat * 1e6));
    put_be16(o, (unsigned)lround(f->course) % 360);
    put_u8(o, 2);                                             /* report ID: time interval */
    put_be32(o, odo_m / 100);                                 /* odometer, 0.1 km */
    put_be16(o, 9);                                           /* HDOP 0.9 */
    put_u8(o, 1);                                             /* inputs */
    put_be16(o, (unsigned)lround(f->speed));
    put_u8(o, 0);                                             /* outputs */
    put_be16(o, 12400);                                       /* analog mV */
    put_u8(o, 0);                                             /* driver ID "" */
    put_be16(o, 2000); put_be16(o, 2000);                     /* temperatures: not connected */
    put_u8(o, 0);                                             /* text "" */
    if (o->over) return;
    set_be16(o, start + 4, (unsigned)(o->n - start - 6));
    set_be16(o, start + 2, crc16_arc(o->b + start + 4, o->n - start - 4));
}
static void atrack_keepalive(struct buf *o, uint64_t unit, uint16_t seq)
{
    put_u8(o, 0xFE); put_u8(o, 0x02);
    put_be64(o, unit);
    put_be16(o, seq);
}

/* ------------------------------------------------------------------ */
/* EGTS: transport header with CRC-8, frame data with CRC-16/CCITT-FALSE */

#define EGTS_EPOCH 1262304000LL     /* 2010-01-01 00:00:00 UTC */

static void egts_packet(struct buf *o, unsigned pt, uint16_t pid, const uint8_t *sfrd, size_t n)
{
    size_t start = o->n;
    put_u8(o, 0x01);                 /* PRV */
    put_u8(o, 0x00);                 /* SKID */
    put_u8(o, 0x00);                 /* flags: no routing, no encryption, no compression */
    put_u8(o, 11);                   /* HL */
    put_u8(o, 0x00);                 /* HE */
    put_le16(o, (unsigned)n);
    put_le16(o, pid);
    put_u8(o, pt);
    if (o->over) return;
    put_u8(o, crc8_egts(o->b + start, 10));
    if (n) {
        put_bytes(o, sfrd, n);
        put_le16(o, crc16_ccitt_false(sfrd, n));
    }
}
/* one service record: RL, RN, RFL (with OID when oid != 0), SST, RST, subrecords */
static void egts_record(struct buf *o, uint16_t rn, uint32_t oid, unsigned service, const uint8_t *sub, size_t n)
{
    put_le16(o, (unsigned)n);
    put_le16(o, rn);
    put_u8(o, oid ? 0x01 : 0x00);
    if (oid) put_le32(o, oid);
    put_u8(o, service);
    put_u8(o, service);
    put_bytes(o, sub, n);
}
static void egts_subrecord(struct buf *o, unsigned srt, const uint8_t *d, size_t n)
{
    put_u8(o, srt);
    put_le16(o, (unsigned)n);
    put_bytes(o, d, n);
}
static void egts_auth(struct buf *o, uint16_t pid, uint16_t rn, uint32_t tid, const char *imei)
{
    struct buf s, r;
    buf_reset(&s); buf_reset(&r);
    uint8_t ti[20];
    ti[0] = (uint8_t)tid; ti[1] = (uint8_t)(tid >> 8); ti[2] = (uint8_t)(tid >> 16); ti[3] = (uint8_t)(tid >> 24);
    ti[4] = 0x02;                                     /* IMEIE */
    memcpy(ti + 5, imei, 15);
    egts_subrecord(&s, 1, ti, 20);                    /* TERM_IDENTITY */
    egts_record(&r, rn, 0, 1, s.b, s.n);              /* AUTH service */
    egts_packet(o, 1, pid, r.b, r.n);
}
static void egts_position(struct buf *o, uint16_t pid, uint16_t rn, uint32_t tid, const struct fix *f, uint32_t odo_m)
{
    struct buf d, s, r;
    buf_reset(&d); buf_reset(&s); buf_reset(&r);
    put_le32(&d, (uint32_t)(f->t_ms / 1000 - EGTS_EPOCH));
    put_le32(&d, (uint32_t)llround(fabs(f->lat) / 90.0 * 4294967295.0));
    put_le32(&d, (uint32_t)llround(fabs(f->lon) / 180.0 * 4294967295.0));
    unsigned flg = 0x01 | 0x02 | 0x10 | 0x80;         /* valid, 3D, moving, altitude present */
    if (f->lat < 0) flg |= 0x20;
    if (f->lon < 0) flg |= 0x40;
    put_u8(&d, flg);
    unsigned dir = (unsigned)lround(f->course) % 360;
    unsigned spd = (unsigned)lround(f->speed * 10) & 0x3FFF;
    if (f->alt < 0) spd |= 1u << 14;
    if (dir & 0x100) spd |= 1u << 15;
    put_le16(&d, spd);
    put_u8(&d, dir & 0xFF);
    put_le24(&d, odo_m / 100);
    put_u8(&d, 0);                                    /* digital inputs */
    put_u8(&d, 0);                                    /* source: timer */
    put_le24(&d, (uint32_t)abs(f->alt));
    egts_subrecord(&s, 16, d.b, d.n);                 /* POS_DATA */
    egts_record(&r, rn, tid, 2, s.b, s.n);            /* TELEDATA service */
    egts_packet(o, 1, pid, r.b, r.n);
}
/* PT_RESPONSE to packet rpid, with a RECORD_RESPONSE for record crn (none when nrec == 0) */
static void egts_response(struct buf *o, uint16_t pid, uint16_t rpid, int nrec, uint16_t rn, uint16_t crn, unsigned service)
{
    struct buf sf, s;
    buf_reset(&sf); buf_reset(&s);
    put_le16(&sf, rpid);
    put_u8(&sf, 0);
    if (nrec) {
        uint8_t rr[3] = { (uint8_t)crn, (uint8_t)(crn >> 8), 0 };
        egts_subrecord(&s, 0, rr, 3);
        egts_record(&sf, rn, 0, service, s.b, s.n);
    }
    egts_packet(o, 0, pid, sf.b, sf.n);
}
static void egts_result_code(struct buf *o, uint16_t pid, uint16_t rn)
{
    struct buf s, r;
    buf_reset(&s); buf_reset(&r);
    uint8_t rcd = 0;
    egts_subrecord(&s, 9, &rcd, 1);                   /* SR_RESULT_CODE */
    egts_record(&r, rn, 0, 1, s.b, s.n);
    egts_packet(o, 1, pid, r.b, r.n);
}

/* ------------------------------------------------------------------ */
/* Arnavi binary: header packet FF 22 IMEI; data packages [ seq ... ]   */

static void arnavi_header(struct buf *o, uint64_t imei)
{
    put_u8(o, 0xFF);
    put_u8(o, 0x22);
    put_le64(o, imei);
}
static void arnavi_package(struct buf *o, unsigned seq, const struct fix *f, unsigned power_mv, unsigned batt_mv)
{
    struct buf d;
    buf_reset(&d);
    put_u8(&d, 1); put_le16(&d, power_mv); put_le16(&d, batt_mv);          /* tag 1: power, battery */
    put_u8(&d, 3); put_f32le(&d, (float)f->lat);                          /* tag 3: latitude */
    put_u8(&d, 4); put_f32le(&d, (float)f->lon);                          /* tag 4: longitude */
    put_u8(&d, 5);                                                         /* tag 5: course/2, alt/10, sats, speed */
    put_u8(&d, ((unsigned)lround(f->course) % 360) / 2);
    put_u8(&d, (unsigned)(f->alt < 0 ? 0 : f->alt / 10) & 0xFF);
    put_u8(&d, (unsigned)f->sats & 0x0F);                                  /* GPS count; GLONASS nibble 0 */
    put_u8(&d, (unsigned)lround(f->speed) & 0xFF);
    struct buf t;
    buf_reset(&t);
    put_le32(&t, (uint32_t)(f->t_ms / 1000));
    put_u8(o, 0x5B);
    put_u8(o, seq & 0xFF);
    put_u8(o, 0x01);                                                       /* packet type: data */
    put_le16(o, (unsigned)d.n);
    put_bytes(o, t.b, t.n);
    put_bytes(o, d.b, d.n);
    put_u8(o, (unsigned)(sum8(t.b, t.n) + sum8(d.b, d.n)) & 0xFF);
    put_u8(o, 0x5D);
}

/* ------------------------------------------------------------------ */
/* CalAmp LM Direct (UDP): options header with the mobile ID, message header, event report */

struct calamp_ev {
    uint32_t update_time, fix_time;
    int32_t lat, lon, alt_cm;
    uint32_t speed_cms;
    int16_t heading;
    uint8_t sats, fix_status;
    uint16_t carrier;
    int16_t rssi;
    uint8_t comm, hdop, inputs, unit_status, event_index, event_code;
    uint8_t naccum;
    uint32_t accum[8];
};
static void calamp_event(struct buf *o, const char *mobile_id, unsigned id_type, unsigned service, uint16_t seq,
                         const struct calamp_ev *e)
{
    size_t nd = strlen(mobile_id);
    put_u8(o, 0x83);                                  /* options: mobile ID, mobile ID type */
    put_u8(o, (unsigned)(nd + 1) / 2);
    put_bcd_f(o, mobile_id, (nd + 1) / 2);
    put_u8(o, 1);
    put_u8(o, id_type);
    put_u8(o, service);
    put_u8(o, 2);                                     /* event report */
    put_be16(o, seq);
    put_be32(o, e->update_time);
    put_be32(o, e->fix_time);
    put_be32(o, (uint32_t)e->lat);
    put_be32(o, (uint32_t)e->lon);
    put_be32(o, (uint32_t)e->alt_cm);
    put_be32(o, e->speed_cms);
    put_be16(o, (uint16_t)e->heading);
    put_u8(o, e->sats);
    put_u8(o, e->fix_status);
    put_be16(o, e->carrier);
    put_be16(o, (uint16_t)e->rssi);
    put_u8(o, e->comm);
    put_u8(o, e->hdop);
    put_u8(o, e->inputs);
    put_u8(o, e->unit_status);
    put_u8(o, e->event_index);
    put_u8(o, e->event_code);
    put_u8(o, e->naccum & 0x3F);
    put_u8(o, 0);                                     /* append */
    for (unsigned i = 0; i < (e->naccum & 0x3F) && i < 8; i++) put_be32(o, e->accum[i]);
}
static void calamp_ack(struct buf *o, uint16_t seq, unsigned type)
{
    put_u8(o, 2);                                     /* service: response */
    put_u8(o, 1);                                     /* ACK/NAK */
    put_be16(o, seq);
    put_u8(o, type);
    put_u8(o, 0);                                     /* ACK */
    put_u8(o, 0);
    put_u8(o, 0); put_u8(o, 0); put_u8(o, 0);         /* app version */
}

/* ------------------------------------------------------------------ */
/* Queclink @Track ASCII: "+RESP:GTxxx,...,<send time>,<count>$"        */

static void ql_time(char out[24], int64_t ms)
{
    struct tm u = utc_tm(ms);
    snprintf(out, 24, "%04d%02d%02d%02d%02d%02d", (u.tm_year + 1900) % 10000, (u.tm_mon + 1) % 100,
             u.tm_mday % 100, u.tm_hour % 100, u.tm_min % 100, u.tm_sec % 100);
}
/* GTFRI with one location block (the GL300/CV100 layout) */
static void queclink_fri(struct buf *o, const char *ver, const char *imei, const char *name, const char *extpower,
                         int acc, const struct fix *f, double alt, const char *cell, double mileage, int batt,
                         const char *status, int64_t send_ms, unsigned count)
{
    char gt[24], st[24];
    ql_time(gt, f->t_ms);
    ql_time(st, send_ms);
    put_fmt(o, "+RESP:GTFRI,%s,%s,%s,%s,10,1,%d,%.1f,%d,%.1f,%.6f,%.6f,%s,%s,,%.1f,,,,%d,%s,,,,%s,%04X$", ver, imei,
            name, extpower, acc, f->speed, (int)lround(f->course) % 360, alt, f->lon, f->lat, gt, cell, mileage,
            batt, status, st, count & 0xFFFF);
}
static void queclink_hbd(struct buf *o, const char *ver, const char *imei, int64_t send_ms, unsigned count)
{
    char st[24];
    ql_time(st, send_ms);
    put_fmt(o, "+ACK:GTHBD,%s,%s,,%s,%04X$", ver, imei, st, count & 0xFFFF);
}

/* ------------------------------------------------------------------ */
/* Meitrack: "$$<flag><len>,<IMEI>,<cmd>,<payload>*<sum>\r\n"           */

static void meitrack_frame(struct buf *o, const char *head, char flag, const char *imei, const char *cmd,
                           const char *payload)
{
    char body[600];
    /* the length counts from the first comma through CR LF: ",imei,cmd,payload*XX\r\n" */
    int bl = snprintf(body, sizeof body, ",%s,%s,%s", imei, cmd, payload);
    if (bl < 0 || (size_t)bl >= sizeof body) { o->over = true; return; }
    size_t start = o->n;
    put_fmt(o, "%s%c%d%s*", head, flag, bl + 5, body);
    if (o->over) return;
    put_fmt(o, "%02X\r\n", sum8(o->b + start, o->n - start));
}
static void meitrack_aaa_payload(char *out, size_t cap, int event, const struct fix *f, int gsm, int hdop,
                                 uint32_t mileage, uint32_t runtime, const char *base, const char *ad)
{
    struct tm u = utc_tm(f->t_ms);
    snprintf(out, cap, "%d,%.6f,%.6f,%02d%02d%02d%02d%02d%02d,A,%d,%d,%d,%d,%d,%d,%u,%u,%s,0000,%s,", event, f->lat,
             f->lon, u.tm_year % 100, u.tm_mon + 1, u.tm_mday, u.tm_hour, u.tm_min, u.tm_sec, f->sats, gsm,
             (int)lround(f->speed), (int)lround(f->course) % 360, hdop, f->alt, mileage, runtime, base, ad);
}

/* ------------------------------------------------------------------ */
/* Suntech ST300 legacy ASCII: ';'-separated, ends with CR              */

static void suntech_stt(struct buf *o, const char *devid, const struct fix *f, const char *cell, uint32_t dist,
                        double volt, unsigned msgnum, const char *hmeter, double bck)
{
    struct tm u = utc_tm(f->t_ms);
    put_fmt(o, "ST300STT;%s;40;313;%04d%02d%02d;%02d:%02d:%02d;%s;%+010.6f;%+011.6f;%07.3f;%06.2f;%d;1;%u;%.2f;"
            "100000;2;%04u;%s;%.1f;1\r", devid, (u.tm_year + 1900) % 10000, (u.tm_mon + 1) % 100, u.tm_mday % 100,
            u.tm_hour % 100, u.tm_min % 100, u.tm_sec % 100, cell, f->lat, f->lon, f->speed, f->course,
            f->sats, dist, volt, msgnum % 10000, hmeter, bck);
}

/* ------------------------------------------------------------------ */
/* GoSafe ASCII: "*GS06,<imei>,<hhmmssDDMMYY>,,SYS:..,GPS:..,...#"      */

static void gosafe_report(struct buf *o, const char *imei, const struct fix *f, double hdop, uint32_t odo,
                          double v1, double v2, const char *tail)
{
    struct tm u = utc_tm(f->t_ms);
    put_fmt(o, "*GS06,%s,%02d%02d%02d%02d%02d%02d,,SYS:G6S;V3.37;V1.1.8,GPS:A;%d;%c%.6f;%c%.6f;%d;%d;%d;%.2f,"
            "COT:%u;,ADC:%.2f;%.2f,DTT:4000;E0;0;0;0;1%s#", imei, u.tm_hour, u.tm_min, u.tm_sec, u.tm_mday,
            u.tm_mon + 1, u.tm_year % 100, f->sats, f->lat < 0 ? 'S' : 'N', fabs(f->lat), f->lon < 0 ? 'W' : 'E',
            fabs(f->lon), (int)lround(f->speed), (int)lround(f->course) % 360, f->alt, hdop, odo, v1, v2, tail);
}

/* ------------------------------------------------------------------ */
/* Navtelecom: NTCB envelope for the handshake, then FLEX 1.0 packets   */

static void ntcb_frame(struct buf *o, uint32_t idr, uint32_t ids, const void *data, size_t n)
{
    size_t start = o->n;
    put_bytes(o, "@NTC", 4);
    put_le32(o, idr);
    put_le32(o, ids);
    put_le16(o, (unsigned)n);
    put_u8(o, xor8(data, n));
    if (o->over) return;
    put_u8(o, xor8(o->b + start, 15));
    put_bytes(o, data, n);
}
/* the FLEX fields the simulated devices report (bit index, width) */
static const struct { uint8_t bit, width; } flex_fields[] = {
    { 0, 4 },    /* record index u32 */
    { 1, 2 },    /* event code u16 */
    { 2, 4 },    /* event time u32, Unix UTC */
    { 7, 1 },    /* navigation state u8: bit0 on, bit1 valid fix, bits 2-7 satellites */
    { 8, 4 },    /* fix time u32 */
    { 9, 4 },    /* latitude i32 / 600000 */
    { 10, 4 },   /* longitude i32 / 600000 */
    { 11, 4 },   /* altitude i32, 0.1 m */
    { 12, 4 },   /* speed float32, km/h */
    { 13, 2 },   /* course u16 */
    { 14, 4 },   /* odometer float32, km */
    { 18, 2 },   /* main power u16, mV */
    { 19, 2 },   /* battery u16, mV */
};
#define FLEX_NFIELDS 20
static size_t flex_record_size(void)
{
    size_t s = 0;
    for (size_t i = 0; i < sizeof flex_fields / sizeof flex_fields[0]; i++) s += flex_fields[i].width;
    return s;
}
/* "*>FLEX" B0 version structure field-count bitfield (MSB first) */
static void flex_negotiation(struct buf *d)
{
    uint8_t bits[(FLEX_NFIELDS + 7) / 8] = { 0 };
    for (size_t i = 0; i < sizeof flex_fields / sizeof flex_fields[0]; i++)
        bits[flex_fields[i].bit / 8] |= (uint8_t)(0x80 >> (flex_fields[i].bit % 8));
    put_str(d, "*>FLEX");
    put_u8(d, 0xB0);
    put_u8(d, 0x0A);
    put_u8(d, 0x0A);
    put_u8(d, FLEX_NFIELDS);
    put_bytes(d, bits, sizeof bits);
}
static void flex_array(struct buf *o, uint32_t index, const struct fix *f, uint32_t odo_m, unsigned power, unsigned batt)
{
    size_t start = o->n;
    uint32_t t = (uint32_t)(f->t_ms / 1000);
    put_u8(o, '~');
    put_u8(o, 'A');
    put_u8(o, 1);
    put_le32(o, index);
    put_le16(o, 0);                                               /* event: periodic */
    put_le32(o, t);
    put_u8(o, ((unsigned)f->sats & 0x3F) << 2 | 0x03);
    put_le32(o, t);
    put_le32(o, (uint32_t)(int32_t)lround(f->lat * 600000.0));
    put_le32(o, (uint32_t)(int32_t)lround(f->lon * 600000.0));
    put_le32(o, (uint32_t)(int32_t)(f->alt * 10));
    put_f32le(o, (float)f->speed);
    put_le16(o, (unsigned)lround(f->course) % 360);
    put_f32le(o, (float)(odo_m / 1000.0));
    put_le16(o, power);
    put_le16(o, batt);
    if (o->over) return;
    put_u8(o, crc8_egts(o->b + start, o->n - start));
}
static void flex_array_answer(struct buf *o, unsigned count)
{
    size_t start = o->n;
    put_u8(o, '~');
    put_u8(o, 'A');
    put_u8(o, count);
    if (o->over) return;
    put_u8(o, crc8_egts(o->b + start, 3));
}

/* ------------------------------------------------------------------ */
/* Topflytech ("##" family): header, type, u16be total length, serial, BCD IMEI, body */

static void t800x_packet(struct buf *o, unsigned type, uint16_t serial, const char *imei, const uint8_t *body, size_t n)
{
    put_u8(o, '#');
    put_u8(o, '#');
    put_u8(o, type);
    put_be16(o, (unsigned)(15 + n));
    put_be16(o, serial);
    put_bcd_0(o, imei, 8);
    put_bytes(o, body, n);
}
/* the 15-byte answer: header, type, 00 0F, serial, IMEI */
static void t800x_answer(struct buf *o, unsigned type, uint16_t serial, const char *imei)
{
    t800x_packet(o, type, serial, imei, NULL, 0);
}
static void t800x_login(struct buf *o, uint16_t serial, const char *imei)
{
    static const uint8_t ver[6] = { 0x14, 0x01, 0x97, 0x62, 0x50, 0x20 };   /* version block as devices send it */
    t800x_packet(o, 0x01, serial, imei, ver, sizeof ver);
}
/* GPS (type 0x02) body: 29 bytes of intervals, status (offset 9: bit6 fixed,
 * bits 0-4 satellites), IO, ADC, alarm, odometer; then BCD date/time (UTC),
 * altitude, longitude, latitude as float32le, speed 4 BCD digits (0.1 km/h), course u16 */
static void t800x_gps(struct buf *o, uint16_t serial, const char *imei, const struct fix *f)
{
    static const uint8_t head[29] = {
        0x00, 0x3c, 0x03, 0x84, 0x23, 0x07, 0xd0, 0x00, 0x00, 0x4a, 0x00, 0x00, 0x05, 0x01, 0x00,
        0x00, 0x40, 0x01, 0x00, 0x95, 0x00, 0x94, 0x00, 0x00, 0x00, 0x02, 0x85, 0xab, 0x00,
    };
    struct buf b;
    buf_reset(&b);
    put_bytes(&b, head, sizeof head);
    b.b[9] = (uint8_t)(0x40 | ((unsigned)f->sats & 0x1F));
    struct tm u = utc_tm(f->t_ms);
    put_u8(&b, bcd2(u.tm_year % 100)); put_u8(&b, bcd2(u.tm_mon + 1)); put_u8(&b, bcd2(u.tm_mday));
    put_u8(&b, bcd2(u.tm_hour)); put_u8(&b, bcd2(u.tm_min)); put_u8(&b, bcd2(u.tm_sec));
    put_f32le(&b, (float)f->alt);
    put_f32le(&b, (float)f->lon);
    put_f32le(&b, (float)f->lat);
    unsigned sp = (unsigned)lround(f->speed * 10) % 10000;
    put_u8(&b, bcd2((int)(sp / 100)));
    put_u8(&b, bcd2((int)(sp % 100)));
    put_be16(&b, (unsigned)lround(f->course) % 360);
    t800x_packet(o, 0x02, serial, imei, b.b, b.n);
}

/* ------------------------------------------------------------------ */
/* Cellocator: "MCGP", type, unit ID u32le, ..., 8-bit sum of the bytes after MCGP */

/* type 0 status/location (70 bytes).  Bytes 9..43 (communication control,
 * numerator, versions, status, reason, inputs, ...) follow a unit's report;
 * the numerator, satellites and position fields are filled in */
static void cello_status(struct buf *o, uint32_t unit, uint8_t numerator, const struct fix *f)
{
    static const uint8_t tmpl[70 - 9] = {
        0x08, 0x01, 0x03, 0x01, 0x18, 0x04, 0x00, 0x00, 0x00, 0x46, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x5e,
        0x75, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc3, 0x43, 0x00, 0x04, 0x02,
        0x04,
    };
    size_t start = o->n;
    put_bytes(o, "MCGP", 4);
    put_u8(o, 0);
    put_le32(o, unit);
    put_bytes(o, tmpl, 35);
    if (o->over) return;
    o->b[start + 11] = numerator;
    o->b[start + 43] = (uint8_t)f->sats;
    put_le32(o, (uint32_t)(int32_t)llround(f->lon * M_PI / 180.0 * 1e8));
    put_le32(o, (uint32_t)(int32_t)llround(f->lat * M_PI / 180.0 * 1e8));
    put_le32(o, (uint32_t)(int32_t)(f->alt * 100));
    put_le32(o, (uint32_t)lround(f->speed / 0.036));
    put_le16(o, (unsigned)lround(f->course * M_PI / 180.0 * 1000.0));
    struct tm u = utc_tm(f->t_ms);
    put_u8(o, (unsigned)u.tm_sec);
    put_u8(o, (unsigned)u.tm_min);
    put_u8(o, (unsigned)u.tm_hour);
    put_u8(o, (unsigned)u.tm_mday);
    put_u8(o, (unsigned)u.tm_mon + 1);
    put_le16(o, (unsigned)u.tm_year + 1900);
    if (o->over) return;
    put_u8(o, sum8(o->b + start + 4, o->n - start - 4));
}
/* type 4 server acknowledge (28 bytes) */
static void cello_ack(struct buf *o, uint32_t unit, uint8_t acked)
{
    size_t start = o->n;
    put_bytes(o, "MCGP", 4);
    put_u8(o, 4);
    put_le32(o, unit);
    put_u8(o, 0);                                     /* numerator */
    put_le32(o, 0);                                   /* authentication code */
    put_u8(o, 0);                                     /* action: plain acknowledge */
    put_u8(o, acked);                                 /* numerator of the acknowledged message */
    for (int i = 0; i < 11; i++) put_u8(o, 0);
    if (o->over) return;
    put_u8(o, sum8(o->b + start + 4, o->n - start - 4));
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
    int nx[NX];            /* devices per other protocol (--proto NAME=N) */
    int xport[NX];         /* their ports (--port NAME=P) */
    /* failure scenarios (all off by default) */
    int time_offset;       /* seconds added to every device timestamp */
    int attempts, retry_ms, connect_timeout_ms, ack_timeout_ms, resends, mute_hold_ms;
    bool no_server_telt, no_server_gt06;
    char scenario[1024];   /* the scenario options as given, for the manifest */
} opt = {
    .ntelt = 2, .ngt06 = 2, .messages = 5, .interval_ms = 100,
    .port_telt = 5027, .port_gt06 = 5023, .seed = 1, .codec = CODEC8,
    .attempts = 1, .retry_ms = 300, .resends = 2, .mute_hold_ms = 2500,
};

/* Per-device scenario options: "SELECTOR=VALUE" (or a bare SELECTOR).  A selector
 * is a comma-separated list of items: an IMEI, a protocol name (all its devices)
 * or NAME:I (its device number I, from 0). */
enum { R_TIME, R_SOURCE, R_STOP, R_MUTE, R_REJECT, R_NOACK, R_CODEC, R_CRC };
struct rule {
    int kind;
    char sel[256];
    long long v;
    char addr[INET6_ADDRSTRLEN];
};
#define MAX_RULES 64
static struct rule rules[MAX_RULES];
static int nrules;

enum proto { P_TELT = 0, P_GT06 = 1 };
#define NPROTO (2 + NX)
static const char *pname(int p)
{
    return p == P_TELT ? "teltonika" : p == P_GT06 ? "gt06" : xname[p - 2];
}
static int proto_port(int p)
{
    return p == P_TELT ? opt.port_telt : p == P_GT06 ? opt.port_gt06 : opt.xport[p - 2];
}
static bool proto_udp(int p)
{
    return p == P_TELT ? opt.udp : p == P_GT06 ? false : xudp[p - 2];
}

static FILE *manifest;

/* manifest counts per (dir, proto, type) */
enum { T_LOGIN, T_POSITION, T_HEARTBEAT, T_ACK, T_REGISTER, T_CONFIG, T_EVENT, T_UNKNOWN, T_N };
static const char *const type_name[T_N] = {
    "login", "position", "heartbeat", "ack", "register", "config", "event", "unknown",
};
static long counts[2][NPROTO][T_N];   /* [dir up=0/down=1][proto][type] */
static long total_records[NPROTO];

static void note(int dir, int proto, const char *imei, int type)
{
    counts[dir][proto][type]++;
    if (manifest)
        fprintf(manifest, "%s %s %s %s\n", dir ? "down" : "up", pname(proto),
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

static struct sockaddr_storage server_addr[NPROTO];   /* per protocol */
static socklen_t server_addrlen;
static int family;

static int resolve(void)
{
    const char *h = opt.host ? opt.host : (opt.ipv6 ? "::1" : "127.0.0.1");
    struct in6_addr a6;
    struct in_addr a4;
    memset(server_addr, 0, sizeof server_addr);
    for (int p = 0; p < NPROTO; p++) {
        unsigned port = (unsigned)proto_port(p);
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
        fprintf(stderr, "trksim: bind %s port %d: %s\n", pname(proto),
                proto_port(proto), strerror(errno));
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

enum dstate { D_START, D_PRE, D_LOGIN_WAIT, D_SEND, D_ACK_WAIT, D_BARRIER, D_HOLD, D_DONE,
              D_CONNECTING, D_MUTE };
static const char *const dstate_name[] = {
    "start", "pre-login wait", "login answer wait", "send", "answer wait", "pause", "hold", "done",
    "connecting", "muted",
};

/* what a scenario makes of a device's connection attempts (--no-server, --reject-imei,
 * --no-ack): the device is ok when every attempt ended that way */
enum expect { E_DONE, E_UNREACHABLE, E_REJECTED, E_UNACKED };
static const char *const expect_name[] = { "done", "unreachable", "rejected", "unacked" };
/* how one connection attempt ended early */
enum why { WHY_REFUSED, WHY_CONN_TIMEOUT, WHY_CONN_ERROR, WHY_REJECTED, WHY_UNANSWERED, WHY_N };

/* an answer the device waits for */
struct want {
    int kind;              /* W_TEL_LOGIN, W_TEL_COUNT, W_UDP, W_GT06 */
    uint32_t a, b, c;      /* count / packet id, avl id, count / protocol, serial */
    uint8_t x[160];        /* W_BYTES: the exact answer */
    size_t xn;
};
enum { W_TEL_LOGIN, W_TEL_COUNT, W_UDP, W_GT06, W_BYTES };

struct dev {
    int proto, idx, gidx;
    char imei[16];         /* the identifier the protocol reports */
    char full[16];         /* other protocols: the IMEI behind it */
    int lstep;             /* other protocols: login step */
    uint16_t peer, peer2;  /* other protocols: the server's last packet and record numbers */
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
    /* scenario settings (the per-device options) */
    int limit;             /* messages to send after the login, deliberately bad ones included */
    bool mute;             /* after `limit` messages: silent, the connection kept open */
    bool reject, noack;    /* the server rejects its login / never answers its data */
    int bad_left, bad_sent, bad_seen;  /* deliberately bad messages: to send, sent, seen by the server */
    int good;              /* well-formed messages built */
    bool last_bad;
    int64_t clock_off_ms;  /* added to the device's clock */
    bool has_src;
    struct sockaddr_storage src;
    enum expect expect;
    /* connection attempts */
    int attempt;           /* attempts started */
    int ends[WHY_N];       /* attempts ended early, by enum why */
    bool gave_up;          /* every attempt ended the expected way */
    int resent;            /* resends of the unanswered message in this connection */
    int resends_total;
    bool pending;          /* the saved message was never answered: send it again */
    struct buf *last;      /* the last message sent (with --ack-timeout-ms) */
    int last_type;
    struct want last_want[2];
    int last_nwant;
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
        fprintf(stderr, "trksim: %s %s: %s\n", pname(d->proto), d->imei, d->err);
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
    if (proto == P_TELT) imei_teltonika(idx, d->imei);
    else if (proto == P_GT06) imei_gt06(idx, d->imei);
    else x_ident(proto - 2, idx, d->imei, d->full);
    const double *b = base[proto % 2][(idx + proto / 2) % 4];
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

static bool parse_int(const char *s, long lo, long hi, int *out);

/* Does one selector item (an IMEI, NAME or NAME:I) pick device d? */
static bool sel_item_match(const char *it, size_t n, const struct dev *d)
{
    if (n == strlen(d->imei) && !strncmp(it, d->imei, n)) return true;
    const char *colon = memchr(it, ':', n);
    size_t pn = colon ? (size_t)(colon - it) : n;
    const char *name = pname(d->proto);
    if (strlen(name) != pn || strncmp(it, name, pn)) return false;
    if (!colon) return true;
    char num[16];
    size_t nn = n - pn - 1;
    if (nn == 0 || nn >= sizeof num) return false;
    memcpy(num, colon + 1, nn);
    num[nn] = 0;
    int i;
    return parse_int(num, 0, 1000000, &i) && i == d->idx;
}

static bool sel_match(const char *sel, const struct dev *d)
{
    for (const char *it = sel; *it;) {
        size_t n = strcspn(it, ",");
        if (sel_item_match(it, n, d)) return true;
        it += n;
        if (*it) it++;
    }
    return false;
}

/* Every item of every selector must pick at least one device; returns false
 * after saying which one does not. */
static bool sel_check(const struct dev *all, int n)
{
    for (int r = 0; r < nrules; r++) {
        for (const char *it = rules[r].sel; *it;) {
            size_t len = strcspn(it, ",");
            bool hit = false;
            for (int i = 0; i < n && !hit; i++) hit = sel_item_match(it, len, &all[i]);
            if (!hit) {
                fprintf(stderr, "trksim: selector '%.*s' matches no device\n", (int)len, it);
                return false;
            }
            it += len;
            if (*it) it++;
        }
    }
    return true;
}

/* Apply the per-device scenario options to a freshly initialised device.
 * Returns false on a usage error (said on stderr). */
static bool dev_setup(struct dev *d)
{
    d->limit = opt.messages;
    d->clock_off_ms = (int64_t)opt.time_offset * 1000;
    for (int r = 0; r < nrules; r++) {
        const struct rule *ru = &rules[r];
        if (!sel_match(ru->sel, d)) continue;
        bool telt_only = ru->kind == R_REJECT || ru->kind == R_NOACK || ru->kind == R_CODEC;
        if ((telt_only && (d->proto != P_TELT || opt.udp)) || (ru->kind == R_CRC && d->proto != P_GT06)) {
            fprintf(stderr, "trksim: %s %s: option not available for this protocol/transport\n",
                    pname(d->proto), d->imei);
            return false;
        }
        switch (ru->kind) {
        case R_TIME: d->clock_off_ms += ru->v * 1000; break;
        case R_SOURCE: {
            memset(&d->src, 0, sizeof d->src);
            bool ok = false;
            if (family == AF_INET6) {
                struct sockaddr_in6 *a = (struct sockaddr_in6 *)&d->src;
                a->sin6_family = AF_INET6;
                ok = inet_pton(AF_INET6, ru->addr, &a->sin6_addr) == 1;
            } else {
                struct sockaddr_in *a = (struct sockaddr_in *)&d->src;
                a->sin_family = AF_INET;
                ok = inet_pton(AF_INET, ru->addr, &a->sin_addr) == 1;
            }
            if (!ok) {
                fprintf(stderr, "trksim: --source needs a numeric address of the server's family: %s\n", ru->addr);
                return false;
            }
            d->has_src = true;
            break;
        }
        case R_STOP: d->limit = (int)ru->v; d->mute = false; break;
        case R_MUTE: d->limit = (int)ru->v; d->mute = true; break;
        case R_REJECT: d->reject = true; break;
        case R_NOACK: d->noack = true; break;
        case R_CODEC: case R_CRC: d->bad_left = (int)ru->v; break;
        }
    }
    d->limit += d->bad_left;
    if ((d->proto == P_TELT && opt.no_server_telt) || (d->proto == P_GT06 && opt.no_server_gt06))
        d->expect = E_UNREACHABLE;
    else if (d->reject) d->expect = E_REJECTED;
    else if (d->noack) d->expect = E_UNACKED;
    return true;
}

/* the device with this IMEI: the server's shortcut to what a scenario plans for it */
static struct dev *dev_find(int proto, const char *imei)
{
    for (int i = 0; i < ndev; i++)
        if (devs[i].proto == proto && !strcmp(devs[i].imei, imei)) return &devs[i];
    return NULL;
}

/* the device's clock: wall time plus its scenario offset */
static int64_t dev_clock_ms(const struct dev *d) { return wall_ms() + d->clock_off_ms; }

/* advance one second along the heading */
static void dev_move(struct dev *d)
{
    double m = d->speed / 3.6;
    double rad = d->heading * M_PI / 180.0;
    d->lat += m * cos(rad) / 111320.0;
    d->lon += m * sin(rad) / (111320.0 * cos(d->lat * M_PI / 180.0));
    d->odo += (uint32_t)lround(m);
}

/* the device moves on and turns a little; its GT06 fix of a second ago, and
 * the location packet's number (0x22 on every second device) */
static unsigned gt06_next_fix(struct dev *d, int64_t now, struct gtpos *g)
{
    dev_move(d);
    d->heading += (double)rng_range(&d->rng, -5, 5);
    if (d->heading < 0) d->heading += 360;
    if (d->heading >= 360) d->heading -= 360;
    g->time_ms = now - 1000;
    g->sats = (unsigned)rng_range(&d->rng, 5, 12);
    g->lat = d->lat;
    g->lon = d->lon;
    g->speed = (unsigned)lround(d->speed);
    g->course = (unsigned)lround(d->heading) % 360;
    g->fixed = true;
    g->mcc = d->idx % 2 ? 722 : 460;
    g->mnc = d->idx % 2 ? 7 : 0;
    g->lac = 0x2800 + (unsigned)(d->idx & 0xFF);
    g->cell = 0x00A000u + (uint32_t)rng_range(&d->rng, 0, 0xFFF);
    return d->idx % 2 ? GT_LOC22 : GT_LOC;
}

static void dev_want(struct dev *d, int kind, uint32_t a, uint32_t b, uint32_t c)
{
    if (d->nwant >= 2) return;
    struct want *w = &d->want[d->nwant++];
    memset(w, 0, sizeof *w);
    w->kind = kind;
    w->a = a;
    w->b = b;
    w->c = c;
}

static int dev_write(struct dev *d, const struct buf *o)
{
    if (o->over) { dev_fail(d, "message too large for the encoder buffer"); return -1; }
    if (proto_udp(d->proto)) {
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

/* A connection attempt ended early (why).  When the scenario expects that, the
 * device tries again after --retry-ms, up to --attempts attempts, and then has
 * done its part; otherwise it has failed with `text`. */
static void dev_session_end(struct dev *d, int64_t now, enum why why, const char *text)
{
    bool expected = ((why == WHY_REFUSED || why == WHY_CONN_TIMEOUT) && d->expect == E_UNREACHABLE) ||
                    (why == WHY_REJECTED && d->expect == E_REJECTED) ||
                    (why == WHY_UNANSWERED && d->expect == E_UNACKED);
    if (!expected) { dev_fail(d, "%s", text); return; }
    if (d->fd >= 0) close(d->fd);
    d->fd = -1;
    d->nwant = 0;
    d->inlen = 0;
    d->resent = 0;
    d->ends[why]++;
    if (manifest)
        fprintf(manifest, "# attempt %s %s %d of %d: %s\n", pname(d->proto), d->imei, d->attempt,
                opt.attempts, text);
    if (d->attempt < opt.attempts) {
        d->st = D_START;
        d->due = now + opt.retry_ms;
    } else {
        d->st = D_DONE;
        d->gave_up = true;
    }
}

static void dev_login(struct dev *d, int64_t now);

static void dev_connected(struct dev *d, int64_t now)
{
    if (d->expect == E_UNREACHABLE) { dev_fail(d, "connected, but no server should answer"); return; }
    d->st = D_PRE;
    d->due = now + opt.pre_ms;
    if (d->due <= now) dev_login(d, now);
}

static void dev_connect(struct dev *d, int64_t now)
{
    bool udp = proto_udp(d->proto);
    d->attempt++;
    d->fd = socket(family, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
    if (d->fd < 0) { dev_fail(d, "socket: %s", strerror(errno)); return; }
    if (!udp && opt.split) set_nodelay(d->fd);
    if (d->has_src && bind(d->fd, (struct sockaddr *)&d->src, server_addrlen) < 0) {
        dev_fail(d, "bind: %s", strerror(errno));
        return;
    }
    /* with a connect timeout: non-blocking, finished in dev_connect_done() */
    int fl = 0;
    bool nb = opt.connect_timeout_ms > 0 && !udp;
    if (nb && ((fl = fcntl(d->fd, F_GETFL)) < 0 || fcntl(d->fd, F_SETFL, fl | O_NONBLOCK) < 0)) {
        dev_fail(d, "fcntl: %s", strerror(errno));
        return;
    }
    if (connect(d->fd, (struct sockaddr *)&server_addr[d->proto], server_addrlen) < 0) {
        if (nb && errno == EINPROGRESS) {
            d->st = D_CONNECTING;
            d->due = now + opt.connect_timeout_ms;
            return;
        }
        char text[100];
        snprintf(text, sizeof text, "connect: %s", strerror(errno));
        dev_session_end(d, now, errno == ECONNREFUSED ? WHY_REFUSED : WHY_CONN_ERROR, text);
        return;
    }
    if (nb && fcntl(d->fd, F_SETFL, fl) < 0) { dev_fail(d, "fcntl: %s", strerror(errno)); return; }
    if (nb) { dev_connected(d, now); return; }
    d->st = D_PRE;
    d->due = now + opt.pre_ms;
}

/* a non-blocking connect finished (the socket became writable) */
static void dev_connect_done(struct dev *d, int64_t now)
{
    int err = 0;
    socklen_t el = sizeof err;
    if (getsockopt(d->fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0) err = errno;
    if (err) {
        char text[100];
        snprintf(text, sizeof text, "connect: %s", strerror(err));
        dev_session_end(d, now, err == ECONNREFUSED ? WHY_REFUSED : WHY_CONN_ERROR, text);
        return;
    }
    int fl = fcntl(d->fd, F_GETFL);
    if (fl < 0 || fcntl(d->fd, F_SETFL, fl & ~O_NONBLOCK) < 0) { dev_fail(d, "fcntl: %s", strerror(errno)); return; }
    dev_connected(d, now);
}

/* a non-blocking connect got no answer in --connect-timeout-ms */
static void dev_connect_timeout(struct dev *d, int64_t now)
{
    char text[100];
    snprintf(text, sizeof text, "connect: no answer in %d ms", opt.connect_timeout_ms);
    dev_session_end(d, now, WHY_CONN_TIMEOUT, text);
}

static void dev_answered(struct dev *d, int64_t now);
static int x_login(struct dev *d, struct buf *o, struct buf *ans);
static int x_message(struct dev *d, int k, struct buf *o, struct buf *ans);
static void dev_want_bytes(struct dev *d, const struct buf *ans)
{
    if (ans->n == 0 || d->nwant >= 2) return;
    struct want *w = &d->want[d->nwant++];
    memset(w, 0, sizeof *w);
    w->kind = W_BYTES;
    w->xn = ans->n < sizeof w->x ? ans->n : sizeof w->x;
    memcpy(w->x, ans->b, w->xn);
}

static void dev_login(struct dev *d, int64_t now)
{
    struct buf o;
    o.n = 0;
    o.over = false;
    if (d->proto == P_TELT && opt.udp) {   /* no login over UDP: the IMEI is in each datagram */
        dev_answered(d, now);
        return;
    }
    if (d->proto >= 2) {
        struct buf ans;
        buf_reset(&ans);
        int type = x_login(d, &o, &ans);
        if (type < 0) { dev_answered(d, now); return; }
        dev_want_bytes(d, &ans);
        if (dev_write(d, &o) < 0) return;
        note(0, d->proto, d->imei, type);
        d->st = D_LOGIN_WAIT;
        if (d->nwant == 0) dev_answered(d, now);
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

/* A deliberately bad message (--unknown-codec, --bad-crc): every other message
 * from the second well-formed one on, until the planned number is sent. */
static bool dev_build_bad(struct dev *d, struct buf *o, int64_t now)
{
    if (d->bad_left <= 0 || d->good < 2 || d->last_bad) {
        d->last_bad = false;
        return false;
    }
    size_t start = o->n;
    if (d->proto == P_TELT) {
        /* a codec 8 record under codec id 0x77: length and CRC hold, only the codec is unknown */
        struct trec r;
        tel_make_record(d, &r, now - 300, CODEC8);
        tel_tcp_packet(o, CODEC8, &r, 1);
        if (o->over) return true;
        size_t len = o->n - start - 12;
        o->b[start + 8] = 0x77;
        set_be32(o, o->n - 4, crc16_arc(o->b + start + 8, len));
        dev_want(d, W_TEL_COUNT, 0, 0, 0);          /* the server accepts 0 records */
        d->last_type = T_UNKNOWN;
        note(0, P_TELT, d->imei, T_UNKNOWN);
        if (manifest)
            fprintf(manifest, "# bad teltonika %s: AVL packet with unknown codec 0x77, %zu bytes, length and CRC valid\n",
                    d->imei, o->n - start);
    } else {
        /* a location packet whose CRC is off by one bit: the server drops it unanswered */
        struct gtpos g;
        dev_move(d);
        g.time_ms = now - 1000;
        g.sats = 9;
        g.lat = d->lat;
        g.lon = d->lon;
        g.speed = (unsigned)lround(d->speed);
        g.course = (unsigned)lround(d->heading) % 360;
        g.fixed = true;
        g.mcc = d->idx % 2 ? 722 : 460;
        g.mnc = d->idx % 2 ? 7 : 0;
        g.lac = 0x2800 + (unsigned)(d->idx & 0xFF);
        g.cell = 0x00A000u;
        unsigned proto = d->idx % 2 ? GT_LOC22 : GT_LOC;
        gt06_location(o, proto, &g, d->serial);
        if (o->over) return true;
        unsigned good = get_be16(o->b + o->n - 4);
        o->b[o->n - 3] ^= 0x01;
        d->last_type = T_POSITION;
        note(0, P_GT06, d->imei, T_POSITION);
        if (manifest)
            fprintf(manifest, "# bad gt06 %s: location 0x%02X serial %u with CRC 0x%04X (correct 0x%04X)\n",
                    d->imei, proto, d->serial, good ^ 0x01, good);
        d->serial++;
    }
    d->bad_left--;
    d->bad_sent++;
    d->last_bad = true;
    d->sent++;
    return true;
}

/* build one message into o and register the answer it needs */
static void dev_build(struct dev *d, struct buf *o)
{
    int64_t now = dev_clock_ms(d);
    if (dev_build_bad(d, o, now)) return;
    int k = d->proto >= 2 ? d->sent : d->good;
    d->good++;
    if (d->proto >= 2) {
        struct buf ans;
        buf_reset(&ans);
        int type = x_message(d, k, o, &ans);
        dev_want_bytes(d, &ans);
        d->last_type = type;
        note(0, d->proto, d->imei, type);
    } else if (d->proto == P_TELT) {
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
        d->last_type = T_POSITION;
        note(0, P_TELT, d->imei, T_POSITION);
    } else {
        if (k % 3 == 2) {
            gt06_heartbeat(o, 0x46, (unsigned)rng_range(&d->rng, 3, 6),
                           (unsigned)rng_range(&d->rng, 2, 4), d->serial);
            dev_want(d, W_GT06, GT_HEARTBEAT, d->serial, 0);
            d->last_type = T_HEARTBEAT;
            note(0, P_GT06, d->imei, T_HEARTBEAT);
        } else {
            struct gtpos g;
            unsigned proto = gt06_next_fix(d, now, &g);
            gt06_location(o, proto, &g, d->serial);
            dev_want(d, W_GT06, proto, d->serial, 0);
            total_records[P_GT06]++;
            d->last_type = T_POSITION;
            note(0, P_GT06, d->imei, T_POSITION);
        }
        d->serial++;
    }
    d->sent++;
}

/* send the saved, unanswered message again (--ack-timeout-ms) */
static void dev_resend(struct dev *d, int64_t now, const char *why)
{
    if (manifest)
        fprintf(manifest, "# resend %s %s: %s\n", pname(d->proto), d->imei, why);
    memcpy(d->want, d->last_want, sizeof d->want);
    d->nwant = d->last_nwant;
    if (dev_write(d, d->last) < 0) return;
    note(0, d->proto, d->imei, d->last_type);
    d->resends_total++;
    d->st = D_ACK_WAIT;
    d->due = now + opt.ack_timeout_ms;
}

static void dev_send(struct dev *d)
{
    struct buf o;
    o.n = 0;
    o.over = false;
    if (d->pending) {                  /* a new connection: the unanswered message first */
        d->pending = false;
        char why[80];
        snprintf(why, sizeof why, "the unanswered message again, attempt %d", d->attempt);
        dev_resend(d, mono_ms(), why);
        return;
    }
    int limit = d->limit;
    if (opt.pause_after > 0 && d->sent < opt.pause_after && opt.pause_after < limit)
        limit = opt.pause_after;
    bool tcp = !proto_udp(d->proto);
    dev_build(d, &o);
    if (opt.coalesce && tcp && d->sent < limit)
        dev_build(d, &o);              /* two messages in one write */
    if (opt.ack_timeout_ms > 0 && !opt.coalesce) {   /* keep it for a resend */
        if (!d->last && !(d->last = malloc(sizeof *d->last))) { dev_fail(d, "out of memory"); return; }
        *d->last = o;
        memcpy(d->last_want, d->want, sizeof d->want);
        d->last_nwant = d->nwant;
    }
    if (dev_write(d, &o) < 0) return;
    d->st = D_ACK_WAIT;
    if (opt.ack_timeout_ms > 0) d->due = mono_ms() + opt.ack_timeout_ms;
    if (d->nwant == 0) dev_answered(d, mono_ms());   /* nothing to wait for */
}

/* no answer in --ack-timeout-ms: resend, or after --resends resends close the
 * connection and try again with a new one */
static void dev_ack_timeout(struct dev *d, int64_t now)
{
    if (!d->last) { dev_fail(d, "no answer in %d ms", opt.ack_timeout_ms); return; }
    if (d->resent < opt.resends) {
        d->resent++;
        char why[80];
        snprintf(why, sizeof why, "no answer in %d ms, resend %d of %d", opt.ack_timeout_ms, d->resent, opt.resends);
        dev_resend(d, now, why);
        return;
    }
    char text[100];
    snprintf(text, sizeof text, "no answer to %d sends of a message", opt.resends + 1);
    d->pending = true;
    dev_session_end(d, now, WHY_UNANSWERED, text);
}

static void dev_close(struct dev *d)
{
    if (d->fd < 0) return;
    if (opt.rst && d->gidx == ndev - 1 && !proto_udp(d->proto)) {
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
    if (d->proto >= 2 && d->st == D_LOGIN_WAIT) {   /* a further login step? */
        struct buf o, ans;
        buf_reset(&o);
        buf_reset(&ans);
        d->lstep++;
        int type = x_login(d, &o, &ans);
        if (type >= 0) {
            dev_want_bytes(d, &ans);
            if (dev_write(d, &o) < 0) return;
            note(0, d->proto, d->imei, type);
            if (d->nwant) return;
        }
        d->lstep = 99;
    }
    if (d->sent >= d->limit && !d->pending) {
        if (d->mute) {
            d->st = D_MUTE;
            if (manifest)
                fprintf(manifest, "# mute %s %s after %d messages: the connection stays open\n",
                        pname(d->proto), d->imei, d->sent);
        } else {
            d->st = D_HOLD;
            d->due = now + opt.hold_ms;
        }
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
    bool udp = proto_udp(d->proto);
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
            if (d->in[0] != 0x01) {
                char text[40];
                snprintf(text, sizeof text, "login rejected (0x%02X)", d->in[0]);
                dev_session_end(d, now, WHY_REJECTED, text);
                return;
            }
            used = 1;
        } else if (w->kind == W_TEL_COUNT) {
            if (d->inlen < 4) return;
            uint32_t cnt = get_be32(d->in);
            if (cnt != w->a) { dev_fail(d, "server accepted %u records, sent %u", cnt, w->a); return; }
            used = 4;
        } else if (w->kind == W_BYTES) {
            size_t m = d->inlen < w->xn ? d->inlen : w->xn;
            if (memcmp(d->in, w->x, m) != 0) {
                char got[48], want[48];
                size_t gn = m < 20 ? m : 20;
                for (size_t i = 0; i < gn; i++) snprintf(got + 2 * i, 3, "%02X", d->in[i]);
                got[2 * gn] = 0;
                gn = w->xn < 20 ? w->xn : 20;
                for (size_t i = 0; i < gn; i++) snprintf(want + 2 * i, 3, "%02X", w->x[i]);
                want[2 * gn] = 0;
                dev_fail(d, "wrong answer %s, wanted %s", got, want);
                return;
            }
            if (d->inlen < w->xn) { if (udp) { dev_fail(d, "short answer datagram"); } return; }
            used = w->xn;
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
    bool noack;            /* --no-ack: the device's data is never answered */
    uint16_t xseq, xrn;    /* other protocols: this side's packet and record numbers */
    int xstate;            /* Navtelecom: negotiated FLEX record size (0 before) */
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

static int x_server(struct sconn *c, const uint8_t *p, size_t n, struct buf *o, size_t *used);

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
        if (c->proto >= 2) {
            size_t used = 0;
            int r = x_server(c, p, n, o, &used);
            if (r == 0) break;
            if (r < 0) { rc = -1; break; }
            off += used;
        } else if (c->proto == P_TELT && !c->logged) {
            if (n < 2) break;
            size_t len = get_be16(p);
            if (len < 1 || len > 17) { server_error("teltonika: bad IMEI length %zu", len); rc = -1; break; }
            if (n < 2 + len) break;
            memcpy(c->imei, p + 2, len);
            c->imei[len] = 0;
            for (size_t i = 0; i < len; i++)
                if (c->imei[i] < '0' || c->imei[i] > '9') { server_error("teltonika: IMEI not digits"); rc = -1; }
            if (rc) break;
            struct dev *dv = dev_find(P_TELT, c->imei);
            if (dv && dv->reject) {        /* --reject-imei: 0x00, then the server hangs up */
                put_u8(o, 0x00);
                note(1, P_TELT, c->imei, T_ACK);
                if (manifest) fprintf(manifest, "# server: teltonika %s login rejected (0x00), connection closed\n", c->imei);
                off += 2 + len;
                rc = -1;
                break;
            }
            c->logged = true;
            c->noack = dv && dv->noack;
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
            if (c->noack) {                /* --no-ack: read, never answered */
                if (manifest) fprintf(manifest, "# server: teltonika %s AVL packet (%d records) not answered\n", c->imei, nrec);
                off += 12 + dlen;
                continue;
            }
            struct dev *dv = dev_find(P_TELT, c->imei);
            bool codec_known = p[8] == CODEC8 || p[8] == CODEC8E || p[8] == CODEC16;
            if (crc == want && !codec_known && dv && dv->bad_sent > dv->bad_seen) {
                /* a planned unknown codec (--unknown-codec): 0 records accepted */
                dv->bad_seen++;
                if (manifest) fprintf(manifest, "# server: teltonika %s codec 0x%02X unknown, answered 0 records\n", c->imei, p[8]);
                nrec = 0;
            }
            else if (crc != want) { server_error("teltonika %s: CRC 0x%08X, computed 0x%04X", c->imei, crc, want); nrec = 0; }
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
            struct dev *dv = c->logged ? dev_find(P_GT06, c->imei) : NULL;
            if (dv && dv->bad_sent > dv->bad_seen && len >= 10 && p[len - 2] == 0x0D && p[len - 1] == 0x0A &&
                get_be16(p + len - 4) != crc16_x25(p + 2, len - 6)) {
                /* a planned bad CRC (--bad-crc): dropped without an answer */
                dv->bad_seen++;
                if (manifest) fprintf(manifest, "# server: gt06 %s protocol 0x%02X serial %u: CRC wrong, dropped unanswered\n",
                                      c->imei, p[3], (unsigned)get_be16(p + len - 6));
                off += len;
                continue;
            }
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
            server_error("%s %s: connection ended with %zu unparsed bytes", pname(c->proto),
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
/* other protocols: device and server sides                             */

#define GPS103_TZ_MS (3 * 3600 * 1000LL)   /* the Coban devices' local-time offset */

static void dev_fix(struct dev *d, struct fix *f)
{
    dev_move(d);
    d->heading += (double)rng_range(&d->rng, -5, 5);
    if (d->heading < 0) d->heading += 360;
    if (d->heading >= 360) d->heading -= 360;
    /* whole seconds in the past, one second or more apart per device */
    f->t_ms = (wall_ms() / 1000 - 1 - (opt.messages - d->sent)) * 1000;
    f->lat = d->lat;
    f->lon = d->lon;
    f->speed = d->speed;
    f->course = (double)(lround(d->heading) % 360);
    f->alt = d->alt + (int)rng_range(&d->rng, -3, 3);
    f->sats = (int)rng_range(&d->rng, 6, 14);
}

/* binary protocols: device and server sides */

static uint64_t imei_u64(const char *s) { return strtoull(s, NULL, 10); }

/* Navtelecom: device and server sides */
#define NTCB_SERVER_ID 1u

static int x4_login(struct dev *d, struct buf *o, struct buf *ans)
{
    uint32_t ids = 1000u + (uint32_t)d->idx;
    struct buf m;
    buf_reset(&m);
    if (d->lstep == 0) {
        put_fmt(&m, "*>S:%s", d->imei);
        ntcb_frame(o, NTCB_SERVER_ID, ids, m.b, m.n);
        ntcb_frame(ans, ids, NTCB_SERVER_ID, "*<S", 3);
        return T_LOGIN;
    }
    if (d->lstep == 1) {
        static const uint8_t reply[] = { '*', '<', 'F', 'L', 'E', 'X', 0xB0, 0x0A, 0x0A };
        flex_negotiation(&m);
        ntcb_frame(o, NTCB_SERVER_ID, ids, m.b, m.n);
        ntcb_frame(ans, ids, NTCB_SERVER_ID, reply, sizeof reply);
        return T_CONFIG;   /* the FLEX negotiation */
    }
    return -1;
}

static int x4_message(struct dev *d, int k, struct buf *o, struct buf *ans)
{
    struct fix f;
    (void)k;
    dev_fix(d, &f);
    total_records[d->proto]++;
    flex_array(o, d->serial++, &f, d->odo, (unsigned)rng_range(&d->rng, 12000, 14200), 4100);
    flex_array_answer(ans, 1);
    return T_POSITION;
}

static int x4_server(struct sconn *c, const uint8_t *p, size_t n, struct buf *o, size_t *used)
{
    if (n < 1) return 0;
    if (c->xstate == 0 || p[0] == '@') {              /* NTCB envelope */
        if (n < 16) return 0;
        if (memcmp(p, "@NTC", 4)) { server_error("navtelecom: no @NTC"); return -1; }
        size_t len = get_le16(p + 12);
        if (xor8(p, 15) != p[15]) server_error("navtelecom: header XOR");
        if (n < 16 + len) return 0;
        *used = 16 + len;
        const uint8_t *d = p + 16;
        if (xor8(d, len) != p[14]) server_error("navtelecom: data XOR");
        uint32_t idr = get_le32(p + 4), ids = get_le32(p + 8);
        if (len == 19 && !memcmp(d, "*>S:", 4) && all_digits((const char *)d + 4, 15)) {
            memcpy(c->imei, d + 4, 15);
            c->imei[15] = 0;
            c->logged = true;
            ntcb_frame(o, ids, idr, "*<S", 3);
        } else if (len >= 10 && !memcmp(d, "*>FLEX", 6) && d[6] == 0xB0) {
            unsigned nf = d[9];
            if (len != 10 + (nf + 7) / 8) { server_error("navtelecom %s: FLEX bitfield length", c->imei); return 1; }
            /* record size from the selected fields this simulator knows */
            size_t size = 0;
            for (unsigned b = 0; b < nf; b++) {
                if (!(d[10 + b / 8] & (0x80 >> (b % 8)))) continue;
                size_t w = 0;
                for (size_t i = 0; i < sizeof flex_fields / sizeof flex_fields[0]; i++)
                    if (flex_fields[i].bit == b) w = flex_fields[i].width;
                if (!w) { server_error("navtelecom %s: FLEX field %u unknown here", c->imei, b); return -1; }
                size += w;
            }
            c->xstate = (int)size;
            uint8_t reply[9] = { '*', '<', 'F', 'L', 'E', 'X', 0xB0, d[7], d[8] };
            ntcb_frame(o, ids, idr, reply, sizeof reply);
        } else {
            server_error("navtelecom %s: unknown NTCB message", c->imei);
            return 1;
        }
    } else if (p[0] == 0x7F) {
        *used = 1;                                    /* FLEX keep-alive */
        return 1;
    } else if (p[0] == '~') {
        if (n < 3) return 0;
        if (p[1] != 'A') { server_error("navtelecom %s: FLEX packet ~%c", c->imei, p[1]); return -1; }
        size_t total = 3 + (size_t)p[2] * (size_t)c->xstate + 1;
        if (n < total) return 0;
        *used = total;
        if (crc8_egts(p, total - 1) != p[total - 1]) server_error("navtelecom %s: FLEX CRC-8", c->imei);
        flex_array_answer(o, p[2]);
    } else {
        server_error("navtelecom %s: unexpected byte 0x%02X", c->imei, p[0]);
        return -1;
    }
    note(1, c->proto, c->imei, T_ACK);
    return 1;
}

/* Topflytech: device and server sides */
static int x5_login(struct dev *d, struct buf *o, struct buf *ans)
{
    t800x_login(o, d->serial, d->imei);
    t800x_answer(ans, 0x01, d->serial, d->imei);
    d->serial++;
    return T_LOGIN;
}

static int x5_message(struct dev *d, int k, struct buf *o, struct buf *ans)
{
    struct fix f;
    if (k % 3 == 2) {
        t800x_packet(o, 0x03, d->serial, d->imei, NULL, 0);
        t800x_answer(ans, 0x03, d->serial, d->imei);
        d->serial++;
        return T_HEARTBEAT;
    }
    dev_fix(d, &f);
    total_records[d->proto]++;
    t800x_gps(o, d->serial, d->imei, &f);
    t800x_answer(ans, 0x02, d->serial, d->imei);
    d->serial++;
    return T_POSITION;
}

static int x5_server(struct sconn *c, const uint8_t *p, size_t n, struct buf *o, size_t *used)
{
    if (n < 5) return 0;
    if (p[0] != '#' || p[1] != '#') { server_error("topflytech: no ## header"); return -1; }
    size_t len = get_be16(p + 3);
    if (len < 15 || len > 2048) { server_error("topflytech: bad length %zu", len); return -1; }
    if (n < len) return 0;
    *used = len;
    char id[24];
    if (!get_bcd(p + 7, 8, id, sizeof id) || strlen(id) != 16 || id[0] != '0') { server_error("topflytech: IMEI not BCD"); return 1; }
    memcpy(c->imei, id + 1, 15);
    c->imei[15] = 0;
    unsigned type = p[2];
    uint16_t serial = (uint16_t)get_be16(p + 5);
    if ((type == 0x01 && len != 21) || (type == 0x02 && len != 66) || (type == 0x03 && len != 15) || type > 0x03 || type == 0) {
        server_error("topflytech %s: type 0x%02X length %zu", c->imei, type, len);
        return 1;
    }
    if (type == 0x01) c->logged = true;
    t800x_answer(o, type, serial, c->imei);
    note(1, c->proto, c->imei, T_ACK);
    return 1;
}

/* Cellocator: device and server sides */
static int x6_message(struct dev *d, int k, struct buf *o, struct buf *ans)
{
    struct fix f;
    (void)k;
    uint32_t unit = (uint32_t)strtoul(d->imei, NULL, 10);
    dev_fix(d, &f);
    total_records[d->proto]++;
    uint8_t num = (uint8_t)d->serial++;
    cello_status(o, unit, num, &f);
    cello_ack(ans, unit, num);
    return T_POSITION;
}

static int x6_server(struct sconn *c, const uint8_t *p, size_t n, struct buf *o, size_t *used)
{
    if (n < 5) return 0;
    if (memcmp(p, "MCGP", 4)) { server_error("cellocator: no MCGP"); return -1; }
    if (p[4] != 0) { server_error("cellocator: message type %u", p[4]); return -1; }
    if (n < 70) return 0;
    *used = 70;
    uint32_t unit = get_le32(p + 5);
    snprintf(c->imei, sizeof c->imei, "%u", unit);
    if (sum8(p + 4, 65) != p[69]) server_error("cellocator %s: checksum", c->imei);
    unsigned year = get_le16(p + 67);
    if (year < 2000 || p[66] < 1 || p[66] > 12) server_error("cellocator %s: bad date", c->imei);
    cello_ack(o, unit, p[11]);
    note(1, c->proto, c->imei, T_ACK);
    return 1;
}

/* text protocols added later: device and server sides */

static int x3_login(struct dev *d, struct buf *o, struct buf *ans)
{
    if (d->proto - 2 == X_NAVTELECOM) return x4_login(d, o, ans);
    if (d->proto - 2 == X_TOPFLYTECH) return x5_login(d, o, ans);
    return -1;   /* Queclink, Meitrack, Suntech and GoSafe have no login */
}

static int x3_message(struct dev *d, int k, struct buf *o, struct buf *ans)
{
    struct fix f;
    int x = d->proto - 2;
    if (x == X_QUECLINK && k % 3 == 2) {
        queclink_hbd(o, "1A0102", d->imei, wall_ms(), d->serial);
        put_fmt(ans, "+SACK:GTHBD,1A0102,%04X$", d->serial & 0xFFFF);
        d->serial++;
        return T_HEARTBEAT;
    }
    dev_fix(d, &f);
    total_records[d->proto]++;
    switch (x) {
    case X_QUECLINK: {
        char ext[16];
        snprintf(ext, sizeof ext, "%d", (int)rng_range(&d->rng, 12000, 14200));
        queclink_fri(o, "1A0102", d->imei, "", ext, 1, &f, (double)f.alt, "0460,0001,25F8,061A7D02",
                     d->odo / 1000.0, (int)rng_range(&d->rng, 50, 100), "210100", wall_ms(), d->serial);
        put_fmt(ans, "+SACK:%04X$", d->serial & 0xFFFF);
        d->serial++;
        break;
    }
    case X_MEITRACK: {
        char pl[300];
        meitrack_aaa_payload(pl, sizeof pl, 35, &f, (int)rng_range(&d->rng, 10, 31), 1, d->odo, 3600 + (uint32_t)d->serial * 60,
                             "460|0|10133|4110", "0000|0000|0000|0191|0573");
        meitrack_frame(o, "$$", (char)('A' + d->serial % 26), d->imei, "AAA", pl);
        d->serial++;
        break;
    }
    case X_SUNTECH: {
        char hm[16];
        snprintf(hm, sizeof hm, "%06d", 3600 + d->serial);
        suntech_stt(o, d->imei, &f, "c99e48", d->odo, 12.0 + (double)rng_range(&d->rng, 0, 200) / 100.0,
                    d->serial, hm, 4.1);
        d->serial++;
        break;
    }
    case X_GOSAFE:
        gosafe_report(o, d->imei, &f, 0.8, d->odo, 12.0 + (double)rng_range(&d->rng, 0, 200) / 100.0, 4.07, "");
        put_str(ans, "1234");
        break;
    default:
        break;
    }
    return T_POSITION;
}

static int x3_server(struct sconn *c, const uint8_t *p, size_t n, struct buf *o, size_t *used)
{
    int x = c->proto - 2;
    const char *s = (const char *)p;
    struct field f[48];
    long e;
    switch (x) {
    case X_QUECLINK: {
        if (n && *s != '+') { server_error("queclink: no '+'"); return -1; }
        if ((e = find_byte(p, n, '$')) < 0) return n > 2048 ? (server_error("queclink: no '$'"), -1) : 0;
        *used = (size_t)e + 1;
        int k = split_fields(s, (size_t)e, ',', f, 48);
        if (k < 5 || f[2].n != 15 || !all_digits(f[2].p, 15) || f[k - 1].n != 4) {
            server_error("queclink: bad message"); return 1;
        }
        memcpy(c->imei, f[2].p, 15);
        c->imei[15] = 0;
        char cnt[5];
        memcpy(cnt, f[k - 1].p, 4);
        cnt[4] = 0;
        if (field_is(&f[0], "+ACK:GTHBD")) {
            put_fmt(o, "+SACK:GTHBD,%.*s,%s$", (int)f[1].n, f[1].p, cnt);
        } else if (field_is(&f[0], "+RESP:GTFRI")) {
            if (k != 30 || isnan(atof(f[11].p)) || f[13].n != 14) server_error("queclink %s: bad GTFRI (%d fields)", c->imei, k);
            put_fmt(o, "+SACK:%s$", cnt);
        } else {
            server_error("queclink %s: unknown message", c->imei);
            return 1;
        }
        break;
    }
    case X_MEITRACK: {
        if (n < 4) return 0;
        if (s[0] != '$' || s[1] != '$') { server_error("meitrack: no $$"); return -1; }
        size_t i = 3, len = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9' && i < 8) len = len * 10 + (size_t)(s[i++] - '0');
        if (i >= n) return 0;
        if (s[i] != ',' || len < 10) { server_error("meitrack: bad length"); return -1; }
        if (n < i + len) return 0;
        *used = i + len;
        const char *star = s + i + len - 5;
        unsigned cs = 0;
        if (*star != '*' || sscanf(star + 1, "%2X", &cs) != 1 || cs != sum8(p, (size_t)(star + 1 - s)) ||
            s[i + len - 2] != '\r' || s[i + len - 1] != '\n')
            server_error("meitrack: bad checksum or tail");
        int k = split_fields(s + i + 1, len - 6, ',', f, 48);
        if (k < 19 || f[0].n != 15 || !field_is(&f[1], "AAA")) { server_error("meitrack: bad AAA (%d fields)", k); return 1; }
        memcpy(c->imei, f[0].p, 15);
        c->imei[15] = 0;
        return 1;   /* AAA reports get no answer */
    }
    case X_SUNTECH: {
        if ((e = find_byte(p, n, '\r')) < 0) return n > 2048 ? (server_error("suntech: no CR"), -1) : 0;
        *used = (size_t)e + 1;
        int k = split_fields(s, (size_t)e, ';', f, 48);
        if (k != 21 || !field_is(&f[0], "ST300STT") || f[1].n != 9 || !all_digits(f[1].p, 9)) {
            server_error("suntech: bad STT (%d fields)", k); return 1;
        }
        memcpy(c->imei, f[1].p, 9);
        c->imei[9] = 0;
        return 1;   /* no answer over TCP */
    }
    case X_GOSAFE: {
        if (n && *s != '*') { server_error("gosafe: no '*'"); return -1; }
        if ((e = find_byte(p, n, '#')) < 0) return n > 4096 ? (server_error("gosafe: no '#'"), -1) : 0;
        *used = (size_t)e + 1;
        int k = split_fields(s, (size_t)e, ',', f, 48);
        if (k < 6 || !field_is(&f[0], "*GS06") || f[1].n != 15 || f[2].n != 12 || f[5].n < 6 || memcmp(f[5].p, "GPS:A;", 6)) {
            server_error("gosafe: bad report"); return 1;
        }
        memcpy(c->imei, f[1].p, 15);
        c->imei[15] = 0;
        put_str(o, "1234");
        break;
    }
    case X_NAVTELECOM:
        return x4_server(c, p, n, o, used);
    case X_TOPFLYTECH:
        return x5_server(c, p, n, o, used);
    case X_CELLOCATOR:
        return x6_server(c, p, n, o, used);
    default:
        server_error("%s: no server", xname[x]);
        return -1;
    }
    note(1, c->proto, c->imei, T_ACK);
    return 1;
}

static int x2_login(struct dev *d, struct buf *o, struct buf *ans)
{
    switch (d->proto - 2) {
    case X_GALILEO: {
        galileo_head(o, d->imei, 100 + (unsigned)d->idx);
        if (o->over || o->n < 2) return -1;
        put_u8(ans, 0x02);
        put_bytes(ans, o->b + o->n - 2, 2);
        return T_LOGIN;
    }
    case X_JT808:
        if (d->lstep == 0) {
            jt808_register(o, d->imei, d->serial);
            jt808_register_answer(ans, d->imei, ++d->peer, d->serial, d->imei);
            d->serial++;
            return T_REGISTER;
        }
        if (d->lstep == 1) {
            jt808_msg(o, 0x0102, d->imei, d->serial, (const uint8_t *)d->imei, strlen(d->imei));   /* the code from 0x8100 */
            jt808_general_answer(ans, d->imei, ++d->peer, d->serial, 0x0102);
            d->serial++;
            return T_LOGIN;
        }
        return -1;
    case X_MEILIGAO: {
        static const uint8_t okflag = 0x01;
        meiligao_packet(o, "$$", d->imei, 0x5000, NULL, 0);
        meiligao_packet(ans, "@@", d->imei, 0x4000, &okflag, 1);
        return T_LOGIN;
    }
    case X_EGTS: {
        uint32_t tid = (uint32_t)strtoul(d->imei, NULL, 10);
        egts_auth(o, d->serial, d->serial, tid, d->full);
        uint16_t pid = ++d->peer, rn = ++d->peer2;
        egts_response(ans, pid, d->serial, 1, rn, d->serial, 1);
        pid = ++d->peer;
        rn = ++d->peer2;
        egts_result_code(ans, pid, rn);
        d->serial++;
        return T_LOGIN;
    }
    case X_ARNAVI: {
        static const uint8_t a[4] = { 0x7B, 0x00, 0x00, 0x7D };
        arnavi_header(o, imei_u64(d->imei));
        put_bytes(ans, a, 4);
        return T_LOGIN;
    }
    default:
        return x3_login(d, o, ans);
    }
}

static int x2_message(struct dev *d, int k, struct buf *o, struct buf *ans)
{
    struct fix f;
    bool hb = k % 3 == 2;
    int x = d->proto - 2;
    if (hb && x == X_JT808) {
        jt808_msg(o, 0x0002, d->imei, d->serial, NULL, 0);
        jt808_general_answer(ans, d->imei, ++d->peer, d->serial, 0x0002);
        d->serial++;
        return T_HEARTBEAT;
    }
    if (hb && x == X_ATRACK) {
        atrack_keepalive(o, imei_u64(d->imei), d->serial);
        atrack_keepalive(ans, imei_u64(d->imei), d->serial);
        d->serial++;
        return T_HEARTBEAT;
    }
    dev_fix(d, &f);
    total_records[d->proto]++;
    switch (x) {
    case X_RUPTELA: {
        struct rrec r;
        memset(&r, 0, sizeof r);
        r.time = (uint32_t)(f.t_ms / 1000);
        r.lon = (int32_t)lround(f.lon * 1e7);
        r.lat = (int32_t)lround(f.lat * 1e7);
        r.alt = (uint16_t)(f.alt * 10);
        r.angle = (uint16_t)(lround(f.course) % 360 * 100);
        r.sats = (uint8_t)f.sats;
        r.speed = (uint16_t)lround(f.speed);
        r.hdop = 9;
        r.event = 7;                                  /* periodic */
        r.io[0] = (struct rio){ 5, 1, 1 };            /* ignition */
        r.io[1] = (struct rio){ 27, 1, (uint64_t)rng_range(&d->rng, 10, 31) };   /* GSM signal */
        r.io[2] = (struct rio){ 29, 2, (uint64_t)rng_range(&d->rng, 12000, 14200) }; /* power mV */
        r.io[3] = (struct rio){ 30, 2, (uint64_t)rng_range(&d->rng, 3900, 4200) };   /* battery mV */
        r.io[4] = (struct rio){ 65, 4, d->odo };      /* odometer m */
        r.nio = 5;
        struct buf pl;
        buf_reset(&pl);
        ruptela_records(&pl, &r, 1);
        ruptela_packet(o, imei_u64(d->imei), 1, pl.b, pl.n);
        ruptela_answer(ans, 1, 1);
        break;
    }
    case X_GALILEO:
        galileo_main(o, d->serial++, &f, (unsigned)rng_range(&d->rng, 12000, 14200), 4100);
        if (!o->over && o->n >= 2) { put_u8(ans, 0x02); put_bytes(ans, o->b + o->n - 2, 2); }
        break;
    case X_JT808:
        jt808_location(o, d->imei, d->serial, &f, d->odo);
        jt808_general_answer(ans, d->imei, ++d->peer, d->serial, 0x0200);
        d->serial++;
        break;
    case X_MEILIGAO: {
        char ex[96];
        snprintf(ex, sizeof ex, "|0.9|%d|0400|0000,0000,%04X,%04X|01CC000025F0A1B2|1C|%08X|%02d", f.alt,
                 (unsigned)rng_range(&d->rng, 0x300, 0x3FF), (unsigned)rng_range(&d->rng, 0x100, 0x1FF), d->odo, f.sats);
        meiligao_position(o, d->imei, &f, ex);
        break;
    }
    case X_ATRACK:
        atrack_position(o, imei_u64(d->imei), d->serial, &f, d->odo);
        atrack_keepalive(ans, imei_u64(d->imei), d->serial);
        d->serial++;
        break;
    case X_EGTS: {
        uint32_t tid = (uint32_t)strtoul(d->imei, NULL, 10);
        egts_position(o, d->serial, d->serial, tid, &f, d->odo);
        uint16_t pid = ++d->peer, rn = ++d->peer2;
        egts_response(ans, pid, d->serial, 1, rn, d->serial, 2);
        d->serial++;
        break;
    }
    case X_ARNAVI: {
        unsigned seq = d->serial++ & 0xFF;
        arnavi_package(o, seq, &f, (unsigned)rng_range(&d->rng, 12000, 14200), 4100);
        uint8_t a[4] = { 0x7B, 0x00, (uint8_t)seq, 0x7D };
        put_bytes(ans, a, 4);
        break;
    }
    case X_CALAMP: {
        struct calamp_ev e;
        memset(&e, 0, sizeof e);
        e.update_time = e.fix_time = (uint32_t)(f.t_ms / 1000);
        e.lat = (int32_t)lround(f.lat * 1e7);
        e.lon = (int32_t)lround(f.lon * 1e7);
        e.alt_cm = f.alt * 100;
        e.speed_cms = (uint32_t)lround(f.speed / 0.036);
        e.heading = (int16_t)(lround(f.course) % 360);
        e.sats = (uint8_t)f.sats;
        e.fix_status = 0x02;                          /* differentially corrected bit clear, valid */
        e.carrier = 0x019A;
        e.rssi = (int16_t)-rng_range(&d->rng, 60, 100);
        e.comm = 0x6F;
        e.hdop = 9;
        e.inputs = 0x01;
        e.event_index = 1;
        e.event_code = 2;                             /* periodic report */
        e.naccum = 2;
        e.accum[0] = d->odo;
        e.accum[1] = (uint32_t)rng_range(&d->rng, 0, 100000);
        uint16_t seq = d->serial++;
        calamp_event(o, d->imei, 2, 1, seq, &e);
        calamp_ack(ans, seq, 2);
        total_records[d->proto]--;   /* '# records' counts position messages only */
        return T_EVENT;
    }
    default:
        break;
    }
    return T_POSITION;
}

static int x2_server(struct sconn *c, const uint8_t *p, size_t n, struct buf *o, size_t *used)
{
    int x = c->proto - 2;
    char id[40];
    switch (x) {
    case X_RUPTELA: {
        if (n < 2) return 0;
        size_t len = get_be16(p);
        if (len < 9 || len > 2048) { server_error("ruptela: bad length %zu", len); return -1; }
        if (n < len + 4) return 0;
        *used = len + 4;
        uint16_t crc = (uint16_t)get_be16(p + 2 + len), want = crc16_kermit(p + 2, len);
        snprintf(c->imei, sizeof c->imei, "%llu", (unsigned long long)get_be64(p + 2));
        unsigned cmd = p[10];
        bool ok = crc == want;
        if (!ok) server_error("ruptela %s: CRC 0x%04X, computed 0x%04X", c->imei, crc, want);
        if (cmd == 1) {
            struct cur q = { p + 11, len - 9, 0, false };
            cur_skip(&q, 1);
            unsigned nrec = (unsigned)cur_get(&q, 1);
            for (unsigned i = 0; i < nrec && !q.err; i++) {
                cur_skip(&q, 23);
                for (unsigned w = 1; w <= 8; w *= 2) {
                    unsigned cnt = (unsigned)cur_get(&q, 1);
                    for (unsigned k = 0; k < cnt && !q.err; k++) cur_skip(&q, 1 + w);
                }
            }
            if (q.err || q.off != q.n || nrec == 0) { server_error("ruptela %s: bad records", c->imei); ok = false; }
        } else {
            server_error("ruptela %s: command %u", c->imei, cmd);
            return 1;
        }
        ruptela_answer(o, cmd, ok ? 1 : 0);
        break;
    }
    case X_GALILEO: {
        if (n < 3) return 0;
        if (p[0] != 0x01) { server_error("galileosky: header 0x%02X", p[0]); return -1; }
        size_t len = get_le16(p + 1) & 0x7FFF;
        if (n < len + 5) return 0;
        *used = len + 5;
        uint16_t crc = (uint16_t)get_le16(p + 3 + len), want = crc16_modbus(p, len + 3);
        if (crc != want) server_error("galileosky %s: CRC 0x%04X, computed 0x%04X", c->imei, crc, want);
        size_t i = 3;
        while (i < len + 3) {
            unsigned t = p[i++];
            int w = galileo_width(t);
            if (w == 0) { server_error("galileosky %s: unknown tag 0x%02X", c->imei, t); break; }
            if (w < 0) {
                if (t == 0xFE) { if (i + 2 > len + 3) break; w = (int)get_le16(p + i) + 2; }
                else { if (i + 1 > len + 3) break; w = p[i] + 1; }
            }
            if (i + (size_t)w > len + 3) { server_error("galileosky %s: tag 0x%02X runs past the end", c->imei, t); break; }
            if (t == 0x03) { memcpy(c->imei, p + i, 15); c->imei[15] = 0; c->logged = true; }
            i += (size_t)w;
        }
        put_u8(o, 0x02);
        put_le16(o, crc);
        break;
    }
    case X_JT808: {
        if (n < 1) return 0;
        if (p[0] != 0x7E) { server_error("jt808: no 7E"); return -1; }
        long e = n > 1 ? find_byte(p + 1, n - 1, 0x7E) : -1;
        if (e < 0) return n > 2048 ? (server_error("jt808: no closing 7E"), -1) : 0;
        *used = (size_t)e + 2;
        struct buf m;
        if (!jt808_unescape(p, *used, &m) || m.n < 13) { server_error("jt808: bad escape or short"); return 1; }
        if (xor8(m.b, m.n - 1) != m.b[m.n - 1]) server_error("jt808: XOR mismatch");
        unsigned mid = get_be16(m.b), attr = get_be16(m.b + 2);
        uint16_t serial = (uint16_t)get_be16(m.b + 10);
        size_t blen = m.n - 13;
        if ((attr & 0x3FF) != blen) server_error("jt808: body length %u, have %zu", attr & 0x3FF, blen);
        if (!get_bcd(m.b + 4, 6, id, sizeof id)) { server_error("jt808: phone not BCD"); return 1; }
        snprintf(c->imei, sizeof c->imei, "%.15s", id);
        const uint8_t *body = m.b + 12;
        if (mid == 0x0100) {
            if (blen < 37) server_error("jt808 %s: short register", c->imei);
            jt808_register_answer(o, c->imei, ++c->xseq, serial, c->imei);
            c->logged = true;
            note(1, c->proto, c->imei, T_ACK);
            return 1;
        }
        if (mid == 0x0102) {
            if (blen != strlen(c->imei) || memcmp(body, c->imei, blen)) server_error("jt808 %s: wrong auth code", c->imei);
        } else if (mid == 0x0200) {
            if (blen < 28) server_error("jt808 %s: short location", c->imei);
        } else if (mid != 0x0002) {
            server_error("jt808 %s: message 0x%04X", c->imei, mid);
            return 1;
        }
        jt808_general_answer(o, c->imei, ++c->xseq, serial, mid);
        break;
    }
    case X_MEILIGAO: {
        if (n < 4) return 0;
        if (p[0] != '$' || p[1] != '$') { server_error("meiligao: no $$"); return -1; }
        size_t len = get_be16(p + 2);
        if (len < 17 || len > 2048) { server_error("meiligao: bad length %zu", len); return -1; }
        if (n < len) return 0;
        *used = len;
        uint16_t crc = (uint16_t)get_be16(p + len - 4), want = crc16_ccitt_false(p, len - 4);
        if (crc != want) server_error("meiligao: CRC 0x%04X, computed 0x%04X", crc, want);
        if (p[len - 2] != 0x0D || p[len - 1] != 0x0A) server_error("meiligao: no CR LF");
        if (!get_bcd(p + 4, 7, id, sizeof id)) { server_error("meiligao: ID not BCD"); return 1; }
        snprintf(c->imei, sizeof c->imei, "%.15s", id);
        unsigned cmd = get_be16(p + 11);
        if (cmd == 0x5000) {
            static const uint8_t okflag = 0x01;
            meiligao_packet(o, "@@", c->imei, 0x4000, &okflag, 1);
            c->logged = true;
        } else if (cmd == 0x9955) {
            if (!memchr(p + 13, '*', len - 17) || !memchr(p + 13, '|', len - 17))
                server_error("meiligao %s: bad position data", c->imei);
            return 1;
        } else {
            server_error("meiligao %s: command 0x%04X", c->imei, cmd);
            return 1;
        }
        break;
    }
    case X_ATRACK: {
        if (n < 2) return 0;
        if (p[0] == 0xFE && p[1] == 0x02) {
            if (n < 12) return 0;
            *used = 12;
            snprintf(c->imei, sizeof c->imei, "%llu", (unsigned long long)get_be64(p + 2));
            put_bytes(o, p, 12);
            break;
        }
        if (p[0] != '@' || p[1] != 'P') { server_error("atrack: no @P"); return -1; }
        if (n < 6) return 0;
        size_t len = get_be16(p + 4);
        if (len < 12 || len > 4096) { server_error("atrack: bad length %zu", len); return -1; }
        if (n < 6 + len) return 0;
        *used = 6 + len;
        uint16_t crc = (uint16_t)get_be16(p + 2), want = crc16_arc(p + 4, len + 2);
        if (crc != want) server_error("atrack: CRC 0x%04X, computed 0x%04X", crc, want);
        snprintf(c->imei, sizeof c->imei, "%llu", (unsigned long long)get_be64(p + 8));
        if (len < 51)    /* sequence .. text of one record with an empty form */
            server_error("atrack %s: record length %zu", c->imei, len);
        put_u8(o, 0xFE); put_u8(o, 0x02);
        put_bytes(o, p + 8, 8);
        put_bytes(o, p + 6, 2);
        break;
    }
    case X_EGTS: {
        if (n < 11) return 0;
        if (p[0] != 0x01) { server_error("egts: PRV 0x%02X", p[0]); return -1; }
        size_t hl = p[3];
        if (hl != 11 && hl != 16) { server_error("egts: HL %zu", hl); return -1; }
        if (n < hl) return 0;
        if (crc8_egts(p, hl - 1) != p[hl - 1]) { server_error("egts: header CRC"); return -1; }
        size_t fdl = get_le16(p + 5);
        size_t total = hl + fdl + (fdl ? 2 : 0);
        if (n < total) return 0;
        *used = total;
        uint16_t pid = (uint16_t)get_le16(p + 7);
        const uint8_t *sf = p + hl;
        if (fdl && get_le16(sf + fdl) != crc16_ccitt_false(sf, fdl)) server_error("egts: data CRC");
        if (p[9] != 1) { server_error("egts: packet type %u", p[9]); return 1; }
        struct cur q = { sf, fdl, 0, false };
        int nrec = 0;
        bool auth = false;
        uint16_t rn = 0;
        unsigned sst = 0;
        while (q.off < q.n && !q.err) {
            size_t rl = (size_t)cur_get(&q, 1);
            rl |= (size_t)cur_get(&q, 1) << 8;
            rn = (uint16_t)(cur_get(&q, 1) | cur_get(&q, 1) << 8);
            unsigned rfl = (unsigned)cur_get(&q, 1);
            if (rfl & 1) {
                uint32_t oid = (uint32_t)(cur_get(&q, 1) | cur_get(&q, 1) << 8 | cur_get(&q, 1) << 16 | cur_get(&q, 1) << 24);
                snprintf(c->imei, sizeof c->imei, "%u", oid);
            }
            if (rfl & 2) cur_skip(&q, 4);
            if (rfl & 4) cur_skip(&q, 4);
            sst = (unsigned)cur_get(&q, 1);
            cur_skip(&q, 1);
            size_t end = q.off + rl;
            while (q.off < end && !q.err) {
                unsigned srt = (unsigned)cur_get(&q, 1);
                size_t srl = (size_t)(cur_get(&q, 1) | cur_get(&q, 1) << 8);
                if (q.err || srl > q.n - q.off) { q.err = true; break; }
                const uint8_t *sd = q.p + q.off;
                if (sst == 1 && srt == 1 && srl >= 5) {
                    snprintf(c->imei, sizeof c->imei, "%u", get_le32(sd));
                    auth = true;
                    c->logged = true;
                } else if (sst == 2 && srt == 16 && srl < 21) {
                    server_error("egts %s: POS_DATA length %zu", c->imei, srl);
                }
                cur_skip(&q, srl);
            }
            nrec++;
        }
        if (q.err || nrec < 1) { server_error("egts %s: bad records", c->imei); return 1; }
        egts_response(o, ++c->xseq, pid, 1, ++c->xrn, rn, sst);
        if (auth) {
            note(1, c->proto, c->imei, T_ACK);
            egts_result_code(o, ++c->xseq, ++c->xrn);
        }
        break;
    }
    case X_ARNAVI: {
        if (n < 1) return 0;
        if (p[0] == 0xFF) {
            if (n < 10) return 0;
            *used = 10;
            snprintf(c->imei, sizeof c->imei, "%llu", (unsigned long long)get_le64(p + 2));
            c->logged = true;
            static const uint8_t a[4] = { 0x7B, 0x00, 0x00, 0x7D };
            put_bytes(o, a, 4);
            break;
        }
        if (p[0] != 0x5B) { server_error("arnavi: no '['"); return -1; }
        size_t i = 2;
        for (;;) {
            if (i >= n) return n > 4096 ? (server_error("arnavi: no ']'"), -1) : 0;
            if (p[i] == 0x5D) break;
            if (i + 7 > n) return 0;
            size_t dl = get_le16(p + i + 1);
            if (i + 7 + dl + 1 > n) return 0;
            /* the per-packet check byte's algorithm is not confirmed: not checked */
            i += 7 + dl + 1;
        }
        *used = i + 1;
        uint8_t a[4] = { 0x7B, 0x00, p[1], 0x7D };
        put_bytes(o, a, 4);
        break;
    }
    case X_CALAMP: {
        *used = n;
        struct cur q = { p, n, 0, false };
        unsigned opts = (unsigned)cur_get(&q, 1);
        if (!(opts & 0x80)) { server_error("calamp: no options header"); return 1; }
        for (unsigned b = 0; b < 7 && !q.err; b++) {
            if (!(opts & (1u << b))) continue;
            size_t l = (size_t)cur_get(&q, 1);
            if (b == 0 && !q.err && l <= q.n - q.off) get_bcd(p + q.off, l, c->imei, sizeof c->imei);
            cur_skip(&q, l);
        }
        unsigned service = (unsigned)cur_get(&q, 1), type = (unsigned)cur_get(&q, 1);
        uint16_t seq = (uint16_t)cur_get(&q, 2);
        if (q.err || type != 2 || n - q.off < 42) { server_error("calamp %s: bad event report", c->imei); return 1; }
        if (service != 1) return 1;
        calamp_ack(o, seq, type);
        break;
    }
    default:
        return x3_server(c, p, n, o, used);
    }
    note(1, c->proto, c->imei, T_ACK);
    return 1;
}

/* the login (or first contact) message; returns its manifest type, or -1 when
 * the protocol has none.  ans gets the exact answer the server must send. */
static int x_login(struct dev *d, struct buf *o, struct buf *ans)
{
    struct fix f;
    if (d->lstep > 0 && d->proto - 2 != X_JT808 && d->proto - 2 != X_NAVTELECOM) return -1;   /* one-step logins */
    switch (d->proto - 2) {
    case X_GPS103:
        gps103_logon(o, d->imei);
        put_str(ans, "LOAD");
        return T_LOGIN;
    case X_TK103:
        dev_fix(d, &f);
        tk103_login(o, d->imei, d->full, &f, d->odo);   /* its fix is not counted in '# records' */
        put_fmt(ans, "(%sAP05)", d->imei);
        return T_LOGIN;
    case X_WIALON:
        wialon_login(o, d->imei);
        put_str(ans, "#AL#1\r\n");
        return T_LOGIN;
    case X_WATCH:
        watch_frame(o, d->imei, "LK");
        watch_frame(ans, d->imei, "LK");
        return T_HEARTBEAT;
    default:
        return x2_login(d, o, ans);
    }
}

/* message k after the login; returns its manifest type */
static int x_message(struct dev *d, int k, struct buf *o, struct buf *ans)
{
    struct fix f;
    bool hb = k % 3 == 2;
    int x = d->proto - 2;
    if (x == X_NAVTELECOM) return x4_message(d, k, o, ans);
    if (x == X_TOPFLYTECH) return x5_message(d, k, o, ans);
    if (x == X_CELLOCATOR) return x6_message(d, k, o, ans);
    if (x >= X_QUECLINK) return x3_message(d, k, o, ans);
    if (x >= X_RUPTELA) return x2_message(d, k, o, ans);
    if (hb) {
        switch (x) {
        case X_GPS103: gps103_heartbeat(o, d->imei); put_str(ans, "ON"); return T_HEARTBEAT;
        case X_TK103:
            tk103_handshake(o, d->imei, d->full);
            put_fmt(ans, "(%sAP01HSO)", d->imei);
            return T_HEARTBEAT;
        case X_H02:
            h02_heartbeat(o, d->imei, (int)rng_range(&d->rng, 40, 100));
            h02_heartbeat_answer(ans, d->imei);
            return T_HEARTBEAT;
        case X_WIALON: wialon_ping(o); put_str(ans, "#AP#\r\n"); return T_HEARTBEAT;
        case X_WATCH: watch_frame(o, d->imei, "LK"); watch_frame(ans, d->imei, "LK"); return T_HEARTBEAT;
        default: break;
        }
    }
    dev_fix(d, &f);
    total_records[d->proto]++;
    switch (x) {
    case X_GPS103:
        gps103_position(o, d->imei, "tracker", f.t_ms + GPS103_TZ_MS, &f);
        break;
    case X_TK103:
        tk103_position(o, d->imei, &f, d->odo);
        break;
    case X_H02:
        h02_v1(o, d->imei, &f, "");
        break;
    case X_WIALON: {
        char params[96];
        snprintf(params, sizeof params, "pwr_ext:2:%.2f,odo:1:%u", 12.0 + (double)rng_range(&d->rng, 0, 200) / 100.0, d->odo);
        wialon_data(o, &f, params);
        put_str(ans, "#AD#1\r\n");
        break;
    }
    case X_WATCH:
        watch_ud(o, d->imei, &f, (int)rng_range(&d->rng, 20, 100));
        break;
    case X_OSMAND:
        osmand_request(o, d->imei, &f, (int)rng_range(&d->rng, 20, 100), proto_port(d->proto));
        osmand_answer(ans);
        break;
    default:
        break;
    }
    return T_POSITION;
}

/* server side: frame and check one message of p[0..n); append the answer to o.
 * Returns 1 with *used set, 0 when more bytes are needed, -1 on a broken stream. */
static int x_server(struct sconn *c, const uint8_t *p, size_t n, struct buf *o, size_t *used)
{
    int x = c->proto - 2;
    const char *s = (const char *)p;
    struct field f[40];
    long e;
    switch (x) {
    case X_GPS103: {
        if ((e = find_byte(p, n, ';')) < 0) return n > 1024 ? (server_error("gps103: no ';'"), -1) : 0;
        *used = (size_t)e + 1;
        if (e > 3 && !memcmp(s, "##,", 3)) {
            int k = split_fields(s, (size_t)e, ',', f, 40);
            if (k != 3 || f[1].n != 20 || memcmp(f[1].p, "imei:", 5) || !all_digits(f[1].p + 5, 15)) {
                server_error("gps103: bad logon"); return -1;
            }
            memcpy(c->imei, f[1].p + 5, 15);
            c->imei[15] = 0;
            c->logged = true;
            put_str(o, "LOAD");
        } else if (e == 15 && all_digits(s, 15)) {
            if (memcmp(s, c->imei, 15)) server_error("gps103 %s: heartbeat of another IMEI", c->imei);
            put_str(o, "ON");
        } else if (e > 5 && !memcmp(s, "imei:", 5)) {
            int k = split_fields(s, (size_t)e, ',', f, 40);
            if (k < 13 || !field_is(&f[4], "F") || f[5].n < 6 || !field_is(&f[6], "A") ||
                isnan(parse_dm(f[7].p, f[7].n, 2)) || isnan(parse_dm(f[9].p, f[9].n, 3)) ||
                f[0].n != 20 || memcmp(f[0].p + 5, c->imei, 15)) {
                server_error("gps103 %s: bad position", c->imei);
            }
            return 1;   /* positions get no answer */
        } else {
            server_error("gps103 %s: unknown message", c->imei);
            return 1;
        }
        break;
    }
    case X_TK103: {
        if (n && *s != '(') { server_error("tk103: no '('"); return -1; }
        if ((e = find_byte(p, n, ')')) < 0) return n > 1024 ? (server_error("tk103: no ')'"), -1) : 0;
        *used = (size_t)e + 1;
        if (e < 17) { server_error("tk103: short message"); return 1; }
        char id[13], cmd[5];
        memcpy(id, s + 1, 12); id[12] = 0;
        memcpy(cmd, s + 13, 4); cmd[4] = 0;
        size_t dlen = (size_t)e - 17;   /* data between the command and ')' */
        if (!strcmp(cmd, "BP05")) {
            if (dlen != 15 + 62 || !all_digits(s + 17, 15)) server_error("tk103 %s: bad BP05", id);
            snprintf(c->imei, sizeof c->imei, "%.15s", id);
            c->logged = true;
            put_fmt(o, "(%sAP05)", id);
        } else if (!strcmp(cmd, "BP00")) {
            put_fmt(o, "(%sAP01HSO)", id);
        } else if (!strcmp(cmd, "BR00")) {
            if (dlen != 62 || isnan(parse_dm(s + 24, 9, 2)) || isnan(parse_dm(s + 34, 10, 3)))
                server_error("tk103 %s: bad BR00 (%zu data bytes)", id, dlen);
            return 1;
        } else {
            server_error("tk103 %s: unknown command %s", id, cmd);
            return 1;
        }
        break;
    }
    case X_H02: {
        if (n && *s != '*') { server_error("h02: no '*'"); return -1; }
        if ((e = find_byte(p, n, '#')) < 0) return n > 1024 ? (server_error("h02: no '#'"), -1) : 0;
        *used = (size_t)e + 1;
        int k = split_fields(s, (size_t)e, ',', f, 40);
        if (k < 3 || !field_is(&f[0], "*HQ") || f[1].n != 10 || !all_digits(f[1].p, 10)) {
            server_error("h02: bad header"); return 1;
        }
        memcpy(c->imei, f[1].p, 10);
        c->imei[10] = 0;
        if (field_is(&f[2], "HTBT")) {
            h02_heartbeat_answer(o, c->imei);
        } else if (field_is(&f[2], "V1")) {
            if (k != 13 || isnan(parse_dm(f[5].p, f[5].n, 2)) || isnan(parse_dm(f[7].p, f[7].n, 3)))
                server_error("h02 %s: bad V1", c->imei);
            return 1;
        } else {
            server_error("h02 %s: unknown command", c->imei);
            return 1;
        }
        break;
    }
    case X_WIALON: {
        if (n && *s != '#') { server_error("wialon: no '#'"); return -1; }
        if ((e = find_byte(p, n, '\n')) < 0) return n > 2048 ? (server_error("wialon: no LF"), -1) : 0;
        *used = (size_t)e + 1;
        if (e < 4 || s[e - 1] != '\r') { server_error("wialon: no CR LF"); return 1; }
        size_t len = (size_t)e - 1;
        const char *body = NULL;
        if (len >= 3 && (body = memchr(s + 1, '#', len - 1)) == NULL) { server_error("wialon: no type"); return 1; }
        size_t tl = (size_t)(body - s) - 1, bl = len - (size_t)(body + 1 - s);
        body++;
        if (tl == 1 && s[1] == 'P') { put_str(o, "#AP#\r\n"); break; }
        /* v2.0: the last ';'-field is the CRC over everything before it */
        const char *semi = NULL;
        for (size_t i = bl; i-- > 0;) if (body[i] == ';') { semi = body + i; break; }
        unsigned crc = 0;
        bool crc_ok = semi && sscanf(semi + 1, "%4X", &crc) == 1 &&
                      crc == crc16_arc((const uint8_t *)body, (size_t)(semi + 1 - body));
        if (tl == 1 && s[1] == 'L') {
            int k = split_fields(body, bl, ';', f, 40);
            if (k == 4 && field_is(&f[0], "2.0") && f[1].n < sizeof c->imei) {
                memcpy(c->imei, f[1].p, f[1].n);
                c->imei[f[1].n] = 0;
                c->logged = true;
            }
            if (!crc_ok) server_error("wialon: login CRC");
            put_str(o, crc_ok ? "#AL#1\r\n" : "#AL#10\r\n");
        } else if (tl == 1 && s[1] == 'D') {
            int k = split_fields(body, bl, ';', f, 40);
            if (k != 17 || isnan(parse_dm(f[2].p, f[2].n, 2)) || isnan(parse_dm(f[4].p, f[4].n, 3)))
                server_error("wialon %s: bad D packet", c->imei);
            if (!crc_ok) server_error("wialon %s: D CRC", c->imei);
            put_str(o, crc_ok ? "#AD#1\r\n" : "#AD#16\r\n");
        } else {
            server_error("wialon %s: unknown packet", c->imei);
            return 1;
        }
        break;
    }
    case X_WATCH: {
        if (n && *s != '[') { server_error("watch: no '['"); return -1; }
        /* [MF*ID*LLLL*: find the third '*' */
        size_t i = 0;
        int stars = 0;
        while (i < n && stars < 3) { if (s[i] == '*') stars++; i++; }
        if (stars < 3) return n > 64 ? (server_error("watch: bad header"), -1) : 0;
        int k = split_fields(s + 1, i - 2, '*', f, 4);
        unsigned len = 0;
        if (k != 3 || f[2].n != 4 || sscanf(f[2].p, "%4x", &len) != 1 || f[1].n >= sizeof c->imei) {
            server_error("watch: bad header"); return -1;
        }
        if (n < i + len + 1) return 0;
        if (s[i + len] != ']') { server_error("watch: length field does not reach ']'"); return -1; }
        *used = i + len + 1;
        memcpy(c->imei, f[1].p, f[1].n);
        c->imei[f[1].n] = 0;
        const char *ct = s + i;
        if (len == 2 && !memcmp(ct, "LK", 2)) {
            watch_frame(o, c->imei, "LK");
        } else if (len > 3 && !memcmp(ct, "UD,", 3)) {
            k = split_fields(ct, len, ',', f, 40);
            if (k < 20) server_error("watch %s: bad UD", c->imei);
            return 1;
        } else {
            server_error("watch %s: unknown content", c->imei);
            return 1;
        }
        break;
    }
    case X_OSMAND: {
        size_t i;
        for (i = 0; i + 4 <= n; i++) if (!memcmp(s + i, "\r\n\r\n", 4)) break;
        if (i + 4 > n) return n > 4096 ? (server_error("osmand: no header end"), -1) : 0;
        *used = i + 4;
        if (i < 8 || memcmp(s, "GET /?", 6)) { server_error("osmand: not a GET with a query"); return -1; }
        const char *q = s + 6, *qe = memchr(q, ' ', i - 6);
        if (!qe) { server_error("osmand: bad request line"); return -1; }
        int k = split_fields(q, (size_t)(qe - q), '&', f, 40);
        bool has_id = false, has_ll = false;
        for (int j = 0; j < k; j++) {
            if (f[j].n > 3 && !memcmp(f[j].p, "id=", 3) && f[j].n - 3 < sizeof c->imei) {
                memcpy(c->imei, f[j].p + 3, f[j].n - 3);
                c->imei[f[j].n - 3] = 0;
                has_id = true;
            }
            if (f[j].n > 4 && !memcmp(f[j].p, "lat=", 4)) has_ll = true;
        }
        if (!has_id || !has_ll) server_error("osmand: request without id or lat");
        osmand_answer(o);
        break;
    }
    default:
        return x2_server(c, p, n, o, used);
    }
    note(1, c->proto, c->imei, T_ACK);
    return 1;
}
/* one datagram of another protocol: the same checker as for TCP, answer by sendto */
static void server_xudp(int fd, int proto)
{
    uint8_t p[IN_MAX];
    struct sockaddr_storage from;
    socklen_t fl = sizeof from;
    ssize_t r = recvfrom(fd, p, sizeof p, 0, (struct sockaddr *)&from, &fl);
    if (r < 0) { if (errno != EINTR) server_error("recvfrom: %s", strerror(errno)); return; }
    struct sconn c;
    memset(&c, 0, sizeof c);
    c.fd = -1;
    c.proto = proto;
    struct buf o;
    buf_reset(&o);
    size_t used = 0;
    if (x_server(&c, p, (size_t)r, &o, &used) <= 0 || used != (size_t)r)
        server_error("%s: datagram of %zd bytes not parsed as one message", pname(proto), r);
    if (o.n && sendto(fd, o.b, o.n, 0, (struct sockaddr *)&from, fl) != (ssize_t)o.n)
        server_error("udp sendto: %s", strerror(errno));
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

/* other protocols: checksums, vendor and corpus examples byte for byte, and
 * every message a device sends through the server-side checker */
static bool same_str(const struct buf *o, const char *want)
{
    return same(o, (const uint8_t *)want, strlen(want));
}
static int64_t st_time(int y, int mo, int d, int h, int mi, int s)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = y - 1900; tm.tm_mon = mo - 1; tm.tm_mday = d;
    tm.tm_hour = h; tm.tm_min = mi; tm.tm_sec = s;
    return (int64_t)timegm(&tm) * 1000;
}
static double st_dm(int deg, double min, bool neg) { return (neg ? -1 : 1) * (deg + min / 60.0); }

static void self_test_x(void)
{
    struct buf o;
    struct fix f;
    char what[160];

    /* GPS103 */
    buf_reset(&o);
    gps103_logon(&o, "359586015829802");
    st_check(same_str(&o, "##,imei:359586015829802,A;"), "GPS103 logon reproduces the vendor example");
    memset(&f, 0, sizeof f);
    f.t_ms = st_time(2019, 2, 5, 6, 44, 59);
    f.lat = st_dm(49, 15.1221, false);
    f.lon = st_dm(16, 34.5655, false);
    f.speed = 3.91 * 1.852;
    f.course = 83.95;
    buf_reset(&o);
    gps103_position(&o, "868683023212255", "tracker", st_time(2019, 2, 5, 8, 45, 3), &f);
    st_check(same_str(&o, "imei:868683023212255,tracker,190205084503,,F,064459.000,A,4915.1221,N,01634.5655,E,3.91,83.95;"),
             "GPS103 position reproduces corpus row gps103 (868683023212255) byte for byte");

    /* TK103 */
    f.t_ms = st_time(2013, 5, 20, 17, 56, 22);
    f.lat = st_dm(34, 39.9629, true);
    f.lon = st_dm(58, 26.3504, true);
    f.speed = 0.1;
    f.course = 323.87;
    buf_reset(&o);
    tk103_login(&o, "012345678901", "000012345678901", &f, 0x000450AC);
    st_check(same_str(&o, "(012345678901BP05000012345678901130520A3439.9629S05826.3504W000.1175622323.8700000000L000450AC)"),
             "TK103 BP05 reproduces corpus row (012345678901BP05...) byte for byte");
    f.t_ms = st_time(2019, 4, 8, 16, 24, 31);
    f.lat = st_dm(41, 13.57, false);
    f.lon = st_dm(1, 40.31, false);
    f.speed = 0;
    f.course = 0;
    buf_reset(&o);
    tk103_position(&o, "BALLESTEROS3", &f, 0);
    st_check(same_str(&o, "(BALLESTEROS3BR00190408A4113.5700N00140.3100E000.0162431000.0001000000L00000000)"),
             "TK103 BR00 reproduces corpus row (BALLESTEROS3BR00...) byte for byte");

    /* H02 */
    f.t_ms = st_time(2021, 7, 13, 10, 40, 0);
    f.lat = st_dm(22, 35.1777, false);
    f.lon = st_dm(113, 57.8913, false);
    f.speed = 0.27 * 1.852;
    f.course = 235;
    buf_reset(&o);
    h02_v1(&o, "4970105243", &f, ",460,11,d18e105,7752,6");
    st_check(same_str(&o, "*HQ,4970105243,V1,104000,A,2235.1777,N,11357.8913,E,000.27,235,130721,FFFFFBFF,460,11,d18e105,7752,6#"),
             "H02 V1 reproduces corpus row (*HQ,4970105243,V1...) byte for byte");
    buf_reset(&o);
    h02_heartbeat(&o, "135790246811220", 100);
    st_check(same_str(&o, "*HQ,135790246811220,HTBT,100#"), "H02 HTBT reproduces corpus row byte for byte");
    buf_reset(&o);
    h02_heartbeat_answer(&o, "135790246811220");
    st_check(same_str(&o, "*HQ,135790246811220,HTBT#"), "H02 HTBT answer reproduces corpus row byte for byte");

    /* Wialon IPS 2.0 CRC on corpus rows */
    static const struct { const char *body; unsigned crc; } wc[] = {
        { "300924;154245;5554.350052;N;3644.670410;E;2.92;NA;NA;NA;", 0x7A01 },   /* SD row; the L row CE45 is a fake */
        { "220323;114150;2234.80479;N;11354.87786;E;0;NA;59;11;NA;NA;NA;;NA;d_battr:1:94,d_csq:1:21,di_light:1:1;", 0xE7C9 },
        { "101118;061143;0756.0930;N;12338.6403;E;18.223;99.766;-4.000;10;0.800;NA;NA;NA;NA;101_521347:1:521249,"
          "101_521126:1:6593598,101_521127:1:774780,101_521072_21.1:1:0,101_521072_21.2:1:71353;", 0xF24A },
    };
    for (size_t i = 0; i < sizeof wc / sizeof wc[0]; i++) {
        snprintf(what, sizeof what, "Wialon CRC-16/ARC of corpus row body %zu = %04X", i + 1, wc[i].crc);
        st_check(crc16_arc((const uint8_t *)wc[i].body, strlen(wc[i].body)) == wc[i].crc, what);
    }
    buf_reset(&o);
    wialon_login(&o, "42001300083");
    st_check(o.n > 7 && !memcmp(o.b, "#L#2.0;42001300083;NA;", 22) && o.b[o.n - 2] == '\r' && o.b[o.n - 1] == '\n',
             "Wialon login has the 2.0 form with CRC and CR LF");

    /* Watch */
    buf_reset(&o);
    watch_frame(&o, "8800000015", "LK");
    st_check(same_str(&o, "[SG*8800000015*0002*LK]"), "Watch LK reproduces the vendor example");
    buf_reset(&o);
    watch_frame(&o, "8800000015", "LK,50,100,100");
    st_check(same_str(&o, "[SG*8800000015*000D*LK,50,100,100]"), "Watch LK with data reproduces the vendor example (hex length 000D)");

    /* every protocol's device messages through the server-side checker */
    for (int x = 0; x < NX; x++) {
        struct dev d;
        struct sconn c;
        struct buf up, want, got;
        buf_reset(&up); buf_reset(&want); buf_reset(&got);
        dev_init(&d, 2 + x, 1, 0);
        int types = 0;
        size_t ends[8];
        for (d.lstep = 0; d.lstep < 4 && x_login(&d, &up, &want) >= 0; d.lstep++) ends[types++] = up.n;
        for (int k = 0; k < 4; k++) { x_message(&d, k, &up, &want); ends[types++] = up.n; }
        memset(&c, 0, sizeof c);
        c.fd = -1;
        c.proto = 2 + x;
        int errs = server_errors;
        size_t off = 0, used = 0;
        int msgs = 0, r = 1;
        /* datagram protocols: one message per call */
        while (off < up.n && msgs < types &&
               (r = x_server(&c, up.b + off, (xudp[x] ? ends[msgs] : up.n) - off, &got, &used)) == 1) { off += used; msgs++; }
        snprintf(what, sizeof what, "%s: %d device messages (%zu bytes) pass the server checker, answers match byte for byte",
                 xname[x], types, up.n);
        st_check(!up.over && r == 1 && off == up.n && msgs == types && server_errors == errs &&
                 got.n == want.n && !memcmp(got.b, want.b, got.n), what);
        snprintf(what, sizeof what, "%s: identity %s learned by the server", xname[x], d.imei);
        st_check(!strcmp(c.imei, d.imei), what);
    }
}

/* a corpus row through a server-side checker: it must parse as whole
 * messages, raise no server error and produce an answer */
static bool st_checker_accepts(int x, const char *hex, struct buf *got)
{
    static uint8_t raw[2048];
    size_t n = unhex(hex, raw, sizeof raw);
    struct sconn c;
    memset(&c, 0, sizeof c);
    c.fd = -1;
    c.proto = 2 + x;
    buf_reset(got);
    int errs = server_errors;
    size_t off = 0, used = 0;
    int r = 1;
    while (off < n && (r = x_server(&c, raw + off, n - off, got, &used)) == 1) off += used;
    return r == 1 && off == n && server_errors == errs && got->n > 0;
}

static void self_test_bin(void)
{
    const uint8_t check[] = "123456789";
    uint8_t ex[512];
    size_t exn;
    struct buf o;
    st_check(crc16_kermit(check, 9) == 0x2189, "CRC-16/KERMIT check value 0x2189");
    st_check(crc16_modbus(check, 9) == 0x4B37, "CRC-16/MODBUS check value 0x4B37");
    st_check(crc16_ccitt_false(check, 9) == 0x29B1, "CRC-16/CCITT-FALSE check value 0x29B1");
    st_check(crc8_egts(check, 9) == 0xF7, "CRC-8 (EGTS, poly 0x31 init 0xFF) check value 0xF7");

    /* Ruptela */
    buf_reset(&o);
    ruptela_answer(&o, 1, 1);
    exn = unhex("00 02 64 01 13 BC", ex, sizeof ex);
    st_check(same(&o, ex, exn), "Ruptela records ACK is 00 02 64 01 13 BC");
    struct rrec r;
    memset(&r, 0, sizeof r);
    r.time = 0x5613d8ed; r.lon = (int32_t)0xfff5b37a; r.lat = 0x035af378; r.alt = 0x01e7; r.sats = 9;
    r.hdop = 0x0d; r.event = 7;
    static const struct rio rio12[] = {
        { 0x1b, 1, 0x0c }, { 0x02, 1, 0 }, { 0x03, 1, 0 }, { 0x1c, 1, 1 }, { 0x20, 1, 0x2c }, { 0xad, 1, 0 },
        { 0x05, 1, 0 }, { 0x43, 2, 0x02a8 }, { 0x1d, 2, 0x33e6 }, { 0x1e, 2, 0x1001 }, { 0x16, 2, 0x317c },
        { 0xd3, 2, 0xffff }, { 0x17, 2, 0x4ad6 }, { 0x41, 4, 0x77fa }, { 0x96, 4, 0xf232 },
    };
    memcpy(r.io, rio12, sizeof rio12);
    r.nio = (int)(sizeof rio12 / sizeof rio12[0]);
    struct buf pl;
    buf_reset(&pl);
    ruptela_records(&pl, &r, 1);
    buf_reset(&o);
    ruptela_packet(&o, 0x000310f5615f419cULL, 1, pl.b, pl.n);
    exn = unhex("0050000310f5615f419c0100015613d8ed0000fff5b37a035af37801e700000900000d07071b0c020003001c01202c"
                "ad000500064302a81d33e61e100116317cd3ffff174ad60241000077fa960000f232003c2e", ex, sizeof ex);
    st_check(same(&o, ex, exn), "Ruptela command 1 encoder reproduces corpus row ruptela-012 byte for byte (CRC-16/KERMIT 0x3C2E)");

    /* Galileosky */
    st_check(st_checker_accepts(X_GALILEO, "011380033836383230343030313534393038370432008590", &o) &&
             o.n == 3 && o.b[0] == 2 && o.b[1] == 0x85 && o.b[2] == 0x90,
             "Galileosky checker accepts head pack galileo-008 and answers 02 85 90 (CRC-16/MODBUS echo)");
    st_check(st_checker_accepts(X_GALILEO, "012a0003383633353931303233353137333732046600e000000000e1104f555428332e2e3029203d2031313130bb29", &o),
             "Galileosky checker walks corpus row galileo-006 (tags 03 04 E0 E1)");

    /* JT808 */
    buf_reset(&o);
    {
        struct buf m;
        buf_reset(&m);
        exn = unhex("30 7E 08 7D 55", ex, sizeof ex);
        put_u8(&o, 0x7E);
        for (size_t i = 0; i < exn; i++) {
            if (ex[i] == 0x7E) { put_u8(&o, 0x7D); put_u8(&o, 0x02); }
            else if (ex[i] == 0x7D) { put_u8(&o, 0x7D); put_u8(&o, 0x01); }
            else put_u8(&o, ex[i]);
        }
        put_u8(&o, 0x7E);
        uint8_t want[16];
        size_t wn = unhex("7E 30 7D 02 08 7D 01 55 7E", want, sizeof want);
        st_check(same(&o, want, wn) && jt808_unescape(o.b, o.n, &m) && m.n == exn && !memcmp(m.b, ex, exn),
                 "JT808 escaping reproduces the standard's example 30 7E 08 7D 55 -> 7E 30 7D 02 08 7D 01 55 7E and back");
        buf_reset(&o);
        jt808_wrap(&o, ex, exn);
        st_check(jt808_unescape(o.b, o.n, &m) && m.n == exn + 1 && xor8(m.b, exn) == m.b[exn],
                 "JT808 frame carries the XOR of the unescaped content");
    }
    st_check(st_checker_accepts(X_JT808, "7e0200001f01207646327900400000000000006002015c7ab706d20469003b0000000025040216362606013e6b7e", &o),
             "JT808 checker accepts location row jt808-021 and answers 0x8001");
    st_check(st_checker_accepts(X_JT808, "7e02000032000000000000022500000000000c0002000000000000000000710000014626061510572501040000006430011f31010ce10200722b04ab560000487e", &o),
             "JT808 checker accepts location row jt808-003");

    /* Meiligao */
    buf_reset(&o);
    meiligao_packet(&o, "$$", "13612345678", 0x5000, NULL, 0);
    exn = unhex("24 24 00 11 13 61 23 45 67 8F FF 50 00 05 D8 0D 0A", ex, sizeof ex);
    st_check(same(&o, ex, exn), "Meiligao login reproduces the vendor example (CRC-16/CCITT-FALSE 0x05D8)");
    {
        static const char row[] = "2424008f142180340967ff99553033333233302e3030302c412c313531362e383039392c4e2c31303435322e"
            "383835352c452c302e30302c33332c3038313232302c2c2a33367c302e387c3132337c323130307c303030302c303030302c"
            "303230452c303241417c30323038303030353038394530304531434638347c31437c31373243353832437c3042a8060d0a";
        struct buf got;
        struct sconn c;
        size_t n = unhex(row, ex, sizeof ex), used = 0;
        memset(&c, 0, sizeof c);
        c.proto = 2 + X_MEILIGAO;
        buf_reset(&got);
        int errs = server_errors;
        st_check(x_server(&c, ex, n, &got, &used) == 1 && used == n && errs == server_errors && !strcmp(c.imei, "142180340967"),
                 "Meiligao checker accepts position row meiligao-002 (ID 142180340967, CRC 0xA806)");
    }

    /* ATrack */
    st_check(st_checker_accepts(X_ATRACK, "4050b5ed004a2523000310c83713f8c05a88b43e5a88b43f5a88b43f021e0ad5fffdc0a800f302"
             "0003059100080000000000000007d007d046554c533a463d3230393120743d3137204e3d3039303100", &o) &&
             o.n == 12 && o.b[0] == 0xFE && o.b[1] == 0x02,
             "ATrack checker accepts binary row atrack-007 (CRC-16/ARC) and answers FE 02 unit seq");

    /* EGTS */
    st_check(st_checker_accepts(X_EGTS, "0100020b004600010001b81800030001f299c0d80202101500c9c52f1100552e9c80e4ca7911f580"
             "5b00000000031800040001f299c0d80202101500cbc52f1100612e9c00dbca79116c803e00000000037c13", &o),
             "EGTS checker accepts egts-002 (header CRC-8, data CRC-16, 2 POS_DATA records)");
    buf_reset(&o);
    egts_response(&o, 0x436c, 1, 0, 0, 0, 0);
    exn = unhex("0100000b0003006c430004010000acfb", ex, sizeof ex);
    st_check(same(&o, ex, exn), "EGTS PT_RESPONSE encoder reproduces corpus row egts-004 byte for byte");

    /* Arnavi */
    buf_reset(&o);
    arnavi_header(&o, 0x00030fc9f5450cf3ULL);
    exn = unhex("ff22f30c45f5c90f0300", ex, sizeof ex);
    st_check(same(&o, ex, exn), "Arnavi header packet reproduces corpus row arnavi-010 byte for byte");
    st_check(st_checker_accepts(X_ARNAVI, "5b01012800a3175f5903513934420447221c42055402781e0900f0c5215b4e0084005c00007c005d"
             "0000a300fa37010000295d", &o) && o.n == 4 && o.b[0] == 0x7B && o.b[1] == 0 && o.b[2] == 1 && o.b[3] == 0x7D,
             "Arnavi checker accepts package arnavi-011 and answers 7B 00 01 7D");

    /* CalAmp */
    struct calamp_ev e;
    memset(&e, 0, sizeof e);
    e.update_time = e.fix_time = 0x5cfc4dcd;
    e.lat = 0x19913f5d; e.lon = (int32_t)0xcce1291e; e.alt_cm = 0x33fa; e.speed_cms = 0x58; e.heading = 0x111;
    e.sats = 8; e.carrier = 0x019a; e.rssi = -99; e.comm = 0x6f; e.hdop = 0x0e; e.inputs = 0x13;
    e.event_index = 0x3e; e.event_code = 0x0b; e.naccum = 2;
    buf_reset(&o);
    calamp_event(&o, "352648068863398", 7, 1, 0x039c, &e);
    exn = unhex("8308352648068863398f01070102039c5cfc4dcd5cfc4dcd19913f5dcce1291e000033fa0000005801110800019aff9d"
                "6f0e13003e0b02000000000000000000", ex, sizeof ex);
    st_check(same(&o, ex, exn), "CalAmp event report encoder reproduces corpus row calamp-002 byte for byte");
}

/* Queclink, Meitrack, Suntech, GoSafe examples */
static void self_test_text2(void)
{
    struct buf o;
    struct fix f;
    memset(&f, 0, sizeof f);
    buf_reset(&o);
    queclink_hbd(&o, "1A0102", "135790246811220", st_time(2010, 2, 14, 9, 32, 54), 0x11F0);
    st_check(same_str(&o, "+ACK:GTHBD,1A0102,135790246811220,,20100214093254,11F0$"),
             "Queclink GTHBD reproduces the GL300 vendor example");
    struct sconn c;
    struct buf got;
    size_t used = 0;
    memset(&c, 0, sizeof c);
    c.proto = 2 + X_QUECLINK;
    buf_reset(&got);
    st_check(x_server(&c, o.b, o.n, &got, &used) == 1 && same_str(&got, "+SACK:GTHBD,1A0102,11F0$"),
             "Queclink server answers it with the vendor example +SACK:GTHBD,1A0102,11F0$");
    f.t_ms = st_time(2021, 6, 8, 6, 43, 28);
    f.lat = 22.537178;
    f.lon = 114.015515;
    buf_reset(&o);
    queclink_fri(&o, "DF0200", "868487004353181", "cv100", "14051", 0, &f, 264.1, "0460,0001,25F8,061A7D02", 0.0,
                 100, "21", st_time(2021, 6, 8, 14, 43, 54), 0x32DB);
    st_check(same_str(&o, "+RESP:GTFRI,DF0200,868487004353181,cv100,14051,10,1,0,0.0,0,264.1,114.015515,22.537178,"
                          "20210608064328,0460,0001,25F8,061A7D02,,0.0,,,,100,21,,,,20210608144354,32DB$"),
             "Queclink GTFRI reproduces corpus row (868487004353181 cv100) byte for byte");
    buf_reset(&got);
    memset(&c, 0, sizeof c);
    c.proto = 2 + X_QUECLINK;
    st_check(x_server(&c, o.b, o.n, &got, &used) == 1 && same_str(&got, "+SACK:32DB$"), "Queclink server answers GTFRI with +SACK:32DB$");

    /* Meitrack vendor example (length 128 through CR LF, sum 0x91) */
    f.t_ms = st_time(2010, 3, 13, 9, 37, 38);
    f.lat = 22.543176;
    f.lon = 114.078448;
    f.sats = 5;
    f.speed = 2;
    f.course = 205;
    f.alt = -14;
    char pl[300];
    meitrack_aaa_payload(pl, sizeof pl, 34, &f, 22, 5, 0, 60, "0|0|10133|4110", "149|153|173|2707|914");
    buf_reset(&o);
    meitrack_frame(&o, "$$", 'Q', "353358017784062", "AAA", pl);
    st_check(same_str(&o, "$$Q128,353358017784062,AAA,34,22.543176,114.078448,100313093738,A,5,22,2,205,5,-14,0,60,"
                          "0|0|10133|4110,0000,149|153|173|2707|914,*91\r\n"),
             "Meitrack AAA reproduces the vendor example (length 128, sum 0x91) byte for byte");
    buf_reset(&o);
    meitrack_frame(&o, "@@", 'Q', "353358017784062", "A10", "");
    st_check(o.n > 30 && !memcmp(o.b, "@@Q26,353358017784062,A10,*", 27),
             "Meitrack server-direction frame uses @@ and the same length rule");

    /* Navtelecom */
    {
        uint8_t ex[128];
        size_t exn = unhex("404e5443010000007b000000130044342a3e533a383631373835303035323035303739", ex, sizeof ex);
        buf_reset(&o);
        ntcb_frame(&o, 1, 123, "*>S:861785005205079", 19);
        st_check(same(&o, ex, exn), "Navtelecom NTCB handshake reproduces corpus row navis-001 (CSd, CSp) byte for byte");
        exn = unhex("404e544301000000aaecf6021300c8712a3e464c4558b00a0a45ffff300a08080f8388", ex, sizeof ex);
        buf_reset(&o);
        ntcb_frame(&o, 1, 0x02f6ecaa, ex + 16, exn - 16);
        st_check(same(&o, ex, exn), "Navtelecom NTCB header reproduces corpus row navis-010 (*>FLEX) byte for byte");
        exn = unhex("7e4101080000000917c057405c002b001833c057405cbbce030225129101a00300007c6102408900400c1b3cfce3b23a"
                    "12004710e000000000001bff7f000080bfffff800000", ex, sizeof ex);
        st_check(exn > 40, "Navtelecom FLEX corpus row navis-012 loaded");
        buf_reset(&o);
        flex_array_answer(&o, 1);
        st_check(o.n == 4 && o.b[3] == crc8_egts(o.b, 3), "Navtelecom ~A answer carries CRC-8 over ~A and the count");
        st_check(flex_record_size() == 41, "Navtelecom FLEX record of the 13 selected fields is 41 bytes");
        struct fix nf;
        memset(&nf, 0, sizeof nf);
        nf.t_ms = 1700000000000LL;
        nf.sats = 9;
        buf_reset(&o);
        flex_array(&o, 1, &nf, 0, 12000, 4100);
        st_check(o.n == 3 + 41 + 1 && o.b[o.n - 1] == crc8_egts(o.b, o.n - 1) && o.b[3 + 10] == (9 << 2 | 3),
                 "Navtelecom ~A packet: one 41-byte record, CRC-8 at the end, navigation state valid with 9 satellites");
    }

    /* Topflytech: login and heartbeat rows, GPS layout against t800x-030 */
    {
        uint8_t ex[128];
        size_t exn = unhex("232301001500000880316890202968140197625020", ex, sizeof ex);
        buf_reset(&o);
        t800x_login(&o, 0, "880316890202968");
        st_check(same(&o, ex, exn), "Topflytech login reproduces corpus row t800x-024 byte for byte");
        exn = unhex("232303000f00000357367031063979", ex, sizeof ex);
        buf_reset(&o);
        t800x_answer(&o, 0x03, 0, "357367031063979");
        st_check(same(&o, ex, exn), "Topflytech 15-byte heartbeat/answer reproduces corpus row t800x-028 byte for byte");
        exn = unhex("232302004200150357367031063979003c03842307d000004a0000050100004001009500940000000285ab00151028"
                    "1350477f710d4452819342d1ba944101160038", ex, sizeof ex);
        float alt, lon, lat;
        uint32_t u;
        u = get_le32(ex + 50); memcpy(&alt, &u, 4);
        u = get_le32(ex + 54); memcpy(&lon, &u, 4);
        u = get_le32(ex + 58); memcpy(&lat, &u, 4);
        f.t_ms = st_time(2015, 10, 28, 13, 50, 47);
        f.alt = (int)alt;
        f.lon = lon;
        f.lat = lat;
        f.speed = 11.6;
        f.course = 56;
        f.sats = 10;
        buf_reset(&o);
        t800x_gps(&o, 0x15, "357367031063979", &f);
        bool ok = o.n == exn && !memcmp(o.b, ex, 50) && !memcmp(o.b + 54, ex + 54, exn - 54);
        st_check(ok, "Topflytech GPS packet matches corpus row t800x-030 (all but the float altitude, sent whole)");
        struct buf got2;
        struct sconn c2;
        size_t used2 = 0;
        memset(&c2, 0, sizeof c2);
        c2.proto = 2 + X_TOPFLYTECH;
        buf_reset(&got2);
        st_check(x_server(&c2, ex, exn, &got2, &used2) == 1 && got2.n == 15 && !memcmp(got2.b, ex, 2) && got2.b[2] == 2 &&
                 got2.b[4] == 0x0F && !memcmp(got2.b + 5, ex + 5, 10),
                 "Topflytech checker accepts t800x-030 and answers with the 15-byte echo");
    }

    /* Cellocator */
    {
        static const char *const rows[] = {
            "4d4347500003310f004018331424641a1d002000638000002a00b67ff6000000b8a5c7010000402d00040210af1ba9f88fb383fc10080100000000000000190015050ce80714",
            "4d4347500098ab31000856b12b2c041016002c0023b3000021f3f5ffb04c8f0100000000000078dd0004020f716445f75f3b0701126e0200b303000036002538151b0ce607ab",
            "4d43475000856308000004b2de1f04009e00200100000000696cf7ab002f1a00000000000000325c000402069bfde70857e22502f41c000036000000df0b0932100b09dc0719",
            "4d434750008ad01500080103011804000000460020000000005e750000000000000000000000c34300040204da4da30367195703e803000000000000000001030f0802e10778",
            "4d4347500006000000081a02021204000000210062300000006b00e100000000000000000000e5a100040206614ea303181a57034e1200000000000000001525071403d60749",
            "4d434750000101000008011f041804000000200100000000005e750000000000000000000000548500040204da4da30367195703e80300000000000000002014151007dd07f7",
        };
        bool ok = true;
        for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
            uint8_t ex[128];
            size_t exn = unhex(rows[i], ex, sizeof ex);
            ok = ok && exn == 70 && sum8(ex + 4, 65) == ex[69];
        }
        st_check(ok, "Cellocator 8-bit sum after MCGP holds on 6 type-0 corpus rows");
        uint8_t ex[128];
        size_t exn = unhex(rows[3], ex, sizeof ex);
        f.t_ms = st_time(2017, 2, 8, 15, 3, 1);
        f.lon = (double)(int32_t)get_le32(ex + 44) / 1e8 * 180.0 / M_PI;
        f.lat = (double)(int32_t)get_le32(ex + 48) / 1e8 * 180.0 / M_PI;
        f.alt = 10;
        f.speed = 0;
        f.course = 0;
        f.sats = 4;
        buf_reset(&o);
        cello_status(&o, 0x0015d08a, 3, &f);
        st_check(same(&o, ex, exn), "Cellocator type 0 encoder reproduces corpus row cellocator-007 (radians, UTC date) byte for byte");
        struct buf got3;
        struct sconn c3;
        size_t used3 = 0;
        memset(&c3, 0, sizeof c3);
        c3.proto = 2 + X_CELLOCATOR;
        buf_reset(&got3);
        st_check(x_server(&c3, ex, exn, &got3, &used3) == 1 && got3.n == 28 && got3.b[4] == 4 && got3.b[15] == 3 &&
                 got3.b[27] == sum8(got3.b + 4, 23) && !strcmp(c3.imei, "1429642"),
                 "Cellocator checker accepts cellocator-007 (unit 1429642) and answers a type-4 ACK for numerator 3");
    }

    /* Suntech corpus row */
    f.t_ms = st_time(2019, 2, 20, 12, 5, 4);
    f.lat = 4.644623;
    f.lon = -74.076922;
    f.speed = 10.390;
    f.course = 202.77;
    f.sats = 20;
    buf_reset(&o);
    suntech_stt(&o, "007238270", &f, "c99e48", 997100, 14.10, 8384, "003634", 4.1);
    st_check(same_str(&o, "ST300STT;007238270;40;313;20190220;12:05:04;c99e48;+04.644623;-074.076922;010.390;202.77;"
                          "20;1;997100;14.10;100000;2;8384;003634;4.1;1\r"),
             "Suntech ST300STT reproduces corpus row (007238270) byte for byte, plus CR");

    /* GoSafe corpus row */
    f.t_ms = st_time(2019, 7, 31, 8, 12, 34);
    f.lat = 23.169758;
    f.lon = 113.450640;
    f.sats = 10;
    f.speed = 0;
    f.course = 323;
    f.alt = 47;
    buf_reset(&o);
    gosafe_report(&o, "351535058659335", &f, 0.82, 18539, 10.81, 4.07, ",IWD:0;1;9f00000655705d28;22.5");
    st_check(same_str(&o, "*GS06,351535058659335,081234310719,,SYS:G6S;V3.37;V1.1.8,GPS:A;10;N23.169758;E113.450640;"
                          "0;323;47;0.82,COT:18539;,ADC:10.81;4.07,DTT:4000;E0;0;0;0;1,IWD:0;1;9f00000655705d28;22.5#"),
             "GoSafe *GS06 reproduces corpus row (351535058659335) byte for byte");
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

    self_test_x();
    self_test_bin();
    self_test_text2();
    printf("self-test: %s\n", st_fail ? "FAILED" : "passed");
    return st_fail ? 1 : 0;
}

/* ------------------------------------------------------------------ */
/* main                                                                 */

static void usage(FILE *f)
{
    fprintf(f,
        "usage: trksim [options]\n"
        "Plays tracker devices (Teltonika, GT06 and --proto others) and their server\n"
        "over loopback sockets.\n"
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
        "  --proto NAME=N      devices of protocol NAME (any of --list-protocols, default 0;\n"
        "                      teltonika=N and gt06=N are --teltonika N and --gt06 N)\n"
        "  --port NAME=P       server port for protocol NAME (default: its Traccar port)\n"
        "  --list-protocols    print 'name port transport' per protocol and exit\n"
        "  --self-test         check the encoders against published examples and exit\n"
        "  -h, --help          this text\n"
        "Failure scenarios (SEL: comma-separated IMEIs, protocol names, NAME:I = device I\n"
        "of NAME from 0; each item must pick a device):\n"
        "  --time-offset SEC   add SEC (may be negative) to every device timestamp\n"
        "  --device-time-offset SEL=SEC  add SEC to these devices' timestamps\n"
        "  --source SEL=ADDR   bind these devices' sockets to ADDR before connecting\n"
        "  --stop-after SEL=K  these devices send K messages, then close (FIN)\n"
        "  --mute-after SEL=K  these devices send K messages, then stay silent with the\n"
        "                      connection open; once every other device is done they are\n"
        "                      closed after --mute-hold-ms (default 2500; '# muted' is\n"
        "                      written to the manifest when that wait starts)\n"
        "  --no-server NAME    no listener for teltonika or gt06: its devices must fail\n"
        "                      every connection attempt (refused or --connect-timeout-ms)\n"
        "  --attempts N        connection attempts of a device the scenario turns away\n"
        "                      (default 1); --retry-ms T between them (default 300)\n"
        "  --connect-timeout-ms T  non-blocking connects, given up after T ms\n"
        "  --reject-imei SEL   the server answers these Teltonika logins 0x00 and hangs up\n"
        "  --no-ack SEL        the server accepts these Teltonika logins, never answers data\n"
        "  --ack-timeout-ms T  resend a message unanswered after T ms; after --resends N\n"
        "                      resends (default 2) close and reconnect, sending it again\n"
        "  --unknown-codec SEL=N  these Teltonika devices also send N AVL packets with codec\n"
        "                      0x77 (length and CRC valid); the server answers 0 records\n"
        "  --bad-crc SEL=N     these GT06 devices also send N locations with a wrong CRC;\n"
        "                      the server drops them unanswered\n", MAX_TELT, MAX_GT06);
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

#ifndef TRKSIM_NO_MAIN   /* the workload generator includes this file for its encoders */
int main(int argc, char **argv)
{
    enum {
        O_TELT = 256, O_GT06, O_MSG, O_INT, O_PT, O_PG, O_HOST, O_V6, O_UDP, O_SEED, O_HOLD, O_PRE,
        O_SPLIT, O_COAL, O_RST, O_MAN, O_QUIET, O_CODEC, O_PAFTER, O_PMS, O_TMO, O_SELF, O_PROTO, O_XPORT, O_LIST,
        O_TOFF, O_DTOFF, O_SOURCE, O_STOP, O_MUTE, O_MUTEHOLD, O_NOSERVER, O_ATTEMPTS, O_RETRY, O_CTMO,
        O_REJECT, O_NOACK, O_ACKTMO, O_RESENDS, O_UCODEC, O_BADCRC,
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
        { "proto", required_argument, NULL, O_PROTO },
        { "port", required_argument, NULL, O_XPORT },
        { "list-protocols", no_argument, NULL, O_LIST },
        { "time-offset", required_argument, NULL, O_TOFF },
        { "device-time-offset", required_argument, NULL, O_DTOFF },
        { "source", required_argument, NULL, O_SOURCE },
        { "stop-after", required_argument, NULL, O_STOP },
        { "mute-after", required_argument, NULL, O_MUTE },
        { "mute-hold-ms", required_argument, NULL, O_MUTEHOLD },
        { "no-server", required_argument, NULL, O_NOSERVER },
        { "attempts", required_argument, NULL, O_ATTEMPTS },
        { "retry-ms", required_argument, NULL, O_RETRY },
        { "connect-timeout-ms", required_argument, NULL, O_CTMO },
        { "reject-imei", required_argument, NULL, O_REJECT },
        { "no-ack", required_argument, NULL, O_NOACK },
        { "ack-timeout-ms", required_argument, NULL, O_ACKTMO },
        { "resends", required_argument, NULL, O_RESENDS },
        { "unknown-codec", required_argument, NULL, O_UCODEC },
        { "bad-crc", required_argument, NULL, O_BADCRC },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;
    bool ok = true;
    for (int k = 0; k < NX; k++) opt.xport[k] = xport_default[k];
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
        case O_LIST:
            for (int k = 0; k < NPROTO; k++)
                printf("%s %d %s\n", pname(k), proto_port(k), k == P_TELT ? "tcp+udp" : proto_udp(k) ? "udp" : "tcp");
            return 0;
        case O_PROTO: case O_XPORT: {
            /* NAME=N: a protocol name (teltonika and gt06 too) and a number */
            const char *eq = strchr(optarg, '=');
            int v = 0, p = -1;
            for (int k = 0; eq && k < NPROTO; k++)
                if (strlen(pname(k)) == (size_t)(eq - optarg) && !strncmp(optarg, pname(k), (size_t)(eq - optarg))) p = k;
            if (p < 0) {
                fprintf(stderr, "trksim: --%s wants NAME=VALUE with NAME one of:", c == O_PROTO ? "proto" : "port");
                for (int k = 0; k < NPROTO; k++) fprintf(stderr, " %s", pname(k));
                fputc('\n', stderr);
                return 2;
            }
            if (c == O_XPORT) {
                ok = parse_int(eq + 1, 1, 65535, &v);
                if (ok) *(p == P_TELT ? &opt.port_telt : p == P_GT06 ? &opt.port_gt06 : &opt.xport[p - 2]) = v;
            } else {
                ok = parse_int(eq + 1, 0, p == P_TELT ? MAX_TELT : MAX_GT06, &v);
                if (ok) *(p == P_TELT ? &opt.ntelt : p == P_GT06 ? &opt.ngt06 : &opt.nx[p - 2]) = v;
            }
            break;
        }
        case O_TOFF: ok = parse_int(optarg, -2000000000L, 2000000000L, &opt.time_offset); break;
        case O_MUTEHOLD: ok = parse_int(optarg, 0, 3600000, &opt.mute_hold_ms); break;
        case O_ATTEMPTS: ok = parse_int(optarg, 1, 1000, &opt.attempts); break;
        case O_RETRY: ok = parse_int(optarg, 0, 3600000, &opt.retry_ms); break;
        case O_CTMO: ok = parse_int(optarg, 1, 3600000, &opt.connect_timeout_ms); break;
        case O_ACKTMO: ok = parse_int(optarg, 1, 3600000, &opt.ack_timeout_ms); break;
        case O_RESENDS: ok = parse_int(optarg, 0, 1000, &opt.resends); break;
        case O_NOSERVER:
            if (!strcmp(optarg, "teltonika")) opt.no_server_telt = true;
            else if (!strcmp(optarg, "gt06")) opt.no_server_gt06 = true;
            else ok = false;
            break;
        case O_DTOFF: case O_SOURCE: case O_STOP: case O_MUTE: case O_REJECT: case O_NOACK:
        case O_UCODEC: case O_BADCRC: {
            /* SEL=VALUE, or a bare SEL for --reject-imei and --no-ack */
            bool bare = c == O_REJECT || c == O_NOACK;
            const char *eq = bare ? NULL : strrchr(optarg, '=');
            size_t sl = bare ? strlen(optarg) : eq ? (size_t)(eq - optarg) : 0;
            if (nrules == MAX_RULES || sl == 0 || sl >= sizeof rules[0].sel) { ok = false; break; }
            struct rule *ru = &rules[nrules];
            memset(ru, 0, sizeof *ru);
            memcpy(ru->sel, optarg, sl);
            int v = 0;
            switch (c) {
            case O_DTOFF: ru->kind = R_TIME; ok = parse_int(eq + 1, -2000000000L, 2000000000L, &v); break;
            case O_SOURCE:
                ru->kind = R_SOURCE;
                ok = strlen(eq + 1) > 0 && strlen(eq + 1) < sizeof ru->addr;
                if (ok) strcpy(ru->addr, eq + 1);
                break;
            case O_STOP: ru->kind = R_STOP; ok = parse_int(eq + 1, 0, 100000, &v); break;
            case O_MUTE: ru->kind = R_MUTE; ok = parse_int(eq + 1, 0, 100000, &v); break;
            case O_REJECT: ru->kind = R_REJECT; break;
            case O_NOACK: ru->kind = R_NOACK; break;
            case O_UCODEC: ru->kind = R_CODEC; ok = parse_int(eq + 1, 1, 1000, &v); break;
            default: ru->kind = R_CRC; ok = parse_int(eq + 1, 1, 1000, &v); break;
            }
            ru->v = v;
            if (ok) nrules++;
            break;
        }
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
        if (ok && c >= O_TOFF) {       /* a scenario option: recorded in the manifest */
            size_t used = strlen(opt.scenario);
            snprintf(opt.scenario + used, sizeof opt.scenario - used, " --%s%s%s", lo[c - O_TELT].name,
                     optarg ? " " : "", optarg ? optarg : "");
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
    for (int p = 0; p < NPROTO; p++) {
        int np_ = p == P_TELT ? opt.ntelt : p == P_GT06 ? opt.ngt06 : opt.nx[p - 2];
        for (int q = p + 1; q < NPROTO && np_; q++) {
            int nq = q == P_GT06 ? opt.ngt06 : opt.nx[q - 2];
            if (nq && proto_port(p) == proto_port(q) && proto_udp(p) == proto_udp(q) && q >= 2) {
                fprintf(stderr, "trksim: %s and %s need different ports\n", pname(p), pname(q));
                return 2;
            }
        }
    }
    if (resolve() < 0) return 2;
    signal(SIGPIPE, SIG_IGN);

    /* two descriptors per TCP device (its own and the server's side) */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }

    int xtotal = 0;
    for (int k = 0; k < NX; k++) xtotal += opt.nx[k];
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
        if (opt.scenario[0]) fprintf(manifest, "# scenario%s\n", opt.scenario);
        if (xtotal) {   /* an extra header line only when other protocols play */
            fprintf(manifest, "# protocols");
            for (int k = 0; k < NX; k++)
                if (opt.nx[k]) fprintf(manifest, " %s=%d/%s:%d", xname[k], opt.nx[k], xudp[k] ? "udp" : "tcp", opt.xport[k]);
            fputc('\n', manifest);
        }
    }

    int lt = -1, lg = -1, lu = -1;
    if (opt.ntelt && !opt.no_server_telt) {
        if (opt.udp) lu = make_listener(P_TELT, SOCK_DGRAM);
        else lt = make_listener(P_TELT, SOCK_STREAM);
        if (lt < 0 && lu < 0) return 1;
    }
    if (opt.ngt06 && !opt.no_server_gt06 && (lg = make_listener(P_GT06, SOCK_STREAM)) < 0) return 1;
    int xl[NX];
    for (int k = 0; k < NX; k++) {
        xl[k] = -1;
        if (opt.nx[k] && (xl[k] = make_listener(2 + k, xudp[k] ? SOCK_DGRAM : SOCK_STREAM)) < 0) return 1;
    }

    ndev = opt.ntelt + opt.ngt06 + xtotal;
    devs = calloc((size_t)(ndev ? ndev : 1), sizeof *devs);
    struct pollfd *pfd = calloc((size_t)(2 * ndev + 4 + NX), sizeof *pfd);
    int *pref = calloc((size_t)(2 * ndev + 4 + NX), sizeof *pref);
    if (!devs || !pfd || !pref) { fprintf(stderr, "trksim: out of memory\n"); return 1; }

    int64_t t0 = mono_ms();
    for (int i = 0; i < ndev; i++) {
        int p = P_TELT, idx = i;
        if (idx >= opt.ntelt) { p = P_GT06; idx -= opt.ntelt; }
        if (p == P_GT06 && idx >= opt.ngt06) {
            idx -= opt.ngt06;
            for (p = 2; idx >= opt.nx[p - 2]; p++) idx -= opt.nx[p - 2];
        }
        dev_init(&devs[i], p, idx, i);
        if (!dev_setup(&devs[i])) return 2;
        devs[i].due = t0 + 5 * i;     /* staggered starts keep the order stable */
    }
    if (!sel_check(devs, ndev)) return 2;
    int maxlimit = opt.messages;
    bool any_mute = false;
    for (int i = 0; i < ndev; i++) {
        if (devs[i].limit > maxlimit) maxlimit = devs[i].limit;
        if (devs[i].mute) any_mute = true;
    }
    /* the scenario terms are all 0 without the scenario options */
    int64_t per_attempt = opt.connect_timeout_ms + opt.retry_ms +
        (int64_t)opt.ack_timeout_ms * (opt.resends + 1);
    int64_t budget = opt.timeout_ms ? opt.timeout_ms :
        10000 + opt.pre_ms + opt.hold_ms + opt.pause_ms + 5L * ndev +
        (int64_t)maxlimit * (opt.interval_ms + (opt.split ? 100 : 20)) +
        (any_mute ? opt.mute_hold_ms : 0) +
        (opt.attempts > 1 || opt.connect_timeout_ms || opt.ack_timeout_ms ? opt.attempts * per_attempt : 0);
    bool mute_released = false;
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
            case D_CONNECTING: dev_connect_timeout(d, now); break;
            case D_ACK_WAIT: if (opt.ack_timeout_ms > 0) dev_ack_timeout(d, now); break;
            default: break;
            }
        }
        /* muted devices: closed once every other device is done */
        if (any_mute && !mute_released) {
            int muted = 0;
            bool others = false;
            for (int i = 0; i < ndev; i++) {
                if (devs[i].st == D_MUTE) muted++;
                else if (devs[i].st != D_DONE) others = true;
            }
            if (muted && !others) {
                mute_released = true;
                now = mono_ms();
                if (manifest) fprintf(manifest, "# muted: %d connections still open, closed in %d ms\n",
                                      muted, opt.mute_hold_ms);
                for (int i = 0; i < ndev; i++)
                    if (devs[i].st == D_MUTE) { devs[i].st = D_HOLD; devs[i].due = now + opt.mute_hold_ms; }
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
            if ((d->st == D_START || d->st == D_PRE || d->st == D_SEND || d->st == D_HOLD ||
                 d->st == D_CONNECTING || (d->st == D_ACK_WAIT && opt.ack_timeout_ms > 0)) && d->due < next)
                next = d->due;
        }
        if (!active && nconn == 0) break;
        if (now >= deadline) { timed_out = true; break; }

        int np = 0;
        if (lt >= 0) { pfd[np] = (struct pollfd){ lt, POLLIN, 0 }; pref[np++] = -1; }
        if (lg >= 0) { pfd[np] = (struct pollfd){ lg, POLLIN, 0 }; pref[np++] = -2; }
        if (lu >= 0) { pfd[np] = (struct pollfd){ lu, POLLIN, 0 }; pref[np++] = -3; }
        for (int k = 0; k < NX; k++)
            if (xl[k] >= 0) { pfd[np] = (struct pollfd){ xl[k], POLLIN, 0 }; pref[np++] = -10 - k; }
        int firstconn = np;
        for (int i = 0; i < nconn && np < 2 * ndev + 4 + NX; i++) {
            pfd[np] = (struct pollfd){ conns[i].fd, POLLIN, 0 };
            pref[np++] = i;
        }
        int firstdev = np;
        for (int i = 0; i < ndev; i++) {
            if (devs[i].fd < 0 || devs[i].st == D_START || devs[i].st == D_DONE) continue;
            pfd[np] = (struct pollfd){ devs[i].fd, devs[i].st == D_CONNECTING ? POLLOUT : POLLIN, 0 };
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
        for (int k = firstdev; k < np; k++) {
            struct dev *d = &devs[pref[k]];
            if (!pfd[k].revents || d->fd != pfd[k].fd) continue;
            if (d->st == D_CONNECTING) dev_connect_done(d, now);
            else dev_readable(d, now);
        }
        for (int k = firstdev - 1; k >= firstconn; k--)
            if (pfd[k].revents && pref[k] < nconn && conns[pref[k]].fd == pfd[k].fd) server_readable(pref[k]);
        for (int k = 0; k < firstconn; k++) {
            if (!pfd[k].revents) continue;
            if (pref[k] == -1) server_accept(lt, P_TELT);
            else if (pref[k] == -2) server_accept(lg, P_GT06);
            else if (pref[k] == -3) server_udp(lu);
            else if (xudp[-10 - pref[k]]) server_xudp(xl[-10 - pref[k]], 2 + (-10 - pref[k]));
            else server_accept(xl[-10 - pref[k]], 2 + (-10 - pref[k]));
        }
    }

    if (timed_out) {
        for (int i = 0; i < ndev; i++)
            if (devs[i].st != D_DONE)
                dev_fail(&devs[i], "timeout after %lld ms in state '%s' (%d of %d messages sent)",
                         (long long)budget, dstate_name[devs[i].st], devs[i].sent, devs[i].limit);
        while (nconn) sconn_close(nconn - 1);
    }
    if (lt >= 0) close(lt);
    if (lg >= 0) close(lg);
    if (lu >= 0) close(lu);
    for (int k = 0; k < NX; k++) if (xl[k] >= 0) close(xl[k]);

    /* the scenario's plan, checked: every planned failure happened, and only those */
    for (int i = 0; i < ndev; i++) {
        struct dev *d = &devs[i];
        if (d->failed) continue;
        if (d->expect != E_DONE && !d->gave_up)
            dev_fail(d, "expected every attempt to end '%s', but it got through", expect_name[d->expect]);
        else if (d->bad_left > 0)
            dev_fail(d, "%d deliberately bad messages never sent", d->bad_left);
        else if (d->bad_seen != d->bad_sent)
            server_error("%s %s: %d bad messages sent, the server saw %d", pname(d->proto), d->imei,
                         d->bad_sent, d->bad_seen);
    }
    if (manifest) {
        for (int i = 0; i < ndev; i++) {
            const struct dev *d = &devs[i];
            if (d->expect != E_DONE)
                fprintf(manifest, "# outcome %s %s %s: %d attempts, %d refused, %d timed out, %d rejected, "
                        "%d unanswered, %d resends\n", pname(d->proto), d->imei, expect_name[d->expect],
                        d->attempt, d->ends[WHY_REFUSED], d->ends[WHY_CONN_TIMEOUT], d->ends[WHY_REJECTED],
                        d->ends[WHY_UNANSWERED], d->resends_total);
            if (d->bad_sent)
                fprintf(manifest, "# outcome %s %s bad: %d deliberately bad messages\n", pname(d->proto),
                        d->imei, d->bad_sent);
        }
    }

    int failed = 0;
    long up = 0, down = 0;
    for (int dir = 0; dir < 2; dir++)
        for (int p = 0; p < NPROTO; p++)
            for (int t = 0; t < T_N; t++) *(dir ? &down : &up) += counts[dir][p][t];
    for (int i = 0; i < ndev; i++) {
        struct dev *d = &devs[i];
        if (d->failed) failed++;
        if (!opt.quiet)
            fprintf(stderr, "trksim: %-9s %s %s: %d messages sent, %d answers%s%s\n", pname(d->proto),
                    d->imei, d->failed ? "FAILED" : "ok", d->sent, d->answers, d->failed ? ": " : "",
                    d->failed ? d->err : "");
    }
    if (manifest) {
        for (int dir = 0; dir < 2; dir++)
            for (int p = 0; p < NPROTO; p++)
                for (int t = 0; t < T_N; t++)
                    if (counts[dir][p][t])
                        fprintf(manifest, "# count %s %s %s %ld\n", dir ? "down" : "up", pname(p),
                                type_name[t], counts[dir][p][t]);
        fprintf(manifest, "# records teltonika %ld\n# records gt06 %ld\n", total_records[P_TELT],
                total_records[P_GT06]);
        for (int k = 0; k < NX; k++)
            if (opt.nx[k]) fprintf(manifest, "# records %s %ld\n", xname[k], total_records[2 + k]);
        fprintf(manifest, "# total up %ld down %ld\n# result %s\n", up, down,
                failed || server_errors ? "failed" : "ok");
        fclose(manifest);
    }
    fprintf(stderr, "trksim: %s: %d teltonika (%s) + %d gt06 devices, %ld up / %ld down messages, "
            "%ld teltonika records, %d devices failed, %d server errors\n",
            failed || server_errors ? "FAILED" : "ok", opt.ntelt, opt.udp ? "udp" : "tcp", opt.ngt06,
            up, down, total_records[P_TELT], failed, server_errors);
    for (int k = 0; k < NX; k++)
        if (opt.nx[k]) fprintf(stderr, "trksim:   + %d %s devices (%s port %d), %ld records\n", opt.nx[k],
                               xname[k], xudp[k] ? "udp" : "tcp", opt.xport[k], total_records[2 + k]);
    for (int i = 0; i < ndev; i++) free(devs[i].last);
    free(devs);
    free(pfd);
    free(pref);
    free(conns);
    return failed || server_errors ? 1 : 0;
}
#endif
