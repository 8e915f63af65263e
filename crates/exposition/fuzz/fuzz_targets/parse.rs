//! Any bytes, in both formats: parsing never panics, strict and lenient
//! parsing agree, and whatever parses is written and parsed back to the
//! same exposition, with a writer whose output is stable.
//!
//! From `crates/exposition`, with cargo-fuzz and a nightly toolchain (or
//! `RUSTC_BOOTSTRAP=1` on stable), seeded with the conformance suite:
//!
//! ```text
//! mkdir -p fuzz/corpus/parse
//! for f in ../../../shared/testdata/openmetrics/*/metrics; do
//!   cp "$f" "fuzz/corpus/parse/$(basename "$(dirname "$f")")"; done
//! cargo +nightly fuzz run parse -- -max_total_time=600 -dict=fuzz/exposition.dict
//! ```

#![no_main]

use libfuzzer_sys::fuzz_target;
use relman_exposition::{Format, check_consistency, parse, parse_bytes, parse_lenient, write};

fuzz_target!(|data: &[u8]| {
    for format in [Format::Text, Format::OpenMetrics] {
        let strict = parse_bytes(data, format);
        if let Ok(text) = std::str::from_utf8(data) {
            let (_, errors) = parse_lenient(text, format);
            match &strict {
                Ok(_) => assert!(errors.is_empty(), "lenient found {errors:?}"),
                Err(e) => assert_eq!(errors.first(), Some(e), "lenient and strict disagree"),
            }
        }
        let Ok(exp) = strict else { continue };
        let _ = check_consistency(&exp);
        let written = write(&exp, format);
        let again = parse(&written, format)
            .unwrap_or_else(|e| panic!("the written form does not parse: {e}\n{written}"));
        assert_eq!(exp.families.len(), again.families.len(), "{written}");
        for (a, b) in exp.families.iter().zip(&again.families) {
            assert_eq!(
                (a.name, a.kind, &a.help, a.unit),
                (b.name, b.kind, &b.help, b.unit)
            );
            assert_eq!(a.samples.len(), b.samples.len(), "{written}");
            for (x, y) in a.samples.iter().zip(&b.samples) {
                assert_eq!((x.name, &x.labels), (y.name, &y.labels), "{written}");
                assert!(
                    x.value.total_cmp(&y.value).is_eq() || (x.value.is_nan() && y.value.is_nan())
                );
            }
        }
        assert_eq!(
            write(&again, format),
            written,
            "writing again changed the output"
        );
    }
});
