//! Signed bearer tokens in DP Code's format: `base64url(claims).base64url(HMAC-SHA256)`, the
//! claims a small JSON object. The signature proves the server issued a token; whether the
//! session behind it still stands is the session store's to say.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// What a token says; times are milliseconds since the epoch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub v: u32,
    /// "session" or "websocket".
    pub kind: String,
    pub sid: String,
    pub iat: i64,
    pub exp: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Makes each websocket token unique, so its single use can be recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
}

pub const KIND_SESSION: &str = "session";
pub const KIND_WEBSOCKET: &str = "websocket";

/// The server's signing key; replacing it invalidates every token issued before.
#[derive(Clone)]
pub struct SigningKey(Vec<u8>);

impl SigningKey {
    pub fn new(bytes: Vec<u8>) -> SigningKey {
        SigningKey(bytes)
    }

    fn mac(&self) -> HmacSha256 {
        // Only fixed-size MACs reject a key length; HMAC takes any, and the key is our own.
        HmacSha256::new_from_slice(&self.0).expect("HMAC accepts keys of every length")
    }

    pub fn sign(&self, claims: &Claims) -> String {
        let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).unwrap_or_default());
        let mut mac = self.mac();
        mac.update(body.as_bytes());
        let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        format!("{body}.{signature}")
    }

    /// The claims of a token this key signed, of `kind`, not expired at `now_ms`.
    pub fn verify(&self, token: &str, kind: &str, now_ms: i64) -> Option<Claims> {
        let (body, signature) = token.trim().split_once('.')?;
        let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
        let mut mac = self.mac();
        mac.update(body.as_bytes());
        // Constant-time comparison.
        mac.verify_slice(&signature).ok()?;
        let claims: Claims = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(body).ok()?).ok()?;
        (claims.v == 1 && claims.kind == kind && claims.exp > now_ms).then_some(claims)
    }
}

/// SHA-256 of a secret, hex: what the store keeps instead of the secret.
pub fn digest_hex(secret: &str) -> String {
    use sha2::Digest;
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `n` bytes from the operating system's generator.
pub fn random_bytes(n: usize) -> std::io::Result<Vec<u8>> {
    let mut bytes = vec![0u8; n];
    getrandom::getrandom(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(exp: i64) -> Claims {
        Claims {
            v: 1,
            kind: KIND_SESSION.into(),
            sid: "s1".into(),
            iat: 0,
            exp,
            sub: Some("one-time-token".into()),
            role: Some("client".into()),
            method: Some("browser-session-cookie".into()),
            nonce: None,
        }
    }

    #[test]
    fn a_token_verifies_only_under_its_key_kind_and_lifetime() {
        let key = SigningKey::new(vec![7; 32]);
        let token = key.sign(&claims(1_000));
        assert_eq!(key.verify(&token, KIND_SESSION, 999), Some(claims(1_000)));
        assert_eq!(key.verify(&token, KIND_SESSION, 1_000), None);
        assert_eq!(key.verify(&token, KIND_WEBSOCKET, 0), None);
        assert_eq!(
            SigningKey::new(vec![8; 32]).verify(&token, KIND_SESSION, 0),
            None
        );
        let (body, sig) = token.split_once('.').unwrap();
        let forged = URL_SAFE_NO_PAD.encode(
            serde_json::to_vec(&Claims {
                role: Some("owner".into()),
                ..claims(1_000)
            })
            .unwrap(),
        );
        assert_eq!(
            key.verify(&format!("{forged}.{sig}"), KIND_SESSION, 0),
            None
        );
        assert_eq!(key.verify(body, KIND_SESSION, 0), None);
        assert_eq!(key.verify("", KIND_SESSION, 0), None);
        assert_eq!(key.verify("a.b.c", KIND_SESSION, 0), None);
    }

    #[test]
    fn digests_are_hex_sha256() {
        assert_eq!(
            digest_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
