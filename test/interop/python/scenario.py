#!/usr/bin/env python3
"""Interop scenario: py-eureka-client (Python, reads XML) against caf-eureka-node.

Starts the node, starts interop_client.py (a real `py_eureka_client.eureka_client.EurekaClient`
that prints one `OBSERVED {json}` line a second and answers commands on stdin), and checks:

   1. server_start                 the node answers GET /eureka/apps and /metrics
   2. client_registration          the node lists the client's instance UP with its lease and
                                   metadata; the client's POST got 204; it sees itself UP
   3. discovery_xml_fields         the instance as the client parsed it from XML (status, port
                                   and its enabled attribute, ipAddr, metadata with escaped
                                   characters, dataCenterInfo class, lease) equals what it
                                   registered; no JSON Accept sent, XML + gzip received;
                                   do_service() reaches the instance's own HTTP service
   4. heartbeats                   renewals answered 200, counted by the node, no re-registration
   5. delta_same_app               an XML-registered raw instance of the same application
                                   arrives and leaves through deltas only (node: apps_full +0)
   6. delta_new_app                an instance of a new application; an application registered
                                   and cancelled between two fetches (DELETED for an unknown app)
   7. full_vs_delta                steady state: deltas only, the client's hash equals the node's
   8. status_override              PUT .../status?value=OUT_OF_SERVICE by an operator: the client
                                   sees it, it survives heartbeats, do_service() avoids the
                                   instance; DELETE ?value=UP restores it
   9. status_override_client_api   the client's own status_update() / delete_status_override()
                                   (DELETE without value -> UNKNOWN -> heartbeat 404 -> the client
                                   re-registers UP)
  10. module_api_base_paths        the library's module functions (eureka_basic) on /eureka/ and
                                   /eureka/v2/: apps, delta, apps/{app}, apps/{app}/{id},
                                   instances/{id}, vips, svips, 404 for an unknown app
  11. stop                         client.stop(): re-POST with DOWN, then DELETE; gone at once

Usage:
  scenario.py --node build/apps/caf-eureka-node --python test/interop/python/.venv/bin/python

Python 3 standard library only. Every wait is bounded; child processes run in their own process
groups and are always killed. The last line is `N passed, M failed`.
"""

import argparse
import http.server as http_server
import json
import os
import signal
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from harness import (  # noqa: E402  (test/interop/common/harness.py)
    Aborted, Child, StepFailed, StepRunner, check, free_port, get_json, http, log,
    observed_instance, observed_requests, request_counts, run_main, server_instance)

APP = "INTEROP-PYTHON"            # app_name="interop-python", upper-cased by the library
VIP = "interop-python"            # the library's default vipAddress: the app name, lower case
NEW_APP = "INTEROP-PYRAW"         # an application only the scenario registers
GHOST_APP = "INTEROP-PYGHOST"     # registered and cancelled between two client fetches
# Metadata with characters that XML must escape; the library adds management.port and zone.
METADATA = {"interop": "python", "build.id": "42", "note": "a<b & \"c\" > 'd'"}
STEPS = [
    "server_start",
    "client_registration",
    "discovery_xml_fields",
    "heartbeats",
    "delta_same_app",
    "delta_new_app",
    "full_vs_delta",
    "status_override",
    "status_override_client_api",
    "module_api_base_paths",
    "stop",
]
DC_CLASS = "com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo"


class HelloHandler(http_server.BaseHTTPRequestHandler):
    """The service behind the raw instances: do_service() calls land here."""

    def do_GET(self):
        body = ("hello from raw %s" % self.path).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        pass


def raw_instance_xml(app, iid, port, metadata):
    """An XStream-style <instance> document, as fargo (and the Java codec) POST it."""
    now = int(time.time() * 1000)
    md = "".join("<%s>%s</%s>" % (k, v, k) for k, v in metadata.items())
    return (
        "<instance>"
        "<instanceId>%(iid)s</instanceId><hostName>127.0.0.1</hostName><app>%(app)s</app>"
        "<ipAddr>127.0.0.1</ipAddr><status>UP</status><overriddenstatus>UNKNOWN</overriddenstatus>"
        "<port enabled=\"true\">%(port)d</port><securePort enabled=\"false\">443</securePort>"
        "<countryId>1</countryId>"
        "<dataCenterInfo class=\"%(dc)s\"><name>MyOwn</name></dataCenterInfo>"
        "<leaseInfo><renewalIntervalInSecs>30</renewalIntervalInSecs>"
        "<durationInSecs>90</durationInSecs></leaseInfo>"
        "<metadata>%(md)s</metadata>"
        "<homePageUrl>http://127.0.0.1:%(port)d/</homePageUrl>"
        "<vipAddress>%(vip)s</vipAddress><secureVipAddress>%(vip)s</secureVipAddress>"
        "<isCoordinatingDiscoveryServer>false</isCoordinatingDiscoveryServer>"
        "<lastUpdatedTimestamp>%(now)d</lastUpdatedTimestamp>"
        "<lastDirtyTimestamp>%(now)d</lastDirtyTimestamp>"
        "</instance>" % {"iid": iid, "app": app, "port": port, "dc": DC_CLASS, "md": md,
                         "vip": app.lower(), "now": now})


def raw_instance_json(app, iid, port, metadata):
    now = int(time.time() * 1000)
    return {"instance": {
        "instanceId": iid, "hostName": "127.0.0.1", "app": app, "ipAddr": "127.0.0.1",
        "status": "UP", "overriddenStatus": "UNKNOWN",
        "port": {"$": port, "@enabled": "true"}, "securePort": {"$": 443, "@enabled": "false"},
        "countryId": 1, "dataCenterInfo": {"@class": DC_CLASS, "name": "MyOwn"},
        "leaseInfo": {"renewalIntervalInSecs": 30, "durationInSecs": 90},
        "metadata": metadata, "homePageUrl": "http://127.0.0.1:%d/" % port,
        "vipAddress": app.lower(), "secureVipAddress": app.lower(),
        "isCoordinatingDiscoveryServer": "false",
        "lastUpdatedTimestamp": str(now), "lastDirtyTimestamp": str(now),
    }}


# ----------------------------------------------------------------------------------------------
# the scenario


class Scenario(StepRunner):
    def __init__(self, args):
        self.args = args
        self.results = []       # (step, ok, detail)
        self.server = None
        self.client = None
        self.port = None
        self.base = None        # http://127.0.0.1:PORT/eureka
        self.root = None        # http://127.0.0.1:PORT
        self.obs = None         # latest OBSERVED document
        self.obs_count = 0
        self.replies = {}
        self.events = []
        self.cond = threading.Condition()
        self.next_cmd = 0
        self.self_id = None
        self.self_port = None
        self.hello = None       # the raw instances' HTTP service
        self.log_dir = args.log_dir or tempfile.mkdtemp(prefix="interop-python-")
        os.makedirs(self.log_dir, exist_ok=True)

    # -- the client -----------------------------------------------------------------------------

    def on_client_line(self, line):
        tag, _, payload = line.partition(" ")
        if tag not in ("OBSERVED", "REPLY", "EVENT"):
            return
        try:
            doc = json.loads(payload)
        except ValueError:
            return
        with self.cond:
            if tag == "OBSERVED":
                self.obs = doc
                self.obs_count += 1
                if self.self_id is None:
                    self.self_id = doc["self"]["id"]
                    self.self_port = doc["self"]["port"]
            elif tag == "REPLY":
                self.replies[doc.get("id")] = doc
            else:
                self.events.append(doc)
            self.cond.notify_all()

    def check_client_alive(self):
        if self.client is not None and not self.client.alive():
            raise StepFailed("the Python client exited (code %s)" % self.client.proc.returncode)

    def command(self, cmd, timeout=15.0):
        """Sends one command to the client and returns its result (StepFailed if it failed)."""
        self.check_client_alive()
        self.next_cmd += 1
        cid = self.next_cmd
        cmd = dict(cmd, id=cid)
        self.client.send(json.dumps(cmd))
        deadline = time.monotonic() + timeout
        with self.cond:
            while cid not in self.replies:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise StepFailed("the client did not answer %s within %.0fs" % (cmd["cmd"], timeout))
                self.cond.wait(min(left, 0.5))
                if not self.client.alive() and cid not in self.replies:
                    raise StepFailed("the client exited during %s" % cmd["cmd"])
            reply = self.replies.pop(cid)
        if not reply.get("ok"):
            raise StepFailed("client command %s failed: %s\n%s"
                             % (cmd["cmd"], reply.get("error"), reply.get("trace", "")))
        return reply.get("result")

    def observation(self):
        with self.cond:
            return self.obs, self.obs_count

    def fresh_observation(self, timeout=5.0):
        """The first OBSERVED line printed after now (so it reflects the current client state)."""
        _, n0 = self.observation()
        deadline = time.monotonic() + timeout
        with self.cond:
            while self.obs_count <= n0:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise StepFailed("the client printed no OBSERVED line for %.0fs" % timeout)
                self.cond.wait(min(left, 0.5))
                self.check_client_alive()
            return self.obs

    def wait_observed(self, what, predicate, timeout):
        deadline = time.monotonic() + timeout
        doc = None
        while time.monotonic() < deadline:
            doc, _ = self.observation()
            if doc is not None and predicate(doc):
                return doc
            self.check_client_alive()
            time.sleep(0.1)
        raise StepFailed("client did not observe %s within %.0fs; last OBSERVED: %s"
                         % (what, timeout, json.dumps(doc)[:1500] if doc else None))

    seen = staticmethod(observed_instance)

    req = staticmethod(observed_requests)

    # -- server side ----------------------------------------------------------------------------

    def server_instance(self, app, iid):
        return server_instance(self.base, app, iid)

    def server_hash(self):
        code, doc = get_json(self.base + "/apps")
        check(code == 200 and doc is not None, "GET /apps -> %s" % code)
        return doc["applications"]["apps__hashcode"]

    def metrics(self):
        code, text = http("GET", self.root + "/metrics")
        check(code == 200, "GET /metrics -> %s" % code)
        return request_counts(text)

    @staticmethod
    def metric(m, route, code=None):
        codes = m.get(route, {})
        if code is None:
            return sum(codes.values())
        return codes.get(str(code), 0)

    def register_raw(self, app, iid, fmt="json", metadata=None):
        port = self.hello.server_address[1]
        md = metadata or {"origin": "interop-scenario"}
        if fmt == "xml":
            body = raw_instance_xml(app, iid, port, md)
            hdrs = {"Content-Type": "application/xml"}
        else:
            body = json.dumps(raw_instance_json(app, iid, port, md))
            hdrs = {"Content-Type": "application/json"}
        code, text = http("POST", "%s/apps/%s" % (self.base, app), body, headers=hdrs)
        check(code == 204, "raw %s POST apps/%s -> %s %s (want 204)" % (fmt, app, code, text[:200]))

    def cancel_raw(self, app, iid):
        code, text = http("DELETE", "%s/apps/%s/%s" % (self.base, app, urllib.parse.quote(iid, safe="")))
        check(code == 200, "DELETE apps/%s/%s -> %s %s (want 200)" % (app, iid, code, text[:200]))

    # -- steps ----------------------------------------------------------------------------------

    def step_server_start(self):
        self.port = free_port()
        self.root = "http://127.0.0.1:%d" % self.port
        self.base = self.root + "/eureka"
        argv = [self.args.node, "--server.port=%d" % self.port, "--server.address=127.0.0.1",
                "--eureka.server.eviction-interval-timer-in-ms=1000",
                "--eureka.server.enable-self-preservation=false"] + self.args.node_arg
        self.server = Child("node", argv, os.path.join(self.log_dir, "node.log"))
        deadline = time.monotonic() + 30
        last = None
        while time.monotonic() < deadline:
            check(self.server.alive(), "node exited with code %s" % self.server.proc.returncode)
            code, text = http("GET", self.base + "/apps", timeout=2.0)
            last = code
            if code == 200:
                check(text.lstrip().startswith("<applications>"),
                      "GET /apps without Accept must answer XML: %r" % text[:200])
                self.metrics()
                return "GET /eureka/apps -> 200 XML on port %d; /metrics answers" % self.port
            time.sleep(0.2)
        raise StepFailed("node did not answer GET /eureka/apps within 30s (last: %s)" % last)

    def step_client_registration(self):
        self.hello = http_server.ThreadingHTTPServer(("127.0.0.1", 0), HelloHandler)
        self.hello.daemon_threads = True
        threading.Thread(target=self.hello.serve_forever, name="hello", daemon=True).start()
        argv = [self.args.python, "-u", self.args.client, "--eureka-url", self.base + "/",
                "--app", "interop-python", "--metadata", json.dumps(METADATA)]
        self.client = Child("client", argv, os.path.join(self.log_dir, "client.log"),
                            on_line=self.on_client_line, stdin=True)
        deadline = time.monotonic() + 30
        while self.self_id is None:
            check(time.monotonic() < deadline, "the client printed no OBSERVED line within 30s")
            self.check_client_alive()
            time.sleep(0.1)
        iid = self.self_id
        inst = None
        while time.monotonic() < deadline:
            code, inst = self.server_instance(APP, iid)
            if code == 200 and inst.get("status") == "UP":
                break
            time.sleep(0.2)
        check(inst is not None and inst.get("status") == "UP",
              "node never listed %s/%s UP" % (APP, iid))
        lease = inst.get("leaseInfo") or {}
        check(lease.get("renewalIntervalInSecs") == 1 and lease.get("durationInSecs") == 5,
              "node lease is not the client's 1 s / 5 s: %s" % lease)
        want_md = dict(METADATA, **{"management.port": str(self.self_port), "zone": "default"})
        check(inst.get("metadata") == want_md,
              "node metadata %s != registered %s" % (inst.get("metadata"), want_md))
        check(inst.get("port") == {"$": self.self_port, "@enabled": "true"},
              "node port %s" % inst.get("port"))
        check(inst.get("vipAddress") == VIP, "node vipAddress %r" % inst.get("vipAddress"))
        self.wait_observed("itself UP", lambda d: (self.seen(d, APP, iid) or {}).get("status") == "UP", 10)
        d = self.fresh_observation()
        regs = d["requests"].get("register", {})
        check(self.req(d, "register", 204) == 1 and self.req(d, "register") == 1,
              "want exactly one register answered 204: %s" % regs)
        return "node lists %s/%s UP (lease 1s/5s, metadata as sent); register %s; client sees itself UP" % (
            APP, iid, regs)

    def step_discovery_xml_fields(self):
        iid = self.self_id
        d = self.fresh_observation()
        mine = self.seen(d, APP, iid)
        check(mine is not None, "client does not see itself: %s" % d.get("apps"))
        code, inst = self.server_instance(APP, iid)
        check(code == 200, "GET instance -> %s" % code)
        want = {
            "app": APP, "hostName": "127.0.0.1", "ipAddr": "127.0.0.1", "status": "UP",
            "overriddenstatus": "UNKNOWN", "port": self.self_port, "portEnabled": True,
            "securePort": 9443, "securePortEnabled": False, "countryId": 1,
            "dataCenterClass": DC_CLASS, "dataCenterName": "MyOwn",
            "renewalIntervalInSecs": 1, "durationInSecs": 5,
            "metadata": dict(METADATA, **{"management.port": str(self.self_port), "zone": "default"}),
            "vipAddress": VIP, "secureVipAddress": VIP,
            "homePageUrl": "http://127.0.0.1:%d/" % self.self_port,
            "isCoordinatingDiscoveryServer": False,
            "registrationTimestamp": int(inst["leaseInfo"]["registrationTimestamp"]),
            "lastDirtyTimestamp": int(inst["lastDirtyTimestamp"]),
        }
        wrong = {k: (mine.get(k), v) for k, v in want.items() if mine.get(k) != v}
        check(not wrong, "fields parsed from XML differ (got, want): %s" % wrong)
        # The wire: the library sends no JSON Accept (none at all), so the node answers XML, gzipped.
        for op in ("full", "delta"):
            check(op in d["sentHeaders"], "the client has no successful %s fetch yet: %s"
                  % (op, d["requests"].get(op)))
            sent = d["sentHeaders"].get(op, {})
            got = d["responseHeaders"].get(op, {})
            check("json" not in sent.get("accept", ""), "%s sent Accept %r" % (op, sent.get("accept")))
            check("gzip" in sent.get("accept-encoding", ""), "%s sent %s" % (op, sent))
            check(got.get("content-type", "").startswith("application/xml"),
                  "%s answered content-type %r, want application/xml" % (op, got.get("content-type")))
            check(got.get("content-encoding") == "gzip",
                  "%s answered content-encoding %r, want gzip" % (op, got.get("content-encoding")))
        check(d.get("serverHash") == "UP_1_" and d.get("hash") == "UP_1_",
              "hash: client %r, server %r (want UP_1_)" % (d.get("hash"), d.get("serverHash")))
        bodies = self.command({"cmd": "call", "app": APP, "path": "/hello", "n": 3})
        check(bodies == ["hello from %s client /hello" % APP] * 3,
              "do_service(%s, /hello) answered %s" % (APP, bodies))
        return ("%d fields as registered (port %d enabled, securePort disabled, metadata with <&\"'>); "
                "Accept: %s -> %s, gzip; do_service reached the instance 3/3"
                % (len(want), self.self_port, d["sentHeaders"]["full"].get("accept", "(none)"),
                   d["responseHeaders"]["full"]["content-type"]))

    def step_heartbeats(self):
        window = 5.0
        d0 = self.fresh_observation()
        m0 = self.metrics()
        time.sleep(window)
        d1 = self.fresh_observation()
        m1 = self.metrics()
        ok = self.req(d1, "renew", 200) - self.req(d0, "renew", 200)
        sent = self.req(d1, "renew") - self.req(d0, "renew")
        grew = self.metric(m1, "renew", 200) - self.metric(m0, "renew", 200)
        details = "client renew 200 x%d of %d in %.0fs; node renew{200} +%d" % (ok, sent, window, grew)
        check(ok >= 3 and ok == sent, "renewals: " + details)
        check(grew >= 3, "node did not count the renewals: " + details)
        check(self.req(d1, "register") == self.req(d0, "register"),
              "the client re-registered during steady heartbeats: %s" % d1["requests"].get("register"))
        check(d1["errors"] == 0, "the client reported errors: %s" % self.events[-3:])
        return details

    def step_delta_same_app(self):
        iid = "raw-python-1"
        md = {"origin": "interop-scenario", "zone": "default"}
        d0 = self.fresh_observation()
        m0 = self.metrics()
        self.register_raw(APP, iid, fmt="xml", metadata=md)
        d = self.wait_observed("%s UP" % iid, lambda d: (self.seen(d, APP, iid) or {}).get("status") == "UP", 10)
        raw = self.seen(d, APP, iid)
        want = {"hostName": "127.0.0.1", "port": self.hello.server_address[1], "portEnabled": True,
                "securePort": 443, "securePortEnabled": False, "metadata": md, "vipAddress": "interop-python",
                "dataCenterClass": DC_CLASS, "renewalIntervalInSecs": 30, "durationInSecs": 90}
        wrong = {k: (raw.get(k), v) for k, v in want.items() if raw.get(k) != v}
        check(not wrong, "raw instance parsed from the delta differs (got, want): %s" % wrong)
        d1 = self.fresh_observation()
        check(d1["hash"] == "UP_2_" and d1["serverHash"] == "UP_2_",
              "hash after adding: client %r, server %r (want UP_2_)" % (d1["hash"], d1["serverHash"]))
        self.cancel_raw(APP, iid)
        self.wait_observed("%s gone" % iid, lambda d: self.seen(d, APP, iid) is None, 10)
        d2 = self.fresh_observation()
        m1 = self.metrics()
        check(d2["hash"] == "UP_1_" and d2["serverHash"] == "UP_1_",
              "hash after removal: client %r, server %r (want UP_1_)" % (d2["hash"], d2["serverHash"]))
        full = self.req(d2, "full") - self.req(d0, "full")
        delta = self.req(d2, "delta", 200) - self.req(d0, "delta", 200)
        sfull = self.metric(m1, "apps_full") - self.metric(m0, "apps_full")
        sdelta = self.metric(m1, "apps_delta", 200) - self.metric(m0, "apps_delta", 200)
        details = ("XML-registered %s seen with its fields, then gone; client delta +%d full +%d; "
                   "node apps_delta{200} +%d apps_full +%d" % (iid, delta, full, sdelta, sfull))
        check(full == 0 and sfull == 0 and delta >= 2 and sdelta >= 2,
              "not through deltas alone: " + details)
        return details

    def step_delta_new_app(self):
        iid = "raw-pyraw-1"
        d0 = self.fresh_observation()
        m0 = self.metrics()
        self.register_raw(NEW_APP, iid)
        self.wait_observed("%s/%s UP" % (NEW_APP, iid),
                           lambda d: (self.seen(d, NEW_APP, iid) or {}).get("status") == "UP", 10)
        d1 = self.fresh_observation()
        check(d1["hash"] == d1["serverHash"] == "UP_2_",
              "hash after adding: client %r, server %r (want UP_2_)" % (d1["hash"], d1["serverHash"]))
        # py-eureka-client 0.13.3 merges an ADDED instance of an application it does not hold
        # into a throw-away Application (Applications.get_application never returns None), so
        # the hash check fails and it pulls the full registry once: at most one full fetch.
        full_add = self.req(d1, "full") - self.req(d0, "full")
        check(full_add <= 1, "adding one application cost %d full fetches (want <= 1)" % full_add)
        self.cancel_raw(NEW_APP, iid)
        self.wait_observed("%s gone" % iid, lambda d: self.seen(d, NEW_APP, iid) is None, 10)
        d2 = self.fresh_observation()
        check(self.req(d2, "full") == self.req(d1, "full"),
              "removing a known application's instance needed a full fetch")
        # An application that is registered and cancelled between two fetches reaches the client
        # only as a DELETED entry for an application it never held (clients.md warns its merge
        # may fail on that).
        ghost = "raw-pyghost-1"
        self.command({"cmd": "wait_tick"})
        self.register_raw(GHOST_APP, ghost)
        self.cancel_raw(GHOST_APP, ghost)
        code, doc = get_json(self.base + "/apps/delta")
        entries = [i for a in ((doc or {}).get("applications") or {}).get("application", [])
                   if a.get("name") == GHOST_APP for i in a.get("instance", [])]
        check([(i.get("instanceId"), i.get("actionType")) for i in entries] == [(ghost, "DELETED")],
              "the node's delta should carry %s only as DELETED: %s %s" % (ghost, code, entries))
        e0 = d2["errors"]
        for _ in range(3):
            self.command({"cmd": "wait_tick"})
        d3 = self.fresh_observation()
        m1 = self.metrics()
        check(self.seen(d3, GHOST_APP, ghost) is None, "the client lists the cancelled %s" % ghost)
        check(d3["errors"] == e0, "the client reported errors: %s" % self.events[-3:])
        check(d3["hash"] == d3["serverHash"] == "UP_1_",
              "hash: client %r, server %r (want UP_1_)" % (d3["hash"], d3["serverHash"]))
        full_ghost = self.req(d3, "full") - self.req(d2, "full")
        check(full_ghost == 0, "a DELETED entry for an unknown application cost %d full fetches" % full_ghost)
        sfull = self.metric(m1, "apps_full") - self.metric(m0, "apps_full")
        check(sfull == full_add, "node apps_full +%d, client full +%d" % (sfull, full_add))
        return ("new application seen (client full fetches: %d, its merge drops unknown apps), "
                "then removed via delta; DELETED-only application: no error, no full fetch; hash UP_1_"
                % full_add)

    def step_full_vs_delta(self):
        window = 5.0
        d0 = self.fresh_observation()
        m0 = self.metrics()
        time.sleep(window)
        d1 = self.fresh_observation()
        m1 = self.metrics()
        full = self.req(d1, "full") - self.req(d0, "full")
        delta = self.req(d1, "delta", 200) - self.req(d0, "delta", 200)
        sfull = self.metric(m1, "apps_full") - self.metric(m0, "apps_full")
        sdelta = self.metric(m1, "apps_delta", 200) - self.metric(m0, "apps_delta", 200)
        details = ("over %.0fs: client delta +%d full +%d; node apps_delta{200} +%d apps_full +%d"
                   % (window, delta, full, sdelta, sfull))
        check(full == 0 and sfull == 0, "full fetches in steady state: " + details)
        check(delta >= 3 and sdelta >= 3, "too few deltas: " + details)
        node_hash = self.server_hash()
        check(d1["hash"] == d1["serverHash"] == node_hash == "UP_1_",
              "hash: client %r, last delta %r, node GET /apps %r (want UP_1_)"
              % (d1["hash"], d1["serverHash"], node_hash))
        return details + "; hash UP_1_ everywhere"

    def step_status_override(self):
        iid = self.self_id
        raw = "raw-python-2"
        path = "%s/apps/%s/%s/status" % (self.base, APP, urllib.parse.quote(iid, safe=""))
        self.register_raw(APP, raw)
        self.wait_observed("%s UP" % raw, lambda d: (self.seen(d, APP, raw) or {}).get("status") == "UP", 10)
        d0 = self.fresh_observation()
        code, text = http("PUT", path + "?value=OUT_OF_SERVICE")
        check(code == 200, "PUT status?value=OUT_OF_SERVICE -> %s %s" % (code, text[:200]))
        self.wait_observed("itself OUT_OF_SERVICE",
                           lambda d: (self.seen(d, APP, iid) or {}).get("status") == "OUT_OF_SERVICE", 10)
        mine = self.seen(self.fresh_observation(), APP, iid)
        check(mine["overriddenstatus"] == "OUT_OF_SERVICE",
              "client parsed overriddenstatus %r" % mine["overriddenstatus"])
        bodies = self.command({"cmd": "call", "app": APP, "path": "/svc", "n": 6})
        check(bodies == ["hello from raw /svc"] * 6,
              "do_service must avoid the OUT_OF_SERVICE instance: %s" % bodies)
        # The override survives the client's heartbeats (which send status=UP).
        time.sleep(3)
        d1 = self.fresh_observation()
        check((self.seen(d1, APP, iid) or {}).get("status") == "OUT_OF_SERVICE",
              "override did not survive heartbeats: %s" % self.seen(d1, APP, iid))
        check(self.req(d1, "renew") - self.req(d0, "renew") >= 2
              and self.req(d1, "renew") == self.req(d1, "renew", 200),
              "heartbeats during the override: %s" % d1["requests"].get("renew"))
        check(d1["hash"] == d1["serverHash"] == "OUT_OF_SERVICE_1_UP_1_",
              "hash: client %r, server %r" % (d1["hash"], d1["serverHash"]))
        code, text = http("DELETE", path + "?value=UP")
        check(code == 200, "DELETE status?value=UP -> %s %s" % (code, text[:200]))
        self.wait_observed("itself UP again", lambda d: (self.seen(d, APP, iid) or {}).get("status") == "UP", 10)
        self.cancel_raw(APP, raw)
        self.wait_observed("%s gone" % raw, lambda d: self.seen(d, APP, raw) is None, 10)
        d2 = self.fresh_observation()
        full = self.req(d2, "full") - self.req(d0, "full")
        check(full == 0, "the override needed %d full fetches" % full)
        check(self.req(d2, "register") == self.req(d0, "register"),
              "the client re-registered during the override")
        return ("client saw OUT_OF_SERVICE (overriddenstatus too), do_service went to the other "
                "instance 6/6, survived heartbeats, UP after DELETE; no full fetch")

    def step_status_override_client_api(self):
        iid = self.self_id
        d0 = self.fresh_observation()
        m0 = self.metrics()
        self.command({"cmd": "status_update", "value": "OUT_OF_SERVICE"})
        d = self.fresh_observation()
        check(self.req(d, "status_update", 200) - self.req(d0, "status_update", 200) == 1,
              "status_update answered: %s" % d["requests"].get("status_update"))
        code, inst = self.server_instance(APP, iid)
        check(code == 200 and inst["status"] == "OUT_OF_SERVICE" and inst["overriddenStatus"] == "OUT_OF_SERVICE",
              "node after status_update: %s %s" % (code, inst and (inst["status"], inst["overriddenStatus"])))
        self.wait_observed("itself OUT_OF_SERVICE",
                           lambda d: (self.seen(d, APP, iid) or {}).get("status") == "OUT_OF_SERVICE", 10)
        # DELETE .../status without value: the status becomes UNKNOWN, so the next heartbeat is
        # answered 404 and the client registers again (UP).
        self.command({"cmd": "delete_override"})
        d1 = self.fresh_observation()
        check(self.req(d1, "status_delete", 200) - self.req(d0, "status_delete", 200) == 1,
              "delete_status_override answered: %s" % d1["requests"].get("status_delete"))
        self.wait_observed("a renewal answered 404 and a new registration",
                           lambda d: self.req(d, "renew", 404) > self.req(d0, "renew", 404)
                           and self.req(d, "register", 204) > self.req(d0, "register", 204), 10)
        self.wait_observed("itself UP", lambda d: (self.seen(d, APP, iid) or {}).get("status") == "UP", 10)
        code, inst = self.server_instance(APP, iid)
        check(code == 200 and inst["status"] == "UP" and inst["overriddenStatus"] == "UNKNOWN",
              "node after re-registration: %s %s" % (code, inst and (inst["status"], inst["overriddenStatus"])))
        d2 = self.fresh_observation()
        m1 = self.metrics()
        details = ("status_update 200 -> OUT_OF_SERVICE; delete_status_override 200 -> renew 404 x%d "
                   "-> register 204 x%d -> UP; node status_update{200} +%d status_delete{200} +%d renew{404} +%d"
                   % (self.req(d2, "renew", 404) - self.req(d0, "renew", 404),
                      self.req(d2, "register", 204) - self.req(d0, "register", 204),
                      self.metric(m1, "status_update", 200) - self.metric(m0, "status_update", 200),
                      self.metric(m1, "status_delete", 200) - self.metric(m0, "status_delete", 200),
                      self.metric(m1, "renew", 404) - self.metric(m0, "renew", 404)))
        check(self.metric(m1, "status_update", 200) - self.metric(m0, "status_update", 200) == 1
              and self.metric(m1, "status_delete", 200) - self.metric(m0, "status_delete", 200) == 1
              and self.metric(m1, "renew", 404) > self.metric(m0, "renew", 404),
              "node counters: " + details)
        check(d2["hash"] == d2["serverHash"] == "UP_1_", "hash: client %r, server %r" % (d2["hash"], d2["serverHash"]))
        return details

    def step_module_api(self):
        iid = self.self_id
        details = []
        bases = [self.base + "/", self.base + "/v2/",
                 # the library turns user:password@ into a Basic Authorization header
                 self.base.replace("http://", "http://interop:secret@") + "/v2/"]
        for base in bases:
            res = self.command({"cmd": "basic", "base": base, "app": APP, "iid": iid, "vip": VIP})
            bad = {k: v for k, v in res.items() if k != "missing_app" and not v.get("ok")}
            check(not bad, "%s: failed calls %s" % (base, bad))
            full = res["full"]["value"]
            check(full["versions__delta"] == "1" and full["apps__hashcode"] == "UP_1_" == full["hash"],
                  "%s apps: version %r hash %r (client-computed %r)"
                  % (base, full["versions__delta"], full["apps__hashcode"], full["hash"]))
            check([i["id"] for i in full["apps"].get(APP, [])] == [iid], "%s apps: %s" % (base, full["apps"]))
            delta = res["delta"]["value"]
            check(delta["apps__hashcode"] == "UP_1_" and int(delta["versions__delta"]) >= 1,
                  "%s apps/delta: %r %r" % (base, delta["versions__delta"], delta["apps__hashcode"]))
            app = res["application"]["value"]
            check(app["name"] == APP and [i["id"] for i in app["instances"]] == [iid],
                  "%s apps/%s: %s" % (base, APP, app))
            for k in ("app_instance", "instance"):
                inst = res[k]["value"]
                check(inst["id"] == iid and inst["status"] == "UP" and inst["port"] == self.self_port
                      and inst["portEnabled"] is True and inst["metadata"].get("note") == METADATA["note"],
                      "%s %s: %s" % (base, k, inst))
            for k in ("vip", "svip"):
                v = res[k]["value"]
                check([i["id"] for i in v["apps"].get(APP, [])] == [iid] and v["apps__hashcode"] == "UP_1_",
                      "%s %s %s: %s" % (base, k, VIP, v))
            check(res["missing_app"] == {"ok": False, "error": "HTTP 404"},
                  "%s apps/NO-SUCH-APP-INTEROP: %s" % (base, res["missing_app"]))
            details.append(urllib.parse.urlsplit(base).path)
        return "apps, apps/delta, apps/{app}, apps/{app}/{id}, instances/{id}, vips, svips, 404 on " + ", ".join(details)

    def step_stop(self):
        iid = self.self_id
        m0 = self.metrics()
        log_mark = len(self.server.lines)
        check(self.server_instance(APP, iid)[0] == 200, "instance not on the node before stop")
        t0 = time.monotonic()
        result = self.command({"cmd": "stop"})
        check(result == "stopped", "stop answered %r" % result)
        rc = self.client.wait(10)
        check(rc == 0, "the client exited with %s after stop (want 0)" % rc)
        code, _ = self.server_instance(APP, iid)
        gone = time.monotonic() - t0
        check(code == 404, "GET instance -> %s right after stop (lease is 5s; only a cancel removes it)" % code)
        d = self.obs
        check(d["registerStatus"][-1:] == ["DOWN"], "the client's last registration: %s" % d["registerStatus"])
        check(self.req(d, "cancel", 200) == 1 and self.req(d, "cancel") == 1,
              "cancel answered: %s" % d["requests"].get("cancel"))
        # The node saw the DOWN registration, then the cancel, in that order.
        lines = self.server.lines[log_mark:]
        down = [n for n, l in enumerate(lines) if "registered %s/%s status=DOWN" % (APP, iid) in l]
        cancelled = [n for n, l in enumerate(lines) if "cancelled %s/%s" % (APP, iid) in l]
        check(down and cancelled and down[0] < cancelled[0],
              "node log lacks 're-registered ... status=DOWN' then 'cancelled': %s" % lines[-5:])
        m1 = self.metrics()
        reg = self.metric(m1, "register", 204) - self.metric(m0, "register", 204)
        can = self.metric(m1, "cancel", 200) - self.metric(m0, "cancel", 200)
        check(reg == 1 and can == 1, "node register{204} +%d cancel{200} +%d (want 1, 1)" % (reg, can))
        # Nothing registers it again afterwards.
        time.sleep(1.5)
        code, _ = self.server_instance(APP, iid)
        check(code == 404, "GET instance -> %s 1.5s after stop" % code)
        check(self.server_hash() == "", "node registry not empty after stop")
        return "POST status=DOWN (204) then DELETE (200); 404 %.1fs after stop; exit 0" % gone

    # -- driver ---------------------------------------------------------------------------------

    def run(self):
        try:
            ok = self.run_step("server_start", self.step_server_start)
            reg = self.run_step("client_registration", self.step_client_registration, prerequisite_ok=ok)
            self.run_step("discovery_xml_fields", self.step_discovery_xml_fields, prerequisite_ok=reg)
            self.run_step("heartbeats", self.step_heartbeats, prerequisite_ok=reg)
            self.run_step("delta_same_app", self.step_delta_same_app, prerequisite_ok=reg)
            self.run_step("delta_new_app", self.step_delta_new_app, prerequisite_ok=reg)
            self.run_step("full_vs_delta", self.step_full_vs_delta, prerequisite_ok=reg)
            self.run_step("status_override", self.step_status_override, prerequisite_ok=reg)
            self.run_step("status_override_client_api", self.step_status_override_client_api, prerequisite_ok=reg)
            self.run_step("module_api_base_paths", self.step_module_api, prerequisite_ok=reg)
            self.run_step("stop", self.step_stop, prerequisite_ok=reg)
        except Aborted as e:
            self.record_aborted(STEPS, e)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            if self.any_failed():
                self.print_tails((self.server, self.client), self.args.tail, width=2000)
            self.kill_all((self.client, self.server))
            if self.hello is not None:
                self.hello.shutdown()
                self.hello.server_close()
            log("logs in %s" % self.log_dir)
        passed = self.summary()
        return 0 if passed == len(self.results) else 1


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--node", required=True, help="caf-eureka-node binary")
    p.add_argument("--python", default=os.path.join(here, ".venv", "bin", "python"),
                   help="the interpreter with py-eureka-client installed (default: %(default)s)")
    p.add_argument("--client", default=os.path.join(here, "interop_client.py"))
    p.add_argument("--node-arg", action="append", default=[], help="extra node argument (repeatable)")
    p.add_argument("--overall-timeout", type=float, default=150.0)
    p.add_argument("--log-dir", help="where node.log and client.log go (default: a temp dir)")
    p.add_argument("--tail", type=int, default=40, help="log lines shown per process on failure")
    args = p.parse_args()
    for path, what in ((args.node, "--node"), (args.python, "--python"), (args.client, "--client")):
        if not os.path.isfile(path):
            p.error("%s %s: no such file" % (what, path))

    return run_main(lambda: Scenario(args).run(), args.overall_timeout)


if __name__ == "__main__":
    sys.exit(main())
