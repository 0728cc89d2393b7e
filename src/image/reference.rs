//! `NAME[:TAG]` as registries accept it.

use std::fmt;
use std::str::FromStr;

/// An image name and tag, e.g. `hello:latest` or `registry.example/team/hello:v1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub name: String,
    pub tag: String,
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.name, self.tag)
    }
}

impl Reference {
    /// The fully qualified name containerd and CRI look images up by:
    /// `hello:latest` is `docker.io/library/hello:latest`, as `docker save` writes it.
    pub fn normalized(&self) -> String {
        let first = self.name.split('/').next().unwrap_or("");
        let has_domain = self.name.contains('/')
            && (first.contains('.') || first.contains(':') || first == "localhost");
        if has_domain {
            self.to_string()
        } else if self.name.contains('/') {
            format!("docker.io/{self}")
        } else {
            format!("docker.io/library/{self}")
        }
    }
}

/// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`: one path component of a repository name.
fn valid_component(c: &str) -> bool {
    let bytes = c.as_bytes();
    if bytes.is_empty() || !is_alnum(bytes[0]) || !is_alnum(bytes[bytes.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < bytes.len() {
        if is_alnum(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && !is_alnum(bytes[i]) {
            i += 1;
        }
        let sep = &c[start..i];
        let ok = sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|b| b == b'-');
        if !ok {
            return false;
        }
    }
    true
}

fn is_alnum(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

/// A registry host, `host(.host)*(:port)?`.
fn valid_domain(d: &str) -> bool {
    let (host, port) = match d.split_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (d, None),
    };
    port.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        && !host.is_empty()
        && host.split('.').all(|part| {
            !part.is_empty()
                && !part.starts_with('-')
                && !part.ends_with('-')
                && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

impl FromStr for Reference {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        // A colon after the last slash starts the tag (one before it is a registry's port).
        let (name, tag) = match s.rfind(':') {
            Some(i) if !s[i..].contains('/') => (&s[..i], &s[i + 1..]),
            _ => (s, "latest"),
        };
        let parts: Vec<&str> = name.split('/').collect();
        let name_ok = name.len() <= 255
            && parts.iter().enumerate().all(|(i, part)| {
                valid_component(part)
                    || (i == 0
                        && parts.len() > 1
                        && valid_domain(part)
                        && part.contains(['.', ':']))
            });
        if !name_ok {
            return Err(format!(
                "{s:?} is not an image name: use lowercase letters and digits, joined by '.', '_' or '-', and '/', as in hello or team/hello:v1"
            ));
        }
        let tag_ok = !tag.is_empty()
            && tag.len() <= 128
            && tag
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
            && !tag.starts_with(['.', '-']);
        if !tag_ok {
            return Err(format!(
                "{tag:?} is not an image tag: use up to 128 letters, digits, '.', '_' and '-'"
            ));
        }
        Ok(Reference {
            name: name.to_string(),
            tag: tag.to_string(),
        })
    }
}

/// A default image (and file) name from a project or file name: lowercase letters and digits,
/// other runs of characters as one '-', at most 64 characters.
pub fn name_from(stem: &str) -> String {
    let mut name = String::new();
    for c in stem.to_ascii_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c);
        } else if !name.is_empty() && !name.ends_with('-') {
            name.push('-');
        }
    }
    name.truncate(64);
    let name = name.trim_end_matches('-');
    if name.is_empty() {
        "module".into()
    } else {
        name.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_tags() {
        let r: Reference = "hello".parse().unwrap();
        assert_eq!(r.to_string(), "hello:latest");
        let r: Reference = "registry.example:5000/team/hello:v1.2".parse().unwrap();
        assert_eq!(
            (r.name.as_str(), r.tag.as_str()),
            ("registry.example:5000/team/hello", "v1.2")
        );
        let r: Reference = "registry.example:5000/hello".parse().unwrap();
        assert_eq!(r.tag, "latest");
        for bad in [
            "", "Hello", "hello:", "a//b", "hello:-x", "/hello", "he llo",
        ] {
            assert!(bad.parse::<Reference>().is_err(), "{bad}");
        }
        assert_eq!(name_from("My Project"), "my-project");
        assert_eq!(name_from("__"), "module");
    }
}
