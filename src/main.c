/* main.c: trackdump's entry point: picks the command from the first word. */
#include <string.h>

#include "commands.h"

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "decode") == 0) return cmd_decode(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "report") == 0) return cmd_report(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "protocols") == 0) return cmd_protocols(argc - 1, argv + 1);
    return cmd_sniff(argc, argv);
}
