/* The per-connection parser: the only dived code that reads a client. */
#ifndef DIVED_PARSER_H
#define DIVED_PARSER_H

/* Runs confined; reports to the monitor socket and never returns. */
void	parser_run(int, int, unsigned int) __attribute__((noreturn));

#endif
