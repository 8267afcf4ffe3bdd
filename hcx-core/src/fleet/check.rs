//! Checking a fleet document: enum and version values of the raw document (`parse_*`), then references,
//! roles and uniqueness (`check_refs`) over a [`Skeleton`] that a raw document and a typed [`Fleet`] both
//! give. Problems carry an [`At`]; its JSON path is written only when a problem is reported.

use std::collections::{HashMap, HashSet};
use std::fmt;

use super::*;

/// The parts of a fleet document, in document order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Section {
    Schema,
    Sites,
    Pairs,
    Meshes,
    Extensions,
    Migrations,
    Replications,
    Windows,
}

impl Section {
    fn name(self) -> &'static str {
        match self {
            Section::Schema => "schema",
            Section::Sites => "sites",
            Section::Pairs => "pairs",
            Section::Meshes => "meshes",
            Section::Extensions => "extensions",
            Section::Migrations => "migrations",
            Section::Replications => "replications",
            Section::Windows => "windows",
        }
    }
}

/// A member of an item, in the order an item's problems are reported (`Whole`: the item itself).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Field {
    Id,
    Source,
    Destination,
    Whole,
    Site,
    Role,
    Kind,
    Platform,
    Version,
    HaGroup,
    Services,
    Appliances,
    Appliance,
    Network,
    Binding,
    State,
    WeeklyDays,
    WeeklyStart,
    WeeklyDuration,
    WeeklyTz,
}

impl Field {
    fn name(self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::Source => "source",
            Field::Destination => "destination",
            Field::Whole => "",
            Field::Site => "site",
            Field::Role => "role",
            Field::Kind => "kind",
            Field::Platform => "platform",
            Field::Version => "version",
            Field::HaGroup => "ha_group",
            Field::Services => "services",
            Field::Appliances => "appliances",
            Field::Appliance => "appliance",
            Field::Network => "network",
            Field::Binding => "binding",
            Field::State => "state",
            Field::WeeklyDays => "weekly.days",
            Field::WeeklyStart => "weekly.start",
            Field::WeeklyDuration => "weekly.duration",
            Field::WeeklyTz => "weekly.tz",
        }
    }
}

/// Where a problem is: `$.meshes[0].appliances[1].version` without the string. Ordering is document order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct At {
    section: Section,
    /// The item; `usize::MAX` for the section as a whole.
    index: usize,
    field: Field,
    /// The element of a list member (`services[j]`, `appliances[j]`).
    sub: Option<(usize, Field)>,
}

impl At {
    fn section(section: Section) -> Self {
        Self { section, index: usize::MAX, field: Field::Whole, sub: None }
    }

    fn item(section: Section, index: usize) -> Self {
        Self { section, index, field: Field::Whole, sub: None }
    }

    fn field(self, field: Field) -> Self {
        Self { field, ..self }
    }

    fn sub(self, field: Field, j: usize, member: Field) -> Self {
        Self { field, sub: Some((j, member)), ..self }
    }
}

impl fmt::Display for At {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "$.{}", self.section.name())?;
        if self.index == usize::MAX || self.section == Section::Schema {
            return Ok(());
        }
        write!(f, "[{}]", self.index)?;
        if self.field != Field::Whole {
            write!(f, ".{}", self.field.name())?;
        }
        match self.sub {
            Some((j, Field::Whole)) => write!(f, "[{j}]"),
            Some((j, member)) => write!(f, "[{j}].{}", member.name()),
            None => Ok(()),
        }
    }
}

/// Collects problems; they are put in document order when the check ends.
pub(super) struct Checker {
    problems: Vec<(At, String)>,
}

impl Checker {
    pub(super) fn new() -> Self {
        Self { problems: Vec::new() }
    }

    fn push(&mut self, at: At, message: impl Into<String>) {
        self.problems.push((at, message.into()));
    }

    fn parse<T: std::str::FromStr>(&mut self, at: At, text: &str) -> Option<T>
    where
        T::Err: fmt::Display,
    {
        match text.parse() {
            Ok(v) => Some(v),
            Err(e) => {
                self.push(at, e.to_string());
                None
            }
        }
    }

    fn unique<'a>(&mut self, seen: &mut HashMap<&'a str, At>, id: &'a str, at: At, what: &str) {
        if id.trim().is_empty() {
            self.push(at, format!("{what} id is empty"));
        } else if let Some(first) = seen.get(id) {
            self.push(at, format!("duplicate {what} id {} (first defined at {first})", quoted(id)));
        } else {
            seen.insert(id, at);
        }
    }

    /// Every problem in document order, with its path; `Ok` when there is none.
    pub(super) fn finish(mut self) -> Result<(), FleetError> {
        if self.problems.is_empty() {
            return Ok(());
        }
        // Stable: problems of one place keep the order they were found in.
        self.problems.sort_by_key(|(at, _)| *at);
        let problems =
            self.problems.into_iter().map(|(at, message)| Problem { path: at.to_string(), message }).collect();
        Err(FleetError { origin: None, problems })
    }
}

/// What the reference checks read: ids, roles and kinds (`None` where the value itself was bad).
pub(super) struct Skeleton<'a> {
    pub(super) schema: &'a str,
    pub(super) sites: Vec<(&'a str, Option<SiteRole>)>,
    pub(super) pairs: &'a [SitePair],
    pub(super) meshes: Vec<MeshSkeleton<'a>>,
    /// Network and appliance of each extension.
    pub(super) extensions: Vec<(&'a str, &'a str)>,
    /// Id and site of each migration, then of each replication.
    pub(super) migrations: Vec<(&'a str, Option<&'a str>)>,
    pub(super) replications: Vec<(&'a str, Option<&'a str>)>,
    pub(super) windows: &'a [MaintenanceWindow],
}

/// A mesh as the reference checks read it.
pub(super) struct MeshSkeleton<'a> {
    pub(super) id: &'a str,
    pub(super) source: &'a str,
    pub(super) destination: &'a str,
    /// Id, kind and whether it names an HA group, per appliance.
    pub(super) appliances: Vec<(&'a str, Option<ApplianceKind>, bool)>,
}

impl<'a> Skeleton<'a> {
    /// The skeleton of a typed fleet.
    pub(super) fn of(f: &'a Fleet) -> Self {
        let transfer = |id: &'a String, site: &'a Option<String>| (id.as_str(), site.as_deref());
        Skeleton {
            schema: &f.schema,
            sites: f.sites.iter().map(|s| (s.id.as_str(), Some(s.role))).collect(),
            pairs: &f.pairs,
            meshes: f
                .meshes
                .iter()
                .map(|m| MeshSkeleton {
                    id: &m.id,
                    source: &m.source,
                    destination: &m.destination,
                    appliances: m
                        .appliances
                        .iter()
                        .map(|a| (a.id.as_str(), Some(a.kind), a.ha_group.is_some()))
                        .collect(),
                })
                .collect(),
            extensions: f.extensions.iter().map(|e| (e.network.as_str(), e.appliance.as_str())).collect(),
            migrations: f.migrations.iter().map(|t| transfer(&t.id, &t.site)).collect(),
            replications: f.replications.iter().map(|t| transfer(&t.id, &t.site)).collect(),
            windows: &f.windows,
        }
    }
}

/// The values of the raw document that have types: `None` where a value is bad (its problem is recorded).
pub(super) struct Parsed {
    pub(super) sites: Vec<(Option<SiteRole>, Option<Platform>, Option<HcxVersion>)>,
    /// Per mesh: its services, and the kind and version of each appliance.
    pub(super) meshes: Vec<ParsedMesh>,
    pub(super) bindings: Vec<Option<PortBinding>>,
    pub(super) migrations: Vec<Option<TransferState>>,
    pub(super) replications: Vec<Option<TransferState>>,
}

/// Parses every typed value of the raw document.
pub(super) fn parse_values(c: &mut Checker, raw: &raw::Fleet) -> Parsed {
    let sites = raw
        .sites
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let at = At::item(Section::Sites, i);
            (
                c.parse(at.field(Field::Role), &s.role),
                c.parse(at.field(Field::Platform), &s.platform),
                c.parse(at.field(Field::Version), &s.version),
            )
        })
        .collect();
    let meshes = raw.meshes.iter().enumerate().map(|(i, m)| parse_mesh(c, At::item(Section::Meshes, i), m)).collect();
    let bindings = raw
        .extensions
        .iter()
        .enumerate()
        .map(|(i, e)| c.parse(At::item(Section::Extensions, i).field(Field::Binding), &e.binding))
        .collect();
    let states = |c: &mut Checker, section, list: &[raw::Transfer]| -> Vec<Option<TransferState>> {
        list.iter().enumerate().map(|(i, t)| c.parse(At::item(section, i).field(Field::State), &t.state)).collect()
    };
    Parsed {
        sites,
        meshes,
        bindings,
        migrations: states(c, Section::Migrations, &raw.migrations),
        replications: states(c, Section::Replications, &raw.replications),
    }
}

/// A mesh's services, and the kind and version of each appliance.
pub(super) type ParsedMesh = (Vec<MeshService>, Vec<(Option<ApplianceKind>, Option<HcxVersion>)>);

fn parse_mesh(c: &mut Checker, at: At, m: &raw::Mesh) -> ParsedMesh {
    let services = m
        .services
        .iter()
        .enumerate()
        .filter_map(|(j, s)| c.parse(at.sub(Field::Services, j, Field::Whole), s))
        .collect();
    let appliances = m
        .appliances
        .iter()
        .enumerate()
        .map(|(j, a)| {
            (
                c.parse(at.sub(Field::Appliances, j, Field::Kind), &a.kind),
                c.parse(at.sub(Field::Appliances, j, Field::Version), &a.version),
            )
        })
        .collect();
    (services, appliances)
}

impl<'a> Skeleton<'a> {
    /// The skeleton of a raw document and its parsed values.
    pub(super) fn of_raw(raw: &'a raw::Fleet, parsed: &Parsed) -> Self {
        let transfer = |t: &'a raw::Transfer| (t.id.as_str(), t.site.as_deref());
        Skeleton {
            schema: &raw.schema,
            sites: raw.sites.iter().zip(&parsed.sites).map(|(s, p)| (s.id.as_str(), p.0)).collect(),
            pairs: &raw.pairs,
            meshes: raw
                .meshes
                .iter()
                .zip(&parsed.meshes)
                .map(|(m, (_, kinds))| MeshSkeleton {
                    id: &m.id,
                    source: &m.source,
                    destination: &m.destination,
                    appliances: m
                        .appliances
                        .iter()
                        .zip(kinds)
                        .map(|(a, (kind, _))| (a.id.as_str(), *kind, a.ha_group.is_some()))
                        .collect(),
                })
                .collect(),
            extensions: raw.extensions.iter().map(|e| (e.network.as_str(), e.appliance.as_str())).collect(),
            migrations: raw.migrations.iter().map(transfer).collect(),
            replications: raw.replications.iter().map(transfer).collect(),
            windows: &raw.windows,
        }
    }
}

/// Site ids and their roles (the first definition wins, as for the duplicate-id report).
type Roles<'a> = HashMap<&'a str, Option<SiteRole>>;

/// References, roles and uniqueness.
pub(super) fn check_refs(c: &mut Checker, k: &Skeleton<'_>) {
    if k.schema != FLEET_SCHEMA {
        c.push(
            At::section(Section::Schema),
            format!("unsupported schema {} (expected {FLEET_SCHEMA:?})", quoted(k.schema)),
        );
    }
    let roles = check_sites(c, k);
    check_pairs(c, k, &roles);
    let kinds = check_meshes(c, k, &roles);
    check_extensions(c, k, &kinds);
    check_transfers(c, &k.migrations, Section::Migrations, "migration", &roles);
    check_transfers(c, &k.replications, Section::Replications, "replication", &roles);
    for (i, w) in k.windows.iter().enumerate() {
        let at = At::item(Section::Windows, i);
        if let Err(problems) = w.span() {
            for problem in problems {
                c.push(at.field(window_field(&problem)), problem.to_string());
            }
        }
        if let Some(site) = &w.site {
            check_site_ref(c, &roles, site, at.field(Field::Site));
        }
    }
}

/// The member of a window a problem is about.
fn window_field(problem: &WindowProblem) -> Field {
    match problem {
        WindowProblem::Form | WindowProblem::EndsBeforeStart => Field::Whole,
        WindowProblem::Weekly(e) => match e {
            WindowError::NoDays | WindowError::DuplicateDay { .. } => Field::WeeklyDays,
            WindowError::Start { .. } => Field::WeeklyStart,
            WindowError::Duration { .. } | WindowError::DurationRange { .. } => Field::WeeklyDuration,
            WindowError::Zone { .. } => Field::WeeklyTz,
        },
    }
}

fn check_sites<'a>(c: &mut Checker, k: &Skeleton<'a>) -> Roles<'a> {
    let mut ids = HashMap::with_capacity(k.sites.len());
    let mut roles: Roles<'a> = HashMap::with_capacity(k.sites.len());
    for (i, &(id, role)) in k.sites.iter().enumerate() {
        c.unique(&mut ids, id, At::item(Section::Sites, i).field(Field::Id), "site");
        roles.entry(id).or_insert(role);
    }
    if k.sites.is_empty() {
        c.push(At::section(Section::Sites), "a fleet needs at least one site");
    }
    roles
}

fn check_pairs(c: &mut Checker, k: &Skeleton<'_>, roles: &Roles<'_>) {
    let mut seen: HashMap<(&str, &str), At> = HashMap::with_capacity(k.pairs.len());
    for (i, p) in k.pairs.iter().enumerate() {
        let at = At::item(Section::Pairs, i);
        check_site_ref(c, roles, &p.source, at.field(Field::Source));
        let dest = check_site_ref(c, roles, &p.destination, at.field(Field::Destination));
        if dest == Some(SiteRole::Connector) {
            c.push(
                at.field(Field::Destination),
                format!("site {} is an hcx connector, which can only be the source of a pair", quoted(&p.destination)),
            );
        }
        if p.source == p.destination {
            c.push(at, format!("a site cannot be paired with itself ({})", quoted(&p.source)));
        }
        match seen.get(&(p.source.as_str(), p.destination.as_str())) {
            Some(first) => c.push(
                at,
                format!("duplicate pair {} -> {} (first at {first})", clipped(&p.source), clipped(&p.destination)),
            ),
            None => {
                seen.insert((&p.source, &p.destination), at);
            }
        }
    }
}

/// Checks meshes and their appliances; returns the kind of every appliance id.
fn check_meshes<'a>(c: &mut Checker, k: &Skeleton<'a>, roles: &Roles<'_>) -> HashMap<&'a str, Option<ApplianceKind>> {
    let pairs: HashSet<(&str, &str)> = k.pairs.iter().map(|p| (p.source.as_str(), p.destination.as_str())).collect();
    let mut mesh_ids = HashMap::with_capacity(k.meshes.len());
    let mut appliance_ids = HashMap::new();
    let mut kinds = HashMap::new();
    for (i, m) in k.meshes.iter().enumerate() {
        let at = At::item(Section::Meshes, i);
        c.unique(&mut mesh_ids, m.id, at.field(Field::Id), "mesh");
        let src = check_site_ref(c, roles, m.source, at.field(Field::Source));
        let dst = check_site_ref(c, roles, m.destination, at.field(Field::Destination));
        if src.is_some() && dst.is_some() && !pairs.contains(&(m.source, m.destination)) {
            c.push(
                at,
                format!(
                    "mesh {} is over {} -> {}, which is not a site pair",
                    quoted(m.id),
                    clipped(m.source),
                    clipped(m.destination)
                ),
            );
        }
        for (j, &(id, kind, ha)) in m.appliances.iter().enumerate() {
            c.unique(&mut appliance_ids, id, at.sub(Field::Appliances, j, Field::Id), "appliance");
            kinds.insert(id, kind);
            if ha && kind.is_some_and(|k| k != ApplianceKind::Ne) {
                c.push(at.sub(Field::Appliances, j, Field::HaGroup), "only NE appliances can be in an ha group");
            }
        }
    }
    kinds
}

fn check_extensions(c: &mut Checker, k: &Skeleton<'_>, kinds: &HashMap<&str, Option<ApplianceKind>>) {
    let mut extended = HashMap::with_capacity(k.extensions.len());
    for (i, &(network, appliance)) in k.extensions.iter().enumerate() {
        let at = At::item(Section::Extensions, i);
        match kinds.get(appliance) {
            None => c.push(at.field(Field::Appliance), format!("unknown appliance {}", quoted(appliance))),
            Some(Some(kind)) if *kind != ApplianceKind::Ne => c.push(
                at.field(Field::Appliance),
                format!("appliance {} is {kind}, but only NE appliances extend networks", quoted(appliance)),
            ),
            Some(_) => {}
        }
        c.unique(&mut extended, network, at.field(Field::Network), "extended network");
    }
}

fn check_transfers(c: &mut Checker, list: &[(&str, Option<&str>)], section: Section, what: &str, roles: &Roles<'_>) {
    let mut seen = HashMap::with_capacity(list.len());
    for (i, &(id, site)) in list.iter().enumerate() {
        let at = At::item(section, i);
        c.unique(&mut seen, id, at.field(Field::Id), what);
        if let Some(site) = site {
            check_site_ref(c, roles, site, at.field(Field::Site));
        }
    }
}

/// Reports an unknown site id; returns the site's role when it is known.
fn check_site_ref(c: &mut Checker, roles: &Roles<'_>, id: &str, at: At) -> Option<SiteRole> {
    match roles.get(id) {
        Some(role) => *role,
        None => {
            c.push(at, format!("unknown site {}", quoted(id)));
            None
        }
    }
}
