/* gosafe.c: the GoSafe tracker protocol (G1S/G3C/G3SC/G6S/G737/G79...):
 * text messages "*GSnn,<IMEI>,<record>$<record>...#" whose records carry
 * tagged fragments (GPS:, GSM:, COT:, ADC:, DTT:, SYS:, OBD:, IWD: ...), the
 * older "*GS02" layout, and binary messages between 0xF8 bytes with 0x1B
 * escaping (1B 00 = 1B, 1B E3 = F8), and the server's "1234" answer.
 *
 * Binary layout as found in captures (no vendor document at hand): version,
 * type, IMEI as a 7-byte integer, time u32 (seconds since 2000-01-01 UTC), a
 * u16 section mask, one length-prefixed section per set bit (bit 1 = GPS:
 * 3 bytes, lat/lon i32 x 1e6, speed, course, altitude, HDOP), then a
 * CRC-16/XMODEM over version .. last section. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crc.h"
#include "dissect.h"
#include "fieldset.h"
#include "texttok.h"

#define TEXT_MAX  16384       /* longest text message decoded */
#define BIN_MAX   4096        /* longest binary message */
#define EPOCH2000 946684800LL
#define STR_MAX (2047)   /* longest string field */
#define HEX_MAX 512   /* most bytes shown as hex */

/* ------------------------------------------------------------------ helpers */

static void f_tok(struct trk_msg *m, const char *key, struct tok t)
{
    if (t.n) field_str(m, key, STR_MAX, "%.*s", (int)t.n, t.s);
}

/* "N31.551856" / "W70.723832" to degrees */
static bool hemi_deg(struct tok t, double *out)
{
    if (t.n < 2) return false;
    char h = t.s[0];
    double v;
    if (!tok_num((struct tok){t.s + 1, t.n - 1}, &v)) return false;
    if (h == 'S' || h == 'W') v = -v;
    else if (h != 'N' && h != 'E') return false;
    *out = v;
    return true;
}

/* hhmmssDDMMYY (12 digits) to seconds, -1 if not a date, -2 for all zeros */
static int64_t hms_dmy(struct tok t)
{
    int v[6];
    if (t.n != 12) return -1;
    for (int i = 0; i < 6; i++)
        if (!tok_digits((struct tok){t.s + 2 * i, 2}, 2, &v[i])) return -1;
    if (!v[0] && !v[1] && !v[2] && !v[3] && !v[4] && !v[5]) return -2;
    if (v[0] > 23 || v[1] > 59 || v[2] > 60 || v[3] < 1 || v[3] > 31 || v[4] < 1 || v[4] > 12) return -1;
    return trk_timegm(2000 + v[5], v[4], v[3], v[0], v[1], v[2]);
}

/* CRC-16/XMODEM (poly 0x1021, init 0, not reflected) over a local buffer */
static uint16_t crc_xmodem(const uint8_t *p, size_t n)
{
    uint16_t c = 0;
    struct trk_rd r;
    rd_init(&r, p, n);
    while (rd_left(&r)) {
        c ^= (uint16_t)(rd_u8(&r) << 8);
        for (int b = 0; b < 8; b++) c = (uint16_t)(c & 0x8000 ? (c << 1) ^ 0x1021 : c << 1);
    }
    return c;
}

/* -------------------------------------------------------------- text form */

static void frag_gps(struct trk_msg *m, struct trk_record *r, struct tok *v, size_t k)
{
    double lat, lon, x;
    if (k > 0 && v[0].n) { r->valid = tok_is(v[0], "A"); r->has |= TRK_R_VALID; f_tok(m, "fix", v[0]); }
    if (k > 1 && tok_num(v[1], &x)) { r->sats = (int)x; r->has |= TRK_R_SATS; }
    if (k > 3 && hemi_deg(v[2], &lat) && hemi_deg(v[3], &lon) && lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180) {
        r->lat = lat;
        r->lon = lon;
        r->has |= TRK_R_POS;
    }
    if (k > 4 && tok_num(v[4], &x)) { r->speed = x; r->has |= TRK_R_SPEED; }
    if (k > 5 && tok_num(v[5], &x)) { r->course = x; r->has |= TRK_R_COURSE; }
    if (k > 6 && tok_num(v[6], &x)) { r->alt = x; r->has |= TRK_R_ALT; }
    if (k > 7 && tok_num(v[7], &x)) field_num(m, "hdop", x);
    if (k > 8 && tok_num(v[8], &x)) field_num(m, "vdop", x);
}

static void frag_gsm(struct trk_msg *m, struct tok *v, size_t k)
{
    double x;
    unsigned long long h;
    if (k > 0 && tok_num(v[0], &x)) field_int(m, "gsm_registration", (int64_t)x);
    if (k > 1 && tok_num(v[1], &x)) field_int(m, "gsm_signal", (int64_t)x);
    if (k > 2 && tok_num(v[2], &x)) field_int(m, "mcc", (int64_t)x);
    if (k > 3 && tok_num(v[3], &x)) field_int(m, "mnc", (int64_t)x);
    if (k > 4 && tok_hex(v[4], &h)) field_int(m, "lac", (int64_t)h);
    if (k > 5 && tok_hex(v[5], &h)) field_int(m, "cell_id", (int64_t)h);
    if (k > 6 && tok_num(v[6], &x)) field_int(m, "rssi", (int64_t)x);
    if (k > 7) field_int(m, "neighbour_cells", (int64_t)((k - 2) / 5 - 1));
}

static void frag_cot(struct trk_msg *m, struct tok *v, size_t k)
{
    double x;
    if (k > 0 && tok_num(v[0], &x)) field_int(m, "odometer_m", (int64_t)x);
    if (k > 1 && v[1].n) {
        struct tok h[3];
        size_t hn = tok_split(v[1].s, v[1].n, '-', h, 3);
        double a = 0, b = 0, c = 0;
        bool ok = hn >= 1 && tok_num(h[0], &a);
        if (hn > 1) ok = ok && tok_num(h[1], &b);
        if (hn > 2) ok = ok && tok_num(h[2], &c);
        if (ok) field_int(m, "engine_hours_s", (int64_t)(a * 3600 + b * 60 + c));
    }
}

static void frag_adc(struct trk_msg *m, struct tok *v, size_t k)
{
    static const char *const keys[4] = {"power_v", "battery_v", "adc1", "adc2"};
    double x;
    for (size_t i = 0; i < k && i < 4; i++)
        if (tok_num(v[i], &x)) field_num(m, keys[i], x);
}

static void frag_dtt(struct trk_msg *m, struct tok *v, size_t k)
{
    unsigned long long h;
    if (k > 0 && tok_hex(v[0], &h)) field_str(m, "status", STR_MAX, "0x%llX", h);
    if (k > 1 && tok_hex(v[1], &h)) {
        field_bool(m, "ignition", h & 1);
        field_str(m, "io", STR_MAX, "0x%llX", h);
    }
    if (k > 3) field_str(m, "geofence", STR_MAX, "%.*s%.*s", (int)v[2].n, v[2].s, (int)v[3].n, v[3].s);
    if (k > 4) f_tok(m, "event_status", v[4]);
    if (k > 5) f_tok(m, "packet_type", v[5]);
}

static void frag_iwd(struct trk_msg *m, struct tok *v, size_t k)
{
    static const char *const temp[8] = {"temp0", "temp1", "temp2", "temp3", "temp4", "temp5", "temp6", "temp7"};
    size_t i = 0;
    double x;
    while (i + 1 < k) {
        double idx, type;
        if (!tok_num(v[i], &idx) || !tok_num(v[i + 1], &type)) break;
        i += 2;
        if (type == 0 && i < k) { f_tok(m, "driver_id", v[i]); i++; }
        else if (type == 1 && i + 1 < k) {
            if (idx >= 0 && idx < 8 && tok_num(v[i + 1], &x)) field_num(m, temp[(int)idx], x);
            i += 2;
        } else break;
    }
}

/* one TAG:values fragment of a record */
static void fragment(struct trk_msg *m, struct trk_record *r, struct tok f)
{
    const char *colon = memchr(f.s, ':', f.n);
    if (!colon) {
        unsigned long long h;
        if (tok_hex(f, &h)) field_int(m, "event", (int64_t)h);
        else f_tok(m, "other", f);
        return;
    }
    struct tok tag = {f.s, (size_t)(colon - f.s)}, val = {colon + 1, f.n - tag.n - 1};
    struct tok v[64];
    size_t k = tok_split(val.s, val.n, ';', v, 64);
    if (tok_is(tag, "GPS")) frag_gps(m, r, v, k);
    else if (tok_is(tag, "GSM")) frag_gsm(m, v, k);
    else if (tok_is(tag, "COT")) frag_cot(m, v, k);
    else if (tok_is(tag, "ADC")) frag_adc(m, v, k);
    else if (tok_is(tag, "DTT")) frag_dtt(m, v, k);
    else if (tok_is(tag, "IWD")) frag_iwd(m, v, k);
    else if (tok_is(tag, "SYS")) {
        if (k > 0) f_tok(m, "model", v[0]);
        if (k > 1) f_tok(m, "firmware", v[1]);
        if (k > 2) f_tok(m, "hardware", v[2]);
    } else if (tok_is(tag, "OBD")) f_tok(m, "obd", val);
    else if (tok_is(tag, "ETD")) f_tok(m, "event_data", val);
    else if (tok_is(tag, "TAG")) f_tok(m, "tag_data", val);
    else if (tok_is(tag, "FUL")) f_tok(m, "fuel", val);
    else f_tok(m, "other", f);
}

/* one '$'-separated record: time (or a command result), then fragments */
static void text_record(struct trk_msg *m, struct tok rec)
{
    struct tok f[32];
    size_t k = tok_split(rec.s, rec.n, ',', f, 32);
    if (k == 0 || rec.n == 0) return;
    int64_t t = hms_dmy(f[0]);
    bool has_gps = false;
    for (size_t i = 1; i < k; i++)
        if (f[i].n > 4 && memcmp(f[i].s, "GPS:", 4) == 0) has_gps = true;
    if (t == -1) {
        f_tok(m, "result", f[0]);
        if (strcmp(m->type, "unknown") == 0) m->type = "command-reply";
    }
    if (t == -1 && !has_gps) {
        struct trk_record scratch;
        memset(&scratch, 0, sizeof scratch);        /* fragments without a fix go to fields only */
        for (size_t i = 1; i < k; i++) if (f[i].n) fragment(m, &scratch, f[i]);
        return;
    }
    struct trk_record *r = msg_add_record(m);
    if (!r) return;
    if (t >= 0) { r->time_ms = t * 1000; r->has |= TRK_R_TIME; }
    for (size_t i = 1; i < k; i++) if (f[i].n) fragment(m, r, f[i]);
    if (strcmp(m->type, "unknown") == 0 || strcmp(m->type, "command-reply") == 0) m->type = "position";
}

/* *GS02,IMEI,GPS:hhmmss;[fix;]A;S1.166829;E36.934287;speed;course;[hdop;]DDMMYY,... */
static void text_old(struct trk_msg *m, struct tok rest)
{
    struct tok f[32];
    size_t k = tok_split(rest.s, rest.n, ',', f, 32);
    for (size_t i = 0; i < k; i++) {
        if (!(f[i].n > 4 && memcmp(f[i].s, "GPS:", 4) == 0)) {
            const char *colon = memchr(f[i].s, ':', f[i].n);
            if (colon && colon - f[i].s == 3 && memcmp(f[i].s, "STT", 3) == 0) f_tok(m, "status", (struct tok){colon + 1, f[i].n - 4});
            else if (colon && colon - f[i].s == 3 && memcmp(f[i].s, "MGR", 3) == 0) f_tok(m, "odometer", (struct tok){colon + 1, f[i].n - 4});
            else if (colon && colon - f[i].s == 3 && memcmp(f[i].s, "ADC", 3) == 0) f_tok(m, "adc", (struct tok){colon + 1, f[i].n - 4});
            else if (colon && colon - f[i].s == 3 && memcmp(f[i].s, "GFS", 3) == 0) f_tok(m, "geofence", (struct tok){colon + 1, f[i].n - 4});
            else f_tok(m, "other", f[i]);
            continue;
        }
        struct tok v[12];
        size_t vn = tok_split(f[i].s + 4, f[i].n - 4, ';', v, 12);
        size_t o = 1;
        if (vn > 2 && v[1].n == 1 && v[1].s[0] >= '0' && v[1].s[0] <= '9') o = 2;   /* fix type */
        if (vn < o + 5) continue;
        struct trk_record *r = msg_add_record(m);
        if (!r) return;
        m->type = "position";
        double lat, lon, x;
        r->valid = tok_is(v[o], "A");
        r->has |= TRK_R_VALID;
        if (hemi_deg(v[o + 1], &lat) && hemi_deg(v[o + 2], &lon) && lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180) {
            r->lat = lat; r->lon = lon; r->has |= TRK_R_POS;
        }
        if (vn > o + 3 && tok_num(v[o + 3], &x)) { r->speed = x; r->has |= TRK_R_SPEED; }
        if (vn > o + 4 && tok_num(v[o + 4], &x)) { r->course = x; r->has |= TRK_R_COURSE; }
        if (vn > o + 6 && tok_num(v[o + 5], &x)) field_num(m, "hdop", x);
        int hms, dmy;
        if (tok_digits(v[0], 6, &hms) && v[0].n == 6 && tok_digits(v[vn - 1], 6, &dmy) && v[vn - 1].n == 6) {
            int hh = hms / 10000, mi = hms / 100 % 100, ss = hms % 100;
            int dd = dmy / 10000, mo = dmy / 100 % 100, yy = dmy % 100;
            if (hh < 24 && mi < 60 && ss < 61 && dd >= 1 && dd <= 31 && mo >= 1 && mo <= 12) {
                r->time_ms = trk_timegm(2000 + yy, mo, dd, hh, mi, ss) * 1000;
                r->has |= TRK_R_TIME;
            }
        }
    }
}

static void decode_text(struct trk_rd *rd, struct trk_msg *m)
{
    char buf[TEXT_MAX];
    size_t n = rd_left(rd);
    if (n > sizeof buf) {
        field_int(m, "bytes_not_decoded", (int64_t)(n - sizeof buf));
        n = sizeof buf;
    }
    rd_bytes(rd, buf, n);
    rd_skip(rd, rd_left(rd));
    bool term = n && buf[n - 1] == '#';
    if (term) n--;
    /* "*GS" + version digits + "," */
    size_t i = 3, vstart = 3;
    if (n < 4 || memcmp(buf, "*GS", 3) != 0) {
        msg_malformed_at(m, 0, n < 3 ? n : 3, "bad header: expected *GS");
        return;
    }
    while (i < n && buf[i] >= '0' && buf[i] <= '9') i++;
    if (i == vstart || i >= n || buf[i] != ',') {
        msg_malformed(m, "bad header: expected *GS, version digits and a comma");
        return;
    }
    field_str(m, "version", STR_MAX, "%.*s", (int)(i - vstart), buf + vstart);
    bool old = i - vstart == 2 && buf[3] == '0' && buf[4] == '2';
    size_t is = ++i;
    while (i < n && buf[i] != ',') i++;
    if (i == is) {
        msg_malformed(m, "no device identifier after the header");
        return;
    }
    char imei[TRK_IMEI_MAX];
    size_t il = i - is < sizeof imei - 1 ? i - is : sizeof imei - 1;
    for (size_t k = 0; k < il; k++) {
        unsigned char c = (unsigned char)buf[is + k];
        imei[k] = (char)(c >= 0x20 && c < 0x7f ? c : '.');
    }
    imei[il] = 0;
    msg_set_imei(m, imei);
    field_str(m, "imei", STR_MAX, "%s", imei);
    if (i >= n) {
        m->type = "heartbeat";
        return;
    }
    struct tok rest = {buf + i + 1, n - i - 1};
    if (old) { text_old(m, rest); if (strcmp(m->type, "unknown") == 0) m->type = "status"; return; }
    struct tok recs[TRK_MAX_REC];
    size_t k = tok_split(rest.s, rest.n, '$', recs, TRK_MAX_REC);
    for (size_t r = 0; r < k; r++) text_record(m, recs[r]);
    if (strcmp(m->type, "unknown") == 0) m->type = "status";
}

/* ------------------------------------------------------------ binary form */

static const char *const sect_key[16] = {
    "section0", "section1", "section2", "section3", "section4", "section5", "section6", "section7",
    "section8", "section9", "section10", "section11", "section12", "section13", "section14", "section15",
};

/* The bytes between the F8 delimiters, unescaped into ub (false on a bad
 * escape), and as they are into raw. */
static bool unescape(const struct trk_rd *r, size_t from, size_t end, uint8_t *ub, size_t *un,
                     uint8_t *raw, size_t *rn, size_t *bad_at)
{
    bool ok = true;
    *un = *rn = 0;
    for (size_t i = from; i < end && *rn < BIN_MAX; i++) {
        int b = rd_peek(r, i);
        raw[(*rn)++] = (uint8_t)b;
        if (!ok) continue;
        if (b == 0x1B) {
            int x = i + 1 < end ? rd_peek(r, i + 1) : -1;
            if (x == 0x00) b = 0x1B;
            else if (x == 0xE3) b = 0xF8;
            else { ok = false; *bad_at = i; continue; }
            if (*rn < BIN_MAX) raw[(*rn)++] = (uint8_t)x;
            i++;
        }
        if (*un < BIN_MAX) ub[(*un)++] = (uint8_t)b;
    }
    return ok;
}

/* frame offset of byte j of what unescape() made of [1, end): two frame bytes
 * for each escape when `escaped` (the unescaped reading), else one; `end` when
 * there is no such byte */
static size_t frame_at(const struct trk_rd *r, size_t end, bool escaped, size_t j)
{
    size_t i = 1;
    for (size_t o = 0; i < end && o < j; o++, i++)
        if (escaped && rd_peek(r, i) == 0x1B && i + 1 < end) i++;
    return i < end ? i : end;
}

static bool crc_holds(const uint8_t *p, size_t n)
{
    struct trk_rd u;
    uint64_t field = 0;
    if (n < 3) return false;
    rd_init(&u, p, n);
    rd_peek_be(&u, n - 2, 2, &field);
    return field == crc_xmodem(p, n - 2);
}

static void decode_binary(struct trk_rd *rd, struct trk_msg *m)
{
    uint8_t esc[BIN_MAX], raw[BIN_MAX];
    size_t en = 0, rn = 0, n = rd->n, bad_at = 0;
    bool closed = n >= 2 && rd_peek(rd, n - 1) == 0xF8;
    size_t end = closed ? n - 1 : n;
    bool esc_ok = unescape(rd, 1, end, esc, &en, raw, &rn, &bad_at);
    rd_skip(rd, rd_left(rd));
    /* On the wire 1B is escaped; a message already unescaped (as a framer
     * hands it on) holds 1B followed by other bytes.  Take the reading whose
     * CRC holds. */
    const uint8_t *ub = esc;
    size_t un = en;
    if (!esc_ok || (!crc_holds(esc, en) && crc_holds(raw, rn))) {
        ub = raw;
        un = rn;
        field_str(m, "escaping", STR_MAX, "none (message already unescaped)");
        int x = bad_at + 1 < end ? rd_peek(rd, bad_at + 1) : -1;
        if (!crc_holds(raw, rn) && !esc_ok) {
            if (x < 0) msg_malformed_at(m, bad_at, 1, "escape byte 0x1b at the end of the frame, offset %zu", bad_at);
            else msg_malformed_at(m, bad_at, 2, "bad escape 1b %02x at offset %zu", (unsigned)x, bad_at);
        }
    }
    if (!closed) msg_malformed(m, "no closing 0xf8 at offset %zu", n);
    m->type = "position";
    if (un < 2 + 7 + 4 + 2 + 2) {
        msg_malformed(m, "truncated at offset %zu: a binary message has at least 17 bytes", n);
        return;
    }
    struct trk_rd u;
    rd_init(&u, ub, un - 2);
    unsigned ver = rd_u8(&u), type = rd_u8(&u);
    uint64_t id = rd_be(&u, 7);
    uint32_t tm = rd_be32(&u);
    unsigned mask = rd_be16(&u);
    uint64_t field = 0;
    struct trk_rd all;
    rd_init(&all, ub, un);
    rd_peek_be(&all, un - 2, 2, &field);
    uint16_t computed = crc_xmodem(ub, un - 2);
    bool escaped = ub == esc;
    size_t crc_at = frame_at(rd, end, escaped, un - 2);   /* the CRC's bytes as sent, escaped or not */
    if (field != computed)
        msg_crc_mismatch(m, "crc", (uint32_t)field, computed, 4, crc_at, frame_at(rd, end, escaped, un) - crc_at);
    char imei[24];
    snprintf(imei, sizeof imei, "%llu", (unsigned long long)id);
    msg_set_imei(m, imei);
    field_str(m, "imei", STR_MAX, "%s", imei);
    field_int(m, "version", ver);
    field_str(m, "message_type", STR_MAX, "0x%02X", type);
    field_str(m, "sections", STR_MAX, "0x%04X", mask);
    struct trk_record *r = msg_add_record(m);
    if (!r) return;
    r->time_ms = ((int64_t)tm + EPOCH2000) * 1000;
    r->has |= TRK_R_TIME;
    for (int bit = 0; bit < 16; bit++) {
        if (!(mask & (1u << bit))) continue;
        unsigned sl = rd_u8(&u);
        struct trk_rd s = rd_sub(&u, sl);
        if (u.err) break;
        if (bit == 1 && sl >= 15) {
            uint8_t flags[3];
            rd_bytes(&s, flags, 3);
            int32_t lat = rd_bei32(&s), lon = rd_bei32(&s);
            field_hex(m, "gps_flags", flags, 3, HEX_MAX);
            r->lat = lat / 1e6;
            r->lon = lon / 1e6;
            if (r->lat >= -90 && r->lat <= 90 && r->lon >= -180 && r->lon <= 180) r->has |= TRK_R_POS;
            if (rd_left(&s) >= 2) { r->speed = rd_be16(&s); r->has |= TRK_R_SPEED; }
            if (rd_left(&s) >= 2) { r->course = rd_be16(&s); r->has |= TRK_R_COURSE; }
            if (rd_left(&s) >= 2) { r->alt = rd_bei16(&s); r->has |= TRK_R_ALT; }
            if (rd_left(&s) >= 2) field_num(m, "hdop", rd_be16(&s) / 100.0);
            size_t more = rd_left(&s);
            if (more) field_hex(m, "gps_extra", rd_span(&s, more), more, HEX_MAX);
        } else if (sl) {
            field_hex(m, sect_key[bit], rd_span(&s, sl), sl, HEX_MAX);
        }
    }
    if (u.err) {   /* u reads the unescaped copy: its offsets mapped to the frame's */
        size_t from = frame_at(rd, end, escaped, u.err_off);
        msg_malformed_at(m, from, crc_at > from ? crc_at - from : 0, "truncated at offset %zu", from);
        return;
    }
    if (rd_left(&u)) field_int(m, "trailing_bytes", (int64_t)rd_left(&u));
}

/* ----------------------------------------------------------- entry points */

static void gs_decode(struct trk_rd *rd, enum trk_dir d, struct trk_state *st, struct trk_msg *m)
{
    (void)st;
    m->type = "unknown";
    int b0 = rd_peek(rd, 0);
    if (d == TRK_DOWN && b0 != '*' && b0 != 0xF8) {
        char buf[64];
        size_t k = rd_left(rd) < sizeof buf - 1 ? rd_left(rd) : sizeof buf - 1;
        rd_str(rd, k, buf, sizeof buf);
        rd_skip(rd, rd_left(rd));
        m->type = strcmp(buf, "1234") == 0 ? "ack" : "command";
        field_str(m, "text", STR_MAX, "%s", buf);
        if (strcmp(buf, "1234") == 0) { m->is_reply.set = true; m->is_reply.accept = true; }
        return;
    }
    if (b0 == 0xF8) decode_binary(rd, m);
    else if (b0 == '*') decode_text(rd, m);
    else {
        m->type = "garbage";
        msg_malformed_at(m, 0, b0 < 0 ? 0 : 1, "bad start byte 0x%02X, expected '*' or 0xf8",
                         b0 < 0 ? 0 : (unsigned)b0);
        rd_skip(rd, rd_left(rd));
    }
}

static bool gs_start(int b, enum trk_dir d) { return b == '*' || b == 0xF8 || (d == TRK_DOWN && b == '1'); }

static long gs_frame(const uint8_t *p, size_t n, enum trk_dir d, const struct trk_state *st)
{
    struct trk_rd r;
    (void)st;
    rd_init(&r, p, n);
    if (n == 0) return TRK_FRAME_MORE;
    int b0 = rd_peek(&r, 0);
    if (d == TRK_DOWN && b0 == '1') {
        static const char ack[] = "1234";
        for (size_t k = 0; k < 4; k++) {
            int c = rd_peek(&r, k);
            if (c < 0) return TRK_FRAME_MORE;
            if (c != ack[k]) goto skip;
        }
        return 4;
    }
    if (b0 == '*') {
        for (size_t k = 1; k < n && k < TEXT_MAX; k++) {
            int c = rd_peek(&r, k);
            if (c == '#') return (long)(k + 1);
            /* the next message starts: this one lost its terminator */
            if (c == '*' && rd_peek(&r, k + 1) == 'G' && rd_peek(&r, k + 2) == 'S') return (long)k;
            if (c == 0xF8) return (long)k;
        }
        if (n >= TEXT_MAX) return (long)TEXT_MAX;
        return TRK_FRAME_MORE;
    }
    if (b0 == 0xF8) {
        for (size_t k = 1; k < n && k < BIN_MAX; k++) {
            if (rd_peek(&r, k) != 0xF8) continue;
            if (k == 1) return -1;            /* F8 F8: the first ended an earlier message */
            return (long)(k + 1);
        }
        if (n >= BIN_MAX) return -1;
        return TRK_FRAME_MORE;
    }
skip:
    for (size_t k = 1; k < n; k++)
        if (gs_start(rd_peek(&r, k), d)) return -(long)k;
    return -(long)n;
}

static int gs_probe(const uint8_t *p, size_t n, unsigned transport)
{
    struct trk_rd r;
    (void)transport;
    rd_init(&r, p, n);
    int b0 = rd_peek(&r, 0);
    if (b0 == 0xF8) {
        size_t k;
        for (k = 1; k < n && k < BIN_MAX; k++) if (rd_peek(&r, k) == 0xF8) break;
        if (k >= n || k < 18) return n < 18 ? 10 : 0;
        uint8_t ub[BIN_MAX], raw[BIN_MAX];
        size_t un = 0, rn = 0, bad = 0;
        bool ok = unescape(&r, 1, k, ub, &un, raw, &rn, &bad);
        if ((ok && crc_holds(ub, un)) || crc_holds(raw, rn)) return 95;
        return 20;
    }
    if (b0 != '*') return 0;
    if (rd_peek(&r, 1) != 'G' || rd_peek(&r, 2) != 'S') return rd_peek(&r, 1) < 0 ? 5 : 0;
    size_t k = 3, vd = 0, id = 0;
    int c;
    while ((c = rd_peek(&r, k)) >= '0' && c <= '9') { vd++; k++; }
    if (c < 0) return 20;
    if (vd == 0 || c != ',') return 0;
    k++;
    while ((c = rd_peek(&r, k)) >= '0' && c <= '9') { id++; k++; }
    if (id < 8 || id > 20) return c < 0 ? 30 : 10;
    if (c == ',' || c == '#' || c < 0) return 70;       /* text alone: never higher */
    return 20;
}

static const uint16_t gs_ports[] = {5078, 0};

const struct dissector dissector_gosafe = {
    .name = "gosafe",
    .title = "GoSafe (*GS text records, 0xF8 binary)",
    .aliases = NULL,
    .ports = gs_ports,
    .transports = TRK_TCP | TRK_UDP,
    .probe = gs_probe,
    .frame = gs_frame,
    .decode = gs_decode,
};
