//! "Did you mean ...?" for misspelt argument names and values.

/// The candidate nearest to `given`, when it is near enough to be a likely typo: at most two
/// single-character edits away, or equal once case, `-` versus `_` and a trailing `s`/`ed` are
/// set aside (`multi-threaded` -> `multi_thread`, `worker_thread` -> `worker_threads`).
pub(crate) fn closest<'a>(given: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let normal = normalize(given);
    if let Some(same) = candidates.iter().find(|c| normalize(c) == normal) {
        return Some(same);
    }
    candidates
        .iter()
        .map(|c| (distance(given, c), *c))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn normalize(word: &str) -> String {
    let lower = word.to_ascii_lowercase().replace('-', "_");
    let trimmed = lower
        .strip_suffix("ed")
        .or_else(|| lower.strip_suffix('s'))
        .unwrap_or(&lower);
    trimmed.to_string()
}

/// Levenshtein distance over characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::closest;

    const FLAVORS: [&str; 3] = ["current_thread", "multi_thread", "local"];

    #[test]
    fn near_misses_are_suggested() {
        assert_eq!(closest("multi_threaded", &FLAVORS), Some("multi_thread"));
        assert_eq!(closest("multi-thread", &FLAVORS), Some("multi_thread"));
        assert_eq!(closest("curent_thread", &FLAVORS), Some("current_thread"));
        assert_eq!(
            closest("worker_thread", &["flavor", "worker_threads"]),
            Some("worker_threads")
        );
    }

    #[test]
    fn far_words_are_not() {
        assert_eq!(closest("threadpool", &FLAVORS), None);
        assert_eq!(closest("x", &FLAVORS), None);
    }
}
