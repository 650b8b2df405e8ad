import { z } from 'zod';

/** The /v1/stats body, also each `stats` event of /v1/stream. docs/dashboard.md defines every figure. */
export const tenantStatsSchema = z.object({
  events_per_second_received: z
    .number()
    .describe("stored events of the caller's tenant whose received_at lies in the window's whole seconds, divided by window_seconds"),
  events_per_second_stored: z
    .number()
    .nullable()
    .describe("growth of the tenant's stored event count per second, between samples spanning up to the window; null until two samples a second apart exist"),
  pending_messages: z
    .number()
    .int()
    .nonnegative()
    .nullable()
    .describe("the tenant's ingest requests held in the work-queue stream (not yet acknowledged by a processor); null without NATS"),
  newest_event_age_seconds: z.number().nullable().describe('now minus the newest stored received_at (second precision); null when nothing is stored'),
});

export const pipelineStatsSchema = z.object({
  stream: z.string(),
  consumer: z.string(),
  stream_messages: z.number().int().nonnegative().nullable().describe('messages in the work-queue stream, every tenant'),
  stream_bytes: z.number().int().nonnegative().nullable(),
  consumer_num_pending: z.number().int().nonnegative().nullable().describe('messages not yet delivered to any processor'),
  consumer_num_ack_pending: z.number().int().nonnegative().nullable().describe('messages delivered and not yet acknowledged'),
  consumer_num_redelivered: z.number().int().nonnegative().nullable().describe('messages delivered more than once and still unacknowledged'),
  messages_in_per_second: z.number().nullable().describe("growth of the stream's last sequence per second, sampled like events_per_second_stored"),
});

export const statsBodySchema = z.object({
  window_seconds: z.number().int().positive(),
  tenant: tenantStatsSchema,
  pipeline: pipelineStatsSchema.nullable().describe('only for keys with the admin scope, otherwise null'),
});

export type TenantStats = z.output<typeof tenantStatsSchema>;
export type PipelineStats = z.output<typeof pipelineStatsSchema>;
export type StatsBody = z.output<typeof statsBodySchema>;
