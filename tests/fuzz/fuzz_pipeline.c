/* fuzz_pipeline.c: libFuzzer target for the whole capture pipeline: the input
 * is a capture file (pcap or pcapng) read as `trackdump -r FILE` would, through
 * libpcap, the link layer, reassembly, sessions, dissectors, the device table
 * and the printers, with a small flow table so eviction is exercised too.
 * The options vary with the input's length: --auto or the port map, text or
 * JSON, -e with -w (the per-connection packet queues).
 * Run it with -close_fd_mask=3: it prints messages and a summary. */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "commands.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int fd = -1;
    static char path[64];
    if (fd < 0) {
        fd = memfd_create("fuzz-pipeline", 0);
        if (fd < 0) __builtin_trap();
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size) __builtin_trap();

    char *argv[16];
    int argc = 0;
    unsigned v = (unsigned)size;
    argv[argc++] = "trackdump";
    argv[argc++] = "-r";
    argv[argc++] = path;
    argv[argc++] = "--max-flows";
    argv[argc++] = "16";
    argv[argc++] = (v & 3) ? "--auto" : "-x";
    argv[argc++] = (v & 4) ? "-j" : "-v";
    if ((v & 24) == 24) { argv[argc++] = "-e"; argv[argc++] = "-w"; argv[argc++] = "/dev/null"; }
    argv[argc] = NULL;
    optind = 0;                             /* a fresh getopt for every run */
    int rc = cmd_sniff(argc, argv);
    if (rc != 0 && rc != 1) __builtin_trap();
    return 0;
}
