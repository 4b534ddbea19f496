#!/usr/bin/env python3
"""Interop scenario: Prometheus's Eureka service discovery (eureka_sd_configs) against the node.

Starts caf-eureka-node, registers instances over raw HTTP, starts a real Prometheus whose only
scrape configs discover targets from the node, and reads what Prometheus sees through its own HTTP
API (/api/v1/targets, /api/v1/query, its /metrics). Prometheus fetches `GET {server}/apps` with no
Accept header (so it gets XML) and `Accept-Encoding: gzip`, and decodes it with Go's encoding/xml.

Two scrape jobs:
  eureka        server http://127.0.0.1:P/eureka,    every instance a target (label app=<app name>)
  eureka-v2-up  server http://127.0.0.1:P/eureka/v2, relabel `keep` on status UP (the usual
                production pattern): the other instances are dropped targets

Steps:
  1. node_start             the node answers GET /eureka/apps
  2. register               three instances (two apps, one DOWN) answered 204; heartbeats begin
  3. refuse_non_xml         U+0007 in metadata (registration, PUT .../metadata) is refused (400):
                            XML cannot carry it, and Go's XML decoder would reject the whole registry
  4. prometheus_start       Prometheus is ready and runs the generated config
  5. discovery_labels       exactly the three instances are targets, with every __meta_eureka_* label
                            (metadata values as inner XML: escapes stay, UTF-8 passes through)
  6. scrape_via_discovery   the instance advertising the node's own port is scraped (up=1, the node's
                            metrics are stored); the others are down
  7. v2_keep_up             /eureka/v2 works and status relabelling keeps UP, drops DOWN
  8. status_and_metadata    PUT .../status OUT_OF_SERVICE and PUT .../metadata show up; DELETE
                            .../status?value=UP restores
  9. cancel                 DELETE of an instance removes it from every job
 10. register_new           a new application appears with its labels
 11. lease_expiry           an instance that stops heartbeating is evicted and disappears
 12. empty_registry         after cancelling everything, no targets at all (empty <applications>)
 13. sd_health              no Eureka SD refresh failed, the node answered every fetch 200, every
                            heartbeat was 200, Prometheus logged no discovery error

Python 3 standard library only. Every wait is bounded; child processes run in their own process
groups and are always killed. Everything listens on 127.0.0.1. The last line is `N passed, M failed`.
"""

import argparse
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from harness import (  # noqa: E402  (test/interop/common/harness.py)
    Aborted, Child, StepFailed, StepRunner, free_port, http, log, metric_sum, parse_prometheus,
    run_main)

STEPS = [
    "node_start",
    "register",
    "refuse_non_xml",
    "prometheus_start",
    "discovery_labels",
    "scrape_via_discovery",
    "v2_keep_up",
    "status_and_metadata",
    "cancel",
    "register_new",
    "lease_expiry",
    "empty_registry",
    "sd_health",
]
JOB = "eureka"
JOB_UP = "eureka-v2-up"
META = "__meta_eureka_app_instance_"


# ----------------------------------------------------------------------------------------------
# the scenario


class Heartbeats(threading.Thread):
    """Renews the instances in `self.ids` once a second; counts the answers by status code."""

    def __init__(self, base):
        super().__init__(name="heartbeats", daemon=True)
        self.base = base
        self.ids = {}           # iid -> app
        self.codes = {}         # iid -> {code: count}
        self.lock = threading.Lock()
        self.stop_event = threading.Event()

    def add(self, app, iid):
        with self.lock:
            self.ids[iid] = app

    def remove(self, iid):
        with self.lock:
            self.ids.pop(iid, None)

    def run(self):
        while not self.stop_event.wait(1.0):
            with self.lock:
                todo = list(self.ids.items())
            for iid, app in todo:
                code, _ = http("PUT", "%s/apps/%s/%s" % (self.base, app, urllib.parse.quote(iid, safe="")),
                               timeout=3.0)
                with self.lock:
                    if iid in self.ids:  # a renewal racing a removal does not count
                        c = self.codes.setdefault(iid, {})
                        c[code] = c.get(code, 0) + 1

    def bad(self):
        with self.lock:
            return {iid: c for iid, c in self.codes.items() if set(c) - {200}}

    def total_ok(self):
        with self.lock:
            return sum(c.get(200, 0) for c in self.codes.values())


class Scenario(StepRunner):
    def __init__(self, args):
        self.args = args
        self.results = []
        self.node = None
        self.prom = None
        self.heartbeats = None
        self.port = None
        self.root = None        # http://127.0.0.1:PORT (the node)
        self.base = None        # root + /eureka
        self.prom_root = None
        self.instances = {}     # iid -> registered InstanceInfo dict (the expectation)
        self.work_dir = tempfile.mkdtemp(prefix="interop-prometheus-")
        self.prom_version = None

    # -- bookkeeping ----------------------------------------------------------------------------

    def check_alive(self):
        for child in (self.node, self.prom):
            if child is not None and not child.alive():
                raise StepFailed("%s exited (code %s)" % (child.name, child.proc.returncode))

    # -- the node -------------------------------------------------------------------------------

    def instance_doc(self, app, iid, host, port, status="UP", metadata=None, vip=None, svip=None,
                     secure_port=(443, False), country=1, duration=30):
        root = "http://%s:%d" % (host, port)
        inst = {
            "instanceId": iid,
            "hostName": host,
            "app": app,
            "ipAddr": "127.0.0.1",
            "status": status,
            "overriddenStatus": "UNKNOWN",
            "port": {"$": port, "@enabled": "true"},
            "securePort": {"$": secure_port[0], "@enabled": "true" if secure_port[1] else "false"},
            "countryId": country,
            "dataCenterInfo": {"@class": "com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo",
                               "name": "MyOwn"},
            "leaseInfo": {"renewalIntervalInSecs": 1, "durationInSecs": duration},
            "metadata": dict(metadata or {}),
            "homePageUrl": root + "/",
            "statusPageUrl": root + "/info",
            "healthCheckUrl": root + "/health",
            "vipAddress": vip or app.lower(),
            "secureVipAddress": svip or (app.lower() + "-secure"),
        }
        return inst

    def register(self, inst, heartbeat=True):
        code, text = http("POST", "%s/apps/%s" % (self.base, inst["app"]), {"instance": inst})
        if code != 204:
            raise StepFailed("POST apps/%s (%s) answered %s %s, expected 204"
                             % (inst["app"], inst["instanceId"], code, text[:200]))
        self.instances[inst["instanceId"]] = inst
        if heartbeat:
            self.heartbeats.add(inst["app"], inst["instanceId"])

    def inst_url(self, iid, suffix=""):
        return "%s/apps/%s/%s%s" % (self.base, self.instances[iid]["app"],
                                    urllib.parse.quote(iid, safe=""), suffix)

    def node_metrics(self):
        code, text = http("GET", self.root + "/metrics")
        if code != 200:
            raise StepFailed("node GET /metrics answered %s" % code)
        return parse_prometheus(text)

    # -- Prometheus -----------------------------------------------------------------------------

    def prom_json(self, path):
        code, text = http("GET", self.prom_root + path, timeout=5.0)
        if code != 200:
            raise StepFailed("Prometheus GET %s answered %s: %s" % (path, code, text[:300]))
        doc = json.loads(text)
        if doc.get("status") != "success":
            raise StepFailed("Prometheus GET %s: %s" % (path, text[:300]))
        return doc["data"]

    def targets(self):
        """{job: {"active": {instance_id: target}, "dropped": {instance_id: discoveredLabels}}}."""
        data = self.prom_json("/api/v1/targets?state=any")
        out = {JOB: {"active": {}, "dropped": {}}, JOB_UP: {"active": {}, "dropped": {}}}
        for t in data.get("activeTargets") or []:
            dl = t.get("discoveredLabels") or {}
            job = (t.get("labels") or {}).get("job") or dl.get("job")
            out.setdefault(job, {"active": {}, "dropped": {}})["active"][dl.get(META + "id")] = t
        for t in data.get("droppedTargets") or []:
            dl = t.get("discoveredLabels") or {}
            out.setdefault(dl.get("job"), {"active": {}, "dropped": {}})["dropped"][dl.get(META + "id")] = dl
        return out

    def wait_targets(self, what, predicate, timeout=None):
        """Polls /api/v1/targets until predicate(targets) returns None (ok) or the deadline passes;
        predicate returns a string saying what is still wrong."""
        timeout = timeout or self.args.sd_timeout
        deadline = time.monotonic() + timeout
        problem = "no answer yet"
        while True:
            self.check_alive()
            t = self.targets()
            problem = predicate(t)
            if problem is None:
                return t
            if time.monotonic() > deadline:
                raise StepFailed("Prometheus did not show %s within %.0fs: %s" % (what, timeout, problem))
            time.sleep(0.5)

    def query(self, promql):
        data = self.prom_json("/api/v1/query?" + urllib.parse.urlencode({"query": promql}))
        return data.get("result") or []

    def prom_metrics(self):
        code, text = http("GET", self.prom_root + "/metrics")
        if code != 200:
            raise StepFailed("Prometheus GET /metrics answered %s" % code)
        return parse_prometheus(text)

    # -- expectations ---------------------------------------------------------------------------

    @staticmethod
    def xml_name(key):
        """XStream's element name for a metadata key (`_` -> `__`, `$` -> `_-`), as the Java server
        writes it and Prometheus (which reads the element name) sees it."""
        return key.replace("_", "__").replace("$", "_-")

    @staticmethod
    def xml_escape(text):
        """XStream's escaping of text (the Java server's, and the node's)."""
        return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace('"', "&quot;").replace("'", "&apos;").replace("\r", "&#xd;"))

    @staticmethod
    def sanitize(name):
        return "".join(c if (c.isascii() and (c.isalnum() or c == "_")) else "_" for c in name)

    def expected_labels(self, iid, status=None, metadata=None):
        inst = self.instances[iid]
        md = inst["metadata"] if metadata is None else metadata
        exp = {
            "__address__": "%s:%d" % (inst["hostName"], inst["port"]["$"]),
            "__meta_eureka_app_name": inst["app"],
            META + "hostname": inst["hostName"],
            META + "homepage_url": inst["homePageUrl"],
            META + "statuspage_url": inst["statusPageUrl"],
            META + "healthcheck_url": inst["healthCheckUrl"],
            META + "ip_addr": inst["ipAddr"],
            META + "vip_address": inst["vipAddress"],
            META + "secure_vip_address": inst["secureVipAddress"],
            META + "status": status or inst["status"],
            META + "port": str(inst["port"]["$"]),
            META + "port_enabled": "true",
            META + "secure_port": str(inst["securePort"]["$"]),
            META + "secure_port_enabled": inst["securePort"]["@enabled"],
            META + "country_id": str(inst["countryId"]),
            META + "id": iid,
            META + "datacenterinfo_name": "MyOwn",
        }
        for k, v in md.items():
            # Prometheus takes a metadata element's inner XML as it is: escapes stay escaped.
            exp[META + "metadata_" + self.sanitize(self.xml_name(k))] = self.xml_escape(v)
        return exp

    def label_problems(self, iid, labels, **kw):
        exp = self.expected_labels(iid, **kw)
        problems = []
        for k, v in sorted(exp.items()):
            if labels.get(k) != v:
                problems.append("%s=%r (expected %r)" % (k, labels.get(k), v))
        extra = sorted(k for k in labels if k.startswith(META + "metadata_") and k not in exp)
        if extra:
            problems.append("unexpected metadata labels %s" % extra)
        return problems

    @staticmethod
    def ids(t, job, kind="active"):
        return set(t.get(job, {}).get(kind, {}))

    # -- steps ----------------------------------------------------------------------------------

    def step_node_start(self):
        self.port = free_port()
        self.root = "http://127.0.0.1:%d" % self.port
        self.base = self.root + "/eureka"
        argv = [self.args.node, "--server.port=%d" % self.port, "--server.address=127.0.0.1",
                "--eureka.server.eviction-interval-timer-in-ms=1000",
                "--eureka.server.enable-self-preservation=false"] + self.args.node_arg
        self.node = Child("node", argv, os.path.join(self.work_dir, "node.log"))
        deadline = time.monotonic() + self.args.start_timeout
        last = None
        while time.monotonic() < deadline:
            self.check_alive()
            code, text = http("GET", self.base + "/apps", timeout=2.0)
            if code == 200:
                if "<applications>" not in text:
                    raise StepFailed("GET /eureka/apps without Accept is not XML: %r" % text[:200])
                self.heartbeats = Heartbeats(self.base)
                self.heartbeats.start()
                return "node on port %d answers GET /eureka/apps with XML" % self.port
            last = (code, text[:100])
            time.sleep(0.2)
        raise StepFailed("the node did not answer GET /eureka/apps within %.0fs (last: %s)"
                         % (self.args.start_timeout, last))

    def step_register(self):
        # web-1 advertises the node's own port: Prometheus really scrapes it (the node's /metrics).
        self.register(self.instance_doc(
            "PROM-WEB", "web-1", "localhost", self.port, vip="prom-web", svip="prom-web-secure",
            secure_port=(8443, True),
            metadata={"zone": "zone-a", "team": "core", "prometheus.path": "/metrics", "my_key": "v1"}))
        # web-2 and api-1 advertise ports nothing listens on: discovered, scraped, down.
        self.register(self.instance_doc(
            "PROM-WEB", "web-2", "127.0.0.1", free_port(), vip="prom-web", svip="prom-web-secure",
            metadata={"zone": "zone-b", "expr": "a<b && c>\"d'", "owner": "\u00e9quipe \u2713"}))
        self.register(self.instance_doc(
            "PROM-API", "api-1", "127.0.0.1", free_port(), status="DOWN", vip="prom-api,prom-api-v1",
            country=2, metadata={"tier": "backend"}))
        code, text = http("GET", self.base + "/apps", headers={"Accept": "application/json"})
        doc = json.loads(text) if code == 200 else {}
        got = sorted(i["instanceId"] for a in doc["applications"]["application"] for i in a["instance"])
        if got != ["api-1", "web-1", "web-2"]:
            raise StepFailed("GET /eureka/apps lists %s, expected api-1, web-1, web-2" % got)
        return "3 instances registered (204), PROM-API/api-1 DOWN; heartbeats every 1s"

    def step_refuse_non_xml(self):
        # A character XML cannot carry would be written `&#x7;` (as Java does), which Go's
        # encoding/xml rejects: Prometheus would then fail every refresh. The node answers 400.
        # Whatever was accepted is undone, so that the later steps still say something.
        problems = []
        bad = self.instance_doc("PROM-BAD", "bad-1", "127.0.0.1", free_port(),
                                metadata={"note": "bell\x07"})
        code, text = http("POST", "%s/apps/PROM-BAD" % self.base, {"instance": bad})
        if code != 400:
            problems.append("POST of an instance with U+0007 in a metadata value answered %s %s"
                            % (code, text[:200]))
            http("DELETE", "%s/apps/PROM-BAD/bad-1" % self.base)
        code, text = http("PUT", self.inst_url("web-1", "/metadata?team=bell%07"))
        if code != 400:
            problems.append("PUT web-1/metadata?team=bell%%07 answered %s %s" % (code, text[:200]))
            http("PUT", self.inst_url("web-1", "/metadata?team=core"))
        if problems:
            raise StepFailed("expected 400: " + "; ".join(problems))
        return "U+0007 in a registration's metadata and in PUT .../metadata refused (400)"

    def step_prometheus_start(self):
        pport = free_port()
        self.prom_root = "http://127.0.0.1:%d" % pport
        cfg = os.path.join(self.work_dir, "prometheus.yml")
        with open(cfg, "w") as f:
            f.write("""# generated by test/interop/prometheus/scenario.py
global:
  scrape_interval: 2s
  scrape_timeout: 1s
  evaluation_interval: 1m
scrape_configs:
  - job_name: {job}
    eureka_sd_configs:
      - server: {base}
        refresh_interval: {refresh}
    relabel_configs:
      - source_labels: [__meta_eureka_app_name]
        target_label: app
  - job_name: {job_up}
    eureka_sd_configs:
      - server: {base}/v2
        refresh_interval: {refresh}
    relabel_configs:
      - source_labels: [__meta_eureka_app_instance_status]
        regex: UP
        action: keep
""".format(job=JOB, job_up=JOB_UP, base=self.base, refresh=self.args.refresh))
        argv = [self.args.prometheus,
                "--config.file=" + cfg,
                "--storage.tsdb.path=" + os.path.join(self.work_dir, "data"),
                "--storage.tsdb.retention.time=1h",
                "--web.listen-address=127.0.0.1:%d" % pport,
                "--log.level=info"]
        self.prom = Child("prometheus", argv, os.path.join(self.work_dir, "prometheus.log"))
        deadline = time.monotonic() + self.args.start_timeout
        while True:
            self.check_alive()
            code, _ = http("GET", self.prom_root + "/-/ready", timeout=2.0)
            if code == 200:
                break
            if time.monotonic() > deadline:
                raise StepFailed("Prometheus not ready within %.0fs" % self.args.start_timeout)
            time.sleep(0.2)
        info = self.prom_json("/api/v1/status/buildinfo")
        self.prom_version = info.get("version")
        loaded = self.prom_json("/api/v1/status/config").get("yaml", "")
        if "eureka_sd_configs" not in loaded or self.base not in loaded:
            raise StepFailed("Prometheus does not run the generated config: %s" % loaded[:300])
        return "Prometheus %s on port %d, refresh_interval %s" % (self.prom_version, pport, self.args.refresh)

    def step_discovery_labels(self):
        want = {"web-1", "web-2", "api-1"}

        def pred(t):
            got = self.ids(t, JOB)
            return None if got == want else "job %s targets %s, want %s" % (JOB, sorted(got), sorted(want))
        t = self.wait_targets("the three instances", pred)
        problems = []
        for iid in sorted(want):
            target = t[JOB]["active"][iid]
            problems += ["%s: %s" % (iid, p) for p in self.label_problems(iid, target["discoveredLabels"])]
            labels = target.get("labels") or {}
            if labels.get("instance") != iid or labels.get("app") != self.instances[iid]["app"]:
                problems.append("%s: target labels %s (want instance=%s, app=%s)"
                                % (iid, labels, iid, self.instances[iid]["app"]))
        if problems:
            raise StepFailed("; ".join(problems))
        web1 = t[JOB]["active"]["web-1"]
        if web1.get("scrapeUrl") != "http://localhost:%d/metrics" % self.port:
            raise StepFailed("web-1 scrapeUrl %r" % web1.get("scrapeUrl"))
        return "3 targets, %d labels each checked" % len(self.expected_labels("web-1"))

    def step_scrape_via_discovery(self):
        deadline = time.monotonic() + self.args.sd_timeout
        problem = None
        while time.monotonic() < deadline:
            self.check_alive()
            active = self.targets()[JOB]["active"]
            h = {iid: (active.get(iid) or {}).get("health") for iid in ("web-1", "web-2", "api-1")}
            up = self.query('up{job="%s"}' % JOB)
            upv = {r["metric"].get("instance"): r["value"][1] for r in up}
            node = self.query('eureka_http_requests_total{job="%s",instance="web-1",app="PROM-WEB",'
                              'route="apps_full",code="200"}' % JOB)
            fetched = float(node[0]["value"][1]) if node else 0.0
            if (h == {"web-1": "up", "web-2": "down", "api-1": "down"}
                    and upv == {"web-1": "1", "web-2": "0", "api-1": "0"} and fetched >= 1):
                return ("web-1 (the node's port) scraped up; web-2, api-1 down; the node's "
                        "eureka_http_requests_total{route=apps_full,code=200} = %.0f as stored by Prometheus"
                        % fetched)
            problem = "health %s, up %s, stored apps_full fetches %s; web-1 lastError %r" % (
                h, upv, fetched, (active.get("web-1") or {}).get("lastError"))
            time.sleep(0.5)
        raise StepFailed(problem)

    def step_v2_keep_up(self):
        def pred(t):
            a, d = self.ids(t, JOB_UP), self.ids(t, JOB_UP, "dropped")
            if a == {"web-1", "web-2"} and d == {"api-1"}:
                return None
            return "job %s active %s dropped %s" % (JOB_UP, sorted(a), sorted(d))
        t = self.wait_targets("UP instances kept, DOWN dropped via /eureka/v2", pred)
        problems = self.label_problems("api-1", t[JOB_UP]["dropped"]["api-1"])
        problems += self.label_problems("web-2", t[JOB_UP]["active"]["web-2"]["discoveredLabels"])
        if problems:
            raise StepFailed("; ".join(problems))
        return "job %s (server .../eureka/v2): web-1, web-2 active; api-1 (DOWN) dropped" % JOB_UP

    def step_status_and_metadata(self):
        code, text = http("PUT", self.inst_url("web-2", "/status?value=OUT_OF_SERVICE"))
        if code != 200:
            raise StepFailed("PUT web-2/status?value=OUT_OF_SERVICE answered %s %s" % (code, text[:200]))
        code, text = http("PUT", self.inst_url("web-1", "/metadata?team=platform&owner=ops"))
        if code != 200:
            raise StepFailed("PUT web-1/metadata answered %s %s" % (code, text[:200]))
        md1 = dict(self.instances["web-1"]["metadata"], team="platform", owner="ops")

        def changed(t):
            a = t[JOB]["active"]
            if set(a) != {"web-1", "web-2", "api-1"}:
                return "job %s targets %s" % (JOB, sorted(a))
            p = self.label_problems("web-2", a["web-2"]["discoveredLabels"], status="OUT_OF_SERVICE")
            p += self.label_problems("web-1", a["web-1"]["discoveredLabels"], metadata=md1)
            if self.ids(t, JOB_UP) != {"web-1"} or self.ids(t, JOB_UP, "dropped") != {"web-2", "api-1"}:
                p.append("job %s active %s dropped %s" % (JOB_UP, sorted(self.ids(t, JOB_UP)),
                                                         sorted(self.ids(t, JOB_UP, "dropped"))))
            return "; ".join(p) or None
        self.wait_targets("web-2 OUT_OF_SERVICE and web-1's new metadata", changed)
        self.instances["web-1"]["metadata"] = md1

        code, text = http("DELETE", self.inst_url("web-2", "/status?value=UP"))
        if code != 200:
            raise StepFailed("DELETE web-2/status?value=UP answered %s %s" % (code, text[:200]))

        def restored(t):
            p = self.label_problems("web-2", t[JOB]["active"]["web-2"]["discoveredLabels"]) \
                if "web-2" in t[JOB]["active"] else ["web-2 missing"]
            if self.ids(t, JOB_UP) != {"web-1", "web-2"}:
                p.append("job %s active %s" % (JOB_UP, sorted(self.ids(t, JOB_UP))))
            return "; ".join(p) or None
        self.wait_targets("web-2 UP again", restored)
        return "OUT_OF_SERVICE override and metadata merge seen (web-2 dropped by %s), override removal " \
               "seen" % JOB_UP

    def step_cancel(self):
        self.heartbeats.remove("api-1")
        code, text = http("DELETE", self.inst_url("api-1"))
        if code != 200:
            raise StepFailed("DELETE api-1 answered %s %s" % (code, text[:200]))

        def pred(t):
            p = []
            for job in (JOB, JOB_UP):
                if "api-1" in t[job]["active"] or "api-1" in t[job]["dropped"]:
                    p.append("api-1 still a target of %s" % job)
            if self.ids(t, JOB) != {"web-1", "web-2"}:
                p.append("job %s targets %s" % (JOB, sorted(self.ids(t, JOB))))
            return "; ".join(p) or None
        self.wait_targets("api-1 gone", pred)
        return "api-1 cancelled (200) and gone from both jobs; web-1, web-2 remain"

    def step_register_new(self):
        self.register(self.instance_doc("PROM-NEW", "new-1", "127.0.0.1", free_port(),
                                        metadata={"version": "2.0", "zone": "zone-c"}))

        def pred(t):
            a = t[JOB]["active"]
            if set(a) != {"web-1", "web-2", "new-1"}:
                return "job %s targets %s" % (JOB, sorted(a))
            p = self.label_problems("new-1", a["new-1"]["discoveredLabels"])
            if "new-1" not in t[JOB_UP]["active"]:
                p.append("new-1 not active in %s" % JOB_UP)
            return "; ".join(p) or None
        self.wait_targets("new-1", pred)
        return "PROM-NEW/new-1 appeared in both jobs with its labels"

    def step_lease_expiry(self):
        self.register(self.instance_doc("PROM-EPHEMERAL", "eph-1", "127.0.0.1", free_port(), duration=3))
        self.wait_targets("eph-1", lambda t: None if "eph-1" in t[JOB]["active"] else "eph-1 missing")
        self.heartbeats.remove("eph-1")
        stopped = time.monotonic()

        def pred(t):
            p = []
            if "eph-1" in t[JOB]["active"]:
                p.append("eph-1 still a target")
            if self.ids(t, JOB) != {"web-1", "web-2", "new-1"}:
                p.append("job %s targets %s" % (JOB, sorted(self.ids(t, JOB))))
            return "; ".join(p) or None
        self.wait_targets("eph-1 evicted", pred, timeout=self.args.sd_timeout + 5)
        gone_after = time.monotonic() - stopped
        code, _ = http("GET", self.inst_url("eph-1"))
        if code != 404:
            raise StepFailed("GET eph-1 answered %s after it vanished from Prometheus, expected 404" % code)
        if gone_after < 2.0:
            raise StepFailed("eph-1 vanished %.1fs after its last heartbeat, before its 3s lease could end" % gone_after)
        return "eph-1 (3s lease) stopped heartbeating, evicted, gone from Prometheus after %.1fs" % gone_after

    def step_empty_registry(self):
        for iid in ("web-1", "web-2", "new-1"):
            self.heartbeats.remove(iid)
            code, text = http("DELETE", self.inst_url(iid))
            if code != 200:
                raise StepFailed("DELETE %s answered %s %s" % (iid, code, text[:200]))

        def pred(t):
            left = {job: (sorted(v["active"]), sorted(v["dropped"])) for job, v in t.items()
                    if v["active"] or v["dropped"]}
            return None if not left else "targets left: %s" % left
        self.wait_targets("no targets", pred)
        code, text = http("GET", self.base + "/apps")
        if code != 200 or "<application>" in text:
            raise StepFailed("GET /eureka/apps after cancelling everything: %s %r" % (code, text[:200]))
        return "every instance cancelled; no active or dropped target in any job"

    def step_sd_health(self):
        problems = []
        pm = self.prom_metrics()
        failures = metric_sum(pm, "prometheus_sd_refresh_failures_total", mechanism="eureka")
        refreshes = metric_sum(pm, "prometheus_sd_refresh_duration_seconds_count", mechanism="eureka")
        if failures is None or refreshes is None:
            problems.append("Prometheus exposes no eureka refresh metrics (failures %s, refreshes %s)"
                            % (failures, refreshes))
        else:
            if failures != 0:
                problems.append("%.0f Eureka SD refreshes failed" % failures)
            if refreshes < 10:
                problems.append("only %.0f Eureka SD refreshes" % refreshes)
        nm = self.node_metrics()
        full_ok = metric_sum(nm, "eureka_http_requests_total", route="apps_full", code="200") or 0
        full_all = metric_sum(nm, "eureka_http_requests_total", route="apps_full") or 0
        if full_all != full_ok:
            problems.append("the node answered %.0f of %.0f GET apps with a code other than 200"
                            % (full_all - full_ok, full_all))
        if refreshes is not None and full_ok < refreshes:
            problems.append("the node counted %.0f GET apps, Prometheus made %.0f refreshes"
                            % (full_ok, refreshes))
        bad = self.heartbeats.bad()
        if bad:
            problems.append("heartbeats answered other than 200: %s" % bad)
        if self.heartbeats.total_ok() < 10:
            problems.append("only %d heartbeats answered 200" % self.heartbeats.total_ok())
        errors = [l for l in self.prom.lines if "level=error" in l or "Unable to refresh" in l
                  or "eureka" in l.lower() and "level=warn" in l]
        if errors:
            problems.append("Prometheus logged: %s" % errors[:3])
        if problems:
            raise StepFailed("; ".join(problems))
        return ("%.0f Eureka SD refreshes, 0 failed; the node answered all %.0f GET apps 200; "
                "%d heartbeats 200; no discovery error logged" % (refreshes, full_ok, self.heartbeats.total_ok()))

    # -- driver ---------------------------------------------------------------------------------

    def run(self):
        t0 = time.monotonic()
        try:
            ok = self.run_step("node_start", self.step_node_start)
            ok = self.run_step("register", self.step_register, prerequisite_ok=ok)
            self.run_step("refuse_non_xml", self.step_refuse_non_xml, prerequisite_ok=ok)
            ok = self.run_step("prometheus_start", self.step_prometheus_start, prerequisite_ok=ok)
            ok = self.run_step("discovery_labels", self.step_discovery_labels, prerequisite_ok=ok)
            self.run_step("scrape_via_discovery", self.step_scrape_via_discovery, prerequisite_ok=ok)
            self.run_step("v2_keep_up", self.step_v2_keep_up, prerequisite_ok=ok)
            ok = self.run_step("status_and_metadata", self.step_status_and_metadata, prerequisite_ok=ok)
            ok = self.run_step("cancel", self.step_cancel, prerequisite_ok=ok)
            ok = self.run_step("register_new", self.step_register_new, prerequisite_ok=ok)
            ok = self.run_step("lease_expiry", self.step_lease_expiry, prerequisite_ok=ok)
            ok = self.run_step("empty_registry", self.step_empty_registry, prerequisite_ok=ok)
            self.run_step("sd_health", self.step_sd_health, prerequisite_ok=ok)
        except Aborted as e:
            self.record_aborted(STEPS, e)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            if self.heartbeats is not None:
                self.heartbeats.stop_event.set()
            failed = self.any_failed()
            if failed:
                self.print_tails((self.node, self.prom), self.args.tail)
            self.kill_all((self.prom, self.node))
            if failed or self.args.keep:
                log("logs and Prometheus config in %s" % self.work_dir)
            else:
                shutil.rmtree(self.work_dir, ignore_errors=True)
        log("Prometheus %s, %.1fs" % (self.prom_version, time.monotonic() - t0))
        passed = self.summary()
        return 0 if passed == len(self.results) == len(STEPS) else 1


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--node", required=True, help="caf-eureka-node binary")
    p.add_argument("--prometheus", default=shutil.which("prometheus") or "prometheus",
                   help="prometheus binary (default: from PATH)")
    p.add_argument("--node-arg", action="append", default=[], help="extra node argument (repeatable)")
    p.add_argument("--refresh", default="1s", help="eureka_sd_configs refresh_interval (default: %(default)s)")
    p.add_argument("--start-timeout", type=float, default=30.0)
    p.add_argument("--sd-timeout", type=float, default=25.0,
                   help="how long a registry change may take to reach /api/v1/targets (Prometheus "
                        "batches discovery updates every 5s; default: %(default)s)")
    p.add_argument("--overall-timeout", type=float, default=200.0)
    p.add_argument("--keep", action="store_true", help="keep the work dir (logs, config, TSDB) on success")
    p.add_argument("--tail", type=int, default=40, help="log lines shown per process on failure")
    args = p.parse_args()
    for path, what in ((args.node, "--node"), (args.prometheus, "--prometheus")):
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            p.error("%s %s: no such executable" % (what, path))

    return run_main(lambda: Scenario(args).run(), args.overall_timeout)


if __name__ == "__main__":
    sys.exit(main())
