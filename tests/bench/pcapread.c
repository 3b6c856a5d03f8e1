/* pcapread.c: the floor of the benchmark: a bare libpcap read loop over a
 * capture file, touching each frame once.  Prints packets and bytes read. */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>

struct tally { unsigned long long packets, bytes; unsigned x; };

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
    struct tally *t = (struct tally *)user;
    t->packets++;
    t->bytes += h->caplen;
    if (h->caplen) t->x ^= data[h->caplen - 1];
}

int main(int argc, char **argv)
{
    char eb[PCAP_ERRBUF_SIZE] = "";
    if (argc != 2) { fprintf(stderr, "usage: pcapread FILE\n"); return 2; }
    pcap_t *p = pcap_open_offline(argv[1], eb);
    if (!p) { fprintf(stderr, "pcapread: %s\n", eb); return 1; }
    struct tally t = {0, 0, 0};
    int n;
    while ((n = pcap_dispatch(p, 4096, on_packet, (u_char *)&t)) > 0) {}
    if (n == PCAP_ERROR) { fprintf(stderr, "pcapread: %s\n", pcap_geterr(p)); pcap_close(p); return 1; }
    pcap_close(p);
    printf("pcapread: %llu packets, %llu bytes (%02x)\n", t.packets, t.bytes, t.x);
    return 0;
}
