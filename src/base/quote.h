/* quote.h - names and values in diagnostics, quoted as GNU ls and wc quote them (shell-escape
 * style), so that every message stays one line and no terminal escape reaches the terminal. */
#ifndef WORDTALLY_QUOTE_H
#define WORDTALLY_QUOTE_H

#include <stddef.h>

/* A file name as a message shows it: as it is when it holds only bytes a shell leaves alone
 * ("data/a.txt"), else in single quotes ('my file'), with control bytes and bytes that are not
 * printable UTF-8 written as $'\n' or $'\033' outside the quotes: 'a'$'\n''b'. The result lives
 * until the next call with the same slot (0 to QUOTE_SLOTS - 1) in the same thread: one message
 * may quote several names with different slots, and threads never share a slot. Never NULL. */
#define QUOTE_SLOTS 4
const char *quote_name(int slot, const char *name);

/* The same, always in quotes: an option's value ('256K', ''), as usage errors show it. */
const char *quote_value(int slot, const char *value);

/* The bytes s[0..n) (NUL may be one of them) quoted as quote_name quotes, when some are not
 * printable (ASCII or UTF-8): a token in --top's text, which must not reach a terminal raw. NULL
 * when all are: the bytes are shown as they are. */
const char *quote_token(int slot, const char *s, size_t n);

#endif
