//! Comparing expositions: everything but line numbers, with NaN equal to NaN.

use relman_exposition::{Exemplar, Exposition, Label, Sample};

/// The first difference between two expositions, if any.
pub fn difference(a: &Exposition<'_>, b: &Exposition<'_>) -> Option<String> {
    if a.families.len() != b.families.len() {
        return Some(format!(
            "{} families, then {}",
            a.families.len(),
            b.families.len()
        ));
    }
    for (fa, fb) in a.families.iter().zip(&b.families) {
        let what = format!("family `{}`", fa.name);
        if (fa.name, fa.kind, &fa.help, fa.unit) != (fb.name, fb.kind, &fb.help, fb.unit) {
            return Some(format!(
                "{what}: {:?} {:?} {:?} then `{}` {:?} {:?} {:?}",
                fa.kind, fa.help, fa.unit, fb.name, fb.kind, fb.help, fb.unit
            ));
        }
        if fa.samples.len() != fb.samples.len() {
            return Some(format!(
                "{what}: {} samples, then {}",
                fa.samples.len(),
                fb.samples.len()
            ));
        }
        for (sa, sb) in fa.samples.iter().zip(&fb.samples) {
            if !same_sample(sa, sb) {
                return Some(format!("{what}: sample {sa:?} then {sb:?}"));
            }
        }
    }
    None
}

fn same_sample(a: &Sample<'_>, b: &Sample<'_>) -> bool {
    a.name == b.name
        && same_labels(&a.labels, &b.labels)
        && same_f64(a.value, b.value)
        && same_opt(a.timestamp, b.timestamp)
        && match (&a.exemplar, &b.exemplar) {
            (None, None) => true,
            (Some(x), Some(y)) => same_exemplar(x, y),
            _ => false,
        }
}

fn same_exemplar(a: &Exemplar<'_>, b: &Exemplar<'_>) -> bool {
    same_labels(&a.labels, &b.labels)
        && same_f64(a.value, b.value)
        && same_opt(a.timestamp, b.timestamp)
}

fn same_labels(a: &[Label<'_>], b: &[Label<'_>]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.name == y.name && x.value == y.value)
}

pub fn same_f64(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a == b
}

fn same_opt(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(x), Some(y)) => same_f64(x, y),
        _ => false,
    }
}
