//! What one site's discovery had to guess, skip or leave unknown, as a typed warning.

use std::fmt;

/// Something discovery of one site guessed, skipped or could not read, naming the site, the endpoint and the
/// item when there is one. Displayed as `site <site>: [<endpoint>: ][<item>: ]<message>`, e.g.
/// `site dc1: POST /hybridity/api/interconnect/appliances/query: appliance ne-2: at `applianceVersion`:
/// invalid type: string "x", expected struct ApplianceVersion; using the manager's version`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct DiscoveryWarning {
    /// The site whose manager was read.
    pub site: String,
    /// Method and path of the read it concerns, when one read is concerned.
    pub endpoint: Option<String>,
    /// The item it concerns (`appliance ne-1`, `mesh servicemesh-…`, `appliance #3 (no id)`), when one is.
    pub item: Option<String>,
    /// What happened and what discovery did about it.
    pub message: String,
}

impl DiscoveryWarning {
    /// A warning about a site as a whole.
    pub fn new(site: impl Into<String>, message: impl Into<String>) -> Self {
        Self { site: site.into(), endpoint: None, item: None, message: message.into() }
    }

    /// Names the read it concerns.
    #[must_use]
    pub fn at(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// Names the item it concerns.
    #[must_use]
    pub fn item(mut self, item: impl Into<String>) -> Self {
        self.item = Some(item.into());
        self
    }
}

impl fmt::Display for DiscoveryWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "site {}: ", self.site)?;
        if let Some(e) = &self.endpoint {
            write!(f, "{e}: ")?;
        }
        if let Some(i) = &self.item {
            write!(f, "{i}: ")?;
        }
        f.write_str(&self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_site_endpoint_item_and_message() {
        let w = DiscoveryWarning::new("dc1", "skipped").at("GET /x").item("appliance a1");
        assert_eq!(w.to_string(), "site dc1: GET /x: appliance a1: skipped");
        assert_eq!(DiscoveryWarning::new("dc1", "odd").to_string(), "site dc1: odd");
    }
}
