import { EVENT_PIPELINE_API_VERSION, EVENT_PIPELINE_KIND } from './api-group.ts';

/** The pipeline the product runs: the services' stream and consumer (topology-config.ts defaults), the processor Deployment. */
export const sampleEventPipeline = {
  apiVersion: EVENT_PIPELINE_API_VERSION,
  kind: EVENT_PIPELINE_KIND,
  metadata: { name: 'adstream-events' },
  spec: {
    stream: {
      name: 'ADSTREAM_EVENTS',
      subjects: ['adstream.events.>'],
      storage: 'file',
      replicas: 3,
      maxAge: '0s',
      maxBytes: 10 * 1024 ** 3,
      duplicateWindow: '2m',
    },
    consumer: { durableName: 'processor', filterSubject: 'adstream.events.>', ackWait: '60s', maxDeliver: -1, maxAckPending: 2000 },
    processor: { deploymentName: 'adstream-processor' },
    autoscaling: {
      minReplicas: 1,
      maxReplicas: 10,
      targetDrainSeconds: 120,
      lagPerReplicaFallback: 5000,
      rateWindowSeconds: 60,
      scaleUpStabilizationSeconds: 10,
      scaleDownStabilizationSeconds: 120,
      maxStepUp: 10,
      maxStepDown: 10,
      pollIntervalSeconds: 5,
      allowScaleToZero: false,
    },
    deletionPolicy: 'Retain',
  },
} as const;
