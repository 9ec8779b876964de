//! GPU textures of an image, as tiles no larger than the GPU's maximum
//! texture side (a 48 MP photo does not fit one texture), and the slot the
//! canvas keeps them in. Converting a large image into egui's texture
//! format takes tens of milliseconds (about 60 ms for 24 MP), so on the
//! desktop a large result is converted on a background thread while the
//! canvas goes on drawing the tiles it has (the preview of the same
//! geometry); the web app, without threads on its page, converts at once.

use std::ops::Range;
use std::sync::{Arc, mpsc};

use egui::{Color32, ColorImage, Pos2, Rect, TextureHandle, TextureOptions, Vec2};
use lumen_kernels::RgbaImage;

use crate::platform;

/// Images of at least this many pixels are converted in the background
/// (native): a 4 MP image converts in about 10 ms, under a frame.
pub const BACKGROUND_MIN_PIXELS: u64 = 4 << 20;

/// Side of the tiles made lazily, where a level is zoomed past: small enough
/// that a zoomed-in view uploads little more than it shows.
pub const LAZY_TILE_SIDE: usize = 1024;

/// The most pixels of full-resolution tiles made in one frame; the rest
/// come in the next frames (the level is drawn in their place meanwhile).
pub const TILE_PIXELS_PER_FRAME: usize = 2 * LAZY_TILE_SIDE * LAZY_TILE_SIDE;

/// The GPU textures of one image: a screen-sized level drawn while it has
/// pixels enough for the zoom, and tiles of the image itself, no larger
/// than the GPU's maximum texture side (a 48 MP photo does not fit one
/// texture). With a level the image's tiles are made only when a view
/// needs them, a few per frame; without one, all at once.
pub struct Tiles {
    /// The image uploaded.
    pub image: Arc<RgbaImage>,
    /// Full-resolution pixels per pixel of `image`.
    pub scale: f32,
    name: &'static str,
    level: Option<Level>,
    grid: Grid,
}

/// A screen-sized copy of the image, uploaded whole.
struct Level {
    image: Arc<RgbaImage>,
    /// Level pixels per full-resolution pixel, per axis.
    scale: Vec2,
    /// Each tile's rectangle in level pixels and its texture.
    tiles: Vec<(Rect, TextureHandle)>,
}

/// The image's own tiles, made at once or when first drawn.
struct Grid {
    side: usize,
    columns: usize,
    cells: Vec<Option<TextureHandle>>,
}

/// One textured rectangle for the canvas to draw.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Draw {
    /// Where, in full-resolution pixels of the image.
    pub rect: Rect,
    /// The texture.
    pub texture: egui::TextureId,
    /// The part of the texture drawn there.
    pub uv: Rect,
}

/// What a slot needs to make the tiles of an image.
#[derive(Clone)]
pub struct TileRequest<'a> {
    /// Names the textures (for egui's debugging).
    pub name: &'static str,
    /// The image.
    pub image: &'a Arc<RgbaImage>,
    /// Full-resolution pixels per pixel of `image`.
    pub scale: f32,
    /// A screen-sized copy of `image` (see [`crate::render::level`]).
    pub level: Option<&'a Arc<RgbaImage>>,
    /// The GPU's largest texture side.
    pub max_side: usize,
}

const TEXTURE_OPTIONS: TextureOptions = TextureOptions {
    magnification: egui::TextureFilter::Nearest,
    minification: egui::TextureFilter::Linear,
    wrap_mode: egui::TextureWrapMode::ClampToEdge,
    mipmap_mode: Some(egui::TextureFilter::Linear),
};

const WHOLE: Rect = Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0));

impl Tiles {
    /// Uploads the level of `request`, or without one all of its image,
    /// as textures named after its `name`.
    pub fn upload(ctx: &egui::Context, request: &TileRequest<'_>) -> Self {
        let image = request.image;
        let level = request.level.map(|level| Level {
            image: level.clone(),
            scale: Vec2::new(
                level.width() as f32 / image.width() as f32,
                level.height() as f32 / image.height() as f32,
            ) * request.scale,
            tiles: upload_all(ctx, request.name, level, request.max_side),
        });
        let side = if level.is_some() {
            LAZY_TILE_SIDE.min(request.max_side)
        } else {
            request.max_side
        }
        .clamp(256, 8192);
        let (w, h) = (image.width() as usize, image.height() as usize);
        let columns = w.div_ceil(side);
        let mut grid = Grid {
            side,
            columns,
            cells: vec![None; columns * h.div_ceil(side)],
        };
        if level.is_none() {
            for (i, cell) in grid.cells.iter_mut().enumerate() {
                *cell = Some(upload_cell(ctx, request.name, image, side, columns, i));
            }
        }
        Self {
            image: image.clone(),
            scale: request.scale,
            name: request.name,
            level,
            grid,
        }
    }

    /// Textures uploaded so far, and their pixels.
    pub fn uploaded(&self) -> (usize, usize) {
        let level = self.level.iter().flat_map(|l| &l.tiles).map(|(_, t)| t);
        let cells = self.grid.cells.iter().flatten();
        level
            .chain(cells)
            .fold((0, 0), |(n, px), t| (n + 1, px + t.size()[0] * t.size()[1]))
    }

    /// The textured rectangles that show `view` (full-resolution pixels)
    /// at `px_per_full` physical pixels per full-resolution pixel: the
    /// level while it has pixels enough, else the image's own tiles,
    /// making at most `budget_px` pixels of missing ones (the level's part
    /// is drawn in place of the rest). Also says whether tiles are still
    /// missing (then the caller repaints).
    pub fn draws(
        &mut self,
        ctx: &egui::Context,
        view: Rect,
        px_per_full: f32,
        mut budget_px: usize,
    ) -> (Vec<Draw>, bool) {
        let mut draws = Vec::new();
        if let Some(level) = &self.level
            && uses_level(level, px_per_full)
        {
            for (rect, tex) in &level.tiles {
                let full = divided(*rect, level.scale);
                if full.intersects(view) {
                    draws.push(Draw {
                        rect: full,
                        texture: tex.id(),
                        uv: WHOLE,
                    });
                }
            }
            return (draws, false);
        }
        let mut missing = false;
        let (w, h) = (self.image.width() as usize, self.image.height() as usize);
        for i in 0..self.grid.cells.len() {
            let own = cell_rect(self.grid.side, self.grid.columns, i, w, h);
            let full = divided(own, Vec2::splat(self.scale));
            if !full.intersects(view) {
                continue;
            }
            if self.grid.cells[i].is_none() && budget_px > 0 {
                let (side, columns) = (self.grid.side, self.grid.columns);
                let tex = upload_cell(ctx, self.name, &self.image, side, columns, i);
                budget_px = budget_px.saturating_sub(own.area() as usize);
                self.grid.cells[i] = Some(tex);
            }
            if let Some(tex) = &self.grid.cells[i] {
                draws.push(Draw {
                    rect: full,
                    texture: tex.id(),
                    uv: WHOLE,
                });
                continue;
            }
            missing = true;
            if let Some(level) = &self.level {
                draws.extend(level_part(level, full));
            }
        }
        (draws, missing)
    }

    /// Whether these tiles may be drawn in place of `image` shown at
    /// `scale`: both have the same full-resolution size, but for the
    /// rounding of a preview's size (one pixel of the coarser of the two).
    fn stands_in_for(&self, image: &RgbaImage, scale: f32) -> bool {
        let slack = 1.0 / self.scale.min(scale);
        (full_size(&self.image, self.scale) - full_size(image, scale))
            .abs()
            .max_elem()
            <= slack
    }
}

/// The full-resolution size of `image` shown at `scale`.
fn full_size(image: &RgbaImage, scale: f32) -> Vec2 {
    Vec2::new(image.width() as f32, image.height() as f32) / scale
}

/// `rect` with its corners divided by `by`, per axis.
fn divided(rect: Rect, by: Vec2) -> Rect {
    Rect::from_min_max(
        (rect.min.to_vec2() / by).to_pos2(),
        (rect.max.to_vec2() / by).to_pos2(),
    )
}

/// Whether `level` has pixels enough for `px_per_full` physical pixels
/// per full-resolution pixel.
fn uses_level(level: &Level, px_per_full: f32) -> bool {
    px_per_full <= level.scale.x.min(level.scale.y) * 1.001
}

/// The rectangle of cell `i` of a grid of `side`-pixel cells in `columns`
/// columns over a `w` x `h` image, in its pixels.
fn cell_rect(side: usize, columns: usize, i: usize, w: usize, h: usize) -> Rect {
    let (x, y) = ((i % columns) * side, (i / columns) * side);
    Rect::from_min_max(
        Pos2::new(x as f32, y as f32),
        Pos2::new((x + side).min(w) as f32, (y + side).min(h) as f32),
    )
}

/// Uploads cell `i` of the grid.
fn upload_cell(
    ctx: &egui::Context,
    name: &str,
    image: &RgbaImage,
    side: usize,
    columns: usize,
    i: usize,
) -> TextureHandle {
    let (w, h) = (image.width() as usize, image.height() as usize);
    let r = cell_rect(side, columns, i, w, h);
    let (xs, ys) = (
        r.min.x as usize..r.max.x as usize,
        r.min.y as usize..r.max.y as usize,
    );
    let name = format!("{name}-{}-{}", xs.start, ys.start);
    ctx.load_texture(name, color_image(image, xs, ys), TEXTURE_OPTIONS)
}

/// Uploads all of `image` in tiles of at most `max_side` pixels a side;
/// each tile's rectangle is in the image's pixels.
fn upload_all(
    ctx: &egui::Context,
    name: &str,
    image: &RgbaImage,
    max_side: usize,
) -> Vec<(Rect, TextureHandle)> {
    let side = max_side.clamp(256, 8192);
    let (w, h) = (image.width() as usize, image.height() as usize);
    let columns = w.div_ceil(side);
    (0..columns * h.div_ceil(side))
        .map(|i| {
            let tex = upload_cell(ctx, name, image, side, columns, i);
            (cell_rect(side, columns, i, w, h), tex)
        })
        .collect()
}

/// The parts of `level`'s tiles that cover `full` (full-resolution pixels).
fn level_part(level: &Level, full: Rect) -> impl Iterator<Item = Draw> + '_ {
    level.tiles.iter().filter_map(move |(rect, tex)| {
        let own = divided(*rect, level.scale);
        let part = own.intersect(full);
        if !part.is_positive() {
            return None;
        }
        let uv = |p: Pos2| ((p - own.min) / own.size()).to_pos2();
        Some(Draw {
            rect: part,
            texture: tex.id(),
            uv: Rect::from_min_max(uv(part.min), uv(part.max)),
        })
    })
}

/// `tiles`, newly drawn: says so at the debug level with the image's
/// size (the latency benchmark, `tests/web/latencybench.mjs`, times a
/// change until these lines).
fn shown_now(tiles: Tiles) -> Tiles {
    log::debug!(
        "canvas shows {} {}x{}",
        tiles.name,
        tiles.image.width(),
        tiles.image.height()
    );
    tiles
}

/// Tiles being made on a background thread.
struct Pending {
    image: Arc<RgbaImage>,
    done: mpsc::Receiver<Tiles>,
}

/// The tiles of one of the canvas's images (the result or the original):
/// those drawn, and those being made for a newer image.
#[derive(Default)]
pub struct TileSlot {
    shown: Option<Tiles>,
    pending: Option<Pending>,
    /// Tiles the last drawn view needed were not made yet.
    missing: bool,
}

impl TileSlot {
    /// The tiles to draw for the image of `request`: its own, or, while a
    /// large one is converted in the background, the last ones of the same
    /// geometry (drawn at their own scale).
    pub fn get(&mut self, ctx: &egui::Context, request: &TileRequest<'_>) -> &mut Tiles {
        let wanted = request.image;
        if self
            .pending
            .as_ref()
            .is_some_and(|p| !Arc::ptr_eq(&p.image, wanted))
        {
            self.pending = None; // superseded: its result is dropped
        }
        let current = self.shown.as_ref().is_some_and(|t| {
            let level = t.level.as_ref().map(|l| &l.image);
            Arc::ptr_eq(&t.image, wanted)
                && match (level, request.level) {
                    (Some(a), Some(b)) => Arc::ptr_eq(a, b),
                    (a, b) => a.is_none() && b.is_none(),
                }
        });
        if !current && self.pending.is_none() {
            let same_geometry = self
                .shown
                .as_ref()
                .is_some_and(|t| t.stands_in_for(wanted, request.scale));
            // What is made at once: the level where there is one.
            let eager = request.level.unwrap_or(wanted);
            let large =
                u64::from(eager.width()) * u64::from(eager.height()) >= BACKGROUND_MIN_PIXELS;
            if same_geometry && large {
                self.pending = Some(convert_in_background(ctx, request));
            } else {
                self.shown = None; // made below, at once
            }
        }
        if let Some(pending) = &self.pending {
            match pending.done.try_recv() {
                Ok(tiles) => {
                    self.shown = Some(shown_now(tiles));
                    self.pending = None;
                }
                Err(mpsc::TryRecvError::Empty) => {}
                // No thread started, or it ended without its tiles: they
                // are made here, at once.
                Err(mpsc::TryRecvError::Disconnected) => {
                    self.pending = None;
                    self.shown = None;
                }
            }
        }
        let tiles = match self.shown.take() {
            Some(tiles) => tiles,
            None => shown_now(Tiles::upload(ctx, request)),
        };
        self.shown.insert(tiles)
    }

    /// What to draw for `view` (full-resolution pixels) of the image of
    /// `request` at `px_per_full` physical pixels per full-resolution
    /// pixel ([`Tiles::draws`], at most [`TILE_PIXELS_PER_FRAME`] made),
    /// and the scale of the tiles drawn (full-resolution pixels per
    /// texture pixel when the image's own tiles are drawn).
    pub fn draws(
        &mut self,
        ctx: &egui::Context,
        request: &TileRequest<'_>,
        view: Rect,
        px_per_full: f32,
    ) -> (Vec<Draw>, f32) {
        let tiles = self.get(ctx, request);
        let scale = tiles.scale;
        let (draws, missing) = tiles.draws(ctx, view, px_per_full, TILE_PIXELS_PER_FRAME);
        self.missing = missing;
        if missing {
            ctx.request_repaint();
        }
        (draws, scale)
    }

    /// True while tiles are being made in the background, or a view drawn
    /// still lacks some.
    pub fn is_pending(&self) -> bool {
        self.pending.is_some() || self.missing
    }
}

/// Starts making the tiles of `request` on a background task
/// ([`platform::spawn_task`]: a thread on the desktop; on the web page, at
/// once), which repaints when they are ready.
fn convert_in_background(ctx: &egui::Context, request: &TileRequest<'_>) -> Pending {
    let (send, done) = mpsc::channel();
    let (ctx, image) = (ctx.clone(), request.image.clone());
    let level = request.level.cloned();
    let (name, scale, max_side) = (request.name, request.scale, request.max_side);
    // Not started: `send` is dropped with the task, and the slot makes the
    // tiles itself.
    let _ = platform::spawn_task("tiles", move || {
        let request = TileRequest {
            name,
            image: &image,
            scale,
            level: level.as_ref(),
            max_side,
        };
        // The slot may have gone (a new document): nothing to tell.
        let _ = send.send(Tiles::upload(&ctx, &request));
        ctx.request_repaint();
    });
    Pending {
        image: request.image.clone(),
        done,
    }
}

/// The pixels of `image` in columns `xs` and rows `ys` as egui takes them
/// (premultiplied alpha), converted straight from the image's rows in one
/// pass, with no gathered copy of a tile narrower than the image. Allocating
/// the tile's fresh memory costs about as much as the conversion itself.
fn color_image(image: &RgbaImage, xs: Range<usize>, ys: Range<usize>) -> ColorImage {
    let stride = image.stride();
    let mut pixels = Vec::with_capacity(xs.len() * ys.len());
    for y in ys.clone() {
        let row = &image.pixels()[y * stride + xs.start * 4..y * stride + xs.end * 4];
        pixels.extend(
            row.chunks_exact(4)
                .map(|p| Color32::from_rgba_unmultiplied(p[0], p[1], p[2], p[3])),
        );
    }
    ColorImage::new([xs.len(), ys.len()], pixels)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 5x3 image whose pixel (x, y) is (x, y, x + y, alpha).
    fn image(alpha: impl Fn(usize, usize) -> u8) -> RgbaImage {
        let mut px = Vec::new();
        for y in 0..3 {
            for x in 0..5 {
                px.extend([x as u8 * 40, y as u8 * 60, (x + y) as u8 * 20, alpha(x, y)]);
            }
        }
        RgbaImage::from_pixels(5, 3, px).unwrap()
    }

    /// What egui's own conversion gives for the same rectangle.
    fn expected(image: &RgbaImage, xs: Range<usize>, ys: Range<usize>) -> ColorImage {
        let mut rgba = Vec::new();
        for y in ys.clone() {
            let start = y * image.stride() + xs.start * 4;
            rgba.extend_from_slice(&image.pixels()[start..start + xs.len() * 4]);
        }
        ColorImage::from_rgba_unmultiplied([xs.len(), ys.len()], &rgba)
    }

    #[test]
    fn tiles_hold_their_rectangle_premultiplied() {
        for img in [image(|_, _| 255), image(|x, y| (x * 50 + y * 7) as u8)] {
            for (xs, ys) in [(0..5, 0..3), (1..4, 1..3), (4..5, 0..1)] {
                let got = color_image(&img, xs.clone(), ys.clone());
                assert_eq!(got, expected(&img, xs, ys));
            }
        }
    }

    fn flat(width: u32, height: u32, value: u8) -> Arc<RgbaImage> {
        let px = vec![value; width as usize * height as usize * 4];
        Arc::new(RgbaImage::from_pixels(width, height, px).unwrap())
    }

    fn request(image: &Arc<RgbaImage>, scale: f32) -> TileRequest<'_> {
        TileRequest {
            name: "test",
            image,
            scale,
            level: None,
            max_side: 2048,
        }
    }

    /// Asks `slot` for `image` until its own tiles come (ten seconds at most).
    fn wait_for(slot: &mut TileSlot, ctx: &egui::Context, image: &Arc<RgbaImage>) {
        let start = std::time::Instant::now();
        while !Arc::ptr_eq(&slot.get(ctx, &request(image, 1.0)).image, image) {
            assert!(
                start.elapsed().as_secs() < 10,
                "the background tiles never came"
            );
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert!(!slot.is_pending());
    }

    /// A large full-resolution result is converted off the calling thread:
    /// meanwhile the preview's tiles are drawn at their own scale; a newer
    /// result supersedes a pending one.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn a_large_result_is_converted_in_the_background_while_the_preview_shows() {
        let ctx = egui::Context::default();
        let mut slot = TileSlot::default();
        // A preview's size is rounded: 1024 rows at scale 0.5 stand for
        // the full result's 2047.
        let preview = flat(1200, 1024, 10);
        let shown = slot.get(&ctx, &request(&preview, 0.5));
        assert!(
            Arc::ptr_eq(&shown.image, &preview),
            "a small image is made at once"
        );
        assert!(!slot.is_pending());

        let full = flat(2400, 2047, 20);
        let shown = slot.get(&ctx, &request(&full, 1.0));
        assert!(
            Arc::ptr_eq(&shown.image, &preview),
            "the preview stays while the full result converts"
        );
        assert_eq!(shown.scale, 0.5);
        assert!(slot.is_pending());
        let newer = flat(2400, 2047, 30);
        slot.get(&ctx, &request(&newer, 1.0));
        wait_for(&mut slot, &ctx, &newer);
        let shown = slot.get(&ctx, &request(&newer, 1.0));
        assert_eq!(shown.scale, 1.0);
        assert_eq!(
            shown.uploaded(),
            (2, 2400 * 2047),
            "two tiles of at most 2048 pixels a side"
        );
    }

    /// A result of another size (a crop, a resize) cannot be stood in for
    /// by the last tiles: it is made at once.
    #[test]
    fn a_new_geometry_is_converted_at_once() {
        let ctx = egui::Context::default();
        let mut slot = TileSlot::default();
        let preview = flat(1024, 1024, 10);
        slot.get(&ctx, &request(&preview, 0.5));
        let cropped = flat(2048, 2100, 20);
        let shown = slot.get(&ctx, &request(&cropped, 1.0));
        assert!(Arc::ptr_eq(&shown.image, &cropped));
        assert!(!slot.is_pending());
    }

    /// With a level, only the level is uploaded at first and drawn while
    /// the zoom asks no more of it; zoomed in, only the cells in view are
    /// made, at most a frame's budget at a time, the level's part drawn in
    /// place of the others until they come.
    #[test]
    fn with_a_level_full_resolution_tiles_are_made_only_where_zoomed_in() {
        let ctx = egui::Context::default();
        let full = flat(4000, 3000, 20);
        let level = flat(1000, 750, 20);
        let mut tiles = Tiles::upload(
            &ctx,
            &TileRequest {
                level: Some(&level),
                ..request(&full, 1.0)
            },
        );
        assert_eq!(tiles.uploaded(), (1, 1000 * 750), "the level alone");
        let whole = Rect::from_min_max(Pos2::ZERO, Pos2::new(4000.0, 3000.0));
        // At fit (a quarter of a pixel per image pixel) the level serves.
        let (draws, missing) = tiles.draws(&ctx, whole, 0.25, usize::MAX);
        assert!(!missing);
        assert_eq!(draws.len(), 1);
        assert_eq!(draws[0].rect, whole);
        assert_eq!(tiles.uploaded().0, 1, "nothing more at fit");

        // At 1:1, a 1500x1200 view from (100, 100) spans 2x2 cells of 1024;
        // a budget of one cell makes one per call.
        let view = Rect::from_min_size(Pos2::new(100.0, 100.0), Vec2::new(1500.0, 1200.0));
        let one = LAZY_TILE_SIDE * LAZY_TILE_SIDE;
        let (draws, missing) = tiles.draws(&ctx, view, 1.0, one);
        assert!(missing);
        assert_eq!(tiles.uploaded(), (2, 1000 * 750 + one));
        let level_id = tiles.level.as_ref().map(|l| l.tiles[0].1.id());
        let from_level: Vec<&Draw> = draws
            .iter()
            .filter(|d| Some(d.texture) == level_id)
            .collect();
        assert_eq!(from_level.len(), 3, "the level stands in for three cells");
        let second = from_level[0];
        assert_eq!(
            second.rect,
            Rect::from_min_max(Pos2::new(1024.0, 0.0), Pos2::new(2048.0, 1024.0))
        );
        assert_eq!(
            second.uv,
            Rect::from_min_max(Pos2::new(0.256, 0.0), Pos2::new(0.512, 1024.0 / 3000.0))
        );
        let mut calls = 1;
        loop {
            calls += 1;
            if !tiles.draws(&ctx, view, 1.0, one).1 {
                break;
            }
        }
        assert_eq!(calls, 4, "one cell a call");
        assert_eq!(tiles.uploaded(), (5, 1000 * 750 + 4 * one));
        let (draws, _) = tiles.draws(&ctx, view, 1.0, one);
        assert!(draws.iter().all(|d| Some(d.texture) != level_id));
        assert_eq!(draws.len(), 4);
    }
}
