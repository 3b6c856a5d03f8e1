/* tui_help.c: the help screen of `top` (? or F1): every key, the colours and
 * the limits of what is kept in memory.  Esc, q or ? close it. */
#include <curses.h>
#include <stdio.h>

#include "tui.h"

static const char *const help[] = {
    "trackdump top: the live view per device",
    "",
    "Everywhere",
    "  ? F1 h        this help (Esc, q or ? closes it)",
    "  q F10         quit (the terminal is restored, written files are complete)",
    "  Z space       pause the display: capture and counting go on; again to resume",
    "  r             the diagnosis findings (as in trackdump report); Esc closes",
    "  w             write the selected device's packets to trackdump-IMEI-TIME.pcap",
    "  ^L            redraw the screen",
    "",
    "Device table",
    "  Up Down PgUp PgDn Home End   move (j k too)",
    "  Left Right    scroll the columns after IMEI",
    "  Enter         the device's messages",
    "  < >           sort by the previous / next column;  F6 choose the column",
    "  I             invert the sort order",
    "  / F3          search: the next row containing the text, any case (n: next)",
    "  \\ F4          filter: a PCRE2 expression over the columns (all but SEEN, which",
    "                changes every second); red while it does not compile; Enter",
    "                keeps it, Esc clears it",
    "  g             group by protocol, port, source network (/24), model, none",
    "  e             the next device with an error (malformed, unsupported, rejected,",
    "                an ACK missing or wrong)",
    "  F             follow the selected device wherever the sort moves it",
    "",
    "Messages of a device (oldest first, the server's replies interleaved)",
    "  Up Down PgUp PgDn Home End   move; at the newest message the list follows",
    "  Enter         decode the message: fields, records, hex dump",
    "  e             the next message with an error",
    "  Esc Left      back to the devices",
    "",
    "One message",
    "  Up Down PgUp PgDn   scroll;  [ ]  previous / next message",
    "  e             the next message with an error",
    "  Esc Left      back to the messages",
    "",
    "Columns: IMEI, PROTO, PORT (server), STATE, SEEN (since the last message),",
    "  MSGS (device messages), INTVL (median interval), LAST TYPE, ACK (the server's",
    "  last verdict: ok, missing, rejected, wrong), MALF/UNS (malformed/unsupported),",
    "  OFFSET (device clock - capture clock), PEER, LAST FIX (UTC), POSITION",
    "States: online (connected), silent (no message for 3 intervals), closed,",
    "  rejected (login refused or closed by the server right after it)",
    "",
    "Memory limits",
    "  Messages: the last N per device (--keep, default 200) within --memory.",
    "  Packets for w: the last 2 MB per device within --memory; older packets are",
    "  dropped first and counted, so on a long live capture the file may start",
    "  mid-connection (trackdump reads it).  For a complete copy of one device from",
    "  a file use:  trackdump -r FILE --imei '^IMEI$' -w OUT.pcap",
    "Redraws at most 10 times a second; the table refreshes once a second; the",
    "  findings are recomputed every 5 s at most (every 50 times their cost).",
    NULL,
};

static size_t count(void)
{
    size_t n = 0;
    while (help[n]) n++;
    return n;
}

bool tui_help_key(int k)
{
    int page = LINES > 10 ? LINES - 8 : 1;
    switch (k) {
    case KEY_UP: case 'k': if (T.help_scroll > 0) T.help_scroll--; break;
    case KEY_DOWN: case 'j': T.help_scroll++; break;
    case KEY_PPAGE: T.help_scroll = T.help_scroll > page ? T.help_scroll - page : 0; break;
    case KEY_NPAGE: case ' ': T.help_scroll += page; break;
    case 27: case 'q': case '?': case KEY_F(1): case 'h': T.screen = T.back_screen; break;
    default: return false;
    }
    return true;
}

void tui_help_draw(int y0)
{
    int room = LINES - 1 - y0;
    int n = (int)count();
    if (T.help_scroll > n - room) T.help_scroll = n - room > 0 ? n - room : 0;
    for (int k = 0; k < room && T.help_scroll + k < n; k++) {
        const char *s = help[T.help_scroll + k];
        int role = s[0] && s[0] != ' ' ? R_VALUE : R_NORMAL;
        tui_put(y0 + k, 0, tui_attr(role), s);
    }
    static const char *const keys[] = {"Esc", "Close", "Up/Dn", "Scroll", "F10", "Quit", NULL, NULL};
    tui_fkeys(keys);
}
