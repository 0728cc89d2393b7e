//! `gowasm image`: the module as an OCI image for containerd and crun, without a daemon.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use super::failure::{Failure, Finished};
use super::source::{self, BuildOptions};
use crate::engine::human_bytes;
use crate::image::{self, Format, Reference};

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
    pub fn run(mut self) -> Finished {
        // `out/` and `out` are the same place (and OUT.Containerfile goes beside it, not in it).
        self.output = self.output.components().collect();
        if let Some(parent) = self.output.parent()
            && !parent.as_os_str().is_empty()
            && !parent.is_dir()
        {
            return Err(format!(
                "{}: the folder {} does not exist (create it, or choose another -o)",
                self.output.display(),
                parent.display()
            )
            .into());
        }
        // The name is checked before anything is built.
        if let Some(name) = &self.name {
            name.parse::<Reference>()?;
        }
        self.build.one_toolchain("gowasm image")?;
        let containerfile_path = {
            let mut p = self.output.clone().into_os_string();
            p.push(".Containerfile");
            PathBuf::from(p)
        };
        if self.containerfile && !replaceable_containerfile(&containerfile_path) {
            return Err(format!(
                "{} exists and gowasm did not write it: choose another -o",
                containerfile_path.display()
            )
            .into());
        }
        // Images are for WASI runtimes: TinyGo's default `-target wasm` needs a JavaScript host.
        let mut build = self.build.clone();
        build.target.get_or_insert_with(|| "wasip1".into());
        let resolved = source::resolve(&self.input, &build)?;
        let (summary, request) = image::export(&image::Export {
            module: &resolved.module,
            input: &self.input,
            name: self.name.as_deref(),
            exit_return: self.exit_return,
            format: self.format,
            out: &self.output,
        })?;
        if self.containerfile {
            self.write_containerfile(&request, &resolved.module, &containerfile_path)?;
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
        Ok(ExitCode::SUCCESS)
    }

    /// OUTPUT.Containerfile: the same image for buildah, from the module's folder.
    fn write_containerfile(
        &self,
        request: &image::ImageRequest,
        module: &Path,
        path: &Path,
    ) -> Result<(), Failure> {
        let context = image::parent_of(module);
        let context = context.canonicalize().unwrap_or(context);
        let module_file = module
            .file_name()
            .map_or(String::new(), |n| n.to_string_lossy().into_owned());
        let text = image::containerfile(
            request,
            &context.to_string_lossy(),
            &module_file,
            &path.to_string_lossy(),
        );
        std::fs::write(path, &text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        if !self.json {
            eprintln!(
                "gowasm: wrote {}; build it with:\n{}",
                path.display(),
                text.lines().nth(1).unwrap_or("").trim_start_matches("# ")
            );
        }
        Ok(())
    }
}

/// A Containerfile may be (re)written where there is none, or where gowasm wrote the last one.
fn replaceable_containerfile(path: &Path) -> bool {
    match std::fs::read_to_string(path) {
        Ok(text) => text.starts_with(image::CONTAINERFILE_HEADER),
        Err(e) => e.kind() == std::io::ErrorKind::NotFound,
    }
}
