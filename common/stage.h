/*
 * Stage builds only (-DDIVE_STAGES, built into $(O)/stages/ for make
 * bench; common/stage.c): the moments of one session, so that the bench
 * can say where its time goes.  The file the variable DIVE_STAGES names
 * gets one line per session from each process that took part:
 *
 *	stage PID NAME=NS ...
 *
 * PID is the client's (dive's own; the monitor's peer), NS the moment on
 * CLOCK_MONOTONIC in nanoseconds.  In every other build the macros are
 * empty: no code, no system call.
 */
#ifndef DIVE_STAGE_H
#define DIVE_STAGE_H

#ifdef DIVE_STAGES
#include <sys/types.h>

enum stage {
	STAGE_connected,	/* dive: its connect() returned */
	STAGE_accepted,		/* master: accept4() returned */
	STAGE_monitor,		/* monitor: it has the connection */
	STAGE_handed,		/* monitor: the parser gets the connection */
	STAGE_request,		/* monitor: the decoded request is taken */
	STAGE_decided,		/* monitor: checks and decision done */
	STAGE_clone,		/* monitor: about to create the program */
	STAGE_exec,		/* the program's process, before execve */
	STAGE_exited,		/* monitor: the program's exit seen */
	STAGE_dive_exit,	/* dive: about to exit */
	STAGE_COUNT
};

/* dived's master, at its start: the file, which monitors inherit. */
void	stage_open(void);
/* The moment, kept until the line is written. */
void	stage_mark(enum stage);
/* The client the line is about; dive's own pid by default. */
void	stage_key(pid_t);
/* The moments kept, as one line, then forgotten. */
void	stage_write(void);
/*
 * The moment, written at once as a line of its own: for the program's
 * process, which may share the monitor's memory and ends in an exec.
 */
void	stage_now(enum stage);

#define STAGE_OPEN()	stage_open()
#define STAGE(n)	stage_mark(STAGE_##n)
#define STAGE_KEY(pid)	stage_key(pid)
#define STAGE_WRITE()	stage_write()
#define STAGE_NOW(n)	stage_now(STAGE_##n)
#else
#define STAGE_OPEN()	do { } while (0)
#define STAGE(n)	do { } while (0)
#define STAGE_KEY(pid)	do { } while (0)
#define STAGE_WRITE()	do { } while (0)
#define STAGE_NOW(n)	do { } while (0)
#endif

#endif
