#include <stdarg.h>
#include <stdio.h>

#include "errbuf.h"

int
errbuf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return -1;
}
