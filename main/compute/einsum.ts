/** Einsum equations: parsed once at build time; shapes checked per letter. */
import { type Dim, ShapeError, formatShape } from './errors.js';
import { type Shape, unifyDim } from './shapes.js';

export interface EinsumPlan {
  /** The explicit equation handed to ONNX Runtime. */
  equation: string;
  inputs: string[];
  output: string;
}

/** Accepts NumPy's explicit ('ij,jk->ik') and implicit ('ij,jk') forms; no ellipsis. */
export function parseEinsum(equation: string, operands: number): EinsumPlan {
  const eq = equation.replace(/\s+/g, '');
  if (eq.includes('.')) throw new ShapeError(`einsum '${equation}': ellipsis is not supported; name every axis`, []);
  const [lhs, rhs, ...rest] = eq.split('->');
  if (lhs === undefined || rest.length > 0) throw new ShapeError(`einsum '${equation}' is malformed`, []);
  const inputs = lhs.split(',');
  if (inputs.length !== operands) {
    throw new ShapeError(`einsum '${equation}' names ${inputs.length} operands but ${operands} were given`, []);
  }
  for (const term of [...inputs, rhs ?? '']) {
    if (!/^[a-zA-Z]*$/.test(term)) throw new ShapeError(`einsum '${equation}': subscripts must be letters`, []);
  }
  const counts = new Map<string, number>();
  for (const c of inputs.join('')) counts.set(c, (counts.get(c) ?? 0) + 1);
  const output =
    rhs ??
    [...counts]
      .filter(([, n]) => n === 1)
      .map(([c]) => c)
      .sort()
      .join('');
  for (const c of output) {
    if (!counts.has(c)) throw new ShapeError(`einsum '${equation}': output subscript '${c}' is not in any operand`, []);
  }
  if (new Set(output).size !== output.length) throw new ShapeError(`einsum '${equation}': repeated output subscript`, []);
  return { equation: `${inputs.join(',')}->${output}`, inputs, output };
}

export function einsumShape(plan: EinsumPlan, shapes: readonly Shape[]): Dim[] {
  const size = new Map<string, Dim>();
  const where = new Map<string, number>();
  plan.inputs.forEach((term, k) => {
    const shape = shapes[k]!;
    if (shape.length !== term.length) {
      throw new ShapeError(`einsum '${plan.equation}': operand ${k} '${term}' needs rank ${term.length}, got shape ${formatShape(shape)}`, [shape]);
    }
    [...term].forEach((c, j) => {
      const prev = size.get(c);
      if (prev === undefined) {
        size.set(c, shape[j]!);
        where.set(c, k);
        return;
      }
      const d = unifyDim(prev, shape[j]!);
      if (d === undefined) {
        const other = shapes[where.get(c)!]!;
        throw new ShapeError(
          `einsum '${plan.equation}': subscript '${c}' is ${prev} in ${formatShape(other)} but ${shape[j]} in ${formatShape(shape)}`,
          [other, shape],
        );
      }
      size.set(c, d);
    });
  });
  return [...plan.output].map((c) => size.get(c)!);
}
