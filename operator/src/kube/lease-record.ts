/** The spec of a coordination.k8s.io/v1 Lease, as leader election uses it. */
export interface LeaseRecord {
  holderIdentity?: string | null;
  leaseDurationSeconds?: number;
  acquireTime?: string | null;
  renewTime?: string | null;
  leaseTransitions?: number;
}

export interface ObservedLease {
  record: LeaseRecord;
  resourceVersion: string;
}

export type LeaseAction =
  | { kind: 'create'; record: LeaseRecord }
  | { kind: 'update'; record: LeaseRecord; resourceVersion: string; takeover: boolean }
  | { kind: 'wait'; holder: string; expiresInMs: number };

/** Kubernetes MicroTime: RFC 3339 with microseconds. */
export const microTime = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

/** What identifies one renewal of the lease: it changes whenever the holder renews or hands over. */
export const leaseVersionKey = (r: LeaseRecord) => `${r.holderIdentity ?? ''}|${r.renewTime ?? ''}|${r.leaseTransitions ?? 0}`;

/**
 * The next step of leader election for `identity`. As in client-go, expiry is
 * judged on this process's own clock: a lease held by someone else counts as
 * expired only once `observedAtMs` (when this process first saw the current
 * renewal) lies a full lease duration back, so clocks of different machines
 * never have to agree.
 */
export function nextLeaseAction(o: {
  nowMs: number;
  identity: string;
  leaseDurationSeconds: number;
  current: ObservedLease | undefined;
  observedAtMs: number;
}): LeaseAction {
  const now = microTime(o.nowMs);
  if (o.current === undefined) {
    return {
      kind: 'create',
      record: { holderIdentity: o.identity, leaseDurationSeconds: o.leaseDurationSeconds, acquireTime: now, renewTime: now, leaseTransitions: 0 },
    };
  }
  const r = o.current.record;
  const holder = r.holderIdentity ?? '';
  if (holder === o.identity) {
    return { kind: 'update', resourceVersion: o.current.resourceVersion, takeover: false, record: { ...r, leaseDurationSeconds: o.leaseDurationSeconds, renewTime: now } };
  }
  const durationMs = (r.leaseDurationSeconds ?? o.leaseDurationSeconds) * 1000;
  const expiresInMs = holder === '' ? 0 : o.observedAtMs + durationMs - o.nowMs;
  if (expiresInMs > 0) return { kind: 'wait', holder, expiresInMs };
  return {
    kind: 'update',
    resourceVersion: o.current.resourceVersion,
    takeover: true,
    record: {
      holderIdentity: o.identity,
      leaseDurationSeconds: o.leaseDurationSeconds,
      acquireTime: now,
      renewTime: now,
      leaseTransitions: (r.leaseTransitions ?? 0) + 1,
    },
  };
}

/** The record a leader writes when it steps down, so a successor need not wait for expiry. */
export function releasedRecord(r: LeaseRecord, nowMs: number): LeaseRecord {
  return { ...r, holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime(nowMs) };
}
