import { loadWebConfig } from '@obo/config';
import { closeServer, createHttpServer, listen, runService } from '@obo/server';
import { createApp } from './app';

void runService({
  name: 'web',
  load: () => loadWebConfig(),
  start: async (config, logger) => {
    if (config.session.generatedSecret) {
      logger.warn(
        'SESSION_SECRET not set: using a random secret; sessions end when the process stops',
      );
    }
    const web = createApp(config, { logger });
    const server = createHttpServer(web.app);
    await listen(server, config.port, config.host);
    return {
      url: config.publicUrl,
      fields: { profile: config.identity.kind },
      close: async () => {
        await closeServer(server);
        await web.close();
      },
    };
  },
});
