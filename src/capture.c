/* capture.c: the capture loop on libpcap (never nids_run).  Live: pcap_create
 * with snaplen 262144, packets handed over in blocks at most 50 ms old, a large
 * buffer, non-blocking with poll() so a quiet interface never blocks a signal,
 * and what was captured before a signal is still read.  Files: pcap, nanosecond
 * pcap, pcapng, "-" for standard input. */
#include <errno.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture.h"

#define SNAPLEN 262144
#define LIVE_BUFFER (32 << 20)
/* Live packets come in blocks handed over when full or this old: one wake-up per
 * block instead of one per packet (immediate mode) keeps up with several times
 * the packet rate, and 50 ms is still instant for a person reading the output. */
#define LIVE_TIMEOUT_MS 50

struct capture {
    pcap_t *p;
    bool live;
    int dlt;
    char *filter;
    capture_cb cb;
    void *ctx;
    volatile sig_atomic_t *stop;
    bool halted;                    /* the consumer stopped the capture (-c): take no more */
    /* capture_set_replay */
    bool replay, hold, at_end;
    double speed;
    int wake_fd;
    struct bpf_program prog;   /* a file's filter, run here so what it rejects can be counted */
    bool have_prog;
    int64_t last_ns;           /* the previous frame's time */
    uint64_t read, bad_frames, empty, bad_time, backwards;
};

static struct capture *wrap(pcap_t *p, bool live)
{
    struct capture *c = calloc(1, sizeof *c);
    if (!c) { pcap_close(p); return NULL; }
    c->p = p;
    c->live = live;
    c->dlt = pcap_datalink(p);
    c->wake_fd = -1;
    return c;
}

struct capture *capture_open_file(const char *path, char *err, size_t errlen)
{
    char eb[PCAP_ERRBUF_SIZE] = "";
    pcap_t *p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, eb);
    if (!p) {
        snprintf(err, errlen, "cannot read '%s': %s", strcmp(path, "-") ? path : "standard input", eb);
        return NULL;
    }
    struct capture *c = wrap(p, false);
    if (!c) snprintf(err, errlen, "out of memory");
    return c;
}

struct capture *capture_open_live(const char *iface, char *err, size_t errlen)
{
    char eb[PCAP_ERRBUF_SIZE] = "";
    pcap_t *p = pcap_create(iface, eb);
    if (!p) { snprintf(err, errlen, "cannot capture on '%s': %s", iface, eb); return NULL; }
    pcap_set_snaplen(p, SNAPLEN);
    pcap_set_promisc(p, 0);
    pcap_set_timeout(p, LIVE_TIMEOUT_MS);
    pcap_set_buffer_size(p, LIVE_BUFFER);
    pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);
    int rc = pcap_activate(p);
    if (rc < 0) {
        if (rc == PCAP_ERROR_NO_SUCH_DEVICE)
            snprintf(err, errlen, "no such interface '%s' (see 'ip link')", iface);
        else if (rc == PCAP_ERROR_PERM_DENIED)
            snprintf(err, errlen, "no permission to capture on '%s': run as root or grant CAP_NET_RAW (%s)",
                     iface, pcap_geterr(p));
        else if (rc == PCAP_ERROR_IFACE_NOT_UP)
            snprintf(err, errlen, "interface '%s' is down", iface);
        else
            snprintf(err, errlen, "cannot capture on '%s': %s", iface, pcap_geterr(p));
        pcap_close(p);
        return NULL;
    }
    if (rc > 0) fprintf(stderr, "trackdump: warning: %s: %s\n", iface, pcap_statustostr(rc));
    if (pcap_setnonblock(p, 1, eb) < 0) {
        snprintf(err, errlen, "cannot capture on '%s': %s", iface, eb);
        pcap_close(p);
        return NULL;
    }
    struct capture *c = wrap(p, true);
    if (!c) snprintf(err, errlen, "out of memory");
    return c;
}

int capture_dlt(const struct capture *c) { return c->dlt; }
bool capture_is_live(const struct capture *c) { return c->live; }
struct pcap *capture_pcap(struct capture *c) { return c->p; }
const char *capture_filter(const struct capture *c) { return c->filter ? c->filter : ""; }

int capture_set_filter(struct capture *c, const char *tracker, const char *user, char *err, size_t errlen)
{
    size_t n = 2 * strlen(tracker) * 3 + (user ? strlen(user) : 0) + 320;
    char *f = malloc(n);
    if (!f) { snprintf(err, errlen, "out of memory"); return -1; }
    f[0] = 0;
    if (tracker[0]) {
        /* fragments never carry ports; an IPv4 header shorter than 20 bytes has no ports
         * where the filter looks (it is let through to be counted as bad); VLAN-tagged
         * frames need `vlan` (which shifts every later offset, so it comes last), stacked
         * tags a second one */
        if (c->dlt == DLT_EN10MB)
            snprintf(f, n, "(%s) or (ip[6:2] & 0x1fff != 0) or (ip[0] & 0xf < 5) or "
                     "(vlan and ((%s) or (vlan and (%s))))", tracker, tracker, tracker);
        else
            snprintf(f, n, "(%s) or (ip[6:2] & 0x1fff != 0) or (ip[0] & 0xf < 5)", tracker);
    }
    if (user && user[0]) {
        size_t o = strlen(f);
        if (o) snprintf(f + o, n - o, " and (%s)", user);
        else snprintf(f, n, "%s", user);
        if (o) {                                 /* parenthesise the tracker part */
            char *g = malloc(n + 4);
            if (!g) { free(f); snprintf(err, errlen, "out of memory"); return -1; }
            snprintf(g, n + 4, "(%.*s)%s", (int)o, f, f + o);
            free(f);
            f = g;
        }
    }
    free(c->filter);
    c->filter = f;
    if (!f[0]) return 0;
    struct bpf_program prog;
    if (pcap_compile(c->p, &prog, f, 1, PCAP_NETMASK_UNKNOWN) < 0) {
        snprintf(err, errlen, "bad filter expression '%s': %s", user && user[0] ? user : f, pcap_geterr(c->p));
        return -1;
    }
    if (!c->live) {
        if (c->have_prog) pcap_freecode(&c->prog);
        c->prog = prog;
        c->have_prog = true;
        return 0;
    }
    int rc = pcap_setfilter(c->p, &prog);
    pcap_freecode(&prog);
    if (rc < 0) { snprintf(err, errlen, "cannot set the filter: %s", pcap_geterr(c->p)); return -1; }
    return 0;
}

/* the latest time a frame can carry: nanoseconds since the epoch fit an int64_t */
#define MAX_TS_SEC (INT64_MAX / 1000000000LL - 1)

static void handler(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
    struct capture *c = (struct capture *)user;
    struct raw_frame f;
    if (c->halted) return;
    bool was_stopped = c->live && *c->stop;   /* live, after a signal: queued packets are taken */
    if (h->caplen == 0) { c->empty++; return; }          /* nothing captured: no filter can match */
    if (c->have_prog && !pcap_offline_filter(&c->prog, h, data)) return;
    c->read++;
    /* this handle delivers nanoseconds in tv_usec; a time no clock gives (beyond the
     * year 2262, or a fraction of a second of 1e9 ns or more) is counted and replaced
     * by the previous frame's, never shown */
    if (h->ts.tv_sec < 0 || h->ts.tv_sec > MAX_TS_SEC || h->ts.tv_usec < 0 || h->ts.tv_usec >= 1000000000L) {
        c->bad_time++;
        f.ts_ns = c->last_ns;
    } else {
        f.ts_ns = (int64_t)h->ts.tv_sec * 1000000000LL + (int64_t)h->ts.tv_usec;
        if (f.ts_ns < c->last_ns) c->backwards++;
    }
    c->last_ns = f.ts_ns;
    f.data = data;
    f.caplen = h->caplen;
    f.len = h->len;
    f.hdr = h;
    if (h->caplen > SNAPLEN || h->caplen > h->len) c->bad_frames++;
    c->cb(c->ctx, &f);
    if (*c->stop && !was_stopped) { c->halted = true; pcap_breakloop(c->p); }
}

static int run_replay(struct capture *c, capture_tick_fn tick, void *ctx, char *err, size_t errlen);

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int capture_run(struct capture *c, capture_cb cb, capture_tick_fn tick, void *ctx,
                volatile sig_atomic_t *stop, char *err, size_t errlen)
{
    c->cb = cb;
    c->ctx = ctx;
    c->stop = stop;
    if (!c->live && c->replay) return run_replay(c, tick, ctx, err, errlen);
    if (!c->live) {
        for (;;) {
            int n = pcap_dispatch(c->p, 1024, handler, (u_char *)c);
            if (n == 0 || n == PCAP_ERROR_BREAK || *stop) return 0;
            if (n == PCAP_ERROR) {
                const char *e = pcap_geterr(c->p);
                if (strstr(e, "different from the type of the first interface"))
                    snprintf(err, errlen, "pcapng file mixes link types (%s); split it by interface "
                             "first, e.g. with tshark -r FILE -Y 'frame.interface_id==0' -w ONE.pcapng", e);
                else
                    snprintf(err, errlen, "capture file is damaged after %llu packets: %s",
                             (unsigned long long)c->read, e);
                return -1;
            }
        }
    }
    int fd = pcap_get_selectable_fd(c->p);
    while (!*stop) {
        struct pollfd pfd[2] = {{fd, POLLIN, 0}, {c->wake_fd, POLLIN, 0}};
        int r = poll(pfd, c->wake_fd >= 0 ? 2 : 1, c->wake_fd >= 0 ? 25 : 100);
        if (r < 0 && errno != EINTR) { snprintf(err, errlen, "poll: %s", strerror(errno)); return -1; }
        int n = pcap_dispatch(c->p, -1, handler, (u_char *)c);
        if (n == PCAP_ERROR) { snprintf(err, errlen, "capture failed: %s", pcap_geterr(c->p)); return -1; }
        if (tick) tick(ctx, now_ns());
    }
    if (!c->halted) {               /* stopped by a signal: the last block, once handed over */
        struct pollfd pfd = {fd, POLLIN, 0};
        if (poll(&pfd, 1, LIVE_TIMEOUT_MS + 20) > 0) pcap_dispatch(c->p, -1, handler, (u_char *)c);
    }
    return 0;
}

void capture_get_stats(struct capture *c, struct capture_stats *s)
{
    memset(s, 0, sizeof *s);
    s->read = c->read;
    s->bad_frames = c->bad_frames;
    s->empty = c->empty;
    s->bad_time = c->bad_time;
    s->backwards = c->backwards;
    struct pcap_stat ps;
    if (c->live && pcap_stats(c->p, &ps) == 0) {
        s->have_kernel = true;
        s->drop = ps.ps_drop;
        s->ifdrop = ps.ps_ifdrop;
    }
}

void capture_close(struct capture *c)
{
    if (!c) return;
    pcap_close(c->p);
    if (c->have_prog) pcap_freecode(&c->prog);
    free(c->filter);
    free(c);
}

/* ---- paced replay of a file for an interactive view (capture_set_replay) ---- */

void capture_set_replay(struct capture *c, double speed, bool hold)
{
    c->replay = true;
    c->speed = speed;
    c->hold = hold;
}

void capture_set_wake_fd(struct capture *c, int fd) { c->wake_fd = fd; }
bool capture_at_end(const struct capture *c) { return c->at_end; }

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* waits up to ms (less when the wake descriptor becomes readable) */
static void replay_wait(struct capture *c, int ms)
{
    if (ms <= 0) return;
    struct pollfd pfd = {c->wake_fd, POLLIN, 0};
    if (c->wake_fd >= 0) {
        poll(&pfd, 1, ms);
    } else {
        struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
}

#define REPLAY_TICK_NS (20LL * 1000000LL)

static int run_replay(struct capture *c, capture_tick_fn tick, void *ctx, char *err, size_t errlen)
{
    int64_t wall0 = 0, ts0 = 0, last_tick = mono_ns();
    for (;;) {
        struct pcap_pkthdr *h;
        const u_char *data;
        int rc = pcap_next_ex(c->p, &h, &data);
        if (rc == PCAP_ERROR_BREAK) break;
        if (rc == PCAP_ERROR) {
            snprintf(err, errlen, "capture file is damaged after %llu packets: %s",
                     (unsigned long long)c->read, pcap_geterr(c->p));
            return -1;
        }
        if (rc != 1) break;                                  /* end of the file */
        int64_t ts = (int64_t)h->ts.tv_sec * 1000000000LL + (int64_t)h->ts.tv_usec;
        if (c->speed > 0) {
            if (!wall0) { wall0 = mono_ns(); ts0 = ts; }
            int64_t due = wall0 + (int64_t)((double)(ts - ts0) / c->speed);
            for (int64_t now = mono_ns(); now < due && !*c->stop; now = mono_ns()) {
                int64_t ms = (due - now + 999999) / 1000000;
                replay_wait(c, (int)(ms < 25 ? ms : 25));
                if (tick) tick(ctx, now_ns());
                last_tick = mono_ns();
            }
        }
        if (*c->stop) return 0;
        handler((u_char *)c, h, data);
        if (*c->stop) return 0;
        if (c->read % 64 == 0 && mono_ns() - last_tick >= REPLAY_TICK_NS) {
            if (tick) tick(ctx, now_ns());
            last_tick = mono_ns();
        }
    }
    c->at_end = true;
    while (c->hold && !*c->stop) {                           /* frozen at the end */
        replay_wait(c, 25);
        if (tick) tick(ctx, now_ns());
    }
    return 0;
}
