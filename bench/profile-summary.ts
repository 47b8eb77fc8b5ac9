import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `npx node bench/profile-summary.ts <file.cpuprofile | dir> [top] [last-seconds]`: self time of a
 * `--cpu-prof` profile summed by function and by package, as shares of the busy time (idle and GC
 * shown apart), optionally of its last seconds only (the load, without the start-up before it).
 * Shares stay meaningful on a loaded machine, where absolute times do not.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  endTime: number;
  startTime: number;
}

// Piped into `head`: stop quietly when the reader has had enough.
process.stdout.on('error', () => process.exit(0));
const target = process.argv[2];
const top = Number(process.argv[3] ?? 25);
const lastSeconds = Number(process.argv[4] ?? 0);
if (!target) {
  process.stderr.write('usage: bench/profile-summary.ts <file.cpuprofile | directory> [top]\n');
  process.exit(2);
}
const file = statSync(target).isDirectory()
  ? join(
      target,
      readdirSync(target)
        .filter((name) => name.endsWith('.cpuprofile'))
        .sort()
        .at(-1) ?? '',
    )
  : target;
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

/** node_modules/<package> (scoped too), node's own modules, or our source folder. */
function packageOf(url: string): string {
  if (!url) return '(native)';
  if (url.startsWith('node:')) return 'node:*';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const [first, second] = url.slice(modules + 'node_modules/'.length).split('/');
    return first?.startsWith('@') ? `${first}/${second}` : (first ?? '?');
  }
  const ours = /\/(src|db|bench)\/(.*)$/.exec(url);
  return ours ? `${ours[1]}/${ours[2]?.split('/').slice(0, -1).join('/') || '.'}` : url;
}

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const byFunction = new Map<string, number>();
const byPackage = new Map<string, number>();
let busy = 0;
let idle = 0;
let gc = 0;
const from = lastSeconds ? profile.endTime - lastSeconds * 1e6 : 0;
let at = profile.startTime;
profile.samples.forEach((id, i) => {
  const node = byId.get(id);
  const dt = profile.timeDeltas[i] ?? 0;
  at += dt;
  if (at < from) return;
  const name = node?.callFrame.functionName ?? '';
  if (name === '(idle)' || name === '(program)') {
    idle += dt;
    return;
  }
  if (name === '(garbage collector)') gc += dt;
  busy += dt;
  const url = node?.callFrame.url ?? '';
  const fn = `${name || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${(node?.callFrame.lineNumber ?? 0) + 1}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + dt);
  const pkg = name === '(garbage collector)' ? '(gc)' : packageOf(url);
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + dt);
});

const share = (us: number) => `${((100 * us) / busy).toFixed(1).padStart(5)} %`;
const print = (title: string, entries: Map<string, number>) => {
  process.stdout.write(`\n${title}\n`);
  for (const [name, us] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, top))
    process.stdout.write(`${share(us)}  ${name}\n`);
};
process.stdout.write(
  `${file}\nbusy ${(busy / 1e6).toFixed(2)} s (gc ${share(gc).trim()}), idle/program ${(idle / 1e6).toFixed(2)} s\n`,
);
print('self time by package', byPackage);
print('self time by function', byFunction);
