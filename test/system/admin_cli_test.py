#!/usr/bin/env python3
"""caf-eureka-admin against running caf-eureka-node processes (issue 8), every step bounded in
time and run on fresh nodes:

  hash_password       hash-password reads the password from stdin and prints
                      pbkdf2-sha256$<iterations>$<salt>$<key>; --iterations; --version, --help;
                      usage errors exit 2
  single_node         one node whose eureka.admin.users holds an admin (alice) and a reader (rob),
                      both hashed by `caf-eureka-admin hash-password`; three instances registered
                      over the Eureka REST API. status, actors, instances (--app, --status) and
                      instance print tables and, with --json, JSON that parses into what was
                      registered. The actions refused (exit 1, the server's reason on stderr,
                      nothing changed as the Eureka API shows) without credentials, with a wrong
                      password, and for the reader; done (exit 0, the effect seen through the
                      Eureka API) for alice with the password from CAF_EUREKA_ADMIN_PASSWORD, from
                      --password-file, and in the URL (with the warning); an unknown instance
                      (exit 1); an unreachable URL (exit 3, the URL named)
  cluster             three nodes on loopback as one cluster: an instance registered on A is shown
                      by `instances` with all three URLs, one status column per node, UP on each;
                      --json is an object keyed by the three URLs; status and actors show the
                      three nodes side by side (two replicas available each, replication peers
                      up); an override set through A shows on all three columns; with C stopped,
                      the view still shows A and B and exits 3 naming C

Usage: admin_cli_test.py --node <caf-eureka-node> --admin <caf-eureka-admin> [--workdir DIR]
                         [--only STEP,...]
Python 3 standard library only; loopback only; every child is killed at the end, also on failure.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "interop", "common"))
from harness import (ServerView, Aborted, Child, StepFailed, StepRunner, check, free_port, http,  # noqa: E402
                     instance_doc, log, run_main, wait_for)

STEPS = ["hash_password", "single_node", "cluster"]
OVERALL_TIMEOUT = 200  # below the CTest TIMEOUT, so the script cleans up itself
CLI_TIMEOUT = 30  # one caf-eureka-admin run (ASan build, PBKDF2)
REPLICATION_DEADLINE = 10.0
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")
HASH_RE = re.compile(r"^pbkdf2-sha256\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$")

ALICE_PASSWORD = "alice: correct horse"  # a ':' and a blank: only the first ':' splits user info
ROB_PASSWORD = "rob-reads"

COMMON_ARGS = ["--server.address=127.0.0.1", "--eureka.cluster.bind-address=127.0.0.1",
               "--eureka.cluster.advertised-host=127.0.0.1",
               "--eureka.server.wait-time-in-ms-when-sync-empty=5000",
               "--eureka.cluster.retry-min-ms=200", "--eureka.cluster.retry-max-ms=1000"]


class Result:
    def __init__(self, argv, proc):
        self.argv = argv
        self.code = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    def __str__(self):
        return "`%s` exited %s; stdout: %r; stderr: %r" % (
            " ".join(self.argv[1:]), self.code, self.out[:600], self.err[:400])

    def json(self):
        try:
            return json.loads(self.out)
        except ValueError as e:
            raise StepFailed("not JSON (%s): %s" % (e, self))


class Node(ServerView):
    def __init__(self, scenario, name, port, cluster_port, args):
        self.scenario = scenario
        self.name = name
        self.port = port
        self.cluster_port = cluster_port
        self.args = args
        self.child = None

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def start(self):
        argv = [self.scenario.args.node, "--server.port=%d" % self.port,
                "--eureka.cluster.port=%d" % self.cluster_port] + COMMON_ARGS + self.args
        self.child = Child(self.name, argv, os.path.join(self.scenario.step_dir, self.name + ".log"))
        self.scenario.children.append(self.child)
        return self.child

    def lines(self):
        return list(self.child.lines) if self.child else []

    def kill(self):
        if self.child:
            self.child.kill()

    def registered(self, app, iid):
        """(status, overriddenStatus) through the Eureka API, None when absent."""
        inst = self.instance(app, iid)
        return None if inst is None else (inst["status"], inst.get("overriddenStatus"))


def register(node, app, iid, **kw):
    code, text = http("POST", "%s/apps/%s" % (node.base, urllib.parse.quote(app, safe="")),
                      instance_doc(app, iid, **kw))
    check(code == 204, "register %s/%s on %s: %s %s" % (app, iid, node.name, code, text[:200]))


class Scenario(StepRunner):
    def __init__(self, args):
        self.args = args
        self.workdir = args.workdir
        self.children = []
        self.step_nodes = []
        self.step_dir = self.workdir
        self.hashes = {}

    # -- the CLI -------------------------------------------------------------------------------

    def admin(self, *argv, stdin="", env=None, expect=None):
        """Runs caf-eureka-admin; `expect`: the exit code it must have."""
        full = [self.args.admin] + list(argv)
        environment = {k: v for k, v in os.environ.items() if k != "CAF_EUREKA_ADMIN_PASSWORD"}
        environment.update(env or {})
        try:
            proc = subprocess.run(full, input=stdin, capture_output=True, text=True, env=environment,
                                  timeout=CLI_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise StepFailed("`%s` did not finish within %ds" % (" ".join(argv), CLI_TIMEOUT))
        r = Result(full, proc)
        bad = [m for m in SANITIZER_MARKS if m in r.err]
        check(not bad, "sanitizer report from %s" % r)
        if expect is not None:
            check(r.code == expect, "expected exit %d: %s" % (expect, r))
        return r

    def hash_of(self, password):
        if password not in self.hashes:
            r = self.admin("hash-password", stdin=password + "\n", expect=0)
            line = r.out.strip()
            check(HASH_RE.match(line), "hash-password printed %r" % r.out)
            self.hashes[password] = line
        return self.hashes[password]

    def users_arg(self):
        return "--eureka.admin.users=alice:admin:%s,rob:read:%s" % (self.hash_of(ALICE_PASSWORD),
                                                                    self.hash_of(ROB_PASSWORD))

    # -- nodes -----------------------------------------------------------------------------------

    def start_nodes(self, names, args=()):
        ports = set()
        while len(ports) < 2 * len(names):
            ports.add(free_port())
        ports = sorted(ports)
        nodes = [Node(self, name, ports[2 * i], ports[2 * i + 1], list(args)) for i, name in enumerate(names)]
        if len(nodes) > 1:
            zone = ",".join("http://127.0.0.1:%d/eureka/" % n.port for n in nodes)
            for n in nodes:
                n.args = ["--eureka.client.service-url.default-zone=" + zone] + n.args
        self.step_nodes.extend(nodes)
        for n in nodes:
            n.start()
        for n in nodes:
            wait_for("%s to report ready" % n.name, n.ready, 30, watch=[(n.name, n.child)])
        return nodes

    def watch(self):
        return [(n.name, n.child) for n in self.step_nodes]

    def stop_cleanly(self, nodes):
        for n in nodes:
            n.kill()
        for n in nodes:
            bad = [line for line in n.lines() if any(m in line for m in SANITIZER_MARKS)]
            check(not bad, "%s: sanitizer report: %s" % (n.name, bad[:3]))
            check(n.child.proc.returncode == 0, "%s exited with code %s on SIGTERM"
                  % (n.name, n.child.proc.returncode))

    def scenario(self, fn):
        def run():
            self.step_nodes = []
            self.step_dir = os.path.join(self.workdir, fn.__name__)
            os.makedirs(self.step_dir, exist_ok=True)
            try:
                return fn()
            except BaseException:
                self.print_tails([n.child for n in self.step_nodes], 40, 400)
                raise
            finally:
                for n in self.step_nodes:
                    n.kill()

        return run

    # -- steps ---------------------------------------------------------------------------------

    def hash_password(self):
        line = self.hash_of("s3cret")
        m = HASH_RE.match(line)
        check(int(m.group(1)) == 20000, "default iterations: %s" % line)
        again = self.admin("hash-password", stdin="s3cret\n", expect=0).out.strip()
        check(again != line, "two hashes of one password are equal (no random salt?)")
        more = self.admin("hash-password", "--iterations", "30000", stdin="s3cret\n", expect=0).out.strip()
        check(HASH_RE.match(more) and HASH_RE.match(more).group(1) == "30000", "--iterations 30000: %s" % more)
        self.admin("hash-password", stdin="", expect=2)  # no password
        self.admin("hash-password", stdin="\n", expect=2)  # an empty one
        version = self.admin("--version", expect=0).out
        check(re.match(r"^caf-eureka-admin \d+\.\d+\.\d+", version), "--version printed %r" % version)
        usage = self.admin("--help", expect=0).out
        for word in ("status", "actors", "instances", "deregister", "override", "remove-override",
                     "hash-password", "CAF_EUREKA_ADMIN_PASSWORD", "Exit codes"):
            check(word in usage, "--help does not mention %s" % word)
        for argv in (["frobnicate"], [], ["status", "--password", "x"], ["instance", "ORDER"],
                     ["deregister", "A", "B", "--json"]):
            r = self.admin(*argv, expect=2)
            check("caf-eureka-admin:" in r.err, "no error message for %s: %s" % (argv, r))
        return "hash %s...; usage errors exit 2" % line[:24]

    def single_node(self):
        (a,) = self.start_nodes(["A"], [self.users_arg()])
        register(a, "ORDER", "o-1", metadata={"build": "42", "zone": "z1"})
        register(a, "ORDER", "o-2")
        register(a, "PAY", "p-1")
        url = ["--url", a.url]
        alice = {"CAF_EUREKA_ADMIN_PASSWORD": ALICE_PASSWORD}

        # status: table and JSON.
        r = self.admin("status", *url, expect=0)
        for word in ("version", "uptime", "ready", "applications", "instances",
                     "renews last minute / threshold", "self-preservation", "replicas"):
            check(word in r.out, "status lacks %r: %s" % (word, r))
        check(re.search(r"^instances\s+3 \(UP 3\)", r.out, re.M), "status: not 3 instances UP: %s" % r)
        doc = self.admin("status", "--json", *url, expect=0).json()
        check(doc["registry"]["instances"] == 3 and doc["registry"]["applications"] == 2,
              "status --json: %s" % doc.get("registry"))

        # actors: every actor.
        r = self.admin("actors", *url, expect=0)
        for word in ("Directory", "Registry actors", "ORDER", "PAY", "Eviction", "last sweep", "decision",
                     "Replication", "Gateway", "connections open"):
            check(word in r.out, "actors lacks %r: %s" % (word, r))
        doc = self.admin("actors", "--json", *url, expect=0).json()
        check(sorted(x["app"] for x in doc["registries"]) == ["ORDER", "PAY"], "actors --json: %s"
              % doc.get("registries"))

        # instances: table, filters, JSON.
        r = self.admin("instances", *url, expect=0)
        rows = [line.split() for line in r.out.splitlines()]
        check(rows[0] == ["APP", "ID", "STATUS", "OVERRIDE", "HOST:PORT", "ZONE"], "header: %s" % r)
        check(["ORDER", "o-1", "UP", "-", "host-o-1:8080", "z1"] in rows, "o-1 row: %s" % r)
        check(["PAY", "p-1", "UP", "-", "host-p-1:8080", "-"] in rows, "p-1 row: %s" % r)
        r = self.admin("instances", "--app", "pay", *url, expect=0)
        check("p-1" in r.out and "o-1" not in r.out, "--app pay: %s" % r)
        doc = self.admin("instances", "--json", *url, expect=0).json()
        ids = sorted(i["instanceId"] for app in doc["applications"]["application"] for i in app["instance"])
        check(ids == ["o-1", "o-2", "p-1"], "instances --json: %s" % ids)
        doc = self.admin("instances", "--json", "--app", "ORDER", *url, expect=0).json()
        check([app["name"] for app in doc["applications"]["application"]] == ["ORDER"],
              "instances --json --app ORDER: %s" % doc)

        # instance: metadata and lease timestamps.
        r = self.admin("instance", "ORDER", "o-1", *url, expect=0)
        for pattern in (r"metadata\.build\s+42", r"registered\s+20\d\d-", r"last renewal\s+20\d\d-",
                        r"status\s+UP"):
            check(re.search(pattern, r.out), "instance lacks /%s/: %s" % (pattern, r))
        doc = self.admin("instance", "ORDER", "o-1", "--json", *url, expect=0).json()
        check(doc["instance"]["metadata"]["build"] == "42", "instance --json: %s" % doc)
        r = self.admin("instance", "ORDER", "nope", *url, expect=1)
        check("no such instance" in r.err, "unknown instance: %s" % r)

        # Actions refused: nothing changes.
        def unchanged():
            check(a.registered("ORDER", "o-1") == ("UP", "UNKNOWN"), "o-1 changed: %s" % (a.registered("ORDER", "o-1"),))
            check(a.registered("ORDER", "o-2") == ("UP", "UNKNOWN"), "o-2 changed: %s" % (a.registered("ORDER", "o-2"),))

        refusals = []
        for label, creds, env, code_word in (
                ("no credentials", [], {}, "401"),
                ("wrong password", ["--user", "alice"], {"CAF_EUREKA_ADMIN_PASSWORD": "wrong"}, "401"),
                ("reader", ["--user", "rob"], {"CAF_EUREKA_ADMIN_PASSWORD": ROB_PASSWORD}, "403")):
            for action in (["deregister", "ORDER", "o-1"], ["override", "ORDER", "o-2", "OUT_OF_SERVICE"],
                           ["remove-override", "ORDER", "o-2"]):
                r = self.admin(*(action + url + creds), env=env, expect=1)
                check(code_word in r.err and a.url in r.err, "%s, %s: %s" % (label, action[0], r))
                unchanged()
            refusals.append("%s %s" % (label, code_word))
        # Reads with a wrong password are refused too (credentials, when sent, must be right).
        self.admin("status", "--user", "alice", *url, env={"CAF_EUREKA_ADMIN_PASSWORD": "wrong"}, expect=1)

        # Actions done, with each way of giving the password.
        r = self.admin("override", "ORDER", "o-2", "OUT_OF_SERVICE", "--user", "alice", *url, env=alice,
                       expect=0)
        check(a.registered("ORDER", "o-2") == ("OUT_OF_SERVICE", "OUT_OF_SERVICE"),
              "after override: %s (%s)" % (a.registered("ORDER", "o-2"), r))
        r = self.admin("instances", "--status", "OUT_OF_SERVICE", *url, expect=0)
        rows = [line.split() for line in r.out.splitlines()[1:]]
        check(rows == [["ORDER", "o-2", "OUT_OF_SERVICE", "OUT_OF_SERVICE", "host-o-2:8080", "-"]],
              "--status OUT_OF_SERVICE: %s" % r)
        r = self.admin("remove-override", "ORDER", "o-2", "--user", "alice", *url, env=alice, expect=0)
        state = a.registered("ORDER", "o-2")
        check(state is not None and state[1] == "UNKNOWN" and state[0] != "OUT_OF_SERVICE",
              "after remove-override: %s (%s)" % (state, r))
        password_file = os.path.join(self.step_dir, "password")
        with open(password_file, "w") as f:
            f.write(ALICE_PASSWORD + "\n")
        self.admin("override", "ORDER", "o-2", "DOWN", "--user", "alice", "--password-file", password_file,
                   *url, expect=0)
        check(a.registered("ORDER", "o-2") == ("DOWN", "DOWN"), "after override DOWN: %s"
              % (a.registered("ORDER", "o-2"),))
        self.admin("remove-override", "ORDER", "o-2", "--value", "UP", "--user", "alice", "--password-file",
                   password_file, *url, expect=0)
        check(a.registered("ORDER", "o-2") == ("UP", "UNKNOWN"), "after remove-override --value UP: %s"
              % (a.registered("ORDER", "o-2"),))
        in_url = "http://alice:%s@127.0.0.1:%d" % (urllib.parse.quote(ALICE_PASSWORD, safe=""), a.port)
        r = self.admin("deregister", "ORDER", "o-1", "--url", in_url, expect=0)
        check("warning" in r.err and "visible" in r.err, "no warning for a password in the URL: %s" % r)
        check(ALICE_PASSWORD not in r.out + r.err, "the password was printed: %s" % r)
        check(a.registered("ORDER", "o-1") is None, "o-1 still registered after deregister")
        r = self.admin("deregister", "ORDER", "o-1", "--user", "alice", *url, env=alice, expect=1)
        check("no such instance" in r.err, "deregister twice: %s" % r)

        # An unreachable node.
        dead = "http://127.0.0.1:%d" % free_port()
        r = self.admin("status", "--url", dead, expect=3)
        check(dead in r.err, "unreachable: the URL is not named: %s" % r)
        self.stop_cleanly([a])
        return "reads, refusals (%s), override/remove-override/deregister by env, file and URL" % (
            ", ".join(refusals))

    def cluster(self):
        nodes = self.start_nodes(["A", "B", "C"], [self.users_arg()])
        a, b, c = nodes
        urls = [arg for n in nodes for arg in ("--url", n.url)]
        register(a, "ORDER", "c-1")
        for n in (b, c):
            wait_for("the registration on %s" % n.name, lambda n=n: n.registered("ORDER", "c-1"),
                     REPLICATION_DEADLINE, watch=self.watch())

        r = self.admin("instances", *urls, expect=0)
        lines = r.out.splitlines()
        names = ["127.0.0.1:%d" % n.port for n in nodes]
        check(lines[0].split() == ["APP", "ID"] + names + ["OVERRIDE", "HOST:PORT", "ZONE"],
              "cluster header: %s" % r)
        check(["ORDER", "c-1", "UP", "UP", "UP", "-", "host-c-1:8080", "-"] in [l.split() for l in lines],
              "c-1 not UP on all three: %s" % r)
        doc = self.admin("instances", "--json", *urls, expect=0).json()
        check(sorted(doc) == sorted(n.url for n in nodes), "--json keys: %s" % list(doc))
        for n in nodes:
            ids = [i["instanceId"] for app in doc[n.url]["applications"]["application"] for i in app["instance"]]
            check(ids == ["c-1"], "--json of %s: %s" % (n.name, ids))

        r = self.admin("status", *urls, expect=0)
        check(all(name in r.out.splitlines()[0] for name in names), "status header: %s" % r)
        check(re.search(r"^replicas(\s+2 available, 0 unavailable){3}$", r.out, re.M),
              "status: not two replicas available on each: %s" % r)
        r = self.admin("actors", *urls, expect=0)
        peer_rows = [l for l in r.out.splitlines() if "/eureka/" in l and "caf-eureka" in l]
        check(len(peer_rows) == 6 and all(" up" in l for l in peer_rows),
              "actors: not 6 peer links up: %s" % r)

        env = {"CAF_EUREKA_ADMIN_PASSWORD": ALICE_PASSWORD}
        self.admin("override", "ORDER", "c-1", "OUT_OF_SERVICE", "--user", "alice", *urls, env=env, expect=0)

        def all_out_of_service():
            out = self.admin("instances", *urls, expect=0).out
            return ["ORDER", "c-1", "OUT_OF_SERVICE", "OUT_OF_SERVICE", "OUT_OF_SERVICE", "OUT_OF_SERVICE",
                    "host-c-1:8080", "-"] in [l.split() for l in out.splitlines()]

        wait_for("the override in all three columns", all_out_of_service, REPLICATION_DEADLINE,
                 watch=self.watch(), interval=0.5)

        c.kill()
        r = self.admin("instances", *urls, expect=3)
        check(c.url in r.err, "stopped C not named: %s" % r)
        check("c-1" in r.out and "(failed)" in r.out.splitlines()[0], "view without C: %s" % r)
        self.stop_cleanly([a, b])
        return "3 nodes side by side (instances, --json, status, actors), override replicated, C stopped -> exit 3"

    def run(self):
        only = set(self.args.only.split(",")) if self.args.only else None
        for step in STEPS:
            if only is None or step in only:
                self.run_step(step, self.scenario(getattr(self, step)))
        return 0 if not self.any_failed() else 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--node", required=True)
    ap.add_argument("--admin", required=True)
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--only", default=None, help="comma-separated steps to run (default: all)")
    args = ap.parse_args()
    args.workdir = args.workdir or tempfile.mkdtemp(prefix="admin-cli-")
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
