//! AVIF in the browser: rav1d, the pure-Rust AV1 decoder of the desktop
//! build, does not build for wasm32, so the page hands AVIF files to the
//! browser's own decoder (`createImageBitmap`, which also applies the
//! file's rotation, mirroring and colour profile, drawing in sRGB) and reads
//! the pixels back from a canvas. The container's EXIF and XMP are read in
//! Rust ([`crate::io::heif`]) as on the desktop.

use wasm_bindgen::JsCast as _;

use crate::autosave::SourceRef;
use crate::io::heif;
use crate::tasks::TaskResult;

async fn browser_rgba(bytes: &[u8]) -> Result<(u32, u32, Vec<u8>), String> {
    let fail = |what: &str| format!("the browser could not decode this AVIF file ({what})");
    let array = js_sys::Uint8Array::new_with_length(bytes.len() as u32);
    array.copy_from(bytes);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("image/avif");
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(
        &js_sys::Array::of1(&array),
        &options,
    )
    .map_err(|_| fail("no Blob"))?;
    let window = web_sys::window().ok_or_else(|| fail("no window"))?;
    let bitmap_options = web_sys::ImageBitmapOptions::new();
    bitmap_options.set_premultiply_alpha(web_sys::PremultiplyAlpha::None);
    bitmap_options.set_color_space_conversion(web_sys::ColorSpaceConversion::Default);
    let promise = window
        .create_image_bitmap_with_blob_and_image_bitmap_options(&blob, &bitmap_options)
        .map_err(|_| fail("createImageBitmap"))?;
    let bitmap: web_sys::ImageBitmap = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(|_| fail("it may be damaged, or this browser does not read AVIF"))?
        .unchecked_into();
    let (w, h) = (bitmap.width(), bitmap.height());
    let canvas = web_sys::OffscreenCanvas::new(w, h).map_err(|_| fail("no canvas"))?;
    let ctx: web_sys::OffscreenCanvasRenderingContext2d = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .ok_or_else(|| fail("no 2D context"))?
        .unchecked_into();
    ctx.draw_image_with_image_bitmap(&bitmap, 0.0, 0.0)
        .map_err(|_| fail("drawImage"))?;
    bitmap.close();
    let data = ctx
        .get_image_data(0.0, 0.0, f64::from(w), f64::from(h))
        .map_err(|_| fail("getImageData"))?;
    Ok((w, h, data.data().0))
}

/// Decodes an AVIF file through the browser, within `budget` bytes.
pub async fn decode_avif(bytes: Vec<u8>, name: String, budget: u64) -> TaskResult {
    let Some(avif) = heif::parse(&bytes) else {
        return TaskResult::Failed(format!("{name}: not a valid AVIF file"));
    };
    if let Some((w, h)) = avif.size
        && let crate::governor::OpenPlan::Downscale { needed, .. } =
            crate::governor::plan_open(w, h, budget)
    {
        return TaskResult::Failed(format!(
            "{name}: {w}x{h} needs about {} MB, more than this page may use",
            needed >> 20
        ));
    }
    let (w, h, rgba) = match browser_rgba(&bytes).await {
        Ok(p) => p,
        Err(e) => return TaskResult::Failed(format!("{name}: {e}")),
    };
    let image = match lumen_kernels::RgbaImage::from_pixels(w, h, rgba) {
        Ok(i) => i,
        Err(e) => return TaskResult::Failed(format!("{name}: {e}")),
    };
    let metadata = crate::io::Metadata {
        exif: avif.exif.clone().and_then(crate::metadata::normalize_exif),
        xmp: avif.xmp.clone(),
        ..crate::io::Metadata::default()
    };
    TaskResult::Loaded {
        image,
        metadata,
        name,
        source: SourceRef::Stored,
        keep: Some(bytes),
    }
}
