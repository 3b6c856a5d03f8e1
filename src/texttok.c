/* texttok.c: token helpers of the text protocols (see texttok.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fieldset.h"
#include "rd.h"
#include "texttok.h"

size_t tok_split(const char *s, size_t n, char sep, struct tok *t, size_t max)
{
    size_t k = 0, start = 0;
    if (max == 0) return 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == sep) {
            if (k < max) { t[k].s = s + start; t[k].n = i - start; k++; }
            start = i + 1;
        }
    }
    return k;
}

size_t tok_split_all(struct tok in, char sep, struct tok *out, size_t max)
{
    size_t k = 0, start = 0;
    for (size_t i = 0; i <= in.n; i++) {
        if (i == in.n || in.s[i] == sep) {
            if (k < max) { out[k].s = in.s + start; out[k].n = i - start; }
            k++;
            start = i + 1;
        }
    }
    return k;
}

bool tok_decimal(struct tok t, double limit, double *v)
{
    size_t i = 0;
    bool neg = false, digits = false;
    double x = 0, scale = 1;
    if (i < t.n && (t.s[i] == '-' || t.s[i] == '+')) neg = t.s[i++] == '-';
    for (; i < t.n && t.s[i] >= '0' && t.s[i] <= '9'; i++) { x = x * 10 + (t.s[i] - '0'); digits = true; }
    if (i < t.n && t.s[i] == '.') {
        for (i++; i < t.n && t.s[i] >= '0' && t.s[i] <= '9'; i++) {
            scale /= 10;
            x += (t.s[i] - '0') * scale;
            digits = true;
        }
    }
    if (!digits || i != t.n || x > limit) return false;
    *v = neg ? -x : x;
    return true;
}

bool tok_num(struct tok t, double *v)
{
    char b[40];
    char *e;
    if (t.n == 0 || t.n >= sizeof b) return false;
    memcpy(b, t.s, t.n);
    b[t.n] = 0;
    *v = strtod(b, &e);
    /* a number a field can hold: finite, and in range of the int casts made of it */
    return e == b + t.n && isfinite(*v) && fabs(*v) < 2e9;
}

bool tok_hex(struct tok t, unsigned long long *v)
{
    char b[24];
    char *e;
    if (t.n == 0 || t.n > 16) return false;
    memcpy(b, t.s, t.n);
    b[t.n] = 0;
    for (size_t i = 0; i < t.n; i++)
        if (!((b[i] >= '0' && b[i] <= '9') || (b[i] >= 'a' && b[i] <= 'f') || (b[i] >= 'A' && b[i] <= 'F'))) return false;
    *v = strtoull(b, &e, 16);
    return e == b + t.n;
}

bool tok_digits(struct tok t, size_t want, int *out)
{
    int v = 0;
    if (t.n < want) return false;
    for (size_t i = 0; i < want; i++) {
        if (t.s[i] < '0' || t.s[i] > '9') return false;
        v = v * 10 + (t.s[i] - '0');
    }
    *out = v;
    return true;
}

bool tok_printable(struct tok t)
{
    for (size_t i = 0; i < t.n; i++)
        if ((unsigned char)t.s[i] < 0x20 || (unsigned char)t.s[i] >= 0x7f) return false;
    return true;
}

bool tok_is(struct tok t, const char *s)
{
    return t.n == strlen(s) && memcmp(t.s, s, t.n) == 0;
}

bool tok_all_digits(struct tok t)
{
    if (!t.n) return false;
    for (size_t i = 0; i < t.n; i++) if (t.s[i] < '0' || t.s[i] > '9') return false;
    return true;
}

bool tok_dec(struct tok t, double *v, bool need_dot)
{
    char b[40];
    bool dot = false, dig = false;
    if (!t.n || t.n >= sizeof b) return false;
    for (size_t i = 0; i < t.n; i++) {
        char c = t.s[i];
        if (c >= '0' && c <= '9') dig = true;
        else if (c == '.' && !dot) dot = true;
        else if ((c == '-' || c == '+') && i == 0) continue;
        else return false;
    }
    if (!dig || (need_dot && !dot)) return false;
    memcpy(b, t.s, t.n);
    b[t.n] = 0;
    *v = strtod(b, NULL);
    return true;
}

int split_inplace(char *s, char sep, char **f, int maxf)
{
    int n = 0;
    f[n++] = s;
    for (char *q = s; *q && n < maxf; q++)
        if (*q == sep) { *q = 0; f[n++] = q + 1; }
    return n;
}

void tok_field(struct trk_msg *m, const char *key, struct tok t, size_t max, unsigned flags)
{
    field_text(m, key, (const uint8_t *)t.s, t.n, max, flags);
}

size_t text_copy(struct trk_rd *rd, char *buf, size_t sz)
{
    size_t o = 0;
    while (rd_left(rd) && o + 1 < sz) {
        unsigned b = rd_u8(rd);
        buf[o++] = b ? (char)b : '.';
    }
    rd_skip(rd, rd_left(rd));
    buf[o] = 0;
    return o;
}

bool str_all_digits(const char *s, size_t lo, size_t hi)
{
    size_t n = strlen(s);
    if (n < lo || n > hi) return false;
    for (size_t i = 0; i < n; i++) if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

const char *str_skip_blanks(const char *s)
{
    while (*s == ' ') s++;
    return s;
}

int str_int_clamped(const char *s)
{
    long v = strtol(s, NULL, 10);
    return v > 1000000000L ? 1000000000 : v < -1000000000L ? -1000000000 : (int)v;
}

void join_field(struct trk_msg *m, const char *key, char **f, int from, int nf, size_t max)
{
    char buf[FIELD_STR_MAX + 1];
    size_t o = 0, sz = (max < FIELD_STR_MAX ? max : FIELD_STR_MAX) + 1;
    buf[0] = 0;
    for (int i = from; i < nf; i++) {
        int w = snprintf(buf + o, sz - o, "%s%s", i > from ? "," : "", f[i]);
        if (w < 0 || (size_t)w >= sz - o) break;
        o += (size_t)w;
    }
    if (o) field_str(m, key, max, "%s", buf);
}
