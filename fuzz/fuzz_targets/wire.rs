//! The client's wire decoders: every response shape decodes or fails cleanly, and what decodes converts
//! (versions, builds, migrations) without panicking.
#![no_main]

use hcx_core::client::unstable_wire::{
    ActionResponse, Appliance, CloudConfig, Envelope, InterconnectTask, Items, Job, L2Extension, MigrationQuery,
    ReplicationSummary, ServiceMesh, SupportData,
};
use libfuzzer_sys::fuzz_target;
use serde::de::DeserializeOwned;

fn decode<T: DeserializeOwned>(data: &[u8]) -> Option<T> {
    serde_json::from_slice(data).ok()
}

fuzz_target!(|data: &[u8]| {
    if let Some(env) = decode::<Envelope<SupportData>>(data) {
        if let Some(l) = env.data.as_ref().and_then(|d| d.local_endpoints.first()) {
            let _ = l.endpoint.version.0.parse::<hcx_core::HcxVersion>();
            let _ = l.endpoint.build_number.as_ref().map(|b| b.as_build());
        }
    }
    if let Some(env) = decode::<Envelope<Items<CloudConfig>>>(data) {
        for c in env.data.map(|d| d.items).unwrap_or_default() {
            let _ = c.build_number.as_ref().map(|b| b.as_build());
            let _ = c.url.as_deref().map(hcx_core::client::discover::origin);
        }
    }
    if let Some(list) = decode::<Items<Appliance>>(data) {
        for a in list.items {
            if let Some(Ok(v)) = a.appliance_version.as_ref().map(|v| v.to_version()) {
                assert_eq!(v.to_string().parse::<hcx_core::HcxVersion>().ok(), Some(v.clone()), "{v}");
            }
        }
    }
    let _ = decode::<Items<ServiceMesh>>(data);
    let _ = decode::<Items<L2Extension>>(data).map(|l| l.items.iter().map(|e| e.network().map(str::len)).count());
    let _ = decode::<MigrationQuery>(data).map(|q| q.into_items().iter().map(|m| m.state().map(str::len)).count());
    let _ = decode::<ReplicationSummary>(data);
    let _ = decode::<ActionResponse>(data);
    let _ = decode::<InterconnectTask>(data).map(|t| t.status());
    let _ = decode::<Job>(data);
});
