/*
 * The title overwrites the argv strings and the environment strings that
 * follow them (the environment is moved to the heap first).  The whole
 * area is zeroed before the first title, and only what the last title
 * used before each later one, in the master's children too, each of
 * which copies the pages it writes.  When the title is shorter than the
 * original arguments the kernel shows the argument area, whose trailing
 * NULs ps drops; when it is longer, the last argument byte is not NUL and
 * the kernel reads on to the title's end.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "title.h"

extern char **environ;

static char *base, *end;
static size_t used;	/* by the last title, inherited by children */
char **title_argv;	/* the copy of argv, for the process's life */

char **
title_init(int argc, char **argv)
{
	char **env;
	size_t n = 0, i;

	if (argc < 1 || argv[0] == NULL)
		return argv;
	/* Whatever points into the old strings must use copies. */
	if ((title_argv = calloc((size_t)argc + 1, sizeof(*title_argv))) ==
	    NULL)
		return NULL;
	for (i = 0; i < (size_t)argc; i++)
		if ((title_argv[i] = strdup(argv[i])) == NULL)
			return NULL;
	base = argv[0];
	end = argv[0] + strlen(argv[0]) + 1;
	for (i = 1; i < (size_t)argc; i++)
		if (argv[i] == end)
			end = argv[i] + strlen(argv[i]) + 1;
	while (environ[n] != NULL)
		n++;
	if ((env = calloc(n + 1, sizeof(*env))) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (environ[i] == end)
			end = environ[i] + strlen(environ[i]) + 1;
		if ((env[i] = strdup(environ[i])) == NULL)
			return NULL;
	}
	environ = env;
	return title_argv;
}

void
title_set(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	size_t room, n;

	if (base == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	room = (size_t)(end - base);
	/* The first title clears the whole area; later ones what they used. */
	memset(base, 0, used == 0 ? room : used);
	n = (size_t)snprintf(base, room, "dived: %s", buf);
	used = n < room ? n : room - 1;
}
