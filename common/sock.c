#include <stddef.h>
#include <string.h>

#include "sock.h"

int
sock_addr(const char *name, struct sockaddr_un *sun, socklen_t *len)
{
	size_t n = strlen(name);

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (n == 0 || (name[0] == '@' && n == 1))
		return -1;
	if (name[0] == '@') {
		/* Abstract: a leading NUL, the name, no terminator. */
		if (n > sizeof(sun->sun_path))
			return -1;
		memcpy(sun->sun_path + 1, name + 1, n - 1);
		*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	} else {
		if (n >= sizeof(sun->sun_path))
			return -1;
		memcpy(sun->sun_path, name, n);
		*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
	}
	return 0;
}
