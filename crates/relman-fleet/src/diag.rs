//! Diagnostics: one problem in one fleet file, with its position.

use relman_core::yaml::Pos;

/// A problem found while loading the fleet directory.
///
/// Displayed as `services/orders.yaml:5:7: tier: unknown value "platinum",
/// expected critical or non-critical`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// Relative to the fleet directory.
    pub file: String,
    pub pos: Option<Pos>,
    /// The dotted field path (`slo.internal.objective`), empty for the file.
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(pos) = self.pos {
            write!(f, ":{pos}")?;
        }
        if self.field.is_empty() {
            write!(f, ": {}", self.message)
        } else {
            write!(f, ": {}: {}", self.field, self.message)
        }
    }
}

/// Suggest the closest of `candidates` to a misspelt `word`.
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (levenshtein(word, c), *c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

// Optimal string alignment distance: a dozen lines, not worth a dependency.
fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut prev2: Vec<usize> = prev.clone();
    let mut a_prev: Option<char> = None;
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            // A swap of two neighbours ("teir" for "tier") costs one edit.
            if i > 0 && j > 0 && ca == b[j - 1] && a_prev == Some(*cb) {
                cur[j + 1] = cur[j + 1].min(prev2[j - 1] + 1);
            }
        }
        a_prev = Some(ca);
        prev2 = std::mem::replace(&mut prev, cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(
            did_you_mean("teir", &["tier", "team", "name"]),
            Some("tier")
        );
        assert_eq!(did_you_mean("zzzzzz", &["tier", "team"]), None);
    }

    #[test]
    fn display() {
        let d = Diagnostic {
            file: "services/orders.yaml".into(),
            pos: Some(Pos { line: 5, col: 7 }),
            field: "tier".into(),
            message: "unknown value \"platinum\", expected critical or non-critical".into(),
        };
        assert_eq!(
            d.to_string(),
            "services/orders.yaml:5:7: tier: unknown value \"platinum\", expected critical or non-critical"
        );
    }
}
