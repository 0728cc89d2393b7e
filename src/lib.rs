//! gowasm: build Go programs to WebAssembly, run them interpreted or AOT-compiled, and inspect them.
//!
//! The library knows nothing of terminals: `inspect`, `build` and `engine` return data; the command
//! line (`cli`) presents it.

pub mod bench;
pub mod build;
pub mod cli;
pub mod compare;
pub mod config;
pub mod engine;
pub mod image;
pub use gowasm_inspect as inspect;
pub mod lines;
pub mod pipeline;
pub mod profile;
pub mod serve;
pub mod toolchains;
pub mod tui;
pub mod watch;

use std::path::PathBuf;

/// gowasm's cache folder: `$GOWASM_CACHE_DIR`, else `~/.cache/gowasm` (the platform's cache dir).
pub fn cache_root() -> PathBuf {
    if let Some(dir) = std::env::var_os("GOWASM_CACHE_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    dirs::cache_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("gowasm")
}

/// Content hashes (BLAKE3, hex), for module identity and cache keys.
/// The proleptic Gregorian date `(year, month, day)` of `days` since 1970-01-01 (Howard
/// Hinnant's days-to-civil), for the times gowasm writes (image timestamps, JS `Date`).
pub(crate) fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

pub mod hash {
    pub fn hex_digest(bytes: &[u8]) -> String {
        hash(bytes).to_hex().to_string()
    }

    /// Hashes on every core once the input is large enough to pay for it (a module, an
    /// artifact): blake3 splits it into independent chunks.
    pub fn hash(bytes: &[u8]) -> blake3::Hash {
        if bytes.len() < 1 << 20 {
            return blake3::hash(bytes);
        }
        let mut h = blake3::Hasher::new();
        h.update_rayon(bytes);
        h.finalize()
    }
}

/// Serialises a `Duration` as milliseconds (a float, to the nanosecond: an export's call may
/// take less than a microsecond), the unit of every timing in gowasm's JSON.
pub mod duration_ms {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(d.as_nanos() as f64 / 1e6)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let ms = f64::deserialize(d)?;
        Ok(Duration::from_secs_f64(ms.max(0.0) / 1000.0))
    }

    /// The same for `Option<Duration>` (`null` when absent).
    pub mod option {
        use std::time::Duration;

        use serde::{Deserialize, Deserializer, Serializer};

        pub fn serialize<S: Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
            match d {
                Some(d) => super::serialize(d, s),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
            let ms = Option::<f64>::deserialize(d)?;
            Ok(ms.map(|ms| Duration::from_secs_f64(ms.max(0.0) / 1000.0)))
        }
    }
}
