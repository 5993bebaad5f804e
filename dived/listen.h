/* The master's listening socket (listen.c). */
#ifndef DIVED_LISTEN_H
#define DIVED_LISTEN_H

struct config;

/*
 * The socket to accept on: the one the service manager passed, checked
 * to be the one the command line names, or one dived binds there, with
 * the owner and mode of -U and -C.  Exits with a message on failure.
 */
int	listen_socket(const struct config *);
/*
 * Removes the socket file dived bound, if the name still holds it; call
 * before closing the listening socket, which keeps the file's inode from
 * being given to another.
 */
void	listen_remove(void);

#endif
