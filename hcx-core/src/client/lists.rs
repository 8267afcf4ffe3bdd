//! The list reads: each item decoded on its own, so one odd item is reported and the rest is read.

use reqwest::Method;
use secrecy::SecretString;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::api::post_call;
use super::error::{redact, truncate_chars};
use super::transport::Call;
use super::wire::{self, ItemKey, Lenient};
use super::{ClientError, HcxClient};

const CLOUD_CONFIGS: &str = "/hybridity/api/cloudConfigs";
const SERVICE_MESH: &str = "/hybridity/api/interconnect/serviceMesh";
const APPLIANCES: &str = "/hybridity/api/interconnect/appliances";
const APPLIANCES_QUERY: &str = "/hybridity/api/interconnect/appliances/query";
const HA_GROUPS: &str = "/hybridity/api/interconnect/appliances/ha/groups";
const L2_EXTENSIONS: &str = "/hybridity/api/l2Extensions";
const MIGRATIONS: &str = "/hybridity/api/migrations";

/// Longest decoder message kept in an [`ItemProblem`], in characters.
const PROBLEM_CHARS: usize = 200;

/// A list item that did not decode, or decoded only without one of its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ItemProblem {
    /// The item's id, when readable (secrets redacted, cut to 80 characters).
    pub id: Option<String>,
    /// Its place in the answer (0-based).
    pub index: usize,
    /// What did not decode: the JSON path inside the item and the decoder's reason (secrets redacted).
    pub message: String,
    /// The top-level key left out to read the item anyway; `None`: the item was skipped.
    pub left_out: Option<String>,
}

impl ItemProblem {
    /// The item as a warning names it: `appliance ne-1` by id, else `appliance #3 (no id)` by place.
    pub fn name(&self, noun: &str) -> String {
        match &self.id {
            Some(id) => format!("{noun} {id}"),
            None => format!("{noun} #{} (no id)", self.index),
        }
    }
}

/// A list read item by item: what decoded, and the items that did not.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Listed<T> {
    /// Method and path of the read (`POST /hybridity/api/interconnect/appliances/query`).
    pub endpoint: String,
    /// The items that decoded (a partly read item included, see [`ItemProblem::left_out`]).
    pub items: Vec<T>,
    /// The items that did not decode, or only partly.
    pub problems: Vec<ItemProblem>,
}

impl<T> Listed<T> {
    /// The items, each problem logged as a warning (for callers that do not report them).
    pub fn into_items(self) -> Vec<T> {
        for p in &self.problems {
            tracing::warn!(endpoint = %self.endpoint, item = %p.name("item"), "list item not read: {}", p.message);
        }
        self.items
    }
}

/// The result of the two migration queries ([`HcxClient::migration_list`]).
#[derive(Debug)]
#[non_exhaustive]
pub struct Migrations {
    /// Every migration of both answers, once per `migrationId` (the plain query's copy first).
    pub items: Vec<wire::MigrationItem>,
    /// Items of either answer that did not decode, with the endpoint that sent them.
    pub problems: Vec<(String, ItemProblem)>,
    /// The compat-2.1 query's error, when only that one failed.
    pub compat_error: Option<ClientError>,
}

impl HcxClient {
    /// Decodes a list answer item by item.
    fn listed<T>(&self, endpoint: String, items: Vec<Lenient<T>>, token: Option<&SecretString>) -> Listed<T> {
        let secrets = self.secrets(token);
        let clean = |bad: &wire::BadItem| {
            let text = format!("at `{}`: {}", bad.path, bad.message);
            truncate_chars(&redact(&text, &secrets), PROBLEM_CHARS)
        };
        let id = |bad: &wire::BadItem| bad.id.as_ref().map(|id| truncate_chars(&redact(id, &secrets), 80));
        let mut out = Listed { endpoint, items: Vec::with_capacity(items.len()), problems: Vec::new() };
        for (i, item) in items.into_iter().enumerate() {
            match item {
                Lenient::Item(t) => out.items.push(t),
                Lenient::Partial(t, bad) => {
                    let left_out = bad.path.split(['.', '[']).next().map(str::to_owned);
                    out.problems.push(ItemProblem { id: id(&bad), index: i, message: clean(&bad), left_out });
                    out.items.push(t);
                }
                Lenient::Bad(bad) => {
                    out.problems.push(ItemProblem { id: id(&bad), index: i, message: clean(&bad), left_out: None })
                }
            }
        }
        out
    }

    /// A `{"items": […]}` answer to `call`, item by item.
    async fn items_call<T: DeserializeOwned + ItemKey>(&self, call: &Call<'_>) -> Result<Listed<T>, ClientError> {
        let (list, token): (wire::Items<Lenient<T>>, _) = self.json_call(call).await?;
        Ok(self.listed(call.endpoint(), list.items, token.as_ref()))
    }

    /// `GET` of a `{"items": […]}` list, item by item.
    async fn get_items<T: DeserializeOwned + ItemKey>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Listed<T>, ClientError> {
        self.items_call(&Call::new(Method::GET, path).with_query(query).idempotent(true)).await
    }

    /// `GET /hybridity/api/cloudConfigs`, item by item.
    ///
    /// # Errors
    /// Transport, status or decode errors of the answer as a whole.
    pub async fn cloud_config_list(&self) -> Result<Listed<wire::CloudConfig>, ClientError> {
        let call = Call::new(Method::GET, CLOUD_CONFIGS).idempotent(true);
        let (env, token): (wire::Envelope<wire::Items<Lenient<wire::CloudConfig>>>, _) = self.json_call(&call).await?;
        let items = env.data.map_or_else(Vec::new, |d| d.items);
        Ok(self.listed(call.endpoint(), items, token.as_ref()))
    }

    /// `GET /hybridity/api/cloudConfigs`: the remote managers this one is paired to (an item that does not
    /// decode is logged and left out).
    ///
    /// # Errors
    /// Transport, status or decode errors.
    pub async fn cloud_configs(&self) -> Result<Vec<wire::CloudConfig>, ClientError> {
        Ok(self.cloud_config_list().await?.into_items())
    }

    /// `GET /hybridity/api/interconnect/serviceMesh`, item by item (system meshes included: see
    /// [`wire::ServiceMesh::is_system`]).
    ///
    /// # Errors
    /// Transport, status or decode errors of the answer as a whole.
    pub async fn service_mesh_list(&self) -> Result<Listed<wire::ServiceMesh>, ClientError> {
        self.get_items(SERVICE_MESH, &[]).await
    }

    /// `GET /hybridity/api/interconnect/serviceMesh` (an item that does not decode is logged and left out).
    ///
    /// # Errors
    /// Transport, status or decode errors.
    pub async fn service_meshes(&self) -> Result<Vec<wire::ServiceMesh>, ClientError> {
        Ok(self.service_mesh_list().await?.into_items())
    }

    /// Every appliance of this manager, item by item: `POST …/interconnect/appliances/query` with
    /// `{"filter":{}}` (what the 4.x-era clients use), or `GET …/interconnect/appliances` (the 9.1.1 form)
    /// when the query answers 404 or 405.
    ///
    /// # Errors
    /// Transport, status or decode errors of the answer as a whole.
    pub async fn appliance_list(&self) -> Result<Listed<wire::Appliance>, ClientError> {
        match self.query_appliance_list(&json!({})).await {
            Err(ClientError::Status { status: 404 | 405, endpoint, .. }) => {
                tracing::debug!(manager = %self.base, %endpoint, "appliance query not served; reading the list");
                self.get_items(APPLIANCES, &[]).await
            }
            other => other,
        }
    }

    /// Every appliance of this manager ([`HcxClient::appliance_list`]; an item that does not decode is logged
    /// and left out).
    ///
    /// # Errors
    /// Transport, status or decode errors.
    pub async fn appliances(&self) -> Result<Vec<wire::Appliance>, ClientError> {
        Ok(self.appliance_list().await?.into_items())
    }

    /// `POST /hybridity/api/interconnect/appliances/query` with a filter (keys: `applianceType`,
    /// `endpointId`, `serviceMeshId`; all optional), item by item. A read, so it is retried.
    ///
    /// # Errors
    /// Transport, status or decode errors of the answer as a whole.
    pub async fn query_appliance_list(&self, filter: &Value) -> Result<Listed<wire::Appliance>, ClientError> {
        self.items_call(&post_call(APPLIANCES_QUERY, &[], &json!({ "filter": filter })).idempotent(true)).await
    }

    /// As [`HcxClient::query_appliance_list`], an item that does not decode logged and left out.
    ///
    /// # Errors
    /// Transport, status or decode errors.
    pub async fn query_appliances(&self, filter: &Value) -> Result<Vec<wire::Appliance>, ClientError> {
        Ok(self.query_appliance_list(filter).await?.into_items())
    }

    /// `GET /hybridity/api/interconnect/appliances/ha/groups?serviceMeshId=…`: the NE HA groups of a mesh,
    /// item by item (empty: no NE HA on that mesh).
    ///
    /// # Errors
    /// Transport, status or decode errors of the answer as a whole.
    pub async fn ha_group_list(&self, mesh_id: &str) -> Result<Listed<wire::HaGroup>, ClientError> {
        self.get_items(HA_GROUPS, &[("serviceMeshId", mesh_id.to_owned())]).await
    }

    /// The NE HA groups of a mesh ([`HcxClient::ha_group_list`]; an item that does not decode is logged and
    /// left out).
    ///
    /// # Errors
    /// Transport, status or decode errors.
    pub async fn ha_groups(&self, mesh_id: &str) -> Result<Vec<wire::HaGroup>, ClientError> {
        Ok(self.ha_group_list(mesh_id).await?.into_items())
    }

    /// `GET /hybridity/api/l2Extensions`, item by item.
    ///
    /// # Errors
    /// Transport, status or decode errors of the answer as a whole.
    pub async fn l2_extension_list(&self) -> Result<Listed<wire::L2Extension>, ClientError> {
        self.get_items(L2_EXTENSIONS, &[]).await
    }

    /// `GET /hybridity/api/l2Extensions` (an item that does not decode is logged and left out).
    ///
    /// # Errors
    /// Transport, status or decode errors.
    pub async fn l2_extensions(&self) -> Result<Vec<wire::L2Extension>, ClientError> {
        Ok(self.l2_extension_list().await?.into_items())
    }

    /// `POST /hybridity/api/migrations?action=query` with `body`, item by item, whichever root (`rows`,
    /// `items`, `data.items`) carries them. A read, so it is retried.
    async fn migration_query(&self, body: &Value) -> Result<Listed<wire::MigrationItem>, ClientError> {
        let query = [("action", "query".to_owned())];
        let call = post_call(MIGRATIONS, &query, body).idempotent(true);
        let (q, token): (wire::MigrationQuery<Lenient<wire::MigrationItem>>, _) = self.json_call(&call).await?;
        Ok(self.listed(call.label(), q.into_items(), token.as_ref()))
    }

    /// `POST /hybridity/api/migrations?action=query` with `{}` (all migrations; a migration that does not
    /// decode is logged and left out). [`HcxClient::migration_list`] also asks the compat-2.1 style.
    ///
    /// # Errors
    /// Transport, status or decode errors.
    pub async fn migrations(&self) -> Result<Vec<wire::MigrationItem>, ClientError> {
        Ok(self.migration_query(&json!({})).await?.into_items())
    }

    /// Every migration the manager reports to either query style: `{}` (answered `rows[]`) and the
    /// mobility-group style `{"filter":{},"options":{"resultLevel":"MOBILITYGROUP_ITEMS","compat":2.1}}`
    /// (answered `data.items[]`), sent at once and united by `migrationId`. Which style shows which migration
    /// is not documented, hence both.
    ///
    /// # Errors
    /// The plain query's error; the compat query failing alone is [`Migrations::compat_error`].
    pub async fn migration_list(&self) -> Result<Migrations, ClientError> {
        let plain = json!({});
        let compat = json!({"filter": {}, "options": {"resultLevel": "MOBILITYGROUP_ITEMS", "compat": 2.1}});
        let (plain, compat) = tokio::join!(self.migration_query(&plain), self.migration_query(&compat));
        let plain = plain?;
        let mut out = Migrations { items: Vec::new(), problems: Vec::new(), compat_error: None };
        let mut seen = std::collections::HashSet::new();
        let mut add = |l: Listed<wire::MigrationItem>, out: &mut Migrations| {
            for m in l.items {
                // A migration without an id cannot be united: kept as it is.
                if m.migration_id.as_ref().is_none_or(|id| seen.insert(id.clone())) {
                    out.items.push(m);
                }
            }
            out.problems.extend(l.problems.into_iter().map(|p| (l.endpoint.clone(), p)));
        };
        add(plain, &mut out);
        match compat {
            Ok(l) => add(l, &mut out),
            Err(e) => out.compat_error = Some(e),
        }
        Ok(out)
    }
}
