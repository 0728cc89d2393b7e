//! The Containerfile and buildah command that make the same image, for people who prefer
//! buildah (it needs the module in the build context).

use super::{ImageRequest, VARIANT_ANNOTATION};

/// The Containerfile for `request`, headed by the buildah command that builds it from
/// `context` (the folder holding the module, as `module_file`) with this file as
/// `containerfile_path`.
pub fn containerfile(
    request: &ImageRequest,
    context: &str,
    module_file: &str,
    containerfile_path: &str,
) -> String {
    let name = &request.file_name;
    format!(
        "{HEADER}\n\
         #   buildah build --platform wasi/wasm --annotation {}={} -t {} -f {} {}\n\
         FROM scratch\n\
         LABEL {}={}\n\
         COPY {}\n\
         ENTRYPOINT [\"/{name}\"]\n",
        VARIANT_ANNOTATION.0,
        VARIANT_ANNOTATION.1,
        request.reference,
        shell_word(containerfile_path),
        shell_word(context),
        VARIANT_ANNOTATION.0,
        VARIANT_ANNOTATION.1,
        serde_json::json!([module_file, format!("/{name}")]),
    )
}

/// The first line of every Containerfile gowasm writes, by which it knows one it may replace.
pub const HEADER: &str = "# The image `gowasm image` writes, built with buildah instead:";

/// `s` quoted for a POSIX shell when it needs to be.
fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:@=,".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}
