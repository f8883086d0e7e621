import { connect, type Socket } from 'node:net';
import { Duplex } from 'node:stream';

/** Where an HTTP proxy listens. */
export interface ProxyAddress {
  host: string;
  port: number;
}

/** The end of the proxy's answer to CONNECT. */
const HEADER_END = Buffer.from('\r\n\r\n');
/** The proxy's answer must end within this many bytes. */
const MAX_HEADER = 16 * 1024;

/**
 * A stream through an HTTP proxy to `target` (`host:port`), usable at once: it sends `CONNECT`,
 * holds what is written until the proxy answers 200, then carries bytes both ways without the
 * proxy's answer. A refusal (any other status) destroys it with an error naming the status.
 * This lets a synchronous `tls.connect({ socket })` run TLS through the proxy.
 */
export class ConnectTunnel extends Duplex {
  private readonly raw: Socket;
  private answer: Buffer | undefined = Buffer.alloc(0);
  private readonly held: { chunk: Buffer; done: (err?: Error | null) => void }[] = [];

  constructor(proxy: ProxyAddress, target: string) {
    super();
    this.raw = connect(proxy.port, proxy.host);
    this.raw.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`);
    this.raw.on('data', (chunk: Buffer) => this.received(chunk));
    this.raw.on('end', () => this.push(null));
    this.raw.on('error', (err) => this.destroy(err));
    this.raw.on('close', () => {
      if (!this.destroyed && this.answer) this.destroy(new Error('the proxy closed the tunnel'));
    });
  }

  private received(chunk: Buffer): void {
    if (!this.answer) {
      if (!this.push(chunk)) this.raw.pause();
      return;
    }
    const answer = Buffer.concat([this.answer, chunk]);
    const end = answer.indexOf(HEADER_END);
    if (end < 0) {
      if (answer.length > MAX_HEADER) this.destroy(new Error('the proxy answered no HTTP header'));
      else this.answer = answer;
      return;
    }
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(answer.subarray(0, end).toString('latin1'));
    if (status?.[1] !== '200') {
      this.destroy(new Error(`the proxy refused the tunnel (HTTP ${status?.[1] ?? '?'})`));
      return;
    }
    this.answer = undefined;
    for (const { chunk: held, done } of this.held.splice(0)) this.raw.write(held, done);
    const rest = answer.subarray(end + HEADER_END.length);
    if (rest.length > 0) this.push(rest);
  }

  override _read(): void {
    this.raw.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void) {
    if (this.answer) this.held.push({ chunk, done });
    else this.raw.write(chunk, done);
  }

  override _final(done: (err?: Error | null) => void): void {
    this.raw.end(done);
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    for (const { done: heldDone } of this.held.splice(0)) heldDone(err ?? new Error('closed'));
    this.raw.destroy();
    done(err);
  }
}
