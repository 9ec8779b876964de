//! Logging through the `log` crate, to stderr on the desktop and the
//! browser console on the web ([`crate::platform::init_logging`] installs
//! it). Every line starts with `lumen: `; lines below the info level name
//! their level (`lumen: error: ...`), and lines from other crates name
//! their origin. The browser tests wait for some of these lines (e.g.
//! `lumen: rendered 1 step, 512x512`), so their wording is kept stable.
//!
//! Lumen's own lines are shown from the level chosen (default: info;
//! `LUMEN_LOG=debug|info|warn|error|off` on the desktop, `?log=debug` etc.
//! in the page's address on the web); other crates'
//! lines only from `warn` up, so a library's chatter does not drown them.

use log::{Level, LevelFilter, Log, Metadata, Record};

/// Where a finished line goes (stderr, or the console at `level`).
pub type Sink = fn(level: Level, line: &str);

/// The logger: a level filter and a sink.
struct Logger {
    level: LevelFilter,
    sink: Sink,
}

/// The level to log from, parsed from a `LUMEN_LOG` value (info when
/// absent or not understood).
pub fn level_from(spec: Option<&str>) -> LevelFilter {
    spec.and_then(|s| s.trim().parse().ok())
        .unwrap_or(LevelFilter::Info)
}

/// The level to log from on the web, from the page address's query
/// (`?log=debug`, the web's `LUMEN_LOG`): info without one.
pub fn level_from_query(query: &str) -> LevelFilter {
    let spec = query
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix("log="));
    level_from(spec)
}

/// True for lines from Lumen's own crates.
fn is_ours(target: &str) -> bool {
    target.starts_with("lumen")
}

/// Whether a line at `level` from `target` passes `filter`.
pub fn passes(filter: LevelFilter, level: Level, target: &str) -> bool {
    let limit = if is_ours(target) {
        filter
    } else {
        filter.min(LevelFilter::Warn)
    };
    level <= limit
}

/// One log line as shown: `lumen: `, the level below info, the origin of
/// other crates' lines, then the message.
pub fn format_line(level: Level, target: &str, message: &std::fmt::Arguments<'_>) -> String {
    let level = match level {
        Level::Info => "",
        Level::Error => "error: ",
        Level::Warn => "warning: ",
        Level::Debug => "debug: ",
        Level::Trace => "trace: ",
    };
    if is_ours(target) {
        format!("lumen: {level}{message}")
    } else {
        format!("lumen: {level}[{target}] {message}")
    }
}

impl Log for Logger {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        passes(self.level, metadata.level(), metadata.target())
    }

    fn log(&self, record: &Record<'_>) {
        if self.enabled(record.metadata()) {
            let line = format_line(record.level(), record.target(), record.args());
            (self.sink)(record.level(), &line);
        }
    }

    fn flush(&self) {}
}

/// Installs the logger (once; a second call changes nothing).
pub fn install(level: LevelFilter, sink: Sink) {
    if log::set_boxed_logger(Box::new(Logger { level, sink })).is_ok() {
        log::set_max_level(level);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_keep_their_wording() {
        let line =
            |level, target, n: u32| format_line(level, target, &format_args!("rendered {n} steps"));
        assert_eq!(
            line(Level::Info, "lumen_app::app", 2),
            "lumen: rendered 2 steps"
        );
        assert_eq!(
            line(Level::Error, "lumen_app", 1),
            "lumen: error: rendered 1 steps"
        );
        assert_eq!(
            line(Level::Warn, "winit", 3),
            "lumen: warning: [winit] rendered 3 steps"
        );
    }

    #[test]
    fn levels_filter_ours_and_others() {
        assert_eq!(level_from(None), LevelFilter::Info);
        assert_eq!(level_from(Some("debug")), LevelFilter::Debug);
        assert_eq!(level_from(Some("OFF")), LevelFilter::Off);
        assert_eq!(level_from(Some("nonsense")), LevelFilter::Info);
        assert_eq!(level_from_query(""), LevelFilter::Info);
        assert_eq!(level_from_query("?log=debug"), LevelFilter::Debug);
        assert_eq!(level_from_query("?a=1&log=warn&b"), LevelFilter::Warn);
        assert_eq!(level_from_query("?catalog=debug"), LevelFilter::Info);
        let info = LevelFilter::Info;
        assert!(passes(info, Level::Info, "lumen_app::app"));
        assert!(!passes(info, Level::Debug, "lumen_app::app"));
        assert!(!passes(info, Level::Info, "eframe"));
        assert!(passes(info, Level::Warn, "eframe"));
        assert!(!passes(LevelFilter::Off, Level::Error, "lumen_app"));
    }
}
