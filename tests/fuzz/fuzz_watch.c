/* fuzz_watch.c: libFuzzer target for the 3G watch dissector (the runs are in fuzz_dissector.h). */
#include "fuzz_dissector.h"

FUZZ_DISSECTOR(dissector_watch, NULL)
