use crate::rule::{Rule, ex, ex_at};

/// The key in an Azure storage (`AccountKey=`) or Service Bus / Event
/// Hubs (`SharedAccessKey=`) connection string.
pub static RULE: Rule = Rule {
    id: "azure-storage-key",
    description: "Azure storage account key",
    keywords: &["AccountKey=", "SharedAccessKey="],
    regex: r"(?i)(?:AccountKey|SharedAccessKey)=([A-Za-z0-9+/]{40,}={0,2})",
    min_entropy: Some(4.5),
    examples: &[ex(concat!(
        "AZURE_STORAGE=DefaultEndpointsProtocol=https;AccountName=prodlogs;AccountKey=URe4XQRWjXVwtARiVISf",
        "S4P1EBz868k6+OAaFUNFCufHLkXBIdFs2emt0fJCZyaJ64OSfrNTFkcOzLAubOUSRA==;EndpointSuffix=core.windows.net"
    ))],
    counter_examples: &[
        // The storage emulator's published development key.
        ex_at(
            "local.settings.json",
            "\"AzureWebJobsStorage\": \"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;\"",
        ),
        ex("AccountKey=<storage-account-key>"),
    ],
    ..Rule::BASE
};
