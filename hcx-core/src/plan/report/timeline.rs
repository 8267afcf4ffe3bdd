//! When each step runs: from the window schedule when the plan has one, else relative to the start with the
//! scheduler's own rules (a step starts after its dependencies; one site does one thing at a time).

use std::collections::HashMap;

use time::{Duration, OffsetDateTime};

use crate::plan::Plan;

/// A step placed on the time axis, in minutes from the start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Timed {
    /// Index into `plan.steps`.
    pub step: usize,
    /// Minutes from the start.
    pub start: i64,
    /// Minutes from the start.
    pub end: i64,
    /// The maintenance window (index into the fleet's `windows`), for scheduled plans.
    pub window: Option<usize>,
    /// The step's time in its weekly window's zone (`2026-11-28 21:00 CET .. 21:15 CET, Europe/Amsterdam`).
    pub local: Option<String>,
}

/// The end of a step's rollback means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Deadline {
    /// Index into `plan.steps`.
    pub step: usize,
    /// Minutes from the start.
    pub at: i64,
}

/// Every step on one time axis.
#[derive(Clone, Debug)]
pub(super) struct Timeline {
    /// The instant minute 0 stands for; `None` when the plan has no schedule (times are relative).
    pub origin: Option<OffsetDateTime>,
    /// Placed steps, in plan order.
    pub placed: Vec<Timed>,
    /// Steps that did not fit a window (index into `plan.steps`, reason).
    pub unfitted: Vec<(usize, String)>,
    /// Rollback deadlines of placed steps, in plan order.
    pub deadlines: Vec<Deadline>,
    /// The longest chain of dependent steps, in minutes of estimates.
    pub critical_path: i64,
    /// From the first start to the last end of the placed steps, in minutes.
    pub span: i64,
    /// Where each step is in `placed`.
    at: HashMap<usize, usize>,
}

impl Timeline {
    /// Lays out a plan.
    pub fn of(plan: &Plan) -> Self {
        let index: HashMap<&str, usize> = plan.steps.iter().enumerate().map(|(i, s)| (&*s.id, i)).collect();
        let (origin, placed, unfitted) = match &plan.schedule {
            Some(schedule) => scheduled(plan, schedule, &index),
            None => (None, relative(plan, &index), Vec::new()),
        };
        let deadlines = placed
            .iter()
            .filter_map(|t| {
                let rollback = plan.steps[t.step].rollback.as_ref()?;
                let hours = rollback.expires_after_hours?;
                // Retention counts from the snapshot that backs the rollback, when the plan names one.
                let snapshot = rollback.snapshot.as_deref().and_then(|id| index.get(id));
                let from = snapshot.and_then(|&i| placed.iter().find(|p| p.step == i)).map_or(t.start, |p| p.end);
                Some(Deadline { step: t.step, at: from + i64::from(hours) * 60 })
            })
            .collect();
        let span = placed.iter().map(|t| t.end).max().unwrap_or(0) - placed.iter().map(|t| t.start).min().unwrap_or(0);
        let at = placed.iter().enumerate().map(|(i, t)| (t.step, i)).collect();
        Self { origin, placed, unfitted, deadlines, critical_path: critical_path(plan, &index), span, at }
    }

    /// Where step `i` (index into `plan.steps`) is placed.
    pub fn get(&self, i: usize) -> Option<&Timed> {
        self.at.get(&i).map(|&p| &self.placed[p])
    }

    /// The instant of a minute on the axis, for scheduled plans.
    pub fn instant(&self, minute: i64) -> Option<OffsetDateTime> {
        self.origin.map(|o| o + Duration::minutes(minute))
    }
}

type Placement = (Option<OffsetDateTime>, Vec<Timed>, Vec<(usize, String)>);

fn scheduled(plan: &Plan, schedule: &crate::plan::Schedule, index: &HashMap<&str, usize>) -> Placement {
    let origin = schedule.slots.iter().map(|s| s.start).min();
    let minutes = |t: OffsetDateTime| origin.map_or(0, |o| (t - o).whole_minutes());
    let mut placed: Vec<Timed> = schedule
        .slots
        .iter()
        .filter_map(|s| {
            let step = *index.get(&*s.step)?;
            let local = s.tz.as_deref().and_then(|tz| crate::fleet::local_span(tz, s.start, s.end));
            Some(Timed { step, start: minutes(s.start), end: minutes(s.end), window: Some(s.window), local })
        })
        .collect();
    placed.sort_by_key(|t| t.step);
    let mut unfitted: Vec<(usize, String)> =
        schedule.unfitted.iter().filter_map(|u| Some((*index.get(&*u.step)?, u.reason.clone()))).collect();
    // A step the schedule neither placed nor refused is shown apart, not silently dropped.
    for i in 0..plan.steps.len() {
        if placed.binary_search_by_key(&i, |t| t.step).is_err() && !unfitted.iter().any(|(u, _)| *u == i) {
            unfitted.push((i, "not in the schedule".to_owned()));
        }
    }
    unfitted.sort_by_key(|(i, _)| *i);
    (origin, placed, unfitted)
}

fn relative(plan: &Plan, index: &HashMap<&str, usize>) -> Vec<Timed> {
    let mut ends: Vec<i64> = vec![0; plan.steps.len()];
    let mut site_free: HashMap<&str, i64> = HashMap::new();
    let mut placed = Vec::with_capacity(plan.steps.len());
    for (i, s) in plan.steps.iter().enumerate() {
        let ready = s.depends_on.iter().filter_map(|d| index.get(&**d)).map(|&d| ends[d]).max().unwrap_or(0);
        let site = s.site.as_deref().unwrap_or("");
        let start = ready.max(site_free.get(site).copied().unwrap_or(0));
        let end = start + i64::from(s.estimate.minutes);
        site_free.insert(site, end);
        ends[i] = end;
        placed.push(Timed { step: i, start, end, window: None, local: None });
    }
    placed
}

/// The longest chain of dependencies, by estimate (steps come after their dependencies in a plan).
fn critical_path(plan: &Plan, index: &HashMap<&str, usize>) -> i64 {
    let mut finish: Vec<i64> = vec![0; plan.steps.len()];
    for (i, s) in plan.steps.iter().enumerate() {
        let before = s.depends_on.iter().filter_map(|d| index.get(&**d)).filter(|&&d| d < i).map(|&d| finish[d]);
        finish[i] = before.max().unwrap_or(0) + i64::from(s.estimate.minutes);
    }
    finish.into_iter().max().unwrap_or(0)
}
