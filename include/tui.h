/* tui.h: `trackdump top`, the full-screen view per device: the state its
 * widgets share (one file per widget: tui_header, tui_devices, tui_msglist,
 * tui_msgview, tui_help, tui_findings, tui_line) and their entry points.
 * Everything runs in the capture thread, from the pipeline's hooks and its
 * tick: the model is fed by every message and packet, the screen is redrawn
 * at most 10 times a second. */
#ifndef TRK_TUI_H
#define TRK_TUI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices.h"
#include "diagnose.h"
#include "expect.h"
#include "filter.h"
#include "msglog.h"
#include "pipeline.h"

/* ---- the model (tui_model.c) ---- */

enum tui_col {
    COL_IMEI, COL_PROTO, COL_PORT, COL_STATE, COL_SEEN, COL_MSGS, COL_INTERVAL, COL_TYPE,
    COL_ACK, COL_ERRS, COL_OFFSET, COL_PEER, COL_FIXTIME, COL_POS, COL__N
};
enum tui_state { ST_ONLINE = DEV_ONLINE, ST_SILENT = DEV_SILENT, ST_CLOSED = DEV_CLOSED, ST_REJECTED = DEV_REJECTED, ST__N };
enum tui_group { GRP_NONE, GRP_PROTO, GRP_PORT, GRP_NET, GRP_MODEL, GRP__N };

/* the view's side of a device: its stores and cached medians */
struct tdev {
    struct device *d;
    struct logq msgs, pkts;
    unsigned iv_n, off_n;              /* the device's sample counters when cached */
    int64_t interval_ms, offset_ms;
    bool has_off;
    uint32_t rank;                     /* place in IMEI order, for sorting */
    char *text;                        /* the row's text for the filter and the search */
    size_t text_len, text_cap;         /* its length and room, without the NUL */
    uint64_t text_ver;                 /* the row values it was made from */
    uint64_t match_ver;                /* the text and filter of the cached verdict */
    bool match;
};

/* a device as the table shows it: a snapshot taken at each refresh */
struct trow {
    struct tdev *t;
    const char *id, *proto, *last_type, *model;
    struct endpoint peer;
    uint16_t port;
    uint8_t state, ack, last_status;
    bool has_off, has_fix, identified;
    int64_t last_ns, interval_ms, offset_ms, fix_ms;
    double lat, lon;
    uint64_t msgs, malformed, unsupported;
    char gkey[48];                     /* the group's name, when grouped */
    uint64_t key;                      /* the sort column as a number */
    uint32_t rank;                     /* the device's place in IMEI order */
    bool match;                        /* the filter's verdict, for match_ver */
    uint64_t text_ver, match_ver;      /* the values the text is made of; the text and filter judged */
};

struct tui_col_def { const char *title; int width; bool right; };
extern const struct tui_col_def tui_cols[COL__N];
extern const char *const tui_group_names[GRP__N];

/* pipeline hooks */
void tui_model_message(void *ctx, struct trk_msg *m, const struct conn *c);
void tui_model_unanswered(void *ctx, const struct trk_ack *a, const char *imei, const struct conn *c);
void tui_model_frame(struct conn *c, const struct raw_frame *f);
void tui_model_release(struct conn *c);
/* a new snapshot of every device (restarts one under way); it is made by
 * tui_model_snapshot_step() in steps that end by the deadline (wall ns),
 * which returns true when the snapshot is complete and shown (then filter,
 * sort, group: tui_model_arrange) */
void tui_model_snapshot(void);
bool tui_model_snapshot_running(void);
/* filter, sort and group the snapshot's rows into the view (T.view, T.items);
 * a new filter over many rows is applied in slices: T.filtering says it is not
 * done yet and the view is the previous one */
bool tui_model_snapshot_step(int64_t deadline_ns);
void tui_model_arrange(void);
/* one cell as text */
void tui_cell(const struct trow *r, enum tui_col col, char *buf, size_t n);
/* every cell of a row but SEEN (it changes every second), for the filter
 * and the search; kept until the row's values change */
const char *tui_row_text(const struct trow *r);
/* the group a row belongs to, as text */
void tui_group_key(const struct trow *r, int group, char *buf, size_t n);
struct tdev *tui_model_find(const char *id);
void tui_model_free(void);
bool tui_row_has_error(const struct trow *r);
/* the current sort is largest (or most recent) first */
bool tui_sort_descending(void);

/* ---- shared view state ---- */

enum tui_screen { SCR_DEVICES, SCR_MESSAGES, SCR_DETAIL, SCR_HELP, SCR_FINDINGS };
enum tui_line_kind { LINE_NONE, LINE_SEARCH, LINE_FILTER };

/* one line of the table: a device row or a group heading */
struct tui_item {
    struct trow *row;                  /* NULL: a heading, T.headings[heading] */
    size_t heading;
};
typedef char tui_heading[160];

struct tui {
    /* configuration */
    struct pipeline *pl;
    const struct expect_list *expect;
    const char *source, *user_filter;
    bool live, color;
    /* the model */
    struct tdev **devs;
    size_t ndevs, capdevs;
    struct trow *snap;                 /* every device */
    size_t nsnap, capsnap;
    struct trow **view;                /* filtered and sorted */
    size_t nview, capview;
    struct tui_item *items;            /* view with group headings */
    size_t nitems, capitems;
    tui_heading *headings;             /* the group headings' texts */
    size_t capheadings;
    int sort_col;
    bool sort_invert;
    int group;
    struct regex *filter;
    uint64_t filter_gen;               /* changes with the filter */
    bool filtering;                    /* a new filter is being applied: the rows shown are the last ones */
    size_t filter_done;                /* ... rows judged so far */
    char filter_text[256];
    size_t count[ST__N], never_seen, with_errors;
    int64_t fleet_interval_ms, fleet_offset_ms;
    bool has_fleet_offset;
    int64_t now_ns;                    /* the view's clock: wall time live, capture time from a file */
    bool at_end;                       /* the file is replayed to its end */
    /* meters */
    double pps, bps, mps[4];
    uint64_t bytes;
    uint64_t kernel_drops, if_drops;
    bool have_drops;
    size_t conns_open;
    /* the screens */
    int screen, back_screen;
    size_t cursor, top;                /* devices: index in items */
    int hscroll;                       /* first scrolled column after IMEI */
    struct tdev *selected;             /* the device under the cursor at the last draw */
    struct tdev *follow;
    bool paused;
    uint64_t pause_id;                 /* last message id shown while paused */
    struct tdev *open_dev;             /* message list and detail */
    const struct mlog_msg **mlist;
    size_t nmlist, capmlist, mcursor, mtop;
    bool mfollow;                      /* the list cursor stays on the newest message */
    int detail_scroll, help_scroll, findings_scroll;
    /* the line editor */
    int line_kind;
    char line[256];
    size_t line_len;
    bool line_bad;
    char line_err[300];
    /* the last message of the status line, and until when it shows */
    char status[300];
    int64_t status_until;
    /* the latest diagnosis: the header's worst finding and the findings panel */
    char worst[600];
    int worst_sev;                     /* enum severity, -1 when no finding */
    bool have_diag;
    int64_t diag_at, diag_cost;
    /* redraw bookkeeping */
    bool need_draw, need_arrange;
    int64_t last_draw, last_snapshot, last_key;
    int64_t snapshot_cost_ns;          /* the work of the last snapshot (its steps' time) */
    bool quit;
};
extern struct tui T;

/* ---- screen (tui_screen.c) ---- */
enum tui_role {
    R_NORMAL, R_LABEL, R_VALUE, R_TITLE, R_CURSOR, R_ONLINE, R_SILENT, R_CLOSED, R_REJECTED,
    R_ERROR, R_FKEY, R_FKEY_LABEL, R_BAD, R_CRIT, R_WARN, R_INFO, R_HILITE, R_DOWN, R_GROUP,
    R__N
};
int tui_screen_open(bool color, char *err, size_t errlen);
void tui_screen_close(void);
int tui_attr(enum tui_role r);
/* writes s clipped to the window width, from column x of row y, with attribute a */
void tui_put(int y, int x, int a, const char *s);
/* like tui_put, then spaces to the end of the row */
void tui_put_line(int y, int a, const char *s);
void tui_printf(int y, int x, int a, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void tui_set_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "F1Help F3Search ..." on the last row (or the status message, or the line editor) */
void tui_fkeys(const char *const *keys);

/* ---- widgets ---- */
int tui_header_draw(void);                     /* rows used */
void tui_header_rates(int64_t wall_ns);
void tui_devices_draw(int y0);
bool tui_devices_key(int key);
void tui_devices_open(struct tdev *t);
void tui_msglist_draw(int y0);
bool tui_msglist_key(int key);
void tui_msglist_refresh(void);
void tui_msglist_move(long d);
bool tui_msglist_next_error(void);
/* "20:24:47.717" */
void tui_msg_time(int64_t ns, char *buf, size_t n);
/* a request's verdict ("ok 12ms", "missing"), or a reply's */
void tui_msg_verdict(const struct mlog_msg *e, char *buf, size_t n);
void tui_msgview_draw(int y0);
bool tui_msgview_key(int key);
void tui_help_draw(int y0);
bool tui_help_key(int key);
void tui_findings_draw(int y0);
bool tui_findings_key(int key);
/* starts a diagnosis when one is due (force: now), collects a finished one */
void tui_findings_update(bool force);
void tui_findings_stop(void);
/* the search and filter line */
void tui_line_start(int kind);
bool tui_line_key(int key);
void tui_line_draw(int y);
void tui_search_next(bool from_next);
/* writes the selected device's packets: the status line says what happened */
void tui_write_pcap(struct tdev *t);

/* ---- the loop (tui_app.c) ---- */
bool tui_tick(int64_t wall_ns);
void tui_draw(void);
int64_t tui_wall_ns(void);

#endif
