/* meitrack.c: the Meitrack GPRS protocol (MVT/T1/T333/T366/T622/P99...):
 * the "$$<flag><length>,<IMEI>,<command>,...*<sum>\r\n" envelope framed by its
 * decimal length, the 8-bit sum, AAA/AFF text position reports, CCC and CCE
 * binary cache uploads (epoch 2000-01-01, lat/lon x 1e6), photo chunks and
 * command replies, and the server's "@@" commands and cache confirmations.
 *
 * The length counts from the first comma through the closing CR LF; the sum
 * covers "$$" through "*" and is sent as two hex digits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crc.h"
#include "dissect.h"
#include "fieldset.h"
#include "texttok.h"

#define MAX_LEN   65535       /* longest length field taken seriously */
#define SCAN_MAX  8192        /* how far frame() looks for "*XX\r\n" when the length is wrong */
#define TEXT_MAX  4096        /* payload bytes parsed as text */
#define EPOCH2000 946684800LL
#define STR_MAX (TEXT_MAX + 7)   /* longest string field */
#define HEX_MAX 512   /* most bytes shown as hex */

/* ------------------------------------------------------------------ helpers */

static void f_tok(struct trk_msg *m, const char *key, struct tok t)
{
    if (t.n == 0) return;
    if (tok_printable(t)) field_str(m, key, STR_MAX, "%.*s", (int)t.n, t.s);
    else field_hex(m, key, (const uint8_t *)t.s, t.n, HEX_MAX);
}

static bool tok_has(struct tok t, char c) { return t.n && memchr(t.s, c, t.n) != NULL; }

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

static uint32_t key3(const char *cmd)
{
    return (uint32_t)(unsigned char)cmd[0] << 16 | (uint32_t)(unsigned char)cmd[1] << 8 | (unsigned char)cmd[2];
}

/* ------------------------------------------------------------ the envelope */

struct env {
    bool down;            /* "@@" */
    int flag;
    size_t len;           /* the length field */
    size_t comma;         /* offset of the first comma */
};

/* "$$" or "@@", a flag letter, 1..5 decimal digits, a comma */
static bool env_at(const struct trk_rd *r, size_t at, struct env *e)
{
    int a = rd_peek(r, at), b = rd_peek(r, at + 1), f = rd_peek(r, at + 2);
    if (!((a == '$' && b == '$') || (a == '@' && b == '@'))) return false;
    if (f < 0x41 || f > 0x7A) return false;
    size_t len = 0, k = at + 3;
    int c;
    while ((c = rd_peek(r, k)) >= '0' && c <= '9' && k - at - 3 < 5) { len = len * 10 + (size_t)(c - '0'); k++; }
    if (k == at + 3 || c != ',') return false;
    e->down = a == '@';
    e->flag = f;
    e->len = len;
    e->comma = k - at;
    return true;
}

/* could `at` be the start of an envelope, given what is there? */
static bool env_prefix_at(const struct trk_rd *r, size_t at)
{
    int a = rd_peek(r, at), b = rd_peek(r, at + 1), f = rd_peek(r, at + 2);
    if (a != '$' && a != '@') return false;
    if (b < 0) return true;
    if (b != a) return false;
    if (f < 0) return true;
    if (f < 0x41 || f > 0x7A) return false;
    for (size_t k = at + 3; k < at + 9; k++) {
        int c = rd_peek(r, k);
        if (c < 0) return true;
        if (c == ',' ) return k > at + 3;
        if (c < '0' || c > '9') return false;
    }
    return false;
}

/* "*XX\r\n" at `at` (the star) with the sum of [0, at] equal to XX */
static bool sum_end_at(const struct trk_rd *r, size_t at, bool need_sum)
{
    int s = rd_peek(r, at), h = rd_peek(r, at + 1), l = rd_peek(r, at + 2);
    int cr = rd_peek(r, at + 3), lf = rd_peek(r, at + 4);
    if (s != '*' || hexval(h) < 0 || hexval(l) < 0 || cr != '\r' || lf != '\n') return false;
    if (!need_sum) return true;
    const uint8_t *sp = rd_peek_span(r, 0, at + 1);
    return sp && sum8(sp, at + 1) == (unsigned)(hexval(h) << 4 | hexval(l));
}

/* ------------------------------------------------------------- positions */

static int64_t yymmdd(struct tok t)
{
    int v[6];
    if (t.n != 12) return -1;
    for (int i = 0; i < 6; i++) {
        int hi = t.s[2 * i] - '0', lo = t.s[2 * i + 1] - '0';
        if (hi < 0 || hi > 9 || lo < 0 || lo > 9) return -1;
        v[i] = hi * 10 + lo;
    }
    if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59 || v[5] > 60) return -1;
    return trk_timegm(2000 + v[0], v[1], v[2], v[3], v[4], v[5]);
}

/* AAA: event, lat, lon, yymmddhhmmss, A|V, sats, GSM, speed, course, HDOP, alt,
 * mileage, runtime, MCC|MNC|LAC|CI, IO, AD1|AD2|AD3|battery|power, extras */
static void text_position(struct trk_msg *m, const char *s, size_t n)
{
    struct tok t[48];
    size_t k = tok_split(s, n, ',', t, 48);
    size_t o = 0;
    /* AFF (and some firmware) put one more field before the event code */
    if (k > 3 && !tok_has(t[1], '.') && tok_has(t[2], '.') && tok_has(t[3], '.')) o = 1;
    if (o) f_tok(m, "index", t[0]);
    if (k < o + 5) {
        f_tok(m, "text", (struct tok){s, n});
        return;
    }
    double lat, lon, v;
    unsigned long long h;
    struct trk_record *r = msg_add_record(m);
    if (!r) return;
    if (tok_num(t[o], &v)) field_int(m, "event", (int64_t)v);
    if (tok_num(t[o + 1], &lat) && tok_num(t[o + 2], &lon) && lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180) {
        r->lat = lat;
        r->lon = lon;
        r->has |= TRK_R_POS;
    }
    int64_t tm = yymmdd(t[o + 3]);
    if (tm >= 0) { r->time_ms = tm * 1000; r->has |= TRK_R_TIME; }
    if (t[o + 4].n == 1) { r->valid = t[o + 4].s[0] == 'A'; r->has |= TRK_R_VALID; }
    if (k > o + 5 && tok_num(t[o + 5], &v)) { r->sats = (int)v; r->has |= TRK_R_SATS; }
    if (k > o + 6 && tok_num(t[o + 6], &v)) field_int(m, "gsm_signal", (int64_t)v);
    if (k > o + 7 && tok_num(t[o + 7], &v)) { r->speed = v; r->has |= TRK_R_SPEED; }
    if (k > o + 8 && tok_num(t[o + 8], &v)) { r->course = v; r->has |= TRK_R_COURSE; }
    if (k > o + 9 && tok_num(t[o + 9], &v)) field_num(m, "hdop", v);
    if (k > o + 10 && tok_num(t[o + 10], &v)) { r->alt = v; r->has |= TRK_R_ALT; }
    if (k > o + 11 && tok_num(t[o + 11], &v)) field_int(m, "odometer_m", (int64_t)v);
    if (k > o + 12 && tok_num(t[o + 12], &v)) field_int(m, "runtime_s", (int64_t)v);
    if (k > o + 13) {
        struct tok c[4];
        size_t cn = tok_split(t[o + 13].s, t[o + 13].n, '|', c, 4);
        if (cn == 4) {
            unsigned long long lac, ci;
            if (tok_num(c[0], &v)) field_int(m, "mcc", (int64_t)v);
            if (tok_num(c[1], &v)) field_int(m, "mnc", (int64_t)v);
            if (tok_hex(c[2], &lac)) field_int(m, "lac", (int64_t)lac);
            if (tok_hex(c[3], &ci)) field_int(m, "cell_id", (int64_t)ci);
        } else f_tok(m, "base_station", t[o + 13]);
    }
    if (k > o + 14 && tok_hex(t[o + 14], &h)) {
        field_str(m, "io", STR_MAX, "%.*s", (int)t[o + 14].n, t[o + 14].s);
        if (t[o + 14].n == 4) {
            field_int(m, "outputs", (int64_t)(h >> 8));
            field_int(m, "inputs", (int64_t)(h & 0xFF));
        }
    }
    if (k > o + 15) {
        struct tok a[8];
        size_t an = tok_split(t[o + 15].s, t[o + 15].n, '|', a, 8);
        /* the scale of these depends on the model: shown as the raw values */
        if (an >= 4 && tok_hex(a[3], &h)) field_int(m, "battery_raw", (int64_t)h);
        if (an >= 5 && tok_hex(a[4], &h)) field_int(m, "power_raw", (int64_t)h);
        f_tok(m, "adc", t[o + 15]);
    }
    /* the model-specific tail: shown as one field */
    if (k > o + 16) {
        const char *from = t[o + 16].s;
        struct tok rest = {from, (size_t)(s + n - from)};
        bool any = false;
        for (size_t i = 0; i < rest.n; i++) if (rest.s[i] != ',') any = true;
        if (any) f_tok(m, "extra", rest);
    }
}

/* ------------------------------------------------------------ CCC / CCE */

static void ccc_body(struct trk_msg *m, struct trk_rd *c)
{
    unsigned ver = rd_le16(c), rlen = rd_le16(c);
    uint32_t remaining = rd_le32(c);
    if (c->err) return;
    field_str(m, "version", STR_MAX, "0x%04X", ver);
    field_int(m, "cache_remaining", remaining);
    size_t size = rlen >= 52 && rlen <= 1024 ? rlen : 52;
    size_t nrec = 0;
    while (rd_left(c) >= size) {
        struct trk_rd x = rd_sub(c, size);
        unsigned ev = rd_u8(&x);
        int32_t lat = rd_lei32(&x), lon = rd_lei32(&x);
        uint32_t tm = rd_le32(&x);
        unsigned valid = rd_u8(&x), sats = rd_u8(&x), rssi = rd_u8(&x);
        unsigned speed = rd_le16(&x), course = rd_le16(&x), hdop = rd_le16(&x), alt = rd_le16(&x);
        uint32_t mileage = rd_le32(&x), runtime = rd_le32(&x);
        unsigned mcc = rd_le16(&x), mnc = rd_le16(&x), lac = rd_le16(&x), ci = rd_le16(&x);
        unsigned status = rd_le16(&x), adc = rd_le16(&x), batt = rd_le16(&x), power = rd_le16(&x);
        uint32_t geo = rd_le32(&x);
        if (x.err) break;
        struct trk_record *r = msg_add_record(m);
        if (!r) break;
        nrec++;
        r->time_ms = ((int64_t)tm + EPOCH2000) * 1000;
        r->lat = lat / 1e6;
        r->lon = lon / 1e6;
        r->valid = valid != 0;
        r->sats = (int)sats;
        r->speed = speed;
        r->course = course;
        r->alt = (int16_t)alt;
        r->has = TRK_R_TIME | TRK_R_VALID | TRK_R_SATS | TRK_R_SPEED | TRK_R_COURSE | TRK_R_ALT;
        if (r->lat >= -90 && r->lat <= 90 && r->lon >= -180 && r->lon <= 180) r->has |= TRK_R_POS;
        uint16_t first = (uint16_t)m->nio;
        msg_add_io(m, 1, 1, ev, NULL);
        msg_add_io(m, 7, 1, rssi, NULL);
        msg_add_io(m, 10, 2, hdop, NULL);
        msg_add_io(m, 12, 4, mileage, NULL);
        msg_add_io(m, 13, 4, runtime, NULL);
        msg_add_io(m, 0x100, 2, mcc, NULL);
        msg_add_io(m, 0x101, 2, mnc, NULL);
        msg_add_io(m, 0x102, 2, lac, NULL);
        msg_add_io(m, 0x103, 2, ci, NULL);
        msg_add_io(m, 0x104, 2, status, NULL);
        msg_add_io(m, 0x105, 2, adc, NULL);
        msg_add_io(m, 0x106, 2, batt, NULL);
        msg_add_io(m, 0x107, 2, power, NULL);
        msg_add_io(m, 0x108, 4, geo, NULL);
        r->io_first = first;
        r->io_count = (uint16_t)(m->nio - first);
        if (nrec == 1) {
            field_int(m, "event", ev);
            field_num(m, "hdop", hdop / 10.0);
            field_int(m, "odometer_m", mileage);
            field_num(m, "battery_v", batt / 100.0);
        }
    }
    if (rd_left(c)) field_int(m, "trailing_bytes", (int64_t)rd_left(c));
    rd_skip(c, rd_left(c));
    m->want_reply.set = true;
    m->want_reply.key = key3("CCC");
    m->want_reply.count = (uint32_t)nrec;
}

/* one CCE parameter: the record field it fills, or an IO element */
static void cce_param(struct trk_msg *m, struct trk_record *r, unsigned id, size_t w, uint64_t v,
                      const uint8_t *data, size_t dl)
{
    switch (id) {
    case 0x02: if (w == 4) { r->lat = (int32_t)(uint32_t)v / 1e6; r->has |= 0x100; } break;
    case 0x03: if (w == 4) { r->lon = (int32_t)(uint32_t)v / 1e6; r->has |= 0x200; } break;
    case 0x04: if (w == 4) { r->time_ms = ((int64_t)v + EPOCH2000) * 1000; r->has |= TRK_R_TIME; } break;
    case 0x05: if (w == 1) { r->valid = v != 0; r->has |= TRK_R_VALID; } break;
    case 0x06: if (w == 1) { r->sats = (int)v; r->has |= TRK_R_SATS; } break;
    case 0x08: if (w == 2) { r->speed = (double)v; r->has |= TRK_R_SPEED; } break;
    case 0x09: if (w == 2) { r->course = (double)v; r->has |= TRK_R_COURSE; } break;
    case 0x0B: if (w == 2) { r->alt = (int16_t)v; r->has |= TRK_R_ALT; } break;
    default: break;
    }
    msg_add_io(m, id, (uint16_t)(w ? w : dl), w ? v : 0, w ? NULL : data);
    if (id == 0x01 && w == 1) field_int(m, "event", (int64_t)v);
    if (id == 0x0A && w == 2) field_num(m, "hdop", (double)v / 10.0);
    if (id == 0x0C && w == 4) field_int(m, "odometer_m", (int64_t)v);
}

static void cce_body(struct trk_msg *m, struct trk_rd *c)
{
    uint32_t remaining = rd_le32(c);
    unsigned npk = rd_le16(c);
    if (c->err) return;
    field_int(m, "cache_remaining", remaining);
    field_int(m, "packets", npk);
    size_t bad = 0;
    for (unsigned i = 0; i < npk && !c->err; i++) {
        unsigned plen = rd_le16(c);
        if (c->err) break;
        struct trk_rd pk = rd_sub(c, plen);
        if (c->err) break;                       /* the packet runs past the payload */
        struct trk_record *r = msg_add_record(m);
        if (!r) break;
        uint16_t first = (uint16_t)m->nio;
        unsigned nparam = rd_le16(&pk);
        (void)nparam;
        static const size_t width[4] = {1, 2, 4, 0};
        for (int g = 0; g < 4 && !pk.err; g++) {
            unsigned cnt = rd_u8(&pk);
            for (unsigned j = 0; j < cnt && !pk.err; j++) {
                unsigned id = rd_u8(&pk);
                if (id == 0xFE) id = 0xFE00 | rd_u8(&pk);
                if (width[g]) {
                    uint64_t v = rd_le(&pk, width[g]);
                    if (!pk.err) cce_param(m, r, id, width[g], v, NULL, 0);
                } else {
                    unsigned dl = rd_u8(&pk);
                    const uint8_t *data = rd_span(&pk, dl);
                    if (data) cce_param(m, r, id, 0, 0, data, dl);
                }
            }
        }
        if (pk.err) bad++;
        if ((r->has & 0x300) == 0x300 && r->lat >= -90 && r->lat <= 90 && r->lon >= -180 && r->lon <= 180)
            r->has |= TRK_R_POS;
        r->has &= ~0x300u;
        r->io_first = first;
        r->io_count = (uint16_t)(m->nio - first);
    }
    if (bad) field_int(m, "packets_with_short_parameters", (int64_t)bad);
    if (c->err) return;
    if (rd_left(c)) field_int(m, "trailing_bytes", (int64_t)rd_left(c));
    rd_skip(c, rd_left(c));
}

/* ------------------------------------------------------------- the decoder */

static void decode_text_cmd(struct trk_msg *m, struct trk_rd *c, const char *cmd, bool down)
{
    char buf[TEXT_MAX];
    size_t k = rd_left(c);
    if (k > sizeof buf - 1) k = sizeof buf - 1;
    rd_bytes(c, buf, k);
    buf[k] = 0;
    rd_skip(c, rd_left(c));
    struct tok all = {buf, k};
    if (down) {
        if (strcmp(cmd, "CCC") == 0) {
            double v;
            m->type = "ack";
            m->is_reply.set = true;
            m->is_reply.key = key3("CCC");
            m->is_reply.accept = true;
            if (tok_num(all, &v)) m->is_reply.count = (uint32_t)v;
            f_tok(m, "count", all);
            return;
        }
        m->type = "command";
        f_tok(m, "params", all);
        return;
    }
    if (strcmp(cmd, "AAA") == 0 || strcmp(cmd, "AFF") == 0) {
        m->type = "position";
        text_position(m, buf, k);
        return;
    }
    if (strcmp(cmd, "D00") == 0) {
        m->type = "photo";
        struct tok t[4];
        size_t tn = tok_split(buf, k, ',', t, 4);
        if (tn >= 3) {
            f_tok(m, "file", t[0]);
            f_tok(m, "packets", t[1]);
            f_tok(m, "index", t[2]);
        }
        if (tn >= 4) field_int(m, "chunk_bytes", (int64_t)(buf + k - t[3].s));
        return;
    }
    m->type = "command-reply";
    f_tok(m, "text", all);
}

static void mt_decode(struct trk_rd *rd, enum trk_dir d, struct trk_state *st, struct trk_msg *m)
{
    size_t n = rd->n;
    struct env e;
    (void)st;
    m->type = "unknown";
    if (!env_at(rd, 0, &e)) {
        int a = rd_peek(rd, 0), b = rd_peek(rd, 1);
        if ((a == '$' && b == '$') || (a == '@' && b == '@'))
            msg_malformed(m, "bad header: expected a flag letter, decimal length digits and a comma after %c%c", a, b);
        else
            msg_malformed_at(m, 0, n < 2 ? n : 2, "bad start bytes: expected $$ or @@");
        m->type = "garbage";
        rd_skip(rd, rd_left(rd));
        return;
    }
    field_str(m, "flag", STR_MAX, "%c", e.flag);
    size_t actual = n - e.comma;
    if (e.len != actual) msg_length_mismatch(m, e.len, actual, 3, e.comma - 3);   /* the digits */

    bool crlf = n >= 2 && rd_peek(rd, n - 2) == '\r' && rd_peek(rd, n - 1) == '\n';
    size_t end = crlf ? n - 2 : n;                /* end of "*XX" */
    size_t pend = end;                            /* end of the payload */
    int s0 = end >= 3 ? rd_peek(rd, end - 3) : -1;
    int h = end >= 2 ? hexval(rd_peek(rd, end - 2)) : -1, l = end >= 1 ? hexval(rd_peek(rd, end - 1)) : -1;
    if (s0 == '*' && h >= 0 && l >= 0 && end - 3 > e.comma) {
        pend = end - 3;
        const uint8_t *cov = rd_peek_span(rd, 0, end - 2);
        unsigned field = (unsigned)(h << 4 | l), computed = cov ? sum8(cov, end - 2) : 0;
        if (field != computed) msg_crc_mismatch(m, "checksum", field, computed, 2, end - 2, 2);   /* "XX" */
    } else {
        msg_malformed(m, "no *checksum before offset %zu", end);
    }

    /* IMEI and command */
    rd_skip(rd, e.comma + 1);
    char imei[TRK_IMEI_MAX], cmd[8];
    size_t il = 0, cl = 0;
    bool bad_id = false;
    while (rd->off < pend) {
        int c = rd_u8(rd);
        if (c == ',') break;
        if (il + 1 < sizeof imei && c >= 0x20 && c < 0x7f) imei[il++] = (char)c;
        else bad_id = true;
    }
    imei[il] = 0;
    while (rd->off < pend) {
        int c = rd_u8(rd);
        if (c == ',') break;
        if (cl + 1 < sizeof cmd) cmd[cl++] = (char)(c >= 0x20 && c < 0x7f ? c : '.');
    }
    cmd[cl] = 0;
    if (il) {
        msg_set_imei(m, imei);
        field_str(m, "imei", STR_MAX, "%s", imei);
    }
    if (bad_id) field_str(m, "imei_note", STR_MAX, "identifier longer than %d characters or not printable", TRK_IMEI_MAX - 1);
    if (cl == 0) {
        if (m->status == TRK_OK) msg_malformed(m, "no command after the identifier");
        rd_skip(rd, rd_left(rd));
        return;
    }
    field_str(m, "command", STR_MAX, "%s", cmd);
    size_t body = rd->off <= pend ? pend - rd->off : 0;
    struct trk_rd c = rd_sub(rd, body);
    rd_skip(rd, rd_left(rd));

    if (!e.down && d == TRK_UP && strcmp(cmd, "CCC") == 0) { m->type = "position"; ccc_body(m, &c); }
    else if (!e.down && d == TRK_UP && strcmp(cmd, "CCE") == 0) { m->type = "position"; cce_body(m, &c); }
    else decode_text_cmd(m, &c, cmd, e.down || d == TRK_DOWN);
    if (c.err && m->status == TRK_OK) msg_truncated(m, &c);
}

/* ----------------------------------------------------------- entry points */

static long mt_frame(const uint8_t *p, size_t n, enum trk_dir d, const struct trk_state *st)
{
    struct trk_rd r;
    struct env e;
    (void)d; (void)st;
    rd_init(&r, p, n);
    if (n == 0) return TRK_FRAME_MORE;
    if (!env_at(&r, 0, &e)) {
        if (env_prefix_at(&r, 0)) return TRK_FRAME_MORE;   /* a header not all here yet */
        for (size_t k = 1; k < n; k++)
            if (env_prefix_at(&r, k)) return -(long)k;
        return -(long)n;
    }
    if (e.len > MAX_LEN) return -2;
    size_t total = e.comma + e.len;
    if (n >= total && total >= 5 && sum_end_at(&r, total - 5, false)) return (long)total;
    /* The length and the bytes disagree (or the message is not all here): cut
     * early only at "*XX\r\n" whose sum holds, with a start behind it. */
    size_t lim = n < SCAN_MAX ? n : SCAN_MAX;
    for (size_t at = e.comma; at + 5 <= lim; at++) {
        if (!sum_end_at(&r, at, true)) continue;
        if (n >= total) return (long)(at + 5);
        if (at + 5 < n && env_prefix_at(&r, at + 5)) return (long)(at + 5);
    }
    if (n >= total) return (long)total;
    if (n >= SCAN_MAX && total > SCAN_MAX * 8) return -2;
    return TRK_FRAME_MORE;
}

static int mt_probe(const uint8_t *p, size_t n, unsigned transport)
{
    struct trk_rd r;
    struct env e;
    (void)transport;
    rd_init(&r, p, n);
    if (!env_at(&r, 0, &e)) return env_prefix_at(&r, 0) && n < 9 ? 10 : 0;
    int score = 40;
    /* identifier digits, then a three-character command */
    size_t k = e.comma + 1, digits = 0;
    int c;
    while ((c = rd_peek(&r, k)) >= '0' && c <= '9') { digits++; k++; }
    if (c == ',' && digits >= 5 && digits <= 20) {
        score += 10;
        size_t cl = 0;
        k++;
        while ((c = rd_peek(&r, k)) >= 0 && ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) { cl++; k++; }
        if (cl == 3 && (c == ',' || c == '*')) score += 10;
    } else if (c >= 0) {
        score -= 20;
    }
    /* the sum: at the end the length implies, or at the end of a message that lost its CR LF */
    size_t total = e.comma + e.len;
    if (n >= total && total >= 5 && sum_end_at(&r, total - 5, true)) score += 35;
    else if (n + 2 == total && n >= 3 && rd_peek(&r, n - 3) == '*') {
        int h = hexval(rd_peek(&r, n - 2)), l = hexval(rd_peek(&r, n - 1));
        const uint8_t *sp = rd_peek_span(&r, 0, n - 2);
        if (h >= 0 && l >= 0 && sp && sum8(sp, n - 2) == (unsigned)(h << 4 | l)) score += 25;
    }
    return score < 0 ? 0 : score > 100 ? 100 : score;
}

static const uint16_t mt_ports[] = {5020, 0};

const struct dissector dissector_meitrack = {
    .name = "meitrack",
    .title = "Meitrack ($$ text, CCC/CCE binary cache uploads)",
    .aliases = NULL,
    .ports = mt_ports,
    .transports = TRK_TCP | TRK_UDP,
    .probe = mt_probe,
    .frame = mt_frame,
    .decode = mt_decode,
};
