//! Slow, obviously correct implementations of every filter, one whole image
//! at a time. The fast ops in [`crate::ops`] are tested against these; they
//! are public so that other crates' tests can use them too.

pub mod blur;
pub mod geometry;
pub mod geometry2;
pub mod local;
pub mod neighbour;
pub mod photo;
pub mod point;
pub mod stylize;
pub mod tone;

use crate::error::Result;
use crate::image::RgbaImage;
use crate::spec::FilterSpec;
use crate::spec::crop_rect;

/// Runs the reference implementation of `spec` on `src`.
pub fn apply(spec: &FilterSpec, src: &RgbaImage) -> Result<RgbaImage> {
    spec.validate()?;
    Ok(match spec {
        FilterSpec::Invert(_) => point::invert(src),
        FilterSpec::Grayscale(_) => point::grayscale(src),
        FilterSpec::BrightnessContrast(p) => point::brightness_contrast(p, src),
        FilterSpec::Exposure(p) => point::exposure(p, src),
        FilterSpec::Gamma(p) => point::gamma(p, src),
        FilterSpec::Hsl(p) => point::hsl(p, src),
        FilterSpec::HslMixer(p) => photo::hsl_mixer(p, src),
        FilterSpec::Levels(p) => tone::levels(p, src),
        FilterSpec::Curves(p) => tone::curves(p, src),
        FilterSpec::ShadowsHighlights(p) => local::shadows_highlights(p, src),
        FilterSpec::Clarity(p) => local::clarity(p, src),
        FilterSpec::Dehaze(p) => local::dehaze(p, src),
        FilterSpec::Vibrance(p) => tone::vibrance(p, src),
        FilterSpec::TemperatureTint(p) => tone::temperature_tint(p, src),
        FilterSpec::ChannelMixer(p) => tone::channel_mixer(p, src),
        FilterSpec::Lut3d(p) => photo::lut3d(p, src),
        FilterSpec::BlackWhite(p) => tone::black_white(p, src),
        FilterSpec::Sepia(p) => tone::sepia(p, src),
        FilterSpec::Posterize(p) => tone::posterize(p, src),
        FilterSpec::Threshold(p) => tone::threshold(p, src),
        FilterSpec::GaussianBlur(p) => blur::gaussian_blur(p, src),
        FilterSpec::UnsharpMask(p) => blur::unsharp_mask(p, src),
        FilterSpec::BoxBlur(p) => neighbour::box_blur(p, src),
        FilterSpec::MotionBlur(p) => neighbour::motion_blur(p, src),
        FilterSpec::Median(p) => neighbour::median(p, src),
        FilterSpec::Denoise(p) => neighbour::denoise(p, src),
        FilterSpec::Sobel(p) => neighbour::sobel(p, src),
        FilterSpec::Emboss(p) => neighbour::emboss(p, src),
        FilterSpec::Convolve(p) => neighbour::convolve(p, src),
        FilterSpec::Rotate(p) => geometry::rotate(p, src),
        FilterSpec::Flip(p) => geometry::flip(p, src),
        FilterSpec::Crop(p) => geometry::crop(crop_rect(p, src.width(), src.height())?, src),
        FilterSpec::Resize(p) => geometry::resize(p, src),
        FilterSpec::RotateAngle(p) => geometry2::rotate_angle(p, src),
        FilterSpec::CanvasSize(p) => geometry2::canvas_size(p, src),
        FilterSpec::Pixelate(p) => stylize::pixelate(p, src),
        FilterSpec::Vignette(p) => stylize::vignette(p, src),
        FilterSpec::Noise(p) => stylize::noise(p, src),
    })
}

/// The reference of `spec` on one pixel's R, G, B levels, unrounded, for
/// the per-pixel filters that fuse ([`crate::PreparedStep::fuse`]); `None`
/// for every other filter.
pub fn point_px(spec: &FilterSpec, rgb: [f64; 3]) -> Option<[f64; 3]> {
    Some(match spec {
        FilterSpec::Invert(_) => point::invert_px(rgb),
        FilterSpec::Grayscale(_) => point::grayscale_px(rgb),
        FilterSpec::BrightnessContrast(p) => point::brightness_contrast_px(p, rgb),
        FilterSpec::Exposure(p) => point::exposure_px(p, rgb),
        FilterSpec::Gamma(p) => point::gamma_px(p, rgb),
        FilterSpec::Hsl(p) => point::hsl_px(p, rgb),
        FilterSpec::Levels(p) => tone::levels_px(p, rgb),
        FilterSpec::Curves(p) => tone::curves_px(p, rgb),
        FilterSpec::Vibrance(p) => tone::vibrance_px(p, rgb),
        FilterSpec::TemperatureTint(p) => tone::temperature_tint_px(p, rgb),
        FilterSpec::ChannelMixer(p) => tone::channel_mixer_px(p, rgb),
        FilterSpec::BlackWhite(p) => tone::black_white_px(p, rgb),
        FilterSpec::Sepia(p) => tone::sepia_px(p, rgb),
        FilterSpec::Posterize(p) => tone::posterize_px(p, rgb),
        FilterSpec::Threshold(p) => tone::threshold_px(p, rgb),
        _ => return None,
    })
}

/// The reference of a run of per-pixel filters fused into one pass: each
/// pixel's levels go through every step's `f64` formula in turn, clamped
/// to `0..=255` between steps but never rounded, and are rounded (half
/// away from zero) once at the end. `None` if a step is not a per-pixel
/// filter ([`point_px`]).
pub fn fused_points(steps: &[FilterSpec], src: &RgbaImage) -> Option<RgbaImage> {
    let mut out = src.clone();
    for px in out.pixels_mut().chunks_exact_mut(4) {
        let mut rgb = [px[0], px[1], px[2]].map(f64::from);
        for step in steps {
            rgb = point_px(step, rgb)?.map(|v| v.clamp(0.0, 255.0));
        }
        for (c, v) in px.iter_mut().zip(rgb) {
            *c = v.round().clamp(0.0, 255.0) as u8;
        }
    }
    Some(out)
}
