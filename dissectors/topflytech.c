/* topflytech.c: dissector for the Topflytech tracker protocol (T880x, TLW1/TLW2, TLD, TLP
 * families; Traccar "t800x") over TCP and UDP.
 *
 * Every message: header (23 23 "##", 25 25 "%%", 26 26 "&&", 27 27 "''": product family),
 * type u8, total length u16be, serial u16be, IMEI as 8 bytes of packed digits with a leading
 * zero nibble, body.  No checksum.
 *
 * Device -> server (TRK_UP), by type:
 *   0x01 login (firmware / hardware words)                               "login"
 *   0x02 / 0x13 position, 0x04 / 0x14 alarm with position                "position" / "alarm"
 *   0x03 heartbeat                                                       "heartbeat"
 *   0x05 / 0x06 "&&": driving behaviour (time + position samples)       "event"
 *   0x05 "''": network info                                              "info"
 *   0x11 network info (operator UTF-16LE, access technology, band, IMSI, ICCID as u8-length
 *        strings after a BCD time)                                      "info"
 *   0x10 BLE report (BCD time + sensor data, kept as hex)                "ble"
 *   0x81 command reply (first byte 1 = UTF-16LE text, else ASCII)         "command-reply"
 * Server -> device (TRK_DOWN): the 15-byte echo of header, type, 00 0F, serial and IMEI (16
 * bytes with the alarm code for alarms) is "ack"; a longer 0x81 message is "command".
 *
 * Position layout: a status byte (bit 6 = GPS data follow, bit 7 = fix not valid, bits 0..4 =
 * satellites), IO word, ADCs, alarm code, odometer, battery level (see decode_position), then
 * a BCD time YYMMDDhhmmss (UTC), altitude, longitude, latitude as float32le, speed as 4 BCD
 * digits (x0.1 km/h) and course u16be.  Where the time sits depends on the family and type:
 * "''" at body offset 2, "##" and "%%" 0x02/0x04 at 29, "&&" at 25, "%%" 0x13/0x14 at 37 (one
 * firmware has it at 36).  Those offsets are tried first; when they do not give a valid BCD
 * time followed by in-range coordinates, the body is searched for one.  Without GPS data
 * (status bit 6 clear) cell data follow the time (MCC, MNC u16le, three LAC/CI u16le pairs):
 * fields "mcc", "mnc", "lac", "cell_id" of the first cell.
 *
 * Replies: up messages other than 0x81 set want_reply.key = type << 16 | serial; an ACK sets
 * is_reply.key the same way. */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dissect.h"
#include "msg.h"
#include "rd.h"

#define TFT_MAX_LEN 4096u
#define TFT_HDR 15u
#define TFT_TEXT_MAX 600

/* ---------------------------------------------------------------- helpers */

static bool is_header(int a, int b)
{
    return a == b && (a == 0x23 || a == 0x25 || a == 0x26 || a == 0x27);
}

static bool known_type(int t)
{
    switch (t) {
    case 0x01: case 0x02: case 0x03: case 0x04: case 0x05: case 0x06: case 0x07: case 0x08:
    case 0x09: case 0x10: case 0x11: case 0x12: case 0x13: case 0x14: case 0x15: case 0x16:
    case 0x17: case 0x18: case 0x81: case 0x82:
        return true;
    default:
        return false;
    }
}

/* The 8 IMEI bytes at `at` are packed decimal digits. */
static bool bcd_ok(const struct trk_rd *r, size_t at, size_t k)
{
    for (size_t i = 0; i < k; i++) {
        int b = rd_peek(r, at + i);
        if (b < 0 || (b >> 4) > 9 || (b & 15) > 9) return false;
    }
    return true;
}

/* ----------------------------------------------------------------- probe */

static int tft_probe(const uint8_t *p, size_t n, unsigned transport)
{
    struct trk_rd r;
    uint64_t v;
    rd_init(&r, p, n);
    if (n < 2 || !is_header(rd_peek(&r, 0), rd_peek(&r, 1))) return 0;
    int t = rd_peek(&r, 2);
    if (t < 0) return 5;
    if (!known_type(t)) return 0;
    if (!rd_peek_be(&r, 3, 2, &v)) return 15;
    if (v < TFT_HDR || v > TFT_MAX_LEN) return 0;
    size_t L = (size_t)v;
    if (n < TFT_HDR) return 30;
    if (!bcd_ok(&r, 7, 8) || (rd_peek(&r, 7) >> 4) != 0) return 10;
    if (n == L) return 92;
    if (n > L) return is_header(rd_peek(&r, L), rd_peek(&r, L + 1)) ? 88 : 40;
    return 60;
}

/* ----------------------------------------------------------------- frame */

static long tft_frame(const uint8_t *p, size_t n, enum trk_dir d, const struct trk_state *st)
{
    struct trk_rd r;
    uint64_t v;
    rd_init(&r, p, n);
    if (n == 0) return TRK_FRAME_MORE;
    int b0 = rd_peek(&r, 0), b1 = rd_peek(&r, 1);
    if (b1 < 0) {
        if (b0 == 0x23 || b0 == 0x25 || b0 == 0x26 || b0 == 0x27) return TRK_FRAME_MORE;
    } else if (is_header(b0, b1)) {
        int t = rd_peek(&r, 2);
        if (t < 0 || !rd_peek_be(&r, 3, 2, &v)) return TRK_FRAME_MORE;
        if (known_type(t) && v >= TFT_HDR && v <= TFT_MAX_LEN)
            return (size_t)v <= n ? (long)v : TRK_FRAME_MORE;
    }
    for (size_t i = 1; i < n; i++) {                 /* resynchronise */
        int a = rd_peek(&r, i), b = rd_peek(&r, i + 1);
        if (b < 0 && (a == 0x23 || a == 0x25 || a == 0x26 || a == 0x27)) return -(long)i;
        if (is_header(a, b)) return -(long)i;
    }
    return -(long)n;
}

/* ---------------------------------------------------------------- decode */

static double f32le_at(const struct trk_rd *r, size_t at, bool *ok)
{
    uint64_t u;
    float f;
    if (!rd_peek_le(r, at, 4, &u)) { *ok = false; return 0; }
    uint32_t w = (uint32_t)u;
    memcpy(&f, &w, sizeof f);
    if (!isfinite(f)) *ok = false;
    return f;
}

static int bcd2(int b) { return (b >> 4) * 10 + (b & 15); }

/* A BCD time YYMMDDhhmmss at `at`: seconds since the epoch, or -1. */
static int64_t bcd_time_at(const struct trk_rd *r, size_t at)
{
    if (!bcd_ok(r, at, 6)) return -1;
    int y = bcd2(rd_peek(r, at)), mo = bcd2(rd_peek(r, at + 1)), d = bcd2(rd_peek(r, at + 2));
    int h = bcd2(rd_peek(r, at + 3)), mi = bcd2(rd_peek(r, at + 4)), s = bcd2(rd_peek(r, at + 5));
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return -1;
    return trk_timegm(2000 + y, mo, d, h, mi, s);
}

/* Time + altitude, longitude, latitude at `at` plausible? */
static bool fix_at(const struct trk_rd *b, size_t at, bool need_floats)
{
    if (bcd_time_at(b, at) < 0) return false;
    if (!need_floats) return true;
    bool ok = true;
    double alt = f32le_at(b, at + 6, &ok), lon = f32le_at(b, at + 10, &ok);
    double lat = f32le_at(b, at + 14, &ok);
    return ok && fabs(lat) <= 90 && fabs(lon) <= 180 && fabs(alt) < 20000;
}

static const char *alarm_name(int code)
{
    switch (code) {
    case 1: return "power-cut";
    case 2: return "low-battery";
    case 3: return "sos";
    case 4: return "overspeed";
    case 5: return "geofence-enter";
    case 6: return "geofence-exit";
    case 7: return "tow";
    case 8: case 10: return "vibration";
    case 21: return "jamming";
    case 23: return "power-restored";
    case 24: return "low-power";
    default: return NULL;
    }
}

/* Speed (4 BCD digits, x0.1 km/h) and course (u16be) at `at` into rec. */
static void speed_course(const struct trk_rd *b, size_t at, struct trk_record *rec)
{
    uint64_t sp, co;
    if (rd_peek_be(b, at, 2, &sp) && bcd_ok(b, at, 2)) {
        rec->has |= TRK_R_SPEED;
        rec->speed = (bcd2((int)(sp >> 8)) * 100 + bcd2((int)(sp & 0xFF))) / 10.0;
    }
    if (rd_peek_be(b, at + 2, 2, &co) && co <= 360) {
        rec->has |= TRK_R_COURSE;
        rec->course = (double)co;
    }
}

/* Position body.  `b` is a reader over the body only.
 * Not "''": intervals and compensations (7 bytes), signal u16, status u8 (offset 9), g-sensor,
 * flags, heartbeat, relay u8, drag alarm u16, IO u16, [0x13/0x14: output u8, reserved u8],
 * ADCs ("&&": none, 0x02/0x04: 2, 0x13/0x14: 5, u16 each), alarm u8, reserved u8, odometer
 * u32be, battery level BCD u8, then the time.  "''": status u8, alarm u8, then the time.
 * Status bit 6 = GPS data follow (else cell data), bit 7 = the fix is not valid. */
static void decode_position(struct trk_rd *b, int hdr, int type, struct trk_msg *m)
{
    size_t cand[3];
    size_t nc = 0, status_at = 9;
    bool t2 = type == 0x13 || type == 0x14;
    if (hdr == 0x27) { cand[nc++] = 2; status_at = 0; }
    else if (hdr == 0x26) cand[nc++] = t2 ? 27 : 25;
    else if (t2) { cand[nc++] = 37; cand[nc++] = 36; }
    else cand[nc++] = 29;

    int st = rd_peek(b, status_at);
    bool gps = st >= 0 && (st & 0x40);
    bool lbs = st >= 0 && !gps;
    if (st >= 0) msg_field_str(m, "status", "0x%02X", (unsigned)st);
    if (hdr != 0x27) {
        uint64_t io;
        if (rd_peek_be(b, 16, 2, &io)) {
            msg_field_bool(m, "ignition", (io >> 14) & 1);
            msg_field_str(m, "io", "0x%04X", (unsigned)io);
        }
    }
    size_t at = SIZE_MAX;
    for (size_t i = 0; i < nc && at == SIZE_MAX; i++)
        if (fix_at(b, cand[i], !lbs)) at = cand[i];
    for (size_t i = 0; at == SIZE_MAX && i + 6 <= b->n; i++)     /* other layouts */
        if (fix_at(b, i, !lbs)) at = i;
    if (at == SIZE_MAX) {
        msg_field_str(m, "position", "none");
        return;
    }
    int alarm = hdr == 0x27 ? rd_peek(b, 1) : (at >= 7 ? rd_peek(b, at - 7) : -1);
    if (alarm > 0) {
        const char *nm = alarm_name(alarm);
        if (nm) msg_field_str(m, "alarm", "%s", nm);
        else msg_field_str(m, "alarm", "0x%02X", (unsigned)alarm);
    }
    if (hdr != 0x27 && at >= 7) {
        uint64_t odo;
        if (rd_peek_be(b, at - 5, 4, &odo)) msg_field_int(m, "odometer", (int64_t)odo);
        int bat = rd_peek(b, at - 1);
        if (bat >= 0 && bcd_ok(b, at - 1, 1))
            msg_field_int(m, "battery_level", bcd2(bat) ? bcd2(bat) : 100);
    }
    struct trk_record *rec = msg_add_record(m);
    if (!rec) return;
    rec->has = TRK_R_TIME | TRK_R_VALID;
    rec->time_ms = bcd_time_at(b, at) * 1000;
    rec->valid = gps && !(st & 0x80);
    if (st >= 0) {
        rec->has |= TRK_R_SATS;
        rec->sats = st & 0x1F;
    }
    if (lbs) {
        struct trk_rd c = *b;
        c.off = at + 6;
        uint16_t mcc = rd_le16(&c), mnc = rd_le16(&c);
        uint16_t lac = rd_le16(&c), ci = rd_le16(&c);
        if (!c.err && mcc != 0xFFFF && mnc != 0xFFFF) {
            msg_field_int(m, "mcc", mcc);
            msg_field_int(m, "mnc", mnc);
            msg_field_int(m, "lac", lac);
            msg_field_int(m, "cell_id", ci);
        }
        return;
    }
    bool ok = true;
    rec->alt = f32le_at(b, at + 6, &ok);
    rec->lon = f32le_at(b, at + 10, &ok);
    rec->lat = f32le_at(b, at + 14, &ok);
    rec->has |= TRK_R_POS | TRK_R_ALT;
    speed_course(b, at + 18, rec);
}

/* "&&" 0x05 / 0x06 driving behaviour: behaviour code, then samples of time, [0x06: status u8
 * (bit 7 = fix not valid) and 5 acceleration bytes], altitude, longitude, latitude (float32le),
 * speed (4 BCD digits x0.1 km/h), course u16be, rpm u16be.  0x05 carries two samples. */
static void decode_behaviour(struct trk_rd *b, int type, struct trk_msg *m)
{
    int code = rd_peek(b, 0);
    size_t extra = type == 0x06 ? 6 : 0, step = 24 + extra;
    if (code >= 0) msg_field_int(m, "behaviour", code);
    for (size_t at = 1; at + step <= b->n; at += step) {
        int64_t t = bcd_time_at(b, at);
        if (t < 0) continue;
        struct trk_record *rec = msg_add_record(m);
        if (!rec) return;
        rec->has = TRK_R_TIME;
        rec->time_ms = t * 1000;
        size_t f = at + 6 + extra;
        bool ok = true;
        double alt = f32le_at(b, f, &ok), lon = f32le_at(b, f + 4, &ok);
        double lat = f32le_at(b, f + 8, &ok);
        if (ok && fabs(lat) <= 90 && fabs(lon) <= 180) {
            int st = extra ? rd_peek(b, at + 6) : 0;
            rec->has |= TRK_R_POS | TRK_R_ALT | TRK_R_VALID;
            rec->valid = st >= 0 && !(st & 0x80);
            rec->lat = lat;
            rec->lon = lon;
            rec->alt = alt;
            speed_course(b, f + 12, rec);
        }
        uint64_t rpm;
        if (at == 1 && rd_peek_be(b, f + 16, 2, &rpm)) msg_field_int(m, "rpm", (int64_t)rpm);
    }
}

/* A u8-length string; `wide` = UTF-16LE (non-ASCII code units become '.'). */
static void lstr_field(struct trk_rd *b, struct trk_msg *m, const char *key, bool wide)
{
    char buf[TFT_TEXT_MAX + 1];
    uint8_t k = rd_u8(b);
    const uint8_t *s = rd_span(b, k);
    if (!s) return;
    struct trk_rd v;
    rd_init(&v, s, k);
    size_t o = 0;
    if (wide) {
        while (rd_left(&v) >= 2 && o < TFT_TEXT_MAX) {
            uint16_t c = rd_le16(&v);
            buf[o++] = (c >= 0x20 && c < 0x7F) ? (char)c : '.';
        }
        buf[o] = 0;
    } else {
        rd_str(&v, k, buf, sizeof buf);
    }
    msg_field_str(m, key, "%s", buf);
}

static void decode_network(struct trk_rd *b, struct trk_msg *m)
{
    int64_t t = bcd_time_at(b, 0);
    if (t >= 0) {
        struct trk_record *rec = msg_add_record(m);
        if (rec) {
            rec->has = TRK_R_TIME;
            rec->time_ms = t * 1000;
        }
    }
    rd_skip(b, 6);
    lstr_field(b, m, "operator", true);
    lstr_field(b, m, "access_technology", false);
    lstr_field(b, m, "band", false);
    lstr_field(b, m, "imsi", false);
    lstr_field(b, m, "iccid", false);
    if (b->err) msg_truncated(m, b);
}

static void hex_rest(struct trk_rd *b, struct trk_msg *m, const char *key)
{
    size_t k = rd_left(b);
    if (k > 256) k = 256;
    const uint8_t *s = rd_span(b, k);
    const char *hx = s && k ? msg_hex(m, s, k) : NULL;
    if (hx) msg_field_str(m, key, "%s", hx);
}

static void decode_reply_text(struct trk_rd *b, struct trk_msg *m)
{
    char buf[TFT_TEXT_MAX + 1];
    size_t o = 0;
    int enc = rd_peek(b, 0);
    if (enc == 0x01 || enc == 0x00) {
        rd_skip(b, 1);
        msg_field_int(m, "encoding", enc);
    }
    bool wide = enc == 0x01;
    while (rd_left(b) > 0 && o < TFT_TEXT_MAX) {
        uint16_t c = wide ? rd_le16(b) : rd_u8(b);
        if (b->err) break;
        if (c == 0) continue;
        buf[o++] = (c >= 0x20 && c < 0x7F) ? (char)c : '.';
    }
    buf[o] = 0;
    msg_field_str(m, "text", "%s", buf);
}

static void tft_decode(struct trk_rd *rd, enum trk_dir d, struct trk_state *st, struct trk_msg *m)
{
    size_t n = rd_left(rd);
    uint8_t h0 = rd_u8(rd), h1 = rd_u8(rd);
    uint8_t type = rd_u8(rd);
    uint16_t L = rd_be16(rd);
    uint16_t serial = rd_be16(rd);
    m->type = "unknown";
    if (rd->err) { msg_truncated(m, rd); return; }
    if (!is_header(h0, h1)) {
        msg_malformed_at(m, 0, 2, "bad header bytes 0x%02X%02X", h0, h1);
        return;
    }
    char imei[20];
    size_t nd = rd_bcd(rd, 8, imei, sizeof imei);
    if (rd->err) { msg_truncated(m, rd); return; }
    if (nd == 16) {
        const char *id = imei[0] == '0' ? imei + 1 : imei;
        msg_set_imei(m, id);
        msg_field_str(m, "imei", "%s", id);
    } else {
        msg_malformed_at(m, 7, 8, "imei field is not 16 decimal digits");   /* after header, type, length, serial */
    }
    msg_field_str(m, "header", "%c%c", h0, h1);
    msg_field_str(m, "message_type", "0x%02X", type);
    msg_field_int(m, "serial", serial);
    if (L != n) msg_length_mismatch(m, L, n, 3, 2);
    size_t blen = (L >= TFT_HDR && L < n ? L : n) - TFT_HDR;   /* n >= TFT_HDR here */
    struct trk_rd b = rd_sub(rd, blen);
    uint32_t key = (uint32_t)type << 16 | serial;

    if (d == TRK_DOWN) {
        if (n <= 16) {
            m->type = "ack";
            m->is_reply.set = true;
            m->is_reply.key = key;
            m->is_reply.accept = true;
            if (rd_left(&b)) msg_field_str(m, "alarm", "0x%02X", rd_u8(&b));
            return;
        }
        m->type = "command";
        decode_reply_text(&b, m);
        return;
    }

    if (type != 0x81) {
        m->want_reply.set = true;
        m->want_reply.key = key;
    }
    switch (type) {
    case 0x01:
        m->type = "login";
        hex_rest(&b, m, "version");
        break;
    case 0x03:
        m->type = "heartbeat";
        hex_rest(&b, m, "data");
        break;
    case 0x02: case 0x13:
        m->type = "position";
        decode_position(&b, h0, type, m);
        break;
    case 0x04: case 0x14:
        m->type = "alarm";
        decode_position(&b, h0, type, m);
        break;
    case 0x05: case 0x06:
        if (h0 == 0x26) {
            m->type = "event";
            decode_behaviour(&b, type, m);
        } else if (type == 0x06) {
            msg_unsupported_at(m, 2, 1, "unsupported message type 0x06");
        } else {
            m->type = "info";
            decode_network(&b, m);
        }
        break;
    case 0x11:
        m->type = "info";
        decode_network(&b, m);
        break;
    case 0x10: {
        m->type = "ble";
        int64_t t = bcd_time_at(&b, 0);
        if (t >= 0) {
            struct trk_record *rec = msg_add_record(m);
            if (rec) {
                rec->has = TRK_R_TIME;
                rec->time_ms = t * 1000;
            }
            rd_skip(&b, 6);
        }
        hex_rest(&b, m, "data");
        break;
    }
    case 0x81:
        m->type = "command-reply";
        decode_reply_text(&b, m);
        break;
    default:
        msg_unsupported_at(m, 2, 1, "unsupported message type 0x%02X", type);
        break;
    }
}

static const uint16_t tft_ports[] = { 5094, 0 };
static const char *const tft_aliases[] = { "t800x", NULL };

const struct dissector dissector_topflytech = {
    .name = "topflytech",
    .title = "Topflytech (T880x, TLW, TLD, TLP; ##/%%/&&/'' headers)",
    .aliases = tft_aliases,
    .ports = tft_ports,
    .transports = TRK_TCP | TRK_UDP,
    .probe = tft_probe,
    .frame = tft_frame,
    .decode = tft_decode,
};
