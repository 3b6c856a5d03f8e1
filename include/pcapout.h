/* pcapout.h: -w, the packets of the selected connections written as a pcap. */
#ifndef TRK_PCAPOUT_H
#define TRK_PCAPOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "flows.h"

struct pcap;
/* opens `path` with the link type and snaplen of the capture `src` */
int pcapout_open(struct pcap *src, const char *path, bool select_by_message, char *err, size_t errlen);
void pcapout_frame(struct conn *c, const struct raw_frame *f);
/* a message of c passed the filters: write what waited, and all that comes */
void pcapout_select(struct conn *c);
/* c closed: what waits for a decision is dropped */
void pcapout_conn_closed(struct conn *c);
/* flush and close; -1 with err on a write error (disk full, ...) */
int pcapout_close(char *err, size_t errlen);
bool pcapout_active(void);
unsigned long long pcapout_written(void);
/* packets of undecided connections not kept (a connection's queue was full) */
unsigned long long pcapout_queue_dropped(void);

#endif
