/**
 * Slack's Block Kit limits (docs/slack-facts.md, "Block Kit limits: blocks and views" and "Block Kit
 * limits: texts and elements"), checked the way Slack checks them: a payload over a limit is refused
 * (`invalid_blocks`), not truncated. The fake Slack applies these to every message and view it
 * receives; tests apply them to acknowledgement bodies too.
 */

export type Surface = 'message' | 'modal' | 'home';

const maxBlocks: Record<Surface, number> = { message: 50, modal: 100, home: 100 };

type Json = Record<string, unknown>;

export function blockKitProblems(blocks: unknown, surface: Surface): string[] {
  if (blocks === undefined) return [];
  if (!Array.isArray(blocks)) return ['blocks must be an array'];
  const problems: string[] = [];
  if (blocks.length > maxBlocks[surface]) {
    problems.push(`${blocks.length} blocks; a ${surface} allows ${maxBlocks[surface]}`);
  }
  const blockIds = new Set<string>();
  for (const [index, block] of (blocks as Json[]).entries()) {
    const at = `blocks[${index}]`;
    if (typeof block?.type !== 'string') {
      problems.push(`${at} has no type`);
      continue;
    }
    if (typeof block.block_id === 'string') {
      if (blockIds.has(block.block_id)) problems.push(`${at} repeats block_id ${block.block_id}`);
      blockIds.add(block.block_id);
      limit(problems, `${at}.block_id`, block.block_id, 255);
    }
    switch (block.type) {
      case 'section': {
        const text = block.text as Json | undefined;
        const fields = block.fields as Json[] | undefined;
        if (!text && !fields) problems.push(`${at} section needs text or fields`);
        if (text) textObject(problems, `${at}.text`, text, 3000);
        if (fields) {
          if (fields.length > 10) problems.push(`${at} has ${fields.length} fields; max 10`);
          for (const [i, field] of fields.entries()) textObject(problems, `${at}.fields[${i}]`, field, 2000);
        }
        if (block.accessory) element(problems, `${at}.accessory`, block.accessory as Json);
        break;
      }
      case 'header':
        textObject(problems, `${at}.text`, block.text as Json, 150, 'plain_text');
        break;
      case 'context': {
        const elements = (block.elements as Json[] | undefined) ?? [];
        if (elements.length === 0 || elements.length > 10) {
          problems.push(`${at} context needs 1 to 10 elements, has ${elements.length}`);
        }
        elements.forEach((el, i) => {
          if (el.type === 'mrkdwn' || el.type === 'plain_text')
            textObject(problems, `${at}.elements[${i}]`, el, 3000);
        });
        break;
      }
      case 'actions': {
        const elements = (block.elements as Json[] | undefined) ?? [];
        if (elements.length === 0 || elements.length > 25) {
          problems.push(`${at} actions needs 1 to 25 elements, has ${elements.length}`);
        }
        for (const [i, el] of elements.entries()) element(problems, `${at}.elements[${i}]`, el);
        break;
      }
      case 'input': {
        if (surface === 'message') problems.push(`${at} input blocks are not allowed in messages`);
        textObject(problems, `${at}.label`, block.label as Json, 2000, 'plain_text');
        if (block.hint) textObject(problems, `${at}.hint`, block.hint as Json, 2000, 'plain_text');
        if (!block.element) problems.push(`${at} input needs an element`);
        else element(problems, `${at}.element`, block.element as Json);
        break;
      }
      case 'divider':
      case 'image':
      case 'rich_text':
      case 'file':
      case 'video':
      case 'markdown':
        break;
      default:
        problems.push(`${at} has unknown block type ${String(block.type)}`);
    }
  }
  return problems;
}

export function viewProblems(view: Json, surface: 'modal' | 'home'): string[] {
  const problems = blockKitProblems(view.blocks, surface);
  if (view.type !== surface) problems.push(`view type must be ${surface}`);
  if (surface === 'modal') {
    textObject(problems, 'title', view.title as Json, 24, 'plain_text');
    if (view.submit) textObject(problems, 'submit', view.submit as Json, 24, 'plain_text');
    if (view.close) textObject(problems, 'close', view.close as Json, 24, 'plain_text');
    const hasInput = Array.isArray(view.blocks) && view.blocks.some((b: Json) => b.type === 'input');
    if (hasInput && !view.submit) problems.push('a modal with input blocks needs a submit button');
  }
  if (typeof view.private_metadata === 'string')
    limit(problems, 'private_metadata', view.private_metadata, 3000);
  if (typeof view.callback_id === 'string') limit(problems, 'callback_id', view.callback_id, 255);
  if (JSON.stringify(view).length > 250_000) problems.push('view_too_large');
  return problems;
}

function element(problems: string[], at: string, el: Json): void {
  if (typeof el.action_id === 'string') limit(problems, `${at}.action_id`, el.action_id, 255);
  switch (el.type) {
    case 'button':
      textObject(problems, `${at}.text`, el.text as Json, 75, 'plain_text');
      if (typeof el.value === 'string') limit(problems, `${at}.value`, el.value, 2000);
      if (typeof el.url === 'string') limit(problems, `${at}.url`, el.url, 3000);
      if (el.style !== undefined && el.style !== 'primary' && el.style !== 'danger') {
        problems.push(`${at}.style must be primary or danger`);
      }
      break;
    case 'static_select':
    case 'radio_buttons':
    case 'checkboxes':
    case 'overflow': {
      const options = (el.options as Json[] | undefined) ?? [];
      const max = el.type === 'static_select' ? 100 : el.type === 'overflow' ? 5 : 10;
      if (options.length > max) problems.push(`${at} has ${options.length} options; max ${max}`);
      for (const [i, option] of options.entries()) {
        textObject(problems, `${at}.options[${i}].text`, option.text as Json, 75);
        limit(problems, `${at}.options[${i}].value`, String(option.value ?? ''), 75);
      }
      break;
    }
    case 'plain_text_input':
      if (el.placeholder)
        textObject(problems, `${at}.placeholder`, el.placeholder as Json, 150, 'plain_text');
      break;
    default:
      break;
  }
}

function textObject(
  problems: string[],
  at: string,
  text: Json | undefined,
  max: number,
  only?: 'plain_text',
): void {
  if (!text || typeof text.text !== 'string') {
    problems.push(`${at} must be a text object`);
    return;
  }
  if (text.type !== 'plain_text' && text.type !== 'mrkdwn')
    problems.push(`${at}.type must be plain_text or mrkdwn`);
  if (only && text.type !== only) problems.push(`${at} must be ${only}`);
  if (text.text.length === 0) problems.push(`${at} must not be empty`);
  limit(problems, at, text.text, max);
}

function limit(problems: string[], at: string, value: string, max: number): void {
  if (value.length > max) problems.push(`${at} is ${value.length} characters; max ${max}`);
}
