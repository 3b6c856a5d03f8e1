/* fuzz_arnavi.c: libFuzzer target for the Arnavi dissector (the runs are in fuzz_dissector.h). */
#include "fuzz_dissector.h"

FUZZ_DISSECTOR(dissector_arnavi, NULL)
