//! The on-canvas mask tool: handles for a step's radial shapes (centre,
//! the two radii, the feather's inner edge) and linear shapes (the two
//! ends), drawn over the step's output; dragging one edits the shape in
//! fractions of the image, as the recipe stores it.

use egui::{Color32, Id, Pos2, Rect, Sense, Stroke, Vec2};
use lumen_kernels::mask::{Brush, MAX_BRUSH_POINTS, Radial, Shape, Stroke as BrushStroke};
use lumen_kernels::registry::WEIGHT_ONE;
use lumen_kernels::{Mask, RgbaImage};

/// The size of a handle's grab area, in points.
const HANDLE_PT: f32 = 16.0;

/// The overlay's longer side, in pixels (it is drawn stretched).
const OVERLAY_PX: u32 = 256;

/// The overlay's opacity where the weight is full (of 255).
const OVERLAY_ALPHA: u32 = 140;

/// The brush radius a new tool starts with, a fraction of the image's
/// longer side.
pub const BRUSH_RADIUS: f32 = 0.05;

/// Most points in one stroke: a longer drag goes on as a new stroke.
pub const MAX_STROKE_POINTS: usize = 2000;

/// The key that shows or hides the mask overlay.
pub const OVERLAY_KEY: egui::Key = egui::Key::O;

/// The mask's weights as a red overlay for `shown` (the step's image as
/// drawn, sampled for `range` shapes), at most 256 pixels on its longer
/// side: red where the step applies, clear where it does not. `None` when
/// the mask cannot be prepared.
pub fn overlay_image(
    mask: &Mask,
    filter: &'static str,
    shown: &RgbaImage,
) -> Option<egui::ColorImage> {
    let (w, h) = (shown.width(), shown.height());
    let long = w.max(h).max(1);
    let fit =
        |v: u32| ((u64::from(v) * u64::from(OVERLAY_PX.min(long)) / u64::from(long)) as u32).max(1);
    let (ow, oh) = (fit(w), fit(h));
    let prepared = mask.prepare(filter, ow, oh).ok()?;
    let mut rgba = Vec::with_capacity(ow as usize * oh as usize * 4);
    let mut input = vec![0_u8; ow as usize * 4];
    let mut weights = vec![0_u32; ow as usize];
    for oy in 0..oh {
        let sy = (u64::from(oy) * u64::from(h) / u64::from(oh)) as u32;
        let row = shown.row(sy).unwrap_or(&[]);
        for (ox, px) in input.chunks_exact_mut(4).enumerate() {
            let sx = (ox as u64 * u64::from(w) / u64::from(ow)) as usize * 4;
            if let Some(src) = row.get(sx..sx + 4) {
                px.copy_from_slice(src);
            }
        }
        prepared.weights(oy, &input, &mut weights);
        for &wt in &weights {
            let a = (u64::from(wt.min(WEIGHT_ONE)) * u64::from(OVERLAY_ALPHA)
                / u64::from(WEIGHT_ONE)) as u8;
            rgba.extend_from_slice(&[255, 0, 0, a]);
        }
    }
    Some(egui::ColorImage::from_rgba_unmultiplied(
        [ow as usize, oh as usize],
        &rgba,
    ))
}

/// A handle of a shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grip {
    /// A radial shape's centre (moves the shape).
    Centre,
    /// The end of a radial shape's first semi-axis.
    RadiusX,
    /// The end of its second semi-axis.
    RadiusY,
    /// Where its soft edge begins, on the first axis.
    Feather,
    /// A linear shape's full-weight end.
    From,
    /// A linear shape's zero-weight end.
    To,
}

/// A radial shape's axes on screen: the unit directions of its two
/// semi-axes (turned by its angle, clockwise as the kernels turn it).
fn axes(r: &Radial) -> (Vec2, Vec2) {
    let (sin, cos) = r.angle_deg.to_radians().sin_cos();
    (Vec2::new(cos, sin), Vec2::new(-sin, cos))
}

fn at(image: Rect, p: [f32; 2]) -> Pos2 {
    image.min + Vec2::new(p[0], p[1]) * image.size()
}

/// The handles of `shape` drawn over `image`, with where they lie.
pub fn handles(shape: &Shape, image: Rect) -> Vec<(Grip, Pos2)> {
    match shape {
        Shape::Radial(r) => {
            let c = at(image, r.center);
            let (ax, ay) = axes(r);
            let rx = r.radius[0] * image.width();
            let ry = r.radius[1] * image.height();
            vec![
                (Grip::Centre, c),
                (Grip::RadiusX, c + ax * rx),
                (Grip::RadiusY, c + ay * ry),
                (Grip::Feather, c - ax * rx * (1.0 - r.feather)),
            ]
        }
        Shape::Linear(l) => vec![(Grip::From, at(image, l.from)), (Grip::To, at(image, l.to))],
        Shape::Brush(_) | Shape::Range(_) => Vec::new(),
    }
}

/// `start` with `grip` dragged by `delta` (screen points) to `pointer`,
/// over an image drawn in `image`.
pub fn drag_shape(start: &Shape, grip: Grip, delta: Vec2, pointer: Pos2, image: Rect) -> Shape {
    let moved = |p: [f32; 2]| {
        let d = delta / image.size();
        [p[0] + d.x, p[1] + d.y]
    };
    let mut shape = start.clone();
    match &mut shape {
        Shape::Radial(r) => {
            let (ax, ay) = axes(r);
            let off = pointer - at(image, r.center);
            match grip {
                Grip::Centre => r.center = moved(r.center),
                Grip::RadiusX => r.radius[0] = off.dot(ax).abs() / image.width(),
                Grip::RadiusY => r.radius[1] = off.dot(ay).abs() / image.height(),
                Grip::Feather => {
                    let rx = r.radius[0] * image.width();
                    if rx > 0.0 {
                        r.feather = (1.0 - off.dot(ax).abs() / rx).clamp(0.0, 1.0);
                    }
                }
                Grip::From | Grip::To => {}
            }
            r.radius = r.radius.map(|v| v.clamp(0.0, 10.0));
        }
        Shape::Linear(l) => match grip {
            Grip::From => l.from = moved(l.from),
            Grip::To => l.to = moved(l.to),
            _ => {}
        },
        Shape::Brush(_) | Shape::Range(_) => {}
    }
    shape
}

/// A brush shape without strokes yet.
pub fn new_brush() -> Shape {
    Shape::Brush(Brush::default())
}

/// A drag in progress: which handle, the shape as it was, where it began.
#[derive(Clone, Debug)]
struct Drag {
    shape: usize,
    grip: Grip,
    start: Shape,
    origin: Pos2,
}

/// The tool's state while it is on.
#[derive(Clone)]
pub struct MaskTool {
    /// The recipe step whose mask it edits.
    pub step: usize,
    /// Whether the red overlay of the mask's weights is shown.
    pub overlay: bool,
    /// The brush radius, a fraction of the image's longer side (`[` and
    /// `]` change it).
    pub brush_radius: f32,
    drag: Option<Drag>,
    /// The brush stroke being painted.
    strokes: Vec<BrushStroke>,
    /// The overlay's texture and the mask and image generation it shows.
    texture: Option<(Mask, u64, egui::TextureHandle)>,
    /// Why the last stroke was not added, until the editor says so.
    refused: Option<String>,
}

impl MaskTool {
    /// The tool on the mask of step `step`.
    pub fn new(step: usize) -> Self {
        Self {
            step,
            overlay: false,
            brush_radius: BRUSH_RADIUS,
            drag: None,
            strokes: Vec::new(),
            texture: None,
            refused: None,
        }
    }

    /// Whether the overlay is on and was drawn.
    pub fn overlay_shown(&self) -> bool {
        self.overlay && self.texture.is_some()
    }

    /// Draws the red overlay of `mask` over the image drawn in `image`
    /// while [`MaskTool::overlay`] is on; `shown` is that image (its
    /// `generation` says when it changed).
    pub fn overlay_ui(
        &mut self,
        ui: &egui::Ui,
        image: Rect,
        mask: &Mask,
        filter: &'static str,
        (shown, generation): (&RgbaImage, u64),
    ) {
        if !self.overlay {
            return;
        }
        let fresh = self
            .texture
            .as_ref()
            .is_some_and(|(m, g, _)| m == mask && *g == generation);
        if !fresh {
            self.texture = overlay_image(mask, filter, shown).map(|img| {
                let tex =
                    ui.ctx()
                        .load_texture("lumen-mask-overlay", img, egui::TextureOptions::LINEAR);
                (mask.clone(), generation, tex)
            });
        }
        if let Some((_, _, tex)) = &self.texture {
            let uv = Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0));
            ui.painter().image(tex.id(), image, uv, Color32::WHITE);
        }
    }

    /// Draws the handles of `mask`'s shapes over the image drawn in
    /// `image` and takes their drags; returns the mask as edited when a
    /// handle moved this frame.
    pub fn ui(&mut self, ui: &egui::Ui, image: Rect, mask: &Mask) -> Option<Mask> {
        if image.width() <= 0.0 || image.height() <= 0.0 {
            return None;
        }
        let mut edited = self.paint_ui(ui, image, mask);
        for (k, shape) in mask.shapes.iter().enumerate() {
            paint_outline(ui, shape, image);
            for (grip, p) in handles(shape, image) {
                let id = Id::unique(("lumen-mask-handle", k, grip as u8));
                let rect = Rect::from_center_size(p, Vec2::splat(HANDLE_PT));
                let response = ui.interact(rect, id, Sense::drag());
                if let Some(new) = self.follow(&response, k, grip, shape, image) {
                    let mut m = edited.take().unwrap_or_else(|| mask.clone());
                    if let Some(s) = m.shapes.get_mut(k) {
                        *s = new;
                    }
                    edited = Some(m);
                }
                paint_handle(ui, p, grip);
            }
        }
        edited
    }

    /// Makes the brush bigger (`grow`) or smaller by a quarter.
    pub fn resize_brush(&mut self, grow: bool) {
        let f = if grow { 1.25 } else { 0.8 };
        self.brush_radius = (self.brush_radius * f).clamp(0.005, 0.5);
    }

    /// Why the last brush stroke was not added, once (the editor shows it).
    pub fn take_refusal(&mut self) -> Option<String> {
        self.refused.take()
    }

    /// When the mask has a brush shape, a drag over the image paints a
    /// stroke into its last one (erasing while Alt is held), shown with a
    /// circle the brush's size; returns the mask with the stroke when the
    /// drag ends.
    fn paint_ui(&mut self, ui: &egui::Ui, image: Rect, mask: &Mask) -> Option<Mask> {
        let last_brush = mask
            .shapes
            .iter()
            .rposition(|s| matches!(s, Shape::Brush(_)))?;
        let response = ui.interact(image, Id::unique("lumen-mask-paint"), Sense::drag());
        let frac = |p: Pos2| {
            let f = (p - image.min) / image.size();
            [f.x, f.y]
        };
        let radius_pt = self.brush_radius * image.width().max(image.height());
        if let Some(p) = response.hover_pos().or(response.interact_pointer_pos()) {
            ui.painter()
                .circle_stroke(p, radius_pt, Stroke::new(1.5, Color32::WHITE));
        }
        if response.drag_started()
            && let Some(p) = response.interact_pointer_pos()
        {
            self.strokes = vec![BrushStroke {
                points: vec![frac(p)],
                radius: self.brush_radius,
                hardness: 0.5,
                erase: ui.input(|i| i.modifiers.alt),
            }];
        }
        if let (Some(stroke), Some(p)) = (self.strokes.last_mut(), response.interact_pointer_pos())
        {
            let last = stroke.points.last().copied().unwrap_or(frac(p));
            let step = (self.brush_radius / 4.0).max(1e-4);
            let f = frac(p);
            if (f[0] - last[0]).hypot(f[1] - last[1]) >= step {
                stroke.points.push(f);
            }
            if stroke.points.len() >= MAX_STROKE_POINTS {
                // A long drag goes on as a new stroke from here.
                let next = BrushStroke {
                    points: vec![f],
                    ..stroke.clone()
                };
                self.strokes.push(next);
            }
        }
        for stroke in &self.strokes {
            let fill = if stroke.erase {
                Color32::from_black_alpha(90)
            } else {
                Color32::from_rgba_unmultiplied(255, 0, 0, 90)
            };
            for q in &stroke.points {
                let at = image.min + Vec2::new(q[0], q[1]) * image.size();
                ui.painter().circle_filled(at, radius_pt, fill);
            }
        }
        if !response.drag_stopped() || self.strokes.is_empty() {
            return None;
        }
        let strokes = std::mem::take(&mut self.strokes);
        self.with_strokes(mask, last_brush, strokes)
    }

    /// `mask` with `strokes` (one drag's) added to its shape `brush`,
    /// unless that would pass the kernel's limit on brush points (then the
    /// refusal is kept for the editor to show).
    fn with_strokes(
        &mut self,
        mask: &Mask,
        brush: usize,
        strokes: Vec<BrushStroke>,
    ) -> Option<Mask> {
        let total: usize = mask
            .shapes
            .iter()
            .filter_map(|s| match s {
                Shape::Brush(b) => Some(b.strokes.iter().map(|s| s.points.len()).sum::<usize>()),
                _ => None,
            })
            .sum();
        let adding: usize = strokes.iter().map(|s| s.points.len()).sum();
        if total + adding > MAX_BRUSH_POINTS {
            self.refused = Some(format!(
                "That stroke was not added: a mask holds at most {MAX_BRUSH_POINTS} brush points \
                 and this one has {total}. Undo strokes, or mask another copy of the step."
            ));
            return None;
        }
        let mut m = mask.clone();
        if let Some(Shape::Brush(b)) = m.shapes.get_mut(brush) {
            b.strokes.extend(strokes);
        }
        Some(m)
    }

    fn follow(
        &mut self,
        response: &egui::Response,
        k: usize,
        grip: Grip,
        shape: &Shape,
        image: Rect,
    ) -> Option<Shape> {
        if response.drag_started()
            && let Some(origin) = response.interact_pointer_pos()
        {
            self.drag = Some(Drag {
                shape: k,
                grip,
                start: shape.clone(),
                origin,
            });
        }
        let drag = self
            .drag
            .as_ref()
            .filter(|d| d.shape == k && d.grip == grip)?;
        let mut out = None;
        if response.dragged()
            && let Some(p) = response.interact_pointer_pos()
        {
            out = Some(drag_shape(&drag.start, grip, p - drag.origin, p, image));
        }
        if response.drag_stopped() {
            self.drag = None;
        }
        out
    }
}

fn paint_outline(ui: &egui::Ui, shape: &Shape, image: Rect) {
    let painter = ui.painter();
    let line = Stroke::new(1.5, Color32::WHITE);
    match shape {
        Shape::Radial(r) => {
            let c = at(image, r.center);
            let (ax, ay) = axes(r);
            let (rx, ry) = (r.radius[0] * image.width(), r.radius[1] * image.height());
            for scale in [1.0, 1.0 - r.feather] {
                let points: Vec<Pos2> = (0..64)
                    .map(|i| {
                        let t = i as f32 / 64.0 * std::f32::consts::TAU;
                        c + ax * (rx * scale * t.cos()) + ay * (ry * scale * t.sin())
                    })
                    .collect();
                painter.add(egui::Shape::closed_line(points, line));
            }
        }
        Shape::Linear(l) => {
            painter.line_segment([at(image, l.from), at(image, l.to)], line);
        }
        Shape::Brush(_) | Shape::Range(_) => {}
    }
}

fn paint_handle(ui: &egui::Ui, p: Pos2, grip: Grip) {
    let fill = match grip {
        Grip::Centre | Grip::From => Color32::WHITE,
        Grip::Feather => Color32::LIGHT_BLUE,
        _ => Color32::LIGHT_GRAY,
    };
    ui.painter()
        .circle(p, 5.0, fill, Stroke::new(1.0, Color32::BLACK));
}

#[cfg(test)]
mod tests {
    use super::*;
    use lumen_kernels::mask::Combine;

    #[test]
    fn the_overlay_is_red_inside_a_radial_shape_and_clear_outside() {
        let shown = RgbaImage::new(400, 200).unwrap();
        let mask = Mask::of(radial());
        let img = overlay_image(&mask, "exposure", &shown).unwrap();
        assert_eq!(img.size, [256, 128]);
        let centre = img.pixels[64 * 256 + 128];
        let corner = img.pixels[0];
        assert!(centre.r() > 0 && centre.a() > 100, "{centre:?}");
        assert_eq!(corner.a(), 0, "{corner:?}");
    }

    fn radial() -> Shape {
        Shape::Radial(Radial {
            center: [0.5, 0.5],
            radius: [0.25, 0.25],
            feather: 0.5,
            angle_deg: 0.0,
            mode: Combine::Add,
        })
    }

    #[test]
    fn handles_follow_drags_in_fractions() {
        let image = Rect::from_min_size(Pos2::ZERO, Vec2::new(200.0, 100.0));
        let start = radial();
        let hs = handles(&start, image);
        assert_eq!(hs[0], (Grip::Centre, Pos2::new(100.0, 50.0)));
        assert_eq!(hs[1], (Grip::RadiusX, Pos2::new(150.0, 50.0)));
        let Shape::Radial(r) = drag_shape(
            &start,
            Grip::Centre,
            Vec2::new(20.0, -10.0),
            Pos2::ZERO,
            image,
        ) else {
            panic!("not radial")
        };
        assert_eq!(r.center, [0.6, 0.4]);
        let Shape::Radial(r) = drag_shape(
            &start,
            Grip::RadiusY,
            Vec2::ZERO,
            Pos2::new(100.0, 90.0),
            image,
        ) else {
            panic!("not radial")
        };
        assert_eq!(r.radius, [0.25, 0.4]);
        let Shape::Radial(r) = drag_shape(
            &start,
            Grip::Feather,
            Vec2::ZERO,
            Pos2::new(75.0, 50.0),
            image,
        ) else {
            panic!("not radial")
        };
        assert_eq!(r.feather, 0.5);
    }
}
