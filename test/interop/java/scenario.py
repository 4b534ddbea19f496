#!/usr/bin/env python3
"""Interop scenario: the real Netflix eureka-client (through Spring Cloud) against a Eureka server.

Runs a server (caf-eureka-node, or any command such as the Spring Cloud reference server), starts
the interop client app (test/interop/java, a Spring Boot jar that prints one `OBSERVED {json}` line
per second describing what its DiscoveryClient sees), and checks, step by step:

  1. server start        the server answers GET <base>/apps
  2. registration        the node shows the instance UP; the client sees itself UP
  3. heartbeats          renewals reach the server and are answered 200, no re-registration
  4. second instance     raw POST/DELETE of other instances reach the client through deltas
  5. full vs delta       in steady state only deltas are fetched (hash reconcile succeeds)
  6. status override     PUT/DELETE .../status is seen by the client
  7. discovery client    a second Spring Boot app (the same jar, profile "consumer") finds the first
                         through Spring's DiscoveryClient.getInstances("interop-java"): host, port,
                         metadata, status
  8. actuator status     POST /actuator/serviceregistry {"status":"OUT_OF_SERVICE"} on the first app:
                         the server, the consumer's DiscoveryClient and GET /actuator/serviceregistry
                         show it; {"status":"CANCEL_OVERRIDE"} brings it back to UP
  9. graceful shutdown   SIGTERM -> the client cancels (DELETE), the instance is gone at once
 10. consumer shutdown   the consumer's DiscoveryClient drops the first app; SIGTERM -> it cancels too

Usage:
  scenario.py --node build/apps/caf-eureka-node --jar test/interop/java/target/interop-java-client.jar
  scenario.py --reference-jar test/interop/java-server-reference/target/eureka-server-reference.jar --jar ...
  scenario.py --server-cmd 'my-server --port={port}' --no-metrics --jar ...

Python 3 standard library only. Every wait is bounded; child processes run in their own process
groups and are always killed. The last line is `N passed, M failed`.
"""

import argparse
import json
import os
import shlex
import signal
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from harness import (  # noqa: E402  (test/interop/common/harness.py)
    Aborted, Child, StepFailed, StepRunner, free_port, get_json, http, log, observed_instance,
    observed_requests, request_counts, run_main, server_instance)

APP = "INTEROP-JAVA"          # spring.application.name=interop-java, upper-cased by Eureka
SERVICE_ID = "interop-java"   # what the consumer passes to DiscoveryClient.getInstances()
CONSUMER_APP = "INTEROP-JAVA-CONSUMER"  # profile "consumer" (application-consumer.properties)
RAW_APP = "INTEROP-RAW"       # an application only the scenario registers
STEPS = [
    "server_start",
    "client_registration",
    "heartbeats",
    "second_instance_via_delta",
    "full_vs_delta",
    "status_override",
    "discovery_client_lookup",
    "actuator_serviceregistry_status",
    "graceful_shutdown_cancel",
    "consumer_shutdown_cancel",
]
# Route labels of eureka_http_requests_total (http_gateway/router.cpp route_label()).
ROUTES = {
    "full": "apps_full",
    "delta": "apps_delta",
    "register": "register",
    "renew": "renew",
    "cancel": "cancel",
    "status_update": "status_update",
    "status_delete": "status_delete",
}


# ----------------------------------------------------------------------------------------------
# the scenario


class Observer:
    """The OBSERVED/EVENT lines of one interop Java app (the provider "client" or the "consumer")."""

    def __init__(self, label):
        self.label = label
        self.lock = threading.Lock()
        self.obs = None         # latest OBSERVED document
        self.count = 0
        self.events = []
        self.self_id = None

    def on_line(self, line):
        tag, _, payload = line.partition(" ")
        if tag not in ("OBSERVED", "EVENT"):
            return
        try:
            doc = json.loads(payload)
        except ValueError:
            return
        with self.lock:
            if tag == "OBSERVED":
                self.obs = doc
                self.count += 1
                if self.self_id is None:
                    self.self_id = doc.get("self", {}).get("id")
            else:
                self.events.append(doc)

    def observation(self):
        with self.lock:
            return self.obs, self.count


class Scenario(StepRunner):
    def __init__(self, args):
        self.args = args
        self.results = []       # (step, ok, detail)
        self.server = None
        self.client = None
        self.port = None
        self.base = None        # http://127.0.0.1:PORT/eureka
        self.root = None        # http://127.0.0.1:PORT
        self.use_metrics = args.node is not None and not args.no_metrics
        self.consumer = None
        self.observers = {"client": Observer("client"), "consumer": Observer("consumer")}
        self.instance_port = None       # the provider's web server port (= its advertised port)
        self.consumer_port = None       # advertised only; nothing listens
        self.token = "tok-%d-%d" % (os.getpid(), int(time.time()))  # provider metadata the consumer must see
        self.log_dir = args.log_dir or tempfile.mkdtemp(prefix="interop-java-")
        os.makedirs(self.log_dir, exist_ok=True)

    # -- observations from the Java app ---------------------------------------------------------

    @property
    def self_id(self):
        return self.observers["client"].self_id

    def observation(self, who="client"):
        return self.observers[who].observation()

    def fresh_observation(self, timeout=5.0, who="client"):
        """The first OBSERVED line printed after now (so it reflects the current client state)."""
        _, n0 = self.observation(who)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            doc, n = self.observation(who)
            if n > n0:
                return doc
            self.check_client_alive(who)
            time.sleep(0.1)
        raise StepFailed("the %s printed no OBSERVED line for %.0fs" % (who, timeout))

    def wait_observed(self, what, predicate, timeout, who="client"):
        deadline = time.monotonic() + timeout
        doc = None
        while time.monotonic() < deadline:
            doc, _ = self.observation(who)
            if doc is not None and predicate(doc):
                return doc
            self.check_client_alive(who)
            time.sleep(0.2)
        raise StepFailed("%s did not observe %s within %.0fs; last OBSERVED: %s"
                         % (who, what, timeout, json.dumps(doc)[:600] if doc else None))

    def check_client_alive(self, who="client"):
        child = self.client if who == "client" else self.consumer
        if child is not None and not child.alive():
            raise StepFailed("the Java %s exited (code %s)" % (who, child.proc.returncode))

    observed_instance = staticmethod(observed_instance)

    req_count = staticmethod(observed_requests)

    # -- server side ----------------------------------------------------------------------------

    def server_instance(self, app, iid):
        return server_instance(self.base, app, iid)

    def server_app_instances(self, app):
        code, doc = get_json("%s/apps/%s" % (self.base, app))
        if code != 200 or doc is None:
            return code, []
        insts = (doc.get("application") or {}).get("instance") or []
        if isinstance(insts, dict):
            insts = [insts]
        return code, insts

    def metrics(self):
        """{route: {code: count}} of eureka_http_requests_total, or None when unavailable."""
        code, text = http("GET", self.root + "/metrics", timeout=5.0)
        if code != 200:
            return None
        return request_counts(text)

    def metric(self, m, kind, code=None):
        codes = (m or {}).get(ROUTES[kind], {})
        if code is None:
            return sum(codes.values())
        return codes.get(str(code), 0)

    def need_metrics(self):
        m = self.metrics()
        if m is None:
            raise StepFailed("GET /metrics did not answer 200 with Prometheus text")
        return m

    # -- steps ----------------------------------------------------------------------------------

    def step_server_start(self):
        self.port = self.args.port or free_port()
        self.root = "http://127.0.0.1:%d" % self.port
        self.base = self.root + self.args.base_path.rstrip("/")
        if self.args.node:
            argv = [self.args.node, "--server.port=%d" % self.port, "--server.address=127.0.0.1",
                    "--eureka.server.eviction-interval-timer-in-ms=1000"] + self.args.node_arg
        elif self.args.reference_jar:
            argv = [self.args.java] + shlex.split(self.args.jvm_opts) + [
                "-jar", self.args.reference_jar, "--server.port=%d" % self.port,
                "--server.address=127.0.0.1"]
        else:
            argv = [a.replace("{port}", str(self.port)) for a in shlex.split(self.args.server_cmd)]
        self.server = Child("server", argv, os.path.join(self.log_dir, "server.log"))
        deadline = time.monotonic() + self.args.server_timeout
        last = None
        while time.monotonic() < deadline:
            if not self.server.alive():
                raise StepFailed("server exited with code %s" % self.server.proc.returncode)
            code, doc = get_json(self.base + "/apps", timeout=2.0)
            last = code
            if code == 200 and doc is not None and "applications" in doc:
                detail = "GET %s/apps -> 200 on port %d" % (self.args.base_path, self.port)
                if self.use_metrics:
                    if self.metrics() is None:
                        raise StepFailed("server is up but GET /metrics does not answer 200")
                    detail += ", /metrics answers"
                return detail
            time.sleep(0.25)
        raise StepFailed("server did not answer GET %s/apps with JSON within %.0fs (last: %s)"
                         % (self.base, self.args.server_timeout, last))

    def step_client_registration(self):
        url = self.base + "/"
        # The provider runs a web server (actuator) on this port and advertises it.
        self.instance_port = self.args.instance_port or free_port()
        argv = [self.args.java] + shlex.split(self.args.jvm_opts) + [
            "-Dinterop.eureka-url=" + url, "-jar", self.args.jar,
            "--interop.port=%d" % self.instance_port,
            "--eureka.instance.metadata-map.interop-token=" + self.token] + self.args.client_arg
        self.client = Child("client", argv, os.path.join(self.log_dir, "client.log"),
                            on_line=self.observers["client"].on_line)
        deadline = time.monotonic() + self.args.client_timeout
        # The client names its own instance id in every OBSERVED line.
        while self.self_id is None:
            if time.monotonic() > deadline:
                raise StepFailed("the client printed no OBSERVED line within %.0fs"
                                 % self.args.client_timeout)
            self.check_client_alive()
            time.sleep(0.2)
        iid = self.self_id
        server_ok = None
        while time.monotonic() < deadline:
            self.check_client_alive()
            code, insts = self.server_app_instances(APP)
            mine = [i for i in insts if i.get("instanceId") == iid]
            if mine and mine[0].get("status") == "UP":
                server_ok = mine[0]
                break
            time.sleep(0.25)
        if server_ok is None:
            raise StepFailed("server never listed %s/%s as UP in GET apps/%s" % (APP, iid, APP))
        remaining = max(1.0, deadline - time.monotonic())
        self.wait_observed("itself UP", lambda d: (self.observed_instance(d, APP, iid) or {})
                           .get("status") == "UP", remaining)
        doc = self.fresh_observation()
        regs = (doc.get("requests") or {}).get("register", {})
        if self.req_count(doc, "register", 204) < 1:
            raise StepFailed("the client's registration was never answered 204: %s" % regs)
        if self.req_count(doc, "register") != self.req_count(doc, "register", 204):
            raise StepFailed("some registrations were not answered 204: %s" % regs)
        lease = server_ok.get("leaseInfo") or {}
        if lease.get("durationInSecs") != 5 or lease.get("renewalIntervalInSecs") != 1:
            raise StepFailed("server lease does not carry the client's 1 s / 5 s: %s" % lease)
        return "server lists %s/%s UP; client sees itself UP; register -> %s" % (APP, iid, regs)

    def step_heartbeats(self):
        iid = self.self_id
        window = 5.0
        d0 = self.fresh_observation()
        _, i0 = self.server_instance(APP, iid)
        m0 = self.need_metrics() if self.use_metrics else None
        time.sleep(window)
        d1 = self.fresh_observation()
        _, i1 = self.server_instance(APP, iid)
        m1 = self.need_metrics() if self.use_metrics else None

        renew_ok = self.req_count(d1, "renew", 200) - self.req_count(d0, "renew", 200)
        renew_all = self.req_count(d1, "renew") - self.req_count(d0, "renew")
        if renew_ok < 3:
            raise StepFailed("client renewals answered 200 in %.0fs: %d (of %d sent); want >= 3; %s"
                             % (window, renew_ok, renew_all, d1.get("requests")))
        if renew_all != renew_ok:
            raise StepFailed("some renewals were not answered 200: %s" % d1["requests"].get("renew"))
        if self.req_count(d1, "register") != self.req_count(d0, "register"):
            raise StepFailed("the client re-registered during steady heartbeats (renew 404?): %s"
                             % d1["requests"].get("register"))
        details = ["client renew 200 x%d in %.0fs" % (renew_ok, window)]
        lr0 = ((i0 or {}).get("leaseInfo") or {}).get("lastRenewalTimestamp")
        lr1 = ((i1 or {}).get("leaseInfo") or {}).get("lastRenewalTimestamp")
        lease_grew = lr0 is not None and lr1 is not None and int(lr1) > int(lr0)
        details.append("lastRenewalTimestamp %s -> %s" % (lr0, lr1))
        if self.use_metrics:
            grew = self.metric(m1, "renew", 200) - self.metric(m0, "renew", 200)
            details.append("metrics renew{code=200} +%d" % grew)
            if grew < 3:
                raise StepFailed("server renew counter grew by %d in %.0fs; want >= 3; %s"
                                 % (grew, window, "; ".join(details)))
        elif not lease_grew:
            raise StepFailed("server lastRenewalTimestamp did not grow: %s" % "; ".join(details))
        return "; ".join(details)

    def raw_instance(self, app, iid, port):
        now = int(time.time() * 1000)
        return {"instance": {
            "instanceId": iid,
            "hostName": "127.0.0.1",
            "app": app,
            "ipAddr": "127.0.0.1",
            "status": "UP",
            "overriddenStatus": "UNKNOWN",
            "port": {"$": port, "@enabled": "true"},
            "securePort": {"$": 443, "@enabled": "false"},
            "countryId": 1,
            "dataCenterInfo": {"@class": "com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo",
                               "name": "MyOwn"},
            "leaseInfo": {"renewalIntervalInSecs": 30, "durationInSecs": 90},
            "metadata": {"origin": "interop-scenario"},
            "homePageUrl": "http://127.0.0.1:%d/" % port,
            "statusPageUrl": "http://127.0.0.1:%d/info" % port,
            "healthCheckUrl": "http://127.0.0.1:%d/health" % port,
            "vipAddress": app.lower(),
            "secureVipAddress": app.lower(),
            "isCoordinatingDiscoveryServer": "false",
            "lastUpdatedTimestamp": str(now),
            "lastDirtyTimestamp": str(now),
        }}

    def step_second_instance(self):
        # One more instance of the client's own application, and one of a new application: the
        # client must merge both from deltas (ADDED, then DELETED) without a fallback full fetch.
        others = [(APP, "raw-%s-1" % APP.lower(), 19001), (RAW_APP, "raw-%s-1" % RAW_APP.lower(), 19002)]
        d0 = self.fresh_observation()
        m0 = self.need_metrics() if self.use_metrics else None
        for app, iid, port in others:
            code, text = http("POST", "%s/apps/%s" % (self.base, app), self.raw_instance(app, iid, port),
                              headers={"Accept": "application/json"})
            if code != 204:
                raise StepFailed("POST apps/%s -> %s %s (want 204)" % (app, code, text[:200]))
        self.wait_observed("the raw instances UP", lambda d: all(
            (self.observed_instance(d, a, i) or {}).get("status") == "UP" for a, i, _ in others), 20)
        d1 = self.fresh_observation()
        if d1.get("hash") != "UP_3_":
            raise StepFailed("client hash after adding two instances is %r, want UP_3_" % d1.get("hash"))
        for app, iid, _ in others:
            code, text = http("DELETE", "%s/apps/%s/%s" % (self.base, app, urllib.parse.quote(iid, safe="")))
            if code != 200:
                raise StepFailed("DELETE apps/%s/%s -> %s %s (want 200)" % (app, iid, code, text[:200]))
        self.wait_observed("the raw instances gone", lambda d: all(
            self.observed_instance(d, a, i) is None for a, i, _ in others)
            and RAW_APP not in (d.get("apps") or {}), 20)
        d2 = self.fresh_observation()
        full = self.req_count(d2, "full") - self.req_count(d0, "full")
        delta = self.req_count(d2, "delta", 200) - self.req_count(d0, "delta", 200)
        details = ["seen added (hash UP_3_) and removed (hash %s)" % d2.get("hash"),
                   "client delta +%d, full +%d" % (delta, full)]
        if full != 0 or delta < 2:
            raise StepFailed("changes were not picked up through deltas alone: " + "; ".join(details))
        if self.use_metrics:
            m1 = self.need_metrics()
            reg = self.metric(m1, "register", 204) - self.metric(m0, "register", 204)
            can = self.metric(m1, "cancel", 200) - self.metric(m0, "cancel", 200)
            details.append("metrics register{204} +%d, cancel{200} +%d" % (reg, can))
            if reg < 2 or can < 2:
                raise StepFailed("server counters do not show the raw register/cancel: " + "; ".join(details))
        return "; ".join(details)

    def step_full_vs_delta(self):
        window = self.args.delta_window
        d0 = self.fresh_observation()
        m0 = self.need_metrics() if self.use_metrics else None
        time.sleep(window)
        d1 = self.fresh_observation()
        m1 = self.need_metrics() if self.use_metrics else None
        full = self.req_count(d1, "full") - self.req_count(d0, "full")
        delta = self.req_count(d1, "delta", 200) - self.req_count(d0, "delta", 200)
        details = ["client over %.0fs: delta +%d, full +%d" % (window, delta, full)]
        if full != 0:
            raise StepFailed("the client fell back to full fetches (hash reconcile failed?): "
                             + "; ".join(details))
        if delta < window / 2:
            raise StepFailed("too few delta fetches: " + "; ".join(details))
        if d1.get("hash") != d1.get("serverHash"):
            raise StepFailed("client reconcile hash %r != server apps__hashcode %r"
                             % (d1.get("hash"), d1.get("serverHash")))
        details.append("hash %s matches server" % d1.get("hash"))
        if self.use_metrics:
            sfull = self.metric(m1, "full") - self.metric(m0, "full")
            sdelta = self.metric(m1, "delta", 200) - self.metric(m0, "delta", 200)
            details.append("metrics apps_full +%d, apps_delta{200} +%d" % (sfull, sdelta))
            if sfull != 0 or sdelta < window / 2:
                raise StepFailed("server counters disagree: " + "; ".join(details))
        return "; ".join(details)

    def step_status_override(self):
        iid = self.self_id
        path = "%s/apps/%s/%s/status" % (self.base, APP, urllib.parse.quote(iid, safe=""))
        d0 = self.fresh_observation()
        code, text = http("PUT", path + "?value=OUT_OF_SERVICE")
        if code != 200:
            raise StepFailed("PUT status?value=OUT_OF_SERVICE -> %s %s (want 200)" % (code, text[:200]))
        code, inst = self.server_instance(APP, iid)
        if code != 200 or (inst or {}).get("status") != "OUT_OF_SERVICE":
            raise StepFailed("server instance after override: %s %s" % (code, json.dumps(inst)[:300]))
        if inst.get("overriddenStatus", inst.get("overriddenstatus")) != "OUT_OF_SERVICE":
            raise StepFailed("server overriddenStatus after PUT: %r" % inst.get("overriddenStatus"))
        self.wait_observed("itself OUT_OF_SERVICE", lambda d: (self.observed_instance(d, APP, iid) or {})
                           .get("status") == "OUT_OF_SERVICE", 15)
        # The override must survive the client's heartbeats (which carry status=UP).
        time.sleep(3)
        d1 = self.fresh_observation()
        if (self.observed_instance(d1, APP, iid) or {}).get("status") != "OUT_OF_SERVICE":
            raise StepFailed("override did not survive heartbeats: %s"
                             % self.observed_instance(d1, APP, iid))
        code, text = http("DELETE", path + "?value=UP")
        if code != 200:
            raise StepFailed("DELETE status?value=UP -> %s %s (want 200)" % (code, text[:200]))
        self.wait_observed("itself UP again", lambda d: (self.observed_instance(d, APP, iid) or {})
                           .get("status") == "UP", 15)
        time.sleep(3)
        d2 = self.fresh_observation()
        if (self.observed_instance(d2, APP, iid) or {}).get("status") != "UP":
            raise StepFailed("status flipped back after the override was removed: %s"
                             % self.observed_instance(d2, APP, iid))
        full = self.req_count(d2, "full") - self.req_count(d0, "full")
        details = ["client saw OUT_OF_SERVICE then UP", "full fetches +%d" % full]
        if full != 0:
            raise StepFailed("status changes needed a full fetch: " + "; ".join(details))
        return "; ".join(details)

    def step_graceful_shutdown(self):
        iid = self.self_id
        m0 = self.need_metrics() if self.use_metrics else None
        code, _ = self.server_instance(APP, iid)
        if code != 200:
            raise StepFailed("instance not on the server before SIGTERM: GET -> %s" % code)
        t0 = time.monotonic()
        self.client.signal(signal.SIGTERM)
        rc = self.client.wait(30)
        if rc is None:
            raise StepFailed("the Java client did not exit within 30 s of SIGTERM")
        exit_s = time.monotonic() - t0
        # Lease duration is 5 s: eviction could not remove it this early; only a cancel can.
        limit = 3.0
        gone_at = None
        while time.monotonic() - t0 < limit:
            code, _ = self.server_instance(APP, iid)
            if code == 404:
                gone_at = time.monotonic() - t0
                break
            time.sleep(0.1)
        details = ["client exited rc=%s after %.1fs" % (rc, exit_s)]
        if rc not in (0, 143, -15):
            raise StepFailed("unexpected exit code: " + "; ".join(details))
        if gone_at is None:
            raise StepFailed("instance still on the server %.0fs after SIGTERM (lease is 5s): %s"
                             % (limit, "; ".join(details)))
        details.append("GET instance -> 404 %.1fs after SIGTERM" % gone_at)
        dereg = [l for l in self.client.lines if "deregister" in l and "status: 200" in l]
        if not dereg:
            raise StepFailed("the client did not log 'deregister status: 200': " + "; ".join(details))
        details.append("client logged deregister status 200")
        if self.use_metrics:
            m1 = self.need_metrics()
            can = self.metric(m1, "cancel", 200) - self.metric(m0, "cancel", 200)
            details.append("metrics cancel{200} +%d" % can)
            if can < 1:
                raise StepFailed("server cancel counter did not grow: " + "; ".join(details))
        return "; ".join(details)

    # -- the consumer app, Spring's DiscoveryClient and the serviceregistry actuator endpoint ---

    @staticmethod
    def discovered(doc, service_id, iid):
        """The consumer's DiscoveryClient.getInstances(service_id) entry for instance iid, or None."""
        for inst in ((doc.get("discovered") or {}).get(service_id) or []):
            if inst.get("instanceId") == iid:
                return inst
        return None

    def actuator_url(self):
        return "http://127.0.0.1:%d/actuator/serviceregistry" % self.instance_port

    def actuator_get(self):
        """(code, doc) of GET /actuator/serviceregistry on the provider."""
        code, text = http("GET", self.actuator_url(), headers={"Accept": "application/json"})
        try:
            return code, json.loads(text) if code == 200 else None
        except ValueError:
            return code, None

    def actuator_set(self, status):
        code, text = http("POST", self.actuator_url(), {"status": status},
                          headers={"Accept": "application/json"}, timeout=10.0)
        if code not in (200, 204):
            raise StepFailed("POST /actuator/serviceregistry {\"status\":\"%s\"} -> %s %s (want 200/204)"
                             % (status, code, text[:300]))
        return code

    def wait_actuator(self, what, predicate, timeout):
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            self.check_client_alive()
            code, doc = self.actuator_get()
            last = (code, doc)
            if code == 200 and doc is not None and predicate(doc):
                return doc
            time.sleep(0.25)
        raise StepFailed("GET /actuator/serviceregistry did not report %s within %.0fs (last: %s)"
                         % (what, timeout, last))

    def wait_server(self, app, iid, what, predicate, timeout):
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            code, inst = self.server_instance(app, iid)
            last = (code, inst)
            if predicate(code, inst):
                return inst
            time.sleep(0.2)
        raise StepFailed("server did not show %s within %.0fs (last: %s %s)"
                         % (what, timeout, last[0], json.dumps(last[1])[:400] if last else None))

    def server_vip_status(self, vip, iid):
        """Status of instance iid in GET <base>/vips/VIP (what VIP-based clients read), or the HTTP code."""
        code, doc = get_json("%s/vips/%s" % (self.base, vip))
        if code != 200 or doc is None:
            return "HTTP %s" % code
        apps = (doc.get("applications") or {}).get("application") or []
        if isinstance(apps, dict):
            apps = [apps]
        for app in apps:
            insts = app.get("instance") or []
            for inst in ([insts] if isinstance(insts, dict) else insts):
                if inst.get("instanceId") == iid:
                    return inst.get("status")
        return None

    def step_discovery_client(self):
        pid = self.self_id
        self.consumer_port = free_port()
        argv = [self.args.java] + shlex.split(self.args.jvm_opts) + [
            "-Dinterop.eureka-url=" + self.base + "/", "-jar", self.args.jar,
            "--spring.profiles.active=consumer",
            "--interop.port=%d" % self.consumer_port] + self.args.consumer_arg
        obs = self.observers["consumer"]
        self.consumer = Child("consumer", argv, os.path.join(self.log_dir, "consumer.log"),
                              on_line=obs.on_line)
        deadline = time.monotonic() + self.args.client_timeout
        while obs.self_id is None:
            if time.monotonic() > deadline:
                raise StepFailed("the consumer printed no OBSERVED line within %.0fs"
                                 % self.args.client_timeout)
            self.check_client_alive("consumer")
            time.sleep(0.2)
        cid = obs.self_id
        details = ["consumer %s/%s" % (CONSUMER_APP, cid)]
        # The consumer is an application of its own: registered, UP.
        self.wait_server(CONSUMER_APP, cid, "the consumer UP",
                         lambda c, i: c == 200 and (i or {}).get("status") == "UP",
                         max(5.0, deadline - time.monotonic()))
        # Spring's DiscoveryClient on the consumer finds the provider.
        doc = self.wait_observed("%s through DiscoveryClient.getInstances(%r)" % (pid, SERVICE_ID),
                                 lambda d: self.discovered(d, SERVICE_ID, pid) is not None,
                                 max(10.0, deadline - time.monotonic()), who="consumer")
        found = self.discovered(doc, SERVICE_ID, pid)
        md = found.get("metadata") or {}
        want = {"host": "127.0.0.1", "port": self.instance_port, "status": "UP",
                "serviceId": SERVICE_ID.upper()}
        bad = ["%s=%r (want %r)" % (k, found.get(k), v) for k, v in want.items()
               if str(found.get(k)).lower() != str(v).lower()]
        if md.get("interop-token") != self.token or md.get("interop-role") != "provider":
            bad.append("metadata=%s (want interop-token=%s, interop-role=provider)" % (md, self.token))
        if found.get("uri") != "http://127.0.0.1:%d" % self.instance_port:
            bad.append("uri=%r" % found.get("uri"))
        if bad:
            raise StepFailed("DiscoveryClient.getInstances(%r) on the consumer: %s; got %s"
                             % (SERVICE_ID, ", ".join(bad), json.dumps(found)))
        n = len((doc.get("discovered") or {}).get(SERVICE_ID) or [])
        if n != 1:
            raise StepFailed("DiscoveryClient.getInstances(%r) lists %d instances, want 1: %s"
                             % (SERVICE_ID, n, json.dumps(doc.get("discovered"))[:600]))
        details.append("DiscoveryClient.getInstances(%r) -> %s %s:%d metadata %s status %s"
                       % (SERVICE_ID, pid, found["host"], found["port"],
                          {k: md[k] for k in sorted(md) if k.startswith("interop-")}, found.get("status")))
        # And the provider, through its own registry fetches, sees the consumer.
        self.wait_observed("the consumer UP", lambda d: (self.observed_instance(d, CONSUMER_APP, cid) or {})
                           .get("status") == "UP", 15)
        details.append("provider sees the consumer UP")
        return "; ".join(details)

    def step_actuator_status(self):
        pid = self.self_id
        cid = self.observers["consumer"].self_id
        doc = self.wait_actuator("status UP", lambda d: d.get("status") == "UP", 20)
        details = ["GET actuator -> %s" % json.dumps(doc, sort_keys=True)]
        d0 = self.fresh_observation()

        # OUT_OF_SERVICE: PUT .../status?value=OUT_OF_SERVICE through the client's transport.
        code = self.actuator_set("OUT_OF_SERVICE")
        details.append("POST OUT_OF_SERVICE -> %d" % code)
        self.wait_server(APP, pid, "OUT_OF_SERVICE with overriddenStatus OUT_OF_SERVICE",
                         lambda c, i: c == 200 and (i or {}).get("status") == "OUT_OF_SERVICE"
                         and (i or {}).get("overriddenStatus", (i or {}).get("overriddenstatus"))
                         == "OUT_OF_SERVICE", 5)
        self.wait_actuator("status OUT_OF_SERVICE", lambda d: d.get("status") == "OUT_OF_SERVICE"
                           and d.get("overriddenStatus") == "OUT_OF_SERVICE", 10)
        # The consumer's eureka cache has it OUT_OF_SERVICE; Spring's DiscoveryClient (UP only) drops it.
        self.wait_observed("the provider OUT_OF_SERVICE and not discoverable", lambda d:
                           (self.observed_instance(d, APP, pid) or {}).get("status") == "OUT_OF_SERVICE"
                           and self.discovered(d, SERVICE_ID, pid) is None, 15, who="consumer")
        details.append("consumer: cache OUT_OF_SERVICE, getInstances() empty")
        vip = self.server_vip_status(SERVICE_ID, pid)
        if vip != "OUT_OF_SERVICE":
            raise StepFailed("GET vips/%s shows the provider as %r, want OUT_OF_SERVICE" % (SERVICE_ID, vip))
        # The override holds against the provider's heartbeats (status=UP).
        time.sleep(3)
        code, inst = self.server_instance(APP, pid)
        if code != 200 or (inst or {}).get("status") != "OUT_OF_SERVICE":
            raise StepFailed("override did not survive heartbeats: %s %s" % (code, json.dumps(inst)[:300]))
        d1 = self.fresh_observation()
        put = self.req_count(d1, "status", 200) - self.req_count(d0, "status", 200)
        if put < 1:
            raise StepFailed("the provider sent no PUT .../status answered 200: %s" % d1.get("requests"))

        # CANCEL_OVERRIDE: DELETE .../status (no value): status UNKNOWN, the next heartbeat 404s,
        # the client re-registers UP.
        code = self.actuator_set("CANCEL_OVERRIDE")
        details.append("POST CANCEL_OVERRIDE -> %d" % code)
        self.wait_server(APP, pid, "UP with overriddenStatus UNKNOWN",
                         lambda c, i: c == 200 and (i or {}).get("status") == "UP"
                         and (i or {}).get("overriddenStatus", (i or {}).get("overriddenstatus"))
                         in (None, "UNKNOWN"), 15)
        doc = self.wait_actuator("status UP", lambda d: d.get("status") == "UP"
                                 and d.get("overriddenStatus") == "UNKNOWN", 10)
        self.wait_observed("the provider discoverable again", lambda d:
                           (self.discovered(d, SERVICE_ID, pid) or {}).get("status") == "UP", 15, who="consumer")
        details.append("consumer: getInstances() lists it UP again")
        vip = self.server_vip_status(SERVICE_ID, pid)
        if vip != "UP":
            raise StepFailed("GET vips/%s shows the provider as %r, want UP" % (SERVICE_ID, vip))
        details.append("GET vips/%s: OUT_OF_SERVICE, then UP" % SERVICE_ID)
        self.wait_observed("itself UP again", lambda d: (self.observed_instance(d, APP, pid) or {})
                           .get("status") == "UP", 15)
        time.sleep(3)
        code, inst = self.server_instance(APP, pid)
        if code != 200 or (inst or {}).get("status") != "UP":
            raise StepFailed("status did not stay UP after CANCEL_OVERRIDE: %s %s"
                             % (code, json.dumps(inst)[:300]))
        d2 = self.fresh_observation()
        dele = self.req_count(d2, "status-delete", 200) - self.req_count(d1, "status-delete", 200)
        if dele < 1:
            raise StepFailed("the provider sent no DELETE .../status answered 200: %s" % d2.get("requests"))
        details.append("provider transport: PUT status 200 +%d, DELETE status 200 +%d, renew 404 +%d, "
                       "register +%d" % (put, dele,
                                         self.req_count(d2, "renew", 404) - self.req_count(d0, "renew", 404),
                                         self.req_count(d2, "register") - self.req_count(d0, "register")))
        details.append("GET actuator -> %s" % json.dumps(doc, sort_keys=True))
        if cid is not None:
            code, _ = self.server_instance(CONSUMER_APP, cid)
            if code != 200:
                raise StepFailed("the consumer's instance went missing: GET -> %s" % code)
        return "; ".join(details)

    def step_consumer_shutdown(self):
        pid = self.self_id
        cid = self.observers["consumer"].self_id
        # The provider cancelled in the previous step: the consumer's DiscoveryClient drops it.
        self.wait_observed("the provider gone", lambda d: self.discovered(d, SERVICE_ID, pid) is None
                           and self.observed_instance(d, APP, pid) is None, 15, who="consumer")
        details = ["consumer: provider gone from getInstances() and its cache"]
        m0 = self.need_metrics() if self.use_metrics else None
        t0 = time.monotonic()
        self.consumer.signal(signal.SIGTERM)
        rc = self.consumer.wait(30)
        if rc is None:
            raise StepFailed("the consumer did not exit within 30 s of SIGTERM")
        details.append("consumer exited rc=%s after %.1fs" % (rc, time.monotonic() - t0))
        if rc not in (0, 143, -15):
            raise StepFailed("unexpected exit code: " + "; ".join(details))
        gone_at = None
        while time.monotonic() - t0 < 3.0:
            code, _ = self.server_instance(CONSUMER_APP, cid)
            if code == 404:
                gone_at = time.monotonic() - t0
                break
            time.sleep(0.1)
        if gone_at is None:
            raise StepFailed("consumer still on the server 3s after SIGTERM (lease is 5s): " + "; ".join(details))
        details.append("GET consumer instance -> 404 %.1fs after SIGTERM" % gone_at)
        if not [l for l in self.consumer.lines if "deregister" in l and "status: 200" in l]:
            raise StepFailed("the consumer did not log 'deregister status: 200': " + "; ".join(details))
        if self.use_metrics:
            m1 = self.need_metrics()
            can = self.metric(m1, "cancel", 200) - self.metric(m0, "cancel", 200)
            details.append("metrics cancel{200} +%d" % can)
            if can < 1:
                raise StepFailed("server cancel counter did not grow: " + "; ".join(details))
        code, doc = get_json(self.base + "/apps")
        apps = ((doc or {}).get("applications") or {}).get("application") or []
        if code != 200 or apps:
            raise StepFailed("registry not empty at the end: %s %s" % (code, json.dumps(apps)[:300]))
        details.append("registry empty")
        return "; ".join(details)

    # -- driver ---------------------------------------------------------------------------------

    def run(self):
        try:
            ok = self.run_step("server_start", self.step_server_start)
            reg = self.run_step("client_registration", self.step_client_registration, prerequisite_ok=ok)
            self.run_step("heartbeats", self.step_heartbeats, prerequisite_ok=reg)
            self.run_step("second_instance_via_delta", self.step_second_instance, prerequisite_ok=reg)
            self.run_step("full_vs_delta", self.step_full_vs_delta, prerequisite_ok=reg)
            self.run_step("status_override", self.step_status_override, prerequisite_ok=reg)
            cons = self.run_step("discovery_client_lookup", self.step_discovery_client, prerequisite_ok=reg)
            self.run_step("actuator_serviceregistry_status", self.step_actuator_status,
                          prerequisite_ok=reg and cons)
            self.run_step("graceful_shutdown_cancel", self.step_graceful_shutdown, prerequisite_ok=reg)
            self.run_step("consumer_shutdown_cancel", self.step_consumer_shutdown,
                          prerequisite_ok=self.consumer is not None and self.consumer.alive())
        except Aborted as e:
            self.record_aborted(STEPS, e)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            if self.any_failed():
                self.print_tails((self.server, self.client, self.consumer), self.args.tail)
            self.kill_all((self.consumer, self.client, self.server))
            log("logs in %s" % self.log_dir)
        passed = self.summary()
        return 0 if passed == len(self.results) else 1


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    srv = p.add_mutually_exclusive_group(required=True)
    srv.add_argument("--node", help="caf-eureka-node binary (metrics checks on)")
    srv.add_argument("--reference-jar", help="Spring Cloud Eureka server jar (test/interop/java-server-reference)")
    srv.add_argument("--server-cmd", help="any server command; {port} is replaced by the chosen port")
    p.add_argument("--jar", default=os.path.join(here, "target", "interop-java-client.jar"),
                   help="the interop client jar (default: %(default)s)")
    p.add_argument("--node-arg", action="append", default=[], help="extra argument for --node (repeatable)")
    p.add_argument("--client-arg", action="append", default=[],
                   help="extra Spring argument for the client, e.g. --client-arg=--eureka.client.disable-delta=true")
    p.add_argument("--consumer-arg", action="append", default=[],
                   help="extra Spring argument for the consumer app (repeatable)")
    p.add_argument("--no-metrics", action="store_true", help="skip /metrics checks with --node")
    p.add_argument("--java", default=os.environ.get("JAVA", "java"))
    p.add_argument("--jvm-opts", default=os.environ.get(
        "INTEROP_JVM_OPTS", "-Xmx256m -Xss512k -XX:+UseSerialGC -XX:TieredStopAtLevel=1"))
    p.add_argument("--base-path", default="/eureka", help="Eureka base path (default: %(default)s)")
    p.add_argument("--port", type=int, default=0, help="server port (default: a free one)")
    p.add_argument("--instance-port", type=int, default=0,
                   help="the client's web server (actuator) port, also advertised (default: a free one)")
    p.add_argument("--server-timeout", type=float, default=120.0)
    p.add_argument("--client-timeout", type=float, default=150.0)
    p.add_argument("--delta-window", type=float, default=8.0)
    p.add_argument("--overall-timeout", type=float, default=540.0)
    p.add_argument("--log-dir", help="where server.log and client.log go (default: a temp dir)")
    p.add_argument("--tail", type=int, default=60, help="log lines shown per process on failure")
    args = p.parse_args()

    for path, what in ((args.jar, "--jar"), (args.node, "--node"), (args.reference_jar, "--reference-jar")):
        if path is not None and not os.path.isfile(path):
            p.error("%s %s: no such file" % (what, path))

    return run_main(lambda: Scenario(args).run(), args.overall_timeout)


if __name__ == "__main__":
    sys.exit(main())
