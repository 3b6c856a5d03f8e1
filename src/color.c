/* color.c: the colour decision and the ANSI sequences of the text output. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "color.h"

static bool on;

bool color_setup(FILE *f, bool disabled)
{
    const char *no = getenv("NO_COLOR"), *term = getenv("TERM");
    on = !disabled && !(no && no[0]) && !(term && strcmp(term, "dumb") == 0) && isatty(fileno(f));
    return on;
}

bool color_enabled(void) { return on; }

const char *color_start(enum color_role r)
{
    if (!on) return "";
    switch (r) {
    case COLOR_BAD: return "\033[1;31m";
    case COLOR_WARN: return "\033[33m";
    default: return "\033[35m";
    }
}

const char *color_end(void) { return on ? "\033[0m" : ""; }

bool color_pause(void)
{
    bool was = on;
    on = false;
    return was;
}

void color_resume(bool was) { on = was; }
