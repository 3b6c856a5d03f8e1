/* fuzz_atrack.c: libFuzzer target for the ATrack dissector (the runs are in fuzz_dissector.h). */
#include "fuzz_dissector.h"

FUZZ_DISSECTOR(dissector_atrack, NULL)
