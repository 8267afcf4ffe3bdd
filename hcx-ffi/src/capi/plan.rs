//! Plan options, plans, their renderings and findings.

use std::ffi::c_char;

use hcx_core::plan::{self, Plan, PlanOptions, Severity};

use super::ffi::{
    Castable, Out, arg_opt_str, arg_str, c_string, ffi_status, ffi_value, free_handle, get_string, get_value,
    handle_mut, handle_ref, new_handle,
};
use super::hcx_status;
use crate::error::Error;
use crate::ops::{self, CatalogRef};

/// How serious a finding is.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum hcx_severity {
    /// The plan must not be carried out until it is resolved (or acknowledged).
    Blocker = 0,
    /// A risk to understand before starting.
    Warning = 1,
    /// Context for the change record.
    Info = 2,
    /// A severity added to hcx-core after this library was built.
    Unknown = 255,
}

impl From<Severity> for hcx_severity {
    fn from(s: Severity) -> Self {
        match s {
            Severity::Blocker => hcx_severity::Blocker,
            Severity::Warning => hcx_severity::Warning,
            Severity::Info => hcx_severity::Info,
            _ => hcx_severity::Unknown,
        }
    }
}

/// What to plan for: the target, the plan date, acknowledged rules, the NE upgrade preference.
///
/// Made by `hcx_plan_options_new`, changed by `hcx_plan_options_*`, freed by `hcx_plan_options_free`.
/// Mutable: not for concurrent use.
pub struct hcx_plan_options {
    _private: [u8; 0],
}

impl Castable for hcx_plan_options {
    type RustType = PlanOptions;
}

/// An upgrade plan: the target, ordered steps, findings and schedule.
///
/// Made by `hcx_plan_new`; freed by `hcx_plan_free`. Immutable: it may be read from several threads at once.
pub struct hcx_plan {
    _private: [u8; 0],
}

impl Castable for hcx_plan {
    type RustType = Plan;
}

/// Makes plan options.
///
/// `target` is `"latest"`, `"validated"` (the release the fleet's cloud platform validates) or a version such
/// as `"4.11.4"`. `date` is the plan date as `YYYY-MM-DD` (support status and provider ownership are judged on
/// it), or NULL for today (UTC).
///
/// Returns `HCX_OK`, `HCX_NULL_PARAMETER`, `HCX_INVALID_UTF8` or `HCX_INVALID_ARGUMENT`.
/// Ownership: the strings are borrowed for the call; on success the caller owns `*out` (free it with
/// `hcx_plan_options_free`); on failure it is NULL. Thread safety: safe from any thread.
///
/// # Safety
/// `target` is NULL or a NUL-terminated string; `date` is NULL or a NUL-terminated string; `out` is NULL or
/// valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hcx_plan_options_new(
    target: *const c_char,
    date: *const c_char,
    out: *mut *mut hcx_plan_options,
) -> hcx_status {
    let make = || {
        // SAFETY: forwarded from this function's contract.
        let target = unsafe { arg_str(target, "target") }?;
        // SAFETY: forwarded from this function's contract.
        let date = unsafe { arg_opt_str(date, "date") }?;
        ops::plan_options(target, date)
    };
    // SAFETY: forwarded from this function's contract.
    unsafe { new_handle(out, make) }
}

/// Acknowledges a rule by id (for example `"snapshot-window"`): its blockers no longer block the plan. An id
/// that is not a rule makes `hcx_plan_new` fail with `HCX_UNKNOWN_RULE`.
///
/// Returns `HCX_OK`, `HCX_NULL_PARAMETER` or `HCX_INVALID_UTF8`.
/// Ownership: `rule` is copied. Thread safety: no other thread may use `options` during the call.
///
/// # Safety
/// `options` is NULL or a live handle; `rule` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hcx_plan_options_acknowledge(
    options: *mut hcx_plan_options,
    rule: *const c_char,
) -> hcx_status {
    ffi_status! {
        // SAFETY: forwarded from this function's contract.
        let options = unsafe { handle_mut(options, "options") }?;
        // SAFETY: forwarded from this function's contract.
        let rule = unsafe { arg_str(rule, "rule") }?;
        options.acknowledge.push(rule.to_owned());
        Ok(())
    }
}

/// Prefers the In-Service NE upgrade (minimal downtime) where it is allowed; the default is Standard.
///
/// Returns `HCX_OK` or `HCX_NULL_PARAMETER`. Thread safety: no other thread may use `options` during the call.
///
/// # Safety
/// `options` is NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hcx_plan_options_set_ne_in_service(options: *mut hcx_plan_options, yes: bool) -> hcx_status {
    ffi_status! {
        // SAFETY: forwarded from this function's contract.
        let options = unsafe { handle_mut(options, "options") }?;
        options.ne_in_service = yes;
        Ok(())
    }
}

/// Frees plan options. NULL is a no-op.
///
/// Ownership: takes back `options`, which must not be used or freed again. Plans made with them stay valid.
/// Thread safety: no other thread may be using `options`.
///
/// # Safety
/// `options` is NULL or a live handle from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hcx_plan_options_free(options: *mut hcx_plan_options) {
    ffi_value! {
        // SAFETY: forwarded from this function's contract.
        unsafe { free_handle(options) }
    }
}

/// Makes the upgrade plan for a fleet. Problems of the fleet (unsupported paths, migrations in flight, ...)
/// are findings of the plan, not errors; check `hcx_plan_has_blockers`.
///
/// Returns `HCX_OK`, `HCX_NULL_PARAMETER`, or why no plan can be made: `HCX_UNKNOWN_TARGET`,
/// `HCX_NO_VALIDATED_RELEASE`, `HCX_CONFLICTING_VALIDATED`, `HCX_NOTHING_REACHABLE`, `HCX_UNKNOWN_RULE`,
/// `HCX_EMPTY_FLEET`, `HCX_PLAN_FAILED`.
/// Ownership: the inputs are borrowed for the call and may be freed afterwards; on success the caller owns
/// `*out` (free it with `hcx_plan_free`); on failure it is NULL.
/// Thread safety: the fleet and catalog may be used by other threads at the same time; `options` may not be
/// changed during the call.
///
/// # Safety
/// `fleet`, `catalog` and `options` are NULL or live handles; `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hcx_plan_new(
    fleet: *const super::hcx_fleet,
    catalog: *const super::hcx_catalog,
    options: *const hcx_plan_options,
    out: *mut *mut hcx_plan,
) -> hcx_status {
    let make = || {
        // SAFETY: forwarded from this function's contract.
        let fleet = unsafe { handle_ref(fleet, "fleet") }?;
        // SAFETY: forwarded from this function's contract.
        let catalog: &CatalogRef = unsafe { handle_ref(catalog, "catalog") }?;
        // SAFETY: forwarded from this function's contract.
        let options = unsafe { handle_ref(options, "options") }?;
        Ok(plan::plan(fleet, catalog, options)?)
    };
    // SAFETY: forwarded from this function's contract.
    unsafe { new_handle(out, make) }
}

/// Makes the upgrade plan for a fleet with hcx-core's default options: the default target for the fleet
/// (`validated` where one of its platforms lists a validated release, else `latest`), today (UTC), nothing
/// acknowledged. The same fleet gives the same plan bytes as `hcx plan --fleet FILE --format json` and
/// Python's `hcx.plan(fleet)`.
///
/// Returns as `hcx_plan_new`.
/// Ownership: the inputs are borrowed for the call; on success the caller owns `*out` (free it with
/// `hcx_plan_free`); on failure it is NULL. Thread safety: the fleet and catalog may be used by other threads.
///
/// # Safety
/// `fleet` and `catalog` are NULL or live handles; `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hcx_plan_new_default(
    fleet: *const super::hcx_fleet,
    catalog: *const super::hcx_catalog,
    out: *mut *mut hcx_plan,
) -> hcx_status {
    let make = || {
        // SAFETY: forwarded from this function's contract.
        let fleet = unsafe { handle_ref(fleet, "fleet") }?;
        // SAFETY: forwarded from this function's contract.
        let catalog: &CatalogRef = unsafe { handle_ref(catalog, "catalog") }?;
        Ok(plan::plan(fleet, catalog, &PlanOptions::default_for(fleet, catalog))?)
    };
    // SAFETY: forwarded from this function's contract.
    unsafe { new_handle(out, make) }
}

/// Frees a plan. NULL is a no-op.
///
/// Ownership: takes back `plan`, which must not be used or freed again.
/// Thread safety: no other thread may be using `plan`.
///
/// # Safety
/// `plan` is NULL or a live handle from this library.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hcx_plan_free(plan: *mut hcx_plan) {
    ffi_value! {
        // SAFETY: forwarded from this function's contract.
        unsafe { free_handle(plan) }
    }
}

/// Renders a plan with `render` into `*out`.
///
/// # Safety
/// `plan` is NULL or a live handle; `out` is NULL or valid for writing a pointer.
unsafe fn render(plan: *const hcx_plan, out: *mut *mut c_char, render: fn(&Plan) -> String) -> hcx_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { get_string(plan, "plan", out, |p| Ok(render(p))) }
}

/// The plan as pretty `hcx-plan/v2` JSON: the same input gives the same bytes.
///
/// Returns `HCX_OK` or `HCX_NULL_PARAMETER`.
/// Ownership: on success the caller owns `*out` and frees it with `hcx_string_free`; on failure it is NULL.
/// Thread safety: safe to call concurrently on the same plan.
///
/// # Safety
/// `plan` is NULL or a live handle; `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hcx_plan_to_json(plan: *const hcx_plan, out: *mut *mut c_char) -> hcx_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { render(plan, out, Plan::to_json) }
}

/// The plan as Markdown, for a change ticket.
///
/// Returns `HCX_OK`, `HCX_NULL_PARAMETER` or, in principle, `HCX_OUTPUT_CONTAINS_NUL`: a NUL or other control
/// character from the fleet is shown as `\u{0}`, so the text and Markdown renderings succeed with any fleet.
/// Ownership: on success the caller owns `*out` and frees it with `hcx_string_free`; on failure it is NULL.
/// Thread safety: safe to call concurrently on the same plan.
///
/// # Safety
/// `plan` is NULL or a live handle; `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hcx_plan_to_markdown(plan: *const hcx_plan, out: *mut *mut c_char) -> hcx_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { render(plan, out, Plan::to_markdown) }
}

/// The plan as plain text, for a terminal.
///
/// Returns `HCX_OK`, `HCX_NULL_PARAMETER` or `HCX_OUTPUT_CONTAINS_NUL` (as `hcx_plan_to_markdown`).
/// Ownership: on success the caller owns `*out` and frees it with `hcx_string_free`; on failure it is NULL.
/// Thread safety: safe to call concurrently on the same plan.
///
/// # Safety
/// `plan` is NULL or a live handle; `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hcx_plan_to_text(plan: *const hcx_plan, out: *mut *mut c_char) -> hcx_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { render(plan, out, Plan::to_text) }
}

/// The plan's digest: `sha256:` and the SHA-256 of its canonical JSON, the same from every front end.
///
/// Returns `HCX_OK` or `HCX_NULL_PARAMETER`.
/// Ownership: on success the caller owns `*out` and frees it with `hcx_string_free`; on failure it is NULL.
/// Thread safety: safe to call concurrently on the same plan.
///
/// # Safety
/// `plan` is NULL or a live handle; `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hcx_plan_digest(plan: *const hcx_plan, out: *mut *mut c_char) -> hcx_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { render(plan, out, |p| p.digest.clone()) }
}

/// The plan's findings alone as text for a terminal (what `hcx check` prints).
///
/// Returns `HCX_OK`, `HCX_NULL_PARAMETER` or `HCX_OUTPUT_CONTAINS_NUL` (as `hcx_plan_to_markdown`).
/// Ownership: on success the caller owns `*out` and frees it with `hcx_string_free`; on failure it is NULL.
/// Thread safety: safe to call concurrently on the same plan.
///
/// # Safety
/// `plan` is NULL or a live handle; `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hcx_plan_findings_text(plan: *const hcx_plan, out: *mut *mut c_char) -> hcx_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { render(plan, out, Plan::findings_to_text) }
}

/// The plan as one self-contained HTML page (inline CSS and SVG, no script, no request): summary, timeline,
/// topology, outages, rollback deadlines, findings and steps. `fleet` is the fleet the plan was made from, or
/// NULL: with it, the topology shows roles, platforms, NE HA groups and every extended network; without it,
/// what the plan's steps name. Every string from the fleet is escaped.
///
/// Returns `HCX_OK`, `HCX_NULL_PARAMETER`, `HCX_PLAN_FAILED` (the report cannot be rendered) or
/// `HCX_OUTPUT_CONTAINS_NUL` (as `hcx_plan_to_markdown`).
/// Ownership: the inputs are borrowed for the call; on success the caller owns `*out` and frees it with
/// `hcx_string_free`; on failure it is NULL.
/// Thread safety: safe to call concurrently on the same plan and fleet.
///
/// # Safety
/// `plan` is NULL or a live handle; `fleet` is NULL or a live handle; `out` is NULL or valid for writing a
/// pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hcx_plan_to_html(
    plan: *const hcx_plan,
    fleet: *const super::hcx_fleet,
    out: *mut *mut c_char,
) -> hcx_status {
    let html = |plan: &Plan| {
        // SAFETY: forwarded from this function's contract; NULL means no fleet.
        let fleet = if fleet.is_null() { None } else { Some(unsafe { handle_ref(fleet, "fleet") }?) };
        Ok(plan.to_html(fleet)?)
    };
    // SAFETY: forwarded from this function's contract.
    unsafe { get_string(plan, "plan", out, html) }
}

/// The plan's target release (for example `"4.11.4"`).
///
/// Returns `HCX_OK` or `HCX_NULL_PARAMETER`.
/// Ownership: on success the caller owns `*out` and frees it with `hcx_string_free`; on failure it is NULL.
/// Thread safety: safe to call concurrently on the same plan.
///
/// # Safety
/// `plan` is NULL or a live handle; `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hcx_plan_target(plan: *const hcx_plan, out: *mut *mut c_char) -> hcx_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { render(plan, out, |p| p.target.to_string()) }
}

/// The number of steps in the plan.
///
/// Returns `HCX_OK` or `HCX_NULL_PARAMETER`. Thread safety: safe to call concurrently on the same plan.
///
/// # Safety
/// `plan` is NULL or a live handle; `out_count` is NULL or valid for writing a `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hcx_plan_step_count(plan: *const hcx_plan, out_count: *mut usize) -> hcx_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { get_value(plan, "plan", out_count, "out_count", |plan| plan.steps.len()) }
}

/// Whether any unacknowledged blocker remains: if so, the plan must not be carried out yet.
///
/// Returns `HCX_OK` or `HCX_NULL_PARAMETER`. Thread safety: safe to call concurrently on the same plan.
///
/// # Safety
/// `plan` is NULL or a live handle; `out_blocked` is NULL or valid for writing a `bool`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hcx_plan_has_blockers(plan: *const hcx_plan, out_blocked: *mut bool) -> hcx_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { get_value(plan, "plan", out_blocked, "out_blocked", |plan| plan.has_blockers()) }
}

/// The number of findings in the plan (blockers first).
///
/// Returns `HCX_OK` or `HCX_NULL_PARAMETER`. Thread safety: safe to call concurrently on the same plan.
///
/// # Safety
/// `plan` is NULL or a live handle; `out_count` is NULL or valid for writing a `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hcx_plan_finding_count(plan: *const hcx_plan, out_count: *mut usize) -> hcx_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { get_value(plan, "plan", out_count, "out_count", |plan| plan.findings.len()) }
}

/// One finding of the plan, by index (`0 <= index < hcx_plan_finding_count`): its severity, rule id (for
/// example `"snapshot-window"`) and message. Each out-parameter may be NULL when not wanted.
///
/// Returns `HCX_OK`, `HCX_NULL_PARAMETER`, `HCX_INDEX_OUT_OF_RANGE`, or `HCX_OUTPUT_CONTAINS_NUL` when the
/// rule id or the message holds a NUL byte (from a fleet id with one), which a C string cannot carry.
/// Ownership: on success the caller owns `*out_rule` and `*out_message` and frees each with `hcx_string_free`;
/// on failure they are NULL. Thread safety: safe to call concurrently on the same plan.
///
/// # Safety
/// `plan` is NULL or a live handle; `out_severity` is NULL or valid for writing an `hcx_severity`;
/// `out_rule` and `out_message` are NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hcx_plan_finding(
    plan: *const hcx_plan,
    index: usize,
    out_severity: *mut hcx_severity,
    out_rule: *mut *mut c_char,
    out_message: *mut *mut c_char,
) -> hcx_status {
    ffi_status! {
        // SAFETY: forwarded from this function's contract.
        let out_rule = unsafe { Out::optional(out_rule) };
        // SAFETY: forwarded from this function's contract.
        let out_message = unsafe { Out::optional(out_message) };
        // SAFETY: forwarded from this function's contract.
        let plan = unsafe { handle_ref(plan, "plan") }?;
        let findings = &plan.findings;
        let finding = findings.get(index).ok_or(Error::Index { index, len: findings.len() })?;
        // Convert both strings before writing either, so that an error leaves both NULL.
        let rule = out_rule.map(|o| c_string(finding.rule.to_string()).map(|s| (o, s))).transpose()?;
        let message = out_message.map(|o| c_string(finding.message.clone()).map(|s| (o, s))).transpose()?;
        if let Some((o, s)) = rule {
            // SAFETY: checked and writable by this function's contract.
            unsafe { o.write(s.into_raw()) };
        }
        if let Some((o, s)) = message {
            // SAFETY: checked and writable by this function's contract.
            unsafe { o.write(s.into_raw()) };
        }
        if !out_severity.is_null() {
            // SAFETY: non-NULL and writable by this function's contract.
            unsafe { out_severity.write(finding.severity.into()) };
        }
        Ok(())
    }
}

/// The plan's findings as a JSON array: `[{"rule", "severity", "message", "subjects", "remediation",
/// "sources", "acknowledged"}]`, blockers first.
///
/// Returns `HCX_OK` or `HCX_NULL_PARAMETER`.
/// Ownership: on success the caller owns `*out` and frees it with `hcx_string_free`; on failure it is NULL.
/// Thread safety: safe to call concurrently on the same plan.
///
/// # Safety
/// `plan` is NULL or a live handle; `out` is NULL or valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hcx_plan_findings_json(plan: *const hcx_plan, out: *mut *mut c_char) -> hcx_status {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        render(plan, out, |p| {
            serde_json::to_string_pretty(&p.findings)
                .expect("findings hold strings, numbers and booleans under string keys: serialising them cannot fail")
        })
    }
}
