//! Cost series: the monthly and quarterly figures that the cost rules
//! (P-1..P-4) judge and that the report's cost trend shows, computed from
//! the loaded cost rows. Pure: the rows come from `relman-fleet`.
//!
//! A month's cost is the sum of its rows across every cost file; its
//! customers come from cost/customers.csv or the generic form's column.
//! Production is what [`CostConfig::production_environments`] names,
//! `untagged` is cost with no environment, everything else is
//! non-production.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use crate::finding::EvidenceRef;
use crate::fleet::{CostConfig, CostData, Pricing};
use crate::report::{CostMonth, CostTrend};

/// The environment of cost that carries no environment tag.
pub const UNTAGGED: &str = "untagged";

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    /// 1 to 12.
    pub month: u32,
}

impl Month {
    /// `2026-10`; `None` for anything else (`2026-13`, `2026-1`, `26-10`).
    pub fn parse(s: &str) -> Option<Month> {
        let (y, m) = s.split_once('-')?;
        if y.len() != 4 || m.len() != 2 || !(y.bytes().chain(m.bytes())).all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let month = m.parse().ok().filter(|m| (1..=12).contains(m))?;
        Some(Month {
            year: y.parse().ok()?,
            month,
        })
    }

    /// The month a date falls in.
    pub fn of(date: NaiveDate) -> Month {
        Month {
            year: date.year(),
            month: date.month(),
        }
    }

    /// Months since year 0, so that months can be counted.
    pub fn index(self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month) - 1
    }

    fn from_index(i: i64) -> Month {
        Month {
            year: i.div_euclid(12) as i32,
            month: (i.rem_euclid(12) + 1) as u32,
        }
    }

    /// The month before.
    pub fn prev(self) -> Month {
        Month::from_index(self.index() - 1)
    }

    /// The month `n` months later (earlier when negative).
    pub fn plus(self, n: i64) -> Month {
        Month::from_index(self.index() + n)
    }

    pub fn quarter(self) -> Quarter {
        Quarter {
            year: self.year,
            q: (self.month - 1) / 3 + 1,
        }
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// A calendar quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    pub year: i32,
    /// 1 to 4.
    pub q: u32,
}

impl Quarter {
    /// Its three months.
    pub fn months(self) -> [Month; 3] {
        let first = Month {
            year: self.year,
            month: (self.q - 1) * 3 + 1,
        };
        [first, first.plus(1), first.plus(2)]
    }

    /// The quarter after.
    pub fn next(self) -> Quarter {
        self.months()[2].plus(1).quarter()
    }
}

impl std::fmt::Display for Quarter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-Q{}", self.year, self.q)
    }
}

/// What the spot share is measured in (P-3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpotBasis {
    /// Spot instance-hours over all instance-hours.
    CapacityHours,
    /// Spot cost over the total cost.
    Cost,
}

impl SpotBasis {
    /// The report's spelling: `capacity_hours` or `cost`.
    pub fn as_str(self) -> &'static str {
        match self {
            SpotBasis::CapacityHours => "capacity_hours",
            SpotBasis::Cost => "cost",
        }
    }

    /// For messages: `capacity-hours` or `cost`.
    pub fn describe(self) -> &'static str {
        match self {
            SpotBasis::CapacityHours => "capacity-hours",
            SpotBasis::Cost => "cost",
        }
    }
}

/// One month of cost, summed over every cost file.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthCost {
    pub month: Month,
    pub total: f64,
    pub production: f64,
    pub non_production: f64,
    pub untagged: f64,
    /// Cost of spot rows.
    pub spot: f64,
    /// Cost per environment, by name.
    pub environments: BTreeMap<String, f64>,
    /// Instance-hours, when every row of the month comes from a file that
    /// gives them.
    pub capacity_hours: Option<f64>,
    /// Spot instance-hours, under the same condition.
    pub spot_capacity_hours: Option<f64>,
    pub customers: Option<u64>,
    /// Where the figures were read: the month's first line in each cost
    /// file, then its customer count's line.
    pub evidence: Vec<EvidenceRef>,
}

fn share(part: f64, whole: f64) -> Option<f64> {
    (whole > 0.0).then(|| part / whole)
}

impl MonthCost {
    /// Total cost over customers; `None` without a (non-zero) count.
    pub fn cost_per_customer(&self) -> Option<f64> {
        self.customers
            .filter(|c| *c > 0)
            .map(|c| self.total / c as f64)
    }

    /// Non-production cost over the total, as a fraction.
    pub fn non_production_share(&self) -> Option<f64> {
        share(self.non_production, self.total)
    }

    /// Untagged cost over the total, as a fraction.
    pub fn untagged_share(&self) -> Option<f64> {
        share(self.untagged, self.total)
    }

    /// The spot share, as a fraction; `None` when the basis has no total
    /// (no cost, or no instance-hours).
    pub fn spot_share(&self, basis: SpotBasis) -> Option<f64> {
        match basis {
            SpotBasis::Cost => share(self.spot, self.total),
            SpotBasis::CapacityHours => share(self.spot_capacity_hours?, self.capacity_hours?),
        }
    }

    /// The non-production environments with their cost, most expensive first.
    pub fn non_production_environments(&self, cfg: &CostConfig) -> Vec<(&str, f64)> {
        let mut out: Vec<(&str, f64)> = self
            .environments
            .iter()
            .filter(|(e, _)| !cfg.is_production(e) && !e.eq_ignore_ascii_case(UNTAGGED))
            .map(|(e, c)| (e.as_str(), *c))
            .collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
        out
    }
}

/// The monthly series, sorted by month. Rows whose month is not `YYYY-MM`
/// are left out (the loader has reported them).
pub fn monthly(data: &CostData, cfg: &CostConfig) -> Vec<MonthCost> {
    let mut months: BTreeMap<Month, MonthCost> = BTreeMap::new();
    // Whether every row of a month gives instance-hours.
    let mut hours_known: BTreeMap<Month, bool> = BTreeMap::new();
    let mut first_line: BTreeMap<(Month, &str), u32> = BTreeMap::new();
    for row in &data.rows {
        let Some(month) = Month::parse(&row.month) else {
            continue;
        };
        let m = months.entry(month).or_insert_with(|| MonthCost {
            month,
            total: 0.0,
            production: 0.0,
            non_production: 0.0,
            untagged: 0.0,
            spot: 0.0,
            environments: BTreeMap::new(),
            capacity_hours: Some(0.0),
            spot_capacity_hours: Some(0.0),
            customers: None,
            evidence: Vec::new(),
        });
        m.total += row.cost_usd;
        if row.environment.eq_ignore_ascii_case(UNTAGGED) {
            m.untagged += row.cost_usd;
        } else if cfg.is_production(&row.environment) {
            m.production += row.cost_usd;
        } else {
            m.non_production += row.cost_usd;
        }
        *m.environments.entry(row.environment.clone()).or_default() += row.cost_usd;
        if row.pricing == Pricing::Spot {
            m.spot += row.cost_usd;
        }
        let known = hours_known.entry(month).or_insert(true);
        match row.capacity_hours {
            Some(h) if *known => {
                m.capacity_hours = m.capacity_hours.map(|t| t + h);
                if row.pricing == Pricing::Spot {
                    m.spot_capacity_hours = m.spot_capacity_hours.map(|t| t + h);
                }
            }
            Some(_) => {}
            None => {
                *known = false;
                m.capacity_hours = None;
                m.spot_capacity_hours = None;
            }
        }
        let first = first_line
            .entry((month, row.file.as_str()))
            .or_insert(row.line);
        *first = (*first).min(row.line);
    }
    for ((month, file), line) in first_line {
        if let Some(m) = months.get_mut(&month) {
            m.evidence
                .push(EvidenceRef::new("cost", file.to_string()).at(line, 1));
        }
    }
    for c in &data.customers {
        let Some(month) = Month::parse(&c.month) else {
            continue;
        };
        if let Some(m) = months.get_mut(&month) {
            if m.customers.is_none() {
                m.customers = Some(c.customers);
                let at = EvidenceRef::new("cost", c.file.clone()).at(c.line, 1);
                if !m.evidence.contains(&at) {
                    m.evidence.push(at);
                }
            }
        }
    }
    months.into_values().collect()
}

/// Capacity-hours when every month of the series gives them (and some
/// instance ran), else cost.
pub fn spot_basis(months: &[MonthCost]) -> SpotBasis {
    let hours = !months.is_empty()
        && months
            .iter()
            .all(|m| m.capacity_hours.is_some_and(|h| h > 0.0));
    if hours {
        SpotBasis::CapacityHours
    } else {
        SpotBasis::Cost
    }
}

/// The months the cost rules judge: complete months (before the month of
/// `now`) within the last `window_months` of them.
#[derive(Debug, Clone, Copy)]
pub struct Window<'a> {
    pub judged: &'a [MonthCost],
    /// Months of `now` or later: not over, so not judged.
    pub partial: &'a [MonthCost],
    /// How many older months fall outside the window.
    pub older: usize,
    /// The first and last month the window covers, whether or not the
    /// data has them.
    pub from: Month,
    pub to: Month,
}

/// Split a sorted series into what the cost rules judge and what they do not.
pub fn window(months: &[MonthCost], now: NaiveDate, window_months: u32) -> Window<'_> {
    let current = Month::of(now);
    let to = current.prev();
    let from = current.plus(-i64::from(window_months.max(1)));
    let older = months.iter().take_while(|m| m.month < from).count();
    let end = months.iter().take_while(|m| m.month < current).count();
    Window {
        judged: &months[older..end.max(older)],
        partial: &months[end.max(older)..],
        older,
        from,
        to,
    }
}

/// One quarter of cost.
#[derive(Debug, Clone, PartialEq)]
pub struct QuarterCost {
    pub quarter: Quarter,
    /// The months of the quarter present in the series.
    pub months: Vec<Month>,
    pub total: f64,
    pub spot: f64,
    pub capacity_hours: Option<f64>,
    pub spot_capacity_hours: Option<f64>,
    /// The monthly average, when every month present gives its count.
    pub customers: Option<f64>,
    pub evidence: Vec<EvidenceRef>,
}

impl QuarterCost {
    /// All three months are present.
    pub fn complete(&self) -> bool {
        self.months.len() == 3
    }

    pub fn spot_share(&self, basis: SpotBasis) -> Option<f64> {
        match basis {
            SpotBasis::Cost => share(self.spot, self.total),
            SpotBasis::CapacityHours => share(self.spot_capacity_hours?, self.capacity_hours?),
        }
    }
}

/// The series summed per calendar quarter, in order.
pub fn quarterly(months: &[MonthCost]) -> Vec<QuarterCost> {
    let mut out: Vec<QuarterCost> = Vec::new();
    let mut customer_sums: Vec<Option<u64>> = Vec::new();
    for m in months {
        let q = m.month.quarter();
        if out.last().is_none_or(|l| l.quarter != q) {
            out.push(QuarterCost {
                quarter: q,
                months: Vec::new(),
                total: 0.0,
                spot: 0.0,
                capacity_hours: Some(0.0),
                spot_capacity_hours: Some(0.0),
                customers: None,
                evidence: Vec::new(),
            });
            customer_sums.push(Some(0));
        }
        let (Some(last), Some(sum)) = (out.last_mut(), customer_sums.last_mut()) else {
            continue;
        };
        last.months.push(m.month);
        last.total += m.total;
        last.spot += m.spot;
        last.capacity_hours = last
            .capacity_hours
            .zip(m.capacity_hours)
            .map(|(a, b)| a + b);
        last.spot_capacity_hours = last
            .spot_capacity_hours
            .zip(m.spot_capacity_hours)
            .map(|(a, b)| a + b);
        *sum = sum.zip(m.customers).map(|(a, b)| a + b);
        for e in &m.evidence {
            if !last.evidence.iter().any(|x| x.location == e.location) {
                last.evidence.push(e.clone());
            }
        }
    }
    for (q, sum) in out.iter_mut().zip(customer_sums) {
        q.customers = sum.map(|s| s as f64 / q.months.len() as f64);
    }
    out
}

/// The report's cost trend: every month of the data, the months of `now`
/// and later marked partial. `None` when there is no cost row.
pub fn trend(data: &CostData, cfg: &CostConfig, now: NaiveDate) -> Option<CostTrend> {
    let months = monthly(data, cfg);
    if months.is_empty() {
        return None;
    }
    let current = Month::of(now);
    let basis = spot_basis(&months);
    Some(CostTrend {
        spot_basis: basis.as_str(),
        months: months
            .iter()
            .map(|m| CostMonth {
                month: m.month.to_string(),
                total: m.total,
                production: m.production,
                non_production: m.non_production,
                untagged: m.untagged,
                non_production_share: m.non_production_share(),
                untagged_share: m.untagged_share(),
                spot_share: m.spot_share(basis),
                customers: m.customers,
                cost_per_customer: m.cost_per_customer(),
                partial: m.month >= current,
            })
            .collect(),
    })
}

/// `1,234,567`: digits grouped by three.
fn grouped(digits: &str) -> String {
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `1,234.57`, or `-12.00`: two decimals, thousands grouped.
pub fn number(v: f64) -> String {
    let s = format!("{:.2}", v.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, "00"));
    let sign = if v < 0.0 && s != "0.00" { "-" } else { "" };
    format!("{sign}{}.{frac}", grouped(int))
}

/// `$1,234.57`, or `-$12.00`.
pub fn usd(v: f64) -> String {
    let n = number(v);
    match n.strip_prefix('-') {
        Some(rest) => format!("-${rest}"),
        None => format!("${n}"),
    }
}

/// A whole count with thousands grouped: `1,547`.
pub fn count(n: u64) -> String {
    grouped(&n.to_string())
}

/// A fraction as a percentage with two decimals: 0.36363 → `36.36%`.
pub fn percent(fraction: f64) -> String {
    format!("{:.2}%", fraction * 100.0)
}

/// A change as a signed percentage: `+6.68%`, `-2.07%`.
pub fn growth(from: f64, to: f64) -> Option<String> {
    (from != 0.0).then(|| {
        let g = (to - from) / from * 100.0;
        format!("{}{:.2}%", if g >= 0.0 { "+" } else { "" }, g)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fleet::{CostRow, CostSource, CustomerCount};

    fn row(month: &str, env: &str, pricing: Pricing, cost: f64, hours: Option<f64>) -> CostRow {
        CostRow {
            month: month.into(),
            environment: env.into(),
            pricing,
            cost_usd: cost,
            customers: None,
            file: "cost/a.csv".into(),
            line: 2,
            capacity_hours: hours,
            source: CostSource::Generic,
            lines: 1,
        }
    }

    fn data(rows: Vec<CostRow>, customers: &[(&str, u64)]) -> CostData {
        CostData {
            rows,
            customers: customers
                .iter()
                .enumerate()
                .map(|(i, (m, c))| CustomerCount {
                    month: m.to_string(),
                    customers: *c,
                    file: "cost/customers.csv".into(),
                    line: i as u32 + 2,
                })
                .collect(),
            files: Vec::new(),
            problems: Vec::new(),
        }
    }

    #[test]
    fn months_parse_and_count() {
        assert_eq!(
            Month::parse("2026-10"),
            Some(Month {
                year: 2026,
                month: 10
            })
        );
        for bad in [
            "2026-13",
            "2026-00",
            "2026-1",
            "26-10",
            "2026/10",
            "2026-10-01",
            "",
        ] {
            assert_eq!(Month::parse(bad), None, "{bad}");
        }
        let jan = Month::parse("2026-01").expect("month");
        assert_eq!(jan.prev().to_string(), "2025-12");
        assert_eq!(jan.plus(14).to_string(), "2027-03");
        assert_eq!(jan.quarter().to_string(), "2026-Q1");
        let q4 = Month::parse("2025-11").expect("month").quarter();
        assert_eq!(q4.next().to_string(), "2026-Q1");
        assert_eq!(
            q4.months().map(|m| m.to_string()),
            ["2025-10", "2025-11", "2025-12"]
        );
    }

    #[test]
    fn a_month_sums_its_rows_by_environment() {
        let cfg = CostConfig::default();
        let d = data(
            vec![
                row("2026-10", "production", Pricing::Spot, 300.0, None),
                row("2026-10", "Prod", Pricing::OnDemand, 100.0, None),
                row("2026-10", "staging", Pricing::OnDemand, 150.0, None),
                row("2026-10", "dev", Pricing::Spot, 250.0, None),
                row("2026-10", "untagged", Pricing::Other, 200.0, None),
                row("2026-9", "dev", Pricing::Spot, 1.0, None),
            ],
            &[("2026-10", 40)],
        );
        let m = monthly(&d, &cfg);
        assert_eq!(m.len(), 1);
        let m = &m[0];
        assert_eq!(m.total, 1000.0);
        assert_eq!(m.production, 400.0);
        assert_eq!(m.non_production, 400.0);
        assert_eq!(m.untagged, 200.0);
        assert_eq!(m.spot, 550.0);
        assert_eq!(m.non_production_share(), Some(0.4));
        assert_eq!(m.untagged_share(), Some(0.2));
        assert_eq!(m.spot_share(SpotBasis::Cost), Some(0.55));
        assert_eq!(m.spot_share(SpotBasis::CapacityHours), None);
        assert_eq!(m.cost_per_customer(), Some(25.0));
        assert_eq!(
            m.non_production_environments(&cfg),
            [("dev", 250.0), ("staging", 150.0)]
        );
        let at: Vec<String> = m.evidence.iter().map(|e| e.display()).collect();
        assert_eq!(at, ["cost/a.csv:2:1", "cost/customers.csv:2:1"]);
    }

    #[test]
    fn a_count_read_from_the_cost_line_itself_is_one_piece_of_evidence() {
        let mut d = data(
            vec![row("2026-10", "prod", Pricing::OnDemand, 10.0, None)],
            &[],
        );
        d.customers.push(CustomerCount {
            month: "2026-10".into(),
            customers: 2,
            file: "cost/a.csv".into(),
            line: 2,
        });
        let m = monthly(&d, &CostConfig::default());
        let at: Vec<String> = m[0].evidence.iter().map(|e| e.display()).collect();
        assert_eq!(at, ["cost/a.csv:2:1"]);
        assert_eq!(m[0].customers, Some(2));
    }

    #[test]
    fn capacity_hours_count_only_when_every_row_gives_them() {
        let with = data(
            vec![
                row("2026-10", "production", Pricing::Spot, 30.0, Some(300.0)),
                row(
                    "2026-10",
                    "production",
                    Pricing::OnDemand,
                    90.0,
                    Some(700.0),
                ),
                row("2026-10", "production", Pricing::Other, 5.0, Some(0.0)),
            ],
            &[],
        );
        let m = monthly(&with, &CostConfig::default());
        assert_eq!(spot_basis(&m), SpotBasis::CapacityHours);
        assert_eq!(m[0].spot_share(SpotBasis::CapacityHours), Some(0.3));
        let mut mixed = with.clone();
        mixed
            .rows
            .push(row("2026-10", "dev", Pricing::OnDemand, 10.0, None));
        let m = monthly(&mixed, &CostConfig::default());
        assert_eq!(m[0].capacity_hours, None);
        assert_eq!(spot_basis(&m), SpotBasis::Cost);
    }

    #[test]
    fn the_window_holds_complete_months_only() {
        let d = data(
            [
                "2025-09", "2025-10", "2026-03", "2026-10", "2026-11", "2026-12",
            ]
            .iter()
            .map(|m| row(m, "production", Pricing::OnDemand, 1.0, None))
            .collect(),
            &[],
        );
        let months = monthly(&d, &CostConfig::default());
        let now = NaiveDate::from_ymd_opt(2026, 11, 24).expect("date");
        let w = window(&months, now, 12);
        let judged: Vec<String> = w.judged.iter().map(|m| m.month.to_string()).collect();
        let partial: Vec<String> = w.partial.iter().map(|m| m.month.to_string()).collect();
        assert_eq!(judged, ["2026-03", "2026-10"]);
        assert_eq!(partial, ["2026-11", "2026-12"]);
        assert_eq!(w.older, 2);
        assert_eq!(
            (w.from.to_string(), w.to.to_string()),
            ("2025-11".into(), "2026-10".into())
        );
    }

    #[test]
    fn quarters_sum_months_and_average_customers() {
        let d = data(
            ["2026-01", "2026-02", "2026-03", "2026-04"]
                .iter()
                .enumerate()
                .map(|(i, m)| {
                    row(
                        m,
                        "production",
                        Pricing::Spot,
                        100.0 * (i as f64 + 1.0),
                        None,
                    )
                })
                .collect(),
            &[
                ("2026-01", 10),
                ("2026-02", 20),
                ("2026-03", 33),
                ("2026-04", 40),
            ],
        );
        let q = quarterly(&monthly(&d, &CostConfig::default()));
        assert_eq!(q.len(), 2);
        assert!(q[0].complete() && !q[1].complete());
        assert_eq!(q[0].total, 600.0);
        assert_eq!(q[0].customers, Some(21.0));
        assert_eq!(q[1].customers, Some(40.0));
        assert_eq!(q[0].spot_share(SpotBasis::Cost), Some(1.0));
    }

    #[test]
    fn the_trend_marks_partial_months() {
        let d = data(
            vec![
                row("2026-10", "production", Pricing::OnDemand, 100.0, None),
                row("2026-11", "staging", Pricing::OnDemand, 50.0, None),
            ],
            &[("2026-10", 4)],
        );
        let now = NaiveDate::from_ymd_opt(2026, 11, 24).expect("date");
        let t = trend(&d, &CostConfig::default(), now).expect("trend");
        assert_eq!(t.spot_basis, "cost");
        assert!(!t.months[0].partial && t.months[1].partial);
        assert_eq!(t.months[0].cost_per_customer, Some(25.0));
        assert_eq!(t.months[1].non_production_share, Some(1.0));
        assert!(trend(&CostData::default(), &CostConfig::default(), now).is_none());
    }

    #[test]
    fn numbers_are_written_for_people() {
        assert_eq!(usd(1234567.891), "$1,234,567.89");
        assert_eq!(usd(-12.0), "-$12.00");
        assert_eq!(usd(0.001), "$0.00");
        assert_eq!(number(999.999), "1,000.00");
        assert_eq!(count(1547), "1,547");
        assert_eq!(count(100), "100");
        assert_eq!(percent(0.363636), "36.36%");
        assert_eq!(growth(396_600.0, 423_100.0).as_deref(), Some("+6.68%"));
        assert_eq!(growth(111.02, 108.72).as_deref(), Some("-2.07%"));
        assert_eq!(growth(0.0, 1.0), None);
    }
}
