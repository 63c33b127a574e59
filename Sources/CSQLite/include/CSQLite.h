#ifndef CSQLITE_H
#define CSQLITE_H

/// The version of the SQLite compiled into heed (sqlite3.c beside this header), as its own
/// header says. GRDB declares SQLite's functions from the system's header but links to these
/// definitions: `sqlite3_libversion()` answering this same string shows it.
const char *CSQLite_carriedVersion(void);

#endif
