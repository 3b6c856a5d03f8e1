/* fuzz_session.c: libFuzzer target for the session layer: a byte stream cut
 * into random chunks, in both directions, with capture gaps, through the
 * session (protocol choice, framing, identity, request/ACK pairing) and the
 * printers.
 * Input: [protocol index][flags][seed lo][seed hi] then the stream.
 *   protocol index: a dissector mapped on the server port, or (past the last
 *   one) an unmapped port read with --auto;
 *   flags: 1 UDP, 2 capture gaps, 4 both directions, 8 JSON, 16 hex and verbose,
 *   32 the connection ends by FIN (else the capture ends). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dissect.h"
#include "output.h"
#include "session.h"

static struct portmap pm;
static size_t ndissectors;

static void check_msg(const struct trk_msg *m)
{
    if (!m->proto || !m->type || m->status > TRK_UNKNOWN) __builtin_trap();
    if (m->rawlen && !m->raw) __builtin_trap();
    volatile uint8_t x = 0;
    for (size_t i = 0; i < m->rawlen; i++) x ^= m->raw[i];
    (void)x;
    if (strnlen(m->imei, sizeof m->imei) == sizeof m->imei) __builtin_trap();
    if (strnlen(m->problem, sizeof m->problem) == sizeof m->problem) __builtin_trap();
    if ((m->status == TRK_OK) != (m->problem[0] == 0)) __builtin_trap();
    if (m->has_problem_span && (m->status == TRK_OK || m->problem_len == 0 || m->problem_off > m->rawlen ||
                                m->problem_len > m->rawlen - m->problem_off))
        __builtin_trap();
    if (m->nrec > TRK_MAX_REC || m->nio > TRK_MAX_IO || m->nfield > TRK_MAX_FIELDS) __builtin_trap();
    for (size_t i = 0; i < m->nrec; i++)
        if ((size_t)m->rec[i].io_first + m->rec[i].io_count > m->nio) __builtin_trap();
    for (size_t i = 0; i < m->nfield; i++)
        if (!m->field[i].key) __builtin_trap();
}

static void on_message(void *ctx, struct trk_msg *m, const struct conn *c)
{
    check_msg(m);
    output_message(ctx, m, c);
}

static uint32_t rng;
static uint32_t next(void)
{
    rng ^= rng << 13; rng ^= rng >> 17; rng ^= rng << 5;
    return rng;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4) return 0;
    if (!ndissectors) while (trk_dissectors[ndissectors]) ndissectors++;
    size_t pick = data[0] % (ndissectors + 1);
    uint8_t flags = data[1];
    rng = (uint32_t)data[2] | (uint32_t)data[3] << 8 | 0x10000u;
    data += 4;
    size = size - 4;

    unsigned transport = (flags & 1) ? TRK_UDP : TRK_TCP;
    portmap_defaults(&pm);
    uint16_t port = 40000;
    if (pick < ndissectors) {
        char spec[64];
        snprintf(spec, sizeof spec, "%u=%s", port, trk_dissectors[pick]->name);
        char err[128];
        if (portmap_add(&pm, spec, err, sizeof err) < 0) __builtin_trap();
    } else {
        pm.auto_detect = true;
        port = 40001;
    }
    struct output_cfg oc = {0};
    oc.out = stdout;
    oc.json = flags & 8;
    oc.hex = oc.verbose = flags & 16;
    output_setup(&oc);
    struct session_out so = {NULL, on_message, output_unanswered};
    session_setup(&pm, &so);

    struct conn c;
    memset(&c, 0, sizeof c);
    c.id = 1;
    c.transport = transport;
    c.cli.family = c.srv.family = 4;
    c.cli.addr[0] = 10; c.cli.addr[3] = 2; c.cli.port = 51000;
    c.srv.addr[0] = 10; c.srv.addr[3] = 1; c.srv.port = port;
    int64_t ts = 1700000000LL * 1000000000LL;
    session_open(NULL, &c);
    for (size_t off = 0; off < size;) {
        uint32_t r = next();
        size_t k = (r & 3) == 0 ? 1 + (r >> 8) % 4 : (r & 3) == 1 ? 1 + (r >> 8) % 64 : 1 + (r >> 8) % 2048;
        if (k > size - off) k = size - off;
        enum trk_dir d = (flags & 4) && (r & 0x80) ? TRK_DOWN : TRK_UP;
        ts += (int64_t)(next() % 4000) * 10000000LL;     /* up to 40 s: requests time out */
        if (transport == TRK_UDP) {
            session_datagram(NULL, &c, d, data + off, k, ts);
        } else {
            size_t gap = (flags & 2) && (r & 0x70) == 0x70 ? 1 + next() % 5000 : 0;
            if (gap && (r & 0x100)) session_data(NULL, &c, d, NULL, 0, gap, ts);   /* a hole alone */
            else session_data(NULL, &c, d, data + off, k, gap, ts);
        }
        off += k;
    }
    session_close(NULL, &c, (flags & 32) ? CLOSE_FIN : CLOSE_END, ts);
    output_conn_release(&c);
    if (c.app || c.held) __builtin_trap();
    output_flush();
    output_finish();
    return 0;
}
