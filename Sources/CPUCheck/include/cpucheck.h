#ifndef NNLAB_CPUCHECK_H
#define NNLAB_CPUCHECK_H

// A build tuned for its machine (-target-cpu native) stops with SIGILL on a processor without
// the instructions it was compiled for. cpu_check.c checks them before anything else runs
// and, on a mismatch, says in one line to rebuild (exit status 2). The features checked are
// those the building machine had (Package.swift defines NNLAB_NEEDS_<FEATURE> for each).

/// The first feature this build needs that the processor lacks, or NULL.
const char *nn_missing_cpu_feature(void);

#endif
