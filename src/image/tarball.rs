//! Tar archives that depend only on their contents: entries sorted by path, one fixed time,
//! owner 0:0 by number with no names, fixed modes.

/// One file or folder in an archive.
pub struct Entry<'a> {
    pub path: String,
    pub data: &'a [u8],
    pub mode: u32,
    pub dir: bool,
}

impl<'a> Entry<'a> {
    pub fn file(path: impl Into<String>, data: &'a [u8], mode: u32) -> Entry<'a> {
        Entry {
            path: path.into(),
            data,
            mode,
            dir: false,
        }
    }

    pub fn dir(path: impl Into<String>) -> Entry<'a> {
        Entry {
            path: path.into(),
            data: &[],
            mode: 0o755,
            dir: true,
        }
    }
}

/// A ustar archive of `entries`, sorted by path, every entry dated `mtime` (Unix seconds).
pub fn archive(mut entries: Vec<Entry<'_>>, mtime: u64) -> std::io::Result<Vec<u8>> {
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    let mut builder = tar::Builder::new(Vec::new());
    for e in &entries {
        let mut header = tar::Header::new_ustar();
        header.set_path(&e.path)?;
        header.set_size(e.data.len() as u64);
        header.set_mode(e.mode);
        header.set_mtime(mtime);
        header.set_uid(0);
        header.set_gid(0);
        header.set_entry_type(if e.dir {
            tar::EntryType::Directory
        } else {
            tar::EntryType::Regular
        });
        header.set_cksum();
        builder.append(&header, e.data)?;
    }
    builder.into_inner()
}

/// gzip with no name and no time in its header, so equal input gives equal output.
pub fn gzip(data: &[u8]) -> std::io::Result<Vec<u8>> {
    use std::io::Write;
    let mut encoder = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::default());
    encoder.write_all(data)?;
    encoder.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_files_in_any_order_give_the_same_bytes() {
        let a = archive(
            vec![Entry::file("b.wasm", b"bbb", 0o755), Entry::dir("a/")],
            1_700_000_000,
        )
        .unwrap();
        let b = archive(
            vec![Entry::dir("a/"), Entry::file("b.wasm", b"bbb", 0o755)],
            1_700_000_000,
        )
        .unwrap();
        assert_eq!(a, b);
        let mut read = tar::Archive::new(&a[..]);
        let entries: Vec<(String, u64, u32, u64)> = read
            .entries()
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                let h = e.header();
                (
                    e.path().unwrap().display().to_string(),
                    h.mtime().unwrap(),
                    h.mode().unwrap(),
                    h.uid().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            entries,
            [
                ("a/".to_string(), 1_700_000_000, 0o755, 0),
                ("b.wasm".to_string(), 1_700_000_000, 0o755, 0)
            ]
        );
        assert_eq!(gzip(&a).unwrap(), gzip(&b).unwrap());
    }
}
