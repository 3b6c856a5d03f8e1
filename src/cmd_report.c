/* cmd_report.c: `trackdump report`: reads a capture (or a live window of -G
 * seconds) through the whole pipeline without printing messages, then prints
 * the diagnosis: findings, ports and devices. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "devices.h"
#include "diagnose.h"
#include "expect.h"
#include "pipeline.h"
#include "ports.h"
#include "report.h"

static void usage(FILE *f)
{
    fputs(
"Usage: trackdump report [-i IFACE -G SECONDS | -r FILE] [options] [BPF expression]\n"
"\n"
"Diagnose a capture: why devices are offline, late or not parsed.  Findings\n"
"(port-closed, port-unanswered, no-traffic, server-clock-skew, device-clock,\n"
"devices-silent, server-rejects, server-not-responding, reconnect-churn,\n"
"malformed-messages, unsupported-messages, protocol-mismatch, capture-loss)\n"
"with evidence and the action to take, then the ports and the devices, worst\nfirst.\n"
"\n"
"Input:\n", f);
    fputs(pipeline_help, f);
    fputs(
"  -G SECONDS            with -i: capture for SECONDS, then report\n"
"  --expect FILE         CSV of expected devices: imei[,model,carrier,port];\n"
"                        the ones never seen are reported and grouped\n"
"Output:\n"
"  --format FORMAT       text (default), markdown (for a ticket) or json\n"
"  -o FILE               write the report to FILE instead of standard output\n"
"  -h, --help            this help\n"
"\n"
"Exit status: 0 done (whatever the findings), 1 runtime error, 2 usage error.\n", f);
}

int cmd_report(int argc, char **argv)
{
    enum { O_FORMAT = 256, O_EXPECT };
    static const struct option lo[] = {
        {"help", no_argument, 0, 'h'}, {"format", required_argument, 0, O_FORMAT},
        {"expect", required_argument, 0, O_EXPECT}, PIPELINE_LONG_OPTIONS, {0, 0, 0, 0}};
    static struct pipeline pl;
    enum report_format fmt = REPORT_TEXT;
    const char *expect_file = NULL, *ofile = NULL;
    struct expect_list ex = {0};
    char err[512];
    int c;
    pipeline_init(&pl);
    ports_reset();
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+i:r:G:o:Z:h", lo, NULL)) != -1) {
        if (pipeline_option(&pl, c, optarg)) continue;
        switch (c) {
        case 'G': pl.seconds = pipeline_num("-G", optarg, 1, 86400 * 7); break;
        case 'o': ofile = optarg; break;
        case 'h': usage(stdout); return 0;
        case O_FORMAT:
            if (strcmp(optarg, "text") == 0) fmt = REPORT_TEXT;
            else if (strcmp(optarg, "markdown") == 0 || strcmp(optarg, "md") == 0) fmt = REPORT_MARKDOWN;
            else if (strcmp(optarg, "json") == 0) fmt = REPORT_JSON;
            else { fprintf(stderr, "trackdump: --format is text, markdown or json, not '%s'\n", optarg); return 2; }
            break;
        case O_EXPECT: expect_file = optarg; break;
        default:
            return pipeline_bad_option(optopt, argv[optind - 1], "irGo");
        }
    }
    int rc = pipeline_args(&pl, argc, argv, optind);
    if (rc) return rc;
    if (expect_file) {
        if (expect_load(expect_file, &ex, err, sizeof err) < 0) { fprintf(stderr, "trackdump: %s\n", err); return 1; }
        for (size_t i = 0; i < ex.n; i++)
            if (ex.v[i].port) ports_configured(ex.v[i].port);
    }
    FILE *out = stdout;
    if (ofile && !(out = fopen(ofile, "w"))) {
        fprintf(stderr, "trackdump: cannot write '%s': %s\n", ofile, strerror(errno));
        expect_free(&ex);
        return 1;
    }
    rc = pipeline_open(&pl);
    if (rc) { pipeline_close(&pl); if (out != stdout) fclose(out); expect_free(&ex); return rc; }
    int status = pipeline_run(&pl);

    struct capture_info ci;
    pipeline_capture_info(&pl, &ci);
    struct diagnosis d;
    diagnose(&d, &ci, expect_file ? &ex : NULL);
    if (fmt == REPORT_JSON) report_json(out, &d);
    else report_document(out, &d, fmt);
    if (fflush(out) != 0 || ferror(out)) {
        if (errno != EPIPE) {
            fprintf(stderr, "trackdump: cannot write the report: %s\n", strerror(errno));
            status = 1;
        }
    }
    if (out != stdout && fclose(out) != 0) {
        fprintf(stderr, "trackdump: cannot write '%s': %s\n", ofile, strerror(errno));
        status = 1;
    }
    diagnosis_free(&d);
    devices_free();
    expect_free(&ex);
    pipeline_close(&pl);
    return status;
}
