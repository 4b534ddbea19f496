#!/usr/bin/env python3
"""Java client failover (issue 7): the real Netflix eureka-client (the Spring Cloud app of
test/interop/java) with `eureka.client.service-url.defaultZone` listing three caf-eureka nodes keeps
working when the node it talks to is killed with SIGKILL. Steps (every wait bounded):

  cluster_up               A, B, C serve and report ready, each linked to the other two
  client_registration      the client registers and heartbeats (lease 1 s / 5 s); its instance is UP
                           on A, B and C; the node answering its heartbeats (X) is found from the
                           nodes' /metrics (the client may pick any of the three)
  failover_after_kill9     kill -9 X; for 25 s (five lease durations) the instance never leaves
                           either survivor and stays UP there; the client's renewals are answered
                           200 (none 404, no re-registration) and now reach the survivors
  fetch_after_failover     the client's registry fetches keep working: an instance registered on
                           one survivor appears in the client's local registry, its cancel on the
                           other disappears; GET /actuator/serviceregistry (a read through the
                           client's transport) answers UP
  killed_node_rejoins      X restarts on its ports, reports ready holding the client's instance UP
  client_shutdown_cancel   SIGTERM the client: it cancels, and the instance leaves all three nodes
                           within 3 s (lease 5 s: only the replicated cancel can do that)
  clean_shutdown           the nodes exit 0 on SIGTERM without a sanitizer report

Usage: failover.py --node <caf-eureka-node> --jar <interop-java-client.jar> [--log-dir DIR]
Python 3 standard library only; loopback only; every child is killed at the end, also on failure.
The last line is `N passed, M failed`.
"""

import argparse
import json
import os
import shlex
import signal
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
sys.path.insert(0, os.path.join(HERE, "..", "java"))
sys.path.insert(0, os.path.join(HERE, "..", "mixed_ring"))
from harness import (  # noqa: E402  (test/interop/common/harness.py)
    Aborted, Child, StepFailed, StepRunner, check, free_port, http, log, observed_instance,
    observed_requests, request_counts, run_main, wait_for)
from scenario import Observer  # noqa: E402  (test/interop/java/scenario.py: the client's OBSERVED lines)
from mixed_ring import Server, SANITIZER_MARKS  # noqa: E402  (test/interop/mixed_ring/mixed_ring.py)

STEPS = [
    "cluster_up",
    "client_registration",
    "failover_after_kill9",
    "fetch_after_failover",
    "killed_node_rejoins",
    "client_shutdown_cancel",
    "clean_shutdown",
]
APP = "INTEROP-JAVA"          # spring.application.name=interop-java, upper-cased
RAW_APP = "FAILOVER-RAW"      # an application only the scenario registers
LEASE_S = 5                   # the client's lease (test/interop/java application.properties)
WINDOW_S = 25.0               # five lease durations after the kill
REPLICATION_DEADLINE = 10.0


def node_args(node, zone):
    return [node.scenario.args.node, "--server.port=%d" % node.port, "--server.address=127.0.0.1",
            "--eureka.cluster.port=%d" % node.cluster_port, "--eureka.cluster.bind-address=127.0.0.1",
            "--eureka.cluster.advertised-host=127.0.0.1",
            "--eureka.client.service-url.default-zone=" + zone,
            "--eureka.server.wait-time-in-ms-when-sync-empty=5000",
            "--eureka.server.enable-self-preservation=false",
            "--eureka.server.eviction-interval-timer-in-ms=1000",
            "--eureka.cluster.retry-min-ms=200", "--eureka.cluster.retry-max-ms=1000"]


def direct_counts(node):
    """{route: {code: n}} of the client requests the node served over HTTP (replicated writes
    arrive over BASP and are not counted here); None when /metrics does not answer."""
    code, text = http("GET", node.root + "/metrics", timeout=5.0)
    return request_counts(text) if code == 200 else None


def count(m, route, code=None):
    codes = (m or {}).get(route, {})
    return sum(codes.values()) if code is None else codes.get(str(code), 0)


class Scenario(StepRunner):
    def __init__(self, args):
        self.args = args
        self.results = []
        self.log_dir = args.log_dir or tempfile.mkdtemp(prefix="interop-java-failover-")
        os.makedirs(self.log_dir, exist_ok=True)
        ports = set()
        while len(ports) < 7:
            ports.add(free_port())
        ports = sorted(ports)
        self.nodes = [Server(self, name, False, ports[2 * i], ports[2 * i + 1])
                      for i, name in enumerate("ABC")]
        zone = ",".join("http://127.0.0.1:%d/eureka/" % n.port for n in self.nodes)
        for n in self.nodes:
            n.argv = node_args(n, zone)
        self.zone = zone
        self.instance_port = ports[6]
        self.client = None
        self.observer = Observer("client")
        self.iid = None
        self.x = None  # the node the client talked to, killed
        self.kill_doc = None  # the client's OBSERVED document just before the kill

    # -- helpers --------------------------------------------------------------------------------

    def watch(self):
        out = [(n.name, n.child) for n in self.nodes if n.child is not None and not n.killed]
        if self.client is not None:
            out.append(("the Java client", self.client))
        return out

    def survivors(self):
        return [n for n in self.nodes if n is not self.x]

    def observation(self):
        return self.observer.observation()

    def fresh_observation(self, timeout=10.0):
        """The first OBSERVED line printed after now."""
        _, n0 = self.observation()
        return wait_for("an OBSERVED line from the client",
                        lambda: self.observation()[0] if self.observation()[1] > n0 else None,
                        timeout, watch=self.watch())

    def wait_observed(self, what, predicate, timeout):
        try:
            return wait_for("the client to observe " + what,
                            lambda: (lambda d: d if d is not None and predicate(d) else None)(self.observation()[0]),
                            timeout, watch=self.watch(), interval=0.2)
        except StepFailed as e:
            raise StepFailed("%s; last OBSERVED: %s" % (e, json.dumps(self.observation()[0])[:600]))

    def up_on(self, node):
        inst = node.instance(APP, self.iid)
        return inst is not None and inst.get("status") == "UP"

    # -- steps ----------------------------------------------------------------------------------

    def step_cluster_up(self):
        for n in self.nodes:
            n.start()
        for n in self.nodes:
            wait_for("%s to serve GET apps" % n.name, n.serving, 30, watch=self.watch())
        for n in self.nodes:
            wait_for("%s to report ready" % n.name, n.ready, 30, watch=self.watch())
            wait_for("%s to link to both peers" % n.name,
                     lambda n=n: n.metric("eureka_replication_link_up") == 2, 30, watch=self.watch())
        return "A, B, C ready, each linked to two peers; defaultZone %s" % self.zone

    def step_client_registration(self):
        argv = [self.args.java] + shlex.split(self.args.jvm_opts) + [
            "-Dinterop.eureka-url=" + self.zone, "-jar", self.args.jar,
            "--interop.port=%d" % self.instance_port]
        self.client = Child("client", argv, os.path.join(self.log_dir, "client.log"),
                            on_line=self.observer.on_line)
        wait_for("the client's first OBSERVED line", lambda: self.observer.self_id, self.args.client_timeout,
                 watch=self.watch(), interval=0.2)
        self.iid = self.observer.self_id
        for n in self.nodes:
            wait_for("%s/%s UP on %s" % (APP, self.iid, n.name), lambda n=n: self.up_on(n), 60,
                     watch=self.watch(), interval=0.2)
        self.wait_observed("itself UP", lambda d: (observed_instance(d, APP, self.iid) or {})
                           .get("status") == "UP", 30)
        lease = self.nodes[0].instance(APP, self.iid).get("leaseInfo") or {}
        check(lease.get("durationInSecs") == LEASE_S and lease.get("renewalIntervalInSecs") == 1,
              "the lease is not the client's 1 s / %d s: %s" % (LEASE_S, lease))
        # Which node does the client talk to? Its renewals (and fetches) arrive there over HTTP.
        m0 = [direct_counts(n) for n in self.nodes]
        time.sleep(4.0)
        m1 = [direct_counts(n) for n in self.nodes]
        renews = [count(b, "renew", 200) - count(a, "renew", 200) for a, b in zip(m0, m1)]
        fetches = [count(b, "apps_delta") + count(b, "apps_full") - count(a, "apps_delta") - count(a, "apps_full")
                   for a, b in zip(m0, m1)]
        talked = [n for n, r in zip(self.nodes, renews) if r > 0]
        check(len(talked) == 1, "the client's renewals over 4 s reached %s (renew 200 per node A, B, C: %s)"
              % ([n.name for n in talked], renews))
        self.x = talked[0]
        return ("%s/%s UP on A, B, C (lease 1 s / %d s); the client talks to %s (4 s: renew 200 %s, "
                "fetches %s per node A, B, C)" % (APP, self.iid, LEASE_S, self.x.name, renews, fetches))

    def step_failover_after_kill9(self):
        x, rest = self.x, self.survivors()
        d0 = self.fresh_observation()
        m0 = [direct_counts(n) for n in rest]
        x.killed = True
        x.child.signal(signal.SIGKILL)
        check(x.child.wait(10) is not None, "%s did not die on SIGKILL" % x.name)
        t0 = time.monotonic()
        polls = 0
        while time.monotonic() - t0 < WINDOW_S:
            for n in rest:
                check(n.child.alive(), "%s exited (code %s)" % (n.name, n.child.proc.returncode))
                inst = n.instance(APP, self.iid)
                check(inst is not None, "%s dropped %s/%s %.1fs after %s was killed (lease %d s)"
                      % (n.name, APP, self.iid, time.monotonic() - t0, x.name, LEASE_S))
                check(inst.get("status") == "UP", "%s shows the instance %s %.1fs after the kill"
                      % (n.name, inst.get("status"), time.monotonic() - t0))
                polls += 1
            if self.client is not None and not self.client.alive():
                raise StepFailed("the Java client exited (code %s)" % self.client.proc.returncode)
            time.sleep(0.25)
        d1 = self.fresh_observation()
        m1 = [direct_counts(n) for n in rest]
        ok = observed_requests(d1, "renew", 200) - observed_requests(d0, "renew", 200)
        r404 = observed_requests(d1, "renew", 404) - observed_requests(d0, "renew", 404)
        regs = observed_requests(d1, "register") - observed_requests(d0, "register")
        failed = observed_requests(d1, "renew", "io-error") - observed_requests(d0, "renew", "io-error")
        at = [count(b, "renew", 200) - count(a, "renew", 200) for a, b in zip(m0, m1)]
        detail = ("%s killed; instance UP on %s throughout %.0f s (%d polls); client renew 200 +%d, "
                  "404 +%d, io-error +%d, register +%d; renew 200 at %s: %s"
                  % (x.name, " and ".join(n.name for n in rest), WINDOW_S, polls, ok, r404, failed, regs,
                     " and ".join(n.name for n in rest), at))
        check(ok >= WINDOW_S / 2, "too few renewals answered 200 after the kill: " + detail)
        check(r404 == 0 and regs == 0, "a survivor did not know the instance (renew 404, re-registration): "
              + detail)
        check(sum(at) >= WINDOW_S / 2, "the survivors did not receive the client's renewals: " + detail)
        check((d1.get("self") or {}).get("remoteStatus") == "UP", "the client's remote status is %s"
              % (d1.get("self") or {}).get("remoteStatus"))
        self.kill_doc = d0
        return detail

    def step_fetch_after_failover(self):
        first, second = self.survivors()
        raw = "failover-raw-1"
        first.register(RAW_APP, raw, duration=90)
        t0 = time.monotonic()
        self.wait_observed("%s/%s UP (registered on %s)" % (RAW_APP, raw, first.name),
                           lambda d: (observed_instance(d, RAW_APP, raw) or {}).get("status") == "UP", 20)
        seen = time.monotonic() - t0
        second.cancel(RAW_APP, raw)
        t0 = time.monotonic()
        self.wait_observed("%s/%s gone (cancelled on %s)" % (RAW_APP, raw, second.name),
                           lambda d: observed_instance(d, RAW_APP, raw) is None, 20)
        gone = time.monotonic() - t0
        d = self.fresh_observation()
        fetched = sum(observed_requests(d, op, 200) - observed_requests(self.kill_doc, op, 200)
                      for op in ("delta", "full"))
        check(fetched > 0, "no fetch answered 200 since the kill: %s" % d.get("requests"))
        url = "http://127.0.0.1:%d/actuator/serviceregistry" % self.instance_port
        code, text = http("GET", url, headers={"Accept": "application/json"}, timeout=10.0)
        check(code == 200, "GET /actuator/serviceregistry answered %s %s" % (code, text[:200]))
        try:
            status = json.loads(text).get("status")
        except ValueError:
            status = None
        check(status == "UP", "GET /actuator/serviceregistry: %s" % text[:200])
        return ("registered on %s: seen by the client after %.1fs; cancelled on %s: gone after %.1fs; "
                "fetches 200 since the kill: %d (%s); actuator: %s" % (
                    first.name, seen, second.name, gone, fetched,
                    {k: v for k, v in (d.get("requests") or {}).items() if k in ("delta", "full")}, text.strip()))

    def step_killed_node_rejoins(self):
        x = self.x
        t0 = time.monotonic()
        x.start()
        wait_for("%s (restarted) to report ready" % x.name, x.ready, 30, watch=self.watch())
        ready_s = time.monotonic() - t0
        check(self.up_on(x), "%s is ready without the client's instance UP" % x.name)
        sync = [l.split("ready: ", 1)[1] for l in x.child.lines if "ready: " in l]
        time.sleep(2 * LEASE_S)  # the client's heartbeats, relayed, keep it there
        check(self.up_on(x), "%s dropped the client's instance %d s after its restart" % (x.name, 2 * LEASE_S))
        return "%s ready %.1fs after restart (%s), holds the instance UP %d s later" % (
            x.name, ready_s, sync[0] if sync else "?", 2 * LEASE_S)

    def step_client_shutdown_cancel(self):
        live = [n for n in self.nodes if n.child is not None and n.child.alive()]
        for n in live:
            check(n.instance(APP, self.iid) is not None, "%s lacks the instance before the client stops" % n.name)
        t0 = time.monotonic()
        self.client.signal(signal.SIGTERM)
        rc = self.client.wait(30)
        check(rc is not None, "the client did not exit within 30 s of SIGTERM")
        check(rc in (0, 143, -15), "the client exited with code %s" % rc)
        for n in live:
            wait_for("the instance gone from %s" % n.name, lambda n=n: n.instance(APP, self.iid) is None,
                     max(0.1, 3.0 - (time.monotonic() - t0)), watch=[(m.name, m.child) for m in live])
        gone = time.monotonic() - t0
        check([l for l in self.client.lines if "deregister" in l and "status: 200" in l],
              "the client did not log 'deregister status: 200'")
        return "client exited rc=%s; instance gone from %s %.1fs after SIGTERM (lease %d s)" % (
            rc, ", ".join(n.name for n in live), gone, LEASE_S)

    def step_clean_shutdown(self):
        live = [n for n in self.nodes if n.child is not None and n.child.alive()]
        for n in live:
            n.child.kill(grace=15.0)
        for n in live:
            bad = [l for l in n.lines() if any(m in l for m in SANITIZER_MARKS)]
            check(not bad, "%s: sanitizer report: %s" % (n.name, bad[:3]))
            check(n.child.proc.returncode == 0, "%s exited with code %s on SIGTERM"
                  % (n.name, n.child.proc.returncode))
        return "%s exited 0 on SIGTERM, no sanitizer report" % ", ".join(n.name for n in live)

    # -- driver ---------------------------------------------------------------------------------

    def run(self):
        try:
            up = self.run_step("cluster_up", self.step_cluster_up)
            reg = self.run_step("client_registration", self.step_client_registration, prerequisite_ok=up)
            self.run_step("failover_after_kill9", self.step_failover_after_kill9, prerequisite_ok=reg)
            self.run_step("fetch_after_failover", self.step_fetch_after_failover,
                          prerequisite_ok=reg and self.kill_doc is not None)
            self.run_step("killed_node_rejoins", self.step_killed_node_rejoins,
                          prerequisite_ok=reg and self.x is not None and self.x.killed)
            self.run_step("client_shutdown_cancel", self.step_client_shutdown_cancel,
                          prerequisite_ok=reg and self.client.alive())
            self.run_step("clean_shutdown", self.step_clean_shutdown, prerequisite_ok=up)
        except Aborted as e:
            self.record_aborted(STEPS, e)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            children = [self.client] + [c for n in self.nodes for c in n.children]
            if self.any_failed():
                self.print_tails(children, self.args.tail, 400)
            self.kill_all(children)
            log("logs in %s" % self.log_dir)
        passed = self.summary()
        return 0 if passed == len(self.results) else 1


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--node", required=True, help="caf-eureka-node binary")
    p.add_argument("--jar", default=os.path.join(HERE, "..", "java", "target", "interop-java-client.jar"),
                   help="the interop client jar of test/interop/java (default: %(default)s)")
    p.add_argument("--java", default=os.environ.get("JAVA", "java"))
    p.add_argument("--jvm-opts", default=os.environ.get(
        "INTEROP_JVM_OPTS", "-Xmx256m -Xss512k -XX:+UseSerialGC -XX:TieredStopAtLevel=1"))
    p.add_argument("--client-timeout", type=float, default=150.0)
    p.add_argument("--overall-timeout", type=float, default=540.0)
    p.add_argument("--log-dir", help="where A.log, B.log, C.log and client.log go (default: a temp dir)")
    p.add_argument("--tail", type=int, default=40, help="log lines shown per process on failure")
    args = p.parse_args()
    for path, what in ((args.node, "--node"), (args.jar, "--jar")):
        if not os.path.isfile(path):
            p.error("%s %s: no such file" % (what, path))
    return run_main(lambda: Scenario(args).run(), args.overall_timeout)


if __name__ == "__main__":
    sys.exit(main())
