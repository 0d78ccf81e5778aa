import { describe, expect, it } from 'vitest';
import { type WorkerCredentials, workerFor } from '../../src/pingone/client.js';

/** A call into an environment of another organization is made with that organization's worker. */

const worker = (clientId: string): WorkerCredentials => ({
  region: 'eu',
  environmentId: 'aa11aa11-0000-4000-8000-000000000001',
  clientId,
  authMethod: 'client_secret_basic',
  secret: async () => 'not a real secret',
});

describe('workerFor', () => {
  const production = 'cc33cc33-0000-4000-8000-000000000003';
  const prod = worker('prod');
  const dev = { ...worker('dev'), elsewhere: new Map([[production, prod]]) };

  it('takes the other worker for any path into its environment, and the own one elsewhere', () => {
    expect(workerFor(dev, `/environments/${production}/flows`)).toBe(prod);
    expect(workerFor(dev, `/environments/${production}`)).toBe(prod);
    expect(workerFor(dev, `/environments/${production}?expand=billOfMaterials`)).toBe(prod);
    expect(workerFor(dev, '/environments/bb22bb22-0000-4000-8000-000000000002/flows')).toBe(dev);
    expect(workerFor(dev, '/environments')).toBe(dev);
    expect(workerFor(prod, `/environments/${production}/flows`)).toBe(prod);
  });
});
