// server.mjs — one ordersync behind a private lighttpd (deploy/lighttpd/serve.sh),
// started and stopped as a process group, so a story can take the shop down and
// bring it back on the same port and database.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A loopback port nobody listens on right now (the kernel picks it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** 1 when something accepts TCP connections on 127.0.0.1:port. */
function listening(port) {
  return new Promise((resolve) => {
    const c = net.connect({ host: '127.0.0.1', port });
    c.once('connect', () => { c.destroy(); resolve(true); });
    c.once('error', () => resolve(false));
    c.setTimeout(1000, () => { c.destroy(); resolve(false); });
  });
}

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

export class Server {
  /**
   * top: the repository; db: the SQLite file; dir: serve.sh's working directory
   * (config, socket, error.log); pollMs: ORDERSYNC_POLL_MS; env: extra variables
   * (ORDERSYNC_ADMIN_EMAIL/PASSWORD for a new database); base: a mount prefix;
   * bin: another app binary (e.g. the sanitizer build).
   */
  constructor({ top, db, dir, pollMs, env = {}, base = '', bin = '' }) {
    this.bin = bin;
    this.top = top;
    this.db = db;
    this.dir = dir;
    this.pollMs = pollMs;
    this.env = env;
    this.basePath = base;
    this.port = null;
    this.pgid = null;
  }

  get url() {
    return `http://127.0.0.1:${this.port}${this.basePath}`;
  }

  get errorLog() {
    return path.join(this.dir, 'error.log');
  }

  /** Starts lighttpd + the app on `port` (a free one when not given); resolves once /healthz answers. */
  async start(port = this.port) {
    if (this.pgid) throw new Error('server already running');
    this.port = port || (await freePort());
    if (await listening(this.port)) throw new Error(`port ${this.port} is already taken`);
    fs.mkdirSync(this.dir, { recursive: true });
    const logStart = fs.existsSync(this.errorLog) ? fs.statSync(this.errorLog).size : 0;
    // serve.sh leaves lighttpd running with our stdout: a file, not a pipe, so
    // nothing waits on a pipe that lighttpd keeps open.
    const outFile = path.join(this.dir, 'serve.out');
    const out = fs.openSync(outFile, 'w');
    const args = [path.join(this.top, 'deploy/lighttpd/serve.sh'), '--port', String(this.port),
      '--db', this.db, '--dir', this.dir, '--poll-ms', String(this.pollMs)];
    if (this.basePath) args.push('--base', this.basePath);
    if (this.bin) args.push('--bin', path.resolve(this.bin));
    const child = spawn('sh', args, {
      cwd: this.top,
      stdio: ['ignore', out, out],
      env: { ...process.env, ...this.env },
    });
    fs.closeSync(out);
    const code = await new Promise((resolve) => {
      const timer = setTimeout(() => { child.kill('SIGKILL'); resolve('timeout'); }, 30000);
      child.once('exit', (c) => { clearTimeout(timer); resolve(c); });
    });
    const text = fs.readFileSync(outFile, 'utf8');
    const pgid = Number.parseInt(text.trim().split('\n').pop(), 10);
    if (code !== 0 || !Number.isSafeInteger(pgid) || pgid <= 1) {
      throw new Error(`serve.sh failed (${code}): ${text.trim().slice(-800)}`);
    }
    this.pgid = pgid;
    // /healthz could have been answered by someone else's server on a port
    // taken between our check and lighttpd's bind: make sure ours is alive.
    await sleep(100);
    const log = fs.existsSync(this.errorLog) ? fs.readFileSync(this.errorLog, 'utf8').slice(logStart) : '';
    if (!groupAlive(pgid) || /can't bind/.test(log)) {
      this.pgid = null;
      throw new Error(`lighttpd did not stay up on port ${this.port}: ${log.slice(-500)}`);
    }
    return this;
  }

  /** Stops the whole process group (lighttpd and every app process); resolves once it is gone. */
  async stop() {
    const pgid = this.pgid;
    if (!pgid) return;
    this.pgid = null;
    try { process.kill(-pgid, 'SIGTERM'); } catch { return; }
    const end = Date.now() + 5000;
    while (groupAlive(pgid) && Date.now() < end) await sleep(50);
    if (groupAlive(pgid)) {
      try { process.kill(-pgid, 'SIGKILL'); } catch { /* gone meanwhile */ }
      const end2 = Date.now() + 2000;
      while (groupAlive(pgid) && Date.now() < end2) await sleep(50);
    }
    // The port must be free before a restart binds it again.
    const end3 = Date.now() + 3000;
    while ((await listening(this.port)) && Date.now() < end3) await sleep(50);
  }

  /** For exit handlers: signals the group at once, without waiting. */
  stopNow() {
    if (!this.pgid) return;
    try { process.kill(-this.pgid, 'SIGTERM'); } catch { /* already gone */ }
    try { process.kill(-this.pgid, 'SIGKILL'); } catch { /* already gone */ }
    this.pgid = null;
  }
}
