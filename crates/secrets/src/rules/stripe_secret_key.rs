use crate::rule::{Rule, ex};

/// A Stripe live secret key (`sk_live_`) or restricted key (`rk_live_`).
pub static RULE: Rule = Rule {
    id: "stripe-secret-key",
    description: "Stripe live secret key",
    keywords: &["_live_"],
    case_sensitive: true,
    regex: r"\b((?:sk|rk)_live_[0-9A-Za-z]{24,247})\b",
    min_entropy: Some(3.0),
    examples: &[
        ex(concat!(
            "STRIPE_SECRET_KEY=sk_live",
            "_MEQ7wjJJibaZUPgHV7iB3m03"
        )),
        ex(concat!(
            "stripe.api_key = \"rk_live",
            "_nbqnsGpWLuqIA1id6Vw5DQL05HA064GiIjHGb3CXlMaXZjljENUhJduRHHJEYXg4JdpmrcXgGCJbW56eCuNGMGmSrCGIZEG8pSH\""
        )),
    ],
    counter_examples: &[
        ex("STRIPE_SECRET_KEY=sk_live_..."),
        ex("STRIPE_SECRET_KEY=sk_test_4eC39HqLyjWDarjtT1zdp7dc"),
    ],
    ..Rule::BASE
};
