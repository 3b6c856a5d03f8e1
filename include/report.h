/* report.h: renders a diagnosis: plain text for the terminal, Markdown for a
 * ticket (same content, one renderer), JSON for tools (DESIGN.md §4). */
#ifndef TRK_REPORT_H
#define TRK_REPORT_H

#include <stdio.h>

#include "diagnose.h"

enum report_format { REPORT_TEXT, REPORT_MARKDOWN, REPORT_JSON };

#define REPORT_DEVICES_SHOWN 50    /* text and Markdown list the worst devices; JSON all */

void report_document(FILE *out, const struct diagnosis *d, enum report_format fmt);
void report_json(FILE *out, const struct diagnosis *d);

#endif
