/* navtelecom.c: Navtelecom NTCB and FLEX (Signal / Smart trackers): the
 * "@NTC" envelope with its two XOR checks, the "*>S:IMEI" handshake, NTCB
 * telemetry in the F1.0..F6.0 formats, the "*>FLEX" negotiation, and the raw
 * FLEX packets that follow it (~A array, ~T event, ~C current state, ~E/~X
 * extended) with their CRC-8, plus the server's replies.
 *
 * NTCB: "@NTC" | IDr u32 | IDs u32 | length u16 | CSd (XOR of data) |
 * CSp (XOR of the 15 header bytes before it) | data.  FLEX packets carry no
 * length: a record's size is the sum of the sizes of the fields the device
 * selected in its negotiation, kept in the session state:
 *   last[0] = record size | protocol version << 16 | structure version << 24
 *   last[1..3], flags = the first 128 bits of the field selection (MSB first). */
#include <stdio.h>
#include <string.h>

#include "crc.h"
#include "dissect.h"
#include "fieldset.h"

#define TEXT_MAX 1024
#define STR_MAX (TEXT_MAX + 7)   /* longest string field */
#define HEX_MAX (TEXT_MAX / 2)   /* most bytes shown as hex */
#define TXT_SHOWN (TEXT_MAX - 1)   /* longest text field */
#define TXT_FLAGS (FIELD_TEXT_NONNULL)
#define NTCB_HDR 16
#define NTCB_MAX 8192          /* longest NTCB data accepted */
#define FLEX_MAX 65536         /* longest FLEX packet accepted */
#define KEEPALIVE 0x7F

/* sizes in bytes of FLEX fields 1..255 (index = field number - 1) */
static const uint8_t flex_size[255] = {
    4, 2, 4, 1, 1, 1, 1, 1, 4, 4, 4, 4, 4, 2, 4, 4, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 4, 4, 2, 2, 4, 2, 2, 2,
    2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 2, 4, 2, 1, 4, 2, 2, 2,
    2, 2, 1, 1, 1, 2, 4, 2, 1, 8, 2, 1, 16, 4, 2, 4, 37, 1, 1, 1,
    1, 1, 1, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 6, 12, 24, 48, 1, 1, 2,
    1, 4, 4, 1, 4, 2, 6, 2, 6, 2, 2, 2, 2, 2, 2, 2, 2, 1, 2, 2,
    2, 1, 1, 1, 1, 1, 4, 4, 4, 4, 4, 4, 2, 2, 2, 2, 2, 2, 1, 1,
    2, 3, 2, 1, 1, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 2, 4, 4, 4, 2, 4, 2, 2, 4, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 4, 4, 4, 4, 6, 3, 1, 2,
    2, 1, 4, 5, 4, 4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 4, 4, 4,
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 8, 8, 8,
};

/* NTCB F-formats */
enum { F10 = 0x01, F20 = 0x02, F30 = 0x03, F40 = 0x04, F50 = 0x05, F51 = 0x15, F52 = 0x25, F60 = 0x06 };

/* ------------------------------------------------------------------ helpers */

static void rest_hex(struct trk_msg *m, struct trk_rd *c, const char *key)
{
    size_t k = rd_left(c);
    if (k) field_hex(m, key, rd_span(c, k), k, HEX_MAX);
}

static float f32le(struct trk_rd *c)
{
    uint32_t u = rd_le32(c);
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static bool prefix_at(const struct trk_rd *r, size_t at, const char *s)
{
    for (size_t i = 0; s[i]; i++)
        if (rd_peek(r, at + i) != (unsigned char)s[i]) return false;
    return true;
}

/* ------------------------------------------------------------ FLEX state */

static unsigned st_size(const struct trk_state *st) { return st->last[0] & 0xFFFF; }

static bool st_bit(const struct trk_state *st, unsigned i)
{
    if (i >= 128) return false;
    uint32_t w = i < 96 ? st->last[1 + i / 32] : st->flags;
    return (w >> (31 - i % 32)) & 1;
}

/* ------------------------------------------------------------- FLEX records */

struct nv {
    struct trk_msg *m;
    struct trk_state *st;
    enum trk_dir dir;
};

/* one FLEX record of `size` bytes in the negotiated layout */
static void flex_record(struct nv *x, struct trk_rd *c, size_t size)
{
    struct trk_msg *m = x->m;
    struct trk_rd r = rd_sub(c, size);
    if (c->err) { msg_truncated(m, c); return; }
    struct trk_record *rec = msg_add_record(m);
    if (!rec) return;
    bool first = m->nrec == 1;
    int64_t lat = 0, lon = 0;
    bool has_lat = false, has_lon = false;
    for (unsigned i = 0; i < 128 && !r.err; i++) {
        if (!st_bit(x->st, i)) continue;
        size_t w = flex_size[i];
        switch (i) {
        case 0: { uint32_t v = rd_le32(&r); if (first) field_int(m, "index", v); break; }
        case 1: { unsigned v = rd_le16(&r); if (first) field_int(m, "event", v); break; }
        case 2: rd_skip(&r, 4); break;                          /* event time */
        case 3: { unsigned v = rd_u8(&r); if (first) field_bool(m, "armed", v & 1); break; }
        case 4: { unsigned v = rd_u8(&r); if (first) field_str(m, "status", STR_MAX, "0x%02X", v); break; }
        case 6: { unsigned v = rd_u8(&r); if (first) field_int(m, "rssi", v); break; }
        case 7: {
            unsigned v = rd_u8(&r);
            rec->valid = (v & 2) != 0;
            rec->sats = (int)(v >> 2);
            rec->has |= TRK_R_VALID | TRK_R_SATS;
            break;
        }
        case 8: {
            uint32_t t = rd_le32(&r);
            if (!r.err) { rec->time_ms = (int64_t)t * 1000; rec->has |= TRK_R_TIME; }
            break;
        }
        case 9: lat = rd_lei32(&r); has_lat = true; break;
        case 10: lon = rd_lei32(&r); has_lon = true; break;
        case 11: rec->alt = rd_lei32(&r) * 0.1; rec->has |= TRK_R_ALT; break;
        case 12: rec->speed = f32le(&r); rec->has |= TRK_R_SPEED; break;
        case 13: rec->course = rd_le16(&r); rec->has |= TRK_R_COURSE; break;
        case 14: { float v = f32le(&r); if (first) field_num(m, "odometer_km", v); break; }
        case 18: { unsigned v = rd_le16(&r); if (first) field_num(m, "power_v", v * 0.001); break; }
        case 19: { unsigned v = rd_le16(&r); if (first) field_num(m, "battery_v", v * 0.001); break; }
        case 28: { unsigned v = rd_u8(&r); if (first) field_str(m, "inputs", STR_MAX, "0x%02X", v); break; }
        case 30: { unsigned v = rd_u8(&r); if (first) field_str(m, "outputs", STR_MAX, "0x%02X", v); break; }
        default: {
            const uint8_t *v = rd_span(&r, w);
            if (v && w <= 8) {
                struct trk_rd vr;
                rd_init(&vr, v, w);
                msg_add_io(m, i + 1, (uint16_t)w, rd_le(&vr, w), v);
            } else if (v) msg_add_io(m, i + 1, (uint16_t)w, 0, v);
            break;
        }
        }
    }
    if (has_lat && has_lon && !r.err) {
        rec->lat = lat / 600000.0;
        rec->lon = lon / 600000.0;
        if (rec->lat >= -90 && rec->lat <= 90 && rec->lon >= -180 && rec->lon <= 180) rec->has |= TRK_R_POS;
    }
    if (r.err) msg_truncated(m, &r);
    /* fields beyond the first 128 are not interpreted: they stay in the record's bytes */
}

/* FLEX 2.0 extended record: u16 length, then the data */
static void flex_ext_record(struct nv *x, struct trk_rd *c)
{
    size_t len = rd_le16(c);
    const uint8_t *p = rd_span(c, len);
    if (!p) return;
    struct trk_record *rec = msg_add_record(x->m);
    if (rec && len) msg_add_io(x->m, 0x10000, (uint16_t)len, 0, p);
}

/* a FLEX packet (after negotiation) */
static void flex_decode(struct nv *x, struct trk_rd *rd)
{
    struct trk_msg *m = x->m;
    size_t n = rd->n;
    if (n == 1 && rd_peek(rd, 0) == KEEPALIVE) {
        m->type = "heartbeat";
        rd_skip(rd, 1);
        return;
    }
    int t = rd_peek(rd, 1);
    field_str(m, "packet", STR_MAX, "~%c", t >= 0x20 && t < 0x7f ? t : '?');
    if (n < 3) { msg_truncated(m, rd); rd_skip(rd, 1); rd_skip(rd, n); return; }
    const uint8_t *all = rd_peek_span(rd, 0, n - 1);
    int crc = rd_peek(rd, n - 1);
    unsigned comp = all ? crc8_egts(all, n - 1) : 0;
    if ((unsigned)crc != comp) msg_crc_mismatch(m, "crc", (unsigned)crc, comp, 2, n - 1, 1);   /* the last byte */
    struct trk_rd c = rd_sub(rd, n - 1);
    rd_skip(rd, 1);
    rd_skip(&c, 2);
    unsigned size = st_size(x->st);
    if (x->dir == TRK_DOWN) {
        m->type = "ack";
        m->is_reply.set = true;
        m->is_reply.accept = true;
        if (t == 'A' || t == 'E') {
            unsigned cnt = rd_u8(&c);
            field_int(m, "count", cnt);
            m->is_reply.key = (uint32_t)t << 24 | cnt;
            m->is_reply.count = cnt;
            m->is_reply.counted = true;
        } else {
            if (rd_left(&c) >= 4) {
                uint32_t idx = rd_le32(&c);
                field_int(m, "index", idx);
                m->is_reply.key = idx;
            }
            m->is_reply.count = 1;
        }
        rest_hex(m, &c, "extra");
        return;
    }
    m->type = "position";
    switch (t) {
    case 'A': {
        unsigned cnt = rd_u8(&c);
        field_int(m, "count", cnt);
        if (size == 0) break;
        size_t want = (size_t)cnt * size;
        if (rd_left(&c) != want)   /* the count byte says how many */
            msg_length_mismatch(m, want, rd_left(&c), rd_pos(&c) - 1, c.err ? 0 : 1);
        for (unsigned i = 0; i < cnt && rd_left(&c) >= size; i++) flex_record(x, &c, size);
        m->want_reply.set = true;
        m->want_reply.key = (uint32_t)'A' << 24 | cnt;
        m->want_reply.count = cnt;
        break;
    }
    case 'T': case 'C': {
        uint32_t ev = 0;
        if (t == 'T') { ev = rd_le32(&c); field_int(m, "event_index", ev); }
        if (size == 0) break;
        if (rd_left(&c) != size) msg_length_mismatch(m, size, rd_left(&c), 0, 0);   /* the negotiated layout's size */
        if (rd_left(&c) >= size) flex_record(x, &c, size);
        m->want_reply.set = true;
        m->want_reply.key = ev;
        m->want_reply.count = 1;
        break;
    }
    case 'E': {
        unsigned cnt = rd_u8(&c);
        field_int(m, "count", cnt);
        for (unsigned i = 0; i < cnt && rd_left(&c) >= 2; i++) flex_ext_record(x, &c);
        m->want_reply.set = true;
        m->want_reply.key = (uint32_t)'E' << 24 | cnt;
        m->want_reply.count = cnt;
        size = 1;
        break;
    }
    case 'X': {
        if (rd_left(&c) >= 6) {
            uint64_t l;
            if (rd_peek_le(&c, c.off, 2, &l) && l + 2 != rd_left(&c)) { uint32_t ev = rd_le32(&c); field_int(m, "event_index", ev); m->want_reply.key = ev; }
        }
        flex_ext_record(x, &c);
        m->want_reply.set = true;
        m->want_reply.count = 1;
        size = 1;
        break;
    }
    default:
        m->type = "unknown";
        rest_hex(m, &c, "content");
        msg_unsupported_at(m, 1, 1, "unsupported FLEX packet ~%c", t >= 0x20 && t < 0x7f ? t : '?');
        return;
    }
    if (size == 0) {
        rest_hex(m, &c, "content");
        m->type = "flex-data";
        msg_unsupported(m, "FLEX record layout unknown: no *>FLEX negotiation seen on this connection");
        return;
    }
    rest_hex(m, &c, "extra");
}

/* -------------------------------------------------------- NTCB telemetry */

#define IS(f, ...) is_fmt7((f), (const unsigned[]){__VA_ARGS__, 0x100})

static bool is_fmt7(unsigned f, const unsigned *list)
{
    for (; *list != 0x100; list++) if (*list == f) return true;
    return false;
}

/* one F-format record */
static void ntcb_record(struct nv *x, struct trk_rd *c)
{
    struct trk_msg *m = x->m;
    size_t fmt_at = rd_pos(c), fmt_len = rd_peek(c, c->off) == 0 ? 2 : 1;
    unsigned fmt = fmt_len == 2 ? rd_le16(c) : rd_u8(c);
    uint32_t index = rd_le32(c);
    unsigned event = rd_le16(c);
    rd_skip(c, 6);
    unsigned armed = rd_u8(c), status = rd_u8(c), rssi = rd_u8(c);
    if (c->err) return;
    bool first = m->nrec == 0;
    if (!IS(fmt, F10, F20, F30, F40, F50, F51, F52, F60)) {
        if (first) field_str(m, "format", STR_MAX, "0x%02X", fmt);
        msg_unsupported_at(m, fmt_at, fmt_len, "unsupported NTCB telemetry format 0x%02X", fmt);
        rd_skip(c, rd_left(c));
        return;
    }
    struct trk_record *rec = msg_add_record(m);
    if (!rec) return;
    if (first) {
        field_str(m, "format", STR_MAX, "0x%02X", fmt);
        field_int(m, "index", index);
        field_int(m, "event", event);
        field_str(m, "armed", STR_MAX, "0x%02X", armed);
        field_str(m, "status", STR_MAX, "0x%02X", status);
        field_int(m, "rssi", rssi);
    }
    unsigned out = 0, in = 0;
    if (IS(fmt, F10, F20, F30)) out = rd_le16(c);
    else if (IS(fmt, F50, F51, F52)) {
        unsigned ext = rd_u8(c);
        out = ext & 3;
        rec->sats = (int)(ext >> 2);
        rec->has |= TRK_R_SATS;
    } else out = rd_u8(c);
    if (IS(fmt, F10, F20, F30, F40)) in = rd_le16(c);
    else in = rd_u8(c);
    unsigned power = rd_le16(c), batt = rd_le16(c);
    if (first) {
        field_str(m, "outputs", STR_MAX, "0x%X", out);
        field_str(m, "inputs", STR_MAX, "0x%X", in);
        field_num(m, "power_v", power * 0.001);
        field_num(m, "battery_v", batt * 0.001);
    }
    if (IS(fmt, F10, F20, F30)) { int t = rd_lei16(c); if (first) field_int(m, "temp1", t); }
    if (IS(fmt, F10, F20, F50, F51, F52, F60)) {
        unsigned a1 = rd_le16(c), a2 = rd_le16(c);
        if (first) { field_int(m, "adc1", a1); field_int(m, "adc2", a2); }
    }
    if (fmt == F60) { unsigned a3 = rd_le16(c); if (first) field_int(m, "adc3", a3); }
    if (IS(fmt, F20, F50, F51, F52, F60)) {
        uint32_t c1 = rd_le32(c), c2 = rd_le32(c);
        if (first) { field_int(m, "counter1", c1); field_int(m, "counter2", c2); }
    }
    if (fmt == F60) {
        rd_skip(c, 28);                       /* fuel sensors */
        int t1 = rd_i8(c), t2 = rd_i8(c), t3 = rd_i8(c), t4 = rd_i8(c);
        int32_t axle = rd_lei32(c);
        unsigned rpm = rd_le16(c);
        if (first) {
            field_int(m, "temp1", t1); field_int(m, "temp2", t2); field_int(m, "temp3", t3); field_int(m, "temp4", t4);
            field_int(m, "axle_weight", axle);
            field_int(m, "rpm", rpm);
        }
    }
    if (IS(fmt, F20, F50, F51, F52, F60)) {
        unsigned nav = rd_u8(c);
        unsigned h = rd_u8(c), mi = rd_u8(c), s = rd_u8(c), d = rd_u8(c), mo = rd_u8(c), y = rd_u8(c);
        rec->valid = (nav & 2) != 0;
        rec->has |= TRK_R_VALID;
        if (fmt == F60) { rec->sats = (int)(nav >> 2); rec->has |= TRK_R_SATS; }
        if (!c->err && h < 24 && mi < 60 && s < 61 && d >= 1 && d <= 31 && mo < 12) {
            rec->time_ms = trk_timegm(2000 + (int)y, (int)mo + 1, (int)d, (int)h, (int)mi, (int)s) * 1000;
            rec->has |= TRK_R_TIME;
        }
        if (fmt == F60) {
            rec->lat = rd_lei32(c) / 600000.0;
            rec->lon = rd_lei32(c) / 600000.0;
            rec->alt = rd_lei32(c) * 0.1;
            rec->has |= TRK_R_ALT;
        } else {
            rec->lat = f32le(c) / 3.14159265358979323846 * 180.0;
            rec->lon = f32le(c) / 3.14159265358979323846 * 180.0;
        }
        rec->speed = f32le(c);
        rec->course = rd_le16(c);
        float odo = f32le(c), dist = f32le(c);
        rd_skip(c, 4);                        /* segment times */
        if (!c->err) {
            rec->has |= TRK_R_SPEED | TRK_R_COURSE;
            if (rec->lat >= -90 && rec->lat <= 90 && rec->lon >= -180 && rec->lon <= 180) rec->has |= TRK_R_POS;
            if (first) { field_num(m, "odometer_km", odo); field_num(m, "distance_km", dist); }
        }
    }
    if (IS(fmt, F51, F52)) rd_skip(c, 15);
    if (IS(fmt, F40, F52)) {
        int t1 = rd_i8(c), t2 = rd_i8(c), t3 = rd_i8(c), t4 = rd_i8(c);
        if (first) { field_int(m, "temp1", t1); field_int(m, "temp2", t2); field_int(m, "temp3", t3); field_int(m, "temp4", t4); }
    }
}

/* *>FLEX B0 ver struct count bitfield: keep the selection and the record size */
static void flex_negotiation(struct nv *x, struct trk_rd *c)
{
    struct trk_msg *m = x->m;
    unsigned proto = rd_u8(c), ver = rd_u8(c), sv = rd_u8(c);
    if (c->err) return;
    field_str(m, "flex_protocol", STR_MAX, "0x%02X", proto);
    field_str(m, "flex_version", STR_MAX, "%u.%u", ver / 10, ver % 10);
    field_str(m, "flex_struct_version", STR_MAX, "%u.%u", sv / 10, sv % 10);
    if (x->dir == TRK_DOWN) return;           /* the server's answer: *<FLEX B0 ver struct */
    unsigned cnt = rd_u8(c);
    size_t nb = (cnt + 7) / 8;
    const uint8_t *bf = rd_span(c, nb);
    if (!bf) return;
    field_int(m, "field_count", cnt);
    field_hex(m, "field_mask", bf, nb, HEX_MAX);
    uint32_t words[4] = {0, 0, 0, 0};
    unsigned size = 0;
    struct trk_rd br;
    rd_init(&br, bf, nb);
    for (unsigned i = 0; i < cnt; i++) {
        unsigned byte = (unsigned)rd_peek(&br, i / 8);
        if (!((byte >> (7 - i % 8)) & 1)) continue;
        size += flex_size[i < 255 ? i : 254];
        if (i < 128) words[i / 32] |= 1u << (31 - i % 32);
    }
    field_int(m, "record_size", size);
    if (size == 0 || size > 0xFFFF) return;
    x->st->last[0] = size | (uint32_t)ver << 16 | (uint32_t)sv << 24;
    x->st->last[1] = words[0];
    x->st->last[2] = words[1];
    x->st->last[3] = words[2];
    x->st->flags = words[3];
    m->want_reply.set = true;
    m->want_reply.key = 0x464C4558u;     /* "FLEX" */
}

static void ntcb_decode(struct nv *x, struct trk_rd *rd)
{
    struct trk_msg *m = x->m;
    size_t n = rd->n;
    rd_skip(rd, 4);
    uint32_t idr = rd_le32(rd), ids = rd_le32(rd);
    size_t len = rd_le16(rd);
    unsigned csd = rd_u8(rd), csp = rd_u8(rd);
    if (rd->err) { m->type = "unknown"; msg_truncated(m, rd); return; }
    field_int(m, "receiver_id", idr);
    field_int(m, "sender_id", ids);
    const uint8_t *hp = rd_peek_span(rd, 0, 15);
    unsigned hx = hp ? xor8(hp, 15) : 0;
    if (hx != csp) msg_crc_mismatch(m, "header checksum", csp, hx, 2, 15, 1);   /* CSp: the header's last byte */
    size_t have = n - NTCB_HDR;
    if (have < len) {
        m->type = "unknown";
        msg_malformed_at(m, 12, 2, "truncated at offset %zu: length field says %zu, frame has %zu data bytes", n, len,
                         have);
        rd_skip(rd, rd_left(rd));
        return;
    }
    if (have > len) msg_length_mismatch(m, len, have, 12, 2);
    const uint8_t *dp = rd_peek_span(rd, NTCB_HDR, len);
    unsigned dx = dp ? xor8(dp, len) : 0;
    if (dx != csd) msg_crc_mismatch(m, "data checksum", csd, dx, 2, 14, 1);   /* CSd: before CSp */
    struct trk_rd c = rd_sub(rd, len);
    rd_skip(rd, rd_left(rd));
    if (len == 0) { m->type = "heartbeat"; return; }

    if (prefix_at(&c, 0, "*>S:") || prefix_at(&c, 0, "*>S")) {
        m->type = "login";
        rd_skip(&c, 3);
        if (rd_peek(&c, c.off) == ':') rd_skip(&c, 1);
        char id[TRK_IMEI_MAX];
        size_t k = 0, left = rd_left(&c);
        while (k < left && k + 1 < sizeof id) {
            unsigned b = rd_u8(&c);
            id[k++] = (b >= 0x20 && b < 0x7f) ? (char)b : '.';
        }
        id[k] = 0;
        rest_hex(m, &c, "extra");
        msg_set_imei(m, id);
        field_str(m, "imei", STR_MAX, "%s", id);
        m->want_reply.set = true;
        m->want_reply.key = 0x533Au;          /* "S" */
        return;
    }
    if (prefix_at(&c, 0, "*<S")) {
        m->type = "ack";
        m->is_reply.set = true;
        m->is_reply.key = 0x533Au;
        m->is_reply.accept = true;
        rd_skip(&c, 3);
        rest_hex(m, &c, "extra");
        return;
    }
    if (prefix_at(&c, 0, "*>FLEX") || prefix_at(&c, 0, "*<FLEX")) {
        bool down = prefix_at(&c, 0, "*<");
        rd_skip(&c, 6);
        m->type = down ? "ack" : "config";
        if (down) {
            m->is_reply.set = true;
            m->is_reply.key = 0x464C4558u;
            m->is_reply.accept = true;
            enum trk_dir saved = x->dir;
            x->dir = TRK_DOWN;
            flex_negotiation(x, &c);
            x->dir = saved;
        } else {
            flex_negotiation(x, &c);
        }
        rest_hex(m, &c, "extra");
        return;
    }
    if (prefix_at(&c, 0, "*>T") || prefix_at(&c, 0, "*>A")) {
        bool arr = rd_peek(&c, 2) == 'A';
        rd_skip(&c, 3);
        m->type = "position";
        unsigned cnt = 1;
        if (arr) { cnt = rd_u8(&c); field_int(m, "count", cnt); }
        for (unsigned i = 0; i < cnt && rd_left(&c) && !c.err && m->status != TRK_UNSUPPORTED; i++)
            ntcb_record(x, &c);
        if (c.err) { msg_truncated(m, &c); return; }
        rest_hex(m, &c, "extra");
        m->want_reply.set = true;
        m->want_reply.key = (uint32_t)'A' << 24 | cnt;
        if (!arr) {
            struct trk_rd ir;
            rd_init(&ir, dp, len);
            rd_skip(&ir, 3);
            if (rd_peek(&ir, 3) == 0) rd_skip(&ir, 2); else rd_skip(&ir, 1);
            m->want_reply.key = rd_le32(&ir);
        }
        m->want_reply.count = cnt;
        return;
    }
    if (prefix_at(&c, 0, "*<T") || prefix_at(&c, 0, "*<A")) {
        bool arr = rd_peek(&c, 2) == 'A';
        rd_skip(&c, 3);
        m->type = "ack";
        m->is_reply.set = true;
        m->is_reply.accept = true;
        if (arr) {
            unsigned cnt = rd_u8(&c);
            field_int(m, "count", cnt);
            m->is_reply.key = (uint32_t)'A' << 24 | cnt;
            m->is_reply.count = cnt;
            m->is_reply.counted = true;
        } else {
            uint32_t idx = rd_le32(&c);
            field_int(m, "index", idx);
            m->is_reply.key = idx;
            m->is_reply.count = 1;
        }
        rest_hex(m, &c, "extra");
        return;
    }
    if (prefix_at(&c, 0, "*@C") || prefix_at(&c, 0, "*@")) {
        m->type = "command-reply";
        field_text(m, "result", dp, len, TXT_SHOWN, TXT_FLAGS);
        rd_skip(&c, rd_left(&c));
        return;
    }
    if (prefix_at(&c, 0, "*!") || prefix_at(&c, 0, "*?")) {
        m->type = "command";
        field_text(m, "text", dp, len, TXT_SHOWN, TXT_FLAGS);
        rd_skip(&c, rd_left(&c));
        return;
    }
    m->type = "unknown";
    field_text(m, "content", dp, len < 16 ? len : 16, TXT_SHOWN, TXT_FLAGS);
    rd_skip(&c, rd_left(&c));
    char kind[4] = "?";
    {
        struct trk_rd kr;
        rd_init(&kr, dp, len < 3 ? len : 3);
        for (size_t i = 0; rd_left(&kr); i++) {
            unsigned b = rd_u8(&kr);
            kind[i] = (b >= 0x20 && b < 0x7f) ? (char)b : '.';
            kind[i + 1] = 0;
        }
    }
    msg_unsupported_at(m, NTCB_HDR, len < 3 ? len : 3, "unsupported NTCB message %s", kind);
}

static void nav_decode(struct trk_rd *rd, enum trk_dir d, struct trk_state *st, struct trk_msg *m)
{
    struct nv x = {m, st, d};
    m->type = "unknown";
    if (prefix_at(rd, 0, "@NTC")) { ntcb_decode(&x, rd); return; }
    int b0 = rd_peek(rd, 0);
    if (b0 == '~' || b0 == KEEPALIVE) { flex_decode(&x, rd); return; }
    m->type = "garbage";
    msg_malformed_at(m, 0, b0 < 0 ? 0 : 1, "bad start byte 0x%02X, expected @NTC or a FLEX ~ packet",
                     b0 < 0 ? 0u : (unsigned)b0);
    rd_skip(rd, rd_left(rd));
}

/* ----------------------------------------------------------- framing */

/* the CRC-8 of [0, k) equals the byte at k */
static bool crc_at(const struct trk_rd *r, size_t k)
{
    const uint8_t *p = rd_peek_span(r, 0, k);
    int c = rd_peek(r, k);
    return p && c >= 0 && crc8_egts(p, k) == (unsigned)c;
}

static bool starts_message(const struct trk_rd *r, size_t at)
{
    int b = rd_peek(r, at), b1 = rd_peek(r, at + 1);
    if (b == KEEPALIVE) return true;
    if (b == '@') return b1 == 'N';
    return b == '~' && (b1 == 'A' || b1 == 'T' || b1 == 'C' || b1 == 'E' || b1 == 'X');
}

/* FLEX packet length from its layout: >0 length, 0 need more */
static long flex_len(const struct trk_rd *r, size_t n, enum trk_dir d, unsigned size)
{
    int t = rd_peek(r, 1);
    if (t < 0) return 0;
    if (d == TRK_DOWN) {
        /* replies: ~A/~E count crc, ~T/~X/~C index crc (some send ~C crc) */
        if (t == 'A' || t == 'E') return n >= 4 ? 4 : 0;
        if (t == 'C' && n >= 3 && crc_at(r, 2) && (n == 3 || starts_message(r, 3))) return 3;
        return n >= 7 ? 7 : 0;
    }
    size_t total = 0;
    uint64_t v;
    switch (t) {
    case 'A':
        if (!size) return -1;
        if (!rd_peek_le(r, 2, 1, &v)) return 0;
        total = 3 + (size_t)v * size + 1;
        break;
    case 'T': if (!size) return -1; total = 2 + 4 + size + 1; break;
    case 'C': if (!size) return -1; total = 2 + size + 1; break;
    case 'E': {
        if (!rd_peek_le(r, 2, 1, &v)) return 0;
        size_t off = 3;
        for (uint64_t i = 0; i < v; i++) {
            uint64_t l;
            if (!rd_peek_le(r, off, 2, &l)) return 0;
            off += 2 + (size_t)l;
            if (off > FLEX_MAX) return -2;
        }
        total = off + 1;
        break;
    }
    case 'X': {
        uint64_t l;
        /* index u32 + length u16 + data, or length u16 + data: the CRC decides */
        if (!rd_peek_le(r, 6, 2, &l)) return 0;
        size_t a = 8 + (size_t)l + 1;
        if (n >= a && crc_at(r, a - 1)) return (long)a;
        if (!rd_peek_le(r, 2, 2, &l)) return 0;
        size_t b = 4 + (size_t)l + 1;
        if (n >= b && crc_at(r, b - 1)) return (long)b;
        total = a > b ? a : b;
        if (n >= total) return (long)a;
        return 0;
    }
    default:
        return -2;
    }
    if (total > FLEX_MAX) return -2;
    return n >= total ? (long)total : 0;
}

static long nav_frame(const uint8_t *p, size_t n, enum trk_dir d, const struct trk_state *st)
{
    struct trk_rd r;
    rd_init(&r, p, n);
    if (n == 0) return TRK_FRAME_MORE;
    int b0 = rd_peek(&r, 0);
    if (b0 == '@') {
        if (n < 4) return prefix_at(&r, 0, n == 1 ? "@" : n == 2 ? "@N" : "@NT") ? TRK_FRAME_MORE : -1;
        if (!prefix_at(&r, 0, "@NTC")) return -1;
        uint64_t len;
        if (!rd_peek_le(&r, 12, 2, &len)) return TRK_FRAME_MORE;
        if (len > NTCB_MAX) return -1;
        size_t total = NTCB_HDR + (size_t)len;
        return n >= total ? (long)total : TRK_FRAME_MORE;
    }
    if (b0 == KEEPALIVE) return 1;
    if (b0 == '~') {
        if (n < 2) return TRK_FRAME_MORE;
        long l = flex_len(&r, n, d, st ? st_size(st) : 0);
        if (l > 0 || l == 0) return l;
        if (l == -1) {
            /* no negotiation seen: the packet ends where its CRC-8 holds and the
             * next message starts (the end of the stream decides the last one) */
            size_t lim = n < FLEX_MAX ? n : FLEX_MAX, k = 3;
            const uint8_t *all = rd_peek_span(&r, 0, lim);
            uint8_t c = all && lim >= 4 ? crc8_egts(all, 3) : 0;        /* CRC-8 of [0, k), kept running */
            struct trk_scan *sc = st ? st->scan : NULL;
            if (sc && sc->pos > k && sc->pos < lim) { k = sc->pos; c = (uint8_t)sc->acc; }   /* resumed */
            for (; all && lim >= 4 && k + 1 < lim; k++) {
                /* the last two places wait for the bytes after them: resumed from there */
                if (sc && k + 2 == lim) { sc->pos = k; sc->acc = c; }
                if (starts_message(&r, k + 1) && c == all[k]) return (long)(k + 1);
                c = crc8_egts_next(c, all[k]);
            }
            if (n < FLEX_MAX) return TRK_FRAME_MORE;
            /* no end within FLEX_MAX: resynchronise at the next message start below */
        }
        /* fall through: not a FLEX packet */
    }
    for (size_t k = 1; k < n; k++) {
        int b = rd_peek(&r, k);
        if (b == '@' || b == '~' || b == KEEPALIVE) return -(long)k;
    }
    return -(long)n;
}

static int nav_probe(const uint8_t *p, size_t n, unsigned transport)
{
    struct trk_rd r;
    rd_init(&r, p, n);
    int b0 = rd_peek(&r, 0);
    (void)transport;
    if (b0 == '@') {
        if (!prefix_at(&r, 0, "@NTC")) return 0;
        int score = 40;
        const uint8_t *h = rd_peek_span(&r, 0, 15);
        int csp = rd_peek(&r, 15);
        if (h && csp >= 0) {
            if (xor8(h, 15) != (unsigned)csp) return 20;
            score += 30;
            uint64_t len;
            (void)rd_peek_le(&r, 12, 2, &len);
            const uint8_t *dp = rd_peek_span(&r, NTCB_HDR, (size_t)len);
            int csd = rd_peek(&r, 14);
            if (dp && xor8(dp, (size_t)len) == (unsigned)csd) {
                score += 20;
                if (prefix_at(&r, NTCB_HDR, "*>") || prefix_at(&r, NTCB_HDR, "*<")) score += 10;
            }
        }
        return score > 100 ? 100 : score;
    }
    /* FLEX appears only after a negotiation on the same connection: a fresh
     * stream starting with '~' is weak evidence */
    if (b0 == '~') {
        int b1 = rd_peek(&r, 1);
        return (b1 == 'A' || b1 == 'T' || b1 == 'C' || b1 == 'E' || b1 == 'X') ? 15 : 0;
    }
    return 0;
}

static const char *const nav_aliases[] = {"navis", "ntcb", NULL};
static const uint16_t nav_ports[] = {5019, 5221, 0};

const struct dissector dissector_navtelecom = {
    .name = "navtelecom",
    .title = "Navtelecom NTCB + FLEX (@NTC, ~A/~T; port 5019, formerly 5221)",
    .aliases = nav_aliases,
    .ports = nav_ports,
    .transports = TRK_TCP,
    .probe = nav_probe,
    .frame = nav_frame,
    .decode = nav_decode,
};
