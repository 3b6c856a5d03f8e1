/* expect.h: the --expect file: the devices a platform expects to hear from,
 * as CSV lines "imei[,model,carrier,port]" (a header line and '#' comments
 * are skipped). */
#ifndef TRK_EXPECT_H
#define TRK_EXPECT_H

#include <stddef.h>
#include <stdint.h>

#include "msg.h"

struct expected {
    char imei[TRK_IMEI_MAX];
    char model[32], carrier[32];
    uint16_t port;
};

struct expect_list {
    struct expected *v;
    size_t n;
};

/* 0, or -1 with a message naming the file and line in err */
int expect_load(const char *path, struct expect_list *l, char *err, size_t errlen);
const struct expected *expect_find(const struct expect_list *l, const char *imei);
void expect_free(struct expect_list *l);

#endif
