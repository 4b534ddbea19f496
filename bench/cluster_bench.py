#!/usr/bin/env python3
"""Benchmark of a caf-eureka cluster on loopback (issue 7). Not a test: it prints figures.

  latency   3 nodes A, B, C: a registration is POSTed to A; as soon as A answers, C's
            GET /eureka/apps/delta (JSON) is polled in a tight loop on one keep-alive connection
            until it lists the instance. Sequential, --latency-count registrations; p50/p90/p99/max
            of "POST answered on A -> listed in C's delta". The nodes keep a short delta
            (retention 2 s, swept every 500 ms) so each poll stays cheap; the median poll cycle is
            printed as the resolution of the figure.
  cpu       3 nodes, --cpu-instances registered on each (pipelined over keep-alive connections),
            then heartbeats sent to each instance's home node at instances / --renewal-interval
            per second (the realistic rate) times each factor of --cpu-rates (0: idle), over a
            --cpu-window; each node's CPU time (utime + stime of /proc/PID/stat) over the window.
            The same load on three standalone nodes (no default-zone); replication's share =
            (clustered - standalone) / clustered. The replication counters of /metrics over the
            window, the machine's other CPU load and the benchmark's own CPU are printed too.
  join      A is started with a default-zone listing A and B (B down), --join-instances are
            registered on A, then B is started: the time until B's GET /ready answers 200, and
            until B's full registry holds every instance with A's apps__hashcode. With
            --join-isolated A lists only itself, so the figure is B's start-up sync alone (A
            neither replays its queue for B nor catches B up by digest meanwhile).

Every node binds 127.0.0.1 on free ports and is killed at the end (also on Ctrl-C, on an error and
after --overall-timeout). A node's output goes straight to its log file (through no pipe this
script must drain: a node logs a line per registration, and a slow reader would slow it down).
Python 3 standard library only; free ports, HTTP and /metrics helpers from
test/interop/common/harness.py.

Usage: bench/cluster_bench.py [--node PATH] [--quick] [--only latency,cpu,join] [...]
       (--help lists every count and duration)
"""

import argparse
import collections
import datetime
import gzip
import json
import math
import os
import platform
import re
import resource
import select
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.client import HTTPConnection, HTTPException

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "test", "interop", "common"))
from harness import Aborted, free_port, http, log, metric_sum, parse_prometheus, run_main  # noqa: E402

# Shared with the single-node benchmarks (issue 9).
from benchlib import BenchError, cpu_model, loadavg, mem_total_gib, now_ms, self_cpu_s  # noqa: E402

PHASES = ["latency", "cpu", "join"]
CLK_TCK = os.sysconf("SC_CLK_TCK")

# Every node: loopback only, quick retries of a peer that is down (the join phase starts A before
# B), a short start-up sync bound unless a phase says otherwise.
COMMON_ARGS = ["--server.address=127.0.0.1", "--eureka.cluster.bind-address=127.0.0.1",
               "--eureka.cluster.advertised-host=127.0.0.1",
               "--eureka.cluster.retry-min-ms=200", "--eureka.cluster.retry-max-ms=1000"]
SHORT_DELTA = ["--eureka.server.retention-time-in-m-s-in-delta-queue=2000",
               "--eureka.server.delta-retention-timer-interval-in-ms=500"]


def pct(sorted_vals, p):
    """Nearest-rank percentile of an ascending list."""
    if not sorted_vals:
        return float("nan")
    k = max(0, min(len(sorted_vals) - 1, math.ceil(p * len(sorted_vals) / 100.0) - 1))
    return sorted_vals[k]


def table(headers, rows):
    """A Markdown table (so the output can be pasted into docs/performance.md)."""
    cells = [[str(c) for c in r] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    out = ["| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths)) + " |",
           "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    for r in cells:
        out.append("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |")
    return "\n".join(out)


# ----------------------------------------------------------------------------------------------
# machine


def proc_cpu_s(pid):
    """utime + stime of process `pid` (all its threads) in seconds."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / float(CLK_TCK)


def machine_busy_s():
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    with open("/proc/stat") as f:
        vals = [int(x) for x in f.readline().split()[1:]]
    idle = vals[3] + (vals[4] if len(vals) > 4 else 0)
    total = sum(vals[:8])
    return (total - idle) / float(CLK_TCK), total / float(CLK_TCK)


# ----------------------------------------------------------------------------------------------
# requests


def instance_body(app, iid, ldt, renewal=30, duration=90):
    """An InstanceInfo as the Netflix eureka-client sends it (JSON)."""
    inst = {
        "instanceId": iid, "hostName": "host-" + iid, "app": app, "ipAddr": "10.0.0.1",
        "status": "UP", "overriddenStatus": "UNKNOWN",
        "port": {"$": 8080, "@enabled": "true"}, "securePort": {"$": 8443, "@enabled": "false"},
        "countryId": 1,
        "dataCenterInfo": {"@class": "com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo",
                           "name": "MyOwn"},
        "leaseInfo": {"renewalIntervalInSecs": renewal, "durationInSecs": duration},
        "metadata": {"@class": "java.util.Collections$EmptyMap"},
        "homePageUrl": "http://host-%s:8080/" % iid, "statusPageUrl": "http://host-%s:8080/info" % iid,
        "healthCheckUrl": "http://host-%s:8080/health" % iid,
        "vipAddress": app.lower(), "secureVipAddress": app.lower(),
        "isCoordinatingDiscoveryServer": "false",
        "lastUpdatedTimestamp": str(ldt), "lastDirtyTimestamp": str(ldt),
    }
    return json.dumps({"instance": inst}).encode()


def register_request(port, app, iid, ldt):
    body = instance_body(app, iid, ldt)
    return (b"POST /eureka/apps/%s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nAccept: application/json\r\n"
            b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n"
            % (app.encode(), port, len(body))) + body


def heartbeat_request(port, app, iid, ldt):
    return (b"PUT /eureka/apps/%s/%s?status=UP&lastDirtyTimestamp=%d HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
            b"Accept: application/json\r\nContent-Length: 0\r\n\r\n" % (app.encode(), iid.encode(), ldt, port))


class Pipe:
    """One keep-alive connection with pipelined requests (prebuilt bytes) and a minimal response
    parser (Content-Length framing, which is all the node uses): the load generator must cost far
    less CPU than the nodes it loads."""

    def __init__(self, port, timeout=30.0):
        self.port = port
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        self.inflight = 0
        self.codes = collections.Counter()

    def send(self, reqs):
        if reqs:
            self.sock.sendall(b"".join(reqs))
            self.inflight += len(reqs)

    def _parse(self):
        buf, pos = self.buf, 0
        while True:
            end = buf.find(b"\r\n\r\n", pos)
            if end < 0:
                break
            head = buf[pos:end].lower()
            clen = 0
            i = head.find(b"\r\ncontent-length:")
            if i >= 0:
                j = head.find(b"\r\n", i + 2)
                clen = int(head[i + 17:j if j >= 0 else len(head)])
            elif b"\r\ntransfer-encoding:" in head:
                raise BenchError("chunked response on port %d: %r" % (self.port, head[:200]))
            if end + 4 + clen > len(buf):
                break
            self.codes[int(head[9:12])] += 1
            self.inflight -= 1
            pos = end + 4 + clen
        self.buf = buf[pos:]

    def recv(self, timeout):
        """Reads what arrives within `timeout` seconds (0: what is there); returns whether
        anything came."""
        r, _, _ = select.select([self.sock], [], [], timeout)
        if not r:
            return False
        data = self.sock.recv(1 << 18)
        if not data:
            raise BenchError("node on port %d closed a pipelined connection (%d requests unanswered)"
                             % (self.port, self.inflight))
        self.buf += data
        self._parse()
        return True

    def drain(self, timeout=60.0):
        deadline = time.monotonic() + timeout
        while self.inflight > 0:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BenchError("%d requests unanswered on port %d after %.0fs"
                                 % (self.inflight, self.port, timeout))
            self.recv(min(left, 1.0))

    def run(self, reqs, window=64):
        """Sends every request of `reqs` with at most `window` unanswered; waits for the last."""
        i = 0
        while i < len(reqs):
            room = window - self.inflight
            if room > 0:
                self.send(reqs[i:i + room])
                i += room
            self.recv(1.0)
        self.drain()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def run_parallel(jobs, timeout):
    """Runs each fn of `jobs` in its own thread; re-raises the first error."""
    errors = []

    def wrap(fn):
        try:
            fn()
        except BaseException as e:  # noqa: B902 (reported to the caller)
            errors.append(e)

    threads = [threading.Thread(target=wrap, args=(fn,), daemon=True) for fn in jobs]
    for t in threads:
        t.start()
    deadline = time.monotonic() + timeout
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    if errors:
        raise errors[0]
    if any(t.is_alive() for t in threads):
        raise BenchError("workers still running after %.0fs" % timeout)


def register_all(plan, connections, window=64, timeout=1800.0):
    """plan: {port: [request bytes]}; `connections` pipelined connections per port, each its own
    thread. Returns (seconds, Counter of status codes)."""
    codes = collections.Counter()
    lock = threading.Lock()

    def job(port, reqs):
        def fn():
            p = Pipe(port)
            try:
                p.run(reqs, window)
            finally:
                p.close()
            with lock:
                codes.update(p.codes)
        return fn

    jobs = [job(port, reqs[k::connections]) for port, reqs in plan.items() for k in range(connections)]
    t0 = time.monotonic()
    run_parallel(jobs, timeout)
    return time.monotonic() - t0, codes


class Conn:
    """One keep-alive HTTP/1.1 connection (http.client); request() returns (status, bytes)."""

    def __init__(self, port, timeout=10.0):
        self.port = port
        self.timeout = timeout
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        hdrs = {"Accept": "application/json"}
        hdrs.update(headers or {})
        if body is not None:
            hdrs["Content-Type"] = "application/json"
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
                self.conn.connect()
                self.conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            try:
                self.conn.request(method, path, body=body, headers=hdrs)
                r = self.conn.getresponse()
                return r.status, r.read()
            except (HTTPException, OSError) as e:
                self.close()
                if attempt == 1:
                    raise BenchError("%s %s on port %d: %s" % (method, path, self.port, e))
        raise BenchError("unreachable")

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


# ----------------------------------------------------------------------------------------------
# nodes


try:
    import ctypes
    _PRCTL = ctypes.CDLL(None, use_errno=True).prctl  # resolved before any fork
except (ImportError, OSError, AttributeError):
    _PRCTL = None


def _die_with_parent():
    """preexec_fn: SIGKILL the node if this script is killed (Linux PR_SET_PDEATHSIG)."""
    if _PRCTL is not None:
        _PRCTL(1, int(signal.SIGKILL), 0, 0, 0)


class Proc:
    """A node process in its own process group, stdout and stderr straight to `log_path`."""

    def __init__(self, name, argv, log_path):
        self.name = name
        self.log_path = log_path
        log("starting %s: %s" % (name, " ".join(shlex.quote(x) for x in argv)))
        with open(log_path, "wb") as out:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True, preexec_fn=_die_with_parent)

    def alive(self):
        return self.proc.poll() is None

    def kill(self, grace=3.0):
        """SIGTERM the group, SIGKILL it after `grace` seconds."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                log("%s did not stop in %.0fs: SIGKILL" % (self.name, grace))
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            pass

    def grep(self, *words, limit=10):
        """The first `limit` lines of the log containing every word of `words`."""
        out = []
        with open(self.log_path, "r", encoding="utf-8", errors="replace") as f:
            for line in f:
                if all(w in line for w in words):
                    out.append(line.rstrip("\n"))
                    if len(out) >= limit:
                        break
        return out

    def tail(self, n):
        with open(self.log_path, "r", encoding="utf-8", errors="replace") as f:
            return [line.rstrip("\n") for line in collections.deque(f, n)]


class Node:
    def __init__(self, bench, name, args):
        self.bench = bench
        self.name = name
        self.port = free_port()
        self.cluster_port = free_port()
        while self.cluster_port == self.port:
            self.cluster_port = free_port()
        self.args = args
        self.child = None

    @property
    def root(self):
        return "http://127.0.0.1:%d" % self.port

    @property
    def url(self):
        return self.root + "/eureka/"

    @property
    def pid(self):
        return self.child.proc.pid

    def start(self, label=None):
        argv = [self.bench.args.node, "--server.port=%d" % self.port,
                "--eureka.cluster.port=%d" % self.cluster_port] + COMMON_ARGS + self.args
        label = label or self.name
        self.child = Proc(label, argv, os.path.join(self.bench.phase_dir, label + ".log"))
        self.bench.children.append(self.child)
        return self.child

    def check_alive(self, what):
        if not self.child.alive():
            raise BenchError("%s exited (code %s) %s; last lines:\n  %s" % (
                self.name, self.child.proc.returncode, what, "\n  ".join(self.child.tail(15))))

    def wait(self, what, predicate, timeout, interval=0.02):
        deadline = time.monotonic() + timeout
        while True:
            v = predicate()
            if v:
                return v
            self.check_alive("while waiting for " + what)
            if time.monotonic() >= deadline:
                raise BenchError("%s: no %s within %.0fs" % (self.name, what, timeout))
            time.sleep(interval)

    def serving(self):
        return http("GET", self.root + "/eureka/status", timeout=2.0)[0] == 200

    def ready(self):
        return http("GET", self.root + "/ready", timeout=2.0)[0] == 200

    def metrics(self):
        code, text = http("GET", self.root + "/metrics", timeout=10.0)
        if code != 200:
            raise BenchError("%s: GET /metrics answered %s" % (self.name, code))
        return parse_prometheus(text)

    def registry_summary(self, timeout=120.0):
        """(apps__hashcode, instance count) of the full registry (GET apps, JSON, gzip): counted
        on the bytes, no JSON parse, so 100,000 instances cost little to check."""
        c = Conn(self.port, timeout=timeout)
        try:
            code, body = c.request("GET", "/eureka/apps", headers={"Accept-Encoding": "gzip"})
        finally:
            c.close()
        if code != 200:
            raise BenchError("%s: GET apps answered %s" % (self.name, code))
        if body[:2] == b"\x1f\x8b":
            body = gzip.decompress(body)
        m = re.search(rb'"apps__hashcode":"([^"]*)"', body)
        return (m.group(1).decode() if m else None), body.count(b'"instanceId":')


class Bench:
    def __init__(self, args):
        self.args = args
        self.children = []
        self.phase_dir = args.workdir
        self.results = {}  # phase -> printable text
        self.notes = []

    def note(self, text):
        log("NOTE: " + text)
        self.notes.append(text)

    def start_nodes(self, names, clustered, extra=(), zone_names=None):
        nodes = [Node(self, n, list(extra)) for n in names]
        if clustered:
            listed = [n for n in nodes if zone_names is None or n.name in zone_names]
            zone = ",".join(n.url for n in listed)
            for n in nodes:
                n.args = ["--eureka.client.service-url.default-zone=" + zone] + n.args
        for n in nodes:
            n.start()
        for n in nodes:
            n.wait("HTTP answer", n.serving, 30)
        return nodes

    def stop(self, nodes):
        for n in nodes:
            if n.child is not None:
                n.child.kill()

    def enter(self, phase):
        self.phase_dir = os.path.join(self.args.workdir, phase)
        os.makedirs(self.phase_dir, exist_ok=True)

    # -- 1. replication latency ----------------------------------------------------------------

    def latency(self):
        a = self.args
        self.enter("latency")
        nodes = self.start_nodes(["A", "B", "C"], True, SHORT_DELTA + [
            "--eureka.server.wait-time-in-ms-when-sync-empty=5000"])
        try:
            na, _, nc = nodes
            for n in nodes:
                n.wait("GET /ready 200", n.ready, 30)
            post, poll = Conn(na.port), Conn(nc.port)
            app = "BENCH-LATENCY"
            lat, lat_at, post_rt, polls, poll_times, lost = [], [], [], 0, [], []
            tag = "%x" % (now_ms() & 0xffffff)
            t_start = time.monotonic()
            for k in range(a.latency_count):
                iid = "lat-%s-%06d" % (tag, k)
                marker = b'"instanceId":"' + iid.encode() + b'"'
                body = instance_body(app, iid, now_ms())
                t0 = time.monotonic()
                code, text = post.request("POST", "/eureka/apps/" + app, body)
                t1 = time.monotonic()
                if code != 204:
                    raise BenchError("register %s on A: %s %s" % (iid, code, text[:200]))
                post_rt.append(t1 - t0)
                deadline = t1 + a.latency_timeout
                while True:
                    p0 = time.monotonic()
                    code, text = poll.request("GET", "/eureka/apps/delta")
                    p1 = time.monotonic()
                    polls += 1
                    poll_times.append(p1 - p0)
                    if code != 200:
                        raise BenchError("GET apps/delta on C: %s %s" % (code, text[:200]))
                    if marker in text:
                        lat.append(p1 - t1)
                        lat_at.append((p1 - t1, k, time.strftime("%H:%M:%S")))
                        break
                    if p1 >= deadline:
                        lost.append(iid)
                        break
                if a.latency_gap_ms > 0:
                    time.sleep(a.latency_gap_ms / 1000.0)
            total_s = time.monotonic() - t_start
            post.close()
            poll.close()
            # Every registration must also be held in full by B and C.
            held = {}
            for n in nodes:
                code, text = http("GET", "%s/eureka/apps/%s" % (n.root, app),
                                  headers={"Accept": "application/json"}, timeout=30)
                held[n.name] = text.count('"instanceId":') if code == 200 else 0
            metrics_a = nodes[0].metrics()
            batches = metric_sum(metrics_a, "eureka_replication_batches_sent_total") or 0
            items = metric_sum(metrics_a, "eureka_replication_items_sent_total") or 0
        finally:
            self.stop(nodes)
        ms = sorted(x * 1000 for x in lat)
        pt = sorted(x * 1000 for x in poll_times)
        rt = sorted(x * 1000 for x in post_rt)
        if lost:
            self.note("latency: %d registration(s) never listed in C's delta within %.1fs: %s"
                      % (len(lost), a.latency_timeout, ", ".join(lost[:5])))
        for name, count in held.items():
            if count != a.latency_count:
                self.note("latency: %s holds %d of the %d registrations afterwards"
                          % (name, count, a.latency_count))
        over = [x for x in ms if x > 20.0]
        rows = [["registrations (sequential)", "%d in %.1f s (%d ms pause after each)"
                 % (a.latency_count, total_s, a.latency_gap_ms)],
                ["POST answered on A -> listed in C's apps/delta: p50", "%.2f ms" % pct(ms, 50)],
                ["p90", "%.2f ms" % pct(ms, 90)],
                ["p99", "%.2f ms" % pct(ms, 99)],
                ["max", "%.2f ms" % (ms[-1] if ms else float("nan"))],
                ["over 20 ms", "%d of %d" % (len(over), len(ms))],
                ["slowest 5 (ms, registration #, time)", "; ".join(
                    "%.1f #%d %s" % (x * 1000, k, when) for x, k, when in sorted(lat_at, reverse=True)[:5])],
                ["not listed within %.0f s" % a.latency_timeout, str(len(lost))],
                ["held afterwards by A / B / C (GET apps/%s)" % app,
                 " / ".join(str(held[n]) for n in ("A", "B", "C"))],
                ["POST round trip on A: p50 / p99", "%.2f / %.2f ms" % (pct(rt, 50), pct(rt, 99))],
                ["poll cycle on C (resolution): p50 / p99", "%.2f / %.2f ms (%d polls)"
                 % (pct(pt, 50), pct(pt, 99), polls)],
                ["A's batches / items sent to its 2 peers", "%d / %d" % (batches, items)]]
        self.results["latency"] = ("### 1. Replication latency (3 nodes)\n\n"
                                   + table(["figure", "value"], rows))
        log("latency: p50 %.2f ms, p99 %.2f ms, max %.2f ms" % (pct(ms, 50), pct(ms, 99), ms[-1] if ms else 0))

    # -- 2. replication's share of CPU ----------------------------------------------------------

    def cpu_run(self, clustered):
        a = self.args
        label = "clustered" if clustered else "standalone"
        self.enter("cpu-" + label)
        nodes = self.start_nodes(["A", "B", "C"], clustered, [
            "--eureka.server.wait-time-in-ms-when-sync-empty=5000",
            "--eureka.server.max-instances=%d" % max(100000, 3 * a.cpu_instances + 1000)])
        out = {"label": label, "windows": []}
        try:
            for n in nodes:
                n.wait("GET /ready 200", n.ready, 30)
            ldt = now_ms()
            # instance k of node i: app CPU-(k % apps), id cpu-<node>-<k>; heartbeats go to node i
            insts = {n.name: [("CPU-%03d" % (k % a.cpu_apps), "cpu-%s-%06d" % (n.name.lower(), k))
                              for k in range(a.cpu_instances)] for n in nodes}
            plan = {n.port: [register_request(n.port, app, iid, ldt) for app, iid in insts[n.name]]
                    for n in nodes}
            reg_s, codes = register_all(plan, a.connections)
            total = 3 * a.cpu_instances
            log("%s: registered %d instances in %.1f s (%.0f/s): %s"
                % (label, total, reg_s, total / reg_s, dict(codes)))
            if set(codes) != {204}:
                raise BenchError("%s: registrations answered %s" % (label, dict(codes)))
            out["registration"] = (total, reg_s)
            want = total if clustered else a.cpu_instances
            # Every node holds what it should (clustered: all instances, one apps__hashcode). A
            # node applies the replicated burst a little after its senders saw their POSTs
            # answered: how long that takes is reported.
            t0 = time.monotonic()
            deadline = t0 + 120
            while True:
                sums = {n.name: n.registry_summary() for n in nodes}
                if all(v[1] == want for v in sums.values()) and (
                        not clustered or len({v[0] for v in sums.values()}) == 1):
                    break
                if time.monotonic() > deadline:
                    self.note("cpu %s: 120 s after the registrations the nodes hold %s, expected %d each"
                              % (label, sums, want))
                    break
                time.sleep(0.1)
            out["converged_s"] = time.monotonic() - t0
            out["held"] = sums
            hb = {n.name: [heartbeat_request(n.port, app, iid, ldt) for app, iid in insts[n.name]]
                  for n in nodes}
            for factor in a.cpu_rates:
                out["windows"].append(self.cpu_window(nodes, hb, factor, clustered))
        finally:
            self.stop(nodes)
        return out

    def cpu_window(self, nodes, hb, factor, clustered):
        """Heartbeats at `factor` x the realistic rate to every node; CPU over the window."""
        a = self.args
        rate = a.cpu_instances / float(a.renewal_interval) * factor  # per node
        stop = threading.Event()
        sent = {n.name: 0 for n in nodes}
        codes = {n.name: collections.Counter() for n in nodes}
        behind = {n.name: 0 for n in nodes}
        errors = []

        def beat(n):
            reqs = hb[n.name]
            p = Pipe(n.port)
            codes[n.name] = p.codes  # read at the window's start and end
            try:
                t0 = time.monotonic()
                i = 0
                while not stop.is_set():
                    due = int((time.monotonic() - t0) * rate) - i
                    room = 512 - p.inflight
                    if due > room:
                        behind[n.name] = max(behind[n.name], due - room)
                    k = min(due, room)
                    if k > 0:
                        batch = [reqs[(i + j) % len(reqs)] for j in range(k)]
                        p.send(batch)
                        i += k
                    p.recv(0.005)
                    while p.recv(0):
                        pass
                p.drain(30)
                sent[n.name] = i
            except BaseException as e:  # noqa: B902
                errors.append(e)
            finally:
                p.close()

        threads = [threading.Thread(target=beat, args=(n,), daemon=True) for n in nodes]
        for t in threads:
            t.start()
        try:
            time.sleep(a.cpu_warmup)
            m0 = {n.name: n.metrics() for n in nodes}
            c0 = {n.name: proc_cpu_s(n.pid) for n in nodes}
            s0, b0, w0 = self_cpu_s(), machine_busy_s(), time.monotonic()
            codes0 = {n.name: sum(codes[n.name].values()) for n in nodes}
            time.sleep(a.cpu_window)
            c1 = {n.name: proc_cpu_s(n.pid) for n in nodes}
            s1, b1, w1 = self_cpu_s(), machine_busy_s(), time.monotonic()
            answered_in_window = {n.name: sum(codes[n.name].values()) - codes0[n.name] for n in nodes}
            m1 = {n.name: n.metrics() for n in nodes}
            load = loadavg()
        finally:
            stop.set()
            for t in threads:
                t.join(40)
        if errors:
            raise errors[0]
        win = w1 - w0
        res = {"factor": factor, "rate": rate, "window": win, "load": load, "nodes": {}}
        for n in nodes:
            def delta(name, n=n):
                return (metric_sum(m1[n.name], name) or 0) - (metric_sum(m0[n.name], name) or 0)
            answered = sum(codes[n.name].values())
            res["nodes"][n.name] = {
                "cpu": c1[n.name] - c0[n.name],
                "answered": answered, "codes": dict(codes[n.name]), "sent": sent[n.name],
                "answered_in_window": answered_in_window[n.name],
                "behind": behind[n.name],
                "items": delta("eureka_replication_items_sent_total"),
                "batches": delta("eureka_replication_batches_sent_total"),
                "coalesced": delta("eureka_replication_heartbeats_coalesced_total"),
                "failures": delta("eureka_replication_failures_total"),
                "overflows": delta("eureka_replication_overflows_total"),
            }
            if set(codes[n.name]) - {200}:
                self.note("cpu %s x%g: heartbeats to %s answered %s" % (
                    "clustered" if clustered else "standalone", factor, n.name, dict(codes[n.name])))
        node_cpu = sum(r["cpu"] for r in res["nodes"].values())
        res["self_cpu"] = s1 - s0
        busy_total = (b1[0] - b0[0])
        res["machine_busy"] = busy_total
        res["other_cpu"] = busy_total - node_cpu - (s1 - s0)
        log("cpu %s x%g: node CPU %s s over %.1f s; bench %.1f s; rest of the machine %.1f s" % (
            "clustered" if clustered else "standalone", factor,
            "/".join("%.2f" % r["cpu"] for r in res["nodes"].values()), win, s1 - s0, res["other_cpu"]))
        return res

    def cpu(self):
        a = self.args
        runs = [self.cpu_run(True), self.cpu_run(False)]
        clustered, standalone = runs
        rows = []
        for wi, factor in enumerate(a.cpu_rates):
            wc, ws = clustered["windows"][wi], standalone["windows"][wi]
            for name in ("A", "B", "C"):
                cc, cs = wc["nodes"][name]["cpu"], ws["nodes"][name]["cpu"]
                rows.append(["x%g (%.0f/s per node)" % (factor, wc["rate"]), name,
                             "%.2f s (%.1f %%)" % (cc, 100 * cc / wc["window"]),
                             "%.2f s (%.1f %%)" % (cs, 100 * cs / ws["window"]),
                             "%.0f %%" % (100 * (cc - cs) / cc) if cc > 0 else "n/a"])
            tc = sum(r["cpu"] for r in wc["nodes"].values())
            ts = sum(r["cpu"] for r in ws["nodes"].values())
            rows.append(["x%g" % factor, "all three",
                         "%.2f s (%.1f %%)" % (tc, 100 * tc / wc["window"]),
                         "%.2f s (%.1f %%)" % (ts, 100 * ts / ws["window"]),
                         "%.0f %%" % (100 * (tc - ts) / tc) if tc > 0 else "n/a"])
        cpu_table = table(["heartbeat rate", "node", "clustered: CPU over window (% of one core)",
                           "standalone: CPU (% of one core)", "replication's share"], rows)
        rep_rows = []
        for wi, factor in enumerate(a.cpu_rates):
            wc = clustered["windows"][wi]
            for name in ("A", "B", "C"):
                r = wc["nodes"][name]
                rep_rows.append(["x%g" % factor, name,
                                 "%.0f (%.0f/s)" % (r["answered_in_window"], r["answered_in_window"] / wc["window"]),
                                 "%d" % r["batches"], "%d" % r["items"], "%d" % r["coalesced"],
                                 "%d / %d" % (r["failures"], r["overflows"])])
        rep_table = table(["rate", "node", "heartbeats answered in window", "batches sent (to 2 peers)",
                           "items sent", "heartbeats coalesced", "failures / overflows"], rep_rows)
        env_rows = []
        for run in runs:
            total, reg_s = run["registration"]
            held = ", ".join("%s %d" % (k, v[1]) for k, v in sorted(run["held"].items()))
            hashes = len({v[0] for v in run["held"].values()})
            env_rows.append([run["label"], "%d in %.1f s (%.0f/s)%s" % (
                total, reg_s, total / reg_s,
                "; every node held %s within %.1f s" % (
                    "all %d" % total if run["label"] == "clustered" else "its %d" % (total // 3),
                    run["converged_s"])),
                held + (" (one apps__hashcode)" if hashes == 1 else " (%d distinct apps__hashcode)" % hashes)])
            for w in run["windows"]:
                env_rows.append([run["label"] + " x%g" % w["factor"],
                                 "window %.1f s: bench %.2f s CPU, rest of machine %.2f s CPU"
                                 % (w["window"], w["self_cpu"], w["other_cpu"]),
                                 "loadavg %s; generator max backlog %s" % (
                                     w["load"], "/".join(str(r["behind"]) for r in w["nodes"].values()))])
        env_table = table(["run", "registration / window", "held / load"], env_rows)
        self.results["cpu"] = (
            "### 2. Replication's share of CPU (3 nodes x %d instances, %d applications per node; "
            "heartbeats to each instance's home node; %.0f s window after %.0f s warm-up)\n\n"
            % (a.cpu_instances, a.cpu_apps, a.cpu_window, a.cpu_warmup)
            + cpu_table + "\n\nReplication counters of each clustered node over the window "
            "(sum over its 2 peers):\n\n" + rep_table + "\n\n" + env_table)

    # -- 3. join time ---------------------------------------------------------------------------

    def join(self):
        a = self.args
        self.enter("join")
        cap = ["--eureka.server.max-instances=%d" % max(100000, a.join_instances + 1000)]
        na, nb = Node(self, "A", []), Node(self, "B", [])
        zone = "--eureka.client.service-url.default-zone=" + ",".join((na.url, nb.url))
        # A reports ready after 1 s without B; B waits (at most --join-timeout) for its sync.
        # --join-isolated: A lists only itself, so it neither queues for B nor catches B up.
        zone_a = "--eureka.client.service-url.default-zone=" + na.url if a.join_isolated else zone
        na.args = [zone_a, "--eureka.server.wait-time-in-ms-when-sync-empty=1000"] + cap
        nb.args = [zone, "--eureka.server.wait-time-in-ms-when-sync-empty=%d" % (a.join_timeout * 1000)] + cap
        nodes = [na, nb]
        out = {}
        try:
            na.start()
            na.wait("GET /ready 200", na.ready, 30)
            ldt = now_ms()
            reqs = [register_request(na.port, "JOIN-%04d" % (k % a.join_apps), "join-%07d" % k, ldt)
                    for k in range(a.join_instances)]
            reg_s, codes = register_all({na.port: reqs}, a.connections)
            del reqs
            log("join: registered %d instances on A in %.1f s (%.0f/s): %s"
                % (a.join_instances, reg_s, a.join_instances / reg_s, dict(codes)))
            if set(codes) != {204}:
                raise BenchError("join: registrations answered %s" % dict(codes))
            out["registration"] = reg_s
            hash_a, count_a = na.registry_summary()
            if count_a != a.join_instances:
                self.note("join: A holds %d instances after %d registrations" % (count_a, a.join_instances))
            m = na.metrics()
            out["a_before"] = {k: metric_sum(m, k) or 0 for k in (
                "eureka_replication_queue_bytes", "eureka_replication_overflows_total")}
            cpu_a0 = proc_cpu_s(na.pid)
            t0 = time.monotonic()
            nb.start()
            nb.wait("HTTP answer", nb.serving, 60, interval=0.01)
            out["serving"] = time.monotonic() - t0
            nb.wait("GET /ready 200", nb.ready, a.join_timeout + 30, interval=0.01)
            out["ready"] = time.monotonic() - t0
            _, ready_text = http("GET", nb.root + "/ready", timeout=5)
            out["ready_text"] = ready_text.strip().replace("\n", " ")
            cpu_b_ready = proc_cpu_s(nb.pid)
            cpu_a_ready = proc_cpu_s(na.pid) - cpu_a0
            # Complete: B's full registry equals A's (count and apps__hashcode). The fetch of
            # 100,000 instances itself takes a while: both its start and its end are reported.
            fetches = []
            deadline = time.monotonic() + a.join_timeout
            while True:
                f0 = time.monotonic() - t0
                hash_b, count_b = nb.registry_summary(timeout=max(30, a.join_timeout))
                f1 = time.monotonic() - t0
                fetches.append((f0, f1, count_b, hash_b))
                if count_b == count_a and hash_b == hash_a:
                    break
                nb.check_alive("while comparing registries")
                if time.monotonic() > deadline:
                    self.note("join: B never held A's registry: %d instances (%s) vs A's %d (%s)"
                              % (count_b, hash_b, count_a, hash_a))
                    break
                time.sleep(0.1)
            out["fetches"] = fetches
            out["cpu_b"] = cpu_b_ready
            out["cpu_a"] = cpu_a_ready
            mb = nb.metrics()
            out["synced"] = metric_sum(mb, "eureka_cluster_synced_instances")
            ma = na.metrics()
            out["a_after"] = {k: metric_sum(ma, k) or 0 for k in (
                "eureka_replication_catch_ups_total", "eureka_replication_items_sent_total",
                "eureka_replication_overflows_total", "eureka_replication_failures_total")}
            out["count"] = (count_a, hash_a)
            out["rss_b_kib"] = self.rss_kib(nb.pid)
            out["logs_b"] = nb.child.grep("[cluster]", limit=8)
            out["logs_a"] = [line for line in na.child.grep("[cluster]", limit=40) if "peer" in line][:8]
            out["rss_a_kib"] = self.rss_kib(na.pid)
            out["registered_lines_b"] = len(nb.child.grep("registered JOIN-", limit=10 ** 7))
        finally:
            self.stop(nodes)
        f0, f1, count_b, hash_b = out["fetches"][-1]
        rows = [["instances registered on A (%d applications)" % a.join_apps,
                 "%d in %.1f s (%.0f/s, %d pipelined connections)"
                 % (a.join_instances, out["registration"], a.join_instances / out["registration"], a.connections)],
                ["A's queue for B (B down) before B starts", "%d bytes; %d overflow(s)" % (
                    out["a_before"]["eureka_replication_queue_bytes"],
                    out["a_before"]["eureka_replication_overflows_total"])],
                ["B started -> B answers HTTP", "%.2f s" % out["serving"]],
                ["B started -> B's GET /ready 200", "**%.2f s**" % out["ready"]],
                ["B's /ready text", out["ready_text"]],
                ["B's full registry equals A's (%d instances, apps__hashcode %s)" % (count_b, hash_b),
                 "fetch started %.2f s, answered %.2f s after B's start (%d fetch(es))"
                 % (f0, f1, len(out["fetches"]))],
                ["CPU until ready: B / A", "%.2f s / %.2f s" % (out["cpu_b"], out["cpu_a"])],
                ["RSS afterwards: B / A", "%.0f MiB / %.0f MiB" % (out["rss_b_kib"] / 1024.0,
                                                                  out["rss_a_kib"] / 1024.0)],
                ["registrations B applied (its log's `registered` lines)", "%d" % out["registered_lines_b"]],
                ["A afterwards: catch-ups / items sent to B / failures", "%d / %d / %d" % (
                    out["a_after"]["eureka_replication_catch_ups_total"],
                    out["a_after"]["eureka_replication_items_sent_total"],
                    out["a_after"]["eureka_replication_failures_total"])]]
        title = "### 3. Join time (B joins A holding %d instances; A's default-zone lists %s)" % (
            a.join_instances, "only A" if a.join_isolated else "A and B")
        self.results["join"] = "\n\n".join([
            title, table(["figure", "value"], rows),
            "B's log ([cluster] lines):", "\n".join("    " + line for line in out["logs_b"]),
            "A's log about peers:", "\n".join("    " + line for line in out["logs_a"])])

    @staticmethod
    def rss_kib(pid):
        try:
            with open("/proc/%d/status" % pid) as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except OSError:
            pass
        return 0

    # -- driver ---------------------------------------------------------------------------------

    def run(self):
        failed = []
        try:
            for phase in self.args.only:
                t0 = time.monotonic()
                log("=== phase %s ===" % phase)
                try:
                    getattr(self, phase)()
                except BenchError as e:
                    failed.append(phase)
                    self.results[phase] = "### %s: FAILED\n\n    %s" % (phase, str(e).replace("\n", "\n    "))
                    log("phase %s FAILED: %s" % (phase, e))
                log("=== phase %s took %.0f s ===" % (phase, time.monotonic() - t0))
        except Aborted as e:
            log("aborted: %s" % e)
            failed.append("aborted (%s)" % e)
        finally:
            for c in self.children:
                c.kill(grace=3.0)
        print()
        print("=" * 100)
        print(self.header)
        for phase in self.args.only:
            if phase in self.results:
                print()
                print(self.results[phase])
        if self.notes:
            print()
            print("Notes:")
            for n in self.notes:
                print("- " + n)
        print()
        print("logs of every node: %s" % self.args.workdir)
        sys.stdout.flush()
        return 1 if failed else 0


def default_node():
    for rel in ("build/release/apps/caf-eureka-node", "build/h-bench/apps/caf-eureka-node"):
        path = os.path.join(REPO, rel)
        if os.access(path, os.X_OK):
            return path
    return None


def node_has_cluster(path):
    import subprocess
    try:
        out = subprocess.run([path, "--help"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             timeout=10).stdout.decode("utf-8", "replace")
    except (OSError, subprocess.SubprocessError):
        return False
    return "eureka.cluster.port" in out and "delta-retention-timer-interval-in-ms" in out


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Shows a default only where there is one (the others say theirs, full and --quick)."""

    def _get_help_string(self, action):
        if action.default in (None, False) or action.default == argparse.SUPPRESS:
            return action.help
        return super()._get_help_string(action)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=HelpFormatter)
    ap.add_argument("--node", help="caf-eureka-node binary (default: build/release/apps/caf-eureka-node, "
                                   "else build/h-bench/apps/caf-eureka-node)")
    ap.add_argument("--quick", action="store_true", help="small counts and windows: a smoke run under 60 s "
                                                         "(explicit count/duration flags still win)")
    ap.add_argument("--only", default=",".join(PHASES), help="phases to run, comma-separated")
    ap.add_argument("--workdir", help="node logs (default: a new temporary directory)")
    ap.add_argument("--latency-count", type=int, help="registrations timed [1000; quick 100]")
    ap.add_argument("--latency-gap-ms", type=int, default=10,
                    help="pause after each timed registration (keeps C's delta, hence each poll, small)")
    ap.add_argument("--latency-timeout", type=float, default=5.0,
                    help="seconds after which a registration not in C's delta counts as not listed")
    ap.add_argument("--cpu-instances", type=int, help="instances registered on each node [10000; quick 1000]")
    ap.add_argument("--cpu-apps", type=int, default=100, help="applications per node the instances spread over")
    ap.add_argument("--renewal-interval", type=float, default=30.0,
                    help="seconds between two heartbeats of one instance at the realistic rate")
    ap.add_argument("--cpu-rates", help="heartbeat rates as factors of the realistic one, 0: idle [0,1,10]")
    ap.add_argument("--cpu-warmup", type=float, help="seconds of heartbeats before each window [5; quick 1]")
    ap.add_argument("--cpu-window", type=float, help="seconds of each CPU window [30; quick 4]")
    ap.add_argument("--join-instances", type=int, help="instances on A before B joins [100000; quick 5000]")
    ap.add_argument("--join-isolated", action="store_true",
                    help="A's default-zone lists only A (B's lists both): A queues nothing for B and does "
                         "not catch it up, so the join is B's start-up sync alone")
    ap.add_argument("--join-apps", type=int, default=1000, help="applications they spread over")
    ap.add_argument("--join-timeout", type=int, default=600, help="seconds B may take to hold everything")
    ap.add_argument("--connections", type=int, default=2,
                    help="pipelined keep-alive connections (one thread each) per node for registrations")
    ap.add_argument("--overall-timeout", type=float, help="seconds before everything is killed [3600; quick 120]")
    args = ap.parse_args()

    def pick(value, full, quick):
        return value if value is not None else (quick if args.quick else full)

    args.latency_count = pick(args.latency_count, 1000, 100)
    args.cpu_instances = pick(args.cpu_instances, 10000, 1000)
    args.cpu_rates = [float(x) for x in pick(args.cpu_rates, "0,1,10", "0,1,10").split(",") if x.strip()]
    args.cpu_warmup = pick(args.cpu_warmup, 5.0, 1.0)
    args.cpu_window = pick(args.cpu_window, 30.0, 4.0)
    args.join_instances = pick(args.join_instances, 100000, 5000)
    args.overall_timeout = pick(args.overall_timeout, 3600.0, 120.0)
    args.only = [p.strip() for p in args.only.split(",") if p.strip()]
    bad = [p for p in args.only if p not in PHASES]
    if bad:
        ap.error("unknown phase(s) %s (known: %s)" % (bad, ", ".join(PHASES)))
    if args.node is None:
        args.node = default_node()
        if args.node and not node_has_cluster(args.node):
            alt = os.path.join(REPO, "build/h-bench/apps/caf-eureka-node")
            if os.access(alt, os.X_OK) and node_has_cluster(alt):
                sys.stderr.write("%s predates the cluster (no cluster keys in --help): using %s\n"
                                 % (args.node, alt))
                args.node = alt
    if not args.node or not os.access(args.node, os.X_OK):
        ap.error("no caf-eureka-node binary found: pass --node PATH")
    if not node_has_cluster(args.node):
        ap.error("%s has no cluster keys in --help (an old build?)" % args.node)
    args.node = os.path.abspath(args.node)
    args.workdir = args.workdir or tempfile.mkdtemp(prefix="caf-eureka-bench-")
    os.makedirs(args.workdir, exist_ok=True)

    try:
        import subprocess
        rev = subprocess.run(["git", "-C", REPO, "describe", "--always", "--dirty"], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, timeout=10).stdout.decode().strip()
    except Exception:
        rev = "?"
    bench = Bench(args)
    start_load = loadavg()
    bench.header = "\n".join([
        "## caf-eureka cluster benchmark, %s" % datetime.datetime.now(datetime.timezone.utc).strftime(
            "%Y-%m-%d %H:%M UTC"),
        "",
        "- command: `%s`" % " ".join(shlex.quote(x) for x in ["bench/cluster_bench.py"] + sys.argv[1:]),
        "- node: `%s` (tree %s)" % (os.path.relpath(args.node, REPO) if args.node.startswith(REPO)
                                    else args.node, rev),
        "- machine: %d CPUs (nproc), %s, %.0f GiB RAM, %s; load average at start %s"
        % (len(os.sched_getaffinity(0)), cpu_model(), mem_total_gib(), platform.platform(), start_load),
        "- the nodes, the load generator (this script) and anything else running share those CPUs",
    ])
    print(bench.header)
    sys.stdout.flush()
    return run_main(bench.run, args.overall_timeout)


if __name__ == "__main__":
    sys.exit(main())
