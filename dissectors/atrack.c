/* atrack.c: dissector for the ATrack (AK/AX/AT series) protocol, binary and text,
 * over TCP and UDP.
 *
 * Binary frame: prefix `@P` (`@R` photo, other vendor prefixes), CRC-16/ARC (u16be)
 * over the bytes from the length field to the end, length u16be (bytes after it),
 * sequence u16be, unit id u64be (the IMEI as a number), then records: GPS, RTC and
 * send time (u32 Unix, or 7-byte long dates u16 year, month, day, h, m, s), lon and
 * lat (i32 x1e-6), heading u16, report id u8, odometer u32 (x0.1 km), HDOP u16
 * (x0.1), inputs u8, speed u16 km/h, outputs u8, analog u16 mV, driver id (NUL
 * terminated), temperatures i16 x2 (x0.1 C), text (NUL terminated) and, when the
 * record carries its form string (`%CI%MV...`), the custom values it lists.
 *
 * Text frame: `@P,CRC,LEN,seq,imei,gps time,rtc,send,lon,lat,heading,report,odometer,
 * hdop,inputs,speed,outputs,adc,driver,t1,t2,text,custom...\r\n`, more lines may follow
 * with further records; LEN counts the bytes from the comma after it to the end.
 * The text CRC is shown, not checked (its coverage is not documented).
 * Command replies: `$OK`, `$ERROR=n`, `$INFO=...` lines.
 * Keep-alive: FE 02 + unit id u64 + sequence u16; the server echoes it, and that
 * 12-byte form is also the ACK of a data frame (type "ack" in the down direction). */
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
#include "texttok.h"

#define A_TEXT_MAX 16384
#define A_HDR_MAX 40
#define TXT_SHOWN 1023       /* longest text field */

/* --------------------------------------------------------------- helpers */

static void f_hexb(struct trk_msg *m, const char *key, const uint8_t *p, size_t n)
{
    if (!field_room(m, key)) return;
    if (n > 512) n = 512;
    const char *h = msg_hex(m, p, n);
    if (h) msg_field_str(m, key, "%s", h);
}

static int hexv(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static void set_unit(struct trk_msg *m, uint64_t id)
{
    char b[24];
    snprintf(b, sizeof b, "%llu", (unsigned long long)id);
    msg_set_imei(m, b);
}

static bool is_digit(int c) { return c >= '0' && c <= '9'; }

/* ------------------------------------------------------------- framing */

/* text header "XX,CRC4,LEN," at the window start: the offset of the comma after
 * LEN and LEN.  1 ok, 0 need more, -1 no. */
static int text_hdr(const struct trk_rd *r, size_t *comma, size_t *len)
{
    if (rd_peek(r, 0) < 0 || rd_peek(r, 1) < 0 || rd_peek(r, 2) < 0) return 0;
    if (rd_peek(r, 2) != ',') return -1;
    for (size_t i = 3; i < 7; i++) {
        int c = rd_peek(r, i);
        if (c < 0) return 0;
        if (hexv(c) < 0) return -1;
    }
    if (rd_peek(r, 7) < 0) return 0;
    if (rd_peek(r, 7) != ',') return -1;
    size_t v = 0, i = 8;
    for (;; i++) {
        int c = rd_peek(r, i);
        if (c < 0) return 0;
        if (c == ',') break;
        if (!is_digit(c) || i > 14) return -1;
        v = v * 10 + (size_t)(c - '0');
    }
    if (i == 8) return -1;
    *comma = i;
    *len = v;
    return 1;
}

static bool binary_prefix(int a, int b)
{
    return (a == '@' && b >= 'A' && b <= 'Z') || (a == 0x02 && b == 0x03);
}

/* a frame could start at `at` (for cutting frames with wrong lengths) */
static bool start_at(const struct trk_rd *r, size_t at)
{
    int a = rd_peek(r, at), b = rd_peek(r, at + 1);
    if (a < 0) return true;
    return (a == 0xFE && b == 0x02) || a == '$' || binary_prefix(a, b) || rd_peek(r, at + 2) == ',';
}

static long line_end(const struct trk_rd *r, size_t from, size_t n)
{
    for (size_t i = from; i + 1 < n; i++)
        if (rd_peek(r, i) == '\r' && rd_peek(r, i + 1) == '\n') return (long)(i + 2);
    for (size_t i = from; i < n; i++)
        if (rd_peek(r, i) == '\n') return (long)(i + 1);
    return n > A_TEXT_MAX ? -1 : TRK_FRAME_MORE;
}

static long atrack_frame(const uint8_t *p, size_t n, enum trk_dir d, const struct trk_state *st)
{
    struct trk_rd r;
    rd_init(&r, p, n);
    if (n < 2) return TRK_FRAME_MORE;
    int a = rd_peek(&r, 0), b = rd_peek(&r, 1);
    if (a == 0xFE && b == 0x02) return n >= 12 ? 12 : TRK_FRAME_MORE;
    if (d == TRK_DOWN) return line_end(&r, 0, n);
    if (a == '$') return line_end(&r, 0, n);
    size_t comma, len;
    int t = text_hdr(&r, &comma, &len);
    if (t == 0 && n < A_HDR_MAX) return TRK_FRAME_MORE;
    if (t > 0) {
        size_t total = comma + len;
        if (len > 65535) return -1;
        if (n >= total && total >= 2 && rd_peek(&r, total - 2) == '\r' && rd_peek(&r, total - 1) == '\n')
            return (long)total;
        if (n >= total) {
            /* a length a few bytes off: the nearest line end */
            size_t lo = total > comma + 16 ? total - 16 : comma, best = 0, bestd = SIZE_MAX;
            for (size_t e = lo + 2; e <= n && e <= total + 16; e++) {
                if (rd_peek(&r, e - 2) == '\r' && rd_peek(&r, e - 1) == '\n') {
                    size_t dd = e > total ? e - total : total - e;
                    if (dd < bestd) { bestd = dd; best = e; }
                }
            }
            if (best) return (long)best;
            if (n < total + 16) return TRK_FRAME_MORE;
        }
        /* a wrong length: cut at a line end followed by a frame start */
        for (size_t i = comma; i + 2 < n; i++)
            if (rd_peek(&r, i) == '\r' && rd_peek(&r, i + 1) == '\n' && start_at(&r, i + 2) &&
                rd_peek(&r, i + 2) != ',' && !is_digit(rd_peek(&r, i + 2)))
                return (long)(i + 2);
        if (n >= total) return (long)total;
        return TRK_FRAME_MORE;
    }
    if (binary_prefix(a, b)) {
        uint64_t len16;
        if (!rd_peek_be(&r, 4, 2, &len16)) return TRK_FRAME_MORE;
        if (len16 < 10) return -1;
        size_t total = 6 + (size_t)len16;
        return n >= total ? (long)total : TRK_FRAME_MORE;
    }
    /* resynchronise at the next plausible start */
    for (size_t i = 1; i < n; i++) {
        int c = rd_peek(&r, i), c2 = rd_peek(&r, i + 1);
        if (c == '@' || c == '$' || (c == 0xFE && (c2 == 0x02 || c2 < 0))) return -(long)i;
    }
    return -(long)n;
}

/* ----------------------------------------------------------------- probe */

static int atrack_probe(const uint8_t *p, size_t n, unsigned transport)
{
    struct trk_rd r;
    rd_init(&r, p, n);
    if (n < 2) return 0;
    int a = rd_peek(&r, 0), b = rd_peek(&r, 1);
    if (a == 0xFE && b == 0x02) return n == 12 ? 70 : (n > 12 ? 40 : 30);
    size_t comma, len;
    if (text_hdr(&r, &comma, &len) > 0) return (a == '@' && b == 'P') ? 80 : 60;
    uint64_t l16, crc;
    if (rd_peek_be(&r, 4, 2, &l16) && rd_peek_be(&r, 2, 2, &crc) && l16 >= 10) {
        const uint8_t *s = rd_peek_span(&r, 4, (size_t)l16 + 2);
        if (s && crc16_arc(s, (size_t)l16 + 2) == crc) return 95;
        if (a == '@' && (b == 'P' || b == 'R')) return 45;
    }
    if (a == '@' && (b == 'P' || b == 'R')) return 30;
    if (a == '$' && n >= 3) {
        static const char *const rep[] = { "$OK", "$ERROR=", "$INFO=", NULL };
        for (size_t i = 0; rep[i]; i++) {
            size_t l = strlen(rep[i]);
            const uint8_t *s = rd_peek_span(&r, 0, l);
            if (s && memcmp(s, rep[i], l) == 0) return 45;
        }
    }
    return 0;
}

/* --------------------------------------------------------- binary records */

static bool strz(struct trk_rd *c, char *out, size_t sz, size_t *len)
{
    size_t o = 0;
    for (;;) {
        if (!rd_left(c)) { rd_fail(c); out[o] = 0; return false; }
        unsigned v = rd_u8(c);
        if (v == 0) break;
        if (o + 1 < sz) out[o++] = (v >= 0x20 && v < 0x7f) ? (char)v : '.';
    }
    out[o] = 0;
    if (len) *len = o;
    return true;
}

/* width of a custom field: >0 bytes, 0 NUL-terminated string, -1 unknown */
static int custom_width(const char *k)
{
    static const char *const w1[] = { "SA", "MT", "GQ", "GS", "DT", "TR", "FL", "IA", "EL", "HA", "HB",
                                      "HC", "RL", "ML", "PD", "MP", "IN0", "IN1", "IN2", "IN3", NULL };
    static const char *const w2[] = { "MV", "BV", "LC", "RP", "ET", "AV1", "MF", "SM", NULL };
    static const char *const w4[] = { "CE", "CN", "PC", "AT", "FC", "EH", "EO", NULL };
    static const char *const w8[] = { "CM", "ME", NULL };
    static const char *const ws[] = { "VN", "CD", "NC", "GL", "MA", NULL };
    for (size_t i = 0; w1[i]; i++) if (!strcmp(k, w1[i])) return 1;
    for (size_t i = 0; w2[i]; i++) if (!strcmp(k, w2[i])) return 2;
    for (size_t i = 0; w4[i]; i++) if (!strcmp(k, w4[i])) return 4;
    for (size_t i = 0; w8[i]; i++) if (!strcmp(k, w8[i])) return 8;
    for (size_t i = 0; ws[i]; i++) if (!strcmp(k, ws[i])) return 0;
    if (!strcmp(k, "CI")) return 100;    /* marks the form string: no value */
    if (!strcmp(k, "GN")) return 60;
    if (!strcmp(k, "GV")) return 6;
    if ((k[0] == 'Z' || k[0] == 'J') && k[1] && k[2]) {
        switch (k[1]) {
        case 'O': return 1;
        case 'H': return 2;
        case 'L': case 'N': return 4;
        case 'S': return 0;
        default: break;
        }
    }
    return -1;
}

/* custom values listed by the form string; false when a field is unknown (the
 * rest of the frame cannot be walked) */
static bool custom_values(struct trk_msg *m, struct trk_rd *c, const char *form, bool first,
                          struct trk_record *r)
{
    char key[8];
    size_t k = 0;
    for (const char *s = form;; s++) {
        if (*s == '%' || *s == 0) {
            if (k) {
                key[k] = 0;
                int w = custom_width(key);
                if (w < 0) {
                    if (first && field_room(m, "custom_unknown")) msg_field_str(m, "custom_unknown", "%s", key);
                    return false;
                }
                if (w == 0) {
                    char sbuf[256];
                    strz(c, sbuf, sizeof sbuf, NULL);
                    if (first && !strcmp(key, "VN") && field_room(m, "vin")) msg_field_str(m, "vin", "%s", sbuf);
                    if (first && !strcmp(key, "CD") && field_room(m, "iccid")) msg_field_str(m, "iccid", "%s", sbuf);
                } else if (w <= 8) {
                    uint64_t v = rd_be(c, (size_t)w);
                    if (!c->err && !strcmp(key, "SA")) { r->sats = (int)v; r->has |= TRK_R_SATS; }
                    if (!c->err && !strcmp(key, "AT")) { r->alt = (int32_t)v; r->has |= TRK_R_ALT; }
                    if (first && !c->err) {
                        if (!strcmp(key, "MV")) field_num(m, "power", v / 10.0);
                        else if (!strcmp(key, "BV")) field_num(m, "battery", v / 10.0);
                        else if (!strcmp(key, "GQ")) field_int(m, "gsm_signal", (int64_t)v);
                        else if (!strcmp(key, "RP")) field_int(m, "rpm", (int64_t)v);
                        else if (!strcmp(key, "FL")) field_int(m, "fuel_level", (int64_t)v);
                        else if (!strcmp(key, "CE")) field_int(m, "cell_id", (int64_t)v);
                        else if (!strcmp(key, "LC")) field_int(m, "lac", (int64_t)v);
                        else if (!strcmp(key, "ME")) field_int(m, "device_imei", (int64_t)v);
                    }
                } else if (w != 100) {
                    rd_skip(c, (size_t)w);
                }
                if (c->err) return false;
                k = 0;
            }
            if (*s == 0) break;
            continue;
        }
        if (k + 1 < sizeof key) key[k++] = *s;
    }
    return true;
}

static const char *report_name(unsigned id)
{
    switch (id) {
    case 0: return "position";
    case 1: return "sos";
    default: return NULL;
    }
}

/* one binary record; false when the records cannot be walked further */
static bool binary_record(struct trk_msg *m, struct trk_rd *c, bool first)
{
    struct trk_record *r = msg_add_record(m);
    if (!r) { rd_skip(c, rd_left(c)); return false; }
    uint64_t y;
    bool longdate = rd_peek_be(c, c->off, 2, &y) && y >= 2000 && y <= 2100;
    int64_t t;
    if (longdate) {
        unsigned yy = rd_be16(c), mo = rd_u8(c), dd = rd_u8(c), hh = rd_u8(c), mi = rd_u8(c), ss = rd_u8(c);
        t = trk_timegm((int)yy, (int)mo, (int)dd, (int)hh, (int)mi, (int)ss);
        rd_skip(c, 14);          /* RTC and send time */
    } else {
        t = rd_be32(c);
        rd_skip(c, 8);
    }
    int32_t lon = rd_bei32(c), lat = rd_bei32(c);
    unsigned heading = rd_be16(c), report = rd_u8(c);
    uint32_t odo = rd_be32(c);
    unsigned hdop = rd_be16(c), in = rd_u8(c), speed = rd_be16(c), out = rd_u8(c), adc = rd_be16(c);
    char driver[64], text[256], form[512];
    size_t textlen = 0;
    strz(c, driver, sizeof driver, NULL);
    int16_t t1 = rd_bei16(c), t2 = rd_bei16(c);
    strz(c, text, sizeof text, &textlen);
    if (c->err) { m->nrec--; return false; }
    r->time_ms = t * 1000;
    r->lat = lat / 1e6;
    r->lon = lon / 1e6;
    r->course = heading;
    r->speed = speed;
    r->valid = true;
    r->has = TRK_R_TIME | TRK_R_COURSE | TRK_R_SPEED | TRK_R_VALID;
    if (r->lat >= -90 && r->lat <= 90 && r->lon >= -180 && r->lon <= 180) r->has |= TRK_R_POS;
    if (first) {
        field_int(m, "report_id", report);
        const char *rn = report_name(report);
        if (rn && field_room(m, "event")) msg_field_str(m, "event", "%s", rn);
        field_num(m, "odometer_km", odo / 10.0);
        field_num(m, "hdop", hdop / 10.0);
        field_int(m, "inputs", in);
        field_int(m, "outputs", out);
        field_num(m, "adc_v", adc / 1000.0);
        if (driver[0] && field_room(m, "driver")) msg_field_str(m, "driver", "%s", driver);
        if (t1 != 2000) field_num(m, "temp1", t1 / 10.0);
        if (t2 != 2000) field_num(m, "temp2", t2 / 10.0);
        if (textlen && field_room(m, "text")) msg_field_str(m, "text", "%s", text);
    }
    /* custom data with its form string */
    if (rd_peek(c, c->off) == '%') {
        size_t fl;
        strz(c, form, sizeof form, &fl);
        if (c->err) return false;
        if (first && field_room(m, "form")) msg_field_str(m, "form", "%s", form);
        if (!custom_values(m, c, form, first, r)) return false;
    }
    return true;
}

static void decode_binary(struct trk_rd *rd, enum trk_dir d, struct trk_msg *m)
{
    unsigned a = rd_u8(rd), b = rd_u8(rd);
    unsigned crc = rd_be16(rd);
    size_t at_len = rd->off;
    unsigned len = rd_be16(rd);
    size_t have = rd_left(rd);
    if (rd->err) { m->type = "unknown"; msg_truncated(m, rd); return; }
    if (len != have) msg_length_mismatch(m, len, have, at_len, 2);
    size_t cov = len < have ? len : have;
    const uint8_t *s = rd_peek_span(rd, at_len, cov + 2);
    if (s && len == have) {
        unsigned comp = crc16_arc(s, cov + 2);
        if (comp != crc) msg_crc_mismatch(m, "crc", crc, comp, 4, 2, 2);   /* after the prefix */
    }
    struct trk_rd body = rd_sub(rd, cov);
    rd_skip(rd, rd_left(rd));
    unsigned seq = rd_be16(&body);
    uint64_t id = rd_be64(&body);
    if (body.err) { m->type = "unknown"; msg_truncated(m, &body); return; }
    set_unit(m, id);
    field_int(m, "serial", seq);
    m->want_reply.set = true;
    m->want_reply.key = seq;
    m->want_reply.count = 1;
    if (a == '@' && b == 'R') {
        m->type = "photo";
        field_int(m, "photo_bytes", (int64_t)rd_left(&body));
        rd_skip(&body, rd_left(&body));
        return;
    }
    if (!(a == '@' && b == 'P') && field_room(m, "prefix")) msg_field_str(m, "prefix", "%02x%02x", a, b);
    m->type = "position";
    bool first = true;
    while (rd_left(&body) > 0) {
        if (!binary_record(m, &body, first)) break;
        first = false;
    }
    if (body.err && m->nrec == 0) { msg_truncated(m, &body); return; }
    if (rd_left(&body) && !body.err) {
        size_t k = rd_left(&body);
        field_int(m, "undecoded_bytes", (int64_t)k);
        f_hexb(m, "undecoded", rd_span(&body, k), k);
    }
    field_int(m, "records", (int64_t)m->nrec);
}

/* ----------------------------------------------------------- text forms */

/* Unix seconds (<= 10 digits) or YYYYMMDDhhmmss */
static bool tok_time(struct tok t, int64_t *out)
{
    for (size_t i = 0; i < t.n; i++) if (!is_digit(t.s[i])) return false;
    if (t.n == 14) {
        int v[7] = { 0 };
        static const int w[6] = { 4, 2, 2, 2, 2, 2 };
        size_t o = 0;
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < w[i]; j++) v[i] = v[i] * 10 + (t.s[o++] - '0');
        }
        if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59 || v[5] > 60) return false;
        *out = trk_timegm(v[0], v[1], v[2], v[3], v[4], v[5]);
        return true;
    }
    if (t.n == 0 || t.n > 10) return false;
    int64_t x = 0;
    for (size_t i = 0; i < t.n; i++) x = x * 10 + (t.s[i] - '0');
    *out = x;
    return true;
}

#define MAXF 160

/* one text record: f[0] = GPS time ... (at least 16 fields) */
static void text_record(struct trk_msg *m, const struct tok *f, size_t nf, bool first)
{
    double lon, lat, v;
    int64_t t;
    struct trk_record *r = msg_add_record(m);
    if (!r) return;
    if (tok_time(f[0], &t)) { r->time_ms = t * 1000; r->has |= TRK_R_TIME; }
    if (tok_decimal(f[3], 1e15, &lon) && tok_decimal(f[4], 1e15, &lat)) {
        r->lat = lat / 1e6;
        r->lon = lon / 1e6;
        if (r->lat >= -90 && r->lat <= 90 && r->lon >= -180 && r->lon <= 180) r->has |= TRK_R_POS;
    }
    r->valid = true;
    r->has |= TRK_R_VALID;
    if (tok_decimal(f[5], 1e15, &v)) { r->course = v; r->has |= TRK_R_COURSE; }
    if (nf > 10 && tok_decimal(f[10], 1e15, &v)) { r->speed = v; r->has |= TRK_R_SPEED; }
    if (!first) return;
    if (tok_decimal(f[6], 1e15, &v) && v >= 0 && v < 1e15) field_int(m, "report_id", (int64_t)v);
    if (tok_decimal(f[7], 1e15, &v)) field_num(m, "odometer", v);
    if (tok_decimal(f[8], 1e15, &v)) field_num(m, "hdop", v / 10.0);
    if (tok_decimal(f[9], 1e15, &v) && v >= 0 && v < 1e15) field_int(m, "inputs", (int64_t)v);
    if (nf > 11 && tok_decimal(f[11], 1e15, &v) && v >= 0 && v < 1e15) field_int(m, "outputs", (int64_t)v);
    if (nf > 12 && tok_decimal(f[12], 1e15, &v)) field_num(m, "adc_v", v / 1000.0);
    if (nf > 13 && f[13].n) field_text(m, "driver", (const uint8_t *)f[13].s, f[13].n, TXT_SHOWN, 0);
    if (nf > 14 && tok_decimal(f[14], 1e15, &v) && v != 2000) field_num(m, "temp1", v / 10.0);
    if (nf > 15 && tok_decimal(f[15], 1e15, &v) && v != 2000) field_num(m, "temp2", v / 10.0);
    if (nf > 16 && f[16].n) {
        struct tok tx = f[16];
        if (!(tx.n == 1 && (tx.s[0] == 0x1a || tx.s[0] == ' '))) field_text(m, "text", (const uint8_t *)tx.s, tx.n, TXT_SHOWN, 0);
    }
    if (nf > 17) {
        size_t last = (nf > MAXF ? MAXF : nf) - 1;
        size_t from = (size_t)(f[17].s - f[0].s);
        size_t to = (size_t)(f[last].s + f[last].n - f[0].s);
        if (f[17].n && f[17].s[0] == '%') {
            field_text(m, "form", (const uint8_t *)f[17].s, f[17].n, TXT_SHOWN, 0);
            from = nf > 18 ? (size_t)(f[18].s - f[0].s) : to;
        }
        if (to > from) field_text(m, "custom", (const uint8_t *)(f[0].s + from), to - from, TXT_SHOWN, 0);
    }
}

static void decode_text(struct trk_rd *rd, struct trk_msg *m)
{
    char buf[A_TEXT_MAX];
    size_t n = rd_left(rd);
    size_t comma = 0, len = 0;
    (void)text_hdr(rd, &comma, &len);
    if (comma + len != n) msg_length_mismatch(m, len, n > comma ? n - comma : 0, 8, comma - 8);   /* the digits */
    if (n > sizeof buf) n = sizeof buf;
    rd_bytes(rd, buf, n);
    rd_skip(rd, rd_left(rd));
    m->type = "position";
    /* header fields */
    struct tok all = { buf, n };
    struct tok lines[TRK_MAX_REC + 1];
    size_t nl = tok_split_all(all, '\n', lines, TRK_MAX_REC + 1);
    if (nl > TRK_MAX_REC + 1) nl = TRK_MAX_REC + 1;
    bool first = true;
    for (size_t li = 0; li < nl; li++) {
        struct tok ln = lines[li];
        if (ln.n && ln.s[ln.n - 1] == '\r') ln.n--;
        if (!ln.n) continue;
        struct tok f[MAXF];
        size_t nf = tok_split_all(ln, ',', f, MAXF);
        size_t use = nf > MAXF ? MAXF : nf;
        size_t o = 0;
        if (li == 0) {
            if (use < 5) { msg_malformed(m, "text header has %zu fields", use); return; }
            field_text(m, "crc_text", (const uint8_t *)f[1].s, f[1].n, TXT_SHOWN, 0);
            double seq, id;
            if (tok_decimal(f[3], 1e15, &seq) && seq >= 0 && seq < 4294967296.0) {
                field_int(m, "serial", (int64_t)seq);
                m->want_reply.set = true;
                m->want_reply.key = (uint32_t)seq;
                m->want_reply.count = 1;
            }
            if (f[4].n && tok_decimal(f[4], 1e15, &id)) {
                char b[32];
                size_t k = f[4].n < sizeof b - 1 ? f[4].n : sizeof b - 1;
                memcpy(b, f[4].s, k);
                b[k] = 0;
                msg_set_imei(m, b);
            }
            o = 5;
        }
        if (use - o < 12) {
            if (li == 0 && use == o) break;
            msg_malformed(m, "record %zu has %zu fields, expected at least 12", li + 1, use - o);
            return;
        }
        text_record(m, f + o, use - o, first);
        first = false;
    }
    field_int(m, "records", (int64_t)m->nrec);
}

static void decode_reply_line(struct trk_rd *rd, struct trk_msg *m, enum trk_dir d)
{
    char buf[2048];
    size_t n = rd_left(rd);
    if (n > sizeof buf) n = sizeof buf;
    rd_bytes(rd, buf, n);
    rd_skip(rd, rd_left(rd));
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r')) n--;
    if (d == TRK_DOWN) {
        m->type = "command";
        field_text(m, "text", (const uint8_t *)buf, n, TXT_SHOWN, 0);
        return;
    }
    m->type = "command-reply";
    if (n >= 7 && memcmp(buf, "$ERROR=", 7) == 0) {
        field_text(m, "error", (const uint8_t *)(buf + 7), n - 7, TXT_SHOWN, 0);
        m->is_reply.accept = false;
    } else if (n >= 3 && memcmp(buf, "$OK", 3) == 0) {
        field_text(m, "result", (const uint8_t *)"ok", 2, TXT_SHOWN, 0);
    } else if (n >= 6 && memcmp(buf, "$INFO=", 6) == 0) {
        field_text(m, "info", (const uint8_t *)(buf + 6), n - 6, TXT_SHOWN, 0);
    } else {
        field_text(m, "text", (const uint8_t *)buf, n, TXT_SHOWN, 0);
    }
}

static void atrack_decode(struct trk_rd *rd, enum trk_dir d, struct trk_state *st, struct trk_msg *m)
{
    int a = rd_peek(rd, 0), b = rd_peek(rd, 1);
    size_t n = rd_left(rd);
    if (a == 0xFE && b == 0x02) {
        rd_skip(rd, 2);
        uint64_t id = rd_be64(rd);
        unsigned seq = rd_be16(rd);
        if (rd->err) { m->type = "unknown"; msg_truncated(m, rd); return; }
        set_unit(m, id);
        field_int(m, "serial", seq);
        if (rd_left(rd)) msg_length_mismatch(m, 12, n, 0, 0);
        rd_skip(rd, rd_left(rd));
        if (d == TRK_DOWN) {
            m->type = "ack";
            m->is_reply.set = true;
            m->is_reply.key = seq;
            m->is_reply.count = 1;
            m->is_reply.accept = true;
        } else {
            m->type = "heartbeat";
            m->want_reply.set = true;
            m->want_reply.key = seq;
            m->want_reply.count = 1;
        }
        return;
    }
    if (a == '$' || d == TRK_DOWN) { decode_reply_line(rd, m, d); return; }
    size_t comma, len;
    if (text_hdr(rd, &comma, &len) > 0) { decode_text(rd, m); return; }
    if (n >= 6 && binary_prefix(a, b)) { decode_binary(rd, d, m); return; }
    m->type = "unknown";
    if (n < 6) msg_malformed(m, "truncated at offset %zu", n);
    else msg_malformed_at(m, 0, 2, "bad frame start 0x%02X%02X", (unsigned)(a & 0xFF), (unsigned)(b & 0xFF));
    rd_skip(rd, n);
}

static const uint16_t atrack_ports[] = { 5044, 0 };

const struct dissector dissector_atrack = {
    .name = "atrack",
    .title = "ATrack AK/AX/AT binary and text",
    .aliases = NULL,
    .ports = atrack_ports,
    .transports = TRK_TCP | TRK_UDP,
    .probe = atrack_probe,
    .frame = atrack_frame,
    .decode = atrack_decode,
};
