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
#include "color.h"
#include "commands.h"
#include "filter.h"
#include "flows.h"
#include "linklayer.h"
#include "output.h"
#include "pcapout.h"
#include "portmap.h"
#include "pipeline.h"
#include "printers.h"
#include "session.h"

static void usage(FILE *f)
{
    fputs(
"Usage: trackdump [-i IFACE | -r FILE] [options] [BPF expression]\n"
"       trackdump report [-i IFACE -G SECONDS | -r FILE] [options] [BPF expression]\n"
"       trackdump top [-i IFACE | -r FILE] [options] [BPF expression]\n"
"       trackdump decode [-P PROTO] [options] [HEX ... | -]\n"
"       trackdump protocols\n"
"\n"
"Capture tracker traffic, reassemble it and print every decoded message.\n"
"\n"
"Input:\n", f);
    fputs(pipeline_help, f);
    fputs(
"Output:\n"
"  -j, --json            JSON Lines, one object per message (\"schema\" first)\n"
"  -x                    hex dump under each message\n"
"  -v                    every record and IO element\n"
"  -e, --errors          only malformed, unsupported and unknown messages\n"
"  --imei REGEX          only messages whose IMEI matches (PCRE2)\n"
"  --grep REGEX          only messages whose decoded line or payload matches\n"
"  -c COUNT              stop after COUNT messages shown\n"
"  -q                    no per-message output (summary only)\n"
"  -w FILE               write the packets of the shown connections to a pcap\n"
"  --localtime           capture times in local time with the UTC offset\n"
"                        (default: UTC)\n"
"  --no-color            no colour (default: colour on a terminal, unless NO_COLOR)\n"
"  -n                    accepted for tcpdump habits: addresses are always numeric\n"
"  -h, --help            this help\n"
"  --version             versions of trackdump and its libraries\n"
"\n"
"A request's line ends with how the server answered it: ack=12ms,\n"
"ack=wrong(...), ack=rejected(15ms), ack=missing(resent|timeout|closed|overflow)\n"
"or ack=pending (the capture ended first).  The summary goes to standard error.\n"
"\n"
"Exit status: 0 done, 1 runtime error, 2 usage error.\n", f);
}

static void release(struct conn *c)
{
    output_conn_release(c);
    pcapout_conn_closed(c);
}

int cmd_sniff(int argc, char **argv)
{
    enum { O_IMEI = 256, O_GREP, O_VERSION, O_LOCALTIME, O_NOCOLOR };
    static const struct option lo[] = {
        {"json", no_argument, 0, 'j'}, {"errors", no_argument, 0, 'e'}, {"help", no_argument, 0, 'h'},
        {"imei", required_argument, 0, O_IMEI}, {"grep", required_argument, 0, O_GREP},
        {"version", no_argument, 0, O_VERSION}, {"localtime", no_argument, 0, O_LOCALTIME},
        {"no-color", no_argument, 0, O_NOCOLOR}, PIPELINE_LONG_OPTIONS, {0, 0, 0, 0}};
    static struct pipeline pl;
    const char *wfile = NULL;
    struct output_cfg oc = {0};
    bool no_color = false;
    char err[512];
    int c;
    oc.out = stdout;
    pipeline_init(&pl);
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+i:r:w:c:jxveqnhZ:", lo, NULL)) != -1) {
        if (pipeline_option(&pl, c, optarg)) continue;
        switch (c) {
        case 'w': wfile = optarg; break;
        case 'c': oc.max_count = pipeline_num("-c", optarg, 1, 0x7fffffffL); break;
        case 'j': oc.json = true; break;
        case 'x': oc.hex = true; break;
        case 'v': oc.verbose = true; break;
        case 'e': oc.errors_only = true; break;
        case 'q': oc.quiet = true; break;
        case 'n': break;                     /* addresses are never resolved */
        case O_LOCALTIME: print_localtime(true); break;
        case O_NOCOLOR: no_color = true; break;
        case 'h': usage(stdout); return 0;
        case O_VERSION: print_version(stdout); return 0;
        case O_IMEI:
        case O_GREP: {
            struct regex *re = regex_compile(optarg, err, sizeof err);
            if (!re) { fprintf(stderr, "trackdump: %s %s\n", c == O_IMEI ? "--imei:" : "--grep:", err); return 2; }
            if (c == O_IMEI) oc.imei_re = re; else oc.grep_re = re;
            break;
        }
        default:
            return pipeline_bad_option(optopt, argv[optind - 1], "irwc");
        }
    }
    int rc = pipeline_args(&pl, argc, argv, optind);
    if (rc) return rc;
    rc = pipeline_open(&pl);
    if (rc) { pipeline_close(&pl); return rc; }
    if (wfile && pcapout_open(capture_pcap(pl.cap), wfile,
                              oc.errors_only || oc.imei_re || oc.grep_re, err, sizeof err) < 0) {
        fprintf(stderr, "trackdump: %s\n", err);
        pipeline_close(&pl);
        return 1;
    }
    /* a line as soon as it is decoded when a reader waits on the other end
     * (trackdump ... | grep); a terminal is line-buffered already */
    struct stat sst;
    if (pl.iface || (fstat(fileno(stdout), &sst) == 0 && (S_ISFIFO(sst.st_mode) || S_ISSOCK(sst.st_mode))))
        setvbuf(stdout, NULL, _IOLBF, 0);
    /* --grep matches the rendered line, which must not carry colour */
    color_setup(stdout, no_color || oc.json);

    output_setup(&oc);
    pl.out = (struct session_out){NULL, output_message, output_unanswered};
    pl.frame = pcapout_frame;
    pl.release = release;
    pl.should_stop = output_limit_reached;
    int status = pipeline_run(&pl);
    if (output_flush() < 0 && errno != EPIPE) {
        fprintf(stderr, "trackdump: cannot write the output: %s\n", strerror(errno));
        status = 1;
    }
    bool written_ok = true;
    if (pcapout_close(err, sizeof err) < 0) { fprintf(stderr, "trackdump: %s\n", err); status = 1; written_ok = false; }
    pipeline_summary(&pl, stderr);
    if (pcapout_active() && written_ok)      /* after a write error the count would claim too much */
        fprintf(stderr, "trackdump: %llu packets written\n", pcapout_written());
    if (pcapout_queue_dropped())
        fprintf(stderr, "trackdump: %llu packets not written: a connection waited for its first "
                "matching message with more than 8 MB queued\n", pcapout_queue_dropped());
    output_finish();
    regex_free(oc.imei_re);
    regex_free(oc.grep_re);
    pipeline_close(&pl);
    return status;
}
