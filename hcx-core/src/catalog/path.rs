//! Shortest documented upgrade paths through the catalog's stepping stones.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use serde::Serialize;

use super::{Catalog, CatalogData, Confidence, PathRule};
use crate::version::HcxVersion;

/// One route segment: a rule instantiated for a concrete source and target release.
#[derive(Clone, Debug)]
pub(crate) struct Edge {
    /// Release indices visited after the start, ending at the target.
    pub(crate) stops: Vec<usize>,
    /// Index of the rule in `CatalogData::paths`.
    pub(crate) rule: usize,
}

/// One upgrade of a manager from one release to the next, and why it is allowed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Hop {
    /// The release upgraded from.
    pub from: HcxVersion,
    /// The release upgraded to.
    pub to: HcxVersion,
    /// The path rule that allows it.
    pub rule: String,
    /// The rule's sources.
    pub sources: Vec<String>,
    /// The rule's confidence.
    pub confidence: Confidence,
    /// The rule's note.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The rule asks for a full upgrade (managers and every mesh appliance) at this hop's release before the
    /// next hop.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub full_upgrade: bool,
    /// Services to remove from the compute profile and mesh before this hop.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remove_first: Option<super::ServiceRemoval>,
}

/// A supported upgrade path: zero or more hops.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct UpgradePath {
    /// Where it starts.
    pub from: HcxVersion,
    /// Where it ends.
    pub to: HcxVersion,
    /// The hops in order; empty when `from == to`.
    pub hops: Vec<Hop>,
    /// Set when `from` is not in the catalog and a rule's documented source range covers it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uncataloged: Option<Uncataloged>,
}

/// A source version the catalog does not list, planned by the documented rule whose source range covers it.
/// Its release date and builds are unknown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Uncataloged {
    /// The version.
    pub version: HcxVersion,
    /// The catalog's date: the version was not listed as of then.
    #[schemars(with = "crate::schema::IsoDate")]
    pub as_of: time::Date,
    /// The rule of the first hop, whose source range covers the version.
    pub rule: String,
    /// That source range.
    pub range: String,
    /// The rule's sources.
    pub sources: Vec<String>,
}

impl std::fmt::Display for Uncataloged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} is not in the catalog as of {}; planned by rule {}, which covers {} (its release date and builds are unknown)",
            self.version, self.as_of, self.rule, self.range
        )
    }
}

impl UpgradePath {
    /// The stepping stones: every release visited between `from` and `to`.
    pub fn stepping_stones(&self) -> Vec<&HcxVersion> {
        self.hops.iter().skip(1).map(|h| &h.from).collect()
    }

    /// The weakest confidence of any hop (`None` for an empty path).
    pub fn confidence(&self) -> Option<Confidence> {
        self.hops.iter().map(|h| h.confidence).max()
    }
}

/// Why no upgrade path can be given.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PathError {
    /// The target is older than the source.
    #[error("{from} to {to} is a downgrade; hcx managers cannot be downgraded (roll back from a snapshot instead)")]
    Downgrade {
        /// Source.
        from: HcxVersion,
        /// Target.
        to: HcxVersion,
    },
    /// The source is below the redeploy floor.
    #[error("{from} is below {floor}, the oldest release qualified for any upgrade: redeploy the manager (sources: {})", sources.join(", "))]
    RedeployRequired {
        /// Source.
        from: HcxVersion,
        /// The floor.
        floor: HcxVersion,
        /// Sources of the floor.
        sources: Vec<String>,
    },
    /// A version the catalog does not know.
    #[error("{which} version {version} is not a release known to the catalog (as of {as_of})")]
    UnknownRelease {
        /// `source` or `target`.
        which: &'static str,
        /// The version.
        version: HcxVersion,
        /// The catalog date.
        as_of: time::Date,
    },
    /// A source states that this route is not allowed.
    #[error("{0}")]
    Forbidden(Box<ForbiddenRoute>),
    /// No chain of documented rules connects the two releases.
    #[error("no documented upgrade path from {from} to {to}; check the Broadcom interoperability matrix")]
    NoDocumentedPath {
        /// Source.
        from: HcxVersion,
        /// Target.
        to: HcxVersion,
    },
}

/// A route that a source forbids, and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{from} to {to} is not allowed: {reason} (rule {rule}, sources: {})", sources.join(", "))]
pub struct ForbiddenRoute {
    /// Source.
    pub from: HcxVersion,
    /// Target.
    pub to: HcxVersion,
    /// The forbidding rule.
    pub rule: String,
    /// Why.
    pub reason: String,
    /// Its sources.
    pub sources: Vec<String>,
}

/// Instantiates every rule for every concrete (source, target) release it covers.
pub(crate) fn build_edges(d: &CatalogData) -> Vec<Vec<Edge>> {
    d.releases.iter().map(|f| edges_from(d, &f.version, |_| true)).collect()
}

/// The route segments that start at `from` (a release or not), for the rules `usable` accepts.
fn edges_from(d: &CatalogData, from: &HcxVersion, usable: impl Fn(&PathRule) -> bool) -> Vec<Edge> {
    let index = |v: &HcxVersion| d.releases.binary_search_by(|r| r.version.cmp(v)).ok();
    let mut edges = Vec::new();
    for (ri, rule) in d.paths.iter().enumerate() {
        if !from.matches(&rule.from) || !usable(rule) {
            continue;
        }
        let Some(via) = rule.via.iter().map(index).collect::<Option<Vec<usize>>>() else {
            continue;
        };
        let last = via.last().map_or(from, |&i| &d.releases[i].version);
        if via.first().is_some_and(|&i| d.releases[i].version <= *from) {
            continue;
        }
        for (ti, t) in d.releases.iter().enumerate() {
            if t.version > *last && t.version.matches(&rule.target) {
                let mut stops = via.clone();
                stops.push(ti);
                edges.push(Edge { stops, rule: ri });
            }
        }
    }
    edges
}

/// Path cost, compared in order: fewest upgrades, then fewest rules chained (a rule written for this target
/// beats a chain of general ones), then the strongest evidence.
type Cost = (usize, usize, usize);

fn confidence_rank(c: Confidence) -> usize {
    match c {
        Confidence::Confirmed => 0,
        Confidence::Secondary => 1,
        Confidence::ThirdParty => 2,
        _ => 3,
    }
}

impl Catalog {
    /// The shortest documented upgrade path from one release to another, each hop justified by its rule.
    ///
    /// ```
    /// use hcx_core::{Catalog, HcxVersion};
    /// let c = Catalog::bundled();
    /// let p = c.path(&"4.3.3".parse()?, &"4.10.3".parse()?)?;
    /// let stones: Vec<String> = p.stepping_stones().iter().map(|v| v.to_string()).collect();
    /// assert_eq!(stones, ["4.8.3", "4.9.2"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// A source version the catalog does not list is still planned when a documented (not `inferred`) rule's
    /// source range covers it; the path then says so in [`UpgradePath::uncataloged`]. A target must be a
    /// release of the catalog.
    ///
    /// # Errors
    /// [`PathError`]: a downgrade, a source below the redeploy floor, an unknown release (a target, or a source
    /// no documented range covers), a forbidden route, or no documented route.
    pub fn path(&self, from: &HcxVersion, to: &HcxVersion) -> Result<UpgradePath, PathError> {
        let d = &self.data;
        if to < from {
            return Err(PathError::Downgrade { from: from.clone(), to: to.clone() });
        }
        if *from < d.redeploy_below.version {
            return Err(PathError::RedeployRequired {
                from: from.clone(),
                floor: d.redeploy_below.version.clone(),
                sources: d.redeploy_below.sources.clone(),
            });
        }
        let unknown = |which, v: &HcxVersion| PathError::UnknownRelease { which, version: v.clone(), as_of: d.as_of };
        let goal = self.release_index(to).ok_or_else(|| unknown("target", to))?;
        let g = Graph::new(self, from).ok_or_else(|| unknown("source", from))?;
        if g.start == goal {
            return Ok(UpgradePath { from: from.clone(), to: to.clone(), hops: Vec::new(), uncataloged: None });
        }
        if let Some(rule) = self.forbidden(from, to) {
            return Err(PathError::Forbidden(Box::new(ForbiddenRoute {
                from: from.clone(),
                to: to.clone(),
                rule: rule.id.clone(),
                reason: rule.note.clone().unwrap_or_else(|| "not allowed".into()),
                sources: rule.sources.clone(),
            })));
        }
        let segments =
            g.shortest(goal).ok_or_else(|| PathError::NoDocumentedPath { from: from.clone(), to: to.clone() })?;
        let mut hops = g.hops(&segments);
        if let Some(first) = hops.first_mut() {
            first.from = from.clone();
        }
        if let Some(last) = hops.last_mut() {
            last.to = to.clone();
        }
        let uncataloged = (g.start == g.n).then(|| {
            let rule = hops.first().and_then(|h| d.paths.iter().find(|r| r.id == h.rule));
            Uncataloged {
                version: from.without_build(),
                as_of: d.as_of,
                rule: rule.map(|r| r.id.clone()).unwrap_or_default(),
                range: rule.map(|r| r.from.to_string()).unwrap_or_default(),
                sources: rule.map(|r| r.sources.clone()).unwrap_or_default(),
            }
        });
        Ok(UpgradePath { from: from.clone(), to: to.clone(), hops, uncataloged })
    }

    /// The rule forbidding this route, if a source forbids it.
    pub fn forbidden(&self, from: &HcxVersion, to: &HcxVersion) -> Option<&PathRule> {
        self.data.forbidden_paths.iter().find(|r| from.matches(&r.from) && to.matches(&r.target))
    }

    /// The strongest rule allowing a direct (single-hop) upgrade, if any.
    pub fn direct_upgrade(&self, from: &HcxVersion, to: &HcxVersion) -> Option<&PathRule> {
        if to <= from || self.forbidden(from, to).is_some() {
            return None;
        }
        self.data
            .paths
            .iter()
            .filter(|r| r.via.is_empty() && from.matches(&r.from) && to.matches(&r.target))
            .min_by_key(|r| confidence_rank(r.confidence))
    }
}

/// The release graph as one path search sees it: an uncataloged source is a node of its own (index `n`) with
/// the edges of the documented rules that cover it.
struct Graph<'c> {
    catalog: &'c Catalog,
    from: &'c HcxVersion,
    n: usize,
    start: usize,
    start_edges: Option<Vec<Edge>>,
}

impl<'c> Graph<'c> {
    /// The graph from `from`; `None` for an uncataloged source no documented range covers.
    fn new(catalog: &'c Catalog, from: &'c HcxVersion) -> Option<Self> {
        let d = &catalog.data;
        let n = d.releases.len();
        let (start, start_edges) = match catalog.release_index(from) {
            Some(i) => (i, None),
            None => {
                let e = edges_from(d, from, |r| r.confidence != Confidence::Inferred);
                if e.is_empty() {
                    return None;
                }
                (n, Some(e))
            }
        };
        Some(Self { catalog, from, n, start, start_edges })
    }

    fn edges_of(&self, node: usize) -> &[Edge] {
        match &self.start_edges {
            Some(e) if node == self.n => e,
            _ => &self.catalog.edges[node],
        }
    }

    fn version_of(&self, node: usize) -> HcxVersion {
        if node == self.n {
            self.from.without_build()
        } else {
            self.catalog.data.releases[node].version.without_build()
        }
    }

    /// The route segments (start node, edge) of the cheapest route to `goal`: fewest stops, then fewest rules,
    /// then the strongest evidence.
    fn shortest(&self, goal: usize) -> Option<Vec<(usize, &Edge)>> {
        let d = &self.catalog.data;
        // Dijkstra over releases; the graph is tiny (tens of nodes), so a plain heap is plenty.
        let mut best: Vec<Option<Cost>> = vec![None; self.n + 1];
        let mut back: Vec<Option<(usize, usize)>> = vec![None; self.n + 1]; // (previous node, edge index)
        let mut heap = BinaryHeap::new();
        best[self.start] = Some((0, 0, 0));
        heap.push(Reverse(((0, 0, 0), self.start)));
        while let Some(Reverse((cost, node))) = heap.pop() {
            if best[node].is_some_and(|b| b < cost) {
                continue;
            }
            if node == goal {
                break;
            }
            for (ei, e) in self.edges_of(node).iter().enumerate() {
                let end = e.stops[e.stops.len() - 1];
                if end > goal {
                    continue;
                }
                let rule = &d.paths[e.rule];
                let next = (cost.0 + e.stops.len(), cost.1 + 1, cost.2 + confidence_rank(rule.confidence));
                if best[end].is_none_or(|b| next < b) {
                    best[end] = Some(next);
                    back[end] = Some((node, ei));
                    heap.push(Reverse((next, end)));
                }
            }
        }
        best[goal]?;
        let mut segments = Vec::new();
        let mut at = goal;
        while let Some((prev, ei)) = back[at] {
            segments.push((prev, &self.edges_of(prev)[ei]));
            at = prev;
        }
        segments.reverse();
        Some(segments)
    }

    /// One hop per stop of every segment, each justified by its rule.
    fn hops(&self, segments: &[(usize, &Edge)]) -> Vec<Hop> {
        let d = &self.catalog.data;
        let mut hops = Vec::new();
        for &(prev, edge) in segments {
            let rule: &PathRule = &d.paths[edge.rule];
            let mut cur = prev;
            for (i, &stop) in edge.stops.iter().enumerate() {
                hops.push(Hop {
                    from: self.version_of(cur),
                    to: self.version_of(stop),
                    rule: rule.id.clone(),
                    sources: rule.sources.clone(),
                    confidence: rule.confidence,
                    note: rule.note.clone(),
                    // The stepping stones of the rule, not the route's end, get the full round.
                    full_upgrade: rule.full_upgrade.is_some() && i + 1 < edge.stops.len(),
                    remove_first: rule.remove_first.clone(),
                });
                cur = stop;
            }
        }
        hops
    }
}
