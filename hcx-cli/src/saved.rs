//! Saved plans: `plan --out FILE`, `hcx show PLAN` and `hcx diff OLD NEW`.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use hcx_core::input::{InputError, MAX_PLAN_INPUT_BYTES, read_file_capped};
use hcx_core::plan::diff::PlanDiff;
use hcx_core::plan::{Plan, PlanReadError};

use crate::{CliError, Exit, Format, PlanFormat, out};

/// Arguments of `show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A plan saved with `hcx plan --out FILE` (`hcx-plan/v2` JSON).
    pub plan: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
    pub format: PlanFormat,
    /// Largest plan file read, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = MAX_PLAN_INPUT_BYTES)]
    pub max_input_bytes: u64,
}

/// Arguments of `diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old plan (`hcx-plan/v2` JSON).
    pub old: PathBuf,
    /// The new plan.
    pub new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Largest plan file read, in bytes (each).
    #[arg(long, value_name = "BYTES", default_value_t = MAX_PLAN_INPUT_BYTES)]
    pub max_input_bytes: u64,
}

/// The output format for `plan --out FILE`: `--format` when given, else the file's extension (`.json`, `.md`,
/// `.txt`, or any format's own name such as `.html`), else text.
pub fn format_for(explicit: Option<PlanFormat>, out: Option<&Path>) -> Result<PlanFormat, CliError> {
    if let Some(f) = explicit {
        return Ok(f);
    }
    let Some(ext) = out.and_then(Path::extension).and_then(|e| e.to_str()) else {
        return Ok(PlanFormat::Text);
    };
    let name = match ext.to_ascii_lowercase().as_str() {
        "md" | "markdown" => "markdown".to_owned(),
        "txt" | "text" => "text".to_owned(),
        other => other.to_owned(),
    };
    PlanFormat::from_str(&name, true)
        .map_err(|_| CliError::Input(format!("cannot tell the output format from the extension .{ext}: give --format")))
}

/// Writes `text` to `file`, then a one-line summary naming the file and the plan's digest on stdout.
pub fn write_out(file: &Path, text: &str, p: &Plan) -> Result<(), CliError> {
    std::fs::write(file, text)
        .map_err(|e| CliError::Input(format!("cannot write the plan to {}: {e}", file.display())))?;
    out(&format!(
        "hcx: wrote {} ({}, target {}, {} steps, {} blockers; digest {})\n",
        file.display(),
        p.schema,
        p.target,
        p.summary.steps,
        p.summary.blockers,
        p.digest
    ))
}

/// Reads a saved plan of at most `max_bytes` and checks its digest.
pub fn read_plan(file: &Path, max_bytes: u64) -> Result<Plan, CliError> {
    // Capped: a path to something that never ends (`/dev/zero`, a FIFO) fails instead of filling memory.
    let text = read_file_capped(file, max_bytes).map_err(|e| {
        let hint = if matches!(e, InputError::TooLarge { .. }) { " (--max-input-bytes)" } else { "" };
        CliError::Input(format!("cannot read the plan {}: {e}{hint}", file.display()))
    })?;
    let p = Plan::from_json(&text).map_err(|e| {
        let hint = match e {
            PlanReadError::OldSchema { .. } => "; run `hcx plan --fleet FLEET --out plan.json` again",
            _ => "",
        };
        CliError::Input(format!("{}: {e}{hint}", file.display()))
    })?;
    p.verify_digest().map_err(|e| {
        CliError::Input(format!("{}: {e}; refusing a plan that was changed by hand: make it again", file.display()))
    })?;
    Ok(p)
}

/// `hcx show PLAN`.
pub fn cmd_show(a: &ShowArgs) -> Result<Exit, CliError> {
    let p = read_plan(&a.plan, a.max_input_bytes)?;
    out(&crate::render_plan(&p, a.format, None)?)?;
    Ok(Exit::Clean)
}

/// `hcx diff OLD NEW`: exit 1 when the plans differ, like `diff(1)`.
pub fn cmd_diff(a: &DiffArgs) -> Result<Exit, CliError> {
    let d = PlanDiff::between(&read_plan(&a.old, a.max_input_bytes)?, &read_plan(&a.new, a.max_input_bytes)?);
    out(&match a.format {
        Format::Text => d.to_text(),
        Format::Json => d.to_json(),
    })?;
    Ok(if d.is_empty() { Exit::Clean } else { Exit::Findings })
}
