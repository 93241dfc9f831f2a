#ifndef NNLAB_CCURSES_H
#define NNLAB_CCURSES_H

// The terminal's C (the CPU check is the other C target): ncursesw with wide characters, small accessors for what Swift 6 cannot
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
/* Presses, and clicks in case a terminal sends no press: with mouseinterval(0) ncurses reports
   each press at once and never merges quick ones into a double or triple click (those are in
   the mask only so that a curses that merges anyway still reports them). */
#define NN_BUTTON(n) (BUTTON##n##_PRESSED | BUTTON##n##_CLICKED | BUTTON##n##_DOUBLE_CLICKED | BUTTON##n##_TRIPLE_CLICKED)
static inline unsigned long nn_mouse_clicks(void) {
    return NN_BUTTON(1) | NN_BUTTON(2) | NN_BUTTON(3);
}
/* 1 left, 2 middle, 3 right, 0 other. */
static inline int nn_mouse_button(unsigned long state) {
    if (state & NN_BUTTON(1)) return 1;
    if (state & NN_BUTTON(2)) return 2;
    if (state & NN_BUTTON(3)) return 3;
    return 0;
}
/* How many clicks an event stands for (a merged double click is two). */
static inline int nn_mouse_count(unsigned long state) {
    if (state & (BUTTON1_TRIPLE_CLICKED | BUTTON2_TRIPLE_CLICKED | BUTTON3_TRIPLE_CLICKED)) return 3;
    if (state & (BUTTON1_DOUBLE_CLICKED | BUTTON2_DOUBLE_CLICKED | BUTTON3_DOUBLE_CLICKED)) return 2;
    return 1;
}
static inline int nn_color_pairs(void) { return COLOR_PAIRS; }
static inline unsigned int nn_attr_bold(void) { return A_BOLD; }
static inline unsigned int nn_attr_dim(void) { return A_DIM; }
static inline unsigned int nn_attr_reverse(void) { return A_REVERSE; }
static inline unsigned int nn_attr_underline(void) { return A_UNDERLINE; }
static inline int nn_key_resize(void) { return KEY_RESIZE; }
static inline int nn_key_code_yes(void) { return KEY_CODE_YES; }

/// True when the locale's character set is UTF-8 (after setlocale(LC_ALL, "")).
bool nn_locale_is_utf8(void);

/// Saves the terminal modes and the terminfo strings that undo curses (attributes, cursor,
/// keypad, mouse reporting, alternate screen), and makes the crash handlers write those
/// strings and restore the modes before the signal goes on. Call before newterm. Safe to call
/// more than once.
void nn_guard_install(void);

/// Restores the terminal now (used by atexit and the guard); idempotent.
void nn_guard_restore(void);

/// Marks curses as ended normally, so the guard does nothing more.
void nn_guard_disarm(void);

/// Installs handlers for crashes (SIGILL, SIGSEGV, SIGBUS, SIGFPE, SIGABRT, SIGTRAP) that
/// restore the terminal if the guard is armed, write `message` (if any) to standard error and
/// hand the signal on. Safe to call more than once (the last message wins).
void nn_crash_guard_install(const char *message);

/// Turns off XON/XOFF flow control, so Ctrl-S and Ctrl-Q are keys instead of freezing the
/// screen (curses' shell mode, restored by endwin and by the guard, has it back on).
void nn_disable_flow_control(void);

/// Unblocks the signals the lab relies on (SIGWINCH, SIGTSTP, SIGCONT and the quit signals)
/// on this thread.
void nn_unblock_signals(void);

/// The last quit signal received (the lab's loop polls it), or 0.
int nn_quit_signal(void);

/// Installs handlers that only record the signals that would end the process (TERM, INT, HUP,
/// QUIT, USR1, USR2, ALRM, PIPE, VTALRM, PROF, XCPU, XFSZ), so the main loop can end curses
/// properly and exit with the usual status.
void nn_install_quit_handlers(void);

/// Catches the first SIGINT (Ctrl-C) for headless work, which then stops at the next
/// convenient point; a second one ends the process.
void nn_catch_interrupt(void);

/// True once SIGINT arrived after `nn_catch_interrupt`.
bool nn_interrupted(void);

#endif
