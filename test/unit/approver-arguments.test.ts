import { describe, expect, it } from 'vitest';
import { approverArguments } from '../../src/commands/approver-arguments.js';

const parse = (text: string) => approverArguments(text.split(' ').filter(Boolean));

describe('the words of tenant approvers', () => {
  it('shows a tenant whose name has spaces, sets mentions and IDs, and goes back to the default', () => {
    expect(parse('Acme production')).toEqual({ ok: true, tenant: 'Acme production', change: undefined });
    expect(
      parse('Acme production = <@U0PAT0001|pat>, <!subteam^S0PROD001|@prod-approvers> W0ALEX001'),
    ).toEqual({
      ok: true,
      tenant: 'Acme production',
      change: ['U0PAT0001', 'S0PROD001', 'W0ALEX001'],
    });
    expect(parse('Prod = <@U0PAT0001> <@U0PAT0001|pat>')).toMatchObject({ change: ['U0PAT0001'] });
    expect(parse('Prod = Default')).toEqual({ ok: true, tenant: 'Prod', change: null });
  });

  it('says what is wrong instead of guessing', () => {
    expect(parse('= <@U0PAT0001>')).toEqual({ ok: false, problems: ['Name the tenant'] });
    expect(parse('Prod =')).toMatchObject({
      ok: false,
      problems: [expect.stringContaining('say `default`')],
    });
    expect(parse('Prod = @pat <#C0CHANNEL1|approvals>')).toEqual({
      ok: false,
      problems: [
        expect.stringContaining('"@pat" is not a person or a user group'),
        expect.stringContaining('"<#C0CHANNEL1|approvals>" is not a person or a user group'),
      ],
    });
    const many = Array.from({ length: 101 }, (_, n) => `U0${String(n).padStart(7, '0')}`).join(' ');
    expect(parse(`Prod = ${many}`)).toMatchObject({
      ok: false,
      problems: [expect.stringContaining('At most 100')],
    });
  });
});
