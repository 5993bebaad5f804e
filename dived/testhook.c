/* The test build's pauses (testhook.h). */
#include <stdlib.h>
#include <time.h>

#include "testhook.h"

void
testhook_pause(const char *var)
{
	const char *v = getenv(var);
	struct timespec t;
	long ms;

	if (v == NULL || (ms = strtol(v, NULL, 10)) <= 0 || ms > 60000)
		return;
	t.tv_sec = ms / 1000;
	t.tv_nsec = ms % 1000 * 1000000;
	while (nanosleep(&t, &t) == -1)
		;
}
