/* seeds.c: writes the corpus rows of one protocol as binary files, the seed
 * corpus of that protocol's fuzz target.  PROTO is trackdump's name; rows under
 * another name of the same dissector (the corpus uses Traccar's) count too.
 *   usage: seeds TSV PROTO OUTDIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dissect.h"

int main(int argc, char **argv)
{
    if (argc != 4) { fprintf(stderr, "usage: seeds TSV PROTO OUTDIR\n"); return 2; }
    if (!dissector_find(argv[2])) { fprintf(stderr, "seeds: unknown protocol %s\n", argv[2]); return 2; }
    FILE *f = fopen(argv[1], "r");
    if (!f) { perror(argv[1]); return 1; }
    char *line = NULL;
    size_t cap = 0;
    int n = 0;
    while (getline(&line, &cap, f) > 0) {
        char *id = strtok(line, "\t"), *proto = strtok(NULL, "\t");
        strtok(NULL, "\t");
        strtok(NULL, "\t");
        char *hex = strtok(NULL, "\t");
        const struct dissector *d = proto ? dissector_find(proto) : NULL;
        if (!id || !hex || !d || strcmp(d->name, argv[2]) != 0) continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s.bin", argv[3], id);
        FILE *o = fopen(path, "wb");
        if (!o) { perror(path); return 1; }
        for (size_t i = 0; hex[i] && hex[i + 1]; i += 2) {
            unsigned v;
            if (sscanf(hex + i, "%2x", &v) != 1) break;
            fputc((int)v, o);
        }
        if (fclose(o)) return 1;
        n++;
    }
    free(line);
    fclose(f);
    printf("%d seeds\n", n);
    return 0;
}
