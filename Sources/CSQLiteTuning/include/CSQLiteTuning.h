// sqlite3_config is variadic, which Swift cannot call.
#ifndef CSQLITETUNING_H
#define CSQLITETUNING_H
#include <sqlite3.h>

/// Turns off SQLite's memory statistics, whose global mutex every allocation takes.
/// Only takes effect before SQLite is first used in the process; returns SQLITE_OK then.
static inline int CSQLiteTuning_disableMemoryStatistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
#endif
