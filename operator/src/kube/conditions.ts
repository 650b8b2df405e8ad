import type { Condition, ConditionType } from '../crd/event-pipeline.ts';

export type ConditionInput = Omit<Condition, 'lastTransitionTime'>;

/** Replaces the condition of that type; lastTransitionTime moves only when the status flips. */
export function setCondition(conditions: readonly Condition[] | undefined, next: ConditionInput, nowIso: string): Condition[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((c) => c.type === next.type);
  const previous = i >= 0 ? list[i] : undefined;
  const lastTransitionTime = previous !== undefined && previous.status === next.status ? previous.lastTransitionTime : nowIso;
  const condition: Condition = { ...next, lastTransitionTime };
  if (i >= 0) list[i] = condition;
  else list.push(condition);
  return list;
}

export const findCondition = (conditions: readonly Condition[] | undefined, type: ConditionType) => conditions?.find((c) => c.type === type);
