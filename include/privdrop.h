/* privdrop.h: giving up root once the capture device is open (-Z USER; by
 * default `nobody` for a live capture started as root, like tcpdump). */
#ifndef TRK_PRIVDROP_H
#define TRK_PRIVDROP_H

#include <stdbool.h>
#include <stddef.h>

#define PRIV_DEFAULT_USER "nobody"

/* Does `user` exist (a name, or a numeric uid)?  For checking -Z before capturing. */
bool priv_user_exists(const char *user);
/* The user to become: `requested` (-Z) if given; else PRIV_DEFAULT_USER when running
 * as root with a live capture and that user exists; else NULL (stay as we are). */
const char *priv_target(const char *requested, bool live);
/* Become `user`: supplementary groups reduced to its group, then setgid, then setuid,
 * and checked (ids as asked, root not recoverable).  Not running as root, only
 * "becoming" the current user succeeds.  0, or -1 with the reason in err. */
int priv_drop(const char *user, char *err, size_t errlen);
/* Not root but holding capabilities (a binary given CAP_NET_RAW with setcap): give
 * them all up, and check.  0 (also when there were none), or -1 with err. */
int priv_drop_caps(char *err, size_t errlen);

#endif
