import { createConnection } from 'node:net';
import {
  redisAvailable,
  redisServerAvailable,
  requireRedisInCi,
  startLocalRedis,
  startTestRedis,
} from './redis-server';

/** Sends one inline command and resolves with the raw reply (rejects after `timeoutMs`). */
function send(port: number, command: string, timeoutMs = 2000): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const socket = createConnection(port, '127.0.0.1', () => socket.write(`${command}\r\n`));
    const timer = setTimeout(() => (socket.destroy(), reject(new Error('no reply'))), timeoutMs);
    socket.once('data', (d) => (clearTimeout(timer), resolve(String(d)), socket.end()));
    socket.once('error', (e) => (clearTimeout(timer), reject(e)));
  });
}

describe('startTestRedis', () => {
  requireRedisInCi();
  const run = redisAvailable() ? it : it.skip;

  run('starts a private redis-server that answers PING, and stops it', async () => {
    const redis = await startTestRedis();
    const { port } = new URL(redis.url);
    expect(await send(Number(port), 'PING')).toBe('+PONG\r\n');
    await redis.stop();
  });
});

describe('startLocalRedis', () => {
  const run = redisServerAvailable() ? it : it.skip;

  run('hangs on pause(), answers after resume()', async () => {
    const redis = await startLocalRedis();
    try {
      redis.pause();
      await expect(send(redis.port, 'PING', 300)).rejects.toThrow('no reply');
      redis.resume();
      expect(await send(redis.port, 'PING')).toBe('+PONG\r\n');
    } finally {
      await redis.stop();
    }
  });

  run('with appendonly, keeps its data across down() and up() on the same port', async () => {
    const redis = await startLocalRedis({ appendonly: true });
    try {
      expect(await send(redis.port, 'SET k v')).toBe('+OK\r\n');
      await redis.down();
      await expect(send(redis.port, 'PING')).rejects.toThrow(/ECONNREFUSED/);
      await redis.up();
      expect(await send(redis.port, 'GET k')).toBe('$1\r\nv\r\n');
    } finally {
      await redis.stop();
    }
  });

  run('without appendonly, loses its data on down()', async () => {
    const redis = await startLocalRedis();
    try {
      await send(redis.port, 'SET k v');
      await redis.down();
      await redis.up();
      expect(await send(redis.port, 'GET k')).toBe('$-1\r\n');
    } finally {
      await redis.stop();
    }
  });
});
