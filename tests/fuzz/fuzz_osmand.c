/* fuzz_osmand.c: libFuzzer target for the OsmAnd dissector (the runs are in fuzz_dissector.h). */
#include "fuzz_dissector.h"

FUZZ_DISSECTOR(dissector_osmand, NULL)
