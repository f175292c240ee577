/* quote.h - names and values in diagnostics, quoted as GNU ls and wc quote them (shell-escape
 * style), so that every message stays one line and no terminal escape reaches the terminal. */
#ifndef WORDTALLY_QUOTE_H
#define WORDTALLY_QUOTE_H

/* A file name as a message shows it: as it is when it holds only bytes a shell leaves alone
 * ("data/a.txt"), else in single quotes ('my file'), with control bytes and bytes that are not
 * printable UTF-8 written as $'\n' or $'\033' outside the quotes: 'a'$'\n''b'. The result lives
 * until the next call with the same slot (0 to QUOTE_SLOTS - 1): one message may quote several
 * names with different slots. Never NULL. */
#define QUOTE_SLOTS 4
const char *quote_name(int slot, const char *name);

/* The same, always in quotes: an option's value ('256K', ''), as usage errors show it. */
const char *quote_value(int slot, const char *value);

#endif
