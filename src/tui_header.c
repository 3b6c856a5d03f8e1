/* tui_header.c: the meters at the top of every screen of `top`: the source and
 * filter, packets and bytes per second, connections open, devices by state
 * (and never seen, with --expect), messages per second by status, kernel
 * drops, the fleet's median clock offset and the most severe finding. */
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "session.h"
#include "tui.h"

static struct { int64_t at; uint64_t packets, bytes, msgs[4]; } prev;

void tui_header_rates(int64_t wall_ns)
{
    struct capture_stats cs;
    struct session_stats ss;
    struct flows_stats fs;
    capture_get_stats(T.pl->cap, &cs);
    session_get_stats(&ss);
    flows_get_stats(&fs);
    T.conns_open = fs.live_now;
    T.have_drops = cs.have_kernel;
    T.kernel_drops = cs.drop;
    T.if_drops = cs.ifdrop;
    if (prev.at) {
        double s = (double)(wall_ns - prev.at) / 1e9;
        if (s > 0) {
            T.pps = (double)(cs.read - prev.packets) / s;
            T.bps = (double)(T.bytes - prev.bytes) / s;
            for (int i = 0; i < 4; i++) T.mps[i] = (double)(ss.msgs[i] - prev.msgs[i]) / s;
        }
    }
    prev.at = wall_ns;
    prev.packets = cs.read;
    prev.bytes = T.bytes;
    memcpy(prev.msgs, ss.msgs, sizeof prev.msgs);
}

static void fmt_rate(double v, char *buf, size_t n)
{
    if (v >= 1e9) snprintf(buf, n, "%.1fG", v / 1e9);
    else if (v >= 1e6) snprintf(buf, n, "%.1fM", v / 1e6);
    else if (v >= 1e4) snprintf(buf, n, "%.1fk", v / 1e3);
    else snprintf(buf, n, "%.0f", v);
}

/* label in one colour, value in another, advancing x */
static void lv(int y, int *x, const char *label, int role, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void lv(int y, int *x, const char *label, int role, const char *fmt, ...)
{
    char v[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v, sizeof v, fmt, ap);
    va_end(ap);
    tui_put(y, *x, tui_attr(R_LABEL), label);
    *x += (int)strlen(label);
    tui_put(y, *x, tui_attr((enum tui_role)role), v);
    *x += (int)strlen(v);
}

int tui_header_draw(void)
{
    int y = 0, x = 0;
    char a[32], b[32];
    /* source */
    const char *how = T.live ? "live" : T.at_end ? "end of file" : "replaying";
    lv(y, &x, "trackdump top  ", R_VALUE, "%s %s", T.live ? "-i" : "-r", T.source);
    lv(y, &x, " (", R_VALUE, "%s", how);
    tui_put(y, x++, tui_attr(R_LABEL), ")");
    lv(y, &x, "  capture filter: ", R_VALUE, "%s", T.user_filter && *T.user_filter ? T.user_filter : "tracker ports");
    if (T.paused) { x += 2; tui_put(y, x, tui_attr(R_BAD), "PAUSED"); x += 6; }
    if (T.follow) lv(y, &x, "  following ", R_VALUE, "%s", T.follow->d->id);
    /* traffic */
    y++, x = 0;
    fmt_rate(T.pps, a, sizeof a);
    fmt_rate(T.bps, b, sizeof b);
    lv(y, &x, "packets/s ", R_VALUE, "%s", a);
    lv(y, &x, "  bytes/s ", R_VALUE, "%s", b);
    lv(y, &x, "  connections open ", R_VALUE, "%zu", T.conns_open);
    if (T.have_drops)
        lv(y, &x, "  kernel drops ", T.kernel_drops || T.if_drops ? R_ERROR : R_VALUE, "%llu (interface %llu)",
           (unsigned long long)T.kernel_drops, (unsigned long long)T.if_drops);
    else
        lv(y, &x, "  kernel drops ", R_VALUE, "n/a (file)");
    /* devices */
    y++, x = 0;
    lv(y, &x, "devices ", R_VALUE, "%zu", T.nsnap);
    lv(y, &x, ": online ", R_ONLINE, "%zu", T.count[ST_ONLINE]);
    lv(y, &x, "  silent ", T.count[ST_SILENT] ? R_SILENT : R_VALUE, "%zu", T.count[ST_SILENT]);
    lv(y, &x, "  closed ", R_VALUE, "%zu", T.count[ST_CLOSED]);
    lv(y, &x, "  rejected ", T.count[ST_REJECTED] ? R_REJECTED : R_VALUE, "%zu", T.count[ST_REJECTED]);
    if (T.expect) lv(y, &x, "  never seen ", T.never_seen ? R_SILENT : R_VALUE, "%zu", T.never_seen);
    lv(y, &x, "  with errors ", T.with_errors ? R_ERROR : R_VALUE, "%zu", T.with_errors);
    if (T.has_fleet_offset) {
        struct trow r = {.has_off = true, .offset_ms = T.fleet_offset_ms};
        tui_cell(&r, COL_OFFSET, a, sizeof a);
        lv(y, &x, "  median clock offset ", R_VALUE, "%s", a);
    } else {
        lv(y, &x, "  median clock offset ", R_VALUE, "-");
    }
    /* messages */
    y++, x = 0;
    struct session_stats ss;
    session_get_stats(&ss);
    lv(y, &x, "messages/s ok ", R_VALUE, "%.1f", T.mps[TRK_OK]);
    lv(y, &x, "  malformed ", T.mps[TRK_MALFORMED] > 0 ? R_ERROR : R_VALUE, "%.1f", T.mps[TRK_MALFORMED]);
    lv(y, &x, "  unsupported ", T.mps[TRK_UNSUPPORTED] > 0 ? R_ERROR : R_VALUE, "%.1f", T.mps[TRK_UNSUPPORTED]);
    lv(y, &x, "  unknown ", R_VALUE, "%.1f", T.mps[TRK_UNKNOWN]);
    lv(y, &x, "   total ", R_VALUE, "%llu ok, %llu malformed, %llu unsupported, %llu unknown",
       (unsigned long long)ss.msgs[TRK_OK], (unsigned long long)ss.msgs[TRK_MALFORMED],
       (unsigned long long)ss.msgs[TRK_UNSUPPORTED], (unsigned long long)ss.msgs[TRK_UNKNOWN]);
    /* the worst finding */
    y++, x = 0;
    if (T.have_diag && T.worst_sev >= 0) {
        int role = T.worst_sev == SEV_CRITICAL ? R_CRIT : T.worst_sev == SEV_WARNING ? R_WARN : R_INFO;
        lv(y, &x, "worst finding ", role, "%s", T.worst);
    } else {
        lv(y, &x, "worst finding ", R_VALUE, "%s", T.have_diag ? "none" : "-");
    }
    return y + 1;
}
