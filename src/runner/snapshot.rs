//! Snapshots of outcomes in insta's `.snap` format, so `cargo insta review` can show and accept
//! them: `DIR/PROFILE/SCENARIO.snap`, a changed one written beside it as `.snap.new`.

use std::path::{Path, PathBuf};

use super::outcome::SnapshotStatus;

/// Where snapshots go and whether changes are recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotConfig {
    /// The directory; each profile gets a folder in it.
    pub dir: PathBuf,
    /// Record changed snapshots instead of failing on them.
    pub accept: bool,
}

/// Compare `content` with `DIR/PROFILE/SCENARIO.snap`; record it when new or accepted.
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
        Ok(old) => old,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::write(&path, text)?;
            remove_if_present(&pending)?;
            return Ok(SnapshotStatus::New);
        }
        Err(e) => return Err(e),
    };
    let old_content = contents_of(&old);
    if old_content.trim_end() == content.trim_end() {
        remove_if_present(&pending)?;
        return Ok(SnapshotStatus::Matched);
    }
    if config.accept {
        std::fs::write(&path, text)?;
        remove_if_present(&pending)?;
        return Ok(SnapshotStatus::Accepted);
    }
    std::fs::write(&pending, text)?;
    Ok(SnapshotStatus::Changed(diff(old_content, content)))
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

/// A line diff: `-old` and `+new` for the lines that differ (outcomes are a few lines long).
pub(crate) fn diff(old: &str, new: &str) -> String {
    let (old, new): (Vec<&str>, Vec<&str>) = (old.trim_end().lines().collect(), new.trim_end().lines().collect());
    let mut out = String::new();
    for line in &old {
        if !new.contains(line) {
            out.push_str(&format!("-{line}\n"));
        }
    }
    for line in &new {
        if !old.contains(line) {
            out.push_str(&format!("+{line}\n"));
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
        let mut config = SnapshotConfig { dir: dir.clone(), accept: false };
        assert_eq!(check(&config, "p", "s", "a: 1\n").unwrap(), SnapshotStatus::New);
        assert_eq!(check(&config, "p", "s", "a: 1\n").unwrap(), SnapshotStatus::Matched);
        assert_eq!(check(&config, "p", "s", "a: 2\n").unwrap(), SnapshotStatus::Changed("-a: 1\n+a: 2\n".into()));
        assert!(dir.join("p/s.snap.new").is_file());
        config.accept = true;
        assert_eq!(check(&config, "p", "s", "a: 2\n").unwrap(), SnapshotStatus::Accepted);
        assert!(!dir.join("p/s.snap.new").exists());
        let text = std::fs::read_to_string(dir.join("p/s.snap")).unwrap();
        assert!(text.starts_with("---\nsource: "), "{text}");
        assert!(text.ends_with("---\na: 2\n"), "{text}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
