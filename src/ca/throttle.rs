//! Rate limits on enrollment-code attempts, per client address and per identity (NIF), with
//! delays that double after a few free failures. They replace a lock-out: a stranger who knows a
//! citizen's NIF can slow attempts on it down, never destroy the holder's code, and gets the same
//! answers for a registered and an unregistered NIF (no NIF oracle).
//!
//! The clock is injected: every method takes `now` in milliseconds, so tests never sleep.
//!
//! The numbers ([`Policy::default`]), with the 10-character code of 56 symbols (about 58 bits):
//! per identity 3 free failures, then 1 s, 2 s, 4 s, … capped at 15 min: at most about 1,460
//! guesses in a code's 15-day life, a chance below 10^-14 of hitting it. Per client address
//! 10 free failures, then the same doubling capped at 1 h, so one address cannot keep a
//! holder's identity blocked (its own wait outgrows the identity's), and the holder waits at
//! most 15 min after a stranger's last failure. State lives in memory and is forgotten after
//! 24 h without failures (and on restart).

use std::collections::HashMap;
use std::net::IpAddr;

/// Entries kept per map (client addresses, identities); past it the entry with the fewest
/// failures (the oldest among equals) is forgotten, so memory stays bounded (about 10 MB) and an
/// identity under a guessing attack, having many failures, is the last to go.
pub const MAX_ENTRIES: usize = 100_000;

/// The limits.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Failures per identity before delays begin.
    pub identity_free: u32,
    /// Longest delay per identity, ms.
    pub identity_max_ms: u64,
    /// Failures per client address before delays begin.
    pub client_free: u32,
    /// Longest delay per client address, ms.
    pub client_max_ms: u64,
    /// First delay, doubled at each further failure, ms.
    pub base_ms: u64,
    /// Entries without a failure for this long are forgotten, ms.
    pub forget_ms: u64,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            identity_free: 3,
            identity_max_ms: 15 * 60 * 1000,
            client_free: 10,
            client_max_ms: 60 * 60 * 1000,
            base_ms: 1000,
            forget_ms: 24 * 60 * 60 * 1000,
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct Entry {
    failures: u32,
    last_failure: u64,
    blocked_until: u64,
}

/// Attempt bookkeeping.
#[derive(Debug, Default)]
pub struct Throttle {
    policy: Policy,
    clients: HashMap<IpAddr, Entry>,
    identities: HashMap<String, Entry>,
    last_prune: u64,
}

fn delay(failures: u32, free: u32, base: u64, max: u64) -> u64 {
    if failures <= free {
        return 0;
    }
    let doublings = (failures - free - 1).min(40);
    base.saturating_mul(1u64 << doublings).min(max)
}

/// Before inserting `key`: if the map is full, forgets the entry with the fewest failures
/// (oldest first among equals).
fn make_room<K: std::hash::Hash + Eq + Clone>(map: &mut HashMap<K, Entry>, key: &K) {
    if map.len() < MAX_ENTRIES || map.contains_key(key) {
        return;
    }
    let victim = map
        .iter()
        .min_by_key(|(_, e)| (e.failures, e.last_failure))
        .map(|(k, _)| k.clone());
    if let Some(v) = victim {
        map.remove(&v);
    }
}

impl Throttle {
    /// A throttle with these limits.
    pub fn new(policy: Policy) -> Self {
        Self {
            policy,
            ..Self::default()
        }
    }

    /// The identity key: the NIF as the store normalises it, so spellings share one budget.
    fn key(nif: &str) -> String {
        nif.trim().to_ascii_uppercase()
    }

    /// `Err(seconds)` to wait when the client or the identity may not try now. Checked before
    /// the code is looked at, so a blocked attempt reveals nothing.
    pub fn check(&self, client: Option<IpAddr>, nif: &str, now: u64) -> Result<(), u64> {
        let until = [
            client.and_then(|c| self.clients.get(&c)),
            self.identities.get(&Self::key(nif)),
        ]
        .into_iter()
        .flatten()
        .map(|e| e.blocked_until)
        .max()
        .unwrap_or(0);
        if until > now {
            Err((until - now).div_ceil(1000))
        } else {
            Ok(())
        }
    }

    /// Records a wrong code (or unknown NIF) for both the client and the identity.
    pub fn failure(&mut self, client: Option<IpAddr>, nif: &str, now: u64) {
        self.prune(now);
        let p = self.policy;
        let bump = |e: &mut Entry, free: u32, max: u64| {
            e.failures = e.failures.saturating_add(1);
            e.last_failure = now;
            e.blocked_until = now.saturating_add(delay(e.failures, free, p.base_ms, max));
        };
        if let Some(c) = client {
            make_room(&mut self.clients, &c);
            bump(
                self.clients.entry(c).or_default(),
                p.client_free,
                p.client_max_ms,
            );
        }
        let key = Self::key(nif);
        make_room(&mut self.identities, &key);
        bump(
            self.identities.entry(key).or_default(),
            p.identity_free,
            p.identity_max_ms,
        );
    }

    /// A correct code: the identity's count starts over (the client's too).
    pub fn success(&mut self, client: Option<IpAddr>, nif: &str) {
        if let Some(c) = client {
            self.clients.remove(&c);
        }
        self.identities.remove(&Self::key(nif));
    }

    fn prune(&mut self, now: u64) {
        if now.saturating_sub(self.last_prune) < 60_000 {
            return;
        }
        self.last_prune = now;
        let forget = self.policy.forget_ms;
        let keep = |e: &Entry| now.saturating_sub(e.last_failure) < forget || e.blocked_until > now;
        self.clients.retain(|_, e| keep(e));
        self.identities.retain(|_, e| keep(e));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1)));
    const B: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 2)));

    #[test]
    fn identity_delays_double_up_to_the_cap_and_success_resets() {
        let mut t = Throttle::new(Policy::default());
        let mut now = 1_000_000;
        for _ in 0..3 {
            assert_eq!(t.check(A, "12345678z", now), Ok(()));
            t.failure(A, "12345678Z", now);
        }
        assert_eq!(t.check(A, "12345678Z", now), Ok(()), "3 free failures");
        t.failure(A, "12345678Z", now);
        // From another address too: the identity's budget is shared.
        assert_eq!(t.check(B, " 12345678z", now), Err(1));
        now += 1000;
        assert_eq!(t.check(B, "12345678Z", now), Ok(()));
        t.failure(B, "12345678Z", now);
        assert_eq!(t.check(B, "12345678Z", now), Err(2));
        let mut waits = Vec::new();
        for _ in 0..20 {
            let wait = match t.check(B, "12345678Z", now) {
                Ok(()) => 0,
                Err(s) => s,
            };
            now += wait * 1000;
            t.failure(B, "12345678Z", now);
            waits.push(wait);
        }
        assert_eq!(&waits[..4], &[2, 4, 8, 16]);
        assert_eq!(*waits.iter().max().expect("max"), 900, "capped at 15 min");
        // The holder's correct code is never destroyed: after the wait it works and resets.
        t.success(B, "12345678Z");
        assert_eq!(t.check(B, "12345678Z", now), Ok(()));
    }

    #[test]
    fn a_client_is_slowed_across_identities_and_unknown_nifs_count_alike() {
        let mut t = Throttle::new(Policy::default());
        let now = 5_000;
        for i in 0..10 {
            t.failure(A, &format!("NIF{i}"), now);
        }
        assert_eq!(t.check(A, "other", now), Ok(()));
        t.failure(A, "NIF10", now);
        assert_eq!(t.check(A, "other", now), Err(1), "the address is slowed");
        assert_eq!(t.check(B, "other", now), Ok(()), "other addresses are not");
        // Growing and capped at an hour.
        for _ in 0..40 {
            t.failure(A, "x", now);
        }
        assert_eq!(t.check(A, "y", now), Err(3600));
    }

    #[test]
    fn entries_are_forgotten_after_a_day_without_failures() {
        let mut t = Throttle::new(Policy::default());
        for _ in 0..5 {
            t.failure(A, "N", 0);
        }
        let day = 24 * 60 * 60 * 1000;
        t.failure(B, "M", day + 1);
        assert!(!t.identities.contains_key("N") && !t.clients.contains_key(&A.expect("a")));
        assert!(t.identities.contains_key("M"));
    }

    #[test]
    fn memory_is_bounded_and_a_targeted_identity_is_kept() {
        let mut t = Throttle::new(Policy::default());
        for _ in 0..20 {
            t.failure(None, "TARGET", 0);
        }
        for i in 0..MAX_ENTRIES + 10 {
            t.failure(None, &format!("N{i}"), 1);
        }
        assert_eq!(t.identities.len(), MAX_ENTRIES);
        assert!(
            t.check(None, "TARGET", 2).is_err(),
            "the attacked NIF stays throttled"
        );
    }
}
