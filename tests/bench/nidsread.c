/* nidsread.c: the reassembly engine's own cost: libnids reads a capture file
 * and reassembles every TCP connection (checksums not verified, as trackdump
 * runs by default) into a callback that does nothing with the bytes.
 *   nidsread FILE [MAX_FLOWS]     (the stream table sized as trackdump sizes it) */
#include <nids.h>
#include <stdio.h>
#include <stdlib.h>

static unsigned long long streams, chunks, bytes, datagrams;

static void on_tcp(struct tcp_stream *a, void **unused)
{
    (void)unused;
    if (a->nids_state == NIDS_JUST_EST) {
        a->client.collect++;
        a->server.collect++;
        streams++;
    } else if (a->nids_state == NIDS_DATA) {
        chunks++;
        bytes += (unsigned long long)a->client.count_new + (unsigned long long)a->server.count_new;
    }
}

static void on_udp(struct tuple4 *addr, char *data, int len, struct ip *iph)
{
    (void)addr; (void)data; (void)len; (void)iph;
    datagrams++;
}

static void quiet(int type, int err, struct ip *iph, void *data)
{
    (void)type; (void)err; (void)iph; (void)data;
}

int main(int argc, char **argv)
{
    static struct nids_chksum_ctl off = {0, 0, NIDS_DONT_CHKSUM, 0};
    if (argc < 2 || argc > 3) { fprintf(stderr, "usage: nidsread FILE [MAX_FLOWS]\n"); return 2; }
    long max_flows = argc == 3 ? atol(argv[2]) : 65536;
    nids_params.filename = argv[1];
    nids_params.device = NULL;
    nids_params.n_tcp_streams = (int)(max_flows * 4 / 3 + 64);
    nids_params.scan_num_hosts = 0;
    nids_params.syslog = quiet;
    nids_params.tcp_workarounds = 1;
    nids_params.pcap_filter = NULL;
    if (!nids_init()) { fprintf(stderr, "nidsread: %s\n", nids_errbuf); return 1; }
    nids_register_chksum_ctl(&off, 1);
    nids_register_tcp((void *)on_tcp);
    nids_register_udp((void *)on_udp);
    nids_run();
    printf("nidsread: %llu connections, %llu data events, %llu bytes, %llu datagrams\n",
           streams, chunks, bytes, datagrams);
    return 0;
}
