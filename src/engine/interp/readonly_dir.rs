//! A preopened directory the guest may read but not change (wasi-common has no read-only preopen).

use std::any::Any;

use wasmi_wasi::wasi_common::dir::{OpenResult, ReaddirCursor, ReaddirEntity};
use wasmi_wasi::wasi_common::file::{FdFlags, Filestat, OFlags};
use wasmi_wasi::wasi_common::{Error, ErrorExt, WasiDir};

/// Wraps a directory; every call that would create, change or delete is refused with EPERM
/// (the trait's defaults refuse the rest).
pub struct ReadOnlyDir(pub Box<dyn WasiDir>);

#[wiggle::async_trait]
impl WasiDir for ReadOnlyDir {
    fn as_any(&self) -> &dyn Any {
        self
    }

    async fn open_file(
        &self,
        symlink_follow: bool,
        path: &str,
        oflags: OFlags,
        read: bool,
        write: bool,
        fdflags: FdFlags,
    ) -> Result<OpenResult, Error> {
        let changes = OFlags::CREATE | OFlags::TRUNCATE | OFlags::EXCLUSIVE;
        if write || oflags.intersects(changes) || fdflags.contains(FdFlags::APPEND) {
            return Err(Error::perm());
        }
        match self
            .0
            .open_file(symlink_follow, path, oflags, read, false, fdflags)
            .await?
        {
            OpenResult::Dir(d) => Ok(OpenResult::Dir(Box::new(ReadOnlyDir(d)))),
            file => Ok(file),
        }
    }

    async fn readdir(
        &self,
        cursor: ReaddirCursor,
    ) -> Result<Box<dyn Iterator<Item = Result<ReaddirEntity, Error>> + Send>, Error> {
        self.0.readdir(cursor).await
    }

    async fn read_link(&self, path: &str) -> Result<std::path::PathBuf, Error> {
        self.0.read_link(path).await
    }

    async fn get_filestat(&self) -> Result<Filestat, Error> {
        self.0.get_filestat().await
    }

    async fn get_path_filestat(
        &self,
        path: &str,
        follow_symlinks: bool,
    ) -> Result<Filestat, Error> {
        self.0.get_path_filestat(path, follow_symlinks).await
    }
}
