/** Numeric arrays that cross process and IPC boundaries: row-major, typed, never JSON numbers. */
export type DType = 'float32' | 'float64' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64';

export type TypedArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

export interface NdArray<T extends TypedArray = TypedArray> {
  dtype: DType;
  shape: number[];
  data: T;
}

const CONSTRUCTORS = {
  float32: Float32Array,
  float64: Float64Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
} as const;

export function typedArrayConstructor(dtype: DType) {
  return CONSTRUCTORS[dtype];
}

export function dtypeOf(data: TypedArray): DType {
  for (const [dtype, ctor] of Object.entries(CONSTRUCTORS)) {
    if (data instanceof ctor) return dtype as DType;
  }
  throw new TypeError('not a supported typed array');
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function ndarray<T extends TypedArray>(data: T, shape: number[]): NdArray<T> {
  if (sizeOf(shape) !== data.length) {
    throw new RangeError(`shape [${shape.join(', ')}] holds ${sizeOf(shape)} values but the data has ${data.length}`);
  }
  return { dtype: dtypeOf(data), shape, data };
}
