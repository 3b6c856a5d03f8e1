/* output.h: the message pipeline after the session layer: filters (-e, --imei,
 * --grep), the printer chosen once at start-up, -c, and the -w selection. */
#ifndef TRK_OUTPUT_H
#define TRK_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "filter.h"
#include "flows.h"
#include "msg.h"

struct output_cfg {
    FILE *out;
    bool json, hex, verbose, quiet, errors_only;
    struct regex *imei_re, *grep_re;
    long max_count;            /* -c: stop after this many messages shown (0 = no limit) */
};

void output_setup(const struct output_cfg *cfg);
/* a decoded message (c = NULL in `decode`, with `input` its 1-based input index) */
void output_message(void *ctx, struct trk_msg *m, const struct conn *c);
/* a request the server did not answer (see session_out) */
void output_unanswered(void *ctx, const struct trk_ack *a, const char *imei, const struct conn *c);
/* the connection is going away: write what it still holds */
void output_conn_release(struct conn *c);
void output_set_input(int input);
bool output_limit_reached(void);
unsigned long long output_shown(void);
/* write errors on the output stream (EPIPE counts as a clean stop) */
int output_flush(void);
void output_finish(void);

#endif
