//! The desktop's session file: a journal of JSON lines, so that an
//! autosave appends what changed instead of rewriting the whole history.
//!
//! ```text
//! {"lumen_session":2,"name":"photo.jpg","source":{...},"source_size":[4000,3000]}
//! {"entry":{"at":1,"label":"Add Gaussian blur","recipe":"{...}"}}
//! {"state":{"current":1,"live":"{...}"}}
//! ```
//!
//! The first line says what the session is. An `entry` record puts a
//! history entry at index `at`, dropping any entries from there on (an
//! edit after an undo replaces the redo branch); a `state` record gives
//! the current entry and the live recipe. Records are applied in order. A
//! last line without its newline, or one that does not parse, is what a
//! write cut short (a crash, a full disk) leaves: it is ignored, and the
//! session is what the complete lines say, an older but consistent state.
//! The file is rewritten whole (atomically, compacted) now and then.

use serde::{Deserialize, Serialize};

use super::{SavedEntry, Session, SourceRef};

/// The journal format's version (version 1 is the whole-file JSON of
/// [`Session::to_json`]).
pub const JOURNAL_VERSION: u32 = 2;

#[derive(Serialize, Deserialize)]
struct Header {
    lumen_session: u32,
    name: String,
    source: SourceRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    source_size: Option<(u32, u32)>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum Record {
    Entry {
        at: usize,
        label: String,
        recipe: String,
    },
    State {
        current: usize,
        live: String,
    },
}

fn line<T: Serialize>(value: &T) -> String {
    let mut text = serde_json::to_string(value).unwrap_or_default();
    text.push('\n');
    text
}

/// The record lines for entries `at..` and the state after them.
pub fn append_text<'a>(
    entries: impl IntoIterator<Item = (usize, &'a SavedEntry)>,
    current: usize,
    live: &str,
) -> String {
    let mut text = String::new();
    for (at, e) in entries {
        text.push_str(&line(&Record::Entry {
            at,
            label: e.label.clone(),
            recipe: e.recipe.clone(),
        }));
    }
    text.push_str(&line(&Record::State {
        current,
        live: live.to_owned(),
    }));
    text
}

/// The whole session as a journal: the header, every entry, the state.
pub fn full_text(session: &Session) -> String {
    let mut text = line(&Header {
        lumen_session: JOURNAL_VERSION,
        name: session.name.clone(),
        source: session.source.clone(),
        source_size: session.source_size,
    });
    text.push_str(&append_text(
        session.history.iter().enumerate(),
        session.current,
        &session.live,
    ));
    text
}

/// What a journal store writes for `save`: the whole journal (to replace
/// the file with), or lines to append.
pub enum Write {
    /// Replace the file with this text.
    Whole(String),
    /// Append these lines.
    Append(String),
}

/// The write that records `save`.
pub fn write_for(save: &super::Save) -> Write {
    match &save.full {
        Some(session) => Write::Whole(full_text(session)),
        None => Write::Append(append_text(
            save.entries.iter().map(|(i, e)| (*i, e)),
            save.current,
            &save.live,
        )),
    }
}

/// Whether `text` looks like a journal (its first line is a version 2
/// header) rather than a whole-file session.
pub fn is_journal(text: &str) -> bool {
    text.lines()
        .next()
        .and_then(|l| serde_json::from_str::<Header>(l).ok())
        .is_some_and(|h| h.lumen_session == JOURNAL_VERSION)
}

/// Reads a journal. Returns the session and whether its last line was cut
/// short (and ignored).
pub fn parse(text: &str) -> Result<(Session, bool), String> {
    let mut lines = text.split_inclusive('\n').peekable();
    let first = lines.next().ok_or("the session file is empty")?;
    let header: Header =
        serde_json::from_str(first).map_err(|e| format!("not a Lumen session: {e}"))?;
    if header.lumen_session != JOURNAL_VERSION {
        return Err(format!(
            "session format {} is not supported here",
            header.lumen_session
        ));
    }
    let mut history: Vec<SavedEntry> = Vec::new();
    let mut state: Option<(usize, String)> = None;
    let mut torn = false;
    let mut number = 1;
    while let Some(raw) = lines.next() {
        number += 1;
        let last = lines.peek().is_none();
        // Only the last line can lack its newline (lines split after one).
        let record = match serde_json::from_str::<Record>(raw) {
            Ok(r) if raw.ends_with('\n') => r,
            _ if last => {
                torn = true;
                break;
            }
            Ok(r) => r,
            Err(e) => return Err(format!("line {number}: {e}")),
        };
        match record {
            Record::Entry { at, label, recipe } => {
                if at > history.len() {
                    return Err(format!(
                        "line {number}: entry {at} after only {} entries",
                        history.len()
                    ));
                }
                history.truncate(at);
                history.push(SavedEntry { label, recipe });
                state = None;
            }
            Record::State { current, live } => state = Some((current, live)),
        }
    }
    let (current, live) = match state {
        Some(s) => s,
        // Entries whose state line was lost: the newest entry is current.
        None => {
            let last = history.last().ok_or("the session has no history")?;
            (history.len() - 1, last.recipe.clone())
        }
    };
    let session = Session {
        lumen_session: super::SESSION_VERSION,
        name: header.name,
        source: header.source,
        source_size: header.source_size,
        history,
        current,
        live,
    };
    session.restored()?;
    Ok((session, torn))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(label: &str) -> SavedEntry {
        SavedEntry {
            label: label.into(),
            recipe: r#"{"lumen_recipe":1,"steps":[]}"#.into(),
        }
    }

    fn session() -> Session {
        Session {
            lumen_session: super::super::SESSION_VERSION,
            name: "a.png".into(),
            source: SourceRef::Sample,
            source_size: Some((4, 3)),
            history: vec![entry("Open"), entry("One"), entry("Two")],
            current: 2,
            live: r#"{"lumen_recipe":1,"steps":[]}"#.into(),
        }
    }

    #[test]
    fn a_full_journal_round_trips() {
        let s = session();
        let text = full_text(&s);
        assert!(is_journal(&text));
        assert_eq!(parse(&text).unwrap(), (s, false));
    }

    #[test]
    fn appends_replace_the_redo_branch_and_move_the_state() {
        let mut text = full_text(&session());
        // Undo twice, then a new edit at index 1.
        text.push_str(&append_text([(1, &entry("Other"))], 1, &entry("x").recipe));
        let (s, torn) = parse(&text).unwrap();
        assert!(!torn);
        let labels: Vec<&str> = s.history.iter().map(|e| e.label.as_str()).collect();
        assert_eq!(labels, ["Open", "Other"]);
        assert_eq!(s.current, 1);
    }

    #[test]
    fn a_cut_last_line_is_ignored_and_said() {
        let full = full_text(&session());
        let more = append_text([(3, &entry("Three"))], 3, &entry("x").recipe);
        for cut in 1..more.len() {
            let text = format!("{full}{}", &more[..cut]);
            let (s, torn) = parse(&text).unwrap();
            assert!(torn || more[..cut].ends_with('\n'), "cut at {cut}");
            assert!(s.history.len() >= 3, "cut at {cut}");
        }
        // A broken line in the middle is corruption, not a cut.
        let text = format!("{full}garbage\n{more}");
        assert!(parse(&text).unwrap_err().contains("line 6"));
    }
}
