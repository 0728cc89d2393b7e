//! Writing the blobs out: an OCI image layout (as a folder or a tar of it) or a docker archive,
//! atomically, and never over anything but an earlier image.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use oci_spec::image::{ImageIndexBuilder, MediaType, OciLayoutBuilder};
use serde::Serialize;

use super::blobs::{Blobs, canonical_json, manifest_entry};
use super::tarball::{self, Entry};
use super::{Format, ImageError, ImageRequest};

/// The index annotation by which gowasm knows an image it wrote, and may replace.
const WRITTEN_BY: (&str, &str) = ("dev.gowasm.written-by", "gowasm image");

/// Whether an `index.json` is one gowasm wrote.
fn written_by_gowasm(index_json: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(index_json)
        .is_ok_and(|v| v["annotations"][WRITTEN_BY.0] == WRITTEN_BY.1)
}

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
        .annotations(HashMap::from([(
            WRITTEN_BY.0.to_string(),
            WRITTEN_BY.1.to_string(),
        )]))
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
    let parent = super::parent_of(out);
    match format {
        Format::OciDir => {
            let replaces = check_replaceable_dir(out)?;
            // Both guards remove what is left of them if anything below fails.
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
            if replaces {
                let old = tempfile::Builder::new()
                    .prefix(".gowasm-old-image-")
                    .tempdir_in(&parent)
                    .map_err(io)?;
                let old_image = old.path().join("image");
                std::fs::rename(out, &old_image).map_err(io)?;
                if let Err(e) = std::fs::rename(staging.path(), out) {
                    // Put the earlier image back: the user keeps what they had.
                    let _ = std::fs::rename(&old_image, out);
                    return Err(io(e));
                }
            } else {
                std::fs::rename(staging.path(), out).map_err(io)?;
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

/// An existing file may be replaced only if it is an image archive gowasm wrote.
fn check_replaceable_file(out: &Path) -> Result<(), ImageError> {
    let refuse = || {
        Err(ImageError::WouldOverwrite {
            path: out.to_path_buf(),
        })
    };
    match std::fs::symlink_metadata(out) {
        Err(_) => Ok(()),
        Ok(m) if m.is_file() => {
            let index = std::fs::File::open(out).ok().and_then(|f| {
                let mut archive = tar::Archive::new(f);
                let mut entries = archive.entries().ok()?;
                entries.find_map(|e| {
                    let mut e = e.ok()?;
                    if e.path().ok()?.as_os_str() != "index.json" || e.size() > 1 << 20 {
                        return None;
                    }
                    let mut json = vec![];
                    e.read_to_end(&mut json).ok()?;
                    Some(json)
                })
            });
            match index {
                Some(json) if written_by_gowasm(&json) => Ok(()),
                _ => refuse(),
            }
        }
        Ok(_) => refuse(),
    }
}

/// An existing folder may be replaced only if it is empty or an image layout gowasm wrote;
/// returns whether there is one to replace.
fn check_replaceable_dir(out: &Path) -> Result<bool, ImageError> {
    match std::fs::symlink_metadata(out) {
        Err(_) => Ok(false),
        Ok(m) if m.is_dir() => {
            let empty = std::fs::read_dir(out).is_ok_and(|mut d| d.next().is_none());
            let ours = std::fs::read(out.join("index.json")).is_ok_and(|j| written_by_gowasm(&j));
            if empty || ours {
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
