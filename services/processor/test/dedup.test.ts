import { MESSAGE_FORMAT_VERSION } from '@adstream/shared/message-format';
import { describe, expect, it } from 'vitest';
import { decodeMessage, type DecodedMessage } from '../src/decode-message.ts';
import { dropBatchDuplicates, dropStored, identity } from '../src/dedup.ts';
import { message, uuid } from './fixtures.ts';

const decoded = (...args: Parameters<typeof message>): DecodedMessage => {
  const r = decodeMessage(message(...args));
  if (!r.ok) throw new Error(r.reason);
  return r.decoded;
};

describe('dropBatchDuplicates', () => {
  it('keeps the first copy of an event id per tenant', () => {
    const { kept, droppedRows } = dropBatchDuplicates([decoded(1, 'a', [1, 2]), decoded(2, 'a', [2, 3]), decoded(3, 'b', [1])]);
    expect(kept.map((m) => m.rows.map((r) => r.eventId))).toEqual([[uuid(1), uuid(2)], [uuid(3)], [uuid(1)]]);
    expect(droppedRows).toBe(1);
  });

  it('drops a redelivery of a message already in the batch', () => {
    const { kept, droppedRows } = dropBatchDuplicates([decoded(7, 'a', [1, 2]), decoded(7, 'a', [1, 2], { deliveryCount: 2 })]);
    expect(kept).toHaveLength(1);
    expect(droppedRows).toBe(2);
  });
});

describe('dropStored', () => {
  it('removes rows whose identity is stored, tenant by tenant', () => {
    const { kept, droppedRows } = dropStored([decoded(1, 'a', [1, 2]), decoded(2, 'b', [1])], new Set([identity('a', uuid(1))]));
    expect(kept.map((m) => m.rows.map((r) => r.eventId))).toEqual([[uuid(2)], [uuid(1)]]);
    expect(droppedRows).toBe(1);
  });
});

describe('decodeMessage', () => {
  it('names what makes a message poison', () => {
    const bad = (m: ReturnType<typeof message>) => {
      const r = decodeMessage(m);
      return r.ok ? 'ok' : r.reason;
    };
    expect(bad(message(1, 'a', [1], { headers: {} }))).toContain('Adstream-Format');
    expect(bad(message(1, 'a', [1], { headers: { 'Adstream-Format': MESSAGE_FORMAT_VERSION, 'Adstream-Count': '1' } }))).toContain('Adstream-Tenant');
    expect(bad(message(1, 'a', [1], { headers: { 'Adstream-Format': MESSAGE_FORMAT_VERSION, 'Adstream-Tenant': 'a', 'Adstream-Count': 'x' } }))).toContain('Adstream-Count');
    expect(bad(message(1, 'a', [1], { body: Buffer.from('garbage\n') }))).toContain('does not start with an event id');
    expect(bad(message(1, 'a', [1, 2]))).toBe('ok');
  });
});
