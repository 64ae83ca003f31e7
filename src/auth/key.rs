//! The session-signing key: 32 random bytes in `<state dir>/auth.key`, mode 0600, in a state
//! directory kept at 0700. Deleting or replacing the file signs every session out.

use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use super::tokens::{random_bytes, SigningKey};

pub const KEY_FILE: &str = "auth.key";
const KEY_LEN: usize = 32;

/// Makes the state directory private to its owner.
pub fn restrict_state_dir(dir: &Path) -> std::io::Result<()> {
    let mode = std::fs::metadata(dir)?.permissions().mode() & 0o777;
    if mode != 0o700 {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Reads the key, or makes one (mode 0600 from the start, written whole before it appears).
pub fn load_or_create(dir: &Path) -> Result<SigningKey, String> {
    let path = dir.join(KEY_FILE);
    let fail = |what: &str, e: std::io::Error| format!("{what} {}: {e}", path.display());
    match std::fs::OpenOptions::new().read(true).open(&path) {
        Ok(mut file) => {
            let mode = file
                .metadata()
                .map_err(|e| fail("cannot read", e))?
                .permissions()
                .mode();
            if mode & 0o077 != 0 {
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
                    .map_err(|e| fail("cannot make private", e))?;
            }
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes)
                .map_err(|e| fail("cannot read", e))?;
            if bytes.len() < KEY_LEN {
                return Err(format!(
                    "{} holds {} bytes, not a {KEY_LEN}-byte key; delete it to make a new one \
                     (every session will be signed out)",
                    path.display(),
                    bytes.len()
                ));
            }
            Ok(SigningKey::new(bytes))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let bytes = random_bytes(KEY_LEN).map_err(|e| fail("no randomness for", e))?;
            // Written whole to an owner-only temporary file, then renamed: never readable by
            // others, never seen short.
            crate::store::atomic_file::AtomicWrite::to(&path)
                .syncing_dir()
                .write(&bytes)
                .map_err(|e| fail("cannot write", e))?;
            Ok(SigningKey::new(bytes))
        }
        Err(e) => Err(fail("cannot open", e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_private_and_stable() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        restrict_state_dir(dir.path()).unwrap();
        let mode = std::fs::metadata(dir.path()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
        let first = load_or_create(dir.path()).unwrap();
        let path = dir.path().join(KEY_FILE);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let claims = super::super::tokens::Claims {
            v: 1,
            kind: "session".into(),
            sid: "s".into(),
            iat: 0,
            exp: i64::MAX,
            sub: None,
            role: None,
            method: None,
            nonce: None,
        };
        let token = first.sign(&claims);
        let again = load_or_create(dir.path()).unwrap();
        assert!(again.verify(&token, "session", 0).is_some());
        std::fs::write(&path, [1u8; 32]).unwrap();
        let replaced = load_or_create(dir.path()).unwrap();
        assert!(replaced.verify(&token, "session", 0).is_none());
    }
}
