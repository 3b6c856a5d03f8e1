/* osmand.c: dissector for the OsmAnd / Traccar Client protocol: positions sent as
 * HTTP requests over TCP.
 *
 * Query form: GET (or POST with a form body) with parameters id or deviceid,
 * timestamp (Unix seconds, milliseconds, ISO 8601 or "yyyy-MM-dd HH:mm:ss"), lat,
 * lon or location=lat,lon, speed (knots), bearing or heading, altitude, accuracy,
 * hdop, batt, charge, valid, driverUniqueId, cell, wifi and any other parameter.
 * JSON form (a POST whose body is an object): device_id and location{timestamp,
 * coords{latitude, longitude, speed m/s, heading, accuracy, altitude}, is_moving,
 * odometer, event, battery{level, is_charging}, activity{type}, extras}.
 * The server answers with an HTTP status line (200 OK; 400/404 for an unknown
 * device): decoded in the down direction as "ack".
 *
 * Framing: a request or response is its header block (up to the empty line) plus
 * Content-Length bytes of body. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dissect.h"
#include "msg.h"
#include "rd.h"
#include "fieldset.h"
#include "texttok.h"

#define O_MAX   16384     /* longest request decoded */
#define O_HDR   8192      /* longest header block */
#define TOK_SHOWN 1023   /* longest token shown in a field */
#define TOK_FLAGS FIELD_TEXT_KEEP_HIGH   /* bytes >= 0x80 shown as they are */


/* ---------------------------------------------------------------- helpers */

static bool is_digit(int c) { return c >= '0' && c <= '9'; }

static bool tok_float(struct tok t, double *v)
{
    size_t i = 0;
    bool neg = false, digits = false;
    double x = 0, scale = 1;
    while (t.n && t.s[0] == ' ') { t.s++; t.n--; }
    if (i < t.n && (t.s[i] == '-' || t.s[i] == '+')) neg = t.s[i++] == '-';
    for (; i < t.n && is_digit(t.s[i]); i++) { x = x * 10 + (t.s[i] - '0'); digits = true; }
    if (i < t.n && t.s[i] == '.')
        for (i++; i < t.n && is_digit(t.s[i]); i++) { scale /= 10; x += (t.s[i] - '0') * scale; digits = true; }
    if (i < t.n && (t.s[i] == 'e' || t.s[i] == 'E') && digits) {
        int e = 0;
        bool eneg = false;
        i++;
        if (i < t.n && (t.s[i] == '-' || t.s[i] == '+')) eneg = t.s[i++] == '-';
        for (; i < t.n && is_digit(t.s[i]) && e < 400; i++) e = e * 10 + (t.s[i] - '0');
        for (int k = 0; k < e && x != 0; k++) x = eneg ? x / 10 : x * 10;
    }
    if (!digits || i != t.n || x > 1e18) return false;
    *v = neg ? -x : x;
    return true;
}

static int hexv(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* URL decoding into out (never longer than the input) */
static struct tok url_decode(struct tok t, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < t.n && o < cap; i++) {
        char c = t.s[i];
        if (c == '+') c = ' ';
        else if (c == '%' && i + 2 < t.n) {
            int h = hexv((unsigned char)t.s[i + 1]), l = hexv((unsigned char)t.s[i + 2]);
            if (h >= 0 && l >= 0) { c = (char)(h << 4 | l); i += 2; }
        }
        out[o++] = c;
    }
    struct tok r = { out, o };
    return r;
}

/* ISO 8601 / "yyyy-MM-dd HH:mm:ss[.fff][Z|+hh:mm]" to ms */
static bool parse_iso(struct tok t, int64_t *ms)
{
    int v[6] = { 0 };
    static const int w[6] = { 4, 2, 2, 2, 2, 2 };
    size_t i = 0;
    for (int f = 0; f < 6; f++) {
        for (int k = 0; k < w[f]; k++, i++) {
            if (i >= t.n || !is_digit(t.s[i])) return false;
            v[f] = v[f] * 10 + (t.s[i] - '0');
        }
        if (f < 5) {
            if (i >= t.n) return false;
            char sep = t.s[i++];
            if (f < 2 && sep != '-') return false;
            if (f == 2 && sep != 'T' && sep != ' ') return false;
            if (f > 2 && sep != ':') return false;
        }
    }
    if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59 || v[5] > 60) return false;
    int64_t frac = 0;
    if (i < t.n && t.s[i] == '.') {
        int digits = 0;
        for (i++; i < t.n && is_digit(t.s[i]); i++, digits++)
            if (digits < 3) frac = frac * 10 + (t.s[i] - '0');
        for (; digits < 3; digits++) frac *= 10;
    }
    int64_t off = 0;
    if (i < t.n && (t.s[i] == '+' || t.s[i] == '-')) {
        int sign = t.s[i] == '-' ? -1 : 1, hh = 0, mm = 0;
        i++;
        for (int k = 0; k < 2 && i < t.n && is_digit(t.s[i]); k++, i++) hh = hh * 10 + (t.s[i] - '0');
        if (i < t.n && t.s[i] == ':') i++;
        for (int k = 0; k < 2 && i < t.n && is_digit(t.s[i]); k++, i++) mm = mm * 10 + (t.s[i] - '0');
        off = sign * (hh * 3600 + mm * 60);
    } else if (i < t.n && t.s[i] == 'Z') i++;
    if (i != t.n) return false;
    *ms = (trk_timegm(v[0], v[1], v[2], v[3], v[4], v[5]) - off) * 1000 + frac;
    return true;
}

static bool parse_time(struct tok t, int64_t *ms)
{
    double v;
    if (tok_float(t, &v)) {
        if (v < 0 || v > 1e15) return false;
        *ms = v > 2147483647.0 ? (int64_t)v : (int64_t)(v * 1000);
        return true;
    }
    return parse_iso(t, ms);
}

/* ------------------------------------------------------------ the request */

struct pos {
    bool has_lat, has_lon, has_time;
    double lat, lon;
    int64_t time_ms;
    struct trk_record rec;
    char others[1024];
    size_t olen;
};

static void add_other(struct pos *p, struct tok k, struct tok v)
{
    int n = snprintf(p->others + p->olen, sizeof p->others - p->olen, "%s%.*s=%.*s", p->olen ? "&" : "",
                     (int)(k.n > 64 ? 64 : k.n), k.s, (int)(v.n > 128 ? 128 : v.n), v.s);
    if (n > 0 && (size_t)n < sizeof p->others - p->olen) p->olen += (size_t)n;
}

static void set_id(struct trk_msg *m, struct tok v)
{
    char id[TRK_IMEI_MAX];
    size_t o = 0;
    for (size_t i = 0; i < v.n && o + 1 < sizeof id; i++) {
        unsigned char c = (unsigned char)v.s[i];
        id[o++] = (c > 0x20 && c < 0x7f) ? (char)c : '.';
    }
    id[o] = 0;
    if (o) msg_set_imei(m, id);
}

/* one key/value of the query form */
static void query_param(struct trk_msg *m, struct pos *p, struct tok k, struct tok v)
{
    double x;
    if (tok_is(k, "id") || tok_is(k, "deviceid")) set_id(m, v);
    else if (tok_is(k, "lat")) { if (tok_float(v, &p->lat)) p->has_lat = true; }
    else if (tok_is(k, "lon")) { if (tok_float(v, &p->lon)) p->has_lon = true; }
    else if (tok_is(k, "location")) {
        size_t c = 0;
        while (c < v.n && v.s[c] != ',') c++;
        struct tok a = { v.s, c }, b = { v.s + (c < v.n ? c + 1 : c), c < v.n ? v.n - c - 1 : 0 };
        if (tok_float(a, &p->lat) && tok_float(b, &p->lon)) p->has_lat = p->has_lon = true;
    } else if (tok_is(k, "timestamp")) {
        if (parse_time(v, &p->time_ms)) p->has_time = true;
        else tok_field(m, "timestamp_raw", v, TOK_SHOWN, TOK_FLAGS);
    } else if (tok_is(k, "speed")) {
        if (tok_float(v, &x) && x >= 0) { p->rec.speed = x * 1.852; p->rec.has |= TRK_R_SPEED; }
    } else if (tok_is(k, "bearing") || tok_is(k, "heading")) {
        if (tok_float(v, &x) && x >= 0) { p->rec.course = x; p->rec.has |= TRK_R_COURSE; }
    } else if (tok_is(k, "altitude")) {
        if (tok_float(v, &x)) { p->rec.alt = x; p->rec.has |= TRK_R_ALT; }
    } else if (tok_is(k, "valid")) {
        p->rec.valid = tok_is(v, "true") || tok_is(v, "1");
        p->rec.has |= TRK_R_VALID;
    } else if (tok_is(k, "accuracy")) tok_field(m, "accuracy", v, TOK_SHOWN, TOK_FLAGS);
    else if (tok_is(k, "hdop")) tok_field(m, "hdop", v, TOK_SHOWN, TOK_FLAGS);
    else if (tok_is(k, "batt")) tok_field(m, "battery", v, TOK_SHOWN, TOK_FLAGS);
    else if (tok_is(k, "charge")) tok_field(m, "charge", v, TOK_SHOWN, TOK_FLAGS);
    else if (tok_is(k, "driverUniqueId")) tok_field(m, "driver_id", v, TOK_SHOWN, TOK_FLAGS);
    else if (tok_is(k, "cell")) {
        if (field_room(m, "cell")) tok_field(m, "cell", v, TOK_SHOWN, TOK_FLAGS);
        else add_other(p, k, v);
    } else if (tok_is(k, "wifi")) {
        if (field_room(m, "wifi")) tok_field(m, "wifi", v, TOK_SHOWN, TOK_FLAGS);
        else add_other(p, k, v);
    } else add_other(p, k, v);
}

static void parse_query(struct trk_msg *m, struct pos *p, struct tok q)
{
    size_t start = 0;
    for (size_t i = 0; i <= q.n; i++) {
        if (i < q.n && q.s[i] != '&') continue;
        struct tok kv = { q.s + start, i - start };
        start = i + 1;
        if (!kv.n) continue;
        size_t e = 0;
        while (e < kv.n && kv.s[e] != '=') e++;
        char kb[128], vb[512];
        struct tok k0 = { kv.s, e }, v0 = { kv.s + (e < kv.n ? e + 1 : e), e < kv.n ? kv.n - e - 1 : 0 };
        struct tok k = url_decode(k0, kb, sizeof kb), v = url_decode(v0, vb, sizeof vb);
        query_param(m, p, k, v);
    }
}

/* --------------------------------------------------------------- JSON form */

/* a JSON scalar for `key` at nesting `path` (the enclosing object's key) */
static void json_value(struct trk_msg *m, struct pos *p, struct tok parent, struct tok key, struct tok v, bool str)
{
    double x;
    bool num = !str && tok_float(v, &x);
    if (tok_is(key, "device_id")) set_id(m, v);
    else if (tok_is(parent, "coords")) {
        if (tok_is(key, "latitude") && num) { p->lat = x; p->has_lat = true; }
        else if (tok_is(key, "longitude") && num) { p->lon = x; p->has_lon = true; }
        else if (tok_is(key, "speed") && num && x >= 0) { p->rec.speed = x * 3.6; p->rec.has |= TRK_R_SPEED; }
        else if (tok_is(key, "heading") && num && x >= 0) { p->rec.course = x; p->rec.has |= TRK_R_COURSE; }
        else if (tok_is(key, "altitude") && num) { p->rec.alt = x; p->rec.has |= TRK_R_ALT; }
        else if (tok_is(key, "accuracy")) tok_field(m, "accuracy", v, TOK_SHOWN, TOK_FLAGS);
    } else if (tok_is(parent, "location")) {
        if (tok_is(key, "timestamp")) { if (parse_time(v, &p->time_ms)) p->has_time = true; }
        else if (tok_is(key, "is_moving")) tok_field(m, "motion", v, TOK_SHOWN, TOK_FLAGS);
        else if (tok_is(key, "odometer")) tok_field(m, "odometer", v, TOK_SHOWN, TOK_FLAGS);
        else if (tok_is(key, "event")) tok_field(m, "event", v, TOK_SHOWN, TOK_FLAGS);
        else if (tok_is(key, "mock")) tok_field(m, "mock", v, TOK_SHOWN, TOK_FLAGS);
    } else if (tok_is(parent, "battery")) {
        if (tok_is(key, "level") && num && x >= 0) {
            if (field_room(m, "battery_level")) msg_field_num(m, "battery_level", x * 100);
        } else if (tok_is(key, "is_charging")) tok_field(m, "charging", v, TOK_SHOWN, TOK_FLAGS);
    } else if (tok_is(parent, "activity")) {
        if (tok_is(key, "type")) tok_field(m, "activity", v, TOK_SHOWN, TOK_FLAGS);
    } else if (tok_is(parent, "extras")) {
        add_other(p, key, v);
    }
}

#define JDEPTH 16

static bool parse_json(struct trk_msg *m, struct pos *p, struct tok j)
{
    struct tok keys[JDEPTH];          /* key of the object at each depth */
    struct tok cur = { "", 0 };       /* last key seen at this depth */
    bool is_obj[JDEPTH];
    int depth = 0;
    bool expect_key = false;
    size_t i = 0;
    memset(keys, 0, sizeof keys);
    while (i < j.n) {
        char c = j.s[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',' || c == ':') {
            if (c == ',' && depth > 0 && is_obj[depth - 1]) expect_key = true;
            i++;
            continue;
        }
        if (c == '{' || c == '[') {
            if (depth >= JDEPTH) return false;
            keys[depth] = cur;
            is_obj[depth] = c == '{';
            depth++;
            expect_key = c == '{';
            cur.s = "";
            cur.n = 0;
            i++;
            continue;
        }
        if (c == '}' || c == ']') {
            if (depth == 0) return false;
            depth--;
            cur.s = "";
            cur.n = 0;
            expect_key = false;
            i++;
            continue;
        }
        struct tok v;
        bool str = false;
        if (c == '"') {
            size_t s = ++i;
            while (i < j.n && j.s[i] != '"') { if (j.s[i] == '\\') i++; i++; }
            if (i >= j.n) return false;
            v.s = j.s + s;
            v.n = i - s;
            i++;
            str = true;
        } else {
            size_t s = i;
            while (i < j.n && j.s[i] != ',' && j.s[i] != '}' && j.s[i] != ']' && j.s[i] != ' ' &&
                   j.s[i] != '\r' && j.s[i] != '\n' && j.s[i] != '\t')
                i++;
            v.s = j.s + s;
            v.n = i - s;
            if (v.n == 0) return false;
        }
        if (expect_key && str) {
            cur = v;
            expect_key = false;
            continue;
        }
        if (depth > 0) {
            struct tok parent = keys[depth - 1];
            if (is_obj[depth - 1]) json_value(m, p, parent, cur, v, str);
        }
    }
    return depth == 0;
}

/* ------------------------------------------------------------- framing */

static bool method_at(const struct trk_rd *r, size_t at)
{
    static const char *const methods[] = { "GET ", "POST ", "PUT ", "HEAD ", NULL };
    for (size_t i = 0; methods[i]; i++) {
        size_t l = strlen(methods[i]);
        const uint8_t *s = rd_peek_span(r, at, l);
        if (s && memcmp(s, methods[i], l) == 0) return true;
    }
    return false;
}

static bool response_at(const struct trk_rd *r, size_t at)
{
    const uint8_t *s = rd_peek_span(r, at, 5);
    return s && memcmp(s, "HTTP/", 5) == 0;
}

/* end of the header block (offset after the empty line), or 0 */
static size_t header_end(const struct trk_rd *r, size_t n)
{
    for (size_t i = 0; i + 1 < n && i < O_HDR; i++) {
        if (rd_peek(r, i) != '\n') continue;
        if (rd_peek(r, i + 1) == '\n') return i + 2;
        if (rd_peek(r, i + 1) == '\r' && rd_peek(r, i + 2) == '\n') return i + 3;
    }
    return 0;
}

/* Content-Length of the header block [0, he), or -1 */
/* the Content-Length value (-1: none); *at and *len: where its digits are */
static long content_length(const struct trk_rd *r, size_t he, size_t *at, size_t *len)
{
    static const char cl[] = "content-length:";
    for (size_t i = 0; i + 1 < he; i++) {
        if (i && rd_peek(r, i - 1) != '\n') continue;
        size_t k = 0;
        for (; k < sizeof cl - 1; k++) {
            int c = rd_peek(r, i + k);
            if (c < 0 || ((c | 0x20) != cl[k] && c != cl[k])) break;
        }
        if (k != sizeof cl - 1) continue;
        size_t j = i + k;
        while (rd_peek(r, j) == ' ') j++;
        long v = 0;
        bool any = false;
        *at = j;
        while (is_digit(rd_peek(r, j)) && v < 100000000) { v = v * 10 + (rd_peek(r, j) - '0'); j++; any = true; }
        *len = j - *at;
        return any ? v : -1;
    }
    return -1;
}

static long osmand_frame(const uint8_t *p, size_t n, enum trk_dir d, const struct trk_state *st)
{
    struct trk_rd r;
    rd_init(&r, p, n);
    if (n == 0) return TRK_FRAME_MORE;
    bool start = d == TRK_DOWN ? response_at(&r, 0) : method_at(&r, 0);
    if (!start) {
        /* a prefix of a start line: wait */
        if (n < 6) {
            static const char *const pre[] = { "GET ", "POST ", "PUT ", "HEAD ", "HTTP/", NULL };
            for (size_t i = 0; pre[i]; i++) {
                size_t l = strlen(pre[i]);
                const uint8_t *s = rd_peek_span(&r, 0, n < l ? n : l);
                if (s && memcmp(s, pre[i], n < l ? n : l) == 0) return TRK_FRAME_MORE;
            }
        }
        for (size_t i = 1; i < n; i++)
            if (d == TRK_DOWN ? response_at(&r, i) : method_at(&r, i)) return -(long)i;
        return n > 8 ? -(long)(n - 5) : TRK_FRAME_MORE;
    }
    size_t he = header_end(&r, n);
    if (!he) return n > O_HDR ? -1 : TRK_FRAME_MORE;
    size_t cl_at, cl_len;
    long cl = content_length(&r, he, &cl_at, &cl_len);
    if (cl < 0) cl = 0;
    if (cl > O_MAX * 64) return (long)he;
    size_t total = he + (size_t)cl;
    return total <= n ? (long)total : TRK_FRAME_MORE;
}

static int osmand_probe(const uint8_t *p, size_t n, unsigned transport)
{
    struct trk_rd r;
    rd_init(&r, p, n);
    if (transport != TRK_TCP) return 0;
    static const char *const strong[] = { "GET /?id=", "GET /?deviceid=", "POST /?id=", "POST /?deviceid=", NULL };
    for (size_t i = 0; strong[i]; i++) {
        size_t l = strlen(strong[i]);
        const uint8_t *s = rd_peek_span(&r, 0, l);
        if (s && memcmp(s, strong[i], l) == 0) return 75;
    }
    if (method_at(&r, 0)) {
        /* query parameters or a JSON body of the client */
        static const char *const keys[] = { "lat=", "lon=", "timestamp=", "\"device_id\"", "\"coords\"", NULL };
        int hits = 0;
        size_t lim = n < 4096 ? n : 4096;
        for (size_t k = 0; keys[k]; k++) {
            size_t l = strlen(keys[k]);
            for (size_t i = 0; i + l <= lim; i++) {
                const uint8_t *s = rd_peek_span(&r, i, l);
                if (s && memcmp(s, keys[k], l) == 0) { hits++; break; }
            }
        }
        return hits >= 2 ? 65 : 25;
    }
    return 0;
}

/* ------------------------------------------------------------- decoding */

static void decode_response(struct trk_msg *m, struct tok all)
{
    m->type = "ack";
    int code = 0;
    size_t i = 0;
    while (i < all.n && all.s[i] != ' ') i++;
    while (i < all.n && all.s[i] == ' ') i++;
    for (int k = 0; k < 3 && i < all.n && is_digit(all.s[i]); k++, i++) code = code * 10 + (all.s[i] - '0');
    if (field_room(m, "status_code")) msg_field_int(m, "status_code", code);
    m->is_reply.set = true;
    m->is_reply.key = 0;
    m->is_reply.count = 1;
    m->is_reply.accept = code >= 200 && code < 300;
    if (!code) msg_malformed(m, "bad HTTP status line");
}

static void osmand_decode(struct trk_rd *rd, enum trk_dir d, struct trk_state *st, struct trk_msg *m)
{
    char buf[O_MAX];
    size_t n = rd_left(rd);
    size_t he = header_end(rd, n);
    size_t cl_at = 0, cl_len = 0;
    long cl = he ? content_length(rd, he, &cl_at, &cl_len) : -1;
    size_t body_have = he ? n - he : 0;
    size_t keep = n < sizeof buf ? n : sizeof buf;
    rd_bytes(rd, buf, keep);
    rd_skip(rd, rd_left(rd));
    struct tok all = { buf, keep };
    if (!he) msg_malformed(m, "HTTP header block not terminated (no empty line)");
    else if (cl >= 0 && (size_t)cl != body_have) msg_length_mismatch(m, (size_t)cl, body_have, cl_at, cl_len);
    if (keep >= 5 && memcmp(buf, "HTTP/", 5) == 0) { decode_response(m, all); return; }
    if (d == TRK_DOWN) { m->type = "unknown"; msg_unsupported(m, "unsupported server message"); return; }
    /* request line */
    size_t sp1 = 0;
    while (sp1 < keep && buf[sp1] != ' ') sp1++;
    size_t ts = sp1 + 1, te = ts;
    while (te < keep && buf[te] != ' ' && buf[te] != '\r' && buf[te] != '\n') te++;
    struct tok method = { buf, sp1 };
    if (sp1 >= keep || !(tok_is(method, "GET") || tok_is(method, "POST") || tok_is(method, "PUT") || tok_is(method, "HEAD"))) {
        m->type = "unknown";
        msg_malformed(m, "not an HTTP request");
        return;
    }
    struct pos p;
    memset(&p, 0, sizeof p);
    p.rec.valid = true;
    p.rec.has = TRK_R_VALID;
    m->type = "position";
    m->want_reply.set = true;
    m->want_reply.key = 0;
    m->want_reply.count = 1;
    if (field_room(m, "method")) tok_field(m, "method", method, TOK_SHOWN, TOK_FLAGS);
    struct tok target = { buf + ts, te > ts ? te - ts : 0 };
    for (size_t i = 0; i < target.n; i++)
        if (target.s[i] == '?') {
            struct tok q = { target.s + i + 1, target.n - i - 1 };
            parse_query(m, &p, q);
            break;
        }
    /* body */
    if (he && he <= keep && keep > he) {
        struct tok body = { buf + he, keep - he };
        size_t b = 0;
        while (b < body.n && (body.s[b] == ' ' || body.s[b] == '\r' || body.s[b] == '\n')) b++;
        if (b < body.n && body.s[b] == '{') {
            if (field_room(m, "form")) msg_field_str(m, "form", "json");
            if (!parse_json(m, &p, body)) msg_malformed(m, "JSON body is not well formed");
        } else {
            parse_query(m, &p, body);
        }
    }
    if (p.olen && field_room(m, "params")) msg_field_str(m, "params", "%s", p.others);
    if (!m->imei[0] && field_room(m, "note")) msg_field_str(m, "note", "no device id");
    if (!(p.has_lat && p.has_lon) && !p.has_time) {
        if (!p.rec.has || p.rec.has == TRK_R_VALID) { m->type = "status"; return; }
    }
    struct trk_record *r = msg_add_record(m);
    if (!r) return;
    *r = p.rec;
    if (p.has_time) { r->time_ms = p.time_ms; r->has |= TRK_R_TIME; }
    if (p.has_lat && p.has_lon && p.lat >= -90 && p.lat <= 90 && p.lon >= -180 && p.lon <= 180) {
        r->lat = p.lat;
        r->lon = p.lon;
        r->has |= TRK_R_POS;
    }
}

static const uint16_t osmand_ports[] = { 5055, 0 };

const struct dissector dissector_osmand = {
    .name = "osmand",
    .title = "OsmAnd / Traccar Client (HTTP)",
    .aliases = NULL,
    .ports = osmand_ports,
    .transports = TRK_TCP,
    .probe = osmand_probe,
    .frame = osmand_frame,
    .decode = osmand_decode,
};
