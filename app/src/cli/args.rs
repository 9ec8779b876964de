//! The command line's arguments, declared once with `clap`: paths are read
//! as `OsString`s (a file name need not be UTF-8), and `--help`, usage
//! errors and shell completions come from the same declaration.
//!
//! Adding an option to `lumen apply` is one field on [`ApplyArgs`] with its
//! doc comment (the help text) and `#[arg(long)]`.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// `lumen`: the editor, or a subcommand.
#[derive(Debug, Parser)]
#[command(
    name = "lumen",
    version,
    about = "Lumen, an image editor.",
    long_about = "Lumen, an image editor.\n\nWithout a subcommand, opens the editor \
                  (on the bundled sample if no IMAGE is given).",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// What to do; the editor when absent.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The editor's arguments.
    #[command(flatten)]
    pub editor: EditorArgs,
}

/// The editor's arguments: `lumen [IMAGE] [--recipe RECIPE.json]`.
#[derive(Debug, Default, Args)]
pub struct EditorArgs {
    /// An image to open instead of the bundled sample.
    #[arg(value_name = "IMAGE")]
    pub image: Option<PathBuf>,
    /// A recipe to apply to the image once it is open.
    #[arg(long, value_name = "RECIPE.json")]
    pub recipe: Option<PathBuf>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply a recipe to images, headless, with exactly the pixels the
    /// editor exports.
    #[command(
        override_usage = "lumen apply --recipe RECIPE.json [OPTIONS] INPUT OUTPUT\n       \
                          lumen apply --recipe RECIPE.json [OPTIONS] --out-dir DIR INPUT..."
    )]
    Apply(ApplyArgs),
    /// List every filter and its parameters (Markdown).
    Filters,
    /// Print a shell completion script to stdout
    /// (e.g. `lumen completions bash > /etc/bash_completion.d/lumen`).
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
}

/// `lumen apply`'s arguments.
#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The recipe to apply (a file saved by the editor).
    #[arg(long, value_name = "RECIPE.json")]
    pub recipe: PathBuf,
    /// Write each INPUT to DIR under its own name (several inputs run in
    /// parallel).
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// Worker threads [default: all cores].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
    /// Quality 1-100 of JPEG (default 90) and AVIF (default 80) outputs;
    /// with a .webp OUTPUT it makes a lossy WebP (without it, lossless).
    #[arg(long, value_name = "Q", value_parser = clap::value_parser!(u8).range(1..=100))]
    pub quality: Option<u8>,
    /// Keep (default) or strip the EXIF, XMP and IPTC of each INPUT; strip
    /// keeps only the colour profile.
    #[arg(long, value_name = "keep|strip", default_value = "keep", value_parser = parse_metadata)]
    pub metadata: crate::io::MetadataPolicy,
    /// Print `timing <filter> <milliseconds>` (wall clock) and `timing_cpu
    /// <filter> <milliseconds>` (process CPU time) per step to stderr,
    /// compute only; point steps fused into one pass print as one,
    /// `a+b+c`.
    #[arg(long)]
    pub timings: bool,
    /// The memory lumen apply may use, e.g. 512M or 2G [default: three
    /// quarters of what this machine or container has available].
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_memory: Option<u64>,
    /// Allow an output to replace its own input file (e.g. --out-dir
    /// naming the inputs' folder); refused otherwise.
    #[arg(long)]
    pub overwrite: bool,
    /// INPUT OUTPUT, or with --out-dir the INPUT files.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
}

/// Parses `--metadata`: `keep` or `strip`.
pub fn parse_metadata(text: &str) -> Result<crate::io::MetadataPolicy, String> {
    match text {
        "keep" => Ok(crate::io::MetadataPolicy::Keep),
        "strip" => Ok(crate::io::MetadataPolicy::Strip),
        other => Err(format!("must be keep or strip, got {other:?}")),
    }
}

/// Parses a byte count: a whole number, optionally followed by K, M, G
/// or T (powers of 1024; a trailing "B" or "iB" is allowed).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let t = t
        .strip_suffix("iB")
        .or_else(|| t.strip_suffix('B'))
        .unwrap_or(t);
    let (digits, shift) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => {
            let shift = match c.to_ascii_uppercase() {
                'K' => 10,
                'M' => 20,
                'G' => 30,
                'T' => 40,
                _ => return Err(format!("unknown unit {c:?}; use K, M, G or T")),
            };
            (&t[..i], shift)
        }
        _ => (t, 0),
    };
    let n: u64 = digits
        .trim()
        .parse()
        .map_err(|_| "expected a size such as 512M or 2G".to_owned())?;
    n.checked_mul(1 << shift)
        .filter(|&b| b > 0)
        .ok_or_else(|| "the size must be above 0 and below 16 EiB".to_owned())
}

/// Parses the process's arguments (`args[0]` is the program name).
pub fn parse<I, T>(args: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    Cli::try_parse_from(args)
}

/// Writes the completion script for `shell` to `out`.
pub fn write_completions(shell: clap_complete::Shell, out: &mut dyn std::io::Write) {
    use clap::CommandFactory as _;
    clap_complete::generate(shell, &mut Cli::command(), "lumen", out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_declaration_is_consistent() {
        use clap::CommandFactory as _;
        Cli::command().debug_assert();
    }

    #[cfg(unix)]
    #[test]
    fn paths_that_are_not_utf8_are_kept_byte_for_byte() {
        use std::os::unix::ffi::OsStrExt as _;
        let name = std::ffi::OsStr::from_bytes(b"caf\xe9.jpg");
        let cli = parse([
            OsString::from("lumen"),
            "apply".into(),
            "--recipe".into(),
            name.into(),
            name.into(),
            "out.png".into(),
        ])
        .unwrap();
        let Some(Command::Apply(a)) = cli.command else {
            panic!("apply expected");
        };
        assert_eq!(a.recipe.as_os_str(), name);
        assert_eq!(a.paths[0].as_os_str(), name);
        let cli = parse([OsString::from("lumen"), name.into()]).unwrap();
        assert_eq!(cli.editor.image.unwrap().as_os_str(), name);
    }

    #[test]
    fn sizes_parse_with_units() {
        assert_eq!(parse_size("512M"), Ok(512 << 20));
        assert_eq!(parse_size("2G"), Ok(2 << 30));
        assert_eq!(parse_size("2GiB"), Ok(2 << 30));
        assert_eq!(parse_size("1000"), Ok(1000));
        assert!(parse_size("0").is_err());
        assert!(parse_size("12X").is_err());
        assert!(parse_size("99999999999T").is_err());
        assert!(parse_size("").is_err());
    }

    #[test]
    fn bad_numbers_are_usage_errors_naming_the_option() {
        for args in [
            [
                "lumen",
                "apply",
                "--recipe",
                "r",
                "--threads",
                "0",
                "a",
                "b",
            ],
            [
                "lumen",
                "apply",
                "--recipe",
                "r",
                "--threads",
                "x",
                "a",
                "b",
            ],
            [
                "lumen",
                "apply",
                "--recipe",
                "r",
                "--quality",
                "101",
                "a",
                "b",
            ],
        ] {
            let e = parse(args).unwrap_err();
            assert_eq!(e.exit_code(), 2);
            assert!(e.to_string().contains(args[3]), "{e}");
        }
    }
}
