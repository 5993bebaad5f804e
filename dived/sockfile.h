/* The socket file's directory, owner and mode (-U, -C). */
#ifndef DIVED_SOCKFILE_H
#define DIVED_SOCKFILE_H

#include <sys/types.h>

#include <limits.h>
#include <stdint.h>

struct sockfile {
	int		 dirfd;		/* O_PATH */
	char		 dir[PATH_MAX];
	char		 base[PATH_MAX];
	const char	*open_to_others; /* why others may replace it, or NULL */
};

/*
 * Opens the directory of the socket path, and warns when others may
 * replace names in it.  -1 with a message.
 */
int	sockfile_open_dir(const char *, struct sockfile *, char *, size_t);
/*
 * Gives the bound socket s (bound with the umask 0177) the owner, when uid
 * is not NULL, and mode, after checking that the name still leads to it.
 * -1 with a message, -2 when the name no longer leads to it, which is
 * then not dived's to remove.
 */
int	sockfile_fix(const struct sockfile *, int, const uid_t *,
	    const gid_t *, mode_t, char *, size_t);

/*
 * Whether the socket s is bound to the file path leads to: 1 if so, 0 if
 * not, -1 with errno when the kernel cannot tell which file it is bound to.
 */
int	sockfile_is(int, const char *);

/* The file a socket was bound to, to remove it and nothing else. */
struct sockfile_id {
	dev_t		 dev;
	uint32_t	 ino;		/* as the socket diagnostics give it */
	int		 known;
};

/* Notes the file the socket s is bound to at path. */
void	sockfile_bound(int, const char *, struct sockfile_id *);
/*
 * Removes path if it is still that file: a dived started after this one
 * stopped may have bound its own socket there, which stays.
 */
void	sockfile_remove(const char *, const struct sockfile_id *);

#endif
