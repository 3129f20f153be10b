/** The tensor engine's public surface for analyses, services and the CLI. */
export { createEngine, engineInfo, Engine, CompiledGraph, type EngineOptions, type EngineStats, type EngineLog } from './engine.js';
export { GraphBuilder, FrozenGraph, Value, type Operand, type DimRef, type TargetDim, type MatmulOptions, type ReduceOptions, type ValueDType } from './graph.js';
export { tensor, zeros, fromRows, toRows, arrayOf, assertFinite, countNonFinite, type Tensor, type FloatDType, type FloatArray } from './tensor.js';
export { ShapeError, DTypeError, NonFiniteError, EngineError, LinalgError, formatShape, type Dim } from './errors.js';
export { listBackends, candidates } from './providers.js';
export { intraOpThreads } from './threads.js';
export { cholesky, choleskySolve, solve, inverse, eigh, eig, svd, type Matrix64, type SymmetricEigen, type GeneralEigen, type Svd, type SvdOptions } from './linalg.js';
export { randomizedSvd, type RandomizedSvdOptions } from './randomized-svd.js';
