import { aliasMaxLength, aliasPattern } from '../../pingone/davinci.js';

/**
 * The alias FlightIQ gives every flow version it writes, so PingOne's console shows where a version
 * came from: "FlightIQ 1f3a2b9c from Staging v12 approved by U0APPROVER1" for a promotion, "FlightIQ
 * 1f3a2b9c rollback asked by U0OPERATOR1 approved by U0APPROVER1" for the version its rollback puts back. The promotion's first eight
 * characters find it in `/flightiq promotions` and the audit.
 */

interface AliasedPromotion {
  id: string;
  fromEnvName: string;
  /** Who approved the run, when it needed approval. */
  approvers: string[];
  /** Who ran it, when it needed none. */
  ranBy: string | null;
  /** Set for a revert: the version it went back to, in the same environment. */
  revertTo?: number | undefined;
}

export function promotionAlias(promotion: AliasedPromotion, sourceVersion: number | null): string {
  const from =
    promotion.revertTo === undefined
      ? `from ${promotion.fromEnvName}${sourceVersion === null ? '' : ` v${sourceVersion}`}`
      : `revert to v${promotion.revertTo}`;
  let by = promotion.ranBy ? ` run by ${promotion.ranBy}` : '';
  if (promotion.approvers.length > 0) by = ` approved by ${promotion.approvers.join(' and ')}`;
  return allowedAlias(`FlightIQ ${promotion.id.slice(0, 8)} ${from}${by}`);
}

export function rollbackAlias(promotion: { id: string; askedBy: string | null; by: string | null }): string {
  const asked =
    promotion.askedBy && promotion.askedBy !== promotion.by ? ` asked by ${promotion.askedBy}` : '';
  const by = promotion.by ? ` ${asked ? 'approved' : 'run'} by ${promotion.by}` : '';
  return allowedAlias(`FlightIQ ${promotion.id.slice(0, 8)} rollback${asked}${by}`);
}

/**
 * What PingOne accepts (DaVinciFlowVersionAliasRequest): an environment named "Staging (EU)" becomes
 * "Staging EU", so a name never makes PingOne refuse the alias.
 */
function allowedAlias(text: string): string {
  const kept = [...text]
    .map((char) => (aliasPattern.test(char) ? char : ' '))
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
  return kept.slice(0, aliasMaxLength).trim();
}
