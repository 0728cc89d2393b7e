//! Preopened host directories for wasmer-wasix: each is mounted into the guest's filesystem and
//! preopened there (wasix looks preopens up in its own filesystem, not on the host).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::runtime::Handle;
use wasmer_wasix::WasiEnvBuilder;
use wasmer_wasix::virtual_fs::{self, FileSystem, FsError, MountFileSystem, RootFileSystemBuilder};

use crate::engine::{DirMapping, EngineError};

/// `data` → `/data`; `/` stays `/`.
pub(super) fn absolute_guest(guest: &str) -> PathBuf {
    let trimmed = guest.trim_start_matches("./");
    if trimmed.starts_with('/') {
        PathBuf::from(trimmed)
    } else if trimmed.is_empty() || trimmed == "." {
        PathBuf::from("/")
    } else {
        Path::new("/").join(trimmed)
    }
}

pub fn preopen(
    mut builder: WasiEnvBuilder,
    dirs: &[DirMapping],
    handle: &Handle,
) -> Result<WasiEnvBuilder, EngineError> {
    let host_fs = |d: &DirMapping| -> Result<Arc<dyn FileSystem + Send + Sync>, EngineError> {
        let canonical = std::fs::canonicalize(&d.host).map_err(|e| EngineError::Dir {
            path: d.host.display().to_string(),
            message: e.to_string(),
        })?;
        let fs = virtual_fs::host_fs::FileSystem::new(handle.clone(), canonical).map_err(|e| {
            EngineError::Dir {
                path: d.host.display().to_string(),
                message: e.to_string(),
            }
        })?;
        if d.read_only {
            Ok(Arc::new(ReadOnlyFs(Arc::new(fs))))
        } else {
            Ok(Arc::new(fs))
        }
    };
    let guests: Vec<PathBuf> = dirs.iter().map(|d| absolute_guest(&d.guest)).collect();
    let mounted: Vec<String> = guests
        .iter()
        .filter(|g| g.as_os_str() != "/")
        .map(|g| g.to_string_lossy().into_owned())
        .collect();
    let mounted: Vec<&str> = mounted.iter().map(String::as_str).collect();
    let root = MountFileSystem::new();
    let mut root_fs: Arc<dyn FileSystem + Send + Sync> =
        Arc::new(RootFileSystemBuilder::default().build_tmp_ext(&mounted));
    for (d, guest) in dirs.iter().zip(&guests) {
        if guest.as_os_str() == "/" {
            root_fs = host_fs(d)?;
        } else {
            root.mount(guest, host_fs(d)?)
                .map_err(|e| EngineError::Dir {
                    path: d.host.display().to_string(),
                    message: format!("mount at {}: {e}", guest.display()),
                })?;
        }
    }
    root.mount(Path::new("/"), root_fs)
        .map_err(|e| EngineError::Setup(format!("mount /: {e}")))?;
    builder = builder.mount_fs(root);
    for (d, guest) in dirs.iter().zip(&guests) {
        let alias = d.guest.clone();
        let guest = guest.clone();
        let writable = !d.read_only;
        builder = builder
            .preopen_build(|p| {
                let p = p
                    .directory(&guest)
                    .read(true)
                    .write(writable)
                    .create(writable);
                if alias != guest.to_string_lossy() {
                    p.alias(&alias)
                } else {
                    p
                }
            })
            .map_err(|e| EngineError::Dir {
                path: d.host.display().to_string(),
                message: e.to_string(),
            })?;
    }
    Ok(builder)
}

/// A host folder the guest may read but not change. wasix's read-only preopen rights are not
/// enough on their own: an `O_CREAT` open still creates the file and `path_remove_directory`
/// checks no rights, so the filesystem itself refuses every change.
#[derive(Debug)]
struct ReadOnlyFs(Arc<dyn FileSystem + Send + Sync>);

impl FileSystem for ReadOnlyFs {
    fn readlink(&self, path: &Path) -> virtual_fs::Result<PathBuf> {
        self.0.readlink(path)
    }
    fn read_dir(&self, path: &Path) -> virtual_fs::Result<virtual_fs::ReadDir> {
        self.0.read_dir(path)
    }
    fn create_dir(&self, _: &Path) -> virtual_fs::Result<()> {
        Err(FsError::PermissionDenied)
    }
    fn remove_dir(&self, _: &Path) -> virtual_fs::Result<()> {
        Err(FsError::PermissionDenied)
    }
    fn rename<'a>(
        &'a self,
        _: &'a Path,
        _: &'a Path,
    ) -> std::pin::Pin<Box<dyn Future<Output = virtual_fs::Result<()>> + Send + 'a>> {
        Box::pin(async { Err(FsError::PermissionDenied) })
    }
    fn metadata(&self, path: &Path) -> virtual_fs::Result<virtual_fs::Metadata> {
        self.0.metadata(path)
    }
    fn symlink_metadata(&self, path: &Path) -> virtual_fs::Result<virtual_fs::Metadata> {
        self.0.symlink_metadata(path)
    }
    fn remove_file(&self, _: &Path) -> virtual_fs::Result<()> {
        Err(FsError::PermissionDenied)
    }
    fn new_open_options(&self) -> virtual_fs::OpenOptions<'_> {
        virtual_fs::OpenOptions::new(self)
    }
}

impl virtual_fs::FileOpener for ReadOnlyFs {
    fn open(
        &self,
        path: &Path,
        conf: &virtual_fs::OpenOptionsConfig,
    ) -> virtual_fs::Result<Box<dyn virtual_fs::VirtualFile + Send + Sync + 'static>> {
        if conf.would_mutate() || conf.write || conf.append {
            return Err(FsError::PermissionDenied);
        }
        self.0.new_open_options().options(conf.clone()).open(path)
    }
}
