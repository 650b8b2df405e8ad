import type { DecodedMessage } from './decode-message.ts';

export const identity = (tenant: string, eventId: string) => `${tenant}\u0000${eventId}`;

/**
 * Step 2: within one batch, keep the first copy of each (tenant, event_id)
 * and of each stream message (a redelivery can meet its first delivery in the
 * same batch). Returns the messages with only their first-seen rows.
 */
export function dropBatchDuplicates(messages: readonly DecodedMessage[]): { kept: DecodedMessage[]; droppedRows: number } {
  const seenIds = new Set<string>();
  const seenSeqs = new Set<number>();
  const kept: DecodedMessage[] = [];
  let droppedRows = 0;
  for (const m of messages) {
    if (seenSeqs.has(m.message.seq)) {
      droppedRows += m.rows.length;
      continue;
    }
    seenSeqs.add(m.message.seq);
    const rows = m.rows.filter((r) => {
      const key = identity(m.tenant, r.eventId);
      if (seenIds.has(key)) return false;
      seenIds.add(key);
      return true;
    });
    droppedRows += m.rows.length - rows.length;
    kept.push(rows.length === m.rows.length ? m : { ...m, rows });
  }
  return { kept, droppedRows };
}

/** Step 3 (pure half): remove rows already stored, given the identities found in ClickHouse. */
export function dropStored(messages: readonly DecodedMessage[], stored: ReadonlySet<string>): { kept: DecodedMessage[]; droppedRows: number } {
  if (stored.size === 0) return { kept: [...messages], droppedRows: 0 };
  let droppedRows = 0;
  const kept = messages.map((m) => {
    const rows = m.rows.filter((r) => !stored.has(identity(m.tenant, r.eventId)));
    droppedRows += m.rows.length - rows.length;
    return rows.length === m.rows.length ? m : { ...m, rows };
  });
  return { kept, droppedRows };
}
