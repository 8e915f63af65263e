//! The canonical rendering of an exposition.

use std::fmt::Write as _;

use crate::model::{Exposition, Family, Format, Label, Sample};
use crate::text::{escape_help, escape_label_value};

/// Renders an exposition in a format: per family `# HELP` (when there is
/// help), `# TYPE`, `# UNIT` (OpenMetrics, when there is a unit), then the
/// samples as they are; OpenMetrics ends with `# EOF`.
///
/// Families and sample names are written as they are: converting between
/// the formats' naming (an OpenMetrics counter `a` with sample `a_total`, a
/// text counter `a_total`) is the caller's choice. The text format has no
/// units or exemplars, so those are left out, and its types have no
/// `gaugehistogram`, `info` or `stateset`, which are written as `untyped`.
/// Timestamps are written as seconds in OpenMetrics and as whole
/// milliseconds in the text format.
pub fn write(exp: &Exposition<'_>, format: Format) -> String {
    let om = format == Format::OpenMetrics;
    let mut out = String::with_capacity(
        exp.families
            .iter()
            .map(|f| 64 + f.samples.len() * 64)
            .sum::<usize>(),
    );
    for fam in &exp.families {
        write_family(&mut out, fam, om);
    }
    if om {
        out.push_str("# EOF\n");
    }
    out
}

fn write_family(out: &mut String, fam: &Family<'_>, om: bool) {
    if let Some(help) = &fam.help {
        out.push_str("# HELP ");
        out.push_str(fam.name);
        out.push(' ');
        escape_help(out, help, om);
        out.push('\n');
    }
    out.push_str("# TYPE ");
    out.push_str(fam.name);
    out.push(' ');
    out.push_str(if om {
        fam.kind.as_str()
    } else {
        fam.kind.text_name()
    });
    out.push('\n');
    if let (true, Some(unit)) = (om, fam.unit) {
        out.push_str("# UNIT ");
        out.push_str(fam.name);
        out.push(' ');
        out.push_str(unit);
        out.push('\n');
    }
    for s in &fam.samples {
        write_sample(out, s, om);
    }
}

fn write_sample(out: &mut String, s: &Sample<'_>, om: bool) {
    out.push_str(s.name);
    write_labels(out, &s.labels, false);
    out.push(' ');
    push_value(out, s.value);
    if let Some(t) = s.timestamp {
        out.push(' ');
        if om {
            push_value(out, t);
        } else {
            let _ = write!(out, "{}", to_millis(t));
        }
    }
    if let (true, Some(ex)) = (om, &s.exemplar) {
        out.push_str(" # ");
        write_labels(out, &ex.labels, true);
        out.push(' ');
        push_value(out, ex.value);
        if let Some(t) = ex.timestamp {
            out.push(' ');
            push_value(out, t);
        }
    }
    out.push('\n');
}

fn write_labels(out: &mut String, labels: &[Label<'_>], always: bool) {
    if labels.is_empty() && !always {
        return;
    }
    out.push('{');
    for (i, l) in labels.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(l.name);
        out.push_str("=\"");
        escape_label_value(out, &l.value);
        out.push('"');
    }
    out.push('}');
}

/// Seconds as whole milliseconds that read back as the same seconds: the
/// text parser divides milliseconds by 1000, and for very large timestamps
/// the nearest product may be one step away from the one that does.
fn to_millis(t: f64) -> i64 {
    let m = (t * 1000.0).round();
    // Below 2^53 milliseconds every integer is exact and rounding is right.
    if m.is_finite() && m.abs() >= 9_007_199_254_740_992.0 && m / 1000.0 != t {
        let step = |m: f64, up: bool| {
            let bits = m.to_bits();
            f64::from_bits(if (m > 0.0) == up {
                bits.wrapping_add(1)
            } else {
                bits.wrapping_sub(1)
            })
        };
        for candidate in [step(m, true), step(m, false)] {
            if candidate / 1000.0 == t {
                return candidate as i64;
            }
        }
    }
    m as i64
}

/// A value as both formats read it back exactly: `NaN`, `+Inf`, `-Inf`,
/// integers without a fraction, anything else in Rust's shortest form.
pub(crate) fn push_value(out: &mut String, v: f64) {
    if v.is_nan() {
        out.push_str("NaN");
    } else if v == f64::INFINITY {
        out.push_str("+Inf");
    } else if v == f64::NEG_INFINITY {
        out.push_str("-Inf");
    } else if v.fract() == 0.0 && v.abs() < 1e15 && !(v == 0.0 && v.is_sign_negative()) {
        let _ = write!(out, "{}", v as i64);
    } else {
        let _ = write!(out, "{v:?}");
    }
}

/// [`push_value`] into a new string, for messages.
pub(crate) fn fmt_value(v: f64) -> String {
    let mut s = String::new();
    push_value(&mut s, v);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_back() {
        for v in [
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.1,
            1e-7,
            1.5e300,
            -2.5e-300,
            1e15,
            1e16,
            123_456_789.125,
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
        ] {
            let s = fmt_value(v);
            let back = crate::number::parse_value(&s).expect("a written value parses");
            assert_eq!(back.to_bits(), v.to_bits(), "{v} written as {s}");
        }
        assert_eq!(fmt_value(1.0), "1");
        assert_eq!(fmt_value(f64::INFINITY), "+Inf");
        assert_eq!(fmt_value(f64::NAN), "NaN");
    }
}
