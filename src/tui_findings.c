/* tui_findings.c: the diagnosis in `top`: the most severe finding (for the
 * header) and the text report of `trackdump report` for what has been
 * captured so far (for the panel, r).  diagnose() is O(n log n): on a small
 * fleet it runs in place; once it takes longer than 40 ms, or covers more
 * than 2,000 devices, it runs in a forked child (a copy-on-write snapshot of
 * the tables) so keys are answered while it works.  A diagnosis starts at most every 5 s and never more often than
 * 50 times its own duration; Esc, q or r close the panel. */
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report.h"
#include "session.h"
#include "strutil.h"
#include "tui.h"

#define DIAG_MIN_NS (5LL * 1000000000LL)
#define FORK_ABOVE_NS (40LL * 1000000LL)     /* a diagnosis longer than this runs in a child */
#define IN_PLACE_MAX 2000                     /* ... and any diagnosis of more devices */

static char *text;           /* the report, lines separated by \0 after render() */
static const char **lines;
static size_t nlines, caplines;
static pid_t child;
static pid_t ending;         /* a child whose report is in, still exiting */
static int from_child = -1;
static struct sbuf in;
static int64_t started;
static size_t diag_ndev;     /* devices when the last cost was measured */
static bool again;

static void render(void);

/* the last line of a whole diagnosis: a child that died midway has none */
#define END_MARK "\n.end\n"

/* diagnose the tables, write "SEV\tWORST\nREPORT" */
static void diagnose_to(FILE *f)
{
    struct capture_info ci;
    pipeline_capture_info(T.pl, &ci);
    ci.source = T.source;
    ci.live = T.live;
    if (T.live) ci.last_ns = T.now_ns;
    struct diagnosis d;
    diagnose(&d, &ci, T.expect);
    if (d.n)
        fprintf(f, "%d\t[%s] %s: %s\n", (int)d.f[0].sev, severity_name(d.f[0].sev), d.f[0].id, d.f[0].summary);
    else
        fprintf(f, "-1\tnone\n");
    report_document(f, &d, REPORT_TEXT);
    fputs(END_MARK, f);
    diagnosis_free(&d);
}

/* the child: diagnose its copy of the tables */
static void diagnose_child(int fd)
{
    FILE *f = fdopen(fd, "w");
    if (!f) _exit(1);
    diagnose_to(f);
    _exit(fclose(f) == 0 ? 0 : 1);
}

/* "SEV\tWORST\nREPORT" END_MARK: the new diagnosis */
static void take(char *buf, size_t len)
{
    size_t m = strlen(END_MARK);
    if (!buf || len < m || memcmp(buf + len - m, END_MARK, m) != 0) return;
    buf[len - m + 1] = 0;
    char *nl = strchr(buf, '\n'), *tab = strchr(buf, '\t');
    if (!nl || !tab || tab > nl) return;
    *nl = 0;
    T.worst_sev = atoi(buf);
    snprintf(T.worst, sizeof T.worst, "%s", tab + 1);
    free(text);
    text = strdup(nl + 1);
    render();
    T.have_diag = true;
    T.need_draw = true;
}

/* a small fleet: diagnosed in place, cheaper than a fork and its copy-on-write */
static void diagnose_here(void)
{
    char *buf = NULL;
    size_t len = 0;
    int64_t w = tui_wall_ns();
    FILE *f = open_memstream(&buf, &len);
    if (!f) return;
    diagnose_to(f);
    fclose(f);
    T.diag_at = tui_wall_ns();
    T.diag_cost = T.diag_at - w;
    diag_ndev = T.ndevs;
    take(buf, len);
    free(buf);
}

static void start_child(void)
{
    int p[2];
    if (pipe(p) < 0) return;
    started = tui_wall_ns();
    diag_ndev = T.ndevs;
    pid_t pid = fork();
    if (pid < 0) { close(p[0]); close(p[1]); return; }
    if (pid == 0) {
        close(p[0]);
        signal(SIGINT, SIG_IGN);
        diagnose_child(p[1]);
    }
    close(p[1]);
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    fcntl(p[0], F_SETFD, FD_CLOEXEC);
    from_child = p[0];
    child = pid;
    sb_reset(&in);
}

static void render(void)
{
    nlines = 0;
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

/* reads what the child wrote; at its end, the new diagnosis replaces the old */
static void collect(void)
{
    char buf[65536];
    for (;;) {
        ssize_t n = read(from_child, buf, sizeof buf);
        if (n > 0) { sb_put(&in, buf, (size_t)n); continue; }
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
        break;                                   /* end (or error): the child is done */
    }
    close(from_child);
    from_child = -1;
    /* a child with a large copy of the tables takes a while to exit: it is
     * reaped later, never waited for here */
    if (ending) waitpid(ending, NULL, 0);        /* the one before: seconds ago */
    ending = waitpid(child, NULL, WNOHANG) == child ? 0 : child;
    child = 0;
    T.diag_cost = tui_wall_ns() - started;
    T.diag_at = tui_wall_ns();
    take(in.p, in.len);
}

void tui_findings_update(bool force)
{
    if (ending && waitpid(ending, NULL, WNOHANG) != 0) ending = 0;
    if (child) {
        collect();
        if (child) { again = again || force; return; }
    }
    int64_t w = tui_wall_ns();
    int64_t period = T.diag_cost * 50 > DIAG_MIN_NS ? T.diag_cost * 50 : DIAG_MIN_NS;
    static bool was_at_end;
    if (T.at_end && !was_at_end) force = true;     /* the whole file: diagnose it now */
    was_at_end = T.at_end;
    if (again) { force = true; again = false; }
    if (!force && T.diag_at && w - T.diag_at < period) return;
    /* the cost grows with the fleet faster than the devices (a small one's is
     * mostly fixed costs): judged at today's size, and never in place above
     * IN_PLACE_MAX devices */
    double grown = diag_ndev ? (double)T.ndevs / (double)diag_ndev : 1;
    if (T.ndevs <= IN_PLACE_MAX && (double)T.diag_cost * grown < (double)FORK_ABOVE_NS) diagnose_here();
    else start_child();
}

void tui_findings_stop(void)
{
    if (child) {
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
        child = 0;
    }
    if (ending) waitpid(ending, NULL, 0);
    ending = 0;
    if (from_child >= 0) close(from_child);
    from_child = -1;
    sb_free(&in);
    free(text);
    free(lines);
    text = NULL;
    lines = NULL;
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
    char head[200];
    if (T.have_diag)
        snprintf(head, sizeof head, "diagnosis of %.1f s ago, made in %lld ms%s", (double)(tui_wall_ns() - T.diag_at) / 1e9,
                 (long long)(T.diag_cost / 1000000), child ? "; a new one is being made" : "");
    else
        snprintf(head, sizeof head, "diagnosing...");
    tui_put_line(y0++, tui_attr(R_TITLE), head);
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
