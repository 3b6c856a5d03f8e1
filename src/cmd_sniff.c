/* cmd_sniff.c: the main job: capture (live or from a file), reassemble, decode
 * and print every tracker message; a summary on stderr at the end. */
#include <errno.h>
#include <getopt.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture.h"
#include "commands.h"
#include "filter.h"
#include "flows.h"
#include "linklayer.h"
#include "output.h"
#include "pcapout.h"
#include "portmap.h"
#include "session.h"

static volatile sig_atomic_t stop;
static int dlt;
static unsigned long long link_bad, link_other;

static void on_signal(int sig) { (void)sig; stop = 1; }

static void usage(FILE *f)
{
    fputs(
"Usage: trackdump [-i IFACE | -r FILE] [options] [BPF expression]\n"
"       trackdump decode [-P PROTO] [options] [HEX ... | -]\n"
"       trackdump protocols\n"
"\n"
"Capture tracker traffic, reassemble it and print every decoded message.\n"
"\n"
"Input:\n"
"  -i IFACE              capture live on IFACE (any, lo, eth0, ...)\n"
"  -r FILE               read a pcap or pcapng file; - reads standard input\n"
"  BPF expression        ANDed with the filter of the tracker ports\n"
"  --port PORT=PROTO     decode PORT as PROTO (repeatable; adds to the defaults)\n"
"  --auto                recognise the protocol of every flow on any port\n"
"  --verify-checksums    drop packets with bad IP/TCP/UDP checksums (off: offload)\n"
"  --idle-timeout SEC    close a connection silent this long (default 1800)\n"
"  --max-flows N         connections tracked at once (default 65536)\n"
"Output:\n"
"  -j, --json            JSON Lines, one object per message\n"
"  -x                    hex dump under each message\n"
"  -v                    every record and IO element\n"
"  -e, --errors          only malformed, unsupported and unknown messages\n"
"  --imei REGEX          only messages whose IMEI matches (PCRE2)\n"
"  --grep REGEX          only messages whose decoded line or payload matches\n"
"  -c COUNT              stop after COUNT messages shown\n"
"  -q                    no per-message output (summary only)\n"
"  -w FILE               write the packets of the shown connections to a pcap\n"
"  -h, --help            this help\n"
"  --version             versions of trackdump and its libraries\n"
"\n"
"Exit status: 0 done, 1 runtime error, 2 usage error.\n", f);
}

static void flow_open(void *ctx, struct conn *c) { session_open(ctx, c); }
static void flow_close(void *ctx, struct conn *c, enum conn_close_why why, int64_t ts)
{
    session_close(ctx, c, why, ts);
}
static void flow_release(void *ctx, struct conn *c) { pcapout_conn_closed(c); }
static void flow_frame(void *ctx, struct conn *c, const struct raw_frame *f) { pcapout_frame(c, f); }

static void on_frame(void *ctx, const struct raw_frame *f)
{
    struct l3pkt ip;
    enum ll_result r = ll_normalise(dlt, f->data, f->caplen, &ip);
    if (r == LL_TRUNCATED || r == LL_BAD_IP) link_bad++;
    else if (r == LL_NOT_IP) link_other++;
    flows_packet(r == LL_IP ? &ip : NULL, f);
    if (output_limit_reached()) stop = 1;
}

static void on_tick(void *ctx, int64_t now) { flows_tick(now); }

static long parse_num(const char *opt, const char *s, long lo, long hi)
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

static void summary(struct capture *cap)
{
    struct capture_stats cs;
    struct flows_stats fs;
    struct session_stats ss;
    capture_get_stats(cap, &cs);
    flows_get_stats(&fs);
    session_get_stats(&ss);
    fprintf(stderr, "trackdump: %llu packets read", (unsigned long long)cs.read);
    if (cs.have_kernel)
        fprintf(stderr, ", %llu dropped by the kernel, %llu dropped by the interface",
                (unsigned long long)cs.drop, (unsigned long long)cs.ifdrop);
    fputc('\n', stderr);
    fprintf(stderr, "trackdump: %llu connections (%llu picked up mid-stream), %llu udp flows; "
            "closed: %llu fin, %llu rst, %llu idle, %llu evicted, %llu reused, %llu open at end\n",
            (unsigned long long)fs.tcp_conns, (unsigned long long)fs.tcp_midstream,
            (unsigned long long)fs.udp_flows, (unsigned long long)fs.closed[CLOSE_FIN],
            (unsigned long long)fs.closed[CLOSE_RST], (unsigned long long)fs.closed[CLOSE_IDLE],
            (unsigned long long)fs.closed[CLOSE_EVICTED], (unsigned long long)fs.closed[CLOSE_REUSED],
            (unsigned long long)fs.closed[CLOSE_END]);
    if (fs.syn_unanswered || fs.syn_rst)
        fprintf(stderr, "trackdump: %llu SYNs never answered, %llu SYNs answered by RST\n",
                (unsigned long long)fs.syn_unanswered, (unsigned long long)fs.syn_rst);
    unsigned long long total = ss.msgs[0] + ss.msgs[1] + ss.msgs[2] + ss.msgs[3];
    fprintf(stderr, "trackdump: %llu messages: %llu ok, %llu malformed, %llu unsupported, %llu unknown\n",
            total, (unsigned long long)ss.msgs[TRK_OK], (unsigned long long)ss.msgs[TRK_MALFORMED],
            (unsigned long long)ss.msgs[TRK_UNSUPPORTED], (unsigned long long)ss.msgs[TRK_UNKNOWN]);
    if (ss.mismatches || ss.unknown_flows)
        fprintf(stderr, "trackdump: %llu connections speak another protocol than their port's, "
                "%llu flows carry no tracker protocol\n",
                (unsigned long long)ss.mismatches, (unsigned long long)ss.unknown_flows);
    if (fs.gaps || ss.resyncs)
        fprintf(stderr, "trackdump: %llu capture gaps (%llu bytes lost, %llu buffered bytes discarded), "
                "%llu resynchronisations (%llu bytes skipped)\n",
                (unsigned long long)fs.gaps, (unsigned long long)fs.gap_bytes,
                (unsigned long long)ss.gap_dropped, (unsigned long long)ss.resyncs,
                (unsigned long long)ss.skipped);
    if (fs.nids_warnings || fs.ip_bad || link_bad || fs.frag_v6 || fs.evicted_live || cs.bad_frames ||
        fs.synth_refused)
        fprintf(stderr, "trackdump: anomalies: %llu bad link/IP headers, %llu bad TCP/UDP headers, "
                "%llu reassembly warnings, %llu IPv6 fragments not reassembled, %llu live connections "
                "evicted (flow table full), %llu frames longer than captured, %llu connections that "
                "could not be taken up mid-stream\n",
                link_bad, (unsigned long long)fs.ip_bad, (unsigned long long)fs.nids_warnings,
                (unsigned long long)fs.frag_v6, (unsigned long long)fs.evicted_live,
                (unsigned long long)cs.bad_frames, (unsigned long long)fs.synth_refused);
    if (pcapout_active())
        fprintf(stderr, "trackdump: %llu packets written\n", pcapout_written());
    if (pcapout_queue_dropped())
        fprintf(stderr, "trackdump: %llu packets not written: a connection waited for its first "
                "matching message with more than 8 MB queued\n", pcapout_queue_dropped());
}

int cmd_sniff(int argc, char **argv)
{
    enum { O_PORT = 256, O_AUTO, O_VERIFY, O_IDLE, O_MAXFLOWS, O_IMEI, O_GREP, O_VERSION };
    static const struct option lo[] = {
        {"json", no_argument, 0, 'j'}, {"errors", no_argument, 0, 'e'}, {"help", no_argument, 0, 'h'},
        {"port", required_argument, 0, O_PORT}, {"auto", no_argument, 0, O_AUTO},
        {"verify-checksums", no_argument, 0, O_VERIFY}, {"idle-timeout", required_argument, 0, O_IDLE},
        {"max-flows", required_argument, 0, O_MAXFLOWS}, {"imei", required_argument, 0, O_IMEI},
        {"grep", required_argument, 0, O_GREP}, {"version", no_argument, 0, O_VERSION}, {0, 0, 0, 0}};
    static struct portmap pm;
    const char *iface = NULL, *file = NULL, *wfile = NULL;
    struct output_cfg oc = {0};
    struct flows_cfg fc = {0};
    char err[512];
    int c;
    oc.out = stdout;
    fc.max_flows = 65536;
    fc.idle_ns = 1800LL * 1000000000LL;
    fc.embryonic_ns = 60LL * 1000000000LL;
    portmap_defaults(&pm);
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+i:r:w:c:jxveqh", lo, NULL)) != -1) {
        switch (c) {
        case 'i': iface = optarg; break;
        case 'r': file = optarg; break;
        case 'w': wfile = optarg; break;
        case 'c': oc.max_count = parse_num("-c", optarg, 1, 0x7fffffffL); break;
        case 'j': oc.json = true; break;
        case 'x': oc.hex = true; break;
        case 'v': oc.verbose = true; break;
        case 'e': oc.errors_only = true; break;
        case 'q': oc.quiet = true; break;
        case 'h': usage(stdout); return 0;
        case O_VERSION: print_version(stdout); return 0;
        case O_PORT:
            if (portmap_add(&pm, optarg, err, sizeof err) < 0) { fprintf(stderr, "trackdump: %s\n", err); return 2; }
            break;
        case O_AUTO: pm.auto_detect = true; break;
        case O_VERIFY: fc.verify_checksums = true; break;
        case O_IDLE: fc.idle_ns = parse_num("--idle-timeout", optarg, 1, 86400 * 30) * 1000000000LL; break;
        case O_MAXFLOWS: fc.max_flows = (size_t)parse_num("--max-flows", optarg, 16, 50000000); break;
        case O_IMEI:
        case O_GREP: {
            struct regex *re = regex_compile(optarg, err, sizeof err);
            if (!re) { fprintf(stderr, "trackdump: %s %s\n", c == O_IMEI ? "--imei:" : "--grep:", err); return 2; }
            if (c == O_IMEI) oc.imei_re = re; else oc.grep_re = re;
            break;
        }
        case '?':
        default:
            if (optopt && strchr("irwc", optopt))
                fprintf(stderr, "trackdump: option -%c needs an argument\n", optopt);
            else if (optopt)
                fprintf(stderr, "trackdump: unknown option -%c\n", optopt);
            else
                fprintf(stderr, "trackdump: unknown option '%s'\n", argv[optind - 1]);
            fprintf(stderr, "Try 'trackdump --help'.\n");
            return 2;
        }
    }
    if (optind < argc && (strcmp(argv[optind], "top") == 0 || strcmp(argv[optind], "report") == 0)) {
        fprintf(stderr, "trackdump: '%s' is not available in this version\n", argv[optind]);
        return 2;
    }
    if (!!iface == !!file) {
        fprintf(stderr, "trackdump: give either -i IFACE or -r FILE\nTry 'trackdump --help'.\n");
        return 2;
    }
    char user_bpf[4096] = "";
    for (int i = optind, o = 0; i < argc; i++) {
        int k = snprintf(user_bpf + o, sizeof user_bpf - (size_t)o, "%s%s", o ? " " : "", argv[i]);
        if (k < 0 || (size_t)k >= sizeof user_bpf - (size_t)o) { fprintf(stderr, "trackdump: filter expression too long\n"); return 2; }
        o += k;
    }

    struct capture *cap = iface ? capture_open_live(iface, err, sizeof err) : capture_open_file(file, err, sizeof err);
    if (!cap) { fprintf(stderr, "trackdump: %s\n", err); return 1; }
    dlt = capture_dlt(cap);
    if (!ll_supported(dlt)) {
        fprintf(stderr, "trackdump: link type %d (%s) is not supported\n", dlt,
                pcap_datalink_val_to_name(dlt) ? pcap_datalink_val_to_name(dlt) : "?");
        capture_close(cap);
        return 1;
    }
    char tracker_bpf[65536];
    portmap_bpf(&pm, tracker_bpf, sizeof tracker_bpf);
    if (capture_set_filter(cap, tracker_bpf, user_bpf, err, sizeof err) < 0) {
        fprintf(stderr, "trackdump: %s\n", err);
        capture_close(cap);
        return 2;
    }
    if (wfile && pcapout_open(capture_pcap(cap), wfile,
                              oc.errors_only || oc.imei_re || oc.grep_re, err, sizeof err) < 0) {
        fprintf(stderr, "trackdump: %s\n", err);
        capture_close(cap);
        return 1;
    }
    struct stat sst;
    if (iface || (fstat(fileno(stdout), &sst) == 0 && S_ISFIFO(sst.st_mode)))
        setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGPIPE, SIG_IGN);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    output_setup(&oc);
    session_setup(&pm, output_message, NULL);
    fc.is_server_port = portmap_is_server;
    fc.port_ctx = &pm;
    struct flow_sink sink = {NULL, flow_open, session_data, flow_close, session_datagram, flow_frame,
                             NULL, flow_release};
    if (flows_init(&fc, &sink, err, sizeof err) < 0) {
        fprintf(stderr, "trackdump: %s\n", err);
        capture_close(cap);
        return 1;
    }
    if (iface)
        fprintf(stderr, "trackdump: listening on %s, link type %s, snapshot length 262144 bytes\n",
                iface, ll_name(dlt));
    int rc = capture_run(cap, on_frame, on_tick, NULL, &stop, err, sizeof err);
    flows_finish();
    int status = 0;
    if (rc < 0) { fprintf(stderr, "trackdump: %s\n", err); status = 1; }
    if (output_flush() < 0 && errno != EPIPE) {
        fprintf(stderr, "trackdump: cannot write the output: %s\n", strerror(errno));
        status = 1;
    }
    if (pcapout_close(err, sizeof err) < 0) { fprintf(stderr, "trackdump: %s\n", err); status = 1; }
    summary(cap);
    output_finish();
    regex_free(oc.imei_re);
    regex_free(oc.grep_re);
    capture_close(cap);
    return status;
}
