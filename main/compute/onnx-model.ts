/** Serialises graphs to ONNX ModelProto bytes with onnx-proto; the only module that touches protobuf. */
import onnxProto from 'onnx-proto';
import type { Dim } from './errors.js';

const { onnx } = onnxProto;

/** Opset 18: every Reduce* takes its axes as an input, so one session serves any axes of the same rank. */
export const OPSET = 18;
const IR_VERSION = 8;

export type ValueDType = 'float32' | 'float64' | 'int64' | 'bool';

const ELEM_TYPE: Record<ValueDType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  float64: onnx.TensorProto.DataType.DOUBLE,
  int64: onnx.TensorProto.DataType.INT64,
  bool: onnx.TensorProto.DataType.BOOL,
};

export function elemType(dtype: ValueDType): number {
  return ELEM_TYPE[dtype];
}

export type AttrValue = number | string | readonly number[];
/** Integer attributes are most of ONNX's; the few float ones are named so. */
export interface Attr {
  name: string;
  value: AttrValue;
  float?: boolean;
}

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs?: Attr[];
}

export interface ValueSpec {
  name: string;
  dtype: ValueDType;
  shape: readonly Dim[];
}

/** Outputs carry no shape: ONNX Runtime infers it, and a declared symbol could only disagree. */
export interface OutputSpec {
  /** The name callers see. */
  name: string;
  /** The name inside the model: differs when an output reuses an input's name (state in, state out). */
  onnxName: string;
  dtype: ValueDType;
}

export interface ConstantSpec {
  name: string;
  dtype: ValueDType;
  shape: readonly number[];
  data: Float32Array | Float64Array | BigInt64Array | Uint8Array;
}

export interface ModelSpec {
  nodes: NodeSpec[];
  inputs: ValueSpec[];
  outputs: OutputSpec[];
  constants: ConstantSpec[];
}

function attribute(a: Attr) {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof a.value === 'string') return { name: a.name, type: T.STRING, s: new TextEncoder().encode(a.value) };
  if (typeof a.value === 'number') {
    return a.float ? { name: a.name, type: T.FLOAT, f: a.value } : { name: a.name, type: T.INT, i: a.value };
  }
  return a.float ? { name: a.name, type: T.FLOATS, floats: [...a.value] } : { name: a.name, type: T.INTS, ints: [...a.value] };
}

function valueInfo(v: ValueSpec | OutputSpec) {
  if ('onnxName' in v) return { name: v.onnxName, type: { tensorType: { elemType: elemType(v.dtype) } } };
  const shape = { dim: v.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : d === null ? {} : { dimParam: d })) };
  return { name: v.name, type: { tensorType: { elemType: elemType(v.dtype), shape } } };
}

function initializer(c: ConstantSpec) {
  return {
    name: c.name,
    dataType: elemType(c.dtype),
    dims: [...c.shape],
    rawData: new Uint8Array(c.data.buffer, c.data.byteOffset, c.data.byteLength),
  };
}

export function encodeModel(spec: ModelSpec): Uint8Array {
  const graph = {
    name: 'cajal',
    node: spec.nodes.map((n) => ({ opType: n.op, input: n.inputs, output: n.outputs, attribute: (n.attrs ?? []).map(attribute) })),
    input: spec.inputs.map(valueInfo),
    output: spec.outputs.map(valueInfo),
    initializer: spec.constants.map(initializer),
  };
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    producerName: 'cajal-studio',
    opsetImport: [{ domain: '', version: OPSET }],
    graph: onnx.GraphProto.fromObject(graph),
  });
  return onnx.ModelProto.encode(model).finish();
}
