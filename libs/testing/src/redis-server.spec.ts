import { createConnection } from 'node:net';
import { redisAvailable, requireRedisInCi, startTestRedis } from './redis-server';

describe('startTestRedis', () => {
  requireRedisInCi();
  const run = redisAvailable() ? it : it.skip;

  run('starts a private redis-server that answers PING, and stops it', async () => {
    const redis = await startTestRedis();
    const { port } = new URL(redis.url);
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = createConnection(Number(port), '127.0.0.1', () => socket.write('PING\r\n'));
      socket.once('data', (d) => (resolve(String(d)), socket.end()));
      socket.once('error', reject);
    });
    expect(reply).toBe('+PONG\r\n');
    await redis.stop();
  });
});
