/* SHA-256, which names a rule file's text in the audit records. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sha256.h"
#include "unit.h"

static void
vector(const char *name, const void *buf, size_t len, const char *want)
{
	char got[SHA256_HEX];

	sha256_hex(buf, len, got);
	check(strcmp(got, want) == 0, name, "got %s", got);
}

void
t_sha256(void)
{
	/* Lengths around the padding's edges: one block or two. */
	static const struct {
		size_t		 n;
		const char	*sum;
	} xs[] = {
		{ 55, "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072" },
		{ 56, "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e" },
		{ 63, "75220b47218278e656f2013bb8f0c455a25eaf01e86c64924e9d48d89776d6f2" },
		{ 64, "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c" },
		{ 119, "000b48d4edf0fa7bee3c6236ecd2785baa5db4eeb8bb54341b029e0d9fa5fb0c" },
		{ 120, "13f05a0b594787f5ecd315edc96141bd3243203d1b7d4f0836f37308b276ba98" },
	};
	char x[120], name[64], *a;

	vector("sha256: the empty text", "", 0,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	vector("sha256: abc (FIPS 180-4)", "abc", 3,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	vector("sha256: the 448-bit text (FIPS 180-4)",
	    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	memset(x, 'x', sizeof(x));
	for (size_t i = 0; i < sizeof(xs) / sizeof(xs[0]); i++) {
		snprintf(name, sizeof(name), "sha256: %zu bytes", xs[i].n);
		vector(name, x, xs[i].n, xs[i].sum);
	}
	if ((a = malloc(1000000)) == NULL)
		return;
	memset(a, 'a', 1000000);
	vector("sha256: a million a's (FIPS 180-4)", a, 1000000,
	    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(a);
}
