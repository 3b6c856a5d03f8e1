/* pcapout.c: the pcap writer behind -w.  Without message filters every captured
 * frame is written, like tcpdump -w.  With --imei/--grep/-e a connection's frames
 * wait in a per-connection queue until one of its messages passes the filters
 * (then the whole connection is written, its handshake and pre-login packets
 * included) or it closes (then they are dropped). */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcapout.h"

#define QUEUE_MAX_BYTES (8u << 20)

struct qpkt { struct qpkt *next; struct pcap_pkthdr h; uint8_t data[]; };
struct queue { struct qpkt *head, *tail; size_t bytes; };

static struct {
    pcap_dumper_t *d;
    bool select;
    const char *path;
    unsigned long long written, queue_dropped;
    bool opened;
} W;

bool pcapout_active(void) { return W.opened; }
unsigned long long pcapout_written(void) { return W.written; }
unsigned long long pcapout_queue_dropped(void) { return W.queue_dropped; }

int pcapout_open(struct pcap *src, const char *path, bool select_by_message, char *err, size_t errlen)
{
    W.d = pcap_dump_open((pcap_t *)src, path);
    if (!W.d) { snprintf(err, errlen, "cannot write '%s': %s", path, pcap_geterr((pcap_t *)src)); return -1; }
    W.select = select_by_message;
    W.path = path;
    W.opened = true;
    return 0;
}

static void write_hdr(const struct pcap_pkthdr *h, const uint8_t *data)
{
    pcap_dump((u_char *)W.d, h, data);
    W.written++;
}

static void queue_free(struct conn *c)
{
    struct queue *q = c->outq;
    if (!q) return;
    for (struct qpkt *p = q->head, *n; p; p = n) { n = p->next; free(p); }
    free(q);
    c->outq = NULL;
}

void pcapout_frame(struct conn *c, const struct raw_frame *f)
{
    if (!W.d) return;
    const struct pcap_pkthdr *h = f->hdr;
    if (!W.select) { write_hdr(h, f->data); return; }
    if (!c || c->selected == 2) return;
    if (c->selected == 1) { write_hdr(h, f->data); return; }
    struct queue *q = c->outq;
    if (!q) {
        q = calloc(1, sizeof *q);
        if (!q) return;
        c->outq = q;
    }
    if (q->bytes + f->caplen > QUEUE_MAX_BYTES) { W.queue_dropped++; return; }
    struct qpkt *p = malloc(sizeof *p + f->caplen);
    if (!p) { W.queue_dropped++; return; }
    p->next = NULL;
    p->h = *h;
    memcpy(p->data, f->data, f->caplen);
    if (q->tail) q->tail->next = p; else q->head = p;
    q->tail = p;
    q->bytes += f->caplen;
}

void pcapout_select(struct conn *c)
{
    if (!W.d || !c || c->selected == 1) return;
    c->selected = 1;
    struct queue *q = c->outq;
    if (q) for (struct qpkt *p = q->head; p; p = p->next) write_hdr(&p->h, p->data);
    queue_free(c);
}

void pcapout_conn_closed(struct conn *c)
{
    if (!W.d) return;
    if (c->selected != 1) c->selected = 2;
    queue_free(c);
}

int pcapout_close(char *err, size_t errlen)
{
    if (!W.d) return 0;
    int rc = 0;
    FILE *fp = pcap_dump_file(W.d);
    if (pcap_dump_flush(W.d) != 0 || ferror(fp)) {
        snprintf(err, errlen, "write error on '%s': %s", W.path, strerror(errno ? errno : EIO));
        rc = -1;
    }
    pcap_dump_close(W.d);
    W.d = NULL;
    return rc;
}
