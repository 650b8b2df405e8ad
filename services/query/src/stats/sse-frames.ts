/**
 * Server-sent event framing (HTML Living Standard, "Server-sent events").
 * JSON.stringify never emits a raw newline, so one `data:` line holds the
 * whole payload.
 */
export function sseEvent(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** A comment line: ignored by clients, keeps proxies from closing an idle connection. */
export function sseComment(text: string): string {
  return `: ${text.replace(/[\r\n]+/g, ' ')}\n\n`;
}
