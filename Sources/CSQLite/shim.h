#ifndef TIDINGS_CSQLITE_SHIM_H
#define TIDINGS_CSQLITE_SHIM_H
#include <sqlite3.h>
/// SQLITE_TRANSIENT is a cast macro Swift cannot import: it asks SQLite to copy bound text.
static inline sqlite3_destructor_type tds_transient(void) { return SQLITE_TRANSIENT; }
#endif
