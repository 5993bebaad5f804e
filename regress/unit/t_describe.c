/*
 * The printer of rules and decisions (dived/describe.c), which
 * --check-policy and the answer to dive -l share: a bounded text is cut
 * between lines and says so, and nothing from a rule file reaches a
 * terminal as a control character.
 */
#include <string.h>

#include "describe.h"
#include "rules.h"
#include "unit.h"

static void
t_bound(void)
{
	struct text t;
	int i;

	text_init(&t, 300);
	for (i = 0; i < 100; i++)
		text_line(&t, "line %03d of a long listing", i);
	CHECK(text_end(&t) == 0 && t.cut && t.len < 300 &&
	    t.buf[t.len] == '\0' && t.buf[t.len - 1] == '\n',
	    "describe: a text over its bound stays under it");
	CHECK(t.buf != NULL && strstr(t.buf, "line 000 of a long listing\n")
	    == t.buf && strstr(t.buf, "line 099") == NULL,
	    "describe: the lines that fit are kept whole, in order");
	CHECK(t.buf != NULL && strstr(t.buf, "(cut here: the whole text is "
	    "over 300 bytes)\n") != NULL, "describe: a cut text says so at "
	    "its end");
	text_free(&t);

	text_init(&t, 300);
	text_line(&t, "one");
	CHECK(text_end(&t) == 0 && !t.cut && strcmp(t.buf, "one\n") == 0,
	    "describe: a text under its bound is not marked cut");
	text_free(&t);
}

static void
t_escape(void)
{
	struct rule r;
	struct text t;

	memset(&r, 0, sizeof(r));
	r.line = 7;
	r.text = "permit * cmd \"/bin/\033[2Jx\" args \"\xc2\x9b\" \xff caf\xc3\xa9";
	text_init(&t, 0);
	describe_rule(&t, "/etc/r\nules", &r);
	CHECK(text_end(&t) == 0 && strcmp(t.buf, "rule: /etc/r\\012ules:7: "
	    "permit * cmd \"/bin/\\033[2Jx\" args \"\\302\\233\" \\377 "
	    "caf\xc3\xa9\n") == 0,
	    "describe: controls, C1 controls and bytes that are not UTF-8 "
	    "in a rule are escaped, other characters kept");
	text_free(&t);
}

void
t_describe(void)
{
	t_bound();
	t_escape();
}
