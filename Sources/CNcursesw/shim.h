// The wide-character API is only declared when NCURSES_WIDECHAR is set before curses.h,
// and SwiftPM drops the pkg-config flag that would set it.
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>
