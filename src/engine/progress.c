/* progress.c - progress on stderr: bytes done, GB/s, time elapsed and left, at most 4 lines a
 * second. */
#include "progress.h"
#include "base/quote.h"
#include "base/timer.h"

#include <time.h>
#include <unistd.h>

progress *progress_init(progress *p, int mode, FILE *out)
{
    int tty = isatty(fileno(out));
    if (mode == PROGRESS_OFF || (mode == PROGRESS_AUTO && !tty))
        return NULL;
    atomic_init(&p->done, 0);
    p->total = 0;
    p->passes = 1;
    p->name = NULL;
    p->input = p->inputs = 0;
    p->packed = NULL;
    p->out = out;
    p->tty = tty;
    p->start = p->next = 0;
    p->shown = 0;
    return p;
}

/* h:mm:ss */
static void print_time(FILE *out, double secs, const char *what)
{
    unsigned long long s = secs > 0 && secs < 1e12 ? (unsigned long long)(secs + 0.5) : 0;
    fprintf(out, ", %llu:%02llu:%02llu %s", s / 3600, s / 60 % 60, s % 60, what);
}

static void print_line(progress *p, double t)
{
    uint64_t done = atomic_load_explicit(&p->done, memory_order_relaxed) / (uint64_t)p->passes;
    double secs = t - p->start, rate = secs > 0 ? (double)done / secs : 0;
    /* The share done: of the text when its size is known, else of the compressed bytes. */
    uint64_t part = done, whole = p->total;
    if (p->packed) {
        part = input_packed_bytes(p->packed);
        whole = p->packed->packed_size;
    }
    fprintf(p->out, "%swordtally: %s", p->tty ? "\r" : "", quote_name(0, p->name));
    if (p->inputs > 1)
        fprintf(p->out, " (file %d of %d)", p->input, p->inputs);
    fprintf(p->out, ": %.2f", (double)done / 1e9);
    if (p->packed) {
        fprintf(p->out, " GB of text, %.2f", (double)part / 1e9);
        if (whole)
            fprintf(p->out, " / %.2f GB compressed %3.0f%%", (double)whole / 1e9,
                    100.0 * (double)part / (double)whole);
        else
            fputs(" GB compressed", p->out);
    } else if (whole) {
        fprintf(p->out, " / %.2f GB %3.0f%%", (double)whole / 1e9,
                100.0 * (double)done / (double)whole);
    } else {
        fputs(" GB", p->out);
    }
    fprintf(p->out, ", %.2f GB/s", rate / 1e9);
    print_time(p->out, secs, "elapsed");
    if (whole && part && part < whole) /* at the rate so far */
        print_time(p->out, secs * (double)(whole - part) / (double)part, "left");
    fputs(p->tty ? "\033[K" : "\n", p->out); /* erase the rest of a longer earlier line */
    fflush(p->out);
    p->shown = p->tty;
}

void progress_input(progress *p, int k, int n)
{
    if (!p)
        return;
    p->input = k;
    p->inputs = n;
}

void progress_packed(progress *p, const input *in)
{
    if (p)
        p->packed = in;
}

void progress_begin(progress *p, const char *name, uint64_t total, int passes)
{
    if (!p)
        return;
    atomic_store_explicit(&p->done, 0, memory_order_relaxed);
    p->name = name;
    p->packed = NULL;
    p->total = total;
    p->passes = passes > 1 ? passes : 1;
    p->start = timer_now();
    p->next = p->start + (p->tty ? 0.25 : 1.0);
    if (p->tty)
        print_line(p, p->start); /* at once: the user sees which input is being counted */
}

void progress_tick(progress *p)
{
    if (!p)
        return;
    double t = timer_now();
    if (t < p->next)
        return;
    p->next = t + (p->tty ? 0.25 : 1.0); /* a log file gets a line a second, a terminal 4 */
    print_line(p, t);
}

void progress_end(progress *p)
{
    if (!p)
        return;
    if (p->tty) {
        if (p->shown)
            fputs("\r\033[K", p->out);
        p->shown = 0;
        fflush(p->out);
    } else {
        print_line(p, timer_now());
    }
}
