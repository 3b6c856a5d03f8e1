/* arnavi.c: dissector for the Arnavi tracker protocol (Arnavi 4/5, ARNAVI INTEGRAL) over TCP:
 * the binary header + data package form and the `$AV,...` text form.
 *
 * Device -> server (TRK_UP)
 *   header packet: FF, version (0x22 v1, 0x23 v2, 0x25 v2 + WiFi: 10 bytes; 0x24 v3: 18 bytes,
 *     8 more bytes after the IMEI), IMEI u64le                            type "login"
 *   data package: 5B '[', sequence u8, packets, 5D ']'.  Packet: type u8, length u16le,
 *     time u32le (UTC), data, check byte.  Types 0x01 (data) and 0x06 (binary) hold tags of
 *     1 byte id + 4-byte value; 0x03 text, 0x04 file, 0x00 ping       type "position"/"info"
 *   command result: 5B FD <result> 5D                                   type "command-reply"
 *   text: $AV,V<n>,<id>,<index>,<power x0.01 V>,<battery x0.01 V>,...,<fix>,<satellites>,
 *     [V4: <altitude>,<geoid height>,]<hhmmss>,<ddmm.mmmm><N|S>,<dddmm.mmmm><E|W>,<speed kn>,
 *     <course>,<DDMMYY>,...*<cs>\r\n  (V2, V3, V4: "position"; V3DI, V6SD, V3GSMINFO ...: "info")
 * Server -> device (TRK_DOWN)
 *   7B 00 <seq> 7D               ACK of data package <seq>              type "ack"
 *   7B 04 00 <cs> <time u32le> 7D  answer to a v2 header (server time)   type "ack"
 *   7B <len> <id> <cs> <data> 7D   command                                type "command"
 *
 * Tags decoded into the record: 1 battery (low u16) and power (high u16) in mV, 3 latitude and
 * 4 longitude (float32le), 5 (bytes: course / 2, altitude / 10 m, satellites GPS low nibble +
 * GLONASS high nibble with FE/FF = no navigation data, speed in knots), 151 HDOP
 * (x0.01, field "hdop"); every tag is also an IO element (id = tag, u32 value).  The packet
 * check byte is shown as field "check" of the first packet (its algorithm is not verified, so
 * it is not judged).
 *
 * Problems: a package whose packets do not end at its ']' (length), a packet cut short
 * (truncated), bad framing bytes, a header packet of the wrong size, a tag area that is not a
 * multiple of 5 bytes. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dissect.h"
#include "msg.h"
#include "rd.h"

#define ARN_TEXT_MAX 1024u      /* a text line longer than this without CRLF is not one */
#define ARN_PKG_MAX 65536u      /* data package size bound */
#define ARN_FIELDS 48

/* ---------------------------------------------------------------- helpers */

static size_t header_size(int ver)
{
    switch (ver) {
    case 0x22: case 0x23: case 0x25: return 10;
    case 0x24: return 18;
    default: return 0;
    }
}

static bool known_packet_type(int t) { return t >= 0 && t <= 0x09; }

/* Walk a data package from its '['.  Returns 1 with *len = package size, 0 when more bytes
 * are needed, -1 when the bytes are not a package. */
static int walk_package(const struct trk_rd *r, size_t *len, size_t *npackets)
{
    size_t off = 2, k = 0;
    uint64_t pl;
    if (rd_peek(r, 1) < 0) return 0;
    if (rd_peek(r, 1) == 0xFD) {                     /* command result */
        int e = rd_peek(r, 3);
        if (e < 0) return 0;
        if (e == 0x5D) { *len = 4; *npackets = 0; return 1; }
    }
    for (;;) {
        int t = rd_peek(r, off);
        if (t < 0) return 0;
        if (t == 0x5D && k > 0) { *len = off + 1; *npackets = k; return 1; }
        if (!known_packet_type(t)) return -1;
        if (!rd_peek_le(r, off + 1, 2, &pl)) return 0;
        off += 1 + 2 + 4 + (size_t)pl + 1;
        k++;
        if (off > ARN_PKG_MAX) return -1;
    }
}

/* ----------------------------------------------------------------- probe */

static int arn_probe(const uint8_t *p, size_t n, unsigned transport)
{
    struct trk_rd r;
    rd_init(&r, p, n);
    if (transport != TRK_TCP || n < 2) return 0;
    int b0 = rd_peek(&r, 0), b1 = rd_peek(&r, 1);
    if (b0 == 0xFF) {
        size_t hs = header_size(b1);
        if (!hs) return 0;
        return n == hs ? 85 : (n > hs ? 40 : 30);
    }
    if (b0 == 0x5B) {
        size_t len = 0, np = 0;
        int w = walk_package(&r, &len, &np);
        if (w < 0) return 0;
        if (w == 0) return 20;
        if (np == 0) return n == 4 ? 30 : 5;
        return len == n ? 85 : 60;
    }
    if (b0 == '$') {
        static const char magic[] = "$AV,V";
        for (size_t i = 0; i < 5; i++)
            if (rd_peek(&r, i) != magic[i]) return 0;
        return 60;
    }
    return 0;
}

/* ----------------------------------------------------------------- frame */

static long resync(const struct trk_rd *r, size_t n, enum trk_dir d)
{
    for (size_t i = 1; i < n; i++) {
        int b = rd_peek(r, i);
        if (d == TRK_UP && (b == 0xFF || b == 0x5B || b == '$')) return -(long)i;
        if (d == TRK_DOWN && b == 0x7B) return -(long)i;
    }
    return -(long)n;
}

static long arn_frame(const uint8_t *p, size_t n, enum trk_dir d, const struct trk_state *st)
{
    struct trk_rd r;
    rd_init(&r, p, n);
    if (n == 0) return TRK_FRAME_MORE;
    int b0 = rd_peek(&r, 0);
    if (d == TRK_DOWN) {
        if (b0 != 0x7B) return resync(&r, n, d);
        int b1 = rd_peek(&r, 1);
        if (b1 < 0) return TRK_FRAME_MORE;
        if (b1 == 0x7D) return 2;
        size_t total = b1 == 0 ? 4 : (size_t)b1 + 5;
        return total <= n ? (long)total : TRK_FRAME_MORE;
    }
    if (b0 == 0xFF) {
        int b1 = rd_peek(&r, 1);
        if (b1 < 0) return TRK_FRAME_MORE;
        size_t hs = header_size(b1);
        if (!hs) return resync(&r, n, d);
        return hs <= n ? (long)hs : TRK_FRAME_MORE;
    }
    if (b0 == 0x5B) {
        size_t len = 0, np = 0;
        int w = walk_package(&r, &len, &np);
        if (w < 0) return resync(&r, n, d);
        if (w == 0) return TRK_FRAME_MORE;
        return (long)len;
    }
    if (b0 == '$') {
        for (size_t i = 1; i + 1 < n && i < ARN_TEXT_MAX; i++)
            if (rd_peek(&r, i) == '\r' && rd_peek(&r, i + 1) == '\n') return (long)(i + 2);
        if (n < ARN_TEXT_MAX) return TRK_FRAME_MORE;
        return resync(&r, n, d);
    }
    return resync(&r, n, d);
}

/* ---------------------------------------------------------------- decode */

static double f32le(struct trk_rd *r)
{
    uint32_t u = rd_le32(r);
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static void decode_header(struct trk_rd *rd, size_t n, struct trk_state *st, struct trk_msg *m)
{
    rd_skip(rd, 1);
    uint8_t ver = rd_u8(rd);
    m->type = "login";
    size_t hs = header_size(ver);
    if (!hs) {
        msg_unsupported_at(m, 1, rd->err ? 0 : 1, "unsupported header version 0x%02X", ver);
        return;
    }
    uint64_t imei = rd_le64(rd);
    if (rd->err) { msg_truncated(m, rd); return; }
    if (n != hs) msg_length_mismatch(m, hs, n, 0, 0);   /* the size comes from the version: no length field */
    char id[24];
    snprintf(id, sizeof id, "%llu", (unsigned long long)imei);
    msg_set_imei(m, id);
    msg_field_str(m, "imei", "%s", id);
    msg_field_str(m, "version", "0x%02X", ver);
    if (ver == 0x24 && rd_left(rd) >= 8) {
        const uint8_t *x = rd_span(rd, 8);
        const char *hx = x ? msg_hex(m, x, 8) : NULL;
        if (hx) msg_field_str(m, "extra", "%s", hx);
    }
    m->want_reply.set = true;
    m->want_reply.key = ver == 0x22 ? 0 : 0x100;
    st->last[0] = ver;
}

/* The tags of one data packet into a new record. */
static void decode_tags(struct trk_rd *t, uint32_t time, bool first, struct trk_msg *m)
{
    struct trk_record *rec = msg_add_record(m);
    if (!rec) return;
    rec->has = TRK_R_TIME;
    rec->time_ms = (int64_t)time * 1000;
    bool lat_ok = false, lon_ok = false;
    int nav = 0;                                     /* tag 5: 0 absent, 1 fix data, 2 none */
    double lat = 0, lon = 0;
    if (rd_left(t) % 5)
        msg_malformed_at(m, rd_pos(t), rd_left(t), "tag area of %zu bytes at offset %zu is not a multiple of 5",
                         rd_left(t), rd_pos(t));
    while (rd_left(t) >= 5) {
        uint8_t tag = rd_u8(t);
        struct trk_rd v = rd_sub(t, 4);
        struct trk_rd v2 = v;
        uint32_t u = rd_le32(&v2);
        msg_add_io(m, tag, 4, u, NULL);
        switch (tag) {
        case 3: lat = f32le(&v); lat_ok = true; break;
        case 4: lon = f32le(&v); lon_ok = true; break;
        case 5: {
            uint8_t course = rd_u8(&v), alt = rd_u8(&v), sats = rd_u8(&v), speed = rd_u8(&v);
            nav = 1;
            if (sats == 0xFE || sats == 0xFF) {          /* no navigation data */
                nav = 2;
                break;
            }
            rec->has |= TRK_R_COURSE | TRK_R_ALT | TRK_R_SATS | TRK_R_SPEED;
            rec->course = course * 2.0;
            rec->alt = alt * 10.0;
            rec->sats = (sats & 0x0F) + (sats >> 4);
            rec->speed = speed * 1.852;                  /* knots */
            break;
        }
        case 151:
            if (first) msg_field_num(m, "hdop", (u & 0xFFFF) / 100.0);
            break;
        case 1:
            if (first) {
                msg_field_num(m, "battery", (u & 0xFFFF) / 1000.0);
                msg_field_num(m, "power", (u >> 16) / 1000.0);
            }
            break;
        default:
            break;
        }
    }
    if (lat_ok && lon_ok) {
        rec->has |= TRK_R_POS | TRK_R_VALID;
        rec->lat = lat;
        rec->lon = lon;
        bool sane = lat > -90 && lat < 90 && lon > -180 && lon < 180;
        rec->valid = sane && (nav == 1 || (nav == 0 && !(lat == 0 && lon == 0)));
    }
}

static void decode_package(struct trk_rd *rd, size_t n, struct trk_msg *m)
{
    rd_skip(rd, 1);
    uint8_t seq = rd_u8(rd);
    m->type = "position";
    if (rd->err) { msg_truncated(m, rd); return; }
    if (seq == 0xFD && n == 4) {
        uint8_t res = rd_u8(rd);
        m->type = "command-reply";
        msg_field_int(m, "result", res);
        if (rd_u8(rd) != 0x5D) msg_malformed_at(m, 3, 1, "missing 5d at offset 3");
        return;
    }
    msg_field_int(m, "sequence", seq);
    m->want_reply.set = true;
    m->want_reply.key = seq;
    size_t npk = 0;
    bool any_data = false;
    while (rd_left(rd) > 0) {
        int t = rd_peek(rd, rd->off);
        if (t == 0x5D && npk > 0) {
            rd_skip(rd, 1);
            if (rd_left(rd))
                msg_malformed_at(m, rd_pos(rd), rd_left(rd), "%zu bytes after the closing 5d at offset %zu",
                                 rd_left(rd), rd_pos(rd));
            break;
        }
        size_t at = rd_pos(rd);
        uint8_t type = rd_u8(rd);
        uint16_t len = rd_le16(rd);
        uint32_t time = rd_le32(rd);
        if (rd->err) { msg_truncated(m, rd); break; }
        if (!known_packet_type(type)) {
            msg_malformed_at(m, at, 1, "bad packet type 0x%02X at offset %zu", type, at);
            break;
        }
        if ((size_t)len + 1 > rd_left(rd)) {
            msg_length_mismatch(m, len, rd_left(rd) ? rd_left(rd) - 1 : 0, at + 1, 2);
            break;
        }
        struct trk_rd data = rd_sub(rd, len);
        uint8_t check = rd_u8(rd);
        if (npk == 0) {
            msg_field_int(m, "packet_type", type);
            msg_field_str(m, "check", "0x%02X", check);
        }
        if (type == 0x01 || type == 0x06) {
            decode_tags(&data, time, npk == 0, m);
            any_data = true;
        } else if (type == 0x03) {
            char buf[512];
            size_t k = len < 500 ? len : 500;
            rd_str(&data, k, buf, sizeof buf);
            msg_field_str(m, "text", "%s", buf);
        } else if (npk == 0) {
            msg_field_int(m, "packet_bytes", len);
        }
        npk++;
        if (rd_left(rd) == 0) {
            rd_fail(rd);
            msg_truncated(m, rd);
            break;
        }
    }
    msg_field_int(m, "packets", (int64_t)npk);
    m->want_reply.count = (uint32_t)npk;
    if (!any_data) m->type = npk && msg_field_get(m, "text") ? "info" : "heartbeat";
}

/* ------------------------------------------------------------ text form */

static bool all_digits(const char *s, size_t k)
{
    if (strlen(s) != k) return false;
    for (size_t i = 0; i < k; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

/* ddmm.mmmm + hemisphere (deg_digits = 2 or 3) -> degrees; false if not that shape */
static bool parse_coord(const char *s, size_t deg_digits, char pos, char neg, double *out)
{
    size_t k = strlen(s);
    if (k < deg_digits + 4) return false;
    char h = s[k - 1];
    if (h != pos && h != neg) return false;
    for (size_t i = 0; i + 1 < k; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) return false;
    if (s[deg_digits + 2] != '.') return false;
    char deg[4] = { 0 };
    memcpy(deg, s, deg_digits);
    double v = atoi(deg) + strtod(s + deg_digits, NULL) / 60.0;
    *out = h == neg ? -v : v;
    return true;
}

static void decode_text(struct trk_rd *rd, size_t n, struct trk_msg *m)
{
    char line[ARN_TEXT_MAX + 1];
    size_t k = n;
    while (k > 0) {
        int b = rd_peek(rd, k - 1);
        if (b != '\r' && b != '\n') break;
        k--;
    }
    if (k > ARN_TEXT_MAX) k = ARN_TEXT_MAX;
    rd_str(rd, k, line, sizeof line);
    rd_skip(rd, rd_left(rd));
    m->type = "info";
    if (strncmp(line, "$AV,", 4) != 0) {
        msg_malformed(m, "text line does not start with $AV,");
        return;
    }
    char *star = strrchr(line, '*');
    if (star) {
        msg_field_str(m, "checksum", "%s", star + 1);
        *star = 0;
    }
    char *f[ARN_FIELDS];
    size_t nf = 0;
    for (char *s = line; nf < ARN_FIELDS;) {
        f[nf++] = s;
        char *c = strchr(s, ',');
        if (!c) break;
        *c = 0;
        s = c + 1;
    }
    if (nf < 3) {
        msg_malformed(m, "text line has %zu fields", nf);
        return;
    }
    msg_field_str(m, "version", "%s", f[1]);
    msg_set_imei(m, f[2]);
    msg_field_str(m, "id", "%s", f[2]);
    if (nf > 3) msg_field_str(m, "index", "%s", f[3]);
    /* find hhmmss, latitude, longitude */
    size_t ti = 0;
    double lat = 0, lon = 0;
    for (size_t i = 4; i + 5 < nf; i++) {
        if (all_digits(f[i], 6) && parse_coord(f[i + 1], 2, 'N', 'S', &lat) &&
            parse_coord(f[i + 2], 3, 'E', 'W', &lon)) {
            ti = i;
            break;
        }
    }
    bool posver = strcmp(f[1], "V2") == 0 || strcmp(f[1], "V3") == 0 || strcmp(f[1], "V4") == 0;
    if (!ti) {
        if (posver) msg_malformed(m, "no time and position fields in a %s line", f[1]);
        return;
    }
    m->type = "position";
    struct trk_record *rec = msg_add_record(m);
    if (!rec) return;
    const char *t = f[ti], *dt = f[ti + 5];
    rec->has = TRK_R_POS | TRK_R_SPEED | TRK_R_COURSE;
    rec->lat = lat;
    rec->lon = lon;
    rec->speed = strtod(f[ti + 3], NULL) * 1.852;    /* knots */
    rec->course = strtod(f[ti + 4], NULL);
    if (all_digits(dt, 6)) {
        int hh = (t[0] - '0') * 10 + t[1] - '0', mi = (t[2] - '0') * 10 + t[3] - '0';
        int ss = (t[4] - '0') * 10 + t[5] - '0';
        int dd = (dt[0] - '0') * 10 + dt[1] - '0', mo = (dt[2] - '0') * 10 + dt[3] - '0';
        int yy = (dt[4] - '0') * 10 + dt[5] - '0';
        rec->has |= TRK_R_TIME;
        /* two-digit years from 70 on are 19xx (a receiver without a fix reports 1980-01-06) */
        rec->time_ms = trk_timegm(yy >= 70 ? 1900 + yy : 2000 + yy, mo, dd, hh, mi, ss) * 1000;
    }
    /* fix type and satellites before the time; V4 adds altitude and geoid height */
    size_t vi = strcmp(f[1], "V4") == 0 ? 4 : 2;
    if (ti >= vi + 4) {
        rec->has |= TRK_R_VALID | TRK_R_SATS;
        rec->valid = atoi(f[ti - vi]) == 1;
        rec->sats = atoi(f[ti - vi + 1]);
        if (vi == 4 && f[ti - 2][0]) {
            rec->has |= TRK_R_ALT;
            rec->alt = strtod(f[ti - 2], NULL);
        }
    }
    if (nf > 5) {
        msg_field_num(m, "power", atoi(f[4]) * 0.01);
        msg_field_num(m, "battery", atoi(f[5]) * 0.01);
    }
}

/* ------------------------------------------------------------ server side */

static void decode_down(struct trk_rd *rd, size_t n, struct trk_state *st, struct trk_msg *m)
{
    rd_skip(rd, 1);
    m->type = "ack";
    if (n == 2) {
        if (rd_u8(rd) != 0x7D) msg_malformed_at(m, 1, 1, "missing 7d at offset 1");
        m->is_reply.set = true;
        m->is_reply.key = 0x100;
        m->is_reply.accept = true;
        return;
    }
    uint8_t len = rd_u8(rd);
    uint8_t id = rd_u8(rd);
    if (rd->err) { msg_truncated(m, rd); return; }
    size_t want = len == 0 ? 4 : (size_t)len + 5;
    if (n != want) { msg_length_mismatch(m, len, n >= 5 ? n - 5 : 0, 1, 1); return; }
    if (len == 0) {
        msg_field_int(m, "sequence", id);
        m->is_reply.set = true;
        m->is_reply.key = id;
        m->is_reply.accept = true;
    } else if (id == 0 && len == 4) {
        uint8_t cs = rd_u8(rd);
        const uint8_t *s = rd_peek_span(rd, rd->off, 4);
        uint32_t tm = rd_le32(rd);
        unsigned sum = 0;
        for (size_t i = 0; s && i < 4; i++) sum += (unsigned)rd_peek(rd, rd->off - 4 + i);
        msg_field_int(m, "server_time", tm);
        if ((sum & 0xFF) != cs) msg_crc_mismatch(m, "checksum", cs, sum & 0xFF, 2, 3, 1);
        m->is_reply.set = true;
        m->is_reply.key = 0x100;
        m->is_reply.accept = true;
    } else {
        m->type = "command";
        msg_field_int(m, "command_id", id);
        rd_skip(rd, 1);
        const uint8_t *s = rd_span(rd, len);
        const char *hx = s ? msg_hex(m, s, len) : NULL;
        if (hx) msg_field_str(m, "data", "%s", hx);
    }
    if (rd_peek(rd, n - 1) != 0x7D) msg_malformed_at(m, n - 1, 1, "missing 7d at offset %zu", n - 1);
}

static void arn_decode(struct trk_rd *rd, enum trk_dir d, struct trk_state *st, struct trk_msg *m)
{
    struct trk_state scratch = { 0 };
    if (!st) st = &scratch;
    size_t n = rd_left(rd);
    int b0 = rd_peek(rd, 0);
    m->type = "unknown";
    if (d == TRK_DOWN) {
        if (b0 == 0x7B) decode_down(rd, n, st, m);
        else if (b0 < 0) msg_truncated(m, rd);
        else msg_malformed_at(m, 0, 1, "bad start byte 0x%02X (expected 7b)", (unsigned)b0);
        return;
    }
    switch (b0) {
    case 0xFF: decode_header(rd, n, st, m); break;
    case 0x5B: decode_package(rd, n, m); break;
    case '$': decode_text(rd, n, m); break;
    default:
        if (b0 < 0) msg_truncated(m, rd);
        else msg_malformed_at(m, 0, 1, "bad start byte 0x%02X (expected ff, 5b or $)", (unsigned)b0);
        break;
    }
}

static const uint16_t arn_ports[] = { 5100, 0 };

const struct dissector dissector_arnavi = {
    .name = "arnavi",
    .title = "Arnavi (binary packages and $AV text)",
    .aliases = NULL,
    .ports = arn_ports,
    .transports = TRK_TCP,
    .probe = arn_probe,
    .frame = arn_frame,
    .decode = arn_decode,
};
