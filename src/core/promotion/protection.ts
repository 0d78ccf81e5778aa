import type pg from 'pg';
import { rememberedProtectedEnvironments, rememberProtectedEnvironment } from '../../store/promotions.js';

/**
 * Which destinations need an approver: PingOne's PRODUCTION type, and what FLIGHTIQ_PROTECTED_ENVS
 * lists by ID or by name. A name is remembered with the ID it matched, so renaming an environment
 * does not take its protection away (while the name stays listed). Asked at every decision, not only
 * when a promotion is requested: an environment can become protected while a promotion waits.
 */
export class ProtectionPolicy {
  private readonly listed: ReadonlySet<string>;

  constructor(
    private readonly deps: {
      pool: pg.Pool;
      /** FLIGHTIQ_PROTECTED_ENVS, lower-cased: environment IDs and names. */
      listed: readonly string[];
    },
  ) {
    this.listed = new Set(deps.listed);
  }

  async isProtected(environment: { id: string; name: string; type: string }): Promise<boolean> {
    if (environment.type === 'PRODUCTION' || this.listed.has(environment.id.toLowerCase())) return true;
    const name = environment.name.toLowerCase();
    if (this.listed.has(name)) {
      await rememberProtectedEnvironment(this.deps.pool, environment.id, name);
      return true;
    }
    if (this.listed.size === 0) return false;
    const listedAs = (await rememberedProtectedEnvironments(this.deps.pool)).get(environment.id);
    return listedAs !== undefined && this.listed.has(listedAs);
  }
}
