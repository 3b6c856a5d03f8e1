/* egts.c: EGTS (ERA-GLONASS telematics, GOST 33472 / Ministry of Transport
 * order 285): transport packets with a CRC-8 header check and a CRC-16
 * frame-data check, service records and their subrecords: authentication
 * (TERM_IDENTITY, RESULT_CODE), teledata (POS_DATA, EXT_POS_DATA, sensors,
 * counters, state) and the PT_RESPONSE / RECORD_RESPONSE acknowledgements.
 *
 * Packet (little-endian): PRV | SKID | flags | HL | HE | FDL u16 | PID u16 |
 * PT | [PRA u16, RCA u16, TTL] | HCS | SFRD (FDL bytes) | SFRCS u16.  HCS is
 * CRC-8 (0x31, init 0xFF) over the header before it; SFRCS is
 * CRC-16/CCITT-FALSE over SFRD. */
#include <stdio.h>
#include <string.h>

#include "crc.h"
#include "dissect.h"
#include "fieldset.h"
#include "strutil.h"

#define TEXT_MAX 1024
#define STR_MAX (TEXT_MAX + 7)   /* longest string field */
#define HEX_MAX (TEXT_MAX / 2)   /* most bytes shown as hex */
#define EPOCH_2010 1262304000LL   /* 2010-01-01T00:00:00Z */

enum { PT_RESPONSE = 0, PT_APPDATA = 1, PT_SIGNED_APPDATA = 2 };
enum { SVC_AUTH = 1, SVC_TELEDATA = 2, SVC_COMMANDS = 4, SVC_FIRMWARE = 9, SVC_ECALL = 10 };

/* ------------------------------------------------------------------ helpers */

/* k bytes of ASCII: the text up to the first NUL, into out */
static size_t ascii(struct trk_rd *c, size_t k, char *out, size_t sz)
{
    const uint8_t *p = rd_span(c, k);
    struct trk_rd r;
    size_t o = 0;
    out[0] = 0;
    if (!p) return 0;
    rd_init(&r, p, k);
    while (rd_left(&r) && o + 1 < sz) {
        unsigned b = rd_u8(&r);
        if (b == 0) break;
        out[o++] = (b >= 0x20 && b < 0x7f) ? (char)b : '.';
    }
    out[o] = 0;
    return o;
}

/* ------------------------------------------------------------- the decoder */

struct eg {
    struct trk_msg *m;
    enum trk_dir dir;
    unsigned pt;
    unsigned nrecords;        /* service records in the packet */
    unsigned nconfirm;        /* RECORD_RESPONSE subrecords */
    bool reject;              /* a RECORD_RESPONSE with a non-zero status */
    bool identity;            /* TERM_IDENTITY seen */
    bool pos, auth, result, command;
    struct trk_record *cur;   /* the record POS_DATA opened in this service record */
    int64_t rec_time;         /* TM of the service record (s since the epoch), or -1 */
};

/* 0 RECORD_RESPONSE: CRN u16, RST u8 */
static void sr_record_response(struct eg *x, struct trk_rd *s)
{
    unsigned crn = rd_le16(s), rst = rd_u8(s);
    if (s->err) return;
    x->nconfirm++;
    if (rst != 0) x->reject = true;
    if (x->nconfirm == 1) {
        field_int(x->m, "confirmed_record", crn);
        field_int(x->m, "record_status", rst);
    }
}

/* AUTH 1 TERM_IDENTITY */
static void sr_term_identity(struct eg *x, struct trk_rd *s)
{
    struct trk_msg *m = x->m;
    uint32_t tid = rd_le32(s);
    unsigned fl = rd_u8(s);
    char buf[32];
    if (s->err) return;
    x->auth = x->identity = true;
    field_int(m, "tid", tid);
    char id[TRK_IMEI_MAX];
    snprintf(id, sizeof id, "%u", tid);
    if (fl & 0x01) field_int(m, "hdid", rd_le16(s));
    if (fl & 0x02) {
        size_t k = ascii(s, 15, buf, sizeof buf);
        if (k) field_str(m, "imei", STR_MAX, "%s", buf);
        /* the identity stays the TID (records carry it as OID); the IMEI is shown */
    }
    if (fl & 0x04) { if (ascii(s, 16, buf, sizeof buf)) field_str(m, "imsi", STR_MAX, "%s", buf); }
    if (fl & 0x08) { if (ascii(s, 3, buf, sizeof buf)) field_str(m, "language", STR_MAX, "%s", buf); }
    if (fl & 0x20) {
        const uint8_t *nid = rd_span(s, 3);
        if (nid) field_hex(m, "network_id", nid, 3, HEX_MAX);
    }
    if (fl & 0x40) field_int(m, "buffer_size", rd_le16(s));
    if (fl & 0x80) { if (ascii(s, 15, buf, sizeof buf)) field_str(m, "msisdn", STR_MAX, "%s", buf); }
    if (!s->err) msg_set_imei(m, id);
}

/* TELEDATA 16 POS_DATA */
static void sr_pos_data(struct eg *x, struct trk_rd *s)
{
    struct trk_msg *m = x->m;
    uint32_t ntm = rd_le32(s), lat = rd_le32(s), lon = rd_le32(s);
    unsigned flg = rd_u8(s), spd = rd_le16(s), dir = rd_u8(s);
    uint32_t odm = (uint32_t)rd_le(s, 3);
    unsigned din = rd_u8(s), src = rd_u8(s);
    if (s->err) return;
    struct trk_record *r = msg_add_record(m);
    if (!r) return;
    x->pos = true;
    x->cur = r;
    r->io_first = (uint16_t)m->nio;
    r->time_ms = ((int64_t)ntm + EPOCH_2010) * 1000;
    r->lat = lat * 90.0 / 0xFFFFFFFFu;
    r->lon = lon * 180.0 / 0xFFFFFFFFu;
    if (flg & 0x20) r->lat = -r->lat;
    if (flg & 0x40) r->lon = -r->lon;
    r->valid = flg & 1;
    r->speed = (spd & 0x3FFF) * 0.1;
    r->course = dir | ((spd >> 15) & 1) << 8;
    r->has = TRK_R_TIME | TRK_R_POS | TRK_R_VALID | TRK_R_SPEED | TRK_R_COURSE;
    if ((flg & 0x80) && rd_left(s) >= 3) {
        uint32_t alt = (uint32_t)rd_le(s, 3);
        r->alt = (spd & 0x4000) ? -(double)alt : (double)alt;
        r->has |= TRK_R_ALT;
    }
    field_num(m, "odometer_km", odm * 0.1);
    field_str(m, "inputs", STR_MAX, "0x%02X", din);
    field_int(m, "source", src);
    field_str(m, "pos_flags", STR_MAX, "0x%02X", flg);
    if (rd_left(s) >= 2) field_int(m, "source_data", rd_le16(s));
}

/* TELEDATA 17 EXT_POS_DATA */
static void sr_ext_pos(struct eg *x, struct trk_rd *s)
{
    struct trk_msg *m = x->m;
    unsigned fl = rd_u8(s);
    if (fl & 0x01) field_num(m, "vdop", rd_le16(s) * 0.01);
    if (fl & 0x02) field_num(m, "hdop", rd_le16(s) * 0.01);
    if (fl & 0x04) field_num(m, "pdop", rd_le16(s) * 0.01);
    if (fl & 0x08) {
        unsigned sat = rd_u8(s);
        if (!s->err && x->cur) { x->cur->sats = (int)sat; x->cur->has |= TRK_R_SATS; }
    }
    if (fl & 0x10) field_str(m, "nav_systems", STR_MAX, "0x%04X", rd_le16(s));
}

static void io_add(struct eg *x, uint32_t id, uint16_t len, uint64_t v)
{
    if (x->cur) msg_add_io(x->m, id, len, v, NULL);
}

/* TELEDATA 18 AD_SENSORS: DIOE, DOUT, ASFE, then the flagged inputs (u8) and analog sensors (u24) */
static void sr_ad_sensors(struct eg *x, struct trk_rd *s)
{
    unsigned dioe = rd_u8(s), dout = rd_u8(s), asfe = rd_u8(s);
    if (s->err) return;
    field_str(x->m, "outputs", STR_MAX, "0x%02X", dout);
    for (unsigned i = 0; i < 8; i++)
        if (dioe & (1u << i)) io_add(x, 0x1200 + i, 1, rd_u8(s));
    for (unsigned i = 0; i < 8; i++)
        if (asfe & (1u << i)) io_add(x, 0x1210 + i, 3, rd_le(s, 3));
}

/* TELEDATA 19 COUNTERS: CFE, then the flagged u24 counters */
static void sr_counters(struct eg *x, struct trk_rd *s)
{
    unsigned cfe = rd_u8(s);
    for (unsigned i = 0; i < 8; i++)
        if (cfe & (1u << i)) io_add(x, 0x1300 + i, 3, rd_le(s, 3));
}

/* TELEDATA 21 STATE_DATA: state, main, backup, internal voltage (0.1 V), flags */
static void sr_state(struct eg *x, struct trk_rd *s)
{
    struct trk_msg *m = x->m;
    unsigned st = rd_u8(s), mpsv = rd_u8(s), bbv = rd_u8(s), ibv = rd_u8(s), fl = rd_u8(s);
    if (s->err) return;
    field_int(m, "state", st);
    field_num(m, "power_v", mpsv * 0.1);
    field_num(m, "backup_battery_v", bbv * 0.1);
    field_num(m, "battery_v", ibv * 0.1);
    field_str(m, "state_flags", STR_MAX, "0x%02X", fl);
}

/* TELEDATA 24 ABS_AN_SENS (number u8, value u24) and 25 ABS_CNTR (number u8, value u24) */
static void sr_abs(struct eg *x, struct trk_rd *s, uint32_t base)
{
    unsigned num = rd_u8(s);
    uint64_t v = rd_le(s, 3);
    if (!s->err) io_add(x, base + num, 3, v);
}

static const char *srt_name(unsigned svc, unsigned srt)
{
    if (srt == 0) return "record-response";
    if (svc == SVC_AUTH) {
        switch (srt) {
        case 1: return "term-identity";
        case 2: return "module-data";
        case 3: return "vehicle-data";
        case 6: return "auth-params";
        case 7: return "auth-info";
        case 8: return "service-info";
        case 9: return "result-code";
        default: return NULL;
        }
    }
    if (svc == SVC_TELEDATA) {
        switch (srt) {
        case 16: return "pos-data";
        case 17: return "ext-pos-data";
        case 18: return "ad-sensors";
        case 19: return "counters";
        case 20: return "accel";
        case 21: return "state";
        case 22: return "loopin";
        case 23: return "abs-dig-sens";
        case 24: return "abs-an-sens";
        case 25: return "abs-cntr";
        case 26: return "abs-loopin";
        case 27: return "liquid-level";
        case 28: return "passengers";
        default: return NULL;
        }
    }
    if (svc == SVC_COMMANDS && srt == 51) return "command-data";
    return NULL;
}

static void subrecord(struct eg *x, unsigned svc, unsigned srt, struct trk_rd *s)
{
    struct trk_msg *m = x->m;
    if (srt == 0) { sr_record_response(x, s); return; }
    switch (svc) {
    case SVC_AUTH:
        if (srt == 1) { sr_term_identity(x, s); return; }
        if (srt == 9 || (srt == 7 && rd_left(s) == 1)) {
            /* RESULT_CODE (some servers number it 7) */
            unsigned rcd = rd_u8(s);
            if (!s->err) { field_int(m, "result_code", rcd); x->result = true; }
            return;
        }
        if (srt == 8) { field_int(m, "service", rd_u8(s)); field_str(m, "service_state", STR_MAX, "0x%02X", rd_u8(s)); return; }
        x->auth = true;
        break;
    case SVC_TELEDATA:
        switch (srt) {
        case 16: sr_pos_data(x, s); return;
        case 17: sr_ext_pos(x, s); return;
        case 18: sr_ad_sensors(x, s); return;
        case 19: sr_counters(x, s); return;
        case 21: sr_state(x, s); return;
        case 24: sr_abs(x, s, 0x1800); return;
        case 25: sr_abs(x, s, 0x1900); return;
        default: break;
        }
        break;
    case SVC_COMMANDS:
        x->command = true;
        if (srt == 51 && rd_left(s) >= 10) {
            unsigned ct = rd_u8(s);
            field_int(m, "command_type", ct >> 4);
            field_int(m, "command_confirm", ct & 15);
            field_int(m, "command_id", rd_le32(s));
            field_int(m, "command_source", rd_le32(s));
        }
        break;
    default:
        break;
    }
    /* anything else: kept raw, as an IO element of the current fix when there is one */
    size_t k = rd_left(s);
    const uint8_t *p = rd_span(s, k);
    if (!p) return;
    if (x->cur) {
        struct trk_rd r;
        rd_init(&r, p, k);
        msg_add_io(m, (uint32_t)svc << 8 | srt, (uint16_t)k, k <= 8 ? rd_le(&r, k) : 0, p);
    } else {
        field_str(m, "subrecord", STR_MAX, "%u/%u", svc, srt);
        field_hex(m, "subrecord_data", p, k, HEX_MAX);
    }
}

/* the service records of SFRD */
static void records(struct eg *x, struct trk_rd *c)
{
    struct trk_msg *m = x->m;
    bool oid_set = false;
    while (rd_left(c) > 0) {
        size_t rec_at = rd_pos(c);           /* the record length field */
        size_t rl = rd_le16(c);
        unsigned rn = rd_le16(c), rfl = rd_u8(c);
        if (c->err) return;
        x->nrecords++;
        x->cur = NULL;
        if (rfl & 0x01) {
            uint32_t oid = rd_le32(c);
            if (!c->err && !oid_set) {
                field_int(m, "oid", oid);
                oid_set = true;
                if (!x->identity) { char id[16]; snprintf(id, sizeof id, "%u", oid); msg_set_imei(m, id); }
            }
        }
        if (rfl & 0x02) field_int(m, "event_id", rd_le32(c));
        x->rec_time = -1;
        if (rfl & 0x04) {
            uint32_t tm = rd_le32(c);
            if (!c->err) x->rec_time = tm + EPOCH_2010;
        }
        unsigned sst = rd_u8(c), rst = rd_u8(c);
        if (c->err) return;
        if (x->nrecords == 1) {
            field_int(m, "record_number", rn);
            field_int(m, "service", sst);
            field_int(m, "recipient_service", rst);
            if (x->rec_time >= 0) {
                char tb[64];
                fmt_time_ms((int64_t)x->rec_time * 1000, tb, sizeof tb);
                field_str(m, "record_time", STR_MAX, "%s", tb);
            }
        }
        struct trk_rd rd = rd_sub(c, rl);
        if (c->err) { msg_length_mismatch(m, rl, rd.n, rec_at, 2); return; }
        while (rd_left(&rd) > 0) {
            unsigned srt = rd_u8(&rd);
            size_t srl = rd_le16(&rd);
            if (rd.err) { msg_truncated(m, &rd); return; }
            struct trk_rd s = rd_sub(&rd, srl);
            if (rd.err) {
                msg_malformed_at(m, s.base, s.n,
                                 "truncated at offset %zu: subrecord %u length %zu, record has %zu bytes", s.base,
                                 srt, srl, s.n);
                return;
            }
            const char *nm = srt_name(sst, srt);
            if (nm && x->nrecords == 1 && field_room(m, "subrecord_type")) field_str(m, "subrecord_type", STR_MAX, "%s", nm);
            subrecord(x, sst, srt, &s);
            if (s.err) { msg_truncated(m, &s); return; }
        }
    }
}

static void egts_decode(struct trk_rd *rd, enum trk_dir d, struct trk_state *st, struct trk_msg *m)
{
    struct eg x;
    size_t n = rd->n;
    (void)st;
    memset(&x, 0, sizeof x);
    x.m = m;
    x.dir = d;
    m->type = "unknown";
    unsigned prv = rd_u8(rd), skid = rd_u8(rd), fl = rd_u8(rd), hl = rd_u8(rd), he = rd_u8(rd);
    size_t fdl = rd_le16(rd);
    unsigned pid = rd_le16(rd), pt = rd_u8(rd);
    if (rd->err) { msg_truncated(m, rd); return; }
    x.pt = pt;
    if (hl != 11 && hl != 16) {
        msg_malformed_at(m, 3, 1, "bad header length %u, expected 11 or 16", hl);
        rd_skip(rd, rd_left(rd));
        return;
    }
    if (hl == 16 || (fl & 0x20)) {
        field_int(m, "pra", rd_le16(rd));
        field_int(m, "rca", rd_le16(rd));
        field_int(m, "ttl", rd_u8(rd));
    }
    unsigned hcs = rd_u8(rd);
    if (rd->err) { msg_truncated(m, rd); return; }
    field_int(m, "pid", pid);
    field_int(m, "packet_type", pt);
    if (skid) field_int(m, "skid", skid);
    if (he) field_int(m, "header_encoding", he);
    const uint8_t *hp = rd_peek_span(rd, 0, hl - 1);
    unsigned hcomp = hp ? crc8_egts(hp, hl - 1) : 0;
    if (hcs != hcomp) msg_crc_mismatch(m, "header crc", hcs, hcomp, 2, rd_pos(rd) - 1, 1);   /* HCS */
    if (prv != 1) msg_unsupported_at(m, 0, 1, "unsupported protocol version %u", prv);

    size_t have = rd_left(rd);
    size_t want = fdl ? fdl + 2 : 0;
    if (have < want) {
        msg_malformed_at(m, 5, 2, "truncated at offset %zu: FDL says %zu data bytes + CRC, frame has %zu", n, fdl,
                         have);
        rd_skip(rd, rd_left(rd));
        return;
    }
    if (have > want) msg_length_mismatch(m, hl + want, n, 5, 2);   /* FDL */
    struct trk_rd data = rd_sub(rd, fdl);
    if (fdl) {
        unsigned field = rd_le16(rd);
        const uint8_t *dp = rd_peek_span(rd, hl, fdl);
        unsigned comp = dp ? crc16_ccitt_false(dp, fdl) : 0;
        if (field != comp) msg_crc_mismatch(m, "data crc", field, comp, 4, hl + fdl, 2);   /* SFRCS */
    }
    rd_skip(rd, rd_left(rd));
    if ((fl >> 3) & 3) {
        m->type = "encrypted";
        msg_unsupported_at(m, 2, 1, "encrypted frame data (ENA %u)", (fl >> 3) & 3);
        return;
    }
    if (fl & 0x04) {
        m->type = "compressed";
        msg_unsupported_at(m, 2, 1, "compressed frame data");
        return;
    }

    switch (pt) {
    case PT_RESPONSE: {
        unsigned rpid = rd_le16(&data), pr = rd_u8(&data);
        if (data.err) { msg_truncated(m, &data); return; }
        field_int(m, "response_pid", rpid);
        field_int(m, "result", pr);
        records(&x, &data);
        m->type = "ack";
        m->is_reply.set = true;
        m->is_reply.key = rpid;
        m->is_reply.count = x.nconfirm;
        m->is_reply.counted = true;
        m->is_reply.accept = pr == 0 && !x.reject;
        return;
    }
    case PT_SIGNED_APPDATA: {
        size_t sigl = rd_le16(&data);
        const uint8_t *sig = rd_span(&data, sigl);
        if (data.err) { msg_truncated(m, &data); return; }
        field_hex(m, "signature", sig, sigl, HEX_MAX);
    }
        /* fall through */
    case PT_APPDATA:
        records(&x, &data);
        if (x.identity) m->type = "login";
        else if (x.pos) m->type = "position";
        else if (x.result) m->type = "ack";
        else if (x.command) m->type = "command";
        else if (x.nconfirm) m->type = "ack";
        else if (x.auth) m->type = "login";
        else m->type = "data";
        if (x.result || (x.nconfirm && !x.pos && !x.identity)) {
            m->is_reply.set = true;
            m->is_reply.key = 0x10000u | pid;
            m->is_reply.count = x.nconfirm;
            m->is_reply.counted = true;
            m->is_reply.accept = !x.reject;
        }
        m->want_reply.set = true;
        m->want_reply.key = pid;
        m->want_reply.count = x.nrecords;
        return;
    default:
        m->type = "unknown";
        if (rd_left(&data)) field_hex(m, "data", rd_span(&data, rd_left(&data)), rd_left(&data), HEX_MAX);
        msg_unsupported_at(m, 9, 1, "unsupported packet type %u", pt);
        return;
    }
}

/* ----------------------------------------------------------- framing */

/* a header at 0 whose CRC-8 holds: its length, else 0 (-1: not all there yet) */
static int header_ok(const struct trk_rd *r)
{
    int prv = rd_peek(r, 0), hl = rd_peek(r, 3);
    if (prv < 0) return -1;
    if (prv != 1) return 0;
    if (hl < 0) return -1;
    if (hl != 11 && hl != 16) return 0;
    const uint8_t *h = rd_peek_span(r, 0, (size_t)hl);
    if (!h) return -1;
    int hcs = rd_peek(r, (size_t)hl - 1);
    return crc8_egts(h, (size_t)hl - 1) == (unsigned)hcs ? hl : 0;
}

static long egts_frame(const uint8_t *p, size_t n, enum trk_dir d, const struct trk_state *st)
{
    struct trk_rd r;
    (void)d; (void)st;
    rd_init(&r, p, n);
    if (n == 0) return TRK_FRAME_MORE;
    int hl = header_ok(&r);
    if (hl < 0) return TRK_FRAME_MORE;
    if (hl == 0) {
        /* resynchronise on the next header whose CRC holds (or that may, when cut short) */
        for (size_t k = 1; k < n; k++) {
            if (rd_peek(&r, k) != 1) continue;
            struct trk_rd t;
            rd_init(&t, rd_peek_span(&r, k, n - k), n - k);
            if (header_ok(&t) != 0) return -(long)k;
        }
        return -(long)n;
    }
    uint64_t fdl = 0;
    (void)rd_peek_le(&r, 5, 2, &fdl);
    size_t total = (size_t)hl + (size_t)fdl + (fdl ? 2 : 0);
    if (n < total) return TRK_FRAME_MORE;
    return (long)total;
}

static int egts_probe(const uint8_t *p, size_t n, unsigned transport)
{
    struct trk_rd r;
    rd_init(&r, p, n);
    if (rd_peek(&r, 0) != 1) return 0;
    int hl = rd_peek(&r, 3);
    if (hl >= 0 && hl != 11 && hl != 16) return 0;
    int ok = header_ok(&r);
    if (ok < 0) return 10;     /* too short to check the header */
    if (ok == 0) return 0;
    int score = 80;
    int pt = rd_peek(&r, 9);
    if (pt >= 0 && pt <= 2) score += 5;
    uint64_t fdl = 0;
    (void)rd_peek_le(&r, 5, 2, &fdl);
    uint64_t f;
    if (fdl && rd_peek_le(&r, (size_t)ok + (size_t)fdl, 2, &f)) {
        const uint8_t *dp = rd_peek_span(&r, (size_t)ok, (size_t)fdl);
        if (dp && crc16_ccitt_false(dp, (size_t)fdl) == f) score += 15;
    }
    (void)transport;
    return score > 100 ? 100 : score;
}

static const uint16_t egts_ports[] = {5162, 0};

const struct dissector dissector_egts = {
    .name = "egts",
    .title = "EGTS (ERA-GLONASS telematics, GOST 33472)",
    .aliases = NULL,
    .ports = egts_ports,
    .transports = TRK_TCP,
    .probe = egts_probe,
    .frame = egts_frame,
    .decode = egts_decode,
};
