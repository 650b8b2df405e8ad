/**
 * A weighted choice as a lookup array: entry i is the category holding the
 * quantile (i + 0.5) / size of the weights' distribution. SQL that must stay
 * deterministic (no rand()) picks a category by indexing such an array with
 * hash bits, so each category is chosen with probability weight / total to
 * within 1 / size. Entries ascend, so an ascending index (an event's position
 * in the load) also yields ascending categories (its day).
 */
export function quantileTable(weights: readonly number[], size: number): number[] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`quantileTable: bad size ${size}`);
  if (weights.length === 0) throw new RangeError('quantileTable: no weights');
  let total = 0;
  for (const w of weights) {
    if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`quantileTable: bad weight ${w}`);
    total += w;
  }
  if (!(total > 0)) throw new RangeError('quantileTable: weights sum to 0');
  const table: number[] = [];
  let category = 0;
  let upper = weights[0]! / total;
  for (let i = 0; i < size; i++) {
    const q = (i + 0.5) / size;
    while (q >= upper && category < weights.length - 1) upper += weights[++category]! / total;
    table.push(category);
  }
  return table;
}
