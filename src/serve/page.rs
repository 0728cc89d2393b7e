//! What a GET gets: gowasm's client script, the `wasm_exec.js` and the module of the last good
//! build, the project's files (its pages with the client put in), or gowasm's own page.

use super::Shared;
use super::files::{self, Found};
use super::http::content_type;

const CLIENT: &str = include_str!("assets/client.js");
const OWN_PAGE: &str = include_str!("assets/index.html");
/// Where the client script is served; pages get a `<script>` for it first thing.
pub const CLIENT_PATH: &str = "/__gowasm/client.js";
/// The program's arguments and environment, for gowasm's own page.
pub const ARGS_PATH: &str = "/__gowasm/args";

type Response = (u16, &'static str, Vec<(&'static str, String)>, Vec<u8>);

/// The response to a GET of `path`.
pub(super) fn get(shared: &Shared, path: &str) -> Response {
    if path == ARGS_PATH {
        return args(shared);
    }
    if path == CLIENT_PATH {
        let number = shared.lock().number;
        let client = CLIENT.replacen(
            "const GOWASM_BUILD = 0;",
            &format!("const GOWASM_BUILD = {number};"),
            1,
        );
        return (200, content_type(path), vec![], client.into_bytes());
    }
    let file_name = path.rsplit('/').next().unwrap_or("");
    if file_name == "wasm_exec.js" || file_name.ends_with(".wasm") {
        return of_build(shared, path);
    }
    match files::find(&shared.config.root, path) {
        Found::File(file) => match std::fs::read(&file) {
            Ok(bytes) if is_html(&file.to_string_lossy()) => (
                200,
                content_type(&file.to_string_lossy()),
                vec![],
                with_client(&String::from_utf8_lossy(&bytes)).into_bytes(),
            ),
            Ok(bytes) => (200, content_type(&file.to_string_lossy()), vec![], bytes),
            Err(e) => text(404, format!("cannot read {path}: {e}\n")),
        },
        Found::Refused => text(403, format!("{path} is not the project's to serve\n")),
        Found::Missing if path == "/" || path == "/index.html" => {
            let page = OWN_PAGE.replace("NAME", &html_escape(&shared.config.name));
            (
                200,
                content_type("x.html"),
                vec![],
                with_client(&page).into_bytes(),
            )
        }
        Found::Missing => text(404, format!("{path}: no such file in the project\n")),
    }
}

fn text(status: u16, message: String) -> Response {
    (
        status,
        "text/plain; charset=utf-8",
        vec![],
        message.into_bytes(),
    )
}

/// The program's arguments and environment, for gowasm's own page.
fn args(shared: &Shared) -> Response {
    let env: serde_json::Map<String, serde_json::Value> = shared
        .config
        .env
        .iter()
        .map(|(k, v)| (k.clone(), v.clone().into()))
        .collect();
    let args = serde_json::json!({"argv": shared.config.argv, "env": env});
    (
        200,
        "application/json",
        vec![],
        args.to_string().into_bytes(),
    )
}

/// The build's `wasm_exec.js` (the toolchain's own, whatever copy the project keeps: one of
/// another release breaks), or its module (whatever `.wasm` a page asks for). Before the first
/// good build, the request waits for it (a while).
fn of_build(shared: &Shared, path: &str) -> Response {
    let build = shared.lock().build.clone().or_else(|| first_build(shared));
    let Some(build) = build else {
        return text(
            503,
            "gowasm: no good build yet; the page reloads when one is\n".into(),
        );
    };
    if path.ends_with("wasm_exec.js") {
        (
            200,
            content_type(path),
            vec![("X-Gowasm-Toolchain", build.toolchain.clone())],
            build.wasm_exec.clone(),
        )
    } else {
        (200, content_type(path), vec![], build.wasm.clone())
    }
}

/// How long a request for the build waits for the first good one.
const FIRST_BUILD_WAIT: std::time::Duration = std::time::Duration::from_secs(120);

/// The first good build, once there is one (or nothing, after [`FIRST_BUILD_WAIT`]).
fn first_build(shared: &Shared) -> Option<std::sync::Arc<super::Build>> {
    let state = shared.lock();
    let (state, _) = shared
        .changed
        .wait_timeout_while(state, FIRST_BUILD_WAIT, |s| s.build.is_none() && !s.closing)
        .unwrap_or_else(|p| p.into_inner());
    state.build.clone()
}

fn is_html(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".html") || lower.ends_with(".htm")
}

/// `html` with the client's `<script>` first in its head (before the page's own scripts, so
/// that it sees `wasm_exec.js` define `Go`).
pub fn with_client(html: &str) -> String {
    let tag = format!("<script src=\"{CLIENT_PATH}\"></script>");
    let lower = html.to_ascii_lowercase();
    let after = |open: &str| -> Option<usize> {
        let start = lower.find(open)?;
        // `<head>` or `<head ...>`, not `<header>`.
        let next = lower.as_bytes().get(start + open.len())?;
        if *next != b'>' && !next.is_ascii_whitespace() {
            return None;
        }
        Some(start + lower[start..].find('>')? + 1)
    };
    match after("<head").or_else(|| after("<html")) {
        Some(at) => format!("{}{tag}{}", &html[..at], &html[at..]),
        None => format!("{tag}{html}"),
    }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_goes_first_in_the_head() {
        let tag = format!("<script src=\"{CLIENT_PATH}\"></script>");
        assert_eq!(
            with_client("<html><HEAD lang=x><script src=wasm_exec.js></script></HEAD></html>"),
            format!("<html><HEAD lang=x>{tag}<script src=wasm_exec.js></script></HEAD></html>")
        );
        assert_eq!(
            with_client("<html><body><header>h</header></body></html>"),
            format!("<html>{tag}<body><header>h</header></body></html>")
        );
        assert_eq!(with_client("<p>bare</p>"), format!("{tag}<p>bare</p>"));
    }
}
