import { leaseVersionKey, nextLeaseAction, releasedRecord, type LeaseRecord, type ObservedLease } from './lease-record.ts';

/** Reads and writes the one Lease; create and update fail with a 409 when someone else wrote first. */
export interface LeaseStore {
  get(): Promise<ObservedLease | undefined>;
  create(record: LeaseRecord): Promise<ObservedLease>;
  update(record: LeaseRecord, resourceVersion: string): Promise<ObservedLease>;
}

export interface LeaderElectorOptions {
  identity: string;
  store: LeaseStore;
  now: () => number;
  leaseDurationSeconds: number;
  /** A leader that has not renewed for this long stops acting; shorter than the lease duration. */
  renewDeadlineSeconds: number;
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
  onError?: (err: unknown) => void;
}

/**
 * Leader election on a coordination.k8s.io Lease, driven by `tick()` every
 * retry period. `isLeader()` turns false once renewals have failed for the
 * renew deadline, while others wait a full lease duration (on their own
 * clocks) before taking over: the gap keeps two replicas from ever acting at
 * the same time.
 */
export class LeaderElector {
  private readonly o: LeaderElectorOptions;
  private observedKey: string | undefined;
  private observedAtMs = 0;
  private lastRenewMs: number | undefined;
  private leading = false;
  private lastWritten: ObservedLease | undefined;

  constructor(o: LeaderElectorOptions) {
    if (o.renewDeadlineSeconds >= o.leaseDurationSeconds) throw new Error('renewDeadlineSeconds must be shorter than leaseDurationSeconds');
    this.o = o;
  }

  isLeader(): boolean {
    return this.lastRenewMs !== undefined && this.o.now() - this.lastRenewMs < this.o.renewDeadlineSeconds * 1000;
  }

  async tick(): Promise<void> {
    try {
      const current = await this.o.store.get();
      const nowMs = this.o.now();
      if (current !== undefined) {
        const key = leaseVersionKey(current.record);
        if (key !== this.observedKey) {
          this.observedKey = key;
          this.observedAtMs = nowMs;
        }
      }
      const action = nextLeaseAction({ nowMs, identity: this.o.identity, leaseDurationSeconds: this.o.leaseDurationSeconds, current, observedAtMs: this.observedAtMs });
      if (action.kind === 'create') this.renewed(await this.o.store.create(action.record), nowMs);
      else if (action.kind === 'update') this.renewed(await this.o.store.update(action.record, action.resourceVersion), nowMs);
    } catch (err) {
      this.o.onError?.(err);
    }
    this.updateLeading();
  }

  /** Steps down: hands the lease over at once instead of letting it expire. */
  async release(): Promise<void> {
    const wasLeader = this.isLeader();
    const written = this.lastWritten;
    this.lastRenewMs = undefined;
    this.updateLeading();
    if (!wasLeader || written === undefined) return;
    try {
      await this.o.store.update(releasedRecord(written.record, this.o.now()), written.resourceVersion);
    } catch (err) {
      this.o.onError?.(err);
    }
  }

  private renewed(lease: ObservedLease, atMs: number): void {
    this.lastWritten = lease;
    this.lastRenewMs = atMs;
    this.observedKey = leaseVersionKey(lease.record);
    this.observedAtMs = atMs;
  }

  private updateLeading(): void {
    const leader = this.isLeader();
    if (leader === this.leading) return;
    this.leading = leader;
    if (leader) this.o.onStartedLeading();
    else this.o.onStoppedLeading();
  }
}
