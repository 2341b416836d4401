// SQLite's C API is called directly from Swift; SQLITE_TRANSIENT is a macro cast of -1
// that Swift cannot import, so the Swift wrapper rebuilds it with unsafeBitCast.
#include <sqlite3.h>
