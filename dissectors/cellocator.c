/* cellocator.c: dissector for the Cellocator (Pointer) binary protocol over TCP and
 * UDP.
 *
 * Frame (little-endian): `MCGP`, message type u8, unit id u32 (a serial number,
 * used as the device identity), then a type-specific body, and a checksum byte:
 * the 8-bit sum of every byte after `MCGP`.  Lengths: type 0 status/location and
 * type 7 logged fix 70 bytes, type 3 programming 31, type 4 server ACK 28, type 8
 * serial data 19 + u16 at offset 16, type 9 modular 15 + u8 at offset 13, type 11
 * modular extended 16 + u16 at offset 13.
 *
 * Type 0 / 7: communication control u16, numerator u8, hardware, software and
 * protocol versions, unit status, operator, transmission reason data and reason,
 * mode, IO status (4), operator, analog inputs (4), odometer u24, driver id (6),
 * last fix age u16, location status, mode 1, mode 2, satellites, longitude and
 * latitude i32 (radians x 1e8), altitude i32 (cm), speed u32 (cm/s), course u16
 * (radians x 1000), time (sec, min, hour, day, month, year u16), checksum.
 * Frames signed `MCPG` use degrees x 1e7 and km/h; their checksum is not the
 * documented sum and is not checked.
 * Type 11: 4 bytes after the length, then modules (id u8, length u16, data);
 * module 6 carries the fix (status, modes, satellites, lon, lat, altitude) and
 * module 7 the time (flag, sec, min, hour, day, month, year - 2000).
 * The server acknowledges with type 4 carrying the numerator of the message. */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "crc.h"
#include "dissect.h"
#include "msg.h"
#include "rd.h"
#include "fieldset.h"

#define C_MAX   4096      /* longest frame accepted */

/* ---------------------------------------------------------------- framing */

static bool sig_at(const struct trk_rd *r, size_t at, bool *alt)
{
    const uint8_t *s = rd_peek_span(r, at, 4);
    if (!s) return false;
    if (memcmp(s, "MCGP", 4) == 0) { if (alt) *alt = false; return true; }
    if (memcmp(s, "MCPG", 4) == 0) { if (alt) *alt = true; return true; }
    return false;
}

/* bytes of the frame starting at 0: >0 length, 0 need more, -1 unknown type */
static long frame_len(const struct trk_rd *r)
{
    int type = rd_peek(r, 4);
    uint64_t v;
    if (type < 0) return 0;
    switch (type) {
    case 0: case 7: return 70;
    case 3: return 31;
    case 4: return 28;
    case 8: return rd_peek_le(r, 16, 2, &v) ? (long)(19 + v) : 0;
    case 9: return rd_peek_le(r, 13, 1, &v) ? (long)(15 + v) : 0;
    case 11: return rd_peek_le(r, 13, 2, &v) ? (long)(16 + v) : 0;
    default: return -1;
    }
}

/* where the length field of a message type is (len 0: the type fixes the length) */
static void len_field(int type, size_t *off, size_t *len)
{
    switch (type) {
    case 8: *off = 16; *len = 2; break;
    case 9: *off = 13; *len = 1; break;
    case 11: *off = 13; *len = 2; break;
    default: *off = 0; *len = 0; break;
    }
}

static long cello_frame(const uint8_t *p, size_t n, enum trk_dir d, const struct trk_state *st)
{
    struct trk_rd r;
    rd_init(&r, p, n);
    if (n < 4) {
        /* a prefix of the signature */
        static const char sig[] = "MCGP";
        for (size_t i = 0; i < n; i++) if (rd_peek(&r, i) != sig[i]) return -1;
        return TRK_FRAME_MORE;
    }
    if (!sig_at(&r, 0, NULL)) {
        for (size_t i = 1; i < n; i++) {
            if (rd_peek(&r, i) != 'M') continue;
            if (sig_at(&r, i, NULL) || i + 4 > n) return -(long)i;
        }
        return -(long)n;
    }
    long len = frame_len(&r);
    if (len == 0) return TRK_FRAME_MORE;
    if (len > 0) return (size_t)len <= n ? len : TRK_FRAME_MORE;
    /* unknown type: up to the next signature */
    for (size_t i = 5; i < n; i++)
        if (rd_peek(&r, i) == 'M' && sig_at(&r, i, NULL)) return (long)i;
    return n > C_MAX ? (long)n : TRK_FRAME_MORE;
}

static int cello_probe(const uint8_t *p, size_t n, unsigned transport)
{
    struct trk_rd r;
    bool alt = false;
    rd_init(&r, p, n);
    if (!sig_at(&r, 0, &alt)) return 0;
    long len = frame_len(&r);
    if (len <= 0 || (size_t)len > n) return len < 0 ? 40 : 60;
    const uint8_t *s = rd_peek_span(&r, 4, (size_t)len - 5);
    int ck = rd_peek(&r, (size_t)len - 1);
    if (s && ck >= 0 && sum8(s, (size_t)len - 5) == ck) return 95;
    return 70;
}

/* ---------------------------------------------------------------- helpers */

static void f_hexb(struct trk_msg *m, const char *key, const uint8_t *p, size_t n)
{
    if (!field_room(m, key) || !p) return;
    const char *h = msg_hex(m, p, n > 256 ? 256 : n);
    if (h) msg_field_str(m, key, "%s", h);
}

static void set_unit(struct trk_msg *m, uint32_t id)
{
    char b[16];
    snprintf(b, sizeof b, "%u", id);
    msg_set_imei(m, b);
}

static const double RAD = 180.0 / 3.14159265358979323846;

static bool set_time(struct trk_record *r, int y, int mo, int d, int h, int mi, int s)
{
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return false;
    r->time_ms = trk_timegm(y, mo, d, h, mi, s) * 1000;
    r->has |= TRK_R_TIME;
    return true;
}

/* ---------------------------------------------------------------- decoding */

static void want(struct trk_msg *m, unsigned numerator)
{
    m->want_reply.set = true;
    m->want_reply.key = numerator;
    m->want_reply.count = 1;
}

static void decode_location(struct trk_rd *c, struct trk_msg *m, bool alt)
{
    rd_skip(c, 2);                               /* communication control */
    unsigned num = rd_u8(c);
    unsigned hw = rd_u8(c), sw = rd_u8(c), pv = rd_u8(c);
    unsigned status = rd_u8(c), oper = rd_u8(c), rdata = rd_u8(c), reason = rd_u8(c), mode = rd_u8(c);
    uint32_t io = rd_le32(c);
    rd_skip(c, 1);                               /* operator */
    const uint8_t *an = rd_span(c, 4);
    uint32_t odo = (uint32_t)rd_le(c, 3);
    const uint8_t *drv = rd_span(c, 6);
    unsigned fixage = rd_le16(c), lstat = rd_u8(c), m1 = rd_u8(c), m2 = rd_u8(c), sats = rd_u8(c);
    int32_t lon = rd_lei32(c), lat = rd_lei32(c), altc = rd_lei32(c);
    uint32_t speed = rd_le32(c);
    unsigned course = rd_le16(c);
    unsigned ss = rd_u8(c), mi = rd_u8(c), hh = rd_u8(c), dd = rd_u8(c), mo = rd_u8(c), yy = rd_le16(c);
    if (c->err) return;
    want(m, num);
    field_int(m, "numerator", num);
    field_int(m, "hw_version", hw);
    field_int(m, "sw_version", sw);
    field_int(m, "protocol_version", pv);
    field_int(m, "unit_status", status);
    field_int(m, "operator", oper);
    field_int(m, "reason", reason);
    field_int(m, "reason_data", rdata);
    field_int(m, "mode", mode);
    if (field_room(m, "io")) msg_field_str(m, "io", "0x%08X", io);
    if (field_room(m, "ignition")) msg_field_bool(m, "ignition", (io & 0x8000) != 0);
    if (an) f_hexb(m, "analog", an, 4);
    field_int(m, "odometer", odo);
    if (drv) {
        bool any = false;
        struct trk_rd dr;
        rd_init(&dr, drv, 6);
        while (rd_left(&dr)) if (rd_u8(&dr)) any = true;
        if (any) f_hexb(m, "driver_id", drv, 6);
    }
    field_int(m, "fix_age", fixage);
    field_int(m, "location_status", lstat);
    field_int(m, "mode1", m1);
    field_int(m, "mode2", m2);
    struct trk_record *r = msg_add_record(m);
    if (!r) return;
    if (alt) {
        r->lat = lat / 1e7;
        r->lon = lon / 1e7;
        r->speed = speed;
    } else {
        r->lat = lat / 1e8 * RAD;
        r->lon = lon / 1e8 * RAD;
        r->speed = speed * 0.036;
    }
    if (r->lat >= -90 && r->lat <= 90 && r->lon >= -180 && r->lon <= 180) r->has |= TRK_R_POS;
    r->alt = altc / 100.0;
    r->course = fmod(course / 1000.0 * RAD, 360.0);
    r->sats = (int)sats;
    r->valid = (lstat & 0x02) != 0 || sats >= 3;
    r->has |= TRK_R_ALT | TRK_R_SPEED | TRK_R_COURSE | TRK_R_SATS | TRK_R_VALID;
    set_time(r, (int)yy, (int)mo, (int)dd, (int)hh, (int)mi, (int)ss);
}

static void decode_modular(struct trk_rd *c, struct trk_msg *m, size_t len)
{
    rd_skip(c, 2);                               /* communication control */
    unsigned num = rd_u8(c);
    rd_skip(c, 1);
    rd_skip(c, 2);                               /* length */
    rd_skip(c, 4);
    if (c->err) return;
    want(m, num);
    field_int(m, "numerator", num);
    struct trk_rd mods = rd_sub(c, rd_left(c) > 0 ? rd_left(c) - 1 : 0);
    struct trk_record *r = NULL;
    size_t count = 0;
    while (rd_left(&mods) >= 3) {
        size_t at = rd_pos(&mods);
        unsigned id = rd_u8(&mods), ml = rd_le16(&mods);
        struct trk_rd md = rd_sub(&mods, ml);
        if (mods.err) {   /* the module as far as it is there */
            msg_malformed_at(m, at, 3 + md.n, "module %u of %u bytes overruns the frame at offset %zu", id, ml,
                             rd_pos(&md));
            return;
        }
        count++;
        if (id == 6 && ml >= 15) {
            unsigned st = rd_u8(&md);
            rd_skip(&md, 2);
            unsigned sats = rd_u8(&md);
            int32_t lon = rd_lei32(&md), lat = rd_lei32(&md), altc = rd_lei32(&md);
            if (!r) r = msg_add_record(m);
            if (r && !md.err) {
                r->lat = lat / 1e8 * RAD;
                r->lon = lon / 1e8 * RAD;
                if (r->lat >= -90 && r->lat <= 90 && r->lon >= -180 && r->lon <= 180) r->has |= TRK_R_POS;
                r->alt = altc / 100.0;
                r->sats = (int)sats;
                r->valid = (st & 0x02) != 0 || sats >= 3;
                r->has |= TRK_R_ALT | TRK_R_SATS | TRK_R_VALID;
            }
        } else if (id == 7 && ml >= 7) {
            rd_skip(&md, 1);
            unsigned ss = rd_u8(&md), mi = rd_u8(&md), hh = rd_u8(&md), dd = rd_u8(&md), mo = rd_u8(&md), yy = rd_u8(&md);
            if (!r) r = msg_add_record(m);
            if (r && !md.err) set_time(r, 2000 + (int)yy, (int)mo, (int)dd, (int)hh, (int)mi, (int)ss);
        } else if (count <= 8 && id < 100) {
            static const char *const keys[8] = { "module_a", "module_b", "module_c", "module_d",
                                                 "module_e", "module_f", "module_g", "module_h" };
            size_t k = rd_left(&md);
            if (field_room(m, keys[count - 1]) && m->arena_len + 2 * k + 32 < TRK_ARENA) {
                const char *h = msg_hex(m, rd_peek_span(&md, 0, k), k > 200 ? 200 : k);
                if (h) msg_field_str(m, keys[count - 1], "%u:%s", id, h);
            }
        }
    }
    if (rd_left(&mods))
        msg_malformed_at(m, rd_pos(&mods), rd_left(&mods), "%zu bytes after the last module", rd_left(&mods));
    field_int(m, "modules", (int64_t)count);
    rd_skip(c, 1);
    (void)len;
}

static void cello_decode(struct trk_rd *rd, enum trk_dir d, struct trk_state *st, struct trk_msg *m)
{
    size_t n = rd_left(rd);
    bool alt = false;
    if (!sig_at(rd, 0, &alt)) {
        m->type = "unknown";
        msg_malformed_at(m, 0, n < 4 ? n : 4, "bad signature: no MCGP at offset 0");
        rd_skip(rd, n);
        return;
    }
    rd_skip(rd, 4);
    unsigned type = rd_u8(rd);
    uint32_t unit = rd_le32(rd);
    if (rd->err) { m->type = "unknown"; msg_truncated(m, rd); return; }
    set_unit(m, unit);
    field_int(m, "message_type", type);
    if (alt && field_room(m, "signature")) msg_field_str(m, "signature", "MCPG");
    struct trk_rd w;
    rd_init(&w, rd->p, n);
    long want_len = frame_len(&w);
    size_t lf_off, lf_len;
    len_field((int)type, &lf_off, &lf_len);
    if (want_len > 0 && (size_t)want_len != n) msg_length_mismatch(m, (size_t)want_len, n, lf_off, lf_len);
    else if (!alt && n >= 6) {
        const uint8_t *s = rd_peek_span(rd, 4, n - 5);
        int ck = rd_peek(rd, n - 1);
        if (s && ck >= 0) {
            unsigned comp = sum8(s, n - 5);
            if (comp != (unsigned)ck) msg_crc_mismatch(m, "checksum", (unsigned)ck, comp, 2, n - 1, 1);
        }
    }
    struct trk_rd c;
    rd_init(&c, rd->p, n);
    rd_skip(&c, 9);
    rd_skip(rd, rd_left(rd));
    switch (type) {
    case 0: case 7:
        m->type = type == 0 ? "position" : "position-log";
        decode_location(&c, m, alt);
        break;
    case 11:
        m->type = "position";
        decode_modular(&c, m, n);
        break;
    case 4:
        m->type = "ack";
        rd_skip(&c, 1 + 4 + 1);                  /* numerator, authentication, action */
        {
            unsigned acked = rd_u8(&c);
            if (!c.err) {
                m->is_reply.set = true;
                m->is_reply.key = acked;
                m->is_reply.count = 1;
                m->is_reply.accept = true;
                field_int(m, "acked_numerator", acked);
            }
        }
        break;
    case 3:
        m->type = "command-reply";
        rd_skip(&c, 2);
        field_int(m, "numerator", rd_u8(&c));
        break;
    case 8:
        m->type = "serial-data";
        break;
    case 9:
        m->type = d == TRK_DOWN ? "command" : "info";
        break;
    default:
        m->type = "unknown";
        msg_unsupported_at(m, 4, 1, "unsupported message type %u", type);
        return;
    }
    if (c.err && m->status == TRK_OK) msg_truncated(m, &c);
}

static const uint16_t cello_ports[] = { 5033, 0 };

const struct dissector dissector_cellocator = {
    .name = "cellocator",
    .title = "Cellocator (Pointer) binary",
    .aliases = NULL,
    .ports = cello_ports,
    .transports = TRK_TCP | TRK_UDP,
    .probe = cello_probe,
    .frame = cello_frame,
    .decode = cello_decode,
};
