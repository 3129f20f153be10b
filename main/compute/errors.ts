/** Typed errors of the tensor engine: callers (fits, services) branch on the class, users read the message. */

/** A dimension: a size, a symbol bound when the graph runs ('I', 'R'), or null when not known until then. */
export type Dim = number | string | null;

export function formatShape(shape: readonly Dim[]): string {
  return `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

/** Shapes that do not fit together; thrown before anything reaches ONNX Runtime. */
export class ShapeError extends Error {
  override readonly name = 'ShapeError';
  constructor(
    message: string,
    readonly shapes: readonly (readonly Dim[])[],
  ) {
    super(message);
  }
}

/** Element types that do not fit together (float32 with float64, a boolean where numbers are needed). */
export class DTypeError extends Error {
  override readonly name = 'DTypeError';
}

/** NaN or ±Inf where a fit needs finite numbers. */
export class NonFiniteError extends Error {
  override readonly name = 'NonFiniteError';
  constructor(
    message: string,
    readonly count: number,
    readonly firstIndex: number,
  ) {
    super(message);
  }
}

/** ONNX Runtime refused a graph or failed while running it; `cause` holds its own error. */
export class EngineError extends Error {
  override readonly name = 'EngineError';
}

/** A matrix the requested decomposition does not apply to (singular, not positive definite, not square). */
export class LinalgError extends Error {
  override readonly name = 'LinalgError';
}
