import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Server as TlsServer } from 'node:tls';
import type { Duplex } from 'node:stream';

/**
 * An HTTP proxy for `HTTPS_PROXY`: a `CONNECT` to one of the Microsoft hosts the emulator
 * serves (port 443) is answered by the emulator itself — the tunnel is handed to its
 * transparent TLS server, which picks the host's certificate by SNI, so the client talks TLS to
 * "login.microsoftonline.com" and gets the emulator. Everything else is refused with 403 (other
 * hosts, other ports, plain-HTTP proxying): nothing leaves the machine through it.
 */
export function createMicrosoftProxy(tls: TlsServer, serves: (host: string) => boolean): Server {
  const proxy = createServer((_req, res) => {
    res.writeHead(403, { 'Content-Type': 'text/plain', Connection: 'close' });
    res.end('The emulator proxies only CONNECT to the Microsoft hosts it stands in for.\n');
  });
  proxy.on('connect', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const target = /^([a-z0-9.-]+):(\d{1,5})$/i.exec(req.url ?? '');
    if (!target || target[2] !== '443' || !serves(target[1])) {
      socket.end(
        'HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n' +
          'The emulator proxies only the Microsoft hosts it stands in for, on port 443.\n',
      );
      return;
    }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    // Bytes the client sent after the request (its TLS hello, if it did not wait) come first.
    if (head.length > 0) socket.unshift(head);
    tls.emit('connection', socket);
  });
  // A client that vanishes mid-request must not take the server down.
  proxy.on('clientError', (_err, socket) => socket.destroy());
  return proxy;
}
