#!/usr/bin/env node
'use strict';
/*
 * Interop client: the real eureka-js-client (npm, pinned in package-lock.json), driven by
 * scenario.py.
 *
 *   node client.js --eureka-port=P --service-path=/eureka/apps/ --app=it-js
 *                  [--instance-id=ID] [--host-name=H] --instance-port=N [--delta]
 *                  [--style=readme|newer|spring]
 *                  [--all-statuses]   (filterUpInstances: false)
 *                  [--watch-app=APP ...] [--watch-vip=VIP ...]
 *
 * It starts one Eureka client with fast timers (heartbeat and registry fetch every second,
 * lease 1 s / 5 s), then reports on stdout, one JSON document a line:
 *
 *   EVENT {"event":"registered"|"heartbeat"|"registryUpdated"|"deregistered"|"started"
 *          |"start_cb"|"stop_cb"|"fetch_error","err":null|"message","t":ms}
 *   REQUEST {"method":"PUT","path":"/eureka/apps/it-js/ID","status":200,"encoding":null,
 *            "error":null,"t":ms}
 *       one per HTTP exchange the library made (path as sent on the wire, query included)
 *   OBSERVED {"seq":n,"apps":{APP:[inst...]},"vips":{VIP:[inst...]},"t":ms}
 *       what getInstancesByAppId / getInstancesByVipAddress return for the watched names,
 *       printed whenever it changes
 *
 * Commands on stdin, one a line: `stop` (client.stop(), then exit), `exit`.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const readline = require('readline');

const libMain = require.resolve('eureka-js-client');
// The `request` module instance eureka-js-client itself loads (it calls request[method] per call).
const request = require(require.resolve('request', { paths: [path.dirname(libMain)] }));
const { Eureka } = require('eureka-js-client');

function parseArgs(argv) {
  const out = {
    watchApp: [], watchVip: [], delta: false, style: 'readme', filterUp: true, hostName: '127.0.0.1',
  };
  for (const arg of argv) {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new Error(`bad argument ${arg}`);
    const [, key, value] = m;
    switch (key) {
      case 'eureka-port': out.eurekaPort = Number(value); break;
      case 'service-path': out.servicePath = value; break;
      case 'app': out.app = value; break;
      case 'instance-id': out.instanceId = value; break;
      case 'host-name': out.hostName = value; break;
      case 'instance-port': out.instancePort = Number(value); break;
      case 'delta': out.delta = true; break;
      case 'all-statuses': out.filterUp = false; break;
      case 'style': out.style = value; break;
      case 'watch-app': out.watchApp.push(value); break;
      case 'watch-vip': out.watchVip.push(value); break;
      default: throw new Error(`unknown option --${key}`);
    }
  }
  for (const k of ['eurekaPort', 'servicePath', 'app', 'instancePort']) {
    if (out[k] === undefined || Number.isNaN(out[k])) throw new Error(`missing --${k}`);
  }
  return out;
}

const opts = parseArgs(process.argv.slice(2));
const t0 = Date.now();

function emit(tag, doc) {
  process.stdout.write(`${tag} ${JSON.stringify(Object.assign(doc, { t: Date.now() - t0 }))}\n`);
}

// Count every exchange the library makes, as it went on the wire.
for (const method of ['get', 'post', 'put', 'del', 'delete', 'patch', 'head']) {
  const orig = request[method];
  if (typeof orig !== 'function') continue;
  request[method] = function patched(reqOpts, cb) {
    const wrapped = (error, response, body) => {
      const req = response && response.request;
      emit('REQUEST', {
        method: req ? req.method : String(method).toUpperCase(),
        path: req && req.path ? req.path : `${reqOpts.baseUrl || ''}${reqOpts.uri || ''}`,
        status: response ? response.statusCode : null,
        encoding: response ? response.headers['content-encoding'] || null : null,
        error: error ? String(error.code || error.message || error) : null,
      });
      cb(error, response, body);
    };
    return orig.call(this, reqOpts, wrapped);
  };
}

// The instance as the library's README writes it. `readme`: the first, minimal example (plain
// number port, dataCenterInfo without @class, no URLs), plus YAML-style numeric metadata.
// `newer`: the "400 Bad Request" section (port object with a boolean '@enabled', @class).
// `spring`: the "Usage with Spring Cloud" section ('@enabled' as a string, statusPageUrl).
function instanceConfig() {
  const inst = {
    app: opts.app,
    hostName: opts.hostName,
    ipAddr: '127.0.0.1',
    vipAddress: opts.app,
    leaseInfo: { renewalIntervalInSecs: 1, durationInSecs: 5 },
    metadata: { client: 'eureka-js-client' },
  };
  // Without instanceId the library (like Java's InstanceInfo.getId()) uses hostName as the id.
  if (opts.instanceId) inst.instanceId = opts.instanceId;
  if (opts.style === 'spring') {
    inst.statusPageUrl = `http://127.0.0.1:${opts.instancePort}/info`;
    inst.healthCheckUrl = `http://127.0.0.1:${opts.instancePort}/health`;
    inst.homePageUrl = `http://127.0.0.1:${opts.instancePort}/`;
    inst.port = { $: opts.instancePort, '@enabled': 'true' };
    inst.securePort = { $: 443, '@enabled': 'false' };
    inst.secureVipAddress = opts.app;
    inst.dataCenterInfo = {
      '@class': 'com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo',
      name: 'MyOwn',
    };
  } else if (opts.style === 'newer') {
    inst.port = { $: opts.instancePort, '@enabled': true };
    inst.dataCenterInfo = {
      '@class': 'com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo',
      name: 'MyOwn',
    };
  } else {
    inst.port = opts.instancePort;
    inst.dataCenterInfo = { name: 'MyOwn' };
    // Values as eureka-client.yml gives them (YAML `version: 1.2` is a number): the Java server
    // stores each as its JSON text.
    Object.assign(inst.metadata, { version: 1.2, replicas: 3, canary: false });
  }
  return inst;
}

// No stray eureka-client.yml: an empty temporary cwd and a file name that does not exist.
const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'interop-js-cwd-'));

function fmt(args) {
  return args
    .map((a) => (a instanceof Error ? a.stack || a.message : typeof a === 'string' ? a : JSON.stringify(a)))
    .join(' ');
}
const logger = {
  level() { return 20; },
  debug(...a) { process.stderr.write(`debug: ${fmt(a)}\n`); },
  info(...a) { process.stderr.write(`info: ${fmt(a)}\n`); },
  warn(...a) {
    const text = fmt(a);
    // Polling the caches for names that are (correctly) empty warns on every poll.
    if (/^Unable to retriev/.test(text)) return;
    process.stderr.write(`warn: ${text}\n`);
    // A failed periodic fetch (HTTP error, unparsable body, a registry the library chokes on)
    // is only logged by the library: surface it.
    if (/^Error fetching/.test(text)) {
      const err = a.find((x) => x instanceof Error);
      emit('EVENT', { event: 'fetch_error', err: err ? err.message : text });
    }
  },
  error(...a) { process.stderr.write(`error: ${fmt(a)}\n`); },
};

const client = new Eureka({
  cwd,
  filename: 'interop-js-no-such-file',
  logger,
  shouldUseDelta: opts.delta,
  requestMiddleware(requestOpts, done) {
    requestOpts.timeout = 3000; // `request` has no timeout of its own
    done(requestOpts);
  },
  instance: instanceConfig(),
  eureka: {
    host: '127.0.0.1',
    port: opts.eurekaPort,
    servicePath: opts.servicePath,
    heartbeatInterval: 1000,
    registryFetchInterval: 1000,
    maxRetries: 1,
    requestRetryDelay: 200,
    preferSameZone: false,
    filterUpInstances: opts.filterUp,
  },
});

for (const ev of ['started', 'registered', 'heartbeat', 'registryUpdated', 'deregistered']) {
  client.on(ev, () => emit('EVENT', { event: ev, err: null }));
}

function summary(inst) {
  return {
    id: inst.instanceId || inst.hostName, // InstanceInfo.getId() for a MyOwn data centre
    instanceId: inst.instanceId,
    app: inst.app,
    hostName: inst.hostName,
    port: inst.port && typeof inst.port === 'object' ? inst.port.$ : inst.port,
    portEnabled: inst.port && typeof inst.port === 'object' ? inst.port['@enabled'] : undefined,
    status: inst.status,
    overriddenStatus: inst.overriddenStatus !== undefined ? inst.overriddenStatus : inst.overriddenstatus,
    vipAddress: inst.vipAddress,
    dataCenterClass: inst.dataCenterInfo ? inst.dataCenterInfo['@class'] : undefined,
    leaseDuration: inst.leaseInfo ? inst.leaseInfo.durationInSecs : undefined,
    metadata: inst.metadata,
  };
}

let lastObserved = '';
let seq = 0;
function observe() {
  const doc = { apps: {}, vips: {} };
  for (const app of opts.watchApp) doc.apps[app] = client.getInstancesByAppId(app).map(summary);
  for (const vip of opts.watchVip) doc.vips[vip] = client.getInstancesByVipAddress(vip).map(summary);
  const text = JSON.stringify(doc);
  if (text !== lastObserved) {
    lastObserved = text;
    seq += 1;
    emit('OBSERVED', Object.assign({ seq }, doc));
  }
}
const observer = setInterval(observe, 100);

client.start((err) => {
  emit('EVENT', { event: 'start_cb', err: err ? String(err.message || err) : null });
});

let stopping = false;
function finish(code) {
  clearInterval(observer);
  // Let stdout drain before leaving.
  process.stdout.write('', () => process.exit(code));
}

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const cmd = line.trim();
  if (cmd === 'stop' && !stopping) {
    stopping = true;
    client.stop((err) => {
      emit('EVENT', { event: 'stop_cb', err: err ? String(err.message || err) : null });
      finish(err ? 1 : 0);
    });
  } else if (cmd === 'exit') {
    finish(0);
  }
}).on('close', () => {
  if (!stopping) finish(0); // the driver went away
});

process.on('SIGTERM', () => finish(143));
