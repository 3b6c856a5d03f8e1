/* fuzz_cellocator.c: libFuzzer target for the Cellocator dissector (the runs are in fuzz_dissector.h). */
#include "fuzz_dissector.h"

FUZZ_DISSECTOR(dissector_cellocator, NULL)
