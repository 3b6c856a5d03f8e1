/* tui_devices.c: the device table of `top`: one row per device, coloured by
 * state, the IMEI column fixed and the others scrolled with Left/Right; group
 * headings; the cursor, follow, sort (< > I, and the F6 menu), next error,
 * and Enter into the device's messages. */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "tui.h"

static bool sort_menu;
static int menu_pos;

static int rows_room(int y0) { return LINES - 2 - (y0 + 1); }   /* title above; info line, key bar below */

static struct trow *row_at(size_t i) { return i < T.nitems ? T.items[i].row : NULL; }

/* the cursor on a device row: from i, in direction dir, the first row */
static void settle(size_t i, int dir)
{
    if (!T.nitems) { T.cursor = 0; return; }
    if (i >= T.nitems) i = T.nitems - 1;
    size_t j = i;
    while (!row_at(j)) {
        if (dir < 0 && j == 0) { dir = 1; j = i; continue; }
        if (dir >= 0 && j + 1 >= T.nitems) { if (i == 0) break; dir = -1; j = i; continue; }
        j += dir < 0 ? (size_t)-1 : 1;
    }
    T.cursor = j;
}

static void move_by(long d)
{
    if (!T.nitems) return;
    long c = (long)T.cursor + d;
    if (c < 0) c = 0;
    if (c >= (long)T.nitems) c = (long)T.nitems - 1;
    settle((size_t)c, d < 0 ? -1 : 1);
}

static void keep_follow(void)
{
    if (!T.follow) return;
    for (size_t i = 0; i < T.nitems; i++)
        if (T.items[i].row && T.items[i].row->t == T.follow) { T.cursor = i; return; }
}

void tui_devices_open(struct tdev *t)
{
    if (!t) return;
    T.open_dev = t;
    T.screen = SCR_MESSAGES;
    T.mfollow = true;
    T.nmlist = 0;
    tui_msglist_refresh();
}

static void next_error(void)
{
    for (size_t k = 1; k <= T.nitems; k++) {
        size_t i = (T.cursor + k) % T.nitems;
        if (T.items[i].row && tui_row_has_error(T.items[i].row)) { T.cursor = i; return; }
    }
    tui_set_status("no device with an error");
}

static const char *sort_dir(void)
{
    return tui_sort_descending() ? "descending" : "ascending";
}

static bool menu_key(int k)
{
    switch (k) {
    case KEY_UP: case 'k': if (menu_pos > 0) menu_pos--; break;
    case KEY_DOWN: case 'j': if (menu_pos + 1 < COL__N) menu_pos++; break;
    case '\r': case '\n': case KEY_ENTER:
        T.sort_col = menu_pos;
        T.need_arrange = true;
        sort_menu = false;
        break;
    case 27: case KEY_F(6): sort_menu = false; break;
    default: break;
    }
    return true;
}

bool tui_devices_key(int k)
{
    if (sort_menu) return menu_key(k);
    int page = rows_room(0) > 1 ? rows_room(0) - 1 : 1;
    switch (k) {
    case KEY_UP: case 'k': move_by(-1); T.follow = NULL; break;
    case KEY_DOWN: case 'j': move_by(1); T.follow = NULL; break;
    case KEY_PPAGE: move_by(-page); T.follow = NULL; break;
    case KEY_NPAGE: move_by(page); T.follow = NULL; break;
    case KEY_HOME: settle(0, 1); T.follow = NULL; break;
    case KEY_END: settle(T.nitems ? T.nitems - 1 : 0, -1); T.follow = NULL; break;
    case KEY_LEFT: if (T.hscroll > 0) T.hscroll--; break;
    case KEY_RIGHT: if (T.hscroll + 2 < COL__N) T.hscroll++; break;
    case '\r': case '\n': case KEY_ENTER:
        if (row_at(T.cursor)) tui_devices_open(row_at(T.cursor)->t);
        break;
    case '<': T.sort_col = (T.sort_col + COL__N - 1) % COL__N; T.need_arrange = true; break;
    case '>': T.sort_col = (T.sort_col + 1) % COL__N; T.need_arrange = true; break;
    case KEY_F(6): sort_menu = true; menu_pos = T.sort_col; break;
    case 'I': T.sort_invert = !T.sort_invert; T.need_arrange = true; break;
    case 'g':
        T.group = (T.group + 1) % GRP__N;
        T.need_arrange = true;
        tui_set_status("group by: %s", tui_group_names[T.group]);
        break;
    case '/': case KEY_F(3): tui_line_start(LINE_SEARCH); break;
    case 'n': tui_search_next(true); break;
    case '\\': case KEY_F(4): tui_line_start(LINE_FILTER); break;
    case 'e': next_error(); T.follow = NULL; break;
    case 'F':
        if (T.follow) T.follow = NULL;
        else if (row_at(T.cursor)) T.follow = row_at(T.cursor)->t;
        break;
    case 'w': tui_write_pcap(row_at(T.cursor) ? row_at(T.cursor)->t : NULL); break;
    case 27:
        if (T.filter) {
            regex_free(T.filter);
            T.filter = NULL;
            T.filter_text[0] = 0;
            T.need_arrange = true;
            T.filter_gen++;
        }
        break;
    default: return false;
    }
    return true;
}

/* the columns shown: IMEI, then from 1 + hscroll while they fit */
static int layout(int *cols, int max)
{
    int n = 0, x = 0;
    cols[n++] = COL_IMEI;
    x = tui_cols[COL_IMEI].width + 1;
    for (int c = 1 + T.hscroll; c < COL__N && n < max; c++) {
        if (x + tui_cols[c].width > COLS && n > 1) break;
        cols[n++] = c;
        x += tui_cols[c].width + 1;
    }
    return n;
}

static void cell_text(char *out, size_t n, const char *s, const struct tui_col_def *d)
{
    if (d->right) snprintf(out, n, "%*.*s", d->width, d->width, s);
    else snprintf(out, n, "%-*.*s", d->width, d->width, s);
}

static int state_role(const struct trow *r)
{
    switch (r->state) {
    case ST_ONLINE: return R_ONLINE;
    case ST_SILENT: return R_SILENT;
    case ST_REJECTED: return R_REJECTED;
    default: return R_CLOSED;
    }
}

static void draw_menu(int y0)
{
    int w = 24, x0 = COLS > w + 4 ? 4 : 0;
    tui_put(y0, x0, tui_attr(R_TITLE), "Sort by                 ");
    for (int c = 0; c < COL__N && y0 + 1 + c < LINES - 1; c++) {
        char line[64];
        snprintf(line, sizeof line, " %-*s", w - 1, tui_cols[c].title);
        tui_put(y0 + 1 + c, x0, tui_attr(c == menu_pos ? R_CURSOR : R_VALUE), line);
    }
}

void tui_devices_draw(int y0)
{
    int cols[COL__N];
    int nc = layout(cols, COL__N);
    char line[1024], cell[128], txt[96];
    /* title */
    size_t o = 0;
    for (int i = 0; i < nc; i++) {
        cell_text(cell, sizeof cell, tui_cols[cols[i]].title, &tui_cols[cols[i]]);
        o += (size_t)snprintf(line + o, sizeof line - o, "%s ", cell);
    }
    tui_put_line(y0, tui_attr(R_TITLE), line);
    for (int i = 0, x = 0; i < nc; i++) {         /* the sorted column stands out */
        if (cols[i] == T.sort_col) {
            cell_text(cell, sizeof cell, tui_cols[cols[i]].title, &tui_cols[cols[i]]);
            tui_put(y0, x, tui_attr(R_CURSOR), cell);
        }
        x += tui_cols[cols[i]].width + 1;
    }
    int room = rows_room(y0);
    if (room < 1) room = 1;
    if (T.need_arrange && !T.filtering) tui_model_arrange();
    keep_follow();
    if (T.cursor >= T.nitems) T.cursor = T.nitems ? T.nitems - 1 : 0;
    if (T.nitems && !row_at(T.cursor)) settle(T.cursor, 1);
    if (T.cursor < T.top) T.top = T.cursor;
    if (T.cursor >= T.top + (size_t)room) T.top = T.cursor - (size_t)room + 1;
    if (T.top + (size_t)room > T.nitems) T.top = T.nitems > (size_t)room ? T.nitems - (size_t)room : 0;
    T.selected = row_at(T.cursor) ? row_at(T.cursor)->t : NULL;
    if (!T.nitems) {
        tui_put(y0 + 1, 1, tui_attr(R_VALUE),
                T.nsnap ? "no device matches the filter (Esc clears it)" : "no device seen yet");
    }
    for (int k = 0; k < room && T.top + (size_t)k < T.nitems; k++) {
        size_t i = T.top + (size_t)k;
        const struct tui_item *it = &T.items[i];
        int y = y0 + 1 + k;
        if (!it->row) { tui_put_line(y, tui_attr(R_GROUP), T.headings[it->heading]); continue; }
        o = 0;
        for (int c = 0; c < nc; c++) {
            tui_cell(it->row, (enum tui_col)cols[c], txt, sizeof txt);
            cell_text(cell, sizeof cell, txt, &tui_cols[cols[c]]);
            o += (size_t)snprintf(line + o, sizeof line - o, "%s ", cell);
        }
        if (i == T.cursor) { tui_put_line(y, tui_attr(R_CURSOR), line); continue; }
        tui_put(y, 0, tui_attr(state_role(it->row)), line);
        /* errors in red wherever the row's colour */
        for (int c = 0, x = 0; c < nc; c++) {
            int col = cols[c];
            bool err = (col == COL_ERRS && (it->row->malformed || it->row->unsupported)) ||
                       (col == COL_ACK && it->row->ack != TRK_ACK_OK && it->row->ack != TRK_ACK_NONE);
            if (err) {
                tui_cell(it->row, (enum tui_col)col, txt, sizeof txt);
                cell_text(cell, sizeof cell, txt, &tui_cols[col]);
                tui_put(y, x, tui_attr(R_ERROR), cell);
            }
            x += tui_cols[col].width + 1;
        }
    }
    if (sort_menu) draw_menu(y0);
    /* the key bar, with the sort and the filter */
    static const char *const keys[] = {"F1", "Help", "F3", "Search", "F4", "Filter", "F6", "SortBy", "g", "Group",
                                       "e", "Error", "w", "Pcap", "r", "Findings", "Z", "Pause", "F10", "Quit", NULL, NULL};
    tui_fkeys(keys);
    {
        char info[400];
        char applying[64] = "";
        if (T.filtering)
            snprintf(applying, sizeof applying, " (applying: %zu of %zu rows)", T.filter_done, T.nsnap);
        snprintf(info, sizeof info, " %zu of %zu shown, sort %s %s%s%s%s%s%s", T.nview, T.nsnap,
                 tui_cols[T.sort_col].title, sort_dir(), T.filter ? ", filter \\" : "",
                 T.filter ? T.filter_text : "", applying, T.group ? ", by " : "",
                 T.group ? tui_group_names[T.group] : "");
        tui_put(LINES - 2, 0, tui_attr(R_LABEL), info);
    }
}
