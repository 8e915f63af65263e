//! cost/: generic cost files, AWS Cost and Usage Reports (legacy and 2.0,
//! plain and gzipped), customer counts, the `cost:` section of relman.yaml,
//! and the exact diagnostics for what cannot be read.
#![allow(clippy::disallowed_methods)]

use std::io::Write;
use std::path::Path;

use relman_core::cost::{SpotBasis, monthly};
use relman_core::fleet::{CostRow, CostSource};
use relman_fleet::{Loaded, load};

const FLEET: &str = "apiVersion: relman/v1\nkind: Fleet\nname: acme\nnow: 2026-11-24\n";

fn fixture(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/cost")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn load_files(files: &[(&str, &[u8])]) -> (tempfile::TempDir, Loaded) {
    let dir = tempfile::tempdir().expect("tempdir");
    for (path, bytes) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, bytes).expect("write");
    }
    let loaded = load(dir.path()).expect("loads");
    (dir, loaded)
}

fn messages(l: &Loaded) -> String {
    l.diagnostics
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// `month env pricing cost hours (lines) @line`, one per row.
fn rows(rows: &[CostRow]) -> String {
    rows.iter()
        .map(|r| {
            format!(
                "{} {} {} {:.4} {} ({}) @{}",
                r.month,
                r.environment,
                r.pricing.as_str(),
                r.cost_usd,
                r.capacity_hours
                    .map_or_else(|| "-".to_string(), |h| format!("{h}h")),
                r.lines,
                r.line
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn gzip(text: &str) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(text.as_bytes()).expect("gzip");
    gz.finish().expect("gzip")
}

#[test]
fn a_legacy_cur_is_summed_by_month_environment_and_pricing() {
    let cur = fixture("cur-legacy-2026-09.csv");
    let (_d, l) = load_files(&[
        ("relman.yaml", FLEET.as_bytes()),
        ("cost/cur-legacy-2026-09.csv", cur.as_bytes()),
    ]);
    assert_eq!(messages(&l), "");
    let cost = &l.fleet.cost;
    assert_eq!(cost.files.len(), 1);
    assert_eq!(cost.files[0].source, CostSource::CurLegacy);
    assert_eq!((cost.files[0].lines, cost.files[0].skipped), (15, 0));
    assert!(cost.files[0].capacity_hours);
    // Box and data transfer are on-demand; SpotUsage is spot (Fargate's
    // too, without instance-hours); DiscountedUsage and RIFee reserved;
    // the covered usage and its negation cancel out under the savings
    // plan, whose fee carries the cost; tax and credit are other; lines
    // without the environment tag are untagged.
    insta::assert_snapshot!(rows(&cost.rows), @r"
    2026-09 production on_demand 3.0180 24h (2) @2
    2026-09 production spot 1.8048 48h (1) @3
    2026-09 production reserved 0.0000 24h (1) @4
    2026-09 untagged reserved 98.6400 0h (1) @5
    2026-09 staging savings_plan 0.0000 24h (2) @6
    2026-09 untagged savings_plan 36.0000 0h (1) @8
    2026-09 dev on_demand 0.2816 0h (1) @9
    2026-09 dev spot 1.6000 24h (1) @10
    2026-09 staging spot 1.2000 0h (1) @12
    2026-09 untagged other 7.3000 0h (2) @13
    2026-10 production on_demand 2.5680 24h (1) @15
    2026-10 production spot 2.7072 72h (1) @16
    ");
    let months = monthly(cost, &l.fleet.config.cost);
    let sep = &months[0];
    assert!((sep.total - 149.8444).abs() < 1e-9, "{}", sep.total);
    assert!((sep.untagged - 141.94).abs() < 1e-9, "{}", sep.untagged);
    assert_eq!(sep.capacity_hours, Some(144.0));
    assert_eq!(sep.spot_capacity_hours, Some(72.0));
    assert_eq!(sep.spot_share(SpotBasis::CapacityHours), Some(0.5));
    assert_eq!(months[1].spot_share(SpotBasis::CapacityHours), Some(0.75));
}

#[test]
fn a_cur2_export_reads_tags_from_the_resource_tags_map_plain_or_gzipped() {
    let cur = fixture("cur2-2026-10.csv");
    let expected = "2026-10 production on_demand 7.2960 48h (1) @2
2026-10 production spot 1.0944 24h (1) @3
2026-10 dev spot 1.0944 24h (1) @4
2026-10 untagged on_demand 2.9522 0h (1) @5
2026-10 staging on_demand 3.6480 24h (1) @6
2026-10 untagged other 0.8500 0h (1) @7";
    for (name, bytes) in [
        ("cost/cur2-2026-10.csv", cur.as_bytes().to_vec()),
        ("cost/cur2-2026-10.csv.gz", gzip(&cur)),
    ] {
        let (_d, l) = load_files(&[("relman.yaml", FLEET.as_bytes()), (name, &bytes)]);
        assert_eq!(messages(&l), "", "{name}");
        assert_eq!(l.fleet.cost.files[0].source, CostSource::Cur2);
        assert_eq!(rows(&l.fleet.cost.rows), expected, "{name}");
        let m = monthly(&l.fleet.cost, &l.fleet.config.cost);
        assert!((m[0].total - 16.93505).abs() < 1e-9);
        assert_eq!(m[0].spot_share(SpotBasis::CapacityHours), Some(0.4));
    }
}

#[test]
fn cur2_tags_may_be_flattened_columns_and_the_tag_name_is_configurable() {
    let cur = "line_item_usage_start_date,line_item_usage_type,line_item_unblended_cost,line_item_line_item_type,resource_tags_user_env
2026-10-01 00:00:00,EUC1-BoxUsage:r5.large,10.5,Usage,prod
2026-10-02 00:00:00,EUC1-SpotUsage:r5.large,2,Usage,
";
    let fleet = format!("{FLEET}cost:\n  environment_tag: env\n");
    let (_d, l) = load_files(&[
        ("relman.yaml", fleet.as_bytes()),
        ("cost/cur2.csv", cur.as_bytes()),
    ]);
    assert_eq!(messages(&l), "");
    assert_eq!(
        rows(&l.fleet.cost.rows),
        "2026-10 prod on_demand 10.5000 - (1) @2\n2026-10 untagged spot 2.0000 - (1) @3"
    );
    // Without a usage amount there are no capacity-hours: P-3 uses cost.
    assert!(!l.fleet.cost.files[0].capacity_hours);
}

#[test]
fn without_a_line_item_type_the_pricing_term_decides() {
    let cur = "lineItem/UsageStartDate,lineItem/UsageType,lineItem/UnblendedCost,lineItem/UsageAmount,pricing/term,resourceTags/user:Environment
2026-10-01T00:00:00Z,BoxUsage:m5.large,0,24,Reserved,production
2026-10-01T00:00:00Z,BoxUsage:m5.large,2.3,24,OnDemand,production
2026-10-01T00:00:00Z,SpotUsage:m5.large,0.9,24,,production
2026-10-01T00:00:00Z,BoxUsage:m5.large,1,1,Dedicated,production
";
    let (_d, l) = load_files(&[
        ("relman.yaml", FLEET.as_bytes()),
        ("cost/cur.csv", cur.as_bytes()),
    ]);
    assert_eq!(
        messages(&l),
        "cost/cur.csv:5:5: pricing/term: unknown pricing term \"Dedicated\", expected OnDemand, Reserved or Spot"
    );
    assert_eq!(
        rows(&l.fleet.cost.rows),
        "2026-10 production reserved 0.0000 24h (1) @2
2026-10 production on_demand 2.3000 24h (1) @3
2026-10 production spot 0.9000 24h (1) @4"
    );
    assert_eq!(l.fleet.cost.files[0].skipped, 1);
}

#[test]
fn customer_counts_come_from_customers_csv_first() {
    let generic = "month,environment,pricing,cost_usd,customers,capacity_hours
2026-09,production,on_demand,900,100,720
2026-09,production,spot,100,100,280
2026-10,production,on_demand,1000,110,
2026-10,dev,spot,50,111,10
2026-11,production,on_demand,1000,120,700
";
    let customers = "month,customers\n2026-10,110\n2026-11,125\n2026-11,126\n";
    let (_d, l) = load_files(&[
        ("relman.yaml", FLEET.as_bytes()),
        ("cost/generic.csv", generic.as_bytes()),
        ("cost/customers.csv", customers.as_bytes()),
    ]);
    insta::assert_snapshot!(messages(&l), @r#"
    cost/customers.csv:4:1: month: 2026-11 is given twice (first at cost/customers.csv:3); the first count is used
    cost/generic.csv:5:5: customers: 111 customers for 2026-10, but cost/customers.csv:2 gives 110; that count is used
    cost/generic.csv:6:5: customers: 120 customers for 2026-11, but cost/customers.csv:3 gives 125; that count is used
    "#);
    let counts: Vec<String> = l
        .fleet
        .cost
        .customers
        .iter()
        .map(|c| format!("{} {} {}:{}", c.month, c.customers, c.file, c.line))
        .collect();
    assert_eq!(
        counts,
        [
            "2026-09 100 cost/generic.csv:2",
            "2026-10 110 cost/customers.csv:2",
            "2026-11 125 cost/customers.csv:3"
        ]
    );
    // An empty capacity_hours cell is no instance-hours.
    assert_eq!(l.fleet.cost.rows[2].capacity_hours, Some(0.0));
    let m = monthly(&l.fleet.cost, &l.fleet.config.cost);
    assert_eq!(m[0].spot_share(SpotBasis::CapacityHours), Some(0.28));
    assert_eq!(m[1].cost_per_customer(), Some(1050.0 / 110.0));
}

#[test]
fn bad_cost_input_is_reported_and_the_rest_is_read() {
    let generic = "month,environment,pricing,cost_usd
2026-10,production,on_demand,100
2026/10,production,on_demand,1
2026-10,production,on_demand,n/a
2026-10,,on_demand,1
2026-10,production,preemptible,1
2026-10,production,on_demand
";
    let no_cost = "month,environment,pricing,customers\n2026-10,production,spot,10\n";
    let cur = "lineItem/UsageStartDate,lineItem/UsageType,lineItem/LineItemType,lineItem/UnblendedCost,lineItem/UsageAmount
2026-10-01T00:00:00Z,EUW1-BoxUsage:m5.large,Usage,2.568,24
yesterday,EUW1-BoxUsage:m5.large,Usage,1,1
2026-10-01T00:00:00Z,EUW1-BoxUsage:m5.large,Usage,$3.10,24
2026-10-01T00:00:00Z,EUW1-BoxUsage:m5.large,FreeTier,0,24
2026-10-01T00:00:00Z,EUW1-BoxUsage:m5.large,Usage,1,lots
";
    let cur_missing = "lineItem/UsageStartDate,lineItem/UsageType,lineItem/BlendedCost\n2026-10-01T00:00:00Z,BoxUsage:m5.large,1\n";
    let cur2_bad_tags =
        "line_item_usage_start_date,line_item_usage_type,line_item_unblended_cost,resource_tags
2026-10-01T00:00:00Z,EUC1-BoxUsage:r5.large,1,\"{user_environment: prod\"
2026-10-01T00:00:00Z,EUC1-BoxUsage:r5.large,2,\"{\"\"user_environment\"\":\"\"prod\"\"}\"
";
    let customers = "month,customers\n2026-1,10\n2026-10,ten\n";
    let (_d, l) = load_files(&[
        ("relman.yaml", FLEET.as_bytes()),
        ("cost/a-generic.csv", generic.as_bytes()),
        ("cost/b-no-cost.csv", no_cost.as_bytes()),
        ("cost/c-cur.csv", cur.as_bytes()),
        ("cost/d-cur-missing.csv", cur_missing.as_bytes()),
        ("cost/e-cur2.csv", cur2_bad_tags.as_bytes()),
        ("cost/customers.csv", customers.as_bytes()),
        ("cost/notes.txt", b"not a cost file"),
    ]);
    insta::assert_snapshot!(messages(&l), @r#"
    cost/a-generic.csv:3:1: month: invalid month "2026/10", expected YYYY-MM
    cost/a-generic.csv:4:4: cost_usd: expected a number, found "n/a"
    cost/a-generic.csv:5:2: environment: must not be empty (write "untagged" for cost of no environment)
    cost/a-generic.csv:6:3: pricing: unknown value "preemptible", expected one of spot, on_demand, reserved, savings_plan
    cost/a-generic.csv:7:1: invalid CSV row: 3 fields where the header has 4
    cost/b-no-cost.csv:1:1: missing column cost_usd; the generic form needs the columns month,environment,pricing,cost_usd; the header line is "month,environment,pricing,customers"
    cost/c-cur.csv:3:1: lineItem/UsageStartDate: invalid timestamp "yesterday", expected ISO 8601 such as 2026-10-01T00:00:00Z
    cost/c-cur.csv:4:4: lineItem/UnblendedCost: expected a number, found "$3.10"
    cost/c-cur.csv:5:3: lineItem/LineItemType: unknown pricing: line item type "FreeTier", expected one of Usage, DiscountedUsage, RIFee, SavingsPlanCoveredUsage, SavingsPlanNegation, SavingsPlanUpfrontFee, SavingsPlanRecurringFee, Tax, Fee, Credit, Refund, BundledDiscount, EdpDiscount, PrivateRateDiscount, DistributorDiscount, SppDiscount
    cost/c-cur.csv:6:5: lineItem/UsageAmount: expected a number of hours, found "lots"
    cost/customers.csv:2:1: month: invalid month "2026-1", expected YYYY-MM
    cost/customers.csv:3:2: customers: expected a whole number, found "ten"
    cost/d-cur-missing.csv:1:1: missing column lineItem/UnblendedCost; a Cost and Usage Report needs the columns lineItem/UsageStartDate,lineItem/UsageType,lineItem/UnblendedCost; the header line is "lineItem/UsageStartDate,lineItem/UsageType,lineItem/BlendedCost"
    cost/e-cur2.csv:2:4: resource_tags: expected a JSON object of tags such as {"user_environment":"production"}: key must be a string at line 1 column 2
    "#);
    // The good lines of each file are kept.
    assert_eq!(
        rows(&l.fleet.cost.rows),
        "2026-10 production on_demand 100.0000 - (1) @2
2026-10 untagged on_demand 2.5680 24h (1) @2
2026-10 prod on_demand 2.0000 - (1) @3"
    );
    // The checks see the same problems, with their positions.
    let cost = &l.fleet.cost;
    assert_eq!(cost.problems.len(), 14);
    assert_eq!(
        cost.problems[1].to_string(),
        "cost/a-generic.csv:4:4: cost_usd: expected a number, found \"n/a\""
    );
    let files: Vec<String> = cost
        .files
        .iter()
        .map(|f| format!("{} {} {}+{}", f.file, f.source.as_str(), f.lines, f.skipped))
        .collect();
    assert_eq!(
        files,
        [
            "cost/a-generic.csv generic 1+5",
            "cost/c-cur.csv AWS CUR 1+4",
            "cost/e-cur2.csv AWS CUR 2.0 1+1"
        ]
    );
}

#[test]
fn the_cost_section_of_relman_yaml() {
    let fleet = format!(
        "{FLEET}cost:\n  spot_min_rise_points: 3\n  spot_max_percent: 40\n  non_production_max_percent: 25\n  untagged_max_percent: 5\n  production_environments: [prd, live]\n  window_months: 6\n"
    );
    let (_d, l) = load_files(&[("relman.yaml", fleet.as_bytes())]);
    assert_eq!(messages(&l), "");
    let c = &l.fleet.config.cost;
    assert_eq!(
        (
            c.spot_min_rise_points,
            c.spot_max_percent,
            c.non_production_max_percent,
            c.untagged_max_percent,
            c.window_months
        ),
        (3.0, 40.0, 25.0, 5.0, 6)
    );
    assert!(c.is_production("LIVE") && !c.is_production("production"));
    assert!(l.fleet.cost.is_empty());

    let bad = format!(
        "{FLEET}cost:\n  spot_max_percent: 150\n  window_months: 0\n  production_environments: []\n  untagged: 10\n"
    );
    let (_d, l) = load_files(&[("relman.yaml", bad.as_bytes())]);
    insta::assert_snapshot!(messages(&l), @r#"
    relman.yaml:6:21: cost.spot_max_percent: "150" is out of range, expected 0 to 100
    relman.yaml:7:18: cost.window_months: 0 is out of range, expected 1 to 120 months
    relman.yaml:8:28: cost.production_environments: must name at least one environment, such as production
    relman.yaml:9:3: cost.untagged: unknown field, expected one of: spot_min_rise_points, spot_max_percent, non_production_max_percent, untagged_max_percent, production_environments, environment_tag, window_months
    "#);
    // Defaults stay where the values were refused.
    assert_eq!(l.fleet.config.cost.spot_max_percent, 50.0);
    assert_eq!(l.fleet.config.cost.window_months, 12);
}
