/**
 * YAML for manifests built from plain data (objects, arrays, strings,
 * numbers, booleans, null). Written here rather than with client-node's
 * dumpYaml, which passes known kinds through its typed models and drops
 * what they do not know (a CRD's x-kubernetes-validations, defaults).
 * Keys keep their order. A string is written bare only when YAML would read
 * it back as that same string; otherwise as a JSON string, which YAML
 * reads as a double-quoted scalar.
 */
const PLAIN = /^[A-Za-z_/][A-Za-z0-9_./ -]*$/;
const RESERVED = /^(true|false|yes|no|on|off|y|n|null|~)$/i;

function scalar(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`cannot write ${v} as YAML`);
    return String(v);
  }
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return PLAIN.test(v) && !RESERVED.test(v) && !v.endsWith(' ') ? v : JSON.stringify(v);
  throw new Error(`cannot write a ${typeof v} as YAML`);
}

const isEmpty = (v: unknown) => (Array.isArray(v) ? v.length === 0 : typeof v === 'object' && v !== null && Object.keys(v).length === 0);
const isCollection = (v: unknown) => typeof v === 'object' && v !== null;

function lines(v: unknown, indent: string): string[] {
  if (Array.isArray(v)) {
    return v.flatMap((item) => {
      if (!isCollection(item) || isEmpty(item)) return [`${indent}- ${isEmpty(item) ? (Array.isArray(item) ? '[]' : '{}') : scalar(item)}`];
      const [first, ...rest] = lines(item, `${indent}  `);
      return [`${indent}- ${first!.slice(indent.length + 2)}`, ...rest];
    });
  }
  return Object.entries(v as Record<string, unknown>)
    .filter(([, value]) => value !== undefined)
    .flatMap(([key, value]) => {
      const k = scalar(key);
      if (!isCollection(value)) return [`${indent}${k}: ${scalar(value)}`];
      if (isEmpty(value)) return [`${indent}${k}: ${Array.isArray(value) ? '[]' : '{}'}`];
      return [`${indent}${k}:`, ...lines(value, `${indent}  `)];
    });
}

/** One YAML document (without the leading ---). */
export function toYaml(document: object): string {
  return lines(document, '').join('\n') + '\n';
}
