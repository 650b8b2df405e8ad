import { describe, expect, it } from 'vitest';
import { arrivalRate, backlogAgeSeconds, perReplicaRate } from '../src/scaling/rate-estimates.ts';
import { readings, steadyTrace } from './fixtures/lag-readings.ts';

describe('arrivalRate', () => {
  it('is the growth of the stream head per second', () => {
    expect(arrivalRate(steadyTrace({ from: 0, to: 60, every: 5, arrivalRate: 1200, ackRate: 1000, ready: 2 }))).toBeCloseTo(1200);
  });

  it('needs two readings', () => {
    expect(arrivalRate(steadyTrace({ from: 0, to: 0, every: 5, arrivalRate: 1200, ackRate: 0, ready: 2 }))).toBeUndefined();
  });

  it('is the median interval, so a burst shorter than half the window is left to the lag term', () => {
    const steps = [0, 5, 10, 15, 20, 25, 30].map((t) => ({ t, arrived: 1000 * t + (t >= 15 ? 500_000 : 0), acked: 1000 * t, ready: 1 }));
    expect(arrivalRate(readings(steps))).toBe(1000);
  });

  it('skips an interval where the stream was recreated (head went backwards)', () => {
    const steps = [
      { t: 0, arrived: 50_000, acked: 50_000, ready: 1 },
      { t: 5, arrived: 55_000, acked: 55_000, ready: 1 },
      { t: 10, arrived: 100, acked: 100, ready: 1 },
      { t: 15, arrived: 5_100, acked: 5_100, ready: 1 },
    ];
    expect(arrivalRate(readings(steps))).toBe(1000);
  });
});

describe('perReplicaRate', () => {
  it('divides acknowledged progress by ready replicas while there is a backlog', () => {
    const trace = steadyTrace({ from: 0, to: 30, every: 5, arrivalRate: 1000, ackRate: 1500, ready: 3, backlog: 100_000 });
    expect(perReplicaRate(trace, 10)).toBeCloseTo(500);
  });

  it('ignores intervals without undelivered messages: idle replicas show only the arrival rate', () => {
    const trace = steadyTrace({ from: 0, to: 30, every: 5, arrivalRate: 300, ackRate: 300, ready: 3, inFlight: 50 });
    expect(perReplicaRate(trace, 10)).toBeUndefined();
  });

  it('needs enough busy time', () => {
    const trace = steadyTrace({ from: 0, to: 5, every: 5, arrivalRate: 1000, ackRate: 1500, ready: 3, backlog: 100_000 });
    expect(perReplicaRate(trace, 10)).toBeUndefined();
    expect(perReplicaRate(trace, 5)).toBeCloseTo(500);
  });

  it('is undefined when busy replicas acknowledge nothing (stuck or absent), rather than zero', () => {
    const trace = steadyTrace({ from: 0, to: 30, every: 5, arrivalRate: 1000, ackRate: 0, ready: 3, backlog: 100_000 });
    expect(perReplicaRate(trace, 10)).toBeUndefined();
  });

  it('counts a replica that became ready within an interval as half there', () => {
    const steps = [
      { t: 0, arrived: 1e6, acked: 0, ready: 1 },
      { t: 10, arrived: 1e6, acked: 15_000, ready: 2 },
    ];
    expect(perReplicaRate(readings(steps), 10)).toBeCloseTo(1000);
  });
});

describe('backlogAgeSeconds', () => {
  const steps = [0, 5, 10, 15, 20].map((t) => ({ t, arrived: 1000 * t + (t >= 10 ? 80_000 : 0), acked: 1000 * t, ready: 1 }));

  it('reaches back to the first reading of the current backlog', () => {
    expect(backlogAgeSeconds(readings(steps), 5000, 22_000)).toBe(12);
  });

  it('is 0 when the latest reading has no more pending than the drained threshold', () => {
    expect(backlogAgeSeconds(readings(steps), 100_000, 22_000)).toBe(0);
  });
});
