import { createServer } from "node:net";

/**
 * Asks the kernel for an unused TCP port on 127.0.0.1.
 *
 * The port is released before the caller binds it, so another process could
 * grab it in between; that window is tiny and far preferable to fixed ports,
 * which collide whenever two stacks (a dev stack and a test run) coexist.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen({ host: "127.0.0.1", port: 0, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === "string") {
        server.close();
        reject(new Error("freePort: listener has no TCP address"));
        return;
      }
      const { port } = address;
      server.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}
