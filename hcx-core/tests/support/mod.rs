//! Helpers shared by hcx-core's integration tests.

#![allow(dead_code, reason = "each test binary uses part of the support module")]

pub mod json_schema;
