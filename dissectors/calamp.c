/* calamp.c: dissector for CalAmp LM Direct, the UDP protocol of CalAmp LMU devices.
 *
 * Datagram (big-endian): an optional options header (byte 0 bit 7 set: each set
 * bit 0..6 adds a length-prefixed field: mobile id (BCD, F-padded), mobile id type,
 * authentication, routing, forwarding, response redirection), then the message
 * header: service type (0 unacknowledged, 1 acknowledged request, 2 response),
 * message type, sequence u16.
 *
 * Bodies decoded: event report (2) and locate report (8): update time, fix time
 * (u32 Unix), lat/lon (i32 x1e-7), altitude (i32 cm), speed (u32 cm/s), heading
 * i16, satellites, fix status (bit 3 = invalid fix), carrier, RSSI, comm state,
 * HDOP, inputs, unit status, event index and code, accumulator count (low 6 bits),
 * spare, then u32 accumulators; user data (4) and user data with accumulators (9):
 * the same 36-byte position then route, id, u16 length and the user message; mini
 * event report (10): time, lat, lon, heading, speed km/h (u8), fix status and
 * satellites, then status bytes; ID report (3); ACK/NAK (1): acknowledged type,
 * ACK code (0 = ACK), spare, application version.
 * A request with service type 1 wants an ACK echoing its sequence number. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dissect.h"
#include "msg.h"
#include "rd.h"
#include "fieldset.h"


static const char *msg_type_name(unsigned t)
{
    static const char *const names[] = { "null", "ack", "event-report", "id-report", "user-data",
                                         "application-data", "configuration", "unit-request",
                                         "locate-report", "user-data-accumulators", "mini-event-report",
                                         "mini-user-data" };
    return t < sizeof names / sizeof names[0] ? names[t] : NULL;
}

/* options header: 1 consistent, 0 truncated, -1 not one */
static int skip_options(struct trk_rd *r, struct trk_msg *m)
{
    unsigned opt = rd_u8(r);
    if (!(opt & 0x80)) return -1;
    for (unsigned bit = 0; bit < 7; bit++) {
        if (!(opt & (1u << bit))) continue;
        unsigned len = rd_u8(r);
        const uint8_t *s = rd_span(r, len);
        if (!s) return 0;
        if (!m) continue;
        if (bit == 0) {
            char id[TRK_IMEI_MAX];
            struct trk_rd b;
            rd_init(&b, s, len);
            rd_bcd(&b, len, id, sizeof id);
            if (id[0]) msg_set_imei(m, id);
        } else if (bit == 1 && len >= 1) {
            struct trk_rd b;
            rd_init(&b, s, len);
            field_int(m, "mobile_id_type", rd_u8(&b));
        }
    }
    return 1;
}

static int calamp_probe(const uint8_t *p, size_t n, unsigned transport)
{
    struct trk_rd r;
    rd_init(&r, p, n);
    if (transport != TRK_UDP || n < 4) return 0;
    int b0 = rd_peek(&r, 0);
    if (b0 & 0x80) {
        if (!(b0 & 0x01)) return 10;
        if (skip_options(&r, NULL) <= 0) return 0;
        unsigned svc = rd_u8(&r), type = rd_u8(&r);
        rd_skip(&r, 2);
        if (r.err || svc > 2 || type > 11) return 0;
        return 80;
    }
    unsigned svc = rd_u8(&r), type = rd_u8(&r);
    if (svc > 2 || type > 11) return 0;
    return 20;
}

/* whole datagrams only: any stream input is one message */
static long calamp_frame(const uint8_t *p, size_t n, enum trk_dir d, const struct trk_state *st)
{
    return n ? (long)n : TRK_FRAME_MORE;
}

/* the 36-byte position block shared by event, locate and user data reports */
static struct trk_record *position(struct trk_rd *c, struct trk_msg *m)
{
    uint32_t upd = rd_be32(c), fix = rd_be32(c);
    int32_t lat = rd_bei32(c), lon = rd_bei32(c), alt = rd_bei32(c);
    uint32_t speed = rd_be32(c);
    int16_t heading = rd_bei16(c);
    unsigned sats = rd_u8(c), fs = rd_u8(c), carrier = rd_be16(c);
    int16_t rssi = rd_bei16(c);
    unsigned comm = rd_u8(c), hdop = rd_u8(c), in = rd_u8(c), us = rd_u8(c);
    if (c->err) return NULL;
    struct trk_record *r = msg_add_record(m);
    if (!r) return NULL;
    r->time_ms = (int64_t)fix * 1000;
    r->lat = lat / 1e7;
    r->lon = lon / 1e7;
    r->alt = alt / 100.0;
    r->speed = speed * 0.036;
    r->course = heading;
    r->sats = (int)sats;
    r->valid = !(fs & 0x08);
    r->has = TRK_R_TIME | TRK_R_ALT | TRK_R_SPEED | TRK_R_COURSE | TRK_R_SATS | TRK_R_VALID;
    if (r->lat >= -90 && r->lat <= 90 && r->lon >= -180 && r->lon <= 180) r->has |= TRK_R_POS;
    field_int(m, "update_time", upd);
    if (field_room(m, "fix_status")) msg_field_str(m, "fix_status", "0x%02X", fs);
    field_int(m, "carrier", carrier);
    field_int(m, "rssi", rssi);
    if (field_room(m, "comm_state")) msg_field_str(m, "comm_state", "0x%02X", comm);
    field_num(m, "hdop", hdop / 10.0);
    if (field_room(m, "inputs")) msg_field_str(m, "inputs", "0x%02X", in);
    if (field_room(m, "unit_status")) msg_field_str(m, "unit_status", "0x%02X", us);
    return r;
}

static void accumulators(struct trk_rd *c, struct trk_msg *m, unsigned count)
{
    char buf[1024];
    size_t o = 0;
    buf[0] = 0;
    for (unsigned i = 0; i < count; i++) {
        uint32_t v = rd_be32(c);
        if (c->err) return;
        int k = snprintf(buf + o, sizeof buf - o, "%s%u", i ? "," : "", v);
        if (k > 0 && (size_t)k < sizeof buf - o) o += (size_t)k;
    }
    if (count && field_room(m, "accumulators")) msg_field_str(m, "accumulators", "%s", buf);
}

static void event_report(struct trk_rd *c, struct trk_msg *m)
{
    if (!position(c, m)) return;
    unsigned idx = rd_u8(c), code = rd_u8(c), cnt = rd_u8(c);
    rd_skip(c, 1);
    if (c->err) return;
    field_int(m, "event_index", idx);
    field_int(m, "event_code", code);
    unsigned n = cnt & 0x3F;
    if (rd_left(c) != (size_t)n * 4)   /* the count byte: before the spare one */
        msg_malformed_at(m, rd_pos(c) - 2, 1, "accumulator count says %u (%u bytes), report has %zu", n, n * 4,
                         rd_left(c));
    accumulators(c, m, n);
}

static void user_data(struct trk_rd *c, struct trk_msg *m, bool with_accums)
{
    if (!position(c, m)) return;
    if (with_accums) {
        unsigned cnt = rd_u8(c);
        rd_skip(c, 1);
        accumulators(c, m, cnt & 0x3F);
    }
    unsigned route = rd_u8(c), id = rd_u8(c), len = rd_be16(c);
    if (c->err) return;
    field_int(m, "user_route", route);
    field_int(m, "user_id", id);
    if (rd_left(c) != len) {
        msg_length_mismatch(m, len, rd_left(c), rd_pos(c) - 2, 2);
        len = (unsigned)(rd_left(c) < len ? rd_left(c) : len);
    }
    const uint8_t *s = rd_span(c, len);
    if (s) field_text(m, "user_data", s, len, 1023, FIELD_TEXT_TRIM_ALL);
}

static void mini_event(struct trk_rd *c, struct trk_msg *m)
{
    uint32_t t = rd_be32(c);
    int32_t lat = rd_bei32(c), lon = rd_bei32(c);
    int16_t heading = rd_bei16(c);
    unsigned speed = rd_u8(c), fs = rd_u8(c);
    if (c->err) return;
    struct trk_record *r = msg_add_record(m);
    if (!r) return;
    r->time_ms = (int64_t)t * 1000;
    r->lat = lat / 1e7;
    r->lon = lon / 1e7;
    r->course = heading;
    r->speed = speed;
    r->sats = (int)(fs & 0x0F);
    r->valid = !((fs >> 4) & 0x08);
    r->has = TRK_R_TIME | TRK_R_SPEED | TRK_R_COURSE | TRK_R_SATS | TRK_R_VALID;
    if (r->lat >= -90 && r->lat <= 90 && r->lon >= -180 && r->lon <= 180) r->has |= TRK_R_POS;
    size_t k = rd_left(c);
    const uint8_t *s = rd_span(c, k);
    if (s && k && field_room(m, "status_bytes")) {
        const char *h = msg_hex(m, s, k > 128 ? 128 : k);
        if (h) msg_field_str(m, "status_bytes", "%s", h);
    }
}

static void id_report(struct trk_rd *c, struct trk_msg *m)
{
    size_t k = rd_left(c);
    const uint8_t *s = rd_span(c, k);
    if (!s) return;
    /* printable strings inside the report (VIN, versions) */
    field_text(m, "text", s, k, 1023, FIELD_TEXT_TRIM_ALL);
}

static void calamp_decode(struct trk_rd *rd, enum trk_dir d, struct trk_state *st, struct trk_msg *m)
{
    int b0 = rd_peek(rd, 0);
    if (b0 < 0) { m->type = "unknown"; msg_malformed(m, "empty datagram"); return; }
    if (b0 & 0x80) {
        if (skip_options(rd, m) == 0) { m->type = "unknown"; msg_truncated(m, rd); return; }
    }
    size_t type_at = rd_pos(rd) + 1;             /* after the service type */
    unsigned svc = rd_u8(rd), type = rd_u8(rd), seq = rd_be16(rd);
    if (rd->err) { m->type = "unknown"; msg_truncated(m, rd); return; }
    field_int(m, "service_type", svc);
    field_int(m, "sequence", seq);
    const char *tn = msg_type_name(type);
    if (tn && field_room(m, "message_type")) msg_field_str(m, "message_type", "%s", tn);
    if (svc == 1) {
        m->want_reply.set = true;
        m->want_reply.key = seq;
        m->want_reply.count = 1;
    }
    struct trk_rd c = rd_sub(rd, rd_left(rd));
    switch (type) {
    case 0:
        m->type = "heartbeat";
        break;
    case 1: {
        unsigned acked = rd_u8(&c), code = rd_u8(&c);
        m->type = "ack";
        if (c.err) break;
        field_int(m, "acked_type", acked);
        field_int(m, "ack_code", code);
        m->is_reply.set = true;
        m->is_reply.key = seq;
        m->is_reply.count = 1;
        m->is_reply.accept = code == 0;
        rd_skip(&c, rd_left(&c));
        break;
    }
    case 2: case 8:
        m->type = type == 2 ? "event" : "position";
        event_report(&c, m);
        break;
    case 3:
        m->type = "info";
        id_report(&c, m);
        break;
    case 4: case 9:
        m->type = "position";
        user_data(&c, m, type == 9);
        break;
    case 10:
        m->type = "event";
        mini_event(&c, m);
        break;
    case 5: case 6: case 7: case 11:
        m->type = type == 7 ? "command" : type == 6 ? "configuration" : "user-data";
        rd_skip(&c, rd_left(&c));
        break;
    default:
        m->type = "unknown";
        msg_unsupported_at(m, type_at, 1, "unsupported message type %u", type);
        rd_skip(&c, rd_left(&c));
        return;
    }
    if (c.err) msg_truncated(m, &c);
}

static const uint16_t calamp_ports[] = { 5082, 0 };

const struct dissector dissector_calamp = {
    .name = "calamp",
    .title = "CalAmp LM Direct (LMU)",
    .aliases = NULL,
    .ports = calamp_ports,
    .transports = TRK_UDP,
    .probe = calamp_probe,
    .frame = calamp_frame,
    .decode = calamp_decode,
};
