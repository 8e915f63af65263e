use crate::rule::{Rule, ex};

/// A PyPI (or TestPyPI) upload token: `pypi-` and a macaroon whose
/// encoded header names the index.
pub static RULE: Rule = Rule {
    id: "pypi-token",
    description: "PyPI upload token",
    keywords: &["pypi-AgE"],
    case_sensitive: true,
    regex: r"\b(pypi-AgE(?:IcHlwaS5vcmc|NdGVzdC5weXBpLm9yZw)[A-Za-z0-9_\-]{50,})",
    examples: &[ex(concat!(
        "password = pypi-AgEIcHlwaS5vcmc",
        "NNAL5wIScGebcy8F5n3-YNBDRzrZSgqbjG3uhkWKFLf6xuI5aHUQPFeNBTxaQWk8JzFalH"
    ))
    .at(".pypirc")],
    counter_examples: &[ex("password = pypi-AgEIcHlwaS5vcmc...")],
    ..Rule::BASE
};
