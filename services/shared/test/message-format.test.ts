import { describe, expect, it } from 'vitest';
import { toRowLine } from '../src/event-row.ts';
import { decodeBody, encodeBody } from '../src/message-format.ts';

const ID1 = '0190b6b0-0000-7000-8000-000000000001';
const ID2 = '0190b6b0-0000-7000-8000-000000000002';

describe('message body', () => {
  it('round-trips rows and reads their ids without parsing', () => {
    const rows = [
      toRowLine({ type: 'click', campaign_id: 'c1', metadata: { k: 'v\n"x"' } }, ID1, 'acme', 1_000_500, 2_000_000),
      toRowLine({ type: 'impression', campaign_id: 'c2', cost: 2500 }, ID2, 'acme', 3_000_000, 3_000_000),
    ];
    const decoded = decodeBody(encodeBody(rows), 2);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.rows.map((r) => r.eventId)).toEqual([ID1, ID2]);
    expect(decoded.rows.map((r) => JSON.parse(r.line.toString()))).toEqual([
      { event_id: ID1, tenant_id: 'acme', type: 'click', campaign_id: 'c1', ts: 1000, received_at: 2000, device: 'unknown', metadata_keys: ['k'], metadata_values: ['v\n"x"'] },
      { event_id: ID2, tenant_id: 'acme', type: 'impression', campaign_id: 'c2', ts: 3000, received_at: 3000, device: 'unknown', cost_micros: 2500 },
    ]);
  });

  it.each([
    ['a body without the row prefix', '{"type":"click"}\n', 1, 'does not start with'],
    ['an unterminated row', `{"event_id":"${ID1}","x":1}`, 1, 'not newline-terminated'],
    ['a malformed id', `{"event_id":"${ID1.replace('0', 'z')}","x":1}\n`, 1, 'no valid event_id'],
    ['a count mismatch', `{"event_id":"${ID1}","x":1}\n`, 2, 'header says 2'],
  ])('rejects %s', (_name, body, count, reason) => {
    const decoded = decodeBody(Buffer.from(body), count);
    expect(decoded.ok).toBe(false);
    expect(!decoded.ok && decoded.reason).toContain(reason);
  });
});
