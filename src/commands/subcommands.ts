/**
 * The sub-commands of `/flightiq` (docs/design.md, "The /flightiq command"), in the order
 * `/flightiq help` lists them. One without a handler is one this version cannot run yet: help says so,
 * and running it answers that, never a fake result.
 */
export interface SubcommandInfo {
  name: string;
  usage: string;
  summary: string;
  /** It calls PingOne, so it counts against the person's FLIGHTIQ_COMMANDS_PER_PERSON. */
  callsPingOne?: boolean;
  /**
   * It changes what FlightIQ holds (a promotion request), so it is not run when FlightIQ cannot make
   * sure it is not a replay of a command already handled.
   */
  changesState?: boolean;
  /** Whether this version has a handler for it; set by `withAvailability`. */
  available: boolean;
}

export const slashCommand = '/flightiq';

export const subcommandCatalog: readonly Omit<SubcommandInfo, 'available'>[] = [
  { name: 'help', usage: 'help', summary: 'Show this list.' },
  {
    name: 'tenant',
    // Not `changesState`: add, edit and remove change nothing until their form or confirmation, which
    // must open when the database is slow. `approvers … =` sets a whole list: a replay the check could
    // not rule out (within a signature's 5 minutes) sets the list it named again, audited as any change.
    usage:
      'tenant add | edit <tenant> | remove <tenant> | approvers <tenant> [= @people @groups | = default] | list',
    summary:
      "Manage PingOne worker-app credentials (admins only). Secrets are stored encrypted and never shown again. `approvers` shows or names who approves into the tenant's protected environments.",
  },
  {
    name: 'test',
    callsPingOne: true,
    usage: 'test [<tenant> | --tenant <t>]',
    summary: "Mint a worker token and check the worker app's roles and environments.",
  },
  {
    name: 'envs',
    callsPingOne: true,
    usage: 'envs [--tenant <t>]',
    summary: 'List the environments the worker app can reach.',
  },
  {
    name: 'list',
    callsPingOne: true,
    usage: 'list <kind> --env <env> [--tenant <t>] [filter words]',
    summary:
      'List flows, variables, connectors, apps, forms, templates, attributes or certificates of an environment; `list policies` shows which applications run which flow.',
  },
  {
    name: 'promote',
    callsPingOne: true,
    changesState: true,
    usage:
      'promote <flow> --from <env> --to <env> [--tenant <t>] [--as-new] [--no-subflows] [--saved] [--with-policies] [--reason <why>] | promote policy <DaVinci application>/<policy> --from <env> --to <env>',
    summary: 'Plan a flow promotion, or a flow policy one (updated in place); production needs an approver.',
  },
  {
    name: 'diff',
    callsPingOne: true,
    usage: 'diff <flow> --from <env> --to <env> [--tenant <t>] [--no-subflows] [--saved]',
    summary:
      'Show what promoting a flow would change in the destination, node by node, without requesting it.',
  },
  {
    name: 'versions',
    callsPingOne: true,
    usage: 'versions <flow> --env <env> [--tenant <t>]',
    summary:
      "List a flow's saved versions: aliases, when each was saved and deployed, and which FlightIQ wrote.",
  },
  {
    name: 'revert',
    callsPingOne: true,
    changesState: true,
    usage: 'revert <flow> --env <env> --to <version> [--tenant <t>] [--reason <why>]',
    summary:
      "Put a flow back to one of its versions with PingOne's revert, and deploy it; approved and rolled back like a promotion.",
  },
  {
    name: 'mappings',
    callsPingOne: true,
    changesState: true,
    usage:
      'mappings <from env> <to env> [--tenant <t>] | mappings <from> <to> set <kind> <source name> = <destination name> | mappings <from> <to> remove <kind> <source name>',
    summary:
      'Show or change the mapping profile between two environments: which destination object stands for a source one whose name the destination lacks or shares.',
  },
  {
    name: 'promotions',
    usage: 'promotions [pending|recent]',
    summary: 'Show pending or recent promotions.',
  },
  {
    name: 'audit',
    usage: 'audit [<count>] [--action <a>] [--outcome <o>] [--since <age>] [--until <age>]',
    summary: 'Show the latest audit events (admins only), by action family, outcome or age (30m, 24h, 7d).',
  },
];

export function withAvailability(available: (name: string) => boolean): SubcommandInfo[] {
  return subcommandCatalog.map((sub) => ({ ...sub, available: available(sub.name) }));
}

/** How a sub-command is written, as help lists it. */
export function usageOf(name: string): string {
  const found = subcommandCatalog.find((sub) => sub.name === name);
  if (!found) throw new Error(`no sub-command ${name}`);
  return found.usage;
}
