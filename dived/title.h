/* Process titles, as ps shows them: "dived: monitor [uid 1000]". */
#ifndef DIVED_TITLE_H
#define DIVED_TITLE_H

/*
 * Makes the argument and environment strings the title's room.  Returns
 * a copy of argv to use from then on, or NULL when out of memory.
 */
char	**title_init(int, char **);
extern char **title_argv;
void	title_set(const char *, ...) __attribute__((format(printf, 1, 2)));

#endif
