//! Slow, obviously correct implementations of every filter, one whole image
//! at a time. The fast ops in [`crate::ops`] are tested against these; they
//! are public so that other crates' tests can use them too.

pub mod blur;
pub mod geometry;
pub mod geometry2;
pub mod heal;
pub mod mask;
pub mod neighbour;
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
        FilterSpec::Levels(p) => tone::levels(p, src),
        FilterSpec::Curves(p) => tone::curves(p, src),
        FilterSpec::Vibrance(p) => tone::vibrance(p, src),
        FilterSpec::TemperatureTint(p) => tone::temperature_tint(p, src),
        FilterSpec::ChannelMixer(p) => tone::channel_mixer(p, src),
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
        FilterSpec::Resize(p) => geometry::resize(&p.resolved(src.width(), src.height()), src),
        FilterSpec::RotateAngle(p) => geometry2::rotate_angle(p, src),
        FilterSpec::CanvasSize(p) => geometry2::canvas_size(p, src),
        FilterSpec::Pixelate(p) => stylize::pixelate(p, src),
        FilterSpec::Vignette(p) => stylize::vignette(p, src),
        FilterSpec::Noise(p) => stylize::noise(p, src),
        FilterSpec::Heal(p) => heal::heal(p, src),
    })
}
