/* fuzz_ruptela.c: libFuzzer target for the Ruptela dissector (the runs are in fuzz_dissector.h). */
#include "fuzz_dissector.h"

FUZZ_DISSECTOR(dissector_ruptela, NULL)
