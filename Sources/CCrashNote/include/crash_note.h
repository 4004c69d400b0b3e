#ifndef TIDINGS_CRASH_NOTE_H
#define TIDINGS_CRASH_NOTE_H

/// A note, written from a crash signal handler, of what the process was
/// working on when it crashed. The daemon tags each parse with its feed's
/// id; if the process then dies of SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT
/// or SIGTRAP (a stack overflow, a Swift trap, a watchdog abort), the
/// handler appends the tag of the crashing thread (or, when that thread was
/// not parsing, of every parse in flight) to a file, then lets the signal
/// take its course. A process killed by SIGKILL leaves no note: that is
/// not evidence against any document.

/// Installs the handlers; `fd` is an open, appendable file descriptor.
void tcn_install(int fd);

/// The calling thread works on `tag` (at most 63 bytes kept) until
/// `tcn_leave`. Sets up an alternate signal stack for the thread the first
/// time, so that a stack overflow can still be noted.
void tcn_enter(const char *tag);
void tcn_leave(void);

#endif
