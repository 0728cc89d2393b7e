//! A module as an OCI image for containerd and crun: one layer holding `/<name>.wasm`, the
//! entrypoint, the platform `wasi/wasm` and the annotation `module.wasm.image/variant=compat-smart`,
//! written without a daemon as an OCI archive, an OCI layout folder or a docker archive.
//! Reproducible: the same module and options give the same bytes.
//!
//! Why the platform and the annotation: containerd's runwasi shims and Docker's Wasm support pick
//! images by the platform `wasi/wasm`; crun's Wasm handler runs a container through WasmEdge or
//! wasmtime when the container's OCI runtime spec carries `module.wasm.image/variant`, which
//! CRI-O and Podman copy from the image manifest's annotations. The annotation is also a label
//! in the image config, the only place a docker archive can carry it.

pub use exit_return::exit_return;
mod blobs;
mod containerfile;
mod exit_return;
mod layout;
mod provenance;
mod reference;
mod tarball;

pub use containerfile::{HEADER as CONTAINERFILE_HEADER, containerfile};
pub use provenance::{Provenance, rfc3339};
pub use reference::{Reference, name_from};

use std::path::{Path, PathBuf};

use serde::Serialize;

/// The annotation crun's Wasm handler looks for, and its value.
pub const VARIANT_ANNOTATION: (&str, &str) = ("module.wasm.image/variant", "compat-smart");

/// How the image is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// A tar of an OCI image layout (`skopeo copy oci-archive:…`, `ctr image import`).
    OciArchive,
    /// An OCI image layout folder (`umoci`, `skopeo copy oci:…`).
    OciDir,
    /// `docker save`'s format (`docker load`, `podman load`).
    DockerArchive,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::OciArchive => "oci-archive",
            Format::OciDir => "oci-dir",
            Format::DockerArchive => "docker-archive",
        }
    }
}

/// What goes into the image.
#[derive(Debug, Clone)]
pub struct ImageRequest {
    /// The module's bytes (checked to be wasm).
    pub module: Vec<u8>,
    /// The file name in the image's root, e.g. `hello.wasm`.
    pub file_name: String,
    pub reference: Reference,
    pub provenance: Provenance,
}

impl ImageRequest {
    /// An image of `module` at `/<stem>.wasm`, with the provenance of the folder `origin` (and
    /// `$SOURCE_DATE_EPOCH`, when set).
    pub fn new(module: Vec<u8>, stem: &str, reference: Reference, origin: &Path) -> ImageRequest {
        ImageRequest {
            module,
            file_name: format!("{stem}.wasm"),
            reference,
            provenance: Provenance::of(origin, std::env::var("SOURCE_DATE_EPOCH").ok().as_deref()),
        }
    }
}

/// For a project folder or a module file: the folder its provenance is read from, and the
/// image's default name (the project's or the file's, see [`name_from`]).
pub fn origin_and_name(input: &Path) -> (PathBuf, String) {
    if input.is_dir() {
        // `.` has no name of its own: the folder's real name is the project's.
        let dir = input.canonicalize().unwrap_or_else(|_| input.to_path_buf());
        let name = crate::build::project_name(&dir);
        (input.to_path_buf(), name_from(&name))
    } else {
        let stem = input
            .file_stem()
            .map_or("module".into(), |s| s.to_string_lossy().into_owned());
        (parent_of(input), name_from(&stem))
    }
}

/// The folder holding `path`: `.` for a bare file name.
pub fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// What was written.
#[derive(Debug, Clone, Serialize)]
pub struct ImageSummary {
    pub path: PathBuf,
    pub format: Format,
    pub reference: String,
    pub entrypoint: Vec<String>,
    pub platform: String,
    /// The manifest's digest (`sha256:…`), the image's identity.
    pub manifest_digest: String,
    pub config_digest: String,
    pub layer_digest: String,
    /// Bytes written.
    pub size: u64,
}

/// Why no image was written.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    #[error("{0}")]
    NotWasm(String),
    #[error(
        "the module's target is {0}, but the runtimes behind crun and containerd (WasmEdge, wasmtime) run WASI preview 1 commands: build with --target wasip1"
    )]
    NotWasi(&'static str),
    #[error(
        "the module has no `_start` ({0}), and a container runs a command: build the main package without -buildmode=c-shared, or call the exports with gowasm run --invoke"
    )]
    NotCommand(&'static str),
    #[error("{path} exists and is not an image archive gowasm would replace: choose another -o")]
    WouldOverwrite { path: PathBuf },
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// What `gowasm image` and the workbench's `i` ask for.
#[derive(Debug, Clone)]
pub struct Export<'a> {
    /// The module file (binary or `.wat`).
    pub module: &'a Path,
    /// The project folder or module file it came from: the provenance and the default name.
    pub input: &'a Path,
    /// `NAME:TAG`; by default the input's name, tag latest.
    pub name: Option<&'a str>,
    /// Make `exit(0)` return from `_start` (see [`exit_return`]).
    pub exit_return: bool,
    pub format: Format,
    pub out: &'a Path,
}

/// Reads the module and writes its image: the one sequence behind `gowasm image` and the
/// workbench's `i`. Also gives the request, for a Containerfile of the same image.
pub fn export(e: &Export) -> Result<(ImageSummary, ImageRequest), String> {
    let (origin, stem) = origin_and_name(e.input);
    let reference: Reference = e.name.unwrap_or(&stem).parse()?;
    let mut module = crate::engine::read_module(e.module)?.to_vec();
    if e.exit_return {
        module = exit_return(&module).map_err(|err| format!("{}: {err}", e.module.display()))?;
    }
    let request = ImageRequest::new(module, &stem, reference, &origin);
    let summary = write_image(&request, e.format, e.out).map_err(|err| err.to_string())?;
    Ok((summary, request))
}

/// Builds the image's blobs and writes them to `out` in `format`: atomically, so a failure
/// leaves nothing behind and an existing archive is replaced only when the new one is whole.
pub fn write_image(
    request: &ImageRequest,
    format: Format,
    out: &Path,
) -> Result<ImageSummary, ImageError> {
    let report = crate::inspect::inspect_headers(&request.module)
        .map_err(|e| ImageError::NotWasm(e.to_string()))?;
    if report.target != crate::inspect::Target::Wasip1 {
        return Err(ImageError::NotWasi(report.target.label()));
    }
    use crate::inspect::triage::{Entry, triage};
    match triage(&report).map(|needs| needs.entry) {
        Ok(Entry::Reactor) => {
            return Err(ImageError::NotCommand(
                "it is a reactor: `_initialize` and exports",
            ));
        }
        Ok(Entry::Library) => return Err(ImageError::NotCommand("only exports")),
        _ => {}
    }
    let blobs = blobs::build(request, format == Format::DockerArchive);
    let size = layout::write(&blobs, request, format, out)?;
    Ok(ImageSummary {
        path: out.to_path_buf(),
        format,
        reference: request.reference.to_string(),
        entrypoint: blobs.entrypoint.clone(),
        platform: "wasi/wasm".into(),
        manifest_digest: blobs.manifest.digest.clone(),
        config_digest: blobs.config.digest.clone(),
        layer_digest: blobs.layer.digest.clone(),
        size,
    })
}
