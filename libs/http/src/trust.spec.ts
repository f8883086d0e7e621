import https from 'node:https';
import {
  closeTestServers,
  startTestServer,
  throwawayTls,
  type TestServer,
  type ThrowawayTls,
} from '@obo/testing';
import { send } from './transport';
import { httpsAgent, trustStore } from './trust';

/** Two unrelated CAs: #1 signed the server's certificate ("a public CA"), #2 is the extra CA. */
let ca1: ThrowawayTls;
let ca2: ThrowawayTls;
let server: TestServer;

beforeAll(() => {
  ca1 = throwawayTls();
  ca2 = throwawayTls();
});
beforeEach(async () => {
  server = await startTestServer((_req, res) => res.end('ok'), ca1);
});
afterEach(closeTestServers);

async function reach(agent: https.Agent): Promise<string> {
  try {
    const response = await send(`${server.url}/`, {
      httpsAgent: agent,
      timeoutMs: 5_000,
      maxResponseBytes: 100,
    });
    return response.body.toString();
  } catch (error) {
    return (error as { code?: string }).code ?? 'failed';
  } finally {
    agent.destroy();
  }
}

describe('httpsAgent / trustStore', () => {
  it('adds the extra CA to the system roots: a server of a root CA stays reachable', async () => {
    expect(await reach(httpsAgent({ extraCa: ca2.ca, systemRoots: [ca1.ca] }))).toBe('ok');
  });

  it('trusts the extra CA itself', async () => {
    expect(await reach(httpsAgent({ extraCa: ca1.ca, systemRoots: [ca2.ca] }))).toBe('ok');
  });

  it('trusts neither a CA outside the roots nor one that is not the extra CA', async () => {
    expect(await reach(httpsAgent({ extraCa: ca2.ca, systemRoots: [] }))).toBe(
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    );
  });

  it('uses Node’s own roots by default, which do not know a throwaway CA', async () => {
    expect(await reach(httpsAgent())).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect(await reach(httpsAgent({ extraCa: ca2.ca }))).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect(await reach(httpsAgent({ extraCa: ca1.ca }))).toBe('ok');
  });

  it('builds the context for Node’s roots and one extra CA once', () => {
    expect(trustStore(ca1.ca)).toBe(trustStore(ca1.ca));
    expect(trustStore(ca1.ca)).not.toBe(trustStore(ca2.ca));
  });

  it('keeps connections alive with the socket limit asked for', () => {
    const agent = httpsAgent({ maxSockets: 7 });
    expect(agent).toMatchObject({ keepAlive: true, maxSockets: 7 });
    agent.destroy();
  });
});
