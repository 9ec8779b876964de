//! JPEG XL decoding with jxl-oxide (pure Rust, desktop and web alike).
//! jxl-oxide renders straight into sRGB (its colour management runs on
//! moxcms, as Lumen's does), applies the orientation, and hands over the
//! EXIF and XMP boxes.

use jxl_oxide::{AllocTracker, EnumColourEncoding, JxlImage, Moxcms, RenderingIntent};
use lumen_kernels::RgbaImage;

use crate::metadata::{Metadata, normalize_exif};

/// Whether `bytes` start like a JPEG XL file (a bare codestream or the
/// ISOBMFF container).
pub fn is_jxl(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0x0A]) || bytes.starts_with(b"\0\0\0\x0cJXL \r\n\x87\n")
}

/// Decodes a JPEG XL file to sRGB RGBA, allocating at most `max_alloc`
/// bytes inside the decoder and at most `max_px` pixels of output.
pub fn decode(bytes: &[u8], max_alloc: u64, max_px: u64) -> Result<(RgbaImage, Metadata), String> {
    let tracker = AllocTracker::with_limit(usize::try_from(max_alloc).unwrap_or(usize::MAX));
    let mut image = JxlImage::builder()
        .alloc_tracker(tracker)
        .read(bytes)
        .map_err(|e| format!("not a valid JPEG XL file: {e}"))?;
    let (w, h) = (image.width(), image.height());
    if w == 0 || h == 0 || u64::from(w) * u64::from(h) > max_px {
        return Err(format!(
            "the image is too large: it says it is {w}x{h}, more than the limit of {max_px} pixels"
        ));
    }
    let icc = image.original_icc().map(<[u8]>::to_vec);
    // Pixels stored in an ICC-described space (lossless files) come out in
    // that space and are converted here, as every other format's are;
    // XYB-encoded (lossy) ones are rendered to sRGB by jxl-oxide itself.
    let convert_here = icc.is_some() && !image.image_header().metadata.xyb_encoded;
    if !convert_here {
        image.set_cms(Moxcms);
        image.request_color_encoding(EnumColourEncoding::srgb(RenderingIntent::Relative));
    }
    let render = image
        .render_frame(0)
        .map_err(|e| format!("the JPEG XL file could not be decoded: {e}"))?;
    let mut stream = render.stream();
    let (sw, sh, channels) = (stream.width(), stream.height(), stream.channels() as usize);
    let mut samples = vec![0f32; sw as usize * sh as usize * channels];
    stream.write_to_buffer(&mut samples);
    let to8 = |v: f32| (v.clamp(0.0, 1.0) * 255.0 + 0.5) as u8;
    let mut rgba = Vec::with_capacity(sw as usize * sh as usize * 4);
    for px in samples.chunks_exact(channels) {
        let (rgb, a) = match channels {
            1 => ([px[0]; 3], 1.0),
            2 => ([px[0]; 3], px[1]),
            3 => ([px[0], px[1], px[2]], 1.0),
            _ => ([px[0], px[1], px[2]], px[3]),
        };
        rgba.extend_from_slice(&[to8(rgb[0]), to8(rgb[1]), to8(rgb[2]), to8(a)]);
    }
    let mut meta = Metadata::default();
    if let Ok(jxl_oxide::AuxBoxData::Data(exif)) = image.aux_boxes().first_exif() {
        let skip = exif.tiff_header_offset() as usize;
        meta.exif = exif
            .payload()
            .get(skip..)
            .and_then(|t| normalize_exif(t.to_vec()));
    }
    if let jxl_oxide::AuxBoxData::Data(xml) = image.aux_boxes().first_xml() {
        meta.xmp = Some(xml.to_vec());
    }
    if convert_here
        && let Some(icc) = &icc
        && let Ok(true) = crate::color::rgba_to_srgb(&mut rgba, icc)
    {
        meta.converted_from = crate::color::describe(icc);
    }
    let image = RgbaImage::from_pixels(sw, sh, rgba).map_err(|e| e.to_string())?;
    Ok((image, meta))
}
