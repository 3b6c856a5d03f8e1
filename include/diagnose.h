/* diagnose.h: turns the device, port and problem tables into findings: each
 * with a stable id, a severity, one sentence, the evidence (numbers and
 * examples), the devices concerned and what to do next (DESIGN.md §4). */
#ifndef TRK_DIAGNOSE_H
#define TRK_DIAGNOSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices.h"
#include "expect.h"

enum severity { SEV_CRITICAL = 0, SEV_WARNING, SEV_INFO };

#define EV_MAX 24
#define EX_MAX 6

struct ev_item {
    char key[32];
    char val[200];
    bool num;                  /* val is a JSON number */
};

struct finding {
    const char *id;
    enum severity sev;
    char summary[400];
    char action[400];
    struct ev_item ev[EV_MAX];
    unsigned nev;
    char examples[EX_MAX][400];   /* one line each: what, when, who, and hex where it applies */
    unsigned nex;
    char **devices;            /* IMEIs (owned) */
    size_t ndevices;
};

/* what the capture was */
struct capture_info {
    const char *source;        /* file name or interface */
    bool live;
    int64_t first_ns, last_ns;
    uint64_t packets, kernel_drops, if_drops;
    bool have_drops;
    uint64_t conns, udp_flows, msgs[4], unanswered;
    uint64_t gaps, gap_bytes;  /* holes in TCP streams: packets the capture missed */
};

struct diagnosis {
    struct capture_info cap;
    struct finding *f;
    size_t n;
    struct device **dev;       /* every device, worst first */
    size_t ndev;
    const struct expect_list *expect;
};

/* the per-device judgement the device list shows */
struct device_view {
    bool silent, never_seen;
    int64_t silent_ms;         /* capture end - last message */
    const char *state;         /* "online", "silent", "closed", "rejected" */
    int score;                 /* higher = worse */
};

void diagnose(struct diagnosis *d, const struct capture_info *cap, const struct expect_list *expect);
void diagnosis_free(struct diagnosis *d);
void device_view(const struct diagnosis *d, const struct device *v, struct device_view *o);
const char *severity_name(enum severity s);
/* "3 h 0 min", "12.5 s", "1024 weeks" ... for a duration in ms (sign dropped) */
void fmt_duration_ms(int64_t ms, char *buf, size_t n);

#endif
