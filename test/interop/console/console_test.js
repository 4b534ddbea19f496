#!/usr/bin/env node
// End-to-end test of the admin web console: a real caf-eureka-node, Debian's Chromium driven
// headless by playwright-core (pinned in package-lock.json; nothing downloads a browser).
//
//   node console_test.js --node <caf-eureka-node> --out <dir> [--chromium /usr/bin/chromium]
//
// Steps (one PASS/FAIL line each, then `N passed, M failed`):
//   node_start            the node (admin users alice: admin, bob: read) serves / and /console/app.js
//   register              a few applications registered over the Eureka REST API, with metadata
//   instance_listed       (a) the page lists CONSOLE-DEMO/demo-1; its detail shows its metadata,
//                         registry values rendered as text (a script-like value runs nothing)
//   actor_state           (b) the registry actor of CONSOLE-DEMO with its two leases; the eviction
//                         actor's last sweep, moving (eviction every 1 s)
//   screenshot            (f) <out>/console.png, signed in as alice, a few applications
//   refused_without_admin (d) no credentials, then the read-only bob: action buttons disabled,
//                         the API answers 401/403 to the page's own DELETE/PUT, a wrong password
//                         is refused at sign-in, and the Eureka API shows nothing changed
//   admin_actions         (c) alice signs in through the form: set override OUT_OF_SERVICE, remove
//                         it, cancel a deregistration, deregister — each through the confirm
//                         dialog (refresh paused while it is open), each seen on the Eureka API
//   ten_thousand          (e) 10,000 instances: from navigation to a known instance found through
//                         the filter within the bound below, measured in the browser
//   reads_need_sign_in    a second node with read-without-auth=false: the page shows the 401 and
//                         no registry until the read-only user signs in
//   node_shutdown         SIGTERM: exit 0, no sanitizer report
"use strict";

const crypto = require("crypto");
const fs = require("fs");
const http = require("http");
const net = require("net");
const path = require("path");
const { spawn } = require("child_process");

const BOUND_10K_MS = 10000; // (e): navigation -> known instance listed through the filter
const BOUND_FILTER_MS = 1500; // (e): a filter change -> rows shown, once loaded
const TOTAL_10K = 10000;
const OVERALL_MS = 280000; // under CTest's 300 s

// ---- arguments and output ------------------------------------------------------------------

function parseArgs() {
  const out = { node: null, out: null, chromium: "/usr/bin/chromium" };
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i++) {
    const [k, v] = a[i].includes("=") ? a[i].split(/=(.*)/s) : [a[i], a[i + 1]];
    if (!a[i].includes("=")) i++;
    if (k === "--node") out.node = v;
    else if (k === "--out") out.out = v;
    else if (k === "--chromium") out.chromium = v;
    else throw new Error("unknown argument " + k);
  }
  if (!out.node || !out.out) throw new Error("usage: console_test.js --node BIN --out DIR [--chromium PATH]");
  return out;
}

function log(msg) {
  const t = new Date().toTimeString().slice(0, 8);
  process.stdout.write("[" + t + "] " + msg + "\n");
}

class StepFailed extends Error {}
function check(cond, msg) {
  if (!cond) throw new StepFailed(msg);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what, fn, timeoutMs, intervalMs = 100) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() >= deadline) throw new StepFailed("no " + what + " within " + timeoutMs / 1000 + " s");
    await sleep(intervalMs);
  }
}

// ---- the node ------------------------------------------------------------------------------

// The format of docs/admin-api.md (`caf-eureka-admin hash-password`): PBKDF2-HMAC-SHA256,
// pbkdf2-sha256$<iterations>$<salt>$<key>, standard padded base64. 1000 iterations (the least
// the node accepts) keep the test's password checks cheap under sanitizers.
function passwordHash(password, iterations = 1000) {
  const salt = crypto.randomBytes(16);
  const key = crypto.pbkdf2Sync(password, salt, iterations, 32, "sha256");
  return "pbkdf2-sha256$" + iterations + "$" + salt.toString("base64") + "$" + key.toString("base64");
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

class Node {
  constructor(bin, args, logPath) {
    this.lines = [];
    this.logPath = logPath;
    this.logFile = fs.openSync(logPath, "w");
    log("starting node: " + bin + " " + args.join(" "));
    // Its own process group, so that the whole group is signalled at the end.
    this.proc = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"], detached: true });
    this.exitCode = undefined;
    this.exited = new Promise((resolve) => this.proc.on("exit", (code, sig) => {
      this.exitCode = code === null ? "signal " + sig : code;
      resolve(this.exitCode);
    }));
    let buf = "";
    const onData = (d) => {
      fs.writeSync(this.logFile, d);
      buf += d.toString("utf8");
      const parts = buf.split("\n");
      buf = parts.pop();
      this.lines.push(...parts);
    };
    this.proc.stdout.on("data", onData);
    this.proc.stderr.on("data", onData);
  }
  alive() {
    return this.exitCode === undefined;
  }
  async stop(graceMs = 10000) {
    if (this.alive()) {
      try { process.kill(-this.proc.pid, "SIGTERM"); } catch (e) { /* gone */ }
      const t = await Promise.race([this.exited, sleep(graceMs).then(() => "timeout")]);
      if (t === "timeout") {
        try { process.kill(-this.proc.pid, "SIGKILL"); } catch (e) { /* gone */ }
        await this.exited;
        return "timeout";
      }
    }
    return this.exitCode;
  }
  kill() {
    try { process.kill(-this.proc.pid, "SIGKILL"); } catch (e) { /* gone */ }
  }
  tail(n) {
    return this.lines.slice(-n);
  }
}

// ---- HTTP (Node's own client, keep-alive) --------------------------------------------------

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

function request(port, method, urlPath, { body, headers = {}, timeout = 10000 } = {}) {
  return new Promise((resolve) => {
    const data = body === undefined ? null : Buffer.from(typeof body === "string" ? body : JSON.stringify(body));
    const h = { Accept: "application/json", ...headers };
    if (data) {
      h["Content-Type"] = h["Content-Type"] || "application/json";
      h["Content-Length"] = data.length;
    }
    const req = http.request({ host: "127.0.0.1", port, method, path: urlPath, headers: h, agent, timeout }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString("utf8"), headers: res.headers }));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (e) => resolve({ status: null, text: String(e) }));
    if (data) req.write(data);
    req.end();
  });
}

function instanceDoc(app, id, metadata, { status = "UP", zone } = {}) {
  const now = String(Date.now());
  const md = { ...(metadata || {}) };
  if (zone) md.zone = zone;
  return {
    instance: {
      instanceId: id, hostName: "host-" + id, app, ipAddr: "127.0.0.1", status, overriddenStatus: "UNKNOWN",
      port: { $: 8080, "@enabled": "true" }, securePort: { $: 8443, "@enabled": "false" }, countryId: 1,
      dataCenterInfo: { "@class": "com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo", name: "MyOwn" },
      leaseInfo: { renewalIntervalInSecs: 30, durationInSecs: 90 },
      metadata: Object.keys(md).length ? md : { "@class": "java.util.Collections$EmptyMap" },
      homePageUrl: "http://host-" + id + ":8080/", statusPageUrl: "http://host-" + id + ":8080/info",
      healthCheckUrl: "http://host-" + id + ":8080/health",
      vipAddress: app.toLowerCase(), secureVipAddress: app.toLowerCase(), isCoordinatingDiscoveryServer: "false",
      lastUpdatedTimestamp: now, lastDirtyTimestamp: now,
    },
  };
}

// ---- the scenario --------------------------------------------------------------------------

const DEMO = "CONSOLE-DEMO";
const SCRIPTY = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>';
const DEMO_METADATA = { version: "1.4.2", team: "payments", note: SCRIPTY };

class Scenario {
  constructor(args) {
    this.args = args;
    this.results = [];
    this.node = null;
    this.browser = null;
    this.port = 0;
    this.alicePw = "alice-" + crypto.randomBytes(6).toString("hex");
    this.bobPw = "bob-" + crypto.randomBytes(6).toString("hex");
    this.dialogs = [];
  }

  get root() {
    return "http://127.0.0.1:" + this.port;
  }
  basic(user, pw) {
    return "Basic " + Buffer.from(user + ":" + pw).toString("base64");
  }

  async step(name, fn, prerequisiteOk = true) {
    if (!prerequisiteOk) {
      this.record(name, false, "not run: a step it depends on failed");
      return false;
    }
    const t0 = Date.now();
    try {
      const detail = await fn.call(this);
      this.record(name, true, detail + " (" + ((Date.now() - t0) / 1000).toFixed(1) + "s)");
      return true;
    } catch (e) {
      const msg = e instanceof StepFailed ? e.message : "driver error " + (e && e.stack ? e.stack : e);
      this.record(name, false, msg + " (" + ((Date.now() - t0) / 1000).toFixed(1) + "s)");
      return false;
    }
  }
  record(name, ok, detail) {
    this.results.push([name, ok]);
    log((ok ? "PASS " : "FAIL ") + name + ": " + detail);
  }

  // Eureka's view of an instance: the instance, or null on 404.
  async eurekaInstance(app, id) {
    const r = await request(this.port, "GET", "/eureka/apps/" + encodeURIComponent(app) + "/" + encodeURIComponent(id));
    if (r.status === 404) return null;
    check(r.status === 200, "GET /eureka/apps/" + app + "/" + id + " answered " + r.status + ": " + r.text.slice(0, 200));
    return JSON.parse(r.text).instance;
  }

  async register(app, id, metadata, opts) {
    const r = await request(this.port, "POST", "/eureka/apps/" + encodeURIComponent(app), { body: instanceDoc(app, id, metadata, opts) });
    check(r.status === 204, "POST /eureka/apps/" + app + " (" + id + ") answered " + r.status + ": " + r.text.slice(0, 200));
  }

  async newPage(viewport = { width: 1400, height: 1000 }) {
    const context = await this.browser.newContext({ viewport });
    const page = await context.newPage();
    page.setDefaultTimeout(15000);
    page.on("pageerror", (e) => this.dialogs.push("page error: " + e.message));
    page.on("dialog", (d) => {
      // The console has its own dialogs: a native one (alert from injected markup, confirm) is a bug.
      this.dialogs.push("native dialog: " + d.type() + " " + d.message());
      d.dismiss().catch(() => {});
    });
    return page;
  }
  tid(page, id) {
    return page.locator('[data-testid="' + id + '"]');
  }
  row(page, app, id) {
    return page.locator('[data-testid="instance-row"][data-app="' + app + '"][data-id="' + id + '"]');
  }

  // -- steps ----------------------------------------------------------------------------------

  async stepNodeStart() {
    this.port = await freePort();
    const users = "alice:admin:" + passwordHash(this.alicePw) + ",bob:read:" + passwordHash(this.bobPw);
    const args = [
      "--server.port=" + this.port,
      "--eureka.server.eviction-interval-timer-in-ms=1000",
      "--eureka.admin.users=" + users,
    ];
    this.node = new Node(this.args.node, args, path.join(this.args.out, "node.log"));
    await waitFor("GET /ready 200", async () => {
      check(this.node.alive(), "the node exited with " + this.node.exitCode);
      return (await request(this.port, "GET", "/ready", { timeout: 2000 })).status === 200;
    }, 30000, 200);
    const page = await request(this.port, "GET", "/", { headers: { Accept: "text/html" } });
    check(page.status === 200 && /text\/html/.test(page.headers["content-type"] || ""),
      "GET / answered " + page.status + " " + page.headers["content-type"]);
    check(page.text.includes("/console/app.js"), "GET / is not the console's page");
    for (const f of ["/console/app.js", "/console/style.css"]) {
      const r = await request(this.port, "GET", f, { headers: { Accept: "*/*" } });
      check(r.status === 200 && r.text.length > 100, "GET " + f + " answered " + r.status);
    }
    return "node on port " + this.port + " serves / and /console/{app.js,style.css}";
  }

  async stepRegister() {
    await this.register(DEMO, "demo-1", DEMO_METADATA, { zone: "zone-a" });
    await this.register(DEMO, "demo-2", { version: "1.4.1" }, { zone: "zone-b" });
    const more = [
      ["ORDER", "order-1", "UP", "zone-a"], ["ORDER", "order-2", "UP", "zone-b"], ["ORDER", "order-3", "DOWN", "zone-a"],
      ["PAYMENT", "payment-1", "UP", "zone-a"], ["PAYMENT", "payment-2", "STARTING", "zone-b"],
      ["INVENTORY", "inventory-1", "UP", "zone-a"], ["USER-PROFILE", "user-profile-1", "UP", "zone-b"],
    ];
    for (const [app, id, status, zone] of more) await this.register(app, id, { version: "2.0." + id.length }, { status, zone });
    const inst = await this.eurekaInstance(DEMO, "demo-1");
    check(inst && inst.metadata && inst.metadata.version === "1.4.2", "demo-1 is not registered with its metadata");
    return "9 instances in 5 applications (" + DEMO + "/demo-1 with metadata)";
  }

  async stepInstanceListed() {
    const page = await this.newPage();
    await page.goto(this.root + "/");
    await this.tid(page, "filter-app").fill("console-demo");
    const row = this.row(page, DEMO, "demo-1");
    await row.waitFor();
    check(await this.row(page, DEMO, "demo-2").count() === 1, "demo-2 is not listed next to demo-1");
    check(await this.row(page, "ORDER", "order-1").count() === 0, "the filter did not hide ORDER");
    const zone = await row.locator("td").nth(4).textContent();
    check(zone.trim() === "zone-a", "demo-1's zone shows as '" + zone + "'");
    await row.locator('[data-testid="instance-open"]').click();
    const md = this.tid(page, "detail-metadata");
    const version = md.locator('[data-testid="metadata-row"][data-key="version"] td').nth(1);
    await page.waitForFunction(() => {
      const r = document.querySelector('[data-testid="detail-metadata"] [data-key="version"] td:nth-child(2)');
      return r && r.textContent === "1.4.2";
    });
    check((await version.textContent()) === "1.4.2", "metadata version not shown");
    const team = await md.locator('[data-key="team"] td').nth(1).textContent();
    check(team === "payments", "metadata team shows '" + team + "'");
    // The script-like value is shown as text and nothing in it ran.
    const note = await md.locator('[data-key="note"] td').nth(1).textContent();
    check(note === SCRIPTY, "metadata note shows '" + note + "', want the raw text");
    const injected = await page.evaluate(() => ({
      xss: window.__xss,
      imgs: document.querySelectorAll('[data-testid="instance-detail"] img').length,
      scripts: document.querySelectorAll("body script").length,
    }));
    check(injected.xss === undefined && injected.imgs === 0 && injected.scripts === 1,
      "registry text became markup: " + JSON.stringify(injected));
    check((await this.tid(page, "detail-status").textContent()).includes("UP"), "detail status is not UP");
    check((await this.tid(page, "lease-registration").textContent()).match(/\d{4}-\d\d-\d\d/), "no registration timestamp");
    check((await this.tid(page, "detail-links").locator("a").count()) >= 3, "detail lacks the instance's links");
    await page.context().close();
    return "listed under the filter 'console-demo' with zone-a; detail shows version=1.4.2, team=payments and the script-like note as text";
  }

  async stepActorState() {
    const page = await this.newPage();
    await page.goto(this.root + "/");
    const reg = page.locator('[data-testid="registry-row"][data-app="' + DEMO + '"]');
    await reg.waitFor();
    const leases = (await reg.locator('[data-testid="registry-instances"]').textContent()).trim();
    check(leases === "2", DEMO + "'s registry actor shows " + leases + " leases, want 2");
    const mailbox = (await reg.locator('[data-testid="registry-mailbox"]').textContent()).trim();
    check(/^\d[\d,]*$/.test(mailbox), "mailbox depth shows '" + mailbox + "'");
    const sweep = this.tid(page, "eviction-last-sweep");
    const first = (await sweep.textContent()).trim();
    check(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/.test(first), "eviction last sweep shows '" + first + "'");
    const sweeps0 = Number((await this.tid(page, "eviction-sweeps").textContent()).replace(/,/g, ""));
    // The eviction actor sweeps every second and the page refreshes itself: the figure moves.
    const sweeps1 = await waitFor("a later eviction sweep on the page", async () => {
      const n = Number((await this.tid(page, "eviction-sweeps").textContent()).replace(/,/g, ""));
      return n > sweeps0 ? n : 0;
    }, 12000, 250);
    const decision = (await this.tid(page, "eviction-decision").textContent()).trim();
    check(decision.length > 10, "no self-preservation decision sentence");
    const dir = (await this.tid(page, "actors-directory").textContent());
    check(/registry actors\s*5/.test(dir), "directory block does not show 5 registry actors: " + dir.slice(0, 200));
    check(await this.tid(page, "replication-none").count() === 1, "replication is not shown as 'no cluster'");
    check(await page.locator('[data-testid="gateway-request-row"]').count() > 0, "no gateway requests by route");
    await page.context().close();
    return DEMO + " actor with 2 leases, mailbox " + mailbox + "; last sweep " + first + ", sweeps " + sweeps0 + " -> " + sweeps1 +
      "; decision: " + decision;
  }

  async stepScreenshot() {
    // One tall viewport from the top of the page: the sticky header stays where it belongs and
    // the picture shows status, instances and the actors, not the whole (long) page.
    const page = await this.newPage({ width: 1360, height: 2100 });
    await page.goto(this.root + "/");
    await this.signIn(page, "alice", this.alicePw);
    await this.tid(page, "app-toggle").first().waitFor();
    // Open two groups so that the picture shows instances with statuses, zones and links.
    for (const app of ["CONSOLE-DEMO", "ORDER"]) {
      await page.locator('[data-testid="app-toggle"][data-app="' + app + '"]').click();
      await this.row(page, app, app === "ORDER" ? "order-1" : "demo-1").waitFor();
    }
    await page.waitForFunction(() => Number(document.body.dataset.refreshes || 0) >= 2);
    const file = path.join(this.args.out, "console.png");
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: file });
    await page.context().close();
    const size = fs.statSync(file).size;
    check(size > 20000, "screenshot is only " + size + " bytes");
    return "wrote " + file + " (" + size + " bytes)";
  }

  async signIn(page, user, pw) {
    await this.tid(page, "signin-open").click();
    await this.tid(page, "signin-user").fill(user);
    await this.tid(page, "signin-password").fill(pw);
    await this.tid(page, "signin-submit").click();
  }

  // Statuses of the page's own DELETE / PUT (fetch from the page, as a script on it would).
  async pageActions(page, auth) {
    return page.evaluate(async ([app, id, auth]) => {
      const h = auth ? { Authorization: auth } : {};
      const base = "/admin/api/apps/" + encodeURIComponent(app) + "/" + encodeURIComponent(id);
      const out = {};
      for (const [name, method, p] of [["deregister", "DELETE", base], ["override", "PUT", base + "/status?value=OUT_OF_SERVICE"],
        ["remove_override", "DELETE", base + "/status"]]) {
        const r = await fetch(p, { method, headers: h, credentials: "omit" });
        let body = null;
        try { body = await r.json(); } catch (e) { /* not JSON */ }
        out[name] = [r.status, body && body.error];
      }
      return out;
    }, [DEMO, "demo-1", auth]);
  }

  async unchanged() {
    for (const id of ["demo-1", "demo-2"]) {
      const inst = await this.eurekaInstance(DEMO, id);
      check(inst !== null, DEMO + "/" + id + " was deregistered");
      check(inst.status === "UP", DEMO + "/" + id + " status is " + inst.status);
      const o = inst.overriddenStatus || inst.overriddenstatus;
      check(o === "UNKNOWN", DEMO + "/" + id + " has override " + o);
    }
  }

  async openDetail(page, app, id) {
    await this.tid(page, "filter-app").fill(id);
    await this.row(page, app, id).locator('[data-testid="instance-open"]').click();
    await this.tid(page, "detail-status").waitFor();
  }

  async stepRefused() {
    const page = await this.newPage();
    await page.goto(this.root + "/");
    // No credentials: reads are open (read-without-auth), actions are not.
    await page.waitForFunction(() => Number(document.body.dataset.refreshes || 0) >= 1);
    await this.openDetail(page, DEMO, "demo-1");
    for (const b of ["action-deregister", "action-override-set", "action-override-remove"]) {
      check(await this.tid(page, b).isDisabled(), b + " is enabled without credentials");
    }
    const hintAnon = await this.tid(page, "actions-hint").textContent();
    const anon = await this.pageActions(page, null);
    for (const [k, [status]] of Object.entries(anon)) {
      check(status === 401 || status === 403, "without credentials, " + k + " answered " + status);
    }
    const session = await page.evaluate(async () => (await fetch("/admin/api/session", { credentials: "omit" })).json());
    check(session.user === null, "anonymous session is " + JSON.stringify(session));
    await this.unchanged();
    await this.tid(page, "detail-close").click();

    // A wrong password is refused at sign-in.
    await this.signIn(page, "alice", "not-" + this.alicePw);
    await this.tid(page, "signin-error").waitFor();
    const wrong = await this.tid(page, "signin-error").textContent();
    await this.tid(page, "signin-cancel").click();

    // The read-only user: signed in, actions still off.
    await this.signIn(page, "bob", this.bobPw);
    await page.waitForFunction(() => document.querySelector('[data-testid="session-user"]').textContent.startsWith("bob"));
    await this.openDetail(page, DEMO, "demo-1");
    for (const b of ["action-deregister", "action-override-set", "action-override-remove"]) {
      check(await this.tid(page, b).isDisabled(), b + " is enabled for the read-only user");
    }
    const bob = await this.pageActions(page, this.basic("bob", this.bobPw));
    for (const [k, [status]] of Object.entries(bob)) check(status === 403, "bob's " + k + " answered " + status + ", want 403");
    await this.unchanged();
    await page.context().close();
    return "buttons disabled ('" + hintAnon.trim() + "'); anonymous " + JSON.stringify(anon) + "; wrong password: '" +
      wrong.trim() + "'; bob " + JSON.stringify(bob) + "; Eureka API: both instances UP, no override";
  }

  async confirm(page, expectText) {
    const dlg = this.tid(page, "confirm-dialog");
    await dlg.waitFor();
    const text = await this.tid(page, "confirm-text").textContent();
    check(text.includes(expectText), "confirm dialog says '" + text + "', want it to name " + expectText);
    return text;
  }

  async stepAdminActions() {
    const page = await this.newPage();
    await page.goto(this.root + "/");
    await this.signIn(page, "alice", this.alicePw);
    await page.waitForFunction(() => document.querySelector('[data-testid="session-user"]').textContent.startsWith("alice"));
    await this.openDetail(page, DEMO, "demo-1");
    await page.waitForFunction(() => !document.querySelector('[data-testid="action-override-set"]').disabled);

    // Set an override; the page does not refresh while the dialog is open.
    await this.tid(page, "action-override-select").selectOption("OUT_OF_SERVICE");
    await this.tid(page, "action-override-set").click();
    await this.confirm(page, "demo-1");
    const paused = await this.tid(page, "refresh-state").getAttribute("data-paused");
    check(paused === "true", "refresh not paused while the confirm dialog is open");
    const r0 = await page.evaluate(() => document.body.dataset.refreshes);
    await sleep(3500); // longer than the polling period
    const r1 = await page.evaluate(() => document.body.dataset.refreshes);
    check(r0 === r1, "the page refreshed (" + r0 + " -> " + r1 + ") while the confirm dialog was open");
    check((await this.eurekaInstance(DEMO, "demo-1")).status === "UP", "the override was applied before confirming");
    await this.tid(page, "confirm-ok").click();
    await page.waitForFunction(() => document.querySelector('[data-testid="action-result"]').dataset.outcome === "ok");
    let inst = await waitFor("OUT_OF_SERVICE on the Eureka API", async () => {
      const i = await this.eurekaInstance(DEMO, "demo-1");
      return i && i.status === "OUT_OF_SERVICE" && (i.overriddenStatus || i.overriddenstatus) === "OUT_OF_SERVICE" ? i : null;
    }, 5000);
    await page.waitForFunction(() => document.querySelector('[data-testid="detail-override"]').textContent.includes("OUT_OF_SERVICE"));

    // Remove it.
    await this.tid(page, "action-override-remove").click();
    await this.confirm(page, "demo-1");
    await this.tid(page, "confirm-ok").click();
    inst = await waitFor("the override removed on the Eureka API", async () => {
      const i = await this.eurekaInstance(DEMO, "demo-1");
      return i && (i.overriddenStatus || i.overriddenstatus) === "UNKNOWN" ? i : null;
    }, 5000);
    const afterRemove = inst.status;

    // A cancelled deregistration changes nothing.
    await this.tid(page, "action-deregister").click();
    await this.confirm(page, "demo-1");
    await this.tid(page, "confirm-cancel").click();
    await sleep(500);
    check((await this.eurekaInstance(DEMO, "demo-1")) !== null, "cancelled deregistration deregistered demo-1");

    // Deregister demo-2.
    await this.tid(page, "detail-close").click();
    await this.openDetail(page, DEMO, "demo-2");
    await this.tid(page, "action-deregister").click();
    await this.confirm(page, "demo-2");
    await this.tid(page, "confirm-ok").click();
    await waitFor("demo-2 gone from the Eureka API", async () => (await this.eurekaInstance(DEMO, "demo-2")) === null, 5000);
    await this.tid(page, "detail-gone").waitFor();
    await this.tid(page, "detail-close").click();
    await this.row(page, DEMO, "demo-2").waitFor({ state: "detached" });
    check((await this.eurekaInstance(DEMO, "demo-1")) !== null, "demo-1 disappeared with demo-2");
    await page.context().close();
    return "override OUT_OF_SERVICE set (Eureka: status and overriddenStatus OUT_OF_SERVICE), removed (status " +
      afterRemove + ", override UNKNOWN), a cancelled deregistration kept demo-1, demo-2 deregistered (Eureka 404, gone from the page); " +
      "no refresh during the 3.5 s the dialog was open";
  }

  async stepTenThousand() {
    const apps = 100;
    const per = TOTAL_10K / apps;
    const name = (a) => "LOAD-" + String(a).padStart(3, "0");
    const id = (a, i) => "load-" + String(a).padStart(3, "0") + "-i-" + String(i).padStart(4, "0");
    const jobs = [];
    for (let a = 0; a < apps; a++) for (let i = 0; i < per; i++) jobs.push([name(a), id(a, i), i % 10 === 0 ? "DOWN" : "UP", i % 2 ? "zone-a" : "zone-b"]);
    const t0 = Date.now();
    let next = 0;
    let failed = null;
    const worker = async () => {
      while (next < jobs.length && !failed) {
        const [app, iid, status, zone] = jobs[next++];
        const r = await request(this.port, "POST", "/eureka/apps/" + app, { body: instanceDoc(app, iid, { n: iid }, { status, zone }) });
        if (r.status !== 204) failed = app + "/" + iid + ": " + r.status + " " + r.text.slice(0, 200);
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    check(!failed, "registration failed: " + failed);
    const regS = (Date.now() - t0) / 1000;
    log("registered " + TOTAL_10K + " instances in " + regS.toFixed(1) + " s");

    const page = await this.newPage();
    await page.addInitScript(() => {
      window.__longest = 0;
      try {
        new PerformanceObserver((l) => {
          for (const e of l.getEntries()) window.__longest = Math.max(window.__longest, e.duration);
        }).observe({ type: "longtask", buffered: true });
      } catch (e) { /* no longtask support */ }
    });
    const known = id(42, 77);
    await page.goto(this.root + "/");
    await this.tid(page, "filter-app").fill(known);
    await this.row(page, name(42), known).waitFor({ timeout: 60000 });
    const found = await page.evaluate(() => performance.now()); // ms since navigation start
    const loaded = await page.evaluate(() => Number(document.querySelector('[data-testid="instances-count"]').dataset.total));
    check(loaded >= TOTAL_10K, "the page shows " + loaded + " instances, want at least " + TOTAL_10K);

    // Once loaded, a filter change re-renders at once.
    const filterMs = await page.evaluate(async () => {
      const input = document.querySelector('[data-testid="filter-app"]');
      const t = performance.now();
      input.value = "LOAD-013";
      input.dispatchEvent(new Event("input"));
      for (;;) {
        await new Promise((r) => requestAnimationFrame(r));
        if (document.querySelector('[data-testid="instance-row"][data-app="LOAD-013"]')) return performance.now() - t;
        if (performance.now() - t > 10000) return -1;
      }
    });
    // The status filter on top of the text: LOAD-013 has 10 DOWN instances (every tenth).
    await this.tid(page, "filter-status").selectOption("DOWN");
    await page.waitForFunction(() => document.querySelector('[data-testid="instances-count"]').dataset.shown === "10");
    const downRows = await page.locator('[data-testid="instance-row"][data-app="LOAD-013"]').count();
    check(downRows === 10, "status DOWN in LOAD-013 shows " + downRows + " rows, want 10");
    await this.tid(page, "filter-status").selectOption("");
    // Paging through the whole registry (no filter): bounded rows per page.
    await this.tid(page, "filter-app").fill("");
    await page.waitForFunction(() => { const c = document.querySelector('[data-testid="instances-count"]').dataset; return c.shown === c.total; });
    const rows = await page.locator('[data-testid="instance-row"]').count();
    const groupsShown = await page.locator('[data-testid="app-group"]').count();
    await this.tid(page, "apps-next").first().click();
    await page.locator('[data-testid="app-group"][data-app="LOAD-025"]').waitFor();
    const stats = await page.evaluate(() => ({ longest: window.__longest, ...window.__consoleStats }));
    await page.context().close();
    const figure = "navigation -> " + known + " listed through the filter: " + Math.round(found) + " ms (bound " + BOUND_10K_MS +
      " ms); filter change -> rows: " + Math.round(filterMs) + " ms (bound " + BOUND_FILTER_MS + " ms); longest main-thread task " +
      Math.round(stats.longest) + " ms; last refresh " + Math.round(stats.lastRefreshMs) + " ms (fetch " + Math.round(stats.lastFetchMs) +
      " ms, model " + Math.round(stats.lastModelMs) + " ms, render " + Math.round(stats.lastInstancesRenderMs) + " ms); " +
      "status filter DOWN in LOAD-013: 10 rows; " + groupsShown + " groups and " + rows + " rows in the DOM unfiltered; " + TOTAL_10K + " registered in " + regS.toFixed(1) + " s";
    log("10k figures: " + figure);
    check(found <= BOUND_10K_MS, "too slow: " + figure);
    check(filterMs >= 0 && filterMs <= BOUND_FILTER_MS, "filter too slow: " + figure);
    check(groupsShown <= 25 && rows <= 25 * 50, "the unfiltered page holds " + groupsShown + " groups, " + rows + " rows");
    return figure;
  }

  // eureka.admin.read-without-auth=false: the page says that reads need credentials, shows no
  // registry, and shows it once the read-only user signs in.
  async stepReadsNeedSignIn() {
    const port = await freePort();
    const node = new Node(this.args.node, ["--server.port=" + port, "--eureka.admin.read-without-auth=false",
      "--eureka.admin.users=bob:read:" + passwordHash(this.bobPw)], path.join(this.args.out, "node-closed.log"));
    try {
      await waitFor("GET /ready 200 (second node)", async () => {
        check(node.alive(), "the second node exited with " + node.exitCode);
        return (await request(port, "GET", "/ready", { timeout: 2000 })).status === 200;
      }, 30000, 200);
      const reg = await request(port, "POST", "/eureka/apps/CLOSED", { body: instanceDoc("CLOSED", "closed-1") });
      check(reg.status === 204, "registration on the second node answered " + reg.status);
      const page = await this.newPage();
      await page.goto("http://127.0.0.1:" + port + "/");
      await page.waitForFunction(() => document.querySelector('[data-testid="error"]').dataset.status === "401");
      const error = (await this.tid(page, "error").textContent()).trim();
      check(await this.row(page, "CLOSED", "closed-1").count() === 0, "the registry shows without credentials");
      await this.signIn(page, "bob", this.bobPw);
      await this.tid(page, "filter-app").fill("closed");
      await this.row(page, "CLOSED", "closed-1").waitFor();
      check(await this.tid(page, "error").isHidden(), "the 401 stays shown after signing in");
      await page.context().close();
      const rc = await node.stop(10000);
      check(rc === 0, "the second node exited with " + rc);
      return "before sign-in: '" + error + "'; signed in as bob: CLOSED/closed-1 listed";
    } finally {
      node.kill();
    }
  }

  async stepShutdown() {
    const rc = await this.node.stop(10000);
    check(rc !== "timeout", "the node did not stop within 10 s of SIGTERM");
    const reports = this.node.lines.filter((l) => l.includes("Sanitizer") || l.includes("runtime error:"));
    check(rc === 0 && reports.length === 0, "the node exited with " + rc + (reports.length ? "; " + reports[0] : ""));
    return "exit code 0 after SIGTERM";
  }

  async run() {
    const { chromium } = require("playwright-core");
    fs.mkdirSync(this.args.out, { recursive: true });
    try {
      const started = await this.step("node_start", this.stepNodeStart);
      if (started) {
        this.browser = await chromium.launch({ executablePath: this.args.chromium, headless: true });
        log("browser: Chromium " + this.browser.version());
      }
      const reg = await this.step("register", this.stepRegister, started);
      await this.step("instance_listed", this.stepInstanceListed, reg);
      await this.step("actor_state", this.stepActorState, reg);
      await this.step("screenshot", this.stepScreenshot, reg);
      const refused = await this.step("refused_without_admin", this.stepRefused, reg);
      await this.step("admin_actions", this.stepAdminActions, refused);
      await this.step("ten_thousand", this.stepTenThousand, started);
      await this.step("reads_need_sign_in", this.stepReadsNeedSignIn, started);
      this.record("no_native_dialogs", this.dialogs.length === 0,
        this.dialogs.length ? this.dialogs.slice(0, 5).join(" | ") : "no alert/confirm, no page error in any page");
      await this.step("node_shutdown", this.stepShutdown, started);
    } finally {
      if (this.browser) await this.browser.close().catch(() => {});
      if (this.node) this.node.kill();
      agent.destroy();
    }
    const passed = this.results.filter((r) => r[1]).length;
    const failed = this.results.length - passed;
    if (failed && this.node) {
      console.log("----- last lines of the node (" + this.node.logPath + ") -----");
      for (const l of this.node.tail(40)) console.log(l.slice(0, 400));
      console.log("----- end of logs -----");
    }
    console.log(passed + " passed, " + failed + " failed");
    return failed === 0;
  }
}

async function main() {
  const args = parseArgs();
  const s = new Scenario(args);
  const deadline = setTimeout(() => {
    log("overall timeout of " + OVERALL_MS / 1000 + " s");
    if (s.node) s.node.kill();
    console.log(s.results.filter((r) => r[1]).length + " passed, " + (s.results.filter((r) => !r[1]).length + 1) + " failed");
    process.exit(1);
  }, OVERALL_MS);
  for (const sig of ["SIGTERM", "SIGINT"]) {
    process.on(sig, () => {
      if (s.node) s.node.kill();
      process.exit(1);
    });
  }
  const ok = await s.run();
  clearTimeout(deadline);
  process.exit(ok ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
