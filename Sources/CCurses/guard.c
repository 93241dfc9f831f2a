#include "ccurses.h"
#include <signal.h>
#include <string.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>
#include <term.h>

static struct termios saved_termios;
static int have_termios = 0;
static char restore_seq[256];
static size_t restore_len = 0;
static volatile sig_atomic_t armed = 0;
static volatile sig_atomic_t quit_signal = 0;
static struct sigaction previous[32];
static const int crash_signals[] = { SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGFPE, SIGABRT };

bool nn_locale_is_utf8(void) {
    const char *codeset = nl_langinfo(CODESET);
    if (!codeset) return false;
    return strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0 || strcmp(codeset, "UTF8") == 0;
}

static void append_cap(const char *name) {
    const char *s = tigetstr((char *)name);
    if (s == NULL || s == (char *)-1) return;
    size_t n = strlen(s);
    if (restore_len + n >= sizeof restore_seq) return;
    memcpy(restore_seq + restore_len, s, n);
    restore_len += n;
}

void nn_guard_restore(void) {
    if (!armed) return;
    armed = 0;
    if (restore_len > 0) {
        ssize_t ignored = write(STDOUT_FILENO, restore_seq, restore_len);
        (void)ignored;
    }
    if (have_termios) tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
}

void nn_guard_disarm(void) { armed = 0; }

static void crash_handler(int sig) {
    nn_guard_restore();
    // Hand the signal on: restore the previous handler and raise it again.
    sigaction(sig, &previous[sig], NULL);
    raise(sig);
}

static void atexit_restore(void) { nn_guard_restore(); }

void nn_guard_install(void) {
    static int installed = 0;
    if (tcgetattr(STDIN_FILENO, &saved_termios) == 0) have_termios = 1;
    armed = 1;
    if (installed) return;
    installed = 1;
    restore_len = 0;
    int err = 0;
    if (setupterm(NULL, STDOUT_FILENO, &err) == OK) {
        append_cap("sgr0");
        append_cap("cnorm");
        append_cap("rmcup");
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = crash_handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND;
    for (size_t i = 0; i < sizeof crash_signals / sizeof crash_signals[0]; i++) {
        sigaction(crash_signals[i], &sa, &previous[crash_signals[i]]);
    }
    atexit(atexit_restore);
}

static void quit_handler(int sig) { quit_signal = sig; }

void nn_install_quit_handlers(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = quit_handler;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

int nn_quit_signal(void) { return quit_signal; }

void nn_unblock_signals(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGWINCH);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}
