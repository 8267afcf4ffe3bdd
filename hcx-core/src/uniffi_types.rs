//! How the model's field types cross UniFFI: the derives on the model types (behind the `uniffi` feature) need
//! each field type lowered once, here. Versions, ids, texts and dates travel as strings, in the same form as in
//! JSON; counts as `u64`; the ordered maps of a [`StateView`](crate::plan::StateView) as maps.

use std::collections::{BTreeSet, HashMap};

use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};

use crate::fleet::MeshService;
use crate::plan::{Id, IdMap, Text};
use crate::version::HcxVersion;

uniffi::custom_type!(HcxVersion, String, {
    lower: |v| v.to_string(),
    try_lift: |s| Ok(s.parse()?),
});

// Ids are `Arc<str>`: UniFFI's `Arc<T>` impl (for objects) covers them through `FfiConverterArc`, so `str`
// implements that, exactly as `String` crosses (a `RustBuffer` of UTF-8; foreign code sees a plain string).
// SAFETY: every method delegates to the `String` converter, with the same FFI type and metadata.
unsafe impl uniffi::FfiConverterArc<crate::UniFfiTag> for str {
    type FfiType = <String as uniffi::Lower<crate::UniFfiTag>>::FfiType;

    fn lower(obj: Id) -> Self::FfiType {
        <String as uniffi::Lower<crate::UniFfiTag>>::lower(obj.to_string())
    }

    fn try_lift(v: Self::FfiType) -> uniffi::Result<Id> {
        <String as uniffi::Lift<crate::UniFfiTag>>::try_lift(v).map(Id::from)
    }

    fn write(obj: Id, buf: &mut Vec<u8>) {
        <String as uniffi::Lower<crate::UniFfiTag>>::write(obj.to_string(), buf);
    }

    fn try_read(buf: &mut &[u8]) -> uniffi::Result<Id> {
        <String as uniffi::Lift<crate::UniFfiTag>>::try_read(buf).map(Id::from)
    }

    const TYPE_ID_META: uniffi::MetadataBuffer = <String as uniffi::TypeId<crate::UniFfiTag>>::TYPE_ID_META;
}

uniffi::custom_type!(Text, String, {
    remote,
    lower: |v| v.into_owned(),
    try_lift: |s| Ok(Text::Owned(s)),
});

/// `YYYY-MM-DD`, as in JSON.
const DATE: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

uniffi::custom_type!(Date, String, {
    remote,
    lower: |d| d.to_string(),
    try_lift: |s| Ok(Date::parse(&s, DATE)?),
});

uniffi::custom_type!(OffsetDateTime, String, {
    remote,
    // Formatting fails only for years beyond 9999, which no plan or window holds; fall back to Display.
    lower: |t| t.format(&Rfc3339).unwrap_or_else(|_| t.to_string()),
    try_lift: |s| Ok(OffsetDateTime::parse(&s, &Rfc3339)?),
});

uniffi::custom_type!(usize, u64, {
    remote,
    lower: |n| n as u64,
    try_lift: |n| Ok(usize::try_from(n)?),
});

/// A [`StateView`](crate::plan::StateView)'s manager versions.
type ManagerVersions = IdMap<HcxVersion>;
/// A [`StateView`](crate::plan::StateView)'s appliance versions (`None`: absent).
type ApplianceVersions = IdMap<Option<HcxVersion>>;
/// A [`StateView`](crate::plan::StateView)'s mesh services.
type MeshServices = IdMap<BTreeSet<MeshService>>;

uniffi::custom_type!(ManagerVersions, HashMap<Id, HcxVersion>, {
    lower: |m| m.into_iter().collect(),
    try_lift: |m| Ok(m.into_iter().collect()),
});

uniffi::custom_type!(ApplianceVersions, HashMap<Id, Option<HcxVersion>>, {
    lower: |m| m.into_iter().collect(),
    try_lift: |m| Ok(m.into_iter().collect()),
});

uniffi::custom_type!(MeshServices, HashMap<Id, Vec<MeshService>>, {
    lower: |m| m.into_iter().map(|(k, v)| (k, v.into_iter().collect())).collect(),
    try_lift: |m| Ok(m.into_iter().map(|(k, v): (Id, Vec<MeshService>)| (k, v.into_iter().collect())).collect()),
});
