//! One-line descriptions of every filter, shown as tooltips in the palette
//! and on each step's title.

/// What a filter does, in a sentence, by stable name.
pub fn description_of(name: &str) -> &'static str {
    match name {
        "invert" => "Inverts red, green and blue (a negative); alpha is kept.",
        "grayscale" => "Replaces colour by its Rec. 709 luma.",
        "brightness_contrast" => "Shifts all levels, and spreads or squeezes them around mid-grey.",
        "exposure" => "Multiplies the light in linear space, in photographic stops.",
        "gamma" => "Brightens or darkens the mid-tones, keeping black and white.",
        "hsl" => "Rotates hues and shifts saturation and lightness.",
        "levels" => "Maps an input black and white point and a mid-tone gamma to an output range.",
        "curves" => "Reshapes tones with a curve per channel and one for all of them.",
        "vibrance" => "Saturates dull colours more than vivid ones.",
        "temperature_tint" => "White balance: cooler or warmer, greener or more magenta.",
        "channel_mixer" => "Makes each output channel a weighted mix of the source channels.",
        "black_white" => "Grey from chosen weights of red, green and blue.",
        "sepia" => "Blends toward an old-photograph brown tone.",
        "posterize" => "Reduces each channel to a few evenly spaced levels.",
        "threshold" => "Black or white by luma: pure two-tone.",
        "gaussian_blur" => "Smooth blur; its cost does not grow with the radius.",
        "box_blur" => "Average over a square; cost independent of the radius.",
        "motion_blur" => "Streaks along a direction, as if the camera moved.",
        "median" => "Median of a square window: removes speckles, keeps edges.",
        "denoise" => "Edge-preserving smoothing that averages only similar neighbours.",
        "unsharp_mask" => "Sharpens by adding back detail above a threshold.",
        "sobel" => "Edge strength (gradient magnitude) as a grey image.",
        "emboss" => "Relief effect lit from a chosen direction, around mid-grey.",
        "convolve" => "Your own 3x3 or 5x5 kernel, with divisor and bias.",
        "pixelate" => "Averages blocks of pixels into large squares.",
        "vignette" => "Darkens (or lightens) the image toward its corners.",
        "noise" => "Adds film grain, the same every time for a given seed.",
        "rotate" => "Rotates by quarter turns, losslessly.",
        "flip" => "Mirrors left-right or top-bottom.",
        "crop" => "Keeps a rectangle, with aspect presets.",
        "rotate_angle" => "Rotates by any angle, growing the canvas or keeping its size.",
        "canvas_size" => "Grows or shrinks the canvas around an anchor, filling new area.",
        "resize" => "Resamples to a new size with a choice of filter, optionally in linear light.",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_filter_has_a_description() {
        for name in lumen_kernels::spec::FILTER_NAMES {
            assert!(
                !description_of(name).is_empty(),
                "{name} has no description"
            );
        }
    }
}
