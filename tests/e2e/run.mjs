// run.mjs — ordersync's end-to-end stories in Debian's Chromium (playwright-core).
//
// Starts the app behind lighttpd (deploy/lighttpd/serve.sh) on a free port with
// a fresh database, runs the stories in tests/e2e/stories/ in order, prints one
// line per story and then "N passed, M failed", and stops everything it started
// (the server's process group, the browser) whatever happens. Screenshots go to
// tests/e2e/artifacts/ (git-ignored).
//
//   node tests/e2e/run.mjs [story-number ...]     (make e2e runs them all)
//
// Environment: CHROMIUM (default /usr/bin/chromium), E2E_POLL_MS (default 1000),
// E2E_BASE (mount prefix such as /shop; default none), E2E_BIN (the app binary,
// default cgi/ordersync.fcgi as serve.sh picks it).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { Env, Failure } from './lib/env.mjs';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './lib/app.mjs';
import { Server } from './lib/server.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const TOP = path.resolve(HERE, '../..');
const ARTIFACTS = path.join(HERE, 'artifacts');
const STORY_TIMEOUT_MS = 90000;
const SUITE_TIMEOUT_MS = 270000;
const POLL_MS = Number.parseInt(process.env.E2E_POLL_MS || '1000', 10);

const only = process.argv.slice(2).map(Number).filter(Number.isInteger);
const storyFiles = fs.readdirSync(path.join(HERE, 'stories'))
  .filter((f) => /^\d+-.*\.mjs$/.test(f))
  .sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10));

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ordersync-e2e-'));
const servers = [];
let env = null;
let passed = 0;
let failed = 0;

/** Stops what is still running, synchronously: for exit paths. */
function stopAllNow() {
  for (const s of servers) s.stopNow();
}
process.on('exit', stopAllNow);
// A step that fails inside Promise.all leaves its partner waiting; when the
// story's contexts close, that partner rejects with nobody listening. The story
// has already failed by then: never let it take the whole run down.
process.on('unhandledRejection', (err) => {
  if (process.env.E2E_DEBUG) console.log(`e2e: late rejection: ${err && err.message}`);
});
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    console.log(`\ne2e: ${sig}, stopping`);
    stopAllNow();
    fs.rmSync(work, { recursive: true, force: true });
    process.exit(130);
  });
}

/** A server of this run (stopped at the end); the stories' second servers come from here too. */
function makeServer(name, opts = {}) {
  const s = new Server({
    top: TOP,
    db: path.join(work, 'ordersync.db'),
    dir: path.join(work, name),
    pollMs: POLL_MS,
    base: process.env.E2E_BASE || '',
    bin: process.env.E2E_BIN || '',
    env: {
      ORDERSYNC_ADMIN_EMAIL: ADMIN_EMAIL,
      ORDERSYNC_ADMIN_PASSWORD: ADMIN_PASSWORD,
      ORDERSYNC_LANG: 'en',
    },
    ...opts,
  });
  servers.push(s);
  return s;
}

function secs(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

async function runStory(file, no) {
  const mod = await import(pathToFileURL(path.join(HERE, 'stories', file)).href);
  const story = { no, file, name: mod.title || file };
  env.begin(story);
  const t0 = Date.now();
  let error = null;
  let timer;
  try {
    await Promise.race([
      mod.run(env),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Failure(`story took longer than ${secs(STORY_TIMEOUT_MS)}`)), STORY_TIMEOUT_MS);
      }),
    ]);
    // Let late console messages of the last step arrive before judging.
    await new Promise((r) => setTimeout(r, 150));
  } catch (err) {
    error = err;
  } finally {
    clearTimeout(timer);
  }
  const problems = env.problems.slice();
  const ok = !error && problems.length === 0;
  const took = secs(Date.now() - t0);
  if (ok) {
    passed++;
    console.log(`ok   ${no} - ${story.name} (${took})`);
  } else {
    failed++;
    console.log(`FAIL ${no} - ${story.name} (${took})`);
    if (error) {
      const msg = error instanceof Failure ? error.message : (error.stack || String(error));
      console.log(`       ${msg.split('\n').slice(0, 8).join('\n       ')}`);
    }
    for (const p of problems.slice(0, 10)) console.log(`       ${p.split('\n')[0].slice(0, 400)}`);
    if (problems.length > 10) console.log(`       … and ${problems.length - 10} more problems`);
    await env.shotAll('FAILED').catch(() => {});
  }
  if (mod.cleanup) await mod.cleanup(env).catch(() => {});
}

async function main() {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  for (const f of fs.readdirSync(ARTIFACTS)) {
    if (/\.(png|log)$/.test(f)) fs.rmSync(path.join(ARTIFACTS, f));
  }
  const server = makeServer('srv');
  const t0 = Date.now();
  await server.start();
  env = new Env({ top: TOP, artifacts: ARTIFACTS, server, pollMs: POLL_MS });
  env.makeServer = makeServer;
  const version = await env.launch();
  console.log(`e2e: ordersync at ${server.url} (poll ${POLL_MS} ms, database ${server.db}), Chromium ${version}`);
  let no = 0;
  for (const file of storyFiles) {
    no = Number.parseInt(file, 10);
    if (only.length && !only.includes(no)) continue;
    if (Date.now() - t0 > SUITE_TIMEOUT_MS) {
      failed++;
      console.log(`FAIL ${no} - not run: the suite ran out of time (${secs(SUITE_TIMEOUT_MS)})`);
      continue;
    }
    await runStory(file, no);
  }
  console.log(`e2e: took ${secs(Date.now() - t0)}; screenshots in ${path.relative(process.cwd(), ARTIFACTS) || ARTIFACTS}/`);
}

let crashed = false;
try {
  await main();
} catch (err) {
  crashed = true;
  failed++;
  console.log(`e2e: could not run: ${err.stack || err}`);
} finally {
  if (env) await env.close();
  for (const s of servers) await s.stop().catch(() => {});
  for (const s of servers) {
    if (fs.existsSync(s.errorLog)) {
      fs.copyFileSync(s.errorLog, path.join(ARTIFACTS, `${path.basename(s.dir)}-error.log`));
      if (failed > 0 || crashed) {
        const tail = fs.readFileSync(s.errorLog, 'utf8').trim().split('\n').slice(-15);
        console.log(`--- ${path.basename(s.dir)} error log (last ${tail.length} lines):\n${tail.join('\n')}`);
      }
    }
  }
  fs.rmSync(work, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
