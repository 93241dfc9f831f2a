#ifndef NNLAB_CCURSES_H
#define NNLAB_CCURSES_H

// The only C in NNLab: ncursesw with wide characters, small accessors for what Swift 6 cannot
// import (globals, attribute macros), and the signal guard that restores the terminal.
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>
#include <locale.h>
#include <langinfo.h>
#include <stdbool.h>

static inline WINDOW *stdscr_window(void) { return stdscr; }
static inline int nn_colors(void) { return COLORS; }
static inline SCREEN *nn_newterm(void) { return newterm(NULL, stdout, stdin); }
static inline unsigned long nn_mouse_clicks(void) { return BUTTON1_CLICKED | BUTTON1_PRESSED; }
static inline int nn_color_pairs(void) { return COLOR_PAIRS; }
static inline unsigned int nn_attr_bold(void) { return A_BOLD; }
static inline unsigned int nn_attr_dim(void) { return A_DIM; }
static inline unsigned int nn_attr_reverse(void) { return A_REVERSE; }
static inline unsigned int nn_attr_underline(void) { return A_UNDERLINE; }
static inline int nn_key_resize(void) { return KEY_RESIZE; }
static inline int nn_key_code_yes(void) { return KEY_CODE_YES; }

/// True when the locale's character set is UTF-8 (after setlocale(LC_ALL, "")).
bool nn_locale_is_utf8(void);

/// Saves the terminal modes and the terminfo strings that undo curses, and installs handlers
/// for crashes and SIGHUP that write those strings and restore the modes before the signal
/// goes on. Call before newterm. Safe to call more than once.
void nn_guard_install(void);

/// Restores the terminal now (used by atexit and the guard); idempotent.
void nn_guard_restore(void);

/// Marks curses as ended normally, so the guard does nothing more.
void nn_guard_disarm(void);

/// Unblocks the signals the lab relies on (SIGWINCH, SIGTERM, SIGINT, SIGHUP) on this thread.
void nn_unblock_signals(void);

/// The number of SIGTERM/SIGINT/SIGHUP received since start (the lab's loop polls it).
int nn_quit_signal(void);

/// Installs handlers that only record SIGTERM, SIGINT and SIGHUP, so the main loop can end
/// curses properly and exit with the usual status.
void nn_install_quit_handlers(void);

#endif
