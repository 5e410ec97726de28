//! Transparent huge pages off for the whole process, first thing in `main`.
//!
//! mimalloc (the allocator, see `main.rs`) reserves a 1 GiB arena before `main` and asks the
//! kernel to back it with 2 MiB pages (`madvise(MADV_HUGEPAGE)`, seen with `strace`). Where
//! the kernel's setting grants them (`always`, or `madvise` as here), every 2 MiB of the arena
//! touched at all became resident whole: at a million cases on SQLite, a deadline sweep took
//! the idle server from 71 MiB to 173–188 MiB, 94 MiB of it in huge pages, and to 116–120
//! MiB with them off. Reads and edits without them were within the hour's drift (0.98× and
//! 0.99× the medians; BENCHMARKS, twenty-first session).
//!
//! The flag is the process's (`PR_SET_THP_DISABLE`, Linux 3.15 and later), inherited by every
//! thread started after it; a kernel without it leaves memory as it was, which only costs
//! memory, so a refusal is not an error.

/// Ask the kernel for no transparent huge pages in this process.
#[cfg(target_os = "linux")]
pub fn turn_off() {
    let _refused = rustix::thread::disable_transparent_huge_pages(true);
}

#[cfg(not(target_os = "linux"))]
pub fn turn_off() {}
