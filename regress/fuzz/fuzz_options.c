/*
 * libFuzzer harness for dived's command line: the input, split on NUL
 * bytes, is the argument list after argv[0] "dived".
 *
 * Whatever options_parse accepts must satisfy the rules it documents;
 * whatever it refuses must come with a message.
 */
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "options.h"

int	LLVMFuzzerTestOneInput(const unsigned char *, size_t);

#define MAX_ARGV	64

static void
check(int ok)
{
	if (!ok)
		abort();
}

static void
check_accepted(const struct options *o, int argc, char **argv)
{
	if (o->help || o->version)
		return;
	check(o->npidfiles <= MAX_PIDFILES);
	check(o->mode != MODE_LISTEN || (o->socket != NULL &&
	    o->socket[0] != '\0' && strcmp(o->socket, "@") != 0));
	check(o->mode != MODE_JUST || o->nprefix > 0);
	check(!o->detach || o->mode == MODE_LISTEN);
	check(!o->no_argv || o->nprefix > 0);
	check(!o->no_setuid || (!o->user && !o->groups && !o->euser));
	check(o->chmod_mode <= 07777);
	check(o->privsep_dir[0] == '/' && o->privsep_user[0] != '\0');
	check(o->request_timeout >= 1 &&
	    o->request_timeout <= DIVE_MAX_REQUEST_TIMEOUT);
	check(o->max_sessions >= 1 &&
	    o->max_sessions <= DIVE_MAX_SESSIONS_LIMIT);
	check(o->max_per_uid >= 1 && o->max_per_uid <= DIVE_MAX_SESSIONS_LIMIT);
	if (o->prefix != NULL)
		check(o->prefix + o->nprefix == argv + argc &&
		    o->prefix[o->nprefix] == NULL);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t len)
{
	char *argv[MAX_ARGV + 1], *buf, *s, *end;
	char err[256];
	struct options o;
	int argc = 0;

	/* One more byte, so the last argument is terminated too. */
	if ((buf = malloc(len + 1)) == NULL)
		return 0;
	memcpy(buf, data, len);
	buf[len] = '\0';
	s = buf;
	end = buf + len;
	argv[argc++] = (char *)"dived";
	while (len > 0 && s <= end && argc < MAX_ARGV) {
		argv[argc++] = s;
		s += strlen(s) + 1;
	}
	argv[argc] = NULL;
	err[0] = '\0';
	if (options_parse(argc, argv, &o, err, sizeof(err)) == 0)
		check_accepted(&o, argc, argv);
	else
		check(err[0] != '\0' && memchr(err, '\0', sizeof(err)) != NULL);
	free(buf);
	return 0;
}
