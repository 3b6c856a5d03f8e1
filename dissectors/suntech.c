/* suntech.c: Suntech trackers (ST300/ST340/ST4xx/ST600/ST9xx, SA200): the ASCII
 * reports (legacy "ST300STT;..." and "Universal" "STT;<id>;<mask>;..."
 * headers, ';'-separated, ending in CR), the compressed "zip" form (0x02 ..
 * 0x03), the binary universal form (0x81/0x82 + u16 length), and the server's
 * commands and ACKs (ST300CMD, ST300ACK, zip 0x15).
 *
 * Field orders differ per model and firmware, so the fix is found by its
 * shape: a YYYYMMDD date, an HH:MM:SS time, then the first latitude and
 * longitude pair (signed decimal degrees), speed (km/h) and course after it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dissect.h"
#include "fieldset.h"
#include "texttok.h"

#define TEXT_MAX   8192     /* longest text message decoded */
#define MAX_FIELDS 256
#define SCAN_MAX   8192     /* how far frame() looks for the CR */
#define DATA_MAX   2048     /* longest serial (UEX) or crash (CRR) data block */
#define STR_MAX (1099)   /* longest string field */
#define HEX_MAX 511   /* most bytes shown as hex */

/* ------------------------------------------------------------------ helpers */

/* text of bytes: printable kept, CR/LF as \r \n, others as \xNN */
static void f_text(struct trk_msg *m, const char *key, const char *s, size_t n)
{
    char buf[1100];
    size_t o = 0;
    if (!field_room(m, key)) return;
    for (size_t i = 0; i < n && o + 5 < 1024; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f) buf[o++] = (char)c;
        else if (c == '\r') { buf[o++] = '\\'; buf[o++] = 'r'; }
        else if (c == '\n') { buf[o++] = '\\'; buf[o++] = 'n'; }
        else o += (size_t)snprintf(buf + o, 5, "\\x%02x", c);
    }
    buf[o] = 0;
    msg_field_str(m, key, "%s", buf);
}

static bool date_ok(int y, int mo, int d, int h, int mi, int s)
{
    return y >= 1980 && y < 2100 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h < 24 && mi < 60 && s < 60;
}

/* ------------------------------------------------------------- text fields */

static int dig(const char *s, size_t k)
{
    int v = 0;
    for (size_t i = 0; i < k; i++) v = v * 10 + (s[i] - '0');
    return v;
}

/* YYYYMMDD and HH:MM:SS to seconds, or -1 */
static int64_t date_time(struct tok d, struct tok t)
{
    if (d.n != 8 || !tok_all_digits(d) || t.n != 8 || t.s[2] != ':' || t.s[5] != ':') return -1;
    for (int i = 0; i < 8; i++) if (i != 2 && i != 5 && (t.s[i] < '0' || t.s[i] > '9')) return -1;
    int y = dig(d.s, 4), mo = dig(d.s + 4, 2), dd = dig(d.s + 6, 2);
    int h = dig(t.s, 2), mi = dig(t.s + 3, 2), s = dig(t.s + 6, 2);
    if (!date_ok(y, mo, dd, h, mi, s)) return -1;
    return trk_timegm(y, mo, dd, h, mi, s);
}

/* a report type and what trackdump calls it */
struct stype { const char *code; const char *type; };

static const struct stype stypes[] = {
    {"STT", "position"}, {"ALT", "alarm"}, {"EMG", "alarm"}, {"EVT", "event"}, {"UEX", "event"},
    {"ALV", "heartbeat"}, {"RES", "command-reply"}, {"BLE", "event"}, {"BSA", "event"},
    {"CRR", "event"}, {"HTE", "event"}, {"DEX", "event"}, {"CMD", "command"}, {"ACK", "ack"},
    {"NTW", "info"}, {"RPT", "info"}, {"VER", "info"},
};

static const struct stype *stype_of(const char *code)
{
    for (size_t i = 0; i < sizeof stypes / sizeof stypes[0]; i++)
        if (strcmp(stypes[i].code, code) == 0) return &stypes[i];
    return NULL;
}

/* the fix: date, time, then the first latitude;longitude pair after them */
static void text_position(struct trk_msg *m, struct tok *f, size_t nf, bool st910, bool motion)
{
    for (size_t d = 1; d + 1 < nf; d++) {
        int64_t t = date_time(f[d], f[d + 1]);
        if (t < 0) continue;
        for (size_t i = d + 2; i + 1 < nf; i++) {
            double lat, lon, v;
            if (!tok_dec(f[i], &lat, true) || !tok_dec(f[i + 1], &lon, true)) continue;
            if (lat < -90 || lat > 90 || lon < -180 || lon > 180) continue;
            struct trk_record *r = msg_add_record(m);
            if (!r) return;
            r->has = TRK_R_TIME | TRK_R_POS;
            r->time_ms = t * 1000;
            r->lat = lat;
            r->lon = lon;
            if (!motion) return;    /* BLE/BSA/HTE: no speed and course after the fix */
            if (i + 2 < nf && tok_dec(f[i + 2], &v, false) && v >= 0) { r->speed = v; r->has |= TRK_R_SPEED; }
            if (i + 3 < nf && tok_dec(f[i + 3], &v, false) && v >= 0 && v <= 360) { r->course = v; r->has |= TRK_R_COURSE; }
            if (st910) {
                if (i + 4 < nf && (tok_is(f[i + 4], "0") || tok_is(f[i + 4], "1"))) {
                    r->valid = tok_is(f[i + 4], "1");
                    r->has |= TRK_R_VALID;
                }
            } else if (i + 5 < nf && tok_all_digits(f[i + 4]) && (tok_is(f[i + 5], "0") || tok_is(f[i + 5], "1"))) {
                r->sats = f[i + 4].n <= 3 ? dig(f[i + 4].s, f[i + 4].n) : 0;
                r->valid = tok_is(f[i + 5], "1");
                r->has |= TRK_R_SATS | TRK_R_VALID;
            }
            return;
        }
        return;
    }
}

/* The UEX data block (the data may hold ';', CR and LF): its length is the
 * field right after the I/O state field (6 or more '0'/'1' characters), and
 * the N data bytes end at a ';'.  Returns 1 with the block, 0 when there is
 * none, 2 when the block runs past the bytes there are. */
static int uex_block(const struct trk_rd *r, size_t lim, size_t *ds, size_t *dn)
{
    size_t fs = 0;   /* start of the current field */
    for (size_t i = 0; i < lim; i++) {
        if (rd_peek(r, i) != ';') continue;
        size_t flen = i - fs, bits = 0;
        for (size_t j = fs; j < i; j++) if (rd_peek(r, j) == '0' || rd_peek(r, j) == '1') bits++;
        fs = i + 1;
        if (flen < 6 || bits != flen) continue;
        size_t k = i + 1, v = 0;
        while (k < lim && k - i <= 4 && rd_peek(r, k) >= '0' && rd_peek(r, k) <= '9')
            v = v * 10 + (size_t)(rd_peek(r, k++) - '0');
        if (k >= lim) return 2;
        if (k == i + 1 || rd_peek(r, k) != ';' || v == 0 || v > DATA_MAX) continue;
        if (k + 1 + v > lim) return 2;
        if (k + 1 + v == lim || rd_peek(r, k + 1 + v) == ';' || rd_peek(r, k + 1 + v) == '\r') {
            *ds = k + 1;
            *dn = v;
            return 1;
        }
    }
    return 0;
}

static void decode_text(struct trk_rd *rd, enum trk_dir d, struct trk_state *st, struct trk_msg *m)
{
    char buf[TEXT_MAX + 1];
    size_t n = rd_left(rd);
    size_t take = n < TEXT_MAX ? n : TEXT_MAX;
    (void)st;
    rd_bytes(rd, buf, take);
    rd_skip(rd, rd_left(rd));
    size_t end = take;
    while (end && (buf[end - 1] == '\r' || buf[end - 1] == '\n')) end--;
    buf[end] = 0;
    m->type = "unknown";

    if (end >= 1 && buf[0] == '-') {
        m->type = "command-reply";
        f_text(m, "result", buf, end);
        return;
    }
    /* header */
    size_t h = 0;
    while (h < end && buf[h] != ';') h++;
    char head[24];
    size_t hl = h < sizeof head - 1 ? h : sizeof head - 1;
    memcpy(head, buf, hl);
    head[hl] = 0;
    char model[16] = "", code[8] = "";
    bool st910 = false;
    if (hl == 3) snprintf(code, sizeof code, "%.3s", head);
    else if (hl == 5 && (memcmp(head, "ST9", 3) == 0)) { st910 = true; snprintf(model, sizeof model, "%.5s", head); }
    else if (hl >= 6 && hl <= 12 && (head[0] == 'S')) {
        snprintf(model, sizeof model, "%.*s", (int)(hl - 3), head);
        snprintf(code, sizeof code, "%.3s", head + hl - 3);
    } else {
        f_text(m, "text", buf, end);
        msg_unsupported_at(m, 0, h, "unsupported message header \"%s\"", head);   /* buf is the frame from 0 */
        return;
    }
    if (model[0]) field_str(m, "model", STR_MAX, "%s", model);

    /* fields; the UEX / CRR data block is taken whole */
    struct tok fl[MAX_FIELDS];
    size_t nf = 0, s = 0, ds = 0, dn = 0;
    bool has_data = false;
    if (!strcmp(code, "UEX")) {
        struct trk_rd br;
        rd_init(&br, (const uint8_t *)buf, end);
        has_data = uex_block(&br, end, &ds, &dn) == 1;
    }
    for (size_t i = 0; i <= end && nf < MAX_FIELDS; i++) {
        if (has_data && i == ds) { i = ds + dn; }
        if (i == end || buf[i] == ';') {
            fl[nf].s = buf + s;
            fl[nf].n = i - s;
            nf++;
            s = i + 1;
        }
    }
    size_t idi = 1;
    if (st910) {
        if (nf > 1) field_str(m, "report", STR_MAX, "%.*s", (int)(fl[1].n < 20 ? fl[1].n : 20), fl[1].s);
        idi = 2;
        if (nf > 1 && tok_is(fl[1], "Emergency")) { m->type = "alarm"; field_str(m, "alarm", STR_MAX, "sos"); }
        else if (nf > 1 && tok_is(fl[1], "Alert")) m->type = "alarm";
        else if (nf > 1 && tok_is(fl[1], "Alive")) m->type = "heartbeat";
        else m->type = "position";
    } else {
        const struct stype *t = stype_of(code);
        field_str(m, "report", STR_MAX, "%s", code);
        if (!t) {
            if (nf > 1 && fl[1].n >= 5 && fl[1].n <= 12 && tok_all_digits(fl[1])) {
                char id[16];
                memcpy(id, fl[1].s, fl[1].n);
                id[fl[1].n] = 0;
                msg_set_imei(m, id);
            }
            msg_unsupported_at(m, hl - 3, 3, "unsupported message type %s", code);   /* the header's last 3 */
            return;
        }
        m->type = t->type;
        if (!strcmp(code, "EMG")) field_str(m, "alarm", STR_MAX, "sos");
        if (!strcmp(code, "CMD") && nf > 1 && tok_is(fl[1], "Res")) {
            m->type = "command-reply";
            idi = 2;
        }
    }
    if (d == TRK_DOWN && !strcmp(code, "ACK")) {
        m->type = "ack";
        m->is_reply.set = true;
        m->is_reply.count = 1;
        m->is_reply.accept = true;
    }
    if (idi < nf && fl[idi].n >= 4 && fl[idi].n <= 12 && tok_all_digits(fl[idi])) {
        char id[16];
        memcpy(id, fl[idi].s, fl[idi].n);
        id[fl[idi].n] = 0;
        msg_set_imei(m, id);
        field_str(m, "device_id", STR_MAX, "%s", id);
    } else if (idi < nf && !(d == TRK_DOWN && !strcmp(code, "CMD"))) {
        field_str(m, "device_id", STR_MAX, "%.*s", (int)(fl[idi].n < 20 ? fl[idi].n : 20), fl[idi].s);
    }
    if (!strcmp(code, "RES") || !strcmp(m->type, "command-reply") || (!strcmp(code, "CMD"))) {
        size_t from = idi + 1;
        if (from < nf) {
            const char *p = fl[from].s;
            size_t k = (size_t)(buf + end - p);
            f_text(m, !strcmp(m->type, "command") ? "command" : "result", p, k);
        }
        return;
    }
    if (has_data) {
        field_int(m, "data_length", (int64_t)dn);
        f_text(m, "serial", buf + ds, dn);
    }
    if (!strcmp(code, "CRR")) {
        /* CRR;<id>;<a>;<b>;<length>;<binary crash data>;<check> */
        if (nf > 4 && tok_all_digits(fl[4]) && fl[4].n <= 6) field_int(m, "data_length", dig(fl[4].s, fl[4].n));
        field_str(m, "alarm", STR_MAX, "accident");
        return;
    }
    text_position(m, fl, nf, st910, strcmp(code, "BLE") != 0 && strcmp(code, "BSA") != 0 && strcmp(code, "HTE") != 0);
    if (!strcmp(code, "STT") && !m->nrec) m->type = "status";
}

/* ---------------------------------------------------------- binary decode */

/* BCD bytes to a digit string */
static void bcd_id(struct trk_rd *r, size_t k, char *out, size_t sz)
{
    rd_bcd(r, k, out, sz);
}

static unsigned bcd2(unsigned b) { return (b >> 4) * 10 + (b & 15); }

/* zip: STX, length u16, header u8, ID (5 BCD), model u8, firmware u16, date
 * and time (6), cell (3), latitude and longitude (integer byte + 3 BCD bytes
 * each), speed (3), course (3), satellites/fix/signs u8, distance u32, ... ETX */
static void decode_zip(struct trk_rd *rd, struct trk_msg *m)
{
    size_t n = rd->n;
    rd_skip(rd, 1);
    size_t len = rd_be16(rd);
    unsigned hdr = rd_u8(rd);
    char id[16];
    bcd_id(rd, 5, id, sizeof id);
    if (rd->err) { msg_truncated(m, rd); return; }
    m->type = hdr == 0x10 ? "position" : hdr == 0x11 ? "alarm" : hdr == 0x12 ? "event" :
              hdr == 0x13 ? "alarm" : hdr == 0x14 ? "heartbeat" : hdr == 0x16 ? "event" : "unknown";
    field_str(m, "zip_header", STR_MAX, "0x%02X", hdr);
    msg_set_imei(m, id);
    field_str(m, "device_id", STR_MAX, "%s", id);
    if (len + 4 != n) msg_length_mismatch(m, len, n >= 4 ? n - 4 : 0, 1, 2);
    int etx = rd_peek(rd, n - 1);
    if (etx != 0x03) msg_malformed_at(m, n - 1, 1, "missing 0x03 ETX at offset %zu", n - 1);
    if (!strcmp(m->type, "unknown")) {
        msg_unsupported_at(m, 3, 1, "unsupported zip header 0x%02X", hdr);
        rd_skip(rd, rd_left(rd));
        return;
    }
    struct trk_rd c = rd_sub(rd, n >= 9 ? n - 9 : 0);
    rd_skip(rd, rd_left(rd));
    if (!strcmp(m->type, "heartbeat")) return;
    field_int(m, "model", rd_u8(&c));
    field_int(m, "firmware", rd_be16(&c));
    uint8_t t[6];
    rd_bytes(&c, t, 6);
    uint8_t cell[3];
    rd_bytes(&c, cell, 3);
    uint8_t la[4], lo[4], sp[3], co[3];
    rd_bytes(&c, la, 4);
    rd_bytes(&c, lo, 4);
    rd_bytes(&c, sp, 3);
    rd_bytes(&c, co, 3);
    unsigned sf = rd_u8(&c);
    uint32_t dist = rd_be32(&c);
    if (c.err) { msg_truncated(m, &c); return; }
    struct trk_record *r = msg_add_record(m);
    if (!r) return;
    if (date_ok(2000 + t[0], t[1], t[2], t[3], t[4], t[5])) {
        r->time_ms = trk_timegm(2000 + t[0], t[1], t[2], t[3], t[4], t[5]) * 1000;
        r->has |= TRK_R_TIME;
    }
    r->lat = la[0] + (bcd2(la[1]) * 10000 + bcd2(la[2]) * 100 + bcd2(la[3])) / 1e6;
    r->lon = lo[0] + (bcd2(lo[1]) * 10000 + bcd2(lo[2]) * 100 + bcd2(lo[3])) / 1e6;
    if (sf & 0x40) r->lat = -r->lat;
    if (sf & 0x20) r->lon = -r->lon;
    if (r->lat >= -90 && r->lat <= 90 && r->lon >= -180 && r->lon <= 180) r->has |= TRK_R_POS;
    r->speed = ((unsigned)sp[0] << 8 | sp[1]) + bcd2(sp[2]) / 100.0;
    r->course = ((unsigned)co[0] << 8 | co[1]) + bcd2(co[2]) / 100.0;
    r->sats = (int)(sf & 0x1F);
    r->valid = (sf & 0x80) != 0;
    r->has |= TRK_R_SPEED | TRK_R_COURSE | TRK_R_SATS | TRK_R_VALID;
    field_hex(m, "cell", cell, 3, HEX_MAX);
    field_int(m, "odometer", dist);
    size_t k = rd_left(&c);
    if (k) field_hex(m, "rest", rd_span(&c, k), k, HEX_MAX);
}

/* binary universal: type, length u16, ID (5 BCD), field mask (3), then the
 * fields the mask selects, in the order of the ASCII universal report */
static void decode_universal(struct trk_rd *rd, struct trk_msg *m)
{
    size_t n = rd->n;
    unsigned type = rd_u8(rd);
    size_t len = rd_be16(rd);
    char id[16];
    bcd_id(rd, 5, id, sizeof id);
    uint32_t mask = rd_be24(rd);
    if (rd->err) { msg_truncated(m, rd); return; }
    m->type = type == 0x81 ? "position" : type == 0x82 ? "alarm" : "event";
    field_str(m, "binary_type", STR_MAX, "0x%02X", type);
    msg_set_imei(m, id);
    field_str(m, "device_id", STR_MAX, "%s", id);
    field_str(m, "mask", STR_MAX, "0x%06X", (unsigned)mask);
    if (len + 3 != n) msg_length_mismatch(m, len, n >= 3 ? n - 3 : 0, 1, 2);
    struct trk_rd c = rd_sub(rd, n >= 11 ? n - 11 : 0);
    rd_skip(rd, rd_left(rd));
    struct trk_record *r = msg_add_record(m);
    if (!r) return;
    uint8_t t[3], tm[3];
    bool have_date = false, have_time = false;
    if (mask & (1u << 0)) field_int(m, "model", rd_u8(&c));
    if (mask & (1u << 1)) {
        uint8_t v[3];
        rd_bytes(&c, v, 3);
        field_str(m, "firmware", STR_MAX, "%u.%u.%u", v[0], v[1], v[2]);
    }
    if (mask & (1u << 2)) field_int(m, "message_type", rd_u8(&c));
    if (mask & (1u << 3)) have_date = rd_bytes(&c, t, 3);
    if (mask & (1u << 4)) have_time = rd_bytes(&c, tm, 3);
    if (mask & (1u << 5)) field_str(m, "cell_id", STR_MAX, "%08X", rd_be32(&c));
    if (mask & (1u << 6)) field_int(m, "mcc", rd_be16(&c));
    if (mask & (1u << 7)) field_int(m, "mnc", rd_be16(&c));
    if (mask & (1u << 8)) field_str(m, "lac", STR_MAX, "%04X", rd_be16(&c));
    if (mask & (1u << 9)) field_int(m, "rx_level", rd_u8(&c));
    bool have_lat = false, have_lon = false;
    if (mask & (1u << 10)) {
        uint32_t v = rd_be32(&c);
        r->lat = (v & 0x7FFFFFFF) / 1e6 * ((v & 0x80000000u) ? -1 : 1);
        have_lat = !c.err;
    }
    if (mask & (1u << 11)) {
        uint32_t v = rd_be32(&c);
        r->lon = (v & 0x7FFFFFFF) / 1e6 * ((v & 0x80000000u) ? -1 : 1);
        have_lon = !c.err;
    }
    if (mask & (1u << 12)) { r->speed = rd_be16(&c) / 100.0; r->has |= TRK_R_SPEED; }
    if (mask & (1u << 13)) { r->course = rd_be16(&c) / 100.0; r->has |= TRK_R_COURSE; }
    if (mask & (1u << 14)) { r->sats = rd_u8(&c); r->has |= TRK_R_SATS; }
    if (mask & (1u << 15)) { r->valid = rd_u8(&c) == 1; r->has |= TRK_R_VALID; }
    if (mask & (1u << 16)) {
        unsigned in = rd_u8(&c);
        field_int(m, "inputs", in);
        field_int(m, "ignition", in & 1);
    }
    if (mask & (1u << 17)) field_int(m, "outputs", rd_u8(&c));
    if (mask & (1u << 18)) field_int(m, "mode", rd_u8(&c));
    if (mask & (1u << 19)) field_int(m, "report_type", rd_u8(&c));
    if (mask & (1u << 20)) field_int(m, "message_number", rd_be16(&c));
    if (c.err) { msg_truncated(m, &c); return; }
    if (have_date && have_time && date_ok(2000 + t[0], t[1], t[2], tm[0], tm[1], tm[2])) {
        r->time_ms = trk_timegm(2000 + t[0], t[1], t[2], tm[0], tm[1], tm[2]) * 1000;
        r->has |= TRK_R_TIME;
    }
    if (have_lat && have_lon && r->lat >= -90 && r->lat <= 90 && r->lon >= -180 && r->lon <= 180)
        r->has |= TRK_R_POS;
    size_t k = rd_left(&c);
    if (k) field_hex(m, "rest", rd_span(&c, k), k, HEX_MAX);
}

/* ------------------------------------------------------------ framing */

static bool text_start_byte(int b) { return (b >= 'A' && b <= 'Z') || b == '-'; }
static bool bin_start_byte(int b) { return b == 0x02 || b == 0x81 || b == 0x82; }

/* end of a text message starting at 0: the CR, except inside a data block
 * whose length a field gives (UEX serial data, CRR crash data) */
static long text_end(const struct trk_rd *r, size_t n)
{
    size_t lim = n < SCAN_MAX ? n : SCAN_MAX;
    char head[16];
    size_t hl = 0;
    while (hl < 15 && hl < lim && rd_peek(r, hl) != ';') { head[hl] = (char)rd_peek(r, hl); hl++; }
    head[hl] = 0;
    bool uex = hl >= 3 && memcmp(head + hl - 3, "UEX", 3) == 0;
    bool crr = hl == 3 && memcmp(head, "CRR", 3) == 0;
    size_t from = 0;
    if (crr) {
        /* CRR;id;a;b;<len>;data: skip the data */
        size_t semis = 0, k = 0, v = 0;
        for (; k < lim && semis < 4; k++) if (rd_peek(r, k) == ';') semis++;
        size_t s = k;
        while (k < lim && rd_peek(r, k) >= '0' && rd_peek(r, k) <= '9' && k - s < 6)
            v = v * 10 + (size_t)(rd_peek(r, k++) - '0');
        if (semis == 4 && k < lim && rd_peek(r, k) == ';' && v <= DATA_MAX) from = k + 1 + v;
        else if (k >= lim && n < SCAN_MAX) return TRK_FRAME_MORE;
    }
    if (uex) {
        size_t ds = 0, dn = 0;
        int u = uex_block(r, lim, &ds, &dn);
        if (u == 2 && n < SCAN_MAX) return TRK_FRAME_MORE;   /* the data may go on */
        if (u == 1) from = ds + dn;
    }
    for (size_t e = from; e < lim; e++) {
        if (rd_peek(r, e) != '\r') continue;
        size_t end = e + 1;
        if (rd_peek(r, end) == '\n') end++;
        return (long)end;
    }
    /* no CR in SCAN_MAX bytes: no message starts in the first half (it would be longer
     * than SCAN_MAX / 2 with no end in sight); skipping half keeps garbage linear */
    return n >= SCAN_MAX ? -(long)(SCAN_MAX / 2) : TRK_FRAME_MORE;
}

static long st_frame(const uint8_t *p, size_t n, enum trk_dir d, const struct trk_state *st)
{
    struct trk_rd r;
    (void)st;
    rd_init(&r, p, n);
    if (n == 0) return TRK_FRAME_MORE;
    int b0 = rd_peek(&r, 0);
    if (d == TRK_DOWN && b0 == 0x15) return n >= 6 ? 6 : TRK_FRAME_MORE;
    if (bin_start_byte(b0)) {
        uint64_t len;
        if (!rd_peek_be(&r, 1, 2, &len)) return TRK_FRAME_MORE;
        size_t total = b0 == 0x02 ? (size_t)len + 4 : (size_t)len + 3;
        if (len < 10 || len > 4096) return -1;
        return n >= total ? (long)total : TRK_FRAME_MORE;
    }
    if (text_start_byte(b0)) return text_end(&r, n);
    for (size_t k = 1; k < n; k++) {
        int b = rd_peek(&r, k);
        if (text_start_byte(b) || bin_start_byte(b)) return -(long)k;
    }
    return -(long)n;
}

static void st_decode(struct trk_rd *rd, enum trk_dir d, struct trk_state *st, struct trk_msg *m)
{
    m->type = "unknown";
    int b0 = rd_peek(rd, 0);
    if (b0 < 0) { msg_malformed(m, "empty message"); return; }
    if (d == TRK_DOWN && b0 == 0x15) {
        char id[16];
        rd_skip(rd, 1);
        rd_bcd(rd, 5, id, sizeof id);
        if (rd->err) { msg_truncated(m, rd); return; }
        m->type = "ack";
        msg_set_imei(m, id);
        field_str(m, "device_id", STR_MAX, "%s", id);
        m->is_reply.set = true;
        m->is_reply.count = 1;
        m->is_reply.accept = true;
        rd_skip(rd, rd_left(rd));
        return;
    }
    if (b0 == 0x02) { decode_zip(rd, m); return; }
    if (b0 == 0x81 || b0 == 0x82) { decode_universal(rd, m); return; }
    if (text_start_byte(b0)) { decode_text(rd, d, st, m); return; }
    size_t k = rd_left(rd);
    field_hex(m, "data", rd_span(rd, k), k, HEX_MAX);
    msg_malformed_at(m, 0, 1, "bad first byte 0x%02X: not a Suntech message", (unsigned)b0);
}

static bool starts(const struct trk_rd *r, size_t at, const char *s)
{
    size_t k = strlen(s);
    const uint8_t *p = rd_peek_span(r, at, k);
    return p && memcmp(p, s, k) == 0;
}

static int st_probe(const uint8_t *p, size_t n, unsigned transport)
{
    struct trk_rd r;
    (void)transport;
    rd_init(&r, p, n);
    int b0 = rd_peek(&r, 0);
    uint64_t len;
    if (b0 == 0x02 || b0 == 0x81 || b0 == 0x82) {
        if (!rd_peek_be(&r, 1, 2, &len)) return 5;
        size_t total = b0 == 0x02 ? (size_t)len + 4 : (size_t)len + 3;
        if (n == total && (b0 != 0x02 || rd_peek(&r, n - 1) == 0x03)) return b0 == 0x02 ? 75 : 65;
        return 10;
    }
    static const char *const uni[] = {"STT;", "ALT;", "EMG;", "EVT;", "UEX;", "RES;", "BLE;", "BSA;",
                                      "CRR;", "HTE;", "ALV;"};
    size_t at = 0;
    if (starts(&r, 0, "ST9") && rd_peek(&r, 5) == ';') return 75;
    for (size_t i = 0; i < sizeof uni / sizeof uni[0]; i++)
        if (starts(&r, 0, uni[i])) at = 4;
    if (!at && (starts(&r, 0, "ST") || starts(&r, 0, "SA"))) {
        size_t k = 2;
        while (rd_peek(&r, k) >= '0' && rd_peek(&r, k) <= '9' && k < 6) k++;
        if (k >= 5 && rd_peek(&r, k + 3) == ';') at = k + 4;
    }
    if (!at) return 0;
    if (starts(&r, at, "Res;")) at += 4;   /* ST300CMD;Res;<id>;... command result */
    size_t digits = 0;
    while (rd_peek(&r, at + digits) >= '0' && rd_peek(&r, at + digits) <= '9') digits++;
    if (digits >= 6 && digits <= 10 && (rd_peek(&r, at + digits) == ';' || at + digits == n)) return 75;
    return 40;
}

static const uint16_t st_ports[] = {5011, 0};

const struct dissector dissector_suntech = {
    .name = "suntech",
    .title = "Suntech ST300/ST600/ST900 (ASCII ';' reports, zip, binary universal)",
    .aliases = NULL,
    .ports = st_ports,
    .transports = TRK_TCP | TRK_UDP,
    .probe = st_probe,
    .frame = st_frame,
    .decode = st_decode,
};
