/* tk103.c: the TK103 bracket protocol (generic Chinese "BP/BR" trackers):
 * `(` + device ID + 4-character command + data + `)`, in the compact form
 * `(<12-char id><cmd><data>)` and the comma form `(<id>,<cmd>,<data>)`.
 * Decodes login BP05 (answered AP05), handshake BP00 (answered AP01HSO),
 * locations BR00/BR01/BO01/BP02/BQ81, LBS and WiFi reports BZ00/DW5x,
 * battery ZC20, VIN BV00, BMS BS5x, command results ZC03, and the server's
 * answers.  There is no checksum; free text inside `$...$` may hold `)`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dissect.h"
#include "fieldset.h"
#include "texttok.h"

#define TXT_MAX    4096     /* longest message parsed */
#define FRAME_MAX  8192     /* frame() gives up looking for ')' after this */
#define MAXF       128
#define STR_MAX (TXT_MAX - 1)   /* longest string field */

/* reply keys: the number of the login/handshake command being answered */
#define KEY_BP05 5
#define KEY_BP00 0

/* ------------------------------------------------------------------ helpers */

static bool is_digit(int c) { return c >= '0' && c <= '9'; }
static bool is_upper(int c) { return c >= 'A' && c <= 'Z'; }
static bool is_alnum(int c) { return is_digit(c) || is_upper(c) || (c >= 'a' && c <= 'z'); }

static bool digits_n(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) if (!is_digit(s[i])) return false;
    return true;
}

static int two(const char *s) { return (s[0] - '0') * 10 + (s[1] - '0'); }

static bool date_ok(int y, int mo, int d, int h, int mi, int s)
{
    return y >= 0 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h >= 0 && h < 24 &&
           mi >= 0 && mi < 60 && s >= 0 && s < 60;
}

/* "ddmm.mmmm" (any number of degree digits, leading blanks) to degrees */
static bool coord(const char *s, size_t n, double *out)
{
    char tmp[24];
    if (n == 0 || n >= sizeof tmp) return false;
    memcpy(tmp, s, n);
    tmp[n] = 0;
    const char *t = str_skip_blanks(tmp);
    char *e;
    double v = strtod(t, &e);
    if (e == t || *e || !(v >= 0 && v < 1e6)) return false;
    double deg = (double)(long long)(v / 100.0);
    *out = deg + (v - deg * 100.0) / 60.0;
    return true;
}

/* a number from a fixed-width slice */
static bool num_of(const char *s, size_t n, double *out)
{
    char tmp[24];
    if (n == 0 || n >= sizeof tmp) return false;
    memcpy(tmp, s, n);
    tmp[n] = 0;
    const char *t = str_skip_blanks(tmp);
    char *e;
    *out = strtod(t, &e);
    return e != t && *e == 0 && *out > -1e7 && *out < 1e7;
}

static struct trk_record *add_time(struct trk_msg *m, struct trk_record *r, int yy, int mo, int dd,
                                   int hh, int mi, int ss)
{
    if (!date_ok(yy, mo, dd, hh, mi, ss)) return r;
    if (!r) r = msg_add_record(m);
    if (r) {
        r->has |= TRK_R_TIME;
        r->time_ms = trk_timegm(2000 + yy, mo, dd, hh, mi, ss) * 1000;
    }
    return r;
}

/* --------------------------------------------------------- compact location */

/* where a compact location block starts in s: YYMMDD then A|V then a latitude */
static const char *find_loc(const char *s)
{
    for (const char *q = s; q[0]; q++) {
        size_t left = strlen(q);
        if (left < 20) return NULL;
        if (digits_n(q, 6) && (q[6] == 'A' || q[6] == 'V') && (is_digit(q[7]) || q[7] == ' '))
            return q;
    }
    return NULL;
}

/* YYMMDD A|V lat N|S lon E|W speed(5) hhmmss course(6) [IO(8)] [L mileage] [tail] */
static bool compact_loc(struct trk_msg *m, const char *s)
{
    const char *q = find_loc(s);
    if (!q) return false;
    int yy = two(q), mo = two(q + 2), dd = two(q + 4);
    bool valid = q[6] == 'A';
    const char *la = q + 7, *ns = la;
    while (*ns && *ns != 'N' && *ns != 'S') ns++;
    if (!*ns) return false;
    const char *lo = ns + 1, *ew = lo;
    while (*ew && *ew != 'E' && *ew != 'W') ew++;
    if (!*ew) return false;
    double lat, lon;
    if (!coord(la, (size_t)(ns - la), &lat) || !coord(lo, (size_t)(ew - lo), &lon)) return false;
    struct trk_record *r = msg_add_record(m);
    if (!r) return true;
    r->has |= TRK_R_POS | TRK_R_VALID;
    r->lat = *ns == 'S' ? -lat : lat;
    r->lon = *ew == 'W' ? -lon : lon;
    r->valid = valid;
    const char *p = ew + 1;
    double v;
    if (strlen(p) >= 5 && num_of(p, 5, &v)) { r->has |= TRK_R_SPEED; r->speed = v; }
    if (strlen(p) >= 11 && digits_n(p + 5, 6)) {
        const char *t = p + 5;
        add_time(m, r, yy, mo, dd, two(t), two(t + 2), two(t + 4));
    }
    if (strlen(p) >= 17 && num_of(p + 11, 6, &v) && v >= 0 && v <= 360) { r->has |= TRK_R_COURSE; r->course = v; }
    if (strlen(p) > 17) {
        const char *rest = p + 17;
        const char *L = strchr(rest, 'L');
        if (L) {
            char io[32];
            size_t k = 0;
            for (const char *c = rest; c < L && k + 1 < sizeof io; c++) if (*c != ',') io[k++] = *c;
            io[k] = 0;
            if (k) field_str(m, "io", STR_MAX, "%s", io);
            char mil[16];
            size_t j = 0;
            const char *c = L + 1;
            while (j < 8 && c[j] && ((c[j] >= '0' && c[j] <= '9') || (c[j] >= 'A' && c[j] <= 'F') ||
                                     (c[j] >= 'a' && c[j] <= 'f'))) { mil[j] = c[j]; j++; }
            mil[j] = 0;
            if (j) field_int(m, "odometer", (int64_t)strtoul(mil, NULL, 16));
            if (c[j]) field_str(m, "tail", STR_MAX, "%s", c + j);
        } else {
            while (*rest == ',') rest++;
            if (*rest) field_str(m, "io", STR_MAX, "%s", rest);
        }
    }
    return true;
}

/* ------------------------------------------------------------ comma forms */

/* DDMMYY,A|V,lat N|S,lon E|W,speed,hhmmss,course[,alt,sats...] at f[0] */
static bool comma_loc(struct trk_msg *m, char **f, int nf)
{
    if (nf < 7 || !str_all_digits(f[0], 6, 6) || strlen(f[1]) != 1) return false;
    size_t ln = strlen(f[2]), on = strlen(f[3]);
    if (ln < 2 || on < 2) return false;
    char hs = f[2][ln - 1], he = f[3][on - 1];
    if ((hs != 'N' && hs != 'S') || (he != 'E' && he != 'W')) return false;
    double lat, lon;
    if (!coord(f[2], ln - 1, &lat) || !coord(f[3], on - 1, &lon)) return false;
    struct trk_record *r = msg_add_record(m);
    if (!r) return true;
    r->has |= TRK_R_POS | TRK_R_VALID;
    r->lat = hs == 'S' ? -lat : lat;
    r->lon = he == 'W' ? -lon : lon;
    r->valid = f[1][0] == 'A';
    double v;
    if (num_of(f[4], strlen(f[4]), &v)) { r->has |= TRK_R_SPEED; r->speed = v; }
    if (str_all_digits(f[5], 6, 6))
        add_time(m, r, two(f[0] + 4), two(f[0] + 2), two(f[0]), two(f[5]), two(f[5] + 2), two(f[5] + 4));
    if (num_of(f[6], strlen(f[6]), &v)) { r->has |= TRK_R_COURSE; r->course = v; }
    if (nf > 7 && num_of(f[7], strlen(f[7]), &v)) { r->has |= TRK_R_ALT; r->alt = v; }
    if (nf > 8 && str_all_digits(f[8], 1, 2)) { r->has |= TRK_R_SATS; r->sats = str_int_clamped(f[8]); }
    return true;
}

/* ------------------------------------------------------------------ decode */

static bool cmd_like(const char *c)
{
    return is_upper(c[0]) && is_upper(c[1]) && is_alnum(c[2]) && is_alnum(c[3]);
}

static const char *const known_cmd2[] = {
    "BP", "BR", "BO", "BZ", "BV", "BS", "BQ", "ZC", "DW", "AP", "AS", "AV", "AR", "AX", "BN", "BU", NULL,
};

static bool known_family(const char *c)
{
    for (int i = 0; known_cmd2[i]; i++)
        if (c[0] == known_cmd2[i][0] && c[1] == known_cmd2[i][1]) return true;
    return false;
}

static void want(struct trk_msg *m, uint32_t key)
{
    m->want_reply.set = true;
    m->want_reply.key = key;
    m->want_reply.count = 1;
}

static void set_alarm(struct trk_msg *m, char code)
{
    static const char *const names[] = {"power-cut", "accident", "sos", "anti-theft", "low-speed",
                                        "overspeed", "geofence", "movement"};
    if (code >= '0' && code <= '7') field_str(m, "alarm", STR_MAX, "%s", names[code - '0']);
    else field_str(m, "alarm", STR_MAX, "%c", code);
}

/* the data of an up message with command cmd; comma = comma form (f = fields after the command) */
/* cmd_at: the frame offset of the 4-character command */
static void up_msg(struct trk_msg *m, const char *cmd, size_t cmd_at, const char *data, char **f, int nf, bool comma)
{
    bool loc_cmd = !strncmp(cmd, "BR", 2) || !strcmp(cmd, "BP02") || !strncmp(cmd, "ZC1", 3) ||
                   !strcmp(cmd, "ZC07") || !strncmp(cmd, "DW3", 3) || !strcmp(cmd, "BP04");
    if (!strcmp(cmd, "BP05")) {
        m->type = "login";
        want(m, KEY_BP05);
        if (comma) comma_loc(m, f, nf);
        else {
            if (str_all_digits(data, 15, 15) || (strlen(data) >= 15 && digits_n(data, 15))) {
                char imei[16];
                memcpy(imei, data, 15);
                imei[15] = 0;
                field_str(m, "imei", STR_MAX, "%s", imei);
                compact_loc(m, data + 15);
            }
            const char *lbs = strchr(data, '{');
            if (lbs) field_str(m, "cells", STR_MAX, "%s", lbs);
        }
        return;
    }
    if (!strcmp(cmd, "BP00")) {
        m->type = "heartbeat";
        want(m, KEY_BP00);
        if (*data) field_str(m, "data", STR_MAX, "%s", data);
        return;
    }
    if (loc_cmd) {
        m->type = "position";
        bool ok = comma ? comma_loc(m, f, nf) : compact_loc(m, data);
        if (!ok && *data) field_str(m, "data", STR_MAX, "%s", data);
        return;
    }
    if (!strncmp(cmd, "BO", 2)) {             /* alarm: one digit of alarm type, then a location */
        m->type = "alarm";
        if (*data) set_alarm(m, data[0]);
        if (*data) compact_loc(m, data + 1);
        return;
    }
    if (!strcmp(cmd, "BQ81")) {               /* ,ALARM,<n>,<value>,<location>,<io> */
        m->type = "alarm";
        if (nf > 2 && !strcmp(f[0], "ALARM")) {
            int code = str_int_clamped(f[1]);
            field_str(m, "alarm", STR_MAX, "%s", code == 1 ? "overspeed" : code == 2 ? "low-power" :
                                    code == 3 ? "temperature" : code == 4 ? "hard-acceleration" :
                                    code == 5 ? "hard-braking" : "other");
            field_str(m, "alarm_value", STR_MAX, "%s", f[2]);
        }
        compact_loc(m, data);
        return;
    }
    if (!strncmp(cmd, "BQ", 2) || !strncmp(cmd, "BS", 2)) {
        m->type = "info";
        field_str(m, "data", STR_MAX, "%s", data);
        return;
    }
    if (!strcmp(cmd, "BV00")) {
        m->type = "info";
        field_str(m, "vin", STR_MAX, "%s", data);
        return;
    }
    if (!strcmp(cmd, "BZ00")) {
        m->type = "lbs";
        field_str(m, "cells", STR_MAX, "%s", *data == ',' ? data + 1 : data);
        return;
    }
    if (!strncmp(cmd, "DW5", 3)) {            /* mcc,mnc,lac,cid,[wifi count,aps...],DDMMYY,hhmmss */
        m->type = "lbs";
        join_field(m, "cells", f, 0, nf >= 2 ? nf - 2 : nf, STR_MAX);
        if (nf >= 2 && str_all_digits(f[nf - 2], 6, 6) && str_all_digits(f[nf - 1], 6, 6)) {
            const char *d = f[nf - 2], *t = f[nf - 1];
            add_time(m, NULL, two(d + 4), two(d + 2), two(d), two(t), two(t + 2), two(t + 4));
        }
        return;
    }
    if (!strcmp(cmd, "ZC20")) {               /* DDMMYY,hhmmss,level,voltage,... */
        m->type = "status";
        if (nf > 3) {
            field_int(m, "battery_level", str_int_clamped(f[2]));
            field_num(m, "battery_voltage", str_int_clamped(f[3]) / 100.0);
        }
        if (nf > 5) { field_int(m, "power", str_int_clamped(f[4])); field_int(m, "charge", str_int_clamped(f[5])); }
        return;
    }
    if (!strcmp(cmd, "ZC03")) {               /* DDMMYY,hhmmss,$text$ */
        m->type = "command-reply";
        const char *t = strchr(data, '$');
        field_str(m, "text", STR_MAX, "%s", t ? t : data);
        return;
    }
    if (known_family(cmd)) {
        m->type = "info";
        if (*data) field_str(m, "data", STR_MAX, "%s", data);
        return;
    }
    m->type = "unknown";
    if (*data) field_str(m, "data", STR_MAX, "%s", data);
    msg_unsupported_at(m, cmd_at, 4, "unsupported message type %s", cmd);
}

static void down_msg(struct trk_msg *m, const char *cmd, const char *data)
{
    field_str(m, "command", STR_MAX, "%s", cmd);
    if (!strcmp(cmd, "AP05") || !strcmp(cmd, "AP01") || !strcmp(cmd, "AS01")) {
        m->type = "ack";
        m->is_reply.set = true;
        m->is_reply.key = !strcmp(cmd, "AP05") ? KEY_BP05 : KEY_BP00;
        m->is_reply.count = 1;
        m->is_reply.accept = true;
    } else {
        m->type = "command";
    }
    if (*data) field_str(m, "data", STR_MAX, "%s", data);
}

static void tk103_decode(struct trk_rd *rd, enum trk_dir d, struct trk_state *st, struct trk_msg *m)
{
    char buf[TXT_MAX + 1];
    (void)st;
    m->type = "unknown";
    text_copy(rd, buf, sizeof buf);
    char *s = buf;
    while (*s == '\r' || *s == '\n' || *s == ' ') s++;
    if (!*s) { m->type = "padding"; return; }
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\r' || s[n - 1] == '\n')) s[--n] = 0;
    if (*s != '(') {
        m->type = "garbage";
        msg_malformed(m, "framing: bad start byte 0x%02X, expected '('", (unsigned)(unsigned char)*s);
        return;
    }
    s++;
    n--;
    if (n && s[n - 1] == ')') s[--n] = 0;

    char id[24], cmd[5];
    const char *data;
    size_t cmd_at;                        /* buf holds the frame from offset 0 */
    bool comma = false;
    const char *c1 = strchr(s, ',');
    if (c1 && c1 - s >= 1 && c1 - s <= 20 && strlen(c1 + 1) >= 4 && cmd_like(c1 + 1) &&
        (c1[5] == ',' || c1[5] == 0)) {
        comma = true;
        memcpy(id, s, (size_t)(c1 - s));
        id[c1 - s] = 0;
        memcpy(cmd, c1 + 1, 4);
        cmd[4] = 0;
        cmd_at = (size_t)(c1 + 1 - buf);
        data = c1[5] ? c1 + 6 : c1 + 5;
    } else {
        /* compact: the command follows the ID, as a rule at offset 12 */
        size_t at = 0;
        if (n >= 16 && cmd_like(s + 12) && known_family(s + 12)) at = 12;
        for (size_t k = 8; !at && k <= 16 && k + 4 <= n; k++)
            if (cmd_like(s + k) && known_family(s + k)) at = k;
        for (size_t k = 8; !at && k <= 16 && k + 4 <= n; k++)
            if (cmd_like(s + k)) at = k;
        if (!at) {
            msg_malformed(m, "framing: no device ID and 4-character command after '('");
            return;
        }
        memcpy(id, s, at);
        id[at] = 0;
        memcpy(cmd, s + at, 4);
        cmd[4] = 0;
        cmd_at = (size_t)(s + at - buf);
        data = s + at + 4;
    }
    msg_set_imei(m, id);
    field_str(m, "command_code", STR_MAX, "%s", cmd);
    char tmp[TXT_MAX + 1];
    snprintf(tmp, sizeof tmp, "%s", data);
    char *f[MAXF];
    int nf = 0;
    if (comma) nf = split_inplace(tmp, ',', f, MAXF);
    else if (*tmp == ',') nf = split_inplace(tmp + 1, ',', f, MAXF);
    if (d == TRK_DOWN) down_msg(m, cmd, data);
    else up_msg(m, cmd, cmd_at, data, f, nf, comma);
}

/* ---------------------------------------------------------------- framing */

static long tk103_frame(const uint8_t *p, size_t n, enum trk_dir d, const struct trk_state *st)
{
    struct trk_rd r;
    (void)d; (void)st;
    rd_init(&r, p, n);
    size_t lead = 0;
    while (lead < n && (rd_peek(&r, lead) == '\r' || rd_peek(&r, lead) == '\n')) lead++;
    if (lead == n) return TRK_FRAME_MORE;
    if (rd_peek(&r, lead) != '(') {
        for (size_t i = lead + 1; i < n; i++)
            if (rd_peek(&r, i) == '(') return -(long)i;
        return -(long)n;
    }
    unsigned dollars = 0;
    for (size_t i = lead + 1; i < n; i++) {
        int c = rd_peek(&r, i);
        if (c == '$') dollars++;
        else if (c == ')' && dollars % 2 == 0) {
            size_t e = i + 1;
            while (e < n && (rd_peek(&r, e) == '\r' || rd_peek(&r, e) == '\n')) e++;
            return (long)e;
        }
        if (i - lead > FRAME_MAX) return -(long)(lead + 1);
    }
    return TRK_FRAME_MORE;
}

static int tk103_probe(const uint8_t *p, size_t n, unsigned transport)
{
    struct trk_rd r;
    char s[40] = "";
    size_t k = 0;
    (void)transport;
    rd_init(&r, p, n);
    if (rd_peek(&r, 0) != '(') return 0;
    while (k + 1 < sizeof s && k + 1 < n) {
        int c = rd_peek(&r, k + 1);
        s[k++] = c > 0 && c < 0x7f ? (char)c : '?';
    }
    s[k] = 0;
    int score = 0;
    const char *c1 = strchr(s, ',');
    if (c1 && c1 - s >= 10 && c1 - s <= 16 && strlen(c1 + 1) >= 5 && cmd_like(c1 + 1) && c1[5] == ',') {
        bool digits = true;
        for (const char *q = s; q < c1; q++) if (!is_digit(*q)) digits = false;
        if (digits) score = known_family(c1 + 1) ? 75 : 55;
    } else {
        for (size_t at = 10; at <= 15 && at + 4 <= k; at++) {
            bool idok = true;
            for (size_t i = 0; i < at; i++) if (!is_alnum(s[i])) idok = false;
            if (idok && cmd_like(s + at) && known_family(s + at)) { score = at == 12 ? 75 : 65; break; }
        }
    }
    if (!score) return 0;
    for (size_t i = 1; i < n && i < FRAME_MAX; i++)
        if (rd_peek(&r, i) == ')') { score += 10; break; }
    return score;
}

static const uint16_t tk103_ports[] = {5002, 0};

const struct dissector dissector_tk103 = {
    .name = "tk103",
    .title = "TK103 bracket protocol ((<id>BP05...), (<id>,CMD,...))",
    .aliases = NULL,
    .ports = tk103_ports,
    .transports = TRK_TCP | TRK_UDP,
    .probe = tk103_probe,
    .frame = tk103_frame,
    .decode = tk103_decode,
};
