//! Tiled rendering is bit-identical to whole-image rendering, for every
//! filter, on awkward sizes, with any thread count, and when each band is
//! rendered from a copy holding only the source rows it needs (the way web
//! workers run).

#![allow(clippy::unwrap_used)] // test helpers, not #[test] fns, unwrap too

use std::ops::Range;

use lumen_kernels::ops::clarity::ClarityParams;
use lumen_kernels::ops::cube::CubeLut;
use lumen_kernels::ops::dehaze::DehazeParams;
use lumen_kernels::ops::lut3d::{Lut3dParams, LutInterpolation};
use lumen_kernels::ops::shadows_highlights::ShadowsHighlightsParams;
use lumen_kernels::spec::{
    Anchor, BlackWhiteParams, BoxBlurParams, BrightnessContrastParams, CanvasSizeParams,
    ChannelMixerParams, ConvolveParams, CropParams, CurvesParams, DenoiseParams, EmbossParams,
    ExposureParams, FILTER_NAMES, FlipAxis, FlipParams, GammaParams, GaussianBlurParams, HslParams,
    LevelsParams, MedianParams, MotionBlurParams, NoiseParams, PixelateParams, PosterizeParams,
    ResizeMethod, ResizeParams, RotateAngleParams, RotateParams, SepiaParams, SobelParams,
    TemperatureTintParams, ThresholdParams, UnsharpMaskParams, VibranceParams, VignetteParams,
};
use lumen_kernels::{FilterSpec, RgbaImage, SourceBand};
use lumen_worker::scheduler::even_bands;
use lumen_worker::{JobControl, plan_bands, render_steps, run_band};

mod common;
use common::noise;

/// Sizes with one row, one column, odd shapes, and (31x17, 40x100 with
/// sigma 20) bands thinner than the blur halo.
const SIZES: [(u32, u32); 8] = [
    (1, 1),
    (1, 9),
    (9, 1),
    (13, 7),
    (31, 17),
    (64, 3),
    (40, 100),
    (7, 64),
];

const THREADS: [usize; 4] = [1, 2, 3, 8];

/// Every filter with default and a few non-default parameters, sized for a
/// `w` x `h` source.
fn specs_for(w: u32, h: u32) -> Vec<FilterSpec> {
    let mut specs: Vec<FilterSpec> = FILTER_NAMES
        .iter()
        .map(|name| FilterSpec::from_name(name).unwrap())
        .collect();
    specs.extend(tone_specs());
    specs.extend(neighbour_specs());
    specs.extend(geometry_specs(w, h));
    specs.extend(position_specs());
    specs
}

/// Per-pixel adjustments at non-default and extreme parameters.
fn tone_specs() -> Vec<FilterSpec> {
    vec![
        FilterSpec::BrightnessContrast(BrightnessContrastParams {
            brightness: 0.2,
            contrast: -0.4,
        }),
        FilterSpec::BrightnessContrast(BrightnessContrastParams {
            brightness: -0.7,
            contrast: 0.9,
        }),
        FilterSpec::Exposure(ExposureParams { stops: 1.5 }),
        FilterSpec::Exposure(ExposureParams { stops: -3.0 }),
        FilterSpec::Gamma(GammaParams { gamma: 2.2 }),
        FilterSpec::Gamma(GammaParams { gamma: 0.45 }),
        FilterSpec::Hsl(HslParams {
            hue_deg: 120.0,
            saturation: 0.5,
            lightness: -0.2,
        }),
        FilterSpec::Hsl(HslParams {
            hue_deg: -45.0,
            saturation: -1.0,
            lightness: 0.3,
        }),
        FilterSpec::Levels(LevelsParams {
            black: 40,
            white: 41,
            gamma: 0.3,
            out_black: 250,
            out_white: 5,
        }),
        FilterSpec::Levels(LevelsParams::IDENTITY),
        FilterSpec::Curves(CurvesParams {
            rgb: vec![[0.1, 0.9], [0.5, 0.2], [0.9, 0.8]],
            red: vec![[0.0, 1.0], [1.0, 0.0]],
            green: vec![[0.2, 0.0], [0.3, 1.0]],
            blue: vec![[0.0, 0.3], [0.4, 0.35], [0.6, 0.9], [1.0, 0.95]],
        }),
        FilterSpec::ShadowsHighlights(ShadowsHighlightsParams {
            shadows: 1.0,
            highlights: -1.0,
            radius_px: 2.0,
        }),
        FilterSpec::Clarity(ClarityParams {
            amount: -0.7,
            radius_px: 6.0,
        }),
        FilterSpec::Dehaze(DehazeParams {
            amount: 1.0,
            radius_px: 3.0,
        }),
        FilterSpec::Vibrance(VibranceParams { amount: -1.0 }),
        FilterSpec::Vibrance(VibranceParams { amount: 1.0 }),
        FilterSpec::TemperatureTint(TemperatureTintParams {
            temperature: -0.8,
            tint: 0.6,
        }),
        FilterSpec::ChannelMixer(ChannelMixerParams {
            red: [2.0, -1.5, 0.3],
            green: [-2.0, 2.0, 1.0],
            blue: [0.1, 0.2, -0.3],
            offset: [-40.0, 12.5, 255.0],
        }),
        // The default table is the identity: a curved one.
        FilterSpec::Lut3d(Lut3dParams {
            lut: CubeLut {
                size: 3,
                table: (0..81).map(|i| ((i * 37) % 11) as f32 / 10.0).collect(),
                ..CubeLut::identity(3)
            },
            interpolation: LutInterpolation::Trilinear,
            amount: 0.7,
        }),
        FilterSpec::BlackWhite(BlackWhiteParams {
            red: 1.5,
            green: -0.5,
            blue: 0.7,
        }),
        FilterSpec::Sepia(SepiaParams { amount: 0.35 }),
        FilterSpec::Posterize(PosterizeParams { levels: 2 }),
        FilterSpec::Posterize(PosterizeParams { levels: 7 }),
        FilterSpec::Threshold(ThresholdParams { level: 0 }),
        FilterSpec::Threshold(ThresholdParams { level: 200 }),
    ]
}

/// Neighbourhood filters, radii from zero to larger than small images.
fn neighbour_specs() -> Vec<FilterSpec> {
    vec![
        FilterSpec::GaussianBlur(GaussianBlurParams { sigma_px: 0.0 }),
        FilterSpec::GaussianBlur(GaussianBlurParams { sigma_px: 0.5 }),
        FilterSpec::GaussianBlur(GaussianBlurParams { sigma_px: 3.0 }),
        FilterSpec::GaussianBlur(GaussianBlurParams { sigma_px: 20.0 }),
        FilterSpec::UnsharpMask(UnsharpMaskParams {
            sigma_px: 1.5,
            amount: 2.0,
            threshold: 4.0,
        }),
        FilterSpec::UnsharpMask(UnsharpMaskParams {
            sigma_px: 6.0,
            amount: 0.5,
            threshold: 0.0,
        }),
        FilterSpec::BoxBlur(BoxBlurParams { radius_px: 0 }),
        FilterSpec::BoxBlur(BoxBlurParams { radius_px: 1 }),
        FilterSpec::BoxBlur(BoxBlurParams { radius_px: 25 }),
        FilterSpec::MotionBlur(MotionBlurParams {
            length_px: 12.5,
            angle_deg: 90.0,
        }),
        FilterSpec::MotionBlur(MotionBlurParams {
            length_px: 40.0,
            angle_deg: -33.0,
        }),
        FilterSpec::MotionBlur(MotionBlurParams {
            length_px: 3.0,
            angle_deg: 180.0,
        }),
        FilterSpec::Median(MedianParams { radius_px: 1 }),
        FilterSpec::Median(MedianParams { radius_px: 9 }),
        FilterSpec::Median(MedianParams { radius_px: 20 }),
        FilterSpec::Denoise(DenoiseParams {
            strength: 1.0,
            radius_px: 1,
        }),
        FilterSpec::Denoise(DenoiseParams {
            strength: 0.1,
            radius_px: 6,
        }),
        FilterSpec::Sobel(SobelParams { scale: 3.7 }),
        FilterSpec::Emboss(EmbossParams {
            angle_deg: -100.0,
            strength: 6.0,
        }),
        FilterSpec::Convolve(ConvolveParams {
            kernel: (0..25).map(|i| (i % 7) as f32 - 3.0).collect(),
            divisor: 0.0,
            bias: 20.0,
        }),
        FilterSpec::Convolve(ConvolveParams {
            kernel: vec![-1.0, -1.0, -1.0, -1.0, 8.0, -1.0, -1.0, -1.0, -1.0],
            divisor: 2.5,
            bias: -10.0,
        }),
    ]
}

/// Geometry sized for a `w` x `h` source: flips, crops inside and past
/// the edges, every rotation, resizes up and down, canvas sizes.
fn geometry_specs(w: u32, h: u32) -> Vec<FilterSpec> {
    let mut specs = vec![
        FilterSpec::Flip(FlipParams {
            axis: FlipAxis::Horizontal,
        }),
        FilterSpec::Flip(FlipParams {
            axis: FlipAxis::Vertical,
        }),
        // Inside the image.
        FilterSpec::Crop(CropParams {
            x: w / 4,
            y: h / 4,
            width: (w / 2).max(1),
            height: (h / 2).max(1),
        }),
        // Reaching past the bottom-right corner: clipped.
        FilterSpec::Crop(CropParams {
            x: w / 2,
            y: h / 2,
            width: w + 5,
            height: h + 5,
        }),
    ];
    for quarter_turns in 0..=3 {
        specs.push(FilterSpec::Rotate(RotateParams { quarter_turns }));
    }
    for method in [
        ResizeMethod::Nearest,
        ResizeMethod::Bilinear,
        ResizeMethod::Box,
        ResizeMethod::CatmullRom,
        ResizeMethod::Mitchell,
        ResizeMethod::Lanczos3,
    ] {
        for (width, height) in [
            (w * 2 + 1, h * 3 / 2 + 1),
            ((w / 3).max(1), (h / 2).max(1)),
            (w + 3, (h / 3).max(1)),
            (1, 1),
        ] {
            for linear_light in [false, true] {
                specs.push(FilterSpec::Resize(ResizeParams {
                    width,
                    height,
                    method,
                    linear_light,
                }));
            }
        }
    }
    for angle_deg in [0.0, 90.0, -33.5, 45.0, 181.25, 359.9] {
        for expand in [true, false] {
            specs.push(FilterSpec::RotateAngle(RotateAngleParams {
                angle_deg,
                expand,
            }));
        }
    }
    for (width, height, anchor) in [
        (w + 7, h + 4, Anchor::Center),
        (w * 2 + 1, (h / 2).max(1), Anchor::BottomRight),
        ((w / 2).max(1), h + 3, Anchor::Top),
        ((w / 3).max(1), (h / 3).max(1), Anchor::Left),
        (w, h, Anchor::TopLeft),
    ] {
        specs.push(FilterSpec::CanvasSize(CanvasSizeParams {
            width,
            height,
            anchor,
            fill: [10, 200, 30, 128],
        }));
    }
    specs
}

/// Position-dependent effects: pixelate, vignette, seeded noise.
fn position_specs() -> Vec<FilterSpec> {
    let mut specs = Vec::new();
    for block_px in [1, 2, 3, 7, 16, 1000] {
        specs.push(FilterSpec::Pixelate(PixelateParams { block_px }));
    }
    for (amount, radius, softness) in [(-1.0, 0.0, 1.0), (0.7, 0.3, 0.2), (-0.4, 0.5, 0.0)] {
        specs.push(FilterSpec::Vignette(VignetteParams {
            amount,
            radius,
            softness,
        }));
    }
    for (amount, seed, monochrome) in [(1.0, 7, false), (0.35, u32::MAX, true)] {
        specs.push(FilterSpec::Noise(NoiseParams {
            amount,
            seed,
            monochrome,
        }));
    }
    specs
}

/// Renders `spec` band by band, each band from a copy holding only the
/// source rows [`FilterSpec::source_rows`] names.
fn render_from_copied_bands(spec: &FilterSpec, img: &RgbaImage, bands: &[Range<u32>]) -> Vec<u8> {
    let (w, h) = (img.width(), img.height());
    let (ow, _) = spec.output_size(w, h).unwrap();
    let mut out = Vec::new();
    for rows in bands {
        let need = spec.source_rows(w, h, rows.clone());
        let copy = img.rows_copy(need.clone());
        let band = SourceBand::new(w, h, need.start, &copy).unwrap();
        let mut dst = vec![0_u8; rows.len() * ow as usize * 4];
        run_band(spec, &band, rows.clone(), &mut dst).unwrap_or_else(|e| {
            panic!("{spec:?} on {w}x{h}, band {rows:?} from rows {need:?}: {e}")
        });
        out.extend_from_slice(&dst);
    }
    out
}

#[test]
fn threaded_render_matches_whole_image() {
    let mut failures = Vec::new();
    for (i, &(w, h)) in SIZES.iter().enumerate() {
        let img = noise(w, h, i as u32 + 1);
        for spec in specs_for(w, h) {
            let expected = spec.apply(&img).unwrap();
            for threads in THREADS {
                let got = render_steps(
                    &img,
                    std::slice::from_ref(&spec),
                    threads,
                    &JobControl::new(),
                    &|_| {},
                )
                .unwrap_or_else(|e| panic!("{spec:?} on {w}x{h}, {threads} threads: {e}"));
                assert_eq!(got.len(), 1);
                if got[0].as_ref() != Some(&expected) {
                    failures.push(format!("{spec:?} on {w}x{h} with {threads} threads"));
                }
            }
        }
    }
    assert_no_mismatches(&failures);
}

#[test]
fn copied_bands_match_whole_image() {
    let mut failures = Vec::new();
    for (i, &(w, h)) in SIZES.iter().enumerate() {
        let img = noise(w, h, 100 + i as u32);
        for spec in specs_for(w, h) {
            let expected = spec.apply(&img).unwrap();
            let (_, oh) = spec.output_size(w, h).unwrap();
            let mut plans: Vec<Vec<Range<u32>>> = THREADS
                .iter()
                .map(|&t| plan_bands(&spec, w, h, t))
                .collect();
            // One row per band: the thinnest bands there are.
            plans.push(even_bands(oh, oh as usize));
            plans.push(even_bands(oh, 2));
            for bands in plans {
                let got = render_from_copied_bands(&spec, &img, &bands);
                if got != expected.pixels() {
                    failures.push(format!("{spec:?} on {w}x{h} with {} bands", bands.len()));
                }
            }
        }
    }
    assert_no_mismatches(&failures);
}

#[test]
fn pipelines_match_step_by_step_application() {
    let img = noise(37, 23, 7);
    let steps = [
        FilterSpec::GaussianBlur(GaussianBlurParams { sigma_px: 2.0 }),
        FilterSpec::Rotate(RotateParams { quarter_turns: 1 }),
        FilterSpec::Crop(CropParams {
            x: 3,
            y: 5,
            width: 15,
            height: 0,
        }),
        FilterSpec::Resize(ResizeParams {
            width: 50,
            height: 11,
            method: ResizeMethod::Lanczos3,
            linear_light: true,
        }),
        FilterSpec::Hsl(HslParams {
            hue_deg: 30.0,
            saturation: 0.2,
            lightness: 0.0,
        }),
    ];
    let mut expected = Vec::new();
    let mut cur = img.clone();
    for spec in &steps {
        cur = spec.apply(&cur).unwrap();
        expected.push(cur.clone());
    }
    for threads in THREADS {
        let got = render_steps(&img, &steps, threads, &JobControl::new(), &|_| {}).unwrap();
        let want: Vec<Option<RgbaImage>> = expected.iter().cloned().map(Some).collect();
        assert_eq!(got, want, "{threads} threads");
    }
}

#[test]
fn invalid_params_fail_naming_the_filter() {
    let img = noise(8, 8, 3);
    let steps = [
        FilterSpec::from_name("invert").unwrap(),
        FilterSpec::Gamma(GammaParams { gamma: f32::NAN }),
    ];
    let err = render_steps(&img, &steps, 2, &JobControl::new(), &|_| {}).unwrap_err();
    match err {
        lumen_worker::StepError::Failed {
            step,
            filter,
            message,
        } => {
            assert_eq!(step, 1);
            assert_eq!(filter, "gamma");
            assert!(message.starts_with("gamma:"), "{message}");
        }
        other => panic!("expected a failure, got {other:?}"),
    }
    // A crop entirely outside the image is refused, not a panic.
    let outside = FilterSpec::Crop(CropParams {
        x: 8,
        y: 0,
        width: 1,
        height: 1,
    });
    let err = render_steps(&img, &[outside], 2, &JobControl::new(), &|_| {}).unwrap_err();
    assert!(err.to_string().contains("crop"), "{err}");
}

/// Fails the test listing every mismatch found.
fn assert_no_mismatches(failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
