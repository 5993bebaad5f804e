/* AF_UNIX addresses: a filesystem path, or @name in the abstract namespace. */
#ifndef DIVE_SOCK_H
#define DIVE_SOCK_H

#include <sys/socket.h>
#include <sys/un.h>

/*
 * Fills sun from a path or @abstract name.  Returns the address length, or
 * -1 if the name is empty or too long.
 */
int	sock_addr(const char *, struct sockaddr_un *, socklen_t *);

#endif
