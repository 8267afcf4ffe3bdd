//! Places steps into maintenance windows, in order, respecting dependencies.
//!
//! A pre-check or snapshot goes in the same window as the step it prepares (its first dependent on the same
//! site), right before it: a snapshot taken in one window and an upgrade run days later protects nothing.
//! Time arithmetic is checked: a window at the end of the calendar makes a step not fit, never a panic.

use std::collections::{HashMap, HashSet};

use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use super::{Schedule, Slot, Step, StepKind, Unfitted};
use crate::fleet::MaintenanceWindow;

/// A time as plans print it (RFC 3339).
pub(super) fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_else(|_| t.to_string())
}

/// Windows usable by each site, in start order: the site's own and the ones for every site.
struct WindowIndex<'a> {
    windows: &'a [MaintenanceWindow],
    any: Vec<usize>,
    by_site: HashMap<&'a str, Vec<usize>>,
}

impl<'a> WindowIndex<'a> {
    fn new(windows: &'a [MaintenanceWindow]) -> Self {
        let mut any = Vec::new();
        let mut own: HashMap<&'a str, Vec<usize>> = HashMap::new();
        for (i, w) in windows.iter().enumerate() {
            match &w.site {
                Some(s) => own.entry(s.as_str()).or_default().push(i),
                None => any.push(i),
            }
        }
        let key = |i: &usize| (windows[*i].start, *i);
        any.sort_by_key(key);
        let by_site = own
            .into_iter()
            .map(|(site, mut list)| {
                list.extend(&any);
                list.sort_by_key(key);
                (site, list)
            })
            .collect();
        Self { windows, any, by_site }
    }

    fn for_site(&self, site: &str) -> &[usize] {
        self.by_site.get(site).map_or(&self.any, Vec::as_slice)
    }
}

/// Whether a step is placed together with the step it prepares.
fn prepares(kind: StepKind) -> bool {
    matches!(kind, StepKind::Precheck | StepKind::Snapshot)
}

/// For each step, the step it is placed with (`None`: it is placed on its own, as the head of a group).
fn glue(steps: &[Step], pos: &HashMap<&str, usize>) -> Vec<Option<usize>> {
    let mut first: Vec<Option<usize>> = vec![None; steps.len()];
    for (j, s) in steps.iter().enumerate() {
        for d in &s.depends_on {
            if let Some(&i) = pos.get(&**d) {
                first[i].get_or_insert(j);
            }
        }
    }
    (0..steps.len()).map(|i| first[i].filter(|&j| prepares(steps[i].kind) && steps[i].site == steps[j].site)).collect()
}

/// Assigns each step to the first window of its site with room after its dependencies end.
///
/// Steps on different sites may run side by side (paired managers are upgraded together); steps on one
/// site run one after another. A step whose dependency did not fit does not fit either.
pub(super) fn fit(steps: &[Step], windows: &[MaintenanceWindow]) -> Schedule {
    let pos: HashMap<&str, usize> = steps.iter().enumerate().map(|(i, s)| (&*s.id, i)).collect();
    let glued = glue(steps, &pos);
    let root = |mut i: usize| {
        while let Some(j) = glued[i] {
            i = j;
        }
        i
    };
    let mut groups: Vec<Vec<usize>> = vec![Vec::new(); steps.len()];
    for i in 0..steps.len() {
        groups[root(i)].push(i);
    }
    let index = WindowIndex::new(windows);
    let mut ends: HashMap<&str, OffsetDateTime> = HashMap::new();
    // Next free instant per (window, site): one operator queue per site.
    let mut cursor: HashMap<(usize, &str), OffsetDateTime> = HashMap::new();
    let mut slots = Vec::new();
    let mut unfitted: Vec<Unfitted> = Vec::new();
    let mut failed: HashSet<&str> = HashSet::new();
    for head in 0..steps.len() {
        let group = &groups[head];
        if glued[head].is_some() || group.is_empty() {
            continue;
        }
        let inside: HashSet<&str> = group.iter().map(|&i| &*steps[i].id).collect();
        let external = group.iter().flat_map(|&i| &steps[i].depends_on).filter(|d| !inside.contains(&***d));
        let mut ready: Option<OffsetDateTime> = None;
        let mut blocked: Option<String> = None;
        for d in external {
            match ends.get(&**d) {
                Some(&e) => ready = Some(ready.map_or(e, |r| r.max(e))),
                None if failed.contains(&**d) => blocked = Some(format!("depends on {d}, which did not fit")),
                None => blocked = Some(format!("depends on {d}, which is not placed before it")),
            }
        }
        let site = steps[head].site.as_deref().unwrap_or("");
        let minutes: i64 = group.iter().map(|&i| i64::from(steps[i].estimate.minutes)).sum();
        let need = Duration::minutes(minutes);
        let placed = match blocked {
            Some(_) => None,
            None => place(&index, &cursor, site, ready, need),
        };
        match (placed, blocked) {
            (Some((w, mut start)), _) => {
                for &i in group {
                    let d = Duration::minutes(i64::from(steps[i].estimate.minutes));
                    // `place` checked that the whole group ends inside the window.
                    let end = start.checked_add(d).unwrap_or(start);
                    ends.insert(&steps[i].id, end);
                    slots.push(Slot { step: steps[i].id.clone(), window: w, start, end });
                    start = end;
                }
                cursor.insert((w, site), start);
            }
            (None, blocked) => {
                let reason = blocked.unwrap_or_else(|| {
                    let after = ready.map(|r| format!(" after {}", rfc3339(r))).unwrap_or_default();
                    let site_text = if site.is_empty() { "any site".to_owned() } else { format!("site {site}") };
                    let with = if group.len() > 1 {
                        format!(" (with the {} step(s) it is placed with)", group.len() - 1)
                    } else {
                        String::new()
                    };
                    format!("needs {minutes} min{with}; no window for {site_text}{after} has room")
                });
                for &i in group {
                    failed.insert(&steps[i].id);
                    unfitted.push(Unfitted { step: steps[i].id.clone(), reason: reason.clone() });
                }
            }
        }
    }
    slots.sort_by_key(|s| pos.get(&*s.step).copied().unwrap_or(usize::MAX));
    unfitted.sort_by_key(|u| pos.get(&*u.step).copied().unwrap_or(usize::MAX));
    Schedule { slots, unfitted }
}

/// The first window of the site where `need` fits after `ready` and the site's queue; its index and start.
fn place(
    index: &WindowIndex<'_>,
    cursor: &HashMap<(usize, &str), OffsetDateTime>,
    site: &str,
    ready: Option<OffsetDateTime>,
    need: Duration,
) -> Option<(usize, OffsetDateTime)> {
    for &w in index.for_site(site) {
        let win = &index.windows[w];
        let mut start = win.start;
        if let Some(r) = ready {
            start = start.max(r);
        }
        if let Some(c) = cursor.get(&(w, site)) {
            start = start.max(*c);
        }
        if start.checked_add(need).is_some_and(|end| end <= win.end) {
            return Some((w, start));
        }
    }
    None
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
