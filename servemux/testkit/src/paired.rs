//! The benches' turn-taking measurement: ours and a peer (or several contenders) alternate, round
//! by round, and each round gives one ratio of their times.
//!
//! On this project's shared 2-core machine the load drifts between two benchmarks run one after
//! the other: criterion's figure for the same code can move by half between two runs. Contenders
//! that take turns, moments apart, see the same machine, so the ratio of one round's times is
//! fair even when the rounds themselves are not alike. The median of the per-round ratios is the
//! figure the book quotes, and its quartiles show the spread.
//!
//! The schedule: `rounds` rounds; in each, `turns` times over, every contender runs once, and the
//! contender that goes first moves on by one every round (round 0 starts with contender 0,
//! round 1 with contender 1, ...). A contender's value for a round is the median of its turns in
//! that round: with one turn per round (the contender times a batch of requests itself) that is
//! the batch's time; with many (one request a turn, as the client bench alternates request by
//! request) it is the round's median request.
//!
//! Each bench prints its own line from [`Paired`] and [`Ratios`]; the lines are quoted in the
//! book and the closing notes, so their format belongs to the bench.
//!
//! ```
//! use std::time::Duration;
//! use testkit::paired::Paired;
//!
//! // Two contenders, three rounds, one turn each. The machine slows down every round, but in
//! // each round contender 0 takes twice as long as contender 1.
//! let mut turn = 0;
//! let paired = Paired::run(3, 1, 2, |contender| {
//!     let slowdown = 1 + turn / 2;
//!     turn += 1;
//!     Duration::from_micros(slowdown * if contender == 0 { 20 } else { 10 })
//! });
//! assert_eq!(paired.median(1), Duration::from_micros(20));
//! let ratios = paired.ratios(0, 1);
//! assert_eq!(ratios.to_string(), "median 2.000 (quartiles 2.000-2.000)");
//! ```

use std::fmt;
use std::future::Future;
use std::time::Duration;

/// A `usize` from the environment variable `name` (a bench's rounds knob, such as
/// `SERVEMUX_PAIRED_ROUNDS`), or `default` when it is unset or not a number.
pub fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The order in which contenders run: for each round, `turns` times, every contender once,
/// starting with contender `round % contenders`.
pub fn schedule(rounds: usize, turns: usize, contenders: usize) -> impl Iterator<Item = usize> {
    (0..rounds).flat_map(move |round| {
        (0..turns).flat_map(move |_| (0..contenders).map(move |k| (round + k) % contenders))
    })
}

/// The times of a turn-taking run: for each contender, one time per turn, in order.
#[derive(Debug, Clone)]
pub struct Paired {
    turns: usize,
    times: Vec<Vec<Duration>>,
}

impl Paired {
    /// Runs the [`schedule`]: `run(contender)` takes one turn and returns its time.
    pub fn run(
        rounds: usize,
        turns: usize,
        contenders: usize,
        mut run: impl FnMut(usize) -> Duration,
    ) -> Paired {
        let mut paired = Paired::empty(rounds, turns, contenders);
        for contender in schedule(rounds, turns, contenders) {
            paired.times[contender].push(run(contender));
        }
        paired
    }

    /// [`run`](Self::run) for turns that are futures (a client exchange on a runtime).
    pub async fn run_async<F, Fut>(
        rounds: usize,
        turns: usize,
        contenders: usize,
        mut run: F,
    ) -> Paired
    where
        F: FnMut(usize) -> Fut,
        Fut: Future<Output = Duration>,
    {
        let mut paired = Paired::empty(rounds, turns, contenders);
        for contender in schedule(rounds, turns, contenders) {
            paired.times[contender].push(run(contender).await);
        }
        paired
    }

    fn empty(rounds: usize, turns: usize, contenders: usize) -> Paired {
        Paired {
            turns: turns.max(1),
            times: vec![Vec::with_capacity(rounds * turns); contenders],
        }
    }

    /// Times measured elsewhere, `turns` per round (each contender's list in turn order).
    pub fn from_times(turns: usize, times: Vec<Vec<Duration>>) -> Paired {
        Paired {
            turns: turns.max(1),
            times,
        }
    }

    /// The contender's median time over all its turns (zero if it has none).
    pub fn median(&self, contender: usize) -> Duration {
        median(&self.times[contender])
    }

    /// The contender's mean time over all its turns (zero if it has none).
    pub fn mean(&self, contender: usize) -> Duration {
        let times = &self.times[contender];
        match u32::try_from(times.len()) {
            Ok(0) | Err(_) => Duration::ZERO,
            Ok(n) => times.iter().sum::<Duration>() / n,
        }
    }

    /// Each round's ratio of `a`'s median time to `b`'s (below 1: `a` took less time).
    pub fn ratios(&self, a: usize, b: usize) -> Ratios {
        let per_round = self.times[a]
            .chunks(self.turns)
            .zip(self.times[b].chunks(self.turns))
            .map(|(a, b)| median(a).as_secs_f64() / median(b).as_secs_f64())
            .collect();
        Ratios::new(per_round)
    }
}

/// The median of `times`: the middle one, the upper of the two middle ones for an even count
/// (zero for none).
pub fn median(times: &[Duration]) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort_unstable();
    sorted.get(sorted.len() / 2).copied().unwrap_or_default()
}

/// Per-round ratios, sorted, and their quantiles.
#[derive(Debug, Clone, PartialEq)]
pub struct Ratios {
    sorted: Vec<f64>,
}

impl Ratios {
    /// The ratios, in any order.
    pub fn new(mut ratios: Vec<f64>) -> Ratios {
        ratios.sort_unstable_by(f64::total_cmp);
        Ratios { sorted: ratios }
    }

    /// The ratio at quantile `q` (0 to 1) by nearest rank: position `(n - 1) * q`, rounded (NaN
    /// when there are none).
    pub fn quantile(&self, q: f64) -> f64 {
        let Some(last) = self.sorted.len().checked_sub(1) else {
            return f64::NAN;
        };
        let at = (last as f64 * q.clamp(0.0, 1.0)).round() as usize;
        self.sorted[at]
    }

    /// The median ratio (the figure to quote).
    pub fn median(&self) -> f64 {
        self.quantile(0.5)
    }

    /// The first and third quartiles (the spread).
    pub fn quartiles(&self) -> (f64, f64) {
        (self.quantile(0.25), self.quantile(0.75))
    }
}

/// `median 0.812 (quartiles 0.790-0.838)`, as most benches end their paired line.
impl fmt::Display for Ratios {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (q1, q3) = self.quartiles();
        write!(f, "median {:.3} (quartiles {q1:.3}-{q3:.3})", self.median())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn us(v: &[u64]) -> Vec<Duration> {
        v.iter().map(|&n| Duration::from_micros(n)).collect()
    }

    #[test]
    fn the_schedule_moves_the_first_contender_on_each_round() {
        let order: Vec<usize> = schedule(3, 1, 3).collect();
        assert_eq!(order, [0, 1, 2, 1, 2, 0, 2, 0, 1]);
        // Two contenders, two turns a round: the round's first mover keeps the lead all round.
        let order: Vec<usize> = schedule(2, 2, 2).collect();
        assert_eq!(order, [0, 1, 0, 1, 1, 0, 1, 0]);
        assert_eq!(schedule(0, 5, 2).count(), 0);
    }

    #[test]
    fn quantiles_by_nearest_rank_on_known_inputs() {
        // Odd count: 1..=5 in scrambled order.
        let r = Ratios::new(vec![4.0, 1.0, 5.0, 3.0, 2.0]);
        assert_eq!(
            (r.quantile(0.0), r.median(), r.quantile(1.0)),
            (1.0, 3.0, 5.0)
        );
        assert_eq!(r.quartiles(), (2.0, 4.0));
        // Even count: (n - 1) * q = 0.75, 1.5, 2.25 round to positions 1, 2, 2.
        let r = Ratios::new(vec![0.4, 0.1, 0.3, 0.2]);
        assert_eq!(r.median(), 0.3);
        assert_eq!(r.quartiles(), (0.2, 0.3));
        // Twenty ratios 1..=20: positions 4.75, 9.5, 14.25 round to 5, 10, 14.
        let r = Ratios::new((1..=20).rev().map(f64::from).collect());
        assert_eq!(
            (r.quartiles().0, r.median(), r.quartiles().1),
            (6.0, 11.0, 15.0)
        );
        assert_eq!(r.to_string(), "median 11.000 (quartiles 6.000-15.000)");
        assert!(Ratios::new(Vec::new()).median().is_nan());
    }

    #[test]
    fn medians_and_means_of_times() {
        assert_eq!(median(&us(&[30, 10, 20])), Duration::from_micros(20));
        // Even count: the upper middle, as the benches always took `v[v.len() / 2]`.
        assert_eq!(median(&us(&[40, 10, 30, 20])), Duration::from_micros(30));
        assert_eq!(median(&[]), Duration::ZERO);
        let p = Paired::from_times(1, vec![us(&[10, 20, 60]), Vec::new()]);
        assert_eq!(p.mean(0), Duration::from_micros(30));
        assert_eq!(p.mean(1), Duration::ZERO);
    }

    #[test]
    fn a_round_ratio_is_of_the_round_medians() {
        // Two turns a round: round 0 medians (upper middle) 20 vs 10, round 1 30 vs 60.
        let p = Paired::from_times(2, vec![us(&[10, 20, 30, 30]), us(&[10, 5, 60, 60])]);
        let r = p.ratios(0, 1);
        assert_eq!(r, Ratios::new(vec![2.0, 0.5]));
        assert_eq!(p.ratios(1, 0).median(), 2.0);
    }

    #[test]
    fn run_records_each_contender_in_its_turn() {
        let mut calls = Vec::new();
        let p = Paired::run(2, 1, 2, |c| {
            calls.push(c);
            Duration::from_micros(10 * (calls.len() as u64))
        });
        assert_eq!(calls, [0, 1, 1, 0]);
        // Contender 0 ran 1st and 4th (10, 40 µs), contender 1 2nd and 3rd (20, 30 µs).
        let secs = |n| Duration::from_micros(n).as_secs_f64();
        assert_eq!(p.ratios(0, 1), Ratios::new(vec![0.5, secs(40) / secs(30)]));
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let q = rt.block_on(Paired::run_async(2, 1, 2, |c| async move {
            Duration::from_micros(if c == 0 { 10 } else { 40 })
        }));
        assert_eq!(q.ratios(0, 1).median(), 0.25);
    }
}
