/* ports.c: the per-server-port table: how SYNs were answered (RST, nothing, a
 * handshake), connections, messages by status and the protocols heard. */
#include <stdlib.h>
#include <string.h>

#include "dissect.h"
#include "ports.h"

static struct port_stat *T[65536];
static struct port_stat *list_buf[65536];

void ports_reset(void)
{
    for (size_t i = 0; i < 65536; i++) { free(T[i]); T[i] = NULL; }
}

static struct port_stat *get(uint16_t port)
{
    if (!T[port]) {
        T[port] = calloc(1, sizeof *T[port]);
        if (!T[port]) return NULL;
        T[port]->port = port;
    }
    return T[port];
}

struct port_stat *ports_get(uint16_t port) { return T[port]; }

void ports_configured(uint16_t port)
{
    struct port_stat *p = get(port);
    if (p) p->configured = true;
}

void ports_conn_open(const struct conn *c)
{
    struct port_stat *p = get(c->srv.port);
    if (!p) return;
    p->transport |= c->transport;
    if (c->transport == TRK_UDP) p->udp_flows++;
    else p->conns++;
    if (c->midstream) p->midstream++;
}

static bool same_addr(const struct endpoint *a, const struct endpoint *b)
{
    return a->family == b->family && memcmp(a->addr, b->addr, 16) == 0;
}

void ports_handshake(const struct endpoint *cli, const struct endpoint *srv, enum hs_fact f, int64_t ts)
{
    struct port_stat *p = get(srv->port);
    if (!p) return;
    p->transport |= TRK_TCP;
    if (f == HS_SYN_ANSWERED) { p->syn_answered++; return; }
    if (f == HS_SYN_RST) p->syn_rst++;
    else p->syn_unanswered++;
    if (!p->first_fail_ns) p->first_fail_ns = ts;
    p->last_fail_ns = ts;
    for (unsigned i = 0; i < p->nrefused; i++)
        if (same_addr(&p->refused[i], cli)) return;
    p->refused_clients++;
    if (p->nrefused < PORTS_CLIENTS_MAX) p->refused[p->nrefused++] = *cli;
}

void ports_message(const struct trk_msg *m, const struct conn *c)
{
    struct port_stat *p = get(c->srv.port);
    if (!p) return;
    if (m->dir == TRK_DOWN) p->msgs_down++;
    else p->msgs[m->status]++;
    if (!p->proto && m->proto && m->status != TRK_UNKNOWN) p->proto = m->proto;
    if (strcmp(m->type, "protocol-mismatch") == 0) {
        p->mismatches++;
        const char *mapped = msg_field_get(m, "mapped");
        const struct dissector *d = mapped ? dissector_find(mapped) : NULL;
        if (d) p->mapped = d->name;
        p->detected = m->proto;
    }
}

static int busiest(const void *a, const void *b)
{
    const struct port_stat *x = *(struct port_stat *const *)a, *y = *(struct port_stat *const *)b;
    uint64_t nx = x->conns + x->udp_flows + x->syn_rst + x->syn_unanswered;
    uint64_t ny = y->conns + y->udp_flows + y->syn_rst + y->syn_unanswered;
    if (nx != ny) return nx > ny ? -1 : 1;
    return x->port < y->port ? -1 : x->port > y->port;
}

struct port_stat **ports_list(size_t *n)
{
    size_t k = 0;
    for (size_t i = 0; i < 65536; i++)
        if (T[i]) list_buf[k++] = T[i];
    qsort(list_buf, k, sizeof list_buf[0], busiest);
    *n = k;
    return list_buf;
}
