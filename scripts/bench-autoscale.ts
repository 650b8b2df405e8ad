/**
 * Autoscaling benchmark: the operator's decision function against a
 * KEDA-style lag threshold behind an HPA with default behaviour, on the same
 * lag traces (a burst of ≥ 1 million events, a ramp, a noisy steady load),
 * replayed through a queue simulation whose replicas process events at the
 * per-replica throughput measured on this machine. Prints, per trace and
 * policy, the time until the backlog is drained, peak replicas,
 * replica-seconds and scale changes. Numbers, not assertions.
 *
 *   npm run bench:autoscale                 # measures the processor first (about a minute)
 *   npm run bench:autoscale -- --rate 30000 # uses this many events/s per replica instead
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { autoscalingSpecSchema } from '../operator/src/crd/event-pipeline-spec.ts';
import { kedaHpaPolicy, operatorPolicy } from './lib/autoscale-policies.ts';
import { pickThreshold, resultTable, verdict, type ThresholdRun } from './lib/autoscale-report.ts';
import { simulate, type SimConfig } from './lib/autoscale-simulation.ts';
import { measureProcessorThroughput } from './lib/autoscale-throughput.ts';
import { burstTrace, noisyTrace, rampTrace } from './lib/autoscale-traces.ts';

const args = parseArgs({
  options: {
    rate: { type: 'string' },
    'measure-events': { type: 'string', default: '400000' },
    batch: { type: 'string', default: '1000' },
    'startup-seconds': { type: 'string', default: '10' },
    'max-replicas': { type: 'string', default: '30' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (args.values.help) {
  process.stdout.write('usage: npm run bench:autoscale -- [--rate EVENTS_PER_SECOND_PER_REPLICA (skips measuring)] [--measure-events 400000] [--batch 1000] [--startup-seconds 10] [--max-replicas 30] [--json]\n');
  process.exit(0);
}
const parsed = z
  .object({
    rate: z.coerce.number().int().min(1).max(10_000_000).optional(),
    'measure-events': z.coerce.number().int().min(10_000).max(10_000_000),
    batch: z.coerce.number().int().min(1).max(10_000),
    'startup-seconds': z.coerce.number().int().min(0).max(600),
    'max-replicas': z.coerce.number().int().min(2).max(1000),
  })
  .safeParse(args.values);
if (!parsed.success) {
  process.stderr.write(parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n') + '\n');
  process.exit(2);
}
const opts = parsed.data;
const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

let perReplicaRate: number;
let measured: Awaited<ReturnType<typeof measureProcessorThroughput>> | undefined;
if (opts.rate !== undefined) {
  perReplicaRate = opts.rate;
  log(`per-replica throughput given: ${perReplicaRate} events/s`);
} else {
  measured = await measureProcessorThroughput({ events: opts['measure-events'], batch: opts.batch, log });
  perReplicaRate = measured.eventsPerSecond;
  log(`measured: one processor stores ${perReplicaRate} events/s (${measured.events} events in ${measured.seconds.toFixed(1)} s)`);
}

// The EventPipeline's defaults, in events (one event per message in the simulation).
const policy = autoscalingSpecSchema.parse({ maxReplicas: opts['max-replicas'], lagPerReplicaFallback: perReplicaRate * 5 });
const sim: SimConfig = {
  perReplicaRate,
  startupSeconds: opts['startup-seconds'],
  inFlightPerReplica: 2 * opts.batch,
  initialReplicas: 3,
  caughtUpSeconds: policy.pollIntervalSeconds,
  warmupSeconds: 300,
};
const burstEvents = Math.max(1_000_000, 200 * perReplicaRate);
const traces = [
  burstTrace(perReplicaRate, { baseReplicas: 2.5, burstEvents, burstAt: 120, burstSeconds: 20, seconds: 900 }),
  rampTrace(perReplicaRate, { fromReplicas: 1, toReplicas: 8, rampSeconds: 600, seconds: 900 }),
  noisyTrace(perReplicaRate, { meanReplicas: 2.5, noise: 0.3, seconds: 1800, seed: 1 }),
];

const ours = traces.map((t) => simulate(t, operatorPolicy(policy, Number.MAX_SAFE_INTEGER), sim));
const thresholdSeconds = [1, 2, 5, 10, 20, 30, 60, 120];
const runs: ThresholdRun[] = thresholdSeconds.map((s) => {
  const lagThreshold = s * perReplicaRate;
  return { lagThreshold, results: traces.map((t) => simulate(t, kedaHpaPolicy({ lagThreshold, minReplicas: policy.minReplicas, maxReplicas: policy.maxReplicas }), sim)) };
});
const keda = pickThreshold(runs, policy.targetDrainSeconds);
const verdicts = ours.map((r, i) => verdict(r, keda.results[i]!, policy.targetDrainSeconds));

if (args.values.json) {
  const strip = (r: (typeof ours)[number]) => ({ ...r, steps: undefined, longestBacklogSeconds: Number.isFinite(r.longestBacklogSeconds) ? r.longestBacklogSeconds : null });
  process.stdout.write(
    JSON.stringify(
      { perReplicaRate, measured, policy, sim, ours: ours.map(strip), keda: { lagThreshold: keda.lagThreshold, results: keda.results.map(strip) }, verdicts },
      null,
      2,
    ) + '\n',
  );
} else {
  const sweep = runs.map((r) => {
    const worst = Math.max(...r.results.map((x) => x.longestBacklogSeconds));
    const rs = r.results.reduce((s, x) => s + x.replicaSeconds, 0);
    return `  lagThreshold ${String(r.lagThreshold).padStart(9)} (${String(r.lagThreshold / perReplicaRate).padStart(3)} s of one replica): worst backlog ${worst === Infinity ? 'never drained' : `${worst} s`}, ${rs} replica-seconds in all`;
  });
  process.stdout.write(
    [
      `autoscaling benchmark: ${perReplicaRate} events/s per replica (${measured ? 'measured' : 'given'}), pods ready ${sim.startupSeconds} s after a scale-up, drain target ${policy.targetDrainSeconds} s`,
      `operator policy: EventPipeline defaults (poll ${policy.pollIntervalSeconds} s, rate window ${policy.rateWindowSeconds} s, stabilization up ${policy.scaleUpStabilizationSeconds} s / down ${policy.scaleDownStabilizationSeconds} s, steps ±${policy.maxStepUp}/${policy.maxStepDown}), ${policy.minReplicas}–${policy.maxReplicas} replicas`,
      'KEDA-style: replicas = ceil(lag / lagThreshold), HPA sync 15 s, tolerance 0.1, scale-up max(100%, 4 pods) per 15 s, scale-down stabilization 300 s. Thresholds tried:',
      ...sweep,
      `compared with the largest threshold that drains every trace within ${policy.targetDrainSeconds} s (or the best there is): lagThreshold ${keda.lagThreshold}`,
      '',
      resultTable(ours.flatMap((r, i) => [r, keda.results[i]!])),
      '',
      ...verdicts.map(
        (v) =>
          `${v.trace}: drained within ${policy.targetDrainSeconds} s: ${v.drainedInTime ? 'yes' : 'NO'}; fewer scale changes: ${v.fewerChanges ? 'yes' : 'NO'}; no more replica-seconds: ${v.noMoreReplicaSeconds ? 'yes' : 'NO'}`,
      ),
      '',
    ].join('\n'),
  );
}
