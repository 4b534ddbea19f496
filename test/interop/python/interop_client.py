#!/usr/bin/env python3
"""The interop client: py-eureka-client (PyPI `py-eureka-client`) registered with a Eureka server.

Runs a `py_eureka_client.eureka_client.EurekaClient` exactly as an application would (register,
heartbeat + delta fetch on one timer, do_service), plus a tiny HTTP service on 127.0.0.1 that
the registered instance advertises, so discovery can be checked end to end.

Output (stdout, one JSON document a line):
  OBSERVED {...}   once a second: what the client sees (its local registry as parsed from the
                   server's XML, the hash it reconciles with, and every HTTP request it made,
                   counted by operation and response code)
  REPLY {...}      the answer to one command
  EVENT {...}      notable things (the client's on_error callback)

Commands (stdin, one JSON document a line, each with an "id"):
  {"cmd":"observe"}                            print an OBSERVED line now
  {"cmd":"call","app":A,"path":P,"n":N}        N x do_service(A, P): the bodies returned
  {"cmd":"status_update","value":S}            client.status_update(S)   (PUT .../status?value=S)
  {"cmd":"delete_override"}                    client.delete_status_override()  (DELETE .../status)
  {"cmd":"basic","base":URL,"app":A,"iid":I,"vip":V}
                                               the library's module functions (eureka_basic):
                                               get_applications, get_delta, get_application,
                                               get_app_instance, get_instance, get_vip,
                                               get_secure_vip against URL, parsed summaries back
  {"cmd":"wait_tick"}                          answer right after the next delta fetch (the heartbeat
                                               thread fetches one after each heartbeat)
  {"cmd":"stop"}                               right after a heartbeat tick: client.stop()
                                               (re-POST with DOWN, then DELETE), then exit 0

The transport is the library's own (httpx, `Accept: */*`, so the server answers XML); requests
are counted through the library's public `http_client.set_http_client` hook, which wraps -- and
does not change -- the default client.
"""

import argparse
import asyncio
import http.server
import json
import os
import re
import sys
import threading
import time
import traceback
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit

import py_eureka_client
import py_eureka_client.eureka_basic as eureka_basic
import py_eureka_client.http_client as http_client
from py_eureka_client.eureka_client import EurekaClient

_print_lock = threading.Lock()


def emit(tag, doc):
    line = "%s %s\n" % (tag, json.dumps(doc, sort_keys=True))
    with _print_lock:
        sys.stdout.write(line)
        sys.stdout.flush()


# ----------------------------------------------------------------------------------------------
# counting transport


def classify(method, url):
    """Operation name of one request, from its method and path."""
    path = urlsplit(url).path
    if "/apps" not in path and "/instances/" not in path and "/vips/" not in path \
            and "/svips/" not in path:
        return "service"            # do_service to a registered instance
    if path.endswith("/status"):
        return {"PUT": "status_update", "DELETE": "status_delete"}.get(method, "other")
    if method == "POST":
        return "register"
    if method == "PUT":
        return "renew"
    if method == "DELETE":
        return "cancel"
    if path.endswith("/apps/") or path.endswith("/apps"):
        return "full"
    if path.endswith("/apps/delta"):
        return "delta"
    return "get"


class CountingHttpClient(http_client.HttpClient):
    """The library's default HttpClient, with every request and its outcome recorded."""

    def __init__(self):
        super().__init__()
        self.lock = threading.Lock()
        self.requests = {}          # op -> {code: n}
        self.headers = {}           # op -> what the last response said (content type, encoding)
        self.sent = {}              # op -> request headers the library sent last time
        self.register_status = []   # "status" of each register body, in order
        self.server_hash = None     # apps__hashcode of the last full or delta document
        self.server_version = None  # versions__delta of the same
        self.delta_done = threading.Condition(self.lock)
        self.delta_seq = 0

    async def urlopen(self, request=None, data=None, timeout=None):
        if isinstance(request, http_client.HttpRequest):
            method, url = request.method, request.url
        else:
            method, url = "GET", str(request)
        op = classify(method, url)
        if op == "register" and data:
            try:
                body = json.loads(data)
                with self.lock:
                    self.register_status.append(body["instance"].get("status"))
            except (ValueError, KeyError, TypeError):
                pass
        code = "error"
        try:
            res = await super().urlopen(request, data=data, timeout=timeout)
            raw = res.raw_response
            code = str(raw.status_code)
            with self.lock:
                self.headers[op] = {
                    "content-type": raw.headers.get("content-type", ""),
                    "content-encoding": raw.headers.get("content-encoding", ""),
                }
                self.sent[op] = {k.lower(): v for k, v in raw.request.headers.items()
                                 if k.lower() in ("accept", "accept-encoding", "content-type",
                                                  "connection", "authorization")}
                if op in ("full", "delta"):
                    m = re.search(r"<apps__hashcode>([^<]*)</apps__hashcode>", res.body_text)
                    v = re.search(r"<versions__delta>([^<]*)</versions__delta>", res.body_text)
                    self.server_hash = m.group(1) if m else None
                    self.server_version = v.group(1) if v else None
            return res
        except HTTPError as e:
            code = str(e.code)
            raise
        except URLError:
            code = "error"
            raise
        finally:
            with self.lock:
                self.requests.setdefault(op, {})
                self.requests[op][code] = self.requests[op].get(code, 0) + 1
                if op == "delta":
                    self.delta_seq += 1
                    self.delta_done.notify_all()

    def snapshot(self):
        with self.lock:
            return {
                "requests": json.loads(json.dumps(self.requests)),
                "responseHeaders": dict(self.headers),
                "sentHeaders": dict(self.sent),
                "registerStatus": list(self.register_status),
                "serverHash": self.server_hash,
                "serverVersion": self.server_version,
            }


# ----------------------------------------------------------------------------------------------
# what the client sees


def instance_doc(inst):
    lease = inst.leaseInfo
    dc = inst.dataCenterInfo
    return {
        "id": inst.instanceId,
        "app": inst.app,
        "hostName": inst.hostName,
        "ipAddr": inst.ipAddr,
        "status": inst.status,
        "overriddenstatus": inst.overriddenstatus,
        "port": inst.port.port if inst.port else None,
        "portEnabled": inst.port.enabled if inst.port else None,
        "securePort": inst.securePort.port if inst.securePort else None,
        "securePortEnabled": inst.securePort.enabled if inst.securePort else None,
        "countryId": inst.countryId,
        "dataCenterClass": dc.className if dc else None,
        "dataCenterName": dc.name if dc else None,
        "renewalIntervalInSecs": lease.renewalIntervalInSecs if lease else None,
        "durationInSecs": lease.durationInSecs if lease else None,
        "registrationTimestamp": lease.registrationTimestamp if lease else None,
        "metadata": dict(inst.metadata or {}),
        "vipAddress": inst.vipAddress,
        "secureVipAddress": inst.secureVipAddress,
        "homePageUrl": inst.homePageUrl,
        "isCoordinatingDiscoveryServer": inst.isCoordinatingDiscoveryServer,
        "lastDirtyTimestamp": inst.lastDirtyTimestamp,
        "actionType": inst.actionType,
    }


def applications_doc(applications):
    """{APP: [instance...]} plus the reconcile hash computed as the client computes it."""
    apps = {}
    counts = {}
    if applications is None:
        return None, None
    for app in list(applications.applications):
        insts = sorted(app.instances, key=lambda i: i.instanceId or "")
        apps.setdefault(app.name, [])
        for inst in insts:
            apps[app.name].append(instance_doc(inst))
            st = (inst.status or "").upper()
            counts[st] = counts.get(st, 0) + 1
    reconcile = "".join("%s_%d_" % (k, counts[k]) for k in sorted(counts))
    return apps, reconcile


class Observer:
    def __init__(self, client, transport, args):
        self.client = client
        self.transport = transport
        self.args = args
        self.started = time.time()
        self.errors = []

    def on_error(self, error_type, exception):
        doc = {"type": error_type, "error": "%s: %s" % (type(exception).__name__, exception)}
        self.errors.append(doc)
        emit("EVENT", doc)

    def observe(self):
        try:
            apps, reconcile = applications_doc(self.client.applications)
        except Exception as e:  # the registry is read while the heartbeat thread updates it
            apps, reconcile = None, None
            emit("EVENT", {"type": "observe", "error": repr(e)})
        doc = {
            "t": round(time.time() - self.started, 3),
            "self": {"app": self.args.app.upper(), "id": self.args.instance_id,
                     "port": self.args.instance_port},
            "apps": apps,
            "hash": reconcile,
            "errors": len(self.errors),
        }
        doc.update(self.transport.snapshot())
        emit("OBSERVED", doc)


# ----------------------------------------------------------------------------------------------
# the advertised service


class HelloHandler(http.server.BaseHTTPRequestHandler):
    name = "?"

    def do_GET(self):
        body = ("hello from %s %s" % (self.name, self.path)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        pass


def start_service(name):
    handler = type("Handler", (HelloHandler,), {"name": name})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="service", daemon=True).start()
    return server


# ----------------------------------------------------------------------------------------------
# commands


def summarize_applications(applications):
    apps, reconcile = applications_doc(applications)
    return {"versions__delta": applications.versions__delta,
            "apps__hashcode": applications.apps__hashcode,
            "apps": apps, "hash": reconcile}


async def cmd_basic(cmd):
    """The library's module-level API (py_eureka_client.eureka_basic) against one base URL."""
    base, app, iid, vip = cmd["base"], cmd["app"], cmd["iid"], cmd["vip"]
    out = {}

    async def attempt(name, coro_fn):
        try:
            out[name] = {"ok": True, "value": await coro_fn()}
        except HTTPError as e:
            out[name] = {"ok": False, "error": "HTTP %s" % e.code}
        except Exception as e:
            out[name] = {"ok": False, "error": "%s: %s" % (type(e).__name__, e)}

    async def full():
        return summarize_applications(await eureka_basic.get_applications(base))

    async def delta():
        return summarize_applications(await eureka_basic.get_delta(base))

    async def application():
        a = await eureka_basic.get_application(base, app)
        return {"name": a.name, "instances": [instance_doc(i) for i in a.instances]}

    async def app_instance():
        return instance_doc(await eureka_basic.get_app_instance(base, app, iid))

    async def instance():
        # 0.13.3's get_instance forgets to await its inner coroutine (a client bug): the caller
        # gets a coroutine back and must await it once more.
        res = await eureka_basic.get_instance(base, iid)
        if asyncio.iscoroutine(res):
            res = await res
        return instance_doc(res)

    async def vips():
        return summarize_applications(await eureka_basic.get_vip(base, vip))

    async def svips():
        return summarize_applications(await eureka_basic.get_secure_vip(base, vip))

    async def missing_app():
        await eureka_basic.get_application(base, "NO-SUCH-APP-INTEROP")
        return "no error"

    for name, fn in (("full", full), ("delta", delta), ("application", application),
                     ("app_instance", app_instance), ("instance", instance), ("vip", vips),
                     ("svip", svips), ("missing_app", missing_app)):
        await attempt(name, fn)
    return out


def wait_delta(transport, timeout):
    """Blocks until the heartbeat thread completes its next delta fetch (True) or timeout."""
    with transport.delta_done:
        seq = transport.delta_seq
        return transport.delta_done.wait_for(lambda: transport.delta_seq > seq, timeout=timeout)


async def handle(cmd, client, transport, observer):
    name = cmd.get("cmd")
    if name == "observe":
        observer.observe()
        return "ok"
    if name == "call":
        bodies = []
        for _ in range(int(cmd.get("n", 1))):
            try:
                bodies.append(await client.do_service(cmd["app"], cmd["path"], timeout=3))
            except Exception as e:
                bodies.append("ERROR %s: %s" % (type(e).__name__, e))
        return bodies
    if name == "status_update":
        await client.status_update(cmd["value"])
        return "ok"
    if name == "delete_override":
        await client.delete_status_override()
        return "ok"
    if name == "basic":
        return await cmd_basic(cmd)
    if name == "wait_tick":
        if not wait_delta(transport, 5):
            raise TimeoutError("no delta fetch within 5 s")
        return transport.snapshot()["requests"].get("delta", {})
    if name == "stop":
        # The heartbeat thread fetches a delta right after each heartbeat and then sleeps for the
        # renewal interval; stopping just after a delta keeps its next tick out of the way.
        # (0.13.3's stop() cancels the threading.Timer, which does not end a loop that is already
        # running: a heartbeat after the DELETE would re-register. An application exits after
        # stop(), and so do we.)
        if not wait_delta(transport, 5):
            raise TimeoutError("no delta fetch within 5 s")
        await client.stop()
        return "stopped"
    raise ValueError("unknown command %r" % name)


def stdin_reader(loop, queue):
    for line in sys.stdin:
        line = line.strip()
        if line:
            loop.call_soon_threadsafe(queue.put_nowait, line)
    loop.call_soon_threadsafe(queue.put_nowait, None)


async def main_async(args):
    transport = CountingHttpClient()
    http_client.set_http_client(transport)
    service = start_service("%s client" % args.app.upper())
    args.instance_port = service.server_address[1]
    given_id = args.instance_id
    # Without an explicit id the library makes one: "<ip>:<app lower case>:<port>".
    args.instance_id = given_id or "127.0.0.1:%s:%d" % (args.app.lower(), args.instance_port)
    observer = Observer(None, transport, args)
    client = EurekaClient(
        eureka_server=args.eureka_url,
        app_name=args.app,
        instance_id=given_id,
        instance_host="127.0.0.1",
        instance_ip="127.0.0.1",
        instance_port=args.instance_port,
        renewal_interval_in_secs=1,     # heartbeat and delta fetch share this timer
        duration_in_secs=5,
        metadata=json.loads(args.metadata),
        on_error=observer.on_error,
    )
    observer.client = client
    emit("EVENT", {"type": "starting", "library": py_eureka_client.version,
                   "id": args.instance_id, "port": args.instance_port})
    await client.start()
    emit("EVENT", {"type": "started"})

    queue = asyncio.Queue()
    loop = asyncio.get_running_loop()
    threading.Thread(target=stdin_reader, args=(loop, queue), name="stdin", daemon=True).start()

    next_obs = 0.0
    while True:
        now = time.monotonic()
        if now >= next_obs:
            observer.observe()
            next_obs = now + 1.0
        try:
            line = await asyncio.wait_for(queue.get(), timeout=max(0.05, next_obs - time.monotonic()))
        except asyncio.TimeoutError:
            continue
        if line is None:            # stdin closed: the scenario is gone
            return 3
        try:
            cmd = json.loads(line)
        except ValueError:
            emit("REPLY", {"id": None, "ok": False, "error": "bad command %r" % line})
            continue
        try:
            result = await handle(cmd, client, transport, observer)
            observer.observe()
            emit("REPLY", {"id": cmd.get("id"), "ok": True, "result": result})
        except Exception as e:
            emit("REPLY", {"id": cmd.get("id"), "ok": False,
                           "error": "%s: %s" % (type(e).__name__, e),
                           "trace": traceback.format_exc()[-2000:]})
        if cmd.get("cmd") == "stop":
            return 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--eureka-url", required=True, help="e.g. http://127.0.0.1:8761/eureka/")
    p.add_argument("--app", default="interop-python")
    p.add_argument("--instance-id", default="", help="default: the library's ip:app:port")
    p.add_argument("--metadata", default="{}", help="instance metadata, a JSON object")
    args = p.parse_args()
    rc = asyncio.run(main_async(args))
    sys.stdout.flush()
    # The library's heartbeat thread never ends by itself (see the stop command).
    os._exit(rc)


if __name__ == "__main__":
    main()
