use lumen_kernels::reference;
use lumen_kernels::spec::GaussianBlurParams;
use lumen_kernels::{FilterSpec, RgbaImage};
fn from_fn(w: u32, h: u32, f: impl Fn(u32, u32) -> [u8; 4]) -> RgbaImage {
    let mut px = Vec::new();
    for y in 0..h { for x in 0..w { px.extend_from_slice(&f(x, y)); } }
    RgbaImage::from_pixels(w, h, px).unwrap()
}
#[test]
fn diag() {
    for sigma in [1.0f32, 1.3, 1.6, 1.99, 2.0, 2.3, 2.5, 2.9, 2.99, 3.0, 3.3, 3.7, 5.0, 7.3, 10.0, 17.0, 25.0, 40.0] {
        let spec = FilterSpec::GaussianBlur(GaussianBlurParams { sigma_px: sigma });
        let len = (12.0 * sigma).ceil() as u32 + 8;
        let grey = |v: u8| [v, v, v, 255];
        let step_x = from_fn(len, 1, |x, _| grey(if x < len / 2 { 0 } else { 255 }));
        let side = (8.0 * sigma).ceil() as u32 + 5;
        let imp = from_fn(side, side.min(60), |x, y| grey(if x == side / 2 && y == side.min(60) / 2 { 255 } else { 0 }));
        let mut line = format!("sigma {sigma:5}: halo {:4}", lumen_kernels::ops::blur::gaussian_halo_px(sigma));
        for img in [&step_x, &imp] {
            let got = spec.apply(img).unwrap();
            let ex = reference::blur::gaussian_blur_premultiplied(f64::from(sigma), img);
            let mut worst: f64 = 0.0;
            for (g, e) in got.pixels().chunks_exact(4).zip(&ex) {
                worst = worst.max((f64::from(g[0]) - e[0]).abs());
            }
            line += &format!("  err {worst:.3}");
        }
        println!("{line}");
    }
}
