/** A TCP relay to PostgreSQL that a test stops (open connections cut, new ones accepted and never answered) and starts again: a database outage without stopping the shared server. */
import net from 'node:net';

/** A TCP relay to PostgreSQL that can be stopped (cut and hang) and started again. */
export class Relay {
  private server = net.createServer((client) => this.accept(client));
  private open = new Set<net.Socket>();
  private up = true;
  port = 0;
  constructor(private readonly target: { host: string; port: number }) {}
  async listen(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as net.AddressInfo).port;
  }
  private accept(client: net.Socket): void {
    this.open.add(client);
    client.on('close', () => this.open.delete(client));
    client.on('error', () => {});
    if (!this.up) return; // accepted and never answered: a database that hangs
    const upstream = net.connect(this.target.port, this.target.host);
    this.open.add(upstream);
    upstream.on('close', () => this.open.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    client.pipe(upstream).pipe(client);
  }
  stop(): void {
    this.up = false;
    for (const s of this.open) s.destroy();
  }
  start(): void {
    this.up = true;
    for (const s of this.open) s.destroy(); // the hung ones: their clients reconnect
  }
  async close(): Promise<void> {
    for (const s of this.open) s.destroy();
    await new Promise((r) => this.server.close(r));
  }
}

