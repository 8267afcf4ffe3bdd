//! Maintenance windows: one-off (two RFC 3339 instants) or weekly (days, a local start time, a length and an
//! IANA time zone), and the occurrences of a weekly window from a plan date on.
//!
//! A weekly window is kept in local wall-clock time, as change boards approve it ("Saturdays 20:00–02:00,
//! Europe/Amsterdam"): its end is the local start plus the length on the civil clock, so on the night the
//! clocks fall back it lasts an hour longer and on the night they spring forward an hour shorter. A local time
//! the spring-forward change skips is taken as the first instant after the gap (RFC 5545's rule, jiff's
//! "compatible" disambiguation); an occurrence left with no time at all does not happen that night. Zones come
//! from jiff's bundled tz database, so planning gives the same answer in a container without
//! `/usr/share/zoneinfo` and on Windows.

use std::fmt;

use jiff::civil::{self, DateTime, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::quote::quoted;

/// A day of the week, as a weekly window names it (`"sat"`).
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    /// Monday.
    Mon,
    /// Tuesday.
    Tue,
    /// Wednesday.
    Wed,
    /// Thursday.
    Thu,
    /// Friday.
    Fri,
    /// Saturday.
    Sat,
    /// Sunday.
    Sun,
}

impl Weekday {
    /// Days since Monday (0..=6).
    fn index(self) -> usize {
        match self {
            Weekday::Mon => 0,
            Weekday::Tue => 1,
            Weekday::Wed => 2,
            Weekday::Thu => 3,
            Weekday::Fri => 4,
            Weekday::Sat => 5,
            Weekday::Sun => 6,
        }
    }

    fn of(day: civil::Date) -> Self {
        match day.weekday() {
            civil::Weekday::Monday => Weekday::Mon,
            civil::Weekday::Tuesday => Weekday::Tue,
            civil::Weekday::Wednesday => Weekday::Wed,
            civil::Weekday::Thursday => Weekday::Thu,
            civil::Weekday::Friday => Weekday::Fri,
            civil::Weekday::Saturday => Weekday::Sat,
            civil::Weekday::Sunday => Weekday::Sun,
        }
    }
}

/// A window that recurs every week: on `days`, from `start` local time, for `duration`, in the zone `tz`.
///
/// The fleet form: `{"site": "dc1", "weekly": {"days": ["sat"], "start": "20:00", "duration": "6h", "tz":
/// "Europe/Amsterdam"}}`.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeeklyWindow {
    /// The days it opens on (local dates in `tz`).
    pub days: Vec<Weekday>,
    /// The local time it opens, `HH:MM` (24-hour clock).
    pub start: String,
    /// How long it stays open on the local clock: `6h`, `90m`, `1h30m` or ISO 8601 (`PT6H`); at most the time
    /// to the next listed day.
    pub duration: String,
    /// The IANA time zone of `days` and `start` (`Europe/Amsterdam`, `America/New_York`, `UTC`).
    pub tz: String,
}

/// What makes a weekly window unusable; each names the member at fault.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WindowError {
    /// No day given.
    #[error("a weekly window needs at least one day (mon, tue, wed, thu, fri, sat, sun)")]
    NoDays,
    /// A day given twice.
    #[error("day {day} is listed twice")]
    DuplicateDay {
        /// The day, as written.
        day: String,
    },
    /// The start is not `HH:MM`.
    #[error("invalid start time {value}: expected HH:MM on a 24-hour clock")]
    Start {
        /// The text given, quoted.
        value: String,
    },
    /// The duration is not a length in whole minutes.
    #[error("invalid duration {value}: expected a length such as 6h, 90m, 1h30m or PT6H, in whole minutes")]
    Duration {
        /// The text given, quoted.
        value: String,
    },
    /// The duration is zero, or longer than the gap to the next listed day (occurrences would overlap).
    #[error("duration {value} must be longer than zero and at most {max_hours} h (the time to the next listed day)")]
    DurationRange {
        /// The text given, quoted.
        value: String,
        /// The longest length allowed, in hours.
        max_hours: i64,
    },
    /// No such IANA zone in the bundled tz database.
    #[error("unknown time zone {name} (expected an IANA name such as Europe/Amsterdam or UTC)")]
    Zone {
        /// The name given, quoted.
        name: String,
    },
}

/// A weekly window whose members all parsed: ready to give occurrences.
#[derive(Clone, Debug)]
pub struct WeeklyRule {
    /// Which weekdays (by [`Weekday::index`]) it opens on.
    days: [bool; 7],
    start: Time,
    length: SignedDuration,
    tz: TimeZone,
    tz_name: String,
}

/// The longest weekly window: a week (a single day a week).
const WEEK_MINUTES: i64 = 7 * 24 * 60;

impl WeeklyWindow {
    /// Parses the members, reporting every problem (in member order).
    ///
    /// # Errors
    /// Each [`WindowError`] found; empty only on success.
    pub fn rule(&self) -> Result<WeeklyRule, Vec<WindowError>> {
        let mut errors = Vec::new();
        let mut days = [false; 7];
        for d in &self.days {
            let seen = &mut days[d.index()];
            if *seen {
                errors.push(WindowError::DuplicateDay { day: quoted(day_name(*d)).to_string() });
            }
            *seen = true;
        }
        if self.days.is_empty() {
            errors.push(WindowError::NoDays);
        }
        let start = Time::strptime("%H:%M", self.start.trim())
            .map_err(|_| errors.push(WindowError::Start { value: quoted(&self.start).to_string() }))
            .ok();
        let length = self.length(&days).map_err(|e| errors.push(e)).ok();
        let tz = jiff::tz::db()
            .get(self.tz.trim())
            .map_err(|_| errors.push(WindowError::Zone { name: quoted(&self.tz).to_string() }))
            .ok();
        match (start, length, tz) {
            (Some(start), Some(length), Some(tz)) if errors.is_empty() => {
                Ok(WeeklyRule { days, start, length, tz, tz_name: self.tz.trim().to_owned() })
            }
            _ => Err(errors),
        }
    }

    fn length(&self, days: &[bool; 7]) -> Result<SignedDuration, WindowError> {
        let bad = || WindowError::Duration { value: quoted(&self.duration).to_string() };
        let length: SignedDuration = self.duration.trim().parse().map_err(|_| bad())?;
        if length.as_secs() % 60 != 0 || length.subsec_nanos() != 0 {
            return Err(bad());
        }
        let max = max_minutes(days);
        let minutes = length.as_secs() / 60;
        if minutes <= 0 || minutes > max {
            return Err(WindowError::DurationRange { value: quoted(&self.duration).to_string(), max_hours: max / 60 });
        }
        Ok(length)
    }
}

/// The shortest gap between two listed days, cyclically: a window may not reach into the next one.
fn max_minutes(days: &[bool; 7]) -> i64 {
    let on: Vec<i64> = (0..7_i64).zip(days).filter(|&(_, &open)| open).map(|(i, _)| i).collect();
    let gaps = on.iter().zip(on.iter().cycle().skip(1)).map(|(a, b)| (b - a).rem_euclid(7)).filter(|&g| g > 0);
    gaps.min().map_or(WEEK_MINUTES, |g| g * 24 * 60)
}

fn day_name(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "mon",
        Weekday::Tue => "tue",
        Weekday::Wed => "wed",
        Weekday::Thu => "thu",
        Weekday::Fri => "fri",
        Weekday::Sat => "sat",
        Weekday::Sun => "sun",
    }
}

impl fmt::Display for Weekday {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(day_name(*self))
    }
}

/// One opening of a window, in UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Occurrence {
    /// When it opens.
    pub start: OffsetDateTime,
    /// When it closes.
    pub end: OffsetDateTime,
}

impl WeeklyRule {
    /// The IANA name of the window's zone.
    pub fn tz_name(&self) -> &str {
        &self.tz_name
    }

    /// The number of days a week it opens.
    pub fn days_per_week(&self) -> usize {
        self.days.iter().filter(|&&d| d).count()
    }

    /// The occurrences whose local start date is `from` or later, in order. The sequence ends only at the end
    /// of the calendar (year 9999): callers take what they need.
    pub fn occurrences(&self, from: Date) -> impl Iterator<Item = Occurrence> + '_ {
        let first = civil_date(from);
        let days = std::iter::successors(first, |d| d.tomorrow().ok());
        days.filter(|d| self.days[Weekday::of(*d).index()]).filter_map(|d| self.on(d))
    }

    /// The occurrence opening on local date `day`, unless the clock change leaves it no time.
    fn on(&self, day: civil::Date) -> Option<Occurrence> {
        let opens: DateTime = day.to_datetime(self.start);
        let closes = opens.checked_add(self.length).ok()?;
        let start = instant(self.tz.to_ambiguous_zoned(opens).compatible().ok()?.timestamp())?;
        let end = instant(self.tz.to_ambiguous_zoned(closes).compatible().ok()?.timestamp())?;
        (end > start).then_some(Occurrence { start, end })
    }
}

/// `t` in the zone named `tz`, as `2026-11-28 20:00 CET`; `None` for a zone the bundled database lacks.
pub fn local_time(tz: &str, t: OffsetDateTime) -> Option<String> {
    let zone = jiff::tz::db().get(tz).ok()?;
    Some(zoned(&zone, t)?.strftime(LOCAL).to_string())
}

/// `start .. end` in the zone named `tz`, the end's date left out when it is the start's:
/// `2026-11-28 20:00 CET .. 20:15 CET, Europe/Amsterdam`. `None` for a zone the bundled database lacks.
pub fn local_span(tz: &str, start: OffsetDateTime, end: OffsetDateTime) -> Option<String> {
    let zone = jiff::tz::db().get(tz).ok()?;
    let (a, b) = (zoned(&zone, start)?, zoned(&zone, end)?);
    let end_format = if a.date() == b.date() { "%H:%M %Z" } else { LOCAL };
    Some(format!("{} .. {}, {tz}", a.strftime(LOCAL), b.strftime(end_format)))
}

/// How local times are written.
const LOCAL: &str = "%Y-%m-%d %H:%M %Z";

fn zoned(tz: &TimeZone, t: OffsetDateTime) -> Option<jiff::Zoned> {
    Some(Timestamp::from_second(t.unix_timestamp()).ok()?.to_zoned(tz.clone()))
}

fn civil_date(d: Date) -> Option<civil::Date> {
    let (year, month, day) = (i16::try_from(d.year()).ok()?, i8::try_from(u8::from(d.month())).ok()?, d.day());
    civil::Date::new(year, month, i8::try_from(day).ok()?).ok()
}

fn instant(ts: Timestamp) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp(ts.as_second()).ok()
}

#[cfg(test)]
mod tests {
    use time::macros::{date, datetime};

    use super::*;

    fn weekly(days: &[Weekday], start: &str, duration: &str, tz: &str) -> WeeklyWindow {
        WeeklyWindow { days: days.to_vec(), start: start.into(), duration: duration.into(), tz: tz.into() }
    }

    fn first(w: &WeeklyWindow, from: Date) -> Occurrence {
        let rule = w.rule().expect("a valid window");
        rule.occurrences(from).next().expect("an occurrence")
    }

    #[test]
    fn saturday_evening_in_amsterdam_is_utc_plus_one_in_winter_and_plus_two_in_summer() {
        let w = weekly(&[Weekday::Sat], "20:00", "6h", "Europe/Amsterdam");
        let winter = first(&w, date!(2026 - 11 - 25));
        assert_eq!((winter.start, winter.end), (datetime!(2026-11-28 19:00 UTC), datetime!(2026-11-29 01:00 UTC)));
        let summer = first(&w, date!(2026 - 06 - 01));
        assert_eq!((summer.start, summer.end), (datetime!(2026-06-06 18:00 UTC), datetime!(2026-06-07 00:00 UTC)));
    }

    #[test]
    fn the_fall_back_night_is_an_hour_longer_and_spring_forward_an_hour_shorter() {
        // Europe: 2026-10-25 03:00 CEST -> 02:00 CET; 2027-03-28 02:00 CET -> 03:00 CEST.
        let w = weekly(&[Weekday::Sat], "22:00", "6h", "Europe/Amsterdam");
        let fall = first(&w, date!(2026 - 10 - 24));
        assert_eq!((fall.start, fall.end), (datetime!(2026-10-24 20:00 UTC), datetime!(2026-10-25 03:00 UTC)));
        let spring = first(&w, date!(2027 - 03 - 27));
        assert_eq!((spring.start, spring.end), (datetime!(2027-03-27 21:00 UTC), datetime!(2027-03-28 02:00 UTC)));
        // America: 2026-11-01 02:00 EDT -> 01:00 EST; 2027-03-14 02:00 EST -> 03:00 EDT.
        let w = weekly(&[Weekday::Sat], "22:00", "5h", "America/New_York");
        let fall = first(&w, date!(2026 - 10 - 31));
        assert_eq!((fall.start, fall.end), (datetime!(2026-11-01 02:00 UTC), datetime!(2026-11-01 08:00 UTC)));
        let spring = first(&w, date!(2027 - 03 - 13));
        assert_eq!((spring.start, spring.end), (datetime!(2027-03-14 03:00 UTC), datetime!(2027-03-14 07:00 UTC)));
        // A window ending on the fall-back hour ends the first time the clock reads it.
        let w = weekly(&[Weekday::Sat], "20:00", "6h", "Europe/Amsterdam");
        let fall = first(&w, date!(2026 - 10 - 24));
        assert_eq!((fall.start, fall.end), (datetime!(2026-10-24 18:00 UTC), datetime!(2026-10-25 00:00 UTC)));
    }

    #[test]
    fn a_window_inside_the_skipped_hour_does_not_happen_that_night() {
        // 02:00-03:00 local does not exist on 2027-03-28 in Amsterdam: the next occurrence is a week later.
        let w = weekly(&[Weekday::Sun], "02:00", "1h", "Europe/Amsterdam");
        let next = first(&w, date!(2027 - 03 - 28));
        assert_eq!((next.start, next.end), (datetime!(2027-04-04 00:00 UTC), datetime!(2027-04-04 01:00 UTC)));
        // A start inside the gap opens when the gap ends: 02:30 -> 03:30 CEST, closing at 04:30 CEST.
        let w = weekly(&[Weekday::Sun], "02:30", "2h", "Europe/Amsterdam");
        let short = first(&w, date!(2027 - 03 - 28));
        assert_eq!((short.start, short.end), (datetime!(2027-03-28 01:30 UTC), datetime!(2027-03-28 02:30 UTC)));
    }

    #[test]
    fn a_start_in_the_repeated_hour_takes_the_first_one() {
        let w = weekly(&[Weekday::Sun], "02:30", "1h", "Europe/Amsterdam");
        let o = first(&w, date!(2026 - 10 - 25));
        assert_eq!((o.start, o.end), (datetime!(2026-10-25 00:30 UTC), datetime!(2026-10-25 02:30 UTC)));
    }

    #[test]
    fn several_days_come_in_date_order() {
        let w = weekly(&[Weekday::Sun, Weekday::Wed], "01:00", "2h", "UTC");
        let rule = w.rule().expect("valid");
        let starts: Vec<_> = rule.occurrences(date!(2026 - 12 - 07)).take(3).map(|o| o.start).collect();
        assert_eq!(
            starts,
            [datetime!(2026-12-09 01:00 UTC), datetime!(2026-12-13 01:00 UTC), datetime!(2026-12-16 01:00 UTC)]
        );
    }

    #[test]
    fn every_bad_member_is_reported_with_its_name() {
        let w = WeeklyWindow {
            days: vec![Weekday::Sat, Weekday::Sat],
            start: "25:00".into(),
            duration: "6 parsecs".into(),
            tz: "Mars/Olympus_Mons".into(),
        };
        let errors = w.rule().expect_err("nothing is valid");
        assert!(matches!(
            errors[..],
            [
                WindowError::DuplicateDay { .. },
                WindowError::Start { .. },
                WindowError::Duration { .. },
                WindowError::Zone { .. }
            ]
        ));
        assert!(errors[3].to_string().contains("unknown time zone \"Mars/Olympus_Mons\""), "{}", errors[3]);
        let no_days = weekly(&[], "20:00", "6h", "UTC").rule().expect_err("no day");
        assert_eq!(no_days, [WindowError::NoDays]);
    }

    #[test]
    fn a_length_must_fit_before_the_next_listed_day() {
        let ok = weekly(&[Weekday::Sat], "20:00", "PT168H", "UTC");
        assert!(ok.rule().is_ok());
        let e = weekly(&[Weekday::Sat, Weekday::Sun], "20:00", "25h", "UTC").rule().expect_err("overlaps");
        assert!(matches!(e[0], WindowError::DurationRange { max_hours: 24, .. }), "{e:?}");
        let e = weekly(&[Weekday::Sat], "20:00", "0m", "UTC").rule().expect_err("empty");
        assert!(matches!(e[0], WindowError::DurationRange { .. }), "{e:?}");
        let e = weekly(&[Weekday::Sat], "20:00", "90s", "UTC").rule().expect_err("seconds");
        assert!(matches!(e[0], WindowError::Duration { .. }), "{e:?}");
        assert_eq!(
            weekly(&[Weekday::Sat], "20:00", "1h30m", "UTC").rule().map(|r| r.length).ok(),
            Some(SignedDuration::from_mins(90))
        );
    }

    #[test]
    fn local_times_are_shown_in_the_window_zone() {
        assert_eq!(
            local_time("Europe/Amsterdam", datetime!(2026-11-28 19:00 UTC)).as_deref(),
            Some("2026-11-28 20:00 CET")
        );
        assert_eq!(local_time("No/Such_Zone", datetime!(2026-11-28 19:00 UTC)), None);
        let span = |a, b| local_span("America/New_York", a, b);
        assert_eq!(
            span(datetime!(2026-11-01 04:00 UTC), datetime!(2026-11-01 07:00 UTC)).as_deref(),
            Some("2026-11-01 00:00 EDT .. 02:00 EST, America/New_York")
        );
        assert_eq!(
            span(datetime!(2026-11-01 03:00 UTC), datetime!(2026-11-01 04:30 UTC)).as_deref(),
            Some("2026-10-31 23:00 EDT .. 2026-11-01 00:30 EDT, America/New_York")
        );
    }

    #[test]
    fn occurrences_end_with_the_calendar() {
        let w = weekly(&[Weekday::Fri], "20:00", "6h", "UTC");
        let rule = w.rule().expect("valid");
        assert!(rule.occurrences(date!(9999 - 12 - 01)).count() <= 5);
    }
}
