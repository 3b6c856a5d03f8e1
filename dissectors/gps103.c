/* gps103.c: the GPS103 / Coban text protocol (TK102/TK103B/TK104/TK106):
 * logon `##,imei:<IMEI>,A;` (answered `LOAD`), heartbeat `<IMEI>;` (answered
 * `ON`), and reports `imei:<IMEI>,<keyword>,<local time>,<phone>,F|L,<UTC
 * time>,A|V,lat,N|S,lon,E|W,speed(knots),course,...;` with alarms, OBD data,
 * photos and the alternative `imei:<IMEI>,<name>,---,...*` form.  The first
 * timestamp is the device's local time: the fix time is its date joined with
 * the UTC time of day, on the day that puts it within 14 hours of it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dissect.h"
#include "fieldset.h"
#include "texttok.h"

#define TXT_MAX    8192     /* longest message parsed */
#define FRAME_MAX 8192       /* longest message accepted (real ones are under 1.1 KiB) */
#define MAXF       64
#define STR_MAX (TXT_MAX - 1)   /* longest string field */

#define KEY_LOGON     1
#define KEY_HEARTBEAT 2

/* ------------------------------------------------------------------ helpers */

static bool is_digit(int c) { return c >= '0' && c <= '9'; }

static int two(const char *s) { return (s[0] - '0') * 10 + (s[1] - '0'); }

static bool date_ok(int y, int mo, int d, int h, int mi, int s)
{
    return y >= 0 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h >= 0 && h < 24 &&
           mi >= 0 && mi < 60 && s >= 0 && s < 60;
}

static bool number(const char *s, double *out)
{
    char *e;
    if (!*s) return false;
    *out = strtod(s, &e);
    return e != s && *e == 0 && *out > -1e7 && *out < 1e7;
}

/* "ddmm.mmmm" / "dddmm.mmmm" to degrees */
static bool coord(const char *s, double *out)
{
    double v;
    if (!number(s, &v) || v < 0) return false;
    double deg = (double)(long long)(v / 100.0);
    *out = deg + (v - deg * 100.0) / 60.0;
    return true;
}

/* the local timestamp YYMMDDhhmm[ss] (separators dropped) in seconds, or -1 */
static int64_t local_time(const char *s)
{
    char d[16];
    size_t k = 0;
    for (; *s && k < sizeof d - 1; s++) {
        if (is_digit(*s)) d[k++] = *s;
        else if (*s != '/' && *s != ' ' && *s != ':' && *s != '-') return -1;
    }
    d[k] = 0;
    if (k != 10 && k != 12) return -1;
    int ss = k == 12 ? two(d + 10) : 0;
    if (!date_ok(two(d), two(d + 2), two(d + 4), two(d + 6), two(d + 8), ss)) return -1;
    return trk_timegm(2000 + two(d), two(d + 2), two(d + 4), two(d + 6), two(d + 8), ss);
}

/* ---------------------------------------------------------------- messages */

struct kw { const char *word; const char *alarm; };

static const struct kw alarms[] = {
    {"help me", "sos"}, {"low battery", "low-battery"}, {"move", "movement"},
    {"speed", "overspeed"}, {"stockade", "geofence"}, {"ac alarm", "power-cut"},
    {"door alarm", "door"}, {"sensor alarm", "vibration"}, {"acc alarm", "power-cut"},
    {"bonnet alarm", "bonnet"}, {"footbrake alarm", "foot-brake"}, {"accident alarm", "accident"},
    {"DTC", "fault"}, {"oil", "fuel-leak"}, {"001", "general"},
    {NULL, NULL},
};

static const char *alarm_of(const char *kw)
{
    for (int i = 0; alarms[i].word; i++)
        if (!strcmp(kw, alarms[i].word)) return alarms[i].alarm;
    if (!strncmp(kw, "oil", 3) && (kw[3] == ' ' || is_digit(kw[3]))) return "fuel";
    return NULL;
}

/* `imei:<IMEI>,<name>,---,------,----,hhmmss,DDMMYY,?,valid,lat,lon,speed,course,alt,hdop,sats,...` */
static void alt_form(struct trk_msg *m, char **f, int nf)
{
    m->type = "position";
    field_str(m, "name", STR_MAX, "%s", f[1]);
    if (nf < 13) return;
    double lat, lon;
    if (!number(f[9], &lat) || !number(f[10], &lon)) return;
    struct trk_record *r = msg_add_record(m);
    if (!r) return;
    r->has |= TRK_R_POS | TRK_R_VALID;
    r->lat = lat;
    r->lon = lon;
    r->valid = !strcmp(f[8], "1");
    double v;
    if (number(f[11], &v)) { r->has |= TRK_R_SPEED; r->speed = v; }
    if (number(f[12], &v)) { r->has |= TRK_R_COURSE; r->course = v; }
    if (nf > 13 && number(f[13], &v)) { r->has |= TRK_R_ALT; r->alt = v; }
    if (nf > 15 && str_all_digits(f[15], 1, 2)) { r->has |= TRK_R_SATS; r->sats = (int)strtol(f[15], NULL, 10); }
    if (str_all_digits(f[5], 6, 6) && str_all_digits(f[6], 6, 6)) {
        const char *t = f[5], *d = f[6];
        if (date_ok(two(d + 4), two(d + 2), two(d), two(t), two(t + 2), two(t + 4))) {
            r->has |= TRK_R_TIME;
            r->time_ms = trk_timegm(2000 + two(d + 4), two(d + 2), two(d), two(t), two(t + 2), two(t + 4)) * 1000;
        }
    }
}

/* F: utc,A|V,lat,N|S,lon,E|W,speed,course[,alt,acc,door,fuel1,fuel2,temp] from f[5] */
static void fix(struct trk_msg *m, char **f, int nf, int64_t local)
{
    if (nf < 11) return;
    const char *la = f[7], *ns = f[8], *lo = f[9], *ew = f[10];
    if ((ns[0] == 'N' || ns[0] == 'S') && !ns[1] && (ew[0] == 'E' || ew[0] == 'W') && !ew[1]) {
        /* hemisphere after the value (the usual order) */
    } else if ((la[0] == 'N' || la[0] == 'S') && !la[1]) {   /* hemisphere first */
        const char *t = la; la = ns; ns = t;
        t = lo; lo = ew; ew = t;
    }
    double lat, lon;
    if (!coord(la, &lat) || !coord(lo, &lon)) return;
    struct trk_record *r = msg_add_record(m);
    if (!r) return;
    r->has |= TRK_R_POS | TRK_R_VALID;
    r->lat = ns[0] == 'S' ? -lat : lat;
    r->lon = ew[0] == 'W' ? -lon : lon;
    r->valid = !strcmp(f[6], "A");
    double v;
    if (nf > 11 && number(f[11], &v)) { r->has |= TRK_R_SPEED; r->speed = v * 1.852; }
    if (nf > 12 && number(f[12], &v)) { r->has |= TRK_R_COURSE; r->course = v; }
    if (nf > 13 && number(f[13], &v)) { r->has |= TRK_R_ALT; r->alt = v; }
    /* the fix time: the local date with the UTC time of day, on the nearest day */
    const char *u = f[5];
    bool utc_ok = strlen(u) >= 6 && (u[6] == 0 || u[6] == '.');
    for (int i = 0; utc_ok && i < 6; i++) utc_ok = is_digit(u[i]);
    if (local >= 0 && utc_ok && date_ok(0, 1, 1, two(u), two(u + 2), two(u + 4))) {
        int64_t day = local - (local % 86400);
        int64_t best = -1, best_diff = 0;
        for (int k = -1; k <= 1; k++) {
            int64_t c = day + k * 86400 + two(u) * 3600 + two(u + 2) * 60 + two(u + 4);
            int64_t diff = local > c ? local - c : c - local;
            if (diff <= 14 * 3600 + 1800 && (best < 0 || diff < best_diff)) { best = c; best_diff = diff; }
        }
        if (best >= 0) {
            r->has |= TRK_R_TIME;
            r->time_ms = best * 1000;
            int64_t q = local - best + 450;                     /* the device's zone, quarter hours */
            int64_t off = (q >= 0 ? q / 900 : -((-q + 899) / 900)) * 900;
            field_num(m, "tz_offset_h", (double)off / 3600.0);
        }
    } else if (local >= 0) {
        r->has |= TRK_R_TIME;                  /* no usable UTC time: the local one, as sent */
        r->time_ms = local * 1000;
        field_str(m, "time_note", STR_MAX, "local time (no UTC time of day)");
    }
    if (nf > 14 && f[14][0]) field_str(m, "acc", STR_MAX, "%s", f[14]);
    if (nf > 15 && f[15][0]) field_str(m, "door", STR_MAX, "%s", f[15]);
    if (nf > 16 && f[16][0]) field_str(m, "fuel1", STR_MAX, "%s", f[16]);
    if (nf > 17 && f[17][0]) field_str(m, "fuel2", STR_MAX, "%s", f[17]);
    if (nf > 18 && f[18][0]) field_str(m, "temp", STR_MAX, "%s", f[18]);
}

static void report(struct trk_msg *m, char *s)
{
    char *f[MAXF];
    int nf = split_inplace(s, ',', f, MAXF);
    msg_set_imei(m, f[0] + 5);
    if (nf < 2) { m->type = "status"; return; }
    const char *kw = f[1];
    field_str(m, "keyword", STR_MAX, "%s", kw);
    if (nf > 2 && !strcmp(f[2], "---")) { alt_form(m, f, nf); return; }
    if (!strcmp(kw, "OBD")) {                  /* local time,odometer,fuel,...,codes */
        m->type = "obd";
        join_field(m, "obd", f, 3, nf, STR_MAX);
        return;
    }
    if (!strcmp(kw, "vr")) {                   /* photo data as hex */
        m->type = "photo";
        if (nf > 2) field_num(m, "photo_bytes", (double)(strlen(f[2]) / 2));
        return;
    }
    const char *al = alarm_of(kw);
    if (al) field_str(m, "alarm", STR_MAX, "%s", al);
    if (!strncmp(kw, "T:", 2)) field_str(m, "temp", STR_MAX, "%s", kw + 2);
    if (!strcmp(kw, "acc on") || !strcmp(kw, "acc off")) field_str(m, "ignition", STR_MAX, "%s", kw + 4);
    m->type = al ? "alarm" : !strcmp(kw, "acc on") || !strcmp(kw, "acc off") ? "event" : "position";
    int64_t local = nf > 2 ? local_time(f[2]) : -1;
    if (nf > 3 && f[3][0]) field_str(m, !strcmp(kw, "rfid") ? "rfid" : "phone", STR_MAX, "%s", f[3]);
    if (nf > 4 && !strcmp(f[4], "F")) fix(m, f, nf, local);
    else if (nf > 4 && !strcmp(f[4], "L")) {   /* L,,,lac,,cid */
        if (nf > 9) { field_str(m, "lac", STR_MAX, "%s", f[7]); field_str(m, "cid", STR_MAX, "%s", f[9]); }
        if (!al) m->type = "lbs";
    } else if (!al) m->type = "status";
    if (m->nrec == 0 && !strcmp(m->type, "position")) m->type = "status";
}

static void decode_up(struct trk_msg *m, char *s)
{
    if (!strncmp(s, "##,", 3)) {               /* logon: ##,imei:<IMEI>,A */
        m->type = "login";
        m->want_reply.set = true;
        m->want_reply.key = KEY_LOGON;
        m->want_reply.count = 1;
        char *f[8];
        int nf = split_inplace(s, ',', f, 8);
        if (nf > 1 && !strncmp(f[1], "imei:", 5)) msg_set_imei(m, f[1] + 5);
        else msg_malformed(m, "framing: logon without imei:");
        return;
    }
    if (str_all_digits(s, 10, 20)) {               /* heartbeat: the bare IMEI */
        m->type = "heartbeat";
        msg_set_imei(m, s);
        m->want_reply.set = true;
        m->want_reply.key = KEY_HEARTBEAT;
        m->want_reply.count = 1;
        return;
    }
    char *im = strstr(s, "imei:");
    if (im) {
        for (char *q = s; q < im; q++)         /* a heartbeat run into the report */
            if (!is_digit(*q)) { im = NULL; break; }
    }
    if (!im) {
        m->type = "unknown";
        msg_unsupported(m, "unsupported message: no imei: prefix");
        return;
    }
    if (im != s) field_str(m, "heartbeat_prefix", STR_MAX, "%.*s", (int)(im - s), s);
    report(m, im);
}

static void decode_down(struct trk_msg *m, char *s)
{
    if (!strcmp(s, "LOAD") || !strcmp(s, "ON")) {
        m->type = "ack";
        m->is_reply.set = true;
        m->is_reply.key = s[0] == 'L' ? KEY_LOGON : KEY_HEARTBEAT;
        m->is_reply.count = 1;
        m->is_reply.accept = true;
        return;
    }
    m->type = "command";
    char *f[MAXF];
    int nf = split_inplace(s, ',', f, MAXF);
    if (nf > 1 && !strncmp(f[1], "imei:", 5)) msg_set_imei(m, f[1] + 5);
    if (nf > 2) field_str(m, "command", STR_MAX, "%s", f[2]);
    if (nf > 3) join_field(m, "args", f, 3, nf, STR_MAX);
}

static void gps103_decode(struct trk_rd *rd, enum trk_dir d, struct trk_state *st, struct trk_msg *m)
{
    char text[TXT_MAX + 1];
    (void)st;
    m->type = "unknown";
    text_copy(rd, text, sizeof text);
    char *s = text;
    while (*s == '\r' || *s == '\n' || *s == ' ') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\r' || s[n - 1] == '\n')) s[--n] = 0;
    if (n && (s[n - 1] == ';' || (s[n - 1] == '*' && d == TRK_UP))) s[--n] = 0;
    if (!n) { m->type = "padding"; return; }
    if (d == TRK_DOWN) decode_down(m, s);
    else decode_up(m, s);
}

/* ---------------------------------------------------------------- framing */

static long gps103_frame(const uint8_t *p, size_t n, enum trk_dir d, const struct trk_state *st)
{
    struct trk_rd r;
    (void)st;
    rd_init(&r, p, n);
    size_t lead = 0;
    while (lead < n && (rd_peek(&r, lead) == '\r' || rd_peek(&r, lead) == '\n')) lead++;
    if (lead == n) return TRK_FRAME_MORE;
    if (d == TRK_DOWN) {                       /* LOAD and ON have no terminator */
        static const char *const bare[] = {"LOAD", "ON", NULL};
        for (int i = 0; bare[i]; i++) {
            size_t k = strlen(bare[i]), j = 0;
            while (j < k && rd_peek(&r, lead + j) == bare[i][j]) j++;
            if (j == k) {
                size_t e = lead + k;
                while (e < n && (rd_peek(&r, e) == '\r' || rd_peek(&r, e) == '\n')) e++;
                return (long)e;
            }
            if (lead + j == n) return TRK_FRAME_MORE;
        }
    }
    for (size_t i = lead; i < n; i++) {
        int c = rd_peek(&r, i);
        bool end = c == ';' || c == '\n' || (c == '*' && d == TRK_UP);
        if (end) {
            size_t e = i + 1;
            while (e < n && (rd_peek(&r, e) == '\r' || rd_peek(&r, e) == '\n')) e++;
            return (long)e;
        }
        /* no end in FRAME_MAX bytes: nothing starting in the first half can end in
         * time either; skipping half keeps garbage linear */
        if (i - lead > FRAME_MAX) return -(long)(lead + FRAME_MAX / 2);
    }
    return TRK_FRAME_MORE;
}

static bool prefix_at(const struct trk_rd *r, size_t at, const char *s)
{
    for (size_t i = 0; s[i]; i++)
        if (rd_peek(r, at + i) != (unsigned char)s[i]) return false;
    return true;
}

static int gps103_probe(const uint8_t *p, size_t n, unsigned transport)
{
    struct trk_rd r;
    (void)transport;
    rd_init(&r, p, n);
    size_t at = 0;
    int bonus = 0;
    if (prefix_at(&r, 0, "##,imei:")) { at = 8; bonus = 10; }
    else {
        size_t k = 0;
        while (is_digit(rd_peek(&r, k))) k++;
        if (k >= 10 && k <= 17 && rd_peek(&r, k) == ';' && (n == k + 1 || rd_peek(&r, k + 1) == '\r' ||
                                                            rd_peek(&r, k + 1) == '\n'))
            return 50;                         /* a bare heartbeat */
        if (k == 15 && n == k) return 50;      /* a heartbeat whose ';' is not here yet */
        if (k && (k < 10 || k > 17)) return 0;
        at = k;
        if (!prefix_at(&r, at, "imei:")) return 0;
        at += 5;
    }
    size_t k = 0;
    while (is_digit(rd_peek(&r, at + k))) k++;
    if (k < 10 || k > 17 || rd_peek(&r, at + k) != ',') return 10;
    return 75 + bonus;
}

static const uint16_t gps103_ports[] = {5001, 0};
static const char *const gps103_aliases[] = {"coban", NULL};

const struct dissector dissector_gps103 = {
    .name = "gps103",
    .title = "GPS103 / Coban text protocol (imei:...;)",
    .aliases = gps103_aliases,
    .ports = gps103_ports,
    .transports = TRK_TCP | TRK_UDP,
    .probe = gps103_probe,
    .frame = gps103_frame,
    .decode = gps103_decode,
};
