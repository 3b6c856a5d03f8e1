/* capture.h: our own libpcap loop: live interfaces and capture files. */
#ifndef TRK_CAPTURE_H
#define TRK_CAPTURE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flows.h"

struct capture;
typedef void (*capture_cb)(void *ctx, const struct raw_frame *f);
typedef void (*capture_tick_fn)(void *ctx, int64_t now_ns);

struct capture *capture_open_file(const char *path, char *err, size_t errlen);
struct capture *capture_open_live(const char *iface, char *err, size_t errlen);
int capture_dlt(const struct capture *c);
bool capture_is_live(const struct capture *c);
struct pcap *capture_pcap(struct capture *c);
/* the default filter for this link type from the tracker filter, ANDed with the user's */
int capture_set_filter(struct capture *c, const char *tracker, const char *user, char *err, size_t errlen);
const char *capture_filter(const struct capture *c);
/* Runs until the file ends, *stop becomes true, or an error.  0 = done, -1 = error (err). */
int capture_run(struct capture *c, capture_cb cb, capture_tick_fn tick, void *ctx,
                volatile sig_atomic_t *stop, char *err, size_t errlen);
struct capture_stats {
    uint64_t read;             /* frames that passed the filter */
    uint64_t drop, ifdrop;     /* live: dropped by the kernel, by the interface */
    bool have_kernel;
    uint64_t bad_frames;       /* captured length above 256 KiB or above the frame's length */
    uint64_t empty;            /* frames with nothing captured (not filtered, not counted in read) */
    uint64_t bad_time;         /* impossible timestamps, replaced by the previous frame's */
    uint64_t backwards;        /* frames earlier than the frame before them */
};
void capture_get_stats(struct capture *c, struct capture_stats *s);

/* Replay of a file for an interactive view (set before capture_run):
 *   speed     > 0: packets are delivered at their capture pace times speed
 *             (1 = as captured); 0: as fast as possible
 *   hold      at the end of the file, keep calling tick until *stop
 * Then tick runs at least every 50 ms of wall time, also from a file; its
 * now_ns is the wall clock, not the capture's. */
void capture_set_replay(struct capture *c, double speed, bool hold);
/* also wait on fd (a terminal), so tick runs as soon as it is readable */
void capture_set_wake_fd(struct capture *c, int fd);
/* a replayed file has been read to its end (and is held there) */
bool capture_at_end(const struct capture *c);
void capture_close(struct capture *c);

#endif
