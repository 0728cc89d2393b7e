//! Writing the blobs out: an OCI image layout (as a folder or a tar of it) or a docker archive,
//! atomically, and never over anything but an earlier image.

use std::path::{Path, PathBuf};

use oci_spec::image::{ImageIndexBuilder, MediaType, OciLayoutBuilder};
use serde::Serialize;

use super::blobs::{Blobs, canonical_json, manifest_entry};
use super::tarball::{self, Entry};
use super::{Format, ImageError, ImageRequest};

/// The files of the image, by path inside the layout or archive.
fn files(blobs: &Blobs, request: &ImageRequest, format: Format) -> Vec<(String, Vec<u8>)> {
    let blob_path = |digest: &str| format!("blobs/sha256/{}", digest.trim_start_matches("sha256:"));
    let layout = OciLayoutBuilder::default()
        .image_layout_version("1.0.0")
        .build()
        .expect("every required field is set");
    let index = ImageIndexBuilder::default()
        .schema_version(2u32)
        .media_type(MediaType::ImageIndex)
        .manifests(vec![manifest_entry(blobs, &request.reference)])
        .build()
        .expect("every required field is set");
    let mut files = vec![
        ("oci-layout".to_string(), canonical_json(&layout)),
        ("index.json".to_string(), canonical_json(&index)),
        (
            blob_path(&blobs.manifest.digest),
            blobs.manifest.bytes.clone(),
        ),
        (blob_path(&blobs.config.digest), blobs.config.bytes.clone()),
        (blob_path(&blobs.layer.digest), blobs.layer.bytes.clone()),
    ];
    if format == Format::DockerArchive {
        // `docker save`'s own index beside the OCI layout, as Docker 25 and later write it.
        #[derive(Serialize)]
        #[serde(rename_all = "PascalCase")]
        struct DockerManifest {
            config: String,
            repo_tags: Vec<String>,
            layers: Vec<String>,
        }
        let manifest = [DockerManifest {
            config: blob_path(&blobs.config.digest),
            repo_tags: vec![request.reference.to_string()],
            layers: vec![blob_path(&blobs.layer.digest)],
        }];
        files.push(("manifest.json".into(), canonical_json(&manifest)));
    }
    files
}

/// Writes the image to `out`; returns the bytes written.
pub fn write(
    blobs: &Blobs,
    request: &ImageRequest,
    format: Format,
    out: &Path,
) -> Result<u64, ImageError> {
    let files = files(blobs, request, format);
    let io = |source: std::io::Error| ImageError::Io {
        path: out.to_path_buf(),
        source,
    };
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    match format {
        Format::OciDir => {
            let replaces = check_replaceable_dir(out)?;
            let staging = tempfile::Builder::new()
                .prefix(".gowasm-image-")
                .tempdir_in(&parent)
                .map_err(io)?;
            let mut size = 0;
            for (path, bytes) in &files {
                let target = staging.path().join(path);
                std::fs::create_dir_all(target.parent().expect("a file in a folder"))
                    .map_err(io)?;
                std::fs::write(&target, bytes).map_err(io)?;
                size += bytes.len() as u64;
            }
            let staged = staging.keep();
            if replaces {
                let old = tempfile::Builder::new()
                    .prefix(".gowasm-old-image-")
                    .tempdir_in(&parent)
                    .map_err(io)?
                    .keep();
                std::fs::rename(out, old.join("image")).map_err(io)?;
                std::fs::rename(&staged, out).map_err(io)?;
                let _ = std::fs::remove_dir_all(old);
            } else {
                std::fs::rename(&staged, out).map_err(io)?;
            }
            Ok(size)
        }
        Format::OciArchive | Format::DockerArchive => {
            check_replaceable_file(out)?;
            let mut entries = vec![Entry::dir("blobs/"), Entry::dir("blobs/sha256/")];
            entries.extend(
                files
                    .iter()
                    .map(|(path, bytes)| Entry::file(path.clone(), bytes, 0o644)),
            );
            let archive = tarball::archive(entries, request.provenance.created).map_err(io)?;
            let mut tmp = tempfile::Builder::new()
                .prefix(".gowasm-image-")
                .tempfile_in(&parent)
                .map_err(io)?;
            std::io::Write::write_all(&mut tmp, &archive).map_err(io)?;
            // A temporary file is private (0600); an image is not.
            use std::os::unix::fs::PermissionsExt;
            tmp.as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o644))
                .map_err(io)?;
            tmp.persist(out).map_err(|e| io(e.error))?;
            Ok(archive.len() as u64)
        }
    }
}

/// An existing file may be replaced only if it is a tar archive (an earlier image).
fn check_replaceable_file(out: &Path) -> Result<(), ImageError> {
    match std::fs::symlink_metadata(out) {
        Err(_) => Ok(()),
        Ok(m) if m.is_file() => {
            let mut head = vec![0u8; 512];
            let n = std::fs::File::open(out)
                .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
                .unwrap_or(0);
            if tarball::looks_like_tar(&head[..n]) {
                Ok(())
            } else {
                Err(ImageError::WouldOverwrite {
                    path: out.to_path_buf(),
                })
            }
        }
        Ok(_) => Err(ImageError::WouldOverwrite {
            path: out.to_path_buf(),
        }),
    }
}

/// An existing folder may be replaced only if it is empty or an image layout; returns whether
/// there is one to replace.
fn check_replaceable_dir(out: &Path) -> Result<bool, ImageError> {
    match std::fs::symlink_metadata(out) {
        Err(_) => Ok(false),
        Ok(m) if m.is_dir() => {
            let empty = std::fs::read_dir(out).is_ok_and(|mut d| d.next().is_none());
            if empty || out.join("oci-layout").is_file() {
                Ok(true)
            } else {
                Err(ImageError::WouldOverwrite {
                    path: out.to_path_buf(),
                })
            }
        }
        Ok(_) => Err(ImageError::WouldOverwrite {
            path: out.to_path_buf(),
        }),
    }
}
