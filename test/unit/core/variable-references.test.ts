import { describe, expect, it } from 'vitest';
import { renameCompanyVariables, variableReferencesOf } from '../../../src/core/davinci/flow-graph.js';

function graphOf(...properties: Record<string, unknown>[]) {
  return {
    elements: {
      nodes: properties.map((props, i) => ({
        data: {
          id: `n${i}`,
          connectorId: 'variablesConnector',
          capabilityName: props.capability,
          properties: props,
        },
      })),
    },
  };
}

describe('the variables a flow uses', () => {
  it('finds every template form, user variables included, each in its own context', () => {
    const found = variableReferencesOf(
      graphOf({
        a: { value: '{{global.company.variables.x}} {{global.variables.x}} {{global.flow.variables.y}}' },
        b: { value: '{{global.userInfo.variables.tier}}' },
      }),
    );
    expect(found.map((r) => `${r.context}:${r.name}`).sort()).toEqual([
      'company:x',
      'flow:y',
      'flowInstance:x',
      'user:tier',
    ]);
  });

  it('finds the variable incrementByN adds to', () => {
    const found = variableReferencesOf(
      graphOf({ capability: 'incrementByN', variable: { value: 'ciam_verificationValidationAttempts' } }),
    );
    expect(found).toEqual([
      { name: 'ciam_verificationValidationAttempts', context: 'flowInstance', dataType: 'number' },
    ]);
  });
});

describe('renaming company variables for a destination that calls them otherwise', () => {
  const renames = new Map([['apiBase', 'apiBaseProd']]);

  it('renames template references and company saves, nothing else', () => {
    const renamed = renameCompanyVariables(
      graphOf(
        {
          a: {
            value:
              '{{global.company.variables.apiBase}}/x {{ global.company.variables.apiBase.host }} {{global.variables.apiBase}} {{global.company.variables.apiBaseline}}',
          },
        },
        {
          capability: 'saveValue',
          saveVariables: {
            value: [
              { name: 'apiBase', label: 'apiBase (string - company)', type: 'string', value: 'a' },
              { name: 'apiBase', label: 'apiBase (string - flowInstance)', type: 'string', value: 'b' },
            ],
          },
        },
      ),
      renames,
    );
    const text = JSON.stringify(renamed);
    expect(text).toContain('{{global.company.variables.apiBaseProd}}/x');
    expect(text).toContain('{{ global.company.variables.apiBaseProd.host }}');
    // Another context's variable of that name, and a longer name that starts with it, stay.
    expect(text).toContain('{{global.variables.apiBase}}');
    expect(text).toContain('{{global.company.variables.apiBaseline}}');
    expect(
      variableReferencesOf(renamed)
        .map((r) => `${r.context}:${r.name}`)
        .sort(),
    ).toEqual(['company:apiBaseProd', 'company:apiBaseline', 'flowInstance:apiBase']);
    expect(text).toContain('"name":"apiBaseProd","label":"apiBaseProd (string - company)"');
    expect(text).toContain('"name":"apiBase","label":"apiBase (string - flowInstance)"');
  });

  it('leaves the value as it was when nothing is renamed', () => {
    const graph = graphOf({ a: { value: '{{global.company.variables.apiBase}}' } });
    expect(renameCompanyVariables(graph, new Map())).toBe(graph);
  });

  it("renames the designer's pill for the variable, as Ping's exports write it, and each name once", () => {
    const pill = (name: string, label = name) => ({
      type: 'link',
      src: 'variable.svg',
      url: name,
      data: `{{global.company.variables.${name}}}`,
      tooltip: `{{global.company.variables.${name}}}`,
      children: [{ text: label }],
    });
    const richText = JSON.stringify(
      [
        {
          children: [{ text: 'Hi ' }, pill('apiBase'), pill('region', '{{global.company.variables.region}}')],
        },
      ],
      null,
      2,
    );
    const renamed = renameCompanyVariables(
      graphOf({ message: { value: richText } }),
      new Map([
        ['apiBase', 'region'],
        ['region', 'regionProd'],
      ]),
    ) as { elements: { nodes: { data: { properties: { message: { value: string } } } }[] } };
    const value = renamed.elements.nodes[0]?.data.properties.message.value ?? '';
    expect(value).toContain('\n  ');
    expect(JSON.parse(value)).toEqual([
      {
        children: [
          { text: 'Hi ' },
          pill('region'),
          pill('regionProd', '{{global.company.variables.regionProd}}'),
        ],
      },
    ]);
  });
});
