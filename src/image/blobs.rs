//! The image's three blobs (layer, config, manifest), made with oci-spec's types and written as
//! canonical JSON (keys sorted, no spaces), so their digests depend only on what they say.

use std::collections::HashMap;
use std::str::FromStr;

use oci_spec::image::{
    Arch, ConfigBuilder, Descriptor, DescriptorBuilder, Digest, HistoryBuilder,
    ImageConfigurationBuilder, ImageManifestBuilder, MediaType, Os, PlatformBuilder, RootFsBuilder,
};
use sha2::{Digest as _, Sha256};

use super::tarball::{self, Entry};
use super::{ImageRequest, VARIANT_ANNOTATION, rfc3339};

/// One content-addressed blob.
pub struct Blob {
    pub bytes: Vec<u8>,
    /// `sha256:…`
    pub digest: String,
}

impl Blob {
    fn new(bytes: Vec<u8>) -> Blob {
        Blob {
            digest: sha256(&bytes),
            bytes,
        }
    }

    fn descriptor(&self, media_type: MediaType) -> Descriptor {
        DescriptorBuilder::default()
            .media_type(media_type)
            .digest(Digest::from_str(&self.digest).expect("a sha256 digest"))
            .size(self.bytes.len() as u64)
            .build()
            .expect("every required field is set")
    }
}

pub struct Blobs {
    /// The layer as stored: gzip for OCI, plain tar for a docker archive.
    pub layer: Blob,
    pub config: Blob,
    pub manifest: Blob,
    pub entrypoint: Vec<String>,
    /// The manifest's annotations, for the index entry too.
    pub annotations: HashMap<String, String>,
}

pub fn sha256(bytes: &[u8]) -> String {
    format!("sha256:{:x}", Sha256::digest(bytes))
}

/// The blobs for `request`; `plain_layer` stores the layer uncompressed (docker archives).
pub fn build(request: &ImageRequest, plain_layer: bool) -> Blobs {
    let created = rfc3339(request.provenance.created);
    let layer_tar = tarball::archive(
        vec![Entry::file(&request.file_name, &request.module, 0o755)],
        request.provenance.created,
    )
    .expect("a tar in memory");
    let diff_id = sha256(&layer_tar);
    let layer = Blob::new(if plain_layer {
        layer_tar
    } else {
        tarball::gzip(&layer_tar).expect("gzip in memory")
    });
    let entrypoint = vec![format!("/{}", request.file_name)];

    let config = Blob::new(canonical_json(&image_config(
        request,
        &entrypoint,
        &created,
        diff_id,
    )));

    let annotations = annotations(request, created);
    let layer_type = if plain_layer {
        MediaType::ImageLayer
    } else {
        MediaType::ImageLayerGzip
    };
    let manifest = ImageManifestBuilder::default()
        .schema_version(2u32)
        .media_type(MediaType::ImageManifest)
        .config(config.descriptor(MediaType::ImageConfig))
        .layers(vec![layer.descriptor(layer_type)])
        .annotations(annotations.clone())
        .build()
        .expect("every required field is set");
    let manifest = Blob::new(canonical_json(&manifest));
    Blobs {
        layer,
        config,
        manifest,
        entrypoint,
        annotations,
    }
}

/// The descriptor of the manifest, as an index lists it: with the platform and the annotations
/// tools read from an index (`ref.name` for skopeo and umoci, `io.containerd.image.name` for
/// `ctr image import`).
pub fn manifest_entry(blobs: &Blobs, reference: &super::Reference) -> Descriptor {
    let mut annotations = blobs.annotations.clone();
    annotations.insert(
        "org.opencontainers.image.ref.name".into(),
        reference.tag.clone(),
    );
    annotations.insert("io.containerd.image.name".into(), reference.normalized());
    let mut d = blobs.manifest.descriptor(MediaType::ImageManifest);
    d.set_platform(Some(
        PlatformBuilder::default()
            .architecture(Arch::Wasm)
            .os(Os::Other("wasi".into()))
            .build()
            .expect("every required field is set"),
    ));
    d.set_annotations(Some(annotations));
    d
}

/// JSON with every object's keys sorted: oci-spec keeps maps in `HashMap`s, whose order changes
/// from run to run.
pub fn canonical_json(value: &impl serde::Serialize) -> Vec<u8> {
    fn sorted(v: serde_json::Value) -> serde_json::Value {
        match v {
            serde_json::Value::Object(map) => {
                let mut entries: Vec<(String, serde_json::Value)> = map.into_iter().collect();
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                serde_json::Value::Object(
                    entries.into_iter().map(|(k, v)| (k, sorted(v))).collect(),
                )
            }
            serde_json::Value::Array(items) => {
                serde_json::Value::Array(items.into_iter().map(sorted).collect())
            }
            other => other,
        }
    }
    let value = serde_json::to_value(value).expect("oci-spec types serialize");
    serde_json::to_vec(&sorted(value)).expect("JSON values serialize")
}

/// The image's configuration: the platform, the entrypoint, the annotation as a label, the
/// layer's diff id and the history line.
fn image_config(
    request: &ImageRequest,
    entrypoint: &[String],
    created: &str,
    diff_id: String,
) -> oci_spec::image::ImageConfiguration {
    let labels = HashMap::from([(
        VARIANT_ANNOTATION.0.to_string(),
        VARIANT_ANNOTATION.1.to_string(),
    )]);
    ImageConfigurationBuilder::default()
        .created(created.to_string())
        .architecture(Arch::Wasm)
        .os(Os::Other("wasi".into()))
        .config(
            ConfigBuilder::default()
                .entrypoint(entrypoint.to_vec())
                .labels(labels)
                .build()
                .expect("every required field is set"),
        )
        .rootfs(
            RootFsBuilder::default()
                .typ("layers")
                .diff_ids(vec![diff_id])
                .build()
                .expect("every required field is set"),
        )
        .history(vec![
            HistoryBuilder::default()
                .created(created.to_string())
                .created_by(format!(
                    "gowasm image: COPY {} / ; ENTRYPOINT {entrypoint:?}",
                    request.file_name
                ))
                .build()
                .expect("every required field is set"),
        ])
        .build()
        .expect("every required field is set")
}

/// The manifest's annotations: crun's variant, when and from where the image was made.
fn annotations(request: &ImageRequest, created: String) -> HashMap<String, String> {
    let mut annotations = HashMap::from([
        (
            VARIANT_ANNOTATION.0.to_string(),
            VARIANT_ANNOTATION.1.to_string(),
        ),
        ("org.opencontainers.image.created".to_string(), created),
        (
            "org.opencontainers.image.title".to_string(),
            request.file_name.clone(),
        ),
    ]);
    if let Some(source) = &request.provenance.source {
        annotations.insert("org.opencontainers.image.source".into(), source.clone());
    }
    if let Some(revision) = &request.provenance.revision {
        annotations.insert("org.opencontainers.image.revision".into(), revision.clone());
    }
    annotations
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_come_out_sorted_whatever_their_order() {
        let a: HashMap<&str, u32> = (0..50)
            .map(|i| (["k", "a", "z"][i % 3], i as u32))
            .collect();
        let json = String::from_utf8(canonical_json(&a)).unwrap();
        let keys: Vec<usize> = ["\"a\"", "\"k\"", "\"z\""]
            .iter()
            .map(|k| json.find(k).unwrap())
            .collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "{json}");
    }
}
