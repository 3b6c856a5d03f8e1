/* print_time.c: capture times as the printers write them: RFC 3339 in UTC
 * (2026-11-23T20:24:40.997148Z), or with --localtime in the local time zone
 * with its offset (2026-11-23T21:24:40.997148+01:00). */
#include <stdlib.h>
#include <time.h>

#include "printers.h"

static bool local;

void print_localtime(bool on) { local = on; }

void fmt_capture_time(int64_t ns, char *buf, size_t n)
{
    int64_t s = ns / 1000000000LL, frac = ns % 1000000000LL;
    if (frac < 0) { frac += 1000000000LL; s--; }
    time_t t = (time_t)s;
    struct tm tm;
    if (!local || !localtime_r(&t, &tm)) { fmt_ts_us(ns, buf, n); return; }
    long off = tm.tm_gmtoff;
    char sign = off < 0 ? '-' : '+';
    off = labs(off);
    snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d.%06lld%c%02ld:%02ld", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (long long)(frac / 1000), sign, off / 3600,
             off % 3600 / 60);
}
