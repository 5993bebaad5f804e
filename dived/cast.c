/*
 * The asciicast v2 writer (cast.h).  No allocation and no library but
 * the C one: the recorder, confined, links it, and so does the monitor
 * for the header.  An event is one write(2) of a whole line; a line
 * written in part is taken back, so that a reader never meets half of
 * one.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cast.h"
#include "utf8.h"

/* A string value of at most max bytes, cut where a character begins. */
static size_t
put_string(char *out, const char *s, size_t max)
{
	size_t n = strlen(s), used, w;

	if (n > max) {
		n = max;
		n -= utf8_partial((const unsigned char *)s, n);
	}
	out[0] = '"';
	w = 1 + json_escape(out + 1, (const unsigned char *)s, n,
	    JSON_BAD_REPLACE, &used);
	out[w++] = '"';
	return w;
}

size_t
cast_header(char *buf, size_t len, const struct cast_head *h)
{
	char term[JSON_ESCAPED_MAX(CAST_ENV_MAX) + 3];
	char shell[JSON_ESCAPED_MAX(CAST_ENV_MAX) + 3];
	char title[JSON_ESCAPED_MAX(64) + 3];
	size_t t = 0, s = 0;
	int n;

	if (h->term != NULL)
		t = put_string(term, h->term, CAST_ENV_MAX);
	if (h->shell != NULL)
		s = put_string(shell, h->shell, CAST_ENV_MAX);
	title[put_string(title, h->session, 64)] = '\0';
	n = snprintf(buf, len, "{\"version\": 2, \"width\": %u, "
	    "\"height\": %u, \"timestamp\": %lld, \"env\": {%s%.*s%s%s%.*s}, "
	    "\"title\": \"dived session %.*s\"}\n",
	    h->cols ? h->cols : 80, h->rows ? h->rows : 24, h->timestamp,
	    t ? "\"TERM\": " : "", (int)t, term, t && s ? ", " : "",
	    s ? "\"SHELL\": " : "", (int)s, shell,
	    (int)strlen(title) - 2, title + 1);
	return n < 0 || (size_t)n >= len ? 0 : (size_t)n;
}

void
cast_start(struct cast *c, int fd, uint64_t bytes, uint64_t max)
{
	c->fd = fd;
	c->state = CAST_ON;
	c->err = 0;
	c->bytes = bytes;
	c->max = max;
	clock_gettime(CLOCK_MONOTONIC, &c->t0);
}

static double
elapsed(const struct cast *c)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - c->t0.tv_sec) +
	    (double)(now.tv_nsec - c->t0.tv_nsec) / 1e9;
}

/*
 * One whole line or none: a part written before an error is cut off
 * again, and the recording ends there.
 */
static void
put_line(struct cast *c, const char *line, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		if ((n = write(c->fd, line + done, len - done)) > 0) {
			done += (size_t)n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		c->err = n == 0 ? EIO : errno;
		c->state = CAST_FAILED;
		if (done > 0)
			(void)!ftruncate(c->fd, (off_t)c->bytes);
		return;
	}
	c->bytes += len;
}

/* The marker that ends a recording cut at its limit. */
static void
cut(struct cast *c, double t)
{
	char m[160];
	int n;

	n = snprintf(m, sizeof(m), "[%.6f, \"m\", \"recording cut: the limit "
	    "of %llu bytes is reached\"]\n", t, (unsigned long long)c->max);
	put_line(c, m, (size_t)n);
	if (c->state == CAST_ON)
		c->state = CAST_CUT;
}

/* An event in c->line, or the marker instead when it would pass the limit. */
static void
event(struct cast *c, double t, size_t len)
{
	if (c->max != 0 && c->bytes + len > c->max)
		cut(c, t);
	else
		put_line(c, c->line, len);
}

/* An 'o' or 'i' event for n bytes of text, at most a chunk and a carry. */
static void
text_event(struct cast *c, char type, const unsigned char *s, size_t n)
{
	double t = elapsed(c);
	size_t used, len;
	int h;

	h = snprintf(c->line, 64, "[%.6f, \"%c\", \"", t, type);
	len = (size_t)h + json_escape(c->line + h, s, n, JSON_BAD_REPLACE,
	    &used);
	memcpy(c->line + len, "\"]\n", 3);
	event(c, t, len + 3);
}

void
cast_data(struct cast *c, char type, struct cast_carry *k,
    const unsigned char *s, size_t n)
{
	unsigned char all[DIVE_RECORD_CHUNK + sizeof(k->b)];
	size_t total, keep;

	if (c->state != CAST_ON || n > DIVE_RECORD_CHUNK)
		return;
	memcpy(all, k->b, k->n);
	memcpy(all + k->n, s, n);
	total = k->n + n;
	keep = utf8_partial(all, total);
	k->n = keep;
	memcpy(k->b, all + total - keep, keep);
	if (total > keep)
		text_event(c, type, all, total - keep);
}

void
cast_flush(struct cast *c, char type, struct cast_carry *k)
{
	size_t n = k->n;

	k->n = 0;
	if (n > 0 && c->state == CAST_ON)
		text_event(c, type, k->b, n);
}

void
cast_resize(struct cast *c, unsigned int cols, unsigned int rows)
{
	double t;
	int n;

	if (c->state != CAST_ON)
		return;
	t = elapsed(c);
	n = snprintf(c->line, sizeof(c->line), "[%.6f, \"r\", \"%ux%u\"]\n", t,
	    cols, rows);
	event(c, t, (size_t)n);
}
