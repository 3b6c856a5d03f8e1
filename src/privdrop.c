/* privdrop.c: switching from root to an unprivileged user after the capture
 * device (and any -w file) is open and before the first packet is parsed.
 * Open descriptors (the packet socket, the output files) stay usable. */
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include "privdrop.h"

/* the passwd entry of a name or of a numeric uid */
static struct passwd *lookup(const char *user)
{
    struct passwd *pw = getpwnam(user);
    if (pw || !user[0]) return pw;
    char *end;
    errno = 0;
    unsigned long uid = strtoul(user, &end, 10);
    if (errno || *end || uid > (uid_t)-2) return NULL;
    return getpwuid((uid_t)uid);
}

bool priv_user_exists(const char *user)
{
    return lookup(user) != NULL;
}

const char *priv_target(const char *requested, bool live)
{
    if (requested) return requested;
    if (live && geteuid() == 0 && lookup(PRIV_DEFAULT_USER)) return PRIV_DEFAULT_USER;
    return NULL;
}

int priv_drop(const char *user, char *err, size_t errlen)
{
    struct passwd *pw = lookup(user);
    if (!pw) { snprintf(err, errlen, "cannot drop privileges: no such user '%s'", user); return -1; }
    uid_t uid = pw->pw_uid;
    gid_t gid = pw->pw_gid;
    if (geteuid() != 0) {
        if (getuid() == uid && geteuid() == uid) return 0;
        snprintf(err, errlen, "cannot switch to user '%s': not running as root", user);
        return -1;
    }
    if (setgroups(1, &gid) < 0) {
        snprintf(err, errlen, "cannot drop privileges to '%s': setgroups: %s", user, strerror(errno));
        return -1;
    }
    if (setgid(gid) < 0) {
        snprintf(err, errlen, "cannot drop privileges to '%s': setgid(%u): %s", user, (unsigned)gid, strerror(errno));
        return -1;
    }
    if (setuid(uid) < 0) {
        snprintf(err, errlen, "cannot drop privileges to '%s': setuid(%u): %s", user, (unsigned)uid, strerror(errno));
        return -1;
    }
    /* verify: every id is the target's, no other group is left, and root cannot come back */
    gid_t groups[2];
    int ng = getgroups(2, groups);
    bool ok = getuid() == uid && geteuid() == uid && getgid() == gid && getegid() == gid &&
              ng >= 0 && ng <= 1 && (ng == 0 || groups[0] == gid);
    if (ok && uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) ok = false;
    if (!ok) {
        snprintf(err, errlen, "dropping privileges to '%s' did not take effect", user);
        return -1;
    }
    return 0;
}

/* the capability sets of this process (raw system calls: no libcap needed) */
static int caps_get(struct __user_cap_data_struct d[2])
{
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    memset(d, 0, 2 * sizeof *d);
    return (int)syscall(SYS_capget, &h, d);
}

int priv_drop_caps(char *err, size_t errlen)
{
    struct __user_cap_data_struct d[2];
    if (caps_get(d) < 0) return 0;                 /* no capabilities on this system */
    if (!(d[0].effective | d[0].permitted | d[0].inheritable | d[1].effective | d[1].permitted |
          d[1].inheritable))
        return 0;
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct none[2];
    memset(none, 0, sizeof none);
    if (syscall(SYS_capset, &h, none) < 0) {
        snprintf(err, errlen, "cannot give up capabilities: %s", strerror(errno));
        return -1;
    }
    if (caps_get(d) < 0 || d[0].effective | d[0].permitted | d[1].effective | d[1].permitted) {
        snprintf(err, errlen, "giving up capabilities did not take effect");
        return -1;
    }
    return 0;
}
