/**
 * Who may do what. Decided on the server from the Slack user ID of the signed request, every time:
 * never from anything the app itself put into a payload (private_metadata, button values).
 */

export interface Actor {
  userId: string;
  teamId?: string | undefined;
}

/** What the workspace says about a person; the Slack layer fills it from users.info. */
export interface DirectoryEntry {
  teamId: string | undefined;
  isAdmin: boolean;
  isOwner: boolean;
  isRestricted: boolean;
  isBot: boolean;
  deleted: boolean;
}

export interface WorkspaceDirectory {
  /** Resolves to null when the workspace does not know the user. */
  lookUp(userId: string): Promise<DirectoryEntry | null>;
  /** Members of a user group (S…); empty when the group does not exist. */
  groupMembers(groupId: string): Promise<readonly string[]>;
}

/** For tools that run without Slack (key rotation): nobody is known, so only configured IDs count. */
export const noWorkspaceDirectory: WorkspaceDirectory = {
  lookUp: async () => null,
  groupMembers: async () => [],
};

export interface AccessPolicyOptions {
  /** FLIGHTIQ_ADMINS: when not empty, exactly these users are admins. */
  admins: readonly string[];
  /** FLIGHTIQ_READERS: user and user-group IDs; when empty, every full member of the workspace. */
  readers?: readonly string[];
  /** FLIGHTIQ_OPERATORS: user and user-group IDs who may request promotions (besides admins and approvers). */
  operators?: readonly string[];
  /** FLIGHTIQ_APPROVERS: user and user-group IDs who may approve promotions into protected environments. */
  approvers?: readonly string[];
  directory: WorkspaceDirectory;
  /** Our own workspace: directory admins of another workspace (Slack Connect) are not ours. */
  teamId: string;
}

export class AccessPolicy {
  constructor(private readonly options: AccessPolicyOptions) {}

  /**
   * Admins: FLIGHTIQ_ADMINS when set, else the workspace's admins and owners. Either way a guest or a
   * deactivated account is refused: being listed once does not outlast the workspace's own verdict.
   */
  async isAdmin(actor: Actor): Promise<boolean> {
    if (this.options.admins.length > 0) {
      return this.options.admins.includes(actor.userId) && (await this.fullMember(actor, { unknown: true }));
    }
    const entry = await this.options.directory.lookUp(actor.userId);
    if (!entry || entry.deleted || entry.isBot || entry.isRestricted) return false;
    if (entry.teamId !== undefined && entry.teamId !== this.options.teamId) return false;
    return entry.isAdmin || entry.isOwner;
  }

  /**
   * May run read commands (test, envs, list, tenant list): admins, listed readers (never a guest or a
   * deactivated account), or every full member when none are listed.
   */
  async canRead(actor: Actor): Promise<boolean> {
    const readers = this.options.readers ?? [];
    if (await this.isAdmin(actor)) return true;
    if (readers.length === 0) {
      const entry = await this.options.directory.lookUp(actor.userId);
      if (!entry || entry.deleted || entry.isBot || entry.isRestricted) return false;
      return entry.teamId === undefined || entry.teamId === this.options.teamId;
    }
    return this.listed(actor, readers);
  }

  /** May request promotions: listed operators, admins and approvers. */
  async canPromote(actor: Actor): Promise<boolean> {
    if (await this.listed(actor, this.options.operators ?? [])) return true;
    return (await this.isApprover(actor)) || (await this.isAdmin(actor));
  }

  /**
   * May change a mapping profile (which destination object stands for a source one): listed operators
   * and admins. Approvers are not among them by being approvers: the entries are what they check.
   */
  async canMap(actor: Actor): Promise<boolean> {
    if (await this.listed(actor, this.options.operators ?? [])) return true;
    return this.isAdmin(actor);
  }

  /**
   * May approve a promotion into a protected environment. Only listed approvers: being an admin is not
   * enough, and whether the approver requested it themselves is checked by the caller, per promotion.
   * `approvers` are the destination tenant's own (core/tenants/approvers.ts), else FLIGHTIQ_APPROVERS.
   */
  async isApprover(actor: Actor, approvers: readonly string[] = this.approverIds()): Promise<boolean> {
    return this.listed(actor, approvers);
  }

  /** FLIGHTIQ_APPROVERS as configured (users and user groups): whom a decision waiting for approvers calls on. */
  approverIds(): readonly string[] {
    return this.options.approvers ?? [];
  }

  /** Named in a list directly, or through a user group (S…) of it; guests and bots never. */
  private async listed(actor: Actor, ids: readonly string[]): Promise<boolean> {
    if (ids.length === 0) return false;
    let named = ids.includes(actor.userId);
    for (const group of ids.filter((id) => id.startsWith('S'))) {
      if (named) break;
      named = (await this.options.directory.groupMembers(group)).includes(actor.userId);
    }
    return named && (await this.fullMember(actor, { unknown: true }));
  }

  /**
   * Not a guest, a bot or a deactivated account, as the workspace says now. `unknown` is the answer for
   * someone the directory does not know (tools without Slack cannot say they became a guest).
   */
  private async fullMember(actor: Actor, { unknown }: { unknown: boolean }): Promise<boolean> {
    const entry = await this.options.directory.lookUp(actor.userId);
    if (!entry) return unknown;
    return !(entry.deleted || entry.isBot || entry.isRestricted);
  }
}
