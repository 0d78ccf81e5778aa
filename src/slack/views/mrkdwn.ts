/** Text a person typed, made safe to show in mrkdwn: Slack reads &, < and > as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A time every reader sees in their own time zone, with a UTC fallback for clients that cannot. */
export function slackDate(at: Date): string {
  const seconds = Math.floor(at.getTime() / 1000);
  const fallback = `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<!date^${seconds}^{date_short_pretty} at {time}|${fallback}>`;
}

/**
 * Text shown as mrkdwn, escaped and then cut to `max`: escaping can make text up to five times longer,
 * so cutting first would let it overflow a Block Kit limit. A cut never leaves half an entity.
 */
export function escapedShort(text: string, max: number): string {
  const escaped = escapeMrkdwn(text);
  if (escaped.length <= max) return escaped;
  return `${escaped.slice(0, max - 1).replace(/&[a-z]*$/, '')}…`;
}

export function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Lines joined into as few section texts as fit Slack's 3,000 characters each (a longer line is cut). */
export function packLines(lines: readonly string[], limit = 3000): string[] {
  const sections: string[] = [];
  let current = '';
  for (const raw of lines) {
    const next = shorten(raw, limit);
    if (current && current.length + 1 + next.length > limit) {
      sections.push(current);
      current = next;
    } else current = current ? `${current}\n${next}` : next;
  }
  if (current) sections.push(current);
  return sections;
}

/** A user (U…/W…) or a user group (S…), as Slack mentions it so that its members are notified. */
export function mention(id: string): string {
  return id.startsWith('S') ? `<!subteam^${id}>` : `<@${id}>`;
}
