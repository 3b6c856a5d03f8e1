/* watch.c: dissector for the "3G" watch protocol (SeTracker / Beesure and the many
 * kids' watches and trackers that copied it), TCP.
 *
 * Frame: `[MF*ID*LLLL*content]` or, with an index field, `[MF*ID*IIII*LLLL*content]`.
 * MF is the maker code (SG, 3G, CS, ZJ ...), ID the device identifier, LLLL the
 * content length in 4 hex digits.  Binary content (voice, photos) is escaped on
 * the wire: `}` followed by 01..05 stands for `}` `[` `]` `,` `*`; LLLL counts the
 * unescaped bytes.  Frames are cut by LLLL (escaped or not), and by `][` when the
 * length field is wrong.
 *
 * Content: `TYPE[,fields]`.  LK keep-alive (steps, tumbles, battery), UD/UD2/UD3/
 * UD_LTE/UD_WCDMA locations, AL/AL_LTE/ALCUSTOMER alarms and WT (same layout as UD:
 * date DDMMYY, time HHMMSS UTC, A/V, latitude, N/S, longitude, E/W, speed km/h,
 * course, altitude, satellites, GSM signal, battery %, steps, tumbles, status hex,
 * cells, WiFi), health reports (heart, PULSE, BLOOD, bphrt, oxygen, TEMP, btemp2),
 * voice (TK, TKQ, TKQ2, JXTK), INIT, and the replies to server commands.
 * The server answers LK, AL, INIT, TKQ, TKQ2 and TK with the same frame carrying
 * the type (and `INIT,1` / `TK,1`); those are decoded down as "ack", other server
 * frames as "command". */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dissect.h"
#include "msg.h"
#include "rd.h"
#include "fieldset.h"
#include "texttok.h"

#define W_TEXT   4096      /* content bytes parsed as text */
#define W_HDR    64        /* longest header accepted */
#define TOK_SHOWN 1023   /* longest token shown in a field */


struct hdr {
    size_t hs;             /* offset of the content */
    unsigned len;          /* length field */
    bool has_index;
    unsigned index;
    size_t mf_off, mf_len, id_off, id_len;
};

/* ---------------------------------------------------------------- header */

static int hexv(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* 4 hex digits and '*' at `at`: 1 yes, 0 need more, -1 no */
static int hex4_at(const struct trk_rd *r, size_t at, unsigned *v)
{
    unsigned x = 0;
    for (size_t i = 0; i < 4; i++) {
        int c = rd_peek(r, at + i);
        if (c < 0) return 0;
        int h = hexv(c);
        if (h < 0) return -1;
        x = x << 4 | (unsigned)h;
    }
    int c = rd_peek(r, at + 4);
    if (c < 0) return 0;
    if (c != '*') return -1;
    *v = x;
    return 1;
}

/* Parses the header: 1 ok, 0 need more bytes, -1 not a header. */
static int parse_hdr(const struct trk_rd *r, struct hdr *h)
{
    size_t at = 1, k;
    memset(h, 0, sizeof *h);
    if (rd_peek(r, 0) != '[') return rd_peek(r, 0) < 0 ? 0 : -1;
    /* maker code: letters and digits */
    h->mf_off = at;
    for (k = 0;; k++) {
        int c = rd_peek(r, at + k);
        if (c < 0) return 0;
        if (c == '*') break;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) || k >= 8) return -1;
    }
    if (k == 0) return -1;
    h->mf_len = k;
    at += k + 1;
    /* identifier */
    h->id_off = at;
    for (k = 0;; k++) {
        int c = rd_peek(r, at + k);
        if (c < 0) return 0;
        if (c == '*') break;
        if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) || k >= 24) return -1;
    }
    if (k == 0) return -1;
    h->id_len = k;
    at += k + 1;
    unsigned a, b;
    int s = hex4_at(r, at, &a);
    if (s <= 0) return s;
    s = hex4_at(r, at + 5, &b);
    if (s == 0) {
        /* the content may be shorter than 5 bytes: decide once the bytes are there,
         * unless a ']' shows the frame already ends */
        for (size_t i = at + 5; rd_peek(r, i) >= 0; i++)
            if (rd_peek(r, i) == ']') { s = -1; break; }
        if (s == 0) return 0;
    }
    if (s > 0) {
        h->has_index = true;
        h->index = a;
        h->len = b;
        h->hs = at + 10;
    } else {
        h->len = a;
        h->hs = at + 5;
    }
    return 1;
}

/* Walks `units` unescaped content bytes from `at`: the offset after them, or
 * SIZE_MAX when the bytes run out. */
static size_t walk_escaped(const struct trk_rd *r, size_t at, size_t units)
{
    size_t i = at;
    for (size_t u = 0; u < units; u++) {
        int c = rd_peek(r, i);
        if (c < 0) return SIZE_MAX;
        if (c == '}') {
            int c2 = rd_peek(r, i + 1);
            if (c2 < 0) return SIZE_MAX;
            if (c2 >= 1 && c2 <= 5) i++;
        }
        i++;
    }
    return i;
}

/* ----------------------------------------------------------------- frame */

static long watch_frame(const uint8_t *p, size_t n, enum trk_dir d, const struct trk_state *st)
{
    struct trk_rd r;
    struct hdr h;
    rd_init(&r, p, n);
    if (n == 0) return TRK_FRAME_MORE;
    if (rd_peek(&r, 0) != '[') {
        size_t i = 1;
        while (i < n && rd_peek(&r, i) != '[') i++;
        return -(long)i;
    }
    int s = parse_hdr(&r, &h);
    if (s == 0) return n > W_HDR ? -1 : TRK_FRAME_MORE;
    if (s < 0) return -1;
    /* by the length field, counting the bytes as they are, then unescaped */
    size_t end = h.hs + h.len;
    if (rd_peek(&r, end) == ']') return (long)(end + 1);
    end = walk_escaped(&r, h.hs, h.len);
    if (end != SIZE_MAX && rd_peek(&r, end) == ']') return (long)(end + 1);
    /* the length field is wrong: the frame ends at a ']' followed by the next '['
     * (the end of the stream decides otherwise) */
    for (size_t i = h.hs; i + 1 < n; i++)
        if (rd_peek(&r, i) == ']' && rd_peek(&r, i + 1) == '[') return (long)(i + 1);
    return TRK_FRAME_MORE;
}

/* ---------------------------------------------------------------- probe */

static int watch_probe(const uint8_t *p, size_t n, unsigned transport)
{
    struct trk_rd r;
    struct hdr h;
    rd_init(&r, p, n);
    if (transport != TRK_TCP || n < 4) return 0;
    int s = parse_hdr(&r, &h);
    if (s < 0) return 0;
    if (s == 0) return 25;      /* a header prefix alone is weak evidence */
    int conf = 60;
    if (h.mf_len == 2) conf += 10;
    size_t end = h.hs + h.len;
    if (rd_peek(&r, end) == ']') conf = 90;
    else {
        size_t e2 = walk_escaped(&r, h.hs, h.len);
        if (e2 != SIZE_MAX && rd_peek(&r, e2) == ']') conf = 90;
    }
    return conf;
}

/* -------------------------------------------------------------- helpers */

static struct tok trim(struct tok t)
{
    while (t.n && t.s[0] == ' ') { t.s++; t.n--; }
    while (t.n && t.s[t.n - 1] == ' ') t.n--;
    return t;
}

static bool tok_ieq(struct tok t, const char *lit)
{
    size_t l = strlen(lit);
    return t.n == l && strncasecmp(t.s, lit, l) == 0;
}

static bool tok_prefix(struct tok t, const char *lit)
{
    size_t l = strlen(lit);
    return t.n >= l && strncasecmp(t.s, lit, l) == 0;
}

static void f_num(struct trk_msg *m, const char *key, struct tok t)
{
    double v;
    if (!field_room(m, key)) return;
    if (tok_decimal(trim(t), 1e15, &v)) msg_field_num(m, key, v);
    else if (trim(t).n) tok_field(m, key, trim(t), TOK_SHOWN, 0);
}

static bool two(const char *s, int *v)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9') return false;
    *v = (s[0] - '0') * 10 + (s[1] - '0');
    return true;
}

static uint32_t type_key(const char *t)
{
    uint32_t h = 2166136261u;
    for (; *t; t++) {
        char c = *t;
        if (c >= 'a' && c <= 'z') c = (char)(c - 32);
        h = (h ^ (uint8_t)c) * 16777619u;
    }
    return h;
}

/* ------------------------------------------------------------- decoding */

static const char *alarm_of(unsigned long st)
{
    if (st & 0x00010000) return "sos";
    if (st & 0x00020000) return "low-battery";
    if (st & 0x00040000) return "geofence-exit";
    if (st & 0x00080000) return "geofence-enter";
    if (st & 0x00100000) return "removing";
    if (st & 0x00200000) return "fall-down";
    return NULL;
}

#define MAXF 128

/* UD / AL / WT location body: f[1..] after the type */
static void location(struct trk_msg *m, const struct tok *f, size_t nf)
{
    if (nf < 8) { msg_malformed(m, "location has %zu fields, expected at least 8", nf); return; }
    struct trk_record *r = msg_add_record(m);
    if (!r) return;
    struct tok dt = trim(f[1]), tm = trim(f[2]);
    int dd, mo, yy, hh, mi, ss;
    if (dt.n == 6 && tm.n == 6 && two(dt.s, &dd) && two(dt.s + 2, &mo) && two(dt.s + 4, &yy) &&
        two(tm.s, &hh) && two(tm.s + 2, &mi) && two(tm.s + 4, &ss) &&
        dd >= 1 && dd <= 31 && mo >= 1 && mo <= 12 && hh < 24 && mi < 60 && ss < 61) {
        r->time_ms = trk_timegm(2000 + yy, mo, dd, hh, mi, ss) * 1000;
        r->has |= TRK_R_TIME;
    }
    struct tok v = trim(f[3]);
    r->valid = v.n == 1 && v.s[0] == 'A';
    r->has |= TRK_R_VALID;
    double lat, lon, x;
    if (tok_decimal(trim(f[4]), 1e15, &lat) && tok_decimal(trim(f[6]), 1e15, &lon)) {
        struct tok ns = trim(f[5]), ew = trim(f[7]);
        if (ns.n == 1 && ns.s[0] == 'S' && lat > 0) lat = -lat;
        if (ew.n == 1 && ew.s[0] == 'W' && lon > 0) lon = -lon;
        if (lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180) {
            r->lat = lat;
            r->lon = lon;
            r->has |= TRK_R_POS;
        }
    }
    if (nf > 8 && tok_decimal(trim(f[8]), 1e15, &x)) { r->speed = x; r->has |= TRK_R_SPEED; }
    if (nf > 9 && tok_decimal(trim(f[9]), 1e15, &x)) { r->course = x; r->has |= TRK_R_COURSE; }
    if (nf > 10 && tok_decimal(trim(f[10]), 1e15, &x)) { r->alt = x; r->has |= TRK_R_ALT; }
    if (nf > 11 && tok_decimal(trim(f[11]), 1e15, &x) && x >= 0 && x < 1000) { r->sats = (int)x; r->has |= TRK_R_SATS; }
    if (nf > 12) f_num(m, "gsm_signal", f[12]);
    if (nf > 13) f_num(m, "battery", f[13]);
    if (nf > 14) f_num(m, "steps", f[14]);
    if (nf > 15) f_num(m, "tumbles", f[15]);
    if (nf > 16) {
        struct tok s = trim(f[16]);
        unsigned long st = 0;
        bool ok = s.n > 0 && s.n <= 8;
        for (size_t i = 0; ok && i < s.n; i++) {
            int h = hexv((unsigned char)s.s[i]);
            if (h < 0) ok = false;
            else st = st << 4 | (unsigned)h;
        }
        if (ok) {
            if (field_room(m, "status")) msg_field_str(m, "status", "0x%08lX", st);
            const char *a = alarm_of(st);
            if (a && field_room(m, "alarm")) msg_field_str(m, "alarm", "%s", a);
            if (field_room(m, "low_battery")) msg_field_bool(m, "low_battery", (st & 1) != 0);
        }
    }
    /* cells: count, timing advance, MCC, MNC, then (LAC, cell id, signal) each */
    if (nf > 17) {
        double c;
        if (tok_decimal(trim(f[17]), 1e15, &c) && c >= 0 && c < 64 && nf > 20) {
            size_t cells = (size_t)c;
            if (cells && field_room(m, "cells")) {
                char buf[1024];
                size_t o = 0;
                buf[0] = 0;
                f_num(m, "mcc", f[19]);
                f_num(m, "mnc", f[20]);
                for (size_t i = 0; i < cells && 21 + 3 * i + 2 < nf && 21 + 3 * i + 2 < MAXF; i++) {
                    struct tok a = trim(f[21 + 3 * i]), b = trim(f[22 + 3 * i]), s = trim(f[23 + 3 * i]);
                    int k = snprintf(buf + o, sizeof buf - o, "%s%.*s:%.*s:%.*s", o ? ";" : "",
                                     (int)(a.n > 16 ? 16 : a.n), a.s, (int)(b.n > 16 ? 16 : b.n), b.s,
                                     (int)(s.n > 8 ? 8 : s.n), s.s);
                    if (k > 0 && (size_t)k < sizeof buf - o) o += (size_t)k;
                }
                if (o) {
                    struct tok t = { buf, o };
                    tok_field(m, "cells", t, TOK_SHOWN, 0);
                }
            }
        }
    }
}

static void ack_down(struct trk_msg *m, const char *norm)
{
    m->type = "ack";
    m->is_reply.set = true;
    m->is_reply.key = type_key(norm);
    m->is_reply.count = 1;
    m->is_reply.accept = true;
}

static void want(struct trk_msg *m, const char *norm)
{
    m->want_reply.set = true;
    m->want_reply.key = type_key(norm);
    m->want_reply.count = 1;
}

/* types the device sends as replies to server commands */
static bool command_reply_type(struct tok t)
{
    static const char *const names[] = {
        "UPLOAD", "CENTER", "SLAVE", "PW", "CALL", "SMS", "MONITOR", "SOS", "SOS1", "SOS2", "SOS3",
        "IP", "FACTORY", "LZ", "URL", "SOSSMS", "LOWBAT", "APN", "ANY", "TS", "VERNO", "RESET", "CR",
        "BT", "WORK", "WORKTIME", "POWEROFF", "REMOVE", "PEDO", "WALKTIME", "SLEEPTIME",
        "SILENCETIME", "FIND", "FLOWER", "REMIND", "PHB", "PHB2", "PHL", "SMSONOFF", "PROFILE",
        "FALLDOWN", "HRTSTART", "BPHRTSTART", "TEMPSTART", "CONFIG", "RCAPTURE", "CAPTURE",
        "MESSAGE", "WHITELIST1", "WHITELIST2", "PHBONOFF", "REMOVESMS", "LSSET", NULL };
    for (size_t i = 0; names[i]; i++) if (tok_ieq(t, names[i])) return true;
    return false;
}

/* content_at: the frame offset of the content's first byte, SIZE_MAX when
 * escapes were undone (offsets in the content are not the frame's then) */
static void decode_content(struct trk_msg *m, enum trk_dir d, struct tok content, bool binary_tail,
                           size_t content_at)
{
    struct tok f[MAXF];
    size_t nf = tok_split_all(content, ',', f, MAXF);
    size_t use = nf > MAXF ? MAXF : nf;
    struct tok type = trim(f[0]);
    if (type.n && field_room(m, "content_type")) tok_field(m, "content_type", type, TOK_SHOWN, 0);

    if (d == TRK_DOWN) {
        static const char *const acks[] = { "LK", "AL", "INIT", "TKQ", "TKQ2", "TK", "JXTK", NULL };
        for (size_t i = 0; acks[i]; i++)
            if (tok_ieq(type, acks[i]) || (strcmp(acks[i], "AL") == 0 && tok_prefix(type, "AL") &&
                                           (type.n == 2 || type.s[2] == '_' || tok_prefix(type, "ALCUSTOMER")))) {
                ack_down(m, acks[i]);
                if (use > 1) tok_field(m, "result", f[1], TOK_SHOWN, 0);
                return;
            }
        m->type = "command";
        if (field_room(m, "text") && !binary_tail) tok_field(m, "text", content, TOK_SHOWN, 0);
        return;
    }

    if (tok_ieq(type, "LK")) {
        m->type = "heartbeat";
        want(m, "LK");
        if (use > 1) f_num(m, "steps", f[1]);
        if (use > 2) f_num(m, "tumbles", f[2]);
        if (use > 3) f_num(m, "battery", f[3]);
    } else if (tok_ieq(type, "UD") || tok_prefix(type, "UD_") || tok_ieq(type, "UD2") || tok_ieq(type, "UD3")) {
        m->type = "position";
        location(m, f, use);
    } else if (tok_ieq(type, "AL") || tok_prefix(type, "AL_") || tok_prefix(type, "ALCUSTOMER")) {
        m->type = "alarm";
        want(m, "AL");
        location(m, f, use);
    } else if (tok_ieq(type, "WT")) {
        m->type = "position";
        location(m, f, use);
    } else if (tok_ieq(type, "INIT")) {
        m->type = "login";
        want(m, "INIT");
    } else if (tok_ieq(type, "TKQ") || tok_ieq(type, "TKQ2")) {
        m->type = "voice-request";
        want(m, tok_ieq(type, "TKQ") ? "TKQ" : "TKQ2");
    } else if (tok_ieq(type, "TK") || tok_ieq(type, "JXTK")) {
        m->type = "voice";
        want(m, tok_ieq(type, "TK") ? "TK" : "JXTK");
        if (tok_ieq(type, "JXTK") && use > 4) {
            tok_field(m, "file", f[2], TOK_SHOWN, 0);
            f_num(m, "part", f[3]);
            f_num(m, "parts", f[4]);
        }
    } else if (tok_ieq(type, "heart") || tok_ieq(type, "PULSE") || tok_ieq(type, "hrtstart")) {
        m->type = "health";
        if (use > 1) f_num(m, "heart_rate", f[use - 1]);
    } else if (tok_ieq(type, "BLOOD")) {
        m->type = "health";
        if (use > 1) f_num(m, "blood_pressure_high", f[1]);
        if (use > 2) f_num(m, "blood_pressure_low", f[2]);
    } else if (tok_ieq(type, "bphrt")) {
        m->type = "health";
        if (use > 1) f_num(m, "blood_pressure_high", f[1]);
        if (use > 2) f_num(m, "blood_pressure_low", f[2]);
        if (use > 3) f_num(m, "heart_rate", f[3]);
    } else if (tok_ieq(type, "oxygen")) {
        m->type = "health";
        if (use > 2) f_num(m, "blood_oxygen", f[2]);
    } else if (tok_ieq(type, "TEMP")) {
        m->type = "health";
        if (use > 1) f_num(m, "temperature", f[1]);
    } else if (tok_ieq(type, "btemp2")) {
        m->type = "health";
        if (use > 2) f_num(m, "temperature", f[2]);
    } else if (command_reply_type(type)) {
        m->type = "command-reply";
        if (!binary_tail) tok_field(m, "text", content, TOK_SHOWN, 0);
    } else {
        m->type = "unknown";
        char t[24];
        size_t k = type.n < sizeof t - 1 ? type.n : sizeof t - 1;
        for (size_t i = 0; i < k; i++) {
            unsigned char c = (unsigned char)type.s[i];
            t[i] = (c < 0x20 || c >= 0x7f) ? '.' : (char)c;
        }
        t[k] = 0;
        if (content_at == SIZE_MAX) msg_unsupported(m, "unsupported message type %s", t);
        else msg_unsupported_at(m, content_at + (size_t)(type.s - content.s), type.n, "unsupported message type %s", t);
    }
}

static void watch_decode(struct trk_rd *rd, enum trk_dir d, struct trk_state *st, struct trk_msg *m)
{
    struct hdr h;
    size_t n = rd_left(rd);
    int s = parse_hdr(rd, &h);
    if (s <= 0) {
        m->type = "unknown";
        if (s == 0) msg_malformed(m, "truncated header: %zu bytes", n);
        else msg_malformed(m, "bad frame header: no [MF*ID*LEN* start");
        rd_skip(rd, n);
        return;
    }
    /* identity */
    {
        char id[TRK_IMEI_MAX];
        size_t k = h.id_len < sizeof id - 1 ? h.id_len : sizeof id - 1;
        for (size_t i = 0; i < k; i++) id[i] = (char)rd_peek(rd, h.id_off + i);
        id[k] = 0;
        msg_set_imei(m, id);
        char mf[12];
        k = h.mf_len < sizeof mf - 1 ? h.mf_len : sizeof mf - 1;
        for (size_t i = 0; i < k; i++) mf[i] = (char)rd_peek(rd, h.mf_off + i);
        mf[k] = 0;
        if (field_room(m, "maker")) msg_field_str(m, "maker", "%s", mf);
        if (h.has_index && field_room(m, "index")) msg_field_int(m, "index", h.index);
    }
    /* content: up to a final ']' */
    bool closed = n > h.hs && rd_peek(rd, n - 1) == ']';
    size_t cend = closed ? n - 1 : n;
    size_t rawlen = cend >= h.hs ? cend - h.hs : 0;
    /* unescaped content (first W_TEXT bytes kept) */
    char text[W_TEXT];
    size_t tl = 0, ul = 0;
    bool escaped = false;
    for (size_t i = h.hs; i < cend; i++) {
        int c = rd_peek(rd, i);
        if (c == '}' && i + 1 < cend) {
            int c2 = rd_peek(rd, i + 1);
            if (c2 >= 1 && c2 <= 5) { c = "}[],*"[c2 - 1]; i++; escaped = true; }
        }
        if (tl < sizeof text) text[tl++] = (char)c;
        ul++;
    }
    if (rawlen == h.len) {
        /* the length counts the bytes as they are: no escapes to undo */
        tl = 0;
        for (size_t i = h.hs; i < cend && tl < sizeof text; i++) text[tl++] = (char)rd_peek(rd, i);
        escaped = false;
    } else if (ul != h.len) {
        msg_length_mismatch(m, h.len, ul, h.hs - 5, 4);   /* 4 hex digits before the '*' */
    }
    if (!closed) msg_malformed(m, "missing ] at the end of the frame");
    if (escaped && field_room(m, "escaped")) msg_field_bool(m, "escaped", true);
    rd_skip(rd, n);
    struct tok content = { text, tl };
    /* binary payloads: stop the text at the first non-text byte */
    bool binary = false;
    for (size_t i = 0; i < tl; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c < 0x20 || c >= 0x7f) { binary = true; break; }
    }
    decode_content(m, d, content, binary, escaped ? SIZE_MAX : h.hs);
}

static const uint16_t watch_ports[] = { 5093, 0 };

const struct dissector dissector_watch = {
    .name = "watch",
    .title = "3G watch protocol (SeTracker / Beesure kids' watches)",
    .aliases = NULL,
    .ports = watch_ports,
    .transports = TRK_TCP,
    .probe = watch_probe,
    .frame = watch_frame,
    .decode = watch_decode,
};
