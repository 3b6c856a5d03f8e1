/* tui_app.c: the loop of `top`, run from the pipeline's tick: reads the keys
 * (global ones here, the rest to the screen in front), refreshes the model
 * once a second (less often when that would take more than 5 % of the time;
 * not while paused) in steps of at most 12 ms, and redraws at most 10 times
 * in any second. */
#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tui.h"

#define SNAPSHOT_NS 1000000000LL
#define DRAWS_PER_S 10
#define KEYS_GAP_NS 5000000LL
#define STEP_NS 12000000LL          /* the most a tick spends on a snapshot */
#define WARM_NS 4000000LL           /* ... and on making rows' texts ahead, */
#define WARM_EVERY_NS 50000000LL    /* ... once in this time */

int64_t tui_wall_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void open_panel(int screen)
{
    if (T.screen != SCR_HELP && T.screen != SCR_FINDINGS) T.back_screen = T.screen;
    T.screen = screen;
    if (screen == SCR_HELP) T.help_scroll = 0;
    if (screen == SCR_FINDINGS) { T.findings_scroll = 0; tui_findings_update(true); }
}

static void toggle_pause(void)
{
    T.paused = !T.paused;
    if (T.paused) T.pause_id = msglog_last_id();
    else { T.pause_id = 0; tui_model_snapshot(); }
}

static void key(int k)
{
    T.need_draw = true;
    if (k == KEY_RESIZE) return;
    if (T.need_arrange && !T.filtering) tui_model_arrange();  /* keys typed fast act on the rows the screen will show */
    if (T.line_kind != LINE_NONE && tui_line_key(k)) return;
    if (k == KEY_F(10)) { T.quit = true; return; }
    if (k == 12) { clearok(curscr, TRUE); return; }                 /* ^L */
    if (T.screen == SCR_HELP) { tui_help_key(k); return; }
    if (T.screen == SCR_FINDINGS) { tui_findings_key(k); return; }
    switch (k) {
    case 'q': T.quit = true; return;
    case '?': case 'h': case KEY_F(1): open_panel(SCR_HELP); return;
    case 'r': open_panel(SCR_FINDINGS); return;
    case 'Z': case ' ': toggle_pause(); return;
    default: break;
    }
    switch (T.screen) {
    case SCR_DEVICES: tui_devices_key(k); break;
    case SCR_MESSAGES: tui_msglist_key(k); break;
    case SCR_DETAIL: tui_msgview_key(k); break;
    default: break;
    }
}

void tui_draw(void)
{
    erase();
    int y = tui_header_draw();
    switch (T.screen) {
    case SCR_DEVICES: tui_devices_draw(y); break;
    case SCR_MESSAGES: tui_msglist_draw(y); break;
    case SCR_DETAIL: tui_msgview_draw(y); break;
    case SCR_HELP: tui_help_draw(y); break;
    case SCR_FINDINGS: tui_findings_draw(y); break;
    default: break;
    }
    refresh();
    T.need_draw = false;
    T.last_draw = tui_wall_ns();
}

/* at most DRAWS_PER_S draws in any second: a key is answered at once unless
 * ten draws already happened within the last second */
static int64_t draws[DRAWS_PER_S];
static unsigned ndraws;

static bool may_draw(int64_t w) { return w - draws[ndraws % DRAWS_PER_S] >= 1000000000LL || ndraws < DRAWS_PER_S; }

bool tui_tick(int64_t wall_ns)
{
    static int64_t last_keys;
    int64_t w = tui_wall_ns();
    if (w - last_keys < KEYS_GAP_NS) return T.quit;
    last_keys = w;
    int k;
    while ((k = getch()) != ERR) {
        T.last_key = w;
        key(k);
        if (T.quit) return true;
    }
    T.at_end = !T.live && capture_at_end(T.pl->cap);
    if (!T.paused) T.now_ns = T.live ? wall_ns : T.pl->last_ns;
    /* once a second; a fleet whose snapshot takes more than 5 % of that, less often */
    int64_t period = T.snapshot_cost_ns * 20 > SNAPSHOT_NS ? T.snapshot_cost_ns * 20 : SNAPSHOT_NS;
    if (w - T.last_snapshot >= period) {
        T.last_snapshot = w;
        if (!T.paused) {
            tui_header_rates(w);
            /* a file held at its end changes no more: no new snapshot */
            static uint64_t seen;
            struct capture_stats cs;
            capture_get_stats(T.pl->cap, &cs);
            uint64_t gen = cs.read + msglog_last_id() + T.ndevs;
            if (!tui_model_snapshot_running() && (T.live || gen != seen)) {
                tui_model_snapshot();
                seen = gen;
            }
        }
        T.need_draw = true;
    }
    /* the rows of each new snapshot get their texts made ahead, between keys, at
     * most WARM_NS every WARM_EVERY_NS, so a filter typed on a large fleet is
     * answered from them without taking the capture's time */
    static size_t warm, warm_left;
    static int64_t last_warm;
    if (!T.paused && tui_model_snapshot_running() && tui_model_snapshot_step(tui_wall_ns() + STEP_NS))
        warm_left = T.nsnap;
    if (!T.paused) tui_findings_update(false);
    if (warm_left && w - T.last_key > 500000000LL && w - last_warm >= WARM_EVERY_NS) {
        int64_t until = tui_wall_ns() + WARM_NS;
        for (size_t i = 0; warm_left; i++, warm_left--) {
            tui_row_text(&T.snap[warm++ % T.nsnap]);
            if (i % 256 == 255 && tui_wall_ns() >= until) break;
        }
        warm %= T.nsnap ? T.nsnap : 1;
        last_warm = w;
    }
    if (T.need_arrange) tui_model_arrange();
    if (T.need_draw && may_draw(w)) {
        tui_draw();
        draws[ndraws++ % DRAWS_PER_S] = w;
    }
    return T.quit;
}

static bool safe_name_char(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
}

void tui_write_pcap(struct tdev *t)
{
    if (!t) { tui_set_status("no device selected"); return; }
    char id[TRK_IMEI_MAX], path[256], err[512];
    size_t k = 0;
    for (const char *s = t->d->id; *s && k + 1 < sizeof id; s++) id[k++] = safe_name_char(*s) ? *s : '_';
    id[k] = 0;
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    snprintf(path, sizeof path, "trackdump-%s-%s.pcap", id, stamp);
    for (int i = 2; access(path, F_OK) == 0 && i < 100; i++)
        snprintf(path, sizeof path, "trackdump-%s-%s-%d.pcap", id, stamp, i);
    size_t written = 0;
    if (pktlog_write(&t->pkts, capture_pcap(T.pl->cap), path, &written, err, sizeof err) < 0) {
        tui_set_status("cannot write the pcap: %s", err);
        return;
    }
    if (t->pkts.evicted)
        tui_set_status("wrote %zu packets of %s to %s (%llu older packets not kept: memory limit)", written,
                       t->d->id, path, (unsigned long long)t->pkts.evicted);
    else
        tui_set_status("wrote %zu packets of %s to %s", written, t->d->id, path);
}
