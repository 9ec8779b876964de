//! The bad-files corpus (shared by the bad-file and save-failure tests), generated here so that no binary file is committed:
//! every case is built from a small image Lumen encodes itself, then cut,
//! flipped, relabelled or given a lying header.

#![allow(dead_code)] // each test file uses part of it
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use image::ImageEncoder as _;
use lumen_app::io::{ExportFormat, encode};
use lumen_kernels::RgbaImage;

/// What opening a case must do.
#[derive(Clone, Debug)]
pub enum Expect {
    /// Open as an image of this size.
    Opens(u32, u32),
    /// Fail with a message naming the file and containing one of these
    /// (lowercase) words.
    Fails(&'static [&'static str]),
}

/// How a case is put on disk.
#[derive(Clone, Debug)]
pub enum Content {
    /// A file with these bytes.
    Bytes(Vec<u8>),
    /// A directory.
    Directory,
    /// Nothing at all.
    Missing,
    /// A named pipe (reading it would block forever).
    Fifo,
    /// A sparse file one byte larger than Lumen reads.
    Huge,
}

/// One bad (or mislabelled) file.
#[derive(Clone, Debug)]
pub struct Case {
    /// File name, extension included (it may lie).
    pub file_name: String,
    /// What is on disk.
    pub content: Content,
    /// What must happen.
    pub expect: Expect,
}

impl Case {
    fn bytes(file_name: impl Into<String>, bytes: Vec<u8>, expect: Expect) -> Self {
        Self {
            file_name: file_name.into(),
            content: Content::Bytes(bytes),
            expect,
        }
    }

    /// Puts the case in `dir`; returns its path.
    pub fn create(&self, dir: &Path) -> PathBuf {
        let path = dir.join(&self.file_name);
        match &self.content {
            Content::Bytes(b) => std::fs::write(&path, b).unwrap(),
            Content::Directory => std::fs::create_dir(&path).unwrap(),
            Content::Missing => {}
            Content::Fifo => {
                let ok = std::process::Command::new("mkfifo")
                    .arg(&path)
                    .status()
                    .unwrap()
                    .success();
                assert!(ok, "mkfifo failed");
            }
            Content::Huge => {
                let f = std::fs::File::create(&path).unwrap();
                f.set_len(lumen_app::io::MAX_FILE_BYTES + 1).unwrap();
            }
        }
        path
    }
}

/// A small test picture with some alpha.
pub fn picture(w: u32, h: u32) -> RgbaImage {
    let px: Vec<u8> = (0..w * h * 4)
        .map(|i| {
            if i % 4 == 3 {
                200
            } else {
                (i * 37 % 251) as u8
            }
        })
        .collect();
    RgbaImage::from_pixels(w, h, px).unwrap()
}

pub fn png() -> Vec<u8> {
    encode(&picture(12, 9), ExportFormat::Png).unwrap()
}

pub fn jpeg() -> Vec<u8> {
    encode(&picture(12, 9), ExportFormat::Jpeg { quality: 90 }).unwrap()
}

pub fn webp() -> Vec<u8> {
    encode(&picture(12, 9), ExportFormat::WebP).unwrap()
}

fn with_image_encoder(f: impl FnOnce(&mut Vec<u8>, &[u8])) -> Vec<u8> {
    let mut out = Vec::new();
    f(&mut out, picture(12, 9).pixels());
    out
}

pub fn gif() -> Vec<u8> {
    with_image_encoder(|out, px| {
        image::codecs::gif::GifEncoder::new(out)
            .encode(px, 12, 9, image::ExtendedColorType::Rgba8)
            .unwrap();
    })
}

pub fn bmp() -> Vec<u8> {
    with_image_encoder(|out, px| {
        image::codecs::bmp::BmpEncoder::new(out)
            .write_image(px, 12, 9, image::ExtendedColorType::Rgba8)
            .unwrap();
    })
}

pub fn tiff() -> Vec<u8> {
    let mut cursor = std::io::Cursor::new(Vec::new());
    image::codecs::tiff::TiffEncoder::new(&mut cursor)
        .write_image(
            picture(12, 9).pixels(),
            12,
            9,
            image::ExtendedColorType::Rgba8,
        )
        .unwrap();
    cursor.into_inner()
}

/// CRC-32 as PNG chunks use it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0_u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A valid PNG whose (correctly checksummed) header claims `w`x`h`.
pub fn png_claiming(w: u32, h: u32) -> Vec<u8> {
    let mut b = png();
    b[16..20].copy_from_slice(&w.to_be_bytes());
    b[20..24].copy_from_slice(&h.to_be_bytes());
    let crc = crc32(&b[12..29]);
    b[29..33].copy_from_slice(&crc.to_be_bytes());
    b
}

/// A valid JPEG whose frame header (SOF0) claims `w`x`h`.
pub fn jpeg_claiming(w: u16, h: u16) -> Vec<u8> {
    let mut b = jpeg();
    let sof = b
        .windows(2)
        .position(|m| m == [0xFF, 0xC0])
        .expect("baseline JPEG has SOF0");
    b[sof + 5..sof + 7].copy_from_slice(&h.to_be_bytes());
    b[sof + 7..sof + 9].copy_from_slice(&w.to_be_bytes());
    b
}

/// A GIF whose logical screen and frame claim `w`x`h`.
pub fn gif_claiming(w: u16, h: u16) -> Vec<u8> {
    let mut b = gif();
    b[6..8].copy_from_slice(&w.to_le_bytes());
    b[8..10].copy_from_slice(&h.to_le_bytes());
    b
}

/// A BMP whose header claims `w`x`h`.
pub fn bmp_claiming(w: i32, h: i32) -> Vec<u8> {
    let mut b = bmp();
    b[18..22].copy_from_slice(&w.to_le_bytes());
    b[22..26].copy_from_slice(&h.to_le_bytes());
    b
}

/// A lossless WebP whose VP8L header claims `w`x`h` (each at most 16384).
pub fn webp_claiming(w: u32, h: u32) -> Vec<u8> {
    let mut b = webp();
    let at = b
        .windows(4)
        .position(|m| m == b"VP8L")
        .expect("lossless WebP");
    // After the chunk size and the 0x2f signature: 14 bits width-1, 14 bits
    // height-1, 1 bit alpha, 3 bits version.
    let sig = at + 8;
    assert_eq!(b[sig], 0x2f);
    let old = u32::from_le_bytes(b[sig + 1..sig + 5].try_into().unwrap());
    let bits = ((w - 1) & 0x3FFF) | (((h - 1) & 0x3FFF) << 14) | (old & !0x0FFF_FFFF);
    b[sig + 1..sig + 5].copy_from_slice(&bits.to_le_bytes());
    // An extended file (exports carry a colour profile) states the canvas
    // size again in its VP8X chunk: 24 bits each of width-1 and height-1
    // after the chunk size and 4 bytes of flags.
    if let Some(x) = b.windows(4).position(|m| m == b"VP8X") {
        let canvas = x + 12;
        b[canvas..canvas + 3].copy_from_slice(&(w - 1).to_le_bytes()[..3]);
        b[canvas + 3..canvas + 6].copy_from_slice(&(h - 1).to_le_bytes()[..3]);
    }
    b
}

fn cut(b: Vec<u8>, len: usize) -> Vec<u8> {
    b[..len.min(b.len())].to_vec()
}

fn flip(mut b: Vec<u8>, at: usize) -> Vec<u8> {
    b[at] ^= 0x10;
    b
}

const TRUNCATED: &[&str] = &[
    "truncated",
    "cut short",
    "end of",
    "eof",
    "not a valid",
    "invalid",
    "error",
];
const TOO_LARGE: &[&str] = &["too large"];
const UNSUPPORTED: &[&str] = &["not supported", "not a supported image"];

/// Every case: the bad files, and the mislabelled ones that must open.
pub fn corpus() -> Vec<Case> {
    use Expect::Opens;
    let mut cases = truncated_cases();
    cases.extend(damaged_cases());
    cases.extend(not_image_cases());
    // The good files themselves, as a control.
    for (name, bytes) in [
        ("good.png", png()),
        ("good.jpg", jpeg()),
        ("good.webp", webp()),
        ("good.gif", gif()),
        ("good.bmp", bmp()),
        ("good.tiff", tiff()),
        (
            "good.avif",
            encode(&picture(12, 9), ExportFormat::Avif { quality: 80 }).unwrap(),
        ),
    ] {
        cases.push(Case::bytes(name, bytes, Opens(12, 9)));
    }
    cases
}

/// Empty and truncated files of every format.
fn truncated_cases() -> Vec<Case> {
    use Expect::Fails;
    let (png, jpeg, webp) = (png(), jpeg(), webp());
    let idat = png.windows(4).position(|w| w == b"IDAT").unwrap();
    vec![
        // Zero size.
        Case::bytes("empty.png", Vec::new(), Fails(&["empty"])),
        Case::bytes("empty.jpg", Vec::new(), Fails(&["empty"])),
        // Truncated.
        Case::bytes("sig-only.png", cut(png.clone(), 8), Fails(TRUNCATED)),
        Case::bytes("cut-ihdr.png", cut(png.clone(), 20), Fails(TRUNCATED)),
        Case::bytes(
            "cut-half.png",
            cut(png.clone(), png.len() / 2),
            Fails(TRUNCATED),
        ),
        Case::bytes(
            "cut-idat.png",
            cut(png.clone(), idat + 10),
            Fails(TRUNCATED),
        ),
        Case::bytes("soi-only.jpg", cut(jpeg.clone(), 2), Fails(UNSUPPORTED)),
        Case::bytes("cut-header.jpg", cut(jpeg.clone(), 100), Fails(TRUNCATED)),
        Case::bytes(
            "cut-half.jpg",
            cut(jpeg.clone(), jpeg.len() / 2),
            Fails(TRUNCATED),
        ),
        Case::bytes(
            "cut-eoi.jpg",
            cut(jpeg.clone(), jpeg.len() - 2),
            Fails(TRUNCATED),
        ),
        Case::bytes("riff-only.webp", cut(webp.clone(), 12), Fails(TRUNCATED)),
        Case::bytes(
            "cut-half.webp",
            cut(webp.clone(), webp.len() / 2),
            Fails(TRUNCATED),
        ),
        Case::bytes(
            "cut-last.webp",
            cut(webp.clone(), webp.len() - 1),
            Fails(TRUNCATED),
        ),
        Case::bytes(
            "cut-half.gif",
            cut(gif(), gif().len() / 2),
            Fails(TRUNCATED),
        ),
        Case::bytes(
            "cut-half.bmp",
            cut(bmp(), bmp().len() / 2),
            Fails(TRUNCATED),
        ),
        Case::bytes(
            "cut-half.tiff",
            cut(tiff(), tiff().len() / 2),
            Fails(TRUNCATED),
        ),
    ]
}

/// Flipped bits a format can detect, and headers that lie about the size.
fn damaged_cases() -> Vec<Case> {
    use Expect::Fails;
    let png = png();
    let idat = png.windows(4).position(|w| w == b"IDAT").unwrap();
    vec![
        // Bit flips where the format can tell (PNG checksums every chunk).
        Case::bytes(
            "flip-ihdr.png",
            flip(png.clone(), 18),
            Fails(&["crc", "checksum", "not a valid", "invalid", "error"]),
        ),
        Case::bytes(
            "flip-idat.png",
            flip(png.clone(), idat + 8),
            Fails(&["crc", "checksum", "not a valid", "invalid", "error"]),
        ),
        Case::bytes("flip-magic.png", flip(png.clone(), 1), Fails(UNSUPPORTED)),
        // Headers that lie about the size.
        Case::bytes(
            "huge-100000.png",
            png_claiming(100_000, 100_000),
            Fails(TOO_LARGE),
        ),
        Case::bytes("huge-wide.png", png_claiming(70_000, 1), Fails(TOO_LARGE)),
        Case::bytes(
            "huge-65535.jpg",
            jpeg_claiming(65_535, 65_535),
            Fails(TOO_LARGE),
        ),
        Case::bytes(
            "huge-65535.gif",
            gif_claiming(65_535, 65_535),
            Fails(TOO_LARGE),
        ),
        Case::bytes(
            "huge-100000.bmp",
            bmp_claiming(100_000, 100_000),
            Fails(TOO_LARGE),
        ),
        Case::bytes(
            "zero-size.png",
            png_claiming(0, 9),
            Fails(&["invalid", "error", "0x9"]),
        ),
    ]
}

/// Files that are not images (or not a format Lumen reads), images with
/// the wrong extension, and paths that are not files.
fn not_image_cases() -> Vec<Case> {
    use Expect::{Fails, Opens};
    let (png, jpeg, webp) = (png(), jpeg(), webp());
    vec![
        // Not images, or formats Lumen does not read.
        Case::bytes("notes.txt", b"hello, world\n".to_vec(), Fails(UNSUPPORTED)),
        Case::bytes("notes.png", b"hello, world\n".to_vec(), Fails(UNSUPPORTED)),
        Case::bytes(
            "doc.pdf",
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec(),
            Fails(UNSUPPORTED),
        ),
        Case::bytes(
            "pic.svg",
            b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec(),
            Fails(UNSUPPORTED),
        ),
        Case::bytes(
            "pic.ppm",
            b"P6\n2 2\n255\n012345678901".to_vec(),
            Fails(UNSUPPORTED),
        ),
        Case::bytes(
            "pic.qoi",
            b"qoif\0\0\0\x02\0\0\0\x02\x04\0\0\0\0\0\0\0\0\x01".to_vec(),
            Fails(UNSUPPORTED),
        ),
        Case::bytes(
            "pic.hdr",
            b"#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y 2 +X 2\n".to_vec(),
            Fails(UNSUPPORTED),
        ),
        // An AVIF with nothing after its file type box.
        Case::bytes(
            "pic.avif",
            b"\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf".to_vec(),
            Fails(&["not a valid avif"]),
        ),
        // Mislabelled: the bytes decide (documented in io::decode).
        Case::bytes("png-bytes.jpg", png.clone(), Opens(12, 9)),
        Case::bytes("jpeg-bytes.png", jpeg.clone(), Opens(12, 9)),
        Case::bytes("webp-bytes.gif", webp.clone(), Opens(12, 9)),
        Case::bytes("tiff-bytes", tiff(), Opens(12, 9)),
        // Not files.
        Case {
            file_name: "a-directory.png".into(),
            content: Content::Directory,
            expect: Fails(&["directory"]),
        },
        Case {
            file_name: "no-such-file.png".into(),
            content: Content::Missing,
            expect: Fails(&["no such file"]),
        },
        Case {
            file_name: "pipe.png".into(),
            content: Content::Fifo,
            expect: Fails(&["not a regular file"]),
        },
        Case {
            file_name: "huge-file.png".into(),
            content: Content::Huge,
            expect: Fails(&["bytes lumen reads"]),
        },
    ]
}
