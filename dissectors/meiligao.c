/* meiligao.c: the Meiligao binary envelope (GT30/GT60/VT300/VT310/VT400):
 * framing by the u16 total length, CRC-16/CCITT-FALSE (0xFFFF = not provided),
 * login and its 0x4000 answer, heartbeats, RMC-style positions and alarms,
 * stored-position batches, RFID, OBD and photo messages, server commands.
 *
 * Frame: "$$" (device) or "@@" (server) | length u16be (whole frame) | ID 7
 * bytes BCD, F-padded | command u16be | data | CRC u16be over "$$"..data |
 * 0D 0A. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crc.h"
#include "dissect.h"
#include "fieldset.h"
#include "texttok.h"

#define HDR_DEV   0x2424      /* "$$" */
#define HDR_SRV   0x4040      /* "@@" */
#define MIN_FRAME 17          /* header, length, ID, command, CRC, 0D 0A */
#define MAX_FRAME 8192        /* longer length fields are taken as garbage */
#define SCAN_MAX  8192        /* how far frame() looks for 0D 0A when the length is wrong */
#define TEXT_MAX  2048        /* data bytes parsed as text */
#define STR_MAX (TEXT_MAX + 7)   /* longest string field */
#define HEX_MAX 512   /* most bytes shown as hex */

/* ------------------------------------------------------------------ helpers */

static bool is_start_at(const struct trk_rd *r, size_t at)
{
    unsigned v;
    return rd_peek_be16(r, at, &v) && (v == HDR_DEV || v == HDR_SRV);
}

static bool is_stop_at(const struct trk_rd *r, size_t at)
{
    unsigned v;
    return rd_peek_be16(r, at, &v) && v == 0x0D0A;
}

static void f_tok(struct trk_msg *m, const char *key, struct tok t)
{
    if (t.n == 0) return;
    if (tok_printable(t)) field_str(m, key, STR_MAX, "%.*s", (int)t.n, t.s);
    else field_hex(m, key, (const uint8_t *)t.s, t.n, HEX_MAX);
}

/* ddmm.mmmm (or dddmm.mmmm) to degrees */
static bool nmea_deg(struct tok t, char hemi, double *out)
{
    double v;
    if (!tok_num(t, &v) || v < 0) return false;
    double deg = (double)(long)(v / 100);
    double d = deg + (v - deg * 100) / 60.0;
    if (hemi == 'S' || hemi == 'W') d = -d;
    *out = d;
    return true;
}

/* ------------------------------------------------------------ positions */

/* "hhmmss.sss,A,ddmm.mmmm,N,dddmm.mmmm,E,speed,course,ddmmyy,..." [| extras]:
 * one record.  Returns true when a record was added. */
static bool rmc_record(struct trk_msg *m, const char *s, size_t n, bool extras)
{
    const char *bar = memchr(s, '|', n);
    size_t rl = bar ? (size_t)(bar - s) : n;
    struct tok t[16];
    size_t k = tok_split(s, rl, ',', t, 16);
    if (k < 6) return false;
    double lat, lon;
    char ns = t[3].n ? t[3].s[0] : 'N', ew = t[5].n ? t[5].s[0] : 'E';
    if (!nmea_deg(t[2], ns, &lat) || !nmea_deg(t[4], ew, &lon)) return false;
    struct trk_record *r = msg_add_record(m);
    if (!r) return false;
    if (lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180) {
        r->lat = lat;
        r->lon = lon;
        r->has |= TRK_R_POS;
    }
    if (t[1].n == 1) {
        r->valid = t[1].s[0] == 'A';
        r->has |= TRK_R_VALID;
    }
    double v;
    if (k > 6 && tok_num(t[6], &v)) { r->speed = v * 1.852; r->has |= TRK_R_SPEED; }
    if (k > 7 && tok_num(t[7], &v)) { r->course = v; r->has |= TRK_R_COURSE; }
    int hms, dmy;
    if (k > 8 && tok_digits(t[0], 6, &hms) && tok_digits(t[8], 6, &dmy)) {
        int hh = hms / 10000, mi = hms / 100 % 100, ss = hms % 100;
        int dd = dmy / 10000, mo = dmy / 100 % 100, yy = dmy % 100;
        if (hh < 24 && mi < 60 && ss < 61 && mo >= 1 && mo <= 12 && dd >= 1 && dd <= 31) {
            r->time_ms = trk_timegm(2000 + yy, mo, dd, hh, mi, ss) * 1000;
            double frac;
            struct tok ft = {t[0].s + 6, t[0].n - 6};
            if (ft.n > 1 && ft.s[0] == '.' && tok_num(ft, &frac)) r->time_ms += (int64_t)(frac * 1000 + 0.5);
            r->has |= TRK_R_TIME;
        }
    }
    if (!extras || !bar) return true;
    /* |HDOP|altitude|state|AD1,AD2..|cell|RSSI|mileage|satellites|driver */
    struct tok x[12];
    size_t xn = tok_split(bar + 1, n - rl - 1, '|', x, 12);
    if (xn > 0 && tok_num(x[0], &v)) field_num(m, "hdop", v);
    if (xn > 1 && tok_num(x[1], &v)) { r->alt = v; r->has |= TRK_R_ALT; }
    unsigned long long h;
    if (xn > 2) f_tok(m, "state", x[2]);
    if (xn > 3) f_tok(m, "adc", x[3]);
    if (xn > 4) f_tok(m, "cell", x[4]);
    if (xn > 5 && tok_hex(x[5], &h)) field_int(m, "rssi", (int64_t)h);
    if (xn > 6 && tok_hex(x[6], &h)) field_int(m, "odometer", (int64_t)h);
    if (xn > 7 && tok_hex(x[7], &h) && h < 100) { r->sats = (int)h; r->has |= TRK_R_SATS; }
    if (xn > 8) f_tok(m, "driver", x[8]);
    return true;
}

/* data bytes into a local text buffer (NULs kept), returns the length */
static size_t data_text(struct trk_rd *c, char *buf, size_t sz)
{
    size_t k = rd_left(c);
    if (k > sz - 1) k = sz - 1;
    rd_bytes(c, buf, k);
    buf[k] = 0;
    rd_skip(c, rd_left(c));
    return k;
}

static void up_position(struct trk_msg *m, struct trk_rd *c, const char *type, bool alarm)
{
    char buf[TEXT_MAX];
    m->type = type;
    if (alarm) {
        unsigned a = rd_u8(c);
        if (c->err) return;
        field_str(m, "alarm", STR_MAX, "0x%02X", a);        /* the vendor's alarm code */
    }
    size_t n = data_text(c, buf, sizeof buf);
    if (!rmc_record(m, buf, n, true)) f_tok(m, "data", (struct tok){buf, n});
}

/* 0x6688: count, then records separated by '\' (each may start with NUL) */
static void up_batch(struct trk_msg *m, struct trk_rd *c)
{
    char buf[TEXT_MAX];
    m->type = "position";
    unsigned count = rd_u8(c);
    if (c->err) return;
    field_int(m, "count", count);
    size_t n = data_text(c, buf, sizeof buf);
    struct tok t[64];
    size_t k = tok_split(buf, n, '\\', t, 64);
    for (size_t i = 0; i < k; i++) {
        while (t[i].n && t[i].s[0] == 0) { t[i].s++; t[i].n--; }
        if (t[i].n) rmc_record(m, t[i].s, t[i].n, i == 0);
    }
}

/* 0x9966: card data, then "|hhmmss,ddmmyy,ddmm.mmmm,N,dddmm.mmmm,E" */
static void up_rfid(struct trk_msg *m, struct trk_rd *c)
{
    char buf[TEXT_MAX];
    m->type = "rfid";
    size_t n = data_text(c, buf, sizeof buf);
    const char *bar = memchr(buf, '|', n);
    size_t cl = bar ? (size_t)(bar - buf) : n;
    if (cl >= 4) field_hex(m, "rfid", (const uint8_t *)buf, 4, HEX_MAX);
    if (!bar) return;
    struct tok t[8];
    size_t k = tok_split(bar + 1, n - cl - 1, ',', t, 8);
    double lat, lon;
    if (k < 6) return;
    char ns = t[3].n ? t[3].s[0] : 'N', ew = t[5].n ? t[5].s[0] : 'E';
    if (!nmea_deg(t[2], ns, &lat) || !nmea_deg(t[4], ew, &lon)) return;
    struct trk_record *r = msg_add_record(m);
    if (!r) return;
    if (lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180) {
        r->lat = lat; r->lon = lon; r->has |= TRK_R_POS;
    }
    r->valid = true;
    r->has |= TRK_R_VALID;
    int hms, dmy;
    if (tok_digits(t[0], 6, &hms) && tok_digits(t[1], 6, &dmy)) {
        int hh = hms / 10000, mi = hms / 100 % 100, ss = hms % 100;
        int dd = dmy / 10000, mo = dmy / 100 % 100, yy = dmy % 100;
        if (hh < 24 && mi < 60 && ss < 61 && mo >= 1 && mo <= 12 && dd >= 1 && dd <= 31) {
            r->time_ms = trk_timegm(2000 + yy, mo, dd, hh, mi, ss) * 1000;
            r->has |= TRK_R_TIME;
        }
    }
}

static void up_text(struct trk_msg *m, struct trk_rd *c, const char *type, const char *key)
{
    char buf[TEXT_MAX];
    m->type = type;
    size_t n = data_text(c, buf, sizeof buf);
    f_tok(m, key, (struct tok){buf, n});
}

static void rest_hex(struct trk_msg *m, struct trk_rd *c, const char *key)
{
    size_t k = rd_left(c);
    if (k) field_hex(m, key, rd_span(c, k), k, HEX_MAX);
}

/* server commands and answers */
static bool decode_server(struct trk_msg *m, struct trk_rd *c, unsigned cmd)
{
    switch (cmd) {
    case 0x4000: {
        m->type = "ack";
        unsigned ok = rd_u8(c);
        if (c->err) { m->is_reply.set = true; m->is_reply.key = 0x5000; m->is_reply.accept = true; return true; }
        field_bool(m, "accepted", ok == 1);
        m->is_reply.set = true;
        m->is_reply.key = 0x5000;
        m->is_reply.accept = ok == 1;
        return true;
    }
    default:
        if ((cmd >> 8) == 0x41 || (cmd >> 8) == 0x42 || (cmd >> 8) == 0x43 || (cmd >> 8) == 0x44 ||
            (cmd >> 8) == 0x45 || (cmd >> 8) == 0x46 || (cmd >> 8) == 0x47 || (cmd >> 8) == 0x48 ||
            (cmd >> 8) == 0x49) {
            m->type = "command";
            rest_hex(m, c, "params");
            return true;
        }
        return false;
    }
}

static bool decode_device(struct trk_msg *m, struct trk_rd *c, unsigned cmd, enum trk_dir d)
{
    switch (cmd) {
    case 0x5000:
        m->type = "login";
        rest_hex(m, c, "extra");
        if (d == TRK_UP) { m->want_reply.set = true; m->want_reply.key = 0x5000; }
        return true;
    case 0x0001:
        if (d == TRK_DOWN) {
            m->type = "ack";
            m->is_reply.set = true;
            m->is_reply.key = 0x0001;
            m->is_reply.accept = true;
        } else {
            m->type = "heartbeat";
            m->want_reply.set = true;
            m->want_reply.key = 0x0001;
        }
        rest_hex(m, c, "extra");
        return true;
    case 0x0002: m->type = "address-request"; rest_hex(m, c, "extra"); return true;
    case 0x0003: case 0x0005: m->type = "status"; rest_hex(m, c, "extra"); return true;
    case 0x9955: up_position(m, c, "position", false); return true;
    case 0x9016: m->type = "position"; rd_skip(c, 6); up_position(m, c, "position", false); return true;
    case 0x9999: up_position(m, c, "alarm", true); return true;
    case 0x9966: up_rfid(m, c); return true;
    case 0x6688: up_batch(m, c); return true;
    case 0x9901: case 0x9902: up_text(m, c, "obd", "obd"); return true;
    case 0x9903: up_text(m, c, "obd", "dtcs"); return true;
    case 0x0800: m->type = "photo"; rest_hex(m, c, "info"); return true;
    case 0x9988: {
        m->type = "photo";
        size_t k = rd_left(c);
        field_int(m, "chunk_bytes", (int64_t)k);
        rd_skip(c, k);
        return true;
    }
    case 0x0F80: m->type = "photo"; rest_hex(m, c, "info"); return true;
    default:
        return false;
    }
}

/* ----------------------------------------------------------- entry points */

static long mg_frame(const uint8_t *p, size_t n, enum trk_dir d, const struct trk_state *st)
{
    struct trk_rd r;
    (void)d; (void)st;
    rd_init(&r, p, n);
    if (n == 0) return TRK_FRAME_MORE;
    if (!is_start_at(&r, 0)) {
        int b0 = rd_peek(&r, 0);
        if (n == 1) return (b0 == '$' || b0 == '@') ? TRK_FRAME_MORE : -1;
        for (size_t k = 1; k + 1 < n; k++)
            if (is_start_at(&r, k)) return -(long)k;
        int last = rd_peek(&r, n - 1);
        return -(long)((last == '$' || last == '@') ? n - 1 : n);
    }
    unsigned len;
    if (!rd_peek_be16(&r, 2, &len)) return TRK_FRAME_MORE;
    if (len > MAX_FRAME) return -2;                       /* not a Meiligao length */
    if (len >= MIN_FRAME && n >= len && is_stop_at(&r, len - 2)) return (long)len;
    /* the length disagrees with the bytes (or the frame is not all here): the
     * frame ends at a 0D 0A with a frame start behind it or a CRC that holds */
    size_t lim = n < SCAN_MAX ? n : SCAN_MAX;
    for (size_t e = 13 + 2; e + 1 < lim; e++) {
        if (!is_stop_at(&r, e)) continue;
        if (is_start_at(&r, e + 2)) return (long)(e + 2);
        unsigned field;
        const uint8_t *s = rd_peek_span(&r, 0, e - 2);
        if (s && rd_peek_be16(&r, e - 2, &field) && field == crc16_ccitt_false(s, e - 2)) return (long)(e + 2);
    }
    if (len >= MIN_FRAME && n >= len) return (long)len;   /* trust the length */
    if (n >= SCAN_MAX) return -2;
    return TRK_FRAME_MORE;
}

static void mg_decode(struct trk_rd *rd, enum trk_dir d, struct trk_state *st, struct trk_msg *m)
{
    size_t n = rd->n;
    (void)st;
    m->type = "unknown";
    unsigned hdr = rd_be16(rd);
    if (rd->err) return;
    if (hdr != HDR_DEV && hdr != HDR_SRV) {
        msg_malformed_at(m, 0, 2, "bad start bytes 0x%04X, expected 0x2424 or 0x4040", hdr);
        m->type = "garbage";
        rd_skip(rd, rd_left(rd));
        return;
    }
    unsigned len = rd_be16(rd);
    char id[16];
    rd_bcd(rd, 7, id, sizeof id);
    unsigned cmd = rd_be16(rd);
    if (rd->err) {
        msg_malformed(m, "truncated at offset %zu: a frame has at least %d bytes", n, MIN_FRAME);
        rd_skip(rd, rd_left(rd));
        return;
    }
    if (id[0]) {
        msg_set_imei(m, id);
        field_str(m, "id", STR_MAX, "%s", id);
    }
    field_str(m, "command", STR_MAX, "0x%04X", cmd);

    bool stop = n >= 15 + 2 && is_stop_at(rd, n - 2);
    size_t body_end = stop ? n - 2 : n;         /* end of the CRC field */
    if (len != n) msg_length_mismatch(m, len, n, 2, 2);
    if (!stop) msg_malformed(m, "missing 0d0a stop bytes at offset %zu", n);
    if (body_end < 13 + 2) {
        msg_malformed(m, "truncated at offset %zu: no room for the CRC", n);
        rd_skip(rd, rd_left(rd));
        return;
    }
    uint64_t field = 0;
    rd_peek_be(rd, body_end - 2, 2, &field);
    const uint8_t *cov = rd_peek_span(rd, 0, body_end - 2);
    unsigned computed = cov ? crc16_ccitt_false(cov, body_end - 2) : 0;
    if (field == 0xFFFF) field_str(m, "crc", STR_MAX, "not provided");
    else if (field != computed) msg_crc_mismatch(m, "crc", (uint32_t)field, computed, 4, body_end - 2, 2);

    struct trk_rd c = rd_sub(rd, body_end - 2 - 13);
    rd_skip(rd, rd_left(rd));
    bool known = hdr == HDR_SRV ? (decode_server(m, &c, cmd) || decode_device(m, &c, cmd, TRK_DOWN))
                                : (decode_device(m, &c, cmd, d) || decode_server(m, &c, cmd));
    if (!known) {
        rest_hex(m, &c, "data");
        msg_unsupported_at(m, 11, 2, "unsupported command 0x%04X", cmd);   /* after start, length, id */
        return;
    }
    if (c.err && m->status == TRK_OK) msg_truncated(m, &c);
}

static bool known_cmd(unsigned cmd)
{
    switch (cmd) {
    case 0x5000: case 0x4000: case 0x0001: case 0x0002: case 0x0003: case 0x0005: case 0x9955:
    case 0x9016: case 0x9999: case 0x9966: case 0x6688: case 0x9901: case 0x9902: case 0x9903:
    case 0x0800: case 0x9988: case 0x0F80:
        return true;
    default:
        return (cmd >> 8) >= 0x41 && (cmd >> 8) <= 0x49;
    }
}

static int mg_probe(const uint8_t *p, size_t n, unsigned transport)
{
    struct trk_rd r;
    (void)transport;
    rd_init(&r, p, n);
    if (!is_start_at(&r, 0)) return 0;
    int b2 = rd_peek(&r, 2);
    if (b2 < 0) return 10;
    if (b2 >= 0x20) return 0;                 /* a Meitrack flag letter, or an absurd length */
    unsigned len = 0;
    if (!rd_peek_be16(&r, 2, &len)) return 15;
    int score = 20;
    /* the ID: BCD digits, unused nibbles F */
    bool idok = true, pad = false;
    for (size_t i = 0; i < 7; i++) {
        int b = rd_peek(&r, 4 + i);
        if (b < 0) { idok = false; break; }
        unsigned nib[2] = {(unsigned)b >> 4, (unsigned)b & 15};
        for (int k = 0; k < 2; k++) {
            if (nib[k] == 15) pad = true;
            else if (nib[k] > 9 || pad) idok = false;
        }
    }
    if (idok) score += 15;
    unsigned cmd;
    if (rd_peek_be16(&r, 11, &cmd) && known_cmd(cmd)) score += 15;
    if (len >= MIN_FRAME && len <= MAX_FRAME && n >= len && is_stop_at(&r, len - 2)) {
        score += 20;
        unsigned field = 0;
        const uint8_t *s = rd_peek_span(&r, 0, len - 4);
        if (s && rd_peek_be16(&r, len - 4, &field) && (field == 0xFFFF || field == crc16_ccitt_false(s, len - 4)))
            score += field == 0xFFFF ? 15 : 30;
    } else if (len >= MIN_FRAME && n >= len) {
        score -= 10;
    }
    return score < 0 ? 0 : score > 100 ? 100 : score;
}

static const uint16_t mg_ports[] = {5009, 0};

const struct dissector dissector_meiligao = {
    .name = "meiligao",
    .title = "Meiligao GT30/GT60/VT300/VT310/VT400 ($$ binary, CRC-16/CCITT-FALSE)",
    .aliases = NULL,
    .ports = mg_ports,
    .transports = TRK_TCP | TRK_UDP,
    .probe = mg_probe,
    .frame = mg_frame,
    .decode = mg_decode,
};
