//! The public types may cross threads: the C ABI promises that catalogs, fleets and plans can be read from
//! several threads at once, Python releases the GIL around them, and discovery runs on a multi-threaded
//! runtime. A type that stops being `Send + Sync` (an `Rc`, a `RefCell`, a raw pointer added to it) fails to
//! compile here, not in a caller's thread.

fn assert_send_sync<T: Send + Sync>() {}

#[test]
fn model_catalog_and_plan_types_are_send_and_sync() {
    use hcx_core::catalog::{Catalog, CatalogData, CatalogError, PathError, PathRule, Release, UpgradePath};
    use hcx_core::fleet::{Fleet, FleetError, Site};
    use hcx_core::plan::diff::PlanDiff;
    use hcx_core::plan::{
        Finding, Plan, PlanError, PlanOptions, PlanReadError, RenderError, Schedule, Step, TargetSpec, rules,
    };

    assert_send_sync::<hcx_core::HcxVersion>();
    assert_send_sync::<hcx_core::VersionError>();
    assert_send_sync::<hcx_core::date::DateError>();
    assert_send_sync::<Catalog>();
    assert_send_sync::<CatalogData>();
    assert_send_sync::<CatalogError>();
    assert_send_sync::<Release>();
    assert_send_sync::<PathRule>();
    assert_send_sync::<UpgradePath>();
    assert_send_sync::<PathError>();
    assert_send_sync::<Fleet>();
    assert_send_sync::<Site>();
    assert_send_sync::<FleetError>();
    assert_send_sync::<Plan>();
    assert_send_sync::<Step>();
    assert_send_sync::<Finding>();
    assert_send_sync::<Schedule>();
    assert_send_sync::<PlanOptions>();
    assert_send_sync::<TargetSpec>();
    assert_send_sync::<PlanError>();
    assert_send_sync::<PlanReadError>();
    assert_send_sync::<RenderError>();
    assert_send_sync::<PlanDiff>();
    assert_send_sync::<rules::Rule>();
    assert_send_sync::<rules::NoSuchRule>();
}

#[cfg(feature = "remote-catalog")]
#[test]
fn catalog_fetch_types_are_send_and_sync() {
    assert_send_sync::<hcx_core::catalog::FetchOptions>();
    assert_send_sync::<hcx_core::catalog::Fetched>();
}

#[cfg(feature = "client")]
#[test]
fn client_and_discovery_types_are_send_and_sync() {
    use hcx_core::client::discover::{DiscoveryOptions, EndpointsError, EndpointsFile, FleetDiscovery, SiteFailure};
    use hcx_core::client::{ClientConfig, ClientError, Credentials, HcxClient, RetryPolicy};

    assert_send_sync::<HcxClient>();
    assert_send_sync::<ClientConfig>();
    assert_send_sync::<Credentials>();
    assert_send_sync::<RetryPolicy>();
    assert_send_sync::<ClientError>();
    assert_send_sync::<DiscoveryOptions>();
    assert_send_sync::<EndpointsFile>();
    assert_send_sync::<EndpointsError>();
    assert_send_sync::<FleetDiscovery>();
    assert_send_sync::<SiteFailure>();
}
