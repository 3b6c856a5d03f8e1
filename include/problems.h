/* problems.h: malformed and unsupported messages grouped by protocol,
 * direction, message type and the shape of the problem text (numbers taken
 * out), with counts, the devices involved and the first examples' bytes, so
 * that a firmware change is one group, not a flood. */
#ifndef TRK_PROBLEMS_H
#define TRK_PROBLEMS_H

#include <stdint.h>

#include "flows.h"
#include "msg.h"

#define PROBLEM_GROUPS_MAX 1024  /* groups kept; messages of further shapes are counted apart */
#define PROBLEM_EXAMPLES 3
#define PROBLEM_DEVICES 8
#define PROBLEM_HEX_MAX 64       /* bytes of each example kept */

struct problem_example {
    int64_t ts_ns;
    const char *proto;
    char imei[TRK_IMEI_MAX];
    char problem[TRK_PROBLEM_MAX];
    uint8_t raw[PROBLEM_HEX_MAX];
    size_t rawlen, fulllen;
};

struct problem_group {
    const char *proto, *type;
    enum trk_dir dir;
    enum trk_status status;
    char shape[TRK_PROBLEM_MAX];   /* the problem text with numbers as N */
    uint64_t count;
    char devices[PROBLEM_DEVICES][TRK_IMEI_MAX];
    unsigned ndevices;             /* kept */
    uint64_t devices_total;        /* distinct devices (exact up to PROBLEM_DEVICES, then at least) */
    struct problem_example ex[PROBLEM_EXAMPLES];
    unsigned nex;
};

void problems_reset(void);
void problems_message(const struct trk_msg *m, const struct conn *c);
/* the groups, largest first */
struct problem_group **problems_list(size_t *n);
/* the messages of status s (malformed or unsupported) whose shape found no
 * room once PROBLEM_GROUPS_MAX groups were made: their count, devices and
 * first examples; proto, type and shape are not set (they differ) */
const struct problem_group *problems_ungrouped(enum trk_status s);

#endif
