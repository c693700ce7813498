//! Files and folders only the service's own user may read: the data
//! directory holds the database, the development signing key and the mail
//! outbox (readers' reset links), so it is created 0700 and its files 0600
//! whatever the process umask. (On other systems than Unix the platform's
//! defaults apply.)

use std::path::Path;

/// Creates `dir` (and missing parents) and makes `dir` itself 0700.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)
    }
}

/// Writes `bytes` to a new file at `path`, readable by its owner only.
pub fn write_new_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(bytes)
}

/// Makes sure the SQLite file at `path` exists and is 0600 before SQLite
/// opens it: SQLite creates a missing file with the umask's permissions
/// (usually 0644) and gives its `-wal` and `-shm` files the database
/// file's permissions.
pub fn prepare_sqlite_file(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    drop(options.open(path)?);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn owner_only() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("data");
        create_private_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);
        write_new_private(&dir.join("key"), b"secret").unwrap();
        assert_eq!(mode(&dir.join("key")), 0o600);
        prepare_sqlite_file(&dir.join("db")).unwrap();
        assert_eq!(mode(&dir.join("db")), 0o600);
    }
}
