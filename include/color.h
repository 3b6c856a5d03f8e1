/* color.h: colour in the text output, decided once at start-up: only when the
 * output is a terminal, never with NO_COLOR set (https://no-color.org),
 * TERM=dumb or --no-color.  JSON is never coloured. */
#ifndef TRK_COLOR_H
#define TRK_COLOR_H

#include <stdbool.h>
#include <stdio.h>

enum color_role {
    COLOR_BAD,      /* malformed messages, a missing, wrong or rejected answer */
    COLOR_WARN,     /* unsupported messages, an answer still pending */
    COLOR_NOISE,    /* unknown: no tracker protocol on the flow */
};

/* decide for the stream f (`disabled`: --no-color); returns the decision */
bool color_setup(FILE *f, bool disabled);
bool color_enabled(void);
/* the escape sequence that starts role r, and the one that ends it: "" when off */
const char *color_start(enum color_role r);
const char *color_end(void);
/* colour off for text that is matched rather than shown (--grep); returns the
 * previous state for color_resume */
bool color_pause(void);
void color_resume(bool was);

#endif
