/*
 * The recorder's test hooks, linked into dived-recorder-hooks alone (make
 * builds it for the tests; it is never installed).  "@dive-testhook:NAME"
 * in what the client types makes that recorder, already confined, try a
 * system call its filter forbids, as one the client took over would, so
 * that regress/integration/74-record.sh can show that the filter kills it
 * and that the monitor ends the session, which is no longer recorded.
 */
#include <sys/socket.h>
#include <sys/syscall.h>

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "testhook.h"

#define TESTHOOK	"@dive-testhook:"

static int
named(const unsigned char *p, size_t n, const char *name)
{
	char want[64];

	strcpy(want, TESTHOOK);
	strcat(want, name);
	return memmem(p, n, want, strlen(want)) != NULL;
}

void
recorder_testhook(const unsigned char *p, size_t n)
{
	char *const argv[] = { "/bin/sh", NULL };

	if (named(p, n, "open"))
		(void)open("/etc/passwd", O_RDONLY);
	if (named(p, n, "execve"))
		(void)execve("/bin/sh", argv, argv + 1);
	if (named(p, n, "socket"))
		(void)socket(AF_UNIX, SOCK_STREAM, 0);
	if (named(p, n, "kill"))
		(void)kill(1, 0);
}
