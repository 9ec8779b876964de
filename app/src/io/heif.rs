//! The AVIF container (HEIF, ISO/IEC 23008-12, on ISOBMFF boxes): which
//! item is the picture, where its AV1 data and its alpha are, its size,
//! colour (`colr`: an ICC profile or CICP code points), rotation and
//! mirroring, and the EXIF and XMP items. Pure Rust on every target: the
//! web app reads metadata here while the browser decodes the pixels.
//!
//! Every length is checked against the data; nothing is allocated from a
//! size field before the bytes it describes are known to be there.

use std::collections::HashMap;

/// What the container says about its primary picture.
#[derive(Debug, Default)]
pub struct Avif<'a> {
    /// The AV1 bitstream of the colour item.
    pub color: Vec<&'a [u8]>,
    /// The AV1 bitstream of its alpha item, if any.
    pub alpha: Option<Vec<&'a [u8]>>,
    /// Size from `ispe`, pixels.
    pub size: Option<(u32, u32)>,
    /// An embedded ICC profile (`colr` of type `prof`/`rICC`).
    pub icc: Option<&'a [u8]>,
    /// CICP from `colr` `nclx`: (primaries, transfer, matrix, full range).
    pub nclx: Option<(u8, u8, u8, bool)>,
    /// Anticlockwise quarter turns (`irot`).
    pub rotation: u8,
    /// `imir` mode: 0 mirrors top-bottom, 1 left-right (as libavif and
    /// browsers read it), applied after the rotation.
    pub mirror: Option<u8>,
    /// Whether RGB is premultiplied by alpha (`prem`).
    pub premultiplied: bool,
    /// The EXIF item (a TIFF structure).
    pub exif: Option<Vec<u8>>,
    /// The XMP item.
    pub xmp: Option<Vec<u8>>,
}

/// Whether `bytes` start like an AVIF file (an `ftyp` naming `avif` or
/// `avis`).
pub fn is_avif(bytes: &[u8]) -> bool {
    let Some((b"ftyp", body, _)) = next_box(bytes) else {
        return false;
    };
    body.chunks_exact(4)
        .enumerate()
        .any(|(i, b)| i != 1 && (b == b"avif" || b == b"avis"))
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// A sized big-endian number of 0, 4 or 8 bytes.
fn sized(b: &[u8], at: usize, size: usize) -> Option<u64> {
    match size {
        0 => Some(0),
        4 => be32(b, at).map(u64::from),
        8 => Some(u64::from_be_bytes(b.get(at..at + 8)?.try_into().ok()?)),
        _ => None,
    }
}

/// The next box: (type, body, rest).
fn next_box(b: &[u8]) -> Option<(&[u8; 4], &[u8], &[u8])> {
    let size = be32(b, 0)? as usize;
    let kind: &[u8; 4] = b.get(4..8)?.try_into().ok()?;
    let (header, total) = match size {
        0 => (8, b.len()),
        1 => (16, usize::try_from(sized(b, 8, 8)?).ok()?),
        n => (8, n),
    };
    if total < header {
        return None;
    }
    Some((kind, b.get(header..total)?, b.get(total..)?))
}

/// The boxes of a run of boxes, as (type, body).
fn boxes(mut b: &[u8]) -> Vec<(&[u8; 4], &[u8])> {
    let mut out = Vec::new();
    while let Some((kind, body, rest)) = next_box(b) {
        out.push((kind, body));
        b = rest;
    }
    out
}

/// One `iloc` entry: construction method and extents (offset, length).
struct Location {
    method: u16,
    extents: Vec<(u64, u64)>,
}

fn parse_iloc(b: &[u8]) -> Option<HashMap<u32, Location>> {
    let version = *b.first()?;
    let sizes = be16(b, 4)?;
    let (off_size, len_size, base_size) = (
        usize::from(sizes >> 12),
        usize::from((sizes >> 8) & 15),
        usize::from((sizes >> 4) & 15),
    );
    let index_size = if version >= 1 {
        usize::from(sizes & 15)
    } else {
        0
    };
    let (count, mut at) = if version < 2 {
        (be16(b, 6)? as u32, 8)
    } else {
        (be32(b, 6)?, 10)
    };
    let mut out = HashMap::new();
    for _ in 0..count {
        let id = if version < 2 {
            let v = u32::from(be16(b, at)?);
            at += 2;
            v
        } else {
            let v = be32(b, at)?;
            at += 4;
            v
        };
        let method = if version >= 1 {
            let m = be16(b, at)? & 15;
            at += 2;
            m
        } else {
            0
        };
        at += 2; // data reference index
        let base = sized(b, at, base_size)?;
        at += base_size;
        let extent_count = be16(b, at)?;
        at += 2;
        // Extents that take no bytes to state could be claimed by the
        // thousand for free; one is all such an item may have.
        if off_size + len_size + index_size == 0 && extent_count > 1 {
            return None;
        }
        let mut extents = Vec::new();
        for _ in 0..extent_count {
            at += index_size;
            let off = sized(b, at, off_size)?;
            at += off_size;
            let len = sized(b, at, len_size)?;
            at += len_size;
            extents.push((base.checked_add(off)?, len));
        }
        out.insert(id, Location { method, extents });
    }
    Some(out)
}

/// `iinf`: item id to (type, MIME content type).
fn parse_iinf(b: &[u8]) -> Option<HashMap<u32, ([u8; 4], String)>> {
    let version = *b.first()?;
    let start = if version == 0 { 6 } else { 8 };
    let mut out = HashMap::new();
    for (kind, infe) in boxes(b.get(start..)?) {
        if kind != b"infe" || *infe.first()? < 2 {
            continue;
        }
        let (id, at) = if *infe.first()? == 2 {
            (u32::from(be16(infe, 4)?), 6)
        } else {
            (be32(infe, 4)?, 8)
        };
        let item_type: [u8; 4] = infe.get(at + 2..at + 6)?.try_into().ok()?;
        let strings = infe.get(at + 6..)?;
        let mut parts = strings.split(|&c| c == 0);
        let _name = parts.next();
        let content_type = if &item_type == b"mime" {
            String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned()
        } else {
            String::new()
        };
        out.insert(id, (item_type, content_type));
    }
    Some(out)
}

/// `ipma`: item id to its property indices (1-based into `ipco`).
fn parse_ipma(b: &[u8]) -> Option<HashMap<u32, Vec<usize>>> {
    let version = *b.first()?;
    let large = be32(b, 0)? & 1 == 1;
    let count = be32(b, 4)?;
    let mut at = 8;
    let mut out = HashMap::new();
    for _ in 0..count {
        let id = if version < 1 {
            let v = u32::from(be16(b, at)?);
            at += 2;
            v
        } else {
            let v = be32(b, at)?;
            at += 4;
            v
        };
        let n = *b.get(at)?;
        at += 1;
        let mut props = Vec::new();
        for _ in 0..n {
            let index = if large {
                let v = usize::from(be16(b, at)? & 0x7FFF);
                at += 2;
                v
            } else {
                let v = usize::from(*b.get(at)? & 0x7F);
                at += 1;
                v
            };
            props.push(index);
        }
        out.insert(id, props);
    }
    Some(out)
}

/// `iref`: (reference type, from, to) triples.
fn parse_iref(b: &[u8]) -> Option<Vec<([u8; 4], u32, u32)>> {
    let wide = *b.first()? == 1;
    let id_size = if wide { 4 } else { 2 };
    let id = |b: &[u8], at| {
        if wide {
            be32(b, at)
        } else {
            be16(b, at).map(u32::from)
        }
    };
    let mut out = Vec::new();
    for (kind, body) in boxes(b.get(4..)?) {
        let from = id(body, 0)?;
        let n = usize::from(be16(body, id_size)?);
        for i in 0..n {
            out.push((*kind, from, id(body, id_size + 2 + i * id_size)?));
        }
    }
    Some(out)
}

fn is_alpha_urn(t: &[u8]) -> bool {
    t.starts_with(b"urn:mpeg:mpegB:cicp:systems:auxiliary:alpha")
        || t.starts_with(b"urn:mpeg:hevc:2015:auxid:1")
}

/// Reads the primary item's properties: size, rotation, mirror and colour.
fn read_properties<'a>(avif: &mut Avif<'a>, props: &[(&[u8; 4], &'a [u8])]) -> Option<()> {
    for &(kind, body) in props {
        match kind {
            b"ispe" => avif.size = Some((be32(body, 4)?, be32(body, 8)?)),
            b"irot" => avif.rotation = body.first()? & 3,
            b"imir" => avif.mirror = Some(body.first()? & 1),
            b"colr" => match body.get(..4)? {
                b"prof" | b"rICC" => avif.icc = body.get(4..),
                b"nclx" => {
                    let full = body.get(10).is_some_and(|b| b & 0x80 != 0);
                    let (p, t, m) = (be16(body, 4)?, be16(body, 6)?, be16(body, 8)?);
                    avif.nclx = Some((p as u8, t as u8, m as u8, full));
                }
                _ => {}
            },
            _ => {}
        }
    }
    Some(())
}

/// Parses an AVIF file. `None` when it is not a well-formed one (the caller
/// says so); fields it cannot find stay empty.
pub fn parse(file: &[u8]) -> Option<Avif<'_>> {
    let top = boxes(file);
    let meta = top.iter().find(|(k, _)| *k == b"meta")?.1.get(4..)?;
    let children = boxes(meta);
    let child = |name: &[u8; 4]| children.iter().find(|(k, _)| *k == name).map(|c| c.1);
    let primary = match child(b"pitm")? {
        p if *p.first()? == 0 => u32::from(be16(p, 4)?),
        p => be32(p, 4)?,
    };
    let locations = parse_iloc(child(b"iloc")?)?;
    let infos = parse_iinf(child(b"iinf")?)?;
    let idat = child(b"idat").unwrap_or_default();
    let refs = child(b"iref").and_then(parse_iref).unwrap_or_default();
    let iprp = boxes(child(b"iprp")?);
    let ipco = boxes(iprp.iter().find(|(k, _)| *k == b"ipco")?.1);
    let ipma = parse_ipma(iprp.iter().find(|(k, _)| *k == b"ipma")?.1)?;
    let props_of = |id: u32| -> Vec<(&[u8; 4], &[u8])> {
        ipma.get(&id)
            .map(|v| {
                v.iter()
                    .filter_map(|&i| ipco.get(i.checked_sub(1)?).copied())
                    .collect()
            })
            .unwrap_or_default()
    };
    let data_of = |id: u32| -> Option<Vec<&[u8]>> {
        let loc = locations.get(&id)?;
        let source = match loc.method {
            0 => file,
            1 => idat,
            _ => return None,
        };
        let parts: Vec<&[u8]> = loc
            .extents
            .iter()
            .map(|&(off, len)| {
                let off = usize::try_from(off).ok()?;
                let end = if len == 0 {
                    source.len()
                } else {
                    off.checked_add(usize::try_from(len).ok()?)?
                };
                source.get(off..end)
            })
            .collect::<Option<_>>()?;
        // Extents may overlap; together they may not be more than the file,
        // so joining them never costs more than its size.
        let total: usize = parts.iter().map(|p| p.len()).sum();
        (total <= source.len()).then_some(parts)
    };
    let (kind, _) = infos.get(&primary)?;
    if kind != b"av01" {
        return None;
    }
    let mut avif = Avif {
        color: data_of(primary)?,
        ..Avif::default()
    };
    read_properties(&mut avif, &props_of(primary))?;
    for &(kind, from, to) in &refs {
        if &kind == b"prem" && from == primary {
            avif.premultiplied = true;
        }
        if to != primary {
            continue;
        }
        match &kind {
            b"auxl" => {
                let is_alpha = props_of(from)
                    .iter()
                    .any(|(k, body)| *k == b"auxC" && body.get(4..).is_some_and(is_alpha_urn));
                if is_alpha {
                    avif.alpha = data_of(from);
                }
            }
            b"cdsc" => match infos.get(&from) {
                Some((t, _)) if *t == *b"Exif" => {
                    let data = data_of(from)?.concat();
                    let skip = usize::try_from(be32(&data, 0)?).ok()?;
                    avif.exif = data.get(skip.checked_add(4)?..).map(<[u8]>::to_vec);
                }
                Some((t, mime)) if t == b"mime" && mime.contains("rdf+xml") => {
                    avif.xmp = Some(data_of(from)?.concat());
                }
                _ => {}
            },
            _ => {}
        }
    }
    Some(avif)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::{ExportFormat, Metadata, MetadataPolicy, encode_photo};

    #[test]
    fn reads_the_size_and_exif_of_an_avif() {
        let img = lumen_kernels::RgbaImage::from_pixels(7, 5, vec![255; 7 * 5 * 4]).unwrap();
        let meta = Metadata {
            exif: Some(b"MM\0*\0\0\0\x08\0\0\0\0\0\0".to_vec()),
            ..Metadata::default()
        };
        let file = encode_photo(
            &img,
            ExportFormat::Avif { quality: 50 },
            &meta,
            MetadataPolicy::Keep,
        )
        .unwrap()
        .bytes;
        assert!(is_avif(&file));
        let avif = parse(&file).unwrap();
        assert_eq!(avif.size, Some((7, 5)));
        assert!(!avif.color.is_empty() && avif.alpha.is_none());
        assert_eq!(avif.exif, meta.exif);
    }

    #[test]
    fn damaged_containers_are_refused() {
        let img = lumen_kernels::RgbaImage::new(4, 4).unwrap();
        let file = encode_photo(
            &img,
            ExportFormat::Avif { quality: 50 },
            &Metadata::default(),
            MetadataPolicy::Keep,
        )
        .unwrap()
        .bytes;
        for cut in [8, 20, file.len() / 2] {
            assert!(parse(&file[..cut]).is_none(), "cut at {cut}");
        }
        // An iloc claiming 60000 extents that take no bytes to state.
        let mut iloc = vec![1, 0, 0, 0, 0x00, 0x00, 0, 1];
        iloc.extend_from_slice(&[0, 1, 0, 0, 0, 0, 0xEA, 0x60]);
        assert!(parse_iloc(&iloc).is_none());
    }
}
