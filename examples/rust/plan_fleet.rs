//! Plan a fleet file (or the bundled sample) and print the Markdown runbook.
//!
//! `cargo run -p hcx-examples --example plan_fleet -- [FLEET.json] [TARGET]`

use hcx_core::plan::{PlanOptions, TargetSpec, plan};
use hcx_core::{Catalog, fleet::Fleet};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let fleet = match args.next() {
        Some(file) => Fleet::load(file)?,
        None => Fleet::from_json(hcx_core::plan::SAMPLE_FLEET)?,
    };
    let target: TargetSpec = args.next().as_deref().unwrap_or("validated").parse()?;
    // A fixed date keeps the output reproducible; a real tool would use today's.
    let options = PlanOptions::new(target, time::macros::date!(2026 - 11 - 28));
    let plan = plan(&fleet, Catalog::bundled(), &options)?;
    print!("{}", plan.to_markdown());
    if plan.has_blockers() {
        eprintln!("{} blocker(s): see the findings table", plan.summary.blockers);
    }
    Ok(())
}
