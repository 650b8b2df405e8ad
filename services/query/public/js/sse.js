// A parser for text/event-stream (HTML Living Standard, "Server-sent events"),
// fed with decoded text chunks as they arrive from fetch's ReadableStream.

export function createSseParser(onEvent) {
  let buffer = '';
  let type = '';
  let data = [];
  const line = (text) => {
    if (text === '') {
      if (data.length > 0) onEvent({ type: type || 'message', data: data.join('\n') });
      type = '';
      data = [];
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') type = value;
    else if (field === 'data') data.push(value);
  };
  return {
    feed(chunk) {
      buffer += chunk;
      let end;
      while ((end = buffer.search(/\r\n|\r|\n/)) >= 0) {
        const sep = buffer.startsWith('\r\n', end) ? 2 : 1;
        // A lone \r at the end of a chunk may be the first half of \r\n.
        if (buffer[end] === '\r' && sep === 1 && end === buffer.length - 1) break;
        line(buffer.slice(0, end));
        buffer = buffer.slice(end + sep);
      }
    },
  };
}

/** Reads a fetch Response body as server-sent events until it ends or `signal` aborts. */
export async function readEvents(response, onEvent) {
  const parser = createSseParser(onEvent);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      parser.feed(value);
    }
  } finally {
    reader.releaseLock();
  }
}
