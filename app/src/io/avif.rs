//! AVIF decoding on the desktop: the container is read by [`super::heif`],
//! the AV1 data decoded by rav1d (a pure-Rust port of dav1d), YUV turned
//! into RGB here. rav1d does not build for wasm32; the web app hands AVIF
//! files to the browser's own decoder instead (`platform::web`).

use lumen_kernels::RgbaImage;

use super::heif::Avif;

/// An AV1 picture as 8-bit planes: Y, and U and V at chroma resolution.
struct Planes {
    width: usize,
    height: usize,
    /// Horizontal and vertical chroma subsampling shifts.
    shift: (usize, usize),
    y: Vec<u16>,
    u: Vec<u16>,
    v: Vec<u16>,
    /// Bits per sample (8, 10 or 12).
    bits: u32,
    matrix: u8,
    full_range: bool,
    monochrome: bool,
}

/// Decodes one AV1 item into planes, with at most `max_px` pixels.
fn decode_av1(data: &[&[u8]], max_px: u64) -> Result<Planes, String> {
    use re_rav1d::dav1d::{Decoder, PixelLayout, PlanarImageComponent as C, Settings};
    let mut settings = Settings::new();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    settings.set_n_threads(threads as u32);
    settings.set_max_frame_delay(1);
    settings.set_frame_size_limit(u32::try_from(max_px).unwrap_or(u32::MAX));
    let mut dec = Decoder::with_settings(&settings).map_err(|e| format!("AV1 decoder: {e}"))?;
    dec.send_data(data.concat(), None, None, None)
        .map_err(|e| format!("the AV1 data is not valid: {e}"))?;
    let invalid = |e| format!("the AV1 data is not valid: {e}");
    // A still picture comes out once its data is in; the decoder may ask
    // for its pending data to be pushed first ("again").
    let mut tries = 0;
    let pic = loop {
        match dec.get_picture() {
            Ok(p) => break p,
            Err(re_rav1d::dav1d::Error::Again) if tries < 1000 => {
                tries += 1;
                match dec.send_pending_data() {
                    Ok(()) | Err(re_rav1d::dav1d::Error::Again) => {}
                    Err(e) => return Err(invalid(e)),
                }
            }
            Err(e) => return Err(invalid(e)),
        }
    };
    let (width, height) = (pic.width() as usize, pic.height() as usize);
    let layout = pic.pixel_layout();
    let shift = match layout {
        PixelLayout::I420 => (1, 1),
        PixelLayout::I422 => (1, 0),
        PixelLayout::I400 | PixelLayout::I444 => (0, 0),
    };
    let wide = pic.bit_depth() > 8;
    let plane = |c: C, w: usize, h: usize| -> Vec<u16> {
        let stride = pic.stride(c) as usize;
        let data = pic.plane(c);
        let mut out = Vec::with_capacity(w * h);
        for row in 0..h {
            let line = data.get(row * stride..).unwrap_or_default();
            if wide {
                out.extend(
                    line.chunks_exact(2)
                        .take(w)
                        .map(|b| u16::from_ne_bytes([b[0], b[1]])),
                );
            } else {
                out.extend(line.iter().take(w).map(|&b| u16::from(b)));
            }
        }
        out.resize(w * h, 0);
        out
    };
    let (cw, ch) = ((width + shift.0) >> shift.0, (height + shift.1) >> shift.1);
    let monochrome = layout == PixelLayout::I400;
    Ok(Planes {
        width,
        height,
        shift,
        y: plane(C::Y, width, height),
        u: if monochrome {
            Vec::new()
        } else {
            plane(C::U, cw, ch)
        },
        v: if monochrome {
            Vec::new()
        } else {
            plane(C::V, cw, ch)
        },
        bits: pic.bits_per_component().map_or(8, |b| b.0 as u32),
        matrix: pic.matrix_coefficients() as u8,
        full_range: matches!(pic.color_range(), re_rav1d::dav1d::pixel::YUVRange::Full),
        monochrome,
    })
}

/// Kr and Kb of a CICP matrix (BT.601 for unspecified, as libavif does).
fn luma_weights(matrix: u8) -> (f32, f32) {
    match matrix {
        1 => (0.2126, 0.0722),
        9 | 10 => (0.2627, 0.0593),
        4 => (0.30, 0.11),
        7 => (0.212, 0.087),
        _ => (0.299, 0.114),
    }
}

/// YUV to straight RGBA (alpha 255), rounding to 8 bits.
fn to_rgba(p: &Planes) -> Vec<u8> {
    let max = ((1u32 << p.bits) - 1) as f32;
    let scale = (1u32 << (p.bits - 8)) as f32;
    let (y0, yr, cr) = if p.full_range {
        (0.0, max, max)
    } else {
        (16.0 * scale, 219.0 * scale, 224.0 * scale)
    };
    let mid = (1u32 << (p.bits - 1)) as f32;
    let (kr, kb) = luma_weights(p.matrix);
    let kg = 1.0 - kr - kb;
    let cw = (p.width + p.shift.0) >> p.shift.0;
    let to8 = |v: f32| (v.clamp(0.0, 1.0) * 255.0 + 0.5) as u8;
    let mut out = Vec::with_capacity(p.width * p.height * 4);
    for row in 0..p.height {
        for col in 0..p.width {
            let y = (f32::from(p.y[row * p.width + col]) - y0) / yr;
            if p.monochrome {
                let g = to8(y);
                out.extend_from_slice(&[g, g, g, 255]);
                continue;
            }
            let ci = (row >> p.shift.1) * cw + (col >> p.shift.0);
            let (u_raw, v_raw) = (f32::from(p.u[ci]), f32::from(p.v[ci]));
            let (r, g, b) = if p.matrix == 0 {
                // Identity: the planes are G, B and R, scaled as luma is.
                ((v_raw - y0) / yr, y, (u_raw - y0) / yr)
            } else {
                let u = (u_raw - mid) / cr;
                let v = (v_raw - mid) / cr;
                let r = y + 2.0 * (1.0 - kr) * v;
                let b = y + 2.0 * (1.0 - kb) * u;
                (r, (y - kr * r - kb * b) / kg, b)
            };
            out.extend_from_slice(&[to8(r), to8(g), to8(b), 255]);
        }
    }
    out
}

/// Decodes the pixels of a parsed AVIF to straight-alpha RGBA (before its
/// rotation, mirroring and colour conversion, which the caller applies).
pub fn decode_pixels(avif: &Avif<'_>, max_px: u64) -> Result<RgbaImage, String> {
    let color = decode_av1(&avif.color, max_px)?;
    let mut rgba = to_rgba(&color);
    if let Some(alpha) = &avif.alpha {
        let a = decode_av1(alpha, max_px)?;
        if (a.width, a.height) != (color.width, color.height) {
            return Err("its alpha plane has another size than the picture".to_owned());
        }
        let max = ((1u32 << a.bits) - 1) as f32;
        let scale = (1u32 << (a.bits - 8)) as f32;
        for (px, &v) in rgba.chunks_exact_mut(4).zip(&a.y) {
            let f = if a.full_range {
                f32::from(v) / max
            } else {
                (f32::from(v) - 16.0 * scale) / (219.0 * scale)
            };
            let alpha = (f.clamp(0.0, 1.0) * 255.0 + 0.5) as u8;
            px[3] = alpha;
            if avif.premultiplied && alpha > 0 {
                let a = u32::from(alpha);
                for c in &mut px[..3] {
                    *c = ((u32::from(*c) * 255 + a / 2) / a).min(255) as u8;
                }
            }
        }
    }
    RgbaImage::from_pixels(color.width as u32, color.height as u32, rgba).map_err(|e| e.to_string())
}
