import { isConflict } from './kube-api-error.ts';

/**
 * Runs `attempt` (which must read what it changes afresh) again after a 409:
 * someone wrote the object between our read and our write, so we re-read and
 * re-apply instead of overwriting their change.
 */
export async function retryOnConflict<T>(attempt: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (!isConflict(err) || i >= attempts) throw err;
    }
  }
}
