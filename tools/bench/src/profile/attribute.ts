/**
 * Self time of a V8 CPU profile (`node --cpu-prof`) attributed to categories of code, per unit
 * of work (a request, a cold user) done inside a time window of the profile.
 */
import { fileURLToPath } from 'node:url';
import { categoryOfPath, GC, IDLE, isRuntime, NATIVE, NODE_INTERNALS, PROGRAM } from './categories';

export interface CallFrame {
  functionName: string;
  url: string;
  /** 0-based, as V8 reports it. */
  lineNumber: number;
  /** 0-based. */
  columnNumber: number;
}

/** The `.cpuprofile` format (Chrome DevTools protocol `Profiler.Profile`); times in µs. */
export interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame; children?: number[] }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** What `node:module`'s `SourceMap#findEntry` answers (0-based lines and columns). */
export interface SourceMapLike {
  findEntry(line: number, column: number): { originalSource?: string };
}

export interface Bundle {
  /** The bundle's URL as the profile names it (`file:///…/main.js`). */
  url: string;
  map: SourceMapLike;
}

/**
 * Names the category of a frame. Frames of `bundle` are mapped back to their original source;
 * other files are categorised by their own path; `ownApp` labels the bundle's own project.
 */
export function frameClassifier(ownApp: string, bundle?: Bundle): (frame: CallFrame) => string {
  return (frame) => {
    switch (frame.functionName) {
      case '(garbage collector)':
        return GC;
      case '(idle)':
        return IDLE;
      case '(program)':
      case '(root)':
        return PROGRAM;
    }
    const { url } = frame;
    if (url === '') return NATIVE;
    if (url.startsWith('node:')) return NODE_INTERNALS;
    if (bundle && url === bundle.url) {
      const source = bundle.map.findEntry(frame.lineNumber, frame.columnNumber).originalSource;
      return source ? categoryOfPath(source, ownApp) : `${ownApp} (bundle, unmapped)`;
    }
    return categoryOfPath(url.startsWith('file:') ? fileURLToPath(url) : url, ownApp);
  };
}

export interface CategoryCost {
  name: string;
  /** Samples whose top frame is the category's × the sampling interval, µs per unit. */
  selfUs: number;
  /**
   * Self time plus that of the Node internals and native frames it called (µs per unit): the
   * runtime work charged to the nearest caller that is not Node or V8.
   */
  withRuntimeUs: number;
}

export interface Attribution {
  units: number;
  /** The sampling interval each sample counts for, µs. */
  intervalUs: number;
  /** Non-idle samples in the window × the sampling interval, µs per unit. */
  busyUs: number;
  /** Non-idle categories, most expensive (self) first. */
  categories: CategoryCost[];
}

/**
 * The samples stamped in [startUs, endUs) (the profile's clock: CLOCK_MONOTONIC, µs), each
 * counted as `intervalUs` (the sampling interval the profile was taken with), divided by
 * `units`. Counted rather than timed: V8 samples on a wall clock, so the gap between two samples
 * includes any time the thread spent descheduled (on a busy machine, as much as it ran), while
 * a descheduled thread takes no samples.
 */
export function attribute(
  profile: CpuProfile,
  classify: (frame: CallFrame) => string,
  window: { startUs: number; endUs: number },
  units: number,
  intervalUs: number,
): Attribution {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parentOf.set(child, n.id);

  const own = new Map<number, string>();
  const category = (id: number): string => {
    let name = own.get(id);
    if (name === undefined) {
      const node = byId.get(id);
      name = node ? classify(node.callFrame) : PROGRAM;
      own.set(id, name);
    }
    return name;
  };
  const charged = new Map<number, string>();
  const chargedTo = (id: number): string => {
    let name = charged.get(id);
    if (name === undefined) {
      name = category(id);
      if (isRuntime(name)) {
        for (let p = parentOf.get(id); p !== undefined; p = parentOf.get(p)) {
          const caller = category(p);
          if (!isRuntime(caller) && caller !== PROGRAM) {
            name = caller;
            break;
          }
        }
      }
      charged.set(id, name);
    }
    return name;
  };

  const self = new Map<string, number>();
  const withRuntime = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, us: number) =>
    map.set(key, (map.get(key) ?? 0) + us);
  const { samples, timeDeltas } = profile;
  let t = profile.startTime;
  const stamps = samples.map((_, i) => (t += timeDeltas[i] ?? 0));
  for (let i = 0; i < samples.length; i++) {
    if (stamps[i] < window.startUs || stamps[i] >= window.endUs) continue;
    add(self, category(samples[i]), intervalUs);
    add(withRuntime, chargedTo(samples[i]), intervalUs);
  }
  self.delete(IDLE);
  withRuntime.delete(IDLE);
  const per = (us: number) => us / units;
  const categories = [...new Set([...self.keys(), ...withRuntime.keys()])]
    .map((name) => ({
      name,
      selfUs: per(self.get(name) ?? 0),
      withRuntimeUs: per(withRuntime.get(name) ?? 0),
    }))
    .sort((a, b) => b.selfUs - a.selfUs || b.withRuntimeUs - a.withRuntimeUs);
  const busy = [...self.values()].reduce((sum, us) => sum + us, 0);
  return { units, intervalUs, busyUs: per(busy), categories };
}
