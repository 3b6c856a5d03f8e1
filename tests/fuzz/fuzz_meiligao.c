/* fuzz_meiligao.c: libFuzzer target for the Meiligao dissector (the runs are in fuzz_dissector.h). */
#include "fuzz_dissector.h"

FUZZ_DISSECTOR(dissector_meiligao, NULL)
