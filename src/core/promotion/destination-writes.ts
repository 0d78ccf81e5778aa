import { currentCallContext } from '../../pingone/call-context.js';
import type { PingOneClient, WorkerCredentials } from '../../pingone/client.js';
import {
  davinciApplicationNameSchema,
  davinciPaths,
  type FlowPolicyResource,
  flowPolicyResourceSchema,
  flowStateSchema,
} from '../../pingone/davinci.js';
import { PingOneError } from '../../pingone/errors.js';
import { definitionFromResource, sameShape, variableResourceSchema } from '../davinci/variables.js';
import { definitionOf, hasGraph, sameContent } from './plan/definition.js';
import { definitionKeys, type FlowDefinition, type PolicyBody } from './plan/types.js';

/**
 * Every change a promotion or a rollback makes in the destination environment. DaVinci can take longer
 * to answer a write than FlightIQ waits; a write whose answer never came may still have been made, so
 * it is read back before it is called failed, and never simply sent again (a second create would make
 * a second flow).
 */
export interface Written<T> {
  value: T;
  /** True when PingOne's answer never came and reading back showed the change was made. */
  readBack: boolean;
}

/**
 * When a write's answer never came, DaVinci may still be saving it: read back after each of these
 * waits, and call it not made only after the last one.
 */
const readBackDelaysMs = [500, 1_000, 2_000, 4_000];

export class DestinationWriter {
  private readonly flows: string;
  private readonly variables: string;

  constructor(
    private readonly pingone: PingOneClient,
    private readonly credentials: WorkerCredentials,
    private readonly environmentId: string,
  ) {
    this.flows = davinciPaths.flows(environmentId);
    this.variables = davinciPaths.variables(environmentId);
  }

  /**
   * A flow as it is now, exported: the backup a rollback restores. Only an export carrying the flow's
   * graph is a copy of the flow; the spec also lists a 201 answer that is only a version record.
   */
  async backup(flowId: string, version: number, name: string): Promise<FlowDefinition> {
    const { status, body } = await this.pingone.sendForStatus(this.credentials, {
      method: 'POST',
      path: `${this.flows}/${encodeURIComponent(flowId)}/versions/${version}`,
      contentType: 'application/vnd.pingidentity.flowversion.export+json',
      body: {},
      repeatable: true,
    });
    const exported = (body ?? {}) as Record<string, unknown>;
    if (status !== 200 || !hasGraph(exported.graphData)) {
      throw new PingOneError(
        'unexpected_response',
        `PingOne's export of "${name}" version ${version} (answered ${status}) carries no flow graph, so it cannot serve as a backup to roll back to. Nothing was written.`,
        { status, path: `${this.flows}/{id}/versions/{n}` },
      );
    }
    const exportedName = (exported.flow as { name?: unknown } | undefined)?.name;
    return definitionOf({ ...exported, name: typeof exportedName === 'string' ? exportedName : name });
  }

  /**
   * Creates a flow. `dropped` names the parts of the definition PingOne's answer does not hold: Ping's
   * own Terraform provider sends a flow again after creating it, because some fields are kept only by an
   * update; the caller does the same.
   */
  async createFlow(
    body: FlowDefinition,
    existing: ReadonlySet<string>,
  ): Promise<Written<{ id: string; version: number | null; dropped: string[] }>> {
    return this.confirmed(
      async () => {
        const created = (await this.pingone.send(this.credentials, {
          method: 'POST',
          path: this.flows,
          body,
        })) as Record<string, unknown> & { id?: string; currentVersion?: number };
        if (!created.id)
          throw new PingOneError('unexpected_response', 'PingOne created the flow but did not say its ID.');
        const dropped = definitionKeys.filter((key) => body[key] !== undefined && created[key] === undefined);
        return { id: created.id, version: created.currentVersion ?? null, dropped };
      },
      async () => {
        // A flow of that name that was not there before the promotion started is the one it made.
        const { items } = await this.pingone.collect(
          this.credentials,
          `${this.flows}?attributes=id,name,currentVersion,publishedVersion`,
          'flows',
          flowStateSchema,
        );
        const made = items.find((flow) => flow.name === body.name && !existing.has(flow.id));
        // What PingOne kept of it is not known from a list: the read-back before deploying tells.
        return made ? { id: made.id, version: made.currentVersion ?? null, dropped: [] } : undefined;
      },
    );
  }

  async replaceFlow(flowId: string, body: FlowDefinition): Promise<Written<{ version: number | null }>> {
    const path = `${this.flows}/${encodeURIComponent(flowId)}`;
    return this.confirmed(
      async () => {
        const replaced = (await this.pingone.send(this.credentials, { method: 'PUT', path, body })) as {
          currentVersion?: number;
        };
        return { version: replaced.currentVersion ?? null };
      },
      async () => {
        const current = (await this.pingone.get(this.credentials, path, { large: true })) as Record<
          string,
          unknown
        >;
        const state = flowStateSchema.safeParse(current);
        if (!state.success || !sameContent(definitionOf({ ...current, name: state.data.name }), body))
          return undefined;
        return { version: state.data.currentVersion ?? null };
      },
    );
  }

  /**
   * Reverts a flow to one of its versions with PingOne's revert, which saves that version's content as
   * a new version and deploys nothing (docs/pingone-facts.md, "Versions and deploy"). Its answer is not
   * documented, so the new version is read from the flow afterwards. Sent once: each revert makes a new
   * version. When its answer never came, a flow now past `before` that holds `expected` shows it was made.
   */
  async revert(
    flowId: string,
    version: number,
    before: number | null,
    expected: FlowDefinition,
  ): Promise<Written<{ version: number | null }>> {
    const path = `${this.flows}/${encodeURIComponent(flowId)}`;
    const current = async () => {
      const held = (await this.pingone.get(this.credentials, path, { large: true })) as Record<
        string,
        unknown
      >;
      const state = flowStateSchema.safeParse(held);
      if (!state.success)
        throw new PingOneError(
          'unexpected_response',
          `PingOne's answer for flow ${flowId} is not a DaVinci flow.`,
        );
      return {
        definition: definitionOf({ ...held, name: state.data.name }),
        version: state.data.currentVersion ?? null,
      };
    };
    return this.confirmed(
      async () => {
        await this.pingone.send(this.credentials, {
          method: 'POST',
          path: davinciPaths.flowVersion(this.environmentId, flowId, version),
          contentType: 'application/vnd.pingidentity.flowversion.revert+json',
          body: {},
        });
        return { version: (await current()).version };
      },
      async () => {
        const now = await current();
        const moved = now.version !== null && (before === null || now.version > before);
        return moved && sameContent(now.definition, expected) ? { version: now.version } : undefined;
      },
    );
  }

  /**
   * Creates a DaVinci application. PingOne gives it its own API key and client secret, which FlightIQ
   * never reads; a create whose answer never came is found by its name.
   */
  async createApplication(name: string): Promise<Written<{ id: string }>> {
    const path = davinciPaths.davinciApplications(this.environmentId);
    const byName = async () => {
      const { items } = await this.pingone.collect(
        this.credentials,
        path,
        'davinciApplications',
        davinciApplicationNameSchema,
      );
      const made = items.find((app) => app.name === name);
      return made ? { id: made.id } : undefined;
    };
    return this.confirmed(async () => {
      const created = davinciApplicationNameSchema.safeParse(
        await this.pingone.send(this.credentials, { method: 'POST', path, body: { name } }),
      );
      if (!created.success)
        throw new PingOneError(
          'unexpected_response',
          'PingOne created the DaVinci application but did not say its ID.',
        );
      return { id: created.data.id };
    }, byName);
  }

  async createPolicy(applicationId: string, body: PolicyBody): Promise<Written<{ id: string }>> {
    const path = davinciPaths.flowPolicies(this.environmentId, applicationId);
    const byName = async () => {
      const { items } = await this.pingone.collect(
        this.credentials,
        path,
        'flowPolicies',
        flowPolicyResourceSchema,
      );
      const made = items.find((policy) => policy.name === body.name);
      return made ? { id: made.id } : undefined;
    };
    return this.confirmed(async () => {
      const created = flowPolicyResourceSchema.safeParse(
        await this.pingone.send(this.credentials, { method: 'POST', path, body }),
      );
      if (!created.success)
        throw new PingOneError(
          'unexpected_response',
          'PingOne created the flow policy but did not say its ID.',
        );
      return { id: created.data.id };
    }, byName);
  }

  /** Replaces a flow policy in place: sending it twice changes nothing more, so it is retried. */
  async replacePolicy(applicationId: string, policyId: string, body: PolicyBody): Promise<Written<null>> {
    await this.pingone.send(this.credentials, {
      method: 'PUT',
      path: davinciPaths.flowPolicy(this.environmentId, applicationId, policyId),
      body,
      repeatable: true,
    });
    return { value: null, readBack: false };
  }

  async readPolicy(applicationId: string, policyId: string): Promise<FlowPolicyResource> {
    const held = flowPolicyResourceSchema.safeParse(
      await this.pingone.get(
        this.credentials,
        davinciPaths.flowPolicy(this.environmentId, applicationId, policyId),
      ),
    );
    if (!held.success)
      throw new PingOneError(
        'unexpected_response',
        `PingOne's answer for flow policy ${policyId} is not a flow policy.`,
      );
    return held.data;
  }

  /** A flow as PingOne holds it now: its definition, saved version and whether it is enabled. */
  async readFlow(
    flowId: string,
  ): Promise<{ definition: FlowDefinition; version: number | null; enabled: boolean | undefined }> {
    const current = (await this.pingone.get(this.credentials, `${this.flows}/${encodeURIComponent(flowId)}`, {
      large: true,
    })) as Record<string, unknown>;
    const state = flowStateSchema.safeParse(current);
    if (!state.success)
      throw new PingOneError(
        'unexpected_response',
        `PingOne's answer for flow ${flowId} is not a DaVinci flow.`,
      );
    return {
      definition: definitionOf({ ...current, name: state.data.name }),
      version: state.data.currentVersion ?? null,
      enabled: typeof current.enabled === 'boolean' ? current.enabled : undefined,
    };
  }

  /** Names a saved version; PingOne replaces any alias it had, so a retry is safe. */
  async setAlias(flowId: string, version: number, alias: string): Promise<Written<{ version: number }>> {
    await this.pingone.send(this.credentials, {
      method: 'PUT',
      path: davinciPaths.flowVersionAlias(this.environmentId, flowId, version),
      body: { alias },
      repeatable: true,
    });
    return { value: { version }, readBack: false };
  }

  /** Enables or disables a flow; doing it twice changes nothing more, so a retry is safe. */
  async setEnabled(flowId: string, enabled: boolean): Promise<Written<null>> {
    await this.pingone.send(this.credentials, {
      method: 'PUT',
      path: `${this.flows}/${encodeURIComponent(flowId)}/enabled`,
      body: { enabled },
      repeatable: true,
    });
    return { value: null, readBack: false };
  }

  /**
   * Deploys a flow's saved version. Doing it twice changes nothing more, so it is sent again after a
   * fault, once: PingOne answers 500 to a flow it cannot deploy (an invalid one) as to a passing fault,
   * and a second 500 is a refusal to say as such, not an outage.
   */
  async deploy(flowId: string, name: string): Promise<Written<{ version: number | null }>> {
    const path = `${this.flows}/${encodeURIComponent(flowId)}`;
    return this.confirmed(
      async () => {
        try {
          const deployed = (await this.pingone.send(this.credentials, {
            method: 'POST',
            path,
            contentType: 'application/vnd.pingidentity.flow.deploy+json',
            body: {},
            repeatable: true,
            retries: 1,
          })) as { publishedVersion?: number };
          return { version: deployed.publishedVersion ?? null };
        } catch (error) {
          if (error instanceof PingOneError && error.details.status === 500) {
            throw new PingOneError(
              'refused_request',
              `PingOne refused to deploy ${name} (is the flow valid? It answered 500, also when asked again; the DaVinci designer shows what it finds wrong).`,
              error.details,
            );
          }
          throw error;
        }
      },
      async () => {
        const state = flowStateSchema.safeParse(await this.pingone.get(this.credentials, path));
        if (!state.success || state.data.publishedVersion === undefined) return undefined;
        return state.data.publishedVersion === state.data.currentVersion
          ? { version: state.data.publishedVersion }
          : undefined;
      },
    );
  }

  async createVariable(body: Record<string, unknown>): Promise<Written<{ id: string }>> {
    return this.confirmed(
      async () => {
        const created = (await this.pingone.send(this.credentials, {
          method: 'POST',
          path: this.variables,
          body,
        })) as { id?: string };
        if (!created.id)
          throw new PingOneError(
            'unexpected_response',
            'PingOne created the variable but did not say its ID.',
          );
        return { id: created.id };
      },
      async () => {
        const { items } = await this.pingone.collect(
          this.credentials,
          `${this.variables}?limit=500`,
          'variables',
          variableResourceSchema,
        );
        const flowId = (body.flow as { id?: string } | undefined)?.id;
        const made = items.find(
          (variable) =>
            variable.name === body.name && variable.context === body.context && variable.flow?.id === flowId,
        );
        return made ? { id: made.id } : undefined;
      },
    );
  }

  async replaceVariable(variableId: string, body: Record<string, unknown>): Promise<Written<null>> {
    const path = `${this.variables}/${encodeURIComponent(variableId)}`;
    return this.confirmed(
      async () => {
        await this.pingone.send(this.credentials, { method: 'PUT', path, body });
        return null;
      },
      async () => {
        const current = variableResourceSchema.safeParse(await this.pingone.get(this.credentials, path));
        const wanted = variableResourceSchema.safeParse({ ...body, id: variableId });
        if (!current.success || !wanted.success) return undefined;
        return sameShape(definitionFromResource(current.data), definitionFromResource(wanted.data))
          ? null
          : undefined;
      },
    );
  }

  /** Deletes a variable; one already gone counts as deleted. */
  async deleteVariable(variableId: string): Promise<Written<null>> {
    const path = `${this.variables}/${encodeURIComponent(variableId)}`;
    const gone = async () => {
      try {
        await this.pingone.get(this.credentials, path);
        return undefined;
      } catch (error) {
        if (error instanceof PingOneError && error.code === 'not_found') return null;
        throw error;
      }
    };
    try {
      return await this.confirmed(async () => {
        await this.pingone.send(this.credentials, { method: 'DELETE', path });
        return null;
      }, gone);
    } catch (error) {
      if (error instanceof PingOneError && error.code === 'not_found')
        return { value: null, readBack: false };
      throw error;
    }
  }

  /**
   * Sends a write; when its answer never came, asks `check` whether it was made (after a pause, and
   * again a few times while DaVinci may still be saving it): its result means yes, undefined means no
   * (then the write failed, and nothing was changed by it).
   */
  private async confirmed<T>(
    write: () => Promise<T>,
    check: () => Promise<T | undefined>,
  ): Promise<Written<T>> {
    try {
      return { value: await write(), readBack: false };
    } catch (error) {
      if (!(error instanceof PingOneError && error.details.outcomeUnknown)) throw error;
      let waited = 0;
      for (const delay of readBackDelaysMs) {
        if (Date.now() + delay > currentCallContext().deadline) break;
        await new Promise((done) => setTimeout(done, delay));
        waited += delay;
        let found: T | undefined;
        try {
          found = await check();
        } catch {
          throw error;
        }
        if (found !== undefined) return { value: found, readBack: true };
      }
      throw new PingOneError(
        error.code,
        `${error.message.replace(/ The change may or may not have been made: PingOne's answer never came\.$/, '')} Reading back for ${waited / 1000} s showed it was not made.`,
        { ...error.details, outcomeUnknown: false },
      );
    }
  }
}
