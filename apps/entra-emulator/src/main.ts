import { loadEmulatorConfig } from '@obo/config';
import { runService } from '@obo/server';
import { join } from 'node:path';
import { startupBanner } from './banner';
import { startEmulator } from './emulator';
import { exportCaCertificate } from './tls';

/** The Node preload that routes an app's Microsoft traffic through the proxy (built next to main.js). */
const PRELOAD = join(__dirname, 'transparent', 'route-to-emulator.js');

void runService({
  name: 'entra-emulator',
  load: () => loadEmulatorConfig(),
  start: async (config, logger) => {
    const emulator = await startEmulator({
      port: config.port,
      host: config.host,
      publicUrl: config.publicUrl,
      seed: config.seedPath,
      dataDir: config.dataDir,
      tls: config.tls,
      controlPlane: config.controlPlane,
      armPageSize: config.armPageSize,
      transparentPort: config.transparentPort,
      proxyPort: config.proxyPort,
      caeTokenLifetimeSeconds: config.caeTokenLifetimeSeconds,
      logger,
    });
    if (config.caExportPath) {
      exportCaCertificate(emulator.caCert, config.caExportPath);
    }
    console.log(
      startupBanner(emulator, {
        seedPath: config.seedPath,
        caExportPath: config.caExportPath,
        preloadPath: PRELOAD,
      }),
    );
    return { url: emulator.url, close: () => emulator.stop() };
  },
});
