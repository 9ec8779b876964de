//! The benchmarked filters and the frame size, shared by the criterion
//! bench (`benches/kernels.rs`) and the example that prints their band
//! plans (`examples/bench_plan.rs`).

use lumen_kernels::FilterSpec;
use lumen_kernels::spec::{
    BoxBlurParams, BrightnessContrastParams, CropParams, DenoiseParams, ExposureParams, FlipAxis,
    FlipParams, GammaParams, GaussianBlurParams, HslParams, MedianParams, MotionBlurParams,
    ResizeMethod, ResizeParams, RotateParams, UnsharpMaskParams,
};

/// Width of the benchmark frame, in pixels.
pub const WIDTH: u32 = 3840;
/// Height of the benchmark frame, in pixels.
pub const HEIGHT: u32 = 2160;

fn named(name: &str) -> FilterSpec {
    FilterSpec::from_name(name).unwrap_or_else(|| panic!("unknown filter {name}"))
}

/// The benchmarked filters, with their row labels in BENCHMARKS.md.
pub fn cases() -> Vec<(&'static str, FilterSpec)> {
    let mut cases = point_and_geometry_cases();
    cases.extend(neighbour_cases());
    cases
}

/// Neighbourhood filters: small and large radii (the median and the box
/// blur change method with the radius).
fn neighbour_cases() -> Vec<(&'static str, FilterSpec)> {
    vec![
        ("sobel", named("sobel")),
        ("emboss", named("emboss")),
        ("convolve", named("convolve")),
        (
            "median_r10",
            FilterSpec::Median(MedianParams { radius_px: 10 }),
        ),
        (
            "median_r100",
            FilterSpec::Median(MedianParams { radius_px: 100 }),
        ),
        (
            "box_blur_r10",
            FilterSpec::BoxBlur(BoxBlurParams { radius_px: 10 }),
        ),
        (
            "box_blur_r200",
            FilterSpec::BoxBlur(BoxBlurParams { radius_px: 200 }),
        ),
        (
            "motion_blur_15px",
            FilterSpec::MotionBlur(MotionBlurParams {
                length_px: 15.0,
                angle_deg: 30.0,
            }),
        ),
        (
            "denoise_r3",
            FilterSpec::Denoise(DenoiseParams {
                strength: 0.3,
                radius_px: 3,
            }),
        ),
    ]
}

/// Point operations and geometry.
fn point_and_geometry_cases() -> Vec<(&'static str, FilterSpec)> {
    let resize = |method| {
        FilterSpec::Resize(ResizeParams {
            width: WIDTH / 2,
            height: HEIGHT / 2,
            method,
            linear_light: false,
        })
    };
    vec![
        ("invert", named("invert")),
        ("grayscale", named("grayscale")),
        // Non-neutral parameters: neutral ones may take copy shortcuts.
        (
            "brightness_contrast",
            FilterSpec::BrightnessContrast(BrightnessContrastParams {
                brightness: 0.1,
                contrast: 0.2,
            }),
        ),
        (
            "exposure",
            FilterSpec::Exposure(ExposureParams { stops: 0.5 }),
        ),
        ("gamma", FilterSpec::Gamma(GammaParams { gamma: 1.8 })),
        (
            "hsl",
            FilterSpec::Hsl(HslParams {
                hue_deg: 30.0,
                saturation: 0.2,
                lightness: 0.1,
            }),
        ),
        // The tone filters' defaults are all non-neutral.
        ("levels", named("levels")),
        ("curves", named("curves")),
        ("vibrance", named("vibrance")),
        ("temperature_tint", named("temperature_tint")),
        ("channel_mixer", named("channel_mixer")),
        ("black_white", named("black_white")),
        ("sepia", named("sepia")),
        ("posterize", named("posterize")),
        ("threshold", named("threshold")),
        (
            "gaussian_blur_sigma3",
            FilterSpec::GaussianBlur(GaussianBlurParams { sigma_px: 3.0 }),
        ),
        (
            "gaussian_blur_sigma25",
            FilterSpec::GaussianBlur(GaussianBlurParams { sigma_px: 25.0 }),
        ),
        (
            "unsharp_mask",
            FilterSpec::UnsharpMask(UnsharpMaskParams::default()),
        ),
        (
            "rotate_1",
            FilterSpec::Rotate(RotateParams { quarter_turns: 1 }),
        ),
        (
            "flip_horizontal",
            FilterSpec::Flip(FlipParams {
                axis: FlipAxis::Horizontal,
            }),
        ),
        (
            "crop_half",
            FilterSpec::Crop(CropParams {
                x: WIDTH / 4,
                y: HEIGHT / 4,
                width: WIDTH / 2,
                height: HEIGHT / 2,
            }),
        ),
        ("resize_half_bilinear", resize(ResizeMethod::Bilinear)),
        ("resize_half_lanczos3", resize(ResizeMethod::Lanczos3)),
    ]
}
