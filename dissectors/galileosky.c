/* galileosky.c: dissector for the Galileosky tracker protocol (GLONASS/GPS terminals v2..v10)
 * over TCP, including packets relayed through Iridium SBD.
 *
 * Device -> server (TRK_UP)
 *   0x01 main/head packet: 0x01, u16le length (bit 15 = "archive holds unsent data", bits 0..14
 *        = tag bytes), tags, CRC-16/MODBUS u16le over [0x01 .. last tag byte]
 *   0x07 photo packet, 0x08 compressed packet: same envelope (0x08 is reported unsupported)
 *   Iridium SBD: 0x01, u16be overall length, IEIs (u8 id, u16be length, data): 0x01 MO header
 *        (CDR u32, IMEI 15 ASCII, status, MOMSN, MTMSN, time), 0x03 location, 0x02 payload =
 *        a Galileosky tag stream without envelope.  Told apart by bytes 3..5 = 01 00 1C.
 * Server -> device (TRK_DOWN)
 *   0x02 + the CRC of the packet it confirms (u16le)                     type "ack"
 *   0x07 + the CRC of the photo packet it confirms                       type "ack"
 *   0x01 packets carrying a command (tags 0x03, 0x04, 0xE0, 0xE1)        type "command"
 *
 * Tags: one tag byte and a value whose size the tag defines (table below), except 0xE1 and 0xEA
 * (u8 length), 0xFE (u16le length of extended tags).  0x5B (refrigerator data) has a size that
 * varies by firmware, so it is treated as a tag of unknown size.  A tag that repeats starts a
 * new record.
 * Every record holding time (0x20) or coordinates (0x30) becomes a trk_record; its other tags
 * are IO elements (id = tag, little-endian value; longer values as hex).  Decoded: 0x20 time
 * (u32 UTC), 0x30 coordinates (satellites in the low nibble, validity in the high nibble, 0 =
 * valid; lat/lon i32 x1e-6), 0x33 speed (u16 x0.1 km/h) and course (u16 x0.1 deg), 0x34
 * altitude (i16 m); head tags 0x01/0x02 hardware/firmware version, 0x03 IMEI, 0x04 device id,
 * 0xE0 command number and 0xE1 command text become fields.
 *
 * Problems: CRC mismatch ("crc mismatch: ..."), length ("length field says N, frame has M"),
 * a tag whose value runs past the end (truncated), and a tag of unknown size, after which the
 * rest cannot be walked: "unknown tag 0xNN at offset X; crc ok" (unsupported).
 *
 * Replies: an up packet sets want_reply.key to its CRC field (photo packets: 0x70000 | CRC), a
 * down 0x02 (0x07) confirmation sets is_reply.key to the CRC it echoes (0x70000 | CRC). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "crc.h"
#include "dissect.h"
#include "msg.h"
#include "rd.h"

#define GAL_MAX_LEN 0x7FFFu
#define GAL_TEXT_MAX 512

/* ---------------------------------------------------------------- tag table */

enum { TW_UNKNOWN = -1, TW_U8LEN = -2, TW_U16LEN = -3 };

/* Value size of a tag (bytes), or one of TW_*. */
static int tag_width(unsigned t)
{
    switch (t) {
    case 0x03: return 15;
    case 0x30: return 9;
    case 0x5C: return 68;
    case 0xFD: return 8;
    case 0xE1: case 0xEA: return TW_U8LEN;
    case 0xFE: return TW_U16LEN;
    case 0x01: case 0x02: case 0x35: case 0x43: case 0xD5:
        return 1;
    case 0x04: case 0x10: case 0x34: case 0x40: case 0x41: case 0x42: case 0x45: case 0x46:
    case 0x48:
        return 2;
    case 0x5D: case 0xFA:
        return 3;
    case 0x20: case 0x33: case 0x44: case 0x47: case 0x5A: case 0x90: case 0xC0: case 0xC1:
    case 0xC2: case 0xC3: case 0xD3: case 0xD4: case 0xE0: case 0xE2: case 0xE9:
        return 4;
    default:
        break;
    }
    if (t >= 0x88 && t <= 0x8C) return 1;
    if (t >= 0xA0 && t <= 0xAF) return 1;
    if (t >= 0xC4 && t <= 0xD2) return 1;
    if (t >= 0x50 && t <= 0x59) return 2;
    if (t >= 0x5E && t <= 0x62) return 2;
    if (t >= 0x70 && t <= 0x77) return 2;
    if (t >= 0xB0 && t <= 0xB9) return 2;
    if (t >= 0xD6 && t <= 0xDA) return 2;
    if (t >= 0x63 && t <= 0x6F) return 3;
    if (t >= 0x80 && t <= 0x87) return 3;
    if (t >= 0xDB && t <= 0xDF) return 4;
    if (t >= 0xE3 && t <= 0xE8) return 4;
    if (t >= 0xF0 && t <= 0xF9) return 4;
    return TW_UNKNOWN;
}

/* Size of the tag at r's cursor including the tag byte, from the bytes there (without moving
 * the cursor): >0 size, 0 = the size is not known (unknown tag), -1 = its length prefix is not
 * all there. */
static long tag_size_at(const struct trk_rd *r, size_t at)
{
    int t = rd_peek(r, at);
    if (t < 0) return -1;
    int w = tag_width((unsigned)t);
    uint64_t v;
    if (w >= 0) return 1 + w;
    if (w == TW_U8LEN) {
        if (!rd_peek_be(r, at + 1, 1, &v)) return -1;
        return 2 + (long)v;
    }
    if (w == TW_U16LEN) {
        if (!rd_peek_le(r, at + 1, 2, &v)) return -1;
        return 3 + (long)v;
    }
    return 0;
}

/* Is this an Iridium SBD message (01, u16be length, IEI 01 00 1C)? */
static bool is_iridium(const struct trk_rd *r)
{
    return rd_peek(r, 0) == 0x01 && rd_peek(r, 3) == 0x01 && rd_peek(r, 4) == 0x00 &&
           rd_peek(r, 5) == 0x1C;
}

/* ----------------------------------------------------------------- probe */

static bool crc_ok(const struct trk_rd *r, size_t len)
{
    const uint8_t *s = rd_peek_span(r, 0, len);
    uint64_t f;
    return s && rd_peek_le(r, len, 2, &f) && f == crc16_modbus(s, len);
}

static int gal_probe(const uint8_t *p, size_t n, unsigned transport)
{
    struct trk_rd r;
    uint64_t v;
    rd_init(&r, p, n);
    if (transport != TRK_TCP || n < 3) return 0;
    int b0 = rd_peek(&r, 0);
    if (b0 == 0x02) return n == 3 ? 10 : 0;
    if (b0 != 0x01 && b0 != 0x07 && b0 != 0x08) return 0;
    if (b0 == 0x01 && n >= 6 && is_iridium(&r)) {
        rd_peek_be(&r, 1, 2, &v);
        return v + 3 == n ? 85 : 40;
    }
    rd_peek_le(&r, 1, 2, &v);
    size_t L = (size_t)(v & GAL_MAX_LEN);
    if (L == 0) return 0;
    if (n >= L + 5) return crc_ok(&r, L + 3) ? 98 : 5;
    if (b0 != 0x01) return 10;
    /* not all there: the tags present must walk cleanly and start like a head or main pack */
    int t0 = rd_peek(&r, 3);
    if (t0 != 0x01 && t0 != 0x03 && t0 != 0x04 && t0 != 0x10 && t0 != 0x20) return 5;
    size_t at = 3, tags = 0;
    while (at < n && at < L + 3) {
        long s = tag_size_at(&r, at);
        if (s == 0) return 5;
        if (s < 0) break;
        at += (size_t)s;
        tags++;
    }
    return tags >= 4 ? 45 : 20;
}

/* ----------------------------------------------------------------- frame */

static long gal_frame(const uint8_t *p, size_t n, enum trk_dir d, const struct trk_state *st)
{
    struct trk_rd r;
    uint64_t v;
    rd_init(&r, p, n);
    if (n == 0) return TRK_FRAME_MORE;
    int b0 = rd_peek(&r, 0);
    if (d == TRK_DOWN && (b0 == 0x02 || b0 == 0x07)) return n >= 3 ? 3 : TRK_FRAME_MORE;
    bool start = b0 == 0x01 || (d == TRK_UP && (b0 == 0x07 || b0 == 0x08));
    if (start) {
        if (n < 3 || !rd_peek_le(&r, 1, 2, &v)) return TRK_FRAME_MORE;
        size_t L = (size_t)(v & GAL_MAX_LEN);
        if (b0 == 0x01) {
            if (n < 6) return TRK_FRAME_MORE;
            if (is_iridium(&r)) {
                rd_peek_be(&r, 1, 2, &v);
                size_t total = 3 + (size_t)v;
                return total <= n ? (long)total : TRK_FRAME_MORE;
            }
        }
        if (L > 0) {
            size_t total = L + 5;
            return total <= n ? (long)total : TRK_FRAME_MORE;
        }
    }
    for (size_t i = 1; i < n; i++) {                 /* resynchronise */
        int b = rd_peek(&r, i);
        if (b == 0x01 || b == 0x07 || (d == TRK_UP && b == 0x08) || (d == TRK_DOWN && b == 0x02))
            return -(long)i;
    }
    return -(long)n;
}

/* ---------------------------------------------------------------- decode */

struct tagctx {
    struct trk_msg *m;
    bool fields_done;      /* head fields already added (a later repeat does not add them again) */
    bool any_pos;
    bool any_text;
};

/* Record boundaries: the segment [at, end) up to the first repeated tag.  Returns its end;
 * *has_fix tells whether it holds time or coordinates.  Stops at an unknown or cut tag. */
static size_t segment_end(const struct trk_rd *r, size_t at, size_t end, bool *has_fix)
{
    uint8_t seen[32];
    memset(seen, 0, sizeof seen);
    *has_fix = false;
    while (at < end) {
        int t = rd_peek(r, at);
        if (t < 0) break;
        if (seen[t >> 3] & (1u << (t & 7))) break;
        seen[t >> 3] = (uint8_t)(seen[t >> 3] | (1u << (t & 7)));
        if (t == 0x20 || t == 0x30) *has_fix = true;
        long s = tag_size_at(r, at);
        if (s <= 0 || (size_t)s > end - at) return end;
        at += (size_t)s;
    }
    return at;
}

/* Decode the tags of [r->off, r->off + len) into m.  Returns false on an unknown tag or a cut
 * one (problem set). */
static bool decode_tags(struct trk_rd *r, size_t len, struct tagctx *c, bool crc_good)
{
    struct trk_msg *m = c->m;
    struct trk_rd t = rd_sub(r, len);
    while (rd_left(&t) > 0) {
        bool has_fix;
        size_t seg = segment_end(&t, t.off, t.n, &has_fix);
        if (seg == t.off) seg = t.n;            /* defensive: always progress */
        struct trk_record *rec = NULL;
        if (has_fix) {
            rec = msg_add_record(m);
            if (!rec) return true;
        }
        bool head_here = false;
        while (t.off < seg && !t.err) {
            size_t tag_off = rd_pos(&t);
            uint8_t tag = rd_u8(&t);
            int w = tag_width(tag);
            if (w == TW_UNKNOWN) {
                msg_unsupported_at(m, tag_off, 1, "unknown tag 0x%02X at offset %zu; crc %s", tag, tag_off,
                                   crc_good ? "ok" : "not checked");
                return false;
            }
            size_t k;
            if (w == TW_U8LEN) k = rd_u8(&t);
            else if (w == TW_U16LEN) k = rd_le16(&t);
            else k = (size_t)w;
            const uint8_t *v = rd_span(&t, k);
            if (!v) { msg_truncated(m, &t); return false; }
            struct trk_rd vr;
            rd_init(&vr, v, k);
            switch (tag) {
            case 0x01:
                if (!c->fields_done) msg_field_int(m, "hardware_version", rd_u8(&vr));
                head_here = true;
                continue;
            case 0x02:
                if (!c->fields_done) msg_field_int(m, "firmware_version", rd_u8(&vr));
                head_here = true;
                continue;
            case 0x03: {
                char imei[20];
                rd_str(&vr, 15, imei, sizeof imei);
                if (!c->fields_done) {
                    msg_set_imei(m, imei);
                    msg_field_str(m, "imei", "%s", imei);
                }
                head_here = true;
                continue;
            }
            case 0x04:
                if (!c->fields_done) msg_field_int(m, "device_id", rd_le16(&vr));
                head_here = true;
                continue;
            case 0xE0:
                msg_field_int(m, "command_number", rd_le32(&vr));
                c->any_text = true;
                continue;
            case 0xE1: {
                char buf[GAL_TEXT_MAX + 1];
                size_t shown = k < GAL_TEXT_MAX ? k : GAL_TEXT_MAX;
                rd_str(&vr, shown, buf, sizeof buf);
                msg_field_str(m, "text", "%s", buf);
                c->any_text = true;
                continue;
            }
            default:
                break;
            }
            if (!rec) continue;
            switch (tag) {
            case 0x20:
                rec->has |= TRK_R_TIME;
                rec->time_ms = (int64_t)rd_le32(&vr) * 1000;
                break;
            case 0x30: {
                uint8_t b = rd_u8(&vr);
                int32_t lat = rd_lei32(&vr), lon = rd_lei32(&vr);
                rec->has |= TRK_R_POS | TRK_R_SATS | TRK_R_VALID;
                rec->sats = b & 0x0F;
                rec->valid = (b >> 4) == 0;
                rec->lat = lat / 1e6;
                rec->lon = lon / 1e6;
                c->any_pos = true;
                break;
            }
            case 0x33:
                rec->has |= TRK_R_SPEED | TRK_R_COURSE;
                rec->speed = rd_le16(&vr) / 10.0;
                rec->course = rd_le16(&vr) / 10.0;
                break;
            case 0x34:
                rec->has |= TRK_R_ALT;
                rec->alt = rd_lei16(&vr);
                break;
            default: {
                uint64_t u = k <= 8 ? rd_le(&vr, k) : 0;
                msg_add_io(m, tag, (uint16_t)k, u, v);
                break;
            }
            }
        }
        if (head_here) c->fields_done = true;
    }
    return true;
}

static void decode_iridium(struct trk_rd *rd, size_t n, struct trk_msg *m)
{
    rd_skip(rd, 1);
    uint16_t L = rd_be16(rd);
    m->type = "position";
    if (rd->err) { msg_truncated(m, rd); return; }
    msg_field_bool(m, "iridium", true);
    if ((size_t)L + 3 != n) msg_length_mismatch(m, L, n - 3, 1, 2);
    struct tagctx c = { m, false, false, false };
    bool payload = false;
    while (rd_left(rd) > 0) {
        uint8_t iei = rd_u8(rd);
        uint16_t il = rd_be16(rd);
        if (rd->err) { msg_truncated(m, rd); return; }
        struct trk_rd v = rd_sub(rd, il);
        if (rd->err) { msg_truncated(m, rd); return; }
        if (iei == 0x01) {
            char imei[20];
            uint32_t cdr = rd_be32(&v);
            rd_str(&v, 15, imei, sizeof imei);
            uint8_t status = rd_u8(&v);
            uint16_t momsn = rd_be16(&v);
            rd_skip(&v, 2);
            uint32_t t = rd_be32(&v);
            if (v.err) { msg_truncated(m, &v); return; }
            msg_set_imei(m, imei);
            msg_field_str(m, "imei", "%s", imei);
            msg_field_int(m, "cdr", cdr);
            msg_field_int(m, "session_status", status);
            msg_field_int(m, "momsn", momsn);
            msg_field_int(m, "sbd_time", t);
        } else if (iei == 0x02) {
            payload = true;
            if (!decode_tags(&v, il, &c, false)) return;
        }
    }
    if (!payload) m->type = "info";
}

static void gal_decode(struct trk_rd *rd, enum trk_dir d, struct trk_state *st, struct trk_msg *m)
{
    size_t n = rd_left(rd);
    int b0 = rd_peek(rd, 0);
    m->type = "unknown";

    if (d == TRK_DOWN && (b0 == 0x02 || b0 == 0x07)) {
        rd_skip(rd, 1);
        uint16_t crc = rd_le16(rd);
        m->type = "ack";
        if (rd->err) { msg_truncated(m, rd); return; }
        if (rd_left(rd)) { msg_length_mismatch(m, 3, n, 0, 0); }
        msg_field_str(m, "crc", "0x%04X", crc);
        m->is_reply.set = true;
        m->is_reply.key = b0 == 0x07 ? 0x70000u | crc : crc;
        m->is_reply.count = 1;
        m->is_reply.accept = true;
        return;
    }
    if (b0 == 0x01 && n >= 6 && is_iridium(rd)) { decode_iridium(rd, n, m); return; }
    if (b0 != 0x01 && b0 != 0x07 && b0 != 0x08) {
        if (b0 < 0) { msg_truncated(m, rd); return; }
        msg_malformed_at(m, 0, 1, "bad header byte 0x%02X (expected 0x01, 0x07 or 0x08)", (unsigned)b0);
        return;
    }
    rd_skip(rd, 1);
    uint16_t lw = rd_le16(rd);
    if (rd->err) { msg_truncated(m, rd); return; }
    size_t L = lw & GAL_MAX_LEN;
    bool archive = (lw & 0x8000) != 0;
    size_t has = n >= 5 ? n - 5 : 0;
    bool crc_good = false;
    uint16_t field = 0;
    if (has != L) {
        msg_length_mismatch(m, L, has, 1, 2);
        if (has > L) has = L;
    } else {
        const uint8_t *s = rd_peek_span(rd, 0, L + 3);
        uint64_t f = 0;
        bool crc_there = rd_peek_le(rd, L + 3, 2, &f);
        field = (uint16_t)f;
        uint16_t crc = s ? crc16_modbus(s, L + 3) : 0;
        if (!crc_there)
            msg_malformed_at(m, L + 3, n > L + 3 ? n - (L + 3) : 0, "truncated at offset %zu: no room for the CRC",
                             n);
        else if (field != crc) msg_crc_mismatch(m, "crc", field, crc, 4, L + 3, 2);
        else crc_good = true;
        m->want_reply.set = d == TRK_UP;
        m->want_reply.key = field;
        m->want_reply.count = 1;
    }
    if (archive) msg_field_bool(m, "archive", true);

    if (b0 == 0x07) {
        /* part number, then JPEG bytes; a part with no bytes ends the picture */
        m->type = "photo";
        if (has >= 1) msg_field_int(m, "part", rd_peek(rd, 3));
        msg_field_int(m, "photo_bytes", has >= 1 ? (int64_t)has - 1 : 0);
        if (has == 1) msg_field_bool(m, "last_part", true);
        m->want_reply.key |= 0x70000u;                /* confirmed with 07 + CRC */
        rd_skip(rd, has);
        return;
    }
    if (b0 == 0x08) {
        m->type = "position";
        if (m->status == TRK_OK) msg_unsupported_at(m, 0, 1, "unsupported compressed packet (0x08)");
        return;
    }
    struct tagctx c = { m, false, false, false };
    decode_tags(rd, has, &c, crc_good);
    if (d == TRK_DOWN) m->type = "command";
    else if (c.any_text) m->type = "command-reply";
    else if (m->nrec > 0) m->type = "position";
    else if (msg_field_get(m, "imei") || msg_field_get(m, "device_id")) m->type = "login";
    else m->type = "status";
}

static const uint16_t gal_ports[] = { 5034, 0 };
static const char *const gal_aliases[] = { "galileo", NULL };

const struct dissector dissector_galileosky = {
    .name = "galileosky",
    .title = "Galileosky (tag protocol, head/main/photo packets, Iridium SBD)",
    .aliases = gal_aliases,
    .ports = gal_ports,
    .transports = TRK_TCP,
    .probe = gal_probe,
    .frame = gal_frame,
    .decode = gal_decode,
};
