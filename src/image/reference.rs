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

impl FromStr for Reference {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        // A colon after the last slash starts the tag (one before it is a registry's port).
        let (name, tag) = match s.rfind(':') {
            Some(i) if !s[i..].contains('/') => (&s[..i], &s[i + 1..]),
            _ => (s, "latest"),
        };
        let name_ok = !name.is_empty()
            && name.split('/').all(|part| {
                !part.is_empty()
                    && part
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-:".contains(c))
                    && part.starts_with(|c: char| c.is_ascii_alphanumeric())
            });
        if !name_ok {
            return Err(format!(
                "{s:?} is not an image name: use lowercase letters, digits, '.', '_', '-' and '/', as in hello or team/hello:v1"
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

/// A default image name from a project or file name: lowercased, other characters as '-'.
pub fn name_from(stem: &str) -> String {
    let name: String = stem
        .to_ascii_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    let name = name.trim_start_matches(|c: char| !c.is_ascii_alphanumeric());
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
