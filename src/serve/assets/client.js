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
  // Posts stay well under the server's limit (1 MiB); a long text goes in pieces.
  const MAX_POST = 256 * 1024;
  const batches = () => {
    const out = [];
    let batch = [], size = 2;
    for (const event of queue.splice(0)) {
      const n = JSON.stringify(event).length + 1;
      if (batch.length && size + n > MAX_POST) { out.push(batch); batch = []; size = 2; }
      batch.push(event);
      size += n;
    }
    if (batch.length) out.push(batch);
    return out.map((b) => JSON.stringify(b));
  };
  const flush = () => {
    pending = false;
    for (const body of batches()) {
      // One post at a time, so that gowasm gets them in order.
      chain = chain.then(() => fetch("/__gowasm/log", { method: "POST", body }).catch(() => {}));
    }
  };
  // A page going away (a reload for a new build) sends what is left at once.
  addEventListener("pagehide", () => {
    for (const body of batches()) navigator.sendBeacon("/__gowasm/log", body);
  });
  const PIECE = 64 * 1024;
  const send = (event) => {
    const t = Math.round(performance.now() - started);
    const text = event.text;
    const pieces = typeof text === "string" && text.length > PIECE ? Math.ceil(text.length / PIECE) : 1;
    for (let i = 0; i < pieces; i++) {
      const piece = pieces > 1 ? { ...event, text: text.slice(i * PIECE, (i + 1) * PIECE) } : event;
      piece.t = t;
      piece.build = GOWASM_BUILD;
      queue.push(piece);
    }
    if (!pending) { pending = true; setTimeout(flush, 0); }
  };
  // Inside the program's own writes the console calls they make are not sent again.
  let quiet = 0;
  const show = (v) => {
    if (typeof v === "string") return v;
    if (v instanceof Error) return v.stack || String(v);
    let s;
    try { s = JSON.stringify(v); } catch { s = undefined; }
    return typeof s === "string" ? s : String(v);
  };
  // An error is sent once, however many of run's catch, the page's and the window's see it.
  const sendError = (e) => {
    if (e && typeof e === "object") {
      if (e.__gowasmSent) return;
      try { e.__gowasmSent = true; } catch {}
    }
    send({ kind: "error", text: show(e) });
  };
  for (const level of ["log", "info", "warn", "error", "debug"]) {
    const original = console[level].bind(console);
    console[level] = (...args) => {
      original(...args);
      if (!quiet) send({ kind: "console", level, text: args.map(show).join(" ") });
    };
  }
  addEventListener("error", (e) => sendError(e.error ?? String(e.message)));
  addEventListener("unhandledrejection", (e) => sendError(e.reason));
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
            sendError(e);
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
  globalThis.__gowasm = { error: sendError };
  send({ kind: "load", text: location.pathname });
})();
