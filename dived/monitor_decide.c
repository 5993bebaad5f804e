/*
 * Before anything runs for the client: the socket's pseudo-terminal rule,
 * the -a command, and the decision of the policy, logged and recorded.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errbuf.h"
#include "log.h"
#include "monitor.h"
#include "pidfd.h"
#include "pty.h"
#include "root.h"
#include "rulefile.h"
#include "spawn.h"

extern char **environ;

/*
 * The socket's pseudo-terminal rule, before anything runs for the client;
 * then the pseudo-terminal, whose master goes to the client at once, so
 * that the -a command can already talk to the caller through it.
 */
void
terminal(struct session *s)
{
	char err[DIVE_MAX_ERRTEXT];
	int master;

	if (pty_check(s->cfg, &s->req, err, sizeof(err)) == -1)
		refuse(s, DIVE_EXIT_FAILURE, "%s", err);
	s->verdict = VERDICT_FAILED;
	if (pty_make(&s->req, &master, err, sizeof(err)) == -1)
		refuse(s, DIVE_EXIT_FAILURE, "%s", err);
	s->verdict = VERDICT_REFUSED;
	if (master != -1) {
		record_terminal(s, &master);
		(void)greet(s);
		proto_send_pty(s->client, s->req.head.pty, master);
		close(master);
	}
}

/* The authentication command's process: the client's 0-2, DIVE_* set. */
static void __attribute__((noreturn))
run_authenticator(struct session *s, const char *cmd)
{
	char *argv[] = { "sh", "-c", (char *)(uintptr_t)cmd, NULL };
	struct decision d;
	size_t n = 0, i;
	int fd, std[3] = { -1, -1, -1 };

	/*
	 * Not the monitor's ignored terminal signals, nor any dived was
	 * started with: a ^C must end it.
	 */
	spawn_reset_signals();
	for (i = 0; i < s->req.nfds; i++)
		if (s->req.targets[i] <= 2)
			std[s->req.targets[i]] = fcntl(s->req.fds[i],
			    F_DUPFD_CLOEXEC, 3);
	for (fd = 0; fd <= 2; fd++)
		if (s->req.head.pty & (1u << fd))
			std[fd] = fcntl(s->req.ptyfd, F_DUPFD_CLOEXEC, 3);
	for (fd = 0; fd <= 2; fd++)
		if (std[fd] == -1)
			std[fd] = open("/dev/null", O_RDWR | O_CLOEXEC);
	for (fd = 0; fd <= 2; fd++)
		if (std[fd] == -1 || dup2(std[fd], fd) == -1)
			_exit(DIVE_EXIT_FAILURE);
	close_range(3, ~0u, CLOSE_RANGE_CLOEXEC);
	while (environ[n] != NULL)
		n++;
	memset(&d, 0, sizeof(d));
	if (policy_env(&s->peer, (const char *const *)environ, n, &d) == -1)
		_exit(DIVE_EXIT_FAILURE);
	execve("/bin/sh", argv, d.envp);
	_exit(DIVE_EXIT_NOTFOUND);
}

/*
 * -a: a shell command, as dived's user, with the client's 0-2 and the
 * DIVE_* variables; anything but exit status 0 turns the client away.
 */
void
authenticate(struct session *s)
{
	const char *cmd = s->cfg->o.authenticate;
	pid_t pid;
	int st;

	if (cmd == NULL)
		return;
	if ((pid = fork()) == -1)
		refuse(s, DIVE_EXIT_FAILURE, "fork: %s", strerror(errno));
	if (pid == 0)
		run_authenticator(s, cmd);
	if (wait_child(pid, &st) == -1)
		refuse(s, DIVE_EXIT_FAILURE, "waitpid: %s", strerror(errno));
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return;
	if (WIFSIGNALED(st))
		refuse(s, DIVE_EXIT_FAILURE, "authentication failed (killed by "
		    "signal %d)", WTERMSIG(st));
	refuse(s, DIVE_EXIT_FAILURE, "authentication failed (status %d)",
	    WEXITSTATUS(st));
}

/*
 * A program confined to a root, by a rule or to the client's, gets no
 * descriptor that leads out of it.
 */
static void
refuse_ways_out(struct session *s)
{
	const struct spawn_req *r = &s->req;
	const char *what;

	for (size_t i = 0; s->dec.client_fds && i < r->nfds; i++)
		if ((r->targets[i] <= 2 || !s->dec.std_fds_only) &&
		    (what = root_way_out(r->fds[i])) != NULL)
			refuse(s, DIVE_EXIT_FAILURE, "descriptor %u is %s, "
			    "which leads out of the program's root: close it "
			    "or pass another", r->targets[i], what);
}

void
policy_now(struct session *s, struct baseline *b)
{
	char why[256];

	baseline_from(s->cfg, b);
	/* The rules a recorded terminal was decided by, if it asked. */
	if (s->rules == NULL)
		s->rules = s->cfg->rules;
	if (s->rules != NULL && rulefile_in_force(s->cfg, &s->rules, why,
	    sizeof(why)) == -1)
		refuse(s, DIVE_EXIT_FAILURE, "%s", why);
	b->rules = s->rules;
}

int
judge(struct session *s, const struct baseline *b, char *why, size_t len)
{
	if (policy_decide(b, &s->peer, s->req.argv, s->req.head.argc,
	    s->req.envp, s->req.head.envc, &s->dec, why, len) == -1)
		return -1;
	/* Only a waiting monitor can keep a rule's controls. */
	if (s->cfg->o.no_wait && (s->dec.time_limit || s->dec.die_with_client))
		return errbuf(why, len, "the rule at line %d sets a time "
		    "limit or die-with-client, which -w cannot keep",
		    s->dec.rule != NULL ? s->dec.rule->line : 0);
	if (s->cfg->o.no_wait && (s->dec.record & RECORD_OUTPUT))
		return errbuf(why, len, "the rule at line %d records the "
		    "session, which -w cannot: the program would hold the "
		    "client's terminal and descriptors itself",
		    s->dec.rule != NULL ? s->dec.rule->line : 0);
	return 0;
}

void
decide(struct session *s)
{
	struct baseline b;
	char why[256], argv[2048], cwd[1100], euids[32];
	const char *dir;
	uid_t uid, euid;

	policy_now(s, &b);
	/* DIVE_PID and the records name the client only while it lives. */
	if (s->peerfd != -1 && pidfd_pid(s->peerfd) != s->peer.pid)
		s->peer.pid = 0;
	if (judge(s, &b, why, sizeof(why)) == -1)
		refuse(s, DIVE_EXIT_FAILURE, "%s", why);
	if (s->dec.confined)
		refuse_ways_out(s);
	record_open(s);
	log_quotev((const char *const *)s->dec.argv, argv, sizeof(argv));
	/* The directory the program will start in: -h, dived's, or the client's. */
	if ((dir = program_dir(s)) != NULL)
		log_quote(dir, cwd, sizeof(cwd));
	else
		snprintf(cwd, sizeof(cwd), "-");
	uid = s->dec.setids ? s->dec.uid : getuid();
	euid = s->dec.setids ? s->dec.euid : geteuid();
	snprintf(euids, sizeof(euids), " euid %lu", (unsigned long)euid);
	logmsg(LOG_INFO, "session %s: peer pid %ld uid %lu gid %lu user %s: "
	    "allowed: run %s as uid %lu%s gid %lu cwd %s", s->id,
	    (long)s->peer.pid, (unsigned long)s->peer.uid,
	    (unsigned long)s->peer.gid, s->peer.name ? s->peer.name : "-",
	    argv, (unsigned long)uid, uid != euid ? euids : "",
	    (unsigned long)(s->dec.setids ? s->dec.gid : getgid()), cwd);
	/* Nothing runs without its record. */
	if (record(s, OUTCOME_ALLOWED, NULL, 0) == -1) {
		s->verdict = VERDICT_REFUSED;
		refuse(s, DIVE_EXIT_FAILURE, "the audit log cannot be written");
	}
}
