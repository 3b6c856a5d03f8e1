/* test_problems.c: problem grouping by shape (numbers taken out of the text),
 * and what happens past PROBLEM_GROUPS_MAX shapes: the messages of further
 * shapes are counted apart and reported as not grouped, never added to
 * another shape's group; every problem message is counted exactly once. */
#include "check.h"
#include "devices.h"
#include "diagnose.h"
#include "ports.h"
#include "problems.h"

#define S 1000000000LL
static const int64_t T0 = 1795000000LL * S;

static struct trk_msg M;
static const uint8_t RAW[] = {0x78, 0x78, 0x11, 0x01, 0x03, 0x58};

/* a shape name without digits (shape_of keeps letters that follow no digit):
 * k in base 20 over g..z, three letters */
static void name_of(unsigned k, char out[4])
{
    static const char L[] = "ghijklmnopqrstuvwxyz";
    out[0] = L[k / 400 % 20];
    out[1] = L[k / 20 % 20];
    out[2] = L[k % 20];
    out[3] = 0;
}

/* one gt06 message from imei, malformed (or unsupported) with a problem of shape k */
static void problem(unsigned k, unsigned long offset, const char *imei, enum trk_status st)
{
    char name[4];
    name_of(k, name);
    msg_reset(&M);
    M.proto = "gt06";
    M.dir = TRK_UP;
    M.type = "position";
    M.ts_ns = T0 + (int64_t)k * S;
    M.raw = RAW;
    M.rawlen = sizeof RAW;
    msg_set_imei(&M, imei);
    if (st == TRK_MALFORMED) msg_malformed(&M, "unknown tag %s at offset %lu", name, offset);
    else msg_unsupported(&M, "unknown tag %s at offset %lu", name, offset);
    problems_message(&M, NULL);
}

static const char *evv(const struct finding *f, const char *key)
{
    for (unsigned k = 0; f && k < f->nev; k++)
        if (strcmp(f->ev[k].key, key) == 0) return f->ev[k].val;
    return "(none)";
}

int main(void)
{
    const char *A = "358608010000006", *B = "358608010000014";
    char want[TRK_PROBLEM_MAX];
    size_t n;
    struct problem_group **g;

    /* numbers are taken out: one shape whatever the offset */
    problems_reset();
    problem(0, 5, A, TRK_MALFORMED);
    problem(0, 0x1f, B, TRK_MALFORMED);
    problem(1, 5, A, TRK_MALFORMED);
    g = problems_list(&n);
    CHECK_INT(n, 2);
    CHECK_INT(n ? g[0]->count : 0, 2);
    CHECK_STR(n ? g[0]->shape : "", "unknown tag ggg at offset N");
    CHECK_INT(n ? g[0]->devices_total : 0, 2);
    CHECK_STR(n > 1 ? g[1]->shape : "", "unknown tag ggh at offset N");

    /* fill the table: PROBLEM_GROUPS_MAX shapes, shape 0 three times, shape 500 twice */
    problems_reset();
    ports_reset();
    devices_init();
    for (unsigned k = 0; k < PROBLEM_GROUPS_MAX; k++) problem(k, k, k % 2 ? A : B, TRK_MALFORMED);
    problem(0, 7, A, TRK_MALFORMED);
    problem(0, 0x1f, A, TRK_MALFORMED);
    problem(500, 9, A, TRK_MALFORMED);
    /* then 4 new malformed shapes (one of them twice) from two devices, and 3 new unsupported ones */
    problem(PROBLEM_GROUPS_MAX, PROBLEM_GROUPS_MAX, A, TRK_MALFORMED);
    problem(PROBLEM_GROUPS_MAX, 3, A, TRK_MALFORMED);
    problem(PROBLEM_GROUPS_MAX + 1, 1, B, TRK_MALFORMED);
    problem(PROBLEM_GROUPS_MAX + 2, 1, B, TRK_MALFORMED);
    problem(PROBLEM_GROUPS_MAX + 3, 1, A, TRK_MALFORMED);
    for (unsigned k = 0; k < 3; k++) problem(PROBLEM_GROUPS_MAX + 10 + k, k, B, TRK_UNSUPPORTED);
    /* a known shape still finds its group once the table is full */
    problem(1023, 44, A, TRK_MALFORMED);

    g = problems_list(&n);
    CHECK_INT(n, PROBLEM_GROUPS_MAX);
    uint64_t grouped = 0, ones = 0;
    for (size_t i = 0; i < n; i++) {
        grouped += g[i]->count;
        ones += g[i]->count == 1;
    }
    CHECK_INT(grouped, PROBLEM_GROUPS_MAX + 2 + 1 + 1);
    CHECK_INT(ones, PROBLEM_GROUPS_MAX - 3);
    CHECK_INT(g[0]->count, 3);
    CHECK_STR(g[0]->shape, "unknown tag ggg at offset N");
    char name[4];
    name_of(1023, name);
    snprintf(want, sizeof want, "unknown tag %s at offset N", name);
    bool last_ok = false;   /* the newest group holds its own two messages, nothing of the overflow */
    for (size_t i = 0; i < n; i++)
        if (strcmp(g[i]->shape, want) == 0) last_ok = g[i]->count == 2;
    CHECK(last_ok);

    const struct problem_group *um = problems_ungrouped(TRK_MALFORMED);
    const struct problem_group *uu = problems_ungrouped(TRK_UNSUPPORTED);
    CHECK(problems_ungrouped(TRK_OK) == NULL);
    CHECK_INT(um->count, 5);
    CHECK_INT(um->devices_total, 2);
    CHECK_INT(um->nex, PROBLEM_EXAMPLES);
    name_of(PROBLEM_GROUPS_MAX, name);
    snprintf(want, sizeof want, "unknown tag %s at offset %d", name, PROBLEM_GROUPS_MAX);
    CHECK_STR(um->ex[0].problem, want);
    CHECK_STR(um->ex[0].proto, "gt06");
    CHECK_STR(um->ex[0].imei, A);
    CHECK_INT(um->ex[0].rawlen, sizeof RAW);
    CHECK_INT(uu->count, 3);
    CHECK_INT(uu->devices_total, 1);

    /* the report: every group a finding, and one finding per status for the rest */
    struct capture_info ci = {0};
    ci.source = "test";
    ci.first_ns = T0;
    ci.last_ns = T0 + 2000 * S;
    struct diagnosis d;
    diagnose(&d, &ci, NULL);
    size_t nmal = 0, nuns = 0;
    long long counted = 0;
    const struct finding *fm = NULL, *fu = NULL;
    for (size_t i = 0; i < d.n; i++) {
        const struct finding *f = &d.f[i];
        bool mal = strcmp(f->id, "malformed-messages") == 0, uns = strcmp(f->id, "unsupported-messages") == 0;
        if (!mal && !uns) continue;
        nmal += mal;
        nuns += uns;
        counted += atoll(evv(f, "messages"));
        if (strstr(f->summary, "not grouped")) { if (mal) fm = f; else fu = f; }
    }
    CHECK_INT(nmal, PROBLEM_GROUPS_MAX + 1);
    CHECK_INT(nuns, 1);
    CHECK_INT(counted, PROBLEM_GROUPS_MAX + 4 + 5 + 3);   /* every message fed, once */
    CHECK(fm != NULL);
    CHECK(fu != NULL);
    CHECK_STR(fm ? fm->summary : "", "5 more malformed messages of other problem shapes not grouped "
              "(group table full at 1024).");
    CHECK_STR(fu ? fu->summary : "", "3 more unsupported messages of other problem shapes not grouped "
              "(group table full at 1024).");
    CHECK_STR(evv(fm, "messages"), "5");
    CHECK_STR(evv(fm, "devices"), "2");
    CHECK_STR(evv(fm, "group_limit"), "1024");
    CHECK_INT(fm ? fm->ndevices : 0, 2);
    CHECK_INT(fm ? fm->nex : 0, PROBLEM_EXAMPLES);
    CHECK_CONTAINS(fm ? fm->examples[0] : "", A);
    CHECK_CONTAINS(fm ? fm->examples[0] : "", " gt06: unknown tag ");
    CHECK_CONTAINS(fm ? fm->examples[0] : "", "hex 787811010358 (6 bytes)");
    CHECK_STR(evv(fu, "messages"), "3");
    diagnosis_free(&d);

    /* a reset empties both the groups and the ungrouped counts */
    problems_reset();
    problem(PROBLEM_GROUPS_MAX + 3, 1, A, TRK_MALFORMED);
    g = problems_list(&n);
    CHECK_INT(n, 1);
    CHECK_INT(problems_ungrouped(TRK_MALFORMED)->count, 0);
    CHECK_INT(problems_ungrouped(TRK_UNSUPPORTED)->count, 0);
    problems_reset();
    devices_free();
    return check_done("problems");
}
