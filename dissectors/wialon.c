/* wialon.c: dissector for Wialon IPS 1.1 and 2.0 (Gurtam), an ASCII protocol over
 * TCP and UDP.
 *
 * TCP: one packet per line, `#TYPE#body\r\n`.  Device packets: L (login), SD (short
 * data), D (extended data), B (black box: D records separated by `|`), P (ping),
 * M (text for the driver), I (photo).  Server answers: AL, ASD, AD, AB, AP, AM, AI,
 * and the server commands M, US, UC, QI, QT.
 * UDP: `imei#TYPE#body` (v1.1) or `2.0;imei#TYPE#body` (v2.0).
 *
 * Version 2.0 appends the CRC-16/ARC of the body (after `#TYPE#` up to and including
 * the last `;` or `|` before it) as hex.  It is recognised from the login (`2.0;`) and
 * from the field count: SD has 10 fields in v1.1 and 11 in v2.0, D 16 and 17; a black
 * box ends with `|crc`, and a ping carries none.
 *
 * Records: date DDMMYY and time HHMMSS in UTC, latitude ddmm.mmmm + N/S, longitude
 * dddmm.mmmm + E/W, speed km/h, course, height m, satellites; D adds hdop, inputs,
 * outputs, adc list, ibutton and the parameter list `name:type:value,...`.  Any field
 * may be `NA`.  Parameters are shown as one "params" field.
 *
 * Frames whose line lacks the CRLF (the corpus strips it) are decoded as they are. */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "crc.h"
#include "dissect.h"
#include "msg.h"
#include "rd.h"
#include "fieldset.h"
#include "texttok.h"

#define W_MAX      16384     /* longest line handled */
#define W_V2       0x1u      /* session: login was version 2.0 */
#define TOK_SHOWN 2047   /* longest token shown in a field */
#define TOK_FLAGS FIELD_TEXT_KEEP_HIGH   /* bytes >= 0x80 shown as they are */

enum { K_LOGIN = 1, K_DATA = 2, K_BLACKBOX = 3, K_PING = 4, K_MSG = 5, K_PHOTO = 6 };


/* ---------------------------------------------------------------- helpers */

static bool tok_na(struct tok t) { return t.n == 0 || tok_is(t, "NA"); }

static bool tok_uint(struct tok t, unsigned long long *v)
{
    unsigned long long x = 0;
    if (t.n == 0 || t.n > 19) return false;
    for (size_t i = 0; i < t.n; i++) {
        if (t.s[i] < '0' || t.s[i] > '9') return false;
        x = x * 10 + (unsigned)(t.s[i] - '0');
    }
    *v = x;
    return true;
}

/* 1..4 hex digits, optionally after 0x */
static bool tok_crc(struct tok t, unsigned *v)
{
    size_t i = 0;
    unsigned x = 0;
    if (t.n > 2 && t.s[0] == '0' && (t.s[1] == 'x' || t.s[1] == 'X')) i = 2;
    if (t.n - i < 1 || t.n - i > 4) return false;
    for (; i < t.n; i++) {
        char c = t.s[i];
        unsigned d;
        if (c >= '0' && c <= '9') d = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') d = (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') d = (unsigned)(c - 'A' + 10);
        else return false;
        x = x << 4 | d;
    }
    *v = x;
    return true;
}

static void f_num(struct trk_msg *m, const char *key, struct tok t)
{
    double v;
    if (tok_na(t) || !field_room(m, key)) return;
    if (tok_decimal(t, HUGE_VAL, &v)) msg_field_num(m, key, v);
    else tok_field(m, key, t, TOK_SHOWN, TOK_FLAGS);
}

static bool two(const char *s, int *v)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9') return false;
    *v = (s[0] - '0') * 10 + (s[1] - '0');
    return true;
}

/* ddmm.mmmm (or dddmm.mmmm) and a hemisphere letter */
static bool coord(struct tok v, struct tok h, double *out, char pos, char neg)
{
    double x;
    if (!tok_decimal(v, HUGE_VAL, &x) || x < 0 || x > 18100 || h.n != 1) return false;
    int deg = (int)(x / 100);
    double d = deg + (x - deg * 100.0) / 60.0;
    if (h.s[0] == neg) d = -d;
    else if (h.s[0] != pos) return false;
    *out = d;
    return true;
}

/* ------------------------------------------------------------ records */

/* one SD/D record: f[0..nf) with nf >= 10 */
static void record(struct trk_msg *m, const struct tok *f, size_t nf, bool first)
{
    struct trk_record *r = msg_add_record(m);
    if (!r) return;
    int dd, mo, yy, hh, mi, ss;
    if (f[0].n == 6 && f[1].n == 6 && two(f[0].s, &dd) && two(f[0].s + 2, &mo) && two(f[0].s + 4, &yy) &&
        two(f[1].s, &hh) && two(f[1].s + 2, &mi) && two(f[1].s + 4, &ss) &&
        dd >= 1 && dd <= 31 && mo >= 1 && mo <= 12 && hh < 24 && mi < 60 && ss < 61) {
        r->time_ms = trk_timegm(2000 + yy, mo, dd, hh, mi, ss) * 1000;
        r->has |= TRK_R_TIME;
    } else if (first && !(tok_na(f[0]) && tok_na(f[1]))) {
        tok_field(m, "date", f[0], TOK_SHOWN, TOK_FLAGS);
        tok_field(m, "time", f[1], TOK_SHOWN, TOK_FLAGS);
    }
    double lat, lon, v;
    if (coord(f[2], f[3], &lat, 'N', 'S') && coord(f[4], f[5], &lon, 'E', 'W') &&
        lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180) {
        r->lat = lat;
        r->lon = lon;
        r->has |= TRK_R_POS | TRK_R_VALID;
        r->valid = true;
    } else if (first && !(tok_na(f[2]) && tok_na(f[4]))) {
        tok_field(m, "lat_raw", f[2], TOK_SHOWN, TOK_FLAGS);
        tok_field(m, "lon_raw", f[4], TOK_SHOWN, TOK_FLAGS);
    }
    if (tok_decimal(f[6], HUGE_VAL, &v)) { r->speed = v; r->has |= TRK_R_SPEED; }
    if (tok_decimal(f[7], HUGE_VAL, &v)) { r->course = v; r->has |= TRK_R_COURSE; }
    if (tok_decimal(f[8], HUGE_VAL, &v)) { r->alt = v; r->has |= TRK_R_ALT; }
    if (tok_decimal(f[9], HUGE_VAL, &v) && v >= 0 && v < 1000) { r->sats = (int)v; r->has |= TRK_R_SATS; }
    if (!first || nf < 16) return;
    f_num(m, "hdop", f[10]);
    if (!tok_na(f[11])) tok_field(m, "inputs", f[11], TOK_SHOWN, TOK_FLAGS);
    if (!tok_na(f[12])) tok_field(m, "outputs", f[12], TOK_SHOWN, TOK_FLAGS);
    if (!tok_na(f[13])) tok_field(m, "adc", f[13], TOK_SHOWN, TOK_FLAGS);
    if (!tok_na(f[14])) tok_field(m, "ibutton", f[14], TOK_SHOWN, TOK_FLAGS);
    if (!tok_na(f[15])) tok_field(m, "params", f[15], TOK_SHOWN, TOK_FLAGS);
}

#define MAXF 40

/* SD (short = true) or D body; `crc_ok_v2` says whether a trailing CRC is allowed */
static bool data_body(struct trk_msg *m, struct tok body, bool short_form, bool first, const char *name)
{
    struct tok f[MAXF];
    size_t need = short_form ? 10 : 16;
    size_t nf = tok_split_all(body, ';', f, MAXF);
    if (nf < need) {
        msg_malformed(m, "%s packet has %zu fields, expected %zu", name, nf, need);
        return false;
    }
    record(m, f, nf > MAXF ? MAXF : nf, first);
    return true;
}

/* Checks a v2.0 CRC: `upto` bytes of the body are covered, `t` is the CRC token;
 * `line` is the copy of the whole frame the tokens point into. */
static void check_crc(struct trk_msg *m, const char *line, struct tok body, size_t upto, struct tok t)
{
    unsigned field;
    if (!tok_crc(t, &field)) return;
    unsigned comp = crc16_arc((const uint8_t *)body.s, upto);
    if (comp != field) msg_crc_mismatch(m, "crc", field, comp, 4, (size_t)(t.s - line), t.n);
    else if (field_room(m, "crc")) msg_field_str(m, "crc", "%04X", field);
}

/* body minus a trailing `;crc` when the field count says v2.0 */
static struct tok strip_crc(struct trk_msg *m, const char *line, struct tok body, size_t v2_fields, bool v2)
{
    struct tok f[MAXF];
    size_t nf = tok_split_all(body, ';', f, MAXF);
    unsigned dummy;
    if (nf < 2 || nf > MAXF) return body;
    if ((nf == v2_fields || (v2 && v2_fields == 0)) && tok_crc(f[nf - 1], &dummy)) {
        size_t upto = (size_t)(f[nf - 1].s - body.s);
        check_crc(m, line, body, upto, f[nf - 1]);
        body.n = upto - 1;     /* drop the ';' too */
    }
    return body;
}

/* ------------------------------------------------------------- decoding */

static void set_reply(struct trk_msg *m, uint32_t key, uint32_t count)
{
    m->want_reply.set = true;
    m->want_reply.key = key;
    m->want_reply.count = count;
}

static void ack(struct trk_msg *m, uint32_t key, struct tok code, bool accept)
{
    m->type = "ack";
    m->is_reply.set = true;
    m->is_reply.key = key;
    m->is_reply.accept = accept;
    m->is_reply.count = accept ? 1 : 0;
    if (code.n) tok_field(m, "result", code, TOK_SHOWN, TOK_FLAGS);
}

static void set_id(struct trk_msg *m, struct tok t)
{
    char buf[TRK_IMEI_MAX];
    size_t o = 0;
    for (size_t i = 0; i < t.n && o + 1 < sizeof buf; i++) {
        unsigned char c = (unsigned char)t.s[i];
        buf[o++] = (c > 0x20 && c < 0x7f) ? (char)c : '.';
    }
    buf[o] = 0;
    if (o) msg_set_imei(m, buf);
}

static void decode_login(struct trk_msg *m, struct trk_state *st, const char *line, struct tok body)
{
    struct tok f[8];
    size_t nf = tok_split_all(body, ';', f, 8);
    m->type = "login";
    set_reply(m, K_LOGIN, 1);
    if (nf >= 1 && tok_is(f[0], "2.0")) {
        st->flags |= W_V2;
        if (field_room(m, "version")) msg_field_str(m, "version", "2.0");
        if (nf < 3 || nf > 4) { msg_malformed(m, "login has %zu fields, expected 4", nf); return; }
        set_id(m, f[1]);
        if (!tok_na(f[2])) tok_field(m, "password", f[2], TOK_SHOWN, TOK_FLAGS);
        if (nf >= 4) {
            unsigned v;
            if (!tok_crc(f[nf - 1], &v)) { msg_malformed(m, "login CRC field is not hex"); return; }
            check_crc(m, line, body, (size_t)(f[nf - 1].s - body.s), f[nf - 1]);
        }
        return;
    }
    if (field_room(m, "version")) msg_field_str(m, "version", "1.1");
    st->flags &= ~W_V2;
    if (nf >= 1) set_id(m, f[0]);
    if (nf >= 2 && !tok_na(f[1])) tok_field(m, "password", f[1], TOK_SHOWN, TOK_FLAGS);
}

static void decode_blackbox(struct trk_msg *m, struct trk_state *st, const char *line, struct tok body)
{
    struct tok recs[TRK_MAX_REC + 1];
    size_t nr = tok_split_all(body, '|', recs, TRK_MAX_REC + 1);
    size_t use = nr > TRK_MAX_REC + 1 ? TRK_MAX_REC + 1 : nr;
    unsigned crc;
    m->type = "position";
    /* v2.0: the last piece is the CRC over everything before it */
    if (use >= 2 && recs[use - 1].n <= 6 && tok_crc(recs[use - 1], &crc)) {
        check_crc(m, line, body, (size_t)(recs[use - 1].s - body.s), recs[use - 1]);
        use--;
        nr--;
    } else if (use == 1) {
        recs[0] = strip_crc(m, line, recs[0], 17, false);
    }
    if (nr > use) m->overflow = true;
    size_t done = 0;
    for (size_t i = 0; i < use; i++) {
        if (recs[i].n == 0) continue;
        if (data_body(m, recs[i], false, done == 0, "B record")) done++;
    }
    if (field_room(m, "records")) msg_field_int(m, "records", (int64_t)done);
    set_reply(m, K_BLACKBOX, (uint32_t)done);
}

static void decode_up(struct trk_msg *m, struct trk_state *st, const char *line, struct tok type, struct tok body)
{
    bool v2 = (st->flags & W_V2) != 0;
    if (tok_is(type, "L")) decode_login(m, st, line, body);
    else if (tok_is(type, "SD")) {
        m->type = "position";
        set_reply(m, K_DATA, 1);
        data_body(m, strip_crc(m, line, body, 11, false), true, true, "SD");
    } else if (tok_is(type, "D")) {
        m->type = "position";
        set_reply(m, K_DATA, 1);
        data_body(m, strip_crc(m, line, body, 17, false), false, true, "D");
    } else if (tok_is(type, "B")) decode_blackbox(m, st, line, body);
    else if (tok_is(type, "P")) {
        m->type = "heartbeat";
        set_reply(m, K_PING, 1);
    } else if (tok_is(type, "M")) {
        m->type = "text";
        set_reply(m, K_MSG, 1);
        if (v2) body = strip_crc(m, line, body, 0, true);
        tok_field(m, "text", body, TOK_SHOWN, TOK_FLAGS);
    } else if (tok_is(type, "I")) {
        struct tok f[8];
        size_t nf = tok_split_all(body, ';', f, 8);
        m->type = "photo";
        set_reply(m, K_PHOTO, 1);
        if (nf >= 1) f_num(m, "size", f[0]);
        if (nf >= 2) f_num(m, "index", f[1]);
        if (nf >= 3) f_num(m, "count", f[2]);
    } else if (tok_is(type, "IT") || tok_is(type, "T")) {
        m->type = "file";
    } else {
        m->type = "unknown";
        char t[16];
        size_t k = type.n < sizeof t - 1 ? type.n : sizeof t - 1;
        memcpy(t, type.s, k);
        t[k] = 0;
        msg_unsupported_at(m, (size_t)(type.s - line), type.n, "unsupported packet type %s", t);
    }
}

static void decode_down(struct trk_msg *m, const char *line, struct tok type, struct tok body)
{
    bool one = tok_is(body, "1");
    if (tok_is(type, "AL")) ack(m, K_LOGIN, body, one);
    else if (tok_is(type, "ASD") || tok_is(type, "AD")) ack(m, K_DATA, body, one);
    else if (tok_is(type, "AB")) {
        unsigned long long n = 0;
        bool ok = tok_uint(body, &n);
        ack(m, K_BLACKBOX, body, ok);
        m->is_reply.count = ok ? (uint32_t)n : 0;
        m->is_reply.counted = true;
    } else if (tok_is(type, "AP")) ack(m, K_PING, body, true);
    else if (tok_is(type, "AM")) ack(m, K_MSG, body, one);
    else if (tok_is(type, "AI")) ack(m, K_PHOTO, body, one || body.n == 0);
    else if (tok_is(type, "AIT") || tok_is(type, "AT")) ack(m, 0, body, one || body.n == 0);
    else if (tok_is(type, "M")) { m->type = "command"; tok_field(m, "text", body, TOK_SHOWN, TOK_FLAGS); }
    else if (tok_is(type, "US") || tok_is(type, "UC") || tok_is(type, "QI") || tok_is(type, "QT")) {
        m->type = "command";
        tok_field(m, "command", type, TOK_SHOWN, TOK_FLAGS);
    } else {
        m->type = "unknown";
        char t[16];
        size_t k = type.n < sizeof t - 1 ? type.n : sizeof t - 1;
        memcpy(t, type.s, k);
        t[k] = 0;
        msg_unsupported_at(m, (size_t)(type.s - line), type.n, "unsupported packet type %s", t);
    }
}

static void wialon_decode(struct trk_rd *rd, enum trk_dir d, struct trk_state *st, struct trk_msg *m)
{
    char line[W_MAX];
    size_t n = rd_left(rd);
    struct trk_state scratch = { 0 };
    if (!st) st = &scratch;
    if (n > W_MAX) {
        m->type = "unknown";
        msg_unsupported(m, "line of %zu bytes exceeds the %d bytes decoded", n, W_MAX);
        rd_skip(rd, n);
        return;
    }
    rd_bytes(rd, line, n);
    /* strip the line end */
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r')) n--;
    size_t at = 0;
    /* UDP: identifier prefix before the first '#' */
    if (n && line[0] != '#') {
        while (at < n && line[at] != '#') at++;
        if (at == n) { m->type = "unknown"; msg_malformed(m, "no #TYPE# header"); return; }
        struct tok id = { line, at };
        if (id.n > 4 && memcmp(id.s, "2.0;", 4) == 0) { id.s += 4; id.n -= 4; st->flags |= W_V2; }
        set_id(m, id);
    }
    if (at >= n || line[at] != '#') { m->type = "unknown"; msg_malformed(m, "no #TYPE# header"); return; }
    size_t ts = at + 1, te = ts;
    while (te < n && line[te] != '#') te++;
    if (te >= n || te == ts || te - ts > 8) {
        m->type = "unknown";
        msg_malformed(m, "no #TYPE# header");
        return;
    }
    struct tok type = { line + ts, te - ts };
    struct tok body = { line + te + 1, n - te - 1 };
    if (d == TRK_DOWN) decode_down(m, line, type, body);
    else decode_up(m, st, line, type, body);
}

/* ----------------------------------------------------------------- probe */

static bool known_type(const char *t, size_t n, bool down)
{
    static const char *const up[] = { "L", "SD", "D", "B", "P", "M", "I", "IT", "T", NULL };
    static const char *const dn[] = { "AL", "ASD", "AD", "AB", "AP", "AM", "AI", "AIT", "AT",
                                      "M", "US", "UC", "QI", "QT", NULL };
    const char *const *l = down ? dn : up;
    for (size_t i = 0; l[i]; i++)
        if (strlen(l[i]) == n && memcmp(l[i], t, n) == 0) return true;
    return false;
}

/* `#TYPE#` at offset `at` of the window: returns the type length or 0 */
static size_t type_at(const struct trk_rd *r, size_t at, bool *down)
{
    char t[8];
    size_t k = 0;
    if (rd_peek(r, at) != '#') return 0;
    for (;;) {
        int c = rd_peek(r, at + 1 + k);
        if (c == '#') break;
        if (c < 'A' || c > 'Z' || k >= 4) return 0;
        t[k++] = (char)c;
    }
    if (k == 0) return 0;
    if (known_type(t, k, false)) { *down = false; return k; }
    if (known_type(t, k, true)) { *down = true; return k; }
    return 0;
}

static int wialon_probe(const uint8_t *p, size_t n, unsigned transport)
{
    struct trk_rd r;
    bool down = false;
    rd_init(&r, p, n);
    if (n < 3) return 0;
    size_t at = 0;
    if (transport == TRK_UDP && rd_peek(&r, 0) != '#') {
        if (rd_peek(&r, 0) == '2' && rd_peek(&r, 1) == '.' && rd_peek(&r, 2) == '0' && rd_peek(&r, 3) == ';') at = 4;
        size_t digits = 0;
        while (rd_peek(&r, at) >= '0' && rd_peek(&r, at) <= '9' && digits < 20) { at++; digits++; }
        if (digits < 3) return 0;
    }
    size_t k = type_at(&r, at, &down);
    if (!k) return 0;
    int conf = down ? 45 : 60;
    /* a login with an identifier after it */
    if (!down && k == 1 && rd_peek(&r, at + 1) == 'L') {
        int c = rd_peek(&r, at + 3);
        if (c >= '0' && c <= '9') conf = 75;
    }
    if (at > 0) conf += 5;
    return conf;
}

/* ----------------------------------------------------------------- frame */

static long wialon_frame(const uint8_t *p, size_t n, enum trk_dir d, const struct trk_state *st)
{
    struct trk_rd r;
    rd_init(&r, p, n);
    if (n == 0) return TRK_FRAME_MORE;
    if (rd_peek(&r, 0) != '#') {
        size_t i = 1;
        while (i < n && rd_peek(&r, i) != '#') i++;
        /* a UDP-style identifier prefix on TCP is still one line */
        if (i < n && i <= 24) {
            bool ident = true;
            for (size_t j = 0; j < i; j++) {
                int c = rd_peek(&r, j);
                if (!((c >= '0' && c <= '9') || c == '.' || c == ';')) ident = false;
            }
            if (!ident) return -(long)i;
        } else if (i < n) return -(long)i;
        else if (n > 24) return -(long)n;
    }
    for (size_t i = 0; i < n; i++) {
        int c = rd_peek(&r, i);
        if (c == '\n') return (long)(i + 1);
        if (c == '\r') {
            int c2 = rd_peek(&r, i + 1);
            if (c2 < 0) return TRK_FRAME_MORE;
            return (long)(c2 == '\n' ? i + 2 : i + 1);
        }
        if (i >= W_MAX) return -1;
    }
    return TRK_FRAME_MORE;
}

static const uint16_t wialon_ports[] = { 5039, 0 };

const struct dissector dissector_wialon = {
    .name = "wialon",
    .title = "Wialon IPS 1.1 / 2.0 (Gurtam)",
    .aliases = NULL,
    .ports = wialon_ports,
    .transports = TRK_TCP | TRK_UDP,
    .probe = wialon_probe,
    .frame = wialon_frame,
    .decode = wialon_decode,
};
