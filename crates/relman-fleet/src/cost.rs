//! cost/: what the infrastructure costs, month by month (P-1..P-4).
//!
//! A cost file's header line tells its shape:
//! - the generic form of DESIGN.md, `month,environment,pricing,cost_usd`,
//!   with optional `customers` and `capacity_hours` (instance-hours)
//!   columns. One row per line.
//! - a legacy AWS Cost and Usage Report (any `lineItem/...` column): it
//!   needs `lineItem/UsageStartDate`, `lineItem/UsageType` and
//!   `lineItem/UnblendedCost`, and reads `lineItem/UsageAmount`,
//!   `lineItem/LineItemType`, `pricing/term` and
//!   `resourceTags/user:<tag>` when present.
//! - a CUR 2.0 export from AWS Data Exports (any `line_item_...` column):
//!   `line_item_usage_start_date`, `line_item_usage_type`,
//!   `line_item_unblended_cost`, and optionally `line_item_usage_amount`,
//!   `line_item_line_item_type`, `pricing_term` and the environment tag as
//!   a `resource_tags_user_<tag>` column or inside the `resource_tags` map
//!   (a JSON object such as `{"user_environment":"production"}`).
//!
//! A CUR's lines are summed per month (of the usage start date),
//! environment and pricing, so a large report costs little memory. Spot is
//! told from on-demand by the usage type (`EUW1-SpotUsage:m5.large`
//! against `EUW1-BoxUsage:m5.large`); reserved instances and savings plans
//! by the line item type (`DiscountedUsage`, `RIFee`, `SavingsPlan...`);
//! taxes, fees, credits, refunds and discounts are `other`. Instance-hours
//! are the usage amount of EC2 instance usage (`BoxUsage`, `SpotUsage`,
//! `DedicatedUsage`). A line without the environment tag counts as
//! environment `untagged`.
//!
//! Customer counts come from `cost/customers.csv` (`month,customers`) or,
//! without it, from the generic form's `customers` column. Files may be
//! gzip-compressed (`.csv.gz`), as AWS delivers them.
//!
//! Every problem is a diagnostic with file, line and column; the bad line
//! is skipped and the rest of the file is read. The problems are also kept
//! in [`CostData::problems`], so the cost checks can say their input was
//! incomplete.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use relman_core::cost::{Month, UNTAGGED};
use relman_core::fleet::{
    CostConfig, CostData, CostFile, CostProblem, CostRow, CostSource, CustomerCount, Pricing,
};
use relman_core::time;
use relman_core::yaml::Pos;

use crate::diag::Diagnostic;
use crate::files;

/// A cost file is read up to this much text (after decompression); a CUR
/// is summed as it is read, so only the time spent grows with it.
pub(crate) const MAX_COST_BYTES: u64 = 512 * 1024 * 1024;

/// The generic form holds one row per line in memory: it is capped like
/// every other fleet file.
const MAX_GENERIC_BYTES: u64 = files::MAX_FILE_BYTES;

/// The name of the customer counts file in cost/.
const CUSTOMERS_FILE: &str = "customers.csv";

const GENERIC_COLUMNS: [&str; 4] = ["month", "environment", "pricing", "cost_usd"];
const LEGACY_COLUMNS: [&str; 3] = [
    "lineItem/UsageStartDate",
    "lineItem/UsageType",
    "lineItem/UnblendedCost",
];
const CUR2_COLUMNS: [&str; 3] = [
    "line_item_usage_start_date",
    "line_item_usage_type",
    "line_item_unblended_cost",
];

/// Line item types, as the CUR spells them, and the pricing they count as.
/// `Usage` is told by its usage type.
const LINE_ITEM_TYPES: &[(&str, Option<Pricing>)] = &[
    ("Usage", None),
    ("DiscountedUsage", Some(Pricing::Reserved)),
    ("RIFee", Some(Pricing::Reserved)),
    ("SavingsPlanCoveredUsage", Some(Pricing::SavingsPlan)),
    ("SavingsPlanNegation", Some(Pricing::SavingsPlan)),
    ("SavingsPlanUpfrontFee", Some(Pricing::SavingsPlan)),
    ("SavingsPlanRecurringFee", Some(Pricing::SavingsPlan)),
    ("Tax", Some(Pricing::Other)),
    ("Fee", Some(Pricing::Other)),
    ("Credit", Some(Pricing::Other)),
    ("Refund", Some(Pricing::Other)),
    ("BundledDiscount", Some(Pricing::Other)),
    ("EdpDiscount", Some(Pricing::Other)),
    ("PrivateRateDiscount", Some(Pricing::Other)),
    ("DistributorDiscount", Some(Pricing::Other)),
    ("SppDiscount", Some(Pricing::Other)),
];

/// Line item types whose usage amount is instance-hours run.
const RUNNING: &[&str] = &["Usage", "DiscountedUsage", "SavingsPlanCoveredUsage"];

fn problem(file: &str, line: u32, col: u32, field: &str, message: String) -> Diagnostic {
    Diagnostic {
        file: file.to_string(),
        pos: Some(Pos { line, col }),
        field: field.to_string(),
        message,
    }
}

fn file_problem(file: &str, message: String) -> Diagnostic {
    Diagnostic {
        file: file.to_string(),
        pos: None,
        field: String::new(),
        message,
    }
}

/// Read cost/: every cost file and cost/customers.csv.
pub(crate) fn load(root: &Path, cfg: &CostConfig, diags: &mut Vec<Diagnostic>) -> CostData {
    let mut found = Vec::new();
    let mut data = CostData::default();
    let mut customers_files = Vec::new();
    let mut column_counts = Vec::new();
    for path in files::list(root, "cost", &["csv", "gz"], &mut found) {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        if !(name.ends_with(".csv") || name.ends_with(".csv.gz")) {
            continue;
        }
        let shown = files::display(root, &path);
        if name.trim_end_matches(".gz") == CUSTOMERS_FILE {
            customers_files.push((path, shown));
        } else {
            read_cost_file(
                &path,
                &shown,
                cfg,
                &mut data,
                &mut column_counts,
                &mut found,
            );
        }
    }
    let mut listed: BTreeMap<Month, CustomerCount> = BTreeMap::new();
    for (path, shown) in &customers_files {
        read_customers(path, shown, &mut listed, &mut found);
    }
    reconcile_customers(listed, column_counts, &mut data, &mut found);
    data.problems = found
        .iter()
        .map(|d| CostProblem {
            file: d.file.clone(),
            line: d.pos.map(|p| p.line),
            column: d.pos.map(|p| p.col),
            message: if d.field.is_empty() {
                d.message.clone()
            } else {
                format!("{}: {}", d.field, d.message)
            },
        })
        .collect();
    diags.append(&mut found);
    data
}

/// A customer count read from the generic form's column.
struct ColumnCount {
    month: Month,
    customers: u64,
    file: String,
    line: u32,
    col: u32,
}

/// Customer counts: cost/customers.csv first; the generic form's column
/// for the months it does not give. Counts that disagree are reported.
fn reconcile_customers(
    mut counts: BTreeMap<Month, CustomerCount>,
    column: Vec<ColumnCount>,
    data: &mut CostData,
    diags: &mut Vec<Diagnostic>,
) {
    for c in column {
        match counts.get(&c.month) {
            Some(known) if known.customers != c.customers => {
                diags.push(problem(
                    &c.file,
                    c.line,
                    c.col,
                    "customers",
                    format!(
                        "{} customers for {}, but {}:{} gives {}; that count is used",
                        c.customers, c.month, known.file, known.line, known.customers
                    ),
                ));
            }
            Some(_) => {}
            None => {
                counts.insert(
                    c.month,
                    CustomerCount {
                        month: c.month.to_string(),
                        customers: c.customers,
                        file: c.file,
                        line: c.line,
                    },
                );
            }
        }
    }
    data.customers = counts.into_values().collect();
}

/// Open a cost file for reading, through gzip when it is compressed, and
/// capped at [`MAX_COST_BYTES`].
fn open(path: &Path) -> std::io::Result<std::io::Take<Box<dyn Read>>> {
    let file = std::fs::File::open(path)?;
    let gz = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"));
    let inner: Box<dyn Read> = if gz {
        Box::new(flate2::read::MultiGzDecoder::new(std::io::BufReader::new(
            file,
        )))
    } else {
        Box::new(file)
    };
    Ok(inner.take(MAX_COST_BYTES))
}

/// The header line as written, shortened for a message.
fn header_line(headers: &csv::StringRecord) -> String {
    let line = headers.iter().collect::<Vec<_>>().join(",");
    if line.chars().count() > 160 {
        format!("{}…", line.chars().take(157).collect::<String>())
    } else {
        line
    }
}

fn find(headers: &csv::StringRecord, name: &str) -> Option<usize> {
    headers.iter().position(|h| h.eq_ignore_ascii_case(name))
}

/// Map required columns to their indexes, or report the missing ones
/// with the header line.
fn required(
    file: &str,
    headers: &csv::StringRecord,
    what: &str,
    cols: &[&str],
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<usize>> {
    let mut idx = Vec::new();
    let mut missing = Vec::new();
    for col in cols {
        match find(headers, col) {
            Some(i) => idx.push(i),
            None => missing.push(*col),
        }
    }
    if missing.is_empty() {
        return Some(idx);
    }
    diags.push(problem(
        file,
        1,
        1,
        "",
        format!(
            "missing column{} {}; {what} needs the columns {}; the header line is \"{}\"",
            if missing.len() > 1 { "s" } else { "" },
            missing.join(", "),
            cols.join(","),
            header_line(headers)
        ),
    ));
    None
}

/// Where a CUR keeps the environment tag.
enum TagColumn {
    None,
    /// A column holding the value.
    Plain(usize),
    /// CUR 2.0's `resource_tags`: a JSON object of tag keys and values.
    Map(usize),
}

/// The columns of a file, by shape.
enum Shape {
    Generic {
        /// month, environment, pricing, cost_usd.
        idx: Vec<usize>,
        customers: Option<usize>,
        hours: Option<usize>,
    },
    Cur {
        source: CostSource,
        /// usage start date, usage type, unblended cost.
        idx: Vec<usize>,
        amount: Option<usize>,
        item_type: Option<usize>,
        term: Option<usize>,
        tag: TagColumn,
        tag_keys: Vec<String>,
    },
}

fn shape(
    file: &str,
    headers: &csv::StringRecord,
    cfg: &CostConfig,
    diags: &mut Vec<Diagnostic>,
) -> Option<Shape> {
    let lower: Vec<String> = headers.iter().map(|h| h.to_ascii_lowercase()).collect();
    let tag = cfg.environment_tag.to_ascii_lowercase();
    if lower.iter().any(|h| h.starts_with("lineitem/")) {
        let idx = required(
            file,
            headers,
            "a Cost and Usage Report",
            &LEGACY_COLUMNS,
            diags,
        )?;
        let tag = match find(headers, &format!("resourceTags/user:{tag}")) {
            Some(i) => TagColumn::Plain(i),
            None => TagColumn::None,
        };
        return Some(Shape::Cur {
            source: CostSource::CurLegacy,
            idx,
            amount: find(headers, "lineItem/UsageAmount"),
            item_type: find(headers, "lineItem/LineItemType"),
            term: find(headers, "pricing/term"),
            tag,
            tag_keys: Vec::new(),
        });
    }
    if lower.iter().any(|h| h.starts_with("line_item_")) {
        let idx = required(file, headers, "a CUR 2.0 export", &CUR2_COLUMNS, diags)?;
        let tag_col = match (
            find(headers, &format!("resource_tags_user_{tag}")),
            find(headers, "resource_tags"),
        ) {
            (Some(i), _) => TagColumn::Plain(i),
            (None, Some(i)) => TagColumn::Map(i),
            (None, None) => TagColumn::None,
        };
        return Some(Shape::Cur {
            source: CostSource::Cur2,
            idx,
            amount: find(headers, "line_item_usage_amount"),
            item_type: find(headers, "line_item_line_item_type"),
            term: find(headers, "pricing_term"),
            tag: tag_col,
            tag_keys: vec![format!("user_{tag}"), format!("user:{tag}")],
        });
    }
    let idx = required(file, headers, "the generic form", &GENERIC_COLUMNS, diags)?;
    Some(Shape::Generic {
        idx,
        customers: find(headers, "customers"),
        hours: find(headers, "capacity_hours"),
    })
}

fn read_cost_file(
    path: &Path,
    file: &str,
    cfg: &CostConfig,
    data: &mut CostData,
    column_counts: &mut Vec<ColumnCount>,
    diags: &mut Vec<Diagnostic>,
) {
    let input = match open(path) {
        Ok(r) => r,
        Err(e) => {
            diags.push(file_problem(file, format!("cannot read: {e}")));
            return;
        }
    };
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(input);
    let mut headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            diags.push(problem(file, 1, 1, "", format!("invalid CSV header: {e}")));
            return;
        }
    };
    // A byte order mark before the first column name.
    if let Some(first) = headers.get(0).and_then(|h| h.strip_prefix('\u{feff}')) {
        let mut fixed = csv::StringRecord::new();
        fixed.push_field(first);
        for h in headers.iter().skip(1) {
            fixed.push_field(h);
        }
        headers = fixed;
    }
    let Some(shape) = shape(file, &headers, cfg, diags) else {
        return;
    };
    let mut summary = CostFile {
        file: file.to_string(),
        source: CostSource::Generic,
        lines: 0,
        skipped: 0,
        capacity_hours: false,
    };
    match shape {
        Shape::Generic {
            idx,
            customers,
            hours,
        } => {
            summary.capacity_hours = hours.is_some();
            let cols = GenericColumns {
                idx,
                customers,
                hours,
            };
            for rec in reader.records() {
                let r = match rec {
                    Ok(r) => r,
                    Err(e) => {
                        broken_row(file, &e, diags);
                        summary.skipped += 1;
                        continue;
                    }
                };
                if r.position().is_some_and(|p| p.byte() > MAX_GENERIC_BYTES) {
                    diags.push(file_problem(
                        file,
                        format!(
                            "file is larger than {} MiB; a generic cost file is a monthly summary: the rest of it was not read",
                            MAX_GENERIC_BYTES / (1024 * 1024)
                        ),
                    ));
                    break;
                }
                match generic_row(file, &r, &cols, diags) {
                    Some((row, count)) => {
                        summary.lines += 1;
                        column_counts.extend(count);
                        data.rows.push(row);
                    }
                    None => summary.skipped += 1,
                }
            }
        }
        Shape::Cur {
            source,
            idx,
            amount,
            item_type,
            term,
            tag,
            tag_keys,
        } => {
            summary.source = source;
            summary.capacity_hours = amount.is_some();
            let cols = CurColumns {
                headers: &headers,
                idx,
                amount,
                item_type,
                term,
                tag,
                tag_keys,
            };
            let mut sums: BTreeMap<(Month, String, Pricing), Sum> = BTreeMap::new();
            for rec in reader.records() {
                let r = match rec {
                    Ok(r) => r,
                    Err(e) => {
                        broken_row(file, &e, diags);
                        summary.skipped += 1;
                        continue;
                    }
                };
                let Some(line) = cur_line(file, &r, &cols, diags) else {
                    summary.skipped += 1;
                    continue;
                };
                summary.lines += 1;
                let s = sums
                    .entry((line.month, line.environment, line.pricing))
                    .or_insert(Sum {
                        cost: 0.0,
                        hours: 0.0,
                        first_line: line.line,
                        lines: 0,
                    });
                s.cost += line.cost;
                s.hours += line.hours;
                s.lines += 1;
            }
            let mut rows: Vec<CostRow> = sums
                .into_iter()
                .map(|((month, environment, pricing), s)| CostRow {
                    month: month.to_string(),
                    environment,
                    pricing,
                    cost_usd: s.cost,
                    customers: None,
                    file: file.to_string(),
                    line: s.first_line,
                    capacity_hours: amount.map(|_| s.hours),
                    source,
                    lines: s.lines,
                })
                .collect();
            rows.sort_by_key(|r| r.line);
            data.rows.extend(rows);
        }
    }
    let mut rest = reader.into_inner();
    if rest.limit() == 0 && rest.get_mut().read(&mut [0u8; 1]).is_ok_and(|n| n > 0) {
        diags.push(file_problem(
            file,
            format!(
                "file is larger than {} MiB of text; the rest of it was not read",
                MAX_COST_BYTES / (1024 * 1024)
            ),
        ));
    }
    data.files.push(summary);
}

fn broken_row(file: &str, e: &csv::Error, diags: &mut Vec<Diagnostic>) {
    let line = e.position().map_or(0, |p| p.line() as u32);
    let why = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} fields where the header has {expected_len}"),
        csv::ErrorKind::Utf8 { err, .. } => {
            format!("not valid UTF-8 in field {}", err.field() + 1)
        }
        _ => e.to_string(),
    };
    diags.push(problem(
        file,
        line,
        1,
        "",
        format!("invalid CSV row: {why}"),
    ));
}

struct GenericColumns {
    idx: Vec<usize>,
    customers: Option<usize>,
    hours: Option<usize>,
}

/// One line of the generic form, with its customer count when it gives one.
fn generic_row(
    file: &str,
    r: &csv::StringRecord,
    cols: &GenericColumns,
    diags: &mut Vec<Diagnostic>,
) -> Option<(CostRow, Option<ColumnCount>)> {
    let line = r.position().map_or(0, |p| p.line() as u32);
    let get = |i: usize| r.get(cols.idx[i]).unwrap_or_default();
    let col = |i: usize| cols.idx[i] as u32 + 1;
    let before = diags.len();

    let month_text = get(0);
    let month = Month::parse(month_text);
    if month.is_none() {
        diags.push(problem(
            file,
            line,
            col(0),
            "month",
            format!("invalid month \"{month_text}\", expected YYYY-MM"),
        ));
    }
    let pricing = match get(2) {
        "spot" => Some(Pricing::Spot),
        "on_demand" | "on-demand" | "ondemand" => Some(Pricing::OnDemand),
        "reserved" => Some(Pricing::Reserved),
        "savings_plan" | "savings-plan" => Some(Pricing::SavingsPlan),
        other => {
            diags.push(problem(
                file,
                line,
                col(2),
                "pricing",
                format!("unknown value \"{other}\", expected one of spot, on_demand, reserved, savings_plan"),
            ));
            None
        }
    };
    let cost = number(get(3));
    if cost.is_none() {
        diags.push(problem(
            file,
            line,
            col(3),
            "cost_usd",
            format!("expected a number, found \"{}\"", get(3)),
        ));
    }
    let customers = match cols
        .customers
        .and_then(|i| r.get(i))
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(s) => match s.parse::<u64>() {
            Ok(n) => Some(n),
            Err(_) => {
                diags.push(problem(
                    file,
                    line,
                    cols.customers.map_or(1, |i| i as u32 + 1),
                    "customers",
                    format!("expected a whole number, found \"{s}\""),
                ));
                None
            }
        },
    };
    let hours = match cols.hours {
        None => None,
        Some(i) => match r.get(i).unwrap_or_default() {
            "" => Some(0.0),
            s => match number(s).filter(|h| *h >= 0.0) {
                Some(h) => Some(h),
                None => {
                    diags.push(problem(
                        file,
                        line,
                        i as u32 + 1,
                        "capacity_hours",
                        format!("expected a number of instance-hours, found \"{s}\""),
                    ));
                    None
                }
            },
        },
    };
    if get(1).is_empty() {
        diags.push(problem(
            file,
            line,
            col(1),
            "environment",
            format!("must not be empty (write \"{UNTAGGED}\" for cost of no environment)"),
        ));
    }
    if diags.len() > before {
        return None;
    }
    let (Some(month), Some(pricing), Some(cost_usd)) = (month, pricing, cost) else {
        return None;
    };
    let count = customers.map(|customers| ColumnCount {
        month,
        customers,
        file: file.to_string(),
        line,
        col: cols.customers.map_or(1, |i| i as u32 + 1),
    });
    Some((
        CostRow {
            month: month.to_string(),
            environment: get(1).to_string(),
            pricing,
            cost_usd,
            customers,
            file: file.to_string(),
            line,
            capacity_hours: hours,
            source: CostSource::Generic,
            lines: 1,
        },
        count,
    ))
}

/// A finite number; CUR amounts may be in scientific notation.
fn number(s: &str) -> Option<f64> {
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}

struct CurColumns<'h> {
    headers: &'h csv::StringRecord,
    idx: Vec<usize>,
    amount: Option<usize>,
    item_type: Option<usize>,
    term: Option<usize>,
    tag: TagColumn,
    tag_keys: Vec<String>,
}

impl CurColumns<'_> {
    fn name(&self, i: usize) -> &str {
        self.headers.get(i).unwrap_or_default()
    }
}

/// What one CUR line adds to a month.
struct CurLine {
    month: Month,
    environment: String,
    pricing: Pricing,
    cost: f64,
    hours: f64,
    line: u32,
}

struct Sum {
    cost: f64,
    hours: f64,
    first_line: u32,
    lines: u32,
}

/// EC2 instance usage: `BoxUsage:m5.large`, `EUW1-SpotUsage:c5.xlarge`,
/// `USE2-DedicatedUsage:r5.large`. Fargate's `SpotUsage-Fargate-vCPU-Hours`
/// is spot, but not instance-hours.
fn instance_usage(usage_type: &str) -> bool {
    let kind = usage_type.split(':').next().unwrap_or_default();
    let kind = kind.rsplit('-').next().unwrap_or(kind);
    usage_type.contains(':') && matches!(kind, "BoxUsage" | "SpotUsage" | "DedicatedUsage")
}

fn cur_line(
    file: &str,
    r: &csv::StringRecord,
    cols: &CurColumns<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<CurLine> {
    let line = r.position().map_or(0, |p| p.line() as u32);
    let get = |i: usize| r.get(i).unwrap_or_default();
    let before = diags.len();
    let report = |diags: &mut Vec<Diagnostic>, i: usize, message: String| {
        diags.push(problem(file, line, i as u32 + 1, cols.name(i), message));
    };

    let date_text = get(cols.idx[0]);
    let month = time::parse_timestamp(date_text).map(|t| Month::of(t.date_naive()));
    if month.is_none() {
        report(
            diags,
            cols.idx[0],
            format!(
                "invalid timestamp \"{date_text}\", expected ISO 8601 such as 2026-10-01T00:00:00Z"
            ),
        );
    }
    let usage_type = get(cols.idx[1]);
    let cost = number(get(cols.idx[2]));
    if cost.is_none() {
        report(
            diags,
            cols.idx[2],
            format!("expected a number, found \"{}\"", get(cols.idx[2])),
        );
    }
    let spot = usage_type.contains("SpotUsage");
    let item_type = cols.item_type.map(|i| (i, get(i)));
    let pricing = match item_type {
        Some((i, t)) => match LINE_ITEM_TYPES.iter().find(|(name, _)| *name == t) {
            Some((_, Some(p))) => Some(*p),
            Some((_, None)) => Some(if spot {
                Pricing::Spot
            } else {
                Pricing::OnDemand
            }),
            None => {
                let known: Vec<&str> = LINE_ITEM_TYPES.iter().map(|(n, _)| *n).collect();
                report(
                    diags,
                    i,
                    format!(
                        "unknown pricing: line item type \"{t}\", expected one of {}",
                        known.join(", ")
                    ),
                );
                None
            }
        },
        // Without a line item type, the pricing term says what is reserved.
        None => match cols.term.map(|i| (i, get(i))) {
            _ if spot => Some(Pricing::Spot),
            None | Some((_, "" | "OnDemand")) => Some(Pricing::OnDemand),
            Some((_, "Reserved")) => Some(Pricing::Reserved),
            Some((_, "Spot")) => Some(Pricing::Spot),
            Some((i, other)) => {
                report(
                    diags,
                    i,
                    format!(
                        "unknown pricing term \"{other}\", expected OnDemand, Reserved or Spot"
                    ),
                );
                None
            }
        },
    };
    let running = item_type.is_none_or(|(_, t)| RUNNING.contains(&t));
    let hours = match cols.amount {
        Some(i) if running && instance_usage(usage_type) => match number(get(i)) {
            Some(h) if h >= 0.0 => h,
            _ => {
                report(
                    diags,
                    i,
                    format!("expected a number of hours, found \"{}\"", get(i)),
                );
                0.0
            }
        },
        _ => 0.0,
    };
    let environment = match cols.tag {
        TagColumn::None => String::new(),
        TagColumn::Plain(i) => get(i).to_string(),
        TagColumn::Map(i) => match tag_from_map(get(i), &cols.tag_keys) {
            Ok(v) => v,
            Err(e) => {
                report(
                    diags,
                    i,
                    format!(
                        "expected a JSON object of tags such as {{\"user_environment\":\"production\"}}: {e}"
                    ),
                );
                String::new()
            }
        },
    };
    if diags.len() > before {
        return None;
    }
    Some(CurLine {
        month: month?,
        environment: if environment.trim().is_empty() {
            UNTAGGED.to_string()
        } else {
            environment.trim().to_string()
        },
        pricing: pricing?,
        cost: cost?,
        hours,
        line,
    })
}

/// The environment in CUR 2.0's `resource_tags` map; empty when untagged.
fn tag_from_map(text: &str, keys: &[String]) -> Result<String, String> {
    if text.trim().is_empty() {
        return Ok(String::new());
    }
    let map: BTreeMap<String, serde_json::Value> =
        serde_json::from_str(text).map_err(|e| e.to_string())?;
    Ok(map
        .iter()
        .find(|(k, _)| keys.iter().any(|want| k.eq_ignore_ascii_case(want)))
        .and_then(|(_, v)| v.as_str())
        .unwrap_or_default()
        .to_string())
}

/// cost/customers.csv: `month,customers`.
fn read_customers(
    path: &Path,
    file: &str,
    counts: &mut BTreeMap<Month, CustomerCount>,
    diags: &mut Vec<Diagnostic>,
) {
    let input = match open(path) {
        Ok(r) => r,
        Err(e) => {
            diags.push(file_problem(file, format!("cannot read: {e}")));
            return;
        }
    };
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(input);
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            diags.push(problem(file, 1, 1, "", format!("invalid CSV header: {e}")));
            return;
        }
    };
    let Some(idx) = required(
        file,
        &headers,
        "the customers file",
        &["month", "customers"],
        diags,
    ) else {
        return;
    };
    for rec in reader.records() {
        let r = match rec {
            Ok(r) => r,
            Err(e) => {
                broken_row(file, &e, diags);
                continue;
            }
        };
        if r.position().is_some_and(|p| p.byte() > MAX_GENERIC_BYTES) {
            diags.push(file_problem(
                file,
                "file is larger than 8 MiB; the rest of it was not read".into(),
            ));
            break;
        }
        let line = r.position().map_or(0, |p| p.line() as u32);
        let month_text = r.get(idx[0]).unwrap_or_default();
        let Some(month) = Month::parse(month_text) else {
            diags.push(problem(
                file,
                line,
                idx[0] as u32 + 1,
                "month",
                format!("invalid month \"{month_text}\", expected YYYY-MM"),
            ));
            continue;
        };
        let text = r.get(idx[1]).unwrap_or_default();
        let Ok(customers) = text.parse::<u64>() else {
            diags.push(problem(
                file,
                line,
                idx[1] as u32 + 1,
                "customers",
                format!("expected a whole number, found \"{text}\""),
            ));
            continue;
        };
        if let Some(first) = counts.get(&month) {
            diags.push(problem(
                file,
                line,
                idx[0] as u32 + 1,
                "month",
                format!(
                    "{month} is given twice (first at {}:{}); the first count is used",
                    first.file, first.line
                ),
            ));
            continue;
        }
        counts.insert(
            month,
            CustomerCount {
                month: month.to_string(),
                customers,
                file: file.to_string(),
                line,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_usage_types() {
        for t in [
            "BoxUsage:m5.large",
            "EUW1-BoxUsage:m5.large",
            "USW2-SpotUsage:c5.xlarge",
            "SpotUsage:m5.large",
            "USE2-DedicatedUsage:r5.large",
        ] {
            assert!(instance_usage(t), "{t}");
        }
        for t in [
            "EUW1-SpotUsage-Fargate-vCPU-Hours:perCPU",
            "EUW1-EBS:VolumeUsage.gp3",
            "EUW1-DataTransfer-Out-Bytes",
            "HeavyUsage:m5.large",
            "BoxUsage",
        ] {
            assert!(!instance_usage(t), "{t}");
        }
    }

    #[test]
    fn tags_from_the_cur2_map() {
        let keys = vec![
            "user_environment".to_string(),
            "user:environment".to_string(),
        ];
        assert_eq!(
            tag_from_map(
                r#"{"user_team":"core","user_environment":"staging"}"#,
                &keys
            ),
            Ok("staging".to_string())
        );
        assert_eq!(tag_from_map("{}", &keys), Ok(String::new()));
        assert_eq!(tag_from_map("", &keys), Ok(String::new()));
        assert!(tag_from_map("{user_environment: prod", &keys).is_err());
    }
}
