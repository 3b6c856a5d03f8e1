/* output.c: the message pipeline: filters, then the one printer chosen at
 * start-up (text or JSON Lines), the -c limit and -w connection selection.
 *
 * A request that the server must answer is held (rendered, per connection)
 * until its verdict is known, so its line can say ack=12ms or ack=missing;
 * later lines of that connection wait behind it to keep their order.  Other
 * connections are not held up. */
#include <stdlib.h>
#include <string.h>

#include "acks.h"
#include "color.h"
#include "output.h"
#include "pcapout.h"
#include "printers.h"

typedef void (*render_fn)(struct sbuf *, const struct trk_msg *, const struct conn *,
                          const struct print_opts *);

struct held_line {
    struct held_line *next;
    uint32_t seq;              /* the request's message number; 0 = not waiting */
    size_t ack_at;             /* where the verdict goes in the text */
    struct sbuf text;
};

struct held { struct held_line *head, *tail; };

static struct {
    struct output_cfg cfg;
    render_fn render;
    struct print_opts po;
    struct sbuf line, text, ann;
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
        bool col = color_pause();            /* match the line as it reads, not its colour */
        render_text(&O.text, m, c, &po);
        color_resume(col);
        bool hit = regex_match(O.cfg.grep_re, O.text.p, O.text.len) ||
                   (m->raw && regex_match(O.cfg.grep_re, (const char *)m->raw, m->rawlen));
        if (!hit) return false;
    }
    return true;
}

static void write_out(const char *p, size_t n)
{
    if (!O.cfg.quiet) fwrite(p, 1, n, O.cfg.out);
}

/* write the held lines of c that no longer wait */
static void release(struct conn *c)
{
    struct held *h = c->held;
    if (!h) return;
    while (h->head && h->head->seq == 0) {
        struct held_line *l = h->head;
        write_out(l->text.p, l->text.len);
        h->head = l->next;
        sb_free(&l->text);
        free(l);
    }
    if (!h->head) { free(h); c->held = NULL; }
}

/* put the verdict into the held request seq of c */
static void resolve(struct conn *c, const struct trk_ack *a)
{
    struct held *h = c->held;
    if (!h) return;
    for (struct held_line *l = h->head; l; l = l->next) {
        if (l->seq != a->req_seq) continue;
        sb_reset(&O.ann);
        render_ack(&O.ann, a, O.cfg.json);
        struct sbuf t = {0};
        sb_put(&t, l->text.p, l->ack_at);
        sb_put(&t, O.ann.p, O.ann.len);
        sb_put(&t, l->text.p + l->ack_at, l->text.len - l->ack_at);
        sb_free(&l->text);
        l->text = t;
        l->seq = 0;
        break;
    }
    release(c);
}

static void hold(struct conn *c, uint32_t seq, const struct sbuf *text)
{
    struct held *h = c->held;
    struct held_line *l = calloc(1, sizeof *l);
    if (!h) h = calloc(1, sizeof *h);
    if (!l || !h) {                          /* no memory: print now, without the verdict */
        free(l);
        if (!c->held) free(h);
        write_out(text->p, text->len);
        return;
    }
    c->held = h;
    l->seq = seq;
    const char *nl = memchr(text->p, '\n', text->len);
    l->ack_at = O.cfg.json ? text->len - 2 : (size_t)(nl ? nl - text->p : (long)text->len);
    sb_put(&l->text, text->p, text->len);
    if (h->tail) h->tail->next = l; else h->head = l;
    h->tail = l;
}

void output_message(void *ctx, struct trk_msg *m, const struct conn *cc)
{
    struct conn *c = (struct conn *)cc;      /* c->held belongs to this module */
    if (c && m->ack.verdict != TRK_ACK_NONE) resolve(c, &m->ack);
    if (O.limit) return;
    if (!passes(m, c)) return;
    if (c) pcapout_select(c);
    O.shown++;
    if (O.cfg.max_count && O.shown >= (unsigned long long)O.cfg.max_count) O.limit = true;
    if (O.cfg.quiet) return;
    sb_reset(&O.line);
    O.render(&O.line, m, c, &O.po);
    bool request = c && m->dir == TRK_UP && m->want_reply.set;
    if (c && (request || c->held)) hold(c, request ? m->seq : 0, &O.line);
    else write_out(O.line.p, O.line.len);
}

void output_unanswered(void *ctx, const struct trk_ack *a, const char *imei, const struct conn *c)
{
    resolve((struct conn *)c, a);
}

void output_conn_release(struct conn *c)
{
    struct held *h = c->held;
    if (!h) return;
    for (struct held_line *l = h->head; l; l = l->next) l->seq = 0;
    release(c);
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
    sb_free(&O.ann);
}
