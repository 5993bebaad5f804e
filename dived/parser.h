/* The per-connection parser: the only dived code that reads a client. */
#ifndef DIVED_PARSER_H
#define DIVED_PARSER_H

/* Runs confined; reports to the monitor socket and never returns. */
/*
 * Waits on the monitor socket for the client's connection (PS_CLIENT);
 * confined by then.
 */
void	parser_run(int, unsigned int) __attribute__((noreturn));

#endif
