//! The record classes: one frozen Python class per core model struct, whose attributes are the struct's serde
//! fields. No field is listed here: a field added to the core type appears on its class.

use pyo3::exceptions::PyAttributeError;
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use pyo3::types::{PyDict, PyString};
use pyo3::{PyClassInitializer, ffi, intern};
use std::sync::OnceLock;

use super::shape::Empty;

/// Base of every model record: frozen, its fields in the instance `__dict__`.
#[pyclass(frozen, subclass, dict, module = "hcx", name = "Record")]
pub struct PyRecord;

#[pymethods]
impl PyRecord {
    fn __setattr__(slf: &Bound<'_, Self>, name: &str, _value: &Bound<'_, PyAny>) -> PyResult<()> {
        Err(read_only(slf, name))
    }

    fn __delattr__(slf: &Bound<'_, Self>, name: &str) -> PyResult<()> {
        Err(read_only(slf, name))
    }

    fn __eq__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        if !slf.get_type().is(other.get_type()) {
            return Ok(false);
        }
        fields(slf.as_any())?.eq(fields(other)?)
    }

    /// The names of the record's fields (`from_` for `from`), in the order of the core struct.
    #[classmethod]
    fn fields<'py>(cls: &Bound<'py, pyo3::types::PyType>) -> PyResult<Bound<'py, PyTuple>> {
        let name = cls.name()?.to_string();
        let names: Vec<String> = match class_named(&name) {
            Some(class) => shape(class).iter().map(|(f, _)| super::ser::py_name(f).into_owned()).collect(),
            None => Vec::new(),
        };
        PyTuple::new(cls.py(), names)
    }

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let mut parts = Vec::new();
        for (k, v) in fields(slf.as_any())?.iter() {
            parts.push(format!("{}={}", k, v.repr()?));
        }
        Ok(format!("hcx.{}({})", slf.get_type().name()?, parts.join(", ")))
    }
}

fn read_only(slf: &Bound<'_, PyRecord>, name: &str) -> PyErr {
    let class = slf.get_type().name().map(|n| n.to_string()).unwrap_or_default();
    PyAttributeError::new_err(format!("hcx.{class} is read-only: cannot set or delete {name:?}"))
}

/// A record's `__dict__`.
fn fields<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyDict>> {
    Ok(obj.getattr(intern!(obj.py(), "__dict__"))?.cast_into::<PyDict>()?)
}

/// A field of a record, read from its `__dict__`.
fn field<'py>(obj: &Bound<'py, PyAny>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    fields(obj)?.get_item(name)?.ok_or_else(|| PyAttributeError::new_err(name.to_owned()))
}

macro_rules! records {
    ($($(#[doc = $doc:literal])* $rust:ident => $py:literal: $core:ty, from $($name:literal)|+;)+) => {
        $(
            $(#[doc = $doc])*
            #[pyclass(frozen, extends = PyRecord, module = "hcx", name = $py)]
            pub struct $rust;
        )+

        /// A record class.
        #[derive(Clone, Copy, Debug)]
        #[allow(clippy::enum_variant_names, reason = "named after the pyclass structs")]
        pub(crate) enum Class {
            $($rust,)+
        }

        /// The record class of a core struct, by its serde name.
        pub(crate) fn class_of(core: &str) -> Option<Class> {
            match core {
                $($($name)|+ => Some(Class::$rust),)+
                _ => None,
            }
        }

        /// Adds the base and every record class to the module.
        pub(crate) fn add_classes(m: &Bound<'_, PyModule>) -> PyResult<()> {
            m.add_class::<PyRecord>()?;
            $(m.add_class::<$rust>()?;)+
            Ok(())
        }

        /// The record class of a Python class name.
        fn class_named(py_name: &str) -> Option<Class> {
            match py_name {
                $($py => Some(Class::$rust),)+
                _ => None,
            }
        }

        /// The fields of a record class's core struct (computed once).
        pub(crate) fn shape(class: Class) -> &'static [(&'static str, Empty)] {
            static SHAPES: [OnceLock<Vec<(&'static str, Empty)>>; [$(stringify!($rust)),+].len()] =
                [const { OnceLock::new() }; [$(stringify!($rust)),+].len()];
            SHAPES[class as usize].get_or_init(|| match class {
                $(Class::$rust => super::shape::shape::<$core>(),)+
            })
        }

        fn instance(py: Python<'_>, class: Class) -> PyResult<Bound<'_, PyAny>> {
            Ok(match class {
                $(Class::$rust => Bound::new(py, PyClassInitializer::from(PyRecord).add_subclass($rust))?.into_any(),)+
            })
        }
    };
}

records! {
    /// One finding of a named rule.
    PyFinding => "Finding": hcx_core::plan::Finding, from "Finding";
    /// What a step does to the running fleet.
    PyImpact => "Impact": hcx_core::plan::Impact, from "Impact";
    /// How to go back after a step.
    PyRollback => "Rollback": hcx_core::plan::Rollback, from "Rollback";
    /// A duration estimate and where it comes from.
    PyEstimate => "Estimate": hcx_core::plan::Estimate, from "Estimate";
    /// One step of the plan.
    PyStep => "Step": hcx_core::plan::Step, from "Step";
    /// What a step does, for an executor: its `type`, its operation's fields, and the state it expects
    /// `before` and leaves `after`.
    PyStepAction => "StepAction": hcx_core::plan::StepAction, from "StepAction";
    /// Part of the fleet state: manager and appliance versions and mesh services.
    PyStateView => "StateView": hcx_core::plan::StateView, from "StateView";
    /// Counts for a plan's headline.
    PySummary => "Summary": hcx_core::plan::Summary, from "Summary";
    /// A step placed in a maintenance window.
    PySlot => "Slot": hcx_core::plan::Slot, from "Slot";
    /// A step that fitted no window, and why.
    PyUnfitted => "Unfitted": hcx_core::plan::Unfitted, from "Unfitted";
    /// Steps assigned to maintenance windows.
    PySchedule => "Schedule": hcx_core::plan::Schedule, from "Schedule";
    /// What a plan was made from.
    PyPlanInputs => "PlanInputs": hcx_core::plan::PlanInputs, from "PlanInputs";
    /// The options a plan was made with.
    PyInputOptions => "InputOptions": hcx_core::plan::InputOptions, from "InputOptions";
    /// One site of the fleet and its HCX Manager.
    PySite => "Site": hcx_core::fleet::Site, from "Site";
    /// Two paired sites.
    PySitePair => "SitePair": hcx_core::fleet::SitePair, from "SitePair";
    /// A service mesh appliance.
    PyAppliance => "Appliance": hcx_core::fleet::Appliance, from "Appliance";
    /// A service mesh between two sites.
    PyServiceMesh => "ServiceMesh": hcx_core::fleet::ServiceMesh, from "ServiceMesh";
    /// A network extended by an NE appliance.
    PyNetworkExtension => "NetworkExtension": hcx_core::fleet::NetworkExtension, from "NetworkExtension";
    /// A migration or replication known to the managers.
    PyTransfer => "Transfer": hcx_core::fleet::Migration, from "Migration" | "Replication";
    /// A maintenance window in which upgrade steps may run.
    PyMaintenanceWindow => "MaintenanceWindow": hcx_core::fleet::MaintenanceWindow, from "MaintenanceWindow";
    /// The weekly recurrence of a maintenance window, in local time.
    PyWeeklyWindow => "WeeklyWindow": hcx_core::fleet::WeeklyWindow, from "WeeklyWindow";
}

/// The record class of a flattened struct field (serde gives it no name of its own).
pub(crate) fn flattened(parent: &str, field: &str) -> Option<Class> {
    match (parent, field) {
        ("Step", "action") => Some(Class::PyStepAction),
        _ => None,
    }
}

/// A new record of `class` whose fields are `dict` (taken as its `__dict__`, not copied).
pub(crate) fn new_record<'py>(py: Python<'py>, class: Class, dict: &Bound<'py, PyDict>) -> PyResult<Bound<'py, PyAny>> {
    let obj = instance(py, class)?;
    fill_absent(py, class, dict)?;
    let name: &Bound<'_, PyString> = intern!(py, "__dict__");
    // The generic setter, not the class's own `__setattr__`, which refuses every write.
    // SAFETY: all three pointers are live objects held by this frame; the call takes no ownership.
    let rc = unsafe { ffi::PyObject_GenericSetAttr(obj.as_ptr(), name.as_ptr(), dict.as_ptr()) };
    if rc != 0 {
        return Err(PyErr::fetch(py));
    }
    Ok(obj)
}

/// Gives the fields serde left out their empty value (`None`, `[]`, `{}`, `False`).
fn fill_absent(py: Python<'_>, class: Class, dict: &Bound<'_, PyDict>) -> PyResult<()> {
    for (field, empty) in shape(class) {
        let key = super::ser::py_name(field);
        if dict.contains(&*key)? {
            continue;
        }
        match empty {
            Empty::None => dict.set_item(&*key, py.None())?,
            Empty::List => dict.set_item(&*key, pyo3::types::PyList::empty(py))?,
            Empty::Dict => dict.set_item(&*key, PyDict::new(py))?,
            Empty::False => dict.set_item(&*key, false)?,
            Empty::Required => {}
        }
    }
    Ok(())
}

#[pymethods]
impl PyFinding {
    /// Whether it blocks the plan (an unacknowledged blocker).
    #[getter]
    fn blocks(slf: &Bound<'_, Self>) -> PyResult<bool> {
        let severity = field(slf.as_any(), "severity")?;
        Ok(severity.eq("blocker")? && !field(slf.as_any(), "acknowledged")?.is_truthy()?)
    }
}

/// The fields an action of a type leaves out of its JSON when they are empty (`(type, field, empty value)`):
/// serde flattens the action into its step, so its shape cannot be read from the struct. The tests check this
/// list against the `hcx-plan/v2` schema.
const OPTIONAL_ACTION_FIELDS: &[(&str, &str, Empty)] =
    &[("upgrade-manager", "bundle", Empty::None), ("remove-service", "appliances", Empty::List)];

#[pymethods]
impl PyStepAction {
    /// Only reached for a name that is not in the record: an optional field the action left out, or no field
    /// of this action type.
    fn __getattr__<'py>(slf: &Bound<'py, Self>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let kind = field(slf.as_any(), "type").and_then(|t| t.extract::<String>()).unwrap_or_default();
        match OPTIONAL_ACTION_FIELDS.iter().find(|(t, f, _)| *t == kind && *f == name).map(|(_, _, e)| *e) {
            Some(Empty::List) => Ok(pyo3::types::PyList::empty(py).into_any()),
            Some(Empty::Dict) => Ok(PyDict::new(py).into_any()),
            Some(Empty::False) => Ok(pyo3::types::PyBool::new(py, false).to_owned().into_any()),
            Some(Empty::None) => Ok(py.None().into_bound(py)),
            Some(Empty::Required) | None => {
                Err(PyAttributeError::new_err(format!("a {kind} action has no field {name:?}")))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The optional fields of each action type, as the plan schema has them (`properties` not `required`).
    #[test]
    fn optional_action_fields_are_the_schemas() {
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../../../hcx-core/schema/hcx-plan-v2.schema.json")).expect("json");
        let variants = schema["$defs"]["action"]["oneOf"].as_array().expect("oneOf");
        assert!(variants.len() >= 9, "{variants:?}");
        let mut from_schema = Vec::new();
        for v in variants {
            let kind = v["properties"]["type"]["const"].as_str().expect("a type const");
            let required: Vec<&str> =
                v["required"].as_array().expect("required").iter().filter_map(|r| r.as_str()).collect();
            for (name, _) in v["properties"].as_object().expect("properties") {
                if !required.contains(&name.as_str()) {
                    from_schema.push((kind.to_owned(), name.clone()));
                }
            }
        }
        let listed: Vec<(String, String)> =
            OPTIONAL_ACTION_FIELDS.iter().map(|(t, f, _)| ((*t).to_owned(), (*f).to_owned())).collect();
        assert_eq!(listed, from_schema);
    }
}

#[pymethods]
impl PyTransfer {
    /// Whether it is still moving data (the upgrade must wait for it).
    #[getter]
    fn active(slf: &Bound<'_, Self>) -> PyResult<bool> {
        let state: String = field(slf.as_any(), "state")?.extract()?;
        let state = state.parse::<hcx_core::fleet::TransferState>().map_err(crate::errors::Error::from)?;
        Ok(state.is_active())
    }
}
