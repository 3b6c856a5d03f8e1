/* test_corpus.c: conformance of the dissectors against the corpus of real device
 * messages (tests/corpus/traccar-vectors.tsv).  Rows of one source test file are
 * fed in order on one session state, like a connection; each row must give its
 * expect_status, and asserted fix times and positions must match (1 s, 1e-5 deg).
 * Prints a per-protocol table and "N passed, N failed".
 *   usage: test_corpus TSV [PROTO...] [-v] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dissect.h"
#include "framer.h"

#define MAXP 64
struct tally { const char *name; int rows, ok, bad, pos_checked, pos_ok, exceptions, det_rows, det_ok; };
static struct tally tal[MAXP];
static int ntal, verbose;

static struct tally *tally_for(const char *name)
{
    for (int i = 0; i < ntal; i++) if (strcmp(tal[i].name, name) == 0) return &tal[i];
    if (ntal == MAXP) return NULL;
    tal[ntal].name = strdup(name);
    return &tal[ntal++];
}

static bool json_num(const char *js, const char *key, double *out)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(js, pat);
    if (!p) return false;
    p += strlen(pat);
    if (*p == '"' || *p == 'n' || *p == '{') return false;
    *out = strtod(p, NULL);
    return true;
}

static bool json_has(const char *js, const char *frag) { return strstr(js, frag) != NULL; }

/* the worst status of a row, and its problem text */
struct rowres { enum trk_status st; char problem[TRK_PROBLEM_MAX]; int nmsg; };

static struct trk_msg msg;
static struct trk_record recs[4096];
static int nrecs;

static void take(struct rowres *rr, struct trk_msg *m)
{
    rr->nmsg++;
    int rank_new = m->status == TRK_MALFORMED ? 3 : m->status == TRK_UNKNOWN ? 2 : m->status == TRK_UNSUPPORTED ? 1 : 0;
    int rank_old = rr->st == TRK_MALFORMED ? 3 : rr->st == TRK_UNKNOWN ? 2 : rr->st == TRK_UNSUPPORTED ? 1 : 0;
    if (rank_new > rank_old) {
        rr->st = m->status;
        snprintf(rr->problem, sizeof rr->problem, "%s", m->problem);
    }
    for (size_t i = 0; i < m->nrec && nrecs < 4096; i++) recs[nrecs++] = m->rec[i];
}

static const char *stname(enum trk_status s)
{
    return s == TRK_OK ? "ok" : s == TRK_MALFORMED ? "malformed" : s == TRK_UNSUPPORTED ? "unsupported" : "unknown";
}

/* rows whose expectation is argued against from vendor documentation:
 * tests/corpus/exceptions.tsv (id, the status we give instead, the reason) */
#define MAXEX 64
static char ex_id[MAXEX][32], ex_status[MAXEX][16];
static int nex;

static void load_exceptions(const char *tsv)
{
    char path[1024];
    snprintf(path, sizeof path, "%s", tsv);
    char *slash = strrchr(path, '/');
    snprintf(slash ? slash + 1 : path, sizeof path - (size_t)(slash ? slash + 1 - path : 0), "exceptions.tsv");
    FILE *f = fopen(path, "r");
    if (!f) return;
    char line[2048];
    while (fgets(line, sizeof line, f) && nex < MAXEX) {
        char *id = strtok(line, "\t"), *st = strtok(NULL, "\t");
        if (!id || !st || strcmp(id, "id") == 0) continue;
        snprintf(ex_id[nex], sizeof ex_id[nex], "%s", id);
        snprintf(ex_status[nex], sizeof ex_status[nex], "%s", st);
        nex++;
    }
    fclose(f);
}

static const char *exception_for(const char *id)
{
    for (int i = 0; i < nex; i++) if (strcmp(ex_id[i], id) == 0) return ex_status[i];
    return NULL;
}

static bool problem_matches(const char *why, const char *problem)
{
    static const char *const crcw[] = {"crc", "checksum", "xor", "sum", NULL};
    static const char *const lenw[] = {"length", "truncated", "incomplete", "skipped", "count", NULL};
    const char *const *w = NULL;
    if (strncmp(why, "checksum", 8) == 0) w = crcw;
    else if (strncmp(why, "length", 6) == 0) w = lenw;
    else return true;   /* framing, trailing: any malformed verdict names the bytes */
    for (; *w; w++) if (strstr(problem, *w)) return true;
    /* a row failing several checks may report another of them first */
    if (strstr(why, "; checksum") || strstr(why, ", checksum")) for (w = crcw; *w; w++) if (strstr(problem, *w)) return true;
    return false;
}

int main(int argc, char **argv)
{
    if (argc < 2) { fprintf(stderr, "usage: test_corpus TSV [PROTO...] [-v]\n"); return 2; }
    const char *only[32];
    int nonly = 0;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "-v") == 0) verbose = 1;
        else if (nonly < 32) only[nonly++] = argv[i];
    }
    load_exceptions(argv[1]);
    FILE *f = fopen(argv[1], "r");
    if (!f) { perror(argv[1]); return 1; }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    char cursrc[512] = "";
    struct trk_state st;
    memset(&st, 0, sizeof st);
    static unsigned char bytes[1 << 20];
    int lineno = 0;
    while ((len = getline(&line, &cap, f)) > 0) {
        if (lineno++ == 0) continue;
        if (line[len - 1] == '\n') line[--len] = 0;
        char *col[13] = {0};
        int nc = 0;
        for (char *s = line; nc < 13;) {
            col[nc++] = s;
            char *t = strchr(s, '\t');
            if (!t) break;
            *t = 0;
            s = t + 1;
        }
        if (nc < 12) continue;
        const char *id = col[0], *proto = col[1], *transport = col[2], *hex = col[4];
        const char *expected = col[6], *expect_status = col[7], *why = col[8], *source = col[9];
        if (nonly) {
            int want = 0;
            for (int i = 0; i < nonly; i++) if (strcmp(only[i], proto) == 0) want = 1;
            const struct dissector *dd = dissector_find(proto);
            for (int i = 0; i < nonly && dd; i++) if (strcmp(only[i], dd->name) == 0) want = 1;
            if (!want) continue;
        }
        const struct dissector *d = dissector_find(proto);
        if (!d) continue;
        struct tally *t = tally_for(d->name);
        if (!t) continue;
        /* one session state per source test file */
        char src[512];
        snprintf(src, sizeof src, "%s", source);
        char *at = strchr(src, '@');
        if (at) *at = 0;
        if (strcmp(src, cursrc) != 0) {
            memset(&st, 0, sizeof st);
            snprintf(cursrc, sizeof cursrc, "%s", src);
        }
        size_t n = check_unhex(hex, bytes, sizeof bytes);
        /* `trackdump decode` without -P: the message alone must name its protocol */
        {
            unsigned tr = strcmp(transport, "UDP") == 0 ? TRK_UDP : TRK_TCP;
            int conf = 0;
            const struct dissector *guess = dissector_probe(bytes, n, tr, 50, &conf);
            t->det_rows++;
            if (guess == d) t->det_ok++;
            else if (verbose) printf("DETECT %s: %s (%d)\n", id, guess ? guess->name : "none", conf);
        }
        struct rowres rr = {TRK_OK, "", 0};
        nrecs = 0;
        if (strcmp(transport, "UDP") == 0) {
            st.transport = TRK_UDP;
            framer_decode(d, &st, TRK_UP, TRK_UDP, bytes, n, &msg);
            take(&rr, &msg);
        } else {
            struct framer fr;
            st.transport = TRK_TCP;
            framer_init(&fr);
            fr.whole_input = true;
            framer_begin(&fr, bytes, n);
            while (framer_next(&fr, d, &st, TRK_UP, &msg)) take(&rr, &msg);
            framer_end(&fr);
            while (framer_flush(&fr, d, &st, TRK_UP, &msg)) take(&rr, &msg);
            framer_free(&fr);
        }
        t->rows++;
        bool pass = true;
        char reason[400] = "";
        const char *ex = exception_for(id);
        if (ex) {
            if (strcmp(stname(rr.st), ex) != 0) { pass = false; snprintf(reason, sizeof reason, "exception says %s, got %s: %s", ex, stname(rr.st), rr.problem); }
            else { t->exceptions++; printf("EXCEPTION %s: %s (%s), see tests/corpus/exceptions.tsv\n", id, ex, rr.problem); }
        } else if (strcmp(expect_status, "ok") == 0) {
            if (rr.st != TRK_OK) { pass = false; snprintf(reason, sizeof reason, "expected ok, got %s: %s", stname(rr.st), rr.problem); }
        } else {
            if (rr.st != TRK_MALFORMED) { pass = false; snprintf(reason, sizeof reason, "expected malformed (%s), got %s %s", why, stname(rr.st), rr.problem); }
            else if (!problem_matches(why, rr.problem)) { pass = false; snprintf(reason, sizeof reason, "problem \"%s\" does not name \"%s\"", rr.problem, why); }
        }
        /* asserted positions */
        double tu, lat, lon;
        bool has_t = json_num(expected, "time_unix", &tu);
        bool has_ll = json_num(expected, "lat", &lat) && json_num(expected, "lon", &lon);
        bool all = json_has(expected, "\"verifyPositions\"");
        bool need_loc = !json_has(expected, "\"check_location\":false");
        if (pass && !ex && (has_t || has_ll)) {
            t->pos_checked++;
            int matched = 0, located = 0;
            for (int i = 0; i < nrecs; i++) {
                struct trk_record *r = &recs[i];
                if (!(r->has & TRK_R_POS) && !(r->has & TRK_R_TIME)) continue;
                located++;
                bool ok = true;
                if (has_t && (!(r->has & TRK_R_TIME) || fabs(r->time_ms / 1000.0 - tu) > 1.0)) ok = false;
                if (has_ll && (!(r->has & TRK_R_POS) || fabs(r->lat - lat) > 1e-5 || fabs(r->lon - lon) > 1e-5)) ok = false;
                if (ok) matched++;
            }
            if (matched == 0 || (all && matched != located)) {
                pass = false;
                snprintf(reason, sizeof reason, "position: expected t=%.0f %.6f,%.6f; %d of %d records match (first: t=%.3f %.6f,%.6f)",
                         has_t ? tu : 0, has_ll ? lat : 0, has_ll ? lon : 0, matched, located,
                         nrecs ? recs[0].time_ms / 1000.0 : 0, nrecs ? recs[0].lat : 0, nrecs ? recs[0].lon : 0);
            } else t->pos_ok++;
        } else if (pass && !ex && need_loc && (json_has(expected, "\"positions\":true") ||
                                        json_has(expected, "\"assert\":\"verifyPosition\"")) &&
                   strcmp(expect_status, "ok") == 0) {
            t->pos_checked++;
            int located = 0;
            for (int i = 0; i < nrecs; i++) if (recs[i].has & TRK_R_POS) located++;
            if (!located) { pass = false; snprintf(reason, sizeof reason, "expected a position, decoded none"); }
            else t->pos_ok++;
        }
        if (pass) { t->ok++; check_pass++; }
        else {
            t->bad++; check_fail++;
            printf("FAIL %s: %s\n", id, reason);
        }
        if (verbose && pass) printf("ok   %s: %s %s\n", id, stname(rr.st), rr.problem);
    }
    free(line);
    fclose(f);
    printf("\n%-12s %6s %6s %6s %6s %10s %8s %10s\n", "protocol", "rows", "match", "argued", "fail", "positions",
           "result", "detected");
    for (int i = 0; i < ntal; i++)
        printf("%-12s %6d %6d %6d %6d %5d/%-4d %7.1f%% %5d/%-4d\n", tal[i].name, tal[i].rows,
               tal[i].ok - tal[i].exceptions, tal[i].exceptions, tal[i].bad, tal[i].pos_ok, tal[i].pos_checked,
               tal[i].rows ? 100.0 * tal[i].ok / tal[i].rows : 0, tal[i].det_ok, tal[i].det_rows);
    return check_done("corpus");
}
