/*
 * Capabilities and securebits.  The bounding set and securebits change
 * while dived is still privileged (caps_before), the sets the program
 * keeps once its ids are its own (caps_after).
 */
#ifndef DIVED_CAPS_H
#define DIVED_CAPS_H

#include <stddef.h>

#include "iso.h"

int	caps_before(const struct isolation *, char *, size_t);
int	caps_after(const struct isolation *, char *, size_t);

#endif
