use crate::rule::{Rule, ex};

/// An OpenAI API key: project, service-account, admin or legacy, all with
/// the `T3BlbkFJ` marker inside.
pub static RULE: Rule = Rule {
    id: "openai-api-key",
    description: "OpenAI API key",
    keywords: &["T3BlbkFJ"],
    case_sensitive: true,
    regex: r"\b(sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,74}T3BlbkFJ[A-Za-z0-9_\-]{20,74})\b",
    examples: &[ex(concat!(
        "OPENAI_API_KEY=sk-B4geqNfngAFTCloiADN5",
        "T3BlbkFJRpVI2XQWhX1ssrKrxqVq"
    ))],
    counter_examples: &[ex("OPENAI_API_KEY=sk-...T3BlbkFJ...")],
    ..Rule::BASE
};
