//! Medians and spreads of repeated measurements.

use std::time::Duration;

use serde::Serialize;

/// Summary of one measurement over the runs.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Stats {
    #[serde(with = "crate::duration_ms")]
    pub median: Duration,
    #[serde(with = "crate::duration_ms")]
    pub min: Duration,
    #[serde(with = "crate::duration_ms")]
    pub max: Duration,
    /// (max − min) / median: how much the runs disagree.
    pub spread: f64,
}

impl Stats {
    /// `None` for no samples.
    pub fn of(samples: &[Duration]) -> Option<Stats> {
        if samples.is_empty() {
            return None;
        }
        let mut v = samples.to_vec();
        v.sort();
        let n = v.len();
        let median = if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2
        };
        let (min, max) = (v[0], v[n - 1]);
        let spread = if median.is_zero() {
            0.0
        } else {
            (max - min).as_secs_f64() / median.as_secs_f64()
        };
        Some(Stats {
            median,
            min,
            max,
            spread,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_and_spread() {
        let ms = Duration::from_millis;
        let s = Stats::of(&[ms(30), ms(10), ms(20)]).unwrap();
        assert_eq!((s.median, s.min, s.max), (ms(20), ms(10), ms(30)));
        assert_eq!(s.spread, 1.0);
        assert_eq!(Stats::of(&[ms(10), ms(20)]).unwrap().median, ms(15));
        assert!(Stats::of(&[]).is_none());
    }
}
