/* registry.c: the list of dissectors, lookup by name or alias, and probing.
 * The order is that of `trackdump protocols`; on equal probe confidence the
 * earlier dissector wins. */
#include <strings.h>

#include "dissect.h"

extern const struct dissector dissector_teltonika, dissector_gt06, dissector_queclink, dissector_h02,
    dissector_meitrack, dissector_ruptela, dissector_galileosky, dissector_wialon, dissector_suntech,
    dissector_tk103, dissector_gps103, dissector_jt808, dissector_meiligao, dissector_navtelecom,
    dissector_egts, dissector_arnavi, dissector_topflytech, dissector_calamp, dissector_osmand,
    dissector_watch, dissector_atrack, dissector_cellocator, dissector_gosafe;

const struct dissector *const trk_dissectors[] = {
    &dissector_teltonika, &dissector_gt06, &dissector_queclink, &dissector_h02, &dissector_meitrack,
    &dissector_ruptela, &dissector_galileosky, &dissector_wialon, &dissector_suntech, &dissector_tk103,
    &dissector_gps103, &dissector_jt808, &dissector_meiligao, &dissector_navtelecom, &dissector_egts,
    &dissector_arnavi, &dissector_topflytech, &dissector_calamp, &dissector_osmand, &dissector_watch,
    &dissector_atrack, &dissector_cellocator, &dissector_gosafe,
    NULL,
};
const struct dissector *dissector_find(const char *name)
{
    for (size_t i = 0; trk_dissectors[i]; i++) {
        const struct dissector *d = trk_dissectors[i];
        if (strcasecmp(d->name, name) == 0) return d;
        for (size_t a = 0; d->aliases && d->aliases[a]; a++)
            if (strcasecmp(d->aliases[a], name) == 0) return d;
    }
    return NULL;
}

const struct dissector *dissector_probe(const uint8_t *p, size_t n, unsigned transport,
                                        int min_conf, int *conf)
{
    const struct dissector *best = NULL;
    int best_conf = 0;
    for (size_t i = 0; trk_dissectors[i]; i++) {
        const struct dissector *d = trk_dissectors[i];
        if (!(d->transports & transport) || !d->probe) continue;
        int c = d->probe(p, n, transport);
        if (c > best_conf) { best_conf = c; best = d; }
    }
    if (conf) *conf = best_conf;
    return best_conf >= min_conf ? best : NULL;
}
