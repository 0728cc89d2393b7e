//! The browser lane: `gowasm serve` with a real headless Chromium, driven through the DevTools
//! protocol: a DOM program's page, its output back in gowasm, a save that reloads it, a failed
//! build said on the page, and the server's refusals.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use common::cdp::Chromium;
use common::*;
use serde_json::Value;

/// A `gowasm serve --json` process and its events.
struct Serve {
    child: Child,
    events: Receiver<Value>,
    seen: Vec<Value>,
    url: String,
}

impl Serve {
    fn start(dir: &Path, extra: &[&str]) -> Serve {
        let mut c = gowasm();
        c.args(["serve", "--json", "--port", "0"])
            .args(extra)
            .arg(dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        let mut child = c.spawn().expect("gowasm serve starts");
        let stdout = child.stdout.take().unwrap();
        let (tx, events) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let v: Value =
                    serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
                if tx.send(v).is_err() {
                    break;
                }
            }
        });
        let mut serve = Serve {
            child,
            events,
            seen: vec![],
            url: String::new(),
        };
        let listening = serve.wait(|e| e["serve"] == "listening", Duration::from_secs(60));
        serve.url = listening["url"].as_str().unwrap().to_string();
        serve
    }

    /// The next event (after those already seen) for which `ok` holds.
    fn wait(&mut self, ok: impl Fn(&Value) -> bool, within: Duration) -> Value {
        let deadline = Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.events.recv_timeout(left) {
                Ok(e) => {
                    self.seen.push(e.clone());
                    if ok(&e) {
                        return e;
                    }
                }
                Err(_) => panic!("no such event within {within:?}; seen: {:#?}", self.seen),
            }
        }
    }

    /// The next output of the page's program on `stream` holding `needle`.
    fn output(&mut self, stream: &str, needle: &str) -> Value {
        self.wait(
            |e| {
                e["serve"] == "browser"
                    && e["event"]["kind"] == stream
                    && e["event"]["text"]
                        .as_str()
                        .is_some_and(|t| t.contains(needle))
            },
            Duration::from_secs(60),
        )
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A copy of samples/dom to edit.
fn dom_project() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("dom");
    common::watch::copy_dir(&sample("dom"), &dir);
    (tmp, dir)
}

const APP_TEXT: &str =
    "document.getElementById('app') && document.getElementById('app').textContent";

/// A Chromium showing the DOM sample's page: its text is in the page, and its stdout came back.
fn open_dom_page(serve: &mut Serve) -> Chromium {
    let mut browser = Chromium::launch();
    browser.open(&serve.url);
    browser.wait_for(
        APP_TEXT,
        |v| v == "Hello from Go, in the DOM",
        Duration::from_secs(30),
    );
    serve.output("stdout", "wrote: Hello from Go, in the DOM");
    browser
}

/// The DOM sample in the browser from `toolchain`; a save that reloads it; a failed build.
fn serve_reload_and_fail(toolchain: &str) {
    if toolchain == "tinygo" {
        tinygo();
    }
    let (_tmp, dir) = dom_project();
    let mut serve = Serve::start(&dir, &["--toolchain", toolchain]);
    let published = serve.wait(|e| e["serve"] == "published", Duration::from_secs(120));
    assert!(
        published["toolchain"]
            .as_str()
            .unwrap()
            .starts_with(toolchain),
        "{published}"
    );
    // The program wrote into the page, and its stdout came back to gowasm.
    let mut browser = open_dom_page(&mut serve);
    // The page as Chromium shows it (the README's picture: GOWASM_SCREENSHOT=assets/serve-dom.png).
    let png = browser.screenshot();
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 2000,
        "a PNG"
    );
    if let Some(path) = std::env::var_os("GOWASM_SCREENSHOT").filter(|_| toolchain == "tinygo") {
        std::fs::write(path, &png).unwrap();
    }
    serve.wait(
        |e| e["serve"] == "browser" && e["event"]["kind"] == "exit" && e["event"]["code"] == 0,
        Duration::from_secs(30),
    );
    // A save: the page reloads and shows the new message; the time from the save is said.
    let main_go = dir.join("main.go");
    let source = std::fs::read_to_string(&main_go).unwrap();
    std::fs::write(&main_go, source.replace("Hello from Go", "Saved again")).unwrap();
    let saved = Instant::now();
    let second = serve.output("stdout", "wrote: Saved again");
    let took = saved.elapsed();
    assert_eq!(second["event"]["build"], 2, "{second}");
    let since_save = second["event"]["since_save"]
        .as_f64()
        .expect("the time since the save");
    eprintln!(
        "{toolchain}: save to the page's output: {since_save:.0} ms by gowasm, {took:?} seen by the test"
    );
    browser.wait_for(
        APP_TEXT,
        |v| v == "Saved again, in the DOM",
        Duration::from_secs(30),
    );
    // A broken save: the page keeps the last good build and says so.
    std::fs::write(&main_go, source.replace("message :=", "message = ")).unwrap();
    serve.wait(|e| e["serve"] == "failed", Duration::from_secs(120));
    let note = browser.wait_for(
        "document.getElementById('gowasm-failed')?.textContent ?? null",
        |v| v.as_str().is_some_and(|t| t.contains("main.go")),
        Duration::from_secs(30),
    );
    assert!(
        note.as_str().unwrap().contains("the last build failed"),
        "{note}"
    );
    assert_eq!(browser.eval(APP_TEXT), "Saved again, in the DOM");
}

#[test]
fn a_tinygo_dom_program_shows_reloads_and_says_its_build_failed() {
    serve_reload_and_fail("tinygo");
}

#[test]
fn a_go_dom_program_shows_reloads_and_says_its_build_failed() {
    serve_reload_and_fail("go");
}

/// `GET path` on the server: the status and body.
fn get(url: &str, path: &str) -> (u16, String) {
    let host = url.trim_start_matches("http://").trim_end_matches('/');
    let mut s = TcpStream::connect(host).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n").unwrap();
    let mut response = String::new();
    s.read_to_string(&mut response).unwrap();
    let status = response.split_whitespace().nth(1).unwrap().parse().unwrap();
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

#[test]
fn the_project_s_own_page_and_files_and_nothing_outside() {
    let (tmp, dir) = dom_project();
    std::fs::write(
        dir.join("index.html"),
        "<html><head><script src=\"wasm_exec.js\"></script></head><body><h1 id=app></h1>\
         <script>const go = new Go(); WebAssembly.instantiateStreaming(fetch(\"app.wasm\"), \
         go.importObject).then(r => go.run(r.instance));</script></body></html>",
    )
    .unwrap();
    std::fs::write(dir.join("style.css"), "h1 { color: teal }").unwrap();
    std::fs::write(dir.join(".env"), "SECRET=1").unwrap();
    std::fs::write(tmp.path().join("secret.txt"), "outside").unwrap();
    std::fs::create_dir(dir.join("assets")).unwrap();
    // A stale wasm_exec.js of another release in the project: the toolchain's is served.
    std::fs::write(dir.join("wasm_exec.js"), "// stale").unwrap();
    let mut serve = Serve::start(&dir, &["--toolchain", "go"]);
    serve.wait(|e| e["serve"] == "published", Duration::from_secs(120));
    let (status, page) = get(&serve.url, "/");
    assert_eq!(status, 200);
    assert!(
        page.contains("<head><script src=\"/__gowasm/client.js\"></script>"),
        "{page}"
    );
    assert_eq!(
        get(&serve.url, "/style.css"),
        (200, "h1 { color: teal }".into())
    );
    let host = serve
        .url
        .trim_start_matches("http://")
        .trim_end_matches('/');
    let mut s = TcpStream::connect(host).unwrap();
    write!(s, "HEAD /style.css HTTP/1.1\r\nHost: {host}\r\n\r\n").unwrap();
    let mut response = String::new();
    s.read_to_string(&mut response).unwrap();
    assert!(response.contains("Content-Length: 18\r\n"), "{response}");
    assert!(
        response.ends_with("\r\n\r\n"),
        "a HEAD gets no body: {response}"
    );
    let (status, exec) = get(&serve.url, "/wasm_exec.js");
    assert_eq!(status, 200);
    assert!(
        exec.contains("globalThis.Go = class"),
        "Go's own wasm_exec.js"
    );
    assert_eq!(get(&serve.url, "/.env").0, 403);
    assert_eq!(get(&serve.url, "/../secret.txt").0, 403);
    assert_eq!(get(&serve.url, "/%2e%2e/secret.txt").0, 403);
    assert_eq!(get(&serve.url, "/assets/").0, 404, "no listing");
    // A page elsewhere whose name was made to resolve to 127.0.0.1 gets nothing.
    let host = serve
        .url
        .trim_start_matches("http://")
        .trim_end_matches('/');
    let port = host.rsplit(':').next().unwrap();
    let mut s = TcpStream::connect(host).unwrap();
    write!(
        s,
        "GET /style.css HTTP/1.1\r\nHost: rebound.example:{port}\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    s.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 421"), "{response}");
    // Nor can a page elsewhere post output as the program's.
    let mut s = TcpStream::connect(host).unwrap();
    let body = r#"[{"kind":"stdout","text":"forged"}]"#;
    write!(
        s,
        "POST /__gowasm/log HTTP/1.1\r\nHost: {host}\r\nOrigin: https://evil.example\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    s.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 403"), "{response}");
    // The project's page runs in the browser, with the program's output back in gowasm.
    open_dom_page(&mut serve);
}

#[test]
fn a_taken_port_gets_one_line_and_the_next_free_one() {
    let taken = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = taken.local_addr().unwrap().port();
    let (_tmp, dir) = dom_project();
    let mut c = gowasm();
    c.args(["serve", "--toolchain", "go", "--port", &port.to_string()])
        .arg(&dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let second = lines.next().unwrap().unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(
        first,
        format!("gowasm: port {port} is taken; using the next free one")
    );
    assert!(
        second.starts_with("gowasm: serving on http://127.0.0.1:"),
        "{second}"
    );
    assert!(!second.contains(&format!(":{port}/")), "{second}");
}

#[test]
fn serve_headless_brings_the_page_s_output_to_the_terminal() {
    let (_tmp, dir) = dom_project();
    let mut serve = Serve::start(&dir, &["--toolchain", "go", "--headless"]);
    serve.output("stdout", "wrote: Hello from Go, in the DOM");
}

/// A `GOOS=js` test package whose test needs the DOM.
const DOM_TEST: &str = r#"package dom

import (
	"syscall/js"
	"testing"
)

func TestItWritesIntoTheDocument(t *testing.T) {
	document := js.Global().Get("document")
	if document.IsUndefined() {
		t.Fatal("no document here")
	}
	p := document.Call("createElement", "p")
	p.Set("textContent", "from a test")
	document.Get("body").Call("appendChild", p)
	if got := document.Get("body").Get("lastChild").Get("textContent").String(); got != "from a test" {
		t.Fatalf("the page says %q", got)
	}
	t.Log("the document took it")
}
"#;

#[test]
fn a_goos_js_test_that_needs_the_dom_passes_in_the_browser_and_fails_without() {
    let bin = tempfile::tempdir().unwrap();
    let mut c = gowasm();
    c.arg("install-exec").arg(bin.path());
    assert_eq!(code(&run(c)), 0);
    let pkg = tempfile::tempdir().unwrap();
    std::fs::write(pkg.path().join("go.mod"), "module dom\n\ngo 1.21\n").unwrap();
    std::fs::write(pkg.path().join("dom_test.go"), DOM_TEST).unwrap();
    let path = format!(
        "{}:{}:/usr/bin:/bin",
        bin.path().display(),
        go().parent().unwrap().display()
    );
    let go_test = |flags: &str| {
        combined_output(
            std::process::Command::new(go())
                .args(["test", "-count=1", "-v", "."])
                .current_dir(pkg.path())
                .env("PATH", &path)
                .env("GOOS", "js")
                .env("GOARCH", "wasm")
                .env("GOWASM_CACHE_DIR", shared_cache())
                .env("GOWASM_EXEC_FLAGS", flags),
        )
    };
    let (text, status) = go_test("--browser");
    assert_eq!(status, 0, "{text}");
    assert!(
        text.contains("--- PASS: TestItWritesIntoTheDocument"),
        "{text}"
    );
    assert!(text.contains("the document took it"), "{text}");
    // gowasm's own JS host, node-like, has no document: the same test fails there.
    let (text, status) = go_test("");
    assert_ne!(status, 0, "{text}");
    assert!(text.contains("no document here"), "{text}");
}

#[test]
fn run_browser_gives_the_program_its_arguments_and_its_exit_code() {
    let program = r#"package main

import (
	"fmt"
	"os"
	"syscall/js"
)

func main() {
	fmt.Println("args:", os.Args[1:], "title:", js.Global().Get("document").Get("title").String())
	fmt.Fprintln(os.Stderr, "to stderr")
	// More than a browser lets one keepalive post carry (64 KiB), before the exit.
	for i := 0; i < 5000; i++ {
		fmt.Printf("line %04d of forty-odd bytes, to fill the pipe\n", i)
	}
	os.Exit(3)
}
"#;
    let project = go_program("argsdom", program);
    let wasm = Build::GO_JS.module(project.path(), project.path());
    let mut c = gowasm();
    c.args(["run", "--browser"]).arg(&wasm).args(["one", "two"]);
    let out = run(c);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("args: [one two] title: go-js · gowasm\n"),
        "{text:.300}"
    );
    assert_eq!(text.lines().count(), 5001, "every line, in order");
    assert!(text.ends_with("line 4999 of forty-odd bytes, to fill the pipe\n"));
    assert!(stderr(&out).contains("to stderr"), "{}", stderr(&out));
    // A project folder is built for the browser.
    let mut c = gowasm();
    c.args(["run", "--browser", "--toolchain", "go"])
        .arg(sample("hello"))
        .args(["--", "a", "b"]);
    let out = run(c);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).contains("on js/wasm!\narg 1: a\narg 2: b\n"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn run_browser_serves_the_wasm_exec_js_of_the_module_s_own_go_release() {
    let releases = go_releases();
    let oldest = releases.first().unwrap();
    let project = go_program(
        "old",
        "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"from an old Go\") }\n",
    );
    let wasm = project.path().join("old.wasm");
    build_with_go_release(project.path(), oldest, "js", &wasm);
    let mut c = gowasm();
    c.args(["run", "--browser"]).arg(&wasm);
    let out = run(c);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "from an old Go\n");
    assert!(
        !stderr(&out).contains("may not fit"),
        "Go {oldest}'s own: {}",
        stderr(&out)
    );
}
