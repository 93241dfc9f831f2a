import CCurses

/// The process's signal handling outside the lab: crash messages and Ctrl-C for headless
/// work (the lab's own handling is part of `Terminal`).
public enum ProcessSignals {
    /// On a crash, `message` is written to standard error (after the terminal is restored, if
    /// the lab runs) before the Swift runtime writes its report.
    public static func onCrash(say message: String) {
        nn_crash_guard_install(message)
    }

    /// From now on the first Ctrl-C only sets `interrupted`; a second one ends the process.
    public static func catchInterrupt() { nn_catch_interrupt() }

    /// True once Ctrl-C was pressed after `catchInterrupt()`.
    public static var interrupted: Bool { nn_interrupted() }
}
