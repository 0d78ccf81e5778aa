import { describe, expect, it } from 'vitest';
import { variableReferencesOf } from '../../../src/core/davinci/flow-graph.js';

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
