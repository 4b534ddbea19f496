#!/usr/bin/env python3
"""The node binary against clients that do not play along (issue 6), each step bounded in time:

  descriptor_budget            started with 128 file descriptors, the node lowers max-connections
                               to what it can open, says so, answers connections beyond it with
                               503 without spinning (it spun at 100 % CPU on EMFILE before), and
                               serves new clients afterwards
  slow_readers_bounded_memory  40 clients that never read, or read 1 KB/s, three full fetches of a
                               ~2 MB registry each: RSS grows by far less than one copy per client,
                               the slow ones are disconnected by the minimum send rate, and nothing
                               stays pinned afterwards
  shutdown_with_unread_output  SIGTERM while 20 clients hold unread answers: the node exits, with
                               code 0, within its shutdown grace period (plus start-up slack)

Usage: hostile_clients.py --node <caf-eureka-node> [--workdir DIR]
Python 3 standard library only; loopback only; every socket and child is cleaned up.
"""

import argparse
import os
import re
import signal
import socket
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "interop", "common"))
from harness import (Aborted, Child, StepFailed, StepRunner, check, free_port, http, log,  # noqa: E402
                     metric_sum, parse_prometheus, run_main, wait_for)

STEPS = ["descriptor_budget", "slow_readers_bounded_memory", "shutdown_with_unread_output"]
CLK_TCK = os.sysconf("SC_CLK_TCK")


def rss_bytes(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise StepFailed("no VmRSS for pid %d" % pid)


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime


def raw_get(path):
    return ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n\r\n" % path).encode()


def stalled_client(port):
    """A connection that asks for the full registry three times (pipelined) and reads nothing."""
    s = socket.create_connection(("127.0.0.1", port), timeout=5.0)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # a small window: unread data stays ours
    s.sendall(raw_get("/eureka/apps") * 3)
    return s


def closed_by_peer(sock, timeout):
    """True when the peer closes or resets within `timeout` (reads and drops any data)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sock.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            if not sock.recv(65536):
                return True
        except socket.timeout:
            return False
        except OSError:
            return True
    return False


class Scenario(StepRunner):
    def __init__(self, args):
        self.args = args
        self.children = []

    def start_node(self, name, extra, limit_fds=None):
        port = free_port()
        argv = [self.args.node, "--server.port=%d" % port, "--server.address=127.0.0.1",
                "--eureka.server.enable-self-preservation=false"] + extra
        if limit_fds is not None:
            # The shell sets the limit, then becomes the node (same pid).
            argv = ["sh", "-c", 'ulimit -n %d && exec "$0" "$@"' % limit_fds] + argv
        env = dict(os.environ)
        # ASan's quarantine keeps freed memory resident; RSS figures should show live memory.
        env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":quarantine_size_mb=8"
        child = Child(name, argv, os.path.join(self.args.workdir, name + ".log"), env=env)
        self.children.append(child)
        base = "http://127.0.0.1:%d" % port
        wait_for("%s to serve" % name, lambda: http("GET", base + "/eureka/apps")[0] == 200, 60,
                 watch=[(name, child)])
        return child, port, base

    def register_bulk(self, base, count, pad):
        meta = ",".join('"k%d":"%s"' % (i, "v" * pad) for i in range(10))
        for i in range(count):
            body = ('{"instance":{"instanceId":"bulk-%d","hostName":"h%d","app":"BULK","ipAddr":"10.0.%d.%d",'
                    '"status":"UP","port":{"$":8080,"@enabled":"true"},"dataCenterInfo":{"@class":'
                    '"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo","name":"MyOwn"},'
                    '"metadata":{%s}}}' % (i, i, i // 250, i % 250, meta))
            code, text = http("POST", base + "/eureka/apps/BULK", body)
            check(code == 204, "registration %d: %s %s" % (i, code, text[:100]))

    # -- steps ---------------------------------------------------------------------------------

    def descriptor_budget(self):
        node, port, base = self.start_node("node-fds", [], limit_fds=128)
        lines = wait_for("the max-connections log line",
                         lambda: [l for l in node.lines if "max-connections lowered" in l], 10)
        m = re.search(r"lowered from 4096 to (\d+)", lines[0])
        check(m is not None, "unexpected log line: %s" % lines[0])
        allowed = int(m.group(1))
        check(0 < allowed < 128, "max-connections %d with 128 descriptors" % allowed)
        socks = []
        try:
            for _ in range(allowed + 60):
                try:
                    socks.append(socket.create_connection(("127.0.0.1", port), timeout=2))
                except OSError:
                    break
            time.sleep(1.0)
            before = cpu_seconds(node.proc.pid)
            time.sleep(3.0)
            used = cpu_seconds(node.proc.pid) - before
            check(used < 1.5, "node used %.2fs CPU in 3s while out of connections (spinning?)" % used)
            check(node.alive(), "node died")
        finally:
            for s in socks:
                s.close()
        wait_for("a fresh client to be served", lambda: http("GET", base + "/eureka/apps")[0] == 200, 20,
                 watch=[("node", node)])
        check(any("max_connections" in l and "rejected" in l for l in node.lines),
              "no 'rejected ... max_connections' log line")
        node.kill()
        check(node.proc.returncode == 0, "exit code %s" % node.proc.returncode)
        return "max-connections %d of 4096 with 128 descriptors; %d connections held, %.2fs CPU in 3s" % (
            allowed, len(socks), used)

    def slow_readers_bounded_memory(self):
        node, port, base = self.start_node("node-slow", [
            "--eureka.gateway.min-send-rate-bytes-per-second=65536",
            "--eureka.gateway.send-rate-window-ms=2000"])
        self.register_bulk(base, 200, 900)
        code, text = http("GET", base + "/eureka/apps", headers={"Accept": "application/json"})
        check(code == 200, "full fetch: %s" % code)
        size = len(text)
        check(size > 1500000, "registry payload only %d bytes" % size)
        time.sleep(0.5)
        baseline = rss_bytes(node.proc.pid)
        stop = threading.Event()
        socks = []

        def trickle(sock):
            while not stop.is_set():
                try:
                    if not sock.recv(1024):
                        return
                except OSError:
                    return
                time.sleep(1.0)

        readers = []
        try:
            for i in range(40):
                s = stalled_client(port)
                socks.append(s)
                if i >= 30:
                    t = threading.Thread(target=trickle, args=(s,), daemon=True)
                    t.start()
                    readers.append(t)
            time.sleep(1.5)
            grown = rss_bytes(node.proc.pid) - baseline
            # One copy per client would be 40 x 2 MB and more; shared, it is a few MB.
            check(grown < 48 * 1024 * 1024,
                  "RSS grew by %.1f MB with 40 non-reading clients of a %.1f MB payload"
                  % (grown / 1e6, size / 1e6))
            # Nothing is read here until the node has cut all 40 (reading fast
            # now could rescue a stalled client).
            def slow_cut():
                samples = parse_prometheus(http("GET", base + "/metrics")[1])
                return metric_sum(samples, "eureka_http_timeouts_total", kind="slow_reader") or 0
            slow = wait_for("40 slow readers cut", lambda: slow_cut() >= 40 and slow_cut(), 30)
            stop.set()
            for t in readers:
                t.join(timeout=5)
            closed = sum(1 for s in socks if closed_by_peer(s, 5))
            check(closed == 40, "only %d of 40 stalled or slow clients were disconnected" % closed)
        finally:
            stop.set()
            for s in socks:
                s.close()
        wait_for("pinned output to be released", lambda: metric_sum(
            parse_prometheus(http("GET", base + "/metrics")[1]), "eureka_http_output_pinned_bytes") == 0, 20)
        code, text = http("GET", base + "/eureka/apps", headers={"Accept": "application/json"})
        check(code == 200 and len(text) == size, "node no longer serves the registry")
        node.kill()
        return "payload %.1f MB, RSS +%.1f MB for 40 stalled clients, %d slow readers cut" % (
            size / 1e6, grown / 1e6, slow)

    def shutdown_with_unread_output(self):
        node, port, base = self.start_node("node-stop", ["--eureka.gateway.shutdown-grace-ms=2000"])
        self.register_bulk(base, 200, 900)
        socks = []
        try:
            socks = [stalled_client(port) for _ in range(20)]
            time.sleep(1.0)
            t0 = time.monotonic()
            node.signal(signal.SIGTERM)
            code = node.wait(30)
            took = time.monotonic() - t0
            check(code is not None, "node still running 30s after SIGTERM")
            check(code == 0, "exit code %s" % code)
            check(took < 12, "exit took %.1fs (grace 2s)" % took)
            check(any("stopped" in l for l in node.lines), "no 'stopped' log line")
        finally:
            for s in socks:
                s.close()
        return "exited with 0 after %.1fs, 20 clients holding unread answers" % took

    def run(self):
        for step in STEPS:
            self.run_step(step, getattr(self, step))
        return 0 if not self.any_failed() else 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--node", required=True)
    ap.add_argument("--workdir", default=None)
    args = ap.parse_args()
    args.workdir = args.workdir or tempfile.mkdtemp(prefix="hostile-")
    scenario = Scenario(args)

    def go():
        try:
            return scenario.run()
        except Aborted as e:
            scenario.record_aborted(STEPS, e)
            return 1
        finally:
            if scenario.any_failed():
                scenario.print_tails(scenario.children, 40, 300)
            scenario.kill_all(scenario.children)
            scenario.summary()

    rc = run_main(go, 600)
    sys.exit(1 if rc else 0)


if __name__ == "__main__":
    main()
