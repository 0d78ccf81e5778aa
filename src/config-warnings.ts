import type { Config } from './config.js';

/**
 * Settings that are each valid but together leave a feature that cannot work: said at start, so an
 * admin learns it from the log rather than from a promotion nobody can approve.
 */
export function configWarnings(config: Config): string[] {
  const warnings: string[] = [];
  const { approvers, approvalChannel, requiredApprovals } = config.promotions;
  if (approvers.length === 0) {
    warnings.push(
      'FLIGHTIQ_APPROVERS is empty: promotions into protected environments (type PRODUCTION, or in FLIGHTIQ_PROTECTED_ENVS) would wait for an approver nobody can be. Set FLIGHTIQ_APPROVERS to the people or user groups who approve.',
    );
  } else {
    const people = approvers.filter((id) => !id.startsWith('S'));
    // A user group may hold any number of people; only a list of people alone can be too short.
    if (people.length === approvers.length && people.length < requiredApprovals) {
      warnings.push(
        `FLIGHTIQ_REQUIRED_APPROVALS is ${requiredApprovals} but FLIGHTIQ_APPROVERS names ${people.length} ${people.length === 1 ? 'person' : 'people'}: no promotion into a protected environment can collect ${requiredApprovals} approvals. Add approvers (or a user group), or lower FLIGHTIQ_REQUIRED_APPROVALS.`,
      );
    }
  }
  if (!approvalChannel) {
    warnings.push(
      'FLIGHTIQ_APPROVAL_CHANNEL is not set: promotions into protected environments are refused until it is (a channel ID, with the app invited).',
    );
  }
  if (!config.alerts.channel) {
    warnings.push(
      `FLIGHTIQ_ALERT_CHANNEL is not set: failing credentials, expiring certificates${config.alerts.driftAlerts ? ' and flows changed outside FlightIQ' : ''} are tracked, but nobody is told.`,
    );
  }
  return warnings;
}
