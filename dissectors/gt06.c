/* gt06.c: the GT06 / Concox / Jimi IoT family (0x7878 short and 0x7979 long
 * frames, CRC-16/X-25): framing with the length quirks real devices have,
 * login, locations, status/heartbeat, alarms, LBS and WiFi reports, command
 * replies, information packets, and the server's answers and commands.
 *
 * Frame: start (2) | length (1 or 2) | protocol (1) | content | serial (2) |
 * CRC (2) | 0D 0A.  The length counts protocol .. CRC; the CRC covers length ..
 * serial.  Vendors reuse protocol numbers with other layouts, so the decoders
 * below read the part of each layout that is certain and show the rest raw. */
#include <stdio.h>
#include <string.h>

#include "crc.h"
#include "dissect.h"
#include "fieldset.h"
#include "strutil.h"

#define HDR_SHORT 0x7878
#define HDR_LONG  0x7979
#define STOP      0x0D0A
#define SCAN_MAX  4096      /* how far frame() looks for 0D 0A when the length is wrong */
#define CRC_TRIES 8         /* CRC checks per frame() call on early 0D 0A candidates */
#define STR_MAX (TEXT_MAX + 7)   /* longest string field */
#define HEX_MAX (TEXT_MAX / 2)   /* most bytes shown as hex */
#define TXT_SHOWN (TEXT_MAX + 7)   /* longest text field */
#define TXT_FLAGS (FIELD_TEXT_TRIM)
#define TEXT_MAX  1024      /* longest text or hex shown in one field */

/* ------------------------------------------------------------------ helpers */

static bool is_start_at(const struct trk_rd *r, size_t at)
{
    unsigned v;
    return rd_peek_be16(r, at, &v) && (v == HDR_SHORT || v == HDR_LONG);
}

static bool is_stop_at(const struct trk_rd *r, size_t at)
{
    unsigned v;
    return rd_peek_be16(r, at, &v) && v == STOP;
}

/* CRC-16/X-25 of a frame [0, end) whose stop bytes sit at `end`: the CRC field
 * is the u16 before them and covers [2, end - 2). */
static bool crc_holds(const struct trk_rd *r, size_t hl, size_t end)
{
    unsigned field;
    if (end < 2 + hl + 1 + 4) return false;
    const uint8_t *s = rd_peek_span(r, 2, end - 4);
    if (!s || !rd_peek_be16(r, end - 2, &field)) return false;
    return crc16_x25(s, end - 4) == field;
}

/* bytes as text into buf: control bytes become '.', trailing NUL padding,
 * blanks and line ends are dropped; returns the length */
static size_t text_of(const uint8_t *p, size_t n, char *buf, size_t sz)
{
    size_t o = 0, keep = 0;
    struct trk_rd r;
    rd_init(&r, p, n);
    while (rd_left(&r) && o + 1 < sz) {
        unsigned b = rd_u8(&r);
        buf[o++] = (b >= 0x20 && b < 0x7f) ? (char)b : '.';
        if (b != 0 && b != ' ' && b != '\r' && b != '\n') keep = o;   /* padding and line ends drop */
    }
    buf[keep] = 0;
    return keep;
}

/* true when every byte is printable ASCII (CR, LF and tab allowed), NULs
 * only as trailing padding, and there is at least one character */
static bool printable(const uint8_t *p, size_t n)
{
    struct trk_rd r;
    size_t chars = 0;
    bool pad = false;
    rd_init(&r, p, n);
    while (rd_left(&r)) {
        unsigned b = rd_u8(&r);
        if (b == 0) { pad = true; continue; }
        if (pad) return false;
        if (!((b >= 0x20 && b < 0x7f) || b == '\r' || b == '\n' || b == '\t')) return false;
        chars++;
    }
    return chars > 0;
}

static void rest_hex(struct trk_msg *m, struct trk_rd *c, const char *key)
{
    size_t k = rd_left(c);
    if (k) field_hex(m, key, rd_span(c, k), k, HEX_MAX);
}

/* ------------------------------------------------------------- time, fixes */

static bool date_ok(unsigned mo, unsigned d, unsigned h, unsigned mi, unsigned s)
{
    return mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h < 24 && mi < 60 && s < 60;
}

/* six binary bytes YY MM DD hh mm ss at window offset `at` form a date */
static bool date_at(const struct trk_rd *c, size_t at)
{
    int t[6];
    for (int i = 0; i < 6; i++)
        if ((t[i] = rd_peek(c, at + (size_t)i)) < 0) return false;
    return date_ok((unsigned)t[1], (unsigned)t[2], (unsigned)t[3], (unsigned)t[4], (unsigned)t[5]);
}

/* a GPS block starts at `at`: a date, then the info byte whose high nibble is
 * the GPS information length (12) */
static bool gps_at(const struct trk_rd *c, size_t at)
{
    int info = rd_peek(c, at + 6);
    return date_at(c, at) && info >= 0 && (info >> 4) == 0xC;
}

/* 8 bytes of BCD with a leading 0 nibble (an IMEI) at `at` */
static bool imei_at(const struct trk_rd *c, size_t at)
{
    for (size_t i = 0; i < 8; i++) {
        int b = rd_peek(c, at + i);
        if (b < 0 || (b >> 4) > 9 || (b & 15) > 9) return false;
        if (i == 0 && (b >> 4) != 0) return false;
    }
    return true;
}

/* seconds since the epoch from YY MM DD hh mm ss (UTC, a local copy), or -1 */
static int64_t ymdhms(const uint8_t *t)
{
    if (!date_ok(t[1], t[2], t[3], t[4], t[5])) return -1;
    return trk_timegm(2000 + t[0], t[1], t[2], t[3], t[4], t[5]);
}

/* a 6-byte YY MM DD hh mm ss field as text (binary, or BCD when `bcd`) */
static void f_time6(struct trk_msg *m, const char *key, const uint8_t *t, bool bcd)
{
    uint8_t raw[6], v[6];
    struct trk_rd r;
    rd_init(&r, t, 6);
    if (!rd_bytes(&r, raw, 6)) return;
    for (int i = 0; i < 6; i++) v[i] = bcd ? (uint8_t)((raw[i] >> 4) * 10 + (raw[i] & 15)) : raw[i];
    int64_t s = ymdhms(v);
    if (s < 0) { field_hex(m, key, raw, 6, HEX_MAX); return; }
    char buf[64];
    fmt_time_ms((int64_t)s * 1000, buf, sizeof buf);
    field_str(m, key, STR_MAX, "%s", buf);
}

static bool all_bcd(const uint8_t *t, size_t n)
{
    struct trk_rd r;
    rd_init(&r, t, n);
    while (rd_left(&r)) {
        unsigned b = rd_u8(&r);
        if ((b >> 4) > 9 || (b & 15) > 9) return false;
    }
    return !r.err;
}

/* ------------------------------------------------------------- the decoder */

struct g6 {
    struct trk_msg *m;
    enum trk_dir dir;
    bool ext;             /* 0x7979 frame */
    unsigned proto;
    bool has_serial;
    unsigned serial;
};

/* frame offset of the protocol number: after the start bytes and the length field */
static size_t proto_off(const struct g6 *x) { return x->ext ? 4 : 3; }

enum { G_SATS = 1, G_SPEED = 2 };

/* The common GPS block: time (6), [info: GPS length/satellites (1)], latitude and
 * longitude (u32, 1/1800000 degree), [speed km/h (1)], course/status (2). */
static struct trk_record *gps_block(struct g6 *x, struct trk_rd *c, unsigned opt)
{
    struct trk_msg *m = x->m;
    uint8_t t[6];
    rd_bytes(c, t, 6);
    unsigned info = (opt & G_SATS) ? rd_u8(c) : 0;
    uint32_t lat = rd_be32(c), lon = rd_be32(c);
    unsigned speed = (opt & G_SPEED) ? rd_u8(c) : 0;
    unsigned flags = rd_be16(c);
    if (c->err) return NULL;
    struct trk_record *r = msg_add_record(m);
    if (!r) return NULL;
    int64_t s = ymdhms(t);
    if (s >= 0) { r->time_ms = s * 1000; r->has |= TRK_R_TIME; }
    else field_hex(m, "gps_time_raw", t, 6, HEX_MAX);
    r->lat = lat / 1800000.0;
    r->lon = lon / 1800000.0;
    if (!(flags & 0x0400)) r->lat = -r->lat;      /* bit 10: north */
    if (flags & 0x0800) r->lon = -r->lon;         /* bit 11: west */
    if (r->lat >= -90 && r->lat <= 90 && r->lon >= -180 && r->lon <= 180) r->has |= TRK_R_POS;
    else field_str(m, "position_invalid", STR_MAX, "%u,%u", lat, lon);
    r->course = flags & 0x3FF;
    r->valid = (flags & 0x1000) != 0;             /* bit 12: fixed */
    r->has |= TRK_R_COURSE | TRK_R_VALID;
    if (opt & G_SATS) { r->sats = (int)(info & 15); r->has |= TRK_R_SATS; }
    if (opt & G_SPEED) { r->speed = speed; r->has |= TRK_R_SPEED; }
    if (flags & 0x4000) field_bool(m, "acc", (flags & 0x8000) != 0);
    return r;
}

static void gps_std(struct g6 *x, struct trk_rd *c) { (void)gps_block(x, c, G_SATS | G_SPEED); }

/* One cell: MCC (2; bit 15 = MNC is 2 bytes), MNC (1|2), LAC, cell id. */
static void lbs_block(struct g6 *x, struct trk_rd *c, size_t lac_w, size_t cid_w, bool mnc16)
{
    unsigned mcc = rd_be16(c);
    unsigned mnc = (mnc16 || (mcc & 0x8000)) ? rd_be16(c) : rd_u8(c);
    uint64_t lac = rd_be(c, lac_w), cid = rd_be(c, cid_w);
    if (c->err) return;
    field_int(x->m, "mcc", mcc & 0x7FFF);
    field_int(x->m, "mnc", mnc);
    field_int(x->m, "lac", (int64_t)lac);
    field_int(x->m, "cell_id", (int64_t)cid);
}

static size_t lbs_size(const struct trk_rd *c, size_t lac_w, size_t cid_w)
{
    unsigned mcc = 0;
    (void)rd_peek_be16(c, c->off, &mcc);
    return 2 + ((mcc & 0x8000) ? 2 : 1) + lac_w + cid_w;
}

/* MCC/MNC then `count` neighbour cells (LAC w, cell id w, signal 1) as one field */
static void cells_block(struct g6 *x, struct trk_rd *c, size_t count, size_t lac_w, size_t cid_w)
{
    struct trk_msg *m = x->m;
    char buf[TEXT_MAX];
    size_t o = 0;
    unsigned mcc = rd_be16(c);
    unsigned mnc = (mcc & 0x8000) ? rd_be16(c) : rd_u8(c);
    buf[0] = 0;
    for (size_t i = 0; i < count && !c->err; i++) {
        uint64_t lac = rd_be(c, lac_w), cid = rd_be(c, cid_w);
        unsigned sig = rd_u8(c);
        if (c->err || lac == 0) continue;
        int k = snprintf(buf + o, sizeof buf - o, "%s%llu:%llu:%u", o ? ";" : "",
                         (unsigned long long)lac, (unsigned long long)cid, sig);
        if (k > 0 && (size_t)k < sizeof buf - o) o += (size_t)k;
    }
    if (c->err) return;
    field_int(m, "mcc", mcc & 0x7FFF);
    field_int(m, "mnc", mnc);
    if (o) field_str(m, "cells", STR_MAX, "%s", buf);
}

/* n WiFi access points: [skip] MAC (6) [signal (1)] as one field */
static void wifi_list(struct g6 *x, struct trk_rd *c, size_t count, size_t skip, bool sig)
{
    char buf[TEXT_MAX];
    size_t o = 0;
    buf[0] = 0;
    for (size_t i = 0; i < count; i++) {
        uint8_t mac[6];
        rd_skip(c, skip);
        bool ok = rd_bytes(c, mac, 6);
        unsigned s = sig ? rd_u8(c) : 0;
        if (!ok || c->err) return;
        int k = snprintf(buf + o, sizeof buf - o, "%s%02x:%02x:%02x:%02x:%02x:%02x", o ? ";" : "",
                         mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
        if (k > 0 && (size_t)k < sizeof buf - o) o += (size_t)k;
        if (sig) {
            k = snprintf(buf + o, sizeof buf - o, "/%u", s);
            if (k > 0 && (size_t)k < sizeof buf - o) o += (size_t)k;
        }
    }
    field_int(x->m, "wifi_count", (int64_t)count);
    if (o) field_str(x->m, "wifi", STR_MAX, "%s", buf);
}

static const char *alarm_name(unsigned a)
{
    switch (a) {
    case 0x00: return "normal";
    case 0x01: return "sos";
    case 0x02: return "power-cut";
    case 0x03: return "vibration";
    case 0x04: return "geofence-enter";
    case 0x05: return "geofence-exit";
    case 0x06: return "overspeed";
    case 0x09: return "moving";
    case 0x0A: return "gps-blind-enter";
    case 0x0B: return "gps-blind-exit";
    case 0x0C: return "power-on";
    case 0x0D: return "gps-first-fix";
    case 0x0E: return "external-battery-low";
    case 0x0F: return "low-battery-protection";
    case 0x10: return "sim-changed";
    case 0x11: return "power-off";
    case 0x12: return "airplane-mode";
    case 0x13: return "tamper";
    case 0x14: return "door";
    case 0x19: return "internal-battery-low";
    case 0x29: return "harsh-acceleration";
    case 0x2A: return "sharp-left-turn";
    case 0x2B: return "sharp-right-turn";
    case 0x2C: return "collision";
    case 0x30: return "harsh-braking";
    case 0xFE: return "acc-on";
    case 0xFF: return "acc-off";
    default: return NULL;
    }
}

static void f_alarm(struct trk_msg *m, unsigned a)
{
    const char *nm = alarm_name(a);
    if (nm) field_str(m, "alarm", STR_MAX, "%s", nm);
    else field_str(m, "alarm", STR_MAX, "0x%02X", a);
}

/* terminal information byte of the status blocks */
static void terminal_info(struct g6 *x, unsigned ti)
{
    static const char *const st[8] = {"normal", "vibration", "power-cut", "low-battery", "sos",
                                      "5", "6", "7"};
    struct trk_msg *m = x->m;
    field_str(m, "terminal_info", STR_MAX, "0x%02X", ti);
    field_bool(m, "armed", ti & 0x01);
    field_bool(m, "acc", (ti & 0x02) != 0);
    field_bool(m, "charging", (ti & 0x04) != 0);
    field_str(m, "status_alarm", STR_MAX, "%s", st[(ti >> 3) & 7]);
    field_bool(m, "gps_tracking", (ti & 0x40) != 0);
    field_bool(m, "fuel_cut", (ti & 0x80) != 0);
}

static void f_language(struct trk_msg *m, unsigned lang)
{
    if (lang == 1) field_str(m, "language", STR_MAX, "chinese");
    else if (lang == 2) field_str(m, "language", STR_MAX, "english");
    else field_int(m, "language", lang);
}

/* terminal info, voltage level, GSM signal, alarm, language (5 bytes) */
static void status_block(struct g6 *x, struct trk_rd *c, bool alarm_always)
{
    unsigned ti = rd_u8(c), volt = rd_u8(c), gsm = rd_u8(c), alarm = rd_u8(c), lang = rd_u8(c);
    if (c->err) return;
    terminal_info(x, ti);
    field_int(x->m, "voltage_level", volt);
    field_int(x->m, "gsm_signal", gsm);
    if (alarm_always || alarm) f_alarm(x->m, alarm);
    f_language(x->m, lang);
}

/* what follows GPS + LBS in location packets: ACC, upload mode, re-upload
 * [, mileage], or mileage alone; anything else is shown raw */
static void loc_tail(struct g6 *x, struct trk_rd *c)
{
    size_t k = rd_left(c);
    if (k == 3 || k == 7) {
        field_bool(x->m, "acc", rd_u8(c) != 0);
        field_int(x->m, "upload_mode", rd_u8(c));
        field_bool(x->m, "reupload", rd_u8(c) != 0);
        if (k == 7) field_int(x->m, "mileage", rd_be32(c));
    } else if (k == 4) {
        field_int(x->m, "mileage", rd_be32(c));
    }
    rest_hex(x->m, c, "extra");
}


/* "0xID=hexvalue" of one module appended to buf (";"-separated); returns the new length */
static size_t module_text(char *buf, size_t cap, size_t o, unsigned id, struct trk_rd *vr, size_t len)
{
    int k = snprintf(buf + o, cap - o, "%s0x%04X=", o ? ";" : "", id);
    if (k > 0 && (size_t)k < cap - o) o += (size_t)k;
    for (size_t i = 0; i < len && o + 3 < cap; i++) {
        k = snprintf(buf + o, cap - o, "%02x", rd_u8(vr));
        if (k > 0) o += (size_t)k;
    }
    return o;
}

/* type-length-value modules (u16 id, length of `lw` bytes) gathered into one
 * "modules" field as id=hex pairs; a module running past the content leaves
 * the reader failed (truncated) */
static void modules(struct g6 *x, struct trk_rd *c, size_t lw)
{
    struct trk_msg *m = x->m;
    char buf[TEXT_MAX];
    size_t o = 0;
    buf[0] = 0;
    while (rd_left(c) >= 2 + lw) {
        unsigned id = rd_be16(c);
        size_t len = (size_t)rd_be(c, lw);
        const uint8_t *v = rd_span(c, len);
        if (!v) break;
        struct trk_rd vr;
        rd_init(&vr, v, len);
        o = module_text(buf, sizeof buf, o, id, &vr, len);
    }
    if (o) field_str(m, "modules", STR_MAX, "%s", buf);
    rest_hex(m, c, "extra");
}

/* an IMEI carried inside a packet (8 BCD bytes, leading 0 nibble): shown and
 * taken as the message's device identity */
static void imei_field(struct g6 *x, struct trk_rd *c)
{
    char s[17];
    rd_bcd(c, 8, s, sizeof s);
    if (c->err || s[0] != '0' || !s[1]) return;
    field_str(x->m, "imei", STR_MAX, "%s", s + 1);
    msg_set_imei(x->m, s + 1);
}

/* Text length of command/reply content after the length byte and server flag:
 * the length byte counts the server flag and the text (the documents), or the
 * text alone (some servers); what is left after the text is nothing or the
 * language word.  Otherwise the text runs to the language word. */
static size_t text_len(unsigned blen, size_t left)
{
    if (blen >= 4 && blen - 4 <= left && (left - (blen - 4) == 0 || left - (blen - 4) == 2)) return blen - 4;
    if (blen <= left && (left - blen == 0 || left - blen == 2)) return blen;
    return left >= 2 ? left - 2 : left;
}

/* ----------------------------------------------------------- uplink types */

static void up_login(struct g6 *x, struct trk_rd *c)
{
    struct trk_msg *m = x->m;
    uint8_t id[8];
    m->type = "login";
    if (!rd_bytes(c, id, 8)) return;
    char imei[17];
    static const char hx[] = "0123456789abcdef";
    for (int i = 0; i < 8; i++) { imei[2 * i] = hx[id[i] >> 4]; imei[2 * i + 1] = hx[id[i] & 15]; }
    imei[16] = 0;
    const char *s = imei[0] == '0' ? imei + 1 : imei;
    msg_set_imei(m, s);
    field_str(m, "imei", STR_MAX, "%s", s);
    if (rd_left(c) >= 2) field_str(m, "model_code", STR_MAX, "0x%04X", rd_be16(c));
    if (rd_left(c) >= 2) {
        unsigned tz = rd_be16(c);
        unsigned v = tz >> 4;
        field_str(m, "timezone", STR_MAX, "%c%02u:%02u", (tz & 0x08) ? '-' : '+', v / 100, v % 100);
    }
    rest_hex(m, c, "extra");
}

/* 0x12 / 0x10 / 0x11 / 0x2D and kin: [IMEI] GPS, LBS, tail */
static void up_gps_lbs(struct g6 *x, struct trk_rd *c, size_t lac_w, size_t cid_w, bool mnc16, bool lbs)
{
    struct trk_msg *m = x->m;
    m->type = "position";
    /* some firmware (QH302R) put the IMEI before the GPS block */
    if (!date_at(c, 0) && rd_left(c) >= 8 + 18 && imei_at(c, 0) && date_at(c, 8)) imei_field(x, c);
    gps_std(x, c);
    if (lbs && rd_left(c) >= lbs_size(c, lac_w, cid_w)) lbs_block(x, c, lac_w, cid_w, mnc16);
    loc_tail(x, c);
}

/* 0x11: the GT03 documents call it an LBS packet; most devices send GPS + LBS */
static void up_0x11(struct g6 *x, struct trk_rd *c)
{
    if (rd_left(c) >= 18 && date_at(c, 0)) {
        up_gps_lbs(x, c, 2, 4, true, true);
        return;
    }
    x->m->type = "lbs";
    if (rd_left(c) >= lbs_size(c, 2, 3)) lbs_block(x, c, 2, 3, false);
    rest_hex(x->m, c, "extra");
}

/* NT/XT models: location source (1), IMEI (8), device time (6) before the GPS block */
static bool nt_prefix(struct g6 *x, struct trk_rd *c)
{
    if (date_at(c, 0) || rd_left(c) < 15 + 18 || !imei_at(c, 1) || !date_at(c, 9) || !date_at(c, 15))
        return false;
    struct trk_msg *m = x->m;
    field_int(m, "location_source", rd_u8(c));
    imei_field(x, c);
    const uint8_t *t = rd_span(c, 6);
    if (t) f_time6(m, "device_time", t, false);
    return true;
}

static void up_0x22(struct g6 *x, struct trk_rd *c)
{
    if (nt_prefix(x, c)) {
        x->m->type = "position";
        gps_std(x, c);
        rest_hex(x->m, c, "extra");
        return;
    }
    up_gps_lbs(x, c, 2, 3, false, true);
}

/* Does an LBS part of `d` bytes at the cursor have a known shape?  MCC (2),
 * MNC (1, or 2 when MCC bit 15 is set), then LAC and cell id of the preferred
 * widths or of one of the others vendors use. */
static bool lbs_fits(const struct trk_rd *c, size_t d, size_t pl, size_t pc, size_t *lw, size_t *cw)
{
    static const uint8_t shapes[3][2] = {{2, 3}, {2, 4}, {4, 8}};
    unsigned mcc;
    if (!rd_peek_be16(c, c->off, &mcc)) return false;
    size_t w = (mcc & 0x8000) ? 2 : 1;
    if (d < 2 + w) return false;
    size_t r = d - 2 - w;
    if (r == pl + pc) { *lw = pl; *cw = pc; return true; }
    for (size_t i = 0; i < 3; i++)
        if (r == (size_t)shapes[i][0] + shapes[i][1]) { *lw = shapes[i][0]; *cw = shapes[i][1]; return true; }
    return false;
}

/* 0x16 / 0x26 / 0x27 / 0xA3 / 0xA4: GPS, LBS with a length byte, status
 * (terminal info, voltage, GSM, alarm, language), then `after` bytes (the
 * fence number of 0x27/0xA4).  The length byte is not reliable (with or
 * without itself, 0 for no cell, absent on some models), so the LBS part is
 * sized from the bytes left where that gives a known shape. */
static void up_alarm(struct g6 *x, struct trk_rd *c, size_t pl, size_t pc, size_t after)
{
    struct trk_msg *m = x->m;
    size_t lw = pl, cw = pc;
    m->type = "alarm";
    gps_std(x, c);
    if (rd_left(c) == lbs_size(c, pl, pc) + 5 + after) {
        /* no length byte; status = terminal info, power voltage (2), GSM, alarm extension */
        lbs_block(x, c, pl, pc, false);
        unsigned ti = rd_u8(c), pw = rd_be16(c), gsm = rd_u8(c), ext = rd_u8(c);
        if (c->err) return;
        terminal_info(x, ti);
        field_num(m, "power_voltage", pw / 100.0);
        field_int(m, "gsm_signal", gsm);
        if (ext) f_alarm(m, ext);
        rest_hex(m, c, "extra");
        return;
    }
    unsigned blen = rd_u8(c);
    if (c->err) return;
    size_t rem = rd_left(c);
    size_t avail = rem >= 5 + after ? rem - 5 - after : 0;
    size_t d = avail;
    bool fits = false;
    if (blen == 0) {
        fits = false;                     /* no cell: skip what is there */
    } else if (lbs_fits(c, avail, pl, pc, &lw, &cw)) {
        fits = true;
    } else if (blen >= 1 && blen - 1 + 5 <= rem && lbs_fits(c, blen - 1, pl, pc, &lw, &cw)) {
        d = blen - 1;
        fits = true;
    } else if (blen + 5 <= rem && lbs_fits(c, blen, pl, pc, &lw, &cw)) {
        d = blen;
        fits = true;
    }
    struct trk_rd l = rd_sub(c, d);
    if (fits) lbs_block(x, &l, lw, cw, false);
    else if (blen) rest_hex(m, &l, "lbs_raw");
    status_block(x, c, true);
    if (after && rd_left(c) >= 1) field_int(m, "geofence", rd_u8(c));
    rest_hex(m, c, "extra");
}

/* 0x19: LBS + status (alarm); other lengths are multi-cell reports */
static void up_0x19(struct g6 *x, struct trk_rd *c)
{
    struct trk_msg *m = x->m;
    size_t ls = lbs_size(c, 2, 3);
    if (rd_left(c) == ls + 5) {
        m->type = "alarm";
        lbs_block(x, c, 2, 3, false);
        status_block(x, c, true);
        return;
    }
    m->type = "lbs";
    if (date_at(c, 0)) {
        const uint8_t *t = rd_span(c, 6);
        if (t) f_time6(m, "time", t, false);
    }
    rest_hex(m, c, "extra");
}

/* 0x13 status/heartbeat */
static void up_status(struct g6 *x, struct trk_rd *c)
{
    struct trk_msg *m = x->m;
    size_t k = rd_left(c);
    m->type = "heartbeat";
    if (k == 5 || k == 4) {
        unsigned ti = rd_u8(c), volt = rd_u8(c), gsm = rd_u8(c);
        terminal_info(x, ti);
        field_int(m, "voltage_level", volt);
        field_int(m, "gsm_signal", gsm);
        if (k == 5) {
            unsigned alarm = rd_u8(c), lang = rd_u8(c);
            if (alarm) f_alarm(m, alarm);
            f_language(m, lang);
        } else {
            field_str(m, "alarm_language", STR_MAX, "0x%02X", rd_u8(c));
        }
        return;
    }
    if (k == 6) {   /* with a 2-byte alarm/language word and an extra byte */
        terminal_info(x, rd_u8(c));
        field_int(m, "voltage_level", rd_u8(c));
        field_int(m, "gsm_signal", rd_u8(c));
        rest_hex(m, c, "extra");
        return;
    }
    if (k == 14) {  /* OBD models: satellites/signal word, alarm, language, battery, mode, voltage... */
        terminal_info(x, rd_u8(c));
        unsigned sig = rd_be16(c);
        field_int(m, "satellites", ((sig >> 10) & 31) + ((sig >> 5) & 31));
        field_int(m, "gsm_signal", sig & 31);
        unsigned alarm = rd_u8(c);
        if (alarm) f_alarm(m, alarm);
        f_language(m, rd_u8(c));
        field_int(m, "battery_level", rd_u8(c));
        unsigned mode = rd_u8(c);
        field_int(m, "work_mode", mode);
        field_num(m, "voltage", rd_be16(c) / 100.0);
        rd_skip(c, 1);
        field_int(m, "work_time", rd_be16(c));
        if (mode == 4) field_num(m, "temperature", (int16_t)rd_be16(c) / 10.0);
        rest_hex(m, c, "extra");
        return;
    }
    if (k == 16) {  /* extended: satellites, alarm, language, battery, mode, voltage, times, temperature */
        terminal_info(x, rd_u8(c));
        field_int(m, "satellites", rd_be16(c));
        unsigned alarm = rd_u8(c);
        if (alarm) f_alarm(m, alarm);
        f_language(m, rd_u8(c));
        field_int(m, "battery_level", rd_u8(c));
        field_int(m, "work_mode", rd_u8(c));
        field_num(m, "voltage", rd_be16(c) / 100.0);
        rd_skip(c, 1);
        field_int(m, "work_count", rd_be16(c));
        field_int(m, "work_time", rd_be16(c));
        unsigned t = rd_be16(c);
        double temp = (t & 0x7FFF) / 10.0;
        field_num(m, "temperature", (t & 0x8000) ? temp : -temp);
        return;
    }
    if (k) terminal_info(x, rd_u8(c));
    rest_hex(m, c, "extra");
}

/* 0x23: heartbeat with battery voltage (GK310) */
static void up_0x23(struct g6 *x, struct trk_rd *c)
{
    struct trk_msg *m = x->m;
    m->type = "heartbeat";
    terminal_info(x, rd_u8(c));
    if (rd_left(c) >= 2) field_num(m, "battery_voltage", rd_be16(c) / 100.0);
    if (rd_left(c) >= 1) field_int(m, "gsm_signal", rd_u8(c));
    if (rd_left(c) >= 2) f_language(m, rd_be16(c));
    rest_hex(m, c, "extra");
}

/* 0x15 / 0x81 (short) string replies: command length, server flag, text, language */
static void up_string(struct g6 *x, struct trk_rd *c)
{
    struct trk_msg *m = x->m;
    m->type = "command-reply";
    unsigned clen = rd_u8(c);
    if (c->err) return;
    field_str(m, "server_flag", STR_MAX, "0x%08X", rd_be32(c));
    if (c->err) return;
    size_t tlen = text_len(clen, rd_left(c));
    const uint8_t *t = rd_span(c, tlen);
    if (t) {
        char buf[TEXT_MAX + 8];
        text_of(t, tlen, buf, sizeof buf);
        field_str(m, "text", STR_MAX, "%s", buf);
        if (strncmp(buf, "<ICCID:", 7) == 0) {
            size_t e = strcspn(buf + 7, ">");
            field_str(m, "iccid", STR_MAX, "%.*s", (int)e, buf + 7);
        }
    }
    if (rd_left(c) == 2) f_language(m, rd_be16(c));
    rest_hex(m, c, "extra");
}

/* 0x21 (long frame): server flag, encoding (1 ASCII, else UTF-16BE), text */
static void up_0x21(struct g6 *x, struct trk_rd *c)
{
    struct trk_msg *m = x->m;
    m->type = "command-reply";
    field_str(m, "server_flag", STR_MAX, "0x%08X", rd_be32(c));
    unsigned enc = rd_u8(c);
    if (c->err) return;
    size_t n = rd_left(c);
    const uint8_t *t = rd_span(c, n);
    char buf[TEXT_MAX + 8];
    size_t o = 0;
    struct trk_rd tr;
    rd_init(&tr, t, n);
    while (rd_left(&tr) && o < TEXT_MAX) {
        unsigned ch = enc == 1 ? rd_u8(&tr) : rd_be16(&tr);
        if (tr.err) break;
        if (ch == 0) continue;
        buf[o++] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : '.';
    }
    buf[o] = 0;
    field_str(m, "encoding", STR_MAX, "%s", enc == 1 ? "ascii" : "utf-16be");
    field_str(m, "text", STR_MAX, "%s", buf);

    /* "Current position!Lat:N54.739332,Lon:E25.273270,Course:126.53,Speed:0.0000,DateTime:2017-05-26  10:27:47" */
    const char *p = strstr(buf, "Current position!");
    char ns, ew;
    double lat, lon, course, speed;
    int y, mo, d, h, mi, s;
    if (p && sscanf(p, "Current position!Lat:%c%lf,Lon:%c%lf,Course:%lf,Speed:%lf,DateTime:%d-%d-%d %d:%d:%d",
                    &ns, &lat, &ew, &lon, &course, &speed, &y, &mo, &d, &h, &mi, &s) == 12 &&
        (ns == 'N' || ns == 'S') && (ew == 'E' || ew == 'W') && lat <= 90 && lon <= 180 &&
        y >= 2000 && y < 2100 && date_ok((unsigned)mo, (unsigned)d, (unsigned)h, (unsigned)mi, (unsigned)s)) {
        struct trk_record *r = msg_add_record(m);
        if (r) {
            r->lat = ns == 'S' ? -lat : lat;
            r->lon = ew == 'W' ? -lon : lon;
            r->course = course;
            r->speed = speed;
            r->valid = true;
            r->time_ms = trk_timegm(y, mo, d, h, mi, s) * 1000;
            r->has = TRK_R_POS | TRK_R_COURSE | TRK_R_SPEED | TRK_R_VALID | TRK_R_TIME;
        }
    }
}

/* 0x2A address request / 0x1A GPS + phone: GPS, phone number (21), language */
static void up_gps_phone(struct g6 *x, struct trk_rd *c, const char *type)
{
    struct trk_msg *m = x->m;
    m->type = type;
    gps_std(x, c);
    if (rd_left(c) >= 21) field_text(m, "phone", rd_span(c, 21), 21, TXT_SHOWN, TXT_FLAGS);
    if (rd_left(c) == 2) f_language(m, rd_be16(c));
    rest_hex(m, c, "extra");
}

/* 0x18 / 0x28 / 0x2E / 0x1E: [GPS] time, MCC/MNC, 7 cells, timing advance, language */
static void up_cells(struct g6 *x, struct trk_rd *c, bool gps, size_t lac_w, size_t cid_w, size_t count,
                     bool wifi)
{
    struct trk_msg *m = x->m;
    m->type = gps ? "position" : "lbs";
    if (gps) gps_std(x, c);
    else {
        const uint8_t *t = rd_span(c, 6);
        if (!t) return;
        f_time6(m, "time", t, false);
    }
    size_t need = 3 + count * (lac_w + cid_w + 1);
    if (rd_left(c) < need) { rest_hex(m, c, "extra"); return; }
    cells_block(x, c, count, lac_w, cid_w);
    if (rd_left(c) >= 1) field_int(m, "timing_advance", rd_u8(c));
    if (wifi && rd_left(c) >= 1) {
        unsigned n = rd_u8(c);
        if (rd_left(c) >= n * 7u) wifi_list(x, c, n, 0, true);
    }
    if (rd_left(c) == 2) f_language(m, rd_be16(c));
    rest_hex(m, c, "extra");
}

/* 0x2C: time, MCC/MNC, 7 cells, TA, WiFi count, WiFi (MAC, signal) */
static void up_0x2c(struct g6 *x, struct trk_rd *c)
{
    struct trk_msg *m = x->m;
    m->type = "lbs";
    const uint8_t *t = rd_span(c, 6);
    if (!t) return;
    f_time6(m, "time", t, false);
    if (rd_left(c) < 3 + 7 * 6 + 2) { rest_hex(m, c, "extra"); return; }
    cells_block(x, c, 7, 2, 3);
    field_int(m, "timing_advance", rd_u8(c));
    unsigned n = rd_u8(c);
    if (rd_left(c) >= n * 7u) wifi_list(x, c, n, 0, true);
    rest_hex(m, c, "extra");
}

/* 0x24: GPS + LBS on some models, multi-cell report on others */
static void up_0x24(struct g6 *x, struct trk_rd *c)
{
    if (gps_at(c, 0)) { up_gps_lbs(x, c, 2, 3, false, true); return; }
    struct trk_msg *m = x->m;
    m->type = "lbs";
    const uint8_t *t = rd_span(c, 6);
    if (t) f_time6(m, "time", t, false);
    rest_hex(m, c, "extra");
}

/* WiFi reports 0x17 / 0x69 (BCD time, APs with signal, cells) and 0xF3 */
static void up_wifi(struct g6 *x, struct trk_rd *c, size_t count)
{
    struct trk_msg *m = x->m;
    m->type = "wifi";
    const uint8_t *t = rd_span(c, 6);
    if (!t) return;
    f_time6(m, "time", t, all_bcd(t, 6));
    if (rd_left(c) < count * 7 + 4) { rest_hex(m, c, "extra"); return; }
    wifi_list(x, c, count, 0, true);
    unsigned ncell = rd_u8(c);
    if (rd_left(c) == 3 + ncell * 5u) {
        unsigned mcc = rd_be16(c), mnc = rd_u8(c);
        field_int(m, "mcc", mcc);
        field_int(m, "mnc", mnc);
        char buf[TEXT_MAX];
        size_t o = 0;
        buf[0] = 0;
        for (unsigned i = 0; i < ncell; i++) {
            unsigned lac = rd_be16(c), ci = rd_be16(c), sig = rd_u8(c);
            int k = snprintf(buf + o, sizeof buf - o, "%s%u:%u:%u", o ? ";" : "", lac, ci, sig);
            if (k > 0 && (size_t)k < sizeof buf - o) o += (size_t)k;
        }
        if (o) field_str(m, "cells", STR_MAX, "%s", buf);
    } else {
        field_int(m, "cell_count", ncell);
    }
    rest_hex(m, c, "extra");
}

static void up_0x17(struct g6 *x, struct trk_rd *c)
{
    struct trk_msg *m = x->m;
    if (gps_at(c, 0)) {     /* GPS + LBS + RFID card */
        m->type = "position";
        gps_std(x, c);
        if (rd_left(c) >= lbs_size(c, 2, 3)) lbs_block(x, c, 2, 3, false);
        if (rd_left(c) >= 8) field_hex(m, "rfid", rd_span(c, 8), 8, HEX_MAX);
        if (rd_left(c) >= 1) field_int(m, "rfid_valid", rd_u8(c));
        rest_hex(m, c, "extra");
        return;
    }
    m->type = "wifi";
    const uint8_t *t = rd_span(c, 6);
    if (t) f_time6(m, "time", t, all_bcd(t, 6));
    rest_hex(m, c, "extra");
}

static void up_0xf3(struct g6 *x, struct trk_rd *c)
{
    struct trk_msg *m = x->m;
    m->type = "wifi";
    const uint8_t *t = rd_span(c, 6);
    if (!t) return;
    f_time6(m, "time", t, all_bcd(t, 6) && !date_at(c, 0));
    unsigned n = rd_u8(c);
    if (!c->err && rd_left(c) >= n * 8u) wifi_list(x, c, n, 2, false);
    rest_hex(m, c, "extra");
}

/* 0x34: X1 GPS (alarm word, GPS, terminal info, odometer, cell, driver, voltages, ports) */
static void up_0x34(struct g6 *x, struct trk_rd *c)
{
    struct trk_msg *m = x->m;
    if (!date_at(c, 4)) {
        m->type = "lbs";
        rest_hex(m, c, "extra");
        return;
    }
    m->type = "position";
    field_str(m, "alarm_word", STR_MAX, "0x%08X", rd_be32(c));
    gps_std(x, c);
    if (rd_left(c) < 2 + 4 + 9 + 4 + 4 + 4 + 2) { rest_hex(m, c, "extra"); return; }
    field_str(m, "terminal_info", STR_MAX, "0x%04X", rd_be16(c));
    field_int(m, "odometer", rd_be32(c));
    lbs_block(x, c, 2, 4, false);
    uint32_t drv = rd_be32(c);
    if (drv) field_int(m, "driver_id", drv);
    field_num(m, "battery_voltage", rd_be16(c) / 100.0);
    field_num(m, "power_voltage", rd_be16(c) / 100.0);
    uint32_t port = rd_be32(c);
    if (rd_left(c) >= 2) {
        field_int(m, "inputs", rd_u8(c));
        field_int(m, "outputs", rd_u8(c));
    }
    unsigned nadc = (port >> 20) & 15;
    static const char *const keys[8] = {"adc1", "adc2", "adc3", "adc4", "adc5", "adc6", "adc7", "adc8"};
    for (unsigned i = 0; i < nadc && i < 8 && rd_left(c) >= 2; i++) field_num(m, keys[i], rd_be16(c) / 100.0);
    rest_hex(m, c, "extra");
}

/* 0x35: X1 photo information */
static void up_0x35(struct g6 *x, struct trk_rd *c)
{
    struct trk_msg *m = x->m;
    m->type = "photo";
    const uint8_t *t = rd_span(c, 6);
    if (!t) return;
    f_time6(m, "time", t, false);
    field_int(m, "fix", rd_u8(c));
    rd_skip(c, 8);          /* latitude, longitude without hemisphere flags */
    field_int(m, "camera", rd_u8(c));
    field_int(m, "photo_source", rd_u8(c));
    field_int(m, "photo_format", rd_u8(c));
    if (rd_left(c) >= 8) {
        field_int(m, "photo_size", rd_be32(c));
        field_str(m, "photo_id", STR_MAX, "0x%08X", rd_be32(c));
    }
    rest_hex(m, c, "extra");
}

/* 0x36: GPS + LBS on some models; status with modules on Jimi 4G devices */
static void up_0x36(struct g6 *x, struct trk_rd *c)
{
    struct trk_msg *m = x->m;
    if (gps_at(c, 0)) {
        m->type = "position";
        gps_std(x, c);
        rest_hex(m, c, "extra");
        return;
    }
    m->type = "heartbeat";
    if (rd_left(c) < 5) { rest_hex(m, c, "extra"); return; }
    terminal_info(x, rd_u8(c));
    field_int(m, "voltage_level", rd_u8(c));
    field_int(m, "gsm_signal", rd_u8(c));
    unsigned alarm = rd_u8(c);
    if (alarm) f_alarm(m, alarm);
    f_language(m, rd_u8(c));
    modules(x, c, 1);
}

/* 0x37: GPS, LBS, ACC/event/re-upload, modules */
static void up_0x37(struct g6 *x, struct trk_rd *c)
{
    struct trk_msg *m = x->m;
    m->type = "position";
    gps_std(x, c);
    if (rd_left(c) < lbs_size(c, 2, 3) + 3) { rest_hex(m, c, "extra"); return; }
    lbs_block(x, c, 2, 3, false);
    field_bool(m, "acc", rd_u8(c) != 0);
    field_int(m, "upload_mode", rd_u8(c));
    field_bool(m, "reupload", rd_u8(c) != 0);
    modules(x, c, 1);
}

/* 0x61: IMEI, GPS, LBS (4-byte cell), iButton id */
static void up_0x61(struct g6 *x, struct trk_rd *c)
{
    struct trk_msg *m = x->m;
    m->type = "position";
    if (imei_at(c, 0)) imei_field(x, c);
    else rd_skip(c, 8);
    gps_std(x, c);
    if (rd_left(c) >= lbs_size(c, 2, 4) + 6) {
        lbs_block(x, c, 2, 4, false);
        field_str(m, "driver_id", STR_MAX, "%llu", (unsigned long long)rd_be(c, 6));
    }
    rest_hex(m, c, "extra");
}

/* 0xA0: GPS, LBS (4-byte LAC, 8-byte cell), tail */
static void up_0xa0(struct g6 *x, struct trk_rd *c)
{
    struct trk_msg *m = x->m;
    m->type = "position";
    gps_std(x, c);
    if (rd_left(c) >= lbs_size(c, 4, 8)) lbs_block(x, c, 4, 8, false);
    loc_tail(x, c);
}

/* 0xA1 / 0xA2 (without GPS): time, MCC/MNC, 7 cells (4-byte LAC, 8-byte id) ... */
static void up_0xa2(struct g6 *x, struct trk_rd *c, unsigned proto)
{
    struct trk_msg *m = x->m;
    if (gps_at(c, 0)) {
        m->type = "position";
        gps_std(x, c);
        if (rd_left(c) >= lbs_size(c, 4, 8)) lbs_block(x, c, 4, 8, false);
        rest_hex(m, c, "extra");
        return;
    }
    up_cells(x, c, false, 4, 8, 7, proto == 0xA2);
    m->type = proto == 0xA1 ? "lbs" : "wifi";
}

/* 0xA3: fence alarm with GPS, or a short status (GL21L) */
static void up_0xa3(struct g6 *x, struct trk_rd *c)
{
    struct trk_msg *m = x->m;
    if (date_at(c, 0) && rd_left(c) >= 18 + 1 + 5) {
        up_alarm(x, c, 4, 8, 0);
        return;
    }
    m->type = "status";
    if (rd_left(c)) terminal_info(x, rd_u8(c));
    rest_hex(m, c, "extra");
}

/* 0xA5: LBS alarm (4-byte LAC, 8-byte cell) + status */
static void up_0xa5(struct g6 *x, struct trk_rd *c)
{
    struct trk_msg *m = x->m;
    m->type = "alarm";
    if (rd_left(c) >= lbs_size(c, 4, 8) + 5) {
        lbs_block(x, c, 4, 8, false);
        status_block(x, c, true);
    }
    rest_hex(m, c, "extra");
}

/* 0xA7: LBS address request with a phone number */
static void up_0xa7(struct g6 *x, struct trk_rd *c)
{
    struct trk_msg *m = x->m;
    m->type = "address-request";
    if (rd_left(c) >= lbs_size(c, 4, 8) + 21) {
        lbs_block(x, c, 4, 8, false);
        field_text(m, "phone", rd_span(c, 21), 21, TXT_SHOWN, TXT_FLAGS);
    }
    if (rd_left(c) == 2) f_language(m, rd_be16(c));
    rest_hex(m, c, "extra");
}

/* 0x32 / 0x33 in long frames (AZ735): time, GPS with a length byte, LBS with a
 * length byte, signal, then length-prefixed cells, WiFi, status, reserved */
static void up_az735(struct g6 *x, struct trk_rd *c)
{
    struct trk_msg *m = x->m;
    m->type = x->proto == 0x33 ? "alarm" : "position";
    uint8_t t[6], blk[18];
    rd_bytes(c, t, 6);
    unsigned glen = rd_u8(c);
    if (c->err) return;
    if (glen >= 12) {
        struct trk_rd g = rd_sub(c, glen);
        memcpy(blk, t, 6);
        if (rd_bytes(&g, blk + 6, 12)) {
            struct trk_rd gb;
            rd_init(&gb, blk, sizeof blk);
            gps_std(x, &gb);
        }
    } else {
        f_time6(m, "time", t, false);
        rd_skip(c, glen);
    }
    unsigned llen = rd_u8(c);
    if (c->err) return;
    if (llen >= 8) {
        struct trk_rd l = rd_sub(c, llen);
        lbs_block(x, &l, 2, 3, false);
        if (rd_left(c)) field_int(m, "gsm_signal", rd_u8(c));
    } else {
        rd_skip(c, llen);
    }
    rest_hex(m, c, "extra");
}

/* 0x32 in short frames (SL4X) and 0x31: GPS, LBS, tail */
static void up_0x32(struct g6 *x, struct trk_rd *c)
{
    if (x->ext) { up_az735(x, c); return; }
    struct trk_msg *m = x->m;
    m->type = "position";
    gps_std(x, c);
    rest_hex(m, c, "extra");
}

/* 0x38 (long): GPS, upload mode, re-upload, cell */
static void up_0x38(struct g6 *x, struct trk_rd *c)
{
    struct trk_msg *m = x->m;
    m->type = "position";
    gps_std(x, c);
    if (rd_left(c) >= 2) {
        field_int(m, "upload_mode", rd_u8(c));
        field_bool(m, "reupload", rd_u8(c) != 0);
    }
    rest_hex(m, c, "extra");
}

/* 0x70: modular GPS (u16 id, u16 length modules) */
static void up_0x70(struct g6 *x, struct trk_rd *c)
{
    struct trk_msg *m = x->m;
    char buf[TEXT_MAX];
    size_t o = 0;
    buf[0] = 0;
    m->type = "status";
    while (rd_left(c) >= 4) {
        unsigned id = rd_be16(c);
        size_t len = rd_be16(c);
        const uint8_t *v = rd_span(c, len);
        if (!v) break;
        struct trk_rd vr;
        rd_init(&vr, v, len);
        if (id == 0x33 && len >= 18) {
            uint32_t ts = rd_be32(&vr);
            unsigned sats = rd_u8(&vr);
            int16_t alt = rd_bei16(&vr);
            uint32_t lat = rd_be32(&vr), lon = rd_be32(&vr);
            unsigned speed = rd_u8(&vr), flags = rd_be16(&vr);
            struct trk_record *r = msg_add_record(m);
            if (r) {
                r->time_ms = (int64_t)ts * 1000;
                if (ts) r->has |= TRK_R_TIME;
                r->sats = (int)sats;
                r->alt = alt;
                r->lat = lat / 1800000.0;
                r->lon = lon / 1800000.0;
                if (!(flags & 0x0400)) r->lat = -r->lat;
                if (flags & 0x0800) r->lon = -r->lon;
                r->speed = speed;
                r->course = flags & 0x3FF;
                r->valid = (flags & 0x1000) != 0;
                r->has |= TRK_R_SATS | TRK_R_ALT | TRK_R_SPEED | TRK_R_COURSE | TRK_R_VALID;
                if (r->lat >= -90 && r->lat <= 90 && r->lon >= -180 && r->lon <= 180) r->has |= TRK_R_POS;
            }
            m->type = "position";
            continue;
        }
        if (id == 0x03 && len == 10) { field_hex(m, "iccid", v, len, HEX_MAX); continue; }
        if (id == 0x09 && len == 1) { field_int(m, "satellites", rd_u8(&vr)); continue; }
        if (id == 0x0A && len == 1) { field_int(m, "satellites_visible", rd_u8(&vr)); continue; }
        if (id == 0x18 && len == 2) { field_num(m, "battery_voltage", rd_be16(&vr) / 100.0); continue; }
        if (id == 0x28 && len == 1) { field_num(m, "hdop", rd_u8(&vr) / 10.0); continue; }
        if (id == 0x29 && len == 4) { field_int(m, "index", rd_be32(&vr)); continue; }
        if (id == 0x2E && len == 4) { field_int(m, "odometer", rd_le32(&vr)); continue; }
        o = module_text(buf, sizeof buf, o, id, &vr, len);
    }
    if (o) field_str(m, "modules", STR_MAX, "%s", buf);
    rest_hex(m, c, "extra");
}

/* 0x8C OBD (long): time, ignition, "id=value,..." text, then 12 bytes */
static void up_0x8c(struct g6 *x, struct trk_rd *c)
{
    struct trk_msg *m = x->m;
    m->type = "obd";
    const uint8_t *t = rd_span(c, 6);
    if (!t) return;
    f_time6(m, "time", t, false);
    if (rd_left(c) < 1) return;
    field_bool(m, "acc", rd_u8(c) != 0);
    size_t n = rd_left(c);
    if (n > 12) field_text(m, "data", rd_span(c, n - 12), n - 12, TXT_SHOWN, TXT_FLAGS);
    rest_hex(m, c, "extra");
}

/* 0x66 PID data (long): time, count, "pid=value,..." text, then position bytes */
static void up_0x66(struct g6 *x, struct trk_rd *c)
{
    struct trk_msg *m = x->m;
    m->type = "obd";
    const uint8_t *t = rd_span(c, 6);
    if (!t) return;
    f_time6(m, "time", t, false);
    size_t n = rd_left(c), k = 0;
    const uint8_t *p = rd_span(c, n);
    struct trk_rd r;
    rd_init(&r, p, n);
    /* the printable run after the count byte */
    rd_skip(&r, 1);
    size_t start = 1;
    while (rd_left(&r)) {
        int b = rd_u8(&r);
        if (b < 0x20 || b >= 0x7f) break;
        k++;
    }
    if (k) field_text(m, "data", p + start, k, TXT_SHOWN, TXT_FLAGS);
    if (start + k < n) field_hex(m, "extra", p + start + k, n - start - k, HEX_MAX);
}

/* 0x94 information transmission: sub-type and data */
static void up_info(struct g6 *x, struct trk_rd *c)
{
    struct trk_msg *m = x->m;
    m->type = "info";
    unsigned sub = rd_u8(c);
    if (c->err) return;
    field_str(m, "subtype", STR_MAX, "0x%02X", sub);
    size_t n = rd_left(c);
    const uint8_t *v = rd_span(c, n);
    struct trk_rd vr;
    rd_init(&vr, v, n);
    if (!x->ext) {      /* short frames carry no sub-type table */
        field_hex(m, "value", v, n, HEX_MAX);
        return;
    }
    switch (sub) {
    case 0x00:
        if (n == 2) { field_num(m, "external_voltage", rd_be16(&vr) / 100.0); return; }
        break;
    case 0x04:
        if (printable(v, n)) { field_text(m, "text", v, n, TXT_SHOWN, TXT_FLAGS); return; }
        break;
    case 0x05:
        if (n == 7) { f_time6(m, "time", rd_span(&vr, 6), false); n = 1; }
        if (n == 1) {
            unsigned fl = rd_u8(&vr);
            field_bool(m, "door", fl & 1);
            field_bool(m, "io1", (fl & 4) != 0);
            return;
        }
        break;
    case 0x0A:
        if (n == 26) {
            if (imei_at(&vr, 0)) imei_field(x, &vr);
            else rd_skip(&vr, 8);
            field_hex(m, "imsi", rd_span(&vr, 8), 8, HEX_MAX);
            uint8_t ic[10];
            char icc[21];
            size_t o = 0;
            bool got = rd_bytes(&vr, ic, 10);
            for (size_t i = 0; got && i < 10; i++) {
                if ((ic[i] >> 4) <= 9) icc[o++] = (char)('0' + (ic[i] >> 4));
                if ((ic[i] & 15) <= 9) icc[o++] = (char)('0' + (ic[i] & 15));
            }
            icc[o] = 0;
            field_str(m, "iccid", STR_MAX, "%s", icc);
            return;
        }
        break;
    case 0x0B:
        if (n == 1) { field_str(m, "network", STR_MAX, "%s", rd_u8(&vr) ? "4G" : "2G"); return; }
        if (n == 2) { field_num(m, "external_voltage", rd_be16(&vr) / 100.0); return; }
        break;
    case 0x0D:
        if (n >= 6 && !printable(v, 1)) { rd_skip(&vr, 6); v += 6; n -= 6; }
        if (printable(v, n)) { field_text(m, "text", v, n, TXT_SHOWN, TXT_FLAGS); return; }
        break;
    case 0x1B:
        if (printable(v, n)) { field_text(m, "text", v, n, TXT_SHOWN, TXT_FLAGS); return; }
        if (n == 8) { rd_skip(&vr, 2); field_hex(m, "driver_id", rd_span(&vr, 4), 4, HEX_MAX); return; }
        break;
    case 0x1E:
        if (n == 8) {
            field_num(m, "temperature", rd_bei32(&vr) / 10.0);
            field_num(m, "humidity", rd_bei32(&vr) / 10.0);
            return;
        }
        break;
    default:
        break;
    }
    if (n && printable(v, n)) field_text(m, "text", v, n, TXT_SHOWN, TXT_FLAGS);
    else if (n) field_hex(m, "value", v, n, HEX_MAX);
}

/* 0x95 alarm (JC100/JC400 cameras) */
static void up_0x95(struct g6 *x, struct trk_rd *c)
{
    struct trk_msg *m = x->m;
    m->type = "alarm";
    size_t n = rd_left(c);
    unsigned mark = 0;
    (void)rd_peek_be16(c, 0, &mark);
    unsigned ev;
    if (mark == 0xFFFF && n >= 3 + 6 + 1 + 8 + 2 + 2 + 2 + 3) {      /* JC400 */
        rd_skip(c, 2);
        field_int(m, "version", rd_u8(c));
        uint8_t t[6];
        rd_bytes(c, t, 6);
        unsigned sats = rd_u8(c);
        uint32_t lat = rd_be32(c), lon = rd_be32(c);
        unsigned flags = rd_be16(c), speed = rd_be16(c);
        uint8_t blk[18];
        struct trk_rd b;
        memcpy(blk, t, 6);
        blk[6] = (uint8_t)sats;
        blk[7] = (uint8_t)(lat >> 24); blk[8] = (uint8_t)(lat >> 16); blk[9] = (uint8_t)(lat >> 8); blk[10] = (uint8_t)lat;
        blk[11] = (uint8_t)(lon >> 24); blk[12] = (uint8_t)(lon >> 16); blk[13] = (uint8_t)(lon >> 8); blk[14] = (uint8_t)lon;
        blk[15] = (uint8_t)(speed > 255 ? 255 : speed);
        blk[16] = (uint8_t)(flags >> 8); blk[17] = (uint8_t)flags;
        rd_init(&b, blk, sizeof blk);
        struct trk_record *r = gps_block(x, &b, G_SATS | G_SPEED);
        if (r) r->speed = speed;
        field_num(m, "power_voltage", rd_be16(c) / 10.0);
    } else if (n > 7) {                                           /* time, lat, lon, flags */
        (void)gps_block(x, c, 0);
    } else {
        const uint8_t *t = rd_span(c, 6);
        if (!t) return;
        f_time6(m, "time", t, false);
    }
    ev = rd_u8(c);
    if (c->err) return;
    const char *nm = NULL;
    switch (ev) {
    case 0x01: nm = n > 7 ? "sos" : "general"; break;
    case 0x0E: nm = "low-power"; break;
    case 0x76: nm = "temperature"; break;
    case 0x80: nm = "vibration"; break;
    case 0x87: nm = "overspeed"; break;
    case 0x88: nm = "power-cut"; break;
    case 0x90: nm = "harsh-acceleration"; break;
    case 0x91: nm = "harsh-braking"; break;
    case 0x92: nm = "sharp-turn"; break;
    case 0x93: nm = "collision"; break;
    default: break;
    }
    if (nm) field_str(m, "alarm", STR_MAX, "%s", nm);
    else field_str(m, "alarm", STR_MAX, "0x%02X", ev);
    field_str(m, "alarm_code", STR_MAX, "0x%02X", ev);
    if (rd_left(c) >= 2) field_int(m, "alarm_data", rd_be16(c));
    size_t k = rd_left(c);
    if (k) {
        const uint8_t *p = rd_span(c, k);
        if (printable(p, k)) field_text(m, "files", p, k, TXT_SHOWN, TXT_FLAGS);
        else field_hex(m, "extra", p, k, HEX_MAX);
    }
}

/* 0x9B serial pass-through: external device type, data */
static void up_0x9b(struct g6 *x, struct trk_rd *c)
{
    struct trk_msg *m = x->m;
    m->type = "passthrough";
    field_int(m, "device_type", rd_u8(c));
    size_t n = rd_left(c);
    if (!n) return;
    const uint8_t *p = rd_span(c, n);
    if (printable(p, n)) field_text(m, "text", p, n, TXT_SHOWN, TXT_FLAGS);
    else field_hex(m, "data", p, n, HEX_MAX);
}

/* 0xF1: timestamp + modules (u16 id, u8 length) */
static void up_0xf1(struct g6 *x, struct trk_rd *c)
{
    struct trk_msg *m = x->m;
    m->type = "status";
    if (rd_left(c) < 4) { rest_hex(m, c, "extra"); return; }
    uint32_t ts = rd_be32(c);
    char buf[64];
    fmt_time_ms((int64_t)ts * 1000, buf, sizeof buf);
    field_str(m, "time", STR_MAX, "%s", buf);
    modules(x, c, 1);
}

/* 0xF2: peripheral status (VL842): timestamp + status items */
static void up_0xf2(struct g6 *x, struct trk_rd *c)
{
    struct trk_msg *m = x->m;
    m->type = "status";
    if (rd_left(c) < 4) { rest_hex(m, c, "extra"); return; }
    uint32_t ts = rd_be32(c);
    char buf[64];
    fmt_time_ms((int64_t)ts * 1000, buf, sizeof buf);
    field_str(m, "time", STR_MAX, "%s", buf);
    rest_hex(m, c, "extra");
}

/* 0xFD (long): IMEI then version text */
static void up_0xfd(struct g6 *x, struct trk_rd *c)
{
    struct trk_msg *m = x->m;
    m->type = "info";
    if (imei_at(c, 0)) imei_field(x, c);
    size_t n = rd_left(c);
    const uint8_t *p = rd_span(c, n);
    struct trk_rd r;
    rd_init(&r, p, n);
    /* the longest printable run is the version text */
    size_t best = 0, best_at = 0, run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned b = rd_u8(&r);
        if (b >= 0x20 && b < 0x7f) {
            if (++run > best) { best = run; best_at = i + 1 - run; }
        } else run = 0;
    }
    if (best >= 4) field_text(m, "text", p + best_at, best, TXT_SHOWN, TXT_FLAGS);
    if (n) field_hex(m, "data", p, n, HEX_MAX);
}

/* unknown layouts of known numbers: the content as it is */
static void up_raw(struct g6 *x, struct trk_rd *c, const char *type)
{
    x->m->type = type;
    rest_hex(x->m, c, "content");
}

/* ------------------------------------------------------------ table, down */

static bool known_up(unsigned proto)
{
    switch (proto) {
    case 0x01: case 0x08: case 0x10: case 0x11: case 0x12: case 0x13: case 0x15: case 0x16:
    case 0x17: case 0x18: case 0x19: case 0x1A: case 0x1E: case 0x1F: case 0x21: case 0x22:
    case 0x23: case 0x24: case 0x25: case 0x26: case 0x27: case 0x28: case 0x2A: case 0x2C:
    case 0x2D: case 0x2E: case 0x31: case 0x32: case 0x33: case 0x34: case 0x35: case 0x36:
    case 0x37: case 0x38: case 0x61: case 0x66: case 0x69: case 0x70: case 0x81: case 0x84:
    case 0x8A: case 0x8C: case 0x94: case 0x95: case 0x9B: case 0xA0: case 0xA1: case 0xA2:
    case 0xA3: case 0xA4: case 0xA5: case 0xA7: case 0xF1: case 0xF2: case 0xF3: case 0xFD:
        return true;
    default:
        return false;
    }
}

/* messages the server answers: login, heartbeats, alarms, time and address requests
 * (locations need no answer unless the device is configured for it) */
static bool wants_reply(unsigned proto)
{
    switch (proto) {
    case 0x01: case 0x13: case 0x23: case 0x16: case 0x26: case 0x27: case 0x19: case 0x95:
    case 0xA3: case 0xA4: case 0xA5: case 0x8A: case 0x2A: case 0xA7:
        return true;
    default:
        return false;
    }
}

static void decode_up(struct g6 *x, struct trk_rd *c)
{
    struct trk_msg *m = x->m;
    if (rd_left(c) == 0 && x->proto != 0x01 && x->proto != 0x08 && x->proto != 0x8A) {
        /* an empty body: the shape of an echo/ACK frame */
        m->type = "ack";
        field_str(m, "ack_for", STR_MAX, "0x%02X", x->proto);
        return;
    }
    switch (x->proto) {
    case 0x01: up_login(x, c); break;
    case 0x08: up_raw(x, c, "heartbeat"); break;
    case 0x10: up_gps_lbs(x, c, 2, 3, false, false); break;
    case 0x11: up_0x11(x, c); break;
    case 0x12: case 0x2D: up_gps_lbs(x, c, 2, 3, false, true); break;
    case 0x31: up_gps_lbs(x, c, 2, 3, false, true); break;
    case 0x13: up_status(x, c); break;
    case 0x15: case 0x81: up_string(x, c); break;
    case 0x16: case 0x26: up_alarm(x, c, 2, 3, 0); break;
    case 0x27: up_alarm(x, c, 2, 3, 1); break;
    case 0xA4: up_alarm(x, c, 4, 8, 1); break;
    case 0x17: up_0x17(x, c); break;
    case 0x18: case 0x28: case 0x2E: up_cells(x, c, false, 2, 3, 7, false); break;
    case 0x1E: up_cells(x, c, true, 2, 3, 7, false); break;
    case 0x19: up_0x19(x, c); break;
    case 0x1A: up_gps_phone(x, c, "position"); break;
    case 0x2A: up_gps_phone(x, c, "address-request"); break;
    case 0x21: up_0x21(x, c); break;
    case 0x22: up_0x22(x, c); break;
    case 0x25:
        if (nt_prefix(x, c)) { m->type = "position"; gps_std(x, c); rest_hex(m, c, "extra"); }
        else up_gps_lbs(x, c, 2, 4, false, true);
        break;
    case 0x23: up_0x23(x, c); break;
    case 0x24: up_0x24(x, c); break;
    case 0x2C: up_0x2c(x, c); break;
    case 0x32: up_0x32(x, c); break;
    case 0x33:
        if (x->ext) up_az735(x, c);
        else up_raw(x, c, "wifi");
        break;
    case 0x34: up_0x34(x, c); break;
    case 0x35: up_0x35(x, c); break;
    case 0x36: up_0x36(x, c); break;
    case 0x37: up_0x37(x, c); break;
    case 0x38: up_0x38(x, c); break;
    case 0x61: up_0x61(x, c); break;
    case 0x66: up_0x66(x, c); break;
    case 0x69: up_wifi(x, c, 0); break;
    case 0x70: up_0x70(x, c); break;
    case 0x8A: m->type = "time-request"; rest_hex(m, c, "extra"); break;
    case 0x8C: up_0x8c(x, c); break;
    case 0x94: up_info(x, c); break;
    case 0x95: up_0x95(x, c); break;
    case 0x9B: up_0x9b(x, c); break;
    case 0xA0: up_0xa0(x, c); break;
    case 0xA1: case 0xA2: up_0xa2(x, c, x->proto); break;
    case 0xA3: up_0xa3(x, c); break;
    case 0xA5: up_0xa5(x, c); break;
    case 0xA7: up_0xa7(x, c); break;
    case 0xF1: up_0xf1(x, c); break;
    case 0xF2: up_0xf2(x, c); break;
    case 0xF3: up_0xf3(x, c); break;
    case 0xFD: up_0xfd(x, c); break;
    case 0x1F: case 0x84: up_raw(x, c, "data"); break;
    default:
        up_raw(x, c, "unknown");
        msg_unsupported_at(m, proto_off(x), 1, "unsupported protocol number 0x%02X", x->proto);
        return;
    }
    if (x->has_serial && wants_reply(x->proto)) {
        m->want_reply.set = true;
        m->want_reply.key = (uint32_t)x->proto << 16 | x->serial;
    }
}

/* 0x80 command: command length, server flag (4), command text [, language (2)] */
static void down_command(struct g6 *x, struct trk_rd *c)
{
    struct trk_msg *m = x->m;
    m->type = "command";
    unsigned clen = rd_u8(c);
    field_str(m, "server_flag", STR_MAX, "0x%08X", rd_be32(c));
    if (c->err) return;
    size_t tlen = text_len(clen, rd_left(c));
    field_text(m, "text", rd_span(c, tlen), tlen, TXT_SHOWN, TXT_FLAGS);
    if (rd_left(c) == 2) f_language(m, rd_be16(c));
    rest_hex(m, c, "extra");
}

static void decode_down(struct g6 *x, struct trk_rd *c)
{
    struct trk_msg *m = x->m;
    size_t n = rd_left(c);
    if (x->proto == 0x80 || x->proto == 0x81 || x->proto == 0x82) { down_command(x, c); return; }
    if (!known_up(x->proto) && x->proto != 0x97) {
        up_raw(x, c, "unknown");
        msg_unsupported_at(m, proto_off(x), 1, "unsupported protocol number 0x%02X", x->proto);
        return;
    }
    m->type = "ack";
    field_str(m, "ack_for", STR_MAX, "0x%02X", x->proto);
    if (x->has_serial) {
        m->is_reply.set = true;
        m->is_reply.key = (uint32_t)x->proto << 16 | x->serial;
        m->is_reply.accept = true;
    }
    if (n == 0) return;
    const uint8_t *p = rd_span(c, n);
    if (x->proto == 0x8A && n == 6) { f_time6(m, "time", p, false); return; }
    if ((x->proto == 0x17 || x->proto == 0x69) && n == 6) { f_time6(m, "time", p, all_bcd(p, 6)); return; }
    /* address replies: length, server flag (4), "ADDRESS&&...&&phone##" [, language] */
    if (n > 5) {
        struct trk_rd r;
        rd_init(&r, p, n);
        unsigned alen = rd_u8(&r);
        rd_skip(&r, 4);
        size_t tlen = text_len(alen, rd_left(&r));
        const uint8_t *t = rd_span(&r, tlen);
        if (t && printable(t, tlen)) { field_text(m, "text", t, tlen, TXT_SHOWN, TXT_FLAGS); return; }
    }
    field_hex(m, "content", p, n, HEX_MAX);
}

/* ----------------------------------------------------------- entry points */

static long gt06_frame(const uint8_t *p, size_t n, enum trk_dir d, const struct trk_state *st)
{
    struct trk_rd r;
    (void)d; (void)st;
    rd_init(&r, p, n);
    if (n == 0) return TRK_FRAME_MORE;
    if (!is_start_at(&r, 0)) {
        int b0 = rd_peek(&r, 0);
        if (n == 1) return (b0 == 0x78 || b0 == 0x79) ? TRK_FRAME_MORE : -1;
        for (size_t k = 1; k + 1 < n; k++)
            if (is_start_at(&r, k)) return -(long)k;
        int last = rd_peek(&r, n - 1);
        return -(long)((last == 0x78 || last == 0x79) ? n - 1 : n);
    }
    unsigned hdr = 0;
    (void)rd_peek_be16(&r, 0, &hdr);
    size_t hl = hdr == HDR_LONG ? 2 : 1;
    uint64_t len;
    if (!rd_peek_be(&r, 2, hl, &len)) return TRK_FRAME_MORE;
    size_t total = 2 + hl + (size_t)len + 2;
    if (n >= total && is_stop_at(&r, total - 2)) return (long)total;
    /* The length field and the stop bytes disagree (or the frame is not all
     * here).  Devices send length bytes of 0 or too small (0x17/0x69 WiFi,
     * 0x13), or a frame shorter than its length says: the frame then ends at
     * the first 0D 0A.  While the frame is shorter than its length, cut early
     * only on evidence: a CRC that holds, or the next frame right behind. */
    size_t lim = n < SCAN_MAX ? n : SCAN_MAX;
    int crc_tries = CRC_TRIES;
    for (size_t e = 2 + hl + 1; e + 1 < lim; e++) {
        if (!is_stop_at(&r, e)) continue;
        if (n >= total) {
            /* stop bytes beyond the computed end with a frame start right at it:
             * the length is right and the stop bytes are damaged */
            if (e + 2 > total && is_start_at(&r, total)) return (long)total;
            return (long)(e + 2);
        }
        if (is_start_at(&r, e + 2)) return (long)(e + 2);
        if (crc_tries > 0 && crc_tries-- && crc_holds(&r, hl, e)) return (long)(e + 2);
    }
    if (n >= total && (n >= SCAN_MAX || (n >= total + 2 && is_start_at(&r, total))))
        return (long)total;
    return TRK_FRAME_MORE;
}

static void gt06_decode(struct trk_rd *rd, enum trk_dir d, struct trk_state *st, struct trk_msg *m)
{
    size_t n = rd->n;
    struct g6 x;
    memset(&x, 0, sizeof x);
    x.m = m;
    x.dir = d;
    (void)st;
    m->type = "unknown";

    unsigned hdr = rd_be16(rd);
    if (rd->err) return;
    if (hdr != HDR_SHORT && hdr != HDR_LONG) {
        msg_malformed_at(m, 0, 2, "bad start bytes 0x%04X, expected 0x7878 or 0x7979", hdr);
        m->type = "garbage";
        rd_skip(rd, rd_left(rd));
        return;
    }
    x.ext = hdr == HDR_LONG;
    size_t hl = x.ext ? 2 : 1;
    size_t L = (size_t)rd_be(rd, hl);
    if (rd->err) return;
    size_t body = 2 + hl;                 /* offset of the protocol number */
    size_t want = body + L + 2;           /* frame size the length field implies */
    size_t end;                           /* offset of the stop bytes */
    size_t trailing = 0;
    bool stop_ok = true;

    if (n >= body + 2 && is_stop_at(rd, n - 2) && !(n > want && is_stop_at(rd, want - 2))) {
        end = n - 2;
    } else if (n > want && is_stop_at(rd, want - 2)) {
        end = want - 2;
        trailing = n - want;
    } else if (n < want) {
        int pn = rd_peek(rd, body);
        if (pn >= 0) field_str(m, "protocol", STR_MAX, "0x%02X", (unsigned)pn);
        msg_malformed_at(m, 2, hl, "truncated at offset %zu: length field says %zu, frame needs %zu bytes", n, L,
                         want);
        rd_skip(rd, rd_left(rd));
        return;
    } else {
        end = want - 2;
        trailing = n - want;
        stop_ok = false;
    }

    size_t actual = end - body;           /* protocol number .. CRC as present */
    if (actual != L) msg_length_mismatch(m, L, actual, 2, hl);
    if (!stop_ok) msg_malformed_at(m, end, 2, "missing 0d0a stop bytes at offset %zu", end);
    if (trailing) msg_malformed_at(m, want, trailing, "%zu bytes after the frame end at offset %zu", trailing, want);
    if (actual == 0) {
        msg_malformed_at(m, 2, hl, "no protocol number: length field says %zu", L);
        rd_skip(rd, rd_left(rd));
        return;
    }

    x.proto = rd_u8(rd);
    field_str(m, "protocol", STR_MAX, "0x%02X", x.proto);

    /* A length byte that disagrees with the frame: the WiFi reports whose length
     * byte counts access points and that carry no serial or CRC. */
    if (actual != L && (x.proto == 0x17 || x.proto == 0x69)) {
        struct trk_rd all = rd_sub(rd, actual - 1);
        rd_skip(rd, rd_left(rd));
        if (d == TRK_UP) up_wifi(&x, &all, L);
        else decode_down(&x, &all);      /* the server's answer: the report's time */
        return;
    }

    /* a login whose length is wrong: the IMEI is still the 8 bytes after the
     * protocol number */
    if (actual != L && x.proto == 0x01 && actual - 1 >= 8 && actual - 1 < 8 + 4) {
        struct trk_rd all = rd_sub(rd, actual - 1);
        rd_skip(rd, rd_left(rd));
        if (d == TRK_UP) up_login(&x, &all);
        else decode_down(&x, &all);
        return;
    }

    bool crc = actual >= 5;               /* room for serial and CRC */
    size_t clen = crc ? actual - 5 : actual - 1;
    struct trk_rd content = rd_sub(rd, clen);
    if (crc) {
        x.serial = rd_be16(rd);
        x.has_serial = true;
        unsigned field = rd_be16(rd);
        const uint8_t *cov = rd_peek_span(rd, 2, end - 4);
        unsigned computed = cov ? crc16_x25(cov, end - 4) : 0;
        if (cov && field != computed) msg_crc_mismatch(m, "crc", field, computed, 4, end - 2, 2);
        field_int(m, "serial", x.serial);
    }
    rd_skip(rd, rd_left(rd));             /* stop bytes, trailing bytes */

    if (d == TRK_DOWN) decode_down(&x, &content);
    else decode_up(&x, &content);
    if (content.err && m->status == TRK_OK) msg_truncated(m, &content);
}

static int gt06_probe(const uint8_t *p, size_t n, unsigned transport)
{
    struct trk_rd r;
    rd_init(&r, p, n);
    if (!(transport & TRK_TCP) || !is_start_at(&r, 0)) return 0;
    unsigned hdr = 0;
    (void)rd_peek_be16(&r, 0, &hdr);
    size_t hl = hdr == HDR_LONG ? 2 : 1;
    uint64_t len;
    int proto = rd_peek(&r, 2 + hl);
    if (!rd_peek_be(&r, 2, hl, &len) || proto < 0) return 20;
    int score = 20;
    if (len >= 5 && len <= (hl == 1 ? 255u : 2048u)) score += 10;
    if (known_up((unsigned)proto) || proto == 0x80) score += 15;
    size_t total = 2 + hl + (size_t)len + 2;
    if (n >= total && is_stop_at(&r, total - 2)) {
        score += 25;
        if (len >= 5 && crc_holds(&r, hl, total - 2)) score += 30;
    } else if (n >= total) {
        score -= 10;
    }
    return score < 0 ? 0 : score > 100 ? 100 : score;
}

static const char *const gt06_aliases[] = {"concox", "jimi", NULL};
static const uint16_t gt06_ports[] = {5023, 0};

const struct dissector dissector_gt06 = {
    .name = "gt06",
    .title = "GT06 / Concox / Jimi IoT (0x7878, 0x7979)",
    .aliases = gt06_aliases,
    .ports = gt06_ports,
    .transports = TRK_TCP,
    .probe = gt06_probe,
    .frame = gt06_frame,
    .decode = gt06_decode,
};
