/* corpus_gen.c - wordtally-gen: N bytes of Gutenberg-like text with the exact counts of the target
 * words written beside it, by construction, so that corpora far too big for the Python oracle can
 * still be checked exactly.
 *
 *   wordtally-gen [-s SEED] [-w WORD]... [-t THREADS] SIZE FILE   -> FILE and FILE.expected
 *
 * The file is cut into blocks of GEN_BLOCK bytes; each block is generated from (seed, block index)
 * alone and ends with a newline, so no token spans two blocks and the bytes do not depend on the
 * thread count. Every token written is looked up in the word list (words_find, the kernels' own
 * look-up) and counted when it matches: the expected counts are exact whatever the vocabulary.
 *
 * The mode (--encoding, -i) is the one FILE.expected is counted for: utf-8 (the default, as
 * wordtally's) writes its rarer separators as UTF-8 whitespace (NBSP, NEL, U+3000, U+202F) and adds
 * near misses that only UTF-8 keeps whole (Рdog, Ådog, dog and a truncated or lone byte of a
 * sequence); latin1 writes NBSP and NEL as the bytes A0 and 85. No vocabulary word holds
 * whitespace of either encoding, so the tokens are the ones written. */
#include "base/limits.h"
#include "base/parse.h"
#include "base/quote.h"
#include "report/report.h"
#include "vocab/vocab.h"
#include "base/words.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define GEN_BLOCK (4u << 20)  /* bytes generated and written by one thread at a time */
#define GEN_SLACK 256         /* room after a block for the token that turns out not to fit */
#define ZIPF_BITS 16          /* the word of a token: a look-up of 16 random bits in a 128 KiB
                               * table that stays in L2 (a 4 MiB one missed on every token) */
#define VOCAB_SYNTHETIC 6000  /* rare words made of syllables: the long tail of the Zipf curve */
#define LINE_WIDTH 72

static const char usage[] =
    "Usage: wordtally-gen [OPTION]... SIZE FILE\n"
    "Write SIZE bytes (K, M, G, T suffixes are powers of 1024) of Gutenberg-like text to FILE and\n"
    "the exact count of every target word to FILE.expected, one 'WORD COUNT' line per word.\n"
    "\n"
    "  -s, --seed N       seed (default 1): the same seed and size give the same bytes\n"
    "  -w, --word WORD    a target word; repeat for several (default: dog cat boy girl)\n"
    "      --encoding ENC utf-8 (default) or latin1: the whitespace written and counted for\n"
    "  -i, --ignore-case  FILE.expected counts ASCII letters whatever their case\n"
    "  -t, --threads N    threads (default: OMP_NUM_THREADS or all); the bytes do not depend on it\n"
    "      --vocab-out V  also write every token's count to V: the CSV table wordtally's\n"
    "                     vocabulary option prints (UTF-8 tokens), so that cmp checks a run\n"
    "  -h, --help         print this help and exit\n";

/* Common English words by rank: the head of the Zipf curve. The targets and their near misses
 * are placed among them (lexicon_build). */
static const char *const common[] = {
    "the", "of", "and", "to", "a", "in", "that", "he", "was", "it", "his", "I", "with", "is",
    "as", "had", "for", "you", "her", "not", "be", "at", "on", "him", "she", "by", "my", "which",
    "all", "this", "they", "have", "from", "but", "so", "were", "said", "me", "one", "we", "or",
    "them", "no", "there", "an", "would", "when", "been", "their", "what", "if", "will", "are",
    "could", "into", "then", "more", "out", "up", "now", "some", "man", "very", "little", "did",
    "upon", "who", "like", "do", "time", "your", "any", "only", "should", "made", "over", "great",
    "before", "may", "must", "good", "after", "old", "see", "know", "such", "long", "day", "come",
    "than", "down", "well", "never", "how", "our", "men", "shall", "came", "again", "much", "other",
    "about", "two", "first", "back", "away", "go", "house", "hand", "eyes", "head", "way", "night",
    "thought", "young", "father", "mother", "life", "door", "face", "left", "room", "water", "heart",
    "place", "work", "world", "nothing", "still", "without", "horse", "street", "morning", "child",
    "children", "king", "lady", "master", "sir", "CHAPTER", "Mr.", "Mrs.", "tree", "garden",
    "caf\xe9", "na\xefve", "r\xf4le", "\xc6sop", "M\xfcller", "se\xf1or", "fa\xe7" "ade", "\xa1" "ay",
    "don't", "I'm", "--", "*", "1", "12", "1894", "v.", "ii.",
};

/* Near misses of a target t, placed next to it (SPEC §1: none of them counts as t). */
static const char *const near_forms[] = {"%ss", "%s's", "%s,", "%s.", "\"%s", "%s\"", "(%s)",
                                         "hot%s", "%s-like", "%s\x84", "\xa1%s", "%s\xe9"};
/* utf-8 only (in latin1 their 85 or A0 bytes split them): t glued to a letter whose UTF-8 holds
 * A0 or 85 (Рdog, Ådog), to a truncated sequence, or to a lone byte of one. */
static const char *const near_forms_utf8[] = {"\xd0\xa0%s", "\xc3\x85%s", "%s\xe3\x80", "%s\xc2",
                                              "\x85%s", "%s\xa0", "\xe2\x80%s"};

static const char *const syllables[] = {"ab", "al", "an", "ar", "ba", "be", "bo", "ca", "ce", "con",
                                        "da", "de", "di", "el", "en", "er", "es", "fa", "ge",
                                        "ing", "is", "la", "le", "li", "lo", "ma", "me", "mi",
                                        "mo", "na", "ne", "or", "ous", "pa", "per", "pre", "ra",
                                        "re", "ri", "sa", "se", "ta", "te", "ten", "ti", "to",
                                        "tion", "un", "ur", "va", "ver", "vi"};

typedef struct {
    char **word;
    uint8_t *len;
    size_t n, cap;
    uint16_t *zipf; /* 2^ZIPF_BITS entries: a vocabulary index each, in proportion to its weight */
} lexicon;

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static int lexicon_add(lexicon *v, const char *w)
{
    size_t n = strlen(w);
    if (n == 0 || n > 64)
        return 0; /* a long target: present only through its near misses' bytes, never whole */
    if (v->n == v->cap) {
        v->cap = v->cap ? 2 * v->cap : 1024;
        char **nw = realloc(v->word, v->cap * sizeof *nw);
        uint8_t *nl = realloc(v->len, v->cap);
        if (nw)
            v->word = nw;
        if (nl)
            v->len = nl;
        if (!nw || !nl)
            return -1;
    }
    if (!(v->word[v->n] = strdup(w)))
        return -1;
    v->len[v->n++] = (uint8_t)n;
    return 0;
}

/* The vocabulary in rank order: common words with the targets at ranks 30, 60, ... and their near
 * misses a few ranks later, then synthetic words; Zipf weights 1/(rank+2)^1.05. */
static int lexicon_build(lexicon *v, const wordlist *targets)
{
    char buf[160];
    size_t next_target = 0, ncommon = sizeof common / sizeof *common;
    int err = 0;
    for (size_t r = 0; r < ncommon && !err; r++) {
        if (r % 30 == 29 && next_target < targets->n) {
            const char *t = targets->word[next_target++];
            err |= lexicon_add(v, t);
            for (size_t f = 0; f < sizeof near_forms / sizeof *near_forms && !err; f++) {
                if (r % 2 == f % 2 || f < 2) { /* a different half of the forms for each */
                    snprintf(buf, sizeof buf, near_forms[f], t);
                    err |= lexicon_add(v, buf);
                }
            }
            const size_t nu = sizeof near_forms_utf8 / sizeof *near_forms_utf8;
            for (size_t f = 0; targets->encoding == ENC_UTF8 && f < nu && !err; f++) {
                snprintf(buf, sizeof buf, near_forms_utf8[f], t);
                err |= lexicon_add(v, buf);
            }
            snprintf(buf, sizeof buf, "%s", t);
            if (buf[0] >= 'a' && buf[0] <= 'z') {
                buf[0] = (char)(buf[0] - 'a' + 'A');
                err |= lexicon_add(v, buf);
            }
            if (strlen(t) > 1) {
                snprintf(buf, sizeof buf, "%.*s", (int)strlen(t) - 1, t);
                err |= lexicon_add(v, buf);
            }
        }
        err |= lexicon_add(v, common[r]);
    }
    while (next_target < targets->n && !err) /* more targets than slots: the rest at the end */
        err |= lexicon_add(v, targets->word[next_target++]);
    const size_t ns = sizeof syllables / sizeof *syllables;
    for (size_t i = 0; i < VOCAB_SYNTHETIC && !err; i++) {
        size_t a = i % ns, b = (i / ns) % ns, c = (i * 7 + 3) % ns;
        snprintf(buf, sizeof buf, "%s%s%s", syllables[a], syllables[b], i % 3 ? syllables[c] : "");
        err |= lexicon_add(v, buf);
    }
    if (err || v->n > UINT16_MAX) /* zipf[] holds 16-bit indices */
        return -1;

    double *cum = malloc(v->n * sizeof *cum), total = 0;
    v->zipf = malloc(sizeof *v->zipf << ZIPF_BITS);
    if (!cum || !v->zipf) {
        free(cum);
        return -1;
    }
    for (size_t r = 0; r < v->n; r++) {
        double w = pow((double)r + 2.0, -1.05);
        total += w;
        cum[r] = total;
    }
    size_t r = 0;
    for (size_t i = 0; i < (1u << ZIPF_BITS); i++) {
        double u = ((double)i + 0.5) / (double)(1u << ZIPF_BITS) * total;
        while (r + 1 < v->n && cum[r] < u)
            r++;
        v->zipf[i] = (uint16_t)r;
    }
    free(cum);
    return 0;
}

static void lexicon_free(lexicon *v)
{
    for (size_t i = 0; i < v->n; i++)
        free(v->word[i]);
    free(v->word);
    free(v->len);
    free(v->zipf);
}

/* Fills out[0..len) with text; adds the target words' counts to counts[]. The block is a
 * sequence of tokens, each followed by whitespace, and ends with a newline. With voc (--vocab-out),
 * every token of the default UTF-8 reading (SPEC §1) is counted there too: a lone 85 or A0 byte is
 * no whitespace in UTF-8, so the words it separates are one token there (out has VOCAB_KEY_PAD
 * bytes after len). */
static void gen_block(const lexicon *v, const wordlist *targets, uint64_t seed, uint64_t index,
                      uint8_t *out, size_t len, uint64_t *counts, vocab_table *voc)
{
    uint64_t s = seed ^ (index * 0xd1342543de82ef95ULL);
    splitmix(&s);
    size_t pos = 0, col = 0, line = 0, tok = SIZE_MAX; /* tok: where the UTF-8 token began */
    int cap = 1; /* the next word starts a sentence */
    while (len > 0) {
        uint64_t r = splitmix(&s);
        uint32_t wi = v->zipf[r & ((1u << ZIPF_BITS) - 1)];
        unsigned deco = (unsigned)(r >> 20) & 1023, sepr = (unsigned)(r >> 30) & 1023;
        unsigned para = (unsigned)(r >> 40) & 63;
        uint8_t *t = out + pos;
        size_t n = 0;
        if (deco < 12)
            t[n++] = '"';
        else if (deco < 16)
            t[n++] = '(';
        memcpy(t + n, v->word[wi], v->len[wi]);
        if (cap && t[n] >= 'a' && t[n] <= 'z')
            t[n] = (uint8_t)(t[n] - 'a' + 'A');
        n += v->len[wi];
        cap = 0;
        if (deco >= 1024 - 80)
            t[n++] = ',';
        else if (deco >= 1024 - 130) {
            t[n++] = '.';
            cap = 1;
        } else if (deco >= 1024 - 140)
            t[n++] = ';';
        else if (deco >= 1024 - 148) {
            t[n++] = (deco & 1) ? '!' : '?';
            cap = 1;
        } else if (deco >= 1024 - 156)
            t[n++] = '"';
        else if (deco >= 1024 - 159)
            t[n++] = ')';

        /* The separator: a line break past the line width, sometimes a paragraph; otherwise a
         * space, now and then a rarer whitespace (NBSP, NEL; in utf-8 also U+3000, U+202F). */
        const int utf8 = targets->encoding == ENC_UTF8;
        uint8_t sep[4];
        size_t ns = 1;
        if (col + n >= LINE_WIDTH) {
            sep[0] = '\n';
            if (para < 8 || line >= 40) {
                sep[ns++] = '\n';
                line = 0;
                cap = 1;
            } else if (para == 63) {
                sep[0] = '\r';
                sep[ns++] = '\n';
            }
            line++;
        } else if (sepr < 3 && utf8)
            sep[0] = 0xC2, sep[ns++] = 0xA0;
        else if (sepr < 3)
            sep[0] = 0xA0;
        else if (sepr < 5 && utf8)
            sep[0] = 0xC2, sep[ns++] = 0x85;
        else if (sepr < 5)
            sep[0] = 0x85;
        else if (sepr == 5 && utf8)
            sep[0] = 0xE3, sep[ns++] = 0x80, sep[ns++] = 0x80;
        else if (sepr == 6 && utf8)
            sep[0] = 0xE2, sep[ns++] = 0x80, sep[ns++] = 0xAF;
        else if (sepr < 8)
            sep[0] = '\t';
        else if (sepr < 10)
            sep[0] = 0x0C;
        else
            sep[0] = ' ';
        if (pos + n + ns > len - 1)
            break; /* the last byte of the block is its newline */
        if (n >= targets->minlen && n <= targets->maxlen) {
            long k = words_find(targets, t, n);
            if (k >= 0)
                counts[k]++;
        }
        memcpy(t + n, sep, ns);
        if (voc) {
            tok = tok == SIZE_MAX ? pos : tok;
            if (sep[0] != 0x85 && sep[0] != 0xA0) {
                vocab_bump(voc, out + tok, pos + n - tok, vocab_hash(out + tok, pos + n - tok, 0),
                           1, 0);
                tok = SIZE_MAX;
            }
        }
        pos += n + ns;
        col = sep[ns - 1] == '\n' ? 0 : col + n + ns;
    }
    if (voc && tok != SIZE_MAX) /* ends with its 85 or A0, before the padding */
        vocab_bump(voc, out + tok, pos - tok, vocab_hash(out + tok, pos - tok, 0), 1, 0);
    if (len > 0) {
        memset(out + pos, ' ', len - 1 - pos);
        out[len - 1] = '\n';
    }
}

static int write_all(int fd, const uint8_t *p, size_t n, uint64_t off)
{
    while (n > 0) {
        ssize_t w = pwrite(fd, p, n, (off_t)off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        p += w;
        n -= (size_t)w;
        off += (uint64_t)w;
    }
    return 0;
}

static int die(const char *what, const char *why)
{
    fprintf(stderr, "wordtally-gen: %s: %s\n", quote_name(0, what), why);
    return 1;
}

/* A usage error: exit status 2, the words given so far freed (sanitizer builds check leaks). */
static int usage_fail(wordlist *targets, const char *what, const char *why)
{
    words_free(targets);
    return die(what, why) + 1;
}

/* Writes the corpus and FILE.expected; returns the exit status (errors printed). */
/* --vocab-out: the table as `wordtally --vocab -f csv` prints it, byte for byte. */
static int write_vocab(const vocab_table *t, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return die(path, strerror(errno));
    size_t n;
    vocab_entry *e = vocab_sorted(t, &n);
    vocab_report r = {.out = f, .format = FORMAT_CSV};
    report_vocab_begin(&r);
    for (size_t i = 0; e && i < n; i++)
        report_vocab_entry(&r, &e[i]);
    free(e);
    if ((!e && n) || ferror(f)) {
        fclose(f);
        return die(path, strerror(e ? EIO : ENOMEM));
    }
    return fclose(f) != 0 ? die(path, strerror(errno)) : 0;
}

static int write_corpus(const lexicon *voc, const wordlist *targets, uint64_t seed, uint64_t size,
                        int threads, const char *path, const char *vocab_out)
{
    vocab_table all;
    vocab_init(&all);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return die(path, strerror(errno));
    const size_t nw = targets->n;
    uint64_t *counts = calloc(nw, sizeof *counts);
    uint64_t nblocks = size / GEN_BLOCK + (size % GEN_BLOCK != 0);
    int err = counts ? 0 : ENOMEM;
    if (!err && ftruncate(fd, (off_t)size) < 0) /* the blocks land in any order */
        err = errno;
    if (threads == 0)
        threads = omp_get_max_threads();
#pragma omp parallel num_threads(threads) if (!err)
    {
        uint8_t *buf = malloc(GEN_BLOCK + GEN_SLACK);
        uint64_t *mine = calloc(nw, sizeof *mine);
        vocab_table tokens; /* --vocab-out: this thread's blocks' tokens */
        vocab_init(&tokens);
        if (!buf || !mine) {
#pragma omp atomic write
            err = ENOMEM;
        }
#pragma omp for schedule(dynamic, 1)
        for (uint64_t b = 0; b < nblocks; b++) {
            int failed;
#pragma omp atomic read
            failed = err;
            if (failed)
                continue;
            uint64_t off = b * GEN_BLOCK;
            size_t len = size - off < GEN_BLOCK ? (size_t)(size - off) : GEN_BLOCK;
            gen_block(voc, targets, seed, b, buf, len, mine, vocab_out ? &tokens : NULL);
            int e = write_all(fd, buf, len, off);
            if (e) {
#pragma omp atomic write
                err = e;
            }
        }
#pragma omp critical
        {
            for (size_t k = 0; k < nw && mine && counts; k++)
                counts[k] += mine[k];
            if (tokens.failed || vocab_merge(&all, &tokens) < 0)
                err = ENOMEM;
        }
        vocab_free(&tokens);
        free(buf);
        free(mine);
    }
    if (close(fd) < 0 && !err)
        err = errno;
    if (err) {
        free(counts);
        vocab_free(&all);
        return die(path, strerror(err));
    }
    int status = vocab_out ? write_vocab(&all, vocab_out) : 0;
    vocab_free(&all);

    size_t plen = strlen(path);
    char *epath = malloc(plen + sizeof ".expected");
    if (!epath) {
        free(counts);
        return die(path, strerror(ENOMEM));
    }
    memcpy(epath, path, plen);
    memcpy(epath + plen, ".expected", sizeof ".expected");
    FILE *ef = fopen(epath, "w");
    if (!ef) {
        status = die(epath, strerror(errno));
    } else {
        for (size_t k = 0; k < nw; k++)
            fprintf(ef, "%s %llu\n", targets->word[k], (unsigned long long)counts[k]);
        if (fclose(ef) != 0)
            status = die(epath, strerror(errno));
    }
    free(epath);
    free(counts);
    return status;
}

enum { OPT_VOCAB_OUT = 256 }; /* long options alone: values above any character */

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"seed", required_argument, NULL, 's'},
                                         {"word", required_argument, NULL, 'w'},
                                         {"threads", required_argument, NULL, 't'},
                                         {"vocab-out", required_argument, NULL, OPT_VOCAB_OUT},
                                         {"encoding", required_argument, NULL, 'e'},
                                         {"ignore-case", no_argument, NULL, 'i'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    wordlist targets = {0};
    uint64_t seed = 1, size, v;
    int threads = 0, c;
    const char *vocab_out = NULL;
    const char *why = NULL;
    const char *given[argc + 1]; /* the -w words, added once the mode is known */
    int ngiven = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":s:w:t:ih", opts, NULL)) != -1) {
        switch (c) {
        case 's': {
            char *end;
            errno = 0;
            seed = strtoull(optarg, &end, 10);
            if (errno || *end || optarg[0] < '0' || optarg[0] > '9')
                return usage_fail(&targets, optarg, "not a seed (a whole number) (try --help)");
            break;
        }
        case 'w':
            given[ngiven++] = optarg;
            break;
        case 'e':
            if ((targets.encoding = encoding_from_name(optarg)) < 0)
                return usage_fail(&targets, optarg, "expected utf-8 or latin1 (try --help)");
            break;
        case 'i':
            targets.fold = 1;
            break;
        case 't':
            if (parse_count(optarg, THREADS_MAX, &v) < 0)
                return usage_fail(&targets, optarg, "not a thread count from 1 to 4096");
            threads = (int)v;
            break;
        case OPT_VOCAB_OUT:
            vocab_out = optarg;
            break;
        case 'h':
            fputs(usage, stdout);
            return 0;
        default:
            return usage_fail(&targets, argv[optind - 1],
                              c == ':' ? "needs a value" : "unknown option");
        }
    }
    for (int i = 0; i < ngiven; i++)
        if (words_add(&targets, given[i], &why) < 0)
            return usage_fail(&targets, given[i], why);
    if (argc - optind != 2)
        return usage_fail(&targets, "usage", "wordtally-gen [OPTION]... SIZE FILE (try --help)");
    if (strcmp(argv[optind], "0") == 0) /* an empty corpus: parse_size starts at 1 */
        size = 0;
    else if (parse_size(argv[optind], &size) < 0)
        return usage_fail(&targets, argv[optind], "not a size (e.g. 4096, 100M, 10G)");
    const char *path = argv[optind + 1];
    if (targets.n == 0) {
        static const char *const dflt[] = {"dog", "cat", "boy", "girl"};
        for (size_t i = 0; i < 4; i++)
            words_add(&targets, dflt[i], &why);
    }
    words_finish(&targets);

    lexicon voc = {0};
    int status = lexicon_build(&voc, &targets) < 0
                     ? die("vocabulary", strerror(ENOMEM))
                     : write_corpus(&voc, &targets, seed, size, threads, path, vocab_out);
    lexicon_free(&voc);
    words_free(&targets);
    return status;
}
