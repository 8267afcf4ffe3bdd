//! Places steps into maintenance windows, in order, respecting dependencies.
//!
//! A pre-check or snapshot goes in the same window as the step it prepares (its first dependent on the same
//! site), right before it: a snapshot taken in one window and an upgrade run days later protects nothing.
//! Time arithmetic is checked: a window at the end of the calendar makes a step not fit, never a panic.

use std::collections::HashMap;

use time::format_description::well_known::Rfc3339;
use time::{Date, Duration, OffsetDateTime};

use super::{Schedule, Slot, Step, StepKind, Unfitted};
use crate::fleet::{MaintenanceWindow, Occurrence, WeeklyRule, WindowSpan};

/// A time as plans print it (RFC 3339).
pub(super) fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_else(|_| t.to_string())
}

/// Counts the scheduler's inner iterations, so tests can check that its work grows linearly.
#[cfg(test)]
pub(super) mod work {
    use std::cell::Cell;

    thread_local! {
        static WORK: Cell<u64> = const { Cell::new(0) };
    }

    pub(crate) fn tick() {
        WORK.with(|w| w.set(w.get() + 1));
    }

    /// The iterations counted on this thread since the last call.
    pub(crate) fn take() -> u64 {
        WORK.with(|w| w.replace(0))
    }
}

#[cfg(not(test))]
mod work {
    pub(crate) fn tick() {}
}

/// The steps' dependencies as indices: step `i`'s are `list[end[i - 1]..end[i]]`, in ascending order.
#[derive(Clone, Copy)]
pub(super) struct Deps<'a> {
    pub(super) list: &'a [usize],
    pub(super) end: &'a [usize],
}

impl Deps<'_> {
    fn of(&self, i: usize) -> &[usize] {
        let start = if i == 0 { 0 } else { self.end[i - 1] };
        &self.list[start..self.end[i]]
    }
}

/// Windows usable by each site: one-off ones in start order, weekly ones in fleet order; the site's own and
/// the ones for every site.
struct WindowIndex<'a> {
    spans: &'a [WindowSpan],
    any: Vec<usize>,
    by_site: HashMap<&'a str, Vec<usize>>,
    weekly_any: Vec<usize>,
    weekly_by_site: HashMap<&'a str, Vec<usize>>,
}

/// A one-off window's only opening (`None` for a weekly one).
fn once(span: &WindowSpan) -> Option<Occurrence> {
    match span {
        WindowSpan::Once(o) => Some(*o),
        WindowSpan::Weekly(_) => None,
    }
}

/// How far a weekly window is searched for room past its last used occurrence: a year and a week, so every
/// length the clock changes give it has been tried.
const SEARCH_WEEKS: usize = 53;

impl<'a> WindowIndex<'a> {
    fn new(windows: &'a [MaintenanceWindow], spans: &'a [WindowSpan]) -> Self {
        let mut index = Self {
            spans,
            any: Vec::new(),
            by_site: HashMap::new(),
            weekly_any: Vec::new(),
            weekly_by_site: HashMap::new(),
        };
        for (i, (w, span)) in windows.iter().zip(spans).enumerate() {
            let (any, by_site) = match span {
                WindowSpan::Once(_) => (&mut index.any, &mut index.by_site),
                WindowSpan::Weekly(_) => (&mut index.weekly_any, &mut index.weekly_by_site),
            };
            match &w.site {
                Some(s) => by_site.entry(s.as_str()).or_default().push(i),
                None => any.push(i),
            }
        }
        let key = |i: &usize| (once(&spans[*i]).map(|o| o.start), *i);
        index.any.sort_by_key(key);
        for list in index.by_site.values_mut() {
            list.sort_by_key(key);
        }
        index
    }

    fn once(&self, i: usize) -> Option<Occurrence> {
        once(&self.spans[i])
    }

    /// The site's one-off windows merged with the ones for every site, in (start, index) order, without
    /// copying the shared ones into every site's list.
    fn for_site(&self, site: &str) -> impl Iterator<Item = usize> + '_ {
        let own = self.by_site.get(site).map_or(&[][..], Vec::as_slice);
        let key = |i: usize| (self.once(i).map(|o| o.start), i);
        let (mut a, mut b) = (own.iter().copied().peekable(), self.any.iter().copied().peekable());
        std::iter::from_fn(move || match (a.peek(), b.peek()) {
            (Some(&x), Some(&y)) => {
                if key(x) <= key(y) {
                    a.next()
                } else {
                    b.next()
                }
            }
            (Some(_), None) => a.next(),
            (None, _) => b.next(),
        })
    }

    /// The site's weekly windows and the ones for every site.
    fn weekly_for(&self, site: &str) -> impl Iterator<Item = usize> + '_ {
        let own = self.weekly_by_site.get(site).map_or(&[][..], Vec::as_slice);
        own.iter().chain(&self.weekly_any).copied()
    }
}

/// Whether a step is placed together with the step it prepares.
fn prepares(kind: StepKind) -> bool {
    matches!(kind, StepKind::Precheck | StepKind::Snapshot)
}

/// For each step, the step it is placed with (`None`: it is placed on its own, as the head of a group).
fn glue(steps: &[Step], deps: Deps<'_>) -> Vec<Option<usize>> {
    let mut first: Vec<Option<usize>> = vec![None; steps.len()];
    for j in 0..steps.len() {
        for &i in deps.of(j) {
            work::tick();
            first[i].get_or_insert(j);
        }
    }
    (0..steps.len()).map(|i| first[i].filter(|&j| prepares(steps[i].kind) && steps[i].site == steps[j].site)).collect()
}

/// Groups of steps placed together, by head (empty for steps that are not heads), members in order.
fn groups(steps: &[Step], glued: &[Option<usize>]) -> Vec<Vec<usize>> {
    let root = |mut i: usize| {
        while let Some(j) = glued[i] {
            work::tick();
            i = j;
        }
        i
    };
    let mut groups: Vec<Vec<usize>> = vec![Vec::new(); steps.len()];
    for i in 0..steps.len() {
        groups[root(i)].push(i);
    }
    groups
}

/// Where the scheduler stands: when each placed step ends, which failed, each site's queue per window.
struct Fitting<'a> {
    steps: &'a [Step],
    index: WindowIndex<'a>,
    ends: Vec<Option<OffsetDateTime>>,
    failed: Vec<bool>,
    /// Next free instant per (window, occurrence start, site): one operator queue per site.
    cursor: HashMap<(usize, OffsetDateTime, &'a str), OffsetDateTime>,
    /// The openings of each weekly window, by window.
    openings: HashMap<usize, Openings<'a>>,
    /// How many occurrences of a weekly window each site has used: its search bound grows with them.
    used: HashMap<(usize, &'a str), usize>,
    slots: Vec<(usize, Slot)>,
    unfitted: Vec<(usize, Unfitted)>,
}

/// Assigns each step to the first window of its site with room after its dependencies end.
///
/// Steps on different sites may run side by side (paired managers are upgraded together); steps on one
/// site run one after another. A step whose dependency did not fit does not fit either.
/// Weekly windows open from the plan date `from` on; `spans` are the windows' checked forms, in fleet order.
pub(super) fn fit<'a>(
    steps: &'a [Step],
    deps: Deps<'_>,
    windows: &'a [MaintenanceWindow],
    spans: &'a [WindowSpan],
    from: Date,
) -> Schedule {
    let glued = glue(steps, deps);
    let groups = groups(steps, &glued);
    let openings = spans
        .iter()
        .enumerate()
        .filter_map(|(i, span)| match span {
            WindowSpan::Weekly(rule) => Some((i, Openings::new(rule, from))),
            WindowSpan::Once(_) => None,
        })
        .collect();
    let mut st = Fitting {
        openings,
        steps,
        index: WindowIndex::new(windows, spans),
        ends: vec![None; steps.len()],
        failed: vec![false; steps.len()],
        cursor: HashMap::new(),
        used: HashMap::new(),
        slots: Vec::new(),
        unfitted: Vec::new(),
    };
    for head in 0..steps.len() {
        let group = &groups[head];
        if glued[head].is_some() || group.is_empty() {
            continue;
        }
        st.fit_group(group, deps);
    }
    // Groups are placed in head order; the plan lists slots in step order.
    st.slots.sort_by_key(|(i, _)| *i);
    st.unfitted.sort_by_key(|(i, _)| *i);
    Schedule {
        slots: st.slots.into_iter().map(|(_, s)| s).collect(),
        unfitted: st.unfitted.into_iter().map(|(_, u)| u).collect(),
    }
}

impl<'a> Fitting<'a> {
    /// Places one group (a step and the checks and snapshots placed with it), or records why it cannot be.
    fn fit_group(&mut self, group: &[usize], deps: Deps<'_>) {
        let steps = self.steps;
        let mut ready: Option<OffsetDateTime> = None;
        let mut blocked: Option<String> = None;
        for &i in group {
            for &d in deps.of(i) {
                work::tick();
                if group.contains(&d) {
                    continue;
                }
                match self.ends[d] {
                    Some(e) => ready = Some(ready.map_or(e, |r| r.max(e))),
                    None if self.failed[d] => {
                        blocked = Some(format!("depends on {}, which did not fit", steps[d].id));
                    }
                    None => blocked = Some(format!("depends on {}, which is not placed before it", steps[d].id)),
                }
            }
        }
        let site = steps[group[0]].site.as_deref().unwrap_or("");
        let minutes: i64 = group.iter().map(|&i| i64::from(steps[i].estimate.minutes)).sum();
        let placed = match blocked {
            Some(_) => None,
            None => self.place(site, ready, Duration::minutes(minutes)),
        };
        match (placed, blocked) {
            (Some((w, opens, start)), _) => self.record(group, site, (w, opens), start),
            (None, blocked) => {
                let reason = blocked.unwrap_or_else(|| no_room(site, ready, minutes, group.len()));
                for &i in group {
                    self.failed[i] = true;
                    self.unfitted.push((i, Unfitted { step: steps[i].id.clone(), reason: reason.clone() }));
                }
            }
        }
    }

    /// Slots for a placed group, one after another from `start` in occurrence `at` (window, its opening).
    fn record(&mut self, group: &[usize], site: &'a str, at: (usize, OffsetDateTime), mut start: OffsetDateTime) {
        let (w, opens) = at;
        let tz = match &self.index.spans[w] {
            WindowSpan::Weekly(rule) => Some(rule.tz_name().to_owned()),
            WindowSpan::Once(_) => None,
        };
        for &i in group {
            let d = Duration::minutes(i64::from(self.steps[i].estimate.minutes));
            // `place` checked that the whole group ends inside the occurrence.
            let end = start.checked_add(d).unwrap_or(start);
            self.ends[i] = Some(end);
            self.slots.push((i, Slot { step: self.steps[i].id.clone(), window: w, start, end, tz: tz.clone() }));
            start = end;
        }
        if self.cursor.insert((w, opens, site), start).is_none() && tz.is_some() {
            *self.used.entry((w, site)).or_default() += 1;
        }
    }

    /// The earliest-opening occurrence of the site's windows where `need` fits after `ready` and the site's
    /// queue: its window, its opening, and the start there.
    fn place(
        &mut self,
        site: &'a str,
        ready: Option<OffsetDateTime>,
        need: Duration,
    ) -> Option<(usize, OffsetDateTime, OffsetDateTime)> {
        let once = self.index.for_site(site).find_map(|w| {
            work::tick();
            let o = self.index.once(w)?;
            self.room(w, o, site, ready, need).map(|start| (w, o.start, start))
        });
        let candidates: Vec<usize> = self.index.weekly_for(site).collect();
        let weekly: Vec<_> = candidates.into_iter().filter_map(|w| self.first_weekly(w, site, ready, need)).collect();
        once.into_iter().chain(weekly).min_by_key(|&(w, opens, _)| (opens, w))
    }

    /// Where `need` starts in occurrence `o` of window `w`, if it fits after `ready` and the site's queue.
    fn room(
        &self,
        w: usize,
        o: Occurrence,
        site: &'a str,
        ready: Option<OffsetDateTime>,
        need: Duration,
    ) -> Option<OffsetDateTime> {
        let mut start = o.start;
        if let Some(r) = ready {
            start = start.max(r);
        }
        if let Some(c) = self.cursor.get(&(w, o.start, site)) {
            start = start.max(*c);
        }
        start.checked_add(need).is_some_and(|end| end <= o.end).then_some(start)
    }

    /// The first occurrence of weekly window `w` with room, searched a bounded number of weeks.
    fn first_weekly(
        &mut self,
        w: usize,
        site: &'a str,
        ready: Option<OffsetDateTime>,
        need: Duration,
    ) -> Option<(usize, OffsetDateTime, OffsetDateTime)> {
        let WindowSpan::Weekly(rule) = &self.index.spans[w] else { return None };
        let used = self.used.get(&(w, site)).copied().unwrap_or(0);
        let limit = used + (SEARCH_WEEKS + 1) * rule.days_per_week();
        let first = match ready {
            Some(r) => self.openings.get_mut(&w)?.first_closing_after(r),
            None => 0,
        };
        for i in first..first.saturating_add(limit) {
            work::tick();
            let o = self.openings.get_mut(&w)?.get(i)?;
            if let Some(start) = self.room(w, o, site, ready, need) {
                return Some((w, o.start, start));
            }
        }
        None
    }
}

/// A weekly window's openings from the plan date, each computed once (each is two time zone lookups) and kept
/// in order.
struct Openings<'a> {
    next: Box<dyn Iterator<Item = Occurrence> + 'a>,
    list: Vec<Occurrence>,
}

impl<'a> Openings<'a> {
    fn new(rule: &'a WeeklyRule, from: Date) -> Self {
        Self { next: Box::new(rule.occurrences(from)), list: Vec::new() }
    }

    /// The `i`th opening; `None` past the end of the calendar.
    fn get(&mut self, i: usize) -> Option<Occurrence> {
        while self.list.len() <= i {
            self.list.push(self.next.next()?);
        }
        self.list.get(i).copied()
    }

    /// The index of the first opening that closes after `t` (openings do not overlap: ends are in order too).
    fn first_closing_after(&mut self, t: OffsetDateTime) -> usize {
        while self.list.last().is_none_or(|o| o.end <= t) {
            match self.next.next() {
                Some(o) => self.list.push(o),
                None => break,
            }
        }
        self.list.partition_point(|o| o.end <= t)
    }
}

/// Why a group found no window.
fn no_room(site: &str, ready: Option<OffsetDateTime>, minutes: i64, members: usize) -> String {
    let after = ready.map(|r| format!(" after {}", rfc3339(r))).unwrap_or_default();
    let site_text = if site.is_empty() { "any site".to_owned() } else { format!("site {site}") };
    let with =
        if members > 1 { format!(" (with the {} step(s) it is placed with)", members - 1) } else { String::new() };
    format!("needs {minutes} min{with}; no window for {site_text}{after} has room")
}

/// Fills in when each rollback expires: its snapshot's end plus the retention.
pub(super) fn expiries(steps: &mut [Step], schedule: &Schedule) {
    let ends: HashMap<&str, OffsetDateTime> = schedule.slots.iter().map(|s| (&*s.step, s.end)).collect();
    for s in steps.iter_mut() {
        let Some(r) = &mut s.rollback else { continue };
        let (Some(snap), Some(h)) = (&r.snapshot, r.expires_after_hours) else { continue };
        r.expires_at = ends.get(&**snap).and_then(|e| e.checked_add(Duration::hours(i64::from(h))));
    }
}

#[cfg(test)]
mod tests {
    use time::macros::{date, datetime};

    use crate::HcxVersion;
    use crate::catalog::Catalog;
    use crate::fleet::{
        Appliance, ApplianceKind, Fleet, MaintenanceWindow, MeshService, NetworkExtension, Platform, PortBinding,
        ServiceMesh, Site, SitePair, SiteRole, Weekday, WeeklyWindow,
    };
    use crate::plan::PlanOptions;

    /// `n` Connector/Cloud pairs with a mesh of IX, NE and WO each, and one window of `minutes` per site.
    fn fleet(n: usize, minutes: i64) -> Fleet {
        let old = HcxVersion::new(4, 10, 3);
        let mut f = Fleet::new();
        for i in 0..n {
            let (c, a) = (format!("dc{i}"), format!("avs{i}"));
            let site = |id: &str, role, platform, version: HcxVersion| Site {
                id: id.to_owned(),
                role,
                platform,
                version,
                name: None,
                url: None,
            };
            f.sites.push(site(&c, SiteRole::Connector, Platform::OnPrem, old.clone()));
            f.sites.push(site(&a, SiteRole::Cloud, Platform::Avs, HcxVersion::new(4, 11, 3)));
            f.pairs.push(SitePair { source: c.clone(), destination: a.clone() });
            let app = |kind, id: String| Appliance { id, kind, version: old.clone(), ha_group: None, networks: vec![] };
            f.meshes.push(ServiceMesh {
                id: format!("sm{i}"),
                source: c.clone(),
                destination: a.clone(),
                services: vec![MeshService::Interconnect, MeshService::NetworkExtension],
                appliances: vec![app(ApplianceKind::Ix, format!("ix{i}")), app(ApplianceKind::Ne, format!("ne{i}"))],
                ha_groups_unknown: false,
            });
            f.extensions.push(NetworkExtension {
                network: format!("net{i}"),
                appliance: format!("ne{i}"),
                binding: PortBinding::Static,
            });
            for (k, s) in [c, a].into_iter().enumerate() {
                let start = datetime!(2026-12-05 22:00 UTC) + time::Duration::hours(k as i64);
                f.windows.push(MaintenanceWindow::once(Some(s), start, start + time::Duration::minutes(minutes)));
            }
        }
        // Two windows for every site, too: shared windows are merged into each site's list, not copied.
        for day in [12, 19] {
            let start = datetime!(2026-12-01 22:00 UTC) + time::Duration::days(day);
            f.windows.push(MaintenanceWindow::once(None, start, start + time::Duration::hours(2)));
        }
        f
    }

    /// `n` pairs whose only windows are weekly ones for every site: Saturdays of `minutes` in Amsterdam and
    /// Wednesdays of two hours in New York.
    fn weekly_fleet(n: usize, minutes: i64) -> Fleet {
        let mut f = fleet(n, minutes);
        let weekly = |day, start: &str, duration: String, tz: &str| {
            let w = WeeklyWindow { days: vec![day], start: start.into(), duration, tz: tz.into() };
            MaintenanceWindow::weekly(None, w)
        };
        f.windows = vec![
            weekly(Weekday::Sat, "20:00", format!("{minutes}m"), "Europe/Amsterdam"),
            weekly(Weekday::Wed, "22:00", "2h".into(), "America/New_York"),
        ];
        f
    }

    /// The scheduler's iterations for a plan of `n` pairs.
    fn work(n: usize, minutes: i64) -> (u64, usize) {
        work_on(&fleet(n, minutes))
    }

    fn work_on(f: &Fleet) -> (u64, usize) {
        let options = PlanOptions::new("4.11.4".parse().unwrap(), date!(2026 - 11 - 28));
        super::work::take();
        // The engine alone: step actions and the digest do not touch the schedule.
        let p = crate::plan::engine::plan(f, Catalog::bundled(), &options).unwrap();
        let work = super::work::take();
        (work, p.summary.unfitted)
    }

    #[test]
    fn scheduling_work_grows_linearly_with_the_fleet() {
        for minutes in [24 * 60, 30] {
            let (small, unfitted_small) = work(2_000, minutes);
            let (large, unfitted_large) = work(8_000, minutes);
            assert!(small > 0);
            // Four times the pairs: four times the work, give or take the shared windows.
            let ratio = large as f64 / small as f64;
            assert!(
                (3.6..=4.4).contains(&ratio),
                "work {small} -> {large} (x{ratio:.2}) with {minutes}-minute windows"
            );
            assert_eq!(unfitted_large, unfitted_small * 4, "{minutes}-minute windows");
        }
    }

    #[test]
    fn weekly_windows_keep_the_work_linear_and_bounded() {
        // A day a week, and 30 minutes a week: steps that never fit end their search after a year and a week.
        for minutes in [24 * 60, 30] {
            let (small, unfitted_small) = work_on(&weekly_fleet(200, minutes));
            let (large, unfitted_large) = work_on(&weekly_fleet(800, minutes));
            let ratio = large as f64 / small as f64;
            assert!((3.6..=4.4).contains(&ratio), "work {small} -> {large} (x{ratio:.2}), {minutes}-minute windows");
            assert_eq!(unfitted_large, unfitted_small * 4, "{minutes}-minute windows");
            // Per step, a bounded number of openings is looked at, whether or not it fits.
            let steps = crate::plan::engine::plan(
                &weekly_fleet(200, minutes),
                Catalog::bundled(),
                &PlanOptions::new("4.11.4".parse().unwrap(), date!(2026 - 11 - 28)),
            )
            .unwrap()
            .steps
            .len() as u64;
            assert!(small / steps < 400, "{} iterations per step", small / steps);
        }
    }
}
