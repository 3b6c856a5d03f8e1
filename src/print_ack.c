/* print_ack.c: how a request's answer is written on its line:
 *   text  ack=12ms  ack=wrong(acknowledged 2 records, the device sent 3)
 *         ack=rejected(15ms)  ack=missing(resent)  ack=pending (capture ended first)
 *   JSON  "ack":{"status":"ok","latency_ms":12.3}  with "cause"/"problem" when they apply
 * A problem is red on a terminal, pending yellow (color.h). */
#include <string.h>

#include "acks.h"
#include "color.h"
#include "printers.h"

static const char *cause_word(unsigned c)
{
    switch (c) {
    case TRK_MISS_RESENT: return "resent";
    case TRK_MISS_TIMEOUT: return "timeout";
    case TRK_MISS_CLOSED: return "closed";
    case TRK_MISS_OVERFLOW: return "overflow";
    default: return "end";
    }
}

static void latency_text(struct sbuf *b, int64_t ns)
{
    double ms = (double)ns / 1e6;
    if (ms < 1) sb_printf(b, "%.2fms", ms);
    else if (ms < 10) sb_printf(b, "%.1fms", ms);
    else if (ms < 10000) sb_printf(b, "%.0fms", ms);
    else sb_printf(b, "%.1fs", ms / 1000);
}

void render_ack(struct sbuf *b, const struct trk_ack *a, bool json)
{
    bool end = a->verdict == TRK_ACK_MISSING && a->cause == TRK_MISS_END;
    const char *status = end ? "pending" : acks_verdict_name(a->verdict);
    if (json) {
        sb_printf(b, ",\"ack\":{\"status\":\"%s\"", status);
        if (a->verdict != TRK_ACK_MISSING) sb_printf(b, ",\"latency_ms\":%.3f", (double)a->latency_ns / 1e6);
        else sb_printf(b, ",\"cause\":\"%s\"", cause_word(a->cause));
        if (a->verdict == TRK_ACK_WRONG) {
            sb_puts(b, ",\"problem\":\"");
            sb_json_str(b, a->detail, strlen(a->detail));
            sb_putc(b, '"');
        }
        sb_putc(b, '}');
        return;
    }
    bool problem = a->verdict == TRK_ACK_WRONG || a->verdict == TRK_ACK_REJECTED || a->verdict == TRK_ACK_MISSING;
    sb_putc(b, ' ');
    if (problem) sb_puts(b, color_start(end ? COLOR_WARN : COLOR_BAD));
    sb_puts(b, "ack=");
    switch (a->verdict) {
    case TRK_ACK_OK:
        latency_text(b, a->latency_ns);
        break;
    case TRK_ACK_WRONG:
        sb_puts(b, "wrong(");
        sb_text_str(b, a->detail, strlen(a->detail));
        sb_putc(b, ')');
        break;
    case TRK_ACK_REJECTED:
        sb_puts(b, "rejected(");
        latency_text(b, a->latency_ns);
        sb_putc(b, ')');
        break;
    default:
        if (end) sb_puts(b, "pending");
        else sb_printf(b, "missing(%s)", cause_word(a->cause));
        break;
    }
    if (problem) sb_puts(b, color_end());
}
