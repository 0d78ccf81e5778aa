import { describe, expect, it } from 'vitest';
import { promotionAlias, rollbackAlias } from '../../../src/core/promotion/version-alias.js';
import { aliasMaxLength, aliasPattern } from '../../../src/pingone/davinci.js';

const id = '1f3a2b9c-0000-4000-8000-000000000001';

describe('the alias FlightIQ gives a version it writes', () => {
  it('names the promotion, the source and its version, and who approved or ran it', () => {
    expect(promotionAlias({ id, fromEnvName: 'Staging', approvers: ['U0A', 'U0B'], ranBy: 'U0A' }, 12)).toBe(
      'FlightIQ 1f3a2b9c from Staging v12 approved by U0A and U0B',
    );
    expect(promotionAlias({ id, fromEnvName: 'Dev', approvers: [], ranBy: 'U0OP' }, null)).toBe(
      'FlightIQ 1f3a2b9c from Dev run by U0OP',
    );
    expect(rollbackAlias({ id, askedBy: 'U0OP', by: 'U0A' })).toBe(
      'FlightIQ 1f3a2b9c rollback asked by U0OP approved by U0A',
    );
    expect(rollbackAlias({ id, askedBy: null, by: 'U0OP' })).toBe('FlightIQ 1f3a2b9c rollback run by U0OP');
  });

  it('is always one PingOne accepts, whatever the environment is called', () => {
    for (const name of ['Staging (EU)', 'QA: <!channel> ${x}', 'Prüfung & Test', '  ', 'x'.repeat(400)]) {
      const alias = promotionAlias({ id, fromEnvName: name, approvers: ['console:ops'], ranBy: null }, 3);
      expect(alias).toMatch(aliasPattern);
      expect(alias).not.toMatch(/<|\$\{/);
      expect(alias.length).toBeLessThanOrEqual(aliasMaxLength);
      expect(alias.startsWith('FlightIQ 1f3a2b9c from ')).toBe(true);
    }
    expect(promotionAlias({ id, fromEnvName: 'Staging (EU)', approvers: [], ranBy: null }, 1)).toBe(
      'FlightIQ 1f3a2b9c from Staging EU v1',
    );
  });
});
