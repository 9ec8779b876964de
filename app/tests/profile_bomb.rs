//! A 1x1 PNG whose colour profile chunk inflates to 1 GiB is refused with
//! a message, at little cost in memory. Alone in its test binary, so the
//! process's peak memory is this test's.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers fail loudly.

use lumen_app::io;

/// Peak resident memory of this process so far, bytes (Linux).
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
    out
}

/// zlib data that inflates to `len` zero bytes, compressed a MiB at a time.
fn zeros_zlib(len: usize) -> Vec<u8> {
    let mut c = fdeflate::Compressor::new(Vec::new()).unwrap();
    let block = vec![0u8; 1 << 20];
    for _ in 0..len / block.len() {
        c.write_data(&block).unwrap();
    }
    c.finish().unwrap()
}

#[test]
fn a_profile_that_inflates_to_a_gigabyte_is_refused_cheaply() {
    let mut iccp = b"bomb\0\0".to_vec();
    iccp.extend_from_slice(&zeros_zlib(1 << 30));
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]));
    png.extend(chunk(b"iCCP", &iccp));
    let idat = fdeflate::compress_to_vec(&[0, 1, 2, 3, 4]);
    png.extend(chunk(b"IDAT", &idat));
    png.extend(chunk(b"IEND", &[]));
    eprintln!("the file is {} KB", png.len() >> 10);

    let before = peak_rss();
    let err = io::decode(&png, "bomb.png").unwrap_err().to_string();
    let after = peak_rss();
    assert!(
        err.contains("bomb.png") && err.contains("colour profile"),
        "the message names the file and the profile: {err}"
    );
    match (before, after) {
        (Some(b), Some(a)) => {
            let grew = a.saturating_sub(b);
            eprintln!("peak memory grew by {} MB", grew >> 20);
            assert!(grew < 64 << 20, "decoding cost {} MB", grew >> 20);
        }
        _ => eprintln!("skipped: the memory check (no /proc/self/status here)"),
    }
}
