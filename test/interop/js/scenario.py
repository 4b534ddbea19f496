#!/usr/bin/env python3
"""Interop scenario: the real eureka-js-client (npm 4.5.0) against caf-eureka-node.

Starts a node, then client.js (the library with 1 s timers, reporting every request, event and
what getInstancesByAppId / getInstancesByVipAddress return), and checks step by step:

  server_start            the node answers GET /eureka/apps/ (JSON) and /metrics
  register                start() succeeds: POST {app} answered 204, the node lists it UP
  heartbeat               PUT {app}/{id} without a query string answered 200; the lease outlives 5 s
  registry_fetch          GET /eureka/apps/ (JSON): both the client and a raw-registered instance
  status_override         PUT .../status?value=OUT_OF_SERVICE hides it (filterUpInstances), and it
                          stays hidden across heartbeats; DELETE .../status?value=UP brings it back
  reregister_after_404    a raw DELETE behind its back: the next heartbeat gets 404, the client
                          re-POSTs, the instance is back
  delta                   a second client with shouldUseDelta: sees a raw add and remove via
                          /apps/delta alone
  expiry_after_kill       that second client SIGKILLed: evicted once its 5 s lease runs out
  deregister              stop(): DELETE answered 200, the instance is gone at once
  v2_*                    register / heartbeat / registry_fetch / deregister again with
                          servicePath /eureka/v2/apps/ (the other instance-config style,
                          filterUpInstances: false)
  node_shutdown           SIGTERM: the node exits 0 with no sanitizer report

Python 3 standard library only. Every wait is bounded; child processes run in their own process
groups and are always killed. The last line is `N passed, M failed`.
"""

import argparse
import json
import os
import signal
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from harness import (  # noqa: E402  (test/interop/common/harness.py)
    Aborted, Child, StepFailed, StepRunner, free_port, get_json, http, log, request_counts,
    run_main, wait_for)

# ----------------------------------------------------------------------------------------------
# the js client process


class JsClient:
    """client.js: one eureka-js-client instance; its REQUEST / EVENT / OBSERVED lines."""

    def __init__(self, scenario, name, app, instance_id, host_name, instance_port, service_path,
                 style="readme", delta=False, all_statuses=False, watch_apps=(), watch_vips=()):
        self.name = name
        self.app = app                      # as configured (the path segment the client sends)
        self.app_upper = app.upper()
        self.instance_id = instance_id      # configured instanceId, or None
        self.host_name = host_name
        self.id = instance_id or host_name  # what the library (and Java's getId()) uses
        self.style = style
        self.port = instance_port
        self.service_path = service_path    # e.g. /eureka/apps/
        self.lock = threading.Lock()
        self.requests = []
        self.events = []
        self.obs = None
        self.child = None
        self._scenario = scenario
        argv = [scenario.args.node_js, os.path.join(scenario.here, "client.js"),
                "--eureka-port=%d" % scenario.port, "--service-path=" + service_path,
                "--app=" + app, "--host-name=" + host_name,
                "--instance-port=%d" % instance_port, "--style=" + style]
        if instance_id:
            argv.append("--instance-id=" + instance_id)
        if delta:
            argv.append("--delta")
        if all_statuses:
            argv.append("--all-statuses")
        argv += ["--watch-app=" + a for a in watch_apps]
        argv += ["--watch-vip=" + v for v in watch_vips]
        self._argv = argv

    def start(self):
        sc = self._scenario
        self.child = Child(self.name, self._argv, os.path.join(sc.log_dir, self.name + ".log"),
                           on_line=self._on_line, stdin=True, cwd=sc.here, kill_grace=3.0)

    def _on_line(self, line):
        tag, _, payload = line.partition(" ")
        if tag not in ("REQUEST", "EVENT", "OBSERVED"):
            return
        try:
            doc = json.loads(payload)
        except ValueError:
            return
        with self.lock:
            if tag == "REQUEST":
                self.requests.append(doc)
            elif tag == "EVENT":
                self.events.append(doc)
            else:
                self.obs = doc

    # -- views ----------------------------------------------------------------------------------

    def mark(self):
        """Position in the request and event streams, for 'since' queries."""
        with self.lock:
            return (len(self.requests), len(self.events))

    def reqs(self, since=None, method=None, path=None):
        with self.lock:
            out = list(self.requests[since[0] if since else 0:])
        return [r for r in out if (method is None or r["method"] == method)
                and (path is None or r["path"] == path)]

    def evs(self, name, since=None):
        with self.lock:
            out = list(self.events[since[1] if since else 0:])
        return [e for e in out if e["event"] == name]

    def observed(self):
        with self.lock:
            return self.obs

    def listed(self, key, name):
        """Instance ids the client returns for an app (key 'apps') or a vip (key 'vips')."""
        doc = self.observed() or {}
        return [i.get("id") for i in (doc.get(key) or {}).get(name, [])]

    def listed_instance(self, key, name, iid):
        doc = self.observed() or {}
        for i in (doc.get(key) or {}).get(name, []):
            if i.get("id") == iid:
                return i
        return None

    @property
    def self_path(self):
        return "%s%s/%s" % (self.service_path, self.app, self.id)


# ----------------------------------------------------------------------------------------------
# the scenario


class Scenario(StepRunner):
    def __init__(self, args):
        self.args = args
        self.here = os.path.dirname(os.path.abspath(__file__))
        self.results = []
        self.server = None
        self.clients = []
        self.port = None
        self.root = None
        self.log_dir = args.log_dir or tempfile.mkdtemp(prefix="interop-js-")
        os.makedirs(self.log_dir, exist_ok=True)
        self.delta_client = None

    # -- bookkeeping ----------------------------------------------------------------------------

    def wait_for(self, what, predicate, timeout, client=None):
        """Polls predicate() (returns a truthy value when satisfied) until the deadline; fails at
        once when the client (if given) or the node exits."""
        watch = [(client.name, client.child)] if client is not None else []
        return wait_for(what, predicate, timeout, watch=watch + [("the node", self.server)])

    # -- server side ----------------------------------------------------------------------------

    def base(self, service_path):
        """http://127.0.0.1:P/eureka or .../eureka/v2 for a client's servicePath."""
        return self.root + service_path.rstrip("/")[: -len("/apps")]

    def server_instance(self, base, app, iid):
        """(code, instance) from GET {base}/apps/APP/ID (the id sent raw, as the js client does)."""
        code, doc = get_json("%s/apps/%s/%s" % (base, app, iid))
        return code, (doc or {}).get("instance") if code == 200 else None

    def metrics(self):
        code, text = http("GET", self.root + "/metrics")
        if code != 200:
            raise StepFailed("GET /metrics answered %s" % code)
        return request_counts(text)

    @staticmethod
    def grew(before, after, route, code):
        return after.get(route, {}).get(str(code), 0) - before.get(route, {}).get(str(code), 0)

    def raw_instance(self, app, iid, port, vip):
        return {"instance": {
            "instanceId": iid, "hostName": "127.0.0.1", "app": app, "ipAddr": "127.0.0.1",
            "status": "UP", "port": {"$": port, "@enabled": "true"},
            "securePort": {"$": 443, "@enabled": "false"},
            "vipAddress": vip, "secureVipAddress": vip,
            "dataCenterInfo": {"@class": "com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo",
                               "name": "MyOwn"},
            "leaseInfo": {"renewalIntervalInSecs": 30, "durationInSecs": 300},
            "metadata": {"registered-by": "scenario"},
        }}

    def raw_register(self, base, app, iid, port, vip):
        code, text = http("POST", "%s/apps/%s" % (base, app), self.raw_instance(app, iid, port, vip))
        if code != 204:
            raise StepFailed("raw POST %s/apps/%s answered %s (want 204): %s"
                             % (base, app, code, text[:200]))

    def new_client(self, *a, **kw):
        c = JsClient(self, *a, **kw)
        self.clients.append(c)
        return c

    # -- steps ----------------------------------------------------------------------------------

    def step_server_start(self):
        self.port = free_port()
        self.root = "http://127.0.0.1:%d" % self.port
        argv = [self.args.node, "--server.port=%d" % self.port, "--server.address=127.0.0.1",
                "--eureka.server.eviction-interval-timer-in-ms=1000",
                "--eureka.server.enable-self-preservation=false"] + self.args.node_arg
        self.server = Child("node", argv, os.path.join(self.log_dir, "node.log"), kill_grace=3.0)
        deadline = time.monotonic() + 20
        last = None
        while time.monotonic() < deadline:
            if not self.server.alive():
                raise StepFailed("node exited with code %s" % self.server.proc.returncode)
            code, doc = get_json(self.root + "/eureka/apps/", timeout=2.0)
            last = code
            if code == 200 and doc is not None:
                apps = (doc.get("applications") or {}).get("application")
                if apps != []:
                    raise StepFailed("empty registry should be \"application\":[], got %r" % doc)
                self.metrics()
                return "GET /eureka/apps/ -> 200 {\"application\":[]} on port %d, /metrics answers" % self.port
            time.sleep(0.2)
        raise StepFailed("node did not answer GET /eureka/apps/ within 20s (last: %s)" % last)

    def step_register(self, c):
        base = self.base(c.service_path)
        m0 = self.metrics()
        c.start()
        ev = self.wait_for("start() callback", lambda: c.evs("start_cb"), 15, c)[0]
        if ev["err"] is not None:
            raise StepFailed("start() callback error: %s" % ev["err"])
        posts = c.reqs(method="POST")
        want = c.service_path + c.app
        if [(r["path"], r["status"]) for r in posts] != [(want, 204)]:
            raise StepFailed("want exactly one POST %s -> 204, got %s" % (want, posts))
        if len(c.evs("registered")) != 1 or len(c.evs("started")) != 1:
            raise StepFailed("want one 'registered' and one 'started' event, got %s" % c.events)
        code, inst = self.server_instance(base, c.app_upper, c.id)
        if code != 200 or inst is None:
            raise StepFailed("GET apps/%s/%s answered %s" % (c.app_upper, c.id, code))
        lease = inst.get("leaseInfo") or {}
        checks = {
            # Java writes instanceId only when the registrant set one.
            "instanceId": (inst.get("instanceId"), c.instance_id),
            "hostName": (inst.get("hostName"), c.host_name),
            "app": (inst.get("app"), c.app_upper), "status": (inst.get("status"), "UP"),
            "port": (inst.get("port"), {"$": c.port, "@enabled": "true"}),
            "renewalIntervalInSecs": (lease.get("renewalIntervalInSecs"), 1),
            "durationInSecs": (lease.get("durationInSecs"), 5),
            "dataCenterInfo": (inst.get("dataCenterInfo"),
                               {"@class": "com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo",
                                "name": "MyOwn"}),
            "metadata": (inst.get("metadata"),
                         {"client": "eureka-js-client"} if c.style == "spring" else
                         {"client": "eureka-js-client", "version": "1.2", "replicas": "3", "canary": "false"}),
            "vipAddress": (inst.get("vipAddress"), c.app),
            "countryId": (inst.get("countryId"), 1),
            # Absent securePort: the InstanceInfo default 7002, disabled.
            "securePort": (inst.get("securePort"),
                           {"$": 443 if c.style == "spring" else 7002, "@enabled": "false"}),
        }
        bad = ["%s=%r (want %r)" % (k, v[0], v[1]) for k, v in checks.items() if v[0] != v[1]]
        if bad:
            raise StepFailed("node's copy of the instance: " + ", ".join(bad))
        # The first fetch came right after the registration: the client sees itself.
        self.wait_for("client listing itself by app and vip",
                      lambda: c.id in c.listed("apps", c.app) and c.id in c.listed("vips", c.app), 3, c)
        registered = self.grew(m0, self.metrics(), "register", 204)
        if registered != 1:
            raise StepFailed("node counted %d register 204, want 1" % registered)
        return "start() ok, POST %s -> 204, node lists it UP with lease 1s/5s, client sees itself" % want

    def step_heartbeat(self, c, count=5, min_age=6.5):
        """`count` heartbeats answered 200; with min_age, the instance outlives its 5 s lease."""
        base = self.base(c.service_path)
        m0 = self.metrics()
        mark = c.mark()
        posts0 = len(c.reqs(method="POST"))
        first = c.evs("registered")[0]["t"] / 1000.0
        self.wait_for("%d 'heartbeat' events" % count, lambda: len(c.evs("heartbeat", mark)) >= count,
                      count + 4, c)
        puts = c.reqs(mark, method="PUT")
        bad = [r for r in puts if r["path"] != c.self_path or r["status"] != 200]
        if bad or len(puts) < count:
            raise StepFailed("want every heartbeat PUT %s (no query string) -> 200, got %s"
                             % (c.self_path, bad or puts))
        if len(c.reqs(method="POST")) != posts0:
            raise StepFailed("the client re-registered during heartbeats")
        renewed = self.grew(m0, self.metrics(), "renew", 200)
        if renewed < count:
            raise StepFailed("node counted %d renewals answered 200, want >= %d" % (renewed, count))
        if min_age:
            # Eviction runs every second and the lease is 5 s: only renewals keep it alive.
            age = lambda: (c.reqs()[-1]["t"] if c.reqs() else 0) / 1000.0 - first
            self.wait_for("%.1fs since registration" % min_age, lambda: age() >= min_age, min_age + 3, c)
        code, inst = self.server_instance(base, c.app_upper, c.id)
        if code != 200 or (inst or {}).get("status") != "UP":
            raise StepFailed("after heartbeats GET apps/%s/%s answered %s %s"
                             % (c.app_upper, c.id, code, (inst or {}).get("status")))
        return "%d heartbeats PUT %s -> 200 (node: +%d renew 200)%s" % (
            len(puts), c.self_path, renewed,
            ", instance alive %.1fs after registering with a 5s lease" % min_age if min_age else "")

    def no_fetch_errors(self, c):
        errs = c.evs("fetch_error") + [e for e in c.evs("start_cb") if e["err"]]
        if errs:
            raise StepFailed("the client failed to fetch or apply the registry: %s" % errs)

    def step_registry_fetch(self, c, raw_id, raw_port, emptied_app=None):
        """Full fetches list the client and a raw-registered instance. With emptied_app (an app
        whose last instance was removed; the client then runs with filterUpInstances: false, where
        an `"instance":[]` application makes the library throw), the fetch must still apply."""
        base = self.base(c.service_path)
        m0 = self.metrics()
        mark = c.mark()
        self.raw_register(base, c.app_upper, raw_id, raw_port, c.app)
        both = {c.id, raw_id}
        self.wait_for("client listing %s by app and vip" % sorted(both),
                      lambda: set(c.listed("apps", c.app)) == both
                      and set(c.listed("vips", c.app)) == both, 5, c)
        raw = c.listed_instance("apps", c.app, raw_id)
        want = {"app": c.app_upper, "hostName": "127.0.0.1", "port": raw_port, "portEnabled": "true",
                "status": "UP", "vipAddress": c.app}
        bad = ["%s=%r" % (k, raw.get(k)) for k, v in want.items() if raw.get(k) != v]
        if bad:
            raise StepFailed("client's copy of %s: %s" % (raw_id, ", ".join(bad)))
        fulls = c.reqs(mark, method="GET")
        if not fulls or any(r["path"] != c.service_path or r["status"] != 200 for r in fulls):
            raise StepFailed("want full fetches GET %s -> 200, got %s" % (c.service_path, fulls))
        # The library asks for `gzip, deflate`; the node gzips /apps (README E1).
        if any(r["encoding"] != "gzip" for r in fulls):
            raise StepFailed("full fetches not gzip-encoded: %s" % fulls)
        full = self.grew(m0, self.metrics(), "apps_full", 200)
        if full < 1:
            raise StepFailed("node counted no apps_full 200 during the step")
        extra = ""
        if emptied_app:
            code, _ = get_json("%s/apps/%s" % (base, emptied_app))
            if code != 404:
                raise StepFailed("GET apps/%s (no instances left) answered %s, want 404" % (emptied_app, code))
            mark = c.mark()
            self.wait_for("two more registry updates", lambda: len(c.evs("registryUpdated", mark)) >= 2, 4, c)
            if c.listed("apps", emptied_app):
                raise StepFailed("client still lists %s: %s" % (emptied_app, c.listed("apps", emptied_app)))
            extra = ", emptied %s absent and harmless with filterUpInstances=false" % emptied_app
        self.no_fetch_errors(c)
        return ("getInstancesByAppId/ByVipAddress('%s') = %s after GET %s -> 200 (node: +%d apps_full)%s"
                % (c.app, sorted(both), c.service_path, full, extra))

    def step_status_override(self, c):
        base = self.base(c.service_path)
        url = "%s/apps/%s/%s/status" % (base, c.app_upper, c.id)
        code, text = http("PUT", url + "?value=OUT_OF_SERVICE")
        if code != 200:
            raise StepFailed("PUT .../status?value=OUT_OF_SERVICE answered %s: %s" % (code, text[:200]))
        others = set(c.listed("apps", c.app)) - {c.id}
        if not others:
            raise StepFailed("the client lists no other instance of %s to keep" % c.app)
        self.wait_for("client dropping its OUT_OF_SERVICE instance (and keeping %s)" % sorted(others),
                      lambda: set(c.listed("apps", c.app)) == others
                      and set(c.listed("vips", c.app)) == others, 5, c)
        # js heartbeats carry no status: the override must survive them.
        mark = c.mark()
        self.wait_for("3 heartbeats under the override", lambda: len(c.evs("heartbeat", mark)) >= 3, 7, c)
        if c.reqs(mark, method="POST") or any(r["status"] != 200 for r in c.reqs(mark, method="PUT")):
            raise StepFailed("heartbeats under the override were not all 200 without re-registration: %s"
                             % c.reqs(mark))
        self.wait_for("a full fetch after those heartbeats",
                      lambda: [r for r in c.reqs(mark, method="GET") if r["status"] == 200], 3, c)
        if c.id in c.listed("apps", c.app) or c.id in c.listed("vips", c.app):
            raise StepFailed("the override did not survive heartbeats: the client lists %s again" % c.id)
        code, inst = self.server_instance(base, c.app_upper, c.id)
        got = ((inst or {}).get("status"), (inst or {}).get("overriddenStatus"))
        if code != 200 or got != ("OUT_OF_SERVICE", "OUT_OF_SERVICE"):
            raise StepFailed("node shows status/overriddenStatus %s (code %s), want OUT_OF_SERVICE twice"
                             % (got, code))
        code, text = http("DELETE", url + "?value=UP")
        if code != 200:
            raise StepFailed("DELETE .../status?value=UP answered %s: %s" % (code, text[:200]))
        self.wait_for("client listing it again after the override is removed",
                      lambda: c.id in c.listed("apps", c.app) and c.id in c.listed("vips", c.app), 5, c)
        return "hidden while OUT_OF_SERVICE (through %d heartbeats), listed again after DELETE ?value=UP" % (
            len(c.evs("heartbeat", mark)))

    def step_reregister_after_404(self, c):
        base = self.base(c.service_path)
        m0 = self.metrics()
        mark = c.mark()
        code, text = http("DELETE", "%s/apps/%s/%s" % (base, c.app_upper, c.id))
        if code != 200:
            raise StepFailed("raw DELETE answered %s: %s" % (code, text[:200]))
        code, _ = self.server_instance(base, c.app_upper, c.id)
        if code != 404:
            raise StepFailed("GET after the raw DELETE answered %s, want 404" % code)

        def re_posted():
            seq = c.reqs(mark)
            i404 = next((i for i, r in enumerate(seq) if r["method"] == "PUT" and r["status"] == 404), None)
            if i404 is None:
                return None
            return [r for r in seq[i404 + 1:] if r["method"] == "POST"]

        posts = self.wait_for("heartbeat 404 then a re-POST", re_posted, 6, c)
        want = c.service_path + c.app
        if posts[0]["path"] != want or posts[0]["status"] != 204:
            raise StepFailed("re-registration: want POST %s -> 204, got %s" % (want, posts[0]))
        self.wait_for("a second 'registered' event", lambda: c.evs("registered", mark), 3, c)
        code, inst = self.server_instance(base, c.app_upper, c.id)
        if code != 200 or (inst or {}).get("status") != "UP":
            raise StepFailed("after re-registration GET answered %s %s" % (code, (inst or {}).get("status")))
        after = c.mark()
        self.wait_for("a heartbeat answered 200 after re-registering",
                      lambda: c.evs("heartbeat", after), 4, c)
        self.wait_for("client listing itself again", lambda: c.id in c.listed("apps", c.app), 4, c)
        m1 = self.metrics()
        if self.grew(m0, m1, "renew", 404) < 1 or self.grew(m0, m1, "register", 204) < 1:
            raise StepFailed("node metrics: renew 404 +%d, register 204 +%d (want >= 1 each)"
                             % (self.grew(m0, m1, "renew", 404), self.grew(m0, m1, "register", 204)))
        return "DELETE -> 200; heartbeat PUT -> 404; POST %s -> 204; UP again, heartbeats 200" % want

    def step_delta(self, raw_app, raw_id, raw_port):
        d = self.new_client("client-delta", "it-js-delta", None, "localhost", 18083,
                            "/eureka/apps/", style="newer", delta=True, watch_apps=[raw_app],
                            watch_vips=[raw_app.lower()])
        base = self.base(d.service_path)
        m0 = self.metrics()
        d.start()
        ev = self.wait_for("start() callback", lambda: d.evs("start_cb"), 15, d)[0]
        if ev["err"] is not None:
            raise StepFailed("start() callback error: %s" % ev["err"])
        code, inst = self.server_instance(base, d.app_upper, d.id)
        if code != 200 or (inst or {}).get("port") != {"$": d.port, "@enabled": "true"}:
            raise StepFailed("node's copy of %s (port with a boolean @enabled): %s %s"
                             % (d.id, code, (inst or {}).get("port")))
        delta_path = d.service_path + "delta"
        self.wait_for("a delta fetch", lambda: d.reqs(method="GET", path=delta_path), 4, d)
        if d.listed("apps", raw_app) or d.listed("vips", raw_app.lower()):
            raise StepFailed("%s listed before it was registered" % raw_app)
        self.raw_register(base, raw_app, raw_id, raw_port, raw_app.lower())
        self.wait_for("delta client listing the added %s by app and vip" % raw_id,
                      lambda: d.listed("apps", raw_app) == [raw_id]
                      and d.listed("vips", raw_app.lower()) == [raw_id], 5, d)
        code, text = http("DELETE", "%s/apps/%s/%s" % (base, raw_app, raw_id))
        if code != 200:
            raise StepFailed("raw DELETE answered %s: %s" % (code, text[:200]))
        self.wait_for("delta client dropping the removed %s" % raw_id,
                      lambda: d.listed("apps", raw_app) == [] and d.listed("vips", raw_app.lower()) == [], 5, d)
        gets = d.reqs(method="GET")
        fulls = [r for r in gets if r["path"] == d.service_path]
        deltas = [r for r in gets if r["path"] == delta_path]
        if len(fulls) != 1 or len(deltas) + len(fulls) != len(gets) or any(r["status"] != 200 for r in gets):
            raise StepFailed("want one full fetch then only deltas, all 200; got %s" % gets)
        self.no_fetch_errors(d)
        served = self.grew(m0, self.metrics(), "apps_delta", 200)
        if served < 2:
            raise StepFailed("node counted %d apps_delta 200, want >= 2" % served)
        self.delta_client = d
        return "add and remove of %s/%s seen through %d x GET %s -> 200 after 1 full fetch" % (
            raw_app, raw_id, len(deltas), delta_path)

    def step_expiry_after_kill(self, c):
        """SIGKILL (no deregistration): eviction (every 1 s) removes it once its 5 s lease runs out."""
        base = self.base(c.service_path)
        m0 = self.metrics()
        code, inst = self.server_instance(base, c.app_upper, c.id)
        if code != 200:
            raise StepFailed("GET apps/%s/%s answered %s before the kill" % (c.app_upper, c.id, code))
        last_hb = c.evs("heartbeat")
        os.killpg(c.child.proc.pid, signal.SIGKILL)
        t_kill = time.monotonic()
        if c.child.wait(5) is None:
            raise StepFailed("client did not die on SIGKILL")
        self.wait_for("eviction of %s/%s" % (c.app_upper, c.id),
                      lambda: self.server_instance(base, c.app_upper, c.id)[0] == 404, 5 + 3)
        gone = time.monotonic() - t_kill
        # Its last renewal was at most ~1 s before the kill, so expiry cannot come before ~4 s.
        if gone < 3.0:
            raise StepFailed("evicted %.1fs after the kill, before its 5s lease could run out" % gone)
        if self.grew(m0, self.metrics(), "cancel", 200):
            raise StepFailed("a cancel was counted: the instance was deregistered, not evicted")
        return "no DELETE; evicted %.1fs after SIGKILL (lease 5s, %d heartbeats before)" % (gone, len(last_hb))

    def step_deregister(self, c):
        base = self.base(c.service_path)
        m0 = self.metrics()
        mark = c.mark()
        c.child.send("stop", ignore_errors=True)
        ev = self.wait_for("stop() callback", lambda: c.evs("stop_cb", mark), 5)[0]
        if ev["err"] is not None:
            raise StepFailed("stop() callback error: %s" % ev["err"])
        dels = c.reqs(mark, method="DELETE")
        if [(r["path"], r["status"]) for r in dels] != [(c.self_path, 200)]:
            raise StepFailed("want one DELETE %s -> 200, got %s" % (c.self_path, dels))
        if not c.evs("deregistered", mark):
            raise StepFailed("no 'deregistered' event")
        code, _ = self.server_instance(base, c.app_upper, c.id)
        if code != 404:
            raise StepFailed("GET after stop() answered %s, want 404 at once" % code)
        cancelled = self.grew(m0, self.metrics(), "cancel", 200)
        if cancelled != 1:
            raise StepFailed("node counted %d cancel 200, want 1" % cancelled)
        rc = c.child.wait(5)
        if rc != 0:
            raise StepFailed("client exited with %s after stop()" % rc)
        return "stop(): DELETE %s -> 200, 'deregistered', GET -> 404" % c.self_path

    def step_node_shutdown(self):
        """SIGTERM: the node stops cleanly (under the CI's ASan/UBSan build, with no report)."""
        for c in self.clients:
            if c.child is not None:
                c.child.kill()
        self.server.signal(signal.SIGTERM)
        rc = self.server.wait(10)
        if rc is None:
            raise StepFailed("the node did not stop within 10s of SIGTERM")
        self.server._reader.join(timeout=2)
        reports = [l for l in self.server.lines if "Sanitizer" in l or "runtime error:" in l]
        if rc != 0 or reports:
            raise StepFailed("the node exited with %s%s" % (rc, "; " + reports[0] if reports else ""))
        return "exit code 0 after SIGTERM"

    # -- driver ---------------------------------------------------------------------------------

    def run(self):
        plan = []
        try:
            ok = self.run_step("server_start", self.step_server_start)
            # The library README's instance form, under /eureka/apps/ (Spring's base).
            a = self.new_client("client", "it-js", None, "localhost", 18081, "/eureka/apps/",
                                style="readme", watch_apps=["it-js"], watch_vips=["it-js"]) if ok else None
            reg = self.run_step("register", self.step_register, a, prerequisite_ok=ok)
            self.run_step("heartbeat", self.step_heartbeat, a, prerequisite_ok=reg)
            self.run_step("registry_fetch", self.step_registry_fetch, a, "raw-it-js-2", 18082,
                          prerequisite_ok=reg)
            self.run_step("status_override", self.step_status_override, a, prerequisite_ok=reg)
            self.run_step("reregister_after_404", self.step_reregister_after_404, a, prerequisite_ok=reg)
            dok = self.run_step("delta", self.step_delta, "IT-JS-RAW", "raw-delta-1", 18090, prerequisite_ok=ok)
            self.run_step("expiry_after_kill", lambda: self.step_expiry_after_kill(self.delta_client),
                          prerequisite_ok=dok)
            self.run_step("deregister", self.step_deregister, a, prerequisite_ok=reg)
            # Netflix's base /eureka/v2/apps/ (the library's default), the Spring-style instance form,
        # filterUpInstances: false.
            b = self.new_client("client-v2", "it-js-v2", "127.0.0.1:it-js-v2:18084", "127.0.0.1", 18084,
                                "/eureka/v2/apps/", style="spring", all_statuses=True,
                                watch_apps=["it-js-v2", "IT-JS-RAW"], watch_vips=["it-js-v2"]) if ok else None
            reg = self.run_step("v2_register", self.step_register, b, prerequisite_ok=ok)
            self.run_step("v2_heartbeat", self.step_heartbeat, b, 3, 0, prerequisite_ok=reg)
            self.run_step("v2_registry_fetch", self.step_registry_fetch, b, "raw-it-js-v2-2", 18085, "IT-JS-RAW",
                          prerequisite_ok=reg)
            self.run_step("v2_deregister", self.step_deregister, b, prerequisite_ok=reg)
            self.run_step("node_shutdown", self.step_node_shutdown, prerequisite_ok=ok)
        except Aborted as e:
            log("aborted: %s" % e)
            self.record("aborted", False, str(e))
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            if self.any_failed():
                self.print_tails([self.server] + [c.child for c in self.clients if c.child], self.args.tail)
            self.kill_all([c.child for c in self.clients if c.child] + [self.server])
            log("logs in %s" % self.log_dir)
        passed = self.summary()
        return 0 if passed == len(self.results) else 1


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--node", required=True, help="caf-eureka-node binary")
    p.add_argument("--node-arg", action="append", default=[], help="extra argument for the node (repeatable)")
    p.add_argument("--node-js", default=os.environ.get("NODE", "node"), help="Node.js binary")
    p.add_argument("--overall-timeout", type=float, default=150.0)
    p.add_argument("--log-dir", help="where node.log and client*.log go (default: a temp dir)")
    p.add_argument("--tail", type=int, default=40, help="log lines shown per process on failure")
    args = p.parse_args()
    if not os.path.isfile(args.node):
        p.error("--node %s: no such file" % args.node)

    return run_main(lambda: Scenario(args).run(), args.overall_timeout)


if __name__ == "__main__":
    sys.exit(main())
