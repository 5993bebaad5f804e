/*
 * dive's allocator, in the static musl build only (GNUmakefile).  dive
 * lives for one command, allocates a few blocks and lets exit free them.
 * musl's allocator hands a small block's memory back to the kernel as
 * soon as it is freed, which costs dive an mmap, a munmap and a page fault
 * for each message it reads or writes.  Here small blocks come from one
 * arena that only grows, except that freeing the newest block takes it
 * back, which covers a message read and freed; big blocks get a mapping
 * of their own, unmapped when freed.
 */
#include <sys/mman.h>

#include <errno.h>
#include <malloc.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ARENA	(128 * 1024)
#define BIG	(16 * 1024)	/* and over: a mapping of its own */

struct block {
	size_t	size;		/* asked for */
	size_t	mapped;		/* length of its own mapping, or 0 */
};

static unsigned char arena[ARENA] __attribute__((aligned(16)));
static size_t used;

static size_t
rounded(size_t n)
{
	return (n + 15) & ~(size_t)15;
}

/*
 * Not malloc itself, so that the compiler cannot turn calloc's malloc and
 * memset into a call of calloc.
 */
static void *
take(size_t n)
{
	struct block *b;
	size_t len;

	if (n > SIZE_MAX / 2) {
		errno = ENOMEM;
		return NULL;
	}
	len = sizeof(*b) + rounded(n);
	if (n < BIG && len <= ARENA - used) {
		b = (struct block *)(arena + used);
		used += len;
		b->size = n;
		b->mapped = 0;
		return b + 1;
	}
	len = (len + 4095) & ~(size_t)4095;
	if ((b = mmap(NULL, len, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)) == MAP_FAILED) {
		errno = ENOMEM;
		return NULL;
	}
	b->size = n;
	b->mapped = len;
	return b + 1;
}

void *
malloc(size_t n)
{
	return take(n);
}

static int
newest(const struct block *b)
{
	return (const unsigned char *)(b + 1) + rounded(b->size) ==
	    arena + used;
}

void
free(void *p)
{
	struct block *b;

	if (p == NULL)
		return;
	b = (struct block *)p - 1;
	if (b->mapped != 0)
		munmap(b, b->mapped);
	else if (newest(b))
		used = (size_t)((unsigned char *)b - arena);
}

void *
calloc(size_t n, size_t size)
{
	void *p;

	if (size != 0 && n > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	if ((p = take(n * size)) != NULL)
		memset(p, 0, n * size);
	return p;
}

void *
realloc(void *p, size_t n)
{
	struct block *b;
	void *q;

	if (p == NULL)
		return malloc(n);
	b = (struct block *)p - 1;
	/* The newest small block shrinks or grows in place while it can. */
	if (b->mapped == 0 && newest(b) && n < BIG &&
	    (size_t)((unsigned char *)p - arena) + rounded(n) <= ARENA) {
		used = (size_t)((unsigned char *)p - arena) + rounded(n);
		b->size = n;
		return p;
	}
	if (n <= b->size)
		return p;
	if ((q = malloc(n)) == NULL)
		return NULL;
	memcpy(q, p, b->size);
	free(p);
	return q;
}

/* Nothing in dive asks for these; defined so that musl's are not used. */
void *
aligned_alloc(size_t align, size_t n)
{
	if (align > 16) {
		errno = EINVAL;
		return NULL;
	}
	return malloc(n);
}

int
posix_memalign(void **p, size_t align, size_t n)
{
	if (align > 16)
		return EINVAL;
	return (*p = malloc(n)) == NULL ? ENOMEM : 0;
}

void *
memalign(size_t align, size_t n)
{
	return aligned_alloc(align, n);
}

size_t
malloc_usable_size(void *p)
{
	return p == NULL ? 0 : ((struct block *)p - 1)->size;
}
