import { armScope, cloudByAuthorityHost, cloudByName, CLOUDS } from './clouds';

describe('clouds', () => {
  it.each([
    ['AzureCloud', 'https://login.microsoftonline.com', 'https://management.azure.com'],
    ['public', 'https://login.microsoftonline.com', 'https://management.azure.com'],
    [
      'AzureUSGovernment',
      'https://login.microsoftonline.us',
      'https://management.usgovcloudapi.net',
    ],
    ['usgov', 'https://login.microsoftonline.us', 'https://management.usgovcloudapi.net'],
    ['AzureChinaCloud', 'https://login.chinacloudapi.cn', 'https://management.chinacloudapi.cn'],
    ['CHINA', 'https://login.chinacloudapi.cn', 'https://management.chinacloudapi.cn'],
  ])('%s resolves to its authority host and ARM endpoint', (name, host, arm) => {
    const cloud = cloudByName(name);
    expect(cloud?.authorityHost).toBe(host);
    expect(cloud?.armEndpoint).toBe(arm);
  });

  it.each([
    ['AzureCloud', 'https://graph.microsoft.com'],
    ['AzureUSGovernment', 'https://graph.microsoft.us'],
    ['AzureChinaCloud', 'https://microsoftgraph.chinacloudapi.cn'],
  ])('%s has its Microsoft Graph deployment', (name, graph) => {
    expect(cloudByName(name)?.graphEndpoint).toBe(graph);
  });

  it('rejects an unknown cloud name', () => {
    expect(cloudByName('AzureGermanCloud')).toBeUndefined();
  });

  it('finds a cloud by its authority host, ignoring a trailing slash', () => {
    expect(cloudByAuthorityHost('https://login.microsoftonline.us/')?.name).toBe(
      'AzureUSGovernment',
    );
    expect(cloudByAuthorityHost('https://localhost:8443')).toBeUndefined();
  });

  it('builds the .default scope from the ARM resource', () => {
    expect(armScope(CLOUDS.AzureCloud.armResource)).toBe('https://management.azure.com/.default');
    expect(armScope('https://management.chinacloudapi.cn')).toBe(
      'https://management.chinacloudapi.cn/.default',
    );
  });
});
