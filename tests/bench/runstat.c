/* runstat.c: runs a command and writes its cost to a file, in microseconds:
 *   runstat OUT CMD [ARG...]   ->  OUT: "wall_us cpu_us maxrss_kb exit_status"
 * CPU time is user + system from wait4(), so it stays meaningful on a busy
 * machine where wall time does not; /usr/bin/time only has 10 ms steps. */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long us(struct timeval t) { return (long long)t.tv_sec * 1000000 + t.tv_usec; }

int main(int argc, char **argv)
{
    if (argc < 3) { fprintf(stderr, "usage: runstat OUT CMD [ARG...]\n"); return 2; }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0) { perror("runstat: fork"); return 1; }
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        perror("runstat: exec");
        _exit(127);
    }
    int st;
    struct rusage ru;
    if (wait4(pid, &st, 0, &ru) < 0) { perror("runstat: wait4"); return 1; }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    FILE *f = fopen(argv[1], "w");
    if (!f) { perror("runstat: output"); return 1; }
    int rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    fprintf(f, "%lld %lld %ld %d\n",
            (long long)(t1.tv_sec - t0.tv_sec) * 1000000 + (t1.tv_nsec - t0.tv_nsec) / 1000,
            us(ru.ru_utime) + us(ru.ru_stime), ru.ru_maxrss, rc);
    fclose(f);
    return rc;
}
