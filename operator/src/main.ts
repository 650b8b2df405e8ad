import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { KubeConfig } from '@kubernetes/client-node';
import { createLogger } from '@adstream/shared/logger';
import { connectNats } from '@adstream/shared/nats-connection';
import { exitOnStartupError, onShutdown } from '@adstream/shared/shutdown';
import { adstreamMeter } from '@adstream/shared/telemetry/meter';
import { servicePackageVersion, startTelemetry } from '@adstream/shared/telemetry/start-telemetry';
import { loadOperatorConfig } from './config.ts';
import { buildHealthServer } from './health-server.ts';
import { KubeClient } from './kube/kube-client.ts';
import { kubeLeaseStore } from './kube/kube-lease-store.ts';
import { LeaderElector } from './kube/leader-elector.ts';
import { OperatorController } from './kube/operator-controller.ts';
import { PipelineApi } from './kube/pipeline-api.ts';
import { pipelineInformer } from './kube/pipeline-informer.ts';
import { PipelineReconciler } from './kube/pipeline-reconciler.ts';
import { OperatorMetrics } from './metrics/operator-metrics.ts';

async function main(): Promise<void> {
  const config = loadOperatorConfig();
  const log = createLogger('operator', config.LOG_LEVEL);
  const telemetry = await startTelemetry({ serviceName: 'adstream-operator', version: servicePackageVersion(import.meta.url) });
  const metrics = new OperatorMetrics(adstreamMeter());
  // KUBECONFIG, ~/.kube/config, or the pod's ServiceAccount in a cluster.
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromDefault();
  const kube = new KubeClient(kubeConfig);
  const now = () => Date.now();

  // NATS may be down at start: the operator still runs, holds every replica count and reports it.
  let jsm: JetStreamManager | undefined;
  const natsReady = connectNats(config.NATS_URL, config.NATS_NAME, log).then(async (nc) => {
    jsm = await jetstreamManager(nc, { timeout: config.JETSTREAM_TIMEOUT_MS, checkAPI: false });
    return nc;
  });

  let controller: OperatorController | undefined;
  const elector = new LeaderElector({
    identity: config.identity,
    store: kubeLeaseStore(kube, config.leaseNamespace, config.LEASE_NAME),
    now,
    leaseDurationSeconds: config.LEASE_DURATION_SECONDS,
    renewDeadlineSeconds: config.RENEW_DEADLINE_SECONDS,
    onStartedLeading: () => controller?.leadershipChanged(true),
    onStoppedLeading: () => controller?.leadershipChanged(false),
    onError: (err) => log.warn({ err }, 'leader election: cannot read or renew the lease'),
  });
  const reconciler = new PipelineReconciler({
    api: new PipelineApi(kube, config.identity, now),
    jetstream: () => jsm,
    metrics,
    log,
    now,
    isLeader: () => elector.isLeader(),
  });
  controller = new OperatorController({
    informer: pipelineInformer(kubeConfig, kube, config.WATCH_NAMESPACE, log),
    reconciler,
    elector,
    metrics,
    log,
    now,
    retryPeriodMs: config.RETRY_PERIOD_SECONDS * 1000,
  });
  const running = controller;
  const health = await buildHealthServer(() => running.ready());
  onShutdown(log, config.SHUTDOWN_GRACE_MS, async () => {
    await health.close();
    await running.stop();
    log.info({ lease: `${config.leaseNamespace}/${config.LEASE_NAME}` }, 'released the lease');
    if (jsm !== undefined) await (await natsReady).drain();
    await telemetry.shutdown();
  });
  await running.start();
  await health.listen({ port: config.HEALTH_PORT, host: config.HOST });
  log.info({ identity: config.identity, namespace: config.WATCH_NAMESPACE ?? '(all)', lease: `${config.leaseNamespace}/${config.LEASE_NAME}` }, 'operator started');
}

main().catch((err: unknown) => exitOnStartupError('operator', err));
