//! The operations both front ends share, on `hcx-core` types.

use std::borrow::Cow;

use hcx_core::Catalog;
use hcx_core::fleet::Fleet;
use hcx_core::plan::{PlanOptions, TargetSpec};
use time::Date;

use crate::error::Error;

/// A catalog: the bundled one (shared, never copied) or one loaded by the caller.
pub(crate) type CatalogRef = Cow<'static, Catalog>;

/// Parses a plan target: `latest`, `validated` or a version.
pub(crate) fn parse_target(text: &str) -> Result<TargetSpec, Error> {
    text.parse::<TargetSpec>().map_err(|e| {
        Error::Argument(format!("invalid target {text:?}: expected \"latest\", \"validated\" or a version ({e})"))
    })
}

/// Parses a `YYYY-MM-DD` plan date; `None` means today (UTC).
pub(crate) fn parse_date(text: Option<&str>) -> Result<Date, Error> {
    match text {
        None => Ok(hcx_core::plan::today()),
        Some(t) => hcx_core::date::parse_date(t).map_err(|e| Error::Argument(e.to_string())),
    }
}

/// Plan options from their text forms.
pub(crate) fn plan_options(target: &str, date: Option<&str>) -> Result<PlanOptions, Error> {
    Ok(PlanOptions::new(parse_target(target)?, parse_date(date)?))
}

/// Reads a fleet file; an unreadable file is an I/O error, an invalid one a fleet error.
pub(crate) fn load_fleet(path: &str) -> Result<Fleet, Error> {
    let text = read(path)?;
    Ok(Fleet::from_json(&text)?)
}

/// Reads a catalog file.
pub(crate) fn load_catalog(path: &str) -> Result<Catalog, Error> {
    Ok(Catalog::load(path)?)
}

fn read(path: &str) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|e| Error::Io { path: path.to_owned(), source: e })
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use super::*;

    #[test]
    fn an_unreadable_fleet_keeps_the_io_error_as_its_source() {
        let e = load_fleet("/nonexistent/hcx-fleet.json").expect_err("the file does not exist");
        let io = e.source().and_then(|s| s.downcast_ref::<std::io::Error>()).expect("the source is the io error");
        assert_eq!(io.kind(), std::io::ErrorKind::NotFound);
        assert!(e.to_string().starts_with("cannot read /nonexistent/hcx-fleet.json: "), "{e}");
    }
}
