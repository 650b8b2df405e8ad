import { describe, expect, it } from 'vitest';
import { pipelineFigures } from '../src/stats/pipeline-figures.ts';
import { tenantFigures, type TenantObservation } from '../src/stats/tenant-figures.ts';

const base: TenantObservation = {
  nowMs: 1_700_000_010_400,
  windowSeconds: 10,
  receivedInWindow: 1_234,
  storedTotal: 50_000,
  newestReceivedAtS: 1_700_000_009,
  storedPerSecond: 123.456,
  pendingMessages: 3,
};

describe('tenantFigures', () => {
  it('turns counts into per-second rates and the newest receive time into an age', () => {
    expect(tenantFigures(base)).toEqual({
      events_per_second_received: 123.4,
      events_per_second_stored: 123.46,
      pending_messages: 3,
      newest_event_age_seconds: 1.4,
    });
  });

  it('has no age while nothing is stored, and passes unknown figures on as null', () => {
    expect(tenantFigures({ ...base, storedTotal: 0, receivedInWindow: 0, newestReceivedAtS: 0, storedPerSecond: null, pendingMessages: null })).toEqual({
      events_per_second_received: 0,
      events_per_second_stored: null,
      pending_messages: null,
      newest_event_age_seconds: null,
    });
  });

  it('never reports a negative age when the ingest host clock runs ahead', () => {
    expect(tenantFigures({ ...base, newestReceivedAtS: 1_700_000_012 }).newest_event_age_seconds).toBe(0);
  });
});

describe('pipelineFigures', () => {
  it('copies JetStream state and rounds the in-rate', () => {
    expect(
      pipelineFigures({
        stream: 'S',
        consumer: 'c',
        streamState: { messages: 10, bytes: 2_048 },
        consumerState: { num_pending: 4, num_ack_pending: 6, num_redelivered: 1 },
        messagesInPerSecond: 12.3456,
      }),
    ).toEqual({
      stream: 'S',
      consumer: 'c',
      stream_messages: 10,
      stream_bytes: 2_048,
      consumer_num_pending: 4,
      consumer_num_ack_pending: 6,
      consumer_num_redelivered: 1,
      messages_in_per_second: 12.35,
    });
  });

  it('is all null when JetStream did not answer', () => {
    expect(pipelineFigures({ stream: 'S', consumer: 'c', streamState: null, consumerState: null, messagesInPerSecond: null })).toEqual({
      stream: 'S',
      consumer: 'c',
      stream_messages: null,
      stream_bytes: null,
      consumer_num_pending: null,
      consumer_num_ack_pending: null,
      consumer_num_redelivered: null,
      messages_in_per_second: null,
    });
  });
});
