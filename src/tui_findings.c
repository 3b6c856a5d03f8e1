/* tui_findings.c: the diagnosis in `top`: diagnose() rerun every few seconds
 * (the header shows the most severe finding) and, on r, the findings panel:
 * the text report of `trackdump report` for what has been captured so far,
 * coloured by severity.  Esc, q or r close it. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "session.h"
#include "tui.h"

#define DIAG_MIN_NS (2LL * 1000000000LL)

static char *text;           /* the report, lines separated by \n */
static size_t text_len;
static const char **lines;
static size_t nlines, caplines;

static void render(void)
{
    free(text);
    text = NULL;
    text_len = 0;
    nlines = 0;
    FILE *f = open_memstream(&text, &text_len);
    if (!f) return;
    report_document(f, &T.diag, REPORT_TEXT);
    fclose(f);
    for (char *s = text; s && *s;) {
        if (nlines == caplines) {
            size_t c = caplines ? caplines * 2 : 256;
            const char **v = realloc(lines, c * sizeof *v);
            if (!v) return;
            lines = v;
            caplines = c;
        }
        lines[nlines++] = s;
        char *nl = strchr(s, '\n');
        if (!nl) break;
        *nl = 0;
        s = nl + 1;
    }
}

void tui_findings_update(bool force)
{
    int64_t w = tui_wall_ns();
    /* diagnose is O(n log n): at most every 2 s, and never more than 5% of the time */
    int64_t period = T.diag_cost * 20 > DIAG_MIN_NS ? T.diag_cost * 20 : DIAG_MIN_NS;
    static bool was_at_end;
    if (T.at_end && !was_at_end) force = true;     /* the whole file: diagnose it now */
    was_at_end = T.at_end;
    if (!force && T.have_diag && w - T.diag_at < period) return;
    if (T.paused && T.have_diag && !force) return;
    struct capture_info ci = {0};
    struct capture_stats cs;
    struct flows_stats fs;
    struct session_stats ss;
    capture_get_stats(T.pl->cap, &cs);
    flows_get_stats(&fs);
    session_get_stats(&ss);
    ci.source = T.source;
    ci.live = T.live;
    ci.first_ns = T.pl->first_ns;
    ci.last_ns = T.live ? T.now_ns : T.pl->last_ns;
    ci.packets = cs.read;
    ci.have_drops = cs.have_kernel;
    ci.kernel_drops = cs.drop;
    ci.if_drops = cs.ifdrop;
    ci.conns = fs.tcp_conns;
    ci.udp_flows = fs.udp_flows;
    memcpy(ci.msgs, ss.msgs, sizeof ci.msgs);
    ci.unanswered = ss.unanswered;
    if (T.have_diag) diagnosis_free(&T.diag);
    diagnose(&T.diag, &ci, T.expect);
    T.have_diag = true;
    T.diag_at = tui_wall_ns();
    T.diag_cost = T.diag_at - w;
    if (T.screen == SCR_FINDINGS) render();
    T.need_draw = true;
}

bool tui_findings_key(int k)
{
    int page = LINES > 10 ? LINES - 8 : 1;
    switch (k) {
    case KEY_UP: case 'k': if (T.findings_scroll > 0) T.findings_scroll--; break;
    case KEY_DOWN: case 'j': T.findings_scroll++; break;
    case KEY_PPAGE: T.findings_scroll = T.findings_scroll > page ? T.findings_scroll - page : 0; break;
    case KEY_NPAGE: case ' ': T.findings_scroll += page; break;
    case KEY_HOME: T.findings_scroll = 0; break;
    case 27: case 'q': case 'r': T.screen = T.back_screen; break;
    default: return false;
    }
    return true;
}

static int role_of(const char *s)
{
    if (strncmp(s, "critical ", 9) == 0) return R_CRIT;
    if (strncmp(s, "warning ", 8) == 0) return R_WARN;
    if (strncmp(s, "info ", 5) == 0) return R_INFO;
    if (s[0] && s[0] != ' ') return R_VALUE;
    return R_NORMAL;
}

void tui_findings_draw(int y0)
{
    if (!text) render();
    int room = LINES - 1 - y0;
    /* long lines continue on the next rows */
    int w = COLS > 10 ? COLS : 10, y = y0, skip = T.findings_scroll, total = 0;
    for (size_t i = 0; i < nlines; i++) {
        size_t len = strlen(lines[i]);
        int rows = len ? (int)((len + (size_t)w - 1) / (size_t)w) : 1;
        total += rows;
        for (int r = 0; r < rows; r++) {
            if (skip > 0) { skip--; continue; }
            if (y >= y0 + room) continue;
            char part[1024];
            size_t off = (size_t)r * (size_t)w;
            snprintf(part, sizeof part, "%.*s", w, len > off ? lines[i] + off : "");
            tui_put(y++, 0, tui_attr(role_of(lines[i])), part);
        }
    }
    if (T.findings_scroll > total - room) T.findings_scroll = total - room > 0 ? total - room : 0;
    static const char *const keys[] = {"Esc", "Close", "Up/Dn", "Scroll", "F10", "Quit", NULL, NULL};
    tui_fkeys(keys);
}
