// The carried header first: its guard then keeps the system's out.
#include "sqlite3.h"
#include "CSQLite.h"

const char *CSQLite_carriedVersion(void) {
    return SQLITE_VERSION;
}
