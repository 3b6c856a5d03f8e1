/* tui_line.c: the search and filter line of the device table, on the bottom
 * row as in htop.  Search (/ or F3): the cursor jumps to the next row whose
 * text contains the words typed (any case); n or F3 finds the next one.
 * Filter (\ or F4): a PCRE2 expression over every column of a row, applied as
 * it is typed; the line turns red while it does not compile (the last one
 * that did stays applied).  Enter keeps the line's effect, Esc undoes it. */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "tui.h"

static char saved_filter[256], last_search[256];

static bool row_matches(const struct trow *r, const char *needle)
{
    return strcasestr(tui_row_text(r), needle) != NULL;
}

void tui_search_next(bool from_next)
{
    const char *needle = T.line_kind == LINE_SEARCH ? T.line : last_search;
    if (!needle[0] || !T.nitems) return;
    for (size_t k = from_next ? 1 : 0; k <= T.nitems; k++) {
        size_t i = (T.cursor + k) % T.nitems;
        if (T.items[i].row && row_matches(T.items[i].row, needle)) {
            T.cursor = i;
            T.follow = NULL;
            T.line_bad = false;
            return;
        }
    }
    T.line_bad = true;
    if (T.line_kind == LINE_NONE) tui_set_status("'%s' not found", needle);
}

static void apply_filter(void)
{
    char err[sizeof T.line_err];
    if (!T.line[0]) {
        regex_free(T.filter);
        T.filter = NULL;
        T.filter_text[0] = 0;
        T.line_bad = false;
        T.need_arrange = true;
    T.filter_gen++;
        return;
    }
    struct regex *re = regex_compile(T.line, err, sizeof err);
    if (!re) {
        T.line_bad = true;
        snprintf(T.line_err, sizeof T.line_err, "%s", err);
        return;
    }
    regex_free(T.filter);
    T.filter = re;
    snprintf(T.filter_text, sizeof T.filter_text, "%s", T.line);
    T.line_bad = false;
    T.line_err[0] = 0;
    T.need_arrange = true;
    T.filter_gen++;
}

void tui_line_start(int kind)
{
    T.line_kind = kind;
    T.line_bad = false;
    T.line_err[0] = 0;
    if (kind == LINE_FILTER) {
        snprintf(T.line, sizeof T.line, "%s", T.filter_text);
        snprintf(saved_filter, sizeof saved_filter, "%s", T.filter_text);
    } else {
        T.line[0] = 0;
    }
    T.line_len = strlen(T.line);
}

static void changed(void)
{
    if (T.line_kind == LINE_FILTER) {
        apply_filter();
    } else {
        snprintf(last_search, sizeof last_search, "%s", T.line);
        tui_search_next(false);
    }
}

bool tui_line_key(int k)
{
    switch (k) {
    case 27:                                   /* Esc: undo */
        if (T.line_kind == LINE_FILTER) {
            snprintf(T.line, sizeof T.line, "%s", saved_filter);
            apply_filter();
            if (T.line_bad) { T.line[0] = 0; apply_filter(); }
        }
        T.line_kind = LINE_NONE;
        T.line[0] = 0;
        return true;
    case '\r': case '\n': case KEY_ENTER:
        if (T.line_kind == LINE_FILTER && T.line_bad) {   /* keep what last compiled */
            snprintf(T.line, sizeof T.line, "%s", T.filter_text);
        }
        T.line_kind = LINE_NONE;
        return true;
    case KEY_BACKSPACE: case 127: case 8:
        if (T.line_len) T.line[--T.line_len] = 0;
        changed();
        return true;
    case KEY_F(3):
        if (T.line_kind == LINE_SEARCH) { tui_search_next(true); return true; }
        return false;
    case KEY_UP: case KEY_DOWN: case KEY_PPAGE: case KEY_NPAGE: case KEY_HOME: case KEY_END:
        T.line_kind = LINE_NONE;                /* leave the line; the table moves */
        return false;
    default:
        if (k >= 0x20 && k < 0x7f && T.line_len + 1 < sizeof T.line) {
            T.line[T.line_len++] = (char)k;
            T.line[T.line_len] = 0;
            changed();
            return true;
        }
        return true;                            /* other keys are ignored while typing */
    }
}

void tui_line_draw(int y)
{
    char buf[600];
    const char *label = T.line_kind == LINE_FILTER ? "Filter (PCRE2): " : "Search: ";
    snprintf(buf, sizeof buf, "%s%s", label, T.line);
    move(y, 0);
    clrtoeol();
    tui_put(y, 0, tui_attr(T.line_bad ? R_BAD : R_FKEY_LABEL), buf);
    int x = (int)strlen(buf) + 2;
    if (T.line_bad && T.line_kind == LINE_FILTER) tui_put(y, x, tui_attr(R_ERROR), T.line_err);
    else if (T.line_bad) tui_put(y, x, tui_attr(R_ERROR), "not found");
    else tui_put(y, x, tui_attr(R_LABEL), T.line_kind == LINE_FILTER ? "Enter keep  Esc undo" : "F3 next  Enter done  Esc close");
}
