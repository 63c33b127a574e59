// Wrappers for the ncurses macros and globals Swift cannot import.
#ifndef CCURSESSHIM_H
#define CCURSESSHIM_H
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <wchar.h>
#include <ncursesw/curses.h>

// glibc declares wcwidth only under _XOPEN_SOURCE, which SwiftPM strips.
extern int wcwidth(wchar_t c);

static inline WINDOW *CCursesShim_stdscr(void) { return stdscr; }
static inline int CCursesShim_lines(void) { return LINES; }
static inline int CCursesShim_cols(void) { return COLS; }
static inline attr_t CCursesShim_A_BOLD(void) { return A_BOLD; }
static inline attr_t CCursesShim_A_REVERSE(void) { return A_REVERSE; }
static inline attr_t CCursesShim_A_UNDERLINE(void) { return A_UNDERLINE; }
static inline attr_t CCursesShim_A_DIM(void) { return A_DIM; }
static inline attr_t CCursesShim_COLOR_PAIR(short n) { return COLOR_PAIR(n); }
static inline int CCursesShim_wcwidth(wchar_t c) { return wcwidth(c); }
static inline int CCursesShim_KEY_CODE_YES(void) { return KEY_CODE_YES; }

/// Draws one cell: a character (with its zero-width followers) and attributes at y, x.
static inline int CCursesShim_put_cell(int y, int x, const wchar_t *chars, attr_t attrs, short pair) {
    cchar_t cell;
    if (setcchar(&cell, chars, attrs, pair, NULL) != OK) return ERR;
    return mvadd_wch(y, x, &cell);
}
#endif
