//! Colour management: pixels described by an embedded ICC profile are
//! converted to sRGB when a file is opened, so every filter and the screen
//! see sRGB, and exports say so with an sRGB profile of their own.
//!
//! The conversions run through [`moxcms`] (pure Rust, also on wasm32) with
//! the **relative colorimetric** intent: colours inside sRGB's gamut keep
//! their exact values, white maps to white, and colours outside are clipped
//! to the nearest edge of the gamut. For the matrix-and-curve profiles
//! cameras and phones write (Adobe RGB, ProPhoto RGB, Display P3) this is
//! also what "perceptual" gives, since such profiles carry no perceptual
//! tables; for CMYK profiles it keeps printed colours as measured.

use std::sync::OnceLock;

use moxcms::{ColorProfile, DataColorSpace, Layout, RenderingIntent, TransformOptions};

/// The largest colour profile Lumen reads, in bytes (16 MiB). Real profiles
/// are a few KB (matrix profiles) to a few MB (large CMYK tables); a
/// compressed profile chunk that inflates past this is refused before more
/// than this is allocated.
pub const MAX_PROFILE_BYTES: usize = 16 << 20;

/// The rendering intent of every conversion Lumen makes.
pub const INTENT: RenderingIntent = RenderingIntent::RelativeColorimetric;

/// Pixels converted per call to the transform: bounds the scratch buffer.
const CHUNK_PX: usize = 1 << 16;

/// What went wrong with a colour profile.
#[derive(Debug, thiserror::Error)]
pub enum ColorError {
    /// The profile could not be parsed or has no usable conversion.
    #[error("its colour profile cannot be used ({0})")]
    Profile(String),
    /// The profile describes other colours than the pixels have.
    #[error("its colour profile is for {profile} data but the pixels are {pixels}")]
    Mismatch {
        /// The profile's colour space.
        profile: String,
        /// What the pixels are.
        pixels: &'static str,
    },
}

fn profile_err(e: impl std::fmt::Debug) -> ColorError {
    ColorError::Profile(format!("{e:?}"))
}

/// The bytes of the sRGB profile Lumen embeds in its exports (612 bytes).
pub fn srgb_icc() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        let icc = ColorProfile::new_srgb().encode().unwrap_or_default();
        let mut icc = align_tags(&icc).unwrap_or(icc);
        // The header's PCS illuminant must be D50 exactly as the ICC
        // specification encodes it (libpng refuses the profile otherwise);
        // the encoder rounds it a little differently.
        if let Some(illuminant) = icc.get_mut(68..80) {
            illuminant.copy_from_slice(&[0, 0, 0xF6, 0xD6, 0, 1, 0, 0, 0, 0, 0xD3, 0x2D]);
        }
        // The encoder stamps the header with the current time: without a
        // fixed date, the same edit exported twice (or by the CLI and the
        // web app) gave different bytes.
        if let Some(created) = icc.get_mut(24..36) {
            created.fill(0);
        }
        icc
    })
}

/// Lays a profile's tags out again, each starting on a multiple of 4
/// bytes as the ICC specification requires (libpng checks it).
fn align_tags(icc: &[u8]) -> Option<Vec<u8>> {
    let be32 = |at: usize| -> Option<usize> {
        Some(u32::from_be_bytes(icc.get(at..at + 4)?.try_into().ok()?) as usize)
    };
    let count = be32(128)?;
    let table_end = 132 + 12 * count;
    let mut out = icc.get(..table_end)?.to_vec();
    let mut placed: Vec<(usize, usize, usize)> = Vec::new(); // (old offset, size, new offset)
    for i in 0..count {
        let entry = 132 + 12 * i;
        let (offset, size) = (be32(entry + 4)?, be32(entry + 8)?);
        let new = match placed.iter().find(|p| p.0 == offset && p.1 == size) {
            Some(p) => p.2,
            None => {
                out.resize(out.len().next_multiple_of(4), 0);
                let at = out.len();
                out.extend_from_slice(icc.get(offset..offset + size)?);
                placed.push((offset, size, at));
                at
            }
        };
        out[entry + 4..entry + 8].copy_from_slice(&(new as u32).to_be_bytes());
    }
    out.resize(out.len().next_multiple_of(4), 0);
    let len = out.len() as u32;
    out[..4].copy_from_slice(&len.to_be_bytes());
    Some(out)
}

fn options() -> TransformOptions {
    TransformOptions {
        rendering_intent: INTENT,
        ..TransformOptions::default()
    }
}

/// The profile's own description, for messages (e.g. "Display P3").
pub fn describe(icc: &[u8]) -> Option<String> {
    let p = ColorProfile::new_from_slice(icc).ok()?;
    let text = match p.description? {
        moxcms::ProfileText::PlainString(s) => s,
        moxcms::ProfileText::Localizable(v) => v.into_iter().next()?.value,
        moxcms::ProfileText::Description(d) => d.ascii_string,
    };
    let text = text.trim_matches(char::from(0)).trim();
    (!text.is_empty()).then(|| text.chars().take(80).collect())
}

/// Converts straight-alpha RGBA pixels described by `icc` to sRGB in
/// place. Returns `false` (and leaves the pixels alone) when the profile
/// is sRGB itself, as most tagged files are, so they keep their exact
/// values. Gray profiles apply to the (equal) RGB channels.
pub fn rgba_to_srgb(pixels: &mut [u8], icc: &[u8]) -> Result<bool, ColorError> {
    let src = ColorProfile::new_from_slice(icc).map_err(profile_err)?;
    convert_rgba(pixels, &src)
}

/// Converts straight-alpha RGBA pixels whose colours are given by CICP
/// code points (ITU-T H.273 colour primaries and transfer characteristics,
/// as AVIF's `nclx` says) to sRGB in place; `false` when they are sRGB.
pub fn rgba_cicp_to_srgb(
    pixels: &mut [u8],
    primaries: u8,
    transfer: u8,
) -> Result<bool, ColorError> {
    use moxcms::{CicpColorPrimaries, CicpProfile, MatrixCoefficients, TransferCharacteristics};
    // 1 is BT.709/sRGB, 2 "unspecified" (taken as sRGB, as browsers do);
    // transfers 1, 6, 14 and 15 are BT.709's, 13 is sRGB's: all shown as sRGB.
    if matches!(primaries, 1 | 2) && matches!(transfer, 1 | 2 | 6 | 13 | 14 | 15) {
        return Ok(false);
    }
    let cicp = CicpProfile {
        color_primaries: CicpColorPrimaries::try_from(primaries).map_err(profile_err)?,
        transfer_characteristics: TransferCharacteristics::try_from(transfer)
            .map_err(profile_err)?,
        matrix_coefficients: MatrixCoefficients::Bt709,
        full_range: true,
    };
    convert_rgba(pixels, &ColorProfile::new_from_cicp(cicp))
}

fn convert_rgba(pixels: &mut [u8], src: &ColorProfile) -> Result<bool, ColorError> {
    match src.color_space {
        DataColorSpace::Rgb => {
            let t = src
                .create_transform_8bit(
                    Layout::Rgba,
                    &ColorProfile::new_srgb(),
                    Layout::Rgba,
                    options(),
                )
                .map_err(profile_err)?;
            if is_identity(&*t, Layout::Rgba) {
                return Ok(false);
            }
            transform_chunks(&*t, pixels, 4, |src, dst| dst.copy_from_slice(src))
                .map_err(profile_err)?;
            Ok(true)
        }
        DataColorSpace::Gray => {
            let t = src
                .create_transform_8bit(
                    Layout::GrayAlpha,
                    &ColorProfile::new_srgb(),
                    Layout::Rgba,
                    options(),
                )
                .map_err(profile_err)?;
            transform_chunks(&*t, pixels, 2, |src, dst| {
                for (d, s) in dst.chunks_exact_mut(2).zip(src.chunks_exact(4)) {
                    d[0] = s[0];
                    d[1] = s[3];
                }
            })
            .map_err(profile_err)?;
            Ok(true)
        }
        other => Err(ColorError::Mismatch {
            profile: format!("{other:?}"),
            pixels: "RGB",
        }),
    }
}

/// Converts 16-bit straight-alpha RGBA described by the RGB profile `icc`
/// to sRGB in place, so a 16-bit photo is converted before it is rounded
/// to 8 bits. `false` (pixels untouched) when the profile is not RGB.
pub fn rgba16_to_srgb(pixels: &mut [u16], icc: &[u8]) -> Result<bool, ColorError> {
    let src = ColorProfile::new_from_slice(icc).map_err(profile_err)?;
    if src.color_space != DataColorSpace::Rgb {
        return Ok(false);
    }
    let t = src
        .create_transform_16bit(
            Layout::Rgba,
            &ColorProfile::new_srgb(),
            Layout::Rgba,
            options(),
        )
        .map_err(profile_err)?;
    let mut input = vec![0u16; (CHUNK_PX * 4).min(pixels.len())];
    for chunk in pixels.chunks_mut(CHUNK_PX * 4) {
        let input = &mut input[..chunk.len()];
        input.copy_from_slice(chunk);
        t.transform(input, chunk).map_err(profile_err)?;
    }
    Ok(true)
}

/// Converts CMYK samples (4 bytes a pixel, 255 = full ink, as ICC
/// profiles count) described by the CMYK profile `icc` to opaque sRGB RGBA.
pub fn cmyk_to_srgb(cmyk: &[u8], icc: &[u8]) -> Result<Vec<u8>, ColorError> {
    let src = ColorProfile::new_from_slice(icc).map_err(profile_err)?;
    if src.color_space != DataColorSpace::Cmyk {
        return Err(ColorError::Mismatch {
            profile: format!("{:?}", src.color_space),
            pixels: "CMYK",
        });
    }
    let t = src
        .create_transform_8bit(
            Layout::Rgba,
            &ColorProfile::new_srgb(),
            Layout::Rgb,
            options(),
        )
        .map_err(profile_err)?;
    let mut out = vec![255u8; cmyk.len()];
    let mut rgb = vec![0u8; CHUNK_PX.min(cmyk.len() / 4) * 3];
    for (src, dst) in cmyk.chunks(CHUNK_PX * 4).zip(out.chunks_mut(CHUNK_PX * 4)) {
        let rgb = &mut rgb[..src.len() / 4 * 3];
        t.transform(src, rgb).map_err(profile_err)?;
        for (d, s) in dst.chunks_exact_mut(4).zip(rgb.chunks_exact(3)) {
            d[..3].copy_from_slice(s);
        }
    }
    Ok(out)
}

/// Runs `t` over `pixels` (RGBA, converted in place) a chunk at a time;
/// `load` fills the transform's input (`in_channels` per pixel) from a
/// chunk of RGBA.
fn transform_chunks(
    t: &moxcms::Transform8BitExecutor,
    pixels: &mut [u8],
    in_channels: usize,
    load: impl Fn(&[u8], &mut [u8]),
) -> Result<(), moxcms::CmsError> {
    let px = pixels.len() / 4;
    let mut input = vec![0u8; CHUNK_PX.min(px) * in_channels];
    for chunk in pixels.chunks_mut(CHUNK_PX * 4) {
        let input = &mut input[..chunk.len() / 4 * in_channels];
        load(chunk, input);
        t.transform(input, chunk)?;
    }
    Ok(())
}

/// Whether a transform leaves every gray level and every pure primary ramp
/// unchanged (within one level): the profile is sRGB in all but name.
fn is_identity(t: &moxcms::Transform8BitExecutor, layout: Layout) -> bool {
    debug_assert_eq!(layout, Layout::Rgba);
    let mut probe = Vec::with_capacity(256 * 4 * 4);
    for v in 0..=255u8 {
        probe.extend_from_slice(&[v, v, v, 255, v, 0, 0, 255, 0, v, 0, 255, 0, 0, v, 255]);
    }
    let mut out = vec![0u8; probe.len()];
    if t.transform(&probe, &mut out).is_err() {
        return false;
    }
    probe.iter().zip(&out).all(|(a, b)| a.abs_diff(*b) <= 1)
}

/// Checks a PNG's colour profile chunk (`iCCP`) before any decoder sees
/// it: its compressed profile is inflated here, never past
/// [`MAX_PROFILE_BYTES`], so a small file whose profile would inflate to
/// gigabytes is refused at the cost of 16 MiB at most. Returns the profile
/// when there is a readable one.
pub fn png_profile(bytes: &[u8]) -> Result<Option<Vec<u8>>, String> {
    let Some(mut rest) = bytes.get(8..) else {
        return Ok(None);
    };
    while rest.len() >= 12 {
        let len = u32::from_be_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
        let kind = &rest[4..8];
        let Some(data) = rest.get(8..8 + len) else {
            return Ok(None);
        };
        match kind {
            b"IDAT" | b"IEND" => return Ok(None),
            b"iCCP" => return inflate_iccp(data),
            _ => {}
        }
        rest = rest.get(12 + len..).unwrap_or_default();
    }
    Ok(None)
}

fn inflate_iccp(data: &[u8]) -> Result<Option<Vec<u8>>, String> {
    // A name of 1-79 bytes, a zero, the compression method (0), then zlib.
    let Some(name_end) = data.iter().take(80).position(|&b| b == 0) else {
        return Ok(None);
    };
    let Some(zlib) = data.get(name_end + 2..) else {
        return Ok(None);
    };
    match fdeflate::decompress_to_vec_bounded(zlib, MAX_PROFILE_BYTES) {
        Ok(profile) => Ok(Some(profile)),
        Err(fdeflate::BoundedDecompressionError::OutputTooLarge { .. }) => Err(format!(
            "its colour profile (the PNG iCCP chunk) inflates to more than {} MiB; \
             Lumen refuses profiles that large",
            MAX_PROFILE_BYTES >> 20
        )),
        // A damaged profile is ignored, as the PNG decoder ignores it.
        Err(_) => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exported_profile_has_the_exact_d50_illuminant() {
        assert_eq!(
            &srgb_icc()[68..80],
            &[0, 0, 0xF6, 0xD6, 0, 1, 0, 0, 0, 0, 0xD3, 0x2D]
        );
        assert!(describe(srgb_icc()).is_some_and(|d| d.contains("sRGB")));
        // Every tag starts on a multiple of 4 bytes.
        let icc = srgb_icc();
        let count = u32::from_be_bytes(icc[128..132].try_into().unwrap()) as usize;
        for i in 0..count {
            let at = 132 + 12 * i;
            let offset = u32::from_be_bytes(icc[at + 4..at + 8].try_into().unwrap());
            assert_eq!(offset % 4, 0, "tag {i}");
        }
        assert_eq!(icc.len() % 4, 0);
    }

    #[test]
    fn srgb_profile_is_left_alone() {
        let mut px = vec![10, 200, 30, 255, 1, 2, 3, 4];
        let before = px.clone();
        assert!(!rgba_to_srgb(&mut px, srgb_icc()).unwrap());
        assert_eq!(px, before);
    }

    #[test]
    fn display_p3_red_leaves_srgb_gamut() {
        // P3's pure red is outside sRGB: it clips to sRGB's red.
        let p3 = ColorProfile::new_display_p3().encode().unwrap();
        let mut px = vec![255, 0, 0, 128];
        assert!(rgba_to_srgb(&mut px, &p3).unwrap());
        assert_eq!(px, vec![255, 0, 0, 128]);
        // A mid gray stays gray (same white point and transfer curve).
        let mut gray = vec![128, 128, 128, 255];
        rgba_to_srgb(&mut gray, &p3).unwrap();
        assert!(gray[..3].iter().all(|&v| v.abs_diff(128) <= 1), "{gray:?}");
    }

    #[test]
    fn garbage_profile_is_an_error() {
        let mut px = vec![0; 4];
        assert!(rgba_to_srgb(&mut px, b"not a profile at all, really").is_err());
    }
}
