/* ruptela.c: dissector for the Ruptela tracker protocol (FM-Eco, FM-Pro, Trace, HCV ...) over TCP.
 *
 * Device -> server (TRK_UP): u16be L, body of L bytes, CRC-16/KERMIT u16be over the body.
 *   body = IMEI u64be (shown as 15 zero-padded digits), command u8, payload.
 *   command 1 (records) and 68 (extended records): records left u8, count u8, records  "position"
 *   command 9 (DTC codes)                                                  "event"
 *   command 7 / 8 (SMS via GPRS answer / text)                            "command-reply"
 *   command 15 (identification), 16 (heartbeat)                           "login" / "heartbeat"
 *   commands 2..6, 17, 37 (configuration, version, firmware, files, ...)  "info" / "file" (generic)
 * Server -> device (TRK_DOWN): u16be L, command u8 (100 + the answered command for ACKs), data,
 *   CRC-16/KERMIT over command..data.  `00 02 64 01 13 BC` accepts records.
 *
 * Records (command 1 / 68): u32be time (UTC s), timestamp extension u8, [68: record extension u8],
 *   priority u8, lon/lat i32be x1e7 (0x80000000 = no fix), altitude u16be dm, angle u16be x0.01,
 *   satellites u8, speed u16be km/h, HDOP u8 x0.1, event id u8 [68: u16be], then four IO groups
 *   (1, 2, 4, 8-byte values) of u8 count x (id u8 [68: u16be] + value).  Every IO element goes
 *   to msg_add_io of its record.
 *
 * Replies: an up message that asks for an answer sets want_reply.key to the answering command
 * byte (100 for records, 109 for DTC, 115 identification, 116 heartbeat); a down ACK sets
 * is_reply.key to its command byte and accept = first data byte is 1.
 *
 * Framing: 2 + L + 2 bytes.  When the CRC at the declared end fails, the frame may carry a wrong
 * length field (seen in the wild: a hand-edited L); if a later position in the buffered bytes
 * holds a matching CRC over IMEI..there, that is taken as the end and decode() reports the
 * length mismatch.  Absurd L (< 9 up, < 1 down, > 8192) is skipped to the next plausible start. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "crc.h"
#include "dissect.h"
#include "msg.h"
#include "rd.h"

#define RUP_MAX_LEN 8192u     /* larger length fields are not a frame start */
#define RUP_SCAN_MAX 256u     /* bytes searched past the declared end for the real CRC */
#define RUP_TEXT_MAX 1024

/* ---------------------------------------------------------------- helpers */

static bool known_cmd(int c)
{
    switch (c) {
    case 1: case 2: case 3: case 4: case 5: case 6: case 7: case 8: case 9:
    case 15: case 16: case 17: case 18: case 19: case 20: case 21: case 22: case 23: case 24:
    case 25: case 26: case 27: case 28: case 29: case 30: case 31: case 32: case 33: case 34:
    case 35: case 36: case 37: case 38: case 39: case 40: case 41: case 42: case 43: case 44:
    case 45: case 46: case 47: case 48: case 49: case 50: case 68:
        return true;
    default:
        return false;
    }
}

/* An up frame start at `at` whose IMEI looks like a 15-digit number (< 10^15: the three
 * top bytes are 00 00 00..03).  Needs the length field plus 4 IMEI bytes. */
static int up_start(const struct trk_rd *r, size_t at, size_t *L)
{
    uint64_t v;
    if (!rd_peek_be(r, at, 2, &v)) return 0;
    if (v < 9 || v > RUP_MAX_LEN) return -1;
    *L = (size_t)v;
    int b2 = rd_peek(r, at + 2), b3 = rd_peek(r, at + 3), b4 = rd_peek(r, at + 4);
    if (b2 < 0) return 0;
    if (b2 != 0) return -1;
    if (b3 < 0) return 0;
    if (b3 > 0x03) return -1;
    if (b4 < 0) return 0;
    return 1;
}

static bool crc_ok_at(const struct trk_rd *r, size_t start, size_t len)
{
    const uint8_t *s = rd_peek_span(r, start, len);
    uint64_t f;
    if (!s || !rd_peek_be(r, start + len, 2, &f)) return false;
    return crc16_kermit(s, len) == f;
}

/* One byte of CRC-16/KERMIT (reflected 0x1021, init 0), for a running CRC while searching. */
static uint16_t kermit_step(uint16_t crc, uint8_t b)
{
    crc ^= b;
    for (int i = 0; i < 8; i++)
        crc = (crc & 1) ? (uint16_t)((crc >> 1) ^ 0x8408) : (uint16_t)(crc >> 1);
    return crc;
}

/* The frame end e (> min_end, e <= n, at most RUP_SCAN_MAX past min_end) where the two bytes
 * before e hold the CRC of bytes [2, e-2); with `next`, the bytes at e must also end the buffer
 * or start a frame.  0 when there is none.  One pass with a running CRC. */
static size_t crc_end_after(const struct trk_rd *r, size_t n, size_t min_end, bool next)
{
    size_t lim = n < min_end + RUP_SCAN_MAX ? n : min_end + RUP_SCAN_MAX;
    uint16_t crc = 0;
    for (size_t i = 2; i + 2 <= lim; i++) {
        size_t e = i + 2;                            /* CRC field at [i, i+2) covers [2, i) */
        uint64_t f;
        if (e > min_end && rd_peek_be(r, i, 2, &f) && f == crc) {
            size_t nl = 0;
            if (!next || e == n || up_start(r, e, &nl) >= 0) return e;
        }
        int b = rd_peek(r, i);
        if (b < 0) break;
        crc = kermit_step(crc, (uint8_t)b);
    }
    return 0;
}

/* ----------------------------------------------------------------- probe */

static int rup_probe(const uint8_t *p, size_t n, unsigned transport)
{
    struct trk_rd r;
    size_t L = 0;
    rd_init(&r, p, n);
    if (transport != TRK_TCP || n < 2) return 0;
    int s = up_start(&r, 0, &L);
    if (s < 0) return 0;
    if (s == 0) return 5;
    int cmd = rd_peek(&r, 10);
    if (cmd >= 0 && !known_cmd(cmd)) return 5;
    if (n >= L + 4) {
        if (crc_ok_at(&r, 2, L)) return 97;
        /* a wrong length field with the CRC at the real end of the message */
        return crc_end_after(&r, n, L + 4, false) ? 70 : 35;
    }
    return cmd >= 0 ? 45 : 25;
}

/* ----------------------------------------------------------------- frame */

static long frame_up(const struct trk_rd *r, size_t n)
{
    size_t L = 0;
    int s = up_start(r, 0, &L);
    if (s == 0) return TRK_FRAME_MORE;
    if (s > 0) {
        if (n < L + 4) return TRK_FRAME_MORE;
        if (crc_ok_at(r, 2, L)) return (long)(L + 4);
        /* the declared end fails its CRC: look for a later end whose CRC matches */
        size_t e = crc_end_after(r, n, L + 4, true);
        return (long)(e ? e : L + 4);
    }
    for (size_t i = 1; i < n; i++) {                 /* resynchronise */
        size_t L2;
        if (up_start(r, i, &L2) >= 0) return -(long)i;
    }
    return -(long)n;
}

static long frame_down(const struct trk_rd *r, size_t n)
{
    uint64_t v;
    if (!rd_peek_be(r, 0, 2, &v)) return TRK_FRAME_MORE;
    if (v < 1 || v > RUP_MAX_LEN) {
        for (size_t i = 1; i < n; i++) {
            if (rd_peek_be(r, i, 2, &v) && v >= 1 && v <= RUP_MAX_LEN) return -(long)i;
            if (i + 1 == n && rd_peek(r, i) == 0) return -(long)i;
        }
        return -(long)n;
    }
    size_t total = (size_t)v + 4;
    return total <= n ? (long)total : TRK_FRAME_MORE;
}

static long rup_frame(const uint8_t *p, size_t n, enum trk_dir d, const struct trk_state *st)
{
    struct trk_rd r;
    rd_init(&r, p, n);
    if (n == 0) return TRK_FRAME_MORE;
    return d == TRK_UP ? frame_up(&r, n) : frame_down(&r, n);
}

/* ---------------------------------------------------------------- decode */

static const char *cmd_type(int cmd)
{
    switch (cmd) {
    case 1: case 68: return "position";
    case 7: case 8: return "command-reply";
    case 9: return "event";
    case 15: return "login";
    case 16: return "heartbeat";
    case 37: return "file";
    default: return "info";
    }
}

/* One IO group: count u8, then id (u8 or u16) + `w`-byte value. */
static void read_io_group(struct trk_rd *r, bool ext, size_t w, struct trk_msg *m)
{
    size_t cnt = rd_u8(r);
    for (size_t i = 0; i < cnt && !r->err; i++) {
        uint32_t id = ext ? rd_be16(r) : rd_u8(r);
        uint64_t v = rd_be(r, w);
        if (!r->err) msg_add_io(m, id, (uint16_t)w, v, NULL);
    }
}

static void decode_records(struct trk_rd *r, bool ext, struct trk_msg *m)
{
    uint8_t left = rd_u8(r);
    uint8_t count = rd_u8(r);
    if (r->err) { msg_truncated(m, r); return; }
    msg_field_int(m, "records_left", left);
    msg_field_int(m, "records", count);
    m->want_reply.set = true;
    m->want_reply.key = 100;
    m->want_reply.count = count;
    for (size_t k = 0; k < count && !r->err; k++) {
        uint32_t t = rd_be32(r);
        uint8_t tsext = rd_u8(r);
        uint8_t recext = ext ? rd_u8(r) : 0;
        uint8_t prio = rd_u8(r);
        int32_t lon = rd_bei32(r);
        int32_t lat = rd_bei32(r);
        uint16_t alt = rd_be16(r);
        uint16_t angle = rd_be16(r);
        uint8_t sats = rd_u8(r);
        uint16_t speed = rd_be16(r);
        uint8_t hdop = rd_u8(r);
        uint16_t event = ext ? rd_be16(r) : rd_u8(r);
        if (r->err) break;
        struct trk_record *rec = msg_add_record(m);
        if (!rec) return;
        rec->has = TRK_R_TIME | TRK_R_SATS | TRK_R_VALID;
        rec->time_ms = (int64_t)t * 1000;
        rec->sats = sats;
        bool fix = lon != INT32_MIN && lat != INT32_MIN;
        rec->valid = fix && sats > 0;
        if (fix) {
            rec->has |= TRK_R_POS | TRK_R_ALT | TRK_R_SPEED | TRK_R_COURSE;
            rec->lat = lat / 1e7;
            rec->lon = lon / 1e7;
            rec->alt = alt / 10.0;
            rec->course = angle / 100.0;
            rec->speed = speed;
        }
        if (k == 0) {
            msg_field_int(m, "timestamp_ext", tsext);
            if (ext) msg_field_int(m, "record_ext", recext);
            msg_field_int(m, "priority", prio);
            msg_field_num(m, "hdop", hdop / 10.0);
            msg_field_int(m, "event_id", event);
        }
        read_io_group(r, ext, 1, m);
        read_io_group(r, ext, 2, m);
        read_io_group(r, ext, 4, m);
        read_io_group(r, ext, 8, m);
    }
    if (r->err) { msg_truncated(m, r); return; }
    if (rd_left(r))
        msg_malformed_at(m, rd_pos(r), rd_left(r), "%zu bytes left over after %u records at offset %zu", rd_left(r),
                         (unsigned)count, rd_pos(r));
}

/* DTC codes: count u8, then per code: archive flag u8, time u32be, lon, lat i32be x1e7,
 * u8, 5-character code. */
static void decode_dtc(struct trk_rd *r, struct trk_msg *m)
{
    uint8_t count = rd_u8(r);
    if (r->err) { msg_truncated(m, r); return; }
    msg_field_int(m, "dtc_count", count);
    m->want_reply.set = true;
    m->want_reply.key = 109;
    m->want_reply.count = count;
    for (size_t k = 0; k < count && !r->err; k++) {
        uint8_t archive = rd_u8(r);
        uint32_t t = rd_be32(r);
        int32_t lon = rd_bei32(r);
        int32_t lat = rd_bei32(r);
        uint8_t flag = rd_u8(r);
        char code[8];
        rd_str(r, 5, code, sizeof code);
        if (r->err) break;
        struct trk_record *rec = msg_add_record(m);
        if (!rec) return;
        rec->has = TRK_R_TIME;
        rec->time_ms = (int64_t)t * 1000;
        if (lon != INT32_MIN && lat != INT32_MIN) {
            rec->has |= TRK_R_POS;
            rec->lat = lat / 1e7;
            rec->lon = lon / 1e7;
        }
        if (k == 0) {
            msg_field_int(m, "archive", archive);
            msg_field_int(m, "dtc_flag", flag);
        }
        msg_field_str(m, "dtc", "%s", code);
    }
    if (r->err) msg_truncated(m, r);
}

/* The rest of the payload as "text" (printable, '.' for others, trailing NUL/CR/LF dropped). */
static void text_field(struct trk_rd *r, struct trk_msg *m, const char *key)
{
    char buf[RUP_TEXT_MAX + 1];
    size_t k = rd_left(r);
    while (k > 0) {
        int b = rd_peek(r, r->off + k - 1);
        if (b != 0 && b != '\r' && b != '\n') break;
        k--;
    }
    size_t shown = k < RUP_TEXT_MAX ? k : RUP_TEXT_MAX;
    rd_str(r, shown, buf, sizeof buf);
    msg_field_str(m, key, "%s", buf);
    rd_skip(r, rd_left(r));
}

static void hex_field(struct trk_rd *r, struct trk_msg *m, const char *key, size_t max)
{
    size_t k = rd_left(r);
    if (k > max) k = max;
    const uint8_t *s = rd_span(r, k);
    if (s && k) {
        const char *hx = msg_hex(m, s, k);
        if (hx) msg_field_str(m, key, "%s", hx);
    }
    rd_skip(r, rd_left(r));
}

static void decode_identification(struct trk_rd *r, struct trk_msg *m)
{
    char ver[32];
    size_t k = 0;
    while (k < 24) {
        int b = rd_peek(r, r->off + k);
        if (b < 0x20 || b >= 0x7F) break;
        k++;
    }
    if (k) {
        rd_str(r, k, ver, sizeof ver);
        msg_field_str(m, "device", "%s", ver);
    }
    hex_field(r, m, "data", 256);
    m->want_reply.set = true;
    m->want_reply.key = 115;
}

static void decode_up(struct trk_rd *rd, size_t n, struct trk_msg *m)
{
    uint16_t L = rd_be16(rd);
    uint64_t imei = rd_be64(rd);
    uint8_t cmd = rd_u8(rd);
    m->type = "unknown";
    if (rd->err) { msg_truncated(m, rd); return; }
    char id[24];
    snprintf(id, sizeof id, "%015llu", (unsigned long long)imei);   /* 15 digits, zero-padded */
    msg_set_imei(m, id);
    msg_field_str(m, "imei", "%s", id);
    msg_field_int(m, "command", cmd);

    size_t body = n >= 4 ? n - 4 : 0;                /* bytes between length and CRC fields */
    if (body != L) msg_length_mismatch(m, L, body, 0, 2);
    else {
        const uint8_t *s = rd_peek_span(rd, 2, L);
        uint64_t f;
        if (s && rd_peek_be(rd, 2 + L, 2, &f) && f != crc16_kermit(s, L))
            msg_crc_mismatch(m, "crc", (uint32_t)f, crc16_kermit(s, L), 4, 2 + (size_t)L, 2);
    }
    struct trk_rd pl = rd_sub(rd, body >= 9 ? body - 9 : 0);
    rd_skip(rd, 2);

    m->type = cmd_type(cmd);
    switch (cmd) {
    case 1: decode_records(&pl, false, m); break;
    case 68: decode_records(&pl, true, m); break;
    case 9: decode_dtc(&pl, m); break;
    case 7: case 8: text_field(&pl, m, "text"); break;
    case 15: decode_identification(&pl, m); break;
    case 16:
        m->want_reply.set = true;
        m->want_reply.key = 116;
        hex_field(&pl, m, "data", 256);
        break;
    case 37:
        if (rd_left(&pl)) msg_field_int(m, "file_command", rd_u8(&pl));
        msg_field_int(m, "file_bytes", (int64_t)rd_left(&pl));
        rd_skip(&pl, rd_left(&pl));
        break;
    default:
        if (!known_cmd(cmd)) {
            msg_unsupported_at(m, 10, 1, "unsupported command %u", cmd);   /* after length and IMEI */
            return;
        }
        hex_field(&pl, m, "data", 512);
        break;
    }
}

static void decode_down(struct trk_rd *rd, size_t n, struct trk_msg *m)
{
    uint16_t L = rd_be16(rd);
    uint8_t cmd = rd_u8(rd);
    m->type = "command";
    if (rd->err) { msg_truncated(m, rd); return; }
    msg_field_int(m, "command", cmd);
    size_t body = n >= 4 ? n - 4 : 0;
    if (body != L) msg_length_mismatch(m, L, body, 0, 2);
    else {
        const uint8_t *s = rd_peek_span(rd, 2, L);
        uint64_t f;
        if (s && rd_peek_be(rd, 2 + L, 2, &f) && f != crc16_kermit(s, L))
            msg_crc_mismatch(m, "crc", (uint32_t)f, crc16_kermit(s, L), 4, 2 + (size_t)L, 2);
    }
    struct trk_rd pl = rd_sub(rd, body >= 1 ? body - 1 : 0);
    if (cmd >= 100) {
        /* 100 + the command answered */
        m->type = "ack";
        int a = rd_peek(&pl, 0);
        m->is_reply.set = true;
        m->is_reply.key = cmd;
        m->is_reply.accept = a == 1;
        msg_field_int(m, "ack_for", cmd == 100 ? 1 : cmd - 100);
        if (a >= 0) msg_field_str(m, "result", "%s", a == 1 ? "accepted" : "rejected");
        return;
    }
    if (cmd == 7 || cmd == 8) text_field(&pl, m, "text");
    else hex_field(&pl, m, "data", 512);
}

static void rup_decode(struct trk_rd *rd, enum trk_dir d, struct trk_state *st, struct trk_msg *m)
{
    size_t n = rd_left(rd);
    if (d == TRK_UP) decode_up(rd, n, m);
    else decode_down(rd, n, m);
}

static const uint16_t rup_ports[] = { 5046, 0 };

const struct dissector dissector_ruptela = {
    .name = "ruptela",
    .title = "Ruptela (FM-Eco, FM-Pro, Trace, HCV)",
    .aliases = NULL,
    .ports = rup_ports,
    .transports = TRK_TCP,
    .probe = rup_probe,
    .frame = rup_frame,
    .decode = rup_decode,
};
