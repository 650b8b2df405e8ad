import { createServer } from 'node:net';

/**
 * Whether this process could listen on 127.0.0.1:`port` right now (the address
 * the services bind): 'free', 'in use', or 'not permitted' (e.g. below 1024).
 */
export function portState(port: number): Promise<'free' | 'in use' | 'not permitted'> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') resolve('in use');
      else if (err.code === 'EACCES') resolve('not permitted');
      else reject(err);
    });
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve('free')));
  });
}
