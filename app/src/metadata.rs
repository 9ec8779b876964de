//! Photo metadata (EXIF, XMP, IPTC) carried from an opened file to its
//! exports.
//!
//! What is read is kept with the document, so the editor's export and
//! `lumen apply` write the same. On the way out it is made true of the new
//! pixels: the EXIF orientation is set to 1 (Lumen applied it to the
//! pixels), as is XMP's `tiff:Orientation`; the EXIF pixel size is set to
//! the exported size; and the EXIF thumbnail, a small picture of the
//! *unedited* image that would show what a crop removed, is dropped.

use std::fmt::Write as _;

/// Metadata of an opened photo.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Metadata {
    /// The EXIF block: a TIFF structure (`II*\0` or `MM\0*`), without the
    /// `Exif\0\0` prefix JPEG puts before it.
    pub exif: Option<Vec<u8>>,
    /// The XMP packet (XML text).
    pub xmp: Option<Vec<u8>>,
    /// IPTC-IIM records (the `0x1C`-tagged datasets).
    pub iptc: Option<Vec<u8>>,
    /// The name of the colour profile the pixels were converted from to
    /// sRGB, if they were.
    pub converted_from: Option<String>,
}

/// Whether an export keeps the source's metadata.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MetadataPolicy {
    /// Carry EXIF, XMP and IPTC into the export (orientation reset).
    #[default]
    Keep,
    /// Write none of it; only the colour profile describing the pixels.
    Strip,
}

impl Metadata {
    /// Whether there is nothing to carry.
    pub fn is_empty(&self) -> bool {
        self.exif.is_none() && self.xmp.is_none() && self.iptc.is_none()
    }

    /// The metadata to write with an export of `width` x `height` pixels
    /// (see the module docs). An EXIF block that cannot be walked safely is
    /// left out, so no reader can apply a stale orientation a second time.
    pub fn for_export(&self, width: u32, height: u32) -> Metadata {
        Metadata {
            exif: self.exif.as_ref().and_then(|e| {
                let mut e = e.clone();
                patch_exif(&mut e, width, height).map(|()| e)
            }),
            xmp: self.xmp.as_ref().map(|x| reset_xmp_orientation(x)),
            iptc: self.iptc.clone(),
            converted_from: None,
        }
    }
}

/// Removes a leading `Exif\0\0` and checks for a TIFF header.
pub fn normalize_exif(mut raw: Vec<u8>) -> Option<Vec<u8>> {
    if raw.starts_with(b"Exif\0\0") {
        raw.drain(..6);
    }
    (raw.starts_with(b"II*\0") || raw.starts_with(b"MM\0*")).then_some(raw)
}

/// IPTC-IIM from a Photoshop image resource block (JPEG APP13 after
/// `Photoshop 3.0\0`, or raw IIM as PNG writers store it).
pub fn iptc_from_irb(irb: &[u8]) -> Option<Vec<u8>> {
    let irb = irb.strip_prefix(b"Photoshop 3.0\0").unwrap_or(irb);
    if irb.first() == Some(&0x1C) {
        return Some(irb.to_vec());
    }
    let mut rest = irb;
    while rest.len() >= 12 && rest.starts_with(b"8BIM") {
        let id = u16::from_be_bytes([rest[4], rest[5]]);
        let name_len = usize::from(rest[6]);
        // The Pascal name (length byte included) is padded to even.
        let name_total = (1 + name_len + 1) & !1;
        let size_at = 6 + name_total;
        let size = rest.get(size_at..size_at + 4)?;
        let size = u32::from_be_bytes([size[0], size[1], size[2], size[3]]) as usize;
        let data = rest.get(size_at + 4..size_at + 4 + size)?;
        if id == 0x0404 {
            return (!data.is_empty()).then(|| data.to_vec());
        }
        rest = rest.get(size_at + 4 + ((size + 1) & !1)..)?;
    }
    None
}

/// IPTC-IIM wrapped as a Photoshop image resource (ID 0x0404), the form
/// JPEG's APP13 segment carries after `Photoshop 3.0\0`.
pub fn iptc_to_irb(iim: &[u8]) -> Vec<u8> {
    let mut out = b"Photoshop 3.0\08BIM\x04\x04\0\0".to_vec();
    out.extend_from_slice(&(iim.len() as u32).to_be_bytes());
    out.extend_from_slice(iim);
    if iim.len() % 2 == 1 {
        out.push(0);
    }
    out
}

/// Decodes ImageMagick's "Raw profile type" text (`\niptc\n  LEN\nHEX...`)
/// used for IPTC in PNG.
pub fn raw_profile_decode(text: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(text).ok()?;
    let mut words = text.split_ascii_whitespace();
    let _name = words.next()?;
    let len: usize = words.next()?.parse().ok()?;
    let mut out = Vec::with_capacity(len.min(text.len() / 2));
    for word in words {
        for pair in word.as_bytes().chunks(2) {
            let hex = std::str::from_utf8(pair).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
        }
    }
    (out.len() >= len).then(|| {
        out.truncate(len);
        out
    })
}

/// ImageMagick's "Raw profile type" text for `data` (IPTC in PNG).
pub fn raw_profile_encode(name: &str, data: &[u8]) -> String {
    let mut s = format!("\n{name}\n{:8}\n", data.len());
    for line in data.chunks(36) {
        for b in line {
            write!(s, "{b:02x}").ok();
        }
        s.push('\n');
    }
    s
}

/// Sets XMP's `tiff:Orientation` (attribute or element form) to 1.
pub fn reset_xmp_orientation(xmp: &[u8]) -> Vec<u8> {
    let Ok(text) = std::str::from_utf8(xmp) else {
        return xmp.to_vec();
    };
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("tiff:Orientation") {
        let (head, tail) = rest.split_at(at + "tiff:Orientation".len());
        out.push_str(head);
        // `="6"` or `>6<`, possibly with spaces around `=`.
        let trimmed = tail.trim_start_matches([' ', '=']);
        let open = trimmed.chars().next();
        let skip = tail.len() - trimmed.len();
        match open {
            Some(q @ ('"' | '\'' | '>')) => {
                let close = if q == '>' { '<' } else { q };
                let body = &trimmed[1..];
                match body.find(close) {
                    Some(end) if body[..end].trim().parse::<u8>().is_ok() => {
                        out.push_str(&tail[..skip]);
                        out.push(q);
                        out.push('1');
                        rest = &body[end..];
                    }
                    _ => rest = tail,
                }
            }
            _ => rest = tail,
        }
    }
    out.push_str(rest);
    out.into_bytes()
}

/// An IFD entry: (its position, tag, type).
type Entry = (usize, u16, u16);

/// A TIFF structure read with its byte order.
struct Tiff<'a> {
    data: &'a mut [u8],
    little: bool,
}

impl Tiff<'_> {
    fn u16_at(&self, at: usize) -> Option<u16> {
        let b = self.data.get(at..at + 2)?;
        Some(if self.little {
            u16::from_le_bytes([b[0], b[1]])
        } else {
            u16::from_be_bytes([b[0], b[1]])
        })
    }

    fn u32_at(&self, at: usize) -> Option<u32> {
        let b = self.data.get(at..at + 4)?;
        Some(if self.little {
            u32::from_le_bytes([b[0], b[1], b[2], b[3]])
        } else {
            u32::from_be_bytes([b[0], b[1], b[2], b[3]])
        })
    }

    fn put_u16(&mut self, at: usize, v: u16) -> Option<()> {
        let bytes = if self.little {
            v.to_le_bytes()
        } else {
            v.to_be_bytes()
        };
        self.data.get_mut(at..at + 2)?.copy_from_slice(&bytes);
        Some(())
    }

    fn put_u32(&mut self, at: usize, v: u32) -> Option<()> {
        let bytes = if self.little {
            v.to_le_bytes()
        } else {
            v.to_be_bytes()
        };
        self.data.get_mut(at..at + 4)?.copy_from_slice(&bytes);
        Some(())
    }

    /// The entries of the IFD at `offset`: (entry position, tag, type).
    fn entries(&self, offset: usize) -> Option<(Vec<Entry>, usize)> {
        let count = usize::from(self.u16_at(offset)?);
        let mut out = Vec::with_capacity(count);
        for i in 0..count {
            let at = offset + 2 + 12 * i;
            out.push((at, self.u16_at(at)?, self.u16_at(at + 2)?));
        }
        Some((out, offset + 2 + 12 * count))
    }

    /// Writes a SHORT or LONG value into an entry holding one.
    fn set_number(&mut self, entry: usize, kind: u16, v: u32) -> Option<()> {
        match kind {
            3 => self.put_u16(entry + 8, u16::try_from(v).ok()?),
            4 => self.put_u32(entry + 8, v),
            _ => None,
        }
    }
}

/// Resets orientation, sets the pixel size and drops the thumbnail (see
/// the module docs), in place. `None` if the structure is malformed.
fn patch_exif(exif: &mut [u8], width: u32, height: u32) -> Option<()> {
    let little = exif.starts_with(b"II");
    let mut t = Tiff { data: exif, little };
    let ifd0 = t.u32_at(4)? as usize;
    let (entries, next_at) = t.entries(ifd0)?;
    for &(at, tag, kind) in &entries {
        match tag {
            0x0112 => t.set_number(at, kind, 1)?,
            0x8769 => {
                let sub = t.u32_at(at + 8)? as usize;
                let (sub_entries, _) = t.entries(sub)?;
                for (sat, stag, skind) in sub_entries {
                    match stag {
                        // A size that does not fit its field is left as is.
                        0xA002 => t.set_number(sat, skind, width).unwrap_or(()),
                        0xA003 => t.set_number(sat, skind, height).unwrap_or(()),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    // IFD1 is the thumbnail: unlink it and blank its JPEG bytes.
    let ifd1 = t.u32_at(next_at)? as usize;
    t.put_u32(next_at, 0)?;
    if ifd1 != 0
        && let Some((thumb, _)) = t.entries(ifd1)
    {
        let value = |tag| {
            thumb
                .iter()
                .find(|e| e.1 == tag)
                .and_then(|e| t.u32_at(e.0 + 8))
        };
        if let (Some(start), Some(len)) = (value(0x0201), value(0x0202)) {
            let (start, len) = (start as usize, len as usize);
            if let Some(bytes) = t.data.get_mut(start..start.saturating_add(len)) {
                bytes.fill(0);
            }
        }
    }
    Some(())
}

/// The bytes of a tag of UNDEFINED or BYTE type in the first IFD of a
/// TIFF structure (a TIFF file's ICC profile, tag 34675, is one).
pub fn tiff_tag_bytes(tiff: &[u8], tag: u16) -> Option<Vec<u8>> {
    let little = match tiff.get(..4)? {
        b"II*\0" => true,
        b"MM\0*" => false,
        _ => return None,
    };
    let u16_at = |at: usize| {
        let b = tiff.get(at..at + 2)?;
        Some(if little {
            u16::from_le_bytes([b[0], b[1]])
        } else {
            u16::from_be_bytes([b[0], b[1]])
        })
    };
    let u32_at = |at: usize| {
        let b = tiff.get(at..at + 4)?;
        Some(if little {
            u32::from_le_bytes([b[0], b[1], b[2], b[3]])
        } else {
            u32::from_be_bytes([b[0], b[1], b[2], b[3]])
        })
    };
    let ifd0 = u32_at(4)? as usize;
    let count = usize::from(u16_at(ifd0)?);
    let at = (0..count)
        .map(|i| ifd0 + 2 + 12 * i)
        .find(|&at| u16_at(at) == Some(tag))?;
    if !matches!(u16_at(at + 2)?, 1 | 7) {
        return None;
    }
    let len = u32_at(at + 4)? as usize;
    let bytes = if len <= 4 {
        tiff.get(at + 8..at + 8 + len)?
    } else {
        let off = u32_at(at + 8)? as usize;
        tiff.get(off..off.checked_add(len)?)?
    };
    Some(bytes.to_vec())
}

/// The orientation an EXIF block states (1 when it states none).
pub fn exif_orientation(exif: &[u8]) -> Option<u16> {
    let mut copy = exif.to_vec();
    let little = copy.starts_with(b"II");
    let t = Tiff {
        data: &mut copy,
        little,
    };
    let ifd0 = t.u32_at(4)? as usize;
    let (entries, _) = t.entries(ifd0)?;
    Some(
        entries
            .iter()
            .find(|e| e.1 == 0x0112)
            .and_then(|e| t.u16_at(e.0 + 8))
            .unwrap_or(1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A little-endian EXIF block: orientation 6, an Exif IFD with a pixel
    /// size, and a thumbnail IFD pointing at 4 bytes of "JPEG".
    pub(crate) fn sample_exif() -> Vec<u8> {
        let mut t = b"II*\0".to_vec();
        t.extend_from_slice(&8u32.to_le_bytes());
        // IFD0 at 8: 2 entries.
        t.extend_from_slice(&2u16.to_le_bytes());
        t.extend_from_slice(&[0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0]);
        t.extend_from_slice(&[0x69, 0x87, 4, 0, 1, 0, 0, 0, 38, 0, 0, 0]);
        t.extend_from_slice(&68u32.to_le_bytes()); // next IFD (thumbnail)
        // Exif IFD at 38: 2 entries.
        t.extend_from_slice(&2u16.to_le_bytes());
        t.extend_from_slice(&[0x02, 0xA0, 4, 0, 1, 0, 0, 0, 0x40, 0x1F, 0, 0]);
        t.extend_from_slice(&[0x03, 0xA0, 3, 0, 1, 0, 0, 0, 0x70, 0x17, 0, 0]);
        t.extend_from_slice(&0u32.to_le_bytes());
        // IFD1 at 68: thumbnail offset and length.
        t.extend_from_slice(&2u16.to_le_bytes());
        t.extend_from_slice(&[0x01, 0x02, 4, 0, 1, 0, 0, 0, 98, 0, 0, 0]);
        t.extend_from_slice(&[0x02, 0x02, 4, 0, 1, 0, 0, 0, 4, 0, 0, 0]);
        t.extend_from_slice(&0u32.to_le_bytes());
        t.extend_from_slice(b"JPEG");
        t
    }

    #[test]
    fn export_exif_is_upright_sized_and_without_thumbnail() {
        let meta = Metadata {
            exif: Some(sample_exif()),
            ..Metadata::default()
        };
        assert_eq!(exif_orientation(&sample_exif()), Some(6));
        let out = meta.for_export(300, 200).exif.unwrap();
        assert_eq!(exif_orientation(&out), Some(1));
        assert_eq!(&out[38 + 2 + 8..38 + 2 + 12], &300u32.to_le_bytes());
        assert_eq!(&out[38 + 14 + 8..38 + 14 + 10], &200u16.to_le_bytes());
        assert_eq!(&out[34..38], &[0; 4], "thumbnail unlinked");
        assert!(!out.windows(4).any(|w| w == b"JPEG"), "thumbnail blanked");
    }

    #[test]
    fn malformed_exif_is_left_out() {
        let mut bad = sample_exif();
        bad.truncate(20);
        let meta = Metadata {
            exif: Some(bad),
            ..Metadata::default()
        };
        assert_eq!(meta.for_export(1, 1).exif, None);
    }

    #[test]
    fn xmp_orientation_resets_in_both_forms() {
        let x = br#"<x tiff:Orientation="6" a="b"/><tiff:Orientation>8</tiff:Orientation>"#;
        let out = String::from_utf8(reset_xmp_orientation(x)).unwrap();
        assert_eq!(
            out,
            r#"<x tiff:Orientation="1" a="b"/><tiff:Orientation>1</tiff:Orientation>"#
        );
    }

    #[test]
    fn iptc_round_trips_through_irb_and_raw_profile() {
        let iim = b"\x1c\x02\x78\x00\x05Hello".to_vec();
        assert_eq!(iptc_from_irb(&iptc_to_irb(&iim)), Some(iim.clone()));
        let text = raw_profile_encode("iptc", &iim);
        assert_eq!(raw_profile_decode(text.as_bytes()), Some(iim));
    }
}
