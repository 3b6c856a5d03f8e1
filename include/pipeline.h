/* pipeline.h: what every capturing command (the main job, report, top) shares:
 * the input options, capture -> link layer -> flows -> session, the device
 * table fed from every connection and message, the run loop and the summary. */
#ifndef TRK_PIPELINE_H
#define TRK_PIPELINE_H

#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "capture.h"
#include "flows.h"
#include "portmap.h"
#include "session.h"

struct pipeline {
    /* options */
    const char *iface, *file;
    char bpf[4096];            /* the user's expression (words after the options) */
    struct portmap pm;
    struct flows_cfg fc;
    long seconds;              /* -G: stop a live capture after this long (0: until interrupted) */
    const char *drop_user;     /* -Z: the user to become once the capture is open (see privdrop.h) */
    /* where messages go after the device table (may be NULL) */
    struct session_out out;
    /* packets of connections, for a pcap writer (may be NULL) */
    void (*frame)(struct conn *c, const struct raw_frame *f);
    void (*release)(struct conn *c);
    /* after every packet: true stops the capture (e.g. -c reached) */
    bool (*should_stop)(void);
    /* from the run loop, at least every 100 ms of a live capture (and of a
     * replayed file): true stops the capture.  now_ns: the wall clock */
    bool (*tick)(int64_t now_ns);
    /* a file replayed for an interactive view (see capture_set_replay) */
    bool replay, hold;
    double speed;
    int wake_fd;               /* a terminal the run loop also waits on (-1: none) */
    /* state */
    struct capture *cap;
    int dlt;
    uint64_t link_bad, link_other;
    int64_t first_ns, last_ns; /* capture times of the first and last packet */
};

/* long options every capturing command takes, and their codes */
enum {
    PL_PORT = 1000, PL_AUTO, PL_VERIFY, PL_IDLE, PL_MAXFLOWS,
};
#define PIPELINE_LONG_OPTIONS \
    {"port", required_argument, 0, PL_PORT}, {"auto", no_argument, 0, PL_AUTO}, \
    {"verify-checksums", no_argument, 0, PL_VERIFY}, {"idle-timeout", required_argument, 0, PL_IDLE}, \
    {"max-flows", required_argument, 0, PL_MAXFLOWS}
/* the help lines of those options (and -i, -r, BPF) */
extern const char pipeline_help[];

void pipeline_init(struct pipeline *p);
/* -i, -r, -Z and the long options above: 1 taken, 0 not one of them; exits 2 on a bad value */
int pipeline_option(struct pipeline *p, int c, const char *arg);
/* the BPF words after the options; checks -i/-r.  0 or an exit status (2) with the message printed */
int pipeline_args(struct pipeline *p, int argc, char **argv, int first);
/* opens the capture and sets the filter.  0, or an exit status with the message printed */
int pipeline_open(struct pipeline *p);
/* drops root (-Z, or nobody for a live capture: files to write must be open by now), then
 * runs until the input ends or a signal / should_stop / -G stops it.  0, or 1 with the message printed */
int pipeline_run(struct pipeline *p);
/* the statistics lines (stderr at the end of a run) */
void pipeline_summary(struct pipeline *p, FILE *f);
bool pipeline_interrupted(void);
/* what the run read, for the diagnosis (capture_info in diagnose.h) */
struct capture_info;
void pipeline_capture_info(struct pipeline *p, struct capture_info *ci);
void pipeline_close(struct pipeline *p);

/* "-G", "--port", ...: a number from lo to hi, else a usage error (exit 2) */
long pipeline_num(const char *opt, const char *s, long lo, long hi);
/* the common usage error for an unknown option or a missing argument (returns 2) */
int pipeline_bad_option(int optopt_c, const char *word, const char *with_arg);

#endif
