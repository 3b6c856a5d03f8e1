/* teltonika.c: dissector for the Teltonika tracker protocols (FMB, FMC, FMM, FMx6, GH3000):
 * AVL data in codec 8, 8 Extended (8E), 16 and 7 (GH3000), the GPRS command codecs 12, 13, 14
 * (and 15), over TCP and UDP.
 *
 * TCP, device -> server (TRK_UP)
 *   login       u16be length (15..17) + IMEI as ASCII digits          type "login"
 *   AVL packet  00000000, u32be data length L, [codec, N1, records, N2], 4-byte CRC field
 *               (upper half zero, lower half CRC-16/ARC over the L bytes)   type "position"
 *   codec 12/13/14/15 reply, same envelope                           type "command-reply"
 *   0xFF        lone keep-alive byte                                  type "keepalive"
 * TCP, server -> device (TRK_DOWN)
 *   0x01/0x00   answer to the login (only while a login answer is pending)  type "ack"
 *   u32be       number of accepted records                            type "ack"
 *   codec 12/14 command in the AVL envelope                           type "command"
 * UDP: one datagram each way.  Up: u16be length, u16be packet id, u8 not-usable byte,
 *   u8 AVL packet id, u16be IMEI length, IMEI, [codec, N1, records, N2] (no CRC).
 *   Down: 00 05, packet id, 01, AVL packet id, accepted count.
 *
 * How a position message is represented:
 *   - one trk_record per AVL record (time, lon/lat x1e7, altitude, angle -> course, satellites,
 *     speed km/h; valid = satellites != 0);
 *   - every IO element, in wire order, as msg_add_io(id, width, value) of its record; codec 8E
 *     variable-length (NX) elements with more than 8 bytes carry their value as hex;
 *   - message fields: "codec" ("8", "8E", "16"), "records" (N1), and of the FIRST record only
 *     "priority", "event_io" and, for codec 16, "generation_type".  Per-record priority and
 *     event id of later records are not kept (trk_record has no slot for them).
 *   - codec 7 (legacy GH3000) records are bit-masked: u32be with 2 priority bits and 30 bits
 *     of seconds since 2007-01-01 UTC, a global mask (bit 0 GPS element, bits 1..3 IO groups of
 *     1, 2 and 4-byte values), a GPS mask (lat/lon float32, altitude, angle x360/256, speed,
 *     satellites, LAC + cell id, GSM signal, operator).  LAC/cell/signal/operator become fields
 *     of the first record; an unknown global mask bit makes the message unsupported.
 *   - some FMB firmware (Traccar's "extended" option) appends to codec 8 IO a fifth group
 *     of 16-byte values (u8 count, u8 id + 16 bytes).  It is used only when the standard
 *     layout does not fill the record area exactly and that layout does; field "io_group16".
 *
 * Command codecs: fields "codec", "message_type", "text" (printable ASCII, other bytes as '.',
 * trailing CR/LF dropped) and "hex" when the payload is not all text; codec 13 and 15 add
 * "timestamp" (u32 seconds); codec 14 and 15 carry the IMEI as 8 bytes of packed digits
 * (m->imei, field "imei"); codec 14 replies add "result" (ack / nack).
 *
 * Checks, in order (the first failure is the reported problem): data length against the bytes
 * present ("length field says L, frame has M", M = bytes between length field and CRC field),
 * CRC ("crc mismatch: ..."), N1 == N2 ("record count mismatch: N1=3, N2=2"), record layout
 * (truncated at offset N / bytes left over).  A well-formed envelope with an unknown codec or
 * an unknown codec 12 message type (e.g. 0x0D, absent from the vendor document) is
 * "unsupported".
 *
 * Framing (TCP): up, 0xFF is one byte, a login is 2 + its length, a preamble is 12 + L; a
 * preamble whose L is impossibly small (< 3) runs to the next recognisable frame start or to
 * the end of the bytes present; L > 65536 or any other byte is skipped up to the next plausible
 * start.  Down, a 4-byte ACK unless a login answer is pending (1 byte) or 00000000 + sane length
 * + codec 0x0C/0x0E announce a command; four zero bytes alone are an ACK of 0.
 *
 * Session state (trk_state.flags): TEL_LOGIN_PENDING is set by a decoded login and cleared by
 * the decoded answer (or by AVL data from the device), so the server-side framer knows that
 * the next down byte is a 1-byte login answer and not a 4-byte record ACK. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "crc.h"
#include "dissect.h"
#include "msg.h"
#include "rd.h"

#define TEL_LOGIN_PENDING 0x1u   /* a login was decoded; its 1-byte answer has not been seen */
#define TEL_LOGIN_SEEN    0x2u   /* a login was decoded on this session */

#define TEL_MAX_LEN 65536u       /* larger data length fields are not a frame start */
#define TEL_TEXT_MAX 2048        /* command text shown in a field */
#define TEL_HEX_MAX 1024         /* bytes of a binary command payload shown as hex */

/* ---------------------------------------------------------------- helpers */

static bool is_digit_at(const struct trk_rd *r, size_t at)
{
    int b = rd_peek(r, at);
    return b >= '0' && b <= '9';
}

static bool known_codec(int c)
{
    switch (c) {
    case 0x07: case 0x08: case 0x8E: case 0x10:
    case 0x0C: case 0x0D: case 0x0E: case 0x0F:
        return true;
    default:
        return false;
    }
}

static bool avl_codec(int c) { return c == 0x08 || c == 0x8E || c == 0x10 || c == 0x07; }

/* Is there an up-direction frame start at `at`?
 *  1: yes, *flen = its full length (may be more than is present);
 *     *flen = 0 for a preamble whose length field is impossibly small (< 3)
 *  0: the bytes present are a prefix of one: need more to decide
 * -1: no.
 * `strict` (used when resynchronising) also demands a known codec and a sane length. */
static int up_start(const struct trk_rd *r, size_t at, bool strict, size_t *flen)
{
    int b0 = rd_peek(r, at);
    if (b0 < 0) return 0;
    if (b0 != 0) return -1;
    int b1 = rd_peek(r, at + 1);
    if (b1 < 0) return 0;
    if (b1 >= 0x0F && b1 <= 0x11) {                 /* IMEI login */
        size_t len = (size_t)b1;
        for (size_t i = 0; i < len; i++) {
            if (rd_peek(r, at + 2 + i) < 0) return 0;
            if (!is_digit_at(r, at + 2 + i)) return -1;
        }
        *flen = 2 + len;
        return 1;
    }
    if (b1 != 0) return -1;
    for (size_t i = 2; i < 4; i++) {                /* rest of the preamble */
        int b = rd_peek(r, at + i);
        if (b < 0) return 0;
        if (b != 0) return -1;
    }
    uint64_t L = 0;                                 /* length field, byte by byte */
    for (size_t i = 4; i < 8; i++) {
        int b = rd_peek(r, at + i);
        if (b < 0) return 0;
        L = (L << 8) | (unsigned)b;
        if (L > TEL_MAX_LEN) return -1;             /* L only grows: already absurd */
    }
    if (strict) {
        if (L < 3) return -1;
        int c = rd_peek(r, at + 8);
        if (c < 0) return 0;
        if (!known_codec(c)) return -1;
    }
    *flen = L < 3 ? 0 : (size_t)L + 12;
    return 1;
}

/* ----------------------------------------------------------------- probe */

static int tel_probe(const uint8_t *p, size_t n, unsigned transport)
{
    struct trk_rd r;
    uint64_t v;
    rd_init(&r, p, n);
    if (n == 0) return 0;

    if (transport == TRK_UDP) {
        /* up datagram: length = datagram - 2, IMEI length 15..17, digits */
        if (n >= 8 && rd_peek_be(&r, 0, 2, &v) && v == n - 2 &&
            rd_peek_be(&r, 6, 2, &v) && v >= 15 && v <= 17) {
            size_t il = (size_t)v;
            for (size_t i = 0; i < il; i++)
                if (!is_digit_at(&r, 8 + i)) return 5;
            int c = rd_peek(&r, 8 + il);
            return avl_codec(c) ? 98 : (c < 0 ? 85 : 60);
        }
        /* server ACK: 00 05 id id 01 avl count */
        if (n == 7 && rd_peek_be(&r, 0, 2, &v) && v == 5 && rd_peek(&r, 4) == 0x01) return 50;
        return 0;
    }

    int b0 = rd_peek(&r, 0);
    if (b0 == 0xFF) return n == 1 ? 10 : 0;
    if (b0 != 0) return 0;
    int b1 = rd_peek(&r, 1);
    if (b1 >= 0x0F && b1 <= 0x11) {
        size_t len = (size_t)b1, have = 0;
        for (size_t i = 0; i < len && rd_peek(&r, 2 + i) >= 0; i++, have++)
            if (!is_digit_at(&r, 2 + i)) return 0;
        if (have == len) return n == 2 + len ? 97 : 92;
        return have >= 8 ? 80 : (have >= 3 ? 40 : 10);
    }
    if (n >= 9 && rd_peek_be(&r, 0, 4, &v) && v == 0 && rd_peek_be(&r, 4, 4, &v) &&
        v >= 3 && v <= TEL_MAX_LEN && known_codec(rd_peek(&r, 8))) {
        size_t L = (size_t)v;
        const uint8_t *area = rd_peek_span(&r, 8, L);
        uint64_t field;
        bool gh3000 = rd_peek(&r, 8) == 0x07;        /* legacy codec: only with a matching CRC */
        if (area && rd_peek_be(&r, 8 + L, 4, &field))
            return field == crc16_arc(area, L) ? 100 : gh3000 ? 30 : 85;
        return gh3000 ? 30 : 95;
    }
    return 0;
}

/* ----------------------------------------------------------------- frame */

static long frame_up(const struct trk_rd *r, size_t n)
{
    size_t flen = 0;
    if (rd_peek(r, 0) == 0xFF) return 1;           /* keep-alive */
    int s = up_start(r, 0, false, &flen);
    if (s == 0) return TRK_FRAME_MORE;
    if (s > 0) {
        if (flen == 0) {
            /* preamble with an impossible data length: the packet runs to the next
             * recognisable frame start, or over everything present */
            for (size_t i = 12; i < n; i++) {
                size_t fl2;
                if (rd_peek(r, i) == 0 && up_start(r, i, true, &fl2) == 1) return (long)i;
            }
            return (long)n;
        }
        return flen <= n ? (long)flen : TRK_FRAME_MORE;
    }
    for (size_t i = 1; i < n; i++) {               /* resynchronise */
        size_t fl2;
        if (rd_peek(r, i) == 0 && up_start(r, i, true, &fl2) >= 0) return -(long)i;
    }
    return -(long)n;
}

static long frame_down(const struct trk_rd *r, size_t n, const struct trk_state *st)
{
    uint64_t v;
    if (st && (st->flags & TEL_LOGIN_PENDING)) {
        int b0 = rd_peek(r, 0);
        /* 0x01 accepts; 0x00 rejects, unless it is plainly the start of a 4-byte ACK or a
         * command (the answer was lost) */
        if (b0 != 0) return 1;
        if (n < 4 || rd_peek(r, 1) != 0 || rd_peek(r, 2) != 0) return 1;
    }
    if (n < 4) return TRK_FRAME_MORE;
    if (!rd_peek_be(r, 0, 4, &v) || v != 0) return 4;   /* record count ACK */
    if (n == 4) return 4;                               /* ACK of 0 records */
    if (rd_peek(r, 4) != 0) return 4;                   /* length > 16M: not a command */
    if (n >= 6 && rd_peek(r, 5) > 1) return 4;          /* length > 64K */
    if (n >= 8 && rd_peek_be(r, 4, 4, &v) && (v < 8 || v > TEL_MAX_LEN)) return 4;
    if (n < 9) return TRK_FRAME_MORE;
    int c = rd_peek(r, 8);
    if (c != 0x0C && c != 0x0E) return 4;
    size_t flen = (size_t)v + 12;
    return flen <= n ? (long)flen : TRK_FRAME_MORE;
}

static long tel_frame(const uint8_t *p, size_t n, enum trk_dir d, const struct trk_state *st)
{
    struct trk_rd r;
    rd_init(&r, p, n);
    if (n == 0) return TRK_FRAME_MORE;
    return d == TRK_UP ? frame_up(&r, n) : frame_down(&r, n, st);
}

/* ---------------------------------------------------------- AVL records */

struct io_fmt {
    uint8_t codec;
    bool group16;    /* codec 8 with the extra 16-byte group */
};

/* One record's IO element.  m == NULL: only walk the bytes (layout trial). */
static void read_io(struct trk_rd *r, const struct io_fmt *f, struct trk_msg *m,
                    unsigned *event_id, int *gen_type)
{
    static const uint16_t widths[] = { 1, 2, 4, 8 };
    bool wide_id = f->codec != 0x08;            /* 8E and 16: u16 ids */
    bool wide_cnt = f->codec == 0x8E;           /* 8E: u16 counts */

    *event_id = wide_id ? rd_be16(r) : rd_u8(r);
    *gen_type = -1;
    if (f->codec == 0x10) *gen_type = rd_u8(r);
    (void)(wide_cnt ? rd_be16(r) : rd_u8(r));   /* total count: not needed */

    for (size_t g = 0; g < 4 && !r->err; g++) {
        size_t cnt = wide_cnt ? rd_be16(r) : rd_u8(r);
        for (size_t i = 0; i < cnt && !r->err; i++) {
            uint32_t id = wide_id ? rd_be16(r) : rd_u8(r);
            uint64_t val = rd_be(r, widths[g]);
            if (m && !r->err) msg_add_io(m, id, widths[g], val, NULL);
        }
    }
    if (f->codec == 0x8E) {                      /* NX: variable-length values */
        size_t cnt = rd_be16(r);
        for (size_t i = 0; i < cnt && !r->err; i++) {
            uint32_t id = rd_be16(r);
            uint16_t len = rd_be16(r);
            const uint8_t *val = rd_span(r, len);
            if (m && val) {
                uint64_t u = 0;
                struct trk_rd vr;
                rd_init(&vr, val, len);
                if (len <= 8) u = rd_be(&vr, len);
                msg_add_io(m, id, len, u, val);
            }
        }
    }
    if (f->group16) {
        size_t cnt = rd_u8(r);
        for (size_t i = 0; i < cnt && !r->err; i++) {
            uint32_t id = rd_u8(r);
            const uint8_t *val = rd_span(r, 16);
            if (m && val) msg_add_io(m, id, 16, 0, val);
        }
    }
}

/* Walk (m == NULL) or decode `count` records.  Returns true when they fill `r` exactly. */
static bool read_records(struct trk_rd *r, const struct io_fmt *f, size_t count,
                         struct trk_msg *m)
{
    for (size_t k = 0; k < count && !r->err; k++) {
        uint64_t t = rd_be64(r);
        unsigned prio = rd_u8(r);
        int32_t lon = rd_bei32(r);
        int32_t lat = rd_bei32(r);
        int16_t alt = rd_bei16(r);
        uint16_t angle = rd_be16(r);
        uint8_t sats = rd_u8(r);
        uint16_t speed = rd_be16(r);
        if (r->err) break;
        struct trk_record *rec = NULL;
        if (m) {
            rec = msg_add_record(m);
            if (!rec) return false;
            rec->has = TRK_R_TIME | TRK_R_POS | TRK_R_ALT | TRK_R_SPEED | TRK_R_COURSE |
                       TRK_R_SATS | TRK_R_VALID;
            rec->time_ms = (int64_t)t;
            rec->lon = lon / 1e7;
            rec->lat = lat / 1e7;
            rec->alt = alt;
            rec->course = angle;
            rec->sats = sats;
            rec->speed = speed;
            rec->valid = sats != 0;
        }
        unsigned ev;
        int gen;
        read_io(r, f, m, &ev, &gen);
        if (m && k == 0 && !r->err) {
            msg_field_int(m, "priority", prio);
            msg_field_int(m, "event_io", ev);
            if (gen >= 0) msg_field_int(m, "generation_type", gen);
        }
    }
    return !r->err && rd_left(r) == 0;
}

/* Codec 7 (GH3000) records: bit-field masks say which parts are present.
 * Returns false (with the problem set) on an unknown global mask bit. */
static bool read_gh_records(struct trk_rd *r, size_t count, struct trk_msg *m)
{
    static const uint16_t widths[] = { 1, 2, 4 };
    const int64_t epoch2007 = trk_timegm(2007, 1, 1, 0, 0, 0);
    for (size_t k = 0; k < count && !r->err; k++) {
        uint32_t ts = rd_be32(r);
        uint8_t gmask = rd_u8(r);
        if (r->err) break;
        if (gmask & 0xF0) {
            msg_unsupported_at(m, rd_pos(r) - 1, 1, "unsupported GH3000 global mask 0x%02X at offset %zu", gmask,
                               rd_pos(r) - 1);
            return false;
        }
        struct trk_record *rec = msg_add_record(m);
        if (!rec) return false;
        rec->has = TRK_R_TIME;
        rec->time_ms = (epoch2007 + (int64_t)(ts & 0x3FFFFFFFu)) * 1000;
        if (k == 0) msg_field_int(m, "priority", ts >> 30);
        if (gmask & 0x01) {                          /* GPS element */
            uint8_t g = rd_u8(r);
            if (g & 0x01) {
                uint32_t la = rd_be32(r), lo = rd_be32(r);
                float fla, flo;
                memcpy(&fla, &la, sizeof fla);
                memcpy(&flo, &lo, sizeof flo);
                rec->lat = fla;
                rec->lon = flo;
                rec->has |= TRK_R_POS | TRK_R_VALID;
                rec->valid = true;
            }
            if (g & 0x02) { rec->alt = rd_bei16(r); rec->has |= TRK_R_ALT; }
            if (g & 0x04) { rec->course = rd_u8(r) * 360.0 / 256.0; rec->has |= TRK_R_COURSE; }
            if (g & 0x08) { rec->speed = rd_u8(r); rec->has |= TRK_R_SPEED; }
            if (g & 0x10) {
                rec->sats = rd_u8(r);
                rec->has |= TRK_R_SATS;
                if (rec->has & TRK_R_POS) rec->valid = rec->sats != 0;
            }
            if (g & 0x20) {
                uint16_t lac = rd_be16(r), cell = rd_be16(r);
                if (k == 0 && !r->err) {
                    msg_field_int(m, "lac", lac);
                    msg_field_int(m, "cell_id", cell);
                }
            }
            if (g & 0x40) {
                uint8_t sig = rd_u8(r);
                if (k == 0 && !r->err) msg_field_int(m, "gsm_signal", sig);
            }
            if (g & 0x80) {
                uint32_t op = rd_be32(r);
                if (k == 0 && !r->err) msg_field_int(m, "operator", op);
            }
        }
        for (size_t gi = 0; gi < 3 && !r->err; gi++) {
            if (!(gmask & (0x02u << gi))) continue;
            size_t cnt = rd_u8(r);
            for (size_t i = 0; i < cnt && !r->err; i++) {
                uint32_t id = rd_u8(r);
                uint64_t val = rd_be(r, widths[gi]);
                if (!r->err) msg_add_io(m, id, widths[gi], val, NULL);
            }
        }
    }
    return !r->err && rd_left(r) == 0;
}

static const char *codec_name(int c)
{
    switch (c) {
    case 0x07: return "7";
    case 0x08: return "8";
    case 0x8E: return "8E";
    case 0x10: return "16";
    case 0x0C: return "12";
    case 0x0D: return "13";
    case 0x0E: return "14";
    case 0x0F: return "15";
    default: return NULL;
    }
}

static void field_codec(struct trk_msg *m, int c)
{
    const char *nm = codec_name(c);
    if (nm) msg_field_str(m, "codec", "%s", nm);
    else msg_field_str(m, "codec", "0x%02X", (unsigned)c & 0xFFu);
}

/* The data area [codec, N1, records, N2] of an AVL packet (TCP, after the length check) or
 * of a UDP datagram.  Returns N1 (0 if not even that is there). */
static unsigned decode_avl_area(struct trk_rd *area, struct trk_msg *m)
{
    size_t len = rd_left(area);
    uint8_t codec = rd_u8(area);
    uint8_t n1 = rd_u8(area);
    if (area->err) { msg_truncated(m, area); return 0; }
    m->type = "position";
    field_codec(m, codec);
    msg_field_int(m, "records", n1);
    if (len < 3) {                                  /* no N2 */
        rd_skip(area, 1);
        msg_truncated(m, area);
        return n1;
    }
    struct trk_rd recs = rd_sub(area, len - 3);
    uint8_t n2 = rd_u8(area);
    if (n1 != n2) msg_malformed(m, "record count mismatch: N1=%u, N2=%u", n1, n2);

    if (codec == 0x07) {
        if (!read_gh_records(&recs, n1, m) && m->status != TRK_UNSUPPORTED) {
            if (recs.err) msg_truncated(m, &recs);
            else if (m->nrec == n1)
                msg_malformed_at(m, rd_pos(&recs), rd_left(&recs), "%zu bytes left over after %u records at offset %zu",
                                 rd_left(&recs), (unsigned)n1, rd_pos(&recs));
        }
        return n1;
    }
    struct io_fmt f = { codec, false };
    struct trk_rd trial = recs;
    if (!read_records(&trial, &f, n1, NULL) && codec == 0x08) {
        struct io_fmt g = { codec, true };
        trial = recs;
        if (read_records(&trial, &g, n1, NULL)) f = g;
    }
    if (f.group16) msg_field_bool(m, "io_group16", true);
    if (!read_records(&recs, &f, n1, m)) {
        if (recs.err) msg_truncated(m, &recs);
        else if (m->nrec == n1)
            msg_malformed_at(m, rd_pos(&recs), rd_left(&recs), "%zu bytes left over after %u records at offset %zu",
                             rd_left(&recs), (unsigned)n1, rd_pos(&recs));
    }
    return n1;
}

/* ------------------------------------------------------ command codecs */

/* A command payload as field "text" (printable ASCII, others '.', trailing CR/LF dropped),
 * plus "hex" when it holds other bytes. */
static void payload_fields(struct trk_rd *r, size_t k, struct trk_msg *m)
{
    char buf[TEL_TEXT_MAX + 1];
    size_t base = r->off, end = k, bin = 0;
    while (end > 0) {
        int b = rd_peek(r, base + end - 1);
        if (b != '\r' && b != '\n') break;
        end--;
    }
    for (size_t i = 0; i < end; i++) {
        int b = rd_peek(r, base + i);
        if (b < 0x20 || b >= 0x7F) {
            if (b != '\r' && b != '\n' && b != '\t') bin++;
        }
    }
    struct trk_rd t = rd_sub(r, k);
    struct trk_rd h = t;
    size_t shown = end < TEL_TEXT_MAX ? end : TEL_TEXT_MAX;
    rd_str(&t, shown, buf, sizeof buf);
    msg_field_str(m, "text", "%s", buf);
    if (bin) {
        size_t hn = k < TEL_HEX_MAX ? k : TEL_HEX_MAX;
        const uint8_t *s = rd_span(&h, hn);
        if (s) {
            const char *hx = msg_hex(m, s, hn);
            if (hx) msg_field_str(m, "hex", "%s", hx);
        }
    }
}

/* IMEI as 8 bytes of packed hex digits (codec 14/15): 15 digits with a leading 0 nibble. */
static void read_packed_imei(struct trk_rd *r, struct trk_msg *m)
{
    char buf[20];
    size_t nd = rd_bcd(r, 8, buf, sizeof buf);
    if (r->err) return;
    if (nd != 16) {
        msg_malformed_at(m, rd_pos(r) - 8, 8, "imei field is not 16 decimal digits");
        return;
    }
    const char *imei = buf[0] == '0' ? buf + 1 : buf;
    msg_set_imei(m, imei);
    msg_field_str(m, "imei", "%s", imei);
}

/* The data area [codec, qty1, type, size, payload, qty2] of codec 12/13/14/15. */
static void decode_cmd_area(struct trk_rd *area, struct trk_msg *m)
{
    size_t len = rd_left(area);
    size_t at = rd_pos(area);                       /* frame offset of the codec */
    uint8_t codec = rd_u8(area);
    uint8_t q1 = rd_u8(area);
    uint8_t type = rd_u8(area);
    uint32_t size = rd_be32(area);
    if (area->err) { msg_truncated(m, area); return; }
    field_codec(m, codec);
    msg_field_int(m, "message_type", type);

    switch (type) {
    case 0x05: m->type = codec == 0x0D ? "command-reply" : "command"; break;
    case 0x06: m->type = "command-reply"; break;
    case 0x0B: m->type = codec == 0x0F ? "command-reply" : "unknown"; break;
    case 0x11: m->type = codec == 0x0E ? "command-reply" : "unknown"; break;
    default: m->type = "unknown"; break;
    }

    size_t have = len >= 8 ? len - 8 : 0;           /* payload bytes between size and qty2 */
    if (size != have) msg_length_mismatch(m, size, have, at + 3, 4);
    size_t k = size < have ? size : have;
    struct trk_rd pl = rd_sub(area, k);
    if (len >= 8) {
        uint8_t q2 = rd_u8(area);
        if (q1 != q2) msg_malformed(m, "command count mismatch: quantity 1=%u, quantity 2=%u", q1, q2);
    }

    switch (codec) {
    case 0x0C:
        if (type != 0x05 && type != 0x06) {
            msg_unsupported_at(m, at + 2, 1, "unsupported codec 12 message type 0x%02X", type);
            return;
        }
        payload_fields(&pl, k, m);
        break;
    case 0x0D: {                                     /* timestamp (s) + data */
        uint32_t ts = rd_be32(&pl);
        if (pl.err) { msg_truncated(m, &pl); return; }
        msg_field_int(m, "timestamp", ts);
        payload_fields(&pl, k - 4, m);
        break;
    }
    case 0x0E:                                       /* IMEI + command / response */
        if (type != 0x05 && type != 0x06 && type != 0x11) {
            msg_unsupported_at(m, at + 2, 1, "unsupported codec 14 message type 0x%02X", type);
            return;
        }
        read_packed_imei(&pl, m);
        if (pl.err) { msg_truncated(m, &pl); return; }
        if (type == 0x06) msg_field_str(m, "result", "ack");
        if (type == 0x11) msg_field_str(m, "result", "nack (imei mismatch)");
        if (type != 0x11 || rd_left(&pl)) payload_fields(&pl, rd_left(&pl), m);
        break;
    case 0x0F: {                                     /* timestamp + IMEI + data */
        uint32_t ts = rd_be32(&pl);
        if (pl.err) { msg_truncated(m, &pl); return; }
        msg_field_int(m, "timestamp", ts);
        read_packed_imei(&pl, m);
        if (pl.err) { msg_truncated(m, &pl); return; }
        payload_fields(&pl, rd_left(&pl), m);
        break;
    }
    default:
        break;
    }
}

/* -------------------------------------------------------------- decode */

/* 00000000 + length + area + CRC field (both directions). */
static void decode_envelope(struct trk_rd *rd, enum trk_dir d, struct trk_state *st,
                            struct trk_msg *m)
{
    size_t n = rd_left(rd);
    rd_skip(rd, 4);
    uint32_t L = rd_be32(rd);
    if (rd->err) { msg_truncated(m, rd); return; }
    size_t has = n >= 12 ? n - 12 : 0;
    struct trk_rd area;
    if (has != L) {
        msg_length_mismatch(m, L, has, 4, 4);
        area = rd_sub(rd, has);                      /* best effort: up to the last 4 bytes */
    } else {
        const uint8_t *span = rd_peek_span(rd, 8, L);
        area = rd_sub(rd, L);
        uint32_t field = rd_be32(rd);
        uint16_t crc = span ? crc16_arc(span, L) : 0;
        if (!rd->err && field != crc) msg_crc_mismatch(m, "crc", field, crc, 4, rd_pos(rd) - 4, 4);
    }
    int codec = rd_peek(&area, 0);
    if (avl_codec(codec)) {
        unsigned n1 = decode_avl_area(&area, m);
        m->want_reply.set = true;
        m->want_reply.key = 0;
        m->want_reply.count = n1;
        if (d == TRK_UP) st->flags &= ~TEL_LOGIN_PENDING;
    } else if (codec >= 0x0C && codec <= 0x0F) {
        decode_cmd_area(&area, m);
    } else if (codec < 0) {
        m->type = "unknown";
        rd_fail(&area);                              /* no codec byte: the area is empty */
        if (m->status == TRK_OK) msg_truncated(m, &area);
    } else {
        m->type = "unknown";
        field_codec(m, codec);
        msg_unsupported_at(m, rd_pos(&area), 1, "unsupported codec 0x%02X", (unsigned)codec);
    }
}

static void decode_login(struct trk_rd *rd, struct trk_state *st, struct trk_msg *m)
{
    size_t n = rd_left(rd);
    uint16_t len = rd_be16(rd);
    char imei[TRK_IMEI_MAX];
    m->type = "login";
    if (rd->err) { msg_truncated(m, rd); return; }
    if (n - 2 != len) { msg_length_mismatch(m, len, n - 2, 0, 2); return; }
    if (len < 15 || len > 17) {
        msg_malformed_at(m, 0, 2, "imei length %u is not 15..17", len);
        return;
    }
    for (size_t i = 0; i < len; i++)
        if (!is_digit_at(rd, 2 + i)) {
            msg_malformed_at(m, 2 + i, 1, "imei has a non-digit byte 0x%02X at offset %zu",
                             (unsigned)rd_peek(rd, 2 + i), 2 + i);
            return;
        }
    rd_str(rd, len, imei, sizeof imei);
    msg_set_imei(m, imei);
    msg_field_str(m, "imei", "%s", imei);
    m->want_reply.set = true;
    m->want_reply.key = 0;
    m->want_reply.count = 0;
    st->flags |= TEL_LOGIN_PENDING | TEL_LOGIN_SEEN;
}

static void decode_tcp(struct trk_rd *rd, enum trk_dir d, struct trk_state *st,
                       struct trk_msg *m)
{
    size_t n = rd_left(rd);
    uint64_t v;
    bool preamble = n >= 4 && rd_peek_be(rd, 0, 4, &v) && v == 0;

    if (d == TRK_UP) {
        if (n == 1 && rd_peek(rd, 0) == 0xFF) {
            rd_skip(rd, 1);
            m->type = "keepalive";
            return;
        }
        if (preamble) { decode_envelope(rd, d, st, m); return; }
        if (rd_peek(rd, 0) == 0 && n >= 2) { decode_login(rd, st, m); return; }
        m->type = "unknown";
        msg_malformed_at(m, 0, 1, "not a teltonika device message: starts with 0x%02X",
                         (unsigned)rd_peek(rd, 0));
        return;
    }

    /* server -> device */
    if (n == 1) {
        uint8_t b = rd_u8(rd);
        m->type = "ack";
        st->flags &= ~TEL_LOGIN_PENDING;
        m->is_reply.set = true;
        m->is_reply.key = 0;
        m->is_reply.accept = b == 0x01;
        if (b > 1) {
            msg_malformed_at(m, 0, 1, "login answer 0x%02X is neither 0x01 nor 0x00", b);
            return;
        }
        msg_field_str(m, "login", "%s", b ? "accepted" : "rejected");
        return;
    }
    if (n == 4 || !preamble) {
        m->type = "ack";
        uint32_t cnt = rd_be32(rd);
        if (rd->err) { msg_truncated(m, rd); return; }
        if (rd_left(rd)) {
            msg_malformed_at(m, 0, n, "%zu bytes where a 4-byte record ACK was expected", n);
            return;
        }
        st->flags &= ~TEL_LOGIN_PENDING;
        msg_field_int(m, "records", cnt);
        m->is_reply.set = true;
        m->is_reply.key = 0;
        m->is_reply.count = cnt;
        m->is_reply.counted = true;
        m->is_reply.accept = true;
        return;
    }
    st->flags &= ~TEL_LOGIN_PENDING;
    decode_envelope(rd, d, st, m);
}

static bool udp_imei(struct trk_rd *rd, struct trk_msg *m)
{
    uint16_t il = rd_be16(rd);
    char imei[TRK_IMEI_MAX];
    if (rd->err) return false;
    if (il == 0 || il >= sizeof imei) {
        msg_malformed_at(m, rd_pos(rd) - 2, 2, "imei length %u at offset %zu is not plausible", il, rd_pos(rd) - 2);
        return false;
    }
    for (size_t i = 0; i < il; i++)
        if (rd_peek(rd, rd->off + i) >= 0 && !is_digit_at(rd, rd->off + i)) {
            msg_malformed_at(m, rd_pos(rd) + i, 1, "imei has a non-digit byte 0x%02X at offset %zu",
                             (unsigned)rd_peek(rd, rd->off + i), rd_pos(rd) + i);
            return false;
        }
    if (!rd_str(rd, il, imei, sizeof imei)) return false;
    msg_set_imei(m, imei);
    msg_field_str(m, "imei", "%s", imei);
    return true;
}

static void decode_udp(struct trk_rd *rd, enum trk_dir d, struct trk_msg *m)
{
    size_t n = rd_left(rd);
    uint16_t len = rd_be16(rd);
    uint16_t pid = rd_be16(rd);
    uint8_t nu = rd_u8(rd);
    uint8_t avl_id = rd_u8(rd);
    m->type = d == TRK_UP ? "position" : "ack";
    if (rd->err) { msg_truncated(m, rd); return; }
    if ((size_t)len != n - 2) msg_length_mismatch(m, len, n - 2, 0, 2);
    msg_field_int(m, "packet_id", pid);
    msg_field_int(m, "avl_packet_id", avl_id);

    if (d == TRK_DOWN) {
        uint8_t cnt = rd_u8(rd);
        if (rd->err) { msg_truncated(m, rd); return; }
        if (nu != 0x01) msg_field_int(m, "packet_type", nu);
        msg_field_int(m, "records", cnt);
        m->is_reply.set = true;
        m->is_reply.key = avl_id;
        m->is_reply.count = cnt;
        m->is_reply.counted = true;
        m->is_reply.accept = true;
        return;
    }

    if (!udp_imei(rd, m)) {
        if (rd->err) msg_truncated(m, rd);
        return;
    }
    int codec = rd_peek(rd, rd->off);
    struct trk_rd area = rd_sub(rd, rd_left(rd));
    if (avl_codec(codec)) {
        unsigned n1 = decode_avl_area(&area, m);
        m->want_reply.set = true;
        m->want_reply.key = avl_id;
        m->want_reply.count = n1;
    } else if (codec < 0) {
        rd_fail(&area);                              /* no codec byte after the IMEI */
        msg_truncated(m, &area);
    } else {
        m->type = "unknown";
        field_codec(m, codec);
        msg_unsupported_at(m, rd_pos(&area), 1, "unsupported codec 0x%02X", (unsigned)codec);
    }
}

static void tel_decode(struct trk_rd *rd, enum trk_dir d, struct trk_state *st, struct trk_msg *m)
{
    unsigned transport = m->transport ? m->transport : (st ? st->transport : TRK_TCP);
    if (transport == TRK_UDP) decode_udp(rd, d, m);
    else {
        struct trk_state scratch = { 0 };
        decode_tcp(rd, d, st ? st : &scratch, m);
    }
}

static const uint16_t tel_ports[] = { 5027, 0 };

const struct dissector dissector_teltonika = {
    .name = "teltonika",
    .title = "Teltonika Codec 8/8E/16/12/13/14 (FMB, FMC, FMM...)",
    .aliases = NULL,
    .ports = tel_ports,
    .transports = TRK_TCP | TRK_UDP,
    .probe = tel_probe,
    .frame = tel_frame,
    .decode = tel_decode,
};
