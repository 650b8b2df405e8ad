import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { envBool, envInt, parseEnv } from '../src/env.ts';

const schema = z.object({ PORT: envInt(8080, 1, 65535), DEBUG: envBool(false) });

describe('parseEnv', () => {
  it('applies defaults, treating empty as unset', () => {
    expect(parseEnv(schema, { PORT: '' })).toEqual({ PORT: 8080, DEBUG: false });
    expect(parseEnv(schema, { PORT: '9000', DEBUG: 'true' })).toEqual({ PORT: 9000, DEBUG: true });
  });

  it('names the variable that is wrong', () => {
    expect(() => parseEnv(schema, { PORT: 'eighty' })).toThrow(/PORT: must be a number/);
    expect(() => parseEnv(schema, { PORT: '70000' })).toThrow(/PORT: must be ≤ 65535/);
    expect(() => parseEnv(schema, { DEBUG: 'yes' })).toThrow(/DEBUG: must be true or false/);
  });
});
