//! The few operating-system calls the executors make: huge-page advice for
//! fresh frames and the process's CPU time. Elsewhere than Linux they do
//! nothing (and the CPU time is unknown).

/// Advises the kernel to back `buf` with transparent huge pages
/// (`madvise(MADV_HUGEPAGE)` on the whole 2 MiB pages inside it). Call it
/// before the buffer is first written: pages already touched keep their
/// size. A refusal is ignored (the buffer works either way).
#[cfg(target_os = "linux")]
pub fn advise_huge_pages(buf: &mut [u8]) {
    const HUGE: usize = 2 << 20;
    let start = buf.as_mut_ptr() as usize;
    let first = start.next_multiple_of(HUGE);
    let end = (start + buf.len()) / HUGE * HUGE;
    if end <= first {
        return;
    }
    // SAFETY: `first..end` lies inside `buf`, which we borrow mutably, so
    // the range is mapped memory owned by this allocation for the whole
    // call; MADV_HUGEPAGE only changes how the kernel backs it (contents
    // and validity are unchanged), and its result needs no handling.
    #[allow(unsafe_code)]
    unsafe {
        libc::madvise(first as *mut libc::c_void, end - first, libc::MADV_HUGEPAGE);
    }
}

/// Huge-page advice is a Linux feature: nothing to do here.
#[cfg(not(target_os = "linux"))]
pub fn advise_huge_pages(_buf: &mut [u8]) {}

/// Whether `madvise(MADV_HUGEPAGE)` gets huge pages without stalling the
/// faulting thread on memory compaction: transparent huge pages `enabled`
/// for advised memory (`always` or `madvise`) and `defrag` set to `defer`
/// or `never` (with `madvise`, `defer+madvise` or `always` an advised
/// fault compacts memory synchronously, which measured 60-70 ms for one
/// 33 MB frame on a busy machine, against 15 ms of plain page faults).
pub fn huge_pages_without_stall() -> bool {
    let selected = |path: &str| {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        text.split_whitespace()
            .find(|w| w.starts_with('[') && w.ends_with(']'))
            .map(|w| w.trim_matches(['[', ']']).to_owned())
    };
    let enabled = selected("/sys/kernel/mm/transparent_hugepage/enabled");
    let defrag = selected("/sys/kernel/mm/transparent_hugepage/defrag");
    matches!(enabled.as_deref(), Some("always" | "madvise"))
        && matches!(defrag.as_deref(), Some("defer" | "never"))
}

/// CPU time used by this process so far, all threads, in milliseconds
/// (`CLOCK_PROCESS_CPUTIME_ID`); `None` where it cannot be read.
#[cfg(target_os = "linux")]
pub fn process_cpu_ms() -> Option<f64> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec for the duration of the
    // call, which only writes into it.
    #[allow(unsafe_code)]
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    (rc == 0).then(|| ts.tv_sec as f64 * 1e3 + ts.tv_nsec as f64 / 1e6)
}

/// The process CPU time is read on Linux only.
#[cfg(not(target_os = "linux"))]
pub fn process_cpu_ms() -> Option<f64> {
    None
}
