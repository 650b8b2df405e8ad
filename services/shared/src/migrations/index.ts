import { eventsMigration } from './0001-events.ts';
import { rollupsMigration } from './0002-rollups.ts';
import type { Migration } from './migration.ts';

export type { Migration };
export const MIGRATIONS: readonly Migration[] = [eventsMigration, rollupsMigration];
