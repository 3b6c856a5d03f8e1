/* cmd_top.c: `trackdump top`: the full-screen view of the traffic per device,
 * live (-i) or from a file (-r) replayed at its capture pace (--speed), then
 * held at its end until q.  The options, the wiring of the pipeline's hooks
 * to the view, and the summary printed once the terminal is restored. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "devices.h"
#include "expect.h"
#include "pipeline.h"
#include "ports.h"
#include "tui.h"

static void usage(FILE *f)
{
    fputs(
"Usage: trackdump top [-i IFACE | -r FILE] [options] [BPF expression]\n"
"\n"
"A full-screen view of the traffic per device: meters, one row per IMEI,\n"
"each device's messages and each message decoded over its hex dump.\n"
"Press ? in the view for every key.\n"
"\n"
"Input:\n", f);
    fputs(pipeline_help, f);
    fputs(
"  --speed N|max         replay a file N times its capture pace (default 1),\n"
"                        or as fast as possible; the view then holds at its end\n"
"  --expect FILE         CSV of expected devices: imei[,model,carrier,port];\n"
"                        the ones never seen are counted in the header\n"
"View:\n"
"  --no-color            monochrome (also when NO_COLOR is set)\n"
"  --keep N              messages kept per device for drill-down (default 200)\n"
"  --memory MB           memory for kept messages and packets (default 512)\n"
"  -h, --help            this help\n"
"\n"
"Exit status: 0 done, 1 runtime error, 2 usage error.\n", f);
}

static double parse_speed(const char *s)
{
    if (strcmp(s, "max") == 0) return 0;
    char *end;
    double v = strtod(s, &end);
    if (*end || end == s || !(v >= 0.001 && v <= 1e6)) {
        fprintf(stderr, "trackdump: --speed takes a factor from 0.001 to 1000000 or 'max', not '%s'\n", s);
        exit(2);
    }
    return v;
}

static void release(struct conn *c) { tui_model_release(c); }

int cmd_top(int argc, char **argv)
{
    enum { O_SPEED = 256, O_EXPECT, O_NOCOLOR, O_KEEP, O_MEMORY };
    static const struct option lo[] = {
        {"help", no_argument, 0, 'h'}, {"speed", required_argument, 0, O_SPEED},
        {"expect", required_argument, 0, O_EXPECT}, {"no-color", no_argument, 0, O_NOCOLOR},
        {"keep", required_argument, 0, O_KEEP}, {"memory", required_argument, 0, O_MEMORY},
        PIPELINE_LONG_OPTIONS, {0, 0, 0, 0}};
    static struct pipeline pl;
    struct expect_list ex = {0};
    const char *expect_file = NULL;
    double speed = 1;
    const char *no_color = getenv("NO_COLOR");
    bool color = !(no_color && no_color[0]);
    long keep = 200, memory_mb = 512;
    char err[512];
    int c;
    pipeline_init(&pl);
    ports_reset();
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+i:r:Z:h", lo, NULL)) != -1) {
        if (pipeline_option(&pl, c, optarg)) continue;
        switch (c) {
        case 'h': usage(stdout); return 0;
        case O_SPEED: speed = parse_speed(optarg); break;
        case O_EXPECT: expect_file = optarg; break;
        case O_NOCOLOR: color = false; break;
        case O_KEEP: keep = pipeline_num("--keep", optarg, 1, 100000); break;
        case O_MEMORY: memory_mb = pipeline_num("--memory", optarg, 16, 1 << 20); break;
        default: return pipeline_bad_option(optopt, argv[optind - 1], "ir");
        }
    }
    int rc = pipeline_args(&pl, argc, argv, optind);
    if (rc) return rc;
    if (pl.file && strcmp(pl.file, "-") == 0) {
        fprintf(stderr, "trackdump: top reads its keys from standard input: give the capture as a file, not -r -\n");
        return 2;
    }
    if (expect_file) {
        if (expect_load(expect_file, &ex, err, sizeof err) < 0) { fprintf(stderr, "trackdump: %s\n", err); return 1; }
        for (size_t i = 0; i < ex.n; i++)
            if (ex.v[i].port) ports_configured(ex.v[i].port);
    }
    rc = pipeline_open(&pl);
    if (rc) { pipeline_close(&pl); expect_free(&ex); return rc; }

    size_t mem = (size_t)memory_mb << 20;
    msglog_setup((size_t)keep, mem / 3);
    pktlog_setup(2u << 20, mem - mem / 3);
    memset(&T, 0, sizeof T);
    T.pl = &pl;
    T.expect = expect_file ? &ex : NULL;
    T.source = pl.iface ? pl.iface : pl.file;
    T.user_filter = pl.bpf;
    T.live = pl.iface != NULL;
    T.color = color;
    T.sort_col = COL_IMEI;
    T.need_draw = true;
    if (tui_screen_open(color, err, sizeof err) < 0) {
        fprintf(stderr, "trackdump: %s\n", err);
        pipeline_close(&pl);
        expect_free(&ex);
        return 1;
    }
    pl.out = (struct session_out){NULL, tui_model_message, tui_model_unanswered};
    pl.frame = tui_model_frame;
    pl.release = release;
    pl.tick = tui_tick;
    pl.replay = true;
    pl.speed = speed;
    pl.hold = true;
    pl.wake_fd = STDIN_FILENO;
    int status = pipeline_run(&pl);
    tui_findings_stop();
    tui_screen_close();
    pipeline_summary(&pl, stderr);
    regex_free(T.filter);
    tui_model_free();
    devices_free();
    expect_free(&ex);
    pipeline_close(&pl);
    return status;
}
