import { describe, expect, it } from 'vitest';
import { type LintedFlow, lintFlows, lintRules } from '../../../src/core/davinci/lint.js';
import { lintModeFor } from '../../../src/core/promotion/lint-gate.js';

/** Each lint rule on the smallest flow that breaks it, and not on the same flow mended. */

type Node = { data: Record<string, unknown> };

function node(id: string, data: Record<string, unknown> = {}): Node {
  return { data: { id, nodeType: 'CONNECTION', ...data } };
}

function graph(nodes: Node[], edges: [string, string][] = []) {
  return {
    elements: {
      nodes,
      edges: edges.map(([source, target]) => ({ data: { id: `${source}-${target}`, source, target } })),
    },
  };
}

function startsSubflow(id: string, subflowId: string, version?: unknown): Node {
  return node(id, {
    connectorId: 'flowConnector',
    properties: {
      subFlowId: { value: { value: subflowId, label: subflowId } },
      ...(version === undefined ? {} : { subFlowVersionId: { value: version } }),
    },
  });
}

function lint(
  flows: LintedFlow[],
  options: {
    protected?: boolean;
    versions?: [string, number][];
    undefined?: { name: string; context: string }[];
  } = {},
) {
  return lintFlows({
    flows,
    versions: new Map(options.versions ?? []),
    undefinedVariables: options.undefined ?? [],
    destination: { name: 'Production', protected: options.protected ?? true },
  });
}

const rules = (findings: { rule: string }[]) => findings.map((finding) => finding.rule);

describe('lint rules', () => {
  it('debug-log-level: log level 3 (and 4) into a protected environment, not Info, not elsewhere', () => {
    const flow = (logLevel: number): LintedFlow => ({
      id: 'f',
      name: 'Checkout',
      graphData: graph([]),
      settings: { logLevel },
    });
    expect(rules(lint([flow(3)]))).toEqual(['debug-log-level']);
    expect(rules(lint([flow(4)]))).toEqual(['debug-log-level']);
    expect(lint([flow(2)])).toEqual([]);
    expect(lint([flow(3)], { protected: false })).toEqual([]);
    expect(lint([flow(3)])[0]?.fix).toContain('Info or None');
  });

  it('form-not-selected: a PingOne Forms node with no form, named by its title', () => {
    const forms = (form: unknown) =>
      node('n1', {
        connectorId: 'pingOneFormsConnector',
        properties: {
          nodeTitle: { value: 'Sign on' },
          ...(form === undefined ? {} : { form: { value: form } }),
        },
      });
    const [finding] = lint([{ id: 'f', name: 'Login', graphData: graph([forms(undefined)]) }]);
    expect(finding).toMatchObject({ rule: 'form-not-selected', flow: 'Login', node: 'Sign on' });
    expect(lint([{ id: 'f', name: 'Login', graphData: graph([forms('')]) }])).toHaveLength(1);
    expect(lint([{ id: 'f', name: 'Login', graphData: graph([forms('form-id')]) }])).toEqual([]);
  });

  it('disabled-node: only a disabled node on a path', () => {
    const nodes = [node('a'), node('b', { isDisabled: true, name: 'HTTP' })];
    expect(rules(lint([{ id: 'f', name: 'Login', graphData: graph(nodes, [['a', 'b']]) }]))).toEqual([
      'disabled-node',
    ]);
    expect(lint([{ id: 'f', name: 'Login', graphData: graph(nodes) }])).toEqual([]);
  });

  it('no-subflow-selected and pingone-flow-as-subflow', () => {
    const empty = node('s', {
      connectorId: 'flowConnector',
      properties: { subFlowId: { value: { value: '' } } },
    });
    expect(rules(lint([{ id: 'm', name: 'Main', graphData: graph([empty]) }]))).toEqual([
      'no-subflow-selected',
    ]);
    const main = { id: 'm', name: 'Main', graphData: graph([startsSubflow('s', 'p')]) };
    const pingOneFlow = {
      id: 'p',
      name: 'Sign-on policy flow',
      graphData: graph([]),
      settings: { pingOneFlow: true },
    };
    expect(rules(lint([main, pingOneFlow]))).toEqual(['pingone-flow-as-subflow']);
    expect(lint([main, { ...pingOneFlow, settings: { pingOneFlow: false } }])).toEqual([]);
  });

  it('circular-subflow: once per loop, named from the flow that closes it', () => {
    const main = { id: 'm', name: 'Main', graphData: graph([startsSubflow('s1', 'a')]) };
    const a = { id: 'a', name: 'A', graphData: graph([startsSubflow('s2', 'b')]) };
    const b = { id: 'b', name: 'B', graphData: graph([startsSubflow('s3', 'a')]) };
    const findings = lint([main, a, b]);
    expect(rules(findings)).toEqual(['circular-subflow']);
    expect(findings[0]?.message).toContain('B starts A, which (through its subflows) started B');
    expect(lint([main, a, { ...b, graphData: graph([]) }])).toEqual([]);
  });

  it("missing-subflow-version: a pin past the subflow's latest version; -1 and existing versions pass", () => {
    const main = (version: unknown) => ({
      id: 'm',
      name: 'Main',
      graphData: graph([startsSubflow('s', 'a', version)]),
    });
    const a = { id: 'a', name: 'A', graphData: graph([]) };
    const versions: [string, number][] = [['a', 7]];
    expect(rules(lint([main(9), a], { versions }))).toEqual(['missing-subflow-version']);
    expect(rules(lint([main('9'), a], { versions }))).toEqual(['missing-subflow-version']);
    expect(lint([main(7), a], { versions })).toEqual([]);
    expect(lint([main(-1), a], { versions })).toEqual([]);
  });

  it('undefined-variable: each variable defined nowhere, with its context and flow', () => {
    const findings = lint([{ id: 'm', name: 'Main', graphData: graph([]) }], {
      undefined: [{ name: 'magicLink', context: 'flowInstance' }],
    });
    expect(findings).toEqual([
      expect.objectContaining({
        rule: 'undefined-variable',
        flow: 'Main',
        message: expect.stringContaining('"magicLink" (flowInstance)'),
      }),
    ]);
  });

  it('a clean flow has no finding, and every rule is documented with its dvlint counterpart', () => {
    expect(
      lint([
        {
          id: 'm',
          name: 'Main',
          graphData: graph([node('a'), node('b')], [['a', 'b']]),
          settings: { logLevel: 1 },
        },
      ]),
    ).toEqual([]);
    expect(new Set(lintRules.map((rule) => rule.id)).size).toBe(lintRules.length);
  });
});

describe('lint mode', () => {
  it('FLIGHTIQ_LINT unset blocks into protected environments and warns elsewhere; set, it is the same everywhere', () => {
    expect(lintModeFor(undefined, true)).toBe('block');
    expect(lintModeFor(undefined, false)).toBe('warn');
    expect(lintModeFor('warn', true)).toBe('warn');
    expect(lintModeFor('block', false)).toBe('block');
  });
});
