/* report_doc.c: the report for people: plain text (terminal) or Markdown (a
 * ticket).  Findings first, worst first, each with its evidence, examples and
 * action; then the ports and the devices, worst first. */
#include <string.h>

#include "ports.h"
#include "report.h"
#include "strutil.h"

struct style {
    const char *h1, *h2, *bullet, *code_open, *code_close;
    bool md;
};

static const struct style TEXT = {"", "", "  ", "", "", false};
static const struct style MD = {"# ", "## ", "- ", "`", "`", true};

static void heading(FILE *o, const struct style *s, const char *h, const char *title)
{
    if (s->md) fprintf(o, "\n%s%s\n\n", h, title);
    else fprintf(o, "\n%s\n", title);
}

static void capture_section(FILE *o, const struct style *s, const struct diagnosis *d)
{
    char t1[48], t2[48], dur[48];
    fmt_ts_us(d->cap.first_ns, t1, sizeof t1);
    fmt_ts_us(d->cap.last_ns, t2, sizeof t2);
    fmt_duration_ms((d->cap.last_ns - d->cap.first_ns) / 1000000, dur, sizeof dur);
    if (s->md) fprintf(o, "%strackdump report\n\n", s->h1);
    else fprintf(o, "trackdump report\n");
    fprintf(o, "%scapture: %s%s%s (%s), %llu packets, %s to %s (%s)\n", s->bullet, s->code_open, d->cap.source,
            s->code_close, d->cap.live ? "live" : "file", (unsigned long long)d->cap.packets,
            d->cap.packets ? t1 : "-", d->cap.packets ? t2 : "-", dur);
    if (d->cap.have_drops)
        fprintf(o, "%skernel drops: %llu, interface drops: %llu\n", s->bullet,
                (unsigned long long)d->cap.kernel_drops, (unsigned long long)d->cap.if_drops);
    fprintf(o, "%straffic: %llu connections, %llu udp flows, %zu devices; messages %llu ok, %llu malformed, "
            "%llu unsupported, %llu unknown; %llu requests unanswered\n", s->bullet,
            (unsigned long long)d->cap.conns, (unsigned long long)d->cap.udp_flows, d->ndev,
            (unsigned long long)d->cap.msgs[TRK_OK], (unsigned long long)d->cap.msgs[TRK_MALFORMED],
            (unsigned long long)d->cap.msgs[TRK_UNSUPPORTED], (unsigned long long)d->cap.msgs[TRK_UNKNOWN],
            (unsigned long long)d->cap.unanswered);
    size_t nc = 0, nw = 0, ni = 0;
    for (size_t i = 0; i < d->n; i++) {
        if (d->f[i].sev == SEV_CRITICAL) nc++;
        else if (d->f[i].sev == SEV_WARNING) nw++;
        else ni++;
    }
    fprintf(o, "%sfindings: %zu critical, %zu warning, %zu info\n", s->bullet, nc, nw, ni);
}

static void finding(FILE *o, const struct style *s, const struct finding *f)
{
    const char *sev = severity_name(f->sev);
    if (s->md) fprintf(o, "### %s `%s`\n\n%s\n\n", sev, f->id, f->summary);
    else fprintf(o, "\n%s %s: %s\n", sev, f->id, f->summary);
    const char *ind = s->md ? "" : "    ";
    if (f->nev) {
        fprintf(o, "%s%sevidence:", ind, s->md ? "**" : "");
        if (s->md) fputs("**\n\n", o); else fputc('\n', o);
        for (unsigned i = 0; i < f->nev; i++)
            fprintf(o, "%s%s%s: %s\n", ind, s->md ? "- " : "  ", f->ev[i].key, f->ev[i].val);
        if (s->md) fputc('\n', o);
    }
    if (f->nex) {
        fprintf(o, "%s%sexamples:", ind, s->md ? "**" : "");
        if (s->md) fputs("**\n\n```\n", o); else fputc('\n', o);
        for (unsigned i = 0; i < f->nex; i++) fprintf(o, "%s%s%s\n", ind, s->md ? "" : "  ", f->examples[i]);
        if (s->md) fputs("```\n\n", o);
    }
    if (f->ndevices) {
        fprintf(o, "%s%sdevices (%zu):%s ", ind, s->md ? "**" : "", f->ndevices, s->md ? "**" : "");
        size_t shown = f->ndevices < 20 ? f->ndevices : 20;
        for (size_t i = 0; i < shown; i++) fprintf(o, "%s%s", i ? ", " : "", f->devices[i]);
        if (shown < f->ndevices) fprintf(o, ", ... %zu more", f->ndevices - shown);
        fputs(s->md ? "\n\n" : "\n", o);
    }
    fprintf(o, "%s%saction:%s %s\n", ind, s->md ? "**" : "", s->md ? "**" : "", f->action);
}

static void ports_section(FILE *o, const struct style *s)
{
    size_t n;
    struct port_stat **p = ports_list(&n);
    if (s->md) fputs("| port | protocol | connections | mid-stream | SYN→RST | SYN unanswered | messages ok | malformed | unsupported |\n"
                     "|---:|---|---:|---:|---:|---:|---:|---:|---:|\n", o);
    else fprintf(o, "  %5s  %-11s %6s %6s %8s %9s %9s %9s %11s\n", "PORT", "PROTOCOL", "CONNS", "MIDSTR",
                 "SYN-RST", "SYN-NOANS", "MSGS-OK", "MALFORMED", "UNSUPPORTED");
    for (size_t i = 0; i < n; i++) {
        const struct port_stat *x = p[i];
        if (!x->conns && !x->udp_flows && !x->syn_rst && !x->syn_unanswered && !x->configured) continue;
        if (s->md)
            fprintf(o, "| %u | %s | %llu | %llu | %llu | %llu | %llu | %llu | %llu |\n", x->port,
                    x->proto ? x->proto : "-", (unsigned long long)x->conns + x->udp_flows,
                    (unsigned long long)x->midstream, (unsigned long long)x->syn_rst,
                    (unsigned long long)x->syn_unanswered, (unsigned long long)x->msgs[TRK_OK],
                    (unsigned long long)x->msgs[TRK_MALFORMED], (unsigned long long)x->msgs[TRK_UNSUPPORTED]);
        else
            fprintf(o, "  %5u  %-11s %6llu %6llu %8llu %9llu %9llu %9llu %11llu\n", x->port,
                    x->proto ? x->proto : "-", (unsigned long long)x->conns + x->udp_flows,
                    (unsigned long long)x->midstream, (unsigned long long)x->syn_rst,
                    (unsigned long long)x->syn_unanswered, (unsigned long long)x->msgs[TRK_OK],
                    (unsigned long long)x->msgs[TRK_MALFORMED], (unsigned long long)x->msgs[TRK_UNSUPPORTED]);
    }
}

static void ack_text(const struct device *v, char *buf, size_t n)
{
    if (!v->requests) { snprintf(buf, n, "-"); return; }
    snprintf(buf, n, "%llu/%llu", (unsigned long long)v->ack_ok, (unsigned long long)v->requests);
    size_t l = strlen(buf);
    if (v->ack_missing) l += (size_t)snprintf(buf + l, n - l, " %llumiss", (unsigned long long)v->ack_missing);
    if (l < n && (v->ack_rejected || v->ack_wrong))
        snprintf(buf + l, n - l, " %llurej", (unsigned long long)v->ack_rejected + v->ack_wrong);
}

static void devices_section(FILE *o, const struct style *s, const struct diagnosis *d)
{
    if (s->md) fputs("| state | device | protocol | port | peer | conns | msgs | errors | last seen | interval | clock offset | acks ok/sent |\n"
                     "|---|---|---|---:|---|---:|---:|---:|---|---|---|---|\n", o);
    else fprintf(o, "  %-8s %-17s %-10s %5s %-21s %5s %6s %6s %-10s %-9s %-12s %s\n", "STATE", "DEVICE",
                 "PROTOCOL", "PORT", "PEER", "CONNS", "MSGS", "ERRORS", "LAST-SEEN", "INTERVAL", "CLOCK", "ACKS");
    size_t shown = d->ndev < REPORT_DEVICES_SHOWN ? d->ndev : REPORT_DEVICES_SHOWN;
    for (size_t i = 0; i < shown; i++) {
        const struct device *v = d->dev[i];
        struct device_view w;
        device_view(d, v, &w);
        char peer[64], ago[32] = "-", iv[32] = "-", off[40] = "-", ack[48];
        endpoint_str(&v->peer, peer, sizeof peer);
        if (w.silent_ms >= 0) { fmt_duration_ms(w.silent_ms, ago, sizeof ago); strncat(ago, " ago", sizeof ago - strlen(ago) - 1); }
        int64_t itv = device_interval_ms(v);
        if (itv >= 0) fmt_duration_ms(itv, iv, sizeof iv);
        int64_t of, sp;
        if (device_offset_ms(v, &of, &sp)) {
            char a[24];
            fmt_duration_ms(of, a, sizeof a);
            snprintf(off, sizeof off, "%s%s", of < 0 ? "-" : "+", a);
        }
        ack_text(v, ack, sizeof ack);
        const char *id = v->identified ? v->id : "(unidentified)";
        if (s->md)
            fprintf(o, "| %s | %s | %s | %u | %s | %u | %llu | %llu | %s | %s | %s | %s |\n", w.state, id,
                    v->proto ? v->proto : "-", v->port, peer, v->conns, (unsigned long long)device_msgs(v),
                    (unsigned long long)device_errors(v), ago, iv, off, ack);
        else
            fprintf(o, "  %-8s %-17s %-10s %5u %-21s %5u %6llu %6llu %-10s %-9s %-12s %s\n", w.state, id,
                    v->proto ? v->proto : "-", v->port, peer, v->conns, (unsigned long long)device_msgs(v),
                    (unsigned long long)device_errors(v), ago, iv, off, ack);
    }
    if (shown < d->ndev)
        fprintf(o, "%s... %zu more devices (--format json lists every one)\n", s->md ? "\n" : "  ", d->ndev - shown);
}

void report_document(FILE *o, const struct diagnosis *d, enum report_format fmt)
{
    const struct style *s = fmt == REPORT_MARKDOWN ? &MD : &TEXT;
    capture_section(o, s, d);
    heading(o, s, s->md ? "## " : "", s->md ? "Findings" : "FINDINGS");
    if (!d->n) fprintf(o, "%sno problem found: every device reported, the server answered, every message decoded.\n", s->md ? "" : "  ");
    for (size_t i = 0; i < d->n; i++) finding(o, s, &d->f[i]);
    heading(o, s, "## ", s->md ? "Ports" : "PORTS");
    ports_section(o, s);
    heading(o, s, "## ", s->md ? "Devices (worst first)" : "DEVICES (worst first)");
    devices_section(o, s, d);
}
