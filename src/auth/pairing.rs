//! One-time pairing credentials: 12 characters from an alphabet without look-alikes, valid
//! for one exchange within five minutes. They live in memory only: a restart voids every
//! link not yet used, which is also what their short life asks.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::tokens::random_bytes;
use super::Role;

const ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
pub const CREDENTIAL_LEN: usize = 12;
pub const LIFETIME: chrono::Duration = chrono::Duration::minutes(5);

/// A pairing link as `GET /api/auth/pairing-links` lists it (DP Code's `AuthPairingLink`).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct PairingLink {
    pub id: String,
    pub credential: String,
    pub role: Role,
    pub subject: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

pub fn new_credential() -> std::io::Result<String> {
    Ok(random_bytes(CREDENTIAL_LEN)?
        .into_iter()
        .map(|b| char::from(ALPHABET[usize::from(b & 31)]))
        .collect())
}

/// The credentials not yet used.
#[derive(Debug, Default)]
pub struct PairingLinks {
    links: Vec<PairingLink>,
}

impl PairingLinks {
    pub fn issue(
        &mut self,
        role: Role,
        label: Option<String>,
        now: DateTime<Utc>,
    ) -> std::io::Result<PairingLink> {
        self.expire(now);
        let link = PairingLink {
            id: uuid::Uuid::new_v4().to_string(),
            credential: new_credential()?,
            role,
            subject: match role {
                Role::Owner => "owner-bootstrap".into(),
                Role::Client => "one-time-token".into(),
            },
            label,
            created_at: now,
            expires_at: now + LIFETIME,
        };
        self.links.push(link.clone());
        Ok(link)
    }

    fn expire(&mut self, now: DateTime<Utc>) {
        self.links.retain(|l| l.expires_at > now);
    }

    pub fn active(&mut self, now: DateTime<Utc>) -> Vec<PairingLink> {
        self.expire(now);
        self.links.clone()
    }

    /// Uses a credential up: the link it names, once.
    pub fn redeem(&mut self, credential: &str, now: DateTime<Utc>) -> Option<PairingLink> {
        self.expire(now);
        let wanted = credential.trim().to_ascii_uppercase();
        let index = self.links.iter().position(|l| {
            bool::from(subtle::ConstantTimeEq::ct_eq(
                l.credential.as_bytes(),
                wanted.as_bytes(),
            ))
        })?;
        Some(self.links.remove(index))
    }

    pub fn revoke(&mut self, id: &str) -> bool {
        let before = self.links.len();
        self.links.retain(|l| l.id != id);
        self.links.len() != before
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_credential_works_once_and_only_for_five_minutes() {
        let now = Utc::now();
        let mut links = PairingLinks::default();
        let link = links.issue(Role::Client, None, now).unwrap();
        assert_eq!(link.credential.len(), CREDENTIAL_LEN);
        assert!(link.credential.bytes().all(|b| ALPHABET.contains(&b)));
        assert!(links.redeem(&link.credential.to_lowercase(), now).is_some());
        assert!(links.redeem(&link.credential, now).is_none());
        let late = links.issue(Role::Owner, Some("phone".into()), now).unwrap();
        assert_eq!(late.subject, "owner-bootstrap");
        assert!(links
            .redeem(
                &late.credential,
                now + LIFETIME + chrono::Duration::seconds(1)
            )
            .is_none());
        let revoked = links.issue(Role::Client, None, now).unwrap();
        assert!(links.revoke(&revoked.id));
        assert!(links.redeem(&revoked.credential, now).is_none());
    }
}
