/* tui_msgview.c: one message in `top`: where and when, the status and the
 * exact problem, the server's verdict, the decoded fields and records, then
 * the raw bytes as a hex dump with the problem's bytes (as the dissector
 * named them) highlighted.  Up/Down scroll, e jumps to the next message with
 * an error, Esc goes back to the list. */
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "printers.h"
#include "tui.h"

/* ---- the lines of the view ---- */

struct vline { char text[300]; int role; long hex_off; };
static struct vline *lines;
static size_t nlines, caplines;
static size_t hl_from, hl_len;
static bool hl;

static void add(int role, long hex_off, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void add(int role, long hex_off, const char *fmt, ...)
{
    if (nlines == caplines) {
        size_t c = caplines ? caplines * 2 : 128;
        struct vline *v = realloc(lines, c * sizeof *v);
        if (!v) return;
        lines = v;
        caplines = c;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(lines[nlines].text, sizeof lines[nlines].text, fmt, ap);
    va_end(ap);
    lines[nlines].role = role;
    lines[nlines].hex_off = hex_off;
    nlines++;
}

/* long text in lines of the screen's width */
static void add_wrapped(int role, const char *prefix, const char *s, size_t len)
{
    int w = COLS - (int)strlen(prefix) - 1;
    if (w < 20) w = 20;
    do {
        size_t k = len > (size_t)w ? (size_t)w : len;
        add(role, -1, "%s%.*s", prefix, (int)k, s);
        s += k;
        len -= k;
    } while (len);
}

static void build(const struct mlog_msg *e)
{
    char a[64], b[64], ts[40], v[64];
    nlines = 0;
    fmt_ts_us(e->ts_ns, ts, sizeof ts);
    const struct endpoint *from = e->dir == TRK_UP ? &e->cli : &e->srv, *to = e->dir == TRK_UP ? &e->srv : &e->cli;
    endpoint_str(from, a, sizeof a);
    endpoint_str(to, b, sizeof b);
    add(R_VALUE, -1, "%s  %s > %s  %s  %s  %s", ts, a, b, e->transport == TRK_UDP ? "udp" : "tcp",
        e->proto ? e->proto : "-", e->imei[0] ? e->imei : "-");
    add(R_NORMAL, -1, "%s %s, message %u of connection %llu, status %s", e->dir == TRK_UP ? "up" : "down", e->type,
        e->seq, (unsigned long long)e->conn_id, status_name((enum trk_status)e->status));
    if (e->status != TRK_OK) add_wrapped(R_ERROR, "problem: ", e->problem, strlen(e->problem));
    tui_msg_verdict(e, v, sizeof v);
    if (e->dir == TRK_UP && e->acked)
        add(e->ack.verdict == TRK_ACK_OK ? R_NORMAL : R_ERROR, -1, "server: %s%s%s", v, e->ack.detail[0] ? ": " : "",
            e->ack.detail);
    else if (e->dir == TRK_UP)
        add(R_NORMAL, -1, "server: no verdict (no reply asked for, or not yet)");
    else if (e->ack.verdict != TRK_ACK_NONE)
        add(e->ack.verdict == TRK_ACK_OK ? R_DOWN : R_ERROR, -1, "answers message %u (%s): %s%s%s", e->ack.req_seq,
            e->ack.req_type ? e->ack.req_type : "?", v, e->ack.detail[0] ? ": " : "", e->ack.detail);
    add(R_NORMAL, -1, "%s", "");
    add(R_TITLE, -1, "%s", "decoded");
    static struct sbuf det;
    sb_reset(&det);
    msglog_detail(e, &det);
    if (!det.len) add(R_NORMAL, -1, "%s", "  (no fields)");
    for (const char *s = det.p ? det.p : ""; *s;) {
        const char *nl = strchr(s, '\n');
        size_t k = nl ? (size_t)(nl - s) : strlen(s);
        add_wrapped(R_NORMAL, "  ", s, k);
        s += k + (nl ? 1 : 0);
    }
    add(R_NORMAL, -1, "%s", "");
    /* the problem's bytes, as the dissector that found it named them */
    hl = e->status != TRK_OK && e->has_problem_span && e->problem_len > 0 && e->problem_off < e->rawlen;
    hl_from = hl ? e->problem_off : 0;
    hl_len = hl ? (e->problem_len < e->rawlen - e->problem_off ? e->problem_len : e->rawlen - e->problem_off) : 0;
    if (hl)
        add(R_TITLE, -1, "raw: %zu bytes; the problem's bytes (offset %zu to %zu) highlighted", e->rawlen, hl_from,
            hl_from + hl_len - 1);
    else if (e->status != TRK_OK)
        add(R_TITLE, -1, "raw: %zu bytes; the problem names no byte range", e->rawlen);
    else
        add(R_TITLE, -1, "raw: %zu bytes", e->rawlen);
    for (size_t off = 0; off < e->rawkept; off += 16) add(R_NORMAL, (long)off, "%s", "");
    if (e->rawkept < e->rawlen) add(R_NORMAL, -1, "  ... %zu more bytes not kept", e->rawlen - e->rawkept);
}

static void draw_hex(int y, const struct mlog_msg *e, size_t off)
{
    char buf[32];
    size_t n = e->rawkept - off < 16 ? e->rawkept - off : 16;
    snprintf(buf, sizeof buf, "%04zx  ", off & 0xffff);
    tui_put(y, 0, tui_attr(R_LABEL), buf);
    for (size_t i = 0; i < n; i++) {
        size_t at = off + i;
        bool h = hl && at >= hl_from && at < hl_from + hl_len;
        snprintf(buf, sizeof buf, "%02x", e->raw[at]);
        int x = 6 + (int)i * 3 + (i >= 8);
        tui_put(y, x, tui_attr(h ? R_HILITE : R_NORMAL), buf);
        char c[2] = {(char)(e->raw[at] >= 0x20 && e->raw[at] < 0x7f ? e->raw[at] : '.'), 0};
        tui_put(y, 6 + 16 * 3 + 2 + (int)i, tui_attr(h ? R_HILITE : R_NORMAL), c);
    }
}

static const struct mlog_msg *current(void)
{
    tui_msglist_refresh();
    return T.nmlist && T.mcursor < T.nmlist ? T.mlist[T.mcursor] : NULL;
}

static int room(int y0) { return LINES - 1 - y0; }

bool tui_msgview_key(int k)
{
    int page = LINES > 10 ? LINES - 8 : 1;
    switch (k) {
    case KEY_UP: case 'k': if (T.detail_scroll > 0) T.detail_scroll--; break;
    case KEY_DOWN: case 'j': T.detail_scroll++; break;
    case KEY_PPAGE: T.detail_scroll = T.detail_scroll > page ? T.detail_scroll - page : 0; break;
    case KEY_NPAGE: T.detail_scroll += page; break;
    case KEY_HOME: T.detail_scroll = 0; break;
    case 27: case KEY_LEFT: case KEY_BACKSPACE: case 127: T.screen = SCR_MESSAGES; break;
    case 'e': tui_msglist_refresh(); if (tui_msglist_next_error()) T.detail_scroll = 0; break;
    case ']': tui_msglist_refresh(); tui_msglist_move(1); T.detail_scroll = 0; break;
    case '[': tui_msglist_refresh(); tui_msglist_move(-1); T.detail_scroll = 0; break;
    case 'w': tui_write_pcap(T.open_dev); break;
    default: return false;
    }
    return true;
}

void tui_msgview_draw(int y0)
{
    const struct mlog_msg *e = current();
    if (!e) { T.screen = SCR_MESSAGES; tui_msglist_draw(y0); return; }
    build(e);
    int r = room(y0);
    if (T.detail_scroll > (int)nlines - r) T.detail_scroll = (int)nlines - r > 0 ? (int)nlines - r : 0;
    for (int k = 0; k < r && (size_t)T.detail_scroll + (size_t)k < nlines; k++) {
        const struct vline *l = &lines[T.detail_scroll + k];
        if (l->hex_off >= 0) draw_hex(y0 + k, e, (size_t)l->hex_off);
        else if (l->role == R_TITLE) tui_put_line(y0 + k, tui_attr(R_TITLE), l->text);
        else tui_put(y0 + k, 0, tui_attr(l->role), l->text);
    }
    static const char *const keys[] = {"Esc", "Back", "Up/Dn", "Scroll", "[ ]", "Prev/Next", "e", "NextError",
                                       "w", "Pcap", "F1", "Help", "F10", "Quit", NULL, NULL};
    tui_fkeys(keys);
}
