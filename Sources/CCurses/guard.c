#include "ccurses.h"
#include <signal.h>
#include <string.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>
#include <term.h>

static struct termios saved_termios;
static int have_termios = 0;
static char restore_seq[512];
static size_t restore_len = 0;
static char crash_message[1024];
static size_t crash_message_len = 0;
static volatile sig_atomic_t armed = 0;
static volatile sig_atomic_t quit_signal = 0;
static volatile sig_atomic_t interrupted = 0;
static struct sigaction previous[65];
static const int crash_signals[] = { SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGFPE, SIGABRT };
// Every signal whose default action ends the process and that the lab can outlive long enough
// to end curses properly: the main loop sees it within a frame and exits with 128 + signal.
static const int quit_signals[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGPIPE,
                                    SIGVTALRM, SIGPROF, SIGXCPU, SIGXFSZ };

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

static void append_text(const char *text) {
    size_t n = strlen(text);
    if (restore_len + n >= sizeof restore_seq) return;
    memcpy(restore_seq + restore_len, text, n);
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
    if (crash_message_len > 0) {
        ssize_t ignored = write(STDERR_FILENO, crash_message, crash_message_len);
        (void)ignored;
    }
    // Hand the signal on (to the Swift runtime's backtracer, which writes the report): restore
    // the previous handler and raise it again.
    sigaction(sig, &previous[sig], NULL);
    raise(sig);
}

static void atexit_restore(void) { nn_guard_restore(); }

void nn_crash_guard_install(const char *message) {
    static int installed = 0;
    size_t n = message ? strlen(message) : 0;
    if (n >= sizeof crash_message) n = sizeof crash_message - 1;
    if (n > 0) memcpy(crash_message, message, n);
    crash_message_len = n;
    if (installed) return;
    installed = 1;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = crash_handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND | SA_ONSTACK;
    for (size_t i = 0; i < sizeof crash_signals / sizeof crash_signals[0]; i++) {
        sigaction(crash_signals[i], &sa, &previous[crash_signals[i]]);
    }
}

void nn_guard_install(void) {
    static int installed = 0;
    if (tcgetattr(STDIN_FILENO, &saved_termios) == 0) have_termios = 1;
    armed = 1;
    if (!installed) {
        installed = 1;
        restore_len = 0;
        int err = 0;
        if (setupterm(NULL, STDOUT_FILENO, &err) == OK) {
            append_cap("sgr0");
            append_cap("cnorm");
            append_cap("rmkx");
            // ncurses turns on xterm mouse reporting for terminals that declare a mouse.
            const char *mouse = tigetstr("kmous");
            if (mouse != NULL && mouse != (char *)-1) append_text("\033[?1006l\033[?1003l\033[?1002l\033[?1000l");
            append_cap("rmcup");
        }
        atexit(atexit_restore);
    }
    if (crash_message_len == 0) nn_crash_guard_install(NULL);
}

void nn_disable_flow_control(void) {
    struct termios t;
    if (tcgetattr(STDIN_FILENO, &t) != 0) return;
    t.c_iflag &= ~(tcflag_t)(IXON | IXOFF);
    tcsetattr(STDIN_FILENO, TCSANOW, &t);
}

static void quit_handler(int sig) { quit_signal = sig; }

void nn_install_quit_handlers(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = quit_handler;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof quit_signals / sizeof quit_signals[0]; i++) {
        sigaction(quit_signals[i], &sa, NULL);
    }
}

int nn_quit_signal(void) { return quit_signal; }

void nn_unblock_signals(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGWINCH);
    sigaddset(&set, SIGTSTP);
    sigaddset(&set, SIGCONT);
    for (size_t i = 0; i < sizeof quit_signals / sizeof quit_signals[0]; i++) sigaddset(&set, quit_signals[i]);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

static void interrupt_handler(int sig) { (void)sig; interrupted = 1; }

void nn_catch_interrupt(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = interrupt_handler;
    sigemptyset(&sa.sa_mask);
    // A second Ctrl-C is not caught: it ends the process at once.
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGINT, &sa, NULL);
}

bool nn_interrupted(void) { return interrupted != 0; }
