"""Harness code shared by the interop scenarios (test/interop/{java,js,python,prometheus}/scenario.py).

Python 3 standard library only. What is here is the plumbing every scenario needs and that used to be
copied into each of them; what a scenario checks, and how it talks to its client, stays in the
scenario:

  log, check, StepFailed, Aborted   output and failure types
  Child, free_port                  child processes in their own process groups (killed with the
                                    scenario, PR_SET_PDEATHSIG), their output in a log file
  http, get_json                    urllib with timeouts; (status, text), status None on a
                                    transport error
  instance_doc                      an InstanceInfo (JSON) as the Netflix eureka-client sends it
  parse_prometheus, metric_sum,     the node's (and Prometheus's) /metrics text
  request_counts
  wait_for                          polling with a deadline, failing early when a process exits
  StepRunner                        per-step PASS/FAIL lines, log tails on failure, the final
                                    `N passed, M failed` line
  run_main                          SIGTERM/SIGINT and the overall deadline raise Aborted

Import it from a scenario with:

  sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
  from harness import ...
"""

import base64
import ctypes
import hashlib
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.error
import urllib.request

REQUESTS_METRIC = "eureka_http_requests_total"


class StepFailed(Exception):
    pass


class Aborted(BaseException):
    """SIGTERM/SIGINT/overall deadline: unwind through every finally block."""


def log(msg):
    sys.stdout.write("[%s] %s\n" % (time.strftime("%H:%M:%S"), msg))
    sys.stdout.flush()


def check(cond, msg):
    if not cond:
        raise StepFailed(msg)


# ----------------------------------------------------------------------------------------------
# processes


try:
    _PRCTL = ctypes.CDLL(None, use_errno=True).prctl  # resolved before any fork
except (OSError, AttributeError):
    _PRCTL = None


def _die_with_parent():
    """preexec_fn: SIGKILL this child if the scenario itself is killed (Linux PR_SET_PDEATHSIG)."""
    if _PRCTL is not None:
        _PRCTL(1, int(signal.SIGKILL), 0, 0, 0)


class Child:
    """A child process in its own process group; stdout+stderr to a log file, kept in `lines` and
    passed to `on_line`. `stdin=True` gives it a pipe for send(); `kill_grace` is how long kill()
    waits between SIGTERM and SIGKILL."""

    def __init__(self, name, argv, log_path, on_line=None, stdin=False, env=None, cwd=None,
                 kill_grace=5.0):
        self.name = name
        self.argv = argv
        self.log_path = log_path
        self.lines = []
        self.kill_grace = kill_grace
        self._on_line = on_line
        self._log = open(log_path, "w", encoding="utf-8", errors="replace")
        log("starting %s: %s" % (name, " ".join(shlex.quote(a) for a in argv)))
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
            env=env,
            cwd=cwd,
        )
        self._reader = threading.Thread(target=self._read, name=name + "-reader", daemon=True)
        self._reader.start()

    def _read(self):
        for raw in iter(self.proc.stdout.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip("\n")
            self.lines.append(line)
            try:
                self._log.write(line + "\n")
                self._log.flush()
            except ValueError:
                pass
            if self._on_line:
                self._on_line(line)

    def alive(self):
        return self.proc.poll() is None

    def send(self, line, ignore_errors=False):
        """Writes one line to the child's stdin (needs stdin=True)."""
        try:
            self.proc.stdin.write((line + "\n").encode())
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError, AttributeError, ValueError):
            if not ignore_errors:
                raise

    def signal(self, sig):
        """Sends `sig` to the child itself (not its group) while it runs."""
        if self.alive():
            try:
                os.kill(self.proc.pid, sig)
            except ProcessLookupError:
                pass

    def wait(self, timeout):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def kill(self, grace=None):
        """SIGTERM the whole group, then SIGKILL it after `grace` seconds (default: kill_grace)."""
        grace = self.kill_grace if grace is None else grace
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except (ProcessLookupError, PermissionError):
                pass
            if self.wait(grace) is None:
                log("%s did not stop in %.0fs: SIGKILL" % (self.name, grace))
        # The group may outlive its leader (forked helpers): always sweep it.
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.wait(5)
        self._reader.join(timeout=2)
        for f in (self.proc.stdin, self._log):
            try:
                if f is not None:
                    f.close()
            except Exception:
                pass

    def tail(self, n=60):
        return self.lines[-n:] if n > 0 else []


def free_port():
    """A free TCP port on 127.0.0.1 (bound once, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ----------------------------------------------------------------------------------------------
# HTTP


def http(method, url, body=None, headers=None, timeout=5.0, context=None):
    """Returns (status, body_text); status None on a transport error.

    `body`: str or bytes as is, anything else as JSON. Content-Type defaults to application/json
    whenever there is a body (pass headers={"Content-Type": ...} for anything else). `context`:
    the ssl.SSLContext of an https URL (e.g. one trusting make_test_pki's CA)."""
    data = None
    hdrs = dict(headers or {})
    if body is not None:
        if isinstance(body, str):
            data = body.encode()
        elif isinstance(body, bytes):
            data = body
        else:
            data = json.dumps(body).encode()
        hdrs.setdefault("Content-Type", "application/json")
    req = urllib.request.Request(url, data=data, method=method, headers=hdrs)
    try:
        with urllib.request.urlopen(req, timeout=timeout, context=context) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        try:
            text = e.read().decode("utf-8", "replace")
        except Exception:
            text = ""
        return e.code, text
    except (urllib.error.URLError, OSError, ValueError) as e:
        return None, str(e)


def make_test_pki(directory):
    """A throw-away PKI made with the openssl command in `directory` (EC P-256, valid 2 days):
    `ca` and `rogue-ca`, a server certificate `server` for 127.0.0.1 and localhost signed by ca, a
    client certificate `client` signed by ca and `rogue-client` signed by rogue-ca. Returns
    {name: (certificate path, key path)}."""

    def openssl(*args):
        r = subprocess.run(["openssl"] + list(args), cwd=directory, capture_output=True, text=True,
                           timeout=60)
        if r.returncode != 0:
            raise StepFailed("openssl %s failed: %s" % (" ".join(args[:2]), r.stderr.strip()[-300:]))

    def ca(name):
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", name + ".key", "-out", name + ".pem", "-days", "2", "-subj", "/CN=" + name,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
                "keyUsage=critical,keyCertSign")

    def cert(name, issuer, server):
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + name)
        ext = os.path.join(directory, name + ".ext")
        with open(ext, "w") as f:
            f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n"
                    if server else "extendedKeyUsage=clientAuth\n")
        openssl("x509", "-req", "-in", name + ".csr", "-CA", issuer + ".pem", "-CAkey", issuer + ".key",
                "-CAcreateserial", "-out", name + ".pem", "-days", "2", "-extfile", ext)

    os.makedirs(directory, exist_ok=True)
    ca("ca")
    ca("rogue-ca")
    cert("server", "ca", True)
    cert("client", "ca", False)
    cert("rogue-client", "rogue-ca", False)
    return {n: (os.path.join(directory, n + ".pem"), os.path.join(directory, n + ".key"))
            for n in ("ca", "rogue-ca", "server", "client", "rogue-client")}


def password_hash(password, iterations=1000):
    """The text form eureka.auth.users takes (common/password_hash.hpp): PBKDF2-HMAC-SHA256,
    `pbkdf2-sha256$<iterations>$<salt>$<key>`, standard padded base64. 1,000 iterations, the
    fewest a hash may state, keep tests quick; the rules do not depend on the cost."""
    salt = os.urandom(16)
    key = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations, 32)
    return "pbkdf2-sha256$%d$%s$%s" % (iterations, base64.b64encode(salt).decode(),
                                       base64.b64encode(key).decode())


def basic_auth(user, password):
    """The Authorization header of HTTP basic authentication, as a headers dict."""
    token = base64.b64encode(("%s:%s" % (user, password)).encode()).decode()
    return {"Authorization": "Basic " + token}


def get_json(url, timeout=5.0):
    """(status, document) of a GET with Accept: application/json; document None unless 200 + JSON."""
    code, text = http("GET", url, headers={"Accept": "application/json"}, timeout=timeout)
    if code != 200:
        return code, None
    try:
        return code, json.loads(text)
    except ValueError:
        return code, None


def server_instance(base, app, iid):
    """(code, instance dict) from GET <base>/apps/APP/ID (JSON); the id percent-encoded."""
    code, doc = get_json("%s/apps/%s/%s" % (base, app, urllib.parse.quote(iid, safe="")))
    if code == 200 and doc is not None:
        return code, doc.get("instance")
    return code, None


def instance_doc(app, iid, duration=90, renewal=30, metadata=None):
    """An InstanceInfo registration body (JSON) as the Netflix eureka-client sends it: host
    `host-<iid>`, address 127.0.0.1, status UP, lease `renewal`/`duration` seconds."""
    now = str(int(time.time() * 1000))
    return {"instance": {
        "instanceId": iid, "hostName": "host-" + iid, "app": app, "ipAddr": "127.0.0.1",
        "status": "UP", "overriddenStatus": "UNKNOWN",
        "port": {"$": 8080, "@enabled": "true"}, "securePort": {"$": 8443, "@enabled": "false"},
        "countryId": 1,
        "dataCenterInfo": {"@class": "com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo",
                           "name": "MyOwn"},
        "leaseInfo": {"renewalIntervalInSecs": renewal, "durationInSecs": duration},
        "metadata": metadata or {"@class": "java.util.Collections$EmptyMap"},
        "homePageUrl": "http://host-%s:8080/" % iid, "statusPageUrl": "http://host-%s:8080/info" % iid,
        "healthCheckUrl": "http://host-%s:8080/health" % iid,
        "vipAddress": app.lower(), "secureVipAddress": app.lower(),
        "isCoordinatingDiscoveryServer": "false",
        "lastUpdatedTimestamp": now, "lastDirtyTimestamp": now,
    }}


# ----------------------------------------------------------------------------------------------
# OBSERVED documents of the client programs (java, python): {"apps": {APP: [{"id": ...}]},
# "requests": {op: {code: count}}}


def observed_instance(doc, app, iid):
    """The instance `iid` of `app` in an OBSERVED document, or None."""
    for inst in (doc.get("apps") or {}).get(app, []):
        if inst.get("id") == iid:
            return inst
    return None


def observed_requests(doc, op, code=None):
    """How many `op` requests the client counted (with status `code`, or any)."""
    codes = (doc.get("requests") or {}).get(op, {})
    if code is None:
        return sum(codes.values())
    return codes.get(str(code), 0)


# ----------------------------------------------------------------------------------------------
# /metrics


class ServerView:
    """Reads of one Eureka server on loopback over HTTP, for scenarios that run several: the class
    using it sets `name` and `port` (the server's base path is /eureka)."""

    name = port = None

    @property
    def root(self):
        return "http://127.0.0.1:%d" % self.port

    @property
    def base(self):
        return self.root + "/eureka"


    def ready(self):
        return http("GET", self.root + "/ready", timeout=2.0)[0] == 200

    def metric(self, name, **labels):
        code, text = http("GET", self.root + "/metrics", timeout=5.0)
        if code != 200:
            return None
        return metric_sum(parse_prometheus(text), name, **labels)

    def instance(self, app, iid):
        """The instance (JSON) as this server serves it, or None (404); another answer fails."""
        code, doc = get_json("%s/apps/%s/%s" % (self.base, urllib.parse.quote(app, safe=""),
                                                 urllib.parse.quote(iid, safe="")), timeout=5.0)
        if code == 200 and doc is not None:
            return doc.get("instance")
        check(code == 404, "%s: GET apps/%s/%s answered %s" % (self.name, app, iid, code))
        return None


def parse_prometheus(text):
    """[(name, {labels}, value)] from Prometheus text exposition format."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        labels = {}
        if "{" in line:
            name, rest = line.split("{", 1)
            body, _, value = rest.rpartition("}")
            i = 0
            while i < len(body):
                eq = body.index("=", i)
                key = body[i:eq].strip().lstrip(",").strip()
                j = eq + 2  # skip ="
                val = []
                while body[j] != '"':
                    if body[j] == "\\":
                        j += 1
                    val.append(body[j])
                    j += 1
                labels[key] = "".join(val)
                i = j + 1
                while i < len(body) and body[i] in ", ":
                    i += 1
        else:
            name, _, value = line.partition(" ")
        try:
            out.append((name.strip(), labels, float(value.split()[0])))
        except (ValueError, IndexError):
            pass
    return out


def metric_sum(samples, name, **labels):
    """Sum of the samples called `name` whose labels include `labels`; None when there are none."""
    vals = [v for n, lab, v in samples if n == name and all(lab.get(k) == x for k, x in labels.items())]
    return sum(vals) if vals else None


def request_counts(text, metric=REQUESTS_METRIC):
    """{route: {code: count}} of the node's eureka_http_requests_total from /metrics text."""
    out = {}
    for name, labels, value in parse_prometheus(text):
        if name == metric:
            out.setdefault(labels.get("route", ""), {})[labels.get("code", "")] = int(value)
    return out


# ----------------------------------------------------------------------------------------------
# polling


def wait_for(what, predicate, timeout, watch=(), interval=0.1):
    """Polls predicate() until it returns a truthy value (returned) or `timeout` seconds pass
    (StepFailed "no <what> within Ns"). `watch`: (label, Child) pairs; when one of them has exited,
    fails at once with "<label> exited (code C) while waiting for <what>". predicate() is tried once
    more after the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        for label, child in watch:
            if child is not None and not child.alive():
                raise StepFailed("%s exited (code %s) while waiting for %s"
                                 % (label, child.proc.returncode, what))
        if time.monotonic() >= deadline:
            raise StepFailed("no %s within %.0fs" % (what, timeout))
        time.sleep(interval)


# ----------------------------------------------------------------------------------------------
# steps


class StepRunner:
    """Mixin for a scenario: `self.results` [(step, ok, detail)], one PASS/FAIL line per step."""

    results = None

    def record(self, step, ok, detail):
        if self.results is None:
            self.results = []
        self.results.append((step, ok, detail))
        log("%s %s: %s" % ("PASS" if ok else "FAIL", step, detail))

    def run_step(self, step, fn, *fn_args, prerequisite_ok=True):
        """Runs fn(*fn_args) as `step`; its return value is the PASS detail. StepFailed (or any
        other exception: a driver bug must not hide the other steps) makes it FAIL. Not run (FAIL)
        when prerequisite_ok is false. Returns whether it passed."""
        if not prerequisite_ok:
            self.record(step, False, "not run: a step it depends on failed")
            return False
        t0 = time.monotonic()
        try:
            detail = fn(*fn_args)
            self.record(step, True, "%s (%.1fs)" % (detail, time.monotonic() - t0))
            return True
        except StepFailed as e:
            self.record(step, False, "%s (%.1fs)" % (e, time.monotonic() - t0))
            return False
        except Exception as e:  # a bug in the driver must not hide the other steps
            self.record(step, False, "driver error %s: %s" % (type(e).__name__, e))
            return False

    def record_aborted(self, steps, e):
        """After Aborted: every step of `steps` not run yet FAILs as "not run: aborted (...)"."""
        log("aborted: %s" % e)
        done = {r[0] for r in self.results or []}
        for step in steps:
            if step not in done:
                self.record(step, False, "not run: aborted (%s)" % e)

    def any_failed(self):
        return any(not r[1] for r in self.results or [])

    @staticmethod
    def print_tails(children, n, width=None):
        """The last `n` lines of each child's output (each cut to `width` characters)."""
        for child in children:
            if child is not None:
                print("----- last lines of %s (%s) -----" % (child.name, child.log_path))
                for line in child.tail(n):
                    print(line if width is None else line[:width])
        print("----- end of logs -----")

    @staticmethod
    def kill_all(children):
        for child in children:
            if child is not None:
                child.kill()

    def summary(self):
        """Prints `N passed, M failed`; returns N."""
        results = self.results or []
        passed = sum(1 for r in results if r[1])
        print("%d passed, %d failed" % (passed, len(results) - passed))
        sys.stdout.flush()
        return passed


def run_main(run, overall_timeout):
    """Calls run() with SIGTERM/SIGINT and an overall deadline (SIGALRM) raising Aborted, so every
    finally block (which kills the children) runs; returns run()'s result."""

    def abort(signum, _frame):
        raise Aborted("signal %d" % signum)

    def deadline(_signum, _frame):
        raise Aborted("overall timeout of %.0fs" % overall_timeout)

    signal.signal(signal.SIGTERM, abort)
    signal.signal(signal.SIGINT, abort)
    signal.signal(signal.SIGALRM, deadline)
    signal.setitimer(signal.ITIMER_REAL, overall_timeout)
    try:
        return run()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
