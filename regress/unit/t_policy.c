/* The decision: command line, identity and environment of the program. */
#include <string.h>

#include "policy.h"
#include "unit.h"

static const struct peer alice = { 4242, 1000, 1001, "alice", NULL, 0 };

/* The decision's vector (a) holds exactly the n strings of b. */
static int
same_decided(char *const *a, const char *const *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] == NULL || strcmp(a[i], b[i]) != 0)
			return 0;
	return a[n] == NULL;
}

static int
decide(const struct baseline *b, const struct peer *p,
    const char *const *argv, size_t argc, const char *const *envp,
    size_t envc, struct decision *d, char *why, size_t len)
{
	why[0] = '\0';
	return policy_decide(b, p, argv, argc, envp, envc, d, why, len);
}

static void
test_argv(void)
{
	char *prefix[] = { "/usr/bin/env", "-i" };
	const char *argv[] = { "ls", "-l" };
	const char *both[] = { "/usr/bin/env", "-i", "ls", "-l" };
	struct baseline plain = { .privileged = 0 },
	    pre = { .prefix = prefix, .nprefix = 2 };
	struct decision d;
	char why[128];

	CHECK(decide(&pre, &alice, argv, 2, NULL, 0, &d, why,
	    sizeof(why)) == 0 && same_decided(d.argv, both, 4),
	    "policy: argv is the prefix, then the client's argv");
	decision_free(&d);
	CHECK(decide(&plain, &alice, argv, 2, NULL, 0, &d, why,
	    sizeof(why)) == 0 && same_decided(d.argv, argv, 2),
	    "policy: without a prefix argv is the client's");
	decision_free(&d);
	CHECK(decide(&pre, &alice, NULL, 0, NULL, 0, &d, why,
	    sizeof(why)) == 0 && same_decided(d.argv, both, 2),
	    "policy: a prefix alone is a program");
	decision_free(&d);
	CHECK(decide(&plain, &alice, NULL, 0, NULL, 0, &d, why,
	    sizeof(why)) == -1 && strstr(why, "no program") != NULL &&
	    d.argv == NULL,
	    "policy: no prefix and no argv is refused");
	CHECK(decide(&plain, &alice, (const char *[]){ "" }, 1, NULL, 0, &d,
	    why, sizeof(why)) == -1 && strstr(why, "empty program") != NULL,
	    "policy: an empty program name is refused");
	CHECK(decide(&pre, &alice, (const char *[]){ "" }, 1, NULL, 0, &d,
	    why, sizeof(why)) == 0 && d.argv[2][0] == '\0' &&
	    d.argv[3] == NULL,
	    "policy: after a prefix an empty first argument is kept");
	decision_free(&d);
}

static void
test_identity(void)
{
	struct baseline priv = { .privileged = 1 }, unpriv = { .privileged = 0 };
	const char *argv[] = { "id" };
	struct decision d;
	char why[128];

	CHECK(decide(&priv, &alice, argv, 1, NULL, 0, &d, why,
	    sizeof(why)) == 0 && d.setids && d.uid == 1000 &&
	    d.gid == 1001 && d.user != NULL && strcmp(d.user, "alice") == 0,
	    "policy: a privileged dived runs the program as the peer");
	decision_free(&d);
	CHECK(decide(&unpriv, &alice, argv, 1, NULL, 0, &d, why,
	    sizeof(why)) == 0 && !d.setids,
	    "policy: an unprivileged dived changes no ids");
	decision_free(&d);
}

static void
test_env(void)
{
	struct baseline b = { .privileged = 0 };
	struct peer nameless = { 77, 4294967294u, 65534, NULL, NULL, 0 };
	const char *argv[] = { "env" };
	const char *envp[] = { "Z=1", "A=2", "PATH=/bin" };
	const char *want[] = { "Z=1", "A=2", "PATH=/bin", "DIVE_UID=1000",
	    "DIVE_GID=1001", "DIVE_PID=4242", "DIVE_USER=alice" };
	const char *bare[] = { "DIVE_UID=4294967294", "DIVE_GID=65534",
	    "DIVE_PID=77" };
	struct decision d;
	char why[128];

	CHECK(decide(&b, &alice, argv, 1, envp, 3, &d, why,
	    sizeof(why)) == 0 && same_decided(d.envp, want, 7),
	    "policy: client env in order, then DIVE_UID, DIVE_GID, DIVE_PID, "
	    "DIVE_USER");
	decision_free(&d);
	CHECK(decide(&b, &nameless, argv, 1, NULL, 0, &d, why,
	    sizeof(why)) == 0 && same_decided(d.envp, bare, 3),
	    "policy: DIVE_USER is omitted when the peer has no name");
	decision_free(&d);
}

void
t_policy(void)
{
	test_argv();
	test_identity();
	test_env();
}
