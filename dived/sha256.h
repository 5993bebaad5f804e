/* SHA-256 (FIPS 180-4), to name a rule file's text in the records. */
#ifndef DIVED_SHA256_H
#define DIVED_SHA256_H

#include <stddef.h>

#define SHA256_HEX	65	/* 64 hexadecimal digits and a NUL */

/* The digest of buf, in lower-case hexadecimal, as sha256sum(1) shows it. */
void	sha256_hex(const void *, size_t, char [SHA256_HEX]);

#endif
