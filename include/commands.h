/* commands.h: the trackdump commands (main.c dispatches on the first word). */
#ifndef TRK_COMMANDS_H
#define TRK_COMMANDS_H

#include <stdio.h>

int cmd_sniff(int argc, char **argv);
int cmd_decode(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_protocols(int argc, char **argv);
void print_version(FILE *f);

#endif
