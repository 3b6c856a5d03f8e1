/* pipeline.c: the capture pipeline shared by the main job, report and top:
 * options, opening the capture, the flow -> session -> device table wiring,
 * the run loop with its signals, and the end-of-run statistics. */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "devices.h"
#include "diagnose.h"
#include "linklayer.h"
#include "pipeline.h"
#include "ports.h"
#include "privdrop.h"
#include "problems.h"

static volatile sig_atomic_t stop_flag;
static volatile sig_atomic_t interrupted;
static struct pipeline *P;      /* the one running pipeline (callbacks have no context) */

const char pipeline_help[] =
"  -i IFACE              capture live on IFACE (any, lo, eth0, ...)\n"
"  -r FILE               read a pcap or pcapng file; - reads standard input\n"
"  BPF expression        ANDed with the filter of the tracker ports\n"
"  -Z USER               run as USER once the capture is open (default for a live\n"
"                        capture started as root: nobody)\n"
"  --port PORT=PROTO     decode PORT as PROTO (repeatable; adds to the defaults)\n"
"  --auto                recognise the protocol of every flow on any port\n"
"  --verify-checksums    drop packets with bad IP/TCP/UDP checksums (off: offload)\n"
"  --idle-timeout SEC    close a connection silent this long (default 1800)\n"
"  --max-flows N         connections tracked at once (default: as many as half the\n"
"                        available memory holds at worst, 640 KiB each)\n";

static void on_signal(int sig) { (void)sig; stop_flag = 1; interrupted = 1; }

bool pipeline_interrupted(void) { return interrupted; }

long pipeline_num(const char *opt, const char *s, long lo, long hi)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || end == s || v < lo || v > hi) {
        fprintf(stderr, "trackdump: %s takes a number from %ld to %ld, not '%s'\n", opt, lo, hi, s);
        exit(2);
    }
    return v;
}

int pipeline_bad_option(int c, const char *word, const char *with_arg)
{
    if (c && (strchr(with_arg, c) || strchr("irZ", c)))
        fprintf(stderr, "trackdump: option -%c needs an argument\n", c);
    else if (c)
        fprintf(stderr, "trackdump: unknown option -%c\n", c);
    else
        fprintf(stderr, "trackdump: unknown option '%s'\n", word);
    fprintf(stderr, "Try 'trackdump --help'.\n");
    return 2;
}

void pipeline_init(struct pipeline *p)
{
    memset(p, 0, sizeof *p);
    p->fc.max_flows = 0;                /* flows_default_max(): from the memory available */
    p->fc.idle_ns = 1800LL * 1000000000LL;
    p->fc.embryonic_ns = 60LL * 1000000000LL;
    p->wake_fd = -1;
    portmap_defaults(&p->pm);
}

int pipeline_option(struct pipeline *p, int c, const char *arg)
{
    char err[256];
    switch (c) {
    case 'i': p->iface = arg; return 1;
    case 'r': p->file = arg; return 1;
    case 'Z': p->drop_user = arg; return 1;
    case PL_PORT:
        if (portmap_add(&p->pm, arg, err, sizeof err) < 0) { fprintf(stderr, "trackdump: %s\n", err); exit(2); }
        ports_configured((uint16_t)atoi(arg));
        return 1;
    case PL_AUTO: p->pm.auto_detect = true; return 1;
    case PL_VERIFY: p->fc.verify_checksums = true; return 1;
    case PL_IDLE: p->fc.idle_ns = pipeline_num("--idle-timeout", arg, 1, 86400 * 30) * 1000000000LL; return 1;
    case PL_MAXFLOWS: p->fc.max_flows = (size_t)pipeline_num("--max-flows", arg, 16, 50000000); return 1;
    default: return 0;
    }
}

int pipeline_args(struct pipeline *p, int argc, char **argv, int first)
{
    if (!!p->iface == !!p->file) {
        fprintf(stderr, "trackdump: give either -i IFACE or -r FILE\nTry 'trackdump --help'.\n");
        return 2;
    }
    if (p->seconds && !p->iface) {
        fprintf(stderr, "trackdump: -G limits a live capture (-i); a file is read to its end\n");
        return 2;
    }
    if (p->drop_user && !priv_user_exists(p->drop_user)) {
        fprintf(stderr, "trackdump: -Z: no such user '%s'\n", p->drop_user);
        return 2;
    }
    for (int i = first, o = 0; i < argc; i++) {
        int k = snprintf(p->bpf + o, sizeof p->bpf - (size_t)o, "%s%s", o ? " " : "", argv[i]);
        if (k < 0 || (size_t)k >= sizeof p->bpf - (size_t)o) {
            fprintf(stderr, "trackdump: filter expression too long\n");
            return 2;
        }
        o += k;
    }
    return 0;
}

int pipeline_open(struct pipeline *p)
{
    char err[512];
    p->cap = p->iface ? capture_open_live(p->iface, err, sizeof err) : capture_open_file(p->file, err, sizeof err);
    if (!p->cap) { fprintf(stderr, "trackdump: %s\n", err); return 1; }
    p->dlt = capture_dlt(p->cap);
    if (!ll_supported(p->dlt)) {
        fprintf(stderr, "trackdump: link type %d (%s) is not supported\n", p->dlt,
                pcap_datalink_val_to_name(p->dlt) ? pcap_datalink_val_to_name(p->dlt) : "?");
        return 1;
    }
    static char tracker_bpf[65536];
    portmap_bpf(&p->pm, tracker_bpf, sizeof tracker_bpf);
    if (capture_set_filter(p->cap, tracker_bpf, p->bpf, err, sizeof err) < 0) {
        fprintf(stderr, "trackdump: %s\n", err);
        return 2;
    }
    return 0;
}

/* ---- the flow events, fanned out to the session layer and the tables ---- */

static void flow_open(void *ctx, struct conn *c)
{
    session_open(ctx, c);
    ports_conn_open(c);
}

static void flow_close(void *ctx, struct conn *c, enum conn_close_why why, int64_t ts)
{
    session_close(ctx, c, why, ts);     /* last messages and unanswered requests first */
    devices_conn_close(c, why, ts);
}

static void flow_release(void *ctx, struct conn *c)
{
    if (P->release) P->release(c);
}

static void flow_frame(void *ctx, struct conn *c, const struct raw_frame *f)
{
    if (P->frame) P->frame(c, f);
}

static void flow_handshake(void *ctx, const struct endpoint *cli, const struct endpoint *srv,
                           enum hs_fact fact, int64_t ts)
{
    ports_handshake(cli, srv, fact, ts);
}

static void on_message(void *ctx, struct trk_msg *m, const struct conn *c)
{
    devices_message(m, c);
    ports_message(m, c);
    problems_message(m, c);
    if (P->out.message) P->out.message(P->out.ctx, m, c);
}

static void on_unanswered(void *ctx, const struct trk_ack *a, const char *imei, const struct conn *c)
{
    devices_unanswered(a, imei, c);
    if (P->out.unanswered) P->out.unanswered(P->out.ctx, a, imei, c);
}

static void on_frame(void *ctx, const struct raw_frame *f)
{
    struct l3pkt ip;
    if (!P->first_ns) P->first_ns = f->ts_ns;
    if (f->ts_ns > P->last_ns) P->last_ns = f->ts_ns;
    enum ll_result r = ll_normalise(P->dlt, f->data, f->caplen, &ip);
    if (r == LL_TRUNCATED || r == LL_BAD_IP) P->link_bad++;
    else if (r == LL_NOT_IP) P->link_other++;
    flows_packet(r == LL_IP ? &ip : NULL, f);
    if (P->should_stop && P->should_stop()) stop_flag = 1;
}

static int64_t wall_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int64_t started_ns;

static void on_tick(void *ctx, int64_t now)
{
    if (capture_is_live(P->cap)) flows_tick(now);     /* a replayed file keeps its own time */
    if (P->tick && P->tick(now)) stop_flag = 1;
    if (P->seconds && wall_ns() - started_ns >= P->seconds * 1000000000LL) stop_flag = 1;
}

int pipeline_run(struct pipeline *p)
{
    char err[512];
    P = p;
    signal(SIGPIPE, SIG_IGN);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    const char *user = priv_target(p->drop_user, p->iface != NULL);
    if ((user && priv_drop(user, err, sizeof err) < 0) || (geteuid() != 0 && priv_drop_caps(err, sizeof err) < 0)) {
        fprintf(stderr, "trackdump: %s\n", err);
        return 1;
    }
    devices_init();
    struct session_out so = {NULL, on_message, on_unanswered};
    session_setup(&p->pm, &so);
    p->fc.is_server_port = portmap_is_server;
    p->fc.port_ctx = &p->pm;
    struct flow_sink sink = {NULL, flow_open, session_data, flow_close, session_datagram, flow_frame,
                             flow_handshake, flow_release};
    if (flows_init(&p->fc, &sink, err, sizeof err) < 0) {
        fprintf(stderr, "trackdump: %s\n", err);
        return 1;
    }
    if (p->iface)
        fprintf(stderr, "trackdump: listening on %s, link type %s, snapshot length 262144 bytes\n",
                p->iface, ll_name(p->dlt));
    started_ns = wall_ns();
    if (p->replay && !p->iface) capture_set_replay(p->cap, p->speed, p->hold);
    if (p->wake_fd >= 0) capture_set_wake_fd(p->cap, p->wake_fd);
    int rc = capture_run(p->cap, on_frame, on_tick, NULL, &stop_flag, err, sizeof err);
    flows_finish();
    if (rc < 0) { fprintf(stderr, "trackdump: %s\n", err); return 1; }
    return 0;
}

void pipeline_summary(struct pipeline *p, FILE *f)
{
    struct capture_stats cs;
    struct flows_stats fs;
    struct session_stats ss;
    typedef unsigned long long ull;
    capture_get_stats(p->cap, &cs);
    flows_get_stats(&fs);
    session_get_stats(&ss);
    fprintf(f, "trackdump: %llu packets read", (ull)cs.read);
    if (cs.have_kernel)
        fprintf(f, ", %llu dropped by the kernel, %llu dropped by the interface", (ull)cs.drop, (ull)cs.ifdrop);
    fputc('\n', f);
    fprintf(f, "trackdump: %llu connections (%llu picked up mid-stream), %llu udp flows; "
            "closed: %llu fin, %llu rst, %llu idle, %llu evicted, %llu reused, %llu open at end\n",
            (ull)fs.tcp_conns, (ull)fs.tcp_midstream, (ull)fs.udp_flows, (ull)fs.closed[CLOSE_FIN],
            (ull)fs.closed[CLOSE_RST], (ull)fs.closed[CLOSE_IDLE], (ull)fs.closed[CLOSE_EVICTED],
            (ull)fs.closed[CLOSE_REUSED], (ull)fs.closed[CLOSE_END]);
    if (fs.syn_unanswered || fs.syn_rst)
        fprintf(f, "trackdump: %llu SYNs never answered, %llu SYNs answered by RST\n",
                (ull)fs.syn_unanswered, (ull)fs.syn_rst);
    ull total = ss.msgs[0] + ss.msgs[1] + ss.msgs[2] + ss.msgs[3];
    fprintf(f, "trackdump: %llu messages: %llu ok, %llu malformed, %llu unsupported, %llu unknown; "
            "%zu devices\n", total, (ull)ss.msgs[TRK_OK], (ull)ss.msgs[TRK_MALFORMED],
            (ull)ss.msgs[TRK_UNSUPPORTED], (ull)ss.msgs[TRK_UNKNOWN], devices_count());
    if (ss.unanswered)
        fprintf(f, "trackdump: %llu requests not answered by the server (or not before the capture ended)\n",
                (ull)ss.unanswered);
    if (ss.mismatches || ss.unknown_flows)
        fprintf(f, "trackdump: %llu connections speak another protocol than their port's, "
                "%llu flows carry no tracker protocol\n", (ull)ss.mismatches, (ull)ss.unknown_flows);
    if (fs.gaps || ss.resyncs)
        fprintf(f, "trackdump: %llu capture gaps (%llu bytes lost, %llu buffered bytes discarded), "
                "%llu resynchronisations (%llu bytes skipped)\n", (ull)fs.gaps, (ull)fs.gap_bytes,
                (ull)ss.gap_dropped, (ull)ss.resyncs, (ull)ss.skipped);
    if (fs.nids_warnings || fs.ip_bad || p->link_bad || fs.frag_v6 || fs.evicted_live || cs.bad_frames ||
        fs.synth_refused)
        fprintf(f, "trackdump: anomalies: %llu bad link/IP headers, %llu bad TCP/UDP headers, "
                "%llu reassembly warnings, %llu IPv6 fragments not reassembled, %llu live connections "
                "evicted (flow table full), %llu frames longer than captured, %llu connections that "
                "could not be taken up mid-stream\n", (ull)p->link_bad, (ull)fs.ip_bad,
                (ull)fs.nids_warnings, (ull)fs.frag_v6, (ull)fs.evicted_live, (ull)cs.bad_frames,
                (ull)fs.synth_refused);
    if (cs.empty || cs.bad_time || cs.backwards)
        fprintf(f, "trackdump: capture anomalies: %llu empty frames, %llu impossible timestamps (replaced by "
                "the previous frame's), %llu frames stamped earlier than the frame before\n",
                (ull)cs.empty, (ull)cs.bad_time, (ull)cs.backwards);
    if (fs.syn_evicted)
        fprintf(f, "trackdump: flow table full (%zu flows): %llu half-open connections (a SYN alone) "
                "forgotten\n", fs.max_flows, (ull)fs.syn_evicted);
    if (fs.frag_v4)
        fprintf(f, "trackdump: %llu IPv4 fragments, %llu datagrams reassembled from them\n",
                (ull)fs.frag_v4, (ull)fs.frag_done);
}

void pipeline_capture_info(struct pipeline *p, struct capture_info *ci)
{
    struct capture_stats cs;
    struct flows_stats fs;
    struct session_stats ss;
    capture_get_stats(p->cap, &cs);
    flows_get_stats(&fs);
    session_get_stats(&ss);
    memset(ci, 0, sizeof *ci);
    ci->source = p->iface ? p->iface : p->file;
    ci->live = p->iface != NULL;
    ci->first_ns = p->first_ns;
    ci->last_ns = p->last_ns;
    ci->packets = cs.read;
    ci->have_drops = cs.have_kernel;
    ci->kernel_drops = cs.drop;
    ci->if_drops = cs.ifdrop;
    ci->conns = fs.tcp_conns;
    ci->udp_flows = fs.udp_flows;
    ci->gaps = fs.gaps;
    ci->gap_bytes = fs.gap_bytes;
    memcpy(ci->msgs, ss.msgs, sizeof ci->msgs);
    ci->unanswered = ss.unanswered;
}

void pipeline_close(struct pipeline *p)
{
    if (p->cap) capture_close(p->cap);
    p->cap = NULL;
    devices_free();             /* the tables pipeline_run filled */
    ports_reset();
    problems_reset();
}
