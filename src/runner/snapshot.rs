//! Snapshots of outcomes in insta's `.snap` format, so `cargo insta review` can show and accept
//! them: `DIR/PROFILE/SCENARIO.snap`, a changed one written beside it as `.snap.new`.

use std::path::{Path, PathBuf};

use super::outcome::SnapshotStatus;

/// Where snapshots go and what happens to a missing or changed one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotConfig {
    /// The directory; each profile gets a folder in it.
    pub dir: PathBuf,
    /// What a missing or changed snapshot does.
    pub mode: SnapshotMode,
}

/// insta's update behaviour, so a CI job with no committed snapshots cannot pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapshotMode {
    /// Locally: a missing snapshot is recorded; a changed one fails and is written as `.snap.new`.
    Record,
    /// In CI (`CI` set) or with `INSTA_UPDATE=no`: a missing or changed snapshot fails and is
    /// written as `.snap.new` for `cargo insta review`; nothing is recorded.
    Frozen,
    /// `--accept` (or `INSTA_UPDATE=always`): every outcome is recorded as the snapshot.
    Accept,
}

impl SnapshotMode {
    /// The mode insta would pick from the environment, with `--accept` winning.
    pub fn from_env(accept: bool) -> Self {
        let var = |name| std::env::var(name).ok().filter(|v| !v.is_empty());
        Self::choose(accept, var("INSTA_UPDATE").as_deref(), var("CI").as_deref())
    }

    /// The rule behind [`SnapshotMode::from_env`], on given values: `INSTA_UPDATE` (`no`,
    /// `always`, `new`, `auto`) first, then `CI` (set and not `false`/`0` means frozen).
    pub fn choose(accept: bool, insta_update: Option<&str>, ci: Option<&str>) -> Self {
        match (accept, insta_update) {
            (true, _) | (false, Some("always")) => Self::Accept,
            (false, Some("no")) => Self::Frozen,
            (false, Some("new")) => Self::Record,
            _ if ci.is_some_and(|v| v != "false" && v != "0") => Self::Frozen,
            _ => Self::Record,
        }
    }
}

/// Compare `content` with `DIR/PROFILE/SCENARIO.snap`; record it, or write `.snap.new`, as the
/// mode says.
pub(crate) fn check(
    config: &SnapshotConfig,
    profile: &str,
    scenario: &str,
    content: &str,
) -> std::io::Result<SnapshotStatus> {
    let folder = config.dir.join(profile);
    std::fs::create_dir_all(&folder)?;
    let path = folder.join(format!("{scenario}.snap"));
    let pending = folder.join(format!("{scenario}.snap.new"));
    let text = file_text(profile, scenario, content);
    let old = match std::fs::read_to_string(&path) {
        Ok(old) => Some(old),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    let status = match (&old, config.mode) {
        (Some(old), _) if contents_of(old).trim_end() == content.trim_end() => SnapshotStatus::Matched,
        (None, SnapshotMode::Frozen) => {
            std::fs::write(&pending, text)?;
            return Ok(SnapshotStatus::Missing);
        }
        (None, _) => SnapshotStatus::New,
        (Some(_), SnapshotMode::Accept) => SnapshotStatus::Accepted,
        (Some(old), _) => {
            std::fs::write(&pending, text)?;
            return Ok(SnapshotStatus::Changed(diff(contents_of(old), content)));
        }
    };
    if status != SnapshotStatus::Matched {
        std::fs::write(&path, text)?;
    }
    remove_if_present(&pending)?;
    Ok(status)
}

/// insta's file format: a YAML header between `---` lines, then the snapshot.
fn file_text(profile: &str, scenario: &str, content: &str) -> String {
    format!(
        "---\nsource: \"mockidp run --profile {profile}\"\nexpression: \"outcome of scenario {scenario}\"\n---\n{}\n",
        content.trim_end()
    )
}

/// The snapshot below the header.
fn contents_of(file: &str) -> &str {
    let Some(rest) = file.strip_prefix("---\n") else { return file };
    match rest.find("\n---\n") {
        Some(i) => &rest[i + 5..],
        None => file,
    }
}

fn remove_if_present(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// A line diff in order (Myers, by `similar`, as insta uses): `-old` and `+new` lines, with one
/// line of context around each change.
pub(crate) fn diff(old: &str, new: &str) -> String {
    let (old, new) = (format!("{}\n", old.trim_end()), format!("{}\n", new.trim_end()));
    let diff = similar::TextDiff::from_lines(&old, &new);
    let mut out = String::new();
    for group in diff.grouped_ops(1) {
        for op in group {
            for change in diff.iter_changes(&op) {
                let sign = match change.tag() {
                    similar::ChangeTag::Delete => '-',
                    similar::ChangeTag::Insert => '+',
                    similar::ChangeTag::Equal => ' ',
                };
                out.push(sign);
                out.push_str(change.value());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_compares_and_accepts() {
        let dir = std::env::temp_dir().join(format!("mockidp-snap-{}", std::process::id()));
        let mut config = SnapshotConfig { dir: dir.clone(), mode: SnapshotMode::Record };
        assert_eq!(check(&config, "p", "s", "a: 1\n").unwrap(), SnapshotStatus::New);
        assert_eq!(check(&config, "p", "s", "a: 1\n").unwrap(), SnapshotStatus::Matched);
        assert_eq!(check(&config, "p", "s", "a: 2\n").unwrap(), SnapshotStatus::Changed("-a: 1\n+a: 2\n".into()));
        assert!(dir.join("p/s.snap.new").is_file());
        config.mode = SnapshotMode::Accept;
        assert_eq!(check(&config, "p", "s", "a: 2\n").unwrap(), SnapshotStatus::Accepted);
        assert!(!dir.join("p/s.snap.new").exists());
        let text = std::fs::read_to_string(dir.join("p/s.snap")).unwrap();
        assert!(text.starts_with("---\nsource: "), "{text}");
        assert!(text.ends_with("---\na: 2\n"), "{text}");
        config.mode = SnapshotMode::Frozen;
        assert_eq!(check(&config, "p", "t", "a: 1\n").unwrap(), SnapshotStatus::Missing);
        assert!(dir.join("p/t.snap.new").is_file() && !dir.join("p/t.snap").exists());
        assert_eq!(check(&config, "p", "s", "a: 2\n").unwrap(), SnapshotStatus::Matched);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn the_mode_follows_insta() {
        use SnapshotMode::*;
        assert_eq!(SnapshotMode::choose(false, None, None), Record);
        assert_eq!(SnapshotMode::choose(false, None, Some("true")), Frozen);
        assert_eq!(SnapshotMode::choose(false, None, Some("false")), Record);
        assert_eq!(SnapshotMode::choose(false, Some("no"), None), Frozen);
        assert_eq!(SnapshotMode::choose(false, Some("new"), Some("true")), Record);
        assert_eq!(SnapshotMode::choose(false, Some("always"), Some("true")), Accept);
        assert_eq!(SnapshotMode::choose(true, Some("no"), Some("true")), Accept);
    }

    #[test]
    fn the_diff_is_ordered_and_keeps_repeated_lines() {
        // A set difference would miss a moved or repeated line.
        assert_eq!(diff("a\nb\nc\n", "b\na\nc\n"), "+b\n a\n-b\n c\n");
        assert_eq!(diff("x\nx\n", "x\n"), " x\n-x\n");
        assert_eq!(diff("same\n", "same"), "");
    }
}
