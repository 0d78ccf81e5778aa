import { describe, expect, it } from 'vitest';
import { splitWords } from '../../src/commands/command-line.js';
import { mappingArguments } from '../../src/commands/mapping-arguments.js';

const parse = (text: string) => mappingArguments(splitWords(text));

describe('the words of /flightiq mappings', () => {
  it('lists a profile from two environments, with a tenant', () => {
    expect(parse('Staging Production --tenant Acme')).toEqual({
      ok: true,
      asked: { from: 'Staging', to: 'Production', tenant: 'Acme', action: 'list' },
    });
  });

  it('sets an entry whose names have spaces, without quotes, split at the =', () => {
    expect(parse('Staging Production set notification-policy Email enrollment = Email sign-up')).toEqual({
      ok: true,
      asked: {
        from: 'Staging',
        to: 'Production',
        tenant: undefined,
        action: 'set',
        kind: 'notificationPolicy',
        source: 'Email enrollment',
        destination: 'Email sign-up',
      },
    });
    expect(parse('"QA one" Production set connector "HTTP" = "HTTP calls"')).toMatchObject({
      ok: true,
      asked: { from: 'QA one', kind: 'connectorInstance', source: 'HTTP', destination: 'HTTP calls' },
    });
    for (const word of ['variable', 'company-variable'])
      expect(parse(`Staging Production set ${word} smtpPassword = mailPassword`)).toMatchObject({
        ok: true,
        asked: { kind: 'variable', source: 'smtpPassword', destination: 'mailPassword' },
      });
  });

  it('removes an entry by kind and source name', () => {
    expect(parse('Staging Production remove mfa-policy Passwordless MFA')).toMatchObject({
      ok: true,
      asked: { action: 'remove', kind: 'deviceAuthenticationPolicy', source: 'Passwordless MFA' },
    });
  });

  it('says what is wrong instead of guessing', () => {
    expect(parse('Staging')).toMatchObject({ ok: false });
    expect(parse('Staging Production rename form A = B')).toMatchObject({
      ok: false,
      problems: [expect.stringContaining('say `set` or `remove`')],
    });
    expect(parse('Staging Production set widget A = B')).toMatchObject({
      ok: false,
      problems: [expect.stringContaining('connector, form, variable, population, notification-policy')],
    });
    expect(parse('Staging Production set form Sign On')).toMatchObject({
      ok: false,
      problems: [expect.stringContaining('<source name> = <destination name>')],
    });
  });
});
