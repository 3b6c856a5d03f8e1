/* fuzz_gosafe.c: libFuzzer target for the GoSafe dissector (the runs are in fuzz_dissector.h). */
#include "fuzz_dissector.h"

FUZZ_DISSECTOR(dissector_gosafe, NULL)
