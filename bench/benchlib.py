"""Shared plumbing of the single-node benchmarks (bench/heartbeat_bench.py, fetch_bench.py,
load_bench.py; issue 9). Python 3 standard library only; not a test.

  machine and processes   CPU model, load, utime+stime of a process tree, VmRSS/VmHWM, the
                          listening ports of a process (how a node started with --server.port=0
                          is found), child processes in their own process groups killed with the
                          benchmark (PR_SET_PDEATHSIG) and on every exit path
  servers                 a caf-eureka node on an ephemeral port; nginx (installed with apt-get
                          when missing, run by the benchmark from a temporary prefix as the
                          current user); the Spring Cloud Eureka reference server
  requests                an InstanceInfo (JSON) shaped as the Netflix eureka-client (Jackson)
                          sends it, registration and heartbeat requests as bytes, a pipelined
                          connection (Pipe), a timed GET (timed_get)
  clients                 wrk with a generated Lua script (figures from its done() as JSON);
                          a paced client in separate processes (fixed rate, latency measured from
                          each request's scheduled send time, so a stalled server is not hidden by
                          a client that waits for it: no coordinated omission)
  output                  Markdown tables, goal verdicts, the header naming command, build and
                          machine, --json files

Usage from a benchmark: `from benchlib import ...` (the bench/ directory is on sys.path when a
script of it runs).
"""

import argparse
import collections
import datetime
import json
import math
import multiprocessing
import os
import platform
import pwd
import re
import resource
import select
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from array import array
from http.client import HTTPConnection, HTTPException

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "test", "interop", "common"))
from harness import Aborted, free_port, http, log, run_main  # noqa: E402

DEFAULT_NODE = os.path.join(REPO, "build", "h-bench", "apps", "caf-eureka-node")
FALLBACK_NODES = [os.path.join(REPO, "build", "release", "apps", "caf-eureka-node")]
REFERENCE_DIR = os.path.join(REPO, "test", "interop", "java-server-reference")
REFERENCE_JAR = os.path.join(REFERENCE_DIR, "target", "eureka-server-reference.jar")
WRK = shutil.which("wrk") or "/usr/bin/wrk"
CLK_TCK = os.sysconf("SC_CLK_TCK")


class BenchError(Exception):
    pass


def now_ms():
    return int(time.time() * 1000)


def pct(sorted_vals, p):
    """Nearest-rank percentile of an ascending sequence."""
    n = len(sorted_vals)
    if not n:
        return float("nan")
    k = max(0, min(n - 1, math.ceil(p * n / 100.0) - 1))
    return sorted_vals[k]


def median(vals):
    s = sorted(vals)
    if not s:
        return float("nan")
    m = len(s) // 2
    return s[m] if len(s) % 2 else (s[m - 1] + s[m]) / 2.0


def table(headers, rows):
    """A Markdown table (the output can be pasted into docs/performance.md)."""
    cells = [[str(c) for c in r] for r in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    out = ["| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths)) + " |",
           "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    for r in cells:
        out.append("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |")
    return "\n".join(out)


def verdict(ok):
    """A goal's verdict cell; None: not measured."""
    return "n/a" if ok is None else ("met" if ok else "**NOT met**")


def fmt_n(x):
    return "{:,}".format(int(round(x)))


def fmt_ms(x):
    return "n/a" if x is None or x != x else ("%.2f ms" % x if x < 100 else "%.0f ms" % x)


def fmt_bytes(n):
    n = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(n) < 1024 or unit == "GiB":
            return ("%.0f %s" if unit == "B" else "%.1f %s") % (n, unit)
        n /= 1024.0
    return "?"


# ----------------------------------------------------------------------------------------------
# machine and processes


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def mem_total_gib():
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / 1048576.0
    except OSError:
        pass
    return float("nan")


def mem_available_kib():
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


def machine_busy_s():
    """(busy, total) CPU seconds of the whole machine since boot (/proc/stat)."""
    with open("/proc/stat") as f:
        vals = [int(x) for x in f.readline().split()[1:]]
    idle = vals[3] + (vals[4] if len(vals) > 4 else 0)
    return (sum(vals[:8]) - idle) / float(CLK_TCK), sum(vals[:8]) / float(CLK_TCK)


def _stat_fields(pid):
    with open("/proc/%d/stat" % pid) as f:
        return f.read().rsplit(")", 1)[1].split()


def proc_cpu_s(pid):
    """utime + stime of process `pid` (all its threads) in seconds; 0 when it is gone."""
    try:
        fields = _stat_fields(pid)
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / float(CLK_TCK)


def tree_pids(pid):
    """`pid` and every descendant (nginx's workers, a JVM's helpers)."""
    children = collections.defaultdict(list)
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                children[int(_stat_fields(int(name))[1])].append(int(name))
            except (OSError, IndexError, ValueError):
                pass
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def tree_cpu_s(pid):
    return sum(proc_cpu_s(p) for p in tree_pids(pid))


def proc_status_kib(pid, field="VmRSS"):
    """A kB field of /proc/PID/status (VmRSS, VmHWM, ...); 0 when absent."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def listening_ports(pid):
    """TCP ports process `pid` listens on (its socket inodes matched in /proc/PID/net/tcp{,6})."""
    inodes = set()
    try:
        for fd in os.listdir("/proc/%d/fd" % pid):
            try:
                target = os.readlink("/proc/%d/fd/%s" % (pid, fd))
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    except OSError:
        return []
    ports = []
    for table_name in ("tcp", "tcp6"):
        try:
            with open("/proc/%d/net/%s" % (pid, table_name)) as f:
                next(f)
                for line in f:
                    parts = line.split()
                    if len(parts) > 9 and parts[3] == "0A" and parts[9] in inodes:
                        ports.append(int(parts[1].rsplit(":", 1)[1], 16))
        except OSError:
            pass
    return sorted(set(ports))


def self_cpu_s():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


try:
    import ctypes
    _PRCTL = ctypes.CDLL(None, use_errno=True).prctl  # resolved before any fork
except (ImportError, OSError, AttributeError):
    _PRCTL = None


def die_with_parent():
    """preexec_fn / worker start: SIGKILL this process when the benchmark dies (Linux)."""
    if _PRCTL is not None:
        _PRCTL(1, int(signal.SIGKILL), 0, 0, 0)


class Proc:
    """A child in its own process group (a Ctrl-C to the terminal does not reach it; the benchmark
    stops it), stdout and stderr straight to `log_path` (no pipe to drain), killed with the
    benchmark (PR_SET_PDEATHSIG). wait() returns the child's own rusage (os.wait4)."""

    def __init__(self, name, argv, log_path, cwd=None, env=None):
        self.name = name
        self.argv = argv
        self.log_path = log_path
        self.rusage = None
        self.returncode = None
        log("starting %s: %s" % (name, " ".join(shlex.quote(x) for x in argv)))
        with open(log_path, "ab") as out:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True, preexec_fn=die_with_parent, cwd=cwd, env=env)
        self.pid = self.proc.pid

    def _reap(self, flags):
        if self.returncode is not None:
            return True
        try:
            pid, status, ru = os.wait4(self.pid, flags)
        except ChildProcessError:
            self.returncode = self.proc.poll()
            return True
        if pid == 0:
            return False
        self.rusage = ru
        self.returncode = os.waitstatus_to_exitcode(status)
        self.proc.returncode = self.returncode
        return True

    def alive(self):
        return not self._reap(os.WNOHANG)

    def wait(self, timeout):
        """The exit code, or None when still running after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while not self._reap(os.WNOHANG):
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.02)
        return self.returncode

    def kill(self, grace=3.0):
        """SIGTERM the group, SIGKILL it after `grace` seconds, reap."""
        if self.alive():
            try:
                os.killpg(self.pid, signal.SIGTERM)
            except (ProcessLookupError, PermissionError):
                pass
            if self.wait(grace) is None:
                log("%s did not stop in %.0fs: SIGKILL" % (self.name, grace))
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.wait(5)

    def tail(self, n=15):
        try:
            with open(self.log_path, "r", encoding="utf-8", errors="replace") as f:
                return [line.rstrip("\n") for line in collections.deque(f, n)]
        except OSError:
            return []


class Session:
    """What one benchmark run started: child processes, worker processes, its work directory.
    close() stops all of them; main() calls it on every exit path (error, Ctrl-C, deadline)."""

    def __init__(self, workdir, rss_limit_kib=0):
        self.workdir = workdir
        self.rss_limit_kib = rss_limit_kib  # a node beyond it is killed (RssGuard); 0: none
        self.children = []
        self.workers = []
        self.notes = []
        self.guards = []

    def path(self, name):
        return os.path.join(self.workdir, name)

    def spawn(self, name, argv, log_name=None, **kw):
        p = Proc(name, argv, self.path(log_name or (name + ".log")), **kw)
        self.children.append(p)
        return p

    def note(self, text):
        log("NOTE: " + text)
        self.notes.append(text)

    def stop(self, child, grace=3.0):
        if child is not None:
            child.kill(grace)
            if child in self.children:
                self.children.remove(child)

    def close(self):
        for g in self.guards:
            g.stop()
        for w in list(self.workers):
            if w.is_alive():
                w.terminate()
            w.join(3)
            if w.is_alive():
                w.kill()
                w.join(3)
        self.workers = []
        for c in reversed(self.children):
            c.kill()
        self.children = []


# ----------------------------------------------------------------------------------------------
# servers


class Server:
    """A server under test: its process (CPU of the whole tree), its port on 127.0.0.1."""

    def __init__(self, name, proc, port):
        self.name = name
        self.proc = proc
        self.port = port
        self.guard = None

    @property
    def pid(self):
        return self.proc.pid

    @property
    def root(self):
        return "http://127.0.0.1:%d" % self.port

    def cpu_s(self):
        return tree_cpu_s(self.pid)

    def rss_kib(self):
        return sum(proc_status_kib(p) for p in tree_pids(self.pid))

    def check_alive(self, what=""):
        if self.guard is not None and self.guard.tripped:
            raise BenchError(self.guard.tripped)
        if not self.proc.alive():
            raise BenchError("%s exited (code %s) %s; last lines of %s:\n  %s" % (
                self.name, self.proc.returncode, what, self.proc.log_path, "\n  ".join(self.proc.tail(15))))


class RssGuard:
    """Kills `server` when its RSS goes beyond `limit_kib` (checked every 0.5 s in a thread): a
    registry too large for the machine must not push a shared machine into the OOM killer."""

    def __init__(self, session, server, limit_kib):
        self.session = session
        self.server = server
        self.limit_kib = limit_kib
        self.peak_kib = 0
        self.tripped = None
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()

    def _run(self):
        while not self._stop.wait(0.5):
            rss = self.server.rss_kib()
            self.peak_kib = max(self.peak_kib, rss)
            if rss > self.limit_kib:
                self.tripped = ("%s killed: its RSS %s went beyond the limit %s (--max-rss-gib)"
                                % (self.server.name, fmt_bytes(rss * 1024), fmt_bytes(self.limit_kib * 1024)))
                self.session.note(self.tripped)
                try:
                    os.killpg(self.server.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
                return

    def stop(self):
        self._stop.set()


def wait_until(what, predicate, timeout, server=None, proc=None, interval=0.05):
    deadline = time.monotonic() + timeout
    while True:
        v = predicate()
        if v:
            return v
        if server is not None:
            server.check_alive("while waiting for " + what)
        if proc is not None and not proc.alive():
            raise BenchError("%s exited (code %s) while waiting for %s; last lines:\n  %s"
                             % (proc.name, proc.returncode, what, "\n  ".join(proc.tail(15))))
        if time.monotonic() >= deadline:
            raise BenchError("no %s within %.0fs" % (what, timeout))
        time.sleep(interval)


def resolve_node(path):
    """The node binary: `path`, else build/h-bench's, else build/release's."""
    if path:
        if not os.access(path, os.X_OK):
            raise SystemExit("error: --node %s is not an executable" % path)
        return os.path.abspath(path)
    for p in [DEFAULT_NODE] + FALLBACK_NODES:
        if os.access(p, os.X_OK):
            return p
    raise SystemExit("error: no caf-eureka-node at %s; build it:\n  cmake -S %s -B %s/build/h-bench -G Ninja "
                     "-DCMAKE_BUILD_TYPE=Release -DEUREKA_BUILD_TESTS=OFF && ninja -C %s/build/h-bench "
                     "caf-eureka-node\nor pass --node PATH" % (DEFAULT_NODE, REPO, REPO, REPO))


def start_node(session, node_path, extra=(), name="node", max_instances=None, max_apps=None):
    """A node on 127.0.0.1, --server.port=0; its port read from /proc (whatever the log level).
    Standalone (no default-zone: no cluster port)."""
    argv = [node_path, "--server.port=0", "--server.address=127.0.0.1"]
    if max_instances:
        argv.append("--eureka.server.max-instances=%d" % max_instances)
    if max_apps:
        argv.append("--eureka.server.max-applications=%d" % max_apps)
    argv += list(extra)
    proc = session.spawn(name, argv)
    srv = Server(name, proc, 0)
    ports = wait_until("listening port of " + name, lambda: listening_ports(proc.pid), 30, server=srv)
    srv.port = ports[0]
    wait_until(name + " GET /health 200", lambda: http("GET", srv.root + "/health", timeout=2)[0] == 200,
               30, server=srv)
    if session.rss_limit_kib:
        srv.guard = RssGuard(session, srv, session.rss_limit_kib)
        session.guards.append(srv.guard)
    log("%s (pid %d) serving on port %d" % (name, proc.pid, srv.port))
    return srv


def node_version(node_path):
    try:
        return subprocess.run([node_path, "--version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=10).stdout.decode("utf-8", "replace").strip()
    except (OSError, subprocess.SubprocessError):
        return "?"


def find_nginx():
    for p in (shutil.which("nginx"), "/usr/sbin/nginx"):
        if p and os.access(p, os.X_OK):
            return p
    return None


def ensure_nginx(install=True):
    """nginx's binary, installed from Debian (nginx-light) when missing: apt-get as root, else
    sudo -n apt-get. Returns (path, None) or (None, why)."""
    path = find_nginx()
    if path or not install:
        return path, (None if path else "nginx is not installed (--no-install)")
    if os.geteuid() == 0:
        prefix = []
    elif shutil.which("sudo"):
        prefix = ["sudo", "-n"]
    else:
        return None, "nginx is not installed and neither root nor sudo can install it: apt-get install nginx-light"
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    log("nginx missing: installing nginx-light with apt-get (its service is not used)")
    for argv in (prefix + ["apt-get", "install", "-y", "-q", "--no-install-recommends", "nginx-light"],
                 prefix + ["apt-get", "update", "-q"],
                 prefix + ["apt-get", "install", "-y", "-q", "--no-install-recommends", "nginx-light"]):
        r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, timeout=600)
        if r.returncode == 0 and "update" not in argv and find_nginx():
            break
    path = find_nginx()
    if not path:
        return None, "apt-get install nginx-light failed: %s" % r.stdout.decode("utf-8", "replace")[-500:]
    # The package starts the system service on a machine with systemd: we only use the binary.
    return path, None


NGINX_CONF = """\
# Written by bench/benchlib.py: nginx as a baseline, run by the benchmark as the current user.
%(user)s
worker_processes %(workers)d;
pid %(dir)s/nginx.pid;
error_log %(dir)s/nginx-error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path %(dir)s/client_body;
    proxy_temp_path %(dir)s/proxy;
    fastcgi_temp_path %(dir)s/fastcgi;
    uwsgi_temp_path %(dir)s/uwsgi;
    scgi_temp_path %(dir)s/scgi;
    keepalive_requests 1000000000;
    keepalive_timeout 300s;
    client_max_body_size 1m;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    server {
        listen 127.0.0.1:%(port)d reuseport;
%(locations)s
    }
}
"""


def start_nginx(session, locations, name="nginx", workers=1):
    """nginx on a free port of 127.0.0.1 with `locations` (server-block text), from a prefix in
    the work directory, in the foreground (daemon off), as the current user."""
    path, why = ensure_nginx()
    if not path:
        raise BenchError(why)
    d = session.path(name)
    os.makedirs(d, exist_ok=True)
    os.chmod(d, 0o755)
    port = free_port()
    # As root the workers would switch to `nobody`; keep them the current user (no system service).
    user = "user %s;" % pwd.getpwuid(os.geteuid()).pw_name if os.geteuid() == 0 else ""
    conf = os.path.join(d, "nginx.conf")
    with open(conf, "w") as f:
        f.write(NGINX_CONF % {"user": user, "workers": workers, "dir": d, "port": port, "locations": locations})
    proc = session.spawn(name, [path, "-p", d, "-e", os.path.join(d, "nginx-error.log"), "-c", conf,
                                "-g", "daemon off;"])
    srv = Server(name, proc, port)
    wait_until(name + " listening", lambda: http("GET", srv.root + "/", timeout=2)[0] is not None, 20, server=srv)
    log("%s (pid %d) serving on port %d" % (name, proc.pid, port))
    return srv


def nginx_version():
    p = find_nginx()
    if not p:
        return None
    r = subprocess.run([p, "-v"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return r.stdout.decode().strip().replace("nginx version: ", "")


def start_spring(session, jar, java="java", jvm_opts="", name="spring", timeout=180):
    """The Spring Cloud Eureka reference server (test/interop/java-server-reference) on a free
    port of 127.0.0.1; ready when GET /eureka/apps answers 200. Its application.properties: no
    peers, no self-preservation, no read-only response cache."""
    port = free_port()
    argv = [java] + shlex.split(jvm_opts) + ["-jar", jar, "--server.port=%d" % port, "--server.address=127.0.0.1"]
    proc = session.spawn(name, argv)
    srv = Server(name, proc, port)
    wait_until("%s GET /eureka/apps 200" % name,
               lambda: http("GET", srv.root + "/eureka/apps", headers={"Accept": "application/json"},
                            timeout=5)[0] == 200, timeout, server=srv, interval=0.5)
    log("%s (pid %d) serving on port %d" % (name, proc.pid, port))
    return srv


def spring_missing_message(jar):
    return ("the Spring Cloud Eureka reference server is not built (%s missing): build it with\n"
            "    (cd %s && mvn -q -B -T1 package -DskipTests)\n"
            "  (Java >= 17 and Maven; scripts/setup.sh --with-tests installs them); Spring rows skipped"
            % (os.path.relpath(jar, REPO), os.path.relpath(REFERENCE_DIR, REPO)))


# ----------------------------------------------------------------------------------------------
# requests

# The JSON body of a registration as the Netflix eureka-client 2.x sends it (Jackson, as captured
# for test/interop/differential/cases/instance.json), with the values a Spring Cloud client fills
# in: instance id host:app:port, /actuator URLs, the management.port metadata. {K} is the
# instance number, {APP}/{app} its application; ≈ 1.1 KB per instance.
INSTANCE_TEMPLATE = (
    '{"instance":{"instanceId":"{HOST}:{app}:8080","app":"{APP}","appGroupName":null,"ipAddr":"{IP}",'
    '"sid":"na","homePageUrl":"http://{HOST}:8080/","statusPageUrl":"http://{HOST}:8080/actuator/info",'
    '"healthCheckUrl":"http://{HOST}:8080/actuator/health","secureHealthCheckUrl":null,'
    '"vipAddress":"{app}","secureVipAddress":"{app}","countryId":1,"dataCenterInfo":'
    '{"@class":"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo","name":"MyOwn"},'
    '"hostName":"{HOST}","status":"UP","overriddenStatus":"UNKNOWN","leaseInfo":'
    '{"renewalIntervalInSecs":30,"durationInSecs":{DURATION},"registrationTimestamp":0,'
    '"lastRenewalTimestamp":0,"evictionTimestamp":0,"serviceUpTimestamp":0},'
    '"isCoordinatingDiscoveryServer":false,"lastUpdatedTimestamp":{LDT},"lastDirtyTimestamp":{LDT},'
    '"actionType":null,"asgName":null,"port":{"$":8080,"@enabled":"true"},'
    '"securePort":{"$":443,"@enabled":"false"},"metadata":{"management.port":"8080"}}}')

_FIELDS = ("HOST", "app", "APP", "IP", "DURATION", "LDT")


def _percent_template(template):
    """The template as a %-format with its fields in _FIELDS order (%-format is ~5x faster than
    str.replace per request, which matters at a million registrations)."""
    fmt = template.replace("%", "%%")
    order = []
    for m in re.finditer(r"\{(HOST|app|APP|IP|DURATION|LDT)\}", template):
        order.append(m.group(1))
    fmt = re.sub(r"\{(HOST|app|APP|IP|DURATION|LDT)\}", "%s", fmt)
    return fmt, order


_BODY_FMT, _BODY_ORDER = _percent_template(INSTANCE_TEMPLATE)


class Naming:
    """Instance k of a benchmark: application `<prefix>-<k % apps>`, host `<prefix>-host-<k>`,
    instance id `<host>:<app>:8080` (Spring Cloud's default form), address 10.x.y.z from k."""

    def __init__(self, prefix, apps):
        self.prefix = prefix.upper()
        self.apps = apps

    def app(self, k):
        return "%s-%04d" % (self.prefix, k % self.apps)

    def host(self, k):
        return "%s-host-%07d" % (self.prefix.lower(), k)

    def iid(self, k):
        return "%s:%s:8080" % (self.host(k), self.app(k).lower())

    def ip(self, k):
        return "10.%d.%d.%d" % ((k >> 16) & 255, (k >> 8) & 255, k & 255)

    def body(self, k, ldt, duration=90):
        app = self.app(k)
        vals = {"HOST": self.host(k), "app": app.lower(), "APP": app, "IP": self.ip(k),
                "DURATION": str(duration), "LDT": str(ldt)}
        return (_BODY_FMT % tuple(vals[f] for f in _BODY_ORDER)).encode()

    def register_request(self, k, ldt, duration=90):
        body = self.body(k, ldt, duration)
        return (b"POST /eureka/apps/%s HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n"
                b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n"
                % (self.app(k).encode(), len(body))) + body

    def heartbeat_path(self, k, ldt):
        return "/eureka/apps/%s/%s?status=UP&lastDirtyTimestamp=%d" % (self.app(k), self.iid(k), ldt)

    def heartbeat_request(self, k, ldt):
        return (b"PUT %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\nContent-Length: 0\r\n\r\n"
                % self.heartbeat_path(k, ldt).encode())

    def lua_body_format(self):
        """(Lua string.format pattern, field order) of the body, for wrk scripts."""
        return _BODY_FMT, _BODY_ORDER


def expected_hashcode(counts):
    """apps__hashcode for {status: count} (Java: statuses in alphabetical order, STATUS_count_)."""
    return "".join("%s_%d_" % (s, counts[s]) for s in sorted(counts) if counts[s] > 0)


_HASH_RE = re.compile(rb"apps__hashcode(?:\":\"|>)([A-Z_0-9]*)")


def body_hashcode(head):
    """apps__hashcode from the first bytes of a full-fetch document (JSON or XML), or None."""
    m = _HASH_RE.search(head)
    return m.group(1).decode() if m else None


class Pipe:
    """One keep-alive connection with pipelined requests (prebuilt bytes) and a minimal response
    parser (Content-Length framing, all the node uses): costs far less CPU than http.client."""

    def __init__(self, port, timeout=60.0):
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
        r, _, _ = select.select([self.sock], [], [], timeout)
        if not r:
            return False
        data = self.sock.recv(1 << 18)
        if not data:
            raise BenchError("port %d closed a pipelined connection (%d requests unanswered)"
                             % (self.port, self.inflight))
        self.buf += data
        self._parse()
        return True

    def drain(self, timeout=120.0):
        deadline = time.monotonic() + timeout
        while self.inflight > 0:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BenchError("%d requests unanswered on port %d after %.0fs" % (self.inflight, self.port, timeout))
            self.recv(min(left, 1.0))

    def run(self, reqs, window=64):
        """Sends every request of the iterable `reqs` with at most `window` unanswered."""
        it = iter(reqs)
        more = True
        while more:
            room = window - self.inflight
            if room > 0:
                batch = []
                for _ in range(room):
                    try:
                        batch.append(next(it))
                    except StopIteration:
                        more = False
                        break
                self.send(batch)
            self.recv(1.0)
        self.drain()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def _register_worker(port, naming, ks, ldt, duration, window, out):
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    p = Pipe(port)
    try:
        p.run((naming.register_request(k, ldt, duration) for k in ks), window)
        out.send(("ok", dict(p.codes)))
    except BaseException as e:  # noqa: B902 (reported to the parent)
        out.send(("error", "%s: %s" % (type(e).__name__, e)))
    finally:
        p.close()
        out.close()


def register_bulk(session, port, naming, ks, ldt, duration=90, processes=2, connections=2, window=64,
                  timeout=3600.0):
    """Registers instance k for every k of the range `ks` over processes x connections pipelined
    connections (each its own process, requests built on the fly). Set-up, not a figure: the
    registration rate is load_bench.py's. Returns (seconds, {status: count})."""
    ctx = multiprocessing.get_context("fork")
    n = processes * connections
    jobs = []
    for j in range(n):
        rx, tx = ctx.Pipe(duplex=False)
        w = ctx.Process(target=_register_worker, args=(port, naming, ks[j::n], ldt, duration, window, tx), daemon=True)
        jobs.append((w, rx))
    t0 = time.monotonic()
    for w, _ in jobs:
        w.start()
        session.workers.append(w)
    codes = collections.Counter()
    errors = []
    deadline = t0 + timeout
    for w, rx in jobs:
        left = max(0.1, deadline - time.monotonic())
        if not rx.poll(left):
            raise BenchError("registration worker still running after %.0fs" % timeout)
        kind, val = rx.recv()
        if kind == "ok":
            codes.update(val)
        else:
            errors.append(val)
        w.join(5)
        session.workers.remove(w)
    if errors:
        raise BenchError("registration: " + errors[0])
    return time.monotonic() - t0, dict(codes)


def register_sequential(port, naming, ks, ldt, duration=90):
    """Registers instance k for every k of `ks`, one request at a time on a keep-alive connection
    that is reopened whenever the server closes it (Tomcat closes after 100 requests). For the
    Spring server; -> (seconds, {status: count})."""
    codes = collections.Counter()
    c = Conn(port)
    t0 = time.monotonic()
    try:
        for k in ks:
            code, _ = c.request("POST", "/eureka/apps/" + naming.app(k), naming.body(k, ldt, duration))
            codes[code] += 1
    finally:
        c.close()
    return time.monotonic() - t0, dict(codes)


class Conn:
    """One keep-alive HTTP/1.1 connection (http.client) for occasional requests."""

    def __init__(self, port, timeout=30.0):
        self.port = port
        self.timeout = timeout
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        hdrs = {"Accept": "application/json"}
        hdrs.update(headers or {})
        if body is not None:
            hdrs.setdefault("Content-Type", "application/json")
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


FORMS = [("json", "gzip"), ("json", "plain"), ("xml", "gzip"), ("xml", "plain")]


def form_headers(fmt, enc):
    h = {"Accept": "application/json" if fmt == "json" else "application/xml"}
    if enc == "gzip":
        h["Accept-Encoding"] = "gzip"
    return h


class TimedGet:
    """GETs on one keep-alive raw socket into a reused buffer: time to the first byte of the
    answer and to its last, with as little client work as possible (no parsing of the body)."""

    def __init__(self, port, timeout=600.0):
        self.port = port
        self.timeout = timeout
        self.sock = None
        self.buf = bytearray(1 << 20)

    def _connect(self):
        self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)

    def get(self, path, headers):
        """-> dict(status, headers (lower-case names), body (memoryview into the buffer, valid
        until the next get), ttfb_s, total_s)."""
        if self.sock is None:
            self._connect()
        req = "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n%s\r\n" % (
            path, self.port, "".join("%s: %s\r\n" % kv for kv in headers.items()))
        t0 = time.perf_counter()
        self.sock.sendall(req.encode())
        head = b""
        ttfb = None
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(65536)
            if ttfb is None:
                ttfb = time.perf_counter() - t0
            if not chunk:
                self.close()
                raise BenchError("GET %s: connection closed before the answer's headers" % path)
            head += chunk
        end = head.index(b"\r\n\r\n")
        lines = head[:end].decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        hdrs = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            hdrs[k.strip().lower()] = v.strip()
        if "content-length" not in hdrs:
            self.close()
            raise BenchError("GET %s: no Content-Length (%s)" % (path, lines[:6]))
        clen = int(hdrs["content-length"])
        if len(self.buf) < clen:
            self.buf = bytearray(max(clen, 2 * len(self.buf)))
        mv = memoryview(self.buf)
        got = head[end + 4:]
        mv[:len(got)] = got
        pos = len(got)
        while pos < clen:
            n = self.sock.recv_into(mv[pos:clen])
            if n == 0:
                self.close()
                raise BenchError("GET %s: connection closed after %d of %d bytes" % (path, pos, clen))
            pos += n
        total = time.perf_counter() - t0
        return {"status": status, "headers": hdrs, "body": mv[:clen], "ttfb_s": ttfb, "total_s": total}

    def close(self):
        if self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass
            self.sock = None


def document_head(body, gzipped, n=4096):
    """The first bytes of a document (inflated when gzipped) without inflating all of it."""
    if not gzipped:
        return bytes(body[:n])
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = b""
    pos = 0
    while len(out) < n and pos < len(body):
        out += d.decompress(bytes(body[pos:pos + 16384]), n)
        pos += 16384
        while d.unconsumed_tail and len(out) < n:
            out += d.decompress(d.unconsumed_tail, n - len(out))
    return out[:n]


# ----------------------------------------------------------------------------------------------
# wrk


WRK_DONE_LUA = r"""
function done(summary, latency, requests)
  io.write(string.format(
    'WRKJSON {"duration_us":%d,"requests":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,"status":%d,' ..
    '"timeout":%d,"lat_mean_us":%.1f,"lat_p50_us":%d,"lat_p90_us":%d,"lat_p99_us":%d,"lat_max_us":%d}\n',
    summary.duration, summary.requests, summary.bytes, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout, latency.mean,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


def lua_string(s):
    """A Lua long-bracket string literal of `s` (level chosen not to occur in it)."""
    level = 0
    while ("]" + "=" * level + "]") in s:
        level += 1
    return "[" + "=" * level + "[" + s + "]" + "=" * level + "]"


def write_lua(session, name, text):
    path = session.path(name)
    with open(path, "w") as f:
        f.write(text + "\n" + WRK_DONE_LUA)
    return path


def run_wrk(session, server, path, lua, duration, connections=64, threads=1, headers=None, label=None,
            script_args=(), timeout_s=10):
    """wrk -t{threads} -c{connections} -d{duration}s against server.root + path with Lua script
    `lua`; the server's CPU (whole process tree) and wrk's own over the run. Returns a dict:
    requests, rps, errors (connect, read, write, status >= 400, timeout), latency percentiles (us),
    bytes, server_cpu_s, us_per_req, wrk_cpu_s (user+sys of wrk itself), wall_s."""
    label = label or server.name
    argv = [WRK, "-t%d" % threads, "-c%d" % connections, "-d%ds" % max(1, int(round(duration))),
            "--timeout", "%ds" % timeout_s, "-s", lua]
    for k, v in (headers or {}).items():
        argv += ["-H", "%s: %s" % (k, v)]
    argv.append(server.root + path)
    if script_args:
        argv += ["--"] + [str(a) for a in script_args]
    log_name = "wrk-%s.log" % label
    c0 = server.cpu_s()
    w0 = time.monotonic()
    p = session.spawn("wrk-" + label, argv, log_name=log_name)
    rc = p.wait(duration + timeout_s + 30)
    w1 = time.monotonic()
    c1 = server.cpu_s()
    session.children.remove(p)
    if rc is None:
        p.kill()
        raise BenchError("wrk against %s did not finish" % label)
    with open(p.log_path, "r", encoding="utf-8", errors="replace") as f:
        lines = f.read().splitlines()
    docs = [line for line in lines if line.startswith("WRKJSON ")]
    if rc != 0 or not docs:
        raise BenchError("wrk against %s failed (exit %s): %s" % (label, rc, "\n  ".join(lines[-10:])))
    r = json.loads(docs[-1][8:])  # this run's (a label's runs append to one log)
    r["wall_s"] = w1 - w0
    r["rps"] = r["requests"] / (r["duration_us"] / 1e6) if r["duration_us"] else 0.0
    r["server_cpu_s"] = c1 - c0
    r["us_per_req"] = (c1 - c0) * 1e6 / r["requests"] if r["requests"] else float("nan")
    ru = p.rusage
    r["wrk_cpu_s"] = (ru.ru_utime + ru.ru_stime) if ru else float("nan")
    r["errors"] = r["connect"] + r["read"] + r["write"] + r["status"] + r["timeout"]
    server.check_alive("after wrk")
    return r


def wrk_error_text(r):
    parts = ["%s %d" % (k, r[k]) for k in ("connect", "read", "write", "status", "timeout") if r[k]]
    return ", ".join(parts) if parts else "none"


# ----------------------------------------------------------------------------------------------
# the paced client


def _pacer_main(port, make_request, seqs, rate, duration, connections, window, start_at, out):
    """One pacer process: the j-th of `seqs` is due at start_at + j / rate (rate None: as fast as
    the windows allow) and goes out on the next connection (round robin) with fewer than `window`
    requests in flight; when every connection is full it waits, and its latency still counts from
    its due time. Each answer's latency is measured from its request's due time (sched) and from
    when it was written (sent). Sends the parent the latencies (float32 arrays as bytes), status
    codes and its own figures."""
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        socks = []
        for _ in range(connections):
            s = socket.create_connection(("127.0.0.1", port), timeout=30)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            s.setblocking(False)
            socks.append(s)
        fd_index = {s.fileno(): i for i, s in enumerate(socks)}
        pending = [collections.deque() for _ in socks]  # (due, sent) of each request in flight
        bufs = [b""] * len(socks)
        outq = [b""] * len(socks)
        free = collections.deque(range(len(socks)))  # connections with room, each at most once
        dirty = set()
        poller = select.epoll()
        for s in socks:
            poller.register(s.fileno(), select.EPOLLIN)
        lat_sched, lat_sent = array("f"), array("f")
        codes = collections.Counter()
        errors = []
        it = iter(seqs)
        j = 0
        exhausted = False
        max_behind = 0.0
        cpu0 = resource.getrusage(resource.RUSAGE_SELF)
        now = time.monotonic()
        if start_at > now:
            time.sleep(start_at - now)
        t0 = time.monotonic() if rate is None else start_at
        t_end = (t0 + duration) if duration else None
        stop_at = None
        inflight = 0

        def flush():
            for i in list(dirty):
                try:
                    n = socks[i].send(outq[i])
                except BlockingIOError:
                    n = 0
                outq[i] = outq[i][n:]
                if not outq[i]:
                    dirty.discard(i)

        while True:
            now = time.monotonic()
            if stop_at is None and (exhausted or (t_end is not None and now >= t_end)):
                stop_at = now
            if stop_at is not None:
                if inflight == 0:
                    break
                if now >= stop_at + 30:
                    errors.append("%d requests unanswered 30 s after the end" % inflight)
                    break
            else:
                due_n = (1 << 30) if rate is None else int((now - t0) * rate) + 1 - j
                while due_n > 0 and free:
                    try:
                        seq = next(it)
                    except StopIteration:
                        exhausted = True
                        break
                    i = free.popleft()
                    due = now if rate is None else t0 + j / rate
                    if now - due > max_behind:
                        max_behind = now - due
                    outq[i] += make_request(seq)
                    dirty.add(i)
                    pending[i].append((due, now))
                    if len(pending[i]) < window:
                        free.append(i)
                    inflight += 1
                    j += 1
                    due_n -= 1
            if dirty:
                flush()
            # Wait for answers until the next request is due (at most 5 ms).
            if rate is None or stop_at is not None or not free:
                wait = 0.005
            else:
                wait = min(0.005, max(0.0, t0 + j / rate - time.monotonic()))
            events = poller.poll(wait)
            tnow = time.monotonic()
            for fd, _ev in events:
                i = fd_index[fd]
                try:
                    data = socks[i].recv(1 << 18)
                except BlockingIOError:
                    continue
                if not data:
                    raise BenchError("port %d closed a connection (%d requests unanswered)" % (port, len(pending[i])))
                buf = bufs[i] + data if bufs[i] else data
                pos = 0
                q = pending[i]
                was_full = len(q) >= window
                while True:
                    end = buf.find(b"\r\n\r\n", pos)
                    if end < 0:
                        break
                    head = buf[pos:end]
                    k = head.find(b"ontent-Length:")
                    if k < 0:
                        k = head.lower().find(b"ontent-length:")
                    clen = 0
                    if k >= 0:
                        e = head.find(b"\r\n", k)
                        clen = int(head[k + 14:e if e >= 0 else len(head)])
                    if end + 4 + clen > len(buf):
                        break
                    codes[int(head[9:12])] += 1
                    due, sent = q.popleft()
                    inflight -= 1
                    lat_sched.append((tnow - due) * 1000.0)
                    lat_sent.append((tnow - sent) * 1000.0)
                    pos = end + 4 + clen
                bufs[i] = buf[pos:]
                if was_full and len(q) < window:
                    free.append(i)
        cpu1 = resource.getrusage(resource.RUSAGE_SELF)
        for s in socks:
            s.close()
        out.send({"lat_sched": lat_sched.tobytes(), "lat_sent": lat_sent.tobytes(), "codes": dict(codes),
                  "sent": j, "max_behind_s": max_behind, "t0": t0, "t1": time.monotonic(),
                  "cpu_s": (cpu1.ru_utime + cpu1.ru_stime) - (cpu0.ru_utime + cpu0.ru_stime),
                  "errors": errors})
    except BaseException as e:  # noqa: B902 (reported to the parent)
        try:
            out.send({"error": "%s: %s" % (type(e).__name__, e)})
        except Exception:
            pass
    finally:
        out.close()


class Pacer:
    """A paced client over `processes` worker processes (forked: no GIL between them, no pickling
    of `make_request`). Request number seq (from `seqs`, split round-robin between the processes)
    is make_request(seq) -> bytes. rate: requests per second in total (None: as fast as the
    windows allow); duration: seconds (None: until `seqs` is exhausted)."""

    def __init__(self, session, port, make_request, seqs, rate, duration=None, processes=1, connections=8,
                 window=1, label="pacer"):
        self.session = session
        self.label = label
        self.rate = rate
        self.duration = duration
        ctx = multiprocessing.get_context("fork")
        self.jobs = []
        start_at = time.monotonic() + 0.3 + 0.05 * processes  # every process connected by then
        for p in range(processes):
            rx, tx = ctx.Pipe(duplex=False)
            sub = seqs[p::processes]
            w = ctx.Process(target=_pacer_main, args=(port, make_request, sub, None if rate is None else rate / processes,
                                                      duration, connections, window, start_at, tx), daemon=True)
            self.jobs.append((w, rx))

    def start(self):
        for w, _ in self.jobs:
            w.start()
            self.session.workers.append(w)
        return self

    def result(self, timeout):
        """Waits for every process; -> dict(lat_sched, lat_sent (sorted ms arrays), codes, sent,
        max_behind_s, wall_s, cpu_s, rate_achieved)."""
        deadline = time.monotonic() + timeout
        parts, errors = [], []
        for w, rx in self.jobs:
            if not rx.poll(max(0.1, deadline - time.monotonic())):
                raise BenchError("%s: worker still running after %.0fs" % (self.label, timeout))
            try:
                d = rx.recv()
            except EOFError:
                d = {"error": "worker exited with code %s" % w.exitcode}
            w.join(5)
            if w in self.session.workers:
                self.session.workers.remove(w)
            if "error" in d:
                errors.append(d["error"])
            else:
                parts.append(d)
                errors.extend(d["errors"])
        if errors and not parts:
            raise BenchError("%s: %s" % (self.label, errors[0]))
        lat_sched, lat_sent = array("f"), array("f")
        codes = collections.Counter()
        for d in parts:
            a = array("f")
            a.frombytes(d["lat_sched"])
            lat_sched.extend(a)
            a = array("f")
            a.frombytes(d["lat_sent"])
            lat_sent.extend(a)
            codes.update(d["codes"])
        t0 = min(d["t0"] for d in parts)
        t1 = max(d["t1"] for d in parts)
        answered = sum(codes.values())
        return {"lat_sched": sorted(lat_sched), "lat_sent": sorted(lat_sent), "codes": dict(codes),
                "sent": sum(d["sent"] for d in parts), "answered": answered,
                "max_behind_s": max(d["max_behind_s"] for d in parts), "wall_s": t1 - t0,
                "cpu_s": sum(d["cpu_s"] for d in parts), "rate_achieved": answered / (t1 - t0) if t1 > t0 else 0.0,
                "errors": errors}


def latency_summary(res):
    s = res["lat_sched"]
    return {"p50_ms": pct(s, 50), "p90_ms": pct(s, 90), "p99_ms": pct(s, 99), "max_ms": s[-1] if s else float("nan"),
            "sent_p50_ms": pct(res["lat_sent"], 50), "sent_p99_ms": pct(res["lat_sent"], 99)}


# ----------------------------------------------------------------------------------------------
# command line, header, output


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Shows a default only where there is one (the others state theirs, full and --quick)."""

    def _get_help_string(self, action):
        if action.default in (None, False, []) or action.default == argparse.SUPPRESS:
            return action.help
        return super()._get_help_string(action)


def common_parser(doc):
    ap = argparse.ArgumentParser(description=doc, formatter_class=HelpFormatter)
    ap.add_argument("--node", help="caf-eureka-node binary (default: build/h-bench/apps/caf-eureka-node, "
                                   "else build/release/apps/caf-eureka-node)")
    ap.add_argument("--quick", action="store_true",
                    help="small counts and short windows: a smoke run of a minute or two (explicit "
                         "count/duration options still win)")
    ap.add_argument("--json", metavar="FILE", help="also write the figures as JSON to FILE")
    ap.add_argument("--workdir", help="logs, scripts and configs (default: a new temporary directory)")
    ap.add_argument("--node-arg", action="append", default=[], metavar="--KEY=VALUE",
                    help="extra node option (repeatable), e.g. --node-arg=--logging.level=warn")
    ap.add_argument("--overall-timeout", type=float, help="seconds after which everything is stopped")
    ap.add_argument("--max-rss-gib", type=float,
                    help="a node whose RSS goes beyond this is killed and the run fails with a note "
                         "(default: 80 %% of MemAvailable at start; 0: no limit)")
    return ap


def pick(args, name, full, quick):
    v = getattr(args, name)
    if v is None:
        setattr(args, name, quick if args.quick else full)


def tree_revision():
    try:
        return subprocess.run(["git", "-C", REPO, "describe", "--always", "--dirty"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, timeout=10).stdout.decode().strip() or "?"
    except (OSError, subprocess.SubprocessError):
        return "?"


def machine_info():
    return {"cpus": len(os.sched_getaffinity(0)), "cpu_model": cpu_model(), "mem_gib": round(mem_total_gib(), 1),
            "platform": platform.platform(), "loadavg_at_start": loadavg()}


def header(title, script, args):
    m = machine_info()
    rel = os.path.relpath(args.node, REPO) if args.node.startswith(REPO) else args.node
    lines = [
        "## %s, %s" % (title, datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
        "",
        "- command: `%s`" % " ".join(shlex.quote(x) for x in [script] + sys.argv[1:]),
        "- node: `%s` (%s; tree %s)" % (rel, node_version(args.node), tree_revision()),
        "- machine: %d CPUs, %s, %.0f GiB RAM, %s; load average at start %s"
        % (m["cpus"], m["cpu_model"], m["mem_gib"], m["platform"], m["loadavg_at_start"]),
        "- servers, load generators and anything else running share those CPUs",
    ]
    return "\n".join(lines), m


def write_json(path, doc):
    if path:
        with open(path, "w") as f:
            json.dump(doc, f, indent=2, sort_keys=True, default=str)
            f.write("\n")
        log("figures written to %s" % path)


def run_bench(args, script, title, body):
    """Prints the header, runs body(session) -> (text, figures) under run_main (SIGINT/SIGTERM and
    --overall-timeout unwind through it), stops every process, prints the text and the notes,
    writes --json. Exit code: 0 done (goals met or not), 1 failed or aborted."""
    args.node = resolve_node(args.node)
    args.workdir = args.workdir or tempfile.mkdtemp(prefix="caf-eureka-%s-" % os.path.splitext(os.path.basename(script))[0])
    os.makedirs(args.workdir, exist_ok=True)
    head, machine = header(title, script, args)
    print(head)
    sys.stdout.flush()
    if args.max_rss_gib is None:
        limit = int(0.8 * mem_available_kib())
    else:
        limit = int(args.max_rss_gib * 1048576)
    session = Session(args.workdir, limit)
    out = {"text": None, "figures": None, "failed": None}

    def run():
        try:
            out["text"], out["figures"] = body(session)
        except BenchError as e:
            out["failed"] = str(e)
            log("FAILED: %s" % e)
        except Aborted as e:
            out["failed"] = "aborted (%s)" % e
            log("aborted: %s" % e)
        finally:
            session.close()
        return 0

    t0 = time.monotonic()
    try:
        run_main(run, args.overall_timeout)
    finally:
        session.close()
    print()
    print("=" * 100)
    print(head)
    if out["text"]:
        print()
        print(out["text"])
    if out["failed"]:
        print()
        print("FAILED: " + out["failed"].replace("\n", "\n    "))
    if session.notes:
        print()
        print("Notes:")
        for n in session.notes:
            print("- " + n)
    print()
    print("took %.0f s; logs in %s" % (time.monotonic() - t0, args.workdir))
    sys.stdout.flush()
    write_json(args.json, {"benchmark": os.path.basename(script), "command": sys.argv, "node": args.node,
                           "revision": tree_revision(), "machine": machine,
                           "date": datetime.datetime.now(datetime.timezone.utc).isoformat(),
                           "figures": out["figures"], "failed": out["failed"], "notes": session.notes})
    return 1 if out["failed"] else 0
