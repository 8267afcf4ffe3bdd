//! `hcx schema`: the JSON Schema of every document `hcx` writes, as shipped in the packages.

use clap::Args;
use hcx_core::schema::Shipped;

use crate::{CliError, Exit, out, pretty_json};

/// `hcx schema [NAME]`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// A document's name (`findings`) or tag (`hcx-findings/v1`); without it, the list of documents.
    #[arg(value_name = "NAME")]
    pub name: Option<String>,
}

/// Every document kind: hcx-core's, then the executor's.
pub fn documents() -> impl Iterator<Item = &'static Shipped> {
    hcx_core::schema::DOCUMENTS.iter().chain(hcx_apply::DOCUMENTS)
}

/// Prints one schema, or the list.
///
/// # Errors
/// [`CliError::Input`] for a name no document has, listing the names.
pub fn run(a: &SchemaArgs) -> Result<Exit, CliError> {
    let Some(name) = &a.name else {
        let mut o = String::new();
        for d in documents() {
            o.push_str(&format!("{:<20} {:<28} {}\n", d.name, d.tag, d.written_by));
        }
        out(&o)?;
        return Ok(Exit::Clean);
    };
    let Some(d) = documents().find(|d| d.name == name || d.tag == name) else {
        let names: Vec<&str> = documents().map(|d| d.name).collect();
        return Err(CliError::Input(format!(
            "no document named {} (known: {})",
            hcx_core::quote::quoted(name),
            names.join(", ")
        )));
    };
    out(&pretty_json(&(d.schema)())?)?;
    Ok(Exit::Clean)
}
