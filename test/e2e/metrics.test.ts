import { beforeAll, describe, expect, it } from 'vitest';
import { addSimulatorTenant } from '../support/simulator-tenant.js';
import { useWorld } from '../support/world.js';

const admin = 'U0ADMIN0001';
const member = 'U0MEMBER001';

const world = useWorld({
  users: { [member]: {} },
  env: { FLIGHTIQ_ADMINS: admin },
});

// One tenant for the whole file, added once (not before each test).
beforeAll(async () => {
  await addSimulatorTenant(world.app.service.services, world.sim, { name: 'Acme', admin });
});

async function scrape(): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${world.app.service.metricsPort}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return response.text();
}

function value(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe('GET /metrics', () => {
  it('counts commands, acknowledgements, PingOne calls and token cache use', async () => {
    const before = await scrape();
    for (const text of ['envs', 'envs', 'help']) {
      const reply = await world.app.slack.command(text, { user: member });
      if (text === 'envs')
        await world.fakeSlack.waitFor(() => world.fakeSlack.responsesTo(reply.responseUrl).at(-1), 10_000);
    }
    const after = await scrape();
    const ok = 'flightiq_commands_total{command="envs",outcome="ok"}';
    expect(value(after, ok) - value(before, ok)).toBe(2);
    expect(
      value(after, 'flightiq_ack_latency_seconds_count') -
        value(before, 'flightiq_ack_latency_seconds_count'),
    ).toBeGreaterThanOrEqual(2);
    expect(
      value(after, 'flightiq_pingone_requests_total{group="environments",status="200"}'),
    ).toBeGreaterThanOrEqual(2);
    expect(value(after, 'flightiq_token_cache_total{result="mint"}')).toBeGreaterThanOrEqual(1);
    expect(value(after, 'flightiq_token_cache_total{result="hit"}')).toBeGreaterThanOrEqual(1);
    expect(after).toContain('flightiq_pingone_request_duration_seconds_bucket{le=');
    expect(after).toContain('flightiq_alerts_open 0');
    expect(after).toContain('flightiq_process_');
  });

  it('reads promotions and open alerts from the database', async () => {
    await world.app.service.database.pool.query(
      `INSERT INTO tenant_health (tenant_id, state, cause_code, last_checked_at) SELECT id, 'failing', 'client_authentication_failed', now() FROM tenants`,
    );
    await world.app.service.database.pool.query(
      `INSERT INTO promotions (id, tenant_id, tenant_name, requested_by, flow_name, from_env_id, from_env_name,
         to_env_id, to_env_name, options, protected, plan, fingerprint, status, expires_at)
       SELECT gen_random_uuid(), id, name, 'U0X', 'Sign in', 'a', 'Staging', 'b', 'Production', '{}', true, '{}',
              'f', s, now() + interval '1 hour'
         FROM tenants, (VALUES ('pending'), ('pending'), ('succeeded')) AS v(s)`,
    );
    const text = await scrape();
    expect(text).toContain('flightiq_alerts_open 1');
    expect(text).toContain('flightiq_promotions{status="pending"} 2');
    expect(text).toContain('flightiq_promotions{status="succeeded"} 1');
  });

  it('is not served on the port Slack reaches', async () => {
    const response = await fetch(`${world.app.url}/metrics`);
    expect(response.status).toBe(404);
  });
});
