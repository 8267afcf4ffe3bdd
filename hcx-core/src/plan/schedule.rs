//! Places steps into maintenance windows, in order, respecting dependencies.

use std::collections::HashMap;

use time::{Duration, OffsetDateTime};

use super::{Schedule, Slot, Step, Unfitted};
use crate::fleet::MaintenanceWindow;

/// Assigns each step to the first window of its site with room after its dependencies end.
///
/// Steps on different sites may run side by side (paired managers are upgraded together); steps on one
/// site run one after another. A step whose dependency did not fit does not fit either.
pub(super) fn fit(steps: &[Step], windows: &[MaintenanceWindow]) -> Schedule {
    let mut order: Vec<usize> = (0..windows.len()).collect();
    order.sort_by_key(|&i| (windows[i].start, i));
    let mut ends: HashMap<&str, OffsetDateTime> = HashMap::new();
    // Next free instant per (window, site): one operator queue per site.
    let mut cursor: HashMap<(usize, &str), OffsetDateTime> = HashMap::new();
    let mut slots = Vec::new();
    let mut unfitted: Vec<Unfitted> = Vec::new();
    for step in steps {
        if let Some(dep) = step.depends_on.iter().find(|d| unfitted.iter().any(|u| &u.step == *d)) {
            unfitted.push(Unfitted { step: step.id.clone(), reason: format!("depends on {dep}, which did not fit") });
            continue;
        }
        let ready = step.depends_on.iter().filter_map(|d| ends.get(&**d)).max().copied();
        let site = step.site.as_deref().unwrap_or("");
        let need = Duration::minutes(i64::from(step.estimate.minutes));
        let mut placed = None;
        for &w in &order {
            let win = &windows[w];
            if win.site.as_deref().is_some_and(|s| s != site) {
                continue;
            }
            let mut start = win.start;
            if let Some(r) = ready {
                start = start.max(r);
            }
            if let Some(c) = cursor.get(&(w, site)) {
                start = start.max(*c);
            }
            if start + need <= win.end {
                placed = Some((w, start, start + need));
                break;
            }
        }
        match placed {
            Some((w, start, end)) => {
                cursor.insert((w, site), end);
                ends.insert(&step.id, end);
                slots.push(Slot { step: step.id.clone(), window: w, start, end });
            }
            None => {
                let after = ready.map(|r| format!(" after {r}")).unwrap_or_default();
                let site_text = if site.is_empty() { "any site".to_owned() } else { format!("site {site}") };
                unfitted.push(Unfitted {
                    step: step.id.clone(),
                    reason: format!("needs {} min; no window for {site_text}{after} has room", step.estimate.minutes),
                });
            }
        }
    }
    Schedule { slots, unfitted }
}
