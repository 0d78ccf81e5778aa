import { describe, expect, it } from 'vitest';
import { withAvailability } from '../../../src/commands/subcommands.js';
import type { Promotion } from '../../../src/core/promotion/service.js';
import type { Tenant } from '../../../src/core/tenants/service.js';
import { homeView } from '../../../src/slack/views/home.js';
import { viewProblems } from '../../support/block-kit-rules.js';

const catalog = withAvailability(() => true);
const long = 'x'.repeat(500);

const tenant = (i: number): Tenant =>
  ({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    name: `Tenant ${i} ${'<'.repeat(64)}`.slice(0, 64),
    region: 'eu',
    environmentId: 'aa11aa11-0000-4000-8000-000000000001',
    clientId: '5e0f1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
    authMethod: 'client_secret_basic',
    secretFingerprint: '…abcd',
    lastTest: { outcome: 'failed', at: new Date(), summary: long },
  }) as unknown as Tenant;

const promotion = (i: number, status: Promotion['status'] = 'pending'): Promotion =>
  ({
    id: `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    flowName: `Flow ${i} ${long}`,
    fromEnvName: long,
    toEnvName: long,
    status,
    protected: i % 2 === 0,
    requestedBy: 'U0OPERATOR1',
    createdAt: new Date(),
    plan: { flows: [], blockers: ['x'], warnings: [] },
  }) as unknown as Promotion;

describe('App Home view', () => {
  it('stays within the Home tab limits however many tenants and promotions there are', () => {
    const tenants = Array.from({ length: 200 }, (_, i) => tenant(i));
    const health = new Map(
      tenants.map((t) => [
        t.id,
        {
          tenantId: t.id,
          state: 'failing' as const,
          causeCode: 'x',
          causeMessage: long,
          failingSince: new Date(),
          lastCheckedAt: new Date(),
          alertChannel: null,
          alertTs: null,
        },
      ]),
    );
    for (const isAdmin of [true, false]) {
      const view = homeView(catalog, {
        isAdmin,
        mayRead: true,
        tenants,
        health,
        actionable: Array.from({ length: 50 }, (_, i) => promotion(i)),
        mine: Array.from({ length: 50 }, (_, i) => promotion(i, 'succeeded')),
      });
      expect(viewProblems(view as never, 'home')).toEqual([]);
      const text = JSON.stringify(view);
      expect(text.includes('home_tenant_add')).toBe(isAdmin);
      expect(text.includes('home_tenant_edit')).toBe(isAdmin);
      expect(text).toContain('170 more');
    }
  });

  it('says what to do when there are no tenants', () => {
    const empty = { mayRead: true, tenants: [], health: new Map(), actionable: [], mine: [] };
    expect(JSON.stringify(homeView(catalog, { ...empty, isAdmin: true }))).toContain('Add the first one');
    expect(JSON.stringify(homeView(catalog, { ...empty, isAdmin: false }))).toContain(
      'A FlightIQ admin can add one',
    );
  });
});
