/// The dashboard's page, script and style: written here, no framework, no external URL (the
/// Content-Security-Policy allows only this origin). The page holds no data; the script reads
/// `/ops/dashboard.json` with the ops token kept in `sessionStorage` (asked for on a 401).
enum DashboardAssets {
    /// A served file.
    struct Asset: Sendable {
        /// Its media type.
        let type: String
        /// Its text.
        let body: String
    }

    /// `GET /ops/`.
    static let page = Asset(type: "text/html; charset=utf-8", body: """
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Roost operations</title>
    <link rel="stylesheet" href="/ops/dashboard.css">
    <script defer src="/ops/dashboard.js"></script>
    </head>
    <body>
    <header><h1>Roost</h1><span id="status">connecting…</span></header>
    <form id="login" hidden>
      <label>Ops token <input id="token" type="password" autocomplete="off"></label>
      <button type="submit">Open</button>
    </form>
    <main id="main">
      <section>
        <h2>Lanes</h2>
        <table id="lanes"><thead><tr><th>lane</th><th>depth</th><th>in flight</th><th>oldest age</th><th>delayed</th><th>dead</th>
          <th>enqueued / min (15 min)</th><th>completed / min (15 min)</th></tr></thead><tbody></tbody></table>
      </section>
      <section>
        <h2>Workers</h2>
        <table id="workers"><thead><tr><th>id</th><th>host</th><th>kinds</th><th>threads</th><th>in flight</th><th>done</th>
          <th>failed</th><th>last heartbeat</th></tr></thead><tbody></tbody></table>
      </section>
      <section>
        <h2>Failures and dead-lettered jobs</h2>
        <table id="failures"><thead><tr><th>job</th><th>kind</th><th>lane</th><th>state</th><th>attempts</th><th>error</th>
          <th>finished</th><th></th></tr></thead><tbody></tbody></table>
      </section>
      <section>
        <h2>Job lookup</h2>
        <form id="lookup"><input id="job-id" placeholder="job id" size="32"> <button type="submit">Find</button></form>
        <pre id="job"></pre>
      </section>
    </main>
    </body>
    </html>
    """)

    /// `GET /ops/dashboard.js`.
    static let script = Asset(type: "text/javascript; charset=utf-8", body: """
    "use strict";
    let version = "";
    const $ = (id) => document.getElementById(id);
    function headers(extra) {
      const h = Object.assign({}, extra || {});
      const token = sessionStorage.getItem("roost-ops-token");
      if (token) h["Authorization"] = "Bearer " + token;
      return h;
    }
    function cell(row, text, cls) {
      const td = document.createElement("td");
      td.textContent = text === null || text === undefined ? "–" : String(text);
      if (cls) td.className = cls;
      row.appendChild(td);
      return td;
    }
    function age(seconds) {
      if (seconds < 60) return seconds.toFixed(1) + " s";
      if (seconds < 3600) return (seconds / 60).toFixed(1) + " min";
      return (seconds / 3600).toFixed(1) + " h";
    }
    function sparkline(values) {
      const ns = "http://www.w3.org/2000/svg";
      const svg = document.createElementNS(ns, "svg");
      svg.setAttribute("viewBox", "0 0 150 30");
      svg.setAttribute("width", "150");
      svg.setAttribute("height", "30");
      const present = values.filter((v) => v !== null);
      const max = Math.max(1, ...present);
      values.forEach((v, i) => {
        if (v === null) return;
        const bar = document.createElementNS(ns, "rect");
        const h = Math.max(1, Math.round((v / max) * 28));
        bar.setAttribute("x", String(i * 10));
        bar.setAttribute("y", String(30 - h));
        bar.setAttribute("width", "8");
        bar.setAttribute("height", String(h));
        bar.setAttribute("class", "bar");
        const title = document.createElementNS(ns, "title");
        title.textContent = v + " / min";
        bar.appendChild(title);
        svg.appendChild(bar);
      });
      const last = document.createElement("span");
      last.className = "rate";
      last.textContent = present.length ? String(present[present.length - 1]) : "–";
      const wrap = document.createElement("span");
      wrap.appendChild(svg);
      wrap.appendChild(last);
      return wrap;
    }
    function render(data) {
      const lanes = $("lanes").tBodies[0];
      lanes.replaceChildren();
      for (const l of data.lanes) {
        const tr = document.createElement("tr");
        tr.dataset.lane = l.lane;
        cell(tr, l.lane); cell(tr, l.depth, "depth"); cell(tr, l.in_flight, "in-flight"); cell(tr, age(l.oldest_age_s));
        cell(tr, l.delayed, "delayed"); cell(tr, l.dead, "dead");
        cell(tr, "").appendChild(sparkline(l.enqueued_per_min));
        cell(tr, "").appendChild(sparkline(l.completed_per_min));
        lanes.appendChild(tr);
      }
      const workers = $("workers").tBodies[0];
      workers.replaceChildren();
      for (const w of data.workers) {
        const tr = document.createElement("tr");
        if (w.stale) tr.className = "stale";
        tr.dataset.worker = w.id;
        cell(tr, w.id); cell(tr, w.host); cell(tr, (w.kinds || []).join(", ")); cell(tr, w.threads); cell(tr, w.in_flight);
        cell(tr, w.processed, "done"); cell(tr, w.failed); cell(tr, age(w.last_heartbeat_age_s) + (w.stale ? " (stale)" : ""));
        workers.appendChild(tr);
      }
      const failures = $("failures").tBodies[0];
      failures.replaceChildren();
      for (const j of data.failures) {
        const tr = document.createElement("tr");
        tr.dataset.job = j.id;
        cell(tr, j.id, "job-id"); cell(tr, j.kind); cell(tr, j.lane); cell(tr, j.state, "state"); cell(tr, j.attempts);
        cell(tr, (j.error_code || "") + (j.error_message ? ": " + j.error_message : ""), "error");
        cell(tr, j.finished_at ? new Date(j.finished_at * 1000).toISOString() : null);
        const actions = cell(tr, "");
        for (const [label, action] of [["Retry", "retry"], ["Discard", "discard"]]) {
          const b = document.createElement("button");
          b.textContent = label;
          b.className = action;
          b.addEventListener("click", () => act(j.id, action));
          actions.appendChild(b);
        }
        failures.appendChild(tr);
      }
      $("status").textContent = "live · " + new Date(data.generated_at * 1000).toLocaleTimeString();
    }
    async function act(id, action) {
      const r = await fetch("/ops/jobs/" + encodeURIComponent(id) + "/" + action,
                            { method: "POST", headers: headers({ "X-Requested-With": "roost-dashboard" }) });
      $("status").textContent = action + " " + id + ": " + r.status;
      version = "";
    }
    async function poll() {
      for (;;) {
        try {
          const r = await fetch("/ops/dashboard.json?since=" + version + "&wait=" + (version ? 20 : 0), { headers: headers() });
          if (r.status === 401 || r.status === 403) { $("login").hidden = false; $("status").textContent = "token needed"; return; }
          const data = await r.json();
          version = data.version;
          render(data);
        } catch (e) {
          $("status").textContent = "disconnected, retrying";
          await new Promise((resolve) => setTimeout(resolve, 2000));
        }
      }
    }
    document.addEventListener("DOMContentLoaded", () => {
      $("login").addEventListener("submit", (e) => {
        e.preventDefault();
        sessionStorage.setItem("roost-ops-token", $("token").value);
        $("login").hidden = true;
        version = "";
        poll();
      });
      $("lookup").addEventListener("submit", async (e) => {
        e.preventDefault();
        const r = await fetch("/ops/jobs/" + encodeURIComponent($("job-id").value.trim()), { headers: headers() });
        $("job").textContent = JSON.stringify(await r.json(), null, 2);
      });
      poll();
    });
    """)

    /// `GET /ops/dashboard.css`.
    static let style = Asset(type: "text/css; charset=utf-8", body: """
    body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1d2433; background: #f6f7f9; }
    header { display: flex; align-items: baseline; gap: 1em; padding: 0.6em 1.2em; background: #1d2433; color: #fff; }
    header h1 { font-size: 1.2em; margin: 0; }
    #status { font-size: 0.9em; opacity: 0.8; }
    main, form#login { padding: 0 1.2em 1.2em; }
    h2 { font-size: 1em; margin: 1.2em 0 0.4em; }
    table { border-collapse: collapse; background: #fff; width: 100%; }
    th, td { text-align: left; padding: 0.3em 0.6em; border-bottom: 1px solid #e3e6eb; vertical-align: middle; }
    th { font-weight: 600; font-size: 0.85em; color: #586174; }
    tr.stale td { color: #b3261e; }
    td.error { max-width: 32em; overflow-wrap: anywhere; }
    svg .bar { fill: #3b6ee8; }
    .rate { margin-left: 0.4em; font-variant-numeric: tabular-nums; }
    button { margin-right: 0.3em; }
    pre { background: #fff; padding: 0.6em; overflow: auto; }
    pre:empty { display: none; }
    """)
}
