/**
 * Test support: a small "network" of hosts on this machine — Linux network namespaces joined by veth pairs to a
 * bridge in the root namespace — so queue tests can run Redis and workers on separate hosts that reach each
 * other only over IP. Needs root and iproute2; `netnsAvailable()` probes by creating (and deleting) a namespace, so
 * a container without CAP_NET_ADMIN skips with a visible message instead of failing.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

function ip(args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${(r.stderr || r.stdout || '').trim()}`);
}

/** Why namespaces cannot be used here, or null when they can. */
export function netnsUnavailable(): string | null {
  if (process.platform !== 'linux') return 'network namespaces are Linux only';
  if (process.getuid?.() !== 0) return 'creating network namespaces needs root';
  if (spawnSync('ip', ['-V'], { stdio: 'ignore' }).status !== 0)
    return 'iproute2 is not installed (apt-get install iproute2)';
  const probe = `keelprobe${process.pid}`;
  const r = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
  if (r.status !== 0) return `ip netns add failed: ${(r.stderr || '').trim()}`;
  spawnSync('ip', ['netns', 'del', probe]);
  return null;
}

export interface NetHost {
  readonly name: string;
  readonly address: string;
  /** Start a process inside this host (its own network stack). */
  spawn(command: string, args: string[], options?: { detached?: boolean }): ChildProcess;
  /** Cut (false) or restore (true) this host's only link: a network partition, the processes keep running. */
  setLink(up: boolean): void;
}

export interface TestNetwork {
  host(role: string): NetHost;
  /** The root namespace's address on the bridge (where the test itself runs). */
  readonly gateway: string;
  destroy(): void;
}

/**
 * Hosts 10.X.Y.1, .2, … on a fresh bridge, the root namespace at .254. Names carry the pid so concurrent test runs
 * do not collide; the subnet is chosen from the pid and checked against the routes already present.
 */
export function createTestNetwork(roles: readonly string[]): TestNetwork {
  const tag = (process.pid % 100_000).toString(36);
  const routes = spawnSync('ip', ['route'], { encoding: 'utf8' }).stdout ?? '';
  let subnet = '';
  for (let k = 0; k < 250 && !subnet; k++) {
    const candidate = `10.213.${(process.pid + k) % 250}`;
    if (!routes.includes(`${candidate}.0/24`)) subnet = candidate;
  }
  const bridge = `kbr${tag}`;
  const created: { ns: string[]; links: string[] } = { ns: [], links: [] };
  const destroy = (): void => {
    for (const ns of created.ns) spawnSync('ip', ['netns', 'del', ns]);
    for (const link of created.links) spawnSync('ip', ['link', 'del', link]);
    created.ns = [];
    created.links = [];
  };
  const hosts = new Map<string, NetHost>();
  try {
    ip(['link', 'add', bridge, 'type', 'bridge']);
    created.links.push(bridge);
    ip(['addr', 'add', `${subnet}.254/24`, 'dev', bridge]);
    ip(['link', 'set', bridge, 'up']);
    roles.forEach((role, i) => {
      const ns = `keel-${tag}-${role}`;
      const outside = `kv${tag}${i}`;
      const inside = `kp${tag}${i}`;
      const address = `${subnet}.${i + 1}`;
      ip(['netns', 'add', ns]);
      created.ns.push(ns);
      ip(['link', 'add', outside, 'type', 'veth', 'peer', 'name', inside]);
      created.links.push(outside);
      ip(['link', 'set', inside, 'netns', ns]);
      ip(['-n', ns, 'addr', 'add', `${address}/24`, 'dev', inside]);
      ip(['-n', ns, 'link', 'set', 'lo', 'up']);
      ip(['-n', ns, 'link', 'set', inside, 'up']);
      ip(['link', 'set', outside, 'master', bridge, 'up']);
      hosts.set(role, {
        name: ns,
        address,
        spawn: (command, args, options) =>
          spawn('ip', ['netns', 'exec', ns, command, ...args], {
            stdio: ['ignore', 'pipe', 'pipe'],
            detached: options?.detached ?? false,
          }),
        setLink: (up) => ip(['-n', ns, 'link', 'set', inside, up ? 'up' : 'down']),
      });
    });
  } catch (e) {
    destroy();
    throw e;
  }
  return {
    host: (role) => {
      const h = hosts.get(role);
      if (!h) throw new Error(`no host "${role}" in this test network`);
      return h;
    },
    gateway: `${subnet}.254`,
    destroy,
  };
}
