//! Arming: "the next login from SP X (or carrying this RelayState / login_hint) gets scenario Y".
//! One-shot and per SP, so parallel test jobs that share one server do not step on each other.

use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// How many arms may wait at once; past it, arming is refused rather than growing memory.
pub const ARM_LIMIT: usize = 10_000;

/// `POST /api/arm`'s body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArmRequest {
    /// The SP's entity ID.
    pub sp: String,
    /// The scenario the login gets.
    pub scenario: String,
    /// Only a login carrying this RelayState.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relay_state: Option<String>,
    /// Only a login with this login_hint (query parameter or the AuthnRequest's Subject NameID).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login_hint: Option<String>,
    /// The user who signs in (`alice`, `bob`, ... or an email address).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
}

/// The waiting arms, oldest first.
#[derive(Debug, Default)]
pub struct Armory {
    waiting: Mutex<Vec<ArmRequest>>,
}

impl Armory {
    /// Add an arm; `Err(limit)` when [`ARM_LIMIT`] arms are waiting already.
    pub fn arm(&self, request: ArmRequest) -> Result<usize, usize> {
        let mut waiting = self.lock();
        if waiting.len() >= ARM_LIMIT {
            return Err(ARM_LIMIT);
        }
        waiting.push(request);
        Ok(waiting.len())
    }

    /// Take the arm for a login from `sp`: the most specific match (RelayState and login_hint
    /// both count), the oldest among equals. An arm that names a RelayState or login_hint only
    /// matches logins that carry the same.
    pub fn take(&self, sp: &str, relay_state: Option<&str>, login_hint: Option<&str>) -> Option<ArmRequest> {
        let mut waiting = self.lock();
        let matches = |wanted: &Option<String>, got: Option<&str>| match wanted {
            None => Some(0),
            Some(w) if Some(w.as_str()) == got => Some(1),
            Some(_) => None,
        };
        let mut best: Option<(usize, usize)> = None;
        for (index, arm) in waiting.iter().enumerate() {
            if arm.sp != sp {
                continue;
            }
            let (Some(a), Some(b)) = (matches(&arm.relay_state, relay_state), matches(&arm.login_hint, login_hint))
            else {
                continue;
            };
            if best.is_none_or(|(score, _)| a + b > score) {
                best = Some((a + b, index));
            }
        }
        best.map(|(_, index)| waiting.remove(index))
    }

    /// How many arms are waiting.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether none is waiting.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Drop every arm; returns how many there were.
    pub fn clear(&self) -> usize {
        std::mem::take(&mut *self.lock()).len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<ArmRequest>> {
        // A panic while holding the lock leaves a plain Vec, still consistent.
        self.waiting.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arm(sp: &str, scenario: &str, relay_state: Option<&str>) -> ArmRequest {
        ArmRequest {
            sp: sp.into(),
            scenario: scenario.into(),
            relay_state: relay_state.map(Into::into),
            login_hint: None,
            user: None,
        }
    }

    #[test]
    fn one_shot_per_sp_and_most_specific_first() {
        let armory = Armory::default();
        armory.arm(arm("a", "plain", None)).unwrap();
        armory.arm(arm("a", "by-relay", Some("r1"))).unwrap();
        armory.arm(arm("b", "other-sp", None)).unwrap();
        assert_eq!(armory.take("a", Some("r1"), None).unwrap().scenario, "by-relay");
        assert_eq!(armory.take("a", Some("r2"), None).unwrap().scenario, "plain");
        assert!(armory.take("a", None, None).is_none());
        assert_eq!(armory.take("b", None, None).unwrap().scenario, "other-sp");
    }

    #[test]
    fn a_relay_state_arm_waits_for_its_relay_state() {
        let armory = Armory::default();
        armory.arm(arm("a", "x", Some("r1"))).unwrap();
        assert!(armory.take("a", None, None).is_none());
        assert_eq!(armory.len(), 1);
    }
}
