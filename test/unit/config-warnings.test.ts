import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { configWarnings } from '../../src/config-warnings.js';

const complete = {
  SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
  SLACK_SIGNING_SECRET: 'a'.repeat(32),
  FLIGHTIQ_APPROVERS: 'U0APPROVER1,U0APPROVER2',
  FLIGHTIQ_APPROVAL_CHANNEL: 'C0APPROVALS',
  FLIGHTIQ_ALERT_CHANNEL: 'C0ALERTS01',
};

const warningsFor = (env: Record<string, string | undefined>) =>
  configWarnings(
    loadConfig(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as never),
  );

describe('start-up warnings about settings that leave a feature unusable', () => {
  it('says nothing when everything a promotion and an alert need is set', () => {
    expect(warningsFor(complete)).toEqual([]);
  });

  it('names each missing piece and what stops working', () => {
    const warnings = warningsFor({
      ...complete,
      FLIGHTIQ_APPROVERS: undefined,
      FLIGHTIQ_APPROVAL_CHANNEL: undefined,
      FLIGHTIQ_ALERT_CHANNEL: undefined,
    });
    expect(warnings).toEqual([
      expect.stringContaining('FLIGHTIQ_APPROVERS is empty: promotions into protected environments'),
      expect.stringContaining(
        'FLIGHTIQ_APPROVAL_CHANNEL is not set: promotions into protected environments are refused',
      ),
      expect.stringContaining(
        'FLIGHTIQ_ALERT_CHANNEL is not set: failing credentials, expiring certificates and flows changed outside FlightIQ are tracked, but nobody is told',
      ),
    ]);
  });

  it('warns when the listed approvers can never reach FLIGHTIQ_REQUIRED_APPROVALS, but not with a user group', () => {
    expect(warningsFor({ ...complete, FLIGHTIQ_REQUIRED_APPROVALS: '3' })).toEqual([
      expect.stringContaining('FLIGHTIQ_REQUIRED_APPROVALS is 3 but FLIGHTIQ_APPROVERS names 2 people'),
    ]);
    expect(
      warningsFor({
        ...complete,
        FLIGHTIQ_REQUIRED_APPROVALS: '3',
        FLIGHTIQ_APPROVERS: 'U0APPROVER1,S0APPROVERS',
      }),
    ).toEqual([]);
  });
});
