import type pg from 'pg';
import { PingOneError } from '../../pingone/errors.js';
import { savePolicyBackup } from '../../store/promotions.js';
import { bodyOf } from '../policies/policy-plan.js';
import { stableJson } from '../stable-json.js';
import type { DestinationWriter, Written } from './destination-writes.js';
import type { PlannedPolicy, PolicyBody } from './plan/types.js';
import type { StepAction } from './state.js';

/**
 * Writing a flow policy promotion (docs/promotions.md, "Promoting a flow policy"): the DaVinci
 * application created if the destination has none of that name, the policy backed up and replaced in
 * place (or created), then read back. Each write is a recorded step, as a flow's are.
 */

type Step = <T>(
  action: StepAction,
  subject: string,
  destinationId: string | null,
  write: () => Promise<Written<T>>,
) => Promise<Written<T>>;

/** What a policy promotion (or its rollback) did, as its result shows it. */
export interface PolicyResult {
  application: string;
  applicationId: string;
  /** The promotion created the DaVinci application: its key and secret are the destination's own. */
  applicationCreated: boolean;
  name: string;
  policyId: string;
  action: 'created' | 'updated' | 'unchanged' | 'restored';
  /** What the promotion wrote: its rollback puts the backup back only while the policy still holds it. */
  body?: PolicyBody;
}

export async function writePolicy(
  context: { pool: pg.Pool; writer: DestinationWriter; promotionId: string; step: Step },
  policy: PlannedPolicy,
  current: PolicyBody | null,
): Promise<PolicyResult> {
  const { writer, step } = context;
  let applicationId = policy.application.destinationId;
  if (!applicationId) {
    const { value } = await step('create application', policy.application.name, null, () =>
      writer.createApplication(policy.application.name),
    );
    applicationId = value.id;
  }
  const appId = applicationId;
  let policyId = policy.destinationId;
  if (policy.action === 'update' && policyId && current) {
    const id = policyId;
    // Nothing is written unless what it overwrites can be put back.
    await step('backup', policy.name, id, async () => {
      await savePolicyBackup(context.pool, context.promotionId, {
        applicationId: appId,
        policyId: id,
        policyName: policy.name,
        body: current,
      });
      return { value: null, readBack: false };
    });
    await step('update policy', policy.name, id, () => writer.replacePolicy(appId, id, policy.body));
  } else if (policy.action === 'create' || !policyId) {
    const { value } = await step('create policy', policy.name, null, () =>
      writer.createPolicy(appId, policy.body),
    );
    policyId = value.id;
  }
  const id = policyId;
  if (policy.action !== 'unchanged') {
    await step('verify', policy.name, id, async () => {
      const held = bodyOf(await writer.readPolicy(appId, id));
      if (!sameRouting(held, policy.body))
        throw new PingOneError(
          'unexpected_response',
          `PingOne holds flow policy "${policy.name}" differently from what FlightIQ wrote (its flows, versions, weights, name or status).`,
        );
      return { value: null, readBack: false };
    });
  }
  return {
    application: policy.application.name,
    applicationId: appId,
    applicationCreated: !policy.application.destinationId,
    name: policy.name,
    policyId: id,
    action: doneActions[policy.action],
    body: policy.body,
  };
}

const doneActions = { create: 'created', update: 'updated', unchanged: 'unchanged' } as const;

/**
 * Where users go: name, status and each distribution's flow, version and weight. What PingOne adds of
 * its own to a policy it holds (defaults, links) is not a difference.
 */
export function sameRouting(held: PolicyBody, wanted: PolicyBody): boolean {
  const routing = (body: PolicyBody, status: string | undefined) => ({
    name: body.name,
    status,
    distributions: body.flowDistributions.map((d) => [d.id, d.version ?? null, d.weight ?? null]),
  });
  return (
    stableJson(routing(held, wanted.status && held.status)) === stableJson(routing(wanted, wanted.status))
  );
}
