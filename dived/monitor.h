/*
 * The per-connection monitor, shared by its files: monitor.c (the
 * session, from its start to its end, and spares), monitor_peer.c (who
 * the client is), monitor_parser.c (the link to the parser),
 * monitor_decide.c (the terminal rule, -a and the decision),
 * monitor_record.c (a recorded session's recording and recorder),
 * monitor_launch.c (creating the program) and monitor_wait.c (waiting
 * for it, signals for it, its time limit and what it leaves).
 *
 * Every step that fails calls refuse, which tells the client why, writes
 * the record and ends the monitor: none of them returns an error.
 */
#ifndef DIVED_MONITOR_H
#define DIVED_MONITOR_H

#include <sys/stat.h>
#include <sys/types.h>

#include <limits.h>
#include <stdint.h>
#include <time.h>

#include "audit.h"
#include "dived.h"
#include "ns.h"
#include "policy.h"
#include "privsep.h"
#include "sessid.h"
#include "wire.h"

/* The client's groups that fit in its session; more are allocated. */
#define PEER_GROUPS_ROOM	64

/*
 * What refuse() ends a session with: before the program is allowed, a
 * denied decision; once it is, a setup that failed, the end of a session
 * whose decision is already recorded.
 */
enum verdict {
	VERDICT_REFUSED,
	VERDICT_FAILED,
};

struct session {
	const struct config	*cfg;
	char			 id[SESSID_LEN];
	int			 client;
	int			 greeted;	/* our HELLO is sent */
	int			 master;	/* closed when the session ends */
	int			 report;	/* a spare's start, to the master */
	int			 ps;		/* parser socket */
	pid_t			 parser;
	struct peer		 peer;
	struct spawn_req	 req;
	struct decision		 dec;
	pid_t			 pid;		/* the program, or --init's reaper */
	int			 pidfd;
	pid_t			 progpid;	/* --init: the reaper's child... */
	int			 progfd;	/* ...and its pidfd, else -1 */
	int			 peerfd;	/* pins the client, or -1 */
	int			 chldfd;	/* SIGCHLD, once the program runs */
	const struct ruleset	*rules;		/* that decided, or NULL */
	struct timespec		 t0;
	enum verdict		 verdict;	/* what a refusal now is */
	const char		*ended_by;	/* time-limit, client-gone */
	gid_t			 groups[PEER_GROUPS_ROOM];
	struct stat		 own[3];	/* client, both parser sockets */
	int			 dirfd;		/* whose path dir holds */
	char			 dir[4096];	/* for the log, "" if unknown */
	/*
	 * A recorded session: its recorder, the socket to it, whether the
	 * terminal passes through it, the recording (rec.file NULL when
	 * none) and its descriptor until the recorder has it.
	 */
	pid_t			 recorder;
	int			 rs;
	int			 relayed;
	int			 recfd;
	uint64_t		 recheader;	/* the header's bytes */
	int			 recfailed;	/* and the session must end */
	int			 recdone;	/* RC_DRAINED came */
	struct audit_recording	 rec;
	char			 recfile[PATH_MAX];
	char			 recerr[256];
};

/* monitor.c */
/*
 * Refuses the request with this exit status for dive and this reason: the
 * record, the log, the client's ERROR; then the monitor exits.
 */
void	refuse(struct session *, uint32_t, const char *, ...)
	    __attribute__((noreturn, format(printf, 3, 4)));
/*
 * One audit record, with what is known so far: a decision (allowed or
 * denied) or an end (the program exited or was killed, with its wait
 * status; or its setup failed).  -1 when it cannot be written.
 */
enum outcome {
	OUTCOME_ALLOWED,
	OUTCOME_DENIED,
	OUTCOME_FAILED,
	OUTCOME_EXITED,
	OUTCOME_SIGNALED,
	/* A list request's answer (dive -l), or its failure. */
	OUTCOME_LISTED,
	OUTCOME_PERMITTED,
	OUTCOME_NOT_PERMITTED,
	OUTCOME_LIST_FAILED,
};

int	record(struct session *, enum outcome, const char *, int);
/* Our HELLO, unless it went already: it comes before any other answer. */
int	greet(struct session *);
/* The master's slot for this session is free from here. */
void	session_over(struct session *);
/* The directory the program starts in, for the log and the record. */
const char *program_dir(struct session *);
/* waitpid for one child, through interruptions; -1 on a real error. */
int	wait_child(pid_t, int *);
/*
 * Ends a confined child of the monitor (the parser, the recorder) and
 * reaps it, its wait status in the int when not NULL; -1 as wait_child.
 */
int	end_confined(pid_t, int *);

/* monitor_peer.c */
void	peer_credentials(struct session *);
void	peer_name(struct session *);

/* monitor_parser.c */
void	start_parser(struct session *);
void	give_client(struct session *);
void	read_request(struct session *);
void	parser_lost(struct session *, const char *, int)
	    __attribute__((noreturn));
void	parser_refused(struct session *, const struct frame *)
	    __attribute__((noreturn));
void	stop_parser(struct session *);

/* monitor_decide.c */
void	terminal(struct session *);
void	authenticate(struct session *);
/*
 * The options' baseline and the rules in force now, in s->rules, for a
 * decision; refuses when the file no longer holds the rules in force.
 */
void	policy_now(struct session *, struct baseline *);
/*
 * The decision on the request's command line, the policy's and the
 * monitor's own limits: 0 with s->dec filled, or -1 with the reason.
 * A request and a list request both get it, so that what dive -l
 * answers is what the request would get, -a aside.
 */
int	judge(struct session *, const struct baseline *, char *, size_t);
void	decide(struct session *);

/* monitor_list.c */
/* Answers a list request, records and logs it, and ends the monitor. */
void	answer_list(struct session *) __attribute__((noreturn));
/* monitor_record.c */
/*
 * With a pseudo-terminal whose session will be recorded: starts the
 * recorder, gives it the terminal's master, and replaces that master
 * with the one of the recorder's terminal, which goes to the client.
 */
void	record_terminal(struct session *, int *);
/* Once decided to record: the recording's file, with its header. */
void	record_open(struct session *);
/*
 * Before the program is created: the recorder gets the recording and
 * the pipes the program writes to instead of the client's 0-2; with a
 * terminal, the program waits for its modes.
 */
void	record_start(struct session *);
/*
 * A message of the recorder while the program runs: -1 when the
 * session must end (the recording failed and may not fail open, or the
 * recorder is gone).
 */
int	recorder_message(struct session *);
/*
 * The program's first process has ended: what it wrote to its pipes is
 * let through, before the client hears the end.
 */
void	record_drain(struct session *);
/*
 * The client has heard the end: the recorder passes the terminal's last
 * output on and ends, or is ended after DIVE_RECORD_LINGER_MS.
 */
void	recorder_wait(struct session *);
void	stop_recorder(struct session *);

/* monitor_launch.c */
void	launch(struct session *);

/* monitor_wait.c */
/* The program's wait status, once its first process has ended. */
int	await_program(struct session *);
void	linger(struct session *);
/*
 * Calls the function for each process the program left behind (with
 * the int), when it is not NULL; returns how many, or -1.
 */
int	each_leftover(struct session *, void (*)(pid_t, int), int);
/* SIGKILL to every process the program left. */
void	kill_leftovers(struct session *);

#endif
