// A fresh server process with nothing configured (newcomer mode: SQLite,
// in-process Redis, the platform sandboxes), as a newcomer starts it, and
// what its log prints.
import { spawn, execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { artifacts, repo, until } from './harness.mjs';

/** The server binary: CC_SERVER_BIN, or one built now. */
export function serverBinary() {
  if (process.env.CC_SERVER_BIN) return process.env.CC_SERVER_BIN;
  const bin = join(mkdtempSync(join(tmpdir(), 'codecredit-bin-')), 'server');
  execFileSync('go', ['build', '-o', bin, './server'], { cwd: repo, stdio: 'inherit' });
  return bin;
}

/** Starts the binary with only PATH, HOME, PORT and a fresh data directory. */
export async function startNewcomer(logName, bin = serverBinary()) {
  const work = mkdtempSync(join(tmpdir(), 'codecredit-newcomer-'));
  const port = await new Promise((ok) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => ok(p)); }); });
  const out = createWriteStream(join(artifacts, logName));
  const proc = spawn(bin, [], { cwd: work, env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), DATA_DIR: join(work, 'data') },
    stdio: ['ignore', 'pipe', 'pipe'] });
  // The log as this process printed it, read from its own output.
  let text = '';
  const keep = (chunk) => { text += chunk; out.write(chunk); };
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);
  const logged = () => text.split('\n').filter((l) => l.startsWith('{')).map((l) => { try { return JSON.parse(l); } catch { return {}; } });
  await until('the log to say the server is listening', async () => logged().some((l) => l.msg === 'listening'), 60000);
  return { proc, logged, stop: () => proc.kill('SIGTERM') };
}
