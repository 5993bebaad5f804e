/*
 * The files dived writes by name, the audit log and the pidfiles: only
 * files of its own, as no one else can have made or linked them.
 */
#ifndef DIVED_OWNFILE_H
#define DIVED_OWNFILE_H

#include <sys/stat.h>

#include <stddef.h>

/*
 * Opens path for writing, with flags (O_WRONLY, O_APPEND): the file that
 * is there, never through a symbolic link and never waiting for a FIFO's
 * reader; or, when there is none and flags hold O_CREAT, a new one with
 * mode, made with O_EXCL.  The descriptor, close-on-exec, with the file's
 * status in *st; -1 with the reason in err and errno set (ENOENT: no file
 * and no O_CREAT).
 */
int	ownfile_open(const char *, int, mode_t, struct stat *, char *, size_t);

/*
 * 0 when st is a file only dived can have made or changed: a regular
 * file of dived's effective user, not writable by its group or others,
 * with no other name (hard link).  -1 with the reason in err.
 */
int	ownfile_check(const struct stat *, char *, size_t);

#endif
