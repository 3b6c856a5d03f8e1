/* queclink.c: Queclink @Track (GL/GV/GB/GMT series): the ASCII reports
 * (+RESP:/+BUFF:/+ACK:GTxxx,... ending in '$'), the binary forms (+RSP, +EVT,
 * +INF, +HBD, +ACK, ... with a length field, and the newer 2B 00 TLV frames),
 * and the server's answers (+SACK:...$) and AT+GT commands.
 *
 * ASCII layouts differ per model, version and report mask, so fields are not
 * taken by a fixed position: the identity sits after the protocol version,
 * the tail is send time and count, and every location block is recognised by
 * its shape (speed, azimuth, altitude, longitude, latitude, GPS UTC time). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dissect.h"
#include "fieldset.h"
#include "texttok.h"
#include "strutil.h"

#define TEXT_MAX   16384    /* longest text message decoded */
#define MAX_FIELDS 512
#define SCAN_MAX   16384    /* how far frame() looks for the '$' */
#define STR_MAX (1099)   /* longest string field */
#define HEX_MAX 511   /* most bytes shown as hex */

/* ------------------------------------------------------------------ helpers */

static bool starts(const struct trk_rd *r, size_t at, const char *s)
{
    size_t k = strlen(s);
    const uint8_t *p = rd_peek_span(r, at, k);
    return p && memcmp(p, s, k) == 0;
}

static bool date_ok(int y, int mo, int d, int h, int mi, int s)
{
    return y >= 1970 && y < 2100 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h < 24 && mi < 60 && s < 60;
}

/* ------------------------------------------------------------- text fields */

static bool all_hex(struct tok f)
{
    if (!f.n) return false;
    for (size_t i = 0; i < f.n; i++) {
        char c = f.s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
    }
    return true;
}

/* YYYYMMDDHHMMSS to seconds, or -1 */
static int64_t time14(struct tok f)
{
    if (f.n != 14 || !tok_all_digits(f)) return -1;
    int v[6], w[6] = {4, 2, 2, 2, 2, 2};
    size_t o = 0;
    for (int i = 0; i < 6; i++) {
        v[i] = 0;
        for (int k = 0; k < w[i]; k++) v[i] = v[i] * 10 + (f.s[o++] - '0');
    }
    if (!date_ok(v[0], v[1], v[2], v[3], v[4], v[5])) return -1;
    return trk_timegm(v[0], v[1], v[2], v[3], v[4], v[5]);
}

static void f_time(struct trk_msg *m, const char *key, int64_t s)
{
    char b[80];
    fmt_time_ms((int64_t)s * 1000, b, sizeof b);
    field_str(m, key, STR_MAX, "%s", b);
}

/* ---------------------------------------------------------- message types */

struct gtype { const char *code; const char *type; const char *alarm; };

/* ASCII report types: the trackdump message type and, for alarms, the alarm */
static const struct gtype gtypes[] = {
    {"FRI", "position", NULL}, {"RTL", "position", NULL}, {"ERI", "position", NULL},
    {"DOG", "position", NULL}, {"LBC", "position", NULL}, {"GCR", "position", NULL},
    {"DIS", "event", NULL}, {"IGL", "position", NULL}, {"NMR", "event", NULL},
    {"TRI", "position", NULL}, {"CTN", "position", NULL}, {"STR", "position", NULL},
    {"LBS", "position", NULL}, {"WIF", "position", NULL}, {"GSM", "info", NULL},
    {"IDA", "event", NULL}, {"SWG", "event", NULL}, {"LSW", "event", NULL}, {"TSW", "event", NULL},
    {"MPN", "event", NULL}, {"MPF", "event", NULL}, {"EPN", "event", NULL}, {"EPF", "event", NULL},
    {"IGN", "event", NULL}, {"IGF", "event", NULL}, {"VGN", "event", NULL}, {"VGF", "event", NULL},
    {"STT", "event", NULL}, {"STC", "event", NULL}, {"BAA", "event", NULL}, {"BID", "event", NULL},
    {"DTT", "event", NULL}, {"DAT", "event", NULL}, {"CAN", "position", NULL}, {"OBD", "position", NULL},
    {"GSS", "event", NULL}, {"PNR", "event", NULL}, {"PFR", "event", NULL}, {"UPC", "event", NULL},
    {"UPD", "event", NULL}, {"GES", "event", NULL}, {"TMZ", "info", NULL}, {"BAT", "info", NULL},
    {"INF", "info", NULL}, {"VER", "info", NULL}, {"CID", "info", NULL}, {"CSQ", "info", NULL},
    {"GPS", "info", NULL}, {"ALL", "info", NULL}, {"ALS", "info", NULL}, {"PDP", "event", NULL},
    {"SOS", "alarm", "sos"}, {"SPD", "alarm", "overspeed"}, {"GEO", "alarm", "geofence"},
    {"PNL", "alarm", "panic"}, {"HBM", "alarm", "harsh-behaviour"}, {"PFA", "alarm", "power-off"},
    {"PNA", "alarm", "power-on"}, {"BPL", "alarm", "low-battery"}, {"TEM", "alarm", "temperature"},
    {"TMP", "alarm", "temperature"}, {"JDR", "alarm", "jamming"}, {"JDS", "alarm", "jamming"},
    {"CRA", "alarm", "crash"}, {"DAR", "alarm", "driver-assistance"}, {"TOW", "alarm", "tow"},
    {"STP", "event", NULL}, {"LSP", "event", NULL}, {"EUC", "event", NULL}, {"HBE", "event", NULL},
    {"FLA", "alarm", "fuel"}, {"AIS", "alarm", "analog-input"}, {"PHL", "event", NULL},
    {"RMD", "event", NULL}, {"ATL", "event", NULL}, {"ASC", "event", NULL}, {"PHD", "event", NULL},
    {"CLT", "event", NULL}, {"BTC", "event", NULL}, {"SVR", "event", NULL}, {"EXP", "event", NULL},
};

static const struct gtype *gtype_of(struct tok code)
{
    if (code.n != 5 || code.s[0] != 'G' || code.s[1] != 'T') return NULL;
    for (size_t i = 0; i < sizeof gtypes / sizeof gtypes[0]; i++)
        if (memcmp(gtypes[i].code, code.s + 2, 3) == 0) return &gtypes[i];
    return NULL;
}

/* ------------------------------------------------------------ text decode */

static int64_t hexval(struct tok f)
{
    int64_t v = 0;
    for (size_t i = 0; i < f.n && i < 15; i++) {
        char c = f.s[i];
        v = v * 16 + (c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    return v;
}

/* location blocks: ..., accuracy, speed, azimuth, altitude, lon, lat, time, mcc, mnc, lac, cell */
static void text_positions(struct trk_msg *m, struct tok *f, size_t nf, size_t from)
{
    for (size_t i = from; i + 2 < nf; i++) {
        double lon, lat;
        int64_t t = time14(f[i + 2]);
        if (t < 0 || !tok_dec(f[i], &lon, true) || !tok_dec(f[i + 1], &lat, true)) continue;
        if (lon < -180 || lon > 180 || lat < -90 || lat > 90) continue;
        struct trk_record *r = msg_add_record(m);
        if (!r) return;
        r->has = TRK_R_TIME | TRK_R_POS | TRK_R_VALID;
        r->time_ms = t * 1000;
        r->lat = lat;
        r->lon = lon;
        double v, acc = -1;
        if (i >= 1 && tok_dec(f[i - 1], &v, false)) { r->alt = v; r->has |= TRK_R_ALT; }
        if (i >= 2 && tok_dec(f[i - 2], &v, false)) { r->course = v; r->has |= TRK_R_COURSE; }
        if (i >= 3 && tok_dec(f[i - 3], &v, false) && v >= 0) { r->speed = v; r->has |= TRK_R_SPEED; }
        if (i >= 4 && tok_dec(f[i - 4], &acc, false)) field_num(m, "gps_accuracy", acc);
        r->valid = acc != 0;      /* accuracy 0: the last known position */
        if (i + 6 < nf && tok_all_digits(f[i + 3]) && tok_all_digits(f[i + 4]) && all_hex(f[i + 5]) && all_hex(f[i + 6])) {
            char b[8];
            size_t k = f[i + 3].n < 7 ? f[i + 3].n : 7;
            memcpy(b, f[i + 3].s, k); b[k] = 0;
            field_int(m, "mcc", atoi(b));
            k = f[i + 4].n < 7 ? f[i + 4].n : 7;
            memcpy(b, f[i + 4].s, k); b[k] = 0;
            field_int(m, "mnc", atoi(b));
            field_int(m, "lac", hexval(f[i + 5]));
            field_int(m, "cell_id", hexval(f[i + 6]));
        }
        i += 2;
    }
}

static void decode_text(struct trk_rd *rd, enum trk_dir d, struct trk_state *st, struct trk_msg *m)
{
    char buf[TEXT_MAX + 1];
    size_t n = rd_left(rd);
    size_t take = n < TEXT_MAX ? n : TEXT_MAX;
    rd_bytes(rd, buf, take);
    rd_skip(rd, rd_left(rd));
    (void)st;
    /* strip the tail: '$', NUL, line ends */
    size_t end = take;
    while (end && (buf[end - 1] == '\r' || buf[end - 1] == '\n' || buf[end - 1] == 0)) end--;
    bool tail = end && buf[end - 1] == '$';
    if (tail) end--;
    buf[end] = 0;
    if (n > TEXT_MAX) field_str(m, "note", STR_MAX, "text longer than %d bytes: the rest is not decoded", TEXT_MAX);

    /* AT+GTxxx=...$ (server command) */
    if (end >= 5 && memcmp(buf, "AT+GT", 5) == 0) {
        m->type = "command";
        size_t k = 5;
        while (k < end && buf[k] != '=') k++;
        field_str(m, "command", STR_MAX, "GT%.*s", (int)(k - 5 < 8 ? k - 5 : 8), buf + 5);
        field_str(m, "text", STR_MAX, "%.*s", (int)(end < 1000 ? end : 1000), buf);
        return;
    }
    size_t colon = 0;
    while (colon < end && colon < 8 && buf[colon] != ':') colon++;
    if (colon >= end || buf[colon] != ':' || buf[0] != '+') {
        m->type = "unknown";
        msg_malformed(m, "bad header: expected +RESP:, +BUFF:, +ACK: or +SACK:");
        return;
    }
    struct tok fl[MAX_FIELDS];
    size_t nf = tok_split(buf + colon + 1, end - colon - 1, ',', fl, MAX_FIELDS);
    struct tok pre = {buf + 1, colon - 1};
    bool resp = tok_is(pre, "RESP"), bufd = tok_is(pre, "BUFF"), ack = tok_is(pre, "ACK"), sack = tok_is(pre, "SACK");
    field_str(m, "header", STR_MAX, "+%.*s", (int)pre.n, pre.s);

    if (sack) {
        /* +SACK:<count>$ or +SACK:GTHBD,<ver>,<count>$ */
        m->type = "ack";
        struct tok cnt = fl[nf - 1];
        if (nf >= 1 && fl[0].n == 5 && memcmp(fl[0].s, "GT", 2) == 0) field_str(m, "ack_for", STR_MAX, "%.*s", 5, fl[0].s);
        if (nf >= 3 && fl[1].n) field_str(m, "protocol_version", STR_MAX, "%.*s", (int)fl[1].n, fl[1].s);
        if (cnt.n >= 1 && cnt.n <= 4 && all_hex(cnt)) {
            field_str(m, "count", STR_MAX, "%.*s", (int)cnt.n, cnt.s);
            m->is_reply.set = true;
            m->is_reply.key = (uint32_t)hexval(cnt);
            m->is_reply.count = 1;
            m->is_reply.accept = true;
        } else {
            msg_malformed_at(m, (size_t)(cnt.s - buf), cnt.n, "bad count number \"%.*s\" in +SACK",
                             (int)(cnt.n < 16 ? cnt.n : 16), cnt.s);
        }
        return;
    }
    if (!resp && !bufd && !ack) {
        m->type = "unknown";
        msg_unsupported_at(m, (size_t)(pre.s - buf), pre.n, "unsupported message header +%.*s",
                           (int)(pre.n < 8 ? pre.n : 8), pre.s);
        return;
    }
    if (d == TRK_DOWN) field_str(m, "note", STR_MAX, "a device report seen in the server direction");
    struct tok code = fl[0];
    field_str(m, "report", STR_MAX, "%.*s", (int)(code.n < 8 ? code.n : 8), code.s);
    if (bufd) field_int(m, "buffered", 1);
    if (nf < 3) {
        m->type = "unknown";
        msg_malformed(m, "truncated: only %zu field(s) after the header", nf);
        return;
    }
    /* identity: after the protocol version, or right after the type (GTTRI, old GTINF) */
    size_t idi = 2;
    if ((fl[1].n == 15 && tok_all_digits(fl[1])) || (fl[1].n == 14 && all_hex(fl[1]) && !tok_all_digits(fl[1]))) idi = 1;
    else field_str(m, "protocol_version", STR_MAX, "%.*s", (int)(fl[1].n < 12 ? fl[1].n : 12), fl[1].s);
    if (fl[idi].n >= 8 && fl[idi].n < TRK_IMEI_MAX && (tok_all_digits(fl[idi]) || all_hex(fl[idi]))) {
        char id[TRK_IMEI_MAX];
        memcpy(id, fl[idi].s, fl[idi].n);
        id[fl[idi].n] = 0;
        msg_set_imei(m, id);
        field_str(m, "imei", STR_MAX, "%s", id);
    } else {
        field_str(m, "unique_id", STR_MAX, "%.*s", (int)(fl[idi].n < 40 ? fl[idi].n : 40), fl[idi].s);
    }
    if (idi + 1 < nf && fl[idi + 1].n && !tok_all_digits(fl[idi + 1]))
        field_str(m, "device_name", STR_MAX, "%.*s", (int)(fl[idi + 1].n < 40 ? fl[idi + 1].n : 40), fl[idi + 1].s);

    /* tail: send time and count number */
    struct tok cnt = fl[nf - 1];
    bool has_cnt = cnt.n == 4 && all_hex(cnt);
    if (has_cnt) field_str(m, "count", STR_MAX, "%.*s", 4, cnt.s);
    if (nf >= 2) {
        int64_t t = time14(fl[nf - 2]);
        if (t >= 0) f_time(m, "send_time", t);
    }

    const struct gtype *gt = gtype_of(code);
    if (ack) {
        if (tok_is(code, "GTHBD")) {
            m->type = "heartbeat";
            if (has_cnt) {
                m->want_reply.set = true;
                m->want_reply.key = (uint32_t)hexval(cnt);
                m->want_reply.count = 1;
            }
        } else {
            m->type = "command-reply";
            if (nf >= 4) {
                struct tok ser = fl[nf - 3];
                if (ser.n == 4 && all_hex(ser)) field_str(m, "serial", STR_MAX, "%.*s", 4, ser.s);
            }
        }
        text_positions(m, fl, nf, idi + 1);
        return;
    }
    text_positions(m, fl, nf, idi + 1);
    if (!gt) {
        m->type = m->nrec ? "position" : "event";
        msg_unsupported_at(m, (size_t)(code.s - buf), code.n, "unsupported message type %.*s",
                           (int)(code.n < 8 ? code.n : 8), code.s);
        return;
    }
    m->type = gt->type;
    if (gt->alarm) field_str(m, "alarm", STR_MAX, "%s", gt->alarm);
    if (!strcmp(gt->type, "event") && m->nrec && !strcmp(gt->code, "DIS")) m->type = "event";
    if (!strcmp(gt->code, "IGN") || !strcmp(gt->code, "VGN")) field_int(m, "ignition", 1);
    if (!strcmp(gt->code, "IGF") || !strcmp(gt->code, "VGF")) field_int(m, "ignition", 0);
    if (!strcmp(gt->code, "INF") && nf > idi + 3 && fl[idi + 3].n >= 18 && all_hex(fl[idi + 3]))
        field_str(m, "iccid", STR_MAX, "%.*s", (int)(fl[idi + 3].n < 24 ? fl[idi + 3].n : 24), fl[idi + 3].s);
    if (!strcmp(gt->code, "DAT") || !strcmp(gt->code, "DTT")) {
        for (size_t i = idi + 2; i + 2 < nf; i++)
            if (fl[i].n > 8) { field_str(m, "data", STR_MAX, "%.*s", (int)(fl[i].n < 1000 ? fl[i].n : 1000), fl[i].s); break; }
    }
}

/* ---------------------------------------------------------- binary decode */

struct bhdr { const char *name; size_t len_off; size_t len_w; const char *type; };

static const struct bhdr bhdrs[] = {
    {"+RSP", 9, 2, "position"}, {"+EVT", 9, 2, "event"}, {"+BSP", 9, 2, "position"},
    {"+BVT", 9, 2, "event"}, {"+INF", 7, 2, "info"}, {"+BNF", 7, 2, "info"},
    {"+HBD", 5, 1, "heartbeat"}, {"+CRD", 6, 2, "event"}, {"+BRD", 6, 2, "event"},
    {"+LGN", 6, 2, "login"}, {"+ACK", 6, 1, "command-reply"},
};

static const struct bhdr *bhdr_at(const struct trk_rd *r)
{
    for (size_t i = 0; i < sizeof bhdrs / sizeof bhdrs[0]; i++)
        if (starts(r, 0, bhdrs[i].name)) {
            if (!strcmp(bhdrs[i].name, "+ACK") && rd_peek(r, 4) == ':') return NULL;
            return &bhdrs[i];
        }
    return NULL;
}

static bool peek_u(const struct trk_rd *r, size_t at, size_t k, uint64_t *v) { return rd_peek_be(r, at, k, v); }

/* 7-byte time u16 year, month, day, hour, minute, second at `at`, or -1 */
static int64_t btime(const struct trk_rd *r, size_t at)
{
    uint64_t y;
    int t[5];
    if (!peek_u(r, at, 2, &y)) return -1;
    for (int i = 0; i < 5; i++) if ((t[i] = rd_peek(r, at + 2 + (size_t)i)) < 0) return -1;
    if (!date_ok((int)y, t[0], t[1], t[2], t[3], t[4]) || y < 2000) return -1;
    return trk_timegm((int)y, t[0], t[1], t[2], t[3], t[4]);
}

static bool lonlat_at(const struct trk_rd *r, size_t at, double *lon, double *lat)
{
    uint64_t a, b;
    if (!peek_u(r, at, 4, &a) || !peek_u(r, at + 4, 4, &b)) return false;
    *lon = (int32_t)(uint32_t)a / 1e6;
    *lat = (int32_t)(uint32_t)b / 1e6;
    return *lon >= -180 && *lon <= 180 && *lat >= -90 && *lat <= 90 && (a || b);
}

static unsigned bcd_digit_at(const struct trk_rd *r, size_t at, unsigned i)
{
    int b = rd_peek(r, at + i / 2);
    if (b < 0) return 0;
    unsigned v = (i & 1) ? (unsigned)b & 15 : (unsigned)b >> 4;
    return v > 9 ? 0 : v;
}

/* location records of +RSP/+EVT: hdop u8, speed BCD (XXXX.X), azimuth u16,
 * altitude i16, longitude i32, latitude i32 (1e-6 degree), time (7), MCC,
 * MNC, LAC, cell id (u16 each), reserved u8: 32 bytes a record.  The records
 * are found by the longitude/latitude/time triple, since the fields before
 * them depend on the message type and the report mask. */
static void bin_records(struct trk_msg *m, const struct trk_rd *r, size_t from, size_t to, bool compressed)
{
    for (size_t p = from; p + 15 <= to; p++) {
        double lon, lat;
        int64_t t = btime(r, p + 8);
        bool unix_t = false;
        if (!lonlat_at(r, p, &lon, &lat)) continue;
        if (t < 0) {
            uint64_t u;
            /* the first record of a compressed report (type 0x64): Unix time after lat */
            if (!compressed || !peek_u(r, p + 8, 4, &u) || u < 946684800ull || u > 4102444800ull || m->nrec) continue;
            t = (int64_t)u;
            unix_t = true;
        }
        struct trk_record *rec = msg_add_record(m);
        if (!rec) return;
        rec->has = TRK_R_TIME | TRK_R_POS;
        rec->time_ms = t * 1000;
        rec->lon = lon;
        rec->lat = lat;
        if (!unix_t && p >= 8) {
            uint64_t az, alt;
            int hdop = rd_peek(r, p - 8);
            unsigned sp = 0;
            for (unsigned i = 0; i < 4; i++) sp = sp * 10 + bcd_digit_at(r, p - 7, i);
            rec->speed = sp + bcd_digit_at(r, p - 7, 4) / 10.0;
            if (peek_u(r, p - 4, 2, &az)) { rec->course = (double)az; rec->has |= TRK_R_COURSE; }
            if (peek_u(r, p - 2, 2, &alt)) { rec->alt = (int16_t)(uint16_t)alt; rec->has |= TRK_R_ALT; }
            rec->has |= TRK_R_SPEED | TRK_R_VALID;
            rec->valid = hdop > 0;
            uint64_t c[4];
            if (peek_u(r, p + 15, 2, &c[0]) && peek_u(r, p + 17, 2, &c[1]) && peek_u(r, p + 19, 2, &c[2]) &&
                peek_u(r, p + 21, 2, &c[3])) {
                field_int(m, "mcc", (int64_t)c[0]);
                field_int(m, "mnc", (int64_t)c[1]);
                field_int(m, "lac", (int64_t)c[2]);
                field_int(m, "cell_id", (int64_t)c[3]);
            }
            p += 14;
        } else {
            field_str(m, "compressed", STR_MAX, "first record decoded, later records are deltas");
            p += 11;
        }
    }
}

/* the 8-byte unique ID: an IMEI as u64, or a device name (text) */
static void bin_id(struct trk_msg *m, const struct trk_rd *r, size_t at)
{
    uint64_t v;
    const uint8_t *s = rd_peek_span(r, at, 8);
    if (!s || !peek_u(r, at, 8, &v)) return;
    if (v > 0 && v < 1000000000000000ull) {
        char b[24];
        snprintf(b, sizeof b, "%015llu", (unsigned long long)v);
        msg_set_imei(m, b);
        field_str(m, "imei", STR_MAX, "%s", b);
        return;
    }
    char t[9];
    size_t k = 0;
    bool text = true;
    struct trk_rd c;
    rd_init(&c, s, 8);
    for (int i = 0; i < 8; i++) {
        unsigned b = rd_u8(&c);
        if (b == 0) break;
        if (b < 0x20 || b > 0x7e) { text = false; break; }
        t[k++] = (char)b;
    }
    t[k] = 0;
    if (text && k) field_str(m, "device_name", STR_MAX, "%s", t);
    else field_hex(m, "unique_id", s, 8, HEX_MAX);
}

static void decode_2b00(struct trk_rd *rd, struct trk_msg *m)
{
    size_t n = rd->n;
    rd_skip(rd, 2);
    size_t len = rd_be16(rd);
    unsigned flags = rd_u8(rd);
    char imei[20];
    rd_bcd(rd, 8, imei, sizeof imei);
    if (rd->err) { msg_truncated(m, rd); return; }
    m->type = "position";
    field_str(m, "header", STR_MAX, "2B00");
    if (len != n) msg_length_mismatch(m, len, n, 2, 2);
    field_str(m, "flags", STR_MAX, "0x%02X", flags);
    const char *id = imei[0] == '0' ? imei + 1 : imei;
    msg_set_imei(m, id);
    field_str(m, "imei", STR_MAX, "%s", id);
    size_t off = 13;
    if (flags & 0x80) off += 2;
    int dt = rd_peek(rd, off);
    if (dt >= 0) field_str(m, "device_type", STR_MAX, "0x%02X", (unsigned)dt);
    if (n >= 4) {
        uint64_t cnt;
        int chk = rd_peek(rd, n - 2), tl = rd_peek(rd, n - 1);
        if (peek_u(rd, n - 4, 2, &cnt)) field_int(m, "count", (int64_t)cnt);
        if (chk >= 0) field_str(m, "check", STR_MAX, "0x%02X", (unsigned)chk);
        if (tl != '$') field_str(m, "tail", STR_MAX, "0x%02X", (unsigned)(tl < 0 ? 0 : tl));
    }
    /* GNSS record: tag 0x52, length, then a status byte, longitude and
     * latitude (i32, 1e-6 degree) and the fix time (u32 Unix seconds) */
    for (size_t p = off; p + 15 < n; p++) {
        int tag = rd_peek(rd, p), l = rd_peek(rd, p + 1);
        double lon, lat;
        uint64_t u;
        if (tag != 0x52 || l < 13 || p + 2 + (size_t)l > n - 4) continue;
        if (!lonlat_at(rd, p + 3, &lon, &lat) || !peek_u(rd, p + 11, 4, &u)) continue;
        struct trk_record *r = msg_add_record(m);
        if (!r) break;
        r->has = TRK_R_POS | TRK_R_TIME;
        r->lon = lon;
        r->lat = lat;
        r->time_ms = (int64_t)u * 1000;
        break;
    }
    rd_skip(rd, rd_left(rd));
}

static void decode_binary(struct trk_rd *rd, const struct bhdr *h, struct trk_msg *m)
{
    size_t n = rd->n;
    uint64_t len = 0;
    m->type = h->type;
    field_str(m, "header", STR_MAX, "%s", h->name);
    int type = rd_peek(rd, 4);
    if (type < 0 || !peek_u(rd, h->len_off, h->len_w, &len)) { rd_skip(rd, n + 1); msg_truncated(m, rd); return; }
    field_str(m, "message_type", STR_MAX, "0x%02X", (unsigned)type);
    if (len != n) msg_length_mismatch(m, (size_t)len, n, h->len_off, h->len_w);
    rd_skip(rd, rd_left(rd));
    bool loc = !strcmp(h->name, "+RSP") || !strcmp(h->name, "+EVT") || !strcmp(h->name, "+BSP") || !strcmp(h->name, "+BVT");
    size_t body = h->len_off + h->len_w;   /* after the length */
    if (loc) {
        int dt = rd_peek(rd, body);
        uint64_t pv, fw, pw;
        if (dt >= 0) field_str(m, "device_type", STR_MAX, "0x%02X", (unsigned)dt);
        if (peek_u(rd, body + 1, 2, &pv)) field_str(m, "protocol_version", STR_MAX, "%04llX", (unsigned long long)pv);
        if (peek_u(rd, body + 3, 2, &fw)) field_str(m, "firmware_version", STR_MAX, "%04llX", (unsigned long long)fw);
        bin_id(m, rd, body + 5);
        int bat = rd_peek(rd, body + 13);
        if (bat >= 0) field_int(m, "battery_level", bat);
        if (peek_u(rd, body + 14, 2, &pw)) field_num(m, "power", pw / 1000.0);
    } else if (!strcmp(h->name, "+ACK") || !strcmp(h->name, "+HBD")) {
        int dt = rd_peek(rd, body);
        if (dt >= 0) field_str(m, "device_type", STR_MAX, "0x%02X", (unsigned)dt);
        bin_id(m, rd, body + 5);
    } else if (!strcmp(h->name, "+INF") || !strcmp(h->name, "+BNF")) {
        bin_id(m, rd, body);
        int dt = rd_peek(rd, body + 8);
        if (dt >= 0) field_str(m, "device_type", STR_MAX, "0x%02X", (unsigned)dt);
    }
    /* tail: send time (7), count (2), check (2), 0D 0A */
    uint64_t tail = 0, cnt = 0, chk = 0;
    if (n >= 24 && peek_u(rd, n - 2, 2, &tail) && tail == 0x0D0A) {
        int64_t t = btime(rd, n - 13);
        if (t >= 0) f_time(m, "send_time", t);
        if (peek_u(rd, n - 6, 2, &cnt)) field_int(m, "count", (int64_t)cnt);
        if (peek_u(rd, n - 4, 2, &chk)) field_str(m, "check", STR_MAX, "0x%04llX", (unsigned long long)chk);
        if (!strcmp(h->name, "+HBD")) {
            m->want_reply.set = true;
            m->want_reply.key = (uint32_t)cnt;
            m->want_reply.count = 1;
        }
    }
    if (loc) bin_records(m, rd, body + 16, n >= 13 ? n - 13 : n, type == 0x64);
    if (m->nrec == 0 && !strcmp(h->type, "position")) m->type = "event";
}

/* ------------------------------------------------------------ framing */

static bool is_text_start(const struct trk_rd *r)
{
    return starts(r, 0, "+RESP:") || starts(r, 0, "+BUFF:") || starts(r, 0, "+ACK:") ||
           starts(r, 0, "+SACK:") || starts(r, 0, "AT+");
}

/* could the bytes at 0 start a message, given what is there? */
static bool maybe_start(const struct trk_rd *r)
{
    static const char *const heads[] = {"+RESP:", "+BUFF:", "+ACK:", "+SACK:", "AT+", "+RSP", "+EVT",
                                        "+INF", "+HBD", "+CRD", "+LGN", "+BSP", "+BVT", "+BNF", "+BRD", "+ACK"};
    size_t have = r->n;
    if (have >= 2 && rd_peek(r, 0) == '+' && rd_peek(r, 1) == 0) return true;
    for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++) {
        size_t k = strlen(heads[i]), m = have < k ? have : k;
        const uint8_t *p = rd_peek_span(r, 0, m);
        if (p && m && memcmp(p, heads[i], m) == 0) return true;
    }
    return false;
}

static long ql_frame(const uint8_t *p, size_t n, enum trk_dir d, const struct trk_state *st)
{
    struct trk_rd r;
    (void)d; (void)st;
    rd_init(&r, p, n);
    if (n == 0) return TRK_FRAME_MORE;
    if (!maybe_start(&r)) {
        for (size_t k = 1; k < n; k++) {
            struct trk_rd s;
            rd_init(&s, rd_peek_span(&r, k, n - k), n - k);
            if ((rd_peek(&r, k) == '+' || rd_peek(&r, k) == 'A') && maybe_start(&s)) return -(long)k;
        }
        return -(long)n;
    }
    if (n < 6) return TRK_FRAME_MORE;     /* the longest head is 6 bytes */
    if (is_text_start(&r)) {
        size_t lim = n < SCAN_MAX ? n : SCAN_MAX;
        for (size_t k = 1; k < lim; k++) {
            int c = rd_peek(&r, k);
            if (c == '$') {
                /* a line end right after the '$' belongs to it */
                size_t e = k + 1;
                if (rd_peek(&r, e) == '\r') e++;
                if (rd_peek(&r, e) == '\n') e++;
                return (long)e;
            }
            if (c == 0) return (long)(k + 1);
        }
        return n >= SCAN_MAX ? -1 : TRK_FRAME_MORE;
    }
    uint64_t len = 0;
    if (rd_peek(&r, 1) == 0) {
        if (!rd_peek_be(&r, 2, 2, &len)) return TRK_FRAME_MORE;
        if (len < 16) return -1;
        return n >= len ? (long)len : TRK_FRAME_MORE;
    }
    const struct bhdr *h = bhdr_at(&r);
    if (!h) return -1;
    if (!rd_peek_be(&r, h->len_off, h->len_w, &len)) return TRK_FRAME_MORE;
    if (len < h->len_off + h->len_w + 2) return -1;
    return n >= len ? (long)len : TRK_FRAME_MORE;
}

static void ql_decode(struct trk_rd *rd, enum trk_dir d, struct trk_state *st, struct trk_msg *m)
{
    m->type = "unknown";
    if (rd_left(rd) == 0) { msg_malformed(m, "empty message"); return; }
    if (is_text_start(rd)) { decode_text(rd, d, st, m); return; }
    if (rd_peek(rd, 0) == '+' && rd_peek(rd, 1) == 0) { decode_2b00(rd, m); return; }
    const struct bhdr *h = bhdr_at(rd);
    if (h) { decode_binary(rd, h, m); return; }
    size_t k = rd_left(rd);
    field_hex(m, "data", rd_span(rd, k), k, HEX_MAX);
    msg_malformed(m, "bad header: not a Queclink text or binary message");
}

static int ql_probe(const uint8_t *p, size_t n, unsigned transport)
{
    struct trk_rd r;
    (void)transport;
    rd_init(&r, p, n);
    if (starts(&r, 0, "+RESP:GT") || starts(&r, 0, "+BUFF:GT") || starts(&r, 0, "+ACK:GT")) {
        /* a comma after the type and a 15-digit ID or hex version next */
        if (rd_peek(&r, 0) && (rd_peek(&r, 11) == ',' || rd_peek(&r, 10) == ',')) return 85;
        return 55;
    }
    if (starts(&r, 0, "+SACK:")) return 60;
    if (starts(&r, 0, "AT+GT")) return 45;
    uint64_t len;
    if (rd_peek(&r, 0) == '+' && rd_peek(&r, 1) == 0) {
        if (!rd_peek_be(&r, 2, 2, &len)) return 10;
        if (n == len && rd_peek(&r, n - 1) == '$') return 70;
        return 20;
    }
    const struct bhdr *h = bhdr_at(&r);
    if (!h) return 0;
    if (!rd_peek_be(&r, h->len_off, h->len_w, &len)) return 30;
    if (n >= len && len >= 16) {
        uint64_t t;
        if (rd_peek_be(&r, len - 2, 2, &t) && t == 0x0D0A) return 85;
        return 40;
    }
    return 35;
}

static const char *const ql_aliases[] = {"gl200", NULL};
static const uint16_t ql_ports[] = {5004, 0};

const struct dissector dissector_queclink = {
    .name = "queclink",
    .title = "Queclink @Track (+RESP/+BUFF/+ACK text, +RSP/+EVT binary)",
    .aliases = ql_aliases,
    .ports = ql_ports,
    .transports = TRK_TCP | TRK_UDP,
    .probe = ql_probe,
    .frame = ql_frame,
    .decode = ql_decode,
};
