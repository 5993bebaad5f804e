/*
 * sigign SIG... -- PROGRAM [ARG...]: runs PROGRAM with the numbered
 * signals ignored, through the system call itself, so that 32 and 33,
 * which the C library keeps to itself, can be among them
 * (regress/integration/10-basics.sh).
 */
#include <sys/syscall.h>

#include <err.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	/* handler, flags, restorer, mask: SIG_IGN, the rest zero. */
	unsigned long act[4] = { (unsigned long)SIG_IGN, 0, 0, 0 };
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (syscall(SYS_rt_sigaction, atoi(argv[i]), act, NULL,
		    sizeof(uint64_t)) == -1)
			err(1, "ignore signal %s", argv[i]);
	if (i + 1 >= argc)
		errx(1, "usage: sigign SIG... -- PROGRAM [ARG...]");
	execvp(argv[i + 1], argv + i + 1);
	err(127, "%s", argv[i + 1]);
}
