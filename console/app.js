// caf-eureka admin console: one page over the JSON admin API (docs/admin-api.md).
//
// Plain JavaScript, no framework, nothing loaded from outside the node. The page polls the API
// every few seconds (paused while a dialog is open or the tab is hidden) and renders each section
// with one innerHTML assignment built from escaped strings: every value comes from the registry,
// which is untrusted input (any client can register any metadata), so nothing from it reaches the
// DOM unescaped, and only http(s) links become hrefs. The instance list renders one bounded page
// at a time (collapsed application groups, a fixed number of rows per page), so a registry of
// 10,000 instances costs one JSON parse and a few hundred rows per render.
"use strict";

(function () {
  const POLL_MS = 3000;
  const APPS_PER_PAGE = 25;
  const INSTANCES_PER_PAGE = 50;
  const REGISTRIES_PER_PAGE = 50;
  const AUTO_EXPAND_GROUPS = 3; // a filter matching this few applications opens them
  const AUTH_KEY = "caf-eureka-console-auth";
  const STATUSES = ["UP", "DOWN", "STARTING", "OUT_OF_SERVICE", "UNKNOWN"];
  const API = "/admin/api";
  const byName = new Intl.Collator("en", { numeric: true }).compare; // i-2 before i-10

  const state = {
    auth: sessionStorage.getItem(AUTH_KEY), // "Basic …" or null
    session: null,
    overview: null,
    actors: null,
    model: null, // the registry, from GET /admin/api/apps (see buildModel)
    clockOffset: 0, // node clock minus browser clock, ms
    filterText: "",
    filterStatus: "",
    appPage: 0,
    expanded: new Set(), // applications opened by hand
    collapsed: new Set(), // auto-opened applications closed by hand
    groupPages: new Map(), // application -> page of its instance list
    regSort: { key: "app", asc: true },
    regPage: 0,
    detail: null, // {app, id, doc, gone}
    confirmResolve: null,
    signinOpen: false,
    busy: false,
    again: false,
    timer: null,
    lastHtml: new Map(), // testid -> last HTML written (unchanged sections are not rewritten)
    refreshes: 0,
  };

  // ---- small helpers ----------------------------------------------------------------------

  const $ = (testid) => document.querySelector('[data-testid="' + testid + '"]');
  const ESC = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  function esc(v) {
    return v === null || v === undefined ? "" : String(v).replace(/[&<>"']/g, (c) => ESC[c]);
  }
  function setText(testid, v) {
    const el = $(testid);
    if (el) el.textContent = v === null || v === undefined || v === "" ? "–" : String(v);
  }
  // Writes a section's HTML only when it changed, so a refresh that brings nothing new neither
  // reflows the page nor replaces the element under the user's pointer.
  function setHtml(testid, html) {
    if (state.lastHtml.get(testid) === html) return;
    state.lastHtml.set(testid, html);
    const el = $(testid);
    if (el) el.innerHTML = html;
  }
  function arr(x) {
    return Array.isArray(x) ? x : x === null || x === undefined ? [] : [x];
  }
  function num(x) {
    const n = Number(x);
    return Number.isFinite(n) ? n : 0;
  }
  function fmtNum(x) {
    if (x === null || x === undefined || x === "") return "–";
    const n = Number(x);
    if (!Number.isFinite(n)) return esc(x);
    return Number.isInteger(n) ? n.toLocaleString("en-US") : n.toFixed(1);
  }
  function fmtBytes(x) {
    if (x === null || x === undefined) return "–";
    const n = num(x);
    if (n < 1024) return n + " B";
    if (n < 1024 * 1024) return (n / 1024).toFixed(1) + " KiB";
    if (n < 1024 * 1024 * 1024) return (n / 1024 / 1024).toFixed(1) + " MiB";
    return (n / 1024 / 1024 / 1024).toFixed(2) + " GiB";
  }
  function pad(n) {
    return n < 10 ? "0" + n : String(n);
  }
  function fmtTime(ms) {
    const n = num(ms);
    if (n <= 0) return "–";
    const d = new Date(n);
    return (
      d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " +
      pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds())
    );
  }
  function serverNow() {
    return Date.now() + state.clockOffset;
  }
  function fmtAgo(ms) {
    const n = num(ms);
    if (n <= 0) return "";
    let s = Math.round((serverNow() - n) / 1000);
    const future = s < 0;
    s = Math.abs(s);
    let t;
    if (s < 90) t = s + " s";
    else if (s < 5400) t = Math.round(s / 60) + " min";
    else if (s < 172800) t = Math.round(s / 3600) + " h";
    else t = Math.round(s / 86400) + " d";
    return future ? "in " + t : t + " ago";
  }
  function timeCell(ms) {
    const n = num(ms);
    if (n <= 0) return "–";
    return esc(fmtTime(n)) + ' <span class="muted small">(' + esc(fmtAgo(n)) + ")</span>";
  }
  function fmtDuration(ms) {
    let s = Math.floor(num(ms) / 1000);
    const d = Math.floor(s / 86400);
    s -= d * 86400;
    const h = Math.floor(s / 3600);
    s -= h * 3600;
    const m = Math.floor(s / 60);
    return (d > 0 ? d + "d " : "") + pad(h) + ":" + pad(m);
  }
  function yesNo(b) {
    if (b === null || b === undefined) return "–";
    return b ? "true" : "false";
  }
  function statusClass(s) {
    return STATUSES.includes(s) ? s : "UNKNOWN";
  }
  function badge(status) {
    return '<span class="badge badge-' + statusClass(status) + '">' + esc(status) + "</span>";
  }
  function okBadge(ok, yes, no) {
    return '<span class="badge ' + (ok ? "badge-ok" : "badge-bad") + '">' + esc(ok ? yes : no) + "</span>";
  }
  // Only http(s) URLs become links: a registered "javascript:" URL stays text.
  function safeHref(u) {
    if (typeof u !== "string") return null;
    const t = u.trim();
    return /^https?:\/\//i.test(t) ? t : null;
  }
  function link(u, label) {
    const h = safeHref(u);
    if (!h) return u ? '<span class="mono">' + esc(u) + "</span>" : "–";
    return '<a href="' + esc(h) + '" target="_blank" rel="noopener noreferrer">' + esc(label || h) + "</a>";
  }
  function kvTable(rows, testid) {
    let h = '<table class="kv"' + (testid ? ' data-testid="' + testid + '"' : "") + "><tbody>";
    for (const [k, v, id] of rows) {
      h += "<tr><th>" + esc(k) + "</th><td" + (id ? ' data-testid="' + id + '"' : "") + ">" + v + "</td></tr>";
    }
    return h + "</tbody></table>";
  }
  function countsHtml(counts, skipZero) {
    let h = '<span class="counts">';
    for (const s of STATUSES) {
      const n = num(counts && counts[s]);
      if (skipZero && n === 0) continue;
      h += '<span class="badge badge-' + s + '" title="' + s + '">' + s + " " + fmtNum(n) + "</span>";
    }
    return h + "</span>";
  }
  function basicAuth(user, password) {
    // UTF-8, as the realm's charset="UTF-8" announces.
    const bytes = new TextEncoder().encode(user + ":" + password);
    let bin = "";
    for (const b of bytes) bin += String.fromCharCode(b);
    return "Basic " + btoa(bin);
  }

  // ---- API ----------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, reason) {
      super(reason);
      this.status = status;
      this.reason = reason;
    }
  }

  // credentials: "omit" keeps the browser's own basic-auth prompt away (the page sends the
  // Authorization header itself) and ignores any credentials the browser cached for the node.
  async function api(method, path, authHeader) {
    const headers = { Accept: "application/json" };
    const auth = authHeader === undefined ? state.auth : authHeader;
    if (auth) headers.Authorization = auth;
    let res;
    try {
      res = await fetch(API + path, { method, headers, credentials: "omit", cache: "no-store" });
    } catch (e) {
      throw new ApiError(0, "the node does not answer (" + e.message + ")");
    }
    const text = await res.text();
    let body = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch (e) {
      body = null;
    }
    if (!res.ok) {
      const reason = body && typeof body.error === "string" ? body.error : text.slice(0, 200) || res.statusText;
      throw new ApiError(res.status, reason);
    }
    return body;
  }

  function describe(err) {
    if (!(err instanceof ApiError)) return String(err && err.message ? err.message : err);
    switch (err.status) {
      case 0:
        return err.reason;
      case 401:
        return "401 Unauthorized: " + err.reason + " — sign in with a user of this node.";
      case 403:
        return "403 Forbidden: " + err.reason;
      case 404:
        return "404 Not found: " + err.reason;
      case 429:
        return "429 Too many authentication attempts: " + err.reason + " — try again in a moment.";
      default:
        return err.status + ": " + err.reason;
    }
  }

  function enc(s) {
    return encodeURIComponent(s);
  }

  // ---- the registry model -------------------------------------------------------------------

  function portOf(p) {
    if (p && typeof p === "object") return p["$"];
    return p;
  }
  function portEnabled(p) {
    if (p && typeof p === "object") return String(p["@enabled"]) === "true";
    return p !== undefined && p !== null;
  }
  function zoneOf(raw) {
    const md = raw.metadata && typeof raw.metadata === "object" ? raw.metadata : {};
    if (typeof md.zone === "string" && md.zone) return md.zone;
    const dc = raw.dataCenterInfo;
    if (dc && dc.metadata && typeof dc.metadata["availability-zone"] === "string") return dc.metadata["availability-zone"];
    return "default";
  }
  function overrideOf(raw) {
    const o = raw.overriddenStatus !== undefined ? raw.overriddenStatus : raw.overriddenstatus;
    return typeof o === "string" && o ? o : "UNKNOWN";
  }

  function buildModel(doc) {
    const apps = arr(doc && doc.applications && doc.applications.application);
    const groups = [];
    const counts = {};
    const zones = {};
    let total = 0;
    for (const s of STATUSES) counts[s] = 0;
    for (const a of apps) {
      if (!a || typeof a !== "object") continue;
      const name = String(a.name || "");
      const g = { name, lname: name.toLowerCase(), instances: [], counts: {}, zones: {} };
      for (const s of STATUSES) g.counts[s] = 0;
      for (const raw of arr(a.instance)) {
        if (!raw || typeof raw !== "object") continue;
        const id = String(raw.instanceId || raw.hostName || "");
        const inst = {
          app: String(raw.app || name),
          id,
          host: String(raw.hostName || ""),
          ip: String(raw.ipAddr || ""),
          port: portOf(raw.port),
          securePort: portEnabled(raw.securePort) ? portOf(raw.securePort) : null,
          status: String(raw.status || "UNKNOWN"),
          override: overrideOf(raw),
          zone: zoneOf(raw),
          statusPageUrl: raw.statusPageUrl,
          homePageUrl: raw.homePageUrl,
          healthCheckUrl: raw.healthCheckUrl,
        };
        inst.hay = (id + " " + inst.host + " " + inst.ip).toLowerCase();
        g.instances.push(inst);
        g.counts[inst.status] = (g.counts[inst.status] || 0) + 1;
        g.zones[inst.zone] = (g.zones[inst.zone] || 0) + 1;
        counts[inst.status] = (counts[inst.status] || 0) + 1;
        zones[inst.zone] = (zones[inst.zone] || 0) + 1;
        total++;
      }
      g.instances.sort((x, y) => byName(x.id, y.id));
      groups.push(g);
    }
    groups.sort((x, y) => byName(x.name, y.name));
    return { groups, counts, zones, total };
  }

  // The groups and instances the filters let through: an application whose name contains the
  // text keeps all its instances; otherwise only instances whose id, host or address contain it.
  function filtered() {
    const m = state.model;
    if (!m) return [];
    const text = state.filterText.trim().toLowerCase();
    const status = state.filterStatus;
    const out = [];
    for (const g of m.groups) {
      let list = g.instances;
      if (text && !g.lname.includes(text)) list = list.filter((i) => i.hay.includes(text));
      if (status) list = list.filter((i) => i.status === status);
      if (list.length > 0) out.push({ group: g, list });
    }
    return out;
  }

  // ---- rendering ----------------------------------------------------------------------------

  function renderHeader() {
    const o = state.overview;
    const node = (o && o.node) || {};
    setText("node-host", node.host ? node.host + (node.port ? ":" + node.port : "") : "");
    setText("node-version", node.version);
    const ready = $("ready");
    if (o) {
      ready.textContent = o.ready ? "READY" : "NOT READY";
      ready.className = "badge " + (o.ready ? "badge-ok" : "badge-bad");
      ready.title = o.ready ? "GET /ready answers 200" : "start-up sync not done: GET /ready answers 503";
    }
    const s = state.session;
    const user = s && s.user;
    setText(
      "session-user",
      user ? user + " (" + arr(s.roles).join(", ") + ")" : s && s.read_without_auth ? "read-only, not signed in" : "not signed in"
    );
    $("signin-open").hidden = !!user;
    $("signout").hidden = !user && !state.auth;
  }

  function renderOverview() {
    const o = state.overview;
    if (!o) return;
    const node = o.node || {};
    const reg = o.registry || {};
    setText("status-environment", node.environment);
    setText("status-datacenter", node.data_center);
    setText("status-cluster", node.cluster);
    setText("status-sizes", fmtNum(reg.applications) + " / " + fmtNum(reg.instances));
    setHtml("status-counts", countsHtml(reg.status_counts, false));
    setText("status-current-time", fmtTime(node.current_time_ms));
    setText("status-uptime", node.uptime || (node.uptime_ms !== undefined ? fmtDuration(node.uptime_ms) : ""));
    setText("status-lease-expiration", yesNo(reg.lease_expiration_enabled));
    setText("status-renew-threshold", reg.renew_threshold);
    setText("status-renews-last-minute", reg.renews_last_minute);
    setText(
      "status-self-preservation",
      reg.self_preservation_enabled === undefined
        ? ""
        : (reg.self_preservation_enabled ? "enabled" : "disabled") + (reg.self_preservation_active ? ", ACTIVE (not evicting)" : ", not active")
    );
    const banner = $("banner");
    if (typeof reg.banner === "string" && reg.banner) {
      banner.textContent = reg.banner;
      banner.hidden = false;
    } else {
      banner.hidden = true;
    }
    setText("base-paths", arr(o.base_paths).join(", "));

    // DS replicas
    const reps = arr(o.replicas);
    let h;
    if (reps.length === 0) {
      h = '<p class="empty" data-testid="replicas-none">No replicas: this node runs alone.</p>';
    } else {
      h = "<table><thead><tr><th>Replica</th><th>Kind</th><th>State</th></tr></thead><tbody>";
      for (const r of reps) {
        h += '<tr data-testid="replica-row"><td>' + link(r.url) + "</td><td>" + esc(r.kind) + "</td><td>" +
          okBadge(!!r.available, "available", "unavailable") + "</td></tr>";
      }
      h += "</tbody></table>";
    }
    setHtml("replicas", h);

    // General info: the dashboard's generalStats, then what the node says of itself.
    const rows = [];
    const gen = o.general && typeof o.general === "object" ? o.general : {};
    for (const k of Object.keys(gen)) rows.push([k, esc(gen[k])]);
    rows.push(["version", esc(node.version)]);
    rows.push(["host / ip", esc(node.host) + " / " + esc(node.ip)]);
    rows.push(["http port", esc(node.port)]);
    rows.push(["node id", '<span class="mono">' + esc(node.node_id) + "</span>"]);
    rows.push(["started", timeCell(node.started_ms)]);
    rows.push(["ready", o.ready ? okBadge(true, "ready", "") : okBadge(false, "", "not ready")]);
    rows.push(["evictions (total)", fmtNum(reg.evictions_total)]);
    setHtml("general-info", kvTable(rows));
  }

  function renderInstances() {
    const m = state.model;
    const countEl = $("instances-count");
    if (!m) {
      setHtml("instances", '<p class="empty">loading…</p>');
      return;
    }
    const t0 = performance.now();
    const groups = filtered();
    let shown = 0;
    for (const f of groups) shown += f.list.length;
    countEl.textContent =
      "showing " + shown.toLocaleString("en-US") + " of " + m.total.toLocaleString("en-US") + " instances in " +
      groups.length.toLocaleString("en-US") + " of " + m.groups.length.toLocaleString("en-US") + " applications";
    countEl.dataset.total = String(m.total);
    countEl.dataset.shown = String(shown);

    // Summary of the whole registry: per status and per zone.
    let sum = countsHtml(m.counts, false) + ' <span class="zones">zones: ';
    const zs = Object.keys(m.zones).sort();
    sum += zs.length ? zs.map((z) => esc(z) + " (" + fmtNum(m.zones[z]) + ")").join(", ") : "–";
    setHtml("instances-summary", sum + "</span>");

    const pages = Math.max(1, Math.ceil(groups.length / APPS_PER_PAGE));
    if (state.appPage >= pages) state.appPage = pages - 1;
    const first = state.appPage * APPS_PER_PAGE;
    const page = groups.slice(first, first + APPS_PER_PAGE);
    const auto = (state.filterText.trim() !== "" || state.filterStatus !== "") && groups.length <= AUTO_EXPAND_GROUPS;

    let h = "";
    if (groups.length === 0) {
      h = '<p class="empty" data-testid="instances-empty">' +
        (m.total === 0 ? "No instances are registered." : "No instance matches the filter.") + "</p>";
      setHtml("instances", h);
      return;
    }
    h += pager("apps", state.appPage, pages, "applications " + (first + 1) + "–" + (first + page.length) + " of " + groups.length);
    h += '<table class="groups"><thead><tr><th>Application</th><th class="num">Instances</th><th>Status</th>' +
      "<th>Availability zones</th></tr></thead><tbody>";
    for (const { group: g, list } of page) {
      const open = state.expanded.has(g.name) || (auto && !state.collapsed.has(g.name));
      const zones = Object.keys(g.zones).sort().map((z) => esc(z) + " (" + g.zones[z] + ")").join(", ");
      h += '<tr class="group-head" data-testid="app-group" data-app="' + esc(g.name) + '"><td>' +
        '<button type="button" class="toggle" data-action="toggle" data-testid="app-toggle" aria-expanded="' + open +
        '" data-app="' + esc(g.name) + '">' + esc(g.name) + "</button></td>" +
        '<td class="num">' + (list.length === g.instances.length ? fmtNum(list.length) : fmtNum(list.length) + " of " + fmtNum(g.instances.length)) +
        "</td><td>" + countsHtml(g.counts, true) + '</td><td class="zones">' + zones + "</td></tr>";
      if (open) h += '<tr class="group-body"><td colspan="4">' + instanceTable(g, list) + "</td></tr>";
    }
    h += "</tbody></table>";
    if (pages > 1) h += pager("apps-bottom", state.appPage, pages, "");
    setHtml("instances", h);
    window.__consoleStats.lastInstancesRenderMs = performance.now() - t0;
  }

  function pager(kind, page, pages, label) {
    if (pages <= 1 && !label) return "";
    const testid = kind === "apps-bottom" ? "apps" : kind;
    return '<div class="pager">' +
      (pages > 1
        ? '<button type="button" class="btn btn-light btn-small" data-action="' + kind + '-prev" data-testid="' + testid + '-prev"' +
          (page <= 0 ? " disabled" : "") + ">‹ Prev</button>" +
          '<span data-testid="' + testid + '-page">page ' + (page + 1) + " of " + pages + "</span>" +
          '<button type="button" class="btn btn-light btn-small" data-action="' + kind + '-next" data-testid="' + testid + '-next"' +
          (page >= pages - 1 ? " disabled" : "") + ">Next ›</button>"
        : "") +
      (label ? '<span class="muted">' + esc(label) + "</span>" : "") + "</div>";
  }

  function instanceTable(g, list) {
    const pages = Math.max(1, Math.ceil(list.length / INSTANCES_PER_PAGE));
    let page = state.groupPages.get(g.name) || 0;
    if (page >= pages) page = pages - 1;
    const first = page * INSTANCES_PER_PAGE;
    let h = '<table class="inner"><thead><tr><th>Instance</th><th>Host</th><th>Address</th><th>Status</th>' +
      "<th>Zone</th><th>Links</th></tr></thead><tbody>";
    for (const i of list.slice(first, first + INSTANCES_PER_PAGE)) {
      const links = [];
      if (i.statusPageUrl) links.push(link(i.statusPageUrl, "status"));
      if (i.homePageUrl) links.push(link(i.homePageUrl, "home"));
      if (i.healthCheckUrl) links.push(link(i.healthCheckUrl, "health"));
      h += '<tr data-testid="instance-row" data-app="' + esc(g.name) + '" data-id="' + esc(i.id) + '">' +
        '<td><button type="button" class="link-btn mono" data-action="open" data-testid="instance-open" data-app="' +
        esc(g.name) + '" data-id="' + esc(i.id) + '">' + esc(i.id) + "</button></td>" +
        "<td>" + esc(i.host) + '</td><td class="mono">' + esc(i.ip) + (i.port !== undefined && i.port !== null ? ":" + esc(i.port) : "") +
        (i.securePort !== null && i.securePort !== undefined ? ' <span class="muted">(secure ' + esc(i.securePort) + ")</span>" : "") +
        "</td><td>" + badge(i.status) +
        (i.override !== "UNKNOWN" ? ' <span class="badge badge-outline" title="status override">override ' + esc(i.override) + "</span>" : "") +
        "</td><td>" + esc(i.zone) + "</td><td>" + (links.join(" · ") || "–") + "</td></tr>";
    }
    h += "</tbody></table>";
    if (pages > 1) {
      h += '<div class="pager"><button type="button" class="btn btn-light btn-small" data-action="group-prev" data-testid="group-prev" data-app="' +
        esc(g.name) + '"' + (page <= 0 ? " disabled" : "") + ">‹ Prev</button><span>instances " + (first + 1) + "–" +
        Math.min(first + INSTANCES_PER_PAGE, list.length) + " of " + list.length + '</span><button type="button" class="btn btn-light btn-small" data-action="group-next" data-testid="group-next" data-app="' +
        esc(g.name) + '"' + (page >= pages - 1 ? " disabled" : "") + ">Next ›</button></div>";
    }
    return h;
  }

  function loadCells(load) {
    const l = load || {};
    return [fmtNum(l.mailbox_depth), fmtNum(l.messages_per_second), fmtNum(l.messages_total)];
  }
  function loadRows(load) {
    const [depth, rate, total] = loadCells(load);
    return [["mailbox depth", depth], ["messages / s (10 s)", rate], ["messages handled", total]];
  }

  function renderActors() {
    const a = state.actors;
    if (!a) return;
    const d = a.directory || {};
    setHtml("actors-directory", kvTable([
      ["applications", fmtNum(d.applications)],
      ["registry actors", fmtNum(d.registry_actors)],
      ["instances", fmtNum(d.instances)],
      ["cached payloads", fmtNum(d.cached_payloads) + " (" + fmtBytes(d.cached_payload_bytes) + ")"],
      ["delta queue", fmtNum(d.delta_queue_length) + " (" + fmtBytes(d.delta_queue_bytes) + ")"],
      ["registrations", fmtNum(d.registrations_total)],
      ["renewals", fmtNum(d.renewals_total)],
      ["cancels", fmtNum(d.cancels_total)],
      ["evictions", fmtNum(d.evictions_total)],
      ["status changes", fmtNum(d.status_changes_total)],
      ...loadRows(d.load),
      ...loadRows(d.reader_load).map(([k, v]) => ["reader: " + k, v]),
    ], "directory-table"));

    const e = a.eviction;
    if (e) {
      setHtml("actors-eviction", kvTable([
        ["last sweep", timeCell(e.last_sweep_ms), "eviction-last-sweep"],
        ["next sweep", timeCell(e.next_sweep_ms)],
        ["sweeps", fmtNum(e.sweeps_total), "eviction-sweeps"],
        ["last sweep: expired / evicted", fmtNum(e.last_expired) + " / " + fmtNum(e.last_evicted), "eviction-evicted"],
        ["evictions (total)", fmtNum(e.evictions_total)],
        ["leases", fmtNum(e.leases)],
        ["renews last minute / threshold", fmtNum(e.renews_last_minute) + " / " + fmtNum(e.renew_threshold)],
        ["lease expiration enabled", yesNo(e.lease_expiration_enabled)],
        ["self-preservation", (e.self_preservation_enabled ? "enabled" : "disabled") + (e.self_preservation_active ? ", ACTIVE" : ", not active")],
        ["decision", esc(e.decision), "eviction-decision"],
        ...loadRows(e.load),
      ], "eviction-table"));
    } else {
      setHtml("actors-eviction", '<p class="empty">no report</p>');
    }

    const gw = a.gateway || {};
    setHtml("actors-gateway", kvTable([
      ["open connections", fmtNum(gw.connections_open), "gateway-connections"],
      ["accepted / rejected", fmtNum(gw.connections_accepted) + " / " + fmtNum(gw.connections_rejected)],
      ["accepting", yesNo(gw.accepting)],
      ["bytes received / sent", fmtBytes(gw.bytes_received) + " / " + fmtBytes(gw.bytes_sent)],
      ["output buffered / pinned", fmtBytes(gw.output_buffered_bytes) + " / " + fmtBytes(gw.output_pinned_bytes)],
    ], "gateway-table"));

    const reqs = arr(gw.requests).slice().sort((x, y) =>
      String(x.route) < String(y.route) ? -1 : String(x.route) > String(y.route) ? 1 : num(x.code) - num(y.code));
    let h;
    if (reqs.length === 0) {
      h = '<p class="empty">no requests yet</p>';
    } else {
      h = '<div class="scroll"><table><thead><tr><th>Route</th><th class="num">Code</th><th class="num">Requests</th></tr></thead><tbody>';
      for (const r of reqs) {
        h += '<tr data-testid="gateway-request-row"><td class="mono">' + esc(r.route) + '</td><td class="num">' + esc(r.code) +
          '</td><td class="num">' + fmtNum(r.count) + "</td></tr>";
      }
      h += "</tbody></table></div>";
    }
    setHtml("actors-gateway-requests", h);

    renderRegistries();
    renderReplication();
  }

  const REG_COLUMNS = [
    ["app", "Application", (r) => String(r.app || "")],
    ["instances", "Leases", (r) => num(r.instances)],
    ["status", "Status", (r) => num(r.status_counts && r.status_counts.UP)],
    ["overrides", "Overrides", (r) => num(r.overrides)],
    ["renews", "Renews / min", (r) => num(r.renews_last_minute)],
    ["mailbox", "Mailbox", (r) => num(r.load && r.load.mailbox_depth)],
    ["rate", "Msg / s", (r) => num(r.load && r.load.messages_per_second)],
    ["messages", "Messages", (r) => num(r.load && r.load.messages_total)],
    ["registrations", "Registrations", (r) => num(r.registrations_total)],
    ["renewals", "Renewals", (r) => num(r.renewals_total)],
    ["cancels", "Cancels", (r) => num(r.cancels_total)],
    ["evictions", "Evictions", (r) => num(r.evictions_total)],
    ["changes", "Status changes", (r) => num(r.status_changes_total)],
  ];

  function renderRegistries() {
    const a = state.actors;
    if (!a) return;
    let rows = arr(a.registries);
    // The instance filter applies here too: the applications it shows (or, before the registry
    // is loaded, the application names containing the text).
    if (state.filterText.trim() || state.filterStatus) {
      if (state.model) {
        const keep = new Set(filtered().map((f) => f.group.name));
        rows = rows.filter((r) => keep.has(String(r.app)));
      } else {
        const t = state.filterText.trim().toLowerCase();
        rows = rows.filter((r) => String(r.app).toLowerCase().includes(t));
      }
    }
    const col = REG_COLUMNS.find((c) => c[0] === state.regSort.key) || REG_COLUMNS[0];
    const dir = state.regSort.asc ? 1 : -1;
    rows = rows.slice().sort((x, y) => {
      const a1 = col[2](x), b1 = col[2](y);
      if (a1 < b1) return -dir;
      if (a1 > b1) return dir;
      return String(x.app) < String(y.app) ? -1 : 1;
    });
    const pages = Math.max(1, Math.ceil(rows.length / REGISTRIES_PER_PAGE));
    if (state.regPage >= pages) state.regPage = pages - 1;
    const first = state.regPage * REGISTRIES_PER_PAGE;
    let h = "";
    if (num(a.registries_unanswered) > 0) {
      h += '<p class="form-error" data-testid="registries-unanswered">' + fmtNum(a.registries_unanswered) +
        " registry actor(s) did not answer in time.</p>";
    }
    if (rows.length === 0) {
      setHtml("actors-registries", h + '<p class="empty">no registry actor' + (arr(a.registries).length ? " matches the filter" : "") + "</p>");
      return;
    }
    if (pages > 1) {
      h += '<div class="pager"><button type="button" class="btn btn-light btn-small" data-action="reg-prev" data-testid="registries-prev"' +
        (state.regPage <= 0 ? " disabled" : "") + '>‹ Prev</button><span>actors ' + (first + 1) + "–" +
        Math.min(first + REGISTRIES_PER_PAGE, rows.length) + " of " + rows.length +
        '</span><button type="button" class="btn btn-light btn-small" data-action="reg-next" data-testid="registries-next"' +
        (state.regPage >= pages - 1 ? " disabled" : "") + ">Next ›</button></div>";
    }
    h += '<div class="scroll"><table data-testid="registries-table"><thead><tr>';
    for (const [key, label] of REG_COLUMNS) {
      const sorted = key === state.regSort.key;
      h += '<th class="sortable' + (key === "app" || key === "status" ? "" : " num") + (sorted ? " sorted" + (state.regSort.asc ? " asc" : "") : "") +
        '" data-action="sort" data-key="' + key + '" title="sort">' + label + "</th>";
    }
    h += "</tr></thead><tbody>";
    for (const r of rows.slice(first, first + REGISTRIES_PER_PAGE)) {
      const l = r.load || {};
      h += '<tr data-testid="registry-row" data-app="' + esc(r.app) + '"><td class="app-name">' + esc(r.app) +
        '</td><td class="num" data-testid="registry-instances">' + fmtNum(r.instances) + "</td><td>" + countsHtml(r.status_counts, true) +
        '</td><td class="num">' + fmtNum(r.overrides) + '</td><td class="num">' + fmtNum(r.renews_last_minute) +
        '</td><td class="num" data-testid="registry-mailbox">' + fmtNum(l.mailbox_depth) + '</td><td class="num">' + fmtNum(l.messages_per_second) +
        '</td><td class="num">' + fmtNum(l.messages_total) + '</td><td class="num">' + fmtNum(r.registrations_total) +
        '</td><td class="num">' + fmtNum(r.renewals_total) + '</td><td class="num">' + fmtNum(r.cancels_total) +
        '</td><td class="num">' + fmtNum(r.evictions_total) + '</td><td class="num">' + fmtNum(r.status_changes_total) + "</td></tr>";
    }
    setHtml("actors-registries", h + "</tbody></table></div>");
  }

  function renderReplication() {
    const rep = state.actors && state.actors.replication;
    if (!rep) {
      setHtml("actors-replication", '<p class="empty" data-testid="replication-none">no cluster: this node has no peers.</p>');
      return;
    }
    let h = "<p>start-up sync: " + (rep.ready ? okBadge(true, "done", "") : okBadge(false, "", "in progress")) + "</p>";
    const peers = arr(rep.peers);
    if (peers.length === 0) {
      setHtml("actors-replication", h + '<p class="empty">no peers</p>');
      return;
    }
    h += '<div class="scroll"><table data-testid="peers-table"><thead><tr><th>Peer</th><th>Kind</th><th>Link</th>' +
      '<th class="num">Queued</th><th class="num">Queued items</th><th class="num">Batches in flight</th>' +
      '<th class="num">Batches sent</th><th class="num">Items sent</th><th class="num">Heartbeats coalesced</th>' +
      '<th class="num">Failures</th><th class="num">Overflows</th><th class="num">Catch-ups</th><th>Last ack</th>' +
      '<th class="num">Lag</th><th>State</th></tr></thead><tbody>';
    for (const p of peers) {
      const st = [];
      if (p.catching_up) st.push("catching up");
      if (p.paused) st.push("paused");
      h += '<tr data-testid="peer-row"><td>' + link(p.url) +
        (p.node_id ? '<br><span class="muted small mono">' + esc(p.node_id) + "</span>" : "") + "</td><td>" + esc(p.kind) +
        "</td><td>" + okBadge(!!p.link_up, "up", "down") + '</td><td class="num">' + fmtBytes(p.queued_bytes) +
        '</td><td class="num">' + fmtNum(p.queued_items) + '</td><td class="num">' + fmtNum(p.batches_in_flight) +
        '</td><td class="num">' + fmtNum(p.batches_sent) + '</td><td class="num">' + fmtNum(p.items_sent) +
        '</td><td class="num">' + fmtNum(p.heartbeats_coalesced) + '</td><td class="num">' + fmtNum(p.failures) +
        '</td><td class="num">' + fmtNum(p.overflows) + '</td><td class="num">' + fmtNum(p.catch_ups) +
        "</td><td>" + timeCell(p.last_ack_ms) + '</td><td class="num">' + (p.lag_ms === null || p.lag_ms === undefined ? "–" : fmtNum(p.lag_ms) + " ms") +
        "</td><td>" + (st.length ? esc(st.join(", ")) : "ok") + "</td></tr>";
    }
    setHtml("actors-replication", h + "</tbody></table></div>");
  }

  // ---- instance detail ----------------------------------------------------------------------

  function openDetail(app, id) {
    state.detail = { app, id, doc: null, gone: false, error: null };
    $("detail-title").textContent = app + " / " + id;
    state.lastHtml.delete("detail-body");
    setHtml("detail-body", '<p class="empty">loading…</p>');
    $("detail-overlay").hidden = false;
    renderActionsState();
    loadDetail();
  }

  function closeDetail() {
    state.detail = null;
    $("detail-overlay").hidden = true;
  }

  async function loadDetail() {
    const d = state.detail;
    if (!d) return;
    try {
      const doc = await api("GET", "/apps/" + enc(d.app) + "/" + enc(d.id));
      if (state.detail !== d) return;
      d.doc = doc && doc.instance ? doc.instance : doc;
      d.gone = false;
      d.error = null;
    } catch (err) {
      if (state.detail !== d) return;
      if (err instanceof ApiError && err.status === 404) d.gone = true;
      else d.error = describe(err);
    }
    renderDetail();
  }

  function renderDetail() {
    const d = state.detail;
    if (!d) return;
    let h = "";
    if (d.gone) {
      h += '<p class="banner" data-testid="detail-gone">This instance is no longer registered.</p>';
    } else if (d.error) {
      h += '<p class="form-error">' + esc(d.error) + "</p>";
    }
    const i = d.doc;
    if (i && !d.gone) {
      const dc = i.dataCenterInfo || {};
      const li = i.leaseInfo || {};
      const override = overrideOf(i);
      h += "<h3>Instance</h3>" + kvTable([
        ["status", badge(String(i.status || "UNKNOWN")), "detail-status"],
        ["overridden status", override === "UNKNOWN" ? '<span class="muted">none (UNKNOWN)</span>' : badge(override), "detail-override"],
        ["application", esc(i.app)],
        ["instance id", '<span class="mono">' + esc(i.instanceId || i.hostName) + "</span>"],
        ["host name", esc(i.hostName)],
        ["ip address", '<span class="mono">' + esc(i.ipAddr) + "</span>"],
        ["port", esc(portOf(i.port)) + (portEnabled(i.port) ? "" : ' <span class="muted">(disabled)</span>')],
        ["secure port", esc(portOf(i.securePort)) + (portEnabled(i.securePort) ? "" : ' <span class="muted">(disabled)</span>')],
        ["vip / secure vip", esc(i.vipAddress) + " / " + esc(i.secureVipAddress)],
        ["zone", esc(zoneOf(i))],
        ["data center", esc(dc.name)],
        ["app group", esc(i.appGroupName)],
        ["last updated", timeCell(i.lastUpdatedTimestamp)],
        ["last dirty", timeCell(i.lastDirtyTimestamp)],
        ["action type", esc(i.actionType)],
      ], "detail-instance");
      h += "<h3>Lease</h3>" + kvTable([
        ["registered", timeCell(li.registrationTimestamp), "lease-registration"],
        ["last renewal", timeCell(li.lastRenewalTimestamp), "lease-last-renewal"],
        ["service up", timeCell(li.serviceUpTimestamp)],
        ["evicted", timeCell(li.evictionTimestamp)],
        ["renewal interval", li.renewalIntervalInSecs !== undefined ? esc(li.renewalIntervalInSecs) + " s" : "–"],
        ["lease duration", li.durationInSecs !== undefined ? esc(li.durationInSecs) + " s" : "–"],
      ], "detail-lease");
      h += "<h3>Links</h3>" + kvTable([
        ["home page", link(i.homePageUrl)],
        ["status page", link(i.statusPageUrl)],
        ["health check", link(i.healthCheckUrl)],
        ["secure health check", link(i.secureHealthCheckUrl)],
      ], "detail-links");
      h += "<h3>Metadata</h3>" + metadataTable(i.metadata, "detail-metadata");
      if (dc.metadata && typeof dc.metadata === "object") {
        h += "<h3>Data center metadata</h3>" + metadataTable(dc.metadata, "detail-dc-metadata");
      }
    }
    setHtml("detail-body", h);
    renderActionsState();
  }

  function metadataTable(md, testid) {
    // "@class" is Jackson's type marker, never a key (metadata keys are XML element names).
    const keys = md && typeof md === "object" ? Object.keys(md).filter((k) => k !== "@class").sort() : [];
    if (keys.length === 0) return '<p class="empty" data-testid="' + testid + '">no metadata</p>';
    let h = '<table data-testid="' + testid + '"><thead><tr><th>Key</th><th>Value</th></tr></thead><tbody>';
    for (const k of keys) {
      const v = md[k];
      h += '<tr data-testid="metadata-row" data-key="' + esc(k) + '"><td class="mono">' + esc(k) + '</td><td class="mono">' +
        esc(typeof v === "object" ? JSON.stringify(v) : v) + "</td></tr>";
    }
    return h + "</tbody></table>";
  }

  function actionsAllowed() {
    const s = state.session;
    return !!(s && s.actions_enabled && arr(s.roles).includes("admin"));
  }

  function renderActionsState() {
    const s = state.session;
    const d = state.detail;
    let hint;
    if (!s) hint = "The session is unknown: actions are off.";
    else if (!s.actions_enabled) hint = "Actions are off on this node: no user has the admin role (eureka.auth.users).";
    else if (!s.user) hint = "Sign in as a user with the admin role to deregister or override.";
    else if (!arr(s.roles).includes("admin")) hint = "User " + s.user + " has no admin role: actions are refused.";
    else hint = "Signed in as " + s.user + " (admin). Each action asks for confirmation.";
    const allowed = actionsAllowed() && d && !d.gone;
    $("actions-hint").textContent = d && d.gone ? "The instance is gone: nothing to act on." : hint;
    for (const t of ["action-deregister", "action-override-set", "action-override-remove", "action-override-select"]) {
      $(t).disabled = !allowed;
    }
  }

  // ---- actions ------------------------------------------------------------------------------

  function confirmDialog(text) {
    return new Promise((resolve) => {
      state.confirmResolve = resolve;
      $("confirm-text").textContent = text;
      $("confirm-overlay").hidden = false;
      renderRefreshState();
      $("confirm-cancel").focus();
    });
  }
  function closeConfirm(answer) {
    const r = state.confirmResolve;
    state.confirmResolve = null;
    $("confirm-overlay").hidden = true;
    renderRefreshState();
    if (r) r(answer);
  }

  let resultTimer = null;
  function showResult(ok, text) {
    const el = $("action-result");
    el.textContent = text;
    el.className = "alert " + (ok ? "alert-ok" : "alert-error") + " toast";
    el.dataset.outcome = ok ? "ok" : "error";
    el.hidden = false;
    clearTimeout(resultTimer);
    resultTimer = setTimeout(() => (el.hidden = true), ok ? 8000 : 20000);
  }

  async function runAction(kind) {
    const d = state.detail;
    if (!d) return;
    const who = d.app + " / " + d.id;
    const base = "/apps/" + enc(d.app) + "/" + enc(d.id);
    let question, method, path;
    if (kind === "deregister") {
      question = "Deregister " + who + "? A client that still runs registers it again at its next heartbeat.";
      method = "DELETE";
      path = base;
    } else if (kind === "override-set") {
      const v = $("action-override-select").value;
      if (!STATUSES.includes(v)) return;
      question = "Set the status override of " + who + " to " + v + "?";
      method = "PUT";
      path = base + "/status?value=" + enc(v);
    } else {
      question = "Remove the status override of " + who + "? It shows UNKNOWN until its client's next heartbeat re-registers it.";
      method = "DELETE";
      path = base + "/status";
    }
    if (!(await confirmDialog(question))) return;
    try {
      const res = await api(method, path);
      showResult(true, (res && res.result ? res.result : "done") + ": " + who);
    } catch (err) {
      showResult(false, "Refused: " + describe(err));
    }
    await refresh();
  }

  // ---- sign-in ------------------------------------------------------------------------------

  function openSignin() {
    state.signinOpen = true;
    $("signin-error").hidden = true;
    $("signin-overlay").hidden = false;
    renderRefreshState();
    $("signin-user").focus();
  }
  function closeSignin() {
    state.signinOpen = false;
    $("signin-overlay").hidden = true;
    $("signin-password").value = "";
    renderRefreshState();
  }
  async function submitSignin(ev) {
    ev.preventDefault();
    const user = $("signin-user").value;
    const header = basicAuth(user, $("signin-password").value);
    const errEl = $("signin-error");
    try {
      const s = await api("GET", "/session", header);
      if (!s || !s.user) throw new ApiError(401, "the node did not accept the credentials");
      state.auth = header;
      sessionStorage.setItem(AUTH_KEY, header);
      state.session = s;
      closeSignin();
      await refresh();
    } catch (err) {
      errEl.textContent = err instanceof ApiError && err.status === 401 ? "Wrong user or password." : describe(err);
      errEl.hidden = false;
    }
  }
  function signOut() {
    state.auth = null;
    sessionStorage.removeItem(AUTH_KEY);
    refresh();
  }

  // ---- refresh loop -------------------------------------------------------------------------

  function paused() {
    return state.confirmResolve !== null || state.signinOpen || document.hidden;
  }
  function renderRefreshState() {
    const el = $("refresh-state");
    if (paused()) {
      el.textContent = "refresh paused";
      el.dataset.paused = "true";
    } else {
      el.textContent = state.refreshes ? "updated " + fmtTime(Date.now()).slice(11) : "loading…";
      el.dataset.paused = "false";
    }
  }

  function showReadError(err) {
    const el = $("error");
    if (!err) {
      el.hidden = true;
      el.textContent = "";
      return;
    }
    el.textContent = describe(err);
    el.dataset.status = String(err.status === undefined ? "" : err.status);
    el.hidden = false;
  }

  async function refresh() {
    if (state.busy) {
      // An action or a sign-in during a poll: refresh again as soon as this one is done.
      state.again = true;
      return;
    }
    state.busy = true;
    try {
      const t0 = performance.now();
      const [session, overview, actors, apps] = await Promise.allSettled([
        api("GET", "/session"),
        api("GET", "/overview"),
        api("GET", "/actors"),
        api("GET", "/apps"),
      ]);
      const tFetched = performance.now();
      let firstError = null;
      const take = (r) => {
        if (r.status === "fulfilled") return r.value;
        if (!firstError) firstError = r.reason;
        return undefined;
      };
      const s = take(session);
      if (s !== undefined) state.session = s;
      else if (session.reason instanceof ApiError && session.reason.status === 401) {
        // Stored credentials the node no longer accepts: forget them, sign in again.
        if (state.auth) {
          state.auth = null;
          sessionStorage.removeItem(AUTH_KEY);
        }
        state.session = null;
      }
      const o = take(overview);
      if (o !== undefined) {
        state.overview = o;
        if (o && o.node && o.node.current_time_ms) state.clockOffset = num(o.node.current_time_ms) - Date.now();
      }
      const a = take(actors);
      if (a !== undefined) state.actors = a;
      const doc = take(apps);
      if (doc !== undefined) {
        const tm = performance.now();
        state.model = buildModel(doc);
        window.__consoleStats.lastModelMs = performance.now() - tm;
      }
      window.__consoleStats.lastFetchMs = tFetched - t0;
      showReadError(firstError);
      renderHeader();
      renderOverview();
      renderInstances();
      renderActors();
      if (state.detail) await loadDetail();
      else renderActionsState();
      state.refreshes++;
      document.body.dataset.refreshes = String(state.refreshes);
      window.__consoleStats.lastRefreshMs = performance.now() - t0;
    } catch (err) {
      // A bug in rendering must not stop the page from refreshing: show it.
      showReadError(err);
      console.error(err);
    } finally {
      state.busy = false;
      renderRefreshState();
      if (state.again) {
        state.again = false;
        setTimeout(refresh, 0); // besides the polling timer, which keeps its period
      }
    }
  }

  function schedule(ms) {
    clearTimeout(state.timer);
    state.timer = setTimeout(tick, ms);
  }
  async function tick() {
    if (paused()) {
      schedule(500);
      return;
    }
    await refresh();
    schedule(POLL_MS);
  }

  // ---- events -------------------------------------------------------------------------------

  let filterTimer = null;
  function onFilter() {
    clearTimeout(filterTimer);
    filterTimer = setTimeout(() => {
      state.filterText = $("filter-app").value;
      state.filterStatus = $("filter-status").value;
      state.appPage = 0;
      state.regPage = 0;
      state.collapsed.clear();
      renderInstances();
      renderRegistries();
    }, 120);
  }

  function onClick(ev) {
    const el = ev.target.closest("[data-action]");
    if (!el) return;
    const action = el.dataset.action;
    const app = el.dataset.app;
    switch (action) {
      case "toggle": {
        const open = el.getAttribute("aria-expanded") === "true";
        if (open) {
          state.expanded.delete(app);
          state.collapsed.add(app);
        } else {
          state.collapsed.delete(app);
          state.expanded.add(app);
        }
        renderInstances();
        break;
      }
      case "open":
        openDetail(app, el.dataset.id);
        break;
      case "apps-prev":
      case "apps-bottom-prev":
        state.appPage = Math.max(0, state.appPage - 1);
        renderInstances();
        break;
      case "apps-next":
      case "apps-bottom-next":
        state.appPage++;
        renderInstances();
        break;
      case "group-prev":
        state.groupPages.set(app, Math.max(0, (state.groupPages.get(app) || 0) - 1));
        renderInstances();
        break;
      case "group-next":
        state.groupPages.set(app, (state.groupPages.get(app) || 0) + 1);
        renderInstances();
        break;
      case "sort": {
        const key = el.dataset.key;
        if (state.regSort.key === key) state.regSort.asc = !state.regSort.asc;
        else state.regSort = { key, asc: key === "app" };
        renderRegistries();
        break;
      }
      case "reg-prev":
        state.regPage = Math.max(0, state.regPage - 1);
        renderRegistries();
        break;
      case "reg-next":
        state.regPage++;
        renderRegistries();
        break;
    }
  }

  function init() {
    window.__consoleStats = {};
    document.addEventListener("click", onClick);
    $("filter-app").addEventListener("input", onFilter);
    $("filter-status").addEventListener("change", onFilter);
    $("detail-close").addEventListener("click", closeDetail);
    $("detail-overlay").addEventListener("click", (ev) => {
      if (ev.target === $("detail-overlay")) closeDetail();
    });
    $("action-deregister").addEventListener("click", () => runAction("deregister"));
    $("action-override-set").addEventListener("click", () => runAction("override-set"));
    $("action-override-remove").addEventListener("click", () => runAction("override-remove"));
    $("confirm-ok").addEventListener("click", () => closeConfirm(true));
    $("confirm-cancel").addEventListener("click", () => closeConfirm(false));
    $("signin-open").addEventListener("click", openSignin);
    $("signin-cancel").addEventListener("click", closeSignin);
    $("signin-form").addEventListener("submit", submitSignin);
    $("signout").addEventListener("click", signOut);
    $("action-result").addEventListener("click", () => ($("action-result").hidden = true));
    document.addEventListener("keydown", (ev) => {
      if (ev.key !== "Escape") return;
      if (state.confirmResolve) closeConfirm(false);
      else if (state.signinOpen) closeSignin();
      else if (state.detail) closeDetail();
    });
    document.addEventListener("visibilitychange", () => {
      renderRefreshState();
      if (!document.hidden) schedule(0);
    });
    renderActionsState();
    tick();
  }

  init();
})();
