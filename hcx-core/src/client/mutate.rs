//! Calls only an executor needs: the simulator's manager-upgrade stand-in.
//!
//! No public REST path is known for an HCX Manager upgrade (see the API reference, §5.1), so these address
//! `hcx-sim`'s clearly named stand-in and must never be pointed at a real manager. The bodies mirror the 9443
//! `UpgradeRequest` / `UpgradeResponse` data structures.

use serde::Deserialize;
use serde_json::json;

use super::{ClientError, HcxClient};
use crate::version::HcxVersion;

const STAND_IN: &str = "/hcx-sim/stand-in/manager/upgrade";

/// The stand-in's `UpgradeResponse`-shaped status.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ManagerUpgradeStatus {
    /// `NOT_STARTED`, `QUEUED`, `IN_PROGRESS`, `SUCCESS` or `FAILED`.
    pub status: String,
    /// Percent done.
    #[serde(default)]
    pub progress: Option<f64>,
    /// Message.
    #[serde(default)]
    pub message: Option<String>,
    /// Set once the upgrade succeeded.
    #[serde(default)]
    pub current_version: Option<String>,
    /// The bundle being installed.
    #[serde(default)]
    pub bundle_metadata: Option<BundleMetadata>,
}

/// `bundleMetadata` of an upgrade status.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[non_exhaustive]
pub struct BundleMetadata {
    /// Target version.
    pub version: Option<String>,
}

impl ManagerUpgradeStatus {
    /// The target version named by the status, if any.
    pub fn target(&self) -> Option<HcxVersion> {
        self.bundle_metadata.as_ref().and_then(|b| b.version.as_deref()).and_then(|v| v.parse().ok())
    }
}

impl HcxClient {
    /// Starts the simulator's stand-in manager upgrade to `target`. Never retried once it may have arrived.
    ///
    /// # Errors
    /// Transport, status (409 while an upgrade runs) or decode errors.
    pub async fn start_manager_upgrade_stand_in(
        &self,
        target: &HcxVersion,
    ) -> Result<ManagerUpgradeStatus, ClientError> {
        self.post_json(STAND_IN, &[], &json!({ "targetVersion": target.to_string() }), false).await
    }

    /// Status of the simulator's stand-in manager upgrade (answers while the manager is down).
    ///
    /// # Errors
    /// Transport, status or decode errors.
    pub async fn manager_upgrade_stand_in_status(&self) -> Result<ManagerUpgradeStatus, ClientError> {
        self.get_json(STAND_IN).await
    }
}

impl HcxClient {
    /// `GET /hybridity/api/interconnect/tasks/{id}` as raw JSON, for fields the typed form leaves out
    /// (`entityDetails`, which tells which appliance a task is about).
    ///
    /// # Errors
    /// Transport, status or decode errors.
    pub async fn task_raw(&self, id: &str) -> Result<serde_json::Value, ClientError> {
        self.get_json(&format!("/hybridity/api/interconnect/tasks/{id}")).await
    }
}
