//! `hcx catalog`: list releases, export the full catalog, validate a file, diff two catalogs, show one release;
//! and where every command's catalog comes from (bundled, `--catalog FILE`, `--catalog-url URL` with a cache of
//! the last good fetch).

use std::borrow::Cow;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use hcx_core::HcxVersion;
use hcx_core::catalog::{Catalog, CatalogError, Confidence, FetchOptions, MAX_CATALOG_BYTES, SupportState};
use hcx_core::schema::{
    CatalogDiffDocument, CatalogRef, ReleaseStatus, ReleasesDocument, ValidationDocument, to_json_pretty,
};

use crate::{CliError, Exit, Format, out, parse_date};

/// Where a command's catalog comes from.
#[derive(Debug, Default, Args)]
pub struct CatalogSource {
    /// A catalog file to use instead of the bundled one.
    #[arg(long, value_name = "FILE", conflicts_with = "catalog_url")]
    pub catalog: Option<PathBuf>,
    /// Fetch the catalog from an https URL (validated; the last good copy is cached and used when the URL
    /// cannot be reached).
    #[arg(long, value_name = "URL")]
    pub catalog_url: Option<String>,
    /// The expected SHA-256 of the fetched catalog file (hex); anything else is refused.
    #[arg(long, value_name = "HEX", requires = "catalog_url")]
    pub catalog_sha256: Option<String>,
}

/// A catalog and where it came from.
pub(crate) struct Loaded {
    /// The catalog.
    pub(crate) catalog: Cow<'static, Catalog>,
    /// `bundled`, the file, or the URL (and whether a cached copy stood in).
    pub(crate) origin: String,
}

impl Loaded {
    /// One line naming the catalog: origin, `as_of` and digest.
    pub(crate) fn describe(&self) -> String {
        format!("{}, as of {}, digest {}", self.origin, self.catalog.as_of(), self.catalog.digest())
    }
}

/// Where fetched catalogs are cached: `$HCX_CACHE_DIR`, else `$XDG_CACHE_HOME/hcx`, else `~/.cache/hcx`.
fn cache_dir() -> Option<PathBuf> {
    let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    var("HCX_CACHE_DIR")
        .or_else(|| var("XDG_CACHE_HOME").map(|d| d.join("hcx")))
        .or_else(|| var("HOME").map(|d| d.join(".cache").join("hcx")))
}

fn hex_sha256(bytes: &[u8]) -> String {
    hcx_core::plan::sha256(bytes).trim_start_matches(hcx_core::plan::DIGEST_PREFIX).to_owned()
}

/// The cache file of one URL.
fn cache_file(url: &str) -> Option<PathBuf> {
    Some(cache_dir()?.join(format!("catalog-{}.json", &hex_sha256(url.as_bytes())[..16])))
}

/// Fetches a catalog; on a transport failure (never on a refusal or an invalid document) falls back to the
/// last good copy of the same URL, saying so.
fn fetch(url: &str, pin: Option<&String>) -> Result<Loaded, CliError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Input(format!("cannot start the async runtime: {e}")))?;
    let mut options = FetchOptions::default();
    if let Some(p) = pin {
        options = options.sha256(p.clone());
    }
    let cache = cache_file(url);
    match runtime.block_on(Catalog::fetch_with(url, &options)) {
        Ok(f) => {
            if let Some(file) = &cache {
                // Through a fresh temporary file renamed into place: never a partial file, never a planted link.
                if let Err(e) = f.save_to(file) {
                    eprintln!("hcx: warning: cannot cache the catalog at {}: {e}", file.display());
                }
            }
            Ok(Loaded { catalog: Cow::Owned(f.catalog), origin: url.to_owned() })
        }
        Err(e @ CatalogError::Unreadable { .. }) => {
            let Some(file) = cache.filter(|f| f.is_file()) else { return Err(e.into()) };
            let cap = u64::try_from(MAX_CATALOG_BYTES).unwrap_or(u64::MAX);
            let text = hcx_core::input::read_file_capped(&file, cap)
                .map_err(|x| CliError::Input(format!("{e}; the cached copy {} is unreadable: {x}", file.display())))?;
            if let Some(p) = pin {
                let want = p.trim().to_ascii_lowercase();
                let want = want.strip_prefix("sha256:").unwrap_or(&want);
                if hex_sha256(text.as_bytes()) != want {
                    return Err(CliError::Input(format!("{e}; the cached copy does not match --catalog-sha256")));
                }
            }
            let catalog = Catalog::from_json_checked(&text, &file.display().to_string())?;
            eprintln!("hcx: warning: {e}; using the last good copy cached at {}", file.display());
            Ok(Loaded { catalog: Cow::Owned(catalog), origin: format!("{url} (cached copy)") })
        }
        Err(e) => Err(e.into()),
    }
}

/// The catalog a command asked for.
pub(crate) fn load(source: &CatalogSource) -> Result<Loaded, CliError> {
    match (&source.catalog, &source.catalog_url) {
        (Some(f), _) => Ok(Loaded { catalog: Cow::Owned(Catalog::load(f)?), origin: f.display().to_string() }),
        (None, Some(url)) => fetch(url, source.catalog_sha256.as_ref()),
        (None, None) => Ok(Loaded { catalog: Cow::Borrowed(Catalog::bundled()), origin: "bundled".to_owned() }),
    }
}

/// Arguments of `catalog`: a subcommand, or the release listing's own options.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct CatalogArgs {
    /// What to do; without one, list the releases.
    #[command(subcommand)]
    pub action: Option<CatalogAction>,
    /// The listing's options.
    #[command(flatten)]
    pub list: ReleasesArgs,
}

/// The `catalog` subcommands.
#[derive(Debug, Subcommand)]
pub enum CatalogAction {
    /// List the releases with dates, builds and support, each with its confidence (the default).
    Releases(ReleasesArgs),
    /// Write the full, loadable catalog document (`hcx-catalog/v1`).
    Export(ExportArgs),
    /// Check a catalog file against the schema and the invariants and list every problem (exit 1 if any).
    Validate(ValidateArgs),
    /// List the releases, paths, issues and facts added, removed or changed from A to B (exit 1 if any).
    Diff(DiffArgs),
    /// Every fact about one release, with its sources (exit 2 for a release the catalog does not know).
    Show(ShowArgs),
}

/// Arguments of `catalog releases`.
#[derive(Debug, Args)]
pub struct ReleasesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// The date for support status (YYYY-MM-DD); default: today (UTC).
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// The catalog.
    #[command(flatten)]
    pub source: CatalogSource,
}

/// Arguments of `catalog export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Write to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// The catalog.
    #[command(flatten)]
    pub source: CatalogSource,
}

/// Arguments of `catalog validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The catalog file.
    pub file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Arguments of `catalog diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The catalog in use.
    pub old: PathBuf,
    /// The catalog under review.
    pub new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Arguments of `catalog show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The release.
    pub version: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// The date for support status (YYYY-MM-DD); default: today (UTC).
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// The catalog.
    #[command(flatten)]
    pub source: CatalogSource,
}

/// Runs `hcx catalog ...`.
pub(crate) fn run(a: &CatalogArgs) -> Result<Exit, CliError> {
    match &a.action {
        None => releases(&a.list),
        Some(CatalogAction::Releases(r)) => releases(r),
        Some(CatalogAction::Export(e)) => export(e),
        Some(CatalogAction::Validate(v)) => validate(v),
        Some(CatalogAction::Diff(d)) => diff(d),
        Some(CatalogAction::Show(s)) => show(s),
    }
}

/// One letter per confidence, for the table.
fn tag(c: Confidence) -> &'static str {
    match c {
        Confidence::Confirmed => "C",
        Confidence::Secondary => "S",
        Confidence::ThirdParty => "T",
        _ => "I",
    }
}

fn releases(a: &ReleasesArgs) -> Result<Exit, CliError> {
    let loaded = load(&a.source)?;
    let catalog = &loaded.catalog;
    let date = parse_date(a.date.as_deref())?;
    let text = match a.format {
        Format::Json => {
            let releases = catalog
                .releases()
                .iter()
                .map(|r| {
                    let s = catalog.support_status(&r.version, date);
                    ReleaseStatus { version: r.version.clone(), support: s.state, end_of_support: s.facts, release: r }
                })
                .collect();
            // Not a catalog document: `hcx catalog export` writes that.
            to_json_pretty(&ReleasesDocument {
                catalog: loaded.origin.to_string(),
                as_of: catalog.as_of().to_string(),
                digest: catalog.digest().to_owned(),
                date: date.to_string(),
                releases,
                sources: &catalog.data().sources,
            })?
        }
        Format::Text => releases_text(catalog, date),
    };
    out(&text)?;
    Ok(Exit::Clean)
}

fn releases_text(catalog: &Catalog, date: time::Date) -> String {
    let mut o = format!("HCX releases (catalog as of {}; support status on {date})\n", catalog.as_of());
    o.push_str(&format!("  {:<11} {:<17} {:<16} {:<44} {}\n", "version", "released", "support", "builds", "sources"));
    for r in catalog.releases() {
        let s = catalog.support_status(&r.version, date);
        let support = match s.state {
            SupportState::Supported => format!(
                "until {}",
                s.facts.iter().map(|f| f.end_of_support).min().map(|d| d.to_string()).unwrap_or_default()
            ),
            SupportState::OutOfSupport => "ended".to_owned(),
            SupportState::Disputed => "disputed".to_owned(),
            _ => "unknown".to_owned(),
        };
        let released = r
            .released
            .as_ref()
            .map_or_else(|| "unknown".to_owned(), |d| format!("{} [{}]", d.shown(), tag(d.confidence)));
        let builds = if r.builds.is_empty() {
            "unknown".to_owned()
        } else {
            r.builds
                .iter()
                .map(|b| format!("{}:{}[{}]", b.kind, b.build, tag(b.confidence)))
                .collect::<Vec<_>>()
                .join(" ")
        };
        o.push_str(&format!(
            "  {:<11} {:<17} {:<16} {:<44} {} [{}]\n",
            r.version.to_string(),
            released,
            support,
            builds,
            r.sources.join(", "),
            tag(r.confidence)
        ));
    }
    o.push_str("\nunknown = no public source states it; <=D = released on or before D (the source shows no more).\n");
    o.push_str("[C] confirmed, [S] secondary, [T] third-party, [I] inferred.\n");
    o.push_str(
        "`hcx catalog show VERSION` gives every fact with its sources; `hcx catalog export` the whole catalog.\n",
    );
    o
}

fn export(a: &ExportArgs) -> Result<Exit, CliError> {
    let loaded = load(&a.source)?;
    let text = loaded.catalog.export()?;
    match &a.out {
        Some(f) => {
            std::fs::write(f, &text).map_err(|e| CliError::Input(format!("cannot write {}: {e}", f.display())))?;
            out(&format!("wrote {} ({})\n", f.display(), loaded.describe()))?;
        }
        None => out(&text)?,
    }
    Ok(Exit::Clean)
}

fn validate(a: &ValidateArgs) -> Result<Exit, CliError> {
    let origin = a.file.display().to_string();
    let text = hcx_core::catalog::read_capped(&a.file, hcx_core::input::DEFAULT_MAX_INPUT_BYTES)?;
    let problems = Catalog::validate(&text);
    let catalog = if problems.is_empty() { Some(Catalog::from_json_checked(&text, &origin)?) } else { None };
    let report = match a.format {
        Format::Json => to_json_pretty(&ValidationDocument {
            file: origin,
            valid: problems.is_empty(),
            problems: problems.clone(),
            as_of: catalog.as_ref().map(|c| c.as_of().to_string()),
            digest: catalog.as_ref().map(|c| c.digest().to_owned()),
        })?,
        Format::Text => match &catalog {
            Some(c) => format!(
                "{origin}: a valid catalog ({} releases, as of {}, digest {})\n",
                c.releases().len(),
                c.as_of(),
                c.digest()
            ),
            None => {
                let mut o = format!("{origin}: {} problem(s)\n", problems.len());
                for p in &problems {
                    o.push_str(&format!("  - {p}\n"));
                }
                o
            }
        },
    };
    out(&report)?;
    Ok(if problems.is_empty() { Exit::Clean } else { Exit::Findings })
}

fn diff(a: &DiffArgs) -> Result<Exit, CliError> {
    let (old, new) = (Catalog::load(&a.old)?, Catalog::load(&a.new)?);
    let entries = old.diff(&new)?;
    let text = match a.format {
        Format::Json => to_json_pretty(&CatalogDiffDocument {
            old: CatalogRef {
                file: a.old.display().to_string(),
                as_of: old.as_of().to_string(),
                digest: old.digest().to_owned(),
            },
            new: CatalogRef {
                file: a.new.display().to_string(),
                as_of: new.as_of().to_string(),
                digest: new.digest().to_owned(),
            },
            changes: entries.clone(),
        })?,
        Format::Text => {
            let mut o = format!(
                "{} (as of {}) -> {} (as of {}): {} change(s)\n",
                a.old.display(),
                old.as_of(),
                a.new.display(),
                new.as_of(),
                entries.len()
            );
            for e in &entries {
                o.push_str(&format!("  {e}\n"));
            }
            o
        }
    };
    out(&text)?;
    Ok(if entries.is_empty() { Exit::Clean } else { Exit::Findings })
}

fn show(a: &ShowArgs) -> Result<Exit, CliError> {
    let loaded = load(&a.source)?;
    let catalog = &loaded.catalog;
    let v: HcxVersion = a.version.parse()?;
    let facts = catalog.facts_about(&v, parse_date(a.date.as_deref())?);
    // A release the catalog lists, or one a documented rule covers as a source (as `hcx path` accepts it);
    // anything else is a typo or a release newer than the catalog.
    if facts.release.is_none() && facts.paths_from.iter().all(|r| r.confidence == Confidence::Inferred) {
        return Err(CliError::UnknownRelease { version: v.without_build(), as_of: catalog.as_of() });
    }
    let text = match a.format {
        Format::Json => to_json_pretty(&facts)?,
        Format::Text => show_text(&facts, catalog.as_of()),
    };
    out(&text)?;
    Ok(Exit::Clean)
}

fn evidence(sources: &[String], c: Confidence) -> String {
    format!("({}; {c})", sources.join(", "))
}

fn show_text(f: &hcx_core::catalog::ReleaseFacts<'_>, as_of: time::Date) -> String {
    let mut o = format!("HCX {}\n", f.version);
    match f.release {
        // `show` refuses a version no documented rule covers.
        None => o.push_str(&format!(
            "  not in the catalog as of {as_of}: its release date and builds are unknown; the rules below cover it \
             as a source\n"
        )),
        Some(r) => {
            o.push_str(&format!("  exists {}\n", evidence(&r.sources, r.confidence)));
            match &r.released {
                Some(d) => {
                    o.push_str(&format!("  released {} {}\n", d.shown(), evidence(&d.sources, d.confidence)));
                    if let Some(n) = &d.note {
                        o.push_str(&format!("    {n}\n"));
                    }
                }
                None => o.push_str("  released unknown\n"),
            }
            if r.builds.is_empty() {
                o.push_str("  builds unknown\n");
            }
            for b in &r.builds {
                o.push_str(&format!("  build {} {} {}\n", b.kind, b.build, evidence(&b.sources, b.confidence)));
            }
            for n in &r.notes {
                o.push_str(&format!("  note: {} {}\n", n.text, evidence(&n.sources, n.confidence)));
            }
        }
    }
    if f.support.facts.is_empty() {
        o.push_str("  end of support unknown\n");
    }
    for l in &f.support.facts {
        o.push_str(&format!("  end of support {} {}\n", l.end_of_support, evidence(&l.sources, l.confidence)));
    }
    let rules = |o: &mut String, what: &str, list: &[&hcx_core::catalog::PathRule]| {
        for r in list {
            o.push_str(&format!(
                "  {what} {} (from {} to {}) {}\n",
                r.id,
                r.from,
                r.target,
                evidence(&r.sources, r.confidence)
            ));
            if let Some(n) = &r.note {
                o.push_str(&format!("    {n}\n"));
            }
        }
    };
    rules(&mut o, "path from it:", &f.paths_from);
    rules(&mut o, "path to it:", &f.paths_to);
    rules(&mut o, "forbidden:", &f.forbidden);
    for k in &f.known_issues {
        o.push_str(&format!("  known issue {}: {} {}\n", k.id, k.title, evidence(&k.sources, k.confidence)));
    }
    for a in &f.advisories {
        o.push_str(&format!("  advisory {}: {} {}\n", a.id, a.summary, evidence(&a.sources, a.confidence)));
    }
    for c in &f.changes {
        o.push_str(&format!("  change {}: {} {}\n", c.id, c.summary, evidence(&c.sources, c.confidence)));
    }
    for d in &f.deprecations {
        o.push_str(&format!("  {} {} {}\n", d.feature, d.status, evidence(&d.sources, d.confidence)));
    }
    for (p, d) in &f.deployed {
        o.push_str(&format!("  deployed by {p} on {} {}\n", d.as_of, evidence(&d.sources, d.confidence)));
    }
    for d in &f.downloads {
        o.push_str(&format!(
            "  offered by the {} portal on {} {}\n",
            d.portal,
            d.as_of,
            evidence(&d.sources, d.confidence)
        ));
    }
    o.push_str("Sources\n");
    for (id, s) in &f.sources {
        let at = s.url.as_deref().or(s.document.as_deref()).unwrap_or("");
        o.push_str(&format!("  {id}: {} ({at})\n", s.title));
    }
    o
}
