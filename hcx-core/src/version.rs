//! HCX release versions as HCX itself prints them.
//!
//! HCX reports versions in several shapes: `4.10.3`, `4.10.3.0`, `4.9.0.0-23529166` (with a build number) and,
//! from the VCF Operations era, `9.1.1.0`. [`HcxVersion`] accepts all of them, keeps the build apart, and
//! orders numerically, so `4.10.0 > 4.9.2`.
//!
//! From 9.0 on, HCX follows the unified VCF convention (Broadcom KB 410435): up to five numeric fields, written
//! `9.0.1.0` or, for an in-train patch, `9.1.0.0100`, where the last group carries the patch digits. A missing
//! trailing group is zero (`9.0.1` is `9.0.1.0`), and the last group compares as one number, so `9.1.0.0100`
//! orders after `9.1.0.0` and before `9.1.1.0`. The group is printed with the digits it was written with.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An HCX release version: three or four numeric parts and an optional build number.
///
/// Equality, ordering and hashing look at the numeric parts only: the build is metadata, so
/// `4.10.3`, `4.10.3.0` and `4.10.3.0-24447633` are the same release.
///
/// ```
/// use hcx_core::HcxVersion;
///
/// let a: HcxVersion = "4.9.0.0-23529166".parse()?;
/// assert_eq!(a, "4.9.0".parse()?);
/// assert_eq!(a.build(), Some("23529166"));
/// assert!("4.10.0".parse::<HcxVersion>()? > "4.9.2".parse()?);
/// # Ok::<(), hcx_core::VersionError>(())
/// ```
#[derive(Clone, Debug)]
pub struct HcxVersion {
    parts: [u32; 4],
    /// How many digits the fourth group was written with (`0100` is 4), so a VCF patch level prints as given;
    /// not part of equality or ordering.
    width: u8,
    /// Shared: plans copy a version into many steps, and a clone should not copy the build's text.
    build: Option<std::sync::Arc<str>>,
}

/// A version string that is not an HCX version.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid hcx version {}: {reason} (expected MAJOR.MINOR.PATCH[.REVISION][-BUILD], e.g. 4.10.3 or 4.9.0.0-23529166)",
    crate::quote::quoted(input)
)]
pub struct VersionError {
    input: String,
    reason: &'static str,
}

impl VersionError {
    /// The text that failed to parse.
    pub fn input(&self) -> &str {
        &self.input
    }
}

impl HcxVersion {
    /// A three-part version without a build.
    pub const fn new(major: u32, minor: u32, patch: u32) -> Self {
        Self { parts: [major, minor, patch, 0], width: 0, build: None }
    }

    /// A four-part version (as 9.x prints them) without a build.
    pub const fn new4(major: u32, minor: u32, patch: u32, revision: u32) -> Self {
        Self { parts: [major, minor, patch, revision], width: 0, build: None }
    }

    /// The same release with the given build number attached.
    #[must_use]
    pub fn with_build(mut self, build: impl Into<String>) -> Self {
        let build = build.into();
        self.build = if build.is_empty() { None } else { Some(build.into()) };
        self
    }

    /// The major number (4 or 9 today).
    pub fn major(&self) -> u32 {
        self.parts[0]
    }

    /// The minor number.
    pub fn minor(&self) -> u32 {
        self.parts[1]
    }

    /// The patch (maintenance) number.
    pub fn patch(&self) -> u32 {
        self.parts[2]
    }

    /// The fourth group as a number (`0100` is 100); 0 when HCX printed only three parts.
    pub fn revision(&self) -> u32 {
        self.parts[3]
    }

    /// The same release without its build number, printed the same way.
    #[must_use]
    pub fn without_build(&self) -> Self {
        Self { parts: self.parts, width: self.width, build: None }
    }

    /// The build number, when one was given.
    pub fn build(&self) -> Option<&str> {
        self.build.as_deref()
    }

    /// The release line, `major.minor` (for example `4.11`).
    pub fn line(&self) -> (u32, u32) {
        (self.parts[0], self.parts[1])
    }

    /// This version as a [`semver::Version`], for matching against requirements.
    ///
    /// The fourth part is carried as a pre-release-free build tag so it does not change
    /// requirement matching; HCX never used it for anything but `.0` in the releases we know.
    pub fn to_semver(&self) -> semver::Version {
        semver::Version::new(self.parts[0].into(), self.parts[1].into(), self.parts[2].into())
    }

    /// Whether this version satisfies a requirement such as `>=4.4.0, <4.9.0`.
    ///
    /// A non-zero fourth part only matters for exact bounds: `9.1.0.1` matches `=9.1.0` too.
    pub fn matches(&self, req: &semver::VersionReq) -> bool {
        req.matches(&self.to_semver())
    }

    fn parse_str(input: &str) -> Result<Self, VersionError> {
        let err = |reason| VersionError { input: input.to_owned(), reason };
        let text = input.trim();
        if text.is_empty() {
            return Err(err("empty string"));
        }
        let (numbers, build) = match text.split_once('-') {
            Some((n, b)) => (n, Some(b)),
            None => (text, None),
        };
        let numbers = numbers.strip_prefix(['v', 'V']).unwrap_or(numbers);
        let mut parts = [0u32; 4];
        let mut width = 0u8;
        let mut count = 0;
        for piece in numbers.split('.') {
            if count == 4 {
                return Err(err("more than four numeric parts"));
            }
            if piece.is_empty() || !piece.chars().all(|c| c.is_ascii_digit()) {
                return Err(err("each part must be a non-negative number"));
            }
            parts[count] = piece.parse().map_err(|_| err("a part is too large"))?;
            if count == 3 {
                width = u8::try_from(piece.len()).map_err(|_| err("a part is too large"))?;
            }
            count += 1;
        }
        if count < 3 {
            return Err(err("fewer than three numeric parts"));
        }
        if let Some(b) = build {
            if b.is_empty() || !b.chars().all(|c| c.is_ascii_digit()) {
                return Err(err("the build after '-' must be digits"));
            }
        }
        Ok(Self { parts, width, build: build.map(Into::into) })
    }
}

impl FromStr for HcxVersion {
    type Err = VersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse_str(s)
    }
}

impl TryFrom<&str> for HcxVersion {
    type Error = VersionError;

    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Self::parse_str(s)
    }
}

impl fmt::Display for HcxVersion {
    /// The canonical form: three parts, a fourth only for 9.x or when non-zero, then `-BUILD` if known.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d] = self.parts;
        // Written into a buffer and handed over once: plans print versions hundreds of thousands of times,
        // and one `write!` with five arguments costs more than the digits.
        let mut text = Digits::default();
        text.number(a, 1);
        text.dot();
        text.number(b, 1);
        text.dot();
        text.number(c, 1);
        // 9.x releases are printed with four groups everywhere (9.1.1.0); keep that shape for them, and the
        // digits a VCF patch level was written with (9.1.0.0100).
        if d != 0 || a >= 9 {
            text.dot();
            text.number(d, usize::from(self.width.max(1)));
        }
        f.write_str(text.as_str())?;
        if let Some(build) = &self.build {
            f.write_str("-")?;
            f.write_str(build)?;
        }
        Ok(())
    }
}

/// The numeric part of a version as text, on the stack.
struct Digits {
    buf: [u8; Digits::CAPACITY],
    len: usize,
}

impl Default for Digits {
    fn default() -> Self {
        Self { buf: [0; Digits::CAPACITY], len: 0 }
    }
}

impl Digits {
    /// Four groups of up to ten digits and three dots, with room for zero padding to the width a fourth group
    /// can be written with (a `u8`).
    const CAPACITY: usize = 3 * 11 + u8::MAX as usize;

    fn dot(&mut self) {
        self.buf[self.len] = b'.';
        self.len += 1;
    }

    /// `n` in decimal, zero-padded to `width` digits.
    fn number(&mut self, mut n: u32, width: usize) {
        let mut digits = [0u8; 10];
        let mut count = 0;
        loop {
            digits[count] = b'0' + (n % 10) as u8;
            count += 1;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        let pad = width.saturating_sub(count).min(u8::MAX as usize);
        self.buf[self.len..self.len + pad].fill(b'0');
        self.len += pad;
        for &d in digits[..count].iter().rev() {
            self.buf[self.len] = d;
            self.len += 1;
        }
    }

    fn as_str(&self) -> &str {
        // Only ASCII digits and dots are ever written.
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or("?")
    }
}

impl PartialEq for HcxVersion {
    fn eq(&self, other: &Self) -> bool {
        self.parts == other.parts
    }
}

impl Eq for HcxVersion {}

impl Hash for HcxVersion {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.parts.hash(state);
    }
}

impl PartialOrd for HcxVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for HcxVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.parts.cmp(&other.parts)
    }
}

impl Serialize for HcxVersion {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl schemars::JsonSchema for HcxVersion {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "HcxVersion".into()
    }

    /// The canonical form `Display` writes: three or four dotted numbers, then `-BUILD` when known.
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "pattern": "^[0-9]+\\.[0-9]+\\.[0-9]+(\\.[0-9]+)?(-.+)?$" })
    }
}

impl<'de> Deserialize<'de> for HcxVersion {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    /// The digits written by hand match `format!` (the form they replace), at every width.
    #[test]
    fn display_matches_the_formatted_parts() {
        for parts in [[0, 0, 0, 0], [4, 10, 3, 0], [4, 11, 0, 1], [9, 1, 0, 100], [u32::MAX, 7, u32::MAX, u32::MAX]] {
            for width in [0u8, 1, 2, 4, 12, u8::MAX] {
                let v = super::HcxVersion { parts, width, build: None };
                let [a, b, c, d] = parts;
                let mut want = format!("{a}.{b}.{c}");
                if d != 0 || a >= 9 {
                    want.push_str(&format!(".{d:0w$}", w = usize::from(width.max(1))));
                }
                assert_eq!(v.to_string(), want);
                let built = super::HcxVersion { build: Some("24251012".into()), ..v };
                assert_eq!(built.to_string(), format!("{want}-24251012"));
            }
        }
    }

    use super::*;

    #[track_caller]
    fn v(s: &str) -> HcxVersion {
        s.parse().unwrap()
    }

    #[track_caller]
    fn bad(s: &str, reason: &str) {
        let e = s.parse::<HcxVersion>().unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains(&format!("{s:?}")), "{msg}");
        assert!(msg.contains(reason), "{msg}");
        assert!(msg.contains("expected MAJOR.MINOR.PATCH"), "{msg}");
    }

    #[test]
    fn parses_every_shape_hcx_prints() {
        assert_eq!(v("4.10.3").to_string(), "4.10.3");
        assert_eq!(v("4.10.3.0").to_string(), "4.10.3");
        let b = v("4.9.0.0-23529166");
        assert_eq!((b.major(), b.minor(), b.patch(), b.revision()), (4, 9, 0, 0));
        assert_eq!(b.build(), Some("23529166"));
        assert_eq!(b.to_string(), "4.9.0-23529166");
        assert_eq!(v("9.1.1.0").to_string(), "9.1.1.0");
        assert_eq!(v("9.1.0.3").revision(), 3);
        assert_eq!(v(" 4.8.2 ").to_string(), "4.8.2");
    }

    #[test]
    fn three_and_four_part_forms_are_equal() {
        assert_eq!(v("4.10.3"), v("4.10.3.0"));
        assert_eq!(v("4.10.3"), v("4.10.3.0-24447633"));
        let mut set = std::collections::HashSet::new();
        set.insert(v("4.10.3"));
        assert!(set.contains(&v("4.10.3.0-1")));
        assert_ne!(v("9.1.0.0"), v("9.1.0.1"));
    }

    #[test]
    fn orders_numerically() {
        assert!(v("4.10.0") > v("4.9.2"));
        assert!(v("4.11.10") > v("4.11.9"));
        assert!(v("9.0.0") > v("4.11.5"));
        assert!(v("9.1.0.1") > v("9.1.0.0"));
        let mut all = [v("4.10.3"), v("4.4.2"), v("4.9.0"), v("4.11.0"), v("4.8.3")];
        all.sort();
        let shown: Vec<String> = all.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["4.4.2", "4.8.3", "4.9.0", "4.10.3", "4.11.0"]);
    }

    /// KB 410435: from 9.0 on, `9.0.1` and `9.0.1.0` are one release, and an in-train patch such as
    /// `9.1.0.0100` sits between its base release and the next maintenance release.
    #[test]
    fn follows_the_vcf_five_field_convention() {
        assert_eq!(v("9.0.1"), v("9.0.1.0"));
        assert_eq!(v("9.0.1").to_string(), "9.0.1.0");
        let patch = v("9.1.0.0100");
        assert!(v("9.1.0.0") < patch && patch < v("9.1.1.0"));
        assert!(v("9.1.0") < patch);
        assert_eq!(patch.to_string(), "9.1.0.0100");
        assert_eq!(patch.revision(), 100);
        assert_eq!(v("9.1.0.0100-25690219").without_build().to_string(), "9.1.0.0100");
        let mut all = [v("9.1.1.0"), patch.clone(), v("9.1.0.0"), v("9.0.2"), v("9.0.1.0")];
        all.sort();
        let shown: Vec<String> = all.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["9.0.1.0", "9.0.2.0", "9.1.0.0", "9.1.0.0100", "9.1.1.0"]);
        // The patch still matches the requirements written for its train.
        let train = semver::VersionReq::parse(">=9.1.0, <9.1.1").unwrap();
        assert!(patch.matches(&train));
        assert!(patch.matches(&semver::VersionReq::parse("=9.1.0").unwrap()));
    }

    #[test]
    fn rejects_bad_strings_with_the_input_quoted() {
        bad("", "empty string");
        bad("4.10", "fewer than three");
        bad("4", "fewer than three");
        bad("4.10.3.0.1", "more than four");
        bad("4.x.3", "non-negative number");
        bad("4..3", "non-negative number");
        bad("-4.1.0", "non-negative number");
        bad("4.1.0-", "digits");
        bad("4.1.0-abc", "digits");
        bad("4.99999999999.0", "too large");
        bad("R146", "non-negative number");
    }

    #[test]
    fn matches_semver_requirements() {
        let req = semver::VersionReq::parse(">=4.4.0, <4.9.0").unwrap();
        assert!(v("4.4.0").matches(&req));
        assert!(v("4.8.3.0").matches(&req));
        assert!(!v("4.9.0").matches(&req));
        assert!(!v("4.3.3").matches(&req));
    }

    #[test]
    fn serde_round_trips_as_a_string() {
        let x = v("4.9.0.0-23529166");
        let json = serde_json::to_string(&x).unwrap();
        assert_eq!(json, "\"4.9.0-23529166\"");
        let back: HcxVersion = serde_json::from_str(&json).unwrap();
        assert_eq!(back, x);
        assert_eq!(back.build(), Some("23529166"));
        let err = serde_json::from_str::<HcxVersion>("\"4.x\"").unwrap_err();
        assert!(err.to_string().contains("invalid hcx version \"4.x\""));
    }
}
