/*
 * tiocsti TEXT: pushes TEXT into the input of the terminal on standard
 * input with TIOCSTI, as a hostile program would to type commands into
 * its caller's shell.  Says on standard error whether the kernel let it.
 */
#include <sys/ioctl.h>

#include <err.h>
#include <stdio.h>
#include <string.h>

int
main(int argc, char **argv)
{
	size_t i;

	if (argc != 2)
		errx(2, "usage: tiocsti text");
	for (i = 0; argv[1][i] != '\0'; i++)
		if (ioctl(0, TIOCSTI, &argv[1][i]) == -1)
			err(1, "TIOCSTI");
	fprintf(stderr, "tiocsti: pushed %zu bytes\n", strlen(argv[1]));
	return 0;
}
