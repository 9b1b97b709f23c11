//! The formats of front-matter values, each defined once: dates, 文号, 索引号, slugs.

/// A calendar date as far as it was written: `2024`, `2024-06` or `2024-06-25`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: u16,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

impl Date {
    /// The first day the date can mean, for comparing dates written to different precision.
    pub fn earliest(self) -> (u16, u8, u8) {
        (self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }

    /// The last day the date can mean.
    pub fn latest(self) -> (u16, u8, u8) {
        let month = self.month.unwrap_or(12);
        (
            self.year,
            month,
            self.day.unwrap_or_else(|| days_in_month(self.year, month)),
        )
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

/// Why a date value was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateError {
    /// Not `YYYY[-MM[-DD]][ HH:MM[:SS]]`.
    Format,
    /// Well formed but no such day or time, e.g. `2024-13-45` or `2023-02-29`.
    Impossible,
}

fn digits(s: &str, len: usize) -> Option<u32> {
    (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

pub fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Dates are `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, optionally followed by ` HH:MM[:SS]`, and must
/// name a day and time that exist.
pub fn parse_date(s: &str) -> Result<Date, DateError> {
    let (date, time) = s.split_once(' ').unwrap_or((s, ""));
    let parts: Vec<&str> = date.split('-').collect();
    if parts.len() > 3 {
        return Err(DateError::Format);
    }
    let year = digits(parts[0], 4).ok_or(DateError::Format)? as u16;
    let month = match parts.get(1) {
        Some(m) => Some(digits(m, 2).ok_or(DateError::Format)? as u8),
        None => None,
    };
    let day = match parts.get(2) {
        Some(d) => Some(digits(d, 2).ok_or(DateError::Format)? as u8),
        None => None,
    };
    if !time.is_empty() {
        let t: Vec<&str> = time.split(':').collect();
        if day.is_none() || !(2..=3).contains(&t.len()) {
            return Err(DateError::Format);
        }
        let t: Vec<u32> = t
            .iter()
            .map(|p| digits(p, 2).ok_or(DateError::Format))
            .collect::<Result<_, _>>()?;
        if t[0] > 23 || t[1] > 59 || t.get(2).is_some_and(|&s| s > 59) {
            return Err(DateError::Impossible);
        }
    }
    if year == 0 || month.is_some_and(|m| !(1..=12).contains(&m)) {
        return Err(DateError::Impossible);
    }
    if let (Some(m), Some(d)) = (month, day) {
        if d == 0 || d > days_in_month(year, m) {
            return Err(DateError::Impossible);
        }
    }
    Ok(Date { year, month, day })
}

/// 文号 like 聊政字〔2023〕25号: 机关代字, the full year in 六角括号, a serial without leading 0.
pub fn is_doc_number(s: &str) -> bool {
    let Some((agency, rest)) = s.split_once('〔') else {
        return false;
    };
    let Some((year, serial)) = rest.split_once('〕') else {
        return false;
    };
    !agency.is_empty()
        && digits(year, 4).is_some()
        && serial.strip_suffix('号').is_some_and(|n| {
            !n.is_empty() && !n.starts_with('0') && n.bytes().all(|b| b.is_ascii_digit())
        })
}

/// 索引号 like `000014349/2017-00110`: a 9-character organisation code or an 18-character
/// unified social credit code, `/`, the year, `-`, a 5-digit serial.
pub fn is_index_number(s: &str) -> bool {
    let Some((code, rest)) = s.split_once('/') else {
        return false;
    };
    let Some((year, serial)) = rest.split_once('-') else {
        return false;
    };
    matches!(code.len(), 9 | 18)
        && code
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
        && digits(year, 4).is_some()
        && digits(serial, 5).is_some()
}

/// Today's date (UTC) from the system clock; used only for warnings, never in the output.
pub fn today() -> (u16, u8, u8) {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_from_days((secs / 86_400) as i64)
}

/// The date `days` after `date`.
pub fn add_days(date: (u16, u8, u8), days: u32) -> (u16, u8, u8) {
    civil_from_days(days_from_civil(date) + i64::from(days))
}

/// Days from `a` to `b` (negative when `b` is earlier).
pub fn days_between(a: (u16, u8, u8), b: (u16, u8, u8)) -> i64 {
    days_from_civil(b) - days_from_civil(a)
}

/// Days since 1970-01-01 (Howard Hinnant's algorithm).
fn days_from_civil((y, m, d): (u16, u8, u8)) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (u16, u8, u8) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y.clamp(0, 9999) as u16, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_must_exist() {
        assert!(parse_date("2023-12-30").is_ok());
        assert!(parse_date("2024-01-09 14:43:45").is_ok());
        assert!(parse_date("2024").is_ok());
        assert!(parse_date("2024-02-29").is_ok());
        assert_eq!(parse_date("2023-02-29"), Err(DateError::Impossible));
        assert_eq!(parse_date("2024-13-45"), Err(DateError::Impossible));
        assert_eq!(parse_date("2024-01-09 24:00"), Err(DateError::Impossible));
        assert_eq!(parse_date("2023年12月30日"), Err(DateError::Format));
        assert_eq!(parse_date("2024 14:00"), Err(DateError::Format));
    }

    #[test]
    fn recognises_doc_and_index_numbers() {
        assert!(is_doc_number("聊政字〔2023〕25号"));
        assert!(!is_doc_number("聊政字[2023]25号"));
        assert!(!is_doc_number("聊政字〔2023〕025号"));
        assert!(is_index_number("000014349/2017-00110"));
        assert!(is_index_number("11441700007280420Y/2021-00050"));
        assert!(!is_index_number("01527918X-2020-153077"));
    }

    #[test]
    fn counts_days_across_months_and_years() {
        assert_eq!(add_days((2023, 12, 30), 3), (2024, 1, 2));
        assert_eq!(add_days((2024, 2, 28), 1), (2024, 2, 29));
        assert_eq!(civil_from_days(0), (1970, 1, 1));
    }
}
