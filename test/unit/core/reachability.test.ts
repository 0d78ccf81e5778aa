import { describe, expect, it } from 'vitest';
import type { FlowPolicy, PolicyLinks } from '../../../src/core/policies/chain.js';
import {
  type DeployedFlow,
  reachabilityLines,
  reachabilityOf,
} from '../../../src/core/promotion/reachability.js';

const plain = { escape: (text: string) => text, name: (text: string) => text };

const checkout: DeployedFlow = { id: 'f-checkout', name: 'Checkout', role: 'main', deployedVersion: 12 };
const address: DeployedFlow = { id: 'f-address', name: 'Address', role: 'subflow', deployedVersion: 4 };

function policy(changes: Partial<FlowPolicy> = {}): FlowPolicy {
  return {
    id: 'p-login',
    name: 'Login',
    status: 'enabled',
    distributions: [{ flowId: checkout.id, flowName: 'Checkout', version: -1, weight: 100 }],
    usedBy: [{ applicationId: 'a-shop', applicationName: 'Web Shop', priority: 1 }],
    ...changes,
  };
}

function links(policies: FlowPolicy[], flows: PolicyLinks['flows'] = deployedAsPromoted()): PolicyLinks {
  return { applications: [{ id: 'd-portal', name: 'Portal', policies }], flows, truncated: false };
}

function deployedAsPromoted(): PolicyLinks['flows'] {
  return new Map([
    [checkout.id, { publishedVersion: 12, enabled: true }],
    [address.id, { publishedVersion: 4, enabled: true }],
  ]);
}

function verdictLines(flows: DeployedFlow[], chain: PolicyLinks): string[] {
  return reachabilityLines(reachabilityOf(flows, chain, 'Production'), plain);
}

describe('the reachability verdict after a promotion', () => {
  it('counts each application whose whole chain holds', () => {
    const mobile = { applicationId: 'a-mobile', applicationName: 'Mobile', priority: 2 };
    const chain = links([
      policy({ usedBy: [...policy().usedBy, mobile] }),
      policy({ id: 'p-2', name: 'Login v2', usedBy: [mobile] }),
    ]);
    expect(verdictLines([checkout, address], chain)).toEqual([
      'Reachable from 2 applications: Mobile, Web Shop',
    ]);
  });

  it('names a policy pinned to another version than the one deployed', () => {
    const chain = links([
      policy({ distributions: [{ flowId: checkout.id, flowName: 'Checkout', version: 7, weight: 100 }] }),
    ]);
    expect(verdictLines([checkout], chain)).toEqual([
      'Web Shop: policy Login still runs v7 of Checkout; this promotion deployed v12',
    ]);
  });

  it('names every broken link in chain order: policy disabled, flow disabled, subflow not deployed', () => {
    const flows = new Map([
      [checkout.id, { publishedVersion: 12, enabled: false }],
      [address.id, { publishedVersion: null, enabled: true }],
    ]);
    const chain = links([policy({ status: 'disabled' })], flows);
    expect(verdictLines([checkout, address], chain)).toEqual([
      'Web Shop: policy Login is disabled',
      'Web Shop: Checkout is disabled',
      'Web Shop: subflow Address is not deployed',
    ]);
  });

  it('says when someone deployed another version since, or deleted the flow', () => {
    const flows = new Map([[checkout.id, { publishedVersion: 13, enabled: true }]]);
    expect(verdictLines([checkout, address], links([policy()], flows))).toEqual([
      'Web Shop: Checkout now has v13 deployed, not v12 from this promotion',
      'Web Shop: subflow Address is no longer in the environment',
    ]);
  });

  it('says when no policy runs the flow, or no application assigns the policy that does', () => {
    expect(verdictLines([checkout], links([]))).toEqual([
      'No flow policy in Production runs Checkout: no PingOne application reaches it until a policy does.',
    ]);
    expect(verdictLines([checkout], links([policy({ usedBy: [] })]))).toEqual([
      'Policy Login runs Checkout, but no PingOne application assigns it.',
    ]);
  });

  it('counts the applications past the fourth instead of naming them', () => {
    const usedBy = ['A', 'B', 'C', 'D', 'E', 'F'].map((name, at) => ({
      applicationId: name,
      applicationName: name,
      priority: at,
    }));
    expect(verdictLines([checkout], links([policy({ usedBy })]))).toEqual([
      'Reachable from 6 applications: A, B, C, D, 2 more',
    ]);
  });

  it('says the lists were cut, and what it could not read', () => {
    const cut = { ...links([policy()]), truncated: true };
    expect(verdictLines([checkout], cut)).toContain(
      "PingOne's lists in Production were cut at the page cap: some applications may be missing.",
    );
    expect(
      reachabilityLines(
        { environment: 'Production', applications: [], notes: [], unchecked: 'PingOne refused' },
        plain,
      ),
    ).toEqual(['Not checked: PingOne refused']);
  });
});
