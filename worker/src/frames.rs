//! [`FramePool`]: output frames reused between renders, so a re-render does
//! not pay for fresh memory.
//!
//! A freshly allocated frame costs more than its kernel for the cheap
//! filters: the OS hands out zeroed 4 KiB pages on first touch, about
//! 8,000 page faults for a 4K RGBA frame (some 15 ms on the machines we
//! measured, against 2 ms for an invert). The pool keeps frames that
//! renders no longer need and hands them out again by size; their old
//! contents do not matter, as every filter writes every byte of its output
//! rows.
//!
//! Fresh frames may also ask the OS for transparent huge pages (2 MiB,
//! 512 times fewer faults), see [`HugePages`]. Whether that helps depends
//! on the kernel's settings: where it compacts memory synchronously for
//! such requests (`/sys/kernel/mm/transparent_hugepage/defrag` is
//! `madvise`, `defer+madvise` or `always`) a fault can stall for tens of
//! milliseconds, so by default huge pages are asked for only where they
//! come without that stall.

use std::sync::{Mutex, PoisonError};

use lumen_kernels::{KernelError, RgbaImage};

/// Frames smaller than this are not pooled or advised: their first touch
/// is cheap.
pub const MIN_POOLED_BYTES: usize = 1 << 20;

/// Whether fresh frames ask for transparent huge pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HugePages {
    /// Never ask.
    Off,
    /// Always ask (on Linux).
    On,
    /// Ask where the kernel gives them without stalling on compaction:
    /// `enabled` is `always` or `madvise` and `defrag` is `defer` or
    /// `never`. The default; `LUMEN_HUGE_PAGES=1` or `0` overrides it.
    Auto,
}

impl HugePages {
    /// The policy from `LUMEN_HUGE_PAGES` (`1`/`on`, `0`/`off`), else
    /// [`HugePages::Auto`].
    pub fn from_env() -> Self {
        match std::env::var("LUMEN_HUGE_PAGES").as_deref() {
            Ok("1" | "on") => Self::On,
            Ok("0" | "off") => Self::Off,
            _ => Self::Auto,
        }
    }

    /// Whether to ask for huge pages under this policy on this machine.
    pub fn wanted(self) -> bool {
        match self {
            Self::Off => false,
            Self::On => true,
            Self::Auto => crate::sys::huge_pages_without_stall(),
        }
    }
}

/// Frames kept for reuse, bounded in count and bytes. Shared between the
/// threads of an executor (`Sync`).
#[derive(Debug)]
pub struct FramePool {
    free: Mutex<Vec<Vec<u8>>>,
    max_frames: usize,
    max_bytes: usize,
    huge: bool,
}

impl FramePool {
    /// A pool keeping at most `max_frames` frames and `max_bytes` bytes,
    /// with the huge-page policy from the environment
    /// ([`HugePages::from_env`]).
    pub fn new(max_frames: usize, max_bytes: usize) -> Self {
        Self::with_huge_pages(max_frames, max_bytes, HugePages::from_env())
    }

    /// A pool with an explicit huge-page policy.
    pub fn with_huge_pages(max_frames: usize, max_bytes: usize, huge: HugePages) -> Self {
        Self {
            free: Mutex::new(Vec::new()),
            max_frames,
            max_bytes,
            huge: huge.wanted(),
        }
    }

    /// A buffer of exactly `len` bytes: a kept frame of that length (with
    /// its old contents) or a fresh zeroed one.
    pub fn take(&self, len: usize) -> Vec<u8> {
        if len >= MIN_POOLED_BYTES {
            let mut free = self.free.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(i) = free.iter().position(|f| f.len() == len) {
                return free.swap_remove(i);
            }
        }
        fresh(len, self.huge)
    }

    /// A `width` x `height` image on a buffer from [`FramePool::take`]:
    /// its pixels are unspecified until written.
    pub fn image(&self, width: u32, height: u32) -> Result<RgbaImage, KernelError> {
        let len = lumen_kernels::image::checked_byte_len(width, height)?;
        RgbaImage::from_pixels(width, height, self.take(len))
    }

    /// Keeps `frame` for a later [`FramePool::take`], dropping the oldest
    /// kept frames to stay within the bounds (and small frames at once).
    pub fn give(&self, frame: Vec<u8>) {
        if frame.len() < MIN_POOLED_BYTES || frame.len() > self.max_bytes || self.max_frames == 0 {
            return;
        }
        let mut free = self.free.lock().unwrap_or_else(PoisonError::into_inner);
        free.push(frame);
        let mut bytes: usize = free.iter().map(Vec::len).sum();
        while free.len() > self.max_frames || bytes > self.max_bytes {
            bytes -= free.remove(0).len();
        }
    }

    /// Keeps an image's buffer ([`FramePool::give`]).
    pub fn recycle(&self, image: RgbaImage) {
        self.give(image.into_pixels());
    }

    /// Frames and bytes kept now.
    pub fn kept(&self) -> (usize, usize) {
        let free = self.free.lock().unwrap_or_else(PoisonError::into_inner);
        (free.len(), free.iter().map(Vec::len).sum())
    }
}

/// A zeroed buffer of `len` bytes, straight from the allocator (the OS
/// zeroes large ones lazily), advised for huge pages when `huge` is set
/// and it is large enough to hold one.
pub fn fresh(len: usize, huge: bool) -> Vec<u8> {
    let mut frame = vec![0_u8; len];
    if huge && len >= MIN_POOLED_BYTES {
        crate::sys::advise_huge_pages(&mut frame);
    }
    frame
}
