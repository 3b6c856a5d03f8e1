/* output.c: the message pipeline: filters, then the one printer chosen at
 * start-up (text or JSON Lines), the -c limit and -w connection selection. */
#include <string.h>

#include "output.h"
#include "pcapout.h"
#include "printers.h"

typedef void (*render_fn)(struct sbuf *, const struct trk_msg *, const struct conn *,
                          const struct print_opts *);

static struct {
    struct output_cfg cfg;
    render_fn render;
    struct print_opts po;
    struct sbuf line, text;
    unsigned long long shown;
    bool limit;
} O;

void output_setup(const struct output_cfg *cfg)
{
    O.cfg = *cfg;
    O.render = cfg->json ? render_json : render_text;
    O.po.hex = cfg->hex && !cfg->json;
    O.po.verbose = cfg->verbose;
    O.po.input = 0;
}

void output_set_input(int input) { O.po.input = input; }
bool output_limit_reached(void) { return O.limit; }
unsigned long long output_shown(void) { return O.shown; }

static bool passes(const struct trk_msg *m, const struct conn *c)
{
    if (O.cfg.errors_only && m->status == TRK_OK) return false;
    if (O.cfg.imei_re && !regex_match(O.cfg.imei_re, m->imei, strlen(m->imei))) return false;
    if (O.cfg.grep_re) {
        struct print_opts po = O.po;
        po.hex = false;
        po.verbose = true;
        sb_reset(&O.text);
        render_text(&O.text, m, c, &po);
        bool hit = regex_match(O.cfg.grep_re, O.text.p, O.text.len) ||
                   (m->raw && regex_match(O.cfg.grep_re, (const char *)m->raw, m->rawlen));
        if (!hit) return false;
    }
    return true;
}

void output_message(void *ctx, struct trk_msg *m, const struct conn *c)
{
    if (O.limit) return;
    if (!passes(m, c)) return;
    if (c) pcapout_select((struct conn *)c);
    O.shown++;
    if (!O.cfg.quiet) {
        sb_reset(&O.line);
        O.render(&O.line, m, c, &O.po);
        fwrite(O.line.p, 1, O.line.len, O.cfg.out);
    }
    if (O.cfg.max_count && O.shown >= (unsigned long long)O.cfg.max_count) O.limit = true;
}

int output_flush(void)
{
    if (fflush(O.cfg.out) != 0 || ferror(O.cfg.out)) return -1;
    return 0;
}

void output_finish(void)
{
    sb_free(&O.line);
    sb_free(&O.text);
}
