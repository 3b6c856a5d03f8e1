/* h02.c: the H02 protocol (SinoTrack, HQ and clones): ASCII messages
 * `*XX,<id>,<cmd>,...#` (positions V1 and its variants, heartbeats, LBS cell
 * reports, status, SMS text, command acknowledgements V4) and the binary
 * fixed-size records that start with `$` (or `X`) and carry a BCD device ID,
 * time, position, speed, course and a negative-logic status word.
 *
 * There is no checksum and no length field: ASCII frames end at `#`, binary
 * records are cut where the next record starts (32 or 45 bytes as a rule). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dissect.h"
#include "fieldset.h"
#include "texttok.h"

#define TXT_MAX    4096     /* longest ASCII message parsed */
#define ASCII_MAX  4096     /* frame() gives up looking for '#' after this */
#define BIN_MIN5   32       /* binary record with a 5-byte ID */
#define BIN_LONG   45       /* long binary record */
#define BIN_MIN8   42       /* binary record with an 8-byte ID */
#define BIN_MAX    64       /* longest binary variant looked for */
#define MAXF       160      /* fields of one ASCII message */
#define STR_MAX (TXT_MAX - 1)   /* longest string field */

/* ------------------------------------------------------------------ helpers */

static bool is_digit(int c) { return c >= '0' && c <= '9'; }
static bool is_alpha(int c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
static bool is_hex(int c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

static bool all_hex(const char *s, size_t len)
{
    if (strlen(s) != len) return false;
    for (size_t i = 0; i < len; i++) if (!is_hex(s[i])) return false;
    return true;
}

static bool date_ok(int y, int mo, int d, int h, int mi, int s)
{
    return y >= 0 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h >= 0 && h < 24 &&
           mi >= 0 && mi < 60 && s >= 0 && s < 60;
}

static int two(const char *s) { return (s[0] - '0') * 10 + (s[1] - '0'); }

/* "ddmm.mmmm", "dddmm.mmmm", "-dd-mm.mmmm", or 8/9 digits without a dot
 * (dd/ddd then mmmmmm) to degrees (unsigned) */
static bool coord(const char *s, double *out)
{
    s = str_skip_blanks(s);
    if (!*s) return false;
    if (*s == '-') {                          /* -dd-mm.mmmm */
        char *e;
        double deg = strtod(s + 1, &e);
        if (e == s + 1 || *e != '-' || !(deg >= 0 && deg <= 180)) return false;
        char *e2;
        double min = strtod(e + 1, &e2);
        if (e2 == e + 1 || *e2 || !(min >= 0 && min < 60)) return false;
        *out = deg + min / 60.0;
        return true;
    }
    if (!strchr(s, '.') && str_all_digits(s, 7, 10)) {
        double v = strtod(s, NULL);
        double deg = (double)(long long)(v / 1e6);
        *out = deg + (v - deg * 1e6) / 1e4 / 60.0;
        return true;
    }
    char *e;
    double v = strtod(s, &e);
    if (e == s || *str_skip_blanks(e) || !(v >= 0 && v < 1e6)) return false;
    double deg = (double)(long long)(v / 100.0);
    *out = deg + (v - deg * 100.0) / 60.0;
    return true;
}

static bool hemi(const char *s, const char *pos_neg)
{
    return s[0] && !s[1] && (s[0] == pos_neg[0] || s[0] == pos_neg[1]);
}

/* ---------------------------------------------------------- ASCII messages */

struct h2 {
    struct trk_msg *m;
    char **f;
    int nf;
    const char *buf;      /* the copy of the frame (from offset 0) the fields are in */
};

/* a position block `valid,lat,N|S,lon,E|W,speed,course,...,DDMMYY,status`
 * whose validity field is f[i]; the time is f[i-1] when it is hhmmss */
static bool pos_block(struct h2 *x, int i)
{
    struct trk_msg *m = x->m;
    char **f = x->f;
    if (i + 4 >= x->nf || !hemi(f[i + 2], "NS") || !hemi(f[i + 4], "EW")) return false;
    double lat, lon;
    bool has_ll = coord(f[i + 1], &lat) && coord(f[i + 3], &lon);
    if (has_ll) {
        if (f[i + 2][0] == 'S') lat = -lat;
        if (f[i + 4][0] == 'W') lon = -lon;
    }
    const char *tm = i >= 4 ? f[i - 1] : "";
    int di = -1;                              /* the date: first 6-digit field after the course */
    for (int k = i + 7; k < x->nf && k <= i + 9; k++)
        if (str_all_digits(f[k], 6, 6)) { di = k; break; }
    int si = -1;                              /* the status word: 8 hex digits after the date */
    for (int k = (di >= 0 ? di : i + 6) + 1; k < x->nf; k++)
        if (all_hex(f[k], 8)) { si = k; break; }

    struct trk_record *r = NULL;
    bool zero = has_ll && lat == 0 && lon == 0 && (di < 0 || strcmp(f[di], "000000") == 0);
    if (has_ll && !zero) r = msg_add_record(m);
    if (r) {
        r->has |= TRK_R_POS | TRK_R_VALID;
        r->lat = lat;
        r->lon = lon;
        r->valid = f[i][0] == 'A';
        char *e;
        if (i + 5 < x->nf) {
            double sp = strtod(str_skip_blanks(f[i + 5]), &e);
            if (e != str_skip_blanks(f[i + 5]) && sp >= 0 && sp < 1e5) { r->has |= TRK_R_SPEED; r->speed = sp * 1.852; }
        }
        if (i + 6 < x->nf) {
            double co = strtod(str_skip_blanks(f[i + 6]), &e);
            if (e != str_skip_blanks(f[i + 6]) && co >= 0 && co <= 360) { r->has |= TRK_R_COURSE; r->course = co; }
        }
        if (di >= 0 && str_all_digits(tm, 6, 6)) {
            const char *d = f[di];
            int dd = two(d), mo = two(d + 2), yy = two(d + 4);
            int hh = two(tm), mi = two(tm + 2), ss = two(tm + 4);
            if (date_ok(yy, mo, dd, hh, mi, ss)) {
                r->has |= TRK_R_TIME;
                r->time_ms = trk_timegm(2000 + yy, mo, dd, hh, mi, ss) * 1000;
            }
        }
    }
    if (si >= 0) {
        unsigned long st = strtoul(f[si], NULL, 16);
        field_int(m, "status", (int64_t)st);
        /* negative logic: a 0 bit is an active flag */
        if (!(st & (1ul << 1)) || !(st & (1ul << 18))) field_str(m, "alarm", STR_MAX, "sos");
        else if (!(st & (1ul << 0))) field_str(m, "alarm", STR_MAX, "vibration");
        else if (!(st & (1ul << 2))) field_str(m, "alarm", STR_MAX, "overspeed");
        else if (!(st & (1ul << 19))) field_str(m, "alarm", STR_MAX, "power-cut");
        if (si + 4 < x->nf && f[si + 1][0] && f[si + 2][0]) {
            field_str(m, "mcc", STR_MAX, "%s", str_skip_blanks(f[si + 1]));
            field_str(m, "mnc", STR_MAX, "%s", str_skip_blanks(f[si + 2]));
            field_str(m, "lac", STR_MAX, "%s", str_skip_blanks(f[si + 3]));
            field_str(m, "cid", STR_MAX, "%s", str_skip_blanks(f[si + 4]));
        }
    }
    return true;
}

/* the fields from k on, joined back with commas */
static void rest_field(struct h2 *x, const char *key, int k)
{
    char buf[TXT_MAX];
    size_t o = 0;
    buf[0] = 0;
    for (int i = k; i < x->nf; i++) {
        int w = snprintf(buf + o, sizeof buf - o, "%s%s", i > k ? "," : "", x->f[i]);
        if (w < 0 || (size_t)w >= sizeof buf - o) break;
        o += (size_t)w;
    }
    if (o) field_str(x->m, key, STR_MAX, "%s", buf);
}

static void cells_field(struct h2 *x, int first, int count, int stride)
{
    char buf[1024];
    size_t o = 0;
    buf[0] = 0;
    for (int c = 0; c < count; c++) {
        int k = first + c * stride;
        if (k + stride > x->nf) break;
        int w = snprintf(buf + o, sizeof buf - o, "%s%s/%s/%s", c ? ";" : "", x->f[k], x->f[k + 1],
                         stride > 2 ? x->f[k + 2] : "");
        if (w < 0 || (size_t)w >= sizeof buf - o) break;
        o += (size_t)w;
    }
    if (o) field_str(x->m, "cells", STR_MAX, "%s", buf);
}

/* find the position block: the first validity field followed by lat,N|S,lon,E|W */
static bool find_pos(struct h2 *x, int from)
{
    for (int i = from; i + 4 < x->nf; i++)
        if (hemi(x->f[i + 2], "NS") && hemi(x->f[i + 4], "EW") && strlen(x->f[i]) <= 1)
            return pos_block(x, i);
    return false;
}

static void ascii_up(struct h2 *x, const char *cmd)
{
    struct trk_msg *m = x->m;
    char **f = x->f;
    int nf = x->nf;
    if (!strcmp(cmd, "V1") || !strcmp(cmd, "V2") || !strcmp(cmd, "V5") || !strcmp(cmd, "V6") ||
        !strcmp(cmd, "V8") || !strcmp(cmd, "V19") || !strcmp(cmd, "VI1") || !strcmp(cmd, "V0") ||
        !strcmp(cmd, "VP1")) {
        m->type = "position";
        bool got = find_pos(x, 3);
        if (!got && !strcmp(cmd, "VP1")) {       /* LBS form: V,mcc,mnc,... */
            m->type = "lbs";
            rest_field(x, "lbs", 4);
        } else if (!got && !strcmp(cmd, "V0")) {
            m->type = "heartbeat";
            rest_field(x, "data", 3);
        } else if (!got) {
            rest_field(x, "data", 3);
        }
        if (m->nrec == 0 && !strcmp(m->type, "position"))
            m->type = "status";                /* no usable fix (empty or zero coordinates) */
        return;
    }
    if (!strcmp(cmd, "V4")) {                 /* the device acknowledges a server command */
        m->type = "command-reply";
        if (nf > 3) field_str(m, "command", STR_MAX, "%s", f[3]);
        find_pos(x, 4);
        return;
    }
    if (!strcmp(cmd, "HTBT")) {
        m->type = "heartbeat";
        if (nf > 3 && str_all_digits(f[3], 1, 3)) field_int(m, "battery", str_int_clamped(f[3]));
        return;
    }
    if (!strcmp(cmd, "NBR")) {                /* time,mcc,mnc,ta,count,(lac,cid,rssi)*,date,status[,battery] */
        m->type = "lbs";
        if (nf > 7) {
            field_str(m, "mcc", STR_MAX, "%s", f[4]);
            field_str(m, "mnc", STR_MAX, "%s", f[5]);
            int cnt = str_int_clamped(f[7]);
            if (cnt < 0 || cnt > (nf - 8) / 3) cnt = (nf - 8) / 3;
            field_int(m, "cell_count", cnt);
            cells_field(x, 8, cnt, 3);
            int k = 8 + cnt * 3;
            if (k < nf && str_all_digits(f[k], 6, 6) && str_all_digits(f[3], 6, 6) &&
                date_ok(two(f[k] + 4), two(f[k] + 2), two(f[k]), two(f[3]), two(f[3] + 2), two(f[3] + 4))) {
                field_str(m, "time", STR_MAX, "20%c%c-%c%c-%c%c %c%c:%c%c:%c%c", f[k][4], f[k][5], f[k][2], f[k][3], f[k][0], f[k][1], f[3][0], f[3][1], f[3][2], f[3][3], f[3][4], f[3][5]);
            }
            if (k + 1 < nf && all_hex(f[k + 1], 8)) field_int(m, "status", (int64_t)strtoul(f[k + 1], NULL, 16));
            if (k + 2 < nf && str_all_digits(f[k + 2], 1, 3)) field_int(m, "battery", str_int_clamped(f[k + 2]));
        }
        return;
    }
    if (!strcmp(cmd, "V3")) {                 /* time,mccmnc,count,(lac,cid,?,rssi)*,..,X,date,status */
        m->type = "lbs";
        if (nf > 5) {
            field_str(m, "mcc_mnc", STR_MAX, "%s", f[4]);
            int cnt = str_int_clamped(f[5]);
            if (cnt < 0 || cnt > (nf - 6) / 4) cnt = (nf - 6) / 4;
            field_int(m, "cell_count", cnt);
            cells_field(x, 6, cnt, 4);
            if (all_hex(f[nf - 1], 8)) field_int(m, "status", (int64_t)strtoul(f[nf - 1], NULL, 16));
        }
        return;
    }
    if (!strcmp(cmd, "LINK")) {               /* time,rssi,sats,battery,steps,turnovers,date,status */
        m->type = "status";
        if (nf > 6) {
            field_int(m, "rssi", str_int_clamped(f[4]));
            field_int(m, "sats", str_int_clamped(f[5]));
            field_int(m, "battery", str_int_clamped(f[6]));
        }
        if (nf > 8) { field_int(m, "steps", str_int_clamped(f[7])); field_int(m, "turnovers", str_int_clamped(f[8])); }
        if (all_hex(f[nf - 1], 8)) field_int(m, "status", (int64_t)strtoul(f[nf - 1], NULL, 16));
        return;
    }
    if (!strcmp(cmd, "BS") || !strcmp(cmd, "BASE")) {
        m->type = "lbs";
        rest_field(x, "lbs", 3);
        return;
    }
    if (!strcmp(cmd, "XT")) {
        m->type = "info";
        rest_field(x, "data", 3);
        return;
    }
    if (!strcmp(cmd, "SMS")) {
        m->type = "command-reply";
        rest_field(x, "text", 3);
        return;
    }
    if (!cmd[0]) {                            /* `*HQ,<id>,#`: an empty keep-alive */
        m->type = "heartbeat";
        return;
    }
    m->type = "unknown";
    rest_field(x, "data", 3);
    msg_unsupported_at(m, (size_t)(cmd - x->buf), strlen(cmd), "unsupported message type %s", cmd);
}

static void ascii_down(struct h2 *x, const char *cmd)
{
    struct trk_msg *m = x->m;
    if (!strcmp(cmd, "HTBT") || (!strcmp(cmd, "V4") && x->nf > 3) || !strcmp(cmd, "R12")) {
        m->type = "ack";
        m->is_reply.set = true;
        m->is_reply.key = 0;
        m->is_reply.count = 1;
        m->is_reply.accept = true;
        if (x->nf > 3) rest_field(x, "data", 3);
        field_str(m, "command", STR_MAX, "%s", cmd);
        return;
    }
    m->type = "command";
    field_str(m, "command", STR_MAX, "%s", cmd);
    rest_field(x, "data", 3);
}

static void decode_ascii(struct trk_rd *rd, enum trk_dir d, struct trk_msg *m)
{
    char buf[TXT_MAX + 1];
    text_copy(rd, buf, sizeof buf);
    char *s = buf;
    size_t n;
    while (*s == '\r' || *s == '\n') s++;
    n = strlen(s);
    while (n && (s[n - 1] == '\r' || s[n - 1] == '\n')) s[--n] = 0;
    if (n && s[n - 1] == '#') s[--n] = 0;
    if (*s != '*') {
        m->type = "garbage";
        msg_malformed(m, "bad start byte, expected '*'");
        return;
    }
    char *f[MAXF];
    struct h2 x = {m, f, 0, buf};
    x.nf = split_inplace(s + 1, ',', f, MAXF);
    field_str(m, "maker", STR_MAX, "%s", f[0]);
    if (x.nf < 3) {
        m->type = "unknown";
        if (x.nf == 2 && f[1][0] && d == TRK_UP) msg_set_imei(m, f[1]);
        msg_malformed(m, "framing: %d fields, expected at least *XX,id,command", x.nf);
        return;
    }
    if (f[1][0]) msg_set_imei(m, f[1]);
    if (d == TRK_DOWN) ascii_down(&x, f[2]);
    else ascii_up(&x, f[2]);
}

/* ---------------------------------------------------------- binary records */

static int bcd_byte(int b) { return (b >> 4) > 9 || (b & 15) > 9 ? -1 : (b >> 4) * 10 + (b & 15); }

/* BCD time hhmmss and date ddmmyy at `at` are valid */
static bool bin_time_at(const struct trk_rd *r, size_t at)
{
    int v[6];
    for (int i = 0; i < 6; i++) {
        int b = rd_peek(r, at + (size_t)i);
        if (b < 0 || (v[i] = bcd_byte(b)) < 0) return false;
    }
    return date_ok(v[5], v[4], v[3], v[0], v[1], v[2]);
}

/* ID length of a binary record at 0 (5 or 8), 0 when neither layout fits */
static size_t bin_idlen(const struct trk_rd *r)
{
    if (bin_time_at(r, 6)) return 5;
    if (bin_time_at(r, 9)) return 8;
    return 0;
}

static void decode_binary(struct trk_rd *rd, enum trk_dir d, struct trk_msg *m)
{
    size_t n = rd->n;
    size_t idl = bin_idlen(rd);
    m->type = "position";
    if (idl == 0) idl = n == BIN_MIN8 ? 8 : 5;
    size_t need = 1 + idl + 23;
    if (n < need) {
        rd_skip(rd, need);
        return;
    }
    rd_skip(rd, 1);
    char id[20];
    size_t nd = rd_bcd(rd, idl, id, sizeof id);
    if (idl == 8 && nd > 15) id[15] = 0;
    if (id[0]) msg_set_imei(m, id);
    int t[6];
    for (int i = 0; i < 6; i++) t[i] = bcd_byte(rd_u8(rd));
    char lat[12], lon[12];
    rd_bcd(rd, 4, lat, sizeof lat);
    int batt = rd_u8(rd);
    const uint8_t *lb = rd_span(rd, 5);
    int sc[3];
    for (int i = 0; i < 3; i++) sc[i] = rd_u8(rd);
    uint32_t status = rd_be32(rd);
    if (!rd_ok(rd) || !lb) return;
    struct trk_rd lr;
    rd_init(&lr, lb, 5);
    rd_bcd(&lr, 4, lon, sizeof lon);
    int last = rd_peek(&lr, 4);
    int lon_d5 = last >> 4, flags = last & 15;
    struct trk_record *r = msg_add_record(m);
    if (r) {
        if (strlen(lat) == 8 && strlen(lon) == 8 && lon_d5 <= 9) {
            double la = (lat[0] - '0') * 10 + (lat[1] - '0') + atof(lat + 2) / 1e4 / 60.0;
            double lo = (lon[0] - '0') * 100 + (lon[1] - '0') * 10 + (lon[2] - '0') +
                        (atof(lon + 3) * 10 + lon_d5) / 1e4 / 60.0;
            r->has |= TRK_R_POS | TRK_R_VALID;
            r->lat = (flags & 4) ? la : -la;
            r->lon = (flags & 8) ? lo : -lo;
            r->valid = (flags & 2) != 0;
        }
        if (date_ok(t[5], t[4], t[3], t[0], t[1], t[2])) {
            r->has |= TRK_R_TIME;
            r->time_ms = trk_timegm(2000 + t[5], t[4], t[3], t[0], t[1], t[2]) * 1000;
        }
        int sp0 = bcd_byte(sc[0]), sp1 = sc[1] >> 4, co0 = sc[1] & 15, co1 = bcd_byte(sc[2]);
        if (sp0 >= 0 && sp1 <= 9) { r->has |= TRK_R_SPEED; r->speed = (sp0 * 10 + sp1) * 1.852; }
        if (co0 <= 9 && co1 >= 0) { r->has |= TRK_R_COURSE; r->course = co0 * 100 + co1; }
    }
    field_int(m, "battery", batt);
    field_int(m, "status", status);
    size_t k = rd_left(rd);
    if (k) {
        const uint8_t *tail = rd_span(rd, k);
        const char *h = tail ? msg_hex(m, tail, k) : NULL;
        if (h) field_str(m, "tail", STR_MAX, "%s", h);
    }
    (void)d;
}

/* ---------------------------------------------------------------- framing */

/* a frame of this protocol starts at `at`: `*XX,`, or a binary record with the
 * ID bytes of the record at 0 (so the next record of the same device) */
static bool start_at(const struct trk_rd *r, size_t at, size_t idl)
{
    int b = rd_peek(r, at);
    if (b == '*')
        return is_alpha(rd_peek(r, at + 1)) && is_alpha(rd_peek(r, at + 2)) && rd_peek(r, at + 3) == ',';
    if (b != '$' && b != 'X') return false;
    for (size_t i = 1; i <= idl; i++) {
        int c = rd_peek(r, at + i);
        if (c < 0 || c != rd_peek(r, i)) return false;
    }
    return true;
}

static long h02_frame(const uint8_t *p, size_t n, enum trk_dir d, const struct trk_state *st)
{
    struct trk_rd r;
    (void)d; (void)st;
    rd_init(&r, p, n);
    size_t lead = 0;
    while (lead < n && (rd_peek(&r, lead) == '\r' || rd_peek(&r, lead) == '\n')) lead++;
    if (lead == n) return TRK_FRAME_MORE;
    int b0 = rd_peek(&r, lead);
    if (b0 == '*') {
        for (size_t i = lead + 1; i < n; i++) {
            int c = rd_peek(&r, i);
            if (c == '#') {
                size_t e = i + 1;
                while (e < n && (rd_peek(&r, e) == '\r' || rd_peek(&r, e) == '\n')) e++;
                return (long)e;
            }
            if (i - lead > ASCII_MAX) return -(long)(lead + 1);
        }
        return TRK_FRAME_MORE;
    }
    if (b0 == '$' || b0 == 'X') {
        struct trk_rd b;
        rd_init(&b, rd_peek_span(&r, lead, n - lead), n - lead);
        size_t m = n - lead;
        if (m < 16) return TRK_FRAME_MORE;
        size_t idl = bin_idlen(&b);
        if (idl == 0) return -(long)(lead + 1);
        size_t min = idl == 5 ? BIN_MIN5 : BIN_MIN8;
        for (size_t L = min; L < m && L <= BIN_MAX; L++)
            if (start_at(&b, L, idl)) return (long)(lead + L);
        if (m == BIN_LONG) return (long)(lead + m);
        if (m > BIN_MAX) return (long)(lead + (idl == 5 ? BIN_LONG : BIN_MIN8));
        return TRK_FRAME_MORE;
    }
    /* resynchronise on the next '*' or '$' */
    for (size_t i = lead + 1; i < n; i++) {
        int c = rd_peek(&r, i);
        if (c == '*' || c == '$') return -(long)i;
    }
    return -(long)n;
}

static void h02_decode(struct trk_rd *rd, enum trk_dir d, struct trk_state *st, struct trk_msg *m)
{
    (void)st;
    m->type = "unknown";
    size_t lead = 0;
    while (rd_peek(rd, lead) == '\r' || rd_peek(rd, lead) == '\n') lead++;
    int b0 = rd_peek(rd, lead);
    if (b0 < 0) {                              /* line ends only */
        m->type = "padding";
        rd_skip(rd, rd_left(rd));
        return;
    }
    if (b0 == '*') { decode_ascii(rd, d, m); return; }
    if (b0 == '$' || b0 == 'X') {
        rd_skip(rd, lead);
        struct trk_rd b = rd_sub(rd, rd_left(rd));
        decode_binary(&b, d, m);
        if (!rd_ok(&b)) msg_truncated(m, &b);
        return;
    }
    m->type = "garbage";
    msg_malformed(m, "bad start byte 0x%02X, expected '*' or '$'", (unsigned)b0);
    rd_skip(rd, rd_left(rd));
}

static int h02_probe(const uint8_t *p, size_t n, unsigned transport)
{
    struct trk_rd r;
    rd_init(&r, p, n);
    int b0 = rd_peek(&r, 0);
    (void)transport;
    if (b0 == '*') {
        int a = rd_peek(&r, 1), b = rd_peek(&r, 2);
        if (!is_alpha(a) || !is_alpha(b) || rd_peek(&r, 3) != ',') return 0;
        size_t i = 4, digits = 0;
        while (is_digit(rd_peek(&r, i))) { i++; digits++; }
        if (rd_peek(&r, i) != ',' || digits > 16) return 5;
        size_t c = ++i, cl = 0;
        while (is_alpha(rd_peek(&r, c)) || is_digit(rd_peek(&r, c))) { c++; cl++; }
        int after = rd_peek(&r, c);
        if (cl > 5 || (after != ',' && after != '#' && after >= 0)) return 10;
        int score = 55;
        if ((a == 'H' && b == 'Q') || (a == 'h' && b == 'q') || (a == 'T' && b == 'H')) score += 15;
        if (digits == 10 || digits == 15) score += 5;
        if (cl >= 2 && is_alpha(rd_peek(&r, i))) score += 5;
        for (size_t k = c; k < n && k < ASCII_MAX; k++)
            if (rd_peek(&r, k) == '#') { score += 10; break; }
        return score > 100 ? 100 : score;
    }
    if (b0 == '$' || b0 == 'X') {
        size_t idl = bin_idlen(&r);
        if (idl == 0) return 0;
        /* BCD ID and latitude, a flag nibble on the longitude */
        for (size_t i = 1; i <= idl; i++) if (bcd_byte(rd_peek(&r, i)) < 0 && !(idl == 8 && i == idl)) return 5;
        for (size_t i = 0; i < 4; i++) if (bcd_byte(rd_peek(&r, 1 + idl + 6 + i)) < 0) return 10;
        for (size_t i = 0; i < 4; i++) if (bcd_byte(rd_peek(&r, 1 + idl + 11 + i)) < 0) return 10;
        int fl = rd_peek(&r, 1 + idl + 15);
        if (fl < 0 || (fl >> 4) > 9) return 10;
        int score = b0 == '$' ? 80 : 60;
        if (n == BIN_MIN5 || n == BIN_LONG || n == BIN_MIN8) score += 5;
        return score;
    }
    return 0;
}

static const uint16_t h02_ports[] = {5013, 0};

const struct dissector dissector_h02 = {
    .name = "h02",
    .title = "H02 (SinoTrack/HQ: *HQ,...# text and $ binary records)",
    .aliases = NULL,
    .ports = h02_ports,
    .transports = TRK_TCP | TRK_UDP,
    .probe = h02_probe,
    .frame = h02_frame,
    .decode = h02_decode,
};
