// gowasm's client, put into every page gowasm serves: it reloads the page when a new build
// is good, says so on the page when one failed, and sends gowasm what the program says:
// stdout and stderr (Go's through `fs.writeSync`, TinyGo's through `fd_write`), console.*,
// uncaught errors and the exit code. The line below is filled in by the server.
const GOWASM_BUILD = 0;
(() => {
  "use strict";
  if (globalThis.__gowasm) return;
  const started = performance.now();
  const queue = [];
  let chain = Promise.resolve();
  let pending = false;
  const flush = () => {
    pending = false;
    if (!queue.length) return;
    const body = JSON.stringify(queue.splice(0));
    // One post at a time, so that gowasm gets them in order.
    chain = chain.then(() =>
      fetch("/__gowasm/log", { method: "POST", body, keepalive: true }).catch(() => {}));
  };
  const send = (event) => {
    event.t = Math.round(performance.now() - started);
    event.build = GOWASM_BUILD;
    queue.push(event);
    if (!pending) { pending = true; setTimeout(flush, 0); }
  };
  // Inside the program's own writes the console calls they make are not sent again.
  let quiet = 0;
  const show = (v) => {
    if (typeof v === "string") return v;
    if (v instanceof Error) return v.stack || String(v);
    try { return JSON.stringify(v); } catch { return String(v); }
  };
  for (const level of ["log", "info", "warn", "error", "debug"]) {
    const original = console[level].bind(console);
    console[level] = (...args) => {
      original(...args);
      if (!quiet) send({ kind: "console", level, text: args.map(show).join(" ") });
    };
  }
  addEventListener("error", (e) =>
    send({ kind: "error", text: e.error ? show(e.error) : String(e.message) }));
  addEventListener("unhandledrejection", (e) => send({ kind: "error", text: show(e.reason) }));
  const decoders = {};
  const decode = (fd, bytes) =>
    (decoders[fd] ||= new TextDecoder("utf-8")).decode(bytes, { stream: true });
  // Go's wasm_exec.js writes through globalThis.fs.writeSync, fd 1 or 2.
  const hookGoWrites = () => {
    const fs = globalThis.fs;
    if (!fs || typeof fs.writeSync !== "function" || fs.__gowasm) return;
    const write = fs.writeSync;
    fs.writeSync = function (fd, buf) {
      send({ kind: fd === 2 ? "stderr" : "stdout", text: decode(fd, buf) });
      quiet++;
      try { return write.call(this, fd, buf); } finally { quiet--; }
    };
    fs.__gowasm = true;
  };
  // TinyGo's writes through its fd_write import, which only knows fd 1.
  const hookTinyGoWrites = (go) => {
    const wasi = go.importObject && go.importObject.wasi_snapshot_preview1;
    if (!wasi || typeof wasi.fd_write !== "function") return;
    const write = wasi.fd_write;
    wasi.fd_write = function (fd, iovs, count, written) {
      const memory = go._inst.exports.memory.buffer;
      const view = new DataView(memory);
      const parts = [];
      let total = 0;
      for (let i = 0; i < count; i++) {
        const ptr = view.getUint32(iovs + i * 8, true);
        const len = view.getUint32(iovs + i * 8 + 4, true);
        parts.push(new Uint8Array(memory, ptr, len).slice());
        total += len;
      }
      const bytes = new Uint8Array(total);
      let at = 0;
      for (const p of parts) { bytes.set(p, at); at += p.length; }
      const text = decode(fd, bytes);
      send({ kind: fd === 2 ? "stderr" : "stdout", text });
      if (fd === 2) {
        quiet++;
        try { console.error(text.replace(/\n$/, "")); } finally { quiet--; }
        view.setUint32(written, total, true);
        return 0;
      }
      quiet++;
      try { return write.call(this, fd, iovs, count, written); } finally { quiet--; }
    };
  };
  // wasm_exec.js defines Go: gowasm's own takes its place, to see the writes and the exit.
  let Go;
  Object.defineProperty(globalThis, "Go", {
    configurable: true,
    get() { return Go; },
    set(base) {
      hookGoWrites();
      Go = class extends base {
        constructor(...args) {
          super(...args);
          hookTinyGoWrites(this);
          const exit = this.exit;
          if (typeof exit === "function") {
            this.exit = (code) => { this.__gowasmExit = code; return exit.call(this, code); };
          }
        }
        async run(instance) {
          let result;
          try {
            result = await super.run(instance);
          } catch (e) {
            send({ kind: "error", text: show(e) });
            throw e;
          }
          const code = typeof result === "number" ? result : (this.__gowasmExit ?? this.exitCode ?? 0);
          send({ kind: "exit", code });
          return result;
        }
      };
    },
  });
  // A build that failed leaves the page as it was, and says so on it.
  const failed = (message) => {
    let note = document.getElementById("gowasm-failed");
    if (!note) {
      note = document.createElement("pre");
      note.id = "gowasm-failed";
      note.style.cssText = "position:fixed;left:0;right:0;bottom:0;margin:0;padding:.8em;max-height:40vh;overflow:auto;background:#fdecea;color:#611a15;border-top:3px solid #d93025;font:13px/1.4 monospace;white-space:pre-wrap;z-index:2147483647";
      (document.body || document.documentElement).appendChild(note);
    }
    note.textContent = "gowasm: the last build failed; this page runs the build before it.\n\n" + message;
  };
  const events = new EventSource("/__gowasm/events");
  events.addEventListener("state", (e) => {
    const state = JSON.parse(e.data);
    if (state.build !== GOWASM_BUILD && state.build > 0) location.reload();
    else if (state.failure) failed(state.failure);
    else document.getElementById("gowasm-failed")?.remove();
  });
  globalThis.__gowasm = { error: (e) => send({ kind: "error", text: show(e) }) };
  send({ kind: "load", text: location.pathname });
})();
