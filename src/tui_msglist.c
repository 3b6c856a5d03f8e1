/* tui_msglist.c: the messages of one device in `top`, oldest first, with the
 * server's replies interleaved: time, direction, type, status, the server's
 * verdict, and the decoded values.  The cursor stays on the newest message
 * until it is moved; Enter opens the message, Esc goes back, e jumps to the
 * next message with an error. */
#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "printers.h"
#include "tui.h"

static uint64_t selected_id;

static int rows_room(int y0) { return LINES - 1 - (y0 + 2); }   /* title and column titles above */

void tui_msglist_refresh(void)
{
    if (!T.open_dev) { T.nmlist = 0; return; }
    T.nmlist = msglog_list(&T.open_dev->msgs, T.paused ? T.pause_id : 0, &T.mlist, &T.capmlist);
    if (!T.nmlist) { T.mcursor = 0; return; }
    if (T.mfollow) { T.mcursor = T.nmlist - 1; }
    else {
        size_t i = 0;
        while (i < T.nmlist && T.mlist[i]->id < selected_id) i++;     /* ids ascend */
        T.mcursor = i < T.nmlist ? i : T.nmlist - 1;
    }
    selected_id = T.mlist[T.mcursor]->id;
}

static bool msg_has_error(const struct mlog_msg *e)
{
    return e->status != TRK_OK || (e->acked && e->ack.verdict != TRK_ACK_OK) ||
           (e->dir == TRK_DOWN && (e->ack.verdict == TRK_ACK_WRONG || e->ack.verdict == TRK_ACK_REJECTED));
}

/* the next message with an error after the cursor; false when none */
bool tui_msglist_next_error(void)
{
    for (size_t i = T.mcursor + 1; i < T.nmlist; i++)
        if (msg_has_error(T.mlist[i])) {
            T.mcursor = i;
            selected_id = T.mlist[i]->id;
            T.mfollow = false;
            return true;
        }
    for (size_t i = 0; i <= T.mcursor && i < T.nmlist; i++)
        if (msg_has_error(T.mlist[i])) {
            T.mcursor = i;
            selected_id = T.mlist[i]->id;
            T.mfollow = false;
            return true;
        }
    tui_set_status("no message with an error among the %zu kept", T.nmlist);
    return false;
}

void tui_msglist_move(long d)
{
    if (!T.nmlist) return;
    long c = (long)T.mcursor + d;
    if (c < 0) c = 0;
    if (c >= (long)T.nmlist) c = (long)T.nmlist - 1;
    T.mcursor = (size_t)c;
    T.mfollow = T.mcursor + 1 == T.nmlist;
    selected_id = T.mlist[T.mcursor]->id;
}

bool tui_msglist_key(int k)
{
    int page = rows_room(0) > 1 ? rows_room(0) - 1 : 1;
    switch (k) {
    case KEY_UP: case 'k': tui_msglist_move(-1); break;
    case KEY_DOWN: case 'j': tui_msglist_move(1); break;
    case KEY_PPAGE: tui_msglist_move(-page); break;
    case KEY_NPAGE: tui_msglist_move(page); break;
    case KEY_HOME: tui_msglist_move(-(long)T.nmlist); break;
    case KEY_END: tui_msglist_move((long)T.nmlist); break;
    case '\r': case '\n': case KEY_ENTER:
        if (T.nmlist) { T.screen = SCR_DETAIL; T.detail_scroll = 0; }
        break;
    case 27: case KEY_LEFT: case KEY_BACKSPACE: case 127:
        T.screen = SCR_DEVICES;
        break;
    case 'e': tui_msglist_next_error(); break;
    case 'w': tui_write_pcap(T.open_dev); break;
    default: return false;
    }
    return true;
}

void tui_msg_time(int64_t ns, char *buf, size_t n)
{
    time_t s = (time_t)(ns / 1000000000LL);
    struct tm tm;
    gmtime_r(&s, &tm);
    char hms[16];
    strftime(hms, sizeof hms, "%H:%M:%S", &tm);
    snprintf(buf, n, "%s.%03d", hms, (int)(ns / 1000000 % 1000));
}

/* the server's side of a message: a request's verdict, or what a reply answers */
void tui_msg_verdict(const struct mlog_msg *e, char *buf, size_t n)
{
    static const char *const v[] = {"-", "ok", "wrong", "rejected", "missing"};
    const char *name = e->ack.verdict < 5 ? v[e->ack.verdict] : "?";
    if (e->dir == TRK_UP && !e->acked) snprintf(buf, n, "-");
    else if (e->ack.verdict == TRK_ACK_MISSING || e->ack.verdict == TRK_ACK_NONE) snprintf(buf, n, "%s", name);
    else if (e->ack.latency_ns >= 10000000) snprintf(buf, n, "%s %lldms", name, (long long)(e->ack.latency_ns / 1000000));
    else snprintf(buf, n, "%s %.1fms", name, (double)e->ack.latency_ns / 1e6);
}

void tui_msglist_draw(int y0)
{
    tui_msglist_refresh();
    const struct tdev *t = T.open_dev;
    const struct device *d = t->d;
    char line[1200], tm[24], ack[32];
    snprintf(line, sizeof line, "Messages of %s (%s, port %u): %zu kept%s, %llu older not kept%s", d->id,
             d->proto ? d->proto : "-", d->port, T.nmlist, T.paused ? " (paused)" : "",
             (unsigned long long)t->msgs.evicted, T.mfollow ? "  [newest]" : "");
    tui_put_line(y0, tui_attr(R_VALUE), line);
    snprintf(line, sizeof line, "%-12s %-4s %-14s %-11s %-12s %s", "TIME (UTC)", "DIR", "TYPE", "STATUS",
             "SERVER", "DECODED");
    tui_put_line(y0 + 1, tui_attr(R_TITLE), line);
    int room = rows_room(y0);
    if (room < 1) room = 1;
    if (T.mcursor < T.mtop) T.mtop = T.mcursor;
    if (T.mcursor >= T.mtop + (size_t)room) T.mtop = T.mcursor - (size_t)room + 1;
    if (T.mtop + (size_t)room > T.nmlist) T.mtop = T.nmlist > (size_t)room ? T.nmlist - (size_t)room : 0;
    if (!T.nmlist) tui_put(y0 + 2, 1, tui_attr(R_VALUE), "no message kept for this device");
    for (int k = 0; k < room && T.mtop + (size_t)k < T.nmlist; k++) {
        size_t i = T.mtop + (size_t)k;
        const struct mlog_msg *e = T.mlist[i];
        tui_msg_time(e->ts_ns, tm, sizeof tm);
        tui_msg_verdict(e, ack, sizeof ack);
        static struct sbuf sum;
        sb_reset(&sum);
        msglog_summary(e, &sum);
        snprintf(line, sizeof line, "%-12s %-4s %-14.14s %-11s %-12s %s", tm, e->dir == TRK_UP ? "up" : "down",
                 e->type, status_name((enum trk_status)e->status), ack, sum.p ? sum.p : "");
        int role = i == T.mcursor ? R_CURSOR : e->status != TRK_OK ? R_ERROR : e->dir == TRK_DOWN ? R_DOWN : R_NORMAL;
        if (i == T.mcursor) tui_put_line(y0 + 2 + k, tui_attr(role), line);
        else tui_put(y0 + 2 + k, 0, tui_attr(role), line);
    }
    static const char *const keys[] = {"Enter", "Decode", "Esc", "Back", "e", "NextError", "w", "Pcap",
                                       "r", "Findings", "Z", "Pause", "F1", "Help", "F10", "Quit", NULL, NULL};
    tui_fkeys(keys);
}
