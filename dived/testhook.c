/* The test build's pause in the program's setup (testhook.h). */
#include <stdlib.h>
#include <time.h>

#include "testhook.h"

void
testhook_joined(void)
{
	const char *v = getenv("DIVED_TESTHOOK_JOINED_MS");
	struct timespec t;
	long ms;

	if (v == NULL || (ms = strtol(v, NULL, 10)) <= 0 || ms > 60000)
		return;
	t.tv_sec = ms / 1000;
	t.tv_nsec = ms % 1000 * 1000000;
	while (nanosleep(&t, &t) == -1)
		;
}
