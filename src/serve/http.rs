//! Just enough HTTP/1.1 for a page, its scripts and modules, one event stream and the page's
//! reports: a request line and headers, a body by `Content-Length`, and a response written
//! whole (or, for the event stream, left open). Every response closes its connection.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;

/// The most a request's head or body may take.
const MAX_HEAD: usize = 16 << 10;
const MAX_BODY: usize = 1 << 20;

/// A request as the server needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    /// The path, percent-decoded, without the query.
    pub path: String,
    pub query: String,
    /// The `Host` and `Origin` headers, if there were.
    pub host: Option<String>,
    pub origin: Option<String>,
    pub body: Vec<u8>,
}

/// Reads one request from `stream`; `None` for anything that is not one.
pub fn read_request(stream: &TcpStream) -> Option<Request> {
    // Bounded: a client that never ends a line cannot make it grow.
    let limit = (MAX_HEAD + MAX_BODY) as u64;
    let mut reader = BufReader::new(stream.try_clone().ok()?.take(limit));
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?;
    let (raw_path, query) = target.split_once('?').unwrap_or((target, ""));
    let path = percent_decode(raw_path)?;
    let mut length = 0usize;
    let mut host = None;
    let mut origin = None;
    let mut head = line.len();
    loop {
        let mut header = String::new();
        let n = reader.read_line(&mut header).ok()?;
        head += n;
        if n == 0 || head > MAX_HEAD {
            return None;
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok()?;
            } else if name.eq_ignore_ascii_case("host") {
                host = Some(value.trim().to_string());
            } else if name.eq_ignore_ascii_case("origin") {
                origin = Some(value.trim().to_string());
            }
        }
    }
    if length > MAX_BODY {
        return None;
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Request {
        method,
        path,
        query: query.to_string(),
        host,
        origin,
        body,
    })
}

/// Whether a request's `Origin` (a browser sends it with every POST) is a page of this
/// server's, on `port`: a page elsewhere must not post output as the program's.
pub fn local_origin(origin: Option<&str>, port: u16) -> bool {
    match origin {
        None => true,
        Some(o) => o
            .strip_prefix("http://")
            .is_some_and(|host| local_host(Some(host), port)),
    }
}

/// Whether a request's `Host` names this machine's server on `port` (and not some other name
/// that resolves to 127.0.0.1: a page elsewhere must not read the project through DNS
/// rebinding). A request without one (not a browser's) is let through.
pub fn local_host(host: Option<&str>, port: u16) -> bool {
    let Some(host) = host else { return true };
    let (name, p) = host.rsplit_once(':').unwrap_or((host, "80"));
    p.parse() == Ok(port) && matches!(name, "127.0.0.1" | "localhost")
}

/// `%2F` and the like decoded; `None` for a broken escape or bytes that are not UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Writes a whole response.
pub fn respond(
    stream: &TcpStream,
    status: u16,
    content_type: &str,
    extra_headers: &[(&str, String)],
    body: &[u8],
) -> std::io::Result<()> {
    respond_head(stream, status, content_type, extra_headers, body)?;
    let mut stream = stream;
    stream.write_all(body)?;
    stream.flush()
}

/// Writes a response's head only, as a `HEAD` gets it: the length is the body's.
pub fn respond_head(
    mut stream: &TcpStream,
    status: u16,
    content_type: &str,
    extra_headers: &[(&str, String)],
    body: &[u8],
) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n",
        reason(status),
        body.len()
    );
    for (name, value) in extra_headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.flush()
}

/// Starts an event stream (`text/event-stream`); events follow with [`event`].
pub fn start_events(mut stream: &TcpStream) -> std::io::Result<()> {
    stream.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
    )?;
    stream.flush()
}

/// One server-sent event: `name` and its data, one line.
pub fn event(mut stream: &TcpStream, name: &str, data: &str) -> std::io::Result<()> {
    let data = data.replace('\n', "\ndata: ");
    stream.write_all(format!("event: {name}\ndata: {data}\n\n").as_bytes())?;
    stream.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        403 => "Forbidden",
        421 => "Misdirected Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        503 => "Service Unavailable",
        _ => "Error",
    }
}

/// A file's type by its extension.
pub fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "wasm" => "application/wasm",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_decode_and_broken_ones_are_refused() {
        assert_eq!(percent_decode("/a%20b/%2e%2e").as_deref(), Some("/a b/.."));
        assert_eq!(percent_decode("/%zz"), None);
        assert_eq!(percent_decode("/%4"), None);
        assert_eq!(percent_decode("/%ff"), None);
    }

    #[test]
    fn only_this_machine_s_names_for_the_server() {
        assert!(local_host(Some("127.0.0.1:8080"), 8080));
        assert!(local_host(Some("localhost:8080"), 8080));
        assert!(local_host(None, 8080));
        assert!(!local_host(Some("evil.example:8080"), 8080));
        assert!(!local_host(Some("127.0.0.1:8081"), 8080));
        assert!(!local_host(Some("127.0.0.1"), 8080));
        assert!(local_origin(Some("http://localhost:8080"), 8080));
        assert!(local_origin(None, 8080));
        assert!(!local_origin(Some("https://evil.example"), 8080));
        assert!(!local_origin(Some("null"), 8080));
    }

    #[test]
    fn types_by_extension() {
        assert_eq!(content_type("/main.wasm"), "application/wasm");
        assert_eq!(content_type("/INDEX.HTML"), "text/html; charset=utf-8");
        assert_eq!(content_type("/x"), "application/octet-stream");
    }
}
