//! Calls only an executor needs: the simulator's manager-upgrade rehearsal path, and the raw task read for a
//! field the typed form leaves out.
//!
//! No public REST path is known for an HCX Manager upgrade (see the API reference, §5.1), so a rehearsal
//! addresses `hcx-sim`'s own `/hcx-sim/rehearsal/manager-upgrade`, whose body and answer are the simulator's
//! own and mirror no HCX data structure. Never point it at a real manager: a real run pauses on these steps.

use serde::Deserialize;
use serde_json::json;

use super::{ClientError, HcxClient};
use crate::version::HcxVersion;

const REHEARSAL: &str = "/hcx-sim/rehearsal/manager-upgrade";

/// Where the simulator's rehearsal manager upgrade stands.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum RehearsalState {
    /// No upgrade was asked for.
    NotStarted,
    /// Accepted, not begun.
    Queued,
    /// The manager is down, upgrading.
    Running,
    /// Finished (the manager reports its new version, unless a fault kept it).
    Done,
}

impl RehearsalState {
    /// The state as the simulator spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotStarted => "not-started",
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Done => "done",
        }
    }
}

/// The simulator's answer about its rehearsal manager upgrade.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[non_exhaustive]
pub struct RehearsalStatus {
    /// Where it stands.
    pub state: RehearsalState,
    /// The version it started from.
    #[serde(default)]
    pub from: Option<String>,
    /// The version it goes to.
    #[serde(default)]
    pub to: Option<String>,
    /// Percent done.
    #[serde(default)]
    pub progress: Option<f64>,
}

impl RehearsalStatus {
    /// The target version named by the status, if any.
    pub fn target(&self) -> Option<HcxVersion> {
        self.to.as_deref().and_then(|v| v.parse().ok())
    }
}

impl HcxClient {
    /// Starts the simulator's rehearsal manager upgrade to `target`. Never retried once it may have arrived.
    ///
    /// # Errors
    /// Transport, status (409 while one runs) or decode errors.
    pub async fn sim_rehearse_manager_upgrade(&self, target: &HcxVersion) -> Result<RehearsalStatus, ClientError> {
        self.post_json(REHEARSAL, &[], &json!({ "to": target.to_string() }), false).await
    }

    /// Status of the simulator's rehearsal manager upgrade (it answers while the manager is down).
    ///
    /// # Errors
    /// Transport, status or decode errors.
    pub async fn sim_manager_upgrade_status(&self) -> Result<RehearsalStatus, ClientError> {
        self.get_json(REHEARSAL).await
    }

    /// `GET /hybridity/api/interconnect/tasks/{id}` as raw JSON, for fields the typed form leaves out
    /// (`entityDetails`, which tells which appliance a task is about).
    ///
    /// # Errors
    /// Transport, status or decode errors.
    pub async fn task_raw(&self, id: &str) -> Result<serde_json::Value, ClientError> {
        self.get_json(&format!("/hybridity/api/interconnect/tasks/{id}")).await
    }
}
