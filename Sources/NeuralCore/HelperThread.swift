#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A second core for the large matrix products: the caller runs one half of a job while the
/// helper runs the other. The helper spins for a short while between jobs (training steps
/// follow each other within microseconds), then sleeps on a condition variable, so an idle
/// lab costs no CPU.
final class HelperThread: @unchecked Sendable {
    private let posted = Atomic<Int>(0)
    private let finished = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    private let sleeping = Atomic<Bool>(false)
    private var task: (() -> Void)?
    private var mutex = pthread_mutex_t()
    private var condition = pthread_cond_t()
    private var thread: pthread_t?

    init() {
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&condition, nil)
        let box = Unmanaged.passUnretained(self).toOpaque()
        var tid = pthread_t()
        let result = pthread_create(&tid, nil, { raw in
            Unmanaged<HelperThread>.fromOpaque(raw!).takeUnretainedValue().loop()
            return nil
        }, box)
        require(result == 0, "cannot start a helper thread")
        thread = tid
    }

    deinit {
        stopping.store(true, ordering: .releasing)
        wake()
        if let t = thread { pthread_join(t, nil) }
        pthread_cond_destroy(&condition)
        pthread_mutex_destroy(&mutex)
    }

    /// Runs `other` on the helper and `own` on the calling thread; returns when both are done.
    func run(own: () -> Void, other: () -> Void) {
        withoutActuallyEscaping(other) { escaped in
            task = escaped
            // Post, then look whether the helper sleeps; it sets `sleeping`, then looks for a
            // post. Store-then-load on both sides needs sequential consistency, or both could
            // miss the other and the helper would sleep through the job.
            let job = posted.add(1, ordering: .sequentiallyConsistent).newValue
            if sleeping.load(ordering: .sequentiallyConsistent) { wake() }
            own()
            var spins = 0
            while finished.load(ordering: .acquiring) != job {
                spins += 1
                if spins > 1000 { sched_yield() }
            }
            task = nil
        }
    }

    private func wake() {
        pthread_mutex_lock(&mutex)
        pthread_cond_signal(&condition)
        pthread_mutex_unlock(&mutex)
    }

    private func loop() {
        var seen = 0
        while true {
            var spins = 0
            while posted.load(ordering: .acquiring) == seen && !stopping.load(ordering: .acquiring) {
                spins += 1
                if spins > 200_000 {
                    // Nothing for a while: sleep until the next job.
                    pthread_mutex_lock(&mutex)
                    sleeping.store(true, ordering: .sequentiallyConsistent)
                    if posted.load(ordering: .sequentiallyConsistent) == seen && !stopping.load(ordering: .acquiring) {
                        pthread_cond_wait(&condition, &mutex)
                    }
                    sleeping.store(false, ordering: .releasing)
                    pthread_mutex_unlock(&mutex)
                    spins = 0
                }
            }
            if stopping.load(ordering: .acquiring) { return }
            seen = posted.load(ordering: .acquiring)
            task?()
            finished.store(seen, ordering: .releasing)
        }
    }
}

/// Runs `body` over the row range 0..<rows, split across the workspace's helper thread when
/// there is one and the work (multiply-adds) is large enough to pay for the hand-off.
/// The helper is passed unmanaged: the workspace owns it, and a strong reference in every
/// layer's pass cost a retain and release per layer per step.
@inline(__always)
func splitRows(_ rows: Int, work: Int, helper: Unmanaged<HelperThread>?, _ body: (Range<Int>) -> Void) {
    guard let helper, work >= 1_000_000, rows >= 16 else {
        body(0..<rows)
        return
    }
    let half = (rows / 2) & ~3
    helper._withUnsafeGuaranteedRef { $0.run(own: { body(0..<half) }, other: { body(half..<rows) }) }
}
