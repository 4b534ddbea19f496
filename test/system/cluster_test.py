#!/usr/bin/env python3
"""Several caf-eureka-node processes as one cluster on loopback (issue 7), each node with its own
HTTP and BASP ports, every step bounded in time and run on a fresh cluster:

  replication_basics        A, B, C become ready; a registration on A is seen on B and C (full
                            and delta fetches), a cancel on B disappears everywhere, a status
                            override set on C reaches A and B and so does its removal, metadata
                            set on A reaches B and C; no link between two nodes drops, and at
                            most one of each two replicates over the link the other opened
  heartbeats_keep_alive     a 3 s lease heartbeated only at A stays on B and C for 12 s (four
                            lease durations; heartbeats are relayed, coalesced per tick: A's
                            eureka_replication_heartbeats_coalesced_total grows), then, without
                            heartbeats, each node evicts it on its own
  kill9_under_load          2000 instances registered over A, B, C and heartbeated by client
                            threads; B is killed with SIGKILL, 300 more instances are registered
                            on A and C, B restarts on the same ports: it reports ready holding
                            the complete registry, and all three end with the same instance ids
                            and apps__hashcode (nothing registered meanwhile lost)
  sigstop_queue_overflow    two nodes; C is stopped (SIGSTOP) while A, whose queue per peer
                            holds 64 KiB, registers 300 instances with metadata and cancels,
                            overrides and changes the metadata of a few older ones: A's queue
                            for C overflows, dropping those changes; after SIGCONT A catches C
                            up by digest and C holds exactly A's instances (none A cancelled),
                            with A's status, override and metadata. Once for 3 s (the link
                            stays up: the overflow alone must cause the catch-up), once for
                            7 s (BASP also drops the link after its 5 s timeout; C then catches
                            A up in turn, which must not bring back what A cancelled)
  foreign_cluster_refused   D of cluster `other` listing A (and a dead port), A listing D: both
                            log the refusal; D answers GET /ready 503 until its 2 s sync bound,
                            then 200; nothing registered on either appears on the other
  secured_peers             A, B, C with eureka.auth.enabled, a `peer` user's credentials in A's
                            and B's peer URLs and a wrong password in C's: A and B link and report
                            ready, a registration made on A with a client's credentials reaches
                            B (an anonymous one is refused, 401, and reaches nobody); C logs that
                            its peers want credentials and never takes them for Java servers
  mutual_tls                a cluster CA and a rogue CA made with the openssl command line; A
                            and B hold certificates of the cluster's CA (eureka.cluster.tls.*,
                            authentication on too): they link over TLS and a registration on A
                            reaches B. C holds a certificate of the rogue CA (and trusts both
                            CAs), D speaks plain BASP, a bare TLS client brings no certificate
                            and one offers only TLS 1.1: each is refused, A logs each refusal
                            with its TLS reason, C and D log that their links failed, nothing
                            C or D registers reaches A or B and nothing of A's reaches C or D;
                            A and B's link never drops through all of it (with Debian's CAF
                            each failed handshake used to cost it)

Every node is stopped with SIGTERM at the end of a passing step and must exit with code 0 (an
ASan/UBSan/LSan report fails the step). On failure the step prints the last lines of its nodes.

Usage: cluster_test.py --node <caf-eureka-node> [--workdir DIR] [--only STEP,...]
Python 3 standard library only; loopback only; every child is killed at the end, also on failure.
"""

import argparse
import itertools
from http.client import HTTPConnection, HTTPException
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "interop", "common"))
from harness import (ServerView, Aborted, Child, StepFailed, StepRunner, basic_auth, check, free_port,  # noqa: E402
                     get_json, http, log, metric_sum, parse_prometheus, password_hash, run_main, wait_for)

STEPS = ["replication_basics", "heartbeats_keep_alive", "kill9_under_load", "sigstop_queue_overflow",
         "foreign_cluster_refused", "secured_peers", "mutual_tls"]
OVERALL_TIMEOUT = 210  # below the CTest TIMEOUT, so the script cleans up itself
REPLICATION_DEADLINE = 10.0  # a replicated change is expected within milliseconds
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                   "WARNING: ThreadSanitizer")

# Every node: loopback only, a short start-up sync bound, quick retries of a peer that is down.
COMMON_ARGS = ["--server.address=127.0.0.1", "--eureka.cluster.bind-address=127.0.0.1",
               "--eureka.cluster.advertised-host=127.0.0.1",
               "--eureka.server.wait-time-in-ms-when-sync-empty=5000",
               "--eureka.cluster.retry-min-ms=200", "--eureka.cluster.retry-max-ms=1000"]


def now_ms():
    return int(time.time() * 1000)


def instance_doc(app, iid, duration=None, renewal=None, metadata=None, ip="127.0.0.1"):
    """An InstanceInfo as the Netflix eureka-client sends it (JSON)."""
    inst = {
        "instanceId": iid, "hostName": "host-" + iid, "app": app, "ipAddr": ip,
        "status": "UP", "overriddenStatus": "UNKNOWN",
        "port": {"$": 8080, "@enabled": "true"}, "securePort": {"$": 8443, "@enabled": "false"},
        "countryId": 1,
        "dataCenterInfo": {"@class": "com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo",
                           "name": "MyOwn"},
        "leaseInfo": {"renewalIntervalInSecs": renewal or 30, "durationInSecs": duration or 90},
        "metadata": metadata or {"@class": "java.util.Collections$EmptyMap"},
        "homePageUrl": "http://host-%s:8080/" % iid, "statusPageUrl": "http://host-%s:8080/info" % iid,
        "vipAddress": app.lower(), "secureVipAddress": app.lower(),
        "isCoordinatingDiscoveryServer": "false",
        "lastUpdatedTimestamp": str(now_ms()), "lastDirtyTimestamp": str(now_ms()),
    }
    return {"instance": inst}


def q(s):
    return urllib.parse.quote(s, safe="")


class Conn:
    """One keep-alive HTTP/1.1 connection (the load steps send thousands of requests), reopened
    after an error. request() returns (status, text), status None on a transport error."""

    def __init__(self, port, timeout=5.0):
        self.port = port
        self.timeout = timeout
        self.conn = None

    def request(self, method, path, body=None):
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=data, headers=headers)
                r = self.conn.getresponse()
                return r.status, r.read().decode("utf-8", "replace")
            except (HTTPException, OSError) as e:
                self.close()
                # A keep-alive connection the node closed meanwhile: once more on a new one.
                if attempt == 1 or isinstance(e, ConnectionRefusedError):
                    return None, str(e)
        return None, "unreachable"

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class Node(ServerView):
    """One caf-eureka-node of a test cluster: fixed HTTP and BASP ports (kept across restarts)."""

    def __init__(self, scenario, name, port, cluster_port, args):
        self.scenario = scenario
        self.name = name
        self.port = port
        self.cluster_port = cluster_port
        self.args = args
        self.children = []  # one per start
        self.stopped = False  # SIGSTOPped
        self.killed = False  # SIGKILLed on purpose (not watched until it starts again)

    @property
    def child(self):
        return self.children[-1]

    def start(self):
        n = len(self.children)
        label = self.name if n == 0 else "%s-restart%d" % (self.name, n)
        argv = [self.scenario.args.node, "--server.port=%d" % self.port,
                "--eureka.cluster.port=%d" % self.cluster_port] + COMMON_ARGS + self.args
        child = Child(label, argv, os.path.join(self.scenario.step_dir, label + ".log"))
        self.killed = False
        self.children.append(child)
        self.scenario.children.append(child)
        return child

    def lines(self):
        return [line for c in self.children for line in c.lines]

    def log_has(self, *words):
        return [line for line in self.lines() if all(w in line for w in words)]

    def registry(self):
        """(apps__hashcode, {(app, id): (status, overriddenStatus, metadata items)}) of this node's
        full registry."""
        code, doc = get_json(self.base + "/apps", timeout=20.0)
        check(code == 200 and doc is not None, "%s: GET apps answered %s" % (self.name, code))
        apps = doc["applications"]
        out = {}
        for app in apps.get("application", []):
            for inst in app.get("instance", []):
                md = tuple(sorted((k, v) for k, v in (inst.get("metadata") or {}).items() if k != "@class"))
                out[(app["name"], inst["instanceId"])] = (inst["status"], inst.get("overriddenStatus"), md)
        return apps.get("apps__hashcode"), out

    def delta_ids(self):
        code, doc = get_json(self.base + "/apps/delta", timeout=10.0)
        check(code == 200 and doc is not None, "%s: GET apps/delta answered %s" % (self.name, code))
        return {(inst["instanceId"], inst.get("actionType"))
                for app in doc["applications"].get("application", []) for inst in app.get("instance", [])}

    def signal(self, sig):
        self.child.signal(sig)
        if sig == signal.SIGKILL:
            self.killed = True
        elif sig == signal.SIGSTOP:
            self.stopped = True
        elif sig == signal.SIGCONT:
            self.stopped = False

    def kill(self):
        if self.stopped:  # a stopped process cannot act on SIGTERM
            self.signal(signal.SIGCONT)
        for c in self.children:
            c.kill()


def register(conn_or_node, app, iid, **kw):
    body = instance_doc(app, iid, **kw)
    path = "/eureka/apps/%s" % q(app)
    if isinstance(conn_or_node, Node):
        code, text = http("POST", conn_or_node.root + path, body)
    else:
        code, text = conn_or_node.request("POST", path, body)
    check(code == 204, "register %s/%s: %s %s" % (app, iid, code, text[:200]))


def brief(state):
    """An instance's (status, overriddenStatus, metadata) from Node.registry(), short."""
    if state is None:
        return "absent"
    md = ",".join("%s=%s" % (k, v if len(v) <= 12 else v[:9] + "...") for k, v in state[2])
    return "%s override=%s metadata={%s}" % (state[0], state[1], md[:80])


def sanitizer_lines(node):
    return [line for line in node.lines() if any(m in line for m in SANITIZER_MARKS)]


class Scenario(StepRunner):
    def __init__(self, args):
        self.args = args
        self.workdir = args.workdir
        self.children = []
        self.step_nodes = []
        self.step_dir = self.workdir

    # -- clusters ------------------------------------------------------------------------------

    def start_cluster(self, names, args=(), per_node=None, zones=None, userinfo=None):
        """Starts nodes `names` (each its own HTTP and BASP port) with `args` plus per_node[name].
        A node's peer list (default-zone) names every node, in order, or zones[name]: node names
        and "dead" (a port nothing listens on); userinfo[name] ("user:password@") goes into each
        URL of its list. Returns the nodes once each serves HTTP."""
        ports = set()
        while len(ports) < 2 * len(names) + 1:
            ports.add(free_port())
        ports = sorted(ports)
        dead_port = ports.pop()
        nodes = [Node(self, name, ports[2 * i], ports[2 * i + 1],
                      list(args) + list((per_node or {}).get(name, [])))
                 for i, name in enumerate(names)]
        port_of = {n.name: n.port for n in nodes}
        port_of["dead"] = dead_port
        for n in nodes:
            listed = (zones or {}).get(n.name, names)
            credentials = (userinfo or {}).get(n.name, "")
            urls = ",".join("http://%s127.0.0.1:%d/eureka/" % (credentials, port_of[z]) for z in listed)
            n.args = ["--eureka.client.service-url.default-zone=" + urls] + n.args
        self.step_nodes.extend(nodes)
        for n in nodes:
            n.start()
        for n in nodes:
            self.wait_serving(n)
        return nodes

    def watch(self):
        return [(n.name, n.child) for n in self.step_nodes if not n.killed]

    def wait_serving(self, node, timeout=30):
        wait_for("%s to serve HTTP" % node.name,
                 lambda: http("GET", node.base + "/apps", timeout=2.0)[0] == 200, timeout,
                 watch=[(node.name, node.child)])

    def wait_ready(self, nodes, timeout=20):
        for n in nodes:
            wait_for("%s to report ready (GET /ready 200)" % n.name, n.ready, timeout, watch=self.watch())

    def wait_on(self, nodes, what, predicate, timeout=REPLICATION_DEADLINE):
        """predicate(node) on every node of `nodes` within `timeout`."""
        for n in nodes:
            wait_for("%s on %s" % (what, n.name), lambda n=n: predicate(n), timeout, watch=self.watch())

    def check_one_link_per_pair(self, nodes):
        """Every two of `nodes` stayed linked: neither logs the other as left (with Debian's CAF a
        failed TLS handshake elsewhere used to drop the link), and at most one of them replicates
        over the link the other opened (both would mean neither opened it). Returns how many pairs
        shared one link; two links happen only when both connect within the same moment after the
        higher node's grace period, which these steps do not provoke."""
        shared = 0
        for x, y in itertools.combinations(nodes, 2):
            adopted = [n.name for n, other in ((x, y), (y, x))
                       if n.log_has("peer http://127.0.0.1:%d/" % other.port, "joined", "on the link it opened")]
            check(len(adopted) <= 1, "%s and %s both replicate over a link the other opened" % (x.name, y.name))
            shared += len(adopted)
            for n, other in ((x, y), (y, x)):
                left = n.log_has("peer http://127.0.0.1:%d/" % other.port, "left")
                check(not left, "%s logs %s as left: %s" % (n.name, other.name, left[:2]))
        return shared

    def stop_cleanly(self, nodes):
        """SIGTERM: every node exits with code 0 and its log has no sanitizer report."""
        for n in nodes:
            n.kill()
        for n in nodes:
            bad = sanitizer_lines(n)
            check(not bad, "%s: sanitizer report: %s" % (n.name, bad[:3]))
            rc = n.child.proc.returncode
            check(rc == 0, "%s exited with code %s on SIGTERM" % (n.name, rc))

    def scenario(self, fn):
        """fn as a step: its nodes are killed afterwards; their log tails printed if it fails."""

        def run():
            self.step_nodes = []
            self.step_dir = os.path.join(self.workdir, fn.__name__)
            os.makedirs(self.step_dir, exist_ok=True)
            try:
                return fn()
            except BaseException:
                self.print_tails([c for n in self.step_nodes for c in n.children], 40, 400)
                raise
            finally:
                for n in self.step_nodes:
                    n.kill()

        return run

    # -- steps ---------------------------------------------------------------------------------

    def replication_basics(self):
        a, b, c = self.start_cluster(["A", "B", "C"])
        t0 = time.monotonic()
        self.wait_ready([a, b, c])
        ready_s = time.monotonic() - t0
        app = "CLUSTER-BASICS"

        # Register on A: seen on B and C, in full and delta fetches.
        register(a, app, "one")
        self.wait_on([b, c], "the registration made on A", lambda n: n.instance(app, "one"))
        self.wait_on([b, c], "the registration made on A in apps/delta",
                     lambda n: ("one", "ADDED") in n.delta_ids())

        # Cancel on B: gone everywhere.
        code, text = http("DELETE", "%s/apps/%s/one" % (b.base, app))
        check(code == 200, "cancel on B: %s %s" % (code, text[:200]))
        self.wait_on([a, b, c], "the cancel made on B", lambda n: n.instance(app, "one") is None)
        self.wait_on([a, c], "the cancel made on B in apps/delta",
                     lambda n: ("one", "DELETED") in n.delta_ids())

        # Status override set on C reaches A (and B); so does its removal.
        register(a, app, "two")
        self.wait_on([c], "the registration made on A", lambda n: n.instance(app, "two"))
        code, text = http("PUT", "%s/apps/%s/two/status?value=OUT_OF_SERVICE" % (c.base, app))
        check(code == 200, "override on C: %s %s" % (code, text[:200]))

        def overridden(n):
            x = n.instance(app, "two")
            return x and x["status"] == "OUT_OF_SERVICE" and x.get("overriddenStatus") == "OUT_OF_SERVICE"

        self.wait_on([a, b], "OUT_OF_SERVICE with overriddenStatus (set on C)", overridden)
        code, text = http("DELETE", "%s/apps/%s/two/status" % (c.base, app))
        check(code == 200, "override removal on C: %s %s" % (code, text[:200]))
        on_c = c.instance(app, "two")
        check(on_c and on_c.get("overriddenStatus") == "UNKNOWN" and on_c["status"] != "OUT_OF_SERVICE",
              "C after the removal: %s" % ((on_c["status"], on_c.get("overriddenStatus")) if on_c else None,))

        def removed(n):
            x = n.instance(app, "two")
            return x and x.get("overriddenStatus") == "UNKNOWN" and x["status"] == on_c["status"]

        self.wait_on([a, b], "the override removal made on C (status %s, no override)" % on_c["status"],
                     removed)

        # Metadata set on A reaches B and C.
        code, text = http("PUT", "%s/apps/%s/two/metadata?zone=z1&build=42" % (a.base, app))
        check(code == 200, "metadata on A: %s %s" % (code, text[:200]))

        def has_metadata(n):
            x = n.instance(app, "two")
            md = (x or {}).get("metadata") or {}
            return md.get("zone") == "z1" and md.get("build") == "42"

        self.wait_on([b, c], "the metadata set on A", has_metadata)
        for n in (a, b, c):
            check(len(n.log_has("joined: caf-eureka node")) == 2, "%s: not two 'peer ... joined' log lines"
                  % n.name)
            check(n.metric("eureka_cluster_ready") == 1, "%s: eureka_cluster_ready is not 1" % n.name)
            links = n.metric("eureka_replication_link_up")
            check(links == 2, "%s: eureka_replication_link_up sums to %s, not 2 peers" % (n.name, links))
        shared = self.check_one_link_per_pair([a, b, c])
        self.stop_cleanly([a, b, c])
        return ("ready in %.1fs; register A->B,C (full, delta), cancel B->A,C, override and its "
                "removal C->A,B, metadata A->B,C; %d of 3 pairs on one link, none dropped" % (ready_s, shared))

    def heartbeats_keep_alive(self):
        a, b, c = self.start_cluster(["A", "B", "C"], [
            "--eureka.server.enable-self-preservation=false",
            "--eureka.server.eviction-interval-timer-in-ms=1000",
            "--eureka.cluster.heartbeat-tick-ms=500"])
        self.wait_ready([a, b, c])
        app, iid = "CLUSTER-BEAT", "beat-1"
        register(a, app, iid, duration=3, renewal=1)
        self.wait_on([b, c], "the registration made on A", lambda n: n.instance(app, iid))
        ldt = a.instance(app, iid)["lastDirtyTimestamp"]
        path = "/eureka/apps/%s/%s?status=UP&lastDirtyTimestamp=%s" % (app, iid, ldt)
        peer_b = "http://127.0.0.1:%d/eureka/" % b.port
        items_before = a.metric("eureka_replication_items_sent_total", peer=peer_b)
        conn = Conn(a.port)
        sent = 0
        try:
            end = time.monotonic() + 12.0
            next_check = time.monotonic() + 1.0
            while time.monotonic() < end:
                # Four heartbeats per 500 ms tick: the relay must coalesce them.
                code, text = conn.request("PUT", path)
                check(code == 200, "heartbeat %d to A: %s %s" % (sent, code, text[:200]))
                sent += 1
                if time.monotonic() >= next_check:
                    for n in (b, c):
                        check(n.instance(app, iid) is not None,
                              "%s dropped the instance %.1fs into heartbeating A (lease 3s)"
                              % (n.name, 12.0 - (end - time.monotonic())))
                    next_check = time.monotonic() + 1.0
                time.sleep(0.125)
        finally:
            conn.close()
        for n in (a, b, c):
            check(n.instance(app, iid) is not None, "%s no longer holds the instance after 12s" % n.name)
        coalesced = a.metric("eureka_replication_heartbeats_coalesced_total") or 0
        check(coalesced > 0, "A: eureka_replication_heartbeats_coalesced_total is %s after %d heartbeats "
              "at 8 per second with a 500 ms tick" % (coalesced, sent))
        # One relayed heartbeat per tick at most (24 ticks in 12 s), not one per client heartbeat.
        relayed = a.metric("eureka_replication_items_sent_total", peer=peer_b) - items_before
        check(relayed <= 12.0 / 0.5 + 4, "A sent B %d items for %d heartbeats in 12s with a 500 ms tick"
              % (relayed, sent))
        # No more heartbeats: each node evicts it on its own (evictions are not replicated).
        # (A read hides an expired lease at once; the log line says the node's own sweep removed it.)
        stopped = time.monotonic()
        self.wait_on([a, b, c], "the 'evicted %s/%s (lease expired)' log line" % (app, iid),
                     lambda n: n.log_has("evicted %s/%s (lease expired)" % (app, iid)), timeout=15)
        evicted_after = time.monotonic() - stopped
        for n in (a, b, c):
            check(not n.log_has("cancelled %s/%s" % (app, iid)),
                  "%s logs a cancel: the eviction was replicated" % n.name)
            check(n.instance(app, iid) is None, "%s still serves the evicted instance" % n.name)
            check(app not in {k[0] for k in n.registry()[1]}, "%s still lists %s" % (n.name, app))
        self.stop_cleanly([a, b, c])
        return ("held on B and C for 12s by %d heartbeats to A only (A relayed %d to B; %d coalesced); "
                "evicted on all three %.1fs after the last" % (sent, relayed, coalesced, evicted_after))

    def kill9_under_load(self):
        a, b, c = self.start_cluster(["A", "B", "C"], per_node={
            # B's restart syncs ~2300 instances: keep the bound far above what that takes (1.5 s
            # with ASan, 16 s seen on a loaded machine).
            "B": ["--eureka.server.wait-time-in-ms-when-sync-empty=60000"]})
        nodes = [a, b, c]
        self.wait_ready(nodes)
        total, apps = 2000, 20
        # instance k: application LOAD-(k % apps), registered at node k % 3 (its home)
        insts = [("LOAD-%02d" % (k % apps), "load-%04d" % k, k % 3) for k in range(total)]
        t0 = time.monotonic()
        errors = []

        def register_slice(part):
            conns = [Conn(n.port) for n in nodes]
            try:
                for app, iid, home in part:
                    register(conns[home], app, iid)
            except BaseException as e:
                errors.append(e)
            finally:
                for cn in conns:
                    cn.close()

        threads = [threading.Thread(target=register_slice, args=(insts[i::6],), daemon=True)
                   for i in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        check(not errors and not any(t.is_alive() for t in threads),
              "registering %d instances: %s" % (total, errors[:1] or "threads still running"))
        reg_s = time.monotonic() - t0
        expected = {(app, iid) for app, iid, _ in insts}

        def holds(n, want):
            _, ids = n.registry()
            return want <= set(ids)

        self.wait_on(nodes, "all %d instances" % total, lambda n: holds(n, expected), timeout=30)

        # Client threads heartbeat every instance at its home node (another node when that one
        # is down, as Eureka clients fail over; a 404 makes them register again, as clients do).
        stop = threading.Event()
        stats = {"ok": 0, "failed": 0, "reregistered": 0}
        lock = threading.Lock()
        beat_errors = []

        def heartbeat_loop(part):
            conns = [Conn(n.port) for n in nodes]
            try:
                while not stop.is_set():
                    for app, iid, home in part:
                        if stop.is_set():
                            break
                        path = "/eureka/apps/%s/%s?status=UP" % (app, iid)
                        outcome = "failed"
                        for k in (home, (home + 1) % 3, (home + 2) % 3):
                            code, _ = conns[k].request("PUT", path)
                            if code == 200:
                                outcome = "ok"
                                break
                            if code == 404:
                                # A slow answer is no error here (a client tries again at its
                                # next heartbeat); what counts is the registries at the end.
                                code, _ = conns[k].request("POST", "/eureka/apps/%s" % q(app),
                                                           instance_doc(app, iid))
                                outcome = "reregistered" if code == 204 else "failed"
                                break
                        with lock:
                            stats[outcome] += 1
            except BaseException as e:
                beat_errors.append(e)
            finally:
                for cn in conns:
                    cn.close()

        beaters = [threading.Thread(target=heartbeat_loop, args=(insts[i::4],), daemon=True)
                   for i in range(4)]
        for t in beaters:
            t.start()
        try:
            time.sleep(2.0)
            with lock:
                before_kill = stats["ok"]
            check(before_kill > 0, "no heartbeat answered 200 in 2s")
            b.signal(signal.SIGKILL)
            check(b.child.wait(10) is not None, "B still running 10s after SIGKILL")
            down_since = time.monotonic()
            log("B killed (SIGKILL) after %d heartbeats" % before_kill)
            # Meanwhile: 300 new instances on A and C.
            added = [("LATE-%d" % (k % 5), "late-%03d" % k, 0 if k % 2 == 0 else 2) for k in range(300)]
            conns = [Conn(n.port) for n in nodes]
            try:
                for app, iid, home in added:
                    register(conns[home], app, iid)
            finally:
                for cn in conns:
                    cn.close()
            expected |= {(app, iid) for app, iid, _ in added}
            self.wait_on([a, c], "all %d instances while B is down" % len(expected),
                         lambda n: holds(n, expected), timeout=30)
            b.start()
            self.wait_serving(b)
            t_ready = time.monotonic()
            wait_for("B to report ready after its restart", b.ready, 70, watch=self.watch(), interval=0.05)
            ready_s = time.monotonic() - t_ready
            _, at_ready = b.registry()
            missing = expected - set(at_ready)
            check(not missing, "B reported ready without %d of the %d instances (e.g. %s)"
                  % (len(missing), len(expected), sorted(missing)[:3]))
            synced = b.log_has("start-up sync took")
            check(synced, "B: no 'start-up sync took ...' log line (ready by its deadline instead?)")

            def converged():
                regs = [n.registry() for n in nodes]
                return all(r == regs[0] for r in regs) and set(regs[0][1]) == expected and regs

            try:
                regs = wait_for("identical registries on A, B and C", converged, 60, watch=self.watch())
            except StepFailed:
                for n in nodes:
                    h, ids = n.registry()
                    log("%s: apps__hashcode %s, %d instances, %d expected missing, %d unexpected"
                        % (n.name, h, len(ids), len(expected - set(ids)), len(set(ids) - expected)))
                raise
            with lock:
                after = dict(stats)
        finally:
            stop.set()
            for t in beaters:
                t.join(timeout=10)
        check(not beat_errors, "heartbeat thread: %s" % beat_errors[:1])
        check(after["ok"] > before_kill, "no heartbeats answered after the restart")
        self.stop_cleanly([a, b, c])
        return ("%d instances registered in %.1fs; B down %.1fs; ready %.1fs after restart (%s); "
                "apps__hashcode %s on all three; heartbeats %d ok, %d failed, %d re-registered"
                % (total, reg_s, t_ready - down_since, ready_s, synced[0].split("ready: ", 1)[-1],
                   regs[0][0], after["ok"], after["failed"], after["reregistered"]))

    def sigstop_queue_overflow(self):
        # Two nodes: with a third, its own catch-up of C (its link to C breaks too) would hide a
        # failure of A's. Phase 1 keeps C stopped for less than BASP's connection timeout (the
        # link stays up: only the overflow makes A catch C up); phase 2 for longer (the link
        # breaks too, and comes back).
        a, c = self.start_cluster(["A", "C"], per_node={
            "A": ["--eureka.cluster.max-peer-queue-bytes=65536"]})
        self.wait_ready([a, c])
        peer_c = "http://127.0.0.1:%d/eureka/" % c.port
        meta = {"k%d" % i: "v" * 100 for i in range(8)}
        per_phase = 300
        details = []
        stale = []  # failures noted; phase 2 still runs
        stale_ids = set()
        doomed_all = []
        for phase, hold in ((1, 3.0), (2, 7.0)):
            overflows_before = a.metric("eureka_replication_overflows_total", peer=peer_c) or 0
            catch_ups_before = a.metric("eureka_replication_catch_ups_total", peer=peer_c) or 0
            caught_before = len(a.log_has("peer " + peer_c, "caught up:"))
            left_before = len(a.log_has("peer " + peer_c, "left"))
            # Cancelled while C is away, their cancels dropped with the queue: the catch-up must
            # remove them from C too (an application A no longer has at all, and one it has).
            # Likewise a status override and a metadata change made meanwhile.
            doomed = [("DOOMED-%d" % phase, "doomed%d-1" % phase),
                      ("DOOMED-%d" % phase, "doomed%d-2" % phase), ("BURST-0", "doomed%d-3" % phase)]
            doomed_all += doomed
            changed = ("BURST-1", "changed%d" % phase)
            for app, iid in doomed + [changed]:
                register(a, app, iid)
            self.wait_on([c], "A's registrations to be changed later",
                         lambda n: all(n.instance(app, iid) for app, iid in doomed + [changed]))
            c.signal(signal.SIGSTOP)
            t_stop = time.monotonic()
            log("phase %d: C stopped (SIGSTOP)" % phase)
            conn = Conn(a.port)
            try:
                for k in range(per_phase):
                    register(conn, "BURST-%d" % (k % 3), "burst%d-%03d" % (phase, k), metadata=meta)
                    if k == per_phase // 3:  # queued behind the batches in flight, then dropped
                        writes = [("DELETE", "/eureka/apps/%s/%s" % x) for x in doomed] + [
                            ("PUT", "/eureka/apps/%s/%s/status?value=OUT_OF_SERVICE" % changed),
                            ("PUT", "/eureka/apps/%s/%s/metadata?while=stopped" % changed)]
                        for method, path in writes:
                            code, text = conn.request(method, path)
                            check(code == 200, "%s %s on A: %s %s" % (method, path, code, text[:200]))
            finally:
                conn.close()
            overflows = wait_for(
                "phase %d: A's eureka_replication_overflows_total for C to grow" % phase,
                lambda: (a.metric("eureka_replication_overflows_total", peer=peer_c) or 0) > overflows_before
                and a.metric("eureka_replication_overflows_total", peer=peer_c), 10, watch=self.watch())
            check(a.log_has("queue of peer " + peer_c, "overflowed"), "A did not log the overflow")
            time.sleep(max(0.0, hold - (time.monotonic() - t_stop)))
            stopped_s = time.monotonic() - t_stop
            left = len(a.log_has("peer " + peer_c, "left")) > left_before
            if phase == 1 and stopped_s < 4.0:
                # BASP drops a link after 5 s without heartbeats: this one must still be up, so
                # what follows is the overflow's catch-up alone.
                check(not left, "A dropped its link to C after %.1fs stopped (under 5s)" % stopped_s)
            c.signal(signal.SIGCONT)
            log("phase %d: C continued (SIGCONT) after %.1fs" % (phase, stopped_s))
            _, on_a = a.registry()
            check(len(on_a) == phase * (per_phase + 1),
                  "A holds %d instances, %d registered" % (len(on_a), phase * (per_phase + 1)))
            t_cont = time.monotonic()

            def a_logged():
                return [line.split("] ", 1)[-1] for line in a.log_has("peer " + peer_c)][-2:]

            def holds_a(on_c):
                return all(on_c.get(k) == v for k, v in on_a.items())

            try:
                wait_for("phase %d: C to hold A's %d instances as A holds them" % (phase, len(on_a)),
                         lambda: holds_a(c.registry()[1]), 30, watch=self.watch())
            except StepFailed:
                on_c = c.registry()[1]
                differ = ["%s/%s: A %s, C %s" % (k + (brief(v), brief(on_c.get(k))))
                          for k, v in sorted(on_a.items()) if on_c.get(k) != v]
                raise StepFailed("phase %d, %.0fs after SIGCONT: C lacks or differs on %d of A's %d "
                                 "instances (%s); A logged: %s"
                                 % (phase, time.monotonic() - t_cont, len(differ), len(on_a), differ[:2],
                                    a_logged()))
            caught_s = time.monotonic() - t_cont
            # The cancels made meanwhile: by now they have had as long as the rest.
            try:
                wait_for("phase %d: C to drop what A cancelled" % phase,
                         lambda: not set(c.registry()[1]) - set(on_a) - stale_ids, 3, watch=self.watch())
            except StepFailed:
                extra = sorted(set(c.registry()[1]) - set(on_a) - stale_ids)
                stale_ids.update(extra)
                stale.append("phase %d: C still holds %d instances A cancelled while C was stopped (%s) "
                             "%.0fs after SIGCONT, although it holds A's %d instances (A logged: %s)"
                             % (phase, len(extra), extra, time.monotonic() - t_cont, len(on_a), a_logged()))
                log("FAILURE noted: " + stale[-1])
            catch_ups = wait_for(
                "phase %d: A's eureka_replication_catch_ups_total for C to grow" % phase,
                lambda: (a.metric("eureka_replication_catch_ups_total", peer=peer_c) or 0) > catch_ups_before
                and a.metric("eureka_replication_catch_ups_total", peer=peer_c), 10)
            lines = wait_for("phase %d: A's 'peer ... caught up:' log line for C" % phase,
                             lambda: a.log_has("peer " + peer_c, "caught up:")[caught_before:], 10)
            details.append("phase %d: stopped %.1fs, link %s, %d overflows, caught up %.1fs after "
                           "SIGCONT (catch-ups %d; '%s')"
                           % (phase, stopped_s, "lost" if left else "kept", overflows - overflows_before,
                              caught_s, catch_ups, lines[-1].split("] ", 1)[-1][len("peer " + peer_c) + 1:]))
        # C's link to A broke too (phase 2): when it is back, what C still queued for A (and,
        # had C's queue overflowed, its catch-up) must not bring back to A what was cancelled
        # there.
        peer_a = "http://127.0.0.1:%d/eureka/" % a.port
        if c.log_has("peer " + peer_a, "left"):
            wait_for("C's link to A back ('peer ... joined' again)",
                     lambda: len(c.log_has("peer " + peer_a, "joined")) >= 2, 15, watch=self.watch())
            time.sleep(1.0)  # what C had queued for A reaches it
        cancelled = {(app, iid) for app, iid in doomed_all}
        back = sorted(cancelled & set(a.registry()[1]))
        if back:
            stale.append("A holds again %d instances cancelled on it (%s): C's catch-up registered them "
                         "there (A logged: %s)" % (len(back), back, [
                             line.split("] ", 1)[-1] for line in a.log_has("registered", "replication=true")
                             if any(iid in line for _, iid in back)][:2]))
            log("FAILURE noted: " + stale[-1])
        check(not stale, " | ".join(stale))
        self.stop_cleanly([a, c])
        return "; ".join(details)

    def foreign_cluster_refused(self):
        # D also lists a port nothing listens on: with A refused it has no peer to sync from
        # and reports ready only at its wait bound.
        a, d = self.start_cluster(["A", "D"], per_node={
            "D": ["--eureka.cluster.name=other", "--eureka.server.wait-time-in-ms-when-sync-empty=2000"]},
            zones={"A": ["A", "D"], "D": ["A", "D", "dead"]})
        t_serving = time.monotonic()
        code, text = http("GET", d.root + "/ready")
        check(code == 503,
              "D answered GET /ready with %s before its sync bound (2s): %s" % (code, text[:200]))
        check(d.metric("eureka_cluster_ready") == 0, "D: eureka_cluster_ready is not 0 before it is ready")
        self.wait_ready([a, d], timeout=15)
        d_ready_s = time.monotonic() - t_serving
        check(d.log_has("start-up sync did not finish within 2000 ms"),
              "D: no 'start-up sync did not finish within 2000 ms' log line")
        check(d.metric("eureka_cluster_ready") == 1, "D: eureka_cluster_ready is not 1 once ready")
        d_refuses = wait_for("D to log that it refuses A",
                             lambda: d.log_has("refused peer", str(a.port), "cluster caf-eureka"), 10,
                             watch=self.watch())
        a_refuses = wait_for("A to log that it refuses D",
                             lambda: a.log_has("refused peer", str(d.port), "cluster other"), 10,
                             watch=self.watch())
        register(a, "FOREIGN-A", "on-a")
        register(d, "FOREIGN-D", "on-d")
        time.sleep(2.0)  # a replicated write would arrive within milliseconds
        check(a.instance("FOREIGN-D", "on-d") is None, "D's registration appeared on A")
        check(d.instance("FOREIGN-A", "on-a") is None, "A's registration appeared on D")
        for n, other in ((a, d), (d, a)):
            check(not n.log_has("joined", str(other.port)), "%s logs %s as joined" % (n.name, other.name))
            check(n.ready(), "%s no longer reports ready" % n.name)
        self.stop_cleanly([a, d])
        return "D 503 then ready after %.1fs (bound 2s) | A: %s | D: %s" % (
            d_ready_s, a_refuses[0].split("] ", 1)[-1][:100], d_refuses[0].split("] ", 1)[-1][:100])

    def secured_peers(self):
        peer_pw, client_pw = "peer-secret", "client-secret"
        users = "peer:peer:%s,client:register:%s" % (password_hash(peer_pw), password_hash(client_pw))
        # Reads stay open, so the helpers' GETs need no credentials: what is checked here is
        # what peers need (GET cluster/node) and who may write.
        args = ["--eureka.auth.enabled=true", "--eureka.auth.read-without-auth=true",
                "--eureka.auth.users=" + users]
        good = "peer:%s@" % peer_pw
        a, b, c = self.start_cluster(["A", "B", "C"], args=args,
                                     userinfo={"A": good, "B": good, "C": "peer:wrong@"})
        self.wait_ready([a, b])
        for n, other in ((a, b), (b, a)):
            wait_for("%s to log %s as joined" % (n.name, other.name),
                     lambda n=n, other=other: n.log_has("joined", str(other.port)), 10,
                     watch=self.watch())
        app = "SECURED"
        code, _ = http("POST", a.base + "/apps/" + app, instance_doc(app, "anon"))
        check(code == 401, "an anonymous registration on A answered %s, not 401" % code)
        code, text = http("POST", a.base + "/apps/" + app, instance_doc(app, "one"),
                          headers=basic_auth("client", client_pw))
        check(code == 204, "the client's registration on A answered %s %s" % (code, text[:200]))
        self.wait_on([b], "the registration made on A", lambda n: n.instance(app, "one"))
        check(all(n.instance(app, "anon") is None for n in (a, b, c)),
              "the anonymous registration is in a registry")
        c_logs = wait_for("C to log that its peers want credentials",
                          lambda: c.log_has("GET cluster/node answered 401", "wants credentials"), 10,
                          watch=self.watch())
        for n in (a, b, c):
            check(not n.log_has("a Java Eureka server"),
                  "%s took a peer for a Java Eureka server" % n.name)
        self.stop_cleanly([a, b, c])
        return "A and B linked with the peer's credentials; 401 for the anonymous write | C: %s" % (
            c_logs[0].split("] ", 1)[-1][:140])

    def make_certificates(self):
        """A cluster CA with certificates for A and B, a rogue CA with one for C, as docs/security.md
        makes them; returns {name: path}."""
        d = os.path.join(self.step_dir, "pki")
        os.makedirs(d, exist_ok=True)
        out = {}

        def openssl(*argv):
            r = subprocess.run(["openssl"] + list(argv), cwd=d, capture_output=True, text=True, timeout=20)
            check(r.returncode == 0, "openssl %s: %s" % (" ".join(argv[:2]), (r.stderr or r.stdout)[-300:]))

        ext = os.path.join(d, "node.ext")
        with open(ext, "w") as f:
            f.write("basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\n"
                    "extendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=IP:127.0.0.1\n")
        for ca in ("cluster-ca", "rogue-ca"):
            openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", ca + ".key", "-out", ca + ".pem", "-days", "2", "-subj", "/CN=" + ca)
        for node, ca in (("a", "cluster-ca"), ("b", "cluster-ca"), ("c", "rogue-ca")):
            openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", node + ".key", "-out", node + ".csr", "-subj", "/CN=node-" + node)
            openssl("x509", "-req", "-in", node + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key",
                    "-CAcreateserial", "-days", "2", "-extfile", ext, "-out", node + ".pem")
        # C trusts the cluster's CA as well (its certificate is public): only its own
        # certificate is wrong, as an intruder's would be.
        with open(os.path.join(d, "both-cas.pem"), "w") as f:
            for ca in ("cluster-ca", "rogue-ca"):
                with open(os.path.join(d, ca + ".pem")) as g:
                    f.write(g.read())
        for name in ("cluster-ca.pem", "both-cas.pem", "a.pem", "a.key", "b.pem", "b.key", "c.pem", "c.key"):
            out[name] = os.path.join(d, name)
        return out

    def s_client(self, node, *argv):
        """openssl s_client against node's cluster port; its exit code and output."""
        r = subprocess.run(["openssl", "s_client", "-connect", "127.0.0.1:%d" % node.cluster_port] + list(argv),
                           input="", capture_output=True, text=True, timeout=15)
        return r.returncode, r.stdout + r.stderr

    def mutual_tls(self):
        pki = self.make_certificates()

        def tls(cert, key, ca):
            return ["--eureka.cluster.tls.certificate=" + pki[cert], "--eureka.cluster.tls.key=" + pki[key],
                    "--eureka.cluster.tls.ca=" + pki[ca]]

        # Authentication on as well: the two kinds of protection work together.
        peer_pw, client_pw = "peer-secret", "client-secret"
        users = "peer:peer:%s,client:register:%s" % (password_hash(peer_pw), password_hash(client_pw))
        args = ["--eureka.auth.enabled=true", "--eureka.auth.read-without-auth=true",
                "--eureka.auth.users=" + users, "--eureka.server.wait-time-in-ms-when-sync-empty=3000"]
        creds = "peer:%s@" % peer_pw
        a, b, c, d = self.start_cluster(
            ["A", "B", "C", "D"], args=args,
            per_node={"A": tls("a.pem", "a.key", "cluster-ca.pem"), "B": tls("b.pem", "b.key", "cluster-ca.pem"),
                      "C": tls("c.pem", "c.key", "both-cas.pem")},
            # A also lists C: A's own link to C is refused as well.
            zones={"A": ["A", "B", "C"], "B": ["A", "B"], "C": ["A", "B", "C"], "D": ["A", "B", "D"]},
            userinfo={n: creds for n in ("A", "B", "C", "D")})
        for n in (a, b, c):
            check(n.log_has("listening for peers", "over mutual TLS"),
                  "%s does not log that its cluster port speaks mutual TLS" % n.name)
            check(n.log_has("cluster links accept TLS 1.2 or 1.3"),
                  "%s does not log that its links need TLS 1.2 or 1.3" % n.name)
        check(d.log_has("listening for peers", "plain BASP"), "D does not log its plain BASP port")
        self.wait_ready([a, b])
        for n, other in ((a, b), (b, a)):
            wait_for("%s to log %s as joined" % (n.name, other.name),
                     lambda n=n, other=other: n.log_has("joined", str(other.port)), 10, watch=self.watch())
        auth = basic_auth("client", client_pw)
        for n, iid in ((a, "on-a"), (c, "on-c"), (d, "on-d")):
            code, text = http("POST", n.base + "/apps/TLS", instance_doc("TLS", iid), headers=auth)
            check(code == 204, "registration on %s answered %s %s" % (n.name, code, text[:200]))
        self.wait_on([b], "A's registration", lambda n: n.instance("TLS", "on-a"))
        # A bare TLS client without a certificate, and one offering only TLS 1.1.
        self.s_client(a, "-CAfile", pki["cluster-ca.pem"])
        rc, out = self.s_client(a, "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0", "-cert", pki["a.pem"],
                                "-key", pki["a.key"], "-CAfile", pki["cluster-ca.pem"])
        check("Protocol  : TLSv1.1" not in out or "Cipher is (NONE)" in out,
              "A accepted a TLS 1.1 handshake: %s" % out[-400:])
        rc, out = self.s_client(a, "-cert", pki["a.pem"], "-key", pki["a.key"], "-CAfile", pki["cluster-ca.pem"])
        check("Verify return code: 0 (ok)" in out, "s_client with A's certificate did not verify A: %s" % out[-400:])
        protocol = next((line.strip() for line in out.splitlines() if line.startswith("New, ")), "?")
        check("TLSv1.3" in protocol or "TLSv1.2" in protocol, "A negotiated %s" % protocol)
        # CAF's openssl module closes a refused connection without a word on
        # the accepting side; the side that connects names the peer it failed.
        expect = [
            (a, "A's link to C failed", ("no BASP link, the mutual TLS handshake failed", str(c.port))),
            (c, "C's link to A failed", ("no BASP link, the mutual TLS handshake failed", str(a.port))),
            (d, "D's link to A failed", ("not reached", str(a.port), "BASP connect")),
        ]
        seen = {}
        for n, what, words in expect:
            seen[what] = wait_for("%s to log: %s" % (n.name, what), lambda n=n, words=words: n.log_has(*words),
                                  10, watch=self.watch())[0]
        time.sleep(1.0)  # a replicated write would arrive within milliseconds
        for n in (a, b):
            for iid in ("on-c", "on-d"):
                check(n.instance("TLS", iid) is None, "%s's registration appeared on %s" % (iid, n.name))
        for n in (c, d):
            check(n.instance("TLS", "on-a") is None, "A's registration appeared on %s" % n.name)
            for other in (a, b):
                check(not n.log_has("joined", str(other.port)), "%s logs %s as joined" % (n.name, other.name))
        for n in (a, b):
            for other in (c, d):
                check(not n.log_has("joined", str(other.port)), "%s logs %s as joined" % (n.name, other.name))
        # The refusals around them (C, D, the bare clients) cost A and B nothing.
        shared = self.check_one_link_per_pair([a, b])
        self.stop_cleanly([a, b, c, d])
        return "A and B linked over mutual TLS (%s, %s, never dropped) | A: %s | C: %s" % (
            protocol, "one link" if shared else "two links", seen["A's link to C failed"].split("] ", 1)[-1][:160],
            seen["C's link to A failed"].split("] ", 1)[-1][:160])

    def run(self):
        only = set(self.args.only.split(",")) if self.args.only else None
        for step in STEPS:
            if only is None or step in only:
                self.run_step(step, self.scenario(getattr(self, step)))
        return 0 if not self.any_failed() else 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--node", required=True)
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--only", default=None, help="comma-separated steps to run (default: all)")
    args = ap.parse_args()
    args.workdir = args.workdir or tempfile.mkdtemp(prefix="cluster-")
    log("logs in %s" % args.workdir)
    scenario = Scenario(args)

    def go():
        try:
            return scenario.run()
        except Aborted as e:
            scenario.record_aborted(STEPS if not args.only else args.only.split(","), e)
            return 1
        finally:
            scenario.kill_all(scenario.children)
            scenario.summary()

    rc = run_main(go, OVERALL_TIMEOUT)
    sys.exit(1 if rc else 0)


if __name__ == "__main__":
    main()
