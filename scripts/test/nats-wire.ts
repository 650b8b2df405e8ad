import { connect, type Socket } from "node:net";

// A few lines of the NATS text protocol, so the harness tests can drive a real
// server without depending on a client library that belongs to the services.

export interface NatsInfo {
  server_id: string;
  version: string;
  max_payload: number;
  jetstream?: boolean;
  [key: string]: unknown;
}

class Wire {
  private buf = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  private closed: Error | undefined;
  readonly socket: Socket;

  constructor(socket: Socket) {
    this.socket = socket;
    socket.on("data", (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.wake();
    });
    socket.on("error", (e) => this.fail(e));
    socket.on("close", () => this.fail(new Error("connection closed")));
  }

  private fail(e: Error): void {
    this.closed ??= e;
    this.wake();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private async more(): Promise<void> {
    if (this.closed) throw this.closed;
    await new Promise<void>((r) => this.waiters.push(r));
  }

  async line(): Promise<string> {
    for (;;) {
      const i = this.buf.indexOf("\r\n");
      if (i >= 0) {
        const l = this.buf.subarray(0, i).toString("utf8");
        this.buf = this.buf.subarray(i + 2);
        return l;
      }
      await this.more();
    }
  }

  async bytes(n: number): Promise<Buffer> {
    while (this.buf.length < n + 2) await this.more();
    const b = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n + 2);
    return b;
  }
}

async function open(port: number): Promise<{ wire: Wire; info: NatsInfo }> {
  const socket = connect({ host: "127.0.0.1", port });
  const wire = new Wire(socket);
  const first = await wire.line();
  if (!first.startsWith("INFO ")) throw new Error(`unexpected greeting: ${first}`);
  return { wire, info: JSON.parse(first.slice(5)) as NatsInfo };
}

/** The INFO block a server sends on connect. */
export async function natsInfo(port: number): Promise<NatsInfo> {
  const { wire, info } = await open(port);
  wire.socket.destroy();
  return info;
}

/** Request/reply over a fresh connection; the reply parsed as JSON. */
export async function natsRequest(port: number, subject: string, payload: string | object, timeoutMs = 10_000): Promise<unknown> {
  const { wire } = await open(port);
  const timer = setTimeout(() => wire.socket.destroy(new Error(`no reply on ${subject} within ${timeoutMs} ms`)), timeoutMs);
  try {
    const body = Buffer.from(typeof payload === "string" ? payload : JSON.stringify(payload));
    wire.socket.write(`CONNECT {"verbose":false,"pedantic":false,"protocol":1}\r\nSUB _INBOX.wire 1\r\n`);
    wire.socket.write(`PUB ${subject} _INBOX.wire ${body.length}\r\n`);
    wire.socket.write(Buffer.concat([body, Buffer.from("\r\n")]));
    for (;;) {
      const l = await wire.line();
      if (l === "PING") wire.socket.write("PONG\r\n");
      else if (l.startsWith("-ERR")) throw new Error(`NATS error: ${l}`);
      else if (l.startsWith("MSG ")) {
        const size = Number(l.split(" ").at(-1));
        return JSON.parse((await wire.bytes(size)).toString("utf8"));
      }
    }
  } finally {
    clearTimeout(timer);
    wire.socket.destroy();
  }
}
