/* tui_screen.c: the terminal for `top`: curses set-up and restore, the colour
 * scheme and its monochrome twin (--no-color, NO_COLOR, terminals without
 * colour), clipped writing, the status message and the function-key bar.
 * While the screen is open, standard error goes to a temporary file that is
 * copied back to the terminal when it closes, so no stray line breaks it. */
#include <curses.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui.h"

static int attrs[R__N];
static FILE *errlog;
static int saved_err = -1;
static bool open_;

static void scheme(bool color)
{
    /* monochrome: every role still distinct where it matters */
    static const int mono[R__N] = {
        [R_NORMAL] = A_NORMAL, [R_LABEL] = A_NORMAL, [R_VALUE] = A_BOLD, [R_TITLE] = A_REVERSE,
        [R_CURSOR] = A_REVERSE, [R_ONLINE] = A_NORMAL, [R_SILENT] = A_BOLD, [R_CLOSED] = A_DIM,
        [R_REJECTED] = A_BOLD | A_UNDERLINE, [R_ERROR] = A_BOLD, [R_FKEY] = A_NORMAL,
        [R_FKEY_LABEL] = A_REVERSE, [R_BAD] = A_REVERSE | A_BOLD, [R_CRIT] = A_BOLD | A_UNDERLINE,
        [R_WARN] = A_BOLD, [R_INFO] = A_NORMAL, [R_HILITE] = A_REVERSE | A_BOLD, [R_DOWN] = A_DIM,
        [R_GROUP] = A_BOLD | A_UNDERLINE,
    };
    memcpy(attrs, mono, sizeof attrs);
    if (!color || !has_colors()) return;
    start_color();
    use_default_colors();
    struct { int role, fg, bg, extra; } pairs[] = {
        {R_LABEL, COLOR_CYAN, -1, 0},        {R_VALUE, -1, -1, A_BOLD},
        {R_TITLE, COLOR_BLACK, COLOR_GREEN, 0}, {R_CURSOR, COLOR_BLACK, COLOR_CYAN, 0},
        {R_ONLINE, COLOR_GREEN, -1, 0},      {R_SILENT, COLOR_YELLOW, -1, A_BOLD},
        {R_CLOSED, -1, -1, A_DIM},           {R_REJECTED, COLOR_RED, -1, A_BOLD},
        {R_ERROR, COLOR_RED, -1, A_BOLD},    {R_FKEY, -1, -1, 0},
        {R_FKEY_LABEL, COLOR_BLACK, COLOR_CYAN, 0}, {R_BAD, COLOR_WHITE, COLOR_RED, A_BOLD},
        {R_CRIT, COLOR_RED, -1, A_BOLD},     {R_WARN, COLOR_YELLOW, -1, A_BOLD},
        {R_INFO, COLOR_CYAN, -1, 0},         {R_HILITE, COLOR_WHITE, COLOR_RED, A_BOLD},
        {R_DOWN, COLOR_BLUE, -1, A_BOLD},    {R_GROUP, COLOR_MAGENTA, -1, A_BOLD},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        short n = (short)(i + 1);
        init_pair(n, (short)pairs[i].fg, (short)pairs[i].bg);
        attrs[pairs[i].role] = (int)COLOR_PAIR(n) | pairs[i].extra;
    }
}

int tui_screen_open(bool color, char *err, size_t errlen)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        snprintf(err, errlen, "top needs a terminal (standard input and output)");
        return -1;
    }
    setlocale(LC_CTYPE, "");
    fflush(stderr);
    errlog = tmpfile();
    if (errlog) {
        saved_err = dup(STDERR_FILENO);
        if (saved_err >= 0) dup2(fileno(errlog), STDERR_FILENO);
    }
    if (!initscr()) {
        tui_screen_close();
        snprintf(err, errlen, "cannot set up the terminal");
        return -1;
    }
    open_ = true;
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    scheme(color);
    return 0;
}

void tui_screen_close(void)
{
    if (open_) {
        erase();
        refresh();
        endwin();
        open_ = false;
    }
    fflush(stdout);
    if (saved_err >= 0) {
        fflush(stderr);
        dup2(saved_err, STDERR_FILENO);
        close(saved_err);
        saved_err = -1;
    }
    if (errlog) {
        char buf[4096];
        size_t n;
        rewind(errlog);
        while ((n = fread(buf, 1, sizeof buf, errlog)) > 0) fwrite(buf, 1, n, stderr);
        fclose(errlog);
        errlog = NULL;
    }
}

int tui_attr(enum tui_role r) { return attrs[r]; }

void tui_put(int y, int x, int a, const char *s)
{
    if (y < 0 || y >= LINES || x >= COLS) return;
    char buf[1024];
    size_t n = 0, room = (size_t)(COLS - x);
    for (; n < room && n < sizeof buf - 1 && s[n]; n++) {
        unsigned char ch = (unsigned char)s[n];
        buf[n] = ch < 0x20 || ch >= 0x7f ? '?' : (char)ch;
    }
    buf[n] = 0;
    attrset(a);
    mvaddstr(y, x, buf);
    attrset(A_NORMAL);
}

void tui_put_line(int y, int a, const char *s)
{
    if (y < 0 || y >= LINES) return;
    attrset(a);
    move(y, 0);
    clrtoeol();
    for (int x = 0; x < COLS; x++) mvaddch(y, x, ' ');
    attrset(A_NORMAL);
    tui_put(y, 0, a, s);
}

void tui_printf(int y, int x, int a, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    tui_put(y, x, a, buf);
}

void tui_set_status(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(T.status, sizeof T.status, fmt, ap);
    va_end(ap);
    T.status_until = tui_wall_ns() + 8000000000LL;
    T.need_draw = true;
}

void tui_fkeys(const char *const *keys)
{
    int y = LINES - 1;
    if (T.line_kind != LINE_NONE) { tui_line_draw(y); return; }
    move(y, 0);
    clrtoeol();
    if (T.status[0] && tui_wall_ns() < T.status_until) {
        tui_put_line(y, tui_attr(R_VALUE), T.status);
        return;
    }
    int x = 0;
    for (size_t i = 0; keys[i] && keys[i + 1] && x < COLS; i += 2) {
        tui_put(y, x, tui_attr(R_FKEY), keys[i]);
        x += (int)strlen(keys[i]);
        tui_put(y, x, tui_attr(R_FKEY_LABEL), keys[i + 1]);
        x += (int)strlen(keys[i + 1]) + 1;
    }
}
