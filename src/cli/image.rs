//! `gowasm image`: the module as an OCI image for containerd and crun, without a daemon.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use super::source::{self, BuildOptions};
use crate::engine::human_bytes;
use crate::image::{self, Format, ImageRequest, Reference};

#[derive(Debug, Args)]
pub struct ImageArgs {
    /// A .wasm file or a Go project folder (built first)
    pub input: PathBuf,
    /// Where to write the image (a file, or a folder for oci-dir)
    #[arg(long, short)]
    pub output: PathBuf,
    /// The image's name and tag [default: the project's or file's name, tag latest]
    #[arg(long, value_name = "NAME:TAG")]
    pub name: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::OciArchive)]
    pub format: Format,
    /// Also write OUTPUT.Containerfile, the same image for buildah, and print the buildah command
    #[arg(long)]
    pub containerfile: bool,
    /// Go modules: make exit(0) return from _start instead of calling proc_exit(0), so crun's
    /// Wasm handlers report success (they report 1 for any proc_exit); other codes still give 1
    #[arg(long)]
    pub exit_return: bool,
    /// Print what was written as JSON
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub build: BuildOptions,
}

impl ImageArgs {
    pub fn run(mut self) -> ExitCode {
        // `out/` and `out` are the same place (and OUT.Containerfile goes beside it, not in it).
        self.output = self.output.components().collect();
        if let Some(parent) = self.output.parent()
            && !parent.as_os_str().is_empty()
            && !parent.is_dir()
        {
            return super::fail(format!(
                "{}: the folder {} does not exist (create it, or choose another -o)",
                self.output.display(),
                parent.display()
            ));
        }
        let (origin, stem) = image::origin_and_name(&self.input);
        let reference: Reference = match self.name.as_deref().unwrap_or(&stem).parse() {
            Ok(r) => r,
            Err(e) => return super::fail(e),
        };
        if let Err(e) = self.build.one_toolchain("gowasm image") {
            return super::fail(e);
        }
        // Images are for WASI runtimes: TinyGo's default `-target wasm` needs a JavaScript host.
        let mut build = self.build.clone();
        build.target.get_or_insert_with(|| "wasip1".into());
        let resolved = match source::resolve_or_exit(&self.input, &build) {
            Ok(r) => r,
            Err(code) => return code,
        };
        let module = match std::fs::read(&resolved.module)
            .map_err(|e| format!("cannot read {}: {e}", resolved.module.display()))
            .and_then(|raw| {
                crate::inspect::binary_from_file_contents(raw)
                    .map_err(|e| format!("{}: {e}", resolved.module.display()))
            }) {
            Ok(m) => m,
            Err(e) => return super::fail(e),
        };
        let module = if self.exit_return {
            match image::exit_return(&module) {
                Ok(m) => m,
                Err(e) => return super::fail(format!("{}: {e}", resolved.module.display())),
            }
        } else {
            module
        };
        let request = ImageRequest::new(module, &stem, reference, &origin);
        let containerfile_path = {
            let mut p = self.output.clone().into_os_string();
            p.push(".Containerfile");
            PathBuf::from(p)
        };
        if self.containerfile && !replaceable_containerfile(&containerfile_path) {
            return super::fail(format!(
                "{} exists and gowasm did not write it: choose another -o",
                containerfile_path.display()
            ));
        }
        let summary = match image::write_image(&request, self.format, &self.output) {
            Ok(s) => s,
            Err(e) => return super::fail(e),
        };
        if self.containerfile {
            let context = image::parent_of(&resolved.module);
            let context = context.canonicalize().unwrap_or(context);
            let module_file = resolved
                .module
                .file_name()
                .map_or(String::new(), |n| n.to_string_lossy().into_owned());
            let text = image::containerfile(
                &request,
                &context.to_string_lossy(),
                &module_file,
                &containerfile_path.to_string_lossy(),
            );
            if let Err(e) = std::fs::write(&containerfile_path, &text) {
                return super::fail(format!(
                    "cannot write {}: {e}",
                    containerfile_path.display()
                ));
            }
            if !self.json {
                eprintln!(
                    "gowasm: wrote {}; build it with:\n{}",
                    containerfile_path.display(),
                    text.lines().nth(1).unwrap_or("").trim_start_matches("# ")
                );
            }
        }
        if self.json {
            let mut doc = serde_json::to_value(&summary).expect("serializable");
            doc["build"] = serde_json::to_value(&resolved.build).expect("serializable");
            println!(
                "{}",
                serde_json::to_string_pretty(&doc).expect("serializable")
            );
        } else {
            eprintln!(
                "gowasm: wrote {} ({}, {}, {}): entrypoint {:?}, platform {}, manifest {}",
                summary.path.display(),
                summary.format.name(),
                summary.reference,
                human_bytes(summary.size),
                summary.entrypoint,
                summary.platform,
                summary.manifest_digest
            );
            println!("{}", summary.path.display());
        }
        ExitCode::SUCCESS
    }
}

/// A Containerfile may be (re)written where there is none, or where gowasm wrote the last one.
fn replaceable_containerfile(path: &Path) -> bool {
    match std::fs::read_to_string(path) {
        Ok(text) => text.starts_with(image::CONTAINERFILE_HEADER),
        Err(e) => e.kind() == std::io::ErrorKind::NotFound,
    }
}
