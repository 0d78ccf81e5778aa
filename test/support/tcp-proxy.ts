import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on loopback in front of a real server (here: PostgreSQL), which a test can cut and
 * restore: cut drops every open connection and refuses new ones, as a database that went away does.
 */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private down = false;
  /** Added to every answer of the server: a database that is slow, not gone. */
  latencyMs = 0;

  private constructor(private readonly server: Server) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const server = createServer();
    const proxy = new TcpProxy(server);
    server.on('connection', (client) => {
      if (proxy.down) {
        client.destroy();
        return;
      }
      const upstream = connect(target.port, target.host);
      for (const socket of [client, upstream]) {
        proxy.sockets.add(socket);
        socket.on('close', () => proxy.sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      // Answers keep their order whatever the latency was when each arrived.
      let releaseAt = 0;
      upstream.on('data', (chunk: Buffer) => {
        releaseAt = Math.max(Date.now() + proxy.latencyMs, releaseAt);
        const wait = releaseAt - Date.now();
        if (wait <= 0) client.write(chunk);
        else setTimeout(() => client.writable && client.write(chunk), wait);
      });
      upstream.on('end', () => setTimeout(() => client.end(), Math.max(0, releaseAt - Date.now())));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as { port: number }).port;
  }

  cut(): void {
    this.down = true;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.down = false;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((done) => this.server.close(() => done()));
  }
}

/** A proxy in front of the test database, and the DATABASE_URL that reaches the database through it. */
export async function proxiedDatabaseUrl(databaseUrl: string): Promise<{ proxy: TcpProxy; url: string }> {
  const url = new URL(databaseUrl);
  const proxy = await TcpProxy.start({ host: url.hostname, port: Number(url.port || 5432) });
  url.host = `127.0.0.1:${proxy.port}`;
  return { proxy, url: url.toString() };
}
