/* jt808.c: JT/T 808 (Huabao; 2011/2013/2019 headers): 0x7E-delimited frames
 * with 0x7D escaping and an XOR check, the terminal phone number as identity,
 * registration, authentication, heartbeats, location reports with their
 * additional-information items, batches, common vendor messages, the text
 * "(...)" frames some devices mix in, and the platform's replies and commands.
 *
 * Frame: 7E | id u16 | attributes u16 | [version u8] | phone BCD[6|10] |
 * serial u16 | [package total u16, index u16] | body | XOR | 7E.  The XOR covers
 * id .. body after unescaping (7D 02 -> 7E, 7D 01 -> 7D).  Times are BCD in
 * GMT+8. */
#include <stdio.h>
#include <string.h>

#include "crc.h"
#include "dissect.h"
#include "fieldset.h"
#include "strutil.h"

#define FLAG      0x7E
#define ESC       0x7D
#define MAX_FRAME 4096      /* longest frame accepted (escaped) */
#define TEXT_MAX  1024
#define STR_MAX (TEXT_MAX + 7)   /* longest string field */
#define HEX_MAX (TEXT_MAX / 2)   /* most bytes shown as hex */
#define TXT_SHOWN (TEXT_MAX - 1)   /* longest text field */
#define TXT_FLAGS (FIELD_TEXT_TRIM | FIELD_TEXT_NONNULL)
#define TZ_OFFSET (8 * 3600) /* the standard's Beijing time */

/* ------------------------------------------------------------------ helpers */

static void rest_hex(struct trk_msg *m, struct trk_rd *c, const char *key)
{
    size_t k = rd_left(c);
    if (k) field_hex(m, key, rd_span(c, k), k, HEX_MAX);
}

/* the longest printable run of the rest (at least 3 characters) as text, else hex */
static void rest_text(struct trk_msg *m, struct trk_rd *c, const char *key)
{
    size_t n = rd_left(c);
    const uint8_t *p = rd_span(c, n);
    struct trk_rd r;
    size_t best = 0, best_at = 0, run = 0;
    if (!p || !n) return;
    rd_init(&r, p, n);
    for (size_t i = 0; i < n; i++) {
        unsigned b = rd_u8(&r);
        if ((b >= 0x20 && b < 0x7f) || b == '\r' || b == '\n') {
            if (++run > best) { best = run; best_at = i + 1 - run; }
        } else run = 0;
    }
    if (best >= 3) field_text(m, key, p + best_at, best, TXT_SHOWN, TXT_FLAGS);
    else field_hex(m, key, p, n, HEX_MAX);
}

static int bcd2(unsigned b)
{
    if ((b >> 4) > 9 || (b & 15) > 9) return -1;
    return (int)((b >> 4) * 10 + (b & 15));
}

/* seconds since the epoch of 6 BCD bytes (order: y m d h mi s when `ymd`, else d m y ...);
 * -1 when not a date.  No zone shift. */
static int64_t bcd_time(const uint8_t *t, bool ymd)
{
    int v[6];
    struct trk_rd r;
    rd_init(&r, t, 6);
    for (int i = 0; i < 6; i++) v[i] = bcd2(rd_u8(&r));
    if (r.err) return -1;
    for (int i = 0; i < 6; i++) if (v[i] < 0) return -1;
    int y = ymd ? v[0] : v[2], mo = v[1], d = ymd ? v[2] : v[0];
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || v[3] > 23 || v[4] > 59 || v[5] > 60) return -1;
    return trk_timegm(2000 + y, mo, d, v[3], v[4], v[5]);
}

/* a BCD YYMMDDhhmmss field in GMT+8 as a UTC text field */
static void f_time(struct trk_msg *m, const char *key, struct trk_rd *c)
{
    const uint8_t *t = rd_span(c, 6);
    if (!t) return;
    int64_t s = bcd_time(t, true);
    if (s < 0) { field_hex(m, key, t, 6, HEX_MAX); return; }
    char buf[64];
    fmt_time_ms((int64_t)(s - TZ_OFFSET) * 1000, buf, sizeof buf);
    field_str(m, key, STR_MAX, "%s", buf);
}

/* ----------------------------------------------------------- the decoder */

struct jt {
    struct trk_msg *m;
    enum trk_dir dir;
    unsigned id, attr, serial, version;
    bool v2019;
    char phone[48];
    /* where the decoded bytes are in the frame: escapes undone in a copy, or
     * (literal) the frame's own bytes */
    const struct trk_rd *frame;
    size_t inner_end;     /* the end flag's offset (or the frame's end without one) */
    bool literal;
};

/* frame offset of byte j of what unescape() makes of [from, to) of r; `to`
 * when there is no such byte */
static size_t escaped_at(const struct trk_rd *r, size_t from, size_t to, size_t j)
{
    size_t i = from;
    for (size_t o = 0; i < to && o < j; o++, i++)
        if (rd_peek(r, i) == ESC && i + 1 < to && (rd_peek(r, i + 1) == 1 || rd_peek(r, i + 1) == 2)) i++;
    return i < to ? i : to;
}

/* the frame bytes of the decoded bytes [k, k + len) (offsets from 1: the
 * start flag is offset 0), as escaped on the wire */
static void frame_span(const struct jt *x, size_t k, size_t len, size_t *off, size_t *flen)
{
    if (x->literal || k == 0) { *off = k; *flen = len; return; }
    size_t a = escaped_at(x->frame, 1, x->inner_end, k - 1);
    size_t b = escaped_at(x->frame, 1, x->inner_end, k - 1 + len);
    *off = a;
    *flen = b - a;
}

static void unsupported_type(const struct jt *x)
{
    size_t off, len;
    frame_span(x, 1, 2, &off, &len);      /* the message id */
    msg_unsupported_at(x->m, off, len, "unsupported message type 0x%04X", x->id);
}

static const char *alarm_name(uint32_t a)
{
    if (a & (1u << 0)) return "sos";
    if (a & (1u << 1)) return "overspeed";
    if (a & (1u << 2)) return "fatigue";
    if (a & (1u << 5)) return "gnss-antenna-open";
    if (a & (1u << 6)) return "gnss-antenna-short";
    if (a & (1u << 7)) return "low-voltage";
    if (a & (1u << 8)) return "power-cut";
    if (a & ((1u << 4) | (1u << 9) | (1u << 10) | (1u << 11))) return "fault";
    if (a & (1u << 17)) return "tamper";
    if (a & (1u << 20)) return "geofence";
    if (a & (1u << 28)) return "movement";
    if (a & (1u << 29)) return "collision";
    return "other";
}

/* additional-information items of a location: 1-byte id, 1-byte length */
static void extras(struct jt *x, struct trk_rd *c, struct trk_record *r)
{
    struct trk_msg *m = x->m;
    while (rd_left(c) >= 2) {
        unsigned id = rd_u8(c), len = rd_u8(c);
        if (len > rd_left(c)) {
            /* the last item runs past the body: vendor data, shown as is */
            field_str(m, "extra_item", STR_MAX, "0x%02X", id);
            rest_hex(m, c, "extra");
            return;
        }
        const uint8_t *v = rd_span(c, len);
        struct trk_rd vr;
        rd_init(&vr, v, len);
        uint64_t u = len <= 8 ? rd_be(&vr, len) : 0;
        msg_add_io(m, id, (uint16_t)len, u, v);
        switch (id) {
        case 0x01: if (len == 4) field_num(m, "mileage_km", (double)u * 0.1); break;
        case 0x02: if (len == 2) field_num(m, "fuel_l", (double)u * 0.1); break;
        case 0x03: if (len == 2) field_num(m, "tacho_speed_kmh", (double)u * 0.1); break;
        case 0x04: if (len == 2) field_int(m, "alarm_event_id", (int64_t)u); break;
        case 0x25: if (len == 4) field_str(m, "ext_signals", STR_MAX, "0x%08llX", (unsigned long long)u); break;
        case 0x2A: if (len == 2) field_str(m, "io_status", STR_MAX, "0x%04llX", (unsigned long long)u); break;
        case 0x2B: if (len == 4) field_str(m, "analog", STR_MAX, "0x%08llX", (unsigned long long)u); break;
        case 0x30: if (len == 1) field_int(m, "rssi", (int64_t)u); break;
        case 0x31:
            if (len == 1 && r) { r->sats = (int)u; r->has |= TRK_R_SATS; }
            break;
        default: break;
        }
    }
    rest_hex(m, c, "extra");
}

/* the 28-byte basic location block, then its additional items */
static struct trk_record *location(struct jt *x, struct trk_rd *c, bool with_extras)
{
    struct trk_msg *m = x->m;
    uint32_t alarm = rd_be32(c), status = rd_be32(c), lat = rd_be32(c), lon = rd_be32(c);
    int16_t alt = rd_bei16(c);
    unsigned speed = rd_be16(c), course = rd_be16(c);
    const uint8_t *t = rd_span(c, 6);
    if (c->err || !t) return NULL;
    struct trk_record *r = msg_add_record(m);
    if (!r) return NULL;
    r->lat = lat * 1e-6;
    r->lon = lon * 1e-6;
    if (status & 4) r->lat = -r->lat;
    if (status & 8) r->lon = -r->lon;
    if (r->lat >= -90 && r->lat <= 90 && r->lon >= -180 && r->lon <= 180) r->has |= TRK_R_POS;
    else field_str(m, "position_invalid", STR_MAX, "%u,%u", lat, lon);
    r->alt = alt;
    r->speed = speed * 0.1;
    r->course = course;
    r->valid = (status & 2) != 0;
    r->has |= TRK_R_ALT | TRK_R_SPEED | TRK_R_COURSE | TRK_R_VALID;
    int64_t s = bcd_time(t, true);
    if (s >= 0) { r->time_ms = (s - TZ_OFFSET) * 1000; r->has |= TRK_R_TIME; }
    else field_hex(m, "time_raw", t, 6, HEX_MAX);
    field_str(m, "alarm_flags", STR_MAX, "0x%08X", alarm);
    field_str(m, "status", STR_MAX, "0x%08X", status);
    field_bool(m, "acc", status & 1);
    if (status & (1u << 10)) field_bool(m, "oil_cut", true);
    if (alarm) field_str(m, "alarm", STR_MAX, "%s", alarm_name(alarm));
    r->io_first = (uint16_t)m->nio;
    if (with_extras) extras(x, c, r);
    return r;
}

/* 0x0100 register */
static void up_register(struct jt *x, struct trk_rd *c)
{
    struct trk_msg *m = x->m;
    size_t n = rd_left(c);
    size_t man = 5, model = 20, tid = 7;
    m->type = "register";
    if (x->v2019) { man = 11; model = 30; tid = 30; }
    else if (n < 2 + 2 + 5 + 20 + 7 + 1) { model = 8; }
    field_int(m, "province", rd_be16(c));
    field_int(m, "city", rd_be16(c));
    const uint8_t *p = rd_span(c, man);
    field_text(m, "manufacturer", p, man, TXT_SHOWN, TXT_FLAGS);
    p = rd_span(c, model);
    field_text(m, "model", p, model, TXT_SHOWN, TXT_FLAGS);
    p = rd_span(c, tid);
    field_text(m, "terminal_id", p, tid, TXT_SHOWN, TXT_FLAGS);
    if (c->err) return;
    if (rd_left(c)) field_int(m, "plate_color", rd_u8(c));
    if (rd_left(c)) { size_t k = rd_left(c); field_text(m, "plate", rd_span(c, k), k, TXT_SHOWN, TXT_FLAGS); }
}

/* 0x0102 authentication */
static void up_auth(struct jt *x, struct trk_rd *c)
{
    struct trk_msg *m = x->m;
    m->type = "login";
    size_t n = rd_left(c);
    int l0 = rd_peek(c, c->off);
    if (x->v2019 && l0 >= 0 && (size_t)l0 + 1 + 15 + 20 == n) {
        rd_skip(c, 1);
        field_text(m, "auth_code", rd_span(c, (size_t)l0), (size_t)l0, TXT_SHOWN, TXT_FLAGS);
        field_text(m, "imei", rd_span(c, 15), 15, TXT_SHOWN, TXT_FLAGS);
        field_text(m, "software_version", rd_span(c, 20), 20, TXT_SHOWN, TXT_FLAGS);
        return;
    }
    field_text(m, "auth_code", rd_span(c, n), n, TXT_SHOWN, TXT_FLAGS);
}

/* 0x0107 terminal attributes */
static void up_attributes(struct jt *x, struct trk_rd *c)
{
    struct trk_msg *m = x->m;
    size_t w = x->v2019 ? 30 : 20, tid = x->v2019 ? 30 : 7, man = x->v2019 ? 11 : 5;
    char iccid[24];
    m->type = "info";
    field_str(m, "terminal_type", STR_MAX, "0x%04X", rd_be16(c));
    field_text(m, "manufacturer", rd_span(c, man), man, TXT_SHOWN, TXT_FLAGS);
    field_text(m, "model", rd_span(c, w), w, TXT_SHOWN, TXT_FLAGS);
    field_text(m, "terminal_id", rd_span(c, tid), tid, TXT_SHOWN, TXT_FLAGS);
    rd_bcd(c, 10, iccid, sizeof iccid);
    if (c->err) return;
    field_str(m, "iccid", STR_MAX, "%s", iccid);
    unsigned hl = rd_u8(c);
    field_text(m, "hardware_version", rd_span(c, hl), hl, TXT_SHOWN, TXT_FLAGS);
    unsigned fl = rd_u8(c);
    field_text(m, "firmware_version", rd_span(c, fl), fl, TXT_SHOWN, TXT_FLAGS);
    if (rd_left(c)) field_str(m, "gnss", STR_MAX, "0x%02X", rd_u8(c));
    if (rd_left(c)) field_str(m, "comm", STR_MAX, "0x%02X", rd_u8(c));
    rest_hex(m, c, "extra");
}

/* 0x0704 batch: count, type, then [length u16, location]... */
static void up_batch(struct jt *x, struct trk_rd *c)
{
    struct trk_msg *m = x->m;
    m->type = "position";
    unsigned count = rd_be16(c), kind = rd_u8(c);
    if (c->err) return;
    field_int(m, "count", count);
    field_str(m, "batch_type", STR_MAX, kind ? "blind-area" : "normal");
    for (unsigned i = 0; i < count && rd_left(c) >= 2; i++) {
        size_t len = rd_be16(c);
        struct trk_rd one = rd_sub(c, len);
        (void)location(x, &one, true);
        if (c->err) return;
    }
    rest_hex(m, c, "extra");
}

/* 0x0210: vendor batch ([length u8, location]... to the end), or battery + time */
static void up_0210(struct jt *x, struct trk_rd *c)
{
    struct trk_msg *m = x->m;
    if (rd_left(c) == 7) {
        m->type = "status";
        field_int(m, "battery_level", rd_u8(c));
        f_time(m, "time", c);
        return;
    }
    m->type = "position";
    while (rd_left(c) >= 1) {
        size_t len = rd_u8(c);
        struct trk_rd one = rd_sub(c, len);
        (void)location(x, &one, true);
        if (c->err) return;
    }
    rest_hex(m, c, "extra");
}

/* BCD coordinate: degrees then minutes with 4 decimals */
static double bcd_coord(uint64_t v)
{
    return (double)(v / 1000000) + (double)(v % 1000000) / 10000.0 / 60.0;
}

static bool bcd_digits(struct trk_rd *c, size_t digits, uint64_t *out, unsigned *tail)
{
    uint64_t v = 0;
    size_t bytes = (digits + 1) / 2;
    const uint8_t *p = rd_span(c, bytes);
    struct trk_rd r;
    bool ok = true;
    if (!p) return false;
    rd_init(&r, p, bytes);
    for (size_t i = 0; i < bytes; i++) {
        unsigned b = rd_u8(&r);
        unsigned hi = b >> 4, lo = b & 15;
        if (hi > 9) ok = false;
        v = v * 10 + hi;
        if (2 * i + 1 < digits) {
            if (lo > 9) ok = false;
            v = v * 10 + lo;
        } else if (tail) *tail = lo;
    }
    *out = v;
    return ok;
}

/* 0x5501 / 0x5502: a JT600-style binary location */
static void up_5501(struct jt *x, struct trk_rd *c)
{
    struct trk_msg *m = x->m;
    m->type = "position";
    const uint8_t *t = rd_span(c, 6);
    uint64_t la = 0, lo = 0;
    unsigned flags = 0;
    bool ok_lat = bcd_digits(c, 8, &la, NULL);
    bool ok = bcd_digits(c, 9, &lo, &flags) && ok_lat;
    unsigned speed = rd_u8(c), course = rd_u8(c);
    if (c->err || !t) return;
    struct trk_record *r = msg_add_record(m);
    if (!r) return;
    int64_t s = bcd_time(t, false);
    if (s >= 0) { r->time_ms = s * 1000; r->has |= TRK_R_TIME; }
    r->lat = bcd_coord(la);
    r->lon = bcd_coord(lo);
    if (!(flags & 2)) r->lat = -r->lat;
    if (!(flags & 4)) r->lon = -r->lon;
    if (ok && r->lat >= -90 && r->lat <= 90 && r->lon >= -180 && r->lon <= 180) r->has |= TRK_R_POS;
    r->valid = (flags & 1) && x->id == 0x5501;
    int sp = bcd2(speed);
    if (sp >= 0) { r->speed = sp; r->has |= TRK_R_SPEED; }
    r->course = course * 2.0;
    r->has |= TRK_R_COURSE | TRK_R_VALID;
    if (x->id == 0x5502) field_bool(m, "archive", true);
    if (rd_left(c) >= 1) field_int(m, "rssi", rd_u8(c));
    if (rd_left(c) >= 1) { r->sats = rd_u8(c); r->has |= TRK_R_SATS; }
    if (rd_left(c) >= 4) field_int(m, "odometer_km", rd_be32(c));
    if (rd_left(c) >= 1) {
        unsigned b = rd_u8(c);
        if (b <= 100) field_int(m, "battery_level", b);
        else if (b == 0xAA) field_bool(m, "charging", true);
    }
    if (rd_left(c) >= 6) { field_int(m, "cell_id", rd_be32(c)); field_int(m, "lac", rd_be16(c)); }
    if (rd_left(c) >= 5) {
        field_int(m, "product", rd_u8(c));
        field_str(m, "device_status", STR_MAX, "0x%04X", rd_be16(c));
        field_str(m, "device_alarm", STR_MAX, "0x%04X", rd_be16(c));
    }
    rest_hex(m, c, "extra");
}

/* 0x0900 transparent uplink: a type byte; 0xF0 carries OBD data and a position */
static void up_transparent(struct jt *x, struct trk_rd *c)
{
    struct trk_msg *m = x->m;
    unsigned type = rd_u8(c);
    if (c->err) return;
    m->type = "data";
    field_str(m, "transparent_type", STR_MAX, "0x%02X", type);
    if (type != 0xF0 || rd_left(c) < 9) { rest_text(m, c, "content"); return; }
    const uint8_t *t = rd_span(c, 6);
    unsigned archive = rd_u8(c), vehicle = rd_u8(c), sub = rd_u8(c);
    field_bool(m, "archive", archive != 0);
    field_int(m, "vehicle_type", vehicle);
    field_str(m, "data_type", STR_MAX, "0x%02X", sub);
    if (sub != 0x01 && sub != 0x03) { rest_hex(m, c, "content"); return; }
    struct trk_record *r = msg_add_record(m);
    if (!r) return;
    r->io_first = (uint16_t)m->nio;
    unsigned count = rd_u8(c);
    size_t idw = sub == 0x01 ? 2 : 1;
    for (unsigned i = 0; i < count && !c->err; i++) {
        unsigned id = (unsigned)rd_be(c, idw);
        unsigned len = rd_u8(c);
        const uint8_t *v = rd_span(c, len);
        if (!v) break;
        struct trk_rd vr;
        rd_init(&vr, v, len);
        msg_add_io(m, (sub << 16) | id, (uint16_t)len, len <= 8 ? rd_be(&vr, len) : 0, v);
    }
    int64_t s = bcd_time(t, true);
    if (s >= 0) { r->time_ms = (s - TZ_OFFSET) * 1000; r->has |= TRK_R_TIME; }
    uint32_t status = rd_be32(c), lat = rd_be32(c), lon = rd_be32(c);
    if (c->err) return;
    m->type = "position";
    r->lat = lat * 1e-6;
    r->lon = lon * 1e-6;
    if (status & 4) r->lat = -r->lat;
    if (status & 8) r->lon = -r->lon;
    if (r->lat >= -90 && r->lat <= 90 && r->lon >= -180 && r->lon <= 180) r->has |= TRK_R_POS;
    r->valid = (status & 2) != 0;
    r->has |= TRK_R_VALID;
    field_bool(m, "acc", status & 1);
    rest_hex(m, c, "extra");
}

/* 0x0702 driver identity */
static void up_driver(struct jt *x, struct trk_rd *c)
{
    struct trk_msg *m = x->m;
    m->type = "driver";
    unsigned state = rd_u8(c);
    field_int(m, "card_state", state);
    f_time(m, "time", c);
    if (state == 1 && rd_left(c) >= 2) {
        unsigned res = rd_u8(c);
        field_int(m, "card_result", res);
        if (res == 0) {
            unsigned nl = rd_u8(c);
            field_text(m, "driver_name", rd_span(c, nl), nl, TXT_SHOWN, TXT_FLAGS);
            field_text(m, "certificate", rd_span(c, 20), 20, TXT_SHOWN, TXT_FLAGS);
            unsigned ol = rd_u8(c);
            field_text(m, "issuer", rd_span(c, ol), ol, TXT_SHOWN, TXT_FLAGS);
            char d[12];
            rd_bcd(c, 4, d, sizeof d);
            if (!c->err) field_str(m, "valid_until", STR_MAX, "%s", d);
        }
    }
    rest_text(m, c, "extra");
}

/* 0x2070 acceleration samples: [time BCD6, x, y, z (sign-magnitude u16)]... */
static void up_accel(struct jt *x, struct trk_rd *c)
{
    struct trk_msg *m = x->m;
    char buf[TEXT_MAX];
    size_t o = 0;
    unsigned k = 0;
    m->type = "accelerometer";
    buf[0] = 0;
    while (rd_left(c) >= 12) {
        rd_skip(c, 6);
        int v[3];
        for (int i = 0; i < 3; i++) {
            unsigned w = rd_be16(c);
            v[i] = (w & 0x8000) ? -(int)(w & 0x7FFF) : (int)(w & 0x7FFF);
        }
        int n = snprintf(buf + o, sizeof buf - o, "%s[%d,%d,%d]", o ? "," : "", v[0], v[1], v[2]);
        if (n > 0 && (size_t)n < sizeof buf - o) o += (size_t)n;
        k++;
    }
    field_int(m, "samples", k);
    if (o) field_str(m, "g_sensor", STR_MAX, "%s", buf);
    rest_hex(m, c, "extra");
}


/* 0x0001 / 0x8001 general response (terminal's, platform's): the serial and id of
 * the message answered and a result; the platform's 4 (alarm confirmed) accepts too */
static void general_response(struct trk_msg *m, struct trk_rd *c, const char *type, bool alarm_ok)
{
    m->type = type;
    unsigned rs = rd_be16(c), rid = rd_be16(c), res = rd_u8(c);
    if (c->err) return;
    field_int(m, "reply_serial", rs);
    field_str(m, "reply_id", STR_MAX, "0x%04X", rid);
    field_int(m, "result", res);
    m->is_reply.set = true;
    m->is_reply.key = rid << 16 | rs;
    m->is_reply.accept = res == 0 || (alarm_ok && res == 4);
    rest_hex(m, c, "extra");
}

/* a body of UTF-16BE text after `skip` bytes (0x1300 replies) */
static void utf16_text(struct trk_msg *m, struct trk_rd *c, const char *key)
{
    char buf[TEXT_MAX];
    size_t o = 0;
    while (rd_left(c) >= 2 && o + 1 < sizeof buf) {
        unsigned w = rd_be16(c);
        if (w == 0) continue;
        buf[o++] = (w >= 0x20 && w < 0x7f) ? (char)w : (w == '\r' || w == '\n') ? ' ' : '.';
    }
    while (o && buf[o - 1] == ' ') o--;
    buf[o] = 0;
    field_str(m, key, STR_MAX, "%s", buf);
    rest_hex(m, c, "extra");
}

static bool up_wants_reply(unsigned id)
{
    switch (id) {
    case 0x0002: case 0x0003: case 0x0100: case 0x0102: case 0x0200: case 0x0210: case 0x0301:
    case 0x0303: case 0x0701: case 0x0702: case 0x0704: case 0x0705: case 0x0800: case 0x0801:
    case 0x0900: case 0x0901: case 0x0109: case 0x2070:
        return true;
    default:
        return false;
    }
}

static void decode_up(struct jt *x, struct trk_rd *c)
{
    struct trk_msg *m = x->m;
    switch (x->id) {
    case 0x0001:
        general_response(m, c, "command-reply", false);
        break;
    case 0x0002: m->type = "heartbeat"; rest_hex(m, c, "extra"); break;
    case 0x0003: m->type = "logout"; rest_hex(m, c, "extra"); break;
    case 0x0004: m->type = "time-request"; rest_hex(m, c, "extra"); break;
    case 0x0100: up_register(x, c); break;
    case 0x0102: up_auth(x, c); break;
    case 0x0104: m->type = "command-reply"; field_int(m, "reply_serial", rd_be16(c)); rest_hex(m, c, "params"); break;
    case 0x0107: up_attributes(x, c); break;
    case 0x0108: m->type = "event"; field_int(m, "upgrade_type", rd_u8(c)); field_int(m, "upgrade_result", rd_u8(c)); rest_hex(m, c, "extra"); break;
    case 0x0109: m->type = "time-request"; rest_hex(m, c, "extra"); break;
    case 0x0200: m->type = "position"; (void)location(x, c, true); break;
    case 0x0201: case 0x0500:
        m->type = "command-reply";
        field_int(m, "reply_serial", rd_be16(c));
        (void)location(x, c, true);
        break;
    case 0x0210: up_0210(x, c); break;
    case 0x0301: m->type = "event"; field_int(m, "event_id", rd_u8(c)); rest_hex(m, c, "extra"); break;
    case 0x0302: m->type = "command-reply"; field_int(m, "reply_serial", rd_be16(c)); field_int(m, "answer_id", rd_u8(c)); break;
    case 0x0303: m->type = "event"; field_int(m, "info_type", rd_u8(c)); field_int(m, "on", rd_u8(c)); break;
    case 0x0700: m->type = "data"; field_int(m, "reply_serial", rd_be16(c)); field_int(m, "command", rd_u8(c)); rest_hex(m, c, "content"); break;
    case 0x0701: m->type = "info"; { uint32_t l = rd_be32(c); (void)l; } rest_text(m, c, "result"); break;
    case 0x0702: up_driver(x, c); break;
    case 0x0704: up_batch(x, c); break;
    case 0x0705: m->type = "can"; field_int(m, "count", rd_be16(c)); f_time(m, "time", c); rest_hex(m, c, "content"); break;
    case 0x0800:
        m->type = "photo";
        field_int(m, "media_id", rd_be32(c));
        field_int(m, "media_type", rd_u8(c));
        field_int(m, "media_format", rd_u8(c));
        field_int(m, "media_event", rd_u8(c));
        field_int(m, "channel", rd_u8(c));
        break;
    case 0x0801:
        m->type = "photo";
        field_int(m, "media_id", rd_be32(c));
        field_int(m, "media_type", rd_u8(c));
        field_int(m, "media_format", rd_u8(c));
        field_int(m, "media_event", rd_u8(c));
        field_int(m, "channel", rd_u8(c));
        if (rd_left(c) >= 28) { struct trk_rd loc = rd_sub(c, 28); (void)location(x, &loc, false); }
        field_int(m, "data_bytes", (int64_t)rd_left(c));
        rd_skip(c, rd_left(c));
        break;
    case 0x0805: m->type = "command-reply"; field_int(m, "reply_serial", rd_be16(c)); field_int(m, "result", rd_u8(c)); rest_hex(m, c, "extra"); break;
    case 0x0900: up_transparent(x, c); break;
    case 0x0901: m->type = "data"; field_int(m, "length", rd_be32(c)); field_int(m, "data_bytes", (int64_t)rd_left(c)); rd_skip(c, rd_left(c)); break;
    case 0x0A00: m->type = "info"; field_int(m, "rsa_e", rd_be32(c)); rest_hex(m, c, "rsa_n"); break;
    case 0x5501: case 0x5502: up_5501(x, c); break;
    case 0x2070: up_accel(x, c); break;
    case 0x1300: m->type = "command-reply"; field_int(m, "reply_serial", rd_be16(c)); utf16_text(m, c, "result"); break;
    case 0x6006: m->type = "command-reply"; rest_text(m, c, "result"); break;
    case 0x1007: m->type = "status"; rest_hex(m, c, "content"); break;
    case 0xA006: m->type = "command-reply"; rest_hex(m, c, "content"); break;
    case 0x0506: m->type = "command-reply"; rest_hex(m, c, "content"); break;
    default:
        m->type = "unknown";
        rest_hex(m, c, "content");
        unsupported_type(x);
        return;
    }
    if (up_wants_reply(x->id)) {
        m->want_reply.set = true;
        m->want_reply.key = x->id << 16 | x->serial;
        m->want_reply.count = (uint32_t)m->nrec;
    }
}

static void decode_down(struct jt *x, struct trk_rd *c)
{
    struct trk_msg *m = x->m;
    switch (x->id) {
    case 0x8001:
        general_response(m, c, "ack", true);
        return;
    case 0x8100: {
        m->type = "ack";
        unsigned rs = rd_be16(c), res = rd_u8(c);
        if (c->err) return;
        field_int(m, "reply_serial", rs);
        field_str(m, "reply_id", STR_MAX, "0x0100");
        field_int(m, "result", res);
        if (rd_left(c)) { size_t k = rd_left(c); field_text(m, "auth_code", rd_span(c, k), k, TXT_SHOWN, TXT_FLAGS); }
        m->is_reply.set = true;
        m->is_reply.key = 0x0100u << 16 | rs;
        m->is_reply.accept = res == 0;
        return;
    }
    case 0x4401: {
        m->type = "ack";
        unsigned rid = rd_be16(c), res = rd_u8(c);
        if (c->err) return;
        field_str(m, "reply_id", STR_MAX, "0x%04X", rid);
        field_int(m, "result", res);
        m->is_reply.set = true;
        m->is_reply.key = rid << 16;
        m->is_reply.accept = res == 0;
        return;
    }
    case 0x8109: case 0x8004:
        m->type = "ack";
        if (rd_left(c) == 7) {
            unsigned y = rd_be16(c), mo = rd_u8(c), d = rd_u8(c), h = rd_u8(c), mi = rd_u8(c), s = rd_u8(c);
            field_str(m, "time", STR_MAX, "%04u-%02u-%02uT%02u:%02u:%02uZ", y, mo, d, h, mi, s);
        } else if (rd_left(c) == 6) f_time(m, "time", c);
        rest_hex(m, c, "extra");
        return;
    case 0x8003: m->type = "command"; field_int(m, "first_serial", rd_be16(c)); rest_hex(m, c, "ids"); break;
    case 0x8103: m->type = "command"; field_int(m, "param_count", rd_u8(c)); rest_hex(m, c, "params"); break;
    case 0x8104: m->type = "command"; field_str(m, "command", STR_MAX, "query-params"); break;
    case 0x8105: m->type = "command"; field_int(m, "control", rd_u8(c)); rest_text(m, c, "params"); break;
    case 0x8106: m->type = "command"; field_int(m, "param_count", rd_u8(c)); rest_hex(m, c, "ids"); break;
    case 0x8107: m->type = "command"; field_str(m, "command", STR_MAX, "query-attributes"); break;
    case 0x8201: m->type = "command"; field_str(m, "command", STR_MAX, "query-position"); break;
    case 0x8202: m->type = "command"; field_int(m, "interval", rd_be16(c)); field_int(m, "duration", rd_be32(c)); break;
    case 0x8300: m->type = "command"; field_str(m, "text_flags", STR_MAX, "0x%02X", rd_u8(c)); rest_text(m, c, "text"); break;
    case 0x8500: m->type = "command"; field_str(m, "control", STR_MAX, "0x%02X", rd_u8(c)); rest_hex(m, c, "extra"); break;
    case 0x8800: case 0x8801: case 0x8802: case 0x8803: case 0x8804: case 0x8805:
    case 0x8400: case 0x8401: case 0x8600: case 0x8601: case 0x8602: case 0x8603: case 0x8604:
    case 0x8605: case 0x8606: case 0x8607: case 0x8700: case 0x8701: case 0x8A00: case 0x8108:
    case 0x9101: case 0x9102: case 0x9201: case 0x9202: case 0x9205: case 0x9206: case 0x9207:
    case 0x9208: case 0x9212: case 0x8888:
        m->type = "command"; rest_hex(m, c, "content"); break;
    case 0x8900: m->type = "command"; field_str(m, "transparent_type", STR_MAX, "0x%02X", rd_u8(c)); rest_text(m, c, "content"); break;
    default:
        if (x->id < 0x8000) {       /* an uplink type sent downwards: decode it as such */
            decode_up(x, c);
            m->want_reply.set = false;
            return;
        }
        m->type = "unknown";
        rest_hex(m, c, "content");
        unsupported_type(x);
        return;
    }
    m->want_reply.set = true;
    m->want_reply.key = x->id << 16 | x->serial;
}

/* identity: the BCD phone number; a number that is not decimal is the 48-bit
 * value with a Luhn digit (vendors that pack the IMEI in binary there) */
static void phone_id(struct jt *x, const uint8_t *p, size_t k)
{
    struct trk_rd r;
    char s[24];
    size_t o = 0;
    bool dec = true;
    uint64_t v = 0;
    rd_init(&r, p, k);
    for (size_t i = 0; i < k; i++) {
        unsigned b = rd_u8(&r);
        if ((b >> 4) > 9 || (b & 15) > 9) dec = false;
        s[o++] = "0123456789abcdef"[b >> 4];
        s[o++] = "0123456789abcdef"[b & 15];
        v = (v << 8) | b;
    }
    s[o] = 0;
    if (dec || k != 6) {
        snprintf(x->phone, sizeof x->phone, "%s", s);
        return;
    }
    char d[24];
    int n = snprintf(d, sizeof d, "%llu", (unsigned long long)v);
    if (n <= 0 || n > 20) { snprintf(x->phone, sizeof x->phone, "%s", s); return; }
    unsigned sum = 0;
    for (int i = n - 1, dbl = 1; i >= 0; i--, dbl = !dbl) {
        unsigned dg = (unsigned)(d[i] - '0');
        if (dbl) { dg *= 2; if (dg > 9) dg -= 9; }
        sum += dg;
    }
    snprintf(x->phone, sizeof x->phone, "%s%u", d, (10 - sum % 10) % 10);
}

/* header size of a message in `b`: 0 when not even the fixed part is there */
static size_t header_len(struct trk_rd *b, unsigned *id, unsigned *attr)
{
    uint64_t v;
    if (!rd_peek_be(b, 0, 2, &v)) return 0;
    *id = (unsigned)v;
    if (!rd_peek_be(b, 2, 2, &v)) return 0;
    *attr = (unsigned)v;
    size_t h = 4;
    if (*attr & 0x4000) h += 1 + 10;
    else h += 6;
    h += (*id == 0x5501 || *id == 0x5502) ? 1 : 2;
    if ((*attr & 0x2000) && *id != 0x5501 && *id != 0x5502) h += 4;
    return h;
}

/* unescape [from, to) of r into out; returns the length, flags a bad escape */
static size_t unescape(const struct trk_rd *r, size_t from, size_t to, uint8_t *out, size_t cap,
                       long *bad_at)
{
    size_t o = 0;
    *bad_at = -1;
    for (size_t i = from; i < to && o < cap; i++) {
        int b = rd_peek(r, i);
        if (b == ESC) {
            int nb = rd_peek(r, i + 1);
            if (i + 1 < to && (nb == 1 || nb == 2)) { out[o++] = nb == 1 ? ESC : FLAG; i++; continue; }
            if (*bad_at < 0) *bad_at = (long)i;
        }
        out[o++] = (uint8_t)b;
    }
    return o;
}

/* a frame body [0, len) is consistent: header + body length + XOR byte */
static bool consistent(const uint8_t *p, size_t len, bool need_xor)
{
    struct trk_rd b;
    unsigned id, attr;
    rd_init(&b, p, len);
    size_t h = header_len(&b, &id, &attr);
    if (!h || len < h + 1 || h + (attr & 0x3FF) + 1 != len) return false;
    if (!need_xor) return true;
    int x = rd_peek(&b, len - 1);
    return x >= 0 && xor8(p, len - 1) == (unsigned)x;
}

/* the text frames "(id,1,001,BASE,2,TIME)" and command results */
static void decode_text(struct trk_rd *rd, enum trk_dir d, struct trk_msg *m)
{
    size_t n = rd_left(rd);
    const uint8_t *p = rd_span(rd, n);
    char buf[TEXT_MAX + 8];
    struct trk_rd r;
    size_t o = 0;
    rd_init(&r, p, n);
    while (rd_left(&r) && o + 1 < TEXT_MAX) {
        unsigned b = rd_u8(&r);
        buf[o++] = (b >= 0x20 && b < 0x7f) ? (char)b : '.';
    }
    buf[o] = 0;
    m->type = strstr(buf, "BASE,2") ? "time-request" : d == TRK_DOWN ? "command" : "command-reply";
    if (o < 2 || buf[o - 1] != ')') msg_malformed(m, "text frame without its closing ')'");
    /* identifier: the digits after '(' up to the first comma */
    size_t i = 1, k = 0;
    char id[TRK_IMEI_MAX];
    while (i < o && buf[i] >= '0' && buf[i] <= '9' && k + 1 < sizeof id) id[k++] = buf[i++];
    id[k] = 0;
    if (k && i < o && buf[i] == ',') { msg_set_imei(m, id); field_str(m, "terminal_id", STR_MAX, "%s", id); }
    field_str(m, "result", STR_MAX, "%s", buf);
}

static void jt808_decode(struct trk_rd *rd, enum trk_dir d, struct trk_state *st, struct trk_msg *m)
{
    size_t n = rd->n;
    struct jt x;
    (void)st;
    memset(&x, 0, sizeof x);
    x.m = m;
    x.dir = d;
    m->type = "unknown";
    int b0 = rd_peek(rd, 0);
    if (b0 == '(') { decode_text(rd, d, m); return; }
    if (b0 != FLAG) {
        m->type = "garbage";
        msg_malformed_at(m, 0, b0 < 0 ? 0 : 1, "bad start byte 0x%02X, expected 0x7E", b0 < 0 ? 0u : (unsigned)b0);
        rd_skip(rd, rd_left(rd));
        return;
    }
    bool end_ok = n >= 2 && rd_peek(rd, n - 1) == FLAG;
    size_t inner_end = end_ok ? n - 1 : n;
    uint8_t ubuf[MAX_FRAME];
    long bad_at;
    size_t ulen = unescape(rd, 1, inner_end, ubuf, sizeof ubuf, &bad_at);
    const uint8_t *body_p = ubuf;
    size_t blen = ulen;
    bool escaped_ok = bad_at < 0;
    /* vectors already unescaped may hold a literal 7D 01 pair: take the form as
     * given when only it agrees with its length field and check byte */
    if (!consistent(ubuf, ulen, true) || bad_at >= 0) {
        const uint8_t *raw = rd_peek_span(rd, 1, inner_end - 1);
        if (raw && inner_end > 1 && consistent(raw, inner_end - 1, true)) {
            body_p = raw;
            blen = inner_end - 1;
            escaped_ok = true;
        } else if (raw && inner_end > 1 && !consistent(ubuf, ulen, false) && consistent(raw, inner_end - 1, false)) {
            body_p = raw;
            blen = inner_end - 1;
        }
    }
    rd_skip(rd, rd_left(rd));
    x.frame = rd;
    x.inner_end = inner_end;
    x.literal = body_p != ubuf;

    struct trk_rd b;
    rd_init(&b, body_p, blen);
    b.base = 1;
    unsigned id = 0, attr = 0;
    size_t h = header_len(&b, &id, &attr);
    if (!h || blen < h + 1) {
        if (h == 0 && blen >= 2) {
            uint64_t v = 0;
            (void)rd_peek_be(&b, 0, 2, &v);
            field_str(m, "msg_id", STR_MAX, "0x%04llX", (unsigned long long)v);
        }
        if (!end_ok) msg_malformed(m, "missing 7e end flag");
        msg_malformed_at(m, 1, inner_end > 1 ? inner_end - 1 : 0,
                         "truncated at offset %zu: frame too short for its header (%zu bytes)", n, blen);
        return;
    }
    x.id = rd_be16(&b);
    x.attr = rd_be16(&b);
    x.v2019 = (x.attr & 0x4000) != 0;
    if (x.v2019) { x.version = rd_u8(&b); field_int(m, "version", x.version); }
    size_t plen = x.v2019 ? 10 : 6;
    const uint8_t *ph = rd_span(&b, plen);
    bool short_serial = x.id == 0x5501 || x.id == 0x5502;
    x.serial = short_serial ? rd_u8(&b) : rd_be16(&b);
    field_str(m, "msg_id", STR_MAX, "0x%04X", x.id);
    phone_id(&x, ph, plen);
    msg_set_imei(m, x.phone);
    field_int(m, "serial", x.serial);
    unsigned ptotal = 0, pindex = 0;
    bool sub = (x.attr & 0x2000) && !short_serial;
    if (sub) {
        ptotal = rd_be16(&b);
        pindex = rd_be16(&b);
        field_str(m, "package", STR_MAX, "%u/%u", pindex, ptotal);
    }
    size_t L = x.attr & 0x3FF;
    size_t have = blen - h - 1;
    /* problems: check byte, length, framing */
    unsigned field = 0;
    {
        struct trk_rd t;
        rd_init(&t, body_p, blen);
        int xb = rd_peek(&t, blen - 1);
        field = xb < 0 ? 0u : (unsigned)xb;
    }
    unsigned computed = xor8(body_p, blen - 1);
    if (!end_ok) msg_malformed(m, "missing 7e end flag at offset %zu", n);
    if (!escaped_ok)
        msg_malformed_at(m, (size_t)bad_at, (size_t)bad_at + 1 < n ? 2 : 1, "bad escape 7d %02x at offset %ld",
                         (unsigned)rd_peek(rd, (size_t)bad_at + 1) & 0xFF, bad_at);
    size_t at, len;
    frame_span(&x, blen, 1, &at, &len);   /* the check byte, escaped or not */
    if (field != computed) msg_crc_mismatch(m, "xor", field, computed, 2, at, len);
    frame_span(&x, 3, 2, &at, &len);      /* the attributes with the body length */
    if (L != have) msg_length_mismatch(m, L, have, at, len);

    struct trk_rd body = rd_sub(&b, L < have ? L : have);
    if (L < have) {
        struct trk_rd extra = rd_sub(&b, have - L);
        rest_hex(m, &extra, "trailing");
    }
    if (sub && pindex > 1) {
        /* a later package of a split message: its content continues the first */
        m->type = "fragment";
        field_int(m, "data_bytes", (int64_t)rd_left(&body));
        rd_skip(&body, rd_left(&body));
        return;
    }
    if ((x.attr & 0x0400) && !short_serial) {
        m->type = "encrypted";
        rest_hex(m, &body, "content");
        msg_unsupported(m, "RSA-encrypted body of message 0x%04X", x.id);
        return;
    }
    if (d == TRK_DOWN || (x.id >= 0x8000 && x.id != 0xA006)) decode_down(&x, &body);
    else decode_up(&x, &body);
    if (body.err && sub && ptotal > 1) field_bool(m, "continued", true);   /* the rest comes in later packages */
    else if (body.err && m->status == TRK_OK) {
        /* from where the body ran out to its end, as offsets of the frame */
        size_t end = body.base + body.n, from = body.err_off < end ? body.err_off : end;
        frame_span(&x, from, end - from, &at, &len);
        msg_malformed_at(m, at, len, "truncated at offset %zu", at);
    }
}

/* ----------------------------------------------------------- framing */

/* end of a '(' ... ')' text frame: >0 length, 0 need more, <0 not text */
static long text_frame(const struct trk_rd *r, size_t n)
{
    size_t lim = n < 512 ? n : 512;
    for (size_t i = 1; i < lim; i++) {
        int b = rd_peek(r, i);
        if (b == ')') return (long)(i + 1);
        if (b < 0x20 || b >= 0x7f) return -1;
    }
    return n < 512 ? 0 : -1;
}

static long jt808_frame(const uint8_t *p, size_t n, enum trk_dir d, const struct trk_state *st)
{
    struct trk_rd r;
    (void)d; (void)st;
    rd_init(&r, p, n);
    if (n == 0) return TRK_FRAME_MORE;
    int b0 = rd_peek(&r, 0);
    if (b0 == '(') {
        long t = text_frame(&r, n);
        if (t >= 0) return t;
    }
    if (b0 != FLAG) {
        for (size_t k = 1; k < n; k++) {
            int b = rd_peek(&r, k);
            if (b == FLAG || b == '(') return -(long)k;
        }
        return -(long)n;
    }
    if (n < 2) return TRK_FRAME_MORE;
    if (rd_peek(&r, 1) == FLAG) return -1;   /* an empty frame: the second flag starts the next */
    size_t lim = n < MAX_FRAME ? n : MAX_FRAME;
    size_t e = 0;
    for (size_t i = 1; i < lim; i++)
        if (rd_peek(&r, i) == FLAG) { e = i; break; }
    if (!e) return n >= MAX_FRAME ? -1 : TRK_FRAME_MORE;
    /* A frame already unescaped (decoder input, not wire bytes) may hold a
     * literal 7E: when the escaped reading disagrees with the length field and
     * the literal reading agrees with it and ends on a flag, take that. */
    uint8_t ub[MAX_FRAME];
    long bad;
    size_t ul = unescape(&r, 1, e, ub, sizeof ub, &bad);
    if (!consistent(ub, ul, false)) {
        struct trk_rd hb;
        unsigned id, attr;
        const uint8_t *raw = rd_peek_span(&r, 1, n - 1);
        rd_init(&hb, raw, raw ? n - 1 : 0);
        size_t h = header_len(&hb, &id, &attr);
        size_t total = 1 + h + (attr & 0x3FF) + 1 + 1;
        if (h && total > e + 1 && total <= n && total <= MAX_FRAME && rd_peek(&r, total - 1) == FLAG &&
            consistent(raw, total - 2, false))
            return (long)total;
    }
    return (long)(e + 1);
}

static int jt808_probe(const uint8_t *p, size_t n, unsigned transport)
{
    struct trk_rd r;
    rd_init(&r, p, n);
    int b0 = rd_peek(&r, 0);
    if (b0 == '(') {
        /* "(" + 12 digits + "," */
        for (size_t i = 1; i <= 12; i++) {
            int b = rd_peek(&r, i);
            if (b < '0' || b > '9') return 0;
        }
        return rd_peek(&r, 13) == ',' ? 30 : 0;
    }
    if (b0 != FLAG) return 0;
    uint64_t id;
    if (!rd_peek_be(&r, 1, 2, &id)) return 10;
    int score = 10;
    switch (id) {
    case 0x0001: case 0x0002: case 0x0003: case 0x0100: case 0x0102: case 0x0104: case 0x0107:
    case 0x0108: case 0x0109: case 0x0200: case 0x0201: case 0x0210: case 0x0301: case 0x0302:
    case 0x0500: case 0x0701: case 0x0702: case 0x0704: case 0x0705: case 0x0800: case 0x0801:
    case 0x0805: case 0x0900: case 0x0901: case 0x5501: case 0x5502: case 0x8001: case 0x8100:
    case 0x8103: case 0x8105: case 0x8300: case 0x8900: case 0x1300: case 0x6006: case 0x2070:
        score += 30;
        break;
    default:
        if (id >= 0x4100 && id < 0x6000 && id != 0x5501 && id != 0x5502) return 5;  /* "~A".."~X" */
        break;
    }
    size_t lim = n < MAX_FRAME ? n : MAX_FRAME;
    size_t e = 0;
    for (size_t i = 1; i < lim; i++)
        if (rd_peek(&r, i) == FLAG) { e = i; break; }
    if (!e) return score;
    uint8_t ub[MAX_FRAME];
    long bad;
    size_t ul = unescape(&r, 1, e, ub, sizeof ub, &bad);
    if (consistent(ub, ul, true)) score += 50;
    else if (consistent(ub, ul, false)) score += 15;
    (void)transport;
    return score > 100 ? 100 : score;
}

static const char *const jt808_aliases[] = {"huabao", "jt/t808", NULL};
static const uint16_t jt808_ports[] = {5015, 0};

const struct dissector dissector_jt808 = {
    .name = "jt808",
    .title = "JT/T 808 (Huabao; 0x7E frames, 2013/2019 headers)",
    .aliases = jt808_aliases,
    .ports = jt808_ports,
    .transports = TRK_TCP,
    .probe = jt808_probe,
    .frame = jt808_frame,
    .decode = jt808_decode,
};
