//! Plans the bundled sample fleet and prints it: `cargo run -p hcx-core --example plan_sample [TARGET]`.
use hcx_core::plan::{PlanOptions, plan};
use hcx_core::{Catalog, fleet::Fleet};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let fleet = Fleet::from_json(hcx_core::plan::SAMPLE_FLEET)?;
    let target = std::env::args().nth(1).unwrap_or_else(|| "validated".into());
    let options = PlanOptions::new(target.parse()?, time::macros::date!(2026 - 11 - 28));
    let p = plan(&fleet, Catalog::bundled(), &options)?;
    print!("{}", p.to_text());
    Ok(())
}
