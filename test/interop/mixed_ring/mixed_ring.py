#!/usr/bin/env python3
"""Mixed ring: the real Spring Cloud Eureka server J and two caf-eureka nodes A and B as one ring
(issue 7). J replicates to A and B over HTTP `peerreplication/batch` as to any Java peer; A and B
find out over `GET {base}cluster/node` (404) that J is a Java server and replicate to it the same
way, and to each other over BASP. Steps (each must be able to fail; every wait is bounded):

  ring_up                      J, A, B serve; A and B report ready; A's log says J is a Java
                               Eureka server and B joined over BASP; A's /metrics has J's link up
  register_java_to_caf         an instance registered on J appears on A and B
  register_caf_to_java         an instance registered on A appears on J and B
  cancel_java_to_caf           cancelling the first on J removes it from A and B
  cancel_caf_to_java           cancelling the second on A removes it from J and B
  override_caf_to_java         OUT_OF_SERVICE set on A shows on J and B; its removal too
  override_java_to_caf         OUT_OF_SERVICE set on J shows on A and B; its removal too
  heartbeats_java_keep_caf     a 3 s lease heartbeated only at J stays on A and B for 15 s (five
                               lease durations); then, without heartbeats, A and B evict it
  heartbeats_caf_keep_java     a 3 s lease heartbeated only at A stays on J and B for 15 s; then
                               J and B evict it
  restart_caf_node             kill -9 B; one instance registered on J and one on A meanwhile;
                               A is stopped (SIGSTOP) so that J is the only peer B can sync from;
                               B restarts on the same ports, reports ready after a start-up sync
                               from J (HTTP GET apps/) that took every instance, holding J's
                               instance set (which is A's); A continues and J, A, B agree
  clean_shutdown               A and B exit 0 on SIGTERM without a sanitizer report

J is listed in every peer list as http://127.0.0.1:PJ/eureka/ and the caf nodes in J's list as
http://localhost:P/eureka/: the Java server recognises its own URL by host alone
(PeerEurekaNodes.isThisMyUrl, eureka.instance.hostname=127.0.0.1), so the caf nodes must not share
its host name there.

Usage: mixed_ring.py --node <caf-eureka-node> --reference-jar <eureka-server-reference.jar>
       [--log-dir DIR] [--only STEP,...]
Python 3 standard library only; loopback only; every child is killed at the end, also on failure.
The last line is `N passed, M failed`.
"""

import argparse
import os
import shlex
import signal
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from harness import (ServerView,   # noqa: E402  (test/interop/common/harness.py)
    Aborted, Child, StepRunner, check, free_port, get_json, http, instance_doc, log,
    metric_sum, parse_prometheus, run_main, wait_for)

STEPS = [
    "ring_up",
    "register_java_to_caf",
    "register_caf_to_java",
    "cancel_java_to_caf",
    "cancel_caf_to_java",
    "override_caf_to_java",
    "override_java_to_caf",
    "heartbeats_java_keep_caf",
    "heartbeats_caf_keep_java",
    "restart_caf_node",
    "clean_shutdown",
]
APP = "MIXED-RING"
REPLICATION_DEADLINE = 15.0  # Java batches for up to 500 ms and retries; ours take milliseconds
LEASE_S = 3                   # the heartbeat steps' lease duration
LONG_LEASE_S = 600            # every other instance's: outlives the scenario
KEEP_ALIVE_WINDOW_S = 15.0    # five lease durations
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")


def q(s):
    return urllib.parse.quote(s, safe="")


class Server(ServerView):
    """One server of the ring: the Java reference server or a caf-eureka node (fixed ports, kept
    across restarts)."""

    def __init__(self, scenario, name, java, port, cluster_port=None):
        self.scenario = scenario
        self.name = name
        self.java = java
        self.port = port
        self.cluster_port = cluster_port
        self.argv = None
        self.children = []  # one per start
        self.killed = False  # SIGKILLed on purpose
        self.stopped = False  # SIGSTOPped

    @property
    def child(self):
        return self.children[-1] if self.children else None

    def start(self):
        n = len(self.children)
        label = self.name if n == 0 else "%s-restart%d" % (self.name, n)
        child = Child(label, self.argv, os.path.join(self.scenario.log_dir, label + ".log"),
                      kill_grace=10.0)
        self.children.append(child)
        self.killed = False
        return child

    def lines(self):
        return [line for c in self.children for line in c.lines]

    def log_has(self, *words):
        return [line for line in self.lines() if all(w in line for w in words)]

    def serving(self):
        code, doc = get_json(self.base + "/apps", timeout=3.0)
        return code == 200 and doc is not None and "applications" in doc

    def instances(self):
        """{(app, id): status} of GET apps (full registry)."""
        code, doc = get_json(self.base + "/apps", timeout=10.0)
        check(code == 200 and doc is not None, "%s: GET apps answered %s" % (self.name, code))
        apps = (doc.get("applications") or {}).get("application") or []
        if isinstance(apps, dict):
            apps = [apps]
        out = {}
        for app in apps:
            insts = app.get("instance") or []
            for inst in [insts] if isinstance(insts, dict) else insts:
                out[(app.get("name"), inst.get("instanceId"))] = inst.get("status")
        return out

    def register(self, app, iid, duration=LONG_LEASE_S, renewal=30):
        body = instance_doc(app, iid, duration=duration, renewal=renewal, metadata={"origin": "mixed-ring"})
        code, text = http("POST", "%s/apps/%s" % (self.base, q(app)), body,
                          headers={"Accept": "application/json"})
        check(code == 204, "%s: POST apps/%s (%s) answered %s %s" % (self.name, app, iid, code, text[:200]))

    def cancel(self, app, iid):
        code, text = http("DELETE", "%s/apps/%s/%s" % (self.base, q(app), q(iid)))
        check(code == 200, "%s: DELETE apps/%s/%s answered %s %s" % (self.name, app, iid, code, text[:200]))

    def status(self, method, app, iid, value):
        url = "%s/apps/%s/%s/status?value=%s" % (self.base, q(app), q(iid), value)
        code, text = http(method, url)
        check(code == 200, "%s: %s apps/%s/%s/status?value=%s answered %s %s"
              % (self.name, method, app, iid, value, code, text[:200]))

    def heartbeat(self, app, iid, ldt):
        """PUT apps/APP/ID as the Netflix client sends it; returns the status code."""
        url = "%s/apps/%s/%s?status=UP&lastDirtyTimestamp=%s" % (self.base, q(app), q(iid), ldt)
        return http("PUT", url, timeout=3.0)[0]


def overridden(inst):
    return (inst or {}).get("overriddenStatus", (inst or {}).get("overriddenstatus"))


class Heartbeater:
    """Renews one instance at one server every `interval` seconds on a thread; counts answers."""

    def __init__(self, server, app, iid, ldt, interval=1.0):
        self.server, self.app, self.iid, self.ldt, self.interval = server, app, iid, ldt, interval
        self.codes = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="heartbeat-" + iid, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def _run(self):
        while not self._stop.is_set():
            code = self.server.heartbeat(self.app, self.iid, self.ldt)
            self.codes[code] = self.codes.get(code, 0) + 1
            self._stop.wait(self.interval)

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=5)


class Scenario(StepRunner):
    def __init__(self, args):
        self.args = args
        self.results = []
        self.log_dir = args.log_dir or tempfile.mkdtemp(prefix="interop-mixed-ring-")
        os.makedirs(self.log_dir, exist_ok=True)
        ports = set()
        while len(ports) < 5:
            ports.add(free_port())
        pj, pa, ca, pb, cb = sorted(ports)
        self.j = Server(self, "J", True, pj)
        self.a = Server(self, "A", False, pa, ca)
        self.b = Server(self, "B", False, pb, cb)
        self.heartbeaters = []

    # -- helpers --------------------------------------------------------------------------------

    @property
    def servers(self):
        return (self.j, self.a, self.b)

    def watch(self):
        return [(s.name, s.child) for s in self.servers if s.child is not None and not s.killed]

    def wait_on(self, servers, what, predicate, timeout=REPLICATION_DEADLINE):
        """predicate(server) on every server of `servers` within `timeout`; returns the seconds."""
        t0 = time.monotonic()
        for s in servers:
            wait_for("%s on %s" % (what, s.name), lambda s=s: predicate(s), timeout,
                     watch=self.watch(), interval=0.1)
        return time.monotonic() - t0

    def hold(self, servers, app, iid, seconds, why):
        """Polls every server of `servers` for `seconds`: the instance must never be missing."""
        t0 = time.monotonic()
        polls = 0
        while time.monotonic() - t0 < seconds:
            for s in servers:
                check(s.child.alive(), "%s exited (code %s) while %s" % (s.name, s.child.proc.returncode, why))
                inst = s.instance(app, iid)
                check(inst is not None, "%s dropped %s/%s %.1fs into %s (lease %ds)"
                      % (s.name, app, iid, time.monotonic() - t0, why, LEASE_S))
                check(inst.get("status") == "UP", "%s shows %s/%s %s during %s"
                      % (s.name, app, iid, inst.get("status"), why))
                polls += 1
            time.sleep(0.25)
        return polls

    # -- steps ----------------------------------------------------------------------------------

    def step_ring_up(self):
        j, a, b = self.servers
        java_url = "http://127.0.0.1:%d/eureka/" % j.port
        caf_zone = ",".join([java_url] + ["http://127.0.0.1:%d/eureka/" % n.port for n in (a, b)])
        java_zone = ",".join([java_url] + ["http://localhost:%d/eureka/" % n.port for n in (a, b)])
        j.argv = [self.args.java] + shlex.split(self.args.jvm_opts) + [
            "-jar", self.args.reference_jar, "--server.port=%d" % j.port, "--server.address=127.0.0.1",
            "--eureka.client.service-url.defaultZone=" + java_zone,
            "--eureka.client.register-with-eureka=false", "--eureka.client.fetch-registry=false"]
        for n in (a, b):
            n.argv = [self.args.node, "--server.port=%d" % n.port, "--server.address=127.0.0.1",
                      "--eureka.cluster.port=%d" % n.cluster_port,
                      "--eureka.cluster.bind-address=127.0.0.1",
                      "--eureka.cluster.advertised-host=127.0.0.1",
                      "--eureka.client.service-url.default-zone=" + caf_zone,
                      "--eureka.server.wait-time-in-ms-when-sync-empty=5000",
                      "--eureka.server.enable-self-preservation=false",
                      "--eureka.server.eviction-interval-timer-in-ms=1000",
                      "--eureka.cluster.retry-min-ms=200", "--eureka.cluster.retry-max-ms=1000"]
        t0 = time.monotonic()
        for s in self.servers:
            s.start()
        for n in (a, b):
            wait_for("%s to serve GET apps" % n.name, n.serving, 30, watch=self.watch())
        wait_for("J to serve GET apps", j.serving, self.args.java_timeout, watch=self.watch(), interval=0.5)
        j_up = time.monotonic() - t0
        for n in (a, b):
            wait_for("%s to report ready (GET /ready 200)" % n.name, n.ready, 30, watch=self.watch())
        # A finds out that J is a Java server (no cluster/node endpoint) and links to it over HTTP.
        wait_for("A's log line saying J is a Java Eureka server",
                 lambda: a.log_has("peer %s has no caf-eureka node endpoint: a Java Eureka server" % java_url),
                 30, watch=self.watch())
        wait_for("A's log line saying J joined over peerreplication/batch",
                 lambda: a.log_has("peer %s joined: a Java Eureka server" % java_url), 30, watch=self.watch())
        wait_for("A's log line saying B joined over BASP",
                 lambda: a.log_has("peer http://127.0.0.1:%d/eureka/ joined: caf-eureka node" % b.port),
                 30, watch=self.watch())
        for n in (a, b):
            # B finds J on its own back-off schedule, possibly after A did: waited for, not assumed.
            wait_for("%s: eureka_replication_link_up{peer=%s} to be 1" % (n.name, java_url),
                     lambda n=n: n.metric("eureka_replication_link_up", peer=java_url) == 1, 30,
                     watch=self.watch())
            check(n.metric("eureka_cluster_ready") == 1, "%s: eureka_cluster_ready is not 1" % n.name)
        ready = [l.split("ready: ", 1)[-1] for l in a.log_has("cluster", "ready: ")][:1]
        return "J serves after %.1fs; A, B ready (A: %s); A: J is a Java server, B joined over BASP" % (
            j_up, ready[0] if ready else "?")

    def step_register_java_to_caf(self):
        j, a, b = self.servers
        j.register(APP, "on-j-1")
        check(j.instance(APP, "on-j-1") is not None, "J does not serve the instance registered on it")
        took = self.wait_on([a, b], "%s/on-j-1 (registered on J)" % APP,
                            lambda s: (s.instance(APP, "on-j-1") or {}).get("status") == "UP")
        inst = a.instance(APP, "on-j-1")
        check(inst.get("hostName") == "host-on-j-1" and (inst.get("metadata") or {}).get("origin") == "mixed-ring",
              "A's copy differs from what was registered on J: %s" % inst)
        return "UP on A and B %.1fs after the POST to J (hostName and metadata kept)" % took

    def step_register_caf_to_java(self):
        j, a, b = self.servers
        a.register(APP, "on-a-1")
        took = self.wait_on([j, b], "%s/on-a-1 (registered on A)" % APP,
                            lambda s: (s.instance(APP, "on-a-1") or {}).get("status") == "UP")
        inst = j.instance(APP, "on-a-1")
        check(inst.get("hostName") == "host-on-a-1" and (inst.get("metadata") or {}).get("origin") == "mixed-ring",
              "J's copy differs from what was registered on A: %s" % inst)
        lease = inst.get("leaseInfo") or {}
        check(lease.get("durationInSecs") == 600, "J's copy lost the lease duration: %s" % lease)
        return "UP on J and B %.1fs after the POST to A (hostName, metadata, lease kept)" % took

    def step_cancel_java_to_caf(self):
        j, a, b = self.servers
        check(all(s.instance(APP, "on-j-1") for s in (a, b)), "on-j-1 is not on A and B to begin with")
        j.cancel(APP, "on-j-1")
        took = self.wait_on([a, b], "on-j-1 gone (cancelled on J)", lambda s: s.instance(APP, "on-j-1") is None)
        return "gone from A and B %.1fs after the DELETE on J" % took

    def step_cancel_caf_to_java(self):
        j, a, b = self.servers
        check(all(s.instance(APP, "on-a-1") for s in (j, b)), "on-a-1 is not on J and B to begin with")
        a.cancel(APP, "on-a-1")
        took = self.wait_on([j, b], "on-a-1 gone (cancelled on A)", lambda s: s.instance(APP, "on-a-1") is None)
        return "gone from J and B %.1fs after the DELETE on A" % took

    def override_round_trip(self, origin, others, iid):
        origin.register(APP, iid)
        self.wait_on(others, "%s (registered on %s)" % (iid, origin.name), lambda s: s.instance(APP, iid))
        origin.status("PUT", APP, iid, "OUT_OF_SERVICE")
        set_s = self.wait_on(others, "%s OUT_OF_SERVICE with overriddenStatus OUT_OF_SERVICE" % iid,
                             lambda s: (s.instance(APP, iid) or {}).get("status") == "OUT_OF_SERVICE"
                             and overridden(s.instance(APP, iid)) == "OUT_OF_SERVICE")
        origin.status("DELETE", APP, iid, "UP")
        del_s = self.wait_on(others, "%s UP with overriddenStatus UNKNOWN (override removed)" % iid,
                             lambda s: (s.instance(APP, iid) or {}).get("status") == "UP"
                             and overridden(s.instance(APP, iid)) in (None, "UNKNOWN"))
        return "set on %s: on %s after %.1fs; removal (value=UP) after %.1fs" % (
            origin.name, " and ".join(s.name for s in others), set_s, del_s)

    def step_override_caf_to_java(self):
        j, a, b = self.servers
        return self.override_round_trip(a, [j, b], "override-on-a")

    def step_override_java_to_caf(self):
        j, a, b = self.servers
        return self.override_round_trip(j, [a, b], "override-on-j")

    def keep_alive(self, origin, others, iid):
        """Registers `iid` on `origin` with a LEASE_S lease, heartbeats it there only and checks that
        `others` hold it past several leases, then that they evict it once heartbeats stop."""
        java_peer = self.j.base + "/"

        def relay():
            return origin.metric("eureka_replication_items_sent_total", peer=java_peer) or 0

        sent0 = None if origin.java else relay()
        origin.register(APP, iid, duration=LEASE_S, renewal=1)
        ldt = origin.instance(APP, iid)["lastDirtyTimestamp"]
        beat = Heartbeater(origin, APP, iid, ldt).start()
        self.heartbeaters.append(beat)
        try:
            self.wait_on(others, "%s (registered on %s)" % (iid, origin.name), lambda s: s.instance(APP, iid))
            polls = self.hold(others, APP, iid, KEEP_ALIVE_WINDOW_S,
                              "heartbeating %s only" % origin.name)
        finally:
            beat.stop()
        check(set(beat.codes) == {200}, "heartbeats to %s were not all answered 200: %s" % (origin.name, beat.codes))
        relayed = ""
        if not origin.java:
            # What reached J went over HTTP peerreplication/batch: one heartbeat item per tick.
            sent = relay() - sent0
            check(sent >= KEEP_ALIVE_WINDOW_S / 2, "%s sent J only %s replication items while heartbeated "
                  "for %.0fs" % (origin.name, sent, KEEP_ALIVE_WINDOW_S))
            failures = origin.metric("eureka_replication_failures_total", peer=java_peer)
            check(failures == 0, "%s: eureka_replication_failures_total{peer=J} is %s" % (origin.name, failures))
            relayed = "; %s sent J %d items, 0 failures" % (origin.name, sent)
        # The control: without heartbeats the others evict it on their own, so the window above
        # would have failed had the heartbeats not been relayed.
        stopped = time.monotonic()
        self.wait_on(others, "%s evicted after the heartbeats stopped" % iid,
                     lambda s: s.instance(APP, iid) is None, timeout=8 * LEASE_S)
        gone = time.monotonic() - stopped
        # A caf node removed it by its own sweep (a read hides an expired lease at once).
        for s in others:
            if not s.java:
                wait_for("%s's 'evicted %s/%s (lease expired)' log line" % (s.name, APP, iid),
                         lambda s=s: s.log_has("evicted %s/%s (lease expired)" % (APP, iid)), 5,
                         watch=self.watch())
        return ("%d heartbeats to %s only (all 200) kept it UP on %s for %.0fs (%d polls, lease %ds)%s; "
                "evicted there %.1fs after the last" % (sum(beat.codes.values()), origin.name,
                                                         " and ".join(s.name for s in others),
                                                         KEEP_ALIVE_WINDOW_S, polls, LEASE_S, relayed, gone))

    def step_heartbeats_java_keep_caf(self):
        j, a, b = self.servers
        return self.keep_alive(j, [a, b], "beat-on-j")

    def step_heartbeats_caf_keep_java(self):
        j, a, b = self.servers
        return self.keep_alive(a, [j, b], "beat-on-a")

    def step_restart_caf_node(self):
        j, a, b = self.servers
        j.register(APP, "before-kill-on-j")
        a.register(APP, "before-kill-on-a")
        self.wait_on([j, a, b], "the instances registered before the kill",
                     lambda s: s.instance(APP, "before-kill-on-j") and s.instance(APP, "before-kill-on-a"))
        b.killed = True
        b.child.signal(signal.SIGKILL)
        check(b.child.wait(10) is not None, "B did not die on SIGKILL")
        # Registered while B is down: only the start-up sync (or a catch-up) can bring them to B.
        j.register(APP, "meanwhile-on-j")
        a.register(APP, "meanwhile-on-a")
        self.wait_on([j, a], "the instances registered while B is down",
                     lambda s: s.instance(APP, "meanwhile-on-j") and s.instance(APP, "meanwhile-on-a"))
        want = j.instances()
        check(want == a.instances(), "J and A disagree before B restarts: J %s, A %s"
              % (sorted(want), sorted(a.instances())))
        # A is stopped while B starts, so that the only peer B can sync from is J (HTTP GET apps/);
        # caf-to-caf start-up sync over BASP is system_cluster's kill9_under_load.
        a.child.signal(signal.SIGSTOP)
        a.stopped = True
        t0 = time.monotonic()
        b.start()
        try:
            wait_for("B (restarted) to report ready", b.ready, 30, watch=self.watch())
            ready_s = time.monotonic() - t0
            held = b.instances()  # as soon as it is ready: the sync must be complete
        finally:
            a.child.signal(signal.SIGCONT)
            a.stopped = False
        ready_lines = b.children[-1].lines
        sync = [l.split("ready: ", 1)[1] for l in ready_lines if "ready: start-up sync took" in l]
        check(sync, "B's restart logs no 'ready: start-up sync took ...' (it became ready without a sync): %s"
              % [l for l in ready_lines if "ready: " in l or "start-up sync" in l][:3])
        words = sync[0].split()
        # "start-up sync took N of M instances from URL in T ms"
        check(words[3] == words[5], "B's start-up sync did not apply every instance: %s" % sync[0])
        missing = sorted(set(want) - set(held))
        extra = sorted(set(held) - set(want))
        check(not missing and not extra, "B at ready differs from J: missing %s, extra %s" % (missing, extra))
        check(held == want, "B at ready: statuses differ from J: %s vs %s" % (held, want))
        check("from http://127.0.0.1:%d/eureka/" % j.port in sync[0], "B did not sync from J: %s" % sync[0])
        # A, back, links to the new B; all three agree and stay so (late Java retries to B, A's
        # catch-up of B must not disturb it).
        wait_for("A to serve again after SIGCONT", a.serving, 10, watch=self.watch())
        wait_for("A to log B joined again", lambda: len(a.log_has(
            "peer http://127.0.0.1:%d/eureka/ joined: caf-eureka node" % b.port)) >= 2, 20, watch=self.watch())
        time.sleep(2)
        final = [s.instances() for s in (j, a, b)]
        check(final[0] == final[1] == final[2] == want, "J, A, B differ after B's restart: %s"
              % ["%s: %s" % (s.name, sorted(f)) for s, f in zip((j, a, b), final)])
        return "B ready %.1fs after restart with J's %d instances (%s); J, A, B agree" % (
            ready_s, len(want), sync[0])

    def step_clean_shutdown(self):
        live = [n for n in (self.a, self.b) if n.child is not None and n.child.alive()]
        check(len(live) == 2, "not both caf nodes running: %s" % [n.name for n in live])
        for n in live:
            n.child.kill(grace=15.0)
        for n in live:
            bad = [l for l in n.lines() if any(m in l for m in SANITIZER_MARKS)]
            check(not bad, "%s: sanitizer report: %s" % (n.name, bad[:3]))
            rc = n.child.proc.returncode
            check(rc == 0, "%s exited with code %s on SIGTERM" % (n.name, rc))
        return "A and B exited 0 on SIGTERM, no sanitizer report"

    # -- driver ---------------------------------------------------------------------------------

    def run(self):
        only = set(self.args.only.split(",")) if self.args.only else None
        try:
            up = self.run_step("ring_up", self.step_ring_up)
            for step in STEPS[1:]:
                if only is not None and step not in only:
                    continue
                self.run_step(step, getattr(self, "step_" + step), prerequisite_ok=up)
        except Aborted as e:
            self.record_aborted(STEPS if only is None else ["ring_up"] + [s for s in STEPS if s in only], e)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            for beat in self.heartbeaters:
                beat.stop()
            for s in self.servers:
                if s.stopped:  # a stopped process cannot act on SIGTERM
                    s.child.signal(signal.SIGCONT)
            children = [c for s in self.servers for c in s.children]
            if self.any_failed():
                self.print_tails(children, self.args.tail, 400)
            self.kill_all(children)
            log("logs in %s" % self.log_dir)
        passed = self.summary()
        return 0 if passed == len(self.results) else 1


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--node", required=True, help="caf-eureka-node binary")
    p.add_argument("--reference-jar", required=True,
                   help="Spring Cloud Eureka server jar (test/interop/java-server-reference)")
    p.add_argument("--java", default=os.environ.get("JAVA", "java"))
    p.add_argument("--jvm-opts", default=os.environ.get(
        "INTEROP_JVM_OPTS", "-Xmx256m -Xss512k -XX:+UseSerialGC -XX:TieredStopAtLevel=1"))
    p.add_argument("--java-timeout", type=float, default=150.0, help="how long J may take to serve")
    p.add_argument("--overall-timeout", type=float, default=540.0)
    p.add_argument("--log-dir", help="where J.log, A.log, B.log go (default: a temp dir)")
    p.add_argument("--only", help="comma-separated steps after ring_up (default: all)")
    p.add_argument("--tail", type=int, default=40, help="log lines shown per process on failure")
    args = p.parse_args()
    for path, what in ((args.node, "--node"), (args.reference_jar, "--reference-jar")):
        if not os.path.isfile(path):
            p.error("%s %s: no such file" % (what, path))
    return run_main(lambda: Scenario(args).run(), args.overall_timeout)


if __name__ == "__main__":
    sys.exit(main())
