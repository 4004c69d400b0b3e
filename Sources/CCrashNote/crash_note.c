#include "crash_note.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SLOTS 256
#define TAG_BYTES 64

/* Every parse in flight, so that a crash on another thread (a signal sent
   to the process) can still name them. A slot is claimed with an atomic
   flag; the handler only reads. */
static struct {
    atomic_int used;
    char tag[TAG_BYTES];
} slots[SLOTS];

static int note_fd = -1;
static _Thread_local int my_slot = -1;
static _Thread_local int has_alternate_stack = 0;

static const int crash_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP};
#define CRASH_SIGNALS (int)(sizeof crash_signals / sizeof crash_signals[0])
static struct sigaction previous[CRASH_SIGNALS];

/* Only async-signal-safe calls from here on: write, sigaction, raise. */
static void write_tag(const char *tag) {
    size_t n = 0;
    while (n < TAG_BYTES && tag[n] != 0) n++;
    if (n == 0) return;
    ssize_t ignored = write(note_fd, tag, n);
    ignored = write(note_fd, "\n", 1);
    (void)ignored;
}

static void on_crash(int sig, siginfo_t *info, void *context) {
    (void)info;
    (void)context;
    if (note_fd >= 0) {
        if (my_slot >= 0) {
            write_tag(slots[my_slot].tag);
        } else {
            for (int i = 0; i < SLOTS; i++) {
                if (atomic_load(&slots[i].used) == 1) write_tag(slots[i].tag);
            }
        }
    }
    /* Hand the signal to whoever had it before (the Swift runtime's
       backtracer, or the default action), and let it end the process. */
    for (int i = 0; i < CRASH_SIGNALS; i++) {
        if (crash_signals[i] == sig) sigaction(sig, &previous[i], NULL);
    }
    raise(sig);
}

void tcn_install(int fd) {
    note_fd = fd;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_crash;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    for (int i = 0; i < CRASH_SIGNALS; i++) sigaction(crash_signals[i], &action, &previous[i]);
}

static void ensure_alternate_stack(void) {
    if (has_alternate_stack) return;
    stack_t current;
    if (sigaltstack(NULL, &current) == 0 && !(current.ss_flags & SS_DISABLE)) {
        has_alternate_stack = 1;
        return;
    }
    size_t size = 64 * 1024;
    stack_t stack = {.ss_sp = malloc(size), .ss_size = size, .ss_flags = 0};
    if (stack.ss_sp != NULL && sigaltstack(&stack, NULL) == 0) has_alternate_stack = 1;
}

void tcn_enter(const char *tag) {
    ensure_alternate_stack();
    if (my_slot < 0) {
        for (int i = 0; i < SLOTS; i++) {
            int expected = 0;
            if (atomic_compare_exchange_strong(&slots[i].used, &expected, 2)) {
                my_slot = i;
                break;
            }
        }
        if (my_slot < 0) return;
    }
    strncpy(slots[my_slot].tag, tag, TAG_BYTES - 1);
    slots[my_slot].tag[TAG_BYTES - 1] = 0;
    atomic_store(&slots[my_slot].used, 1);
}

void tcn_leave(void) {
    if (my_slot < 0) return;
    atomic_store(&slots[my_slot].used, 0);
    my_slot = -1;
}
